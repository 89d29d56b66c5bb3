// interpreter/check/rules.cpp — compiling rules, edits and their clauses (see rules.hpp).
#include "interpreter/check/rules.hpp"

#include "interpreter/case/case_schema.hpp"
#include "interpreter/check/in_force.hpp"
#include "interpreter/program/expressions.hpp"
#include "interpreter/program/reads.hpp"
#include "lang/codes.hpp"
#include "lang/vocabulary.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace cpl::check_detail {

namespace {

// A text of nothing but blanks ("", " ", a line end).
bool blank(std::string_view text) {
    return text.find_first_not_of(" \t\n\r\v\f") == std::string_view::npos;
}

// A `when` that does not depend on a loop's element is tested once, before the loop:
// `for line in claim when reviewing …` then costs nothing outside review. Only
// conditions that cannot fail move, so no case gets an error it would not have had.
bool invariant(const Node& n) {
    switch (n.op) {
    case Op::Local:
    case Op::Claim:
    case Op::Index:
    case Op::Div:
    case Op::Mod:
    case Op::Range:
    case Op::CallDef:
    case Op::Comprehension:
    case Op::Any:
    case Op::All:
    case Op::None:
        return false;
    default:
        break;
    }
    for (const auto& kid : n.kids)
        if (!invariant(kid)) return false;
    return true;
}

// True when `n` reads no local except those bound by comprehensions inside it.
bool closed(const Node& n, std::vector<std::uint32_t>& bound) {
    if (n.op == Op::Local) return std::find(bound.begin(), bound.end(), n.slot) != bound.end();
    if (n.op == Op::Comprehension || n.op == Op::Any || n.op == Op::All || n.op == Op::None) {
        if (!closed(n.kids[0], bound)) return false;
        bound.push_back(n.slot);
        bool ok = std::all_of(n.kids.begin() + 1, n.kids.end(),
                              [&](const Node& k) { return closed(k, bound); });
        bound.pop_back();
        return ok;
    }
    return std::all_of(n.kids.begin(), n.kids.end(),
                       [&](const Node& k) { return closed(k, bound); });
}

// A `let` inside a loop whose value cannot change from one element to the next is
// computed once per run of the rule (the claim an edit sees is fixed while it runs).
void mark_invariant_lets(RuleCode& code) {
    bool in_loop = false;
    for (auto& clause : code.clauses) {
        if (clause.kind == ast::ClauseKind::For) in_loop = true;
        std::vector<std::uint32_t> bound;
        if (in_loop && clause.kind == ast::ClauseKind::Let)
            clause.invariant = closed(clause.expr, bound);
    }
}

void hoist_invariant_conditions(RuleCode& code) {
    auto& clauses = code.clauses;
    // Element exceptions are tried at the action point: nothing moves across it.
    std::size_t end = code.element_exceptions.empty() ? clauses.size() : code.action_point;
    for (std::size_t i = 0; i < end; ++i) {
        if (clauses[i].kind != ast::ClauseKind::For) continue;
        std::size_t j = i + 1;
        // Its `otherwise` moves with it, so it must not read the loop either.
        while (j < end && clauses[j].kind == ast::ClauseKind::When && invariant(clauses[j].expr) &&
               (!clauses[j].otherwise || invariant(*clauses[j].otherwise))) {
            std::rotate(clauses.begin() + static_cast<std::ptrdiff_t>(i),
                        clauses.begin() + static_cast<std::ptrdiff_t>(j),
                        clauses.begin() + static_cast<std::ptrdiff_t>(j) + 1);
            ++i;
            ++j;
        }
        return; // only before the first loop: later clauses may depend on earlier bindings
    }
}

// Where a rule first acts: the index of its first clause other than for, let and when.
std::size_t action_point(const ast::Rule& rule) {
    using K = ast::ClauseKind;
    auto it = std::find_if(rule.clauses.begin(), rule.clauses.end(), [](const ast::Clause& c) {
        return c.kind != K::For && c.kind != K::Let && c.kind != K::When;
    });
    return static_cast<std::size_t>(it - rule.clauses.begin());
}

// Whether an exception's guard, its leading `let`/`when` clauses, has a condition at all.
bool has_guard(const ast::Rule& exception) {
    for (const auto& clause : exception.clauses) {
        if (clause.kind == ast::ClauseKind::When) return true;
        if (clause.kind != ast::ClauseKind::Let) return false;
    }
    return false;
}

} // namespace

// An exception with no condition before its first `for` or action runs in place of its
// target in every case: an `override` written as an exception, most often with the conditions
// meant as its guard put after `for line in claim`, where they are per line. (One `per line`
// with no condition is an idiom: it keeps the target's conditions and replaces its action.)
void RuleCompiler::warn_unguarded(const ast::Rule& exception, const RuleCode& target) {
    if (has_guard(exception)) {
        warn_whole_case(exception, target);
        return;
    }
    std::string_view kind = vocabulary::keyword(target.kind);
    auto& d = warning("check.unguarded_exception", exception.name.span,
                      fmt::format("exception `{}` has no `when` before its first `for` or action, "
                                  "so it runs in place of {} `{}` in every case",
                                  exception.name.text, kind, target.name));
    d.help = fmt::format("put its conditions before `for` (after it they are per line, not its "
                         "guard), write `exception … per line` to except some lines, or, to "
                         "replace the {}, `override {} {}`",
                         kind, kind, target.name);
}

