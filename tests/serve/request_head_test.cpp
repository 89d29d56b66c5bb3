// tests/serve/request_head_test.cpp — a request's head checked as RFC 9112 asks, before the
// library parses it (interpreter/serve/request_head.hpp).
#include "interpreter/serve/request_head.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace cpl::serve;

namespace {

int status_of(const std::string& head) {
    auto checked = check_head(head);
    if (auto* problem = std::get_if<HeadProblem>(&checked)) return problem->status;
    return 200;
}

} // namespace

TEST_CASE("request head: what passes, and what it tells the loop", "[serve][head]") {
    auto checked = check_head("POST /v1/evaluate?policy=standard HTTP/1.1\r\nHost: a\r\n"
                              "Content-Type: application/json\r\nContent-Length: 12");
    REQUIRE(std::holds_alternative<RequestHead>(checked));
    const auto& head = std::get<RequestHead>(checked);
    CHECK(head.method == "POST");
    CHECK(head.path == "/v1/evaluate");
    CHECK(head.has_body);
    CHECK(head.content_length == 12u);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a") == 200);
    CHECK(status_of("GET / HTTP/1.0") == 200); // HTTP/1.0 needs no Host
    // Its connection ends after one answer, which says so (it carried Keep-Alive).
    CHECK(std::get<RequestHead>(check_head("GET / HTTP/1.0")).wants_close);
    CHECK(
        std::get<RequestHead>(check_head("GET / HTTP/1.0\r\nConnection: keep-alive")).wants_close);
    CHECK(status_of("POST /v1/batch HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked") == 200);
    CHECK(std::get<RequestHead>(check_head("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0"))
              .has_body == false);
    CHECK(std::get<RequestHead>(check_head("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 4"))
              .has_body);
    // RFC 9110, 7.6.1: connection options are a list, in any case.
    CHECK(std::get<RequestHead>(check_head("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, Close"))
              .wants_close);
    CHECK_FALSE(
        std::get<RequestHead>(check_head("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive"))
            .wants_close);
    CHECK(std::get<RequestHead>(
              check_head("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked"))
              .chunked);
    // Whether a length was given at all: the loop adds `Content-Length: 0` to a head without
    // one (nor chunks), and a length that is not a number is left for its own 400.
    CHECK_FALSE(std::get<RequestHead>(check_head("POST / HTTP/1.1\r\nHost: a")).has_length);
    auto unreadable_checked = check_head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc");
    const auto& unreadable = std::get<RequestHead>(unreadable_checked);
    CHECK(unreadable.has_length);
    CHECK_FALSE(unreadable.content_length);
    for (const char* method : {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
        CHECK(status_of(std::string(method) + " / HTTP/1.1\r\nHost: a") == 200);
}

// Each of these the library read past: a field it could not parse was dropped, so a body
// whose length it named was answered as a request of its own.
TEST_CASE("request head: what is refused, with its status", "[serve][head]") {
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length : 5") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length\t: 5") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n Content-Length: 5") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\n Host: a") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nHost x") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: ") == 400);
    CHECK(status_of(std::string("GET / HTTP/1.1\r\nHost: a\r\nX: a") + '\0' + "b") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\nX: b") == 400);
    CHECK(status_of("GET / HTTP/1.1") == 400); // no Host
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b") == 400);
    // A Host that is no host name with an optional port was served (`a b`).
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a b") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a/b") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a:8x") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: [::1") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: localhost:18080") == 200);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: 127.0.0.1") == 200);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: [::1]:80") == 200);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: [fe80::1%25eth0]:80") == 200); // a zone, RFC 6874
    CHECK(status_of("GET / HTTP/1.1\r\nHost: [v1.fe80::a+b]") == 200);      // an IPvFuture
    CHECK(status_of("GET / HTTP/1.1\r\nHost: [::1 ]") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: xn--bcher-kva.example") == 200);
    CHECK(status_of("GET / HTTP/1.1\r\nHost:") == 200); // no authority
    CHECK(status_of("GET /  HTTP/1.1\r\nHost: a") == 400);
    CHECK(status_of("GET / HTTP/2.0\r\nHost: a") == 505);
    CHECK(status_of("GET / FTP/1.1\r\nHost: a") == 400);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip") == 501);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked") == 501);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked") == 400);
    CHECK(status_of("GET /v1/\xff HTTP/1.1\r\nHost: a") == 400); // a raw byte in the target
    CHECK(status_of("GET /v1/\x01 HTTP/1.1\r\nHost: a") == 400);
    CHECK(status_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(max_head_line, 'a')) == 431);
    CHECK(status_of("GET /" + std::string(max_head_line, 'a') + " HTTP/1.1\r\nHost: a") == 414);
    std::string many = "GET / HTTP/1.1\r\nHost: a";
    for (std::size_t i = 0; i < max_head_fields; ++i)
        many += "\r\nX-" + std::to_string(i) + ": 1";
    CHECK(status_of(many) == 431);
    // RFC 9110, 9.1: a method the server does not implement is 501, and methods are
    // case-sensitive (the library gave these a bare 400).
    for (const char* method : {"TRACE", "CONNECT", "PRI", "get", "Post", "PROPFIND"})
        CHECK(status_of(std::string(method) + " / HTTP/1.1\r\nHost: a") == 501);
    auto trace = std::get<HeadProblem>(check_head("TRACE /v1/health HTTP/1.1\r\nHost: a"));
    CHECK(trace.message ==
          "the method `TRACE` is not implemented: the server takes GET, HEAD, POST and OPTIONS");
    CHECK(trace.path == "/v1/health");
    // Another HTTP version names its path too, so that FHIR's endpoint refuses it as an
    // OperationOutcome (it was cpl's JSON, the path not yet read).
    auto version = std::get<HeadProblem>(check_head("POST /v1/fhir/Claim HTTP/2.0\r\nHost: a"));
    CHECK(version.status == 505);
    CHECK(version.path == "/v1/fhir/Claim");
}

TEST_CASE("request head: a target in absolute-form is given to the library as its path",
          "[serve][head]") {
    std::string text = "GET http://example.org:8080/v1/health?x=1 HTTP/1.1\r\nHost: a";
    auto checked = check_head(text);
    REQUIRE(std::holds_alternative<RequestHead>(checked));
    const auto& head = std::get<RequestHead>(checked);
    CHECK(head.path == "/v1/health");
    REQUIRE(head.origin_form);
    CHECK(text.substr(head.origin_form->offset, head.origin_form->size) ==
          "http://example.org:8080/v1/health?x=1");
    CHECK(head.origin_form->target == "/v1/health?x=1");
    // No path: the root, with its query; the scheme in any case.
    auto root_checked = check_head("GET HTTPS://a?x HTTP/1.1\r\nHost: a");
    const auto& root = std::get<RequestHead>(root_checked);
    CHECK(root.path == "/");
    CHECK(root.origin_form->target == "/?x");
    // An origin-form target is left as it is; another scheme is not this server's (404).
    CHECK_FALSE(
        std::get<RequestHead>(check_head("GET /v1/health HTTP/1.1\r\nHost: a")).origin_form);
    CHECK_FALSE(
        std::get<RequestHead>(check_head("GET ftp://a/v1 HTTP/1.1\r\nHost: a")).origin_form);
    auto no_host = check_head("GET http:///v1/health HTTP/1.1\r\nHost: a");
    REQUIRE(std::holds_alternative<HeadProblem>(no_host));
    CHECK(std::get<HeadProblem>(no_host).message ==
          "the request target `http:///v1/health` names no host");
}
