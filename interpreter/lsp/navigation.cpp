// interpreter/lsp/navigation.cpp — go to definition and find references, over every file
// of the document's policy (its base chain and includes, the standard set among them).
#include "interpreter/lsp/features.hpp"

namespace cpl::lsp {

json definition(const Analysis& a, const json& position, FileUris& uris) {
    const Occurrence* o = a.index.at(a.files, a.offset(position));
    if (!o) return nullptr;
    if (o->kind == Kind::file) {
        // A base's `policy` header; the top of an included file, or of one that did not load.
        const ast::PolicyFile* read = file_read_from(a, o->target);
        if (read && read->has_header) return a.location(read->name.span, uris);
        return {{"uri", uris.uri(o->target)},
                {"range",
                 {{"start", {{"line", 0}, {"character", 0}}},
                  {"end", {{"line", 0}, {"character", 0}}}}}};
    }
    const Occurrence* declaration = a.index.declaration(a.index.symbol(*o));
    if (!declaration) return nullptr;
    return a.location(declaration->span, uris);
}

json references(const Analysis& a, const json& position, bool include_declaration, FileUris& uris) {
    json out = json::array();
    const Occurrence* o = a.index.at(a.files, a.offset(position));
    if (!o || o->kind == Kind::file) return out;
    Symbol symbol = a.index.symbol(*o);
    if (symbol.kind == Kind::name) return out; // an unknown name refers to nothing
    const Occurrence* declaration = a.index.declaration(symbol);
    for (const Occurrence* r : a.index.references(symbol))
        if (include_declaration || r != declaration) out.push_back(a.location(r->span, uris));
    return out;
}

} // namespace cpl::lsp
