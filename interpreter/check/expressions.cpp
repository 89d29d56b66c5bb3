// interpreter/check/expressions.cpp — typing, name resolution and constant folding of
// expressions (see expressions.hpp).
#include "interpreter/check/expressions.hpp"

#include "interpreter/case/case_schema.hpp"
#include "interpreter/check/rules.hpp"
#include "interpreter/program/expressions.hpp"
#include "interpreter/program/reads.hpp"
#include "lang/suggest.hpp"
#include "lang/vocabulary.hpp"
#include "runtime/ascii.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>
#include <unordered_set>

namespace cpl::check_detail {

void ExpressionChecker::expect(const Typed& value, const TypeP& expected, const ast::Expr& at,
                               std::string_view what) {
    if (fits(expected, value.type)) return;
    auto& d = error(
        "check.type_mismatch", at.span,
        fmt::format("{} must be {}, not {}", what, type_name(expected), type_name(value.type)));
    // `bill 95860 units 10000`: five digits are a code (`0766T` is no number to write so).
    std::string written = source_text(at.span);
    if (expected->kind == TypeKind::Number && std::holds_alternative<ast::CodeLit>(at.kind) &&
        written.find_first_not_of("0123456789") == std::string::npos)
        d.help = fmt::format("five digits are a code: for the number, write {}",
                             digits_grouped(written));
}

TypeP ExpressionChecker::param_type(const ast::Param& param) {
    if (!param.type) return any_type();
    const std::string& name = param.type->text;
    if (name == "number") return number_type();
    if (name == "string") return string_type();
    if (name == "bool") return bool_type();
    if (name == "code") return code_type();
    std::vector<std::string_view> candidates = {"number", "string", "bool", "code"};
    for (std::uint32_t s = 0; s < case_shape_count; ++s) {
        if (p().shapes[s].name == name) return shape_type(s);
        candidates.push_back(p().shapes[s].name);
    }
    auto& d = error("check.unknown_type", param.type->span, fmt::format("unknown type `{}`", name));
    if (auto guess = closest(name, candidates)) d.help = fmt::format("did you mean `{}`?", *guess);
    return any_type();
}

Typed ExpressionChecker::constant(Value v, TypeP type, Span span) {
    Node node;
    node.op = Op::Const;
    node.constant = v;
    node.span = span;
    return {std::move(node), std::move(type)};
}

void ExpressionChecker::note_folded(Span span, std::vector<std::uint32_t> settings) {
    if (settings.empty()) return;
    auto& noted = p().folded_settings[Program::span_key(span)];
    for (std::uint32_t slot : settings)
        if (std::find(noted.begin(), noted.end(), slot) == noted.end()) noted.push_back(slot);
}

Typed ExpressionChecker::fail(Span span) {
    Typed out = constant(Value::of_bool(false), any_type(), span);
    out.node.slot = poisoned;
    return out;
}

Typed ExpressionChecker::make(Op op, std::vector<Node> kids, TypeP type, Span span,
                              std::uint32_t slot) {
    return fold(unfolded(op, std::move(kids), std::move(type), span, slot));
}

Typed ExpressionChecker::unfolded(Op op, std::vector<Node> kids, TypeP type, Span span,
                                  std::uint32_t slot) {
    Node node;
    node.op = op;
    node.kids = std::move(kids);
    node.span = span;
    node.slot = slot;
    return {std::move(node), std::move(type)};
}

// Folds a node whose inputs are all constants, so evaluation never recomputes it;
// an error in a constant (a division by zero) is reported here, before any case runs.
Typed ExpressionChecker::fold(Typed typed) {
    Node& node = typed.node;
    switch (node.op) {
    case Op::Const:
    case Op::Local:
    case Op::Def:
    case Op::CallDef:
    case Op::CaseRoot:
    case Op::Claim:
    case Op::Supported:
    case Op::Reviewing:
    case Op::DatedSetting:
    case Op::ServiceDate:
    case Op::DisabledBilling:
    case Op::Comprehension:
    case Op::Any:
    case Op::All:
    case Op::None:
        return typed;
    default:
        break;
    }
    for (const auto& kid : node.kids)
        if (kid.op != Op::Const) return typed;
    // A dated table answers by the date of service: look it up per case.
    for (const auto& kid : node.kids)
        if (kid.constant.kind == Kind::Table && kid.constant.table->dated) return typed;
    // A placeholder for a broken part makes its whole expression a placeholder, so one
    // mistake gives one error, not a cascade.
    for (const auto& kid : node.kids)
        if (kid.slot == poisoned) return fail(node.span);
    try {
        Value v = evaluate_constant(p(), node);
        std::vector<std::uint32_t> settings;
        for (const auto& kid : node.kids)
            if (const auto* read = p().settings_folded_at(kid.span))
                settings.insert(settings.end(), read->begin(), read->end());
        note_folded(node.span, std::move(settings));
        auto key = [](const Span& s) { return LookupsToProve::key_type{s.file, s.begin, s.end}; };
        for (const auto& kid : node.kids)
            if ((kid.constant.kind == Kind::Table && kid.constant.table->fixed_by.empty()) ||
                folded_from_tables_.count(key(kid.span)))
                folded_from_tables_.insert(key(node.span));
        return constant(v, typed.type, node.span);
    } catch (const EvalError& e) {
        // Code a known condition leaves out is the guard the error's own help asks for
        // (`key in t`, `d > 0`): it stays as written, and no case reaches it.
        if (never_runs()) return typed;
        constant_error(e);
        return fail(node.span);
    }
}

bool ExpressionChecker::never_runs() const {
    for (const auto& [condition, negate] : holding_)
        if (condition.op == Op::Const && condition.constant.kind == Kind::Bool &&
            condition.constant.boolean == negate)
            return true;
    return false;
}

std::string ExpressionChecker::plural(const TypeP& t) {
    switch (t ? t->kind : TypeKind::Any) {
    case TypeKind::Number:
        return "numbers";
    case TypeKind::String:
        return "strings";
    case TypeKind::Code:
        return "codes";
    case TypeKind::Bool:
        return "bools";
    case TypeKind::Record:
        return t->shape == shape_line || t->shape == shape_claim_line ? "claim lines"
                                                                      : type_name(t) + " records";
    default:
        return "values of type " + type_name(t);
    }
}

std::vector<std::string_view> ExpressionChecker::visible_names(const Scope& scope) {
    std::vector<std::string_view> names;
    for (const auto& l : scope.locals)
        names.push_back(l.name);
    if (!scope.constant_only) {
        names.push_back("case");
        names.push_back("service_date");
        if (scope.in_edit) {
            names.push_back("claim");
            names.push_back("supported");
            names.push_back("reviewing");
        }
        for (const auto& d : merged_.defs)
            names.push_back(d.decl->name.text);
    }
    for (const auto& s : p().settings)
        names.push_back(s.name);
    for (const auto& t : p().tables)
        names.push_back(t->name);
    return names;
}

// A field of the case written without `case.` (`diagnoses`): nothing else of that name fits,
// so the field is what was meant. `function`, when given, is a function of the same name.
bool ExpressionChecker::bare_case_field(const std::string& n, Span span, const ast::Def* function) {
    // `claim` outside an edit has its own message (check.claim_outside_edit).
    if (n == "claim" || p().shapes[shape_case].field_index(n) < 0) return false;
    auto& d = error("check.bare_case_field", span,
                    fmt::format("`{}` is a field of the case: write `case.{}`", n, n));
    if (function) {
        std::vector<std::string> params;
        for (const auto& param : function->params)
            params.push_back(param.name.text);
        d.notes.push_back(
            fmt::format("`{}({})` is also a function of the policy", n, fmt::join(params, ", ")));
    }
    return true;
}

void ExpressionChecker::warn_if_hiding(const ast::Ident& local, const Scope& scope) {
    const std::string& n = local.text;
    // A name a later layer declares is not one the local's author could have meant: a payer's
    // new setting `limit` does not make the standard set's local `limit` a mistake.
    auto seen_from_local = [&](Span declared) {
        auto layer = [&](FileId file) {
            auto it = merged_.file_layers.find(file);
            return it == merged_.file_layers.end() ? 0 : it->second;
        };
        return layer(declared.file) <= layer(local.span.file);
    };
    std::string hidden;
    if (std::any_of(scope.locals.begin(), scope.locals.end(),
                    [&](const Local& l) { return l.name == n; }))
        hidden = fmt::format("the local `{}` bound before it", n);
    else if (auto setting = setting_index_.find(n);
             setting != setting_index_.end() &&
             seen_from_local(merged_.settings[setting->second].decl->name.span))
        hidden = fmt::format("the setting `{}`", n);
    else if (auto table =
                 std::find_if(merged_.tables.begin(), merged_.tables.end(),
                              [&](const MergedTable& t) { return t.decl->name.text == n; });
             table != merged_.tables.end() && seen_from_local(table->decl->name.span))
        hidden = fmt::format("the table `{}`", n);
    else if (auto def = def_index_.find(n);
             def != def_index_.end() && seen_from_local(merged_.defs[def->second].decl->name.span))
        hidden = fmt::format("the definition `{}`", n);
    else if (vocabulary::find_special(n))
        hidden = fmt::format("the built-in name `{}`", n);
    if (hidden.empty()) return;
    // A payer restating `min_muscles_per_limb` in a `let` changes nothing but this rule's
    // reading of the name, which the author may not mean.
    warning("check.hidden_name", local.span,
            fmt::format("`{}` hides {}: where this local is in scope, `{}` reads the local", n,
                        hidden, n))
        .help = "give the local a name of its own";
}

Typed ExpressionChecker::name(const std::string& n, Span span, Scope& scope) {
    for (auto it = scope.locals.rbegin(); it != scope.locals.rend(); ++it)
        if (it->name == n) {
            Typed out = make(Op::Local, {}, it->type, span, it->slot);
            out.field = it->field;
            out.constants = it->constants;
            out.case_text = it->case_text;
            out.elements_of_case = it->elements_of_case;
            out.size_of_case = it->size_of_case;
            return out;
        }
    if (auto it = setting_index_.find(n); it != setting_index_.end()) {
        const SettingCode& setting = p().settings[it->second];
        setting_used_[it->second] = true;
        if (setting.versions.size() == 1 && !setting.versions[0].effective.dated()) {
            Typed out = constant(setting.value, setting.type, span);
            note_folded(span, {it->second});
            out.is_switch = setting.type->kind == TypeKind::Bool;
            return out;
        }
        if (scope.constant_only) {
            const auto& versions = merged_.settings[it->second].versions;
            // Dated in another file (a payer dating what its base's table reads): the error is
            // at the dated value, which its author can change, not in a file they cannot.
            for (const auto& version : versions)
                if (version.effective->dated() && version.value->span.file != span.file) {
                    const SourceFile& table_file = merged_.sources->get(span.file);
                    const ast::Effective& dates = *version.effective;
                    auto& d = error(
                        "check.table_value_not_constant",
                        dates.from ? dates.from->span : dates.until->span,
                        fmt::format("`{}` is read by a table value, which cannot depend on the "
                                    "date of service: it cannot be dated",
                                    n));
                    d.notes.push_back(fmt::format("read by the table value at {}:{}",
                                                  table_file.path(), line_of(span)));
                    d.help = fmt::format("give `{}` one value for every date of service", n);
                    return fail(span);
                }
            auto& d = error(
                "check.table_value_not_constant", span,
                fmt::format("`{}` depends on the date of service, so a table value cannot use it",
                            n));
            for (const auto& version : versions)
                if (version.effective->dated()) {
                    const SourceFile& file = merged_.sources->get(version.value->span.file);
                    d.notes.push_back(fmt::format("`{}` is dated by `{}` ({}:{})", n, version.layer,
                                                  file.path(), line_of(version.value->span)));
                }
            return fail(span);
        }
        Typed out = unfolded(Op::DatedSetting, {}, setting.type, span, it->second);
        // One of its versions' values, by the date of service (`allowed[k]` needs each a row).
        std::vector<Value> values;
        for (const auto& version : setting.versions)
            if (version.value.kind == Kind::Number || version.value.kind == Kind::String)
                values.push_back(version.value);
        if (!values.empty() && values.size() == setting.versions.size())
            out.constants.each_of = constant_list(values);
        return out;
    }
    if (auto it = table_index_.find(n); it != table_index_.end()) {
        table_used_[it->second] = true;
        ++table_named_[it->second];
        return constant(Value::of_table(p().tables[it->second].get()), table_types_[n], span);
    }
    if (!scope.constant_only) {
        if (n == "case") return make(Op::CaseRoot, {}, shape_type(shape_case), span);
        if (n == "service_date") {
            Typed out = make(Op::ServiceDate, {}, string_type(), span);
            out.field = Typed::Field{shape_case, case_field::date_of_service};
            return out;
        }
        if (n == "claim" && scope.in_edit)
            return make(Op::Claim, {}, list_of(shape_type(shape_line)), span);
        if (n == "supported" && scope.in_edit)
            return make(Op::Supported, {}, list_of(shape_type(shape_line)), span);
        if (n == "reviewing" && scope.in_edit) return make(Op::Reviewing, {}, bool_type(), span);
        if (n == "disabled_billing")
            return make(Op::DisabledBilling, {}, table_of(string_type(), code_type()), span);
        if (auto it = def_index_.find(n); it != def_index_.end()) {
            def_used_[it->second] = true;
            TypeP type = compile_def(it->second);
            const ast::Def& def = *merged_.defs[it->second].decl;
            if (def.is_function) {
                if (bare_case_field(n, span, &def)) return fail(span);
                error("check.def_needs_call", span,
                      fmt::format("`{}` takes arguments: call it as `{}(…)`", n, n));
                return fail(span);
            }
            Typed out = make(Op::Def, {}, type, span, it->second);
            out.is_switch = def_switch_[it->second];
            out.case_text = def_case_text_[it->second];
            out.elements_of_case = def_elements_of_case_[it->second];
            out.size_of_case = def_size_of_case_[it->second];
            // A definition of a constant (`def codes = [95860, 95999]`) is that constant to a
            // loop over it. Its type is set once its body is compiled.
            if (const DefCode& d = p().defs[it->second];
                d.type && d.body.op == Op::Const && d.body.constant.kind != Kind::Table)
                out.constants.value = d.body.constant;
            else if (d.type)
                out.constants = def_constants_[it->second];
            return out;
        }
        if (bare_case_field(n, span, nullptr)) return fail(span);
    } else if (def_index_.count(n) || n == "case") {
        error("check.table_value_not_constant", span,
              fmt::format("a table value or setting cannot use `{}`", n));
        return fail(span);
    }
    // The names of the claim edits work on exist only there (lang/vocabulary.hpp).
    if (n == "claim" || n == "supported" || n == "reviewing") {
        error("check.claim_outside_edit", span,
              n == "claim" ? "`claim` is the claim the rules built: it exists only in edits"
              : n == "supported"
                  ? "`supported` is the claim the study supports, which edits compare a "
                    "submitted claim with: it exists only in edits"
                  : "`reviewing` says whether edits are reviewing a submitted claim: it exists "
                    "only in edits");
        return fail(span);
    }
    auto& d = error("check.unknown_name", span, fmt::format("unknown name `{}`", n));
    if (auto guess = closest(n, visible_names(scope)))
        d.help = fmt::format("did you mean `{}`?", *guess);
    if (find_builtin(n))
        d.help = fmt::format("`{}` is a built-in function: call it as `{}(…)`", n, n);
    // `line` is a loop's variable, not a name of its own: an exception reads its target's
    // only when it is one per line.
    if (n == "line")
        d.help = "`line` is the variable of an edit's `for line in claim`: write that `for` "
                 "before it, or, in an exception to such an edit, write `exception NAME to edit "
                 "TARGET per line`";
    return fail(span);
}

Typed ExpressionChecker::member(const ast::Member& m, Span span, Scope& scope) {
    Typed object = expr(*m.object, scope);
    const std::string& field = m.field.text;
    TypeP t = object.type;
    bool over_list =
        t->kind == TypeKind::List && t->element && t->element->kind == TypeKind::Record;
    TypeP record = over_list ? t->element : t;
    if (record->kind == TypeKind::Record) {
        const Shape& shape = p().shapes[record->shape];
        int index = shape.field_index(field);
        if (index < 0) {
            auto& d = error("check.unknown_field", m.field.span,
                            fmt::format("{} has no field `{}`", type_name(record), field));
            std::vector<std::string_view> fields(shape.fields.begin(), shape.fields.end());
            if (auto guess = closest(field, fields))
                d.help = fmt::format("did you mean `{}`?", *guess);
            else
                d.notes.push_back(fmt::format("its fields: {}", fmt::join(shape.fields, ", ")));
            return fail(span);
        }
        TypeP field_type = record->fields.at(static_cast<std::size_t>(index));
        auto records = over_list ? std::nullopt : possible_values(object);
        std::vector<Node> kids;
        kids.push_back(std::move(object.node));
        Typed out = make(over_list ? Op::MapMember : Op::Member, std::move(kids),
                         over_list ? list_of(field_type) : field_type, span,
                         static_cast<std::uint32_t>(index));
        out.field = Typed::Field{record->shape, static_cast<std::uint32_t>(index), over_list};
        // A field of records of known constant values (`e.key` of `for e in entries(t)`).
        if (records && out.node.op == Op::Member) {
            std::vector<Value> values;
            for (const Value& r : *records)
                if (r.kind == Kind::Record && r.size == record->shape)
                    values.push_back(r.items[index]);
            if (values.size() == records->size())
                out.constants = {std::nullopt, constant_list(values)};
        }
        return out;
    }
    if (known(t) && t->kind != TypeKind::List) {
        error("check.type_mismatch", m.field.span,
              fmt::format("`.{}` needs a record, not {}", field, type_name(t)));
        return fail(span);
    }
    // A list of known values that are not records (`muscles.name`, a list of strings) has no
    // field either: each element would stop the case (`l.muscles.name.muscles`).
    if (t->kind == TypeKind::List && t->element && known(t->element) &&
        t->element->kind != TypeKind::List) {
        error(
            "check.type_mismatch", m.field.span,
            fmt::format("`.{}` needs a record or a list of records, not {}", field, type_name(t)));
        return fail(span);
    }
    std::vector<Node> kids;
    kids.push_back(std::move(object.node));
    Typed out = unfolded(Op::DynamicMember, std::move(kids), any_type(), span);
    out.node.text.push_back(field);
    return fold(std::move(out));
}

Typed ExpressionChecker::index(const ast::Index& ix, Span span, Scope& scope) {
    Typed object = expr(*ix.object, scope);
    Typed key = expr(*ix.index, scope);
    TypeP result = any_type();
    if (object.type->kind == TypeKind::List) {
        if (!fits(number_type(), key.type))
            error("check.type_mismatch", ix.index->span,
                  fmt::format("a list position must be a number, not {}", type_name(key.type)));
        result = object.type->element ? object.type->element : any_type();
        // A position known before any case: written (`L[0]`), or a `let` of one.
        std::optional<std::int64_t> at;
        if (key.node.op == Op::Const && key.node.constant.kind == Kind::Number)
            at = key.node.constant.number;
        else if (key.constants.value && key.constants.value->kind == Kind::Number)
            at = key.constants.value->number;
        bool folded = object.node.op == Op::Const && key.node.op == Op::Const; // fold says
        if (at && !folded) {
            auto lists = possible_values(object);
            if (*at < 0) {
                error("eval.index", span,
                      fmt::format("position {} is never in a list (the first is 0, the last "
                                  "count(list) - 1), so this stops every case that reaches it",
                                  *at));
                return fail(span);
            }
            if (lists && lists->size() == 1 && (*lists)[0].kind == Kind::List &&
                *at >= (*lists)[0].size) {
                error("eval.index", span,
                      fmt::format("position {} is outside the list (it has {} element{}; the "
                                  "first is 0)",
                                  *at, (*lists)[0].size, (*lists)[0].size == 1 ? "" : "s"));
                return fail(span);
            }
        }
        // `L[count(L)]`, `L[count(L) + 1]`: past the end of any list, the last being
        // `L[count(L) - 1]`.
        if (past_own_count(key.node, *ix.object)) {
            auto& d = error("eval.index", span,
                            fmt::format("position `{}` is past the end of every list: its "
                                        "positions are 0 to count - 1",
                                        one_line(source_text(key.node.span))));
            d.help = fmt::format("the last element is `{}[count({}) - 1]`",
                                 one_line(source_text(ix.object->span)),
                                 one_line(source_text(ix.object->span)));
            return fail(span);
        }
        // A list the case chooses may be shorter: the position needs a test of its count.
        // A loop's variable over constant positions (`for i in [0, 1]`): the largest.
        // So is one past the end of a list known before any case (`for i in 0..4`, then
        // `[95860, 95861, 95863][i]`): the loop's last passes stop the case.
        if (!at && key.constants.each_of && key.constants.each_of->kind == Kind::List) {
            std::int64_t largest = -1; // none when a value is not a position
            for (const Value& v : key.constants.each_of->list()) {
                if (v.kind != Kind::Number || v.number < 0) {
                    largest = -1;
                    break;
                }
                largest = std::max(largest, v.number);
            }
            auto lists = largest >= 0 ? possible_values(object) : std::nullopt;
            bool past_known_end = lists && lists->size() == 1 && (*lists)[0].kind == Kind::List &&
                                  largest >= (*lists)[0].size;
            bool of_case = depends_on_case(object) && object.node.op != Op::Const &&
                           object.node.op != Op::List;
            if (largest >= 0 && (of_case || past_known_end))
                positions_to_prove_[{span.file, span.begin, span.end}] = largest + 1;
            if (past_known_end && !of_case)
                known_list_sizes_[{span.file, span.begin, span.end}] = (*lists)[0].size;
        }
        if (object.node.op != Op::Const && object.node.op != Op::List && depends_on_case(object) &&
            at && *at >= 0)
            positions_to_prove_[{span.file, span.begin, span.end}] = *at + 1;
        else if (object.node.op == Op::Local && at && *at >= 0)
            local_positions_[{span.file, span.begin, span.end}] = *at + 1;
    } else if (object.type->kind == TypeKind::Table) {
        result = object.type->element ? object.type->element : any_type();
        never_a_key(key.field, object.node, *ix.object);
        looked_up_lowered(object.node, key.node);
        // A constant key is looked up when the program is checked (fold), except in a dated
        // table, whose rows depend on the date of service. A key of known constant values is
        // judged by them (`e.key` of `for e in entries(t)`), any other by its field.
        bool dated = object.node.op == Op::Const && object.node.constant.kind == Kind::Table &&
                     object.node.constant.table->dated;
        Constants known =
            dated && key.node.op == Op::Const ? Constants{key.node.constant, {}} : key.constants;
        if (key.node.op == Op::DatedSetting)
            note_setting_lookup(key.node.slot, object.node, span);
        else if (known.value || known.each_of)
            note_constant_lookup(known, object.node, span);
        else
            note_lookup(key.field, key.case_text, object.node, span);
        if (!comparable(object.type->key, key.type)) {
            error("check.type_mismatch", ix.index->span,
                  fmt::format("the keys of {} are {}, so {} is never one of them",
                              object.node.op == Op::Const
                                  ? fmt::format("table `{}`", object.node.constant.table->name)
                                  : std::string("this table"),
                              plural(object.type->key), type_name(key.type)));
            return fail(span);
        }
    } else if (!known(object.type)) {
        // A parameter of no declared type (`def first(l) = l[0]`): a position if a caller
        // gives a list (a table's key otherwise), judged at the call.
        if (object.node.op == Op::Local && key.node.op == Op::Const &&
            key.node.constant.kind == Kind::Number && key.node.constant.number >= 0)
            local_positions_[{span.file, span.begin, span.end}] = key.node.constant.number + 1;
    } else {
        error("check.type_mismatch", ix.object->span,
              fmt::format("`[…]` needs a list or a table, not {}", type_name(object.type)));
        return fail(span);
    }
    bool position = object.type->kind == TypeKind::List;
    std::optional<CaseField> element = position ? element_of(object.field) : std::nullopt;
    // An element of a constant list (`cs[0]` of `let cs = [95999]`): that element, or, at a
    // position known only per case, any of them.
    Constants element_constants;
    if (const auto list = possible_values(object);
        position && list && list->size() == 1 && (*list)[0].kind == Kind::List) {
        const Value& values = (*list)[0];
        // The positions it may be at: a constant, or a variable of constant values (`for i
        // in [0, 1]`); any position otherwise.
        auto positions = possible_values(key);
        std::vector<Value> elements; // a position past the end is an error of its own
        for (const Value& at : positions ? *positions : std::vector<Value>{})
            if (at.kind == Kind::Number && at.number >= 0 && at.number < values.size)
                elements.push_back(values.items[at.number]);
        if (!positions)
            element_constants.each_of = values;
        else if (elements.size() == 1)
            element_constants.value = elements[0];
        else if (!elements.empty())
            element_constants.each_of = constant_list(elements);
    } else if (position && object.constants.elements) { // `[95860, if c then 95999][i]`
        element_constants.each_of = object.constants.elements;
    }
    // An element of a list holding a case's value (`[95860, line.code][1]`): any text.
    bool element_of_case = position && object.elements_of_case;
    std::vector<Node> kids;
    kids.push_back(std::move(object.node));
    kids.push_back(std::move(key.node));
    Typed out = make(Op::Index, std::move(kids), result, span);
    // An element of a case field's list (`case.diagnoses[0]`) is a value of that field: a
    // look-up by it needs the test a look-up by each element does.
    if (out.node.op == Op::Index) {
        out.field = element;
        out.constants = element_constants;
        out.case_text = element_of_case;
        // A row's value of a table (`next[c]`): one of its rows' values; of a table of lists
        // (`pairs[c]`), a list of their elements.
        const Node& looked_up = out.node.kids[0];
        if (!position && looked_up.op == Op::Const && looked_up.constant.kind == Kind::Table)
            out.constants = table_values(*looked_up.constant.table);
    }
    return out;
}

// Whether `key` is `count(L)`, or `count(L)` plus a number 0 or more, of the list `list` as
// written.
bool ExpressionChecker::past_own_count(const Node& key, const ast::Expr& list) {
    const Node* counted = &key;
    if (key.op == Op::Add && key.kids.size() == 2 && key.kids[1].op == Op::Const &&
        key.kids[1].constant.kind == Kind::Number && key.kids[1].constant.number >= 0)
        counted = &key.kids[0];
    bool count = counted->op == Op::Builtin && counted->builtin &&
                 counted->builtin->name == std::string_view("count") && counted->kids.size() == 1;
    return count &&
           one_line(source_text(counted->kids[0].span)) == one_line(source_text(list.span));
}

Typed ExpressionChecker::expr(const ast::Expr& e, Scope& scope) {
    if (depth_ >= max_depth) {
        if (!too_deep_reported_)
            error("check.too_deep", e.span,
                  fmt::format("definitions and the expressions in them nest more than {} levels "
                              "deep",
                              max_depth))
                .help = "shorten the chain of definitions that use each other";
        too_deep_reported_ = true;
        return fail(e.span);
    }
    ++depth_;
    Typed out = std::visit([&](const auto& k) { return compile(k, e.span, scope); }, e.kind);
    --depth_;
    return out;
}

Typed ExpressionChecker::compile(const ast::NumberLit& n, Span span, Scope&) {
    if (!n.fraction.empty()) {
        error("check.type_mismatch", span,
              fmt::format("`{}` is not a whole number: cpl numbers are whole", n.fraction))
            .help = "count in a smaller unit, or round to a whole number";
        return fail(span);
    }
    return constant(Value::of_number(n.value), number_type(), span);
}

Typed ExpressionChecker::compile(const ast::CodeLit& c, Span span, Scope&) {
    return constant(string_with_letters(*p().constants, c.code), code_type(), span);
}

Typed ExpressionChecker::compile(const ast::BoolLit& b, Span span, Scope&) {
    return constant(Value::of_bool(b.value), bool_type(), span);
}

Typed ExpressionChecker::compile(const ast::StringLit& s, Span span, Scope& scope) {
    Node node;
    node.op = Op::Interpolate;
    node.span = span;
    node.text.emplace_back();
    std::vector<Typed> parts;       // what is known of each `{…}`, without its node
    std::vector<std::string> names; // and its name (key_of), one value where two are one
    for (const auto& part : s.parts) {
        if (const auto* text = std::get_if<std::string>(&part)) {
            node.text.back() += *text;
        } else {
            Typed value = expr(*std::get<ast::ExprPtr>(part), scope);
            names.push_back(key_of(value.node, p().shapes));
            node.kids.push_back(std::move(value.node));
            node.text.emplace_back();
            parts.push_back(std::move(value));
        }
    }
    if (node.kids.empty())
        return constant(string_with_letters(*p().constants, node.text[0]), string_type(), span);
    std::vector<std::string> texts = node.text;
    Typed out = fold({std::move(node), string_type()});
    if (out.node.op != Op::Interpolate) return out;
    // `"{line.code}"`: the text is the field's own value, judged and tested as the field.
    const Typed& first = parts[0];
    bool text_of_one = parts.size() == 1 && texts[0].empty() && texts[1].empty() &&
                       (first.type->kind == TypeKind::String || first.type->kind == TypeKind::Code);
    if (text_of_one) {
        out.field = first.field;
        out.case_text = first.case_text;
        out.constants = first.constants;
        return out;
    }
    // Made of parts each of known values (constants, a field of fixed choices): one of the
    // texts they make (`"{limb.limb}_side"`); else, with a case's field in it or too many to
    // name, any text.
    bool too_many = false;
    if (auto made = interpolated_values(texts, parts, names, too_many)) {
        out.constants.each_of = constant_list(*made);
        return out;
    }
    out.case_text = too_many;
    for (const Typed& part : parts)
        out.case_text = out.case_text || of_case(part);
    return out;
}

std::optional<std::vector<Value>>
ExpressionChecker::interpolated_values(const std::vector<std::string>& texts,
                                       const std::vector<Typed>& parts,
                                       const std::vector<std::string>& names, bool& too_many) {
    // Beyond these, the texts are judged as any text (and `"{k}{k}"` nested forty deep is
    // never written out).
    constexpr std::size_t most = 256, longest = 256;
    too_many = false;
    // The values of each part; a part named as an earlier one (`"{limb.limb}-{limb.limb}"`)
    // takes the same value, not each of them again.
    std::vector<std::vector<std::string>> choices;
    std::vector<std::size_t> choice_of(parts.size());
    std::size_t count = 1;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        auto same =
            std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]);
        if (!names[i].empty() && same != names.begin() + static_cast<std::ptrdiff_t>(i)) {
            choice_of[i] = choice_of[static_cast<std::size_t>(same - names.begin())];
            continue;
        }
        auto known = finite_values(parts[i]);
        if (!known || known->empty()) return std::nullopt;
        std::vector<std::string> values; // as the evaluation writes them into a text
        for (const Value& v : *known)
            if (v.kind == Kind::String || v.kind == Kind::Number || v.kind == Kind::Bool)
                values.push_back(to_text(v, p().shapes));
            else
                return std::nullopt;
        if ((too_many = (count *= values.size()) > most)) return std::nullopt;
        choice_of[i] = choices.size();
        choices.push_back(std::move(values));
    }
    std::vector<Value> out;
    for (std::size_t combination = 0; combination < count; ++combination) {
        std::string text = texts[0];
        for (std::size_t i = 0; i < parts.size(); ++i) {
            std::size_t stride = 1;
            for (std::size_t c = 0; c < choice_of[i]; ++c)
                stride *= choices[c].size();
            const auto& values = choices[choice_of[i]];
            text += values[combination / stride % values.size()] + texts[i + 1];
            if ((too_many = text.size() > longest)) return std::nullopt;
        }
        out.push_back(string_with_letters(*p().constants, text));
    }
    return out;
}

