// runtime/ascii.hpp — the ASCII case of names, eight bytes at a time. Muscle, nerve and side
// names are put in lower case many times a case (`lower()`, the case reader's muscle look-up),
// where a byte loop was most of the work. Bytes of UTF-8 (0x80 and up) are never changed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace cpl {

namespace ascii_detail {

inline constexpr std::uint64_t ones = 0x0101010101010101ULL;
inline constexpr std::uint64_t high = 0x8080808080808080ULL;

// The high bit of each byte of `x` that is 'A' to 'Z', when no byte of `x` is 0x80 or above
// (then adding 0x3f or 0x25 to a byte carries into no other byte).
inline std::uint64_t upper_bytes(std::uint64_t x) {
    return (x + ones * (0x80 - 'A')) & ~(x + ones * (0x80 - 'Z' - 1)) & high;
}

inline bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}

} // namespace ascii_detail

/// Whether `s` holds a capital letter A to Z.
inline bool has_ascii_upper(std::string_view s) {
    using namespace ascii_detail;
    std::size_t at = 0;
    for (; at + 8 <= s.size(); at += 8) {
        std::uint64_t x;
        std::memcpy(&x, s.data() + at, 8);
        if (x & high) break; // UTF-8 here: byte by byte from here on
        if (upper_bytes(x)) return true;
    }
    for (; at < s.size(); ++at)
        if (is_upper(s[at])) return true;
    return false;
}

/// Writes `in` to `out` (in.size() bytes) with A to Z in lower case.
inline void copy_ascii_lower(std::string_view in, char* out) {
    using namespace ascii_detail;
    std::size_t at = 0;
    for (; at + 8 <= in.size(); at += 8) {
        std::uint64_t x;
        std::memcpy(&x, in.data() + at, 8);
        if (x & high) break;
        x |= upper_bytes(x) >> 2; // 0x80 >> 2 is 0x20, the bit between 'A' and 'a'
        std::memcpy(out + at, &x, 8);
    }
    for (; at < in.size(); ++at)
        out[at] = is_upper(in[at]) ? static_cast<char>(in[at] + ('a' - 'A')) : in[at];
}

} // namespace cpl
