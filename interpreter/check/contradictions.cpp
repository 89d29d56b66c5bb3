// interpreter/check/contradictions.cpp — conditions of one rule that cannot all hold
// (check.contradiction): `when line.code == 95886 and line.code == 95885`, or a `when` that
// asks for a value an earlier `when` of the rule excluded. Each is fine alone, so neither is
// constant; together the rule never acts. What is compared is a value the rule's conditions
// all read alike on one pass: a field of the case, of a rule variable or of a definition,
// against constants (`==`, `!=`, `in`, `not in`, `<`, `<=`, `>`, `>=`, on numbers and texts),
// whether a list of them holds a constant (`"G70.00" in case.diagnoses`), through `not` and
// the `or`s that list values of one of them (`x == a or x == b`).
#include "interpreter/case/case_schema.hpp"
#include "interpreter/check/in_force.hpp"
#include "interpreter/check/rules.hpp"
#include "lang/vocabulary.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <functional>
#include <map>

namespace cpl::check_detail {

// A value the rule's conditions read alike on one pass, by a key naming it ("" for any other
// expression): a rule variable (its slot), a definition without parameters (one value a
// case), the case, fields of these, and built-ins and definitions of them
// (`count(case.extremities)`, `complete(l)`: both are functions of their arguments, the case
// and the date of service, and the claim an edit sees does not change while it runs).
std::string key_of(const Node& n, const std::vector<Shape>& shapes) {
    switch (n.op) {
    case Op::Local:
        return fmt::format("local {}", n.slot);
    case Op::Def:
        return fmt::format("def {}", n.slot);
    case Op::CaseRoot:
        return "case";
    case Op::DatedSetting: // its value by the date of service, the same wherever it is read
        return fmt::format("setting {}", n.slot);
    case Op::Reviewing:
        return "reviewing";
    case Op::Claim:
        return "claim";
    case Op::Supported:
        return "supported";
    case Op::ServiceDate:
        return "date of service";
    case Op::Member:
    case Op::MapMember: {
        // A field of a record written in place (`{code: line.code}.code`) is the value given.
        if (n.op == Op::Member && n.kids[0].op == Op::Record && n.slot < n.kids[0].kids.size())
            return key_of(n.kids[0].kids[n.slot], shapes);
        std::string of = key_of(n.kids[0], shapes);
        return of.empty() ? of : fmt::format("{}.{}", of, n.slot);
    }
    case Op::DynamicMember: { // a field of a value of no known type, by its name
        if (n.kids.empty() || n.text.empty()) return "";
        std::string of = key_of(n.kids[0], shapes);
        return of.empty() ? of : fmt::format("{}:{}", of, n.text[0]);
    }
    case Op::Index: { // a position in a list (`case.diagnoses[0]`)
        if (n.kids.size() != 2) return "";
        const Node& list = n.kids[0]; // or a table (`next[c]`: a row's value)
        // An element of a list written in place (`[line.code, 95860][0]`) is the value given,
        // unless a conditional element before it moves it.
        if (const Node& at = n.kids[1];
            list.op == Op::List && at.op == Op::Const && at.constant.kind == Kind::Number &&
            at.constant.number >= 0 &&
            static_cast<std::size_t>(at.constant.number) < list.kids.size() &&
            std::none_of(list.kids.begin(), list.kids.end(),
                         [](const Node& k) { return k.op == Op::Guard; }))
            return key_of(list.kids[static_cast<std::size_t>(at.constant.number)], shapes);
        std::string of = list.op == Op::Const && list.constant.kind == Kind::Table
                             ? "table " + list.constant.table->name
                             : key_of(list, shapes);
        const Node& at = n.kids[1];
        std::string position = at.op == Op::Const && at.constant.kind == Kind::Number
                                   ? to_text(at.constant, shapes, true)
                                   : key_of(at, shapes);
        if (of.empty() || position.empty()) return "";
        // A field of the list's elements at a position (`claim.code[0]`) is the field of the
        // element at it (`claim[0].code`): one name for both spellings.
        if (list.op == Op::MapMember && list.kids.size() == 1) {
            std::string elements = key_of(list.kids[0], shapes);
            if (!elements.empty()) return fmt::format("{}[{}].{}", elements, position, list.slot);
        }
        return fmt::format("{}[{}]", of, position);
    }
    case Op::Neg:
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
    case Op::Mod: { // arithmetic (`count(case.claim) - 1`, a position)
        char sign = n.op == Op::Add   ? '+'
                    : n.op == Op::Mul ? '*'
                    : n.op == Op::Div ? '/'
                    : n.op == Op::Mod ? '%'
                                      : '-'; // Neg: one operand, Sub: two
        std::string key = fmt::format("{}(", sign);
        for (const auto& kid : n.kids) {
            std::string arg = kid.op == Op::Const && kid.constant.kind == Kind::Number
                                  ? to_text(kid.constant, shapes, true)
                                  : key_of(kid, shapes);
            if (arg.empty()) return "";
            key += arg + ",";
        }
        return key + ")";
    }
    case Op::Not:
    case Op::And:
    case Op::Or:
    case Op::Eq:
    case Op::Ne:
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
    case Op::In:
    case Op::NotIn: // a condition, as a choice's (`if line.units > 1 then …`) is named
    case Op::If:    // a choice (`if u > 1 then 95860 else line.code`), by its parts
    case Op::List:  // a list written in place (`min([limbs, 2])`), by its elements
    case Op::Builtin:
    case Op::CallDef: {
        std::string key = n.op == Op::If        ? std::string("if(")
                          : n.op == Op::Builtin ? fmt::format("{}(", n.builtin->name)
                          : n.op == Op::CallDef ? fmt::format("call {}(", n.slot)
                                                : fmt::format("op {}(", static_cast<int>(n.op));
        for (const auto& kid : n.kids) {
            std::string arg = kid.op != Op::Const ? key_of(kid, shapes)
                              : kid.constant.kind == Kind::Table
                                  ? "table " + kid.constant.table->name
                                  : to_text(kid.constant, shapes, true);
            if (arg.empty()) return "";
            key += arg + ",";
        }
        return key + ")";
    }
    case Op::Interpolate: { // a text made of parts (`"{line.code}-{limb.limb}"`)
        std::string key = "text(";
        for (std::size_t i = 0; i < n.text.size(); ++i) {
            key += to_text(Value::of_string(n.text[i]), shapes, true) + ",";
            if (i >= n.kids.size()) continue;
            const Node& kid = n.kids[i];
            std::string part = kid.op == Op::Const && kid.constant.kind != Kind::Table
                                   ? to_text(kid.constant, shapes, true)
                                   : key_of(kid, shapes);
            if (part.empty()) return "";
            key += part + ",";
        }
        return key + ")";
    }
    default:
        return "";
    }
}

namespace {

// What the conditions so far say of one value: the values it may be (`==`, `in`; none said:
// any), those it may not (`!=`, `not in`), and its bounds: a number's (whole, so inclusive),
// a string's (ordered by bytes, each bound inclusive or not).
struct TextBound {
    std::string text;
    bool inclusive = true;
};
// One condition, read as what it says of one keyed value: `op` against `values` (the
// constant, or a list's elements for `in` and `not in`); or, `op` Or, that one of
// `alternatives` holds (`count(l) > 3 or count(l) < 2`), each a test of the same value.
struct Test {
    std::string key;
    Op op = Op::Eq;
    std::vector<Value> values;
    std::vector<Test> alternatives = {};
};

struct Known {
    std::vector<std::vector<Test>> disjunctions; // each holds through one of its tests
    std::optional<std::vector<Value>> among;
    std::vector<Value> not_among;
    std::optional<std::int64_t> low, high;
    std::optional<TextBound> low_text, high_text;
    std::vector<std::string> said_by; // the conditions that said so, as written
    std::string dated_by;             // the dates of service that bound it, in words
    // What the case schema holds it to, apart from what conditions said (so that a warning
    // names it only where it is why nothing is left): its largest value, and why, in words.
    std::optional<std::int64_t> schema_high;
    std::string bounded_by;
    bool reported = false;
};

bool contains(const std::vector<Value>& values, const Value& v, const std::vector<Shape>& shapes) {
    for (const auto& x : values)
        if (equal(x, v, shapes)) return true;
    return false;
}

bool above(const std::optional<TextBound>& low, std::string_view s) {
    return !low || s > low->text || (low->inclusive && s == low->text);
}
bool below(const std::optional<TextBound>& high, std::string_view s) {
    return !high || s < high->text || (high->inclusive && s == high->text);
}

// The largest value left: the conditions' bound or the schema's, the lower.
std::optional<std::int64_t> high_of(const Known& k) {
    if (k.high && k.schema_high) return std::min(*k.high, *k.schema_high);
    return k.high ? k.high : k.schema_high;
}

bool numbers_between(const Known& k) {
    auto high = high_of(k);
    return !(k.low && high && *k.low > *high);
}
bool texts_between(const Known& k) {
    if (!k.low_text || !k.high_text) return true;
    const TextBound &low = *k.low_text, &high = *k.high_text;
    return low.text < high.text || (low.text == high.text && low.inclusive && high.inclusive);
}

// Whether some value is still possible, the disjunctions aside.
bool satisfiable_alone(const Known& k, const std::vector<Shape>& shapes) {
    if (!numbers_between(k) || !texts_between(k)) return false;
    if (!k.among) return true;
    for (const auto& v : *k.among) {
        if (contains(k.not_among, v, shapes)) continue;
        if (v.kind == Kind::Number &&
            ((k.low && v.number < *k.low) || (high_of(k) && v.number > *high_of(k))))
            continue;
        if (v.kind == Kind::String && (!above(k.low_text, v.str()) || !below(k.high_text, v.str())))
            continue;
        return true;
    }
    return false;
}

Op flipped(Op op) {
    switch (op) {
    case Op::Lt:
        return Op::Gt;
    case Op::Le:
        return Op::Ge;
    case Op::Gt:
        return Op::Lt;
    case Op::Ge:
        return Op::Le;
    default:
        return op; // == and != read the same either way
    }
}

// The comparison that holds where `op` does not (`not`).
Op negated(Op op) {
    switch (op) {
    case Op::Eq:
        return Op::Ne;
    case Op::Ne:
        return Op::Eq;
    case Op::In:
        return Op::NotIn;
    case Op::NotIn:
        return Op::In;
    case Op::Lt:
        return Op::Ge;
    case Op::Le:
        return Op::Gt;
    case Op::Gt:
        return Op::Le;
    default: // Ge
        return Op::Lt;
    }
}

// Adds what `test` says to `k`; false when it says nothing this check follows.
bool learn(Known& k, const Test& test, const std::vector<Shape>& shapes) {
    if (test.op == Op::Or) {
        k.disjunctions.push_back(test.alternatives);
        return true;
    }
    auto keep_among = [&](const std::vector<Value>& allowed) {
        if (!k.among) {
            k.among = allowed;
            return;
        }
        std::vector<Value> both;
        for (const auto& v : *k.among)
            if (contains(allowed, v, shapes)) both.push_back(v);
        k.among = std::move(both);
    };
    switch (test.op) {
    case Op::Eq:
    case Op::In:
        keep_among(test.values);
        return true;
    case Op::Ne:
    case Op::NotIn:
        k.not_among.insert(k.not_among.end(), test.values.begin(), test.values.end());
        return true;
    default:
        break;
    }
    const Value& constant = test.values.front();
    bool upper = test.op == Op::Lt || test.op == Op::Le;
    if (constant.kind == Kind::String) {
        TextBound bound{std::string(constant.str()), test.op == Op::Le || test.op == Op::Ge};
        auto& kept = upper ? k.high_text : k.low_text;
        // The tighter bound stays (on a tie, the one that leaves the text itself out).
        bool tighter = !kept || (upper ? bound.text < kept->text : bound.text > kept->text) ||
                       (bound.text == kept->text && !bound.inclusive);
        if (tighter) kept = std::move(bound);
        return true;
    }
    if (constant.kind != Kind::Number) return false;
    // Numbers are whole: `< c` is `<= c - 1` (a bound past the last number says nothing).
    std::int64_t c = constant.number, bound = c;
    if (test.op == Op::Lt && __builtin_sub_overflow(c, 1, &bound)) return false;
    if (test.op == Op::Gt && __builtin_add_overflow(c, 1, &bound)) return false;
    if (upper)
        k.high = k.high ? std::min(*k.high, bound) : bound;
    else
        k.low = k.low ? std::max(*k.low, bound) : bound;
    return true;
}

// Whether some value is still possible: with each disjunction, through one of its tests. Past
// `most` combinations, possible (no warning rather than a slow check).
bool satisfiable(const Known& k, const std::vector<Shape>& shapes) {
    if (!satisfiable_alone(k, shapes)) return false;
    constexpr std::size_t most = 64;
    std::size_t combinations = 1;
    for (const auto& alternatives : k.disjunctions)
        if ((combinations *= std::max<std::size_t>(alternatives.size(), 1)) > most) return true;
    std::vector<std::size_t> pick(k.disjunctions.size(), 0);
    for (std::size_t n = 0; n < combinations; ++n) {
        Known one = k;
        one.disjunctions.clear();
        std::size_t rest = n;
        bool followed = true;
        for (const auto& alternatives : k.disjunctions) {
            if (alternatives.empty()) continue;
            followed = learn(one, alternatives[rest % alternatives.size()], shapes) && followed;
            rest /= alternatives.size();
        }
        if (!followed || satisfiable_alone(one, shapes)) return true;
    }
    return false;
}

// A condition a `when` holds, negated or not, and the condition as written that says it.
struct Conjunct {
    const Node* node;
    bool negate;
    const Node* written;
    bool in_definition = false; // of a definition's body: its locals are not the rule's
};

// The conditions a `when` holds all of: the operands of its `and`s, and of a `not` over an
// `or` (`not (a or b)` holds where `not a` and `not b` do; both quote the `not` as written).
// A definition without parameters is itself one, and so are the conditions of its body
// (`def many = count(case.diagnoses) > 3`), each quoted as the definition's name.
void conjuncts(const Node& n, bool negate, const Node* written, std::vector<Conjunct>& out,
               const std::vector<DefCode>& defs, int depth = 0) {
    if (n.op == Op::Not && n.kids[0].op == (negate ? Op::And : Op::Or))
        return conjuncts(n.kids[0], !negate, written ? written : &n, out, defs, depth);
    if (n.op == Op::Not && n.kids[0].op == Op::Def)
        return conjuncts(n.kids[0], !negate, written ? written : &n, out, defs, depth);
    if (n.op == (negate ? Op::Or : Op::And)) {
        conjuncts(n.kids[0], negate, written, out, defs, depth);
        conjuncts(n.kids[1], negate, written, out, defs, depth);
        return;
    }
    out.push_back({&n, negate, written ? written : &n, depth > 0});
    constexpr int deepest = 8; // definitions read through, one in another
    if (n.op == Op::Def && n.slot < defs.size() && !defs[n.slot].is_function && depth < deepest &&
        defs[n.slot].type && defs[n.slot].type->kind == TypeKind::Bool)
        conjuncts(defs[n.slot].body, negate, written ? written : &n, out, defs, depth + 1);
}

class Tests {
public:
    Tests(const Program& program, const std::set<LookupsToProve::key_type>& from_tables)
        : p_(program), from_tables_(from_tables) {}

