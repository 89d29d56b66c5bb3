// interpreter/serve/server.cpp — the HTTP wiring (cpp-httplib): routes, limits, timeouts,
// JSON errors for what never reaches a handler, metrics around every request.
#include "interpreter/serve/server.hpp"

#include "interpreter/serve/api.hpp"
#include "interpreter/serve/connection.hpp"
#include "interpreter/serve/content_coding.hpp"
#include "interpreter/serve/fhir.hpp"
#include "interpreter/serve/json_dump.hpp"
#include "interpreter/serve/web_assets.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <functional>
#include <httplib.h>
#include <malloc.h>
#include <sys/socket.h>
#include <thread>

namespace cpl::serve {

namespace {

using Clock = std::chrono::steady_clock;

// A Content-Length a client may send: digits only, at most 19 of them (a 64-bit count).
bool is_byte_count(const std::string& header) {
    return !header.empty() && header.size() <= 19 &&
           std::all_of(header.begin(), header.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Whether the body is a form (`multipart/form-data`), its media type compared ignoring case
// (RFC 9110, 8.3.1): the library's test is case-sensitive, and `Multipart/Form-Data` was read
// as a case (a 422) rather than refused.
bool is_form_data(const httplib::Request& req) {
    std::string type = req.get_header_value("Content-Type");
    type = type.substr(0, type.find(';'));
    std::size_t first = type.find_first_not_of(" \t");
    if (first == std::string::npos) return false;
    type = type.substr(first, type.find_last_not_of(" \t") + 1 - first);
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return type == "multipart/form-data";
}

// The query string alone: httplib also parses a form-encoded *body* into req.params, and a
// case posted by `curl -d` (form-encoded by default) must not turn into parameters. Read
// here, not by the library's parser, which kept only the text after a value's last `=`
// (`policy=nope=standard` was served by `standard`) and dropped a pair given twice: a
// value runs from the first `=` to the `&` (RFC 3986 allows `=` in it), and every pair counts.
Params query_of(const httplib::Request& req) {
    Params params;
    std::size_t q = req.target.find('?');
    if (q == std::string::npos) return params;
    std::string_view query = std::string_view(req.target).substr(q + 1);
    query = query.substr(0, query.find('#'));
    for (std::size_t start = 0; start <= query.size();) {
        std::size_t end = std::min(query.find('&', start), query.size());
        std::string_view pair = query.substr(start, end - start);
        start = end + 1;
        if (pair.empty()) continue;
        std::size_t equals = pair.find('=');
        std::string key(pair.substr(0, equals));
        std::string value(equals == std::string_view::npos ? "" : pair.substr(equals + 1));
        params.emplace(httplib::detail::decode_url(key, true),
                       httplib::detail::decode_url(value, true));
    }
    return params;
}

// Every Accept field line, as the one comma-separated list they mean (RFC 9110, 5.3).
std::string accept_of(const httplib::Request& req) {
    std::string joined;
    for (std::size_t i = 0; i < req.get_header_value_count("Accept"); ++i) {
        if (!joined.empty()) joined += ", ";
        joined += req.get_header_value("Accept", i);
    }
    return joined;
}

std::string today() {
    return utc_now().substr(0, 10);
}

// A route's label for metrics: the pattern for the routes we serve, "other" for the rest, so
// a scan of random paths cannot grow the series without bound.
std::string endpoint_label(const std::string& path) {
    static const char* const known[] = {"/",           "/workbench.js",  "/workbench.css",
                                        "/v1/health",  "/v1/policies",   "/v1/diff",
                                        "/v1/muscles", "/v1/evaluate",   "/v1/review",
                                        "/v1/batch",   "/v1/fhir/Claim", "/v1/metrics",
                                        "/metrics"};
    for (const char* k : known)
        if (path == k) return k;
    return "other";
}

} // namespace

struct Server::Impl {
    Options options;
    PolicyStore store;
    Metrics metrics;
    std::unique_ptr<DecisionLog> decisions;
    Context ctx{store, metrics, nullptr};
    ConnectionServer http;
    int port = 0;
    int listening = -1; // the socket bound to the port (see limits())

    explicit Impl(Options o)
        : options(std::move(o)), store([this](const std::string& line) { say(line); }) {}

    void say(const std::string& line) const {
        if (options.log)
            options.log(line);
        else
            fmt::print(stderr, "cpl serve: {}\n", line);
    }

    // Answers with what `make` replies, timed, its status counted, whatever it throws.
    template <typename Make>
    void answer(const std::string& label, const httplib::Request& req, httplib::Response& res,
                Make make) {
        auto start = Clock::now();
        Reply reply;
        try {
            reply = make();
        } catch (const std::exception& e) {
            // A bug of cpl's, not the client's fault: the detail goes to the server's log,
            // the client gets no library's exception text, in its endpoint's form (a FHIR
            // client reads an OperationOutcome, not cpl's JSON error).
            say(fmt::format("internal error on {} {}: {}", req.method, req.path, e.what()));
            reply = error_for(req.path, 500,
                              "internal error: the server could not answer this request (its "
                              "log has the detail)");
        }
        res.status = reply.status;
        res.set_content(std::move(reply.body), reply.type.c_str());
        metrics.request(label, res.status, Clock::now() - start);
    }

    // An error the server answers itself, not a handler: JSON with its help, or on the FHIR
    // endpoint an OperationOutcome (the help in its diagnostics), whatever went wrong.
    static Reply error_for(std::string_view path, int status, const std::string& message,
                           const std::string& help = {}) {
        if (path != "/v1/fhir/Claim") return error_reply(status, message, help);
        std::string_view code = status == 413   ? "too-costly"
                                : status == 408 ? "timeout"
                                : status == 500 ? "exception"
                                : status == 405 || status == 415 || status == 501 || status == 505
                                    ? "not-supported"
                                    : "structure";
        return {status,
                json_dump(fhir::operation_outcome(
                    code, help.empty() ? message : message + " (" + help + ")", "")),
                "application/fhir+json"};
    }

    // What to do about a body the server would not read, the same whether the library, the
    // connection loop (a length over the limit, a chunked body) or the decoder refused it; or,
    // where `head_unread`, about a head that did not arrive (it was told to send its body).
    static std::string refusal_help(int status, std::string_view path, bool head_unread = false) {
        if (status == 413)
            return path == "/v1/batch"
                       ? "send fewer cases per batch request, or start the server with a "
                         "larger --max-body"
                       : "send a smaller body, or start the server with a larger --max-body";
        if (status == 408 && head_unread)
            return "send the request's head (its request line and header fields) at once: all "
                   "of it must arrive within the read timeout";
        if (status == 408)
            return fmt::format("send the body at once, at {} KiB/s or faster",
                               min_body_rate / 1024);
        return {};
    }

    template <typename Handler> auto timed(std::string label, Handler handler) {
        return [this, label, handler](const httplib::Request& req, httplib::Response& res) {
            answer(label, req, res, [&] { return handler(req); });
        };
    }

    // A request's body, read here and never past --max-body: the library bounds a body sent
    // with a Content-Length (a 413 before it is read), but read a chunked one whole, however
    // large (1.5 GB of one took 3.7 GB of memory). False, with the response's status set,
    // when it could not be read; the error handler then words the answer. A request with
    // neither a length nor chunks comes with `Content-Length: 0` (connection.cpp).
    bool read_body(const httplib::ContentReader& content, httplib::Response& res,
                   std::string& body) {
        // Past the limit, up to as much again is read and dropped before giving up: a client
        // still sending when the connection closes may lose the 413 to a reset.
        std::size_t dropped = 0;
        bool read = content([&](const char* data, std::size_t size) {
            if (dropped == 0 && size <= options.max_body - body.size()) {
                body.append(data, size);
                return true;
            }
            dropped += size;
            return dropped <= options.max_body;
        });
        bool too_large = dropped > 0;
        if (read && !too_large) return true;
        if (too_large) res.status = 413;
        if (res.status < 400) res.status = body_timed_out() ? 408 : 400;
        // The rest of the body is still on its way: it must not be read as a next request.
        res.set_header("Connection", "close");
        close_after_response();
        return false;
    }

    // A route asked with a method it does not take is told which it takes (RFC 9110, 15.5.6:
    // a 405 says what is allowed), not a bare 404; OPTIONS is answered with what it takes
    // (9.3.7). A GET route takes HEAD too (the library answers it).
    void other_methods(const std::string& path, const std::string& method) {
        std::string allow = method == "GET" ? "GET, HEAD, OPTIONS" : method + ", OPTIONS";
        auto refuse = [this, path, method, allow](const httplib::Request& req,
                                                  httplib::Response& res) {
            answer(path, req, res, [&] {
                return error_for(path, 405,
                                 method == "POST" ? fmt::format("{} takes POST with a body", path)
                                                  : fmt::format("{} takes {}", path, method),
                                 "see docs/openapi.yaml");
            });
            res.set_header("Allow", allow);
        };
        // 200 with no content, not 204: the library writes `Content-Length: 0`, which a 204
        // must not carry (RFC 9110, 8.6). Counted as every answer is: it went unseen in
        // cpl_http_requests_total.
        http.Options(path, [this, path, allow](const httplib::Request&, httplib::Response& res) {
            auto start = Clock::now();
            res.status = 200;
            res.set_header("Allow", allow);
            metrics.request(path, res.status, Clock::now() - start);
        });
        if (method != "GET") http.Get(path, refuse);
        if (method != "POST") http.Post(path, refuse);
        http.Put(path, refuse);
        http.Delete(path, refuse);
        http.Patch(path, refuse);
    }

    void routes() {
        auto asset = [this](std::string path) {
            http.Get(path, timed(path, [path](const httplib::Request&) {
                         auto file = web_asset(path == "/" ? "index.html" : path.substr(1));
                         Reply r{200, std::string(file ? *file : ""), "text/html; charset=utf-8"};
                         if (path.ends_with(".js")) r.type = "text/javascript; charset=utf-8";
                         if (path.ends_with(".css")) r.type = "text/css; charset=utf-8";
                         return r;
                     }));
            other_methods(path, "GET");
        };
        // `OPTIONS *` asks what the server as a whole takes (RFC 9110, 9.3.7).
        http.Options("\\*", [this](const httplib::Request& req, httplib::Response& res) {
            auto start = Clock::now();
            res.set_header("Allow", "GET, HEAD, POST, OPTIONS");
            metrics.request(endpoint_label(req.path), 200, Clock::now() - start);
        });
        asset("/");
        asset("/workbench.js");
        asset("/workbench.css");
        using Get = Reply (*)(Context&, const Params&);
        auto get = [this](std::string path, Get f) {
            http.Get(path, timed(path, [this, f](const httplib::Request& req) {
                         return f(ctx, query_of(req));
                     }));
            other_methods(path, "GET");
        };
        get("/v1/health", &health);
        get("/v1/policies", &policies);
        get("/v1/diff", &diff);
        get("/v1/muscles", &muscles);
        for (const char* path : {"/metrics", "/v1/metrics"}) {
            http.Get(path, timed(path, [this](const httplib::Request& req) {
                         if (auto bad = unknown_parameter(query_of(req), {})) return *bad;
                         return Reply{200, metrics.render(store),
                                      "text/plain; version=0.0.4; charset=utf-8"};
                     }));
            other_methods(path, "GET");
        }
        // POST routes get their body through read_body; GET on one is a client mistake worth
        // naming, not a bare 404.
        using Handler = std::function<Reply(const httplib::Request&, std::string_view body)>;
        auto post = [this](std::string path, Handler handler) {
            http.Post(path, [this, path, handler](const httplib::Request& req,
                                                  httplib::Response& res,
                                                  const httplib::ContentReader& content) {
                // The library reads a form-data body only into parts, and with no part
                // reader it threw (a 500, uncounted). A case is JSON, not a form: refused
                // before the body is read, and the connection ends with the answer.
                if (is_form_data(req)) {
                    res.set_header("Connection", "close");
                    close_after_response();
                    answer(path, req, res, [&] {
                        return error_for(
                            path, 415,
                            "a multipart/form-data body is not read: the body is "
                            "read as JSON, as it is",
                            path == "/v1/fhir/Claim" ? "send the Claim itself as the body: curl "
                                                       "--data-binary @claim.json, not -F"
                            : path == "/v1/batch" ? "send the cases themselves as the body: curl "
                                                    "--data-binary @cases.jsonl, not -F"
                                                  : "send the case itself as the body: curl "
                                                    "--data-binary @case.json, not -F");
                    });
                    return;
                }
                std::string body;
                if (!read_body(content, res, body)) return;
                // Decoded once whole: a truncated or corrupt body is refused, never
                // served in part.
                auto problem = decode_body(body, content_codings(), options.max_body);
                answer(path, req, res, [&] {
                    if (!problem) return handler(req, body);
                    return error_for(path, problem->status, problem->message,
                                     problem->help.empty() ? refusal_help(problem->status, path)
                                                           : problem->help);
                });
                // A large body's pages go back to the system, as a large session's do
                // (settle_session): kept, each worker would hold its largest request.
                if (body.capacity() > session_keep_bytes) {
                    std::string().swap(body);
                    malloc_trim(0);
                }
            });
            other_methods(path, "POST");
        };
        using Api = Reply (*)(Context&, const Params&, std::string_view);
        for (auto [path, api] : {std::pair<const char*, Api>{"/v1/evaluate", &evaluate},
                                 {"/v1/review", &review},
                                 {"/v1/batch", &batch}})
            post(path, [this, api = api](const httplib::Request& req, std::string_view body) {
                return api(ctx, query_of(req), body);
            });
        post("/v1/fhir/Claim", [this](const httplib::Request& req, std::string_view body) {
            return fhir::claim(ctx, query_of(req), body, today(), accept_of(req));
        });
    }

    void limits() {
        int threads =
            options.threads > 0
                ? options.threads
                : int(std::max(16u, 8 * std::max(1u, std::thread::hardware_concurrency())));
        http.new_task_queue = [threads] { return new httplib::ThreadPool(std::size_t(threads)); };
        http.set_payload_max_length(options.max_body);
        auto ms = [](int v) { return std::chrono::milliseconds(v); };
        http.set_read_timeout(ms(options.read_timeout_ms));
        http.set_write_timeout(ms(options.write_timeout_ms));
        http.set_keep_alive_timeout(std::max<time_t>(1, options.keep_alive_ms / 1000));
        http.set_tcp_nodelay(true);
        // The library (compiled) listens with a backlog of 5: a burst of new connections
        // beyond it was reset (3 of 1,920 with 64 clients). Linux raises a listening socket's
        // backlog when it is listened on again, so the socket is kept here and open() does.
        // Not the library's default options: they add SO_REUSEPORT, with which a second
        // server on a port already in use started and took a share of its connections
        // (clients got answers from another policy set at random). SO_REUSEADDR alone lets a
        // restart bind at once past the old connections in TIME_WAIT, and a live listener
        // still makes the bind fail.
        http.set_socket_options([this](socket_t socket) {
            int yes = 1;
            ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
            listening = socket;
        });
        // A client that keeps its connection open is served on it without a new handshake;
        // the library's default (5 requests) made busy clients reconnect constantly.
        http.set_keep_alive_max_count(1000);
        // Heads the connection loop refuses before the library reads them (connection.cpp)
        // are answered as every error is: JSON, or an OperationOutcome for FHIR.
        http.refusal = [this](int status, std::string_view path, const std::string& message) {
            metrics.request(endpoint_label(std::string(path)), status,
                            std::chrono::nanoseconds(-1));
            // The loop names no path until it has read the head: a 408 then is the head's.
            Reply r = error_for(path, status, message, refusal_help(status, path, path.empty()));
            return std::pair{std::move(r.body), std::move(r.type)};
        };
        // Errors no handler answered (404, 413, a request that does not parse) get a JSON
        // body too; the handlers' own errors already have one and are left alone.
        http.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
            http.settle_connection_headers(res);
            // The library offers byte ranges on every answer to HEAD; Range is ignored
            // (request_head.hpp), so the offer would be false.
            if (req.method == "HEAD") res.headers.erase("Accept-Ranges");
        });
        http.set_error_handler(httplib::Server::HandlerWithResponse(
            [this](const httplib::Request& req, httplib::Response& res) {
                if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
                // A request the library could not read (400, 413, 414) leaves the stream in
                // the middle of it: the connection ends with this answer.
                if (res.status != 404) {
                    if (!res.has_header("Connection")) res.set_header("Connection", "close");
                    close_after_response();
                }
                std::string message;
                std::string help;
                if (res.status == 404) {
                    message = fmt::format("no endpoint {} {}", req.method, req.path);
                    help = "GET / for the workbench; the API is under /v1 (docs/openapi.yaml)";
                } else if (res.status == 413) {
                    message = fmt::format("the request body is larger than the limit of {} bytes",
                                          options.max_body);
                    help = refusal_help(413, req.path);
                } else if (res.status == 400 && body_timed_out()) {
                    res.status = 408;
                    message = "the request's body did not arrive within the read timeout";
                    help = refusal_help(408, req.path);
                } else {
                    message = fmt::format("the request could not be read (HTTP {})", res.status);
                }
                Reply r = error_for(req.path, res.status, message, help);
                res.set_content(r.body, r.type);
                metrics.request(endpoint_label(req.path), res.status, std::chrono::nanoseconds(-1));
                return httplib::Server::HandlerResponse::Handled;
            }));
        // A body's length is read before anything else of it: the library would take `-1`
        // for a huge length (a 413 after the read timeout) and `abc` for none, and two lengths
        // that differ leave where the body ends in doubt (RFC 9112, 6.3). Refused at once, and
        // the connection ends with the answer: what the client sent as a body is never read as
        // a next request (robustness_test).
        http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
            std::size_t count = req.get_header_value_count("Content-Length");
            if (count == 0) return httplib::Server::HandlerResponse::Unhandled;
            std::string length = req.get_header_value("Content-Length");
            bool differ = false;
            for (std::size_t i = 1; i < count; ++i)
                differ |= req.get_header_value("Content-Length", i) != length;
            // (Both a length and chunks are refused with the head: request_head.cpp.)
            if (is_byte_count(length) && !differ)
                return httplib::Server::HandlerResponse::Unhandled;
            std::string message =
                differ ? "the request has several Content-Length headers that differ"
                       : fmt::format("`Content-Length: {}` is not a number of bytes", length);
            std::string help = "send one Content-Length, the body's length in bytes, or let the "
                               "client compute it";
            res.status = 400;
            res.set_header("Connection", "close");
            close_after_response();
            Reply r = error_for(req.path, 400, message, help);
            res.set_content(r.body, r.type);
            metrics.request(endpoint_label(req.path), res.status, std::chrono::nanoseconds(-1));
            return httplib::Server::HandlerResponse::Handled;
        });
        // What a handler did not catch (the library's own throws) is a 500 like answer()'s:
        // logged with its detail and counted, in the endpoint's format.
        http.set_exception_handler(
            [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr thrown) {
                std::string what = "unknown exception";
                try {
                    std::rethrow_exception(thrown);
                } catch (const std::exception& e) {
                    what = e.what();
                } catch (...) {
                }
                say(fmt::format("internal error on {} {}: {}", req.method, req.path, what));
                Reply r = error_for(req.path, 500,
                                    "internal error: the server could not answer this request (its "
                                    "log has the detail)");
                res.status = 500;
                res.set_content(r.body, r.type);
                metrics.request(endpoint_label(req.path), res.status, std::chrono::nanoseconds(-1));
            });
    }
};

