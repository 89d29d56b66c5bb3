// interpreter/check/in_force.cpp — see in_force.hpp.
#include "interpreter/check/in_force.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace cpl::check_detail {

namespace {

// Open ends as dates before and after every date of service.
std::string start_of(const Effective& e) {
    return e.from.empty() ? "0000-00-00" : e.from;
}
std::string end_of(const Effective& e) {
    return e.until.empty() ? "9999-99-99" : e.until;
}

} // namespace

std::optional<Effective> common_dates(const Effective& a, const Effective& b) {
    std::string from = std::max(start_of(a), start_of(b)), until = std::min(end_of(a), end_of(b));
    if (from >= until) return std::nullopt;
    auto open = [](const std::string& date, const char* sentinel) {
        return date == sentinel ? std::string() : date;
    };
    return Effective{open(from, "0000-00-00"), open(until, "9999-99-99")};
}

std::string range_in_words(const Effective& e) {
    if (!e.from.empty() && !e.until.empty())
        return fmt::format("from {} until {}", e.from, e.until);
    if (!e.from.empty()) return fmt::format("from {}", e.from);
    if (!e.until.empty()) return fmt::format("until {}", e.until);
    return "on every date";
}

std::optional<Effective> first_gap(const std::vector<Effective>& versions,
                                   const Effective& policy) {
    std::vector<Effective> sorted = versions;
    std::sort(sorted.begin(), sorted.end(),
              [](const Effective& a, const Effective& b) { return start_of(a) < start_of(b); });
    std::string covered = start_of(policy);
    const std::string end = end_of(policy);
    auto open = [](const std::string& date, const char* sentinel) {
        return date == sentinel ? std::string() : date;
    };
    for (const Effective& v : sorted) {
        if (covered >= end) return std::nullopt;
        if (start_of(v) > covered)
            return Effective{open(covered, "0000-00-00"),
                             open(std::min(start_of(v), end), "9999-99-99")};
        covered = std::max(covered, end_of(v));
    }
    if (covered >= end) return std::nullopt;
    return Effective{open(covered, "0000-00-00"), open(end, "9999-99-99")};
}

std::string NeverApplies::help() const {
    return outside ? "date it within the dates of service the policy codes, or remove it"
                   : "date it so that it holds where no later value does, or put the values in "
                     "the order of their dates (the newest last)";
}

std::string NeverApplies::why(const Effective& mine, const Effective& policy,
                              const std::function<std::string(std::size_t)>& shown) const {
    if (outside)
        return fmt::format("it holds {}, and the policy codes dates of service {}",
                           range_in_words(mine), range_in_words(policy));
    std::vector<std::string> named;
    for (std::size_t j : takers)
        named.push_back(shown(j));
    return fmt::format("{} after it {} on every date it holds (the later of two values that "
                       "overlap wins)",
                       fmt::join(named, " and "), named.size() == 1 ? "holds" : "hold");
}

std::optional<NeverApplies> never_applies(const std::vector<Effective>& versions, std::size_t i,
                                          const Effective& policy) {
    const Effective& mine = versions[i];
    std::string from = std::max(start_of(mine), start_of(policy));
    std::string until = std::min(end_of(mine), end_of(policy));
    if (from >= until) return NeverApplies{true, {}};
    // Sweep the later versions' dates, earliest start first: a gap before `until` is a date
    // this one decides.
    std::vector<std::size_t> later;
    for (std::size_t j = i + 1; j < versions.size(); ++j)
        later.push_back(j);
    std::sort(later.begin(), later.end(), [&](std::size_t a, std::size_t b) {
        return start_of(versions[a]) < start_of(versions[b]);
    });
    std::string covered = from;
    NeverApplies never{false, {}};
    for (std::size_t j : later) {
        if (start_of(versions[j]) > covered) break;
        if (end_of(versions[j]) <= covered) continue;
        covered = end_of(versions[j]);
        never.takers.push_back(j);
        if (covered >= until) break;
    }
    if (covered < until) return std::nullopt;
    return never;
}

} // namespace cpl::check_detail
