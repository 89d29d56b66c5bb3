// interpreter/check/calls.cpp — calls: a definition's arguments against its parameters, a
// built-in's against its row in the registry (stdlib/builtins.cpp), lists' elements included.
#include "interpreter/check/expressions.hpp"
#include "interpreter/check/rules.hpp"
#include "interpreter/program/expressions.hpp"
#include "interpreter/program/reads.hpp"
#include "lang/dates.hpp"
#include "lang/suggest.hpp"
#include "runtime/shapes.hpp"

#include <fmt/format.h>
#include <set>

namespace cpl::check_detail {

std::optional<std::size_t> kept_argument(std::string_view builtin) {
    if (builtin == "lower" || builtin == "code") return 0;
    if (builtin == "row_key") return 1;
    return std::nullopt;
}

std::optional<std::size_t> kept_part(const Node& n) {
    if (n.op == Op::Builtin && n.builtin) return kept_argument(n.builtin->name);
    if (n.op == Op::Interpolate && n.kids.size() == 1) return 0;
    return std::nullopt;
}

namespace {

bool fits_kind(TypeKind want, const TypeP& actual) {
    return want == TypeKind::Any || !known(actual) || want == actual->kind ||
           ((want == TypeKind::Code || want == TypeKind::String) && is_text(actual));
}

TypeP simple_type(TypeKind kind) {
    return std::make_shared<const Type>(Type{kind, any_type(), 0});
}

// Whether a value of type `actual` may be given as an argument the built-in wants as `want`;
// when not and the argument is a list, `element_wrong` says its elements are what is wrong.
bool fits_builtin_param(const BuiltinParam& want, const TypeP& actual,
                        bool* element_wrong = nullptr) {
    bool ok = fits_kind(want.kind, actual) ||
              (want.or_kind != TypeKind::Any && fits_kind(want.or_kind, actual));
    // A list argument's elements, when the built-in needs them of a kind (`sum`: numbers).
    if (ok && want.element != TypeKind::Any && actual->kind == TypeKind::List && actual->element) {
        const TypeP& element = actual->element;
        ok = fits_kind(want.element, element);
        // Claim lines are records of the claim's line shapes (`units_of(case.extremities, …)`
        // would stop every case).
        if (ok && want.claim_lines && element->kind == TypeKind::Record)
            ok = element->shape == shape_line || element->shape == shape_claim_line;
        if (element_wrong) *element_wrong = !ok;
    }
    return ok;
}

// What a built-in needs of an argument, in an author's words (its kinds name no shape).
std::string wanted(const BuiltinParam& want) {
    if (want.claim_lines) return "a list of claim lines";
    if (want.or_kind == TypeKind::Table) return "a list or a table";
    return describe(want.element == TypeKind::Any ? simple_type(want.kind)
                                                  : list_of(simple_type(want.element)),
                    {});
}

bool reads_local(const Node& n, std::uint32_t slot) {
    if (n.op == Op::Local && n.slot == slot) return true;
    return std::any_of(n.kids.begin(), n.kids.end(),
                       [&](const Node& kid) { return reads_local(kid, slot); });
}

} // namespace

std::optional<GivenParameter> given_parameter(const Node& body, std::uint32_t parameters) {
    GivenParameter out;
    std::vector<const Node*> conditions;
    const Node* n = &body;
    while (n->op == Op::If && n->kids.size() == 3) {
        conditions.push_back(&n->kids[0]);
        bool then_constant = n->kids[1].op == Op::Const, else_constant = n->kids[2].op == Op::Const;
        if (then_constant == else_constant) return std::nullopt;
        const Value& instead = n->kids[then_constant ? 1 : 2].constant;
        if (instead.kind != Kind::Number && instead.kind != Kind::String) return std::nullopt;
        out.instead.push_back(instead);
        n = &n->kids[then_constant ? 2 : 1];
    }
    if (n->op != Op::Local || n->slot >= parameters) return std::nullopt;
    out.param = n->slot;
    // `if c in t then c else 95860` chooses by the parameter: the constants are no mere
    // alternatives to it.
    for (const Node* condition : conditions)
        if (reads_local(*condition, out.param)) return std::nullopt;
    return out;
}

namespace {

// A built-in that gives back a form of the text it is given (kept_argument), of a case's field
// or a text made from one: a text that may be anything, looked up in a table only once tested.
bool made_from_case_text(std::string_view builtin,
                         const std::vector<std::optional<CaseField>>& fields,
                         const std::vector<bool>& case_texts) {
    auto text = kept_argument(builtin);
    return text && *text < fields.size() &&
           (case_texts[*text] || (fields[*text] && !fields[*text]->each));
}

} // namespace

std::int32_t kept_text(const Node& body, std::uint32_t parameters) {
    const Node* n = &body;
    for (auto at = kept_part(*n); at && *at < n->kids.size(); at = kept_part(*n))
        n = &n->kids[*at];
    if (n->op == Op::Local && n->slot < parameters && n != &body)
        return static_cast<std::int32_t>(n->slot);
    // `if u > 1 then 95860 else c`: on some calls the parameter itself, or a form of it.
    if (n->op == Op::If && n->kids.size() == 3)
        for (std::size_t branch : {1, 2}) {
            const Node& other = n->kids[3 - branch];
            const Node& it = n->kids[branch];
            if (other.op != Op::Const) continue;
            if (it.op == Op::Local && it.slot < parameters)
                return static_cast<std::int32_t>(it.slot);
            if (std::int32_t kept = kept_text(it, parameters); kept >= 0) return kept;
        }
    return -1;
}

namespace {

// Whether `n` reads a local below `count` (a definition's body, one of its parameters): a
// function that does not (`def one(l) = 1`) gives the same whatever it is called with.
bool reads_local_below(const Node& n, std::uint32_t count) {
    if (n.op == Op::Local && n.slot < count) return true;
    return std::any_of(n.kids.begin(), n.kids.end(),
                       [&](const Node& k) { return reads_local_below(k, count); });
}

// The position a call gives the parameter `position.position_param` names (`0` of
// `at(case.diagnoses, 0)`), when it is a number known before any case that a list can hold.
std::optional<std::int64_t> given_position(const ParamPosition& position,
                                           const std::vector<Node>& args,
                                           const std::vector<Constants>& constants) {
    std::size_t k = *position.position_param;
    const Value* at = k < args.size() ? known_value(args[k], constants[k]) : nullptr;
    if (!at || at->kind != Kind::Number || at->number < 0 || at->number == INT64_MAX)
        return std::nullopt;
    return at->number;
}

// Whether a built-in takes its argument `i` as a date: its signature, as authors read it,
// names it so (`days_between(date, date) -> number`).
bool takes_date(const Builtin& b, std::size_t i) {
    std::string_view s = b.signature;
    std::size_t open = s.find('('), close = s.find(')');
    if (open == std::string_view::npos || close == std::string_view::npos) return false;
    std::string_view params = s.substr(open + 1, close - open - 1);
    for (std::size_t at = 0; at < i; ++at) {
        std::size_t comma = params.find(", ");
        if (comma == std::string_view::npos) return false;
        params.remove_prefix(comma + 2);
    }
    return params.substr(0, params.find(',')) == "date";
}

} // namespace

// A date built-in given a constant that is not a day of the calendar (`"2025-02-29"`,
// `"2025-1-01"`) or a case field that never holds a date (`year(line.code)`), or moved by a
// constant that takes every date out of 0001-9999: each case that reaches the call stops with
// eval.builtin, which the checker can say before any does.
void ExpressionChecker::date_arguments(const ast::Call& c, const Builtin& builtin,
                                       const std::vector<Node>& args,
                                       const std::vector<Constants>& constants,
                                       const std::vector<std::optional<CaseField>>& fields) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        // A field that never holds a date (`days_between(line.code, service_date)`, `year(d)`
        // of a diagnosis): every case where it has a value stops.
        static const Value a_date = Value::of_string("2025-01-31");
        if (takes_date(builtin, i) && fields[i] && !fields[i]->each)
            if (auto never = never_held(*fields[i], fields[i]->element, {&a_date, 1})) {
                auto& d =
                    error("check.impossible_value", c.args[i].span,
                          fmt::format("`{}` needs a date as YYYY-MM-DD, and {} is never "
                                      "one ({} {}): every case that reaches it stops here",
                                      builtin.name, never->what,
                                      fields[i]->element ? "each is" : "it is", never->expected));
                d.notes.push_back(std::string(builtin.signature));
                return;
            }
        for (const Value& v :
             possible_values(args[i], constants[i]).value_or(std::vector<Value>{})) {
            if (takes_date(builtin, i) && v.kind == Kind::String && !parse_date(v.str())) {
                auto& d = error(
                    "check.impossible_value", c.args[i].span,
                    fmt::format("`{}` needs a date as YYYY-MM-DD, and \"{}\" is not "
                                "{}: every case that reaches it stops here",
                                builtin.name, v.str(),
                                looks_like_date(v.str()) ? "a day of the calendar" : "written so"));
                d.help = "write a date as YYYY-MM-DD, e.g. \"2025-01-31\"";
                d.notes.push_back(std::string(builtin.signature));
                return;
            }
            static const std::int64_t calendar_days =
                days_from_civil({max_year, 12, 31}) - days_from_civil({min_year, 1, 1});
            std::int64_t most = builtin.name == "add_days"    ? calendar_days
                                : builtin.name == "add_years" ? max_year - min_year
                                                              : -1;
            if (i == 1 && most >= 0 && v.kind == Kind::Number &&
                (v.number > most || v.number < -most)) {
                error("check.impossible_value", c.args[i].span,
                      fmt::format("`{}` by {} moves every date outside the years {:04}-{}: "
                                  "every case that reaches it stops here",
                                  builtin.name, v.number, min_year, max_year))
                    .notes.push_back(std::string(builtin.signature));
                return;
            }
        }
    }
}

