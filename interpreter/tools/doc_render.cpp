// interpreter/tools/doc_render.cpp — the blocks of a `cpl doc` page as Markdown or HTML.
#include "interpreter/tools/doc_page.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <string_view>

namespace cpl::doc_page {

namespace {

// --- Markdown ---

std::string md_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\n') {
            out += ' ';
            continue;
        }
        // `&` too: `&copy;` in a description is the policy's words, not an entity to render.
        if (std::string_view("\\`*_[]<>|&").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

// A code span whose fence is longer than any run of backticks in it (CommonMark 6.1): a
// value holding "``" closed a fence of two, and what followed it was read as Markdown (and
// HTML) on the published page.
std::string md_code(std::string_view s) {
    std::string body(s);
    for (char& c : body)
        if (c == '\n') c = ' ';
    std::size_t longest = 0, run = 0;
    for (char c : body) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    std::string fence(longest + 1, '`');
    bool pad = longest > 0 || body.starts_with(' ') || body.ends_with(' ');
    if (pad) return fence + " " + body + " " + fence;
    return fence + body + fence;
}

// A link's destination with what it cannot hold as written percent-encoded: a space or a
// parenthesis ends it, `<` `>` `"` and backticks are read as markup, and a `|` splits the
// table cell it is in (GFM tables split cells before reading links).
std::string md_href(std::string_view href) {
    std::string out;
    for (char c : href) {
        auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7f ||
            std::string_view("()<>\"`|\\[]{}").find(c) != std::string_view::npos)
            out += fmt::format("%{:02X}", byte);
        else
            out += c;
    }
    return out;
}

std::string md_inlines(const Inlines& parts, bool in_table) {
    std::string out;
    for (const auto& part : parts) {
        switch (part.kind) {
        case Inline::text:
            out += md_escape(part.content);
            break;
        case Inline::code: {
            std::string c = md_code(part.content);
            if (in_table) {
                std::string escaped;
                for (char ch : c)
                    escaped += ch == '|' ? std::string("\\|") : std::string(1, ch);
                c = escaped;
            }
            out += c;
            break;
        }
        case Inline::strong: {
            std::string s = part.content;
            std::string trailing;
            while (!s.empty() && s.back() == ' ') {
                s.pop_back();
                trailing += ' ';
            }
            out += "**" + md_escape(s) + "**" + trailing;
            break;
        }
        case Inline::link: {
            out += "[" + md_escape(part.content) + "](" + md_href(part.href) + ")";
            break;
        }
        case Inline::anchor:
            out += "<a id=\"" + part.content + "\"></a>";
            break;
        }
    }
    return out;
}

int depth_of(const Block& b, std::size_t item) {
    return item < b.depths.size() ? b.depths[item] : 0;
}

} // namespace

std::string markdown(const std::vector<Block>& blocks) {
    std::string out;
    for (const auto& b : blocks) {
        switch (b.kind) {
        case Block::heading:
            out += std::string(static_cast<std::size_t>(b.level), '#') + " " +
                   md_inlines(b.content, false) + "\n\n";
            break;
        case Block::paragraph:
            out += md_inlines(b.content, false) + "\n\n";
            break;
        case Block::list:
            for (std::size_t i = 0; i < b.items.size(); ++i)
                out += std::string(static_cast<std::size_t>(2 * depth_of(b, i)), ' ') + "- " +
                       md_inlines(b.items[i], false) + "\n";
            out += "\n";
            break;
        case Block::table: {
            std::string header = "|", rule = "|";
            for (const auto& h : b.items) {
                header += " " + md_inlines(h, true) + " |";
                rule += " --- |";
            }
            out += header + "\n" + rule + "\n";
            for (const auto& row : b.rows) {
                out += "|";
                for (const auto& cell : row) {
                    std::string c = md_inlines(cell, true);
                    out += c.empty() ? " |" : " " + c + " |";
                }
                out += "\n";
            }
            out += "\n";
            break;
        }
        }
    }
    while (out.ends_with("\n\n"))
        out.pop_back();
    return out;
}

namespace {

// --- HTML ---

std::string html_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string html_inlines(const Inlines& parts) {
    std::string out;
    for (const auto& part : parts) {
        switch (part.kind) {
        case Inline::text:
            out += html_escape(part.content);
            break;
        case Inline::code:
            out += "<code>" + html_escape(part.content) + "</code>";
            break;
        case Inline::strong:
            out += "<strong>" + html_escape(part.content) + "</strong>";
            break;
        case Inline::link:
            out +=
                "<a href=\"" + html_escape(part.href) + "\">" + html_escape(part.content) + "</a>";
            break;
        case Inline::anchor:
            out += "<a id=\"" + part.content + "\"></a>";
            break;
        }
    }
    return out;
}

constexpr const char* html_style =
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 "
    "1rem;line-height:1.45;color:#222}"
    "table{border-collapse:collapse;margin:0.5rem 0 1rem}th,td{border:1px solid "
    "#ccc;padding:0.25rem 0.5rem;"
    "text-align:left;vertical-align:top}th{background:#f3f3f3}code{background:#f5f5f5;padding:0 "
    "0.2rem;"
    "border-radius:3px}h2{border-bottom:1px solid #ddd;margin-top:2rem}h3{margin-top:1.5rem}";

} // namespace

std::string html(const std::vector<Block>& blocks, const std::string& title) {
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
        html_escape(title) + "</title>\n<style>" + html_style + "</style>\n</head>\n<body>\n";
    for (const auto& b : blocks) {
        switch (b.kind) {
        case Block::heading:
            out += fmt::format("<h{0}>{1}</h{0}>\n", b.level, html_inlines(b.content));
            break;
        case Block::paragraph:
            out += "<p>" + html_inlines(b.content) + "</p>\n";
            break;
        case Block::list: {
            if (b.items.empty()) break;
            // Nested lists: a deeper item opens a list inside the item before it.
            int depth = 0;
            out += "<ul>\n<li>";
            for (std::size_t i = 0; i < b.items.size(); ++i) {
                int d = depth_of(b, i);
                if (i > 0 && d > depth)
                    for (; depth < d; ++depth)
                        out += "\n<ul>\n<li>";
                else if (i > 0) {
                    for (; depth > d; --depth)
                        out += "</li>\n</ul>\n";
                    out += "</li>\n<li>";
                }
                out += html_inlines(b.items[i]);
            }
            for (; depth > 0; --depth)
                out += "</li>\n</ul>\n";
            out += "</li>\n</ul>\n";
            break;
        }
        case Block::table:
            out += "<table>\n<tr>";
            for (const auto& h : b.items)
                out += "<th>" + html_inlines(h) + "</th>";
            out += "</tr>\n";
            for (const auto& row : b.rows) {
                out += "<tr>";
                for (const auto& cell : row)
                    out += "<td>" + html_inlines(cell) + "</td>";
                out += "</tr>\n";
            }
            out += "</table>\n";
            break;
        }
    }
    return out + "</body>\n</html>\n";
}

} // namespace cpl::doc_page
