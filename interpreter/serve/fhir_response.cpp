// interpreter/serve/fhir_response.cpp — cpl's result → FHIR R4 ClaimResponse, and the
// POST /v1/fhir/Claim exchange. Allowed units are `eligible` adjudications, the verdict a
// cpl-coded adjudication, each reason (rule, message, cite) a processNote, and the codes the
// study supports but the claim lacks are addItem entries.
#include "interpreter/engine/cpl.hpp"
#include "interpreter/serve/fhir.hpp"
#include "interpreter/serve/json_dump.hpp"
#include "lang/json_nesting.hpp"
#include "lang/line_ends.hpp"
#include "runtime/ascii.hpp"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <optional>

namespace cpl::serve::fhir {

namespace {

using nlohmann::json;

json coding(std::string_view system, std::string_view code, std::string_view display = {}) {
    json c{{"system", system}, {"code", code}};
    if (!display.empty()) c["display"] = display;
    return json{{"coding", json::array({c})}};
}

json adjudication(std::string_view category, std::int64_t units) {
    return json{{"category", coding(adjudication_system, category)}, {"value", units}};
}

json modifiers_json(const std::vector<std::string_view>& modifiers) {
    json out = json::array();
    for (auto m : modifiers)
        out.push_back(coding(procedure_system(m), m));
    return out;
}

// A media type without its parameters (`application/fhir+json; fhirVersion=4.0`), trimmed.
std::string media_type(std::string_view text) {
    text = text.substr(0, text.find(';'));
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ')
        text.remove_suffix(1);
    return ascii_lower(text);
}

// What FHIR's `_format` and media types name JSON by (http.html, "Content Types and
// encodings"; `application/json+fhir` is DSTU2's, still sent by older clients).
bool names_json(const std::string& type) {
    return type == "json" || type == "application/json" || type == "application/fhir+json" ||
           type == "application/json+fhir";
}

// A media range of an Accept header and its weight (q, 1 when not given).
struct MediaRange {
    std::string type;
    double q = 1;
};

std::vector<MediaRange> ranges_of(std::string_view accept) {
    std::vector<MediaRange> ranges;
    for (std::size_t start = 0; start <= accept.size();) {
        std::size_t end = std::min(accept.find(',', start), accept.size());
        std::string_view entry = accept.substr(start, end - start);
        start = end + 1;
        MediaRange range{media_type(entry)};
        if (range.type.empty()) continue; // an empty element is ignored (RFC 9110, 5.6.1)
        for (std::size_t at = entry.find(';'); at != std::string_view::npos;) {
            std::size_t next = entry.find(';', at + 1);
            std::string param = media_type(entry.substr(at + 1, next - at - 1));
            if (param.starts_with("q=")) range.q = std::strtod(param.c_str() + 2, nullptr);
            at = next;
        }
        ranges.push_back(std::move(range));
    }
    return ranges;
}

// Whether an Accept header takes the JSON served: for each JSON type, the most specific range
// that matches it (the type, then application/*, then */*) gives its weight, and a weight of
// 0 refuses it (RFC 9110, 12.5.1). No ranges at all take anything.
// The type to label the answer with: FHIR's own when the client accepts it, else plain JSON
// (`application/fhir+json;q=0, application/json`: q=0 is "not acceptable", RFC 9110 12.5.1,
// and the answer was labelled with the type refused); nothing when it accepts neither.
std::optional<std::string_view> answer_type(std::string_view accept) {
    std::vector<MediaRange> ranges = ranges_of(accept);
    if (ranges.empty()) return "application/fhir+json";
    for (std::string_view served : {"application/fhir+json", "application/json"}) {
        int best = 0;
        double q = 0;
        for (const MediaRange& r : ranges) {
            int specific = r.type == served || (served == "application/fhir+json" &&
                                                r.type == "application/json+fhir")
                               ? 3
                           : r.type == "application/*" ? 2
                           : r.type == "*/*"           ? 1
                                                       : 0;
            if (specific > best) {
                best = specific;
                q = r.q;
            }
        }
        if (best > 0 && q > 0) return served;
    }
    return std::nullopt;
}

// What a fault of JSON the library reports: the byte just past the token it stopped at, and
// whether the token was a number past a double's range (`1e400`, valid JSON the library cannot
// hold).
struct JsonFault : nlohmann::json_sax<json> {
    std::optional<std::size_t> byte;
    bool number_out_of_range = false;

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& e) override {
        byte = position;
        number_out_of_range = dynamic_cast<const json::out_of_range*>(&e) != nullptr;
        return false;
    }
};

// Why a body the JSON library refused is not a Claim, and where (the parser's own line and
// column), as /v1/evaluate says it of a case: the parser that tracks paths gives no place, so
// the body is read again for it. A number out of range is an out_of_range error, not a
// parse_error: read by a parse that caught only the latter, it was a 500.
std::string why_not_json(std::string_view body) {
    JsonFault fault;
    json::sax_parse(body, &fault);
    std::string where;
    if (fault.byte)
        where = place_in(
            body, std::min<std::size_t>(*fault.byte == 0 ? 0 : *fault.byte - 1, body.size()));
    std::string message = "the body is not JSON" + where;
    if (fault.number_out_of_range) message += ": a number is out of range";
    return message;
}

// A study the Claim's reader could not read as a JSON object, as the case reader words it for
// /v1/evaluate: where it stops being JSON (`the case is not valid JSON at column 18`), or the
// field at fault (`larynx: expected true or false` for `1e400`, a number the JSON library
// cannot hold), under the study's FHIRPath. Without the position, "not a JSON object" left the
// client to find the fault. The problem as it was when the case reader finds none.
Problem worded_by_case_reader(const std::shared_ptr<const PolicyState>& state, Problem problem) {
    CaseOutcome outcome = session_for(state).run(problem.unread_study);
    if (!outcome.result) {
        problem.message = outcome.error;
        if (!outcome.help.empty()) problem.message += " (" + outcome.help + ")";
        if (!outcome.path.empty()) problem.expression += "." + outcome.path;
    }
    outcome.result.reset(); // it points into the session, which may go now
    settle_session(state, problem.unread_study.size());
    return problem;
}

} // namespace

