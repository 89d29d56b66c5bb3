// interpreter/load/load.cpp — reads policy files (from disk or the embedded standard set),
// expands includes, follows `extends` base first, and merges each layer onto its base.
#include "interpreter/load/load.hpp"

#include "interpreter/load/data_file.hpp"
#include "interpreter/load/rows.hpp"
#include "lang/files.hpp"
#include "lang/parse.hpp"
#include "lang/suggest.hpp"
#include "lang/vocabulary.hpp"
#include "stdlib/builtins.hpp"
#include "stdlib/embedded.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fstream>
#include <sstream>
#include <unordered_map>

namespace cpl {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t max_chain = 32;   // extends chain length
constexpr std::size_t max_include = 16; // include nesting
// Files read for one policy, all layers and includes together: a file that includes another
// twice at every level of 16 is read 2^16 times without any cycle.
constexpr std::size_t max_files = 1000;

// An editor's unsaved text wins; then a file on disk, so an author editing stdlib/ sees the
// change without a rebuild; the embedded copy serves everywhere else.
std::optional<std::string> read_text(const std::string& path, std::string& why,
                                     const SourceOverrides* overrides) {
    if (overrides && !overrides->empty())
        if (auto it = overrides->find(source_key(path)); it != overrides->end()) return it->second;
    if (auto text = read_text_file(path, why)) return text;
    if (auto embedded = embedded_policy_file(path)) return std::string(*embedded);
    return std::nullopt;
}

std::string kind_name(ast::RuleKind kind) {
    return std::string(vocabulary::keyword(kind));
}

// The codes an expression gives as written: a code, or either branch of an `if` or `first`;
// a code looked up in a table (`needle_emg_code[…]`) is one of its values, and the table is
// named in `tables` (the checker reads its rows).
void codes_written(const ast::Expr& e, MergedPolicy::Billed& out) {
    if (const auto* code = std::get_if<ast::CodeLit>(&e.kind)) {
        if (std::find(out.codes.begin(), out.codes.end(), code->code) == out.codes.end())
            out.codes.push_back(code->code);
    } else if (const auto* branch = std::get_if<ast::IfExpr>(&e.kind)) {
        codes_written(*branch->then_branch, out);
        codes_written(*branch->else_branch, out);
    } else if (const auto* first = std::get_if<ast::FirstMatch>(&e.kind)) {
        for (const auto& arm : first->arms)
            codes_written(arm.value, out);
        codes_written(*first->otherwise, out);
    } else if (const auto* index = std::get_if<ast::Index>(&e.kind)) {
        if (const auto* table = std::get_if<ast::NameRef>(&index->object->kind))
            out.tables.push_back(table->name);
    }
}

// What a disabled rule would have billed, for `--why-not CODE` and `disabled_billing`.
MergedPolicy::Billed codes_billed(const ast::Rule& rule) {
    MergedPolicy::Billed billed;
    for (const auto& clause : rule.clauses)
        if (clause.kind == ast::ClauseKind::Bill) codes_written(clause.expr, billed);
    return billed;
}

class Loader {
public:
    Loader(Diagnostics& diagnostics, const SourceOverrides* overrides)
        : diagnostics_(diagnostics), overrides_(overrides) {}

    std::optional<MergedPolicy> load_root(const std::string& policy,
                                          std::shared_ptr<SourceMap> sources) {
        MergedPolicy merged;
        merged.sources = std::move(sources);
        // A policy that cannot be found is read as given, so the error names what was asked.
        std::string path = resolve_policy(policy, {}).value_or(policy);
        if (!load_layer(merged, path, std::nullopt)) return std::nullopt;
        compact(merged);
        for (const auto& [rule, layer] : disabled_)
            merged.disabled.push_back(
                {rule.first, rule.second, layer, disabled_reason_[rule], disabled_codes_[rule]});
        return merged;
    }

private:
    // Reads, parses and applies one policy file and (first) its base. False when a file
    // could not be read or parsed.
    bool load_layer(MergedPolicy& merged, const std::string& path, std::optional<Span> from) {
        if (chain_.size() >= max_chain) {
            diagnostics_.error("load.chain_too_long", from, "the `extends` chain is too long");
            return false;
        }
        std::string canonical = canonical_path(path);
        for (std::size_t i = 0; i < chain_.size(); ++i) {
            if (chain_[i] != canonical) continue;
            std::string cycle;
            for (std::size_t j = i; j < chain_.size(); ++j)
                cycle += chain_[j] + " -> ";
            diagnostics_.error(
                "load.extends_cycle", from,
                fmt::format("policies extend each other in a cycle: {}{}", cycle, canonical));
            return false;
        }
        auto file = parse_file(merged, path, from, true);
        if (!file) return false;
        chain_.push_back(canonical);
        const ast::PolicyFile& policy = *file;
        bool ok = true;
        if (policy.extends) {
            const std::string& here = merged.sources->get(policy.file).path();
            std::optional<std::string> found =
                resolve_policy(policy.extends->text, fs::path(here).parent_path(),
                               policy.extends_is_path, overrides_);
            if (!found) {
                diagnostics_
                    .error(
                        "load.unknown_base", policy.extends->span,
                        fmt::format("cannot find the policy `{}` to extend", policy.extends->text))
                    .help = "extend `standard`, or give the base policy's path in quotes";
                ok = false;
            } else {
                ok = load_layer(merged, *found, policy.extends->span);
                // Layers load base first, so the outermost policy's base is set last.
                merged.base = *found == standard_policy_path ? "standard" : *found;
            }
        }
        chain_.pop_back();
        if (!ok) return false;
        std::string layer = policy.name.text;
        // Layers are told apart by name: in results (`layer`), `cpl diff`, and which rows of a
        // table are whose. A payer named as its base would be read as the base restating itself.
        if (std::find(merged.layers.begin(), merged.layers.end(), layer) != merged.layers.end()) {
            diagnostics_
                .error("load.layer_name_taken", policy.name.span,
                       fmt::format("policy `{}` has the name of a policy it extends: its changes "
                                   "could not be told from its base's",
                                   layer))
                .help = "give the policy a name of its own, one that no policy it extends has (the "
                        "payer's: `policy acme_2025`)";
            return false;
        }
        narrow_dates(merged, policy.effective, layer);
        merged.name = layer;
        merged.title = policy.title;
        merged.layers.push_back(layer);
        if (merged.layers.size() == 1) root_layer_ = layer;
        std::vector<const ast::Decl*> decls;
        if (!collect(merged, policy, path, decls, 0)) return false;
        changed_here_.clear();
        restated_here_.clear();
        for (const ast::Decl* decl : decls)
            apply(merged, *decl, layer);
        return true;
    }

