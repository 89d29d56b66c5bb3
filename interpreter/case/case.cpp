// interpreter/case/case.cpp — the case reader (contract section 2): one JSON document holding one
// case → a `case` record built in the caller's arena. simdjson On-Demand reads the document
// front to back once; the reader stops at the first bad value and reports it with its JSON
// path. The structure it walks is fixed (never deeper than a claim line's modifiers), so no
// input, however deeply nested, can make it recurse.
#include "interpreter/case/case.hpp"

#include "lang/suggest.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <simdjson.h>
#include <span>
#include <string>
#include <utility>

namespace cpl {

namespace od = simdjson::ondemand;

namespace {

// The fields of each object, in the field order of its record (case_schema.hpp).
constexpr std::array<std::string_view, case_field::count> case_fields{"id",
                                                                      "date_of_service",
                                                                      "provider_role",
                                                                      "diagnoses",
                                                                      "extremities",
                                                                      "thoracic_paraspinal_levels",
                                                                      "cranial_muscles",
                                                                      "axial_muscles",
                                                                      "larynx",
                                                                      "hemidiaphragm",
                                                                      "single_fiber_muscles",
                                                                      "nerve_conduction",
                                                                      "neuromuscular_junction",
                                                                      "history",
                                                                      "claim"};
constexpr std::array<std::string_view, extremity_field::count> extremity_fields{
    "limb", "muscles", "paraspinal_levels"};
constexpr std::array<std::string_view, muscle_field::count> muscle_fields{"name", "nerve", "roots"};
constexpr std::array<std::string_view, sided_muscle_field::count> sided_muscle_fields{"name",
                                                                                      "side"};
constexpr std::array<std::string_view, nerve_study_field::count> nerve_study_fields{
    "nerve", "side", "type", "f_wave"};
constexpr std::array<std::string_view, nmj_study_field::count> nmj_study_fields{"nerve", "side"};
constexpr std::array<std::string_view, encounter_field::count> encounter_fields{"date_of_service",
                                                                                "codes"};
constexpr std::array<std::string_view, claim_line_field::count> claim_line_fields{"code", "units",
                                                                                  "modifiers"};

constexpr std::array<std::string_view, 3> provider_roles{"global", "professional", "technical"};
constexpr std::array<std::string_view, 4> limbs{"left_arm", "right_arm", "left_leg", "right_leg"};
constexpr std::array<std::string_view, 2> sides{"left", "right"};
// A cranial or axial muscle may be needled on both sides: one entry, side "bilateral".
constexpr std::array<std::string_view, 3> muscle_sides{"left", "right", "bilateral"};
constexpr std::array<std::string_view, 4> study_types{"motor", "sensory", "mixed", "h_reflex"};

constexpr std::int64_t max_units = 9999;

constexpr std::uint32_t bit(std::uint32_t field) {
    return 1u << field;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}

std::string in_quotes(std::string_view text) {
    std::string out = "\"";
    out += text;
    out += '"';
    return out;
}

/// `"a", "b" or "c"`.
std::string one_of(std::span<const std::string_view> options) {
    std::string out;
    for (std::size_t i = 0; i < options.size(); ++i) {
        if (i > 0) out += i + 1 == options.size() ? " or " : ", ";
        out += in_quotes(options[i]);
    }
    return out;
}

/// `"a", "b", "c"`, for listing the fields of an object.
std::string listing(std::span<const std::string_view> names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += ", ";
        out += in_quotes(names[i]);
    }
    return out;
}

std::string did_you_mean(std::string_view name, std::span<const std::string_view> candidates) {
    std::vector<std::string_view> list(candidates.begin(), candidates.end());
    if (auto best = closest(name, list)) return "; did you mean " + in_quotes(*best) + "?";
    return {};
}

bool is_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (!is_digit(s[i])) return false;
    return true;
}

