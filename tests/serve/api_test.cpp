// tests/serve/api_test.cpp — the /v1 API answers what `cpl run --format json` prints, plus
// the fingerprint; the policy endpoints, metrics and the decision log.
#include "../scratch.hpp"
#include "interpreter/engine/cpl.hpp"
#include "interpreter/serve/policy_store.hpp"
#include "serve_helpers.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

using namespace cpl::test;
using nlohmann::json;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

// Every case of a golden folder, one per line, in the order `cpl run DIR` reads them.
std::string jsonl_of(const std::string& folder) {
    return run_command("cd " + source_root.string() + " && for f in $(ls " + folder +
                       "/*.case.json | sort); do tr -d '\\n' < $f; echo; done");
}

} // namespace

TEST_CASE("serve: batch answers each case as cpl run --format json does, plus the fingerprint",
          "[serve]") {
    TestServer server;
    auto client = server.client();
    for (std::string folder : {"tests/golden/run/standard", "tests/golden/run/review"}) {
        std::string cases = jsonl_of(folder);
        std::string path = cpl::test::scratch_file("cases.jsonl").string();
        { std::ofstream(path) << cases; }
        auto expected = lines_of(run_command(
            std::string(CPL_BINARY) + " run --format json --explain " + path + " 2>/dev/null"));
        std::remove(path.c_str());
        auto res = client.Post("/v1/batch?explain=true", cases, "application/x-ndjson");
        REQUIRE(res);
        REQUIRE(res->status == 200);
        auto got = lines_of(res->body);
        REQUIRE(got.size() == expected.size());
        REQUIRE(got.size() > 20);
        auto health = json::parse(client.Get("/v1/health")->body);
        std::string fingerprint = health["policies"][0]["fingerprint"];
        for (std::size_t i = 0; i < got.size(); ++i) {
            INFO(folder << " line " << i);
            CHECK(without_fingerprint(got[i]) == expected[i]);
            CHECK(json::parse(got[i])["fingerprint"] == fingerprint);
        }
    }
}

TEST_CASE("serve: evaluate with explain and why_not equals the command line", "[serve]") {
    TestServer server;
    auto client = server.client();
    std::string file = "tests/golden/run/standard/carpal-tunnel-right.case.json";
    std::string expected =
        run_command("cd " + source_root.string() + " && " + CPL_BINARY +
                    " run --format json --explain --why-not 95885 --why-not 95937 " + file);
    auto res = client.Post("/v1/evaluate?explain=1&why_not=95885,95937", slurp(source_root / file),
                           "application/json");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == "application/json");
    CHECK(without_fingerprint(res->body) + "\n" == expected);
    CHECK(json::parse(res->body)["why_not"].size() == 2);
}

TEST_CASE("serve: print shows a definition's value as cpl run --print does", "[serve]") {
    TestServer server;
    auto client = server.client();
    std::string file = "tests/golden/run/standard/carpal-tunnel-right.case.json";
    std::string expected = run_command(
        "cd " + source_root.string() + " && " + CPL_BINARY +
        " run --format json --print ncs_study_count --print min_muscles_per_limb " + file);
    auto res = client.Post("/v1/evaluate?print=ncs_study_count,min_muscles_per_limb",
                           slurp(source_root / file), "application/json");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(without_fingerprint(res->body) + "\n" == expected);
    CHECK(json::parse(res->body)["values"]["ncs_study_count"] == "5");
}

TEST_CASE("serve: a why_not or print name the policy cannot answer is a 400", "[serve]") {
    TestServer server;
    auto client = server.client();
    std::string study =
        slurp(source_root / "tests/golden/run/standard/carpal-tunnel-right.case.json");
    auto why_not = client.Post("/v1/evaluate?why_not=95886,aanem_limt", study, "application/json");
    REQUIRE(why_not);
    CHECK(why_not->status == 400);
    std::string message = json::parse(why_not->body)["error"];
    CHECK(message.find("`why_not=aanem_limt`") == 0);
    CHECK(message.find("did you mean aanem_limit?") != std::string::npos);
    auto print =
        client.Post("/v1/batch?print=ncs_study_cout", study + "\n", "application/x-ndjson");
    REQUIRE(print);
    CHECK(print->status == 400);
    CHECK(json::parse(print->body)["error"].get<std::string>().find("`print=ncs_study_cout`") == 0);
}

