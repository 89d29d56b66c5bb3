// tests/interpreter/explain_test.cpp — explanations a coder can act on: `because` in a
// coder's words (clauses as written only for authors), `--why-not` naming the deciding fact
// (an `otherwise`, a band, an edit, the submitted claim), sources resolved and marked
// verified or not, and no policy-language syntax in the standard set's explanations.
#include "../helpers.hpp"
#include "../scratch.hpp"
#include "interpreter/tools/doc.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>

using namespace cpl;
using namespace cpl::test;
namespace fs = std::filesystem;

namespace {

const char* muscles =
    "table muscles\n"
    "  \"abductor pollicis brevis\", \"APB\" => {nerve: \"median\", roots: [\"C8\", \"T1\"]}\n"
    "end\n";

struct Run {
    Loaded loaded;
    std::unique_ptr<Session> session;
    Result run(const std::string& json, EvaluateOptions options = {}) {
        options.explain = true;
        auto out = session->run(json, options);
        INFO(out.error);
        REQUIRE(out.result);
        return *out.result;
    }
};

Run make(const std::string& body) {
    Run r{load_text(std::string("policy t\n") + muscles + body), nullptr};
    INFO(rendered(r.loaded));
    REQUIRE(r.loaded.program);
    r.session = std::make_unique<Session>(*r.loaded.program);
    return r;
}

// A payer policy `name` over the standard set, its declarations `body`, loaded and checked.
Loaded load_payer(const std::string& name, const std::string& body) {
    std::string path = test::scratch_file(name + ".cpl");
    std::ofstream(path) << "policy " << name << " extends standard\n" << body;
    return load_policy(path);
}

std::string one_limb(int studies) {
    std::string ncs;
    for (int i = 0; i < studies; ++i)
        ncs += fmt::format("{}{{\"nerve\": \"n{}\", \"side\": \"left\", \"type\": \"motor\"}}",
                           i ? ", " : "", i);
    return R"({"id": "x", "extremities": [{"limb": "left_arm", "muscles": ["APB"]}], )"
           R"("nerve_conduction": [)" +
           ncs + "]}";
}

} // namespace

TEST_CASE("explain gives a coder the description and the because texts, no clauses") {
    auto r = make("rule one \"One limb\" let n = count(case.extremities) when n >= 1\n"
                  "  because \"{n} limb\" bill 95860 cite \"x\"\n");
    Result result = r.run(one_limb(0));
    REQUIRE(result.lines.size() == 1);
    CHECK(result.lines[0].because == std::vector<std::string>{"One limb", "1 limb"});
}

// A `because` or `otherwise` is evaluated only to explain: one that fails (a division by zero
// for a case without diagnoses) made `--explain` and `cpl test` refuse a case `cpl run` coded.
TEST_CASE("a reason that cannot be worded says so, and the case is coded as without explain") {
    Run r =
        make("def n = count(case.extremities)\n"
             "rule one \"One limb\" when n > 0\n"
             "  because \"{100 / count(case.diagnoses)} per diagnosis\" bill 95860 cite \"x\"\n"
             "rule none \"No limb\" when n == 0 otherwise \"{10 / count(case.diagnoses)} limbs\"\n"
             "  bill 95870 cite \"x\"\n");
    EvaluateOptions options;
    options.why_not = {"95870"};
    Result result = r.run(one_limb(0), options);
    REQUIRE(result.lines.size() == 1);
    CHECK(result.lines[0].code == "95860");
    CHECK(result.lines[0].because ==
          std::vector<std::string>{"One limb", "(the reason could not be worded: division by "
                                               "zero [eval.division_by_zero])"});
    REQUIRE(result.why_not.size() == 1);
    CHECK(result.why_not[0].find("could not be worded") != std::string::npos);
}

// A reason that fails inside a definition's frame left the rule reading its locals from that
// frame: the next clause saw the definition's parameter for `limb` and stopped the case.
TEST_CASE("a reason failing inside a definition leaves the rule's own variables in place") {
    Run r = make("table word \"A word by limb\"\n  \"right_arm\" => \"right\"\nend\n"
                 "def word_of(l: string) = word[l]\n"
                 "rule each \"Each limb\"\n  for limb in case.extremities\n"
                 "  because \"{word_of(limb.limb)} arm needled\"\n"
                 "  when count(limb.muscles) > 0 and limb.limb == \"left_arm\"\n"
                 "  bill 95860 cite \"x\"\n");
    Result result = r.run(one_limb(0));
    REQUIRE(result.lines.size() == 1);
    CHECK(result.lines[0].code == "95860");
    REQUIRE(result.lines[0].because.size() == 2);
    CHECK(result.lines[0].because[1].starts_with("(the reason could not be worded: table `word` "
                                                 "has no row for \"left_arm\""));
}

