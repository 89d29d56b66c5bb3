// interpreter/cli/cmd_diff.cpp — `cpl diff FILE [--cases PATH...]`: what a payer policy
// changes against the policy it extends, and which claims change with it.
#include "commands.hpp"
#include "inputs.hpp"
#include "interpreter/tools/diff.hpp"
#include "lang/utf8.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace cpl::cli {

namespace {

std::string claim_text(const CaseOutcome& outcome) {
    if (!outcome.result) return "error: " + outcome.error;
    std::string out;
    for (const auto& l : outcome.result->lines) {
        if (!out.empty()) out += ", ";
        out += billed_text(l.code, l.modifiers, l.units);
    }
    if (out.empty()) out = "(nothing billed)";
    // Warnings and denials are part of the outcome a payer change can alter.
    for (const auto& e : outcome.result->edits)
        if (e.severity != "info")
            out +=
                fmt::format("; {} {}{}{}", e.severity, e.rule, e.code.empty() ? "" : " ", e.code);
    for (const auto& v : outcome.result->review)
        out += fmt::format("; {} {} (allowed {})", v.code, v.status, v.units_allowed);
    return out;
}

std::string rules_of(const CaseOutcome& outcome) {
    if (!outcome.result) return "";
    std::vector<std::string> rules;
    for (const auto& l : outcome.result->lines)
        rules.push_back(fmt::format("{} by {} ({})", l.code, l.rule, l.layer));
    for (const auto& e : outcome.result->edits)
        if (e.severity == "deny")
            rules.push_back(fmt::format("{} {} by {} ({})", e.severity, e.code, e.rule, e.layer));
    return fmt::format("{}", fmt::join(rules, "; "));
}

} // namespace

int diff(const DiffOptions& options) {
    Loaded payer = load_policy(options.file);
    if (!report(payer)) return 1;
    if (payer.program->base.empty()) {
        eprint("cpl diff: error: {} extends no policy: nothing to compare it with [usage]\n"
               "  help: `cpl diff` compares a payer's policy with the policy it extends\n",
               options.file);
        return 2;
    }
    Loaded base = load_policy(payer.program->base);
    if (!report_base(base)) return 1;
    print("{}",
          render_changes(cpl::diff(*base.program, *payer.program), *base.program, *payer.program));
    if (options.cases.empty()) return 0;

    Session before(*base.program);
    Session after(*payer.program);
    std::size_t total = 0, changed = 0, refused = 0;
    std::string report_text, refused_text;
    InputsRead read = for_each_case(options.cases, [&](std::string_view text,
                                                       const std::string& origin) {
        ++total;
        CaseOutcome then = before.run(text);
        std::string then_claim = claim_text(then);
        CaseOutcome now = after.run(text);
        std::string now_claim = claim_text(now);
        // A case neither policy can evaluate has no claim to compare: its errors differ only
        // in the policy they name.
        if (!then.result && !now.result) {
            ++refused;
            refused_text += fmt::format("  {} ({}): {}\n", printable(now.case_id),
                                        printable(origin), printable(then.error));
            return;
        }
        if (now_claim == then_claim) return;
        ++changed;
        std::size_t width =
            std::max({base.program->name.size(), payer.program->name.size(), std::size_t{7}}) + 2;
        std::string because = rules_of(now);
        if (!now.result)
            because = fmt::format("{} cannot evaluate the case", payer.program->name);
        else if (because.empty())
            because = "no rule bills a line, and no edit denies one";
        report_text +=
            fmt::format("\ncase {} ({})\n  {:<{}} {}\n  {:<{}} {}\n  {:<{}} {}\n",
                        printable(now.case_id), printable(origin), base.program->name + ":", width,
                        printable(then_claim), payer.program->name + ":", width,
                        printable(now_claim), "because:", width, printable(because));
    });
    // Of the cases compared: one neither policy could evaluate is counted below, not here.
    print("\n{} of {} cases change their claim\n{}", changed, total - refused, report_text);
    if (refused > 0)
        print("\n{} {} neither policy can evaluate:\n{}", refused, refused == 1 ? "case" : "cases",
              refused_text);
    // A comparison that could not read all it was given (stderr names the input), or that has
    // cases with no claim to compare, is no pass: a script gating a payer change reads its status.
    if (!read.ok) print("\nnot every case input could be read: the comparison is incomplete\n");
    if (refused > 0) print("\nnot every case could be evaluated: the comparison is incomplete\n");
    return read.ok && refused == 0 ? 0 : 1;
}

} // namespace cpl::cli
