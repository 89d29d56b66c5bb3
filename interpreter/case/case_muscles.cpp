// interpreter/case/case_muscles.cpp — reading a limb muscle: a name resolved through the
// policy's muscle table (case_tables.hpp), or an object of shape `muscle` for one it lacks.
#include "interpreter/case/case_reader.hpp"

namespace cpl {

namespace {

Value row_field(const TableRowData* row, int field, Value fallback) {
    if (field < 0 || row->value.kind != Kind::Record) return fallback;
    return row->value.items[field];
}

std::string object_help(std::string_view name) {
    return "{\"name\": " + in_quotes(name) + ", \"nerve\": \"...\", \"roots\": [\"...\"]}";
}

} // namespace

/// A muscle name, resolved through the muscle table, or an object of shape `muscle` for
/// one the table lacks (its nerve and roots, when given, override the table's).
Value CaseReader::Impl::read_muscle(od::value& v) {
    od::json_type type = type_of(v);
    if (type == od::json_type::string) {
        std::string_view name = get_string(v);
        if (!muscles)
            fail("muscle " + in_quotes(name) + " cannot be looked up: no muscle table is loaded",
                 "without a muscle table, give each muscle as " + object_help(name));
        const TableRowData* row = find_muscle(name);
        if (!row) {
            // `lower` holds the lower-cased name after find_muscle.
            if (auto field = muscles->elsewhere.find(lower); field != muscles->elsewhere.end())
                fail(in_quotes(name) + " is not a limb muscle",
                     "list it under \"" + field->second +
                         "\" (with its side) instead of in a limb");
            fail("unknown muscle " + in_quotes(name) + did_you_mean(name, muscle_names),
                 "to use a muscle the table lacks, give it as " + object_help(name));
        }
        Value* fields = new_fields(shape_muscle);
        fields[muscle_field::name] = row->keys[0];
        fields[muscle_field::nerve] = row_field(row, muscles->nerve_field, Value::of_string({}));
        fields[muscle_field::roots] =
            row_field(row, muscles->roots_field, Value::of_list(nullptr, 0));
        return Value::of_record(shape_muscle, fields);
    }
    if (type != od::json_type::object)
        fail("expected a muscle name or an object with \"name\", \"nerve\" and \"roots\"");
    od::object object = get_object(v);
    std::uint32_t seen = 0;
    Value* fields = read_fields(object, case_schema::schema_of(shape_muscle), seen);
    std::string_view name = fields[muscle_field::name].str();
    bool has_nerve = seen & bit(muscle_field::nerve), has_roots = seen & bit(muscle_field::roots);
    if (const TableRowData* row = find_muscle(name)) {
        fields[muscle_field::name] = row->keys[0];
        if (!has_nerve)
            fields[muscle_field::nerve] =
                row_field(row, muscles->nerve_field, fields[muscle_field::nerve]);
        if (!has_roots)
            fields[muscle_field::roots] =
                row_field(row, muscles->roots_field, fields[muscle_field::roots]);
    } else if (!has_nerve || !has_roots) {
        std::string needs = !has_nerve && !has_roots ? "\"nerve\" and \"roots\""
                            : !has_nerve             ? "\"nerve\""
                                                     : "\"roots\"";
        if (!muscles)
            fail("no muscle table is loaded, so muscle " + in_quotes(name) + " needs " + needs,
                 "give it as " + object_help(name));
        fail("muscle " + in_quotes(name) + " is not in the muscle table, so it needs " + needs +
                 did_you_mean(name, muscle_names),
             "give it as " + object_help(name));
    }
    return Value::of_record(shape_muscle, fields);
}

} // namespace cpl
