// tests/interpreter/doc_test.cpp — `cpl doc`: a small policy and a payer over it render
// exactly tests/golden/doc/*.md (CPL_UPDATE_GOLDEN=1 rewrites them), the standard set names
// every rule and edit, HTML escapes what it shows, every contents link has its anchor, dates
// of service are shown where they apply, and --changes-only shows only the payer's changes.
// Expressions are shown on one line without their comments (one_line).
#include "../helpers.hpp"
#include "interpreter/program/reads.hpp"
#include "interpreter/tools/doc.hpp"

#include <catch2/catch.hpp>
#include <regex>
#include <set>
#include <sstream>

using namespace cpl;
namespace fs = std::filesystem;

namespace {

const fs::path& root = cpl::test::source_root;
using cpl::test::slurp;

} // namespace

namespace {

void check_golden(const std::string& actual, const fs::path& expected) {
    if (std::getenv("CPL_UPDATE_GOLDEN")) std::ofstream(expected, std::ios::binary) << actual;
    CHECK(actual == slurp(expected));
}

Loaded load_golden(const std::string& name) {
    Loaded loaded = load_policy((root / "tests/golden/doc" / name).string());
    INFO(test::rendered(loaded));
    REQUIRE(loaded.program);
    return loaded;
}

// Every `#id` a page links to has its anchor, and no anchor is given twice.
void check_anchors(const std::string& page, const std::regex& link, const std::regex& anchor) {
    std::set<std::string> ids;
    for (std::sregex_iterator it(page.begin(), page.end(), anchor), end; it != end; ++it) {
        CAPTURE((*it)[1].str());
        CHECK(ids.insert((*it)[1].str()).second);
    }
    for (std::sregex_iterator it(page.begin(), page.end(), link), end; it != end; ++it) {
        CAPTURE((*it)[1].str());
        CHECK(ids.count((*it)[1].str()) == 1);
    }
}

// The standard set and the Texas payer over it, loaded once for the tests of their pages.
const std::pair<Loaded, Loaded>& texas() {
    static const std::pair<Loaded, Loaded> loaded{
        load_policy("standard"), load_policy((root / "policies/state_medicaid.cpl").string())};
    REQUIRE(loaded.first.program);
    REQUIRE(loaded.second.program);
    return loaded;
}

} // namespace

TEST_CASE("doc golden: a small policy renders exactly its expected markdown") {
    Loaded loaded = load_golden("small.cpl");
    check_golden(document(*loaded.program, DocFormat::markdown),
                 root / "tests/golden/doc/small.md");
}

TEST_CASE("doc golden: a payer over it, whole and only its changes") {
    Loaded base = load_golden("small.cpl");
    Loaded payer = load_golden("payer.cpl");
    check_golden(document(*payer.program, DocFormat::markdown), root / "tests/golden/doc/payer.md");
    check_golden(document(*payer.program, DocFormat::markdown, &*base.program),
                 root / "tests/golden/doc/payer.changes.md");
}

