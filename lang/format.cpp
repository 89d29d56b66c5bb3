// lang/format.cpp — AST (+ comments) → canonical text (`cpl fmt`).
//
// Layout: the header line; one blank line between declarations (consecutive one-line
// declarations of the same kind that were adjacent in the source stay adjacent); keywords of
// declarations at column 1; clauses, table rows, a setting's description and citations
// indented 2; `end` at column 1. Expressions get the fewest parentheses their precedence
// allows. A `def` too long for one line breaks after `=`; a list literal that does not fit
// (and has two elements or more, and is at least half a line wide) gets one element per line;
// an `and`/`or`/`+`/`-` chain that does not fit breaks before each operator, aligned with its
// first operand; so do an `if`'s `then` and `else`, and a comprehension's `for` and `if`.
//
// Comments are attached to "items" — a declaration's first line, a clause, a row, a cite,
// a setting's description, a table's `end` — by source position: a comment on a line of its
// own goes before the item that follows it; a comment after an item's last token stays at
// the end of its line; a comment inside an item (in a multi-line expression) goes before it,
// except a comment between the elements of a list literal: the list is printed one element a
// line, with the comment after the element it followed or before the one it preceded
// (format_lists.hpp).
#include "format.hpp"

#include "format_lists.hpp"
#include "parse.hpp"
#include "vocabulary.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <unordered_map>

