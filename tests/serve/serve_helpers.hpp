// tests/serve/serve_helpers.hpp — a server on a free loopback port for one test, and a client.
#pragma once

#include "interpreter/serve/server.hpp"

#include <filesystem>
#include <httplib.h>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cpl::test {

inline const std::filesystem::path source_root = CPL_SOURCE_DIR;

/// Starts on construction (127.0.0.1, port 0), stops on destruction. The operator's log
/// lines are kept for the test to read.
class TestServer {
public:
    explicit TestServer(serve::Options options = {});
    ~TestServer();
    int port() const { return server_->port(); }
    httplib::Client client() const;
    std::vector<std::string> log() const;

private:
    std::unique_ptr<serve::Server> server_;
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<std::string> log_;
};

std::string slurp(const std::filesystem::path& path);
/// Runs a shell command; its standard output.
std::string run_command(const std::string& command);
/// `json` without its last member `"fingerprint"` (what the server adds to cpl run's line).
std::string without_fingerprint(const std::string& json);

} // namespace cpl::test
