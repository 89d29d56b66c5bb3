// tests/serve/robustness_test.cpp — bad input and load: each gets a clear JSON error (with
// the case's JSON path where there is one) and the server keeps serving. Loopback only;
// every loop is bounded in count and time.
#include "interpreter/serve/connection.hpp"
#include "interpreter/serve/request_head.hpp"
#include "serve_helpers.hpp"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <fmt/format.h>
#include <fstream>
#include <malloc.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <poll.h>
#include <sstream>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <zlib.h>

using namespace cpl::test;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

int connect_to(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(std::uint16_t(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    return fd;
}

// True when the server closed the connection within `limit`.
bool closed_within(int fd, std::chrono::milliseconds limit) {
    auto until = Clock::now() + limit;
    char buffer[4096];
    while (Clock::now() < until) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 50) > 0) {
            ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n <= 0) return true;
        }
    }
    return false;
}

// What the server sends until it closes the connection, or until `limit`.
std::string read_until_closed(int fd, std::chrono::milliseconds limit) {
    std::string got;
    char buffer[65536];
    auto until = Clock::now() + limit;
    while (Clock::now() < until) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        got.append(buffer, std::size_t(n));
    }
    return got;
}

// What the server answers to `request`, sent as it is on a connection of its own, until it
// closes the connection (or 5 seconds).
std::string send_raw(const TestServer& server, const std::string& request) {
    int fd = connect_to(server.port());
    REQUIRE(::write(fd, request.data(), request.size()) == ssize_t(request.size()));
    std::string got = read_until_closed(fd, std::chrono::seconds(5));
    ::close(fd);
    return got;
}

// One line: a batch is JSON Lines.
const std::string study =
    R"({"id": "ok", "extremities": [{"limb": "right_arm", )"
    R"("muscles": ["APB", "FDI", "biceps", "triceps", "deltoid"]}], )"
    R"("nerve_conduction": [{"nerve": "median", "side": "right", "type": "motor"}]})";

void still_serving(const TestServer& server) {
    auto client = server.client();
    auto res = client.Post("/v1/evaluate", study, "application/json");
    REQUIRE(res);
    CHECK(res->status == 200);
}

} // namespace

TEST_CASE("serve: malformed JSON and unknown fields are answered 422 with the JSON path",
          "[serve][robustness]") {
    TestServer server;
    auto client = server.client();
    struct Row {
        std::string body;
        std::string path; // "" when the error has none
        std::string says;
    };
    for (const auto& row : std::vector<Row>{
             {"{\"id\": \"a\", ", "", "not valid JSON"},
             {"[1, 2]", "", ""},
             {"{\"id\": \"a\", \"extremitees\": []}", "extremitees", "unknown field"},
             {"{\"id\": \"a\", \"extremities\": [{\"limb\": \"right_arm\", \"muscles\": "
              "[\"APBB\"]}]}",
              "extremities[0].muscles[0]", "did you mean \\\"APB\\\"?"},
             {"{\"id\": \"a\", \"nerve_conduction\": [{\"nerve\": \"median\", \"side\": \"up\"}]}",
              "nerve_conduction[0].side", ""},
             {"{\"id\": \"a\", \"claim\": [{\"code\": \"95886\", \"units\": -1}]}",
              "claim[0].units", ""},
             {std::string("{\"id\": \"\xff\xfe\"}"), "", ""},
         }) {
        INFO(row.body);
        auto res = client.Post("/v1/evaluate", row.body, "application/json");
        REQUIRE(res);
        CHECK(res->status == 422);
        CHECK(res->get_header_value("Content-Type") == "application/json");
        auto body = json::parse(res->body, nullptr, false);
        REQUIRE(body.is_object());
        CHECK(body.contains("error"));
        CHECK(body["policy"] == "standard");
        if (!row.path.empty()) CHECK(body["path"] == row.path);
        if (!row.says.empty()) CHECK(res->body.find(row.says) != std::string::npos);
    }
    for (const char* nothing : {"", "\xEF\xBB\xBF", "\xEF\xBB\xBF \n"}) {
        auto empty = client.Post("/v1/evaluate", nothing, "application/json");
        CHECK(empty->status == 400);
        CHECK(json::parse(empty->body)["error"] ==
              "the request body is empty: send one case as a JSON object");
    }
    auto option = client.Post("/v1/evaluate?explain=maybe", study, "application/json");
    CHECK(option->status == 400);
    auto method = client.Get("/v1/evaluate");
    CHECK(method->status == 405);
    CHECK(method->get_header_value("Allow") == "POST, OPTIONS");
    auto put = client.Put("/v1/review", study, "application/json");
    CHECK(put->status == 405);
    CHECK(put->get_header_value("Allow") == "POST, OPTIONS");
    auto post_to_get = client.Post("/v1/health", "", "application/json");
    CHECK(post_to_get->status == 405);
    CHECK(post_to_get->get_header_value("Allow") == "GET, HEAD, OPTIONS");
    CHECK(json::parse(post_to_get->body)["error"] == "/v1/health takes GET");
    auto fhir_delete = client.Delete("/v1/fhir/Claim");
    CHECK(fhir_delete->status == 405);
    CHECK(json::parse(fhir_delete->body)["resourceType"] == "OperationOutcome");
    // OPTIONS says what an endpoint takes (RFC 9110, 9.3.7): 200 with no content (a 204 must
    // not carry the `Content-Length: 0` the library writes).
    auto options_post = client.Options("/v1/evaluate");
    CHECK(options_post->status == 200);
    CHECK(options_post->get_header_value("Allow") == "POST, OPTIONS");
    CHECK(options_post->body.empty());
    auto options_get = client.Options("/");
    CHECK(options_get->status == 200);
    CHECK(options_get->get_header_value("Allow") == "GET, HEAD, OPTIONS");
    auto options_server = client.Options("*");
    CHECK(options_server->status == 200);
    CHECK(options_server->get_header_value("Allow") == "GET, HEAD, POST, OPTIONS");
    auto post_to_page = client.Post("/workbench.js", "", "text/plain");
    CHECK(post_to_page->status == 405);
    CHECK(post_to_page->get_header_value("Allow") == "GET, HEAD, OPTIONS");
    auto nowhere = client.Get("/v2/evaluate");
    CHECK(nowhere->status == 404);
    CHECK(json::parse(nowhere->body)["error"] == "no endpoint GET /v2/evaluate");
    // A batch reports a bad line in its place, with the line it was on (a blank line too, as
    // `cpl run` does: every line has its answer), and evaluates the others.
    auto batch = client.Post("/v1/batch",
                             study + "\n{\"id\": \"b\", \"x\": 1}\n\n{\"id\": \n" + study + "\n",
                             "application/x-ndjson");
    REQUIRE(batch->status == 200);
    std::string text = batch->body;
    CHECK(std::count(text.begin(), text.end(), '\n') == 5);
    std::vector<json> answers;
    for (std::size_t at = 0, end; (end = text.find('\n', at)) != std::string::npos; at = end + 1)
        answers.push_back(json::parse(text.substr(at, end - at)));
    REQUIRE(answers.size() == 5);
    CHECK_FALSE(answers[0].contains("line")); // a result is cpl run's, unchanged
    CHECK(answers[1]["line"] == 2);
    CHECK(answers[1]["path"] == "x");
    CHECK(answers[2]["line"] == 3);
    CHECK(answers[2]["error"] ==
          "the line is blank: every line must hold one case [run.blank_line]");
    CHECK(answers[3]["line"] == 4); // not valid JSON: no case id to go by
    CHECK(answers[3]["case"] == "");
    CHECK_FALSE(answers[4].contains("error"));
    still_serving(server);
}

