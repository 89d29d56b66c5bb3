// interpreter/program/program.hpp — a resolved, checked policy, ready to evaluate many cases.
// INVARIANT (slots resolved): every name in a Program is a slot index, a constant or a
// table pointer; established by check(), relied on by evaluate().
#pragma once

#include "interpreter/case/case.hpp"
#include "lang/ast.hpp"
#include "runtime/types.hpp"
#include "stdlib/builtins.hpp"

#include <array>
#include <concepts>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cpl {

enum class Op : std::uint8_t {
    Const,         // constant
    Local,         // locals[frame + slot]
    Def,           // memoised parameterless definition `slot`
    CallDef,       // definition `slot` called with kids as arguments
    CaseRoot,      // the case record
    Claim,         // the claim being built (edits only)
    Supported,     // the claim the study supports (edits only; equals the claim unless reviewing)
    Reviewing,     // true while edits review a submitted claim
    DatedSetting,  // setting `slot`, whose value depends on the date of service
    ServiceDate,   // the case's date of service, or today's date when it has none
    Member,        // kids[0].field[slot], statically known shape
    MapMember,     // [x.field[slot] for x in kids[0]]
    DynamicMember, // field `text[0]` looked up at run time (object of unknown type)
    Index,         // kids[0][kids[1]]: list position or table key
    Not,
    Neg,
    And,
    Or,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Range,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    If,            // kids: condition, then, else
    List,          // kids are the elements; a Guard kid is one only when its condition holds
    Guard,         // kids: condition, element (only as a kid of List)
    Comprehension, // kids: source, element, [filter]; the variable is locals[frame + slot]
    Any,           // kids: source, condition; true when the condition holds of an element
    All,           // kids: source, condition; true when it holds of every element
    None,          // kids: source, condition; true when it holds of no element
    Record,        // kids are the fields of shape `slot`
    Builtin,       // builtin(kids…)
    Interpolate,   // text[0] kids[0] text[1] kids[1] … text[n]
    // `disabled_billing`: the codes rules a layer disabled would bill (Program::disabled_billing)
    DisabledBilling,
};

/// `==`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `not in`: a node comparing its two kids.
inline bool is_comparison(Op op) {
    return op == Op::Eq || op == Op::Ne || op == Op::Lt || op == Op::Le || op == Op::Gt ||
           op == Op::Ge || op == Op::In || op == Op::NotIn;
}

/// A loop over its first kid, the source, binding `slot` for the kids after it (a
/// comprehension, `any`, `all`, `none`).
inline bool is_loop(Op op) {
    return op == Op::Comprehension || op == Op::Any || op == Op::All || op == Op::None;
}

struct Node;
class Expressions;
/// The function that evaluates a node (interpreter/program/dispatch.cpp).
using NodeRun = Value (*)(Expressions&, const Node&);
/// Chooses the node's function on each evaluation, the general one for its operator: a node
/// link() has not reached.
Value run_unlinked(Expressions& e, const Node& n);
/// The functions of a linked local and a linked constant (Expressions::run reads them inline).
Value run_local(Expressions& e, const Node& n);
Value run_constant(Expressions& e, const Node& n);
/// How many nodes this thread has evaluated unlinked: once a program is linked, its cases
/// evaluate none (dispatch_test).
std::uint64_t unlinked_runs();

// What evaluating a node reads comes first (its function, slot and operands), then what
// some nodes read (a constant's value, the budget an expression spends), then what errors,
// explanations and built-in calls read: a node evaluated touches as few cache lines as it can.
struct Node {
    NodeRun run = run_unlinked; // set by link() for the operator and its operands' forms
    Op op = Op::Const;
    // What evaluating the node as a whole (Expressions::eval) spends, set by link(): its
    // height, the levels of the stack it can nest; and its weight, the nodes one evaluation
    // can run before a loop's next pass or a call's body, each of which spends its own.
    // An unlinked node spends a step and a level for itself instead.
    std::uint16_t height = 0;
    std::uint32_t slot = 0;
    std::vector<Node> kids;
    Value constant;
    std::uint32_t weight = 0;
    Span span;
    const Builtin* builtin = nullptr;
    std::vector<std::string> text;
};

/// Dates of service a declaration holds for: from inclusive, until exclusive, ISO strings
/// ("" for open). Compared as text, which orders ISO dates correctly.
struct Effective {
    std::string from;
    std::string until;
    bool dated() const { return !from.empty() || !until.empty(); }
    bool holds(std::string_view date) const {
        return (from.empty() || date >= from) && (until.empty() || date < until);
    }
};

struct DefCode {
    // What a call reads first, beside its body's root node.
    bool is_function = false;
    std::uint32_t param_count = 0;
    std::uint32_t frame_size = 0;
    Node body;
    std::string name;
    std::string doc;
    TypeP type;
    Span span;
};

