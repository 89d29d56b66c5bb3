// interpreter/lsp/text.cpp — offsets ↔ LSP positions, paths ↔ file URIs.
#include "interpreter/lsp/text.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace cpl::lsp {

namespace {

// Bytes in the UTF-8 sequence a lead byte opens (1 for a stray continuation byte, so bad
// input still advances).
std::uint32_t sequence_length(unsigned char lead) {
    if (lead >= 0xF0) return 4;
    if (lead >= 0xE0) return 3;
    if (lead >= 0xC0) return 2;
    return 1;
}

} // namespace

// LSP's line breaks are \n, \r\n and a lone \r (the spec's EOL): a client counting a lone
// \r as a line would apply an edit's end elsewhere (a whole-document formatting edit ended
// mid-document, and the old text stayed after the new).
LineIndex::LineIndex(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')))
            starts_.push_back(static_cast<std::uint32_t>(i + 1));
}

Position LineIndex::position(std::uint32_t offset, Encoding encoding) const {
    offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text_.size()));
    auto after = std::upper_bound(starts_.begin(), starts_.end(), offset);
    auto line = static_cast<std::uint32_t>(after - starts_.begin() - 1);
    std::uint32_t start = starts_[line];
    if (encoding == Encoding::utf8) return {line, offset - start};
    std::uint32_t units = 0;
    for (std::uint32_t i = start; i < offset;) {
        std::uint32_t n = sequence_length(static_cast<unsigned char>(text_[i]));
        units += n == 4 ? 2 : 1; // a character outside the BMP is a surrogate pair
        i += n;
    }
    return {line, units};
}

std::uint32_t LineIndex::offset(Position position, Encoding encoding) const {
    if (position.line >= starts_.size()) return static_cast<std::uint32_t>(text_.size());
    std::uint32_t start = starts_[position.line];
    std::uint32_t end = position.line + 1 < starts_.size()
                            ? starts_[position.line + 1] - 1
                            : static_cast<std::uint32_t>(text_.size());
    if (end > start && text_[end - 1] == '\r') --end;
    if (encoding == Encoding::utf8) return std::min(start + position.character, end);
    std::uint32_t i = start, units = 0;
    while (i < end && units < position.character) {
        std::uint32_t n = sequence_length(static_cast<unsigned char>(text_[i]));
        units += n == 4 ? 2 : 1;
        i = std::min(i + n, end);
    }
    return i;
}

std::string file_uri(const std::string& path) {
    std::error_code ec;
    std::string absolute = std::filesystem::absolute(path, ec).lexically_normal().string();
    if (ec) absolute = path;
    return "file://" + percent_encoded(absolute);
}

std::string percent_encoded(std::string_view path) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : path) {
        // RFC 3986 unreserved characters and the path separator stay as they are.
        if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string uri_path(std::string_view uri) {
    constexpr std::string_view scheme = "file://";
    if (!uri.starts_with(scheme)) return "";
    uri.remove_prefix(scheme.size());
    // `file://host/path`: only the local host (empty or `localhost`) names a local file.
    if (uri.starts_with("localhost/")) uri.remove_prefix(9);
    if (!uri.starts_with('/')) return "";
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string path;
    for (std::size_t i = 0; i < uri.size(); ++i) {
        if (uri[i] == '%' && i + 2 < uri.size() && digit(uri[i + 1]) >= 0 &&
            digit(uri[i + 2]) >= 0) {
            path += static_cast<char>(digit(uri[i + 1]) * 16 + digit(uri[i + 2]));
            i += 2;
        } else if (uri[i] == '?' || uri[i] == '#') {
            break;
        } else {
            path += uri[i];
        }
    }
    return path;
}

} // namespace cpl::lsp
