// interpreter/check/expressions.hpp — AST expressions → typed, folded `Node`s. Names are
// resolved to slots, constants or tables here; a node whose inputs are constants is
// evaluated now (through the program layer's expression evaluator alone).
#pragma once

#include "interpreter/check/context.hpp"

#include <map>
#include <optional>
#include <utility>

namespace cpl::case_schema {
struct Field;
}

namespace cpl::check_detail {

/// A string table key that spells a range ("G56.00-G56.03") or ends in a wildcard ("G56.1-"):
/// warned of where the table is declared (tables.cpp), so no other check repeats it.
bool key_warned_of(const std::string& key);

/// Look-ups to prove by where they are (file, begin, end of a Span), each with the values its
/// key may hold that the table lacks, when the key has a fixed set of values.
using LookupsToProve =
    std::map<std::tuple<FileId, std::uint32_t, std::uint32_t>, std::vector<std::string>>;

/// `case.date_of_service` where a date is meant (ordered, or given to a date built-in), by
/// where the operand is: warned (check.undated_case_date) unless a test before it says the
/// case has a date (`case.date_of_service != ""`).
struct UndatedUse {
    Span at;         // the operand as written
    std::string use; // what "" does there
};
using DatesToProve = std::map<LookupsToProve::key_type, UndatedUse>;
/// A parameter a definition uses as a date with no test that it is one (`def after(d) = d >=
/// "2024-01-01"`): a call giving it `case.date_of_service` needs the test.
struct ParamDate {
    std::uint32_t param = 0;
    UndatedUse use;
    // The definition whose body uses it, when another one this definition passes its
    // parameter to; unset: its own.
    std::optional<std::uint32_t> in_def = std::nullopt;
};
using CallDates = std::map<LookupsToProve::key_type, std::vector<ParamDate>>;
/// A use of the field as a date in the body of a definition without parameters (`def
/// study_year = year(case.date_of_service)`): proved where the definition is read, by a test
/// before it there (`when case.date_of_service != ""`), as a DefLookup is.
struct DefDate {
    std::string key; // the field as a test names it
    UndatedUse use;
};

/// A constant position in a list the case chooses, in the body of a definition, that the body
/// does not test (`def primary = case.diagnoses[0]`): proved where the definition is read or
/// called, by a test of the list's count before it there (`when count(case.diagnoses) > 0`),
/// as a DefLookup is. A definition nothing reads stops no case. (A position in a list
/// parameter is the caller's too, by the list it gives: ParamPosition.)
struct DefPosition {
    std::string key;     // the list as a test of its count names it
    std::int64_t needed; // the elements the position needs
    Span at;             // the position, as written
    Span list_at;        // its list
};

/// A look-up in the body of a definition without parameters by a key every reader names alike
/// (`def aanem_row = aanem_limits[aanem_category]`): proved where the definition is read, by a
/// test before it there (`when aanem_applies`, which tests `aanem_category in aanem_limits`).
struct DefLookup {
    std::string key; // key_of the key
    const TableData* table = nullptr;
    Span at;             // the look-up
    std::string written; // the key as written
};

/// A look-up in a definition's body by one of its parameters (`def limit_of(c) = allowed[c]`,
/// or `lower(c)`) that the body does not test: its callers' to test, each for its argument.
struct ParamLookup {
    std::uint32_t param = 0;
    const TableData* table = nullptr;
    Span at;         // the look-up, as written in the body
    Span key_at;     // its key
    std::string key; // the key's name (key_of), the parameter in it as `local N`
    // The key is the parameter itself, `lower` of it, or another text made from it
    // (`code(c)`, `row_key(t, c)`, a definition that gives back a form of it); or each element
    // of the parameter, a list (`[t[c] for c in cs]`, `any c in cs: t[c] > 1`); or a field of
    // the parameter, a record (`t[l.code]`).
    enum class Form { same, lowered, other, each, field } form = Form::same;
    // The definition whose body holds the look-up, when it is another one this definition
    // passes its parameter to (`def over(c) = limit_of(c) > 1`); unset: its own.
    std::optional<std::uint32_t> in_def;
    // Form::each: the field of each element looked up (`.code` of `[t[l.code] for l in ls]`);
    // empty for the element itself. Named (`:code`) in the body, which does not know the
    // elements' shape; at a call whose list is of records of a known shape, by the field's
    // index as that shape's keys are (`.2`), with `below_named` keeping the name.
    // Form::field: `below_named` names the field looked up (`:code`), as a test of a record
    // of no known type does.
    std::string below;
    std::string below_named;
    // Values the body excludes before the look-up (`if c == 95999 then 0 else t[c]`): a call
    // giving one of them needs no row for it.
    std::vector<Value> excluded = {};
};
/// A call whose argument a definition looks up (ParamLookup), and the values the argument may
/// hold that the table lacks (as LookupsToProve), by the call's span.
struct CallLookup {
    ParamLookup lookup;
    std::uint32_t def = 0;
    std::vector<std::string> missing;
    bool constant = false; // the argument is a constant the table has no row for
};
using CallsToProve = std::map<LookupsToProve::key_type, std::vector<CallLookup>>;

/// A constant position in a list parameter that the body does not test (`def first(l) =
/// l[0]`): each call with a list the case chooses needs the test (check.unguarded_position).
struct ParamPosition {
    std::uint32_t param = 0;
    std::int64_t needed = 0; // elements the list needs
    Span at;                 // the position, as written in the body
    // The definition whose body reads it, when another one this definition passes its
    // parameter to (`def second_first(l) = first(l)`); unset: its own.
    std::optional<std::uint32_t> in_def = std::nullopt;
    // The parameter that gives the position (`l[i]` of `def at(l, i)`): `needed` is known at
    // each call, one more than the constant it gives (`at(case.diagnoses, 0)` needs 1).
    std::optional<std::uint32_t> position_param = std::nullopt;
};
/// Calls that give such a parameter a list the case chooses, by the call's span.
using CallPositions = std::map<LookupsToProve::key_type, std::vector<ParamPosition>>;

/// A field a definition reads off a parameter of no declared type (`def in_force(p) =
/// p.deletion_date == ""`): the body cannot know the field exists, so each call is judged by
/// the type it gives the parameter (check.unknown_field).
struct ParamField {
    std::uint32_t param = 0;
    // The fields from the parameter outward (`p.row.code`: row, code); "" stands for each
    // element of a list (`[x.code for x in p]`).
    std::vector<std::string> path;
    Span at; // the read, as written in the body
    // The definition whose body reads it, when another one this definition passes its
    // parameter to; unset: its own.
    std::optional<std::uint32_t> in_def = std::nullopt;
};

/// A parameter of no declared type that a definition gives to a built-in (`def n(x) =
/// count(x)`), or each element of one: each call is judged by the type it gives the parameter
/// (check.type_mismatch), as a field read off one is (ParamField).
struct ParamUse {
    std::uint32_t param = 0;
    std::uint32_t elements = 0; // given an element of the parameter, at this depth of lists
    const Builtin* builtin = nullptr;
    std::uint32_t arg = 0; // which argument of the built-in
    Span at;               // the built-in's call, as written in the body
    // The definition whose body makes the call, when another one this definition passes its
    // parameter to; unset: its own.
    std::optional<std::uint32_t> in_def = std::nullopt;
};

/// A type's name with its article, for messages: "a code", "an int", "a list [code]".
std::string with_article(const std::string& type);

/// Every name the expression reads, in order, each once (conditions.cpp).
void names_in(const ast::Expr& e, std::vector<std::string>& out);
/// Which argument a built-in gives back a form of (`lower(s)`, `code(s)`: 0; `row_key(t, s)`,
/// the key itself when no row has it: 1), if any (calls.cpp).
std::optional<std::size_t> kept_argument(std::string_view builtin);
/// The part of `n` it gives back a form of: the text a built-in keeps (kept_argument), the one
/// value of a text made of it (`"{c}"`, `"NCS {c}"`).
std::optional<std::size_t> kept_part(const Node& n);
/// The parameter of a definition whose body gives back a form of its text (`lower(n)`,
/// `code(n)`, `row_key(t, n)`, one in another), or on some calls the parameter itself or such a
/// form (`if u > 1 then 95860 else n`), or -1 (calls.cpp).
std::int32_t kept_text(const Node& body, std::uint32_t parameters);
/// A definition that gives back one of its parameters as it is, or instead one of some
/// constants (`if case.larynx then 95999 else c`): a call of it with constant arguments gives
/// one of those constants or the argument's values (calls.cpp).
struct GivenParameter {
    std::uint32_t param = 0;
    std::vector<Value> instead;
};
std::optional<GivenParameter> given_parameter(const Node& body, std::uint32_t parameters);
/// One step of a key's path as key_of names it: `.2` (a field by its index), `:code` (by its
/// name), `[0]` (a position), taken off the front of `path`; none when it starts no step
/// (operators.cpp).
struct PathStep {
    char kind = '.';
    std::string_view name;             // the field's name, or what the brackets hold
    std::optional<std::size_t> number; // `name` read as a number, when it is one that fits
};
std::optional<PathStep> take_step(std::string_view& path);
/// A value's text cut to 60 characters for a note (conditions.cpp).
std::string shortened(std::string text);

/// What a requirement reads, through the definitions it reads too (requirements.cpp): a fact
/// of a case, a part already reported broken (from its nodes), the settings and the tables
/// (by the names it and those definitions are written with: folding leaves no trace of them).
struct RequirementReads {
    bool case_fact = false;
    bool broken = false;
    std::vector<std::uint32_t> settings;
    std::vector<const TableData*> tables;
};

class ExpressionChecker : public CheckContext {
public:
    using CheckContext::CheckContext;

protected:
    /// Compiles definition `i` on first use (cycle-checked) and returns its type.
    virtual TypeP compile_def(std::uint32_t i) = 0;

