// interpreter/serve/connection.cpp — the connection loop of `cpl serve` (connection.hpp): one
// stream, and its read buffer, for every request of a kept-alive connection.
#include "interpreter/serve/connection.hpp"

#include "interpreter/serve/json_dump.hpp"
#include "interpreter/serve/request_head.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace cpl::serve {

namespace {

thread_local bool closing = false;
thread_local bool body_stalled = false;
thread_local std::size_t requests_left = 0;    // on this connection, this one included
thread_local std::vector<std::string> codings; // the request's Content-Encoding

// Whether `events` came on the socket within `timeout_ms`: > 0 yes (or the peer closed),
// 0 not in time, < 0 an error.
int wait_for(socket_t sock, short events, int timeout_ms) {
    pollfd p{sock, events, 0};
    int ready;
    do
        ready = ::poll(&p, 1, timeout_ms);
    while (ready < 0 && errno == EINTR);
    return ready;
}

int milliseconds(time_t sec, time_t usec) {
    return static_cast<int>(sec * 1000 + usec / 1000);
}

void address(socket_t sock, bool peer, std::string& ip, int& port) {
    sockaddr_storage a{};
    socklen_t length = sizeof a;
    auto* any = reinterpret_cast<sockaddr*>(&a);
    if ((peer ? ::getpeername(sock, any, &length) : ::getsockname(sock, any, &length)) != 0) return;
    char text[INET6_ADDRSTRLEN] = "";
    if (a.ss_family == AF_INET) {
        auto* v4 = reinterpret_cast<sockaddr_in*>(&a);
        ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
        port = ntohs(v4->sin_port);
    } else if (a.ss_family == AF_INET6) {
        auto* v6 = reinterpret_cast<sockaddr_in6*>(&a);
        ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
        port = ntohs(v6->sin6_port);
    }
    ip = text;
}

// A connection's bytes: reads fill a buffer that outlives each request, so what one read
// took past a request's end is the start of the next.
class ConnectionStream final : public httplib::Stream {
public:
    ConnectionStream(socket_t sock, int read_ms, int write_ms)
        : sock_(sock), read_ms_(read_ms), write_ms_(write_ms), buffer_(4096) {}

    bool buffered() const { return begin_ < end_; }

    enum class Head { ready, closed, timed_out, too_large, bare_lf };
    // Reads until the next request's head (up to its blank line) is in the buffer, by
    // `deadline`: a client that sends it a byte at a time is cut off with the rest. Blank
    // lines before a request line are skipped (RFC 9112, 2.2). The head is left to be read.
    Head read_head(std::chrono::steady_clock::time_point deadline, std::string_view& head) {
        // What was looked at already: each read's bytes are scanned once, not the whole head
        // again (a head sent a byte a packet would cost its length squared).
        std::size_t scanned = 0;
        for (;;) {
            while (scanned == 0 && end_ - begin_ >= 2 && buffer_[begin_] == '\r' &&
                   buffer_[begin_ + 1] == '\n')
                begin_ += 2;
            std::string_view held(buffer_.data() + begin_, end_ - begin_);
            std::size_t end = held.find("\r\n\r\n", scanned < 3 ? 0 : scanned - 3);
            // A line ended by LF alone never ends a head here: refused at once, not at the
            // read timeout (RFC 9112, 2.2 lets a server refuse it).
            for (std::size_t lf = held.find('\n', scanned); lf < std::min(end, held.size());
                 lf = held.find('\n', lf + 1))
                if (lf == 0 || held[lf - 1] != '\r') return Head::bare_lf;
            // A lone CR at the start may be the first half of a blank line to skip.
            scanned = held == "\r" ? 0 : held.size();
            if (end != std::string_view::npos) {
                head = held.substr(0, end);
                return end + 4 > max_head_bytes ? Head::too_large : Head::ready;
            }
            if (held.size() > max_head_bytes) return Head::too_large;
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return buffered() ? Head::timed_out : Head::closed;
            int ready = wait_for(sock_, POLLIN, static_cast<int>(left.count()));
            if (ready == 0) return buffered() ? Head::timed_out : Head::closed;
            if (ready < 0) return Head::closed;
            make_room();
            ssize_t n = receive(buffer_.data() + end_, buffer_.size() - end_);
            if (n <= 0) return Head::closed;
            end_ += static_cast<std::size_t>(n);
        }
    }

