// interpreter/serve/api.cpp — the case endpoints (evaluate, review, batch) and the shared
// helpers; the policy endpoints are in api_policies.cpp.
#include "interpreter/serve/api.hpp"

#include "interpreter/engine/cpl.hpp"
#include "interpreter/serve/json_dump.hpp"
#include "lang/line_ends.hpp"
#include "lang/suggest.hpp"
#include "lang/utf8.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <malloc.h>
#include <nlohmann/json.hpp>
#include <vector>

namespace cpl::serve {

Reply error_reply(int status, std::string_view message, std::string_view help) {
    nlohmann::json body{{"error", message}};
    if (!help.empty()) body["help"] = help;
    return {status, json_dump(body)};
}

std::optional<Reply> unknown_parameter(const Params& params,
                                       const std::vector<std::string_view>& allowed) {
    for (const auto& [name, value] : params) {
        if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
        std::string help = fmt::format("this endpoint takes: {}", fmt::join(allowed, ", "));
        if (allowed.empty()) help = "this endpoint takes no query parameters";
        // `?=standard`: a value with no name, where `policy=` was likely meant.
        if (name.empty())
            return error_reply(400,
                               fmt::format("a query parameter has no name (`={}`): write it "
                                           "`NAME=VALUE`",
                                           value),
                               help);
        if (auto near = closest(name, allowed))
            return error_reply(
                400, fmt::format("unknown query parameter `{}`; did you mean `{}`?", name, *near),
                help);
        return error_reply(400, fmt::format("unknown query parameter `{}`", name), help);
    }
    // A parameter of one value given twice (`policy=standard&policy=commercial`) is refused:
    // taking either would answer for a payer the client may not have meant.
    for (std::string_view once : {"policy", "explain", "_format", "_pretty"})
        if (std::size_t n = params.count(std::string(once)); n > 1)
            return error_reply(400, fmt::format("query parameter `{}` is given {} times", once, n),
                               "give it once (`why_not` and `print` may be repeated)");
    return std::nullopt;
}

std::variant<std::shared_ptr<const PolicyState>, Reply> policy_of(Context& ctx,
                                                                  const Params& params) {
    auto it = params.find("policy");
    // `policy=` names no policy: served by the default, it answered for a payer the client
    // may have meant to name.
    if (it != params.end() && it->second.empty())
        return error_reply(400,
                           "`policy` has no value: name a loaded policy, or leave it out "
                           "for the default",
                           fmt::format("loaded: {}", fmt::join(ctx.store.names(), ", ")));
    std::string name = it == params.end() ? "" : it->second;
    if (auto state = ctx.store.get(name)) return state;
    std::vector<std::string> names = ctx.store.names();
    std::vector<std::string_view> views(names.begin(), names.end());
    std::string help = fmt::format("loaded: {}", fmt::join(names, ", "));
    if (auto near = closest(name, views))
        return error_reply(
            404, fmt::format("no policy `{}` is loaded; did you mean `{}`?", name, *near), help);
    return error_reply(404, fmt::format("no policy `{}` is loaded", name), help);
}

namespace {

struct SessionEntry {
    std::shared_ptr<const PolicyState> state;
    std::unique_ptr<Session> session; // declared after: destroyed before its program
};
thread_local std::vector<SessionEntry> sessions;

} // namespace

Session& session_for(const std::shared_ptr<const PolicyState>& state) {
    auto& cache = sessions;
    for (auto& e : cache)
        if (e.state == state) return *e.session;
    for (auto& e : cache)
        if (e.state->program->name == state->program->name) { // an older version: replace it
            e.session.reset();
            e.state = state;
            e.session = std::make_unique<Session>(*state->program);
            return *e.session;
        }
    cache.push_back({state, std::make_unique<Session>(*state->program)});
    return *cache.back().session;
}

void settle_session(const std::shared_ptr<const PolicyState>& state, std::size_t case_bytes) {
    auto it = std::find_if(sessions.begin(), sessions.end(),
                           [&](const SessionEntry& e) { return e.state == state; });
    if (it == sessions.end()) return;
    // A Session keeps its arena blocks and parser buffers at the largest case it has run: an
    // 8 MB case left ~150 MB resident per worker and policy, 16 workers x 4 policies could
    // pin GBs. Made again on next use, which costs far less than such a case.
    if (case_bytes <= session_keep_bytes && it->session->reserved_bytes() <= session_keep_bytes)
        return;
    sessions.erase(it);
    // free() keeps what it freed in the thread's malloc arena; trimming returns the pages.
    malloc_trim(0);
}

namespace {

struct CaseOptions {
    EvaluateOptions evaluate;
    bool explain = false;
};

// `explain`, `explain=true|1|false|0`; `why_not=95886` and `print=complete_limbs` repeated or
// comma-separated.
std::variant<CaseOptions, Reply> case_options(const Params& params) {
    CaseOptions out;
    for (const auto& [name, value] : params) {
        if (name == "explain") {
            if (value.empty() || value == "true" || value == "1")
                out.explain = true;
            else if (value != "false" && value != "0")
                return error_reply(400, fmt::format("`explain` is true or false, not `{}`", value));
        } else if (name == "why_not" || name == "print") {
            auto& names = name == "why_not" ? out.evaluate.why_not : out.evaluate.print;
            for (std::size_t at = 0; at <= value.size();) {
                std::size_t comma = std::min(value.find(',', at), value.size());
                // An empty name (`why_not=`, `print=,,`) is refused as `cpl run` refuses
                // `--why-not ''`: skipped, it answered a question the client did not see go.
                if (comma == at)
                    return error_reply(
                        400, fmt::format("`{}` has an empty name", name),
                        fmt::format("give `{}=NAME`, several separated by commas", name));
                names.push_back(value.substr(at, comma - at));
                at = comma + 1;
            }
        }
    }
    out.evaluate.explain = out.explain;
    return out;
}

// A `why_not` or `print` name the policy cannot answer is a mistake of the request, as
// `cpl run` refuses it before any case runs: a 400 with the reason and a did-you-mean.
std::optional<Reply> unanswerable(const Program& program, const EvaluateOptions& options) {
    for (const auto& name : options.print)
        if (auto problem = print_problem(program, name))
            return error_reply(400, fmt::format("`print={}`: {}", name, *problem));
    for (const auto& asked : options.why_not)
        if (auto problem = why_not_problem(program, asked))
            return error_reply(400, fmt::format("`why_not={}`: {}", asked, *problem));
    return std::nullopt;
}

std::string json_text(std::string_view s) {
    return json_dump(nlohmann::json(s));
}

} // namespace

// The first members stay byte for byte the CLI's. `line` is given with an error, whose case id
// may be unreadable.
std::string result_line(const CaseOutcome& outcome, const PolicyState& state, bool explain,
                        std::size_t line) {
    std::string out;
    if (outcome.result) {
        out = to_json(*outcome.result, explain);
    } else {
        out = error_json(outcome.case_id, outcome.error, {line, outcome.path, outcome.help});
        out.pop_back();
        out += ", \"policy\": " + json_text(state.program->name) + "}";
    }
    out.pop_back();
    out += ", \"fingerprint\": \"" + state.fingerprint + "\"}";
    return out;
}

namespace {

// The blanks of a blank line as `cpl run` reads JSON Lines: std::isspace in the C locale
// (interpreter/cli/inputs.cpp), so a form feed or vertical tab too; a batch took such a line
// for a case that is not JSON.
constexpr std::string_view blanks = " \t\n\v\f\r";

std::optional<Reply> reject_empty(std::string_view body, bool batch = false) {
    // A byte-order mark alone is no case either (a batch of it was answered 200 with an error
    // line, one case with 422 for "the case").
    body = without_byte_order_mark(body);
    // One case's body keeps JSON's own white space: a form feed is no JSON.
    if (body.find_first_not_of(batch ? blanks : " \t\r\n") == std::string_view::npos)
        return error_reply(400,
                           batch ? "the request body is empty: send one case a line (JSON Lines)"
                                 : "the request body is empty: send one case as a JSON object",
                           "see docs/serve.md for the case format");
    return std::nullopt;
}

// A case as an editor prints it, sent as a batch: each of its lines was answered as a case
// of its own ("not closed", "expected a JSON object"), none saying what the body was. As `cpl
// run` says it of such a file (run.not_json_lines).
std::optional<Reply> written_over_lines(std::string_view body) {
    // Blank lines before it are each an error line of their own in a batch; the bracket is
    // named on its line as the body counts them (LF, CR LF or CR alone).
    body = without_byte_order_mark(body);
    std::size_t skipped = std::min(body.find_first_not_of(blanks), body.size());
    std::size_t number = 1;
    for (std::size_t i = 0; i < skipped; ++i)
        if (body[i] == '\n' || (body[i] == '\r' && (i + 1 >= body.size() || body[i + 1] != '\n')))
            ++number;
    body.remove_prefix(skipped);
    std::string_view first = lone_opening_bracket(body.substr(0, line_end(body)));
    if (first.empty()) return std::nullopt;
    nlohmann::json reply{
        {"error", fmt::format("the body's line {} is `{}` alone: JSON written over several lines "
                              "is not JSON Lines, which holds each case on one line",
                              number, first)},
        {"help", "write each case on one line (`jq -c`), or POST one case to /v1/evaluate"},
        {"line", number}};
    return Reply{400, json_dump(reply)};
}

Reply one_case(Context& ctx, const Params& params, std::string_view body, bool must_review,
               std::string_view endpoint) {
    if (auto bad = unknown_parameter(params, {"policy", "explain", "why_not", "print"}))
        return *bad;
    if (auto bad = reject_empty(body)) return *bad;
    auto policy = policy_of(ctx, params);
    if (auto* reply = std::get_if<Reply>(&policy)) return *reply;
    auto options = case_options(params);
    if (auto* reply = std::get_if<Reply>(&options)) return *reply;
    const auto& state = std::get<std::shared_ptr<const PolicyState>>(policy);
    const auto& opts = std::get<CaseOptions>(options);
    if (auto bad = unanswerable(*state->program, opts.evaluate)) return *bad;
    CaseOutcome outcome = session_for(state).run(body, opts.evaluate);
    if (must_review && outcome.result && !outcome.result->reviewed) {
        // A case error like any other: its path, help, policy and fingerprint.
        CaseOutcome refused;
        refused.case_id = outcome.case_id;
        // The id clipped as the case reader writes it in an error's head, which is what the
        // decision log looks for to mask it.
        refused.error = fmt::format("case {}: claim: a review needs the submitted claim, and "
                                    "the case has no `claim`",
                                    clipped(outcome.case_id));
        refused.path = "claim";
        refused.help = "add \"claim\": [{\"code\", \"units\", \"modifiers\"}, …], or POST the "
                       "case to /v1/evaluate";
        outcome = std::move(refused);
    }
    std::string line = result_line(outcome, *state, opts.explain);
    bool ok = outcome.result.has_value();
    outcome.result.reset(); // it points into the session, which may go now
    settle_session(state, body.size());
    ctx.metrics.cases(state->program->name, ok ? 1 : 0, ok ? 0 : 1);
    if (ctx.log)
        ctx.log->write(endpoint, state->program->name, state->fingerprint, state->version, body,
                       line, state->reads_case_id);
    return {ok ? 200 : 422, std::move(line)};
}

} // namespace

Reply evaluate(Context& ctx, const Params& params, std::string_view body) {
    return one_case(ctx, params, body, false, "/v1/evaluate");
}

Reply review(Context& ctx, const Params& params, std::string_view body) {
    return one_case(ctx, params, body, true, "/v1/review");
}

Reply batch(Context& ctx, const Params& params, std::string_view body) {
    if (auto bad = unknown_parameter(params, {"policy", "explain", "why_not", "print"}))
        return *bad;
    // No cases at all is a mistake, as `cpl run` says of an input of blank lines: an empty
    // 200 reads as a batch answered.
    if (auto bad = reject_empty(body, true)) return *bad;
    auto policy = policy_of(ctx, params);
    if (auto* reply = std::get_if<Reply>(&policy)) return *reply;
    auto options = case_options(params);
    if (auto* reply = std::get_if<Reply>(&options)) return *reply;
    const auto& state = std::get<std::shared_ptr<const PolicyState>>(policy);
    const auto& opts = std::get<CaseOptions>(options);
    if (auto bad = unanswerable(*state->program, opts.evaluate)) return *bad;
    Session& session = session_for(state);
    std::string out;
    std::uint64_t ok = 0, failed = 0;
    std::size_t largest = 0; // the largest case, which sized the session's buffers
    if (auto pretty = written_over_lines(body)) return *pretty;
    for (std::size_t number = 1; !body.empty(); ++number) {
        std::size_t end = line_end(body);
        std::string_view text = body.substr(0, end);
        std::size_t next = end + (body.substr(end, 2) == "\r\n" ? 2 : 1);
        body.remove_prefix(std::min(next, body.size()));
        // A blank line is an error line in its place, as `cpl run` answers it: every line of
        // the body has its answer, in order (the body's final line end starts no line).
        CaseOutcome outcome;
        bool blank = text.find_first_not_of(blanks) == std::string_view::npos;
        if (blank)
            outcome.error = blank_line_error;
        else
            outcome = session.run(text, opts.evaluate);
        largest = std::max(largest, text.size());
        std::string line = result_line(outcome, *state, opts.explain, number);
        (outcome.result ? ok : failed)++;
        if (ctx.log && !blank)
            ctx.log->write("/v1/batch", state->program->name, state->fingerprint, state->version,
                           text, line, state->reads_case_id);
        out += line;
        out += '\n';
    }
    ctx.metrics.cases(state->program->name, ok, failed);
    settle_session(state, largest);
    return {200, std::move(out), "application/x-ndjson"};
}

} // namespace cpl::serve
