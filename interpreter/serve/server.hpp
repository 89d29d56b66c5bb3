// interpreter/serve/server.hpp — `cpl serve`: the HTTP server around the API (docs/serve.md).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cpl::serve {

struct Options {
    std::vector<std::string> policies; // the first is the default; empty means `standard`
    std::string host = "127.0.0.1";
    int port = 8080;          // 0: any free port (see Server::port())
    int threads = 0;          // 0: 8 × the cores, at least 16 (an idle or slow client holds one)
    std::string decision_log; // "" for none
    bool log_unmasked = false;
    std::size_t max_body = 8u << 20; // bytes; a larger body is answered 413
    int read_timeout_ms = 5000;      // a client that stalls mid-request is cut off after this
    int write_timeout_ms = 5000;
    int keep_alive_ms = 2000; // an idle kept-alive connection frees its thread after this
    int watch_ms = 1000;      // policy file poll interval; 0: no watching
    std::function<void(const std::string&)> log; // a line for the operator; default stderr
};

class Server {
public:
    explicit Server(Options options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Loads the policies and binds the port. False with `error` set when either fails.
    bool start(std::string& error);
    /// The bound port (the chosen one when Options::port was 0).
    int port() const;
    /// Serves until stop(); call after start().
    void run();
    /// Stops accepting, finishes the requests under way, returns run(), and stops watching the
    /// policy files: no reload and no log line after it returns. Thread-safe.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace cpl::serve
