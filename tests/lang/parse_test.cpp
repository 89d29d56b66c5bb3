// tests/lang/parse_test.cpp — text → AST, and the syntax errors with their codes and places.
#include "lang/parse.hpp"
#include "lang/render.hpp"
#include "lang/utf8.hpp"

#include <catch2/catch.hpp>

using namespace cpl;

namespace {

struct Parsed {
    SourceMap sources;
    Diagnostics diagnostics;
    ast::PolicyFile file;
};

std::unique_ptr<Parsed> parse_text(std::string text, bool header = true) {
    auto out = std::make_unique<Parsed>();
    FileId id = out->sources.add("test.cpl", std::move(text));
    out->file = parse(out->sources, id, out->diagnostics, header);
    return out;
}

} // namespace

TEST_CASE("a policy header and its declarations become AST nodes") {
    auto p = parse_text("policy acme extends standard \"Acme 2025\"\n"
                        "min_muscles_per_limb 4\n"
                        "rule r when count(case.extremities) > 0 bill 95860 cite \"x\"\n");
    REQUIRE_FALSE(p->diagnostics.has_errors());
    CHECK(p->file.name.text == "acme");
    REQUIRE(p->file.extends);
    CHECK(p->file.extends->text == "standard");
    CHECK(p->file.title == "Acme 2025");
    REQUIRE(p->file.decls.size() == 2);
    CHECK(std::holds_alternative<ast::SettingValue>(p->file.decls[0]));
    const auto& rule = std::get<ast::Rule>(p->file.decls[1]);
    CHECK(rule.name.text == "r");
    REQUIRE(rule.clauses.size() == 2);
    CHECK(rule.clauses[0].kind == ast::ClauseKind::When);
    CHECK(rule.clauses[1].kind == ast::ClauseKind::Bill);
    CHECK(std::get<ast::CodeLit>(rule.clauses[1].expr.kind).code == "95860");
    REQUIRE(rule.cite);
    CHECK(rule.cite->text == "x");
}

TEST_CASE("operators bind as documented: and before or, arithmetic before comparison") {
    auto p = parse_text("policy p\ndef x = a or b and c\ndef y = 1 + 2 * 3 < 10\n");
    REQUIRE_FALSE(p->diagnostics.has_errors());
    const auto& x = std::get<ast::Def>(p->file.decls[0]);
    CHECK(std::get<ast::Binary>(x.body.kind).op == ast::BinaryOp::Or);
    const auto& y = std::get<ast::Def>(p->file.decls[1]);
    const auto& lt = std::get<ast::Binary>(y.body.kind);
    CHECK(lt.op == ast::BinaryOp::Lt);
    const auto& plus = std::get<ast::Binary>(lt.left->kind);
    CHECK(plus.op == ast::BinaryOp::Add);
    CHECK(std::get<ast::Binary>(plus.right->kind).op == ast::BinaryOp::Mul);
}

TEST_CASE("an operation spans its operands' parentheses, what is inside keeps its own span") {
    std::string text = "policy p\ndef x = (a + b) > (c) and (d).e\n";
    auto p = parse_text(text);
    REQUIRE_FALSE(p->diagnostics.has_errors());
    auto quoted = [&](Span s) { return text.substr(s.begin, s.end - s.begin); };
    const auto& x = std::get<ast::Def>(p->file.decls[0]);
    CHECK(quoted(x.body.span) == "(a + b) > (c) and (d).e");
    const auto& both = std::get<ast::Binary>(x.body.kind);
    CHECK(quoted(both.left->span) == "(a + b) > (c)");
    CHECK(quoted(both.right->span) == "(d).e");
    const auto& gt = std::get<ast::Binary>(both.left->kind);
    CHECK(quoted(gt.left->span) == "a + b");
    CHECK(quoted(gt.right->span) == "c"); // a name's own place: where a rename writes
    const auto& member = std::get<ast::Member>(both.right->kind);
    CHECK(quoted(member.object->span) == "d");
}

TEST_CASE(
    "a range of strings with numbers of different lengths is refused, decimals order as text") {
    for (std::string range : {"\"T3\"..\"T11\"", "\"T1\"..\"T12\"", "\"T11\"..\"T3\""}) {
        CAPTURE(range);
        auto p = parse_text("policy p\ntable t\n  " + range + " => 1\nend\n");
        REQUIRE(p->diagnostics.has_errors());
        CHECK(p->diagnostics.items().front().code == "parse.bad_range_key");
    }
    for (std::string range : {"\"G56.0\"..\"G56.12\"", "\"T3\"..\"T9\"", "\"C5\"..\"C8\""}) {
        CAPTURE(range);
        auto p = parse_text("policy p\ntable t\n  " + range + " => 1\nend\n");
        CHECK_FALSE(p->diagnostics.has_errors());
    }
}