bool is_calendar_date(std::string_view s) {
    auto number = [&](std::size_t at, std::size_t n) {
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i)
            v = v * 10 + (s[i] - '0');
        return v;
    };
    int year = number(0, 4), month = number(5, 2), day = number(8, 2);
    if (year < 1 || month < 1 || month > 12 || day < 1) return false;
    static constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    int last = days[static_cast<std::size_t>(month - 1)] + (month == 2 && leap ? 1 : 0);
    return day <= last;
}

/// A CPT or HCPCS code: four digits then a digit or capital letter (95886, 0106T), or a
/// capital letter then four digits (G0255).
bool is_code(std::string_view s) {
    if (s.size() != 5) return false;
    if (is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]))
        return is_digit(s[4]) || is_upper(s[4]);
    return is_upper(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) && is_digit(s[4]);
}

bool is_modifier(std::string_view s) {
    return s.size() == 2 && (is_upper(s[0]) || is_digit(s[0])) &&
           (is_upper(s[1]) || is_digit(s[1]));
}

/// `C1`..`C8`, `T1`..`T12`, `L1`..`L5` or `S1`..`S5`.
bool is_spinal_level(std::string_view s) {
    if (s.size() < 2 || s.size() > 3 || !is_digit(s[1]) || s[1] == '0') return false;
    if (s.size() == 3 && !is_digit(s[2])) return false;
    int n = s[1] - '0';
    if (s.size() == 3) n = n * 10 + (s[2] - '0');
    switch (s[0]) {
    case 'C':
        return n <= 8;
    case 'T':
        return n <= 12;
    case 'L':
        return n <= 5;
    case 'S':
        return n <= 5;
    default:
        return false;
    }
}

bool is_thoracic_level(std::string_view s) {
    return !s.empty() && s[0] == 'T' && is_spinal_level(s);
}

const char* json_problem(simdjson::error_code code) {
    using namespace simdjson;
    switch (code) {
    case UNCLOSED_STRING:
        return "a string is not closed";
    case INCOMPLETE_ARRAY_OR_OBJECT:
        return "an object or list is not closed, or text follows the case object";
    case DEPTH_ERROR:
        return "it is nested too deeply";
    case NUMBER_ERROR:
    case NUMBER_OUT_OF_RANGE:
        return "a number is malformed or out of range";
    case T_ATOM_ERROR:
    case F_ATOM_ERROR:
    case N_ATOM_ERROR:
        return "a word other than true, false or null";
    case STRING_ERROR:
        return "a string has a bad escape or control character";
    case UNESCAPED_CHARS:
        return "a string holds an unescaped control character";
    case TRAILING_CONTENT:
        return "there is more after the case object";
    default:
        return "";
    }
}

} // namespace

std::string CaseError::render() const {
    std::string out = "case ";
    out += case_id.empty() ? std::string_view("?") : std::string_view(case_id);
    out += ": ";
    if (!path.empty()) {
        out += path;
        out += ": ";
    }
    out += message;
    return out;
}

struct CaseReader::Impl {
    // Thrown on the first bad value; carries the error without the case id.
    struct Failure {
        CaseError error;
    };
    struct Segment {
        std::string_view field; // "" for a list index
        std::size_t index = 0;
    };

    const MuscleIndex* muscles;
    std::vector<std::string_view> muscle_names; // for did-you-mean
    const TableData* known_codes;
    std::vector<std::string_view> code_names; // for did-you-mean

    simdjson::ondemand::parser parser;
    std::unique_ptr<char[]> buffer; // the input, copied with simdjson's padding
    std::size_t capacity = 0;
    std::size_t length = 0;

    Arena* arena = nullptr;
    std::vector<Segment> path;
    std::vector<Value> scratch; // list items under construction, a stack shared by all lists
    std::string lower;          // a muscle name, lower-cased for look-up
    std::string_view case_id;   // in the arena, once read

