// tests/golden/catalogue_test.cpp — every diagnostic code the sources can produce has its
// `### \`code\`` entry in docs/diagnostics.md. Codes are found in string literals of
// lang/, interpreter/ and stdlib/: `parse.*`, `check.*`, `load.*`, `eval.*`, `run.*`, `fmt.*`.
#include "../helpers.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

const fs::path& root = cpl::test::source_root;
using cpl::test::slurp;

std::vector<fs::path> sources() {
    std::vector<fs::path> out;
    auto take = [&](const fs::path& dir, bool recursive) {
        auto consider = [&](const fs::directory_entry& e) {
            auto ext = e.path().extension();
            if (e.is_regular_file() && (ext == ".cpp" || ext == ".hpp")) out.push_back(e.path());
        };
        if (recursive)
            for (const auto& e : fs::recursive_directory_iterator(root / dir))
                consider(e);
        else
            for (const auto& e : fs::directory_iterator(root / dir))
                consider(e);
    };
    take("lang", false);
    take("interpreter", true);
    take("runtime", false);
    take("stdlib", false);
    std::sort(out.begin(), out.end());
    return out;
}

// Codes inside the string literals of one source text. File names (`load.cpp`) are not codes.
std::set<std::string> codes_in(const std::string& text) {
    static const std::regex literal(R"("(?:[^"\\\n]|\\.)*")");
    static const std::regex code(R"(\b(?:parse|check|load|data|eval|run|fmt)\.[a-z_]+\b)");
    static const std::set<std::string> not_codes{"cpp", "hpp", "cpl", "json", "jsonl", "md", "txt"};
    std::set<std::string> out;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), literal);
         it != std::sregex_iterator(); ++it) {
        std::string s = it->str();
        for (auto c = std::sregex_iterator(s.begin(), s.end(), code); c != std::sregex_iterator();
             ++c) {
            std::string found = c->str();
            if (!not_codes.count(found.substr(found.find('.') + 1))) out.insert(found);
        }
    }
    return out;
}

} // namespace

TEST_CASE("catalogue: the code finder sees codes in literals and skips file names") {
    CHECK(codes_in(R"(error("check.unknown_name", x); "in load.cpp"; "[run.cannot_read]\n")") ==
          std::set<std::string>{"check.unknown_name", "run.cannot_read"});
    CHECK(codes_in("// parse.not_in_a_literal\n").empty());
}

TEST_CASE("catalogue: every diagnostic code in the sources is documented in docs/diagnostics.md") {
    std::string catalogue = slurp(root / "docs/diagnostics.md");
    std::set<std::string> all;
    for (const auto& path : sources())
        for (const auto& code : codes_in(slurp(path)))
            all.insert(code);
    REQUIRE(all.size() > 40);
    std::string missing;
    for (const auto& code : all)
        if (catalogue.find("### `" + code + "`") == std::string::npos) missing += " " + code;
    INFO("codes without a `### `code`` entry in docs/diagnostics.md:" << missing);
    CHECK(missing.empty());
}
