// lang/files.hpp — the one way cpl reads a whole file (policies, case files, test
// expectations): regular files only, and never more than a bound, so a device, a directory
// or a runaway file gets an error instead of a hang or an exhausted memory.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace cpl {

inline constexpr std::size_t max_file_bytes = std::size_t{256} << 20;

/// The file's text, or nothing with `why` saying what stood in the way
/// ("does not exist", "is a directory", "is not a regular file", "is larger than 256 MiB", …).
std::optional<std::string> read_text_file(const std::string& path, std::string& why,
                                          std::size_t limit = max_file_bytes);

/// All of standard input, within the same bound, or nothing with `why` ("is closed", "is a
/// directory", "is larger than 256 MiB", "could not be read (…)").
std::optional<std::string> read_standard_input(std::string& why,
                                               std::size_t limit = max_file_bytes);

} // namespace cpl