TEST_CASE("doc: every contents link reaches an anchor of the page, in both formats") {
    std::regex md_link(R"re(\]\(#([a-z0-9_-]+)\))re"), html_link(R"re(href="#([a-z0-9_-]+)")re");
    std::regex anchor(R"re(<a id="([a-z0-9_-]+)"></a>)re");
    const auto& [standard, payer] = texas();
    for (const Program* base : std::vector<const Program*>{nullptr, &*standard.program}) {
        CAPTURE(base != nullptr);
        check_anchors(document(*payer.program, DocFormat::markdown, base), md_link, anchor);
        check_anchors(document(*payer.program, DocFormat::html, base), html_link, anchor);
    }
}

TEST_CASE("doc: the Texas page shows the 2-units-a-day limit with its date and its cite") {
    const auto& [standard, payer] = texas();
    for (const Program* base : std::vector<const Program*>{nullptr, &*standard.program}) {
        CAPTURE(base != nullptr);
        std::string page = document(*payer.program, DocFormat::markdown, base);
        // The setting's versions, the edit that applies it, the dated rows and edits.
        CHECK(page.find("`4` (standard); `2` from 2023-01-01 (state\\_medicaid)") !=
              std::string::npos);
        CHECK(
            page.find("may have at most [4 (2 from 2023-01-01)](#setting-max_limb_units_with_ncs) "
                      "units a day") != std::string::npos);
        CHECK(page.find("| `95866` | `1` | from 2023-01-01 |") != std::string::npos);
        CHECK(page.find("(edit, layer `state_medicaid`; dates of service until 2023-01-01)") !=
              std::string::npos);
        // The payer's cite on the restated setting reaches the edits the setting decides.
        CHECK(page.find("**Decided with a restated setting:** [Combined units of 95885 and 95886 "
                        "per patient per day](#setting-max_limb_units_with_ncs)") !=
              std::string::npos);
        CHECK(page.find("Cited by state\\_medicaid: TMHP 2023 benefit changes") !=
              std::string::npos);
        // Documentation in words: the text of the definition, not its name.
        CHECK(page.find("**requires documentation:** `") == std::string::npos);
        // A definition that chooses its text shows both, with the choice.
        CHECK(page.find("**requires documentation:** “The report is signed by the physician who "
                        "performed the needle EMG and supervised and interpreted the study” if") !=
              std::string::npos);
    }
}

TEST_CASE("doc --changes-only: only what the payer's own file changes") {
    const auto& [standard, payer] = texas();
    std::string page = document(*payer.program, DocFormat::markdown, &*standard.program);
    for (const auto* list : {&payer.program->rules, &payer.program->edits})
        for (const auto& r : *list) {
            CAPTURE(r.name);
            // Its own, or a base's it narrows (mue_per_day_clinical).
            bool own = r.layer == "state_medicaid" ||
                       std::any_of(r.narrowings.begin(), r.narrowings.end(),
                                   [](const auto& n) { return n.layer == "state_medicaid"; });
            CHECK((page.find("`" + r.name + "` (") != std::string::npos) == own);
        }
    CHECK(page.find("min\\_muscles\\_per\\_limb") == std::string::npos);           // not restated
    CHECK(page.find("| `95866` | `2` | state\\_medicaid |") != std::string::npos); // mue
    CHECK(page.find("`dos_year`") != std::string::npos);                           // new def
    CHECK(page.find("`complete_limbs`") == std::string::npos);                     // the base's
}

TEST_CASE("doc: the standard set's page names every rule and edit, in both formats") {
    Loaded loaded = load_policy("standard");
    REQUIRE(loaded.program);
    std::string markdown = document(*loaded.program, DocFormat::markdown);
    std::string html = document(*loaded.program, DocFormat::html);
    for (const auto* list : {&loaded.program->rules, &loaded.program->edits})
        for (const auto& r : *list) {
            CAPTURE(r.name);
            CHECK(markdown.find("`" + r.name + "`") != std::string::npos);
            CHECK(html.find("<code>" + r.name + "</code>") != std::string::npos);
        }
    for (const auto& s : loaded.program->settings)
        CHECK(markdown.find("`" + s.name + "`") != std::string::npos);
}

TEST_CASE("doc: HTML is a standalone page with everything escaped and URLs linked") {
    Loaded loaded = load_policy((root / "tests/golden/doc/small.cpl").string());
    REQUIRE(loaded.program);
    std::string html = document(*loaded.program, DocFormat::html);
    CHECK(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                           "<title>A small policy for the doc golden test</title>\n<style>"));
    CHECK(html.ends_with("</body>\n</html>\n"));
    CHECK(html.find("The report names every muscle &lt;by limb&gt;") != std::string::npos);
    CHECK(html.find("<a "
                    "href=\"https://example.org/cpt?x=1&amp;y=2\">https://example.org/"
                    "cpt?x=1&amp;y=2</a>.") != std::string::npos);
    CHECK(html.find("<by limb>") == std::string::npos);
}

TEST_CASE("cpl doc: standard succeeds and a policy with errors exits 1") {
    auto status_of = [](const std::string& args) {
        std::string command =
            fmt::format("cd '{}' && '{}' {} >/dev/null 2>&1", root.string(), CPL_BINARY, args);
        int raw = std::system(command.c_str());
        return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    };
    CHECK(status_of("doc standard") == 0);
    CHECK(status_of("doc --format html standard") == 0);
    CHECK(status_of("doc tests/golden/diagnostics/unknown_names.cpl") == 1);
    CHECK(status_of("doc --format pdf standard") == 2);
    CHECK(status_of("doc --changes-only standard") == 2);
    CHECK(status_of("doc --changes-only policies/state_medicaid.cpl") == 0);
}

