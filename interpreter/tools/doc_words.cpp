// interpreter/tools/doc_words.cpp — clauses and expressions in words for `cpl doc`
// (doc_words.hpp). Works on the checked program's nodes, so a name is read through what it
// resolved to: a definition's description, a setting's value, a table's description.
#include "interpreter/tools/doc_words.hpp"

#include "interpreter/program/reads.hpp"
#include "lang/vocabulary.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace cpl::doc_page {

std::string anchor_id(std::string_view kind, std::string_view name) {
    return fmt::format("{}-{}", kind, name);
}

namespace {

// A description used inside a sentence: "A complete extremity study" → "a complete …"; other
// first words may be names ("Texas Medicaid: …", "MUE …") and stay as written.
std::string in_sentence(std::string s) {
    for (std::string_view article : {"A ", "An ", "The "})
        if (s.starts_with(article)) s[0] = static_cast<char>(s[0] - 'A' + 'a');
    return s;
}

// A name read aloud: `complete_limbs` → "complete limbs".
std::string spoken(std::string_view name) {
    std::string out(name);
    std::replace(out.begin(), out.end(), '_', ' ');
    return out;
}

// The binary operator an Op node stands for (Eq…Mod in the order of ast::BinaryOp), if any.
std::optional<ast::BinaryOp> binary_of(Op op) {
    if (op == Op::And) return ast::BinaryOp::And;
    if (op == Op::Or) return ast::BinaryOp::Or;
    if (op >= Op::Eq && op <= Op::Mod) {
        auto index =
            static_cast<int>(op) - static_cast<int>(Op::Eq) + static_cast<int>(ast::BinaryOp::Eq);
        return static_cast<ast::BinaryOp>(index);
    }
    return std::nullopt;
}

// How tightly an operator binds, loosest first (vocabulary.hpp), so that words are grouped
// as the code is; anything else reads as one word.
int strength(Op op) {
    // "A if C, else B" runs to the end of the phrase: as an operand it takes parentheses.
    if (op == Op::If) return static_cast<int>(vocabulary::Precedence::If);
    if (op == Op::Not) return static_cast<int>(vocabulary::unary(ast::UnaryOp::Not).precedence);
    if (auto binary = binary_of(op))
        return static_cast<int>(vocabulary::binary(*binary).precedence);
    return static_cast<int>(vocabulary::Precedence::Primary);
}

// The words of a binary operator node (vocabulary::binary_operators), or "" for none.
std::string_view operator_words(Op op) {
    auto binary = binary_of(op);
    return binary ? vocabulary::binary(*binary).words : std::string_view{};
}

// A text: a string, an interpolation, or a choice between texts (`if … then "…" else "…"`).
bool is_text(const Node& n) {
    if (n.op == Op::If) return is_text(n.kids[1]) && is_text(n.kids[2]);
    return (n.op == Op::Const && n.constant.kind == Kind::String) || n.op == Op::Interpolate;
}

} // namespace

std::string code_or_quoted(const Value& v, const std::vector<Shape>& shapes) {
    if (v.kind == Kind::String && v.size == 5) {
        std::string_view s = v.str();
        bool is_code =
            std::all_of(s.begin(), s.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }) &&
            ((s[4] >= '0' && s[4] <= '9') || (s[4] >= 'A' && s[4] <= 'Z'));
        if (is_code) return std::string(s);
    }
    return to_text(v, shapes, true);
}

std::string Words::value_text(const Value& v) const {
    return code_or_quoted(v, p_.shapes);
}

Inlines Words::as_written(const Node& n) const {
    std::string one = one_line(written_text(p_, n.span));
    return {code(one.empty() ? value_text(n.constant) : one)};
}

// A definition by its description, else (a text) its text, else its name read aloud; linked.
Inlines Words::def_name(std::uint32_t slot) const {
    const DefCode& d = p_.defs[slot];
    std::string href = "#" + anchor_id("def", d.name);
    if (!d.doc.empty()) return {link(in_sentence(d.doc), href)};
    if (d.body.op == Op::Const && d.body.constant.kind == Kind::String)
        return {link(std::string(d.body.constant.str()), href)};
    return {link(spoken(d.name), href)};
}

// An operand of an operator of strength `outer`: in parentheses when it binds more loosely.
Inlines Words::operand(const Node& n, int outer) const {
    Inlines inner = phrase(n);
    if (strength(n.op) >= outer) return inner;
    Inlines out{text("(")};
    append(out, std::move(inner));
    out.push_back(text(")"));
    return out;
}