    explicit Impl(const MuscleIndex* index, const TableData* codes)
        : muscles(index), known_codes(codes) {
        if (known_codes)
            for (const auto& row : known_codes->rows)
                for (const auto& key : row.keys)
                    if (key.kind == Kind::String) code_names.push_back(key.str());
        if (muscles)
            for (const auto& name : muscles->names)
                muscle_names.push_back(name);
        path.reserve(8);
        scratch.reserve(256);
    }

    // --- Errors --------------------------------------------------------------------------

    std::string render_path() const {
        std::string out;
        for (const auto& seg : path) {
            if (seg.field.empty()) {
                out += '[';
                out += std::to_string(seg.index);
                out += ']';
            } else {
                if (!out.empty()) out += '.';
                out += seg.field;
            }
        }
        return out;
    }

    [[noreturn]] void fail(std::string message, std::string help = {}) {
        throw Failure{CaseError{{}, render_path(), std::move(message), std::move(help)}};
    }

    // Fails at `field` of the object at the current path.
    [[noreturn]] void fail_at(std::string_view field, std::string message, std::string help = {}) {
        path.push_back({field});
        fail(std::move(message), std::move(help));
    }

    [[noreturn]] void fail_json(simdjson::error_code code) {
        std::string message;
        if (code == simdjson::EMPTY)
            message = "the case is empty: expected a JSON object";
        else if (code == simdjson::UTF8_ERROR)
            message = "the case is not valid UTF-8";
        else {
            message = "the case is not valid JSON";
            if (std::string_view problem = json_problem(code); !problem.empty()) {
                message += ": ";
                message += problem;
            }
        }
        throw Failure{CaseError{{}, {}, std::move(message), {}}};
    }

    void check(simdjson::error_code code) {
        if (code != simdjson::SUCCESS) fail_json(code);
    }

    // --- JSON values ---------------------------------------------------------------------

    od::json_type type_of(od::value& v) {
        od::json_type type;
        check(v.type().get(type));
        return type;
    }

    std::string_view get_string(od::value& v, const char* expected = "expected a string") {
        if (type_of(v) != od::json_type::string) fail(expected);
        std::string_view s;
        check(v.get_string().get(s));
        return s;
    }

    std::string_view get_name(od::value& v) {
        std::string_view s = get_string(v);
        if (s.empty()) fail("must not be empty");
        return s;
    }

    Value copy(std::string_view s) { return Value::of_string(arena->copy(s)); }

    bool get_bool(od::value& v) {
        if (type_of(v) != od::json_type::boolean) fail("expected true or false");
        bool b = false;
        check(v.get_bool().get(b));
        return b;
    }

    /// One of `options` (returned as the option itself, so the value needs no copy).
    std::string_view get_enum(od::value& v, std::string_view what,
                              std::span<const std::string_view> options) {
        std::string_view s = get_string(v);
        for (auto option : options)
            if (s == option) return option;
        fail("unknown " + std::string(what) + " " + in_quotes(s) + did_you_mean(s, options),
             "use " + one_of(options));
    }

    Value* new_fields(std::size_t count) {
        Value* fields = arena->make_array<Value>(count);
        for (std::size_t i = 0; i < count; ++i)
            new (fields + i) Value();
        return fields;
    }

    /// A list; `item(element)` reads each element, at path `[i]`.
    template <typename Item> Value read_list(od::value& v, const char* expected, Item&& item) {
        if (type_of(v) != od::json_type::array) fail(expected);
        od::array array;
        check(v.get_array().get(array));
        std::size_t base = scratch.size();
        std::size_t index = 0;
        for (auto element_result : array) {
            od::value element;
            check(std::move(element_result).get(element));
            path.push_back({{}, index});
            Value x = item(element, index);
            scratch.push_back(x);
            path.pop_back();
            ++index;
        }
        std::size_t count = scratch.size() - base;
        Value* items = arena->make_array<Value>(count);
        if (count > 0) std::uninitialized_copy(scratch.begin() + base, scratch.end(), items);
        scratch.resize(base);
        return Value::of_list(items, count);
    }

