// interpreter/serve/metrics.hpp — counters and a latency histogram, rendered in the
// Prometheus text exposition format (version 0.0.4) at GET /metrics.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace cpl::serve {

class PolicyStore;

class Metrics {
public:
    /// Upper bounds of the latency buckets, in seconds (+Inf is implied).
    static constexpr std::array<double, 12> buckets = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5};

    /// One finished request. `endpoint` is the route's pattern (never the raw path, so the
    /// number of series stays bounded). A negative `took` counts the request without timing
    /// it (an error answered before routing).
    void request(const std::string& endpoint, int status, std::chrono::nanoseconds took);
    /// Cases evaluated for `policy`; `error` when the case could not be used.
    void cases(const std::string& policy, std::uint64_t results, std::uint64_t errors);

    /// The exposition text, with the policies' fingerprints, versions and reload counts.
    std::string render(const PolicyStore& store) const;

private:
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, int>, std::uint64_t> requests_;        // (endpoint, status)
    std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> cases_; // policy → (ok, err)
    std::array<std::atomic<std::uint64_t>, buckets.size() + 1> histogram_{};
    std::atomic<std::uint64_t> latency_ns_sum_{0};
    std::atomic<std::uint64_t> count_{0};
    const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

} // namespace cpl::serve
