// lang/format.hpp — AST (+ comments) → canonical policy text (`cpl fmt`). Formatting is a
// function of the AST, the comments and where blank lines separate comments in the source,
// so it is idempotent: formatting its own output changes nothing.
#pragma once

#include "ast.hpp"
#include "diagnostic.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace cpl {

/// Lines longer than this are broken where the canonical layout allows.
inline constexpr std::size_t format_width = 100;

/// Canonical text of a parsed file. `source` is the text it was parsed from (for comment
/// placement and blank lines around comments).
std::string format(const ast::PolicyFile& file, std::string_view source);

/// True when the first thing in `text` other than blanks and comments is a `policy` line;
/// otherwise the file is an included file and is parsed without a header.
bool has_policy_header(std::string_view text);

/// Parses file `file` of `sources` and formats it; nothing when it does not parse (the
/// reasons are in `diagnostics`).
std::optional<std::string> format_source(const SourceMap& sources, FileId file,
                                         Diagnostics& diagnostics);

/// The text of a string as it is written between quotes in a policy file (escapes `"`, `\`,
/// newlines, tabs and interpolation braces).
std::string escape_string(std::string_view text);
/// escape_string's text appended to `out`.
void append_escaped(std::string& out, std::string_view text);

} // namespace cpl