    template <typename Check> Value read_strings(od::value& v, Check&& valid) {
        return read_list(v, "expected a list of strings", [&](od::value& e, std::size_t) {
            std::string_view s = get_string(e);
            valid(s);
            return copy(s);
        });
    }

    od::object get_object(od::value& v, const char* expected = "expected an object") {
        if (type_of(v) != od::json_type::object) fail(expected);
        od::object object;
        check(v.get_object().get(object));
        return object;
    }

    /// Reads the fields of an object: `field(i, value)` for the field named `names[i]`, at
    /// its path. Unknown and repeated fields are errors. Returns the set of fields given.
    template <typename Field>
    std::uint32_t read_fields(od::object& object, std::span<const std::string_view> names,
                              Field&& field) {
        std::uint32_t seen = 0;
        for (auto field_result : object) {
            od::field f;
            check(std::move(field_result).get(f));
            std::string_view key;
            check(f.unescaped_key().get(key));
            std::uint32_t i = 0;
            while (i < names.size() && names[i] != key)
                ++i;
            if (i == names.size()) {
                std::string suggestion = did_you_mean(key, names);
                fail_at(key, "unknown field " + in_quotes(key) + suggestion,
                        suggestion.empty() ? "the fields here are " + listing(names)
                                           : std::string());
            }
            if (seen & bit(i)) fail_at(names[i], "field " + in_quotes(key) + " is given twice");
            seen |= bit(i);
            path.push_back({names[i]});
            field(i, f.value());
            path.pop_back();
        }
        return seen;
    }

    void require(std::uint32_t seen, std::uint32_t field, std::span<const std::string_view> names) {
        if (!(seen & bit(field))) fail("missing field " + in_quotes(names[field]));
    }

    // --- Special values ------------------------------------------------------------------

    Value read_date(od::value& v) {
        std::string_view s = get_string(v);
        if (!is_date(s)) fail("expected a date as YYYY-MM-DD, got " + in_quotes(s));
        if (!is_calendar_date(s)) fail(in_quotes(s) + " is not a calendar date");
        return copy(s);
    }

    Value read_code(od::value& v) {
        std::string_view s = get_string(v);
        if (!is_code(s))
            fail("expected a 5-character CPT or HCPCS code, got " + in_quotes(s),
                 "a code is four digits then a digit or capital letter (95886, 0106T), or a "
                 "capital letter then four digits (G0255)");
        return copy(s);
    }

    // A submitted code the policy does not know is an error, not a silent denial.
    void check_known_code(std::string_view code) {
        if (!known_codes || known_codes->find(Value::of_string(code))) return;
        std::string message = "unknown code " + in_quotes(code);
        if (auto guess = closest(code, code_names))
            message += "; did you mean " + in_quotes(*guess) + "?";
        fail(message, "the policy reviews the codes in its table `known_codes`; a code outside it "
                      "cannot be judged");
    }

    Value read_units(od::value& v) {
        std::string expected = "expected a whole number from 1 to " + std::to_string(max_units);
        if (type_of(v) != od::json_type::number) fail(expected);
        std::string_view token = v.raw_json_token();
        while (!token.empty() && (token.back() == ' ' || token.back() == '\t' ||
                                  token.back() == '\n' || token.back() == '\r'))
            token.remove_suffix(1);
        bool digits = !token.empty() && token.size() <= 4;
        for (char c : token)
            digits = digits && is_digit(c);
        std::int64_t n = 0;
        if (digits) check(v.get_int64().get(n));
        if (!digits || n < 1 || n > max_units) fail(expected + ", got " + std::string(token));
        return Value::of_number(n);
    }

    // --- Muscles -------------------------------------------------------------------------

    const TableRowData* find_muscle(std::string_view name) {
        if (!muscles) return nullptr;
        lower.assign(name);
        for (char& c : lower)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        auto it = muscles->by_lower_name.find(lower);
        return it == muscles->by_lower_name.end() ? nullptr : it->second;
    }

