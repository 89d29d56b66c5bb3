// interpreter/lsp/index.cpp — walks each declaration and expression of a file, keeping the
// locals in scope as the checker does, and records every name written.
#include "interpreter/lsp/index.hpp"

#include "interpreter/load/resolve.hpp"
#include "interpreter/lsp/names.hpp"

#include <filesystem>

namespace cpl::lsp {

class Walker {
public:
    Walker(Index& index, std::string path, const SourceOverrides* unsaved)
        : out_(index.occurrences_), leading_(index.leading_), path_(std::move(path)),
          unsaved_(unsaved) {}

    void file(const ast::PolicyFile& file) {
        if (file.extends) {
            namespace fs = std::filesystem;
            auto base = resolve_policy(file.extends->text, fs::path(path_).parent_path(),
                                       file.extends_is_path, unsaved_);
            if (base) {
                Occurrence& o = add(Kind::file, file.extends->text, file.extends->span);
                o.target = *base;
                o.detail = "extends";
            }
        }
        for (const auto& decl : file.decls)
            std::visit([&](const auto& d) { declaration(d); }, decl);
    }

private:
    Occurrence& add(Kind kind, const std::string& name, Span span, bool declares = false) {
        out_.push_back({kind, name, span, declares, {}, {}, {}});
        return out_.back();
    }

    void bind(const ast::Ident& name, std::string how) {
        add(Kind::local, name.text, name.span, true).binding = name.span;
        out_.back().detail = std::move(how);
        locals_.emplace_back(name.text, name.span);
    }

    void declaration(const ast::Setting& s) {
        add(Kind::setting, s.name.text, s.name.span, true);
        expr(s.value);
    }
    void declaration(const ast::SettingValue& s) {
        add(Kind::setting, s.name.text, s.name.span);
        expr(s.value);
    }
    void declaration(const ast::Table& t) {
        // A payer's `table NAME … end` for a base table adds rows; the first declaration in
        // base-first order is the one that made the table (Index::declaration).
        add(Kind::table, t.name.text, t.name.span, !t.replace);
        for (const auto& row : t.rows)
            if (row.value) expr(*row.value);
    }
    void declaration(const ast::Def& d) {
        add(Kind::def, d.name.text, d.name.span, true);
        for (const auto& param : d.params)
            bind(param.name, "parameter");
        expr(d.body);
        locals_.clear();
    }
    void declaration(const ast::Rule& r) {
        add(kind_of(r.kind), r.name.text, r.name.span, true);
        if (r.placement) add(kind_of(r.kind), r.placement->target.text, r.placement->target.span);
        clauses(r.clauses, &leading_[{kind_of(r.kind), r.name.text}]);
    }
    void declaration(const ast::Override& o) {
        add(kind_of(o.rule.kind), o.rule.name.text, o.rule.name.span);
        clauses(o.rule.clauses, &leading_[{kind_of(o.rule.kind), o.rule.name.text}]);
    }
    void declaration(const ast::Disable& d) { add(kind_of(d.kind), d.target.text, d.target.span); }
    void declaration(const ast::Exception& e) {
        // A narrowing has no name of its own: it names its target.
        if (!e.narrows) add(Kind::exception, e.rule.name.text, e.rule.name.span, true);
        add(kind_of(e.target_kind), e.target.text, e.target.span);
        // An exception `per` an element of the target's loop, and a narrowing, are spliced in
        // where the target first acts: its loop variable and lets are theirs to read.
        if (e.per || e.narrows)
            if (auto target = leading_.find({kind_of(e.target_kind), e.target.text});
                target != leading_.end())
                locals_ = target->second;
        clauses(e.rule.clauses);
    }
    void declaration(const ast::Include& i) {
        namespace fs = std::filesystem;
        add(Kind::file, i.path, i.span).target =
            (fs::path(path_).parent_path() / i.path).lexically_normal().string();
    }

    void declaration(const ast::Source& s) { add(Kind::source, s.key.text, s.key.span, true); }
    // Its names are read (go to definition, references), and it declares none.
    void declaration(const ast::Require& r) { expr(r.condition); }

    static Kind kind_of(ast::RuleKind kind) {
        return kind == ast::RuleKind::Rule ? Kind::rule : Kind::edit;
    }

    // Clauses run in order: a `for` or `let` variable is in scope for the clauses after it.
    // `leading`: where to keep those bound before the first clause that acts.
    void clauses(const std::vector<ast::Clause>& list,
                 std::vector<std::pair<std::string, Span>>* leading = nullptr) {
        using K = ast::ClauseKind;
        if (leading) leading->clear();
        for (const auto& c : list) {
            if (c.kind != K::For && c.kind != K::Let && c.kind != K::When) leading = nullptr;
            expr(c.expr);
            if (c.units) expr(*c.units);
            if (c.modifiers) expr(*c.modifiers);
            if (c.var) bind(*c.var, c.kind == K::For ? "for" : "let");
            if (c.var && leading) leading->push_back(locals_.back());
        }
        locals_.clear();
    }