TEST_CASE("doc: arithmetic in words keeps the grouping the code has") {
    Loaded loaded = test::load_text("policy p \"P\"\nedit e \"E\"\n  for line in claim\n"
                                    "  when (line.units + 1) * 2 > line.units - (line.units - 1)\n"
                                    "  warn \"x\"\n  cite \"c\"\n");
    REQUIRE(loaded.program);
    std::string page = document(*loaded.program, DocFormat::markdown);
    CHECK(page.find("when (the units of `line` plus 1) times 2 is more than the units of `line` "
                    "minus (the units of `line` minus 1)") != std::string::npos);
}

TEST_CASE("doc: a choice and a comparison as operands keep their parentheses in words") {
    Loaded loaded = test::load_text("policy p \"P\"\nedit e \"E\"\n  for line in claim\n"
                                    "  when (if line.units > 1 then 1 else 2) + 3 > 4\n"
                                    "  when (line.units > 1) == (line.code == 95860)\n"
                                    "  warn \"x\"\n  cite \"c\"\n");
    REQUIRE(loaded.program);
    std::string page = document(*loaded.program, DocFormat::markdown);
    // Not "1 if …, else 2 plus 3 is more than 4", which reads as another condition.
    CHECK(
        page.find("when (1 if the units of `line` is more than 1, else 2) plus 3 is more than 4") !=
        std::string::npos);
    CHECK(page.find("when (the units of `line` is more than 1) is (the code of `line` is 95860)") !=
          std::string::npos);
}

TEST_CASE("one_line: an expression over several lines reads as one, without its comments") {
    CHECK(one_line("[l.limb # each limb\n           for l in case.extremities]") ==
          "[l.limb for l in case.extremities]");
    // A `#` in a string, or in a string within a string's `{…}`, is text.
    CHECK(one_line("\"#1 {if x then \"#2\" else \"\"}\" # note\n  + y") ==
          "\"#1 {if x then \"#2\" else \"\"}\" + y");
    CHECK(one_line("a\n    or b") == "a or b");
    // No blank inside brackets, or before a comma, where a line was broken.
    CHECK(one_line("f(line.code # the code\n  ) > 0") == "f(line.code) > 0");
    CHECK(one_line("[\n  a\n  , b\n]") == "[a, b]");
    CHECK(one_line("count(\n  x)") == "count(x)");
}

TEST_CASE("doc: a fixed setting, rule and table say so, with the policy that fixed them") {
    Loaded loaded = test::load_text("policy fixes \"f\"\n"
                                    "fixed setting lim 3 \"a limit\" cite \"c\"\n"
                                    "fixed table t \"t\" cite \"c\"\n  95860 => 1\nend\n"
                                    "fixed rule r \"r\"\n  when count(case.extremities) > lim\n"
                                    "  bill 95860\n  cite \"c\"\n");
    INFO(test::rendered(loaded));
    REQUIRE(loaded.program);
    std::string page = document(*loaded.program, DocFormat::markdown);
    CHECK(page.find("| `3` | fixed by fixes: no other value |") != std::string::npos);
    CHECK(
        page.find("(rule, layer `fixes`; fixed: the policies that extend it may not change it)") !=
        std::string::npos);
    CHECK(page.find("**Fixed** by `fixes`: the policies that extend it may not change its rows.") !=
          std::string::npos);
}

// What a policy writes reaches the Markdown page as text: backticks in a value stay inside
// their code span, a link's destination holds no `|` (a table cell's end), `<` or `(`, and a
// URL of a cite keeps a parenthesis of its own.
TEST_CASE("doc markdown: values and links cannot break out of their span or cell") {
    Loaded loaded = test::load_text(
        "policy doc_escape extends standard \"Escape\"\n"
        "source S99 \"Title | pipe\"\n  link \"https://example.com/a|b(c)<script>\"\n"
        "  unverified\n"
        "table notes \"Notes\" cite \"Manual [S99]\"\n"
        "  \"k1\" => \"see `` <img src=x> `` here\"\nend\n"
        "max_limb_units_with_ncs 3 cite \"LCD https://example.org/Nerve_(NCS)_Policy.pdf s. 2\"\n"
        "def note = notes[\"k1\"]\n");
    INFO(test::rendered(loaded));
    REQUIRE(loaded.program);
    std::string md = document(*loaded.program, DocFormat::markdown);
    CHECK(md.find("``` \"see `` <img src=x> `` here\" ```") != std::string::npos);
    CHECK(md.find("(https://example.com/a%7Cb%28c%29%3Cscript%3E)") != std::string::npos);
    CHECK(md.find("(https://example.org/Nerve_%28NCS%29_Policy.pdf)") != std::string::npos);
}

