// stdlib/embedded.hpp — the standard policy set, compiled into the binary so that
// `cpl run` finds it from any directory.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace cpl {

/// The text of a shipped policy or data file by its repository path
/// ("stdlib/standard/x.cpl", "stdlib/standard/data/cms/x.csv").
std::optional<std::string_view> embedded_policy_file(std::string_view path);

/// The repository path of every embedded file, in a fixed order (`cpl lsp` writes them out
/// so that an editor can open the standard set's declarations).
std::vector<std::string_view> embedded_policy_paths();

} // namespace cpl