Inlines Words::phrase(const Node& n) const {
    switch (n.op) {
    case Op::Const: {
        if (n.constant.kind == Kind::Table) {
            const TableData& t = *n.constant.table;
            return {link(t.doc.empty() ? spoken(t.name) : in_sentence(t.doc),
                         "#" + anchor_id("table", t.name))};
        }
        // An undated setting was folded to its value: show the value, linked to the setting;
        // a switch also by its description, which says what it switches.
        std::string written = written_text(p_, n.span);
        for (const auto& s : p_.settings) {
            if (s.name != written) continue;
            std::string href = "#" + anchor_id("setting", s.name);
            if (n.constant.kind != Kind::Bool || s.doc.empty())
                return {link(value_text(n.constant), href)};
            return {text("“"), link(s.doc, href), text("” (" + value_text(n.constant) + ")")};
        }
        // An expression over undated settings (`not strict`, `limit > 2`) was folded to its
        // value: shown as written, with its value and each setting's, linked. Its value alone
        // ("when false") read as a rule that never acts, where a payer's setting decides it.
        if (const auto* read = p_.settings_folded_at(n.span); read && !read->empty()) {
            Inlines out = {code(one_line(written)), text(" (" + value_text(n.constant) + ", as ")};
            for (std::size_t i = 0; i < read->size(); ++i) {
                const SettingCode& s = p_.settings[(*read)[i]];
                if (i) out.push_back(text(i + 1 == read->size() ? " and " : ", "));
                out.push_back(link(s.name, "#" + anchor_id("setting", s.name)));
                out.push_back(text(" is " + value_text(s.versions.back().value)));
            }
            out.push_back(text(")"));
            return out;
        }
        return {text(value_text(n.constant))};
    }
    case Op::DatedSetting: {
        // Each version with its dates: "4 (2 from 2023-01-01)".
        const SettingCode& s = p_.settings[n.slot];
        std::string versions;
        for (std::size_t i = 0; i < s.versions.size(); ++i) {
            const SettingVersionCode& v = s.versions[i];
            versions += i == 0 ? "" : i == 1 ? " (" : "; ";
            versions += value_text(v.value);
            if (!v.effective.from.empty()) versions += " from " + v.effective.from;
            if (!v.effective.until.empty()) versions += " until " + v.effective.until;
        }
        if (s.versions.size() > 1) versions += ")";
        return {link(versions, "#" + anchor_id("setting", s.name))};
    }
    case Op::Def:
        return def_name(n.slot);
    case Op::CallDef: {
        Inlines out = def_name(n.slot);
        out.push_back(text(" of "));
        for (std::size_t i = 0; i < n.kids.size(); ++i) {
            if (i) out.push_back(text(i + 1 == n.kids.size() ? " and " : ", "));
            append(out, phrase(n.kids[i]));
        }
        return out;
    }
    case Op::CaseRoot:
        return {text("the case")};
    case Op::Claim:
        return {text("the claim")};
    case Op::Supported:
        return {text("the claim the study supports")};
    case Op::Reviewing:
        return {text("a submitted claim is being reviewed")};
    case Op::ServiceDate:
        return {text("the date of service")};
    case Op::DisabledBilling:
        return {text("the codes billed only by rules a policy disabled")};
    case Op::Member:
    case Op::MapMember: {
        std::string written = written_text(p_, n.span);
        std::size_t dot = written.rfind('.');
        if (dot == std::string::npos) break;
        Inlines out{text("the " + spoken(written.substr(dot + 1)) +
                         (n.op == Op::MapMember ? " of each of " : " of "))};
        append(out, phrase(n.kids[0]));
        return out;
    }
    case Op::Index:
        if (n.kids[0].op == Op::Const && n.kids[0].constant.kind == Kind::Table) {
            Inlines out = phrase(n.kids[0]);
            out.push_back(text(" for "));
            append(out, phrase(n.kids[1]));
            return out;
        }
        break;
    case Op::Not: {
        Inlines out{text("not ")};
        append(out, operand(n.kids[0], strength(Op::Not)));
        return out;
    }
    case Op::Builtin:
        if (n.builtin && n.builtin->name == "count" && n.kids.size() == 1) {
            Inlines out{text("the number of ")};
            append(out, phrase(n.kids[0]));
            return out;
        }
        break;
    case Op::If: {
        Inlines out = phrase(n.kids[1]);
        out.push_back(text(" if "));
        append(out, phrase(n.kids[0]));
        out.push_back(text(", else "));
        append(out, phrase(n.kids[2]));
        return out;
    }
    case Op::Interpolate:
        return text_of(n);
    default:
        if (std::string_view words = operator_words(n.op); !words.empty() && n.kids.size() == 2) {
            int s = strength(n.op);
            // `(a > 1) == (b == c)`: a comparison of comparisons keeps both pairs.
            Inlines out = operand(n.kids[0], is_comparison(n.op) ? s + 1 : s);
            out.push_back(text(fmt::format(" {} ", words)));
            append(out, operand(n.kids[1], s + 1)); // `a - (b - c)` keeps its parentheses
            return out;
        }
        break;
    }
    return as_written(n);
}

