// tests/interpreter/json_escape_test.cpp — JSON strings in results (interpreter/eval/result.cpp)
// escape exactly as a byte-at-a-time reading would, wherever the byte to escape falls among
// the eight the writer skips at once.
#include "interpreter/eval/result.hpp"
#include "lang/utf8.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <random>

using namespace cpl;

namespace {

// The reference: each byte in turn.
std::string reference(std::string_view s) {
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            std::size_t n = utf8_sequence_length(s, i);
            if (n == 0) {
                out += "\\ufffd";
                ++i;
            } else {
                out.append(s.substr(i, n));
                i += n;
            }
            continue;
        }
        if (c == '"')
            out += "\\\"";
        else if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else if (c < 0x20)
            out += fmt::format("\\u{:04x}", c);
        else
            out += static_cast<char>(c);
        ++i;
    }
    return out + "\"";
}

} // namespace

TEST_CASE("json: strings escape as byte by byte, at every position in a word") {
    const std::vector<std::string> specials = {"\"", "\\", "\n",   "\t",   "\x01", "\x1f", "\x7f",
                                               "–",  "±",  "\xff", "\xc3", "é",    " ",    "a"};
    std::mt19937 rng(15);
    for (int round = 0; round < 4000; ++round) {
        std::string s;
        std::size_t length = rng() % 40;
        for (std::size_t i = 0; i < length; ++i)
            s += rng() % 3 ? std::string(1, static_cast<char>('a' + rng() % 26))
                           : specials[rng() % specials.size()];
        INFO(s);
        CHECK(error_json(s, "") == "{\"case\": " + reference(s) + ", \"error\": \"\"}");
    }
}
