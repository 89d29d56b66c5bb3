// interpreter/serve/fhir_claim.cpp — FHIR R4 Claim → cpl case. The billing facts (lines,
// diagnoses) come from the Claim's own elements, the study from one supportingInfo entry,
// so each fact has exactly one place to be written and a mismatch cannot arise.
#include "interpreter/serve/fhir.hpp"
#include "interpreter/serve/json_dump.hpp"
#include "lang/json_nesting.hpp"
#include "lang/suggest.hpp"
#include "runtime/ascii.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <optional>
#include <unordered_set>

namespace cpl::serve::fhir {

namespace {

using nlohmann::json;

Problem problem(std::string message, std::string expression, int status = 422) {
    return {status, std::move(message), std::move(expression)};
}

// `object[key]` when `object` is an object that has it, else null: a Claim is the client's, and
// an element of the wrong type is its fault to be told of, not an exception.
const json* member(const json& object, const char* key) {
    if (!object.is_object()) return nullptr;
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

// Whether a Reference says what it refers to: an empty one (`{}`) has no value and no
// children, which FHIR allows no element (ele-1).
bool names_something(const json& reference) {
    for (const char* part : {"reference", "identifier", "display"})
        if (member(reference, part)) return true;
    return false;
}

// A moment a dateTime with a time names, its zone undone: seconds since 1970 (UTC) and the
// fraction of the second, so that two written in different zones compare as the instants
// they are.
struct Instant {
    std::int64_t seconds = 0;
    double fraction = 0;
    auto operator<=>(const Instant&) const = default;
};

// A day of service, or why there is none: the date as written (`YYYY-MM-DD`), the text it
// came from, and the instant when the text has a time.
struct Day {
    std::string day, why, text;
    std::optional<Instant> instant = std::nullopt;
    explicit operator bool() const { return why.empty(); }
};
Day wrong(std::string why) {
    return {{}, std::move(why), {}};
}

// The instant of a dateTime's time part `t` (after its `T`) on the day given, or nothing when
// `t` is not FHIR's: hours, minutes and seconds (a fraction allowed) and a zone, `Z` or
// `+hh:mm`. The day alone was read, and `2025-03-14Tgarbage` served.
std::optional<Instant> instant_of(std::chrono::year_month_day day, std::string_view t) {
    auto digits = [&](std::size_t at, std::size_t n) {
        return t.size() >= at + n && std::all_of(t.begin() + at, t.begin() + at + n, [](char c) {
                   return std::isdigit(static_cast<unsigned char>(c));
               });
    };
    auto number = [&](std::size_t at) { return (t[at] - '0') * 10 + (t[at + 1] - '0'); };
    // Hours 00-23, minutes 00-59, seconds 00-60 (a leap second), as FHIR's pattern has them:
    // `T25:00:00Z` was read as the day it names.
    if (!(digits(0, 2) && t.size() > 5 && t[2] == ':' && digits(3, 2) && t[5] == ':' &&
          digits(6, 2) && number(0) <= 23 && number(3) <= 59 && number(6) <= 60))
        return std::nullopt;
    Instant instant;
    std::size_t at = 8;
    if (at < t.size() && t[at] == '.') {
        std::size_t from = at++;
        while (at < t.size() && std::isdigit(static_cast<unsigned char>(t[at])))
            ++at;
        if (at == from + 1) return std::nullopt;
        // Nanoseconds at most: FHIR allows any number of digits, and a long run of them
        // (`.000…0001`) underflowed std::stod, which threw (a 500).
        instant.fraction = std::stod(
            "0." + std::string(t.substr(from + 1, std::min<std::size_t>(at - from - 1, 9))));
    }
    std::string_view zone = t.substr(at);
    int offset = 0;
    if (zone != "Z") {
        if (!(zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' &&
              digits(at + 1, 2) && digits(at + 4, 2) && number(at + 1) <= 14 &&
              number(at + 4) <= 59))
            return std::nullopt;
        offset = (zone[0] == '-' ? -1 : 1) * (number(at + 1) * 3600 + number(at + 4) * 60);
    }
    std::int64_t days = std::chrono::sys_days(day).time_since_epoch().count();
    instant.seconds =
        days * 86400 + number(0) * 3600 + number(3) * 60 + number(6) - std::int64_t(offset);
    return instant;
}

// A whole date of service, `YYYY-MM-DD`, from a FHIR date (or, where `date_time`, a dateTime
// such as `2025-03-14T09:30:00Z`, whose day it is); else what is wrong with it.
Day day_of(const json& value, bool date_time) {
    std::string what = date_time ? "a date or dateTime" : "a date";
    if (!value.is_string()) return wrong(fmt::format("{} is written as text", what));
    std::string text = value.get<std::string>();
    std::string day = text.substr(0, 10);
    bool whole = day.size() == 10 && day[4] == '-' && day[7] == '-' &&
                 std::all_of(day.begin(), day.end(),
                             [](char c) {
                                 return c == '-' || std::isdigit(static_cast<unsigned char>(c));
                             }) &&
                 (text.size() == 10 || (date_time && text[10] == 'T'));
    if (whole) {
        std::chrono::year_month_day date{std::chrono::year(std::stoi(day.substr(0, 4))),
                                         std::chrono::month(unsigned(std::stoi(day.substr(5, 2)))),
                                         std::chrono::day(unsigned(std::stoi(day.substr(8, 2))))};
        if (!date.ok()) return wrong(fmt::format("`{}` is not a calendar date", text));
        if (text.size() == 10) return {day, {}, text};
        auto instant = instant_of(date, std::string_view(text).substr(11));
        if (!instant)
            return wrong(fmt::format("`{}` is not a FHIR dateTime: write YYYY-MM-DD, or "
                                     "YYYY-MM-DDThh:mm:ss with a zone (`Z`, `+01:00`)",
                                     text));
        return {day, {}, text, instant};
    }
    bool partial = text.size() == 4 || (text.size() == 7 && text[4] == '-');
    if (partial)
        return wrong(fmt::format("`{}` is a partial date: the date of service is a "
                                 "whole date, YYYY-MM-DD, and the rules in force "
                                 "depend on it",
                                 text));
    return wrong(fmt::format("`{}` is not {}: write YYYY-MM-DD", text, what));
}

// Whether a Period ends before it starts (FHIR's per-1: start <= end). Two dateTimes with
// times are compared as the instants they name, whatever their zones: as text, an end an hour
// after its start in another zone was refused, and an end an hour before it on its day passed.
// A date alone has no time to compare, so against a date or a dateTime the days are compared
// as written, and an end on the start's day is taken.
bool ends_before_start(const Day& start, const Day& end) {
    if (start.instant && end.instant) return *end.instant < *start.instant;
    return end.day < start.day;
}

// The one day a Period covers (its start and end on the same date); else what is wrong.
Day day_of_period(const json& period) {
    const json* start = member(period, "start");
    const json* end = member(period, "end");
    if (!start) return wrong(std::string("a Period of service has a start"));
    auto first = day_of(*start, true);
    if (!first) return first;
    // FHIR reads a Period without an end as still going on: it names no one day, as a period
    // of several days does not, and was taken as its start's day.
    if (!end)
        return wrong(std::string("the Period has no end, so it is still going on (FHIR): give "
                                 "its end, on its start's day, or the day as servicedDate"));
    auto last = day_of(*end, true);
    if (!last) return last;
    if (ends_before_start(first, last))
        return wrong(
            fmt::format("the Period ends ({}) before it starts ({})", last.text, first.text));
    if (last.day != first.day)
        return wrong(fmt::format("the Period runs from {} to {}: one study is one date "
                                 "of service, so send a Claim for each date",
                                 first.day, last.day));
    return first;
}

// The codes `codeable` gives in `system`: the first ("" when none) and, where a later coding
// of the system has another code, that one and its index in `coding`; and the first coding of
// the system whose code is missing, not text (`"code": 95886`) or empty (FHIR's `code` is
// never empty), which was skipped for another coding of the system, or reported as no coding
// at all.
struct SystemCodes {
    std::string code, other;
    std::size_t other_at = 0;
    std::optional<std::size_t> not_text_at = std::nullopt;
};
// The codes of `codeable`'s codings in any of `systems` (of any system, or none, when
// `systems` is empty: modifiers are CPT, 26 and 59, or HCPCS level II, TC and XS, under either).
SystemCodes codes_in(const json& codeable, std::initializer_list<std::string_view> systems) {
    SystemCodes out;
    if (!codeable.is_object()) return out;
    auto codings = codeable.find("coding");
    if (codings == codeable.end() || !codings->is_array()) return out;
    for (std::size_t k = 0; k < codings->size(); ++k) {
        const json& c = (*codings)[k];
        const json* s = member(c, "system");
        if (systems.size() != 0 && (!s || !s->is_string() ||
                                    std::find(systems.begin(), systems.end(),
                                              s->get_ref<const std::string&>()) == systems.end()))
            continue;
        if (!c.contains("code") || !c["code"].is_string() ||
            c["code"].get_ref<const std::string&>().empty()) {
            out.not_text_at = k;
            return out;
        }
        std::string code = c["code"].get<std::string>();
        if (out.code.empty()) {
            out.code = std::move(code);
        } else if (code != out.code) {
            out.other = std::move(code);
            out.other_at = k;
            break;
        }
    }
    return out;
}

// The code of the first coding of `codeable` in `system` ("" when none).
std::string code_in(const json& codeable, std::string_view system) {
    return codes_in(codeable, {system}).code;
}

std::optional<std::string> base64_decode(std::string_view in) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+' || c == '-') return 62;
        if (c == '/' || c == '_') return 63;
        return -1;
    };
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : in) {
        if (c == '=' || c == '\n' || c == '\r' || c == ' ') continue;
        int v = value(c);
        if (v < 0) return std::nullopt;
        buffer = (buffer << 6) | unsigned(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += char((buffer >> bits) & 0xff);
        }
    }
    return out;
}

