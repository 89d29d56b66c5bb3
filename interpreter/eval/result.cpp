// interpreter/eval/result.cpp — Result → JSON Lines (for programs) and aligned text (for people).
#include "interpreter/eval/result.hpp"

#include "interpreter/program/program.hpp"
#include "lang/json_text.hpp"
#include "lang/utf8.hpp"

#include <algorithm>
#include <cstdint>
#include <fmt/format.h>

namespace cpl {

namespace {

// `name` is one of this file's field names, which need no escaping.
void field(std::string& out, std::string_view name, std::string_view value) {
    out += ", \"";
    out += name;
    out += "\": ";
    json_string(out, value);
}

// `, "cite": CITE, "sources": [KEY, …]`: the JSON link() wrote for the rule, the same in every
// case; written here only for a cite of no linked rule.
void cite_and_sources(std::string& out, std::string_view cite, const std::vector<std::string>* keys,
                      const RuleCode* cited_by) {
    if (cited_by && !cited_by->cite_json.empty()) {
        out += cited_by->cite_json;
        return;
    }
    static const std::vector<std::string> none;
    append_cite_json(out, cite, keys ? *keys : none);
}

// The kept JSON of the program's long texts: slots in a thread's table, found by where the
// text is. Addresses are spread by a multiply (Fibonacci hashing): the low bits of neighbouring
// strings' addresses repeat, and taken as they were they met in few slots.
constexpr std::size_t kept_slots = 512;
std::size_t kept_slot(std::uintptr_t where) {
    return static_cast<std::size_t>((where * 0x9E3779B97F4A7C15ull) >> 55); // 9 bits: 512
}

// A long text of the program (a documentation requirement) is the same JSON in every case:
// kept from the last time it was written, in a table of this thread found by where the text
// is. The text is compared before its JSON is used: another program's text may be there now,
// and a text built for the case is at a new place each time (then it is written afresh).
void json_text(std::string& out, std::string_view text) {
    if (text.size() < 64) return json_string(out, text); // escaping costs less than the look-up
    struct Written {
        const char* at = nullptr;
        std::string text;
        std::string json;
    };
    thread_local std::vector<Written> written(kept_slots);
    Written& w = written[kept_slot(reinterpret_cast<std::uintptr_t>(text.data()))];
    if (w.at != text.data() || w.text != text) {
        w.at = text.data();
        w.text.assign(text);
        w.json.clear();
        json_string(w.json, text);
    }
    out += w.json;
}

// Claim lines as a JSON array: billed lines, and the unbilled ones a review lists.
void json_lines(std::string& out, const std::vector<Line>& lines, bool layered, bool explain) {
    out += '[';
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const Line& l = lines[i];
        out += i ? ", {\"code\": " : "{\"code\": ";
        json_string(out, l.code);
        out += ", \"units\": ";
        append_number(out, l.units);
        out += ", \"modifiers\": ";
        json_strings(out, l.modifiers);
        field(out, "rule", l.rule);
        cite_and_sources(out, l.cite, l.sources, l.cited_by);
        if (layered) {
            field(out, "layer", l.layer);
            if (!l.replaces.empty()) field(out, "replaces", l.replaces);
        }
        if (explain) {
            out += ", \"because\": ";
            json_strings(out, l.because);
        }
        out += '}';
    }
    out += ']';
}

} // namespace

std::string to_json(const Result& r, bool explain) {
    std::string out;
    out.reserve(4096); // a realistic result is about 2 KB: one allocation
    append_json(out, r, explain);
    return out;
}