    bool is_readable() const override {
        return buffered() || wait_for(sock_, POLLIN, read_ms_) > 0;
    }
    bool is_writable() const override { return wait_for(sock_, POLLOUT, write_ms_) > 0; }

    // A request's bytes and when it began: a body sent slower than `min_body_rate` on
    // average, once the read timeout has passed, is cut off (a client trickling a byte a
    // second held a worker, and shutdown, for as long as it liked).
    void start_request() {
        request_start_ = std::chrono::steady_clock::now();
        request_bytes_ = 0;
        body_stalled = false;
    }

    // A request with neither a length nor chunks has no body (RFC 9112, 6.3), but the library
    // reads one until the connection ends for a POST, PUT or PATCH, and the client waited out
    // the read timeout for a 400. `Content-Length: 0` is added to the head, `head_size` bytes
    // from the buffer's start (its fields' end), so that the library reads none.
    void declare_no_body(std::size_t head_size) {
        static constexpr std::string_view field = "\r\nContent-Length: 0";
        std::size_t at = begin_ + head_size;
        if (buffer_.size() - end_ < field.size()) buffer_.resize(end_ + field.size());
        std::memmove(buffer_.data() + at + field.size(), buffer_.data() + at, end_ - at);
        std::memcpy(buffer_.data() + at, field.data(), field.size());
        end_ += field.size();
    }

    // Takes field lines, {offset, size} in the head in order, out of the buffer before the
    // library reads the head, each with the CRLF before it. The bytes removed.
    std::size_t remove_fields(const std::vector<std::pair<std::size_t, std::size_t>>& fields) {
        std::size_t removed = 0;
        for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
            std::size_t from = begin_ + it->first - 2, size = it->second + 2;
            std::memmove(buffer_.data() + from, buffer_.data() + from + size, end_ - from - size);
            end_ -= size;
            removed += size;
        }
        return removed;
    }

    // Puts `with` where `size` bytes stood, `offset` bytes into the head, before the library
    // reads it. The bytes the head lost (fewer than none when it grew).
    std::ptrdiff_t replace(std::size_t offset, std::size_t size, std::string_view with) {
        std::size_t at = begin_ + offset;
        if (with.size() > size && buffer_.size() - end_ < with.size() - size)
            buffer_.resize(end_ + with.size() - size);
        std::memmove(buffer_.data() + at + with.size(), buffer_.data() + at + size,
                     end_ - at - size);
        std::memcpy(buffer_.data() + at, with.data(), with.size());
        end_ = end_ + with.size() - size;
        return std::ptrdiff_t(size) - std::ptrdiff_t(with.size());
    }