// A cap's reason is worded even without --explain (it is the message of the lines it cuts):
// one that failed stopped the case, where any other reason only says it could not be worded.
TEST_CASE("a cap whose reason cannot be worded still cuts the line, and says so") {
    Run r = make("table allowed \"Units by code\"\n  95860 => 1\nend\n"
                 "edit limit \"Units limited\"\n  for line in claim\n"
                 "  because \"at most {allowed[line.code]}\"\n  cap units at 1\n  cite \"x\"\n");
    Result result = r.run(R"({"id": "x", "claim": [{"code": "95999", "units": 2}]})");
    REQUIRE(result.edits.size() == 1);
    CHECK(result.edits[0].code == "95999");
    CHECK(std::string(result.edits[0].message)
              .find("(the reason could not be worded: table "
                    "`allowed` has no row for \"95999\"") != std::string::npos);
    REQUIRE(result.lines.size() == 1);
    CHECK(result.lines[0].units == 1);
}

TEST_CASE("why-not shows the otherwise of the condition that stopped the rule") {
    auto r = make("rule two \"Two limbs\"\n"
                  "  when count(case.extremities) == 2\n"
                  "    otherwise \"{count(case.extremities)} limb needled; 95861 needs 2\"\n"
                  "  bill 95861 cite \"x [S1]\"\n"
                  "source S1 \"A quoted guideline\" link \"https://example.org/s1\" unverified\n");
    EvaluateOptions options;
    options.why_not = {"95861"};
    Result result = r.run(one_limb(0), options);
    REQUIRE(result.why_not.size() == 1);
    CHECK(result.why_not[0] ==
          "95861: 1 limb needled; 95861 needs 2 [rule two; unverified sources: S1]");
    options.explain_expressions = true; // authors also see the condition
    result = r.run(one_limb(0), options);
    CHECK(result.why_not[0] ==
          "95861: 1 limb needled; 95861 needs 2 (count(case.extremities) == 2 "
          "(count(case.extremities) is 1)) [rule two; unverified sources: S1]");
}

TEST_CASE("why-not of a rule an exception stood in for says so, an exception is asked by name") {
    auto r = make("rule one \"One limb\" bill 95860 cite \"x\"\n"
                  "exception instead to rule one \"Two units\" bill 95860 units 2 cite \"y\"\n");
    EvaluateOptions options;
    options.why_not = {"one", "instead"};
    Result result = r.run(one_limb(0), options);
    REQUIRE(result.why_not.size() == 2);
    CHECK(result.why_not[0].starts_with(
        "one: exception instead ran in its place (it billed 95860 x2)"));
    CHECK(result.why_not[1].starts_with("instead: it billed 95860 x2"));
}

// It said "it ran and found nothing to act on": the exception never ran, its guard failed.
TEST_CASE("why-not of an exception whose guard failed gives the guard's otherwise") {
    auto r = make("rule one \"One limb\" bill 95860 cite \"x\"\n"
                  "exception larynx to rule one \"Larynx studies\"\n"
                  "  when case.larynx otherwise \"the larynx was not needled\"\n"
                  "  bill 95865 cite \"y\"\n");
    EvaluateOptions options;
    options.why_not = {"larynx"};
    Result result = r.run(one_limb(0), options);
    REQUIRE(result.why_not.size() == 1);
    CHECK(result.why_not[0].starts_with("larynx: it stopped: the larynx was not needled"));
}

// It said the rule "ran and found nothing to act on" when an exception ran in its place.
TEST_CASE("why-not of a rule an exception that did nothing stood in for says so") {
    auto r = make("rule one \"One limb\" bill 95860 cite \"x\"\n"
                  "exception quiet to rule one \"Nothing\"\n"
                  "  when true\n  for limb in []\n  bill 95861 cite \"y\"\n");
    EvaluateOptions options;
    options.why_not = {"one"};
    Result result = r.run(one_limb(0), options);
    REQUIRE(result.why_not.size() == 1);
    CHECK(result.why_not[0].starts_with(
        "one: exception quiet ran in its place and found nothing to act on"));
}

