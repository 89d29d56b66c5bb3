// interpreter/case/case_schema.cpp — what the rows of the case schema refer to (forms, the
// check across fields, labels), the compile-time checks that keep the table sound, and the
// table turned into the checker's shapes.
#include "interpreter/case/case_schema.hpp"

#include "lang/codes.hpp"
#include "lang/dates.hpp"

#include <algorithm>
#include <cassert>
#include <fmt/format.h>

namespace cpl {

namespace case_schema {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
constexpr bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}

// --- The table is sound ---------------------------------------------------------------------
// Each of these fails to compile with its message when a row breaks it.

constexpr bool in_id_order() {
    for (std::uint32_t i = 0; i < std::size(shapes); ++i)
        if (shapes[i].id != shape_claim_line + i) return false;
    return shape_claim_line + std::size(shapes) == case_shape_count;
}
static_assert(in_id_order(), "the shapes must be listed in id order, one for each CaseShape");

constexpr bool fields_fit() {
    for (const auto& shape : shapes) {
        if (shape.fields.size() > 32) return false; // the reader keeps one bit per field
        for (std::size_t i = 0; i < shape.fields.size(); ++i)
            for (std::size_t j = 0; j < i; ++j)
                if (shape.fields[i].name == shape.fields[j].name) return false;
    }
    return true;
}
static_assert(fields_fit(), "a shape has a field twice, or more than 32 fields");

constexpr bool spec_complete(const Field& f) {
    const Spec& s = f.spec;
    switch (s.read) {
    case Read::OneOf:
        if (!s.choice) return false;
        // The reader marks a chosen option as having no capital letter without looking.
        for (auto option : s.choice->options)
            for (char c : option)
                if (is_upper(c)) return false;
        if (!f.presence.required && !s.list && !f.presence.text.empty()) {
            bool listed = false;
            for (auto option : s.choice->options)
                listed = listed || option == f.presence.text;
            if (!listed) return false; // the value when absent must be allowed
        }
        return true;
    case Read::Count:
        return s.max >= 1 && (f.presence.required || s.list || f.presence.number >= 1);
    case Read::Record:
    case Read::Muscle:
        // A record when absent would be made of nothing: single records must be given.
        return has_schema(s.shape) && (s.list || f.presence.required) &&
               (s.read != Read::Muscle || s.shape == shape_muscle);
    default:
        return true;
    }
}
constexpr bool specs_complete() {
    for (const auto& shape : shapes)
        for (const auto& field : shape.fields)
            if (!spec_complete(field)) return false;
    return true;
}
// GCC cannot compare a global's address with null at compile time under -fsanitize=address;
// the normal build checks this.
#ifndef __SANITIZE_ADDRESS__
static_assert(
    specs_complete(),
    "a row's kind of value lacks a parameter or a valid default, or an option has a capital");
#endif

// The reader recurses once per record inside a record; a shape that contained itself would
// let the input decide how deep.
constexpr bool acyclic(std::uint32_t shape, int depth) {
    if (depth > static_cast<int>(std::size(shapes))) return false;
    for (const auto& field : schema_of(shape).fields)
        if ((field.spec.read == Read::Record || field.spec.read == Read::Muscle) &&
            !acyclic(field.spec.shape, depth + 1))
            return false;
    return true;
}
static_assert(acyclic(shape_case, 0), "a shape contains itself");

constexpr bool labels_name_fields() {
    for (const auto& shape : shapes) {
        std::string_view label = shape.label;
        for (std::size_t open = label.find('{'); open != std::string_view::npos;
             open = label.find('{', open + 1)) {
            std::size_t close = label.find('}', open);
            if (close == std::string_view::npos) return false;
            std::string_view name = label.substr(open + 1, close - open - 1);
            bool found = false;
            for (const auto& field : shape.fields)
                found = found || (field.name == name && !field.spec.list &&
                                  field.spec.read != Read::Record && field.spec.read != Read::Flag);
            if (!found) return false;
        }
    }
    return true;
}
static_assert(labels_name_fields(), "a label names a field that is not a string or number");

TypeP field_type(const Spec& spec) {
    TypeP type;
    switch (spec.read) {
    case Read::Name:
    case Read::Text:
    case Read::OneOf:
    case Read::Date:
        type = string_type();
        break;
    case Read::Code:
        type = code_type();
        break;
    case Read::Flag:
        type = bool_type();
        break;
    case Read::Count:
        type = number_type();
        break;
    case Read::Record:
    case Read::Muscle: {
        std::vector<TypeP> fields;
        for (const auto& field : schema_of(spec.shape).fields)
            fields.push_back(field_type(field.spec)); // shapes are acyclic (static_assert above)
        type = record_of(spec.shape, std::move(fields));
        break;
    }
    }
    return spec.list ? list_of(type) : type;
}

} // namespace

// --- Forms ----------------------------------------------------------------------------------

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

bool is_modifier(std::string_view s) {
    return s.size() == 2 && (is_upper(s[0]) || is_digit(s[0])) &&
           (is_upper(s[1]) || is_digit(s[1]));
}

// Modifiers are written in capitals in the code sets: "lt" is read as nothing, but meant "LT".
std::string modifier_meant(std::string_view s) {
    std::string upper(s);
    for (char& c : upper)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return is_modifier(upper) && upper != s ? upper : "";
}