    static Value row_field(const TableRowData* row, int field, Value fallback) {
        if (field < 0 || row->value.kind != Kind::Record) return fallback;
        return row->value.items[field];
    }

    static std::string object_help(std::string_view name) {
        return "{\"name\": " + in_quotes(name) + ", \"nerve\": \"...\", \"roots\": [\"...\"]}";
    }

    Value muscle_record(Value name, Value nerve, Value roots) {
        Value* fields = new_fields(muscle_field::count);
        fields[muscle_field::name] = name;
        fields[muscle_field::nerve] = nerve;
        fields[muscle_field::roots] = roots;
        return Value::of_record(shape_muscle, fields);
    }

    Value read_muscle(od::value& v) {
        od::json_type type = type_of(v);
        if (type == od::json_type::string) {
            std::string_view name = get_string(v);
            if (!muscles)
                fail("muscle " + in_quotes(name) +
                         " cannot be looked up: no muscle table is loaded",
                     "without a muscle table, give each muscle as " + object_help(name));
            const TableRowData* row = find_muscle(name);
            if (!row) {
                // `lower` holds the lower-cased name after find_muscle.
                if (auto field = muscles->elsewhere.find(lower); field != muscles->elsewhere.end())
                    fail(in_quotes(name) + " is not a limb muscle",
                         "list it under \"" + field->second +
                             "\" (with its side) instead of in a limb");
                fail("unknown muscle " + in_quotes(name) + did_you_mean(name, muscle_names),
                     "to use a muscle the table lacks, give it as " + object_help(name));
            }
            return muscle_record(row->keys[0],
                                 row_field(row, muscles->nerve_field, Value::of_string({})),
                                 row_field(row, muscles->roots_field, Value::of_list(nullptr, 0)));
        }
        if (type != od::json_type::object)
            fail("expected a muscle name or an object with \"name\", \"nerve\" and \"roots\"");
        od::object object = get_object(v);
        std::string_view name;
        Value nerve = Value::of_string({}), roots = Value::of_list(nullptr, 0);
        std::uint32_t seen = read_fields(object, muscle_fields, [&](std::uint32_t i, od::value& f) {
            switch (i) {
            case muscle_field::name:
                name = get_name(f);
                break;
            case muscle_field::nerve:
                nerve = copy(get_name(f));
                break;
            case muscle_field::roots:
                roots = read_strings(f, [](std::string_view) {});
                break;
            }
        });
        require(seen, muscle_field::name, muscle_fields);
        if (const TableRowData* row = find_muscle(name)) {
            if (!(seen & bit(muscle_field::nerve)))
                nerve = row_field(row, muscles->nerve_field, nerve);
            if (!(seen & bit(muscle_field::roots)))
                roots = row_field(row, muscles->roots_field, roots);
            return muscle_record(row->keys[0], nerve, roots);
        }
        bool has_nerve = seen & bit(muscle_field::nerve),
             has_roots = seen & bit(muscle_field::roots);
        if (!has_nerve || !has_roots) {
            std::string needs = !has_nerve && !has_roots ? "\"nerve\" and \"roots\""
                                : !has_nerve             ? "\"nerve\""
                                                         : "\"roots\"";
            if (!muscles)
                fail("no muscle table is loaded, so muscle " + in_quotes(name) + " needs " + needs,
                     "give it as " + object_help(name));
            fail("muscle " + in_quotes(name) + " is not in the muscle table, so it needs " + needs +
                     did_you_mean(name, muscle_names),
                 "give it as " + object_help(name));
        }
        return muscle_record(copy(name), nerve, roots);
    }

    // --- Records -------------------------------------------------------------------------

