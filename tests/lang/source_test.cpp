// tests/lang/source_test.cpp — SourceFile: the text it keeps, and lines and columns in it.
#include "lang/source.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

using namespace cpl;

TEST_CASE("source: lines and columns of a text, found when first asked") {
    SourceFile file("p.cpl", "policy p\n\nrule r:\n  code 95860\n");
    CHECK(file.line_text(3) == "rule r:");
    Location at = file.locate(static_cast<std::uint32_t>(file.text().find("95860")));
    CHECK(at.line == 4);
    CHECK(at.column == 8);
    CHECK(file.line_text(0).empty());
    CHECK(file.line_text(6).empty());
}

TEST_CASE("source: a lasting text already normal is kept where it is, not copied") {
    static constexpr std::string_view built_in = "policy p\r\nrule r:\n";
    static constexpr std::string_view plain = "policy p\nrule r:\n";
    SourceFile viewed("a.cpl", SourceFile::Lasting{plain});
    CHECK(viewed.text().data() == plain.data());
    CHECK(viewed.locate(9).line == 2);

    // CR LF and a byte order mark are normalized as for any text, into a copy of its own.
    SourceFile crlf("b.cpl", SourceFile::Lasting{built_in});
    CHECK(crlf.text() == "policy p\nrule r:\n");
    CHECK(crlf.text().data() != built_in.data());
    SourceFile bom("c.cpl", SourceFile::Lasting{"\xEF\xBB\xBFpolicy p\n"});
    CHECK(bom.text() == "policy p\n");
    CHECK(bom.line_text(1) == "policy p");
}

TEST_CASE("source: code_length ends a text at its last code, past blanks and comments") {
    CHECK(code_length("count(x) > 0   # more than none\n  \n") == 12);
    CHECK(code_length("\"a # b\"  ") == 7);      // a `#` in a string is code
    CHECK(code_length("\"a \\\" b\" # c") == 8); // an escaped quote does not end it
    CHECK(code_length("\"open  ") == 7);         // an unclosed string runs to the end
    CHECK(code_length("  # only a comment") == 0);
    CHECK(code_length("") == 0);
}

TEST_CASE("source: code_length agrees with a byte-at-a-time scan on random texts") {
    // The scan code_length replaced, kept as the reference.
    auto reference = [](std::string_view text) {
        std::size_t end = 0;
        bool in_string = false, in_comment = false;
        for (std::size_t i = 0; i < text.size(); ++i) {
            char c = text[i];
            if (in_comment) {
                in_comment = c != '\n';
                continue;
            }
            if (in_string) {
                if (c == '\\')
                    ++i;
                else if (c == '"')
                    in_string = false;
                end = std::min(i + 1, text.size());
                continue;
            }
            if (c == '#') {
                in_comment = true;
                continue;
            }
            if (c == '"') in_string = true;
            if (!std::isspace(static_cast<unsigned char>(c))) end = i + 1;
        }
        return end;
    };
    constexpr std::string_view alphabet = "a1 \t\n\r\v\f#\"\\{}";
    std::uint64_t state = 42;
    for (int round = 0; round < 20000; ++round) {
        std::string text;
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        std::size_t length = (state >> 33) % 24;
        for (std::size_t i = 0; i < length; ++i) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            text += alphabet[(state >> 33) % alphabet.size()];
        }
        INFO(text);
        REQUIRE(code_length(text) == reference(text));
    }
}
