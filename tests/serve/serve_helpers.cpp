// tests/serve/serve_helpers.cpp
#include "serve_helpers.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

namespace cpl::test {

TestServer::TestServer(serve::Options options) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.log = [this](const std::string& line) {
        std::lock_guard lock(mutex_);
        log_.push_back(line);
    };
    server_ = std::make_unique<serve::Server>(std::move(options));
    std::string error;
    REQUIRE(server_->start(error));
    REQUIRE(error.empty());
    thread_ = std::thread([this] { server_->run(); });
}

TestServer::~TestServer() {
    server_->stop();
    thread_.join();
}

httplib::Client TestServer::client() const {
    httplib::Client c("127.0.0.1", port());
    c.set_read_timeout(std::chrono::seconds(10));
    return c;
}

std::vector<std::string> TestServer::log() const {
    std::lock_guard lock(mutex_);
    return log_;
}

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::string run_command(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe);
    char buffer[65536];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
        out.append(buffer, n);
    ::pclose(pipe);
    return out;
}

std::string without_fingerprint(const std::string& json) {
    std::size_t at = json.rfind(", \"fingerprint\": \"sha256:");
    REQUIRE(at != std::string::npos);
    return json.substr(0, at) + "}";
}

} // namespace cpl::test
