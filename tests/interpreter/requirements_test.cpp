// tests/interpreter/requirements_test.cpp — `require`: where a broken requirement is reported
// (the value a policy extending it gave, read directly or through a definition; the table it
// wrote; else the requirement), on which dates of service, and what it does not report.
#include "../helpers.hpp"

#include <catch2/catch.hpp>

using namespace cpl;
using namespace cpl::test;

namespace {

// A base with requirements over its settings, a definition and a table; `payer` extends it.
Loaded payer_of(const std::string& payer) {
    static int counter = 0;
    std::string base = fmt::format("req_base_{}_{}.cpl", ::getpid(), ++counter);
    write_temp(base, "policy b \"base\"\n"
                     "setting x 3 \"x\" cite \"c\"\n"
                     "setting y 10 \"y\" cite \"c\"\n"
                     "table t \"t\" cite \"c\"\n  1 => 10\n  2 => 20\nend\n"
                     "def x_below_y = x < y\n"
                     "require x_below_y because \"x stays below y\"\n"
                     "require 1 in t and t[2] / x >= 0 because \"row 1 is kept\"\n");
    return load_text("policy p extends \"" + base + "\"\n" + payer);
}

// Each diagnostic as `line:code`, then its message.
std::vector<std::string> located(const Loaded& loaded) {
    std::vector<std::string> out;
    for (const auto& d : loaded.diagnostics.sorted()) {
        const SourceFile& file = loaded.sources->get(d.span->file);
        out.push_back(fmt::format(
            "{}:{}:{}: {}",
            std::filesystem::path(file.path()).filename().string().starts_with("req_base")
                ? "base"
                : "payer",
            file.locate(d.span->begin).line, d.code, d.message));
    }
    return out;
}

} // namespace

TEST_CASE("require: a payer's value read through a definition is where the error is") {
    Loaded loaded = payer_of("x 20\n");
    INFO(rendered(loaded));
    CHECK(located(loaded) ==
          std::vector<std::string>{
              "payer:2:check.requirement: `x` as `p` sets it breaks a requirement of `b`"});
    CHECK(rendered(loaded).find("note: `y` is 10 (set by `b`)") != std::string::npos);
}

TEST_CASE("require: a row a payer removed is an error at its table, decided or not") {
    Loaded loaded = payer_of("table t\n  remove 1\nend\n");
    INFO(rendered(loaded));
    CHECK(located(loaded) ==
          std::vector<std::string>{
              "payer:2:check.requirement: table `t` as `p` writes it breaks a requirement of `b`"});
}

TEST_CASE("require: a table it read is shown with its keys, the first twelve of many") {
    Loaded removed = payer_of("table t\n  remove 1\nend\n");
    CHECK(rendered(removed).find("note: `t` has the key: 2 (1 row)") != std::string::npos);
    std::string rows;
    for (int key = 3; key <= 20; ++key)
        rows += fmt::format("  {} => {}\n", key, key * 10);
    Loaded many = payer_of("table t\n  remove 1\n" + rows + "end\n");
    INFO(rendered(many));
    CHECK(rendered(many).find("note: `t` has the keys: 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, "
                              "… (19 rows)") != std::string::npos);
    // Every key of a row, not its first alone: 21 is accepted as 3 is.
    Loaded synonyms = payer_of("table t\n  remove 1\n  3, 21 => 30\nend\n");
    INFO(rendered(synonyms));
    CHECK(rendered(synonyms).find("note: `t` has the keys: 2, 3, 21 (2 rows)") !=
          std::string::npos);
}

TEST_CASE("require: a value that makes it undecidable is an error at that value, with why") {
    Loaded loaded = payer_of("x 0 from \"2025-01-01\"\n");
    INFO(rendered(loaded));
    CHECK(located(loaded) ==
          std::vector<std::string>{"payer:2:check.requirement: `x` as `p` sets it breaks a "
                                   "requirement of `b` on dates of service from 2025-01-01"});
    CHECK(rendered(loaded).find("deciding it fails: division by zero") != std::string::npos);
}

TEST_CASE("require: the dated value that breaks it is blamed, and every range it fails on") {
    Loaded loaded = payer_of("x 20 from \"2025-01-01\"\nx 1 from \"2030-01-01\"\n"
                             "x 30 from \"2035-01-01\"\n");
    INFO(rendered(loaded));
    CHECK(located(loaded) ==
          std::vector<std::string>{"payer:2:check.requirement: `x` as `p` sets it breaks a "
                                   "requirement of `b` on dates of service from 2025-01-01 "
                                   "until 2030-01-01"});
    CHECK(rendered(loaded).find("note: it fails on dates of service from 2035-01-01 too") !=
          std::string::npos);
}

TEST_CASE("require: dates of service the policy does not code are not decided") {
    // Before 2012 x is 20, but the policy codes from 2013 on.
    Loaded dated = load_text("policy p from \"2013-01-01\"\nsetting x 3\nsetting y 10\n"
                             "x 20 until \"2012-01-01\"\n"
                             "require x < y because \"x stays below y\"\n");
    INFO(rendered(dated));
    // No requirement broken; the value itself never applies, which is said once.
    CHECK(codes(dated) == "check.never_applies");
}

TEST_CASE("require: a payer's own requirement over its base's value is the payer's to fix") {
    Loaded loaded = payer_of("require x > 5 because \"the payer needs more than five\"\n");
    INFO(rendered(loaded));
    CHECK(located(loaded) ==
          std::vector<std::string>{"payer:2:check.requirement: this requirement does not hold"});
}

TEST_CASE("require: a broken definition it reads is reported once, not again by it") {
    Loaded loaded = load_text("policy p\nsetting x 0\nsetting y 10\ndef ratio = y / x\n"
                              "require ratio > 1 because \"y is more than x\"\n");
    INFO(rendered(loaded));
    CHECK(codes(loaded) == "eval.division_by_zero");
}