/// A CPT or HCPCS code: four digits then a digit or capital letter (95886, 0106T), or a
/// capital letter then four digits (G0255).
bool is_code(std::string_view s) {
    return is_procedure_code(s);
}

bool is_diagnosis(std::string_view s) {
    if (s.size() < 3 || !is_upper(s[0]) || !is_digit(s[1]) || !(is_digit(s[2]) || is_upper(s[2])))
        return false;
    if (s.size() == 3) return true;
    if (s[3] != '.' || s.size() < 5 || s.size() > 8) return false;
    for (char c : s.substr(4))
        if (!is_digit(c) && !is_upper(c)) return false;
    return true;
}

std::string diagnosis_meant(std::string_view s) {
    std::string code;
    for (char c : s)
        if (c != '.' && c != ' ') code += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    if (code.size() > 3) code.insert(3, ".");
    return is_diagnosis(code) && code != s ? code : "";
}

std::optional<std::string> never_holds(const Field& field, std::string_view text) {
    const Spec& spec = field.spec;
    switch (spec.read) {
    case Read::OneOf: {
        if (text == field.presence.text) return std::nullopt; // its value when absent
        for (std::string_view option : spec.choice->options)
            if (option == text) return std::nullopt;
        std::string options;
        for (std::string_view option : spec.choice->options)
            options += (options.empty() ? "" : ", ") + std::string(option);
        return "one of " + options;
    }
    case Read::Code:
    case Read::Text:
        if (!spec.form || spec.form->valid(text)) return std::nullopt;
        return std::string(spec.form->expected);
    case Read::Date: {
        if (text.empty() || parse_date(text)) return std::nullopt; // "": no date given
        // "2023-02-29": written as a date, but no day of the calendar.
        bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
                      std::all_of(text.begin(), text.end(),
                                  [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
        if (shaped) return "a day of the calendar, and " + std::string(text) + " is none";
        return "a date as YYYY-MM-DD (compared as text, so \"2023-1-1\" orders wrongly)";
    }
    default:
        return std::nullopt;
    }
}

// --- Checks across fields -------------------------------------------------------------------

std::optional<Problem> one_component_a_line(std::span<const Value> fields) {
    bool professional = false, technical = false;
    for (const Value& m : fields[claim_line_field::modifiers].list()) {
        professional = professional || m.str() == "26";
        technical = technical || m.str() == "TC";
    }
    if (!professional || !technical) return std::nullopt;
    return Problem{"modifiers", fmt::format("26 and TC on one line: {}", one_component_why),
                   std::string(one_component_help)};
}

std::optional<Problem> history_before_service(std::span<const Value> fields) {
    std::string_view date = fields[case_field::date_of_service].str();
    if (date.empty()) return std::nullopt; // undated: coded as of today, whatever today is
    std::span<const Value> history = fields[case_field::history].list();
    for (std::size_t i = 0; i < history.size(); ++i) {
        std::string_view then = history[i].items[encounter_field::date_of_service].str();
        if (then <= date) continue;
        return Problem{"history",
                       fmt::format("its element [{}] is dated {}, after the date of service {}: "
                                   "history holds the patient's earlier encounters",
                                   i, then, date),
                       "check both dates; an encounter after this one belongs to its own case"};
    }
    return std::nullopt;
}

std::optional<Problem> f_wave_on_motor_only(std::span<const Value> fields) {
    std::string_view type = fields[nerve_study_field::type].str();
    if (!fields[nerve_study_field::f_wave].boolean || type == "motor") return std::nullopt;
    return Problem{"f_wave",
                   "f_wave applies only to a motor study, not a \"" + std::string(type) + "\" one",
                   "record the F-wave on the motor study of the same nerve"};
}

} // namespace case_schema

void add_case_shapes(std::vector<Shape>& shapes, std::vector<std::vector<TypeP>>& types) {
    add_engine_shapes(shapes, types);
    assert(shapes.size() == shape_claim_line);
    for (const auto& schema : case_schema::shapes) {
        Shape shape{std::string(schema.name), {}};
        std::vector<TypeP> field_types;
        for (const auto& field : schema.fields) {
            shape.fields.emplace_back(field.name);
            field_types.push_back(case_schema::field_type(field.spec));
        }
        shapes.push_back(std::move(shape));
        types.push_back(std::move(field_types));
    }
}

std::optional<std::string> record_label(const Value& record) {
    if (record.kind != Kind::Record || !case_schema::has_schema(record.size)) return std::nullopt;
    const case_schema::ShapeSchema& schema = case_schema::schema_of(record.size);
    if (schema.label.empty()) return std::nullopt;
    std::string out;
    std::string_view label = schema.label;
    while (!label.empty()) {
        std::size_t open = label.find('{');
        out += label.substr(0, open);
        if (open == std::string_view::npos) break;
        std::size_t close = label.find('}', open);
        const Value& field = record.items[case_schema::field_index(
            record.size, label.substr(open + 1, close - open - 1))];
        if (field.kind == Kind::Number)
            out += std::to_string(field.number);
        else
            out += field.str();
        label.remove_prefix(close + 1);
    }
    return out;
}

} // namespace cpl
