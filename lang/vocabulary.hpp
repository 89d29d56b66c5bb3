// lang/vocabulary.hpp — the words of cpl in one table: each operator's spelling, binding
// strength and plain-words reading; each clause's keyword and plain-words reading; the
// keyword of each kind of rule; the reserved words. Everything that prints, parses or
// describes an operator or a clause reads it here (to_ast, format, ast_dump, doc, …).
//
// The grammar (grammar.hpp) keeps its own keyword rules, because PEGTL rules are types;
// grammar_vocabulary.hpp checks at compile time that the two agree.
#pragma once

#include "ast.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace cpl::vocabulary {

/// Binding strength, loosest first (docs/language.md, "Grammar"). An if-expression has none
/// of its own: its `else` branch runs to the end, so it binds loosest of all.
enum class Precedence : std::uint8_t {
    If,
    Or,
    And,
    Not,
    Compare,
    Range,
    Sum,
    Product,
    Unary,
    Postfix,
    Primary
};

struct BinaryOperator {
    ast::BinaryOp op;
    std::string_view spelling; // as written: `>=`, `not in`
    Precedence precedence;
    bool chains;            // `a - b - c` folds to the left; `a < b < c` does not parse
    bool spaced;            // written with a blank either side (`a + b`), or tight (`1..5`)
    std::string_view words; // read aloud between its operands: "a is at least b"
};

struct UnaryOperator {
    ast::UnaryOp op;
    std::string_view spelling;
    Precedence precedence;
    bool spaced; // a blank between it and its operand (`not x`, but `-x`)
    std::string_view words;
};

/// What a clause does to the rest of its rule.
enum class ClauseRole : std::uint8_t {
    binding,   // names a value for the clauses after it: for, let
    condition, // stops the rule unless it holds: when
    action,    // changes the result: bill, deny, document, …
    reason,    // explains the result: because
};

struct ClauseWords {
    ast::ClauseKind kind;
    std::string_view keyword; // the words that open it: `cap units at`
    ClauseRole role;
    std::string_view words; // what it does, in plain words: "caps the line's units at"
};

// INVARIANT (rows in enum order): row i of each table below describes the enumerator whose
// value is i, so looking a row up is indexing; checked by the static_asserts at the end.

inline constexpr std::array<BinaryOperator, 16> binary_operators{{
    {ast::BinaryOp::Or, "or", Precedence::Or, true, true, "or"},
    {ast::BinaryOp::And, "and", Precedence::And, true, true, "and"},
    {ast::BinaryOp::Eq, "==", Precedence::Compare, false, true, "is"},
    {ast::BinaryOp::Ne, "!=", Precedence::Compare, false, true, "is not"},
    {ast::BinaryOp::Lt, "<", Precedence::Compare, false, true, "is less than"},
    {ast::BinaryOp::Le, "<=", Precedence::Compare, false, true, "is at most"},
    {ast::BinaryOp::Gt, ">", Precedence::Compare, false, true, "is more than"},
    {ast::BinaryOp::Ge, ">=", Precedence::Compare, false, true, "is at least"},
    {ast::BinaryOp::In, "in", Precedence::Compare, false, true, "is in"},
    {ast::BinaryOp::NotIn, "not in", Precedence::Compare, false, true, "is not in"},
    {ast::BinaryOp::Range, "..", Precedence::Range, false, false, "through"},
    {ast::BinaryOp::Add, "+", Precedence::Sum, true, true, "plus"},
    {ast::BinaryOp::Sub, "-", Precedence::Sum, true, true, "minus"},
    {ast::BinaryOp::Mul, "*", Precedence::Product, true, true, "times"},
    {ast::BinaryOp::Div, "/", Precedence::Product, true, true, "divided by"},
    {ast::BinaryOp::Mod, "%", Precedence::Product, true, true, "modulo"},
}};

inline constexpr std::array<UnaryOperator, 2> unary_operators{{
    {ast::UnaryOp::Not, "not", Precedence::Not, true, "not"},
    {ast::UnaryOp::Neg, "-", Precedence::Unary, false, "minus"},
}};

inline constexpr std::array<ClauseWords, 12> clauses{{
    {ast::ClauseKind::For, "for", ClauseRole::binding, "for each"},
    {ast::ClauseKind::Let, "let", ClauseRole::binding, "where"},
    {ast::ClauseKind::When, "when", ClauseRole::condition, "when"},
    {ast::ClauseKind::Bill, "bill", ClauseRole::action, "bills"},
    {ast::ClauseKind::Cap, "cap units at", ClauseRole::action, "caps the line's units at"},
    {ast::ClauseKind::Deny, "deny", ClauseRole::action, "denies:"},
    {ast::ClauseKind::Warn, "warn", ClauseRole::action, "warns:"},
    {ast::ClauseKind::Info, "info", ClauseRole::action, "notes:"},
    {ast::ClauseKind::AddModifier, "add modifier", ClauseRole::action, "adds modifier"},
    {ast::ClauseKind::RemoveModifier, "remove modifier", ClauseRole::action, "removes modifier"},
    {ast::ClauseKind::Document, "document", ClauseRole::action, "requires documentation:"},
    {ast::ClauseKind::Because, "because", ClauseRole::reason, "because"},
}};

