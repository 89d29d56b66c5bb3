// interpreter/check/check.cpp — merged policy → Program. Resolves every name to a slot,
// constant or table once; checks types where they are known; folds constants. The
// declarations are checked here in order (settings, tables, definitions, rules, edits);
// expressions are typed in expressions.cpp and rules compiled in rules.cpp.
#include "interpreter/check/check.hpp"

#include "interpreter/case/case_schema.hpp"
#include "interpreter/case/case_tables.hpp"
#include "interpreter/check/in_force.hpp"
#include "interpreter/check/rules.hpp"
#include "interpreter/check/sources.hpp"
#include "interpreter/check/tables.hpp"
#include "interpreter/program/expressions.hpp"
#include "interpreter/program/reads.hpp"
#include "lang/suggest.hpp"
#include "lang/vocabulary.hpp"
#include "runtime/budget.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <unordered_map>

namespace cpl {

namespace {

using namespace check_detail;

class Checker : public TableCompiler {
public:
    using TableCompiler::TableCompiler;

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
        setting_used_.assign(merged_.settings.size(), false);
        table_used_.assign(merged_.tables.size(), false);
        table_named_.assign(merged_.tables.size(), 0);
        def_used_.assign(merged_.defs.size(), false);
        settings();
        tables();
        def_state_.assign(merged_.defs.size(), 0);
        def_switch_.assign(merged_.defs.size(), false);
        def_case_text_.assign(merged_.defs.size(), false);
        def_elements_of_case_.assign(merged_.defs.size(), false);
        def_size_of_case_.assign(merged_.defs.size(), false);
        def_constants_.assign(merged_.defs.size(), Constants{});
        p.defs.resize(merged_.defs.size());
        for (std::uint32_t i = 0; i < merged_.defs.size(); ++i)
            def_index_[merged_.defs[i].decl->name.text] = i;
        for (std::uint32_t i = 0; i < merged_.defs.size(); ++i)
            compile_def(i);
        for (const auto& rule : merged_.rules)
            p.rules.push_back(compile_rule(rule));
        for (const auto& edit : merged_.edits)
            p.edits.push_back(compile_rule(edit));
        warn_setting_gaps();
        check_requirements();
        for (const auto& d : merged_.disabled)
            p.disabled.push_back({d.kind, d.name, d.layer, d.reason, codes_billed(d.billed)});
        p.index_disabled();
        check_sources(merged_, p, diagnostics_);
        muscle_index();
        check_bodies_at_calls();
        keys_never_lower_case();
        unused(); // last: it says more only when nothing above is an error
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
                             s.decl->name.span,
                             s.history.empty() ? merged_.layers.front() : s.history.front().second,
                             s.decl->fixed};
            // A restated value of another type than the declaration's: the requirements that
            // read the setting are not judged on it.
            const auto index = static_cast<std::uint32_t>(&s - merged_.settings.data());
            auto mistyped = [&](const ast::Expr& value, const std::string& written_type) {
                settings_mistyped_.insert(index);
                auto& d = error("check.setting_type", value.span,
                                fmt::format("`{}` is a {}, not a {}", code.name,
                                            type_name(declared), written_type));
                d.notes.push_back(fmt::format("declared by `{}`", code.declared_by));
                d.help = setting_help(declared, value);
            };
            for (const auto& version : s.versions) {
                // cpl has no fractions: `3.5` for a setting is a type mistake, said in the
                // setting's words rather than as an expression's.
                const auto* number = std::get_if<ast::NumberLit>(&version.value->kind);
                bool restated = version.value != &s.decl->value;
                if (number && !number->fraction.empty()) {
                    // A string or bool setting is not a number at all.
                    if (restated && known(declared) && declared->kind != TypeKind::Number) {
                        mistyped(*version.value, "number");
                        continue;
                    }
                    settings_mistyped_.insert(index);
                    auto& d = error(
                        "check.setting_type", version.value->span,
                        fmt::format("`{}` is a whole number, not {}", code.name, number->fraction));
                    d.notes.push_back("cpl numbers are whole numbers");
                    d.help = fmt::format("write {}", fraction_help(number->fraction));
                    continue;
                }
                Scope scope;
                scope.constant_only = true;
                Typed value = expr(*version.value, scope);
                if (restated && !fits(declared, value.type))
                    mistyped(*version.value, type_name(value.type));
                const Value& v = value.node.constant;
                // `within` bounds a number: a setting of another type is never checked by it.
                if (code.within && version.value == &s.decl->value && known(declared) &&
                    declared->kind != TypeKind::Number) {
                    auto& d = error("check.setting_type", version.value->span,
                                    fmt::format("`{}` has a `within` range, which bounds a "
                                                "number, but its value is a {}",
                                                code.name, type_name(declared)));
                    if (std::holds_alternative<ast::CodeLit>(version.value->kind))
                        d.help = fmt::format("five digits are a code: for the number, write {}",
                                             digits_grouped(source_text(version.value->span)));
                }
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
            warn_never_applies(s);
            refuse_gap(s, code);
            if (code.versions.empty())
                code.versions.push_back({Value::of_number(0), {}, s.layer, ""});
            code.value = code.versions.back().value;
            if (code.versions.size() > 1 || code.versions.back().effective.dated())
                p().dated = true;
            setting_index_[code.name] = static_cast<std::uint32_t>(p().settings.size());
            p().settings.push_back(std::move(code));
        }
    }

