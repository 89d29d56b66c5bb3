// interpreter/load/fragment.hpp — a file with no `policy` line is a fragment of a policy,
// read by another file's `include`; asked to load one, cpl loads the policy that includes it.
#pragma once

#include <optional>
#include <string>

namespace cpl {

/// When `path` names a fragment of a policy (its first word is not `policy`), the policy file
/// to load in its place: the `.cpl` file beside it, or one directory up, whose `include` names
/// it (followed up in turn when that file is a fragment too). For a file of the embedded
/// standard set, its main file. Nothing when `path` has a `policy` line, cannot be read, or
/// no file includes it.
std::optional<std::string> including_policy(const std::string& path);

} // namespace cpl
