// interpreter/case/case_schema.hpp — THE schema of an EMG/NCS case (contract section 2;
// docs/language.md, "The case"): for each record shape, its fields, one row each:
// {name, kind of value, what happens when it is absent}. The checker's shapes (what `case.x`
// types as, add_case_shapes) and the case reader (case.cpp) are both made from these rows,
// so a new case field is one row here (plus its docs and tests).
// Shape ids and field orders are fixed by this table: records are built in row order.
#pragma once

#include "runtime/shapes.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace cpl {

// After the engine's shapes; shape_claim_line is the engine's (runtime/shapes.hpp) but its
// fields are read with the case, so its rows are here too.
enum CaseShape : std::uint32_t {
    shape_case = engine_shape_count,
    shape_extremity,
    shape_muscle,
    shape_sided_muscle,
    shape_nerve_study,
    shape_nmj_study,
    shape_encounter,
    case_shape_count // every built-in shape: the engine's and the case's
};

namespace case_schema {

/// The kinds of value a field may hold. Each has one reader (read_field in case.cpp picks
/// it) and gives the field its type (field_type in case_schema.cpp).
enum class Read : std::uint8_t {
    Name,   // a non-empty string                                          string
    Text,   // a string, of a form when the row gives one                  string
    OneOf,  // one of a set of strings                                     string
    Date,   // an ISO date, YYYY-MM-DD, that is on the calendar            string
    Code,   // a string of a code's form                                   code
    Flag,   // true or false                                               bool
    Count,  // a whole number from 1 to a maximum                          number
    Record, // an object of the row's shape                                that shape
    Muscle, // a muscle name resolved through the policy's muscle table,  muscle
            // or an object of shape `muscle` for one the table lacks
};

/// What a string must look like. A bad one fails with "expected EXPECTED, got "x"" and HELP.
struct Form {
    bool (*valid)(std::string_view);
    std::string_view expected;
    std::string_view help = {};
    // The value meant, when a text that is not valid shows it ("Z7901" → "Z79.01"); "" when
    // it does not.
    std::string (*meant)(std::string_view) = nullptr;
};

/// The strings allowed, and the word for one of them ("unknown side "x"").
struct Choice {
    std::string_view what;
    std::span<const std::string_view> options;
};

/// A kind of value and its parameters. Made with the helpers below.
struct Spec {
    Read read = Read::Text;
    bool list = false;              // a list of such values
    bool unique = false;            // OneOf: each option at most once in the enclosing list
    const Form* form = nullptr;     // Text, Code
    const Choice* choice = nullptr; // OneOf
    std::uint32_t shape = 0;        // Record, Muscle
    std::int64_t max = 0;           // Count
};

constexpr Spec name() {
    return {.read = Read::Name};
}
constexpr Spec text(const Form* form = nullptr) {
    return {.read = Read::Text, .form = form};
}
constexpr Spec one_of(const Choice& choice) {
    return {.read = Read::OneOf, .choice = &choice};
}
constexpr Spec date() {
    return {.read = Read::Date};
}
constexpr Spec code(const Form& form) {
    return {.read = Read::Code, .form = &form};
}
constexpr Spec flag() {
    return {.read = Read::Flag};
}
constexpr Spec count_to(std::int64_t max) {
    return {.read = Read::Count, .max = max};
}
constexpr Spec record(std::uint32_t shape) {
    return {.read = Read::Record, .shape = shape};
}
constexpr Spec muscle() {
    return {.read = Read::Muscle, .shape = shape_muscle};
}
constexpr Spec list(Spec element) {
    element.list = true;
    return element;
}
constexpr Spec unique(Spec spec) {
    spec.unique = true;
    return spec;
}
/// Whether a field must be given, and if not, its value when absent. Absent lists are [],
/// flags false, strings `text` ("" unless given), counts `number`.
struct Presence {
    bool required = false;
    std::string_view help = {}; // required: how to fix a missing field
    std::string_view text = {};
    std::int64_t number = 0;
};
constexpr Presence required(std::string_view help = {}) {
    return {.required = true, .help = help};
}
constexpr Presence absent(std::string_view text) {
    return {.text = text};
}
constexpr Presence absent(std::int64_t number) {
    return {.number = number};
}

struct Field {
    std::string_view name;
    Spec spec;
    Presence presence = {};
    // A list that, when given, must not be empty, and how to fix one that is: an empty list
    // reads as an absent one, so given empty it would silently mean "not given".
    std::string_view when_empty = {};
};

/// A check across the fields of a record, once it is read: what is wrong, and at which field.
struct Problem {
    std::string_view field;
    std::string message;
    std::string help;
};

struct ShapeSchema {
    std::uint32_t id;
    std::string_view name;
    std::span<const Field> fields;
    // How `--explain` names a record of this shape: "{side} {nerve} {type}"; "" for none.
    std::string_view label = {};
    std::optional<Problem> (*check)(std::span<const Value> fields) = nullptr;
};

// --- Forms and choices ----------------------------------------------------------------------

bool is_spinal_level(std::string_view s);        // C1..C8, T1..T12, L1..L5, S1..S5
bool is_thoracic_level(std::string_view s);      // T1..T12
bool is_modifier(std::string_view s);            // two capital letters or digits
bool is_code(std::string_view s);                // 95886, 0106T, G0255
bool is_diagnosis(std::string_view s);           // ICD-10-CM as on a claim form: G56.01, G20
std::string diagnosis_meant(std::string_view s); // "z7901" → "Z79.01"; "" when no code shows

/// What a value of `field` (one element, for a list) always is, when `text` is not such a
/// value: "one of global, professional, technical", "a modifier of two capital letters or
/// digits". Nothing when a
/// case could hold it (fields of names and free text hold anything).
std::optional<std::string> never_holds(const Field& field, std::string_view text);

inline constexpr Form spinal_level{is_spinal_level, "a spinal level such as \"C6\" or \"L5\""};
inline constexpr Form thoracic_level{is_thoracic_level, "a thoracic level T1 to T12"};
std::string modifier_meant(std::string_view s); // "lt" → "LT"; "" when no modifier shows
inline constexpr Form modifier{is_modifier, "a modifier of two capital letters or digits",
                               "a modifier is two capital letters or digits, e.g. \"26\" or \"RT\"",
                               modifier_meant};
// A diagnosis that is no ICD-10-CM code matched no policy's table, and the case was coded
// as if it had none (a silent denial where a payer requires one).
inline constexpr Form diagnosis_code{
    is_diagnosis, "an ICD-10-CM code such as \"G56.01\"",
    "an ICD-10-CM code is a capital letter, a digit, a digit or capital letter, then a dot and "
    "up to four more digits or capital letters, as on the claim form",
    diagnosis_meant};
inline constexpr Form cpt_code{
    is_code, "a 5-character CPT or HCPCS code",
    "a code is five digits (95886), four digits and F, T, U, M or A (0106T), or a capital "
    "letter then four digits (G0255)"};

inline constexpr std::string_view provider_role_options[] = {"global", "professional", "technical"};
inline constexpr std::string_view limb_options[] = {"left_arm", "right_arm", "left_leg",
                                                    "right_leg"};
inline constexpr std::string_view side_options[] = {"left", "right"};
// A cranial or axial muscle may be needled on both sides: one entry, side "bilateral".
inline constexpr std::string_view muscle_side_options[] = {"left", "right", "bilateral"};
inline constexpr std::string_view study_type_options[] = {"motor", "sensory", "mixed", "h_reflex"};

inline constexpr Choice provider_roles{"provider_role", provider_role_options};
inline constexpr Choice limbs{"limb", limb_options};
inline constexpr Choice sides{"side", side_options};
inline constexpr Choice muscle_sides{"side", muscle_side_options};
inline constexpr Choice study_types{"type", study_type_options};

/// nerve_study: an F-wave is recorded on a motor study only.
std::optional<Problem> f_wave_on_motor_only(std::span<const Value> fields);
/// case: every encounter of `history` is dated on or before the date of service (it holds
/// earlier encounters: one after it is a wrong date, which a frequency limit would drop).
std::optional<Problem> history_before_service(std::span<const Value> fields);
/// claim_line: 26 (professional component) and TC (technical) are never on one line.
std::optional<Problem> one_component_a_line(std::span<const Value> fields);
/// Why, and what to do instead: also said of a line a policy would bill so.
inline constexpr std::string_view one_component_why =
    "a line is the professional component or the technical one, not both";
inline constexpr std::string_view one_component_help =
    "bill each component on a line of its own, or the global service with neither";

// --- The fields of each shape ---------------------------------------------------------------

/// The most units a claim line carries: a submitted line's, and a line a policy bills.
inline constexpr std::int64_t max_line_units = 9999;

inline constexpr Field claim_line_fields[] = {
    {"code", code(cpt_code), required()},
    {"units", count_to(max_line_units), absent(1)},
    {"modifiers", list(unique(text(&modifier)))},
};

inline constexpr Field case_fields[] = {
    {"id", name(), required("every case needs an id, e.g. \"id\": \"right-arm-01\"")},
    {"date_of_service", date()},
    {"provider_role", one_of(provider_roles), absent("global")},
    {"diagnoses", list(text(&diagnosis_code))},
    {"extremities", list(record(shape_extremity))},
    {"thoracic_paraspinal_levels", list(text(&thoracic_level))},
    {"cranial_muscles", list(record(shape_sided_muscle))},
    {"axial_muscles", list(record(shape_sided_muscle))},
    {"larynx", flag()},
    {"hemidiaphragm", list(unique(one_of(sides)))},
    {"single_fiber_muscles", list(name())},
    {"nerve_conduction", list(record(shape_nerve_study))},
    {"neuromuscular_junction", list(record(shape_nmj_study))},
    {"history", list(record(shape_encounter))},
    {"claim",
     list(record(shape_claim_line)),
     {},
     "leave `claim` out to code the study, or give the lines billed: an empty claim has "
     "nothing to review"},
};

inline constexpr Field extremity_fields[] = {
    {"limb", unique(one_of(limbs)), required()},
    {"muscles", list(muscle())},
    {"paraspinal_levels", list(text(&spinal_level))},
};

// `name` is the muscle table's canonical name; `nerve` and `roots` come from the table unless
// the case gives them.
inline constexpr Field muscle_fields[] = {
    {"name", name(), required()},
    {"nerve", name()},
    {"roots", list(text(&spinal_level))}, // counted as levels: "c8" or "C8-T1" would add one
};

inline constexpr Field sided_muscle_fields[] = {
    {"name", name(), required()},
    {"side", one_of(muscle_sides), required()},
};

inline constexpr Field nerve_study_fields[] = {
    {"nerve", name(), required()},
    {"side", one_of(sides), required()},
    {"type", one_of(study_types), required()},
    {"f_wave", flag()},
};

inline constexpr Field nmj_study_fields[] = {
    {"nerve", name(), required()},
    {"side", one_of(sides), required()},
};

inline constexpr Field encounter_fields[] = {
    {"date_of_service", date(), required()},
    {"codes", list(code(cpt_code))},
};

// --- The shapes, in id order ----------------------------------------------------------------

inline constexpr ShapeSchema shapes[] = {
    {shape_claim_line, "claim_line", claim_line_fields, "{code} x{units}", one_component_a_line},
    {shape_case, "case", case_fields, {}, history_before_service},
    {shape_extremity, "extremity", extremity_fields, "{limb}"},
    {shape_muscle, "muscle", muscle_fields, "{name}"},
    {shape_sided_muscle, "sided_muscle", sided_muscle_fields, "{name} ({side})"},
    {shape_nerve_study, "nerve_study", nerve_study_fields, "{side} {nerve} {type}",
     f_wave_on_motor_only},
    {shape_nmj_study, "nmj_study", nmj_study_fields},
    {shape_encounter, "encounter", encounter_fields},
};

/// True for the shapes of this table.
constexpr bool has_schema(std::uint32_t shape) {
    return shape >= shape_claim_line && shape < case_shape_count;
}
constexpr const ShapeSchema& schema_of(std::uint32_t shape) {
    return shapes[shape - shape_claim_line];
}

/// The index of field `name` of `shape`. Not a constant expression (so a compile error in a
/// constant) when the table has no such field.
constexpr std::uint32_t field_index(std::uint32_t shape, std::string_view name) {
    const auto& fields = schema_of(shape).fields;
    for (std::uint32_t i = 0; i < fields.size(); ++i)
        if (fields[i].name == name) return i;
    throw "the case schema has no such field";
}

} // namespace case_schema

