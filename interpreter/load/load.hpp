// interpreter/load/load.hpp — policy files → one merged policy: includes read in place, the
// `extends` chain loaded base first, and each payer layer's overrides applied to its base.
#pragma once

#include "interpreter/load/resolve.hpp"
#include "lang/ast.hpp"
#include "lang/diagnostic.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace cpl {

/// One value of a setting and the dates of service it holds for.
struct SettingVersion {
    const ast::Expr* value = nullptr;
    const ast::Effective* effective = nullptr;
    std::string layer;
    const ast::Cite* cite = nullptr; // the source the layer gave for this value
};

struct MergedSetting {
    const ast::Setting* decl = nullptr;
    // Later versions win where their dates overlap. A restatement without dates replaces
    // every version; one with dates is added.
    std::vector<SettingVersion> versions;
    std::string layer; // who last changed it
    std::vector<std::pair<const ast::Expr*, std::string>>
        history; // every value it had, with its layer, for `cpl diff`
};

/// One key of a merged row still in force: a literal, a range of numbers or of strings, or
/// one code of a range of codes (each code of `95907..95913` is a key of its own, so a later
/// layer can restate or remove it alone).
struct MergedKey {
    const ast::TableKey* key = nullptr; // as written
    std::string code = {};              // the code, for a key of a range of codes
};

struct MergedRow {
    const ast::TableRow* row = nullptr;
    std::string layer;
    // The row's keys still in force: a later layer's row takes the keys it restates, and a
    // row left with none is gone.
    std::vector<MergedKey> keys = {};
    // The `cite` of the block of a later layer that wrote the row (`table mue "Acme" cite
    // "Acme manual" …`): the source of its value when the row has none of its own.
    const ast::Cite* block_cite = nullptr;
};

struct MergedTable {
    const ast::Table* decl = nullptr; // the first declaration (the declaring layer's)
    std::string layer;                // who last wrote the whole table (`replace table`)
    std::vector<MergedRow> rows;
    // The table's description and cite: its declaration's, or those of the last `replace
    // table` that wrote its own (the whole table is that layer's then).
    const std::string& doc() const { return doc_from ? doc_from->doc : decl->doc; }
    /// The rows still in force: a row a later layer removed (or took every key of) is gone.
    std::size_t rows_in_force() const {
        return static_cast<std::size_t>(std::count_if(
            rows.begin(), rows.end(), [](const MergedRow& r) { return r.row != nullptr; }));
    }
    const std::optional<ast::Cite>& cite() const {
        return cite_from ? cite_from->cite : decl->cite;
    }
    const ast::Table* doc_from = nullptr;
    const ast::Table* cite_from = nullptr;
    std::string described_by = {}; // the layer of the last of those (a later `replace table`
                                   // that writes neither leaves them, and this, as they were)
    std::string source = {};       // where rows came from a data file: its path and version
    std::string declared_by = {};
    // The layer whose `fixed table NAME … end` fixed a table its base declared: from there on,
    // as the declaration's own `fixed`, no later layer may change it.
    std::string fixed_by = {};
    // Every `table NAME … end` that wrote it (its name), with its layer, in the order applied.
    std::vector<std::pair<Span, std::string>> written_at = {};
    // `remove` keys that matched no row: the checker reports each (a key of the wrong type,
    // or no such row), since only it knows the table's key type.
    struct UnmatchedRemove {
        const ast::TableKey* key;
        const ast::TableRow* row;
        std::string layer;
    };
    std::vector<UnmatchedRemove> unmatched_removes = {};
    // `remove` keys that took a row away, with their layer: a look-up the base wrote may now
    // find no row (check.unguarded_lookup says so at the `remove`).
    struct Removal {
        const ast::TableKey* key;
        std::string layer;
    };
    std::vector<Removal> removals = {};
    // The parts of a range of numbers left when a `remove` took keys out of its middle or end
    // (`remove 2` of `1..4` leaves `1..1` and `3..4`): keys no file wrote, kept here, where
    // every copy of the table finds them.
    std::vector<std::shared_ptr<const ast::TableKey>> range_parts = {};
    // While merging (interpreter/load/rows.cpp): the positions in `rows` of each key's rows and
    // of the rows holding a range of numbers or strings, so that a row meets only the rows it
    // may share a key with. Positions may be stale; the merge checks the keys it finds there.
    // A row that lost all its keys is left with a null `row` until the merge is done.
    std::unordered_map<std::string, std::vector<std::size_t>> rows_by_key = {};
    std::vector<std::size_t> range_rows = {};
    // Of the `muscles` table only: the positions of the rows of each name in lower case (a
    // case's muscle names are matched without regard to case). Stale as rows_by_key may be.
    std::unordered_map<std::string, std::vector<std::size_t>> rows_by_lower_name = {};
};