    Value read_extremity(od::value& v, std::size_t index, std::array<std::size_t, 4>& limb_at) {
        od::object object = get_object(v);
        Value* fields = new_fields(extremity_field::count);
        fields[extremity_field::limb] = Value::of_string({});
        fields[extremity_field::muscles] = Value::of_list(nullptr, 0);
        fields[extremity_field::paraspinal_levels] = Value::of_list(nullptr, 0);
        std::uint32_t seen =
            read_fields(object, extremity_fields, [&](std::uint32_t i, od::value& f) {
                switch (i) {
                case extremity_field::limb: {
                    std::string_view limb = get_enum(f, "limb", limbs);
                    std::size_t k = 0;
                    while (limbs[k] != limb)
                        ++k;
                    if (limb_at[k] != SIZE_MAX)
                        fail(std::string(limb) + " is given twice (also at extremities[" +
                             std::to_string(limb_at[k]) + "])");
                    limb_at[k] = index;
                    fields[i] = Value::of_string(limb);
                    break;
                }
                case extremity_field::muscles:
                    fields[i] =
                        read_list(f, "expected a list of muscles",
                                  [&](od::value& e, std::size_t) { return read_muscle(e); });
                    break;
                case extremity_field::paraspinal_levels:
                    fields[i] = read_strings(f, [&](std::string_view s) {
                        if (!is_spinal_level(s))
                            fail("expected a spinal level such as \"C6\" or \"L5\", got " +
                                 in_quotes(s));
                    });
                    break;
                }
            });
        require(seen, extremity_field::limb, extremity_fields);
        return Value::of_record(shape_extremity, fields);
    }

    Value read_sided_muscle(od::value& v) {
        od::object object = get_object(v);
        Value* fields = new_fields(sided_muscle_field::count);
        std::uint32_t seen =
            read_fields(object, sided_muscle_fields, [&](std::uint32_t i, od::value& f) {
                switch (i) {
                case sided_muscle_field::name:
                    fields[i] = copy(get_name(f));
                    break;
                case sided_muscle_field::side:
                    fields[i] = Value::of_string(get_enum(f, "side", muscle_sides));
                    break;
                }
            });
        require(seen, sided_muscle_field::name, sided_muscle_fields);
        require(seen, sided_muscle_field::side, sided_muscle_fields);
        return Value::of_record(shape_sided_muscle, fields);
    }

    Value read_nerve_study(od::value& v) {
        od::object object = get_object(v);
        Value* fields = new_fields(nerve_study_field::count);
        fields[nerve_study_field::f_wave] = Value::of_bool(false);
        std::uint32_t seen =
            read_fields(object, nerve_study_fields, [&](std::uint32_t i, od::value& f) {
                switch (i) {
                case nerve_study_field::nerve:
                    fields[i] = copy(get_name(f));
                    break;
                case nerve_study_field::side:
                    fields[i] = Value::of_string(get_enum(f, "side", sides));
                    break;
                case nerve_study_field::type:
                    fields[i] = Value::of_string(get_enum(f, "type", study_types));
                    break;
                case nerve_study_field::f_wave:
                    fields[i] = Value::of_bool(get_bool(f));
                    break;
                }
            });
        require(seen, nerve_study_field::nerve, nerve_study_fields);
        require(seen, nerve_study_field::side, nerve_study_fields);
        require(seen, nerve_study_field::type, nerve_study_fields);
        std::string_view type = fields[nerve_study_field::type].str();
        if (fields[nerve_study_field::f_wave].boolean && type != "motor")
            fail_at("f_wave",
                    "f_wave applies only to a motor study, not a " + in_quotes(type) + " one",
                    "record the F-wave on the motor study of the same nerve");
        return Value::of_record(shape_nerve_study, fields);
    }

    Value read_nmj_study(od::value& v) {
        od::object object = get_object(v);
        Value* fields = new_fields(nmj_study_field::count);
        std::uint32_t seen =
            read_fields(object, nmj_study_fields, [&](std::uint32_t i, od::value& f) {
                switch (i) {
                case nmj_study_field::nerve:
                    fields[i] = copy(get_name(f));
                    break;
                case nmj_study_field::side:
                    fields[i] = Value::of_string(get_enum(f, "side", sides));
                    break;
                }
            });
        require(seen, nmj_study_field::nerve, nmj_study_fields);
        require(seen, nmj_study_field::side, nmj_study_fields);
        return Value::of_record(shape_nmj_study, fields);
    }

