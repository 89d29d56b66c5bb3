// tests/interpreter/load_overrides_test.cpp — load() with SourceOverrides: an editor's unsaved
// text is read instead of the file on disk (cpl lsp), and nothing changes without them.
#include "../helpers.hpp"
#include "../scratch.hpp"
#include "interpreter/check/check.hpp"
#include "interpreter/load/load.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>

using namespace cpl;
namespace fs = std::filesystem;

namespace {

std::string names(const MergedPolicy& merged) {
    std::string out;
    for (const auto& def : merged.defs)
        out += def.decl->name.text + " ";
    return out;
}

} // namespace

TEST_CASE("load: overriding text wins over the disk, for the root and its includes") {
    fs::path dir = cpl::test::fresh_dir("overrides");
    std::ofstream(dir / "p.cpl") << "policy p\ninclude \"inc.cpl\"\ndef on_disk = 1\n";
    std::ofstream(dir / "inc.cpl") << "def included_on_disk = 1\n";
    std::string root = (dir / "p.cpl").string();

    Diagnostics plain;
    auto merged = load(root, plain, std::make_shared<SourceMap>());
    REQUIRE(merged);
    CHECK(names(*merged) == "included_on_disk on_disk ");

    SourceOverrides overrides;
    // Another spelling of the same file meets the key.
    overrides[source_key((dir / "." / "p.cpl").string())] =
        "policy p\ninclude \"inc.cpl\"\ndef unsaved = 2\n";
    overrides[source_key((dir / "inc.cpl").string())] = "def included_unsaved = 2\n";
    Diagnostics edited;
    merged = load(root, edited, std::make_shared<SourceMap>(), &overrides);
    REQUIRE(merged);
    CHECK(edited.empty());
    CHECK(names(*merged) == "included_unsaved unsaved ");
    CHECK(merged->sources->get(0).text().find("def unsaved") != std::string::npos);
}

TEST_CASE("load: a file that exists only as overriding text loads, with its `extends`") {
    fs::path dir = cpl::test::fresh_dir("overrides_new");
    std::string path = (dir / "unsaved.cpl").string();
    SourceOverrides overrides{
        {source_key(path), "policy unsaved extends standard\nnot_a_setting 3\n"}};
    Diagnostics diagnostics;
    auto merged = load(path, diagnostics, std::make_shared<SourceMap>(), &overrides);
    REQUIRE(merged);
    CHECK(merged->layers == std::vector<std::string>{"standard", "unsaved"});
    REQUIRE(diagnostics.items().size() == 1);
    CHECK(diagnostics.items()[0].code == "check.unknown_setting");
}
