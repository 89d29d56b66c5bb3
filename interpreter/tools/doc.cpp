// interpreter/tools/doc.cpp — Program → page. The page is first built as a few blocks (headings,
// paragraphs, lists, tables of inline text), then rendered as Markdown or HTML
// (doc_render.cpp), so the two formats always say the same. A cite's `[KEY]`s link to their
// sources; each rule lists its sources by title, and the page ends with the bibliography.
#include "interpreter/tools/doc.hpp"

#include "interpreter/tools/doc_page.hpp"
#include "lang/cite.hpp"
#include "lang/vocabulary.hpp"

#include <algorithm>
#include <cstdint>
#include <fmt/format.h>
#include <limits>

namespace cpl {

namespace {

using namespace doc_page;

Inline text(std::string s) {
    return {Inline::text, std::move(s), {}};
}
Inline code(std::string s) {
    return {Inline::code, std::move(s), {}};
}
Inline strong(std::string s) {
    return {Inline::strong, std::move(s), {}};
}

// A citation: plain text, with every http(s) URL in it made a link.
Inlines urls_linked(const std::string& cite) {
    Inlines out;
    std::size_t at = 0;
    while (at < cite.size()) {
        std::size_t url = std::min(cite.find("http://", at), cite.find("https://", at));
        if (url == std::string::npos) break;
        std::size_t end = url;
        while (end < cite.size() && !std::isspace(static_cast<unsigned char>(cite[end])) &&
               cite[end] != ';' && cite[end] != ')' && cite[end] != ']')
            ++end;
        while (end > url && (cite[end - 1] == '.' || cite[end - 1] == ','))
            --end; // sentence punctuation
        if (url > at) out.push_back(text(cite.substr(at, url - at)));
        std::string href = cite.substr(url, end - url);
        out.push_back({Inline::link, href, href});
        at = end;
    }
    if (at < cite.size()) out.push_back(text(cite.substr(at)));
    return out;
}

// Clause text as written, without comments and with blanks collapsed (strings kept intact).
std::string clean_source(std::string_view source) {
    std::string out;
    bool in_string = false, space = false;
    for (std::size_t i = 0; i < source.size(); ++i) {
        char c = source[i];
        if (in_string) {
            out += c;
            if (c == '\\' && i + 1 < source.size())
                out += source[++i];
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '#') {
            while (i + 1 < source.size() && source[i + 1] != '\n')
                ++i;
            continue;
        }
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        if (c == '"') in_string = true;
        out += c;
    }
    return out;
}

std::string strip_prefix(std::string s, std::string_view prefix) {
    if (s.starts_with(prefix)) s.erase(0, prefix.size());
    return s;
}

// One clause in the plain words of vocabulary::clauses: "for each `l` in `…`", "where `x` is
// `…`", "when `…`"; an action or a reason in bold: "**bills** `…`".
Inlines clause_words(const ClauseCode& clause) {
    const vocabulary::ClauseWords& row = vocabulary::clause(clause.kind);
    std::string words(row.words);
    std::string rest = strip_prefix(clean_source(clause.source), std::string(row.keyword) + " ");
    if (clause.kind == ast::ClauseKind::For) {
        std::size_t in = rest.find(" in ");
        if (in == std::string::npos) return {text(words + ": "), code(rest)};
        return {text(words + " "), code(rest.substr(0, in)), text(" in "),
                code(rest.substr(in + 4))};
    }
    if (clause.kind == ast::ClauseKind::Let) {
        std::size_t eq = rest.find(" = ");
        if (eq == std::string::npos) return {text(words + " "), code(rest)};
        return {text(words + " "), code(rest.substr(0, eq)), text(" is "),
                code(rest.substr(eq + 3))};
    }
    if (row.role == vocabulary::ClauseRole::condition) {
        // `when C otherwise R`: the condition, then what the coder is told when it fails.
        std::size_t otherwise = clause.otherwise ? rest.find(" otherwise ") : std::string::npos;
        if (otherwise == std::string::npos) return {text(words + " "), code(rest)};
        return {text(words + " "), code(rest.substr(0, otherwise)), text(", otherwise "),
                code(rest.substr(otherwise + 11))};
    }
    return {strong(words + " "), code(rest)};
}

std::string counted(std::size_t n, const char* noun) {
    return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

class Page {
public:
    explicit Page(const Program& p) : p_(p) {}

    std::vector<Block> build() {
        heading(1, {text(p_.title.empty() ? p_.name : p_.title)});
        Inlines intro{text("Policy "), code(p_.name)};
        if (p_.layers.size() > 1 || (p_.layers.size() == 1 && p_.layers[0] != p_.name)) {
            intro.push_back(text(p_.layers.size() > 1 ? "; layers, base first: " : "; layer: "));
            for (std::size_t i = 0; i < p_.layers.size(); ++i) {
                if (i) intro.push_back(text(" → "));
                intro.push_back(code(p_.layers[i]));
            }
        }
        intro.push_back(text(
            fmt::format(". {}, {}, {}, {}, {}, {}.", counted(p_.settings.size(), "setting"),
                        counted(p_.tables.size(), "table"), counted(p_.defs.size(), "definition"),
                        counted(p_.rules.size(), "rule"), counted(p_.edits.size(), "edit"),
                        counted(p_.bibliography.size(), "source"))));
        paragraph(std::move(intro));
        settings();
        tables();
        definitions();
        rules("Rules", p_.rules);
        rules("Edits", p_.edits);
        bibliography();
        return std::move(blocks_);
    }

private:
    const Program& p_;
    std::vector<Block> blocks_;

    // A citation: its URLs made links, and each `[KEY]` a link to that source's page.
    Inlines citation(const std::string& cite) const {
        Inlines out;
        std::size_t at = 0;
        for (const auto& [key, offset] : cited_keys(cite)) {
            const SourceCode* source = p_.find_source(key);
            if (!source || source->link.empty()) continue;
            for (auto& part : urls_linked(cite.substr(at, offset - 1 - at)))
                out.push_back(std::move(part));
            out.push_back({Inline::link, "[" + std::string(key) + "]", source->link});
            at = offset + key.size() + 1;
        }
        for (auto& part : urls_linked(cite.substr(at)))
            out.push_back(std::move(part));
        return out;
    }

    // A source as a reader opens it: its title (a link when it has one), then who and when.
    Inlines source_title(const SourceCode& s) const {
        Inlines out;
        if (s.link.empty())
            out.push_back(text(s.title));
        else
            out.push_back({Inline::link, s.title, s.link});
        return out;
    }

    static std::string verified_text(const SourceCode& s) {
        return s.verified ? "verified" : "unverified";
    }

    // "Sources: S1 title (unverified); …" under a rule's citation.
    void rule_sources(const RuleCode& r) {
        if (r.sources.empty()) return;
        Inlines line{text("Sources: ")};
        for (std::size_t i = 0; i < r.sources.size(); ++i) {
            const SourceCode* s = p_.find_source(r.sources[i]);
            if (!s) continue;
            if (i) line.push_back(text("; "));
            line.push_back(strong(s->key + " "));
            for (auto& part : source_title(*s))
                line.push_back(std::move(part));
            line.push_back(text(" (" + verified_text(*s) + ")"));
        }
        paragraph(std::move(line));
    }

    void bibliography() {
        if (p_.bibliography.empty()) return;
        heading(2, {text("Bibliography")});
        paragraph({text("The sources the citations name as [KEY]. Verified: the values taken "
                        "from the source were checked against its own text.")});
        Block t{Block::table,
                0,
                {},
                {{text("key")},
                 {text("source")},
                 {text("publisher")},
                 {text("date")},
                 {text("verified")}},
                {}};
        for (const auto& s : p_.bibliography) {
            Inlines key{code(s.key)};
            if (p_.layers.size() > 1) key.push_back(text(" (" + s.layer + ")"));
            t.rows.push_back({key,
                              source_title(s),
                              {text(s.publisher)},
                              {text(s.date)},
                              {text(s.verified ? "yes" : "no")}});
        }
        blocks_.push_back(std::move(t));
    }

    void heading(int level, Inlines content) {
        blocks_.push_back({Block::heading, level, std::move(content), {}, {}});
    }
    void paragraph(Inlines content) {
        blocks_.push_back({Block::paragraph, 0, std::move(content), {}, {}});
    }

    // Codes as coders write them (95860, not "95860"); other strings quoted.
    std::string value_text(const Value& v) const {
        if (v.kind == Kind::String && v.size == 5) {
            std::string_view s = v.str();
            bool code = std::all_of(s.begin(), s.begin() + 4,
                                    [](char c) { return c >= '0' && c <= '9'; }) &&
                        ((s[4] >= '0' && s[4] <= '9') || (s[4] >= 'A' && s[4] <= 'Z'));
            if (code) return std::string(s);
        }
        return to_text(v, p_.shapes, true);
    }

    void settings() {
        if (p_.settings.empty()) return;
        heading(2, {text("Settings")});
        Block t{Block::table,
                0,
                {},
                {{text("setting")},
                 {text("value")},
                 {text("allowed")},
                 {text("description")},
                 {text("citation")}},
                {}};
        for (const auto& s : p_.settings) {
            std::string allowed =
                s.within ? fmt::format("{}..{}", s.within->first, s.within->second) : "";
            Inlines value{code(value_text(s.value))};
            if (p_.layers.size() > 1) value.push_back(text(" (" + s.layer + ")"));
            t.rows.push_back(
                {{code(s.name)}, value, {text(allowed)}, {text(s.doc)}, citation(s.cite)});
        }
        blocks_.push_back(std::move(t));
    }

    static std::string key_text(const TableRowData& row, const std::vector<Shape>& shapes) {
        if (row.is_range) return range_text(row);
        std::string out;
        for (const auto& key : row.keys)
            out += (out.empty() ? "" : ", ") + to_text(key, shapes, false);
        return out;
    }

    void tables() {
        if (p_.tables.empty()) return;
        heading(2, {text("Tables")});
        for (const auto& table : p_.tables) {
            Inlines title{code(table->name)};
            if (!table->doc.empty()) title.push_back(text(" — " + table->doc));
            heading(3, std::move(title));
            if (!table->cite.empty()) {
                Inlines cite{text("Citation: ")};
                for (auto& part : citation(table->cite))
                    cite.push_back(std::move(part));
                paragraph(std::move(cite));
            }
            Block t{Block::table, 0, {}, {{text("key")}, {text("value")}, {text("citation")}}, {}};
            for (const auto& row : table->rows)
                t.rows.push_back({{code(key_text(row, p_.shapes))},
                                  {code(value_text(row.value))},
                                  citation(row.cite)});
            if (t.rows.empty())
                paragraph({text("No rows.")});
            else
                blocks_.push_back(std::move(t));
        }
    }

    void definitions() {
        if (p_.defs.empty()) return;
        heading(2, {text("Definitions")});
        Block list{Block::list, 0, {}, {}, {}};
        for (const auto& d : p_.defs) {
            Inlines item{code(d.is_function ? d.name + "(…)" : d.name)};
            if (!d.doc.empty()) item.push_back(text(" — " + d.doc));
            list.items.push_back(std::move(item));
        }
        blocks_.push_back(std::move(list));
    }

    Block clause_list(const RuleCode& r) const {
        Block list{Block::list, 0, {}, {}, {}};
        for (const auto& clause : r.clauses)
            list.items.push_back(clause_words(clause));
        return list;
    }

    void rule(const RuleCode& r, std::string_view kind) {
        heading(3, {text(r.doc.empty() ? r.name : r.doc)});
        Inlines about{code(r.name), text(fmt::format(" ({}, layer ", kind)), code(r.layer)};
        if (!r.replaces.empty()) {
            about.push_back(text("; replaces the one in "));
            about.push_back(code(r.replaces));
        }
        about.push_back(text(")"));
        paragraph(std::move(about));
        if (!r.clauses.empty()) blocks_.push_back(clause_list(r));
        if (!r.cite.empty()) {
            Inlines cite{text("Citation: ")};
            for (auto& part : citation(r.cite))
                cite.push_back(std::move(part));
            paragraph(std::move(cite));
        }
        rule_sources(r);
        for (const auto& e : r.exceptions) {
            Inlines head{strong("Exception "), code(e.name), text(" (layer "), code(e.layer),
                         text(")")};
            if (!e.doc.empty()) head.push_back(text(": " + e.doc));
            head.push_back(text(". Runs instead when its conditions hold:"));
            paragraph(std::move(head));
            if (!e.clauses.empty()) blocks_.push_back(clause_list(e));
            if (!e.cite.empty()) {
                Inlines cite{text("Citation: ")};
                for (auto& part : citation(e.cite))
                    cite.push_back(std::move(part));
                paragraph(std::move(cite));
            }
            rule_sources(e);
        }
    }

    void rules(const char* title, const std::vector<RuleCode>& list) {
        if (list.empty()) return;
        heading(2, {text(title)});
        for (const auto& r : list)
            rule(r, vocabulary::keyword(r.kind));
    }
};

} // namespace

std::string document(const Program& program, DocFormat format) {
    std::vector<Block> blocks = Page(program).build();
    if (format == DocFormat::html)
        return html(blocks, program.title.empty() ? program.name : program.title);
    return markdown(blocks) + "\n";
}

} // namespace cpl
