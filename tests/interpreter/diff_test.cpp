// tests/interpreter/diff_test.cpp — `cpl diff` inside a declaration: definitions added and
// changed, a restated rule shown by its description and cite only, a replaced one clause by
// clause, and the line diff those use.
#include "../helpers.hpp"
#include "interpreter/tools/diff.hpp"
#include "interpreter/tools/doc.hpp"
#include "interpreter/tools/line_diff.hpp"

#include <catch2/catch.hpp>

using namespace cpl;
using namespace cpl::test;

namespace {

const Change* find(const std::vector<Change>& changes, const std::string& kind,
                   const std::string& name) {
    for (const auto& c : changes)
        if (c.kind == kind && c.name == name) return &c;
    return nullptr;
}

// A base written to a file of its own (`name`), and a payer over it: `payer_text` names the
// base's path where it has `{}`.
struct OverBase {
    Loaded base, payer;
};
OverBase over_base(const std::string& name, const std::string& base_text,
                   const std::string& payer_text) {
    std::string base_name = fmt::format("{}_{}.cpl", name, ::getpid());
    OverBase out{load_policy(write_temp(base_name, base_text)), {}};
    if (!out.base.program) FAIL(rendered(out.base));
    out.payer = load_text(fmt::format(fmt::runtime(payer_text), base_name));
    if (!out.payer.program) FAIL(rendered(out.payer));
    return out;
}

} // namespace

TEST_CASE("line diff: removed before added, kept lines as context, long runs folded") {
    std::vector<std::string> before{"a", "b", "c", "d", "e", "f"};
    std::vector<std::string> after{"a", "b", "c", "D", "e", "f"};
    CHECK(line_diff(before, after) ==
          std::vector<std::string>{"  … 2 unchanged", "  c", "- d", "+ D", "  e", "  f"});
    CHECK(line_diff({"x"}, {"x"}).front() == "  x");
    CHECK(line_diff({}, {"y"}) == std::vector<std::string>{"+ y"});
    CHECK(line_diff({"y"}, {}) == std::vector<std::string>{"- y"});
}

TEST_CASE("diff: definitions, restated and replaced rules, what changed inside") {
    auto [old, payer] =
        over_base("diff_base",
                  "policy diff_base\n"
                  "def two = 2\n"
                  "rule r \"Old words\" when two > count(case.diagnoses) bill 95860\n"
                  "  because \"b\" cite \"old\"\n"
                  "edit e \"Edit\" for line in claim when "
                  "line.units > 1 cap units at 1\n"
                  "  cite \"old edit\"\n",
                  "policy diff_payer extends \"{}\"\n"
                  "def three \"Three\" = two + 1\n"
                  "override rule r \"New words\" from \"2024-01-01\"\n"
                  "  cite \"new\"\n"
                  "override edit e \"Edit\" for line in claim\n"
                  "  when line.units > three cap units at three\n"
                  "  cite \"old edit\"\n");
    std::vector<Change> changes = diff(*old.program, *payer.program);

    const Change* three = find(changes, "definition", "three");
    REQUIRE(three);
    CHECK(three->action == "added");
    CHECK(three->details == std::vector<std::string>{"description: Three", "+ three = two + 1"});

    const Change* r = find(changes, "rule", "r");
    REQUIRE(r);
    CHECK(r->action == "replaced");
    CHECK(r->restated);
    CHECK(r->details == std::vector<std::string>{"description:", "  - Old words", "  + New words",
                                                 "in effect:", "  - always", "  + from 2024-01-01",
                                                 "cite:", "  - old", "  + new"});

    const Change* e = find(changes, "edit", "e");
    REQUIRE(e);
    CHECK(e->action == "replaced");
    CHECK_FALSE(e->restated);
    CHECK(e->details == std::vector<std::string>{"clauses:", "    for line in claim",
                                                 "  - when line.units > 1", "  - cap units at 1",
                                                 "  + when line.units > three",
                                                 "  + cap units at three"});
    std::string report = render_changes(changes, *old.program, *payer.program);
    CHECK(report.find("rule r restated by diff_payer\n  (its clauses are the base's, "
                      "unchanged)\n  description:\n") != std::string::npos);
}

