// tests/lang/format_test.cpp — `cpl fmt`: golden pairs (tests/golden/fmt/NAME.cpl →
// NAME.cpl.formatted), idempotence, and "formatting does not change meaning" (the AST dump of
// every shipped policy file is the same before and after) over every .cpl in the repository.
// CPL_UPDATE_GOLDEN=1 rewrites the .formatted files; `git diff` is the review.
#include "../helpers.hpp"
#include "lang/ast_dump.hpp"
#include "lang/format.hpp"
#include "lang/parse.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>

using namespace cpl;
namespace fs = std::filesystem;

namespace {

const fs::path& root = cpl::test::source_root;
using cpl::test::slurp;

struct Parsed {
    ast::PolicyFile file;
    Diagnostics diagnostics;
    std::shared_ptr<SourceMap> sources = std::make_shared<SourceMap>();
};

std::unique_ptr<Parsed> parse_text(const std::string& text, const std::string& path = "test.cpl") {
    auto p = std::make_unique<Parsed>();
    FileId id = p->sources->add(path, text);
    p->file = parse(*p->sources, id, p->diagnostics, has_policy_header(text));
    return p;
}

std::string formatted(const std::string& text) {
    auto p = parse_text(text);
    REQUIRE_FALSE(p->diagnostics.has_errors());
    return format(p->file, text);
}

std::vector<std::string> comment_texts(const ast::PolicyFile& file) {
    std::vector<std::string> out;
    for (const auto& c : file.comments)
        out.push_back(c.text);
    std::sort(out.begin(), out.end());
    return out;
}

// Every .cpl file shipped or used by the tests, except the formatter's own messy inputs
// (they are covered by their golden pairs).
std::vector<fs::path> every_policy_file() {
    std::vector<fs::path> out;
    for (const char* dir : {"stdlib/standard", "tests/golden", "policies"}) {
        if (!fs::exists(root / dir)) continue;
        for (const auto& entry : fs::recursive_directory_iterator(root / dir))
            if (entry.is_regular_file() && entry.path().extension() == ".cpl")
                out.push_back(entry.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST_CASE("fmt golden: each messy input formats to exactly its .formatted file") {
    std::vector<fs::path> inputs;
    for (const auto& entry : fs::directory_iterator(root / "tests/golden/fmt"))
        if (entry.path().extension() == ".cpl") inputs.push_back(entry.path());
    std::sort(inputs.begin(), inputs.end());
    REQUIRE(inputs.size() >= 5);
    for (const auto& input : inputs) {
        CAPTURE(input.filename().string());
        std::string actual = formatted(slurp(input));
        fs::path expected = input.string() + ".formatted";
        if (std::getenv("CPL_UPDATE_GOLDEN")) std::ofstream(expected, std::ios::binary) << actual;
        CHECK(actual == slurp(expected));
        CHECK(formatted(actual) == actual); // idempotent
    }
}

TEST_CASE("fmt keeps the meaning and the comments of every policy file, and is idempotent") {
    std::size_t checked = 0;
    for (const auto& path : every_policy_file()) {
        std::string text = slurp(path);
        auto original = parse_text(text, path.string());
        if (original->diagnostics.has_errors()) continue; // golden files with syntax errors
        CAPTURE(fs::relative(path, root).string());
        std::string once = format(original->file, text);
        auto reparsed = parse_text(once);
        REQUIRE_FALSE(reparsed->diagnostics.has_errors());
        CHECK(dump(reparsed->file) == dump(original->file));
        CHECK(comment_texts(reparsed->file) == comment_texts(original->file));
        CHECK(format(reparsed->file, once) == once);
        ++checked;
    }
    CHECK(checked >= 11);
}

namespace {
// The formatted text of one expression, as the body of a definition.
std::string expr_of(const std::string& source) {
    std::string out = formatted("policy p\ndef x = " + source + "\n");
    return out.substr(std::string("policy p\n\ndef x = ").size(),
                      out.size() - 1 - std::string("policy p\n\ndef x = ").size());
}
} // namespace

TEST_CASE("fmt: parentheses follow precedence, five-digit numbers stay numbers") {
    CHECK(expr_of("(1 + 2) * 3") == "(1 + 2) * 3");
    CHECK(expr_of("1 + (2 * 3)") == "1 + 2 * 3");
    CHECK(expr_of("1 - (2 - 3)") == "1 - (2 - 3)");
    CHECK(expr_of("(a or b) and c") == "(a or b) and c");
    CHECK(expr_of("not (a == b)") == "not a == b");
    CHECK(expr_of("(not a) == b") == "(not a) == b");
    CHECK(expr_of("(if a then 1 else 2) + 1") == "(if a then 1 else 2) + 1");
    CHECK(expr_of("(-a).b") == "(-a).b");
    CHECK(expr_of("(1..3)") == "1..3");
    CHECK(expr_of("10_000 + 95860") == "10_000 + 95860");
    CHECK(expr_of("\"a\\\"b{c}\\{\"") == "\"a\\\"b{c}\\{\"");
    // A quantifier's condition runs to the end, as an `if`'s `else` does.
    CHECK(expr_of("(any x in l: x > 1) and b") == "(any x in l: x > 1) and b");
    CHECK(expr_of("any x in l: (x > 1 and b)") == "any x in l: x > 1 and b");
    CHECK(expr_of("all x in (if a then l else m): x") == "all x in (if a then l else m): x");
    CHECK(expr_of("not (all x in l: x)") == "not (all x in l: x)");
    CHECK(expr_of("none x in l: x") == "none x in l: x");
    CHECK(expr_of("any(l) or all(l)") == "any(l) or all(l)"); // the built-ins, called
    // A minus before a minus is spaced (`--3` reads as something else), not put in
    // parentheses, which would nest deeper than the text it came from.
    CHECK(expr_of("- (-3)") == "- -3");
    CHECK(expr_of("-(-(a))") == "- -a");
    CHECK(expr_of("-(-(-(a)))") == "- - -a");
    CHECK(expr_of("-(-a).b") == "-(-a).b"); // the field of -a
    CHECK(expr_of("-(-a.b)") == "- -a.b");
    CHECK(expr_of("- (-a + 1)") == "-(-a + 1)");
    CHECK(expr_of("- 3") == "-3");
    CHECK(expr_of("5 - -3") == "5 - -3");
    CHECK(expr_of("not (not a)") == "not not a");
}

TEST_CASE("fmt: first-match and conditional list elements print as written") {
    CHECK(expr_of("first  when a=>1 when b => 2 otherwise 3") ==
          "first when a => 1 when b => 2 otherwise 3");
    // An arm's value may be an `if` (it takes its `else`) or another `first`.
    CHECK(expr_of("first when a => if b then 1 else 2 otherwise 3") ==
          "first when a => if b then 1 else 2 otherwise 3");
    CHECK(expr_of("first when a => first when b => 1 otherwise 2 when c => 3 otherwise 4") ==
          "first when a => first when b => 1 otherwise 2 when c => 3 otherwise 4");
    CHECK(expr_of("(first when a => 1 otherwise 2) + 1") == "(first when a => 1 otherwise 2) + 1");
    CHECK(expr_of("first(l)") == "first(l)"); // the built-in, called
    CHECK(expr_of("[if a then 1, 2, if b then 3,]") == "[if a then 1, 2, if b then 3]");
    CHECK(expr_of("[if a then if b then 1 else 2]") == "[if a then if b then 1 else 2]");
    CHECK(expr_of("[if a then 1 else 2]") == "[if a then 1 else 2]"); // an ordinary element
    CHECK(expr_of("[x for x in l if x]") == "[x for x in l if x]");
}

TEST_CASE("fmt: an included file (no policy line) is formatted without a header") {
    CHECK(has_policy_header("# comment\n\npolicy p\n"));
    CHECK_FALSE(has_policy_header("# comment\ndef x = 1\n"));
    // As the parser reads them: a byte order mark, a comment ended by CR.
    CHECK(has_policy_header("\xEF\xBB\xBFpolicy p\n"));
    CHECK(has_policy_header("# comment\rpolicy p\r"));
    CHECK_FALSE(has_policy_header("policy_value 3\n"));
    CHECK(formatted("def   x=1\n") == "def x = 1\n");
}

TEST_CASE("fmt: a file that does not parse is reported, not formatted") {
    SourceMap sources;
    FileId id = sources.add("bad.cpl", "policy p\ndef x = \n");
    Diagnostics diagnostics;
    CHECK_FALSE(format_source(sources, id, diagnostics));
    CHECK(diagnostics.has_errors());
    CHECK(diagnostics.items().front().code == "parse.expected_expression");
}

TEST_CASE("fmt: what it writes parses, a canonical form too deep to parse is refused") {
    // 150 minuses before a name: a minus before a minus is spaced, not put in parentheses,
    // whose nesting the parser would refuse (fuzz_policy found it with 41).
    std::string minuses;
    for (int i = 0; i < 150; ++i)
        minuses += "-";
    SourceMap sources;
    FileId chain = sources.add("chain.cpl", "policy p\ndef a = 1\ndef x = 2" + minuses + "a\n");
    Diagnostics diagnostics;
    auto text = format_source(sources, chain, diagnostics);
    INFO(render_all(diagnostics, sources));
    REQUIRE(text);
    CHECK(text->find("\n  - - - - -") != std::string::npos);
    CHECK(formatted(*text) == *text);
    // Ten comprehensions, each over an `if`: the canonical form puts each `if` in parentheses,
    // ten levels more than the parser takes here. Refused at the declaration, not written.
    std::string nested = "[1]";
    for (int i = 0; i < 10; ++i)
        nested = "[a for a in if c then " + nested + " else []]";
    // A table's `end` (with a comment after it) starts a line and no declaration.
    FileId deep = sources.add("deep.cpl", "policy p\ntable t\n  \"a\" => 1\nend # t\ndef c = true\n"
                                          "def x = " +
                                              nested + "\n");
    Diagnostics refused;
    CHECK_FALSE(format_source(sources, deep, refused));
    REQUIRE(refused.items().size() == 1);
    const Diagnostic& d = refused.items().front();
    CHECK(d.code == "fmt.unformattable");
    REQUIRE(d.span);
    CHECK(sources.get(deep).text().substr(d.span->begin, 7) == "def x =");
    CHECK(d.message.find("[parse.too_deep]") != std::string::npos);
    // Eight levels fit: formatted, and what it writes parses.
    nested = "[1]";
    for (int i = 0; i < 8; ++i)
        nested = "[a for a in if c then " + nested + " else []]";
    FileId fits = sources.add("fits.cpl", "policy p\ndef c = true\ndef x = " + nested + "\n");
    Diagnostics none;
    auto fitted = format_source(sources, fits, none);
    REQUIRE(fitted);
    CHECK(formatted(*fitted) == *fitted);
}

TEST_CASE("cpl fmt: --check reports, plain fmt rewrites, a broken file is left alone") {
    std::string messy =
        test::write_temp(fmt::format("fmt_messy_{}.cpl", ::getpid()), "policy p\ndef   x=1\n");
    std::string broken =
        test::write_temp(fmt::format("fmt_broken_{}.cpl", ::getpid()), "policy p\ndef x =\n");
    auto run = [](const std::string& args) {
        std::string command = fmt::format("'{}' {} 2>&1", CPL_BINARY, args);
        std::string out;
        FILE* pipe = popen(command.c_str(), "r");
        char buffer[4096];
        while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
            out.append(buffer, n);
        int status = pclose(pipe);
        return std::pair{WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
    };
    auto [check_status, check_out] = run("fmt --check " + messy);
    CHECK(check_status == 1);
    CHECK(check_out ==
          fmt::format("{}:2:1: error: the file is not in canonical form [fmt.not_canonical]\n"
                      "  def   x=1\n  ^\n  help: run `cpl fmt {}` to rewrite it\n",
                      messy, messy));
    CHECK(slurp(messy) == "policy p\ndef   x=1\n"); // --check writes nothing

    auto [fmt_status, fmt_out] = run("fmt " + messy);
    CHECK(fmt_status == 0);
    CHECK(fmt_out == messy + ": formatted\n");
    CHECK(slurp(messy) == "policy p\n\ndef x = 1\n");
    CHECK(run("fmt --check " + messy).first == 0);

    auto [broken_status, broken_out] = run("fmt " + broken);
    CHECK(broken_status == 1);
    CHECK(broken_out.find("[parse.expected_expression]") != std::string::npos);
    CHECK(slurp(broken) == "policy p\ndef x =\n");
}
