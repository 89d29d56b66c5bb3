// tests/lang/render_test.cpp — the exact text of a rendered diagnostic.
#include "lang/render.hpp"
#include "lang/suggest.hpp"
#include "lang/utf8.hpp"

#include <catch2/catch.hpp>

using namespace cpl;

TEST_CASE("a diagnostic renders as path:line:col, the source line, a caret, then help") {
    SourceMap sources;
    FileId id = sources.add("acme.cpl", "policy acme extends standard\nmin_muscle_per_limb 4\n");
    Diagnostics diagnostics;
    auto& d = diagnostics.error("check.unknown_setting", Span{id, 29, 48},
                                "there is no setting `min_muscle_per_limb` to change");
    d.help = "did you mean `min_muscles_per_limb`?";
    CHECK(render_all(diagnostics, sources) ==
          "acme.cpl:2:1: error: there is no setting `min_muscle_per_limb` to change "
          "[check.unknown_setting]\n"
          "  min_muscle_per_limb 4\n"
          "  ^~~~~~~~~~~~~~~~~~~\n"
          "  help: did you mean `min_muscles_per_limb`?\n");
}

// Columns count bytes; the caret counts characters: after "— § “x”" (3 + 2 + 3 + 3 bytes
// of UTF-8 for 4 characters) it stands under the name, and its tildes span "é" as one.
TEST_CASE("the caret stands under its spot after characters of several bytes") {
    SourceMap sources;
    std::string text = "a — § “x” [CAFÉ]\n";
    FileId id = sources.add("acme.cpl", text);
    auto begin = static_cast<std::uint32_t>(text.find("CAF"));
    Diagnostics diagnostics;
    diagnostics.error("check.unknown_source", Span{id, begin, begin + 5}, "no source");
    CHECK(render_all(diagnostics, sources) == "acme.cpl:1:19: error: no source "
                                              "[check.unknown_source]\n"
                                              "  a — § “x” [CAFÉ]\n"
                                              "             ^~~~\n");
}

// Found by a probe of the language server's neighbour, `cpl check`: an emoji counted one
// column, and the caret stood a column early after each. A terminal draws an emoji or a CJK
// character two columns wide, a combining mark none.
TEST_CASE("the caret stands under its spot after wide and combining characters") {
    SourceMap sources;
    std::string text = "x \U0001F600\u6570e\u0301 [\u6570X]\n";
    FileId id = sources.add("acme.cpl", text);
    auto begin = static_cast<std::uint32_t>(text.find('[') + 1);
    Diagnostics diagnostics;
    diagnostics.error("check.x", Span{id, begin, begin + 4}, "wide");
    // Nine columns before the bracket's next character: x, blank, 2, 2, e (its accent 0),
    // blank, [. The wide character under the caret takes `^~`, then X a `~`.
    CHECK(render_all(diagnostics, sources) == "acme.cpl:1:15: error: wide [check.x]\n"
                                              "  x \U0001F600\u6570e\u0301 [\u6570X]\n"
                                              "           ^~~\n");
    CHECK(display_width(U'a') == 1);
    CHECK(display_width(U'\u00e9') == 1);
    CHECK(display_width(U'\u0301') == 0);
    CHECK(display_width(U'\u6570') == 2);
    CHECK(display_width(U'\U0001F600') == 2);
    CHECK(display_width(U'\uFF21') == 2); // fullwidth A
}

TEST_CASE("the number of diagnostics printed is capped") {
    SourceMap sources;
    FileId id = sources.add("x.cpl", "x\n");
    Diagnostics diagnostics;
    for (int i = 0; i < 5; ++i)
        diagnostics.error("parse.x", Span{id, 0, 1}, "bad");
    std::string out = render_all(diagnostics, sources, 2);
    CHECK(out.find("... and 3 more diagnostics not shown") != std::string::npos);
}

TEST_CASE("did-you-mean finds close names and ignores far ones") {
    std::vector<std::string_view> names = {"min_muscles_per_limb", "min_nerves_per_limb", "APB",
                                           "FDI"};
    CHECK(closest("min_muscle_per_limb", names) ==
          std::optional<std::string>("min_muscles_per_limb"));
    CHECK(closest("APBB", names) == std::optional<std::string>("APB"));
    CHECK(closest("apb", names) == std::optional<std::string>("APB"));
    CHECK_FALSE(closest("something_else", names));
}
