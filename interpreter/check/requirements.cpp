// interpreter/check/requirements.cpp — `require CONDITION because "reason"`: a condition on
// the policy's settings, tables and definitions that every policy extending it must keep.
// A base states what its rules assume of its settings (the modifier the NCCI edit adds is one
// the edits accept as a bypass); a payer that restates a setting so that the assumption no
// longer holds gets an error at its own line (check.requirement), not a policy that silently
// does something else. A requirement reads no case: it is decided when the policy is checked,
// on every date of service where a dated setting or table row changes.
#include "interpreter/check/expressions.hpp"
#include "interpreter/program/expressions.hpp"
#include "interpreter/program/reads.hpp"

#include <fmt/format.h>
#include <set>

namespace cpl::check_detail {

namespace {

// Whether evaluating `n` reads a fact of a case (the case, its claim, its date of service),
// also through the definitions it reads.
bool reads_case(const Program& p, const Node& n, std::vector<std::uint8_t>& walked_defs) {
    switch (n.op) {
    case Op::CaseRoot:
    case Op::Claim:
    case Op::Supported:
    case Op::Reviewing:
    case Op::ServiceDate:
        return true;
    case Op::Def:
    case Op::CallDef:
        if (n.slot < walked_defs.size() && !walked_defs[n.slot]) {
            walked_defs[n.slot] = 1;
            if (reads_case(p, p.defs[n.slot].body, walked_defs)) return true;
        }
        break;
    default:
        break;
    }
    for (const auto& kid : n.kids)
        if (reads_case(p, kid, walked_defs)) return true;
    return false;
}

// The dates of service on which some setting's value or table row starts or stops holding,
// and one before them all: between two of them, every dated value stays the same.
std::vector<std::string> date_boundaries(const Program& p) {
    std::set<std::string> dates{"0001-01-01"};
    auto add = [&](const std::string& from, const std::string& until) {
        if (!from.empty()) dates.insert(from);
        if (!until.empty()) dates.insert(until);
    };
    for (const auto& setting : p.settings)
        for (const auto& version : setting.versions)
            add(version.effective.from, version.effective.until);
    for (const auto& table : p.tables)
        if (table->dated)
            for (const auto& row : table->rows)
                add(row.from, row.until);
    return {dates.begin(), dates.end()};
}

std::string shortened(std::string text) {
    constexpr std::size_t most = 60;
    if (text.size() > most) text = text.substr(0, most - 1) + "…";
    return text;
}

} // namespace

void ExpressionChecker::check_requirements() {
    std::vector<std::string> dates;
    for (const auto& [required, layer] : merged_.requirements) {
        std::size_t errors_before = diagnostics_.error_count();
        Scope scope;
        Typed condition = expr(required->condition, scope);
        expect(condition, bool_type(), required->condition, "a requirement");
        if (diagnostics_.error_count() != errors_before) continue; // said already
        std::vector<std::uint8_t> walked(p().defs.size(), 0);
        if (reads_case(p(), condition.node, walked)) {
            error("check.require_reads_case", required->condition.span,
                  "a requirement is decided when the policy is checked, before any case: it "
                  "cannot read the case")
                .help = "state it on settings, tables and definitions that read no case; to "
                        "look at a case, write a rule or edit that warns";
            continue;
        }
        p().requirements.push_back(
            {source_text(required->condition.span), required->reason, layer, required->span});
        if (dates.empty())
            dates =
                p().dated ? date_boundaries(p()) : std::vector<std::string>{std::string(today())};
        for (std::size_t i = 0; i < dates.size(); ++i) {
            Value holds;
            try {
                holds = evaluate_constant(p(), condition.node, dates[i]);
            } catch (const EvalError& e) {
                error(e.code, e.span, e.message);
                break;
            }
            if (holds.kind == Kind::Bool && holds.boolean) continue;
            // The dates it fails on: from this boundary (none before the first) to the next.
            std::string on;
            if (p().dated && dates.size() > 1)
                on = i == 0 ? fmt::format(" on dates of service before {}", dates[1])
                     : i + 1 < dates.size() ? fmt::format(" on dates of service from {} until {}",
                                                          dates[i], dates[i + 1])
                                            : fmt::format(" on dates of service from {}", dates[i]);
            requirement_broken(*required, layer, p().dated ? dates[i] : "", on);
            break;
        }
    }
}

// Where a requirement fails: at the value another layer gave a setting it reads (the payer's
// line, where the fix is), else at the requirement; with what it reads, and its reason.
void ExpressionChecker::requirement_broken(const ast::Require& required, const std::string& layer,
                                           const std::string& date, const std::string& on) {
    std::vector<std::string> names;
    names_in(required.condition, names);
    std::vector<std::string> notes;
    std::optional<std::uint32_t> changed; // a setting it reads that another layer set
    std::optional<Span> table_written;    // else: a table it reads, as another layer wrote it
    std::string table_name;
    for (const auto& name : names) {
        if (auto t = table_index_.find(name); t != table_index_.end()) {
            notes.push_back(fmt::format("`{}` is a table of {} rows", name,
                                        p().tables[t->second]->rows.size()));
            if (!table_written)
                if ((table_written = written_by_other_layer(name, layer))) table_name = name;
            continue;
        }
        auto it = setting_index_.find(name);
        if (it == setting_index_.end()) continue;
        const SettingCode& setting = p().settings[it->second];
        const SettingVersionCode* version = date.empty() ? nullptr : version_on(setting, date);
        const Value& value = version ? version->value : setting.value;
        const std::string& by = version ? version->layer : setting.layer;
        notes.push_back(fmt::format("`{}` is {} (set by `{}`)", name,
                                    shortened(shown(value, setting.type)), by));
        if (!changed && by != layer) changed = it->second;
    }
    std::string condition = source_text(required.condition.span);
    const SourceFile& file = merged_.sources->get(required.span.file);
    std::string where = fmt::format("{}:{}", file.path(), file.locate(required.span.begin).line);
    Diagnostic* d = nullptr;
    if (changed) {
        const SettingCode& setting = p().settings[*changed];
        const auto& versions = merged_.settings[*changed].versions;
        Span at = versions.empty() ? setting.span : versions.back().value->span;
        d = &error("check.requirement", at,
                   fmt::format("`{}` as `{}` sets it breaks a requirement of `{}`{}", setting.name,
                               setting.layer, layer, on));
        notes.insert(notes.begin(), fmt::format("the requirement ({}): `{}`", where, condition));
    } else if (table_written) {
        d = &error("check.requirement", *table_written,
                   fmt::format("table `{}` as this policy writes it breaks a requirement of `{}`{}",
                               table_name, layer, on));
        notes.insert(notes.begin(), fmt::format("the requirement ({}): `{}`", where, condition));
    } else {
        d = &error("check.requirement", required.condition.span,
                   fmt::format("this requirement does not hold{}", on));
    }
    d->notes = std::move(notes);
    d->help = fmt::format("it is required because {}", required.reason);
}

// The name in the last `table NAME … end` of a layer other than `layer` (adding, restating or
// removing rows), where a change to the table can be fixed.
std::optional<Span> ExpressionChecker::written_by_other_layer(const std::string& table,
                                                              const std::string& layer) {
    for (const auto& merged : merged_.tables) {
        if (merged.decl->name.text != table) continue;
        for (auto at = merged.written_at.rbegin(); at != merged.written_at.rend(); ++at)
            if (at->second != layer) return at->first;
    }
    return std::nullopt;
}

} // namespace cpl::check_detail
