// interpreter/case/case.cpp — the case reader (contract section 2): one JSON document holding one
// case → a `case` record built in the caller's arena. simdjson On-Demand reads the document
// front to back once; the reader stops at the first bad value and reports it with its JSON
// path. What it reads is the case schema (case_schema.hpp): one generic walk over its rows,
// one reader function per kind of value. No shape there contains itself (checked when it is
// compiled), so no input, however deeply nested, can make the reader recurse deeper than it.
#include "interpreter/case/case_reader.hpp"
#include "lang/json_nesting.hpp"
#include "lang/suggest.hpp"
#include "runtime/ascii.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <simdjson.h>
#include <span>
#include <string>
#include <utility>

namespace cpl {

namespace {

using namespace case_schema;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
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

/// Whether field `f`'s key, as written, is `name` (which holds no quote or backslash):
/// simdjson's unsafe_is_equal, with the bytes compared inline where it calls memcmp for each
/// of a case's fields. As there, the padding after the text makes the byte after a name of
/// at most its size readable.
bool key_is(od::field& f, std::string_view name) {
    if (name.size() > simdjson::SIMDJSON_PADDING) return f.key().unsafe_is_equal(name);
    const char* raw = f.key().raw();
    return raw[name.size()] == '"' &&
           same_bytes(raw, name.data(), static_cast<std::uint32_t>(name.size()));
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

} // namespace

CaseReader::Impl::Impl(const MuscleIndex* index) : muscles(index) {
    if (muscles)
        for (const auto& name : muscles->names)
            muscle_names.push_back(name);
    for (const auto& shape : case_schema::shapes) {
        ShapePlan& plan = plans.emplace_back();
        for (std::uint32_t i = 0; i < shape.fields.size(); ++i) {
            plan.names.push_back(shape.fields[i].name);
            plan.absent.push_back(absent_value(shape.fields[i]));
            if (shape.fields[i].presence.required) plan.required |= bit(i);
        }
    }
    scratch.reserve(256);
}

/// A list; `item(element)` reads each element, at path `[i]`. Options marked unique
/// are unique within the innermost list being read (see mark_unique).
template <typename Item>
Value CaseReader::Impl::read_list(od::value& v, const char* expected, Item&& item) {
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

/// Reads an object of `shape` into new fields: each field given is read by its row, at
/// its path; the others keep their value when absent. Unknown and repeated fields and
/// missing required ones are errors, then the shape's check runs. `seen` receives the
/// set of fields given.
Value* CaseReader::Impl::read_fields(od::object& object, const ShapeSchema& shape,
                                     std::uint32_t& seen) {
    Value* fields = new_fields(shape.id);
    const ShapePlan& plan = plans[shape.id - shape_claim_line];
    std::span<const std::string_view> names = plan.names;
    std::span<const Field> rows = shape.fields;
    seen = 0;
    std::uint32_t next = 0;
    for (auto field_result : object) {
        od::field f;
        check(std::move(field_result).get(f));
        // Fields mostly come in the schema's order: try the one after the last first, on the
        // key as written (schema names hold no quote or backslash, so equal bytes are the
        // same name); any other key is unescaped and looked for.
        std::uint32_t i = next;
        std::string_view key;
        if (i < names.size() && key_is(f, names[i])) {
            key = names[i];
        } else {
            check(f.unescaped_key().get(key));
            i = 0;
            while (i < names.size() && names[i] != key)
                ++i;
        }
        if (i == names.size()) {
            std::string suggestion = did_you_mean(key, names);
            fail_at(key, "unknown field " + in_quotes(key) + suggestion,
                    suggestion.empty() ? "the fields here are " + listing(names) : std::string());
        }
        if (seen & bit(i)) fail_at(rows[i].name, "field " + in_quotes(key) + " is given twice");
        seen |= bit(i);
        next = i + 1;
        path.push_back({rows[i].name});
        fields[i] = read_field(f.value(), rows[i].spec);
        path.pop_back();
        if (!rows[i].when_empty.empty() && fields[i].kind == Kind::List && fields[i].size == 0)
            fail_at(rows[i].name, "the list is empty", std::string(rows[i].when_empty));
        if (shape.id == shape_case && i == case_field::id) case_id = fields[i].str();
    }
    if ((seen & plan.required) != plan.required)
        for (std::uint32_t i = 0; i < rows.size(); ++i)
            if (rows[i].presence.required && !(seen & bit(i)))
                fail("missing field " + in_quotes(rows[i].name),
                     std::string(rows[i].presence.help));
    if (shape.check)
        if (auto problem = shape.check({fields, rows.size()}))
            fail_at(problem->field, std::move(problem->message), std::move(problem->help));
    return fields;
}

Value CaseReader::Impl::read_record(od::object& object, const ShapeSchema& shape) {
    std::uint32_t seen = 0;
    return Value::of_record(shape.id, read_fields(object, shape, seen));
}

/// A field's value: one value of its kind, or a list of them, read by the kind's reader.
/// The kind is looked at once per field, not once per list element, so each reader inlines
/// into the loop over a list.
Value CaseReader::Impl::read_field(od::value& v, const Spec& spec) {
    auto one_or_list = [&](auto&& read) {
        return spec.list ? read_list(v, expected_list(spec.read), read) : read(v);
    };
    switch (spec.read) {
    case Read::Name:
        return one_or_list([&](od::value& e) { return copy(get_name(e)); });
    case Read::Text: {
        Value text = one_or_list([&](od::value& e) { return read_text(e, spec.form); });
        if (spec.list && spec.unique) refuse_repeats(text);
        return text;
    }
    case Read::OneOf:
        return one_or_list([&](od::value& e) { return read_one_of(e, spec); });
    case Read::Date:
        return one_or_list([&](od::value& e) { return read_date(e); });
    case Read::Code:
        // Any well-formed code is read: the policy decides what a code it does not govern
        // (an E/M visit, a deleted code) gets; only a malformed code is the case's error.
        return one_or_list([&](od::value& e) { return read_text(e, spec.form); });
    case Read::Flag:
        return one_or_list([&](od::value& e) { return Value::of_bool(get_bool(e)); });
    case Read::Count:
        return one_or_list([&](od::value& e) { return read_count(e, spec.max); });
    case Read::Record:
        return one_or_list([&, &shape = schema_of(spec.shape)](od::value& e) {
            od::object object = get_object(e);
            return read_record(object, shape);
        });
    case Read::Muscle: {
        Value read = one_or_list([&](od::value& e) { return read_muscle(e); });
        if (spec.list) refuse_repeated_muscles(read);
        return read;
    }
    }
    fail("expected a value"); // not reached: every kind is read above
}

Value CaseReader::Impl::read_text(od::value& v, const Form* form) {
    std::string_view s = get_string(v);
    if (form && !form->valid(s)) {
        std::string meant = form->meant ? form->meant(s) : "";
        fail("expected " + std::string(form->expected) + ", got " + in_quotes(s),
             meant.empty() ? std::string(form->help) : "write " + in_quotes(meant));
    }
    return copy(s);
}

/// One of the options, as the option itself (so the value needs no copy).
Value CaseReader::Impl::read_one_of(od::value& v, const Spec& spec) {
    std::string_view option = get_enum(v, spec.choice->what, spec.choice->options);
    if (spec.unique) mark_unique(spec, option);
    Value chosen = Value::of_string(option);
    chosen.letters = letters_lower; // no option has a capital letter (spec_complete)
    return chosen;
}

/// An option marked unique may be given once in the list being read: a second time names
/// the list element that has it first.
void CaseReader::Impl::mark_unique(const Spec& spec, std::string_view option) {
    std::size_t at = path.size();
    while (at > 0 && !path[at - 1].field.empty())
        --at;
    if (at == 0) return; // not inside a list
    for (std::size_t m = marks_base; m < marks.size(); ++m)
        if (marks[m].spec == &spec && marks[m].option == option.data())
            fail(std::string(option) + " is given twice (also at " +
                 std::string(at > 1 ? path[at - 2].field : std::string_view()) + "[" +
                 std::to_string(marks[m].index) + "])");
    marks.push_back({&spec, option.data(), path[at - 1].index});
}

/// A list of strings marked unique (a line's modifiers): a string given twice names the
/// element that has it first.
void CaseReader::Impl::refuse_repeats(const Value& list) {
    for (std::uint32_t j = 1; j < list.size; ++j)
        for (std::uint32_t i = 0; i < j; ++i)
            if (list.items[i].str() == list.items[j].str()) {
                path.push_back({{}, j});
                fail(in_quotes(list.items[j].str()) + " is given twice (also at [" +
                     std::to_string(i) + "])");
            }
}

Value CaseReader::Impl::read_date(od::value& v) {
    std::string_view s = get_string(v);
    if (!is_date(s)) fail("expected a date as YYYY-MM-DD, got " + in_quotes(s));
    if (!is_calendar_date(s)) fail(in_quotes(s) + " is not a calendar date");
    return copy(s);
}

// The message is built only when a count is wrong: a case has a count on every line, nerve
// and muscle, and building it each time was a heap allocation apiece.
Value CaseReader::Impl::read_count(od::value& v, std::int64_t max) {
    auto expected = [max] { return "expected a whole number from 1 to " + std::to_string(max); };
    if (type_of(v) != od::json_type::number) fail(expected());
    std::string_view token = v.raw_json_token();
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' ||
                              token.back() == '\r'))
        token.remove_suffix(1);
    std::size_t max_digits = 1;
    for (std::int64_t rest = max; rest >= 10; rest /= 10)
        ++max_digits;
    bool digits = !token.empty() && token.size() <= max_digits;
    for (char c : token)
        digits = digits && is_digit(c);
    std::int64_t n = 0;
    if (digits) check(v.get_int64().get(n));
    if (!digits || n < 1 || n > max) fail(expected() + ", got " + std::string(token));
    return Value::of_number(n);
}

Value CaseReader::Impl::read_case(od::document& doc) {
    od::json_type type;
    check(doc.type().get(type));
    // A list of cases is the common mistake: its help says where cases go. A list cut short
    // is broken JSON first, said with where it breaks, as an object cut short is.
    if (type == od::json_type::array) {
        od::array list;
        check(doc.get_array().get(list));
        for (auto element : list)
            check(element.error());
        fail("expected a JSON object holding one case, not a list",
             "give each case a .json file of its own, or a line of its own in a .jsonl file (JSON "
             "Lines); a batch request takes JSON Lines too");
    }
    // A scalar is read first: `nope` and `tru` begin as `null` and `true` do and are no JSON at
    // all, which is what to say of them, with where.
    if (type == od::json_type::null) {
        bool is_null = false;
        check(doc.is_null().get(is_null));
        if (!is_null) fail_json(simdjson::N_ATOM_ERROR);
    } else if (type == od::json_type::boolean) {
        bool b = false;
        check(doc.get_bool().get(b));
    } else if (type == od::json_type::number) {
        od::number n;
        check(doc.get_number().get(n));
    } else if (type == od::json_type::string) {
        std::string_view text;
        check(doc.get_string().get(text));
    }
    if (type != od::json_type::object) fail("expected a JSON object holding one case");
    od::object object;
    check(doc.get_object().get(object));
    return read_record(object, schema_of(shape_case));
}

/// The case's id, read again from the start after an error that came before it.
std::string CaseReader::Impl::recover_id() {
    od::document doc;
    if (parser.iterate(buffer.get(), length, capacity).get(doc)) return {};
    od::object object;
    if (doc.get_object().get(object)) return {};
    for (auto field_result : object) {
        od::field f;
        std::string_view key, id;
        if (std::move(field_result).get(f) || f.unescaped_key().get(key)) return {};
        if (key != case_fields[case_field::id].name) continue;
        if (f.value().get_string().get(id)) return {};
        return std::string(id);
    }
    return {};
}

// " at column C" (or " at line L, column C") of byte `at` of `text`: columns count characters;
// a case on one line (a JSON Lines line, whose origin names its line already) gets the column.
// A line ends at LF, CR LF or CR alone, as an editor shows a file written with any of them.
std::string place_in(std::string_view text, std::size_t at) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < at; ++i) {
        if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
            line++;
            column = 1;
        } else if (text[i] != '\r' && (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++column;
        }
    }
    return text.find_first_of("\r\n") == std::string_view::npos
               ? fmt::format(" at column {}", column)
               : fmt::format(" at line {}, column {}", line, column);
}

