// tests/stdlib/builtins_test.cpp — one row per built-in: an expression and its value.
#include "../helpers.hpp"
#include "stdlib/builtins.hpp"

#include <catch2/catch.hpp>

using namespace cpl;
using namespace cpl::test;

TEST_CASE("built-ins, evaluated as constants") {
    auto [expr, expected] = GENERATE(table<std::string, std::string>({
        {"count([1, 2, 3])", "3"},
        {"sum([1, 2, 3])", "6"},
        {"sum([])", "0"},
        {"min([3, 1, 2])", "1"},
        {"max([3, 1, 2])", "3"},
        {"distinct([1, 2, 1, 3, 2])", "[1, 2, 3]"},
        {"distinct([{a: 1}, {a: 1}, {a: 2}])", "[{a: 1}, {a: 2}]"},
        {"flatten([[1, 2], [], [3]])", "[1, 2, 3]"},
        {"intersects([95860, 95886], [95885, 95886])", "true"},
        {"intersects([95860], [95885, 95886])", "false"},
        {"intersects([], [1])", "false"},
        {"intersects([\"95299\"], 95000..95300)", "true"}, // hashed: more than 256 pairs
        {"intersects([\"95301\", \"9530\"], 95000..95300)", "false"},
        {"intersects([{a: 1}], [{a: 2}, {a: 1}])", "true"},
        // Strings of 4 to 8 bytes are compared as their first and last four bytes and their
        // length: "ABCDE" and "ABCDBCDE" share both halves, and differ.
        {"intersects([\"ABCDE\"], [\"ABCDBCDE\", \"ABCD\"])", "false"},
        {"intersects([\"ABCDBCDE\"], [\"ABCDE\", \"ABCDBCDE\"])", "true"},
        {"intersects([\"ABC\", 95887, \"a longer text\"], [95885, \"95886\"])", "false"},
        {"intersects([\"ABC\", \"95886\"], [\"95885\", \"95886\"])", "true"},
        {"intersects([\"ABC\"], [\"95885\", \"ABC\"])", "true"}, // a shorter one among them
        // (A list of numbers against one of strings is check.incomparable: no row here.)
        {"intersects([\"ABCDE and more\"], [\"ABCDE\"])", "false"},
        {"intersects([\"ABCDE and more\", \"ABCDE\"], [\"ABCDE\"])", "true"},
        {"intersects([\"ABCDxFGHI\"], [\"ABCDyFGHI\"])", "false"}, // 9 bytes: compared whole
        {"intersects([\"ABCDxFGHI\"], [\"ABCDxFGHI\"])", "true"},
        // Up to 32 strings are read as words; 33 are compared pair by pair, with one answer.
        {"intersects([95899], 95868..95899)", "true"},
        {"intersects([95867], 95868..95899)", "false"},
        {"intersects([95899], 95867..95899)", "true"},
        {"intersects([95866], 95867..95899)", "false"},
        {"any([false, true])", "true"},
        {"all([])", "true"},
        {"sort([3, 1, 2])", "[1, 2, 3]"},
        {"starts_with(\"G56.01\", \"G56\")", "true"},
        {"lower(\"APB\")", "apb"},
        {"join([1, 2], \", \")", "1, 2"},
        {"code(\"G0255\")", "G0255"},
        {"year(\"2023-05-01\")", "2023"},
        {"days_between(\"2023-01-01\", \"2024-01-01\")", "365"},
        {"days_between(\"2024-01-01\", \"2025-01-01\")", "366"},
        {"add_days(\"2024-02-28\", 1)", "2024-02-29"},
        {"add_days(\"2023-01-01\", -1)", "2022-12-31"},
        {"add_years(\"2024-02-29\", -1)", "2023-02-28"},
        {"95907..95909", "[\"95907\", \"95908\", \"95909\"]"},
        {"count(t)", "2"},
        {"intersects([5, 2], t)", "true"}, // the keys of a table (2 in its range 1..2)
        {"intersects([5], t)", "false"},
        {"keys(t)", "[1, 3]"},
        {"entries(t)[1].value", "95908"},
        {"prefix_rows(dx, \"G56.01\")", "[\"right carpal tunnel\", \"carpal tunnel\"]"},
        {"prefix_rows(dx, \"M54\")", "[]"},
        // Only lengths some key has are looked for; from 32 bytes on every length is.
        {"prefix_rows(dx, \"G56.012\")", "[\"right carpal tunnel\", \"carpal tunnel\"]"},
        {"prefix_rows(dx, \"a key of thirty-two bytes or more, and then more\")", "[\"long\"]"},
        {"row_key(syn, \"abductor pollicis brevis\")", "APB"},
        {"row_key(syn, \"APB\")", "APB"},
        {"row_key(syn, \"FDI\")", "FDI"},
    }));
    CAPTURE(expr);
    Loaded loaded =
        load_text("policy b\ntable t 1..2 => 95907\n 3..4 => 95908\nend\n"
                  "table dx \"G56.01\" => \"right carpal tunnel\"\n \"G56\" => \"carpal tunnel\"\n"
                  " \"a key of thirty-two bytes or more\" => \"long\"\nend\n"
                  "table syn \"APB\", \"abductor pollicis brevis\" => 1\nend\n"
                  "def x = " +
                  expr + "\n");
    INFO(rendered(loaded));
    REQUIRE(loaded.program);
    const DefCode& def = loaded.program->defs.at(0);
    REQUIRE(def.body.op == Op::Const);
    CHECK(to_text(def.body.constant, loaded.program->shapes) == expected);
}

TEST_CASE("every built-in is documented in docs/stdlib.md") {
    std::ifstream in(std::string(CPL_SOURCE_DIR) + "/docs/stdlib.md");
    std::string doc((std::istreambuf_iterator<char>(in)), {});
    for (const auto& b : builtins()) {
        CAPTURE(b.name);
        CHECK(doc.find(fmt::format("`{}(", b.name)) != std::string::npos);
    }
}
