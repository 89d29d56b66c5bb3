// lang/ast.hpp — the abstract syntax tree: plain structs, every node with its Span.
// No PEGTL type appears here; the parse tree never leaves lang/.
#pragma once

#include "source.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace cpl::ast {

struct Ident {
    std::string text;
    Span span;
};

enum class BinaryOp { Or, And, Eq, Ne, Lt, Le, Gt, Ge, In, NotIn, Range, Add, Sub, Mul, Div, Mod };
enum class UnaryOp { Not, Neg };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct NumberLit {
    std::int64_t value;
    // `3.5` as written: cpl has only whole numbers, so the checker reports it (the parser
    // keeps it, rather than failing at the `.`, so the message can say what was meant).
    std::string fraction = {};
};
struct CodeLit {
    std::string code;
};
struct BoolLit {
    bool value;
};
/// A string literal; interpolated `{expr}` parts alternate with text parts.
struct StringLit {
    std::vector<std::variant<std::string, ExprPtr>> parts;
};
struct NameRef {
    std::string name;
};
struct Unary {
    UnaryOp op;
    ExprPtr operand;
};
struct Binary {
    BinaryOp op;
    ExprPtr left;
    ExprPtr right;
    Span op_span;
};
struct Member {
    ExprPtr object;
    Ident field;
};
struct Index {
    ExprPtr object;
    ExprPtr index;
};
struct Call {
    Ident callee;
    std::vector<Expr> args;
};
struct ListExpr {
    std::vector<Expr> items;
};
/// `[element for var in source if filter]`
struct Comprehension {
    ExprPtr element;
    Ident var;
    ExprPtr source;
    ExprPtr filter;
};
/// `any var in source: condition` (some element holds it), `all var in source: condition`
/// (every element does; true of an empty list), `none var in source: condition` (no element
/// does; true of an empty list).
struct Quantified {
    enum class Kind { any, all, none } kind = Kind::any;
    std::string_view word() const {
        return kind == Kind::all ? "all" : kind == Kind::none ? "none" : "any";
    }
    Ident var;
    ExprPtr source;
    ExprPtr condition;
};
// A named struct, defined once Expr is complete: `std::pair<Ident, Expr>` here would be
// instantiated while Expr is still incomplete, which clang rejects.
struct RecordField;
struct RecordExpr {
    std::vector<RecordField> fields;
};
struct IfExpr {
    ExprPtr condition;
    ExprPtr then_branch;
    ExprPtr else_branch;
};

/// `first when c1 => v1 when c2 => v2 … otherwise v`: the value of the first arm whose
/// condition holds, else `otherwise` (a decision table with hit policy FIRST).
struct FirstArm;
struct FirstMatch {
    std::vector<FirstArm> arms;
    ExprPtr otherwise;
};
/// `if condition then element` as an element of a list literal: the element is in the list
/// only when the condition holds. Nowhere else.
struct Conditional {
    ExprPtr condition;
    ExprPtr element;
};

struct Expr {
    std::variant<NumberLit, CodeLit, BoolLit, StringLit, NameRef, Unary, Binary, Member, Index,
                 Call, ListExpr, Comprehension, Quantified, RecordExpr, IfExpr, FirstMatch,
                 Conditional>
        kind;
    Span span;
};

struct RecordField {
    Ident name;
    Expr value;
};

struct FirstArm {
    Expr condition;
    Expr value;
};

struct Cite {
    std::string text;
    Span span;
};

/// `from "YYYY-MM-DD"` / `until "YYYY-MM-DD"`: the dates of service a declaration holds for
/// (from inclusive, until exclusive).
struct Effective {
    std::optional<Ident> from;
    std::optional<Ident> until;
    bool dated() const { return from || until; }
};

/// `setting NAME VALUE [within LOW..HIGH] ["doc"] [cite "…"]`
struct Setting {
    Ident name;
    Expr value;
    std::optional<std::pair<std::int64_t, std::int64_t>> within;
    Effective effective;
    std::string doc;
    std::optional<Cite> cite;
    bool fixed = false; // payers may not restate it
    Span span;
};

/// `NAME VALUE` in a payer file: restates a setting of the base policy.
struct SettingValue {
    Ident name;
    Expr value;
    Effective effective;
    std::optional<Cite> cite; // the payer's source for its value
    Span span;
};

/// A table key: a literal, or a range `low..high` / `low..` (open-ended). A range's bounds are
/// numbers (`13..`, a row for every count in it), codes (`95907..95913`: one row per code,
/// as if each were written) or strings (`"G56.00".."G56.03"`: every string between them,
/// compared character by character).
struct TableKey {
    enum class Range { none, numbers, codes, strings };
    std::optional<Expr> literal; // a single key (range == none)
    Range range = Range::none;
    std::int64_t low = 0;             // numbers; codes by their value (95907)
    std::optional<std::int64_t> high; // absent when open-ended
    std::string low_text, high_text;  // codes and strings as written (codes keep leading zeros)
    Span span;
};