Typed ExpressionChecker::compile(const ast::NameRef& n, Span span, Scope& scope) {
    return name(n.name, span, scope);
}

Typed ExpressionChecker::compile(const ast::Unary& u, Span span, Scope& scope) {
    Typed operand = expr(*u.operand, scope);
    bool is_not = u.op == ast::UnaryOp::Not;
    TypeP want = is_not ? bool_type() : number_type();
    if (!fits(want, operand.type)) {
        error("check.type_mismatch", u.operand->span,
              fmt::format("`{}` needs {}, not {}", vocabulary::unary(u.op).spelling,
                          type_name(want), type_name(operand.type)));
        return fail(span); // not folded too: one mistake, one error
    }
    bool is_switch = operand.is_switch;
    bool from_case = !is_not && depends_on_case(operand);
    std::vector<Node> kids;
    kids.push_back(std::move(operand.node));
    Typed out = make(is_not ? Op::Not : Op::Neg, std::move(kids), want, span);
    out.is_switch = is_switch;
    out.case_text = from_case && out.node.op == Op::Neg; // `-line.units`: any number
    return out;
}

Typed ExpressionChecker::compile(const ast::Binary& b, Span span, Scope& scope) {
    return binary(b, span, scope);
}

Typed ExpressionChecker::compile(const ast::Member& m, Span span, Scope& scope) {
    return member(m, span, scope);
}

