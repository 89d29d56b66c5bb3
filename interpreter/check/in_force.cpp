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

std::string range_in_words(const Effective& e) {
    if (!e.from.empty() && !e.until.empty())
        return fmt::format("from {} until {}", e.from, e.until);
    if (!e.from.empty()) return fmt::format("from {}", e.from);
    if (!e.until.empty()) return fmt::format("until {}", e.until);
    return "on every date";
}

} // namespace

std::string NeverApplies::help() const {
    return outside ? "date it within the dates of service the policy codes, or remove it"
                   : "date it so that it holds where no later value does, or put the values in "
                     "the order of their dates (the newest last)";
}

std::optional<NeverApplies> never_applies(const std::vector<Version>& versions, std::size_t i,
                                          const Effective& policy) {
    const Effective& mine = versions[i].dates;
    std::string from = std::max(start_of(mine), start_of(policy));
    std::string until = std::min(end_of(mine), end_of(policy));
    if (from >= until)
        return NeverApplies{fmt::format("it holds {}, and the policy codes dates of service {}",
                                        range_in_words(mine), range_in_words(policy)),
                            true};
    // Sweep the later versions' dates, earliest start first: a gap before `until` is a date
    // this one decides.
    std::vector<const Version*> later;
    for (std::size_t j = i + 1; j < versions.size(); ++j)
        later.push_back(&versions[j]);
    std::sort(later.begin(), later.end(), [](const Version* a, const Version* b) {
        return start_of(a->dates) < start_of(b->dates);
    });
    std::string covered = from;
    std::vector<std::string> takers;
    for (const Version* v : later) {
        if (start_of(v->dates) > covered) break;
        if (end_of(v->dates) <= covered) continue;
        covered = end_of(v->dates);
        takers.push_back(v->shown);
        if (covered >= until) break;
    }
    if (covered < until) return std::nullopt;
    return NeverApplies{fmt::format("{} after it {} on every date it holds (the later of two "
                                    "values that overlap wins)",
                                    fmt::join(takers, " and "),
                                    takers.size() == 1 ? "holds" : "hold"),
                        false};
}

} // namespace cpl::check_detail