Typed ExpressionChecker::call(const ast::Call& c, Span span, Scope& scope) {
    std::vector<Node> args;
    std::vector<TypeP> types;
    std::vector<std::optional<CaseField>> fields;
    std::vector<bool> case_texts;
    std::vector<Constants> constants;
    bool from_case = false;              // an argument depends_on_case
    std::vector<bool> arguments_of_case; // each argument's depends_on_case
    bool elements_from_case = false;     // a list argument whose elements the case chooses
    const std::string& called = c.callee.text;
    for (const auto& a : c.args) {
        Typed t = expr(a, scope);
        // The count of a list of values the case does not choose (`ncs_study_count`, asked
        // after `when ncs_performed`) is not judged by the list's length alone.
        arguments_of_case.push_back(depends_on_case(t));
        from_case = from_case || (called == "count" ? values_of_case(t) : depends_on_case(t));
        elements_from_case = elements_from_case || t.elements_of_case || t.field;
        args.push_back(std::move(t.node));
        types.push_back(t.type);
        fields.push_back(t.field);
        case_texts.push_back(t.case_text);
        constants.push_back(t.constants);
    }
    const std::string& n = c.callee.text;
    if (auto it = def_index_.find(n); it != def_index_.end() && !scope.constant_only) {
        def_used_[it->second] = true;
        const ast::Def& def = *merged_.defs[it->second].decl;
        TypeP result = compile_def(it->second);
        if (!def.is_function) {
            error("check.not_a_function", c.callee.span,
                  fmt::format("`{}` takes no arguments: write `{}` without parentheses", n, n));
            return fail(span);
        }
        if (def.params.size() != args.size()) {
            error("check.arity", span,
                  fmt::format("`{}` takes {} argument{}, not {}", n, def.params.size(),
                              def.params.size() == 1 ? "" : "s", args.size()));
            return fail(span);
        }
        for (std::size_t i = 0; i < args.size(); ++i) {
            TypeP expected = param_type(def.params[i]);
            if (!fits(expected, types[i]))
                error("check.type_mismatch", c.args[i].span,
                      fmt::format("argument `{}` of `{}` must be {}, not {}",
                                  def.params[i].name.text, n, type_name(expected),
                                  type_name(types[i])));
        }
        note_call_lookups(it->second, args, {fields, case_texts, types, constants}, span);
        std::size_t errors = diagnostics_.error_count();
        unknown_param_fields(it->second, types, span);
        wrong_param_uses(it->second, types, span);
        if (diagnostics_.error_count() == errors) body_at_call(it->second, types, span);
        // `case.date_of_service` given to a parameter the body uses as a date untested.
        if (it->second < param_dates_.size())
            for (const ParamDate& date : param_dates_[it->second])
                if (date.param < args.size() && is_case_date(args[date.param], fields[date.param]))
                    call_dates_to_prove_[{span.file, span.begin, span.end}].push_back(date);
        // A list the case chooses given to a parameter whose positions the body reads untested.
        if (it->second < param_positions_.size())
            for (ParamPosition position : param_positions_[it->second]) {
                if (position.param >= args.size() || types[position.param]->kind != TypeKind::List)
                    continue;
                if (!arguments_of_case[position.param]) {
                    short_constant_list(position, it->second, args, constants, span);
                    continue;
                }
                if (position.position_param) { // `at(case.diagnoses, 0)`: needs 1 element
                    auto at = given_position(position, args, constants);
                    if (!at) continue; // a position from the case is not judged
                    position.needed = *at + 1;
                    position.position_param.reset();
                }
                call_positions_to_prove_[{span.file, span.begin, span.end}].push_back(position);
            }
        // Argument `k` is a case's field or a text made from one (of_case).
        auto of_case_argument = [&](std::size_t k) {
            return case_texts[k] || (fields[k] && !fields[k]->each);
        };
        std::int32_t kept =
            it->second < keeps_param_text_.size() ? keeps_param_text_[it->second] : -1;
        Typed out = make(Op::CallDef, std::move(args), result, span, it->second);
        if (out.node.op == Op::CallDef && p().defs[it->second].type)
            out.constants = def_constants_[it->second]; // `pick(x)` of `… then 95860 else 95999`
        // `pick(95860)` of `def pick(c) = if case.larynx then 95999 else c`: 95860 or 95999.
        if (const auto* given = it->second < gives_parameter_.size() && gives_parameter_[it->second]
                                    ? &*gives_parameter_[it->second]
                                    : nullptr;
            given && out.node.op == Op::CallDef && !out.constants.value && !out.constants.each_of &&
            given->param < out.node.kids.size()) {
            const Node& argument = out.node.kids[given->param];
            const Constants& known = constants[given->param];
            std::vector<Value> values = given->instead;
            if (is_plain_constant(argument))
                values.push_back(argument.constant);
            else if (known.value)
                values.push_back(*known.value);
            else if (known.each_of)
                for (const Value& v : values_of(*known.each_of))
                    values.push_back(v);
            else { // the argument may be anything: so may the value (`code_of(line.code)`)
                values.clear();
                out.case_text = of_case_argument(given->param);
            }
            if (values.size() == 1)
                out.constants.value = values[0];
            else if (!values.empty())
                out.constants.each_of = constant_list(values);
        }
        if (kept >= 0 && out.node.op == Op::CallDef)
            out.case_text = of_case_argument(static_cast<std::size_t>(kept));
        // A number or a text computed from the case's values (`n_of(case.diagnoses)` of `def
        // n_of(l) = count(l)`), unless its values are known: a key the case chooses.
        // (Not a list: a function may have filtered its elements by the table looked up.)
        else if (out.node.op == Op::CallDef && from_case && out.type &&
                 out.type->kind != TypeKind::List &&
                 reads_local_below(p().defs[it->second].body, p().defs[it->second].param_count)) {
            // A value of no known kind (`def plus1(n) = n + 1`, a number or a text) too.
            if (out.type->kind == TypeKind::Any && !out.field && !out.constants.value &&
                !out.constants.each_of)
                out.case_text = true;
            mark_computed_from_case(out, elements_from_case);
        }
        return out;
    }
    const Builtin* builtin = find_builtin(n);
    if (!builtin) {
        std::vector<std::string_view> candidates;
        for (const auto& b : builtins())
            candidates.push_back(b.name);
        for (const auto& d : merged_.defs)
            if (d.decl->is_function) candidates.push_back(d.decl->name.text);
        auto& d =
            error("check.unknown_function", c.callee.span, fmt::format("unknown function `{}`", n));
        if (auto guess = closest(n, candidates)) d.help = fmt::format("did you mean `{}`?", *guess);
        return fail(span);
    }
    if (builtin->params.size() != args.size()) {
        error("check.arity", span,
              fmt::format("`{}` takes {} argument{}, not {}", n, builtin->params.size(),
                          builtin->params.size() == 1 ? "" : "s", args.size()))
            .notes.push_back(std::string(builtin->signature));
        return fail(span);
    }
    // A wrong argument's type is not what the result is made of (`flatten` of strings is no
    // string): the result is the one of an argument of unknown type, so what uses it is judged
    // on what the call surely gives (`sum(…)` is a number), not on the mistake again.
    std::vector<TypeP> result_of = types;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const BuiltinParam& want = builtin->params[i];
        bool element_wrong = false;
        if (fits_builtin_param(want, types[i], &element_wrong)) continue;
        result_of[i] = any_type();
        // The caret goes on what a comprehension makes of each element.
        Span at = c.args[i].span;
        if (const auto* comp = std::get_if<ast::Comprehension>(&c.args[i].kind);
            element_wrong && comp)
            at = comp->element->span;
        error("check.type_mismatch", at,
              fmt::format("argument {} of `{}` must be {}, not {}", i + 1, n, wanted(want),
                          type_name(types[i])))
            .notes.push_back(std::string(builtin->signature));
    }
    date_arguments(c, *builtin, args, constants, fields);
    // `sort` orders numbers and texts: a list of true/false, records or lists came back as it
    // went in, read as sorted.
    if (n == "sort" && !types.empty() && types[0] && types[0]->kind == TypeKind::List &&
        types[0]->element &&
        (types[0]->element->kind == TypeKind::Bool || types[0]->element->kind == TypeKind::Record ||
         types[0]->element->kind == TypeKind::List))
        error("check.type_mismatch", c.args[0].span,
              fmt::format("`sort` orders numbers, codes and strings, not {}",
                          types[0]->element->kind == TypeKind::List ? std::string("lists")
                                                                    : plural(types[0]->element)))
            .notes.push_back(std::string(builtin->signature));
    // `intersects(xs, ys)` is `any x in xs: x in ys`, and is refused as it is when no element
    // of one can equal an element (or key) of the other: always false.
    if (n == "intersects" && types.size() == 2 && types[0] && types[1] &&
        types[0]->kind == TypeKind::List && types[0]->element) {
        const TypeP& other = types[1]->kind == TypeKind::List    ? types[1]->element
                             : types[1]->kind == TypeKind::Table ? types[1]->key
                                                                 : nullptr;
        if (other && !comparable(types[0]->element, other))
            error("check.incomparable", c.args[1].span,
                  fmt::format("`intersects` looks for {} among {}`{}`, which are {}: it is "
                              "always false",
                              plural(types[0]->element),
                              types[1]->kind == TypeKind::Table ? "the keys of table " : "",
                              source_text(c.args[1].span), plural(other)));
    }
    // A table looked up with a case field: a key the field never holds is a row never found.
    if (args.size() == 2 && (n == "prefix_rows" || n == "row_key")) {
        never_a_key(fields[1], args[0], c.args[0], n == "prefix_rows");
        looked_up_lowered(args[0], args[1]);
    }
    if (args.size() == 2 && n == "intersects") {
        never_a_key(fields[0], args[1], c.args[1], false, true);
        // `intersects(line.modifiers, ["xs", "xe"])`: an element the field never holds.
        for (std::size_t i = 0; i < 2; ++i)
            if (fields[i] && !fields[i]->each && args[1 - i].op == Op::Const &&
                args[1 - i].constant.kind == Kind::List &&
                constant_never_held(*fields[i], true, args[1 - i], c.args[1 - i]))
                break;
    }
    if (args.size() == 2 && n == "starts_with") never_begins(fields[0], args[0], args[1], c, span);
    // `max` and `min` of a list the case chooses stop a case that leaves it empty: judged as
    // `L[0]` is (check.unguarded_position), by the tests before the call.
    if ((n == "max" || n == "min") && args.size() == 1 && arguments_of_case[0] &&
        args[0].op != Op::Const && args[0].op != Op::List)
        positions_to_prove_[{span.file, span.begin, span.end}] = 1;
    if (n == "year" || n == "days_between" || n == "add_days" || n == "add_years")
        for (std::size_t i = 0; i < args.size() && i < c.args.size(); ++i)
            undated_case_date(
                args[i], fields[i], c.args[i].span,
                fmt::format("`{}` then stops the case with an error (eval.builtin)", n));
    Typed out = unfolded(Op::Builtin, std::move(args), builtin->result(result_of), span);
    out.node.builtin = builtin;
    // `lower()` of a field whose values are all in lower case is the field (`lower(limb.limb)`);
    // of any other, a text that may be anything.
    if (n == "lower" && fields[0] && !fields[0]->each && all_lower_case(*fields[0]))
        out.field = fields[0];
    // `code(d)` is the field's own text as a code: judged as the field (`bill code(d)` of a
    // diagnosis bills what is never a procedure code).
    else if (n == "code" && fields[0] && !fields[0]->each)
        out.field = fields[0];
    // `sort` and `distinct` keep the field's values; `flatten` of a list field of every record
    // (`claim.modifiers`) holds that field's elements, as the field of one record does.
    else if ((n == "sort" || n == "distinct") && fields[0])
        out.field = fields[0];
    else if (n == "flatten" && fields[0] && fields[0]->each && !fields[0]->element)
        out.field = CaseField{fields[0]->shape, fields[0]->index};
    else
        out.case_text = made_from_case_text(n, fields, case_texts);
    // Of locals of constant values (`code(s)` of `let s = "95999"`, `lower(s)` of `for s in
    // ["ABC", "XYZ"]`): the values it gives for them.
    if (out.node.op == Op::Builtin) out.constants = builtin_of_constants(out.node, constants);
    // A date moved from a case's date is a date of the same form: compared with "20240101",
    // it never equals it (check.impossible_value).
    if ((n == "add_days" || n == "add_years") && fields[0] && !fields[0]->each &&
        !fields[0]->element) {
        out.field = fields[0];
        out.field->date_from = true;
    }
    if (out.node.op == Op::Builtin && from_case) mark_computed_from_case(out, elements_from_case);
    return fold(std::move(out));
}

