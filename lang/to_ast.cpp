// lang/to_ast.cpp — parse tree → AST; context-sensitive syntax checks (number range,
// plain-text citations), collected rather than thrown.
#include "dates.hpp"
#include "grammar_vocabulary.hpp"
#include "parse.hpp"
#include "parse_tree.hpp"
#include "vocabulary.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <limits>

namespace cpl::detail {

namespace {

class Converter {
public:
    Converter(FileId file, Diagnostics& diagnostics) : file_(file), diagnostics_(diagnostics) {}

    Span span(const Node& n) const {
        // m_begin/m_end, not begin()/end(): those build a position that names the input,
        // and the input is gone once parsing returns (the source text itself lives on).
        auto begin = static_cast<std::uint32_t>(n.m_begin.byte);
        return {file_, begin, begin + static_cast<std::uint32_t>(code_length(n.string_view()))};
    }

    std::string_view trimmed(const Node& n) const {
        return n.string_view().substr(0, code_length(n.string_view()));
    }

    ast::Ident ident(const Node& n) const { return {n.string(), span(n)}; }

    template <typename... Rules> static bool is(const Node& n) {
        return (n.is_type<Rules>() || ...);
    }

    // --- literals ---

    std::int64_t number(const Node& n) {
        std::int64_t value = 0;
        for (char c : n.string_view()) {
            if (c == '_') continue;
            if (value > (std::numeric_limits<std::int64_t>::max() - (c - '0')) / 10) {
                diagnostics_.error("parse.number_too_large", span(n),
                                   fmt::format("number `{}` is too large", n.string_view()));
                return 0;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    static char unescape(char c) {
        switch (c) {
        case 'n':
            return '\n';
        case 't':
            return '\t';
        default:
            return c;
        }
    }

    ast::StringLit string_lit(const Node& n) {
        ast::StringLit lit;
        auto append_text = [&](std::string text) {
            if (!lit.parts.empty() && std::holds_alternative<std::string>(lit.parts.back()))
                std::get<std::string>(lit.parts.back()) += text;
            else
                lit.parts.emplace_back(std::move(text));
        };
        for (const auto& child : n.children) {
            if (child->is_type<g::str_text>())
                append_text(child->string());
            else if (child->is_type<g::str_escape>())
                append_text(std::string(1, unescape(child->string_view()[1])));
            else
                lit.parts.emplace_back(std::make_unique<ast::Expr>(expr(*child->children.at(0))));
        }
        return lit;
    }

    // A string that must be plain text: a doc string, a citation, a path.
    std::string plain_string(const Node& n, std::string_view what) {
        ast::StringLit lit = string_lit(n);
        std::string out;
        for (auto& part : lit.parts) {
            if (auto* text = std::get_if<std::string>(&part))
                out += *text;
            else
                diagnostics_
                    .error("parse.interpolation_not_allowed", span(n),
                           fmt::format("{} is plain text and cannot interpolate `{{…}}`", what))
                    .help = "write `\\{` for a literal brace";
        }
        return out;
    }

    // --- expressions ---

    ast::ExprPtr boxed(const Node& n) { return std::make_unique<ast::Expr>(expr(n)); }

    ast::Expr literal(const Node& n) {
        if (n.is_type<g::code_lit>()) return {ast::CodeLit{n.string()}, span(n)};
        if (n.is_type<g::number>()) return {ast::NumberLit{number(n)}, span(n)};
        if (n.is_type<g::fraction>())
            return {ast::NumberLit{number(*n.children.at(0)), n.string()}, span(n)};
        if (n.is_type<g::bool_lit>()) return {ast::BoolLit{n.string_view() == "true"}, span(n)};
        return {string_lit(n), span(n)};
    }

    // An operator node's text as the vocabulary spells it: its words one blank apart, without
    // the blanks and comments that follow or split them (`not  # …\n in`).
    static std::string spelling(std::string_view text) {
        std::string out;
        bool blank = false;
        for (std::size_t i = 0; i < text.size(); ++i) {
            char c = text[i];
            if (c == '#') {
                while (i + 1 < text.size() && text[i + 1] != '\n')
                    ++i;
                blank = true;
            } else if (std::isspace(static_cast<unsigned char>(c))) {
                blank = true;
            } else {
                if (blank && !out.empty()) out += ' ';
                blank = false;
                out += c;
            }
        }
        return out;
    }

    // The grammar's operator rules accept exactly the vocabulary's spellings
    // (tests/lang/vocabulary_test.cpp), so the lookup always finds one.
    static ast::BinaryOp binary_op(const Node& op) {
        return vocabulary::binary_spelled(spelling(op.string_view())).value();
    }

    // --- depth (INVARIANT bounded AST, parse.hpp) ---

    // Sets the depth an expression sits at for the duration of its conversion.
    struct Nest {
        std::size_t& depth;
        std::size_t saved;
        Nest(std::size_t& d, std::size_t to) : depth(d), saved(d) { depth = to; }
        ~Nest() { depth = saved; }
        Nest(const Nest&) = delete;
        Nest& operator=(const Nest&) = delete;
    };

    // Converts `n`, which will sit `below` levels under the expression being converted.
    // A chain of k operands folds into a tree whose first operand is k - 1 levels down.
    ast::Expr nested(const Node& n, std::size_t below) {
        Nest nest(depth_, depth_ + below - 1);
        return expr(n);
    }

    // The stand-in for an expression too deep to keep: reported once per declaration, and
    // built without converting (or later destroying) the deep tree.
    ast::Expr too_deep(const Node& n) {
        // A folded chain's own node spans nothing useful, and the whole chain may be very long:
        // point at its first operand, or at the first token of it that kept its text (an
        // operand that is a chain itself has none: fold_one dropped it).
        const Node* first = n.children.empty() ? &n : n.children.front().get();
        while (!first->has_content() && !first->children.empty())
            first = first->children.front().get();
        Span at = first->has_content() ? span(*first) : Span{file_, 0, 0};
        if (!too_deep_reported_)
            diagnostics_
                .error("parse.too_deep", at,
                       fmt::format("expression nested too deeply (more than {} levels; each "
                                   "operator of a chain is one level)",
                                   max_expr_depth))
                .help = "split the expression into several `def`s";
        too_deep_reported_ = true;
        return {ast::NumberLit{0}, at};
    }

    // Where operand `n` (converted to `e`) stands in the text: with its parentheses, if it has
    // them, so that `(a + b) > (c)` is underlined whole, not from `a` to `c`.
    Span operand_span(const Node& n, const ast::Expr& e) const {
        return n.is_type<g::paren>() ? span(n) : e.span;
    }

    // Children alternate operand, operator node, operand, …; folds to the left.
    ast::Expr left_fold(const Node& n) {
        std::size_t k = (n.children.size() + 1) / 2;
        if (depth_ + k - 1 > max_expr_depth) return too_deep(n);
        ast::Expr acc = nested(*n.children.at(0), k - 1);
        std::uint32_t begin = operand_span(*n.children[0], acc).begin;
        for (std::size_t i = 1; i + 1 < n.children.size(); i += 2) {
            const Node& op = *n.children[i];
            ast::BinaryOp kind = binary_op(op);
            ast::Expr right = nested(*n.children[i + 1], k - (i + 1) / 2);
            Span whole{file_, begin, operand_span(*n.children[i + 1], right).end};
            acc = {ast::Binary{kind, std::make_unique<ast::Expr>(std::move(acc)),
                               std::make_unique<ast::Expr>(std::move(right)), span(op)},
                   whole};
        }
        return acc;
    }

    // Children are all operands of one logical operator.
    ast::Expr logical_fold(const Node& n, ast::BinaryOp op) {
        std::size_t k = n.children.size();
        if (depth_ + k - 1 > max_expr_depth) return too_deep(n);
        ast::Expr acc = nested(*n.children.at(0), k - 1);
        std::uint32_t begin = operand_span(*n.children[0], acc).begin;
        for (std::size_t i = 1; i < n.children.size(); ++i) {
            ast::Expr right = nested(*n.children[i], k - i);
            Span whole{file_, begin, operand_span(*n.children[i], right).end};
            acc = {ast::Binary{op, std::make_unique<ast::Expr>(std::move(acc)),
                               std::make_unique<ast::Expr>(std::move(right)), whole},
                   whole};
        }
        return acc;
    }

    // The primary, then m member or index suffixes: the primary sits m levels down.
    ast::Expr postfix(const Node& n) {
        std::size_t m = n.children.size() - 1;
        if (depth_ + m > max_expr_depth) return too_deep(n);
        ast::Expr acc = nested(*n.children.at(0), m);
        std::uint32_t begin = operand_span(*n.children[0], acc).begin;
        for (std::size_t i = 1; i < n.children.size(); ++i) {
            const Node& op = *n.children[i];
            // Up to its last character: not the whitespace, comments or line end after it.
            Span whole{file_, begin, span(op).end};
            if (op.is_type<g::member>())
                acc = {ast::Member{std::make_unique<ast::Expr>(std::move(acc)),
                                   ident(*op.children.at(0))},
                       whole};
            else
                acc = {
                    ast::Index{std::make_unique<ast::Expr>(std::move(acc)),
                               std::make_unique<ast::Expr>(nested(*op.children.at(0), m - i + 1))},
                    whole};
        }
        return acc;
    }

    // An element written `if c then x` (a Conditional) or `if c then x else y` (an IfExpr).
    ast::Expr list_when(const Node& n) {
        if (n.children.size() == 3)
            return {ast::IfExpr{boxed(*n.children[0]), boxed(*n.children[1]),
                                boxed(*n.children[2]->children.at(0))},
                    span(n)};
        return {ast::Conditional{boxed(*n.children.at(0)), boxed(*n.children.at(1))}, span(n)};
    }

    ast::Expr bracket(const Node& n) {
        if (n.children.size() == 2 && n.children[1]->is_type<g::comp_tail>()) {
            const Node& tail = *n.children[1];
            ast::Comprehension comp;
            comp.element = n.children[0]->is_type<g::list_when>()
                               ? std::make_unique<ast::Expr>(list_when(*n.children[0]))
                               : boxed(*n.children[0]);
            // `[if c then x for v in l]`: a comprehension keeps elements by its own `if`.
            if (auto* conditional = std::get_if<ast::Conditional>(&comp.element->kind)) {
                diagnostics_
                    .error("parse.expected_else", comp.element->span,
                           "expected `else`: an `if` that begins a comprehension needs both "
                           "branches")
                    .help = "to keep only some elements, put the condition last: `[x for v in "
                            "list if condition]`";
                comp.element = std::move(conditional->element);
            }
            comp.var = ident(*tail.children.at(0));
            comp.source = boxed(*tail.children.at(1));
            if (tail.children.size() > 2) comp.filter = boxed(*tail.children[2]->children.at(0));
            return {std::move(comp), span(n)};
        }
        ast::ListExpr list;
        for (const auto& child : n.children)
            list.items.push_back(child->is_type<g::list_when>() ? list_when(*child) : expr(*child));
        return {std::move(list), span(n)};
    }

    ast::Expr expr(const Node& n) {
        // What is inside keeps its own span (a name's is where a rename writes); an operation
        // around it spans the parentheses too (operand_span).
        if (n.is_type<g::paren>()) return expr(*n.children.at(0));
        Nest nest(depth_, depth_ + 1);
        if (depth_ > max_expr_depth) return too_deep(n);
        if (is<g::code_lit, g::number, g::fraction, g::bool_lit, g::string_lit>(n))
            return literal(n);
        if (n.is_type<g::var_ref>()) return {ast::NameRef{n.children.at(0)->string()}, span(n)};
        if (n.is_type<g::call>()) {
            ast::Call call{ident(*n.children.at(0)), {}};
            for (std::size_t i = 1; i < n.children.size(); ++i)
                call.args.push_back(expr(*n.children[i]));
            return {std::move(call), span(n)};
        }
        if (n.is_type<g::bracket>()) return bracket(n);
        if (n.is_type<g::quantified>()) {
            ast::Quantified q;
            const Node& word = *n.children.at(0);
            q.kind = word.is_type<g::quantifier_all>()    ? ast::Quantified::Kind::all
                     : word.is_type<g::quantifier_none>() ? ast::Quantified::Kind::none
                                                          : ast::Quantified::Kind::any;
            q.var = ident(*n.children.at(1));
            q.source = boxed(*n.children.at(2));
            q.condition = boxed(*n.children.at(3));
            return {std::move(q), span(n)};
        }
        if (n.is_type<g::record>()) {
            ast::RecordExpr record;
            for (const auto& field : n.children)
                record.fields.push_back(
                    {ident(*field->children.at(0)), expr(*field->children.at(1))});
            return {std::move(record), span(n)};
        }
        if (n.is_type<g::if_expr>())
            return {ast::IfExpr{boxed(*n.children.at(0)), boxed(*n.children.at(1)),
                                boxed(*n.children.at(2))},
                    span(n)};
        if (n.is_type<g::first_expr>()) {
            ast::FirstMatch first;
            for (std::size_t i = 0; i + 1 < n.children.size(); ++i)
                first.arms.push_back(
                    {expr(*n.children[i]->children.at(0)), expr(*n.children[i]->children.at(1))});
            first.otherwise = boxed(*n.children.back());
            return {std::move(first), span(n)};
        }
        if (n.is_type<g::neg>())
            return {ast::Unary{ast::UnaryOp::Neg, boxed(*n.children.at(0))}, span(n)};
        if (n.is_type<g::not_expr>())
            return {ast::Unary{ast::UnaryOp::Not, boxed(*n.children.at(0))}, span(n)};
        if (n.is_type<g::postfix>()) return postfix(n);
        if (n.is_type<g::and_expr>() || n.is_type<g::expect_and_operand>())
            return logical_fold(n, ast::BinaryOp::And);
        if (n.is_type<g::or_expr>()) return logical_fold(n, ast::BinaryOp::Or);
        // product, sum, range, comparison and their expect_* twins
        return left_fold(n);
    }

    // --- declarations ---

    // Fills `effective` from an `effective_from` / `effective_until` node; false otherwise.
    bool effective(const Node& n, ast::Effective& out) {
        bool from = n.is_type<g::effective_from>();
        if (!from && !n.is_type<g::effective_until>()) return false;
        const Node& text = *n.children.at(0);
        ast::Ident date{plain_string(text, "a date"), span(text)};
        if (!looks_like_date(date.text))
            diagnostics_.error(
                "parse.bad_date", date.span,
                fmt::format("`{}` is not a date of service as YYYY-MM-DD", date.text));
        else if (!parse_date(date.text))
            diagnostics_
                .error("parse.bad_date", date.span,
                       fmt::format("`{}` is not a calendar date", date.text))
                .help = "the month must be 01-12, and the day one that month has";
        bool valid = parse_date(date.text).has_value();
        // A second `from` (or `until`) replaced the first unseen, and `cpl fmt` dropped it.
        if (const auto& before = from ? out.from : out.until) {
            diagnostics_
                .error("parse.duplicate_date", date.span,
                       fmt::format("`{}` is given twice: `{} \"{}\"` came first",
                                   from ? "from" : "until", from ? "from" : "until", before->text))
                .help = fmt::format("keep one `{}`: an item holds from one date until another",
                                    from ? "from" : "until");
            return true;
        }
        (from ? out.from : out.until) = std::move(date);
        // `until` is exclusive: a range that does not end after it starts holds no date.
        if (valid && out.from && out.until && parse_date(out.from->text) &&
            parse_date(out.until->text) && out.until->text <= out.from->text)
            diagnostics_
                .error("parse.bad_date", (from ? out.from : out.until)->span,
                       fmt::format("from {} until {} holds no date of service", out.from->text,
                                   out.until->text))
                .help = "`until` is the first date it no longer holds: it must come after `from`";
        return true;
    }

    std::optional<ast::Cite> cite(const Node& n) {
        return ast::Cite{plain_string(*n.children.at(0), "a citation"), span(n)};
    }

    ast::TableKey table_key(const Node& n) {
        const Node& inner = *n.children.at(0);
        ast::TableKey key;
        key.span = span(n);
        if (inner.is_type<g::key_range>())
            key_range(inner, key);
        else
            key.literal = literal(inner);
        return key;
    }

    // key_range <- bound '..' [bound]: both bounds of one kind (numbers, codes of digits, or
    // strings), the lower first; a range of codes holds at most max_code_range codes.
    void key_range(const Node& n, ast::TableKey& key) {
        const Node& low = *n.children.at(0);
        const Node* high = n.children.size() > 2 ? n.children[2].get() : nullptr;
        auto kind = [](const Node& b) {
            return b.is_type<g::code_lit>() ? ast::TableKey::Range::codes
                   : b.is_type<g::number>() ? ast::TableKey::Range::numbers
                                            : ast::TableKey::Range::strings;
        };
        using R = ast::TableKey::Range;
        key.range = kind(low);
        auto bad = [&](std::string message, std::string help) {
            diagnostics_.error("parse.bad_range_key", span(n), std::move(message)).help =
                std::move(help);
            key.range = R::none;
            key.literal = literal(low); // well formed; the parse error stops the policy anyway
        };
        if (high && kind(*high) != key.range)
            return bad(fmt::format("the bounds of `{}` are {} and {}: a range key needs two of a "
                                   "kind",
                                   trimmed(n), bound_name(key.range), bound_name(kind(*high))),
                       "write two numbers (`1..4`), two codes (`95907..95913`) or two strings "
                       "(`\"G56.00\"..\"G56.03\"`)");
        if (key.range == R::strings) {
            key.low_text = plain_string(low, "a table key");
            if (!high)
                return bad(fmt::format("the range `{}` has no upper bound", trimmed(n)),
                           "a range of strings needs both bounds: `\"G56.00\"..\"G56.03\"`");
            key.high_text = plain_string(*high, "a table key");
            if (auto start = numbers_of_other_lengths(key.low_text, key.high_text))
                return bad(fmt::format("the range `{}` compares its bounds as text, character by "
                                       "character: numbers with different counts of digits are "
                                       "not in order there (\"T10\" comes before \"T2\"), so it "
                                       "does not hold the values between them",
                                       trimmed(n)),
                           fmt::format("list the keys one by one: `\"{}\", \"{}\", … => …`",
                                       key.low_text, next_number(key.low_text, *start)));
            if (key.high_text < key.low_text) empty_range(n);
            return;
        }
        if (key.range == R::codes) {
            for (const Node* b : {&low, high}) {
                if (!b) continue;
                std::string_view text = b->string_view();
                if (!std::all_of(text.begin(), text.end(),
                                 [](char c) { return c >= '0' && c <= '9'; }))
                    return bad(fmt::format("`{}` is not a code of digits, so `{}` is not a range "
                                           "of codes",
                                           text, trimmed(n)),
                               "write the codes of the range one by one: `0766T, 0767T => …`");
            }
            key.low_text = low.string();
            if (high) key.high_text = high->string();
        }
        key.low = number(low);
        if (high) key.high = number(*high);
        if (key.high && *key.high < key.low) return empty_range(n);
        if (key.range == R::codes) {
            // An open range of codes runs to the largest code of its width (99999).
            std::int64_t top = key.high.value_or(largest_code(key.low_text.size()));
            if (top - key.low >= max_code_range)
                bad(fmt::format("the range `{}` covers {} codes; a range key covers at most {}",
                                trimmed(n), top - key.low + 1, max_code_range),
                    "split it, or list the codes the table needs");
        }
    }

    // Where two texts first differ, both have a whole number there (not digits after a `.`,
    // which order as text: "G56.0".."G56.12"), of different counts of digits ("T3" and "T11"):
    // ordered as text, they are not ordered as numbers. Where the number begins, if so.
    static std::optional<std::size_t> numbers_of_other_lengths(std::string_view a,
                                                               std::string_view b) {
        auto digit = [](char c) { return c >= '0' && c <= '9'; };
        std::size_t i = 0;
        while (i < a.size() && i < b.size() && a[i] == b[i])
            ++i;
        std::size_t start = i;
        while (start > 0 && digit(a[start - 1]))
            --start; // the number the difference is in began before it
        if (start > 0 && a[start - 1] == '.') return std::nullopt;
        auto run = [&](std::string_view s) {
            std::size_t end = start;
            while (end < s.size() && digit(s[end]))
                ++end;
            return end - start;
        };
        std::size_t in_a = run(a), in_b = run(b);
        if (in_a == 0 || in_b == 0 || in_a == in_b || in_a > 9) return std::nullopt;
        return start;
    }

    // `text` with its number at `start` one more ("T3" → "T4").
    static std::string next_number(std::string_view text, std::size_t start) {
        std::size_t end = start;
        while (end < text.size() && text[end] >= '0' && text[end] <= '9')
            ++end;
        long value = std::stol(std::string(text.substr(start, end - start)));
        return std::string(text.substr(0, start)) + std::to_string(value + 1) +
               std::string(text.substr(end));
    }

    static constexpr std::int64_t max_code_range = 10'000;

    static std::int64_t largest_code(std::size_t width) {
        std::int64_t top = 1;
        for (std::size_t i = 0; i < width; ++i)
            top *= 10;
        return top - 1;
    }

    static const char* bound_name(ast::TableKey::Range range) {
        switch (range) {
        case ast::TableKey::Range::codes:
            return "a code";
        case ast::TableKey::Range::numbers:
            return "a number";
        default:
            return "a string";
        }
    }

    void empty_range(const Node& n) {
        diagnostics_
            .error("parse.empty_range", span(n), fmt::format("the range `{}` is empty", trimmed(n)))
            .help = "write the lower bound first";
    }

    ast::Table table(const Node& n) {
        ast::Table table;
        table.span = span(n);
        for (const auto& child : n.children) {
            const Node& c = *child;
            if (c.is_type<g::replace_mark>())
                table.replace = true;
            else if (c.is_type<g::name>())
                table.name = ident(c);
            else if (c.is_type<g::string_lit>()) {
                table.doc = plain_string(c, "a table's description");
                table.doc_span = span(c);
            } else if (c.is_type<g::cite>())
                table.cite = cite(c);
            else if (c.is_type<g::rows_from>())
                rows_from(c, table);
            else
                table.rows.push_back(row(c));
        }
        return table;
    }

    void rows_from(const Node& n, ast::Table& table) {
        if (table.rows_from) {
            diagnostics_
                .error("parse.second_rows_from", span(n), "a table reads its rows from one file")
                .help =
                "keep one `rows from`; rows written out in the table add to or replace its rows";
            return;
        }
        ast::RowsFrom out;
        out.span = span(n);
        for (const auto& child : n.children) {
            const Node& c = *child;
            if (c.is_type<g::string_lit>())
                out.path = {plain_string(c, "a file path"), span(c)};
            else if (c.is_type<g::rows_version>())
                out.version = {plain_string(*c.children.at(0), "a version"),
                               span(*c.children.at(0))};
            else if (c.is_type<g::csv_column>() && out.key.name.text.empty())
                out.key = column(c);
            else
                value_columns(c, out);
        }
        table.rows_from = std::move(out);
    }

    void value_columns(const Node& n, ast::RowsFrom& out) {
        if (n.is_type<g::csv_group>()) {
            out.grouped = true;
            for (const auto& child : n.children)
                value_columns(*child, out);
        } else if (n.is_type<g::csv_record>()) {
            out.record = true;
            for (const auto& child : n.children)
                out.value.push_back(column(*child));
        } else {
            out.value.push_back(column(n));
        }
    }

    ast::Column column(const Node& n) const {
        return {ident(*n.children.at(0)), ident(*n.children.at(1))};
    }

    ast::TableRow row(const Node& n) {
        ast::TableRow row;
        row.span = span(n);
        row.remove = n.is_type<g::remove_row>();
        for (const auto& child : n.children) {
            if (effective(*child, row.effective)) continue;
            if (is<g::table_key, g::expect_key>(*child))
                row.keys.push_back(table_key(*child));
            else if (child->is_type<g::cite>())
                row.cite = cite(*child);
            else
                row.value = expr(*child);
        }
        return row;
    }

    std::optional<ast::Decl> setting(const Node& n) {
        ast::Setting s{
            ident(*n.children.at(0)), literal(*n.children.at(1)), {}, {}, {}, {}, false, span(n)};
        for (std::size_t i = 2; i < n.children.size(); ++i) {
            const Node& c = *n.children[i];
            if (effective(c, s.effective)) continue;
            if (c.is_type<g::within>()) {
                const Node& range = *c.children.at(0);
                s.within = {{number(*range.children.at(0)), number(*range.children.at(1))}};
                if (s.within->second < s.within->first) empty_range(range);
            } else if (c.is_type<g::string_lit>()) {
                s.doc = plain_string(c, "a setting's description");
            } else {
                s.cite = cite(c);
            }
        }
        return s;
    }

    std::optional<ast::Decl> def(const Node& n) {
        ast::Def d{ident(*n.children.at(0)), false, {}, {}, {}, span(n)};
        for (std::size_t i = 1; i < n.children.size(); ++i) {
            const Node& c = *n.children[i];
            if (c.is_type<g::params>()) {
                d.is_function = true;
                for (const auto& p : c.children) {
                    ast::Param param{ident(*p->children.at(0)), {}};
                    if (p->children.size() > 1) param.type = ident(*p->children[1]->children.at(0));
                    d.params.push_back(std::move(param));
                }
            } else if (c.is_type<g::string_lit>() && i + 1 < n.children.size()) {
                d.doc = plain_string(c, "a definition's description");
            } else {
                d.body = expr(c);
            }
        }
        return d;
    }

    ast::Clause clause(const Node& n) {
        ast::Clause c{clause_rules::kind_of(n), {}, {}, {}, {}, span(n), {}};
        std::size_t i = 0;
        if (c.kind == ast::ClauseKind::For || c.kind == ast::ClauseKind::Let)
            c.var = ident(*n.children.at(i++));
        c.expr = expr(*n.children.at(i++));
        for (; i < n.children.size(); ++i) {
            const Node& extra = *n.children[i];
            if (extra.is_type<g::bill_units>())
                c.units = expr(*extra.children.at(0));
            else if (extra.is_type<g::add_first>())
                c.first = true;
            else if (extra.is_type<g::when_otherwise>())
                c.otherwise = expr(*extra.children.at(0));
            else
                c.modifiers = expr(*extra.children.at(0));
        }
        return c;
    }

    // Fills a rule from children starting at `first`: [string] [placement] clause…
    void rule_body(const Node& n, std::size_t first, ast::Rule& rule) {
        for (std::size_t i = first; i < n.children.size(); ++i) {
            const Node& c = *n.children[i];
            if (effective(c, rule.effective)) continue;
            if (c.is_type<g::placement>()) {
                // Of the two words only `before` is a node: with `after`, the name is alone.
                rule.placement = ast::Placement{c.children.at(0)->is_type<g::placement_before>(),
                                                ident(*c.children.back()), span(c)};
            } else if (c.is_type<g::string_lit>()) {
                rule.doc = plain_string(c, "a rule's description");
            } else if (c.is_type<g::cite>()) {
                if (rule.cite)
                    diagnostics_
                        .error("parse.duplicate_cite", span(c),
                               fmt::format("`{}` already has a citation", rule.name.text))
                        .help = "put every source in one `cite`, separated by `;`";
                rule.cite = cite(c);
            } else {
                rule.clauses.push_back(clause(c));
            }
        }
    }

    ast::Rule rule(const Node& n) {
        ast::Rule r;
        r.kind = n.is_type<g::edit>() ? ast::RuleKind::Edit : ast::RuleKind::Rule;
        r.name = ident(*n.children.at(0));
        r.span = span(n);
        rule_body(n, 1, r);
        return r;
    }

    // `exception NAME to KIND …` and `narrow KIND TARGET …`: the parts they share.
    ast::Exception exception(const Node& n, const Node& name, const Node& kind) {
        ast::Exception e;
        e.span = span(n);
        e.rule.kind = kind_of(kind);
        e.rule.name = ident(name);
        e.rule.span = span(n);
        e.target_kind = e.rule.kind;
        e.kind_span = span(kind);
        return e;
    }

    static ast::RuleKind kind_of(const Node& n) {
        return n.is_type<g::kind_edit>() ? ast::RuleKind::Edit : ast::RuleKind::Rule;
    }

    std::optional<ast::Decl> decl(const Node& n) {
        if (n.is_type<g::setting>()) return setting(n);
        if (n.is_type<g::setting_value>()) {
            ast::SettingValue v{
                ident(*n.children.at(0)), literal(*n.children.at(1)), {}, {}, span(n)};
            for (std::size_t i = 2; i < n.children.size(); ++i)
                if (!effective(*n.children[i], v.effective)) v.cite = cite(*n.children[i]);
            return v;
        }
        if (n.is_type<g::fixed_decl>()) {
            auto inner = decl(*n.children.at(0));
            if (!inner) return inner;
            std::visit(
                [](auto& d) {
                    if constexpr (requires { d.fixed; }) d.fixed = true;
                },
                *inner);
            return inner;
        }
        if (n.is_type<g::table_decl>()) return table(n);
        if (n.is_type<g::def>()) return def(n);
        if (is<g::rule, g::edit>(n)) return rule(n);
        if (n.is_type<g::override_decl>()) return ast::Override{rule(*n.children.at(0)), span(n)};
        if (n.is_type<g::disable_decl>()) {
            ast::Disable d{kind_of(*n.children.at(0)),
                           ident(*n.children.at(1)),
                           {},
                           span(n),
                           span(*n.children.at(0))};
            if (n.children.size() > 2) d.reason = plain_string(*n.children[2], "a reason");
            return d;
        }
        if (n.is_type<g::exception_decl>()) {
            ast::Exception e = exception(n, *n.children.at(0), *n.children.at(1));
            e.target = ident(*n.children.at(2));
            std::size_t body = 3;
            if (n.children.size() > 3 && n.children[3]->is_type<g::exception_per>())
                e.per = ident(*n.children[body++]->children.at(0));
            rule_body(n, body, e.rule);
            return e;
        }
        if (n.is_type<g::narrow_decl>()) {
            // A narrowing has no name of its own: it goes by its target's.
            ast::Exception e = exception(n, *n.children.at(1), *n.children.at(0));
            e.narrows = true;
            e.target = e.rule.name;
            rule_body(n, 2, e.rule);
            return e;
        }
        if (n.is_type<g::require_decl>())
            return ast::Require{expr(*n.children.at(0)),
                                plain_string(*n.children.at(1), "a requirement's reason"), span(n),
                                span(*n.children.at(1))};
        if (n.is_type<g::include_decl>())
            return ast::Include{plain_string(*n.children.at(0), "an include path"), span(n)};
        if (n.is_type<g::source_decl>()) return source(n);
        return std::nullopt;
    }

    // source <- 'source' source_key string ['publisher' string] ['date' string] ['link' string]
    // verified
    ast::Source source(const Node& n) {
        ast::Source out;
        out.span = span(n);
        out.key = ident(*n.children.at(0));
        out.title = plain_string(*n.children.at(1), "a source's title");
        for (std::size_t i = 2; i < n.children.size(); ++i) {
            const Node& c = *n.children[i];
            if (c.is_type<g::source_verified>()) {
                out.verified = true;
                continue;
            }
            const Node& text = *c.children.at(0);
            ast::Ident field{plain_string(text, "a source's field"), span(text)};
            (c.is_type<g::source_publisher>() ? out.publisher
             : c.is_type<g::source_date>()    ? out.date
                                              : out.link) = std::move(field);
        }
        // A link is there for a reader to open: a web address, not a note.
        if (out.link && !out.link->text.starts_with("https://") &&
            !out.link->text.starts_with("http://"))
            diagnostics_
                .error("parse.bad_link", out.link->span,
                       fmt::format("`{}` is not a web address", out.link->text))
                .help =
                "a link starts with https:// or http://; leave it out when the source has none";
        return out;
    }

    void header(const Node& n, ast::PolicyFile& policy) {
        policy.name = ident(*n.children.at(0));
        for (std::size_t i = 1; i < n.children.size(); ++i) {
            const Node& c = *n.children[i];
            if (effective(c, policy.effective)) continue;
            if (c.is_type<g::extends_clause>()) {
                const Node& base = *c.children.at(0);
                policy.extends_is_path = base.is_type<g::string_lit>();
                policy.extends = ast::Ident{policy.extends_is_path ? plain_string(base, "a path")
                                                                   : base.string(),
                                            span(base)};
            } else {
                policy.title = plain_string(c, "a policy's title");
            }
        }
    }

private:
    FileId file_;
    Diagnostics& diagnostics_;
    std::size_t depth_ = 0; // how deep in its expression the node being converted sits
    bool too_deep_reported_ = false;
};

} // namespace

std::optional<ast::Decl> to_decl(const Node& node, FileId file, Diagnostics& diagnostics) {
    return Converter(file, diagnostics).decl(node);
}

void header_to_ast(const Node& node, FileId file, ast::PolicyFile& policy,
                   Diagnostics& diagnostics) {
    Converter(file, diagnostics).header(node, policy);
}

} // namespace cpl::detail
