// interpreter/eval/coverage.cpp — what a case exercised (`cpl test --coverage`) and how long
// each rule and edit took (`cpl bench --profile`). Table rows are marked by the expressions
// (ExpressionContext::rows_seen).
#include "interpreter/eval/case_state.hpp"

namespace cpl {

// The running rule or edit acted: it billed a new line or made an edit.
void mark_fired(CaseState& s) {
    std::vector<bool>& fired = s.coverage->fired;
    if (fired.size() <= s.rule_index) fired.resize(s.program.rules.size() + s.program.edits.size());
    if (s.rule_index < fired.size()) fired[s.rule_index] = true;
}

void add_time(RuleProfile& profile, std::size_t index, std::chrono::nanoseconds elapsed) {
    if (profile.nanoseconds.size() <= index) profile.nanoseconds.resize(index + 1);
    profile.nanoseconds[index] += static_cast<double>(elapsed.count());
}

} // namespace cpl
