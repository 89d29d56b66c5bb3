// tests/serve/load_client.cpp — the benchmark client for `cpl serve` (not a test): N
// keep-alive connections on loopback POST one case each in a loop for D seconds; prints
// requests/s and latency percentiles. Run by tests/serve/bench.sh; figures in
// docs/performance.md.
// Usage: cpl_serve_load PORT PATH CASE_FILE|- CONNECTIONS SECONDS
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <httplib.h>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 6) {
        std::fprintf(stderr, "usage: %s PORT PATH CASE_FILE CONNECTIONS SECONDS\n", argv[0]);
        return 2;
    }
    int port = std::stoi(argv[1]);
    std::string path = argv[2];
    // CASE_FILE `-`: GET instead of POST (for the cheap endpoints, to see the HTTP overhead).
    bool get = std::string(argv[3]) == "-";
    std::string body;
    if (!get) {
        std::ifstream in(argv[3], std::ios::binary);
        body.assign(std::istreambuf_iterator<char>(in), {});
    }
    int connections = std::clamp(std::stoi(argv[4]), 1, 256);
    double seconds = std::clamp(std::stod(argv[5]), 0.5, 120.0);
    using Clock = std::chrono::steady_clock;
    auto until = Clock::now() + std::chrono::duration<double>(seconds);
    std::vector<std::vector<double>> latencies(static_cast<std::size_t>(connections));
    std::atomic<long> failures{0};
    std::vector<std::thread> threads;
    auto start = Clock::now();
    for (int c = 0; c < connections; ++c)
        threads.emplace_back([&, c] {
            httplib::Client client("127.0.0.1", port);
            client.set_keep_alive(true);
            client.set_tcp_nodelay(true);
            auto& mine = latencies[std::size_t(c)];
            while (Clock::now() < until) {
                auto t0 = Clock::now();
                auto res = get ? client.Get(path) : client.Post(path, body, "application/json");
                auto t1 = Clock::now();
                if (!res || res->status != 200)
                    ++failures;
                else
                    mine.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
            }
        });
    for (auto& t : threads)
        t.join();
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::vector<double> all;
    for (auto& l : latencies)
        all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    auto pct = [&](double p) {
        return all.empty() ? 0.0
                           : all[std::min(all.size() - 1, std::size_t(p * double(all.size())))];
    };
    std::printf("%s, %d connections, %.1f s: %zu requests, %.0f requests/s, p50 %.0f us, p99 "
                "%.0f us, max %.0f us, %ld failed\n",
                path.c_str(), connections, elapsed, all.size(), double(all.size()) / elapsed,
                pct(0.50), pct(0.99), all.empty() ? 0.0 : all.back(), failures.load());
    return failures ? 1 : 0;
}
