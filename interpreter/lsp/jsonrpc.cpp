// interpreter/lsp/jsonrpc.cpp — framing of the LSP base protocol over file descriptors.
#include "interpreter/lsp/jsonrpc.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <unistd.h>

namespace cpl::lsp {

namespace {

constexpr std::size_t max_header_bytes = 64 * 1024;

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

std::optional<std::size_t> content_length(std::string_view headers, std::string& why) {
    std::string folded = lower(headers);
    std::size_t at = folded.rfind("content-length:");
    if (at == std::string::npos) {
        why = "the message has no Content-Length header";
        return std::nullopt;
    }
    std::size_t i = at + 15;
    while (i < headers.size() && (headers[i] == ' ' || headers[i] == '\t'))
        ++i;
    std::size_t digits = i;
    std::size_t length = 0;
    while (i < headers.size() && std::isdigit(static_cast<unsigned char>(headers[i]))) {
        length = length * 10 + static_cast<std::size_t>(headers[i] - '0');
        if (length > max_message_bytes) {
            why = "the Content-Length is larger than 64 MiB";
            return std::nullopt;
        }
        ++i;
    }
    while (i < headers.size() && (headers[i] == ' ' || headers[i] == '\t'))
        ++i;
    if (i == digits || (i < headers.size() && headers[i] != '\r' && headers[i] != '\n')) {
        why = "the Content-Length header is not a number of bytes";
        return std::nullopt;
    }
    return length;
}

bool Reader::fill() {
    if (eof_) return false;
    // Drop what has been consumed, so the buffer holds at most one message and a bit.
    if (pos_ > 0) {
        buffer_.erase(0, pos_);
        pos_ = 0;
    }
    char chunk[65536];
    for (;;) {
        ssize_t n = ::read(fd_, chunk, sizeof chunk);
        if (n > 0) {
            buffer_.append(chunk, static_cast<std::size_t>(n));
            return true;
        }
        if (n < 0 && errno == EINTR) continue;
        eof_ = true;
        return false;
    }
}

// The header ends at the first empty line. The protocol ends lines with CRLF; a client that
// ends them with LF alone is understood too, rather than left waiting for an answer that
// would never come.
std::optional<Reader::HeaderEnd> Reader::header_end(std::size_t from) const {
    std::size_t begin = from;
    for (std::size_t line = from;;) {
        std::size_t newline = buffer_.find('\n', line);
        if (newline == std::string::npos) return std::nullopt;
        bool cr = newline > line && buffer_[newline - 1] == '\r';
        bool empty = newline - line == (cr ? 1u : 0u);
        if (empty && line == begin)
            begin = newline + 1; // a blank line between messages
        else if (empty)
            return HeaderEnd{begin, line, newline + 1};
        line = newline + 1;
    }
}

bool Reader::frame_ready() const {
    auto end = header_end(pos_);
    if (!end) return false;
    std::string why;
    auto length = content_length(
        std::string_view(buffer_).substr(end->begin, end->headers - end->begin), why);
    return !length || buffer_.size() - end->body >= *length;
}

std::optional<Frame> Reader::next() {
    std::optional<HeaderEnd> end;
    while (!(end = header_end(pos_))) {
        if (buffer_.size() - pos_ > max_header_bytes) {
            // No blank line in sight: drop the bytes so far and report them.
            pos_ = buffer_.size();
            return Frame{"", "the message header is longer than 64 KiB"};
        }
        if (!fill()) return std::nullopt;
    }
    std::string why;
    auto length = content_length(
        std::string_view(buffer_).substr(end->begin, end->headers - end->begin), why);
    pos_ = end->body;
    if (!length) return Frame{"", why};
    while (buffer_.size() - pos_ < *length)
        if (!fill()) return std::nullopt;
    Frame frame{buffer_.substr(pos_, *length), ""};
    pos_ += *length;
    return frame;
}

void Writer::send(const nlohmann::json& message) {
    // Invalid UTF-8 in a policy (a Latin-1 file) must not abort the server: replace it.
    std::string body = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string out = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    std::size_t written = 0;
    while (written < out.size()) {
        ssize_t n = ::write(fd_, out.data() + written, out.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return; // the client has gone; the read loop will see the end of input
        written += static_cast<std::size_t>(n);
    }
}

} // namespace cpl::lsp