// FHIR R4's elements of the parts of a Claim cpl reads. An element that is none of them is a
// misspelling (`quantitty`, read as no quantity: 1 unit billed) or one that FHIR's JSON does
// not allow: refused, for it would change the verdict without a word. `_name` (a primitive's
// extensions) goes with `name`.
using Elements = std::vector<std::string_view>;
const Elements item_elements = {"id",
                                "extension",
                                "modifierExtension",
                                "sequence",
                                "careTeamSequence",
                                "diagnosisSequence",
                                "procedureSequence",
                                "informationSequence",
                                "revenue",
                                "category",
                                "productOrService",
                                "modifier",
                                "programCode",
                                "servicedDate",
                                "servicedPeriod",
                                "locationCodeableConcept",
                                "locationAddress",
                                "locationReference",
                                "quantity",
                                "unitPrice",
                                "factor",
                                "net",
                                "udi",
                                "bodySite",
                                "subSite",
                                "encounter",
                                "detail"};
// A SimpleQuantity: a Quantity without `comparator` (a count of units is not "< 3").
const Elements quantity_elements = {"id", "extension", "value", "unit", "system", "code"};
const Elements diagnosis_elements = {"id",
                                     "extension",
                                     "modifierExtension",
                                     "sequence",
                                     "diagnosisCodeableConcept",
                                     "diagnosisReference",
                                     "type",
                                     "onAdmission",
                                     "packageCode"};
const Elements supporting_info_elements = {"id",
                                           "extension",
                                           "modifierExtension",
                                           "sequence",
                                           "category",
                                           "code",
                                           "timingDate",
                                           "timingPeriod",
                                           "valueBoolean",
                                           "valueString",
                                           "valueQuantity",
                                           "valueAttachment",
                                           "valueReference",
                                           "reason"};