namespace cpl {

namespace {

using namespace ast;

// --- expressions --------------------------------------------------------------------------

// Binding strength (vocabulary::Precedence) as a number, so "binds tighter" is `+ 1`.
using vocabulary::Precedence;
constexpr int level(Precedence p) {
    return static_cast<int>(p);
}
constexpr int p_if = level(Precedence::If), p_or = level(Precedence::Or),
              p_product = level(Precedence::Product), p_postfix = level(Precedence::Postfix),
              p_primary = level(Precedence::Primary);

int binary_prec(BinaryOp op) {
    return level(vocabulary::binary(op).precedence);
}

bool chains(BinaryOp op) {
    return vocabulary::binary(op).chains;
}

std::string_view op_text(BinaryOp op) {
    return vocabulary::binary(op).spelling;
}

// ` + ` between operands, or `..` tight against them.
std::string op_between(BinaryOp op) {
    const auto& row = vocabulary::binary(op);
    return row.spaced ? " " + std::string(row.spelling) + " " : std::string(row.spelling);
}

// A minus before a minus is written `- -3`, spaced: `--3` reads as something else, and
// `-(-3)` puts each minus of a chain in parentheses, which count against the parser's nesting
// limit many times what a minus does: a chain it took would come back too deep for it. (A
// number literal has no sign of its own: `-3` is a minus before 3.)
bool minus_before_minus(const Unary& u) {
    const auto* inner = std::get_if<Unary>(&u.operand->kind);
    return u.op == UnaryOp::Neg && inner && inner->op == UnaryOp::Neg;
}

std::string unary_text(const Unary& u) {
    const auto& row = vocabulary::unary(u.op);
    return std::string(row.spelling) + (row.spaced || minus_before_minus(u) ? " " : "");
}

int prec(const Expr& e) {
    if (std::holds_alternative<IfExpr>(e.kind) || std::holds_alternative<Quantified>(e.kind) ||
        std::holds_alternative<FirstMatch>(e.kind) || std::holds_alternative<Conditional>(e.kind))
        return p_if;
    if (auto* b = std::get_if<Binary>(&e.kind)) return binary_prec(b->op);
    if (auto* u = std::get_if<Unary>(&e.kind)) return level(vocabulary::unary(u->op).precedence);
    if (std::holds_alternative<Member>(e.kind) || std::holds_alternative<Index>(e.kind))
        return p_postfix;
    return p_primary;
}

// What each operand must bind at least as tightly as.
int left_need(BinaryOp op) {
    return chains(op) ? binary_prec(op) : binary_prec(op) + 1;
}
int right_need(BinaryOp op) {
    return binary_prec(op) + 1;
}
int operand_need(UnaryOp op) {
    return level(vocabulary::unary(op).precedence);
}
constexpr int source_need = p_or; // a comprehension's source: an `if` there reads badly

std::string quote(std::string_view text) {
    return "\"" + escape_string(text) + "\"";
}

// Five digits in a row are a code, so a five-digit number keeps a digit separator.
std::string number_text(std::int64_t value) {
    std::string text = std::to_string(value);
    if (value >= 0 && text.size() == 5) text.insert(2, "_");
    return text;
}

void flat(const Expr& e, int need, std::string& out);

void flat_list(const std::vector<Expr>& items, std::string& out) {
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        flat(items[i], p_if, out);
    }
}

void flat_kind(const Expr& e, std::string& out) {
    std::visit(
        [&](const auto& k) {
            using K = std::decay_t<decltype(k)>;
            if constexpr (std::is_same_v<K, NumberLit>) {
                out += k.fraction.empty() ? number_text(k.value) : k.fraction;
            } else if constexpr (std::is_same_v<K, CodeLit>) {
                out += k.code;
            } else if constexpr (std::is_same_v<K, BoolLit>) {
                out += k.value ? "true" : "false";
            } else if constexpr (std::is_same_v<K, StringLit>) {
                out += '"';
                for (const auto& part : k.parts) {
                    if (auto* text = std::get_if<std::string>(&part)) {
                        out += escape_string(*text);
                    } else {
                        out += '{';
                        flat(*std::get<ExprPtr>(part), p_if, out);
                        out += '}';
                    }
                }
                out += '"';
            } else if constexpr (std::is_same_v<K, NameRef>) {
                out += k.name;
            } else if constexpr (std::is_same_v<K, Unary>) {
                out += unary_text(k);
                flat(*k.operand, operand_need(k.op), out);
            } else if constexpr (std::is_same_v<K, Binary>) {
                flat(*k.left, left_need(k.op), out);
                out += op_between(k.op);
                flat(*k.right, right_need(k.op), out);
            } else if constexpr (std::is_same_v<K, Member>) {
                flat(*k.object, p_postfix, out);
                out += "." + k.field.text;
            } else if constexpr (std::is_same_v<K, Index>) {
                flat(*k.object, p_postfix, out);
                out += '[';
                flat(*k.index, p_if, out);
                out += ']';
            } else if constexpr (std::is_same_v<K, Call>) {
                out += k.callee.text + "(";
                flat_list(k.args, out);
                out += ')';
            } else if constexpr (std::is_same_v<K, ListExpr>) {
                out += '[';
                flat_list(k.items, out);
                out += ']';
            } else if constexpr (std::is_same_v<K, Comprehension>) {
                out += '[';
                flat(*k.element, p_if, out);
                out += " for " + k.var.text + " in ";
                flat(*k.source, source_need, out);
                if (k.filter) {
                    out += " if ";
                    flat(*k.filter, p_if, out);
                }
                out += ']';
            } else if constexpr (std::is_same_v<K, RecordExpr>) {
                out += '{';
                for (std::size_t i = 0; i < k.fields.size(); ++i) {
                    if (i) out += ", ";
                    out += k.fields[i].name.text + ": ";
                    flat(k.fields[i].value, p_if, out);
                }
                out += '}';
            } else if constexpr (std::is_same_v<K, Quantified>) {
                out += std::string(k.word()) + " " + k.var.text + " in ";
                flat(*k.source, source_need, out);
                out += ": ";
                flat(*k.condition, p_if, out);
            } else if constexpr (std::is_same_v<K, IfExpr>) {
                out += "if ";
                flat(*k.condition, p_if, out);
                out += " then ";
                flat(*k.then_branch, p_if, out);
                out += " else ";
                flat(*k.else_branch, p_if, out);
            } else if constexpr (std::is_same_v<K, FirstMatch>) {
                out += "first";
                for (const auto& arm : k.arms) {
                    out += " when ";
                    flat(arm.condition, p_if, out);
                    out += " => ";
                    flat(arm.value, p_if, out);
                }
                out += " otherwise ";
                flat(*k.otherwise, p_if, out);
            } else if constexpr (std::is_same_v<K, Conditional>) {
                out += "if ";
                flat(*k.condition, p_if, out);
                out += " then ";
                flat(*k.element, p_if, out);
            }
        },
        e.kind);
}

void flat(const Expr& e, int need, std::string& out) {
    bool paren = prec(e) < need;
    if (paren) out += '(';
    flat_kind(e, out);
    if (paren) out += ')';
}

std::string flat(const Expr& e, int need = p_if) {
    std::string out;
    flat(e, need, out);
    return out;
}

/// Output text with the current column known, so expressions can break where they overflow.
class Writer {
public:
    std::string out;
    const CommentedLists* lists = nullptr; // lists with comments between their elements

    std::size_t column() const { return out.size() - line_start(); }
    std::size_t line_indent() const {
        std::size_t start = line_start(), i = start;
        while (i < out.size() && out[i] == ' ')
            ++i;
        return i - start;
    }
    void newline(std::size_t indent) {
        out += '\n';
        out.append(indent, ' ');
    }
    bool fits(std::size_t width) const { return column() + width <= format_width; }

private:
    // Where the current line starts. The column is asked after every piece of an expression;
    // `out` only grows, so only what was appended since the last question is searched (a
    // record of 60,000 fields on one line was rescanned for each field: quadratic).
    std::size_t line_start() const {
        for (std::size_t i = out.size(); i > scanned_; --i)
            if (out[i - 1] == '\n') {
                start_ = i;
                break;
            }
        scanned_ = out.size();
        return start_;
    }
    mutable std::size_t scanned_ = 0, start_ = 0;

public:
    void expr(const Expr& e, int need = p_if) {
        // An expression holding a list with comments is never printed flat: they would be lost.
        bool keep_comments = must_break(e);
        std::string text = keep_comments ? std::string() : flat(e, need);
        if (!keep_comments && fits(text.size())) {
            out += text;
            return;
        }
        if (prec(e) < need) {
            out += '(';
            expr(e, p_if);
            out += ')';
            return;
        }
        if (auto* l = std::get_if<ListExpr>(&e.kind); l && keep_comments) {
            auto found = lists->lists.find(&e);
            element_lines(*l, found == lists->lists.end() ? nullptr : &found->second);
            return;
        }
        std::visit([&](const auto& k) { broken(k, text); }, e.kind);
    }

