// tests/interpreter/doc_test.cpp — `cpl doc`: a small policy renders exactly
// tests/golden/doc/small.md (CPL_UPDATE_GOLDEN=1 rewrites it), the standard set names every
// rule and edit, and HTML escapes what it shows.
#include "../helpers.hpp"
#include "interpreter/tools/doc.hpp"

#include <catch2/catch.hpp>
#include <sstream>

using namespace cpl;
namespace fs = std::filesystem;

namespace {

const fs::path& root = cpl::test::source_root;
using cpl::test::slurp;

} // namespace

TEST_CASE("doc golden: a small policy renders exactly its expected markdown") {
    Loaded loaded = load_policy((root / "tests/golden/doc/small.cpl").string());
    INFO(test::rendered(loaded));
    REQUIRE(loaded.program);
    std::string actual = document(*loaded.program, DocFormat::markdown);
    fs::path expected = root / "tests/golden/doc/small.md";
    if (std::getenv("CPL_UPDATE_GOLDEN")) std::ofstream(expected, std::ios::binary) << actual;
    CHECK(actual == slurp(expected));
}

TEST_CASE("doc: the standard set's page names every rule and edit, in both formats") {
    Loaded loaded = load_policy("standard");
    REQUIRE(loaded.program);
    std::string markdown = document(*loaded.program, DocFormat::markdown);
    std::string html = document(*loaded.program, DocFormat::html);
    for (const auto* list : {&loaded.program->rules, &loaded.program->edits})
        for (const auto& r : *list) {
            CAPTURE(r.name);
            CHECK(markdown.find("`" + r.name + "`") != std::string::npos);
            CHECK(html.find("<code>" + r.name + "</code>") != std::string::npos);
        }
    for (const auto& s : loaded.program->settings)
        CHECK(markdown.find("`" + s.name + "`") != std::string::npos);
}

TEST_CASE("doc: HTML is a standalone page with everything escaped and URLs linked") {
    Loaded loaded = load_policy((root / "tests/golden/doc/small.cpl").string());
    REQUIRE(loaded.program);
    std::string html = document(*loaded.program, DocFormat::html);
    CHECK(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                           "<title>A small policy for the doc golden test</title>\n<style>"));
    CHECK(html.ends_with("</body>\n</html>\n"));
    CHECK(html.find("The report names every muscle &lt;by limb&gt;") != std::string::npos);
    CHECK(html.find("<a "
                    "href=\"https://example.org/cpt?x=1&amp;y=2\">https://example.org/"
                    "cpt?x=1&amp;y=2</a>.") != std::string::npos);
    CHECK(html.find("<by limb>") == std::string::npos);
}

TEST_CASE("cpl doc: standard succeeds and a policy with errors exits 1") {
    auto status_of = [](const std::string& args) {
        std::string command =
            fmt::format("cd '{}' && '{}' {} >/dev/null 2>&1", root.string(), CPL_BINARY, args);
        int raw = std::system(command.c_str());
        return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    };
    CHECK(status_of("doc standard") == 0);
    CHECK(status_of("doc --format html standard") == 0);
    CHECK(status_of("doc tests/golden/diagnostics/unknown_names.cpl") == 1);
    CHECK(status_of("doc --format pdf standard") == 2);
}
