// interpreter/lsp/files.cpp — file URIs, and the embedded standard set written out once.
#include "interpreter/lsp/files.hpp"

#include "interpreter/lsp/text.hpp"
#include "stdlib/embedded.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <unistd.h>

namespace cpl::lsp {

namespace fs = std::filesystem;

std::string FileUris::default_cache_root() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return (fs::path(xdg) / "cpl").string();
    if (const char* home = std::getenv("HOME"); home && *home)
        return (fs::path(home) / ".cache" / "cpl").string();
    return (fs::temp_directory_path() / fmt::format("cpl-cache-{}", ::getuid())).string();
}

const std::string& FileUris::standard_dir() {
    if (tried_) return standard_dir_;
    tried_ = true;
    // FNV-1a over every path and text: the directory changes whenever the set does.
    std::uint64_t hash = 1469598103934665603ull;
    auto mix = [&](std::string_view text) {
        for (unsigned char c : text)
            hash = (hash ^ c) * 1099511628211ull;
        hash = (hash ^ 0xff) * 1099511628211ull;
    };
    auto paths = embedded_policy_paths();
    for (auto path : paths) {
        mix(path);
        mix(*embedded_policy_file(path));
    }
    fs::path dir = fs::path(cache_root_) / fmt::format("standard-{:016x}", hash);
    std::error_code ec;
    for (auto path : paths) {
        fs::path target = dir / path;
        if (fs::exists(target, ec)) continue;
        fs::create_directories(target.parent_path(), ec);
        if (ec) return standard_dir_;
        // Written under another name then renamed, so a second server never reads half a file.
        fs::path partial = target;
        partial += fmt::format(".{}.partial", ::getpid());
        {
            std::ofstream out(partial, std::ios::binary | std::ios::trunc);
            auto text = *embedded_policy_file(path);
            out.write(text.data(), static_cast<std::streamsize>(text.size()));
            if (!out) return standard_dir_;
        }
        // Read-only: an edit there would change nothing the binary uses.
        fs::permissions(partial,
                        fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read, ec);
        fs::rename(partial, target, ec);
        if (ec) return standard_dir_;
    }
    standard_dir_ = dir.string();
    return standard_dir_;
}

std::string FileUris::uri(const std::string& path) {
    if (auto unsaved = unsaved_.find(path); unsaved != unsaved_.end()) return unsaved->second;
    std::error_code ec;
    if (embedded_policy_file(path) && !fs::exists(path, ec)) {
        const std::string& dir = standard_dir();
        if (!dir.empty()) return file_uri((fs::path(dir) / path).string());
    }
    return file_uri(path);
}

} // namespace cpl::lsp
