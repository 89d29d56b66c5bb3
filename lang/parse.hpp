// lang/parse.hpp — policy text → AST. No PEGTL type appears here.
#pragma once

#include "ast.hpp"
#include "diagnostic.hpp"

namespace cpl {

/// Parses one source file. Recovers at declaration boundaries, so one run reports one error
/// per broken declaration; the returned AST holds every declaration that parsed.
/// `expect_header`: a policy file starts with `policy NAME`; an included file has no header.
ast::PolicyFile parse(const SourceMap& sources, FileId file, Diagnostics& diagnostics,
                      bool expect_header = true);

/// Deepest nesting of grammar rules accepted; deeper input is an error, never a stack overflow.
inline constexpr std::size_t max_parse_depth = 400;

} // namespace cpl