// An expression over settings folded to its value is written out with the settings' values:
// "when false" read as an edit that never acts, where a payer's switch decides it.
TEST_CASE("doc: a condition folded from settings shows the expression and the settings") {
    Loaded loaded =
        test::load_text("policy doc_folded extends standard \"Folded\"\n"
                        "setting acme_strict true \"Acme applies its strict unit rules\"\n"
                        "setting acme_lim 3 within 1..9 \"Acme unit limit\"\n"
                        "edit acme_lenient \"Acme: warn on many units when not strict\"\n"
                        "  for line in claim\n  when not acme_strict\n"
                        "  when acme_lim > 2 and line.units > acme_lim\n"
                        "  warn \"{line.code}: many units\"\n  cite \"Acme manual 5\"\n");
    INFO(test::rendered(loaded));
    REQUIRE(loaded.program);
    std::string md = document(*loaded.program, DocFormat::markdown);
    CHECK(md.find("- when `not acme_strict` (false, as [acme\\_strict](#setting-acme_strict) is "
                  "true)") != std::string::npos);
    CHECK(md.find("when `acme_lim > 2` (true, as [acme\\_lim](#setting-acme_lim) is 3)") !=
          std::string::npos);
    CHECK(md.find("- when false") == std::string::npos);
}

// A payer's whole page says what it switched off and the base's rows it removed, as its page
// of changes does: the standard's rule it disabled, with its reason, and modifier 59.
TEST_CASE("doc: a payer's whole page lists what it switched off and the rows it removed") {
    Loaded payer = load_policy((root / "policies/commercial.cpl").string());
    Loaded base = load_policy("standard");
    REQUIRE(payer.program);
    REQUIRE(base.program);
    std::string md = document(*payer.program, DocFormat::markdown, &*base.program, false);
    CHECK(md.find("## Switched off") != std::string::npos);
    CHECK(md.find("- `ncs_without_needle_emg` (rule) — Radiculopathy work-up with NCS but no "
                  "needle EMG. Disabled by `commercial`: superseded by edit") != std::string::npos);
    CHECK(md.find("Rows removed from the base's table (1): `59`") !=
          std::string::npos); // as its cells show keys
    // The whole page: the standard's own rules are there too.
    CHECK(md.find("needle_emg_complete_with_ncs") != std::string::npos);
}

// A `for` or `let` variable is named by its name: the text up to `in` or `=` held a comment
// and the line break after it, and the page published them as part of the name.
TEST_CASE("doc: a loop or let variable is its name, without a comment written after it") {
    Loaded loaded = test::load_text("policy doc_var_comment \"Variables\"\n"
                                    "rule r \"r\"\n"
                                    "  for limb # the limb\n    in case.extremities\n"
                                    "  let n # the count\n    = count(limb.muscles)\n"
                                    "  when n > 4\n  bill 95860\n  cite \"c\"\n");
    INFO(test::rendered(loaded));
    REQUIRE(loaded.program);
    std::string md = document(*loaded.program, DocFormat::markdown);
    CHECK(md.find("for each `limb` in the extremities of the case") != std::string::npos);
    CHECK(md.find("where `n` is") != std::string::npos);
    CHECK(md.find("the limb") == std::string::npos);
    std::string html = document(*loaded.program, DocFormat::html);
    CHECK(html.find("<code>limb</code>") != std::string::npos);
    CHECK(html.find("the count") == std::string::npos);
}

// `&` is escaped as `<` is: a policy's `&copy;` or `&lt;` is its words, which a Markdown
// renderer read as entities (©, <) on the published page.
TEST_CASE("doc markdown: an ampersand in the policy's words is text, not an entity") {
    Loaded loaded = test::load_text("policy doc_amp \"Desc &amp; &lt;\"\n"
                                    "setting lim 3 \"desc &copy;\" cite \"A & B\"\n");
    INFO(test::rendered(loaded));
    REQUIRE(loaded.program);
    std::string md = document(*loaded.program, DocFormat::markdown);
    CHECK(md.find("# Desc \\&amp; \\&lt;\n") != std::string::npos);
    CHECK(md.find("desc \\&copy;") != std::string::npos);
    CHECK(md.find("A \\& B") != std::string::npos);
    CHECK(md.find("&copy;") == md.find("\\&copy;") + 1);
}
