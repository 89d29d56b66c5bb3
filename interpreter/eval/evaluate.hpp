// interpreter/eval/evaluate.hpp — Program × case → Result.
#pragma once

#include "interpreter/eval/result.hpp"
#include "interpreter/program/definition_costs.hpp"
#include "interpreter/program/program.hpp"
#include "runtime/budget.hpp"
#include "runtime/eval_error.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace cpl {

/// What each rule and edit cost, summed over cases, in program order: rules first, then
/// edits; and what the definitions they asked for cost. For `cpl bench --profile`. Steps are
/// those of the case's budget (runtime/budget.hpp): unlike the time, the same on every machine
/// and in every run, so two versions of a policy compare by them. A rule's cost includes the
/// definitions it was first to ask for (a later asker finds them computed, but for calls of
/// three or more arguments and every call under --explain, which run for each asker).
struct RuleProfile {
    struct Cost {
        double nanoseconds = 0;
        std::uint64_t steps = 0;
    };
    std::vector<Cost> rules; // by index in program order (Program::rule_or_edit)
    DefinitionCosts definitions;
};

/// What a set of cases exercised: rules and edits that acted (program order, rules then
/// edits), exceptions that acted in their place, and table rows that a look-up returned.
/// For `cpl test --coverage`.
struct Coverage {
    std::vector<bool> fired;
    std::vector<std::vector<bool>> rows;            // by table index, then row index
    std::unordered_set<const RuleCode*> exceptions; // the exceptions that acted (of the program)
};

struct EvaluateOptions {
    bool explain = false;             // fill `because` for every line and edit
    bool explain_expressions = false; // `because` also holds each clause as written (authors)
    RuleProfile* profile = nullptr;   // when set, time rules, edits and definitions; count steps
    std::vector<std::string> why_not; // codes to explain the absence of (`--why-not`)
    std::vector<std::string> print;   // definitions and settings whose values to show (`--print`)
    Coverage* coverage = nullptr;     // when set, record what the case exercised
    // What the case may spend (runtime/budget.hpp): past either, the case fails with
    // `eval.steps` or `eval.memory` and the next case starts afresh.
    std::uint64_t max_steps = Budget::default_steps;
    std::size_t max_bytes = Budget::default_bytes;
};

/// Why `--print NAME` has no value to show: no definition or setting of the name, or a
/// function definition (null when it has one).
std::optional<std::string> print_problem(const Program& program, std::string_view name);
/// Why `--why-not ASKED` has no answer: it is spelled as a name, not a code, and no rule,
/// edit or exception has it (null when it has one).
std::optional<std::string> why_not_problem(const Program& program, std::string_view asked);
/// Every name of `options.print` and `options.why_not` the program cannot answer, each with
/// the option, the reason and a did-you-mean: `cpl run` refuses them before any case runs.
std::vector<std::string> unanswerable_names(const Program& program, const EvaluateOptions& options);

/// Evaluates one case (a record of shape `shape_case` in `arena`). Strings in the result
/// point into the program or the arena: use the result before resetting the arena.
/// Throws EvalError when the policy cannot be applied to this case, including when the case
/// spends more than its budget. `Result::steps` says how much it spent.
Result evaluate(const Program& program, const Value& case_record, Arena& arena,
                const EvaluateOptions& options = {});

} // namespace cpl