    Value read_encounter(od::value& v) {
        od::object object = get_object(v);
        Value* fields = new_fields(encounter_field::count);
        fields[encounter_field::codes] = Value::of_list(nullptr, 0);
        std::uint32_t seen =
            read_fields(object, encounter_fields, [&](std::uint32_t i, od::value& f) {
                switch (i) {
                case encounter_field::date_of_service:
                    fields[i] = read_date(f);
                    break;
                case encounter_field::codes:
                    fields[i] = read_list(f, "expected a list of codes",
                                          [&](od::value& e, std::size_t) { return read_code(e); });
                    break;
                }
            });
        require(seen, encounter_field::date_of_service, encounter_fields);
        return Value::of_record(shape_encounter, fields);
    }

    Value read_claim_line(od::value& v) {
        od::object object = get_object(v);
        Value* fields = new_fields(claim_line_field::count);
        fields[claim_line_field::units] = Value::of_number(1);
        fields[claim_line_field::modifiers] = Value::of_list(nullptr, 0);
        std::uint32_t seen =
            read_fields(object, claim_line_fields, [&](std::uint32_t i, od::value& f) {
                switch (i) {
                case claim_line_field::code:
                    fields[i] = read_code(f);
                    check_known_code(fields[i].str());
                    break;
                case claim_line_field::units:
                    fields[i] = read_units(f);
                    break;
                case claim_line_field::modifiers:
                    fields[i] = read_strings(f, [&](std::string_view s) {
                        if (!is_modifier(s))
                            fail("expected a 2-character modifier, got " + in_quotes(s),
                                 "a modifier is two capital letters or digits, e.g. \"26\" or "
                                 "\"RT\"");
                    });
                    break;
                }
            });
        require(seen, claim_line_field::code, claim_line_fields);
        return Value::of_record(shape_claim_line, fields);
    }

    Value read_case(od::document& doc) {
        od::json_type type;
        check(doc.type().get(type));
        if (type != od::json_type::object) fail("expected a JSON object holding one case");
        od::object object;
        check(doc.get_object().get(object));

        Value* fields = new_fields(case_field::count);
        Value empty_list = Value::of_list(nullptr, 0);
        for (std::uint32_t i = 0; i < case_field::count; ++i)
            fields[i] = empty_list;
        fields[case_field::id] = Value::of_string({});
        fields[case_field::date_of_service] = Value::of_string({});
        fields[case_field::provider_role] = Value::of_string(provider_roles[0]);
        fields[case_field::larynx] = Value::of_bool(false);

        std::array<std::size_t, 4> limb_at;
        limb_at.fill(SIZE_MAX);
        std::array<std::size_t, 2> side_at;
        side_at.fill(SIZE_MAX);
        auto any = [](std::string_view) {};

        std::uint32_t seen = read_fields(object, case_fields, [&](std::uint32_t i, od::value& f) {
            switch (i) {
            case case_field::id:
                fields[i] = copy(get_name(f));
                case_id = fields[i].str();
                break;
            case case_field::date_of_service:
                fields[i] = read_date(f);
                break;
            case case_field::provider_role:
                fields[i] = Value::of_string(get_enum(f, "provider_role", provider_roles));
                break;
            case case_field::diagnoses:
            case case_field::single_fiber_muscles:
                fields[i] = read_strings(f, any);
                break;
            case case_field::extremities:
                fields[i] = read_list(f, "expected a list of objects",
                                      [&](od::value& e, std::size_t index) {
                                          return read_extremity(e, index, limb_at);
                                      });
                break;
            case case_field::thoracic_paraspinal_levels:
                fields[i] = read_strings(f, [&](std::string_view s) {
                    if (!is_thoracic_level(s))
                        fail("expected a thoracic level T1 to T12, got " + in_quotes(s));
                });
                break;
            case case_field::cranial_muscles:
            case case_field::axial_muscles:
                fields[i] =
                    read_list(f, "expected a list of objects",
                              [&](od::value& e, std::size_t) { return read_sided_muscle(e); });
                break;
            case case_field::larynx:
                fields[i] = Value::of_bool(get_bool(f));
                break;
            case case_field::hemidiaphragm:
                fields[i] = read_list(
                    f, "expected a list of strings", [&](od::value& e, std::size_t index) {
                        std::string_view side = get_enum(e, "side", sides);
                        std::size_t k = side == sides[0] ? 0 : 1;
                        if (side_at[k] != SIZE_MAX)
                            fail(std::string(side) + " is given twice (also at hemidiaphragm[" +
                                 std::to_string(side_at[k]) + "])");
                        side_at[k] = index;
                        return Value::of_string(side);
                    });
                break;
            case case_field::nerve_conduction:
                fields[i] =
                    read_list(f, "expected a list of objects",
                              [&](od::value& e, std::size_t) { return read_nerve_study(e); });
                break;
            case case_field::neuromuscular_junction:
                fields[i] = read_list(f, "expected a list of objects",
                                      [&](od::value& e, std::size_t) { return read_nmj_study(e); });
                break;
            case case_field::history:
                fields[i] = read_list(f, "expected a list of objects",
                                      [&](od::value& e, std::size_t) { return read_encounter(e); });
                break;
            case case_field::claim:
                fields[i] =
                    read_list(f, "expected a list of objects",
                              [&](od::value& e, std::size_t) { return read_claim_line(e); });
                break;
            }
        });
        if (!(seen & bit(case_field::id)))
            fail("missing field \"id\"", "every case needs an id, e.g. \"id\": \"right-arm-01\"");
        return Value::of_record(shape_case, fields);
    }