// The Claim's own elements (R4), and those of them cpl reads: at the top, FHIR lets a
// profile's elements pass, so only a near miss of an element cpl reads (`diagnoses`) is
// refused.
const Elements claim_elements = {"resourceType",
                                 "id",
                                 "meta",
                                 "implicitRules",
                                 "language",
                                 "text",
                                 "contained",
                                 "extension",
                                 "modifierExtension",
                                 "identifier",
                                 "status",
                                 "type",
                                 "subType",
                                 "use",
                                 "patient",
                                 "billablePeriod",
                                 "created",
                                 "enterer",
                                 "insurer",
                                 "provider",
                                 "priority",
                                 "fundsReserve",
                                 "related",
                                 "prescription",
                                 "originalPrescription",
                                 "payee",
                                 "referral",
                                 "facility",
                                 "careTeam",
                                 "supportingInfo",
                                 "diagnosis",
                                 "procedure",
                                 "insurance",
                                 "accident",
                                 "item",
                                 "total"};
const Elements claim_read = {
    "resourceType",   "id",      "status",         "type",      "use",  "patient",
    "billablePeriod", "insurer", "supportingInfo", "diagnosis", "item", "modifierExtension"};

bool known(const Elements& elements, std::string_view name) {
    if (name.starts_with("_")) name.remove_prefix(1);
    return std::find(elements.begin(), elements.end(), name) != elements.end();
}

// FHIR R4's data types the ClaimResponse copies (the Claim's type, patient and insurer), as
// rows: each element and what it holds. Copied as they were, one with a Coding that is not a
// list, an empty string, an empty object (ele-1) or an element FHIR does not define made a
// ClaimResponse no FHIR client can read.
enum class Holds {
    text,
    boolean,
    extensions,
    codings,
    codeable_concept,
    identifier,
    period,
    reference
};
struct DataType {
    std::string_view name;
    std::vector<std::pair<std::string_view, Holds>> elements;
};
const DataType coding_type = {"a Coding",
                              {{"id", Holds::text},
                               {"extension", Holds::extensions},
                               {"system", Holds::text},
                               {"version", Holds::text},
                               {"code", Holds::text},
                               {"display", Holds::text},
                               {"userSelected", Holds::boolean}}};
const DataType codeable_concept_type = {"a CodeableConcept",
                                        {{"id", Holds::text},
                                         {"extension", Holds::extensions},
                                         {"coding", Holds::codings},
                                         {"text", Holds::text}}};
const DataType period_type = {"a Period",
                              {{"id", Holds::text},
                               {"extension", Holds::extensions},
                               {"start", Holds::text},
                               {"end", Holds::text}}};
const DataType identifier_type = {"an Identifier",
                                  {{"id", Holds::text},
                                   {"extension", Holds::extensions},
                                   {"use", Holds::text},
                                   {"type", Holds::codeable_concept},
                                   {"system", Holds::text},
                                   {"value", Holds::text},
                                   {"period", Holds::period},
                                   {"assigner", Holds::reference}}};
const DataType reference_type = {"a Reference",
                                 {{"id", Holds::text},
                                  {"extension", Holds::extensions},
                                  {"reference", Holds::text},
                                  {"type", Holds::text},
                                  {"identifier", Holds::identifier},
                                  {"display", Holds::text}}};

std::optional<std::string> fault_in(const json& value, const DataType& type, const std::string& at);
std::optional<std::string> fault_of(const json& value, Holds holds, const std::string& at);

// FHIR R4's value[x] of an Extension (extensibility.html, "Extension"): its primitive types,
// each with the JSON it is written as, then its complex types, each an object.
enum class Written { text, boolean, number, whole_number, object };
std::optional<Written> extension_value_type(std::string_view name) {
    static const std::vector<std::pair<std::string_view, Written>> types = {
        {"Base64Binary", Written::text},
        {"Boolean", Written::boolean},
        {"Canonical", Written::text},
        {"Code", Written::text},
        {"Date", Written::text},
        {"DateTime", Written::text},
        {"Decimal", Written::number},
        {"Id", Written::text},
        {"Instant", Written::text},
        {"Integer", Written::whole_number},
        {"Markdown", Written::text},
        {"Oid", Written::text},
        {"PositiveInt", Written::whole_number},
        {"String", Written::text},
        {"Time", Written::text},
        {"UnsignedInt", Written::whole_number},
        {"Uri", Written::text},
        {"Url", Written::text},
        {"Uuid", Written::text}};
    static const std::vector<std::string_view> complex = {"Address",
                                                          "Age",
                                                          "Annotation",
                                                          "Attachment",
                                                          "CodeableConcept",
                                                          "Coding",
                                                          "ContactPoint",
                                                          "Count",
                                                          "Distance",
                                                          "Duration",
                                                          "HumanName",
                                                          "Identifier",
                                                          "Money",
                                                          "Period",
                                                          "Quantity",
                                                          "Range",
                                                          "Ratio",
                                                          "Reference",
                                                          "SampledData",
                                                          "Signature",
                                                          "Timing",
                                                          "ContactDetail",
                                                          "Contributor",
                                                          "DataRequirement",
                                                          "Expression",
                                                          "ParameterDefinition",
                                                          "RelatedArtifact",
                                                          "TriggerDefinition",
                                                          "UsageContext",
                                                          "Dosage",
                                                          "Meta"};
    if (!name.starts_with("value")) return std::nullopt;
    name.remove_prefix(5);
    for (const auto& [type, written] : types)
        if (type == name) return written;
    if (std::find(complex.begin(), complex.end(), name) != complex.end()) return Written::object;
    return std::nullopt;
}

bool written_as(const json& v, Written written) {
    switch (written) {
    case Written::text:
        return v.is_string() && !v.get_ref<const std::string&>().empty();
    case Written::boolean:
        return v.is_boolean();
    case Written::number:
        return v.is_number();
    case Written::whole_number:
        return v.is_number_integer();
    case Written::object:
        return v.is_object() && !v.empty();
    }
    return false;
}

std::optional<std::string> primitive_extension_fault(const json& value, const std::string& at);

