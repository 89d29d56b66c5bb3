// interpreter/cli/expectation.cpp — what an expectation may hold, as data, and the check of
// one expectation against it (see expectation.hpp).
#include "interpreter/cli/expectation.hpp"

#include "interpreter/case/case_schema.hpp"
#include "lang/suggest.hpp"
#include "runtime/ascii.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <map>
#include <vector>

namespace cpl::cli {

namespace {

using json = nlohmann::json;

// What a key's value must be. `code`, `modifiers`, `count` and `units` are what a result can
// hold (a code as the case reader reads one, modifiers of two capital letters or digits, a
// count from 0, units from 1): anything else would never match, and the test could never pass.
enum class Want {
    text,
    whole,
    texts,
    severity,
    status,
    entries,
    sections,
    code,
    edit_code,
    modifiers,
    count,
    units
};

struct Field {
    const char* name;
    Want want;
    bool required = false;
    const std::vector<Field>* entry = nullptr; // the fields of each entry of a list
};

// clang-format off
const std::vector<Field> line_fields = {
    {"code", Want::code, true}, {"units", Want::units}, {"modifiers", Want::modifiers}, {"rule", Want::text}};
const std::vector<Field> edit_fields = {
    {"severity", Want::severity}, {"rule", Want::text}, {"code", Want::edit_code},
    {"message", Want::text}, {"cite", Want::text}};
const std::vector<Field> review_fields = {
    {"code", Want::code, true}, {"status", Want::status}, {"units", Want::units},
    {"units_allowed", Want::count}};
const std::vector<Field> unbilled_fields = {
    {"code", Want::code, true}, {"units", Want::units}, {"modifiers", Want::modifiers},
    {"rule", Want::text}};
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

// "must be one of …, not "denied"; did you mean "deny"?"
std::string not_one_of(const json& v, const std::vector<std::string>& allowed) {
    std::string out = fmt::format("must be one of {}, not {}", one_of(allowed), shown(v));
    if (v.is_string()) {
        std::vector<std::string_view> words(allowed.begin(), allowed.end());
        if (auto guess = closest(v.get<std::string>(), words))
            out += fmt::format("; did you mean {}?", json(*guess).dump());
    }
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
    case Want::severity:
    case Want::status: {
        std::vector<std::string> allowed =
            want == Want::severity ? std::vector<std::string>{"deny", "warn", "info"}
                                   : std::vector<std::string>{"accepted", "adjusted", "denied"};
        if (!v.is_string() ||
            std::find(allowed.begin(), allowed.end(), v.get<std::string>()) == allowed.end())
            return not_one_of(v, allowed);
        break;
    }
    case Want::code:
        if (!v.is_string() || !case_schema::is_code(v.get<std::string>()))
            return must("a code of 5 characters as a case gives it (\"95886\", \"0106T\", "
                        "\"G0255\")");
        break;
    case Want::edit_code: // an edit about no single code has the code ""
        if (!v.is_string() ||
            (!v.get<std::string>().empty() && !case_schema::is_code(v.get<std::string>())))
            return must("a code of 5 characters as a case gives it (\"95886\", \"0106T\"), or "
                        "\"\" for an edit about no single code");
        break;
    case Want::modifiers: {
        const char* what = "a list of modifiers of two capital letters or digits (\"26\", \"XS\")";
        if (!v.is_array()) return must(what);
        for (const json& x : v) {
            if (x.is_string() && case_schema::is_modifier(x.get<std::string>())) continue;
            std::string problem = fmt::format("must be {}: {} is not one", what, shown(x));
            if (x.is_string()) {
                std::string upper = ascii_upper(x.get<std::string>());
                if (case_schema::is_modifier(upper))
                    problem += fmt::format("; did you mean {}?", json(upper).dump());
            }
            return problem;
        }
        break;
    }
    case Want::count:
        if (!v.is_number_integer() || v.get<std::int64_t>() < 0)
            return must("a whole number from 0");
        break;
    case Want::units:
        if (!v.is_number_integer() || v.get<std::int64_t>() < 1)
            return must("a whole number from 1 (a line has at least one unit)");
        break;
    case Want::entries:
        if (!v.is_array()) return must("a list");
        break;
    case Want::sections:
        if (!v.is_array())
            return must(fmt::format("a list of sections ({})", one_of(partial_sections)));
        for (const json& x : v)
            if (!x.is_string() || std::find(partial_sections.begin(), partial_sections.end(),
                                            x.get<std::string>()) == partial_sections.end())
                return fmt::format("lists {}: each element {}", shown(x),
                                   not_one_of(x, partial_sections));
        break;
    }
    return std::nullopt;
}

// Adds to `problems` what is wrong with `object`, every key of it; `path` names the object: ""
// at the top, "lines[0]" inside.
void check_object(const json& object, const std::vector<Field>& fields, const std::string& path,
                  std::vector<std::string>& problems) {
    std::string at = path.empty() ? "" : path + ": ";
    for (const auto& [key, value] : object.items()) {
        auto field = std::find_if(fields.begin(), fields.end(),
                                  [&key = key](const Field& f) { return key == f.name; });
        if (field == fields.end()) {
            std::vector<std::string_view> names;
            for (const auto& f : fields)
                names.push_back(f.name);
            std::string problem = fmt::format("{}unknown key {}", at, json(key).dump());
            if (auto guess = closest(key, names))
                problem += fmt::format("; did you mean {}?", json(*guess).dump());
            else
                problem += fmt::format(" (the keys: {})", fmt::join(names, ", "));
            problems.push_back(std::move(problem));
            continue;
        }
        if (auto wrong = wrong_value(value, field->want)) {
            problems.push_back(fmt::format("{}{} {}", at, json(key).dump(), *wrong));
            continue;
        }
        if (field->want != Want::entries) continue;
        for (std::size_t i = 0; i < value.size(); ++i) {
            std::string entry = fmt::format("{}{}[{}]", path.empty() ? "" : path + ".", key, i);
            if (!value[i].is_object())
                problems.push_back(
                    fmt::format("{}: must be an object, not {}", entry, shown(value[i])));
            else
                check_object(value[i], *field->entry, entry, problems);
        }
    }
    for (const auto& f : fields)
        if (f.required && !object.contains(f.name))
            problems.push_back(fmt::format("{}missing {}", at, json(f.name).dump()));
}

} // namespace

