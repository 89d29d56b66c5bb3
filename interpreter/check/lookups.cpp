// interpreter/check/lookups.cpp — table look-ups by a case field that nothing tests first
// (check.unguarded_lookup). `mue[line.code]` stops the case with eval.missing_key on the first
// code the table lacks, and a claim can hold any code: the look-up needs `line.code in mue`
// before it, in an earlier `when` of the rule, on the left of an `and`, in the condition of
// an `if` or of a comprehension's filter (or its negation before an `or`, an `else`), or in
// the filter of the list a loop goes over (`let found = [l for l in claim if l.code in mue]`,
// then `mue[l.code] for l in found`).
// Which look-ups need a test was noted while their expressions were compiled (note_lookup,
// operators.cpp); this walks each rule's clauses in order with the tests that hold.
#include "interpreter/check/rules.hpp"
#include "lang/vocabulary.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <functional>
#include <map>

namespace cpl::check_detail {

namespace {

// `key in table` tests that hold at a point, each as the key's name and the table.
using Tested = std::set<std::pair<std::string, const TableData*>>;

const TableData* named_table(const Node& n) {
    return n.op == Op::Const && n.constant.kind == Kind::Table ? n.constant.table : nullptr;
}

class LookupWalk {
public:
    LookupWalk(const std::vector<Shape>& shapes, const LookupsToProve& to_prove,
               std::function<void(const Node&)> report)
        : shapes_(shapes), to_prove_(to_prove), report_(std::move(report)) {}

    // The tests `n` holding (or, `negate`, failing) says hold: `k in t`, `not (k not in t)`,
    // each operand of an `and` that holds (of an `or` that fails).
    void learn(const Node& n, bool negate, Tested& tested) const {
        if (n.op == Op::Not) return learn(n.kids[0], !negate, tested);
        if (n.op == Op::Local)
            if (auto let = lets_.find(n.slot); let != lets_.end())
                return learn(*let->second, negate, tested);
        if (n.op == (negate ? Op::Or : Op::And)) {
            learn(n.kids[0], negate, tested);
            learn(n.kids[1], negate, tested);
            return;
        }
        if (n.op != (negate ? Op::NotIn : Op::In) || n.kids.size() != 2) return;
        const TableData* table = named_table(n.kids[1]);
        std::string key = table ? key_of(n.kids[0], shapes_) : "";
        if (!key.empty()) tested.insert({std::move(key), table});
    }

    // `let found = line.code in mue`: `if found then mue[line.code] …` tests what it does.
    // `let x = [v for v in … if v.code in t]`: what the filter tests of each element of `x`,
    // kept by the key of `x` with the element's key as `@`.
    void learn_let(std::uint32_t slot, const Node& value) {
        lets_[slot] = &value;
        learn_elements(slot, value);
    }

    void learn_elements(std::uint32_t slot, const Node& list) {
        if (list.op != Op::Comprehension || list.kids.size() < 3 || list.kids[1].op != Op::Local ||
            list.kids[1].slot != list.slot)
            return;
        Tested filter;
        learn(list.kids[2], false, filter);
        std::string variable = key_of(list.kids[1], shapes_);
        Tested& of_elements = elements_[key_of_local(slot)];
        for (const auto& [key, table] : filter)
            if (auto rest = below(key, variable)) of_elements.insert({"@" + *rest, table});
    }

    // Adds to `tested` what holds of `variable` (slot), an element of `source`.
    void element_of(const Node& source, std::uint32_t variable, Tested& tested) const {
        if (source.op != Op::Local) return;
        auto known = elements_.find(key_of(source, shapes_));
        if (known == elements_.end()) return;
        std::string name = key_of_local(variable);
        for (const auto& [key, table] : known->second)
            tested.insert({name + key.substr(1), table});
    }

    // Reports each noted look-up in `n` that `tested`, and the conditions on the way to it
    // within `n`, do not test.
    void walk(const Node& n, const Tested& tested) const {
        switch (n.op) {
        case Op::And:
        case Op::Or: {
            walk(n.kids[0], tested);
            Tested right = tested;
            learn(n.kids[0], n.op == Op::Or, right);
            walk(n.kids[1], right);
            return;
        }
        case Op::If: {
            walk(n.kids[0], tested);
            Tested then = tested, otherwise = tested;
            learn(n.kids[0], false, then);
            learn(n.kids[0], true, otherwise);
            walk(n.kids[1], then);
            walk(n.kids[2], otherwise);
            return;
        }
        case Op::Guard: { // kids: condition, element
            walk(n.kids[0], tested);
            Tested inside = tested;
            learn(n.kids[0], false, inside);
            walk(n.kids[1], inside);
            return;
        }
        case Op::Comprehension: { // kids: source, element, [filter]
            walk(n.kids[0], tested);
            Tested inside = tested;
            element_of(n.kids[0], n.slot, inside);
            if (n.kids.size() > 2) {
                walk(n.kids[2], tested);
                learn(n.kids[2], false, inside);
            }
            walk(n.kids[1], inside);
            return;
        }
        case Op::Any:
        case Op::All:
        case Op::None: { // kids: source, condition
            walk(n.kids[0], tested);
            Tested inside = tested;
            element_of(n.kids[0], n.slot, inside);
            walk(n.kids[1], inside);
            return;
        }
        case Op::Index:
            if (n.kids.size() == 2 && to_prove_.count({n.span.file, n.span.begin, n.span.end})) {
                const TableData* table = named_table(n.kids[0]);
                std::string key = table ? key_of(n.kids[1], shapes_) : "";
                if (table && (key.empty() || !tested.count({key, table}))) report_(n);
            }
            break;
        default:
            break;
        }
        for (const auto& kid : n.kids)
            walk(kid, tested);
    }

private:
    std::string key_of_local(std::uint32_t slot) const {
        Node local;
        local.op = Op::Local;
        local.slot = slot;
        return key_of(local, shapes_);
    }

