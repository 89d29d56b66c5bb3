// interpreter/check/check.cpp — merged policy → Program. Resolves every name to a slot,
// constant or table once; checks types where they are known; folds constants.
#include "interpreter/check/check.hpp"

#include "interpreter/eval/evaluate.hpp"
#include "lang/suggest.hpp"
#include "runtime/schema.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <unordered_map>

namespace cpl {

namespace {

struct Local {
    std::string name;
    std::uint32_t slot;
    TypeP type;
};

struct Scope {
    std::vector<Local> locals;
    std::uint32_t next_slot = 0;
    std::uint32_t frame_size = 0;
    bool in_edit = false;
    bool constant_only = false;             // table values: no case, no definitions
    std::optional<std::uint32_t> line_slot; // the `for line in claim` variable, in edits

    std::uint32_t push(std::string name, TypeP type) {
        std::uint32_t slot = next_slot++;
        frame_size = std::max(frame_size, next_slot);
        locals.push_back({std::move(name), slot, std::move(type)});
        return slot;
    }
    void pop() {
        locals.pop_back();
        --next_slot;
    }
};

struct Typed {
    Node node;
    TypeP type;
};

bool is_text(const TypeP& t) {
    return t->kind == TypeKind::String || t->kind == TypeKind::Code;
}
bool known(const TypeP& t) {
    return t->kind != TypeKind::Any;
}

class Checker {
public:
    Checker(const MergedPolicy& merged, Diagnostics& diagnostics)
        : merged_(merged), diagnostics_(diagnostics), program_(std::make_unique<Program>()) {}

    std::unique_ptr<Program> run() {
        Program& p = *program_;
        p.name = merged_.name;
        p.title = merged_.title;
        p.layers = merged_.layers;
        p.base = merged_.base;
        p.sources = merged_.sources;
        add_case_shapes(p.shapes, p.shape_types);
        for (std::uint32_t i = 0; i < p.shapes.size(); ++i)
            shape_ids_[shape_key(p.shapes[i].fields)] = i;
        settings();
        tables();
        def_state_.assign(merged_.defs.size(), 0);
        p.defs.resize(merged_.defs.size());
        for (std::uint32_t i = 0; i < merged_.defs.size(); ++i)
            def_index_[merged_.defs[i].decl->name.text] = i;
        for (std::uint32_t i = 0; i < merged_.defs.size(); ++i)
            compile_def(i);
        for (const auto& rule : merged_.rules)
            p.rules.push_back(compile_rule(rule));
        for (const auto& edit : merged_.edits)
            p.edits.push_back(compile_rule(edit));
        muscle_index();
        if (diagnostics_.has_errors()) return nullptr;
        return std::move(program_);
    }

private:
    Program& p() { return *program_; }

    Diagnostic& error(std::string code, Span span, std::string message) {
        return diagnostics_.error(std::move(code), span, std::move(message));
    }

    static std::string shape_key(const std::vector<std::string>& fields) {
        std::string key;
        for (const auto& f : fields)
            key += f + ",";
        return key;
    }

    std::string type_name(const TypeP& t) { return describe(t, p().shapes); }

    // --- settings and tables ---

    void settings() {
        for (const auto& s : merged_.settings) {
            TypeP declared = type_of_literal(s.decl->value);
            SettingCode code{s.decl->name.text,
                             {},
                             {},
                             declared,
                             s.decl->doc,
                             s.decl->cite ? s.decl->cite->text : "",
                             s.layer,
                             s.decl->within,
                             s.decl->name.span};
            for (const auto& version : s.versions) {
                Scope scope;
                scope.constant_only = true;
                Typed value = expr(*version.value, scope);
                if (version.value != &s.decl->value && !fits(declared, value.type)) {
                    auto& d = error("check.setting_type", version.value->span,
                                    fmt::format("`{}` is a {}, not a {}", code.name,
                                                type_name(declared), type_name(value.type)));
                    d.notes.push_back(fmt::format("declared by `{}`", merged_.layers.front()));
                }
                const Value& v = value.node.constant;
                if (code.within && v.kind == Kind::Number &&
                    (v.number < code.within->first || v.number > code.within->second)) {
                    auto& d = error("check.setting_out_of_range", version.value->span,
                                    fmt::format("`{}` must be within {}..{}, not {}", code.name,
                                                code.within->first, code.within->second, v.number));
                    d.notes.push_back(
                        fmt::format("the range is set where `{}` is declared", code.name));
                }
                code.versions.push_back({v, effective(*version.effective), version.layer,
                                         version.cite ? version.cite->text : ""});
            }
            code.value = code.versions.back().value;
            if (code.versions.size() > 1 || code.versions.back().effective.dated())
                p().dated = true;
            setting_index_[code.name] = static_cast<std::uint32_t>(p().settings.size());
            p().settings.push_back(std::move(code));
        }
    }

