// tests/interpreter/evaluate_test.cpp — rules, edits, merging, explain and run-time errors.
#include "../helpers.hpp"
#include "interpreter/program/expressions.hpp"

#include <catch2/catch.hpp>

using namespace cpl;
using namespace cpl::test;

namespace {

const char* muscles =
    "table muscles\n"
    "  \"abductor pollicis brevis\", \"APB\" => {nerve: \"median\", roots: [\"C8\", \"T1\"]}\n"
    "  \"first dorsal interosseous\", \"FDI\" => {nerve: \"ulnar\", roots: [\"C8\", \"T1\"]}\n"
    "  \"biceps\" => {nerve: \"musculocutaneous\", roots: [\"C5\", \"C6\"]}\n"
    "end\n";

std::string lines_of(const Result& r) {
    std::string out;
    for (const auto& l : r.lines) {
        out += fmt::format("{}{} x{}", out.empty() ? "" : "; ", l.code, l.units);
        for (auto m : l.modifiers)
            out += fmt::format(" {}", m);
    }
    return out;
}

struct Run {
    Loaded loaded;
    std::unique_ptr<Session> session;
    CaseOutcome run(const std::string& json, bool explain = false) {
        EvaluateOptions options;
        options.explain = explain;
        return session->run(json, options);
    }
    // As `cpl bench --profile` runs a case: its costs added to `profile`.
    CaseOutcome profiled(const std::string& json, RuleProfile& profile) {
        EvaluateOptions options;
        options.profile = &profile;
        return session->run(json, options);
    }
};

Run make(const std::string& body) {
    Run r{load_text(std::string("policy t\n") + muscles + body), nullptr};
    INFO(rendered(r.loaded));
    REQUIRE(r.loaded.program);
    r.session = std::make_unique<Session>(*r.loaded.program);
    return r;
}

} // namespace

TEST_CASE("rules bill codes, lines with the same code merge their units") {
    auto r = make("def limbs = count(case.extremities)\n"
                  "rule per_limb for l in case.extremities bill 95870 cite \"x\"\n"
                  "rule total when limbs > 1 bill 95861 units limbs - 1 cite \"y\"\n");
    auto out = r.run(
        R"({"id": "c1", "extremities": [{"limb": "left_arm", "muscles": ["APB"]}, {"limb": "right_arm", "muscles": ["fdi"]}]})");
    REQUIRE(out.result);
    CHECK(lines_of(*out.result) == "95870 x2; 95861 x1");
    CHECK(out.result->lines[0].rule == "per_limb");
    CHECK(out.result->lines[0].cite == "x");
}

TEST_CASE("a billed line carries a modifier once, whatever list computed it") {
    auto r = make("rule sided for l in case.extremities\n"
                  "  bill 95860 modifiers [if l.limb == \"right_arm\" then \"RT\" else \"LT\", "
                  "\"RT\", \"59\"]\n"
                  "  cite \"x\"\n");
    auto out = r.run(R"({"id": "c1", "extremities": [{"limb": "right_arm", "muscles": ["APB"]}]})");
    REQUIRE(out.result);
    CHECK(lines_of(*out.result) == "95860 x1 RT 59");
}

TEST_CASE("muscles are resolved through the muscles table, member access maps over lists") {
    auto r =
        make("rule nerves let n = distinct(flatten([l.muscles.nerve for l in case.extremities]))\n"
             "  when count(n) == 2 bill 95860 cite \"x\"\n");
    auto out = r.run(
        R"({"id": "c2", "extremities": [{"limb": "left_arm", "muscles": ["APB", "FDI", "abductor pollicis brevis"]}]})");
    REQUIRE(out.result);
    CHECK(lines_of(*out.result) == "95860 x1");
}

TEST_CASE("tables look up by number, range and string") {
    auto r =
        make("table band 1..2 => 95907\n 3..4 => 95908\n 13.. => 95913\nend\n"
             "rule ncs let n = count(case.nerve_conduction) when n > 0 bill band[n] cite \"x\"\n");
    auto out = r.run(
        R"({"id": "c3", "nerve_conduction": [{"nerve": "median", "side": "left", "type": "motor"}, {"nerve": "ulnar", "side": "left", "type": "motor"}, {"nerve": "radial", "side": "left", "type": "sensory"}]})");
    REQUIRE(out.result);
    CHECK(lines_of(*out.result) == "95908 x1");
}

