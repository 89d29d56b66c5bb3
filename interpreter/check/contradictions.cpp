// interpreter/check/contradictions.cpp — conditions of one rule that cannot all hold
// (check.contradiction): `when line.code == 95886 and line.code == 95885`, or a `when` that
// asks for a value an earlier `when` of the rule excluded. Each is fine alone, so neither is
// constant; together the rule never acts. What is compared is a value the rule's conditions
// all read alike on one pass: a field of the case, of a rule variable or of a definition,
// against constants (`==`, `!=`, `in`, `not in`, `<`, `<=`, `>`, `>=`).
#include "interpreter/check/rules.hpp"
#include "lang/vocabulary.hpp"

#include <fmt/format.h>
#include <map>

namespace cpl::check_detail {

namespace {

// A value the rule's conditions read alike on one pass, by a key naming it ("" for any other
// expression): a rule variable (its slot), a definition without parameters (one value a
// case), the case, fields of these, and built-ins of them (`count(case.extremities)`:
// built-ins are functions of their arguments and the date of service).
std::string key_of(const Node& n, const std::vector<Shape>& shapes) {
    switch (n.op) {
    case Op::Local:
        return fmt::format("local {}", n.slot);
    case Op::Def:
        return fmt::format("def {}", n.slot);
    case Op::CaseRoot:
        return "case";
    case Op::Member:
    case Op::MapMember: {
        std::string of = key_of(n.kids[0], shapes);
        return of.empty() ? of : fmt::format("{}.{}", of, n.slot);
    }
    case Op::Builtin: {
        std::string key = fmt::format("{}(", n.builtin->name);
        for (const auto& kid : n.kids) {
            std::string arg = kid.op == Op::Const && kid.constant.kind != Kind::Table
                                  ? to_text(kid.constant, shapes, true)
                                  : key_of(kid, shapes);
            if (arg.empty()) return "";
            key += arg + ",";
        }
        return key + ")";
    }
    default:
        return "";
    }
}

// What the conditions so far say of one value: the values it may be (`==`, `in`; none said:
// any), those it may not (`!=`, `not in`), and the bounds of a number.
struct Known {
    std::optional<std::vector<Value>> among;
    std::vector<Value> not_among;
    std::optional<std::int64_t> low, high; // inclusive
    std::vector<Span> said_by;             // the conditions that said so
    bool reported = false;
};

bool contains(const std::vector<Value>& values, const Value& v, const std::vector<Shape>& shapes) {
    for (const auto& x : values)
        if (equal(x, v, shapes)) return true;
    return false;
}

// Whether some value is still possible.
bool satisfiable(const Known& k, const std::vector<Shape>& shapes) {
    if (k.low && k.high && *k.low > *k.high) return false;
    if (!k.among) return true;
    for (const auto& v : *k.among) {
        if (contains(k.not_among, v, shapes)) continue;
        if (v.kind == Kind::Number &&
            ((k.low && v.number < *k.low) || (k.high && v.number > *k.high)))
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

// Adds what `test` (a comparison of a keyed value with a constant) says to `k`; false when it
// is no such comparison.
bool learn(Known& k, Op op, const Value& constant, const std::vector<Shape>& shapes) {
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
    switch (op) {
    case Op::Eq:
        keep_among({constant});
        return true;
    case Op::Ne:
        k.not_among.push_back(constant);
        return true;
    case Op::In:
        if (constant.kind != Kind::List) return false;
        keep_among({constant.items, constant.items + constant.size});
        return true;
    case Op::NotIn:
        if (constant.kind != Kind::List) return false;
        k.not_among.insert(k.not_among.end(), constant.items, constant.items + constant.size);
        return true;
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge: {
        if (constant.kind != Kind::Number) return false;
        // Numbers are whole: `< c` is `<= c - 1` (a bound past the last number says nothing).
        std::int64_t c = constant.number, bound = c;
        if (op == Op::Lt && __builtin_sub_overflow(c, 1, &bound)) return false;
        if (op == Op::Gt && __builtin_add_overflow(c, 1, &bound)) return false;
        if (op == Op::Lt || op == Op::Le)
            k.high = k.high ? std::min(*k.high, bound) : bound;
        else
            k.low = k.low ? std::max(*k.low, bound) : bound;
        return true;
    }
    default:
        return false;
    }
}

// The conditions a `when` holds all of: the operands of its `and`s.
void conjuncts(const Node& n, std::vector<const Node*>& out) {
    if (n.op == Op::And) {
        conjuncts(n.kids[0], out);
        conjuncts(n.kids[1], out);
    } else {
        out.push_back(&n);
    }
}

bool is_plain_constant(const Node& n) {
    return n.op == Op::Const && n.constant.kind != Kind::Table;
}

} // namespace

void RuleCompiler::warn_contradictions(const RuleCode& code, const ast::Rule& rule) {
    const auto& shapes = p().shapes;
    std::map<std::string, Known> known;
    bool acted = false; // an action came before: what comes after never runs, not the rule
    for (const auto& clause : code.clauses) {
        using K = ast::ClauseKind;
        if (clause.kind != K::For && clause.kind != K::Let && clause.kind != K::When &&
            clause.kind != K::Because)
            acted = true;
        // A narrowing's conditions hold only on its dates, and its `let`s are its own.
        if (clause.kind != ast::ClauseKind::When || clause.narrowing >= 0) continue;
        std::vector<const Node*> tests;
        conjuncts(clause.expr, tests);
        for (const Node* test : tests) {
            if (test->kids.size() != 2) continue;
            Op op = test->op;
            std::string key = key_of(test->kids[0], shapes);
            const Node* constant = &test->kids[1];
            if (key.empty() && op != Op::In && op != Op::NotIn) {
                key = key_of(test->kids[1], shapes);
                constant = &test->kids[0];
                op = flipped(op);
            }
            // A setting's value is the base's until a payer restates it: not a contradiction
            // of the rule as written (`when case.provider_role == role`).
            if (key.empty() || !is_plain_constant(*constant) ||
                p().settings_folded_at(constant->span))
                continue;
            Known& k = known[key];
            if (k.reported || !learn(k, op, constant->constant, shapes)) continue;
            if (satisfiable(k, shapes)) {
                k.said_by.push_back(test->span);
                continue;
            }
            k.reported = true;
            std::string kind(vocabulary::keyword(rule.kind));
            Diagnostic& d =
                warning("check.contradiction", test->span,
                        fmt::format("`{}` cannot hold where the conditions before it hold: {}",
                                    source_text(test->span),
                                    acted ? fmt::format("the {}'s clauses after it never run", kind)
                                          : fmt::format("the {} never acts", kind)));
            for (const Span& before : k.said_by)
                d.notes.push_back(fmt::format("before it: `{}`", source_text(before)));
            if (k.low && k.high && *k.low > *k.high)
                d.help = "no number is within both bounds: check them (`<` and `>` leave the "
                         "bound itself out)";
            else if (k.among && k.among->empty())
                d.help = "a value is one thing at a time: to accept either, join the "
                         "conditions with `or`, or write `in [a, b]`";
            else
                d.help = "the conditions before it leave out every value it accepts: drop one, "
                         "or join them with `or`";
        }
    }
}

} // namespace cpl::check_detail
