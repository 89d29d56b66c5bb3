// interpreter/serve/metrics.cpp — recording is a short critical section (a map bump) or an
// atomic add; rendering copies under the lock and formats outside it.
#include "interpreter/serve/metrics.hpp"

#include "interpreter/serve/policy_store.hpp"

#include <fmt/format.h>

namespace cpl::serve {

namespace {

// Label values escape backslash, double quote and newline (exposition format).
std::string label(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"')
            out += {'\\', c};
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

} // namespace

void Metrics::request(const std::string& endpoint, int status, std::chrono::nanoseconds took) {
    {
        std::lock_guard lock(mutex_);
        ++requests_[{endpoint, status}];
    }
    if (took.count() < 0) return; // answered before any handler ran: nothing was timed
    double seconds = std::chrono::duration<double>(took).count();
    std::size_t bucket = 0;
    while (bucket < buckets.size() && seconds > buckets[bucket])
        ++bucket;
    histogram_[bucket].fetch_add(1, std::memory_order_relaxed);
    latency_ns_sum_.fetch_add(static_cast<std::uint64_t>(took.count()), std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::cases(const std::string& policy, std::uint64_t results, std::uint64_t errors) {
    std::lock_guard lock(mutex_);
    auto& counts = cases_[policy];
    counts.first += results;
    counts.second += errors;
}

std::string Metrics::render(const PolicyStore& store) const {
    std::map<std::pair<std::string, int>, std::uint64_t> requests;
    std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> cases;
    {
        std::lock_guard lock(mutex_);
        requests = requests_;
        cases = cases_;
    }
    std::string out;
    out += "# HELP cpl_http_requests_total HTTP requests answered, by route and status.\n"
           "# TYPE cpl_http_requests_total counter\n";
    for (const auto& [key, n] : requests)
        out += fmt::format("cpl_http_requests_total{{endpoint=\"{}\",status=\"{}\"}} {}\n",
                           label(key.first), key.second, n);
    out += "# HELP cpl_http_errors_total HTTP requests answered with a 4xx or 5xx status.\n"
           "# TYPE cpl_http_errors_total counter\n";
    std::map<std::string, std::uint64_t> errors;
    for (const auto& [key, n] : requests)
        if (key.second >= 400) errors[key.first] += n;
    for (const auto& [endpoint, n] : errors)
        out += fmt::format("cpl_http_errors_total{{endpoint=\"{}\"}} {}\n", label(endpoint), n);

    out += "# HELP cpl_http_request_duration_seconds Time from routing to the response body.\n"
           "# TYPE cpl_http_request_duration_seconds histogram\n";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        cumulative += histogram_[i].load(std::memory_order_relaxed);
        out += fmt::format("cpl_http_request_duration_seconds_bucket{{le=\"{}\"}} {}\n", buckets[i],
                           cumulative);
    }
    cumulative += histogram_[buckets.size()].load(std::memory_order_relaxed);
    out += fmt::format("cpl_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", cumulative);
    out += fmt::format("cpl_http_request_duration_seconds_sum {:.9f}\n",
                       double(latency_ns_sum_.load()) / 1e9);
    out += fmt::format("cpl_http_request_duration_seconds_count {}\n", count_.load());

    out += "# HELP cpl_cases_evaluated_total Cases evaluated, by policy and outcome.\n"
           "# TYPE cpl_cases_evaluated_total counter\n";
    for (const auto& [policy, counts] : cases) {
        out += fmt::format("cpl_cases_evaluated_total{{policy=\"{}\",outcome=\"result\"}} {}\n",
                           label(policy), counts.first);
        out += fmt::format("cpl_cases_evaluated_total{{policy=\"{}\",outcome=\"error\"}} {}\n",
                           label(policy), counts.second);
    }

    auto status = store.status();
    out += "# HELP cpl_policy_info The policy serving now: its fingerprint and version.\n"
           "# TYPE cpl_policy_info gauge\n";
    for (const auto& s : status)
        out += fmt::format(
            "cpl_policy_info{{policy=\"{}\",fingerprint=\"{}\",version=\"{}\",loaded_at=\"{}\"}} "
            "1\n",
            label(s.current->program->name), s.current->fingerprint, s.current->version,
            s.current->loaded_at);
    out += "# HELP cpl_policy_version Reloads of the policy swapped in, plus one.\n"
           "# TYPE cpl_policy_version gauge\n";
    for (const auto& s : status)
        out += fmt::format("cpl_policy_version{{policy=\"{}\"}} {}\n",
                           label(s.current->program->name), s.current->version);
    out += "# HELP cpl_policy_reloads_total Reload attempts after a file changed, by result.\n"
           "# TYPE cpl_policy_reloads_total counter\n";
    for (const auto& s : status) {
        std::string name = label(s.current->program->name);
        out += fmt::format("cpl_policy_reloads_total{{policy=\"{}\",result=\"swapped\"}} {}\n",
                           name, s.reloads);
        out += fmt::format("cpl_policy_reloads_total{{policy=\"{}\",result=\"failed\"}} {}\n", name,
                           s.failed_reloads);
    }
    out += "# HELP cpl_policy_load_error 1 while the last reload failed and an older version "
           "serves.\n"
           "# TYPE cpl_policy_load_error gauge\n";
    for (const auto& s : status)
        out += fmt::format("cpl_policy_load_error{{policy=\"{}\"}} {}\n",
                           label(s.current->program->name), s.last_error ? 1 : 0);
    out += "# HELP cpl_uptime_seconds Seconds since the server started.\n"
           "# TYPE cpl_uptime_seconds gauge\n";
    out += fmt::format(
        "cpl_uptime_seconds {:.3f}\n",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
    return out;
}

} // namespace cpl::serve