TEST_CASE("edits cap units, deny lines, add modifiers, and record why") {
    auto r = make("table mue 95870 => 1 end\n"
                  "rule per_limb for l in case.extremities bill 95870 cite \"x\"\n"
                  "edit cap_mue for line in claim when line.code in mue cap units at "
                  "mue[line.code] cite \"MUE\"\n"
                  "edit professional for line in claim when case.provider_role == \"professional\" "
                  "add modifier \"26\" cite \"CMS\"\n");
    auto out = r.run(
        R"({"id": "c4", "provider_role": "professional", "extremities": [{"limb": "left_arm", "muscles": ["APB"]}, {"limb": "right_arm", "muscles": ["APB"]}]})");
    REQUIRE(out.result);
    CHECK(lines_of(*out.result) == "95870 x1 26");
    REQUIRE(out.result->edits.size() == 1);
    CHECK(out.result->edits[0].severity == "deny");
    CHECK(out.result->edits[0].rule == "cap_mue");
    CHECK(out.result->edits[0].code == "95870");
}

TEST_CASE("a negative cap or billed units are the case's error, not a 0") {
    // A cap below 0 removed the line, as a cap at 0 does: a policy's mistake read as a denial.
    auto r = make("rule per_limb for l in case.extremities bill 95870 cite \"x\"\n"
                  "edit cut for line in claim cap units at line.units - 5 cite \"x\"\n");
    auto out = r.run(R"({"id": "c", "extremities": [{"limb": "left_arm", "muscles": ["APB"]}]})");
    CHECK_FALSE(out.result);
    CHECK(out.error.find("a cap cannot be negative (-4)") != std::string::npos);
    CHECK(out.error.find("[eval.negative_units]") != std::string::npos);
    auto billed =
        make("rule r when true bill 95860 units count(case.extremities) - 2 cite \"x\"\n");
    auto none = billed.run(R"({"id": "c"})");
    CHECK(none.error.find("units cannot be negative (-2)") != std::string::npos);
}

TEST_CASE("a policy's line carries only what a claim line can: modifiers, components, units") {
    // A modifier made for the case, 26 with TC, or more than 9999 units after the edits was put
    // on the output as it was, where the case reader refuses each on a submitted line.
    auto dated = make("rule r when true bill 95860 modifiers [case.id] cite \"x\"\n");
    auto made = dated.run(R"({"id": "2025-03-01"})");
    CHECK_FALSE(made.result);
    CHECK(made.error.find("a modifier must be two capital letters or digits (\"26\", \"RT\"), "
                          "got \"2025-03-01\"") != std::string::npos);
    CHECK(made.error.find("[eval.type]") != std::string::npos);
    CHECK(dated.run(R"({"id": "XS"})").result);
    auto joined = make("rule r when true bill 95860 cite \"x\"\n"
                       "edit e for line in claim add modifier join(line.modifiers, \"\") "
                       "cite \"x\"\n");
    CHECK(joined.run(R"({"id": "c"})").error.find("got \"\"") != std::string::npos);
    auto both = make("rule r when true bill 95861 modifiers [\"26\"] cite \"x\"\n"
                     "edit e for line in claim add modifier \"TC\" cite \"x\"\n");
    auto components = both.run(R"({"id": "c"})");
    CHECK_FALSE(components.result);
    CHECK(components.error.find("95861 with 26 and TC: a line is the professional component or "
                                "the technical one, not both") != std::string::npos);
    CHECK(components.error.find("[eval.impossible_line]") != std::string::npos);
    auto many = make("rule r for d in case.diagnoses bill 95872 units 5_000 cite \"x\"\n"
                     "edit e for line in claim when count(case.diagnoses) > 2 cap units at 4 "
                     "cite \"x\"\n");
    auto over = many.run(R"({"id": "c", "diagnoses": ["G56.01", "G20"]})");
    CHECK_FALSE(over.result);
    CHECK(over.error.find("10000 units of 95872 after the edits (billed by `r`): a claim line "
                          "carries at most 9999") != std::string::npos);
    // In review, the claim the policy would bill is advised as unbilled: refused the same way.
    auto reviewed =
        many.run(R"({"id": "c", "diagnoses": ["G56.01", "G20"], "claim": [{"code": "95860"}]})");
    CHECK_FALSE(reviewed.result);
    CHECK(reviewed.error.find("10000 units of 95872 after the edits") != std::string::npos);
    // Capped by an edit, the rule's 15,000 units are a line of 4.
    auto capped = many.run(R"({"id": "c", "diagnoses": ["G56.01", "G20", "G35"]})");
    REQUIRE(capped.result);
    CHECK(lines_of(*capped.result) == "95872 x4");
}

