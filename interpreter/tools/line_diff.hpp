// interpreter/tools/line_diff.hpp — a line diff for `cpl diff`: what changed between two lists
// of lines (a rule's clauses), as `- ` and `+ ` lines with unchanged ones as context.
#pragma once

#include <string>
#include <vector>

namespace cpl {

/// The lines of `before` and `after` in order: removed ones `- L`, added ones `+ L`, kept ones
/// `  L` when within `context` lines of a change, and each longer run of two or more kept lines
/// as one `  … N unchanged`. Kept lines are those of a longest common subsequence.
std::vector<std::string> line_diff(const std::vector<std::string>& before,
                                   const std::vector<std::string>& after, std::size_t context = 1);

} // namespace cpl