    // What `n` (negated when `negate`) says of one keyed value, or nothing. A disjunction
    // says something when each of its sides gives values one key may be (`x == a or x == b`
    // is `x in [a, b]`); a condition on its own (a boolean) is `== true`.
    std::optional<Test> of(const Node& n, bool negate) const {
        if (n.op == Op::Not) return of(n.kids[0], !negate);
        if ((n.op == Op::Any || n.op == Op::None || n.op == Op::All) && n.kids.size() == 2)
            return quantified(n, negate);
        if (n.op == (negate ? Op::And : Op::Or)) return either(n, negate);
        if (is_comparison(n.op) && n.kids.size() == 2) return comparison(n, negate);
        std::string key = key_of(n, p_.shapes);
        if (key.empty()) return std::nullopt;
        return Test{std::move(key), Op::Eq, {Value::of_bool(!negate)}};
    }

private:
    std::optional<Test> comparison(const Node& n, bool negate) const {
        Op op = negate ? negated(n.op) : n.op;
        std::string key = key_of(n.kids[0], p_.shapes);
        const Node* constant = &n.kids[1];
        if (key.empty() && (op == Op::In || op == Op::NotIn)) return membership(n, op);
        if (key.empty() && op != Op::In && op != Op::NotIn) {
            key = key_of(n.kids[1], p_.shapes);
            constant = &n.kids[0];
            op = flipped(op);
        }
        // A definition of a constant (`def cts_codes = ["G56.00", "G56.01"]`) is that constant.
        if (constant->op == Op::Def && constant->slot < p_.defs.size() &&
            !p_.defs[constant->slot].is_function)
            constant = &p_.defs[constant->slot].body;
        // A setting's value is the base's until a payer restates it: not a contradiction
        // of the rule as written (`when case.provider_role == role`).
        if (key.empty() || !is_plain_constant(*constant) || p_.settings_folded_at(constant->span))
            return std::nullopt;
        // Nor are a table's keys, to which a payer may add rows (`d in keys(payable)`).
        if (from_tables_.count({constant->span.file, constant->span.begin, constant->span.end}))
            return std::nullopt;
        const Value& v = constant->constant;
        if (op == Op::In || op == Op::NotIn) {
            if (v.kind != Kind::List) return std::nullopt;
            return Test{std::move(key), op, {v.items, v.items + v.size}};
        }
        return Test{std::move(key), op, {v}};
    }

