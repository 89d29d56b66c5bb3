// interpreter/case/case_schema.hpp — the record shapes of an EMG/NCS case, as policies see
// them (docs/language.md, "The case"). Shape ids and field orders here are fixed: the case
// reader builds records in exactly this order, and the checker resolves `case.x` with it.
#pragma once

#include "runtime/shapes.hpp"

namespace cpl {

// After the engine's shapes (shape_claim_line among them, runtime/shapes.hpp).
enum CaseShape : std::uint32_t {
    shape_case = engine_shape_count,
    shape_extremity,
    shape_muscle,
    shape_sided_muscle,
    shape_nerve_study,
    shape_nmj_study,
    shape_encounter,
    case_shape_count // every built-in shape: the engine's and the case's
};

namespace case_field {
enum : std::uint32_t {
    id,
    date_of_service,
    provider_role,
    diagnoses,
    extremities,
    thoracic_paraspinal_levels,
    cranial_muscles,
    axial_muscles,
    larynx,
    hemidiaphragm,
    single_fiber_muscles,
    nerve_conduction,
    neuromuscular_junction,
    history,
    claim,
    count
};
}
namespace extremity_field {
enum : std::uint32_t { limb, muscles, paraspinal_levels, count };
}
namespace muscle_field {
enum : std::uint32_t { name, nerve, roots, count };
}
namespace sided_muscle_field {
enum : std::uint32_t { name, side, count };
}
namespace nerve_study_field {
enum : std::uint32_t { nerve, side, type, f_wave, count };
}
namespace nmj_study_field {
enum : std::uint32_t { nerve, side, count };
}
namespace encounter_field {
enum : std::uint32_t { date_of_service, codes, count };
}

/// Fills an empty shape list with every built-in shape, in id order: the engine's
/// (runtime/shapes.hpp), then the case's (ids as in CaseShape), and their field types.
void add_case_shapes(std::vector<Shape>& shapes, std::vector<std::vector<TypeP>>& field_types);

} // namespace cpl
