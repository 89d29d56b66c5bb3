// `cpl run DIR` (interpreter/cli/inputs.cpp): every case file found below a directory is read
// or reported; none is skipped without a word.
#include "../helpers.hpp"
#include "../scratch.hpp"

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
