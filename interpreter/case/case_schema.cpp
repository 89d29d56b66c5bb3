// interpreter/case/case_schema.cpp — the built-in shapes, in id order.
#include "interpreter/case/case_schema.hpp"

namespace cpl {

void add_case_shapes(std::vector<Shape>& shapes, std::vector<std::vector<TypeP>>& types) {
    auto add = [&](std::string name, std::vector<std::pair<std::string, TypeP>> fields) {
        Shape shape{std::move(name), {}};
        std::vector<TypeP> field_types;
        for (auto& [field, type] : fields) {
            shape.fields.push_back(field);
            field_types.push_back(type);
        }
        shapes.push_back(std::move(shape));
        types.push_back(std::move(field_types));
    };
    add_engine_shapes(shapes, types);
    auto strings = list_of(string_type());
    add("claim_line", {{"code", code_type()}, {"units", number_type()}, {"modifiers", strings}});
    add("case", {{"id", string_type()},
                 {"date_of_service", string_type()},
                 {"provider_role", string_type()},
                 {"diagnoses", strings},
                 {"extremities", list_of(record_of(shape_extremity))},
                 {"thoracic_paraspinal_levels", strings},
                 {"cranial_muscles", list_of(record_of(shape_sided_muscle))},
                 {"axial_muscles", list_of(record_of(shape_sided_muscle))},
                 {"larynx", bool_type()},
                 {"hemidiaphragm", strings},
                 {"single_fiber_muscles", strings},
                 {"nerve_conduction", list_of(record_of(shape_nerve_study))},
                 {"neuromuscular_junction", list_of(record_of(shape_nmj_study))},
                 {"history", list_of(record_of(shape_encounter))},
                 {"claim", list_of(record_of(shape_claim_line))}});
    add("extremity", {{"limb", string_type()},
                      {"muscles", list_of(record_of(shape_muscle))},
                      {"paraspinal_levels", strings}});
    add("muscle", {{"name", string_type()}, {"nerve", string_type()}, {"roots", strings}});
    add("sided_muscle", {{"name", string_type()}, {"side", string_type()}});
    add("nerve_study", {{"nerve", string_type()},
                        {"side", string_type()},
                        {"type", string_type()},
                        {"f_wave", bool_type()}});
    add("nmj_study", {{"nerve", string_type()}, {"side", string_type()}});
    add("encounter", {{"date_of_service", string_type()}, {"codes", list_of(code_type())}});
}

} // namespace cpl
