// interpreter/lsp/documents.cpp — open documents and their edits.
#include "interpreter/lsp/documents.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace cpl::lsp {

namespace {

// A URI that is not a file (an editor's unsaved buffer) gets a path under the working
// directory, so that `extends NAME` is searched for where `cpl check` would search. One path a
// URI: its bytes but letters, digits and `-._~` are percent-encoded (`_` for each of them made
// `untitled:Untitled-1` and `untitled:Untitled_1` one document).
std::string path_for(const std::string& uri) {
    std::string path = uri_path(uri);
    if (!path.empty()) return path;
    // percent_encoded keeps `/`, which would make the name a path of folders.
    std::string name;
    for (char c : percent_encoded(uri))
        name += c == '/' ? std::string("%2F") : std::string(1, c);
    return (std::filesystem::current_path() / (name + ".cpl")).string();
}

} // namespace

Document& DocumentStore::open(const std::string& uri, std::int64_t version, std::string text) {
    Document& d = documents_[uri];
    d.uri = uri;
    d.path = path_for(uri);
    d.key = source_key(d.path);
    d.version = version;
    d.text = std::move(text);
    d.analysis.reset();
    return d;
}

Document* DocumentStore::find(const std::string& uri) {
    auto it = documents_.find(uri);
    return it == documents_.end() ? nullptr : &it->second;
}

Position position_of(const nlohmann::json& position) {
    auto part = [&](const char* name) {
        const nlohmann::json& v = position.at(name);
        if (!v.is_number_unsigned() || v.get<std::uint64_t>() > 0x7fffffff)
            throw nlohmann::json::other_error::create(
                501,
                std::string("`") + name +
                    "` of a position must be a whole number from 0 to "
                    "2147483647, not " +
                    v.dump(),
                nullptr);
        return v.get<std::uint32_t>();
    };
    return {part("line"), part("character")};
}

void DocumentStore::close(const std::string& uri) {
    documents_.erase(uri);
}

void DocumentStore::change(Document& document, std::int64_t version, const nlohmann::json& changes,
                           Encoding encoding) {
    for (const auto& change : changes) {
        std::string text = change.at("text").get<std::string>();
        if (!change.contains("range")) {
            document.text = std::move(text);
            continue;
        }
        // Each change applies to the text the previous one left.
        const auto& range = change.at("range");
        LineIndex lines(document.text);
        auto at = [&](const nlohmann::json& p) { return lines.offset(position_of(p), encoding); };
        std::uint32_t begin = at(range.at("start"));
        std::uint32_t end = std::max(begin, at(range.at("end")));
        document.text.replace(begin, end - begin, text);
    }
    document.version = version;
    document.analysis.reset();
}

SourceOverrides DocumentStore::overrides() const {
    SourceOverrides out;
    for (const auto& [uri, d] : documents_)
        out[d.key] = d.text;
    return out;
}

} // namespace cpl::lsp