// An Extension: an object with its url and either one value[x] or extensions of its own, not
// both (FHIR's ext-1); a primitive value[x] may have its `_` sibling, or that alone. One with
// neither, a value of the wrong JSON kind, or a member FHIR does not define (`valueFoo`) was
// copied into the ClaimResponse as it was.
std::optional<std::string> extension_fault(const json& e, const std::string& at) {
    if (!e.is_object()) return fmt::format("`{}` is an Extension (an object)", at);
    const json* url = member(e, "url");
    if (!url || !url->is_string() || url->get_ref<const std::string&>().empty())
        return fmt::format("`{}` has no url: an extension says what it is by its url", at);
    std::vector<std::string> values; // the value[x] names given, `_` sibling or not
    for (const auto& [name, element] : e.items()) {
        if (name == "id" || name == "url" || name == "extension") continue;
        bool sibling = name.starts_with("_");
        std::string value_name = sibling ? name.substr(1) : name;
        auto written = extension_value_type(value_name);
        if (!written)
            return fmt::format("`{}.{}` is not an element of an Extension (its value is "
                               "value[x], such as valueString or valueCoding)",
                               at, name);
        std::string where = fmt::format("{}.{}", at, name);
        if (sibling) {
            if (*written == Written::object)
                return fmt::format("`{}` is not an element of an Extension: only a primitive "
                                   "value has a `_` sibling",
                                   where);
            if (auto fault = primitive_extension_fault(element, where)) return fault;
        } else if (!written_as(element, *written)) {
            return fmt::format("`{}` is not written as FHIR writes a {}", where,
                               value_name.substr(5));
        }
        if (std::find(values.begin(), values.end(), value_name) == values.end())
            values.push_back(value_name);
    }
    const json* inner = member(e, "extension");
    if (values.size() > 1) return fmt::format("`{}` has more than one value[x]", at);
    if (values.empty() == (inner == nullptr))
        return fmt::format(
            "`{}` has {}: an extension has a value[x] or extensions, not both "
            "(FHIR ext-1)",
            at, values.empty() ? "neither a value[x] nor extensions" : "a value[x] and extensions");
    if (inner) return fault_of(*inner, Holds::extensions, at + ".extension");
    return std::nullopt;
}

// `_display`: a primitive's id and extensions, an object of those alone (FHIR JSON, 2.6.2.7).
std::optional<std::string> primitive_extension_fault(const json& value, const std::string& at) {
    if (!value.is_object() || value.empty())
        return fmt::format("`{}` holds a primitive's id and extensions (an object)", at);
    for (const auto& [name, element] : value.items()) {
        if (name == "id") continue;
        if (name != "extension")
            return fmt::format("`{}.{}` is not an element of a primitive's extensions (id, "
                               "extension)",
                               at, name);
        if (auto fault = fault_of(element, Holds::extensions, at + ".extension")) return fault;
    }
    return std::nullopt;
}

// What is wrong with `value`, the element at `at` that holds `holds`; nothing when it is right.
std::optional<std::string> fault_of(const json& value, Holds holds, const std::string& at) {
    switch (holds) {
    case Holds::text:
        if (value.is_string() && !value.get_ref<const std::string&>().empty()) return std::nullopt;
        return fmt::format("`{}` is non-empty text", at);
    case Holds::boolean:
        if (value.is_boolean()) return std::nullopt;
        return fmt::format("`{}` is true or false", at);
    case Holds::extensions:
        if (!value.is_array() || value.empty())
            return fmt::format("`{}` is a list of extensions, each with its url", at);
        for (std::size_t k = 0; k < value.size(); ++k)
            if (auto fault = extension_fault(value[k], fmt::format("{}[{}]", at, k))) return fault;
        return std::nullopt;
    case Holds::codings:
        if (!value.is_array() || value.empty())
            return fmt::format("`{}` is a list of Codings ({{\"system\", \"code\"}})", at);
        for (std::size_t k = 0; k < value.size(); ++k)
            if (auto fault = fault_in(value[k], coding_type, fmt::format("{}[{}]", at, k)))
                return fault;
        return std::nullopt;
    case Holds::codeable_concept:
        return fault_in(value, codeable_concept_type, at);
    case Holds::identifier:
        return fault_in(value, identifier_type, at);
    case Holds::period:
        return fault_in(value, period_type, at);
    case Holds::reference:
        return fault_in(value, reference_type, at);
    }
    return std::nullopt;
}

// What makes `value`, at `at`, not of `type`: not an object, empty (FHIR's ele-1: an element
// has a value or children, and an id is neither), an element the type does not define, or an
// element of the wrong kind. A primitive's extensions (`_display`) go with it.
std::optional<std::string> fault_in(const json& value, const DataType& type,
                                    const std::string& at) {
    if (!value.is_object()) return fmt::format("`{}` is {} (an object)", at, type.name);
    if (value.empty() || (value.size() == 1 && value.contains("id")))
        return fmt::format("`{}` is empty: FHIR allows no element without content", at);
    std::vector<std::string_view> names;
    for (const auto& [name, holds] : type.elements)
        names.push_back(name);
    for (const auto& [name, element] : value.items()) {
        if (known(names, name)) continue;
        std::string fault = fmt::format("`{}.{}` is not an element of {}", at, name, type.name);
        if (auto near = closest(name, names)) fault += fmt::format("; did you mean `{}`?", *near);
        return fault;
    }
    for (const auto& [name, holds] : type.elements) {
        if (const json* element = member(value, std::string(name).c_str()))
            if (auto fault = fault_of(*element, holds, fmt::format("{}.{}", at, name)))
                return fault;
        // Only a primitive (text, true or false) has a `_` sibling; `_coding` is no element.
        std::string sibling = "_" + std::string(name);
        if (const json* element = member(value, sibling.c_str())) {
            if (holds != Holds::text && holds != Holds::boolean)
                return fmt::format("`{}.{}` is not an element of {}", at, sibling, type.name);
            if (auto fault = primitive_extension_fault(*element, fmt::format("{}.{}", at, sibling)))
                return fault;
        }
    }
    return std::nullopt;
}