    // A payer codes at most the dates its base codes: each layer may only narrow them. A bound
    // that would widen them is said, since the policy then codes other dates than it reads.
    void narrow_dates(MergedPolicy& merged, const ast::Effective& e, const std::string& layer) {
        if (e.from && (merged.dates_from.empty() || e.from->text > merged.dates_from)) {
            merged.dates_from = e.from->text;
            merged.dates_from_layer = layer;
        } else if (e.from && e.from->text < merged.dates_from) {
            wider_dates(*e.from, "from", "before", merged.dates_from, merged.dates_from_layer);
        }
        if (e.until && (merged.dates_until.empty() || e.until->text < merged.dates_until)) {
            merged.dates_until = e.until->text;
            merged.dates_until_layer = layer;
        } else if (e.until && e.until->text > merged.dates_until) {
            wider_dates(*e.until, "until", "after", merged.dates_until, merged.dates_until_layer);
        }
        // Bounds of two layers that leave no day: every dated case would be refused.
        if (!merged.dates_from.empty() && !merged.dates_until.empty() &&
            merged.dates_from >= merged.dates_until && (e.from || e.until))
            diagnostics_
                .error("check.no_dates_of_service", (e.until ? *e.until : *e.from).span,
                       fmt::format("the policy codes no date of service: from {} (set by `{}`) "
                                   "until {} (set by `{}`)",
                                   merged.dates_from, merged.dates_from_layer, merged.dates_until,
                                   merged.dates_until_layer))
                .help = "a policy codes the dates its header and its base's leave in common";
    }

    void wider_dates(const ast::Ident& bound, std::string_view word, std::string_view side,
                     const std::string& kept, const std::string& kept_by) {
        diagnostics_
            .warning("check.header_dates_wider", bound.span,
                     fmt::format("`{} \"{}\"` is {} the dates its base codes ({} {}, set by `{}`): "
                                 "a policy can only narrow them, so it codes {} {}",
                                 word, bound.text, side, word, kept, kept_by, word, kept))
            .help = fmt::format("write `{} \"{}\"`, or leave `{}` out", word, kept, word);
    }

    // Drops the rules, edits and rows that were disabled or removed, keeping the order of the
    // others.
    static void compact(MergedPolicy& merged) {
        std::erase_if(merged.rules, [](const MergedRule& r) { return !r.rule; });
        std::erase_if(merged.edits, [](const MergedRule& r) { return !r.rule; });
        for (auto& table : merged.tables) {
            std::erase_if(table.rows, [](const MergedRow& r) { return !r.row; });
            table.rows_by_key = {}; // positions in the rows before compaction
            table.range_rows = {};
        }
    }

    static std::string canonical_path(const std::string& path) {
        std::error_code ec;
        auto canonical = fs::weakly_canonical(path, ec);
        return ec ? path : canonical.string();
    }

    ast::PolicyFile* parse_file(MergedPolicy& merged, const std::string& path,
                                std::optional<Span> from, bool expect_header) {
        if (++files_read_ > max_files) {
            if (files_read_ == max_files + 1)
                diagnostics_
                    .error("load.too_many_files", from,
                           fmt::format("the policy reads more than {} files", max_files))
                    .help = "include each file once";
            return nullptr;
        }
        std::string why;
        auto text = read_text(path, why, overrides_);
        if (!text) {
            diagnostics_.error("load.cannot_read", from,
                               fmt::format("cannot read policy file `{}`: it {}", path, why));
            return nullptr;
        }
        FileId id = merged.sources->add(path, std::move(*text));
        Diagnostics parse_diagnostics;
        auto file = std::make_unique<ast::PolicyFile>(
            parse(*merged.sources, id, parse_diagnostics, expect_header));
        diagnostics_.append(parse_diagnostics);
        if (parse_diagnostics.has_errors()) return nullptr;
        merged.files.push_back(std::move(file));
        return merged.files.back().get();
    }

    // Expands includes in place, depth first. A file that includes itself, directly or through
    // others, is a cycle: reported at the include that closes it.
    bool collect(MergedPolicy& merged, const ast::PolicyFile& file, const std::string& path,
                 std::vector<const ast::Decl*>& out, std::size_t depth) {
        including_.push_back(canonical_path(path));
        merged.file_layers[file.file] = merged.layers.size() - 1;
        bool ok = collect_decls(merged, file, path, out, depth);
        including_.pop_back();
        return ok;
    }

    bool collect_decls(MergedPolicy& merged, const ast::PolicyFile& file, const std::string& path,
                       std::vector<const ast::Decl*>& out, std::size_t depth) {
        bool ok = true;
        for (const auto& decl : file.decls) {
            const auto* include = std::get_if<ast::Include>(&decl);
            if (!include) {
                if (const auto* table = std::get_if<ast::Table>(&decl); table && table->rows_from)
                    ok = read_data(merged, *table, path) && ok;
                out.push_back(&decl);
                continue;
            }
            if (depth >= max_include) {
                diagnostics_.error("load.include_too_deep", include->span,
                                   fmt::format("includes nest more than {} deep", max_include));
                return false;
            }
            std::string target =
                (fs::path(path).parent_path() / include->path).lexically_normal().string();
            if (std::find(including_.begin(), including_.end(), canonical_path(target)) !=
                including_.end()) {
                diagnostics_
                    .error("load.include_cycle", include->span,
                           fmt::format("`{}` includes itself (directly or through the files it "
                                       "includes)",
                                       target))
                    .help = "remove the include that closes the cycle";
                return false;
            }
            auto* included = parse_file(merged, target, include->span, false);
            if (!included || !collect(merged, *included, target, out, depth + 1)) ok = false;
        }
        return ok;
    }

    // A table's `rows from` file, relative to the policy file that names it (the embedded
    // copy for the standard set's own data).
    bool read_data(MergedPolicy& merged, const ast::Table& table, const std::string& path) {
        const ast::RowsFrom& spec = *table.rows_from;
        std::string target =
            (fs::path(path).parent_path() / spec.path.text).lexically_normal().string();
        std::string why;
        auto text = read_text(target, why, overrides_);
        if (!text) {
            diagnostics_.error("data.cannot_read", spec.path.span,
                               fmt::format("cannot read data file `{}`: it {}", target, why));
            return false;
        }
        FileId id = merged.sources->add(target, std::move(*text));
        auto rows = read_data_rows(spec, merged.sources->get(id), id, diagnostics_);
        if (!rows) return false;
        merged.data_rows.push_back(std::make_unique<std::vector<ast::TableRow>>(std::move(*rows)));
        data_rows_[&table] = {merged.data_rows.back().get(),
                              spec.version.text.empty()
                                  ? target
                                  : fmt::format("{} (version {})", target, spec.version.text)};
        return true;
    }

