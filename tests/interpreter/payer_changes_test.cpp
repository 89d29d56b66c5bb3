// tests/interpreter/payer_changes_test.cpp — a payer changes its base in place: `narrow`,
// `exception … per VAR`, and new rules and edits placed `before` or `after` a named one.
#include "../helpers.hpp"

#include <catch2/catch.hpp>

using namespace cpl;
using namespace cpl::test;

namespace {

// Rules bill the codes of the case's earlier encounter (a list of codes the case reader
// takes as they are); the edits act on the built claim.
const char* base_policy = "policy changes_base\n"
                          "rule billed for c in flatten(case.history.codes) bill c cite \"b\"\n"
                          "edit cap_all \"At most one unit\"\n"
                          "  for line in claim\n"
                          "  let limit = 1\n"
                          "  when line.units > limit\n"
                          "  cap units at limit\n"
                          "  cite \"c\"\n"
                          "edit tell \"A word on each line\"\n"
                          "  for line in claim\n"
                          "  info \"{line.code} x{line.units}\"\n"
                          "  cite \"t\"\n";

// A case whose earlier encounter billed `codes` (`"95937", "95937"`).
std::string codes_case(const std::string& codes) {
    return R"({"id": "p", "history": [{"date_of_service": "2024-01-01", "codes": [)" + codes +
           "]}]}";
}

struct Payer {
    Loaded loaded;
    std::unique_ptr<Session> session;
    const Result& run(const std::string& codes) {
        outcome = session->run(codes_case(codes));
        INFO(outcome.error);
        REQUIRE(outcome.result);
        return *outcome.result;
    }
    CaseOutcome outcome;
};

std::unique_ptr<Payer> payer(const std::string& body) {
    static int n = 0;
    std::string base = fmt::format("changes_base_{}_{}.cpl", ::getpid(), ++n);
    write_temp(base, base_policy);
    auto p = std::make_unique<Payer>();
    p->loaded = load_text(fmt::format("policy changes_payer extends \"{}\"\n{}", base, body));
    INFO(rendered(p->loaded));
    REQUIRE(p->loaded.program);
    p->session = std::make_unique<Session>(*p->loaded.program);
    return p;
}

std::string claim_of(const Result& r) {
    std::string out;
    for (const auto& l : r.lines)
        out += fmt::format("{}{} x{}", out.empty() ? "" : "; ", l.code, l.units);
    return out;
}

std::string edits_of(const Result& r) {
    std::string out;
    for (const auto& e : r.edits)
        out += fmt::format("{}{} {} {}", out.empty() ? "" : " | ", e.rule, e.code, e.message);
    return out;
}

} // namespace

TEST_CASE("narrow: the target acts only where the payer's conditions also hold") {
    auto p = payer("narrow edit cap_all \"95937 keeps its units\"\n"
                   "  when line.code != 95937\n"
                   "  cite \"plan 4.2\"\n");
    const Result& r = p->run(R"("95937", "95937", "95860", "95860")");
    CHECK(claim_of(r) == "95937 x2; 95860 x1");
    // The target's own lets are in scope: a narrowing may read them.
    auto q = payer("narrow edit cap_all when limit < line.units - 1 cite \"plan\"\n");
    CHECK(claim_of(q->run(R"("95937", "95937", "95860", "95860", "95860")")) ==
          "95937 x2; 95860 x1");
}

TEST_CASE("narrow: a name its `let` binds again is its own, the target's keeps its value") {
    auto p = payer("narrow edit cap_all \"Only lines of more than two units\"\n"
                   "  let limit = 2\n"
                   "  when line.units > limit\n"
                   "  cite \"plan\"\n");
    // The cap is still the target's `limit` of 1, on the lines the narrowing leaves it.
    CHECK(claim_of(p->run(R"("95860", "95860", "95860", "95937", "95937")")) ==
          "95860 x1; 95937 x2");
}

TEST_CASE("narrow with dates: its conditions hold only on its dates of service") {
    auto p = payer("narrow edit cap_all \"From 2024, 95937 keeps its units\" from \"2024-01-01\"\n"
                   "  when line.code != 95937\n"
                   "  cite \"plan 4.2\"\n");
    auto run = [&](const std::string& date) {
        auto out = p->session->run(R"({"id": "d", "date_of_service": ")" + date +
                                   R"(", "history": [{"date_of_service": "2023-01-01", )"
                                   R"("codes": ["95937", "95937"]}]})");
        REQUIRE(out.result);
        return claim_of(*out.result);
    };
    CHECK(run("2023-12-31") == "95937 x1");
    CHECK(run("2024-01-01") == "95937 x2");
}

TEST_CASE("exception per line: stands in for the target on the lines its guard holds") {
    auto p = payer("exception nmj_paid to edit cap_all per line \"95937 paid with a warning\"\n"
                   "  when line.code == 95937\n"
                   "  warn \"{line.code}: {line.units} units paid (limit {limit})\"\n"
                   "  cite \"plan 4.3\"\n");
    const Result& r = p->run(R"("95937", "95937", "95860", "95860")");
    CHECK(claim_of(r) == "95937 x2; 95860 x1");
    REQUIRE(r.edits.size() >= 2);
    CHECK(r.edits[0].rule == "nmj_paid");
    CHECK(r.edits[0].message == "95937: 2 units paid (limit 1)");
    CHECK(r.edits[0].replaces == "cap_all (changes_base)");
    CHECK(r.edits[1].rule == "cap_all"); // the other line is the target's
    CHECK(r.edits[1].code == "95860");
}