json operation_outcome(std::string_view code, std::string_view message,
                       std::string_view expression) {
    json issue{{"severity", "error"}, {"code", code}, {"diagnostics", message}};
    if (!expression.empty()) issue["expression"] = json::array({expression});
    return json{{"resourceType", "OperationOutcome"}, {"issue", json::array({issue})}};
}

json claim_response(const json& claim, const Result& result, const PolicyState& state,
                    std::string_view created) {
    json notes = json::array();
    auto note = [&](std::string text, std::string_view type = "display") {
        notes.push_back({{"number", notes.size() + 1}, {"type", type}, {"text", std::move(text)}});
        return notes.size();
    };
    // Each review line is the item at its position, and every item has its sequence: the
    // Claim's reader refused one without (fhir_claim.cpp).
    const json& items = claim.at("item");

    json out_items = json::array();
    std::size_t accepted = 0, adjusted = 0, denied = 0;
    for (std::size_t i = 0; i < result.review.size(); ++i) {
        const ReviewLine& v = result.review[i];
        (v.status == "denied" ? denied : v.status == "adjusted" ? adjusted : accepted)++;
        json entry;
        entry["itemSequence"] = items.at(i).at("sequence").get<std::int64_t>();
        json numbers = json::array();
        for (const auto& r : v.reasons)
            numbers.push_back(
                note(fmt::format("{}: {} [{}] ({})", v.code, r.message, r.rule, r.cite)));
        if (!numbers.empty()) entry["noteNumber"] = numbers;
        json eligible = adjudication("eligible", v.units_allowed);
        // The reason that decided the verdict: the first one, as the text output shows it.
        if (v.status != "accepted" && !v.reasons.empty())
            eligible["reason"] = coding(rule_system, v.reasons[0].rule, v.reasons[0].message);
        json verdict{{"category", coding(status_system, v.status)}, {"value", v.units_allowed}};
        entry["adjudication"] =
            json::array({adjudication("submitted", v.units), eligible, verdict});
        out_items.push_back(std::move(entry));
    }
    json added = json::array();
    for (const auto& l : result.unbilled) {
        std::size_t n =
            note(fmt::format("{}: supported by the documented study but not on "
                             "the claim [{}] ({})",
                             billed_text(l.code, l.modifiers, l.units), l.rule, l.cite));
        json add{{"productOrService", coding(procedure_system(l.code), l.code)},
                 {"quantity", {{"value", l.units}}},
                 {"noteNumber", json::array({n})},
                 {"adjudication", json::array({adjudication("eligible", l.units)})}};
        if (!l.modifiers.empty()) add["modifier"] = modifiers_json(l.modifiers);
        added.push_back(std::move(add));
    }
    // Findings about the claim as a whole (no single code) and what the record must show.
    for (const auto& e : result.edits)
        if (e.code.empty())
            note(fmt::format("{}: {} [{}] ({})", e.severity, e.message, e.rule, e.cite));
    for (auto d : result.documentation)
        note(fmt::format("documentation required: {}", d), "print");

    json response{
        {"resourceType", "ClaimResponse"},
        {"extension",
         json::array({{{"url", policy_extension}, {"valueString", state.program->name}},
                      {{"url", fingerprint_extension}, {"valueString", state.fingerprint}}})},
        {"status", "active"},
        {"type", claim.value("type", coding("http://terminology.hl7.org/CodeSystem/claim-type",
                                            "professional"))},
        {"use", claim.value("use", "claim")},
        {"patient", claim.at("patient")}, // required: fhir_claim.cpp refuses a Claim without
        {"created", created},
        {"insurer", claim.value("insurer", json{{"display", state.program->title.empty()
                                                                ? state.program->name
                                                                : state.program->title}})},
        {"outcome", "complete"},
        {"disposition",
         fmt::format("{} line{} reviewed: {} accepted, {} adjusted, {} denied; {} supported "
                     "code{} not billed",
                     result.review.size(), result.review.size() == 1 ? "" : "s", accepted, adjusted,
                     denied, result.unbilled.size(), result.unbilled.size() == 1 ? "" : "s")}};
    if (claim.contains("id") && claim["id"].is_string())
        response["request"] = {{"reference", "Claim/" + claim["id"].get<std::string>()}};
    if (!out_items.empty()) response["item"] = std::move(out_items);
    if (!added.empty()) response["addItem"] = std::move(added);
    if (!notes.empty()) response["processNote"] = std::move(notes);
    return response;
}