TEST_CASE("merged units that overflow, and a billed text that is no code, are the case's error") {
    // Two lines of 95860 merged past 64 bits printed a negative line, and `units_of` summed
    // them the same way; `bill code(case.id)` billed "x".
    auto huge = make("rule r for d in case.diagnoses bill 95860 units 5_000_000_000_000_000_000 + "
                     "count(case.diagnoses) cite \"x\"\n");
    auto merged = huge.run(R"({"id": "c", "diagnoses": ["G56.01", "G20"]})");
    CHECK_FALSE(merged.result);
    CHECK(merged.error.find("[eval.overflow]") != std::string::npos);
    auto text = make("rule r when true bill code(case.id) cite \"x\"\n");
    auto billed = text.run(R"({"id": "x"})");
    CHECK_FALSE(billed.result);
    CHECK(billed.error.find("a billed code must be a procedure code") != std::string::npos);
    CHECK(text.run(R"({"id": "95860"})").result);
}

TEST_CASE("a dated table's count, keys, entries and prefix_rows see the version in force") {
    // A later version of a key (a payer's, or a row from a date) takes it over, as a look-up
    // does: the earlier one is not listed beside it, and prefix_rows returns the new value.
    auto r = make("table lim \"units a day\"\n"
                  "  95866 => 4\n  95867 => 2\n  95866 => 1 from \"2023-01-01\"\n"
                  "  95868 => 3 until \"2024-03-01\"\nend\n"
                  "table covered \"covered diagnoses\"\n"
                  "  \"G56.0\" => \"base\"\n  \"G56.0\" => \"payer\" from \"2024-01-01\"\n"
                  "  \"G20\" => \"pd\" until \"2024-03-01\"\nend\n"
                  "def n = count(lim)\n"
                  "def k = keys(lim)\n"
                  "def total = sum([e.value for e in entries(lim)])\n"
                  "def dx = flatten([prefix_rows(covered, d) for d in case.diagnoses])\n"
                  "rule r when true bill 95860 units n cite \"x\"\n"
                  "rule s when total == 3 bill 95861 cite \"x\"\n"
                  "rule u when dx == [\"payer\"] bill 95863 cite \"x\"\n");
    // 2024-05-01: 95866 => 1 and 95867 => 2 (95868 has ended): two rows, 3 units a day in all.
    auto after =
        r.run(R"({"id": "c", "date_of_service": "2024-05-01", "diagnoses": ["G56.01", "G20.1"]})");
    REQUIRE(after.result);
    CHECK(lines_of(*after.result) == "95860 x2; 95861 x1; 95863 x1");
    // 2022-05-01: 95866 => 4, 95867, 95868 (three rows); G56.0 is the base's, G20 in force.
    auto before =
        r.run(R"({"id": "c", "date_of_service": "2022-05-01", "diagnoses": ["G56.01", "G20.1"]})");
    REQUIRE(before.result);
    CHECK(lines_of(*before.result) == "95860 x3");
}

TEST_CASE("warnings and documentation, interpolated messages") {
    auto r =
        make("rule many let n = count(case.extremities) when n > 1\n"
             "  warn \"{n} extremities studied\" document \"muscles named by limb\" cite \"x\"\n");
    auto out = r.run(
        R"({"id": "c5", "extremities": [{"limb": "left_arm", "muscles": ["APB"]}, {"limb": "right_arm", "muscles": ["APB"]}]})");
    REQUIRE(out.result);
    REQUIRE(out.result->edits.size() == 1);
    CHECK(out.result->edits[0].message == "2 extremities studied");
    REQUIRE(out.result->documentation.size() == 1);
    CHECK(out.result->documentation[0] == "muscles named by limb");
}

TEST_CASE("interpolations inside interpolations, a case failing inside one leaves no text") {
    // `limbs` interpolates each limb inside the warning's own interpolation; the second rule's
    // message fails (position 5 of a list of one) halfway through its text.
    auto r = make(
        "def limbs = join([\"{l.limb} ({count(l.muscles)})\" for l in case.extremities], \", \")\n"
        "rule many when count(case.extremities) > 0\n"
        "  warn \"{count(case.extremities)} limbs: {limbs}; done\" cite \"x\"\n"
        "rule fails when case.id == \"bad\"\n"
        "  warn \"first {case.extremities[5].limb}\" cite \"x\"\n");
    std::string limbs = R"("extremities": [{"limb": "left_arm", "muscles": ["APB", "FDI"]},
        {"limb": "right_arm", "muscles": ["APB"]}]})";
    auto bad = r.run(R"({"id": "bad", )" + limbs);
    CHECK_FALSE(bad.result);
    CHECK(bad.error.find("[eval.index]") != std::string::npos);
    auto good = r.run(R"({"id": "good", )" + limbs);
    REQUIRE(good.result);
    REQUIRE(good.result->edits.size() == 1);
    CHECK(good.result->edits[0].message == "2 limbs: left_arm (2), right_arm (1); done");
}

