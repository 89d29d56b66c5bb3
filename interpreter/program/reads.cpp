// interpreter/program/reads.cpp — the text of a node, and the settings a rule reads.
#include "interpreter/program/reads.hpp"

#include <algorithm>
#include <cctype>

namespace cpl {

std::string written_text(const Program& program, const Span& span) {
    if (!program.sources) return "";
    std::string_view all = program.sources->get(span.file).text();
    if (span.end > all.size() || span.begin > span.end) return "";
    std::string_view s(all.data() + span.begin, span.end - span.begin);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return std::string(s);
}

std::string one_line(std::string_view text) {
    // What is being read: code, or a string literal; a string's `{…}` is code again.
    enum class In { code, string };
    std::vector<In> open = {In::code};
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (open.back() == In::string) {
            out += c;
            if (c == '\\' && i + 1 < text.size()) out += text[++i];
            if (c == '"') open.pop_back();
            if (c == '{') open.push_back(In::code);
            continue;
        }
        if (c == '#') { // a comment, to the end of its line: no part of the expression
            while (i + 1 < text.size() && text[i + 1] != '\n')
                ++i;
            while (!out.empty() && out.back() == ' ')
                out.pop_back();
            continue;
        }
        if (c == '\n') {
            while (i + 1 < text.size() && text[i + 1] == ' ')
                ++i;
            // `f(\n  x\n)` reads `f(x)`: no blank inside brackets or before a comma.
            char next = i + 1 < text.size() ? text[i + 1] : ' ';
            bool tight = next == ')' || next == ']' || next == ',' ||
                         (!out.empty() && (out.back() == '(' || out.back() == '['));
            if (!out.empty() && out.back() != ' ' && !tight) out += ' ';
            continue;
        }
        out += c;
        if (c == '"') open.push_back(In::string);
        if (c == '}' && open.size() > 1) open.pop_back();
    }
    return out;
}

namespace {

struct Reader {
    const Program& program;
    std::vector<std::uint32_t> settings;
    std::vector<bool> defs_seen = std::vector<bool>(program.defs.size(), false);

    void add(std::uint32_t slot) {
        if (std::find(settings.begin(), settings.end(), slot) == settings.end())
            settings.push_back(slot);
    }

    void node(const Node& n) {
        switch (n.op) {
        case Op::DatedSetting:
            add(n.slot);
            break;
        case Op::Const:
            // An undated setting is folded to its value, alone or in a larger constant.
            if (const auto* folded = program.settings_folded_at(n.span))
                for (std::uint32_t slot : *folded)
                    add(slot);
            if (n.constant.kind == Kind::Table) table(*n.constant.table);
            break;
        case Op::Def:
        case Op::CallDef:
            if (n.slot < defs_seen.size() && !defs_seen[n.slot]) {
                defs_seen[n.slot] = true;
                node(program.defs[n.slot].body);
            }
            break;
        default:
            break;
        }
        for (const auto& kid : n.kids)
            node(kid);
    }

    // A table whose rows' values read settings (`1..4 => limit`): a look-up in it may read
    // any of them.
    void table(const TableData& t) {
        for (auto it = program.row_settings.lower_bound({t.name, 0});
             it != program.row_settings.end() && it->first.first == t.name; ++it)
            for (std::uint32_t slot : it->second)
                add(slot);
    }

    void rule(const RuleCode& r) {
        for (const auto& c : r.clauses) {
            node(c.expr);
            if (c.units) node(*c.units);
            if (c.modifiers) node(*c.modifiers);
            if (c.otherwise) node(*c.otherwise);
        }
        for (const auto* exceptions : {&r.exceptions, &r.element_exceptions})
            for (const auto& e : *exceptions)
                rule(e);
    }
};

} // namespace

std::vector<std::uint32_t> settings_read(const Program& program, const RuleCode& rule) {
    Reader reader{program, {}};
    reader.rule(rule);
    return std::move(reader.settings);
}

const SettingVersionCode* version_on(const SettingCode& setting, std::string_view date) {
    for (auto it = setting.versions.rbegin(); it != setting.versions.rend(); ++it)
        if (it->effective.holds(date)) return &*it;
    return nullptr;
}

} // namespace cpl
