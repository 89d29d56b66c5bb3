// runtime/ascii.hpp — the ASCII case of names, eight bytes at a time. Muscle, nerve and side
// names are put in lower case many times a case (`lower()`, the case reader's muscle look-up),
// where a byte loop was most of the work. Bytes of UTF-8 (0x80 and up) are never changed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace cpl {

namespace ascii_detail {

inline constexpr std::uint64_t ones = 0x0101010101010101ULL;
inline constexpr std::uint64_t high = 0x8080808080808080ULL;

// The high bit of each byte of `x` that is 'A' to 'Z', when no byte of `x` is 0x80 or above
// (then adding 0x3f or 0x25 to a byte carries into no other byte). For 4-byte words too: the
// upper half is then zero, and zero is no capital.
inline std::uint64_t upper_bytes(std::uint64_t x) {
    return (x + ones * (0x80 - 'A')) & ~(x + ones * (0x80 - 'Z' - 1)) & high;
}

inline bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}

// The 4 or 8 bytes at `p`, as a word.
template <typename Word> inline std::uint64_t load(const char* p) {
    Word w;
    std::memcpy(&w, p, sizeof w);
    return w;
}
template <typename Word> inline void store(char* p, std::uint64_t x) {
    auto w = static_cast<Word>(x);
    std::memcpy(p, &w, sizeof w);
}

// Calls `word(at)` for words of `Word` covering n bytes (n >= sizeof(Word)): the last one
// overlaps the one before, so no byte is left for a loop. False when a word holds UTF-8.
template <typename Word, typename F>
inline bool each_word(std::size_t n, const char* in, F&& word) {
    for (std::size_t at = 0;; at += sizeof(Word)) {
        if (at + sizeof(Word) > n) at = n - sizeof(Word);
        std::uint64_t x = load<Word>(in + at);
        if (x & high) return false;
        word(at, x);
        if (at + sizeof(Word) == n) return true;
    }
}

} // namespace ascii_detail

/// Whether `s` holds a capital letter A to Z.
inline bool has_ascii_upper(std::string_view s) {
    using namespace ascii_detail;
    bool upper = false;
    auto test = [&](std::size_t, std::uint64_t x) { upper |= upper_bytes(x) != 0; };
    bool words = s.size() >= 8   ? each_word<std::uint64_t>(s.size(), s.data(), test)
                 : s.size() >= 4 ? each_word<std::uint32_t>(s.size(), s.data(), test)
                                 : false;
    if (words) return upper;
    for (char c : s) // short, or UTF-8 in it
        if (is_upper(c)) return true;
    return false;
}

/// Writes `in` to `out` (in.size() bytes, not overlapping `in`) with A to Z in lower case.
inline void copy_ascii_lower(std::string_view in, char* out) {
    using namespace ascii_detail;
    // 0x80 >> 2 is 0x20, the bit between 'A' and 'a'.
    auto wide = [&](std::size_t at, std::uint64_t x) {
        store<std::uint64_t>(out + at, x | upper_bytes(x) >> 2);
    };
    auto narrow = [&](std::size_t at, std::uint64_t x) {
        store<std::uint32_t>(out + at, x | upper_bytes(x) >> 2);
    };
    bool words = in.size() >= 8   ? each_word<std::uint64_t>(in.size(), in.data(), wide)
                 : in.size() >= 4 ? each_word<std::uint32_t>(in.size(), in.data(), narrow)
                                  : false;
    if (words) return;
    for (std::size_t at = 0; at < in.size(); ++at)
        out[at] = is_upper(in[at]) ? static_cast<char>(in[at] + ('a' - 'A')) : in[at];
}

/// `c` with A to Z in lower case.
inline char ascii_lower(char c) {
    return ascii_detail::is_upper(c) ? static_cast<char>(c + ('a' - 'A')) : c;
}

/// Whether `a` and `b` are the same but for the case of A to Z (a name as a case writes it
/// and as a table holds it: "APB", "apb").
inline bool equal_ignoring_ascii_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

/// Whether `a` comes before `b` in an order that ignores the case of A to Z.
inline bool before_ignoring_ascii_case(std::string_view a, std::string_view b) {
    std::size_t n = a.size() < b.size() ? a.size() : b.size();
    for (std::size_t i = 0; i < n; ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return ascii_lower(a[i]) < ascii_lower(b[i]);
    return a.size() < b.size();
}

/// `s` with A to Z in lower case.
inline std::string ascii_lower(std::string_view s) {
    std::string out(s.size(), '\0');
    copy_ascii_lower(s, out.data());
    return out;
}

/// `s` with a to z in capitals (a code or modifier a person typed in lower case: `g0255`).
inline std::string ascii_upper(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

} // namespace cpl
