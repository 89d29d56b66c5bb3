// interpreter/check/requirements.cpp — `require CONDITION because "reason"`: a condition on
// the policy's settings, tables and definitions that every policy extending it must keep.
// A base states what its rules assume of its settings (the modifier the NCCI edit adds is one
// the edits accept as a bypass); a payer that restates a setting so that the assumption no
// longer holds gets an error at its own line (check.requirement), not a policy that silently
// does something else. A requirement reads no case: it is decided when the policy is checked,
// on every date of service the policy codes where a dated setting or table row changes.
#include "interpreter/check/expressions.hpp"
#include "interpreter/program/expressions.hpp"
#include "interpreter/program/reads.hpp"
#include "lang/utf8.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace cpl::check_detail {

namespace {

using Reads = RequirementReads;

// Whether evaluating `n` reads a fact of a case, or a part already reported broken, also
// through the definitions it reads.
void collect(const Program& p, const Node& n, std::vector<std::uint8_t>& walked_defs, Reads& out,
             std::uint32_t poisoned) {
    switch (n.op) {
    case Op::CaseRoot:
    case Op::Claim:
    case Op::Supported:
    case Op::Reviewing:
    case Op::ServiceDate:
        out.case_fact = true;
        break;
    case Op::Const:
        if (n.slot == poisoned) out.broken = true;
        break;
    case Op::Def:
    case Op::CallDef:
        if (n.slot < walked_defs.size() && !walked_defs[n.slot]) {
            walked_defs[n.slot] = 1;
            collect(p, p.defs[n.slot].body, walked_defs, out, poisoned);
        }
        break;
    default:
        break;
    }
    for (const auto& kid : n.kids)
        collect(p, kid, walked_defs, out, poisoned);
}

// The dates of service the policy codes (its header's `from`, or one before every date) and
// every later one on which some setting's value or table row starts or stops holding, up to
// its `until`: between two of them, every dated value stays the same.
std::vector<std::string> date_boundaries(const Program& p) {
    const Effective& coded = p.service_dates;
    std::string first = coded.from.empty() ? "0001-01-01" : coded.from;
    std::set<std::string> dates{first};
    auto add = [&](const std::string& date) {
        if (!date.empty() && date > first && (coded.until.empty() || date < coded.until))
            dates.insert(date);
    };
    for (const auto& setting : p.settings)
        for (const auto& version : setting.versions) {
            add(version.effective.from);
            add(version.effective.until);
        }
    for (const auto& table : p.tables)
        if (table->dated)
            for (const auto& row : table->rows) {
                add(row.from);
                add(row.until);
            }
    return {dates.begin(), dates.end()};
}

// Dates of service [dates[i], dates[i + 1]) in words; `first`: none coded before dates[0].
std::string dates_in_words(const std::vector<std::string>& dates, std::size_t i, bool first) {
    bool last = i + 1 == dates.size();
    if (i == 0 && first) return last ? "" : fmt::format("before {}", dates[1]);
    return last ? fmt::format("from {}", dates[i])
                : fmt::format("from {} until {}", dates[i], dates[i + 1]);
}

} // namespace

// The settings and tables a requirement names, directly or in the definitions it names (its
// nodes cannot say: folding leaves no trace of a table, `def has_one = 1 in t` is `false`).
void ExpressionChecker::names_read(const ast::Expr& condition, RequirementReads& reads) {
    std::vector<std::string> names;
    names_in(condition, names);
    std::vector<std::uint8_t> walked(merged_.defs.size(), 0);
    for (std::size_t i = 0; i < names.size(); ++i) { // grows as definitions are read
        const std::string& name = names[i];
        if (auto s = setting_index_.find(name); s != setting_index_.end())
            reads.settings.push_back(s->second); // names_in gives each name once
        else if (auto t = table_index_.find(name); t != table_index_.end())
            reads.tables.push_back(p().tables[t->second].get());
        else if (auto d = def_index_.find(name); d != def_index_.end() && !walked[d->second]) {
            walked[d->second] = 1;
            names_in(merged_.defs[d->second].decl->body, names);
        }
    }
}