    enum class Body { ready, too_large, malformed, stalled, closed };
    // A chunked body (RFC 9112, 7.1) that starts `at` bytes into the head's text, read whole
    // and strictly, and left decoded in its place: the library is then told its length and
    // reads it as any other. The library read chunk sizes loosely (`+370`, junk after a
    // chunk's data) and refused trailer fields with a 400; trailers are read and dropped
    // (7.1.2). What follows the body (a pipelined request) stays after it. `why` says what is
    // malformed.
    Body dechunk(std::size_t at, std::size_t max_size, std::size_t& length, std::string& why) {
        std::size_t in = begin_ + at, out = in, first = in;
        // More bytes, after the framing read so far is dropped (the decoded data ends at
        // `out`, what is left to read starts at `in`): the buffer holds the decoded body and
        // what is still to decode, never the framing of the chunks before (a body of 1-byte
        // chunks with 8 KiB extensions, or endless trailers, grew it without end). Returns
        // how far the unread bytes moved back.
        std::size_t moved = 0;
        auto more = [&] {
            moved = in - out;
            std::memmove(buffer_.data() + out, buffer_.data() + in, end_ - in);
            end_ -= moved;
            in = out;
            return arrive();
        };
        // The next line's end (its CRLF), reading more as it arrives.
        auto line_end = [&](std::size_t& end, Body& fail) {
            for (std::size_t scanned = in;;) {
                std::string_view held(buffer_.data() + scanned, end_ - scanned);
                if (std::size_t crlf = held.find("\r\n"); crlf != std::string_view::npos) {
                    end = scanned + crlf;
                    return true;
                }
                if (end_ - in > max_head_line) {
                    why = fmt::format("a chunk-size or trailer line is longer than {} bytes",
                                      max_head_line);
                    fail = Body::malformed;
                    return false;
                }
                scanned = end_ > in ? end_ - 1 : in; // a CR at the end may begin the CRLF
                if (Body got = more(); got != Body::ready) {
                    fail = got;
                    return false;
                }
                scanned -= moved;
            }
        };
        Body fail = Body::ready;
        for (;;) {
            std::size_t end = 0;
            if (!line_end(end, fail)) return fail;
            std::string_view line(buffer_.data() + in, end - in);
            std::size_t digits = 0;
            std::uint64_t size = 0;
            for (; digits < line.size(); ++digits) {
                char c = line[digits];
                int value = c >= '0' && c <= '9'   ? c - '0'
                            : c >= 'a' && c <= 'f' ? c - 'a' + 10
                            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                   : -1;
                if (value < 0) break;
                if (size >> 60) {
                    why = "a chunk size is too large";
                    return Body::malformed;
                }
                size = size * 16 + std::uint64_t(value);
            }
            // chunk-size [ BWS ";" chunk-ext ]: what follows the digits is an extension or
            // nothing.
            std::string_view rest = line.substr(digits);
            while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t'))
                rest.remove_prefix(1);
            bool ext_ok = rest.empty() || (rest.front() == ';' &&
                                           std::none_of(rest.begin(), rest.end(), [](char c) {
                                               auto u = static_cast<unsigned char>(c);
                                               return (u < 0x20 && c != '\t') || u == 0x7F;
                                           }));
            if (digits == 0 || !ext_ok) {
                why = fmt::format("the chunk-size line `{}` is not a hexadecimal size",
                                  line.substr(0, 40));
                return Body::malformed;
            }
            in = end + 2;
            if (size == 0) break;
            if (size > max_size - std::min<std::size_t>(max_size, out - first))
                return Body::too_large;
            while (end_ - in < size + 2)
                if (Body got = more(); got != Body::ready) return got;
            std::memmove(buffer_.data() + out, buffer_.data() + in, size);
            out += size;
            in += size;
            if (buffer_[in] != '\r' || buffer_[in + 1] != '\n') {
                why = "a chunk's data is not followed by CRLF (its size is wrong)";
                return Body::malformed;
            }
            in += 2;
        }
        // Trailer fields, then the blank line that ends the message.
        for (std::size_t fields = 0;; ++fields) {
            std::size_t end = 0;
            if (!line_end(end, fail)) return fail;
            std::string_view field(buffer_.data() + in, end - in);
            in = end + 2;
            if (field.empty()) break;
            if (fields == max_head_fields) {
                why = fmt::format("it has more than {} trailer fields", max_head_fields);
                return Body::malformed;
            }
            std::size_t colon = field.find(':');
            if (colon == 0 || colon == std::string_view::npos || field.front() == ' ' ||
                field.front() == '\t') {
                why = fmt::format("the trailer line `{}` is not a field", field.substr(0, 40));
                return Body::malformed;
            }
        }
        std::memmove(buffer_.data() + out, buffer_.data() + in, end_ - in);
        end_ -= in - out;
        length = out - first;
        return Body::ready;
    }

    // Tells the library the body's length: "Content-Length: N" at the end of the head's
    // fields, `head_size` bytes from the buffer's start.
    void declare_length(std::size_t head_size, std::size_t length) {
        std::string field = fmt::format("\r\nContent-Length: {}", length);
        replace(head_size, 0, field);
    }

    ssize_t read(char* ptr, size_t size) override {
        ssize_t n = read_some(ptr, size);
        if (n > 0) request_bytes_ += static_cast<std::size_t>(n);
        return n;
    }

    ssize_t read_some(char* ptr, size_t size) {
        if (!buffered()) {
            auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - request_start_)
                               .count();
            if (elapsed > read_ms_ &&
                request_bytes_ < static_cast<std::size_t>(elapsed) * min_body_rate / 1000) {
                body_stalled = true;
                return -1;
            }
            if (wait_for(sock_, POLLIN, read_ms_) <= 0) {
                body_stalled = true;
                return -1;
            }
            // A read as large as the buffer goes straight to its destination (a body).
            if (size >= buffer_.size()) return receive(ptr, size);
            begin_ = end_ = 0;
            ssize_t n = receive(buffer_.data(), buffer_.size());
            if (n <= 0) return n;
            end_ = static_cast<std::size_t>(n);
        }
        std::size_t n = std::min(size, end_ - begin_);
        std::memcpy(ptr, buffer_.data() + begin_, n);
        begin_ += n;
        return static_cast<ssize_t>(n);
    }

    ssize_t write(const char* ptr, size_t size) override {
        if (!is_writable()) return -1;
        ssize_t n;
        do
            n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        return n;
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        address(sock_, true, ip, port);
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        address(sock_, false, ip, port);
    }
    socket_t socket() const override { return sock_; }

