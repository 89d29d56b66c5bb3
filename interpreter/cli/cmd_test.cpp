// interpreter/cli/cmd_test.cpp — `cpl test`: runs NAME.case.json against the policy its
// NAME.expected.json names and compares the claim; ends with `N passed, N failed`.
#include "commands.hpp"
#include "expectation.hpp"
#include "inputs.hpp"
#include "interpreter/eval/result.hpp"
#include "lang/diagnostic.hpp"
#include "lang/files.hpp"
#include "lang/json_nesting.hpp"
#include "lang/suggest.hpp"
#include "lang/utf8.hpp"
#include "lang/vocabulary.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

namespace cpl::cli {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// As a coder bills it (`95866-50 x1`), as every output of cpl writes a line.
std::string line_text(std::string_view code, std::int64_t units,
                      const std::vector<std::string>& modifiers) {
    return billed_text(code, std::vector<std::string_view>(modifiers.begin(), modifiers.end()),
                       units);
}

// Whether `want` is `got`, or, for a section the test lists in part, each entry of `want`
// is among `got` in the same order (entries it does not list are not compared).
template <typename Same>
bool listed(std::size_t want_count, std::size_t got_count, bool partial, Same same) {
    if (!partial) {
        if (want_count != got_count) return false;
        for (std::size_t i = 0; i < want_count; ++i)
            if (!same(i, i)) return false;
        return true;
    }
    std::size_t g = 0;
    for (std::size_t w = 0; w < want_count; ++w, ++g) {
        while (g < got_count && !same(w, g))
            ++g;
        if (g == got_count) return false;
    }
    return true;
}

std::string differ(const char* what, bool partial, const std::string& want,
                   const std::vector<std::string>& got) {
    return fmt::format("{} differ{}\n      expected{}: {}\n      actual:   {}", what,
                       std::string_view(what).ends_with("s") ? "" : "s",
                       partial ? " (in part)" : "", want,
                       got.empty() ? "(none)" : fmt::format("{}", fmt::join(got, "; ")));
}

// A test's directory as a path to walk and to resolve from: a test named without one
// (`nmj.case.json`) is in the current directory.
fs::path directory_of(const std::string& file) {
    fs::path dir = fs::path(file).parent_path();
    return dir.empty() ? fs::path(".") : dir;
}

bool same_file(const std::string& a, const std::string& b) {
    std::error_code ec;
    return fs::equivalent(a, b, ec);
}

// What an expectation beside `test_dir` names `policy` by, so that `cpl test` finds it again
// from there: its name, when that finds it (`commercial` from policies/commercial/tests/),
// else its path from the test's directory. A path as the command line gave it is relative to
// where cpl was run, not to the test.
std::string policy_reference(const std::string& policy, const std::string& name,
                             const fs::path& test_dir) {
    if (auto found = resolve_policy(name, test_dir); found && same_file(*found, policy))
        return name;
    std::error_code ec;
    fs::path relative = fs::absolute(policy, ec).lexically_relative(fs::absolute(test_dir, ec));
    if (auto found = resolve_policy(relative.string(), test_dir, true);
        !relative.empty() && found && same_file(*found, policy))
        return relative.string();
    return fs::absolute(policy, ec).string();
}

// The policy a new expectation in `test_dir` is for, when none is given: NAME for a test under
// NAME/tests/ that finds NAME.cpl (docs/payers.md, section 6), else the standard set. `test_dir`
// is never empty (directory_of).
std::string policy_of_tests_in(const fs::path& test_dir) {
    std::error_code ec;
    // `.` (a test in the current directory) is "…/cwd/" once normal: no last name yet.
    fs::path start = fs::absolute(test_dir, ec).lexically_normal();
    if (!start.has_filename()) start = start.parent_path();
    for (fs::path dir = start; dir.has_filename(); dir = dir.parent_path())
        if (dir.filename() == "tests" && dir.parent_path().has_filename()) {
            std::string name = dir.parent_path().filename().string();
            if (resolve_policy(name, test_dir)) return name;
        }
    return "standard";
}

// Compares the sections the expectation lists (a section left out is not compared); returns
// the differences. The expectation's shape was checked first (expectation.hpp).
std::vector<std::string> compare(const json& expected, const CaseOutcome& outcome) {
    std::vector<std::string> problems;
    // The case it expects: an expectation beside another case's file is not its own.
    if (expected.contains("case") && expected["case"].get<std::string>() != outcome.case_id)
        problems.push_back(fmt::format("the expectation is for case \"{}\", the case is \"{}\"",
                                       expected["case"].get<std::string>(), outcome.case_id));
    if (expected.contains("error")) {
        std::string want = expected["error"].get<std::string>();
        if (outcome.result)
            problems.push_back(
                fmt::format("expected the error \"{}\", but the case was evaluated", want));
        else if (outcome.error.find(want) == std::string::npos)
            problems.push_back(fmt::format("expected an error containing \"{}\"\n      actual: {}",
                                           want, outcome.error));
        return problems;
    }
    if (!outcome.result) return {fmt::format("the case could not be used: {}", outcome.error)};
    const Result& r = *outcome.result;
    if (expected.contains("lines")) {
        const json& lines = expected["lines"];
        bool partial = is_partial(expected, "lines");
        auto text = [](const json& l) {
            return line_text(l.at("code").get<std::string>(), l.value("units", 1),
                             l.value("modifiers", std::vector<std::string>{})) +
                   (l.contains("rule") ? " by " + l["rule"].get<std::string>() : "");
        };
        auto actual = [&](std::size_t i, bool with_rule) {
            const Line& l = r.lines[i];
            std::vector<std::string> mods(l.modifiers.begin(), l.modifiers.end());
            return line_text(l.code, l.units, mods) +
                   (with_rule ? " by " + std::string(l.rule) : "");
        };
        if (!listed(lines.size(), r.lines.size(), partial, [&](std::size_t w, std::size_t g) {
                return text(lines[w]) == actual(g, lines[w].contains("rule"));
            })) {
            std::vector<std::string> want, got;
            for (const auto& l : lines)
                want.push_back(text(l));
            for (std::size_t i = 0; i < r.lines.size(); ++i)
                got.push_back(actual(i, i < lines.size() && lines[i].contains("rule")));
            problems.push_back(
                differ("lines", partial,
                       want.empty() ? "(none)" : fmt::format("{}", fmt::join(want, "; ")), got));
        }
    }
    if (expected.contains("edits")) {
        const json& want = expected["edits"];
        bool partial = is_partial(expected, "edits");
        auto field_of = [](const Edit& e, const std::string& key) -> std::string {
            if (key == "severity") return std::string(e.severity);
            if (key == "rule") return std::string(e.rule);
            if (key == "code") return std::string(e.code);
            if (key == "message") return std::string(e.message);
            return std::string(e.cite); // "cite": the only other key an edit may list
        };
        if (!listed(want.size(), r.edits.size(), partial, [&](std::size_t w, std::size_t g) {
                for (const auto& [key, value] : want[w].items())
                    if (field_of(r.edits[g], key) != value.get<std::string>()) return false;
                return true;
            })) {
            // The cite too when the expectation names one: else a cite that differs is not seen.
            bool cites = std::any_of(want.begin(), want.end(),
                                     [](const json& w) { return w.contains("cite"); });
            std::vector<std::string> got;
            for (const auto& e : r.edits)
                got.push_back(
                    cites ? fmt::format("{} {} {} ({}) cite: {}", e.severity, e.rule, e.code,
                                        e.message, e.cite)
                          : fmt::format("{} {} {} ({})", e.severity, e.rule, e.code, e.message));
            problems.push_back(differ("edits", partial, want.dump(), got));
        }
    }
    // `review` and `unbilled`: in order; only the fields the expectation lists.
    auto compare_list = [&](const char* key, std::size_t actual_count, auto&& field_of,
                            auto&& describe) {
        if (!expected.contains(key)) return;
        const json& want = expected[key];
        bool partial = is_partial(expected, key);
        if (listed(want.size(), actual_count, partial, [&](std::size_t w, std::size_t g) {
                for (const auto& [name, value] : want[w].items())
                    if (field_of(g, name) !=
                        (value.is_string() ? value.template get<std::string>() : value.dump()))
                        return false;
                return true;
            }))
            return;
        std::vector<std::string> got;
        for (std::size_t i = 0; i < actual_count; ++i)
            got.push_back(describe(i));
        problems.push_back(differ(key, partial, want.dump(), got));
    };
    // A case with no submitted claim is not reviewed: `review: []` would pass saying nothing.
    for (const char* section : {"review", "unbilled"})
        if (expected.contains(section) && !r.reviewed)
            problems.push_back(fmt::format(
                "`{}` is for a case with a submitted claim (`claim`): this case has none, so it "
                "is not reviewed; add its `claim`, or drop `{}`",
                section, section));
    compare_list(
        "review", r.review.size(),
        [&](std::size_t i, const std::string& name) -> std::string {
            const ReviewLine& v = r.review[i];
            if (name == "code") return std::string(v.code);
            if (name == "status") return std::string(v.status);
            if (name == "units") return std::to_string(v.units);
            return std::to_string(v.units_allowed); // "units_allowed", the last key it may list
        },
        [&](std::size_t i) {
            const ReviewLine& v = r.review[i];
            return fmt::format("{} x{} {} (allowed {})", v.code, v.units, v.status,
                               v.units_allowed);
        });
    compare_list(
        "unbilled", r.unbilled.size(),
        [&](std::size_t i, const std::string& name) -> std::string {
            const Line& l = r.unbilled[i];
            if (name == "code") return std::string(l.code);
            if (name == "units") return std::to_string(l.units);
            if (name == "modifiers") // compared as the expectation's list is: its JSON
                return json(std::vector<std::string>(l.modifiers.begin(), l.modifiers.end()))
                    .dump();
            return std::string(l.rule); // "rule", the last key it may list
        },
        [&](std::size_t i) {
            const Line& l = r.unbilled[i];
            return line_text(l.code, l.units,
                             std::vector<std::string>(l.modifiers.begin(), l.modifiers.end()));
        });
    if (expected.contains("documentation")) {
        auto want = expected["documentation"].get<std::vector<std::string>>();
        std::vector<std::string> got(r.documentation.begin(), r.documentation.end());
        bool partial = is_partial(expected, "documentation");
        if (!listed(want.size(), got.size(), partial,
                    [&](std::size_t w, std::size_t g) { return want[w] == got[g]; }))
            problems.push_back(
                differ("documentation", partial,
                       want.empty() ? "(none)" : fmt::format("{}", fmt::join(want, "; ")), got));
    }
    return problems;
}

std::string where(const Program& program, Span span) {
    const SourceFile& file = program.sources->get(span.file);
    Location at = file.locate(span.begin);
    return fmt::format("{}:{}", file.path(), at.line);
}

// Which rules, edits and table rows the tests exercised, and a list of those none did.
// What no test exercised; with `layer`, only the rules, edits and rows that layer wrote.
std::string coverage_report(const Program& program, const Coverage& covered,
                            const std::string& layer) {
    auto counted = [&](const std::string& wrote) { return layer.empty() || wrote == layer; };
    std::vector<std::string> missed;
    std::size_t total = 0, fired = 0;
    for (std::size_t i = 0; i < program.rules_and_edits(); ++i) {
        bool hit = i < covered.fired.size() && covered.fired[i];
        const RuleCode& r = program.rule_or_edit(i);
        if (!counted(r.layer)) continue;
        ++total;
        if (hit)
            ++fired;
        else
            missed.push_back(fmt::format("  {} {} ({})", vocabulary::keyword(r.kind), r.name,
                                         where(program, r.span)));
    }
    // Exceptions, by their target: one acted when it ran in the target's place.
    std::size_t exceptions = 0, excepted = 0;
    for (std::size_t i = 0; i < program.rules_and_edits(); ++i) {
        const RuleCode& target = program.rule_or_edit(i);
        for (const auto* list : {&target.exceptions, &target.element_exceptions})
            for (const RuleCode& exception : *list) {
                if (!counted(exception.layer)) continue;
                ++exceptions;
                if (covered.exceptions.count(&exception))
                    ++excepted;
                else
                    missed.push_back(fmt::format("  exception {} to {} {} ({})", exception.name,
                                                 vocabulary::keyword(target.kind), target.name,
                                                 where(program, exception.span)));
            }
    }
    std::size_t rows = 0, used = 0;
    for (std::size_t t = 0; t < program.tables.size(); ++t) {
        const TableData& table = *program.tables[t];
        if (table.name == case_tables::muscles) continue; // read by the case reader, not looked up
        for (std::size_t r = 0; r < table.rows.size(); ++r) {
            if (!counted(table.rows[r].layer)) continue;
            ++rows;
            bool hit = t < covered.rows.size() && r < covered.rows[t].size() && covered.rows[t][r];
            if (hit)
                ++used;
            else {
                const auto& row = table.rows[r];
                std::string key =
                    row.is_range ? range_text(row) : to_text(row.keys.at(0), program.shapes, true);
                missed.push_back(fmt::format("  table {} row {}", table.name, key));
            }
        }
    }
    std::string out = fmt::format(
        "coverage of policy {}{}: {} of {} rules and edits acted{}, {} of {} table rows were "
        "looked up\n",
        program.name, layer.empty() ? "" : ", layer " + layer, fired, total,
        exceptions ? fmt::format(", {} of {} exceptions ran in their place", excepted, exceptions)
                   : "",
        used, rows);
    if (!missed.empty())
        out += fmt::format("not exercised by any test:\n{}\n", fmt::join(missed, "\n"));
    return out;
}

// Names and values in the report come from files and cases: shown printable, so none can
// forge a line of the report or drive the terminal.
std::string shown(std::string_view text) {
    return printable(text, true);
}

// NAME.case.json for NAME.expected.json.
std::string case_of(const std::string& expected) {
    return expected.substr(0, expected.size() - std::string(".expected.json").size()) +
           ".case.json";
}

// `files` in their order, each once however its path was spelt (`t`, `t/`, `./t/ok.case.json`).
// By name, not by what a link points to: a test linked to another's case is a test of its own.
std::vector<std::string> distinct_files(const std::vector<std::string>& files) {
    std::vector<std::string> out;
    std::set<fs::path> seen;
    for (const auto& f : files) {
        std::error_code ec;
        fs::path absolute = fs::absolute(f, ec);
        if (seen.insert((ec ? fs::path(f) : absolute).lexically_normal()).second) out.push_back(f);
    }
    return out;
}

} // namespace

