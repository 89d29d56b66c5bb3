// interpreter/load/resolve.hpp — which file a policy reference names: the one search order
// for `extends`, a test expectation's "policy" and a policy given on the command line.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace cpl {

/// Text to read instead of a file's contents, keyed by `source_key(path)`: an editor's unsaved
/// buffers (`cpl lsp`), so a policy is checked as the author sees it. A key need not exist on
/// disk.
using SourceOverrides = std::map<std::string, std::string>;

/// The key of a file in SourceOverrides: its absolute path with `.`, `..` and symbolic links
/// resolved as far as they exist, so two spellings of one file meet.
std::string source_key(const std::string& path);

/// The path shown for the built-in standard set's main file.
inline constexpr const char* standard_policy_path = "stdlib/standard/standard.cpl";

/// Finds the policy file `reference` names. `near` is the directory it is relative to: that
/// of the file that wrote it (a policy's `extends`, a test's NAME.expected.json), or empty
/// for the current directory (the command line). First match wins:
///
///  1. `standard`: the built-in standard set, `standard_policy_path` (read from disk when that
///     file exists under the current directory, otherwise from the copy in the binary).
///  2. A path (`quoted`, as after `extends "…"`, or ending in `.cpl`, or containing a `/`):
///     `near/path`, or the path itself when absolute, if that file exists.
///  3. A name N: `N.cpl`, then `N/N.cpl`, in `near`, then in each directory above it up to
///     the root; then `policies/N.cpl` under the current directory. A file found from a
///     relative `near` is named relative to the current directory.
///
/// A file counts as there when it exists on disk or `unsaved` holds its text (an editor's
/// buffer never saved). Returns nothing when no file is found.
std::optional<std::string> resolve_policy(std::string_view reference,
                                          const std::filesystem::path& near, bool quoted = false,
                                          const SourceOverrides* unsaved = nullptr);

} // namespace cpl