void ExpressionChecker::check_requirements() {
    const bool dated = p().dated;
    const std::vector<std::string> dates =
        dated ? date_boundaries(p()) : std::vector<std::string>{std::string(today())};
    for (const auto& [required, layer] : merged_.requirements) {
        if (required->reason.empty())
            error("check.require_reason", required->reason_span,
                  "a requirement's reason is empty: the author who breaks it is told only that")
                .help = "say why it must hold: what the rules do with the values it reads";
        // A setting it reads has a value of the wrong type (or a table a row of one), reported
        // there: the requirement is decided once the value is corrected, and folding it on the
        // wrong value now would only repeat that error as one of the requirement's.
        Reads written;
        names_read(required->condition, written);
        if (std::any_of(written.settings.begin(), written.settings.end(),
                        [&](std::uint32_t s) { return settings_mistyped_.count(s) > 0; }) ||
            std::any_of(written.tables.begin(), written.tables.end(),
                        [&](const TableData* t) { return tables_mistyped_.count(t->name) > 0; }))
            continue;
        std::size_t errors_before = diagnostics_.error_count();
        std::size_t items_before = diagnostics_.items().size();
        Scope scope;
        scope.requirement = true;
        Typed condition = expr(required->condition, scope);
        expect(condition, bool_type(), required->condition, "a requirement");
        if (diagnostics_.error_count() != errors_before) {
            // An evaluation error while folding it (a key a payer removed): say whose.
            const SourceFile& file = merged_.sources->get(required->span.file);
            for (std::size_t i = 0; i < diagnostics_.items().size(); ++i) {
                Diagnostic& d = diagnostics_.at(i);
                if (i < items_before || !d.code.starts_with("eval.")) continue;
                d.notes.push_back(fmt::format(
                    "deciding the requirement of `{}` ({}:{}): `{}`", layer, file.path(),
                    file.locate(required->span.begin).line, source_text(required->condition.span)));
                if (!d.help) d.help = fmt::format("it is required because {}", required->reason);
            }
            continue;
        }
        std::vector<std::uint8_t> walked(p().defs.size(), 0);
        Reads reads = std::move(written);
        collect(p(), condition.node, walked, reads, poisoned);
        if (reads.case_fact) {
            error("check.require_reads_case", required->condition.span,
                  "a requirement is decided when the policy is checked, before any case: it "
                  "cannot read the case")
                .help = "state it on settings, tables and definitions that read no case; to "
                        "look at a case, write a rule or edit that warns";
            continue;
        }
        if (reads.broken) continue; // a definition it reads is in error, reported there
        p().requirements.push_back(
            {source_text(required->condition.span), required->reason, layer, required->span});
        // Every range of dates it fails on, the first reported with the others.
        std::vector<std::size_t> failing;
        std::optional<EvalError> failure;
        for (std::size_t i = 0; i < dates.size(); ++i) {
            try {
                Value holds = evaluate_constant(p(), condition.node, dates[i]);
                if (holds.kind == Kind::Bool && holds.boolean) continue;
            } catch (const EvalError& e) {
                if (!failure) failure = e;
            }
            failing.push_back(i);
        }
        if (failing.empty()) continue;
        bool open_start = p().service_dates.from.empty();
        std::vector<std::string> ranges;
        for (std::size_t i : failing)
            if (dated) ranges.push_back(dates_in_words(dates, i, open_start));
        requirement_broken(
            *required, layer, reads, dated ? dates[failing.front()] : "", ranges, failure,
            counterexample(required->condition, condition.node, dates[failing.front()]));
    }
}

// `all VAR in LIST: BODY` fails for an element: which one, so that the author of a table of
// sixty rows is told the row to fix ("" for any other condition).
std::string ExpressionChecker::counterexample(const ast::Expr& condition, const Node& node,
                                              const std::string& date) {
    const auto* all = std::get_if<ast::Quantified>(&condition.kind);
    if (!all || all->kind != ast::Quantified::Kind::all) return "";
    std::optional<Value> bad = first_counterexample(p(), node, date);
    if (!bad) return "";
    std::string value = to_text(*bad, p().shapes, true);
    if (std::size_t cut = clip_point(value, 480); cut != std::string::npos)
        value = value.substr(0, cut) + "…"; // its first 240 bytes, on a character's start
    return fmt::format("it does not hold for `{}` = {}", all->var.text, value);
}

