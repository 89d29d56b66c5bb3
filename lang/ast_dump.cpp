// lang/ast_dump.cpp — AST → stable s-expression text (no spans, no comments).
#include "ast_dump.hpp"

#include "format.hpp"
#include "vocabulary.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace cpl {

namespace {

std::string quoted(const std::string& text) {
    return "\"" + escape_string(text) + "\"";
}

// An s-expression atom has no blanks: `not in` is dumped `not-in`, `cap units at`
// `cap-units-at`.
std::string atom(std::string_view words) {
    std::string out(words);
    std::replace(out.begin(), out.end(), ' ', '-');
    return out;
}

std::string kind_name(ast::RuleKind kind) {
    return std::string(vocabulary::keyword(kind));
}

struct Dumper {
    std::string out;

    void expr(const ast::Expr& e) {
        std::visit([&](const auto& k) { node(k); }, e.kind);
    }
    void expr(const ast::ExprPtr& e) {
        if (e)
            expr(*e);
        else
            out += "_";
    }

    void node(const ast::NumberLit& n) {
        out += n.fraction.empty() ? std::to_string(n.value) : "(fraction " + n.fraction + ")";
    }
    void node(const ast::CodeLit& c) { out += "code:" + c.code; }
    void node(const ast::BoolLit& b) { out += b.value ? "true" : "false"; }
    void node(const ast::StringLit& s) {
        out += "(str";
        for (const auto& part : s.parts) {
            out += ' ';
            if (auto* text = std::get_if<std::string>(&part))
                out += quoted(*text);
            else
                expr(std::get<ast::ExprPtr>(part));
        }
        out += ')';
    }
    void node(const ast::NameRef& n) { out += n.name; }
    void node(const ast::Unary& u) {
        out += u.op == ast::UnaryOp::Not ? "(not " : "(neg ";
        expr(u.operand);
        out += ')';
    }
    void node(const ast::Binary& b) {
        out += fmt::format("({} ", atom(vocabulary::binary(b.op).spelling));
        expr(b.left);
        out += ' ';
        expr(b.right);
        out += ')';
    }
    void node(const ast::Member& m) {
        out += "(. ";
        expr(m.object);
        out += " " + m.field.text + ")";
    }
    void node(const ast::Index& i) {
        out += "([] ";
        expr(i.object);
        out += ' ';
        expr(i.index);
        out += ')';
    }
    void node(const ast::Call& c) {
        out += "(call " + c.callee.text;
        for (const auto& a : c.args) {
            out += ' ';
            expr(a);
        }
        out += ')';
    }
    void node(const ast::ListExpr& l) {
        out += "(list";
        for (const auto& a : l.items) {
            out += ' ';
            expr(a);
        }
        out += ')';
    }
    void node(const ast::Comprehension& c) {
        out += "(comp ";
        expr(c.element);
        out += " " + c.var.text + " ";
        expr(c.source);
        out += ' ';
        expr(c.filter);
        out += ')';
    }
    void node(const ast::Quantified& q) {
        out += "(" + std::string(q.word()) + " " + q.var.text + " ";
        expr(q.source);
        out += ' ';
        expr(q.condition);
        out += ')';
    }
    void node(const ast::RecordExpr& r) {
        out += "(record";
        for (const auto& [name, value] : r.fields) {
            out += " " + name.text + ": ";
            expr(value);
        }
        out += ')';
    }
    void node(const ast::IfExpr& i) {
        out += "(if ";
        expr(i.condition);
        out += ' ';
        expr(i.then_branch);
        out += ' ';
        expr(i.else_branch);
        out += ')';
    }
    void node(const ast::FirstMatch& f) {
        out += "(first";
        for (const auto& arm : f.arms) {
            out += " (when ";
            expr(arm.condition);
            out += ' ';
            expr(arm.value);
            out += ')';
        }
        out += " (otherwise ";
        expr(f.otherwise);
        out += "))";
    }
    void node(const ast::Conditional& c) {
        out += "(if ";
        expr(c.condition);
        out += ' ';
        expr(c.element);
        out += ')';
    }

    void effective(const ast::Effective& e) {
        if (e.from) out += " (from " + quoted(e.from->text) + ")";
        if (e.until) out += " (until " + quoted(e.until->text) + ")";
    }
    const char* fixed(bool is_fixed) { return is_fixed ? "fixed-" : ""; }

    void cite(const std::optional<ast::Cite>& c) {
        if (c) out += " (cite " + quoted(c->text) + ")";
    }

    void rule(const ast::Rule& r) {
        out += fmt::format("({}{} {} {}", fixed(r.fixed), kind_name(r.kind), r.name.text,
                           quoted(r.doc));
        if (r.placement)
            out += fmt::format(" ({} {})", r.placement->before ? "before" : "after",
                               r.placement->target.text);
        effective(r.effective);
        for (const auto& c : r.clauses) {
            out += fmt::format("\n  ({}", atom(vocabulary::clause(c.kind).keyword));
            if (c.var) out += " " + c.var->text;
            out += ' ';
            expr(c.expr);
            if (c.units) {
                out += " (units ";
                expr(*c.units);
                out += ')';
            }
            if (c.modifiers) {
                out += " (modifiers ";
                expr(*c.modifiers);
                out += ')';
            }
            if (c.otherwise) {
                out += " (otherwise ";
                expr(*c.otherwise);
                out += ')';
            }
            out += ')';
        }
        cite(r.cite);
        out += ')';
    }

