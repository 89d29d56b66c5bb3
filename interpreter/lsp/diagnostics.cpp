// interpreter/lsp/diagnostics.cpp — cpl diagnostics → LSP diagnostics, and the quick fixes
// their did-you-mean suggestions make.
#include "interpreter/lsp/features.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace cpl::lsp {

namespace {

namespace fs = std::filesystem;

// A path under the working directory (the workspace) is shown relative to it, as `cpl check`
// run there shows it.
std::string shown_path(const std::string& path) {
    std::error_code ec;
    fs::path p(path);
    if (!p.is_absolute()) return path;
    fs::path relative = p.lexically_relative(fs::current_path(ec));
    if (ec || relative.empty() || *relative.begin() == "..") return path;
    return relative.string();
}

bool is_ident(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// The file a path written in `policy` names, as a source key.
std::string key_of_written(const Analysis& a, const ast::PolicyFile& policy,
                           const std::string& written) {
    fs::path dir = fs::path(a.sources->get(policy.file).path()).parent_path();
    return source_key((dir / written).lexically_normal().string());
}

// The `rows from` of `policy`'s tables that names the file `key`, if one does.
const ast::RowsFrom* rows_from_of(const Analysis& a, const ast::PolicyFile& policy,
                                  const std::string& key) {
    for (const auto& decl : policy.decls)
        if (const auto* table = std::get_if<ast::Table>(&decl))
            if (table->rows_from && key_of_written(a, policy, table->rows_from->path.text) == key)
                return &*table->rows_from;
    return nullptr;
}

// Where the document reads `file`: its `include`, the `rows from` of a table, the `include` of
// the file whose `rows from` reads it (a data file of an included file, on the root), else its
// `extends` (the file is in the base chain); the whole first line when none of these parsed.
Span anchor(const Analysis& a, FileId file) {
    const ast::PolicyFile& own = *a.own;
    std::string key = source_key(a.sources->get(file).path());
    auto include_of = [&](const std::string& included) -> const ast::Include* {
        for (const auto& decl : own.decls)
            if (const auto* include = std::get_if<ast::Include>(&decl))
                if (key_of_written(a, own, include->path) == included) return include;
        return nullptr;
    };
    if (const auto* include = include_of(key)) return include->span;
    if (const auto* rows = rows_from_of(a, own, key)) return rows->path.span;
    if (const MergedPolicy* merged = a.names())
        for (const auto& other : merged->files)
            if (rows_from_of(a, *other, key))
                if (const auto* include =
                        include_of(source_key(a.sources->get(other->file).path())))
                    return include->span;
    if (own.extends) return own.extends->span;
    if (own.has_header) return own.name.span;
    std::string_view text = a.sources->get(own.file).text();
    return {own.file, 0, static_cast<std::uint32_t>(std::min(text.find('\n'), text.size()))};
}

json lsp_diagnostic(const Analysis& a, const Diagnostic& d, FileUris& uris) {
    bool here = d.span && a.mine(d.span->file);
    Span at = here ? *d.span : d.span ? anchor(a, d.span->file) : Span{a.own->file, 0, 0};
    json out = {{"range", a.range(at)},
                {"severity", d.severity == Severity::error ? 1 : 2},
                {"code", d.code},
                {"source", "cpl"},
                {"message", d.message}};
    json related = json::array();
    if (d.span && !here) {
        const SourceFile& file = a.sources->get(d.span->file);
        Location l = file.locate(d.span->begin);
        out["message"] =
            fmt::format("{}:{}:{}: {}", shown_path(file.path()), l.line, l.column, d.message);
        related.push_back({{"location", a.location(*d.span, uris)}, {"message", d.message}});
    }
    json self = a.location(at, uris);
    for (const auto& note : d.notes)
        related.push_back({{"location", self}, {"message", "note: " + note}});
    if (d.help) related.push_back({{"location", self}, {"message", "help: " + *d.help}});
    if (!related.empty()) out["relatedInformation"] = std::move(related);
    return out;
}

// Diagnostics in other files are shown only on the policy's root: an included file would
// otherwise repeat every error of its siblings. Those of a data file its own `rows from`
// reads are its own too (a column's type changed there makes every cell an error).
bool shown(const Analysis& a, const Diagnostic& d) {
    if ((d.span && a.mine(d.span->file)) || a.is_root) return true;
    return d.span && rows_from_of(a, *a.own, source_key(a.sources->get(d.span->file).path()));
}

// `x` from a help of the form "did you mean `x`?".
std::optional<std::string> suggestion(const Diagnostic& d) {
    constexpr std::string_view prefix = "did you mean `";
    if (!d.help || !d.help->starts_with(prefix) || !d.help->ends_with("`?")) return std::nullopt;
    return d.help->substr(prefix.size(), d.help->size() - prefix.size() - 2);
}

bool before(const json& a, const json& b) {
    return a["line"] < b["line"] || (a["line"] == b["line"] && a["character"] < b["character"]);
}

} // namespace

json diagnostics(const Analysis& a, FileUris& uris) {
    json out = json::array();
    for (const auto& d : a.diagnostics.sorted())
        if (shown(a, d)) out.push_back(lsp_diagnostic(a, d, uris));
    return out;
}

json code_actions(const Analysis& a, const json& params, FileUris& uris, const std::string& uri) {
    json out = json::array();
    if (params.contains("context") && params["context"].contains("only")) {
        bool wanted = false;
        for (const auto& kind : params["context"]["only"])
            wanted = wanted || kind == "quickfix";
        if (!wanted) return out;
    }
    const json& range = params.at("range");
    for (const auto& d : a.diagnostics.sorted()) {
        auto replacement = suggestion(d);
        if (!replacement || !d.span || !a.mine(d.span->file)) continue;
        // A name for a misspelt name: the identifier the span starts with (a span may cover
        // more). An expression for the expression (`l.muscles.name` for `l.muscles`): the
        // whole span; the name alone gave `l.muscles.name.muscles`.
        std::string_view text = a.text(*d.span);
        bool expression = std::any_of(replacement->begin(), replacement->end(),
                                      [](char c) { return !is_ident(c); });
        std::size_t begin = 0;
        while (!expression && begin < text.size() && !is_ident(text[begin]))
            ++begin;
        std::size_t end = expression ? text.size() : begin;
        while (end < text.size() && is_ident(text[end]))
            ++end;
        Span name{d.span->file, d.span->begin + static_cast<std::uint32_t>(begin),
                  d.span->begin + static_cast<std::uint32_t>(end)};
        // A misspelt keyword (`rul r "x"`: did you mean `rule`?) is reported where the parser
        // stopped, after it: the word is the one just before the span.
        if (begin == end && d.code.starts_with("parse.") && !expression) {
            std::string_view all = a.sources->get(d.span->file).text();
            std::uint32_t stop = std::min(d.span->begin, static_cast<std::uint32_t>(all.size()));
            while (stop > 0 && (all[stop - 1] == ' ' || all[stop - 1] == '\t'))
                --stop;
            std::uint32_t start = stop;
            while (start > 0 && is_ident(all[start - 1]))
                --start;
            name = {d.span->file, start, stop};
            text = all.substr(start, stop - start);
            begin = 0;
            end = text.size();
        }
        if (begin == end) continue;
        json edit_range = a.range(name);
        if (before(edit_range["end"], range.at("start")) ||
            before(range.at("end"), edit_range["start"]))
            continue;
        json edit = {{"range", edit_range}, {"newText", *replacement}};
        out.push_back({{"title", fmt::format("Replace `{}` with `{}`",
                                             text.substr(begin, end - begin), *replacement)},
                       {"kind", "quickfix"},
                       {"isPreferred", true},
                       {"diagnostics", json::array({lsp_diagnostic(a, d, uris)})},
                       {"edit", {{"changes", {{uri, json::array({edit})}}}}}});
    }
    return out;
}

} // namespace cpl::lsp
