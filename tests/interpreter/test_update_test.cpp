// `cpl test` (interpreter/cli/cmd_test.cpp) and `--update` (expectation_update.cpp): each test
// counted once, an expectation that tests nothing failed, a failing expectation rewritten to
// the current result keeping the author's choices, a missing one created, and both then pass.
#include "../helpers.hpp"
#include "../scratch.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

int cpl_test(const fs::path& dir, const std::string& flags, std::string& out) {
    fs::path log = dir / "log.txt";
    int status = std::system(
        fmt::format("'{}' test {} '{}' >'{}' 2>&1", CPL_BINARY, flags, dir.string(), log.string())
            .c_str());
    out = slurp(log);
    return WEXITSTATUS(status);
}

} // namespace

TEST_CASE("cpl test --update rewrites what failed, keeps why, partial and keys, creates what is "
          "missing") {
    fs::path dir = cpl::test::fresh_dir("update");
    fs::path golden = cpl::test::source_root / "tests/golden/run";
    fs::copy_file(golden / "standard/carpal-tunnel-right.case.json",
                  dir / "carpal-tunnel-right.case.json");
    fs::copy_file(golden / "standard/carpal-tunnel-right.case.json", dir / "new.case.json");
    // A wrong unit count, a `why`, an edits section listed in part with only `rule` keys.
    json wrong = {{"case", "carpal-tunnel-right"},
                  {"why", "the author's reason"},
                  {"lines", {{{"code", "95909"}}, {{"code", "95886"}, {"units", 2}}}},
                  {"edits", json::array({{{"rule", "no_such_edit"}}})},
                  {"partial", {"edits"}}};
    std::ofstream(dir / "carpal-tunnel-right.expected.json") << wrong.dump(2);
    std::string out;
    REQUIRE(cpl_test(dir, "", out) == 1);

    REQUIRE(cpl_test(dir, "--update", out) == 0);
    INFO(out);
    CHECK(out.find("UPDATED") != std::string::npos);
    CHECK(out.find("CREATED") != std::string::npos);
    CHECK(out.ends_with("2 updated\n0 passed, 0 failed\n")); // the contract's last line
    json updated = json::parse(slurp(dir / "carpal-tunnel-right.expected.json"));
    CHECK(updated["why"] == "the author's reason");
    CHECK(updated["partial"] == json{"edits"});
    // Each entry lists the keys the old entries used between them (here code and units).
    CHECK(updated["lines"] ==
          json::parse(R"([{"code": "95909", "units": 1}, {"code": "95886", "units": 1}])"));
    CHECK(updated["edits"] == json::array()); // the standard set warns nothing here
    CHECK(updated.begin().key() == "case");   // the author's key order
    json created = json::parse(slurp(dir / "new.expected.json"));
    CHECK(created["case"] == "carpal-tunnel-right");
    CHECK(created["policy"] == "standard");
    CHECK(created["lines"].size() == 2);
    CHECK(created.contains("edits"));

    REQUIRE(cpl_test(dir, "", out) == 0);
    CHECK(out.find("2 passed, 0 failed") != std::string::npos);
    fs::remove_all(dir);
}