Typed ExpressionChecker::compile(const ast::Index& i, Span span, Scope& scope) {
    return index(i, span, scope);
}

Typed ExpressionChecker::compile(const ast::Call& c, Span span, Scope& scope) {
    return call(c, span, scope);
}

Typed ExpressionChecker::compile(const ast::ListExpr& l, Span span, Scope& scope) {
    std::vector<Node> kids;
    TypeP element;
    bool of_case_values = false;
    std::optional<std::vector<Value>> values = std::vector<Value>{}; // of every element, if known
    for (const auto& item : l.items) {
        const auto* conditional = std::get_if<ast::Conditional>(&item.kind);
        Typed t = conditional ? list_element(*conditional, scope) : expr(item, scope);
        of_case_values = of_case_values || of_case(t);
        auto known = finite_values(t); // constants, or a field's fixed choices
        if (values && known)
            values->insert(values->end(), known->begin(), known->end());
        else
            values.reset();
        // A table's values are checked against its rows by the table checker, which says more.
        if (!scope.constant_only)
            same_kind(element, t.type, conditional ? *conditional->element : item,
                      "the elements of a list");
        element = unify(element, t.type);
        // A condition known to be false leaves the element out (and was reported).
        if (t.node.op == Op::Guard && t.node.kids.empty()) continue;
        kids.push_back(std::move(t.node));
    }
    // An element under a condition not known before the case (`[95860, if c then 95861]`)
    // makes the list's length the case's: a position past the others needs a test of it.
    bool guarded = std::any_of(kids.begin(), kids.end(),
                               [](const Node& k) { return k.op == Op::Guard && !k.kids.empty(); });
    Typed out = make(Op::List, std::move(kids),
                     list_of(element           ? element
                             : l.items.empty() ? empty_list_element()
                                               : any_type()),
                     span);
    if (out.node.op == Op::List) {
        out.size_of_case = guarded;
        out.elements_of_case = of_case_values;
        if (values && !values->empty()) out.constants.elements = constant_list(*values);
    }
    return out;
}

