// tests/interpreter/snapshot_test.cpp — the standard set's checked program as bytes and back
// (interpreter/engine/snapshot.hpp): the same program, the same results, and no snapshot
// once a file it was built from reads differently.
#include "../helpers.hpp"
#include "../scratch.hpp"
#include "interpreter/engine/snapshot.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>

using namespace cpl;
namespace fs = std::filesystem;

namespace {

const std::string& standard_bytes() {
    static const std::string bytes = [] {
        Loaded loaded = load_policy("standard");
        REQUIRE(loaded.program);
        return write_snapshot(*loaded.program);
    }();
    return bytes;
}

} // namespace

TEST_CASE("snapshot: the standard set reads back into the program it was written from") {
    auto back = read_snapshot(standard_bytes());
    REQUIRE(back);
    CHECK(write_snapshot(*back) == standard_bytes());
    CHECK(back->sources->size() > 10);
    // What a payer may not change comes back too (`cpl doc` of the standard set says it).
    for (const auto& table : back->tables)
        CHECK(table->fixed_by ==
              (table->name == "ncs_band" || table->name == "needle_emg_code" ? "standard" : ""));
    CHECK(back->muscles.has_value());
    // The settings folded into constants, which explanations name, come back too.
    Loaded loaded = load_policy("standard");
    REQUIRE(loaded.program);
    CHECK_FALSE(back->folded_settings.empty());
    CHECK(back->folded_settings == loaded.program->folded_settings);
}

TEST_CASE("snapshot: every standard case gets the same result, explanation and why-not") {
    Loaded loaded = load_policy("standard");
    REQUIRE(loaded.program);
    auto back = read_snapshot(standard_bytes());
    REQUIRE(back);
    Session checked(*loaded.program), snapshot(*back);
    EvaluateOptions options;
    options.explain = true;
    options.why_not = {"95886", "95909", "aanem_limit"};
    std::size_t cases = 0;
    for (const auto& entry :
         fs::directory_iterator(test::source_root / "tests/golden/run/standard")) {
        std::string name = entry.path().filename().string();
        if (name.size() < 10 || name.substr(name.size() - 10) != ".case.json") continue;
        std::string json = test::slurp(entry.path());
        CaseOutcome a = checked.run(json, options);
        std::string a_text = a.result ? to_json(*a.result, true) : a.error;
        CaseOutcome b = snapshot.run(json, options);
        std::string b_text = b.result ? to_json(*b.result, true) : b.error;
        INFO(name);
        CHECK(a_text == b_text);
        ++cases;
    }
    CHECK(cases > 100);
}

TEST_CASE("snapshot: a standard file that reads differently on disk means no snapshot") {
    const std::string& bytes = standard_bytes(); // written from the files as built
    fs::path root = cpl::test::fresh_dir("snapshot");
    fs::create_directories(root / "stdlib/standard");
    std::ofstream(root / "stdlib/standard/standard.cpl") << "policy standard \"edited\"\n";
    fs::path cwd = fs::current_path();
    fs::current_path(root);
    auto edited = read_snapshot(bytes);
    fs::current_path(cwd);
    fs::remove_all(root);
    CHECK(edited == nullptr);
}

TEST_CASE("snapshot: bytes that are not a whole snapshot read as none") {
    CHECK(read_snapshot("") == nullptr);
    CHECK(read_snapshot("not a snapshot") == nullptr);
    const std::string& bytes = standard_bytes();
    CHECK(read_snapshot(std::string_view(bytes).substr(0, bytes.size() / 2)) == nullptr);
    CHECK(read_snapshot(bytes + "x") == nullptr);
}