// What running a clause reads comes first: its kind, narrowing and slot beside its
// expression's root node, not in cache lines of their own.
struct ClauseCode {
    ast::ClauseKind kind;
    std::uint32_t slot = 0;  // for / let variable
    bool over_claim = false; // a `for` over the claim: its element is "the line"
    bool invariant = false;  // a `let` in a loop that does not depend on it: computed once a run
    bool first = false;      // `add modifier … first`: before the line's other modifiers
    // A clause of the rule's narrowings[narrowing] (-1: the rule's own), which holds only on
    // that narrowing's dates of service.
    std::int32_t narrowing = -1;
    Node expr;
    std::optional<Node> units;
    std::optional<Node> modifiers;
    std::optional<Node> otherwise; // `when … otherwise`: why the rule stops here, in plain words
    Span span;
    std::string source; // the clause as written, for --explain
};

/// A payer's `narrow`: conditions spliced into the rule where it first acts (the clauses whose
/// `narrowing` is its index).
struct NarrowingCode {
    std::string layer;
    std::string doc;
    std::string cite;
    Effective effective;
    std::vector<std::string> written; // its clauses as written (`cpl diff`, `cpl doc`)
    std::vector<std::string> sources; // the source keys its cite names
};

struct RuleCode {
    // What running the rule reads comes first, together: whether it has dates, its flags and
    // frame, then its clauses and exceptions.
    // Whether `effective` has a bound: most rules have none, and their dates (a cache line
    // further) are then not read. Set by link(), not kept in the snapshot; true until then, so
    // that an unlinked program reads them.
    bool dated = true;
    ast::RuleKind kind = ast::RuleKind::Rule;
    bool fixed = false;
    // Its first clause is `when reviewing` (a review edit), and nothing tries an exception
    // first: outside review it does nothing. Set by link(), not kept in the snapshot.
    bool only_reviewing = false;
    std::uint32_t frame_size = 0;
    std::vector<ClauseCode> clauses;
    std::vector<RuleCode> exceptions; // tried first; the first whose conditions hold runs instead
    // `exception … per VAR`: tried at clause `action_point` (where the rule would first act,
    // after its leading for/let/when), each element of its loop on its own; the first whose
    // guard (its leading let/when) holds runs instead of the rest of the rule's clauses.
    std::vector<RuleCode> element_exceptions;
    std::size_t action_point = 0;
    Effective effective; // the rule runs only for dates of service in it
    std::string name;
    std::string doc;
    std::string cite;
    std::string layer;    // the policy that wrote it
    std::string replaces; // layer whose rule of the same name this replaced ("" if none)
    std::string per;      // an element exception (`per VAR`): the target's loop variable
    std::vector<NarrowingCode> narrowings;
    std::string placement; // "before NAME" / "after NAME": where a payer placed a new rule
    std::vector<std::string> written; // its clauses as written, in source order (`cpl diff`)
    std::vector<std::string> sources; // the source keys its cite names, each once, in order
    // `, "cite": CITE, "sources": [KEY, …]`, the fields a result's line or edit of this rule
    // ends with (contract, section 3), set by link(): the same in every case, so results
    // append them as they are ("" until linked).
    std::string cite_json;
    Span span;

    bool in_force(std::string_view date) const { return !dated || effective.holds(date); }
};

/// A document the policy's citations name by key (a `source` declaration).
struct SourceCode {
    std::string key;
    std::string title;
    std::string publisher; // "" when not given, as are date and link
    std::string date;
    std::string link;
    bool verified = false; // the values cpl takes from it were checked against its own text
    std::string layer;
    Span span;
};

struct SettingVersionCode {
    Value value;
    Effective effective;
    std::string layer;
    std::string cite; // the source given with this value ("" when restated without one)
};

struct SettingCode {
    std::string name;
    Value value; // the value when it does not depend on the date (versions.size() == 1, undated)
    std::vector<SettingVersionCode> versions; // later ones win where their dates overlap
    TypeP type;
    std::string doc;
    std::string cite;
    std::string layer; // the layer that last changed it
    std::optional<std::pair<std::int64_t, std::int64_t>> within;
    Span span;
    std::string declared_by; // the layer that declared it; a version of another is restated
    bool fixed = false;      // `fixed setting`: no policy extending its declarer may change it
};

/// A `require` of some layer, decided when the program was checked (it held, or there is no
/// program): kept so that `cpl doc` can tell a payer what it must keep.
struct RequirementCode {
    std::string condition; // as written
    std::string reason;
    std::string layer;
    Span span;
};

struct Program {
    std::string name; // the outermost policy, e.g. "standard" or "acme"
    std::string title;
    std::vector<std::string> layers; // base first
    std::string base;                // what this policy extends ("" for none), for `cpl diff`
    std::shared_ptr<SourceMap> sources;
    std::unique_ptr<Arena> constants = std::make_unique<Arena>();

