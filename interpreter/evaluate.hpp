// interpreter/evaluate.hpp — Program × case → Result.
#pragma once

#include "eval_error.hpp"
#include "program.hpp"
#include "result.hpp"

namespace cpl {

struct EvaluateOptions {
    bool explain = false;  // fill `because` for every line and edit
};

/// Evaluates one case (a record of shape `shape_case` in `arena`). Strings in the result
/// point into the program or the arena: use the result before resetting the arena.
/// Throws EvalError when the policy cannot be applied to this case.
Result evaluate(const Program& program, const Value& case_record, Arena& arena,
                const EvaluateOptions& options = {});

/// Evaluates a constant expression (table values) at check time.
Value evaluate_constant(const Program& program, const Node& node);

} // namespace cpl
