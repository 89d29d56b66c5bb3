// interpreter/eval/rules.cpp — running a rule or an edit: exceptions first, then its clauses
// in order (for, let, when), then its actions (bill, cap, deny/warn/info, document, modifiers).
#include "interpreter/case/case_schema.hpp"
#include "interpreter/eval/case_state.hpp"
#include "lang/codes.hpp"
#include "lang/vocabulary.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace cpl {

namespace {

// A value to keep in the result: a string as it is (it lives in the program or the case
// arena), anything else as text copied into the arena.
std::string_view keep(CaseState& s, const Value& v) {
    if (v.kind == Kind::String) return v.str();
    return s.context.arena.copy(s.expr.text(v));
}

// An exception wins when its guard, the `let`/`when` clauses before anything else, holds.
bool guard_passes(CaseState& s, const RuleCode& exception) {
    for (const auto& clause : exception.clauses) {
        s.clause = &clause;
        if (clause.kind == ast::ClauseKind::Let)
            s.expr.local(clause.slot) = s.expr.eval(clause.expr);
        else if (clause.kind != ast::ClauseKind::When)
            return true;
        else if (!s.expr.truth(clause.expr)) {
            // Where the guard failed is why the exception did not run (--why-not EXCEPTION).
            if (s.explain) {
                const RuleCode* running = s.rule;
                s.rule = &exception;
                note_stop(s, clause);
                s.rule = running;
            }
            return false;
        }
    }
    return true;
}

// The first of `exceptions` in force whose guard holds (`passes`), or null. When a later one
// holds too, the first declared decides and the claim says so (on `code`, "" for the case).
template <typename Passes>
const RuleCode* first_exception(CaseState& s, const std::vector<RuleCode>& exceptions,
                                const RuleCode& rule, std::string_view code, Passes passes) {
    const RuleCode* winner = nullptr;
    for (const auto& exception : exceptions) {
        if (!exception.in_force(s.context.date) || !passes(exception)) continue;
        if (!winner) {
            winner = &exception;
            continue;
        }
        const RuleCode* running = s.rule;
        s.rule = &exception;
        Edit e = make_edit(s, "warn", code);
        e.message = s.context.arena.copy(fmt::format(
            "exceptions `{}` and `{}` to {} `{}` both apply{}; `{}` (declared first) decided",
            winner->name, exception.name, vocabulary::keyword(rule.kind), rule.name,
            code.empty() ? "" : fmt::format(" to {}", code), winner->name));
        s.edits.push_back(std::move(e));
        s.rule = running;
    }
    return winner;
}

// A `let` that does not depend on its loop is computed once per run of the rule.
Value invariant_let(CaseState& s, std::size_t index, const ClauseCode& c) {
    if (s.let_cached.size() <= index) {
        s.let_cached.resize(index + 1, 0);
        s.let_values.resize(index + 1);
    }
    if (!s.let_cached[index]) {
        s.let_values[index] = s.expr.eval(c.expr);
        s.let_cached[index] = 1;
    }
    return s.let_values[index];
}

// A modifier a policy puts on a line is one a claim line can carry, as the case reader asks
// of a submitted line: a text made for the case (`"{line.units}"`, `join(…)`) is checked here,
// as the checker checks a constant.
std::string_view modifier_of(CaseState& s, const Node& at, const Value& m) {
    if (m.kind != Kind::String || !case_schema::is_modifier(m.str()))
        Expressions::fail(
            at, "eval.type",
            fmt::format("a modifier must be two capital letters or digits (\"26\", "
                        "\"RT\"), got {}",
                        m.kind == Kind::String ? to_text(m, {}, true) : s.expr.text(m)));
    return keep(s, m);
}

// 26 (the professional component) and TC (the technical one) on one line is a line no claim
// carries: the case reader refuses it on a submitted line.
void refuse_both_components(const Node& at, std::string_view code,
                            const std::vector<std::string_view>& modifiers) {
    auto has = [&](std::string_view m) {
        return std::find(modifiers.begin(), modifiers.end(), m) != modifiers.end();
    };
    if (has("26") && has("TC"))
        Expressions::fail(
            at, "eval.impossible_line",
            fmt::format("{} with 26 and TC: {}", code, case_schema::one_component_why));
}

// The actions below (bill, cap, deny/warn/info, document, modifiers) run far less often than
// for, let and when: each is kept out of the clause loop `exec` (noinline), whose code every
// rule of every case runs, so that it stays small (7.8 KB of code with them inlined, 2.7 KB
// without).
[[gnu::noinline]] void bill(CaseState& s, const ClauseCode& c) {
    Value code = s.expr.eval(c.expr);
    // A text made for the case (`code(case.id)`) is checked here as the checker checks a
    // constant: a line's code is a procedure code, or no claim can carry it.
    if (code.kind != Kind::String || !is_procedure_code(code.str()))
        Expressions::fail(c.expr, "eval.type",
                          fmt::format("a billed code must be a procedure code (five digits, four "
                                      "digits and F, T, U, M or A, or a letter and four digits), "
                                      "got {}",
                                      s.expr.text(code)));
    std::int64_t units = c.units ? s.expr.number(*c.units) : 1;
    if (units < 0)
        Expressions::fail(*c.units, "eval.negative_units",
                          fmt::format("units cannot be negative ({})", units));
    if (units == 0) return;
    std::vector<std::string_view> modifiers;
    if (c.modifiers) {
        Value list = s.expr.expect_list(*c.modifiers);
        // A line carries a modifier once, as `add modifier` keeps it: a computed list that
        // names one twice (`[side, "RT"]`) bills it once.
        for (const auto& m : list.list()) {
            std::string_view modifier = modifier_of(s, *c.modifiers, m);
            if (std::find(modifiers.begin(), modifiers.end(), modifier) == modifiers.end())
                modifiers.push_back(modifier);
        }
        refuse_both_components(*c.modifiers, code.str(), modifiers);
    }
    if (s.explain) note_billed(s, c, code.str(), units);
    if (!add_line(s, code.str(), units, std::move(modifiers)))
        Expressions::fail(
            c.units ? *c.units : c.expr, "eval.overflow",
            fmt::format("the units of {} billed so far and these {} overflow", code.str(), units));
}

// Why a cap cut a line, in the edit's words: its `because` before the cap, which can name the
// limit's value and the counts (computed here even without --explain: a cap is rare), else
// its description. A reason that cannot be worded says so; it never stops the case.
std::optional<std::string> because_before(CaseState& s, const ClauseCode& clause) {
    const auto& clauses = s.rule->clauses;
    for (auto i = static_cast<std::size_t>(&clause - clauses.data()); i-- > 0;)
        if (clauses[i].kind == ast::ClauseKind::Because) return worded(s, clauses[i].expr);
    return std::nullopt;
}

std::string cap_reason(CaseState& s, const ClauseCode& cap) {
    if (auto because = because_before(s, cap)) return *std::move(because);
    return s.rule->doc.empty() ? s.rule->name : s.rule->doc;
}

[[gnu::noinline]] void cap(CaseState& s, const ClauseCode& c, int line) {
    std::int64_t limit = s.expr.number(c.expr);
    // 0 removes the line; below 0 is a mistake in the policy, not a stronger 0.
    if (limit < 0)
        Expressions::fail(c.expr, "eval.negative_units",
                          fmt::format("a cap cannot be negative ({})", limit));
    LineState& state = s.lines[static_cast<std::size_t>(line)];
    if (state.line.units <= limit) return;
    Edit e = make_edit(s, "deny", state.line.code);
    // The reason says why there is a limit; the numbers say what it did.
    std::string why = cap_reason(s, c);
    // A reviewed line's units were submitted, unless an edit before cut them; a produced
    // line's were coded from the study, and nothing was billed yet.
    bool cut_before =
        s.verdicts && state.submitted >= 0 &&
        (*s.verdicts)[static_cast<std::size_t>(state.submitted)].units != state.line.units;
    std::string_view units_from = !s.context.reviewing ? "coded from the study"
                                  : cut_before         ? "left by the edits before"
                                                       : "submitted";
    e.message = s.context.arena.copy(
        limit > 0
            ? fmt::format("{} units of {} {}, {} payable: {}", state.line.units, state.line.code,
                          units_from, limit, why)
            : fmt::format("{} is not payable, the line is removed: {}", state.line.code, why));
    note_reason(s, line, limit <= 0 ? "denied" : "adjusted", e);
    s.edits.push_back(std::move(e));
    if (limit <= 0)
        state.removed = true;
    else
        state.line.units = limit;
    s.claim_dirty = true;
}

[[gnu::noinline]] void edit(CaseState& s, std::string_view severity, const ClauseCode& c, int line,
                            bool removes_line) {
    std::string_view code =
        line >= 0 ? s.lines[static_cast<std::size_t>(line)].line.code : std::string_view{};
    Edit e = make_edit(s, severity, code);
    e.message = keep(s, s.expr.eval(c.expr));
    note_reason(s, line, removes_line ? "denied" : "accepted", e);
    s.edits.push_back(std::move(e));
    if (removes_line && line >= 0) {
        s.lines[static_cast<std::size_t>(line)].removed = true;
        s.claim_dirty = true;
    }
}

[[gnu::noinline]] void add_modifier(CaseState& s, const ClauseCode& c, int line) {
    std::string_view modifier = modifier_of(s, c.expr, s.expr.eval(c.expr));
    auto& modifiers = s.lines[static_cast<std::size_t>(line)].line.modifiers;
    if (std::find(modifiers.begin(), modifiers.end(), modifier) != modifiers.end()) return;
    modifiers.insert(c.first ? modifiers.begin() : modifiers.end(), modifier);
    refuse_both_components(c.expr, s.lines[static_cast<std::size_t>(line)].line.code, modifiers);
    s.claim_dirty = true;
    // On review the line's verdict says why, as a cap does: in the `because` before it.
    if (s.verdicts) note_modifier_change(s, line, "added", modifier, because_before(s, c));
    if (s.explain) explain_modifier(s, line, "added", modifier);
}

[[gnu::noinline]] void remove_modifier(CaseState& s, const ClauseCode& c, int line) {
    std::string_view modifier = keep(s, s.expr.eval(c.expr));
    auto& modifiers = s.lines[static_cast<std::size_t>(line)].line.modifiers;
    auto it = std::find(modifiers.begin(), modifiers.end(), modifier);
    if (it == modifiers.end()) return;
    modifiers.erase(it);
    s.claim_dirty = true;
    if (s.verdicts) note_modifier_change(s, line, "removed", modifier, because_before(s, c));
    if (s.explain) explain_modifier(s, line, "removed", modifier);
}

[[gnu::noinline]] void document(CaseState& s, const ClauseCode& c) {
    std::string_view text = keep(s, s.expr.eval(c.expr));
    auto& documentation = s.documentation;
    if (std::find(documentation.begin(), documentation.end(), text) == documentation.end())
        documentation.push_back(text);
}

void exec(CaseState& s, const RuleCode& rule, std::size_t i, int line);

// What --explain=expressions adds to the trail for a clause as it runs: kept out of the
// clause loop, which every rule of every case runs, so that its code stays small.
[[gnu::noinline]] void trail_clause(CaseState& s, std::string_view source, std::string_view sep,
                                    const Value& v) {
    s.trail.push_back({fmt::format("{}{}{}", source, sep, s.expr.text(v)), false});
}
[[gnu::noinline]] void trail_condition(CaseState& s, const ClauseCode& c) {
    s.trail.push_back({explain_condition(s, c), false});
}

// Where `rule` would act on this element: the first of its `exception … per VAR` whose guard
// holds runs the rest of its clauses instead (true), with the lines and edits its own.
[[gnu::noinline]] bool element_exception_ran(CaseState& s, const RuleCode& rule, int line) {
    std::string_view code =
        line >= 0 ? s.lines[static_cast<std::size_t>(line)].line.code : std::string_view{};
    // Guards share the rule's frame (and one another's slots): the winner runs from its start.
    const RuleCode* winner =
        first_exception(s, rule.element_exceptions, rule, code,
                        [&](const RuleCode& exception) { return guard_passes(s, exception); });
    if (!winner) return false;
    mark_exception_ran(s, *winner);
    s.rule = winner;
    s.exception_to = &rule;
    exec(s, *winner, 0, line);
    s.rule = &rule;
    s.exception_to = nullptr;
    return true;
}

// Runs clauses `i` onwards of `rule`; `line` is the claim line a `for` over the claim is at
// (-1 outside one), which cap, deny and the modifier actions act on.
void exec(CaseState& s, const RuleCode& rule, std::size_t i, int line) {
    using K = ast::ClauseKind;
    // Read once: the compiler cannot tell that the calls below leave the rule alone.
    const ClauseCode* clauses = rule.clauses.data();
    const std::size_t count = rule.clauses.size();
    // Where its element exceptions are tried (past the end when it has none): at the latest
    // after the last clause.
    const std::size_t exceptions_at =
        rule.element_exceptions.empty() ? count + 1 : rule.action_point;
    for (; i < count; ++i) {
        if (i == exceptions_at && element_exception_ran(s, rule, line)) return;
        const ClauseCode& c = clauses[i];
        s.clause = &c; // an error below names it when it is a payer's (evaluate.cpp)
        // `when` and `let`, most clauses, are tested for first: a switch's jump table is one
        // indirect jump for every clause, and the kinds of a rule's clauses alternate.
        if (c.kind == K::When) {
            if (c.narrowing >= 0 &&
                !rule.narrowings[static_cast<std::size_t>(c.narrowing)].effective.holds(
                    s.context.date))
                continue; // a narrowing on a date it does not hold
            if (!s.expr.truth(c.expr)) {
                if (s.explain) note_stop(s, c);
                return;
            }
            if (s.expressions) trail_condition(s, c);
            continue;
        }
        if (c.kind == K::Let) {
            s.expr.local(c.slot) = c.invariant ? invariant_let(s, i, c) : s.expr.eval(c.expr);
            if (s.expressions) trail_clause(s, c.source, " → ", s.expr.local(c.slot));
            continue;
        }
        switch (c.kind) {
        case K::For: {
            Value list = s.expr.expect_list(c.expr);
            // The rest of the clauses run inside this one: nested `for`s are nesting, and
            // every pass is a step, whether or not a later clause evaluates anything.
            s.expr.nest(c.expr);
            for (std::uint32_t k = 0; k < list.size; ++k) {
                s.expr.step();
                // INVARIANT (claim matches lines): claim line k is lines[k].
                if (c.over_claim && s.lines[k].removed) continue;
                s.expr.local(c.slot) = list.items[k];
                std::size_t mark = s.trail.size();
                if (s.expressions) trail_clause(s, c.source, ": ", list.items[k]);
                exec(s, rule, i + 1, c.over_claim ? static_cast<int>(k) : line);
                s.trail.resize(mark);
            }
            s.expr.unnest();
            return;
        }
        case K::Let:
        case K::When:
            break; // above
        case K::Bill:
            bill(s, c);
            break;
        case K::Cap:
            cap(s, c, line);
            break;
        case K::Deny:
            edit(s, "deny", c, line, true);
            break;
        case K::Warn:
            edit(s, "warn", c, line, false);
            break;
        case K::Info:
            edit(s, "info", c, line, false);
            break;
        case K::Document:
            document(s, c);
            break;
        case K::AddModifier:
            add_modifier(s, c, line);
            break;
        case K::RemoveModifier:
            remove_modifier(s, c, line);
            break;
        case K::Because:
            // Plain words for the reader, computed only when someone asks why.
            if (s.explain) s.trail.push_back({worded(s, c.expr), true});
            break;
        }
    }
    if (i == exceptions_at) element_exception_ran(s, rule, line);
}

// Inlined into run_rule, its only caller: 38 rules and edits run a case, and each paid a
// second call's saved registers and frame.
[[gnu::always_inline]] inline void run_clauses(CaseState& s, const RuleCode& rule) {
    s.rule = &rule;
    s.trail.clear();
    s.rows_used.clear();
    s.let_cached.clear();
    s.expr.in_frame(rule.frame_size, [&] {
        exec(s, rule, 0, -1);
        return Value{};
    });
}

} // namespace

