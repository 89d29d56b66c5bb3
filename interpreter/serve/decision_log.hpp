// interpreter/serve/decision_log.hpp — one JSON line per decision (OPA-style decision log),
// with the case's identifying values masked unless the operator asks otherwise: cases are
// patient data, and a log is copied to places a claim never goes.
#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace cpl::serve {

/// The values in a case that identify a patient or an encounter: its `id` and every
/// `date_of_service` (the case's, each `history[]`'s). Every value of a key given twice is
/// kept, and the text is scanned rather than parsed, so a case the case reader refuses (a
/// number out of range, a repeated key, text that stops being JSON) still yields each value
/// written before or after the fault: the reader's error may quote any of them.
struct Identifiers {
    std::vector<std::string> ids;
    std::vector<std::string> dates;
};
Identifiers identifiers_of(std::string_view case_json);

/// Masks the identifiers in `json`, a result or error object as the server sends it, string
/// by string (nothing outside a string value changes, so the line stays JSON): the id where
/// the result holds it (its `case` member and the `case ID:` an error message begins with)
/// becomes `"id:" + 12 hex digits` of a salted SHA-256 (the same id masks the same way
/// within one server run, so a log can still group one case's decisions), and so does a
/// printed value (`values`) that is or quotes an id; every date written `YYYY-MM-DD`, the
/// case's and those derived from it, keeps its year (`2025-**-**`, as the HIPAA safe harbour
/// allows); an id or date the case reader refused is masked where its error and help quote
/// it, and when they quote none of `ids`, everything they quote is.
/// With `prose_may_quote_id` (the policy reads `case.id` or the case whole), each id is also masked
/// wherever a message, reason, documentation item, why-not answer or printed value holds it as a
/// word, in any case (`lower(case.id)`): such a text of the result may quote it. A word of those
/// texts equal to the id is masked too.
std::string mask(std::string_view json, const Identifiers& ids, std::string_view salt,
                 bool prose_may_quote_id = false);

class DecisionLog {
public:
    /// Opens `path` for appending; `unmasked` logs identifiers as they are.
    DecisionLog(const std::string& path, bool unmasked);
    ~DecisionLog();
    DecisionLog(const DecisionLog&) = delete;
    DecisionLog& operator=(const DecisionLog&) = delete;
    bool ok() const { return file_ != nullptr; }

    /// Appends `{"decision_id", "time", "endpoint", "policy", "fingerprint", "version",
    /// "result"}`; `result_json` is the answer as sent, `case_json` the case it answers.
    /// `reads_case_id`: the policy's texts may quote the id (mask's prose_may_quote_id).
    void write(std::string_view endpoint, std::string_view policy, std::string_view fingerprint,
               std::uint64_t version, std::string_view case_json, std::string_view result_json,
               bool reads_case_id = false);

private:
    std::FILE* file_ = nullptr;
    bool unmasked_;
    std::string salt_;
    std::mutex mutex_;
    std::uint64_t next_ = 1;
    std::string run_; // distinguishes decision ids across server runs
};

} // namespace cpl::serve
