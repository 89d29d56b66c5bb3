// interpreter/case/case.cpp — the case reader (contract section 2): one JSON document holding one
// case → a `case` record built in the caller's arena. simdjson On-Demand reads the document
// front to back once; the reader stops at the first bad value and reports it with its JSON
// path. What it reads is the case schema (case_schema.hpp): one generic walk over its rows,
// one reader function per kind of value. No shape there contains itself (checked when it is
// compiled), so no input, however deeply nested, can make the reader recurse deeper than it.
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

using namespace case_schema;

constexpr std::uint32_t bit(std::uint32_t field) {
    return 1u << field;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
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

std::vector<std::string_view> names_of(std::span<const Field> fields) {
    std::vector<std::string_view> names;
    for (const auto& field : fields)
        names.push_back(field.name);
    return names;
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

/// What a list of values of this kind is called in "expected a list of …".
const char* expected_list(Read read) {
    switch (read) {
    case Read::Record:
        return "expected a list of objects";
    case Read::Muscle:
        return "expected a list of muscles";
    case Read::Code:
        return "expected a list of codes";
    case Read::Flag:
        return "expected a list of true or false";
    case Read::Count:
        return "expected a list of numbers";
    default:
        return "expected a list of strings";
    }
}

/// The value of a field that was not given (Presence in case_schema.hpp).
Value absent_value(const Field& field) {
    if (field.spec.list) return Value::of_list(nullptr, 0);
    switch (field.spec.read) {
    case Read::Flag:
        return Value::of_bool(false);
    case Read::Count:
        return Value::of_number(field.presence.number);
    default:
        return Value::of_string(field.presence.text);
    }
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

    // Each shape's fields as they are when absent, in field order (case_schema.hpp).
    std::vector<std::vector<Value>> defaults;
    // The unique options given so far (read_one_of): those from marks_base on belong to the
    // list being read.
    struct Mark {
        const Spec* spec;
        const char* option; // the option's own text, so a pointer compare suffices
        std::size_t index;  // the list element that gave it
    };
    std::vector<Mark> marks;
    std::size_t marks_base = 0;

    explicit Impl(const MuscleIndex* index, const TableData* codes)
        : muscles(index), known_codes(codes) {
        if (known_codes)
            for (const auto& row : known_codes->rows)
                for (const auto& key : row.keys)
                    if (key.kind == Kind::String) code_names.push_back(key.str());
        if (muscles)
            for (const auto& name : muscles->names)
                muscle_names.push_back(name);
        for (const auto& shape : case_schema::shapes) {
            defaults.emplace_back();
            for (const auto& field : shape.fields)
                defaults.back().push_back(absent_value(field));
        }
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

    // --- Lists and records ---------------------------------------------------------------

    /// A list; `item(element)` reads each element, at path `[i]`. Options marked unique
    /// are unique within the list read last (see read_one_of).
    template <typename Item> Value read_list(od::value& v, const char* expected, Item&& item) {
        if (type_of(v) != od::json_type::array) fail(expected);
        od::array array;
        check(v.get_array().get(array));
        std::size_t base = scratch.size();
        std::size_t outer_marks = marks_base;
        marks_base = marks.size();
        std::size_t index = 0;
        for (auto element_result : array) {
            od::value element;
            check(std::move(element_result).get(element));
            path.push_back({{}, index});
            Value x = item(element);
            scratch.push_back(x);
            path.pop_back();
            ++index;
        }
        marks.resize(marks_base);
        marks_base = outer_marks;
        std::size_t count = scratch.size() - base;
        Value* items = arena->make_array<Value>(count);
        if (count > 0) std::uninitialized_copy(scratch.begin() + base, scratch.end(), items);
        scratch.resize(base);
        return Value::of_list(items, count);
    }

    od::object get_object(od::value& v, const char* expected = "expected an object") {
        if (type_of(v) != od::json_type::object) fail(expected);
        od::object object;
        check(v.get_object().get(object));
        return object;
    }

    /// The fields of a new record of `shape`, each as it is when absent.
    Value* new_fields(std::uint32_t shape) {
        const std::vector<Value>& absent = defaults[shape - shape_claim_line];
        Value* fields = arena->make_array<Value>(absent.size());
        std::uninitialized_copy(absent.begin(), absent.end(), fields);
        return fields;
    }

    /// Reads an object of `shape` into new fields: each field given is read by its row, at
    /// its path; the others keep their value when absent. Unknown and repeated fields and
    /// missing required ones are errors, then the shape's check runs. `seen` receives the
    /// set of fields given.
    Value* read_fields(od::object& object, const ShapeSchema& shape, std::uint32_t& seen) {
        Value* fields = new_fields(shape.id);
        std::span<const Field> rows = shape.fields;
        seen = 0;
        for (auto field_result : object) {
            od::field f;
            check(std::move(field_result).get(f));
            std::string_view key;
            check(f.unescaped_key().get(key));
            std::uint32_t i = 0;
            while (i < rows.size() && rows[i].name != key)
                ++i;
            if (i == rows.size()) {
                std::vector<std::string_view> names = names_of(rows);
                std::string suggestion = did_you_mean(key, names);
                fail_at(key, "unknown field " + in_quotes(key) + suggestion,
                        suggestion.empty() ? "the fields here are " + listing(names)
                                           : std::string());
            }
            if (seen & bit(i)) fail_at(rows[i].name, "field " + in_quotes(key) + " is given twice");
            seen |= bit(i);
            path.push_back({rows[i].name});
            fields[i] = read_field(f.value(), rows[i].spec);
            path.pop_back();
            if (shape.id == shape_case && i == case_field::id) case_id = fields[i].str();
        }
        for (std::uint32_t i = 0; i < rows.size(); ++i)
            if (rows[i].presence.required && !(seen & bit(i)))
                fail("missing field " + in_quotes(rows[i].name),
                     std::string(rows[i].presence.help));
        if (shape.check)
            if (auto problem = shape.check({fields, rows.size()}))
                fail_at(problem->field, std::move(problem->message), std::move(problem->help));
        return fields;
    }

    Value read_record(od::object& object, const ShapeSchema& shape) {
        std::uint32_t seen = 0;
        return Value::of_record(shape.id, read_fields(object, shape, seen));
    }

    /// A field's value: one value of its kind, or a list of them.
    Value read_field(od::value& v, const Spec& spec) {
        if (!spec.list) return read_value(v, spec);
        return read_list(v, expected_list(spec.read),
                         [&](od::value& element) { return read_value(element, spec); });
    }

    // --- One reader per kind of value (case_schema::Read) --------------------------------

    Value read_value(od::value& v, const Spec& spec) {
        switch (spec.read) {
        case Read::Name:
            return copy(get_name(v));
        case Read::Text:
            return read_text(v, spec.form);
        case Read::OneOf:
            return read_one_of(v, spec);
        case Read::Date:
            return read_date(v);
        case Read::Code:
            return read_code(v, spec);
        case Read::Flag:
            return Value::of_bool(get_bool(v));
        case Read::Count:
            return read_count(v, spec.max);
        case Read::Record: {
            od::object object = get_object(v);
            return read_record(object, schema_of(spec.shape));
        }
        case Read::Muscle:
            return read_muscle(v);
        }
        fail("expected a value"); // not reached: every kind is read above
    }

    Value read_text(od::value& v, const Form* form) {
        std::string_view s = get_string(v);
        if (form && !form->valid(s))
            fail("expected " + std::string(form->expected) + ", got " + in_quotes(s),
                 std::string(form->help));
        return copy(s);
    }

    /// One of the options. An option marked unique may be given once in the list being
    /// read: a second time names the list element that has it first.
    Value read_one_of(od::value& v, const Spec& spec) {
        std::string_view option = get_enum(v, spec.choice->what, spec.choice->options);
        if (spec.unique) {
            std::size_t at = path.size();
            while (at > 0 && !path[at - 1].field.empty())
                --at;
            if (at > 0) { // inside a list: path[at - 1] is the element
                std::size_t index = path[at - 1].index;
                for (std::size_t m = marks_base; m < marks.size(); ++m)
                    if (marks[m].spec == &spec && marks[m].option == option.data())
                        fail(std::string(option) + " is given twice (also at " +
                             std::string(at > 1 ? path[at - 2].field : std::string_view()) + "[" +
                             std::to_string(marks[m].index) + "])");
                marks.push_back({&spec, option.data(), index});
            }
        }
        return Value::of_string(option);
    }

    Value read_date(od::value& v) {
        std::string_view s = get_string(v);
        if (!is_date(s)) fail("expected a date as YYYY-MM-DD, got " + in_quotes(s));
        if (!is_calendar_date(s)) fail(in_quotes(s) + " is not a calendar date");
        return copy(s);
    }

    Value read_code(od::value& v, const Spec& spec) {
        Value code = read_text(v, spec.form);
        if (spec.known) check_known_code(code.str());
        return code;
    }

    // A submitted code the policy does not know is an error, not a silent denial.
    void check_known_code(std::string_view code) {
        if (!known_codes || known_codes->find(Value::of_string(code))) return;
        std::string message = "unknown code " + in_quotes(code);
        if (auto guess = closest(code, code_names))
            message += "; did you mean " + in_quotes(*guess) + "?";
        fail(message, "the policy reviews the codes in its table `" +
                          std::string(case_tables::known_codes) +
                          "`; a code outside it cannot be judged");
    }

    Value read_count(od::value& v, std::int64_t max) {
        std::string expected = "expected a whole number from 1 to " + std::to_string(max);
        if (type_of(v) != od::json_type::number) fail(expected);
        std::string_view token = v.raw_json_token();
        while (!token.empty() && (token.back() == ' ' || token.back() == '\t' ||
                                  token.back() == '\n' || token.back() == '\r'))
            token.remove_suffix(1);
        bool digits = !token.empty() && token.size() <= std::to_string(max).size();
        for (char c : token)
            digits = digits && is_digit(c);
        std::int64_t n = 0;
        if (digits) check(v.get_int64().get(n));
        if (!digits || n < 1 || n > max) fail(expected + ", got " + std::string(token));
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

    /// A muscle name, resolved through the muscle table, or an object of shape `muscle` for
    /// one the table lacks (its nerve and roots, when given, override the table's).
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
            Value* fields = new_fields(shape_muscle);
            fields[muscle_field::name] = row->keys[0];
            fields[muscle_field::nerve] =
                row_field(row, muscles->nerve_field, Value::of_string({}));
            fields[muscle_field::roots] =
                row_field(row, muscles->roots_field, Value::of_list(nullptr, 0));
            return Value::of_record(shape_muscle, fields);
        }
        if (type != od::json_type::object)
            fail("expected a muscle name or an object with \"name\", \"nerve\" and \"roots\"");
        od::object object = get_object(v);
        std::uint32_t seen = 0;
        Value* fields = read_fields(object, schema_of(shape_muscle), seen);
        std::string_view name = fields[muscle_field::name].str();
        bool has_nerve = seen & bit(muscle_field::nerve),
             has_roots = seen & bit(muscle_field::roots);
        if (const TableRowData* row = find_muscle(name)) {
            fields[muscle_field::name] = row->keys[0];
            if (!has_nerve)
                fields[muscle_field::nerve] =
                    row_field(row, muscles->nerve_field, fields[muscle_field::nerve]);
            if (!has_roots)
                fields[muscle_field::roots] =
                    row_field(row, muscles->roots_field, fields[muscle_field::roots]);
        } else if (!has_nerve || !has_roots) {
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
        return Value::of_record(shape_muscle, fields);
    }

    // --- The case ------------------------------------------------------------------------

    Value read_case(od::document& doc) {
        od::json_type type;
        check(doc.type().get(type));
        if (type != od::json_type::object) fail("expected a JSON object holding one case");
        od::object object;
        check(doc.get_object().get(object));
        return read_record(object, schema_of(shape_case));
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
        marks.clear();
        marks_base = 0;
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