std::optional<std::string> expectation_problem(const json& expected) {
    if (!expected.is_object()) return "expected a JSON object";
    std::vector<std::string> problems;
    check_object(expected, top_fields, "", problems);
    if (problems.empty()) return std::nullopt;
    return fmt::format("{}", fmt::join(problems, "; "));
}

json parse_expectation(const std::string& text, std::optional<std::string>& repeated) {
    // The objects and lists open at the point the parser is at.
    struct Open {
        bool object;
        std::map<std::string, int> keys; // how many times each is given
        std::string key;                 // an object's latest key
        std::int64_t index;              // a list's latest element
        std::uint64_t serial;            // which object: the first repeat's is counted on
    };
    std::vector<Open> open;
    std::uint64_t opened = 0;
    // The first key given more than once: in which object, where, and how many times.
    struct Repeat {
        std::uint64_t serial;
        std::string key, where;
        int times;
    };
    std::optional<Repeat> first_repeat;
    repeated.reset();
    auto path = [&] {
        std::string out;
        for (std::size_t i = 0; i + 1 < open.size(); ++i)
            out += open[i].object ? (out.empty() ? "" : ".") + open[i].key
                                  : fmt::format("[{}]", open[i].index);
        return out.empty() ? out : out + ": ";
    };
    auto element = [&] {
        if (!open.empty() && !open.back().object) ++open.back().index;
    };
    using Event = json::parse_event_t;
    auto seen = [&](int, Event event, json& parsed) {
        switch (event) {
        case Event::object_start:
        case Event::array_start:
            element();
            open.push_back({event == Event::object_start, {}, "", -1, opened++});
            break;
        case Event::object_end:
        case Event::array_end:
            if (!open.empty()) open.pop_back();
            break;
        case Event::key: {
            std::string key = parsed.get<std::string>();
            int times = ++open.back().keys[key];
            if (times == 2 && !first_repeat)
                first_repeat = Repeat{open.back().serial, key, path(), times};
            else if (first_repeat && first_repeat->serial == open.back().serial &&
                     first_repeat->key == key)
                first_repeat->times = times;
            open.back().key = std::move(key);
            break;
        }
        case Event::value:
            element();
            break;
        }
        return true;
    };
    json parsed = json::parse(text, seen);
    if (first_repeat) {
        int times = first_repeat->times;
        std::string how_often = times == 2   ? "twice"
                                : times == 3 ? "three times"
                                             : fmt::format("{} times", times);
        repeated = fmt::format("{}{} is given {}", first_repeat->where,
                               json(first_repeat->key).dump(), how_often);
    }
    return parsed;
}

std::optional<std::string> unknown_rule(const json& expected, const Program& program) {
    // The engine's own: an undated case's note, and a submitted line review passed through.
    std::vector<std::string_view> names = {"date_of_service", "submitted"};
    for (const auto* rules : {&program.rules, &program.edits})
        for (const auto& rule : *rules) {
            names.push_back(rule.name);
            for (const auto* exceptions : {&rule.exceptions, &rule.element_exceptions})
                for (const auto& e : *exceptions)
                    names.push_back(e.name);
        }
    for (const char* section : {"lines", "edits", "unbilled"}) {
        if (!expected.contains(section)) continue;
        const json& entries = expected[section];
        for (std::size_t i = 0; i < entries.size(); ++i) {
            if (!entries[i].contains("rule")) continue;
            std::string rule = entries[i]["rule"].get<std::string>();
            if (std::find(names.begin(), names.end(), rule) != names.end()) continue;
            std::string problem =
                fmt::format("{}[{}]: \"rule\" names no rule or edit of policy {}: {}", section, i,
                            program.name, json(rule).dump());
            if (const auto* off = program.disabled_named(rule))
                problem += fmt::format(" ({} disables it)", off->layer);
            else if (auto guess = closest(rule, names))
                problem += fmt::format("; did you mean {}?", json(*guess).dump());
            return problem;
        }
    }
    return std::nullopt;
}

bool is_partial(const json& expected, const char* section) {
    if (!expected.contains("partial")) return false;
    for (const auto& s : expected["partial"])
        if (s == section) return true;
    return false;
}

} // namespace cpl::cli