    template <typename T, typename Name>
    static std::vector<std::string_view> names_of(const std::vector<T>& items, Name name) {
        std::vector<std::string_view> out;
        for (const auto& item : items)
            out.push_back(name(item));
        return out;
    }

    Diagnostic& unknown(std::string code, Span span, std::string what, std::string_view name,
                        const std::vector<std::string_view>& candidates) {
        auto& d = diagnostics_.error(std::move(code), span,
                                     fmt::format("there is no {} `{}` to change", what, name));
        if (auto guess = closest(name, candidates))
            d.help = fmt::format("did you mean `{}`?", *guess);
        return d;
    }

    void apply(MergedPolicy& merged, const ast::Decl& decl, const std::string& layer) {
        std::visit([&](const auto& d) { apply_one(merged, d, layer); }, decl);
    }

    // Settings, tables and definitions share one namespace, with the built-in functions and
    // the names every policy has: an expression names one thing. A name taken again by
    // another kind (or by a built-in) would silently decide what the base's rules read, so
    // the later declaration is refused, where it is written.
    bool name_taken(const ast::Ident& name, std::string_view what, const std::string& layer) {
        std::string taken_by;
        std::optional<std::string> help;
        if (find_builtin(name.text)) {
            taken_by = fmt::format("a built-in function (`{}(…)`)", name.text);
        } else if (const auto* given = vocabulary::find_special(name.text)) {
            taken_by = given->edits_only ? "a name every edit has" : "a name every policy has";
        } else if (auto it = declared_as_.find(name.text);
                   it != declared_as_.end() && it->second.first != what) {
            const auto& [kind, owner] = it->second;
            taken_by = fmt::format("a {} of `{}`", kind, owner);
            if (kind == "setting" && owner != layer)
                help =
                    fmt::format("to change the setting's value, restate it: `{} VALUE`", name.text);
            else if (kind == "table" && owner != layer)
                help = fmt::format("to change the table's rows, write `table {}` with them",
                                   name.text);
        } else {
            declared_as_.emplace(name.text, std::pair{std::string(what), layer});
            return false;
        }
        auto& d = diagnostics_.error(
            "check.name_taken", name.span,
            fmt::format("`{}` is {}: a {} cannot take its name", name.text, taken_by, what));
        d.help = help.value_or("choose another name");
        return true;
    }

    void apply_one(MergedPolicy& merged, const ast::Setting& s, const std::string& layer) {
        if (auto at = setting_at_.find(s.name.text); at != setting_at_.end()) {
            auto& d =
                diagnostics_.error("check.duplicate_setting", s.name.span,
                                   fmt::format("setting `{}` is already declared by `{}`",
                                               s.name.text, merged.settings[at->second].layer));
            d.help = fmt::format("to change its value, write `{} VALUE`", s.name.text);
            return;
        }
        if (name_taken(s.name, "setting", layer)) return;
        setting_at_.emplace(s.name.text, merged.settings.size());
        merged.settings.push_back(
            {&s, {{&s.value, &s.effective, layer}}, layer, {{&s.value, layer}}});
        // Its value is this policy's, as a restatement's would be (restated_before_here).
        restated_here_[s.name.text].push_back({&s.effective, s.value.span, s.span, true});
    }

    // A payer may not change what a policy under it marks `fixed` (the standard set, or a payer
    // that fixed a table of its base for the policies over it).
    bool refuse_fixed(bool fixed, const std::string& owner, const std::string& layer, Span at,
                      std::string_view what, std::string_view name) {
        if (!fixed || owner == layer) return false;
        auto& d = diagnostics_.error(
            "check.fixed", at,
            fmt::format("{} `{}` is fixed by `{}`: a payer policy may not change it", what, name,
                        owner));
        // A payer that fixed something of its base chose to: say so, not why CPT would.
        d.notes.push_back(
            owner == root_layer_
                ? "it encodes a rule that is not a payer's to choose (e.g. CPT's "
                  "code bands)"
                : fmt::format("`{}` fixed it for the policies that extend it", owner));
        return true;
    }

    // A setting this policy restated already, undated, or for the same dates: the later value
    // would silently replace the earlier one (an undated one replaces every dated one too).
    bool restated_before_here(const MergedPolicy& merged, const ast::SettingValue& s) {
        auto dates = [](const ast::Effective& e) {
            return fmt::format("{}|{}", e.from ? e.from->text : "", e.until ? e.until->text : "");
        };
        auto& mine = restated_here_[s.name.text];
        const ValueHere* earlier = nullptr;
        for (const ValueHere& before : mine)
            if (!s.effective.dated() || dates(*before.effective) == dates(s.effective))
                earlier = &before;
        if (!earlier) {
            mine.push_back({&s.effective, s.value.span, s.span, false});
            return false;
        }
        auto& d = diagnostics_.error(
            "check.changed_twice", s.name.span,
            fmt::format("this policy {} `{}` already{}: this value would replace that one "
                        "without a word",
                        earlier->declared ? "declared" : "restated", s.name.text,
                        s.effective.dated() ? " for the same dates" : ""));
        d.notes.push_back(fmt::format("its value `{}` ({})", source_text_of(merged, earlier->value),
                                      where(merged, earlier->span)));
        if (s.effective.dated())
            d.help = "keep one value for these dates";
        else if (earlier->effective->dated())
            d.help = "write the value for every date first, then the dated ones: a value with "
                     "no dates replaces all before it";
        else
            d.help = "keep one value; give each of several its dates with `from \"YYYY-MM-DD\"` "
                     "and `until \"YYYY-MM-DD\"`";
        return true;
    }

    static std::string source_text_of(const MergedPolicy& merged, Span span) {
        const SourceFile& file = merged.sources->get(span.file);
        return std::string(file.text().substr(span.begin, span.end - span.begin));
    }

    // `path:line` of where `span` begins, for a note naming another declaration.
    static std::string where(const MergedPolicy& merged, Span span) {
        const SourceFile& file = merged.sources->get(span.file);
        return fmt::format("{}:{}", file.path(), file.locate(span.begin).line);
    }