TEST_CASE("explain=expressions records the conditions that held") {
    auto r = make("rule one let n = count(case.extremities) when n >= 1 bill 95860 cite \"x\"\n");
    EvaluateOptions options;
    options.explain = options.explain_expressions = true;
    auto out = r.session->run(
        R"({"id": "c6", "extremities": [{"limb": "left_arm", "muscles": ["APB"]}]})", options);
    REQUIRE(out.result);
    REQUIRE(out.result->lines.size() == 1);
    const auto& because = out.result->lines[0].because;
    REQUIRE(because.size() == 2);
    CHECK(because[0] == "let n = count(case.extremities) → 1");
    CHECK(because[1] == "n >= 1 (n is 1)");
}

TEST_CASE("why-not names the rule that could bill a code and the condition that stopped it") {
    auto r = make("def limbs = count(case.extremities)\n"
                  "rule two \"Two limbs\" when limbs == 2 bill 95861 cite \"x\"\n");
    EvaluateOptions options;
    options.why_not = {"95861", "95864"};
    auto out = r.session->run(
        R"({"id": "w1", "extremities": [{"limb": "left_arm", "muscles": ["APB"]}]})", options);
    REQUIRE(out.result);
    REQUIRE(out.result->why_not.size() == 2);
    // Without `otherwise`, the condition as written is all there is to show.
    CHECK(out.result->why_not[0] == "95861: limbs == 2 (limbs is 1) [rule two]");
    CHECK(out.result->why_not[1] == "95864: no rule of policy t bills it");
}

TEST_CASE("coverage records the rules that acted and the table rows looked up") {
    auto r = make(
        "table t 1 => 95860\n 2 => 95861\nend\n"
        "rule one when count(case.extremities) in t bill t[count(case.extremities)] cite \"x\"\n"
        "rule never when false bill 95870 cite \"y\"\n");
    Coverage coverage;
    EvaluateOptions options;
    options.coverage = &coverage;
    r.session->run(R"({"id": "c1", "extremities": [{"limb": "left_arm", "muscles": ["APB"]}]})",
                   options);
    REQUIRE(coverage.fired.size() == 2);
    CHECK(coverage.fired[0]);
    CHECK_FALSE(coverage.fired[1]);
    const auto& tables = r.loaded.program->tables;
    std::size_t t = tables[0]->name == "t" ? 0 : 1;
    REQUIRE(coverage.rows.size() > t);
    CHECK(coverage.rows[t][0]);
    CHECK_FALSE((coverage.rows[t].size() > 1 && coverage.rows[t][1]));
}

TEST_CASE("coverage records the rows prefix_rows returns") {
    auto r = make("table dx \"Diagnosis prefixes\"\n  \"G56\" => \"carpal tunnel\"\n"
                  "  \"M54\" => \"back\"\nend\n"
                  "def found = flatten([prefix_rows(dx, d) for d in case.diagnoses])\n"
                  "rule r when count(found) > 0 warn \"{join(found, \", \")}\" cite \"x\"\n");
    Coverage coverage;
    EvaluateOptions options;
    options.coverage = &coverage;
    REQUIRE(r.session->run(R"({"id": "c1", "diagnoses": ["G56.01"]})", options).result);
    const auto& tables = r.loaded.program->tables;
    std::size_t t = 0;
    while (t < tables.size() && tables[t]->name != "dx")
        ++t;
    REQUIRE(t < tables.size());
    REQUIRE(coverage.rows.size() > t);
    REQUIRE(coverage.rows[t].size() == 2);
    CHECK(coverage.rows[t][0]);
    CHECK_FALSE(coverage.rows[t][1]);
}