    bool must_break(const Expr& e) const { return lists && lists->broken.count(&e); }

private:
    template <typename K> void broken(const K&, const std::string& text) { out += text; }

    void list(const std::vector<Expr>& items) {
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i) out += ", ";
            expr(items[i]);
        }
    }

    void broken(const ListExpr& l, const std::string& text) {
        if (l.items.size() < 2 || text.size() < format_width / 2) {
            out += text;
            return;
        }
        element_lines(l, nullptr);
    }

    // [
    //   a,  # a comment after an element stays after it
    //   # one on a line of its own stays before the next
    //   b
    // ]
    void element_lines(const ListExpr& l, const ListComments* comments) {
        std::size_t base = line_indent();
        auto comment_line = [&](const Comment* c) {
            newline(base + 2);
            out += c->text;
        };
        out += '[';
        for (std::size_t i = 0; i < l.items.size(); ++i) {
            if (comments)
                for (const Comment* c : comments->leading[i])
                    comment_line(c);
            newline(base + 2);
            expr(l.items[i]);
            if (i + 1 < l.items.size()) out += ',';
            if (comments && comments->trailing[i]) out += "  " + comments->trailing[i]->text;
        }
        if (comments)
            for (const Comment* c : comments->closing)
                comment_line(c);
        newline(base);
        out += ']';
    }

    void broken(const Binary& b, const std::string&) {
        if (!chains(b.op) || binary_prec(b.op) == p_product) {
            expr(*b.left, left_need(b.op));
            out += op_between(b.op);
            expr(*b.right, right_need(b.op));
            return;
        }
        // Flatten the left spine of operators of this strength: a or b or c.
        int strength = binary_prec(b.op);
        std::vector<const Binary*> spine;
        const Expr* first = nullptr;
        for (const Binary* at = &b;;) {
            spine.push_back(at);
            auto* left = std::get_if<Binary>(&at->left->kind);
            if (!left || binary_prec(left->op) != strength) {
                first = at->left.get();
                break;
            }
            at = left;
        }
        std::reverse(spine.begin(), spine.end());
        std::size_t start = column();
        expr(*first, strength);
        for (const Binary* step : spine) {
            newline(start);
            out += std::string(op_text(step->op)) + " ";
            expr(*step->right, strength + 1);
        }
    }

    void broken(const Unary& u, const std::string&) {
        out += unary_text(u);
        expr(*u.operand, operand_need(u.op));
    }
    void broken(const Member& m, const std::string&) {
        expr(*m.object, p_postfix);
        out += "." + m.field.text;
    }
    void broken(const Index& i, const std::string&) {
        expr(*i.object, p_postfix);
        out += '[';
        expr(*i.index);
        out += ']';
    }
    void broken(const Call& c, const std::string&) {
        out += c.callee.text + "(";
        list(c.args);
        out += ')';
    }
    // [element
    //  for x in source
    //  if filter]
    void broken(const Comprehension& c, const std::string&) {
        out += '[';
        std::size_t start = column();
        expr(*c.element);
        newline(start);
        out += "for " + c.var.text + " in ";
        expr(*c.source, source_need);
        if (c.filter) {
            newline(start);
            out += "if ";
            expr(*c.filter);
        }
        out += ']';
    }
    // {
    //   a: 1,
    //   b: 2
    // }   (as a list: one field a line, when it does not fit and begins its line; inside
    // another expression, `[{a: …, b: …} for …]`, its fields stay on the line and break within)
    void broken(const RecordExpr& r, const std::string& text) {
        if (r.fields.size() < 2 || text.size() < format_width / 2 || column() != line_indent()) {
            out += '{';
            std::size_t first = column(); // a field that does not fit goes under the first
            for (std::size_t i = 0; i < r.fields.size(); ++i) {
                std::string field = r.fields[i].name.text + ": ";
                if (i) {
                    out += ',';
                    if (fits(1 + field.size() + flat(r.fields[i].value).size() + 1))
                        out += ' ';
                    else
                        newline(first);
                }
                out += field;
                expr(r.fields[i].value);
            }
            out += '}';
            return;
        }
        std::size_t base = line_indent();
        out += '{';
        for (std::size_t i = 0; i < r.fields.size(); ++i) {
            newline(base + 2);
            out += r.fields[i].name.text + ": ";
            expr(r.fields[i].value);
            if (i + 1 < r.fields.size()) out += ',';
        }
        newline(base);
        out += '}';
    }
    // any x in source:
    //   condition
    void broken(const Quantified& q, const std::string&) {
        std::size_t start = column();
        out += std::string(q.word()) + " " + q.var.text + " in ";
        expr(*q.source, source_need);
        out += ':';
        newline(start + 2);
        expr(*q.condition);
    }
    // if condition
    // then a
    // else b
    void broken(const IfExpr& i, const std::string&) {
        std::size_t start = column();
        out += "if ";
        expr(*i.condition);
        newline(start);
        out += "then ";
        expr(*i.then_branch);
        newline(start);
        out += "else ";
        expr(*i.else_branch);
    }
    // first
    //   when a => x
    //   otherwise y
    void broken(const FirstMatch& f, const std::string&) {
        std::size_t start = column();
        out += "first";
        for (const auto& arm : f.arms) {
            newline(start + 2);
            out += "when ";
            expr(arm.condition);
            out += " => ";
            expr(arm.value);
        }
        newline(start + 2);
        out += "otherwise ";
        expr(*f.otherwise);
    }
    // if condition
    // then element
    void broken(const Conditional& c, const std::string&) {
        std::size_t start = column();
        out += "if ";
        expr(*c.condition);
        newline(start);
        out += "then ";
        expr(*c.element);
    }
};

