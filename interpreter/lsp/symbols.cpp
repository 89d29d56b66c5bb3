// interpreter/lsp/symbols.cpp — the document's outline (documentSymbol) and its canonical
// form (formatting, through lang/format.hpp as `cpl fmt`).
#include "interpreter/lsp/features.hpp"
#include "interpreter/lsp/names.hpp"
#include "lang/format.hpp"

#include <fmt/format.h>

namespace cpl::lsp {

namespace {

// LSP SymbolKind values.
enum SymbolKind {
    file_symbol = 1,
    property_symbol = 7,
    function_symbol = 12,
    constant_symbol = 14,
    struct_symbol = 23,
    event_symbol = 24
};

struct Outline {
    const Analysis& a;
    json out = json::array();

    void add(const std::string& name, std::string detail, int kind, Span whole, Span name_span) {
        // The selection must lie inside the range; a parse that recovered may disagree.
        if (name_span.begin < whole.begin || name_span.end > whole.end) whole = name_span;
        out.push_back({{"name", name.empty() ? "?" : name},
                       {"detail", std::move(detail)},
                       {"kind", kind},
                       {"range", a.range(whole)},
                       {"selectionRange", a.range(name_span)}});
    }

    static std::string rule_word(ast::RuleKind kind) {
        return kind == ast::RuleKind::Rule ? "rule" : "edit";
    }

    void operator()(const ast::Setting& s) {
        add(s.name.text, fmt::format("setting {}", a.text(s.value.span)), constant_symbol, s.span,
            s.name.span);
    }
    void operator()(const ast::SettingValue& s) {
        add(s.name.text, fmt::format("restated {}", a.text(s.value.span)), property_symbol, s.span,
            s.name.span);
    }
    void operator()(const ast::Table& t) {
        add(t.name.text,
            fmt::format("{}table, {} rows", t.replace ? "replace " : "", t.rows.size()),
            struct_symbol, t.span, t.name.span);
    }
    void operator()(const ast::Def& d) {
        add(d.name.text, def_signature(d), function_symbol, d.span, d.name.span);
    }
    void operator()(const ast::Rule& r) {
        add(r.name.text, rule_word(r.kind), event_symbol, r.span, r.name.span);
    }
    void operator()(const ast::Override& o) {
        add(o.rule.name.text, "override " + rule_word(o.rule.kind), event_symbol, o.span,
            o.rule.name.span);
    }
    void operator()(const ast::Disable& d) {
        add(d.target.text, "disable " + rule_word(d.kind), event_symbol, d.span, d.target.span);
    }
    void operator()(const ast::Exception& e) {
        if (e.narrows)
            add(e.target.text, "narrow " + rule_word(e.target_kind), event_symbol, e.span,
                e.target.span);
        else
            add(e.rule.name.text,
                fmt::format("exception to {} {}{}", rule_word(e.target_kind), e.target.text,
                            e.per ? " per " + e.per->text : ""),
                event_symbol, e.span, e.rule.name.span);
    }
    void operator()(const ast::Include& i) { add(i.path, "include", file_symbol, i.span, i.span); }
    void operator()(const ast::Require& r) {
        add("require", r.reason, constant_symbol, r.span, r.condition.span);
    }
    void operator()(const ast::Source& s) {
        add(s.key.text, fmt::format("source: {}", s.title), constant_symbol, s.span, s.key.span);
    }
};

} // namespace

json document_symbols(const Analysis& a) {
    Outline outline{a};
    for (const auto& decl : a.own->decls)
        std::visit(outline, decl);
    return std::move(outline.out);
}

json formatting(const Document& d, Encoding encoding) {
    SourceMap sources;
    FileId id = sources.add(d.path, d.text);
    Diagnostics ignored;
    auto formatted = format_source(sources, id, ignored);
    if (!formatted) return nullptr;
    if (*formatted == d.text) return json::array();
    LineIndex lines(d.text);
    Position end = lines.position(static_cast<std::uint32_t>(d.text.size()), encoding);
    return json::array({{{"range",
                          {{"start", {{"line", 0}, {"character", 0}}},
                           {"end", {{"line", end.line}, {"character", end.character}}}}},
                         {"newText", *formatted}}});
}

} // namespace cpl::lsp