// A batch took a line of a form feed or vertical tab for a case that is not JSON, where `cpl
// run` reads it as blank (std::isspace): a body of such lines alone was answered 200.
TEST_CASE("serve: a batch line of form feeds or vertical tabs is blank, as cpl run reads it",
          "[serve][robustness]") {
    TestServer server;
    auto client = server.client();
    auto res = client.Post("/v1/batch", "{\"id\":\"a\"}\n\f\n\v \t\n", "application/x-ndjson");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    std::vector<json> answers;
    std::istringstream in(res->body);
    for (std::string line; std::getline(in, line);)
        answers.push_back(json::parse(line));
    REQUIRE(answers.size() == 3);
    for (std::size_t i : {1, 2}) {
        CHECK(answers[i]["line"] == i + 1);
        CHECK(answers[i]["error"] ==
              "the line is blank: every line must hold one case [run.blank_line]");
    }
    for (const char* body : {"\f\n", "\v\n\f\r\n", "\f"}) {
        auto blank = client.Post("/v1/batch", body, "application/x-ndjson");
        REQUIRE(blank);
        CHECK(blank->status == 400);
    }
    // Blank lines before a case written over several lines are skipped to find it.
    auto pretty = client.Post("/v1/batch", "\f\n{\n\"id\": \"a\"\n}\n", "application/x-ndjson");
    REQUIRE(pretty);
    CHECK(pretty->status == 400);
    CHECK(pretty->body.find("JSON written over several lines") != std::string::npos);
}

TEST_CASE("serve: an oversized body is refused with 413 and a JSON error", "[serve][robustness]") {
    cpl::serve::Options options;
    options.max_body = 64 * 1024;
    TestServer server(options);
    auto client = server.client();
    std::string big(200 * 1024, ' ');
    big = "{\"id\": \"big\"" + big + "}";
    auto res = client.Post("/v1/evaluate", big, "application/json");
    REQUIRE(res);
    CHECK(res->status == 413);
    // The phrase the HTTP library gives its own 413s, so a client sees one whoever refused.
    CHECK(res->reason == "Payload Too Large");
    CHECK(json::parse(res->body)["error"] ==
          "the request body is larger than the limit of 65536 bytes");
    // Refused by its length before a byte was read, with the same help as a body the library
    // or the decoder refused (it once came without any).
    CHECK(json::parse(res->body)["help"] ==
          "send a smaller body, or start the server with a larger --max-body");
    auto batch = client.Post("/v1/batch", big, "application/x-ndjson");
    REQUIRE(batch);
    CHECK(batch->status == 413);
    CHECK(json::parse(batch->body)["help"] ==
          "send fewer cases per batch request, or start the server with a larger --max-body");
    // curl --data-binary sends a form type, which the HTTP library once capped at 8 KiB: the
    // body is read as it is, up to the server's limit, whatever its type.
    std::string nine_kib = "{\"id\": \"" + std::string(9 * 1024, 'x') + "\"}";
    auto form = client.Post("/v1/evaluate", nine_kib, "application/x-www-form-urlencoded");
    REQUIRE(form);
    CHECK(form->status == 200);
    auto as_json = client.Post("/v1/evaluate", nine_kib, "application/json");
    REQUIRE(as_json);
    CHECK(as_json->status == 200);
    still_serving(server);
}