    // `"G70.00" in case.diagnoses`: whether a keyed list holds a constant is a boolean of its
    // own, so that `not in` of the same after it is a contradiction (`"XS" in line.modifiers`,
    // then `not ("XS" in line.modifiers)`).
    std::optional<Test> membership(const Node& n, Op op) const {
        return holds(n.kids[1], n.kids[0], op == Op::In);
    }

    // Whether the keyed list `list` holds the constant `element` (`yes`) or not: a boolean of
    // its own, as membership() and quantified() read one.
    std::optional<Test> holds(const Node& list, const Node& element, bool yes) const {
        std::string key = key_of(list, p_.shapes);
        if (key.empty() || !is_plain_constant(element) || p_.settings_folded_at(element.span) ||
            element.constant.kind == Kind::List)
            return std::nullopt;
        return Test{fmt::format("{} holds {}", key, to_text(element.constant, p_.shapes, true)),
                    Op::Eq,
                    {Value::of_bool(yes)}};
    }

    // `any d in case.diagnoses: d == "G70.00"` is `"G70.00" in case.diagnoses`, `none d in
    // …: d == C` and `all d in …: d != C` its `not in`: whether the list holds the constant,
    // as membership() reads it, so that the two spellings contradict each other too.
    std::optional<Test> quantified(const Node& n, bool negate) const {
        const Node& condition = n.kids[1];
        Op wanted = n.op == Op::All ? Op::Ne : Op::Eq;
        if (condition.op != wanted || condition.kids.size() != 2) return std::nullopt;
        auto is_variable = [&](const Node& k) { return k.op == Op::Local && k.slot == n.slot; };
        const Node* element = is_variable(condition.kids[0])   ? &condition.kids[1]
                              : is_variable(condition.kids[1]) ? &condition.kids[0]
                                                               : nullptr;
        if (!element) return std::nullopt;
        return holds(n.kids[0], *element, (n.op == Op::Any) != negate);
    }

