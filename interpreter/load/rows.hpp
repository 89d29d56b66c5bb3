// interpreter/load/rows.hpp — a table row merged onto the rows already in force, key by key.
// Each code of a range of codes is a key of its own; ranges of numbers and of strings are
// compared as intervals. Private to interpreter/load/.
#pragma once

#include "interpreter/load/load.hpp"

namespace cpl {

/// Adds `row`, written by `layer`, to `table`. A row takes the keys it restates from the rows
/// of earlier layers (a row left with no key is gone, and the new row takes its place); a key
/// written twice by one layer, for the same dates, is `check.duplicate_key`. A `remove` row
/// takes each of its keys from the first row that has it; keys no row has are kept in
/// `table.unmatched_removes` for the checker.
void merge_row(MergedTable& table, const ast::TableRow& row, const std::string& layer,
               Diagnostics& diagnostics);

} // namespace cpl