// A base's row whose value reads a setting changes when a payer restates the setting: it was
// reported as changed by the base, which changed nothing.
TEST_CASE("diff: a base's table row changed through a setting is the restating layer's") {
    auto [old, payer] = over_base("diff_row_base",
                                  "policy diff_row_base\n"
                                  "setting lim 3 \"a limit\" cite \"c\"\n"
                                  "table t \"t\" cite \"c\"\n"
                                  "  1 => lim\n  2 => lim + 1\n  3 => 5\nend\n",
                                  "policy diff_row_payer extends \"{}\"\nlim 4 cite \"payer\"\n");
    std::vector<Change> changes = diff(*old.program, *payer.program);
    for (const char* row : {"t[1]", "t[2]"}) {
        const Change* c = find(changes, "table row", row);
        REQUIRE(c);
        CHECK(c->layer == "diff_row_payer");
        REQUIRE(c->details.size() == 3);
        CHECK(c->details[2] ==
              "through setting `lim`, which `diff_row_payer` restated; the row as written is "
              "`diff_row_base`'s");
    }
    CHECK(find(changes, "table row", "t[1]")->details[1] == "+ 4");
    CHECK(find(changes, "table row", "t[2]")->details[1] == "+ 5");
    CHECK_FALSE(find(changes, "table row", "t[3]"));
}

// It named the layer that set the `from` bound when another layer's `until` was the change.
TEST_CASE("diff: dates of service changed by the layer whose header moved the bound") {
    auto [old, payer] =
        over_base("diff_dates_base", "policy h3 extends standard \"h3\" from \"2020-01-01\"\n",
                  "policy h4 extends \"{}\" \"h4\" until \"2024-01-01\"\n");
    std::vector<Change> changes = diff(*old.program, *payer.program);
    const Change* dates = find(changes, "dates of service", "");
    REQUIRE(dates);
    CHECK(dates->layer == "h4");
}

// A payer that fixes a table of its base changes what the policies over it may do: `cpl diff`
// lists it, and `cpl doc` says under the table (with its changes only too) who fixed it.
TEST_CASE("diff and doc: a table a payer fixed for the policies over it") {
    Loaded standard = load_policy("standard");
    REQUIRE(standard.program);
    Loaded payer = load_text("policy fixes_mue extends standard \"f\"\n"
                             "fixed table mue\n  95866 => 2\nend\n");
    INFO(rendered(payer));
    REQUIRE(payer.program);
    std::vector<Change> changes = diff(*standard.program, *payer.program);
    const Change* fixed = find(changes, "table", "mue");
    REQUIRE(fixed);
    CHECK(fixed->action == "fixed");
    CHECK(fixed->layer == "fixes_mue");
    CHECK(render_changes(changes, *standard.program, *payer.program)
              .find("table mue fixed by fixes_mue\n  the policies that extend it may not change "
                    "its rows\n") != std::string::npos);
    // The standard's own fixed tables are not the payer's change.
    CHECK_FALSE(find(changes, "table", "ncs_band"));
    std::string page = document(*payer.program, DocFormat::markdown, &*standard.program);
    CHECK(page.find("**Fixed** by `fixes_mue`: the policies that extend it may not change its "
                    "rows.") != std::string::npos);
    CHECK(page.find("`ncs_band`") == std::string::npos);
    std::string whole = document(*payer.program, DocFormat::markdown);
    CHECK(whole.find("**Fixed** by `standard`: the policies that extend it may not change its "
                     "rows.") != std::string::npos);
}

