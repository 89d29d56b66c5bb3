// lang/source.cpp — line tables and offset → line/column.
#include "source.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

namespace cpl {

namespace {

// Policies and data files come from every editor: a leading byte order mark is dropped, and
// CRLF and lone CR line ends become LF, so the grammar (and every line count) sees one kind.
// A CR-only file once read as one line, its first comment swallowing the rest.
std::string normalized(std::string text) {
    if (text.size() >= 3 && text[0] == '\xEF' && text[1] == '\xBB' && text[2] == '\xBF')
        text.erase(0, 3);
    if (text.find('\r') == std::string::npos) return text;
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\r') {
            out += text[i];
            continue;
        }
        out += '\n';
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    }
    return out;
}

bool is_normal(std::string_view text) {
    return !text.starts_with("\xEF\xBB\xBF") && text.find('\r') == std::string_view::npos;
}

} // namespace

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)),
      had_byte_order_mark_(std::string_view(text).starts_with("\xEF\xBB\xBF")) {
    owned_ = normalized(std::move(text));
    text_ = owned_;
}

SourceFile::SourceFile(std::string path, Lasting text)
    : path_(std::move(path)), had_byte_order_mark_(text.text.starts_with("\xEF\xBB\xBF")) {
    if (is_normal(text.text))
        text_ = text.text;
    else
        text_ = owned_ = normalized(std::string(text.text));
}

// Found when first asked: a run that reports no location (most cases of a batch, every case
// of one from the command line) never scans the 200 KB of the standard set for them.
const std::vector<std::uint32_t>& SourceFile::line_starts() const {
    std::call_once(lines_found_, [this] { find_lines(); });
    return line_starts_;
}

void SourceFile::find_lines() const {
    line_starts_.push_back(0);
    // memchr finds the line ends many bytes at a time: the 120 KB of the standard set cost
    // a tenth of starting `cpl run` when looked at a byte at a time.
    const char* begin = text_.data();
    const char* end = begin + text_.size();
    for (const char* at = begin;
         (at = static_cast<const char*>(std::memchr(at, '\n', static_cast<std::size_t>(end - at))));
         ++at)
        line_starts_.push_back(static_cast<std::uint32_t>(at - begin + 1));
}

Location SourceFile::locate(std::uint32_t offset) const {
    const auto& starts = line_starts();
    auto it = std::upper_bound(starts.begin(), starts.end(), offset);
    auto line = static_cast<std::uint32_t>(it - starts.begin());
    return {line, offset - starts[line - 1] + 1};
}

std::string_view SourceFile::line_text(std::uint32_t line) const {
    const auto& starts = line_starts();
    if (line == 0 || line > starts.size()) return {};
    std::uint32_t begin = starts[line - 1];
    std::uint32_t end =
        line < starts.size() ? starts[line] : static_cast<std::uint32_t>(text_.size());
    std::string_view view(text_.data() + begin, end - begin);
    while (!view.empty() && (view.back() == '\n' || view.back() == '\r'))
        view.remove_suffix(1);
    return view;
}

FileId SourceMap::add(std::string path, std::string text) {
    files_.push_back(std::make_unique<SourceFile>(std::move(path), std::move(text)));
    return static_cast<FileId>(files_.size() - 1);
}

FileId SourceMap::add(std::string path, SourceFile::Lasting text) {
    files_.push_back(std::make_unique<SourceFile>(std::move(path), text));
    return static_cast<FileId>(files_.size() - 1);
}

std::size_t code_length(std::string_view text) {
    // What each byte is to the scan (blanks as std::isspace has them in the C locale). A
    // table, not isspace: every node of a parse tree asks this of its text, nested ones again.
    enum : unsigned char { code, blank, comment, quote };
    static constexpr auto kinds = [] {
        std::array<unsigned char, 256> kind{};
        for (unsigned char c : {' ', '\t', '\n', '\v', '\f', '\r'})
            kind[c] = blank;
        kind['#'] = comment;
        kind['"'] = quote;
        return kind;
    }();
    std::size_t end = 0, i = 0, n = text.size();
    while (i < n) {
        switch (kinds[static_cast<unsigned char>(text[i])]) {
        case code:
            end = ++i;
            break;
        case blank:
            ++i;
            break;
        case comment: // to the end of its line
            i = text.find('\n', i);
            i = i == std::string_view::npos ? n : i + 1;
            break;
        default: // a string is code to its closing quote, escapes and all
            for (++i; i < n && text[i] != '"';)
                i += text[i] == '\\' ? 2 : 1;
            end = i = std::min(i + 1, n);
        }
    }
    return end;
}

} // namespace cpl