// --- declarations and comments -------------------------------------------------------------

std::string kind_word(RuleKind kind) {
    return std::string(vocabulary::keyword(kind));
}

constexpr std::uint32_t no_end = UINT32_MAX;

class Formatter {
public:
    Formatter(const PolicyFile& file, std::string_view text)
        : file_(file), text_(text), lists_(commented_lists(file, text)) {
        for (const auto& c : file.comments)
            comment_ends_[c.span.end] = c.span.begin;
        w_.lists = &lists_;
        collect_items();
        attach_comments();
    }

    std::string run() {
        if (file_.has_header) {
            open(file_.name.span.begin, 0, 0);
            w_.out += "policy " + file_.name.text;
            if (file_.extends)
                w_.out += " extends " + (file_.extends_is_path ? quote(file_.extends->text)
                                                               : file_.extends->text);
            if (!file_.title.empty()) w_.out += " " + quote(file_.title);
            w_.out += effective_text(file_.effective);
            close(file_.name.span.begin);
        }
        const Decl* previous = nullptr;
        for (const auto& decl : file_.decls) {
            if (!w_.out.empty() && !(previous && adjacent(*previous, decl))) blank_line();
            decl_begin_ = decl_begin(decl);
            std::visit([&](const auto& d) { print(d); }, decl);
            previous = &decl;
        }
        for (const Comment* c : eof_) {
            if (blank_before(*c)) blank_line();
            w_.out += c->text + "\n";
        }
        return w_.out;
    }

private:
    struct Item {
        std::uint32_t begin;
        std::uint32_t own_end; // end of the item's own span (`no_end` if unknown)
    };
    struct Attached {
        std::vector<const Comment*> leading;
        const Comment* trailing = nullptr;
    };

    const PolicyFile& file_;
    std::string_view text_;
    CommentedLists lists_; // comments a list keeps between its elements, not an item's
    Writer w_;
    std::uint32_t decl_begin_ = 0; // of the declaration being printed
    std::vector<Item> items_;
    std::map<std::uint32_t, Attached> attached_; // by item begin
    std::vector<const Comment*> eof_;
    std::unordered_map<std::uint32_t, std::uint32_t> comment_ends_; // end → begin

    // --- source positions ---

    // Back from `at` over blanks and comments, not below `floor`: the end of the last token.
    std::uint32_t trim_back(std::uint32_t at, std::uint32_t floor) const {
        for (;;) {
            while (at > floor && std::isspace(static_cast<unsigned char>(text_[at - 1])))
                --at;
            auto it = comment_ends_.find(at);
            if (it == comment_ends_.end() || it->second < floor || it->second >= at) return at;
            at = it->second;
        }
    }

    std::size_t newlines_between(std::uint32_t from, std::uint32_t to) const {
        if (from >= to) return 0;
        return static_cast<std::size_t>(std::count(text_.begin() + from, text_.begin() + to, '\n'));
    }

    // A blank line separates the comment from whatever precedes it (a token or a comment).
    bool blank_before(const Comment& c) const {
        std::uint32_t previous = c.span.begin;
        while (previous > 0 && std::isspace(static_cast<unsigned char>(text_[previous - 1])))
            --previous;
        return previous > 0 && newlines_between(previous, c.span.begin) >= 2;
    }

    bool whole_line(const Comment& c) const {
        for (std::uint32_t i = c.span.begin; i > 0; --i) {
            char ch = text_[i - 1];
            if (ch == '\n') return true;
            if (ch != ' ' && ch != '\t' && ch != '\r') return false;
        }
        return true;
    }