struct TableRow {
    std::vector<TableKey> keys;
    bool remove = false; // `remove KEY` in a payer file
    std::optional<Expr> value;
    Effective effective;
    std::optional<Cite> cite;
    Span span;
};

/// A column of a data file, with the type its cells must have (code, number, string, date).
struct Column {
    Ident name;
    Ident type;
};

/// `rows from "FILE" [version "V"] KEY: TYPE => VALUE`: the table's rows are read from a CSV
/// (or, by extension, TSV) file with a header row. VALUE is one column, a record of columns
/// (fields named as the columns), or either in `[…]`: the rows of a key collected in a list.
struct RowsFrom {
    Ident path;    // as written, relative to the policy file
    Ident version; // "" when not given
    Column key;
    std::vector<Column> value;
    bool record = false;  // `{…}`
    bool grouped = false; // `[…]`
    Span span;
};

struct Table {
    Ident name;
    bool replace = false;
    bool fixed = false; // payers may not change it
    std::string doc;
    Span doc_span; // of the description, where there is one
    std::optional<Cite> cite;
    std::vector<TableRow> rows;
    std::optional<RowsFrom> rows_from;
    Span span;
};

struct Param {
    Ident name;
    std::optional<Ident> type;
};

struct Def {
    Ident name;
    bool is_function = false; // written with parentheses, even if empty
    std::vector<Param> params;
    std::string doc;
    Expr body;
    Span span;
};

enum class ClauseKind {
    For,
    Let,
    When,
    Bill,
    Cap,
    Deny,
    Warn,
    Info,
    AddModifier,
    RemoveModifier,
    Document,
    Because
};

struct Clause {
    ClauseKind kind;
    std::optional<Ident> var; // for / let
    Expr expr;
    std::optional<Expr> units;     // bill … units
    std::optional<Expr> modifiers; // bill … modifiers
    Span span;
    std::optional<Expr> otherwise; // when … otherwise: why the rule stops here, in plain words
    bool first = false;            // add modifier … first: before the line's other modifiers
};

enum class RuleKind { Rule, Edit };

/// `before NAME` / `after NAME` in a payer's new rule or edit: where it runs.
struct Placement {
    bool before = false;
    Ident target;
    Span span;
};

/// `rule` and `edit` share a shape; they differ in when they run and what `claim` is.
struct Rule {
    RuleKind kind = RuleKind::Rule;
    Ident name;
    std::string doc;
    std::vector<Clause> clauses;
    std::optional<Cite> cite;
    Effective effective;
    bool fixed = false; // payers may not override, disable or except it
    std::optional<Placement> placement;
    Span span;
};

/// `override rule NAME …`
struct Override {
    Rule rule;
    Span span;
};

/// `disable rule NAME ["reason"]`
struct Disable {
    RuleKind kind = RuleKind::Rule;
    Ident target;
    std::string reason;
    Span span;
    Span kind_span = {}; // the word `rule` or `edit`
};

/// `exception NAME to rule TARGET [per VAR] ["doc"] clauses…`, or `narrow rule TARGET ["doc"]
/// clauses…` (then `narrows` is set and the rule's name is the target's).
struct Exception {
    Rule rule; // its name is the exception's own
    RuleKind target_kind = RuleKind::Rule;
    Ident target;
    Span span;
    Span kind_span = {};      // the word `rule` or `edit` before the target
    std::optional<Ident> per; // tried for each element of the target's `for VAR in …`
    bool narrows = false;     // `narrow`: its let/when clauses narrow where the target acts
};

/// `include "file.cpl"`
struct Include {
    std::string path;
    Span span;
};

/// `source KEY "title" [publisher "…"] [date "…"] [link "…"] verified|unverified`: a document
/// the policy's citations name as `[KEY]`. `verified`: the values cpl takes from it were checked
/// against its own text (the primary document), not only quoted from a secondary one.
struct Source {
    Ident key;
    std::string title;
    std::optional<Ident> publisher;
    std::optional<Ident> date; // as the source gives it: "2017", "2024-Q2"
    std::optional<Ident> link;
    bool verified = false;
    Span span;
};

/// `require CONDITION because "reason"`: a condition on settings, tables and definitions that
/// every policy extending this one must keep.
struct Require {
    Expr condition;
    std::string reason;
    Span span;
    Span reason_span = {}; // the quoted reason
};

using Decl = std::variant<Setting, SettingValue, Table, Def, Rule, Override, Disable, Exception,
                          Include, Source, Require>;

struct Comment {
    std::string text; // including the leading '#'
    Span span;
};

struct PolicyFile {
    FileId file = 0;
    bool has_header = true; // included files have none
    Ident name;
    std::optional<Ident> extends; // a policy name or a path (quoted in the source)
    bool extends_is_path = false;
    std::string title;
    Effective effective; // the dates of service the policy codes (open when not given)
    std::vector<Decl> decls;
    std::vector<Comment> comments;
};

} // namespace cpl::ast