TEST_CASE("an explanation names the unverified rows prefix_rows returned, as t[key]'s") {
    auto r = make("table dx \"Diagnosis prefixes\"\n"
                  "  \"G56\" => \"carpal tunnel\" cite \"recalled, not checked\"\n"
                  "  \"M54\" => \"back\" cite \"also recalled\"\nend\n"
                  "def found = flatten([prefix_rows(dx, d) for d in case.diagnoses])\n"
                  "rule r when count(found) > 0 warn \"{join(found, \", \")}\" cite \"x\"\n");
    EvaluateOptions options;
    options.explain = true;
    auto out = r.session->run(R"({"id": "c1", "diagnoses": ["G56.01"]})", options);
    REQUIRE(out.result);
    REQUIRE(out.result->edits.size() == 1);
    const auto& because = out.result->edits[0].because;
    auto has = [&](std::string_view text) {
        return std::any_of(because.begin(), because.end(), [&](const std::string& line) {
            return line.find(text) != std::string::npos;
        });
    };
    CHECK(has("unverified value: Diagnosis prefixes, from a row whose source is not verified "
              "(recalled, not checked)"));
    CHECK_FALSE(has("also recalled")); // a row not returned
}

TEST_CASE("a missing table key is a located run-time error for that case only") {
    auto r = make("table t 1 => 95860 end\nrule r bill t[count(case.extremities)] cite \"x\"\n");
    auto out = r.run(R"({"id": "c7"})");
    CHECK_FALSE(out.result);
    CHECK(out.error.find("table `t` has no row for 0") != std::string::npos);
    auto ok = r.run(R"({"id": "c8", "extremities": [{"limb": "left_arm", "muscles": ["APB"]}]})");
    CHECK(ok.result);
}

TEST_CASE("an exception runs instead of its rule when its conditions hold") {
    write_temp("exc_base.cpl",
               std::string("policy exc_base\n") + muscles + "rule r bill 95860 cite \"x\"\n");
    Loaded loaded = load_text(
        "policy exc extends \"exc_base.cpl\"\n"
        "exception few to rule r when count(case.extremities) == 0 bill 95870 cite \"payer\"\n",
        "exc.cpl");
    INFO(rendered(loaded));
    REQUIRE(loaded.program);
    Session session(*loaded.program);
    auto none = session.run(R"({"id": "e1"})");
    REQUIRE(none.result);
    CHECK(lines_of(*none.result) == "95870 x1");
    auto one =
        session.run(R"({"id": "e2", "extremities": [{"limb": "left_arm", "muscles": ["APB"]}]})");
    REQUIRE(one.result);
    CHECK(lines_of(*one.result) == "95860 x1");
}

TEST_CASE("an undated case, coded as of today, refuses history after today") {
    Loaded loaded = load_text("policy undated\nrule r bill 95860 cite \"x\"\n", "undated.cpl");
    REQUIRE(loaded.program);
    Session session(*loaded.program);
    auto later = session.run(
        R"({"id": "u1", "history": [{"date_of_service": "2020-01-01"}, {"date_of_service": "9000-01-01"}]})");
    CHECK_FALSE(later.result);
    CHECK(later.path == "history");
    CHECK(later.error == fmt::format("case u1: history: its element [1] is dated 9000-01-01, "
                                     "after {}, the date the case is coded as (it gives no "
                                     "date_of_service): history holds the patient's earlier "
                                     "encounters",
                                     today()));
    auto earlier = session.run(R"({"id": "u2", "history": [{"date_of_service": "2020-01-01"}]})");
    CHECK(earlier.result);
}

TEST_CASE("an undated case is coded as of today only by a policy that codes today") {
    // Today is at least the day this test was written: a policy that ended before it does
    // not code today, and one that starts after 9000 does not either.
    Loaded ended =
        load_text("policy ended until \"2020-01-01\"\nrule r bill 95860 cite \"x\"\n", "ended.cpl");
    REQUIRE(ended.program);
    Session past(*ended.program);
    auto undated = past.run(R"({"id": "u1"})");
    CHECK_FALSE(undated.result);
    CHECK(undated.path == "date_of_service");
    CHECK(undated.error == fmt::format("case u1: date_of_service: it gives none, and today, {}, "
                                       "is after the dates of service policy `ended` codes "
                                       "(until 2020-01-01, set by `ended`)",
                                       today()));
    CHECK(undated.help == "give the case its date_of_service");
    auto dated = past.run(R"({"id": "u2", "date_of_service": "2019-06-01"})");
    REQUIRE(dated.result);
    CHECK(lines_of(*dated.result) == "95860 x1");

    Loaded future = load_text("policy future from \"9000-01-01\"\nrule r bill 95860 cite \"x\"\n",
                              "future.cpl");
    REQUIRE(future.program);
    Session later(*future.program);
    auto before = later.run(R"({"id": "u3"})");
    CHECK_FALSE(before.result);
    CHECK(before.error.find("it gives none, and today, ") != std::string::npos);
    CHECK(before.error.find("is before the dates of service policy `future` codes") !=
          std::string::npos);
}

