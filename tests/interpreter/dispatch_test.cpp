// tests/interpreter/dispatch_test.cpp — each node carries the function that evaluates it
// (interpreter/program/dispatch.cpp): every node of a checked program is linked, and a linked
// program gives every case the result, explanation and why-not an unlinked one gives, spending
// no fewer steps of its budget.
#include "../helpers.hpp"

#include <catch2/catch.hpp>

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
    // general path), and plain with coverage (its fast path, and the rows built-ins return).
    EvaluateOptions explained;
    explained.explain = true;
    explained.why_not = {"95886", "95909", "aanem_limit", "ptp_indicator_0"};
    for (bool explain : {true, false}) {
        Coverage fast_coverage, slow_coverage;
        EvaluateOptions options = explain ? explained : EvaluateOptions{};
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
                if (!explain) {
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