// It said "it ran and found nothing to act on" of an exception per line that was never tried.
TEST_CASE("why-not of an exception per line a case-level exception kept from running says so") {
    auto r = make("rule one \"A limb\"\n  for limb in case.extremities\n  bill 95860\n"
                  "  cite \"x\"\n"
                  "exception per_limb to rule one per limb \"Each limb\"\n"
                  "  when limb.limb == \"right_arm\"\n  bill 95861 cite \"y\"\n"
                  "exception whole to rule one \"The case\" when true bill 95864 cite \"z\"\n");
    EvaluateOptions options;
    options.why_not = {"per_limb"};
    Result result = r.run(one_limb(0), options);
    REQUIRE(result.why_not.size() == 1);
    CHECK(result.why_not[0].starts_with(
        "per_limb: it was not tried: exception whole ran in place of rule one for the whole "
        "case"));
}

TEST_CASE("why-not of a rule a payer disabled says who disabled it and why") {
    Loaded loaded = load_policy((test::source_root / "policies/commercial.cpl").string());
    REQUIRE(loaded.program);
    CHECK_FALSE(why_not_problem(*loaded.program, "ncs_without_needle_emg"));
    Session session(*loaded.program);
    EvaluateOptions options;
    options.why_not = {"ncs_without_needle_emg"};
    auto out = session.run(one_limb(0), options);
    INFO(out.error);
    REQUIRE(out.result);
    REQUIRE(out.result->why_not.size() == 1);
    CHECK(out.result->why_not[0].starts_with(
        "ncs_without_needle_emg: it never runs: `commercial` disables the rule (superseded by"));
    // Under the standard set it is a rule like any other.
    Loaded standard = load_policy("standard");
    REQUIRE(standard.program);
    CHECK(standard.program->disabled.empty());
}

TEST_CASE("why-not of a code only a disabled rule bills names the rule and its disable") {
    // Once "no rule of policy p bills it": true of the program, and no help to the author
    // whose own `disable` is why.
    Loaded loaded = load_payer("no_95886", "disable rule needle_emg_complete_with_ncs \"paid as "
                                           "95885 here\"\n");
    REQUIRE(loaded.program);
    Session session(*loaded.program);
    EvaluateOptions options;
    options.why_not = {"95886"};
    auto out = session.run(one_limb(5), options);
    INFO(out.error);
    REQUIRE(out.result);
    REQUIRE(out.result->why_not.size() == 1);
    CHECK(out.result->why_not[0] ==
          "95886: the rule that bills it, needle_emg_complete_with_ncs, never runs: `no_95886` "
          "disables it (paid as 95885 here)");
}

TEST_CASE("disabled_billing holds the codes only disabled rules bill, with the rule and why") {
    // A payer disabling the rule that bills 95861 (by table needle_emg_code) leaves 95860-95864
    // billed by no rule; one disabling a rule that bills 95870, which another rule also bills,
    // leaves 95870 billed.
    Loaded loaded = load_payer(
        "no_complete_limbs", "disable rule needle_emg_complete_without_ncs \"paid by the visit\"\n"
                             "disable rule needle_emg_limited_without_ncs\n");
    REQUIRE(loaded.program);
    const TableData& table = *loaded.program->disabled_billing;
    const TableRowData* row = table.find(Value::of_string("95861"));
    REQUIRE(row);
    CHECK(row->value.str() == "rule `needle_emg_complete_without_ncs`, which bills it, is "
                              "disabled by policy no_complete_limbs (paid by the visit)");
    CHECK(row->layer == "no_complete_limbs");
    CHECK(table.find(Value::of_string("95864")));
    CHECK_FALSE(table.find(Value::of_string("95870"))); // rule axial_emg_without_ncs bills it
    CHECK_FALSE(table.find(Value::of_string("95886")));

    Loaded standard = load_policy("standard");
    REQUIRE(standard.program);
    CHECK(standard.program->disabled_billing->rows.empty());
}