// A case-level exception with a guard that then picks lines (`for line in claim`, then a
// `when`) replaces its target for the whole case once the guard holds: the lines its `when`
// leaves out are not checked by the target at all. A plan that meant to pay 95937 above its
// MUE (`when 95937 in claim.code`, then `when line.code == 95937`) left 95872 uncapped too.
void RuleCompiler::warn_whole_case(const ast::Rule& exception, const RuleCode& target) {
    bool target_loops =
        std::any_of(target.clauses.begin(), target.clauses.end(),
                    [](const ClauseCode& c) { return c.kind == ast::ClauseKind::For; });
    auto loop = std::find_if(exception.clauses.begin(), exception.clauses.end(),
                             [](const ast::Clause& c) { return c.kind == ast::ClauseKind::For; });
    if (!target_loops || loop == exception.clauses.end() || !loop->var) return;
    // Picks them by a field of fixed values (`line.code == 95937`, `line.code in [95937,
    // 95872]`): a rewrite of the target for every element tests other things.
    const std::string& var = loop->var->text;
    auto of_var = [&](const ast::Expr& e) {
        const auto* m = std::get_if<ast::Member>(&e.kind);
        const auto* name = m ? std::get_if<ast::NameRef>(&m->object->kind) : nullptr;
        return name && name->name == var;
    };
    auto literal = [](const ast::Expr& e) {
        return std::holds_alternative<ast::CodeLit>(e.kind) ||
               std::holds_alternative<ast::NumberLit>(e.kind) ||
               std::holds_alternative<ast::StringLit>(e.kind);
    };
    auto fixed = [&](const ast::Expr& e) {
        const auto* list = std::get_if<ast::ListExpr>(&e.kind);
        return list ? std::all_of(list->items.begin(), list->items.end(), literal) : literal(e);
    };
    bool picks = std::any_of(loop + 1, exception.clauses.end(), [&](const ast::Clause& c) {
        const auto* b = std::get_if<ast::Binary>(&c.expr.kind);
        if (c.kind != ast::ClauseKind::When || !b) return false;
        if (b->op == ast::BinaryOp::Eq)
            return (of_var(*b->left) && fixed(*b->right)) || (of_var(*b->right) && fixed(*b->left));
        return b->op == ast::BinaryOp::In && of_var(*b->left) && fixed(*b->right);
    });
    if (!picks) return;
    std::string_view kind = vocabulary::keyword(target.kind);
    std::string_view elements = var == "line" ? "lines" : "elements";
    auto& d = warning(
        "check.exception_whole_case", exception.name.span,
        fmt::format("exception `{}` runs in place of {} `{}` for the whole case when its guard "
                    "holds: the {} its `when` after `for {}` leaves out are not checked by the "
                    "{} at all",
                    exception.name.text, kind, target.name, elements, var, kind));
    d.help =
        fmt::format("to except only some {}, write `exception {} to {} {} per {}` with "
                    "its conditions on `{}` (the other {} then get the {} as written)",
                    elements, exception.name.text, kind, target.name, var, var, elements, kind);
}

// A rule or edit with no action (bill, cap, deny, warn, info, document, a modifier) never
// changes the claim: an override written so turns the base's off without saying so, which is
// what `disable` is for.
void RuleCompiler::refuse_without_action(const ast::Rule& rule, const MergedRule& merged) {
    if (std::any_of(rule.clauses.begin(), rule.clauses.end(), [](const ast::Clause& c) {
            return vocabulary::clause(c.kind).role == vocabulary::ClauseRole::action;
        }))
        return;
    std::string_view kind = vocabulary::keyword(rule.kind);
    auto& d = error("check.no_action", merged.rule->name.span,
                    fmt::format("{} `{}` has no action: it never changes the claim", kind,
                                merged.rule->name.text));
    d.help = merged.replaces.empty()
                 ? fmt::format("give it what it does when its conditions hold (`deny \"…\"`, "
                               "`warn \"…\"`, `bill …`)")
                 : fmt::format("to switch the {} off, write `disable {} {} \"reason\"`; to "
                               "change it, give the override an action",
                               kind, kind, merged.rule->name.text);
}