Inlines Words::text_of(const Node& n) const {
    if (n.op == Op::Const && n.constant.kind == Kind::String)
        return {text(std::string(n.constant.str()))};
    if (n.op == Op::Def && is_text(p_.defs[n.slot].body)) return text_of(p_.defs[n.slot].body);
    if (n.op == Op::Interpolate) {
        // The text as it reads: a setting's value, a text a definition gives, and any other
        // value as written, in code.
        Inlines out;
        for (std::size_t i = 0; i < n.text.size(); ++i) {
            if (!n.text[i].empty()) out.push_back(text(n.text[i]));
            if (i >= n.kids.size()) continue;
            const Node& kid = n.kids[i];
            if (kid.op == Op::Const || kid.op == Op::DatedSetting)
                append(out, phrase(kid));
            else if (kid.op == Op::Def && is_text(p_.defs[kid.slot].body)) // a text in a text
                append(out, text_of(kid));
            else
                out.push_back(code("{" + as_written(kid).front().content + "}"));
        }
        return out;
    }
    if (n.op == Op::If && is_text(n)) { // "“A” if C, else “B”"
        Inlines out{text("“")};
        append(out, text_of(n.kids[1]));
        out.push_back(text("” if "));
        append(out, phrase(n.kids[0]));
        out.push_back(text(", else "));
        if (n.kids[2].op != Op::If) out.push_back(text("“"));
        append(out, text_of(n.kids[2]));
        if (n.kids[2].op != Op::If) out.push_back(text("”"));
        return out;
    }
    return phrase(n);
}

Inlines Words::clause(const ClauseCode& c) const {
    using K = ast::ClauseKind;
    const vocabulary::ClauseWords& row = vocabulary::clause(c.kind);
    std::string words(row.words);
    // The variable is the word after the clause's keyword. The text up to `in` or `=` is not:
    // a comment and a line break may come between them (`let n # the count` / `= …`).
    auto variable = [&] {
        std::string written = written_text(p_, c.span);
        std::size_t at = 0;
        auto blanks = [&] {
            while (at < written.size()) {
                if (written[at] == '#')
                    at = std::min(written.find('\n', at), written.size());
                else if (std::isspace(static_cast<unsigned char>(written[at])))
                    ++at;
                else
                    break;
            }
        };
        auto word = [&] {
            std::size_t begin = at;
            while (at < written.size() &&
                   (std::isalnum(static_cast<unsigned char>(written[at])) || written[at] == '_'))
                ++at;
            return written.substr(begin, at - begin);
        };
        blanks();
        word(); // `for` or `let`
        blanks();
        std::string name = word();
        return name.empty() ? std::string("it") : name;
    };
    Inlines out;
    switch (c.kind) {
    case K::For:
        out = {text(words + " "), code(variable()), text(" in ")};
        append(out, phrase(c.expr));
        return out;
    case K::Let:
        out = {text(words + " "), code(variable()), text(" is ")};
        append(out, phrase(c.expr));
        return out;
    case K::When:
        out = {text(words + " ")};
        append(out, phrase(c.expr));
        // A narrowing's `when` without `otherwise` is given its narrowing's words by the
        // checker (no text was written): the page says them in the narrowing's heading.
        if (c.otherwise &&
            !(c.narrowing >= 0 && c.otherwise->span.begin == c.otherwise->span.end)) {
            out.push_back(text("; otherwise the coder is told: "));
            append(out, text_of(*c.otherwise));
        }
        return out;
    case K::Bill:
        out = {{Inline::strong, words + " ", {}}};
        append(out, phrase(c.expr));
        if (c.units) {
            out.push_back(text(", units: "));
            append(out, phrase(*c.units));
        }
        if (c.modifiers) {
            out.push_back(text(", modifiers: "));
            append(out, phrase(*c.modifiers));
        }
        return out;
    case K::Cap:
    case K::AddModifier:
    case K::RemoveModifier:
        out = {{Inline::strong, words + " ", {}}};
        append(out, phrase(c.expr));
        if (c.first) out.push_back(text(", before its other modifiers"));
        return out;
    default: // deny, warn, info, document, because: a text
        out = {{Inline::strong, words + " ", {}}};
        append(out, text_of(c.expr));
        return out;
    }
}

} // namespace cpl::doc_page