// A block that adds rows leaves the table its description, and `check` says so where a payer
// wrote one (it was dropped without a word); `replace table` writes the whole table, so its
// description and cite are the table's: `cpl doc` titles the table with them and `cpl diff`
// says who described it.
TEST_CASE("diff, doc and check: a payer's table description, added to or replacing the table") {
    Loaded standard = load_policy("standard");
    REQUIRE(standard.program);
    Loaded adds =
        load_text("policy adds_rows extends standard \"a\"\n"
                  "table mue \"Acme MUE\"\n  cite \"Acme manual 4\"\n  95866 => 2\nend\n");
    REQUIRE(adds.program);
    std::string said = rendered(adds);
    CHECK(said.find("[check.table_description_unused]") != std::string::npos);
    CHECK(said.find("leaves it the description it has (\"Medically unlikely edits (MUE)") !=
          std::string::npos);
    CHECK(adds.program->tables[0]->doc == standard.program->tables[0]->doc);
    CHECK_FALSE(find(diff(*standard.program, *adds.program), "table", "mue"));

    Loaded replaces = load_text(
        "policy replaces extends standard \"r\"\n"
        "replace table bypass_modifiers \"Acme's bypass modifiers\"\n"
        "  cite \"Acme manual 7\"\n  \"59\" => \"Distinct\"\n  \"XS\" => \"Site\"\nend\n");
    INFO(rendered(replaces));
    REQUIRE(replaces.program);
    CHECK(rendered(replaces).find("table_description_unused") == std::string::npos);
    std::vector<Change> changes = diff(*standard.program, *replaces.program);
    const Change* described = find(changes, "table", "bypass_modifiers");
    REQUIRE(described);
    CHECK(described->action == "described");
    CHECK(described->layer == "replaces");
    CHECK(render_changes(changes, *standard.program, *replaces.program)
              .find("table bypass_modifiers described by replaces\n  - description: "
                    "NCCI-associated modifiers") != std::string::npos);
    std::string page = document(*replaces.program, DocFormat::markdown, &*standard.program);
    CHECK(page.find("`bypass_modifiers` — Acme's bypass modifiers") != std::string::npos);
    CHECK(page.find("Citation: Acme manual 7") != std::string::npos);

    // A later `replace table` that writes neither keeps them, and who wrote them.
    OverBase chain = over_base("diff_described_base",
                               "policy diff_described_base extends standard \"d\"\n"
                               "replace table bypass_modifiers \"Base's bypass modifiers\"\n"
                               "  cite \"Base manual 2\"\n  \"XS\" => \"Site\"\nend\n",
                               "policy diff_described_payer extends \"{}\"\n"
                               "replace table bypass_modifiers\n  \"XS\" => \"Site\"\n  \"59\" => "
                               "\"Distinct\"\nend\n");
    std::vector<Change> chained = diff(*standard.program, *chain.payer.program);
    const Change* kept = find(chained, "table", "bypass_modifiers");
    REQUIRE(kept);
    CHECK(kept->after == "Base's bypass modifiers");
    CHECK(kept->layer == "diff_described_base");
}

// A payer that restates one key of a base's row of several keys (a range of numbers, of
// strings, or a list of keys) changes that key's value from the row's: not "added", with the
// old value lost. A key it removes from such a row is removed alone; the row keeps the others.
TEST_CASE("diff: a key taken out of a base's row of several keys is changed, not added") {
    auto [old, payer] = over_base("diff_keys_base",
                                  "policy diff_keys_base\n"
                                  "table n \"n\" cite \"c\"\n  1..4 => 3\nend\n"
                                  "table d \"d\" cite \"c\"\n  \"G56.00\"..\"G56.03\" => 1\nend\n"
                                  "table k \"k\" cite \"c\"\n  95860, 95861, 95863 => 2\nend\n",
                                  "policy diff_keys_payer extends \"{}\"\n"
                                  "table n\n  2 => 9\nend\n"
                                  "table d\n  \"G56.01\" => 5\n  \"G56.02\" => 1\nend\n"
                                  "table k\n  95861 => 7\n  remove 95863\nend\n");
    std::vector<Change> changes = diff(*old.program, *payer.program);
    INFO(render_changes(changes, *old.program, *payer.program));
    const Change* n2 = find(changes, "table row", "n[2]");
    REQUIRE(n2);
    CHECK(n2->action == "changed");
    CHECK(n2->details ==
          std::vector<std::string>{"- 3", "+ 9",
                                   "the base's row `1..4` held this key, and keeps its others"});
    const Change* d = find(changes, "table row", "d[\"G56.01\"]");
    REQUIRE(d);
    CHECK(d->action == "changed");
    CHECK(d->details.at(0) == "- 1");
    // Restated with the value the range gave it: nothing changes.
    CHECK_FALSE(find(changes, "table row", "d[\"G56.02\"]"));
    const Change* k = find(changes, "table row", "k[\"95861\"]");
    REQUIRE(k);
    CHECK(k->action == "changed");
    const Change* removed = find(changes, "table row", "k[\"95863\"]");
    REQUIRE(removed);
    CHECK(removed->action == "removed");
    // The row of three keys is not removed: 95860 still reads 2.
    CHECK_FALSE(find(changes, "table row", "k[\"95860\", \"95861\", \"95863\"]"));
    CHECK_FALSE(find(changes, "table row", "k[\"95860\"]"));
    CHECK(changes.size() == 4);
}

