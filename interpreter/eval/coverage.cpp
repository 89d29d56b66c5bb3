// interpreter/eval/coverage.cpp — what a case exercised (`cpl test --coverage`) and what each
// rule and edit cost (`cpl bench --profile`). Table rows are marked by the expressions
// (ExpressionContext::rows_seen).
#include "interpreter/eval/case_state.hpp"

namespace cpl {

// The running rule or edit acted: it billed a new line or made an edit. What an exception
// running in its target's place does is not the target's (the exception is counted when it
// is chosen: mark_exception_ran).
void mark_fired(CaseState& s) {
    std::size_t count = s.program.rules_and_edits();
    if (s.rule_index >= count || s.rule != &s.program.rule_or_edit(s.rule_index)) return;
    std::vector<bool>& fired = s.coverage->fired;
    if (fired.size() < count) fired.resize(count);
    fired[s.rule_index] = true;
}

// An exception ran in its target's place (its guard held, and it was the first that did),
// whether or not it then acts.
void mark_exception_ran(CaseState& s, const RuleCode& exception) {
    if (s.coverage) s.coverage->exceptions.insert(&exception);
    if (s.explain) s.exceptions_ran.push_back(&exception);
}

void add_cost(RuleProfile& profile, std::size_t index, std::chrono::nanoseconds elapsed,
              std::uint64_t steps) {
    if (profile.rules.size() <= index) profile.rules.resize(index + 1);
    profile.rules[index].nanoseconds += static_cast<double>(elapsed.count());
    profile.rules[index].steps += steps;
}

} // namespace cpl