RuleCode RuleCompiler::compile_rule(const MergedRule& merged) {
    refuse_without_action(merged.restates ? *merged.restates : *merged.rule, merged);
    RuleCode code = compile_body(*merged.rule, merged.layer, true, !merged.replaces.empty(),
                                 merged.restates, &merged);
    if (!merged.replaces.empty())
        code.replaces = fmt::format("{} ({})", code.name, merged.replaces);
    // Dated outside the dates of service the policy codes, it never runs (in_force.hpp); so
    // do the policy's own exceptions and narrowings of it, and then the target runs as the
    // base wrote it.
    auto never_runs = [&](const std::string& what, const Effective& dates, Span at,
                          const std::string& layer) {
        if (layer != merged_.layers.back() || !dates.dated()) return false;
        auto never = never_applies({dates}, 0, p().service_dates);
        if (!never) return false;
        warning("check.never_applies", at,
                fmt::format("{} never runs: {}", what, never->why(dates, p().service_dates, {})))
            .help = never->help();
        return true;
    };
    never_runs(fmt::format("{} `{}`", vocabulary::keyword(code.kind), code.name), code.effective,
               code.span, merged.layer);
    for (const auto& [exception, layer] : merged.exceptions) {
        // An exception's guard is its leading let/when clauses as written: keep them in place.
        excepting_ = &code;
        code.exceptions.push_back(compile_body(*exception, layer, false));
        excepting_ = nullptr;
        code.exceptions.back().replaces = fmt::format("{} ({})", code.name, code.layer);
        warn_unguarded(*exception, code);
    }
    warn_unreachable_exceptions(code.exceptions, code, false);
    warn_unreachable_exceptions(code.element_exceptions, code, true);
    // A change dated only where its target does not run changes nothing either.
    auto never_meets_target = [&](const std::string& what, const Effective& dates, Span at,
                                  const std::string& layer) {
        if (layer != merged_.layers.back() || !dates.dated() || !code.effective.dated()) return;
        const Effective& target = code.effective;
        bool meet = (dates.from.empty() || target.until.empty() || dates.from < target.until) &&
                    (target.from.empty() || dates.until.empty() || target.from < dates.until);
        if (meet) return;
        auto span_of = [](const Effective& e) {
            return !e.from.empty() && !e.until.empty()
                       ? fmt::format("from {} until {}", e.from, e.until)
                   : !e.from.empty() ? fmt::format("from {}", e.from)
                                     : fmt::format("until {}", e.until);
        };
        warning("check.never_applies", at,
                fmt::format("{} never runs: it holds {}, and {} `{}` runs only {}", what,
                            span_of(dates), vocabulary::keyword(code.kind), code.name,
                            span_of(target)))
            .help = fmt::format("date it within the dates of the {} it changes, or remove it",
                                vocabulary::keyword(code.kind));
    };
    for (const auto* exceptions : {&code.exceptions, &code.element_exceptions})
        for (const auto& e : *exceptions) {
            if (!never_runs(fmt::format("exception `{}`", e.name), e.effective, e.span, e.layer))
                never_meets_target(fmt::format("exception `{}`", e.name), e.effective, e.span,
                                   e.layer);
        }
    for (std::size_t i = 0; i < code.narrowings.size() && i < merged.narrowings.size(); ++i) {
        std::string what =
            fmt::format("the narrowing of {} `{}`", vocabulary::keyword(code.kind), code.name);
        if (!never_runs(what, code.narrowings[i].effective, merged.narrowings[i].decl->target.span,
                        code.narrowings[i].layer))
            never_meets_target(what, code.narrowings[i].effective,
                               merged.narrowings[i].decl->target.span, code.narrowings[i].layer);
    }
    return code;
}

// A line `deny` removed is gone from the claim: a cap or a modifier after it, on that line
// (no `for` between), changes nothing. (A `document` after it stays: what the record must show
// for an appeal to pay the line.) Warned where it is written, for the checked policy's own.
void RuleCompiler::warn_after_deny(const ast::Rule& rule) {
    const ast::Clause* denied = nullptr;
    for (const auto& clause : rule.clauses) {
        if (clause.kind == ast::ClauseKind::For) denied = nullptr; // another line from here
        if (clause.kind == ast::ClauseKind::Deny && !denied) denied = &clause;
        bool changes_line = clause.kind == ast::ClauseKind::Cap ||
                            clause.kind == ast::ClauseKind::AddModifier ||
                            clause.kind == ast::ClauseKind::RemoveModifier;
        if (!denied || !changes_line) continue;
        const SourceFile& file = merged_.sources->get(denied->span.file);
        warning("check.after_deny", clause.span,
                fmt::format("`{}` after `deny` (line {}) changes a line the denial removed: it "
                            "does nothing",
                            vocabulary::clause(clause.kind).keyword,
                            file.locate(denied->span.begin).line))
            .help = "put it before the `deny`, or in an edit of its own for the lines it is "
                    "for; to pay part of a line, `cap units at` instead of denying it";
    }
}

