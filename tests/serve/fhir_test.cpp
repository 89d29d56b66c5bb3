// tests/serve/fhir_test.cpp — FHIR R4: golden Claim → ClaimResponse (or OperationOutcome)
// pairs under tests/golden/fhir/, and the exchange over HTTP. CPL_UPDATE_GOLDEN=1 rewrites
// the responses; `git diff` is the review.
#include "interpreter/serve/fhir.hpp"
#include "serve_helpers.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <fstream>
#include <functional>

using namespace cpl::test;
using namespace cpl::serve;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The fingerprint changes with every edit of the standard set; the golden files keep a
// placeholder so they change only when the answer does.
json normalised(json response) {
    if (response.contains("extension"))
        for (auto& e : response["extension"])
            if (e["url"] == fhir::fingerprint_extension) e["valueString"] = "sha256:…";
    return response;
}

// The standard set in a store of its own, as the server holds it, without the HTTP.
struct Standard {
    PolicyStore store;
    Metrics metrics;
    Context ctx{store, metrics, nullptr};
    Standard() {
        std::string errors;
        REQUIRE(store.load({"standard"}, errors));
    }
};

} // namespace

TEST_CASE("fhir: golden Claim requests get their golden responses", "[serve][fhir]") {
    Standard standard;
    Context& ctx = standard.ctx;
    bool update = std::getenv("CPL_UPDATE_GOLDEN") != nullptr;
    int seen = 0;
    for (const auto& entry : fs::directory_iterator(source_root / "tests/golden/fhir")) {
        std::string name = entry.path().filename().string();
        if (!name.ends_with(".request.json")) continue;
        ++seen;
        INFO(name);
        Reply reply = fhir::claim(ctx, {}, slurp(entry.path()), "2025-03-15");
        CHECK(reply.type == "application/fhir+json");
        json got = normalised(json::parse(reply.body));
        CHECK(reply.status == (got["resourceType"] == "ClaimResponse" ? 200 : 422));
        fs::path expected_path =
            entry.path().parent_path() / (name.substr(0, name.size() - 13) + ".response.json");
        if (update) std::ofstream(expected_path) << got.dump(2) << "\n";
        CHECK(got.dump(2) == json::parse(slurp(expected_path)).dump(2));
    }
    CHECK(seen >= 5);
}

TEST_CASE("fhir: the review verdicts map onto item adjudications and added items",
          "[serve][fhir]") {
    json r =
        json::parse(slurp(source_root / "tests/golden/fhir/review-95870-59-denied.response.json"));
    REQUIRE(r["item"].size() == 3);
    const json& denied = r["item"][2];
    CHECK(denied["itemSequence"] == 3);
    // submitted, eligible (allowed units, with the deciding rule), and cpl's verdict.
    CHECK(denied["adjudication"][1]["category"]["coding"][0]["code"] == "eligible");
    CHECK(denied["adjudication"][1]["value"] == 0);
    CHECK(denied["adjudication"][1]["reason"]["coding"][0]["system"] == fhir::rule_system);
    CHECK(!denied["adjudication"][1]["reason"]["coding"][0]["code"].get<std::string>().empty());
    CHECK(denied["adjudication"][2]["category"]["coding"][0]["code"] == "denied");
    CHECK(!denied["noteNumber"].empty());
    REQUIRE(r["addItem"].size() == 1);
    CHECK(r["addItem"][0]["productOrService"]["coding"][0]["code"] == "95885");
    CHECK(r["request"]["reference"] == "Claim/pair-95870-59");
}

TEST_CASE("fhir: POST /v1/fhir/Claim over HTTP", "[serve][fhir]") {
    TestServer server;
    auto client = server.client();
    auto res =
        client.Post("/v1/fhir/Claim",
                    slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json"),
                    "application/fhir+json");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == "application/fhir+json");
    CHECK(json::parse(res->body)["resourceType"] == "ClaimResponse");
    auto bad =
        client.Post("/v1/fhir/Claim", "{\"resourceType\": \"Patient\"}", "application/fhir+json");
    CHECK(bad->status == 400);
    CHECK(json::parse(bad->body)["resourceType"] == "OperationOutcome");
    auto broken = client.Post("/v1/fhir/Claim", "{", "application/fhir+json");
    CHECK(broken->status == 400);
    // Query values run from the first `=` (the library kept what followed the last), and a
    // parameter given twice counts twice even with the same value (the library kept one).
    std::string claim_body =
        slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json");
    auto nope =
        client.Post("/v1/fhir/Claim?policy=nope=standard", claim_body, "application/fhir+json");
    REQUIRE(nope);
    CHECK(nope->status == 404);
    auto twice = client.Post("/v1/fhir/Claim?_format=json&_format=json", claim_body,
                             "application/fhir+json");
    REQUIRE(twice);
    CHECK(twice->status == 400);
    auto encoded = client.Post("/v1/fhir/Claim?_format=application%2Ffhir%2Bjson%3B%20x%3Dy",
                               claim_body, "application/fhir+json");
    REQUIRE(encoded);
    CHECK(encoded->status == 200);
    // Several Accept lines are one list (RFC 9110, 5.3).
    auto lines = client.Post(
        "/v1/fhir/Claim",
        httplib::Headers{{"Accept", "application/fhir+xml"}, {"Accept", "application/fhir+json"}},
        claim_body, "application/fhir+json");
    REQUIRE(lines);
    CHECK(lines->status == 200);
    // A GET on the endpoint is told so in FHIR's terms.
    auto get = client.Get("/v1/fhir/Claim");
    REQUIRE(get);
    CHECK(get->status == 405);
    CHECK(json::parse(get->body)["resourceType"] == "OperationOutcome");
    // The Accept header reaches the exchange: XML asked for is a 406, not JSON.
    auto xml =
        client.Post("/v1/fhir/Claim", httplib::Headers{{"Accept", "application/fhir+xml"}},
                    slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json"),
                    "application/fhir+json");
    REQUIRE(xml);
    CHECK(xml->status == 406);
    CHECK(json::parse(xml->body)["resourceType"] == "OperationOutcome");
}

