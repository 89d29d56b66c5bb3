// tests/interpreter/hardening_test.cpp — issue #12: no input crashes, hangs or exhausts cpl.
// Each case here once crashed, hung or ran out of memory; now it gets a located error (or a
// correct result). Inputs are generated, so the files stay small in the repository.
#include "../helpers.hpp"
#include "lang/ast_dump.hpp"
#include "lang/format.hpp"
#include "lang/parse.hpp"

#include <catch2/catch.hpp>

using namespace cpl;
using namespace cpl::test;

namespace {

std::string repeat(std::string_view part, std::size_t n, std::string_view separator = "") {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        if (i) out += separator;
        out += part;
    }
    return out;
}

// Formats `text` as `cpl fmt` would; nothing when it does not parse.
std::optional<std::string> format_text(const std::string& text, Diagnostics& diagnostics) {
    SourceMap sources;
    FileId id = sources.add("test.cpl", text);
    return format_source(sources, id, diagnostics);
}

std::string first_code(const Diagnostics& diagnostics) {
    auto sorted = diagnostics.sorted();
    return sorted.empty() ? "" : sorted.front().code;
}

} // namespace

TEST_CASE("#12: a 20,000-term `+` chain or member chain is parse.too_deep in check and fmt") {
    for (const std::string& body :
         {repeat("1", 20'000, " + "), "case" + repeat(".id", 20'000),
          repeat("true", 20'000, " and "), "[1]" + repeat("[0]", 20'000)}) {
        std::string text = "policy p\ndef big = " + body + "\n";
        CAPTURE(text.substr(0, 40));
        Loaded loaded = load_text(text);
        CHECK(codes(loaded) == "parse.too_deep");
        Diagnostics diagnostics;
        CHECK_FALSE(format_text(text, diagnostics));
        CHECK(first_code(diagnostics) == "parse.too_deep");
    }
}

TEST_CASE("#12: a chain just within the depth bound checks, formats, dumps and evaluates") {
    std::size_t terms = max_expr_depth - 8;
    std::string text = "policy p\ndef big = " + repeat("1", terms, " + ") +
                       "\nrule r when big == " + std::to_string(terms) + " bill 95860 cite \"c\"\n";
    Loaded loaded = load_text(text);
    INFO(rendered(loaded));
    REQUIRE(loaded.program);
    Diagnostics diagnostics;
    auto formatted = format_text(text, diagnostics);
    REQUIRE(formatted);
    Diagnostics again;
    CHECK(format_text(*formatted, again) == formatted);
    SourceMap sources;
    FileId a = sources.add("a.cpl", text), b = sources.add("b.cpl", *formatted);
    Diagnostics ignored;
    CHECK(dump(parse(sources, a, ignored)) == dump(parse(sources, b, ignored)));
    Session session(*loaded.program);
    auto out = session.run(R"({"id": "c"})");
    REQUIRE(out.result);
    CHECK(out.result->lines.size() == 1);
}

TEST_CASE("#12: definitions that use each other 100,000 deep are check.too_deep at check") {
    // Declared so that each uses the next: the checker compiles them inside each other.
    std::string text = "policy p\n";
    for (int i = 0; i < 100'000; ++i)
        text += fmt::format("def d{} = d{} + 1\n", i, i + 1);
    text += "def d100000 = 1\nrule r when d0 > 0 bill 95860 cite \"c\"\n";
    CHECK(codes(load_text(text)) == "check.too_deep");
}
