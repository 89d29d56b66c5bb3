// interpreter/check/lookups.cpp — table look-ups by a case field that nothing tests first
// (check.unguarded_lookup). `mue[line.code]` stops the case with eval.missing_key on the first
// code the table lacks, and a claim can hold any code: the look-up needs `line.code in mue`
// (or the key equal to values the table has) where it runs: an earlier `when` of the rule,
// the left of an `and`, the condition of an `if` or of a comprehension's filter (or its
// negation before an `or`, an `else`), a `let` or a definition that tests it, or the filter of
// the list a loop goes over (`let found = [l for l in claim if l.code in mue]`, then
// `mue[l.code] for l in found`). Which look-ups need a test was noted while their expressions
// were compiled (note_lookup, operators.cpp); this walks each rule's clauses in order with
// the tests that hold.
#include "interpreter/check/rules.hpp"
#include "interpreter/program/reads.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <functional>
#include <map>

namespace cpl::check_detail {

namespace {

// What the tests that hold at a point say of keys (each by its name, key_of): `k in t` (also
// `k in keys(t)`), and `k == c`, `k in [c1, c2]` (the values `k` may be: all keys of `t`,
// a look-up of `k` in `t` is found).
struct Tested {
    std::set<std::pair<std::string, const TableData*>> in_table;
    std::map<std::string, std::vector<Value>> among;
    // Values a key is not (`c != 95999`, `c not in [95998, 95999]`): a key of constant values
    // (`for c in [95860, 95999]`) is found when each value the table lacks is excluded.
    std::map<std::string, std::vector<Value>> excluded;
    // In a definition's body: a loop's variable over one of its parameters, a list (`c` of
    // `[t[c] for c in cs]`), by slot, with the parameter's slot.
    std::map<std::uint32_t, std::uint32_t> element_of_parameter;
    // A loop's variable, by name, and the list it goes over (`line` of `for line in claim`):
    // what a later `all l in claim: …` says of each element holds of it.
    std::map<std::string, std::string> element_of_list;
    // A loop's variable over a list written in place (`for c in [95860, line.code]`): found
    // where each element is.
    std::map<std::string, const Node*> element_of_written;
    // `when A or line.code in t`: where `A` (by name) fails, the other side holds; learnt
    // then (`if A then 0 else t[line.code]`).
    std::vector<std::pair<std::string, const Node*>> when_fails;
    // Lists (by name) with at least so many elements: `count(L) > 0`, `any x in L: …`.
    std::map<std::string, std::int64_t> at_least;
    // Lists with more elements than a position (both by name): `count(L) > i`, so `L[i]`.
    std::set<std::pair<std::string, std::string>> longer_than;
};

const TableData* named_table(const Node& n) {
    if (n.op == Op::Builtin && n.builtin && n.builtin->name == std::string_view("keys") &&
        n.kids.size() == 1)
        return named_table(n.kids[0]);
    return n.op == Op::Const && n.constant.kind == Kind::Table ? n.constant.table : nullptr;
}

// The local a key is read from (`l` of `l.code`, of `lower(l.name)`), if any.
std::optional<std::uint32_t> root_local(const Node& n) {
    if (n.op == Op::Local) return n.slot;
    if ((n.op == Op::Member || n.op == Op::MapMember || n.op == Op::Builtin) && !n.kids.empty())
        return root_local(n.kids[0]);
    if (is_text_of_one(n)) return root_local(n.kids[0]);
    return std::nullopt;
}

// What a walk reports: a look-up nothing tests, a call whose argument a definition looks up
// that nothing tests, and (in a definition's body) look-ups by its parameters, for its callers.
struct LookupReports {
    // With the values the table lacks that no test before the look-up excluded.
    std::function<void(const Node&, const std::vector<std::string>&)> lookup;
    std::function<void(const Node&, const CallLookup&)> call = {};
    std::vector<ParamLookup>* by_parameters = nullptr;
    // A position in a list the case chooses, with the elements it needs, that no test proves.
    std::function<void(const Node&, std::int64_t)> position = {};
    // A definition read (Op::Def) whose body's look-up (DefLookup) no test before it proves.
    std::function<void(const Node&, const DefLookup&)> def_lookup = {};
    // `case.date_of_service` used as a date with no test before it that the case has one.
    std::function<void(const UndatedUse&)> undated = {};
    // In a definition's body: positions in its list parameters it does not test, for its
    // callers (`l[0]` of `def first(l)`).
    std::vector<ParamPosition>* by_parameter_positions = nullptr;
    // A call giving such a parameter a list the case chooses that no test before it proves.
    std::function<void(const Node&, const ParamPosition&)> call_position = {};
    // The same of parameters used as dates (`d >= "2024-01-01"` of `def after(d)`), and of
    // calls giving them `case.date_of_service`.
    std::vector<ParamDate>* by_parameter_dates = nullptr;
    std::function<void(const Node&, const ParamDate&)> call_undated = {};
    // In the body of a definition without parameters: its uses of the field as a date that no
    // test in it proves, for its readers; and a read of such a definition no test proves.
    std::vector<DefDate>* deferred_dates = nullptr;
    std::function<void(const Node&, const DefDate&)> def_undated = {};
    // The same of constant positions in lists the case chooses (DefPosition).
    std::vector<DefPosition>* deferred_positions = nullptr;
    std::function<void(const Node&, const DefPosition&)> def_position = {};
};

class LookupWalk {
public:
    // `parameters`: a definition's, whose values its callers choose (and test).
    LookupWalk(const std::vector<Shape>& shapes, const std::vector<DefCode>& defs,
               const LookupsToProve& to_prove, std::uint32_t parameters, LookupReports report,
               const CallsToProve* calls = nullptr,
               const std::vector<std::vector<ParamLookup>>* param_lookups = nullptr,
               const std::vector<std::int32_t>* keeps_text = nullptr)
        : shapes_(shapes), defs_(defs), to_prove_(to_prove), parameters_(parameters),
          report_(std::move(report)), calls_(calls), param_lookups_(param_lookups),
          keeps_text_(keeps_text) {}

    // What `n` holding (or, `negate`, failing) says of keys: `k in t`, `not (k not in t)`,
    // `k == c`, each operand of an `and` that holds (of an `or` that fails), a `let` bound to
    // such a test.
    void learn(const Node& n, bool negate, Tested& tested) const {
        if (n.op == Op::Not) return learn(n.kids[0], !negate, tested);
        if (negate && !tested.when_fails.empty())
            if (std::string name = key(n); !name.empty()) {
                // Each used once: learning one side may fail another condition in turn.
                std::vector<const Node*> holding;
                std::erase_if(tested.when_fails, [&](const auto& fact) {
                    if (fact.first != name) return false;
                    holding.push_back(fact.second);
                    return true;
                });
                for (const Node* other : holding)
                    learn(*other, false, tested);
            }
        if (n.op == Op::Local)
            if (auto let = lets_.find(n.slot); let != lets_.end())
                return learn(*let->second, negate, tested);
        if ((n.op == Op::CallDef || n.op == Op::Def) && n.slot < defs_.size())
            return learn_call(n, defs_[n.slot].body, negate, tested);
        // `intersects(codes, ptp_paired(c))` holds only when both lists have an element.
        if (!negate && n.op == Op::Builtin && n.builtin &&
            n.builtin->name == std::string_view("intersects")) {
            for (const auto& list : n.kids)
                learn_nonempty(list, tested);
            return;
        }
        if (n.op == (negate ? Op::Or : Op::And)) {
            learn(n.kids[0], negate, tested);
            learn(n.kids[1], negate, tested);
            return;
        }
        if (n.op == (negate ? Op::And : Op::Or)) return learn_either(n, negate, tested);
        if (n.op == Op::All || n.op == Op::None || n.op == Op::Any) {
            // `any x in L: …` holding (`all`, `none` failing): L has an element.
            if (n.op == Op::Any ? !negate : negate) at_least(n.kids[0], 1, tested);
            return each_element(n, negate, tested);
        }
        if (n.kids.size() != 2) return;
        learn_count(n, negate, tested);
        const Value* right = constant_of(n.kids[1]);
        if (n.op == (negate ? Op::In : Op::NotIn) && right) {
            if (std::string k = key(n.kids[0]); !k.empty())
                for (const Value& v : values_of(*right))
                    tested.excluded[k].push_back(v);
            return;
        }
        if (n.op == (negate ? Op::NotIn : Op::In)) {
            // `count(complete_limbs) in needle_emg_code`: at least the table's least key.
            if (const Node* counted = counted_list(n.kids[0]))
                if (const TableData* table = named_table(n.kids[1]))
                    if (auto least = least_number_key(*table); least && *least > 0)
                        at_least(*counted, *least, tested);
            if (const TableData* table = named_table(n.kids[1])) {
                if (std::string k = key(n.kids[0]); !k.empty())
                    tested.in_table.insert({std::move(k), table});
            } else if (right && right->kind == Kind::List) {
                if (std::string k = key(n.kids[0]); !k.empty())
                    tested.among[k] = {right->list().begin(), right->list().end()};
            }
            return;
        }
        bool equal = n.op == (negate ? Op::Ne : Op::Eq);
        if (!equal && n.op != (negate ? Op::Eq : Op::Ne)) return;
        const Value* value = right ? right : constant_of(n.kids[0]);
        if (!value) return;
        if (std::string k = key(right ? n.kids[0] : n.kids[1]); k.empty())
            return;
        else if (equal)
            tested.among[k] = {*value};
        else
            tested.excluded[k].push_back(*value);
    }
    // `count(L) > 2`, `count(L) != 0`, `1 <= count(L)` (holding, or their negations failing):
    // L has at least so many elements.
    // `count(L) in [1, 2]`, `count(L) in 1..3` (holding), `count(L) not in [0]` (holding,
    // or `in` failing): L has at least the least count left.
    void learn_count(const Node& n, bool negate, Tested& tested) const {
        const Node* counted = counted_list(n.kids[0]);
        bool count_left = counted != nullptr;
        if (!counted) counted = counted_list(n.kids[1]);
        if (!counted) return;
        const Value* bound = constant_of(count_left ? n.kids[1] : n.kids[0]);
        if (!bound) return learn_longer(n, *counted, count_left, negate, tested);
        if (n.op == Op::In || n.op == Op::NotIn) {
            if (!count_left || bound->kind != Kind::List) return;
            std::vector<std::int64_t> counts;
            for (const Value& v : bound->list()) {
                if (v.kind != Kind::Number) return;
                counts.push_back(v.number);
            }
            if ((n.op == Op::In) != negate) { // among the counts
                if (counts.empty()) return;
                std::int64_t least = *std::min_element(counts.begin(), counts.end());
                if (least > 0) at_least(*counted, least, tested);
            } else { // none of them: past the run 0, 1, … they exclude
                std::int64_t least = 0;
                while (std::find(counts.begin(), counts.end(), least) != counts.end())
                    ++least;
                if (least > 0) at_least(*counted, least, tested);
            }
            return;
        }
        if (bound->kind != Kind::Number) return;
        Op op = n.op;
        if (negate) // the comparison that holds when `n` fails
            op = op == Op::Gt   ? Op::Le
                 : op == Op::Ge ? Op::Lt
                 : op == Op::Lt ? Op::Ge
                 : op == Op::Le ? Op::Gt
                 : op == Op::Eq ? Op::Ne
                 : op == Op::Ne ? Op::Eq
                                : op;
        if (!count_left) // `c < count(L)` is `count(L) > c`
            op = op == Op::Lt   ? Op::Gt
                 : op == Op::Le ? Op::Ge
                 : op == Op::Gt ? Op::Lt
                 : op == Op::Ge ? Op::Le
                                : op;
        std::int64_t c = bound->number; // numbers are whole
        std::int64_t least = op == Op::Gt                   ? c + 1
                             : op == Op::Ge || op == Op::Eq ? c
                             : op == Op::Ne && c == 0       ? 1
                                                            : 0;
        if (least > 0) at_least(*counted, least, tested);
    }
    // `count(L) > i` (or `i < count(L)`, `not (count(L) <= i)`) holding: `L[i]` is there.
    void learn_longer(const Node& n, const Node& counted, bool count_left, bool negate,
                      Tested& tested) const {
        Op op = negate ? (n.op == Op::Le ? Op::Gt : n.op == Op::Ge ? Op::Lt : Op::Eq) : n.op;
        if (op != (count_left ? Op::Gt : Op::Lt)) return;
        std::string list = key(whole_list(counted, true));
        std::string position = key(count_left ? n.kids[1] : n.kids[0]);
        if (!list.empty() && !position.empty()) tested.longer_than.insert({list, position});
    }