    // `key` with `root` at its start (`local 2.1` below `local 2`), without the root.
    static std::optional<std::string> below(const std::string& key, const std::string& root) {
        if (!key.starts_with(root)) return std::nullopt;
        std::string rest = key.substr(root.size());
        if (!rest.empty() && rest[0] != '.') return std::nullopt;
        return rest;
    }

    std::map<std::string, Tested> elements_;
    std::map<std::uint32_t, const Node*> lets_; // a rule's lets by slot, each its value
    const std::vector<Shape>& shapes_;
    const LookupsToProve& to_prove_;
    std::function<void(const Node&)> report_;
};

} // namespace

void ExpressionChecker::unguarded_lookup(const Node& lookup, bool in_def) {
    const Span& at = lookup.span;
    std::string table = lookup.kids[0].constant.table->name;
    std::string key = source_text(lookup.kids[1].span);
    auto& d = warning("check.unguarded_lookup", at,
                      fmt::format("`{}` stops the case with an error (eval.missing_key) when `{}` "
                                  "is not a key of table `{}`, and nothing before it tests that",
                                  source_text(at), key, table));
    const auto& missing = lookups_to_prove_.at({at.file, at.begin, at.end});
    if (!missing.empty())
        d.notes.push_back(fmt::format("`{}` may be {}, which the table has no row for", key,
                                      fmt::join(missing, " or ")));
    std::string inline_test =
        fmt::format("`if {0} in {1} then {2} else …`", key, table, source_text(at));
    d.help = in_def ? "test it first: " + inline_test
                    : fmt::format("test it first: `when {} in {}`, or {}", key, table, inline_test);
}

void ExpressionChecker::warn_unguarded_lookups(const Node& body) {
    if (lookups_to_prove_.empty()) return;
    LookupWalk walk(p().shapes, lookups_to_prove_,
                    [&](const Node& n) { unguarded_lookup(n, true); });
    walk.walk(body, {});
}

void ExpressionChecker::warn_unguarded_lookups(const RuleCode& code) {
    if (lookups_to_prove_.empty()) return;
    LookupWalk walk(p().shapes, lookups_to_prove_,
                    [&](const Node& n) { unguarded_lookup(n, false); });
    auto clause_walk = [&](const ClauseCode& clause, Tested& tested, bool learns) {
        // `otherwise` says why the rule stopped here: the `when` failed.
        if (clause.otherwise) walk.walk(*clause.otherwise, tested);
        walk.walk(clause.expr, tested);
        if (clause.units) walk.walk(*clause.units, tested);
        if (clause.modifiers) walk.walk(*clause.modifiers, tested);
        if (!learns) return;
        if (clause.kind == ast::ClauseKind::When) walk.learn(clause.expr, false, tested);
        if (clause.kind == ast::ClauseKind::Let) walk.learn_let(clause.slot, clause.expr);
        if (clause.kind == ast::ClauseKind::For) walk.element_of(clause.expr, clause.slot, tested);
    };
    Tested tested, at_action;
    bool action_reached = false;
    for (std::size_t i = 0; i < code.clauses.size(); ++i) {
        if (i == code.action_point) {
            at_action = tested;
            action_reached = true;
        }
        const ClauseCode& clause = code.clauses[i];
        // A dated narrowing's conditions hold only on its dates.
        bool learns =
            clause.narrowing < 0 ||
            !code.narrowings[static_cast<std::size_t>(clause.narrowing)].effective.dated();
        clause_walk(clause, tested, learns);
    }
    if (!action_reached) at_action = tested;
    // An exception per element runs where the target would first act.
    for (const auto& exception : code.element_exceptions) {
        Tested inside = at_action;
        for (const auto& clause : exception.clauses)
            clause_walk(clause, inside, true);
    }
}

} // namespace cpl::check_detail
