// interpreter/lsp/files.hpp — a URI the editor can open for every file a policy reads.
//
// Files on disk are named by their `file:` URI. The standard set compiled into the binary
// has no file when stdlib/ is not under the working directory; the first time one of its
// files needs a URI, the whole set is written, read-only, to a cache directory named by a
// hash of its contents (`$XDG_CACHE_HOME/cpl/standard-HASH/stdlib/standard/…`, else
// `~/.cache/cpl/…`), and that file's URI is used. Any editor can open it, with no custom
// request; a new build with other contents gets another directory.
#pragma once

#include <map>
#include <string>

namespace cpl::lsp {

class FileUris {
public:
    /// `cache_root`: the directory under which the standard set is written when needed.
    explicit FileUris(std::string cache_root) : cache_root_(std::move(cache_root)) {}

    /// The URI for a file as the loader named it (a path, or an embedded file's path, or the
    /// path given to a document that is no file, which is named by its own URI).
    std::string uri(const std::string& path);

    /// An open document that is no file (`untitled:Untitled-1`) is read at `path`: locations
    /// there are given in its own URI, not a `file:` URI of a file that does not exist.
    void name(const std::string& path, const std::string& uri) { unsaved_[path] = uri; }

    /// `$XDG_CACHE_HOME/cpl`, else `$HOME/.cache/cpl`, else a directory under /tmp.
    static std::string default_cache_root();

private:
    const std::string& standard_dir(); // writes the set on first use; "" when that failed

    std::string cache_root_;
    std::map<std::string, std::string> unsaved_; // path → URI of documents that are no file
    std::string standard_dir_;
    bool tried_ = false;
};

} // namespace cpl::lsp