// The JSON library writes and copies values recursively: a Claim, or the study it carries,
// nested 100,000 deep (200 KB) ran the server's thread out of stack and ended the process.
TEST_CASE("fhir: a Claim or study nested deeper than any real one is refused, not a crash",
          "[serve][fhir]") {
    Standard standard;
    Context& ctx = standard.ctx;
    json claim =
        json::parse(slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json"));
    const std::size_t deep = 100'000;
    json study = claim;
    study["supportingInfo"][0]["valueString"] =
        "{\"extremities\": " + std::string(deep, '[') + std::string(deep, ']') + "}";
    Reply reply = fhir::claim(ctx, {}, study.dump(), "2025-03-15");
    CHECK(reply.status == 422);
    CHECK(reply.body.find("the study nests more than 256 levels deep") != std::string::npos);
    std::string body = claim.dump();
    body.insert(body.rfind('}'),
                ", \"extension\": " + std::string(deep, '[') + std::string(deep, ']'));
    reply = fhir::claim(ctx, {}, body, "2025-03-15");
    CHECK(reply.status == 400);
    CHECK(reply.body.find("the Claim nests more than 256 levels deep") != std::string::npos);
}

// A Claim is the client's: an element of the wrong type, or a fact of the study it cannot be
// (an item of another date), is answered 422 at its FHIRPath, never 500 with an exception.
TEST_CASE("fhir: elements of the wrong type are located faults, not internal errors",
          "[serve][fhir]") {
    Standard standard;
    Context& ctx = standard.ctx;
    const json good =
        json::parse(slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json"));
    REQUIRE(good["item"].size() >= 2);
    auto answer = [&](const std::function<void(json&)>& change) {
        json claim = good;
        change(claim);
        Reply reply = fhir::claim(ctx, {}, claim.dump(), "2025-03-15");
        json body = json::parse(reply.body);
        INFO(reply.body);
        CHECK(reply.status == 422);
        CHECK(body["resourceType"] == "OperationOutcome");
        return body["issue"][0]["expression"][0].get<std::string>();
    };
    CHECK(answer([](json& c) { c["item"][1] = nullptr; }) == "Claim.item[1]");
    CHECK(answer([](json& c) { c["item"][0] = 5; }) == "Claim.item[0]");
    CHECK(answer([](json& c) { c["item"] = c["item"][0]; }) == "Claim.item");
    CHECK(answer([](json& c) { c.erase("item"); }) == "Claim.item");
    CHECK(answer([](json& c) { c["diagnosis"][0] = nullptr; }) == "Claim.diagnosis[0]");
    CHECK(answer([](json& c) { c["supportingInfo"].push_back(nullptr); }) ==
          "Claim.supportingInfo[1]");
    CHECK(answer([](json& c) { c["item"][0]["servicedDate"] = 20250314; }) ==
          "Claim.item[0].servicedDate");
    CHECK(answer([](json& c) { c["billablePeriod"] = nullptr; }) == "Claim.billablePeriod");
    CHECK(answer([](json& c) {
              c["billablePeriod"] = {{"start", 5}};
          }) == "Claim.billablePeriod.start");
    // A date of service is a whole date: a partial one (FHIR allows `2022-11`) or a Period of
    // several days was read as no date at all, and today's rules applied.
    CHECK(answer([](json& c) { c["item"][0]["servicedDate"] = "2022-11"; }) ==
          "Claim.item[0].servicedDate");
    CHECK(answer([](json& c) { c["item"][0]["servicedDate"] = " 2012-06-01"; }) ==
          "Claim.item[0].servicedDate");
    CHECK(answer([](json& c) {
              for (auto& item : c["item"]) {
                  item.erase("servicedDate");
                  item["servicedPeriod"] = {{"start", "2025-03-14"}, {"end", "2025-03-16"}};
              }
          }) == "Claim.item[0].servicedPeriod");
    CHECK(answer([](json& c) {
              c["billablePeriod"] = {{"start", "2025"}};
          }) == "Claim.billablePeriod.start");
    // What cpl cannot honour, or would echo into an invalid ClaimResponse, is refused.
    CHECK(answer([](json& c) {
              c["modifierExtension"] = json::array({{{"url", "x"}}});
          }) == "Claim.modifierExtension");
    CHECK(answer([](json& c) { c["item"][0]["modifierExtension"] = json::array(); }) ==
          "Claim.item[0].modifierExtension");
    CHECK(answer([](json& c) { c["status"] = "entered-in-error"; }) == "Claim.status");
    CHECK(answer([](json& c) { c["patient"] = "Patient/1"; }) == "Claim.patient");
    // FHIR R4 requires the patient, and the ClaimResponse copies it: a Claim without one was
    // answered with `"patient": {}`. An empty Reference names no one either.
    CHECK(answer([](json& c) { c.erase("patient"); }) == "Claim.patient");
    CHECK(answer([](json& c) { c["patient"] = json::object(); }) == "Claim.patient");
    CHECK(answer([](json& c) { c["patient"] = {{"type", "Patient"}}; }) == "Claim.patient");
    CHECK(answer([](json& c) { c["insurer"] = json::object(); }) == "Claim.insurer");
    // Elements the ClaimResponse copies, or the mapping reads, of another JSON type were read
    // as they were: the JSON library threw, and the client got a 500.
    for (json wrong : {json(5), json(nullptr), json::array(), json::object(), json(true)})
        CHECK(answer([&](json& c) { c["use"] = wrong; }) == "Claim.use");
    CHECK(answer([](json& c) { c["use"] = "refund"; }) == "Claim.use");
    CHECK(answer([](json& c) { c["type"] = 5; }) == "Claim.type");
    CHECK(answer([](json& c) { c["insurer"] = nullptr; }) == "Claim.insurer");
    // A Reference whose elements are of another type was echoed into the ClaimResponse.
    CHECK(answer([](json& c) { c["patient"] = {{"reference", 5}}; }) == "Claim.patient");
    CHECK(answer([](json& c) { c["patient"] = {{"display", json::array()}}; }) == "Claim.patient");
    CHECK(answer([](json& c) { c["insurer"] = {{"identifier", "x"}}; }) == "Claim.insurer");
    {
        json claim = good;
        claim["patient"] = {{"reference", "Patient/1"},
                            {"type", "Patient"},
                            {"identifier", {{"value", "A1"}}},
                            {"display", "P"}};
        Reply reply = fhir::claim(ctx, {}, claim.dump(), "2025-03-15");
        CHECK(reply.status == 200);
        CHECK(json::parse(reply.body)["patient"] == claim["patient"]);
    }
    CHECK(answer([](json& c) { c["id"] = 5; }) == "Claim.id");
    CHECK(answer([](json& c) { c["item"][0]["productOrService"]["coding"][0]["system"] = 5; }) ==
          "Claim.item[0].productOrService");
    for (json wrong : {json(5), json(nullptr), json::array()}) {
        json claim = good;
        claim["resourceType"] = wrong;
        Reply reply = fhir::claim(ctx, {}, claim.dump(), "2025-03-15");
        CHECK(reply.status == 400);
        CHECK(json::parse(reply.body)["issue"][0]["expression"][0] == "Claim");
    }
    CHECK(answer([](json& c) { c["item"][0]["sequence"] = 0; }) == "Claim.item[0].sequence");
    CHECK(answer([](json& c) { c["item"][1]["sequence"] = c["item"][0]["sequence"]; }) ==
          "Claim.item[1].sequence");
    CHECK(answer([](json& c) {
              c["supportingInfo"][0]["valueAttachment"] = {{"contentType", "application/json"},
                                                           {"data", "e30="}};
          }) == "Claim.supportingInfo[0]");
    // A date the case reader refuses is the item's, where the Claim wrote it.
    CHECK(answer([](json& c) {
              for (auto& item : c["item"])
                  item["servicedDate"] = "2012-06-01";
          }) == "Claim.item[0].servicedDate");
    // A list element of the wrong shape was skipped, and the verdict changed without a word.
    CHECK(answer([](json& c) { c["diagnosis"] = c["diagnosis"][0]; }) == "Claim.diagnosis");
    CHECK(answer([](json& c) {
              c["item"][0]["modifier"] = {{"text", "XS"}};
          }) == "Claim.item[0].modifier");
    // One study is one date of service.
    CHECK(answer([](json& c) {
              c["item"][0]["servicedDate"] = "2025-03-14";
              c["item"][1]["servicedDate"] = "2025-03-20";
          }) == "Claim.item[1].servicedDate");
    // The study as an attachment is the case JSON.
    CHECK(answer([](json& c) {
              json& info = c["supportingInfo"][0];
              info["valueAttachment"] = {{"contentType", "text/plain"}, {"data", "e30="}};
              info.erase("valueString");
          }) == "Claim.supportingInfo[0].valueAttachment.contentType");
    // Items of the same date as each other are the study's date.
    json same = good;
    for (auto& item : same["item"])
        item["servicedDate"] = "2025-03-14";
    CHECK(fhir::claim(ctx, {}, same.dump(), "2025-03-15").status == 200);
    // A media type is matched ignoring case, with its parameters.
    json attached = json::parse(slurp(
        source_root / "tests/golden/fhir/professional-modifier-added-attachment.request.json"));
    attached["supportingInfo"][0]["valueAttachment"]["contentType"] =
        "Application/JSON; charset=utf-8";
    CHECK(fhir::claim(ctx, {}, attached.dump(), "2025-03-15").status == 200);
    // An attachment by url (FHIR allows it) is refused for what it is: cpl fetches nothing.
    json by_url = attached;
    by_url["supportingInfo"][0]["valueAttachment"].erase("data");
    by_url["supportingInfo"][0]["valueAttachment"]["url"] = "https://example.org/study.json";
    Reply refused = fhir::claim(ctx, {}, by_url.dump(), "2025-03-15");
    CHECK(refused.status == 422);
    CHECK(json::parse(refused.body)["issue"][0]["diagnostics"].get<std::string>().starts_with(
        "the attachment gives a url and no data: cpl does not fetch attachments"));
    // A Period of one day is that day.
    for (auto& item : same["item"]) {
        item.erase("servicedDate");
        item["servicedPeriod"] = {{"start", "2025-03-14T08:00:00Z"}, {"end", "2025-03-14"}};
    }
    CHECK(fhir::claim(ctx, {}, same.dump(), "2025-03-15").status == 200);
}

// FHIR's general parameters (http.html): a client may name the format it wants with
// `_format` or Accept, and ask for an indented answer with `_pretty`. JSON is all cpl writes,
// so a request that takes no JSON is told so (406), not answered in a format it refused.
TEST_CASE("fhir: the format a client asks for (_format or Accept) and _pretty", "[serve][fhir]") {
    Standard standard;
    Context& ctx = standard.ctx;
    std::string body = slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json");
    std::string type; // the last answer's
    auto status = [&](Params params, std::string_view accept = {}) {
        Reply reply = fhir::claim(ctx, params, body, "2025-03-15", accept);
        type = reply.type;
        CHECK(json::parse(reply.body)["resourceType"] ==
              (reply.status == 200 ? "ClaimResponse" : "OperationOutcome"));
        return reply.status;
    };
    CHECK(status({{"_format", "json"}}) == 200);
    CHECK(status({{"_format", "application/fhir+json; fhirVersion=4.0"}}) == 200);
    CHECK(status({{"_format", "Application/JSON"}}) == 200);
    CHECK(status({{"_format", "xml"}}) == 406);
    CHECK(status({{"_format", "application/fhir+xml"}}) == 406);
    // `_format` overrides Accept.
    CHECK(status({{"_format", "json"}}, "application/fhir+xml") == 200);
    CHECK(status({}, "application/fhir+xml") == 406);
    CHECK(status({}, "application/fhir+json;q=0") == 406);
    CHECK(status({}, "application/fhir+xml, application/fhir+json;q=0.5") == 200);
    CHECK(status({}, "*/*") == 200);
    CHECK(status({}, "application/json") == 200);
    CHECK(status({{"_format", "json"}, {"_format", "xml"}}) == 400);
    CHECK(status({{"_format", ""}}) == 400);
    CHECK(status({{"_format", "application/fhir json"}}) == 200); // an unescaped `+`
    // The most specific range decides (RFC 9110, 12.5.1); empty elements are ignored.
    CHECK(status({}, "application/fhir+json;q=0, application/json;q=0, */*") == 406);
    CHECK(status({}, "application/*;q=0, */*") == 406);
    // Labelled as the client accepts: FHIR's type was sent where q=0 refused it.
    CHECK(status({}, "application/fhir+json;q=0, application/json") == 200);
    CHECK(type == "application/json");
    CHECK(status({}, "*/*;q=0, application/json") == 200);
    CHECK(type == "application/json");
    CHECK(status({}, "application/fhir+json;q=0, */*") == 200);
    CHECK(type == "application/json");
    CHECK(status({}, "application/fhir+json;q=0") == 406);
    CHECK(type == "application/fhir+json");
    CHECK(status({}, "*/*") == 200);
    CHECK(type == "application/fhir+json");
    CHECK(status({{"_format", "json"}}, "application/fhir+json;q=0, application/json") == 200);
    CHECK(type == "application/fhir+json");
    CHECK(status({}, ", ") == 200);
    CHECK(status({{"_pretty", "yes"}}) == 400);

    Reply compact = fhir::claim(ctx, {}, body, "2025-03-15");
    Reply indented = fhir::claim(ctx, {{"_pretty", "true"}}, body, "2025-03-15");
    CHECK(compact.body.find('\n') == std::string::npos);
    CHECK(indented.body.find("\n  \"resourceType\"") != std::string::npos);
    CHECK(json::parse(indented.body) == json::parse(compact.body));
    CHECK(fhir::claim(ctx, {{"_pretty", "false"}}, body, "2025-03-15").body == compact.body);
    Reply refused = fhir::claim(ctx, {{"_format", "xml"}}, body, "2025-03-15");
    CHECK(refused.body.find("answers in JSON (application/fhir+json) only, not `_format=xml`") !=
          std::string::npos);
}

// Input the JSON library or the mapping took silently, each changing the verdict: a key
// given twice (the last won), text after a NUL (dropped), a misspelt element (read as
// absent: `quantitty` billed 1 unit, `diagnoses` sent no diagnoses), a date that is not on
// the calendar (blamed on the next item), a dateTime with garbage after its day.
TEST_CASE("fhir: input that would change the verdict without a word is refused", "[serve][fhir]") {
    Standard standard;
    Context& ctx = standard.ctx;
    const std::string text =
        slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json");
    const json good = json::parse(text);
    auto refused = [&](const std::string& body, int status = 422) {
        Reply reply = fhir::claim(ctx, {}, body, "2025-03-15");
        INFO(reply.body);
        json outcome = json::parse(reply.body);
        CHECK(reply.status == status);
        CHECK(outcome["resourceType"] == "OperationOutcome");
        auto issue = outcome["issue"][0];
        return issue.contains("expression") ? issue["expression"][0].get<std::string>()
                                            : std::string();
    };
    auto changed = [&](const std::function<void(json&)>& change) {
        json claim = good;
        change(claim);
        return claim.dump();
    };
    // Given twice: in the Claim, and inside the study's JSON.
    std::string twice = text;
    twice.replace(twice.find("\"quantity\": {"), 13, "\"quantity\": {\"value\": 3, ");
    CHECK(refused(twice) == "Claim.item[0].quantity.value");
    CHECK(refused(changed([](json& c) {
              std::string study = c["supportingInfo"][0]["valueString"];
              study.insert(study.rfind('}'), ", \"extremities\": []");
              c["supportingInfo"][0]["valueString"] = study;
          })) == "Claim.supportingInfo[0].valueString.extremities");
    // A NUL: in the body, and in the study.
    CHECK(refused(text + std::string("\0garbage", 8), 400).empty());
    CHECK(refused(changed([](json& c) {
              c["supportingInfo"][0]["valueString"] =
                  c["supportingInfo"][0]["valueString"].get<std::string>() +
                  std::string("\0{\"provider_role\": \"professional\"}", 35);
          })) == "Claim.supportingInfo[0].valueString");
    // Misspelt or unknown elements where cpl reads, and near misses at the top.
    CHECK(refused(changed([](json& c) {
              c["item"][0]["quantitty"] = {{"value", 3}};
          })) == "Claim.item[0].quantitty");
    CHECK(refused(changed([](json& c) {
              c["item"][0]["quantity"] = {{"value", 1}, {"comparator", "<"}};
          })) == "Claim.item[0].quantity.comparator");
    CHECK(refused(changed([](json& c) { c["diagnosis"][0]["code"] = "G56.01"; })) ==
          "Claim.diagnosis[0].code");
    CHECK(refused(changed([](json& c) { c["supportingInfo"][0]["valueStrng"] = "{}"; })) ==
          "Claim.supportingInfo[0].valueStrng");
    CHECK(refused(changed([](json& c) {
              c["diagnoses"] = c["diagnosis"];
              c.erase("diagnosis");
          })) == "Claim.diagnoses");
    Reply typo =
        fhir::claim(ctx, {}, changed([](json& c) { c["item"][0]["quantitty"] = 3; }), "2025-03-15");
    CHECK(typo.body.find("did you mean `quantity`?") != std::string::npos);
    // Elements of FHIR cpl does not read, extensions, and a primitive's `_` twin still pass.
    CHECK(fhir::claim(ctx, {}, changed([](json& c) {
                          c["total"] = {{"value", 100}, {"currency", "USD"}};
                          c["extension"] = json::array({{{"url", "x"}, {"valueString", "y"}}});
                          c["item"][0]["unitPrice"] = {{"value", 10}};
                          c["item"][0]["_sequence"] = {{"id", "s"}};
                          c["someProfileElement"] = true;
                      }),
                      "2025-03-15")
              .status == 200);
    // Dates: not a calendar date, at its own item; a dateTime with garbage after its day.
    CHECK(refused(changed([](json& c) { c["item"][0]["servicedDate"] = "2025-13-01"; })) ==
          "Claim.item[0].servicedDate");
    Reply calendar =
        fhir::claim(ctx, {}, changed([](json& c) { c["item"][0]["servicedDate"] = "2025-02-29"; }),
                    "2025-03-15");
    CHECK(calendar.body.find("is not a calendar date") != std::string::npos);
    for (const char* start : {"2025-03-14Tgarbage", "2025-03-14T09:30", "2025-03-14T09:30:00"})
        CHECK(refused(changed([&](json& c) {
                  for (auto& item : c["item"])
                      item.erase("servicedDate");
                  c["billablePeriod"] = {{"start", start}};
              })) == "Claim.billablePeriod.start");
    CHECK(fhir::claim(ctx, {}, changed([](json& c) {
                          c["billablePeriod"] = {{"start", "2025-03-14T09:30:00.5+01:00"}};
                      }),
                      "2025-03-15")
              .status == 200);
    // An attachment must say it is the case JSON.
    CHECK(refused(changed([](json& c) {
              json& info = c["supportingInfo"][0];
              info["valueAttachment"] = {{"data", "e30="}};
              info.erase("valueString");
          })) == "Claim.supportingInfo[0].valueAttachment.contentType");
}

// FHIR R4 requires Claim.item.sequence. An item without one was numbered by its position, and
// could take the sequence of another item: the ClaimResponse then named two items 1.
TEST_CASE("fhir: an item without a sequence is refused at it", "[serve][fhir]") {
    Standard standard;
    json claim =
        json::parse(slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json"));
    claim["item"][0].erase("sequence");
    claim["item"][1]["sequence"] = 1;
    claim["item"][2]["sequence"] = 2;
    Reply reply = fhir::claim(standard.ctx, {}, claim.dump(), "2025-03-15");
    INFO(reply.body);
    CHECK(reply.status == 422);
    json issue = json::parse(reply.body)["issue"][0];
    CHECK(issue["expression"][0] == "Claim.item[0].sequence");
    CHECK(issue["diagnostics"].get<std::string>().starts_with("the item has no sequence"));
}

// A diagnosis with two ICD-10-CM codings was read as its first: the second was dropped without
// a word, and the verdict could turn on it.
TEST_CASE("fhir: a diagnosis with two ICD-10-CM codes is refused at the second", "[serve][fhir]") {
    Standard standard;
    const json good =
        json::parse(slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json"));
    auto reply_to = [&](const json& coding) {
        json claim = good;
        claim["diagnosis"][0]["diagnosisCodeableConcept"]["coding"].push_back(coding);
        return fhir::claim(standard.ctx, {}, claim.dump(), "2025-03-15");
    };
    Reply two = reply_to({{"system", fhir::icd10cm_system}, {"code", "G56.02"}});
    INFO(two.body);
    CHECK(two.status == 422);
    json issue = json::parse(two.body)["issue"][0];
    CHECK(issue["expression"][0] == "Claim.diagnosis[0].diagnosisCodeableConcept.coding[1]");
    CHECK(issue["diagnostics"] ==
          "the diagnosis has two ICD-10-CM codes, `G56.01` and `G56.02`: one diagnosis carries "
          "one ICD-10-CM code, so give each its own diagnosis entry");
    // A coding of another system beside it, or the same code again, is not a second code.
    CHECK(reply_to({{"system", "http://snomed.info/sct"}, {"code", "57406009"}}).status == 200);
    CHECK(reply_to({{"system", fhir::icd10cm_system}, {"code", "G56.01"}}).status == 200);
}

// An item whose productOrService had two CPT codes was billed as its first: the second was
// dropped without a word. A HCPCS Level II code is read as a CPT code is
// (golden hcpcs-item-not-governed): an item coded G0255 was refused as having no CPT code.
TEST_CASE("fhir: an item with two procedure codes is refused at the second", "[serve][fhir]") {
    Standard standard;
    const json good =
        json::parse(slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json"));
    auto reply_to = [&](const json& coding) {
        json claim = good;
        claim["item"][1]["productOrService"]["coding"].push_back(coding);
        return fhir::claim(standard.ctx, {}, claim.dump(), "2025-03-15");
    };
    Reply two = reply_to({{"system", fhir::cpt_system}, {"code", "95885"}});
    INFO(two.body);
    CHECK(two.status == 422);
    json issue = json::parse(two.body)["issue"][0];
    CHECK(issue["expression"][0] == "Claim.item[1].productOrService.coding[1]");
    CHECK(issue["diagnostics"] == "the item has two procedure codes, `95886` and `95885`: which "
                                  "was billed is unclear; bill each code as an item of its own");
    // A HCPCS Level II code beside the CPT code is a second procedure code too.
    Reply hcpcs = reply_to({{"system", fhir::hcpcs_system}, {"code", "G0255"}});
    CHECK(hcpcs.status == 422);
    CHECK(json::parse(hcpcs.body)["issue"][0]["expression"][0] ==
          "Claim.item[1].productOrService.coding[1]");
    // A coding of another system beside it (a payer's own), or the same code again (also
    // under the HCPCS system), is read as before.
    CHECK(reply_to({{"system", "urn:payer:service"}, {"code", "EMG-2"}}).status == 200);
    CHECK(reply_to({{"system", fhir::cpt_system}, {"code", "95886"}}).status == 200);
    CHECK(reply_to({{"system", fhir::hcpcs_system}, {"code", "95886"}}).status == 200);
}

// A CPT or ICD-10-CM coding whose code was not text (a JSON number) was skipped: another
// coding of the system was read in its place, or the item was said to have none.
TEST_CASE("fhir: a coding whose code is not text is refused where it is", "[serve][fhir]") {
    Standard standard;
    const json good =
        json::parse(slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json"));
    json item = good;
    item["item"][1]["productOrService"]["coding"][0]["code"] = 95886;
    Reply numeric = fhir::claim(standard.ctx, {}, item.dump(), "2025-03-15");
    INFO(numeric.body);
    CHECK(numeric.status == 422);
    json issue = json::parse(numeric.body)["issue"][0];
    CHECK(issue["expression"][0] == "Claim.item[1].productOrService.coding[0].code");
    CHECK(issue["diagnostics"] ==
          "a CPT or HCPCS coding's code is non-empty text, such as \"95886\"");
    // An empty code was "no CPT or HCPCS coding" at productOrService, and before a second
    // coding of the system, that one was read.
    for (json codes : {json::array({""}), json::array({"", "95886"})}) {
        json empty = good;
        json& codings = empty["item"][1]["productOrService"]["coding"];
        json first = codings[0];
        codings = json::array();
        for (const auto& code : codes) {
            first["code"] = code;
            codings.push_back(first);
        }
        Reply refused = fhir::claim(standard.ctx, {}, empty.dump(), "2025-03-15");
        INFO(refused.body);
        CHECK(refused.status == 422);
        CHECK(json::parse(refused.body)["issue"][0]["expression"][0] ==
              "Claim.item[1].productOrService.coding[0].code");
    }
    json modifier = good;
    modifier["item"][1]["modifier"] = json::array({{{"coding", json::array({{{"code", ""}}})}}});
    CHECK(json::parse(fhir::claim(standard.ctx, {}, modifier.dump(), "2025-03-15")
                          .body)["issue"][0]["expression"][0] ==
          "Claim.item[1].modifier[0].coding[0].code");
    json diagnosis = good;
    diagnosis["diagnosis"][0]["diagnosisCodeableConcept"]["coding"][0].erase("code");
    Reply missing = fhir::claim(standard.ctx, {}, diagnosis.dump(), "2025-03-15");
    INFO(missing.body);
    CHECK(missing.status == 422);
    CHECK(json::parse(missing.body)["issue"][0]["expression"][0] ==
          "Claim.diagnosis[0].diagnosisCodeableConcept.coding[0].code");
}

// Found by a probe of the FHIR endpoint: each was answered 200 with a verdict that left
// something out, or with a ClaimResponse that was not valid FHIR.
TEST_CASE("fhir: a date, a detail line, a modifier extension or code cpl would pass over is "
          "refused or read",
          "[serve][fhir]") {
    Standard standard;
    Context& ctx = standard.ctx;
    const json good =
        json::parse(slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json"));
    auto reply_to = [&](const std::function<void(json&)>& change) {
        json claim = good;
        change(claim);
        return fhir::claim(ctx, {}, claim.dump(), "2025-03-15");
    };
    auto refused_at = [&](const std::function<void(json&)>& change) {
        Reply reply = reply_to(change);
        INFO(reply.body);
        CHECK(reply.status == 422);
        json outcome = json::parse(reply.body);
        return outcome["issue"][0]["expression"][0].get<std::string>();
    };
    auto undated = [](json& c) {
        for (auto& item : c["item"])
            item.erase("servicedDate");
        c.erase("billablePeriod");
    };
    // The date of a later item is the study's when the first has none (it was passed over,
    // and the case coded with today's rules); a dated item of another day is still refused.
    json only_last = good;
    undated(only_last);
    only_last["item"].back()["servicedDate"] = "2012-06-01";
    Reply past = fhir::claim(ctx, {}, only_last.dump(), "2025-03-15");
    INFO(past.body);
    CHECK(past.status == 422); // 2012 is before the dates of service the standard set codes
    CHECK(json::parse(past.body)["issue"][0]["expression"][0] ==
          fmt::format("Claim.item[{}].servicedDate", good["item"].size() - 1));
    CHECK(refused_at([](json& c) {
              c["item"][0]["servicedPeriod"] = {{"start", "2022-06-02"}, {"end", "2022-06-02"}};
          }) == "Claim.item[0].servicedPeriod");
    CHECK(refused_at([&](json& c) {
              undated(c);
              c["billablePeriod"] = {{"end", "2025-03-14"}};
          }) == "Claim.billablePeriod.start");
    CHECK(refused_at([&](json& c) {
              undated(c);
              c["billablePeriod"] = {{"start", "2025-03-14"}, {"end", "2025-03-13"}};
          }) == "Claim.billablePeriod.end");
    for (const char* start : {"2025-03-14T25:00:00Z", "2025-03-14T09:60:00Z",
                              "2025-03-14T09:30:61Z", "2025-03-14T09:30:00+15:00"})
        CHECK(refused_at([&](json& c) {
                  undated(c);
                  c["billablePeriod"] = {{"start", start}};
              }) == "Claim.billablePeriod.start");
    CHECK(reply_to([&](json& c) {
              undated(c);
              c["billablePeriod"] = {{"start", "2025-03-14T23:59:60-12:00"}};
          }).status == 200);
    // Sub-lines under an item, a modifier extension anywhere, a modifier of two codes.
    CHECK(refused_at([](json& c) {
              c["item"][1]["detail"] = json::array({{{"sequence", 1}}});
          }) == "Claim.item[1].detail");
    CHECK(refused_at([](json& c) {
              c["diagnosis"][0]["modifierExtension"] = json::array({{{"url", "x"}}});
          }) == "Claim.diagnosis[0].modifierExtension");
    CHECK(refused_at([](json& c) {
              c["supportingInfo"][0]["modifierExtension"] = json::array({{{"url", "x"}}});
          }) == "Claim.supportingInfo[0].modifierExtension");
    CHECK(refused_at([](json& c) {
              c["item"][0]["modifier"] = json::array(
                  {{{"coding",
                     json::array({{{"system", "http://www.ama-assn.org/go/cpt"}, {"code", "50"}},
                                  {{"system", "x"}, {"code", "LT"}}})}}});
          }) == "Claim.item[0].modifier[0].coding[1]");
    // A Claim id the ClaimResponse's request could not name it by.
    for (const char* id : {"", "a/b c", "x\x01y"})
        CHECK(refused_at([&](json& c) { c["id"] = id; }) == "Claim.id");
    // A body that is not JSON says where it stops being JSON.
    Reply broken =
        fhir::claim(ctx, {}, "{\"resourceType\": \"Claim\"\n \"id\": \"x\"}", "2025-03-15");
    INFO(broken.body);
    CHECK(broken.status == 400);
    CHECK(broken.body.find("the body is not JSON at line 2, column 5") != std::string::npos);
    // Nothing, or a byte-order mark alone, is said to be empty (it was "not JSON at column 1").
    for (const char* nothing : {"", " \n", "\xEF\xBB\xBF"}) {
        Reply empty = fhir::claim(ctx, {}, nothing, "2025-03-15");
        CHECK(empty.status == 400);
        CHECK(json::parse(empty.body)["issue"][0]["diagnostics"] ==
              "the request body is empty: send a FHIR R4 Claim as JSON");
    }
}

// A number past a double's range is valid JSON the library cannot hold, and it refuses it with
// out_of_range rather than parse_error: the second read, which looks for where the body stops
// being JSON, caught only the latter, and the client got a 500 in cpl's JSON, not FHIR's.
TEST_CASE("fhir: a number out of range is a 400 OperationOutcome that says where",
          "[serve][fhir]") {
    Standard standard;
    json claim =
        json::parse(slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json"));
    std::string quantity = claim.dump();
    quantity.replace(quantity.find("\"quantity\":{\"value\":1}"), 22,
                     "\"quantity\":{\"value\":1e400}");
    for (const std::string& body : {std::string(R"({"resourceType":"Claim","x":1e400})"),
                                    std::string("1e400"), std::string("[-1e999]"), quantity}) {
        Reply reply = fhir::claim(standard.ctx, {}, body, "2025-03-15");
        INFO(reply.body);
        CHECK(reply.status == 400);
        json issue = json::parse(reply.body)["issue"][0];
        CHECK(issue["code"] == "structure");
        CHECK(issue["diagnostics"].get<std::string>().ends_with(": a number is out of range"));
    }
    Reply placed =
        fhir::claim(standard.ctx, {}, R"({"resourceType":"Claim","x":1e400})", "2025-03-15");
    CHECK(json::parse(placed.body)["issue"][0]["diagnostics"] ==
          "the body is not JSON at column 33: a number is out of range");
    // Over HTTP: FHIR's error form and media type, as for any body that is not JSON.
    TestServer server;
    auto res = server.client().Post("/v1/fhir/Claim", R"({"resourceType":"Claim","x":1e400})",
                                    "application/fhir+json");
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(res->get_header_value("Content-Type") == "application/fhir+json");
    CHECK(json::parse(res->body)["resourceType"] == "OperationOutcome");
}

// The ClaimResponse copies the Claim's type, patient and insurer, and echoes each item's
// sequence: copied as they were, one malformed (a Coding that is not a list, an empty string,
// an empty object, an element FHIR does not define, a sequence past a positiveInt) made a
// ClaimResponse no FHIR client can read, answered 200.
TEST_CASE("fhir: a type, patient, insurer or sequence the ClaimResponse would copy malformed is "
          "refused",
          "[serve][fhir]") {
    Standard standard;
    const json good =
        json::parse(slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json"));
    auto refused_at = [&](const char* element, const json& value) {
        json claim = good;
        claim[element] = value;
        Reply reply = fhir::claim(standard.ctx, {}, claim.dump(), "2025-03-15");
        INFO(reply.body);
        CHECK(reply.status == 422);
        return json::parse(reply.body)["issue"][0]["expression"][0].get<std::string>();
    };
    for (const char* type :
         {R"({"coding": "professional"})", "{}", R"({"text": 5, "bogus": 1})", R"({"coding": []})",
          R"({"coding": [{}]})", R"({"coding": [{"code": ""}]})", R"({"id": "t"})"})
        CHECK(refused_at("type", json::parse(type)) == "Claim.type");
    for (const char* patient : {R"({"reference": ""})", R"({"identifier": {}})",
                                R"({"display": ""})", R"({"reference": "Patient/1", "bogus": [1]})",
                                R"({"identifier": {"value": "A1", "type": {"coding": "x"}}})",
                                R"({"reference": "Patient/1", "extension": [{}]})",
                                // Copied as they were: a primitive's `_` sibling that is no
                                // object, one of a non-primitive, an extension with no value[x]
                                // (ext-1), with two, or with one FHIR does not define.
                                R"({"reference": "Patient/1", "_reference": 42})",
                                R"({"reference": "Patient/1", "_reference": {"bogus": 1}})",
                                R"({"identifier": {"value": "A1"}, "_identifier": {}})",
                                R"({"reference": "Patient/1", "extension": [{"url": "urn:x"}]})",
                                R"({"reference": "Patient/1", "extension": [{"url": "urn:x",
                                    "valueString": "a", "valueCode": "b"}]})",
                                R"({"reference": "Patient/1", "extension": [{"url": "urn:x",
                                    "valueFoo": 1}]})",
                                // A value[x] of the wrong JSON kind, or a `_` sibling that is no
                                // primitive's extensions, was checked by its name alone.
                                R"({"reference": "Patient/1", "extension": [{"url": "urn:x",
                                    "valueString": 5}]})",
                                R"({"reference": "Patient/1", "extension": [{"url": "urn:x",
                                    "valueString": "a", "_valueString": 42}]})",
                                R"({"reference": "Patient/1", "extension": [{"url": "urn:x",
                                    "valueCoding": "x"}]})",
                                R"({"reference": "Patient/1", "extension": [{"url": "urn:x",
                                    "_valueCoding": {"id": "c"}}]})",
                                R"({"reference": "Patient/1", "extension": [{"url": "urn:x",
                                    "valueString": "a", "extension": [{"url": "urn:y",
                                    "valueString": "b"}]}]})"})
        CHECK(refused_at("patient", json::parse(patient)) == "Claim.patient");
    for (const char* type : {R"({"coding": [{"code": "professional", "_code": "oops"}]})"})
        CHECK(refused_at("type", json::parse(type)) == "Claim.type");
    CHECK(refused_at("insurer", json::parse(R"({"identifier": {"value": 5}})")) == "Claim.insurer");
    Reply unknown = fhir::claim(
        standard.ctx, {},
        [&] {
            json claim = good;
            claim["patient"] = {{"reference", "Patient/1"}, {"dispaly", "P"}};
            return claim.dump();
        }(),
        "2025-03-15");
    CHECK(json::parse(unknown.body)["issue"][0]["diagnostics"].get<std::string>().starts_with(
        "`patient.dispaly` is not an element of a Reference; did you mean `display`?"));
    json sequence = good;
    sequence["item"][0]["sequence"] = 2147483648LL;
    Reply past = fhir::claim(standard.ctx, {}, sequence.dump(), "2025-03-15");
    CHECK(past.status == 422);
    CHECK(json::parse(past.body)["issue"][0]["expression"][0] == "Claim.item[0].sequence");
    // Well-formed ones, with the elements FHIR defines, are copied as they are.
    json full = good;
    full["type"] = {{"coding", json::array({{{"system", "http://terminology.hl7.org/CodeSystem/"
                                                        "claim-type"},
                                             {"code", "professional"},
                                             {"userSelected", true}}})},
                    {"text", "Professional"}};
    full["patient"] = {
        {"reference", "Patient/1"},
        {"identifier",
         {{"system", "urn:mrn"},
          {"value", "A1"},
          {"period", {{"start", "2020-01-01"}}},
          {"assigner", {{"display", "Clinic"}}}}},
        {"_display", {{"extension", json::array({{{"url", "urn:x"}, {"valueString", "y"}}})}}},
        {"extension",
         json::array(
             {{{"url", "urn:outer"},
               {"extension", json::array({{{"url", "urn:inner"}, {"valueCode", "c"}}})}},
              // A value absent, said by its `_` sibling alone.
              {{"url", "urn:absent"},
               {"_valueString",
                {{"extension", json::array({{{"url", "http://hl7.org/fhir/StructureDefinition/"
                                                     "data-absent-reason"},
                                             {"valueCode", "unknown"}}})}}}},
              {{"url", "urn:count"}, {"valueInteger", 3}}})}};
    full["insurer"] = {{"identifier", {{"value", "PAYER-1"}}}};
    full["item"][0]["sequence"] = 2147483647LL;
    Reply copied = fhir::claim(standard.ctx, {}, full.dump(), "2025-03-15");
    INFO(copied.body);
    REQUIRE(copied.status == 200);
    json response = json::parse(copied.body);
    CHECK(response["type"] == full["type"]);
    CHECK(response["patient"] == full["patient"]);
    CHECK(response["insurer"] == full["insurer"]);
    CHECK(response["item"][0]["itemSequence"] == 2147483647LL);
}