TEST_CASE("first: the value of the first arm whose condition holds, else otherwise") {
    auto r = make("def limbs = count(case.extremities)\n"
                  "def size = first when limbs > 2 => \"many\" when limbs > 1 => \"two\"\n"
                  "  when limbs > 0 => \"one\" otherwise \"none\"\n"
                  "rule r warn \"{size}\" cite \"x\"\n");
    const char* names[] = {"left_arm", "right_arm", "left_leg"};
    for (auto [n, expected] : {std::pair{0, "none"}, {1, "one"}, {2, "two"}, {3, "many"}}) {
        std::string limbs;
        for (int i = 0; i < n; ++i)
            limbs +=
                fmt::format(R"({}{{"limb": "{}", "muscles": ["APB"]}})", i ? "," : "", names[i]);
        auto out = r.run(R"({"id": "f", "extremities": [)" + limbs + "]}");
        REQUIRE(out.result);
        REQUIRE(out.result->edits.size() == 1);
        CHECK(out.result->edits[0].message == expected);
    }
}

TEST_CASE("conditional list elements: present only when their condition holds") {
    auto r = make("def n = count(case.extremities)\n"
                  "def parts = [if n > 0 then \"some\", \"always\", if n > 1 then \"more\",\n"
                  "  if n > 5 then \"lots\"]\n"
                  "rule r warn \"{join(parts, \"+\")} ({count(parts)})\" cite \"x\"\n");
    auto out = r.run(R"({"id": "c0"})");
    REQUIRE(out.result);
    CHECK(out.result->edits.at(0).message == "always (1)");
    out = r.run(
        R"({"id": "c2", "extremities": [{"limb": "left_arm", "muscles": ["APB"]}, {"limb": "right_arm", "muscles": ["APB"]}]})");
    REQUIRE(out.result);
    CHECK(out.result->edits.at(0).message == "some+always+more (3)");
}

TEST_CASE(
    "any and all: quantifiers over a list, with the built-ins any() and all() still callable") {
    auto r = make(
        "def arms = [l for l in case.extremities if l.limb in [\"left_arm\", \"right_arm\"]]\n"
        "rule some_big when any l in case.extremities: count(l.muscles) >= 2 bill 95860 cite "
        "\"x\"\n"
        "rule every_arm when all l in case.extremities: l.limb in [\"left_arm\", \"right_arm\"]\n"
        "  bill 95861 cite \"y\"\n"
        "rule none_empty when all l in []: false bill 95870 cite \"z\"\n"
        "rule no_leg when none l in arms: l.limb == \"left_leg\" bill 95885 cite \"w\"\n"
        "rule builtin when any([count(arms) > 1]) bill 95886 cite \"v\"\n");
    auto out = r.run(
        R"({"id": "q1", "extremities": [{"limb": "left_arm", "muscles": ["APB", "FDI"]}, {"limb": "right_arm", "muscles": ["fdi"]}]})");
    REQUIRE(out.result);
    CHECK(lines_of(*out.result) == "95860 x1; 95861 x1; 95870 x1; 95885 x1; 95886 x1");
    out = r.run(R"({"id": "q2", "extremities": [{"limb": "left_leg", "muscles": ["APB"]}]})");
    REQUIRE(out.result);
    CHECK(lines_of(*out.result) == "95870 x1; 95885 x1");
}