// Any other value computed from the case's (`count(case.diagnoses)`, `join(…)`,
// `sort(case.diagnoses)`'s elements, a function's of them): what the case chooses, looked up
// only once tested.
void ExpressionChecker::mark_computed_from_case(Typed& out, bool elements_from_case) {
    if (out.field || out.case_text || out.constants.value || out.constants.each_of || !out.type)
        return;
    TypeKind kind = out.type->kind;
    if (kind == TypeKind::Number || kind == TypeKind::String || kind == TypeKind::Code)
        out.case_text = true;
    else if (kind == TypeKind::List) {
        out.elements_of_case = elements_from_case;
        out.size_of_case = true;
    }
}

Constants ExpressionChecker::builtin_of_constants(const Node& call,
                                                  const std::vector<Constants>& arguments) {
    constexpr std::size_t most = 16; // calls to make before any case
    std::vector<std::vector<Value>> choices;
    bool any_local = false;
    for (std::size_t i = 0; i < call.kids.size(); ++i) {
        const Node& kid = call.kids[i];
        const Constants& known = arguments[i];
        if (kid.op == Op::Const)
            choices.push_back({kid.constant}); // a table too (`row_key`)
        else if (known.value)
            choices.push_back({*known.value});
        else if (known.each_of)
            choices.emplace_back(values_of(*known.each_of).begin(),
                                 values_of(*known.each_of).end());
        else
            return {};
        any_local = any_local || kid.op != Op::Const;
    }
    if (!any_local) return {}; // folded
    std::size_t calls = 1;
    for (const auto& values : choices)
        if ((calls *= values.size()) > most || values.empty()) return {};
    std::vector<Value> results;
    std::set<std::string> seen;
    Node made = call;
    for (std::size_t at = 0; at < calls; ++at) {
        for (std::size_t i = 0, rest = at; i < choices.size(); rest /= choices[i].size(), ++i)
            made.kids[i] =
                constant(choices[i][rest % choices[i].size()], any_type(), call.span).node;
        try {
            Value v = evaluate_constant(p(), made);
            if (v.kind != Kind::Number && v.kind != Kind::String) return {};
            if (seen.insert(to_text(v, p().shapes, true)).second) results.push_back(v);
        } catch (const EvalError&) {
            return {}; // an error of its own, said at evaluation
        }
    }
    if (results.size() == 1) return {results[0], std::nullopt};
    return {std::nullopt, constant_list(results)};
}