    // A value the policy being checked gave a setting that never applies (in_force.hpp).
    void warn_never_applies(const MergedSetting& s) {
        std::vector<Effective> dates;
        for (const auto& v : s.versions)
            dates.push_back(effective(*v.effective));
        auto shown = [&](std::size_t j) {
            const SettingVersion& v = s.versions[j];
            return fmt::format("`{} {}{}` (line {})", s.decl->name.text, source_text(v.value->span),
                               dates_written(*v.effective), line_of(v.value->span));
        };
        for (std::size_t i = 0; i < s.versions.size(); ++i) {
            if (s.versions[i].layer != merged_.layers.back()) continue;
            if (auto never = never_applies(dates, i, p().service_dates))
                warning("check.never_applies", s.versions[i].value->span,
                        fmt::format("this value of `{}` never applies: {}", s.decl->name.text,
                                    never->why(dates[i], p().service_dates, shown)))
                    .help = never->help();
        }
    }

    // A setting's dates of service with no value, and where it says so (refuse_gap).
    struct SettingGaps {
        std::uint32_t setting;
        Span at;
        std::vector<Effective> gaps;
    };
    std::vector<SettingGaps> setting_gaps_;

    // Dates of service the policy codes on which no value of the setting holds: every case
    // dated then that reads it stops (eval.no_setting_value). Noted here, at the first value
    // the policy being checked dated (its base's gaps are its base's to mend), and judged once
    // the rules are compiled (warn_setting_gaps): only where something reads it.
    void refuse_gap(const MergedSetting& s, const SettingCode& code) {
        auto dated_here = std::find_if(s.versions.begin(), s.versions.end(), [&](const auto& v) {
            return v.layer == merged_.layers.back() && effective(*v.effective).dated();
        });
        if (dated_here == s.versions.end() || code.versions.empty()) return;
        std::vector<Effective> dates;
        for (const SettingVersionCode& v : code.versions)
            dates.push_back(v.effective);
        SettingGaps pending{
            static_cast<std::uint32_t>(p().settings.size()), dated_here->value->span, {}};
        // Each gap: a later one may be where a reader runs.
        Effective rest = p().service_dates;
        while (auto gap = first_gap(dates, rest)) {
            pending.gaps.push_back(*gap);
            if (gap->until.empty()) break;
            rest.from = gap->until;
        }
        if (!pending.gaps.empty()) setting_gaps_.push_back(std::move(pending));
    }

    // A gap is said where a rule or edit that reads the setting (directly, through its
    // definitions or a table's rows) is in force: a reader dated to begin where the setting
    // does (`rule … from "2024-01-01"` over `setting s 1 from "2024-01-01"`) never meets it.
    void warn_setting_gaps() {
        for (const SettingGaps& pending : setting_gaps_) {
            auto reached = first_reader(pending);
            if (!reached) continue;
            const auto& [dates, reader] = *reached;
            const SettingCode& code = p().settings[pending.setting];
            auto& d = warning("check.setting_gap", pending.at,
                              fmt::format("`{}` has no value for dates of service {}: a case "
                                          "dated then that reads it stops "
                                          "(eval.no_setting_value)",
                                          code.name, range_in_words(dates)));
            d.notes.push_back(
                fmt::format("{} `{}` reads it{}", vocabulary::keyword(reader->kind), reader->name,
                            reader->effective.dated() ? ", " + range_in_words(reader->effective)
                                                      : std::string()));
            d.notes.push_back(p().service_dates.dated()
                                  ? fmt::format("the policy codes dates of service {}",
                                                range_in_words(p().service_dates))
                                  : std::string("the policy's header dates nothing, so it codes "
                                                "every date of service"));
            d.help = "give it a value for those dates (an undated value holds wherever no dated "
                     "one does), or date its values so that they meet";
        }
    }