TEST_CASE("review of a code only a disabled rule bills says so, not that the study lacks it") {
    Loaded loaded = load_payer("no_95886_review", "disable rule needle_emg_complete_with_ncs "
                                                  "\"paid as 95885 here\"\n");
    REQUIRE(loaded.program);
    Session session(*loaded.program);
    std::string study = one_limb(5);
    study.insert(study.rfind('}'), R"(, "claim": [{"code": "95886", "units": 1},
        {"code": "95909", "units": 1}])");
    auto out = session.run(study, {});
    INFO(out.error);
    REQUIRE(out.result);
    REQUIRE(!out.result->review.empty());
    const ReviewLine& line = out.result->review[0];
    CHECK(line.code == "95886");
    CHECK(line.status == "denied");
    REQUIRE(!line.reasons.empty());
    CHECK(line.reasons[0].message ==
          "95886 is not paid under this policy: rule `needle_emg_complete_with_ncs`, which bills "
          "it, is disabled by policy no_95886_review (paid as 95885 here)");
}

TEST_CASE("a payable line the study does not support is explained by the edit that passed it") {
    std::string study = one_limb(3);
    study.insert(study.rfind('}'),
                 R"(, "claim": [{"code": "99214", "units": 1, "modifiers": ["25"]},
        {"code": "95908", "units": 1}])");
    EvaluateOptions explain;
    explain.explain = true;
    // The standard set passes a code it does not govern through, and says so (not_governed).
    Loaded loaded_standard = load_policy("standard");
    REQUIRE(loaded_standard.program);
    Session standard(*loaded_standard.program);
    auto out = standard.run(study, explain);
    INFO(out.error);
    REQUIRE(out.result);
    REQUIRE(out.result->lines.size() == 2);
    const Line& passed = out.result->lines[0];
    CHECK(passed.code == "99214");
    CHECK(passed.rule == "not_governed");
    CHECK(!passed.cite.empty());
    REQUIRE(!passed.because.empty());
    CHECK(passed.because[0].starts_with("99214 is not an electrodiagnostic code"));
    // With the edit disabled, nothing passed it: it is paid as submitted, and says so.
    Loaded loaded =
        load_payer("no_pass_through_note", "disable edit not_governed \"no note here\"\n");
    REQUIRE(loaded.program);
    Session payer(*loaded.program);
    out = payer.run(study, explain);
    REQUIRE(out.result);
    const Line& as_submitted = out.result->lines[0];
    CHECK(as_submitted.rule == "submitted");
    CHECK(as_submitted.because ==
          std::vector<std::string>{"paid as submitted: no rule bills 99214 from the study, and "
                                   "no edit denied it"});
}

TEST_CASE("a payer's rows without a cite of their own take the cite of the block that wrote them") {
    Loaded loaded = load_payer("acme_mue", "table mue \"Acme MUE\"\n  cite \"Acme manual 4\"\n"
                                           "  95886 => 2\nend\n");
    REQUIRE(loaded.program);
    const TableData* mue = nullptr;
    for (const auto& table : loaded.program->tables)
        if (table->name == "mue") mue = table.get();
    REQUIRE(mue);
    const TableRowData* row = mue->find(Value::of_string("95886"), "2025-01-01");
    REQUIRE(row);
    CHECK(row->layer == "acme_mue");
    CHECK(row->cite == "Acme manual 4");
    // The block's cite is checked as any cite is: a key no source declares is an error.
    Loaded unknown = load_payer("acme_mue_key", "table mue \"Acme MUE\"\n  cite \"[ACME9]\"\n"
                                                "  95886 => 2\nend\n");
    CHECK(codes(unknown).find("check.unknown_source") != std::string::npos);
}

TEST_CASE("why-not names the band the count fell in and the band the code needs") {
    auto r = make("table band 1..2 => 95907\n 3..4 => 95908\n 5..6 => 95909\n 13.. => 95913\nend\n"
                  "def n = count(case.nerve_conduction)\n"
                  "rule ncs when n > 0 because \"{n} studies\" bill band[n] cite \"x\"\n");
    EvaluateOptions options;
    options.why_not = {"95909", "95913"};
    Result result = r.run(one_limb(4), options);
    REQUIRE(result.why_not.size() == 2);
    CHECK(result.why_not[0] == "95909: 4 studies → 95908; 95909 needs 5–6 [rule ncs]");
    CHECK(result.why_not[1] == "95913: 4 studies → 95908; 95913 needs 13 or more [rule ncs]");
}