    // The least number a row of `table` has for its key (a range's low end), if every row is
    // keyed by numbers.
    static std::optional<std::int64_t> least_number_key(const TableData& table) {
        std::optional<std::int64_t> least;
        for (const TableRowData& row : table.rows) {
            std::int64_t key = 0;
            if (row.is_range && !row.string_range)
                key = row.low;
            else if (!row.is_range && !row.keys.empty() && row.keys[0].kind == Kind::Number)
                key = row.keys[0].number;
            else
                return std::nullopt;
            least = std::min(least.value_or(key), key);
        }
        return least;
    }

    // The list `k` counts: `L` of `count(L)`, also of a definition without parameters that is
    // one (`def n_dx = count(case.diagnoses)`).
    const Node* counted_list(const Node& k) const {
        if (k.op == Op::Builtin && k.builtin && k.kids.size() == 1 &&
            k.builtin->name == std::string_view("count"))
            return &k.kids[0];
        if (k.op == Op::Def && k.slot < defs_.size() && defs_[k.slot].param_count == 0 &&
            &defs_[k.slot].body != &k)
            if (const Node* list = counted_list(defs_[k.slot].body);
                list && key(*list).find("local ") == std::string::npos)
                return list;
        return nullptr;
    }
    void at_least(const Node& list, std::int64_t elements, Tested& tested) const {
        // `count(distinct(L)) >= 2`: L has at least as many.
        if (std::string k = key(whole_list(list, true)); !k.empty())
            tested.at_least[k] = std::max(tested.at_least[k], elements);
    }
    // The list whose count is `list`'s: `claim` of `claim.code` and of `sort(claim)`, so that
    // `count(claim) > 0` proves `claim.code[0]`; `through_distinct`, also of `distinct(claim)`,
    // which has fewer elements but has one when `claim` has.
    static const Node& whole_list(const Node& list, bool through_distinct) {
        if (list.op == Op::MapMember && !list.kids.empty())
            return whole_list(list.kids[0], through_distinct);
        // `[count(l.muscles) for l in case.extremities]`: as many elements as its source.
        if (list.op == Op::Comprehension && list.kids.size() == 2)
            return whole_list(list.kids[0], through_distinct);
        if (list.op == Op::Builtin && list.builtin && list.kids.size() == 1) {
            std::string_view name = list.builtin->name;
            if (name == "sort" || (through_distinct && name == "distinct"))
                return whole_list(list.kids[0], through_distinct);
        }
        return list;
    }

    // A constant, also a definition of one (`def excluded = [95999]`).
    const Value* constant_of(const Node& n) const {
        if (is_plain_constant(n)) return &n.constant;
        if (n.op == Op::Def && n.slot < defs_.size() && is_plain_constant(defs_[n.slot].body))
            return &defs_[n.slot].body.constant;
        return nullptr;
    }
    // Whether every value `k` may have that the table lacks (`missing`, as messages name them)
    // is one a test before it excluded.
    bool all_excluded(const std::string& k, const std::vector<std::string>& missing,
                      const Tested& tested) const {
        auto excluded = tested.excluded.find(k);
        if (missing.empty() || excluded == tested.excluded.end()) return false;
        return std::all_of(missing.begin(), missing.end(), [&](const std::string& value) {
            return std::any_of(excluded->second.begin(), excluded->second.end(),
                               [&](const Value& v) { return to_text(v, shapes_, true) == value; });
        });
    }

    // Of the values `k` may have that the table lacks, those no test before excluded (or left
    // out of the values it allowed).
    std::vector<std::string> not_excluded(const std::string& k,
                                          const std::vector<std::string>& missing,
                                          const Tested& tested) const {
        auto excluded = tested.excluded.find(k);
        auto among = tested.among.find(k); // `c == 95860 or c == 95999`: only those
        auto named = [&](const std::vector<Value>& values, const std::string& value) {
            return std::any_of(values.begin(), values.end(),
                               [&](const Value& v) { return to_text(v, shapes_, true) == value; });
        };
        std::vector<std::string> left;
        for (const std::string& value : missing)
            if ((excluded == tested.excluded.end() || !named(excluded->second, value)) &&
                (among == tested.among.end() || named(among->second, value)))
                left.push_back(value);
        return left;
    }

    // `let c = line.code`: `c` is read as `line.code` (its tests are the same).
    // `let found = line.code in mue`: `if found then mue[line.code] …` tests what it does.
    // `let x = [v for v in … if v.code in t]`: what the filter tests of each element of `x`,
    // kept by the key of `x` with the element's key as `@`.
    void learn_let(std::uint32_t slot, const Node& value) {
        lets_[slot] = &value;
        if (std::string k = key(value); !k.empty()) aliases_[local_key(slot)] = k;
        learn_elements(slot, value);
    }

    void learn_elements(std::uint32_t slot, const Node& list) {
        if (auto of_elements = filtered_elements(list)) elements_[local_key(slot)] = *of_elements;
    }

    // What the filter of `[v for v in … if v.code in t]` tests of each element of the list,
    // with the element's key as `@`.
    // An element made of the variable (`[l.code for l in claim if l.code in t]`) is in `t`
    // when the filter tests it whole.
    std::optional<Tested> filtered_elements(const Node& list) const {
        if (list.op != Op::Comprehension || list.kids.size() < 2) return std::nullopt;
        std::string variable = local_key(list.slot); // as the filter's keys are named
        // What holds of each element of the source holds of the variable (`[l.code for l in
        // known]`), then what the filter tests.
        Tested filter;
        if (auto source = of_each_element(list.kids[0]))
            filter = renamed_elements(*source, "@", variable);
        if (list.kids.size() >= 3) learn(list.kids[2], false, filter);
        std::string element = key(list.kids[1]);
        bool whole = list.kids[1].op == Op::Local && list.kids[1].slot == list.slot;
        if (!whole && element.empty()) return std::nullopt;
        auto of_element = [&](const std::string& k) -> std::optional<std::string> {
            if (whole) return below(k, variable);
            if (k == element) return std::string();
            return std::nullopt;
        };
        Tested of_elements;
        for (const auto& [k, table] : filter.in_table)
            if (auto rest = of_element(k)) of_elements.in_table.insert({"@" + *rest, table});
        for (const auto& [k, values] : filter.among)
            if (auto rest = of_element(k)) of_elements.among["@" + *rest] = values;
        return of_elements;
    }

    // The facts of `facts` about `from` or a part of it (`@.2`, `@:code`), said of `to`.
    static Tested renamed_elements(const Tested& facts, const std::string& from,
                                   const std::string& to) {
        auto rest_of = [&](const std::string& k) -> std::optional<std::string> {
            if (!k.starts_with(from)) return std::nullopt;
            if (k.size() > from.size() &&
                std::string_view(".:[").find(k[from.size()]) == std::string_view::npos)
                return std::nullopt;
            return k.substr(from.size());
        };
        Tested out;
        for (const auto& [k, table] : facts.in_table)
            if (auto rest = rest_of(k)) out.in_table.insert({to + *rest, table});
        for (const auto& [k, values] : facts.among)
            if (auto rest = rest_of(k)) out.among[to + *rest] = values;
        return out;
    }

    // What holds of each element of `list`, with the element's key as `@`: a let list
    // (learn_elements), or a filtered list written in place.
    std::optional<Tested> of_each_element(const Node& list) const {
        // A field of each record of a list (`known.code`): each element is that field of one.
        if (list.op == Op::MapMember && list.kids.size() == 1) {
            auto records = of_each_element(list.kids[0]);
            if (!records) return std::nullopt;
            return renamed_elements(*records, fmt::format("@.{}", list.slot), "@");
        }
        // `entries(t)`: the key of each entry is a key of `t`.
        if (list.op == Op::Builtin && list.builtin &&
            list.builtin->name == std::string_view("entries") && list.kids.size() == 1)
            if (const TableData* table = named_table(list.kids[0])) {
                Tested entry;
                entry.in_table.insert({fmt::format("@.{}", entry_field::key), table});
                return entry;
            }
        if ((list.op == Op::CallDef || list.op == Op::Def) && list.slot < defs_.size())
            return filtered_elements(defs_[list.slot].body); // `@`: the element, whatever it is
        if (list.op != Op::Local) return filtered_elements(list);
        auto let = elements_.find(key(list));
        if (let == elements_.end()) return std::nullopt;
        return let->second;
    }

    // Adds to `tested` what holds of `variable` (slot), an element of `source`: a let list
    // (learn_elements), or a filtered list written in place (`for line in [l for l in claim
    // if l.code in t]`).
    void element_of(const Node& source, std::uint32_t variable, Tested& tested) const {
        at_least(source, 1, tested); // a loop's body runs only over an element
        std::string name = local_key(variable);
        // `when all l in claim: l.code in t` before it: each element of the list is tested.
        const Node* written = &source;
        if (source.op == Op::Local)
            if (auto let = lets_.find(source.slot); let != lets_.end()) written = let->second;
        if (written->op == Op::List) tested.element_of_written[name] = written;
        if (std::string list = key(source); !list.empty()) {
            tested.element_of_list[name] = list;
            Tested of_element = renamed_elements(tested, each_of(list), name);
            tested.in_table.insert(of_element.in_table.begin(), of_element.in_table.end());
        }
        std::optional<Tested> known = of_each_element(source);
        if (!known) return;
        for (const auto& [k, table] : known->in_table)
            tested.in_table.insert({name + k.substr(1), table});
        for (const auto& [k, values] : known->among)
            tested.among[name + k.substr(1)] = values;
    }

