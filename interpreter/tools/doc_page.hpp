// interpreter/tools/doc_page.hpp — private to interpreter/tools/: the page `cpl doc` builds
// (doc.cpp) as a few blocks — headings, paragraphs, lists, tables of inline text — and its two
// renderings (doc_render.cpp), so that Markdown and HTML always say the same.
#pragma once

#include <string>
#include <vector>

namespace cpl::doc_page {

struct Inline {
    enum Kind { text, code, link, strong } kind = text;
    std::string content;
    std::string href; // links only
};
using Inlines = std::vector<Inline>;

struct Block {
    enum Kind { heading, paragraph, list, table } kind = paragraph;
    int level = 1;                          // headings
    Inlines content;                        // headings, paragraphs
    std::vector<Inlines> items;             // lists; a table's header
    std::vector<std::vector<Inlines>> rows; // tables
};

std::string markdown(const std::vector<Block>& blocks);
/// A standalone HTML document with inline CSS; every text is escaped.
std::string html(const std::vector<Block>& blocks, const std::string& title);

} // namespace cpl::doc_page