    static Effective effective(const ast::Effective& e) {
        return {e.from ? e.from->text : "", e.until ? e.until->text : ""};
    }

    TypeP type_of_literal(const ast::Expr& e) {
        if (std::holds_alternative<ast::NumberLit>(e.kind)) return number_type();
        if (std::holds_alternative<ast::BoolLit>(e.kind)) return bool_type();
        if (std::holds_alternative<ast::CodeLit>(e.kind)) return code_type();
        return string_type();
    }

    void tables() {
        for (const auto& t : merged_.tables) {
            auto data = std::make_unique<TableData>();
            data->name = t.decl->name.text;
            data->doc = t.decl->doc;
            data->cite = t.decl->cite ? t.decl->cite->text : "";
            TypeP value_type;
            for (const auto& merged_row : t.rows) {
                const ast::TableRow& row = *merged_row.row;
                TableRowData out;
                out.layer = merged_row.layer;
                out.cite = row.cite ? row.cite->text : "";
                out.from = row.effective.from ? row.effective.from->text : "";
                out.until = row.effective.until ? row.effective.until->text : "";
                if (row.effective.dated()) data->dated = p().dated = true;
                for (const auto& key : row.keys) {
                    if (!key.literal) {
                        out.is_range = true;
                        out.low = key.low;
                        out.high = key.high.value_or(std::numeric_limits<std::int64_t>::max());
                        continue;
                    }
                    Scope scope;
                    scope.constant_only = true;
                    out.keys.push_back(expr(*key.literal, scope).node.constant);
                }
                if (out.is_range && row.keys.size() > 1)
                    error("check.range_key_alone", row.span,
                          "a range key must be the row's only key");
                Scope scope;
                scope.constant_only = true;
                Typed value = expr(*row.value, scope);
                if (value.node.op != Op::Const)
                    error("check.table_value_not_constant", row.value->span,
                          "a table value must be a constant (no case facts or definitions)");
                out.value = value.node.constant;
                value_type = unify(value_type, value.type);
                data->rows.push_back(std::move(out));
            }
            data->index();
            table_types_[data->name] = table_of(value_type ? value_type : any_type());
            table_index_[data->name] = static_cast<std::uint32_t>(p().tables.size());
            p().tables.push_back(std::move(data));
        }
    }

    // The muscle index and the other tables the case reader relies on, found by the names the
    // case domain gives them (interpreter/case/case_tables.hpp).
    void muscle_index() {
        CaseTables tables = bind_case_tables(
            [&](std::string_view name) -> std::optional<PolicyTable> {
                auto it = table_index_.find(std::string(name));
                if (it == table_index_.end()) return std::nullopt;
                return PolicyTable{p().tables[it->second].get(), table_span(std::string(name))};
            },
            p().shapes, diagnostics_);
        p().muscles = std::move(tables.muscles);
        p().known_codes = tables.known_codes;
    }

    Span table_span(const std::string& name) {
        for (const auto& t : merged_.tables)
            if (t.decl->name.text == name) return t.decl->name.span;
        return {};
    }

    // --- definitions ---

