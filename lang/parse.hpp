// lang/parse.hpp — policy text → AST. No PEGTL type appears here.
#pragma once

#include "ast.hpp"
#include "diagnostic.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace cpl {

/// Parses one source file. Recovers at declaration boundaries, so one run reports one error
/// per broken declaration; the returned AST holds every declaration that parsed.
/// `expect_header`: a policy file starts with `policy NAME`; an included file has no header.
ast::PolicyFile parse(const SourceMap& sources, FileId file, Diagnostics& diagnostics,
                      bool expect_header = true);

/// Deepest nesting of grammar rules accepted; deeper input is an error, never a stack overflow.
inline constexpr std::size_t max_parse_depth = 400;

/// Deepest expression tree accepted (`parse.too_deep`). The grammar reads an operator chain
/// or a member chain (`a + b + …`, `x.y.z…`) by iteration, but it becomes a tree one level
/// deeper per operator, so chains are bounded here. INVARIANT (bounded AST): no expression in
/// an AST is deeper than this, so everything that walks one (check, fmt, ast_dump, doc, the
/// Program's nodes) recurses at most this deep per expression.
inline constexpr std::size_t max_expr_depth = 256;

/// Whether byte `at` of `text` starts a line.
bool starts_line(std::string_view text, std::size_t at);

/// What to tell an author whose restatement `NAME VALUE` does not start its line and is named
/// a clause's word (`cite`, `because`, `units`) or a letter or two from one: most likely a
/// clause misspelt (`  cit "c"`), read as a declaration that ended the rule. Nothing if `name`
/// is far from every clause's word. `where` follows the name (" at line 12").
std::optional<std::string> misspelt_clause_help(std::string_view name, std::string_view where = "");

} // namespace cpl