    void apply_one(MergedPolicy& merged, const ast::SettingValue& s, const std::string& layer) {
        if (auto at = setting_at_.find(s.name.text); at != setting_at_.end()) {
            MergedSetting& existing = merged.settings[at->second];
            if (refuse_fixed(existing.decl->fixed, existing.history.front().second, layer,
                             s.name.span, "setting", s.name.text))
                return;
            if (restated_before_here(merged, s)) return;
            if (!s.effective.dated()) existing.versions.clear();
            existing.versions.push_back(
                {&s.value, &s.effective, layer, s.cite ? &*s.cite : nullptr});
            existing.layer = layer;
            existing.history.emplace_back(&s.value, layer);
            return;
        }
        auto& d = unknown("check.unknown_setting", s.name.span, "setting", s.name.text,
                          names_of(merged.settings, [](const MergedSetting& m) -> std::string_view {
                              return m.decl->name.text;
                          }));
        // `  cit "c"`, `bill 95860 unit 2`: inside a rule, a clause's word misspelt was read as
        // a restatement, and ended the rule (which is then told it cites nothing).
        const SourceFile& file = merged.sources->get(s.name.span.file);
        if (!starts_line(file.text(), s.name.span.begin))
            if (auto help = misspelt_clause_help(s.name.text)) d.help = *help;
        // `mue 2`: a table's name, restated as a setting is.
        if (table_at_.count(s.name.text))
            d.help = fmt::format("`{0}` is a table: restate its rows in a block, `table {0}` then "
                                 "`KEY => VALUE` lines and `end`",
                                 s.name.text);
    }

    // A block that adds rows leaves the table its description (cpl doc, hover and diff show
    // it); the block's own was dropped without a word. `replace table` takes its own.
    void warn_description_unused(const ast::Table& t, const MergedTable& table) {
        if (t.doc.empty()) return;
        auto& d = diagnostics_.warning(
            "check.table_description_unused", t.doc_span,
            fmt::format("this description is not used: a block that adds rows to `{}` leaves it "
                        "the description it has (\"{}\"), which cpl doc and the editor show",
                        t.name.text, table.doc()));
        d.help = fmt::format("say where the rows come from in the block's `cite`, which each row "
                             "without a cite of its own takes, and delete the description (`table "
                             "{0} cite \"…\"`); to describe the whole table, write it whole: "
                             "`replace table {0} \"…\"`",
                             t.name.text);
    }

    void apply_one(MergedPolicy& merged, const ast::Table& t, const std::string& layer) {
        auto at = table_at_.find(t.name.text);
        MergedTable* table = at == table_at_.end() ? nullptr : &merged.tables[at->second];
        if (table && refuse_fixed(table->decl->fixed || !table->fixed_by.empty(),
                                  table->fixed_by.empty() ? table->layer : table->fixed_by, layer,
                                  t.name.span, "table", t.name.text))
            return;
        // A layer that fixes a table of its base fixes it for the layers over it.
        if (table && t.fixed) table->fixed_by = layer;
        if (!table) {
            if (t.replace)
                unknown("check.unknown_table", t.name.span, "table", t.name.text,
                        names_of(merged.tables, [](const MergedTable& m) -> std::string_view {
                            return m.decl->name.text;
                        }));
            else if (name_taken(t.name, "table", layer))
                return;
            at = table_at_.emplace(t.name.text, merged.tables.size()).first;
            merged.tables.push_back({&t, layer, {}, {}});
            merged.tables.back().declared_by = layer;
            table = &merged.tables.back();
        } else if (t.replace) {
            if (!t.doc.empty()) table->doc_from = &t;
            if (t.cite) table->cite_from = &t;
            if (!t.doc.empty() || t.cite) table->described_by = layer;
            table->rows.clear();
            table->rows_by_key.clear();
            table->range_rows.clear();
            table->layer = layer;
        }
        table->written_at.emplace_back(t.name.span, layer);
        if (&t != table->decl && !t.replace) warn_description_unused(t, *table);
        if (auto data = data_rows_.find(&t); data != data_rows_.end()) {
            for (const auto& row : *data->second.first)
                merge_row(*table, row, layer, diagnostics_);
            table->source = data->second.second;
        }
        for (const auto& row : t.rows)
            merge_row(*table, row, layer, diagnostics_);
        warn_versions_left(*table, t.rows, layer, diagnostics_);
        if (t.cite && &t != table->decl)
            for (MergedRow& row : table->rows)
                if (row.row && !t.rows.empty() && row.row >= &t.rows.front() &&
                    row.row <= &t.rows.back())
                    row.block_cite = &*t.cite;
    }

    void apply_one(MergedPolicy& merged, const ast::Def& def, const std::string& layer) {
        if (auto at = def_at_.find(def.name.text); at != def_at_.end()) {
            diagnostics_
                .error("check.duplicate_def", def.name.span,
                       fmt::format("`{}` is already defined by `{}`", def.name.text,
                                   merged.defs[at->second].layer))
                .help = "choose another name, or override the rules that use it";
            return;
        }
        if (name_taken(def.name, "definition", layer)) return;
        def_at_.emplace(def.name.text, merged.defs.size());
        merged.defs.push_back({&def, layer});
    }

    std::vector<MergedRule>& list_for(MergedPolicy& merged, ast::RuleKind kind) {
        return kind == ast::RuleKind::Rule ? merged.rules : merged.edits;
    }

    std::unordered_map<std::string, std::size_t>& rule_at(ast::RuleKind kind) {
        return kind == ast::RuleKind::Rule ? rule_at_ : edit_at_;
    }

    MergedRule* find_rule(MergedPolicy& merged, ast::RuleKind kind, const std::string& name) {
        auto& at = rule_at(kind);
        auto it = at.find(name);
        return it == at.end() ? nullptr : &list_for(merged, kind)[it->second];
    }

    std::vector<std::string_view> rule_names(MergedPolicy& merged, ast::RuleKind kind) {
        std::vector<std::string_view> out;
        for (const auto& r : list_for(merged, kind))
            if (r.rule) out.push_back(r.rule->name.text);
        return out;
    }

    // Rules, edits and exceptions are named in results, `--why-not` and coverage: an exception
    // may not take a name one of them has (nor the reverse), or its lines would be the other's.
    bool name_taken_by_exception(const ast::Ident& name, std::string_view what) {
        auto it = exception_layer_.find(name.text);
        if (it == exception_layer_.end()) return false;
        diagnostics_
            .error("check.duplicate_rule", name.span,
                   fmt::format("{} `{}`: an exception of `{}` already has the name", what,
                               name.text, it->second))
            .help = "choose another name";
        return true;
    }

