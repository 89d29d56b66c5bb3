// lang/line_ends.hpp — reading JSON Lines (`cpl run` streaming a file, `cpl serve` reading a
// batch): where a line ends, at LF, CRLF or CR alone, however the file was written (a CR
// inside a case is no JSON anyway, so it may end a line); and what a first line says of the
// input.
#pragma once

#include <algorithm>
#include <cstring>
#include <string_view>

namespace cpl {

/// Where the first line of `text` ends: its first LF, or a CR before it; text.size() when
/// neither is there. memchr for each, the CR only up to the LF: find_first_of tested every
/// byte against both, and cost a batch an eighth of its instructions.
inline std::size_t line_end(std::string_view text) {
    std::size_t end = std::min(text.find('\n'), text.size());
    if (const void* cr = std::memchr(text.data(), '\r', end))
        end = static_cast<std::size_t>(static_cast<const char*>(cr) - text.data());
    return end;
}

/// What a blank JSON Lines line is answered with, in its place, by `cpl run` and `cpl serve`'s
/// batch alike.
inline constexpr std::string_view blank_line_error =
    "the line is blank: every line must hold one case [run.blank_line]";

/// `text` without the UTF-8 byte-order mark it may start with.
inline std::string_view without_byte_order_mark(std::string_view text) {
    return text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text;
}

/// The bracket when the first line of an input is `{` or `[` alone (a byte-order mark and
/// spaces aside): JSON written over several lines, as an editor or `jq .` prints a case, which
/// JSON Lines cannot hold (run.not_json_lines). Empty otherwise.
inline std::string_view lone_opening_bracket(std::string_view first_line) {
    std::string_view line = without_byte_order_mark(first_line);
    std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
    return line == "{" || line == "[" ? line : std::string_view{};
}

} // namespace cpl
