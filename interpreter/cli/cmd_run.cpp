// interpreter/cli/cmd_run.cpp — `cpl run`: every case in order, one result each.
#include "commands.hpp"
#include "inputs.hpp"

#include <cstdio>
#include <fmt/format.h>

namespace cpl::cli {

int run(const RunOptions& options) {
    Loaded loaded = load_policy(options.policy);
    if (!report(loaded)) return 1;
    Session session(*loaded.program);
    EvaluateOptions evaluate_options;
    bool explain = !options.explain.empty();
    evaluate_options.explain = explain;
    evaluate_options.explain_expressions = options.explain == "expressions";
    evaluate_options.why_not = options.why_not;
    bool json = options.format == "json";
    bool all_used = true;
    std::string out;
    auto flush = [&] {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
    };
    bool inputs_ok =
        for_each_case(options.cases, [&](std::string_view text, const std::string& origin) {
            CaseOutcome outcome = session.run(text, evaluate_options);
            if (!outcome.result) {
                all_used = false;
                fmt::print(stderr, "{}: error: {}\n", origin, outcome.error);
                if (!outcome.help.empty()) fmt::print(stderr, "  help: {}\n", outcome.help);
                if (json)
                    out += error_json(outcome.case_id, outcome.error) + "\n";
                else
                    out += fmt::format("{}: error: {}\n", origin, outcome.error);
            } else {
                out += json ? to_json(*outcome.result, explain) + "\n"
                            : to_text(*outcome.result, explain);
            }
            if (out.size() > (1 << 16)) flush();
        });
    flush();
    return inputs_ok && all_used ? 0 : 1;
}

} // namespace cpl::cli