Reply claim(Context& ctx, const Params& params, std::string_view body, std::string_view today,
            std::string_view accept) {
    // FHIR's general parameters (http.html, "General parameters"): `_pretty` asks for an
    // indented answer, `_format` overrides the Accept header. Only JSON is served.
    auto pretty = params.find("_pretty");
    int indent = pretty != params.end() && pretty->second == "true" ? 2 : -1;
    std::string_view type = "application/fhir+json";
    auto fhir_error = [indent, &type](int status, std::string_view code, std::string_view message,
                                      std::string_view expression) {
        return Reply{status, json_dump(operation_outcome(code, message, expression), indent),
                     std::string(type)};
    };
    if (auto bad = unknown_parameter(params, {"policy", "_format", "_pretty"}))
        return fhir_error(bad->status, "not-supported",
                          json::parse(bad->body)["error"].get<std::string>(), "");
    if (pretty != params.end() && pretty->second != "true" && pretty->second != "false")
        return fhir_error(400, "value",
                          fmt::format("`_pretty` is true or false, not `{}`", pretty->second), "");
    auto format = params.find("_format");
    if (format != params.end() && media_type(format->second).empty())
        return fhir_error(400, "value", "`_format` has no value", "");
    // `application/fhir+json` in a URL whose `+` was not escaped arrives with a space.
    std::string format_type = format == params.end() ? "" : media_type(format->second);
    std::replace(format_type.begin(), format_type.end(), ' ', '+');
    // `_format` overrides Accept; without it, the answer is labelled as the client accepts.
    std::optional<std::string_view> accepted = answer_type(accept);
    if (format == params.end() && accepted) type = *accepted;
    if (format != params.end() ? !names_json(format_type) : !accepted)
        return fhir_error(406, "not-supported",
                          fmt::format("this server answers in JSON (application/fhir+json) "
                                      "only, not {}",
                                      format != params.end()
                                          ? "`_format=" + format->second + "`"
                                          : "`Accept: " + std::string(accept) + "`"),
                          "");
    auto policy = policy_of(ctx, params);
    if (auto* reply = std::get_if<Reply>(&policy))
        return fhir_error(reply->status, reply->status == 404 ? "not-found" : "value",
                          json::parse(reply->body)["error"].get<std::string>(), "");
    const auto& state = std::get<std::shared_ptr<const PolicyState>>(policy);
    // As /v1/evaluate says of it, rather than "not JSON at column 1".
    if (without_byte_order_mark(body).find_first_not_of(" \t\r\n") == std::string_view::npos)
        return fhir_error(400, "structure",
                          "the request body is empty: send a FHIR R4 Claim as JSON", "");
    if (json_nesting(body) > max_json_nesting)
        return fhir_error(400, "structure",
                          fmt::format("the Claim nests more than {} levels deep", max_json_nesting),
                          "");
    // A NUL ended the JSON library's reading: what followed it was dropped unread.
    if (body.find('\0') != std::string_view::npos)
        return fhir_error(400, "structure", "the body holds a NUL byte: a Claim is JSON text", "");
    std::string duplicate;
    json request = parse_json(body, "Claim", duplicate);
    if (request.is_discarded()) return fhir_error(400, "structure", why_not_json(body), "");
    if (!duplicate.empty())
        return fhir_error(422, "structure",
                          "an element is given twice in one object: which one was meant is not "
                          "guessed",
                          duplicate);
    auto mapped_or = claim_to_case(request);
    if (auto* p = std::get_if<Problem>(&mapped_or)) {
        if (!p->unread_study.empty()) *p = worded_by_case_reader(state, std::move(*p));
        return fhir_error(p->status, p->status == 400 ? "structure" : "value", p->message,
                          p->expression);
    }
    const MappedCase& mapped = std::get<MappedCase>(mapped_or);
    CaseOutcome outcome = session_for(state).run(mapped.json);
    ctx.metrics.cases(state->program->name, outcome.result ? 1 : 0, outcome.result ? 0 : 1);
    if (!outcome.result) {
        // A case that could not be used is a decision too (docs/serve.md, section 4), logged
        // as /v1/evaluate logs it: without its path the log could not tell an id the case
        // reader refused (`"Jane Doe "`) in the error, and wrote it unmasked.
        if (ctx.log)
            ctx.log->write("/v1/fhir/Claim", state->program->name, state->fingerprint,
                           state->version, mapped.json, result_line(outcome, *state, false),
                           state->reads_case_id);
        settle_session(state, mapped.json.size());
        std::string message = outcome.error;
        if (!outcome.help.empty()) message += " (" + outcome.help + ")";
        return fhir_error(422, "value", message, claim_expression(mapped, outcome.path));
    }
    json response = claim_response(request, *outcome.result, *state, today);
    std::string text = json_dump(response, indent);
    if (ctx.log)
        ctx.log->write("/v1/fhir/Claim", state->program->name, state->fingerprint, state->version,
                       mapped.json, result_line(outcome, *state, false), state->reads_case_id);
    outcome.result.reset(); // it points into the session, which may go now
    settle_session(state, mapped.json.size());
    return {200, std::move(text), std::string(type)};
}

} // namespace cpl::serve::fhir
