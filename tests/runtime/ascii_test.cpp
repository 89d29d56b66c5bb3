// tests/runtime/ascii_test.cpp — has_ascii_upper and copy_ascii_lower (runtime/ascii.hpp)
// answer as a byte-by-byte loop does, over every byte value and every length around the
// eight-byte words they read, with UTF-8 anywhere in the word.
#include "runtime/ascii.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <string>

using namespace cpl;

namespace {

bool upper(char c) {
    return c >= 'A' && c <= 'Z';
}

std::string lower_byte_by_byte(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (upper(c)) c = static_cast<char>(c - 'A' + 'a');
    return out;
}

} // namespace

TEST_CASE("ascii: lower case and the test for capitals agree with a byte loop") {
    std::mt19937 rng(5);
    // Letters on both sides of A-Z and a-z, and bytes of UTF-8 ("é" is C3 A9).
    const std::string alphabet = "@AMZ[`amz{09 -\xC3\xA9\x7F\x80\xFF";
    for (int round = 0; round < 50000; ++round) {
        std::string s;
        std::size_t length = rng() % 27;
        for (std::size_t i = 0; i < length; ++i)
            s += alphabet[rng() % alphabet.size()];
        INFO(s);
        std::string out(s.size(), '?');
        copy_ascii_lower(s, out.data());
        CHECK(out == lower_byte_by_byte(s));
        CHECK(has_ascii_upper(s) == (lower_byte_by_byte(s) != s));
    }
}

TEST_CASE("ascii: every byte value alone and inside a word") {
    for (int b = 0; b < 256; ++b) {
        for (std::size_t at : {0u, 3u, 7u, 8u, 12u}) {
            std::string s(16, 'q');
            s[at] = static_cast<char>(b);
            std::string out(s.size(), '?');
            copy_ascii_lower(s, out.data());
            CHECK(out == lower_byte_by_byte(s));
            CHECK(has_ascii_upper(s) == upper(static_cast<char>(b)));
        }
    }
}