// A payer's row of several keys restating keys of the base's rows: each key is changed (or
// unchanged), none is "added", and the base's rows are not "removed".
TEST_CASE("diff: a payer's row of several keys restates each key it names") {
    auto [old, payer] =
        over_base("diff_multi_base",
                  "policy diff_multi_base\n"
                  "table m \"m\" cite \"c\"\n  95885 => 4\n  95887 => 1\n"
                  "  95860, 95861 => 2\nend\n",
                  "policy diff_multi_payer extends \"{}\"\n"
                  "table m\n  95885, 95887, 95870 => 1\n  95860, 95864 => 3\nend\n");
    std::vector<Change> changes = diff(*old.program, *payer.program);
    INFO(render_changes(changes, *old.program, *payer.program));
    const Change* m85 = find(changes, "table row", "m[\"95885\"]");
    REQUIRE(m85);
    CHECK(m85->action == "changed");
    CHECK(m85->details == std::vector<std::string>{"- 4", "+ 1",
                                                   "restated by the row `\"95885\", \"95887\", "
                                                   "\"95870\"`"});
    CHECK_FALSE(find(changes, "table row", "m[\"95887\"]")); // the same value: no change
    const Change* m70 = find(changes, "table row", "m[\"95870\"]");
    REQUIRE(m70);
    CHECK(m70->action == "added");
    const Change* m60 = find(changes, "table row", "m[\"95860\"]");
    REQUIRE(m60);
    CHECK(m60->details.back() == "the base's row `\"95860\", \"95861\"` held this key, and "
                                 "keeps its others");
    CHECK(find(changes, "table row", "m[\"95864\"]")->action == "added");
    for (const Change& c : changes)
        CHECK(c.action != "removed");
    CHECK(changes.size() == 4);
}

// A payer that overrides an edit and gives it an exception of its own: the exception is
// listed (exceptions are matched by name, not by their place in the list), and the replaced
// edit says which exception of the base it drops.
TEST_CASE("diff: an override with an exception of its own lists it and what it drops") {
    auto [old, payer] =
        over_base("diff_exc_base",
                  "policy diff_exc_base extends standard \"b\"\n"
                  "exception base_exc to edit mue_per_line \"base\"\n"
                  "  when count(case.diagnoses) > 3\n  info \"many\"\n  cite \"b\"\n",
                  "policy diff_exc_payer extends \"{}\"\n"
                  "override edit mue_per_line \"reworded\"\n  for line in claim\n"
                  "  when line.units > 9\n  deny \"over\"\n  cite \"p\"\n"
                  "exception payer_exc to edit mue_per_line \"payer\"\n"
                  "  when count(case.diagnoses) > 5\n  warn \"far over\"\n  cite \"p\"\n");
    REQUIRE(old.program);
    REQUIRE(payer.program);
    std::vector<Change> changes = diff(*old.program, *payer.program);
    INFO(render_changes(changes, *old.program, *payer.program));
    auto named = [&](const std::string& action) -> const Change* {
        for (const Change& c : changes)
            if (c.name == "mue_per_line" && c.action == action) return &c;
        return nullptr;
    };
    REQUIRE(named("replaced"));
    CHECK(named("replaced")->details.back() ==
          "drops exception `base_exc` of `diff_exc_base`: it no longer runs");
    REQUIRE(named("excepted"));
    CHECK(named("excepted")->after.find("exception payer_exc") != std::string::npos);
}

TEST_CASE("diff: a setting restated with its value on a date changes nothing") {
    Loaded standard = load_policy("standard");
    REQUIRE(standard.program);
    Loaded payer = load_text("policy dated_same extends standard \"d\"\n"
                             "max_limb_units_with_ncs 4 from \"2023-01-01\"\n");
    INFO(rendered(payer));
    REQUIRE(payer.program);
    std::vector<Change> changes = diff(*standard.program, *payer.program);
    const Change* c = find(changes, "setting", "max_limb_units_with_ncs");
    REQUIRE(c);
    CHECK(c->action == "restated unchanged");
}

