// `cpl run DIR` (interpreter/cli/inputs.cpp): every case file found below a directory is read
// or reported; none is skipped without a word.
#include "../helpers.hpp"
#include "../scratch.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>

namespace fs = std::filesystem;

TEST_CASE("cpl run DIR reports a link to nothing, a link loop and a FIFO it finds, in place") {
    fs::path dir = cpl::test::fresh_dir("run_inputs");
    fs::copy_file(cpl::test::source_root /
                      "tests/golden/run/standard/carpal-tunnel-right.case.json",
                  dir / "b-ok.json");
    fs::create_symlink("nowhere.json", dir / "a-dangling.json");
    fs::create_symlink("c-loop.json", dir / "c-loop.json");
    REQUIRE(::mkfifo((dir / "d-pipe.jsonl").c_str(), 0600) == 0);
    fs::path out = dir / "out.txt";
    // `timeout`: a FIFO read from a directory would wait for a writer for ever.
    int status = std::system(fmt::format("timeout 20 '{}' run --format json '{}' >'{}' 2>/dev/null",
                                         CPL_BINARY, dir.string(), out.string())
                                 .c_str());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1); // a case file could not be read
    std::ifstream in(out);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    REQUIRE(lines.size() == 4); // one line each, in the order of their names
    CHECK(lines[0].find("a-dangling.json: cannot read the case file: it does not exist") !=
          std::string::npos);
    CHECK(lines[1].find("\"case\": \"carpal-tunnel-right\"") != std::string::npos);
    CHECK(lines[2].find("c-loop.json: cannot read the case file: it cannot be examined") !=
          std::string::npos);
    CHECK(lines[3].find("d-pipe.jsonl: cannot read the case file: it is not a regular file") !=
          std::string::npos);
    fs::remove_all(dir);
}

// A JSON Lines file with CR line ends was one line: its second case was lost in the first's
// error. A CRLF split between two blocks read is still one line end.
TEST_CASE("cpl run reads JSON Lines ended by LF, CRLF or CR alone, one case a line") {
    fs::path dir = cpl::test::fresh_dir("run_line_ends");
    std::string first = R"({"id": "a"})";
    first.resize((1 << 16) - 1, ' '); // its CR is the last byte of the first block read
    std::ofstream(dir / "mixed.jsonl", std::ios::binary) << first << "\r\n"
                                                         << R"({"id": "b"})"
                                                         << "\r"
                                                         << R"({"id": "c"})"
                                                         << "\n"
                                                         << R"({"id": "d"})";
    fs::path out = dir / "out.txt";
    int status = std::system(fmt::format("'{}' run --format json '{}' >'{}' 2>&1", CPL_BINARY,
                                         (dir / "mixed.jsonl").string(), out.string())
                                 .c_str());
    std::ifstream in(out);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    INFO(fmt::format("{}", fmt::join(lines, "\n")));
    CHECK(WEXITSTATUS(status) == 0);
    REQUIRE(lines.size() == 4);
    for (std::size_t i = 0; i < 4; ++i)
        CHECK(lines[i].starts_with(fmt::format(R"({{"case": "{}")", char('a' + i))));
    fs::remove_all(dir);
}

namespace {

// A command run as a user a chmod 000 directory keeps out: root reads through it, so as root
// the command runs as nobody (setpriv). Empty when there is no such user to run as.
std::string as_kept_out(const fs::path& unreadable) {
    std::string prefix =
        ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
    int status =
        std::system(fmt::format("{}ls '{}' >/dev/null 2>&1", prefix, unreadable.string()).c_str());
    bool kept_out = WIFEXITED(status) && WEXITSTATUS(status) != 0;
    return kept_out ? prefix + "'" + CPL_BINARY + "'" : "";
}

struct Ran {
    int status = -1;
    std::vector<std::string> out, err;
};

Ran run_as(const std::string& cpl, const std::string& args, const fs::path& dir) {
    Ran ran;
    int status = std::system(
        fmt::format("{} {} >'{}' 2>'{}'", cpl, args, (dir / "out").string(), (dir / "err").string())
            .c_str());
    ran.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    for (auto [name, lines] : {std::pair{"out", &ran.out}, std::pair{"err", &ran.err}}) {
        std::ifstream in(dir / name);
        for (std::string line; std::getline(in, line);)
            lines->push_back(line);
    }
    return ran;
}

} // namespace

