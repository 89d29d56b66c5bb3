// interpreter/case/case_muscles.cpp — reading a limb muscle: a name resolved through the
// policy's muscle table (case_tables.hpp), or an object of shape `muscle` for one it lacks.
#include "interpreter/case/case_reader.hpp"
#include "runtime/ascii.hpp"

#include <algorithm>
#include <numeric>

namespace cpl {

namespace {

std::string object_help(std::string_view name) {
    return "{\"name\": " + in_quotes(name) + ", \"nerve\": \"...\", \"roots\": [\"...\"]}";
}

// The same roots, in any order.
bool same_roots(const Value& a, const Value& b) {
    auto in = [](const Value& list, const Value& root) {
        return std::any_of(list.items, list.items + list.size,
                           [&](const Value& r) { return r.str() == root.str(); });
    };
    return std::all_of(a.items, a.items + a.size, [&](const Value& r) { return in(b, r); }) &&
           std::all_of(b.items, b.items + b.size, [&](const Value& r) { return in(a, r); });
}

} // namespace

/// A muscle given twice in one limb (by its name and an abbreviation, or in other capitals) is
/// counted once; given twice with another nerve or other roots, the case says two things of
/// one muscle, and whichever the policy read would decide its nerves and levels: refused.
void CaseReader::Impl::refuse_repeated_muscles(const Value& list) {
    auto field = [&](std::uint32_t i, std::uint32_t f) -> std::string_view {
        return list.items[i].items[f].str();
    };
    auto same_muscle = [&](std::uint32_t a, std::uint32_t b) {
        return equal_ignoring_ascii_case(field(a, muscle_field::name),
                                         field(b, muscle_field::name));
    };
    auto agree = [&](std::uint32_t a, std::uint32_t b) {
        return equal_ignoring_ascii_case(field(a, muscle_field::nerve),
                                         field(b, muscle_field::nerve)) &&
               same_roots(list.items[a].items[muscle_field::roots],
                          list.items[b].items[muscle_field::roots]);
    };
    // The first entry that disagrees with an earlier one of its muscle, and that one.
    std::uint32_t at = list.size, earlier = 0;
    if (list.size <= 32) { // a study's list: each pair (names of other lengths differ at once)
        for (std::uint32_t j = 1; j < list.size && at == list.size; ++j)
            for (std::uint32_t i = 0; i < j; ++i)
                if (same_muscle(i, j) && !agree(i, j)) {
                    at = j, earlier = i;
                    break;
                }
    } else { // a generated list of any length: by name, then place, each compared with its first
        std::vector<std::uint32_t>& order = muscle_order;
        order.resize(list.size);
        std::iota(order.begin(), order.end(), 0u);
        std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
            std::string_view x = field(a, muscle_field::name), y = field(b, muscle_field::name);
            return before_ignoring_ascii_case(x, y) || (!before_ignoring_ascii_case(y, x) && a < b);
        });
        for (std::uint32_t k = 1, first = order[0]; k < list.size; ++k) {
            std::uint32_t i = order[k];
            if (!same_muscle(first, i))
                first = i;
            else if (!agree(first, i) && i < at)
                at = i, earlier = first;
        }
    }
    if (at == list.size) return;
    bool nerve = equal_ignoring_ascii_case(field(earlier, muscle_field::nerve),
                                           field(at, muscle_field::nerve));
    path.push_back({{}, at});
    fail("muscle " + in_quotes(field(at, muscle_field::name)) + " is given twice (also at [" +
             std::to_string(earlier) + "]) with " +
             (nerve ? "other roots"
                    : "another nerve (" + in_quotes(field(earlier, muscle_field::nerve)) +
                          " there, " + in_quotes(field(at, muscle_field::nerve)) + " here)"),
         "list each muscle of a limb once, with its nerve and roots");
}

/// A muscle the case has a field of its own for (the trapezius, a cranial muscle; the
/// paraspinals and the sphincters, axial), named in a limb, alone or as an object with a nerve
/// and roots: counted there, it would make a limited limb complete. `lower` holds the name
/// lower-cased, after find_muscle found no limb muscle of it.
void CaseReader::Impl::refuse_muscle_of_elsewhere(std::string_view name) {
    if (!muscles) return;
    if (auto field = muscles->elsewhere.find(lower); field != muscles->elsewhere.end())
        fail(in_quotes(name) + " is not a limb muscle",
             field->second == "thoracic_paraspinal_levels"
                 ? "list the levels needled (T2-T11) under \"thoracic_paraspinal_levels\" "
                   "instead of in a limb"
                 : "list it under \"" + field->second + "\" (with its side) instead of in a limb");
}

/// A muscle name, resolved through the muscle table, or an object of shape `muscle` for
/// one the table lacks (its nerve and roots, when given, override the table's).
Value CaseReader::Impl::read_muscle(od::value& v) {
    od::json_type type = type_of(v);
    if (type == od::json_type::string) {
        std::string_view name = get_string(v);
        if (!muscles)
            fail("muscle " + in_quotes(name) + " cannot be looked up: no muscle table is loaded",
                 "without a muscle table, give each muscle as " + object_help(name));
        const MuscleIndex::Muscle* muscle = find_muscle(name);
        if (!muscle) {
            refuse_muscle_of_elsewhere(name);
            // A name with spaces around it (a no-break or zero-width one too) is refused as an
            // object too: the help names the name without them.
            std::string_view bare = name.substr(blank_prefix(name));
            bare.remove_suffix(blank_suffix(bare));
            if (!bare.empty() && bare != name)
                fail("unknown muscle " + in_quotes(name) + ": a name has no spaces around it",
                     find_muscle(bare) ? "write " + in_quotes(bare)
                                       : "write " + in_quotes(bare) +
                                             "; to use a muscle the table lacks, give it as " +
                                             object_help(bare));
            fail("unknown muscle " + in_quotes(name) + did_you_mean(name, muscle_names),
                 "to use a muscle the table lacks, give it as " + object_help(name));
        }
        // The table's record, shared by every case that names the muscle: values are
        // never changed in place, and the table outlives the case.
        return Value::of_record(shape_muscle, muscle->fields.data());
    }
    if (type != od::json_type::object)
        fail("expected a muscle name or an object with \"name\", \"nerve\" and \"roots\"");
    od::object object = get_object(v);
    std::uint32_t seen = 0;
    Value* fields = read_fields(object, case_schema::schema_of(shape_muscle), seen);
    std::string_view name = fields[muscle_field::name].str();
    bool has_nerve = seen & bit(muscle_field::nerve), has_roots = seen & bit(muscle_field::roots);
    if (const MuscleIndex::Muscle* muscle = find_muscle(name)) {
        fields[muscle_field::name] = muscle->fields[muscle_field::name];
        if (!has_nerve) fields[muscle_field::nerve] = muscle->fields[muscle_field::nerve];
        if (!has_roots) fields[muscle_field::roots] = muscle->fields[muscle_field::roots];
    } else if (refuse_muscle_of_elsewhere(name); !has_nerve || !has_roots) {
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
