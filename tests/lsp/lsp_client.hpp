// tests/lsp/lsp_client.hpp — runs `cpl lsp` as the editor would: a child process spoken to
// over pipes with framed JSON-RPC messages. Shared by the transcript runner and the tests.
#pragma once

#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace cpl::test {

using nlohmann::json;

/// `file://` and the path percent-encoded as the server encodes it (interpreter/lsp/text.cpp),
/// so URIs compare equal whatever characters the checkout's path has.
inline std::string file_uri(const std::string& path) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string uri = "file://";
    for (unsigned char c : path) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
            uri += static_cast<char>(c);
        } else {
            uri += '%';
            uri += hex[c >> 4];
            uri += hex[c & 15];
        }
    }
    return uri;
}

class LspClient {
public:
    /// Starts `cpl lsp` in `cwd`, with `env` (NAME, VALUE) pairs added to the environment.
    explicit LspClient(const std::string& cwd,
                       const std::vector<std::pair<std::string, std::string>>& env = {}) {
        std::signal(SIGPIPE, SIG_IGN); // a server that died must fail the test, not kill it
        int in[2], out[2];
        if (::pipe(in) != 0 || ::pipe(out) != 0) throw std::runtime_error("pipe");
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork");
        if (pid_ == 0) {
            ::dup2(in[0], 0);
            ::dup2(out[1], 1);
            ::close(in[0]);
            ::close(in[1]);
            ::close(out[0]);
            ::close(out[1]);
            for (const auto& [name, value] : env)
                ::setenv(name.c_str(), value.c_str(), 1);
            if (::chdir(cwd.c_str()) != 0) ::_exit(126);
            ::execl(CPL_BINARY, "cpl", "lsp", static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::close(in[0]);
        ::close(out[1]);
        to_ = in[1];
        from_ = out[0];
    }
    LspClient(const LspClient&) = delete;
    LspClient& operator=(const LspClient&) = delete;

    ~LspClient() {
        close_input();
        if (from_ >= 0) ::close(from_);
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }

    void send_raw(const std::string& bytes) {
        std::size_t done = 0;
        while (done < bytes.size()) {
            ssize_t n = ::write(to_, bytes.data() + done, bytes.size() - done);
            if (n <= 0) return;
            done += static_cast<std::size_t>(n);
        }
    }
    void send(const json& message) {
        std::string body = message.dump();
        send_raw("Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    }
    void close_input() {
        if (to_ >= 0) ::close(to_);
        to_ = -1;
    }

    /// The next message, or nothing at the end of the output or after `timeout`. Fails the
    /// read (throws) when the server's framing is not `Content-Length: N\r\n\r\n`.
    std::optional<json> receive(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            if (auto message = take()) return message;
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return std::nullopt;
            pollfd p{from_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
            char chunk[65536];
            ssize_t n = ::read(from_, chunk, sizeof chunk);
            if (n <= 0) return std::nullopt;
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }

    /// Sends a request and returns its response; notifications that came first are kept
    /// in `notifications`.
    json request(const std::string& method, json params) {
        int id = ++next_id_;
        send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
        for (;;) {
            auto message = receive();
            if (!message) throw std::runtime_error("no response to " + method);
            if (message->contains("id") && (*message)["id"] == id) return *message;
            notifications.push_back(std::move(*message));
        }
    }
    void notify(const std::string& method, json params) {
        send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
    }
    /// The next publishDiagnostics for `uri` (from those kept, else read).
    json diagnostics_for(const std::string& uri) {
        for (std::size_t i = 0; i < notifications.size(); ++i)
            if (notifications[i].value("method", "") == "textDocument/publishDiagnostics" &&
                notifications[i]["params"]["uri"] == uri) {
                json out = notifications[i]["params"];
                notifications.erase(notifications.begin() + static_cast<long>(i));
                return out;
            }
        for (;;) {
            auto message = receive();
            if (!message) throw std::runtime_error("no diagnostics for " + uri);
            if (message->value("method", "") == "textDocument/publishDiagnostics" &&
                (*message)["params"]["uri"] == uri)
                return (*message)["params"];
            notifications.push_back(std::move(*message));
        }
    }

    /// Waits for the server to end; its exit status, or -1 when it was killed by a signal
    /// (a crash) or did not end within the timeout.
    int wait(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        int status = 0;
        while (::waitpid(pid_, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() > deadline) return -1;
            ::usleep(10000);
        }
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    std::vector<json> notifications;

private:
    std::optional<json> take() {
        std::size_t end = buffer_.find("\r\n\r\n");
        if (end == std::string::npos) return std::nullopt;
        const std::string prefix = "Content-Length: ";
        if (buffer_.compare(0, prefix.size(), prefix) != 0)
            throw std::runtime_error("bad header from the server: " + buffer_.substr(0, end));
        std::size_t length = std::stoul(buffer_.substr(prefix.size(), end - prefix.size()));
        if (buffer_.size() < end + 4 + length) return std::nullopt;
        json message = json::parse(buffer_.substr(end + 4, length));
        buffer_.erase(0, end + 4 + length);
        return message;
    }

    pid_t pid_ = -1;
    int to_ = -1, from_ = -1;
    bool reaped_ = false;
    int next_id_ = 1000;
    std::string buffer_;
};

} // namespace cpl::test
