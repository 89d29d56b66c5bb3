// interpreter/lsp/features.hpp — one function per LSP feature, each from an analysed
// document and the request's parameters to the result's JSON (LSP 3.17 shapes). The server
// (server.cpp) only routes messages to them.
#pragma once

#include "interpreter/lsp/analysis.hpp"

#include <nlohmann/json.hpp>

namespace cpl::lsp {

using nlohmann::json;

/// Diagnostic[] for publishDiagnostics: every load and check diagnostic located in the
/// document; one located in another file of its policy is shown at the `include`, `extends`
/// or `rows from` that reads that file, and only when the document is the policy's root.
json diagnostics(const Analysis& analysis, FileUris& uris);

/// CodeAction[]: a quick fix for each did-you-mean in `params.range` (textDocument/codeAction).
json code_actions(const Analysis& analysis, const json& params, FileUris& uris,
                  const std::string& uri);

/// Hover | null: a setting's or table's doc, cite, value and layer; a definition's, rule's
/// or built-in's signature and doc; a local's binding; a case field's type.
json hover(const Analysis& analysis, const json& position);

/// Location | null: where the name under the cursor is declared (the standard set included),
/// or the file an `include` or `extends` names.
json definition(const Analysis& analysis, const json& position, FileUris& uris);

/// Location[]: every use of the name under the cursor in the files of the policy.
json references(const Analysis& analysis, const json& position, bool include_declaration,
                FileUris& uris);

/// CompletionList: by what precedes the cursor (see completion.cpp).
json completion(const Analysis& analysis, const Document& document, const json& position);

/// DocumentSymbol[]: the document's declarations, from what parsed.
json document_symbols(const Analysis& analysis);

/// TextEdit[] | null: the canonical text (`cpl fmt`) as one edit; null when the document
/// does not parse, and [] when it is already canonical.
json formatting(const Document& document, Encoding encoding);

} // namespace cpl::lsp