std::optional<Problem> unknown_element(const json& object, const Elements& elements,
                                       std::string_view what, const std::string& at) {
    if (!object.is_object()) return std::nullopt;
    for (const auto& [name, value] : object.items()) {
        if (known(elements, name)) continue;
        std::string message = fmt::format("`{}` is not an element of {}", name, what);
        if (auto near = closest(name, elements))
            message += fmt::format("; did you mean `{}`?", *near);
        return problem(std::move(message), at + "." + name);
    }
    return std::nullopt;
}

// The supportingInfo entry holding the study, as a parsed case object.
std::variant<json, Problem> study_of(const json& claim, std::string& expression) {
    auto infos = claim.find("supportingInfo");
    std::optional<std::size_t> found;
    if (infos != claim.end() && !infos->is_array())
        return problem("supportingInfo is a list of entries", "Claim.supportingInfo");
    if (infos != claim.end())
        for (std::size_t i = 0; i < infos->size(); ++i) {
            if (!(*infos)[i].is_object())
                return problem("a supportingInfo entry is an object",
                               fmt::format("Claim.supportingInfo[{}]", i));
            if (auto p =
                    unknown_element((*infos)[i], supporting_info_elements, "a supportingInfo entry",
                                    fmt::format("Claim.supportingInfo[{}]", i)))
                return *p;
            if (code_in((*infos)[i].value("code", json::object()), supporting_info_system) ==
                supporting_info_code) {
                if (found)
                    return problem("more than one supportingInfo carries the study: send one",
                                   fmt::format("Claim.supportingInfo[{}]", i));
                found = i;
            }
        }
    if (!found)
        return problem(fmt::format("no supportingInfo carries the study: add one whose code is "
                                   "{}#{} with the case JSON in valueString",
                                   supporting_info_system, supporting_info_code),
                       "Claim.supportingInfo");
    const json& info = (*infos)[*found];
    std::string text;
    if (info.contains("valueString") && info.contains("valueAttachment"))
        return problem("the study is carried once: valueString or valueAttachment, not both",
                       fmt::format("Claim.supportingInfo[{}]", *found));
    if (auto s = info.find("valueString"); s != info.end() && s->is_string()) {
        expression = fmt::format("Claim.supportingInfo[{}].valueString", *found);
        text = s->get<std::string>();
    } else if (auto a = info.find("valueAttachment"); a != info.end() && a->is_object()) {
        const json* type = member(*a, "contentType");
        // A media type is matched ignoring case, with any parameters (`; charset=utf-8`).
        auto json_type = [](std::string_view written) {
            std::string t = ascii_lower(written);
            return t == "application/json" || t.starts_with("application/json;") ||
                   t.starts_with("application/json ");
        };
        if (!type || !(type->is_string() && json_type(type->get<std::string>())))
            return problem(
                "the attachment's contentType is application/json (the case JSON)",
                fmt::format("Claim.supportingInfo[{}].valueAttachment.contentType", *found));
        expression = fmt::format("Claim.supportingInfo[{}].valueAttachment.data", *found);
        auto data = a->find("data");
        // An Attachment may point at its content by `url`; cpl fetches nothing, so the study
        // is sent inline.
        if (data == a->end() || data->is_null())
            return problem(a->contains("url")
                               ? "the attachment gives a url and no data: cpl does not fetch "
                                 "attachments; send the case JSON inline, base64-encoded in data"
                               : "the attachment has no data: send the case JSON base64-encoded "
                                 "in data",
                           expression);
        std::optional<std::string> decoded;
        if (data != a->end() && data->is_string())
            decoded = base64_decode(data->get<std::string>());
        if (!decoded) return problem("the attachment's data is not base64", expression);
        text = std::move(*decoded);
    } else {
        return problem("the study is carried as valueString (case JSON) or valueAttachment "
                       "(application/json, base64)",
                       fmt::format("Claim.supportingInfo[{}]", *found));
    }
    if (json_nesting(text) > max_json_nesting)
        return problem(fmt::format("the study nests more than {} levels deep: a case is a few "
                                   "levels deep",
                                   max_json_nesting),
                       expression);
    // A NUL ended the JSON library's reading, and what followed it was dropped unread.
    if (text.find('\0') != std::string::npos)
        return problem("the study holds a NUL character: the case JSON is text", expression);
    std::string duplicate;
    json study = parse_json(text, expression, duplicate);
    if (!study.is_object()) {
        Problem unread = problem("the study is not a JSON object (cpl's case format)", expression);
        unread.unread_study = std::move(text);
        return unread;
    }
    if (!duplicate.empty())
        return problem("a field is given twice in one object: which one was meant is not "
                       "guessed",
                       duplicate);
    return study;
}

// Where the first modifierExtension in `v` (at FHIRPath `at`) is, if any: an element's own
// before those of the elements inside it.
std::optional<std::string> modifier_extension_in(const json& v, const std::string& at) {
    if (v.is_object()) {
        if (v.contains("modifierExtension")) return at + ".modifierExtension";
        for (const auto& [name, value] : v.items())
            if (auto found = modifier_extension_in(value, at + "." + name)) return found;
    } else if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i)
            if (auto found = modifier_extension_in(v[i], fmt::format("{}[{}]", at, i)))
                return found;
    }
    return std::nullopt;
}