void run_rule(CaseState& s, const RuleCode& rule) {
    if (!rule.in_force(s.context.date)) return;
    s.clause = nullptr;
    if (rule.exceptions.empty()) return run_clauses(s, rule); // most rules: no call to try none
    s.rule = &rule; // the exceptions' guards run for it (an error there names it)
    const RuleCode* winner =
        first_exception(s, rule.exceptions, rule, "", [&](const RuleCode& exception) {
            bool holds = false;
            s.expr.in_frame(exception.frame_size, [&] {
                holds = guard_passes(s, exception);
                return Value{};
            });
            return holds;
        });
    if (winner) mark_exception_ran(s, *winner);
    s.exception_to = winner ? &rule : nullptr;
    run_clauses(s, winner ? *winner : rule);
    s.exception_to = nullptr;
}

// Each edit sees the claim as the previous edit left it.
void run_edits(CaseState& s, std::size_t first_index) {
    std::size_t index = first_index;
    // A review edit outside review stops at its first clause: skipped without the run, unless
    // an explanation or coverage records where it stopped.
    bool skip_review_edits = !s.context.reviewing && !s.explain && !s.coverage;
    for (const auto& edit : s.program.edits) {
        if (skip_review_edits && edit.only_reviewing) {
            ++index;
            continue;
        }
        timed(s, index++, [&] {
            // Rebuilt only when a line changed: most edits change nothing.
            if (s.claim_dirty) {
                s.context.claim = claim_value(s);
                s.claim_dirty = false;
            }
            if (!s.context.reviewing) s.context.supported = s.context.claim;
            run_rule(s, edit);
            // A line removed made the claim dirty: a clean one has nothing to compact.
            if (s.claim_dirty) compact(s);
        });
    }
}

Edit make_edit(CaseState& s, std::string_view severity, std::string_view code) {
    Edit e;
    e.severity = severity;
    e.rule = s.rule->name;
    e.code = code;
    e.cite = s.rule->cite;
    e.layer = s.rule->layer;
    e.replaces = s.rule->replaces;
    e.sources = &s.rule->sources;
    e.cited_by = s.rule;
    if (s.explain) edit_because(s, e.because);
    if (s.coverage) mark_fired(s);
    return e;
}

} // namespace cpl