RuleCode RuleCompiler::compile_body(const ast::Rule& written, const std::string& layer, bool hoist,
                                    bool replaces, const ast::Rule* restated,
                                    const MergedRule* changes) {
    // A restatement runs the clauses of the rule it restates, and keeps its description,
    // cite and dates where it gives none.
    const ast::Rule& rule = restated ? *restated : written;
    RuleCode code =
        header(written, rule, layer, vocabulary::keyword(rule.kind),
               changes ? std::span(changes->restated_before) : std::span<const ast::Rule* const>());
    in_force_ = code.effective; // its look-ups need rows only on its dates
    bool is_edit = rule.kind == ast::RuleKind::Edit;
    Scope scope;
    scope.in_edit = is_edit;
    std::size_t point = action_point(rule);
    // A `when` that fails ends the pass: the clauses after it run where it holds. (The
    // conditions of an enclosing rule, one whose exception this is, hold nowhere here.)
    {
        Afresh afresh(*this);
        for (std::size_t i = 0; i <= rule.clauses.size(); ++i) {
            if (i == point && changes) compile_changes(*changes, rule, scope, code);
            if (i >= rule.clauses.size()) continue;
            code.clauses.push_back(compile_clause(rule.clauses[i], scope, rule, replaces));
            holds_after(code.clauses.back());
        }
    }
    if (!restated && layer == merged_.layers.back()) warn_after_deny(rule);
    for (const auto& clause : code.clauses)
        if (clause.narrowing < 0) code.written.push_back(clause.source);
    if (changes && changes->rule->placement)
        code.placement = fmt::format("{} {}", changes->rule->placement->before ? "before" : "after",
                                     changes->rule->placement->target.text);
    warn_contradictions(code, rule);
    warn_unguarded_lookups(code);
    in_force_ = {};
    if (hoist) hoist_invariant_conditions(code);
    mark_invariant_lets(code);
    code.frame_size = scope.frame_size;
    p().max_frame = std::max(p().max_frame, scope.frame_size);
    return code;
}

// What a rule, edit or exception says of itself: name, description, layer, dates, cite (of
// `written`, else of the latest of the restatements `between` it and the rule it restates that
// writes them, else of that rule); a missing cite is an error naming it as `what`.
RuleCode RuleCompiler::header(const ast::Rule& written, const ast::Rule& rule,
                              const std::string& layer, std::string_view what,
                              std::span<const ast::Rule* const> between) {
    // The latest of written, the restatements between (newest first) and rule that has `part`.
    auto latest = [&](auto has) -> const ast::Rule& {
        if (has(written)) return written;
        for (auto it = between.rbegin(); it != between.rend(); ++it)
            if (has(**it)) return **it;
        return rule;
    };
    RuleCode code;
    code.name = written.name.text;
    code.kind = written.kind;
    code.doc = latest([](const ast::Rule& r) { return !r.doc.empty(); }).doc;
    code.layer = layer;
    code.span = written.name.span;
    code.effective = effective(
        latest([](const ast::Rule& r) { return r.effective.from || r.effective.until; }).effective);
    code.fixed = written.fixed;
    if (code.effective.dated()) p().dated = true;
    const auto& cite = latest([](const ast::Rule& r) { return bool(r.cite); }).cite;
    if (!cite)
        error("check.missing_cite", written.name.span,
              fmt::format("{} `{}` does not cite its source", what, written.name.text))
            .help = "add `cite \"…\"` naming the guideline, policy or table it encodes";
    else if (blank(cite->text))
        // Every line and edit it makes carries its cite: an empty one names no source.
        error("check.missing_cite", cite->span,
              fmt::format("{} `{}` cites nothing: its `cite` is empty", what, written.name.text))
            .help = "name the guideline, policy or table it encodes";
    else
        code.cite = cite->text;
    return code;
}

void RuleCompiler::compile_changes(const MergedRule& changes, const ast::Rule& target, Scope& scope,
                                   RuleCode& code) {
    code.action_point = code.clauses.size();
    for (const auto& change : changes.element_exceptions) {
        code.element_exceptions.push_back(compile_element_exception(change, target, code, scope));
        code.element_exceptions.back().replaces = fmt::format("{} ({})", code.name, code.layer);
    }
    for (const auto& [narrow, layer] : changes.narrowings) {
        const ast::Rule& conditions = narrow->rule;
        NarrowingCode narrowing{layer,
                                conditions.doc,
                                conditions.cite ? conditions.cite->text : "",
                                effective(conditions.effective),
                                {},
                                {}};
        if (narrowing.effective.dated()) p().dated = true;
        auto index = static_cast<std::int32_t>(code.narrowings.size());
        if (!conditions.cite)
            error("check.missing_cite", narrow->target.span,
                  fmt::format("the narrowing of {} `{}` does not cite its source",
                              vocabulary::keyword(target.kind), target.name.text))
                .help = "add `cite \"…\"` naming the payer's policy that narrows it";
        else if (blank(conditions.cite->text))
            error("check.missing_cite", conditions.cite->span,
                  fmt::format("the narrowing of {} `{}` cites nothing: its `cite` is empty",
                              vocabulary::keyword(target.kind), target.name.text))
                .help = "name the payer's policy that narrows it";
        // Why the target did not act, in --why-not: the narrowing's own words.
        std::string why = fmt::format("narrowed by `{}`{}{}", layer,
                                      conditions.doc.empty() ? "" : ": ", conditions.doc);
        bool narrows = false;
        // Its `let`s are its own: a name it binds again does not change the target's.
        Scope own = scope;
        std::size_t holding = holding_.size();
        for (const auto& clause : conditions.clauses) {
            if (clause.kind != ast::ClauseKind::Let && clause.kind != ast::ClauseKind::When) {
                error("check.narrow_clause", clause.span,
                      fmt::format("a narrowing only adds conditions (`let`, `when`), not `{}`",
                                  vocabulary::clause(clause.kind).keyword))
                    .help = fmt::format(
                    "to act differently, write `exception NAME to {} {} per VAR` or an override",
                    vocabulary::keyword(target.kind), target.name.text);
                continue;
            }
            in_narrowing_ = true;
            ClauseCode compiled = compile_clause(clause, own, target, false);
            in_narrowing_ = false;
            compiled.narrowing = index;
            narrowing.written.push_back(compiled.source);
            if (compiled.kind == ast::ClauseKind::When) {
                narrows = true;
                // An undated narrowing's `when` ends the pass where it fails: its later
                // clauses run where it holds. A dated one's is passed over on other dates.
                if (!narrowing.effective.dated()) holds_after(compiled);
                if (!compiled.otherwise) {
                    compiled.otherwise.emplace();
                    compiled.otherwise->constant = string_with_letters(*p().constants, why);
                }
            }
            code.clauses.push_back(std::move(compiled));
        }
        scope.frame_size = own.frame_size;
        // Its `let`s' slots are the target's later locals', so neither its conditions (which
        // may read them) nor its `let`s are kept for the target's later clauses.
        forget_own(holding, scope.next_slot);
        code.narrowings.push_back(std::move(narrowing));
        if (!narrows)
            error("check.narrow_clause", narrow->target.span,
                  fmt::format("this narrowing of {} `{}` has no `when`: it changes nothing",
                              vocabulary::keyword(target.kind), target.name.text))
                .help = "add `when CONDITION`: where it does not hold, the target does not act";
    }
}

