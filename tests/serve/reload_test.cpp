// tests/serve/reload_test.cpp — a changed policy is swapped in when it checks clean; a broken
// edit keeps the old one serving and is reported; an included or data file counts too.
#include "../scratch.hpp"
#include "serve_helpers.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

using namespace cpl::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Waits (at most 60 s: a reload loads the policy and its base, slow under the sanitizers
// on a busy machine) until the policy's state satisfies `done`.
template <typename Done> json wait_for(httplib::Client& client, Done done) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    json policy;
    while (std::chrono::steady_clock::now() < until) {
        policy = json::parse(client.Get("/v1/policies")->body)["policies"][0];
        if (done(policy)) return policy;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return policy;
}

void write(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::trunc) << text;
}

} // namespace

TEST_CASE("serve: reload swaps a clean edit in and keeps serving through a broken one",
          "[serve][reload]") {
    fs::path dir = cpl::test::fresh_dir("reload");
    fs::path payer = dir / "acme.cpl";
    fs::path extra = dir / "acme_limits.cpl";
    write(payer, "policy acme extends standard \"Acme test payer\"\ninclude \"acme_limits.cpl\"\n");
    write(extra, "min_muscles_per_limb 5\n");

    cpl::serve::Options options;
    options.policies = {payer.string()};
    options.watch_ms = 50;
    TestServer server(options);
    auto client = server.client();
    // Four muscles: not a complete limb while the minimum is 5, complete once it is 4.
    std::string study = R"({"id": "four", "extremities": [{"limb": "right_arm",
        "muscles": ["APB", "FDI", "biceps", "deltoid"]}],
        "nerve_conduction": [{"nerve": "median", "side": "right", "type": "motor"},
                             {"nerve": "ulnar", "side": "right", "type": "motor"},
                             {"nerve": "radial", "side": "right", "type": "sensory"}]})";
    auto codes = [&] {
        auto r = json::parse(client.Post("/v1/evaluate", study, "application/json")->body);
        std::string out;
        for (const auto& l : r["lines"])
            out += std::string(l["code"]) + " ";
        return std::make_pair(out, std::string(r["fingerprint"]));
    };
    auto [before, fingerprint1] = codes();
    CHECK(before.find("95885") != std::string::npos);

    // A clean edit in the included file: swapped in, version 2, new fingerprint.
    // (A blank line more: the size changes too, so the edit is seen even on a file system
    // whose timestamps are coarser than the time since the file was written.)
    write(extra, "min_muscles_per_limb 4\n\n");
    auto policy = wait_for(client, [](const json& p) { return p["version"] == 2; });
    REQUIRE(policy["version"] == 2);
    auto [after, fingerprint2] = codes();
    CHECK(after.find("95886") != std::string::npos);
    CHECK(fingerprint2 != fingerprint1);
    CHECK(policy["fingerprint"] == fingerprint2);

    // A broken edit: reported, the old version keeps serving.
    write(payer, "policy acme extends standard \"Acme test payer\"\ninclude \"acme_limits.cpl\"\n"
                 "rule broken when\n");
    policy = wait_for(client, [](const json& p) { return !p["last_error"].is_null(); });
    REQUIRE(!policy["last_error"].is_null());
    CHECK(std::string(policy["last_error"]["message"]).find("acme.cpl") != std::string::npos);
    CHECK(policy["version"] == 2);
    CHECK(policy["failed_reloads"] == 1);
    CHECK(codes().second == fingerprint2);
    CHECK(json::parse(client.Get("/v1/health")->body)["status"] == "degraded");
    bool logged = false;
    for (const auto& line : server.log())
        logged = logged ||
                 line.find("reload failed; still serving " + fingerprint2) != std::string::npos;
    CHECK(logged);

    // Fixed again: swapped in, the error cleared.
    write(payer, "policy acme extends standard \"Acme test payer\"\ninclude \"acme_limits.cpl\"\n");
    write(extra, "min_muscles_per_limb 3\n");
    policy = wait_for(client,
                      [](const json& p) { return p["version"] >= 3 && p["last_error"].is_null(); });
    CHECK(policy["version"] >= 3);
    CHECK(policy["last_error"].is_null());
    CHECK(json::parse(client.Get("/v1/health")->body)["status"] == "ok");
    fs::remove_all(dir);
}

TEST_CASE("serve: after stop() the policy files are no longer watched", "[serve][reload]") {
    fs::path dir = cpl::test::fresh_dir("reload_stop");
    fs::path payer = dir / "acme.cpl";
    write(payer, "policy acme extends standard \"Acme test payer\"\nmin_muscles_per_limb 5\n");
    // The log outlives neither the test nor, for an embedder, the server's stop(): a line
    // written after stop() returns goes to memory the embedder may have freed.
    std::mutex mutex;
    std::vector<std::string> lines;
    bool stopped = false;
    std::vector<std::string> after_stop;
    cpl::serve::Options options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.policies = {payer.string()};
    options.watch_ms = 10;
    options.log = [&](const std::string& line) {
        std::lock_guard lock(mutex);
        (stopped ? after_stop : lines).push_back(line);
    };
    cpl::serve::Server server(options);
    std::string error;
    REQUIRE(server.start(error));
    std::thread running([&] { server.run(); });
    auto reloads = [&] {
        std::lock_guard lock(mutex);
        std::size_t n = 0;
        for (const auto& line : lines)
            n += line.find("reload") != std::string::npos;
        return n;
    };
    // The watcher runs: an edit is reloaded and logged.
    write(payer, "policy acme extends standard \"Acme test payer\"\nmin_muscles_per_limb 4\n\n");
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (reloads() == 0 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(reloads() > 0);

    server.stop();
    running.join();
    {
        std::lock_guard lock(mutex);
        stopped = true;
    }
    // Edits after stop(), a broken one included, are not read: nothing is logged.
    write(payer, "policy acme extends standard \"Acme test payer\"\nmin_muscles_per_limb 3\n\n\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    write(payer, "rule broken when\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::lock_guard lock(mutex);
    CHECK(after_stop.empty());
    fs::remove_all(dir);
}

// The watcher may stop the server from a log line it writes while another thread is stopping
// it too (joining the watcher): neither waits for the other.
TEST_CASE("serve: stop() from the watcher's own log line while another thread stops it",
          "[serve][reload]") {
    fs::path dir = cpl::test::fresh_dir("reload_stop_from_log");
    fs::path payer = dir / "acme.cpl";
    write(payer, "policy acme extends standard \"Acme test payer\"\nmin_muscles_per_limb 5\n");
    std::atomic<bool> logging{false};
    cpl::serve::Server* running_server = nullptr;
    cpl::serve::Options options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.policies = {payer.string()};
    options.watch_ms = 10;
    options.log = [&](const std::string& line) {
        if (line.find("reload") == std::string::npos || logging.exchange(true)) return;
        // The other thread is in stop() by now, joining this one.
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        running_server->stop();
    };
    cpl::serve::Server server(options);
    running_server = &server;
    std::string error;
    REQUIRE(server.start(error));
    std::thread running([&] { server.run(); });
    write(payer, "policy acme extends standard \"Acme test payer\"\nmin_muscles_per_limb 4\n\n");
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!logging && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(logging);
    auto stopped = std::async(std::launch::async, [&] { server.stop(); });
    CHECK(stopped.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
    running.join();
    fs::remove_all(dir);
}
