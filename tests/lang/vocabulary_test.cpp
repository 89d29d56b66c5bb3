// tests/lang/vocabulary_test.cpp — the grammar accepts every spelling in lang/vocabulary.hpp
// and builds the AST node the table names; the formatter writes it back the same way.
// (The reserved words and clause keywords are also checked at compile time:
// lang/grammar_vocabulary.hpp.)
#include "lang/format.hpp"
#include "lang/parse.hpp"
#include "lang/vocabulary.hpp"

#include <catch2/catch.hpp>

using namespace cpl;

namespace {

struct Parsed {
    SourceMap sources;
    Diagnostics diagnostics;
    ast::PolicyFile file;
    std::string text;
};

std::unique_ptr<Parsed> parse_text(std::string text) {
    auto out = std::make_unique<Parsed>();
    out->text = text;
    FileId id = out->sources.add("test.cpl", std::move(text));
    out->file = parse(out->sources, id, out->diagnostics, false);
    return out;
}

const ast::Expr& def_body(const Parsed& p) {
    REQUIRE_FALSE(p.diagnostics.has_errors());
    REQUIRE(p.file.decls.size() == 1);
    return std::get<ast::Def>(p.file.decls[0]).body;
}

} // namespace

TEST_CASE("vocabulary: every binary operator parses to its row and formats as spelled") {
    for (const auto& row : vocabulary::binary_operators) {
        std::string written =
            row.spaced ? " " + std::string(row.spelling) + " " : std::string(row.spelling);
        std::string text = "def x = a" + written + "b\n";
        CAPTURE(text);
        auto p = parse_text(text);
        const auto* binary = std::get_if<ast::Binary>(&def_body(*p).kind);
        REQUIRE(binary);
        CHECK(binary->op == row.op);
        CHECK(format(p->file, p->text) == text);
    }
}

TEST_CASE("vocabulary: a word operator's words may be split by blanks and comments") {
    auto p = parse_text("def x = a not  # why\n  in b\n");
    const auto* binary = std::get_if<ast::Binary>(&def_body(*p).kind);
    REQUIRE(binary);
    CHECK(binary->op == ast::BinaryOp::NotIn);
}

TEST_CASE("vocabulary: every unary operator parses to its row and formats as spelled") {
    for (const auto& row : vocabulary::unary_operators) {
        std::string text = "def x = " + std::string(row.spelling) + (row.spaced ? " " : "") + "a\n";
        CAPTURE(text);
        auto p = parse_text(text);
        const auto* unary = std::get_if<ast::Unary>(&def_body(*p).kind);
        REQUIRE(unary);
        CHECK(unary->op == row.op);
        CHECK(format(p->file, p->text) == text);
    }
}

TEST_CASE("vocabulary: every clause keyword opens its clause and formats as spelled") {
    for (const auto& row : vocabulary::clauses) {
        std::string argument = row.kind == ast::ClauseKind::For   ? "l in xs"
                               : row.kind == ast::ClauseKind::Let ? "y = 1"
                                                                  : "1";
        std::string clause = "  " + std::string(row.keyword) + " " + argument + "\n";
        std::string text = "rule r\n" + clause + "  cite \"c\"\n";
        CAPTURE(text);
        auto p = parse_text(text);
        REQUIRE_FALSE(p->diagnostics.has_errors());
        const auto& rule = std::get<ast::Rule>(p->file.decls.at(0));
        REQUIRE(rule.clauses.size() == 1);
        CHECK(rule.clauses[0].kind == row.kind);
        CHECK(format(p->file, p->text) == text);
    }
}

TEST_CASE("vocabulary: reserved words are never names, every clause opens with one") {
    for (std::string_view word : vocabulary::reserved_words) {
        CAPTURE(word);
        auto p = parse_text("def " + std::string(word) + " = 1\n");
        CHECK(p->diagnostics.has_errors());
    }
    for (const auto& row : vocabulary::clauses) {
        std::string_view first = row.keyword.substr(0, row.keyword.find(' '));
        CAPTURE(first);
        CHECK(vocabulary::is_reserved(first));
    }
    for (std::string_view kind : vocabulary::rule_kinds)
        CHECK(vocabulary::is_reserved(kind));
    CHECK_FALSE(vocabulary::is_reserved("units"));
}
