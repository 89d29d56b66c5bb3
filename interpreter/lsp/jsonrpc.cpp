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
// ends them with LF alone, or CR alone, is understood too, rather than left waiting for an
// answer that would never come (or losing a message without a word).
std::optional<std::size_t> Reader::after_line_end(std::size_t at) const {
    // A CR last in the buffer may be the first half of a CRLF: wait for what follows.
    if (buffer_[at] == '\r' && at + 1 == buffer_.size()) return std::nullopt;
    return at + (buffer_[at] == '\r' && buffer_[at + 1] == '\n' ? 2 : 1);
}

Reader::HeaderEnd Reader::header_end(std::size_t from) const {
    HeaderEnd end{from};
    for (std::size_t line = from;;) {
        std::size_t at = buffer_.find_first_of("\r\n", line);
        if (at == std::string::npos) return end;
        auto after = after_line_end(at);
        if (!after) return end;
        std::size_t next = *after;
        if (at == line && line == end.begin) {
            end.begin = next; // a blank line between messages
        } else if (at == line) {
            end.headers = line;
            end.body = next;
            end.complete = true;
            return end;
        }
        line = next;
    }
}

bool Reader::frame_ready() const {
    if (skipping_header_ || skipping_body_) return false;
    auto end = header_end(pos_);
    if (!end.complete) return false;
    std::string why;
    auto length =
        content_length(std::string_view(buffer_).substr(end.begin, end.headers - end.begin), why);
    return !length || buffer_.size() - end.body >= *length;
}

bool Reader::skip_broken() {
    while (skipping_body_) {
        if (pos_ == buffer_.size() && !fill()) return false;
        std::size_t dropped = std::min(skipping_body_, buffer_.size() - pos_);
        pos_ += dropped;
        skipping_body_ -= dropped;
    }
    while (skipping_header_) {
        // The end of the header block: a line end at the start of a line (an empty line).
        // Whether the bytes dropped so far ended a line is kept across reads.
        while (pos_ < buffer_.size()) {
            if (buffer_[pos_] != '\r' && buffer_[pos_] != '\n') {
                skip_at_line_start_ = false;
                ++pos_;
                continue;
            }
            auto next = after_line_end(pos_);
            if (!next) break;
            pos_ = *next;
            if (skip_at_line_start_) {
                skipping_header_ = false;
                return true;
            }
            skip_at_line_start_ = true;
        }
        if (!fill()) return false;
    }
    return true;
}

std::optional<Frame> Reader::next() {
    constexpr const char* too_long = "the message header is longer than 64 KiB";
    for (;;) {
        if (!skip_broken()) return std::nullopt;
        HeaderEnd end = header_end(pos_);
        pos_ = end.begin; // blank lines between messages count for nothing
        if (end.complete) {
            std::string why;
            auto length = content_length(
                std::string_view(buffer_).substr(end.begin, end.headers - end.begin), why);
            pos_ = end.body;
            if (end.headers - end.begin > max_header_bytes) {
                skipping_body_ = length.value_or(0); // one error for the message, not its body
                return Frame{"", too_long};
            }
            if (!length) return Frame{"", why};
            while (buffer_.size() - pos_ < *length)
                if (!fill()) return std::nullopt;
            Frame frame{buffer_.substr(pos_, *length), ""};
            pos_ += *length;
            return frame;
        }
        if (buffer_.size() - pos_ > max_header_bytes) {
            // No blank line in sight: said once; the rest of the block is dropped unread.
            skipping_header_ = true;
            skip_at_line_start_ = false;
            return Frame{"", too_long};
        }
        if (!fill()) return std::nullopt;
    }
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