    // `x == a or x == b` is `x in [a, b]`; other sides of one value (`count(l) > 3 or
    // count(l) < 2`) are alternatives, one of which holds.
    std::optional<Test> either(const Node& n, bool negate) const {
        auto left = side_of(n.kids[0], negate), right = side_of(n.kids[1], negate);
        if (!left || !right || left->key != right->key) return std::nullopt;
        auto values = [](const Test& t) { return t.op == Op::Eq || t.op == Op::In; };
        if (values(*left) && values(*right)) {
            left->op = Op::In;
            left->values.insert(left->values.end(), right->values.begin(), right->values.end());
            return left;
        }
        Test out{left->key, Op::Or, {}};
        for (Test* side : {&*left, &*right})
            if (side->op == Op::Or)
                for (Test& alternative : side->alternatives)
                    out.alternatives.push_back(std::move(alternative));
            else
                out.alternatives.push_back(std::move(*side));
        return out;
    }

    // A side of an `or`; a definition without parameters as its body says (`when many_dx or
    // few_dx`), unless that names the body's own locals.
    std::optional<Test> side_of(const Node& n, bool negate) const {
        if (n.op == Op::Def && n.slot < p_.defs.size() && !p_.defs[n.slot].is_function &&
            p_.defs[n.slot].type && p_.defs[n.slot].type->kind == TypeKind::Bool && reading_ < 8) {
            ++reading_;
            auto body = side_of(p_.defs[n.slot].body, negate);
            --reading_;
            if (body && body->key.find("local ") == std::string::npos &&
                std::none_of(
                    body->alternatives.begin(), body->alternatives.end(),
                    [](const Test& t) { return t.key.find("local ") != std::string::npos; }))
                return body;
        }
        return of(n, negate);
    }