void append_json(std::string& out, const Result& r, bool explain) {
    out += "{\"case\": ";
    json_string(out, r.case_id);
    field(out, "policy", r.policy);
    out += ", \"lines\": ";
    json_lines(out, r.lines, r.layered, explain);
    out += ", \"edits\": [";
    for (std::size_t i = 0; i < r.edits.size(); ++i) {
        const Edit& e = r.edits[i];
        out += i ? ", {\"severity\": " : "{\"severity\": ";
        json_string(out, e.severity);
        field(out, "rule", e.rule);
        field(out, "code", e.code);
        field(out, "message", e.message);
        cite_and_sources(out, e.cite, e.sources, e.cited_by);
        if (r.layered) {
            field(out, "layer", e.layer);
            if (!e.replaces.empty()) field(out, "replaces", e.replaces);
        }
        if (explain) {
            out += ", \"because\": ";
            json_strings(out, e.because);
        }
        out += '}';
    }
    out += "], \"documentation\": [";
    for (std::size_t i = 0; i < r.documentation.size(); ++i) {
        if (i) out += ", ";
        json_text(out, r.documentation[i]);
    }
    out += ']';
    if (!r.why_not.empty()) {
        out += ", \"why_not\": ";
        json_strings(out, r.why_not);
    }
    if (!r.values.empty()) {
        out += ", \"values\": {";
        for (std::size_t i = 0; i < r.values.size(); ++i) {
            if (i) out += ", ";
            json_string(out, r.values[i].first);
            out += ": ";
            json_string(out, r.values[i].second);
        }
        out += '}';
    }
    if (r.reviewed) {
        out += ", \"review\": [";
        for (std::size_t i = 0; i < r.review.size(); ++i) {
            const ReviewLine& v = r.review[i];
            out += i ? ", {\"code\": " : "{\"code\": ";
            json_string(out, v.code);
            out += ", \"units\": ";
            append_number(out, v.units);
            out += ", \"modifiers\": ";
            json_strings(out, v.modifiers);
            field(out, "status", v.status);
            out += ", \"units_allowed\": ";
            append_number(out, v.units_allowed);
            out += ", \"reasons\": [";
            for (std::size_t k = 0; k < v.reasons.size(); ++k) {
                out += k ? ", {\"rule\": " : "{\"rule\": ";
                json_string(out, v.reasons[k].rule);
                field(out, "message", v.reasons[k].message);
                cite_and_sources(out, v.reasons[k].cite, v.reasons[k].sources,
                                 v.reasons[k].cited_by);
                out += '}';
            }
            out += "]}";
        }
        out += "], \"unbilled\": ";
        json_lines(out, r.unbilled, false, false);
    }
    out += '}';
}

std::string error_json(std::string_view case_id, std::string_view message,
                       const ErrorDetails& details) {
    std::string out = "{\"case\": ";
    json_string(out, case_id);
    field(out, "error", message);
    if (!details.input.empty()) field(out, "input", details.input);
    if (details.line > 0) out += fmt::format(", \"line\": {}", details.line);
    if (!details.path.empty()) field(out, "path", details.path);
    if (!details.help.empty()) field(out, "help", details.help);
    out += '}';
    return out;
}

namespace {

// Every value printed as text came from a policy or a case: shown through `printable`, so a
// newline in a case id cannot forge a claim line, nor an escape sequence reach the terminal.
std::string shown(std::string_view text) {
    return printable(text);
}

std::string shown_modifiers(const std::vector<std::string_view>& modifiers) {
    if (modifiers.empty()) return "-";
    std::string out;
    for (auto m : modifiers) {
        if (!out.empty()) out += ' ';
        append_printable(out, m);
    }
    return out;
}

// Under explain, each source a line or edit cites, resolved: key, whether verified, title,
// publisher and date, link.
void source_lines(std::string& out, const Result& r, const std::vector<std::string>* keys) {
    if (!keys || !r.bibliography) return;
    for (const auto& key : *keys) {
        auto found = std::find_if(r.bibliography->begin(), r.bibliography->end(),
                                  [&](const SourceCode& s) { return s.key == key; });
        if (found == r.bibliography->end()) continue;
        std::string about = shown(found->title);
        for (const std::string* part : {&found->publisher, &found->date, &found->link})
            if (!part->empty()) about += "; " + shown(*part);
        out += fmt::format("      source {} ({}): {}\n", key,
                           found->verified ? "verified" : "unverified", about);
    }
}

// The submitted claim and the verdict on each line, in one table a coder reads at a glance.
std::string review_text(const Result& r) {
    std::string out = "  review of the submitted claim:\n";
    std::size_t mod_w = 9;
    std::vector<std::string> modifiers;
    for (const auto& v : r.review) {
        modifiers.push_back(shown_modifiers(v.modifiers));
        mod_w = std::max(mod_w, modifiers.back().size());
    }
    out += fmt::format("    {:<6} {:>5}  {:<{}}  {:<8}  {:>7}  {}\n", "code", "units", "modifiers",
                       mod_w, "verdict", "allowed", "why");
    for (std::size_t i = 0; i < r.review.size(); ++i) {
        const ReviewLine& v = r.review[i];
        std::string why = v.reasons.empty() ? "-"
                                            : fmt::format("{} [{}]", shown(v.reasons[0].message),
                                                          shown(v.reasons[0].rule));
        out += fmt::format("    {:<6} {:>5}  {:<{}}  {:<8}  {:>7}  {}\n", shown(v.code), v.units,
                           modifiers[i], mod_w, v.status, v.units_allowed, why);
        for (std::size_t k = 1; k < v.reasons.size(); ++k)
            out += fmt::format("    {:<{}}  {} [{}]\n", "", 6 + 1 + 5 + 2 + mod_w + 2 + 8 + 2 + 7,
                               shown(v.reasons[k].message), shown(v.reasons[k].rule));
    }
    if (!r.unbilled.empty()) {
        out += "  supported by the study but not on the claim:\n";
        for (const auto& l : r.unbilled)
            out += fmt::format("    {} [{}]\n", billed_text(l.code, l.modifiers, l.units),
                               shown(l.rule));
    }
    return out;
}

} // namespace

