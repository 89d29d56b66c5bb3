// tests/lsp/protocol_test.cpp — the pieces of interpreter/lsp/ that are plain functions,
// row by row: Content-Length headers, offsets ↔ LSP positions, file URIs.
#include "interpreter/lsp/jsonrpc.hpp"
#include "interpreter/lsp/text.hpp"

#include <catch2/catch.hpp>

using namespace cpl::lsp;

TEST_CASE("lsp framing: the Content-Length of a header block, or why there is none") {
    auto [headers, length, why] = GENERATE(table<std::string, long, std::string>({
        {"Content-Length: 42", 42, ""},
        {"content-length:7\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8", 7, ""},
        {"Content-Type: x\r\nContent-Length: 0", 0, ""},
        {"junk before it Content-Length: 2", 2, ""}, // finding the footing again
        {"Content-Length: 12abc", -1, "not a number of bytes"},
        {"Content-Length: ", -1, "not a number of bytes"},
        {"Content-Length: -5", -1, "not a number of bytes"},
        {"Content-Length: 99999999999999999999999", -1, "larger than 64 MiB"},
        {"Content-Type: application/json", -1, "no Content-Length"},
        {"", -1, "no Content-Length"},
    }));
    CAPTURE(headers);
    std::string reason;
    auto got = content_length(headers, reason);
    if (length < 0) {
        CHECK_FALSE(got);
        CHECK(reason.find(why) != std::string::npos);
    } else {
        REQUIRE(got);
        CHECK(*got == static_cast<std::size_t>(length));
    }
}

TEST_CASE("lsp positions: UTF-16 code units or UTF-8 bytes, from 0, clamped") {
    // "é" is 2 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 units (a surrogate pair).
    const std::string text = "ab\né😀x\r\nlast";
    LineIndex lines(text);
    auto [offset, line, utf16, utf8] =
        GENERATE(table<std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t>({
            {0, 0, 0, 0},
            {2, 0, 2, 2},  // the end of the first line
            {3, 1, 0, 0},  // the start of the second
            {5, 1, 1, 2},  // after é
            {9, 1, 3, 6},  // after 😀
            {10, 1, 4, 7}, // after x, before \r\n
            {12, 2, 0, 0},
            {16, 2, 4, 4}, // the end of the text
        }));
    CAPTURE(offset);
    Position p16 = lines.position(offset, Encoding::utf16);
    Position p8 = lines.position(offset, Encoding::utf8);
    CHECK(p16.line == line);
    CHECK(p16.character == utf16);
    CHECK(p8.character == utf8);
    CHECK(lines.offset(p16, Encoding::utf16) == offset);
    CHECK(lines.offset(p8, Encoding::utf8) == offset);
}

TEST_CASE("lsp positions: past the end of a line or of the text is its end") {
    LineIndex lines("ab\r\ncd");
    CHECK(lines.offset({0, 99}, Encoding::utf16) == 2); // before the \r
    CHECK(lines.offset({7, 0}, Encoding::utf16) == 6);
    CHECK(lines.position(99, Encoding::utf8).line == 1);
}

TEST_CASE("lsp positions: a lone \\r ends a line, as \\n and \\r\\n do (the spec's EOL)") {
    std::string text = "policy p\rdef a=1\r\ndef b=2\n";
    LineIndex lines(text);
    CHECK(lines.position(9, Encoding::utf16).line == 1); // `def a` after the lone \r
    CHECK(lines.position(9, Encoding::utf16).character == 0);
    CHECK(lines.position(18, Encoding::utf16).line == 2); // `def b` after \r\n
    Position end = lines.position(static_cast<std::uint32_t>(text.size()), Encoding::utf16);
    CHECK(end.line == 3);
    CHECK(end.character == 0);
    CHECK(lines.offset({0, 99}, Encoding::utf16) == 8); // the end of `policy p`
    CHECK(lines.offset({1, 99}, Encoding::utf16) == 16);
}

TEST_CASE("lsp URIs: file paths percent-encoded and back") {
    auto [path, uri] = GENERATE(table<std::string, std::string>({
        {"/a/b.cpl", "file:///a/b.cpl"},
        {"/a b/c#d.cpl", "file:///a%20b/c%23d.cpl"},
        {"/données/é.cpl", "file:///donn%C3%A9es/%C3%A9.cpl"},
    }));
    CHECK(file_uri(path) == uri);
    CHECK(uri_path(uri) == path);
    CHECK(uri_path("file://localhost" + uri.substr(7)) == path);
}

TEST_CASE("lsp URIs: what is not a local file has no path") {
    CHECK(uri_path("untitled:Untitled-1").empty());
    CHECK(uri_path("https://example.org/a.cpl").empty());
    CHECK(uri_path("file://server/share/a.cpl").empty());
    CHECK(uri_path("file:///a%2").size() == 4); // a cut-off escape is kept as written
}