// What a Claim says that cpl cannot honour, or that would make its ClaimResponse invalid
// FHIR: refused rather than adjudicated as if it were not there.
std::optional<Problem> unprocessable(const json& claim) {
    for (const auto& [name, value] : claim.items())
        if (!known(claim_elements, name))
            if (auto near = closest(name, claim_read))
                return problem(fmt::format("`{}` is not an element of a Claim; did you mean "
                                           "`{}`?",
                                           name, *near),
                               "Claim." + name);
    // FHIR: a modifierExtension changes the meaning of its element; one not understood must
    // make the resource be refused, wherever it is (one on a diagnosis, "ruled out", changed
    // the verdict without a word).
    if (auto at = modifier_extension_in(claim, "Claim"))
        return problem("a modifierExtension changes what its element means, and cpl knows none",
                       *at);
    if (const json* status = member(claim, "status"))
        if (!status->is_string() || (*status != "active" && *status != "draft"))
            return problem("only an active (or draft) Claim is adjudicated", "Claim.status");
    // FHIR R4 requires the patient (1..1) in a Claim and in its ClaimResponse, which copies it:
    // without one the answer held `"patient": {}`, which no FHIR client can read.
    const json* patient = member(claim, "patient");
    if (!patient)
        return problem("a Claim names its patient (FHIR R4: Claim.patient is required), and the "
                       "ClaimResponse copies it: {\"reference\": \"Patient/…\"}",
                       "Claim.patient");
    if (auto fault = fault_in(*patient, reference_type, "patient"))
        return problem(fmt::format("{}: patient is a Reference that names the patient, "
                                   "{{\"reference\": \"Patient/…\"}}",
                                   *fault),
                       "Claim.patient");
    if (!names_something(*patient))
        return problem("patient is a Reference that names the patient: {\"reference\": "
                       "\"Patient/…\"} (or an identifier or display)",
                       "Claim.patient");
    // The elements the ClaimResponse copies must be of their FHIR type: read as they were,
    // one of another type threw, and the client got a 500.
    if (const json* use = member(claim, "use"))
        if (!use->is_string() ||
            (*use != "claim" && *use != "preauthorization" && *use != "predetermination"))
            return problem("use is a code: `claim`, `preauthorization` or `predetermination`",
                           "Claim.use");
    if (const json* type = member(claim, "type"))
        if (auto fault = fault_in(*type, codeable_concept_type, "type"))
            return problem(fmt::format("{}: type is a CodeableConcept, {{\"coding\": "
                                       "[{{\"system\", \"code\"}}]}}",
                                       *fault),
                           "Claim.type");
    if (const json* insurer = member(claim, "insurer")) {
        auto fault = fault_in(*insurer, reference_type, "insurer");
        if (fault || !names_something(*insurer))
            return problem(fmt::format("{}insurer is a Reference: {{\"reference\": "
                                       "\"Organization/…\"}}",
                                       fault ? *fault + ": " : ""),
                           "Claim.insurer");
    }
    // FHIR's id: text of 1 to 64 letters, digits, `-` and `.`. Another made the
    // ClaimResponse's request an invalid reference (`Claim/a/b c`, `Claim/`), or threw.
    auto fhir_id = [](const std::string& text) {
        return !text.empty() && text.size() <= 64 &&
               std::all_of(text.begin(), text.end(), [](char c) {
                   return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
               });
    };
    if (const json* id = member(claim, "id");
        id && (!id->is_string() || !fhir_id(id->get_ref<const std::string&>())))
        return problem("id is a FHIR id: text of 1 to 64 letters, digits, `-` and `.`; the "
                       "ClaimResponse's request names the Claim by it",
                       "Claim.id");
    const json* items = member(claim, "item");
    std::vector<std::int64_t> sequences;
    if (items && items->is_array())
        for (std::size_t i = 0; i < items->size(); ++i) {
            const json& item = (*items)[i];
            std::string at = fmt::format("Claim.item[{}]", i);
            // An item that is not an object is told so where its line is read.
            if (!item.is_object()) continue;
            // FHIR R4 requires it (1..1), and the ClaimResponse names the item by it: numbered
            // by its position instead, an item took a sequence another item has.
            const json* sequence = member(item, "sequence");
            if (!sequence)
                return problem("the item has no sequence: FHIR requires one, a positive whole "
                               "number, and the ClaimResponse names the item by it",
                               at + ".sequence");
            // A FHIR positiveInt is at most 2147483647, and the ClaimResponse echoes it.
            if (!sequence->is_number_integer() || sequence->get<std::int64_t>() < 1 ||
                sequence->get<std::int64_t>() > 2147483647)
                return problem("sequence is a positive whole number, at most 2147483647 (a FHIR "
                               "positiveInt)",
                               at + ".sequence");
            std::int64_t n = sequence->get<std::int64_t>();
            if (std::find(sequences.begin(), sequences.end(), n) != sequences.end())
                return problem(fmt::format("sequence {} is given to two items", n),
                               at + ".sequence");
            sequences.push_back(n);
        }
    return std::nullopt;
}