    // A setting's description has no span of its own: it is the first string after the value.
    std::uint32_t doc_position(const Setting& s) const {
        std::uint32_t limit = s.cite ? s.cite->span.begin : s.span.end;
        std::uint32_t start = s.value.span.end;
        if (s.effective.from) start = std::max(start, s.effective.from->span.end);
        if (s.effective.until) start = std::max(start, s.effective.until->span.end);
        for (std::uint32_t i = start; i < limit; ++i) {
            if (text_[i] == '#')
                while (i < limit && text_[i] != '\n')
                    ++i;
            else if (text_[i] == '"')
                return i;
        }
        return s.value.span.end;
    }

    // Where `word` begins when it is the token right before `at` (`fixed`, `from`, `until`).
    std::uint32_t keyword_before(std::uint32_t at, std::string_view word) const {
        std::uint32_t after = trim_back(at, 0);
        if (after >= word.size() && text_.substr(after - word.size(), word.size()) == word)
            return static_cast<std::uint32_t>(after - word.size());
        return at;
    }

    // A declaration's first token: `fixed` when it has it.
    std::uint32_t decl_begin(const Decl& decl) const {
        return std::visit(
            [&](const auto& d) {
                if constexpr (requires { d.fixed; })
                    if (d.fixed) return keyword_before(d.span.begin, "fixed");
                if constexpr (requires { d.rule.fixed; })
                    if (d.rule.fixed) return keyword_before(d.span.begin, "fixed");
                return d.span.begin;
            },
            decl);
    }

    std::uint32_t from_position(const Effective& e) const {
        return keyword_before(e.from->span.begin, "from");
    }
    std::uint32_t until_position(const Effective& e) const {
        return keyword_before(e.until->span.begin, "until");
    }

    std::uint32_t end_position(const Table& t) const {
        std::uint32_t after = trim_back(t.span.end, t.span.begin);
        return after >= 3 && text_.substr(after - 3, 3) == "end" ? after - 3 : after;
    }

    // --- items ---

    void add(std::uint32_t begin, std::uint32_t own_end) { items_.push_back({begin, own_end}); }

    void add_rule(std::uint32_t header, std::uint32_t end, const Rule& r) {
        add(header, end);
        if (r.effective.from) add(from_position(r.effective), r.effective.from->span.end);
        if (r.effective.until) add(until_position(r.effective), r.effective.until->span.end);
        for (const auto& c : r.clauses)
            add(c.span.begin, c.span.end);
        if (r.cite) add(r.cite->span.begin, r.cite->span.end);
    }

    void collect_items() {
        if (file_.has_header) add(file_.name.span.begin, no_end);
        for (const auto& decl : file_.decls) {
            std::uint32_t begin = decl_begin(decl);
            std::visit(
                [&](const auto& d) {
                    using D = std::decay_t<decltype(d)>;
                    if constexpr (std::is_same_v<D, Setting>) {
                        add(begin, d.span.end);
                        if (!d.doc.empty()) add(doc_position(d), d.span.end);
                        if (d.cite) add(d.cite->span.begin, d.cite->span.end);
                    } else if constexpr (std::is_same_v<D, SettingValue>) {
                        // Its cite is a line of its own: a comment after it stays there.
                        add(begin, d.span.end);
                        if (d.cite) add(d.cite->span.begin, d.cite->span.end);
                    } else if constexpr (std::is_same_v<D, Table>) {
                        add(begin, d.span.end);
                        if (d.cite) add(d.cite->span.begin, d.cite->span.end);
                        if (d.rows_from) add(d.rows_from->span.begin, d.rows_from->span.end);
                        for (const auto& row : d.rows)
                            add(row.span.begin, row.span.end);
                        std::uint32_t end = end_position(d);
                        add(end, end + 3);
                    } else if constexpr (std::is_same_v<D, Rule>) {
                        add_rule(begin, d.span.end, d);
                    } else if constexpr (std::is_same_v<D, Override>) {
                        add_rule(begin, d.span.end, d.rule);
                    } else if constexpr (std::is_same_v<D, Exception>) {
                        add_rule(begin, d.span.end, d.rule);
                    } else {
                        add(begin, d.span.end);
                    }
                },
                decl);
        }
        std::stable_sort(items_.begin(), items_.end(),
                         [](const Item& a, const Item& b) { return a.begin < b.begin; });
    }

    std::uint32_t content_end(std::size_t i) const {
        std::uint32_t limit =
            std::min<std::uint32_t>(items_[i].own_end, std::uint32_t(text_.size()));
        if (i + 1 < items_.size()) limit = std::min(limit, items_[i + 1].begin);
        return trim_back(std::max(limit, items_[i].begin), items_[i].begin);
    }

