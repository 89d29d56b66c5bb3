// tests/interpreter/data_file_test.cpp — tables that read their rows from a data file
// (`rows from`): one column, a record of columns, rows collected per key, a payer's rows over
// the file's, and a file with any problem loading no rows at all.
#include "../helpers.hpp"

#include <catch2/catch.hpp>

using namespace cpl;
using namespace cpl::test;

namespace {

// The folded value of the policy's first definition, as text.
std::string first_def(const Loaded& loaded) {
    REQUIRE(loaded.program);
    const DefCode& def = loaded.program->defs.at(0);
    REQUIRE(def.body.op == Op::Const);
    return to_text(def.body.constant, loaded.program->shapes, true);
}

const char* csv = "hcpcs,mue_value,mai,rationale\n"
                  "95860,1,3,\"Code Descriptor, CPT\"\n"
                  "95870,4,3,Nature of Service\n"
                  "G0453,1,2,\n";

} // namespace

TEST_CASE("a data file's rows are a table's rows, typed by their columns") {
    write_temp("data_mue.csv", csv);
    auto [expr, expected] = GENERATE(table<std::string, std::string>({
        {"mue[95870]", "4"},
        {"count(mue)", "3"},
        {"mue[\"G0453\"]", "1"},
        {"rec[95860].rationale", "\"Code Descriptor, CPT\""},
        {"rec[95870].mai + rec[95870].mue_value", "7"},
    }));
    CAPTURE(expr);
    Loaded loaded = load_text("policy d\n"
                              "table mue \"MUE\" cite \"t\"\n  rows from \"data_mue.csv\" hcpcs: "
                              "code => mue_value: number\nend\n"
                              "table rec \"MUE records\" cite \"t\"\n"
                              "  rows from \"data_mue.csv\" version \"2024-Q2\" hcpcs: code => "
                              "{mue_value: number, mai: number, rationale: string}\nend\n"
                              "def x = " +
                              expr + "\n");
    INFO(rendered(loaded));
    CHECK(first_def(loaded) == expected);
}

TEST_CASE("`[…]` collects the rows of a key into a list, in file order") {
    write_temp("data_ptp.tsv",
               "column_1\tcolumn_2\tmi\n95861\t95860\t1\n95863\t95860\t1\n95860\t95870\t1\n");
    Loaded loaded = load_text("policy d\n"
                              "table ptp \"pairs\" cite \"t\"\n  rows from \"data_ptp.tsv\" "
                              "column_2: code => [{column_1: code, mi: number}]\nend\n"
                              "def x = ptp[95860].column_1\n");
    INFO(rendered(loaded));
    CHECK(first_def(loaded) == "[\"95861\", \"95863\"]");
    CHECK(loaded.program->tables.at(0)->source.empty() == false);
}

TEST_CASE("a payer's row replaces the file's row for its key") {
    write_temp("data_base_mue.csv", csv);
    write_temp("data_base.cpl", "policy data_base\n"
                                "table mue \"MUE\" cite \"t\"\n  rows from \"data_base_mue.csv\" "
                                "version \"2024-Q2\" hcpcs: code => mue_value: number\nend\n");
    Loaded loaded = load_text("policy payer extends \"data_base.cpl\"\n"
                              "def x = mue[95870]\n"
                              "table mue\n  95870 => 2 cite \"payer\"\nend\n");
    INFO(rendered(loaded));
    CHECK(first_def(loaded) == "2");
    CHECK(loaded.program->tables.at(0)->source.find("version 2024-Q2") != std::string::npos);
}

TEST_CASE("a data file with any problem loads no rows, and each problem is located in it") {
    write_temp("data_bad.csv", "hcpcs,mue_value\n95860,1\n95861,x\n95863\n");
    Loaded loaded =
        load_text("policy d\ntable mue \"MUE\" cite \"t\"\n"
                  "  rows from \"data_bad.csv\" hcpcs: code => mue_value: number\nend\n");
    CHECK_FALSE(loaded.program);
    CHECK(codes(loaded) == "data.bad_value data.cell_count");
    CHECK(rendered(loaded).find("data_bad.csv:3:7: error: `x` in column `mue_value`") !=
          std::string::npos);
}

