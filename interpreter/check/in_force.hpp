// interpreter/check/in_force.hpp — values that never apply (check.never_applies): a dated
// value of a setting or row that later values of the same policy take on every date it holds,
// or one that holds only outside the dates of service the policy codes. Where versions
// overlap the later one wins, so listing the newest first (as payer manuals often do) leaves
// the newest dead, and the value the policy meant for it silently never applies.
#pragma once

#include "interpreter/program/program.hpp"

#include <optional>
#include <string>
#include <vector>

namespace cpl::check_detail {

/// One version of a value: the dates it holds on (`from` inclusive, `until` exclusive; ""
/// open) and how it is named in a message (`2 from 2023-01-01`).
struct Version {
    Effective dates;
    std::string shown;
};

struct NeverApplies {
    std::string why;
    bool outside = false; // it holds on no date the policy codes
    /// What to do about it, for the warning's help.
    std::string help() const;
};

/// Why `versions[i]` never applies, or nothing: every date it holds that the policy codes
/// (`policy`) is taken by a version after it, or none is.
std::optional<NeverApplies> never_applies(const std::vector<Version>& versions, std::size_t i,
                                          const Effective& policy);

} // namespace cpl::check_detail
