// interpreter/eval/case_state.hpp — private to interpreter/eval/: the state of one case's
// evaluation, and the functions each file of this folder gives the others.
#pragma once

#include "interpreter/eval/evaluate.hpp"
#include "interpreter/program/expressions.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cpl {

// One step of a `because` trail: a reason in a coder's words (`because`), or, for authors
// (--explain=expressions), a clause as written with the facts it read.
struct TrailEntry {
    std::string text;
    bool reason = false;
};

// Where a rule stopped: a `when` that did not hold (--why-not).
struct Stop {
    const RuleCode* rule = nullptr;
    std::string reason;    // its `otherwise`, in a coder's words ("" when it has none)
    std::string condition; // the condition as written, with the facts it read
};

// A code a rule billed, to say why it billed that code and not another (--why-not).
struct Billed {
    const RuleCode* rule = nullptr;
    std::string_view code;
    std::int64_t units = 0;
    std::string reasons;              // the rule's `because` texts when it billed
    const TableData* table = nullptr; // the table whose row chose the code, if one did
    std::string key;                  // the key looked up in it
};

// A modifier an edit added to or removed from a line (--why-not RULE says what it did).
struct ModifierChange {
    const RuleCode* rule = nullptr;
    std::string_view code; // the line's
    std::string_view what; // "added" or "removed"
    std::string_view modifier;
};

// Memory reused from case to case (one per thread): see ExpressionScratch.
struct Scratch {
    ExpressionScratch expressions;
    std::vector<TrailEntry> trail;
    std::vector<std::uint8_t> let_cached;
    std::vector<Value> let_values;
};

struct LineState {
    Line line;
    bool removed = false;
    int submitted = -1; // index of the submitted line it stands for, when reviewing
};

struct CaseState {
    CaseState(const Program& policy, Arena& arena, Value case_record,
              const EvaluateOptions& options, Scratch& scratch);
    CaseState(const CaseState&) = delete;
    CaseState& operator=(const CaseState&) = delete;

    const Program& program;
    ExpressionContext context; // what expressions see: `expr` refers to it
    Expressions expr;
    bool date_assumed; // the case has no date of service: evaluated as of today

    bool explain;     // fill `because` trails (--explain, --why-not)
    bool expressions; // the trails also hold the clauses as written (--explain=expressions)
    RuleProfile* profile;
    Coverage* coverage;
    const std::vector<std::string>& why_not_codes;
    const std::vector<std::string>& print_names;

    const RuleCode* rule = nullptr;               // the rule, edit or exception running
    const ClauseCode* clause = nullptr;           // its clause running (an exception's guard's too)
    const RuleCode* exception_to = nullptr;       // when `rule` is an exception: its target
    std::size_t rule_index = 0;                   // its place in program order, rules then edits
    std::vector<TrailEntry>& trail;               // under explain: the reasons (and clauses) so far
    std::vector<Stop> stops;                      // under explain: where each rule stopped
    std::vector<Billed> billed;                   // under explain: the codes each rule billed
    std::vector<ModifierChange> modifier_changes; // under explain: each edit's modifiers
    std::vector<const TableRowData*> rows_used;   // under explain: rows the running rule read
    std::vector<const RuleCode*> exceptions_ran;  // under explain: each ran in its target's place
    std::vector<std::uint8_t>& let_cached;        // invariant lets computed in this run of a rule
    std::vector<Value>& let_values;

    std::vector<LineState> lines; // the claim, in the order its lines were first billed
    // INVARIANT (claim matches lines): while an edit runs, claim line k is lines[k]; lines
    // are only erased between edits (compact), and the claim is then rebuilt.
    bool claim_dirty = true; // `context.claim` must be rebuilt from `lines`
    std::vector<Edit> edits;
    // In review, under --why-not: the denials of the edits over the claim the study supports
    // (review.cpp's produced_lines), which say why a supported code is not advised as unbilled.
    std::vector<Edit> produced_denials;
    std::vector<std::string_view> documentation;
    std::vector<ReviewLine>* verdicts = nullptr; // one per submitted line, while reviewing
};

// rules.cpp: rules and edits, their clauses and actions.
void run_rule(CaseState& s, const RuleCode& rule);
void run_edits(CaseState& s, std::size_t first_index);
Edit make_edit(CaseState& s, std::string_view severity, std::string_view code);

// claim.cpp: the lines billed, and the claim as edits see it.
bool add_line(CaseState& s, std::string_view code, std::int64_t units,
              std::vector<std::string_view> modifiers);
Value claim_value(CaseState& s);
// A rule may bill more units than a line carries when an edit caps them (95872 a muscle, the
// MUE after it): what is left after the edits is the claim, and is refused past max_line_units.
void refuse_more_than_a_line(const Line& line);
Value claim_value_of(CaseState& s, const std::vector<Line>& lines);
void compact(CaseState& s);

// review.cpp: a submitted claim reviewed by the edits.
void review(CaseState& s, Result& result, Value submitted, std::size_t first_index);
void note_reason(CaseState& s, int line, std::string_view status, const Edit& edit);
// Only in review (`s.verdicts`): callers test it first, so a `because` is not built for nothing.
void note_modifier_change(CaseState& s, int line, std::string_view what, std::string_view modifier,
                          std::optional<std::string> because);

// explain.cpp: `because` trails and --why-not.
std::string explain_condition(CaseState& s, const ClauseCode& c);
void add_because(CaseState& s, std::vector<std::string>& because);
void edit_because(CaseState& s, std::vector<std::string>& because);
void note_stop(CaseState& s, const ClauseCode& c);
/// The text of `n`, evaluated only to explain (a `because`, an `otherwise`): when it cannot
/// be evaluated, the explanation says so and the case goes on, so that `--explain` (and
/// `cpl test`) code a case exactly as `cpl run` does.
std::string worded(CaseState& s, const Node& n);
void note_billed(CaseState& s, const ClauseCode& c, std::string_view code, std::int64_t units);
void explain_modifier(CaseState& s, int line, std::string_view what, std::string_view modifier);
std::vector<std::string> why_not(const CaseState& s, const Result& result);

// values.cpp: `--print NAME`, the value of a definition or setting for this case, as text.
std::pair<std::string, std::string> value_of(CaseState& s, const std::string& name);

// coverage.cpp: what acted (--coverage) and what it cost (--profile).
void mark_fired(CaseState& s);
void mark_exception_ran(CaseState& s, const RuleCode& exception);
void add_cost(RuleProfile& profile, std::size_t index, std::chrono::nanoseconds elapsed,
              std::uint64_t steps);

// Runs one rule or edit as `index` in program order; when profiling, counts its time and the
// steps of the case's budget it spent (evaluate() always sets one).
template <typename F> void timed(CaseState& s, std::size_t index, F&& body) {
    s.rule_index = index;
    if (!s.profile) return body();
    std::uint64_t steps = Budget::current()->steps_spent();
    auto start = std::chrono::steady_clock::now();
    body();
    auto elapsed = std::chrono::steady_clock::now() - start;
    add_cost(*s.profile, index, elapsed, Budget::current()->steps_spent() - steps);
}

} // namespace cpl