TEST_CASE("serve: a chunked body is held to the same limit, and one within it is served",
          "[serve][robustness]") {
    cpl::serve::Options options;
    options.max_body = 64 * 1024;
    TestServer server(options);
    // Sent in pieces, with no length given (Transfer-Encoding: chunked): the library read such
    // a body whole, whatever --max-body said (1.5 GB of one took 3.7 GB of memory).
    auto chunked = [&](std::string body, const char* path) {
        auto client = server.client();
        return client.Post(
            path,
            [body](std::size_t offset, httplib::DataSink& sink) {
                std::size_t piece = std::min<std::size_t>(4096, body.size() - offset);
                if (piece > 0) sink.write(body.data() + offset, piece);
                if (offset + piece == body.size()) sink.done();
                return true;
            },
            "application/json");
    };
    for (const char* path : {"/v1/evaluate", "/v1/batch", "/v1/fhir/Claim"}) {
        // Over the limit by less than the limit again: read to its end, so the 413 is never
        // lost to a connection reset (robustness of the test, not of the server).
        auto big = chunked("{\"id\": \"big\"" + std::string(100 * 1024, ' ') + "}", path);
        REQUIRE(big);
        CHECK(big->status == 413);
        INFO(big->body);
        CHECK(big->body.find("the request body is larger than the limit of 65536 bytes") !=
              std::string::npos);
        // FHIR's answer is an OperationOutcome, as its other errors are.
        CHECK((json::parse(big->body).contains("resourceType") ==
               (std::string(path) == "/v1/fhir/Claim")));
    }
    // Far over: the server stops reading; the client gets the 413 or, still sending, a reset.
    auto huge = chunked("{\"id\": \"huge\"" + std::string(4 << 20, ' ') + "}", "/v1/evaluate");
    CHECK((!huge || huge->status == 413));
    auto small = chunked(study, "/v1/evaluate");
    REQUIRE(small);
    CHECK(small->status == 200);
    // Neither a length nor chunks: no body, answered at once (not after the read timeout).
    int fd = connect_to(server.port());
    std::string request = "POST /v1/evaluate HTTP/1.1\r\nHost: x\r\n\r\n";
    REQUIRE(::write(fd, request.data(), request.size()) == ssize_t(request.size()));
    pollfd p{fd, POLLIN, 0};
    REQUIRE(::poll(&p, 1, 1000) == 1);
    char answer[64] = {};
    CHECK(std::string(answer, std::size_t(std::max<ssize_t>(0, ::read(fd, answer, 63))))
              .starts_with("HTTP/1.1 400"));
    ::close(fd);
    still_serving(server);
}

// The library read chunk framing loosely (`+370` as a size, junk after a chunk's data) and
// refused trailer fields; so the connection ended after every chunked body. The connection now
// decodes the chunks strictly and hands the library the body with its length.
TEST_CASE("serve: a chunked body is read strictly, with trailers, and the connection goes on",
          "[serve][robustness]") {
    cpl::serve::Options options;
    options.read_timeout_ms = 1000;
    TestServer server(options);
    auto exchange = [&](const std::string& request) { return send_raw(server, request); };
    auto chunks = [](const std::string& body, std::size_t piece) {
        std::string out;
        for (std::size_t at = 0; at < body.size(); at += piece) {
            std::string part = body.substr(at, piece);
            out += fmt::format("{:X}\r\n", part.size()) + part + "\r\n";
        }
        return out;
    };
    const std::string head = "POST /v1/evaluate HTTP/1.1\r\nHost: a\r\nContent-Type: "
                             "application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string health = "GET /v1/health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    // Trailer fields and a chunk extension are read and dropped; a pipelined request after
    // the body is answered on the same connection.
    std::string got =
        exchange(head + chunks(study, 50) + "0;note=x\r\nX-Checksum: abc\r\n\r\n" + health);
    INFO(got);
    CHECK(got.starts_with("HTTP/1.1 200"));
    CHECK(got.find("\"case\": \"ok\"") != std::string::npos);
    CHECK(got.find("HTTP/1.1 200", 1) != std::string::npos);
    CHECK(got.find("\"policies\"") != std::string::npos);
    // One byte a chunk, each with a 2 KiB extension: the framing read is dropped as the body
    // is decoded (kept, it grew the buffer with every chunk), and the body comes out whole.
    std::string spaced;
    for (char c : study)
        spaced += fmt::format("1;x={}\r\n", std::string(2048, 'e')) + c + "\r\n";
    got = exchange(head + spaced + "0\r\n\r\n" + health);
    CHECK(got.starts_with("HTTP/1.1 200"));
    CHECK(got.find("\"case\": \"ok\"") != std::string::npos);
    // Trailers without end are cut off.
    std::string trailers = "0\r\n";
    for (std::size_t i = 0; i <= cpl::serve::max_head_fields; ++i)
        trailers += fmt::format("X-T{}: v\r\n", i);
    got = exchange(head + trailers + "\r\n");
    CHECK(got.starts_with("HTTP/1.1 400"));
    CHECK(got.find("the chunked request body is malformed: it has more than 100 trailer fields") !=
          std::string::npos);
    // Malformed framing is refused, said where, and what follows is not read as a request.
    struct Bad {
        std::string body, says;
    };
    for (const Bad& bad :
         {Bad{"+" + chunks(study, 4096) + "0\r\n\r\n", "the chunk-size line `+"},
          Bad{"5\r\n{\"id\"junk\r\n0\r\n\r\n", "a chunk's data is not followed by CRLF"},
          Bad{"zz\r\n", "the chunk-size line `zz` is not a hexadecimal size"},
          Bad{"0\r\nno colon here\r\n\r\n", "the trailer line `no colon here` is not a field"},
          Bad{"FFFFFFFFFFFFFFFFFF\r\n", "a chunk size is too large"}}) {
        CAPTURE(bad.body);
        got = exchange(head + bad.body + health);
        CHECK(got.starts_with("HTTP/1.1 400"));
        CHECK(got.find("the chunked request body is malformed: " + bad.says) != std::string::npos);
        CHECK(got.find("HTTP/1.1", 1) == std::string::npos);
    }
    // A body that stops coming: 408, not an answer to part of it.
    got = exchange(head + "40\r\n{\"id\": ");
    CHECK(got.starts_with("HTTP/1.1 408"));
    still_serving(server);
}

