// interpreter/cli/output.hpp — how the commands write. fmt::print throws when a write fails
// (a full disk), and an uncaught exception aborts; a lost result must not go unnoticed either.
// So writes never throw: a failed one is remembered, and main() makes the exit status 1.
#pragma once

#include <cstdio>
#include <fmt/format.h>
#include <string>
#include <string_view>
#include <utility>

namespace cpl::cli {

/// Writes `text` to `file` (stdout or stderr); a failed or short write is remembered.
void write(std::FILE* file, std::string_view text);

template <typename... Args> void print(fmt::format_string<Args...> format, Args&&... args) {
    write(stdout, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args> void eprint(fmt::format_string<Args...> format, Args&&... args) {
    write(stderr, fmt::format(format, std::forward<Args>(args)...));
}

/// Writes `text` to a new file beside `path` and renames it over `path` once complete (a
/// full disk leaves the old file whole); false with `why` when it could not.
bool replace_file(const std::string& path, const std::string& text, std::string& why);

/// Flushes standard output; true when everything written to it and to standard error got
/// there.
bool output_complete();

/// Whether a write to standard output has failed already (a full disk, a reader that closed
/// the pipe): a command producing more results can stop, since none of them would arrive.
bool output_failed();

} // namespace cpl::cli