// `starts_with(d, "g56")` with a diagnosis `d`: no diagnosis begins with "g56" (they are in
// capitals), so the call is false for every case (check.impossible_value).
void ExpressionChecker::never_begins(const std::optional<CaseField>& field, const Node& text,
                                     const Node& prefix, const ast::Call& c, Span span) {
    if (capital_after_lower(text, prefix, c.args[1], "never begins with")) return;
    if (!field || field->each || prefix.op != Op::Const) return;
    auto never = never_held(*field, field->element, values_of(prefix.constant), true);
    if (!never) return;
    auto& d = error("check.impossible_value", c.args[1].span,
                    fmt::format("`{}` is false for every case: {} never begins with \"{}\": it "
                                "is {}",
                                source_text(span), never->what, never->value, never->expected));
    if (!never->help.empty()) d.help = never->help;
}

// `first3([95860, 95861])` of `def first3(l) = l[3]`: a list known before any case, shorter than
// the position the function reads, stops every case that makes the call (eval.index).
void ExpressionChecker::short_constant_list(const ParamPosition& position, std::uint32_t def,
                                            const std::vector<Node>& args,
                                            const std::vector<Constants>& constants, Span call) {
    const Node& given = args[position.param];
    const Value* list = known_value(given, constants[position.param]);
    std::int64_t needed = position.needed;
    if (position.position_param) { // `at([1, 2], 5)`: the position this call gives
        auto at = given_position(position, args, constants);
        if (!at) return;
        needed = *at + 1;
    }
    if (!list || list->kind != Kind::List || list->size >= needed) return;
    std::uint32_t holder = position.in_def.value_or(def);
    auto& d = error("eval.index", as_written(call),
                    fmt::format("`{}` reads position {} of `{}`, which has {} element{} (the first "
                                "is 0): this stops every case that reaches it",
                                holder < p().defs.size() ? p().defs[holder].name : "?", needed - 1,
                                one_line(source_text(as_written(given.span))), list->size,
                                list->size == 1 ? "" : "s"));
    d.notes.push_back(fmt::format("the position is read at {}: `{}`",
                                  where(as_written(position.at)),
                                  one_line(source_text(as_written(position.at)))));
}