TEST_CASE("coverage: an exception that acted is counted, not its target") {
    auto p = payer("exception nmj_paid to edit cap_all per line \"95937 paid with a warning\"\n"
                   "  when line.code == 95937\n"
                   "  warn \"{line.code} paid\"\n"
                   "  cite \"plan 4.3\"\n");
    const Program& program = *p->loaded.program;
    const RuleCode& cap_all = program.edits[0];
    REQUIRE(cap_all.name == "cap_all");
    REQUIRE(cap_all.element_exceptions.size() == 1);
    std::size_t cap_all_index = program.rules.size();
    EvaluateOptions options;
    Coverage only_exception;
    options.coverage = &only_exception;
    REQUIRE(p->session->run(codes_case(R"("95937", "95937")"), options).result);
    CHECK(only_exception.exceptions.count(&cap_all.element_exceptions[0]) == 1);
    CHECK_FALSE(
        (cap_all_index < only_exception.fired.size() && only_exception.fired[cap_all_index]));
    Coverage only_target;
    options.coverage = &only_target;
    REQUIRE(p->session->run(codes_case(R"("95860", "95860")"), options).result);
    CHECK(only_target.exceptions.empty());
    REQUIRE(only_target.fired.size() > cap_all_index);
    CHECK(only_target.fired[cap_all_index]);
}

TEST_CASE("coverage: the exception that ran counts, acting or not, one that lost does not") {
    auto p = payer("exception quiet to rule billed \"Suppresses the rule\"\n"
                   "  when count(case.history) > 0\n"
                   "  cite \"plan 1\"\n"
                   "exception loud to rule billed \"Bills instead\"\n"
                   "  when count(case.history) > 0\n"
                   "  bill 95870\n"
                   "  cite \"plan 2\"\n");
    const RuleCode& billed = p->loaded.program->rules[0];
    REQUIRE(billed.name == "billed");
    REQUIRE(billed.exceptions.size() == 2);
    Coverage coverage;
    EvaluateOptions options;
    options.coverage = &coverage;
    auto out = p->session->run(codes_case(R"("95860")"), options);
    REQUIRE(out.result);
    CHECK(claim_of(*out.result) == ""); // `quiet` ran, and billed nothing
    CHECK(coverage.exceptions.count(&billed.exceptions[0]) == 1);
    CHECK(coverage.exceptions.count(&billed.exceptions[1]) == 0); // it only lost
    CHECK_FALSE((!coverage.fired.empty() && coverage.fired[0]));
}

TEST_CASE("exceptions per line: two that hold on one line, the first declared decides") {
    auto p = payer("exception first_one to edit cap_all per line when line.code == 95937\n"
                   "  info \"first\" cite \"a\"\n"
                   "exception second_one to edit cap_all per line when line.units > 1\n"
                   "  info \"second\" cite \"b\"\n");
    const Result& r = p->run(R"("95937", "95937")");
    CHECK(edits_of(r).find("both apply to 95937; `first_one` (declared first) decided") !=
          std::string::npos);
    CHECK(edits_of(r).find("first_one 95937 first") != std::string::npos);
    CHECK(edits_of(r).find("second_one 95937 second") == std::string::npos);
}

TEST_CASE("placement: new edits run before or after the named edit, in declaration order") {
    auto p = payer("edit late \"After cap_all\" after cap_all\n"
                   "  for line in claim info \"late {line.units}\" cite \"l\"\n"
                   "edit later \"After cap_all too\" after cap_all\n"
                   "  for line in claim info \"later\" cite \"l\"\n"
                   "edit early \"Before cap_all\" before cap_all\n"
                   "  for line in claim info \"early {line.units}\" cite \"e\"\n"
                   "edit last \"Where new edits go\"\n"
                   "  for line in claim info \"last\" cite \"z\"\n");
    const Result& r = p->run(R"("95860", "95860")");
    CHECK(edits_of(r) ==
          "early 95860 early 2 | cap_all 95860 2 units of 95860 coded from the study, 1 "
          "payable: At most one unit | late 95860 late 1 | later 95860 later | "
          "tell 95860 95860 x1 | last 95860 last");
}

TEST_CASE("changes in place that name nothing, or the wrong thing, are located errors") {
    auto p = load_text(fmt::format("policy bad_payer extends \"{}\"\n"
                                   "narrow edit cap_al when line.code != 95937 cite \"x\"\n"
                                   "edit e before tel for line in claim info \"e\" cite \"x\"\n"
                                   "exception x to edit cap_all per limb when true\n"
                                   "  info \"x\" cite \"x\"\n",
                                   write_temp("changes_base_bad.cpl", base_policy)));
    CHECK(p.program == nullptr);
    CHECK(codes(p) == "check.unknown_rule check.unknown_rule check.per_loop");
    CHECK(rendered(p).find("did you mean `cap_all`?") != std::string::npos);
    CHECK(rendered(p).find("did you mean `tell`?") != std::string::npos);
}

TEST_CASE("exception per line: its guard is its leading let/when, a `for` after it loops") {
    auto p = payer("exception each_note to edit cap_all per line\n"
                   "  when line.code == 95937\n"
                   "  for k in [1, 2]\n"
                   "  when k < 2 or line.units > 1\n"
                   "  info \"{line.code} note {k}\"\n"
                   "  cite \"plan\"\n");
    const Result& r = p->run(R"("95937", "95937")");
    CHECK(edits_of(r).find("each_note 95937 95937 note 1 | each_note 95937 95937 note 2") !=
          std::string::npos);
    CHECK(claim_of(r) == "95937 x2"); // the exception stood in for the cap
}
