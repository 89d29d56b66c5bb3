// tests/golden/golden_test.cpp — golden tests a policy author can read:
//   diagnostics/NAME.cpl → NAME.expected   (the exact diagnostics `cpl check` prints)
//   cli/NAME.txt                            (a command, its exit status, stdout and stderr)
// CPL_UPDATE_GOLDEN=1 rewrites the expectations; `git diff` is the review.
#include "../helpers.hpp"
#include "../scratch.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <sstream>
#include <unistd.h>

using namespace cpl;
namespace fs = std::filesystem;

namespace {

const fs::path& root = cpl::test::source_root;
using cpl::test::slurp;
bool updating() {
    return std::getenv("CPL_UPDATE_GOLDEN") != nullptr;
}

std::vector<fs::path> files(const fs::path& dir, const std::string& extension) {
    std::vector<fs::path> out;
    for (const auto& entry : fs::directory_iterator(root / dir))
        if (entry.path().extension() == extension) out.push_back(entry.path());
    std::sort(out.begin(), out.end());
    return out;
}

struct Transcript {
    std::string command;
    int exit_code = 0;
    std::string out, err;
};

std::string run_shell(const std::string& command, int& status) {
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return out;
    std::array<char, 4096> buffer{};
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        out.append(buffer.data(), n);
    int raw = pclose(pipe);
    status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return out;
}

Transcript run_cli(const std::string& args) {
    Transcript t;
    t.command = args;
    std::string err_file = cpl::test::scratch_file("stderr").string();
    std::string command =
        fmt::format("cd '{}' && '{}' {} 2>'{}'", root.string(), CPL_BINARY, args, err_file);
    t.out = run_shell(command, t.exit_code);
    t.err = slurp(err_file);
    return t;
}

std::string format_transcript(const Transcript& t) {
    return fmt::format("$ cpl {}\n--- exit {}\n--- stdout\n{}--- stderr\n{}", t.command,
                       t.exit_code, t.out, t.err);
}

} // namespace

TEST_CASE("golden diagnostics: each bad policy prints exactly its expected diagnostics") {
    for (const auto& policy : files("tests/golden/diagnostics", ".cpl")) {
        std::string relative = fs::relative(policy, root).string();
        CAPTURE(relative);
        fs::path cwd = fs::current_path();
        fs::current_path(root);
        Loaded loaded = load_policy(relative);
        fs::current_path(cwd);
        std::string actual = render_all(loaded.diagnostics, *loaded.sources);
        fs::path expected_path = policy;
        expected_path.replace_extension(".expected");
        if (updating()) std::ofstream(expected_path) << actual;
        CHECK(actual == slurp(expected_path));
        CHECK_FALSE(actual.empty());
    }
}

TEST_CASE("golden CLI transcripts: command, exit status, stdout, stderr") {
    for (const auto& file : files("tests/golden/cli", ".txt")) {
        CAPTURE(file.filename().string());
        std::string text = slurp(file);
        REQUIRE(text.starts_with("$ cpl "));
        std::string args = text.substr(6, text.find('\n') - 6);
        std::string actual = format_transcript(run_cli(args));
        if (updating()) std::ofstream(file) << actual;
        CHECK(actual == text);
    }
}