// Each of these wrote an expectation that failed, or tested another policy, after --update.
TEST_CASE("cpl test --update names the policy so the test finds it, and units it compares") {
    fs::path dir = cpl::test::fresh_dir("update_policy");
    fs::create_directories(dir / "acme" / "tests");
    fs::create_directories(dir / "elsewhere");
    std::ofstream(dir / "acme.cpl") << "policy acme extends standard \"Acme\"\n"
                                       "min_muscles_per_limb 4\n  cite \"Acme 1\"\n";
    const char* nmj =
        R"({"id": "nmj", "date_of_service": "2025-06-02", "neuromuscular_junction": [)"
        R"({"nerve": "ulnar", "side": "right"}, {"nerve": "median", "side": "right"}]})";
    std::ofstream(dir / "acme" / "tests" / "nmj.case.json") << nmj;
    std::ofstream(dir / "elsewhere" / "nmj.case.json") << nmj;
    // A test under acme/tests/ is created for acme, not for the standard set.
    std::string out;
    REQUIRE(cpl_test(dir / "acme", "--update", out) == 0);
    CHECK(json::parse(slurp(dir / "acme" / "tests" / "nmj.expected.json"))["policy"] == "acme");
    // With --policy, a test names the policy by its name when that finds it from the test,
    // else by its path from the test (it was the path as given, relative to where cpl ran).
    fs::create_directories(dir / "lib");
    std::ofstream(dir / "lib" / "beta.cpl") << "policy beta extends standard \"Beta\"\n";
    REQUIRE(cpl_test(dir / "elsewhere", "--update --policy '" + (dir / "acme.cpl").string() + "'",
                     out) == 0);
    CHECK(json::parse(slurp(dir / "elsewhere" / "nmj.expected.json"))["policy"] == "acme");
    fs::remove(dir / "elsewhere" / "nmj.expected.json");
    REQUIRE(cpl_test(dir / "elsewhere",
                     "--update --policy '" + (dir / "lib" / "beta.cpl").string() + "'", out) == 0);
    CHECK(json::parse(slurp(dir / "elsewhere" / "nmj.expected.json"))["policy"] ==
          "../lib/beta.cpl");
    // A line listed without units is compared as 1: the update writes the 2 it has.
    json lines = {{"case", "nmj"}, {"policy", "acme"}, {"lines", {{{"code", "95937"}}}}};
    std::ofstream(dir / "acme" / "tests" / "nmj.expected.json") << lines.dump(2);
    REQUIRE(cpl_test(dir / "acme", "--update", out) == 0);
    CHECK(json::parse(slurp(dir / "acme" / "tests" / "nmj.expected.json"))["lines"] ==
          json::parse(R"([{"code": "95937", "units": 2}])"));
    REQUIRE(cpl_test(dir / "acme", "", out) == 0);
    REQUIRE(cpl_test(dir / "elsewhere", "", out) == 0);
    // From the tests' own directory (`.`, or the file alone), the same policy is found.
    for (const char* named : {".", "nmj.case.json"}) {
        INFO(named);
        fs::remove(dir / "acme" / "tests" / "nmj.expected.json");
        REQUIRE(std::system(fmt::format("cd '{}' && '{}' test --update {} >/dev/null 2>&1",
                                        (dir / "acme" / "tests").string(), CPL_BINARY, named)
                                .c_str()) == 0);
        CHECK(json::parse(slurp(dir / "acme" / "tests" / "nmj.expected.json"))["policy"] == "acme");
    }
    fs::remove_all(dir);
}