    // The first rule or edit, in run order, that reads the setting on some dates of its gaps,
    // and those dates.
    std::optional<std::pair<Effective, const RuleCode*>> first_reader(const SettingGaps& pending) {
        for (const auto* list : {&p().rules, &p().edits})
            for (const RuleCode& r : *list) {
                auto read = cpl::settings_read(p(), r);
                if (std::find(read.begin(), read.end(), pending.setting) == read.end()) continue;
                for (const Effective& gap : pending.gaps)
                    if (auto both = common_dates(gap, r.effective)) return {{*both, &r}};
            }
        return std::nullopt;
    }

    // How to write a value of the setting's type, when the mistake shows what was meant.
    std::optional<std::string> setting_help(const TypeP& declared, const ast::Expr& written) {
        if (declared->kind == TypeKind::Bool) return "write `true` or `false`";
        const auto* text = std::get_if<ast::StringLit>(&written.kind);
        if (declared->kind == TypeKind::Number && text && text->parts.size() == 1) {
            const auto* s = std::get_if<std::string>(&text->parts[0]);
            if (s && !s->empty() && s->find_first_not_of("0123456789") == std::string::npos)
                return fmt::format("a number is written without quotes: `{}`", *s);
        }
        // Modifiers such as 59 and 50 look like numbers: a text setting takes them in quotes.
        if (declared->kind == TypeKind::String &&
            (std::holds_alternative<ast::NumberLit>(written.kind) ||
             std::holds_alternative<ast::CodeLit>(written.kind)))
            return fmt::format("a string is written in quotes: `\"{}\"`",
                               source_text(written.span));
        return std::nullopt;
    }

    // `2.0` → `2`; `3.5` → `3 or 4`.
    static std::string fraction_help(const std::string& fraction) {
        std::string whole = fraction.substr(0, fraction.find('.'));
        std::string rest = fraction.substr(fraction.find('.') + 1);
        if (rest.find_first_not_of('0') == std::string::npos) return whole;
        std::int64_t low = std::stoll(whole);
        return fmt::format("{} or {}", low, low + 1);
    }

    // A payer's new setting or table that nothing reads, named like one of its base: the
    // author meant to restate the base's (`setting min_muscle_per_limb 4` for
    // `min_muscles_per_limb 4`), and the base's value silently still applies.
    // The codes a disabled rule would bill: those its `bill` clauses write, and the values of
    // the tables they look up (`bill needle_emg_code[count(complete_limbs)]`).
    std::vector<std::string> codes_billed(const MergedPolicy::Billed& billed) {
        std::vector<std::string> codes = billed.codes;
        auto add = [&](std::string_view code) {
            if (std::find(codes.begin(), codes.end(), code) == codes.end())
                codes.emplace_back(code);
        };
        for (const std::string& name : billed.tables)
            if (auto it = table_index_.find(name); it != table_index_.end())
                for (const TableRowData& row : p().tables[it->second]->rows)
                    if (row.value.kind == Kind::String) add(row.value.str());
        return codes;
    }

