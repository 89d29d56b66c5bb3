// interpreter/load/data_file.hpp — the rows a table reads from a data file (`rows from`):
// a CSV file with a header row (TSV when the name ends in `.tsv`), as exported from a
// spreadsheet or published by CMS. The rows become ordinary table rows, located in the data
// file, so the checker checks them like any row and every message points at file:line:col.
#pragma once

#include "lang/ast.hpp"
#include "lang/diagnostic.hpp"
#include "lang/source.hpp"

#include <optional>
#include <vector>

namespace cpl {

/// The column types a data file may declare, by name.
inline constexpr const char* data_column_types[] = {"code", "number", "string", "date"};

/// Reads `file` (already in the source map as `id`) as `spec` describes it. Every cell is
/// checked against its column's type; a missing column, a short or long line, a bad value
/// or a repeated key is reported with its place and the column named. Returns nothing when
/// any problem was found: a table is never half-loaded.
std::optional<std::vector<ast::TableRow>> read_data_rows(const ast::RowsFrom& spec,
                                                         const SourceFile& file, FileId id,
                                                         Diagnostics& diagnostics);

} // namespace cpl
