// interpreter/eval/explain.cpp — why a line or an edit is there (`because` trails, under
// --explain) and why a code is not (--why-not). A coder reads the rules' descriptions and
// `because` texts, the values whose sources are not verified, and for a missing code the
// deciding fact: the `otherwise` of the condition that stopped its rule, the band the count
// fell in, the edit that removed it, or the submitted claim that left it off. Authors get the
// clauses as written, with the facts they read, under --explain=expressions.
#include "interpreter/case/case_schema.hpp"
#include "interpreter/eval/case_state.hpp"
#include "interpreter/program/reads.hpp"
#include "lang/cite.hpp"
#include "lang/suggest.hpp"
#include "lang/vocabulary.hpp"
#include "runtime/ascii.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <limits>

namespace cpl {

namespace {

void collect_defs(const Node& n, std::vector<std::uint32_t>& out) {
    if (n.op == Op::Def && std::find(out.begin(), out.end(), n.slot) == out.end())
        out.push_back(n.slot);
    for (const auto& kid : n.kids)
        collect_defs(kid, out);
}

// Values as a coder names them: a limb by its name, a muscle by its name, a study by
// nerve, type and side; long lists cut short.
std::string summary(const Program& program, const Value& v) {
    if (v.kind == Kind::List) {
        std::vector<std::string> items;
        for (std::uint32_t i = 0; i < v.size && i < 8; ++i)
            items.push_back(summary(program, v.items[i]));
        if (v.size > 8) items.push_back(fmt::format("and {} more", v.size - 8));
        return fmt::format("[{}]", fmt::join(items, ", "));
    }
    // A text quoted, as the policy writes it: `""` is seen, and `"a, b"` is one element.
    if (v.kind != Kind::Record) return to_text(v, program.shapes, v.kind == Kind::String);
    if (v.size == shape_line) { // as a coder bills it: 95870-LT x1
        std::vector<std::string_view> modifiers;
        for (const Value& m : v.items[line_field::modifiers].list())
            if (m.kind == Kind::String) modifiers.push_back(m.str());
        return billed_text(v.items[line_field::code].str(), modifiers,
                           v.items[line_field::units].number);
    }
    if (auto label = record_label(v)) return *label;
    return to_text(v, program.shapes, true);
}

// The expression as the policy wrote it.
std::string source_of(const Program& program, const Node& n) {
    return one_line(written_text(program, n.span));
}

// Whether an expression that gives the billed code can give `code`: the code itself, a
// look-up in a table one of whose values is the code, or either branch of an `if`.
bool may_give(const Node& n, std::string_view code) {
    if (n.op == Op::Const) return n.constant.kind == Kind::String && n.constant.str() == code;
    if (n.op == Op::If) return may_give(n.kids[1], code) || may_give(n.kids[2], code);
    if (n.op == Op::Index && n.kids[0].op == Op::Const && n.kids[0].constant.kind == Kind::Table)
        for (const auto& row : n.kids[0].constant.table->rows)
            if (row.value.kind == Kind::String && row.value.str() == code) return true;
    return false;
}

bool may_bill(const RuleCode& rule, std::string_view code) {
    return std::any_of(rule.clauses.begin(), rule.clauses.end(), [&](const ClauseCode& c) {
        return c.kind == ast::ClauseKind::Bill && may_give(c.expr, code);
    });
}

// The keys of the rows of `table` that give `code`, as a coder reads them: "5–6", "13 or more".
std::string keys_giving(const Program& program, const TableData& table, std::string_view code) {
    std::vector<std::string> keys;
    for (const auto& row : table.rows) {
        if (row.value.kind != Kind::String || row.value.str() != code) continue;
        if (row.is_range)
            keys.push_back(row.high == std::numeric_limits<std::int64_t>::max()
                               ? fmt::format("{} or more", row.low)
                           : row.high == row.low ? std::to_string(row.low)
                                                 : fmt::format("{}–{}", row.low, row.high));
        else
            keys.push_back(to_text(row.keys.front(), program.shapes, false));
    }
    return fmt::format("{}", fmt::join(keys, " or "));
}

// "[rule X]", with the sources the rule rests on that were not checked against their own text.
std::string rule_note(const Program& program, const RuleCode& rule) {
    std::vector<std::string_view> unverified;
    for (const auto& key : rule.sources)
        if (const SourceCode* source = program.find_source(key); source && !source->verified)
            unverified.push_back(key);
    std::string kind(vocabulary::keyword(rule.kind));
    if (unverified.empty()) return fmt::format("[{} {}]", kind, rule.name);
    return fmt::format("[{} {}; unverified sources: {}]", kind, rule.name,
                       fmt::join(unverified, ", "));
}

// Calls `visit` with every rule and edit of the program and every exception to one.
template <typename Visit> void each_rule(const Program& program, Visit visit) {
    for (const auto* list : {&program.rules, &program.edits})
        for (const auto& rule : *list) {
            visit(rule);
            for (const auto* exceptions : {&rule.exceptions, &rule.element_exceptions})
                for (const auto& exception : *exceptions)
                    visit(exception);
        }
}

const RuleCode* rule_named(const Program& program, std::string_view name) {
    const RuleCode* found = nullptr;
    each_rule(program, [&](const RuleCode& rule) {
        if (!found && rule.name == name) found = &rule;
    });
    return found;
}

// The first `because` of the running rule, so far: the lead of its reasons.
std::string first_reason(const CaseState& s) {
    for (const auto& entry : s.trail)
        if (entry.reason) return entry.text;
    return "";
}

// The trail as the reader asked for it: a coder's reasons, or every step for authors; then
// the values the rule read from table rows whose own citation names no verified source.
void append_trail(CaseState& s, std::vector<std::string>& because) {
    for (const auto& entry : s.trail)
        if (entry.reason || s.expressions) because.push_back(entry.text);
    std::vector<const TableRowData*> seen;
    for (const TableRowData* row : s.rows_used) {
        if (row->cite.empty() || std::find(seen.begin(), seen.end(), row) != seen.end()) continue;
        seen.push_back(row);
        bool verified = false;
        for (const auto& cited : cited_keys(row->cite))
            if (const SourceCode* source = s.program.find_source(cited.key))
                verified = verified || source->verified;
        if (verified) continue;
        const TableData* table = nullptr;
        for (const auto& t : s.program.tables)
            if (row >= t->rows.data() && row < t->rows.data() + t->rows.size()) table = t.get();
        std::string what = !table ? "a table" : table->doc.empty() ? table->name : table->doc;
        std::string line = fmt::format("unverified value: {}, from a row whose source is not "
                                       "verified ({})",
                                       what, row->cite);
        if (std::find(because.begin(), because.end(), line) == because.end())
            because.push_back(std::move(line));
    }
}

// The settings the running rule reads whose value on the date of service a payer restated:
// the payer's citation reaches the line or edit the setting decided. Named by description
// and value, as a coder reads them ("Combined units of 95885 and 95886 per patient per day:
// 2 from 2023-01-01, as restated by state_medicaid: TMHP 2023 …").
void restated_settings(CaseState& s, std::vector<std::string>& because) {
    if (s.program.layers.size() < 2) return;
    for (std::uint32_t slot : settings_read(s.program, *s.rule)) {
        const SettingCode& setting = s.program.settings[slot];
        const SettingVersionCode* version = version_on(setting, s.context.date);
        if (!version || !restated(setting, *version)) continue;
        std::string dates;
        if (!version->effective.from.empty()) dates += " from " + version->effective.from;
        if (!version->effective.until.empty()) dates += " until " + version->effective.until;
        std::string line = fmt::format(
            "{}: {}{}, as restated by {}: {}", setting.doc.empty() ? setting.name : setting.doc,
            to_text(version->value, s.program.shapes, false), dates, version->layer,
            version->cite.empty() ? "(restated without a citation)" : version->cite);
        if (std::find(because.begin(), because.end(), line) == because.end())
            because.push_back(std::move(line));
    }
}

} // namespace

// A condition as written, then the facts it rests on: each side of a comparison and
// every definition it names, summarised for a reader (--explain=expressions).
std::string explain_condition(CaseState& s, const ClauseCode& c) {
    const Program& program = s.program;
    const Node& n = c.expr;
    std::vector<std::string> facts;
    if (is_comparison(n.op)) {
        if (n.kids[0].op != Op::Def)
            facts.push_back(fmt::format("{} is {}", source_of(program, n.kids[0]),
                                        summary(program, s.expr.eval(n.kids[0]))));
        if (n.kids[1].op != Op::Const && n.kids[1].op != Op::Def)
            facts.push_back(fmt::format("{} is {}", source_of(program, n.kids[1]),
                                        summary(program, s.expr.eval(n.kids[1]))));
    }
    std::vector<std::uint32_t> defs;
    collect_defs(n, defs);
    for (auto slot : defs)
        facts.push_back(
            fmt::format("{} is {}", program.defs[slot].name, summary(program, s.expr.def(slot))));
    std::string source = source_of(program, n); // the condition alone, without `otherwise`
    return facts.empty() ? source : fmt::format("{} ({})", source, fmt::join(facts, "; "));
}

// Why the running rule made or added to a line: its description (or, when the line is
// already explained, that this rule adds to it), then its reasons.
void add_because(CaseState& s, std::vector<std::string>& because) {
    if (!because.empty())
        because.push_back(s.expressions || s.rule->doc.empty()
                              ? fmt::format("and, by rule {}:", s.rule->name)
                              : fmt::format("also: {}", s.rule->doc));
    else if (!s.rule->doc.empty())
        because.push_back(s.rule->doc);
    append_trail(s, because);
    restated_settings(s, because);
}

// Why the running edit acted: its description, then its reasons.
void edit_because(CaseState& s, std::vector<std::string>& because) {
    if (!s.rule->doc.empty()) because.push_back(s.rule->doc);
    append_trail(s, because);
    restated_settings(s, because);
}

std::string worded(CaseState& s, const Node& n) {
    auto mark = s.expr.mark();
    try {
        return s.expr.text(s.expr.eval(n));
    } catch (const EvalError& e) {
        s.expr.back_to(mark); // the rule goes on in its own frame
        return fmt::format("(the reason could not be worded: {} [{}])", e.message, e.code);
    }
}

// A `when` that did not hold: its `otherwise` in a coder's words, and the condition as
// written for authors (or when there are no words).
void note_stop(CaseState& s, const ClauseCode& c) {
    Stop stop{s.rule, "", ""};
    if (c.otherwise)
        stop.reason = worded(s, *c.otherwise);
    else if (c.expr.op == Op::Reviewing) // a review edit, on a case without a claim
        stop.reason = "the case has no submitted claim to review";
    if (s.expressions || stop.reason.empty()) stop.condition = explain_condition(s, c);
    s.stops.push_back(std::move(stop));
}

// A code billed, with the reason the rule gave and, when a table chose it, the key it used.
void note_billed(CaseState& s, const ClauseCode& c, std::string_view code, std::int64_t units) {
    Billed billed{s.rule, code, units, first_reason(s), nullptr, ""};
    const Node& n = c.expr;
    if (n.op == Op::Index && n.kids[0].op == Op::Const && n.kids[0].constant.kind == Kind::Table) {
        billed.table = n.kids[0].constant.table;
        billed.key = worded(s, n.kids[1]);
    }
    s.billed.push_back(std::move(billed));
}

// An edit changed a line's modifiers: the line's explanation says which and why.
void explain_modifier(CaseState& s, int line, std::string_view what, std::string_view modifier) {
    std::string reason = first_reason(s);
    if (reason.empty()) reason = s.rule->doc.empty() ? s.rule->name : s.rule->doc;
    Line& changed = s.lines[static_cast<std::size_t>(line)].line;
    changed.because.push_back(fmt::format("modifier {} {}: {}", modifier, what, reason));
    s.modifier_changes.push_back({s.rule, changed.code, what, modifier});
}

namespace {

// Reasons with the rule each came from; two rules stopped by the same fact say it once.
struct Reasons {
    std::vector<std::pair<std::string, std::string>> items; // text, "[rule …]" notes