// A Period's end was compared with its start as calendar days, as written: an end an hour after
// its start in another zone was refused, and an end an hour before its start on the same day
// passed (FHIR's per-1: start <= end). Two dateTimes are now compared as instants; a date alone
// against either compares the days as written.
TEST_CASE("fhir: a Period's start and end compare as instants when both have times",
          "[serve][fhir]") {
    Standard standard;
    const json good =
        json::parse(slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json"));
    auto billable = [&](const char* start, const char* end) {
        json claim = good;
        for (auto& item : claim["item"])
            item.erase("servicedDate");
        claim["billablePeriod"] = {{"start", start}, {"end", end}};
        return fhir::claim(standard.ctx, {}, claim.dump(), "2025-03-15");
    };
    auto serviced = [&](const char* start, const char* end) {
        json claim = good;
        for (auto& item : claim["item"]) {
            item.erase("servicedDate");
            item["servicedPeriod"] = {{"start", start}, {"end", end}};
        }
        return fhir::claim(standard.ctx, {}, claim.dump(), "2025-03-15");
    };
    auto refused_at = [](const Reply& reply) {
        INFO(reply.body);
        CHECK(reply.status == 422);
        return json::parse(reply.body)["issue"][0]["expression"][0].get<std::string>();
    };
    // An hour after its start, written in another zone: the days as written are 15 and 14.
    CHECK(billable("2025-03-15T01:00:00+14:00", "2025-03-14T12:00:00Z").status == 200);
    // An hour before its start on the same day.
    Reply reversed = billable("2025-03-14T10:00:00Z", "2025-03-14T09:00:00Z");
    CHECK(refused_at(reversed) == "Claim.billablePeriod.end");
    CHECK(json::parse(reversed.body)["issue"][0]["diagnostics"] ==
          "the billablePeriod ends (2025-03-14T09:00:00Z) before it starts "
          "(2025-03-14T10:00:00Z)");
    CHECK(refused_at(billable("2025-03-14T10:00:00.5Z", "2025-03-14T10:00:00.25Z")) ==
          "Claim.billablePeriod.end");
    CHECK(refused_at(billable("2025-03-14T10:00:00+01:00", "2025-03-14T08:59:59Z")) ==
          "Claim.billablePeriod.end");
    CHECK(billable("2025-03-14T10:00:00+01:00", "2025-03-14T09:00:00Z").status == 200);
    // A fraction of any length (FHIR's pattern) is read to the nanosecond: a long one threw
    // (std::stod underflowed) and the Claim was a 500.
    std::string tiny = "2025-03-14T10:00:00." + std::string(400, '0') + "1Z";
    CHECK(billable("2025-03-14T10:00:00Z", tiny.c_str()).status == 200);
    CHECK(billable(tiny.c_str(), "2025-03-14T10:00:01Z").status == 200);
    // A date alone against a dateTime: the days as written.
    CHECK(billable("2025-03-14", "2025-03-14T00:00:00+05:00").status == 200);
    CHECK(billable("2025-03-14T23:00:00Z", "2025-03-14").status == 200);
    CHECK(refused_at(billable("2025-03-14T00:00:00Z", "2025-03-13")) == "Claim.billablePeriod.end");
    // An item's servicedPeriod of one day, the same.
    CHECK(refused_at(serviced("2025-03-14T10:00:00Z", "2025-03-14T09:00:00Z")) ==
          "Claim.item[0].servicedPeriod");
    CHECK(serviced("2025-03-14T09:00:00Z", "2025-03-14T10:00:00Z").status == 200);
    CHECK(serviced("2025-03-14T10:00:00+01:00", "2025-03-14T09:30:00Z").status == 200);
}

// A servicedPeriod with a start and no end was taken as its start's day, though FHIR reads a
// Period without an end as still going on: it names no one date of service.
TEST_CASE("fhir: an item's servicedPeriod without an end is refused at it", "[serve][fhir]") {
    Standard standard;
    json claim =
        json::parse(slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json"));
    for (auto& item : claim["item"]) {
        item.erase("servicedDate");
        item["servicedPeriod"] = {{"start", "2025-03-14"}};
    }
    Reply reply = fhir::claim(standard.ctx, {}, claim.dump(), "2025-03-15");
    INFO(reply.body);
    CHECK(reply.status == 422);
    json issue = json::parse(reply.body)["issue"][0];
    CHECK(issue["expression"][0] == "Claim.item[0].servicedPeriod");
    CHECK(issue["diagnostics"].get<std::string>().starts_with("the Period has no end"));
}

// A study that was not a JSON object the Claim's reader could read was "not a JSON object
// (cpl's case format)", without the position /v1/evaluate gives for the same text, and a
// number the JSON library cannot hold (`1e400`) was said to make it no object at all. Such a
// study is now worded by the case reader, as /v1/evaluate words it, under the study's FHIRPath.
TEST_CASE("fhir: a study that is not a JSON object is told so as /v1/evaluate tells it",
          "[serve][fhir]") {
    Standard standard;
    const json good =
        json::parse(slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json"));
    auto issue_for = [&](const std::string& study) {
        json claim = good;
        claim["supportingInfo"][0]["valueString"] = study;
        Reply reply = fhir::claim(standard.ctx, {}, claim.dump(), "2025-03-15");
        INFO(reply.body);
        CHECK(reply.status == 422);
        return json::parse(reply.body)["issue"][0];
    };
    auto evaluated = [&](const std::string& study) {
        Reply reply = evaluate(standard.ctx, {}, study);
        CHECK(reply.status == 422);
        return json::parse(reply.body);
    };
    const std::string at = "Claim.supportingInfo[0].valueString";
    json broken = issue_for(R"({"extremities": [})");
    CHECK(broken["diagnostics"] == "case ?: the case is not valid JSON at column 18");
    CHECK(broken["diagnostics"] == evaluated(R"({"extremities": [})")["error"]);
    CHECK(broken["expression"][0] == at);
    json number = issue_for(R"({"larynx": 1e400})");
    json case_error = evaluated(R"({"larynx": 1e400})");
    CHECK(number["diagnostics"].get<std::string>().starts_with(
        case_error["error"].get<std::string>()));
    CHECK(case_error["path"] == "larynx");
    CHECK(number["expression"][0] == at + ".larynx");
    // The help, as for every case error, follows in parentheses.
    CHECK(issue_for("[1]")["diagnostics"].get<std::string>().starts_with(
        evaluated("[1]")["error"].get<std::string>() + " ("));
}

// A case error about a line's modifiers as a whole (26 and TC on one line) was located at the
// item, not at its modifiers.
TEST_CASE("fhir: a case error at a line's modifiers is located at the item's modifier",
          "[serve][fhir]") {
    fhir::MappedCase mapped;
    mapped.item_expressions = {"Claim.item[0]", "Claim.item[1]"};
    mapped.study_expression = "Claim.supportingInfo[0].valueString";
    CHECK(fhir::claim_expression(mapped, "claim[1].modifiers") == "Claim.item[1].modifier");
    CHECK(fhir::claim_expression(mapped, "claim[1].modifiers[0]") == "Claim.item[1].modifier[0]");
    CHECK(fhir::claim_expression(mapped, "claim[1].units") == "Claim.item[1].quantity.value");
    Standard standard;
    json claim =
        json::parse(slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json"));
    claim["item"][0]["modifier"] = json::array({{{"coding", json::array({{{"code", "26"}}})}},
                                                {{"coding", json::array({{{"code", "TC"}}})}}});
    Reply reply = fhir::claim(standard.ctx, {}, claim.dump(), "2025-03-15");
    INFO(reply.body);
    CHECK(reply.status == 422);
    CHECK(json::parse(reply.body)["issue"][0]["expression"][0] == "Claim.item[0].modifier");
}