TEST_CASE("a malformed expectation file fails its test with a message, never a crash") {
    auto [expected, message] = GENERATE(table<std::string, std::string>({
        {R"({"policy": 5})", "\"policy\" must be a string"},
        {R"([1])", "expected a JSON object"},
        {R"({"lines": "95860"})", "\"lines\" must be a list"},
        {R"({"lines": [{"code": 95860}]})", "lines[0]: \"code\" must be a code of 5 characters"},
        {R"({"edit": []})", "unknown key \"edit\"; did you mean \"edits\"?"},
        {R"({"lines": [{"units": 1}]})", "lines[0]: missing \"code\""},
        {R"({"partial": ["line"]})",
         "\"partial\" lists the string \"line\": each element must be one of \"lines\", "
         "\"edits\", \"review\", \"unbilled\" or \"documentation\", not the string \"line\"; "
         "did you mean \"lines\"?"},
        // Values a result never holds: the test could never pass.
        {R"({"lines": [{"code": "9593"}]})", "lines[0]: \"code\" must be a code of 5 characters"},
        {R"({"lines": [{"code": "95937", "modifiers": ["xs"]}]})",
         "lines[0]: \"modifiers\" must be a list of modifiers of two capital letters or digits "
         "(\"26\", \"XS\"): the string \"xs\" is not one; did you mean \"XS\"?"},
        {R"({"edits": [{"code": "9590"}], "partial": ["edits"]})",
         "edits[0]: \"code\" must be a code of 5 characters as a case gives it"},
        // Every problem, not the first alone.
        {R"({"edits": [{"severity": "denied", "code": 95908}]})",
         "or \"\" for an edit about no single code, not 95908; edits[0]: \"severity\" must be "
         "one of \"deny\", \"warn\" or \"info\", not the string \"denied\""},
        // A case with no submitted claim is not reviewed: `review` would say nothing.
        {R"({"lines": [], "review": []})",
         "`review` is for a case with a submitted claim (`claim`): this case has none"},
        {R"({"lines": [{"code": "95937", "units": -2}]})",
         "lines[0]: \"units\" must be a whole number from 1"},
        {R"({"review": [{"code": "95937", "units_allowed": -1}]})",
         "review[0]: \"units_allowed\" must be a whole number from 0"},
        {R"({"edits": [{"severity": "denied"}]})",
         "edits[0]: \"severity\" must be one of \"deny\", \"warn\" or \"info\", not the string "
         "\"denied\""},
        {R"({"review": [{"code": "95937", "status": "acepted"}]})",
         "review[0]: \"status\" must be one of \"accepted\", \"adjusted\" or \"denied\", not the "
         "string \"acepted\"; did you mean \"accepted\"?"},
        // A key written twice: the parser keeps the last, and the first is never compared.
        {R"({"case": "t", "case": "t"})", "\"case\" is given twice"},
        {R"({"case": "t", "case": "t", "case": "t"})", "\"case\" is given three times"},
        {R"({"lines": [{"units": 1, "code": "95937", "units": 1, "units": 2, "units": 1}]})",
         "lines[0]: \"units\" is given 4 times"},
        {R"({"lines": [{"code": "95937"}, {"code": "95937", "units": 2, "units": 1}]})",
         "lines[1]: \"units\" is given twice"},
        {R"({"review": [{"code": "95937", "status": "denied"}], "partial": [], "review": []})",
         "\"review\" is given twice"},
        {"", "t.expected.json is empty: write the expected result as a JSON object"},
        {" \n", "t.expected.json is empty"},
        // A rule the policy does not have: the test could never pass.
        {R"({"lines": [{"code": "95937", "rule": "nmj_testing"}]})",
         "lines[0]: \"rule\" names no rule or edit of policy standard: \"nmj_testing\""},
        {R"({"edits": [{"rule": "mue_per_lin"}], "partial": ["edits"]})",
         "edits[0]: \"rule\" names no rule or edit of policy standard: \"mue_per_lin\"; did "
         "you mean \"mue_per_line\"?"},
    }));
    CAPTURE(expected);
    auto dir = cpl::test::fresh_dir("bad_expectation");
    std::ofstream(dir / "t.case.json") << R"({"id": "t"})";
    std::ofstream(dir / "t.expected.json") << expected;
    Transcript t = run_cli("test '" + dir.string() + "'");
    CHECK(t.exit_code == 1);
    CHECK(t.out.find(message) != std::string::npos);
    CHECK(t.out.find("0 passed, 1 failed") != std::string::npos);
}

TEST_CASE("an expectation may name the engine's own rules: an undated case's note") {
    auto dir = cpl::test::fresh_dir("expectation_engine_rule");
    std::ofstream(dir / "t.case.json") << R"({"id": "t"})";
    std::ofstream(dir / "t.expected.json")
        << R"({"edits": [{"rule": "date_of_service"}], "partial": ["edits"]})";
    CHECK(run_cli("test '" + dir.string() + "'").out.find("1 passed, 0 failed") !=
          std::string::npos);
}

TEST_CASE("an expectation names its case: another case's id fails the test") {
    auto dir = cpl::test::fresh_dir("expectation_of_another_case");
    std::ofstream(dir / "t.case.json") << R"({"id": "t"})";
    std::ofstream(dir / "t.expected.json") << R"({"case": "u", "lines": []})";
    Transcript t = run_cli("test '" + dir.string() + "'");
    CHECK(t.exit_code == 1);
    CHECK(t.out.find("the expectation is for case \"u\", the case is \"t\"") != std::string::npos);
}

TEST_CASE("a test may list a section in part, and says so with \"partial\"") {
    auto [expected, passes] = GENERATE(table<std::string, bool>({
        {R"({"partial": ["edits"], "edits": [{"rule": "addon_primary_not_payable", "code": "95886"}]})",
         true},
        {R"({"edits": [{"rule": "addon_primary_not_payable", "code": "95886"}]})", false},
        {R"({"partial": ["edits"], "edits": [{"rule": "addon_primary_not_payable"}, {"rule": "supported_by_study"}]})",
         false},
        {R"({"partial": ["review"], "review": [{"code": "95886", "status": "denied"}]})", true},
    }));
    CAPTURE(expected);
    auto dir = cpl::test::fresh_dir("partial_expectation");
    fs::copy_file(root / "tests/golden/run/review/band-code-too-high.case.json",
                  dir / "t.case.json", fs::copy_options::overwrite_existing);
    std::ofstream(dir / "t.expected.json") << expected;
    Transcript t = run_cli("test '" + dir.string() + "'");
    CHECK(t.exit_code == (passes ? 0 : 1));
    if (!passes) CHECK(t.out.find("edits differ") != std::string::npos);
}

// An expected edit's cite that differs is shown with the actual one: otherwise both look alike.
TEST_CASE("an edit expectation naming a cite shows the actual edits' cites") {
    auto dir = cpl::test::fresh_dir("cite_expectation");
    fs::copy_file(root / "tests/golden/run/review/band-code-too-high.case.json",
                  dir / "t.case.json", fs::copy_options::overwrite_existing);
    std::ofstream(dir / "t.expected.json")
        << R"({"partial": ["edits"], "edits": [{"rule": "addon_primary_not_payable", "cite": "Acme"}]})";
    Transcript t = run_cli("test '" + dir.string() + "'");
    CHECK(t.exit_code == 1);
    CHECK(t.out.find("addon_primary_not_payable 95886 (") != std::string::npos);
    CHECK(t.out.find(") cite: CPT 2025 parenthetical") != std::string::npos);
}