    void decl(const ast::Setting& s) {
        out += fmt::format("({}setting {} ", fixed(s.fixed), s.name.text);
        expr(s.value);
        if (s.within) out += fmt::format(" (within {} {})", s.within->first, s.within->second);
        effective(s.effective);
        out += " " + quoted(s.doc);
        cite(s.cite);
        out += ')';
    }
    void decl(const ast::SettingValue& s) {
        out += "(setting-value " + s.name.text + " ";
        expr(s.value);
        effective(s.effective);
        cite(s.cite);
        out += ')';
    }
    void decl(const ast::Table& t) {
        out += fmt::format("({}{}table {} {}", fixed(t.fixed), t.replace ? "replace-" : "",
                           t.name.text, quoted(t.doc));
        cite(t.cite);
        if (t.rows_from) {
            const auto& r = *t.rows_from;
            out += fmt::format("\n  (rows-from {} {} (key {} {}) ({}{}", quoted(r.path.text),
                               quoted(r.version.text), r.key.name.text, r.key.type.text,
                               r.grouped ? "group " : "", r.record ? "record" : "column");
            for (const auto& c : r.value)
                out += fmt::format(" ({} {})", c.name.text, c.type.text);
            out += "))";
        }
        for (const auto& row : t.rows) {
            out += row.remove ? "\n  (remove" : "\n  (row";
            for (const auto& key : row.keys) {
                out += ' ';
                if (key.literal)
                    expr(*key.literal);
                else if (key.range == ast::TableKey::Range::numbers)
                    out += fmt::format("(range {} {})", key.low,
                                       key.high ? std::to_string(*key.high) : "_");
                else
                    out += fmt::format("({} {} {})",
                                       key.range == ast::TableKey::Range::codes ? "code-range"
                                                                                : "string-range",
                                       key.low_text, key.high_text.empty() ? "_" : key.high_text);
            }
            if (row.value) {
                out += " => ";
                expr(*row.value);
            }
            effective(row.effective);
            cite(row.cite);
            out += ')';
        }
        out += ')';
    }
    void decl(const ast::Def& d) {
        out += "(def " + d.name.text;
        if (d.is_function) {
            out += " (";
            for (std::size_t i = 0; i < d.params.size(); ++i) {
                if (i) out += ' ';
                out += d.params[i].name.text;
                if (d.params[i].type) out += ":" + d.params[i].type->text;
            }
            out += ')';
        }
        out += " " + quoted(d.doc) + " ";
        expr(d.body);
        out += ')';
    }
    void decl(const ast::Rule& r) { rule(r); }
    void decl(const ast::Override& o) {
        out += "(override ";
        rule(o.rule);
        out += ')';
    }
    void decl(const ast::Disable& d) {
        out +=
            fmt::format("(disable {} {} {})", kind_name(d.kind), d.target.text, quoted(d.reason));
    }
    void decl(const ast::Exception& e) {
        if (e.narrows)
            out += fmt::format("(narrow {} {} ", kind_name(e.target_kind), e.target.text);
        else
            out += fmt::format("(exception to {} {}{} ", kind_name(e.target_kind), e.target.text,
                               e.per ? " per " + e.per->text : "");
        rule(e.rule);
        out += ')';
    }
    void decl(const ast::Include& i) { out += "(include " + quoted(i.path) + ")"; }
    void decl(const ast::Require& r) {
        out += "(require ";
        expr(r.condition);
        out += " " + quoted(r.reason) + ")";
    }
    void decl(const ast::Source& s) {
        out += fmt::format("(source {} {}", s.key.text, quoted(s.title));
        for (auto [word, field] : {std::pair{"publisher", &s.publisher}, std::pair{"date", &s.date},
                                   std::pair{"link", &s.link}})
            if (*field) out += fmt::format(" ({} {})", word, quoted((*field)->text));
        out += s.verified ? " verified)" : " unverified)";
    }
};

} // namespace

std::string dump(const ast::PolicyFile& file) {
    Dumper d;
    if (file.has_header) {
        d.out += "(policy " + file.name.text;
        if (file.extends)
            d.out += file.extends_is_path ? " (extends-path " + quoted(file.extends->text) + ")"
                                          : " (extends " + file.extends->text + ")";
        d.out += " " + quoted(file.title);
        d.effective(file.effective);
        d.out += ")\n";
    }
    for (const auto& decl : file.decls) {
        std::visit([&](const auto& x) { d.decl(x); }, decl);
        d.out += '\n';
    }
    return d.out;
}

std::string dump(const ast::Expr& expr) {
    Dumper d;
    d.expr(expr);
    return d.out;
}

} // namespace cpl