// `[…, if condition then element, …]`: a Guard node, or the element itself when the condition
// is known to hold, or an empty Guard (left out) when it is known not to.
Typed ExpressionChecker::list_element(const ast::Conditional& c, Scope& scope) {
    Typed condition = expr(*c.condition, scope);
    expect(condition, bool_type(), *c.condition, "the condition of a list element");
    bool holds = true;
    bool known = !scope.constant_only && !scope.requirement &&
                 constant_condition(condition, *c.condition, &holds);
    Typed element = [&] {
        Assuming given(*this, condition.node, false);
        return expr(*c.element, scope);
    }();
    if (known && holds) return element;
    Constants values = let_constants(element); // the element's, when it is there
    std::vector<Node> kids;
    if (!known) {
        kids.push_back(std::move(condition.node));
        kids.push_back(std::move(element.node));
    }
    Typed out = unfolded(Op::Guard, std::move(kids), element.type, c.condition->span);
    // What the list knows of the element when it is there (`[…, if c then 95999]`).
    if (!known) {
        out.constants = values;
        out.field = element.field;
        out.case_text = element.case_text;
    }
    return out;
}

// Only a list element can be conditional; the parser makes no other.
Typed ExpressionChecker::compile(const ast::Conditional& c, Span span, Scope& scope) {
    error("parse.expected_else", span,
          "expected `else`: an `if` expression needs both branches (only a list element may "
          "leave it out)");
    expr(*c.condition, scope);
    expr(*c.element, scope);
    return fail(span);
}