// An empty name was skipped (`why_not=` answered with no why_not at all) and `policy=` was
// served by the default, where `cpl run --why-not ''` refuses it; an empty batch was an
// empty 200, where `cpl run` on blank lines fails.
TEST_CASE("serve: an empty name, an empty policy and an empty batch are 400s", "[serve]") {
    TestServer server;
    auto client = server.client();
    std::string study =
        slurp(source_root / "tests/golden/run/standard/carpal-tunnel-right.case.json");
    for (const char* query : {"?why_not=", "?print=", "?print=,,", "?why_not=95886,,95885",
                              "?why_not=95886,", "?policy="}) {
        INFO(query);
        for (const char* path : {"/v1/evaluate", "/v1/review", "/v1/batch"}) {
            auto res = client.Post(std::string(path) + query, study, "application/json");
            REQUIRE(res);
            CHECK(res->status == 400);
        }
        auto fhir = client.Post(
            std::string("/v1/fhir/Claim") + query,
            slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json"),
            "application/fhir+json");
        REQUIRE(fhir);
        CHECK(fhir->status == 400);
    }
    auto res = client.Post("/v1/evaluate?why_not=", study, "application/json");
    CHECK(json::parse(res->body)["error"] == "`why_not` has an empty name");
    CHECK(client.Get("/v1/policies?policy=")->status == 400);
    // A byte-order mark alone too: it was read as a line holding an empty case, answered 200.
    for (const char* body : {"", "\n \n", "\r\n\t\n", "\xEF\xBB\xBF", "\xEF\xBB\xBF\n\n"}) {
        auto batch = client.Post("/v1/batch", body, "application/x-ndjson");
        REQUIRE(batch);
        CHECK(batch->status == 400);
        CHECK(json::parse(batch->body)["error"] ==
              "the request body is empty: send one case a line (JSON Lines)");
    }
    // A case written over several lines was answered line by line, each an error.
    for (const char* body : {"{\n  \"id\": \"a\"\n}\n", "\n[\r\n{\"id\": \"a\"}\r\n]"}) {
        auto batch = client.Post("/v1/batch", body, "application/x-ndjson");
        REQUIRE(batch);
        CHECK(batch->status == 400);
        CHECK(json::parse(batch->body)["error"].get<std::string>().find(
                  "alone: JSON written over several lines is not JSON Lines") != std::string::npos);
    }
    // The bracket was called the body's first line after blank lines, with no `line`.
    auto late = client.Post("/v1/batch", "\n\r\n\r[\n", "application/x-ndjson");
    REQUIRE(late);
    CHECK(late->status == 400);
    CHECK(json::parse(late->body)["line"] == 4);
    CHECK(json::parse(late->body)["error"].get<std::string>().starts_with(
        "the body's line 4 is `[` alone"));
    // A first line that opens and closes is a case, answered as one.
    auto one = client.Post("/v1/batch", "{}\n", "application/x-ndjson");
    REQUIRE(one);
    CHECK(one->status == 200);
}

// Lines ended by CR alone were one line: the cases after the first were lost in its error.
TEST_CASE("serve: a batch's lines may end with LF, CRLF or CR alone", "[serve]") {
    TestServer server;
    auto client = server.client();
    auto res = client.Post("/v1/batch",
                           "{\"id\": \"a\"}\r{\"id\": \"b\"}\r\n{\"id\": \"c\"}\n{\"id\": \"d\"}\r",
                           "application/x-ndjson");
    REQUIRE(res);
    CHECK(res->status == 200);
    std::vector<std::string> cases;
    std::istringstream lines(res->body);
    for (std::string line; std::getline(lines, line);)
        cases.push_back(json::parse(line)["case"]);
    CHECK(cases == std::vector<std::string>{"a", "b", "c", "d"});
}

TEST_CASE("serve: a policy or explain parameter given twice is a 400, not a guess", "[serve]") {
    TestServer server;
    auto client = server.client();
    std::string study =
        slurp(source_root / "tests/golden/run/standard/carpal-tunnel-right.case.json");
    for (const char* query :
         {"?policy=standard&policy=commercial", "?explain=false&explain=true"}) {
        auto res = client.Post(std::string("/v1/evaluate") + query, study, "application/json");
        REQUIRE(res);
        CHECK(res->status == 400);
        CHECK(json::parse(res->body)["error"].get<std::string>().find("is given 2 times") !=
              std::string::npos);
    }
    auto repeated =
        client.Post("/v1/evaluate?why_not=95886&why_not=95885", study, "application/json");
    REQUIRE(repeated);
    CHECK(repeated->status == 200);
}

TEST_CASE("serve: review needs a submitted claim", "[serve]") {
    TestServer server;
    auto client = server.client();
    auto plain =
        client.Post("/v1/review",
                    slurp(source_root / "tests/golden/run/standard/carpal-tunnel-right.case.json"),
                    "application/json");
    REQUIRE(plain);
    CHECK(plain->status == 422);
    auto body = json::parse(plain->body);
    CHECK(body["path"] == "claim");
    CHECK(body["case"] == "carpal-tunnel-right");
    // A case error like every other (docs/serve.md): with the policy and its fingerprint.
    CHECK(body["policy"] == "standard");
    CHECK(body["fingerprint"].get<std::string>().starts_with("sha256:"));
    CHECK(plain->body.find("\", \"") != std::string::npos); // cpl's spacing, as evaluate's

    auto reviewed =
        client.Post("/v1/review",
                    slurp(source_root / "tests/golden/run/review/addon-primary-omitted.case.json"),
                    "application/json");
    REQUIRE(reviewed);
    CHECK(reviewed->status == 200);
    CHECK(json::parse(reviewed->body).contains("review"));
}