namespace {

// Where a local stands for a parameter, or for each element of one: the parameter and the
// path from it (ParamField::path).
using ParamRoots = std::map<std::uint32_t, std::pair<std::uint32_t, std::vector<std::string>>>;

// The fields a chain of reads of no known type (`p.row.code`) takes from the local at its
// root, outermost last; false when the chain does not start at one of `roots`.
bool param_path(const Node& n, const ParamRoots& roots, std::uint32_t& param,
                std::vector<std::string>& path) {
    std::vector<std::string> fields;
    const Node* at = &n;
    while (at->op == Op::DynamicMember && !at->kids.empty() && !at->text.empty()) {
        fields.push_back(at->text[0]);
        at = &at->kids[0];
    }
    if (at->op != Op::Local) return false;
    auto root = roots.find(at->slot);
    if (root == roots.end()) return false;
    param = root->second.first;
    path = root->second.second;
    path.insert(path.end(), fields.rbegin(), fields.rend());
    return true;
}

// Walks `body`, calling `visit(n, roots)` at each node with the locals that stand there for a
// parameter or for each element of one (a loop over a parameter binds its variable). The walk
// goes below `n` unless `visit` returns false.
template <typename Visit>
void walk_param_roots(const Node& body, std::uint32_t params, Visit&& visit) {
    ParamRoots roots;
    for (std::uint32_t i = 0; i < params; ++i)
        roots[i] = {i, {}};
    auto walk = [&](auto& self, const Node& n) -> void {
        if (!visit(n, roots)) return;
        bool bound = false;
        if (is_loop(n.op) && !n.kids.empty() && n.kids[0].op == Op::Local)
            if (auto source = roots.find(n.kids[0].slot); source != roots.end()) {
                auto each = source->second;
                each.second.push_back("");
                roots[n.slot] = std::move(each);
                bound = true;
            }
        for (const Node& kid : n.kids)
            self(self, kid);
        if (bound) roots.erase(n.slot);
    };
    walk(walk, body);
}

} // namespace

