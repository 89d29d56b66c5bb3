// interpreter/lsp/analysis.cpp — which policy a document belongs to; load, check and index it.
#include "interpreter/lsp/analysis.hpp"

#include "interpreter/check/check.hpp"
#include "interpreter/load/resolve.hpp"
#include "lang/files.hpp"
#include "lang/format.hpp"
#include "lang/parse.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>

namespace cpl::lsp {

namespace fs = std::filesystem;

namespace {

constexpr int max_include_depth = 16; // as the loader's

std::optional<std::string> text_of(const std::string& path, const DocumentStore& store) {
    std::string key = source_key(path);
    for (const auto& [uri, d] : store.all())
        if (d.key == key) return d.text;
    std::string why;
    return read_text_file(path, why);
}

// The paths named by the `include "…"` lines of a text: a line that starts with `include`.
std::vector<std::string> includes_in(std::string_view text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        std::string_view line = text.substr(at, end == std::string_view::npos ? end : end - at);
        at = end == std::string_view::npos ? text.size() : end + 1;
        if (!line.starts_with("include")) continue;
        std::size_t open = line.find('"'), close = line.find('"', open + 1);
        if (open != std::string_view::npos && close != std::string_view::npos)
            out.emplace_back(line.substr(open + 1, close - open - 1));
    }
    return out;
}

// The policy files that may include `path`: those of its directory, in order, then those of
// the one above.
std::vector<fs::path> includer_candidates(const std::string& path) {
    std::vector<fs::path> out;
    fs::path here = fs::path(path).parent_path();
    for (const fs::path& dir : {here, here.parent_path()}) {
        std::error_code ec;
        std::size_t first = out.size();
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
            if (it->path().extension() == ".cpl") out.push_back(it->path());
        std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
        if (dir == dir.parent_path()) break;
    }
    return out;
}

// The policy file whose includes reach `path`: in its directory, then the one above.
std::optional<std::string> includer_root(const std::string& path, const DocumentStore& store,
                                         int depth) {
    if (depth >= max_include_depth) return std::nullopt;
    std::string key = source_key(path);
    for (const fs::path& candidate : includer_candidates(path)) {
        if (source_key(candidate.string()) == key) continue;
        auto text = text_of(candidate.string(), store);
        if (!text) continue;
        for (const auto& include : includes_in(*text)) {
            if (source_key((candidate.parent_path() / include).lexically_normal().string()) != key)
                continue;
            if (has_policy_header(*text)) return candidate.string();
            return includer_root(candidate.string(), store, depth + 1);
        }
    }
    return std::nullopt;
}

std::optional<MergedPolicy> load_context(const Analysis& a, const Document& document,
                                         const DocumentStore& store) {
    SourceOverrides saved = store.overrides();
    saved.erase(document.key);
    Diagnostics ignored;
    if (auto merged = load(a.root, ignored, a.sources, &saved)) return merged;
    if (!a.own || !a.own->extends) return std::nullopt;
    auto base = resolve_policy(a.own->extends->text, fs::path(document.path).parent_path(),
                               a.own->extends_is_path, &saved);
    if (!base) return std::nullopt;
    return load(*base, ignored, a.sources, &saved);
}

} // namespace

std::vector<const ast::PolicyFile*> applied_order(const MergedPolicy& merged) {
    std::map<std::string, const ast::PolicyFile*> by_key;
    // Each file the policy read is there to extend, though an editor holds it unsaved.
    SourceOverrides read;
    for (const auto& file : merged.files) {
        std::string key = source_key(merged.sources->get(file->file).path());
        by_key.emplace(key, file.get());
        read.emplace(std::move(key), std::string());
    }
    std::vector<const ast::PolicyFile*> order;
    std::set<const ast::PolicyFile*> seen;
    auto find = [&](const std::string& path) -> const ast::PolicyFile* {
        auto it = by_key.find(source_key(path));
        return it == by_key.end() || seen.count(it->second) ? nullptr : it->second;
    };
    std::function<void(const ast::PolicyFile&)> includes = [&](const ast::PolicyFile& file) {
        fs::path dir = fs::path(merged.sources->get(file.file).path()).parent_path();
        for (const auto& decl : file.decls)
            if (const auto* include = std::get_if<ast::Include>(&decl))
                if (const auto* inner = find((dir / include->path).lexically_normal().string())) {
                    seen.insert(inner);
                    order.push_back(inner);
                    includes(*inner);
                }
    };
    std::function<void(const ast::PolicyFile&)> layer = [&](const ast::PolicyFile& file) {
        seen.insert(&file);
        if (file.extends) {
            fs::path dir = fs::path(merged.sources->get(file.file).path()).parent_path();
            auto base = resolve_policy(file.extends->text, dir, file.extends_is_path, &read);
            if (base)
                if (const auto* b = find(*base)) layer(*b);
        }
        order.push_back(&file);
        includes(file);
    };
    // The loader parses the root first, so files[0] is the outermost layer.
    if (!merged.files.empty()) layer(*merged.files.front());
    for (const auto& file : merged.files)
        if (!seen.count(file.get())) order.push_back(file.get());
    return order;
}