    const Program& p_;
    const std::set<LookupsToProve::key_type>& from_tables_;
    mutable int reading_ = 0; // definitions read through, one in another
};

// What a rule knows before its first clause: of the case's limbs, what the case reader holds
// them to; of `service_date`, that the rule runs only on its own dates
// and on those the policy codes (a case dated outside them is refused), so `when service_date <
// "2023-06-01"` in an edit `from "2024-01-01"` never holds.
// A base's rule checked under a payer that narrowed the policy's dates is told only of its own:
// its author cannot change the payer's header, nor is the rule wrong for its own policy.
std::map<std::string, Known> known_from_the_start(const RuleCode& code, const Program& p,
                                                  bool outermost) {
    Effective dates = outermost ? p.service_dates : Effective{};
    if (code.effective.from > dates.from) dates.from = code.effective.from;
    if (!code.effective.until.empty() &&
        (dates.until.empty() || code.effective.until < dates.until))
        dates.until = code.effective.until;
    std::map<std::string, Known> known;
    // A case names each limb once, and there are four (the case reader refuses a limb given
    // twice): `count(case.extremities) > 4` never holds.
    Known& limbs = known[fmt::format("count(case.{},)", case_field::extremities)];
    limbs.schema_high = 4;
    limbs.bounded_by = "a case has at most 4 extremities: each limb is given once";
    if (!dates.dated()) return known;
    Known& date = known["date of service"];
    if (!dates.from.empty()) date.low_text = TextBound{dates.from, true};
    if (!dates.until.empty()) date.high_text = TextBound{dates.until, false};
    date.dated_by = range_in_words(dates);
    bool own = code.effective.dated(), policy = outermost && p.service_dates.dated();
    date.dated_by += own && policy ? std::string(" (its own, within those the policy codes)")
                     : own         ? " (its own)"
                                   : std::string(" (those the policy codes)");
    return known;
}

} // namespace

// An arm of `first` is taken where its condition holds and no arm's before it does: one whose
// condition cannot hold with the others' `not` is never taken (`when n >= 1 => …` before
// `when n >= 5 => …`), and what it gives is never given.
void ExpressionChecker::warn_unreachable_arms(const std::vector<const Node*>& conditions,
                                              const std::vector<Span>& written) {
    const auto& shapes = p().shapes;
    const Tests reader(p(), folded_from_tables_);
    // What the arms before arm k say by their `not`, learned once each as k moves on.
    std::map<std::string, Known> before;
    auto learn_not = [&](std::size_t j) {
        std::vector<Conjunct> nots; // `not (a or b)`: `not a` and `not b`
        conjuncts(*conditions[j], true, nullptr, nots, p().defs);
        for (const auto& [node, negate, written_node, in_definition] : nots) {
            std::optional<Test> test = reader.of(*node, negate);
            if (!test || (in_definition && test->key.find("local ") != std::string::npos) ||
                !learn(before[test->key], *test, shapes))
                continue;
            auto& said = before[test->key].said_by;
            std::string arm(source_text(written[j]));
            if (std::find(said.begin(), said.end(), arm) == said.end()) said.push_back(arm);
        }
    };
    for (std::size_t k = 1; k < conditions.size(); ++k) {
        learn_not(k - 1);
        std::map<std::string, Known> known = before; // arm k's own tests are added to a copy
        std::vector<Conjunct> tests;
        conjuncts(*conditions[k], false, nullptr, tests, p().defs);
        for (const auto& [node, negate, written_node, in_definition] : tests) {
            std::optional<Test> test = reader.of(*node, negate);
            if (!test || (in_definition && test->key.find("local ") != std::string::npos)) continue;
            Known& kk = known[test->key];
            if (kk.said_by.empty() || !learn(kk, *test, shapes) || satisfiable(kk, shapes))
                continue;
            Diagnostic& d = warning(
                "check.unreachable_arm", written[k],
                fmt::format("this arm of `first` is never taken: where `{}` holds, an arm before "
                            "it is taken",
                            source_text(written_node->span)));
            for (const auto& arm : kk.said_by)
                d.notes.push_back(fmt::format("an arm before it: `when {}`", arm));
            d.help = "put the narrower condition first (`first` takes the first arm that holds), "
                     "or drop this arm";
            break;
        }
    }
}

namespace {

// The `local N`s a key names (`local 3.1`, `count(local 4,)`).
std::vector<std::uint32_t> locals_named(std::string_view key) {
    std::vector<std::uint32_t> slots;
    for (std::size_t at = key.find("local "); at != std::string_view::npos;
         at = key.find("local ", at + 1)) {
        std::uint32_t slot = 0;
        const char* from = key.data() + at + 6;
        if (std::from_chars(from, key.data() + key.size(), slot).ec == std::errc())
            slots.push_back(slot);
    }
    return slots;
}

} // namespace

// Exceptions are tried in the order they were declared and the first whose guard holds runs:
// one whose guard holds only where an earlier one's holds too never runs (`when role ==
// "technical"` before `when role == "technical" and …`), and the payer's change it makes never
// happens. At run time each case where both hold says so; here it is said once, before any case.
void RuleCompiler::warn_unreachable_exceptions(const std::vector<RuleCode>& exceptions,
                                               const RuleCode& target, bool per_element) {
    const auto& shapes = p().shapes;
    const Tests reader(p(), folded_from_tables_);
    // An exception's guard: its leading `let`s (whose slots are its own) and the conditions of
    // its leading `when`s.
    struct Guard {
        std::vector<Conjunct> conditions;
        std::set<std::uint32_t> own; // slots of its `let`s
        std::size_t whens = 0;
    };
    auto guard_of = [&](const RuleCode& exception) {
        Guard g;
        for (const auto& clause : exception.clauses) {
            if (clause.kind == ast::ClauseKind::Let)
                g.own.insert(clause.slot);
            else if (clause.kind == ast::ClauseKind::When) {
                ++g.whens;
                conjuncts(clause.expr, false, nullptr, g.conditions, p().defs);
            } else
                break;
        }
        return g;
    };
    // Whether a test reads only what both exceptions read alike: a case-level exception's
    // locals are its own frame's, an element exception's are its target's but for its `let`s.
    auto shared = [&](const std::string& key, const Guard& g) {
        for (std::uint32_t slot : locals_named(key))
            if (!per_element || g.own.count(slot)) return false;
        return true;
    };
    std::vector<Guard> guards;
    for (const auto& exception : exceptions)
        guards.push_back(guard_of(exception));
    for (std::size_t k = 1; k < exceptions.size(); ++k) {
        // What exception k's guard says: where it holds, does an earlier one's hold?
        std::map<std::string, Known> holds;
        for (const auto& [node, negate, written, in_definition] : guards[k].conditions) {
            std::optional<Test> test = reader.of(*node, negate);
            if (!test || (in_definition && test->key.find("local ") != std::string::npos)) continue;
            learn(holds[test->key], *test, shapes);
        }
        if (std::any_of(holds.begin(), holds.end(),
                        [&](const auto& known) { return !satisfiable(known.second, shapes); }))
            continue; // its own conditions contradict each other: check.contradiction says so
        // Every condition of guard j holds where guard k does: with k's tests, its `not` cannot.
        auto implied = [&](const Conjunct& c) {
            std::optional<Test> opposite = reader.of(*c.node, !c.negate);
            if (!opposite) return false;
            auto it = holds.find(opposite->key);
            Known known = it == holds.end() ? Known{} : it->second;
            return learn(known, *opposite, shapes) && !satisfiable(known, shapes);
        };
        for (std::size_t j = 0; j < k; ++j) {
            const RuleCode& earlier = exceptions[j];
            if (earlier.effective.dated()) continue; // it holds only on its dates
            const Guard& g = guards[j];
            // A definition's body says no more than the definition it is read through, which
            // is a condition of the guard too.
            std::vector<Conjunct> written;
            std::copy_if(g.conditions.begin(), g.conditions.end(), std::back_inserter(written),
                         [](const Conjunct& c) { return !c.in_definition; });
            if (std::any_of(written.begin(), written.end(), [&](const Conjunct& c) {
                    std::optional<Test> t = reader.of(*c.node, c.negate);
                    return !t || !shared(t->key, g) || !shared(t->key, guards[k]);
                }))
                continue;
            if (!std::all_of(written.begin(), written.end(), implied)) continue;
            std::string kind(vocabulary::keyword(target.kind));
            Diagnostic& d = warning(
                "check.unreachable_exception", exceptions[k].span,
                g.whens == 0
                    ? fmt::format("exception `{}` to {} `{}` never runs: exception `{}`, declared "
                                  "before it, has no `when` in its guard and runs wherever it "
                                  "is tried{}",
                                  exceptions[k].name, kind, target.name, earlier.name,
                                  per_element ? "" : " (the whole case)")
                    : fmt::format("exception `{}` to {} `{}` never runs: wherever its guard "
                                  "holds, the guard of exception `{}` (declared before it) "
                                  "holds too, and the first declared runs",
                                  exceptions[k].name, kind, target.name, earlier.name));
            for (const auto& clause : earlier.clauses) {
                if (clause.kind != ast::ClauseKind::Let && clause.kind != ast::ClauseKind::When)
                    break;
                if (clause.kind == ast::ClauseKind::When)
                    d.notes.push_back(
                        fmt::format("`{}`'s guard: `{}`", earlier.name, clause.source));
            }
            d.help = fmt::format("declare the narrower exception first, merge the two, or drop "
                                 "`{}`",
                                 exceptions[k].name);
            break;
        }
    }
}

// What the conditions holding say of the divisor (or of the local that names it, `named_by`),
// and of the key of the table look-up it reads (`lookup`): no 0 is left when the divisor
// cannot be 0 (`d > 0`, `d != 0`, `d in [1, 2]`), or when the key cannot be the key of any row
// of 0 (`line.code != 95885`). A test it does not follow proves nothing.
bool ExpressionChecker::zero_left_out(const Node& divisor, const Node* named_by, const Node* lookup,
                                      const std::vector<Value>& zero_keys) {
    if (holding_.empty()) return false;
    const auto& shapes = p().shapes;
    // A definition without parameters whose body reads only the case, the settings and the
    // date of service is its body, under either name: `def role = case.provider_role`, tested
    // as `case.provider_role`, looked up as `role` (not one reading the claim, which changes
    // between the edits while the definition keeps the value it had when first read).
    auto through_definitions = [&](std::string key) {
        for (int hops = 0; hops < 8 && key.rfind("def ", 0) == 0; ++hops) {
            std::uint32_t slot = 0;
            const char* end = key.data() + key.size();
            auto [at, error] = std::from_chars(key.data() + 4, end, slot);
            if (error != std::errc() || at != end || slot >= p().defs.size()) break;
            const DefCode& def = p().defs[slot];
            if (def.is_function || def.param_count) break;
            std::string body = key_of(def.body, shapes);
            bool of_the_case = body.rfind("case", 0) == 0 || body.rfind("setting ", 0) == 0 ||
                               body == "date of service";
            if (!of_the_case || body.find("local ") != std::string::npos) break;
            key = std::move(body);
        }
        return key;
    };
    std::function<void(Test&)> resolve = [&](Test& test) {
        test.key = through_definitions(std::move(test.key));
        for (Test& alternative : test.alternatives)
            resolve(alternative);
    };
    std::string divisor_key = through_definitions(key_of(divisor, shapes));
    std::string name_key = named_by ? through_definitions(key_of(*named_by, shapes)) : "";
    std::string row_key;
    if (lookup && lookup->kids.size() == 2 && !zero_keys.empty())
        row_key = through_definitions(key_of(lookup->kids[1], shapes));
    if (divisor_key.empty() && name_key.empty() && row_key.empty()) return false;
    const Tests reader(p(), folded_from_tables_);
    std::map<std::string, Known> known;
    for (const auto& [condition, negate] : holding_) {
        std::vector<Conjunct> tests;
        conjuncts(condition, negate, nullptr, tests, p().defs);
        for (const auto& [node, negated, written, in_definition] : tests) {
            std::optional<Test> test = reader.of(*node, negated);
            if (!test || (in_definition && test->key.find("local ") != std::string::npos)) continue;
            resolve(*test);
            if (test->key != divisor_key && test->key != name_key && test->key != row_key) continue;
            learn(known[test->key], *test, shapes);
        }
    }
    // Whether `key` can still be `v` where the conditions hold.
    auto can_be = [&](const std::string& key, const Value& v) {
        auto it = known.find(key);
        if (key.empty() || it == known.end()) return true;
        Known k = it->second;
        return !learn(k, Test{key, Op::Eq, {v}}, shapes) || satisfiable(k, shapes);
    };
    for (const std::string* key : {&divisor_key, &name_key})
        if (!key->empty() && !can_be(*key, Value::of_number(0))) return true;
    return !row_key.empty() && std::none_of(zero_keys.begin(), zero_keys.end(),
                                            [&](const Value& key) { return can_be(row_key, key); });
}

// A `when` whose `not` cannot hold holds for every case, though it reads the case: it filters
// nothing (`line.code != 95885 or line.code != 95886`, where `and` was meant: a code is never
// both, so one side always holds).
void RuleCompiler::warn_always_holds(const ClauseCode& clause) {
    const Tests reader(p(), folded_from_tables_);
    std::vector<Conjunct> nots;
    conjuncts(clause.expr, true, nullptr, nots, p().defs);
    if (nots.size() < 2) return; // one comparison alone is never its own contradiction
    std::map<std::string, Known> known;
    for (const auto& [node, negate, written, in_definition] : nots) {
        std::optional<Test> test = reader.of(*node, negate);
        if (!test || in_definition) continue;
        Known& k = known[test->key];
        if (!learn(k, *test, p().shapes) || satisfiable(k, p().shapes)) continue;
        std::string condition(source_text(clause.expr.span));
        warning("check.always_holds", clause.expr.span,
                fmt::format("`{}` always holds: its sides leave no value out", condition))
            .help = "to exclude both values, join the tests with `and` (`x != a and x != b`), or "
                    "write `not in [a, b]`";
        return;
    }
}

void RuleCompiler::warn_contradictions(const RuleCode& code, const ast::Rule& rule) {
    const auto& shapes = p().shapes;
    const Tests reader(p(), folded_from_tables_);
    std::string kind(vocabulary::keyword(rule.kind));
    // Learns the tests of a `when`; one that cannot hold with what `known` holds already is
    // reported, the consequence worded by `never`.
    auto consider = [&](std::map<std::string, Known>& known, const ClauseCode& clause,
                        const std::function<std::string()>& never) {
        std::vector<Conjunct> tests;
        conjuncts(clause.expr, false, nullptr, tests, p().defs);
        std::set<const Node*> reported; // one warning a condition as written
        for (const auto& [node, negate, written_node, in_definition] : tests) {
            std::optional<Test> test = reader.of(*node, negate);
            if (!test || (in_definition && test->key.find("local ") != std::string::npos)) continue;
            Known& k = known[test->key];
            if (k.reported || !learn(k, *test, shapes)) continue;
            if (reported.count(written_node)) continue;
            std::string written(source_text(written_node->span));
            if (satisfiable(k, shapes)) {
                if (std::find(k.said_by.begin(), k.said_by.end(), written) == k.said_by.end())
                    k.said_by.push_back(std::move(written));
                continue;
            }
            k.reported = true;
            reported.insert(written_node);
            Diagnostic& d =
                warning("check.contradiction", written_node->span,
                        fmt::format("`{}` cannot hold where the conditions before it hold: {}",
                                    written, never()));
            for (const auto& before : k.said_by)
                d.notes.push_back(fmt::format("before it: `{}`", before));
            if (!k.dated_by.empty())
                d.notes.push_back(
                    fmt::format("the {} runs only on dates of service {}", kind, k.dated_by));
            bool by_schema = false;
            if (Known without = k; k.schema_high) {
                without.schema_high.reset();
                by_schema = satisfiable(without, shapes);
                if (by_schema) d.notes.push_back(k.bounded_by);
            }
            if (by_schema)
                d.help = "check the number it is compared with";
            else if (!k.dated_by.empty() && !texts_between(k))
                d.help = fmt::format("a case's `service_date` is always one of these dates: check "
                                     "the date it is compared with{}",
                                     code.effective.dated()
                                         ? fmt::format(", or the {}'s `from`/`until`", kind)
                                         : "");
            else if (satisfiable_alone(k, shapes))
                d.help = "no side of the `or` can hold with the other conditions: check them";
            else if (!numbers_between(k))
                d.help = "no number is within both bounds: check them (`<` and `>` leave the "
                         "bound itself out)";
            else if (!texts_between(k))
                d.help = "no text is within both bounds (texts are ordered character by "
                         "character): check them";
            else if (!test->values.empty() && test->values.front().kind == Kind::Bool)
                d.help = "a condition and its `not` cannot both hold: drop one";
            else if (k.among && k.among->empty())
                d.help = "a value is one thing at a time: to accept either, join the "
                         "conditions with `or`, or write `in [a, b]`";
            else
                d.help = "the conditions before it leave out every value it accepts: drop one, "
                         "or join them with `or`";
        }
    };
    bool acted = false; // an action came before: what comes after never runs, not the rule
    follow_clauses(
        code, known_from_the_start(code, p(), code.layer == merged_.layers.back()),
        [&](std::map<std::string, Known>& known, const ClauseCode& clause, bool holds) {
            if (vocabulary::clause(clause.kind).role == vocabulary::ClauseRole::action)
                acted = true;
            // A dated narrowing's conditions hold only on its dates; an undated one's `when`s
            // hold with the target's, and one that contradicts them switches the target off on
            // every date, silently (a payer's `line.code == 95886` on an edit of 95885).
            if (clause.kind != ast::ClauseKind::When || !holds) return;
            warn_always_holds(clause);
            bool narrowing = clause.narrowing >= 0;
            consider(known, clause, [&] {
                // An exception's own conditions: it never runs (its target still does).
                if (excepting_ && !acted)
                    return fmt::format("the exception `{}` to {} `{}` never runs", code.name, kind,
                                       excepting_->name);
                return narrowing
                           ? fmt::format("this narrowing switches the {} `{}` off", kind, code.name)
                       : acted ? fmt::format("the {}'s clauses after it never run", kind)
                               : fmt::format("the {} never acts", kind);
            });
        },
        // A guard that cannot hold with the target's conditions where it acts means the
        // exception never runs, and the payer's change never happens.
        [&](std::map<std::string, Known>& guard, const RuleCode& exception) {
            if (exception.effective.dated()) return;
            for (const auto& clause : exception.clauses) {
                if (clause.kind == ast::ClauseKind::Let) continue;
                if (clause.kind != ast::ClauseKind::When) break;
                consider(guard, clause, [&] {
                    return fmt::format("the exception `{}` to {} `{}` never runs", exception.name,
                                       kind, code.name);
                });
            }
        });
}

} // namespace cpl::check_detail