    void expect(const Typed& value, const TypeP& expected, const ast::Expr& at,
                std::string_view what);
    TypeP param_type(const ast::Param& param);
    Typed constant(Value v, TypeP type, Span span);
    // The stand-in for an expression that had an error (a constant marked `poisoned`).
    static constexpr std::uint32_t poisoned = 0xFFFFFFFF;
    Typed fail(Span span);
    // Records that the constant at `span` was computed from these settings (Program::
    // folded_settings).
    void note_folded(Span span, std::vector<std::uint32_t> settings);
    // Where a constant was computed from the rows of a table a payer may still extend
    // (`keys(payable)`, by the constant's span): not a list fixed for good, so conditions
    // against it do not contradict (check.contradiction).
    std::set<LookupsToProve::key_type> folded_from_tables_;
    Typed make(Op op, std::vector<Node> kids, TypeP type, Span span, std::uint32_t slot = 0);
    static Typed unfolded(Op op, std::vector<Node> kids, TypeP type, Span span,
                          std::uint32_t slot = 0);
    // Folds a node whose inputs are all constants, so evaluation never recomputes it;
    // an error in a constant (a division by zero) is reported here, before any case runs.
    Typed fold(Typed typed);
    // Whether a condition holding here is known false before any case (`if 95937 in mue
    // then mue[95937] else 3` with the row removed): the code here never runs.
    bool never_runs() const;
    std::vector<std::string_view> visible_names(const Scope& scope);
    Typed name(const std::string& n, Span span, Scope& scope);
    /// A local named as a setting, table, definition, built-in name (`case`, `claim`) or an
    /// enclosing local: within its scope the name reads the local (check.hidden_name).
    void warn_if_hiding(const ast::Ident& local, const Scope& scope);
    bool bare_case_field(const std::string& n, Span span, const ast::Def* function);
    /// `codes`, `numbers`, `strings`, … for messages about a collection's elements.
    std::string plural(const TypeP& t);
    Typed call(const ast::Call& c, Span span, Scope& scope);
    void date_arguments(const ast::Call& c, const Builtin& builtin, const std::vector<Node>& args,
                        const std::vector<Constants>& constants,
                        const std::vector<std::optional<CaseField>>& fields);
    Typed member(const ast::Member& m, Span span, Scope& scope);
    Typed index(const ast::Index& ix, Span span, Scope& scope);
    Typed binary(const ast::Binary& b, Span span, Scope& scope);
    /// `==`, `!=`, `in`, `not in` between types no two values of which are ever equal: an
    /// error naming both (operators.cpp). True when reported.
    bool incomparable(const ast::Binary& b, const Typed& left, const Typed& right);
    // A constant compared with a case field that never holds it (check.impossible_value).
    // Out of line, as never_held and never_a_key are: binary() and index() are on the path the
    // checker recurses along (2,000 definitions deep at most), and their frames stay small.
    [[gnu::noinline]] void empty_range(const ast::Binary& b, Span span); // check.empty_range
    // `case.date_of_service` ordered or given to a date built-in: empty for an undated case,
    // which the policy codes as of today (`service_date`) (check.undated_case_date).
    [[gnu::noinline]] void undated_case_date(const Node& operand,
                                             const std::optional<CaseField>& field, Span at,
                                             std::string_view use);
    [[gnu::noinline]] void report_undated(const UndatedUse& use);
    // A call's value (a built-in's, a function's) of values the case chooses (calls.cpp).
    static void mark_computed_from_case(Typed& out, bool elements_from_case);
    DatesToProve dates_to_prove_;
    // The same of a local the case does not choose (a parameter's, in a definition's body),
    // each definition's parameters so used, and the calls that give them the field.
    DatesToProve local_dates_;
    std::vector<std::vector<ParamDate>> param_dates_; // by definition, once compiled
    CallDates call_dates_to_prove_;
    [[gnu::noinline]] void report_call_undated(const Node& call, const ParamDate& date);
    std::vector<std::vector<DefDate>> def_dates_;         // by definition, once compiled
    std::vector<std::vector<DefPosition>> def_positions_; // by definition, once compiled
    [[gnu::noinline]] void report_def_position(const Node& read, const DefPosition& position);
    std::set<LookupsToProve::key_type> undated_reported_;
    [[gnu::noinline]] void report_def_undated(const Node& read, const DefDate& date);
    bool is_case_date(const Node& operand, const std::optional<CaseField>& field);
    [[gnu::noinline]] void zero_divisor(const ast::Binary& b, const Typed& divisor);
    // Whether the conditions holding where a divisor is read leave out every 0 it may be: the
    // divisor's own (`when d > 0`, `d != 0 and …`), or of a table look-up's key, the keys of
    // the rows of 0 (`when line.code != 95885`). contradictions.cpp reads them.
    bool zero_left_out(const Node& divisor, const Node* named_by, const Node* lookup,
                       const std::vector<Value>& zero_keys);
    // The rule's `let`s compiled so far, by slot: what a local divisor names.
    std::map<std::uint32_t, Node> rule_lets_;

