// interpreter/case/case_tables.cpp — the policy's tables → what the case reader needs of them.
#include "interpreter/case/case_tables.hpp"

#include "interpreter/case/case_schema.hpp"
#include "lang/utf8.hpp"
#include "runtime/ascii.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace cpl {

namespace {

// Each `elsewhere` field must be a field of the case (not a constant expression otherwise).
constexpr bool elsewhere_fields_exist() {
    for (const auto& other : case_tables::elsewhere)
        (void)case_schema::field_index(shape_case, other.field);
    return true;
}
static_assert(elsewhere_fields_exist(), "an `elsewhere` field is not a field of the case");

std::string lower_case(std::string_view text) {
    std::string lower(text.size(), '\0');
    copy_ascii_lower(text, lower.data());
    return lower;
}

// What to write for a root that is not one level: "c8" is "C8", "T1 " is "T1", "C8-T1" (or
// "C8/T1") two levels; "" when none is plain.
std::string root_help(std::string_view root) {
    root.remove_prefix(blank_prefix(root));
    root.remove_suffix(blank_suffix(root));
    std::string upper(root);
    for (char& c : upper)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (case_schema::is_spinal_level(upper)) return fmt::format("write \"{}\"", upper);
    if (auto dash = upper.find_first_of("-/");
        dash != std::string::npos && case_schema::is_spinal_level(upper.substr(0, dash)) &&
        case_schema::is_spinal_level(upper.substr(dash + 1)))
        return fmt::format("list each level on its own: \"{}\", \"{}\"", upper.substr(0, dash),
                           upper.substr(dash + 1));
    return "";
}

std::optional<MuscleIndex> index_muscles(const FindTable& find, const std::vector<Shape>& shapes,
                                         Diagnostics& diagnostics) {
    auto table = find(case_tables::muscles);
    if (!table) return std::nullopt;
    MuscleIndex index;
    std::size_t keys = 0;
    for (const auto& row : table->data->rows)
        keys += row.keys.size();
    index.reserve(table->data->rows.size(), keys);
    bool bad_roots = false; // each such row is reported, then no index is made
    for (std::size_t at = 0; at < table->data->rows.size(); ++at) {
        const TableRowData& row = table->data->rows[at];
        if (row.value.kind != Kind::Record) {
            diagnostics.error("check.muscle_row", table->row_span(at),
                              fmt::format("every row of `{}` must be a record {{nerve, roots}}",
                                          case_tables::muscles));
            return std::nullopt;
        }
        const Shape& shape = shapes[row.value.size];
        index.nerve_field = shape.field_index("nerve");
        index.roots_field = shape.field_index("roots");
        if (index.nerve_field < 0 || index.roots_field < 0) {
            diagnostics.error("check.muscle_row", table->row_span(at),
                              fmt::format("every row of `{}` must have fields `nerve` and `roots`",
                                          case_tables::muscles));
            return std::nullopt;
        }
        // A complete limb counts distinct roots: one written "c8" or "C8-T1" would be a level.
        const Value& roots = row.value.items[index.roots_field];
        auto bad_root = [&](const Value& root) {
            return root.kind != Kind::String || !case_schema::is_spinal_level(root.str());
        };
        auto listed = roots.kind == Kind::List ? roots.list() : std::span<const Value>{};
        if (auto root = std::find_if(listed.begin(), listed.end(), bad_root);
            root != listed.end()) {
            Diagnostic& d = diagnostics.error(
                "check.muscle_row", table->row_span(at),
                fmt::format("row `{}` of `{}` (written by `{}`): its roots must be spinal "
                            "levels such as \"C6\" or \"L5\", one each, not {}",
                            row.keys.empty() ? "" : to_text(row.keys[0], shapes),
                            case_tables::muscles, row.layer, to_text(*root, shapes, true)));
            if (root->kind == Kind::String) {
                if (std::string help = root_help(root->str()); !help.empty())
                    d.help = std::move(help);
            }
            bad_roots = true;
            continue;
        }
        index.add_row(row);
    }
    if (bad_roots) return std::nullopt;
    for (const auto& other : case_tables::elsewhere) {
        auto names = find(other.table);
        if (!names) continue;
        for (const auto& row : names->data->rows)
            for (const auto& key : row.keys) {
                if (key.kind != Kind::String) continue;
                std::string lower = lower_case(key.str());
                if (!index.by_lower_name.find(lower))
                    index.elsewhere.emplace(lower, std::string(other.field));
            }
    }
    return index;
}

} // namespace

static_assert(std::size(case_schema::muscle_fields) == 3 && muscle_field::name == 0 &&
                  muscle_field::nerve == 1 && muscle_field::roots == 2,
              "MuscleIndex::Muscle::fields is laid out as the `muscle` record");

void MuscleIndex::add_row(const TableRowData& row) {
    auto at = static_cast<std::uint32_t>(muscles.size());
    Muscle& muscle = muscles.emplace_back();
    muscle.row = &row;
    muscle.fields = {row.keys.empty() ? Value::of_string({}) : row.keys[0],
                     row.value.items[nerve_field], row.value.items[roots_field]};
    for (const auto& key : row.keys) {
        if (key.kind != Kind::String) continue;
        names.emplace_back(key.str());
        std::string lower = lower_case(key.str());
        by_lower_name.emplace(lower, at);
        if (*by_lower_name.find(lower) == at) by_name.emplace(key.str(), at);
    }
}

CaseTables bind_case_tables(const FindTable& find, const std::vector<Shape>& shapes,
                            Diagnostics& diagnostics) {
    CaseTables tables;
    tables.muscles = index_muscles(find, shapes, diagnostics);
    return tables;
}

} // namespace cpl