/// The keyword of each kind of rule, by `ast::RuleKind`.
inline constexpr std::array<std::string_view, 2> rule_kinds{"rule", "edit"};

/// Words that can never be names (grammar.hpp, `reserved`). Other keywords (`units`, `at`,
/// `modifier`, `modifiers`, `to`) are keywords only where the grammar expects them.
inline constexpr std::array<std::string_view, 40> reserved_words{
    "policy",  "extends",   "setting", "within", "table", "end",      "replace", "remove",
    "def",     "rule",      "edit",    "for",    "in",    "let",      "when",    "bill",
    "cap",     "deny",      "warn",    "info",   "add",   "document", "cite",    "override",
    "disable", "exception", "include", "and",    "or",    "not",      "if",      "then",
    "else",    "true",      "false",   "from",   "until", "fixed",    "because", "require"};

constexpr const BinaryOperator& binary(ast::BinaryOp op) {
    return binary_operators[static_cast<std::size_t>(op)];
}
constexpr const UnaryOperator& unary(ast::UnaryOp op) {
    return unary_operators[static_cast<std::size_t>(op)];
}
constexpr const ClauseWords& clause(ast::ClauseKind kind) {
    return clauses[static_cast<std::size_t>(kind)];
}
constexpr std::string_view keyword(ast::RuleKind kind) {
    return rule_kinds[static_cast<std::size_t>(kind)];
}

/// The binary operator written `spelling` (one blank between the words of `not in`).
constexpr std::optional<ast::BinaryOp> binary_spelled(std::string_view spelling) {
    for (const auto& row : binary_operators)
        if (row.spelling == spelling) return row.op;
    return std::nullopt;
}

/// The words a declaration starts with (and the header's `extends`), reserved or not: a first
/// word a letter or two from one of them was meant as it (parse.cpp's did-you-mean).
inline constexpr std::array<std::string_view, 14> declaration_words{
    "extends", "setting",   "table",   "def",   "rule",   "edit",   "override",
    "disable", "exception", "include", "fixed", "source", "narrow", "require"};

constexpr bool is_reserved(std::string_view word) {
    for (auto reserved : reserved_words)
        if (reserved == word) return true;
    return false;
}

/// A name an expression may use without declaring it (the checker's `name()`): no setting,
/// table or definition may take one.
struct SpecialName {
    std::string_view name;
    std::string_view type;
    std::string_view doc;
    bool edits_only;
};

inline constexpr std::array<SpecialName, 6> special_names{{
    {"case", "case",
     "The case being coded: the study as read from its JSON (docs/language.md, "
     "\"The case\")",
     false},
    {"service_date", "string",
     "The case's date of service, `YYYY-MM-DD`; today's date when the "
     "case has none",
     false},
    {"claim", "[line]",
     "The claim the rules built, as the edits before this one left it: "
     "`{code, units, modifiers, rule, position}` per line",
     true},
    {"supported", "[line]",
     "The claim the study supports (the first pass's result); the same "
     "as `claim` unless `reviewing`",
     true},
    {"reviewing", "bool", "True while the edits review a submitted claim (the second pass)", true},
    {"disabled_billing", "table of text by code",
     "For each code a rule a policy disabled would bill, the text saying which rule and which "
     "policy disabled it: `line.code in disabled_billing` (empty when none is)",
     false},
}};

inline const SpecialName* find_special(std::string_view name) {
    for (const auto& s : special_names)
        if (s.name == name) return &s;
    return nullptr;
}

namespace detail {
template <typename Rows> constexpr bool in_enum_order(const Rows& rows, auto field) {
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (static_cast<std::size_t>(rows[i].*field) != i) return false;
    return true;
}
} // namespace detail

static_assert(detail::in_enum_order(binary_operators, &BinaryOperator::op));
static_assert(detail::in_enum_order(unary_operators, &UnaryOperator::op));
static_assert(detail::in_enum_order(clauses, &ClauseWords::kind));
static_assert(static_cast<std::size_t>(ast::BinaryOp::Mod) + 1 == binary_operators.size());
static_assert(static_cast<std::size_t>(ast::ClauseKind::Because) + 1 == clauses.size());
static_assert(static_cast<std::size_t>(ast::RuleKind::Edit) == 1);

} // namespace cpl::vocabulary
