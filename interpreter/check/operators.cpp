// interpreter/check/operators.cpp — the types binary operators accept and give, and
// comparisons that can never hold (check.incomparable).
#include "interpreter/case/case_schema.hpp"
#include "interpreter/case/case_tables.hpp"
#include "interpreter/check/in_force.hpp"
#include "interpreter/check/rules.hpp"
#include "interpreter/program/reads.hpp"
#include "lang/suggest.hpp"
#include "lang/vocabulary.hpp"
#include "runtime/ascii.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>

namespace cpl::check_detail {

namespace {

bool is_literal(const ast::Expr& e) {
    return std::holds_alternative<ast::NumberLit>(e.kind) ||
           std::holds_alternative<ast::CodeLit>(e.kind) ||
           std::holds_alternative<ast::BoolLit>(e.kind) ||
           std::holds_alternative<ast::StringLit>(e.kind);
}

} // namespace

std::string with_article(const std::string& type) {
    if (type.starts_with("[")) return "a list " + type;
    if (type.starts_with("{")) return "a record " + type;
    bool vowel = !type.empty() && std::string_view("aeiou").find(type[0]) != std::string::npos;
    return (vowel ? "an " : "a ") + type;
}

bool ExpressionChecker::incomparable(const ast::Binary& b, const Typed& left, const Typed& right) {
    using B = ast::BinaryOp;
    bool membership = b.op == B::In || b.op == B::NotIn;
    TypeP item = left.type;
    TypeP other = right.type; // the other side of `==`, or what `in` looks among
    std::string among;        // `in`: where it looks, in words
    if (membership) {
        const TypeP& r = right.type;
        if (r->kind == TypeKind::Table) {
            other = r->key;
            if (right.node.op == Op::Const)
                among = fmt::format("the keys of table `{}`, which are {}",
                                    right.node.constant.table->name, plural(other));
        } else {
            other = r->kind == TypeKind::List ? r->element : nullptr;
        }
        if (!other) return false;
        if (among.empty()) among = plural(other);
    }
    if (comparable(item, other)) return false;
    bool negated = b.op == B::Ne || b.op == B::NotIn;
    std::string_view op = vocabulary::binary(b.op).spelling;
    std::string message =
        membership ? fmt::format("`{}` looks for {} among {}: it is never there, so this is "
                                 "always {}",
                                 op, with_article(type_name(item)), among, negated)
                   : fmt::format("`{}` compares {} with {}: they are never equal, so this is "
                                 "always {}",
                                 op, with_article(type_name(item)), with_article(type_name(other)),
                                 negated);
    // The caret goes on the side the author most likely got wrong; the help says how to
    // write what was meant.
    const ast::Expr* wrong = b.right.get();
    std::optional<std::string> help;
    const TypeP& l = left.type;
    const TypeP& r = right.type;
    auto field_like = [&](const TypeP& record, const TypeP& want,
                          const std::string& prefer) -> std::optional<std::string> {
        if (!record || record->kind != TypeKind::Record) return std::nullopt;
        const Shape& shape = p().shapes[record->shape];
        std::optional<std::string> found;
        for (std::size_t i = 0; i < shape.fields.size(); ++i) {
            const TypeP& t = record->fields.at(i);
            if (!known(t) || !comparable(t, want)) continue;
            if (shape.fields[i] == prefer) return shape.fields[i];
            if (!found) found = shape.fields[i];
        }
        return found;
    };
    auto member_name = [](const ast::Expr& e) -> std::string {
        const auto* m = std::get_if<ast::Member>(&e.kind);
        return m ? m->field.text : "";
    };
    if (membership) {
        const auto* item_member = std::get_if<ast::Member>(&b.left->kind);
        if (auto field = field_like(other, item, member_name(*b.left))) {
            // `line.code in supported`: the lines' field was meant.
            help = fmt::format("did you mean `{}.{}`?", source_text(b.right->span), *field);
        } else {
            wrong = b.left.get();
            // `line.units in ncs_band_codes`: another field of the same record was meant.
            if (item_member && left.node.op == Op::Member)
                for (std::uint32_t s = 0; s < p().shapes.size() && !help; ++s) {
                    int index = p().shapes[s].field_index(item_member->field.text);
                    if (index < 0 || static_cast<std::uint32_t>(index) != left.node.slot) continue;
                    auto sibling = field_like(shape_type(s), other, "");
                    if (sibling && *sibling != item_member->field.text)
                        help = fmt::format("did you mean `{}.{}`?",
                                           source_text(item_member->object->span), *sibling);
                }
        }
    } else if (l->kind == TypeKind::List && comparable(l->element, r)) {
        wrong = b.left.get();
        help = fmt::format("to test membership, write `{} {} {}`", source_text(b.right->span),
                           b.op == B::Ne ? "not in" : "in", source_text(b.left->span));
    } else if (r->kind == TypeKind::List && comparable(r->element, l)) {
        wrong = b.right.get();
        help = fmt::format("to test membership, write `{} {} {}`", source_text(b.left->span),
                           b.op == B::Ne ? "not in" : "in", source_text(b.right->span));
    } else if (is_literal(*b.left) && !is_literal(*b.right)) {
        wrong = b.left.get();
    }
    // Literal numbers that were meant as something else.
    const ast::Expr& literal = *wrong;
    const TypeP& meant = wrong == b.left.get() ? other : item;
    if (const auto* n = std::get_if<ast::NumberLit>(&literal.kind); n && !help && meant) {
        std::string digits = source_text(literal.span);
        if (meant->kind == TypeKind::Code)
            help = digits.size() < 5
                       ? fmt::format("a code has five characters: `{}` is a number", digits)
                       : fmt::format("write the code as a string: \"{}\"", digits);
        else if (meant->kind == TypeKind::String && n->value == 0 && !membership)
            help = "to test for an empty string, compare with `\"\"`";
        else if (meant->kind == TypeKind::String)
            help = fmt::format("write it as a string: \"{}\"", digits);
        else if (meant->kind == TypeKind::Bool && (n->value == 0 || n->value == 1) && !membership) {
            bool is_true = (n->value == 1) != (b.op == B::Ne);
            const ast::Expr& condition = wrong == b.left.get() ? *b.right : *b.left;
            help = is_true ? fmt::format("`{}` is already a condition: write it alone",
                                         source_text(condition.span))
                           : fmt::format("`{}` is already a condition: write `not {}`",
                                         source_text(condition.span), source_text(condition.span));
        }
    }
    // A number written in quotes: `line.units == "2"`.
    if (const auto* s = std::get_if<ast::StringLit>(&literal.kind);
        s && !help && meant && meant->kind == TypeKind::Number && s->parts.size() == 1)
        if (const auto* text = std::get_if<std::string>(&s->parts[0]);
            text && !text->empty() && text->find_first_not_of("0123456789") == std::string::npos)
            help = fmt::format("a number is written without quotes: {}", *text);
    // `{a: …, b: …} == {b: …, a: …}`: a record's fields are in the order written, so two
    // records of the same names in another order are of two shapes, never equal.
    if (!help && item && other && item->kind == TypeKind::Record &&
        other->kind == TypeKind::Record && item->shape != other->shape) {
        std::vector<std::string> item_fields = p().shapes[item->shape].fields;
        std::vector<std::string> other_fields = p().shapes[other->shape].fields;
        std::sort(item_fields.begin(), item_fields.end());
        std::sort(other_fields.begin(), other_fields.end());
        if (item_fields == other_fields)
            help = fmt::format("records with the same fields in another order are never equal: "
                               "write both in the order {{{}}}",
                               fmt::join(p().shapes[item->shape].fields, ", "));
    }
    auto& d = error("check.incomparable", wrong->span, std::move(message));
    d.help = help;
    // A function's result, named, so the author sees where the other type comes from.
    for (const ast::Expr* side : {b.left.get(), b.right.get()})
        if (const auto* call = std::get_if<ast::Call>(&side->kind))
            if (def_index_.count(call->callee.text))
                d.notes.push_back(
                    fmt::format("`{}` gives {}", call->callee.text,
                                with_article(type_name(side == b.left.get() ? l : r))));
    return true;
}

// What the case schema says of `field` (of its elements, when `elements`), if it says anything.
const case_schema::Field* ExpressionChecker::schema_field(const CaseField& field, bool elements) {
    // A line of the claim being built holds what a claim line of the case does.
    std::uint32_t shape = field.shape == shape_line ? shape_claim_line : field.shape;
    if (!case_schema::has_schema(shape)) return nullptr;
    const auto& schema = case_schema::schema_of(shape);
    const std::string& name = p().shapes[field.shape].fields[field.index];
    auto in_schema = std::find_if(schema.fields.begin(), schema.fields.end(),
                                  [&](const case_schema::Field& f) { return f.name == name; });
    if (in_schema == schema.fields.end() || in_schema->spec.list != elements) return nullptr;
    return &*in_schema;
}

// Whether some value of field `f` begins with `prefix` ("G56." may begin a diagnosis; "g56"
// and "G5601" begin none). The value itself, or it completed by a few endings that make the
// forms of the case's codes, levels and dates whole: a prefix none of these completes may
// still begin a value in principle, so this errs towards "may".
static bool may_begin(const case_schema::Field& f, std::string_view prefix) {
    if (f.spec.read == case_schema::Read::OneOf)
        return std::any_of(f.spec.choice->options.begin(), f.spec.choice->options.end(),
                           [&](std::string_view option) { return option.starts_with(prefix); }) ||
               std::string_view(f.presence.text).starts_with(prefix);
    if (prefix.empty() || !case_schema::never_holds(f, prefix)) return true;
    std::vector<std::string> completed;
    for (std::string_view ending :
         {"1", "11", "111", "1111", "11111", ".1", "1.1", "11.1", "111.1"})
        completed.push_back(std::string(prefix) + std::string(ending));
    for (std::string_view date : {"2000-01-01", "2000-01-10"})
        if (prefix.size() < date.size())
            completed.push_back(std::string(prefix) + std::string(date.substr(prefix.size())));
    return std::any_of(completed.begin(), completed.end(), [&](const std::string& value) {
        return !case_schema::never_holds(f, value);
    });
}

// `m.name == "APB"`: the case reader names a limb muscle of table `muscles` by the row's first
// name, however the case wrote it ("apb", "APB" and "abductor pollicis brevis" are all read as
// "abductor pollicis brevis"), so another name of the row, or the first in other capitals, is
// never a muscle's name.
std::optional<ExpressionChecker::NeverHeld>
ExpressionChecker::muscle_name_never_held(std::span<const Value> values) {
    auto table = table_index_.find("muscles");
    if (table == table_index_.end()) return std::nullopt;
    for (const Value& text : values) {
        if (text.kind != Kind::String) continue;
        for (const TableRowData& row : p().tables[table->second]->rows) {
            if (row.is_range || row.keys.empty() || row.keys[0].kind != Kind::String) continue;
            std::string_view first = row.keys[0].str();
            if (text.str() == first) break; // the name itself: it may hold
            bool other_name = std::any_of(row.keys.begin(), row.keys.end(), [&](const Value& k) {
                return k.kind == Kind::String && equal_ignoring_ascii_case(k.str(), text.str());
            });
            if (!other_name) continue;
            return NeverHeld{std::string(text.str()), "`name` of a limb muscle",
                             fmt::format("read as the first name of its row of table `muscles`, "
                                         "\"{}\"",
                                         first),
                             fmt::format("write \"{}\"", first)};
        }
    }
    return std::nullopt;
}

// A field that holds a value of none of the forms `forms` stands for (a code of each form, a
// modifier of each shape): what it holds instead, said of the last; none when it may hold one.
std::optional<ExpressionChecker::NeverHeld>
ExpressionChecker::holds_none_of(const CaseField& field, bool elements,
                                 std::span<const Value> forms) {
    std::optional<NeverHeld> never;
    for (const Value& form : forms)
        if (!(never = never_held(field, elements, {&form, 1}))) return std::nullopt;
    return never;
}

// `case.provider_role == "profesional"`, `line.code == "9588"`, `"xs" in line.modifiers`,
// `service_date >= "2023-1-1"`: the types agree, but the case schema says the field never
// holds the constant (the reader refuses such a case), so the condition can never mean what
// it says. `elements`: the field's elements are meant (it is a list). `prefixes`: the value is
// looked up as a prefix of the field's values, so one that may begin a value passes. The
// first value the field never holds, with what the field holds instead; none when all can be.
std::optional<ExpressionChecker::NeverHeld>
ExpressionChecker::never_held(const CaseField& field, bool elements, std::span<const Value> values,
                              bool prefixes) {
    if (field.shape == shape_muscle && field.index == muscle_field::name && !prefixes)
        return muscle_name_never_held(values);
    const case_schema::Field* in_schema = schema_field(field, elements);
    if (!in_schema) return std::nullopt;
    const case_schema::Field& f = *in_schema;
    const auto& schema =
        case_schema::schema_of(field.shape == shape_line ? shape_claim_line : field.shape);
    for (const Value& text : values) {
        if (text.kind != Kind::String) continue;
        auto expected = case_schema::never_holds(f, text.str());
        if (!expected || (prefixes && may_begin(f, text.str()))) continue;
        bool date = field.shape == shape_case && field.index == case_field::date_of_service;
        std::string record(schema.name);
        std::replace(record.begin(), record.end(), '_', ' ');
        NeverHeld out{std::string(text.str()),
                      date ? std::string("the date of service")
                           : fmt::format("`{}` of {}", f.name, with_article(record)),
                      *expected, ""};
        if (field.date_from) out.what = "a date computed from " + out.what;
        if (f.spec.read == case_schema::Read::OneOf) {
            std::vector<std::string_view> options(f.spec.choice->options.begin(),
                                                  f.spec.choice->options.end());
            if (auto guess = closest(text.str(), options))
                out.help = fmt::format("did you mean \"{}\"?", *guess);
        } else if (f.spec.form) {
            std::string meant = f.spec.form->meant ? f.spec.form->meant(text.str()) : "";
            if (!meant.empty())
                out.help = fmt::format("did you mean \"{}\"?", meant);
            else if (!f.spec.form->help.empty())
                out.help = std::string(f.spec.form->help);
        }
        return out;
    }
    return std::nullopt;
}

// `line.code in mue`, `prefix_rows(dx, d)`: a key of the table the field never holds is a row
// never found. Reported at the key as written (the fix is there), once, with the look-up.
void ExpressionChecker::never_a_key(const std::optional<CaseField>& field, const Node& table,
                                    const ast::Expr& at, bool prefixes, bool each_element) {
    if (!field || field->each || table.op != Op::Const || table.constant.kind != Kind::Table)
        return;
    const TableData& data = *table.constant.table;
    bool elements = field->element || each_element;
    // Each table is looked up with a field at many places (`line.code in mue`): its keys are
    // judged against the field once.
    if (!keys_judged_.insert({&data, field->shape, field->index, elements, prefixes}).second)
        return;
    struct Never {
        std::size_t row;
        std::optional<NeverHeld> never;
    };
    std::vector<Never> nevers;
    std::size_t text_keys = 0;
    for (std::size_t r = 0; r < data.rows.size(); ++r) {
        const TableRowData& row = data.rows[r];
        if (row.is_range && !row.string_range) continue;
        for (const Value& key : row.keys) {
            if (key.kind != Kind::String || key_warned_of(std::string(key.str()))) continue;
            ++text_keys;
            if (auto never = never_held(*field, elements, {&key, 1}, prefixes))
                nevers.push_back({r, std::move(never)});
        }
    }
    // No key of the table is ever found: the table (or the field) is the wrong one, said once
    // at the look-up rather than once for each of its keys.
    if (nevers.size() > 1 && nevers.size() == text_keys) {
        const auto& first = *nevers.front().never;
        std::vector<std::string> shown;
        for (std::size_t i = 0; i < nevers.size() && i < 3; ++i)
            shown.push_back(fmt::format("\"{}\"", nevers[i].never->value));
        auto& d = error("check.impossible_value", at.span,
                        fmt::format("no key of table `{}` is ever found ({}{}): it is looked up "
                                    "with {}, which {}: {} {}",
                                    data.name, fmt::join(shown, ", "),
                                    nevers.size() > shown.size() ? ", …" : "", first.what,
                                    prefixes ? "never begins with one" : "never holds one",
                                    elements ? "each is" : "it is", first.expected));
        if (!first.help.empty()) d.help = first.help;
        for (const Never& n : nevers)
            keys_never_found_.insert({&data, n.never->value});
        return;
    }
    for (const Never& entry : nevers) {
        std::size_t r = entry.row;
        const auto& never = entry.never;
        if (!keys_never_found_.insert({&data, never->value}).second) continue;
        Span span = key_written_at(data, r, never->value, at.span);
        auto& d = error("check.impossible_value", span,
                        fmt::format("table `{}` has the key \"{}\", which is never found: it "
                                    "is looked up with {}, which {}: {} {}",
                                    data.name, never->value, never->what,
                                    prefixes ? "never begins with it" : "never holds it",
                                    elements ? "each is" : "it is", never->expected));
        if (!never->help.empty()) d.help = never->help;
        if (span.file != at.span.file || span.begin != at.span.begin)
            d.notes.push_back(fmt::format("looked up at {}", where(at.span)));
    }
}

bool ExpressionChecker::all_lower_case(const CaseField& field) {
    const case_schema::Field* f = schema_field(field, field.element);
    if (!f || f->spec.read != case_schema::Read::OneOf) return false;
    return std::none_of(f->spec.choice->options.begin(), f->spec.choice->options.end(),
                        [](std::string_view option) { return has_ascii_upper(option); });
}

// A field of a fixed set of values (`limb.limb`) every one of which has a row of an undated
// table (`limb_label`) is always found; any other case field may hold a value the table
// lacks, and then the look-up stops the case (eval.missing_key).
void ExpressionChecker::note_lookup(const std::optional<CaseField>& key, bool case_text,
                                    const Node& table, Span at) {
    if (table.op != Op::Const || table.constant.kind != Kind::Table) return;
    if (auto missing = lookup_to_prove(key, case_text, *table.constant.table))
        lookups_to_prove_[{at.file, at.begin, at.end}] = std::move(*missing);
}

// The keys the table has no row for, as messages name them. `lowered`: each text key is looked up
// in lower case, as `t[lower(k)]` does.
std::vector<std::string> ExpressionChecker::lacked_keys(const TableData& table,
                                                        std::span<const Value> keys, bool lowered) {
    std::vector<std::string> lacked; // each once, all of them: messages name the first twelve
    for (Value key : keys) {
        std::string lower_text;
        if (lowered && key.kind == Kind::String) {
            lower_text = ascii_lower(key.str());
            key = Value::of_string(lower_text);
        }
        if (std::string text = to_text(key, p().shapes, true);
            !always_found(table, key, in_force()) &&
            std::find(lacked.begin(), lacked.end(), text) == lacked.end())
            lacked.push_back(std::move(text));
    }
    return lacked;
}

namespace {

// The part of `v` at `path` (take_step); none when `v` has no such part.
std::optional<Value> at_path(Value v, std::string_view path, const std::vector<Shape>& shapes) {
    while (!path.empty()) {
        auto step = take_step(path);
        if (!step) return std::nullopt;
        if (step->kind == '[') {
            if (!step->number || v.kind != Kind::List || *step->number >= v.size)
                return std::nullopt;
            v = v.items[*step->number];
            continue;
        }
        if (v.kind != Kind::Record || v.size >= shapes.size()) return std::nullopt;
        const Shape& shape = shapes[v.size];
        std::optional<std::size_t> index = step->number;
        if (step->kind == ':') {
            int at = shape.field_index(step->name);
            index = at < 0 ? std::nullopt : std::optional<std::size_t>(at);
        }
        if (!index || *index >= shape.fields.size()) return std::nullopt;
        v = v.items[*index];
    }
    return v;
}

} // namespace

std::optional<PathStep> take_step(std::string_view& path) {
    if (path.empty() || (path[0] != '.' && path[0] != ':' && path[0] != '[')) return std::nullopt;
    PathStep step{path[0], {}, std::nullopt};
    path.remove_prefix(1);
    std::size_t end = step.kind == '[' ? path.find(']') : path.find_first_of(".:[");
    if (step.kind == '[' && end == std::string_view::npos) return std::nullopt;
    step.name = path.substr(0, end);
    path.remove_prefix(end == std::string_view::npos ? path.size() : end + (step.kind == '['));
    std::size_t number = 0;
    const char* last = step.name.data() + step.name.size();
    if (auto [stop, error] = std::from_chars(step.name.data(), last, number);
        !step.name.empty() && error == std::errc() && stop == last)
        step.number = number; // digits past what fits are no position of any list
    return step;
}

// Whether the body excludes `key` before its look-up (`if c == 95999 then 0 else t[c]`).
bool ExpressionChecker::excluded_by(const ParamLookup& lookup, const Value& key) {
    std::string text = to_text(key, p().shapes, true);
    return std::any_of(lookup.excluded.begin(), lookup.excluded.end(),
                       [&](const Value& v) { return to_text(v, p().shapes, true) == text; });
}

std::optional<std::vector<Value>>
ExpressionChecker::constant_keys(const ParamLookup& lookup, std::span<const Value> arguments) {
    using Form = ParamLookup::Form;
    // The path from the parameter to the key (`.2` of `l.code`, `[0]` of `cs[0]`).
    std::string parameter = fmt::format("local {}", lookup.param);
    std::string_view path = lookup.key;
    bool of_parameter = path.starts_with(parameter);
    path.remove_prefix(of_parameter ? parameter.size() : path.size());
    std::vector<Value> keys;
    auto add = [&](const Value& v, std::string_view at) {
        auto key = at_path(v, at, p().shapes);
        if (key) keys.push_back(*key);
        return key.has_value();
    };
    for (const Value& argument : arguments) {
        if (lookup.form == Form::field) {
            if (!of_parameter || !add(argument, path)) return std::nullopt;
        } else if (lookup.form != Form::each) {
            keys.push_back(argument);
        } else if (argument.kind != Kind::List) {
            return std::nullopt;
        } else if (!(path.starts_with("[") && add(argument, path))) { // else each element
            for (const Value& element : argument.list())
                if (!add(element, lookup.below)) return std::nullopt;
        }
    }
    return keys;
}

// `limit(line)` of `def limit(l) = t[l.code]`: the body names the field (`:code`); a record of
// a known shape names it by its index (`.2`), which its tests use, and may make it a field of
// fixed choices. Any other argument's field may be anything.
std::optional<CallLookup> ExpressionChecker::untyped_field(const ParamLookup& lookup,
                                                           std::uint32_t def, const TypeP& type) {
    std::string parameter = fmt::format("local {}", lookup.param);
    if (!lookup.key.starts_with(parameter + ":")) return std::nullopt;
    std::string name = lookup.key.substr(parameter.size() + 1);
    if (!type || type->kind != TypeKind::Record || name.find_first_of(".:[") != std::string::npos)
        return CallLookup{lookup, def, {}};
    int index = p().shapes[type->shape].field_index(name);
    if (index < 0) return std::nullopt; // no such field: the call is no record of this kind
    auto missing = lookup_to_prove(CaseField{type->shape, static_cast<std::uint32_t>(index)}, true,
                                   *lookup.table);
    if (!missing) return std::nullopt;
    ParamLookup resolved = lookup;
    resolved.key = fmt::format("{}.{}", parameter, index);
    resolved.below_named = ":" + name;
    return CallLookup{std::move(resolved), def, std::move(*missing)};
}

void ExpressionChecker::note_constant_lookup(const Constants& key, const Node& table, Span at) {
    if (table.op != Op::Const || table.constant.kind != Kind::Table) return;
    const TableData& data = *table.constant.table;
    if (!(key.value || key.each_of)) return;
    auto missing =
        lacked_keys(data, key.value ? std::span(&*key.value, 1) : values_of(*key.each_of), false);
    if (missing.empty()) return;
    lookups_to_prove_[{at.file, at.begin, at.end}] = std::move(missing);
    if (key.value) one_value_lookups_.insert({at.file, at.begin, at.end});
}

// `allowed[k]` of a setting dated by some policy: each version's value needs a row on the
// dates it holds that the look-up runs on (a version `from "2026-01-01"` in a rule `until`
// then, none).
void ExpressionChecker::note_setting_lookup(std::uint32_t setting, const Node& table, Span at) {
    if (table.op != Op::Const || table.constant.kind != Kind::Table) return;
    Effective runs = in_force();
    std::vector<std::string> missing;
    for (const SettingVersionCode& version : p().settings[setting].versions) {
        Effective both = overlap(runs, version.effective);
        if (!both.from.empty() && !both.until.empty() && both.from >= both.until) continue;
        std::string value = to_text(version.value, p().shapes, true);
        if (!always_found(*table.constant.table, version.value, both) &&
            std::find(missing.begin(), missing.end(), value) == missing.end())
            missing.push_back(value);
    }
    if (!missing.empty()) lookups_to_prove_[{at.file, at.begin, at.end}] = std::move(missing);
}

std::optional<std::vector<std::string>>
ExpressionChecker::lookup_to_prove(const std::optional<CaseField>& key, bool case_text,
                                   const TableData& data) {
    if (!key || key->each) {
        if (case_text) return std::vector<std::string>{};
        return std::nullopt;
    }
    const case_schema::Field* f = schema_field(*key, key->element);
    std::vector<std::string> missing;
    if (f && f->spec.read == case_schema::Read::OneOf) {
        for (std::string_view option : f->spec.choice->options)
            if (!always_found(data, Value::of_string(option), in_force()))
                missing.push_back(fmt::format("\"{}\"", option));
        if (missing.empty()) return std::nullopt;
    }
    return missing;
}

void ExpressionChecker::note_call_lookups(std::uint32_t def, const std::vector<Node>& args,
                                          const ArgumentFacts& facts, Span at) {
    if (def >= param_lookups_.size()) return;
    const auto& [fields, case_texts, types, constants] = facts;
    for (const ParamLookup& lookup : param_lookups_[def]) {
        if (lookup.param >= fields.size()) continue;
        using Form = ParamLookup::Form;
        // `limit_of(95999)`: a constant, found or not in every case. `limit_of(c)` in a loop
        // over a constant list (`for c in [95860, 95999]`): each of its elements, unless a test
        // before the call proves it.
        const Node& arg = args[lookup.param];
        const Constants& known = constants[lookup.param];
        const Value* value = is_plain_constant(arg) ? &arg.constant
                             : known.value          ? &*known.value
                                                    : nullptr;
        if (value || known.each_of) {
            if (lookup.form == Form::other) continue;
            auto keys =
                constant_keys(lookup, value ? std::span(value, 1) : values_of(*known.each_of));
            if (!keys) continue;
            std::erase_if(*keys, [&](const Value& key) { return excluded_by(lookup, key); });
            auto lacked = lacked_keys(*lookup.table, *keys, lookup.form == Form::lowered);
            if (lacked.empty()) continue;
            // A field named in the body (`l.code` of `def limit(l)`), named as the argument's
            // records name it (`.0`), as its tests do (`for r in [{code: …}]`, `r.code in t`).
            ParamLookup named = lookup;
            if (auto resolved = untyped_field(lookup, def, types[lookup.param]);
                resolved && resolved->lookup.key != lookup.key)
                named = resolved->lookup;
            calls_to_prove_[{at.file, at.begin, at.end}].push_back(
                {std::move(named), def, std::move(lacked), value != nullptr});
            continue;
        }
        // `limit(line)` of `def limit(l: claim_line) = t[l.code]`: the field is judged as where
        // the body looks it up (a field of fixed choices all of which have a row needs no test).
        if (lookup.form == Form::field) {
            auto noted = lookups_to_prove_.find({lookup.at.file, lookup.at.begin, lookup.at.end});
            if (noted != lookups_to_prove_.end())
                calls_to_prove_[{at.file, at.begin, at.end}].push_back(
                    {lookup, def, noted->second});
            else if (auto resolved = untyped_field(lookup, def, types[lookup.param]))
                calls_to_prove_[{at.file, at.begin, at.end}].push_back(std::move(*resolved));
            continue;
        }
        // `limits(claim.code)`: each element of the list is looked up. A list of values of a
        // field of fixed choices needs a test only when the table lacks one of them; any other
        // list, unless the walk finds it made of keys (a filtered list, `keys(t)`). An argument
        // that is no list is a mistake of another kind.
        if (lookup.form == Form::each) {
            const TypeP& type = types[lookup.param];
            if (type && type->kind != TypeKind::List && type->kind != TypeKind::Any) continue;
            if (!lookup.below.empty()) {
                // A field of each element (`:code`), judged as the field of the argument's
                // records (`claim`: a line's `code`), and named as its keys name it (`.2`);
                // a list of records of no known shape, unless the walk finds it filtered.
                const TypeP element =
                    type && type->kind == TypeKind::List ? type->element : nullptr;
                int index = element && element->kind == TypeKind::Record &&
                                    lookup.below.find(':', 1) == std::string::npos
                                ? p().shapes[element->shape].field_index(lookup.below.substr(1))
                                : -1;
                if (index < 0) { // records of no known shape: their field may be anything
                    calls_to_prove_[{at.file, at.begin, at.end}].push_back({lookup, def, {}});
                    continue;
                }
                CaseField field{element->shape, static_cast<std::uint32_t>(index)};
                auto missing = lookup_to_prove(field, true, *lookup.table);
                if (!missing) continue;
                ParamLookup resolved = lookup;
                resolved.below_named = lookup.below;
                resolved.below = fmt::format(".{}", index);
                calls_to_prove_[{at.file, at.begin, at.end}].push_back(
                    {std::move(resolved), def, std::move(*missing)});
                continue;
            }
            if (auto missing =
                    lookup_to_prove(element_of(fields[lookup.param]), true, *lookup.table))
                calls_to_prove_[{at.file, at.begin, at.end}].push_back(
                    {lookup, def, std::move(*missing)});
            continue;
        }
        // The key as the look-up sees it: the field, `lower` of a field whose values are all in
        // lower case (the field again, as `lower(limb.limb)` written out is), or a text made
        // from the case, which may be anything.
        std::optional<CaseField> field = fields[lookup.param];
        bool case_text = case_texts[lookup.param];
        bool kept = lookup.form == Form::same ||
                    (lookup.form == Form::lowered && field && all_lower_case(*field));
        if (!kept) {
            case_text = case_text || (field && !field->each);
            field.reset();
        }
        auto missing = lookup_to_prove(field, case_text, *lookup.table);
        if (missing && !missing->empty() && !lookup.excluded.empty()) { // a choice's, excluded
            std::erase_if(*missing, [&](const std::string& lacked) {
                return std::any_of(
                    lookup.excluded.begin(), lookup.excluded.end(),
                    [&](const Value& v) { return to_text(v, p().shapes, true) == lacked; });
            });
            if (missing->empty()) continue;
        }
        if (missing)
            calls_to_prove_[{at.file, at.begin, at.end}].push_back(
                {lookup, def, std::move(*missing)});
    }
}

// Where row `r` of `data` writes the text key `key` (a key, or a bound of a range of
// strings), in the layer that wrote the row; `otherwise` when no written key is it.
Span ExpressionChecker::key_written_at(const TableData& data, std::size_t r, std::string_view key,
                                       Span otherwise) const {
    auto written = rows_written_by_.find(&data);
    if (written == rows_written_by_.end() || r >= written->second.size()) return otherwise;
    Span at = otherwise;
    for (const auto& k : written->second[r]->row->keys) {
        const auto* lit = k.literal ? std::get_if<ast::StringLit>(&k.literal->kind) : nullptr;
        if ((lit && plain(*lit) == key) ||
            (k.range == ast::TableKey::Range::strings && (k.low_text == key || k.high_text == key)))
            at = k.span;
    }
    return at;
}

// `lower(name) in sphincter_muscles`: a look-up by a text in lower case, counted by table.
void ExpressionChecker::looked_up_lowered(const Node& table, const Node& key) {
    bool lowered =
        key.op == Op::Builtin && key.builtin && key.builtin->name == std::string_view("lower");
    if (!lowered || table.op != Op::Const || table.constant.kind != Kind::Table) return;
    LowerLookups& lookups = lower_lookups_[table.constant.table];
    if (lookups.count++ == 0) lookups.key = key.span;
}

// A table every expression looks up by a text in lower case (a payer's `"Puborectalis" =>
// 51785` in `sphincter_muscles`): a key with a capital letter is a row never found, and the
// claim is what it would be without it. `muscles` is exempt: the case reader names each limb
// muscle by its row's first name, which the policy then looks up. (The reader reads the other
// muscle tables in any capitals only to name where a misplaced muscle belongs.)
void ExpressionChecker::keys_never_lower_case() {
    for (std::uint32_t t = 0; t < p().tables.size(); ++t) {
        const TableData* data = p().tables[t].get();
        auto lookups = lower_lookups_.find(data);
        if (lookups == lower_lookups_.end() || lookups->second.count < table_named_[t] ||
            data->name == case_tables::muscles)
            continue;
        for (std::size_t r = 0; r < data->rows.size(); ++r)
            for (const Value& key : data->rows[r].keys) {
                if (key.kind != Kind::String || !has_ascii_upper(key.str()) ||
                    !keys_never_found_.insert({data, std::string(key.str())}).second)
                    continue;
                Span at = key_written_at(*data, r, key.str(), lookups->second.key);
                auto& d =
                    error("check.impossible_value", at,
                          fmt::format("table `{}` has the key \"{}\", which the policy never "
                                      "finds: every look-up of the table is by a text in "
                                      "lower case (`{}`), which has no capital letter",
                                      data->name, key.str(), source_text(lookups->second.key)));
                d.help = fmt::format("write the key in lower case, \"{}\"", ascii_lower(key.str()));
                d.notes.push_back(fmt::format("looked up at {}", where(lookups->second.key)));
            }
    }
}

bool ExpressionChecker::capital_after_lower(const Node& text, const Node& constant,
                                            const ast::Expr& at, std::string_view compared) {
    bool lowered =
        text.op == Op::Builtin && text.builtin && text.builtin->name == std::string_view("lower");
    if (!lowered || constant.op != Op::Const) return false;
    for (const Value& v : values_of(constant.constant)) {
        if (v.kind != Kind::String) continue;
        std::string_view s = v.str();
        if (!has_ascii_upper(s)) continue;
        auto& d = error("check.impossible_value", at.span,
                        fmt::format("`{}` {} \"{}\": a text in lower case has no capital letter",
                                    source_text(text.span), compared, s));
        d.help = fmt::format("compare it in lower case, \"{}\", or drop `lower`", ascii_lower(s));
        return true;
    }
    return false;
}

// `line.rule == "needle_emg_complete_without_nsc"`: a claim line's `rule` is the name of the
// rule (or exception) that billed it, or "submitted"; a name no rule has never matches.
bool ExpressionChecker::unknown_rule_name(const Typed& field, const Typed& constant,
                                          const ast::Expr& at) {
    if (!field.field || field.field->each || field.field->shape != shape_line ||
        p().shapes[shape_line].fields[field.field->index] != "rule" ||
        constant.node.op != Op::Const || constant.node.constant.kind != Kind::String)
        return false;
    // A rule a payer disabled is named too: its base's edits may still name it.
    std::vector<std::string_view> names = {"submitted"};
    for (const MergedRule& rule : merged_.rules) {
        names.push_back(rule.rule->name.text);
        for (const auto& exception : rule.exceptions)
            names.push_back(exception.first->name.text);
        for (const LayeredChange& exception : rule.element_exceptions)
            names.push_back(exception.decl->rule.name.text);
    }
    for (const auto& disabled : merged_.disabled)
        names.push_back(disabled.name);
    std::string_view name = constant.node.constant.str();
    if (std::find(names.begin(), names.end(), name) != names.end()) return false;
    bool an_edit = std::any_of(merged_.edits.begin(), merged_.edits.end(), [&](const auto& e) {
        return e.rule->name.text == name ||
               std::any_of(e.exceptions.begin(), e.exceptions.end(),
                           [&](const auto& x) { return x.first->name.text == name; }) ||
               std::any_of(e.element_exceptions.begin(), e.element_exceptions.end(),
                           [&](const LayeredChange& x) { return x.decl->rule.name.text == name; });
    });
    auto& d = error("check.impossible_value", at.span,
                    an_edit ? fmt::format("\"{}\" is an edit (or an exception to one), and edits "
                                          "bill nothing: a claim line's `rule` is the name of the "
                                          "rule (or exception) that billed it, or \"submitted\"",
                                          name)
                            : fmt::format("no rule is named \"{}\": a claim line's `rule` is the "
                                          "name of the rule (or exception) that billed it, or "
                                          "\"submitted\"",
                                          name));
    if (an_edit) return true;
    if (auto guess = closest(name, names)) d.help = fmt::format("did you mean \"{}\"?", *guess);
    return true;
}

namespace {

// The number written at `e` (`3`, `-1`), or none: a value that comes from a setting or a
// table is not the condition as written (a payer may restate it).
std::optional<std::int64_t> number_written(const ast::Expr& e) {
    if (const auto* number = std::get_if<ast::NumberLit>(&e.kind))
        return number->fraction.empty() ? std::optional(number->value) : std::nullopt;
    if (const auto* unary = std::get_if<ast::Unary>(&e.kind);
        unary && unary->op == ast::UnaryOp::Neg && unary->operand)
        if (auto n = number_written(*unary->operand); n && *n != INT64_MIN) return -*n;
    return std::nullopt;
}

// Whether `x OP c` holds for every x of at least `least` (true), for none (false), or
// depends on x.
std::optional<bool> fixed_by_least(ast::BinaryOp op, std::int64_t c, std::int64_t least) {
    using B = ast::BinaryOp;
    switch (op) {
    case B::Lt:
        return c <= least ? std::optional(false) : std::nullopt;
    case B::Le:
    case B::Eq:
        return c < least ? std::optional(false) : std::nullopt;
    case B::Gt:
    case B::Ne:
        return c < least ? std::optional(true) : std::nullopt;
    case B::Ge:
        return c <= least ? std::optional(true) : std::nullopt;
    default:
        return std::nullopt;
    }
}

ast::BinaryOp turned_around(ast::BinaryOp op) {
    using B = ast::BinaryOp;
    return op == B::Lt   ? B::Gt
           : op == B::Gt ? B::Lt
           : op == B::Le ? B::Ge
           : op == B::Ge ? B::Le
                         : op;
}

} // namespace

namespace {

// The least value a number can take on any case, with why: a count's is 0; a claim line's
// units 1 (the case reader takes 1 to 9999 on a submitted line, a rule bills no line of 0
// units, and a cap to 0 removes the line).
struct Least {
    std::int64_t value;
    std::string_view why;
};
std::optional<Least> least_of(const Typed& t) {
    const Node& n = t.node;
    if (n.op == Op::Builtin && n.builtin && n.builtin->name == std::string_view("count"))
        return Least{0, "a count is never below 0"};
    if (t.field && !t.field->each && !t.field->element && t.field->index == line_field::units &&
        (t.field->shape == shape_line || t.field->shape == shape_claim_line))
        return Least{1, "a claim line has at least 1 unit (a line of none is not on the claim)"};
    return std::nullopt;
}

} // namespace

// `count(l.muscles) < 0`, `count(case.diagnoses) >= 0`, `line.units < 1`: a number with a
// least value compared with one written at or below it says the same on every case, and the
// author meant another comparison. True when reported.
bool ExpressionChecker::compared_below_least(const ast::Binary& b, const Typed& left,
                                             const Typed& right, Span whole) {
    ast::BinaryOp op = b.op;
    std::optional<std::int64_t> c;
    const Typed* bounded = &left;
    std::optional<Least> least = least_of(left);
    if (least) {
        c = number_written(*b.right);
    } else if ((least = least_of(right)) && (c = number_written(*b.left))) {
        op = turned_around(op);
        bounded = &right;
    }
    if (!least || !c) return false;
    std::optional<bool> always = fixed_by_least(op, *c, least->value);
    if (!always) return false;
    // Quoted from its operands (an operand's span stops inside its parentheses).
    std::string written =
        fmt::format("{} {} {}", source_text(b.left->span), vocabulary::binary(b.op).spelling,
                    source_text(b.right->span));
    auto& d = error(
        "check.impossible_value", whole,
        fmt::format("`{}` {}: {}", written, *always ? "always holds" : "never holds", least->why));
    std::string number(source_text(bounded->node.span));
    if (least->value == 0)
        d.help = fmt::format("for none, write `{} == 0`; for some, `{} > 0`", number, number);
    else
        d.help = fmt::format("for one unit, write `{} == 1`; for more than one, `{} > 1`", number,
                             number);
    return true;
}

// `line.code == "9588"`, `intersects(line.modifiers, ["xs"])`: a constant (or each element of a
// constant list) the field never holds (`elements`: of a list field), said at `at`; true
// when said.
bool ExpressionChecker::constant_never_held(const CaseField& field, bool elements,
                                            const Node& constant, const ast::Expr& at,
                                            const Constants* known) {
    std::optional<NeverHeld> never;
    if (constant.op == Op::Const) {
        never = never_held(field, elements, values_of(constant.constant));
    } else if (auto possible = known ? possible_values(constant, *known) : std::nullopt) {
        // One of the values known before any case (`m` of `for m in ["xs", "XE"]`, `if c then
        // "g56.01" else …`, a row's value of `covered_from[line.code]`). A policy may hold a
        // word of its own among them ("any", "none", "always") and test for it before the
        // comparison, so only a near miss of the field's form is judged: one with a
        // did-you-mean ("xs" for XS), or digits written wrongly ("2025-1-1", "9586").
        auto near_miss = [](const NeverHeld& n) {
            bool digits =
                !n.value.empty() && n.value.find_first_not_of("0123456789-.") == std::string::npos;
            return digits || n.help.starts_with("did you mean");
        };
        for (const Value& v : *possible)
            for (const Value& each : values_of(v))
                if (auto one = never_held(field, elements, {&each, 1}); one && near_miss(*one)) {
                    never = std::move(one);
                    break;
                }
    }
    if (!never) return false;
    auto& d = error("check.impossible_value", at.span,
                    elements ? fmt::format("{} never holds \"{}\": each is {}", never->what,
                                           never->value, never->expected)
                             : fmt::format("{} is never \"{}\": it is {}", never->what,
                                           never->value, never->expected));
    if (!never->help.empty()) d.help = never->help;
    if (constant.op != Op::Const)
        d.notes.push_back(fmt::format("\"{}\" is one of the values `{}` may take", never->value,
                                      one_line(source_text(at.span))));
    return true;
}

void ExpressionChecker::impossible_value(const ast::Binary& b, const Typed& left,
                                         const Typed& right, Span whole) {
    using B = ast::BinaryOp;
    bool membership = b.op == B::In || b.op == B::NotIn;
    if (!membership && compared_below_least(b, left, right, whole)) return;
    // `lower(d) == "G56.0"`, `lower(m) in ["XS"]`: never equal.
    bool listed = right.node.op == Op::Const && right.node.constant.kind == Kind::List;
    if (!membership || listed) {
        if (capital_after_lower(left.node, right.node, *b.right, "is never")) return;
        if (!membership && capital_after_lower(right.node, left.node, *b.left, "is never")) return;
    }
    if (!membership) {
        if (unknown_rule_name(left, right, *b.right) || unknown_rule_name(right, left, *b.left))
            return;
    }
    auto check = [&](const Typed::Field& field, bool elements, const Typed& constant,
                     const ast::Expr& at) {
        constant_never_held(field, elements, constant.node, at, &constant.constants);
    };
    if (!membership) {
        // `line.modifiers == ["xs"]`: a list field against a list, element by element.
        auto elements = [](const Typed& t) {
            return t.field->element || (t.type && t.type->kind == TypeKind::List);
        };
        if (left.field && !left.field->each) check(*left.field, elements(left), right, *b.right);
        if (right.field && !right.field->each) check(*right.field, elements(right), left, *b.left);
        return;
    }
    // `"xs" in line.modifiers`, `"left" in limbs.limb`: the elements of a list field.
    if (right.field && !right.field->element)
        check(*right.field, !right.field->each, left, *b.left);
    // `line.code in ["95885", "9588"]`: each element of the list.
    if (left.field && !left.field->each && right.node.op == Op::Const &&
        right.node.constant.kind == Kind::List)
        check(*left.field, left.field->element, right, *b.right);
    // `m in bypass_modifiers`: each key of the table.
    never_a_key(left.field, right.node, *b.right);
    looked_up_lowered(right.node, left.node);
}

namespace {

// `5..1`, `95937..95907`: bounds known when the policy is checked, the upper below the lower.
bool empty_constant_range(const Node& low, const Node& high) {
    if (low.op != Op::Const || high.op != Op::Const || low.constant.kind != high.constant.kind)
        return false;
    if (low.constant.kind == Kind::Number) return high.constant.number < low.constant.number;
    // A code with a letter (0766T) is no bound at all (eval.range), not one in the wrong order.
    auto numeric = [](std::string_view code) {
        return std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (low.constant.kind == Kind::String)
        return numeric(low.constant.str()) && numeric(high.constant.str()) &&
               high.constant.str() < low.constant.str();
    return false;
}

} // namespace

void ExpressionChecker::empty_range(const ast::Binary& b, Span span) {
    error("check.empty_range", span,
          fmt::format("the range `{}` is empty: nothing is in it", source_text(span)))
        .help = fmt::format("write the lower bound first: `{}..{}`", source_text(b.right->span),
                            source_text(b.left->span));
}

// The field itself, or a `let` or a definition of it (`let d = case.date_of_service`), or its
// text (`"{case.date_of_service}"`); not `service_date`, which is the field's value or today's.
bool ExpressionChecker::is_case_date(const Node& operand, const std::optional<CaseField>& field) {
    auto is_the_field = [](const Node& n) {
        return n.op == Op::Member && n.kids.size() == 1 && n.kids[0].op == Op::CaseRoot &&
               n.slot == case_field::date_of_service;
    };
    bool of_let = operand.op == Op::Local && field && field->shape == shape_case &&
                  field->index == case_field::date_of_service && !field->each && !field->element &&
                  !field->date_from;
    bool of_def = operand.op == Op::Def && operand.slot < p().defs.size() &&
                  is_the_field(p().defs[operand.slot].body);
    // `"{case.date_of_service}"`: the field as text, "" as well for a case without a date.
    bool as_text = is_text_of_one(operand) && is_case_date(operand.kids[0], field);
    return is_the_field(operand) || of_let || of_def || as_text;
}

void ExpressionChecker::undated_case_date(const Node& operand,
                                          const std::optional<CaseField>& field, Span at,
                                          std::string_view use) {
    const Span& s = operand.span;
    if (is_case_date(operand, field))
        dates_to_prove_[{s.file, s.begin, s.end}] = {at, std::string(use)};
    else if (operand.op == Op::Local && !field) // a parameter, perhaps: judged at its calls
        local_dates_[{s.file, s.begin, s.end}] = {at, std::string(use)};
}

void ExpressionChecker::report_undated(const UndatedUse& undated) {
    // A definition's use is reported at most once, however many functions read it.
    if (!undated_reported_.insert({undated.at.file, undated.at.begin, undated.at.end}).second)
        return;
    auto& d = warning("check.undated_case_date", undated.at,
                      fmt::format("`case.date_of_service` is \"\" for a case without a date, "
                                  "which the policy codes as of today: {}",
                                  undated.use));
    d.help = "write `service_date`: the case's date, or today's for a case without one (test "
             "`case.date_of_service == \"\"` to tell an undated case)";
}

// `after(case.date_of_service)` of `def after(d) = d >= "2024-01-01"`, with no test before it
// that the case has a date.
void ExpressionChecker::report_call_undated(const Node& call, const ParamDate& date) {
    const Node& argument = call.kids[date.param];
    std::uint32_t holder = date.in_def.value_or(call.slot);
    std::string called = holder < p().defs.size() ? p().defs[holder].name : "?";
    auto& d = warning("check.undated_case_date", as_written(argument.span),
                      fmt::format("`case.date_of_service` is \"\" for a case without a date, "
                                  "which the policy codes as of today: `{}` uses it as a date",
                                  called));
    d.notes.push_back(fmt::format("at {}: {}", where(date.use.at), date.use.use));
    d.help = "give `service_date`: the case's date, or today's for a case without one (or test "
             "`case.date_of_service != \"\"` first)";
}

// `study_year` of `def study_year = year(case.date_of_service)`, read with no test before it
// that the case has a date.
void ExpressionChecker::report_def_undated(const Node& read, const DefDate& date) {
    std::string name = read.slot < p().defs.size() ? p().defs[read.slot].name : "?";
    auto& d = warning("check.undated_case_date", as_written(read.span),
                      fmt::format("`case.date_of_service` is \"\" for a case without a date, "
                                  "which the policy codes as of today: `{}` uses it as a date, "
                                  "and nothing before this read tests that the case has one",
                                  name));
    d.notes.push_back(fmt::format("at {}: {}", where(date.use.at), date.use.use));
    d.help = "test `case.date_of_service != \"\"` first, or define it of `service_date`: the "
             "case's date, or today's for a case without one";
}

Typed ExpressionChecker::binary(const ast::Binary& b, Span span, Scope& scope) {
    using B = ast::BinaryOp;
    Typed left = expr(*b.left, scope);
    // While the end of a range is compiled, a type error in it is likely `..`'s precedence.
    const ast::Expr* outer_range_end = range_end_;
    const ast::Expr* outer_range_start = range_start_;
    if (b.op == B::Range) {
        range_start_ = b.left.get();
        range_end_ = b.right.get();
    }
    // The right of `and` is evaluated where the left holds; of `or`, where it fails.
    Typed right = [&] {
        if (b.op != B::And && b.op != B::Or) return expr(*b.right, scope);
        Assuming left_side(*this, left.node, b.op == B::Or);
        return expr(*b.right, scope);
    }();
    range_end_ = outer_range_end;
    range_start_ = outer_range_start;
    const TypeP& l = left.type;
    const TypeP& r = right.type;
    bool failed = false;
    auto mismatch = [&](std::string_view op) {
        auto& d =
            error("check.type_mismatch", b.op_span,
                  fmt::format("`{}` cannot combine {} and {}", op, type_name(l), type_name(r)));
        if (range_end_ && range_start_ && std::get_if<ast::Binary>(&range_end_->kind) == &b)
            d.help = fmt::format("`..` binds looser than `{}`: write `({}..{}) {} {}`", op,
                                 source_text(range_start_->span), source_text(b.left->span), op,
                                 source_text(b.right->span));
        // `ncs_band > 0`: a table is compared or counted only through its rows.
        for (const auto& [side, type] : {std::pair{b.left.get(), &l}, {b.right.get(), &r}})
            if ((*type)->kind == TypeKind::Table) {
                std::string table(source_text(side->span));
                d.help = fmt::format("`{}` is a table: its value for a key is `{}[KEY]`, `KEY "
                                     "in {}` tests a key, and `count(keys({}))` counts its rows",
                                     table, table, table, table);
            }
        // `1..10000`: five digits are a code; the number is written with a `_`.
        for (const auto& [side, other] : {std::pair{b.left.get(), &r}, {b.right.get(), &l}})
            if (std::holds_alternative<ast::CodeLit>(side->kind) &&
                (*other)->kind == TypeKind::Number) {
                d.help = fmt::format("five digits are a code: for the number, write {}",
                                     digits_grouped(source_text(side->span)));
            }
        failed = true;
    };
    TypeP result = bool_type();
    Op op = Op::Eq;
    bool is_switch = false;
    switch (b.op) {
    case B::Or:
    case B::And:
        op = b.op == B::Or ? Op::Or : Op::And;
        if (!fits(bool_type(), l) || !fits(bool_type(), r))
            mismatch(vocabulary::binary(b.op).spelling);
        is_switch = left.is_switch || right.is_switch;
        break;
    case B::Eq:
    case B::Ne:
        op = b.op == B::Eq ? Op::Eq : Op::Ne;
        failed = incomparable(b, left, right);
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
        if (known(r) && r->kind != TypeKind::List && r->kind != TypeKind::Table) {
            error("check.type_mismatch", b.right->span,
                  fmt::format("`{}` needs a list, a range or a table, not {}",
                              vocabulary::binary(ast::BinaryOp::In).spelling, type_name(r)));
            failed = true;
        } else {
            failed = incomparable(b, left, right);
        }
        break;
    case B::Range:
        op = Op::Range;
        if (known(l) && known(r) && !(l->kind == TypeKind::Number && r->kind == TypeKind::Number) &&
            !(is_text(l) && is_text(r)))
            mismatch(vocabulary::binary(b.op).spelling);
        else if (empty_constant_range(left.node, right.node)) {
            empty_range(b, span);
            failed = true;
        }
        result = list_of(known(l) ? l : r);
        break;
    case B::Add:
        op = Op::Add;
        if (l->kind == TypeKind::Number && r->kind == TypeKind::Number)
            result = number_type();
        else if (is_text(l) && is_text(r))
            result = string_type();
        else if (l->kind == TypeKind::List && r->kind == TypeKind::List) {
            // `case.nerve_conduction + case.neuromuscular_junction`: elements of two kinds,
            // whose fields no check could then trust.
            if (!comparable(l->element, r->element)) mismatch(vocabulary::binary(b.op).spelling);
            result = unify(l, r);
        } else if (!known(l) || !known(r))
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
        else if ((op == Op::Div || op == Op::Mod) && !(known_value(left.node, left.constants) &&
                                                       known_value(right.node, right.constants))) {
            // Two constants (or definitions of them) are folded, which reports a 0 divisor; a
            // constant divided by a look-up (`10 / t[c]`) is judged as any other division. A
            // requirement is decided on every date by the checker, which reports its division
            // by 0 itself.
            if (!scope.requirement) zero_divisor(b, right);
            // `total / count(case.extremities)`: 0 for a case without limbs, judged as
            // `case.extremities[0]` is (check.unguarded_position).
            const Node& d = right.node;
            if (d.op == Op::Builtin && d.builtin && d.builtin->name == std::string_view("count") &&
                d.kids.size() == 1 && depends_on_case(right) && d.kids[0].op != Op::Const &&
                d.kids[0].op != Op::List)
                positions_to_prove_[{span.file, span.begin, span.end}] = 1;
        }
        result = number_type();
        break;
    }
    bool compares = op == Op::Eq || op == Op::Ne || op == Op::Lt || op == Op::Le || op == Op::Gt ||
                    op == Op::Ge || op == Op::In || op == Op::NotIn;
    if (!failed && compares) impossible_value(b, left, right, span);
    if (op == Op::Lt || op == Op::Le || op == Op::Gt || op == Op::Ge)
        for (auto [operand, side] : {std::pair{&left, b.left.get()}, {&right, b.right.get()}})
            undated_case_date(operand->node, operand->field, side->span,
                              "compared here, it is before every date, as if the study were "
                              "older than any");
    // A mistake is not also folded: evaluating it now would report it a second time.
    if (failed) return fail(span);
    // `line.units + 1`, `"{a}" + line.code`: a number or a text the case chooses.
    bool arithmetic =
        op == Op::Add || op == Op::Sub || op == Op::Mul || op == Op::Div || op == Op::Mod;
    bool from_case = arithmetic && result->kind != TypeKind::List &&
                     (depends_on_case(left) || depends_on_case(right));
    std::optional<Value> each = shifted_each(op, left, right);
    std::vector<Node> kids;
    kids.push_back(std::move(left.node));
    kids.push_back(std::move(right.node));
    Typed out = make(op, std::move(kids), result, span);
    out.is_switch = is_switch;
    out.case_text = from_case && out.node.op == op;
    if (out.node.op == op) out.constants.each_of = each;
    return out;
}

void ExpressionChecker::note_settings(Diagnostic& d, Span at) {
    if (const auto* settings = p().settings_folded_at(at))
        for (std::uint32_t slot : *settings) {
            const SettingCode& setting = p().settings[slot];
            d.notes.push_back(fmt::format("it is the value of setting `{}`, set by `{}`",
                                          setting.name, setting.versions.back().layer));
        }
}

// A divisor known before any case. Always 0 as written (`/ 0`, `/ (1 - 1)`): every case that
// divides stops, an error. 0 from a setting, in some rows of the table it is read from, or on
// some dates of its setting: a warning, unless the conditions holding there leave 0 out
// (`when per_unit > 0`, `if d != 0 then … else 0`: zero_left_out).
void ExpressionChecker::zero_divisor(const ast::Binary& b, const Typed& divisor) {
    std::string_view op = vocabulary::binary(b.op).spelling;
    std::string written = one_line(source_text(b.right->span));
    const Node& n = divisor.node;
    const auto* settings = p().settings_folded_at(n.span);
    bool from_settings = settings && !settings->empty();
    const Value* known = known_value(n, divisor.constants);
    if (known && known->kind == Kind::Number && known->number == 0 && !from_settings) {
        error("eval.division_by_zero", b.right->span,
              fmt::format("`{}` divides by {}: this stops every case that reaches it", op,
                          written == "0" ? written : fmt::format("`{}`, which is 0", written)));
        return;
    }
    // `let per_study = t[line.code]`, then `/ per_study`: judged as the look-up it names; so
    // is a definition without parameters (`def role_share = shares[case.provider_role]`, or
    // `def share() = …`), and a name of a name. A definition's body is in a scope of its
    // own: a local there is not the rule's. A sign changed is 0 where the value is (`-t[k]`).
    auto unsigned_of = [](const Node* x) {
        while (x->op == Op::Neg && x->kids.size() == 1)
            x = &x->kids[0];
        return x;
    };
    const Node& name = *unsigned_of(&n);
    const Node* named = nullptr;
    bool in_definition = false;
    for (int hops = 0; hops < 8; ++hops) {
        const Node& at = *unsigned_of(named ? named : &name);
        const Node* next = in_definition ? nullptr : let_named(at);
        bool parameterless = (at.op == Op::Def || (at.op == Op::CallDef && at.kids.empty())) &&
                             at.slot < p().defs.size() && p().defs[at.slot].param_count == 0;
        if (!next && parameterless) next = &p().defs[at.slot].body;
        if (!next) break;
        in_definition = in_definition || parameterless;
        named = next;
    }
    const Node& r = *unsigned_of(named ? named : &name);
    // The look-up it reads: `t[k]`, or a field of the row (`t[k].per_unit`, a field of a
    // field, `t[k].sizes.studies`), also of a row a `let` names (`let row = t[k]`, then
    // `row.per_unit`).
    std::vector<std::uint32_t> fields; // the fields read, outermost first
    const Node* row = &r;
    while (row->op == Op::Member && row->kids.size() == 1) {
        fields.push_back(row->slot);
        row = &row->kids[0];
    }
    const Node* row_written = row;
    const Node* row_named = !fields.empty() && !in_definition ? let_named(*row) : nullptr;
    if (row_named) row = row_named;
    bool of_field = !fields.empty() && row->op == Op::Index;
    const Node* lookup = r.op == Op::Index ? &r : of_field ? row : nullptr;
    auto read_of = [&](const Value& value) -> const Value* {
        const Value* v = &value;
        for (auto field = fields.rbegin(); field != fields.rend(); ++field) {
            if (v->kind != Kind::Record || *field >= v->size) return nullptr;
            v = &v->items[*field];
        }
        return v;
    };
    std::vector<std::string> zeros; // where the divisor is 0, in words
    std::vector<Value> zero_keys;   // the keys of a table's rows of 0; none when one is a range
    std::string_view where = "";
    if (known && known->kind == Kind::Number && known->number == 0) {
        zeros.push_back("every date of service");
    } else if (lookup && lookup->kids.size() == 2 && lookup->kids[0].op == Op::Const &&
               lookup->kids[0].constant.kind == Kind::Table) {
        bool ranges = false;
        for (const TableRowData& data : lookup->kids[0].constant.table->rows)
            if (const Value* v = read_of(data.value);
                v && v->kind == Kind::Number && v->number == 0) {
                zeros.push_back(data.is_range ? range_text(data)
                                              : to_text(data.keys[0], p().shapes, true));
                ranges = ranges || data.is_range;
                if (!data.is_range)
                    zero_keys.insert(zero_keys.end(), data.keys.begin(), data.keys.end());
            }
        if (ranges) zero_keys.clear();
        where = zeros.size() == 1 ? "the row of " : "the rows of ";
    } else if (r.op == Op::DatedSetting && r.slot < p().settings.size()) {
        for (const SettingVersionCode& v : p().settings[r.slot].versions)
            if (v.value.kind == Kind::Number && v.value.number == 0)
                zeros.push_back(fmt::format("its value {}", range_in_words(v.effective)));
    }
    // A test known before any case (`when acme_div > 0` of a setting 0) leaves it all out.
    if (zeros.empty() || never_runs() ||
        zero_left_out(r, named ? &name : nullptr, lookup, zero_keys))
        return;
    std::size_t shown = std::min<std::size_t>(zeros.size(), 3);
    auto& d = warning(
        "check.zero_divisor", b.right->span,
        fmt::format("`{}` divides by `{}`, which is 0 for {}{}{}: a case reaching it there stops "
                    "(eval.division_by_zero) unless a test before it leaves 0 out",
                    op, written, where,
                    fmt::join(zeros.begin(), zeros.begin() + static_cast<long>(shown), ", "),
                    zeros.size() > shown ? fmt::format(" and {} more", zeros.size() - shown) : ""));
    if (named)
        d.notes.push_back(fmt::format(
            "`{}` is `{}`, as its {} names it", one_line(source_text(name.span)),
            one_line(source_text(named->span)), name.op == Op::Local ? "`let`" : "definition"));
    if (row_named)
        d.notes.push_back(fmt::format("`{}` is `{}`, as its `let` names it",
                                      one_line(source_text(row_written->span)),
                                      one_line(source_text(row_named->span))));
    d.help = "test it before dividing (`when d > 0`, or `if d > 0 then … else 0`), or give it a "
             "value other than 0";
    note_settings(d, r.span);
}

// `i + 1` of `for i in 0..3` takes each of 1..4 in turn: known, so that a position `l[i + 1]`
// (or `let j = i + 1`, then `l[j]`) is judged by the largest (check.unguarded_position).
std::optional<Value> ExpressionChecker::shifted_each(Op op, const Typed& left, const Typed& right) {
    if (op != Op::Add && op != Op::Sub) return std::nullopt;
    auto number = [](const Typed& t) -> std::optional<std::int64_t> {
        const Value* v = known_value(t.node, t.constants);
        if (v && v->kind == Kind::Number) return v->number;
        return std::nullopt;
    };
    auto numbers = [](const Typed& t) -> const Value* {
        const auto& each = t.constants.each_of;
        if (!each || each->kind != Kind::List) return nullptr;
        for (const Value& v : each->list())
            if (v.kind != Kind::Number) return nullptr;
        return &*each;
    };
    const Value* each = numbers(left);
    std::optional<std::int64_t> by = number(right);
    bool each_on_left = each && by;
    if (!each_on_left) {
        each = numbers(right);
        by = number(left);
        if (!each || !by) return std::nullopt;
    }
    std::vector<Value> values;
    for (const Value& v : each->list()) {
        std::int64_t a = each_on_left ? v.number : *by, b = each_on_left ? *by : v.number, r = 0;
        if (op == Op::Add ? __builtin_add_overflow(a, b, &r) : __builtin_sub_overflow(a, b, &r))
            return std::nullopt;
        values.push_back(Value::of_number(r));
    }
    return constant_list(values);
}

} // namespace cpl::check_detail
