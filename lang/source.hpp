// lang/source.hpp — where text came from. Spans are byte offsets; line and column are
// computed on demand, in one place (SourceFile::locate).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace cpl {

using FileId = std::uint32_t;

/// A half-open byte range [begin, end) in one source file.
struct Span {
    FileId file = 0;
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
};

/// How much of `text` (code and the blanks and comments after it, as a token or a declaration's
/// last expression carries them) is code: a span that ends there underlines just the code.
std::size_t code_length(std::string_view text);

/// A 1-based line and column (the column counts bytes, as compilers do).
struct Location {
    std::uint32_t line = 1;
    std::uint32_t column = 1;
};

/// One source text with its name and a table of line starts.
class SourceFile {
public:
    /// Keeps `text` with a leading byte order mark dropped and every line end made LF
    /// (CRLF and CR alike): offsets, lines and columns refer to that text.
    SourceFile(std::string path, std::string text);
    /// A text that outlives every SourceFile (one built into the executable) is not copied
    /// unless it needs normalizing as above.
    struct Lasting {
        std::string_view text;
    };
    SourceFile(std::string path, Lasting text);
    // text_ may view owned_: a copy or a move would leave it pointing at the source's.
    SourceFile(const SourceFile&) = delete;
    SourceFile& operator=(const SourceFile&) = delete;

    const std::string& path() const { return path_; }
    std::string_view text() const { return text_; }
    /// Whether the text given began with a byte order mark (dropped from text()): an editor
    /// that counts it puts the first line's columns one further.
    bool had_byte_order_mark() const { return had_byte_order_mark_; }
    Location locate(std::uint32_t offset) const;
    /// The text of a 1-based line, without its line break.
    std::string_view line_text(std::uint32_t line) const;

private:
    const std::vector<std::uint32_t>& line_starts() const;
    void find_lines() const;

    std::string path_;
    std::string owned_;     // the text, unless it is Lasting and already normal
    std::string_view text_; // owned_, or the Lasting text
    bool had_byte_order_mark_ = false;
    mutable std::once_flag lines_found_;
    mutable std::vector<std::uint32_t> line_starts_;
};

/// Every source file of one run; FileIds index into it. Files never move once added.
class SourceMap {
public:
    FileId add(std::string path, std::string text);
    FileId add(std::string path, SourceFile::Lasting text);
    const SourceFile& get(FileId id) const { return *files_.at(id); }
    std::size_t size() const { return files_.size(); }

private:
    std::vector<std::unique_ptr<SourceFile>> files_;
};

} // namespace cpl