    void expr(const ast::Expr& e) {
        std::visit([&](const auto& k) { node(k, e.span); }, e.kind);
    }
    void expr(const ast::ExprPtr& e) {
        if (e) expr(*e);
    }

    void node(const ast::NameRef& n, Span span) {
        for (auto it = locals_.rbegin(); it != locals_.rend(); ++it)
            if (it->first == n.name) {
                add(Kind::local, n.name, span).binding = it->second;
                return;
            }
        add(find_special(n.name) ? Kind::special : Kind::name, n.name, span);
    }
    void node(const ast::Call& c, Span) {
        add(Kind::call, c.callee.text, c.callee.span);
        for (const auto& a : c.args)
            expr(a);
    }
    void node(const ast::Member& m, Span) {
        expr(m.object);
        auto& field = add(Kind::field, m.field.text, m.field.span);
        if (const auto* name = std::get_if<ast::NameRef>(&m.object->kind))
            field.detail = name->name;
    }
    void node(const ast::Index& i, Span) {
        expr(i.object);
        expr(i.index);
    }
    void node(const ast::Unary& u, Span) { expr(u.operand); }
    void node(const ast::Binary& b, Span) {
        expr(b.left);
        expr(b.right);
    }
    void node(const ast::StringLit& s, Span) {
        for (const auto& part : s.parts)
            if (const auto* e = std::get_if<ast::ExprPtr>(&part)) expr(*e);
    }
    void node(const ast::ListExpr& l, Span) {
        for (const auto& item : l.items)
            expr(item);
    }
    void node(const ast::RecordExpr& r, Span) {
        for (const auto& [name, value] : r.fields)
            expr(value);
    }
    void node(const ast::IfExpr& i, Span) {
        expr(i.condition);
        expr(i.then_branch);
        expr(i.else_branch);
    }
    void node(const ast::FirstMatch& f, Span) {
        for (const auto& arm : f.arms) {
            expr(arm.condition);
            expr(arm.value);
        }
        expr(f.otherwise);
    }
    void node(const ast::Conditional& c, Span) {
        expr(c.condition);
        expr(c.element);
    }
    void node(const ast::Quantified& q, Span) {
        expr(q.source);
        bind(q.var, "comprehension");
        expr(q.condition);
        locals_.pop_back();
    }
    void node(const ast::Comprehension& c, Span) {
        expr(c.source);
        bind(c.var, "comprehension");
        expr(c.element);
        expr(c.filter);
        locals_.pop_back();
    }
    void node(const ast::NumberLit&, Span) {}
    void node(const ast::CodeLit&, Span) {}
    void node(const ast::BoolLit&, Span) {}

    std::vector<Occurrence>& out_;
    std::map<std::pair<Kind, std::string>, std::vector<std::pair<std::string, Span>>>& leading_;
    std::string path_;
    const SourceOverrides* unsaved_;
    std::vector<std::pair<std::string, Span>> locals_;
};

void Index::add(const ast::PolicyFile& file, const std::string& path,
                const SourceOverrides* unsaved) {
    std::size_t first = occurrences_.size();
    Walker(*this, path, unsaved).file(file);
    for (std::size_t i = first; i < occurrences_.size(); ++i)
        if (occurrences_[i].declares) declared_.emplace(occurrences_[i].kind, occurrences_[i].name);
}

const Occurrence* Index::at(const std::vector<FileId>& files, std::uint32_t offset) const {
    const Occurrence* best = nullptr;
    for (const auto& o : occurrences_) {
        if (o.span.begin > offset || offset > o.span.end) continue;
        bool mine = false;
        for (FileId f : files)
            mine = mine || f == o.span.file;
        // The smallest span wins: a name inside an `include` declaration's span.
        if (mine && (!best || o.span.end - o.span.begin < best->span.end - best->span.begin))
            best = &o;
    }
    return best;
}

bool Index::declared(Kind kind, const std::string& name) const {
    return declared_.count({kind, name}) > 0;
}

Symbol Index::symbol(const Occurrence& o) const {
    switch (o.kind) {
    case Kind::name:
        for (Kind k : {Kind::setting, Kind::table, Kind::def})
            if (declared(k, o.name)) return {k, o.name, {}};
        return {Kind::name, o.name, {}};
    case Kind::call:
        return {declared(Kind::def, o.name) ? Kind::def : Kind::builtin, o.name, {}};
    case Kind::local:
        return {Kind::local, o.name, o.binding};
    default:
        return {o.kind, o.name, {}};
    }
}

const Occurrence* Index::declaration(const Symbol& s) const {
    if (s.kind == Kind::builtin || s.kind == Kind::field || s.kind == Kind::special ||
        s.kind == Kind::name)
        return nullptr;
    for (const auto& o : occurrences_)
        if (o.declares && symbol(o) == s) return &o;
    return nullptr;
}

std::vector<const Occurrence*> Index::references(const Symbol& s) const {
    std::vector<const Occurrence*> out;
    for (const auto& o : occurrences_)
        if (o.kind != Kind::file && symbol(o) == s) out.push_back(&o);
    return out;
}

} // namespace cpl::lsp