Typed ExpressionChecker::compile(const ast::Comprehension& c, Span span, Scope& scope) {
    Typed source = expr(*c.source, scope);
    if (known(source.type) && source.type->kind != TypeKind::List)
        error("check.type_mismatch", c.source->span,
              fmt::format("`for … in` needs a list, not {}", type_name(source.type)));
    TypeP element = source.type->kind == TypeKind::List && source.type->element
                        ? source.type->element
                        : any_type();
    warn_if_hiding(c.var, scope);
    std::uint32_t slot = push_element(scope, c.var.text, element, source);
    Typed value = expr(*c.element, scope);
    std::vector<Node> kids;
    kids.push_back(std::move(source.node));
    kids.push_back(std::move(value.node));
    if (c.filter) {
        Typed filter = expr(*c.filter, scope);
        expect(filter, bool_type(), *c.filter, "the `if` filter");
        if (!scope.constant_only && !scope.requirement) constant_condition(filter, *c.filter);
        kids.push_back(std::move(filter.node));
    }
    scope.pop();
    bool of_case_values = of_case(value);
    bool size_of_case = depends_on_case(source) || c.filter; // a filter of the case's values
    // A filter may leave some out (`if x != 95999`): the values of all are known only without.
    auto values = c.filter ? std::nullopt : possible_values(value);
    Typed out = make(Op::Comprehension, std::move(kids), list_of(value.type), span, slot);
    if (out.node.op == Op::Comprehension) {
        out.elements_of_case = of_case_values;
        out.size_of_case = size_of_case;
        if (values) out.constants.elements = constant_list(*values);
        // `[l.limb for l in case.extremities]` holds values of that field, as
        // `case.extremities.limb` does (a filter only leaves some out).
        if (value.field && !value.field->each && !value.field->element && !value.field->date_from)
            out.field = CaseField{value.field->shape, value.field->index, true};
    }
    return out;
}

