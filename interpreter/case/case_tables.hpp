// interpreter/case/case_tables.hpp — the policy tables the case reader relies on. This is the
// one place they are named; the checker finds them through bind_case_tables and the
// Program carries what it returns to every Session's reader.
#pragma once

#include "lang/diagnostic.hpp"
#include "runtime/value.hpp"

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
};

} // namespace case_tables

/// The policy's `muscles` table, indexed for the reader: every key, lower-cased, maps to
/// its row. A row's value is a record with fields `nerve` (string) and `roots` ([string]).
struct MuscleIndex {
    StringIndex<const TableRowData*> by_lower_name;
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
