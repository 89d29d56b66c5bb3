// interpreter/cli/cmd_run.cpp — `cpl run`: every case in order, one result each.
#include "commands.hpp"
#include "inputs.hpp"
#include "lang/utf8.hpp"

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
        write(stdout, out);
        out.clear();
    };
    // A case that could not be used has its line in the output too, in its place: one output
    // line per input line. Origins and messages quote the input, so they are made printable.
    // JSON output has no origin: an input that is no case at all says where it is.
    auto failed = [&](const std::string& origin, std::string_view case_id,
                      const std::string& message, const std::string& help, bool no_case) {
        all_used = false;
        std::string where = printable(origin);
        eprint("{}: error: {}\n", where, printable(message));
        if (!help.empty()) eprint("  help: {}\n", printable(help));
        if (json)
            out += error_json(case_id, no_case ? origin + ": " + message : message) + "\n";
        else
            out += fmt::format("{}: error: {}\n", where, printable(message));
    };
    InputsRead read = for_each_case(
        options.cases,
        [&](std::string_view text, const std::string& origin) {
            CaseOutcome outcome = session.run(text, evaluate_options);
            if (!outcome.result)
                failed(origin, outcome.case_id, outcome.error, outcome.help, false);
            else
                out += json ? to_json(*outcome.result, explain) + "\n"
                            : to_text(*outcome.result, explain);
            if (out.size() > (1 << 16)) flush();
        },
        [&](const std::string& origin, const std::string& message) {
            failed(origin, "", message, "", true);
        });
    flush();
    if (read.cases + read.problems == 0) {
        // Unless an input already said it held nothing.
        if (read.ok)
            eprint("cpl run: error: nothing to evaluate: no case was found [run.no_cases]\n");
        return 1;
    }
    return read.ok && all_used ? 0 : 1;
}

} // namespace cpl::cli