std::variant<json, Problem> item_line(const json& item, const std::string& at) {
    if (!item.is_object()) return problem("an item is an object", at);
    if (auto p = unknown_element(item, item_elements, "a Claim item", at)) return *p;
    // Sub-lines billed under the item: reviewed as nothing, they were dropped without a word.
    if (item.contains("detail"))
        return problem("cpl reviews an item's own code, modifiers and units, and does not read "
                       "its detail lines: send each billed service as an item of its own",
                       at + ".detail");
    if (const json* q = member(item, "quantity"))
        if (auto p = unknown_element(*q, quantity_elements, "a SimpleQuantity", at + ".quantity"))
            return *p;
    // A CPT code (95886) or a HCPCS Level II one (G0255): the policy decides what a code it
    // does not govern gets, as for a case's claim line.
    auto [code, other, other_at, not_text_at] =
        codes_in(item.value("productOrService", json::object()), {cpt_system, hcpcs_system});
    if (not_text_at)
        return problem("a CPT or HCPCS coding's code is non-empty text, such as \"95886\"",
                       fmt::format("{}.productOrService.coding[{}].code", at, *not_text_at));
    // The first was billed and the second dropped without a word; which the provider billed
    // is not cpl's to guess.
    if (!other.empty())
        return problem(fmt::format("the item has two procedure codes, `{}` and `{}`: which was "
                                   "billed is unclear; bill each code as an item of its own",
                                   code, other),
                       fmt::format("{}.productOrService.coding[{}]", at, other_at));
    if (code.empty())
        return problem(fmt::format("the item has no CPT or HCPCS coding (system {} or {})",
                                   cpt_system, hcpcs_system),
                       at + ".productOrService");
    json modifiers = json::array();
    auto m = item.find("modifier");
    // A modifier dropped for its shape would change the verdict without a word (an XS lost).
    if (m != item.end() && !m->is_array())
        return problem("modifier is a list of CodeableConcepts", at + ".modifier");
    if (m != item.end())
        for (std::size_t k = 0; k < m->size(); ++k) {
            // As for the billed code, of two codes which was meant is unclear (`50` read, `LT`
            // dropped).
            SystemCodes mod = codes_in((*m)[k], {});
            if (mod.not_text_at)
                return problem(
                    "a modifier coding's code is non-empty text, such as \"59\"",
                    fmt::format("{}.modifier[{}].coding[{}].code", at, k, *mod.not_text_at));
            if (mod.code.empty())
                return problem("the modifier has no coding with a code",
                               fmt::format("{}.modifier[{}]", at, k));
            if (!mod.other.empty())
                return problem(fmt::format("the modifier has two codes, `{}` and `{}`: which was "
                                           "billed is unclear; give each modifier its own entry",
                                           mod.code, mod.other),
                               fmt::format("{}.modifier[{}].coding[{}]", at, k, mod.other_at));
            modifiers.push_back(mod.code);
        }
    json units = 1;
    if (auto q = item.find("quantity"); q != item.end()) {
        auto v = q->is_object() ? q->find("value") : q->end();
        if (v == q->end() || !v->is_number() || v->get<double>() < 0 ||
            std::floor(v->get<double>()) != v->get<double>() || v->get<double>() > 1e9)
            return problem("quantity.value is a whole number of units", at + ".quantity.value");
        units = v->get<std::int64_t>();
    }
    return json{{"code", code}, {"units", units}, {"modifiers", modifiers}};
}

} // namespace

json parse_json(std::string_view text, const std::string& root, std::string& duplicate) {
    // Where the parser is: each open object or list, with the FHIRPath it sits at.
    struct Frame {
        std::string path;
        bool list = false;
        std::size_t index = 0;
        std::string key;
        std::unordered_set<std::string> keys;
    };
    std::vector<Frame> frames;
    auto child = [&] {
        if (frames.empty()) return root;
        const Frame& f = frames.back();
        return f.list ? fmt::format("{}[{}]", f.path, f.index) : f.path + "." + f.key;
    };
    auto open = [&](bool list) {
        Frame f;
        f.path = child();
        f.list = list;
        frames.push_back(std::move(f));
    };
    auto next = [&] {
        if (!frames.empty() && frames.back().list) ++frames.back().index;
    };
    json::parser_callback_t track = [&](int, json::parse_event_t event, json& parsed) {
        switch (event) {
        case json::parse_event_t::object_start:
            open(false);
            break;
        case json::parse_event_t::array_start:
            open(true);
            break;
        case json::parse_event_t::key: {
            Frame& f = frames.back();
            f.key = parsed.get<std::string>();
            if (!f.keys.insert(f.key).second && duplicate.empty()) duplicate = f.path + "." + f.key;
            break;
        }
        case json::parse_event_t::object_end:
        case json::parse_event_t::array_end:
            frames.pop_back();
            next();
            break;
        case json::parse_event_t::value:
            next();
            break;
        }
        return true;
    };
    return json::parse(text, track, false);
}