TEST_CASE("why-not names the edit that removed a billed code, and its reason") {
    auto r = make("rule one bill 95860 units 2 cite \"x\"\n"
                  "edit none \"95860 is not covered\" for line in claim when line.code == 95860\n"
                  "  because \"the payer does not cover {line.code}\" cap units at 0 cite \"p\"\n");
    EvaluateOptions options;
    options.why_not = {"95860"};
    Result result = r.run(one_limb(0), options);
    REQUIRE(result.why_not.size() == 1);
    CHECK(result.why_not[0] == "95860: 95860 is not payable, the line is removed: the payer does "
                               "not cover 95860 [edit none]");
}

// It said "it ran and found nothing to act on" of an edit that put 26 on every line, and
// nothing of a rule whose unit went onto another rule's line of the same code.
TEST_CASE("why-not of an edit says which modifiers it changed, of a rule, the units it added") {
    auto r = make("rule limb for l in case.extremities bill 95870 cite \"x\"\n"
                  "rule axial when count(case.axial_muscles) > 0 bill 95870 cite \"x\"\n"
                  "edit pro for line in claim add modifier \"26\" cite \"p\"\n"
                  "edit tidy for line in claim remove modifier \"26\" add modifier \"26\" "
                  "cite \"p\"\n");
    EvaluateOptions options;
    options.why_not = {"pro", "axial", "limb", "tidy"};
    Result result = r.run(
        R"({"id": "x", "extremities": [{"limb": "left_arm", "muscles": ["APB"]}, {"limb": "right_arm", "muscles": ["APB"]}], "axial_muscles": [{"name": "rectus abdominis", "side": "left"}]})",
        options);
    REQUIRE(result.lines.size() == 1);
    CHECK(result.lines[0].units == 3);
    REQUIRE(result.why_not.size() == 4);
    CHECK(result.why_not[0] == "pro: it added modifier 26 to 95870 [edit pro]");
    CHECK(result.why_not[1] == "axial: it billed 95870 x1 [rule axial]");
    CHECK(result.why_not[2] == "limb: it billed 95870 x2 [rule limb]");
    CHECK(result.why_not[3] ==
          "tidy: it removed modifier 26 from 95870; it added modifier 26 to 95870 [edit tidy]");
}

TEST_CASE("a cap names its limit in the edit's own words, with the numbers") {
    auto r = make("setting most 1\n"
                  "rule one bill 95860 units 3 cite \"x\"\n"
                  "edit limit \"At most a few units\" for line in claim\n"
                  "  because \"at most {most} unit a day\" cap units at most cite \"p\"\n");
    Result result = r.run(one_limb(0));
    REQUIRE(result.edits.size() == 1);
    CHECK(result.edits[0].message ==
          "3 units of 95860 coded from the study, 1 payable: at most 1 unit a day");

    // Reviewed, the units were submitted: the same cap says so.
    std::string study = one_limb(0);
    study.insert(study.rfind('}'), R"(, "claim": [{"code": "95860", "units": 3}])");
    Result reviewed = r.run(study);
    REQUIRE(reviewed.edits.size() == 1);
    CHECK(reviewed.edits[0].message ==
          "3 units of 95860 submitted, 1 payable: at most 1 unit a day");
}

TEST_CASE("results carry the keys their cite names, explanations flag unverified values") {
    auto r = make("source S1 \"Checked\" verified\n"
                  "source S2 \"Quoted\" publisher \"A blog\" date \"2010\" unverified\n"
                  "table limit \"Limits by limb count\" cite \"[S1]\"\n"
                  "  1 => 1 cite \"recalled, not from a source\"\n"
                  "  2 => 2 cite \"[S1]\"\n"
                  "end\n"
                  "rule one when limit[count(case.extremities)] > 0 bill 95860\n"
                  "  cite \"x [S2] [S1] [S2]\"\n");
    Result result = r.run(one_limb(0));
    REQUIRE(result.lines.size() == 1);
    REQUIRE(result.lines[0].sources);
    CHECK(*result.lines[0].sources == std::vector<std::string>{"S2", "S1"});
    CHECK(result.lines[0].because ==
          std::vector<std::string>{"unverified value: Limits by limb count, from a row whose "
                                   "source is not verified (recalled, not from a source)"});
    std::string json = to_json(result, true);
    CHECK(json.find(R"("cite": "x [S2] [S1] [S2]", "sources": ["S2", "S1"])") != std::string::npos);
    std::string text = to_text(result, true);
    CHECK(text.find("      source S2 (unverified): Quoted; A blog; 2010\n") != std::string::npos);
    CHECK(text.find("      source S1 (verified): Checked\n") != std::string::npos);
}