private:
    // More of the request from the socket, after what the buffer holds, within the read
    // timeout and at `min_body_rate` on average, as a body the library reads is.
    Body arrive() {
        auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - request_start_)
                           .count();
        if ((elapsed > read_ms_ &&
             request_bytes_ < static_cast<std::size_t>(elapsed) * min_body_rate / 1000) ||
            wait_for(sock_, POLLIN, read_ms_) <= 0) {
            body_stalled = true;
            return Body::stalled;
        }
        if (buffer_.size() - end_ < 16384)
            buffer_.resize(std::max(end_ + 16384, buffer_.size() * 2));
        ssize_t n = receive(buffer_.data() + end_, buffer_.size() - end_);
        if (n <= 0) return Body::closed;
        end_ += static_cast<std::size_t>(n);
        request_bytes_ += static_cast<std::size_t>(n);
        return Body::ready;
    }

    // Room for 4 KiB more at the end: what was read moves to the front, and the buffer grows
    // (to a head's limit and a read more) only while a head is still arriving.
    void make_room() {
        if (begin_ == end_) begin_ = end_ = 0;
        if (begin_ > 0 && buffer_.size() - end_ < 4096) {
            std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
            end_ -= begin_;
            begin_ = 0;
        }
        if (buffer_.size() - end_ < 4096) buffer_.resize(end_ + 4096);
    }

    ssize_t receive(char* to, std::size_t size) {
        ssize_t n;
        do
            n = ::recv(sock_, to, size, 0);
        while (n < 0 && errno == EINTR);
        return n;
    }

    socket_t sock_;
    int read_ms_, write_ms_;
    std::vector<char> buffer_;
    std::size_t begin_ = 0, end_ = 0;
    std::chrono::steady_clock::time_point request_start_ = std::chrono::steady_clock::now();
    std::size_t request_bytes_ = 0;
};

std::string_view reason_phrase(int status) {
    switch (status) {
    case 400:
        return "Bad Request";
    case 408:
        return "Request Timeout";
    case 413:
        // The library's phrase (RFC 9110 renamed it "Content Too Large"): a client sees one
        // phrase for a body too large whichever part of the server refused it.
        return "Payload Too Large";
    case 414:
        return "URI Too Long";
    case 431:
        return "Request Header Fields Too Large";
    case 501:
        return "Not Implemented";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Error";
    }
}

// The end of a connection: no more to send, then what the client still sends is read and
// dropped for a moment, so that closing with unread bytes does not reset the connection and
// lose the answers the client has not read yet (RFC 9112, 9.6).
void close_gracefully(socket_t sock) {
    ::shutdown(sock, SHUT_WR);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    char sink[4096];
    while (std::chrono::steady_clock::now() < until && wait_for(sock, POLLIN, 100) > 0) {
        ssize_t n = ::recv(sock, sink, sizeof sink, 0);
        if (n <= 0) break;
    }
    ::close(sock);
}

} // namespace

void close_after_response() {
    closing = true;
}

bool body_timed_out() {
    return body_stalled;
}

const std::vector<std::string>& content_codings() {
    return codings;
}

void ConnectionServer::settle_connection_headers(httplib::Response& res) const {
    bool close = closing;
    auto [from, to] = res.headers.equal_range("Connection");
    for (auto it = from; it != to; ++it)
        close = close || it->second == "close";
    res.headers.erase("Connection");
    res.headers.erase("Keep-Alive");
    if (close || requests_left <= 1) {
        res.set_header("Connection", "close");
        return;
    }
    res.set_header("Keep-Alive",
                   fmt::format("timeout={}, max={}", keep_alive_timeout_sec_, requests_left - 1));
}