// `exception NAME to edit TARGET per VAR`: compiled in the target's scope where it would act,
// so its clauses read the target's loop variable and lets.
RuleCode RuleCompiler::compile_element_exception(const LayeredChange& change,
                                                 const ast::Rule& written, const RuleCode& target,
                                                 Scope& scope) {
    const ast::Exception& e = *change.decl;
    auto before = written.clauses.begin() + static_cast<std::ptrdiff_t>(action_point(written));
    bool loops = std::any_of(written.clauses.begin(), before, [&](const ast::Clause& c) {
        return c.kind == ast::ClauseKind::For && c.var && c.var->text == e.per->text;
    });
    if (!loops)
        error("check.per_loop", e.per->span,
              fmt::format("{} `{}` has no `for {} in …` before it acts",
                          vocabulary::keyword(e.target_kind), target.name, e.per->text))
            .help = "name the variable of the target's loop, as in `per line` for an edit's "
                    "`for line in claim`";
    // It is tried at the target's action, inside every loop before it: under an inner loop,
    // once for each of that loop's elements, not once for each of the loop it names.
    const ast::Clause* innermost = nullptr;
    for (auto c = written.clauses.begin(); c != before; ++c)
        if (c->kind == ast::ClauseKind::For && c->var) innermost = &*c;
    if (loops && innermost && innermost->var->text != e.per->text)
        error("check.per_loop", e.per->span,
              fmt::format("{} `{}` loops `for {} in …` inside `for {} in …` before it acts: "
                          "the exception would be tried for each {} of a {}, not once a {}",
                          vocabulary::keyword(e.target_kind), target.name, innermost->var->text,
                          e.per->text, innermost->var->text, e.per->text, e.per->text))
            .help = fmt::format("write `per {}` (its `when` may still test `{}`)",
                                innermost->var->text, e.per->text);
    RuleCode code = header(e.rule, e.rule, change.layer, "exception");
    code.per = e.per->text;
    // Its names end with it: the target's later clauses do not see them (nor a line it loops
    // over); the frame it shares with the target grows to hold them.
    Scope own = scope;
    // Its `when`s hold for its own later clauses; where one fails, the target goes on.
    std::size_t holding = holding_.size();
    for (const auto& clause : e.rule.clauses) {
        code.clauses.push_back(compile_clause(clause, own, e.rule, false));
        holds_after(code.clauses.back());
    }
    forget_own(holding, scope.next_slot);
    for (const auto& clause : code.clauses)
        code.written.push_back(clause.source);
    scope.frame_size = own.frame_size;
    return code;
}