    // A payer's own setting, table or definition that nothing reads changes no claim: a typo
    // of a base name (the help names it), or one the author thinks the base's rules read.
    // The first policy's own are not judged (a payer may read them), nor, but for a typo,
    // those of a policy between it and the one checked (judged when that one is checked).
    void unused() {
        const char* never_read = "no rule, edit, definition or requirement reads it: it changes "
                                 "nothing. Read it where it applies, or remove it";
        // Not while the policy has errors: a definition in error is not read yet, and the
        // errors come first.
        bool clean = diagnostics_.error_count() == 0;
        auto outermost = [&](const std::string& layer) {
            return clean && !merged_.layers.empty() && layer == merged_.layers.back();
        };
        auto rank = [&](const std::string& layer) {
            return std::find(merged_.layers.begin(), merged_.layers.end(), layer) -
                   merged_.layers.begin();
        };
        for (std::size_t i = 0; i < merged_.settings.size(); ++i) {
            const MergedSetting& s = merged_.settings[i];
            const std::string& layer = s.history.front().second;
            if (setting_used_[i] || rank(layer) == 0) continue;
            std::vector<std::string_view> base;
            for (const auto& other : merged_.settings)
                if (rank(other.history.front().second) < rank(layer))
                    base.push_back(other.decl->name.text);
            auto guess = closest(s.decl->name.text, base);
            if (!guess && !outermost(layer)) continue;
            auto& d = warning("check.unused_setting", s.decl->name.span,
                              fmt::format("setting `{}` is never used", s.decl->name.text));
            d.help = guess ? fmt::format("to change the base's `{}`, restate it: `{} {}`", *guess,
                                         *guess, source_text(s.decl->value.span))
                           : never_read;
        }
        for (std::size_t i = 0; i < merged_.tables.size(); ++i) {
            const MergedTable& t = merged_.tables[i];
            const std::string& name = t.decl->name.text;
            // Tables the case reader itself reads (interpreter/case/case_tables.hpp).
            bool engine =
                name == case_tables::muscles ||
                std::any_of(std::begin(case_tables::elsewhere), std::end(case_tables::elsewhere),
                            [&](const auto& e) { return name == e.table; });
            // A `replace table` of no table is already check.unknown_table.
            if (table_used_[i] || engine || t.decl->replace || rank(t.declared_by) == 0) continue;
            std::vector<std::string_view> base;
            for (const auto& other : merged_.tables)
                if (rank(other.declared_by) < rank(t.declared_by))
                    base.push_back(other.decl->name.text);
            auto guess = closest(name, base);
            if (!guess && !outermost(t.declared_by)) continue;
            auto& d = warning("check.unused_table", t.decl->name.span,
                              fmt::format("table `{}` is never used", name));
            d.help = guess ? fmt::format("did you mean `{}`? (`table {}` would change its rows)",
                                         *guess, *guess)
                           : never_read;
        }
        for (std::size_t i = 0; i < merged_.defs.size(); ++i) {
            const MergedDef& def = merged_.defs[i];
            if (def_used_[i] || rank(def.layer) == 0 || !outermost(def.layer)) continue;
            auto& d = warning("check.unused_definition", def.decl->name.span,
                              fmt::format("definition `{}` is never used", def.decl->name.text));
            d.help = never_read;
        }
    }

    TypeP type_of_literal(const ast::Expr& e) {
        if (std::holds_alternative<ast::NumberLit>(e.kind)) return number_type();
        if (std::holds_alternative<ast::BoolLit>(e.kind)) return bool_type();
        if (std::holds_alternative<ast::CodeLit>(e.kind)) return code_type();
        return string_type();
    }