    // Reports each noted look-up in `n` that `tested`, and the conditions on the way to it
    // within `n`, do not test.
    void walk(const Node& n, const Tested& tested) const {
        if (dates_ && report_.undated)
            if (auto use = dates_->find({n.span.file, n.span.begin, n.span.end});
                use != dates_->end() && !dated(n, tested)) {
                std::string name = key(n);
                if (report_.deferred_dates && !name.empty() &&
                    name.find("local ") == std::string::npos)
                    defer_date({name, use->second});
                else
                    report_.undated(use->second);
            }
        if (local_dates_ && report_.by_parameter_dates && n.op == Op::Local && n.slot < parameters_)
            if (auto use = local_dates_->find({n.span.file, n.span.begin, n.span.end});
                use != local_dates_->end() && !dated(n, tested))
                keep_date({n.slot, use->second});
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
            note_parameter_elements(n, inside);
            if (n.kids.size() > 2) { // the filter is asked of each element too
                walk(n.kids[2], inside);
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
            note_parameter_elements(n, inside);
            walk(n.kids[1], inside);
            return;
        }
        case Op::Def:
            if (report_.def_lookup && def_lookups_ && n.slot < def_lookups_->size())
                for (const DefLookup& lookup : (*def_lookups_)[n.slot])
                    if (!tested_in(lookup.table, lookup.key, tested)) report_.def_lookup(n, lookup);
            if (def_dates_ && n.slot < def_dates_->size())
                for (const DefDate& date : (*def_dates_)[n.slot])
                    if (!dated_key(date.key, tested)) {
                        if (report_.deferred_dates)
                            defer_date(date); // read by another such definition: its readers'
                        else if (report_.def_undated)
                            report_.def_undated(n, date);
                        else if (report_.undated) // read by a function: at the use, as before
                            report_.undated(date.use);
                    }
            positions_of_definition(n, tested);
            break;
        case Op::Index:
            if (report_.by_parameter_positions && local_positions_ && n.kids.size() == 2 &&
                n.kids[0].op == Op::Local && n.kids[0].slot < parameters_)
                if (auto needed = local_positions_->find({n.span.file, n.span.begin, n.span.end});
                    needed != local_positions_->end() &&
                    !has_at_least(n.kids[0], needed->second, tested))
                    keep_position({n.kids[0].slot, needed->second, n.span});
            // `l[i]` of `def at(l, i)`: the position is the caller's, as the list is, unless
            // the body tests `count(l) > i` first.
            if (report_.by_parameter_positions && n.kids.size() == 2 && n.kids[0].op == Op::Local &&
                n.kids[0].slot < parameters_ && n.kids[1].op == Op::Local &&
                n.kids[1].slot < parameters_ &&
                !tested.longer_than.count({key(whole_list(n.kids[0], false)), key(n.kids[1])}))
                keep_position({n.kids[0].slot, 0, n.span, std::nullopt, n.kids[1].slot});
            if (report_.position && positions_)
                if (auto needed = positions_->find({n.span.file, n.span.begin, n.span.end});
                    needed != positions_->end() && n.kids.size() == 2) {
                    if (!has_at_least(n.kids[0], needed->second, tested) &&
                        !tested.longer_than.count(
                            {key(whole_list(n.kids[0], false)), key(n.kids[1])}) &&
                        !deferred_position(n, needed->second))
                        report_.position(n, needed->second);
                }
            if (auto noted = to_prove_.find({n.span.file, n.span.begin, n.span.end});
                n.kids.size() == 2 && noted != to_prove_.end() &&
                !found(n.kids[0], n.kids[1], tested) &&
                !all_excluded(key(n.kids[1]), noted->second, tested))
                report_.lookup(n, not_excluded(key(n.kids[1]), noted->second, tested));
            // A table's, not a list's (`keys(t)[i]` is a position in a list).
            if (n.kids.size() == 2 && n.kids[0].op == Op::Const &&
                n.kids[0].constant.kind == Kind::Table)
                by_parameter(n.kids[1], n.kids[0].constant.table, n.span, tested);
            break;
        case Op::CallDef:
            positions_of_definition(n, tested);
            positions_of_call(n, tested);
            dates_of_call(n, tested);
            if (calls_ && report_.call)
                if (auto call = calls_->find({n.span.file, n.span.begin, n.span.end});
                    call != calls_->end())
                    for (const CallLookup& lookup : call->second)
                        if (lookup.lookup.param < n.kids.size() &&
                            !found_argument(lookup.lookup, n.kids[lookup.lookup.param], tested) &&
                            !((lookup.lookup.form == ParamLookup::Form::same ||
                               lookup.lookup.form == ParamLookup::Form::field) &&
                              all_excluded(argument_key(lookup.lookup, n.kids[lookup.lookup.param]),
                                           lookup.missing, tested))) {
                            CallLookup shown = lookup; // naming only what may still be looked up
                            if (lookup.lookup.form == ParamLookup::Form::same ||
                                lookup.lookup.form == ParamLookup::Form::field)
                                shown.missing = not_excluded(
                                    argument_key(lookup.lookup, n.kids[lookup.lookup.param]),
                                    lookup.missing, tested);
                            report_.call(n, shown);
                        }
            // `def outer(c) = limit_of(c)`: outer's callers test `c` for limit_of's look-up.
            if (param_lookups_ && n.slot < param_lookups_->size())
                for (const ParamLookup& inner : (*param_lookups_)[n.slot])
                    if (inner.param < n.kids.size()) pass_on(n, inner, tested);
            break;
        case Op::Builtin: // `max(L)` of a list the case may leave empty: as `L[0]`
            if (report_.position && positions_ && n.kids.size() == 1)
                if (auto needed = positions_->find({n.span.file, n.span.begin, n.span.end});
                    needed != positions_->end() && !has_at_least(n.kids[0], 1, tested))
                    report_.position(n, 1);
            break;
        case Op::Div: // `a / count(L)` of a list the case may leave empty: as `L[0]`
        case Op::Mod:
            if (report_.position && positions_ && n.kids.size() == 2 && n.kids[1].kids.size() == 1)
                if (auto needed = positions_->find({n.span.file, n.span.begin, n.span.end});
                    needed != positions_->end() && !has_at_least(n.kids[1].kids[0], 1, tested))
                    report_.position(n, 1);
            break;
        default:
            break;
        }
        for (const auto& kid : n.kids)
            walk(kid, tested);
    }

private:
    // `all c in cs: c in t` holding (also `none c in cs: c not in t`, `any` failing): each
    // element of `cs` is a key of `t`.
    void each_element(const Node& n, bool negate, Tested& tested) const {
        bool of_each = n.op == Op::Any ? negate : !negate;
        if (!of_each || n.kids.size() != 2) return; // of one element, or of none: nothing of each
        std::string list = key(n.kids[0]);
        if (list.empty()) return;
        Tested each;
        learn(n.kids[1], n.op != Op::All, each); // `none`, and `any` failing: the condition fails
        std::string variable = local_key(n.slot);
        for (const auto& [k, table] : each.in_table)
            if (auto rest = below(k, variable))
                tested.in_table.insert({each_of(list + *rest), table});
    }

    // `k == a or k == b`: `k` is one of both sides' values; `k in t or k in t` says `k in t`.
    void learn_either(const Node& n, bool negate, Tested& tested) const {
        Tested left, right;
        learn(n.kids[0], negate, left);
        learn(n.kids[1], negate, right);
        if (!negate) // `A or B` holds: where one fails, the other holds
            for (int side : {0, 1})
                if (std::string name = key(n.kids[side]); !name.empty())
                    tested.when_fails.emplace_back(name, &n.kids[1 - side]);
        // `c in t or c == 95860`: a key of `t` either way when `t` has a row for 95860.
        auto in_table_or_among = [&](const Tested& one, const Tested& other) {
            for (const auto& fact : one.in_table) {
                auto among = other.among.find(fact.first);
                if (other.in_table.count(fact) ||
                    (among != other.among.end() &&
                     std::all_of(among->second.begin(), among->second.end(),
                                 [&](const Value& v) { return found_always(*fact.second, v); })))
                    tested.in_table.insert(fact);
            }
        };
        in_table_or_among(left, right);
        in_table_or_among(right, left);
        // `count(L) == 1 or count(L) == 2`: at least the lesser count either way.
        for (const auto& [k, least] : left.at_least)
            if (auto other = right.at_least.find(k); other != right.at_least.end())
                tested.at_least[k] = std::max(tested.at_least[k], std::min(least, other->second));
        for (auto& [k, values] : left.among)
            if (auto other = right.among.find(k); other != right.among.end()) {
                values.insert(values.end(), other->second.begin(), other->second.end());
                tested.among[k] = std::move(values);
            }
    }

    // `def is_sphincter(n: string) = lower(n) in sphincter_muscles`: `is_sphincter(m.name)`
    // tests `lower(m.name) in sphincter_muscles`. The body's tests, with the parameters read
    // as the arguments; a test of another of the body's locals says nothing here.
    // `part`: of the definition's body, what holds (`negate`: fails) when the call does.
    void learn_call(const Node& call, const Node& part, bool negate, Tested& tested) const {
        if (calls_read_ >= 4) return; // definitions that test through definitions: far enough
        const DefCode& def = defs_[call.slot];
        LookupWalk body(shapes_, defs_, to_prove_, 0, {report_.lookup});
        body.calls_read_ = calls_read_ + 1;
        body.substituting_ = true;
        for (std::uint32_t i = 0; i < def.param_count && i < call.kids.size(); ++i)
            if (std::string k = key(call.kids[i]); !k.empty()) body.aliases_[local_key(i)] = k;
        Tested said;
        body.learn(part, negate, said);
        tested.in_table.insert(said.in_table.begin(), said.in_table.end());
        for (auto& [k, values] : said.among)
            tested.among[k] = std::move(values);
        for (auto& [k, values] : said.excluded) // `def ok(c) = c != 95999`
            tested.excluded[k].insert(tested.excluded[k].end(), values.begin(), values.end());
        for (const auto& [k, least] : said.at_least) // `def has_dx = count(case.diagnoses) > 0`
            tested.at_least[k] = std::max(tested.at_least[k], least);
        tested.longer_than.insert(said.longer_than.begin(), said.longer_than.end());
    }

    // The node a key is a text made from: `lower(c)`, `code(c)`, `row_key(t, c)`, `"{c}"`, or a
    // call of a definition that gives back a form of its argument, each of `c`.
    const Node& text_root(const Node& k) const {
        const Node* n = &k;
        for (;;) {
            std::optional<std::size_t> from = kept_part(*n);
            if (!from && n->op == Op::CallDef && keeps_text_ && n->slot < keeps_text_->size() &&
                (*keeps_text_)[n->slot] >= 0)
                from = static_cast<std::size_t>((*keeps_text_)[n->slot]);
            if (!from || *from >= n->kids.size()) return *n;
            n = &n->kids[*from];
        }
    }
    // The definition's parameter `k` is, or is a text made from (text_root), if any.
    std::optional<std::uint32_t> parameter_in(const Node& k) const {
        const Node& root = text_root(k);
        if (root.op == Op::Local && root.slot < parameters_) return root.slot;
        return std::nullopt;
    }
    static ParamLookup::Form form_of(const Node& k) {
        if (k.op == Op::Local || (is_text_of_one(k) && k.kids[0].op == Op::Local))
            return ParamLookup::Form::same;
        bool lowered = k.op == Op::Builtin && k.builtin &&
                       k.builtin->name == std::string_view("lower") && k.kids.size() == 1 &&
                       k.kids[0].op == Op::Local;
        return lowered ? ParamLookup::Form::lowered : ParamLookup::Form::other;
    }

