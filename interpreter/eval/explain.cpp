// interpreter/eval/explain.cpp — why a line or an edit is there (`because` trails, under
// --explain) and why a code is not (--why-not).
#include "interpreter/case/case_schema.hpp"
#include "interpreter/eval/case_state.hpp"
#include "lang/vocabulary.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

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
    if (v.kind != Kind::Record) return to_text(v, program.shapes, false);
    if (v.size == shape_line)
        return fmt::format("{} x{}", v.items[line_field::code].str(),
                           v.items[line_field::units].number);
    if (auto label = record_label(v)) return *label;
    return to_text(v, program.shapes, true);
}

// The expression as the policy wrote it.
std::string source_of(const Program& program, const Node& n) {
    const std::string& all = program.sources->get(n.span.file).text();
    if (n.span.end > all.size() || n.span.begin > n.span.end) return "";
    std::string_view s(all.data() + n.span.begin, n.span.end - n.span.begin);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return std::string(s);
}

// Whether a bill clause can produce `code`: the code itself, or a look-up in a table
// one of whose values is the code.
bool may_bill(const ClauseCode& c, std::string_view code) {
    if (c.kind != ast::ClauseKind::Bill) return false;
    const Node& n = c.expr;
    if (n.op == Op::Const) return n.constant.kind == Kind::String && n.constant.str() == code;
    if (n.op == Op::Index && n.kids[0].op == Op::Const && n.kids[0].constant.kind == Kind::Table)
        for (const auto& row : n.kids[0].constant.table->rows)
            if (row.value.kind == Kind::String && row.value.str() == code) return true;
    return false;
}

} // namespace

// A condition as written, then the facts it rests on: each side of a comparison and
// every definition it names, summarised for a reader.
std::string explain_condition(CaseState& s, const ClauseCode& c) {
    const Program& program = s.program;
    const Node& n = c.expr;
    std::vector<std::string> facts;
    switch (n.op) {
    case Op::Eq:
    case Op::Ne:
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
    case Op::In:
    case Op::NotIn:
        if (n.kids[0].op != Op::Def)
            facts.push_back(fmt::format("{} is {}", source_of(program, n.kids[0]),
                                        summary(program, s.expr.eval(n.kids[0]))));
        if (n.kids[1].op != Op::Const && n.kids[1].op != Op::Def)
            facts.push_back(fmt::format("{} is {}", source_of(program, n.kids[1]),
                                        summary(program, s.expr.eval(n.kids[1]))));
        break;
    default:
        break;
    }
    std::vector<std::uint32_t> defs;
    collect_defs(n, defs);
    for (auto slot : defs)
        facts.push_back(
            fmt::format("{} is {}", program.defs[slot].name, summary(program, s.expr.def(slot))));
    const std::string when = std::string(vocabulary::clause(ast::ClauseKind::When).keyword) + " ";
    std::string source = c.source.starts_with(when) ? c.source.substr(when.size()) : c.source;
    return facts.empty() ? source : fmt::format("{} ({})", source, fmt::join(facts, "; "));
}

// Why the running rule made or added to a line: its description (or, when the line is
// already explained, which rule adds to it), then the clauses that held.
void add_because(CaseState& s, std::vector<std::string>& because) {
    if (!because.empty())
        because.push_back(fmt::format("and, by rule {}:", s.rule->name));
    else if (!s.rule->doc.empty())
        because.push_back(s.rule->doc);
    because.insert(because.end(), s.trail.begin(), s.trail.end());
}

// For each code asked about: billed, removed by an edit, or where each rule that could
// bill it stopped (recorded in `stops` as the rules ran).
std::vector<std::string> why_not(const CaseState& s, const Result& result) {
    std::vector<std::string> out;
    for (const auto& code : s.why_not_codes) {
        bool billed = std::any_of(result.lines.begin(), result.lines.end(),
                                  [&](const Line& l) { return l.code == code; });
        if (billed) {
            out.push_back(fmt::format("{}: it is billed (see its line)", code));
            continue;
        }
        std::vector<std::string> reasons;
        for (const auto& e : result.edits)
            if (e.code == code && e.severity == "deny")
                reasons.push_back(fmt::format("edit {} removed it: {}", e.rule, e.message));
        for (const auto& rule : s.program.rules) {
            if (!std::any_of(rule.clauses.begin(), rule.clauses.end(),
                             [&](const ClauseCode& c) { return may_bill(c, code); }))
                continue;
            std::string name =
                rule.doc.empty() ? rule.name : fmt::format("{} ({})", rule.name, rule.doc);
            if (!rule.effective.holds(s.context.date)) {
                reasons.push_back(
                    fmt::format("rule {} is not in effect on {}", name, s.context.date));
                continue;
            }
            auto stop = std::find_if(s.stops.begin(), s.stops.end(),
                                     [&](const auto& st) { return st.first == &rule; });
            if (stop != s.stops.end())
                reasons.push_back(
                    fmt::format("rule {} did not apply: {} does not hold", name, stop->second));
            else
                reasons.push_back(fmt::format("rule {} applied but billed another code", name));
        }
        if (reasons.empty())
            reasons.push_back(fmt::format("no rule of policy {} bills it", s.program.name));
        out.push_back(fmt::format("{}: {}", code, fmt::join(reasons, "; ")));
    }
    return out;
}

} // namespace cpl