// `remove 2` of a base's row `1..4` takes the key out of the range, which keeps its others:
// looked up, 2 finds no row and 1 and 3 still the base's value; `cpl diff` names the keys
// removed, not the parts left.
TEST_CASE("diff: keys removed from a base's range of numbers, the range keeping the rest") {
    auto [old, payer] = over_base("diff_range_base",
                                  "policy diff_range_base\n"
                                  "table n \"n\" cite \"c\"\n  1..4 => 3\n  5.. => 8\nend\n",
                                  "policy diff_range_payer extends \"{}\"\n"
                                  "table n\n  remove 2\n  remove 6..7\n  remove 9\nend\n");
    const TableData* n = nullptr;
    for (const auto& t : payer.program->tables)
        if (t->name == "n") n = t.get();
    REQUIRE(n);
    auto value_of = [&](std::int64_t key) -> std::optional<std::int64_t> {
        const TableRowData* row = n->find(Value::of_number(key));
        if (!row) return std::nullopt;
        return row->value.number;
    };
    CHECK(value_of(1) == 3);
    CHECK_FALSE(value_of(2));
    CHECK(value_of(3) == 3);
    CHECK(value_of(4) == 3);
    CHECK(value_of(5) == 8);
    CHECK_FALSE(value_of(6));
    CHECK_FALSE(value_of(7));
    CHECK(value_of(8) == 8);
    CHECK_FALSE(value_of(9));
    CHECK(value_of(1000) == 8);

    std::vector<Change> changes = diff(*old.program, *payer.program);
    INFO(render_changes(changes, *old.program, *payer.program));
    std::vector<std::string> removed;
    for (const Change& c : changes) {
        CHECK(c.action == "removed");
        removed.push_back(c.name);
    }
    CHECK(removed == std::vector<std::string>{"n[2]", "n[6..7]", "n[9]"});
    const Change* two = find(changes, "table row", "n[2]");
    REQUIRE(two);
    CHECK(two->details ==
          std::vector<std::string>{"- 3", "the base's row `1..4` held this key, and keeps its "
                                          "others"});

    // A range of strings has no string just before a key to end a part at: still refused.
    std::string base = write_temp(fmt::format("diff_strings_base_{}.cpl", ::getpid()),
                                  "policy diff_strings_base\n"
                                  "table d \"d\" cite \"c\"\n  \"G56.00\"..\"G56.03\" => 1\nend\n");
    Loaded strings = load_text("policy diff_strings extends \"" + base +
                               "\"\ntable d\n  remove \"G56.01\"\nend\n");
    INFO(rendered(strings));
    CHECK(codes(strings) == "check.unknown_row");
    CHECK(rendered(strings).find("`\"G56.01\"` is in `diff_strings_base`'s range "
                                 "`\"G56.00\"..\"G56.03\"` of table `d`: a range of strings is "
                                 "removed only whole") != std::string::npos);
}

// `remove 4..5` over rows `3..4` and `5..` took 4 from the first and left 5 in the second:
// a 5-nerve case still billed. A range removed takes its keys from every row that holds any,
// numbers, codes and ranges of strings alike.
TEST_CASE("a range removed takes its keys from every row of the base that holds them") {
    auto [old, payer] = over_base("remove_spans_base",
                                  "policy remove_spans_base\n"
                                  "table n \"n\" cite \"c\"\n  1..2 => 1\n  3..4 => 2\n  "
                                  "5.. => 3\nend\n"
                                  "table c \"c\" cite \"c\"\n  95908 => 1\n  95909 => 2\n  "
                                  "95910 => 3\nend\n"
                                  "table d \"d\" cite \"c\"\n  \"G56.00\"..\"G56.03\" => 1\n  "
                                  "\"G56.10\"..\"G56.13\" => 2\n  \"G57.00\" => 3\nend\n",
                                  "policy remove_spans extends \"{}\"\n"
                                  "table n\n  remove 4..6\nend\n"
                                  "table c\n  remove 95908..95909\nend\n"
                                  "table d\n  remove \"G56.00\"..\"G56.13\"\nend\n");
    INFO(rendered(payer));
    REQUIRE(payer.program);
    auto table = [&](std::string_view name) {
        for (const auto& t : payer.program->tables)
            if (t->name == name) return t.get();
        return static_cast<TableData*>(nullptr);
    };
    auto has = [&](std::string_view name, const Value& key) {
        const TableData* t = table(name);
        REQUIRE(t);
        return t->find(key) != nullptr;
    };
    for (std::int64_t kept : {1, 2, 3, 7, 100})
        CHECK(has("n", Value::of_number(kept)));
    for (std::int64_t gone : {4, 5, 6})
        CHECK_FALSE(has("n", Value::of_number(gone)));
    CHECK_FALSE(has("c", Value::of_string("95908")));
    CHECK_FALSE(has("c", Value::of_string("95909")));
    CHECK(has("c", Value::of_string("95910")));
    CHECK_FALSE(has("d", Value::of_string("G56.01")));
    CHECK_FALSE(has("d", Value::of_string("G56.11")));
    CHECK(has("d", Value::of_string("G57.00")));

    // A range of strings covered in part is refused, naming the range; a range over dated
    // rows takes from the first rows' dates and warns of the version left.
    std::string base = write_temp(fmt::format("remove_spans_dated_{}.cpl", ::getpid()),
                                  "policy remove_spans_dated\n"
                                  "table s \"s\" cite \"c\"\n  \"G56.00\"..\"G56.09\" => 1\n  "
                                  "\"G56.10\"..\"G56.19\" => 2\nend\n"
                                  "table d \"d\" cite \"c\"\n  1..4 => 7 until \"2024-01-01\"\n  "
                                  "1..4 => 8 from \"2024-01-01\"\nend\n");
    Loaded in_part = load_text("policy in_part extends \"" + base +
                               "\"\ntable s\n  remove \"G56.00\"..\"G56.12\"\nend\n");
    CHECK(codes(in_part) == "check.unknown_row");
    CHECK(rendered(in_part).find("covers part of the range `\"G56.10\"..\"G56.19\"`") !=
          std::string::npos);
    Loaded dated =
        load_text("policy dated_remove extends \"" + base + "\"\ntable d\n  remove 3..4\nend\n");
    CHECK(codes(dated) == "check.remove_leaves_versions");
    CHECK(rendered(dated).find("its version from 2024-01-01 stays in force") != std::string::npos);
}

