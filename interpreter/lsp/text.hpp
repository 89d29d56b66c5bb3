// interpreter/lsp/text.hpp — where LSP and cpl disagree about text: LSP counts lines from 0
// and columns in UTF-16 code units (or UTF-8 bytes when the client agrees to it), cpl counts
// byte offsets; LSP names files by URI, cpl by path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cpl::lsp {

/// How columns are counted (LSP 3.17 `positionEncoding`).
enum class Encoding { utf16, utf8 };

/// A 0-based line and column, as LSP writes them.
struct Position {
    std::uint32_t line = 0;
    std::uint32_t character = 0;
};

/// Line starts of one text, for converting byte offsets to LSP positions and back. Holds a
/// view: the text must outlive it.
class LineIndex {
public:
    explicit LineIndex(std::string_view text);
    Position position(std::uint32_t offset, Encoding encoding) const;
    /// The byte offset of a position; past the end of a line means its end, past the last line
    /// the end of the text (LSP asks servers to clamp, not fail).
    std::uint32_t offset(Position position, Encoding encoding) const;

private:
    std::string_view text_;
    std::vector<std::uint32_t> starts_;
};

/// `file:///a%20b/c.cpl` for `/a b/c.cpl` (the path made absolute first).
std::string file_uri(const std::string& path);
/// `path` with every byte but RFC 3986's unreserved characters and `/` percent-encoded.
std::string percent_encoded(std::string_view path);

/// The local path of a `file:` URI; empty for any other scheme.
std::string uri_path(std::string_view uri);

} // namespace cpl::lsp