TEST_CASE("syntax errors carry a stable code and the spot") {
    auto [text, code, line, column] =
        GENERATE(table<std::string, std::string, std::uint32_t, std::uint32_t>({
            {"policy p\ndef x = if a then 1\n", "parse.expected_else", 2, 20},
            {"policy p\ntable t\n  1 => 95860\n", "parse.expected_end", 3, 13},
            // A bare word key is at the row, not after the comment (or line) before it.
            {"policy p\ntable t\n  \"XS\" => 1\n  # and XU\n  XU => 2\nend\n", "parse.expected_end",
             5, 3},
            {"policy p\ntable t\n  \"XS\" => 1\n  XU => 2\nend\n", "parse.expected_end", 4, 3},
            {"policy p\nrule r when\n", "parse.expected_expression", 2, 12},
            {"policy p\ndef x = \"open\n", "parse.unterminated_string", 2, 14},
            {"policy p\n42\n", "parse.expected_declaration", 2, 1},
            {"def x = 1\n", "parse.expected_header", 1, 1},
            {"policy p\ntable t 1 => 2 cite end\n", "parse.expected_cite", 2, 20},
        }));
    CAPTURE(text);
    auto p = parse_text(text);
    REQUIRE(p->diagnostics.has_errors());
    const Diagnostic& d = p->diagnostics.items().front();
    CHECK(d.code == code);
    REQUIRE(d.span);
    Location at = p->sources.get(0).locate(d.span->begin);
    CHECK(at.line == line);
    CHECK(at.column == column);
}

TEST_CASE("the parser recovers at the next declaration and reports every broken one") {
    auto p = parse_text("policy p\n"
                        "def a = (1 +\n"
                        "def b = 2\n"
                        "rule r when bill\n"
                        "def c = 3\n");
    CHECK(p->diagnostics.error_count() == 2);
    REQUIRE(p->file.decls.size() == 2);
    CHECK(std::get<ast::Def>(p->file.decls[0]).name.text == "b");
    CHECK(std::get<ast::Def>(p->file.decls[1]).name.text == "c");
}

TEST_CASE("deep nesting is an error, not a stack overflow") {
    std::string deep =
        "policy p\ndef x = " + std::string(100000, '(') + "1" + std::string(100000, ')') + "\n";
    auto p = parse_text(deep);
    REQUIRE(p->diagnostics.has_errors());
    CHECK(p->diagnostics.items().front().code == "parse.too_deep");
}

TEST_CASE("binary and empty input get a located error, not a crash") {
    auto empty = parse_text("");
    CHECK(empty->diagnostics.has_errors());
    auto binary = parse_text(std::string("policy p\n\x01\xff\xfe\0garbage", 20));
    CHECK(binary->diagnostics.has_errors());
}

TEST_CASE("a field may be named by a reserved word, after `.` and in a record") {
    auto p = parse_text("policy p\ndef r = {rule: \"a\", end: 1}\ndef s = line.rule\n");
    REQUIRE_FALSE(p->diagnostics.has_errors());
    const auto& r = std::get<ast::RecordExpr>(std::get<ast::Def>(p->file.decls[0]).body.kind);
    REQUIRE(r.fields.size() == 2);
    CHECK(r.fields[0].name.text == "rule");
    CHECK(r.fields[1].name.text == "end");
    const auto& s = std::get<ast::Member>(std::get<ast::Def>(p->file.decls[1]).body.kind);
    CHECK(s.field.text == "rule");
    // A reserved word is still no name of its own, and a `.` that ends a line still wants a
    // name: the next line's keyword begins a clause, not a field.
    auto bad = parse_text("policy p\ndef rule = 1\n");
    CHECK(bad->diagnostics.has_errors());
    auto unfinished = parse_text("policy p\nrule r\n  when case.\n  bill 95860\n");
    REQUIRE(unfinished->diagnostics.has_errors());
    CHECK(unfinished->diagnostics.items().at(0).code == "parse.expected_field_name");
}

// A control character is found where it is; tab, LF, CR and characters from U+00A0 are text.
TEST_CASE("control_character_at finds C0 but tab and line ends, DEL and C1") {
    using npos_t = std::string_view;
    CHECK(cpl::control_character_at("policy p\t\"a\"\r\n") == npos_t::npos);
    CHECK(cpl::control_character_at("a\x1b[1m") == 1);
    CHECK(cpl::control_character_at("ab\x7f") == 2);
    CHECK(cpl::control_character_at("x\xc2\x85y") == 1);            // U+0085
    CHECK(cpl::control_character_at("x\xc2\xa0y") == npos_t::npos); // U+00A0 is no control
}
