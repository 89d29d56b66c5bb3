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

ordered lines_json(const std::vector<Line>& lines, const std::vector<std::string>& keys) {
    ordered out = ordered::array();
    for (const auto& l : lines) {
        ordered entry = ordered::object();
        for (const auto& key : keys) {
            if (key == "code") entry[key] = l.code;
            if (key == "units") entry[key] = l.units;
            if (key == "modifiers")
                entry[key] = std::vector<std::string>(l.modifiers.begin(), l.modifiers.end());
            if (key == "rule") entry[key] = l.rule;
        }
        out.push_back(std::move(entry));
    }
    return out;
}

ordered edits_json(const std::vector<Edit>& edits, const std::vector<std::string>& keys) {
    ordered out = ordered::array();
    for (const auto& e : edits) {
        ordered entry = ordered::object();
        for (const auto& key : keys) {
            if (key == "severity") entry[key] = e.severity;
            if (key == "rule") entry[key] = e.rule;
            if (key == "code") entry[key] = e.code;
            if (key == "message") entry[key] = e.message;
            if (key == "cite") entry[key] = e.cite;
        }
        out.push_back(std::move(entry));
    }
    return out;
}

ordered review_json(const std::vector<ReviewLine>& review, const std::vector<std::string>& keys) {
    ordered out = ordered::array();
    for (const auto& v : review) {
        ordered entry = ordered::object();
        for (const auto& key : keys) {
            if (key == "code") entry[key] = v.code;
            if (key == "units") entry[key] = v.units;
            if (key == "status") entry[key] = v.status;
            if (key == "units_allowed") entry[key] = v.units_allowed;
        }
        out.push_back(std::move(entry));
    }
    return out;
}

} // namespace

std::string updated_expectation(const std::string& old_text, const std::string& case_id,
                                const std::string& policy, const CaseOutcome& outcome) {
    ordered old = old_text.empty() ? ordered::object() : ordered::parse(old_text);
    ordered out = old;
    if (!out.contains("case")) out["case"] = case_id;
    if (!out.contains("policy")) out["policy"] = policy;
    static const char* sections[] = {"error",  "lines",    "edits",
                                     "review", "unbilled", "documentation"};
    if (!outcome.result) {
        for (const char* section : sections)
            out.erase(section);
        out["error"] = outcome.error;
        return out.dump(2) + "\n";
    }
    const Result& r = *outcome.result;
    bool lists_any = false;
    for (const char* section : sections)
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
    if (lists("lines"))
        out["lines"] = lines_json(r.lines, keys_used(old, "lines", {"code", "units", "modifiers"}));
    if (lists("edits"))
        out["edits"] = edits_json(r.edits, keys_used(old, "edits", {"severity", "rule", "code"}));
    if (lists("review"))
        out["review"] =
            review_json(r.review, keys_used(old, "review", {"code", "status", "units_allowed"}));
    if (lists("unbilled"))
        out["unbilled"] = lines_json(r.unbilled, keys_used(old, "unbilled", {"code", "units"}));
    if (lists("documentation"))
        out["documentation"] =
            std::vector<std::string>(r.documentation.begin(), r.documentation.end());
    return out.dump(2) + "\n";
}

} // namespace cpl::cli
