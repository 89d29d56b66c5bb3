// interpreter/serve/connection.cpp — the connection loop of `cpl serve` (connection.hpp): one
// stream, and its read buffer, for every request of a kept-alive connection.
#include "interpreter/serve/connection.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace cpl::serve {

namespace {

thread_local bool closing = false;

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

    bool is_readable() const override {
        return buffered() || wait_for(sock_, POLLIN, read_ms_) > 0;
    }
    bool is_writable() const override { return wait_for(sock_, POLLOUT, write_ms_) > 0; }

    ssize_t read(char* ptr, size_t size) override {
        if (!buffered()) {
            if (wait_for(sock_, POLLIN, read_ms_) <= 0) return -1;
            // A read as large as the buffer goes straight to its destination (a body).
            if (size >= buffer_.size()) return receive(ptr, size);
            ssize_t n = receive(buffer_.data(), buffer_.size());
            if (n <= 0) return n;
            begin_ = 0;
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
};

} // namespace

void close_after_response() {
    closing = true;
}

// The library's loop, with the stream made once: wait for a request (or take the one already
// read) up to the keep-alive timeout, in slices, so that a stopping server is noticed.
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
    bool served = false;
    for (std::size_t left = keep_alive_max_count_; left > 0 && next_request(); --left) {
        closing = false;
        bool closed = false;
        served = process_request(stream, left == 1, closed, nullptr);
        if (!served || closed || closing) break;
    }
    closing = false;
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return served;
}

} // namespace cpl::serve
