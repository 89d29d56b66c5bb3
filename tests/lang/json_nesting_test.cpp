// tests/lang/json_nesting_test.cpp — the nesting of a JSON text, measured before a library
// that recurses is given it.
#include "lang/json_nesting.hpp"

#include <catch2/catch.hpp>
#include <string>

using cpl::json_nesting;

TEST_CASE("json_nesting counts arrays and objects, not brackets inside strings") {
    CHECK(json_nesting("") == 0);
    CHECK(json_nesting("42") == 0);
    CHECK(json_nesting("{}") == 1);
    CHECK(json_nesting(R"({"a": [1, {"b": [[]]}]})") == 5);
    CHECK(json_nesting(R"({"a": "[[[{{{", "b": "\"[[["})") == 1);
    CHECK(json_nesting(R"(["\\", [[]]])") == 3);
    CHECK(json_nesting(std::string(100'000, '[')) == 100'000);
    // Not JSON: measured all the same, never below zero.
    CHECK(json_nesting("]]]{") == 1);
}