Server::Server(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Server::~Server() {
    stop();
}

bool Server::start(std::string& error) {
    Impl& s = *impl_;
    // Buffers of a megabyte or more (a large body, its case's arena blocks, its answer) are
    // mapped for themselves and unmapped when freed. glibc otherwise raises this threshold to
    // the largest block freed, so the next large case's buffers came from a worker's heap,
    // among small blocks that outlive them, and ~40 MB stayed resident after one 8 MB case
    // however it was trimmed.
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    std::vector<std::string> policies = s.options.policies;
    if (policies.empty()) policies.push_back("standard");
    if (!s.store.load(policies, error)) return false;
    if (!s.options.decision_log.empty()) {
        s.decisions = std::make_unique<DecisionLog>(s.options.decision_log, s.options.log_unmasked);
        if (!s.decisions->ok()) {
            error = fmt::format("cannot open the decision log {} for appending\n",
                                s.options.decision_log);
            return false;
        }
        s.ctx.log = s.decisions.get();
    }
    s.routes();
    s.limits();
    if (s.options.port == 0) {
        s.port = s.http.bind_to_any_port(s.options.host);
    } else {
        s.port = s.http.bind_to_port(s.options.host, s.options.port) ? s.options.port : -1;
    }
    if (s.port <= 0) {
        error = fmt::format("cannot listen on {}:{}\n", s.options.host, s.options.port);
        return false;
    }
    if (s.listening >= 0) ::listen(s.listening, SOMAXCONN);
    if (s.options.watch_ms > 0)
        s.store.start_watching(std::chrono::milliseconds(s.options.watch_ms));
    return true;
}

int Server::port() const {
    return impl_->port;
}

void Server::run() {
    impl_->http.listen_after_bind();
}

void Server::stop() {
    if (impl_->http.is_running()) impl_->http.stop();
    // No reload, and no log line of one, after stop() returns: an embedder may free what the
    // log writes to.
    impl_->store.stop_watching();
}

} // namespace cpl::serve
