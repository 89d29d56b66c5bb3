// interpreter/evaluate.hpp — Program × case → Result.
#pragma once

#include "eval_error.hpp"
#include "program.hpp"
#include "result.hpp"

#include <vector>

namespace cpl {

/// Time spent per rule and edit (nanoseconds, summed over cases), in program order:
/// rules first, then edits. For `cpl bench --profile`.
struct RuleProfile {
    std::vector<double> nanoseconds;
};

struct EvaluateOptions {
    bool explain = false;             // fill `because` for every line and edit
    RuleProfile* profile = nullptr;   // when set, time every rule and edit
};

/// Evaluates one case (a record of shape `shape_case` in `arena`). Strings in the result
/// point into the program or the arena: use the result before resetting the arena.
/// Throws EvalError when the policy cannot be applied to this case.
Result evaluate(const Program& program, const Value& case_record, Arena& arena,
                const EvaluateOptions& options = {});

/// Evaluates a constant expression (table values) at check time.
Value evaluate_constant(const Program& program, const Node& node);

} // namespace cpl
