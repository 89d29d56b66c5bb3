// lang/format_lists.cpp — see format_lists.hpp.
#include "format_lists.hpp"

#include <algorithm>

namespace cpl {

namespace {

using namespace ast;

struct ListAt {
    const Expr* list;
    std::vector<const Expr*> holders; // the expressions around it, outermost first
};

// Every list literal of the expressions `cpl fmt` prints through its line breaker, with the
// expressions that hold it. Interpolations are not entered: a string is printed on one line.
class ListFinder {
public:
    std::vector<ListAt> found;

    void visit(const Expr& e) {
        if (std::holds_alternative<ListExpr>(e.kind)) found.push_back({&e, path_});
        path_.push_back(&e);
        std::visit([&](const auto& k) { kids(k); }, e.kind);
        path_.pop_back();
    }

    void visit(const PolicyFile& file) {
        for (const auto& decl : file.decls)
            std::visit([&](const auto& d) { declaration(d); }, decl);
    }

private:
    std::vector<const Expr*> path_;

    template <typename K> void kids(const K&) {} // literals, names and strings
    void kids(const Unary& u) { visit(*u.operand); }
    void kids(const Binary& b) {
        visit(*b.left);
        visit(*b.right);
    }
    void kids(const Member& m) { visit(*m.object); }
    void kids(const Index& i) {
        visit(*i.object);
        visit(*i.index);
    }
    void kids(const Call& c) {
        for (const auto& a : c.args)
            visit(a);
    }
    void kids(const ListExpr& l) {
        for (const auto& item : l.items)
            visit(item);
    }
    void kids(const Comprehension& c) {
        visit(*c.element);
        visit(*c.source);
        if (c.filter) visit(*c.filter);
    }
    void kids(const Quantified& q) {
        visit(*q.source);
        visit(*q.condition);
    }
    void kids(const RecordExpr& r) {
        for (const auto& f : r.fields)
            visit(f.value);
    }
    void kids(const IfExpr& i) {
        visit(*i.condition);
        visit(*i.then_branch);
        visit(*i.else_branch);
    }
    void kids(const FirstMatch& f) {
        for (const auto& arm : f.arms) {
            visit(arm.condition);
            visit(arm.value);
        }
        visit(*f.otherwise);
    }
    void kids(const Conditional& c) {
        visit(*c.condition);
        visit(*c.element);
    }

    void rule(const Rule& r) {
        for (const auto& c : r.clauses) {
            visit(c.expr);
            if (c.units) visit(*c.units);
            if (c.modifiers) visit(*c.modifiers);
            if (c.otherwise) visit(*c.otherwise);
        }
    }
    template <typename D> void declaration(const D&) {} // printed on one line
    void declaration(const Def& d) { visit(d.body); }
    void declaration(const Rule& r) { rule(r); }
    void declaration(const Override& o) { rule(o.rule); }
    void declaration(const Exception& e) { rule(e.rule); }
    void declaration(const Require& r) { visit(r.condition); }
    void declaration(const Table& t) {
        // A record is a row's columns, printed on one line.
        for (const auto& row : t.rows)
            if (row.value && !std::holds_alternative<RecordExpr>(row.value->kind))
                visit(*row.value);
    }
};

bool same_line(std::string_view text, std::uint32_t from, std::uint32_t to) {
    return std::find(text.begin() + from, text.begin() + to, '\n') == text.begin() + to;
}

} // namespace

CommentedLists commented_lists(const PolicyFile& file, std::string_view text) {
    ListFinder finder;
    finder.visit(file);
    std::vector<ListAt>& lists = finder.found;
    // Spans nest: by start, the outer of two lists that start together first.
    std::stable_sort(lists.begin(), lists.end(), [](const ListAt& a, const ListAt& b) {
        return a.list->span.begin < b.list->span.begin ||
               (a.list->span.begin == b.list->span.begin && a.list->span.end > b.list->span.end);
    });
    std::vector<const Comment*> comments;
    for (const auto& c : file.comments)
        comments.push_back(&c);
    std::stable_sort(comments.begin(), comments.end(), [](const Comment* a, const Comment* b) {
        return a->span.begin < b->span.begin;
    });

    CommentedLists out;
    std::vector<const ListAt*> open; // the lists around the position reached, innermost last
    std::size_t next = 0;
    for (const Comment* c : comments) {
        std::uint32_t at = c->span.begin;
        while (next < lists.size() && lists[next].list->span.begin < at) {
            while (!open.empty() && open.back()->list->span.end <= lists[next].list->span.begin)
                open.pop_back();
            open.push_back(&lists[next++]);
        }
        while (!open.empty() && open.back()->list->span.end <= at)
            open.pop_back();
        if (open.empty()) continue;
        const ListAt& holder = *open.back();
        const auto& items = std::get<ListExpr>(holder.list->kind).items;
        // The last element that starts before the comment: inside it, the comment is in an
        // expression that is not a list, and is placed as before.
        auto after =
            std::upper_bound(items.begin(), items.end(), at,
                             [](std::uint32_t pos, const Expr& e) { return pos < e.span.begin; });
        std::size_t before = static_cast<std::size_t>(after - items.begin()); // elements before it
        if (before > 0 && at < items[before - 1].span.end) continue;

        ListComments& placed = out.lists[holder.list];
        if (placed.trailing.empty()) {
            placed.leading.resize(items.size());
            placed.trailing.resize(items.size(), nullptr);
        }
        if (before > 0 && !placed.trailing[before - 1] &&
            same_line(text, items[before - 1].span.end, at))
            placed.trailing[before - 1] = c;
        else if (before < items.size())
            placed.leading[before].push_back(c);
        else
            placed.closing.push_back(c);
        out.placed.insert(c);
        out.broken.insert(holder.list);
        out.broken.insert(holder.holders.begin(), holder.holders.end());
    }
    return out;
}

} // namespace cpl
