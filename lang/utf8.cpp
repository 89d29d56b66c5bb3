// lang/utf8.cpp — UTF-8 checks and terminal-safe text.
#include "utf8.hpp"

#include <cstdint>
#include <fmt/format.h>

namespace cpl {

namespace {

bool continuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

} // namespace

std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
    auto byte = [&](std::size_t i) -> unsigned char {
        return at + i < text.size() ? static_cast<unsigned char>(text[at + i]) : 0;
    };
    unsigned char c = byte(0);
    if (at >= text.size()) return 0;
    if (c < 0x80) return 1;
    // The second byte's range depends on the first (RFC 3629, table 3-7 of Unicode): that is
    // what excludes overlong forms, surrogates and code points past U+10FFFF.
    unsigned char low = 0x80, high = 0xBF;
    std::size_t length = 0;
    if (c >= 0xC2 && c <= 0xDF)
        length = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        length = 3;
        if (c == 0xE0) low = 0xA0;
        if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        length = 4;
        if (c == 0xF0) low = 0x90;
        if (c == 0xF4) high = 0x8F;
    } else {
        return 0;
    }
    if (byte(1) < low || byte(1) > high) return 0;
    for (std::size_t i = 2; i < length; ++i)
        if (!continuation(byte(i))) return 0;
    return length;
}

std::size_t utf8_error_at(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t n = utf8_sequence_length(text, i);
        if (n == 0) return i;
        i += n;
    }
    return std::string_view::npos;
}

char32_t utf8_code_point(std::string_view text, std::size_t at, std::size_t n) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
    if (n == 1) return byte(0);
    static constexpr unsigned char lead_bits[] = {0, 0, 0x1F, 0x0F, 0x07};
    char32_t c = byte(0) & lead_bits[n];
    for (std::size_t i = 1; i < n; ++i)
        c = c << 6 | (byte(i) & 0x3F);
    return c;
}

int display_width(char32_t c) {
    struct Range {
        char32_t first, last;
    };
    // Marks drawn on the character before them, and characters drawn as nothing.
    static constexpr Range zero[] = {
        {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A},  {0x064B, 0x065F},
        {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x2060, 0x2064},  {0x20D0, 0x20FF},
        {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF}};
    // East Asian wide and fullwidth (Unicode's EastAsianWidth W and F), and the emoji blocks.
    static constexpr Range wide[] = {
        {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
        {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
        {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
        {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
        {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
        {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
        {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
        {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
        {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
        {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
        {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
        {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x18CFF},
        {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E},
        {0x1F191, 0x1F19A}, {0x1F1E6, 0x1F1FF}, {0x1F200, 0x1F251}, {0x1F300, 0x1F64F},
        {0x1F680, 0x1F6FF}, {0x1F7E0, 0x1F7EB}, {0x1F90C, 0x1F9FF}, {0x1FA70, 0x1FAFF},
        {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD}};
    auto in = [c](const auto& ranges) {
        for (const Range& r : ranges)
            if (c >= r.first && c <= r.last) return true;
        return false;
    };
    if (c < 0x0300) return 1;
    if (in(zero)) return 0;
    return in(wide) ? 2 : 1;
}

bool hidden_or_blank(char32_t c) {
    // Unicode's spaces (Zs) but U+0020, the separators (Zl, Zp), and the format characters
    // (Cf) and fillers that show nothing in a name.
    return c == 0x00A0 || c == 0x00AD || c == 0x034F || c == 0x061C || c == 0x115F || c == 0x1160 ||
           c == 0x1680 || c == 0x180E || (c >= 0x2000 && c <= 0x200F) ||
           (c >= 0x2028 && c <= 0x202F) || (c >= 0x205F && c <= 0x206F) || c == 0x3000 ||
           c == 0x3164 || c == 0xFEFF || c == 0xFFA0 || (c >= 0xFFF9 && c <= 0xFFFB);
}

namespace {

// Whether the `n` bytes at `at` (a whole character, or not UTF-8 when n is 0) are a blank: an
// ASCII space, tab or line end, or hidden_or_blank.
bool blank_at(std::string_view text, std::size_t at, std::size_t n) {
    if (n == 1) {
        char c = text[at];
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
    return n > 1 && hidden_or_blank(utf8_code_point(text, at, n));
}

} // namespace

std::size_t blank_prefix(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t n =
            static_cast<unsigned char>(text[i]) < 0x80 ? 1 : utf8_sequence_length(text, i);
        if (!blank_at(text, i, n)) break;
        i += n;
    }
    return i;
}

std::size_t blank_suffix(std::string_view text) {
    std::size_t end = text.size();
    while (end > 0) {
        std::size_t start = end - 1; // back to the start of the last character
        while (start > 0 && end - start < 4 &&
               continuation(static_cast<unsigned char>(text[start])))
            --start;
        std::size_t n =
            static_cast<unsigned char>(text[start]) < 0x80 ? 1 : utf8_sequence_length(text, start);
        if (n != end - start || !blank_at(text, start, n)) break;
        end = start;
    }
    return text.size() - end;
}

void append_printable(std::string& out, std::string_view text, bool keep_backslash) {
    std::size_t plain = 0; // start of the run copied as it is
    auto flush = [&](std::size_t to) { out.append(text.data() + plain, to - plain); };
    for (std::size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7F && (c != '\\' || keep_backslash)) {
            ++i;
            continue;
        }
        std::size_t n = c < 0x80 ? 1 : utf8_sequence_length(text, i);
        // U+0080..U+009F, the C1 controls, are C2 80..C2 9F.
        bool c1 = n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
        char32_t code_point = n > 1 && !c1 ? utf8_code_point(text, i, n) : 0;
        char32_t hidden = code_point && hidden_or_blank(code_point) ? code_point : 0;
        if (n > 1 && !c1 && !hidden) {
            i += n;
            continue;
        }
        flush(i);
        if (hidden) {
            out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(hidden));
            i += n;
            plain = i;
            continue;
        }
        switch (c) {
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
            if (c1)
                out += fmt::format("\\u{:04x}", static_cast<unsigned char>(text[i + 1]));
            else
                out += fmt::format("\\x{:02x}", c);
        }
        i += c1 ? 2 : 1;
        plain = i;
    }
    flush(text.size());
}

std::string printable(std::string_view text, bool keep_backslash) {
    std::string out;
    out.reserve(text.size());
    append_printable(out, text, keep_backslash);
    return out;
}

std::size_t control_character_at(std::string_view text) {
    for (std::size_t at = 0; at < text.size(); ++at) {
        auto c = static_cast<unsigned char>(text[at]);
        bool c1 = c == 0xC2 && at + 1 < text.size() &&
                  static_cast<unsigned char>(text[at + 1]) >= 0x80 &&
                  static_cast<unsigned char>(text[at + 1]) <= 0x9F;
        if (c1 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return at;
    }
    return std::string_view::npos;
}

std::size_t clip_point(std::string_view text, std::size_t longest) {
    if (text.size() <= longest) return std::string_view::npos;
    std::size_t keep = longest / 2;
    // Back to the start of a character: a cut sequence would print as bytes that are not UTF-8.
    while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80)
        --keep;
    return keep;
}

std::string clipped(std::string_view text) {
    std::size_t cut = clip_point(text);
    if (cut == std::string_view::npos) return std::string(text);
    return std::string(text.substr(0, cut)) + "\u2026 (" + std::to_string(text.size()) + " bytes)";
}

} // namespace cpl