Typed ExpressionChecker::compile(const ast::Quantified& q, Span span, Scope& scope) {
    std::string word(q.word());
    Typed source = expr(*q.source, scope);
    if (known(source.type) && source.type->kind != TypeKind::List)
        error("check.type_mismatch", q.source->span,
              fmt::format("`{} … in` needs a list, not {}", word, type_name(source.type)));
    TypeP element = source.type->kind == TypeKind::List && source.type->element
                        ? source.type->element
                        : any_type();
    warn_if_hiding(q.var, scope);
    std::uint32_t slot = push_element(scope, q.var.text, element, source);
    Typed condition = expr(*q.condition, scope);
    expect(condition, bool_type(), *q.condition, fmt::format("the condition of `{}`", word));
    scope.pop();
    std::vector<Node> kids;
    kids.push_back(std::move(source.node));
    kids.push_back(std::move(condition.node));
    Op op = q.kind == ast::Quantified::Kind::all    ? Op::All
            : q.kind == ast::Quantified::Kind::none ? Op::None
                                                    : Op::Any;
    return make(op, std::move(kids), bool_type(), span, slot);
}

Typed ExpressionChecker::compile(const ast::RecordExpr& r, Span span, Scope& scope) {
    std::vector<std::string> fields;
    std::vector<Node> kids;
    std::vector<TypeP> types;
    std::unordered_set<std::string_view> seen; // not a scan per field: records may be long
    for (const auto& [field, value] : r.fields) {
        if (!seen.insert(field.text).second)
            error("check.duplicate_field", field.span,
                  fmt::format("field `{}` is given twice", field.text));
        fields.push_back(field.text);
        Typed t = expr(value, scope);
        kids.push_back(std::move(t.node));
        types.push_back(t.type);
    }
    auto [it, added] =
        shape_ids_.emplace(shape_key(fields), static_cast<std::uint32_t>(p().shapes.size()));
    if (added) {
        p().shapes.push_back({"", fields});
        p().shape_types.push_back(types); // the first writer's: what a constant's fields fit
    }
    // The shape is shared by every literal with these field names, the types are this one's.
    return make(Op::Record, std::move(kids), record_of(it->second, std::move(types)), span,
                it->second);
}