// The library's loop, with the stream made once: wait for a request (or take the one already
// read) up to the keep-alive timeout, in slices, so that a stopping server is noticed; check
// its head; let the library read and answer it.
bool ConnectionServer::process_and_close_socket(socket_t sock) {
    ConnectionStream stream(sock, milliseconds(read_timeout_sec_, read_timeout_usec_),
                            milliseconds(write_timeout_sec_, write_timeout_usec_));
    auto next_request = [&] {
        auto deadline =
            std::chrono::steady_clock::now() + std::chrono::seconds(keep_alive_timeout_sec_);
        while (svr_sock_ != INVALID_SOCKET) {
            if (stream.buffered()) return true;
            int ready = wait_for(sock, POLLIN, 10);
            if (ready != 0) return ready > 0;
            if (std::chrono::steady_clock::now() > deadline) return false;
        }
        return false;
    };
    auto refuse = [&](int status, std::string_view path, const std::string& message) {
        auto [body, type] = refusal ? refusal(status, path, message)
                                    : std::pair<std::string, std::string>{
                                          json_dump({{"error", message}}), "application/json"};
        std::string answer =
            fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: "
                        "close\r\n\r\n{}",
                        status, reason_phrase(status), type, body.size(), body);
        for (std::size_t sent = 0; sent < answer.size();) {
            ssize_t n = stream.write(answer.data() + sent, answer.size() - sent);
            if (n <= 0) break;
            sent += static_cast<std::size_t>(n);
        }
    };
    bool served = false;
    for (std::size_t left = keep_alive_max_count_; left > 0 && next_request(); --left) {
        auto deadline =
            std::chrono::steady_clock::now() +
            std::chrono::milliseconds(milliseconds(read_timeout_sec_, read_timeout_usec_));
        std::string_view text;
        auto state = stream.read_head(deadline, text);
        if (state == ConnectionStream::Head::closed) break;
        if (state == ConnectionStream::Head::timed_out) {
            refuse(408, "", "the request's head did not arrive within the read timeout");
            break;
        }
        if (state == ConnectionStream::Head::bare_lf) {
            refuse(400, "", "the request has a line ended by LF alone: end lines with CRLF");
            break;
        }
        if (state == ConnectionStream::Head::too_large) {
            refuse(431, "",
                   fmt::format("the request's head is larger than {} bytes", max_head_bytes));
            break;
        }
        auto checked = check_head(text);
        if (auto* problem = std::get_if<HeadProblem>(&checked)) {
            refuse(problem->status, problem->path, problem->message);
            break;
        }
        const RequestHead& head = std::get<RequestHead>(checked);
        // A length over the limit is refused before a byte of the body is waited for.
        if (head.content_length && *head.content_length > payload_max_length_) {
            refuse(413, head.path,
                   fmt::format("the request body is larger than the limit of {} bytes",
                               payload_max_length_));
            break;
        }
        // Only POST routes read a body: another method's would be read as the next request.
        bool last = head.has_body && head.method != "POST";
        last = last || head.wants_close || left == 1;
        closing = last; // the answer says the connection ends (settle_connection_headers)
        requests_left = left;
        bool closed = false;
        stream.start_request();
        codings = head.content_codings;
        std::size_t head_size = text.size() - stream.remove_fields(head.hidden_fields);
        // The target last: the fields' offsets were counted before it changed.
        if (const auto& origin = head.origin_form)
            head_size -= stream.replace(origin->offset, origin->size, origin->target);
        if (head.chunked && head.method == "POST") {
            // Decoded here, strictly; the library reads it by its length.
            std::size_t length = 0;
            std::string why;
            auto got = stream.dechunk(head_size + 4, payload_max_length_, length, why);
            if (got == ConnectionStream::Body::closed) break;
            if (got != ConnectionStream::Body::ready) {
                if (got == ConnectionStream::Body::too_large)
                    refuse(413, head.path,
                           fmt::format("the request body is larger than the limit of {} bytes",
                                       payload_max_length_));
                else if (got == ConnectionStream::Body::stalled)
                    refuse(408, head.path,
                           "the request body did not arrive within the read timeout");
                else
                    refuse(400, head.path, "the chunked request body is malformed: " + why);
                break;
            }
            stream.declare_length(head_size, length);
        } else if (!head.has_length) {
            stream.declare_no_body(head_size);
        }
        served = process_request(stream, last, closed, nullptr);
        if (!served || closed || closing || last) break;
    }
    closing = false;
    codings.clear();
    close_gracefully(sock);
    return served;
}

} // namespace cpl::serve
