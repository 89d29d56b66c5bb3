// interpreter/cli/cmd_check.cpp — `cpl check [--format text|json|sarif] FILE...`
//
// text: the rendered diagnostics on stderr, one `FILE: ok (…)` line per clean file on stdout.
// json: one document on stdout, {"files": [...], "diagnostics": [...]}, for tools.
// sarif: one SARIF 2.1.0 log on stdout, which CI systems (code scanning) display.
// The exit status is the same in every format: 0 clean, 1 errors.
#include "commands.hpp"
#include "interpreter/lsp/text.hpp"
#include "lang/counted.hpp"
#include "lang/render.hpp"
#include "lang/utf8.hpp"

#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>

namespace cpl::cli {

namespace {

// Keys in the order written, so the output reads top-down: files before diagnostics,
// a diagnostic's place before its message.
using json = nlohmann::ordered_json;

struct Checked {
    std::string file; // as named on the command line
    Loaded loaded;
};

// A 1-based line and column; the column counts bytes (as the text output) or, for SARIF,
// whose columnKind has no byte unit, Unicode code points.
json place(const SourceFile& file, std::uint32_t offset, bool code_points) {
    Location at = file.locate(offset);
    std::uint32_t column = at.column;
    if (code_points) {
        std::uint32_t start = offset - (at.column - 1);
        column = 1;
        for (std::uint32_t i = start; i < offset && i < file.text().size(); ++i)
            column += (static_cast<unsigned char>(file.text()[i]) & 0xC0) != 0x80;
    }
    return {{"line", at.line}, {"column", column}};
}

json diagnostic_json(const Diagnostic& d, const Checked& c) {
    json out = {
        {"input", c.file},  {"file", c.file},
        {"line", nullptr},  {"column", nullptr},
        {"end", nullptr},   {"severity", d.severity == Severity::error ? "error" : "warning"},
        {"code", d.code},   {"message", d.message},
        {"notes", d.notes}, {"help", d.help ? json(*d.help) : json(nullptr)}};
    if (d.span) {
        const SourceFile& file = c.loaded.sources->get(d.span->file);
        json begin = place(file, d.span->begin, false);
        out["file"] = file.path();
        out["line"] = begin["line"];
        out["column"] = begin["column"];
        out["end"] = place(file, d.span->end, false);
    }
    return out;
}

json file_json(const Checked& c) {
    json out = {{"path", c.file}, {"ok", c.loaded.program != nullptr}};
    // A fragment is checked in the policy that includes it (`cpl check` says so in text).
    if (!c.loaded.included_by.empty()) out["checked_in"] = c.loaded.included_by;
    if (const Program* p = c.loaded.program.get()) {
        out["policy"] = p->name;
        out["rules"] = p->rules.size();
        out["edits"] = p->edits.size();
        out["tables"] = p->tables.size();
        out["settings"] = p->settings.size();
    } else {
        out["errors"] = c.loaded.diagnostics.error_count();
    }
    return out;
}

// A relative path stays relative to the checkout (%SRCROOT%), as code scanning wants it;
// either way it is percent-encoded as a URI reference.
json artifact(const std::string& path) {
    std::string uri = (path.starts_with('/') ? "file://" : "") + lsp::percent_encoded(path);
    json out = {{"uri", uri}};
    if (!path.starts_with('/')) out["uriBaseId"] = "%SRCROOT%";
    return out;
}

json sarif(const std::vector<Checked>& checked) {
    json rules = json::array(), results = json::array();
    std::map<std::string, std::size_t> rule_index;
    for (const auto& c : checked)
        for (const auto& d : c.loaded.diagnostics.sorted()) {
            auto [it, added] = rule_index.emplace(d.code, rules.size());
            if (added) rules.push_back({{"id", d.code}});
            // The message as `cpl check` prints it: notes and help on lines of their own.
            std::string text = d.message;
            for (const auto& note : d.notes)
                text += "\nnote: " + note;
            if (d.help) text += "\nhelp: " + *d.help;
            json location;
            if (d.span) {
                const SourceFile& file = c.loaded.sources->get(d.span->file);
                json begin = place(file, d.span->begin, true), end = place(file, d.span->end, true);
                location = {{"physicalLocation",
                             {{"artifactLocation", artifact(file.path())},
                              {"region",
                               {{"startLine", begin["line"]},
                                {"startColumn", begin["column"]},
                                {"endLine", end["line"]},
                                {"endColumn", end["column"]}}}}}};
            } else {
                location = {{"physicalLocation", {{"artifactLocation", artifact(c.file)}}}};
            }
            results.push_back({{"ruleId", d.code},
                               {"ruleIndex", it->second},
                               {"level", d.severity == Severity::error ? "error" : "warning"},
                               {"message", {{"text", text}}},
                               {"locations", json::array({location})}});
        }
    return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
            {"version", "2.1.0"},
            {"runs",
             json::array(
                 {{{"tool",
                    {{"driver", {{"name", "cpl"}, {"version", CPL_VERSION}, {"rules", rules}}}}},
                   {"columnKind", "unicodeCodePoints"},
                   {"results", results}}})}};
}

} // namespace

bool report(const Loaded& loaded) {
    if (!loaded.diagnostics.empty()) eprint("{}", render_all(loaded.diagnostics, *loaded.sources));
    return loaded.program != nullptr;
}

bool report_base(const Loaded& base) {
    return base.program != nullptr || report(base);
}

int check(const CheckOptions& options) {
    std::size_t failed = 0;
    std::vector<Checked> checked;
    for (const auto& file : options.files) {
        Loaded loaded = load_policy(file);
        if (!loaded.program) ++failed;
        if (options.format != "text") {
            checked.push_back({file, std::move(loaded)});
            continue;
        }
        // A fragment is checked in the policy that includes it: say so first, so that
        // diagnostics in the policy's other files read as what they are.
        std::string part_of =
            loaded.included_by.empty()
                ? ""
                : fmt::format("{} has no `policy` line: it is part of {}, which includes it, "
                              "and was checked there",
                              printable(file), printable(loaded.included_by));
        if (!loaded.program && !part_of.empty()) eprint("note: {}\n", part_of);
        if (!report(loaded)) continue;
        if (!part_of.empty()) print("note: {}\n", part_of);
        const Program& program = *loaded.program;
        print("{}: ok (policy {}: {}, {}, {}, {})\n", printable(file), program.name,
              counted(program.rules.size(), "rule"), counted(program.edits.size(), "edit"),
              counted(program.tables.size(), "table"), counted(program.settings.size(), "setting"));
    }
    if (options.format == "json") {
        json files = json::array(), diagnostics = json::array();
        for (const auto& c : checked) {
            files.push_back(file_json(c));
            for (const auto& d : c.loaded.diagnostics.sorted())
                diagnostics.push_back(diagnostic_json(d, c));
        }
        print("{}\n", json{{"files", files}, {"diagnostics", diagnostics}}.dump(
                          2, ' ', false, json::error_handler_t::replace));
    } else if (options.format == "sarif") {
        print("{}\n", sarif(checked).dump(2, ' ', false, json::error_handler_t::replace));
    }
    return failed ? 1 : 0;
}

} // namespace cpl::cli
