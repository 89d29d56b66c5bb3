// interpreter/lsp/analysis.hpp — a document → the policy it belongs to, loaded and checked
// with every open document's unsaved text, and the names of that policy (index.hpp).
//
// Which policy: a file with a `policy` header is its own root (a payer brings its `extends`
// chain). A file without one is an included file: its root is the file that includes it,
// found among the `.cpl` files of its directory and the one above (an open document's text
// counts); with none, the file is only parsed.
//
// While the document does not parse, the loader gives no merged policy, so the names come
// from the `context`: the same root loaded with the document as saved (else its base), with
// the document's own names taken from what did parse. Completion works mid-edit that way.
#pragma once

#include "interpreter/load/load.hpp"
#include "interpreter/lsp/documents.hpp"
#include "interpreter/lsp/files.hpp"
#include "interpreter/lsp/index.hpp"
#include "interpreter/lsp/text.hpp"

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cpl::lsp {

struct Analysis {
    Encoding encoding = Encoding::utf16;
    std::shared_ptr<SourceMap> sources = std::make_shared<SourceMap>();
    std::string root;                     // the policy file loaded for the document
    bool is_root = true;                  // the document is that file (or stands alone)
    std::optional<MergedPolicy> merged;   // as edited; absent when a file does not parse
    std::optional<MergedPolicy> context;  // when `merged` is absent: names to go on with
    Diagnostics diagnostics;              // loading and checking (or only parsing) the document
    std::unique_ptr<ast::PolicyFile> own; // the document parsed alone: what parsed of it
    std::vector<FileId> files;            // the document's FileIds in `sources`
    Index index;
    std::set<std::string> read; // source_key of every file read: who depends on what

    /// The merged policy whose settings, tables, definitions and rules the document sees.
    const MergedPolicy* names() const { return merged ? &*merged : context ? &*context : nullptr; }
    bool mine(FileId file) const;
    std::string_view text(Span span) const;

    Position position(FileId file, std::uint32_t offset) const;
    std::uint32_t offset(FileId file, Position position) const;
    nlohmann::json range(Span span) const;
    nlohmann::json location(Span span, FileUris& uris) const;
    /// The offset in the document of an LSP `position` object.
    std::uint32_t offset(const nlohmann::json& position) const;

private:
    const LineIndex& lines(FileId file) const;
    std::uint32_t mark_width(FileId file) const;
    mutable std::map<FileId, LineIndex> lines_;
};

/// Loads and checks the policy `document` belongs to, reading the open documents' text.
std::shared_ptr<const Analysis> analyze(const Document& document, const DocumentStore& store,
                                        Encoding encoding);

/// The file of the document's policy read from `path` (an `extends` or `include` target);
/// null when the policy did not load or holds no such file.
const ast::PolicyFile* file_read_from(const Analysis& analysis, const std::string& path);

/// The files of a merged policy in the order the loader applies them: each base before the
/// layer that extends it, each included file after the file that includes it.
std::vector<const ast::PolicyFile*> applied_order(const MergedPolicy& merged);

} // namespace cpl::lsp