    void apply_one(MergedPolicy& merged, const ast::Rule& rule, const std::string& layer) {
        if (name_taken_by_exception(rule.name, kind_name(rule.kind))) return;
        if (auto* existing = find_rule(merged, rule.kind, rule.name.text)) {
            diagnostics_
                .error("check.duplicate_rule", rule.name.span,
                       fmt::format("{} `{}` is already defined by `{}`", kind_name(rule.kind),
                                   rule.name.text, existing->layer))
                .help = fmt::format("to replace it, write `override {} {}`", kind_name(rule.kind),
                                    rule.name.text);
            return;
        }
        // A rule and an edit of one name would each be blamed for the other's lines.
        ast::RuleKind other =
            rule.kind == ast::RuleKind::Rule ? ast::RuleKind::Edit : ast::RuleKind::Rule;
        if (auto* existing = find_rule(merged, other, rule.name.text)) {
            diagnostics_
                .error("check.duplicate_rule", rule.name.span,
                       fmt::format("{} `{}`: {} {} of `{}` already has the name",
                                   kind_name(rule.kind), rule.name.text,
                                   other == ast::RuleKind::Edit ? "an" : "a", kind_name(other),
                                   existing->layer))
                .help = "choose another name: results, `--why-not` and coverage name rules and "
                        "edits alike";
            return;
        }
        if (rule.placement) return place(merged, rule, layer);
        disabled_.erase({rule.kind, rule.name.text}); // a new one of the name
        rule_at(rule.kind).emplace(rule.name.text, list_for(merged, rule.kind).size());
        list_for(merged, rule.kind).push_back({&rule, layer, "", {}});
    }

    // `edit NAME before|after TARGET`: runs next to TARGET. Several after one target run in
    // the order they are declared, as do several before one.
    void place(MergedPolicy& merged, const ast::Rule& rule, const std::string& layer) {
        const ast::Placement& at = *rule.placement;
        auto& index = rule_at(rule.kind);
        auto target = index.find(at.target.text);
        if (at.target.text == rule.name.text) {
            diagnostics_.error("check.unknown_rule", at.target.span,
                               fmt::format("{} cannot run {} itself",
                                           rule.kind == ast::RuleKind::Edit ? "an edit" : "a rule",
                                           at.before ? "before" : "after"));
            return;
        }
        if (target == index.end()) {
            if (was_disabled(rule.kind, at.target,
                             fmt::format("to run this {} {}", kind_name(rule.kind),
                                         at.before ? "before" : "after"),
                             layer))
                return;
            ast::RuleKind other =
                rule.kind == ast::RuleKind::Rule ? ast::RuleKind::Edit : ast::RuleKind::Rule;
            // Rules all run before edits: one cannot run among the other kind.
            if (find_rule(merged, other, at.target.text)) {
                diagnostics_
                    .error("check.unknown_rule", at.target.span,
                           fmt::format("`{}` is {}, and {} cannot run among {}: rules all run "
                                       "before edits",
                                       at.target.text,
                                       other == ast::RuleKind::Edit ? "an edit" : "a rule",
                                       rule.kind == ast::RuleKind::Edit ? "an edit" : "a rule",
                                       other == ast::RuleKind::Edit ? "edits" : "rules"))
                    .help = fmt::format("name {} to run this {} {}",
                                        rule.kind == ast::RuleKind::Edit ? "an edit" : "a rule",
                                        kind_name(rule.kind), at.before ? "before" : "after");
                return;
            }
            auto& d = diagnostics_.error(
                "check.unknown_rule", at.target.span,
                fmt::format("there is no {} `{}` to run this {} {}", kind_name(rule.kind),
                            at.target.text, kind_name(rule.kind), at.before ? "before" : "after"));
            if (auto guess = closest(at.target.text, rule_names(merged, rule.kind)))
                d.help = fmt::format("did you mean `{}`?", *guess);
            else
                d.help = fmt::format("name {} declared before this one",
                                     rule.kind == ast::RuleKind::Edit ? "an edit" : "a rule");
            return;
        }
        std::size_t position = target->second;
        if (!at.before) {
            auto& last = placed_after_[{rule.kind, at.target.text}];
            if (auto previous = index.find(last); !last.empty() && previous != index.end())
                position = previous->second;
            last = rule.name.text;
            ++position;
        }
        auto& list = list_for(merged, rule.kind);
        list.insert(list.begin() + static_cast<std::ptrdiff_t>(position), {&rule, layer, "", {}});
        disabled_.erase({rule.kind, rule.name.text}); // a new one of the name
        index.clear();
        for (std::size_t i = 0; i < list.size(); ++i)
            if (list[i].rule) index.emplace(list[i].rule->name.text, i);
    }

    // A change that names a rule or edit of the other kind (`override rule mue_limit`, where
    // `mue_limit` is an edit) says which it is, rather than that nothing has the name.
    // A rule or edit a `disable` removed, named again: said so, not "there is no such rule"
    // with a guess at another name.
    bool was_disabled(ast::RuleKind kind, const ast::Ident& target, std::string_view purpose,
                      const std::string& layer) {
        auto it = disabled_.find({kind, target.text});
        if (it == disabled_.end()) return false;
        auto& d =
            diagnostics_.error("check.unknown_rule", target.span,
                               fmt::format("{} `{}` was disabled by `{}`: there is none {}",
                                           kind_name(kind), target.text, it->second, purpose));
        d.help = it->second == layer
                     ? fmt::format("remove this policy's `disable {} {}` to keep it",
                                   kind_name(kind), target.text)
                     : fmt::format("to run one again, declare a new {} `{}`", kind_name(kind),
                                   target.text);
        return true;
    }

    void missing_target(MergedPolicy& merged, ast::RuleKind kind, const ast::Ident& target,
                        Span kind_span, const std::string& fix, const std::string& layer) {
        if (was_disabled(kind, target, "to change", layer)) return;
        ast::RuleKind other =
            kind == ast::RuleKind::Rule ? ast::RuleKind::Edit : ast::RuleKind::Rule;
        if (!find_rule(merged, other, target.text)) {
            if (exception_named(merged, target)) return;
            unknown("check.unknown_rule", target.span, kind_name(kind), target.text,
                    rule_names(merged, kind));
            return;
        }
        std::string is = other == ast::RuleKind::Edit ? "an edit" : "a rule";
        std::string not_kind = kind == ast::RuleKind::Edit ? "an edit" : "a rule";
        diagnostics_
            .error("check.override_kind", kind_span,
                   fmt::format("`{}` is {}, not {}", target.text, is, not_kind))
            .help = fmt::format("write `{}`", fix);
    }

