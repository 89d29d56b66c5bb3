// tests/interpreter/dispatch_test.cpp — each node carries the function that evaluates it
// (interpreter/program/dispatch.cpp): every node of a checked program is linked, and a linked
// program gives every case the result, explanation and why-not an unlinked one gives, spending
// no fewer steps of its budget.
#include "../helpers.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <set>

using namespace cpl;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> golden_cases() {
    std::vector<std::string> cases;
    for (const auto& entry :
         fs::recursive_directory_iterator(test::source_root / "tests/golden/run")) {
        std::string name = entry.path().filename().string();
        if (name.size() > 10 && name.substr(name.size() - 10) == ".case.json")
            cases.push_back(test::slurp(entry.path()));
    }
    return cases;
}

const char* const policies[] = {"standard", "policies/commercial.cpl", "policies/medicare_lcd.cpl",
                                "policies/state_medicaid.cpl"};

} // namespace

TEST_CASE("dispatch: every node of a checked program is linked") {
    for (const char* policy : policies) {
        INFO(policy);
        Loaded loaded =
            load_policy((policy[0] == 's' ? "" : test::source_root.string() + "/") + policy);
        REQUIRE(loaded.program);
        std::size_t nodes = 0, unlinked = 0;
        for_each_node(*loaded.program, [&](Node& n) {
            ++nodes;
            if (n.run == run_unlinked) ++unlinked;
        });
        CHECK(nodes > 1000);
        CHECK(unlinked == 0);
    }
}

TEST_CASE("dispatch: evaluating every golden case runs no node unlinked") {
    std::vector<std::string> cases = golden_cases();
    EvaluateOptions options;
    options.explain = true;
    options.why_not = {"95886", "95909", "aanem_limit", "ptp_indicator_0"};
    for (const char* policy : policies) {
        INFO(policy);
        Loaded loaded =
            load_policy((policy[0] == 's' ? "" : test::source_root.string() + "/") + policy);
        REQUIRE(loaded.program);
        Session session(*loaded.program);
        std::uint64_t before = unlinked_runs();
        for (const auto& json : cases) {
            session.run(json, options);
            session.run(json, {});
        }
        CHECK(unlinked_runs() == before);
    }
}

TEST_CASE("dispatch: a linked program evaluates every golden case as an unlinked one does") {
    std::vector<std::string> cases = golden_cases();
    REQUIRE(cases.size() > 200);
    // Explained (every definition's rows recorded: a computed definition is read through its
    // general path), with coverage (its fast path, and the rows built-ins return, while table
    // look-ups take their general path), and plain (the fast look-ups too).
    EvaluateOptions explained;
    explained.explain = true;
    explained.why_not = {"95886", "95909", "aanem_limit", "ptp_indicator_0"};
    enum class Mode { explain, cover, plain };
    for (Mode mode : {Mode::explain, Mode::cover, Mode::plain}) {
        Coverage fast_coverage, slow_coverage;
        EvaluateOptions options = mode == Mode::explain ? explained : EvaluateOptions{};
        for (const char* policy : policies) {
            INFO(policy);
            std::string path =
                (policy[0] == 's' ? "" : test::source_root.string() + "/") + std::string(policy);
            Loaded linked = load_policy(path), unlinked = load_policy(path);
            REQUIRE(linked.program);
            REQUIRE(unlinked.program);
            for_each_node(*unlinked.program, [](Node& n) {
                n.run = run_unlinked;
                n.weight = 0;
                n.height = 0;
            });
            Session fast(*linked.program), slow(*unlinked.program);
            std::size_t differ = 0, underspent = 0;
            for (const auto& json : cases) {
                EvaluateOptions fast_options = options, slow_options = options;
                if (mode == Mode::cover) {
                    fast_options.coverage = &fast_coverage;
                    slow_options.coverage = &slow_coverage;
                }
                CaseOutcome a = fast.run(json, fast_options);
                CaseOutcome b = slow.run(json, slow_options);
                std::string a_text = a.result ? to_json(*a.result, true) : a.error;
                std::string b_text = b.result ? to_json(*b.result, true) : b.error;
                if (a_text != b_text) ++differ;
                // A linked tree spends its weight at once: never less than the nodes it ran,
                // which is what an unlinked one spends, node by node.
                if (a.result && b.result && a.result->steps < b.result->steps) ++underspent;
            }
            CHECK(differ == 0);
            CHECK(underspent == 0);
            CHECK(fast_coverage.fired == slow_coverage.fired);
            CHECK(fast_coverage.rows == slow_coverage.rows);
            fast_coverage = {};
            slow_coverage = {};
        }
    }
}

