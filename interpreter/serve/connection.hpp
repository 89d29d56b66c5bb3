// interpreter/serve/connection.hpp — one kept-alive connection, served request after request
// from one read buffer. cpp-httplib 0.11 made a new buffer for each request and dropped what
// the last read took past it: a second request sent before the first's answer (HTTP/1.1
// pipelining, which a server must answer in order: RFC 9112, 9.3.2) was lost, and its client
// waited for an answer that never came.
#pragma once

#include <functional>
#include <httplib.h>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cpl::serve {

/// httplib's server with its connection loop replaced: requests already read are answered
/// in order; each request's head is checked (request_head.hpp) within the read timeout
/// before the library reads it; a response a handler marked with close_after_response(), and
/// one to a request whose body no handler reads (a GET with a body), end the connection; and
/// a connection ends by a half-close, so that an answer is not lost to a reset.
class ConnectionServer : public httplib::Server {
public:
    /// The body and content type of an answer the loop itself gives (400, 408, 413, 431, 501,
    /// 505), by status, request path and message: JSON, or FHIR's OperationOutcome.
    std::function<std::pair<std::string, std::string>(int status, std::string_view path,
                                                      const std::string& message)>
        refusal;

    /// After a response is made (the library's post-routing handler): one `Connection:
    /// close` when the connection ends (a handler, the library or the loop ended it), else
    /// `Keep-Alive` with the requests this connection still takes. The library added its own
    /// beside a handler's: two `Connection: close`, or `Keep-Alive` beside one.
    void settle_connection_headers(httplib::Response& res) const;

private:
    bool process_and_close_socket(socket_t sock) override;
};

/// The most a request's head may take: its lines and fields together.
inline constexpr std::size_t max_head_bytes = 64 * 1024;
/// The slowest a request may arrive on average, in bytes a second, once the read timeout
/// has passed since it began.
inline constexpr std::size_t min_body_rate = 8 * 1024;

/// Ends the connection once the response being made is written: what the client sent after
/// it (the rest of a body refused) is not read as a next request. Called from a handler, on
/// the connection's thread.
void close_after_response();

/// Whether the request being answered lost its body to the read timeout, or to a rate below
/// `min_body_rate`: its answer is 408, not the library's 400. On the connection's thread.
bool body_timed_out();

/// The Content-Encoding of the request being answered, taken out of its head so that the
/// library leaves the body as sent (content_coding.hpp decodes it). On the connection's thread.
const std::vector<std::string>& content_codings();

} // namespace cpl::serve