void RuleCompiler::check_units(const Typed& typed, const ast::Expr& at, bool cap) {
    const Node& units = typed.node;
    bool written = units.op == Op::Const; // else known through a `let` or a definition
    // `bill 95860 units 0`: a line of 0 units is not added, so the clause bills nothing on
    // any case (a cap at 0 does something: it removes the line). A setting of 0 is a payer's
    // way of billing none, not a mistake.
    if (written && units.constant.kind == Kind::Number && !cap && units.constant.number == 0) {
        if (p().settings_folded_at(units.span)) return;
        warning("check.zero_units", at.span,
                "the units billed are 0 for every case: this `bill` bills nothing")
            .help = "delete the `bill`; to switch off a base's rule, a payer writes `disable rule "
                    "NAME \"reason\"`";
        return;
    }
    // Negative for every case, written in place or known before any case (`let paid =
    // included - 2`; `for k in [1, 2]`, then `k - 3`: -2 or -1).
    auto values = possible_values(typed);
    // `bill 95870 units 20_000`: more than a claim line carries, on the cases that give it.
    if (values && !cap)
        for (const Value& v : *values)
            if (v.kind == Kind::Number && v.number > case_schema::max_line_units) {
                auto& d = error("check.impossible_value", at.span,
                                fmt::format("the units billed may be {}: a claim line carries "
                                            "at most {}",
                                            v.number, case_schema::max_line_units));
                d.help = "bill the units the study supports; an edit's `cap units at` limits them";
                if (written) note_settings(d, units.span);
                return;
            }
    if (!values || values->empty() ||
        !std::all_of(values->begin(), values->end(),
                     [](const Value& v) { return v.kind == Kind::Number && v.number < 0; }))
        return;
    std::vector<std::int64_t> numbers;
    for (const Value& v : *values)
        if (std::find(numbers.begin(), numbers.end(), v.number) == numbers.end())
            numbers.push_back(v.number);
    std::string shown = fmt::format("{}", fmt::join(numbers, " or "));
    auto& d = error("check.negative_units", at.span,
                    fmt::format("{} {} for every case: units cannot be negative",
                                cap ? "the cap is" : "the units billed are", shown));
    d.help =
        cap ? "`cap units at 0` removes the line" : "units are 0 or more: give the units to bill";
    if (written)
        note_settings(d, units.span);
    else
        d.notes.push_back(
            fmt::format("`{}` is {} before any case", one_line(source_text(at.span)), shown));
}

// A modifier a clause puts on (or takes off) a line, when it is a constant or one of known
// constants (`if c then "XS" else "xs"`, `[if c then "rt"]`): one the case reader would refuse
// ("xs", "XSS", "") is an error here, not a line no claim could carry. From a setting, the
// setting and the layer that set it are named.
void RuleCompiler::check_modifiers(const Typed& typed, const ast::Expr& at) {
    const Node& modifiers = typed.node;
    const Constants& known = typed.constants;
    std::vector<Value> possible; // each modifier the clause may give
    auto add = [&](const Value& v) {
        if (v.kind == Kind::List)
            possible.insert(possible.end(), v.list().begin(), v.list().end());
        else
            possible.push_back(v);
    };
    if (auto values = possible_values(typed))
        for (const Value& v : *values)
            add(v);
    else if (known.elements)
        add(*known.elements);
    for (const Value& text : possible) {
        if (text.kind != Kind::String || case_schema::is_modifier(text.str())) continue;
        auto& d = error("check.impossible_value", at.span,
                        fmt::format("a modifier is never \"{}\": it is {}", text.str(),
                                    case_schema::modifier.expected));
        d.help = std::string(case_schema::modifier.help);
        note_settings(d, modifiers.span);
        return;
    }
    if (modifier_field_never_held(typed, at)) return;
    if (modifiers.op != Op::Const) return; // a list known whole is judged for repeats below
    std::span<const Value> values = values_of(modifiers.constant);
    auto holds = [&](std::string_view m) {
        return std::any_of(values.begin(), values.end(),
                           [&](const Value& v) { return v.kind == Kind::String && v.str() == m; });
    };
    if (holds("26") && holds("TC")) {
        auto& d = error("check.impossible_value", at.span,
                        fmt::format("26 and TC on one line: {}", case_schema::one_component_why));
        d.help = std::string(case_schema::one_component_help);
        note_settings(d, modifiers.span);
        return;
    }
    // `modifiers ["RT", "RT"]`: a line carries a modifier once (the second is dropped when the
    // line is billed), so the list as written is not what the line gets.
    for (std::size_t i = 1; i < values.size(); ++i) {
        auto before = values.first(i);
        if (std::none_of(before.begin(), before.end(),
                         [&](const Value& v) { return equal(v, values[i], {}); }))
            continue;
        auto& d = error("check.repeated_modifier", at.span,
                        fmt::format("{} is given twice: a line carries a modifier once",
                                    to_text(values[i], {}, true)));
        d.help = "give it once; for two sites, bill two lines (RT and LT, or 59 on the second)";
        note_settings(d, modifiers.span);
        return;
    }
}

// `modifiers [l.limb for l in case.extremities]`, `add modifier m.name`: a case field none
// of whose values is a modifier of either form (a letter pair, a number pair) puts on the line
// what no claim line carries.
bool RuleCompiler::modifier_field_never_held(const Typed& typed, const ast::Expr& at) {
    const auto& field = typed.field;
    if (!field || !typed.type) return false;
    // A list field's elements (`line.modifiers`), or the field's own values.
    bool elements = !field->each && (field->element || typed.type->kind == TypeKind::List);
    // Modifier-shaped values of each kind a field may hold: letters, digits, and a letter and
    // a digit either way (a spinal level "T1" is one too).
    static const std::vector<Value> forms = {Value::of_string("RT"), Value::of_string("59"),
                                             Value::of_string("T1"), Value::of_string("1T")};
    auto never = holds_none_of(*field, elements, forms);
    if (!never) return false;
    error("check.impossible_value", at.span,
          fmt::format("{} is never a modifier: {} {}, so the line would carry what is not one",
                      never->what, field->each || elements ? "each is" : "it is", never->expected))
        .help = std::string(case_schema::modifier.help);
    return true;
}