    // What policies added to a rule: its exceptions (case-level and per element) and
    // narrowings, each with its name and the layer that wrote it.
    struct Added {
        std::string_view what; // "exception" or "narrowing"
        const std::string& name;
        const std::string& layer;
    };
    static std::vector<Added> added_to(const MergedRule& r) {
        std::vector<Added> out;
        for (const auto& [exception, layer] : r.exceptions)
            out.push_back({"exception", exception->name.text, layer});
        for (const auto& change : r.element_exceptions)
            out.push_back({"exception", change.decl->rule.name.text, change.layer});
        for (const auto& change : r.narrowings)
            out.push_back({"narrowing", change.decl->rule.name.text, change.layer});
        return out;
    }

    // An exception of a base's rule or edit named as the target of a change: it is no rule of
    // its own to override, disable, narrow or except. Said so, with how to undo it.
    bool exception_named(MergedPolicy& merged, const ast::Ident& target) {
        for (auto* list : {&merged.rules, &merged.edits})
            for (const MergedRule& r : *list) {
                if (!r.rule) continue;
                std::string by;
                for (const Added& added : added_to(r))
                    if (added.what == "exception" && added.name == target.text) by = added.layer;
                if (by.empty()) continue;
                std::string kind = kind_name(r.rule->kind);
                auto& d = diagnostics_.error(
                    "check.unknown_rule", target.span,
                    fmt::format("`{}` is an exception of `{}` to {} `{}`, not a rule or edit: it "
                                "cannot be changed on its own",
                                target.text, by, kind, r.rule->name.text));
                d.help = fmt::format("to undo it, `override {} {}` with the {}'s clauses: an "
                                     "override drops the exceptions earlier policies added to it",
                                     kind, r.rule->name.text, kind);
                return true;
            }
        return false;
    }

    static Span word_at(Span span, std::string_view word) {
        return {span.file, span.begin, span.begin + static_cast<std::uint32_t>(word.size())};
    }

    static std::string other_kind(ast::RuleKind kind) {
        return kind_name(kind == ast::RuleKind::Rule ? ast::RuleKind::Edit : ast::RuleKind::Rule);
    }

    // One policy's changes to a rule or edit of its base: an override or a `disable` after a
    // narrowing, an exception or another override of the same policy would silently drop
    // what that said (its conditions, its exception, its clauses). `replaces_body` is true for
    // those that replace everything changed before; the others add to it and are recorded.
    bool changed_before_here(const MergedPolicy& merged, ast::RuleKind kind,
                             const ast::Ident& target, std::string_view what, bool replaces_body,
                             Span at) {
        auto key = std::pair{kind, target.text};
        auto it = changed_here_.find(key);
        if (it == changed_here_.end() || !replaces_body) {
            if (it == changed_here_.end())
                changed_here_.emplace(key, std::pair{std::string(what), where(merged, at)});
            return false;
        }
        const auto& [earlier, written_at] = it->second;
        auto& d = diagnostics_.error(
            "check.changed_twice", target.span,
            fmt::format("this policy changed {} `{}` already (its `{}`): this {} would drop that "
                        "change without a word",
                        kind_name(kind), target.text, earlier, what));
        d.notes.push_back(fmt::format("its `{}` ({})", earlier, written_at));
        std::string_view noun = earlier == "narrow" ? "narrowing" : "exception";
        if (what == "disable")
            d.help = fmt::format("keep one of the two: a disabled {} runs neither itself nor its "
                                 "{}",
                                 kind_name(kind), earlier == "override" ? "override" : noun);
        else if (earlier == "override")
            d.help = "write the override once, with every change in it";
        else
            d.help = fmt::format("put the {}'s conditions in the override, or keep one of the two",
                                 noun);
        return true;
    }

    void apply_one(MergedPolicy& merged, const ast::Override& o, const std::string& layer) {
        auto* existing = find_rule(merged, o.rule.kind, o.rule.name.text);
        if (!existing) {
            missing_target(
                merged, o.rule.kind, o.rule.name, word_at(o.rule.span, kind_name(o.rule.kind)),
                fmt::format("override {} {}", other_kind(o.rule.kind), o.rule.name.text), layer);
            return;
        }
        if (refuse_fixed(existing->rule->fixed, existing->layer, layer, o.rule.name.span,
                         kind_name(o.rule.kind), o.rule.name.text))
            return;
        // A restatement (no clauses) keeps what was changed before; an override with clauses
        // replaces it.
        if (changed_before_here(merged, o.rule.kind, o.rule.name, "override",
                                !o.rule.clauses.empty(), o.span))
            return;
        if (o.rule.placement)
            diagnostics_
                .error("check.placement", o.rule.placement->span,
                       fmt::format("an override runs where the {} it replaces ran",
                                   kind_name(o.rule.kind)))
                .help =
                fmt::format("to run it elsewhere, `disable {} {}` and declare a new {} "
                            "with `{}`",
                            kind_name(o.rule.kind), o.rule.name.text, kind_name(o.rule.kind),
                            o.rule.placement->before ? "before" : "after");
        // No clauses: a restatement of the description, cite or dates; the body (and its
        // exceptions and narrowings) stay the base's.
        if (o.rule.clauses.empty()) {
            warn_dated_restatement(o, *existing);
            const ast::Rule* body = existing->restates ? existing->restates : existing->rule;
            MergedRule restated = *existing;
            if (existing->restates) restated.restated_before.push_back(existing->rule);
            restated.rule = &o.rule;
            restated.replaces = existing->layer;
            restated.layer = layer;
            restated.restates = body;
            *existing = std::move(restated);
            return;
        }
        warn_dated_override(o, *existing);
        warn_changes_dropped(o, *existing);
        *existing = {&o.rule, layer, existing->layer, {}};
    }

    // An override with clauses replaces the rule with what an earlier policy added to it: its
    // exceptions and narrowings no longer run. A payer over another that overrode an edit only
    // to reword it silently lost the base payer's exception (and capped what it paid).
    void warn_changes_dropped(const ast::Override& o, const MergedRule& replaced) {
        std::vector<std::string> dropped;
        for (const Added& added : added_to(replaced))
            dropped.push_back(fmt::format("{} `{}` of `{}`", added.what, added.name, added.layer));
        if (dropped.empty()) return;
        auto& d = diagnostics_.warning(
            "check.override_drops_changes", o.rule.name.span,
            fmt::format("this override replaces `{}` and what earlier policies added to it: {} "
                        "no longer run{}",
                        o.rule.name.text, fmt::join(dropped, ", "),
                        dropped.size() == 1 ? "s" : ""));
        d.help = "to keep them, write them again after the override (an exception or narrowing "
                 "of this policy), or change only the description, cite or dates (an override "
                 "without clauses keeps them)";
    }

