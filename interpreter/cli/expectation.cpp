// interpreter/cli/expectation.cpp — what an expectation may hold, as data, and the check of
// one expectation against it (see expectation.hpp).
#include "interpreter/cli/expectation.hpp"

#include "lang/suggest.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <vector>

namespace cpl::cli {

namespace {

using json = nlohmann::json;

enum class Want { text, whole, texts, severity, status, entries, sections };

struct Field {
    const char* name;
    Want want;
    bool required = false;
    const std::vector<Field>* entry = nullptr; // the fields of each entry of a list
};

// clang-format off
const std::vector<Field> line_fields = {
    {"code", Want::text, true}, {"units", Want::whole}, {"modifiers", Want::texts}, {"rule", Want::text}};
const std::vector<Field> edit_fields = {
    {"severity", Want::severity}, {"rule", Want::text}, {"code", Want::text},
    {"message", Want::text}, {"cite", Want::text}};
const std::vector<Field> review_fields = {
    {"code", Want::text, true}, {"status", Want::status}, {"units", Want::whole},
    {"units_allowed", Want::whole}};
const std::vector<Field> unbilled_fields = {
    {"code", Want::text, true}, {"units", Want::whole}, {"rule", Want::text}};
const std::vector<Field> top_fields = {
    {"case", Want::text}, {"policy", Want::text}, {"why", Want::text}, {"error", Want::text},
    {"lines", Want::entries, false, &line_fields}, {"edits", Want::entries, false, &edit_fields},
    {"review", Want::entries, false, &review_fields},
    {"unbilled", Want::entries, false, &unbilled_fields}, {"documentation", Want::texts},
    {"partial", Want::sections}};
// clang-format on

const std::vector<std::string> partial_sections = {"lines", "edits", "review", "unbilled",
                                                   "documentation"};

// A JSON value as the author wrote it, for "must be …, not …".
std::string shown(const json& v) {
    if (v.is_string()) return fmt::format("the string {}", v.dump());
    if (v.is_array()) return "a list";
    if (v.is_object()) return "an object";
    return v.dump();
}

std::string one_of(const std::vector<std::string>& words) {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i)
        out += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + json(words[i]).dump();
    return out;
}

// What is wrong with `v` as a value of `want`, or nothing.
std::optional<std::string> wrong_value(const json& v, Want want) {
    auto must = [&](std::string what) { return fmt::format("must be {}, not {}", what, shown(v)); };
    switch (want) {
    case Want::text:
        if (!v.is_string()) return must("a string");
        break;
    case Want::whole:
        if (!v.is_number_integer()) return must("a whole number");
        break;
    case Want::texts:
        if (!v.is_array() ||
            !std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_string(); }))
            return must("a list of strings");
        break;
    case Want::severity: {
        std::vector<std::string> allowed = {"deny", "warn", "info"};
        if (!v.is_string() ||
            std::find(allowed.begin(), allowed.end(), v.get<std::string>()) == allowed.end())
            return must(fmt::format("a string ({})", one_of(allowed)));
        break;
    }
    case Want::status: {
        std::vector<std::string> allowed = {"accepted", "adjusted", "denied"};
        if (!v.is_string() ||
            std::find(allowed.begin(), allowed.end(), v.get<std::string>()) == allowed.end())
            return must(fmt::format("a string ({})", one_of(allowed)));
        break;
    }
    case Want::entries:
        if (!v.is_array()) return must("a list");
        break;
    case Want::sections:
        if (!v.is_array() || !std::all_of(v.begin(), v.end(), [](const json& x) {
                return x.is_string() && std::find(partial_sections.begin(), partial_sections.end(),
                                                  x.get<std::string>()) != partial_sections.end();
            }))
            return must(fmt::format("a list of sections ({})", one_of(partial_sections)));
        break;
    }
    return std::nullopt;
}

// `path` names the object: "" at the top, "lines[0]" inside.
std::optional<std::string> check_object(const json& object, const std::vector<Field>& fields,
                                        const std::string& path) {
    std::string at = path.empty() ? "" : path + ": ";
    for (const auto& [key, value] : object.items()) {
        auto field = std::find_if(fields.begin(), fields.end(),
                                  [&](const Field& f) { return key == f.name; });
        if (field == fields.end()) {
            std::vector<std::string_view> names;
            for (const auto& f : fields)
                names.push_back(f.name);
            std::string problem = fmt::format("{}unknown key {}", at, json(key).dump());
            if (auto guess = closest(key, names))
                problem += fmt::format("; did you mean {}?", json(*guess).dump());
            else
                problem += fmt::format(" (the keys: {})", fmt::join(names, ", "));
            return problem;
        }
        if (auto wrong = wrong_value(value, field->want))
            return fmt::format("{}{} {}", at, json(key).dump(), *wrong);
        if (field->want != Want::entries) continue;
        for (std::size_t i = 0; i < value.size(); ++i) {
            std::string entry = fmt::format("{}{}[{}]", path.empty() ? "" : path + ".", key, i);
            if (!value[i].is_object())
                return fmt::format("{}: must be an object, not {}", entry, shown(value[i]));
            if (auto problem = check_object(value[i], *field->entry, entry)) return problem;
        }
    }
    for (const auto& f : fields)
        if (f.required && !object.contains(f.name))
            return fmt::format("{}missing {}", at, json(f.name).dump());
    return std::nullopt;
}

} // namespace

std::optional<std::string> expectation_problem(const json& expected) {
    if (!expected.is_object()) return "expected a JSON object";
    return check_object(expected, top_fields, "");
}

bool is_partial(const json& expected, const char* section) {
    if (!expected.contains("partial")) return false;
    for (const auto& s : expected["partial"])
        if (s == section) return true;
    return false;
}

} // namespace cpl::cli
