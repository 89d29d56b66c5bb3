// interpreter/tools/doc_page.hpp — private to interpreter/tools/: the page `cpl doc` builds
// (doc.cpp) as a few blocks — headings, paragraphs, lists, tables of inline text — and its two
// renderings (doc_render.cpp), so that Markdown and HTML always say the same.
#pragma once

#include <string>
#include <vector>

namespace cpl::doc_page {

struct Inline {
    /// `anchor`: an empty target that links on the page reach (`#id`); `content` is its id,
    /// made of [a-z0-9_-] only, so it is stable and needs no escaping in either format.
    enum Kind { text, code, link, strong, anchor } kind = text;
    std::string content;
    std::string href; // links only: a URL, or `#id` for an anchor on the page
};
using Inlines = std::vector<Inline>;

inline Inline text(std::string s) {
    return {Inline::text, std::move(s), {}};
}
inline Inline code(std::string s) {
    return {Inline::code, std::move(s), {}};
}
inline Inline strong(std::string s) {
    return {Inline::strong, std::move(s), {}};
}
inline Inline link(std::string s, std::string href) {
    return {Inline::link, std::move(s), std::move(href)};
}
inline Inline anchor(std::string id) {
    return {Inline::anchor, std::move(id), {}};
}
inline void append(Inlines& out, Inlines more) {
    for (auto& part : more)
        out.push_back(std::move(part));
}

struct Block {
    enum Kind { heading, paragraph, list, table } kind = paragraph;
    int level = 1;                          // headings
    Inlines content;                        // headings, paragraphs
    std::vector<Inlines> items;             // lists; a table's header
    std::vector<int> depths;                // lists: each item's nesting (0 top), or empty
    std::vector<std::vector<Inlines>> rows; // tables
};

std::string markdown(const std::vector<Block>& blocks);
/// A standalone HTML document with inline CSS; every text is escaped.
std::string html(const std::vector<Block>& blocks, const std::string& title);

} // namespace cpl::doc_page
