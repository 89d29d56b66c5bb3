// interpreter/serve/request_head.hpp — a request's head (request line and header fields)
// checked as RFC 9112 asks before the library parses it. The library dropped a field line it
// could not read (`Content-Length : 9`, an obs-fold line) and served on, so a body whose
// length it missed was answered as a request of its own; it took any number of fields (a
// client streaming headers grew the server by 65 MB a second), and a request without Host.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace cpl::serve {

/// Why a head is refused: the status (400, 431, 501, 505) and the words for the client.
struct HeadProblem {
    int status = 400;
    std::string message;
    std::string path; // the target's path, once the request line was read ("" before)
};

/// What the connection loop needs of a head that passed.
struct RequestHead {
    std::string method;
    std::string path;      // the target without its query
    bool has_body = false; // a Content-Length above 0 or Transfer-Encoding: chunked
    bool chunked = false;
    bool wants_close = false; // `close` among the Connection options, or HTTP/1.0
    bool has_length = false;  // a Content-Length field, whatever its value
    std::optional<std::uint64_t> content_length; // its value, when one number of bytes
    /// Content-Encoding's codings over all its lines, in the order applied, lower case.
    std::vector<std::string> content_codings;
    /// Field lines the library must not see, as {offset, size} in the head, in order:
    /// Transfer-Encoding when chunked (the connection decodes the chunks and gives the library
    /// the body's length), Content-Encoding (the server decodes the body itself,
    /// content_coding.hpp) and Range
    /// (every answer is computed JSON, not a file: the library answered a POST with a slice
    /// of its JSON as 200, and an odd range with 416 after the case was decided).
    std::vector<std::pair<std::size_t, std::size_t>> hidden_fields;
    /// A target in absolute-form (`http://host/v1/health`, RFC 9112, 3.2.2), which a server
    /// must accept: {offset, size} of the target in the head, and its origin-form (`/v1/health`)
    /// that the library, which routes by path, is given instead.
    struct OriginForm {
        std::size_t offset = 0, size = 0;
        std::string target;
    };
    std::optional<OriginForm> origin_form;
};

inline constexpr std::size_t max_head_fields = 100;
inline constexpr std::size_t max_head_line = 8 * 1024; // the library refuses longer lines

/// Checks `head`: the request line and field lines, each ended by CRLF, without the blank
/// line that ends the head.
std::variant<RequestHead, HeadProblem> check_head(std::string_view head);

} // namespace cpl::serve