    TypeP compile_def(std::uint32_t i) {
        DefCode& code = p().defs[i];
        if (def_state_[i] == 2) return code.type;
        const ast::Def& def = *merged_.defs[i].decl;
        if (def_state_[i] == 1) {
            error("check.recursive_def", def.name.span,
                  fmt::format("`{}` depends on itself", def.name.text))
                .help = "definitions may use each other, but not in a cycle";
            return any_type();
        }
        def_state_[i] = 1;
        code.name = def.name.text;
        code.doc = def.doc;
        code.is_function = def.is_function;
        code.param_count = static_cast<std::uint32_t>(def.params.size());
        code.span = def.name.span;
        Scope scope;
        for (const auto& param : def.params)
            scope.push(param.name.text, param_type(param));
        Typed body = expr(def.body, scope);
        // `code` may have moved while compiling dependencies: index again.
        DefCode& done = p().defs[i];
        done.body = std::move(body.node);
        done.type = body.type;
        done.frame_size = scope.frame_size;
        p().max_frame = std::max(p().max_frame, scope.frame_size);
        def_state_[i] = 2;
        return done.type;
    }

    TypeP param_type(const ast::Param& param) {
        if (!param.type) return any_type();
        const std::string& name = param.type->text;
        if (name == "number") return number_type();
        if (name == "string") return string_type();
        if (name == "bool") return bool_type();
        if (name == "code") return code_type();
        std::vector<std::string_view> candidates = {"number", "string", "bool", "code"};
        for (std::uint32_t s = 0; s < case_shape_count; ++s) {
            if (p().shapes[s].name == name) return record_of(s);
            candidates.push_back(p().shapes[s].name);
        }
        auto& d =
            error("check.unknown_type", param.type->span, fmt::format("unknown type `{}`", name));
        if (auto guess = closest(name, candidates))
            d.help = fmt::format("did you mean `{}`?", *guess);
        return any_type();
    }

    // --- rules and edits ---

