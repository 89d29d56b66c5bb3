// interpreter/eval/result.hpp — the claim a policy produced for one case (contract, section 3).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cpl {

struct SourceCode; // interpreter/program/program.hpp: a source the cites name by key
struct RuleCode;   // the rule or edit a line or edit came from, its cite written as JSON

struct Line {
    std::string_view code;
    std::int64_t units = 0;
    std::vector<std::string_view> modifiers;
    std::string_view rule;
    std::string_view cite;
    std::string_view layer;
    std::string_view replaces; // the layer whose rule of the same name this one replaced
    const std::vector<std::string>* sources = nullptr; // keys the cite names (the rule's)
    const RuleCode* cited_by = nullptr; // the rule of `cite` and `sources`, with their JSON
    std::vector<std::string> because;   // filled under --explain
};

struct Edit {
    std::string_view severity; // "deny", "warn" or "info"
    std::string_view rule;
    std::string_view code; // "" when the edit is about no single code
    std::string_view message;
    std::string_view cite;
    std::string_view layer;
    std::string_view replaces;
    const std::vector<std::string>* sources = nullptr;
    const RuleCode* cited_by = nullptr;
    std::vector<std::string> because;
};

/// Why a submitted line was changed or flagged.
struct Reason {
    std::string_view rule;
    std::string_view message;
    std::string_view cite;
    const std::vector<std::string>* sources = nullptr;
    const RuleCode* cited_by = nullptr;
};

/// The verdict on one submitted claim line (contract, section 3: "review").
struct ReviewLine {
    std::string_view code;
    std::int64_t units = 0;
    std::vector<std::string_view> modifiers; // as submitted
    std::string_view status;                 // "accepted", "adjusted" or "denied"
    std::int64_t units_allowed = 0;
    std::vector<Reason> reasons;
};

struct Result {
    std::string_view case_id;
    std::string_view policy;
    std::vector<Line> lines; // when reviewed: what may be paid
    std::vector<Edit> edits;
    std::vector<std::string_view> documentation;
    bool layered = false;           // the policy extends another: lines and edits name their layer
    bool reviewed = false;          // the case carried a submitted claim
    std::vector<ReviewLine> review; // one per submitted line, in order
    std::vector<Line> unbilled;     // supported by the study, missing from the claim
    std::vector<std::string> why_not; // under --why-not: why each asked-for code is absent
    std::vector<std::pair<std::string, std::string>> values; // under --print: name, value as text
    const std::vector<SourceCode>* bibliography = nullptr;   // the policy's, to resolve keys
    std::uint64_t steps = 0; // the evaluation steps the case spent (its cost)
};

/// One JSON object on one line, without a trailing newline (contract, section 3). Lines,
/// edits and reasons carry `sources`, the keys their cite names; `because` under explain.
std::string to_json(const Result& result, bool explain);
/// to_json's text appended to `out`: a batch writes each case into its output buffer, with
/// no string of its own to allocate and copy.
void append_json(std::string& out, const Result& result, bool explain);
/// What an error line says beyond its message, each given only when known: the line of the
/// input it was on (a batch request's), the case's JSON path it is at, and what to do.
struct ErrorDetails {
    std::size_t line = 0;
    std::string_view path = {};
    std::string_view help = {};
    std::string_view input = {}; // where the case was read (`cases.jsonl:12`), for `cpl run`
};
/// `{"case": ID, "error": MESSAGE}`, then `"input"`, `"line"`, `"path"` and `"help"` when given.
std::string error_json(std::string_view case_id, std::string_view message,
                       const ErrorDetails& details = {});
/// A line as a coder writes it to bill: `95866-50 x1` (code, each modifier after a hyphen,
/// units). Without its modifiers it would be another line: one side instead of two.
std::string billed_text(std::string_view code, const std::vector<std::string_view>& modifiers,
                        std::int64_t units);
/// The readable form: aligned columns code, units, modifiers, rule, citation; then edits
/// and documentation. Under explain, each line and edit is followed by its reasons and its
/// sources (key, title, link, whether verified).
std::string to_text(const Result& result, bool explain);

} // namespace cpl