    // --- The document --------------------------------------------------------------------

    /// The case's id, read again from the start after an error that came before it.
    std::string recover_id() {
        od::document doc;
        if (parser.iterate(buffer.get(), length, capacity).get(doc)) return {};
        od::object object;
        if (doc.get_object().get(object)) return {};
        for (auto field_result : object) {
            od::field f;
            std::string_view key, id;
            if (std::move(field_result).get(f) || f.unescaped_key().get(key)) return {};
            if (key != "id") continue;
            if (f.value().get_string().get(id)) return {};
            return std::string(id);
        }
        return {};
    }

    std::variant<Value, CaseError> read(std::string_view json, Arena& into) {
        if (json.starts_with("\xEF\xBB\xBF")) json.remove_prefix(3); // a UTF-8 byte-order mark
        length = json.size();
        if (length + simdjson::SIMDJSON_PADDING > capacity) {
            capacity = std::max(length + simdjson::SIMDJSON_PADDING, 2 * capacity);
            buffer = std::make_unique<char[]>(capacity);
        }
        if (length > 0) std::memcpy(buffer.get(), json.data(), length);
        std::memset(buffer.get() + length, 0, simdjson::SIMDJSON_PADDING);

        arena = &into;
        path.clear();
        scratch.clear();
        case_id = {};
        try {
            od::document doc;
            check(parser.iterate(buffer.get(), length, capacity).get(doc));
            Value result = read_case(doc);
            // Anything but white space after the object is an error.
            const char* at = nullptr;
            if (doc.current_location().get(at) == simdjson::SUCCESS)
                fail_json(simdjson::TRAILING_CONTENT);
            return result;
        } catch (Failure& failure) {
            failure.error.case_id = case_id.empty() ? recover_id() : std::string(case_id);
            return std::move(failure.error);
        }
    }
};

CaseReader::CaseReader(const MuscleIndex* muscles, const TableData* known_codes)
    : impl_(std::make_unique<Impl>(muscles, known_codes)) {}
CaseReader::~CaseReader() = default;

std::variant<Value, CaseError> CaseReader::read(std::string_view json, Arena& arena) {
    return impl_->read(json, arena);
}

} // namespace cpl
