// interpreter/lsp/hover.cpp — what a name is, in Markdown: the declaration as written, its
// doc and cite, and for settings and tables the value and the layer that last set it.
#include "interpreter/case/case_schema.hpp"
#include "interpreter/lsp/features.hpp"
#include "interpreter/lsp/names.hpp"
#include "stdlib/builtins.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>

namespace cpl::lsp {

namespace {

constexpr std::size_t max_body_lines = 12; // a longer definition is cut, with `…`

std::string code_block(std::string_view text) {
    return fmt::format("```cpl\n{}\n```\n", text);
}

std::string dates(const ast::Effective* e) {
    if (!e || !e->dated()) return "";
    std::string out;
    // Quoted, as the policy writes them: the block reads as cpl.
    if (e->from) out += " from \"" + e->from->text + "\"";
    if (e->until) out += " until \"" + e->until->text + "\"";
    return out;
}

std::string setting(const Analysis& a, const MergedSetting& s) {
    const ast::Setting& d = *s.decl;
    std::string head = fmt::format("setting {} {}", d.name.text, a.text(d.value.span));
    if (d.within) head += fmt::format(" within {}..{}", d.within->first, d.within->second);
    std::string out = code_block(head);
    if (!d.doc.empty()) out += "\n" + d.doc + "\n";
    out += fmt::format("\n**Type:** {}\n", literal_type(d.value));
    if (s.versions.size() == 1 && !s.versions[0].effective->dated()) {
        out += fmt::format("\n**Value:** `{}`, set by `{}`\n", a.text(s.versions[0].value->span),
                           s.versions[0].layer);
    } else {
        out += "\n**Values:**\n";
        for (const auto& v : s.versions)
            out += fmt::format("- `{}`{}, set by `{}`\n", a.text(v.value->span), dates(v.effective),
                               v.layer);
    }
    // The values a later restatement replaced: a dated version is still in force on its dates,
    // and is listed among the values above, not here.
    std::string replaced;
    for (const auto& [value, layer] : s.history)
        if (std::none_of(s.versions.begin(), s.versions.end(),
                         [&](const auto& v) { return v.value == value; }))
            replaced += fmt::format(" `{}` (`{}`)", a.text(value->span), layer);
    if (!replaced.empty()) out += "\n**Earlier values:**" + replaced + "\n";
    for (const auto& v : s.versions)
        if (v.cite) out += fmt::format("\n**Cite** (`{}`): {}\n", v.layer, v.cite->text);
    if (d.cite)
        out += fmt::format("\n**Cite** (`{}`): {}\n", s.history.front().second, d.cite->text);
    return out;
}

std::string table(const MergedTable& t) {
    const ast::Table& d = *t.decl;
    std::string out = code_block("table " + d.name.text);
    if (!d.doc.empty()) out += "\n" + d.doc + "\n";
    // Rows by the layer that wrote them: a payer's rows add to or replace the base's.
    std::vector<std::pair<std::string, std::size_t>> by_layer;
    for (const auto& row : t.rows) {
        if (!row.row) continue; // removed by a later layer
        auto it = std::find_if(by_layer.begin(), by_layer.end(),
                               [&](const auto& l) { return l.first == row.layer; });
        if (it == by_layer.end())
            by_layer.emplace_back(row.layer, 1);
        else
            ++it->second;
    }
    out += fmt::format("\n**Rows:** {}", t.rows_in_force());
    for (std::size_t i = 0; i < by_layer.size(); ++i)
        out +=
            fmt::format("{}{} from `{}`", i ? ", " : " (", by_layer[i].second, by_layer[i].first);
    out += by_layer.empty() ? "\n" : ")\n";
    if (!t.source.empty()) out += fmt::format("\n**Data file:** `{}`\n", t.source);
    out += fmt::format("\n**Declared by:** `{}`\n", t.layer);
    if (d.cite) out += fmt::format("\n**Cite:** {}\n", d.cite->text);
    return out;
}

std::string def(const Analysis& a, const MergedDef& m) {
    const ast::Def& d = *m.decl;
    std::string body(a.text(d.body.span));
    std::size_t cut = 0;
    for (std::size_t lines = 0; cut != std::string::npos && lines < max_body_lines; ++lines)
        cut = body.find('\n', cut ? cut + 1 : 0);
    if (cut != std::string::npos) body = body.substr(0, cut) + "\n  …";
    std::string out = code_block(fmt::format("{} =\n  {}", def_signature(d), body));
    if (!d.doc.empty()) out += "\n" + d.doc + "\n";
    out += fmt::format("\n**Defined by:** `{}`\n", m.layer);
    return out;
}

std::string rule(const MergedRule& r) {
    const ast::Rule& d = *r.rule;
    std::string out = code_block(
        fmt::format("{} {}", d.kind == ast::RuleKind::Rule ? "rule" : "edit", d.name.text));
    if (!d.doc.empty()) out += "\n" + d.doc + "\n";
    out += fmt::format("\n**Layer:** `{}`", r.layer);
    if (!r.replaces.empty()) out += fmt::format(" (overrides the one of `{}`)", r.replaces);
    out += "\n";
    if (!r.exceptions.empty()) {
        out += "\n**Exceptions:**";
        for (const auto& [e, layer] : r.exceptions)
            out += fmt::format(" `{}` (`{}`)", e->name.text, layer);
        out += "\n";
    }
    if (d.cite) out += fmt::format("\n**Cite:** {}\n", d.cite->text);
    return out;
}

std::string exception(const MergedPolicy* p, const std::string& name) {
    if (!p) return "";
    for (const auto* list : {&p->rules, &p->edits})
        for (const auto& r : *list)
            for (const auto& [e, layer] : r.exceptions)
                if (e->name.text == name) {
                    std::string out = code_block(fmt::format("exception {} to {} {}", name,
                                                             list == &p->rules ? "rule" : "edit",
                                                             r.rule->name.text));
                    if (!e->doc.empty()) out += "\n" + e->doc + "\n";
                    out += fmt::format("\n**Layer:** `{}`\n", layer);
                    return out;
                }
    return "";
}

// Every record type with a field of this name, and the field's type in it.
std::string field(const std::string& name, const std::string& object) {
    std::vector<Shape> shapes;
    std::vector<std::vector<TypeP>> types;
    add_case_shapes(shapes, types);
    std::string out;
    for (std::size_t s = 0; s < shapes.size(); ++s) {
        if (object == "case" && s != shape_case) continue;
        int i = shapes[s].field_index(name);
        if (i < 0) continue;
        out += fmt::format("- `{}.{}`: {}\n", shapes[s].name, name,
                           describe(types[s][static_cast<std::size_t>(i)], shapes));
    }
    return out.empty() ? "" : code_block("." + name) + "\n" + out;
}

std::string describe_symbol(const Analysis& a, const Occurrence& o, const Symbol& s) {
    const MergedPolicy* p = a.names();
    switch (s.kind) {
    case Kind::setting:
        if (const auto* m = find_setting(p, s.name)) return setting(a, *m);
        break;
    case Kind::table:
        if (const auto* m = find_table(p, s.name)) return table(*m);
        break;
    case Kind::def:
        if (const auto* m = find_def(p, s.name)) return def(a, *m);
        break;
    case Kind::rule:
    case Kind::edit:
        if (const auto* m = find_rule(p, s.name, s.kind == Kind::edit)) return rule(*m);
        // Declared in a base but not in force: a layer disabled it.
        if (a.index.declaration(s))
            return code_block(
                       fmt::format("{} {}", s.kind == Kind::rule ? "rule" : "edit", s.name)) +
                   "\nNot in force: a layer disables it.\n";
        break;
    case Kind::exception:
        return exception(p, s.name);
    case Kind::source:
        if (p)
            for (const auto& m : p->bibliography)
                if (m.decl->key.text == s.name) {
                    std::string out = code_block("source " + s.name) + "\n" + m.decl->title + "\n";
                    for (const auto* part : {&m.decl->publisher, &m.decl->date, &m.decl->link})
                        if (*part) out += "\n" + (*part)->text;
                    return out + (m.decl->verified ? "\n\n*verified*\n" : "\n\n*unverified*\n");
                }
        break;
    case Kind::builtin:
        if (const Builtin* b = find_builtin(s.name))
            return code_block(b->signature) + "\n" + std::string(b->doc) + "\n\n*built-in*\n";
        break;
    case Kind::local:
        if (const Occurrence* binding = a.index.declaration(s)) {
            Location at = a.sources->get(s.binding.file).locate(s.binding.begin);
            return code_block(binding->detail == "parameter" ? "parameter " + s.name
                              : binding->detail == "comprehension"
                                  ? "for " + s.name + " in …"
                                  : binding->detail + " " + s.name) +
                   fmt::format("\nA local, bound at line {}\n", at.line);
        }
        break;
    case Kind::special:
        if (const SpecialName* n = find_special(s.name))
            return code_block(fmt::format("{}: {}", n->name, n->type)) + "\n" +
                   std::string(n->doc) + (n->edits_only ? "\n\nOnly in edits.\n" : "\n");
        break;
    case Kind::field:
        return field(s.name, o.detail);
    default:
        break;
    }
    return "";
}

// An `extends` or `include`: the file it reads; for a base, its header (name, title, dates)
// and the layers of the document's policy, base first.
std::string file(const Analysis& a, const Occurrence& o) {
    const MergedPolicy* p = a.names();
    const ast::PolicyFile* read = file_read_from(a, o.target);
    std::string out;
    if (read && read->has_header) {
        std::string head = "policy " + read->name.text;
        if (read->extends) head += " extends " + read->extends->text;
        out = code_block(head + dates(&read->effective));
        if (!read->title.empty()) out += "\n" + read->title + "\n";
    } else if (o.detail == "extends") {
        out = code_block(fmt::format("extends \"{}\"", o.name)) +
              "\nThe base policy: it did not load (see the diagnostics).\n";
    } else {
        out = code_block(fmt::format("include \"{}\"", o.name)) +
              "\nIts declarations are read here, as part of this policy.\n";
    }
    // Named from the document's folder when the loader found it by a full path.
    namespace fs = std::filesystem;
    fs::path target(o.target), document(a.sources->get(o.span.file).path());
    if (target.is_absolute() && document.is_absolute())
        target = target.lexically_relative(document.parent_path());
    out += fmt::format("\n**File:** `{}`\n", target.string());
    if (p && read && read->has_header)
        out += fmt::format("\n**Layers**, base first: {}\n", fmt::join(p->layers, " → "));
    return out;
}

} // namespace

json hover(const Analysis& a, const json& position) {
    const Occurrence* o = a.index.at(a.files, a.offset(position));
    if (!o) return nullptr;
    std::string text =
        o->kind == Kind::file ? file(a, *o) : describe_symbol(a, *o, a.index.symbol(*o));
    if (text.empty()) return nullptr;
    return {{"contents", {{"kind", "markdown"}, {"value", text}}}, {"range", a.range(o->span)}};
}

} // namespace cpl::lsp