Typed ExpressionChecker::compile(const ast::IfExpr& i, Span span, Scope& scope) {
    Typed condition = expr(*i.condition, scope);
    expect(condition, bool_type(), *i.condition, "the condition of `if`");
    if (!scope.constant_only && !scope.requirement) constant_condition(condition, *i.condition);
    Typed then_branch = [&] {
        Assuming holds(*this, condition.node, false);
        return expr(*i.then_branch, scope);
    }();
    Typed else_branch = [&] {
        Assuming fails(*this, condition.node, true);
        return expr(*i.else_branch, scope);
    }();
    same_kind(then_branch.type, else_branch.type, *i.else_branch, "the branches of `if`");
    TypeP type = unify(then_branch.type, else_branch.type);
    std::vector<Node> kids;
    Constants either = either_constant(then_branch, else_branch);
    bool chosen_by_case = of_case(then_branch) || of_case(else_branch);
    kids.push_back(std::move(condition.node));
    kids.push_back(std::move(then_branch.node));
    kids.push_back(std::move(else_branch.node));
    Typed out = make(Op::If, std::move(kids), type, span);
    if (out.node.op == Op::If) {
        out.constants = either;
        // `if u > 1 then 95860 else line.code`: the case's value on some cases, looked up
        // only once tested (each branch, or the whole).
        out.case_text = chosen_by_case;
    }
    return out;
}

} // namespace cpl::check_detail

