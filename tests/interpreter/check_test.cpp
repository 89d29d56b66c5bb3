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
        {"policy p\nsetting s 3 from \"2030-01-01\"\ns 4\n", "check.changed_twice"},
        {"policy p\nrule r cite \"a\"\nrule r cite \"b\"\n", "check.duplicate_rule"},
        {"policy p\ntable t \"a\" => 1\n  \"b\" => 2\n  3 => 3\nend\n", "check.table_key_type"},
        {"policy p\ntable t 95860 => 1\n  95861 => \"x\"\n  95862 => 3\nend\n",
         "check.table_value_type"},
        {"policy p\ntable t 1..4 => 1\n  4..8 => 2\nend\n", "check.duplicate_key"},
        {"policy p\ntable t 95907..95913 => 1\n  95908 => 2\nend\n", "check.duplicate_key"},
        {"policy p\ntable t \"G56.00\"..\"G56.03\" => 1\n  \"G56.02\" => 2\nend\n",
         "check.duplicate_key"},
        {"policy p\ndef x = 1 == \"a\"\n", "check.incomparable"},
        {"policy p\ndef x = 5 in [\"a\"]\n", "check.incomparable"},
        {"policy p\ndef x = count(diagnoses)\n", "check.bare_case_field"},
        {"policy p\nsetting s 3.5\n", "check.setting_type"},
        {"policy p\ndef x = 2.5\n", "check.type_mismatch"},
        {"policy p\ndef x = sum([\"a\"])\n", "check.type_mismatch"},
        {"policy p\nrule r when 1 = 1 cite \"c\"\n", "parse.assign_for_equals"},
        {"policy p\ntable t\n  G56.01 => 1\nend\n", "parse.unquoted_diagnosis_code"},
        {"policy p\ntable t\n  13..95913 => 1\nend\n", "parse.bad_range_key"},
        {"policy p\ntable t\n  \"G56.00\".. => 1\nend\n", "parse.bad_range_key"},
        {"policy p\ntable t\n  0766T..0770T => 1\nend\n", "parse.bad_range_key"},
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