    void push_back(std::string text, std::string note) {
        for (auto& [seen, notes] : items)
            if (seen == text) {
                notes += " " + note;
                return;
            }
        items.emplace_back(std::move(text), std::move(note));
    }
    std::vector<std::string> lines() const {
        std::vector<std::string> out;
        for (const auto& [text, notes] : items)
            out.push_back(text + " " + notes);
        return out;
    }
};

// Each `when` that stopped `rule` on this case, once: its `otherwise` words (with the condition
// as written for authors), else the condition as written.
std::vector<std::string> stopped_at(const CaseState& s, const RuleCode& rule) {
    std::vector<std::string> stopped;
    for (const auto& stop : s.stops) {
        if (stop.rule != &rule) continue;
        std::string text = stop.reason.empty() ? stop.condition
                           : s.expressions     ? stop.reason + " (" + stop.condition + ")"
                                               : stop.reason;
        if (std::find(stopped.begin(), stopped.end(), text) == stopped.end())
            stopped.push_back(std::move(text));
    }
    return stopped;
}

// Why no rule billed `code`: for each rule that could, where it stopped or what it billed.
std::vector<std::string> rule_reasons(const CaseState& s, std::string_view code) {
    Reasons reasons;
    for (const auto& rule : s.program.rules) {
        if (!may_bill(rule, code)) continue;
        std::string note = rule_note(s.program, rule);
        if (!rule.effective.holds(s.context.date)) {
            reasons.push_back(fmt::format("{} does not apply to services on {}",
                                          rule.doc.empty() ? rule.name : rule.doc, s.context.date),
                              note);
            continue;
        }
        std::vector<std::string> stopped = stopped_at(s, rule);
        bool billed_other = false;
        for (const auto& b : s.billed) {
            if (b.rule != &rule || b.code == code) continue;
            billed_other = true;
            std::string lead =
                b.reasons.empty() ? (rule.doc.empty() ? rule.name : rule.doc) : b.reasons;
            if (b.table)
                reasons.push_back(fmt::format("{} → {}; {} needs {}", lead, b.code, code,
                                              keys_giving(s.program, *b.table, code)),
                                  note);
            else
                reasons.push_back(fmt::format("{}: {} instead", lead, b.code), note);
            break;
        }
        if (billed_other) continue;
        if (!stopped.empty())
            reasons.push_back(fmt::format("{}", fmt::join(stopped, "; ")), note);
        else
            reasons.push_back(fmt::format("{}: the study gave it nothing to bill",
                                          rule.doc.empty() ? rule.name : rule.doc),
                              note);
    }
    return reasons.lines();
}

} // namespace

// For each code asked about: billed; not on the submitted claim (or denied there); removed
// by an edit; or, for each rule that could bill it, the fact that decided it did not.
namespace {

// "a", "a and b", "a, b and c".
std::string and_list(const std::vector<std::string_view>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
        out += items[i];
    }
    return out;
}

// `--why-not RULE`: what a rule or edit did on this case, or where it stopped.
// The lines it billed (a unit added to another rule's line too), the modifiers it changed,
// and the edits and review verdicts the rule or exception named `name` gave.
std::vector<std::string> acts_of(const CaseState& s, const Result& result, std::string_view name) {
    std::vector<std::string> did;
    // Units it billed of each code, summed over its passes (a unit per limb is one line).
    std::vector<std::pair<std::string_view, std::int64_t>> billed;
    for (const auto& b : s.billed) {
        if (b.rule->name != name) continue;
        auto it = std::find_if(billed.begin(), billed.end(),
                               [&](const auto& c) { return c.first == b.code; });
        if (it == billed.end())
            billed.emplace_back(b.code, b.units);
        else
            it->second += b.units;
    }
    for (const auto& [code, units] : billed)
        did.push_back(fmt::format("it billed {} x{}", code, units));
    // "it added modifier 26 to 95860 and 95870": one phrase for each modifier and change.
    struct Change {
        std::string_view what, modifier;
        std::vector<std::string_view> codes;
    };
    std::vector<Change> changes;
    for (const auto& m : s.modifier_changes) {
        if (m.rule->name != name) continue;
        auto it = std::find_if(changes.begin(), changes.end(), [&](const Change& c) {
            return c.what == m.what && c.modifier == m.modifier;
        });
        if (it == changes.end()) it = changes.insert(changes.end(), {m.what, m.modifier, {}});
        it->codes.push_back(m.code);
    }
    for (const auto& c : changes)
        did.push_back(fmt::format("it {} modifier {} {} {}", c.what, c.modifier,
                                  c.what == "added" ? "to" : "from", and_list(c.codes)));
    for (const auto& e : result.edits)
        if (e.rule == name)
            did.push_back(fmt::format("it acted: {} {}{}{}", e.severity, e.code,
                                      e.code.empty() ? "" : ": ", e.message));
    for (const auto& v : result.review)
        for (const auto& why : v.reasons)
            if (why.rule == name)
                did.push_back(fmt::format("it judged the submitted {}: {}", v.code, why.message));
    return did;
}

// Why an exception per line whose guard never stopped it did not run, if it did not: a
// case-level exception ran in its target's place (and the target's exceptions per line are
// not tried then), or the target stopped before it acted on any line.
std::optional<std::string> exception_not_tried(const CaseState& s, const RuleCode& exception) {
    auto ran = [&](const RuleCode& r) {
        return std::find(s.exceptions_ran.begin(), s.exceptions_ran.end(), &r) !=
               s.exceptions_ran.end();
    };
    if (ran(exception)) return std::nullopt;
    for (const auto* targets : {&s.program.rules, &s.program.edits})
        for (const auto& target : *targets) {
            const auto& per_line = target.element_exceptions;
            if (std::none_of(per_line.begin(), per_line.end(),
                             [&](const RuleCode& e) { return &e == &exception; }))
                continue;
            std::string_view kind = vocabulary::keyword(target.kind);
            for (const auto& instead : target.exceptions)
                if (ran(instead))
                    return fmt::format("it was not tried: exception {} ran in place of {} {} for "
                                       "the whole case, and then no exception per line of it is "
                                       "tried",
                                       instead.name, kind, target.name);
            std::vector<std::string> stopped = stopped_at(s, target);
            if (!stopped.empty())
                return fmt::format("it was not tried: {} {} stopped before acting on a line: {}",
                                   kind, target.name, fmt::join(stopped, "; "));
        }
    return std::nullopt;
}

std::string why_not_rule(const CaseState& s, const Result& result, const RuleCode& rule) {
    std::vector<std::string> did = acts_of(s, result, rule.name);
    // An exception that ran instead of it did what it did not.
    for (const auto* exceptions : {&rule.exceptions, &rule.element_exceptions})
        for (const auto& exception : *exceptions)
            if (auto instead = acts_of(s, result, exception.name); !instead.empty())
                did.push_back(fmt::format("exception {} ran in its place ({})", exception.name,
                                          fmt::join(instead, "; ")));
            else if (exceptions == &rule.exceptions &&
                     std::find(s.exceptions_ran.begin(), s.exceptions_ran.end(), &exception) !=
                         s.exceptions_ran.end())
                did.push_back(fmt::format(
                    "exception {} ran in its place and found nothing to act on", exception.name));
    std::string note = rule_note(s.program, rule);
    if (!did.empty()) return fmt::format("{}: {} {}", rule.name, fmt::join(did, "; "), note);
    if (!rule.effective.holds(s.context.date))
        return fmt::format("{}: it does not apply to services on {} {}", rule.name, s.context.date,
                           note);
    std::vector<std::string> stopped = stopped_at(s, rule);
    if (!stopped.empty())
        return fmt::format("{}: it stopped: {} {}", rule.name, fmt::join(stopped, "; "), note);
    if (auto untried = exception_not_tried(s, rule))
        return fmt::format("{}: {} {}", rule.name, *untried, note);
    return fmt::format("{}: it ran and found nothing to act on (a `for` over an empty list, or "
                       "nothing its clauses add) {}",
                       rule.name, note);
}

// A name asked for that is spelled as a name (`aanem_limit`), not as a code.
bool names_no_code(std::string_view asked) {
    return !asked.empty() && std::all_of(asked.begin(), asked.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9');
    }) && !(asked[0] >= '0' && asked[0] <= '9');
}

} // namespace

