// interpreter/load/load.cpp — reads policy files (from disk or the embedded standard set),
// expands includes, follows `extends` base first, and merges each layer onto its base.
#include "interpreter/load/load.hpp"

#include "interpreter/load/data_file.hpp"
#include "lang/files.hpp"
#include "lang/parse.hpp"
#include "lang/suggest.hpp"
#include "lang/vocabulary.hpp"
#include "stdlib/embedded.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <unordered_map>

namespace cpl {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t max_chain = 32;   // extends chain length
constexpr std::size_t max_include = 16; // include nesting

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

std::string key_text(const ast::TableKey& key) {
    if (!key.literal)
        return fmt::format("{}..{}", key.low, key.high ? std::to_string(*key.high) : "");
    return std::visit(
        [](const auto& lit) -> std::string {
            using T = std::decay_t<decltype(lit)>;
            if constexpr (std::is_same_v<T, ast::NumberLit>)
                return "#" + std::to_string(lit.value);
            else if constexpr (std::is_same_v<T, ast::CodeLit>)
                return "$" + lit.code;
            else if constexpr (std::is_same_v<T, ast::BoolLit>)
                return lit.value ? "?true" : "?false";
            else if constexpr (std::is_same_v<T, ast::StringLit>) {
                std::string s = "$";
                for (const auto& part : lit.parts)
                    if (auto* t = std::get_if<std::string>(&part)) s += *t;
                return s;
            } else
                return "!";
        },
        key.literal->kind);
}

std::string kind_name(ast::RuleKind kind) {
    return std::string(vocabulary::keyword(kind));
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
            std::optional<std::string> found = resolve_policy(
                policy.extends->text, fs::path(here).parent_path(), policy.extends_is_path);
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
        narrow_dates(merged, policy.effective, layer);
        merged.name = layer;
        merged.title = policy.title;
        merged.layers.push_back(layer);
        std::vector<const ast::Decl*> decls;
        if (!collect(merged, policy, path, decls, 0)) return false;
        for (const ast::Decl* decl : decls)
            apply(merged, *decl, layer);
        return true;
    }

    // A payer codes at most the dates its base codes: each layer may only narrow them.
    static void narrow_dates(MergedPolicy& merged, const ast::Effective& e, const std::string& layer) {
        if (e.from && (merged.dates_from.empty() || e.from->text > merged.dates_from)) {
            merged.dates_from = e.from->text;
            merged.dates_from_layer = layer;
        }
        if (e.until && (merged.dates_until.empty() || e.until->text < merged.dates_until)) {
            merged.dates_until = e.until->text;
            merged.dates_until_layer = layer;
        }
    }

    static std::string canonical_path(const std::string& path) {
        std::error_code ec;
        auto canonical = fs::weakly_canonical(path, ec);
        return ec ? path : canonical.string();
    }

    ast::PolicyFile* parse_file(MergedPolicy& merged, const std::string& path,
                                std::optional<Span> from, bool expect_header) {
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

    // Expands includes in place, depth first.
    bool collect(MergedPolicy& merged, const ast::PolicyFile& file, const std::string& path,
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
                                   "includes nest too deeply (a file includes itself?)");
                return false;
            }
            std::string target =
                (fs::path(path).parent_path() / include->path).lexically_normal().string();
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

    void unknown(std::string code, Span span, std::string what, std::string_view name,
                 const std::vector<std::string_view>& candidates) {
        auto& d = diagnostics_.error(std::move(code), span,
                                     fmt::format("there is no {} `{}` to change", what, name));
        if (auto guess = closest(name, candidates))
            d.help = fmt::format("did you mean `{}`?", *guess);
    }

    void apply(MergedPolicy& merged, const ast::Decl& decl, const std::string& layer) {
        std::visit([&](const auto& d) { apply_one(merged, d, layer); }, decl);
    }

    void apply_one(MergedPolicy& merged, const ast::Setting& s, const std::string& layer) {
        for (const auto& existing : merged.settings)
            if (existing.decl->name.text == s.name.text) {
                auto& d = diagnostics_.error("check.duplicate_setting", s.name.span,
                                             fmt::format("setting `{}` is already declared by `{}`",
                                                         s.name.text, existing.layer));
                d.help = fmt::format("to change its value, write `{} VALUE`", s.name.text);
                return;
            }
        merged.settings.push_back(
            {&s, {{&s.value, &s.effective, layer}}, layer, {{&s.value, layer}}});
    }

