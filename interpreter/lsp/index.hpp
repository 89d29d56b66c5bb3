// interpreter/lsp/index.hpp — every name written in a policy's files, with what it names:
// the ASTs → occurrences, the table behind hover, go to definition, references and
// completion. Names resolve as the checker resolves them (interpreter/check/expressions.cpp):
// locals first, then settings, tables, the built-in names (`case`, `claim`, …), definitions.
#pragma once

#include "interpreter/load/resolve.hpp"
#include "lang/ast.hpp"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace cpl::lsp {

enum class Kind : std::uint8_t {
    setting,
    table,
    def,
    rule,
    edit,
    exception,
    source,  // a `source KEY` declaration (cites name it as `[KEY]`, in text)
    name,    // a bare name in an expression: a setting, table or definition (resolve())
    call,    // a called name: a function definition, else a built-in (resolve())
    local,   // a `let`/`for` variable, a parameter, a comprehension variable
    builtin, // resolved from `call`
    field,   // `.name`
    special, // case, claim, supported, reviewing, service_date
    file,    // an `include` or the header's `extends`: the file it names
};

/// One name as written.
struct Occurrence {
    Kind kind = Kind::name;
    std::string name;
    Span span;
    bool declares = false; // a declaration (the first one in base-first order is the one)
    Span binding{};        // locals: where the local is bound, which is its identity
    std::string detail;    // locals: how they are bound (`let`, `for`, …); fields: the object;
                           // files: "extends" for a base (else an include)
    std::string target;    // files: the path the loader reads
};

inline bool same_span(const Span& a, const Span& b) {
    return a.file == b.file && a.begin == b.begin && a.end == b.end;
}

/// What a name refers to: a kind and a name, and for a local its binding.
struct Symbol {
    Kind kind = Kind::name;
    std::string name;
    Span binding{};
    bool operator==(const Symbol& o) const {
        return kind == o.kind && name == o.name && same_span(binding, o.binding);
    }
};

class Index {
public:
    /// Adds one file's names. Files are added base first, in the order the loader applies
    /// them, so the first declaration of a name is the one that made it. `path` is the path
    /// the loader gave the file (includes and `extends` are resolved from it).
    /// `unsaved`: an editor's buffers, which an `extends` may name before they are saved.
    void add(const ast::PolicyFile& file, const std::string& path,
             const SourceOverrides* unsaved = nullptr);

    /// The occurrence under `offset` (its end counts: the cursor just after a name) in one of
    /// `files`; null when there is none.
    const Occurrence* at(const std::vector<FileId>& files, std::uint32_t offset) const;

    /// What an occurrence names: `name` and `call` resolved, a local by its binding.
    Symbol symbol(const Occurrence& occurrence) const;
    /// The declaration of a symbol; null for built-ins, fields and unknown names.
    const Occurrence* declaration(const Symbol& symbol) const;
    /// Every occurrence of a symbol, in file order.
    std::vector<const Occurrence*> references(const Symbol& symbol) const;
    /// True when some file declares `name` as `kind`.
    bool declared(Kind kind, const std::string& name) const;

    const std::vector<Occurrence>& occurrences() const { return occurrences_; }

private:
    friend class Walker;
    std::vector<Occurrence> occurrences_;
    std::set<std::pair<Kind, std::string>> declared_; // so resolving a name is a look-up
    // A rule's or edit's `for` and `let` variables before it first acts, by kind and name:
    // an exception `per` one of them, and a narrowing, read them too.
    std::map<std::pair<Kind, std::string>, std::vector<std::pair<std::string, Span>>> leading_;
};

} // namespace cpl::lsp
