// interpreter/serve/fhir.hpp — FHIR R4 at the edge: a `Claim` in, cpl's case out; cpl's result
// in, a `ClaimResponse` out (docs/serve.md, "FHIR"). Nothing inside cpl knows FHIR.
#pragma once

#include "interpreter/serve/api.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

namespace cpl::serve::fhir {

inline constexpr std::string_view cpt_system = "http://www.ama-assn.org/go/cpt";
/// HCPCS Level II codes and modifiers (G0255, XS), as HL7's terminology names the system.
inline constexpr std::string_view hcpcs_system =
    "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";
/// The system a procedure code or modifier is written in: HCPCS Level II's begin with a letter
/// (G0255, XS, LT), CPT's with a digit (95886, 0106T, 59).
inline std::string_view procedure_system(std::string_view code) {
    return !code.empty() && code[0] >= 'A' && code[0] <= 'Z' ? hcpcs_system : cpt_system;
}
inline constexpr std::string_view icd10cm_system = "http://hl7.org/fhir/sid/icd-10-cm";
inline constexpr std::string_view adjudication_system =
    "http://terminology.hl7.org/CodeSystem/adjudication";
inline constexpr std::string_view info_category_system =
    "http://terminology.hl7.org/CodeSystem/claiminformationcategory";
/// `supportingInfo.code` of the entry that carries the study: cpl's case JSON.
inline constexpr std::string_view supporting_info_system = "urn:cpl:fhir:supporting-info";
inline constexpr std::string_view supporting_info_code = "cpl-case";
/// Codings of cpl's own: the rule behind a reason, the verdict, the policy extensions.
inline constexpr std::string_view rule_system = "urn:cpl:fhir:rule";
inline constexpr std::string_view status_system = "urn:cpl:fhir:adjudication";
inline constexpr std::string_view policy_extension = "urn:cpl:fhir:policy";
inline constexpr std::string_view fingerprint_extension = "urn:cpl:fhir:fingerprint";

/// Why a Claim could not be read: an HTTP status, a message and the FHIRPath of the
/// element at fault (`Claim.item[1].quantity`).
struct Problem {
    int status = 422;
    std::string message;
    std::string expression;
    /// The study's text, when it is not a JSON object the Claim's reader could read: the case
    /// reader says why and where, as /v1/evaluate says it ("" otherwise).
    std::string unread_study = {};
};

/// The case read from a Claim, and where its parts came from, to map a case error's JSON
/// path back onto the Claim.
struct MappedCase {
    std::string json;
    std::string study_expression;              // e.g. `Claim.supportingInfo[0].valueString`
    std::vector<std::string> item_expressions; // `Claim.item[i]` for case `claim[i]`
    std::vector<std::string> diagnosis_expressions;
    std::string date_expression; // where the date of service came from, when not the study
};

/// Parses `text` (a Claim, or the study it carries) as the JSON library does, and sets
/// `duplicate` to the FHIRPath under `root` of the first key given twice in one object ("" when
/// none): the library kept the last silently, and `"value": 1, "value": 3` billed 3 units.
nlohmann::json parse_json(std::string_view text, const std::string& root, std::string& duplicate);

/// Claim → case: the study from supportingInfo, the lines from item, the diagnoses from
/// diagnosis, the date from the case or item[0].servicedDate (or servicedPeriod) or
/// billablePeriod.start: a whole date, never a partial one or a Period of several days.
std::variant<MappedCase, Problem> claim_to_case(const nlohmann::json& claim);

/// The FHIRPath of a case error's JSON path (`claim[1].units` → `Claim.item[1]...`).
std::string claim_expression(const MappedCase& mapped, std::string_view case_path);

/// An `OperationOutcome` with one error issue.
nlohmann::json operation_outcome(std::string_view code, std::string_view message,
                                 std::string_view expression);

/// Result → ClaimResponse. `created` is the date to stamp (today, or fixed in tests).
nlohmann::json claim_response(const nlohmann::json& claim, const Result& result,
                              const PolicyState& state, std::string_view created);

/// POST /v1/fhir/Claim?policy&_format&_pretty: the whole exchange, answered in
/// `application/fhir+json`; a request whose `_format` (or, without it, whose Accept header,
/// `accept`) takes no JSON is a 406.
Reply claim(Context& ctx, const Params& params, std::string_view body, std::string_view today,
            std::string_view accept = {});

} // namespace cpl::serve::fhir
