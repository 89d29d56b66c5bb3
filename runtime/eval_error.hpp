// runtime/eval_error.hpp — a failure while evaluating one case, located at the node
// that failed. Caught at the facade; it becomes that case's `{"case", "error"}`.
#pragma once

#include "lang/source.hpp"

#include <string>

namespace cpl {

struct EvalError {
    std::string code; // e.g. "eval.missing_key"
    Span span;
    std::string message;
    // The rule or edit that was running, when the error is outside it (in a definition it
    // called, perhaps of another policy's file): `edit \`e4\``, and where it is declared.
    std::string reached_from = {};
    Span reached_at = {};
};

} // namespace cpl
