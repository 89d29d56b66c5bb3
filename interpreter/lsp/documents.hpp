// interpreter/lsp/documents.hpp — the documents the editor has open: their text as the
// author sees it, which the loader reads instead of the disk (SourceOverrides).
#pragma once

#include "interpreter/load/load.hpp"
#include "interpreter/lsp/text.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace cpl::lsp {

struct Analysis;

/// An LSP `Position` object read strictly: `line` and `character` are whole numbers from 0 to
/// 2^31 - 1 (LSP's `uinteger`). Another value (-1, 2.9, 4294967298: read as they were, they
/// wrapped round to another line) is invalid params.
Position position_of(const nlohmann::json& position);

struct Document {
    std::string uri;
    std::string path; // the file the URI names; a made-up path for an unsaved (`untitled:`) one
    std::string key;  // source_key(path)
    std::int64_t version = 0;
    std::string text;
    std::shared_ptr<const Analysis> analysis; // null until analysed, and after every change
};

class DocumentStore {
public:
    Document& open(const std::string& uri, std::int64_t version, std::string text);
    Document* find(const std::string& uri);
    void close(const std::string& uri);
    /// Applies `contentChanges` of didChange: whole texts, or ranges replaced in order.
    void change(Document& document, std::int64_t version, const nlohmann::json& changes,
                Encoding encoding);
    /// Every open document's text, keyed for the loader.
    SourceOverrides overrides() const;
    std::map<std::string, Document>& all() { return documents_; }
    const std::map<std::string, Document>& all() const { return documents_; }

private:
    std::map<std::string, Document> documents_; // by URI
};

} // namespace cpl::lsp
