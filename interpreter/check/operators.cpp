// interpreter/check/operators.cpp — the types binary operators accept and give.
#include "interpreter/check/expressions.hpp"
#include "lang/vocabulary.hpp"

#include <fmt/format.h>

namespace cpl::check_detail {

Typed ExpressionChecker::binary(const ast::Binary& b, Span span, Scope& scope) {
    using B = ast::BinaryOp;
    Typed left = expr(*b.left, scope);
    Typed right = expr(*b.right, scope);
    const TypeP& l = left.type;
    const TypeP& r = right.type;
    auto mismatch = [&](std::string_view op) {
        error("check.type_mismatch", b.op_span,
              fmt::format("`{}` cannot combine {} and {}", op, type_name(l), type_name(r)));
    };
    TypeP result = bool_type();
    Op op = Op::Eq;
    switch (b.op) {
    case B::Or:
    case B::And:
        op = b.op == B::Or ? Op::Or : Op::And;
        if (!fits(bool_type(), l) || !fits(bool_type(), r))
            mismatch(vocabulary::binary(b.op).spelling);
        break;
    case B::Eq:
        op = Op::Eq;
        break;
    case B::Ne:
        op = Op::Ne;
        break;
    case B::Lt:
    case B::Le:
    case B::Gt:
    case B::Ge:
        op = b.op == B::Lt ? Op::Lt : b.op == B::Le ? Op::Le : b.op == B::Gt ? Op::Gt : Op::Ge;
        if (known(l) && known(r) && !(l->kind == TypeKind::Number && r->kind == TypeKind::Number) &&
            !(is_text(l) && is_text(r)))
            mismatch(vocabulary::binary(b.op).spelling);
        break;
    case B::In:
    case B::NotIn:
        op = b.op == B::In ? Op::In : Op::NotIn;
        if (known(r) && r->kind != TypeKind::List && r->kind != TypeKind::Table)
            error("check.type_mismatch", b.right->span,
                  fmt::format("`{}` needs a list, a range or a table, not {}",
                              vocabulary::binary(ast::BinaryOp::In).spelling, type_name(r)));
        break;
    case B::Range:
        op = Op::Range;
        if (known(l) && known(r) && !(l->kind == TypeKind::Number && r->kind == TypeKind::Number) &&
            !(is_text(l) && is_text(r)))
            mismatch(vocabulary::binary(b.op).spelling);
        result = list_of(known(l) ? l : r);
        break;
    case B::Add:
        op = Op::Add;
        if (l->kind == TypeKind::Number && r->kind == TypeKind::Number)
            result = number_type();
        else if (is_text(l) && is_text(r))
            result = string_type();
        else if (l->kind == TypeKind::List && r->kind == TypeKind::List)
            result = unify(l, r);
        else if (!known(l) || !known(r))
            result = any_type();
        else
            mismatch(vocabulary::binary(b.op).spelling);
        break;
    case B::Sub:
    case B::Mul:
    case B::Div:
    case B::Mod:
        op = b.op == B::Sub   ? Op::Sub
             : b.op == B::Mul ? Op::Mul
             : b.op == B::Div ? Op::Div
                              : Op::Mod;
        if (!fits(number_type(), l) || !fits(number_type(), r))
            mismatch(vocabulary::binary(b.op).spelling);
        result = number_type();
        break;
    }
    std::vector<Node> kids;
    kids.push_back(std::move(left.node));
    kids.push_back(std::move(right.node));
    return make(op, std::move(kids), result, span);
}

} // namespace cpl::check_detail