namespace cpl::check_detail {

// Values that stand for one another (an `if`'s branches, a list's elements) are of one kind:
// a number where a string was is a mistake, not a value of type `any`.
void ExpressionChecker::same_kind(const TypeP& before, const TypeP& now, const ast::Expr& at,
                                  std::string_view what) {
    if (!before || !now || comparable(before, now)) return;
    error("check.type_mismatch", at.span,
          fmt::format("{} must be of one type: {} here, {} before", what, type_name(now),
                      type_name(before)));
}

// `first when c1 => v1 … otherwise v`: the same as `if c1 then v1 else if … else v`, and
// compiled so; each condition must be a bool, and every value of one type.
// The values `t` may have, when each is a constant: its own, a known local's, or each of the
// values a loop's variable takes.
std::optional<std::vector<Value>> ExpressionChecker::possible_values(const Typed& t) {
    return possible_values(t.node, t.constants);
}

std::optional<std::vector<Value>> ExpressionChecker::possible_values(const Node& node,
                                                                     const Constants& known) {
    if (node.op == Op::Const && node.constant.kind != Kind::Table)
        return std::vector<Value>{node.constant};
    if (known.value) return std::vector<Value>{*known.value};
    if (known.each_of) {
        auto elements = values_of(*known.each_of);
        return std::vector<Value>(elements.begin(), elements.end());
    }
    return std::nullopt;
}

std::optional<std::vector<Value>> ExpressionChecker::finite_values(const Typed& t) {
    if (auto constants = possible_values(t)) return constants;
    if (t.type && t.type->kind == TypeKind::Bool)
        return std::vector<Value>{Value::of_bool(false), Value::of_bool(true)};
    const auto* f = t.field && !t.field->each ? schema_field(*t.field, t.field->element) : nullptr;
    if (!f || f->spec.read != case_schema::Read::OneOf) return std::nullopt;
    std::vector<Value> options;
    for (std::string_view option : f->spec.choice->options)
        options.push_back(Value::of_string(option));
    return options;
}

// `if c then 95860 else 95999`: one of the branches' values, each a constant or a field of
// fixed choices (`if c then "left_arm" else limb.limb`).
Constants ExpressionChecker::either_constant(const Typed& a, const Typed& b) {
    auto first = finite_values(a), second = finite_values(b);
    if (!first || !second) return {};
    first->insert(first->end(), second->begin(), second->end());
    return {std::nullopt, constant_list(*first)};
}

Value ExpressionChecker::constant_list(const std::vector<Value>& values) {
    Value* items = p().constants->make_array<Value>(values.size());
    std::copy(values.begin(), values.end(), items);
    return Value::of_list(items, values.size());
}

Constants ExpressionChecker::table_values(const TableData& table) {
    auto [known, added] = table_values_.try_emplace(&table);
    if (!added) return known->second;
    auto scalar = [](const Value& v) { return v.kind == Kind::Number || v.kind == Kind::String; };
    bool lists = !table.rows.empty() && table.rows[0].value.kind == Kind::List;
    std::vector<Value> values;
    std::set<std::string> seen;
    for (const TableRowData& row : table.rows) {
        if (lists != (row.value.kind == Kind::List)) return {};
        for (const Value& v : values_of(row.value)) {
            if (!scalar(v)) return {};
            if (seen.insert(to_text(v, p().shapes, true)).second) values.push_back(v);
        }
    }
    if (values.empty()) return {};
    Value all = constant_list(values);
    return known->second =
               lists ? Constants{std::nullopt, std::nullopt, all} : Constants{std::nullopt, all};
}

Typed ExpressionChecker::compile(const ast::FirstMatch& f, Span span, Scope& scope) {
    std::vector<std::pair<Typed, Typed>> arms;
    TypeP type;
    // An arm is taken where its condition holds and those before it fail.
    std::size_t holding = holding_.size();
    for (const auto& arm : f.arms) {
        Typed condition = expr(arm.condition, scope);
        expect(condition, bool_type(), arm.condition, "the condition of a `first` arm");
        if (!scope.constant_only && !scope.requirement)
            constant_condition(condition, arm.condition);
        Typed value = [&] {
            Assuming holds(*this, condition.node, false);
            return expr(arm.value, scope);
        }();
        same_kind(type, value.type, arm.value, "the values of `first`");
        type = unify(type, value.type);
        holding_.push_back({condition.node, true});
        arms.emplace_back(std::move(condition), std::move(value));
    }
    if (!scope.constant_only && !scope.requirement && arms.size() > 1) {
        std::vector<const Node*> conditions;
        std::vector<Span> written;
        for (std::size_t i = 0; i < arms.size(); ++i) {
            conditions.push_back(&arms[i].first.node);
            written.push_back(f.arms[i].condition.span);
        }
        warn_unreachable_arms(conditions, written);
    }
    Typed result = expr(*f.otherwise, scope);
    holding_.resize(holding);
    same_kind(type, result.type, *f.otherwise, "the values of `first`");
    type = unify(type, result.type);
    for (auto arm = arms.rbegin(); arm != arms.rend(); ++arm) {
        Constants either = either_constant(arm->second, result);
        bool chosen_by_case = of_case(arm->second) || of_case(result);
        std::vector<Node> kids;
        kids.push_back(std::move(arm->first.node));
        kids.push_back(std::move(arm->second.node));
        kids.push_back(std::move(result.node));
        result = make(Op::If, std::move(kids), type, span);
        if (result.node.op == Op::If) {
            result.constants = either;
            result.case_text = chosen_by_case;
        }
    }
    result.type = type;
    return result;
}

} // namespace cpl::check_detail