TEST_CASE("check: an unknown key is an error with did-you-mean, an unused source a warning") {
    Loaded loaded = load_text("policy t\nsource S23 \"a\" unverified\nsource S9 \"b\" verified\n"
                              "rule r bill 95860 cite \"[S32]\"\n");
    CHECK(codes(loaded) == "check.unused_source check.unused_source check.unknown_source");
    std::string shown = rendered(loaded);
    CHECK(shown.find("help: did you mean `S23`?") != std::string::npos);
    Loaded duplicate = load_text("policy t\nsource S1 \"a\" unverified\nsource S1 \"b\" verified\n"
                                 "rule r bill 95860 cite \"[S1]\"\n");
    CHECK(codes(duplicate) == "check.duplicate_source");
    Loaded link = load_text("policy t\nsource S1 \"a\" link \"see the binder\" unverified\n");
    CHECK(codes(link) == "parse.bad_link");
}

// The standard set and the shipped payers explain every case in a coder's words: no clause as
// written, no definition, setting or table name, no record or list syntax, in any `because`,
// edit message or why-not answer.
TEST_CASE("standard and payers: explanations and why-not answers hold no policy-language syntax") {
    static const std::regex syntax(
        R"(\b[a-z]+_[a-z_]+\b|[a-z_]+\(|==|!=|>=|<=|\[[a-z_]+ for |\{[a-z_]+:|\b(true|false)\b)");
    EvaluateOptions options;
    options.explain = true;
    options.why_not = {"95860", "95861", "95870", "95885", "95886", "95887", "95908",
                       "95909", "95866", "95867", "95868", "95869", "95872", "95937"};
    auto explained = [&](const std::string& policy, std::vector<std::string> dirs) {
        Loaded loaded = load_policy(policy);
        REQUIRE(loaded.program);
        Session session(*loaded.program);
        std::size_t cases = 0;
        dirs.push_back("tests/golden/run/standard");
        dirs.push_back("tests/golden/run/review");
        for (const auto& dir : dirs)
            for (const auto& entry : fs::directory_iterator(source_root / dir)) {
                std::string name = entry.path().filename().string();
                if (!name.ends_with(".case.json")) continue;
                auto out = session.run(slurp(entry.path()), options);
                if (!out.result) continue;
                ++cases;
                std::vector<std::string> texts = out.result->why_not;
                for (const auto& l : out.result->lines)
                    texts.insert(texts.end(), l.because.begin(), l.because.end());
                for (const auto& e : out.result->edits) {
                    texts.insert(texts.end(), e.because.begin(), e.because.end());
                    texts.emplace_back(e.message);
                }
                for (std::string text : texts) {
                    // `[rule NAME; …]` names the rule for reference, as the claim's columns do.
                    text = std::regex_replace(text, std::regex(R"(\[(rule|edit) [^\]]*\])"), "");
                    // So does the policy that restated a setting, by its name.
                    text = std::regex_replace(text, std::regex(R"(restated by [a-z_]+)"), "");
                    CAPTURE(policy, name, text);
                    CHECK_FALSE(std::regex_search(text, syntax));
                }
            }
        return cases;
    };
    CHECK(explained("standard", {}) > 150);
    for (const char* payer : {"commercial", "medicare_lcd", "state_medicaid"})
        CHECK(explained((source_root / "policies" / (std::string(payer) + ".cpl")).string(),
                        {"policies/" + std::string(payer) + "/tests"}) > 150);
}

