// tests/lang/files_test.cpp — reading whole files: what is refused, and why.
#include "../scratch.hpp"
#include "lang/files.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

using namespace cpl;

TEST_CASE("read_text_file reads a regular file and refuses everything else with a reason") {
    auto dir = cpl::test::fresh_dir("files_test");
    std::ofstream(dir / "small.txt") << "policy p\n";
    std::string why;
    auto text = read_text_file((dir / "small.txt").string(), why);
    REQUIRE(text);
    CHECK(*text == "policy p\n");

    auto [path, limit, reason] = GENERATE_REF(table<std::string, std::size_t, std::string>({
        {(dir / "missing.cpl").string(), max_file_bytes, "does not exist"},
        {dir.string(), max_file_bytes, "is a directory"},
        {"/dev/null", max_file_bytes, "is not a regular file"},
        {(dir / "small.txt").string(), 4, "is larger than 0 MiB"},
    }));
    CAPTURE(path);
    CHECK_FALSE(read_text_file(path, why, limit));
    CHECK(why == reason);
}