    std::vector<Shape> shapes;
    std::vector<std::vector<TypeP>> shape_types;
    std::vector<SettingCode> settings;
    std::vector<std::unique_ptr<TableData>> tables;
    std::vector<DefCode> defs;
    std::vector<RuleCode> rules;
    std::vector<RuleCode> edits;
    std::vector<SourceCode> bibliography;      // base first, in declaration order
    std::vector<RequirementCode> requirements; // base first
    /// Rules and edits of a base a layer disabled: `--why-not` says so, by name.
    struct Disabled {
        ast::RuleKind kind = ast::RuleKind::Rule;
        std::string name;
        std::string layer;
        std::string reason;
        std::vector<std::string> codes; // written in its `bill` clauses: `--why-not CODE`
    };
    std::vector<Disabled> disabled;
    /// `disabled_billing`: for each code a disabled rule would bill and no running rule may, the
    /// text saying which rule and who disabled it (so review can say why a submitted code is
    /// not paid). Built from `disabled` and `rules` by index_disabled(), when checked and when
    /// read from a snapshot.
    std::unique_ptr<TableData> disabled_billing = std::make_unique<TableData>();
    void index_disabled();
    std::uint32_t max_frame = 0;
    /// The undated settings the checker folded into each constant, by the constant's span
    /// (`most + 1` is one constant): explanations and `cpl doc` still name a setting a payer
    /// restated, however the expression that reads it was written.
    std::map<std::array<std::uint32_t, 3>, std::vector<std::uint32_t>> folded_settings;
    /// The settings folded into a table row's value, by table name and row index (rows that
    /// read none are absent): `cpl diff` says a base's row changed through a payer's setting.
    std::map<std::pair<std::string, std::uint32_t>, std::vector<std::uint32_t>> row_settings;

    std::optional<MuscleIndex> muscles; // from the table named `muscles`, if declared
    bool dated = false;                 // some declaration holds only for some dates of service
    Effective service_dates;            // the dates of service the policy codes (its headers)
    std::string service_dates_from_layer, service_dates_until_layer;

    /// Rules then edits, in the order they run: the numbering of coverage and profiles.
    std::size_t rules_and_edits() const { return rules.size() + edits.size(); }
    const RuleCode& rule_or_edit(std::size_t index) const {
        return index < rules.size() ? rules[index] : edits[index - rules.size()];
    }

    static std::array<std::uint32_t, 3> span_key(const Span& span) {
        return {span.file, span.begin, span.end};
    }
    /// The settings folded into the constant at `span`, or null when it read none.
    const std::vector<std::uint32_t>* settings_folded_at(const Span& span) const {
        auto it = folded_settings.find(span_key(span));
        return it == folded_settings.end() ? nullptr : &it->second;
    }

    /// The rule or edit named `rule` a layer disabled, or null (rules and edits share names).
    const Disabled* disabled_named(std::string_view rule) const {
        for (const auto& d : disabled)
            if (d.name == rule) return &d;
        return nullptr;
    }

    /// The source declared with `key`, or null.
    const SourceCode* find_source(std::string_view key) const {
        for (const auto& source : bibliography)
            if (source.key == key) return &source;
        return nullptr;
    }
};

/// Calls `visit` on every rule and edit of the program (a Program or a const one) and on each
/// of their exceptions and element exceptions, at any depth, a rule before its exceptions.
template <typename P, typename Visit>
requires std::same_as<std::remove_const_t<P>, Program>
void for_each_rule(P& program, Visit&& visit) {
    auto rule = [&](auto& self, auto& r) -> void {
        visit(r);
        for (auto& exception : r.exceptions)
            self(self, exception);
        for (auto& exception : r.element_exceptions)
            self(self, exception);
    };
    for (auto& r : program.rules)
        rule(rule, r);
    for (auto& r : program.edits)
        rule(rule, r);
}

/// Calls `visit` on every node of the program's definitions, rules and edits (with their
/// exceptions), kids after their parent.
template <typename P, typename Visit>
requires std::same_as<std::remove_const_t<P>, Program>
void for_each_node(P& program, Visit&& visit) {
    auto node = [&](auto& self, auto& n) -> void {
        visit(n);
        for (auto& kid : n.kids)
            self(self, kid);
    };
    auto optional = [&](auto& n) {
        if (n) node(node, *n);
    };
    for (auto& def : program.defs)
        node(node, def.body);
    for_each_rule(program, [&](auto& r) {
        for (auto& clause : r.clauses) {
            node(node, clause.expr);
            optional(clause.units);
            optional(clause.modifiers);
            optional(clause.otherwise);
        }
    });
}

/// Appends `, "cite": CITE, "sources": [KEY, …]`, the fields a result's line, edit or reason
/// ends with (contract, section 3), for `cite` and its source keys (cite_json.cpp).
void append_cite_json(std::string& out, std::string_view cite,
                      const std::vector<std::string>& sources);
/// Sets the rule's cite_json from its cite and sources: append_cite_json once, at link time.
void write_cite_json(RuleCode& rule);

/// Gives every node of the program the function that evaluates it, its weight and its height,
/// and every rule and edit its cite and sources as JSON (dispatch.cpp): done once, by the
/// checker and the snapshot reader, when a Program is complete.
void link(Program& program);

} // namespace cpl