TEST_CASE("serve: a Content-Length that is not one number of bytes is a 400 at once",
          "[serve][robustness]") {
    cpl::serve::Options options;  // the default read timeout: the answer must not wait for it
    options.keep_alive_ms = 1000; // how long an idle connection stays open after the answer
    TestServer server(options);
    struct Bad {
        std::string headers, says;
    };
    for (const Bad& bad :
         {Bad{"Content-Length: -1\r\n", "`Content-Length: -1` is not a number of bytes"},
          Bad{"Content-Length: abc\r\n", "`Content-Length: abc` is not a number of bytes"},
          Bad{"Content-Length: 1e3\r\n", "`Content-Length: 1e3` is not a number of bytes"},
          Bad{"Content-Length: 13\r\nContent-Length: 9\r\n",
              "several Content-Length headers that differ"},
          // Request smuggling's shape: which one ends the body depends on who reads it.
          Bad{"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
              "both Content-Length and Transfer-Encoding"}}) {
        CAPTURE(bad.headers);
        int fd = connect_to(server.port());
        // A body that is a request of its own: it must not be answered as one.
        std::string request = "POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: "
                              "application/json\r\n" +
                              bad.headers + "\r\nGET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
        REQUIRE(::write(fd, request.data(), request.size()) > 0);
        std::string got;
        char buffer[4096];
        auto start = Clock::now();
        std::optional<Clock::duration> answered;
        // Until the server closes the connection (at the latest when it is idle for the
        // keep-alive timeout), to see that no second answer comes.
        while (Clock::now() - start < std::chrono::seconds(10)) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n <= 0) break;
            got.append(buffer, std::size_t(n));
            if (!answered && got.find("\"}") != std::string::npos) answered = Clock::now() - start;
        }
        auto closed = Clock::now() - start;
        ::close(fd);
        INFO(got);
        REQUIRE(answered);
        CHECK(*answered < std::chrono::seconds(1)); // not after the read timeout
        // The connection ends with the answer, not after the keep-alive timeout.
        CHECK(closed < std::chrono::milliseconds(900));
        CHECK(got.starts_with("HTTP/1.1 400"));
        CHECK(got.find(bad.says) != std::string::npos);
        CHECK(got.find("HTTP/1.1", 1) == std::string::npos); // the body not answered as a request
    }
    still_serving(server);
}

// HTTP/1.1 pipelining (RFC 9112, 9.3.2): requests sent one after another without waiting are
// answered in order on the connection. The library's loop dropped what its last read had taken
// past a request: of two requests in one write, the second was never answered.
TEST_CASE("serve: pipelined requests are each answered, in order", "[serve][robustness]") {
    TestServer server;
    int fd = connect_to(server.port());
    auto post = [](const std::string& body) {
        return "POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Content-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
    };
    std::string second = study;
    second.replace(second.find("\"ok\""), 4, "\"second\"");
    std::string requests = post(study) + "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n" +
                           post(second) +
                           "GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    REQUIRE(::write(fd, requests.data(), requests.size()) == ssize_t(requests.size()));
    std::string got = read_until_closed(fd, std::chrono::seconds(5));
    ::close(fd);
    INFO(got);
    std::vector<std::size_t> answers;
    for (std::size_t at = got.find("HTTP/1.1 200"); at != std::string::npos;
         at = got.find("HTTP/1.1 200", at + 1))
        answers.push_back(at);
    REQUIRE(answers.size() == 4);
    CHECK(got.find("\"case\": \"ok\"") < answers[1]);
    CHECK(got.find("\"case\": \"second\"") > answers[2]);
    CHECK(got.find("\"case\": \"second\"") < answers[3]);
}

TEST_CASE("serve: a slow client is cut off after the read timeout while others are served",
          "[serve][robustness]") {
    cpl::serve::Options options;
    options.read_timeout_ms = 300;
    options.threads = 4;
    TestServer server(options);
    // Headers that never end, and a body that never comes.
    int stalled_headers = connect_to(server.port());
    std::string partial = "POST /v1/evaluate HTTP/1.1\r\nHost: x\r\n";
    REQUIRE(::write(stalled_headers, partial.data(), partial.size()) > 0);
    int stalled_body = connect_to(server.port());
    std::string head =
        "POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"id\":";
    REQUIRE(::write(stalled_body, head.data(), head.size()) > 0);
    auto start = Clock::now();
    still_serving(server);
    CHECK(Clock::now() - start < std::chrono::milliseconds(1000));
    CHECK(closed_within(stalled_headers, std::chrono::milliseconds(3000)));
    CHECK(closed_within(stalled_body, std::chrono::milliseconds(3000)));
    ::close(stalled_headers);
    ::close(stalled_body);
    still_serving(server);
}

// A head that stalled was told to send its body faster: the help is the head's now.
TEST_CASE("serve: a head that does not arrive in time is a 408 whose help is about the head",
          "[serve][robustness]") {
    cpl::serve::Options options;
    options.read_timeout_ms = 300;
    TestServer server(options);
    int fd = connect_to(server.port());
    std::string partial = "POST /v1/fhir/Claim HTTP/1.1\r\nHost: x\r\n";
    REQUIRE(::write(fd, partial.data(), partial.size()) > 0);
    std::string got = read_until_closed(fd, std::chrono::seconds(3));
    ::close(fd);
    INFO(got);
    CHECK(got.starts_with("HTTP/1.1 408"));
    json answer = json::parse(got.substr(got.find("\r\n\r\n") + 4));
    CHECK(answer["error"] == "the request's head did not arrive within the read timeout");
    CHECK(answer["help"] == "send the request's head (its request line and header fields) at "
                            "once: all of it must arrive within the read timeout");
}