    // A look-up in `table` by `k`, one of the definition's parameters or a text made from one,
    // that `tested` does not test: kept for the definition's callers.
    void by_parameter(const Node& k, const TableData* table, Span at, const Tested& tested) const {
        if (!report_.by_parameters) return;
        if (auto param = parameter_in(k))
            return keep({*param, table, at, k.span, key(k), form_of(k), std::nullopt, {}, {}},
                        tested);
        // A field of a record parameter, or a text made from one (`lower(m.name)`).
        if (auto param = parameter_field(text_root(k)))
            return keep(
                {*param, table, at, k.span, key(k), ParamLookup::Form::field, std::nullopt, {}, {}},
                tested);
        // A field of a parameter of no declared type (`l.code` of `def limit(l)`), by its name
        // (`:code`): judged at each call by the argument's type.
        if (const Node* root = untyped_field_root(k); root && root->slot < parameters_)
            return keep({root->slot,
                         table,
                         at,
                         k.span,
                         key(k),
                         ParamLookup::Form::field,
                         std::nullopt,
                         {},
                         {}},
                        tested);
        // An element of a list parameter, or a field of one (`l.code` of `for l in ls`: a list
        // parameter has no declared type, so its elements' fields are named, `:code`).
        const Node* element = &k;
        std::string below;
        while (element->op == Op::DynamicMember && !element->kids.empty())
            element = &element->kids[0];
        // An element at a position of a list parameter (`cs[0]`) is judged as each element.
        std::optional<std::uint32_t> listed;
        if (element->op == Op::Index && element->kids.size() == 2 &&
            element->kids[0].op == Op::Local && element->kids[0].slot < parameters_)
            listed = element->kids[0].slot;
        else if (element->op != Op::Local)
            return;
        if (element != &k) {
            std::string whole = key(k), of = key(*element);
            if (whole.empty() || of.empty() || !whole.starts_with(of)) return;
            below = whole.substr(of.size());
        }
        if (!listed)
            if (auto list = tested.element_of_parameter.find(element->slot);
                list != tested.element_of_parameter.end())
                listed = list->second;
        if (listed)
            keep({*listed,
                  table,
                  at,
                  k.span,
                  key(k),
                  ParamLookup::Form::each,
                  std::nullopt,
                  std::move(below),
                  {}},
                 tested);
    }
    // The local `k` is a field of, by name (`l:code` of `l.code` where `l` has no known type).
    static const Node* untyped_field_root(const Node& k) {
        const Node* n = &k;
        while (n->op == Op::DynamicMember && !n->kids.empty())
            n = &n->kids[0];
        return n != &k && n->op == Op::Local ? n : nullptr;
    }
    // The parameter `k` is a field of (`l.code`, `l.study.nerve`), if any.
    std::optional<std::uint32_t> parameter_field(const Node& k) const {
        const Node* n = &k;
        while (n->op == Op::Member && !n->kids.empty())
            n = &n->kids[0];
        if (n == &k || n->op != Op::Local || n->slot >= parameters_) return std::nullopt;
        return n->slot;
    }
    // `for c in cs` where `cs` is one of the definition's parameters.
    void note_parameter_elements(const Node& loop, Tested& inside) const {
        const Node& source = loop.kids[0];
        if (source.op == Op::Local && source.slot < parameters_)
            inside.element_of_parameter[loop.slot] = source.slot;
    }
    // `def outer(c) = inner(c)`: what `inner` looks up of its parameter, `outer` looks up of
    // the argument it gives, when that is (a text made from) one of its own parameters.
    void pass_on(const Node& call, const ParamLookup& inner, const Tested& tested) const {
        const Node& argument = call.kids[inner.param];
        using Form = ParamLookup::Form;
        if (!report_.by_parameters) return;
        if (inner.form == Form::field) { // the record itself, one of this one's parameters
            if (argument.op != Op::Local || argument.slot >= parameters_) return;
            return keep({argument.slot,
                         inner.table,
                         inner.at,
                         inner.key_at,
                         argument_key(inner, argument),
                         inner.form,
                         inner.in_def.value_or(call.slot),
                         {},
                         inner.below_named},
                        tested);
        }
        if (inner.form == Form::each) { // lists made of this one's list parameters
            if (auto known = of_each_element(argument);
                known && tested_in(inner.table, "@" + inner.below, *known))
                return; // filtered by the key
            std::vector<std::uint32_t> lists;
            list_parameters(argument, lists);
            // An element at a position (`cs[0]`) is at that position of a list passed as it is.
            std::string inner_list = local_key(inner.param);
            std::string position =
                argument.op == Op::Local && inner.key.starts_with(inner_list + "[")
                    ? inner.key.substr(inner_list.size())
                    : "";
            for (std::uint32_t list : lists)
                keep({list, inner.table, inner.at, inner.key_at, local_key(list) + position,
                      Form::each, inner.in_def.value_or(call.slot), inner.below, inner.below_named},
                     tested);
            return;
        }
        // `def all_of(cs) = [one(c) for c in cs]`: each element of `cs` is looked up by `one`.
        if (inner.form == Form::same && argument.op == Op::Local)
            if (auto list = tested.element_of_parameter.find(argument.slot);
                list != tested.element_of_parameter.end())
                return keep({list->second,
                             inner.table,
                             inner.at,
                             inner.key_at,
                             key(argument),
                             Form::each,
                             inner.in_def.value_or(call.slot),
                             {},
                             {},
                             inner.excluded},
                            tested);
        auto param = parameter_in(argument);
        if (!param) return;
        Form form = inner.form == Form::same                                  ? form_of(argument)
                    : inner.form == Form::lowered && argument.op == Op::Local ? Form::lowered
                                                                              : Form::other;
        // What the inner body excluded of its parameter, this one's when passed as it is.
        keep({*param,
              inner.table,
              inner.at,
              inner.key_at,
              argument_key(inner, argument),
              form,
              inner.in_def.value_or(call.slot),
              {},
              {},
              argument.op == Op::Local ? inner.excluded : std::vector<Value>{}},
             tested);
    }
    // `[l for l in ls if …]`: some of the elements of `ls`, as they are.
    static bool keeps_elements(const Node& comprehension) {
        return comprehension.kids.size() >= 2 && comprehension.kids[1].op == Op::Local &&
               comprehension.kids[1].slot == comprehension.slot;
    }
    // The lists whose elements make up `list`, when it is made of others: `distinct` or `sort`
    // of one, a comprehension that keeps some of its elements (`[l for l in ls if …]`), lists
    // joined, the branches of an `if`.
    static std::vector<const Node*> made_of(const Node& list) {
        switch (list.op) {
        case Op::Builtin:
            if (list.builtin && list.kids.size() == 1 &&
                (list.builtin->name == std::string_view("distinct") ||
                 list.builtin->name == std::string_view("sort")))
                return {&list.kids[0]};
            return {};
        case Op::Comprehension:
            if (keeps_elements(list)) return {&list.kids[0]};
            return {};
        case Op::Add:
            if (list.kids.size() == 2) return {&list.kids[0], &list.kids[1]};
            return {};
        case Op::If:
            if (list.kids.size() == 3) return {&list.kids[1], &list.kids[2]};
            return {};
        default:
            return {};
        }
    }
    // The list parameters whose elements `list` holds (made_of, down to the parameters).
    void list_parameters(const Node& list, std::vector<std::uint32_t>& out) const {
        if (list.op == Op::Local && list.slot < parameters_) out.push_back(list.slot);
        for (const Node* part : made_of(list))
            list_parameters(*part, out);
    }
    void keep(ParamLookup lookup, const Tested& tested) const {
        if (lookup.key.empty() || tested_in(lookup.table, lookup.key, tested)) return;
        // `(all c in cs: c in t) and limits(cs)`: each element of the list is tested.
        if (lookup.form == ParamLookup::Form::each &&
            tested_in(lookup.table, each_of(lookup.key) + lookup.below, tested))
            return;
        for (const ParamLookup& known : *report_.by_parameters)
            if (known.param == lookup.param && known.table == lookup.table &&
                known.key == lookup.key)
                return;
        if (auto excluded = tested.excluded.find(lookup.key); excluded != tested.excluded.end())
            lookup.excluded.insert(lookup.excluded.end(), excluded->second.begin(),
                                   excluded->second.end());
        report_.by_parameters->push_back(std::move(lookup));
    }

    // The key a called definition looks up, named here: its parameter replaced by the
    // argument's name ("" when the argument has none, a constant).
    std::string argument_key(const ParamLookup& lookup, const Node& argument) const {
        std::string given = key(argument);
        if (given.empty()) return "";
        std::string parameter = local_key(lookup.param);
        return renamed(lookup.key, [&](const std::string& part) {
            return std::optional<std::string>(part == parameter ? given : part);
        });
    }
    // `name` (key_of) with each part at its start or as an argument (`local 3`, up to `.`, `,`,
    // `)` or the end) replaced by what `rename` gives for it; "" when it gives nothing.
    template <typename Rename>
    static std::string renamed(const std::string& name, Rename&& rename) {
        std::string out;
        for (std::size_t at = 0; at < name.size();) {
            bool starts = at == 0 || name[at - 1] == '(' || name[at - 1] == ',';
            std::size_t end = name.find_first_of("(.,)", at);
            if (end == std::string::npos) end = name.size();
            std::string part = name.substr(at, end - at);
            if (!starts) {
                out += part;
            } else if (std::optional<std::string> by = rename(part)) {
                out += *by;
            } else {
                return "";
            }
            if (end < name.size()) out += name[end];
            at = end + 1;
        }
        return out;
    }

    // What a list having an element says: `if k in t then t[k].x else []` has one only when
    // `k in t`, also as the body of a definition called (`ptp_paired(c)`).
    void learn_nonempty(const Node& list, Tested& tested) const {
        auto empty_otherwise = [](const Node& n) {
            return n.op == Op::If && n.kids.size() == 3 && n.kids[2].op == Op::Const &&
                   n.kids[2].constant.kind == Kind::List && n.kids[2].constant.size == 0;
        };
        if (empty_otherwise(list)) return learn(list.kids[0], false, tested);
        if ((list.op == Op::CallDef || list.op == Op::Def) && list.slot < defs_.size() &&
            empty_otherwise(defs_[list.slot].body))
            learn_call(list, defs_[list.slot].body.kids[0], false, tested);
    }

