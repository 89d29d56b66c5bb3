// lang/grammar_vocabulary.hpp — private to lang/: ties the grammar's keyword rules to the
// vocabulary table, at compile time. The grammar spells its keywords as PEGTL types
// (`kw_cap`, `reserved`); the table spells them as text. If either changes alone, the
// static_asserts below stop the build.
#pragma once

#include "grammar.hpp"
#include "vocabulary.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

namespace cpl::detail {

namespace g = cpl::grammar;

// --- the text of a grammar word ------------------------------------------------------------

template <char... Cs> struct chars {
    static constexpr char text[sizeof...(Cs) + 1] = {Cs..., '\0'};
};

template <char... Cs> constexpr std::string_view spelled(const tao::pegtl::ascii::string<Cs...>*) {
    return {chars<Cs...>::text, sizeof...(Cs)};
}

// A keyword rule's word; found through its base `keyword<Word>`, however it was derived.
template <typename Word> constexpr std::string_view keyword_text(const g::keyword<Word>*) {
    return spelled(static_cast<const Word*>(nullptr));
}

template <typename Rule>
concept keyword_rule = requires {
    keyword_text(static_cast<const Rule*>(nullptr));
};

// --- reserved words ------------------------------------------------------------------------

template <typename... Words> constexpr auto words_of(const g::any_word<Words...>*) {
    return std::array<std::string_view, sizeof...(Words)>{
        spelled(static_cast<const Words*>(nullptr))...};
}

inline constexpr auto grammar_reserved = words_of(static_cast<const g::reserved*>(nullptr));

constexpr bool same_words(const auto& a, const auto& b) {
    if (a.size() != b.size()) return false;
    for (std::string_view word : a) {
        std::size_t in_a = 0, in_b = 0;
        for (std::string_view other : a)
            in_a += other == word;
        for (std::string_view other : b)
            in_b += other == word;
        if (in_a != 1 || in_b != 1) return false;
    }
    return true;
}

static_assert(same_words(grammar_reserved, vocabulary::reserved_words),
              "grammar.hpp's `reserved` and vocabulary.hpp's reserved_words differ");

// --- clauses -------------------------------------------------------------------------------

// Whether `keyword` ("cap units at") is exactly the keywords that open a clause rule
// `seq< kw_cap, expect_units_keyword, expect_at, expect_expr >`.
template <typename... Rules>
constexpr bool opens_with(const tao::pegtl::seq<Rules...>*, std::string_view keyword) {
    bool open = true;
    auto step = [&]<typename Rule>(const Rule*) {
        if constexpr (keyword_rule<Rule>) {
            if (!open) return;
            std::string_view word = keyword_text(static_cast<const Rule*>(nullptr));
            bool whole = keyword.starts_with(word) &&
                         (keyword.size() == word.size() || keyword[word.size()] == ' ');
            if (!whole) {
                open = false;
                keyword = "?";
                return;
            }
            keyword.remove_prefix(std::min(word.size() + 1, keyword.size()));
        } else {
            open = false;
        }
    };
    (step(static_cast<const Rules*>(nullptr)), ...);
    return keyword.empty();
}

/// A clause rule of the grammar and the clause kind it builds.
template <typename Rule, ast::ClauseKind Kind> struct clause_rule {
    static_assert(opens_with(static_cast<const Rule*>(nullptr), vocabulary::clause(Kind).keyword),
                  "a clause rule's keywords differ from its keyword in vocabulary.hpp");
    using rule = Rule;
    static constexpr ast::ClauseKind kind = Kind;
};

template <typename... Rows> struct clause_table {
    static_assert(sizeof...(Rows) == vocabulary::clauses.size(),
                  "every clause kind of vocabulary.hpp needs its grammar rule here");
    template <typename Node> static ast::ClauseKind kind_of(const Node& n) {
        ast::ClauseKind kind{};
        // The fold stops at the first rule that matches; its value itself is not needed.
        (void)((n.template is_type<typename Rows::rule>() ? (kind = Rows::kind, true) : false) ||
               ...);
        return kind;
    }
};

// clang-format off
using clause_rules = clause_table<
    clause_rule< g::clause_for, ast::ClauseKind::For >,
    clause_rule< g::clause_let, ast::ClauseKind::Let >,
    clause_rule< g::clause_when, ast::ClauseKind::When >,
    clause_rule< g::clause_bill, ast::ClauseKind::Bill >,
    clause_rule< g::clause_cap, ast::ClauseKind::Cap >,
    clause_rule< g::clause_deny, ast::ClauseKind::Deny >,
    clause_rule< g::clause_warn, ast::ClauseKind::Warn >,
    clause_rule< g::clause_info, ast::ClauseKind::Info >,
    clause_rule< g::clause_add, ast::ClauseKind::AddModifier >,
    clause_rule< g::clause_remove, ast::ClauseKind::RemoveModifier >,
    clause_rule< g::clause_document, ast::ClauseKind::Document >,
    clause_rule< g::clause_because, ast::ClauseKind::Because > >;
// clang-format on

// The keyword rules of the operators that are words.
static_assert(keyword_text(static_cast<const g::kw_and*>(nullptr)) ==
              vocabulary::binary(ast::BinaryOp::And).spelling);
static_assert(keyword_text(static_cast<const g::kw_or*>(nullptr)) ==
              vocabulary::binary(ast::BinaryOp::Or).spelling);
static_assert(keyword_text(static_cast<const g::kw_in*>(nullptr)) ==
              vocabulary::binary(ast::BinaryOp::In).spelling);
static_assert(keyword_text(static_cast<const g::kw_not*>(nullptr)) ==
              vocabulary::unary(ast::UnaryOp::Not).spelling);

} // namespace cpl::detail