int test(const TestOptions& options) {
    std::vector<std::string> paths =
        options.paths.empty() ? std::vector<std::string>{"tests"} : options.paths;
    std::vector<std::string> files;
    std::vector<std::string> strays;   // NAME.expected.json with no NAME.case.json beside it
    std::vector<std::string> unlisted; // a directory below a path that could not be listed
    for (const auto& p : paths) {
        // The error_code forms: a symbolic link loop or an over-long name must not throw.
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            std::vector<std::string> found;
            for (auto& [f, error] : files_below(p, {".case.json", ".expected.json"}))
                if (error.empty())
                    found.push_back(std::move(f));
                else
                    unlisted.push_back(fmt::format("{}: cannot read the directory: it cannot be "
                                                   "listed ({})",
                                                   shown(f), error));
            for (const auto& f : found)
                if (f.ends_with(".case.json"))
                    files.push_back(f);
                else if (!std::binary_search(found.begin(), found.end(), case_of(f)))
                    strays.push_back(f);
        } else if (fs::exists(p, ec)) {
            // Its expectation is found by the name: NAME.case.json beside NAME.expected.json.
            if (!p.ends_with(".case.json")) {
                eprint("cpl test: error: {} is not a test: a test is NAME.case.json beside "
                       "NAME.expected.json [test.not_a_test]\n",
                       shown(p));
                return 2;
            }
            files.push_back(p);
        } else {
            eprint("cpl test: error: {} does not exist: name a test's .case.json file or a "
                   "directory of tests [test.no_such_path]\n",
                   shown(p));
            return 2;
        }
    }
    // Paths that overlap (a directory and a test in it) name a test once.
    files = distinct_files(files);
    strays = distinct_files(strays);
    // A test job that finds nothing to run has not passed: its paths are wrong.
    if (files.empty() && unlisted.empty()) {
        eprint("cpl test: error: no tests in {}: a test is NAME.case.json beside "
               "NAME.expected.json [test.no_tests]\n",
               shown(fmt::format("{}", fmt::join(paths, ", "))));
        return 1;
    }
    std::map<std::string, Loaded> policies;
    std::map<std::string, std::unique_ptr<Session>> sessions;
    std::map<std::string, Coverage> coverage;
    std::size_t passed = 0, failed = 0, updated = 0;
    bool bad_layer = false; // --coverage-layer names no layer of a policy tested
    // The tests in a directory that cannot be listed did not run: failed, not left out.
    for (const auto& directory : unlisted) {
        print("FAIL {}\n", directory);
        ++failed;
    }
    // An expectation whose case was renamed or deleted tests nothing any more: said, and failed.
    for (const auto& stray : strays) {
        std::string case_name = fs::path(case_of(stray)).filename().string();
        std::error_code ec;
        if (fs::is_directory(case_of(stray), ec))
            print("FAIL {}: {} beside it is a directory, not a case file\n", shown(stray),
                  shown(case_name));
        else
            print("FAIL {}: there is no {} beside it: a test is NAME.case.json beside "
                  "NAME.expected.json\n",
                  shown(stray), shown(case_name));
        ++failed;
    }
    for (const auto& file : files) {
        std::string expected_path =
            file.substr(0, file.size() - std::string(".case.json").size()) + ".expected.json";
        std::string why;
        auto case_text = read_text_file(file, why);
        auto expected_text = case_text ? read_text_file(expected_path, why) : std::nullopt;
        bool blank =
            expected_text && expected_text->find_first_not_of(" \t\r\n") == std::string::npos;
        // --update writes the expectation a case has none of (or an empty one).
        bool creating = options.update && case_text &&
                        ((!expected_text && !fs::exists(expected_path)) || blank);
        if (creating) expected_text = "{}";
        json expected;
        if (!case_text || !expected_text) {
            print("FAIL {}: {} {}\n", shown(file), shown(case_text ? expected_path : "it"), why);
            ++failed;
            continue;
        }
        if (json_nesting(*expected_text) > max_json_nesting) {
            print("FAIL {}: {} nests more than {} levels deep\n", shown(file), shown(expected_path),
                  max_json_nesting);
            ++failed;
            continue;
        }
        if (blank && !creating) {
            print("FAIL {}: {} is empty: write the expected result as a JSON object, or run "
                  "`cpl test --update` to create it\n",
                  shown(file), shown(expected_path));
            ++failed;
            continue;
        }
        std::optional<std::string> repeated;
        try {
            expected = parse_expectation(*expected_text, repeated);
        } catch (const json::exception& e) {
            print("FAIL {}: {} is not valid JSON: {}\n", shown(file), shown(expected_path),
                  shown(without_exception_name(e.what())));
            ++failed;
            continue;
        }
        if (repeated && !creating) {
            print("FAIL {}: {}: {}\n", shown(file), shown(expected_path), shown(*repeated));
            ++failed;
            continue;
        }
        if (auto problem = creating ? std::nullopt : expectation_problem(expected)) {
            print("FAIL {}: {}: {}\n", shown(file), shown(expected_path), shown(*problem));
            ++failed;
            continue;
        }
        // A test states what it is about: one that lists no section and no error (or only an
        // empty section listed in part, `"partial": ["lines"], "lines": []`) checks only that
        // the case runs. --update writes its claim into it.
        auto says_something = [&](const char* s) {
            return expected.contains(s) &&
                   !(is_partial(expected, s) && expected[s].is_array() && expected[s].empty());
        };
        bool says_nothing = !creating && std::none_of(std::begin(result_sections),
                                                      std::end(result_sections), says_something);
        if (says_nothing && !options.update) {
            print("FAIL {}: {} states nothing of the result: list its `lines`, `edits` or "
                  "`error` (`cpl test --update` writes them)\n",
                  shown(file), shown(expected_path));
            ++failed;
            continue;
        }
        std::string named = creating ? policy_of_tests_in(directory_of(file))
                                     : expected.value("policy", "standard");
        std::optional<std::string> found = options.policy.empty()
                                               ? resolve_policy(named, fs::path(file).parent_path())
                                               : options.policy;
        if (!found) {
            print("FAIL {}: cannot find the policy `{}` that {} names\n", shown(file), shown(named),
                  shown(expected_path));
            ++failed;
            continue;
        }
        const std::string& policy = *found;
        if (!policies.count(policy)) {
            policies[policy] = load_policy(policy);
            if (report(policies[policy]))
                sessions[policy] = std::make_unique<Session>(*policies[policy].program);
        }
        if (!sessions.count(policy)) {
            print("FAIL {}: the policy {} has errors\n", shown(file), shown(policy));
            ++failed;
            continue;
        }
        // --update rewrites a rule's name as the result gives it.
        if (auto problem = creating || options.update
                               ? std::nullopt
                               : unknown_rule(expected, *policies[policy].program)) {
            print("FAIL {}: {}: {}\n", shown(file), shown(expected_path), shown(*problem));
            ++failed;
            continue;
        }
        CaseOutcome outcome;
        std::vector<std::string> problems;
        try {
            EvaluateOptions evaluate_options;
            evaluate_options.explain = true;
            if (options.coverage || !options.coverage_layer.empty())
                evaluate_options.coverage = &coverage[policy];
            outcome = sessions[policy]->run(*case_text, evaluate_options);
            problems = compare(expected, outcome);
            if (says_nothing) problems.push_back("the expectation states nothing of the result");
        } catch (const json::exception& e) {
            problems.push_back(fmt::format("{} is malformed: {}", expected_path,
                                           without_exception_name(e.what())));
        }
        if (options.update && (creating || !problems.empty())) {
            std::string case_name = outcome.case_id;
            if (case_name.empty()) {
                case_name = fs::path(file).filename().string();
                case_name.resize(case_name.size() - std::string(".case.json").size());
            }
            std::string text = updated_expectation(
                creating ? "" : *expected_text, case_name,
                options.policy.empty()
                    ? named
                    : policy_reference(policy, policies[policy].program->name, directory_of(file)),
                outcome);
            // Written only when the test then passes: an update never reports a fix it did not
            // make (the failure is shown below, and the file is left as it was).
            std::optional<std::string> repeated_key;
            std::vector<std::string> left = compare(parse_expectation(text, repeated_key), outcome);
            if (!left.empty()) {
                problems = std::move(left);
                problems.insert(problems.begin(),
                                "--update could not write an expectation this case meets:");
            } else if (replace_file(expected_path, text, why)) {
                print("{} {}\n", creating ? "CREATED" : "UPDATED", shown(expected_path));
                ++updated;
                continue;
            } else {
                problems.push_back(fmt::format("cannot write {}: {}", expected_path, why));
            }
        }
        if (problems.empty()) {
            ++passed;
            if (options.verbose) print("ok   {}\n", shown(file));
            continue;
        }
        ++failed;
        print("FAIL {}\n", shown(file));
        if (expected.contains("why"))
            print("    why: {}\n", shown(expected["why"].get<std::string>()));
        // A problem's lines are made printable one by one: its own line breaks are kept.
        for (const auto& p : problems) {
            std::string_view rest = p;
            for (std::string_view indent = "    "; !rest.empty(); indent = "") {
                std::size_t end = std::min(rest.find('\n'), rest.size());
                print("{}{}\n", indent, shown(rest.substr(0, end)));
                rest.remove_prefix(std::min(end + 1, rest.size()));
            }
        }
        if (outcome.result)
            for (const auto& l : outcome.result->lines)
                for (const auto& b : l.because)
                    print("      {} because {}\n", shown(l.code), shown(b));
    }
    if (options.coverage || !options.coverage_layer.empty())
        for (const auto& [policy, covered] : coverage) {
            const Program& program = *policies[policy].program;
            const auto& layers = program.layers;
            const std::string& layer = options.coverage_layer;
            if (!layer.empty() && std::find(layers.begin(), layers.end(), layer) == layers.end()) {
                // Said as a usage error, though after the tests: a policy's layers are known
                // once a test has loaded it.
                auto near = closest(layer, {layers.begin(), layers.end()});
                eprint("cpl test: error: --coverage-layer {}: policy {} has no such layer; its "
                       "layers are {} [usage]\n  help: {}\n",
                       shown(layer), program.name, fmt::join(layers, ", "),
                       near ? fmt::format("did you mean `{}`?", *near)
                            : std::string("name a layer of the policy tested"));
                bad_layer = true;
                continue;
            }
            print("{}", coverage_report(program, covered, layer));
        }
    // The last line is the contract's `N passed, N failed`, with --update too.
    if (options.update) print("{} updated\n", updated);
    print("{} passed, {} failed\n", passed, failed);
    return bad_layer ? 2 : failed ? 1 : 0;
}

} // namespace cpl::cli
