// tests/lang/grammar_test.cpp — the grammar has no infinite loops, and each rule accepts
// and rejects what it should (table-driven, as PEGTL's verify_rule).
#include "lang/grammar.hpp"
#include "lang/grammar_errors.hpp"

#include <catch2/catch.hpp>
#include <tao/pegtl/contrib/analyze.hpp>

namespace g = cpl::grammar;
namespace pegtl = tao::pegtl;

namespace {

template <typename Rule> bool matches_all(std::string_view text) {
    pegtl::memory_input in(text.data(), text.size(), "test");
    try {
        return pegtl::parse<pegtl::seq<Rule, pegtl::eof>, pegtl::nothing, g::control>(in);
    } catch (const pegtl::parse_error&) {
        return false;
    }
}

} // namespace

TEST_CASE("the grammar has no rule that can loop without consuming input") {
    CHECK(pegtl::analyze<g::one_declaration>() == 0);
    CHECK(pegtl::analyze<g::file_start>() == 0);
}

TEST_CASE("literals") {
    auto [text, ok] = GENERATE(table<std::string_view, bool>({
        {"95860", true},
        {"0766T", true},
        {"5", true},
        {"1_000", true},
        {"\"median\"", true},
        {"\"a {x} b\"", true},
        {"true", true},
        {"958601", true},
        {"\"open", false},
        {"9586X0", false},
    }));
    CAPTURE(text);
    CHECK(matches_all<g::literal>(text) == ok);
}

TEST_CASE("a five-character number is a code, anything else a number") {
    CHECK(matches_all<g::code_lit>("95860"));
    CHECK(matches_all<g::code_lit>("0766T"));
    CHECK_FALSE(matches_all<g::code_lit>("958601"));
    CHECK_FALSE(matches_all<g::code_lit>("9586"));
}

TEST_CASE("expressions") {
    auto [text, ok] = GENERATE(table<std::string_view, bool>({
        {"count(case.extremities) >= min_muscles_per_limb", true},
        {"a and not b or c", true},
        {"[m.nerve for m in limb.muscles if m.nerve != \"\"]", true},
        {"[1, 2, 3,]", true},
        {"{nerve: \"median\", roots: [\"C8\", \"T1\"]}", true},
        {"if x then 1 else 2", true},
        {"line.code in 95907..95913", true},
        {"code not in [95860]", true},
        {"t[count(x)] + 1 * -2", true},
        {"count(", false},
        {"if x then 1", false},
        {"a +", false},
    }));
    CAPTURE(text);
    CHECK(matches_all<g::expr>(text) == ok);
}

TEST_CASE("declarations") {
    auto [text, ok] = GENERATE(table<std::string_view, bool>({
        {"setting min_muscles_per_limb 5 within 1..20 \"doc\" cite \"CPT\"", true},
        {"min_muscles_per_limb 4", true},
        {"table t \"doc\" cite \"x\" 1..2 => 95907 13.. => 95913 end", true},
        {"replace table t end", true},
        {"table t remove 95886 end", true},
        {"def complete(limb: extremity) = count(limb.muscles) >= 5", true},
        {"rule r \"doc\" for l in case.extremities when true bill 95860 units 2 modifiers [\"26\"] "
         "cite \"x\"",
         true},
        {"edit e for line in claim cap units at 1 add modifier \"26\" deny \"no\" cite \"x\"",
         true},
        {"override rule r when false cite \"x\"", true},
        {"disable edit e \"not ours\"", true},
        {"exception e to rule r when true bill 95870 cite \"x\"", true},
        {"include \"muscles.cpl\"", true},
        {"rule r when x otherwise \"{x} is false\" bill 95860 cite \"x\"", true},
        {"source S23 \"IBX\" publisher \"IBX\" date \"2019\" link \"https://x\" unverified", true},
        {"source CMS_MUE \"MUE\" verified", true},
        {"source 5", true}, // a payer restating a setting named `source`
        {"source S1", false},
        {"source S1 \"t\"", false},
        {"source S1 \"t\" date \"2019\" publisher \"x\" verified", false},
        {"table t 1 => 2", false},
        {"setting 5", false},
        {"rule", false},
    }));
    CAPTURE(text);
    CHECK(matches_all<g::declaration>(text) == ok);
}
