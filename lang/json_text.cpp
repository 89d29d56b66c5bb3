// lang/json_text.cpp — texts as JSON strings, fast on the long plain texts results are made of.
#include "lang/json_text.hpp"

#include "lang/utf8.hpp"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <cstdint>
#include <cstring>
#include <fmt/format.h>

namespace cpl {

namespace {

bool needs_escape(unsigned char c) {
    return c == '"' || c == '\\' || c < 0x20;
}

// How many of the bytes at the start of `s` are plain ASCII (no quote, backslash or control
// character): cites, documentation and messages are long and almost all plain, and were a
// tenth of `cpl run --format json`, byte by byte. Sixteen bytes at a time with SSE2 (every
// x86-64 has it): as signed bytes, a control character and a byte of UTF-8 (0x80 and up,
// negative) are both below 0x20, so one comparison finds both. Elsewhere eight at a time, with
// bit tricks from "Bit Twiddling Hacks" (haszero, hasless): exact for whether any byte matches.
std::size_t plain_ascii_prefix(std::string_view s) {
    std::size_t at = 0;
#ifdef __SSE2__
    const __m128i space = _mm_set1_epi8(0x20);
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    for (; at + 16 <= s.size(); at += 16) {
        __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + at));
        __m128i special =
            _mm_or_si128(_mm_cmplt_epi8(x, space),
                         _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)));
        if (int mask = _mm_movemask_epi8(special))
            return at + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    }
#endif
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t high = 0x8080808080808080ULL;
    for (; at + 8 <= s.size(); at += 8) {
        std::uint64_t x;
        std::memcpy(&x, s.data() + at, 8);
        std::uint64_t quote_bytes = x ^ (ones * '"');
        std::uint64_t backslash_bytes = x ^ (ones * '\\');
        std::uint64_t special = (x & high) | ((quote_bytes - ones) & ~quote_bytes & high) |
                                ((backslash_bytes - ones) & ~backslash_bytes & high) |
                                ((x - ones * 0x20) & ~x & high);
        if (special) break;
    }
    return at;
}

// How many bytes from the start of `s` are written as they are: ASCII that needs no escape
// and whole UTF-8 characters.
std::size_t plain_run(std::string_view s) {
    std::size_t plain = plain_ascii_prefix(s);
    while (plain < s.size()) {
        auto c = static_cast<unsigned char>(s[plain]);
        if (c < 0x80) {
            if (needs_escape(c)) break;
            ++plain;
            continue;
        }
        std::size_t n = utf8_sequence_length(s, plain);
        if (n == 0) break;
        plain += n;
        plain += plain_ascii_prefix(s.substr(plain)); // a dash or a ± in a long text
    }
    return plain;
}

} // namespace

// Output is always valid JSON, so always UTF-8: policies are checked when parsed and cases by
// the JSON reader, but a byte that is not UTF-8 still becomes U+FFFD here rather than invalid
// output (a built-in may cut a string between the bytes of one character).
void json_string(std::string& out, std::string_view s) {
    std::size_t plain = plain_run(s);
    // Most texts need no escape: quotes and text in one growth of `out`, not three appends.
    if (plain == s.size()) {
        std::size_t at = out.size();
        out.resize(at + s.size() + 2);
        char* to = out.data() + at;
        to[0] = '"';
        if (!s.empty()) std::memcpy(to + 1, s.data(), s.size()); // an empty one may be null
        to[s.size() + 1] = '"';
        return;
    }
    out += '"';
    // Copy runs of plain characters at once (the first is measured above); escape the rest one
    // by one.
    for (;; plain = plain_run(s)) {
        out.append(s.data(), plain);
        s.remove_prefix(plain);
        if (s.empty()) break;
        unsigned char c = static_cast<unsigned char>(s.front());
        s.remove_prefix(1);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c >= 0x80)
                out += "\\ufffd";
            else
                out += fmt::format("\\u{:04x}", c);
        }
    }
    out += '"';
}

} // namespace cpl