    void attach_comments() {
        for (const auto& c : file_.comments) {
            if (lists_.placed.count(&c)) continue;
            std::uint32_t at = c.span.begin;
            auto after = std::upper_bound(
                items_.begin(), items_.end(), at,
                [](std::uint32_t pos, const Item& item) { return pos < item.begin; });
            if (after == items_.begin()) {
                if (items_.empty())
                    eof_.push_back(&c);
                else
                    attached_[items_.front().begin].leading.push_back(&c);
                continue;
            }
            std::size_t i = static_cast<std::size_t>(after - items_.begin()) - 1;
            if (at < content_end(i)) {
                attached_[items_[i].begin].leading.push_back(&c); // inside the item
            } else if (!whole_line(c) && !attached_[items_[i].begin].trailing) {
                attached_[items_[i].begin].trailing = &c;
            } else if (i + 1 < items_.size()) {
                attached_[items_[i + 1].begin].leading.push_back(&c);
            } else {
                eof_.push_back(&c);
            }
        }
    }

    // --- output ---

    void blank_line() {
        if (!w_.out.empty() && !w_.out.ends_with("\n\n")) w_.out += '\n';
    }

    // Starts an item's line: its leading comments, then the indentation.
    void open(std::uint32_t begin, std::size_t indent, std::size_t comment_indent) {
        auto found = attached_.find(begin);
        if (found != attached_.end() && !found->second.leading.empty()) {
            const auto& leading = found->second.leading;
            for (const Comment* c : leading) {
                if (blank_before(*c)) blank_line();
                w_.out.append(comment_indent, ' ');
                w_.out += c->text + "\n";
            }
            const Comment* last = leading.back();
            if (last->span.end < begin && newlines_between(last->span.end, begin) >= 2)
                blank_line();
        }
        w_.out.append(indent, ' ');
    }

    // Ends an item's line: its trailing comment, then the line break.
    void close(std::uint32_t begin) {
        auto found = attached_.find(begin);
        if (found != attached_.end() && found->second.trailing)
            w_.out += "  " + found->second.trailing->text;
        w_.out += '\n';
    }

    void line(std::uint32_t begin, std::size_t indent, const std::string& text) {
        open(begin, indent, indent);
        w_.out += text;
        close(begin);
    }

    // Consecutive one-line declarations of the same kind stay together when they were.
    bool adjacent(const Decl& previous, const Decl& next) const {
        if (previous.index() != next.index() || !one_line(previous) || !one_line(next))
            return false;
        std::uint32_t next_begin = decl_begin(next);
        auto found = attached_.find(next_begin);
        if (found != attached_.end() && !found->second.leading.empty())
            next_begin = std::min(next_begin, found->second.leading.front()->span.begin);
        return newlines_between(trim_back(next_begin, 0), next_begin) < 2;
    }

    bool one_line(const Decl& decl) const {
        if (auto* d = std::get_if<Def>(&decl))
            return !w_.must_break(d->body) &&
                   def_head(*d).size() + 1 + flat(d->body).size() <= format_width;
        return std::holds_alternative<SettingValue>(decl) ||
               std::holds_alternative<Include>(decl) || std::holds_alternative<Disable>(decl);
    }

    static std::string effective_text(const Effective& e) {
        std::string out;
        if (e.from) out += " from " + quote(e.from->text);
        if (e.until) out += " until " + quote(e.until->text);
        return out;
    }

    static const char* fixed_word(bool fixed) { return fixed ? "fixed " : ""; }

    void print(const Setting& s) {
        std::string head = fixed_word(s.fixed) + ("setting " + s.name.text + " " + flat(s.value));
        if (s.within)
            head += " within " + std::to_string(s.within->first) + ".." +
                    std::to_string(s.within->second);
        line(decl_begin_, 0, head + effective_text(s.effective));
        if (!s.doc.empty()) line(doc_position(s), 2, quote(s.doc));
        if (s.cite) line(s.cite->span.begin, 2, "cite " + quote(s.cite->text));
    }

    void print(const SettingValue& s) {
        line(s.span.begin, 0, s.name.text + " " + flat(s.value) + effective_text(s.effective));
        if (s.cite) line(s.cite->span.begin, 2, "cite " + quote(s.cite->text));
    }

    static std::string key_text(const TableKey& key) {
        if (key.literal) return flat(*key.literal);
        switch (key.range) {
        case TableKey::Range::codes:
            return key.low_text + ".." + key.high_text;
        case TableKey::Range::strings:
            return quote(key.low_text) + ".." + quote(key.high_text);
        default:
            return std::to_string(key.low) + ".." + (key.high ? std::to_string(*key.high) : "");
        }
    }

    static std::string rows_from_text(const RowsFrom& r) {
        auto column = [](const Column& c) { return c.name.text + ": " + c.type.text; };
        std::string value;
        for (const auto& c : r.value)
            value += (value.empty() ? "" : ", ") + column(c);
        if (r.record) value = "{" + value + "}";
        if (r.grouped) value = "[" + value + "]";
        std::string out = "rows from " + quote(r.path.text);
        if (!r.version.text.empty()) out += " version " + quote(r.version.text);
        return out + " " + column(r.key) + " => " + value;
    }