    // A `disable` drops the exceptions earlier policies gave its target with it: what they
    // did in its place (a warning, a line billed, a capped denial) no longer happens, as with
    // an override. Its narrowings only kept it from acting, as the `disable` now does.
    void warn_exceptions_dropped(const ast::Disable& d, const MergedRule& disabled) {
        std::vector<std::string> dropped;
        for (const Added& added : added_to(disabled))
            if (added.what == "exception")
                dropped.push_back(fmt::format("`{}` of `{}`", added.name, added.layer));
        if (dropped.empty()) return;
        auto& w = diagnostics_.warning(
            "check.disable_drops_exceptions", d.target.span,
            fmt::format("disabling `{}` also drops what earlier policies made it do instead: "
                        "exception{} {} no longer run{}",
                        d.target.text, dropped.size() == 1 ? "" : "s", fmt::join(dropped, ", "),
                        dropped.size() == 1 ? "s" : ""));
        w.help = fmt::format("to keep what {} did, write it as {} of this policy",
                             dropped.size() == 1 ? "the exception" : "the exceptions",
                             d.kind == ast::RuleKind::Edit ? "an edit" : "a rule");
    }

    // `from D until E`, `from D` or `until E` of dated `e`, each date in `quote`s (`"` as a
    // policy writes them).
    static std::string dates_in_words(const ast::Effective& e, std::string_view quote = "") {
        std::string from = e.from ? fmt::format("from {0}{1}{0}", quote, e.from->text) : "";
        std::string until = e.until ? fmt::format("until {0}{1}{0}", quote, e.until->text) : "";
        return from.empty() || until.empty() ? from + until : from + " " + until;
    }

    // The dates `replaced` holds for: a restatement's are the latest it or what it restates
    // wrote (check/rules.cpp).
    static const ast::Effective& dates_of(const MergedRule& replaced) {
        const ast::Effective* dates = &replaced.rule->effective;
        for (auto it = replaced.restated_before.rbegin();
             !dates->dated() && it != replaced.restated_before.rend(); ++it)
            dates = &(*it)->effective;
        if (!dates->dated() && replaced.restates) dates = &replaced.restates->effective;
        return *dates;
    }
    static bool same_dates(const ast::Effective& a, const ast::Effective& b) {
        auto text = [](const std::optional<ast::Ident>& d) { return d ? d->text : std::string(); };
        return text(a.from) == text(b.from) && text(a.until) == text(b.until);
    }
    // Where a dated override or restatement leaves the base's rule not running, in words.
    static std::string outside_of(const ast::Effective& own) {
        return own.from && own.until ? "outside those dates"
               : own.from            ? fmt::format("before {}", own.from->text)
                                     : fmt::format("from {} on", own.until->text);
    }

    // A restatement (an override with no clauses) keeps the base's body, and its dates are the
    // rule's: dated other than the base, it switches the rule off on the other dates, where a
    // payer re-citing a rule meant it to run as before.
    void warn_dated_restatement(const ast::Override& o, const MergedRule& replaced) {
        const ast::Effective& own = o.rule.effective;
        if (!own.dated() || same_dates(own, dates_of(replaced))) return;
        const ast::Effective& base = dates_of(replaced);
        diagnostics_
            .warning("check.dated_override", own.from ? own.from->span : own.until->span,
                     fmt::format("this restatement of `{}`'s {} `{}` dates it {}, where it ran {}: "
                                 "{}, it no longer runs",
                                 replaced.layer, kind_name(o.rule.kind), o.rule.name.text,
                                 dates_in_words(own),
                                 base.dated() ? dates_in_words(base) : "on every date",
                                 outside_of(own)))
            .help = fmt::format("to restate only its description or cite, leave the dates out: "
                                "the {} keeps its own",
                                kind_name(o.rule.kind));
    }

    // An override with clauses takes the place of the base's rule on every date: with dates of
    // its own, on the others neither runs (a dated setting or row keeps the base's value there,
    // and a dated exception lets its target run). Said, since it reads as a change from a date.
    void warn_dated_override(const ast::Override& o, const MergedRule& replaced) {
        const ast::Effective& own = o.rule.effective;
        const ast::Effective& base = dates_of(replaced);
        if (same_dates(own, base)) return;
        if (!own.dated()) {
            // Without dates it runs on every date, also where the one it replaces did not.
            std::string was = dates_in_words(base), written = dates_in_words(base, "\"");
            diagnostics_
                .warning("check.dated_override", o.rule.name.span,
                         fmt::format("`{}`'s {} `{}` runs only {}; this override has no dates, "
                                     "so it runs on every date of service",
                                     replaced.layer, kind_name(o.rule.kind), o.rule.name.text, was))
                .help = fmt::format("to keep the {}'s dates, write them in the override: `{}`",
                                    kind_name(o.rule.kind), written);
            return;
        }
        std::string when = dates_in_words(own);
        std::string outside = outside_of(own);
        Span at = own.from ? own.from->span : own.until->span;
        diagnostics_
            .warning("check.dated_override", at,
                     fmt::format("this override holds {}, and it takes the place of `{}`'s {} "
                                 "`{}` on every date: {}, neither runs",
                                 when, replaced.layer, kind_name(o.rule.kind), o.rule.name.text,
                                 outside))
            .help = fmt::format("to change the {} only {}, write an exception to it with these "
                                "dates (on other dates the {} runs), or give the override the "
                                "{}'s dates",
                                kind_name(o.rule.kind), when, kind_name(o.rule.kind),
                                kind_name(o.rule.kind));
    }