TEST_CASE("a payer's cite on a restated setting reaches the lines and edits it decided") {
    // The base reads `most` folded to a constant, through a definition and inside a call the
    // checker computed once (`min([most, 2])`, which the cap leaves alone); `ceiling` dated.
    std::string base_name = fmt::format("reach_base_{}.cpl", ::getpid());
    write_temp(base_name, std::string("policy reach_base\n") + muscles +
                              "setting most 3 \"Units a day\" cite \"base\"\n"
                              "setting ceiling 5 \"Largest cap\" cite \"base\"\n"
                              "def units = most\n"
                              "rule one \"One\" bill 95860 units units cite \"x\"\n"
                              "rule two \"Two\" bill 95861 units min([most, 2]) cite \"y\"\n"
                              "edit limit \"Limit\" for line in claim when line.units > ceiling\n"
                              "  cap units at ceiling cite \"p\"\n");
    Loaded payer = load_text(fmt::format("policy reach extends \"{}\"\n"
                                         "most 9 cite \"Payer manual 4.1\"\n"
                                         "ceiling 2 from \"2024-01-01\" cite \"Payer bulletin\"\n",
                                         base_name));
    INFO(rendered(payer));
    REQUIRE(payer.program);
    Session session(*payer.program);
    EvaluateOptions options;
    options.explain = true;
    auto on = [&](const char* date) {
        auto out =
            session.run(fmt::format(R"({{"id": "x", "date_of_service": "{}"}})", date), options);
        INFO(out.error);
        REQUIRE(out.result);
        return *out.result;
    };
    Result now = on("2024-03-01");
    REQUIRE(now.lines.size() == 2);
    CHECK(
        now.lines[0].because ==
        std::vector<std::string>{"One", "Units a day: 9, as restated by reach: Payer manual 4.1"});
    CHECK(
        now.lines[1].because ==
        std::vector<std::string>{"Two", "Units a day: 9, as restated by reach: Payer manual 4.1"});
    REQUIRE(now.edits.size() == 1);
    CHECK(now.edits[0].because ==
          std::vector<std::string>{"Limit", "Largest cap: 2 from 2024-01-01, as restated by "
                                            "reach: Payer bulletin"});
    CHECK(to_json(now, true).find(R"("because": ["Limit", "Largest cap: 2 from 2024-01-01)") !=
          std::string::npos);
    // Before the dated restatement the base's value decides: no payer cite for it.
    Result before = on("2023-03-01");
    REQUIRE(before.edits.size() == 1);
    CHECK(before.edits[0].because == std::vector<std::string>{"Limit"});
}

// A setting read in a table's row (`1..4 => most`) decides what a look-up of the row gives:
// the payer's cite reaches the line too, and `cpl doc`'s rules decided with it name it.
TEST_CASE("a payer's cite on a setting read in a table row reaches the line it decided") {
    std::string base_name = fmt::format("row_reach_base_{}.cpl", ::getpid());
    std::string base_path = write_temp(
        base_name, std::string("policy row_reach_base\n") + muscles +
                       "setting most 3 \"Units a day\" cite \"base\"\n"
                       "table per \"Units by limbs\" cite \"t\"\n  1..4 => most\n"
                       "  5.. => 1\nend\n"
                       "rule three \"Three\" when count(case.extremities) + 1 in per\n"
                       "  bill 95863 units per[count(case.extremities) + 1] cite \"z\"\n");
    Loaded payer = load_text(fmt::format(
        "policy row_reach extends \"{}\"\nmost 2 cite \"Payer manual 4.1\"\n", base_name));
    INFO(rendered(payer));
    REQUIRE(payer.program);
    Session session(*payer.program);
    EvaluateOptions options;
    options.explain = true;
    auto out = session.run(R"({"id": "x"})", options);
    INFO(out.error);
    REQUIRE(out.result);
    REQUIRE(out.result->lines.size() == 1);
    CHECK(out.result->lines[0].units == 2);
    CHECK(out.result->lines[0].because ==
          std::vector<std::string>{"Three",
                                   "Units a day: 2, as restated by row_reach: Payer manual 4.1"});
    Loaded base = load_policy(base_path);
    REQUIRE(base.program);
    std::string page = document(*payer.program, DocFormat::markdown, base.program.get());
    INFO(page);
    CHECK(page.find("`three` (rule, layer row\\_reach\\_base) — Three. Decided with: [Units "
                    "a day](#setting-most)") != std::string::npos);
}

// `--why-not ''` (a script's variable not set) was answered ":  is neither a rule, edit or
// exception … nor a code", naming nothing.
TEST_CASE("an empty --why-not or --print value is said to be empty") {
    Run r = make("rule r \"r\"\n  when true\n  bill 95860\n  cite \"c\"\n");
    EvaluateOptions asked;
    asked.why_not = {""};
    asked.print = {""};
    auto problems = unanswerable_names(*r.loaded.program, asked);
    REQUIRE(problems.size() == 2);
    CHECK(problems[0] ==
          "--print was given an empty value: it takes the name of a definition or a setting");
    CHECK(problems[1] == "--why-not was given an empty value: it takes a code, or the name of a "
                         "rule, edit or exception");
}
