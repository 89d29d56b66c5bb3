// interpreter/load/rows.hpp — a table row merged onto the rows already in force, key by key.
// Each code of a range of codes is a key of its own; ranges of numbers and of strings are
// compared as intervals. Private to interpreter/load/.
#pragma once

#include "interpreter/load/load.hpp"

#include <span>

namespace cpl {

/// Adds `row`, written by `layer`, to `table`. A row takes the keys it restates from the rows
/// of earlier layers (a row left with no key is gone, and the new row takes its place); a key
/// written twice by one layer, for the same dates, is `check.duplicate_key`. A `remove` row
/// takes each of its keys from the first row that has it; keys no row has are kept in
/// `table.unmatched_removes` for the checker.
void merge_row(MergedTable& table, const ast::TableRow& row, const std::string& layer,
               Diagnostics& diagnostics);

/// After a table block is merged: a `remove KEY` without dates that left other versions of
/// the key (rows of other dates) in force is `check.remove_leaves_versions`, since a payer
/// writing no dates meant the key gone. Rows `layer` (the block's policy) writes are its own.
void warn_versions_left(const MergedTable& table, std::span<const ast::TableRow> block,
                        const std::string& layer, Diagnostics& diagnostics);

} // namespace cpl