// medicare-claims.md section 2: a MAI-1 line above its MUE is denied whole on a submitted
// claim; a claim cpl produces keeps the line, capped at the MUE (it dropped the line, and the
// produced claim, submitted back, left 95886 unbilled). Found by an audit against the spec.
TEST_CASE("MUE with MAI 1: a produced line is capped, a submitted one denied") {
    Loaded payer = load_text("policy mai_one extends standard \"MAI 1 for 95886\"\n"
                             "table mue\n  95886 => 1\nend\n"
                             "table mue_adjudication\n  95886 => 1\nend\n");
    INFO(rendered(payer));
    REQUIRE(payer.program);
    Session session(*payer.program);
    std::string study =
        R"("date_of_service": "2025-03-14", "extremities": [
        {"limb": "left_leg", "muscles": ["tibialis anterior", "medial gastrocnemius", "vastus medialis",
                                         "biceps femoris short head", "gluteus medius"]},
        {"limb": "right_leg", "muscles": ["tibialis anterior", "medial gastrocnemius", "vastus medialis",
                                          "biceps femoris short head", "gluteus medius"]}],
        "nerve_conduction": [{"nerve": "peroneal", "side": "left", "type": "motor"},
                             {"nerve": "tibial", "side": "left", "type": "motor"},
                             {"nerve": "sural", "side": "left", "type": "sensory"}])";
    auto produced = session.run(R"({"id": "produced", )" + study + "}");
    INFO(produced.error);
    REQUIRE(produced.result);
    CHECK(lines_of(*produced.result) == "95908 x1; 95886 x1");
    REQUIRE(produced.result->edits.size() == 1);
    CHECK(produced.result->edits[0].rule == "mue_per_line");
    CHECK(std::string(produced.result->edits[0].message).find("(MUE, MAI 1: a line edit)") !=
          std::string::npos);

    auto submitted = session.run(
        R"({"id": "submitted", )" + study +
        R"(, "claim": [{"code": "95908", "units": 1}, {"code": "95886", "units": 2}]})");
    INFO(submitted.error);
    REQUIRE(submitted.result);
    CHECK(lines_of(*submitted.result) == "95908 x1");
    auto resubmitted = session.run(
        R"({"id": "resubmitted", )" + study +
        R"(, "claim": [{"code": "95908", "units": 1}, {"code": "95886", "units": 1}]})");
    REQUIRE(resubmitted.result);
    CHECK(lines_of(*resubmitted.result) == "95908 x1; 95886 x1");
    CHECK(resubmitted.result->unbilled.empty());
}

// A code Medicare does not recognise (PFS status I, MUE 0): submitted, its own edit denies it,
// cited to the fee schedule; billed by a payer's rule, the clinical MUE edit caps it at its MUE
// of 0, the fact it cites, and asks for no appeal documentation.
TEST_CASE("a PFS status I code is denied as not valid for Medicare, submitted or billed") {
    Loaded payer = load_text("policy consults extends standard \"bills a consultation\"\n"
                             "rule consult \"A consultation\" when true bill 99243 cite \"c\"\n");
    INFO(rendered(payer));
    REQUIRE(payer.program);
    Session session(*payer.program);
    auto produced = session.run(R"({"id": "produced", "date_of_service": "2025-03-14"})");
    INFO(produced.error);
    REQUIRE(produced.result);
    CHECK(lines_of(*produced.result).empty());
    REQUIRE(produced.result->edits.size() == 1);
    CHECK(produced.result->edits[0].rule == "mue_per_day_clinical");
    CHECK(std::string(produced.result->edits[0].message)
              .ends_with("99243 has an MUE of 0: no unit of it is payable"));
    CHECK(produced.result->documentation.empty());

    auto submitted = session.run(R"({"id": "submitted", "date_of_service": "2025-03-14",)"
                                 R"( "claim": [{"code": "99243", "units": 1}]})");
    INFO(submitted.error);
    REQUIRE(submitted.result);
    CHECK(lines_of(*submitted.result).empty());
    std::vector<std::string> denials;
    for (const auto& e : submitted.result->edits)
        if (e.severity == "deny") denials.push_back(std::string(e.rule));
    CHECK(denials == std::vector<std::string>{"status_i_not_payable"});
    for (const auto& e : submitted.result->edits)
        if (e.rule == "status_i_not_payable")
            CHECK(std::string(e.message).find("99243 is not valid for Medicare purposes (PFS "
                                              "status I") != std::string::npos);
}

// A study of three limbs with muscles, one of them a single muscle: the profile tests' case.
const std::string three_limbs =
    R"({"id": "c", "extremities": [{"limb": "left_arm", "muscles": ["APB"]},)"
    R"( {"limb": "right_arm", "muscles": ["FDI", "biceps"]}, {"limb": "left_leg", "muscles": ["biceps", "APB"]}]})";

