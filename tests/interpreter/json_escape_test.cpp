// tests/interpreter/json_escape_test.cpp — JSON strings in results (lang/json_text.cpp, written by
// interpreter/eval/result.cpp) escape exactly as a byte-at-a-time reading would, wherever the
// byte to escape falls among the eight the writer skips at once.
#include "interpreter/eval/result.hpp"
#include "interpreter/program/program.hpp"
#include "lang/utf8.hpp"

#include <catch2/catch.hpp>
#include <cstring>
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

// An empty text may point nowhere (a default string_view): it is written as "" without
// reading through its pointer (a fuzzed case found the copy of nothing from null; UBSan).
TEST_CASE("json: an empty text that points nowhere is written as an empty string") {
    Result result;
    result.case_id = "c";
    result.policy = "standard";
    Line line;
    line.code = "95886";
    line.units = 1;
    line.rule = std::string_view{};
    REQUIRE(line.rule.data() == nullptr);
    result.lines = {line};
    std::string json = to_json(result, false);
    INFO(json);
    CHECK(json.find(R"("rule": "", "cite": "")") != std::string::npos);
}

// The writer keeps each cite's JSON from the last time it was written; a line with no cite
// (a submitted line review passes through) still has both fields, however the cache was left.
TEST_CASE("json: a line without a cite still has cite and sources") {
    Result result;
    result.case_id = "c";
    result.policy = "standard";
    Line cited;
    cited.code = "95886";
    cited.units = 1;
    cited.rule = "needle_emg_with_ncs_complete";
    cited.cite = "CPT 2025, 95886";
    Line uncited;
    uncited.code = "64493";
    uncited.units = 1;
    uncited.rule = "submitted";
    for (const auto& lines : {std::vector<Line>{uncited}, std::vector<Line>{cited, uncited}}) {
        result.lines = lines;
        std::string json = to_json(result, false);
        INFO(json);
        CHECK(json.find(R"("rule": "submitted", "cite": "", "sources": [])") != std::string::npos);
    }
}

// The writer keeps the JSON of each long documentation text by where the text is: a text
// changed in place (another program's, or one built for another case) is written afresh.
TEST_CASE("json: documentation changed at the same place is written as it is now") {
    std::string text(100, 'a');
    Result result;
    result.case_id = "c";
    result.policy = "standard";
    result.documentation = {text};
    for (const char* now : {"first \"text\"", "second text\n", "first \"text\""}) {
        text.replace(0, std::strlen(now), now);
        std::string json = to_json(result, false);
        INFO(json);
        CHECK(json.find("\"documentation\": [" + reference(text) + "]") != std::string::npos);
    }
}

// link() writes each rule's cite and sources as JSON once; a line of that rule is written with
// them. A line of a rule no link reached (cpl's own notes) or of none is written from its text.
TEST_CASE("json: a cite of a linked rule is written from its JSON, any other from its text") {
    Program program;
    program.rules.emplace_back();
    program.rules[0].name = "r";
    program.rules[0].cite = "CMS \"NCCI\" manual,\tchapter 11 [S1] \xff";
    program.rules[0].sources = {"S1", "S\"2"};
    link(program);
    const RuleCode& rule = program.rules[0];
    CHECK(rule.cite_json ==
          ", \"cite\": " + reference(rule.cite) + R"(, "sources": ["S1", "S\"2"])");

    RuleCode unlinked;
    unlinked.cite = "cpl's own \"note\"";
    std::vector<std::string> keys = {"S3"};
    Line line;
    line.code = "95886";
    line.units = 1;
    line.rule = "r";
    Result result;
    result.case_id = "c";
    result.policy = "standard";
    auto written = [&](const std::string& cite, const std::vector<std::string>& sources,
                       const RuleCode* cited_by) {
        line.cite = cite;
        line.sources = &sources;
        line.cited_by = cited_by;
        result.lines = {line};
        std::string json = to_json(result, false);
        INFO(json);
        return json.find("\"cite\": " + reference(cite) + ", \"sources\": " +
                         (sources.size() == 1 ? R"(["S3"])" : R"(["S1", "S\"2"])")) !=
               std::string::npos;
    };
    CHECK(written(rule.cite, rule.sources, &rule));
    CHECK(written(unlinked.cite, keys, &unlinked));
    CHECK(written(unlinked.cite, keys, nullptr));
}