TEST_CASE("dispatch: `if k in t then t[k] else …` looks the key up once and gives what the "
          "general form gives") {
    // Keys that hit and miss an index, a range row, a dated table, a number key, a field of the
    // row, and a then-branch whose key differs from the tested one (not folded).
    const std::string policy = R"(policy fold
table names
  "median" => "median"
  "fibular" => "peroneal"
end
table bands
  95907..95913 => "nerve conduction"
  95860 => "needle"
end
table dated_names
  "median" => "median, old" until "2024-01-01"
  "median" => "median, new" from "2024-01-01"
end
table pairs
  95860 => {column_1: ["95886"], indicator: 1}
end
table counted
  1 => "one"
end
def named = [if lower(k) in names then names[lower(k)] else "as written: " + k
             for k in ["Median", "FIBULAR", "radial"]]
def banded = [if c in bands then bands[c] else "none" for c in ["95860", "95908", "95870"]]
def dated = [if k in dated_names then dated_names[k] else "none" for k in ["median", "ulnar"]]
def paired = [if c in pairs then pairs[c].column_1 else [] for c in ["95860", "95861"]]
def numbered = [if n in counted then counted[n] else "many" for n in [1, 2]]
def unfolded = [if k in names then names["median"] else "none" for k in ["fibular", "x"]]
rule r
  bill 95860
  warn "{join(named, ", ")} | {join(banded, ", ")} | {join(dated, ", ")} | {join(paired[0], ", ")} {count(paired[1])} | {join(numbered, ", ")} | {join(unfolded, ", ")}"
  cite "x"
)";
    Loaded linked = test::load_text(policy, "fold.cpl");
    Loaded unlinked = test::load_text(policy, "fold.cpl");
    INFO(test::rendered(linked));
    REQUIRE(linked.program);
    REQUIRE(unlinked.program);
    // Five of the six forms are folded (one function for them), the sixth keeps the general one.
    std::map<NodeRun, int> if_functions;
    for_each_node(*linked.program, [&](Node& n) {
        if (n.op == Op::If) ++if_functions[n.run];
    });
    std::multiset<int> counts;
    for (auto [run, count] : if_functions)
        counts.insert(count);
    CHECK(counts == std::multiset<int>{1, 5});
    for_each_node(*unlinked.program, [](Node& n) {
        n.run = run_unlinked;
        n.weight = 0;
        n.height = 0;
    });

    Session fast(*linked.program), slow(*unlinked.program);
    const char* common = "median, peroneal, as written: radial | needle, nerve conduction, none | ";
    const char* rest = " | 95886 0 | one, many | median, none";
    for (auto [date, dated] : {std::pair{"2023-06-01", "median, old, none"},
                               std::pair{"2024-06-01", "median, new, none"}}) {
        INFO(date);
        std::string json = fmt::format(R"({{"id": "f", "date_of_service": "{}"}})", date);
        // Plain (the folded look-up, by the table's index), with coverage (folded, by find_row,
        // which marks the row) and explained (the general form, which records the row read).
        EvaluateOptions explained;
        explained.explain = true;
        Coverage coverage;
        EvaluateOptions covered;
        covered.coverage = &coverage;
        for (const EvaluateOptions& options : {EvaluateOptions{}, covered, explained}) {
            CaseOutcome a = fast.run(json, options);
            CaseOutcome b = slow.run(json, options);
            INFO(a.error);
            REQUIRE(a.result);
            REQUIRE(b.result);
            CHECK(to_json(*a.result, true) == to_json(*b.result, true));
            REQUIRE(a.result->edits.size() == 1);
            CHECK(a.result->edits[0].message == std::string(common) + dated + rest);
        }
    }
}