TEST_CASE("serve: policies, diff, muscles and health describe what is loaded", "[serve]") {
    cpl::serve::Options options;
    options.policies = {"standard", "policies/commercial.cpl"};
    TestServer server(options);
    auto client = server.client();

    auto list = json::parse(client.Get("/v1/policies")->body);
    CHECK(list["default"] == "standard");
    REQUIRE(list["policies"].size() == 2);
    const json& commercial = list["policies"][1];
    CHECK(commercial["name"] == "commercial");
    CHECK(commercial["base"] == "standard");
    CHECK(commercial["version"] == 1);
    CHECK(commercial["last_error"].is_null());
    CHECK(std::string(commercial["fingerprint"]).rfind("sha256:", 0) == 0);
    bool found = false;
    for (const auto& s : list["policies"][0]["settings"])
        if (s["name"] == "min_muscles_per_limb") found = s["value"] == "5";
    CHECK(found);

    auto diff = client.Get("/v1/diff?policy=commercial");
    REQUIRE(diff->status == 200);
    auto changes = json::parse(diff->body);
    CHECK(changes["base"] == "standard");
    CHECK(!changes["changes"].empty());
    std::string expected = run_command("cd " + source_root.string() + " && " + CPL_BINARY +
                                       " diff policies/commercial.cpl");
    CHECK(changes["report"] == expected);
    bool inside = false; // an excepted edit says what the exception does, clause by clause
    for (const auto& c : changes["changes"])
        if (c["action"] == "excepted" && !c["details"].empty() && c.contains("restated") &&
            c["details"][0] == "exception ptp_deny_names_xs per line:")
            inside = true;
    CHECK(inside);
    auto no_base = client.Get("/v1/diff?policy=standard");
    CHECK(no_base->status == 400);

    auto muscles = json::parse(client.Get("/v1/muscles")->body);
    bool apb = false;
    for (const auto& m : muscles["muscles"])
        apb = apb || (m["name"] == "APB" && m["nerve"] == "median");
    CHECK(apb);

    auto health = json::parse(client.Get("/v1/health")->body);
    CHECK(health["status"] == "ok");
    auto unknown = client.Post("/v1/evaluate?policy=comercial", "{}", "application/json");
    CHECK(unknown->status == 404);
    CHECK(json::parse(unknown->body)["error"] ==
          "no policy `comercial` is loaded; did you mean `commercial`?");
    // A value with no name (`?=commercial`, `policy` left out) is said as such, not as an
    // unknown parameter named ``.
    auto nameless = client.Post("/v1/evaluate?=commercial", "{}", "application/json");
    CHECK(nameless->status == 400);
    CHECK(json::parse(nameless->body)["error"] ==
          "a query parameter has no name (`=commercial`): write it `NAME=VALUE`");
}

TEST_CASE("serve: metrics count requests, latency, cases and the policy version", "[serve]") {
    TestServer server;
    auto client = server.client();
    std::string study =
        slurp(source_root / "tests/golden/run/standard/carpal-tunnel-right.case.json");
    for (int i = 0; i < 3; ++i)
        client.Post("/v1/evaluate", study, "application/json");
    client.Post("/v1/evaluate", "{\"id\": \"x\", \"bogus\": 1}", "application/json");
    client.Get("/v1/nowhere");
    auto res = client.Get("/metrics");
    REQUIRE(res->status == 200);
    CHECK(res->get_header_value("Content-Type").rfind("text/plain; version=0.0.4", 0) == 0);
    const std::string& m = res->body;
    CHECK(m.find("cpl_http_requests_total{endpoint=\"/v1/evaluate\",status=\"200\"} 3") !=
          std::string::npos);
    CHECK(m.find("cpl_http_requests_total{endpoint=\"/v1/evaluate\",status=\"422\"} 1") !=
          std::string::npos);
    CHECK(m.find("cpl_http_requests_total{endpoint=\"other\",status=\"404\"} 1") !=
          std::string::npos);
    CHECK(m.find("cpl_http_errors_total{endpoint=\"/v1/evaluate\"} 1") != std::string::npos);
    CHECK(m.find("cpl_cases_evaluated_total{policy=\"standard\",outcome=\"result\"} 3") !=
          std::string::npos);
    CHECK(m.find("cpl_cases_evaluated_total{policy=\"standard\",outcome=\"error\"} 1") !=
          std::string::npos);
    CHECK(m.find("cpl_http_request_duration_seconds_bucket{le=\"+Inf\"} 4") != std::string::npos);
    CHECK(m.find("cpl_policy_info{policy=\"standard\",fingerprint=\"sha256:") != std::string::npos);
    CHECK(m.find("cpl_policy_version{policy=\"standard\"} 1") != std::string::npos);
}