// " at line L, column C" where the parser stopped in the text, when it knows: a person
// looking at a large case needs the place, not only that something is wrong.
std::string CaseReader::Impl::where_parsing_stopped(od::document& doc) const {
    const char* at = nullptr;
    // Stopped at the first byte: the whole text was refused, and its start says nothing.
    if (doc.current_location().get(at) != simdjson::SUCCESS || at <= buffer.get() ||
        at > buffer.get() + length)
        return {};
    return place_in({buffer.get(), length}, static_cast<std::size_t>(at - buffer.get()));
}

// " at line L, column C" of the first byte that is not JSON, for text the parser refused
// before it could say where (a bracket never closed, a control character in a string, `x`):
// read again by a parser that says where it stopped, keeping nothing it reads. Only on this
// error's path.
std::string CaseReader::Impl::where_json_fails() const {
    std::string_view text(buffer.get(), length);
    try {
        nlohmann::json nothing = nlohmann::json::parse(
            text, [](int, nlohmann::json::parse_event_t, nlohmann::json&) { return false; });
        (void)nothing; // valid JSON after all: no place to add
    } catch (const nlohmann::json::parse_error& e) {
        if (e.byte > 0) return place_in(text, std::min(e.byte - 1, text.size()));
    } catch (const nlohmann::json::exception&) {
    }
    return {};
}

