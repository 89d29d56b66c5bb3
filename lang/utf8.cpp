// lang/utf8.cpp — UTF-8 checks and terminal-safe text.
#include "utf8.hpp"

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
        if (n > 1 && !c1) {
            i += n;
            continue;
        }
        flush(i);
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