std::shared_ptr<const Analysis> analyze(const Document& document, const DocumentStore& store,
                                        Encoding encoding) {
    auto a = std::make_shared<Analysis>();
    a->encoding = encoding;
    bool header = has_policy_header(document.text);
    a->root = header ? document.path : includer_root(document.path, store, 0).value_or("");
    a->is_root = a->root.empty() || source_key(a->root) == document.key;

    // The open editors' text, read in place of the disk's, by the loader and the index.
    const SourceOverrides unsaved = store.overrides();
    if (!a->root.empty()) {
        a->merged = load(a->root, a->diagnostics, a->sources, &unsaved);
        if (a->merged) check(*a->merged, a->diagnostics);
    }
    FileId own = a->sources->add(document.path, document.text);
    Diagnostics parse_diagnostics;
    a->own = std::make_unique<ast::PolicyFile>(parse(*a->sources, own, parse_diagnostics, header));
    if (a->root.empty()) {
        // A file without a header that no policy includes is what `cpl check` reports: it
        // needs a header (read alone as an included file, it showed nothing, misspelt
        // names and all).
        if (!header) {
            parse_diagnostics = {};
            parse(*a->sources, own, parse_diagnostics, true);
            for (std::size_t i = 0; i < parse_diagnostics.items().size(); ++i)
                if (parse_diagnostics.items()[i].code == "parse.expected_header")
                    parse_diagnostics.at(i).notes.push_back(
                        "no policy file in this folder or the one above includes it");
        }
        a->diagnostics = std::move(parse_diagnostics);
    }
    if (!a->merged && !a->root.empty()) a->context = load_context(*a, document, store);

    for (FileId f = 0; f < a->sources->size(); ++f) {
        std::string key = source_key(a->sources->get(f).path());
        if (key == document.key) a->files.push_back(f);
        a->read.insert(std::move(key));
    }
    // A document nothing includes is checked again when a file that may come to include it
    // changes (it kept its "needs a header" error, included or not).
    if (a->root.empty() && !header)
        for (const fs::path& candidate : includer_candidates(document.path))
            a->read.insert(source_key(candidate.string()));
    bool indexed_own = false;
    if (const MergedPolicy* names = a->names()) {
        for (const ast::PolicyFile* file : applied_order(*names)) {
            bool is_document = a->mine(file->file);
            // From the context, the document as saved is stale: what parsed now replaces it.
            if (is_document && !a->merged) continue;
            indexed_own = indexed_own || is_document;
            a->index.add(*file, a->sources->get(file->file).path(), &unsaved);
        }
    }
    if (!indexed_own) a->index.add(*a->own, document.path, &unsaved);
    return a;
}

bool Analysis::mine(FileId file) const {
    return std::find(files.begin(), files.end(), file) != files.end();
}

std::string_view Analysis::text(Span span) const {
    std::string_view t = sources->get(span.file).text();
    if (span.begin > t.size()) return {};
    return std::string_view(t).substr(span.begin, span.end - span.begin);
}

const LineIndex& Analysis::lines(FileId file) const {
    auto it = lines_.find(file);
    if (it == lines_.end()) it = lines_.emplace(file, LineIndex(sources->get(file).text())).first;
    return it->second;
}

// The document's own text as the client sent it may begin with a byte order mark, which the
// analysed text dropped: its first line's columns are counted with it, as completion's are.
std::uint32_t Analysis::mark_width(FileId file) const {
    if (!mine(file) || !sources->get(file).had_byte_order_mark()) return 0;
    return encoding == Encoding::utf16 ? 1 : 3; // U+FEFF: one UTF-16 unit, three UTF-8 bytes
}

Position Analysis::position(FileId file, std::uint32_t offset) const {
    Position p = lines(file).position(offset, encoding);
    if (p.line == 0) p.character += mark_width(file);
    return p;
}

std::uint32_t Analysis::offset(FileId file, Position position) const {
    if (position.line == 0) position.character -= std::min(position.character, mark_width(file));
    return lines(file).offset(position, encoding);
}

nlohmann::json Analysis::range(Span span) const {
    auto at = [&](std::uint32_t offset) {
        Position p = position(span.file, offset);
        return nlohmann::json{{"line", p.line}, {"character", p.character}};
    };
    return {{"start", at(span.begin)}, {"end", at(span.end)}};
}

nlohmann::json Analysis::location(Span span, FileUris& uris) const {
    return {{"uri", uris.uri(sources->get(span.file).path())}, {"range", range(span)}};
}

std::uint32_t Analysis::offset(const nlohmann::json& position) const {
    return offset(own->file, position_of(position));
}

const ast::PolicyFile* file_read_from(const Analysis& a, const std::string& path) {
    const MergedPolicy* p = a.names();
    if (!p) return nullptr;
    for (const auto& f : p->files)
        if (a.sources->get(f->file).path() == path) return f.get();
    return nullptr;
}

} // namespace cpl::lsp
