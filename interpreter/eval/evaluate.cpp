// interpreter/eval/evaluate.cpp — walks a resolved Program over one case: rules, then edits
// over the claim the rules built (or over a submitted claim, to review it).
// Expressions are evaluated by interpreter/program/expressions; the other concerns live
// beside this file: rules.cpp, claim.cpp, review.cpp, explain.cpp, coverage.cpp.
#include "interpreter/eval/evaluate.hpp"

#include "interpreter/eval/case_state.hpp"

#include <fmt/format.h>

namespace cpl {

namespace {

std::string_view service_date(const Value& case_record) {
    if (case_record.kind != Kind::Record) return {};
    return case_record.items[case_field::date_of_service].str();
}

// The exception of `rule` whose clauses hold `clause`, or null.
const RuleCode* exception_holding(const RuleCode& rule, const ClauseCode* clause) {
    for (const auto* list : {&rule.exceptions, &rule.element_exceptions})
        for (const RuleCode& exception : *list)
            if (!exception.clauses.empty() && clause >= exception.clauses.data() &&
                clause < exception.clauses.data() + exception.clauses.size())
                return &exception;
    return nullptr;
}

// An error in a definition (`def aanem_row = aanem_limits[…]` of the standard set) names the
// rule or edit that asked for it: a payer's edit calling it is found by its own line, and so
// is a payer's clause in a base's rule (a narrowing, an exception's guard), by the clause.
void note_reached_from(const CaseState& s, EvalError& e) {
    const RuleCode* rule = s.rule;
    if (!rule || rule->span.end == 0) return;
    auto within = [&](const Span& part) {
        return part.end != 0 && e.span.file == part.file && e.span.begin >= part.begin &&
               e.span.end <= part.end;
    };
    const ClauseCode* clause = s.clause;
    if ((clause && within(clause->span)) || within(rule->span) ||
        std::any_of(rule->clauses.begin(), rule->clauses.end(),
                    [&](const ClauseCode& c) { return within(c.span); }))
        return;
    std::string kind = rule->kind == ast::RuleKind::Edit ? "edit" : "rule";
    e.reached_from = fmt::format("{} `{}`", kind, rule->name);
    e.reached_at = rule->span;
    if (const RuleCode* target = s.exception_to; target && target != rule) {
        e.reached_from =
            fmt::format("exception `{}` to {} `{}`", rule->name,
                        target->kind == ast::RuleKind::Edit ? "edit" : "rule", target->name);
        if (clause && clause->span.end != 0) e.reached_at = clause->span;
        return;
    }
    if (!clause || clause->span.end == 0) return;
    if (clause->narrowing >= 0 &&
        static_cast<std::size_t>(clause->narrowing) < rule->narrowings.size()) {
        e.reached_from = fmt::format(
            "{}'s narrowing of {} `{}`",
            rule->narrowings[static_cast<std::size_t>(clause->narrowing)].layer, kind, rule->name);
        e.reached_at = clause->span;
    } else if (const RuleCode* exception = exception_holding(*rule, clause)) {
        e.reached_from =
            fmt::format("exception `{}` to {} `{}`", exception->name, kind, rule->name);
        e.reached_at = clause->span;
    }
}

Result run(CaseState& s) {
    Result result;
    result.policy = s.program.name;
    result.bibliography = &s.program.bibliography;
    result.layered = s.program.layers.size() > 1;
    const Value& record = s.context.case_record;
    if (record.kind == Kind::Record) result.case_id = record.items[case_field::id].str();
    std::size_t index = 0;
    bool dated = s.program.dated || s.program.service_dates.dated();
    if (s.date_assumed && dated && record.kind == Kind::Record) {
        static const RuleCode as_of = [] {
            RuleCode r;
            r.name = "date_of_service";
            // cpl's own choice (the contract makes the date optional and says no more).
            r.cite = "cpl: a case without a date_of_service is evaluated as of today, UTC "
                     "(docs/payers.md, \"A case without a date\")";
            return r;
        }();
        s.rule = &as_of;
        Edit e = make_edit(s, "info", "");
        e.message = s.context.arena.copy(
            fmt::format("the case gives no date of service: coded as of {}", s.context.date));
        s.edits.push_back(std::move(e));
    }
    try {
        for (const auto& rule : s.program.rules)
            timed(s, index++, [&] { run_rule(s, rule); });
        // With a submitted claim, what the study supports is what the rules built: the edits
        // are payment policy (caps, pairs, modifiers) and apply to the submitted claim.
        Value submitted = record.kind == Kind::Record ? record.items[case_field::claim] : Value{};
        if (submitted.kind == Kind::List && submitted.size > 0)
            review(s, result, submitted, index);
        else
            run_edits(s, index);
    } catch (EvalError& e) {
        note_reached_from(s, e);
        throw;
    }
    result.lines.reserve(s.lines.size());
    for (auto& state : s.lines) {
        refuse_more_than_a_line(state.line);
        result.lines.push_back(std::move(state.line));
    }
    result.edits = std::move(s.edits);
    result.documentation = std::move(s.documentation);
    if (!s.why_not_codes.empty()) result.why_not = why_not(s, result);
    for (const auto& name : s.print_names)
        result.values.push_back(value_of(s, name));
    return result;
}

} // namespace

CaseState::CaseState(const Program& policy, Arena& arena, Value case_record,
                     const EvaluateOptions& options, Scratch& scratch)
    : program(policy),
      // The profile is set before `expr` is made: it reads it once.
      context{.arena = arena,
              .date = service_date(case_record),
              .case_record = case_record,
              .definition_costs = options.profile ? &options.profile->definitions : nullptr},
      expr(policy, context, scratch.expressions), date_assumed(context.date.empty()),
      explain(options.explain || options.explain_expressions || !options.why_not.empty()),
      expressions(options.explain_expressions), profile(options.profile),
      coverage(options.coverage), why_not_codes(options.why_not), print_names(options.print),
      trail(scratch.trail), let_cached(scratch.let_cached), let_values(scratch.let_values) {
    if (date_assumed) context.date = today();
    // Room for what a case usually has, taken at once: grown by doubling, the documentation
    // alone (five to eight texts a case) was four heap allocations.
    lines.reserve(8);
    documentation.reserve(8);
    if (coverage) context.rows_seen = &coverage->rows;
    if (explain) context.rows_used = &rows_used;
    trail.clear();
}

Result evaluate(const Program& program, const Value& case_record, Arena& arena,
                const EvaluateOptions& options) {
    thread_local Scratch scratch;
    Budget budget(options.max_steps, options.max_bytes);
    CaseState state(program, arena, case_record, options, scratch);
    try {
        Result result = run(state);
        result.steps = budget.steps_spent();
        return result;
    } catch (const BudgetExceeded& e) {
        // Spent outside any expression (a loop, the claim being built): at the rule.
        throw EvalError{e.code, state.rule ? state.rule->span : Span{}, e.message};
    }
}

} // namespace cpl