// How the first JSON value of `text` ends, strings and their escapes skipped: where its last
// bracket closes it (one past), or where a bracket closes one of the other kind.
struct FirstValue {
    std::optional<std::size_t> end, mismatch;
};
FirstValue first_value(std::string_view text) {
    std::string open; // the brackets not yet closed
    FirstValue first;
    for_each_json_bracket(text, [&](std::size_t i, char c) {
        if (c == '{' || c == '[') {
            open.push_back(c);
            return true;
        }
        if (open.empty() || open.back() != (c == '}' ? '{' : '[')) {
            first.mismatch = i;
            return false;
        }
        open.pop_back();
        if (open.empty()) first.end = i + 1;
        return !open.empty();
    });
    return first;
}

// Another object after the case, on a line of its own: cases one a line (JSON Lines) in an
// input read as one case. The help says where such cases go; "" for any other text.
namespace {
std::string json_lines_help(std::string_view text, std::size_t after) {
    if (after == 0 || after >= text.size() || text[after] != '{') return {};
    std::size_t gap = text.find_last_not_of(" \t\r\n", after - 1);
    if (gap == std::string_view::npos || text.find('\n', gap) >= after) return {};
    // A case written over several lines is no JSON Lines yet: each must go on one line.
    if (text.find('\n') < gap)
        return "the text after it is another object: several cases are JSON Lines, one case a "
               "line (`jq -c . FILE` writes each on one line), which `cpl run` reads from a "
               ".jsonl file or standard input, `cpl serve` at /v1/batch";
    return "the text after it is another object on a new line, as in JSON Lines (one case a "
           "line): `cpl run` reads those from a .jsonl file or standard input, `cpl serve` at "
           "/v1/batch";
}
} // namespace