// A dated row holds its key only on its dates: the table's other rows are compared as without
// it. It made the whole table "dated", and then a key removed from a base's range read as the
// range removed and its parts added, and a key taken out of one as added.
TEST_CASE("diff and doc: a dated row leaves the other rows of its block compared as they are") {
    std::string base_text = "policy diff_dated_base\n"
                            "table n \"n\" cite \"c\"\n  1 => 10\n  3..4 => 30\n  5.. => 50\nend\n";
    auto [old, removes] = over_base("diff_dated_base", base_text,
                                    "policy diff_dated_removes extends \"{}\"\n"
                                    "table n\n  remove 6\n  3 => 30 from \"2020-01-01\"\nend\n");
    std::vector<Change> changes = diff(*old.program, *removes.program);
    INFO(render_changes(changes, *old.program, *removes.program));
    std::vector<std::string> named;
    for (const Change& c : changes)
        named.push_back(c.name + " " + c.action);
    CHECK(named == std::vector<std::string>{"n[3 from 2020-01-01] added", "n[6] removed"});
    std::string page = document(*removes.program, DocFormat::markdown, &*old.program, false);
    CHECK(page.find("Rows removed from the base's table (1): `6`") != std::string::npos);
    CHECK(page.find("`5..`") == std::string::npos);

    auto [old2, takes] = over_base("diff_dated_base", base_text,
                                   "policy diff_dated_takes extends \"{}\"\n"
                                   "table n\n  4 => 40\n  3 => 30 from \"2020-01-01\"\nend\n");
    changes = diff(*old2.program, *takes.program);
    INFO(render_changes(changes, *old2.program, *takes.program));
    const Change* four = find(changes, "table row", "n[4]");
    REQUIRE(four);
    CHECK(four->action == "changed");
    CHECK(four->details ==
          std::vector<std::string>{"- 30", "+ 40",
                                   "the base's row `3..4` held this key, and keeps its others"});
    CHECK(changes.size() == 2);
}

// A payer that cites one version of a setting and dates another without a cite has cited it:
// only the last version's cite was read, and the report said "restated without a citation".
TEST_CASE("diff: a setting's citation is the payer's from any version it gave one with") {
    auto [old, payer] = over_base("diff_cite_base",
                                  "policy diff_cite_base\nsetting lim 5 \"l\" cite \"base\"\n"
                                  "setting same 5 \"s\" cite \"base\"\n",
                                  "policy diff_cite_payer extends \"{}\"\n"
                                  "lim 4 cite \"Payer manual 3.2\"\nlim 6 from \"2024-01-01\"\n"
                                  "same 5 cite \"Payer manual 4\"\nsame 5 from \"2024-01-01\"\n");
    std::vector<Change> changes = diff(*old.program, *payer.program);
    std::string report = render_changes(changes, *old.program, *payer.program);
    INFO(report);
    const Change* lim = find(changes, "setting", "lim");
    REQUIRE(lim);
    CHECK(lim->action == "changed");
    CHECK(lim->cite == "Payer manual 3.2");
    CHECK(report.find("(restated without a citation)") == std::string::npos);
    const Change* same = find(changes, "setting", "same");
    REQUIRE(same);
    CHECK(same->action == "cited");
    CHECK(same->cite == "Payer manual 4");
}