// --- Field indexes for C++ ------------------------------------------------------------------
// Each is looked up in the table by name, so none can disagree with it. A field that C++
// does not name needs none.

namespace case_field {
using case_schema::field_index;
inline constexpr std::uint32_t id = field_index(shape_case, "id");
inline constexpr std::uint32_t date_of_service = field_index(shape_case, "date_of_service");
inline constexpr std::uint32_t provider_role = field_index(shape_case, "provider_role");
inline constexpr std::uint32_t diagnoses = field_index(shape_case, "diagnoses");
inline constexpr std::uint32_t extremities = field_index(shape_case, "extremities");
inline constexpr std::uint32_t thoracic_paraspinal_levels =
    field_index(shape_case, "thoracic_paraspinal_levels");
inline constexpr std::uint32_t cranial_muscles = field_index(shape_case, "cranial_muscles");
inline constexpr std::uint32_t axial_muscles = field_index(shape_case, "axial_muscles");
inline constexpr std::uint32_t larynx = field_index(shape_case, "larynx");
inline constexpr std::uint32_t hemidiaphragm = field_index(shape_case, "hemidiaphragm");
inline constexpr std::uint32_t single_fiber_muscles =
    field_index(shape_case, "single_fiber_muscles");
inline constexpr std::uint32_t nerve_conduction = field_index(shape_case, "nerve_conduction");
inline constexpr std::uint32_t neuromuscular_junction =
    field_index(shape_case, "neuromuscular_junction");
inline constexpr std::uint32_t history = field_index(shape_case, "history");
inline constexpr std::uint32_t claim = field_index(shape_case, "claim");
} // namespace case_field
namespace extremity_field {
using case_schema::field_index;
inline constexpr std::uint32_t limb = field_index(shape_extremity, "limb");
inline constexpr std::uint32_t muscles = field_index(shape_extremity, "muscles");
inline constexpr std::uint32_t paraspinal_levels =
    field_index(shape_extremity, "paraspinal_levels");
} // namespace extremity_field
namespace muscle_field {
using case_schema::field_index;
inline constexpr std::uint32_t name = field_index(shape_muscle, "name");
inline constexpr std::uint32_t nerve = field_index(shape_muscle, "nerve");
inline constexpr std::uint32_t roots = field_index(shape_muscle, "roots");
} // namespace muscle_field
namespace sided_muscle_field {
using case_schema::field_index;
inline constexpr std::uint32_t name = field_index(shape_sided_muscle, "name");
inline constexpr std::uint32_t side = field_index(shape_sided_muscle, "side");
} // namespace sided_muscle_field
namespace nerve_study_field {
using case_schema::field_index;
inline constexpr std::uint32_t nerve = field_index(shape_nerve_study, "nerve");
inline constexpr std::uint32_t side = field_index(shape_nerve_study, "side");
inline constexpr std::uint32_t type = field_index(shape_nerve_study, "type");
inline constexpr std::uint32_t f_wave = field_index(shape_nerve_study, "f_wave");
} // namespace nerve_study_field
namespace nmj_study_field {
using case_schema::field_index;
inline constexpr std::uint32_t nerve = field_index(shape_nmj_study, "nerve");
inline constexpr std::uint32_t side = field_index(shape_nmj_study, "side");
} // namespace nmj_study_field
namespace encounter_field {
using case_schema::field_index;
inline constexpr std::uint32_t date_of_service = field_index(shape_encounter, "date_of_service");
inline constexpr std::uint32_t codes = field_index(shape_encounter, "codes");
} // namespace encounter_field

// The engine indexes a submitted claim line with its own constants: they must name our rows.
static_assert(case_schema::field_index(shape_claim_line, "code") == claim_line_field::code);
static_assert(case_schema::field_index(shape_claim_line, "units") == claim_line_field::units);
static_assert(case_schema::field_index(shape_claim_line, "modifiers") ==
              claim_line_field::modifiers);

/// Fills an empty shape list with every built-in shape, in id order: the engine's
/// (runtime/shapes.hpp), then those of this table, with the field types their rows give.
void add_case_shapes(std::vector<Shape>& shapes, std::vector<std::vector<TypeP>>& field_types);

/// How `--explain` names a record of a shape of this table (its `label`), or nothing.
std::optional<std::string> record_label(const Value& record);

} // namespace cpl
