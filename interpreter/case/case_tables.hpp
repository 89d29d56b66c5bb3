// interpreter/case/case_tables.hpp — the policy tables the case reader relies on. This is the
// one place they are named; the checker finds them through bind_case_tables and the
// Program carries what it returns to every Session's reader.
#pragma once

#include "lang/diagnostic.hpp"
#include "runtime/ascii.hpp"
#include "runtime/value.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cpl {

namespace case_tables {

/// Every limb muscle a case may name: each key (a name, abbreviation or spelling, matched
/// ignoring case) maps to a record {nerve, roots}.
inline constexpr std::string_view muscles = "muscles";

/// Names that are not limb muscles but belong in another case field: a case that puts one
/// in a limb is told where it goes.
struct Elsewhere {
    std::string_view table; // whose keys are such names
    std::string_view field; // the case field they belong in (a row of case_schema.hpp)
};
inline constexpr Elsewhere elsewhere[] = {
    {"cranial_muscle_names", "cranial_muscles"},
    {"axial_muscles", "axial_muscles"},
    {"sphincter_muscles", "axial_muscles"},
    {"thoracic_paraspinal_names", "thoracic_paraspinal_levels"},
};

} // namespace case_tables

/// The policy's `muscles` table, indexed for the reader: every key, matched ignoring ASCII
/// case, names its row. A row's value is a record with fields `nerve` (string) and `roots`
/// ([string]).
struct MuscleIndex {
    /// A row of the table as the reader returns it for a name alone: the `muscle` record's
    /// fields (case_schema.hpp: the row's first key, its nerve and its roots) are built here
    /// once, not for every muscle of every case.
    struct Muscle {
        const TableRowData* row = nullptr;
        std::array<Value, 3> fields; // name, nerve, roots
    };

    /// Indexes the keys of `row`, a record with the fields at nerve_field and roots_field. A
    /// key that, ignoring case, is one of an earlier row's keeps naming that row.
    void add_row(const TableRowData& row);
    /// Room for `rows` rows of `keys` keys in all, so that adding them grows nothing.
    void reserve(std::size_t rows, std::size_t keys) {
        muscles.reserve(rows);
        names.reserve(keys);
        by_lower_name.reserve(keys);
        by_name.reserve(keys);
    }

    /// The muscle `name` names, or null. `lower` is left holding the name in lower case
    /// when the name is not a key as written (always, when it names none).
    const Muscle* find(std::string_view name, std::string& lower) const {
        if (const std::uint32_t* at = by_name.find(name)) return &muscles[*at];
        lower.resize(name.size());
        copy_ascii_lower(name, lower.data());
        const std::uint32_t* at = by_lower_name.find(lower);
        return at ? &muscles[*at] : nullptr;
    }

    std::vector<Muscle> muscles;              // one a row, in table order
    StringIndex<std::uint32_t> by_lower_name; // every key, lower-cased → its muscle
    // Every key as written that names the same muscle as its lower case: most cases write a
    // name as the table does, and it is found without lower-casing it first.
    StringIndex<std::uint32_t> by_name;
    std::vector<std::string> names; // every key as written, for did-you-mean
    int nerve_field = -1;           // field indexes in the row value's shape
    int roots_field = -1;
    // Names that are not limb muscles but belong in another case field, lower-cased →
    // that field (e.g. "trapezius" → "cranial_muscles"), so the error can say where.
    std::unordered_map<std::string, std::string> elsewhere;
};

/// A table of the policy, and where it is declared (for diagnostics).
struct PolicyTable {
    const TableData* data = nullptr;
    Span span;
    std::vector<Span> row_spans = {}; // where each row of `data` was written, when known
    /// Where row `i` was written (a payer's row in the payer's file), else the table's name.
    Span row_span(std::size_t i) const { return i < row_spans.size() ? row_spans[i] : span; }
};
/// Finds a table of the policy by name.
using FindTable = std::function<std::optional<PolicyTable>(std::string_view name)>;

/// What the case reader takes from a policy (CaseReader's arguments).
struct CaseTables {
    std::optional<MuscleIndex> muscles; // when the policy has a muscle table
};

/// Finds the tables named above and indexes the muscle table. A muscle table whose rows
/// are not records {nerve, roots} is reported (`check.muscle_row`) and left out. `shapes`
/// are the program's, in which the rows' values are records.
CaseTables bind_case_tables(const FindTable& find, const std::vector<Shape>& shapes,
                            Diagnostics& diagnostics);

} // namespace cpl