TEST_CASE("serve: the decision log masks the case's id and dates unless told not to", "[serve]") {
    std::string study = R"({"id": "patient-7734-visit", "date_of_service": "2025-03-14",
        "history": [{"date_of_service": "2024-11-02", "codes": ["95886"]}],
        "extremities": [{"limb": "right_arm", "muscles": ["APB", "FDI", "biceps", "triceps", "deltoid"]}],
        "nerve_conduction": [{"nerve": "median", "side": "right", "type": "motor"}]})";
    study = json::parse(study).dump(); // one line: a batch is JSON Lines
    for (bool unmasked : {false, true}) {
        std::string path = cpl::test::scratch_file("decisions.jsonl").string();
        std::remove(path.c_str());
        {
            cpl::serve::Options options;
            options.decision_log = path;
            options.log_unmasked = unmasked;
            TestServer server(options);
            auto client = server.client();
            REQUIRE(client.Post("/v1/evaluate", study, "application/json")->status == 200);
            REQUIRE(client.Post("/v1/batch", study + "\n" + study + "\n", "application/x-ndjson")
                        ->status == 200);
        }
        auto lines = lines_of(slurp(path));
        std::remove(path.c_str());
        REQUIRE(lines.size() == 3);
        auto first = json::parse(lines[0]);
        CHECK(first["endpoint"] == "/v1/evaluate");
        CHECK(first["policy"] == "standard");
        CHECK(std::string(first["fingerprint"]).rfind("sha256:", 0) == 0);
        CHECK(first["version"] == 1);
        CHECK(first["result"]["lines"].size() >= 1);
        CHECK(first["decision_id"] != json::parse(lines[1])["decision_id"]);
        if (unmasked) {
            CHECK(first["result"]["case"] == "patient-7734-visit");
        } else {
            for (const auto& line : lines) {
                CHECK(line.find("patient-7734") == std::string::npos);
                CHECK(line.find("2025-03-14") == std::string::npos);
                CHECK(line.find("2024-11-02") == std::string::npos);
            }
            std::string id = first["result"]["case"];
            CHECK(id.rfind("id:", 0) == 0);
            CHECK(id.size() == 15);
            CHECK(json::parse(lines[1])["result"]["case"] == id); // same case, same mask
        }
    }
}

TEST_CASE("serve: a FHIR Claim whose case cannot be used is logged, as evaluate's are", "[serve]") {
    std::string path = cpl::test::scratch_file("fhir_decisions.jsonl").string();
    {
        cpl::serve::Options options;
        options.decision_log = path;
        options.log_unmasked = true;
        TestServer server(options);
        auto client = server.client();
        auto res =
            client.Post("/v1/fhir/Claim",
                        slurp(source_root / "tests/golden/fhir/error-unknown-muscle.request.json"),
                        "application/fhir+json");
        REQUIRE(res);
        CHECK(res->status == 422);
    }
    auto lines = lines_of(slurp(path));
    REQUIRE(lines.size() == 1);
    auto logged = json::parse(lines[0]);
    CHECK(logged["endpoint"] == "/v1/fhir/Claim");
    CHECK(logged["result"]["error"].get<std::string>().find("unknown muscle") != std::string::npos);
}

