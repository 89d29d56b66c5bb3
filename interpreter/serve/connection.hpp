// interpreter/serve/connection.hpp — one kept-alive connection, served request after request
// from one read buffer. cpp-httplib 0.11 made a new buffer for each request and dropped what
// the last read took past it: a second request sent before the first's answer (HTTP/1.1
// pipelining, which a server must answer in order: RFC 9112, 9.3.2) was lost, and its client
// waited for an answer that never came.
#pragma once

#include <httplib.h>

namespace cpl::serve {

/// httplib's server with its connection loop replaced: requests already read are answered
/// in order, and a response a handler marked with close_after_response() ends the connection.
class ConnectionServer : public httplib::Server {
private:
    bool process_and_close_socket(socket_t sock) override;
};

/// Ends the connection once the response being made is written: what the client sent after
/// it (the rest of a body refused) is not read as a next request. Called from a handler, on
/// the connection's thread.
void close_after_response();

} // namespace cpl::serve
