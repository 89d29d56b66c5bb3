// interpreter/case/case.hpp — case JSON → a `case` record (case_schema.hpp), read with simdjson
// On-Demand. Every bad value is reported with its JSON path; nothing is guessed.
#pragma once

#include "interpreter/case/case_schema.hpp"
#include "interpreter/case/case_tables.hpp"
#include "runtime/value.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <variant>

namespace cpl {

/// Why a case could not be used. Rendered `case ID: PATH: MESSAGE`.
struct CaseError {
    std::string case_id; // "" when the case had no readable id
    std::string path;    // JSON path of the bad value, e.g. `extremities[0].muscles[3]`; "" for the
                         // whole document
    std::string message; // e.g. `unknown muscle "APBB"; did you mean "APB"?`
    std::string help;    // optional: how to fix it
    std::string render() const;
};

/// " at column C" (or " at line L, column C", when the text has several lines) of byte `at`
/// of `text`: where a JSON text stops being JSON, as every reader of cpl says it.
std::string place_in(std::string_view text, std::size_t at);

class CaseReader {
public:
    /// `muscles` may be null: then any limb muscle must be given as an object with
    /// name, nerve and roots.
    /// A submitted claim's codes are checked for their form only: what a code the policy
    /// does not govern gets is the policy's to say.
    explicit CaseReader(const MuscleIndex* muscles);
    ~CaseReader();

    /// Reads one JSON document holding one case object. On success the result is a record
    /// of shape `shape_case`, allocated in `arena` (valid until the arena is reset).
    std::variant<Value, CaseError> read(std::string_view json, Arena& arena);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace cpl