// Stage 1 reports a case object followed by more text (`{…} x`) as an object not closed: when
// the first value does close, that is the error, said with its place and the case's id; a
// bracket closed by the other kind is said where it is.
void CaseReader::Impl::refuse_text_after_case() {
    std::string_view text(buffer.get(), length);
    FirstValue first = first_value(text);
    if (first.mismatch) {
        std::string where = place_in(text, *first.mismatch);
        length = *first.mismatch; // the case up to there, for its id
        std::memset(buffer.get() + length, 0, simdjson::SIMDJSON_PADDING);
        throw Failure{CaseError{{}, {}, "the case is not valid JSON" + where, {}}, false};
    }
    if (!first.end) return;
    std::size_t after = text.find_first_not_of(" \t\r\n", *first.end);
    if (after == std::string_view::npos) return;
    std::string where = place_in(text, after);
    length = *first.end; // the case alone, for its id (recover_id reads it again)
    std::memset(buffer.get() + length, 0, simdjson::SIMDJSON_PADDING);
    try {
        fail_json(simdjson::TRAILING_CONTENT, json_lines_help(text, after));
    } catch (Failure& failure) {
        failure.error.message += where;
        failure.malformed = false; // placed here: no parser position to add
        throw;
    }
}

std::variant<Value, CaseError> CaseReader::Impl::read(std::string_view json, Arena& into) {
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
    od::document doc;
    bool indexed = false; // stage 1 passed: `doc` can say where parsing stopped
    try {
        check(parser.iterate(buffer.get(), length, capacity).get(doc));
        indexed = true;
        Value result = read_case(doc);
        // Anything but white space after the object is an error.
        const char* at = nullptr;
        if (doc.current_location().get(at) == simdjson::SUCCESS)
            fail_json(simdjson::TRAILING_CONTENT,
                      json_lines_help({buffer.get(), length},
                                      static_cast<std::size_t>(at - buffer.get())));
        return result;
    } catch (Failure& failure) {
        // `{…}}`, two objects: stage 1 passed them, and the case's fields were judged before
        // the text after it. That text is the fault (a missing id, which `cpl serve`'s FHIR
        // Claim supplies, is not): said first. (A bracket closed by the other kind is broken
        // JSON after a value of the wrong type: that value is said first, as it comes first.)
        if (!failure.malformed) {
            std::string_view text(buffer.get(), length);
            FirstValue first = first_value(text);
            if (!first.mismatch && first.end &&
                text.find_first_not_of(" \t\r\n", *first.end) != std::string_view::npos)
                try {
                    refuse_text_after_case();
                } catch (Failure& after) {
                    failure = std::move(after);
                }
        }
        failure.error.case_id = case_id.empty() ? recover_id() : std::string(case_id);
        if (failure.malformed) {
            std::string where = indexed ? where_parsing_stopped(doc) : std::string();
            failure.error.message += where.empty() ? where_json_fails() : where;
        }
        return std::move(failure.error);
    }
}

CaseReader::CaseReader(const MuscleIndex* muscles) : impl_(std::make_unique<Impl>(muscles)) {}
CaseReader::~CaseReader() = default;

std::variant<Value, CaseError> CaseReader::read(std::string_view json, Arena& arena) {
    return impl_->read(json, arena);
}

} // namespace cpl
