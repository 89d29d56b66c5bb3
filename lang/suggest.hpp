// lang/suggest.hpp — the one did-you-mean utility, used wherever a name can be wrong.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cpl {

/// Edit distance (Levenshtein), case-insensitive, stopping early past `cap`.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t cap);

/// The candidate closest to `name`, if it is close enough to be a likely typo
/// (distance at most a third of the name's length, and at least 1 allowed).
std::optional<std::string> closest(std::string_view name,
                                   const std::vector<std::string_view>& candidates);

} // namespace cpl