    // Whether a look-up of `k` in `t` finds a row where `tested` holds.
    bool found(const Node& t, const Node& k, const Tested& tested) const {
        const TableData* table = named_table(t);
        return !table || found(table, k, tested);
    }
    bool found(const TableData* table, const Node& k, const Tested& tested) const {
        if (auto root = root_local(k); root && *root < parameters_) return true;
        if (tested_in(table, key(k), tested)) return true;
        if (k.op == Op::If && k.kids.size() == 3) return each_branch_found(table, k, tested);
        // An element of a let of a list written in place (`cs[1]` of `let cs = [95860,
        // line.code]`): as that element is.
        if (k.op == Op::Index && k.kids.size() == 2 && k.kids[0].op == Op::Local &&
            is_plain_constant(k.kids[1]))
            if (auto let = lets_.find(k.kids[0].slot); let != lets_.end())
                if (const Node* part = literal_part(
                        *let->second,
                        fmt::format("[{}]", to_text(k.kids[1].constant, shapes_, true)));
                    part && element_found(table, *part, tested))
                    return true;
        // A let of a choice (`let c = if … then 95860 else line.code`): as the choice is.
        if (k.op == Op::Local)
            if (auto let = lets_.find(k.slot); let != lets_.end() && let->second->op == Op::If &&
                                               found(table, *let->second, tested))
                return true;
        if (auto written = tested.element_of_written.find(key(k));
            written != tested.element_of_written.end() &&
            std::all_of(written->second->kids.begin(), written->second->kids.end(),
                        [&](const Node& element) { return element_found(table, element, tested); }))
            return true;
        // `for line in claim`, then `when all l in claim: l.code in t`: `line.code` too.
        if (std::string whole = key(k); !whole.empty())
            for (const auto& [variable, list] : tested.element_of_list)
                if (auto rest = below(whole, variable);
                    rest && tested_in(table, each_of(list) + *rest, tested))
                    return true;
        // An element at a position (`known[0].code`): what holds of each element of the list.
        const Node* at = &k;
        while ((at->op == Op::Member || at->op == Op::DynamicMember) && !at->kids.empty())
            at = &at->kids[0];
        if (at->op != Op::Index || at->kids.size() != 2) return false;
        std::string whole = key(k), element = key(*at), list = key(at->kids[0]);
        if (whole.empty() || element.empty() || !whole.starts_with(element)) return false;
        std::string rest = whole.substr(element.size());
        auto known = of_each_element(at->kids[0]);
        return (known && tested_in(table, "@" + rest, *known)) ||
               (!list.empty() && tested_in(table, each_of(list) + rest, tested));
    }
    // An element of a list written in place: a constant the table has, a key found, or one
    // there only when its condition holds (`[…, if c in t then c]`) found where it does.
    bool element_found(const TableData* table, const Node& element, const Tested& tested) const {
        if (element.op == Op::Guard) {
            Tested there = tested;
            learn(element.kids[0], false, there);
            return element_found(table, element.kids.back(), there);
        }
        return is_plain_constant(element) ? found_always(*table, element.constant)
                                          : found(table, element, tested);
    }
    // `if u > 1 then 95860 else line.code`: found when each branch is, the condition holding
    // in the first and failing in the second.
    bool each_branch_found(const TableData* table, const Node& choice, const Tested& tested) const {
        Tested holds = tested, fails = tested;
        learn(choice.kids[0], false, holds);
        learn(choice.kids[0], true, fails);
        auto branch_found = [&](const Node& branch, const Tested& facts) {
            return is_plain_constant(branch) ? found_always(*table, branch.constant)
                                             : found(table, branch, facts);
        };
        return branch_found(choice.kids[1], holds) && branch_found(choice.kids[2], fails);
    }
    // Whether the look-up a called definition makes of `argument` finds a row.
    bool found_argument(const ParamLookup& lookup, const Node& argument,
                        const Tested& tested) const {
        if (auto root = root_local(argument); root && *root < parameters_) return true;
        if (lookup.form == ParamLookup::Form::same && argument.op == Op::If &&
            argument.kids.size() == 3 && each_branch_found(lookup.table, argument, tested))
            return true;
        if ((argument.op == Op::Record || argument.op == Op::List) &&
            literal_found(lookup, argument, tested))
            return true;
        if (lookup.form == ParamLookup::Form::each && element_at_position(lookup, argument, tested))
            return true;
        if (lookup.form == ParamLookup::Form::each)
            return every_element_found(lookup, argument, tested);
        if (lookup.form == ParamLookup::Form::field && !lookup.below_named.empty())
            if (std::string given = key(argument);
                !given.empty() && tested_in(lookup.table, given + lookup.below_named, tested))
                return true;
        return tested_in(lookup.table, argument_key(lookup, argument), tested);
    }
    // `limit({code: line.code})`, `first_limit([line.code, 95860])`: the part of a record or
    // list written in place that the definition looks up, found as a key written there is.
    bool literal_found(const ParamLookup& lookup, const Node& argument,
                       const Tested& tested) const {
        auto part_found = [&](const Node* part) {
            return part && (is_plain_constant(*part) ? found_always(*lookup.table, part->constant)
                                                     : found(lookup.table, *part, tested));
        };
        std::string parameter = local_key(lookup.param);
        if (lookup.key.starts_with(parameter) && lookup.key.size() > parameter.size())
            return part_found(literal_part(argument, lookup.key.substr(parameter.size())));
        if (lookup.form != ParamLookup::Form::each || argument.op != Op::List) return false;
        return std::all_of(argument.kids.begin(), argument.kids.end(), [&](const Node& element) {
            const Node& written = element.op == Op::Guard ? element.kids.back() : element;
            return part_found(literal_part(written, lookup.below));
        });
    }
    // The node at `path` (`.2`, `:code`, `[0]`, one after another) of a record or list written
    // in place; none when the path leaves what is written.
    const Node* literal_part(const Node& written, std::string_view path) const {
        const Node* at = &written;
        while (!path.empty()) {
            auto step = take_step(path);
            if (!step) return nullptr;
            std::optional<std::size_t> index = step->number;
            if (step->kind == ':') {
                int field = at->op == Op::Record && at->slot < shapes_.size()
                                ? shapes_[at->slot].field_index(step->name)
                                : -1;
                index = field < 0 ? std::nullopt : std::optional<std::size_t>(field);
            }
            bool fits = (step->kind == '[' ? at->op == Op::List : at->op == Op::Record) && index &&
                        *index < at->kids.size();
            if (!fits || (at->op == Op::List &&
                          std::any_of(at->kids.begin(), at->kids.end(),
                                      [](const Node& k) { return k.op == Op::Guard; })))
                return nullptr; // a position past a conditional element moves with the case
            at = &at->kids[*index];
        }
        return at;
    }
    // `first_limit(claim.code)` of `def first_limit(cs) = t[cs[0]]`: whether the element it
    // looks up was tested (`claim.code[0] in t`, or `claim[0].code in t`).
    bool element_at_position(const ParamLookup& lookup, const Node& argument,
                             const Tested& tested) const {
        std::string parameter = local_key(lookup.param), given = key(argument);
        if (given.empty() || !lookup.key.starts_with(parameter + "[")) return false;
        // `[0]`, `[0]:code`; a position made from the list (`[count(cs) - 1]`) made from the
        // argument.
        std::string after =
            renamed(lookup.key.substr(parameter.size()), [&](const std::string& part) {
                return std::optional<std::string>(part == parameter ? given : part);
            });
        // A field named in the body (`:code`) as the argument's records name it (`.2`).
        if (!lookup.below_named.empty() && after.ends_with(lookup.below_named))
            after = after.substr(0, after.size() - lookup.below_named.size()) + lookup.below;
        if (tested_in(lookup.table, given + after, tested)) return true;
        // `claim.code[0]` is `claim[0].code`, either way round.
        std::size_t close = 0;
        for (int depth = 0; close < after.size(); ++close)
            if ((depth += after[close] == '[' ? 1 : after[close] == ']' ? -1 : 0) == 0) break;
        if (close >= after.size()) return false;
        std::string position = after.substr(0, close + 1), rest = after.substr(close + 1);
        if (rest.starts_with('.') && tested_in(lookup.table, given + rest + position, tested))
            return true;
        if (argument.op != Op::MapMember || argument.kids.size() != 1) return false;
        std::string of = key(argument.kids[0]);
        return !of.empty() &&
               tested_in(lookup.table, fmt::format("{}{}.{}{}", of, position, argument.slot, rest),
                         tested);
    }
    // Whether each element of the list `argument` is a key of the table: `keys(t)`, or a list
    // filtered by a test of its elements (written in place, or a `let` of one).
    bool every_element_found(const ParamLookup& lookup, const Node& argument,
                             const Tested& tested) const {
        const TableData* table = lookup.table;
        // What is a key: the element (`@`, a local's name) or, for records, a field of it as a
        // typed record names it (`.2`) or one of no known shape does (`:code`).
        auto key_in = [&](const std::string& element, const Tested& facts) {
            return tested_in(table, element + lookup.below, facts) ||
                   (!lookup.below_named.empty() &&
                    tested_in(table, element + lookup.below_named, facts));
        };
        if (auto root = root_local(argument); root && *root < parameters_) return true;
        if (lookup.below.empty() && named_table(argument) == table && argument.op == Op::Builtin)
            return true;
        if (is_plain_constant(argument)) {
            if (argument.constant.kind != Kind::List) return false;
            if (argument.constant.size == 0) return true;
            return lookup.below.empty() &&
                   std::all_of(argument.constant.list().begin(), argument.constant.list().end(),
                               [&](const Value& v) { return found_always(*table, v); });
        }
        // `when all c in claim.code: c in t` (`all l in claim: l.code in t`) before it.
        if (std::string k = key(argument); !k.empty() && key_in(each_of(k), tested)) return true;
        auto every = [&](const Node& list) { return every_element_found(lookup, list, tested); };
        if (argument.op == Op::Local) // a `let`: its value (`let ks = keys(allowed)`)
            if (auto let = lets_.find(argument.slot); let != lets_.end() && every(*let->second))
                return true;
        if (argument.op == Op::List) // `[line.code]` where `line.code in t` holds; `[if … then k]`
            return std::all_of(argument.kids.begin(), argument.kids.end(), [&](const Node& e) {
                bool guarded = e.op == Op::Guard && e.kids.size() == 2;
                const Node& value = guarded ? e.kids[1] : e;
                Tested inside = tested;
                if (guarded) learn(e.kids[0], false, inside);
                if (lookup.below.empty()) return found(table, value, inside);
                std::string k = key(value);
                return !k.empty() && key_in(k, inside);
            });
        // Made of lists of keys: joined, `distinct`, `sort`, some of one, an `if` of two.
        if (auto parts = made_of(argument);
            !parts.empty() &&
            std::all_of(parts.begin(), parts.end(), [&](const Node* part) { return every(*part); }))
            return true;
        std::optional<Tested> known = of_each_element(argument);
        return known && key_in("@", *known);
    }
    // The name of the fact that each element of the list named `list` is a key (each_element).
    static std::string each_of(const std::string& list) { return "each of " + list; }
    bool tested_in(const TableData* table, const std::string& name, const Tested& tested) const {
        if (name.empty()) return false;
        if (tested.in_table.count({name, table})) return true;
        auto values = tested.among.find(name);
        return values != tested.among.end() &&
               std::all_of(values->second.begin(), values->second.end(),
                           [&](const Value& v) { return found_always(*table, v); });
    }

    // The name of a key (key_of), a `let` read as the value it was bound to.
    std::string key(const Node& n) const {
        // A definition without parameters that is a field of the case (`def dx =
        // case.diagnoses`) is named as the field, so a test of either proves the other.
        if (n.op == Op::Def && n.slot < defs_.size() && defs_[n.slot].param_count == 0 &&
            is_case_path(defs_[n.slot].body))
            return key(defs_[n.slot].body);
        // A constant (`d[95860]` of a dated table) is named by its value, so a test of the same
        // value before it (`95860 in d`) is seen.
        if (n.op == Op::Const &&
            (n.constant.kind == Kind::Number || n.constant.kind == Kind::String))
            return "constant " + to_text(n.constant, shapes_, true);
        // `"{line.code}"` is the key `line.code`: a number's text is another value than the
        // number, but a table keyed by texts is never tested or looked up by a number.
        if (is_text_of_one(n)) return key(n.kids[0]);
        std::string name = key_of(n, shapes_);
        if (name.empty() || (aliases_.empty() && !substituting_)) return name;
        // A let's name read as its value's. In a definition's body read for a call, a local
        // that is not a parameter is the body's own: no name of the caller's.
        std::string read =
            renamed(name, [&](const std::string& part) -> std::optional<std::string> {
                if (auto alias = aliases_.find(part); alias != aliases_.end()) return alias->second;
                if (substituting_ && part.starts_with("local ")) return std::nullopt;
                return part;
            });
        // Lets of lets (`let k2 = "{k1}{k1}"`) double a name at each step: past this length a
        // key is left unnamed (no test can name it either).
        constexpr std::size_t longest = 1024;
        return read.size() > longest ? "" : read;
    }

    static bool is_case_path(const Node& n) {
        if (n.op == Op::CaseRoot) return true;
        return (n.op == Op::Member || n.op == Op::MapMember) && n.kids.size() == 1 &&
               is_case_path(n.kids[0]);
    }

    std::string local_key(std::uint32_t slot) const {
        Node local;
        local.op = Op::Local;
        local.slot = slot;
        return key_of(local, shapes_);
    }

    // `key` with `root` at its start (`local 2.1`, `local 2:code` below `local 2`), without it.
    static std::optional<std::string> below(const std::string& key, const std::string& root) {
        if (!key.starts_with(root)) return std::nullopt;
        std::string rest = key.substr(root.size());
        if (!rest.empty() && rest[0] != '.' && rest[0] != ':') return std::nullopt;
        return rest;
    }

    std::map<std::string, Tested> elements_;
    std::map<std::uint32_t, const Node*> lets_; // a rule's lets by slot, each its value
    Effective in_force_; // the dates the rule walked runs on (none: a definition's, any date)

public:
    void runs_on(Effective dates) { in_force_ = std::move(dates); }
    void proving_positions(const std::map<LookupsToProve::key_type, std::int64_t>* positions) {
        positions_ = positions;
    }
    void proving_dates(const DatesToProve* dates) { dates_ = dates; }
    void proving_parameter_dates(const DatesToProve* local_dates,
                                 const std::vector<std::vector<ParamDate>>* param_dates,
                                 const CallDates* call_dates) {
        local_dates_ = local_dates;
        param_dates_ = param_dates;
        call_dates_ = call_dates;
    }
    void proving_parameter_positions(
        const std::map<LookupsToProve::key_type, std::int64_t>* local_positions,
        const std::vector<std::vector<ParamPosition>>* param_positions,
        const CallPositions* call_positions) {
        local_positions_ = local_positions;
        param_positions_ = param_positions;
        call_positions_ = call_positions;
    }
    void proving_definitions(const std::vector<std::vector<DefLookup>>* lookups,
                             const std::vector<std::vector<DefDate>>* dates,
                             const std::vector<std::vector<DefPosition>>* positions) {
        def_lookups_ = lookups;
        def_dates_ = dates;
        def_positions_ = positions;
    }
    // The name a test gives `n` (key_of, a `let` read as its value): "" for none.
    std::string name_of(const Node& n) const { return key(n); }

private:
    bool found_always(const TableData& table, const Value& key) const {
        return always_found(table, key, in_force_);
    }
    std::map<std::string, std::string> aliases_; // a let's key name → its value's
    const std::vector<Shape>& shapes_;
    const std::vector<DefCode>& defs_;
    const LookupsToProve& to_prove_;
    std::uint32_t parameters_;
    int calls_read_ = 0;        // definitions read for a call, one in another
    bool substituting_ = false; // reading a definition's body for a call
    LookupReports report_;
    const CallsToProve* calls_;
    const std::vector<std::vector<ParamLookup>>* param_lookups_;
    const std::vector<std::int32_t>* keeps_text_; // by definition (ExpressionChecker)
    const std::map<LookupsToProve::key_type, std::int64_t>* positions_ = nullptr;
    const std::vector<std::vector<DefLookup>>* def_lookups_ = nullptr;
    const std::vector<std::vector<DefDate>>* def_dates_ = nullptr;
    const std::vector<std::vector<DefPosition>>* def_positions_ = nullptr;
    // In a definition's body, `L[2]` of a list every reader or caller names
    // alike (a case's field, another definition) is theirs to test: kept, not reported.
    // A position computed or looped over (`L[i]`) stays judged here.
    bool deferred_position(const Node& index, std::int64_t needed) const {
        if (!report_.deferred_positions || index.op != Op::Index || index.kids[1].op != Op::Const)
            return false;
        const Node& list = whole_list(index.kids[0], needed == 1);
        if (list.op == Op::List || list.op == Op::Const) return false;
        std::string name = key(list);
        if (name.empty() || name.find("local ") != std::string::npos) return false;
        defer_position({std::move(name), needed, index.span, index.kids[0].span});
        return true;
    }
    // A definition read or called (`primary`, `is_primary(c)`) whose body reads positions of a
    // case's lists it does not test (DefPosition): proved by a test before the read; in
    // another definition's body, that one's readers' to prove.
    void positions_of_definition(const Node& n, const Tested& tested) const {
        if (!def_positions_ || n.slot >= def_positions_->size()) return;
        for (const DefPosition& position : (*def_positions_)[n.slot]) {
            if (known_at_least(position.key, position.needed, tested)) continue;
            if (report_.deferred_positions)
                defer_position(position);
            else if (report_.def_position)
                report_.def_position(n, position);
        }
    }
    void defer_position(const DefPosition& position) const {
        for (const DefPosition& known : *report_.deferred_positions)
            if (known.at.file == position.at.file && known.at.begin == position.at.begin) return;
        report_.deferred_positions->push_back(position);
    }
    void defer_date(const DefDate& date) const {
        for (const DefDate& known : *report_.deferred_dates)
            if (known.key == date.key && known.use.at.begin == date.use.at.begin &&
                known.use.at.file == date.use.at.file)
                return;
        report_.deferred_dates->push_back(date);
    }
    const DatesToProve* dates_ = nullptr;
    const DatesToProve* local_dates_ = nullptr;
    const std::vector<std::vector<ParamDate>>* param_dates_ = nullptr;
    const CallDates* call_dates_ = nullptr;