namespace {

// A table a requirement read, with the keys it has on `date` ("" for every date): what an
// author restating a value needs to choose one the requirement accepts.
std::string table_in_words(const TableData& table, const std::string& date) {
    constexpr std::size_t shown_keys = 12;
    std::vector<std::string> keys;
    std::size_t in_force = 0, key_count = 0;
    for (const auto& row : table.rows) {
        if (!date.empty() && !row.holds(date)) continue;
        ++in_force;
        // Every key of a row: "LT" and "RT" are both accepted, not "LT" alone.
        if (row.is_range) {
            if (++key_count <= shown_keys) keys.push_back(range_text(row));
            continue;
        }
        for (const Value& key : row.keys)
            if (++key_count <= shown_keys) keys.push_back(to_text(key, {}, true));
    }
    if (in_force == 0) return fmt::format("`{}` has no row", table.name);
    return fmt::format("`{}` has the {}: {}{} ({} {})", table.name, key_count == 1 ? "key" : "keys",
                       fmt::join(keys, ", "), key_count > shown_keys ? ", …" : "", in_force,
                       in_force == 1 ? "row" : "rows");
}

} // namespace

// Where a requirement fails: at the value a later layer gave a setting it reads (the payer's
// line, where the fix is), else at a later layer's `table`, else at the requirement; with
// what it reads, the dates it fails on, and its reason.
void ExpressionChecker::requirement_broken(const ast::Require& required, const std::string& layer,
                                           const Reads& reads, const std::string& date,
                                           const std::vector<std::string>& ranges,
                                           const std::optional<EvalError>& failure,
                                           const std::string& counterexample) {
    // A layer after the requirement's, which extends it: its values are the ones to fix.
    auto layers = p().layers;
    auto position = [&](const std::string& l) {
        return std::find(layers.begin(), layers.end(), l) - layers.begin();
    };
    auto later = [&](const std::string& l) { return position(l) > position(layer); };
    std::vector<std::string> notes;
    std::optional<Span> at;
    std::string blamed;
    for (std::uint32_t index : reads.settings) {
        const SettingCode& setting = p().settings[index];
        const SettingVersionCode* version =
            date.empty() ? &setting.versions.back() : version_on(setting, date);
        if (!version) continue;
        notes.push_back(fmt::format("`{}` is {} (set by `{}`)", setting.name,
                                    shortened(shown(version->value, setting.type)),
                                    version->layer));
        const auto& written = merged_.settings[index].versions;
        auto which = static_cast<std::size_t>(version - setting.versions.data());
        if (!at && later(version->layer) && which < written.size()) {
            at = written[which].value->span;
            blamed = fmt::format("`{}` as `{}` sets it", setting.name, version->layer);
        }
    }
    for (const TableData* table : reads.tables) {
        notes.push_back(table_in_words(*table, date));
        for (const auto& merged : merged_.tables)
            if (!at && merged.decl->name.text == table->name)
                for (auto w = merged.written_at.rbegin(); w != merged.written_at.rend(); ++w)
                    if (later(w->second)) {
                        at = w->first;
                        blamed =
                            fmt::format("table `{}` as `{}` writes it", table->name, w->second);
                        break;
                    }
    }
    std::string on = ranges.empty() ? "" : " on dates of service " + ranges.front();
    for (std::size_t i = 1; i < ranges.size(); ++i)
        notes.push_back(fmt::format("it fails on dates of service {} too", ranges[i]));
    std::string condition = one_line(source_text(required.condition.span));
    if (!counterexample.empty()) notes.insert(notes.begin(), counterexample);
    if (failure)
        notes.insert(notes.begin(),
                     fmt::format("deciding it fails: {} [{}]", failure->message, failure->code));
    Diagnostic* d = nullptr;
    if (at) {
        const SourceFile& file = merged_.sources->get(required.span.file);
        notes.insert(notes.begin(), fmt::format("the requirement ({}:{}): `{}`", file.path(),
                                                file.locate(required.span.begin).line, condition));
        d = &error("check.requirement", *at,
                   fmt::format("{} breaks a requirement of `{}`{}", blamed, layer, on));
    } else {
        d = &error("check.requirement", required.condition.span,
                   fmt::format("this requirement {}{}",
                               failure ? "cannot be decided" : "does not hold", on));
    }
    d->notes = std::move(notes);
    d->help = fmt::format("it is required because {}", required.reason);
}

} // namespace cpl::check_detail