    // A payer may not change what the standard set marks `fixed`.
    bool refuse_fixed(bool fixed, const std::string& owner, const std::string& layer, Span at,
                      std::string_view what, std::string_view name) {
        if (!fixed || owner == layer) return false;
        auto& d = diagnostics_.error(
            "check.fixed", at,
            fmt::format("{} `{}` is fixed by `{}`: a payer policy may not change it", what, name,
                        owner));
        d.notes.push_back(
            "it encodes a rule that is not a payer's to choose (e.g. CPT's code bands)");
        return true;
    }

    void apply_one(MergedPolicy& merged, const ast::SettingValue& s, const std::string& layer) {
        for (auto& existing : merged.settings)
            if (existing.decl->name.text == s.name.text) {
                if (refuse_fixed(existing.decl->fixed, existing.history.front().second, layer,
                                 s.name.span, "setting", s.name.text))
                    return;
                if (!s.effective.dated()) existing.versions.clear();
                existing.versions.push_back(
                    {&s.value, &s.effective, layer, s.cite ? &*s.cite : nullptr});
                existing.layer = layer;
                existing.history.emplace_back(&s.value, layer);
                return;
            }
        unknown("check.unknown_setting", s.name.span, "setting", s.name.text,
                names_of(merged.settings, [](const MergedSetting& m) -> std::string_view {
                    return m.decl->name.text;
                }));
    }

    void apply_one(MergedPolicy& merged, const ast::Table& t, const std::string& layer) {
        MergedTable* table = nullptr;
        for (auto& existing : merged.tables)
            if (existing.decl->name.text == t.name.text) table = &existing;
        if (table && refuse_fixed(table->decl->fixed, table->layer, layer, t.name.span, "table",
                                  t.name.text))
            return;
        if (!table) {
            if (t.replace)
                unknown("check.unknown_table", t.name.span, "table", t.name.text,
                        names_of(merged.tables, [](const MergedTable& m) -> std::string_view {
                            return m.decl->name.text;
                        }));
            merged.tables.push_back({&t, layer, {}});
            table = &merged.tables.back();
        } else if (t.replace) {
            table->rows.clear();
            table->layer = layer;
        }
        if (auto data = data_rows_.find(&t); data != data_rows_.end()) {
            for (const auto& row : *data->second.first)
                merge_row(*table, row, layer);
            table->source = data->second.second;
        }
        for (const auto& row : t.rows)
            merge_row(*table, row, layer);
    }

    static std::string dates(const ast::Effective& e) {
        return (e.from ? e.from->text : "") + ".." + (e.until ? e.until->text : "");
    }

    void merge_row(MergedTable& table, const ast::TableRow& row, const std::string& layer) {
        // The same key with other dates is another version of the row, not a replacement.
        auto matches = [&](const ast::TableRow& other) {
            if (!row.remove && dates(row.effective) != dates(other.effective)) return false;
            for (const auto& a : row.keys)
                for (const auto& b : other.keys)
                    if (key_text(a) == key_text(b)) return true;
            return false;
        };
        for (auto it = table.rows.begin(); it != table.rows.end(); ++it) {
            if (!matches(*it->row)) continue;
            if (row.remove) {
                table.rows.erase(it);
            } else if (it->layer == layer) {
                auto& d =
                    diagnostics_.error("check.duplicate_key", row.span,
                                       fmt::format("table `{}` already has a row for this key",
                                                   table.decl->name.text));
                d.notes.push_back("each key may appear once in a table");
            } else {
                *it = {&row, layer};
            }
            return;
        }
        if (row.remove) {
            diagnostics_.error("check.unknown_row", row.span,
                               fmt::format("table `{}` has no row with this key to remove",
                                           table.decl->name.text));
            return;
        }
        table.rows.push_back({&row, layer});
    }

    void apply_one(MergedPolicy& merged, const ast::Def& def, const std::string& layer) {
        for (const auto& existing : merged.defs)
            if (existing.decl->name.text == def.name.text) {
                diagnostics_
                    .error("check.duplicate_def", def.name.span,
                           fmt::format("`{}` is already defined by `{}`", def.name.text,
                                       existing.layer))
                    .help = "choose another name, or override the rules that use it";
                return;
            }
        merged.defs.push_back({&def, layer});
    }

