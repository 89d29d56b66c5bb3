// interpreter/engine/cpl.hpp — THE public facade used by the command line, the tests and the
// benchmark: load a policy once, then evaluate cases one at a time.
#pragma once

#include "interpreter/eval/evaluate.hpp"
#include "interpreter/eval/result.hpp"
#include "interpreter/load/resolve.hpp"
#include "interpreter/program/program.hpp"
#include "lang/diagnostic.hpp"

#include <memory>
#include <optional>
#include <string>

namespace cpl {

struct Loaded {
    std::unique_ptr<Program> program; // null when the policy has errors
    Diagnostics diagnostics;
    std::shared_ptr<SourceMap> sources; // for rendering the diagnostics
    // When the file asked for is a fragment of a policy (no `policy` line), the file that
    // includes it, which was loaded in its place ("" otherwise).
    std::string included_by = {};
};

/// Loads and checks a policy: `standard` for the built-in set, a `.cpl` path, or a policy name,
/// found from the current directory by `resolve_policy` (interpreter/load/resolve.hpp, the
/// one search order, also used for `extends` and test expectations). A fragment of a policy
/// (a file some policy `include`s) is checked in that policy (interpreter/load/fragment.hpp).
Loaded load_policy(const std::string& policy);

/// The outcome of one case: a result, or why the case could not be used.
struct CaseOutcome {
    std::optional<Result> result;
    std::string case_id;
    std::string error; // rendered `case ID: PATH: MESSAGE`
    std::string path;  // the JSON path of the bad value alone ("" when none), for `cpl serve`
    std::string help;
};

/// Evaluates cases against one program, reusing memory between them. A Result stays
/// valid until the next call.
class Session {
public:
    explicit Session(const Program& program);
    ~Session();
    CaseOutcome run(std::string_view case_json, const EvaluateOptions& options = {});
    /// The bytes its arena keeps for the next case: the high-water mark of the cases run.
    std::size_t reserved_bytes() const { return arena_.reserved_bytes(); }

private:
    const Program& program_;
    Arena arena_;
    CaseReader reader_;
};

/// Renders an evaluation error against the program's sources (`path:line:col: …`).
std::string describe(const EvalError& error, const Program& program);

} // namespace cpl
