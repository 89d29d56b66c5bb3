// interpreter/check/conditions.cpp — conditions that are the same for every case
// (check.constant_condition). A condition is constant when it reads no case fact: it folds to
// a constant, or reads only definitions whose values are constants. Two kinds are left alone:
// a bool setting used as a switch (`when acme_strict`, `not (ncs_performed and switch)`),
// which a payer flips by restating the setting; and the literal `true`, which is written on
// purpose and changes nothing. A comparison of a setting with a constant
// (`min_muscles_per_limb > 3`) is flagged: it compares two constants, whatever the value.
#include "interpreter/case/case_schema.hpp"
#include "interpreter/check/expressions.hpp"
#include "interpreter/program/expressions.hpp"
#include "lang/dates.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace cpl::check_detail {

void names_in(const ast::Expr& e, std::vector<std::string>& out) {
    auto add = [&](const std::string& n) {
        if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
    };
    std::visit(
        [&](const auto& k) {
            using K = std::decay_t<decltype(k)>;
            if constexpr (std::is_same_v<K, ast::NameRef>) {
                add(k.name);
            } else if constexpr (std::is_same_v<K, ast::Unary>) {
                names_in(*k.operand, out);
            } else if constexpr (std::is_same_v<K, ast::Binary>) {
                names_in(*k.left, out);
                names_in(*k.right, out);
            } else if constexpr (std::is_same_v<K, ast::Member>) {
                names_in(*k.object, out);
            } else if constexpr (std::is_same_v<K, ast::Index>) {
                names_in(*k.object, out);
                names_in(*k.index, out);
            } else if constexpr (std::is_same_v<K, ast::Call>) {
                for (const auto& a : k.args)
                    names_in(a, out);
            } else if constexpr (std::is_same_v<K, ast::ListExpr>) {
                for (const auto& item : k.items)
                    names_in(item, out);
            } else if constexpr (std::is_same_v<K, ast::Quantified>) {
                names_in(*k.source, out);
                names_in(*k.condition, out);
            } else if constexpr (std::is_same_v<K, ast::IfExpr>) {
                names_in(*k.condition, out);
                names_in(*k.then_branch, out);
                names_in(*k.else_branch, out);
            } else if constexpr (std::is_same_v<K, ast::FirstMatch>) {
                for (const auto& arm : k.arms) {
                    names_in(arm.condition, out);
                    names_in(arm.value, out);
                }
                names_in(*k.otherwise, out);
            } else if constexpr (std::is_same_v<K, ast::Conditional>) {
                names_in(*k.condition, out);
                names_in(*k.element, out);
            }
        },
        e.kind);
}

namespace {

const ast::StringLit* string_literal(const ast::Expr& e) {
    return std::get_if<ast::StringLit>(&e.kind);
}

} // namespace

std::string shortened(std::string text) {
    constexpr std::size_t most = 60;
    if (text.size() > most) text = text.substr(0, most - 1) + "…";
    return text;
}

// A value as the author wrote it: codes unquoted (`[95872, 95937]`).
std::string ExpressionChecker::shown(const Value& v, const TypeP& type) {
    bool codes = type && type->kind == TypeKind::List && type->element &&
                 type->element->kind == TypeKind::Code && v.kind == Kind::List;
    if (!codes) return to_text(v, p().shapes, true);
    std::vector<std::string_view> items;
    for (const auto& item : v.list())
        items.push_back(item.str());
    return fmt::format("[{}]", fmt::join(items, ", "));
}

bool ExpressionChecker::known_now(const Node& n) {
    switch (n.op) {
    case Op::Const:
        // A dated table answers by the date of service.
        return n.slot != poisoned && !(n.constant.kind == Kind::Table && n.constant.table->dated);
    case Op::Def: {
        if (n.slot >= def_state_.size() || def_state_[n.slot] != 2) return false;
        // Set once per definition when it is compiled (check.cpp): a definition read twice by
        // the next (`x1 = x0 + x0`) would otherwise be walked 2^n times, and a chain of
        // definitions walked as deep as the policy is long.
        return n.slot < def_known_.size() && def_known_[n.slot] == 1;
    }
    case Op::Local:
    case Op::CallDef:
    case Op::CaseRoot:
    case Op::Claim:
    case Op::Supported:
    case Op::Reviewing:
    case Op::DatedSetting:
    case Op::ServiceDate:
    case Op::DisabledBilling: // a payer's `disable` changes it
    case Op::DynamicMember:
    case Op::Comprehension:
    case Op::Any:
    case Op::All:
    case Op::None:
        return false;
    default:
        break;
    }
    for (const auto& kid : n.kids)
        if (!known_now(kid)) return false;
    return true;
}

Diagnostic* ExpressionChecker::constant_condition(const Typed& condition, const ast::Expr& written,
                                                  bool* holds) {
    if (condition.is_switch || !known_now(condition.node)) return nullptr;
    if (const auto* b = std::get_if<ast::BoolLit>(&written.kind); b && b->value) return nullptr;
    Value value = condition.node.constant;
    if (condition.node.op != Op::Const) {
        try {
            value = evaluate_constant(p(), condition.node);
        } catch (const EvalError&) {
            return nullptr; // it fails for every case instead; the evaluator says so
        }
    }
    if (value.kind != Kind::Bool) return nullptr;
    if (holds) *holds = value.boolean;
    Diagnostic& d = warning("check.constant_condition", written.span,
                            fmt::format("this condition is always {}", value.boolean));
    // Why: the constants it reads, or the text it compares with text.
    const auto* compare = std::get_if<ast::Binary>(&written.kind);
    const ast::StringLit* left = compare ? string_literal(*compare->left) : nullptr;
    const ast::StringLit* right = compare ? string_literal(*compare->right) : nullptr;
    if (left && right) {
        d.message += ": it compares two strings";
        const Shape& case_shape = p().shapes[shape_case];
        for (const auto* side : {left, right}) {
            std::string text = plain(*side);
            if (case_shape.field_index(text) < 0) continue;
            const auto* other = side == left ? right : left;
            d.help = fmt::format("to read the case, write `case.{}`", text);
            if (looks_like_date(plain(*other)))
                *d.help += fmt::format("; to date a rule, write `from \"{}\"`", plain(*other));
        }
        return &d;
    }
    std::vector<std::string> names;
    names_in(written, names);
    for (const auto& n : names) {
        if (auto it = setting_index_.find(n); it != setting_index_.end())
            d.notes.push_back(
                fmt::format("`{}` is {} in this policy", n,
                            shortened(to_text(p().settings[it->second].value, p().shapes, true))));
        else if (auto def = def_index_.find(n);
                 def != def_index_.end() && p().defs[def->second].body.op == Op::Const)
            d.notes.push_back(fmt::format(
                "`{}` is always {}", n,
                shortened(shown(p().defs[def->second].body.constant, p().defs[def->second].type))));
    }
    d.notes.push_back("it reads no case fact, so every case gets the same answer");
    return &d;
}

} // namespace cpl::check_detail