TEST_CASE("the profile (cpl bench --profile) counts each rule's and edit's steps: all the case "
          "spent, the same each run") {
    // A rule over three limbs, one that does little, and an edit over the claim.
    auto r = make("rule per_limb for l in case.extremities when count(l.muscles) > 0\n"
                  "  bill 95870 cite \"x\"\n"
                  "rule never when count(case.extremities) > 10 bill 95860 cite \"y\"\n"
                  "edit look for line in claim when line.code == \"95870\"\n"
                  "  warn \"{line.units} units\" cite \"z\"\n");
    // Each rule's and edit's steps, in program order.
    auto profiled = [&] {
        RuleProfile profile;
        auto out = r.profiled(three_limbs, profile);
        REQUIRE(out.result);
        CHECK(lines_of(*out.result) == "95870 x3");
        std::vector<std::uint64_t> steps;
        std::uint64_t total = 0;
        for (const auto& cost : profile.rules) {
            steps.push_back(cost.steps);
            total += cost.steps;
        }
        // Nothing is spent outside the rules and edits of a case that asks for no explanation.
        CHECK(total == out.result->steps);
        return steps;
    };
    std::vector<std::uint64_t> first = profiled();
    REQUIRE(first.size() == 3);
    CHECK(first[0] > first[1]); // three passes over the limbs against one test
    CHECK(first[1] > 0);
    CHECK(first[2] > 0);
    CHECK(profiled() == first);
}

TEST_CASE("the profile counts each definition's computed calls, and its steps with and without "
          "the definitions it asked for") {
    // A definition asked by two rules, over one asked per limb, over one more per limb; one
    // that asks for two side by side; one of three arguments, which no memo keeps.
    auto r = make("def names(l: extremity) = [m.name for m in l.muscles]\n"
                  "def many(l: extremity) = count(names(l)) > 1\n"
                  "def limbs_with_many = [l for l in case.extremities if many(l)]\n"
                  "def limbs = count(case.extremities)\n"
                  "def both = count(limbs_with_many) + limbs\n"
                  "def in_band(n: number, low: number, high: number) = n >= low and n <= high\n"
                  "rule first_asks when count(limbs_with_many) > 0 bill 95870 cite \"x\"\n"
                  "rule then_asks when count(limbs_with_many) > 5 bill 95860 cite \"y\"\n"
                  "rule sums when both > 0 and in_band(both, 1, 9) and in_band(both, 1, 9)\n"
                  "  bill 95861 cite \"z\"\n");
    const Program& program = *r.loaded.program;
    auto slot = [&](std::string_view name) {
        for (std::size_t i = 0; i < program.defs.size(); ++i)
            if (program.defs[i].name == name) return i;
        FAIL("no definition " << name);
        return std::size_t{0};
    };
    RuleProfile profile;
    auto out = r.profiled(three_limbs, profile);
    REQUIRE(out.result);
    CHECK(lines_of(*out.result) == "95870 x1; 95861 x1");
    REQUIRE(profile.definitions.defs.size() == program.defs.size());
    const auto& names = profile.definitions.defs[slot("names")];
    const auto& many = profile.definitions.defs[slot("many")];
    const auto& limbs = profile.definitions.defs[slot("limbs_with_many")];
    // Once a limb, and once a case: the second rule finds the list computed.
    CHECK(names.computed == 3);
    CHECK(many.computed == 3);
    CHECK(limbs.computed == 1);
    // A definition that asks for none spends all its steps itself; the others spend their
    // own and those of the definitions they computed.
    CHECK(names.own_steps > 0);
    CHECK(names.total_steps == names.own_steps);
    CHECK(many.own_steps > 0);
    CHECK(many.total_steps == many.own_steps + names.total_steps);
    CHECK(limbs.total_steps == limbs.own_steps + many.total_steps);
    CHECK(limbs.total_ns > 0);
    // Two asked side by side: both taken from its own. A definition of three arguments runs
    // each time it is asked.
    const auto& both = profile.definitions.defs[slot("both")];
    const auto& count_limbs = profile.definitions.defs[slot("limbs")];
    CHECK(both.computed == 1);
    CHECK(count_limbs.computed == 1);
    CHECK(both.total_steps == both.own_steps + count_limbs.total_steps); // limbs_with_many: known
    CHECK(profile.definitions.defs[slot("in_band")].computed == 2);
    // The rule that asked first spent what the definitions did; the second did not.
    REQUIRE(profile.rules.size() == 3);
    CHECK(profile.rules[0].steps > limbs.total_steps);
    CHECK(profile.rules[1].steps < limbs.total_steps);
    // Summed over cases: a second run of the case counts as much again.
    std::uint64_t steps = limbs.total_steps;
    REQUIRE(r.profiled(three_limbs, profile).result);
    CHECK(limbs.computed == 2);
    CHECK(limbs.total_steps == 2 * steps);
}