    void apply_one(MergedPolicy& merged, const ast::Disable& d, const std::string& layer) {
        if (MergedRule* it = find_rule(merged, d.kind, d.target.text)) {
            if (refuse_fixed(it->rule->fixed, it->layer, layer, d.target.span, kind_name(d.kind),
                             d.target.text))
                return;
            if (changed_before_here(merged, d.kind, d.target, "disable", true, d.span)) return;
            warn_exceptions_dropped(d, *it);
            disabled_codes_[{d.kind, d.target.text}] =
                codes_billed(it->restates ? *it->restates : *it->rule);
            it->rule = nullptr; // compacted once every layer is merged (compact)
            rule_at(d.kind).erase(d.target.text);
            disabled_[{d.kind, d.target.text}] = layer;
            disabled_reason_[{d.kind, d.target.text}] = d.reason;
            // A rule or edit carries its cite; switching one off should say why as well, since
            // review's denials, `--why-not` and `cpl doc` quote the reason to the coder.
            if (d.reason.find_first_not_of(" \t") == std::string::npos)
                diagnostics_
                    .warning("check.disable_without_reason", d.target.span,
                             fmt::format("`disable {} {}` gives no reason: `--why-not`, review's "
                                         "denials and `cpl doc` can say only that `{}` disables "
                                         "it",
                                         kind_name(d.kind), d.target.text, layer))
                    .help = fmt::format("write `disable {} {} \"reason\"`: why this payer does "
                                        "not apply it, with its policy's reference",
                                        kind_name(d.kind), d.target.text);
            return;
        }
        missing_target(merged, d.kind, d.target, d.kind_span,
                       fmt::format("disable {} {}", other_kind(d.kind), d.target.text), layer);
    }

    void apply_one(MergedPolicy& merged, const ast::Exception& e, const std::string& layer) {
        if (e.rule.placement)
            diagnostics_
                .error("check.placement", e.rule.placement->span,
                       fmt::format("{} runs where the {} it changes runs",
                                   e.narrows ? "a narrowing" : "an exception",
                                   kind_name(e.target_kind)))
                .help = fmt::format(
                "leave out `{}`; to run new clauses elsewhere, declare a new {} with it",
                e.rule.placement->before ? "before" : "after", kind_name(e.target_kind));
        auto* target = find_rule(merged, e.target_kind, e.target.text);
        if (!target) {
            missing_target(
                merged, e.target_kind, e.target, e.kind_span,
                e.narrows ? fmt::format("narrow {} {}", other_kind(e.target_kind), e.target.text)
                          : fmt::format("exception {} to {} {}", e.rule.name.text,
                                        other_kind(e.target_kind), e.target.text),
                layer);
            return;
        }
        if (refuse_fixed(target->rule->fixed, target->layer, layer, e.target.span,
                         kind_name(e.target_kind), e.target.text))
            return;
        if (!e.narrows) {
            if (name_taken_by_exception(e.rule.name, "exception")) return;
            for (ast::RuleKind kind : {ast::RuleKind::Rule, ast::RuleKind::Edit})
                if (auto* existing = find_rule(merged, kind, e.rule.name.text)) {
                    diagnostics_
                        .error("check.duplicate_rule", e.rule.name.span,
                               fmt::format("exception `{}`: {} {} of `{}` already has the name",
                                           e.rule.name.text,
                                           kind == ast::RuleKind::Edit ? "an" : "a",
                                           kind_name(kind), existing->layer))
                        .help = "choose another name";
                    return;
                }
            exception_layer_.emplace(e.rule.name.text, layer);
        }
        changed_before_here(merged, e.target_kind, e.target,
                            e.narrows ? "narrow" : (e.per ? "exception per" : "exception"), false,
                            e.span);
        if (e.narrows)
            target->narrowings.push_back({&e, layer});
        else if (e.per)
            target->element_exceptions.push_back({&e, layer});
        else
            target->exceptions.emplace_back(&e.rule, layer);
    }

    void apply_one(MergedPolicy&, const ast::Include&, const std::string&) {}

    // A requirement of any layer binds every layer: none can be overridden or removed.
    void apply_one(MergedPolicy& merged, const ast::Require& r, const std::string& layer) {
        merged.requirements.push_back({&r, layer});
    }

    void apply_one(MergedPolicy& merged, const ast::Source& s, const std::string& layer) {
        for (auto& existing : merged.bibliography) {
            if (existing.decl->key.text != s.key.text) continue;
            if (existing.layer == layer) {
                diagnostics_
                    .error("check.duplicate_source", s.key.span,
                           fmt::format("source `{}` is already declared", s.key.text))
                    .help = "give each source one declaration; cite it as many times as needed";
                return;
            }
            existing = {&s, layer};
            return;
        }
        merged.bibliography.push_back({&s, layer});
    }

    Diagnostics& diagnostics_;
    // Where each name is in the merged policy: looking names up in the lists instead would
    // make loading quadratic in the size of the policy.
    // Each setting, table and definition name: its kind and the layer that declared it.
    std::unordered_map<std::string, std::pair<std::string, std::string>> declared_as_;
    std::unordered_map<std::string, std::size_t> setting_at_, table_at_, def_at_, rule_at_,
        edit_at_;
    // The rules and edits a `disable` removed, and the layer that did.
    std::map<std::pair<ast::RuleKind, std::string>, std::string> disabled_;
    // The rules and edits the layer being applied changed so far: the first change's keyword
    // and where it is (changed_before_here).
    std::map<std::pair<ast::RuleKind, std::string>, std::pair<std::string, std::string>>
        changed_here_;
    // The values the layer being applied gave each setting so far, declared or restated
    // (restated_before_here).
    struct ValueHere {
        const ast::Effective* effective;
        Span value, span;
        bool declared; // the setting's declaration, not a restatement
    };
    std::map<std::string, std::vector<ValueHere>> restated_here_;
    std::map<std::pair<ast::RuleKind, std::string>, std::string> disabled_reason_;
    std::map<std::pair<ast::RuleKind, std::string>, MergedPolicy::Billed> disabled_codes_;
    std::unordered_map<std::string, std::string> exception_layer_; // exception name → layer
    // The last rule or edit placed `after` each target, so the next runs after it.
    std::map<std::pair<ast::RuleKind, std::string>, std::string> placed_after_;
    std::vector<std::string> including_; // the files whose includes are being expanded
    std::string root_layer_;             // the policy that extends none (e.g. the standard)
    std::size_t files_read_ = 0;
    const SourceOverrides* overrides_;
    // Rows read for a table's `rows from`, with the file's path and version.
    std::unordered_map<const ast::Table*, std::pair<const std::vector<ast::TableRow>*, std::string>>
        data_rows_;
    std::vector<std::string> chain_;
};

} // namespace

std::optional<MergedPolicy> load(const std::string& policy, Diagnostics& diagnostics,
                                 std::shared_ptr<SourceMap> sources,
                                 const SourceOverrides* overrides) {
    return Loader(diagnostics, overrides).load_root(policy, std::move(sources));
}

} // namespace cpl