struct MergedDef {
    const ast::Def* decl = nullptr;
    std::string layer;
};

/// A `narrow` or an `exception … per VAR` of a rule, with the layer that wrote it.
struct LayeredChange {
    const ast::Exception* decl = nullptr;
    std::string layer;
};

struct MergedRule {
    const ast::Rule* rule = nullptr;
    std::string layer;
    std::string replaces; // the layer whose rule this replaced
    std::vector<std::pair<const ast::Rule*, std::string>> exceptions;
    // A restatement (`override` with a description, cite or dates and no clauses): the rule
    // whose clauses run, and whose description, cite and dates stand where `rule` has none.
    const ast::Rule* restates = nullptr;
    // The restatements `rule` restates in turn, oldest first: a description, cite or dates
    // the latest does not write stand as the most recent of them wrote it, else the body's.
    std::vector<const ast::Rule*> restated_before = {};
    // Tried where the rule would act (after its leading for/let/when), in declaration order:
    // exceptions per element of its loop first, then the narrowings' conditions.
    std::vector<LayeredChange> element_exceptions = {};
    std::vector<LayeredChange> narrowings = {};
};

/// A source the citations name by key. A payer layer that declares a key again replaces the
/// base's entry (a newer edition, a link that moved, a value since verified).
struct MergedSource {
    const ast::Source* decl = nullptr;
    std::string layer;
};

/// Every declaration in force, in evaluation order, with the layer that wrote it.
struct MergedPolicy {
    std::shared_ptr<SourceMap> sources = std::make_shared<SourceMap>();
    std::vector<std::unique_ptr<ast::PolicyFile>> files;
    std::vector<std::unique_ptr<std::vector<ast::TableRow>>> data_rows; // read by `rows from`
    std::string name;
    std::string title;
    std::vector<std::string> layers; // base first
    // The layer (its index in `layers`) of each policy file, its includes with it: what a
    // file can see is its own layer's declarations and its bases'.
    std::unordered_map<FileId, std::size_t> file_layers;
    std::string base; // what the outermost policy extends: a path, or "standard"
    // The dates of service the policy codes: the latest `from` and earliest `until` of its
    // layers' headers ("" for open), with the layer that set each.
    std::string dates_from, dates_until, dates_from_layer, dates_until_layer;
    std::vector<MergedSetting> settings;
    std::vector<MergedTable> tables;
    std::vector<MergedDef> defs;
    std::vector<MergedRule> rules;
    std::vector<MergedRule> edits;
    std::vector<MergedSource> bibliography;
    /// Every layer's requirements, base first, with the layer that wrote each.
    std::vector<std::pair<const ast::Require*, std::string>> requirements;
    // What a rule's `bill` clauses write: codes (`bill 95886`), and tables whose values they
    // look up (`bill needle_emg_code[…]`).
    struct Billed {
        std::vector<std::string> codes;
        std::vector<std::string> tables;
    };
    /// The rules and edits a layer disabled (and none declared again since).
    struct Disabled {
        ast::RuleKind kind;
        std::string name;
        std::string layer;
        std::string reason;
        Billed billed;
    };
    std::vector<Disabled> disabled;
};

/// Loads a policy: `standard` (the built-in set), a path, or a name, found from the current
/// directory by `resolve_policy` (resolve.hpp), as is each `extends` from its file.
/// Returns nothing when a file cannot be read or parsed; other problems are reported and
/// the merged policy still returned, so the checker can report more.
/// `sources` receives every file read, so diagnostics render even when loading fails.
/// `overrides`, when given, wins over the disk (and the embedded standard set) for the files
/// it names; the command line passes none.
std::optional<MergedPolicy> load(const std::string& policy, Diagnostics& diagnostics,
                                 std::shared_ptr<SourceMap> sources,
                                 const SourceOverrides* overrides = nullptr);

} // namespace cpl
