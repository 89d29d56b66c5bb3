// interpreter/cli/cmd_test.cpp — `cpl test`: runs NAME.case.json against the policy its
// NAME.expected.json names and compares the claim; ends with `N passed, N failed`.
#include "commands.hpp"
#include "inputs.hpp"
#include "lang/files.hpp"
#include "lang/utf8.hpp"
#include "lang/vocabulary.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

namespace cpl::cli {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string line_text(std::string_view code, std::int64_t units,
                      const std::vector<std::string>& modifiers) {
    return fmt::format("{} x{}{}{}", code, units, modifiers.empty() ? "" : " ",
                       fmt::join(modifiers, " "));
}

// Compares the fields the expectation lists; returns the differences.
std::vector<std::string> compare(const json& expected, const CaseOutcome& outcome) {
    std::vector<std::string> problems;
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
        std::vector<std::string> want, got;
        for (const auto& l : expected["lines"])
            want.push_back(line_text(l.at("code").get<std::string>(), l.value("units", 1),
                                     l.value("modifiers", std::vector<std::string>{})) +
                           (l.contains("rule") ? " by " + l["rule"].get<std::string>() : ""));
        for (std::size_t i = 0; i < r.lines.size(); ++i) {
            const Line& l = r.lines[i];
            std::vector<std::string> mods(l.modifiers.begin(), l.modifiers.end());
            bool with_rule = i < expected["lines"].size() && expected["lines"][i].contains("rule");
            got.push_back(line_text(l.code, l.units, mods) +
                          (with_rule ? " by " + std::string(l.rule) : ""));
        }
        if (want != got)
            problems.push_back(
                fmt::format("lines differ\n      expected: {}\n      actual:   {}",
                            want.empty() ? "(none)" : fmt::format("{}", fmt::join(want, "; ")),
                            got.empty() ? "(none)" : fmt::format("{}", fmt::join(got, "; "))));
    }
    if (expected.contains("edits")) {
        const json& want = expected["edits"];
        auto field_of = [](const Edit& e, const std::string& key) -> std::string {
            if (key == "severity") return std::string(e.severity);
            if (key == "rule") return std::string(e.rule);
            if (key == "code") return std::string(e.code);
            if (key == "message") return std::string(e.message);
            return std::string(e.cite);
        };
        bool same = want.size() == r.edits.size();
        for (std::size_t i = 0; same && i < want.size(); ++i)
            for (const auto& [key, value] : want[i].items())
                if (!value.is_string() || field_of(r.edits[i], key) != value.get<std::string>())
                    same = false;
        if (!same) {
            std::vector<std::string> got;
            for (const auto& e : r.edits)
                got.push_back(fmt::format("{} {} {} ({})", e.severity, e.rule, e.code, e.message));
            problems.push_back(
                fmt::format("edits differ\n      expected: {}\n      actual:   {}", want.dump(),
                            got.empty() ? "(none)" : fmt::format("{}", fmt::join(got, "; "))));
        }
    }
    // `review` and `unbilled`: same count, in order; only the fields the expectation lists.
    auto compare_list = [&](const char* key, auto&& actual_count, auto&& field_of,
                            auto&& describe) {
        if (!expected.contains(key)) return;
        const json& want = expected[key];
        bool same = want.size() == actual_count;
        for (std::size_t i = 0; same && i < want.size(); ++i)
            for (const auto& [name, value] : want[i].items())
                if (field_of(i, name) !=
                    (value.is_string() ? value.template get<std::string>() : value.dump()))
                    same = false;
        if (same) return;
        std::vector<std::string> got;
        for (std::size_t i = 0; i < actual_count; ++i)
            got.push_back(describe(i));
        problems.push_back(
            fmt::format("{} differs\n      expected: {}\n      actual:   {}", key, want.dump(),
                        got.empty() ? "(none)" : fmt::format("{}", fmt::join(got, "; "))));
    };
    compare_list(
        "review", r.review.size(),
        [&](std::size_t i, const std::string& name) -> std::string {
            const ReviewLine& v = r.review[i];
            if (name == "code") return std::string(v.code);
            if (name == "status") return std::string(v.status);
            if (name == "units") return std::to_string(v.units);
            if (name == "units_allowed") return std::to_string(v.units_allowed);
            return "?";
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
            if (name == "rule") return std::string(l.rule);
            return "?";
        },
        [&](std::size_t i) {
            return fmt::format("{} x{}", r.unbilled[i].code, r.unbilled[i].units);
        });
    if (expected.contains("documentation")) {
        auto want = expected["documentation"].get<std::vector<std::string>>();
        std::vector<std::string> got(r.documentation.begin(), r.documentation.end());
        if (want != got) problems.push_back("documentation differs");
    }
    return problems;
}

std::string where(const Program& program, Span span) {
    const SourceFile& file = program.sources->get(span.file);
    Location at = file.locate(span.begin);
    return fmt::format("{}:{}", file.path(), at.line);
}