// Walks a definition's body for the fields it reads off its parameters (ParamField): directly
// (`p.code`), off each element of a list parameter (`[x.code for x in p]`, `any x in p: …`),
// and through the definitions it passes a parameter to.
std::vector<ParamField> ExpressionChecker::fields_read_off_params(const Node& body,
                                                                  std::uint32_t params) const {
    std::vector<ParamField> out;
    walk_param_roots(body, params, [&](const Node& n, const ParamRoots& roots) {
        std::uint32_t param = 0;
        std::vector<std::string> path;
        if (n.op == Op::DynamicMember && param_path(n, roots, param, path)) {
            out.push_back({param, std::move(path), n.span});
            return false; // the chain's inner reads are prefixes of this one
        }
        if (n.op == Op::CallDef && n.slot < param_fields_.size())
            for (const ParamField& inner : param_fields_[n.slot]) {
                if (inner.param >= n.kids.size() || n.kids[inner.param].op != Op::Local) continue;
                auto root = roots.find(n.kids[inner.param].slot);
                if (root == roots.end()) continue;
                std::vector<std::string> through = root->second.second;
                through.insert(through.end(), inner.path.begin(), inner.path.end());
                out.push_back(
                    {root->first, std::move(through), inner.at, inner.in_def.value_or(n.slot)});
            }
        return true;
    });
    return out;
}

