// interpreter/lsp/jsonrpc.hpp — the LSP base protocol: JSON-RPC 2.0 messages framed by a
// `Content-Length: N` header, a blank line, then N bytes of JSON. Reading never trusts the
// peer: a broken header or body becomes a Frame with an error, so the server can answer it
// (`-32700`) and carry on with the next message.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace cpl::lsp {

/// JSON-RPC and LSP error codes (LSP 3.17, "Response Message").
namespace error_code {
inline constexpr int parse_error = -32700;
inline constexpr int invalid_request = -32600;
inline constexpr int method_not_found = -32601;
inline constexpr int invalid_params = -32602;
inline constexpr int internal_error = -32603;
inline constexpr int server_not_initialized = -32002;
inline constexpr int request_failed = -32803;
} // namespace error_code

/// The largest message accepted; a larger Content-Length is refused rather than waited for.
inline constexpr std::size_t max_message_bytes = std::size_t{64} << 20;

/// One framed message: its JSON text, or why its header could not be used.
struct Frame {
    std::string body;
    std::string error; // non-empty: no usable Content-Length; `body` is empty
};

/// Reads frames from a file descriptor.
class Reader {
public:
    explicit Reader(int fd) : fd_(fd) {}
    /// The next frame; nothing once the input has ended (or ends inside a message).
    std::optional<Frame> next();
    /// True when a whole frame is already buffered, so reading it will not wait: the server
    /// then holds back work that the next message may make useless (a burst of edits).
    bool frame_ready() const;

private:
    bool fill(); // reads more bytes; false at the end of the input
    // The next header block after `from`: where it begins (blank lines before it are no
    // message), where its lines end and its body begins, once its blank line has come.
    struct HeaderEnd {
        std::size_t begin;
        std::size_t headers = 0;
        std::size_t body = 0;
        bool complete = false;
    };
    HeaderEnd header_end(std::size_t from) const;
    // After the line end (CR LF, LF or CR) at `at`, where the next line begins; nothing when a
    // CR ends the buffer (the first half of a CR LF, perhaps: read on).
    std::optional<std::size_t> after_line_end(std::size_t at) const;
    // Drops what is left of a broken message: the rest of a header block too long to keep
    // (to its blank line), or the body of one whose header was refused. False at the end of
    // the input.
    bool skip_broken();

    int fd_;
    std::string buffer_;
    std::size_t pos_ = 0; // start of the unread bytes in buffer_
    bool eof_ = false;
    bool skipping_header_ = false;    // inside a header block already reported too long
    bool skip_at_line_start_ = false; // the last byte it dropped ended a line
    std::size_t skipping_body_ = 0;   // bytes of a refused message's body still to drop
};

/// Writes framed messages to a file descriptor.
class Writer {
public:
    explicit Writer(int fd) : fd_(fd) {}
    void send(const nlohmann::json& message);

private:
    int fd_;
};

/// The length named by a header block, or why there is none: the `Content-Length` line
/// (its name in any case) holding a decimal number no larger than max_message_bytes.
/// Junk before the name on its line is skipped, so the reader finds its footing again
/// after a malformed message.
std::optional<std::size_t> content_length(std::string_view headers, std::string& why);

} // namespace cpl::lsp