    void print(const Table& t) {
        std::string head = std::string(fixed_word(t.fixed)) + (t.replace ? "replace " : "") +
                           "table " + t.name.text;
        if (!t.doc.empty()) head += " " + quote(t.doc);
        line(decl_begin_, 0, head);
        if (t.cite) line(t.cite->span.begin, 2, "cite " + quote(t.cite->text));
        if (t.rows_from) line(t.rows_from->span.begin, 2, rows_from_text(*t.rows_from));
        for (const auto& row : t.rows) {
            open(row.span.begin, 2, 2);
            std::string keys;
            for (const auto& key : row.keys)
                keys += (keys.empty() ? "" : ", ") + key_text(key);
            if (row.remove) {
                w_.out += "remove " + keys;
            } else {
                w_.out += keys + " => ";
                // A record is the row's columns: one row, one line, however long.
                if (row.value && std::holds_alternative<RecordExpr>(row.value->kind))
                    w_.out += flat(*row.value);
                else if (row.value)
                    w_.expr(*row.value);
                w_.out += effective_text(row.effective);
            }
            if (row.cite) {
                std::string cite = "cite " + quote(row.cite->text);
                if (w_.fits(cite.size() + 1)) { // else on a line of its own, indented 4
                    w_.out += " " + cite;
                } else {
                    w_.newline(4);
                    w_.out += cite;
                }
            }
            close(row.span.begin);
        }
        std::uint32_t end = end_position(t);
        open(end, 0, 2);
        w_.out += "end";
        close(end);
    }

    static std::string def_head(const Def& d) {
        std::string head = "def " + d.name.text;
        if (d.is_function) {
            head += '(';
            for (std::size_t i = 0; i < d.params.size(); ++i) {
                if (i) head += ", ";
                head += d.params[i].name.text;
                if (d.params[i].type) head += ": " + d.params[i].type->text;
            }
            head += ')';
        }
        if (!d.doc.empty()) head += " " + quote(d.doc);
        return head + " =";
    }

    void print(const Def& d) {
        open(decl_begin_, 0, 0);
        std::string head = def_head(d), body = flat(d.body);
        w_.out += head;
        if (!w_.must_break(d.body) && head.size() + 1 + body.size() <= format_width) {
            w_.out += " " + body;
        } else {
            w_.newline(2);
            w_.expr(d.body);
        }
        close(decl_begin_);
    }

    void clauses(const Rule& r) {
        if (r.effective.from)
            line(from_position(r.effective), 2, "from " + quote(r.effective.from->text));
        if (r.effective.until)
            line(until_position(r.effective), 2, "until " + quote(r.effective.until->text));
        for (const auto& c : r.clauses) {
            open(c.span.begin, 2, 2);
            w_.out += std::string(vocabulary::clause(c.kind).keyword) + " ";
            if (c.kind == ClauseKind::For) w_.out += c.var->text + " in ";
            if (c.kind == ClauseKind::Let) w_.out += c.var->text + " = ";
            w_.expr(c.expr);
            if (c.units) {
                w_.out += " units ";
                w_.expr(*c.units);
            }
            if (c.modifiers) {
                w_.out += " modifiers ";
                w_.expr(*c.modifiers);
            }
            if (c.otherwise) {
                w_.out += " otherwise ";
                w_.expr(*c.otherwise);
            }
            if (c.first) w_.out += " first";
            close(c.span.begin);
        }
        if (r.cite) line(r.cite->span.begin, 2, "cite " + quote(r.cite->text));
    }

    static std::string doc_suffix(const std::string& doc) {
        return doc.empty() ? "" : " " + quote(doc);
    }

    static std::string placement_suffix(const Rule& r) {
        if (!r.placement) return "";
        return (r.placement->before ? " before " : " after ") + r.placement->target.text;
    }

    void print(const Rule& r) {
        line(decl_begin_, 0,
             fixed_word(r.fixed) + (kind_word(r.kind) + (" " + r.name.text)) + doc_suffix(r.doc) +
                 placement_suffix(r));
        clauses(r);
    }

    void print(const Override& o) {
        line(decl_begin_, 0,
             std::string("override ") + kind_word(o.rule.kind) + " " + o.rule.name.text +
                 doc_suffix(o.rule.doc) + placement_suffix(o.rule));
        clauses(o.rule);
    }

    void print(const Exception& e) {
        if (e.narrows)
            line(decl_begin_, 0,
                 std::string("narrow ") + kind_word(e.target_kind) + " " + e.target.text +
                     doc_suffix(e.rule.doc) + placement_suffix(e.rule));
        else
            line(decl_begin_, 0,
                 "exception " + e.rule.name.text + " to " + kind_word(e.target_kind) + " " +
                     e.target.text + (e.per ? " per " + e.per->text : "") + doc_suffix(e.rule.doc) +
                     placement_suffix(e.rule));
        clauses(e.rule);
    }