    void keep_date(ParamDate date) const {
        auto& kept = *report_.by_parameter_dates;
        for (const ParamDate& known : kept)
            if (known.param == date.param && known.use.at.file == date.use.at.file &&
                known.use.at.begin == date.use.at.begin)
                return;
        kept.push_back(std::move(date));
    }
    // A call giving `case.date_of_service` (noted when compiled) to a parameter its body uses
    // as a date untested, or (in a body) one of its own parameters: tested here, or passed on.
    void dates_of_call(const Node& call, const Tested& tested) const {
        if (call_dates_ && report_.call_undated)
            if (auto noted = call_dates_->find({call.span.file, call.span.begin, call.span.end});
                noted != call_dates_->end())
                for (const ParamDate& date : noted->second)
                    if (date.param < call.kids.size() && !dated(call.kids[date.param], tested))
                        report_.call_undated(call, date);
        if (!report_.by_parameter_dates || !param_dates_ || call.slot >= param_dates_->size())
            return;
        for (const ParamDate& inner : (*param_dates_)[call.slot]) {
            if (inner.param >= call.kids.size()) continue;
            const Node& argument = call.kids[inner.param];
            if (argument.op == Op::Local && argument.slot < parameters_ && !dated(argument, tested))
                keep_date({argument.slot, inner.use, inner.in_def.value_or(call.slot)});
        }
    }
    const std::map<LookupsToProve::key_type, std::int64_t>* local_positions_ = nullptr;
    const std::vector<std::vector<ParamPosition>>* param_positions_ = nullptr;
    const CallPositions* call_positions_ = nullptr;

    // Whether the tests that hold say `list` has at least `needed` elements.
    bool has_at_least(const Node& written, std::int64_t needed, const Tested& tested) const {
        const Node& list = whole_list(written, needed == 1);
        // A list written in place has its elements but those written `if …` (Op::Guard).
        if (list.op == Op::List)
            return std::count_if(list.kids.begin(), list.kids.end(),
                                 [](const Node& k) { return k.op != Op::Guard; }) >= needed;
        if (list.op == Op::Const && list.constant.kind == Kind::List)
            return list.constant.size >= needed;
        return known_at_least(key(list), needed, tested);
    }
    // Whether a test before says the list named `list` has `needed` elements or more.
    static bool known_at_least(const std::string& list, std::int64_t needed, const Tested& tested) {
        auto known = list.empty() ? tested.at_least.end() : tested.at_least.find(list);
        return known != tested.at_least.end() && known->second >= needed;
    }
    void keep_position(ParamPosition position) const {
        auto& kept = *report_.by_parameter_positions;
        for (const ParamPosition& known : kept)
            if (known.param == position.param && known.at.file == position.at.file &&
                known.at.begin == position.at.begin)
                return;
        kept.push_back(position);
    }
    // A call that gives a list to a parameter whose positions the body reads untested: the
    // list needs the test here (a case's list, noted when compiled), or from this body's
    // callers (one of its own parameters).
    void positions_of_call(const Node& call, const Tested& tested) const {
        if (call_positions_ && report_.call_position)
            if (auto noted =
                    call_positions_->find({call.span.file, call.span.begin, call.span.end});
                noted != call_positions_->end())
                for (const ParamPosition& position : noted->second)
                    if (position.param < call.kids.size() &&
                        !has_at_least(call.kids[position.param], position.needed, tested))
                        report_.call_position(call, position);
        if (!report_.by_parameter_positions || !param_positions_ ||
            call.slot >= param_positions_->size())
            return;
        for (ParamPosition inner : (*param_positions_)[call.slot]) {
            if (inner.param >= call.kids.size()) continue;
            if (inner.position_param) { // the position this call gives: a constant, or passed on
                if (*inner.position_param >= call.kids.size()) continue;
                const Node& at = call.kids[*inner.position_param];
                if (at.op == Op::Const && at.constant.kind == Kind::Number &&
                    at.constant.number >= 0 && at.constant.number < INT64_MAX) {
                    inner.needed = at.constant.number + 1;
                    inner.position_param.reset();
                } else if (at.op == Op::Local && at.slot < parameters_) {
                    inner.position_param = at.slot;
                } else {
                    continue; // computed here: not judged, as `L[count(L) - 1]` is not
                }
            }
            const Node& argument = call.kids[inner.param];
            if (argument.op == Op::Local && argument.slot < parameters_ &&
                (inner.position_param || !has_at_least(argument, inner.needed, tested)))
                keep_position({argument.slot, inner.needed, inner.at,
                               inner.in_def.value_or(call.slot), inner.position_param});
        }
    }

    // Whether the tests that hold say the date `n` is not "" (`case.date_of_service != ""`,
    // or equal to dates).
    bool dated(const Node& n, const Tested& tested) const { return dated_key(key(n), tested); }
    bool dated_key(const std::string& k, const Tested& tested) const {
        if (k.empty()) return false;
        auto is_empty = [](const Value& v) { return v.kind == Kind::String && v.size == 0; };
        if (auto excluded = tested.excluded.find(k);
            excluded != tested.excluded.end() &&
            std::any_of(excluded->second.begin(), excluded->second.end(), is_empty))
            return true;
        auto among = tested.among.find(k);
        return among != tested.among.end() &&
               std::none_of(among->second.begin(), among->second.end(), is_empty);
    }
};

// Values as a message names them: the first twelve, then how many more.
std::string named_values(const std::vector<std::string>& values) {
    if (values.size() <= 12) return fmt::format("{}", fmt::join(values, " or "));
    return fmt::format("{} or {} more", fmt::join(values.begin(), values.begin() + 12, " or "),
                       values.size() - 12);
}

// A key as a test names it: an `if` or `first` in parentheses, so `(…) in t` reads as meant.
std::string as_operand(const std::string& key) {
    return key.starts_with("if ") || key.starts_with("first ") ? "(" + key + ")" : key;
}

} // namespace

// `case.diagnoses[0]` with nothing before it that says the list has an element there.
// `in_place`: in a definition, or of a list bound inside the expression, where no `when` can
// test it.
void ExpressionChecker::unguarded_position(const Node& index, std::int64_t needed, bool in_place) {
    // The tests named are of the list whose count proves it (LookupWalk::whole_list: the
    // source of a comprehension without a filter, of `sort`, of `distinct`).
    if (index.op == Op::Div || index.op == Op::Mod) { // `a / count(L)`: 0 when L is empty
        const Node& list = index.kids[1].kids[0];
        std::string tested =
            one_line(source_text(as_written(LookupWalk::whole_list(list, true).span)));
        warning("check.unguarded_position", as_written(index.span),
                fmt::format("`{}` stops the case with an error (eval.division_by_zero) when `{}` "
                            "is empty, and nothing before it tests that",
                            one_line(source_text(as_written(index.span))),
                            one_line(source_text(as_written(list.span)))))
            .help = fmt::format("test `count({}) > 0` before it (a `when`, the left of `and`, or "
                                "`if count({}) > 0 then … else 0`)",
                                tested, tested);
        return;
    }
    if (index.op == Op::Builtin) { // `max(L)`, `min(L)`: an error on an empty list
        std::string list = one_line(source_text(as_written(index.kids[0].span)));
        std::string tested =
            one_line(source_text(as_written(LookupWalk::whole_list(index.kids[0], true).span)));
        warning("check.unguarded_position", as_written(index.span),
                fmt::format("`{}` stops the case with an error (eval.builtin) when `{}` is empty, "
                            "and nothing before it tests that",
                            one_line(source_text(as_written(index.span))), list))
            .help = fmt::format("test `count({}) > 0` before it (a `when`, the left of `and`, or "
                                "`if count({}) > 0 then … else …`)",
                                tested, tested);
        return;
    }
    // A position not written as a number (`i` of `for i in [0, 1]`) is tested as itself.
    std::string position = index.kids[1].op == Op::Const
                               ? std::string()
                               : one_line(source_text(as_written(index.kids[1].span)));
    if (auto known = known_list_sizes_.find({index.span.file, index.span.begin, index.span.end});
        known != known_list_sizes_.end()) {
        std::string list = one_line(source_text(as_written(index.kids[0].span)));
        auto& d = warning(
            "check.unguarded_position", as_written(index.span),
            fmt::format("`{}` stops the case with an error (eval.index) when `{}` is {} or more: "
                        "`{}` has {} element{}, and `{}` goes up to {}",
                        one_line(source_text(as_written(index.span))), position, known->second,
                        list, known->second, known->second == 1 ? "" : "s", position, needed - 1));
        d.help = fmt::format("loop over the positions the list has, 0 to {} (or test `count({}) "
                             "> {}` first)",
                             known->second - 1, list, position);
        return;
    }
    position_warning(index.span, index.kids[0].span, needed, in_place, position);
}

// `first(case.diagnoses)` of `def first(l) = l[0]`, with nothing before it that says the list
// has an element there.
void ExpressionChecker::unguarded_call_position(const Node& call, const ParamPosition& position,
                                                bool in_place) {
    auto& d =
        position_warning(call.span, call.kids[position.param].span, position.needed, in_place);
    std::uint32_t holder = position.in_def.value_or(call.slot);
    d.notes.push_back(fmt::format(
        "`{}` reads `{}`, at {}", holder < p().defs.size() ? p().defs[holder].name : "?",
        one_line(source_text(as_written(position.at))), where(as_written(position.at))));
}

// The warning that `at` (`L[i]`, or a call reading a position of it) needs `list` to have
// `needed` elements.
namespace {

// The test that proves a list has `needed` elements: `count(L) > 0`, `count(L) >= 2`.
std::string count_test(std::string_view list, std::int64_t needed) {
    return needed == 1 ? fmt::format("count({}) > 0", list)
                       : fmt::format("count({}) >= {}", list, needed);
}

// What the list is when the position stops the case: "is empty", "has fewer than 2 elements".
std::string too_short(std::int64_t needed) {
    return needed == 1 ? std::string("is empty")
                       : fmt::format("has fewer than {} elements", needed);
}

} // namespace

Diagnostic& ExpressionChecker::position_warning(Span at, Span list_at, std::int64_t needed,
                                                bool in_place, const std::string& position) {
    std::string written = one_line(source_text(as_written(at)));
    std::string list = one_line(source_text(list_at));
    std::string test = !position.empty() ? fmt::format("count({}) > {}", list, position)
                                         : count_test(list, needed);
    auto& d = warning("check.unguarded_position", as_written(at),
                      fmt::format("`{}` stops the case with an error (eval.index) when `{}` {}, "
                                  "and nothing before it tests that",
                                  written, list, too_short(needed)));
    d.help = in_place ? fmt::format("test it first: `if {} then {} else …`", test, written)
                      : fmt::format("test it first: `when {}`, or `if {} then {} else …`", test,
                                    test, written);
    return d;
}

