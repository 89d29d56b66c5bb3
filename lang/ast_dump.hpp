// lang/ast_dump.hpp — AST → a stable textual dump, without spans or comments. Two files
// that mean the same have the same dump; the formatter's tests rely on it.
#pragma once

#include "ast.hpp"

#include <string>

namespace cpl {

/// One declaration per line group, as nested s-expressions: `(rule name "doc" (when …) …)`.
std::string dump(const ast::PolicyFile& file);

/// One expression as an s-expression, e.g. `(+ 1 (. case extremities))`.
std::string dump(const ast::Expr& expr);

} // namespace cpl
