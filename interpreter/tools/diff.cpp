// interpreter/tools/diff.cpp — compares two checked programs declaration by declaration. A
// rule or edit the payer replaced or restated is compared inside: its description, dates,
// clauses (as a line diff, unchanged clauses kept as context) and cite.
#include "interpreter/tools/diff.hpp"

#include "interpreter/program/reads.hpp"
#include "interpreter/tools/line_diff.hpp"
#include "lang/utf8.hpp"
#include "lang/vocabulary.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <optional>

namespace cpl {

namespace {

std::string dates(const std::string& from, const std::string& until) {
    if (from.empty() && until.empty()) return "";
    if (until.empty()) return fmt::format(" from {}", from);
    if (from.empty()) return fmt::format(" until {}", until);
    return fmt::format(" from {} until {}", from, until);
}

std::string setting_text(const SettingCode& s, const std::vector<Shape>& shapes) {
    std::string out;
    for (const auto& v : s.versions) {
        if (!out.empty()) out += "; ";
        out += to_text(v.value, shapes, true) + dates(v.effective.from, v.effective.until);
    }
    return out;
}

// Whether every version of both settings has the one value: then no date of service reads
// another, however the payer dated its restatement (`4 from 2023-01-01` over `4`).
bool same_value_on_every_date(const SettingCode& base, const std::vector<Shape>& base_shapes,
                              const SettingCode& payer, const std::vector<Shape>& payer_shapes) {
    if (base.versions.empty()) return false;
    std::string value = to_text(base.versions.front().value, base_shapes, true);
    auto same = [&](const SettingVersionCode& v, const std::vector<Shape>& shapes) {
        return to_text(v.value, shapes, true) == value;
    };
    return std::all_of(base.versions.begin(), base.versions.end(),
                       [&](const auto& v) { return same(v, base_shapes); }) &&
           std::all_of(payer.versions.begin(), payer.versions.end(),
                       [&](const auto& v) { return same(v, payer_shapes); });
}

bool undated(const TableRowData& row) {
    return row.from.empty() && row.until.empty();
}

// The citations `layer` gave with its versions of a setting, each once: a restatement cited
// with one value (`4 cite "Payer manual 3.2"`) and dated without one (`6 from "2024-01-01"`)
// is still cited.
std::string cites_of(const SettingCode& s, const std::string& layer) {
    std::vector<std::string> cites;
    for (const auto& v : s.versions)
        if (v.layer == layer && !v.cite.empty() &&
            std::find(cites.begin(), cites.end(), v.cite) == cites.end())
            cites.push_back(v.cite);
    std::string out;
    for (const auto& c : cites)
        out += (out.empty() ? "" : "; ") + c;
    return out;
}

// Whether `row` is part of a range of numbers: undated, and with its bounds and value.
bool number_range(const TableRowData& row) {
    return row.is_range && !row.string_range && undated(row);
}

// The rows of `table` that hold on every date of service, indexed for look-up. A dated version
// of a key (`3 => 95863 from "2020-01-01"`) holds it only on its dates: it neither keeps nor
// takes over a key of a base's row, and the table's other rows compare as if it were not there.
TableData rows_on_every_date(const TableData& table) {
    TableData out;
    out.name = table.name;
    for (const auto& row : table.rows)
        if (undated(row)) out.rows.push_back(row);
    out.index();
    return out;
}

// The part of a base's range of numbers a payer kept whole, with its value: what is left of
// `1..4 => 10` after `remove 2` (`1..1` and `3..4`) is no change.
bool part_of_base_range(const TableData& base, const TableRowData& row,
                        const std::vector<Shape>& base_shapes,
                        const std::vector<Shape>& payer_shapes) {
    if (!number_range(row)) return false;
    for (const auto& r : base.rows)
        if (number_range(r) && r.low <= row.low && row.high <= r.high &&
            to_text(r.value, base_shapes, true) == to_text(row.value, payer_shapes, true))
            return true;
    return false;
}

// The numbers of the base's range row `range` that find no row of the payer's table (its rows
// on every date): the keys a `remove` took out of it, as ranges (`2..2`, `6..7`, `13..`).
std::vector<std::pair<std::int64_t, std::int64_t>> numbers_gone(const TableRowData& range,
                                                                const TableData& payer) {
    std::vector<std::pair<std::int64_t, std::int64_t>> kept;
    for (const auto& row : payer.rows) {
        if (number_range(row))
            kept.emplace_back(row.low, row.high);
        else if (!row.is_range)
            for (const Value& k : row.keys)
                if (k.kind == Kind::Number) kept.emplace_back(k.number, k.number);
    }
    std::sort(kept.begin(), kept.end());
    std::vector<std::pair<std::int64_t, std::int64_t>> gone;
    std::int64_t next = range.low; // the lowest number of the range not yet placed
    bool done = false;
    for (const auto& [low, high] : kept) {
        if (done || high < next || low > range.high) continue;
        if (low > next) gone.emplace_back(next, low - 1);
        if (high >= range.high)
            done = true;
        else
            next = high + 1;
    }
    if (!done) gone.emplace_back(next, range.high);
    return gone;
}

std::string key_text(const TableRowData& row, const std::vector<Shape>& shapes) {
    if (row.is_range) return range_text(row);
    std::string out = to_text(row.keys.at(0), shapes, true);
    for (std::size_t i = 1; i < row.keys.size(); ++i)
        out += ", " + to_text(row.keys[i], shapes, true);
    return out;
}

// Rows by key and dates, so a new dated version of a row reads as an added row.
std::map<std::string, const TableRowData*> rows_of(const TableData& t,
                                                   const std::vector<Shape>& shapes) {
    std::map<std::string, const TableRowData*> out;
    for (const auto& row : t.rows)
        out[key_text(row, shapes) + dates(row.from, row.until)] = &row;
    return out;
}

std::vector<std::string> clauses_of(const RuleCode& r) {
    std::vector<std::string> out;
    for (const auto& c : r.written)
        out.push_back(one_line(c));
    return out;
}

std::string in_effect(const Effective& e) {
    std::string d = dates(e.from, e.until);
    return d.empty() ? "always" : d.substr(1);
}

// The whole rule on one line (the `before`/`after` of a Change, for tools).
std::string rule_text(const RuleCode& r) {
    std::string out;
    if (r.effective.dated()) out = "(in effect " + in_effect(r.effective) + ")";
    for (const auto& c : clauses_of(r))
        out += (out.empty() ? "" : " | ") + c;
    return out;
}

// "  what:", "    - before", "    + after" when the two differ ("(none)" for an empty side).
void field_change(std::vector<std::string>& out, std::string_view what, const std::string& before,
                  const std::string& after) {
    if (before == after) return;
    out.push_back(fmt::format("{}:", what));
    out.push_back("  - " + (before.empty() ? std::string("(none)") : before));
    out.push_back("  + " + (after.empty() ? std::string("(none)") : after));
}

// A new rule, edit or exception: its description, dates, place and each clause.
std::vector<std::string> added_details(const RuleCode& r) {
    std::vector<std::string> out;
    if (!r.doc.empty()) out.push_back("description: " + r.doc);
    if (r.effective.dated()) out.push_back("in effect: " + in_effect(r.effective));
    if (!r.placement.empty()) out.push_back("runs: " + r.placement);
    for (const auto& c : clauses_of(r))
        out.push_back("+ " + c);
    return out;
}

// What changed inside a replaced or restated rule; cite last, as it is written last.
std::vector<std::string> changed_details(const RuleCode& old, const RuleCode& now) {
    std::vector<std::string> out;
    field_change(out, "description", old.doc, now.doc);
    field_change(out, "in effect", in_effect(old.effective), in_effect(now.effective));
    std::vector<std::string> before = clauses_of(old), after = clauses_of(now);
    if (before != after) {
        out.push_back("clauses:");
        for (auto& line : line_diff(before, after))
            out.push_back("  " + line);
    }
    field_change(out, "cite", old.cite, now.cite);
    return out;
}

const RuleCode* find_rule(const std::vector<RuleCode>& rules, const std::string& name) {
    for (const auto& r : rules)
        if (r.name == name) return &r;
    return nullptr;
}

void diff_rules(const std::vector<RuleCode>& base, const std::vector<RuleCode>& payer,
                const Program& payer_program, const std::string& kind, std::vector<Change>& out) {
    for (const auto& r : payer) {
        const RuleCode* old = find_rule(base, r.name);
        if (!old) {
            out.push_back(
                {kind, r.name, "added", "", rule_text(r), r.cite, r.layer, added_details(r)});
            continue;
        }
        std::optional<std::size_t> replaced_at;
        if (r.layer != old->layer) {
            // An override without clauses keeps the base's: a restatement.
            replaced_at = out.size();
            out.push_back({kind, r.name, "replaced", rule_text(*old), rule_text(r), r.cite, r.layer,
                           changed_details(*old, r), r.written == old->written});
        }
        auto excepted = [&](const RuleCode& e) {
            std::string head = "exception " + e.name + (e.per.empty() ? "" : " per " + e.per);
            std::vector<std::string> details = added_details(e);
            details.insert(details.begin(), head + ":");
            out.push_back({kind, r.name, "excepted", "", fmt::format("{}: {}", head, rule_text(e)),
                           e.cite, e.layer, std::move(details)});
        };
        // Exceptions and narrowings are the base's when the base has one of that name (or, for
        // a narrowing, that layer and those clauses): an override drops the base's and starts
        // the list anew, so they are not matched by their place in it.
        auto same_exception = [](const RuleCode& a, const RuleCode& b) {
            return a.name == b.name && a.layer == b.layer;
        };
        auto same_narrowing = [](const NarrowingCode& a, const NarrowingCode& b) {
            return a.layer == b.layer && a.written == b.written;
        };
        auto in = [](const auto& list, const auto& x, auto same) {
            return std::any_of(list.begin(), list.end(), [&](const auto& y) { return same(x, y); });
        };
        if (replaced_at) {
            // What the replaced one had that this one no longer runs
            // (check.override_drops_changes).
            Change& replaced = out[*replaced_at];
            for (const auto* list : {&old->exceptions, &old->element_exceptions})
                for (const RuleCode& e : *list)
                    if (!in(r.exceptions, e, same_exception) &&
                        !in(r.element_exceptions, e, same_exception))
                        replaced.details.push_back(fmt::format(
                            "drops exception `{}` of `{}`: it no longer runs", e.name, e.layer));
            for (const NarrowingCode& n : old->narrowings)
                if (!in(r.narrowings, n, same_narrowing))
                    replaced.details.push_back(
                        fmt::format("drops a narrowing of `{}`: it no longer applies", n.layer));
        }
        for (const auto* list : {&r.exceptions, &r.element_exceptions})
            for (const RuleCode& e : *list)
                if (!in(old->exceptions, e, same_exception) &&
                    !in(old->element_exceptions, e, same_exception))
                    excepted(e);
        for (const NarrowingCode& n : r.narrowings) {
            if (in(old->narrowings, n, same_narrowing)) continue;
            std::vector<std::string> details;
            if (!n.doc.empty()) details.push_back("description: " + n.doc);
            if (n.effective.dated()) details.push_back("in effect: " + in_effect(n.effective));
            std::string text;
            for (const auto& c : n.written) {
                details.push_back("+ " + one_line(c));
                text += (text.empty() ? "" : " | ") + one_line(c);
            }
            out.push_back(
                {kind, r.name, "narrowed", "", text, n.cite, n.layer, std::move(details)});
        }
    }
    // A disabled one: who disabled it and why (the `disable`'s reason), then the clauses that
    // no longer run, one a line.
    for (const auto& r : base) {
        if (find_rule(payer, r.name)) continue;
        std::string layer;
        std::vector<std::string> details;
        if (const auto* d = payer_program.disabled_named(r.name)) {
            layer = d->layer;
            if (!d->reason.empty()) details.push_back("reason: " + d->reason);
        }
        for (const auto& c : clauses_of(r))
            details.push_back("- " + c);
        out.push_back({kind, r.name, "disabled", rule_text(r), "", "", layer, std::move(details)});
    }
}

// A definition as written, on one line: `name(params) = body` (its description apart).
std::string def_text(const Program& program, const DefCode& d) {
    std::string head = d.name;
    if (d.is_function) {
        const Span& name = d.span;
        Span between{name.file, name.end, d.body.span.begin};
        std::string rest = written_text(program, between);
        std::size_t close = rest.find(')');
        head +=
            rest.starts_with("(") && close != std::string::npos ? rest.substr(0, close + 1) : "(…)";
    }
    return one_line(head + " = " + written_text(program, d.body.span));
}

void diff_defs(const Program& base, const Program& payer, std::vector<Change>& out) {
    auto find = [](const Program& p, const std::string& name) -> const DefCode* {
        for (const auto& d : p.defs)
            if (d.name == name) return &d;
        return nullptr;
    };
    for (const auto& d : payer.defs) {
        std::string now = def_text(payer, d);
        const DefCode* old = find(base, d.name);
        if (!old) {
            std::vector<std::string> details;
            if (!d.doc.empty()) details.push_back("description: " + d.doc);
            details.push_back("+ " + now);
            out.push_back({"definition", d.name, "added", "", now, "", payer.name, details});
            continue;
        }
        std::string then = def_text(base, *old);
        if (then == now && old->doc == d.doc) continue;
        std::vector<std::string> details;
        field_change(details, "description", old->doc, d.doc);
        if (then != now) {
            details.push_back("- " + then);
            details.push_back("+ " + now);
        }
        out.push_back({"definition", d.name, "changed", then, now, "", payer.name, details});
    }
    for (const auto& d : base.defs)
        if (!find(payer, d.name))
            out.push_back({"definition", d.name, "removed", def_text(base, d), "", "", "", {}});
}

// A source as the results and `cpl doc` show it.
std::string source_text(const SourceCode& s) {
    std::string out = s.title;
    for (const std::string* part : {&s.publisher, &s.date, &s.link})
        if (!part->empty()) out += "; " + *part;
    return out + (s.verified ? " (verified)" : " (unverified)");
}

// The dates of service each codes, and the sources a payer added or declared again: both
// change what results say (a case dated outside is refused; a source's words and whether it
// was verified are printed with every line that cites it).
// The layer (or the two) whose header moved the bound that differs from the base's.
std::string dates_changed_by(const Effective& base, const Program& payer) {
    bool from = base.from != payer.service_dates.from;
    bool until = base.until != payer.service_dates.until;
    const std::string& from_layer = payer.service_dates_from_layer;
    const std::string& until_layer = payer.service_dates_until_layer;
    if (from && until && from_layer != until_layer) return from_layer + " and " + until_layer;
    return from ? from_layer : until_layer;
}

void diff_header(const Program& base, const Program& payer, std::vector<Change>& out) {
    if (in_effect(base.service_dates) != in_effect(payer.service_dates))
        out.push_back({"dates of service",
                       "",
                       "changed",
                       in_effect(base.service_dates),
                       in_effect(payer.service_dates),
                       "",
                       dates_changed_by(base.service_dates, payer),
                       {}});
    for (const auto& s : payer.bibliography) {
        const SourceCode* old = nullptr;
        for (const auto& b : base.bibliography)
            if (b.key == s.key) old = &b;
        if (!old)
            out.push_back({"source", s.key, "added", "", source_text(s), "", s.layer, {}});
        else if (source_text(*old) != source_text(s))
            out.push_back(
                {"source", s.key, "changed", source_text(*old), source_text(s), "", s.layer, {}});
    }
}

// One key of a payer's row of several keys: a change of the base's row that held it (none
// when the value is the same), or an addition when no row did.
void key_of_row(std::vector<Change>& out, const TableData& table, const TableRowData& row,
                const Value& key, const TableRowData* held, const Program& base,
                const Program& payer) {
    std::string name = fmt::format("{}[{}]", table.name, to_text(key, payer.shapes, true));
    std::string value = to_text(row.value, payer.shapes, true);
    if (!held) {
        out.push_back({"table row", name, "added", "", value, row.cite, row.layer, {}});
        return;
    }
    std::string before = to_text(held->value, base.shapes, true);
    if (before == value) return;
    std::vector<std::string> details = {
        "- " + before, "+ " + value,
        fmt::format("restated by the row `{}`", key_text(row, payer.shapes))};
    if (held->keys.size() > 1)
        details.push_back(fmt::format("the base's row `{}` held this key, and keeps its others",
                                      key_text(*held, base.shapes)));
    out.push_back({"table row", name, "changed", before, value, row.cite, row.layer, details});
}

} // namespace

std::vector<Change> diff(const Program& base, const Program& payer) {
    std::vector<Change> out;
    diff_header(base, payer, out);
    for (const auto& s : payer.settings) {
        const SettingCode* old = nullptr;
        for (const auto& b : base.settings)
            if (b.name == s.name) old = &b;
        std::string now = setting_text(s, payer.shapes);
        // The source is the one the layer that changed it gave with its values, not the
        // declaration's.
        std::string payer_cite = cites_of(s, s.layer);
        std::string cite = payer_cite.empty() ? "(restated without a citation)" : payer_cite;
        if (!old)
            out.push_back({"setting", s.name, "added", "", now, s.cite, s.layer, {}});
        else if (std::string then = setting_text(*old, base.shapes);
                 then != now && !same_value_on_every_date(*old, base.shapes, s, payer.shapes))
            out.push_back({"setting", s.name, "changed", then, now, cite, s.layer, {}});
        else if (s.versions.back().layer == payer.name && old->versions.back().layer != payer.name)
            // The same value, restated with the payer's own citation: results cite it. Without
            // one, the restatement changes nothing, and is said so (not "cited").
            out.push_back({"setting",
                           s.name,
                           payer_cite.empty() ? "restated unchanged" : "cited",
                           "",
                           now,
                           payer_cite,
                           s.layer,
                           {}});
    }
    for (const auto& t : payer.tables) {
        const TableData* old = nullptr;
        for (const auto& b : base.tables)
            if (b->name == t->name) old = b.get();
        auto now = rows_of(*t, payer.shapes);
        auto then = old ? rows_of(*old, base.shapes) : decltype(now){};
        TableData every_date = rows_on_every_date(*t);
        for (std::uint32_t i = 0; i < t->rows.size(); ++i) {
            const TableRowData& row = t->rows[i];
            std::string key = key_text(row, payer.shapes) + dates(row.from, row.until);
            std::string value = to_text(row.value, payer.shapes, true);
            auto it = then.find(key);
            std::string name = fmt::format("{}[{}]", t->name, key);
            if (it == then.end()) {
                // A row of several keys (`95885, 95887 => 1`) restating keys the base holds:
                // each key is a change of the base's row that held it, or an addition.
                if (old && !old->dated && undated(row) && !row.is_range && row.keys.size() > 1 &&
                    std::any_of(row.keys.begin(), row.keys.end(),
                                [&](const Value& k) { return old->find(k, "") != nullptr; })) {
                    for (const Value& k : row.keys)
                        key_of_row(out, *t, row, k, old->find(k, ""), base, payer);
                    continue;
                }
                // A key the base held in a range (`1..4 => 3`, then `2 => 9`) or among the keys
                // of one row: the payer's row takes it over, and its value changes.
                const TableRowData* held = nullptr;
                if (old && !old->dated && undated(row) && !row.is_range && row.keys.size() == 1)
                    held = old->find(row.keys[0], "");
                if (!held && old && part_of_base_range(*old, row, base.shapes, payer.shapes))
                    continue;
                if (!held) {
                    out.push_back({"table row", name, "added", "", value, row.cite, row.layer, {}});
                } else if (std::string before = to_text(held->value, base.shapes, true);
                           before != value) {
                    out.push_back({"table row",
                                   name,
                                   "changed",
                                   before,
                                   value,
                                   row.cite,
                                   row.layer,
                                   {"- " + before, "+ " + value,
                                    fmt::format("the base's row `{}` held this key, and keeps "
                                                "its others",
                                                key_text(*held, base.shapes))}});
                }
                continue;
            }
            std::string before = to_text(it->second->value, base.shapes, true);
            if (before == value) continue;
            Change change{"table row", name, "changed", before, value, row.cite, row.layer, {}};
            // A row as the base wrote it changes only through a setting its value reads:
            // the change is the layer's that restated the setting, not the base's.
            if (auto read = payer.row_settings.find({t->name, i});
                read != payer.row_settings.end() && row.layer != payer.name)
                for (std::uint32_t slot : read->second) {
                    const SettingCode& setting = payer.settings[slot];
                    if (setting.versions.back().layer == row.layer) continue;
                    change.layer = setting.versions.back().layer;
                    change.details = {"- " + before, "+ " + value,
                                      fmt::format("through setting `{}`, which `{}` restated; "
                                                  "the row as written is `{}`'s",
                                                  setting.name, change.layer, row.layer)};
                    break;
                }
            out.push_back(std::move(change));
        }
        // A `replace table` that describes or cites the table anew (its rows are listed below).
        if (old && (old->doc != t->doc || old->cite != t->cite)) {
            std::vector<std::string> details;
            if (old->doc != t->doc)
                details.insert(details.end(),
                               {"- description: " + old->doc, "+ description: " + t->doc});
            if (old->cite != t->cite)
                details.insert(details.end(), {"- cite: " + old->cite, "+ cite: " + t->cite});
            out.push_back(
                {"table", t->name, "described", old->doc, t->doc, "", t->described_by, details});
        }
        // A payer that fixed a table of its base: the policies over it may no longer change it.
        if (!t->fixed_by.empty() && (!old || old->fixed_by != t->fixed_by))
            out.push_back({"table",
                           t->name,
                           "fixed",
                           "",
                           "",
                           "",
                           t->fixed_by,
                           {"the policies that extend it may not change its rows"}});
        for (const auto& entry : then) {
            const std::string& key = entry.first;
            const TableRowData* row = entry.second; // named: a lambda cannot take a binding
            if (now.count(key)) continue;
            auto removed = [&](const std::string& which) {
                out.push_back({"table row",
                               fmt::format("{}[{}]", t->name, which),
                               "removed",
                               to_text(row->value, base.shapes, true),
                               "",
                               "",
                               "",
                               {}});
            };
            // A row of several keys that a payer took some of, or removed some of, keeps the
            // others: only the keys that find no row now are removed (one taken over is
            // reported above).
            std::vector<std::string> gone;
            if (number_range(*row)) {
                auto numbers = numbers_gone(*row, every_date);
                bool whole = numbers.size() == 1 && numbers[0].first == row->low &&
                             numbers[0].second == row->high;
                if (!whole) {
                    for (const auto& [low, high] : numbers) {
                        TableRowData part;
                        part.is_range = low != high;
                        part.low = low;
                        part.high = high;
                        removed(low == high ? std::to_string(low) : range_text(part));
                        out.back().details = {
                            "- " + out.back().before,
                            fmt::format("the base's row `{}` held {}, and keeps its others", key,
                                        low == high ? "this key" : "these keys")};
                    }
                    continue;
                }
            }
            // A key a payer's row of several keys restated is found there: not removed.
            if (undated(*row) && !row->is_range) {
                for (const Value& k : row->keys)
                    if (!every_date.find(k)) gone.push_back(to_text(k, base.shapes, true));
                if (gone.size() < row->keys.size()) {
                    for (const std::string& k : gone)
                        removed(k);
                    continue;
                }
            }
            removed(key);
        }
    }
    diff_defs(base, payer, out);
    diff_rules(base.rules, payer.rules, payer,
               std::string(vocabulary::keyword(ast::RuleKind::Rule)), out);
    diff_rules(base.edits, payer.edits, payer,
               std::string(vocabulary::keyword(ast::RuleKind::Edit)), out);
    // A payer's own requirements (a base's cannot be removed): for the policies extending it.
    for (const auto& r : payer.requirements)
        if (std::none_of(base.requirements.begin(), base.requirements.end(),
                         [&](const RequirementCode& b) {
                             return b.layer == r.layer && b.condition == r.condition;
                         }))
            out.push_back(
                {"requirement", r.condition, "added", "", "because " + r.reason, "", r.layer, {}});
    return out;
}

// Each text a policy wrote is shown through `printable`: a description's line break or a
// control character would otherwise break the layout or drive the terminal. Backslashes are
// kept: clauses are shown as written, with their escapes.
std::string render_changes(const std::vector<Change>& changes, const Program& base,
                           const Program& payer) {
    auto shown = [](std::string_view text) { return printable(text, true); };
    std::string out = fmt::format("policy {} against {}: {} change{}\n", payer.name, base.name,
                                  changes.size(), changes.size() == 1 ? "" : "s");
    for (const auto& c : changes) {
        out += fmt::format("\n{}{}{} {}{}\n", c.kind, c.name.empty() ? "" : " ", shown(c.name),
                           c.restated ? "restated" : c.action,
                           c.layer.empty() ? "" : fmt::format(" by {}", c.layer));
        if (c.restated) out += "  (its clauses are the base's, unchanged)\n";
        for (const auto& line : c.details)
            out += fmt::format("  {}\n", shown(line));
        if (c.restated && c.details.empty())
            out += "  (its description, dates and cite are the base's too: it changes nothing)\n";
        if (c.details.empty() && !c.restated) {
            if (!c.before.empty()) out += fmt::format("  - {}\n", shown(c.before));
            if (!c.after.empty()) out += fmt::format("  + {}\n", shown(c.after));
        }
        // A replaced or restated rule shows its cite among what changed inside it.
        bool cite_shown = c.action == "replaced";
        if (!c.cite.empty() && !cite_shown) out += fmt::format("  cite: {}\n", shown(c.cite));
    }
    return out;
}

} // namespace cpl