// Each of these once ended in a count or an update that did not tell the truth.
TEST_CASE("cpl test counts each test once, fails what tests nothing, and updates only to a pass") {
    fs::path dir = cpl::test::fresh_dir("test_counts");
    fs::path golden = cpl::test::source_root / "tests/golden/run/standard";
    fs::copy_file(golden / "carpal-tunnel-right.case.json", dir / "ok.case.json");
    fs::copy_file(golden / "carpal-tunnel-right.expected.json", dir / "ok.expected.json");
    std::string out;
    // A test named by a directory and by itself runs once.
    REQUIRE(std::system(fmt::format("'{}' test '{}' '{}/' '{}' >'{}' 2>&1", CPL_BINARY,
                                    dir.string(), dir.string(), (dir / "ok.case.json").string(),
                                    (dir / "log.txt").string())
                            .c_str()) == 0);
    CHECK(slurp(dir / "log.txt").find("1 passed, 0 failed") != std::string::npos);
    // A test whose case is a link to another's is a test of its own: it runs, and fails here.
    fs::create_symlink("ok.case.json", dir / "linked.case.json");
    std::ofstream(dir / "linked.expected.json") << R"({"lines": [{"code": "95860"}]})";
    REQUIRE(cpl_test(dir, "", out) == 1);
    CHECK(out.find("1 passed, 1 failed") != std::string::npos);
    fs::remove(dir / "linked.case.json");
    fs::remove(dir / "linked.expected.json");
    // An expectation whose case was renamed away fails, naming the case it lacks.
    std::ofstream(dir / "lost.expected.json") << R"({"case": "x", "lines": [{"code": "95886"}]})";
    REQUIRE(cpl_test(dir, "", out) == 1);
    CHECK(out.find("lost.expected.json: there is no lost.case.json beside it") !=
          std::string::npos);
    CHECK(out.find("1 passed, 1 failed") != std::string::npos);
    // Its case a directory: said so, not that there is none.
    fs::create_directory(dir / "lost.case.json");
    REQUIRE(cpl_test(dir, "", out) == 1);
    CHECK(out.find("lost.expected.json: lost.case.json beside it is a directory, not a case "
                   "file") != std::string::npos);
    fs::remove(dir / "lost.case.json");
    fs::remove(dir / "lost.expected.json");
    // `{}` states nothing of the result, nor does an empty section listed in part: each
    // fails; --update writes the claim into it.
    std::ofstream(dir / "ok.expected.json") << R"({"partial": ["lines"], "lines": []})";
    REQUIRE(cpl_test(dir, "", out) == 1);
    CHECK(out.find("states nothing of the result") != std::string::npos);
    std::ofstream(dir / "ok.expected.json") << "{}";
    REQUIRE(cpl_test(dir, "", out) == 1);
    CHECK(out.find("states nothing of the result") != std::string::npos);
    REQUIRE(cpl_test(dir, "--update", out) == 0);
    CHECK(json::parse(slurp(dir / "ok.expected.json"))["lines"].size() == 2);
    // An expectation for another case id: --update writes this case's id, and it then passes.
    std::ofstream(dir / "ok.expected.json")
        << R"({"case": "other", "lines": [{"code": "95909"}, {"code": "95886"}]})";
    REQUIRE(cpl_test(dir, "--update", out) == 0);
    CHECK(json::parse(slurp(dir / "ok.expected.json"))["case"] == "carpal-tunnel-right");
    REQUIRE(cpl_test(dir, "", out) == 0);
    fs::remove_all(dir);
}

TEST_CASE("cpl test compares an unbilled line's modifiers, and --update writes them") {
    fs::path dir = cpl::test::fresh_dir("unbilled_modifiers");
    fs::path golden = cpl::test::source_root / "tests/golden/run/review";
    const std::string name = "unbilled-bilateral-hemidiaphragm";
    fs::copy_file(golden / (name + ".case.json"), dir / (name + ".case.json"));
    // The study supports 95866-50: one side (no modifier) is another line to bill.
    json one_side = {{"case", name},
                     {"unbilled", {{{"code", "95866"}, {"modifiers", json::array()}}}}};
    std::ofstream(dir / (name + ".expected.json")) << one_side.dump(2);
    std::string out;
    CHECK(cpl_test(dir, "", out) == 1);
    INFO(out);
    CHECK(out.find("actual:   95866-50 x1") != std::string::npos);

    // An expectation of the code alone compares the code alone; --update of one listing no
    // modifiers writes them.
    json code_only = {{"case", name}, {"unbilled", {{{"code", "95866"}}}}};
    std::ofstream(dir / (name + ".expected.json")) << code_only.dump(2);
    CHECK(cpl_test(dir, "", out) == 0);
    json wrong_units = {{"case", name}, {"unbilled", {{{"code", "95866"}, {"units", 2}}}}};
    std::ofstream(dir / (name + ".expected.json")) << wrong_units.dump(2);
    REQUIRE(cpl_test(dir, "--update", out) == 0);
    json updated = json::parse(slurp(dir / (name + ".expected.json")));
    CHECK(updated["unbilled"][0]["modifiers"] == json::array({"50"}));
    CHECK(updated["unbilled"][0]["units"] == 1);
    CHECK(cpl_test(dir, "", out) == 0);
}