    std::vector<MergedRule>& list_for(MergedPolicy& merged, ast::RuleKind kind) {
        return kind == ast::RuleKind::Rule ? merged.rules : merged.edits;
    }

    MergedRule* find_rule(MergedPolicy& merged, ast::RuleKind kind, const std::string& name) {
        for (auto& r : list_for(merged, kind))
            if (r.rule->name.text == name) return &r;
        return nullptr;
    }

    std::vector<std::string_view> rule_names(MergedPolicy& merged, ast::RuleKind kind) {
        return names_of(list_for(merged, kind),
                        [](const MergedRule& r) -> std::string_view { return r.rule->name.text; });
    }

    void apply_one(MergedPolicy& merged, const ast::Rule& rule, const std::string& layer) {
        if (auto* existing = find_rule(merged, rule.kind, rule.name.text)) {
            diagnostics_
                .error("check.duplicate_rule", rule.name.span,
                       fmt::format("{} `{}` is already defined by `{}`", kind_name(rule.kind),
                                   rule.name.text, existing->layer))
                .help = fmt::format("to replace it, write `override {} {}`", kind_name(rule.kind),
                                    rule.name.text);
            return;
        }
        list_for(merged, rule.kind).push_back({&rule, layer, "", {}});
    }

    void apply_one(MergedPolicy& merged, const ast::Override& o, const std::string& layer) {
        auto* existing = find_rule(merged, o.rule.kind, o.rule.name.text);
        if (!existing) {
            unknown("check.unknown_rule", o.rule.name.span, kind_name(o.rule.kind),
                    o.rule.name.text, rule_names(merged, o.rule.kind));
            return;
        }
        if (refuse_fixed(existing->rule->fixed, existing->layer, layer, o.rule.name.span,
                         kind_name(o.rule.kind), o.rule.name.text))
            return;
        *existing = {&o.rule, layer, existing->layer, {}};
    }

    void apply_one(MergedPolicy& merged, const ast::Disable& d, const std::string& layer) {
        auto& list = list_for(merged, d.kind);
        for (auto it = list.begin(); it != list.end(); ++it)
            if (it->rule->name.text == d.target.text) {
                if (refuse_fixed(it->rule->fixed, it->layer, layer, d.target.span,
                                 kind_name(d.kind), d.target.text))
                    return;
                list.erase(it);
                return;
            }
        unknown("check.unknown_rule", d.target.span, kind_name(d.kind), d.target.text,
                rule_names(merged, d.kind));
    }

    void apply_one(MergedPolicy& merged, const ast::Exception& e, const std::string& layer) {
        auto* target = find_rule(merged, e.target_kind, e.target.text);
        if (!target) {
            unknown("check.unknown_rule", e.target.span, kind_name(e.target_kind), e.target.text,
                    rule_names(merged, e.target_kind));
            return;
        }
        if (refuse_fixed(target->rule->fixed, target->layer, layer, e.target.span,
                         kind_name(e.target_kind), e.target.text))
            return;
        target->exceptions.emplace_back(&e.rule, layer);
    }

    void apply_one(MergedPolicy&, const ast::Include&, const std::string&) {}

    Diagnostics& diagnostics_;
    const SourceOverrides* overrides_;
    // Rows read for a table's `rows from`, with the file's path and version.
    std::unordered_map<const ast::Table*, std::pair<const std::vector<ast::TableRow>*, std::string>>
        data_rows_;
    std::vector<std::string> chain_;
};

} // namespace

std::string source_key(const std::string& path) {
    std::error_code ec;
    fs::path absolute = fs::absolute(path, ec);
    if (ec) return path;
    fs::path canonical = fs::weakly_canonical(absolute, ec);
    return (ec ? absolute.lexically_normal() : canonical).string();
}

std::optional<MergedPolicy> load(const std::string& policy, Diagnostics& diagnostics,
                                 std::shared_ptr<SourceMap> sources,
                                 const SourceOverrides* overrides) {
    return Loader(diagnostics, overrides).load_root(policy, std::move(sources));
}

} // namespace cpl