// A call giving a parameter a value whose type lacks a field the definition reads off it:
// every case that makes the call stops there (eval.unknown_field), so it is an error here.
void ExpressionChecker::unknown_param_fields(std::uint32_t def, const std::vector<TypeP>& types,
                                             Span call) {
    if (def >= param_fields_.size()) return;
    for (const ParamField& read : param_fields_[def]) {
        if (read.param >= types.size()) continue;
        TypeP t = types[read.param];
        for (const std::string& field : read.path) {
            if (!t) break;
            if (field.empty()) { // each element
                t = t->kind == TypeKind::List ? t->element : nullptr;
                continue;
            }
            bool over_list =
                t->kind == TypeKind::List && t->element && t->element->kind == TypeKind::Record;
            TypeP record = over_list ? t->element : t;
            if (record->kind != TypeKind::Record) break; // not known to be a record: not judged
            const Shape& shape = p().shapes[record->shape];
            int index = shape.field_index(field);
            if (index >= 0) {
                TypeP field_type = record->fields.at(static_cast<std::size_t>(index));
                t = over_list ? list_of(field_type) : field_type;
                continue;
            }
            std::uint32_t holder = read.in_def.value_or(def);
            auto& d = error("check.unknown_field", as_written(call),
                            fmt::format("`{}` reads `{}`, and {} has no field `{}`",
                                        holder < p().defs.size() ? p().defs[holder].name : "?",
                                        one_line(source_text(as_written(read.at))),
                                        type_name(record), field));
            std::vector<std::string_view> fields(shape.fields.begin(), shape.fields.end());
            if (auto guess = closest(field, fields))
                d.help = fmt::format("did you mean `{}`?", *guess);
            else
                d.notes.push_back(fmt::format("its fields: {}", fmt::join(shape.fields, ", ")));
            d.notes.push_back(fmt::format("the field is read at {}: `{}`",
                                          where(as_written(read.at)),
                                          one_line(source_text(as_written(read.at)))));
            break;
        }
    }
}

// Walks a definition's body for the built-ins it gives a parameter to (ParamUse): the
// parameter itself, each element of a list parameter (`any x in p: count(x) > 0`), and through
// the definitions it passes a parameter to.
std::vector<ParamUse> ExpressionChecker::builtin_uses_of_params(const Node& body,
                                                                std::uint32_t params) const {
    std::vector<ParamUse> out;
    walk_param_roots(body, params, [&](const Node& n, const ParamRoots& roots) {
        // The parameter and the depth of elements a local stands for; null when it stands for
        // none, or for a field of one (judged as ParamField).
        auto root_of =
            [&](const Node& kid) -> std::optional<std::pair<std::uint32_t, std::uint32_t>> {
            if (kid.op != Op::Local) return std::nullopt;
            auto root = roots.find(kid.slot);
            if (root == roots.end()) return std::nullopt;
            const std::vector<std::string>& path = root->second.second;
            if (std::any_of(path.begin(), path.end(), [](const auto& f) { return !f.empty(); }))
                return std::nullopt;
            return std::pair{root->second.first, static_cast<std::uint32_t>(path.size())};
        };
        if (n.op == Op::Builtin && n.builtin)
            for (std::uint32_t k = 0; k < n.kids.size() && k < n.builtin->params.size(); ++k)
                if (auto root = root_of(n.kids[k]))
                    out.push_back({root->first, root->second, n.builtin, k, n.span});
        if (n.op == Op::CallDef && n.slot < param_uses_.size())
            for (const ParamUse& inner : param_uses_[n.slot])
                if (inner.param < n.kids.size())
                    if (auto root = root_of(n.kids[inner.param]))
                        out.push_back({root->first, root->second + inner.elements, inner.builtin,
                                       inner.arg, inner.at, inner.in_def.value_or(n.slot)});
        return true;
    });
    return out;
}

