// interpreter/check/check.cpp — merged policy → Program. Resolves every name to a slot,
// constant or table once; checks types where they are known; folds constants. The
// declarations are checked here in order (settings, tables, definitions, rules, edits);
// expressions are typed in expressions.cpp and rules compiled in rules.cpp.
#include "interpreter/check/check.hpp"

#include "interpreter/case/case_schema.hpp"
#include "interpreter/check/rules.hpp"
#include "interpreter/check/sources.hpp"
#include "lang/suggest.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <unordered_map>

namespace cpl {

namespace {

using namespace check_detail;

class Checker : public RuleCompiler {
public:
    using RuleCompiler::RuleCompiler;

    std::unique_ptr<Program> run() {
        Program& p = *program_;
        p.name = merged_.name;
        p.title = merged_.title;
        p.layers = merged_.layers;
        p.base = merged_.base;
        p.sources = merged_.sources;
        p.service_dates = {merged_.dates_from, merged_.dates_until};
        p.service_dates_from_layer = merged_.dates_from_layer;
        p.service_dates_until_layer = merged_.dates_until_layer;
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
        check_sources(merged_, p, diagnostics_);
        muscle_index();
        if (diagnostics_.has_errors()) return nullptr;
        return std::move(program_);
    }

private:
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
            data->source = t.source;
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
    }

    Span table_span(const std::string& name) {
        for (const auto& t : merged_.tables)
            if (t.decl->name.text == name) return t.decl->name.span;
        return {};
    }

    // --- definitions ---

    TypeP compile_def(std::uint32_t i) override {
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
};

} // namespace

std::unique_ptr<Program> check(const MergedPolicy& merged, Diagnostics& diagnostics) {
    return Checker(merged, diagnostics).run();
}

} // namespace cpl