// A directory below that could not be read was skipped, with the files after it, and the run
// exited 0; the top directory unreadable was "no case file below this directory".
TEST_CASE("cpl run DIR and cpl test DIR say a directory they cannot read, in its place") {
    fs::path scratch = cpl::test::fresh_dir("run_unreadable");
    fs::path dir = scratch / "cases";
    fs::path case_file =
        cpl::test::source_root / "tests/golden/run/standard/carpal-tunnel-right.case.json";
    fs::create_directories(dir / "b-sub");
    fs::copy_file(case_file, dir / "a.json");
    fs::copy_file(case_file, dir / "b-sub" / "x.json");
    fs::copy_file(case_file, dir / "c.json");
    fs::permissions(dir / "b-sub", fs::perms::none);
    std::string cpl = as_kept_out(dir / "b-sub");
    if (cpl.empty()) {
        fs::permissions(dir / "b-sub", fs::perms::owner_all);
        WARN("skipped: a chmod 000 directory could not be made unreadable (root without setpriv)");
        return;
    }
    Ran ran = run_as(cpl, fmt::format("run --format json '{}'", dir.string()), scratch);
    INFO(fmt::format("{}\n{}", fmt::join(ran.out, "\n"), fmt::join(ran.err, "\n")));
    CHECK(ran.status == 1);
    REQUIRE(ran.out.size() == 3); // a.json, then the directory in its place, then c.json
    CHECK(ran.out[0].starts_with(R"({"case": "carpal-tunnel-right")"));
    CHECK(ran.out[1].find("b-sub: cannot read the directory: it cannot be listed (Permission "
                          "denied) [run.cannot_read]") != std::string::npos);
    CHECK(ran.out[2].starts_with(R"({"case": "carpal-tunnel-right")"));
    REQUIRE(ran.err.size() == 1);
    CHECK(ran.err[0] == (dir / "b-sub").string() +
                            ": error: cannot read the directory: it cannot be listed (Permission "
                            "denied) [run.cannot_read]");

    // The directory named is itself unreadable.
    ran = run_as(cpl, fmt::format("run '{}'", (dir / "b-sub").string()), scratch);
    CHECK(ran.status == 1);
    REQUIRE(ran.err.size() == 1);
    CHECK(ran.err[0] == (dir / "b-sub").string() +
                            ": error: cannot read the directory: it cannot be listed (Permission "
                            "denied) [run.cannot_read]");

    // cpl test: the tests below it did not run, and the run has failed.
    fs::permissions(dir / "b-sub", fs::perms::owner_all);
    fs::rename(dir / "b-sub" / "x.json", dir / "b-sub" / "x.case.json");
    fs::copy_file(cpl::test::source_root /
                      "tests/golden/run/standard/carpal-tunnel-right.expected.json",
                  dir / "b-sub" / "x.expected.json");
    fs::permissions(dir / "b-sub", fs::perms::none);
    ran = run_as(cpl, fmt::format("test '{}'", dir.string()), scratch);
    CHECK(ran.status == 1);
    CHECK(std::find(ran.out.begin(), ran.out.end(),
                    "FAIL " + (dir / "b-sub").string() +
                        ": cannot read the directory: it cannot be listed (Permission denied)") !=
          ran.out.end());
    fs::permissions(dir / "b-sub", fs::perms::owner_all);
}

// An empty JSON Lines file among other inputs was skipped without a word and the run passed:
// a batch that lost its cases on the way looked like a batch that ran.
TEST_CASE("cpl run names an empty JSON Lines file among other inputs and exits 1") {
    fs::path dir = cpl::test::fresh_dir("run_empty_jsonl");
    fs::copy_file(cpl::test::source_root /
                      "tests/golden/run/standard/carpal-tunnel-right.case.json",
                  dir / "a-case.json");
    std::ofstream(dir / "b-empty.jsonl");
    fs::path out = dir / "out.txt", err = dir / "err.txt";
    for (bool as_directory : {false, true}) {
        std::string inputs = as_directory ? fmt::format("'{}'", dir.string())
                                          : fmt::format("'{}' '{}'", (dir / "a-case.json").string(),
                                                        (dir / "b-empty.jsonl").string());
        int status = std::system(fmt::format("'{}' run --format json {} >'{}' 2>'{}'", CPL_BINARY,
                                             inputs, out.string(), err.string())
                                     .c_str());
        REQUIRE(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 1);
        std::string output = cpl::test::slurp(out), errors = cpl::test::slurp(err);
        CHECK(output.find("\"case\": \"carpal-tunnel-right\"") != std::string::npos);
        CHECK(errors.find("b-empty.jsonl: error: the file holds no case: it has no line "
                          "[run.no_cases]") != std::string::npos);
        fs::remove(out);
        fs::remove(err);
    }
    fs::remove_all(dir);
}

