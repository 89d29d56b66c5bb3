// interpreter/engine/cpl.cpp — the facade: load → check; read case → evaluate.
#include "interpreter/engine/cpl.hpp"

#include "interpreter/check/check.hpp"
#include "interpreter/engine/snapshot.hpp"
#include "interpreter/load/fragment.hpp"
#include "interpreter/load/load.hpp"
#include "interpreter/program/expressions.hpp"
#include "lang/utf8.hpp"

#include <fmt/format.h>

namespace cpl {

Loaded load_policy(const std::string& policy) {
    Loaded loaded;
    loaded.sources = std::make_shared<SourceMap>();
    std::string path = resolve_policy(policy, {}).value_or(policy);
    // The standard set as checked when this executable was built, when its files still read
    // the same (snapshot.hpp).
    if (path == standard_policy_path)
        if (auto program = read_snapshot(standard_snapshot())) {
            loaded.sources = program->sources;
            loaded.program = std::move(program);
            return loaded;
        }
    if (auto includer = including_policy(path)) loaded.included_by = *includer;
    auto merged = load(loaded.included_by.empty() ? policy : loaded.included_by, loaded.diagnostics,
                       loaded.sources);
    if (!merged) return loaded;
    loaded.program = check(*merged, loaded.diagnostics);
    return loaded;
}

Session::Session(const Program& program)
    : program_(program), reader_(program.muscles ? &*program.muscles : nullptr) {}

Session::~Session() = default;

std::string describe(const EvalError& error, const Program& program) {
    if (error.span.end == 0 || error.span.file >= program.sources->size())
        return fmt::format("{} [{}]", error.message, error.code);
    const SourceFile& file = program.sources->get(error.span.file);
    Location at = file.locate(error.span.begin);
    std::string reached;
    if (!error.reached_from.empty() && error.reached_at.file < program.sources->size()) {
        const SourceFile& from = program.sources->get(error.reached_at.file);
        Location rule = from.locate(error.reached_at.begin);
        reached = fmt::format(", reached from {} at {}:{}:{}", error.reached_from, from.path(),
                              rule.line, rule.column);
    }
    return fmt::format("{} (at {}:{}:{}{}) [{}]", error.message, file.path(), at.line, at.column,
                       reached, error.code);
}

CaseOutcome Session::run(std::string_view case_json, const EvaluateOptions& options) {
    arena_.reset();
    CaseOutcome outcome;
    auto read = reader_.read(case_json, arena_);
    if (auto* error = std::get_if<CaseError>(&read)) {
        outcome.case_id = error->case_id;
        outcome.error = error->render();
        outcome.path = error->path;
        outcome.help = error->help;
        return outcome;
    }
    const Value& record = std::get<Value>(read);
    outcome.case_id = std::string(record.items[case_field::id].str());
    // A date the policy does not code is the case's error, never a claim under the wrong
    // year's rules; an undated case is coded as of today, so today is its date here too (a
    // policy whose dates have ended codes no undated case either).
    std::string_view date = record.items[case_field::date_of_service].str();
    std::string_view coded_as = date.empty() ? today() : date;
    if (!program_.service_dates.holds(coded_as)) {
        outcome.path = "date_of_service";
        const Effective& dates = program_.service_dates;
        bool before = !dates.from.empty() && coded_as < dates.from;
        outcome.error = fmt::format(
            "case {}: date_of_service: {} is {} the dates of service policy `{}` codes ({} {}, "
            "set by `{}`)",
            clipped(outcome.case_id),
            date.empty() ? fmt::format("it gives none, and today, {},", coded_as)
                         : std::string(date),
            before ? "before" : "after", program_.name, before ? "from" : "until",
            before ? dates.from : dates.until,
            before ? program_.service_dates_from_layer : program_.service_dates_until_layer);
        outcome.help = date.empty() ? "give the case its date_of_service"
                       : before     ? "a study from before these dates is coded with the code set "
                                      "of its year: use a policy that covers that date"
                                    : "use a policy that covers this date of service";
        return outcome;
    }
    // An undated case is coded as of today: its history may not come after today either, as
    // a dated case's may not come after its date (the case reader says so of those).
    if (date.empty()) {
        std::string_view now = today();
        std::span<const Value> history = record.items[case_field::history].list();
        for (std::size_t i = 0; i < history.size(); ++i) {
            std::string_view then = history[i].items[encounter_field::date_of_service].str();
            if (then <= now) continue;
            outcome.path = "history";
            outcome.error = fmt::format(
                "case {}: history: its element [{}] is dated {}, after {}, the date the case is "
                "coded as (it gives no date_of_service): history holds the patient's earlier "
                "encounters",
                clipped(outcome.case_id), i, then, now);
            outcome.help = "give the case its date_of_service, and check the encounter's date";
            return outcome;
        }
    }
    try {
        outcome.result = evaluate(program_, record, arena_, options);
    } catch (const EvalError& e) {
        outcome.error = fmt::format("case {}: the policy could not be applied: {}",
                                    clipped(outcome.case_id), describe(e, program_));
    }
    return outcome;
}

} // namespace cpl