    void print(const Disable& d) {
        line(decl_begin_, 0,
             std::string("disable ") + kind_word(d.kind) + " " + d.target.text +
                 doc_suffix(d.reason));
    }

    void print(const Include& i) { line(decl_begin_, 0, "include " + quote(i.path)); }

    // `require CONDITION` on its line (wrapped as a definition's body is), the reason below:
    // one piece, so that a comment after the reason stays there.
    void print(const Require& r) {
        open(decl_begin_, 0, 0);
        w_.out += "require ";
        w_.expr(r.condition);
        w_.newline(2);
        w_.out += "because " + quote(r.reason);
        close(decl_begin_);
    }

    // A source's fields, one a line: a title and a link are too long to share one.
    void print(const Source& s) {
        open(decl_begin_, 0, 0);
        w_.out += "source " + s.key.text + " " + quote(s.title);
        for (auto [word, field] : {std::pair{"publisher", &s.publisher}, std::pair{"date", &s.date},
                                   std::pair{"link", &s.link}})
            if (*field) {
                w_.newline(2);
                w_.out += std::string(word) + " " + quote((*field)->text);
            }
        w_.newline(2);
        w_.out += s.verified ? "verified" : "unverified";
        close(decl_begin_);
    }
};

} // namespace

std::string format(const ast::PolicyFile& file, std::string_view source) {
    return Formatter(file, source).run();
}

bool has_policy_header(std::string_view text) {
    // A byte order mark, and CR or CRLF line ends, as the parser reads them.
    std::size_t i = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    while (i < text.size()) {
        if (std::isspace(static_cast<unsigned char>(text[i]))) {
            ++i;
        } else if (text[i] == '#') {
            while (i < text.size() && text[i] != '\n' && text[i] != '\r')
                ++i;
        } else {
            break;
        }
    }
    if (text.substr(i, 6) != "policy") return false;
    if (i + 6 >= text.size()) return true;
    char next = text[i + 6];
    return !(std::isalnum(static_cast<unsigned char>(next)) || next == '_');
}

namespace {

// Which declaration of `file` line `line` of its canonical text `formatted` is in: in canonical
// form every declaration (and the header) starts a line with its keyword, and no other line
// starts with a word but `end` (which a comment may follow).
std::optional<Span> declaration_at(const ast::PolicyFile& file, const SourceFile& formatted,
                                   std::uint32_t line) {
    std::size_t starts = 0;
    for (std::uint32_t l = 1; l <= line; ++l) {
        std::string_view text = formatted.line_text(l);
        std::string_view word = text.substr(0, text.find_first_of(" \t#"));
        if (!text.empty() && text[0] >= 'a' && text[0] <= 'z' && word != "end") ++starts;
    }
    std::size_t index = starts - (file.has_header ? 1 : 0);
    if (starts == 0 || index == 0 || index > file.decls.size()) return std::nullopt;
    Span span = std::visit([](const auto& d) { return d.span; }, file.decls[index - 1]);
    return Span{span.file, span.begin, span.begin};
}

} // namespace

std::optional<std::string> format_source(const SourceMap& sources, FileId file,
                                         Diagnostics& diagnostics) {
    std::string_view text = sources.get(file).text();
    Diagnostics found;
    ast::PolicyFile parsed = parse(sources, file, found, has_policy_header(text));
    bool failed = found.has_errors();
    diagnostics.append(found);
    if (failed) return std::nullopt;
    std::string formatted = format(parsed, text);
    // Never a text that does not parse: the canonical form can nest deeper than the text it
    // came from (an `if` as a comprehension's source is put in parentheses), past what the
    // parser takes.
    SourceMap again;
    FileId again_id = again.add(std::string(sources.get(file).path()), formatted);
    Diagnostics refused;
    parse(again, again_id, refused, has_policy_header(formatted));
    if (!refused.has_errors()) return formatted;
    const std::vector<Diagnostic> reasons = refused.sorted();
    const Diagnostic& first = *std::find_if(reasons.begin(), reasons.end(), [](const auto& d) {
        return d.severity == Severity::error;
    });
    const SourceFile& canonical = again.get(again_id);
    std::uint32_t line = canonical.locate(first.span ? first.span->begin : 0).line;
    diagnostics
        .error("fmt.unformattable",
               declaration_at(parsed, canonical, line).value_or(Span{file, 0, 0}),
               "the canonical form of this declaration does not parse: at line " +
                   std::to_string(line) + " of the formatted text, " + first.message + " [" +
                   first.code + "]; the file is left as it is")
        .help = first.code == "parse.too_deep"
                    ? "nest it less deeply: give an inner part a name of its own with `def`"
                    : "this is a mistake of cpl fmt: please report it with the file";
    return std::nullopt;
}

void append_escaped(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '{':
            out += "\\{";
            break;
        case '}':
            out += "\\}";
            break;
        default:
            out += c;
        }
    }
}

std::string escape_string(std::string_view text) {
    std::string out;
    append_escaped(out, text);
    return out;
}

} // namespace cpl
