// tests/lang/source_test.cpp — SourceFile: the text it keeps, and lines and columns in it.
#include "lang/source.hpp"

#include <catch2/catch.hpp>
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
