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

// Every node back to choosing its function on each evaluation, spending a step itself: the
// program as link() found it, to compare with the linked one.
void unlink(Program& program) {
    for_each_node(program, [](Node& n) {
        n.run = run_unlinked;
        n.weight = 0;
        n.height = 0;
    });
}

// A test policy loaded twice: linked as the checker left it, and unlinked.
struct LinkedAndUnlinked {
    Loaded linked, unlinked;
};
LinkedAndUnlinked load_twice(const std::string& text, const char* name) {
    LinkedAndUnlinked both{test::load_text(text, name), test::load_text(text, name)};
    INFO(test::rendered(both.linked));
    REQUIRE(both.linked.program);
    REQUIRE(both.unlinked.program);
    unlink(*both.unlinked.program);
    return both;
}

// The message of the one edit of a test policy's case, after checking that the linked and
// the unlinked program give the case the same result.
std::string the_warning(Session& fast, Session& slow, const std::string& json,
                        const EvaluateOptions& options) {
    CaseOutcome a = fast.run(json, options);
    CaseOutcome b = slow.run(json, options);
    INFO(a.error);
    REQUIRE(a.result);
    REQUIRE(b.result);
    CHECK(to_json(*a.result, true) == to_json(*b.result, true));
    REQUIRE(a.result->edits.size() == 1);
    return std::string(a.result->edits[0].message);
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
            unlink(*unlinked.program);
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
    auto [linked, unlinked] = load_twice(policy, "fold.cpl");
    // Five of the six forms are folded (one function for them), the sixth keeps the general one.
    std::map<NodeRun, int> if_functions;
    for_each_node(*linked.program, [&](Node& n) {
        if (n.op == Op::If) ++if_functions[n.run];
    });
    std::multiset<int> counts;
    for (auto [run, count] : if_functions)
        counts.insert(count);
    CHECK(counts == std::multiset<int>{1, 5});

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
            CHECK(the_warning(fast, slow, json, options) == std::string(common) + dated + rest);
        }
    }
}

TEST_CASE("dispatch: `count` and `lower` of one argument answer without the built-in's call, as "
          "it does") {
    // Lists (a local, a field of a local, a definition's value) and a table for `count`; texts
    // that are lower case and texts with capitals (the case's, a constant, a computed one) for
    // `lower`.
    const std::string policy = R"(policy inline
table names
  "median" => "median"
  "fibular" => "peroneal"
end
def limbs = [count(l.muscles) for l in case.extremities]
def counts = [count(xs) for xs in [[1, 2], [], [3]]]
def lowered = [lower(n) for n in flatten(case.extremities.muscles.name)]
def texts = [lower(t) for t in ["median", "Fibular", "ABD " + "Poll"]]
rule r
  bill 95860
  warn "{join(limbs, ",")} {join(counts, ",")} {count(names)} {count(limbs)} | {join(lowered, ",")} | {join(texts, ",")} {lower(case.id)}"
  cite "x"
)";
    auto [linked, unlinked] = load_twice(policy, "inline.cpl");
    // Neither built-in is called through the general one-argument function.
    std::set<NodeRun> count_functions, lower_functions, other_functions;
    for_each_node(*linked.program, [&](Node& n) {
        if (n.op != Op::Builtin) return;
        if (n.builtin->fn == builtin_count)
            count_functions.insert(n.run);
        else if (n.builtin->fn == builtin_lower)
            lower_functions.insert(n.run);
        else if (n.kids.size() == 1)
            other_functions.insert(n.run);
    });
    CHECK(count_functions.size() >= 2); // a field of a local, a local, any other
    CHECK(lower_functions.size() >= 2);
    for (NodeRun run : count_functions) {
        CHECK(lower_functions.count(run) == 0);
        CHECK(other_functions.count(run) == 0);
    }

    Session fast(*linked.program), slow(*unlinked.program);
    const char* json = R"({"id": "Case-7", "date_of_service": "2024-06-01", "extremities": [
        {"limb": "left_arm", "muscles": [
            {"name": "Abductor Pollicis Brevis", "nerve": "median", "roots": ["C8", "T1"]},
            {"name": "deltoid", "nerve": "axillary", "roots": ["C5", "C6"]}]},
        {"limb": "right_leg", "muscles": []}]})";
    EvaluateOptions explained;
    explained.explain = true;
    for (const EvaluateOptions& options : {EvaluateOptions{}, explained}) {
        CHECK(the_warning(fast, slow, json, options) ==
              "2,0 2,0,1 2 2 | abductor pollicis brevis,deltoid | median,fibular,abd poll case-7");
    }
}