// What `bill` gives is a procedure code: a constant that is not one ("95886 ", "9586", a
// setting's "g0255") would be a line no claim could carry, and a case field that never holds
// one (a limb, a diagnosis) bills what is not a code at all.
void RuleCompiler::check_billed_code(const Typed& code, const ast::Expr& at) {
    std::span<const Value> constants;
    if (code.node.op == Op::Const)
        constants = values_of(code.node.constant);
    else if (code.constants.value)
        constants = {&*code.constants.value, 1};
    else if (code.constants.each_of)
        constants = values_of(*code.constants.each_of);
    for (const Value& text : constants) {
        if (text.kind != Kind::String || is_procedure_code(text.str())) continue;
        auto& d = error("check.impossible_value", at.span,
                        fmt::format("a billed code is never \"{}\": a CPT or HCPCS code is five "
                                    "digits (95886), four digits and a letter (0001T), or a "
                                    "letter and four digits (G0453)",
                                    text.str()));
        note_settings(d, code.node.span);
        return;
    }
    if (!code.field || code.field->each) return;
    // A field none of whose values is a code of any of the three forms.
    static const std::vector<Value> forms = {Value::of_string("95860"), Value::of_string("0001T"),
                                             Value::of_string("G0453")};
    auto never = holds_none_of(*code.field, code.field->element, forms);
    if (!never) return;
    error("check.impossible_value", at.span,
          fmt::format("{} is never a procedure code: {} {}, so the line billed would not be a "
                      "CPT or HCPCS code",
                      never->what, code.field->element ? "each is" : "it is", never->expected));
}

// A text that is blank on every case: a literal or setting (`""`), or one read through
// definitions that read no case fact (`def nothing = ""`).
bool RuleCompiler::blank_text(const Node& text) {
    Value value = text.constant;
    if (text.op != Op::Const) {
        if (!known_now(text)) return false;
        try {
            value = evaluate_constant(p(), text);
        } catch (const EvalError&) {
            return false; // it fails for every case instead; the evaluator says so
        }
    }
    return value.kind == Kind::String && blank(value.str());
}

// Where a blank text comes from, when it is not written as such: a setting, or definitions.
void RuleCompiler::note_blank(Diagnostic& d, const Node& text, const ast::Expr& written) {
    note_settings(d, text.span);
    if (text.op != Op::Const)
        d.notes.push_back(
            fmt::format("`{}` is blank whatever the case", source_text(written.span)));
}

// A `deny`, `warn`, `info`, `document` or `because` says something in words: a list or a record
// would print as its literal, and a lone code (`deny 95860`) says nothing (to deny a line of a
// code, an edit says `for line in claim`, `when line.code == 95860`, then `deny "why"`).
void RuleCompiler::check_message(const Typed& message, const ast::Clause& clause) {
    std::string_view keyword = vocabulary::clause(clause.kind).keyword;
    std::string what = fmt::format("the text of `{}`", keyword);
    expect(message, string_type(), clause.expr, what);
    if (message.type && message.type->kind == TypeKind::Code && message.node.op == Op::Const)
        error("check.type_mismatch", clause.expr.span,
              fmt::format("{} is a code, not words: `{} {}` would say only \"{}\"", what, keyword,
                          source_text(clause.expr.span), to_text(message.node.constant, {})))
            .help = fmt::format("write what it means in words, `{} \"…\"`", keyword);
    // `warn ""`: an edit a coder reads as nothing, a documentation requirement that asks
    // for nothing.
    if (!blank_text(message.node)) return;
    bool document = clause.kind == ast::ClauseKind::Document;
    bool because = clause.kind == ast::ClauseKind::Because;
    auto& d = error("check.empty_text", clause.expr.span,
                    fmt::format("{} is empty: {}", what,
                                document  ? "the documentation it requires says nothing"
                                : because ? "the reason it gives says nothing"
                                          : "the coder is told nothing"));
    d.help = document  ? "say what the record must show"
             : because ? "say why, in a coder's words"
                       : "say what the coder must know or do, and why";
    note_blank(d, message.node, clause.expr);
}

// `when false`: the rule never acts. A payer switching off a rule of its base says so.
void RuleCompiler::always_false(Diagnostic& d, const ast::Rule& rule, bool replaces) {
    std::string_view kind = vocabulary::keyword(rule.kind);
    if (in_narrowing_) {
        d.message += fmt::format(": this narrowing switches the {} `{}` off", kind, rule.name.text);
        d.help =
            fmt::format("to switch it off, write `disable {} {} \"reason\"`; to narrow it, give "
                        "the narrowing a condition that reads the case",
                        kind, rule.name.text);
        return;
    }
    d.message += fmt::format(": the {} never acts", kind);
    if (replaces)
        d.help =
            fmt::format("to switch it off, write `disable {} {} \"reason\"`", kind, rule.name.text);
    else
        d.help = fmt::format("delete the {}, or give it a condition that reads the case", kind);
}