std::string billed_text(std::string_view code, const std::vector<std::string_view>& modifiers,
                        std::int64_t units) {
    std::string out = shown(code);
    for (auto m : modifiers) {
        out += '-';
        append_printable(out, m);
    }
    out += " x";
    append_number(out, units);
    return out;
}

std::string to_text(const Result& r, bool explain) {
    // A long id is cut as an error message cuts it (JSON output keeps it whole): one case
    // cannot fill a terminal or a log with megabytes of itself.
    std::string out =
        fmt::format("case {} (policy {})\n", shown(clipped(r.case_id)), shown(r.policy));
    if (r.reviewed) out += review_text(r) + "  payable:\n";
    if (r.lines.empty()) out += "  no billable lines\n";
    std::vector<std::string> codes, modifiers, rules;
    std::size_t code_w = 4, mod_w = 9, rule_w = 4;
    for (const auto& l : r.lines) {
        codes.push_back(shown(l.code));
        modifiers.push_back(shown_modifiers(l.modifiers));
        rules.push_back(shown(l.rule));
        code_w = std::max(code_w, codes.back().size());
        mod_w = std::max(mod_w, modifiers.back().size());
        rule_w = std::max(rule_w, rules.back().size());
    }
    if (!r.lines.empty()) {
        out += fmt::format("  {:<{}}  {:>5}  {:<{}}  {:<{}}  {}\n", "code", code_w, "units",
                           "modifiers", mod_w, "rule", rule_w, "citation");
        for (std::size_t i = 0; i < r.lines.size(); ++i) {
            const Line& l = r.lines[i];
            out += fmt::format("  {:<{}}  {:>5}  {:<{}}  {:<{}}  {}\n", codes[i], code_w, l.units,
                               modifiers[i], mod_w, rules[i], rule_w, shown(l.cite));
            if (explain) {
                for (const auto& b : l.because)
                    out += fmt::format("      because {}\n", shown(b));
                source_lines(out, r, l.sources);
            }
        }
    }
    for (const auto& e : r.edits) {
        out +=
            fmt::format("  {}: {}{}{} [{}; {}]\n", e.severity, shown(e.code),
                        e.code.empty() ? "" : ": ", shown(e.message), shown(e.rule), shown(e.cite));
        if (explain) {
            for (const auto& b : e.because)
                out += fmt::format("      because {}\n", shown(b));
            source_lines(out, r, e.sources);
        }
    }
    if (!r.documentation.empty()) {
        out += "  documentation required:\n";
        for (const auto& d : r.documentation)
            out += fmt::format("    - {}\n", shown(d));
    }
    // Their values are written as policy text (`"x\"y"`): its backslashes are its own.
    for (const auto& w : r.why_not)
        out += fmt::format("  why not {}\n", printable(w, true));
    for (const auto& [name, value] : r.values)
        out += fmt::format("  value of {}: {}\n", shown(name), printable(value, true));
    return out;
}

} // namespace cpl
