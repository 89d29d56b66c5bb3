// interpreter/check/rules.hpp — rules and edits → RuleCode: clauses typed in order, each
// rule's cite required, loop-invariant conditions hoisted and invariant lets marked.
#pragma once

#include "interpreter/check/expressions.hpp"

#include <span>

namespace cpl::check_detail {

/// The name of a value the conditions of one pass of a rule read alike (`local 0.1` for
/// `line.code`), or "" for an expression that is not one (contradictions.cpp).
std::string key_of(const Node& n, const std::vector<Shape>& shapes);

/// A constant other than a table (a table a payer may add rows to says nothing of one case).
inline bool is_plain_constant(const Node& n) {
    return n.op == Op::Const && n.constant.kind != Kind::Table;
}

/// What a rule's conditions say, in the order they hold: `clause(state, c, holds)` for each of
/// `code`'s clauses (`holds` false for a dated narrowing's, which hold only on its dates), then
/// `exception(state, e)` for each exception per element, from a copy of the state where the
/// target first acts (its action point), where the exception runs.
template <typename State, typename Clause, typename Exception>
void follow_clauses(const RuleCode& code, State state, Clause clause, Exception exception) {
    std::optional<State> at_action;
    for (std::size_t i = 0; i < code.clauses.size(); ++i) {
        if (i == code.action_point) at_action = state;
        const ClauseCode& c = code.clauses[i];
        clause(state, c,
               c.narrowing < 0 ||
                   !code.narrowings[static_cast<std::size_t>(c.narrowing)].effective.dated());
    }
    for (const auto& e : code.element_exceptions) {
        State from = at_action ? *at_action : state;
        exception(from, e);
    }
}

class RuleCompiler : public ExpressionChecker {
public:
    using ExpressionChecker::ExpressionChecker;

protected:
    /// A rule or edit with its exceptions, as merged from the layers.
    RuleCode compile_rule(const MergedRule& merged);

private:
    RuleCode header(const ast::Rule& written, const ast::Rule& rule, const std::string& layer,
                    std::string_view what, std::span<const ast::Rule* const> between = {});
    RuleCode compile_body(const ast::Rule& written, const std::string& layer, bool hoist,
                          bool replaces = false, const ast::Rule* restated = nullptr,
                          const MergedRule* changes = nullptr);
    // At the point where `code` would first act, in its scope: its element exceptions and
    // the clauses of its narrowings.
    void compile_changes(const MergedRule& changes, const ast::Rule& target, Scope& scope,
                         RuleCode& code);
    RuleCode compile_element_exception(const LayeredChange& change, const ast::Rule& written,
                                       const RuleCode& target, Scope& scope);
    ClauseCode compile_clause(const ast::Clause& clause, Scope& scope, const ast::Rule& rule,
                              bool replaces);
    void always_false(Diagnostic& d, const ast::Rule& rule, bool replaces);
    void check_modifiers(const Typed& modifiers, const ast::Expr& at);
    bool modifier_field_never_held(const Typed& typed, const ast::Expr& at);
    void check_billed_code(const Typed& code, const ast::Expr& at);
    void check_message(const Typed& message, const ast::Clause& clause);
    bool blank_text(const Node& text);
    void note_blank(Diagnostic& d, const Node& text, const ast::Expr& written);
    // Billed units (or a cap, `cap`) that are a negative number whatever the case (an error),
    // or billed units written as 0 (a warning: the `bill` bills nothing).
    void check_units(const Typed& units, const ast::Expr& at, bool cap);
    void warn_unguarded(const ast::Rule& exception, const RuleCode& target);
    void warn_whole_case(const ast::Rule& exception, const RuleCode& target);
    // Conditions of `code` that cannot all hold on one pass (contradictions.cpp).
    void warn_contradictions(const RuleCode& code, const ast::Rule& rule);
    void warn_always_holds(const ClauseCode& clause);
    // An exception tried after one whose guard holds wherever its own does (contradictions.cpp).
    void warn_unreachable_exceptions(const std::vector<RuleCode>& exceptions,
                                     const RuleCode& target, bool per_element);
    void refuse_without_action(const ast::Rule& rule, const MergedRule& merged);
    void warn_after_deny(const ast::Rule& rule);

    bool in_narrowing_ = false; // compiling a payer's `narrow`: its conditions, not a rule's
    const RuleCode* excepting_ = nullptr; // compiling a case-level exception to this rule
};

} // namespace cpl::check_detail