void ExpressionChecker::unguarded_lookup(const Node& lookup, bool in_def,
                                         const std::vector<std::string>& missing) {
    const Span& noted = lookup.span;
    const TableData& table = *lookup.kids[0].constant.table;
    Diagnostic* d =
        report_unguarded(as_written(noted), table, one_line(source_text(lookup.kids[1].span)),
                         missing, in_def, false, {});
    // A setting dated by some policy (a payer's `k 95999 from "2026-01-01"`): where each value
    // the table lacks comes from, which may be another file than the look-up's.
    if (d && lookup.kids[1].op == Op::DatedSetting && lookup.kids[1].slot < p().settings.size()) {
        const auto& code = p().settings[lookup.kids[1].slot];
        const auto& merged = merged_.settings[lookup.kids[1].slot].versions;
        for (std::size_t i = 0; i < code.versions.size() && i < merged.size(); ++i) {
            std::string value = to_text(code.versions[i].value, p().shapes, true);
            if (std::find(missing.begin(), missing.end(), value) == missing.end()) continue;
            const Effective& dates = code.versions[i].effective;
            std::string when = dates.from.empty() ? "" : " from " + dates.from;
            if (!dates.until.empty()) when += " until " + dates.until;
            d->notes.push_back(fmt::format("`{}` is {}{}: set by policy `{}` at {}", code.name,
                                           value, when, code.versions[i].layer,
                                           where(merged[i].value->span)));
        }
    }
    // A key of one value: a constant of a dated table (`d[95860]`), or a name of a constant
    // (`let c = 95999`), which no test of its own can make found.
    if (d && (is_plain_constant(lookup.kids[1]) ||
              one_value_lookups_.contains({noted.file, noted.begin, noted.end}))) {
        std::string written = one_line(source_text(as_written(noted)));
        d->message = table.dated
                         ? fmt::format("`{}` stops the case with an error "
                                       "(eval.missing_key) on the dates of service table "
                                       "`{}` has no row for {}",
                                       written, table.name, named_values(missing))
                         : fmt::format("`{}` stops every case that reaches it with an error "
                                       "(eval.missing_key): table `{}` has no row for {}",
                                       written, table.name, named_values(missing));
        d->notes.clear();
        d->help = table.dated ? fmt::format("give table `{}` a row for it on every date, or test "
                                            "it first",
                                            table.name)
                              : fmt::format("give table `{}` a row for it, or look up a key it has",
                                            table.name);
    }
}

namespace {

// A look-up in a reason stops no case: the reason reads "(the reason could not be worded: …)".
void as_reason(Diagnostic& d) {
    if (d.code != "check.unguarded_lookup" && d.code != "check.unguarded_position") return;
    for (auto [stops, instead] :
         {std::pair<std::string_view, std::string_view>{
              "stops every case that reaches it with an error (eval.missing_key)",
              "leaves the reason unworded for every case that reaches it (eval.missing_key)"},
          {"stops the case with an error (eval.missing_key)",
           "leaves the reason unworded (eval.missing_key)"},
          {"stops the case with an error (eval.index)", "leaves the reason unworded (eval.index)"}})
        if (auto at = d.message.find(stops); at != std::string::npos) {
            d.message.replace(at, stops.size(), instead);
            d.notes.push_back("the reason then reads \"(the reason could not be worded: …)\"; "
                              "the case is coded all the same");
            return;
        }
}

// `text` with each whole word `word` (a name: letters, digits, `_`) replaced by `by`; strings
// (but not their `{…}` parts), and a field of the same name (`limb.limb`), are left as they are.
std::string replaced_word(const std::string& text, const std::string& word, const std::string& by) {
    auto name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    std::string out;
    bool in_string = false;
    int interpolating = 0; // inside `{…}` of a string (`"{c}"`), which is code again
    for (std::size_t i = 0; i < text.size();) {
        char c = text[i];
        if (in_string && c == '\\' && i + 1 < text.size()) { // an escape: two characters
            out += text.substr(i, 2);
            i += 2;
            continue;
        }
        if (c == '"') in_string = !in_string;
        if (in_string && c == '{') {
            in_string = false;
            ++interpolating;
        } else if (!in_string && interpolating > 0 && c == '}') {
            in_string = true;
            --interpolating;
        }
        bool starts = !in_string && text.compare(i, word.size(), word) == 0 &&
                      (i == 0 || (!name_char(text[i - 1]) && text[i - 1] != '.')) &&
                      (i + word.size() == text.size() || !name_char(text[i + word.size()]));
        if (starts) {
            out += by;
            i += word.size();
        } else {
            out += c;
            ++i;
        }
    }
    return out;
}

} // namespace

// `limit_of(line.code)` of `def limit_of(c) = allowed[c]`: said at the call, where the test
// belongs (the definition's parameter may be anything its callers give).
void ExpressionChecker::unguarded_call(const Node& call, const CallLookup& lookup, bool in_def) {
    const Node& argument = call.kids[lookup.lookup.param];
    std::string given = one_line(source_text(argument.span));
    using Form = ParamLookup::Form;
    Form form = lookup.lookup.form;
    // The key as the caller would test it: the argument, `lower` of it, or what the body
    // makes of it, written with the argument (`lk(m.name)` of `w[lk(n)]`); made through
    // another definition, only the argument can be named here.
    // A field of the argument (`l.code` of `def limit(l: line)`) is named through any number
    // of definitions: the look-up's parameter, first in its key, becomes the argument.
    std::string key = form == Form::lowered ? fmt::format("lower({})", given) : given;
    bool named = form != Form::other || !lookup.lookup.in_def;
    std::string written = one_line(source_text(as_written(lookup.lookup.key_at)));
    if (form == Form::field && written.find('.') != std::string::npos) {
        bool path = std::all_of(given.begin(), given.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
        });
        // The record's name in the look-up (`l` of `l.code`, of `lower(l.name)`) is the argument.
        std::size_t dot = written.find('.'), name = dot;
        while (name > 0 && (std::isalnum(static_cast<unsigned char>(written[name - 1])) ||
                            written[name - 1] == '_'))
            --name;
        key = written.substr(0, name) + (path ? given : "(" + given + ")") + written.substr(dot);
    } else if (form == Form::other && named) {
        const ast::Def& callee = *merged_.defs[lookup.def].decl;
        key = replaced_word(written, callee.params[lookup.lookup.param].name.text, given);
    }
    Span inside = as_written(lookup.lookup.at);
    std::string called = p().defs[lookup.def].name;
    std::uint32_t holder = lookup.lookup.in_def.value_or(lookup.def);
    bool each = form == Form::each;
    bool position = lookup.lookup.key.find('[') != std::string::npos; // `cs[0]`
    std::string it = !each ? "it" : position ? "an element of it" : "each element of it";
    if (each && !lookup.lookup.below.empty()) { // `l.code`: the `code` of each element
        std::string looked_up = one_line(source_text(as_written(lookup.lookup.key_at)));
        if (auto dot = looked_up.find('.'); dot != std::string::npos)
            it = fmt::format("the `{}` of {} element of it", looked_up.substr(dot + 1),
                             position ? "an" : "each");
    }
    std::string how =
        holder == lookup.def
            ? fmt::format("`{}` looks {} up as `{}`, at {}", called, it,
                          one_line(source_text(inside)), where(inside))
            : fmt::format("`{}` passes it to `{}`, which looks {} up as `{}`, at {}", called,
                          p().defs[holder].name, it, one_line(source_text(inside)), where(inside));
    if (each && lookup.constant) key = named_values(lookup.missing);
    // A name of a constant (`let c = 95999`): the value it stands for.
    if (!each && lookup.constant && lookup.missing.size() == 1 && form == Form::field)
        key = lookup.missing[0];
    else if (!each && lookup.constant && lookup.missing.size() == 1 && !is_plain_constant(argument))
        key = fmt::format("`{}`, which is {}", given, lookup.missing[0]);
    else if (!each && lookup.constant && lookup.missing.size() == 1)
        key = lookup.missing[0]; // as the table's keys are written (`"95999"`)
    Diagnostic* d =
        report_unguarded(as_written(call.span), *lookup.lookup.table, key,
                         each && lookup.constant ? std::vector<std::string>{} : lookup.missing,
                         in_def, lookup.constant, {std::move(how)});
    if (d && each && !lookup.constant && !lookup.missing.empty())
        d->notes.pop_back(); // said of each element below
    if (d && each && lookup.constant && lookup.missing.size() > 1)
        d->help = fmt::format("give only keys table `{}` has, or add their rows",
                              lookup.lookup.table->name);
    if (d && each && !lookup.constant) {
        // `limits(claim.code)`: the test is of each element, so the help filters the list.
        // A field of each element (`l.code`): the list filtered by that field.
        const std::string& table = lookup.lookup.table->name;
        std::string tested_key = one_line(source_text(as_written(lookup.lookup.key_at)));
        std::size_t dot = lookup.lookup.below.empty() ? std::string::npos : tested_key.find('.');
        std::string element = tested_key.substr(0, dot);
        if (position) { // `cs[0]`, `ls[0].code`: the filter names an element of its own
            element = "x";
            tested_key = dot == std::string::npos ? element : element + tested_key.substr(dot);
            dot = dot == std::string::npos ? dot : element.size();
        }
        std::string what =
            dot == std::string::npos
                ? fmt::format("an element of `{}`", given)
                : fmt::format("the `{}` of an element of `{}`", tested_key.substr(dot + 1), given);
        d->message = fmt::format("`{}` stops the case with an error (eval.missing_key) when {} "
                                 "is not a key of table `{}`, and nothing before it tests that",
                                 one_line(source_text(as_written(call.span))), what, table);
        if (!lookup.missing.empty())
            d->notes.push_back(fmt::format("{} may be {}, which the table has no row for", what,
                                           named_values(lookup.missing)));
        d->help = fmt::format("give it only the elements the table has a row for: `[{0} for {0} in "
                              "{1} if {2} in {3}]` in place of `{1}`",
                              element, given, tested_key, table);
        // `first_limit(claim.code)`: filtering would look up another element; test the one
        // looked up (`claim.code[0]`).
        if (std::string key_written = one_line(source_text(as_written(lookup.lookup.key_at)));
            position && key_written.find('[') != std::string::npos) {
            bool path = std::all_of(given.begin(), given.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
            });
            // The position as the caller writes it: the body's list named by the argument
            // (`cs[count(cs) - 1]` of `last_limit(claim.code)`).
            std::string list_name = key_written.substr(0, key_written.find('['));
            std::string at = key_written.substr(key_written.find('['));
            if (!list_name.empty() && std::all_of(list_name.begin(), list_name.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                }))
                at = replaced_word(at, list_name, path ? given : "(" + given + ")");
            std::string test =
                fmt::format("{}{} in {}", path ? given : "(" + given + ")", at, table);
            d->help = in_def ? fmt::format("test the element it looks up first: `if {} then {} "
                                           "else …`",
                                           test, one_line(source_text(as_written(call.span))))
                             : fmt::format("test the element it looks up first: `when {}`", test);
        }
    }
    if (d && !named && !lookup.constant) {
        d->message = fmt::format("`{}` stops the case with an error (eval.missing_key) when the "
                                 "key it makes of `{}` is not a key of table `{}`, and nothing "
                                 "before it tests that",
                                 one_line(source_text(as_written(call.span))), given,
                                 lookup.lookup.table->name);
        d->help = fmt::format("test that key first (the note shows how it is made), or give a "
                              "value for the keys table `{}` lacks",
                              lookup.lookup.table->name);
    }
}

