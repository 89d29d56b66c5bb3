// interpreter/program/disabled.cpp — `disabled_billing`: the codes only disabled rules bill.
// A payer that disables a billing rule (`disable rule needle_emg_complete_without_ncs "…"`)
// leaves its codes unbilled; review then says so, not that the study does not support them.
#include "interpreter/program/program.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace cpl {

namespace {

// The codes `code` (a `bill` clause's) may be: false when not all are known before a case.
bool codes_of(const Node& code, std::vector<std::string_view>& out) {
    switch (code.op) {
    case Op::Const:
        if (code.constant.kind != Kind::String) return false;
        out.push_back(code.constant.str());
        return true;
    case Op::If: // kids: condition, then, else (`first` is compiled to these too)
        return code.kids.size() == 3 && codes_of(code.kids[1], out) && codes_of(code.kids[2], out);
    case Op::Index:
        if (code.kids.size() != 2 || code.kids[0].op != Op::Const ||
            code.kids[0].constant.kind != Kind::Table)
            return false;
        for (const TableRowData& row : code.kids[0].constant.table->rows) {
            if (row.value.kind != Kind::String) return false;
            out.push_back(row.value.str());
        }
        return true;
    default:
        return false;
    }
}

// The codes the rules that run may bill, their exceptions' included; false when one may bill
// a code known only with the case (`bill line.code`).
bool codes_billed(const std::vector<RuleCode>& rules, std::vector<std::string_view>& out) {
    for (const RuleCode& rule : rules) {
        for (const ClauseCode& clause : rule.clauses)
            if (clause.kind == ast::ClauseKind::Bill && !codes_of(clause.expr, out)) return false;
        if (!codes_billed(rule.exceptions, out) || !codes_billed(rule.element_exceptions, out))
            return false;
    }
    return true;
}

} // namespace

void Program::index_disabled() {
    TableData& table = *disabled_billing;
    table.name = "disabled_billing";
    table.doc = "The codes only rules a policy disabled would bill";
    table.cite = "the `disable rule` declarations of the policy and the policies it extends";
    table.rows.clear();
    // A code a rule that runs may still bill is not one "billed by no rule"; when a rule may
    // bill any code, no code can be said to be.
    std::vector<std::string_view> still_billed;
    if (disabled.empty() || !codes_billed(rules, still_billed)) {
        table.index();
        return;
    }
    // One row a code, in the order the layers disabled its rules, one text each rule.
    struct Entry {
        std::string code, layer;
        std::vector<std::string> texts;
    };
    std::vector<Entry> entries;
    for (const Disabled& d : disabled) {
        if (d.kind != ast::RuleKind::Rule) continue;
        for (const std::string& code : d.codes) {
            if (std::find(still_billed.begin(), still_billed.end(), code) != still_billed.end())
                continue;
            auto entry = std::find_if(entries.begin(), entries.end(),
                                      [&](const Entry& e) { return e.code == code; });
            if (entry == entries.end()) entry = entries.insert(entries.end(), {code, d.layer, {}});
            entry->texts.push_back(
                fmt::format("rule `{}`, which bills it, is disabled by policy {}{}", d.name,
                            d.layer, d.reason.empty() ? "" : fmt::format(" ({})", d.reason)));
        }
    }
    for (const Entry& entry : entries) {
        TableRowData row;
        row.keys.push_back(Value::of_string(constants->copy(entry.code)));
        row.value =
            Value::of_string(constants->copy(fmt::format("{}", fmt::join(entry.texts, "; "))));
        // No cite: the value is the `disable` declaration itself, which --explain need not
        // ask a verified source for.
        row.layer = entry.layer;
        table.rows.push_back(std::move(row));
    }
    table.index();
}

} // namespace cpl