// A code is asked about as the case gives codes (case_schema::is_code): anything else that
// names no rule would be answered "no rule bills it", true and useless (`9588`, `AANEM_limit`).
std::optional<std::string> why_not_problem(const Program& program, std::string_view asked) {
    if (rule_named(program, asked) || program.disabled_named(asked) || case_schema::is_code(asked))
        return std::nullopt;
    std::vector<std::string_view> names;
    each_rule(program, [&](const RuleCode& r) { names.push_back(r.name); });
    auto guess = closest(asked, names);
    std::string did_you_mean = guess ? fmt::format("; did you mean {}?", *guess) : "";
    // `g0255`, `0106t`: a code written in lower case.
    std::string upper = ascii_upper(asked);
    if (upper != asked && case_schema::is_code(upper))
        return fmt::format("{} is no rule, edit or exception of policy {}, and a code is written "
                           "in capitals; did you mean {}?",
                           asked, program.name, upper);
    if (names_no_code(asked) || guess)
        return fmt::format("policy {} has no rule, edit or exception named {}{}", program.name,
                           asked, did_you_mean);
    return fmt::format("{} is neither a rule, edit or exception of policy {} nor a code ({})",
                       asked, program.name, case_schema::cpt_code.help);
}

std::vector<std::string> unanswerable_names(const Program& program,
                                            const EvaluateOptions& options) {
    std::vector<std::string> problems;
    // An empty value (`--why-not ''`, a variable not set in a script) names nothing.
    auto empty = [&](std::string_view option, std::string_view wanted) {
        problems.push_back(fmt::format("{} was given an empty value: it takes {}", option, wanted));
    };
    for (const auto& name : options.print)
        if (name.empty())
            empty("--print", "the name of a definition or a setting");
        else if (auto problem = print_problem(program, name))
            problems.push_back(fmt::format("--print {}: {}", name, *problem));
    for (const auto& asked : options.why_not)
        if (asked.empty())
            empty("--why-not", "a code, or the name of a rule, edit or exception");
        else if (auto problem = why_not_problem(program, asked))
            problems.push_back(fmt::format("--why-not {}: {}", asked, *problem));
    return problems;
}

