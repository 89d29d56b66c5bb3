// interpreter/cli/expectation.hpp — the shape of a `cpl test` expectation (NAME.expected.json),
// checked like policy text before its case runs: every key known, each value of its type,
// required keys present. A typo must fail the test, never make it check less.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace cpl::cli {

/// The first problem with an expectation, on one line, located by its JSON path:
/// `lines[0]: unknown key "unit"; did you mean "units"?`, `edits[0]: "severity" must be a
/// string ("deny", "warn" or "info"), not 3`, `lines[0]: missing "code"`. Nothing when the
/// expectation is well formed.
std::optional<std::string> expectation_problem(const nlohmann::json& expected);

/// Whether the expectation lists `section` (lines, edits, review, unbilled, documentation)
/// only in part: `"partial": ["edits"]`. Then each entry it lists must be in the result, in
/// order, and entries it does not list are not compared.
bool is_partial(const nlohmann::json& expected, const char* section);

} // namespace cpl::cli