// The FHIR endpoint logged a case error as its id and message alone: without `"path": "id"` the
// log could not tell that the error quoted an id the case reader refused, and wrote the
// patient's name as it was, where /v1/evaluate's masked it.
TEST_CASE("serve: a FHIR case error is logged as /v1/evaluate logs it, its refused id masked",
          "[serve]") {
    std::string path = cpl::test::scratch_file("fhir_masked_decisions.jsonl").string();
    std::remove(path.c_str());
    json claim =
        json::parse(slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json"));
    json study = json::parse(claim["supportingInfo"][0]["valueString"].get<std::string>());
    study["id"] = "Jane Doe ";
    claim["supportingInfo"][0]["valueString"] = study.dump();
    {
        cpl::serve::Options options;
        options.decision_log = path;
        TestServer server(options);
        auto client = server.client();
        auto fhir = client.Post("/v1/fhir/Claim", claim.dump(), "application/fhir+json");
        REQUIRE(fhir);
        CHECK(fhir->status == 422);
        auto evaluate = client.Post("/v1/evaluate", study.dump(), "application/json");
        REQUIRE(evaluate);
        CHECK(evaluate->status == 422);
    }
    auto lines = lines_of(slurp(path));
    std::remove(path.c_str());
    REQUIRE(lines.size() == 2);
    for (const auto& line : lines) {
        INFO(line);
        CHECK(line.find("Jane Doe") == std::string::npos);
    }
    json logged = json::parse(lines[0])["result"];
    CHECK(logged["error"].get<std::string>().find("id:") != std::string::npos);
    CHECK(logged["path"] == "id");
    CHECK(logged["policy"] == "standard");
    CHECK(logged["fingerprint"].get<std::string>().starts_with("sha256:"));
    // The same members as /v1/evaluate's line of the same case.
    std::vector<std::string> fhir_keys, evaluate_keys;
    for (const auto& [key, value] : logged.items())
        fhir_keys.push_back(key);
    json evaluated = json::parse(lines[1])["result"]; // outlives the loop
    for (const auto& [key, value] : evaluated.items())
        evaluate_keys.push_back(key);
    CHECK(fhir_keys == evaluate_keys);
}

TEST_CASE("serve: docs/openapi.yaml describes every route the server answers", "[serve]") {
    std::string spec = slurp(source_root / "docs/openapi.yaml");
    for (const char* path :
         {"/v1/evaluate:", "/v1/review:", "/v1/batch:", "/v1/fhir/Claim:", "/v1/policies:",
          "/v1/diff:", "/v1/muscles:", "/v1/health:", "/metrics:", "\n  /:"}) {
        INFO(path);
        CHECK(spec.find(std::string("\n  ") + (path[0] == '\n' ? path + 3 : path)) !=
              std::string::npos);
    }
}

// The id was masked by replacing every equal string and word of the result: a case named
// `denied` logged its lines' status as `id:…`, one named `standard` its policy, one named
// `the` half its error message; and a date derived from the date of service (the start of a
// rolling year) gave it away.
TEST_CASE("serve: the decision log masks the id where it is the id, and every date", "[serve]") {
    std::string path = cpl::test::scratch_file("masked_decisions.jsonl").string();
    std::remove(path.c_str());
    const std::string medicaid = (source_root / "policies/state_medicaid.cpl").string();
    {
        cpl::serve::Options options;
        options.decision_log = path;
        options.policies = {"standard", medicaid};
        TestServer server(options);
        auto client = server.client();
        // An id the reader refuses is quoted in its error: masked there (not as the result's).
        REQUIRE(client.Post("/v1/evaluate", R"({"id": "Jane Doe "})", "application/json"));
        for (const char* id : {"denied", "deny", "standard", "the"}) {
            std::string claim = std::string(id) == "the" ? "[]" : R"([{"code": "95886"}])";
            std::string study = fmt::format(
                R"({{"id": "{}", "date_of_service": "2025-03-01", "claim": {}}})", id, claim);
            REQUIRE(client.Post("/v1/review", study, "application/json"));
        }
        std::string rolling =
            R"({"id": "p1", "date_of_service": "2025-06-10", "extremities": [{"limb": "right_arm",)"
            R"( "muscles": ["APB", "FDI", "biceps", "triceps", "deltoid"]}], "history": [)"
            R"({"date_of_service": "2025-01-03", "codes": ["95886"]}, )"
            R"({"date_of_service": "2025-02-04", "codes": ["95886"]}, )"
            R"({"date_of_service": "2025-03-05", "codes": ["95886"]}, )"
            R"({"date_of_service": "2025-04-06", "codes": ["95886"]}]})";
        auto res = client.Post("/v1/evaluate?policy=state_medicaid&print=one_year_before", rolling,
                               "application/json");
        REQUIRE(res);
        REQUIRE(res->status == 200);
        REQUIRE(res->body.find("2024-06-10") != std::string::npos);
    }
    auto lines = lines_of(slurp(path));
    std::remove(path.c_str());
    REQUIRE(lines.size() == 6);
    CHECK(lines[0].find("Jane Doe") == std::string::npos);
    CHECK(json::parse(lines[0])["result"]["error"].get<std::string>().find("id:") !=
          std::string::npos);
    lines.erase(lines.begin());
    auto result = [&](std::size_t i) { return json::parse(lines[i])["result"]; };
    CHECK(result(0)["case"].get<std::string>().starts_with("id:"));
    CHECK(result(0)["review"][0]["status"] == "denied");
    CHECK(result(1)["edits"][0]["severity"] == "deny");
    CHECK(result(2)["policy"] == "standard");
    std::string error = result(3)["error"];
    CHECK(error.starts_with("case id:"));
    CHECK(error.find(": claim: the ") != std::string::npos);
    CHECK(result(3)["help"].get<std::string>().find("id:") == std::string::npos);
    for (const auto& line : lines) {
        INFO(line);
        CHECK(line.find("2025-03-01") == std::string::npos);
        CHECK(line.find("2024-06-10") == std::string::npos);
        CHECK(line.find("2025-06-10") == std::string::npos);
    }
    CHECK(result(4)["values"]["one_year_before"] == "\"2024-**-**\"");
}

// The masker found the values to mask by parsing the case again with the JSON library, which
// refused `1e400` (so nothing was masked) and kept the last of a repeated key where the case
// reader reports the first: a refused id or date was logged as sent.
TEST_CASE("serve: the decision log masks a refused id or date whatever else the case holds",
          "[serve]") {
    std::string path = cpl::test::scratch_file("refused_decisions.jsonl").string();
    std::remove(path.c_str());
    const std::vector<std::string> cases = {
        R"({"id":"Jane Doe ","larynx":1e400})",
        R"({"id":"PAT-1","date_of_service":"03/14/2025","larynx":1e400})",
        R"({"id":"PAT-1","date_of_service":"03/14/2025","date_of_service":"2025-01-01"})",
        R"({"id":"PAT-1","history":[{"date_of_service":"03/14/2024","codes":["95886"]}],)"
        R"("larynx":1e400})",
        R"({"larynx":1e400,"id":"Jane Doe "})"};
    {
        cpl::serve::Options options;
        options.decision_log = path;
        TestServer server(options);
        auto client = server.client();
        for (const auto& body : cases) {
            auto res = client.Post("/v1/evaluate", body, "application/json");
            REQUIRE(res);
            CHECK(res->status == 422);
            REQUIRE(client.Post("/v1/batch", body + "\n", "application/x-ndjson"));
        }
    }
    auto lines = lines_of(slurp(path));
    std::remove(path.c_str());
    REQUIRE(lines.size() == 2 * cases.size());
    for (const auto& line : lines) {
        INFO(line);
        for (const char* secret : {"Jane Doe", "03/14/2025", "03/14/2024", "PAT-1"})
            CHECK(line.find(secret) == std::string::npos);
        CHECK(json::parse(line)["result"]["case"].get<std::string>().starts_with("id:"));
    }
    std::string error = json::parse(lines[2])["result"]["error"];
    CHECK(error.find("got \"03/1-**-**\"") == std::string::npos);
    CHECK(error.find("got \"****\"") != std::string::npos);
}

// A refused date was masked by replacing it wherever its text appeared in the result: a date
// `:`, `a` or `1` broke the line's JSON, its members and its fingerprint; and a date of
// fullwidth digits kept its first 4 bytes, half a character, so the line was not UTF-8.
TEST_CASE("serve: a refused date is masked in its quote alone, the log line whole JSON",
          "[serve]") {
    std::string path = cpl::test::scratch_file("odd_date_decisions.jsonl").string();
    std::remove(path.c_str());
    const std::vector<std::string> dates = {":", "a", "1", "\uff12\uff10\uff12\uff15-03-14",
                                            "\u00e9t\u00e9"};
    std::string fingerprint;
    {
        cpl::serve::Options options;
        options.decision_log = path;
        TestServer server(options);
        auto client = server.client();
        fingerprint = json::parse(client.Get("/v1/health")->body)["policies"][0]["fingerprint"];
        std::string batch;
        for (const auto& date : dates) {
            std::string body =
                fmt::format(R"({{"id": "p1", "date_of_service": "{}", "claim": []}})", date);
            REQUIRE(client.Post("/v1/evaluate", body, "application/json"));
            batch += body + "\n";
        }
        REQUIRE(client.Post("/v1/batch", batch, "application/x-ndjson"));
    }
    auto lines = lines_of(slurp(path));
    std::remove(path.c_str());
    REQUIRE(lines.size() == 2 * dates.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        INFO(lines[i]);
        json logged = json::parse(lines[i]); // throws on invalid JSON or UTF-8
        json result = logged["result"];
        CHECK(logged["fingerprint"] == fingerprint);
        CHECK(result["fingerprint"] == fingerprint);
        CHECK(result["policy"] == "standard");
        CHECK(result["path"] == "date_of_service");
        CHECK(result["case"].get<std::string>().starts_with("id:"));
        CHECK(result["error"].get<std::string>().ends_with("got \"****\""));
        if (i >= dates.size()) CHECK(result["line"] == i - dates.size() + 1);
        CHECK(lines[i].find("\xef\xbc") == std::string::npos); // no fullwidth digit left
    }
}

// A definition that reads `case.id`, printed (`print=`), put the id in the log as it was, where
// the result's `case` member masked it.
TEST_CASE("serve: the decision log masks the id in a printed value that quotes it", "[serve]") {
    std::string path = cpl::test::scratch_file("printed_decisions.jsonl").string();
    std::remove(path.c_str());
    std::filesystem::path leak = cpl::test::scratch_file("leak.cpl");
    std::ofstream(leak) << "policy leak extends standard \"leak test\"\n"
                           "def my_id = case.id\n"
                           "def ids = [case.id, \"other\"]\n";
    {
        cpl::serve::Options options;
        options.decision_log = path;
        options.policies = {"standard", leak.string()};
        TestServer server(options);
        auto client = server.client();
        auto res = client.Post("/v1/evaluate?policy=leak&print=my_id,ids",
                               R"({"id": "PAT-SMITH-0042"})", "application/json");
        REQUIRE(res);
        REQUIRE(res->status == 200);
        CHECK(json::parse(res->body)["values"]["my_id"] == "\"PAT-SMITH-0042\""); // answered as is
        // An id over 200 bytes: a message clips it, a printed value does not; and a review
        // refused for want of a claim names it in its head, as the reader does.
        std::string long_id = "PAT-LONG-" + std::string(300, 'x');
        REQUIRE(client.Post("/v1/evaluate?policy=leak&print=ids", json{{"id", long_id}}.dump(),
                            "application/json"));
        REQUIRE(client.Post("/v1/review", json{{"id", long_id}}.dump(), "application/json"));
    }
    auto lines = lines_of(slurp(path));
    std::remove(path.c_str());
    REQUIRE(lines.size() == 3);
    for (const auto& line : lines) {
        INFO(line);
        CHECK(line.find("PAT-LONG") == std::string::npos);
    }
    lines.resize(1);
    INFO(lines[0]);
    CHECK(lines[0].find("PAT-SMITH") == std::string::npos);
    json result = json::parse(lines[0])["result"];
    std::string token = result["case"];
    CHECK(token.starts_with("id:"));
    CHECK(result["values"]["my_id"] == "\"" + token + "\"");
    CHECK(result["values"]["ids"] == "[\"" + token + "\", \"other\"]");
}

// Found by a probe of the server: a message or documentation item that quotes `case.id`, as
// written or through `lower`, put the id in the log as it was.
TEST_CASE("serve: the decision log masks the id in the texts of a policy that reads case.id",
          "[serve]") {
    std::string path = cpl::test::scratch_file("prose_decisions.jsonl").string();
    std::remove(path.c_str());
    std::filesystem::path leak = cpl::test::scratch_file("prose_leak.cpl");
    std::ofstream(leak) << "policy leak extends standard \"leak test\"\n"
                           "rule tell \"Tells the id\" when true\n"
                           "  info \"case {case.id}, {lower(case.id)}; Pat-Smithson stays\"\n"
                           "  document \"the record of {lower(case.id)}\" cite \"c\"\n"
                           "def low = lower(case.id)\n";
    // The case itself, read whole: its id may be anywhere in it.
    std::filesystem::path whole = cpl::test::scratch_file("prose_whole.cpl");
    std::ofstream(whole) << "policy whole extends standard \"whole case\"\n"
                            "def everything = case\n"
                            "rule tell \"Tells the id\" when true\n"
                            "  info \"case {everything.id}\" cite \"c\"\n";
    {
        cpl::serve::Options options;
        options.decision_log = path;
        options.policies = {"standard", leak.string(), whole.string()};
        TestServer server(options);
        auto client = server.client();
        for (const char* policy : {"leak&print=low", "standard", "whole"}) {
            auto res = client.Post(std::string("/v1/evaluate?explain=true&policy=") + policy,
                                   R"({"id": "Pat-Smith", "date_of_service": "2025-03-01"})",
                                   "application/json");
            REQUIRE(res);
            REQUIRE(res->status == 200);
        }
    }
    auto lines = lines_of(slurp(path));
    std::remove(path.c_str());
    REQUIRE(lines.size() == 3);
    INFO(lines[0]);
    json result = json::parse(lines[0])["result"];
    std::string token = result["case"];
    REQUIRE(token.starts_with("id:"));
    CHECK(lines[0].find("Pat-Smith\"") == std::string::npos);
    CHECK(lines[0].find("pat-smith") == std::string::npos);
    CHECK(result["edits"][0]["message"] ==
          "case " + token + ", " + token + "; Pat-Smithson stays"); // a longer word is not it
    CHECK(result["documentation"].back() == "the record of " + token);
    CHECK(result["values"]["low"] == "\"" + token + "\"");
    INFO(lines[2]);
    CHECK(lines[2].find("Pat-Smith") == std::string::npos);
    // The standard set and the example payers read no case.id: their texts are logged as sent.
    for (const std::string policy : {"standard", "policies/commercial.cpl",
                                     "policies/medicare_lcd.cpl", "policies/state_medicaid.cpl"}) {
        cpl::Loaded loaded =
            cpl::load_policy(policy == "standard" ? policy : (source_root / policy).string());
        REQUIRE(loaded.program);
        CHECK_FALSE(cpl::serve::reads_case_id(*loaded.program));
    }
    cpl::Loaded leaking = cpl::load_policy(leak.string());
    REQUIRE(leaking.program);
    CHECK(cpl::serve::reads_case_id(*leaking.program));
}

// /v1/policies gave a payer's base as its header wrote it (`"acme.cpl"`, a path), /v1/diff by
// its name: the workbench looked for a loaded policy named `rl/acme.cpl` and kept Compare off.
TEST_CASE("serve: a payer's base is named as ?policy= names it, in /v1/policies and /v1/diff",
          "[serve]") {
    std::filesystem::path dir = cpl::test::fresh_dir("base_by_path");
    std::ofstream(dir / "acme.cpl") << "policy acme extends standard \"Acme\"\n"
                                       "min_muscles_per_limb 5\n";
    std::ofstream(dir / "child.cpl") << "policy child extends \"acme.cpl\" \"Child of acme\"\n"
                                        "min_nerves_per_limb 2\n";
    cpl::serve::Options options;
    options.policies = {"standard", (dir / "acme.cpl").string(), (dir / "child.cpl").string()};
    TestServer server(options);
    auto client = server.client();
    json listed = json::parse(client.Get("/v1/policies")->body)["policies"];
    std::map<std::string, json> by_name;
    for (const auto& p : listed)
        by_name[p["name"]] = p["base"];
    CHECK(by_name["child"] == "acme");
    CHECK(by_name["acme"] == "standard");
    CHECK(by_name["standard"].is_null());
    auto diff = client.Get("/v1/diff?policy=child");
    REQUIRE(diff);
    REQUIRE(diff->status == 200);
    CHECK(json::parse(diff->body)["base"] == by_name["child"]);
    CHECK(by_name.count(by_name["child"].get<std::string>()) == 1); // the workbench finds it
}

// openapi.yaml drifted from the answers: a diff's `source` changes, a policy's dates of
// service, and the `sources` of lines and edits were sent but not described.
TEST_CASE("serve: docs/openapi.yaml names every member the answers carry", "[serve]") {
    std::string spec = slurp(source_root / "docs/openapi.yaml");
    // The text of one schema (components/schemas): from its name to the next one.
    auto schema = [&](const std::string& name) {
        std::size_t from = spec.find("\n    " + name + ":\n", spec.find("\n  schemas:"));
        REQUIRE(from != std::string::npos);
        std::size_t to = spec.find("\n    ", from + 1);
        while (to != std::string::npos && spec[to + 5] == ' ')
            to = spec.find("\n    ", to + 1);
        return spec.substr(from, to == std::string::npos ? std::string::npos : to - from);
    };
    auto described = [](const std::string& text, const std::string& key) {
        return text.find(" " + key + ":") != std::string::npos;
    };
    // A payer restating settings as they were, one with its citation: changes of their own
    // actions ("restated unchanged", "cited"), which the spec had left out.
    std::string restating = cpl::test::scratch_file("restating.cpl").string();
    std::ofstream(restating) << "policy restating extends standard\n"
                                "min_nerves_per_limb 3\n"
                                "min_spinal_levels_per_limb 4 cite \"Payer manual, p. 3\"\n";
    cpl::serve::Options options;
    options.policies = {"standard", (source_root / "policies/commercial.cpl").string(), restating};
    TestServer server(options);
    auto client = server.client();
    std::string policy_schema = schema("Policy");
    json policies = json::parse(client.Get("/v1/policies")->body); // outlives the loop
    for (const auto& p : policies["policies"])
        for (const auto& [key, value] : p.items()) {
            INFO(key);
            CHECK(described(policy_schema, key));
        }
    std::string line_schema = schema("Line"), result_schema = schema("Result");
    auto result = json::parse(
        client
            .Post("/v1/evaluate?policy=commercial",
                  slurp(source_root / "tests/golden/run/standard/carpal-tunnel-right.case.json"),
                  "application/json")
            ->body);
    REQUIRE(!result["lines"].empty());
    for (const auto& [key, value] : result["lines"][0].items()) {
        INFO(key);
        CHECK(described(line_schema, key));
    }
    std::size_t edits = result_schema.find("edits:");
    for (const char* key : {"severity", "rule", "code", "message", "cite", "sources", "layer"})
        CHECK(result_schema.find(std::string(" ") + key + ":", edits) != std::string::npos);
    auto enumerated = [&](const std::string& member) {
        std::size_t at = spec.find(member + ": {type: string, enum: [");
        REQUIRE(at != std::string::npos);
        std::size_t from = spec.find('[', at) + 1;
        std::vector<std::string> values;
        std::stringstream list(spec.substr(from, spec.find(']', from) - from));
        for (std::string value; std::getline(list, value, ',');)
            values.push_back(value.substr(value.find_first_not_of(' ')));
        return values;
    };
    auto kinds = enumerated("kind"), actions = enumerated("action");
    std::set<std::string> actions_seen;
    for (const char* payer : {"commercial", "restating"}) {
        auto diff = json::parse(client.Get(std::string("/v1/diff?policy=") + payer)->body);
        for (const auto& change : diff["changes"]) {
            std::string kind = change["kind"], action = change["action"];
            INFO(payer << ": " << kind << " " << action);
            CHECK(std::find(kinds.begin(), kinds.end(), kind) != kinds.end());
            CHECK(std::find(actions.begin(), actions.end(), action) != actions.end());
            actions_seen.insert(action);
        }
    }
    CHECK(actions_seen.count("cited"));
    CHECK(actions_seen.count("restated unchanged"));
}