TEST_CASE("service_date: a rule is told of the policy's dates only in the policy that sets them") {
    // The base's rule tests a date before the payer's `from`: in the payer it never acts, but
    // neither the base's author nor the payer can change that rule, so check says nothing of it.
    write_temp("dated_base.cpl", "policy dated_base\n"
                                 "rule old_dates when service_date < \"2020-01-01\" bill 95860 "
                                 "cite \"x\"\n");
    Loaded payer = load_text("policy dated_payer extends \"dated_base.cpl\" from \"2021-01-01\"\n"
                             "rule own_old when service_date < \"2020-06-01\" bill 95861 "
                             "cite \"y\"\n",
                             "dated_payer.cpl");
    REQUIRE(payer.program);
    std::string said = rendered(payer);
    CHECK(said.find("`service_date < \"2020-06-01\"` cannot hold") != std::string::npos);
    CHECK(said.find("2020-01-01") == std::string::npos);
    CHECK(said.find("from 2021-01-01 (those the policy codes)") != std::string::npos);
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

TEST_CASE("a setting restated with a value of another type names the layer that declared it") {
    write_temp("base_typed.cpl", "policy base_typed extends standard\n"
                                 "setting prefer_telehealth false\n  \"d\"\n  cite \"c\"\n");
    Loaded loaded = load_text("policy payer_typed extends \"base_typed.cpl\"\n"
                              "prefer_telehealth 3\nncci_bypass_modifier 59\n",
                              "payer_typed.cpl");
    REQUIRE(codes(loaded) == "check.setting_type check.setting_type");
    auto found = loaded.diagnostics.sorted();
    // The payer's base declared one, the standard set the other: each note names its own.
    CHECK(found[0].message == "`prefer_telehealth` is a bool, not a number");
    CHECK(found[0].notes == std::vector<std::string>{"declared by `base_typed`"});
    CHECK(found[1].message == "`ncci_bypass_modifier` is a string, not a number");
    CHECK(found[1].notes == std::vector<std::string>{"declared by `standard`"});
}

TEST_CASE("a requirement over a setting restated with the wrong type waits for the value") {
    // Folded on the string, `limit * 2` would fail too: that is the setting's one mistake,
    // reported once, at the payer's line.
    write_temp("base_required.cpl", "policy base_required extends standard\n"
                                    "setting limit 3\n  \"l\"\n  cite \"c\"\n"
                                    "require limit * 2 > 0 because \"rules divide by it\"\n");
    Loaded loaded = load_text("policy payer_required extends \"base_required.cpl\"\n"
                              "limit \"x\"\n",
                              "payer_required.cpl");
    CHECK(codes(loaded) == "check.setting_type");
}

TEST_CASE("policies that extend each other in a cycle are reported") {
    write_temp("cycle_a.cpl", "policy cycle_a extends \"cycle_b.cpl\"\n");
    write_temp("cycle_b.cpl", "policy cycle_b extends \"cycle_a.cpl\"\n");
    Loaded loaded =
        load_policy(write_temp("cycle_a.cpl", "policy cycle_a extends \"cycle_b.cpl\"\n"));
    CHECK(codes(loaded).find("load.extends_cycle") != std::string::npos);
}

TEST_CASE("a policy named as a policy it extends is refused: its layer would be the base's") {
    write_temp("named_twice_base.cpl", "policy acme extends standard\nmin_muscles_per_limb 3\n");
    CHECK(codes(load_text("policy acme extends \"named_twice_base.cpl\"\nmin_muscles_per_limb 4\n",
                          "named_twice.cpl")) == "load.layer_name_taken");
    CHECK(codes(load_text("policy standard extends standard\n", "named_standard.cpl")) ==
          "load.layer_name_taken");
    CHECK(codes(load_text("policy acme_2025 extends \"named_twice_base.cpl\"\n",
                          "named_apart.cpl")) == "");
}

TEST_CASE("mistakes that still leave a working policy are warnings, by code") {
    auto [text, code] = GENERATE(table<std::string, std::string>({
        {"policy p\nrule r when 1 == 1 bill 95860 cite \"c\"\n", "check.constant_condition"},
        {"policy p\nrule r when false bill 95860 cite \"c\"\n", "check.constant_condition"},
        {"policy p\ntable t 95907.. => 1 end\ndef x = 95908 in t\n", "check.range_key_open_code"},
        {"policy p\ntable t \"G56.00-G56.03\" => 1 end\ndef x = \"a\" in t\n",
         "check.range_in_string_key"},
        {"policy p\ntable t \"G56.0-\" => 1 end\ndef x = \"a\" in t\n", "check.wildcard_key"},
    }));
    CAPTURE(text);
    Loaded loaded = load_text(text);
    CHECK(loaded.program != nullptr);
    CHECK(codes(loaded) == code);
}

TEST_CASE("what is not a mistake: switches, literal true, plain prefixes") {
    auto text = GENERATE(
        as<std::string>{},
        "policy p\nsetting strict false\nrule r when strict bill 95860 cite \"c\"\n",
        "policy p\nsetting strict false\nrule r when not (strict and count(case.diagnoses) > 0) "
        "bill 95860 cite \"c\"\n",
        "policy p\nrule r when true bill 95860 cite \"c\"\n",
        "policy p\ntable t \"G56.0\" => 1 end\ndef x = count(prefix_rows(t, \"G56.02\"))\n",
        "policy p\ntable t 95860 => 1 end\ndef x = \"95860\" in t\n");
    CAPTURE(text);
    Loaded loaded = load_text(text);
    CHECK(loaded.program != nullptr);
    CHECK(rendered(loaded).empty());
}

TEST_CASE("a range of codes is one row per code, a payer's row takes the keys it restates") {
    write_temp("range_base.cpl",
               "policy range_base\n"
               "table mue 95885 => 4\n  95886 => 4\n  95887 => 4\n  95860 => 1\nend\n"
               "table band 95907..95913 => \"band\"\nend\n"
               "table dx \"G56.00\"..\"G56.03\" => \"cts\"\nend\n");
    Loaded loaded = load_text("policy range_payer extends \"range_base.cpl\"\n"
                              "table mue 95885..95887 => 1\nend\n"
                              "table band\n  remove 95910\n  95911 => \"own\"\nend\n",
                              "range_payer.cpl");
    REQUIRE(loaded.program);
    const Program& p = *loaded.program;
    const TableData& mue = *p.tables[0];
    REQUIRE(mue.rows.size() == 4);
    for (const char* code : {"95885", "95886", "95887"}) {
        const TableRowData* row = mue.find(Value::of_string(code));
        REQUIRE(row);
        CHECK(row->value.number == 1);
        CHECK(row->layer == "range_payer");
    }
    CHECK(mue.find(Value::of_string("95860"))->value.number == 1);
    const TableData& band = *p.tables[1];
    CHECK(band.find(Value::of_string("95908"))->value.str() == "band");
    CHECK(band.find(Value::of_string("95910")) == nullptr);
    CHECK(band.find(Value::of_string("95911"))->value.str() == "own");
    CHECK(band.find(Value::of_string("95914")) == nullptr);
    const TableData& dx = *p.tables[2];
    CHECK(dx.find(Value::of_string("G56.02")));
    CHECK(dx.find(Value::of_string("G56.0")) == nullptr);
    CHECK(dx.find(Value::of_string("G56.10")) == nullptr);
}

// A record's fields take their types from the first record of the same fields the checker
// compiles: a payer's mistake in its restatement of a table's first row once set them, and
// every row of the base was blamed instead of the payer's one.
TEST_CASE("a payer's mistyped restatement of a table's first row is its own error alone") {
    for (const char* key : {"carpal_tunnel_unilateral", "carpal_tunnel_bilateral"}) {
        Loaded loaded = load_text(
            fmt::format("policy first_row extends standard \"f\"\ntable aanem_limits\n"
                        "  \"{}\" => {{label: \"cts\", needle_emg: \"1\", motor: 3, sensory: 4, "
                        "h_reflex: 0, nmj: 0}}\nend\n",
                        key));
        INFO(key << "\n" << rendered(loaded));
        CHECK(loaded.program == nullptr);
        auto all = loaded.diagnostics.sorted();
        REQUIRE(all.size() == 1);
        const Diagnostic& d = all.front();
        CHECK(d.code == "check.table_value_type");
        REQUIRE(d.span);
        CHECK(loaded.sources->get(d.span->file).path().find("test_") != std::string::npos);
        CHECK(d.message.find("is a string, not a number") != std::string::npos);
    }
}

TEST_CASE("a payer's range that covers part of a base range is refused") {
    write_temp("range_base2.cpl", "policy range_base2\ntable t 1..4 => 1\nend\n");
    Loaded loaded = load_text("policy range_payer2 extends \"range_base2.cpl\"\n"
                              "table t 3..6 => 2\nend\n",
                              "range_payer2.cpl");
    CHECK(codes(loaded) == "check.duplicate_key");
}

TEST_CASE("a fragment of a policy is checked in the policy that includes it") {
    write_temp("fragment_part.cpl", "def x = 1\n");
    write_temp("fragment_main.cpl", "policy fragment_main\ninclude \"fragment_part.cpl\"\n");
    Loaded loaded = load_policy(write_temp("fragment_part.cpl", "def x = 1\n"));
    REQUIRE(loaded.program);
    CHECK(loaded.program->name == "fragment_main");
    CHECK(loaded.included_by.ends_with("fragment_main.cpl"));
}

TEST_CASE("a policy whose header follows a byte order mark or a CR-ended comment is no fragment") {
    // A fragment's includer is looked for in every policy file around it: a header missed
    // would make that search, and name an includer that has nothing to do with the file.
    write_temp("fragment_bom_main.cpl", "policy fragment_bom_main\ninclude \"fragment_bom.cpl\"\n");
    for (std::string text :
         {"\xEF\xBB\xBFpolicy fragment_bom\n", "# note\rpolicy fragment_bom\r"}) {
        Loaded loaded = load_policy(write_temp("fragment_bom.cpl", text));
        REQUIRE(loaded.program);
        CHECK(loaded.included_by.empty());
        CHECK(loaded.program->name == "fragment_bom");
    }
}

TEST_CASE("an override without clauses restates a rule: the base's body runs, with the new "
          "description, cite and dates") {
    Loaded loaded = load_text(
        "policy acme extends standard\n"
        "override rule needle_emg_complete_with_ncs \"Complete extremities with NCS (Acme 4.1)\"\n"
        "  from \"2024-01-01\"\n"
        "  cite \"Acme provider manual 2025, 4.1\"\n");
    INFO(rendered(loaded));
    REQUIRE(loaded.program);
    Session session(*loaded.program);
    std::string study =
        slurp(source_root / "tests/golden/run/standard/carpal-tunnel-right.case.json");
    EvaluateOptions explain;
    explain.explain = true;
    auto out = session.run(study, explain);
    REQUIRE(out.result);
    const Line& emg = out.result->lines.at(1);
    CHECK(emg.code == "95886"); // the base's clauses still bill it
    CHECK(emg.cite == "Acme provider manual 2025, 4.1");
    CHECK(emg.layer == "acme");
    CHECK(emg.because.at(0) == "Complete extremities with NCS (Acme 4.1)");
    // Its own dates: before 2024 the restated rule is not in force.
    auto at = study.find("\"date_of_service\"");
    REQUIRE(at != std::string::npos);
    std::string in_2023 = study;
    in_2023.replace(in_2023.find('"', at + 18) + 1, 10, "2023-06-01");
    out = session.run(in_2023);
    REQUIRE(out.result);
    for (const auto& l : out.result->lines)
        CHECK(l.code != "95886");
}

// A restatement of a restatement: what the later one does not write stays the earlier's, not
// the body's (a payer extending one that switched an edit off before 2030 left it off).
TEST_CASE("a restatement over a restatement keeps the earlier one's cite and dates") {
    std::string base =
        write_temp(fmt::format("restated_base_{}.cpl", ::getpid()),
                   "policy ga extends standard \"g\"\n"
                   "override rule needle_emg_complete_with_ncs \"restated A\" from \"2030-01-01\"\n"
                   "  cite \"A cite\"\n");
    Loaded loaded = load_text("policy gc extends \"" + base + "\"\n" +
                              "override rule needle_emg_complete_with_ncs \"restated C\"\n");
    INFO(rendered(loaded));
    REQUIRE(loaded.program);
    const RuleCode* rule = nullptr;
    for (const auto& r : loaded.program->rules)
        if (r.name == "needle_emg_complete_with_ncs") rule = &r;
    REQUIRE(rule);
    CHECK(rule->doc == "restated C");
    CHECK(rule->cite == "A cite");
    CHECK(rule->effective.from == "2030-01-01");
    // Within one file: the second restatement writes the cite, the first's dates stand.
    loaded = load_text(
        "policy g12 extends standard\n"
        "override rule needle_emg_complete_with_ncs \"first\" from \"2030-01-01\" cite \"y\"\n"
        "override rule needle_emg_complete_with_ncs \"second\" cite \"z\"\n");
    INFO(rendered(loaded));
    REQUIRE(loaded.program);
    for (const auto& r : loaded.program->rules)
        if (r.name == "needle_emg_complete_with_ncs") rule = &r;
    CHECK(rule->doc == "second");
    CHECK(rule->cite == "z");
    CHECK(rule->effective.from == "2030-01-01");
}

// `fixed` on the rows a policy adds to its base's table was once accepted and ignored.
TEST_CASE("a policy that fixes its base's table fixes it for the policies over it") {
    std::string base = write_temp(fmt::format("fixes_mue_{}.cpl", ::getpid()),
                                  "policy fx1 extends standard \"f\"\n"
                                  "fixed table mue\n  95866 => 2\nend\n");
    for (std::string change :
         {"table mue\n  95866 => 9\nend\n", "replace table mue\n  95866 => 9\nend\n"}) {
        Loaded loaded = load_text("policy fx2 extends \"" + base + "\"\n" + change);
        INFO(rendered(loaded));
        CHECK(codes(loaded) == "check.fixed");
        CHECK(rendered(loaded).find("table `mue` is fixed by `fx1`") != std::string::npos);
        // The payer chose to fix it: the note says so, not that CPT's rules require it.
        CHECK(rendered(loaded).find("note: `fx1` fixed it for the policies that extend it") !=
              std::string::npos);
        CHECK(rendered(loaded).find("CPT's code bands") == std::string::npos);
    }
    Loaded own = load_text("policy fx1b extends standard\nfixed table mue\n  95866 => 2\nend\n"
                           "table mue\n  95867 => 2\nend\n");
    CHECK(codes(own).empty()); // its own layer may go on writing rows
}

// A payer that dates a setting its base's table reads gets the error at its own dated value
// (it was in the base's file, which the payer's author cannot change); a note names the table
// value that reads it.
TEST_CASE("a table value of a base reading a setting a payer dates names the payer's line") {
    std::string base = write_temp(fmt::format("dated_base_{}.cpl", ::getpid()),
                                  "policy base \"b\"\nsetting base_s 3 \"s\" cite \"c\"\n"
                                  "table t \"t\" cite \"c\"\n  1 => base_s\nend\n");
    Loaded loaded =
        load_text("policy payer extends \"" + base + "\"\n" + "base_s 9 from \"2024-01-01\"\n");
    INFO(rendered(loaded));
    CHECK(codes(loaded) == "check.table_value_not_constant");
    CHECK(rendered(loaded).find(".cpl:2:15: error: `base_s` is read by a table value") !=
          std::string::npos);
    CHECK(rendered(loaded).find("note: read by the table value at ") != std::string::npos);
}

// A loop over constants is a constant: once refused as "no case facts or definitions",
// which it had neither of.
TEST_CASE("a table value computed by a loop over constants is computed at check time") {
    Loaded loaded = load_text("policy p\ntable t \"t\" cite \"c\"\n"
                              "  1 => [x * 2 for x in [1, 2, 3]]\n"
                              "  2 => [x for x in [4, 5] if x > 4]\nend\n"
                              "table q \"q\" cite \"c\"\n  1 => any x in [1, 2]: x > 1\nend\n");
    INFO(rendered(loaded));
    REQUIRE(loaded.program);
    CHECK(codes(loaded).empty());
    const TableData* t = nullptr;
    for (const auto& table : loaded.program->tables)
        if (table->name == "t") t = table.get();
    REQUIRE(t);
    REQUIRE(t->rows.size() == 2);
    CHECK(t->rows[0].value.size == 3);
    CHECK(t->rows[0].value.items[2].number == 6);
    CHECK(t->rows[1].value.size == 1);
    // An error in such a value is the checker's, where it is.
    Loaded broken =
        load_text("policy p\ntable t \"t\" cite \"c\"\n  1 => [10 / x for x in [1, 0]]\nend\n");
    CHECK(codes(broken) == "eval.division_by_zero");
}

// A payer over another that overrides an edit with clauses drops what the base payer added to
// it (its exceptions and narrowings): said, naming each. An override without clauses keeps them.
TEST_CASE("an override with clauses says which exceptions and narrowings of earlier policies it "
          "drops") {
    std::string base = write_temp(
        fmt::format("drops_base_{}.cpl", ::getpid()),
        "policy drops_a extends standard \"a\"\n"
        "exception nmj_paid to edit mue_per_day_clinical per line \"paid above the MUE\"\n"
        "  when line.code == 95937\n  warn \"paid\"\n  cite \"c\"\n"
        "narrow edit mue_per_line \"only for 95886\"\n  when line.code == 95886\n  cite \"c\"\n");
    Loaded loaded = load_text(
        "policy drops_b extends \"" + base +
        "\"\n"
        "override edit mue_per_day_clinical \"reworded\"\n  for line in claim\n"
        "  when line.code in mue\n  when units_of(claim, line.code) > mue[line.code]\n"
        "  cap units at mue[line.code]\n  cite \"b\"\n"
        "override edit mue_per_line \"reworded\"\n  for line in claim\n  when line.code in mue\n"
        "  when line.units > mue[line.code]\n  deny \"over\"\n  cite \"b\"\n");
    INFO(rendered(loaded));
    CHECK(codes(loaded) == "check.override_drops_changes check.override_drops_changes");
    CHECK(rendered(loaded).find("this override replaces `mue_per_day_clinical` and what earlier "
                                "policies added to it: exception `nmj_paid` of `drops_a` no "
                                "longer runs") != std::string::npos);
    CHECK(rendered(loaded).find("narrowing `mue_per_line` of `drops_a` no longer runs") !=
          std::string::npos);
    Loaded restated = load_text("policy drops_c extends \"" + base +
                                "\"\noverride edit mue_per_day_clinical \"reworded\"\n"
                                "  cite \"c\"\n");
    CHECK(codes(restated).empty());
    // A `disable` drops the exceptions too (what they did in the edit's place): said, naming
    // them. A narrowing only kept the edit from acting, as the `disable` does: not named.
    Loaded disabled = load_text("policy drops_d extends \"" + base +
                                "\"\n"
                                "disable edit mue_per_day_clinical \"no daily limit\"\n"
                                "disable edit mue_per_line \"no line limit\"\n");
    INFO(rendered(disabled));
    CHECK(codes(disabled) == "check.disable_drops_exceptions");
    CHECK(rendered(disabled).find("disabling `mue_per_day_clinical` also drops what earlier "
                                  "policies made it do instead: exception `nmj_paid` of "
                                  "`drops_a` no longer runs") != std::string::npos);
    CHECK(rendered(disabled).find("mue_per_line") == std::string::npos);
}

// A payer file whose own edit `from_2023` runs from 2023-01-01, to extend.
std::string base_with_edit_from_2023() {
    return write_temp(fmt::format("dated_edit_base_{}.cpl", ::getpid()),
                      "policy dated_a extends standard \"a\"\n"
                      "edit from_2023 \"from 2023\"\n  from \"2023-01-01\"\n"
                      "  for line in claim\n  when line.units > 3\n  deny \"over\"\n"
                      "  cite \"a\"\n");
}

// An override without dates of a dated rule runs on every date, also where the rule did not.
TEST_CASE("an override without dates of a dated edit says it now runs on every date") {
    std::string base = base_with_edit_from_2023();
    Loaded loaded = load_text("policy dated_b extends \"" + base +
                              "\"\noverride edit from_2023 \"reworded\"\n  for line in claim\n"
                              "  when line.units > 3\n  deny \"over 3\"\n  cite \"b\"\n");
    INFO(rendered(loaded));
    CHECK(codes(loaded) == "check.dated_override");
    CHECK(rendered(loaded).find("`dated_a`'s edit `from_2023` runs only from 2023-01-01; this "
                                "override has no dates, so it runs on every date of service") !=
          std::string::npos);
    CHECK(rendered(loaded).find("help: to keep the edit's dates, write them in the override: "
                                "`from \"2023-01-01\"`") != std::string::npos);
}

// An exception or narrowing dated only where its target does not run changes nothing.
TEST_CASE("an exception or narrowing dated outside its target's dates never runs") {
    std::string base = base_with_edit_from_2023();
    Loaded loaded = load_text("policy target_b extends \"" + base +
                              "\"\nexception before_2023 to edit from_2023 \"x\"\n"
                              "  until \"2023-01-01\"\n  when true\n  warn \"w\"\n  cite \"b\"\n"
                              "narrow edit from_2023 \"y\"\n  until \"2022-06-01\"\n"
                              "  when line.units > 4\n  cite \"b\"\n");
    INFO(rendered(loaded));
    CHECK(codes(loaded) == "check.never_applies check.never_applies");
    CHECK(rendered(loaded).find("exception `before_2023` never runs: it holds until 2023-01-01, "
                                "and edit `from_2023` runs only from 2023-01-01") !=
          std::string::npos);
    // Overlapping the target's dates by a day is enough.
    Loaded overlapping = load_text("policy target_c extends \"" + base +
                                   "\"\nexception in_2023 to edit from_2023 \"x\"\n"
                                   "  until \"2023-01-02\"\n  when true\n  warn \"w\"\n"
                                   "  cite \"b\"\n");
    CHECK(codes(overlapping).empty());
}

// `.field` of a list of values that are not records stops every case: it checked clean.
TEST_CASE("a field of a list of strings or numbers is a type mismatch") {
    Loaded loaded = load_text("policy fields_of_list extends standard \"f\"\n"
                              "def names = case.extremities[0].muscles.name.muscles\n"
                              "def units = case.claim.units.value\n");
    INFO(rendered(loaded));
    CHECK(codes(loaded) == "check.type_mismatch check.type_mismatch");
    CHECK(rendered(loaded).find("`.muscles` needs a record or a list of records, not [string]") !=
          std::string::npos);
    // A field of each record of a list, and of each list of a list, stay as they were.
    Loaded fine = load_text("policy fields_of_records extends standard \"f\"\n"
                            "def names = if count(case.extremities) > 0 then "
                            "case.extremities[0].muscles.name else []\n"
                            "def nested = case.extremities.muscles.name\n");
    INFO(rendered(fine));
    CHECK(codes_but_unused(fine).empty());
}

// A case-level exception that picks lines by code after its guard replaces its target for
// every other line of the case too; one that rewrites the target for every line does not pick.
TEST_CASE("an exception that picks lines by code after its guard is warned of the whole case") {
    Loaded picks = load_text("policy whole_case extends standard \"w\"\n"
                             "exception nmj_ok to edit mue_per_day_clinical \"x\"\n"
                             "  when 95937 in claim.code\n  for line in claim\n"
                             "  when line.code in [95937, 95872]\n  warn \"paid\"\n  cite \"c\"\n");
    INFO(rendered(picks));
    CHECK(codes(picks) == "check.exception_whole_case");
    Loaded rewrites = load_text("policy rewrites extends standard \"w\"\n"
                                "exception strict to edit mue_per_day_clinical \"x\"\n"
                                "  when 95937 in claim.code\n  for line in claim\n"
                                "  when line.code in mue\n  when line.units > mue[line.code]\n"
                                "  deny \"over\"\n  cite \"c\"\n");
    INFO(rendered(rewrites));
    CHECK(codes(rewrites).empty());
    Loaded per_line = load_text("policy per_line extends standard \"w\"\n"
                                "exception nmj_ok to edit mue_per_day_clinical per line \"x\"\n"
                                "  when line.code == 95937\n  warn \"paid\"\n  cite \"c\"\n");
    CHECK(codes(per_line).empty());
}

// An exception of a base's edit named as the target of a change was "no edit … to change".
TEST_CASE("changing a base's exception says it is one, and how to undo it") {
    for (std::string change :
         {"disable edit ptp_deny_names_xs \"no\"\n",
          "override edit ptp_deny_names_xs \"no\"\n  cite \"x\"\n",
          "narrow edit ptp_deny_names_xs \"no\"\n  when true\n  cite \"x\"\n"}) {
        Loaded loaded = load_text("policy over_exception extends \"" +
                                  (cpl::test::source_root / "policies/commercial.cpl").string() +
                                  "\"\n" + change);
        INFO(rendered(loaded));
        CHECK(codes(loaded) == "check.unknown_rule");
        CHECK(rendered(loaded).find("`ptp_deny_names_xs` is an exception of `commercial` to edit "
                                    "`ptp_indicator_1_without_modifier`, not a rule or edit") !=
              std::string::npos);
        CHECK(rendered(loaded).find("help: to undo it, `override edit "
                                    "ptp_indicator_1_without_modifier`") != std::string::npos);
    }
}

// Muscle names are matched without regard to case: a payer's row `"apb"` beside the standard's
// `"APB"` was never used, and checked clean.
TEST_CASE("a muscle row named as another row's muscle in another case is refused") {
    Loaded loaded = load_text("policy muscle_case extends standard \"m\"\ntable muscles\n"
                              "  \"apb\" => {nerve: \"radial\", roots: [\"C7\"]}\nend\n");
    INFO(rendered(loaded));
    CHECK(codes(loaded) == "check.muscle_name_case");
    CHECK(rendered(loaded).find("muscle `apb` is `APB` of `standard`'s row") != std::string::npos);
    // Written as the standard writes it, it restates the name (a split, warned as such).
    Loaded restated = load_text("policy muscle_same extends standard \"m\"\ntable muscles\n"
                                "  \"APB\" => {nerve: \"radial\", roots: [\"C7\"]}\nend\n");
    CHECK(codes(restated) == "check.muscle_split");
}

// A position in a list the case chooses is proved by a test of the list's count that holds
// where it runs, an `else` reading the condition's negation (check.unguarded_position).
TEST_CASE("a position in a case's list needs a count that covers it") {
    Loaded fine =
        load_text("policy positions extends standard \"p\"\n"
                  "def second = if count(case.diagnoses) <= 1 then \"\" else case.diagnoses[1]\n"
                  "def first = if 0 < count(case.diagnoses) then case.diagnoses[0] else \"\"\n");
    INFO(rendered(fine));
    CHECK(codes_but_unused(fine).empty());
    // Judged where the definition is read or, a function, called: a read with no test before
    // it is warned, one after a test of the count is not, and a definition nothing reads stops
    // no case. `reads` is the definition's read, `test` the count tested before it.
    auto judged_at_read = [](const std::string& def, const std::string& reads,
                             const std::string& name) {
        std::string policy = "policy positions extends standard \"p\"\n" + def + "\n";
        CHECK(codes_but_unused(load_text(policy)).empty());
        Loaded untested = load_text(policy + "rule r when " + reads + " bill 95860 cite \"x\"\n");
        INFO(rendered(untested));
        CHECK(codes(untested) == "check.unguarded_position");
        CHECK(rendered(untested).find("has fewer than 2 elements") != std::string::npos);
        CHECK(rendered(untested).find("`" + name + "` reads `case.diagnoses[1]`") !=
              std::string::npos);
        Loaded tested = load_text(policy + "rule r when count(case.diagnoses) >= 2\n  when " +
                                  reads + " bill 95860 cite \"x\"\n");
        INFO(rendered(tested));
        CHECK(codes(tested).empty());
    };
    judged_at_read("def second = if count(case.diagnoses) < 1 then \"\" else case.diagnoses[1]",
                   "second == \"G56.01\"", "second");
    judged_at_read("def second_is(x) = case.diagnoses[1] == x", "second_is(\"G56.01\")",
                   "second_is");
    // A list written in place, or a constant one, has the elements it is written with.
    Loaded written = load_text("policy positions extends standard \"p\"\n"
                               "def first = [case.date_of_service, \"x\"][1]\n");
    INFO(rendered(written));
    CHECK(codes_but_unused(written).empty());
}

// `remove KEY` takes out one version of a dated key: an undated one that leaves another in
// force is said, naming it; one `remove` for each version is not.
TEST_CASE("a remove without dates that leaves a version of its key in force is said") {
    std::string base = write_temp(fmt::format("versions_base_{}.cpl", ::getpid()),
                                  "policy versions_a extends standard \"a\"\n"
                                  "table per_day \"a day\"\n  cite \"a\"\n"
                                  "  95866 => 2 until \"2023-01-01\"\n"
                                  "  95866 => 1 from \"2023-01-01\"\n  95870 => 1\nend\n");
    Loaded once = load_text("policy versions_b extends \"" + base +
                            "\"\ntable per_day\n  remove 95866\nend\n");
    INFO(rendered(once));
    CHECK(codes(once) == "check.remove_leaves_versions");
    CHECK(rendered(once).find("`remove 95866` takes out one version of 95866, the first the "
                              "table has: its version from 2023-01-01 stays in force") !=
          std::string::npos);
    Loaded each = load_text("policy versions_c extends \"" + base +
                            "\"\ntable per_day\n  remove 95866\n  remove 95866\n"
                            "  remove 95870\nend\n");
    INFO(rendered(each));
    CHECK(codes(each).empty());
}

// A row written over a table read from a data file is held to its columns' types.
TEST_CASE("a payer's row of a data file's table holds dates and codes as the file's cells do") {
    Loaded code = load_text("policy columns_a extends standard \"a\"\ntable ptp\n"
                            "  95870 => [{column_1: \"958860\", modifier_indicator: 1, "
                            "deletion_date: \"\"}]\nend\n");
    INFO(rendered(code));
    CHECK(codes(code) == "check.table_value_type");
    CHECK(rendered(code).find("`column_1` is \"958860\", not a procedure code") !=
          std::string::npos);
    Loaded fine = load_text("policy columns_b extends standard \"b\"\ntable ptp\n"
                            "  95870 => [{column_1: 95886, modifier_indicator: 1, "
                            "deletion_date: \"2025-12-31\"}]\nend\n");
    INFO(rendered(fine));
    CHECK(codes(fine).empty());
}

// Helps that a payer can follow as written: each leads to a file that checks.
TEST_CASE("the help for a misplaced setting, table or code says what to write") {
    Loaded verb = load_text("policy helps_a extends standard \"a\"\nset min_muscles_per_limb 4\n");
    INFO(rendered(verb));
    CHECK(rendered(verb).find("help: to restate a setting, write its name and value, without "
                              "`set`: `min_muscles_per_limb 4`") != std::string::npos);
    Loaded table = load_text("policy helps_b extends standard \"b\"\nmue 2\n");
    INFO(rendered(table));
    CHECK(rendered(table).find("help: `mue` is a table: restate its rows in a block") !=
          std::string::npos);
    Loaded code =
        load_text("policy helps_c extends standard \"c\"\ntable mue\n  958870 => 1\nend\n");
    INFO(rendered(code));
    CHECK(codes(code) == "check.table_key_type");
    CHECK(rendered(code).find("help: a code has five characters") != std::string::npos);
}

// A case-level exception whose own conditions contradict each other never runs; its target
// still acts, and the warning says which of the two never runs.
TEST_CASE("a contradiction in a case-level exception names the exception, not its edit") {
    Loaded loaded = load_text("policy never_exc extends standard \"n\"\n"
                              "exception one_dx to edit aanem_limit \"one\"\n"
                              "  when count(case.diagnoses) > 3\n"
                              "  when count(case.diagnoses) == 1\n  warn \"x\"\n  cite \"n\"\n");
    INFO(rendered(loaded));
    CHECK(codes(loaded) == "check.contradiction");
    CHECK(rendered(loaded).find("the exception `one_dx` to edit `aanem_limit` never runs") !=
          std::string::npos);
}