// Which rules, edits and table rows the tests exercised, and a list of those none did.
std::string coverage_report(const Program& program, const Coverage& covered) {
    std::vector<std::string> missed;
    std::size_t total = program.rules.size() + program.edits.size(), fired = 0;
    for (std::size_t i = 0; i < total; ++i) {
        bool hit = i < covered.fired.size() && covered.fired[i];
        const RuleCode& r =
            i < program.rules.size() ? program.rules[i] : program.edits[i - program.rules.size()];
        if (hit)
            ++fired;
        else
            missed.push_back(fmt::format("  {} {} ({})", vocabulary::keyword(r.kind), r.name,
                                         where(program, r.span)));
    }
    std::size_t rows = 0, used = 0;
    for (std::size_t t = 0; t < program.tables.size(); ++t) {
        const TableData& table = *program.tables[t];
        if (table.name == "muscles") continue; // read by the case reader, not by look-ups
        for (std::size_t r = 0; r < table.rows.size(); ++r) {
            ++rows;
            bool hit = t < covered.rows.size() && r < covered.rows[t].size() && covered.rows[t][r];
            if (hit)
                ++used;
            else {
                const auto& row = table.rows[r];
                std::string key = row.is_range ? fmt::format("{}..", row.low)
                                               : to_text(row.keys.at(0), program.shapes, true);
                missed.push_back(fmt::format("  table {} row {}", table.name, key));
            }
        }
    }
    std::string out = fmt::format("coverage of policy {}: {} of {} rules and edits acted, {} of {} "
                                  "table rows were looked up\n",
                                  program.name, fired, total, used, rows);
    if (!missed.empty())
        out += fmt::format("not exercised by any test:\n{}\n", fmt::join(missed, "\n"));
    return out;
}

// Names and values in the report come from files and cases: shown printable, so none can
// forge a line of the report or drive the terminal.
std::string shown(std::string_view text) {
    return printable(text, true);
}

// The shape of an expectation file, checked before anything reads it.
std::optional<std::string> malformed(const json& expected) {
    if (!expected.is_object()) return "expected a JSON object";
    for (const char* key : {"case", "policy", "why", "error"})
        if (expected.contains(key) && !expected[key].is_string())
            return fmt::format("\"{}\" must be a string", key);
    for (const char* key : {"lines", "edits", "review", "unbilled"}) {
        if (!expected.contains(key)) continue;
        if (!expected[key].is_array()) return fmt::format("\"{}\" must be a list", key);
        for (const auto& item : expected[key])
            if (!item.is_object())
                return fmt::format("every entry of \"{}\" must be an object", key);
    }
    if (expected.contains("documentation") &&
        (!expected["documentation"].is_array() ||
         !std::all_of(expected["documentation"].begin(), expected["documentation"].end(),
                      [](const json& d) { return d.is_string(); })))
        return "\"documentation\" must be a list of strings";
    return std::nullopt;
}

} // namespace

int test(const TestOptions& options) {
    std::vector<std::string> paths =
        options.paths.empty() ? std::vector<std::string>{"tests"} : options.paths;
    std::vector<std::string> files;
    for (const auto& p : paths) {
        // The error_code forms: a symbolic link loop or an over-long name must not throw.
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            auto found = files_below(p, {".case.json"});
            files.insert(files.end(), found.begin(), found.end());
        } else if (fs::exists(p, ec)) {
            files.push_back(p);
        } else {
            eprint("cpl test: no such file or directory: {}\n", p);
            return 2;
        }
    }
    std::map<std::string, Loaded> policies;
    std::map<std::string, std::unique_ptr<Session>> sessions;
    std::map<std::string, Coverage> coverage;
    std::size_t passed = 0, failed = 0;
    for (const auto& file : files) {
        std::string expected_path =
            file.substr(0, file.size() - std::string(".case.json").size()) + ".expected.json";
        std::string why;
        auto case_text = read_text_file(file, why);
        auto expected_text = case_text ? read_text_file(expected_path, why) : std::nullopt;
        json expected;
        if (!case_text || !expected_text) {
            print("FAIL {}: {} {}\n", shown(file), shown(case_text ? expected_path : "it"), why);
            ++failed;
            continue;
        }
        try {
            expected = json::parse(*expected_text);
        } catch (const json::exception& e) {
            print("FAIL {}: {} is not valid JSON: {}\n", shown(file), shown(expected_path),
                  shown(e.what()));
            ++failed;
            continue;
        }
        if (auto problem = malformed(expected)) {
            print("FAIL {}: {}: {}\n", shown(file), shown(expected_path), shown(*problem));
            ++failed;
            continue;
        }
        std::string named = expected.value("policy", "standard");
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
        CaseOutcome outcome;
        std::vector<std::string> problems;
        try {
            EvaluateOptions evaluate_options;
            evaluate_options.explain = true;
            if (options.coverage) evaluate_options.coverage = &coverage[policy];
            outcome = sessions[policy]->run(*case_text, evaluate_options);
            problems = compare(expected, outcome);
        } catch (const json::exception& e) {
            problems.push_back(fmt::format("{} is malformed: {}", expected_path, e.what()));
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
        for (const auto& p : problems)
            print("    {}\n", shown(p));
        if (outcome.result)
            for (const auto& l : outcome.result->lines)
                for (const auto& b : l.because)
                    print("      {} because {}\n", shown(l.code), shown(b));
    }
    if (options.coverage)
        for (const auto& [policy, covered] : coverage)
            print("{}", coverage_report(*policies[policy].program, covered));
    print("{} passed, {} failed\n", passed, failed);
    return failed ? 1 : 0;
}

} // namespace cpl::cli