TEST_CASE("serve: a client that does not read its answer is cut off after the write timeout",
          "[serve][robustness]") {
    cpl::serve::Options options;
    options.write_timeout_ms = 300;
    TestServer server(options);
    // A batch whose answer (about 8 MB) is more than the sockets can buffer (a loopback send
    // buffer grows to 4 MB; the client's receive buffer is made small); the client then
    // reads nothing, so the server's write stalls.
    std::string cases;
    for (int i = 0; i < 6000; ++i)
        cases += study + "\n";
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int small = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(std::uint16_t(server.port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    std::string request = "POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: "
                          "application/x-ndjson\r\nContent-Length: " +
                          std::to_string(cases.size()) + "\r\n\r\n" + cases;
    for (std::size_t sent = 0; sent < request.size();) {
        ssize_t n = ::write(fd, request.data() + sent, request.size() - sent);
        REQUIRE(n > 0);
        sent += std::size_t(n);
    }
    // Wait until the answer is made (the metrics count a request when its handler returns,
    // before the answer is written), then past the write timeout, before reading anything.
    auto client = server.client();
    for (auto until = Clock::now() + std::chrono::seconds(60); Clock::now() < until;) {
        auto m = client.Get("/metrics");
        if (m && m->body.find("endpoint=\"/v1/batch\",status=\"200\"") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    still_serving(server);
    // Now read what was sent before the server gave up: less than the whole answer.
    std::string got = read_until_closed(fd, std::chrono::seconds(30));
    ::close(fd);
    std::size_t header_end = got.find("\r\n\r\n");
    REQUIRE(header_end != std::string::npos);
    std::size_t length_at = got.find("Content-Length: ");
    REQUIRE(length_at < header_end);
    std::size_t length = std::stoul(got.substr(length_at + 16));
    CHECK(got.size() - header_end - 4 < length);
}

TEST_CASE("serve: a flood of idle connections does not stop the server", "[serve][robustness]") {
    cpl::serve::Options options;
    options.read_timeout_ms = 500;
    options.keep_alive_ms = 1000;
    options.threads = 8;
    TestServer server(options);
    std::vector<int> idle;
    for (int i = 0; i < 32; ++i)
        idle.push_back(connect_to(server.port()));
    // Four times more idle sockets than threads: each holds a thread until the keep-alive
    // timeout (1 s) cuts it off, so a real request waits about four of those for a thread.
    auto start = Clock::now();
    still_serving(server);
    auto took = Clock::now() - start;
    CHECK(took < std::chrono::seconds(30));
    for (int fd : idle)
        ::close(fd);
    // And many short requests at once, from several threads.
    std::vector<std::thread> clients;
    std::atomic<int> ok{0};
    for (int t = 0; t < 8; ++t)
        clients.emplace_back([&] {
            auto client = server.client();
            for (int i = 0; i < 25; ++i) {
                auto res = client.Post("/v1/evaluate", study, "application/json");
                if (res && res->status == 200) ++ok;
            }
        });
    for (auto& c : clients)
        c.join();
    CHECK(ok == 200);
    still_serving(server);
}

TEST_CASE("serve: a burst of new connections is queued, not dropped, while the server is busy",
          "[serve][robustness]") {
    // Bound but not yet accepting: every connection waits in the listen queue. The library's
    // own backlog (5) dropped the rest, and their clients retried a second or more later.
    cpl::serve::Options options;
    cpl::serve::Server server(options);
    std::string error;
    REQUIRE(server.start(error));
    std::vector<int> sockets;
    int connected = 0;
    for (int i = 0; i < 64; ++i) {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(std::uint16_t(server.port()));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        sockets.push_back(fd);
    }
    for (int fd : sockets) {
        pollfd p{fd, POLLOUT, 0};
        int error_code = 0;
        socklen_t size = sizeof error_code;
        if (::poll(&p, 1, 500) > 0 &&
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error_code, &size) == 0 && error_code == 0)
            ++connected;
        ::close(fd);
    }
    CHECK(connected == 64);
}

// The head of every request is read whole, within the read timeout, and checked before the
// library parses it (request_head_test has the rules). Before: a GET's body, or a body whose
// length sat in a field the library could not parse (`Content-Length : N`), was answered as
// a request of its own; headers streamed without end grew the server by 65 MB a second; a
// client trickling its head held a worker (and shutdown) for as long as it liked.
TEST_CASE("serve: a request's head is checked whole before it is served", "[serve][robustness]") {
    cpl::serve::Options options;
    options.read_timeout_ms = 1000;
    TestServer server(options);
    const std::string inner = "GET /v1/muscles HTTP/1.1\r\nHost: a\r\n\r\n";
    auto exchange = [&](const std::string& request) { return send_raw(server, request); };
    auto answers = [](const std::string& got) {
        std::size_t n = 0;
        for (std::size_t at = got.find("HTTP/1.1 "); at != std::string::npos;
             at = got.find("HTTP/1.1 ", at + 1))
            ++n;
        return n;
    };
    std::string length = std::to_string(inner.size());
    // A GET with a body: answered, and the body never read as a request.
    std::string got = exchange("GET /v1/health HTTP/1.1\r\nHost: a\r\nContent-Length: " + length +
                               "\r\n\r\n" + inner);
    CHECK(got.starts_with("HTTP/1.1 200"));
    CHECK(answers(got) == 1);
    // A field the library would have dropped: refused, and the body not answered.
    got = exchange("POST /v1/evaluate HTTP/1.1\r\nHost: a\r\nContent-Length : " + length +
                   "\r\n\r\n" + inner);
    CHECK(got.starts_with("HTTP/1.1 400"));
    CHECK(got.find("is not a token (whitespace before the colon?)") != std::string::npos);
    CHECK(answers(got) == 1);
    got = exchange("GET /v1/health HTTP/1.1\r\n\r\n");
    CHECK(got.starts_with("HTTP/1.1 400"));
    CHECK(got.find("no Host header") != std::string::npos);
    got = exchange("POST /v1/evaluate HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n");
    CHECK(got.starts_with("HTTP/1.1 501"));
    // A length over the limit: refused at once, not after the read timeout.
    auto start = Clock::now();
    got = exchange("POST /v1/evaluate HTTP/1.1\r\nHost: a\r\nContent-Length: 999999999\r\n\r\n");
    CHECK(got.starts_with("HTTP/1.1 413"));
    CHECK(Clock::now() - start < std::chrono::milliseconds(900));
    // Headers without end: refused past the head's limit.
    std::string fields = "GET /v1/health HTTP/1.1\r\nHost: a\r\n";
    while (fields.size() < cpl::serve::max_head_bytes + 1024)
        fields += "X-" + std::to_string(fields.size()) + ": " + std::string(200, 'a') + "\r\n";
    got = exchange(fields);
    CHECK(got.starts_with("HTTP/1.1 431"));
    // Bytes that are not UTF-8 in a path or a parameter: an error quoting them made the JSON
    // library throw, and the server ended.
    got = exchange("GET /v1/%FF HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK(got.starts_with("HTTP/1.1 404"));
    CHECK(got.find("\xef\xbf\xbd") != std::string::npos); // U+FFFD in the message
    got = exchange("POST /v1/evaluate?policy=%FF HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n"
                   "Connection: close\r\n\r\n{}");
    CHECK(got.starts_with("HTTP/1.1 404"));
    got = exchange("POST /v1/evaluate HTTP/1.1\r\nHost: a\r\nContent-Length: 1\xff\r\n\r\n");
    CHECK(got.starts_with("HTTP/1.1 400"));
    // A length that is not one number of bytes, on the FHIR endpoint: an OperationOutcome.
    got = exchange("POST /v1/fhir/Claim HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n{");
    CHECK(got.starts_with("HTTP/1.1 400"));
    CHECK(got.find("\"resourceType\":\"OperationOutcome\"") != std::string::npos);
    // A line ended by LF alone: refused at once, not at the read timeout.
    start = Clock::now();
    got = exchange("GET /v1/health HTTP/1.1\nHost: a\n\n");
    CHECK(got.starts_with("HTTP/1.1 400"));
    CHECK(Clock::now() - start < std::chrono::milliseconds(900));
    // A request with neither a length nor chunks has no body (RFC 9112, 6.3): answered at
    // once, whatever its method and route; the library waited for a body until the read
    // timeout on a POST, PUT or PATCH, then gave a 400.
    for (const char* request :
         {"POST /v1/health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
          "PATCH /v1/evaluate HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
          "PUT /v1/nowhere HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
          "POST /v1/evaluate HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"}) {
        INFO(request);
        start = Clock::now();
        got = exchange(request);
        CHECK(Clock::now() - start < std::chrono::milliseconds(900));
        CHECK(got.find("the request could not be read") == std::string::npos);
    }
    CHECK(exchange("POST /v1/evaluate HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
              .find("the request body is empty") != std::string::npos);
    // A target in absolute-form (RFC 9112, 3.2.2: a server must accept it) is served as its
    // path; it was a 404 "no endpoint GET http://…". A POST's body still follows its head.
    got = exchange("GET http://a/v1/health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    CHECK(got.starts_with("HTTP/1.1 200"));
    CHECK(got.find("\"policies\"") != std::string::npos);
    got = exchange(
        "POST HTTPS://a:8080/v1/evaluate?policy=standard HTTP/1.1\r\nHost: a\r\nContent-Length: " +
        std::to_string(study.size()) + "\r\nConnection: close\r\n\r\n" + study);
    CHECK(got.starts_with("HTTP/1.1 200"));
    CHECK(got.find("\"case\": \"ok\"") != std::string::npos);
    CHECK(exchange("GET http://a HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
              .find("<title>cpl workbench</title>") != std::string::npos);
    got = exchange("GET http:///v1/health HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK(got.starts_with("HTTP/1.1 400"));
    CHECK(got.find("names no host") != std::string::npos);
    // A request line over the limit: 414 with its own reason phrase (it said "Error").
    got = exchange("GET /" + std::string(cpl::serve::max_head_line, 'a') +
                   " HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK(got.starts_with("HTTP/1.1 414 URI Too Long\r\n"));
    // HEAD is answered without the library's offer of byte ranges: Range is ignored.
    got = exchange("HEAD /v1/health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    CHECK(got.starts_with("HTTP/1.1 200"));
    CHECK(got.find("Accept-Ranges") == std::string::npos);
    // A method the server does not implement: 501 (RFC 9110, 9.1), not the library's 400.
    got = exchange("TRACE /v1/health HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK(got.starts_with("HTTP/1.1 501 Not Implemented"));
    // A body that stops coming: 408 at the read timeout, with one `Connection: close`.
    for (const char* path : {"/v1/evaluate", "/v1/fhir/Claim"}) {
        INFO(path);
        got = exchange(std::string("POST ") + path +
                       " HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n{\"id\"");
        CHECK(got.starts_with("HTTP/1.1 408 Request Timeout"));
        CHECK(got.find("the request's body did not arrive within the read timeout") !=
              std::string::npos);
        std::size_t close = got.find("Connection: close");
        CHECK(close != std::string::npos);
        CHECK(got.find("Connection: close", close + 1) == std::string::npos);
    }
    CHECK(got.find("\"code\":\"timeout\"") != std::string::npos); // FHIR's issue type
    // A refused framing ends the connection: one `Connection: close`, and no `Keep-Alive`
    // beside it (the library added its own headers beside the handler's).
    got = exchange("POST /v1/evaluate HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                   "Transfer-Encoding: chunked\r\n\r\nabc");
    CHECK(got.starts_with("HTTP/1.1 400"));
    std::size_t close = got.find("Connection: close");
    CHECK(close != std::string::npos);
    CHECK(got.find("Connection: close", close + 1) == std::string::npos);
    CHECK(got.find("Keep-Alive") == std::string::npos);
    // A kept connection says how many more requests it takes, one fewer each time.
    got = exchange("GET /v1/health HTTP/1.1\r\nHost: a\r\n\r\n"
                   "GET /v1/health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    CHECK(answers(got) == 2);
    CHECK(got.find("Keep-Alive: timeout=") != std::string::npos);
    CHECK(got.find(", max=999\r\n") != std::string::npos);
    CHECK(got.find("Connection: close") > got.find(", max=999"));
    // `close` among other connection options ends the connection after the answer.
    got = exchange("GET /v1/health HTTP/1.1\r\nHost: a\r\nConnection: foo, Close\r\n\r\n" + inner);
    CHECK(answers(got) == 1);
    // After a chunked body the connection ends: junk after a chunk is never a request.
    got = exchange("POST /v1/evaluate HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n2\r\n{}JUNK\r\n" +
                   inner);
    CHECK(answers(got) == 1);
    // A body trickled slower than the minimum rate is cut off once the read timeout has
    // passed, not held for as long as the client likes.
    {
        int slow_body = connect_to(server.port());
        std::string post =
            "POST /v1/evaluate HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n";
        REQUIRE(::write(slow_body, post.data(), post.size()) == ssize_t(post.size()));
        auto began = Clock::now();
        bool refused = false;
        while (Clock::now() - began < std::chrono::seconds(6)) {
            if (::send(slow_body, " ", 1, MSG_NOSIGNAL) != 1) {
                refused = true;
                break;
            }
            pollfd p{slow_body, POLLIN, 0};
            if (::poll(&p, 1, 300) > 0) {
                refused = true;
                break;
            }
        }
        ::close(slow_body);
        CHECK(refused);
        CHECK(Clock::now() - began < std::chrono::seconds(4));
    }
    // A head sent a byte at a time, slower than the read timeout allows for it whole.
    int fd = connect_to(server.port());
    std::string slow = "GET /v1/health HTTP/1.1\r\nHost: a\r\nX-Slow: 1\r\n";
    start = Clock::now();
    bool cut = false;
    for (char c : slow) {
        if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1) {
            cut = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(60));
    }
    got = read_until_closed(fd, std::chrono::seconds(5));
    ::close(fd);
    CHECK((cut || got.starts_with("HTTP/1.1 408")));
    CHECK(Clock::now() - start < std::chrono::seconds(4));
    still_serving(server);
}

namespace {

// `text` compressed with gzip; `cut` bytes dropped from its end.
std::string gzipped(const std::string& text, std::size_t cut = 0) {
    z_stream z{};
    REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&z, uLong(text.size())) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z.avail_in = uInt(text.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    out.resize(z.total_out - cut);
    deflateEnd(&z);
    return out;
}

} // namespace

TEST_CASE("serve: Content-Encoding is decoded whole, in order, or refused", "[serve][robustness]") {
    cpl::serve::Options options;
    options.max_body = 64 * 1024;
    TestServer server(options);
    auto client = server.client();
    auto post = [&](const char* path, const std::string& coding, const std::string& body) {
        auto res = client.Post(path, {{"Content-Encoding", coding}}, body, "application/json");
        REQUIRE(res);
        return *res;
    };
    CHECK(post("/v1/evaluate", "gzip", gzipped(study)).status == 200);
    CHECK(post("/v1/evaluate", "identity", study).status == 200);
    CHECK(post("/v1/evaluate", "gzip, gzip", gzipped(gzipped(study))).status == 200);
    // A batch cut short was served as the cases that arrived, 200, without a word.
    std::string batch;
    for (int i = 0; i < 50; ++i)
        batch += study + "\n";
    auto cut = post("/v1/batch", "gzip", gzipped(batch, 8));
    CHECK(cut.status == 400);
    CHECK(json::parse(cut.body)["error"] ==
          "the request body is not valid `gzip` data: it ends before the stream does (truncated)");
    std::string corrupt = gzipped(study);
    corrupt[corrupt.size() / 2] ^= 0x55;
    CHECK(post("/v1/evaluate", "gzip", corrupt).status == 400);
    // Bytes after the data that do not begin another member are named as such; a member
    // after it is read (`cat a.gz b.gz`), and one cut after its first byte is truncated.
    auto junk = post("/v1/evaluate", "gzip", gzipped(study) + "junk");
    CHECK(junk.status == 400);
    CHECK(json::parse(junk.body)["error"] == "the request body is not valid `gzip` data: 4 bytes "
                                             "after the end of the data are not another gzip "
                                             "member");
    auto newline = post("/v1/evaluate", "gzip", gzipped(study) + "\n");
    CHECK(json::parse(newline.body)["error"] == "the request body is not valid `gzip` data: 1 "
                                                "byte after the end of the data is not another "
                                                "gzip member");
    CHECK(post("/v1/batch", "gzip", gzipped(study + "\n") + gzipped(study)).status == 200);
    CHECK(json::parse(post("/v1/evaluate", "gzip", gzipped(study) + "\x1f").body)["error"] ==
          "the request body is not valid `gzip` data: it ends before the stream does (truncated)");
    // Compressed once but said twice; and a coding the server does not know: never read as
    // plain JSON.
    CHECK(post("/v1/evaluate", "gzip, gzip", gzipped(study)).status == 400);
    CHECK(post("/v1/evaluate", "gzip, gzip", study).status == 400);
    auto unknown = post("/v1/evaluate", "foo", study);
    CHECK(unknown.status == 415);
    CHECK(json::parse(unknown.body)["error"] == "Content-Encoding `foo` is not supported");
    auto fhir = post("/v1/fhir/Claim", "gzip, foo", study);
    CHECK(fhir.status == 415);
    CHECK(json::parse(fhir.body)["resourceType"] == "OperationOutcome");
    // The limit holds for the decoded body too.
    auto bomb = post("/v1/evaluate", "gzip", gzipped(std::string(1 << 20, ' ')));
    CHECK(bomb.status == 413);
    CHECK(json::parse(bomb.body)["help"] ==
          "send a smaller body, or start the server with a larger --max-body");
    auto batch_bomb = post("/v1/batch", "gzip", gzipped(std::string(1 << 20, ' ')));
    CHECK(batch_bomb.status == 413);
    CHECK(json::parse(batch_bomb.body)["help"] ==
          "send fewer cases per batch request, or start the server with a larger --max-body");
    still_serving(server);
}

// The library's socket options add SO_REUSEPORT: a second server on a port in use started,
// said it was listening, and took a share of the first one's connections.
TEST_CASE("serve: a port already in use stops the start, a restart binds it at once",
          "[serve][robustness]") {
    int port = 0;
    {
        TestServer first;
        port = first.port();
        still_serving(first); // a connection the restart finds in TIME_WAIT
        cpl::serve::Options options;
        options.host = "127.0.0.1";
        options.port = port;
        options.watch_ms = 0;
        cpl::serve::Server second(options);
        std::string error;
        CHECK_FALSE(second.start(error));
        CHECK(error == fmt::format("cannot listen on 127.0.0.1:{}\n", port));
    }
    cpl::serve::Options options;
    options.host = "127.0.0.1";
    options.port = port;
    options.watch_ms = 0;
    cpl::serve::Server again(options);
    std::string error;
    CHECK(again.start(error));
    CHECK(error.empty());
}

// RFC 9110 (14.2) lets a server ignore Range, and a POST's must be: the library answered one
// with a slice of the result as `200 OK` (a cache would keep it as the answer), a GET with
// multipart/byteranges, and an unsatisfiable range with 416 after the case was decided.
TEST_CASE("serve: the Range header is ignored on every endpoint", "[serve][robustness]") {
    TestServer server;
    auto client = server.client();
    auto whole = client.Post("/v1/evaluate", study, "application/json");
    REQUIRE(whole);
    for (const char* range : {"bytes=0-10", "bytes=9999-", "bytes=5-1,0-1", "bytes=0-1,3-4"}) {
        INFO(range);
        auto res = client.Post("/v1/evaluate", {{"Range", range}}, study, "application/json");
        REQUIRE(res);
        CHECK(res->status == 200);
        CHECK(res->body == whole->body);
        CHECK_FALSE(res->has_header("Content-Range"));
        auto health = client.Get("/v1/health", {{"Range", range}});
        REQUIRE(health);
        CHECK(health->status == 200);
        CHECK(health->get_header_value("Content-Type") == "application/json");
        CHECK_FALSE(health->has_header("Content-Range"));
        CHECK(json::parse(health->body)["status"] == "ok");
    }
    auto fhir =
        client.Post("/v1/fhir/Claim", {{"Range", "bytes=0-20"}},
                    slurp(source_root / "tests/golden/fhir/review-95870-59-denied.request.json"),
                    "application/fhir+json");
    REQUIRE(fhir);
    CHECK(fhir->status == 200);
    CHECK(json::parse(fhir->body)["resourceType"] == "ClaimResponse");
}

// The library reads a form-data body only into parts: with no part reader, it threw, and
// every POST endpoint answered 500, uncounted and unlogged.
TEST_CASE("serve: a multipart/form-data body is a counted 415 that says the body is JSON",
          "[serve][robustness]") {
    TestServer server;
    for (const char* path : {"/v1/evaluate", "/v1/review", "/v1/batch", "/v1/fhir/Claim"}) {
        INFO(path);
        auto client = server.client();
        httplib::MultipartFormDataItems form = {{"case", study, "case.json", "application/json"}};
        auto res = client.Post(path, form);
        REQUIRE(res);
        CHECK(res->status == 415);
        CHECK(res->body.find("the body is read as JSON") != std::string::npos);
        // The FHIR endpoint's help spoke of a case.
        std::string_view sent = std::string(path) == "/v1/fhir/Claim" ? "send the Claim itself"
                                : std::string(path) == "/v1/batch"    ? "send the cases themselves"
                                                                      : "send the case itself";
        CHECK(res->body.find(sent) != std::string::npos);
        CHECK((json::parse(res->body).value("resourceType", "") == "OperationOutcome") ==
              (std::string(path) == "/v1/fhir/Claim"));
    }
    auto metrics = server.client().Get("/metrics");
    REQUIRE(metrics);
    CHECK(
        metrics->body.find("cpl_http_requests_total{endpoint=\"/v1/evaluate\",status=\"415\"} 1") !=
        std::string::npos);
    still_serving(server);
}

// The form-data test was the library's, case-sensitive: `Multipart/Form-Data` was read as a
// case (422). A media type's name is case-insensitive (RFC 9110, 8.3.1).
TEST_CASE("serve: a multipart/form-data body is refused whatever the case of its type",
          "[serve][robustness]") {
    TestServer server;
    for (const char* type : {"Multipart/Form-Data; boundary=x", "MULTIPART/FORM-DATA;boundary=x",
                             "multipart/form-data ; boundary=x"}) {
        INFO(type);
        auto client = server.client();
        auto res = client.Post("/v1/evaluate", "--x\r\n\r\n{}\r\n--x--\r\n", type);
        REQUIRE(res);
        CHECK(res->status == 415);
        CHECK(res->body.find("the body is read as JSON") != std::string::npos);
    }
    // Another multipart type is no form: read as the body it is.
    auto mixed = server.client().Post("/v1/evaluate", "{\"id\": \"a\"}", "multipart/mixed");
    REQUIRE(mixed);
    CHECK(mixed->status == 200);
    still_serving(server);
}

// OPTIONS was answered but not counted: cpl_http_requests_total is every request answered.
TEST_CASE("serve: an OPTIONS request is counted in cpl_http_requests_total",
          "[serve][robustness]") {
    TestServer server;
    auto client = server.client();
    REQUIRE(client.Options("/v1/evaluate")->status == 200);
    REQUIRE(client.Options("/v1/health")->status == 200);
    REQUIRE(client.Options("*")->status == 200);
    std::string m = client.Get("/metrics")->body;
    CHECK(m.find("cpl_http_requests_total{endpoint=\"/v1/evaluate\",status=\"200\"} 1") !=
          std::string::npos);
    CHECK(m.find("cpl_http_requests_total{endpoint=\"/v1/health\",status=\"200\"} 1") !=
          std::string::npos);
    CHECK(m.find("cpl_http_requests_total{endpoint=\"other\",status=\"200\"} 1") !=
          std::string::npos);
}

namespace {

// This process's resident memory, in MiB, once the free memory of every thread (the test's
// client too) is given back: what is left is what is held.
long resident_mib() {
    malloc_trim(0);
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.starts_with("VmRSS:")) return std::stol(line.substr(6)) / 1024;
    return -1;
}

} // namespace

// A session kept its arena and parser buffers at the largest case it had run: one 8 MB case
// left ~150 MB resident per worker and per policy, for the life of the process.
TEST_CASE("serve: a worker gives back the memory a very large case took", "[serve][robustness]") {
    cpl::serve::Options options;
    options.threads = 1;
    TestServer server(options);
    still_serving(server);
    long before = resident_mib();
    {
        std::string big = R"({"id": "big", "date_of_service": "2025-01-01", "diagnoses": [)";
        for (int i = 0; i < 800'000; ++i)
            big += i ? ", \"G56.01\"" : "\"G56.01\"";
        big += "]}";
        REQUIRE(big.size() < options.max_body);
        auto res = server.client().Post("/v1/evaluate", big, "application/json");
        REQUIRE(res);
        CHECK(res->status == 200);
    }
    still_serving(server);
    long after = resident_mib();
    INFO("resident before " << before << " MiB, after " << after << " MiB");
    // Measured: 127 MiB kept at first; 43 once the session was dropped (glibc had raised its
    // mmap threshold to the largest block freed, and the next large blocks came from the
    // worker's heap among small ones that outlive them); 0 with the threshold fixed at 1 MiB
    // (server.cpp). AddressSanitizer keeps freed memory in quarantine: not measured.
#if !defined(__SANITIZE_ADDRESS__)
    CHECK(after - before < 16);
#endif
}
