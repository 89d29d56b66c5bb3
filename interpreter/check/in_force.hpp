// interpreter/check/in_force.hpp — values that never apply (check.never_applies): a dated
// value of a setting or row that later values of the same policy take on every date it holds,
// or one that holds only outside the dates of service the policy codes. Where versions
// overlap the later one wins, so listing the newest first (as payer manuals often do) leaves
// the newest dead, and the value the policy meant for it silently never applies.
#pragma once

#include "interpreter/program/program.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cpl::check_detail {

/// Why a version never applies: it holds on no date the policy codes (`outside`), or the
/// versions after it (`takers`, their indexes) hold on every date it does.
struct NeverApplies {
    bool outside = false;
    std::vector<std::size_t> takers;
    /// In words: `shown(j)` names version j (`the row `95886 => 2` (line 4)`). Called only
    /// for a version that never applies, so the others cost no text.
    std::string why(const Effective& mine, const Effective& policy,
                    const std::function<std::string(std::size_t)>& shown) const;
    /// What to do about it, for the warning's help.
    std::string help() const;
};

/// Whether the version dated `versions[i]` (each `from` inclusive, `until` exclusive; ""
/// open) never applies: every date it holds that the policy codes (`policy`) is taken by a
/// version after it (the later of two that overlap wins), or none is.
std::optional<NeverApplies> never_applies(const std::vector<Effective>& versions, std::size_t i,
                                          const Effective& policy);

/// The first dates of service the policy codes (`policy`) on which none of `versions` holds,
/// if any: a setting read on such a date stops the case (eval.no_setting_value).
std::optional<Effective> first_gap(const std::vector<Effective>& versions, const Effective& policy);

/// The dates of service both hold for, if any.
std::optional<Effective> common_dates(const Effective& a, const Effective& b);

/// `from 2025-01-01 until 2025-02-01`, `until 2024-01-01`, `on every date`.
std::string range_in_words(const Effective& dates);

} // namespace cpl::check_detail
