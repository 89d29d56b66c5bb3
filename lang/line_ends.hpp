// lang/line_ends.hpp — where a line of JSON Lines ends: at LF, CRLF or CR alone, however the
// file was written (`cpl run` streaming a file, `cpl serve` reading a batch). A CR inside a case
// is no JSON anyway, so it may end a line.
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

} // namespace cpl