// The policy's grammar refuses a signed number; a data file's `95886,-1` passed `cpl check`
// and denied every unit billed.
TEST_CASE("a number cell is a whole number from 0, written without a sign") {
    write_temp("data_signed.csv", "hcpcs,mue_value\n95860,1\n95886,-1\n95887,+2\n");
    Loaded loaded =
        load_text("policy d\ntable mue \"MUE\" cite \"t\"\n"
                  "  rows from \"data_signed.csv\" hcpcs: code => mue_value: number\nend\n");
    CHECK_FALSE(loaded.program);
    CHECK(codes(loaded) == "data.bad_value data.bad_value");
    CHECK(rendered(loaded).find("data_signed.csv:3:7: error: `-1` in column `mue_value` is not a "
                                "whole number from 0, written without a sign [data.bad_value]") !=
          std::string::npos);
    CHECK(rendered(loaded).find("data_signed.csv:4:7: error: `+2` in column `mue_value`") !=
          std::string::npos);
}

// `hcpcs,mue_value,mue_value`: the first `mue_value` was read and the second never looked at.
// A 19-digit number was "not a whole number" where the policy's text takes it; bytes that are
// not UTF-8 were loaded as U+FFFD and a NUL as it was, where the policy's text refuses both.
TEST_CASE(
    "a number cell holds what cpl can, and any cell is UTF-8 text without control characters") {
    write_temp("data_large.csv", "hcpcs,mue_value,note\n95860,1000000000000000000,a\n"
                                 "95861,99999999999999999999,b\n95863,1,a\x01"
                                 "b\n95864,1,\xff\n");
    Loaded loaded = load_text(
        "policy d\ntable mue \"MUE\" cite \"t\"\n"
        "  rows from \"data_large.csv\" hcpcs: code => {mue_value: number, note: string}\nend\n");
    CHECK_FALSE(loaded.program);
    CHECK(codes(loaded) == "data.bad_value data.bad_value data.bad_value");
    std::string shown = rendered(loaded);
    INFO(shown);
    CHECK(shown.find("data_large.csv:3:7: error: `99999999999999999999` in column `mue_value` is "
                     "not a number cpl can hold: it is above 9223372036854775807") !=
          std::string::npos);
    CHECK(shown.find("data_large.csv:4:9: error: column `note` holds a control character "
                     "(U+0001)") != std::string::npos);
    CHECK(shown.find("data_large.csv:5:9: error: column `note` holds a byte that is not UTF-8 "
                     "text (0xFF)") != std::string::npos);
    CHECK(shown.find("data_large.csv:2:") == std::string::npos); // 19 digits are a number
}

TEST_CASE("a header that names a column the policy reads twice is refused at the second") {
    write_temp("data_twice.csv", "hcpcs,mue_value,mue_value,note,note\n95860,3,2,a,b\n");
    Loaded loaded =
        load_text("policy d\ntable mue \"MUE\" cite \"t\"\n"
                  "  rows from \"data_twice.csv\" hcpcs: code => mue_value: number\nend\n");
    CHECK_FALSE(loaded.program);
    CHECK(codes(loaded) == "data.duplicate_column"); // `note`, not read, is not reported
    CHECK(rendered(loaded).find("data_twice.csv:1:17: error: the header names column `mue_value` "
                                "twice (columns 2 and 3): which one the policy reads is not "
                                "guessed [data.duplicate_column]") != std::string::npos);
    // Read as the key and as the value, it is said once.
    Loaded both =
        load_text("policy d\ntable t \"T\" cite \"t\"\n"
                  "  rows from \"data_twice.csv\" mue_value: number => mue_value: number\nend\n");
    CHECK(codes(both) == "data.duplicate_column");
}