std::vector<std::string> why_not(const CaseState& s, const Result& result) {
    std::vector<std::string> out;
    for (const auto& code : s.why_not_codes) {
        if (const RuleCode* rule = rule_named(s.program, code)) {
            out.push_back(why_not_rule(s, result, *rule));
            continue;
        }
        if (const Program::Disabled* d = s.program.disabled_named(code)) {
            out.push_back(fmt::format("{}: it never runs: `{}` disables the {}{}", code, d->layer,
                                      vocabulary::keyword(d->kind),
                                      d->reason.empty() ? "" : fmt::format(" ({})", d->reason)));
            continue;
        }
        if (auto problem = why_not_problem(s.program, code)) {
            out.push_back(fmt::format("{}: {}", code, *problem));
            continue;
        }
        std::vector<std::string> reasons;
        std::vector<const Line*> lines; // a code may be billed on several (95937 and 95937-59)
        for (const Line& l : result.lines)
            if (l.code == code) lines.push_back(&l);
        auto by_edit = [&](std::string_view severity) {
            for (const auto& e : result.edits)
                if (e.code == code && e.severity == severity) {
                    const RuleCode* edit = rule_named(s.program, e.rule);
                    reasons.push_back(fmt::format("{} {}", e.message,
                                                  edit ? rule_note(s.program, *edit)
                                                       : fmt::format("[{}]", e.rule)));
                }
        };
        if (!lines.empty()) {
            auto note = [&](const Line& l) {
                const RuleCode* rule = rule_named(s.program, l.rule);
                return rule ? rule_note(s.program, *rule) : fmt::format("[{}]", l.rule);
            };
            std::int64_t units = 0;
            for (const Line* l : lines)
                units += l->units;
            std::string billed =
                fmt::format("it is billed, {} {}", units, units == 1 ? "unit" : "units");
            bool one_rule = std::all_of(lines.begin(), lines.end(),
                                        [&](const Line* l) { return l->rule == lines[0]->rule; });
            if (lines.size() > 1) {
                std::vector<std::string> each;
                for (const Line* l : lines) {
                    each.push_back(billed_text(l->code, l->modifiers, l->units));
                    if (!one_rule) fmt::format_to(std::back_inserter(each.back()), " {}", note(*l));
                }
                billed += fmt::format(" on {} lines ({})", lines.size(), fmt::join(each, ", "));
            }
            reasons.push_back(one_rule ? fmt::format("{} {}", billed, note(*lines[0])) : billed);
            by_edit("deny"); // units an edit took off
            out.push_back(fmt::format("{}: {}", code, fmt::join(reasons, "; ")));
            continue;
        }
        if (result.reviewed) {
            for (const auto& l : result.unbilled)
                if (l.code == code)
                    reasons.push_back(
                        fmt::format("supported by the study but not on the submitted claim: {}",
                                    l.because.size() > 1 ? l.because[1]
                                    : l.because.empty()  ? ""
                                                         : l.because[0]));
            // What denied it: the reasons of its verdict that are denials (an `info` beside
            // them, a modifier passed through unjudged, denied nothing).
            auto denial = [&](const Reason& why) {
                return std::any_of(result.edits.begin(), result.edits.end(), [&](const Edit& e) {
                    return e.severity == "deny" && e.rule == why.rule && e.code == code &&
                           e.message == why.message;
                });
            };
            for (const auto& v : result.review)
                if (v.code == code && v.status == "denied")
                    for (const auto& why : v.reasons) {
                        if (!denial(why)) continue;
                        const RuleCode* edit = rule_named(s.program, why.rule);
                        reasons.push_back(fmt::format(
                            "the submitted {} was denied: {} {}", code, why.message,
                            edit ? rule_note(s.program, *edit) : fmt::format("[{}]", why.rule)));
                    }
            // Supported by the study, not submitted, and not advised: the policy's own claim
            // from the study denies it (a payer's per-day limit, a service not covered).
            if (reasons.empty())
                for (const auto& e : s.produced_denials)
                    if (e.code == code) {
                        const RuleCode* edit = rule_named(s.program, e.rule);
                        reasons.push_back(fmt::format(
                            "the study supports it, but on the claim this policy builds from the "
                            "study it is denied: {} {}",
                            e.message,
                            edit ? rule_note(s.program, *edit) : fmt::format("[{}]", e.rule)));
                    }
        } else {
            by_edit("deny");
        }
        if (reasons.empty()) reasons = rule_reasons(s, code);
        if (reasons.empty())
            for (const auto& d : s.program.disabled)
                if (std::find(d.codes.begin(), d.codes.end(), code) != d.codes.end())
                    reasons.push_back(
                        fmt::format("the {} that bills it, {}, never runs: `{}` disables it{}",
                                    vocabulary::keyword(d.kind), d.name, d.layer,
                                    d.reason.empty() ? "" : fmt::format(" ({})", d.reason)));
        if (reasons.empty())
            reasons.push_back(fmt::format("no rule of policy {} bills it", s.program.name));
        out.push_back(fmt::format("{}: {}", code, fmt::join(reasons, "; ")));
    }
    return out;
}

} // namespace cpl