    // A condition that holds (or, `negate`, fails) wherever the expression being compiled is
    // evaluated: an earlier `when` of the rule, an `if`'s condition in its branches, the left
    // of an `and` (`or`), a `first` arm's and those before it, a list element's condition.
    // A copy: the node compiled moves into its parent.
    struct Holding {
        Node condition;
        bool negate = false;
    };
    std::vector<Holding> holding_;
    // Holds `condition` (or its `not`) while it lives: the conditions of an expression nest.
    class Assuming {
    public:
        Assuming(ExpressionChecker& checker, const Node& condition, bool negate)
            : holding_(checker.holding_) {
            holding_.push_back({condition, negate});
        }
        Assuming(const Assuming&) = delete;
        Assuming& operator=(const Assuming&) = delete;
        ~Assuming() { holding_.pop_back(); }

    private:
        std::vector<Holding>& holding_;
    };
    // While it lives, nothing of the code around holds: a definition's body (compiled where
    // first named) and a rule's clauses start with no conditions and no `let`s.
    class Afresh {
    public:
        explicit Afresh(ExpressionChecker& checker)
            : checker_(checker), holding_(std::exchange(checker.holding_, {})),
              lets_(std::exchange(checker.rule_lets_, {})) {}
        Afresh(const Afresh&) = delete;
        Afresh& operator=(const Afresh&) = delete;
        ~Afresh() {
            checker_.holding_ = std::move(holding_);
            checker_.rule_lets_ = std::move(lets_);
        }