// A call giving a parameter of no declared type a value the built-in its body gives it to does
// not take (`n("95860")` of `def n(x) = count(x)`): every case that makes the call stops there
// (eval.builtin), so it is an error here, as a wrong argument written in the body would be.
void ExpressionChecker::wrong_param_uses(std::uint32_t def, const std::vector<TypeP>& types,
                                         Span call) {
    if (def >= param_uses_.size()) return;
    for (const ParamUse& use : param_uses_[def]) {
        if (use.param >= types.size()) continue;
        TypeP t = types[use.param];
        for (std::uint32_t e = 0; e < use.elements && t; ++e)
            t = known(t) && t->kind == TypeKind::List ? t->element : nullptr;
        if (!t || !known(t)) continue;
        const BuiltinParam& want = use.builtin->params[use.arg];
        if (fits_builtin_param(want, t)) continue;
        const ast::Def& decl = *merged_.defs[def].decl;
        std::string param = use.param < decl.params.size() ? decl.params[use.param].name.text : "?";
        std::uint32_t holder = use.in_def.value_or(def);
        auto& d =
            error("check.type_mismatch", as_written(call),
                  fmt::format("argument `{}` of `{}` goes to `{}`, whose argument {} must be {}, "
                              "not {}{}",
                              param, decl.name.text, use.builtin->name, use.arg + 1, wanted(want),
                              type_name(t), use.elements ? " (an element of the list given)" : ""));
        d.notes.push_back(fmt::format(
            "`{}` gives it at {}: `{}`", holder < p().defs.size() ? p().defs[holder].name : "?",
            where(as_written(use.at)), one_line(source_text(as_written(use.at)))));
        d.notes.push_back(std::string(use.builtin->signature));
    }
}

void ExpressionChecker::body_at_call(std::uint32_t def, const std::vector<TypeP>& types,
                                     Span call) {
    const ast::Def& decl = *merged_.defs[def].decl;
    // Only a body that checked without error on its own, and only with every argument's type
    // known, so that what fails now is what the call gives.
    if (def >= def_clean_.size() || !def_clean_[def] || types.size() != decl.params.size()) return;
    bool untyped = false;
    std::string key = std::to_string(def);
    for (std::size_t i = 0; i < types.size(); ++i) {
        if (decl.params[i].type) continue;
        if (!known(types[i])) return;
        untyped = true;
        key += "|" + type_name(types[i]);
    }
    if (!untyped) return;
    if (!trying_body_) {
        bodies_to_try_.push_back({def, types, call});
        return;
    }
    // What the call gives its untyped parameters, for a message: written only for one.
    auto given = [&] {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < types.size(); ++i)
            if (!decl.params[i].type)
                out.push_back(fmt::format("`{}` {}", decl.params[i].name.text,
                                          with_article(type_name(types[i]))));
        return fmt::format("{}", fmt::join(out, " and "));
    };
    if (bodies_at_calls_.size() >= max_bodies_at_calls && !bodies_at_calls_.count(key)) {
        if (!too_many_bodies_reported_)
            error("check.too_many_types", as_written(call),
                  fmt::format("calls of definitions give their parameters more than {} sets "
                              "of types to check; this call gives `{}` {}",
                              max_bodies_at_calls, decl.name.text, shortened(given())))
                .help = "give the parameters types (`def f(x: [string])`), or pass each "
                        "definition arguments of fewer kinds";
        too_many_bodies_reported_ = true;
        return;
    }
    auto [tried, fresh] = bodies_at_calls_.try_emplace(key);
    if (fresh) {
        std::size_t before = diagnostics_.items().size();
        {
            Afresh own(*this);
            Scope scope;
            for (std::size_t i = 0; i < types.size(); ++i)
                scope.push(decl.params[i].name.text,
                           decl.params[i].type ? param_type(decl.params[i]) : types[i]);
            expr(decl.body, scope);
        }
        for (Diagnostic& d : diagnostics_.take_since(before)) {
            // Not the body's fault with these types: told once, as it is.
            if (d.code == "check.too_many_types") {
                diagnostics_.add(std::move(d));
                continue;
            }
            if (d.severity == Severity::error && !tried->second) tried->second = std::move(d);
        }
    }
    const std::optional<Diagnostic>& inner = tried->second;
    if (!inner || !inner->span) return;
    // A failing call inside the body is told by what fails at its end, each body on the way
    // a note.
    Span inner_at = as_written(*inner->span);
    auto cause = call_causes_.find({inner_at.file, inner_at.begin, inner_at.end});
    CallCause why = cause != call_causes_.end() ? cause->second : CallCause{inner->message, {}};
    why.notes.insert(why.notes.begin(),
                     fmt::format("in `{}`, at {}",
                                 shortened(one_line(source_text(as_written(decl.span)))),
                                 where(*inner->span)));
    Span at = as_written(call);
    // A comparison that always or never holds does not stop the case: it is wrong in the body.
    bool stops = inner->code != "check.impossible_value";
    auto& d =
        error(inner->code, at,
              stops ? fmt::format("with {}, `{}` fails on every case that makes this call: {}",
                                  given(), decl.name.text, why.message)
                    : fmt::format("with {}, in `{}`: {}", given(), decl.name.text, why.message));
    d.notes = why.notes;
    if (inner->help) d.help = inner->help;
    call_causes_[{at.file, at.begin, at.end}] = std::move(why);
}

void ExpressionChecker::check_bodies_at_calls() {
    trying_body_ = true; // so nothing is added to bodies_to_try_ while it is read
    for (const BodyAtCall& call : bodies_to_try_)
        body_at_call(call.def, call.types, call.call);
    trying_body_ = false;
}

} // namespace cpl::check_detail