    // The muscle index and the other tables the case reader relies on, found by the names the
    // case domain gives them (interpreter/case/case_tables.hpp).
    void muscle_index() {
        CaseTables tables = bind_case_tables(
            [&](std::string_view name) -> std::optional<PolicyTable> {
                auto it = table_index_.find(std::string(name));
                if (it == table_index_.end()) return std::nullopt;
                const TableData* data = p().tables[it->second].get();
                PolicyTable table{data, table_span(std::string(name))};
                if (auto rows = rows_written_by_.find(data); rows != rows_written_by_.end())
                    for (const MergedRow* row : rows->second)
                        table.row_spans.push_back(row && row->row ? row->row->span : table.span);
                return table;
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

    // The undated settings a constant expression was folded from, through the definitions it
    // reads.
    void settings_read(const Node& n, std::vector<std::uint32_t>& out) {
        const auto* read = p().settings_folded_at(n.span);
        if (n.op == Op::Def && n.slot < p().defs.size())
            read = p().settings_folded_at(p().defs[n.slot].body.span);
        if (read)
            for (std::uint32_t slot : *read)
                if (std::find(out.begin(), out.end(), slot) == out.end()) out.push_back(slot);
        for (const auto& kid : n.kids)
            settings_read(kid, out);
    }

    // A definition known before any case: computed now, once. An error in it (a division by
    // zero, an index past the end of a list another definition gives) would fail every case,
    // so it is the policy's error; its value is the definition's from now on, so that the
    // definitions reading it (a chain of them, each read twice) are computed once too. Out of
    // line: compile_def recurses through the definitions a body reads, 2,000 deep at most, and
    // this frame is not part of each level.
    [[gnu::noinline]] void compute_now(std::uint32_t i) {
        DefCode& done = p().defs[i];
        try {
            Value value = evaluate_constant(p(), done.body);
            // The settings it was computed from stay named (--explain, cpl doc), as a folded
            // expression's are.
            std::vector<std::uint32_t> settings;
            settings_read(done.body, settings);
            Span at = done.body.span;
            done.body = constant(value, done.type, at).node;
            note_folded(at, std::move(settings));
        } catch (const EvalError& e) {
            constant_error(e);
            def_known_[i] = 0; // those reading it are not computed now: one error, not one each
        }
    }

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
        for (const auto& param : def.params) {
            warn_if_hiding(param.name, scope);
            scope.push(param.name.text, param_type(param));
        }
        std::size_t errors_before = diagnostics_.error_count();
        // Compiled where first named: the conditions holding there are not the body's.
        Typed body = [&] {
            Afresh own(*this);
            return expr(def.body, scope);
        }();
        // `code` may have moved while compiling dependencies: index again.
        DefCode& done = p().defs[i];
        done.body = std::move(body.node);
        done.type = body.type;
        std::vector<DefLookup> deferred;
        std::vector<ParamPosition> positions;
        std::vector<ParamDate> dates;
        std::vector<DefDate> deferred_dates;
        std::vector<DefPosition> deferred_positions;
        auto by_parameters = warn_unguarded_lookups(
            done.body, done.param_count, done.is_function ? nullptr : &deferred, &positions, &dates,
            done.is_function ? nullptr : &deferred_dates, &deferred_positions);
        if (def_dates_.size() <= i) def_dates_.resize(p().defs.size());
        def_dates_[i] = std::move(deferred_dates);
        if (def_positions_.size() <= i) def_positions_.resize(p().defs.size());
        def_positions_[i] = std::move(deferred_positions);
        if (param_dates_.size() <= i) param_dates_.resize(p().defs.size());
        param_dates_[i] = std::move(dates);
        if (param_positions_.size() <= i) param_positions_.resize(p().defs.size());
        param_positions_[i] = std::move(positions);
        if (param_fields_.size() <= i) param_fields_.resize(p().defs.size());
        param_fields_[i] = fields_read_off_params(done.body, done.param_count);
        if (param_uses_.size() <= i) param_uses_.resize(p().defs.size());
        param_uses_[i] = builtin_uses_of_params(done.body, done.param_count);
        if (def_lookups_.size() <= i) def_lookups_.resize(p().defs.size());
        def_lookups_[i] = std::move(deferred);
        if (param_lookups_.size() <= i) param_lookups_.resize(p().defs.size());
        param_lookups_[i] = std::move(by_parameters);
        if (keeps_param_text_.size() <= i) keeps_param_text_.resize(p().defs.size(), -1);
        keeps_param_text_[i] = kept_text(done.body, done.param_count);
        if (gives_parameter_.size() <= i) gives_parameter_.resize(p().defs.size());
        gives_parameter_[i] = given_parameter(done.body, done.param_count);
        done.frame_size = scope.frame_size;
        def_switch_[i] = body.is_switch;
        if (!done.is_function && !body.constants.value && !body.constants.each_of &&
            depends_on_case(body)) {
            TypeKind kind = body.type ? body.type->kind : TypeKind::Any;
            def_case_text_[i] =
                kind == TypeKind::Number || kind == TypeKind::String || kind == TypeKind::Code;
            def_elements_of_case_[i] =
                kind == TypeKind::List && (body.elements_of_case || body.field);
            def_size_of_case_[i] = kind == TypeKind::List;
        }
        def_constants_[i] = body.constants;
        if (def_clean_.size() <= i) def_clean_.resize(p().defs.size());
        def_clean_[i] = diagnostics_.error_count() == errors_before;
        p().max_frame = std::max(p().max_frame, scope.frame_size);
        def_state_[i] = 2;
        // Whether it is known before any case, while the definitions it reads are known too:
        // asking later would walk every definition below it at once, as deep as the policy.
        if (def_known_.size() <= i) def_known_.resize(p().defs.size(), -1);
        def_known_[i] = !done.is_function && known_now(done.body);
        if (def_known_[i] == 1 && done.body.op != Op::Const &&
            diagnostics_.error_count() == errors_before)
            compute_now(i);
        return p().defs[i].type;
    }
};

} // namespace

std::unique_ptr<Program> check(const MergedPolicy& merged, Diagnostics& diagnostics) {
    try {
        std::unique_ptr<Program> program = Checker(merged, diagnostics).run();
        if (program) link(*program);
        return program;
    } catch (const BudgetExceeded& e) {
        // Checking spends from the caller's budget too (folding constants, copying literals):
        // one that runs out between expressions is an error of the policy, not a crash.
        diagnostics.error(e.code, std::nullopt,
                          fmt::format("checking the policy ran out of its budget: {}", e.message));
        return nullptr;
    }
}

} // namespace cpl