    private:
        ExpressionChecker& checker_;
        std::vector<Holding> holding_;
        std::map<std::uint32_t, Node> lets_;
    };
    // A compiled `when` holds for the clauses after it (a rule's, an exception's own), and so
    // does a `for` over a list known before any case: its variable is one of its elements
    // (`for k in [95860, 95886]`: `k in [95860, 95886]`).
    void holds_after(const ClauseCode& clause) {
        if (clause.kind == ast::ClauseKind::When) holding_.push_back({clause.expr, false});
        if (clause.kind == ast::ClauseKind::For && clause.expr.op == Op::Const &&
            clause.expr.constant.kind == Kind::List) {
            Node element;
            element.op = Op::Local;
            element.slot = clause.slot;
            element.span = clause.span;
            Node among;
            among.op = Op::In;
            among.span = clause.span;
            among.kids.push_back(std::move(element));
            among.kids.push_back(clause.expr);
            holding_.push_back({std::move(among), false});
        }
    }
    // Ends a narrowing's or an exception's own conditions and `let`s: the target's later
    // locals take their slots (`first_slot` on).
    void forget_own(std::size_t holding, std::uint32_t first_slot) {
        holding_.resize(holding);
        rule_lets_.erase(rule_lets_.lower_bound(first_slot), rule_lets_.end());
    }
    // What a rule's local names, when a `let` bound it (null otherwise).
    const Node* let_named(const Node& n) const {
        auto let = n.op == Op::Local ? rule_lets_.find(n.slot) : rule_lets_.end();
        return let == rule_lets_.end() ? nullptr : &let->second;
    }
    bool unknown_rule_name(const Typed& field, const Typed& constant, const ast::Expr& at);
    /// Names the settings folded into the constant at `at` (and the layers that set them): the
    /// value a diagnostic is about came from there, not from the text it points at.
    void note_settings(Diagnostic& d, Span at);
    [[gnu::noinline]] void impossible_value(const ast::Binary& b, const Typed& left,
                                            const Typed& right, Span whole);
    // `count(x) < 0`, `count(x) >= 0`, `line.units < 1`: the same on every case
    // (check.impossible_value).
    bool compared_below_least(const ast::Binary& b, const Typed& left, const Typed& right,
                              Span whole);
    struct NeverHeld {
        std::string value;    // the constant
        std::string what;     // "`modifiers` of a claim line"
        std::string expected; // what the field holds instead
        std::string help;     // a did-you-mean, or how values are written
    };
    std::optional<NeverHeld> muscle_name_never_held(std::span<const Value> values);
    const case_schema::Field* schema_field(const CaseField& field, bool elements);
    // A field of a fixed set of values, each in lower case (`provider_role`, `limb`).
    bool all_lower_case(const CaseField& field);
    std::optional<NeverHeld> holds_none_of(const CaseField& field, bool elements,
                                           std::span<const Value> forms);
    [[gnu::noinline]] std::optional<NeverHeld> never_held(const CaseField& field, bool elements,
                                                          std::span<const Value> values,
                                                          bool prefixes = false);
    // A table looked up with a case field (`line.code in mue`, `dx[d]`) whose keys include
    // one the field never holds: that row is never found.
    // `each_element`: the field is a list whose elements are looked up (`intersects`).
    [[gnu::noinline]] void never_a_key(const std::optional<CaseField>& field, const Node& table,
                                       const ast::Expr& at, bool prefixes = false,
                                       bool each_element = false);
    // `starts_with(field, "…")` with a beginning no value of the field has (calls.cpp).
    [[gnu::noinline]] void never_begins(const std::optional<CaseField>& field, const Node& text,
                                        const Node& prefix, const ast::Call& c, Span span);
    // A table looked up by `lower(…)` (operators.cpp), and after every rule and definition,
    // the keys with a capital letter of a table only ever looked up so.
    void looked_up_lowered(const Node& table, const Node& key);
    Span key_written_at(const TableData& data, std::size_t r, std::string_view key,
                        Span otherwise) const;
    // `known`: what the checker knows of a value not written in place (possible_values).
    bool constant_never_held(const CaseField& field, bool elements, const Node& constant,
                             const ast::Expr& at, const Constants* known = nullptr);
    void keys_never_lower_case();
    // `L[count(L)]`, `L[count(L) + 1]`: past the end of any list.
    bool past_own_count(const Node& key, const ast::Expr& list);
    // `lower(x)` compared with (`compared`: "is never", "never begins with") a constant that
    // has a capital letter (check.impossible_value); true when reported.
    [[gnu::noinline]] bool capital_after_lower(const Node& text, const Node& constant,
                                               const ast::Expr& at, std::string_view compared);
    // `t[k]` with a case field `k` (`mue[line.code]`) whose values are not all keys of `t`, or
    // a text made from one (`case_text`: `t[lower(m.name)]`):
    // kept in lookups_to_prove_ until its rule or definition is compiled, when a test of
    // `k in t` must be found before it (lookups.cpp).
    // A look-up by a local whose values are known constants (`for c in [95860, 95999]`) needs a
    // test when the table lacks one of them.
    void note_constant_lookup(const Constants& key, const Node& table, Span at);
    void note_setting_lookup(std::uint32_t setting, const Node& table, Span at);
    // The keys a definition's look-up (`lookup`) reads of constant arguments, each taken in
    // turn; none when the checker cannot tell.
    std::optional<std::vector<Value>> constant_keys(const ParamLookup& lookup,
                                                    std::span<const Value> arguments);
    bool excluded_by(const ParamLookup& lookup, const Value& key);
    // What built-in `call` gives for arguments of known constant values, when some are locals
    // and there are few to try.
    Constants builtin_of_constants(const Node& call, const std::vector<Constants>& arguments);
    std::optional<std::vector<Value>> possible_values(const Typed& t);
    static std::optional<std::vector<Value>> possible_values(const Node& node,
                                                             const Constants& known);
    // possible_values, or the choices of a field of fixed choices (`limb.limb`).
    std::optional<std::vector<Value>> finite_values(const Typed& t);
    Constants either_constant(const Typed& a, const Typed& b);
    Value constant_list(const std::vector<Value>& values);
    std::optional<Value> shifted_each(Op op, const Typed& left, const Typed& right);
    // The size of a list known before any case that a loop's positions run past, by the
    // position's span: its warning names the size, not a count the case might change.
    std::map<LookupsToProve::key_type, std::int64_t> known_list_sizes_;
    void short_constant_list(const ParamPosition& position, std::uint32_t def,
                             const std::vector<Node>& args, const std::vector<Constants>& constants,
                             Span call);
    // The texts `"…{a}…{b}…"` may be when each part's values are known (`texts`: the words
    // around the parts), none when one may be anything or (`too_many`) they are too many or
    // too long to name.
    std::optional<std::vector<Value>> interpolated_values(const std::vector<std::string>& texts,
                                                          const std::vector<Typed>& parts,
                                                          const std::vector<std::string>& names,
                                                          bool& too_many);
    // The values of a table's rows, each once, when each is a number or a text: what a
    // look-up in it gives back (`allowed[next[c]]` looks up one of `next`'s values); of a
    // table of lists of them, the lists' elements (Constants::elements).
    Constants table_values(const TableData& table);
    std::map<const TableData*, Constants> table_values_;
    std::optional<CallLookup> untyped_field(const ParamLookup& lookup, std::uint32_t def,
                                            const TypeP& type);
    std::vector<std::string> lacked_keys(const TableData& table, std::span<const Value> keys,
                                         bool lowered);
    [[gnu::noinline]] void note_lookup(const std::optional<CaseField>& key, bool case_text,
                                       const Node& table, Span at);
    // The values of `key` the table lacks, when a look-up by it needs a test (note_lookup).
    std::optional<std::vector<std::string>> lookup_to_prove(const std::optional<CaseField>& key,
                                                            bool case_text, const TableData& data);
    LookupsToProve lookups_to_prove_;
    // `case.diagnoses[0]`: a constant position in a list the case chooses, by where it is, with
    // the number of elements the list needs for it (check.unguarded_position, lookups.cpp).
    std::map<LookupsToProve::key_type, std::int64_t> positions_to_prove_;
    // The same of a list that is a local the case does not choose (a parameter's, in a
    // definition's body: its callers choose it), and of each definition's parameters.
    std::map<LookupsToProve::key_type, std::int64_t> local_positions_;
    std::vector<std::vector<ParamPosition>> param_positions_; // by definition, once compiled
    std::vector<std::vector<ParamField>> param_fields_;       // by definition, once compiled
    std::vector<ParamField> fields_read_off_params(const Node& body, std::uint32_t params) const;
    void unknown_param_fields(std::uint32_t def, const std::vector<TypeP>& types, Span call);
    std::vector<std::vector<ParamUse>> param_uses_; // by definition, once compiled
    std::vector<ParamUse> builtin_uses_of_params(const Node& body, std::uint32_t params) const;
    void wrong_param_uses(std::uint32_t def, const std::vector<TypeP>& types, Span call);
    /// The body of a definition with parameters of no declared type, checked again with the
    /// types a call gives them: an error there is the call's (calls.cpp). Tried once the rest
    /// of the policy is checked (check_bodies_at_calls), since compiling a body again records
    /// what the rules' own checks read; a call inside a body being tried is tried at once.
    void body_at_call(std::uint32_t def, const std::vector<TypeP>& types, Span call);
    void check_bodies_at_calls();
    struct BodyAtCall {
        std::uint32_t def;
        std::vector<TypeP> types;
        Span call;
    };
    std::vector<BodyAtCall> bodies_to_try_;
    bool trying_body_ = false;
    // By definition and argument types: the body's first error with them, if any (a cycle or
    // a trial under way: none).
    std::map<std::string, std::optional<Diagnostic>> bodies_at_calls_;
    // Each definition's body is checked once for each set of argument types its calls give;
    // definitions that pass each other new types (`g([x])` and `g({a: x})`) make twice as many
    // sets at each level. Past this many the checker stops with check.too_many_types, not 40
    // seconds and a gigabyte later (twenty levels). The standard set and each shipped payer
    // need 39.
    static constexpr std::size_t max_bodies_at_calls = 5000;
    bool too_many_bodies_reported_ = false;
    std::vector<bool> def_clean_; // by definition: compiled without an error of its own
    struct CallCause {
        std::string message;            // what fails at the end of a chain of calls
        std::vector<std::string> notes; // each body on the way, outermost first
    };
    std::map<std::tuple<FileId, std::uint32_t, std::uint32_t>, CallCause> call_causes_;
    CallPositions call_positions_to_prove_;
    [[gnu::noinline]] void unguarded_call_position(const Node& call, const ParamPosition& position,
                                                   bool in_place);
    Diagnostic& position_warning(Span at, Span list_at, std::int64_t needed, bool in_place,
                                 const std::string& position = "");
    // Those of lookups_to_prove_ whose key always has one value (`let c = 95999`).
    std::set<LookupsToProve::key_type> one_value_lookups_;
    // A call of a definition that looks up its argument (`limit_of(line.code)`), kept in
    // calls_to_prove_ as a look-up is in lookups_to_prove_.
    // What the checker knows of a call's arguments, one element an argument.
    struct ArgumentFacts {
        const std::vector<std::optional<CaseField>>& fields;
        const std::vector<bool>& case_texts;
        const std::vector<TypeP>& types;
        const std::vector<Constants>& constants;
    };
    [[gnu::noinline]] void note_call_lookups(std::uint32_t def, const std::vector<Node>& args,
                                             const ArgumentFacts& facts, Span at);
    CallsToProve calls_to_prove_;
    std::vector<std::vector<ParamLookup>> param_lookups_; // by definition, once compiled
    // By definition: the parameter whose text it gives back, or a form of it (`def key(n) =
    // lower(n)`), so that a call with a case's text is a case's text too (-1: none).
    std::vector<std::int32_t> keeps_param_text_;
    std::vector<std::optional<GivenParameter>> gives_parameter_; // by definition
    // Reports one; `missing`: the keys it may be that the table lacks, none excluded before.
    [[gnu::noinline]] void unguarded_position(const Node& index, std::int64_t needed,
                                              bool in_place);
    [[gnu::noinline]] void unguarded_lookup(const Node& lookup, bool in_def,
                                            const std::vector<std::string>& missing);
    [[gnu::noinline]] void unguarded_call(const Node& call, const CallLookup& lookup, bool in_def);
    // One warning: a look-up (or a call that makes one) at `at` by `key`, which may be one of
    // `missing` (`constant`: is a constant the table lacks).
    Diagnostic* report_unguarded(Span at, const TableData& table, const std::string& key,
                                 const std::vector<std::string>& missing, bool in_def,
                                 bool constant, std::vector<std::string> notes);
    bool removed_row(const TableData& table, const std::string& key,
                     const std::vector<std::string>& missing, Span at);
    std::set<LookupsToProve::key_type> removals_reported_; // `remove`s said once each
    /// check.unguarded_lookup for each look-up of lookups_to_prove_ in `body` (a definition's,
    /// whose first `parameters` locals its callers give: a key read from one is theirs to
    /// test) or in `code` (a rule's or edit's clauses, in order) that no condition before it
    /// tests.
    /// Also: a call of a definition that looks up its argument (calls_to_prove_), when nothing
    /// tests the argument. A definition's own look-ups by its parameters (a call's within it,
    /// by an argument that is one of its parameters) are returned, for its callers.
    // `positions`: where the positions in list parameters the body does not test go.
    std::vector<ParamLookup> warn_unguarded_lookups(
        const Node& body, std::uint32_t parameters, std::vector<DefLookup>* deferred = nullptr,
        std::vector<ParamPosition>* positions = nullptr, std::vector<ParamDate>* dates = nullptr,
        std::vector<DefDate>* deferred_dates = nullptr,
        std::vector<DefPosition>* deferred_positions = nullptr);
    // A definition's look-up (DefLookup) that nothing tests where `read` reads it.
    void unguarded_def_lookup(const Node& read, const DefLookup& lookup);
    std::vector<std::vector<DefLookup>> def_lookups_; // by definition, once compiled
    void warn_unguarded_lookups(const RuleCode& code);
    /// Warns when a condition (`when`, an `if` filter or branch) is the same for every case
    /// (conditions.cpp); returns the warning, and its value in `holds`, so the caller can add
    /// help.
    Diagnostic* constant_condition(const Typed& condition, const ast::Expr& written,
                                   bool* holds = nullptr);
    /// Whether a node's value is known before any case: constants, and definitions of
    /// constants, combined by anything but a case fact.
    bool known_now(const Node& n);
    std::vector<std::int8_t> def_known_; // known_now of each compiled definition; -1 not yet
    /// Every layer's `require`, on the settings, tables and definitions as merged: an error
    /// where one does not hold (requirements.cpp). After the definitions are compiled.
    void check_requirements();
    void names_read(const ast::Expr& condition, RequirementReads& reads);
    // `date`: the first date of service it fails on ("" when nothing is dated); `ranges`:
    // every range of dates it fails on, in words; `failure`: why it could not be decided;
    // `counterexample`: for an `all`, the element it fails for, in words ("" if none).
    void requirement_broken(const ast::Require& required, const std::string& layer,
                            const RequirementReads& reads, const std::string& date,
                            const std::vector<std::string>& ranges,
                            const std::optional<EvalError>& failure,
                            const std::string& counterexample);
    std::string counterexample(const ast::Expr& condition, const Node& node,
                               const std::string& date);
    std::string shown(const Value& v, const TypeP& type);
    Typed expr(const ast::Expr& e, Scope& scope);
    Typed compile(const ast::NumberLit& n, Span span, Scope&);
    Typed compile(const ast::CodeLit& c, Span span, Scope&);
    Typed compile(const ast::BoolLit& b, Span span, Scope&);
    Typed compile(const ast::StringLit& s, Span span, Scope& scope);
    Typed compile(const ast::NameRef& n, Span span, Scope& scope);
    Typed compile(const ast::Unary& u, Span span, Scope& scope);
    Typed compile(const ast::Binary& b, Span span, Scope& scope);
    Typed compile(const ast::Member& m, Span span, Scope& scope);
    Typed compile(const ast::Index& i, Span span, Scope& scope);
    Typed compile(const ast::Call& c, Span span, Scope& scope);
    Typed compile(const ast::ListExpr& l, Span span, Scope& scope);
    Typed compile(const ast::Comprehension& c, Span span, Scope& scope);
    Typed compile(const ast::Quantified& q, Span span, Scope& scope);
    Typed compile(const ast::RecordExpr& r, Span span, Scope& scope);
    Typed compile(const ast::IfExpr& i, Span span, Scope& scope);
    Typed compile(const ast::FirstMatch& f, Span span, Scope& scope);
    void warn_unreachable_arms(const std::vector<const Node*>& conditions,
                               const std::vector<Span>& written); // contradictions.cpp
    Typed compile(const ast::Conditional& c, Span span, Scope& scope);
    Typed list_element(const ast::Conditional& c, Scope& scope);
    void same_kind(const TypeP& before, const TypeP& now, const ast::Expr& at,
                   std::string_view what);

private:
    // A definition is compiled where it is first named, so the walk of one expression goes on
    // into the definitions it uses: `depth_` counts both, and deeper than this is
    // `check.too_deep`, not a stack overflow (one expression alone is bounded by the parser).
    static constexpr std::size_t max_depth = 2000;
    std::size_t depth_ = 0;
    bool too_deep_reported_ = false;
};

} // namespace cpl::check_detail
