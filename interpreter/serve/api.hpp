// interpreter/serve/api.hpp — the /v1 JSON API as plain functions: query parameters and a
// body in, a status and a body out. http.cpp is the only file that knows the HTTP library,
// so these can be read (and reasoned about) without it.
#pragma once

#include "interpreter/serve/decision_log.hpp"
#include "interpreter/serve/metrics.hpp"
#include "interpreter/serve/policy_store.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace cpl {
struct Result;
struct CaseOutcome;
class Session;
} // namespace cpl

namespace cpl::serve {

/// What every handler may use. The store and metrics outlive the server's threads.
struct Context {
    PolicyStore& store;
    Metrics& metrics;
    DecisionLog* log = nullptr; // null without --decision-log
};

struct Reply {
    int status = 200;
    std::string body;
    std::string type = "application/json";
};

using Params = std::multimap<std::string, std::string>;

/// `{"error": MESSAGE}` (and `"help"` when given): every error the server answers.
Reply error_reply(int status, std::string_view message, std::string_view help = {});
/// 400 naming the first parameter not in `allowed` (with a did-you-mean), or nothing.
std::optional<Reply> unknown_parameter(const Params& params,
                                       const std::vector<std::string_view>& allowed);
/// The policy named by `?policy=` (the first loaded when absent); 404 when none has the name.
std::variant<std::shared_ptr<const PolicyState>, Reply> policy_of(Context& ctx,
                                                                  const Params& params);
/// This thread's Session for `state`, made on first use and replaced when a reload swaps a
/// new state in: a Session reuses its arena and JSON parser from case to case, and is not
/// safe to share between threads.
Session& session_for(const std::shared_ptr<const PolicyState>& state);

/// The most a kept Session may hold: its arena, or the case text its parser was sized for.
inline constexpr std::size_t session_keep_bytes = 4 << 20;
/// After this thread ran a case of `case_bytes` with `state`'s Session: a Session past
/// `session_keep_bytes` is dropped, and the memory given back to the system, so that one large
/// case does not stay resident for the life of the process in every worker and policy.
void settle_session(const std::shared_ptr<const PolicyState>& state, std::size_t case_bytes);

/// A case's answer as /v1/evaluate sends and logs it: the object `cpl run --format json`
/// prints, or its error with `line` (in a batch, the line of the request body the case was on;
/// 0 for none), `path`, `help` and `policy`; then the policy's `fingerprint`.
std::string result_line(const CaseOutcome& outcome, const PolicyState& state, bool explain,
                        std::size_t line = 0);

/// POST /v1/evaluate?policy&explain&why_not: one case; the result of `cpl run --format
/// json` with `"fingerprint"` added last. 422 (with the case's JSON path) when the case
/// cannot be used.
Reply evaluate(Context& ctx, const Params& params, std::string_view body);
/// POST /v1/review?policy&explain: as evaluate, but the case must carry a submitted `claim`.
Reply review(Context& ctx, const Params& params, std::string_view body);
/// POST /v1/batch?policy&explain&why_not: JSON Lines in, one result or error line out per
/// case, in order; 200 even when some cases fail (each failure is its own line).
Reply batch(Context& ctx, const Params& params, std::string_view body);
/// GET /v1/policies: every loaded policy, its settings, version and last load error.
Reply policies(Context& ctx, const Params& params);
/// GET /v1/diff?policy: what the payer changes against the policy it extends.
Reply diff(Context& ctx, const Params& params);
/// GET /v1/muscles?policy: the muscle table's names, nerves and roots (for completion).
Reply muscles(Context& ctx, const Params& params);
/// GET /v1/health
Reply health(Context& ctx, const Params& params);

} // namespace cpl::serve