    std::string source_text(Span span) {
        const std::string& text = p().sources->get(span.file).text();
        std::string_view out(text.data() + span.begin, span.end - span.begin);
        while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back())))
            out.remove_suffix(1);
        return std::string(out);
    }

    RuleCode compile_rule(const MergedRule& merged) {
        RuleCode code = compile_body(*merged.rule, merged.layer, true);
        if (!merged.replaces.empty())
            code.replaces = fmt::format("{} ({})", code.name, merged.replaces);
        for (const auto& [exception, layer] : merged.exceptions) {
            // An exception's guard is its leading let/when clauses as written: keep them in place.
            code.exceptions.push_back(compile_body(*exception, layer, false));
            code.exceptions.back().replaces = fmt::format("{} ({})", code.name, code.layer);
        }
        return code;
    }

    RuleCode compile_body(const ast::Rule& rule, const std::string& layer, bool hoist) {
        RuleCode code;
        code.name = rule.name.text;
        code.kind = rule.kind;
        code.doc = rule.doc;
        code.layer = layer;
        code.span = rule.name.span;
        code.effective = effective(rule.effective);
        code.fixed = rule.fixed;
        if (code.effective.dated()) p().dated = true;
        bool is_edit = rule.kind == ast::RuleKind::Edit;
        const char* kind = is_edit ? "edit" : "rule";
        if (rule.cite)
            code.cite = rule.cite->text;
        else
            error("check.missing_cite", rule.name.span,
                  fmt::format("{} `{}` does not cite its source", kind, rule.name.text))
                .help = "add `cite \"…\"` naming the guideline, policy or table it encodes";
        Scope scope;
        scope.in_edit = is_edit;
        for (const auto& clause : rule.clauses)
            code.clauses.push_back(compile_clause(clause, scope, is_edit));
        for (const auto& clause : code.clauses)
            code.written.push_back(clause.source);
        if (hoist) hoist_invariant_conditions(code);
        mark_invariant_lets(code);
        code.frame_size = scope.frame_size;
        p().max_frame = std::max(p().max_frame, scope.frame_size);
        return code;
    }

    // A `when` that does not depend on a loop's element is tested once, before the loop:
    // `for line in claim when reviewing …` then costs nothing outside review. Only
    // conditions that cannot fail move, so no case gets an error it would not have had.
    static bool invariant(const Node& n) {
        switch (n.op) {
        case Op::Local:
        case Op::Claim:
        case Op::Index:
        case Op::Div:
        case Op::Mod:
        case Op::Range:
        case Op::CallDef:
        case Op::Comprehension:
            return false;
        default:
            break;
        }
        for (const auto& kid : n.kids)
            if (!invariant(kid)) return false;
        return true;
    }

    // True when `n` reads no local except those bound by comprehensions inside it.
    static bool closed(const Node& n, std::vector<std::uint32_t>& bound) {
        if (n.op == Op::Local) return std::find(bound.begin(), bound.end(), n.slot) != bound.end();
        if (n.op == Op::Comprehension) {
            if (!closed(n.kids[0], bound)) return false;
            bound.push_back(n.slot);
            bool ok = std::all_of(n.kids.begin() + 1, n.kids.end(),
                                  [&](const Node& k) { return closed(k, bound); });
            bound.pop_back();
            return ok;
        }
        return std::all_of(n.kids.begin(), n.kids.end(),
                           [&](const Node& k) { return closed(k, bound); });
    }

    // A `let` inside a loop whose value cannot change from one element to the next is
    // computed once per run of the rule (the claim an edit sees is fixed while it runs).
    static void mark_invariant_lets(RuleCode& code) {
        bool in_loop = false;
        for (auto& clause : code.clauses) {
            if (clause.kind == ast::ClauseKind::For) in_loop = true;
            std::vector<std::uint32_t> bound;
            if (in_loop && clause.kind == ast::ClauseKind::Let)
                clause.invariant = closed(clause.expr, bound);
        }
    }

    static void hoist_invariant_conditions(RuleCode& code) {
        auto& clauses = code.clauses;
        for (std::size_t i = 0; i < clauses.size(); ++i) {
            if (clauses[i].kind != ast::ClauseKind::For) continue;
            std::size_t j = i + 1;
            while (j < clauses.size() && clauses[j].kind == ast::ClauseKind::When &&
                   invariant(clauses[j].expr)) {
                std::rotate(clauses.begin() + static_cast<std::ptrdiff_t>(i),
                            clauses.begin() + static_cast<std::ptrdiff_t>(j),
                            clauses.begin() + static_cast<std::ptrdiff_t>(j) + 1);
                ++i;
                ++j;
            }
            return; // only before the first loop: later clauses may depend on earlier bindings
        }
    }

    void expect(const Typed& value, const TypeP& expected, const ast::Expr& at,
                std::string_view what) {
        if (!fits(expected, value.type))
            error("check.type_mismatch", at.span,
                  fmt::format("{} must be {}, not {}", what, type_name(expected),
                              type_name(value.type)));
    }

    ClauseCode compile_clause(const ast::Clause& clause, Scope& scope, bool is_edit) {
        using K = ast::ClauseKind;
        ClauseCode code;
        code.kind = clause.kind;
        code.span = clause.span;
        code.source = source_text(clause.span);
        Typed value = expr(clause.expr, scope);
        switch (clause.kind) {
        case K::For: {
            if (known(value.type) && value.type->kind != TypeKind::List)
                error("check.type_mismatch", clause.expr.span,
                      fmt::format("`for` needs a list, not {}", type_name(value.type)));
            TypeP element = value.type->kind == TypeKind::List && value.type->element
                                ? value.type->element
                                : any_type();
            code.slot = scope.push(clause.var->text, element);
            code.over_claim = is_edit && value.node.op == Op::Claim;
            if (code.over_claim) scope.line_slot = code.slot;
            break;
        }
        case K::Let:
            code.slot = scope.push(clause.var->text, value.type);
            break;
        case K::When:
            expect(value, bool_type(), clause.expr, "a `when` condition");
            break;
        case K::Bill:
            if (is_edit)
                error("check.bill_in_edit", clause.span,
                      "edits change the claim; only rules `bill` codes");
            expect(value, code_type(), clause.expr, "the billed code");
            if (clause.units) {
                Typed units = expr(*clause.units, scope);
                expect(units, number_type(), *clause.units, "`units`");
                code.units = std::move(units.node);
            }
            if (clause.modifiers) {
                Typed modifiers = expr(*clause.modifiers, scope);
                expect(modifiers, list_of(string_type()), *clause.modifiers, "`modifiers`");
                code.modifiers = std::move(modifiers.node);
            }
            break;
        case K::Cap:
        case K::AddModifier:
        case K::RemoveModifier:
            if (!scope.line_slot)
                error("check.no_line", clause.span,
                      fmt::format("`{}` changes a claim line: it needs `for line in claim` before "
                                  "it, in an edit",
                                  clause.kind == K::Cap           ? "cap units"
                                  : clause.kind == K::AddModifier ? "add modifier"
                                                                  : "remove modifier"));
            expect(value, clause.kind == K::Cap ? number_type() : string_type(), clause.expr,
                   clause.kind == K::Cap ? "the cap" : "the modifier");
            break;
        default:
            break;
        }
        code.expr = std::move(value.node);
        return code;
    }

    // --- expressions ---

    Typed constant(Value v, TypeP type, Span span) {
        Node node;
        node.op = Op::Const;
        node.constant = v;
        node.span = span;
        return {std::move(node), std::move(type)};
    }

    // The stand-in for an expression that had an error (a constant marked `poisoned`).
    static constexpr std::uint32_t poisoned = 0xFFFFFFFF;
    Typed fail(Span span) {
        Typed out = constant(Value::of_bool(false), any_type(), span);
        out.node.slot = poisoned;
        return out;
    }

    Typed make(Op op, std::vector<Node> kids, TypeP type, Span span, std::uint32_t slot = 0) {
        return fold(unfolded(op, std::move(kids), std::move(type), span, slot));
    }

    static Typed unfolded(Op op, std::vector<Node> kids, TypeP type, Span span,
                          std::uint32_t slot = 0) {
        Node node;
        node.op = op;
        node.kids = std::move(kids);
        node.span = span;
        node.slot = slot;
        return {std::move(node), std::move(type)};
    }

    // Folds a node whose inputs are all constants, so evaluation never recomputes it;
    // an error in a constant (a division by zero) is reported here, before any case runs.
    Typed fold(Typed typed) {
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
        case Op::Comprehension:
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
            return constant(v, typed.type, node.span);
        } catch (const EvalError& e) {
            error(e.code, e.span, e.message);
            return fail(node.span);
        }
    }

    std::vector<std::string_view> visible_names(const Scope& scope) {
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

    Typed name(const std::string& n, Span span, Scope& scope) {
        for (auto it = scope.locals.rbegin(); it != scope.locals.rend(); ++it)
            if (it->name == n) return make(Op::Local, {}, it->type, span, it->slot);
        if (auto it = setting_index_.find(n); it != setting_index_.end()) {
            const SettingCode& setting = p().settings[it->second];
            if (setting.versions.size() == 1 && !setting.versions[0].effective.dated())
                return constant(setting.value, setting.type, span);
            if (scope.constant_only) {
                error(
                    "check.table_value_not_constant", span,
                    fmt::format(
                        "`{}` depends on the date of service, so a table value cannot use it", n));
                return fail(span);
            }
            return unfolded(Op::DatedSetting, {}, setting.type, span, it->second);
        }
        if (auto it = table_index_.find(n); it != table_index_.end())
            return constant(Value::of_table(p().tables[it->second].get()), table_types_[n], span);
        if (!scope.constant_only) {
            if (n == "case") return make(Op::CaseRoot, {}, record_of(shape_case), span);
            if (n == "service_date") return make(Op::ServiceDate, {}, string_type(), span);
            if (n == "claim" && scope.in_edit)
                return make(Op::Claim, {}, list_of(record_of(shape_line)), span);
            if (n == "supported" && scope.in_edit)
                return make(Op::Supported, {}, list_of(record_of(shape_line)), span);
            if (n == "reviewing" && scope.in_edit)
                return make(Op::Reviewing, {}, bool_type(), span);
            if (auto it = def_index_.find(n); it != def_index_.end()) {
                TypeP type = compile_def(it->second);
                if (merged_.defs[it->second].decl->is_function) {
                    error("check.def_needs_call", span,
                          fmt::format("`{}` takes arguments: call it as `{}(…)`", n, n));
                    return fail(span);
                }
                return make(Op::Def, {}, type, span, it->second);
            }
        } else if (def_index_.count(n) || n == "case") {
            error("check.table_value_not_constant", span,
                  fmt::format("a table value or setting cannot use `{}`", n));
            return fail(span);
        }
        if (n == "claim") {
            error("check.claim_outside_edit", span,
                  "`claim` is the claim the rules built: it exists only in edits");
            return fail(span);
        }
        auto& d = error("check.unknown_name", span, fmt::format("unknown name `{}`", n));
        if (auto guess = closest(n, visible_names(scope)))
            d.help = fmt::format("did you mean `{}`?", *guess);
        if (find_builtin(n))
            d.help = fmt::format("`{}` is a built-in function: call it as `{}(…)`", n, n);
        return fail(span);
    }

    Typed call(const ast::Call& c, Span span, Scope& scope) {
        std::vector<Node> args;
        std::vector<TypeP> types;
        for (const auto& a : c.args) {
            Typed t = expr(a, scope);
            args.push_back(std::move(t.node));
            types.push_back(t.type);
        }
        const std::string& n = c.callee.text;
        if (auto it = def_index_.find(n); it != def_index_.end() && !scope.constant_only) {
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
            return make(Op::CallDef, std::move(args), result, span, it->second);
        }
        const Builtin* builtin = find_builtin(n);
        if (!builtin) {
            std::vector<std::string_view> candidates;
            for (const auto& b : builtins())
                candidates.push_back(b.name);
            for (const auto& d : merged_.defs)
                if (d.decl->is_function) candidates.push_back(d.decl->name.text);
            auto& d = error("check.unknown_function", c.callee.span,
                            fmt::format("unknown function `{}`", n));
            if (auto guess = closest(n, candidates))
                d.help = fmt::format("did you mean `{}`?", *guess);
            return fail(span);
        }
        if (builtin->params.size() != args.size()) {
            error("check.arity", span,
                  fmt::format("`{}` takes {} argument{}, not {}", n, builtin->params.size(),
                              builtin->params.size() == 1 ? "" : "s", args.size()))
                .notes.push_back(std::string(builtin->signature));
            return fail(span);
        }
        for (std::size_t i = 0; i < args.size(); ++i) {
            TypeKind want = builtin->params[i];
            if (want == TypeKind::Any || !known(types[i])) continue;
            bool ok = want == types[i]->kind || (want == TypeKind::Code && is_text(types[i])) ||
                      (want == TypeKind::String && is_text(types[i]));
            if (!ok)
                error(
                    "check.type_mismatch", c.args[i].span,
                    fmt::format("argument {} of `{}` must be {}, not {}", i + 1, n,
                                type_name(std::make_shared<const Type>(Type{want, any_type(), 0})),
                                type_name(types[i])))
                    .notes.push_back(std::string(builtin->signature));
        }
        Typed out = unfolded(Op::Builtin, std::move(args), builtin->result(types), span);
        out.node.builtin = builtin;
        return fold(std::move(out));
    }

    Typed member(const ast::Member& m, Span span, Scope& scope) {
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
            TypeP field_type = p().shape_types[record->shape][static_cast<std::size_t>(index)];
            std::vector<Node> kids;
            kids.push_back(std::move(object.node));
            return make(over_list ? Op::MapMember : Op::Member, std::move(kids),
                        over_list ? list_of(field_type) : field_type, span,
                        static_cast<std::uint32_t>(index));
        }
        if (known(t) && t->kind != TypeKind::List) {
            error("check.type_mismatch", m.field.span,
                  fmt::format("`.{}` needs a record, not {}", field, type_name(t)));
            return fail(span);
        }
        std::vector<Node> kids;
        kids.push_back(std::move(object.node));
        Typed out = unfolded(Op::DynamicMember, std::move(kids), any_type(), span);
        out.node.text.push_back(field);
        return fold(std::move(out));
    }

    Typed index(const ast::Index& ix, Span span, Scope& scope) {
        Typed object = expr(*ix.object, scope);
        Typed key = expr(*ix.index, scope);
        TypeP result = any_type();
        if (object.type->kind == TypeKind::List) {
            if (!fits(number_type(), key.type))
                error("check.type_mismatch", ix.index->span,
                      fmt::format("a list position must be a number, not {}", type_name(key.type)));
            result = object.type->element ? object.type->element : any_type();
        } else if (object.type->kind == TypeKind::Table) {
            result = object.type->element ? object.type->element : any_type();
        } else if (known(object.type)) {
            error("check.type_mismatch", ix.object->span,
                  fmt::format("`[…]` needs a list or a table, not {}", type_name(object.type)));
            return fail(span);
        }
        std::vector<Node> kids;
        kids.push_back(std::move(object.node));
        kids.push_back(std::move(key.node));
        return make(Op::Index, std::move(kids), result, span);
    }

    Typed binary(const ast::Binary& b, Span span, Scope& scope) {
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
                mismatch(b.op == B::Or ? "or" : "and");
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
            if (known(l) && known(r) &&
                !(l->kind == TypeKind::Number && r->kind == TypeKind::Number) &&
                !(is_text(l) && is_text(r)))
                mismatch(b.op == B::Lt ? "<" : b.op == B::Le ? "<=" : b.op == B::Gt ? ">" : ">=");
            break;
        case B::In:
        case B::NotIn:
            op = b.op == B::In ? Op::In : Op::NotIn;
            if (known(r) && r->kind != TypeKind::List && r->kind != TypeKind::Table)
                error("check.type_mismatch", b.right->span,
                      fmt::format("`in` needs a list, a range or a table, not {}", type_name(r)));
            break;
        case B::Range:
            op = Op::Range;
            if (known(l) && known(r) &&
                !(l->kind == TypeKind::Number && r->kind == TypeKind::Number) &&
                !(is_text(l) && is_text(r)))
                mismatch("..");
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
                mismatch("+");
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
                mismatch(b.op == B::Sub ? "-" : b.op == B::Mul ? "*" : b.op == B::Div ? "/" : "%");
            result = number_type();
            break;
        }
        std::vector<Node> kids;
        kids.push_back(std::move(left.node));
        kids.push_back(std::move(right.node));
        return make(op, std::move(kids), result, span);
    }

    Typed expr(const ast::Expr& e, Scope& scope) {
        return std::visit([&](const auto& k) { return compile(k, e.span, scope); }, e.kind);
    }

    Typed compile(const ast::NumberLit& n, Span span, Scope&) {
        return constant(Value::of_number(n.value), number_type(), span);
    }
    Typed compile(const ast::CodeLit& c, Span span, Scope&) {
        return constant(Value::of_string(p().constants->copy(c.code)), code_type(), span);
    }
    Typed compile(const ast::BoolLit& b, Span span, Scope&) {
        return constant(Value::of_bool(b.value), bool_type(), span);
    }
    Typed compile(const ast::StringLit& s, Span span, Scope& scope) {
        Node node;
        node.op = Op::Interpolate;
        node.span = span;
        node.text.emplace_back();
        for (const auto& part : s.parts) {
            if (const auto* text = std::get_if<std::string>(&part)) {
                node.text.back() += *text;
            } else {
                node.kids.push_back(expr(*std::get<ast::ExprPtr>(part), scope).node);
                node.text.emplace_back();
            }
        }
        if (node.kids.empty())
            return constant(Value::of_string(p().constants->copy(node.text[0])), string_type(),
                            span);
        return fold({std::move(node), string_type()});
    }
    Typed compile(const ast::NameRef& n, Span span, Scope& scope) {
        return name(n.name, span, scope);
    }
    Typed compile(const ast::Unary& u, Span span, Scope& scope) {
        Typed operand = expr(*u.operand, scope);
        bool is_not = u.op == ast::UnaryOp::Not;
        TypeP want = is_not ? bool_type() : number_type();
        if (!fits(want, operand.type))
            error("check.type_mismatch", u.operand->span,
                  fmt::format("`{}` needs {}, not {}", is_not ? "not" : "-", type_name(want),
                              type_name(operand.type)));
        std::vector<Node> kids;
        kids.push_back(std::move(operand.node));
        return make(is_not ? Op::Not : Op::Neg, std::move(kids), want, span);
    }
    Typed compile(const ast::Binary& b, Span span, Scope& scope) { return binary(b, span, scope); }
    Typed compile(const ast::Member& m, Span span, Scope& scope) { return member(m, span, scope); }
    Typed compile(const ast::Index& i, Span span, Scope& scope) { return index(i, span, scope); }
    Typed compile(const ast::Call& c, Span span, Scope& scope) { return call(c, span, scope); }
    Typed compile(const ast::ListExpr& l, Span span, Scope& scope) {
        std::vector<Node> kids;
        TypeP element;
        for (const auto& item : l.items) {
            Typed t = expr(item, scope);
            element = unify(element, t.type);
            kids.push_back(std::move(t.node));
        }
        return make(Op::List, std::move(kids), list_of(element ? element : any_type()), span);
    }
    Typed compile(const ast::Comprehension& c, Span span, Scope& scope) {
        Typed source = expr(*c.source, scope);
        if (known(source.type) && source.type->kind != TypeKind::List)
            error("check.type_mismatch", c.source->span,
                  fmt::format("`for … in` needs a list, not {}", type_name(source.type)));
        TypeP element = source.type->kind == TypeKind::List && source.type->element
                            ? source.type->element
                            : any_type();
        std::uint32_t slot = scope.push(c.var.text, element);
        Typed value = expr(*c.element, scope);
        std::vector<Node> kids;
        kids.push_back(std::move(source.node));
        kids.push_back(std::move(value.node));
        if (c.filter) {
            Typed filter = expr(*c.filter, scope);
            expect(filter, bool_type(), *c.filter, "the `if` filter");
            kids.push_back(std::move(filter.node));
        }
        scope.pop();
        return make(Op::Comprehension, std::move(kids), list_of(value.type), span, slot);
    }
    Typed compile(const ast::RecordExpr& r, Span span, Scope& scope) {
        std::vector<std::string> fields;
        std::vector<Node> kids;
        std::vector<TypeP> types;
        for (const auto& [field, value] : r.fields) {
            if (std::find(fields.begin(), fields.end(), field.text) != fields.end())
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
            p().shape_types.push_back(types);
        }
        return make(Op::Record, std::move(kids), record_of(it->second), span, it->second);
    }
    Typed compile(const ast::IfExpr& i, Span span, Scope& scope) {
        Typed condition = expr(*i.condition, scope);
        expect(condition, bool_type(), *i.condition, "the condition of `if`");
        Typed then_branch = expr(*i.then_branch, scope);
        Typed else_branch = expr(*i.else_branch, scope);
        TypeP type = unify(then_branch.type, else_branch.type);
        std::vector<Node> kids;
        kids.push_back(std::move(condition.node));
        kids.push_back(std::move(then_branch.node));
        kids.push_back(std::move(else_branch.node));
        return make(Op::If, std::move(kids), type, span);
    }

    const MergedPolicy& merged_;
    Diagnostics& diagnostics_;
    std::unique_ptr<Program> program_;
    std::unordered_map<std::string, std::uint32_t> setting_index_, table_index_, def_index_,
        shape_ids_;
    std::unordered_map<std::string, TypeP> table_types_;
    std::vector<int> def_state_;
};

} // namespace

std::unique_ptr<Program> check(const MergedPolicy& merged, Diagnostics& diagnostics) {
    return Checker(merged, diagnostics).run();
}

} // namespace cpl