Diagnostic* ExpressionChecker::report_unguarded(Span at, const TableData& table,
                                                const std::string& key,
                                                const std::vector<std::string>& missing,
                                                bool in_def, bool constant,
                                                std::vector<std::string> notes) {
    if (removed_row(table, key, missing, at)) return nullptr;
    std::string written = one_line(source_text(at));
    auto& d = warning(
        "check.unguarded_lookup", at,
        constant && table.dated
            ? fmt::format("`{}` stops the case with an error (eval.missing_key) on the dates of "
                          "service table `{}` has no row for {}",
                          written, table.name, key)
        : constant ? fmt::format("`{}` stops every case that reaches it with an error "
                                 "(eval.missing_key): table `{}` has no row for {}",
                                 written, table.name, key)
                   : fmt::format("`{}` stops the case with an error (eval.missing_key) when `{}` "
                                 "is not a key of table `{}`, and nothing before it tests that",
                                 written, key, table.name));
    d.notes = std::move(notes);
    if (constant) {
        d.help = table.dated ? fmt::format("give table `{}` a row for it on every date, or test "
                                           "it first",
                                           table.name)
                             : fmt::format("give a key table `{}` has, or add its row", table.name);
        return &d;
    }
    if (!missing.empty())
        d.notes.push_back(fmt::format("`{}` may be {}, which the table has no row for{}", key,
                                      named_values(missing),
                                      table.dated ? " on some dates of service" : ""));
    std::string tested = as_operand(key);
    std::string inline_test =
        fmt::format("`if {0} in {1} then {2} else …`", tested, table.name, written);
    d.help = in_def ? "test it first: " + inline_test
                    : fmt::format("test it first: `when {} in {}`, or {}", tested, table.name,
                                  inline_test);
    return &d;
}

// A field's value the table lacks because a later layer removed its row (`table limb_label
// remove "left_leg" end`): said once, at the `remove` (the look-up is the base's, and the fix
// is the payer's), naming the first look-up it breaks.
bool ExpressionChecker::removed_row(const TableData& table, const std::string& key,
                                    const std::vector<std::string>& missing, Span at) {
    auto removals = removals_of_.find(&table);
    if (missing.empty() || removals == removals_of_.end()) return false;
    const MergedTable::Removal* removal = nullptr;
    for (const auto& value : missing) {
        const MergedTable::Removal* found = nullptr;
        for (const auto& r : removals->second) {
            const auto* text =
                r.key->literal ? std::get_if<ast::StringLit>(&r.key->literal->kind) : nullptr;
            if (text && fmt::format("\"{}\"", plain(*text)) == value) found = &r;
        }
        if (!found) return false; // a value no layer had a row for
        if (!removal) removal = found;
    }
    Span place = as_written(removal->key->span);
    if (!removals_reported_.insert({place.file, place.begin, place.end}).second) return true;
    auto& d = warning("check.unguarded_lookup", place,
                      fmt::format("removing this row of table `{}` leaves its look-ups by `{}` "
                                  "with no row: `{}` stops the case with an error "
                                  "(eval.missing_key) when `{}` is {}",
                                  table.name, key, one_line(source_text(at)), key,
                                  named_values(missing)));
    d.notes.push_back(fmt::format("looked up at {}, among others", where(at)));
    d.help = "keep the row and give it the value meant, or override the rules that look it up";
    return true;
}

std::vector<ParamLookup> ExpressionChecker::warn_unguarded_lookups(
    const Node& body, std::uint32_t parameters, std::vector<DefLookup>* deferred,
    std::vector<ParamPosition>* positions, std::vector<ParamDate>* dates,
    std::vector<DefDate>* deferred_dates, std::vector<DefPosition>* deferred_positions) {
    std::vector<ParamLookup> by_parameters;
    const LookupWalk* walking = nullptr;
    // In a definition without parameters, a look-up by a key its readers name alike (a case's
    // field, another definition) is theirs to test (DefLookup), as is one of a definition it
    // reads.
    auto defer = [&](const DefLookup& lookup) {
        if (!deferred) return false;
        if (lookup.key.empty() || lookup.key.find("local ") != std::string::npos) return false;
        for (const DefLookup& known : *deferred)
            if (known.key == lookup.key && known.table == lookup.table) return true;
        deferred->push_back(lookup);
        return true;
    };
    LookupReports reports{
        [&](const Node& n, const std::vector<std::string>& missing) {
            const Node& table = n.kids[0];
            if (table.op == Op::Const && table.constant.kind == Kind::Table &&
                defer({walking->name_of(n.kids[1]), table.constant.table, n.span,
                       one_line(source_text(n.kids[1].span))}))
                return;
            unguarded_lookup(n, true, missing);
        },
        [&](const Node& n, const CallLookup& l) { unguarded_call(n, l, true); },
        &by_parameters,
        [&](const Node& n, std::int64_t needed) { unguarded_position(n, needed, true); },
        [&](const Node& n, const DefLookup& lookup) {
            if (!defer(lookup)) unguarded_def_lookup(n, lookup);
        },
        [&](const UndatedUse& use) { report_undated(use); },
        positions,
        [&](const Node& n, const ParamPosition& position) {
            unguarded_call_position(n, position, true);
        },
        dates,
        [&](const Node& n, const ParamDate& date) { report_call_undated(n, date); },
        deferred_dates,
        {},
        deferred_positions};
    LookupWalk walk(p().shapes, p().defs, lookups_to_prove_, parameters, reports, &calls_to_prove_,
                    &param_lookups_, &keeps_param_text_);
    walking = &walk;
    walk.proving_positions(&positions_to_prove_);
    walk.proving_dates(&dates_to_prove_);
    walk.proving_parameter_positions(&local_positions_, &param_positions_,
                                     &call_positions_to_prove_);
    walk.proving_parameter_dates(&local_dates_, &param_dates_, &call_dates_to_prove_);
    walk.proving_definitions(&def_lookups_, &def_dates_, &def_positions_);
    walk.walk(body, {});
    // A field of a record parameter (`l.code`, keyed `.2` as the typed record names it) is
    // named too (`:code`), as callers that test records of no known type name it
    // (`[limit(l) for l in ls if l.code in t]`).
    for (ParamLookup& lookup : by_parameters)
        if (lookup.form == ParamLookup::Form::field && lookup.below_named.empty()) {
            std::string written = one_line(source_text(as_written(lookup.key_at)));
            if (auto dot = written.find('.');
                dot != std::string::npos && written.find('(') == std::string::npos) {
                lookup.below_named = written.substr(dot);
                std::replace(lookup.below_named.begin(), lookup.below_named.end(), '.', ':');
            }
        }
    return by_parameters;
}

// `primary` of `def primary = case.diagnoses[0]`, read with no test of the count before it
// (or `is_primary(c)` of a function whose body reads it).
void ExpressionChecker::report_def_position(const Node& read, const DefPosition& position) {
    std::string name = read.slot < p().defs.size() ? p().defs[read.slot].name : "?";
    std::string list = one_line(source_text(position.list_at));
    auto& d = warning(
        "check.unguarded_position", as_written(read.span),
        fmt::format("`{}` reads `{}` ({}), which stops the case with an error (eval.index) when "
                    "`{}` {}, and nothing before this read tests that",
                    name, one_line(source_text(as_written(position.at))), where(position.at), list,
                    too_short(position.needed)));
    d.help = fmt::format("test it first: `when {}` (or a definition that tests it)",
                         count_test(list, position.needed));
}

void ExpressionChecker::unguarded_def_lookup(const Node& read, const DefLookup& lookup) {
    std::string name = read.slot < p().defs.size() ? p().defs[read.slot].name : "?";
    auto& d = warning(
        "check.unguarded_lookup", as_written(read.span),
        fmt::format("`{}` looks up `{}` in table `{}` ({}), which stops the case with an error "
                    "(eval.missing_key) when it is not a key, and nothing before this use tests "
                    "that",
                    name, lookup.written, lookup.table->name, where(lookup.at)));
    d.help = fmt::format("test it first: `when {} in {}` (or a definition that tests it)",
                         as_operand(lookup.written), lookup.table->name);
}

void ExpressionChecker::warn_unguarded_lookups(const RuleCode& code) {
    if (lookups_to_prove_.empty() && calls_to_prove_.empty() && positions_to_prove_.empty() &&
        dates_to_prove_.empty() && call_positions_to_prove_.empty() &&
        call_dates_to_prove_.empty() &&
        std::all_of(def_lookups_.begin(), def_lookups_.end(),
                    [](const auto& lookups) { return lookups.empty(); }) &&
        std::all_of(def_dates_.begin(), def_dates_.end(),
                    [](const auto& dates) { return dates.empty(); }) &&
        std::all_of(def_positions_.begin(), def_positions_.end(),
                    [](const auto& positions) { return positions.empty(); }))
        return;
    std::set<std::uint32_t> defs_reported; // each definition once a rule: its first read
    std::set<std::uint32_t> def_dates_reported;
    std::set<std::uint32_t> def_positions_reported;
    // The variables of the `for` and `let` clauses walked so far: a key read from any other
    // local (`c` of `any c in cs: t[c] > 0`) is bound inside the expression, where no `when`
    // can test it, so the help tests it in place.
    std::set<std::uint32_t> clause_bound;
    auto in_place = [&](const Node& key) {
        auto root = root_local(key);
        return root && !clause_bound.count(*root);
    };
    LookupReports reports{
        [&](const Node& n, const std::vector<std::string>& missing) {
            unguarded_lookup(n, in_place(n.kids[1]), missing);
        },
        [&](const Node& n, const CallLookup& l) {
            unguarded_call(n, l,
                           l.lookup.param < n.kids.size() && in_place(n.kids[l.lookup.param]));
        },
        nullptr,
        [&](const Node& n, std::int64_t needed) {
            unguarded_position(n, needed, in_place(n.kids[0]));
        },
        [&](const Node& n, const DefLookup& lookup) {
            if (defs_reported.insert(n.slot).second) unguarded_def_lookup(n, lookup);
        },
        [&](const UndatedUse& use) { report_undated(use); },
        nullptr,
        [&](const Node& n, const ParamPosition& position) {
            unguarded_call_position(
                n, position, position.param < n.kids.size() && in_place(n.kids[position.param]));
        },
        nullptr,
        [&](const Node& n, const ParamDate& date) { report_call_undated(n, date); },
        nullptr,
        [&](const Node& n, const DefDate& date) {
            if (def_dates_reported.insert(n.slot).second) report_def_undated(n, date);
        },
        nullptr,
        [&](const Node& n, const DefPosition& position) {
            if (def_positions_reported.insert(n.slot).second) report_def_position(n, position);
        }};
    LookupWalk walk(p().shapes, p().defs, lookups_to_prove_, 0, reports, &calls_to_prove_, nullptr,
                    &keeps_param_text_);
    walk.proving_positions(&positions_to_prove_);
    walk.proving_dates(&dates_to_prove_);
    walk.proving_parameter_positions(&local_positions_, &param_positions_,
                                     &call_positions_to_prove_);
    walk.proving_parameter_dates(&local_dates_, &param_dates_, &call_dates_to_prove_);
    walk.proving_definitions(&def_lookups_, &def_dates_, &def_positions_);
    walk.runs_on(in_force());
    // A reason (`because`, `otherwise`) that cannot be worded reads so; the case goes on.
    auto reason_walk = [&](const Node& reason, const Tested& tested) {
        std::size_t before = diagnostics_.items().size();
        walk.walk(reason, tested);
        for (std::size_t i = before; i < diagnostics_.items().size(); ++i)
            as_reason(diagnostics_.at(i));
    };
    auto clause_walk = [&](Tested& tested, const ClauseCode& clause, bool learns) {
        // `otherwise` says why the rule stopped here: the `when` failed.
        if (clause.otherwise) reason_walk(*clause.otherwise, tested);
        if (clause.kind == ast::ClauseKind::Because)
            reason_walk(clause.expr, tested);
        else
            walk.walk(clause.expr, tested);
        if (clause.units) walk.walk(*clause.units, tested);
        if (clause.modifiers) walk.walk(*clause.modifiers, tested);
        // After its expression, whose own variables may have had the same slot.
        if (clause.kind == ast::ClauseKind::For || clause.kind == ast::ClauseKind::Let)
            clause_bound.insert(clause.slot);
        if (!learns) return;
        if (clause.kind == ast::ClauseKind::When) walk.learn(clause.expr, false, tested);
        if (clause.kind == ast::ClauseKind::Let) walk.learn_let(clause.slot, clause.expr);
        if (clause.kind == ast::ClauseKind::For) walk.element_of(clause.expr, clause.slot, tested);
    };
    follow_clauses(code, Tested{}, clause_walk, [&](Tested& tested, const RuleCode& exception) {
        for (const auto& clause : exception.clauses)
            clause_walk(tested, clause, true);
    });
}

} // namespace cpl::check_detail
