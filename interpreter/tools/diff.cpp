// interpreter/tools/diff.cpp — compares two checked programs declaration by declaration.
#include "interpreter/tools/diff.hpp"

#include "lang/vocabulary.hpp"

#include <fmt/format.h>
#include <map>

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

// A clause as written, on one line: a clause broken over lines (`otherwise`, a long `if`)
// reads as one. String literals cannot hold a line break, so only layout is folded.
std::string one_line(const std::string& clause) {
    std::string out;
    for (std::size_t i = 0; i < clause.size(); ++i) {
        if (clause[i] != '\n') {
            out += clause[i];
            continue;
        }
        while (i + 1 < clause.size() && clause[i + 1] == ' ')
            ++i;
        out += ' ';
    }
    return out;
}

std::string rule_text(const RuleCode& r) {
    std::string out = dates(r.effective.from, r.effective.until);
    if (!out.empty()) out = "(in effect" + out + ") ";
    for (const auto& c : r.written)
        out += (out.empty() ? "" : " | ") + one_line(c);
    return out;
}

const RuleCode* find_rule(const std::vector<RuleCode>& rules, const std::string& name) {
    for (const auto& r : rules)
        if (r.name == name) return &r;
    return nullptr;
}

void diff_rules(const std::vector<RuleCode>& base, const std::vector<RuleCode>& payer,
                const std::string& kind, std::vector<Change>& out) {
    for (const auto& r : payer) {
        const RuleCode* old = find_rule(base, r.name);
        if (!old) {
            out.push_back({kind, r.name, "added", "", rule_text(r), r.cite, r.layer});
            continue;
        }
        if (r.layer != old->layer)
            out.push_back(
                {kind, r.name, "replaced", rule_text(*old), rule_text(r), r.cite, r.layer});
        for (std::size_t i = old->exceptions.size(); i < r.exceptions.size(); ++i) {
            const RuleCode& e = r.exceptions[i];
            out.push_back({kind, r.name, "excepted", "",
                           fmt::format("exception {}: {}", e.name, rule_text(e)), e.cite, e.layer});
        }
    }
    for (const auto& r : base)
        if (!find_rule(payer, r.name))
            out.push_back({kind, r.name, "disabled", rule_text(r), "", "", ""});
}

} // namespace

std::vector<Change> diff(const Program& base, const Program& payer) {
    std::vector<Change> out;
    for (const auto& s : payer.settings) {
        const SettingCode* old = nullptr;
        for (const auto& b : base.settings)
            if (b.name == s.name) old = &b;
        std::string now = setting_text(s, payer.shapes);
        // The source is the one the payer gave with its value, not the declaration's.
        std::string cite = s.versions.back().cite.empty() ? "(restated without a citation)"
                                                          : s.versions.back().cite;
        if (!old)
            out.push_back({"setting", s.name, "added", "", now, s.cite, s.layer});
        else if (std::string then = setting_text(*old, base.shapes); then != now)
            out.push_back({"setting", s.name, "changed", then, now, cite, s.layer});
    }
    for (const auto& t : payer.tables) {
        const TableData* old = nullptr;
        for (const auto& b : base.tables)
            if (b->name == t->name) old = b.get();
        auto now = rows_of(*t, payer.shapes);
        auto then = old ? rows_of(*old, base.shapes) : decltype(now){};
        for (const auto& row : t->rows) {
            std::string key = key_text(row, payer.shapes) + dates(row.from, row.until);
            std::string value = to_text(row.value, payer.shapes, true);
            auto it = then.find(key);
            std::string name = fmt::format("{}[{}]", t->name, key);
            if (it == then.end())
                out.push_back({"table row", name, "added", "", value, row.cite, row.layer});
            else if (std::string before = to_text(it->second->value, base.shapes, true);
                     before != value)
                out.push_back({"table row", name, "changed", before, value, row.cite, row.layer});
        }
        for (const auto& [key, row] : then)
            if (!now.count(key))
                out.push_back({"table row", fmt::format("{}[{}]", t->name, key), "removed",
                               to_text(row->value, base.shapes, true), "", "", ""});
    }
    diff_rules(base.rules, payer.rules, std::string(vocabulary::keyword(ast::RuleKind::Rule)), out);
    diff_rules(base.edits, payer.edits, std::string(vocabulary::keyword(ast::RuleKind::Edit)), out);
    return out;
}

std::string render_changes(const std::vector<Change>& changes, const Program& base,
                           const Program& payer) {
    std::string out = fmt::format("policy {} against {}: {} change{}\n", payer.name, base.name,
                                  changes.size(), changes.size() == 1 ? "" : "s");
    for (const auto& c : changes) {
        out += fmt::format("\n{} {} {}{}\n", c.kind, c.name, c.action,
                           c.layer.empty() ? "" : fmt::format(" by {}", c.layer));
        if (!c.before.empty()) out += fmt::format("  - {}\n", c.before);
        if (!c.after.empty()) out += fmt::format("  + {}\n", c.after);
        if (!c.cite.empty()) out += fmt::format("  cite: {}\n", c.cite);
    }
    return out;
}

} // namespace cpl
