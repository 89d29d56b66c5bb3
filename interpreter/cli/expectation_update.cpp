// interpreter/cli/expectation_update.cpp — `cpl test --update`: an expectation rewritten to
// what the policy now gives, for the author to review with `git diff`. It keeps the
// expectation's own choices: its key order, `why`, `partial`, the sections it lists and the
// keys its entries list (a test about lines and one edit stays one).
#include "expectation.hpp"
#include "interpreter/engine/cpl.hpp"

namespace cpl::cli {

namespace {

using ordered = nlohmann::ordered_json;

// The keys the expectation's entries of a section use, or `defaults` when it lists none.
std::vector<std::string> keys_used(const ordered& old, const char* section,
                                   std::vector<std::string> defaults) {
    if (!old.contains(section) || !old[section].is_array() || old[section].empty()) return defaults;
    std::vector<std::string> keys;
    for (const auto& entry : old[section])
        if (entry.is_object())
            for (const auto& [key, _] : entry.items())
                if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    return keys.empty() ? defaults : keys;
}

// Each item as an object of the `keys` asked, in that order, valued by `field` (a key it does
// not know is left out).
template <typename Item, typename Field>
ordered entries(const std::vector<Item>& items, const std::vector<std::string>& keys, Field field) {
    ordered out = ordered::array();
    for (const auto& item : items) {
        ordered entry = ordered::object();
        for (const auto& key : keys)
            if (ordered value = field(item, key); !value.is_null()) entry[key] = std::move(value);
        out.push_back(std::move(entry));
    }
    return out;
}

ordered line_field(const Line& l, const std::string& key) {
    if (key == "code") return l.code;
    if (key == "units") return l.units;
    if (key == "modifiers") return std::vector<std::string>(l.modifiers.begin(), l.modifiers.end());
    if (key == "rule") return l.rule;
    return nullptr;
}

ordered edit_field(const Edit& e, const std::string& key) {
    if (key == "severity") return e.severity;
    if (key == "rule") return e.rule;
    if (key == "code") return e.code;
    if (key == "message") return e.message;
    if (key == "cite") return e.cite;
    return nullptr;
}

ordered review_field(const ReviewLine& v, const std::string& key) {
    if (key == "code") return v.code;
    if (key == "units") return v.units;
    if (key == "status") return v.status;
    if (key == "units_allowed") return v.units_allowed;
    return nullptr;
}

} // namespace

std::string updated_expectation(const std::string& old_text, const std::string& case_id,
                                const std::string& policy, const CaseOutcome& outcome) {
    ordered old = old_text.empty() ? ordered::object() : ordered::parse(old_text);
    ordered out = old;
    // The expectation is for the case it sits beside: an id it names wrongly is rewritten too.
    if (!out.contains("case") || !case_id.empty()) out["case"] = case_id;
    if (!out.contains("policy")) out["policy"] = policy;
    if (!outcome.result) {
        for (const char* section : result_sections)
            out.erase(section);
        out["error"] = outcome.error;
        return out.dump(2) + "\n";
    }
    const Result& r = *outcome.result;
    bool lists_any = false;
    for (const char* section : result_sections)
        lists_any = lists_any || (old.contains(section) && std::string_view(section) != "error");
    out.erase("error");
    // A test that listed nothing (or only an error) lists the claim: its lines and edits,
    // and, when the case was reviewed, the verdicts and what the claim left off.
    auto lists = [&](const char* section) {
        if (old.contains(section)) return true;
        if (lists_any) return false;
        std::string_view s(section);
        return s == "lines" || s == "edits" || (r.reviewed && (s == "review" || s == "unbilled"));
    };
    if (lists("lines")) {
        out["lines"] =
            entries(r.lines, keys_used(old, "lines", {"code", "units", "modifiers"}), line_field);
        // A line that lists no units is compared as 1 unit, and one without modifiers as none:
        // a line that has others says so, or the test would still fail after its update.
        for (std::size_t i = 0; i < r.lines.size(); ++i) {
            ordered& entry = out["lines"][i];
            if (!entry.contains("units") && r.lines[i].units != 1)
                entry["units"] = r.lines[i].units;
            if (!entry.contains("modifiers") && !r.lines[i].modifiers.empty())
                entry["modifiers"] = line_field(r.lines[i], "modifiers");
        }
    }
    if (lists("edits"))
        out["edits"] =
            entries(r.edits, keys_used(old, "edits", {"severity", "rule", "code"}), edit_field);
    if (lists("review"))
        out["review"] = entries(
            r.review, keys_used(old, "review", {"code", "status", "units_allowed"}), review_field);
    if (lists("unbilled")) {
        out["unbilled"] =
            entries(r.unbilled, keys_used(old, "unbilled", {"code", "units"}), line_field);
        // A line with modifiers is another line to bill (95866-50 is both sides): said so.
        for (std::size_t i = 0; i < r.unbilled.size(); ++i)
            if (!out["unbilled"][i].contains("modifiers") && !r.unbilled[i].modifiers.empty())
                out["unbilled"][i]["modifiers"] = line_field(r.unbilled[i], "modifiers");
    }
    if (lists("documentation"))
        out["documentation"] =
            std::vector<std::string>(r.documentation.begin(), r.documentation.end());
    return out.dump(2) + "\n";
}

} // namespace cpl::cli