// Text output says a case's error in its place, and standard error says it too: on a terminal
// (one file for both) every error was printed twice. Said once there, in place, with its help;
// to two files, once in each, as before.
TEST_CASE("cpl run says a case's error once when its output and its errors are one file") {
    fs::path dir = cpl::test::fresh_dir("run_one_file");
    std::ofstream(dir / "bad.json")
        << R"({"id": "r", "extremities": [{"limb": "right_arm", "muscles": ["APBQ"]}]})";
    fs::path both = dir / "both.txt", out = dir / "out.txt", err = dir / "err.txt";
    const std::string error = "unknown muscle \"APBQ\"; did you mean \"APB\"?";
    const std::string help = "  help: to use a muscle the table lacks";
    auto times = [](const std::string& text, const std::string& part) {
        std::size_t n = 0;
        for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
            ++n;
        return n;
    };
    int status = std::system(fmt::format("'{}' run '{}' >'{}' 2>&1", CPL_BINARY,
                                         (dir / "bad.json").string(), both.string())
                                 .c_str());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    std::string together = cpl::test::slurp(both);
    CHECK(times(together, error) == 1);
    CHECK(times(together, help) == 1);
    status = std::system(fmt::format("'{}' run '{}' >'{}' 2>'{}'", CPL_BINARY,
                                     (dir / "bad.json").string(), out.string(), err.string())
                             .c_str());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    std::string output = cpl::test::slurp(out), errors = cpl::test::slurp(err);
    CHECK(times(output, error) == 1);
    CHECK(times(errors, error) == 1);
    CHECK(times(errors, help) == 1);
    fs::remove_all(dir);
}

// `cpl run cases > cases/out.jsonl` read its own results back as cases, each failing with a
// longer line than it read: the file grew until the disk was full.
TEST_CASE("cpl run never reads the file its results are written to") {
    fs::path dir = cpl::test::fresh_dir("run_input_is_output");
    std::ofstream(dir / "a.jsonl") << R"({"id": "a", "date_of_service": "2025-06-02"})"
                                   << "\n";
    // Found in the directory: skipped with a warning, the run goes on and succeeds.
    fs::path out = dir / "b.jsonl";
    fs::path err = dir.parent_path() / "run_input_is_output.err";
    int status = std::system(fmt::format("timeout 20 '{}' run --format json '{}' >'{}' 2>'{}'",
                                         CPL_BINARY, dir.string(), out.string(), err.string())
                                 .c_str());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    std::string results = cpl::test::slurp(out);
    CHECK(std::count(results.begin(), results.end(), '\n') == 1);
    CHECK(results.find("\"case\": \"a\"") != std::string::npos);
    CHECK(cpl::test::slurp(err) ==
          fmt::format("{}: warning: not read: it is the file the results are being written to "
                      "[run.input_is_output]\n",
                      out.string()));
    // Named: an error in its place, and the run fails.
    status = std::system(fmt::format("timeout 20 '{}' run --format json '{}' '{}' >>'{}' 2>'{}'",
                                     CPL_BINARY, (dir / "a.jsonl").string(), out.string(),
                                     out.string(), err.string())
                             .c_str());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    results = cpl::test::slurp(out);
    CHECK(std::count(results.begin(), results.end(), '\n') == 3);
    CHECK(results.find("is the file the results are being written to (standard output)") !=
          std::string::npos);
    // Standard input that is the file (`- < out >> out`): refused as `<stdin>`, one line, and
    // the file does not grow without end (it filled a disk).
    status = std::system(fmt::format("timeout 20 '{}' run --format json - <'{}' >>'{}' 2>'{}'",
                                     CPL_BINARY, out.string(), out.string(), err.string())
                             .c_str());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    results = cpl::test::slurp(out);
    CHECK(std::count(results.begin(), results.end(), '\n') == 4);
    CHECK(results.find("<stdin>: cannot read standard input: it is the file the results are being "
                       "written to") != std::string::npos);
    fs::remove_all(dir);
    fs::remove(err);
}

// A link to a directory was skipped without a word: its cases were missing from the run, and
// `cpl diff --cases` said "0 of 1 cases change". Followed now; a link to a parent is read once.
TEST_CASE("cpl run DIR follows a link to a directory, and reads a directory reached twice once") {
    fs::path dir = cpl::test::fresh_dir("run_linked_dir");
    fs::create_directories(dir / "batch");
    fs::create_directories(dir / "shared");
    std::ofstream(dir / "batch" / "a.json") << R"({"id": "a", "date_of_service": "2025-06-02"})";
    std::ofstream(dir / "shared" / "b.json") << R"({"id": "b", "date_of_service": "2025-06-02"})";
    fs::create_directory_symlink("../shared", dir / "batch" / "more");
    fs::create_directory_symlink("..", dir / "batch" / "up");          // holds batch: not followed
    fs::create_directory_symlink("/", dir / "batch" / "machine");      // nor the whole machine
    fs::create_directory_symlink("../batch", dir / "batch" / "again"); // batch itself: read once
    fs::path out = dir.parent_path() / "run_linked_dir.out";
    int status = std::system(fmt::format("timeout 20 '{}' run --format json '{}' >'{}' 2>/dev/null",
                                         CPL_BINARY, (dir / "batch").string(), out.string())
                                 .c_str());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    std::string results = cpl::test::slurp(out);
    CHECK(std::count(results.begin(), results.end(), '\n') == 2);
    CHECK(results.find("\"case\": \"a\"") < results.find("\"case\": \"b\""));
    fs::remove_all(dir);
    fs::remove(out);
}
