// interpreter/load/fragment.cpp — the policy a fragment belongs to (see fragment.hpp).
#include "interpreter/load/fragment.hpp"

#include "interpreter/load/resolve.hpp"
#include "lang/files.hpp"
#include "lang/format.hpp"
#include "stdlib/embedded.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <vector>

namespace cpl {

namespace {

namespace fs = std::filesystem;

constexpr int max_depth = 16; // as deep as includes may nest

std::optional<std::string> text_of(const std::string& path) {
    std::string why;
    if (auto text = read_text_file(path, why)) return text;
    if (auto embedded = embedded_policy_file(path)) return std::string(*embedded);
    return std::nullopt;
}

bool word_at(const std::string& text, std::size_t at, std::string_view word) {
    if (text.compare(at, word.size(), word) != 0) return false;
    std::size_t end = at + word.size();
    return end == text.size() ||
           !(std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_');
}

// The paths named by the file's `include "…"` declarations (each starts a line).
std::vector<std::string> includes(const std::string& text) {
    std::vector<std::string> out;
    for (std::size_t at = 0; at < text.size(); at = text.find('\n', at) + 1) {
        std::size_t word = at;
        while (word < text.size() && (text[word] == ' ' || text[word] == '\t'))
            ++word;
        if (word_at(text, word, "include")) {
            std::size_t open = text.find('"', word);
            std::size_t close = open == std::string::npos ? open : text.find('"', open + 1);
            std::size_t line_end = text.find('\n', word);
            if (close != std::string::npos && close < line_end)
                out.push_back(text.substr(open + 1, close - open - 1));
        }
        if (text.find('\n', at) == std::string::npos) break;
    }
    return out;
}

std::string canonical_text(const fs::path& p) {
    std::error_code ec;
    fs::path c = fs::weakly_canonical(p, ec);
    return (ec ? p.lexically_normal() : c).string();
}

std::vector<fs::path> cpl_files_in(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir.empty() ? "." : dir, ec))
        if (entry.path().extension() == ".cpl")
            out.push_back(dir.empty() ? entry.path().filename() : entry.path());
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<std::string> includer_of(const std::string& path, int depth) {
    if (depth > max_depth) return std::nullopt;
    if (path != standard_policy_path && embedded_policy_file(path) &&
        fs::path(path).extension() == ".cpl")
        return std::string(standard_policy_path);
    std::string target = canonical_text(path);
    fs::path dir = fs::path(path).parent_path();
    for (const fs::path& where : {dir, dir.parent_path()}) {
        for (const fs::path& candidate : cpl_files_in(where)) {
            if (canonical_text(candidate) == target) continue;
            auto text = text_of(candidate.string());
            if (!text) continue;
            auto named = includes(*text);
            bool names_it = std::any_of(named.begin(), named.end(), [&](const std::string& inc) {
                return canonical_text(candidate.parent_path() / inc) == target;
            });
            if (!names_it) continue;
            if (has_policy_header(*text)) return candidate.string();
            if (auto up = includer_of(candidate.string(), depth + 1)) return up;
        }
        if (where.empty()) break;
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> including_policy(const std::string& path) {
    auto text = text_of(path);
    if (!text || has_policy_header(*text)) return std::nullopt;
    return includer_of(path, 0);
}

} // namespace cpl
