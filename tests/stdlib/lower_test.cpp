// tests/stdlib/lower_test.cpp — `lower` of a string made by string_with_letters (a case's
// names, a program's constants: their lower-cased form is found when they are made) is what a
// byte-by-byte loop gives, as it is of a string made without it; the string itself is left as
// written.
#include "runtime/value.hpp"
#include "stdlib/builtins.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <string>

using namespace cpl;

namespace {

std::string lower_byte_by_byte(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string lowered(Value v, Arena& arena) {
    std::vector<Shape> shapes;
    BuiltinContext ctx{arena, shapes, {}};
    Value args[] = {v};
    Value out = builtin_lower(args, ctx);
    REQUIRE(out.kind == Kind::String);
    CHECK((out.letters & letters_lower) != 0); // lowering it again looks at nothing
    return std::string(out.str());
}

} // namespace

TEST_CASE("lower: strings made with their letters known, and without") {
    std::mt19937 rng(11);
    // Letters on both sides of A-Z and a-z, and UTF-8 ("é" is C3 A9), which stays as it is.
    const std::string alphabet = "@AMZ[`amz{09 -\xC3\xA9";
    Arena arena;
    for (int round = 0; round < 20000; ++round) {
        std::string s;
        // Past 64 bytes a string gets no lower-cased copy: both sides of that length.
        std::size_t length = rng() % 80;
        for (std::size_t i = 0; i < length; ++i)
            s += alphabet[rng() % alphabet.size()];
        INFO(s);
        Value made = string_with_letters(arena, s);
        CHECK(made.str() == s);
        bool capitals = lower_byte_by_byte(s) != s;
        CHECK(((made.letters & letters_lower) != 0) == (!capitals && length <= 64));
        CHECK(((made.letters & letters_lowered_after) != 0) == (capitals && length <= 64));
        CHECK(lowered(made, arena) == lower_byte_by_byte(s));
        CHECK(lowered(Value::of_string(s), arena) == lower_byte_by_byte(s));
        CHECK(made.str() == s); // lowering left the string as written
    }
}

TEST_CASE("lower: a name's lower-cased form is the same string each time") {
    // The memo of a function's calls compares strings by where they are: `trunk(lower(n))`
    // asked twice of one name finds the first answer.
    Arena arena;
    Value apb = string_with_letters(arena, "APB");
    std::string first = lowered(apb, arena);
    std::vector<Shape> shapes;
    BuiltinContext ctx{arena, shapes, {}};
    Value args[] = {apb};
    CHECK(builtin_lower(args, ctx).chars == builtin_lower(args, ctx).chars);
    CHECK(first == "apb");
}
