// interpreter/cli/expectation.hpp — the shape of a `cpl test` expectation (NAME.expected.json),
// checked like policy text before its case runs: every key known, each value of its type,
// required keys present. A typo must fail the test, never make it check less.
#pragma once

#include "interpreter/engine/cpl.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace cpl::cli {

/// Every problem with an expectation, on one line, separated by `; `, each located by its JSON
/// path: `lines[0]: unknown key "unit"; did you mean "units"?`, `edits[0]: "severity" must be a
/// string ("deny", "warn" or "info"), not 3`, `lines[0]: missing "code"`. Nothing when the
/// expectation is well formed.
std::optional<std::string> expectation_problem(const nlohmann::json& expected);

/// The JSON `text` parsed (throws nlohmann::json::exception as json::parse does), and in
/// `repeated` the first key written twice in one object (a parser keeps only the last, so the
/// first would silently not be checked), located by its JSON path: `lines[1]: "units" is given
/// twice`.
nlohmann::json parse_expectation(const std::string& text, std::optional<std::string>& repeated);

/// A `rule` of a line, an edit or an unbilled line that no rule, edit or exception of
/// `program` is named (a typo, or a rule since renamed: the test could never pass), with a
/// did-you-mean, or the layer that disabled it: `edits[0]: "rule" names no rule or edit of
/// policy standard: "mue_per_lin"; did you mean "mue_per_line"?`.
std::optional<std::string> unknown_rule(const nlohmann::json& expected, const Program& program);

/// The parts of a result an expectation may list: compared when listed, left alone when not.
inline constexpr const char* result_sections[] = {"error",  "lines",    "edits",
                                                  "review", "unbilled", "documentation"};

/// Whether the expectation lists `section` (lines, edits, review, unbilled, documentation)
/// only in part: `"partial": ["edits"]`. Then each entry it lists must be in the result, in
/// order, and entries it does not list are not compared.
bool is_partial(const nlohmann::json& expected, const char* section);

/// `cpl test --update`: the expectation `old_text` ("" when there is none) rewritten to what
/// `outcome` gives, as JSON text. It keeps the expectation's key order, `why` and `partial`,
/// lists the sections it lists (the lines and edits, and a review's verdicts, when it lists
/// none), each entry with the keys its entries use; an outcome that is an error is `error`.
std::string updated_expectation(const std::string& old_text, const std::string& case_id,
                                const std::string& policy, const CaseOutcome& outcome);

} // namespace cpl::cli
