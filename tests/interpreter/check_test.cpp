// tests/interpreter/check_test.cpp — names, types and payer merges are checked before any
// case runs; each problem has its code.
#include "../helpers.hpp"

#include <catch2/catch.hpp>

using namespace cpl;
using namespace cpl::test;

TEST_CASE("problems found by the checker, by code") {
    auto [text, code] = GENERATE(table<std::string, std::string>({
        {"policy p\ndef x = count(case.extremity)\n", "check.unknown_field"},
        {"policy p\ndef x = cuont([1])\n", "check.unknown_function"},
        {"policy p\ndef x = y + 1\n", "check.unknown_name"},
        {"policy p\ndef x = count([1], [2])\n", "check.arity"},
        {"policy p\ndef x = 1 + \"a\"\n", "check.type_mismatch"},
        {"policy p\ndef x = not 5\n", "check.type_mismatch"},
        {"policy p\ndef a = b\ndef b = a\n", "check.recursive_def"},
        {"policy p\nrule r bill 95860\n", "check.missing_cite"},
        {"policy p\nrule r cap units at 1 cite \"x\"\n", "check.no_line"},
        {"policy p\nrule r when claim == [] cite \"x\"\n", "check.claim_outside_edit"},
        {"policy p\ndef x = 1 / 0\n", "eval.division_by_zero"},
        {"policy p\nsetting s 5 within 1..3\n", "check.setting_out_of_range"},
        {"policy p\ndef f(l: extremty) = 1\n", "check.unknown_type"},
        {"policy p\ntable t 1 => case end\n", "check.table_value_not_constant"},
        {"policy p\nsetting s 1\nsetting s 2\n", "check.duplicate_setting"},
        {"policy p\nrule r cite \"a\"\nrule r cite \"b\"\n", "check.duplicate_rule"},
    }));
    CAPTURE(text);
    Loaded loaded = load_text(text);
    CHECK(loaded.program == nullptr);
    CHECK(codes(loaded).find(code) != std::string::npos);
}

TEST_CASE("an unknown name gets a did-you-mean") {
    Loaded loaded =
        load_text("policy p\nsetting min_muscles_per_limb 5\ndef x = min_muscle_per_limb\n");
    CHECK(rendered(loaded).find("did you mean `min_muscles_per_limb`?") != std::string::npos);
}

TEST_CASE("a payer restates a setting, replaces table rows, overrides and disables rules") {
    std::string base = write_temp("base_policy.cpl", "policy base\n"
                                                     "setting min_muscles_per_limb 5 within 1..20\n"
                                                     "table mue 95886 => 4\n  95861 => 1\nend\n"
                                                     "rule a bill 95860 cite \"x\"\n"
                                                     "rule b bill 95870 cite \"y\"\n");
    Loaded loaded = load_text("policy payer extends \"base_policy.cpl\"\n"
                              "min_muscles_per_limb 4\n"
                              "table mue 95886 => 2\nend\n"
                              "override rule a bill 95861 cite \"payer\"\n"
                              "disable rule b\n",
                              "payer_policy.cpl");
    REQUIRE(loaded.program);
    const Program& p = *loaded.program;
    CHECK(p.name == "payer");
    CHECK(p.settings[0].value.number == 4);
    CHECK(p.settings[0].layer == "payer");
    REQUIRE(p.tables[0]->rows.size() == 2);
    CHECK(p.tables[0]->rows[0].value.number == 2);
    REQUIRE(p.rules.size() == 1);
    CHECK(p.rules[0].layer == "payer");
    CHECK(p.rules[0].replaces == "a (base)");
}

TEST_CASE("payer changes to things that do not exist are errors with did-you-mean") {
    write_temp(
        "base2.cpl",
        "policy base2\nsetting min_muscles_per_limb 5 within 1..20\nrule needle_emg cite \"x\"\n");
    Loaded loaded = load_text("policy payer2 extends \"base2.cpl\"\nmin_muscle_per_limb "
                              "4\noverride rule needle_emgg cite \"x\"\n",
                              "payer2.cpl");
    CHECK(loaded.program == nullptr);
    std::string text = rendered(loaded);
    CHECK(text.find("did you mean `min_muscles_per_limb`?") != std::string::npos);
    CHECK(text.find("did you mean `needle_emg`?") != std::string::npos);
}

TEST_CASE("a setting restated out of its range is refused") {
    write_temp("base3.cpl", "policy base3\nsetting min_muscles_per_limb 5 within 1..20\n");
    Loaded loaded =
        load_text("policy payer3 extends \"base3.cpl\"\nmin_muscles_per_limb 0\n", "payer3.cpl");
    CHECK(codes(loaded) == "check.setting_out_of_range");
}

TEST_CASE("policies that extend each other in a cycle are reported") {
    write_temp("cycle_a.cpl", "policy cycle_a extends \"cycle_b.cpl\"\n");
    write_temp("cycle_b.cpl", "policy cycle_b extends \"cycle_a.cpl\"\n");
    Loaded loaded =
        load_policy(write_temp("cycle_a.cpl", "policy cycle_a extends \"cycle_b.cpl\"\n"));
    CHECK(codes(loaded).find("load.extends_cycle") != std::string::npos);
}