ClauseCode RuleCompiler::compile_clause(const ast::Clause& clause, Scope& scope,
                                        const ast::Rule& rule, bool replaces) {
    using K = ast::ClauseKind;
    bool is_edit = rule.kind == ast::RuleKind::Edit;
    ClauseCode code;
    code.kind = clause.kind;
    code.first = clause.first;
    code.span = clause.span;
    code.source = source_text(clause.span);
    Typed value = expr(clause.expr, scope);
    switch (clause.kind) {
    case K::For: {
        if (known(value.type) && value.type->kind != TypeKind::List)
            error("check.type_mismatch", clause.expr.span,
                  fmt::format("`for` needs a list, not {}", type_name(value.type)));
        TypeP element = value.type->kind == TypeKind::List && value.type->element
                            ? value.type->element
                            : any_type();
        warn_if_hiding(*clause.var, scope);
        code.slot = push_element(scope, clause.var->text, element, value);
        code.over_claim = is_edit && value.node.op == Op::Claim;
        if (code.over_claim) scope.line_slot = code.slot;
        break;
    }
    case K::Let:
        // A field bound to a name is still the field (`let c = line.code`: `c == "9588"`).
        warn_if_hiding(*clause.var, scope);
        code.slot = scope.push(clause.var->text, value.type, value.field, let_constants(value),
                               value.case_text);
        scope.locals.back().elements_of_case = value.elements_of_case;
        scope.locals.back().size_of_case = value.size_of_case;
        break;
    case K::When:
        expect(value, bool_type(), clause.expr, "a `when` condition");
        if (clause.otherwise) {
            Typed why = expr(*clause.otherwise, scope);
            expect(why, string_type(), *clause.otherwise, "the `otherwise` reason");
            if (blank_text(why.node)) {
                auto& d = error("check.empty_text", clause.otherwise->span,
                                "the `otherwise` reason is empty: why the rule did not act "
                                "would say nothing");
                d.help = "say why, in a coder's words, or leave `otherwise` out";
                note_blank(d, why.node, *clause.otherwise);
            }
            code.otherwise = std::move(why.node);
        }
        if (bool holds = true; Diagnostic* d = constant_condition(value, clause.expr, &holds))
            if (!holds) always_false(*d, rule, replaces);
        break;
    case K::Bill:
        if (is_edit)
            error("check.bill_in_edit", clause.span,
                  "edits change the claim; only rules `bill` codes");
        expect(value, code_type(), clause.expr, "the billed code");
        check_billed_code(value, clause.expr);
        if (clause.units) {
            Typed units = expr(*clause.units, scope);
            expect(units, number_type(), *clause.units, "`units`");
            check_units(units, *clause.units, false);
            code.units = std::move(units.node);
        }
        if (clause.modifiers) {
            Typed modifiers = expr(*clause.modifiers, scope);
            expect(modifiers, list_of(string_type()), *clause.modifiers, "`modifiers`");
            check_modifiers(modifiers, *clause.modifiers);
            code.modifiers = std::move(modifiers.node);
        }
        break;
    case K::Cap:
    case K::AddModifier:
    case K::RemoveModifier:
        if (!scope.line_slot)
            error("check.no_line", clause.span,
                  fmt::format("`{}` changes a claim line: it needs `for line in claim` before "
                              "it, in an edit",
                              vocabulary::clause(clause.kind).keyword));
        expect(value, clause.kind == K::Cap ? number_type() : string_type(), clause.expr,
               clause.kind == K::Cap ? "the cap" : "the modifier");
        if (clause.kind == K::Cap) check_units(value, clause.expr, true);
        if (clause.kind != K::Cap) check_modifiers(value, clause.expr);
        break;
    case K::Deny:
        // A denial removes a line (contract: `deny` is "a line or units removed"); one with no
        // line removed nothing, and the claim was still paid whole.
        if (!scope.line_slot) {
            auto& d = error("check.no_line", clause.span,
                            "`deny` removes a claim line: it needs `for line in claim` before "
                            "it, in an edit");
            d.help = is_edit ? "deny each line it is about (`for line in claim`, `when "
                               "line.code in …`), or say it of the whole claim with `warn`"
                             : "a rule that must not bill leaves out its `bill`; to deny a "
                               "submitted line, write an edit with `for line in claim`";
        }
        check_message(value, clause);
        break;
    case K::Warn:
    case K::Info:
    case K::Document:
    case K::Because:
        check_message(value, clause);
        break;
    default:
        break;
    }
    // What a local divisor names (check.zero_divisor); a `for` over the slot names nothing.
    if (clause.kind == K::Let)
        rule_lets_[code.slot] = value.node;
    else if (clause.kind == K::For)
        rule_lets_.erase(code.slot);
    code.expr = std::move(value.node);
    return code;
}

} // namespace cpl::check_detail
