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
};

} // namespace cpl
