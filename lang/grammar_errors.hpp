// lang/grammar_errors.hpp — every syntax message, one row per commit point of grammar.hpp.
// A message is "code|text": the stable diagnostic code, then the text shown to the author.
// A commit point without a row fails to compile (must_if with RequireMessage).
#pragma once

#include "grammar.hpp"

namespace cpl::grammar {

template <typename> inline constexpr const char* error_message = nullptr;

#define CPL_SYNTAX_ERROR(rule, text)                                                               \
    template <> inline constexpr const char* error_message<rule> = text

// clang-format off
CPL_SYNTAX_ERROR(expect_expr, "parse.expected_expression|expected an expression");
CPL_SYNTAX_ERROR(expect_escape, "parse.bad_escape|unknown escape in string; use \\\", \\\\, \\n, \\t, \\{ or \\}");
CPL_SYNTAX_ERROR(expect_interp_close, "parse.unclosed_interpolation|expected `}` to close `{` in the string");
CPL_SYNTAX_ERROR(expect_quote, "parse.unterminated_string|unterminated string: expected `\"` before the end of the line");
CPL_SYNTAX_ERROR(expect_rparen, "parse.expected_rparen|expected `)`");
CPL_SYNTAX_ERROR(expect_var, "parse.expected_name|expected a name");
CPL_SYNTAX_ERROR(expect_in, "parse.expected_in|expected `in`");
CPL_SYNTAX_ERROR(expect_rbracket, "parse.expected_rbracket|expected `]`");
CPL_SYNTAX_ERROR(expect_colon, "parse.expected_colon|expected `:` after the field name");
CPL_SYNTAX_ERROR(expect_field, "parse.expected_field|expected a field `name: value`");
CPL_SYNTAX_ERROR(expect_rbrace, "parse.expected_rbrace|expected `}` to close the record");
CPL_SYNTAX_ERROR(expect_then, "parse.expected_then|expected `then` after the condition of `if`");
CPL_SYNTAX_ERROR(expect_first_arrow, "parse.expected_arrow|expected `=>` between the condition and the value of a `first` arm");
CPL_SYNTAX_ERROR(expect_first_otherwise, "parse.expected_otherwise|expected another `when … => …` arm, or `otherwise VALUE` to end `first`");
CPL_SYNTAX_ERROR(expect_else, "parse.expected_else|expected `else`: an `if` expression needs both branches (only a list element may leave it out)");
CPL_SYNTAX_ERROR(expect_field_name, "parse.expected_field_name|expected a field name after `.`");
CPL_SYNTAX_ERROR(expect_operand, "parse.expected_operand|expected an operand after the operator");
CPL_SYNTAX_ERROR(expect_sum_operand, "parse.expected_operand|expected an operand after the operator");
CPL_SYNTAX_ERROR(expect_range_end, "parse.expected_operand|expected the end of the range after `..`");
CPL_SYNTAX_ERROR(expect_cmp_operand, "parse.expected_operand|expected an operand after the comparison");
CPL_SYNTAX_ERROR(expect_not_operand, "parse.expected_operand|expected a condition");
CPL_SYNTAX_ERROR(expect_and_operand, "parse.expected_operand|expected a condition after `or`");
CPL_SYNTAX_ERROR(expect_cite_text, "parse.expected_cite|expected the citation as a quoted string after `cite`");
CPL_SYNTAX_ERROR(expect_policy_name, "parse.expected_policy_name|expected the policy's name after `policy`");
CPL_SYNTAX_ERROR(expect_base, "parse.expected_base|expected the name or quoted path of the policy to extend");
CPL_SYNTAX_ERROR(expect_literal, "parse.expected_value|expected a value (a number, code, string, `true` or `false`)");
CPL_SYNTAX_ERROR(expect_number, "parse.expected_number|expected a number");
CPL_SYNTAX_ERROR(expect_range_dots, "parse.expected_range|expected `..` in the range");
CPL_SYNTAX_ERROR(expect_int_range, "parse.expected_range|expected a range such as `1..20` after `within`");
CPL_SYNTAX_ERROR(expect_setting_name, "parse.expected_setting_name|expected the setting's name");
CPL_SYNTAX_ERROR(expect_key, "parse.expected_key|expected a table key (a value, or a range such as `5..6`)");
CPL_SYNTAX_ERROR(expect_arrow, "parse.expected_arrow|expected `=>` between the key and the value");
CPL_SYNTAX_ERROR(expect_table_name, "parse.expected_table_name|expected the table's name");
CPL_SYNTAX_ERROR(expect_table_end, "parse.expected_end|expected `end` to close the table, or another row");
CPL_SYNTAX_ERROR(expect_table_keyword, "parse.expected_table|expected `table` after `replace`");
CPL_SYNTAX_ERROR(expect_rows_from, "parse.expected_rows_from|expected `from` after `rows`: `rows from \"file.csv\" KEY: TYPE => VALUE`");
CPL_SYNTAX_ERROR(expect_rows_file, "parse.expected_rows_file|expected the quoted path of a .csv or .tsv file after `rows from`");
CPL_SYNTAX_ERROR(expect_version_text, "parse.expected_version|expected the data's version as a quoted string after `version`, e.g. \"2024-Q2\"");
CPL_SYNTAX_ERROR(expect_column_colon, "parse.expected_column_type|expected `:` and the column's type (code, number, string or date) after the column name");
CPL_SYNTAX_ERROR(expect_column_type, "parse.expected_column_type|expected the column's type: code, number, string or date");
CPL_SYNTAX_ERROR(expect_csv_column, "parse.expected_column|expected a column of the file as `name: type`");
CPL_SYNTAX_ERROR(expect_csv_value, "parse.expected_column|expected the value's columns: `name: type`, `{name: type, …}`, or `[…]` to collect the rows of a key");
CPL_SYNTAX_ERROR(expect_param, "parse.expected_param|expected a parameter name");
CPL_SYNTAX_ERROR(expect_def_name, "parse.expected_def_name|expected the definition's name after `def`");
CPL_SYNTAX_ERROR(expect_equals, "parse.expected_equals|expected `=`");
CPL_SYNTAX_ERROR(expect_units_keyword, "parse.expected_units|expected `units` after `cap`");
CPL_SYNTAX_ERROR(expect_at, "parse.expected_at|expected `at` in `cap units at N`");
CPL_SYNTAX_ERROR(expect_modifier_keyword, "parse.expected_modifier|expected `modifier` after `add`");
CPL_SYNTAX_ERROR(expect_rule_name, "parse.expected_rule_name|expected a name");
CPL_SYNTAX_ERROR(expect_rule_or_edit, "parse.expected_rule_or_edit|expected `rule` or `edit` after `override`");
CPL_SYNTAX_ERROR(expect_kind, "parse.expected_rule_or_edit|expected `rule` or `edit`");
CPL_SYNTAX_ERROR(expect_target, "parse.expected_target|expected the name of the rule or edit");
CPL_SYNTAX_ERROR(expect_to, "parse.expected_to|expected `to` in `exception NAME to rule TARGET`");
CPL_SYNTAX_ERROR(expect_date, "parse.expected_date|expected a quoted date of service, \"YYYY-MM-DD\"");
CPL_SYNTAX_ERROR(expect_fixable, "parse.expected_fixable|expected `setting`, `table`, `rule` or `edit` after `fixed`");
CPL_SYNTAX_ERROR(expect_source_title, "parse.expected_source_title|expected the source's title as a quoted string after its key");
CPL_SYNTAX_ERROR(expect_source_text, "parse.expected_source_text|expected a quoted string after `publisher`, `date` or `link`");
CPL_SYNTAX_ERROR(expect_verification, "parse.expected_verification|expected `verified` or `unverified`: whether cpl's values were checked against the source's own text");
CPL_SYNTAX_ERROR(expect_require_reason, "parse.expected_require_reason|expected `because` and the reason, a quoted string, after the requirement's condition");
CPL_SYNTAX_ERROR(expect_include_path, "parse.expected_include_path|expected the quoted path of the file to include");
// clang-format on

#undef CPL_SYNTAX_ERROR

struct error {
    template <typename Rule> static constexpr const char* message = error_message<Rule>;
};

template <typename Rule> using control = tao::pegtl::must_if<error>::control<Rule>;

} // namespace cpl::grammar