std::variant<MappedCase, Problem> claim_to_case(const json& claim) {
    const json* type = member(claim, "resourceType");
    if (!type || !type->is_string() || *type != "Claim")
        return problem("the body is not a FHIR Claim (resourceType `Claim`)", "Claim", 400);
    if (auto problem = unprocessable(claim)) return *problem;
    MappedCase mapped;
    auto study_or = study_of(claim, mapped.study_expression);
    if (auto* p = std::get_if<Problem>(&study_or)) return *p;
    json study = std::get<json>(std::move(study_or));
    for (const char* field : {"claim", "diagnoses"})
        if (study.contains(field))
            return problem(fmt::format("the study must not hold `{}`: the Claim's {} carry it",
                                       field,
                                       std::string_view(field) == "claim" ? "items" : "diagnoses"),
                           mapped.study_expression + "." + field);

    json lines = json::array();
    auto items = claim.find("item");
    // The review is of the items: a Claim without them would be answered as if it had none
    // to pay, which it did not ask.
    if (items == claim.end() || !items->is_array() || items->empty())
        return problem("the Claim has no items to review: `item` is a list of at least one",
                       "Claim.item");
    for (std::size_t i = 0; i < items->size(); ++i) {
        std::string at = fmt::format("Claim.item[{}]", i);
        auto line = item_line((*items)[i], at);
        if (auto* p = std::get_if<Problem>(&line)) return *p;
        lines.push_back(std::get<json>(line));
        mapped.item_expressions.push_back(at);
    }
    json diagnoses = json::array();
    auto d = claim.find("diagnosis");
    if (d != claim.end() && !d->is_array())
        return problem("diagnosis is a list of diagnoses", "Claim.diagnosis");
    if (d != claim.end())
        for (std::size_t i = 0; i < d->size(); ++i) {
            std::string at = fmt::format("Claim.diagnosis[{}]", i);
            if (!(*d)[i].is_object()) return problem("a diagnosis is an object", at);
            if (auto p = unknown_element((*d)[i], diagnosis_elements, "a Claim diagnosis", at))
                return *p;
            auto [code, other, other_at, not_text_at] = codes_in(
                (*d)[i].value("diagnosisCodeableConcept", json::object()), {icd10cm_system});
            if (not_text_at)
                return problem(
                    "an ICD-10-CM coding's code is non-empty text, such as \"G56.01\"",
                    fmt::format("{}.diagnosisCodeableConcept.coding[{}].code", at, *not_text_at));
            // The first code was read and the second dropped, and a diagnosis a rule needs
            // could be the one dropped.
            if (!other.empty())
                return problem(fmt::format("the diagnosis has two ICD-10-CM codes, `{}` and `{}`: "
                                           "one diagnosis carries one ICD-10-CM code, so give "
                                           "each its own diagnosis entry",
                                           code, other),
                               fmt::format("{}.diagnosisCodeableConcept.coding[{}]", at, other_at));
            if (code.empty())
                return problem(fmt::format("the diagnosis has no ICD-10-CM coding (system {})",
                                           icd10cm_system),
                               at + ".diagnosisCodeableConcept");
            diagnoses.push_back(code);
            mapped.diagnosis_expressions.push_back(at);
        }

    if (!study.contains("id")) {
        if (claim.contains("id") && claim["id"].is_string())
            study["id"] = claim["id"];
        else
            study["id"] = "claim";
    }
    // Dates are the client's text: one that is not a whole date is its fault, named where it
    // is. A partial date (`2022-11`, which FHIR allows) or a Period of several days names no
    // one date of service, and the rules in force depend on it: refused, never guessed.
    std::vector<std::string> served(items->size());
    for (std::size_t i = 0; i < items->size(); ++i) {
        std::string at = fmt::format("Claim.item[{}]", i);
        // serviced[x] is one choice: of two, one would be read and the other dropped.
        if (member((*items)[i], "servicedDate") && member((*items)[i], "servicedPeriod"))
            return problem("servicedDate and servicedPeriod are one choice: give one of them",
                           at + ".servicedPeriod");
        if (const json* date = member((*items)[i], "servicedDate")) {
            auto day = day_of(*date, false);
            if (!day) return problem(day.why, at + ".servicedDate");
            served[i] = day.day;
        } else if (const json* period = member((*items)[i], "servicedPeriod")) {
            auto day = day_of_period(*period);
            if (!day) return problem(day.why, at + ".servicedPeriod");
            served[i] = day.day;
        }
    }
    std::string period_start;
    if (const json* period = member(claim, "billablePeriod")) {
        const json* start = member(*period, "start");
        if (!period->is_object())
            return problem("billablePeriod is a Period whose start is a date, YYYY-MM-DD",
                           "Claim.billablePeriod");
        Day first;
        if (start) {
            first = day_of(*start, true);
            if (!first) return problem(first.why, "Claim.billablePeriod.start");
            period_start = first.day;
        }
        if (const json* end = member(*period, "end")) {
            auto last = day_of(*end, true);
            if (!last) return problem(last.why, "Claim.billablePeriod.end");
            if (start && ends_before_start(first, last))
                return problem(fmt::format("the billablePeriod ends ({}) before it starts ({})",
                                           last.text, first.text),
                               "Claim.billablePeriod.end");
        }
    }
    // The first item that has a date, else the billable period's start: an item other than
    // the first was once passed over, and the case coded with today's rules.
    auto dated = std::find_if(served.begin(), served.end(),
                              [](const std::string& day) { return !day.empty(); });
    if (!study.contains("date_of_service")) {
        if (dated != served.end()) {
            auto i = static_cast<std::size_t>(dated - served.begin());
            study["date_of_service"] = *dated;
            mapped.date_expression =
                mapped.item_expressions[i] +
                (member((*items)[i], "servicedDate") ? ".servicedDate" : ".servicedPeriod");
        } else if (!period_start.empty()) {
            study["date_of_service"] = period_start;
            mapped.date_expression = "Claim.billablePeriod.start";
        } else if (member(claim, "billablePeriod")) {
            // Its end alone names no date of service: coded as of today, a past study would
            // be judged by rules that were not in force.
            return problem("the billablePeriod has no start, and no item a servicedDate: the "
                           "date of service is an item's servicedDate or the period's start",
                           "Claim.billablePeriod.start");
        }
    }
    // One study is one date of service: an item of another date is not of this study (an
    // add-on is paid with a primary of the same day).
    if (auto it = study.find("date_of_service"); it != study.end() && it->is_string()) {
        std::string date = it->get<std::string>();
        for (std::size_t i = 0; i < served.size(); ++i)
            if (!served[i].empty() && served[i] != date)
                return problem(fmt::format("the item is of {}, the study of {}: send a Claim for "
                                           "each date of service",
                                           served[i], date),
                               fmt::format("Claim.item[{}].{}", i,
                                           member((*items)[i], "servicedDate") ? "servicedDate"
                                                                               : "servicedPeriod"));
    }
    if (!diagnoses.empty()) study["diagnoses"] = std::move(diagnoses);
    study["claim"] = std::move(lines);
    mapped.json = json_dump(study);
    return mapped;
}

std::string claim_expression(const MappedCase& mapped, std::string_view path) {
    // `prefix[i]` and what follows it, when the case path starts so and i is mapped.
    auto indexed = [&](std::string_view prefix, const std::vector<std::string>& targets)
        -> std::optional<std::pair<std::string, std::string_view>> {
        if (path.substr(0, prefix.size()) != prefix) return std::nullopt;
        std::size_t close = path.find(']', prefix.size());
        if (close == std::string_view::npos) return std::nullopt;
        std::size_t i = 0;
        for (char c : path.substr(prefix.size(), close - prefix.size()))
            i = i * 10 + std::size_t(c - '0');
        if (i >= targets.size()) return std::nullopt;
        return std::make_pair(targets[i], path.substr(close + 1));
    };
    if (auto at = indexed("claim[", mapped.item_expressions)) {
        auto [item, rest] = *at;
        if (rest == ".units") return item + ".quantity.value";
        if (rest == ".code") return item + ".productOrService";
        // The modifiers as a whole (`26 and TC on one line`), or one of them.
        if (rest == ".modifiers" || rest.substr(0, 11) == ".modifiers[")
            return item + ".modifier" + std::string(rest.substr(10));
        return item;
    }
    if (auto at = indexed("diagnoses[", mapped.diagnosis_expressions))
        return at->first + ".diagnosisCodeableConcept";
    if (path == "date_of_service" && !mapped.date_expression.empty()) return mapped.date_expression;
    if (path.empty()) return mapped.study_expression;
    return mapped.study_expression + "." + std::string(path);
}

} // namespace cpl::serve::fhir
