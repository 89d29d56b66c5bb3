// interpreter/tools/doc.cpp — Program → page. The page is first built as a few blocks (headings,
// paragraphs, lists, tables of inline text), then rendered as Markdown or HTML
// (doc_render.cpp), so the two formats always say the same. Every section, table, setting,
// definition, rule and edit has a stable anchor (doc_words.hpp, `anchor_id`), and the contents
// link to them. A cite's `[KEY]`s link to their sources; each rule lists its sources by title,
// and the page ends with the bibliography. Dates of service are shown wherever something
// holds only for some: the policy, setting versions, table rows, rules, edits and exceptions.
#include "interpreter/tools/doc.hpp"

#include "interpreter/program/reads.hpp"
#include "interpreter/tools/doc_builder.hpp"
#include "lang/cite.hpp"
#include "lang/counted.hpp"

#include <algorithm>
#include <cstdint>
#include <fmt/format.h>
#include <limits>

namespace cpl {

namespace doc_page {

namespace {

// A citation: plain text, with every http(s) URL in it made a link.
Inlines urls_linked(const std::string& cite) {
    Inlines out;
    std::size_t at = 0;
    while (at < cite.size()) {
        std::size_t url = std::min(cite.find("http://", at), cite.find("https://", at));
        if (url == std::string::npos) break;
        // A `)` ends the URL unless it closes a `(` of the URL itself (as GFM's autolinks
        // read it): `…/Nerve_Conduction_(NCS)_Policy.pdf` is one link, `(see https://x)` ends
        // at the x.
        std::size_t end = url;
        int open = 0;
        while (end < cite.size() && !std::isspace(static_cast<unsigned char>(cite[end])) &&
               cite[end] != ';' && cite[end] != ']' && (cite[end] != ')' || open > 0)) {
            if (cite[end] == '(') ++open;
            if (cite[end] == ')') --open;
            ++end;
        }
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

std::string key_text(const TableRowData& row, const std::vector<Shape>& shapes) {
    if (row.is_range) return range_text(row);
    std::string out;
    for (const auto& key : row.keys)
        out += (out.empty() ? "" : ", ") + to_text(key, shapes, false);
    return out;
}

// The table a row-change name `table[key]` of `cpl diff` belongs to.
std::string_view table_of(std::string_view row_name) {
    return row_name.substr(0, row_name.find('['));
}

} // namespace

std::string dates_text(const std::string& from, const std::string& until) {
    if (from.empty() && until.empty()) return "";
    if (until.empty()) return " from " + from;
    if (from.empty()) return " until " + until;
    return " from " + from + " until " + until;
}

Page::Page(const Program& p, const Program* base, bool changes_only)
    : p_(p), base_(base), changes_only_(base && changes_only), words_(p) {
    if (base_) changes_ = diff(*base_, p_);
}

std::vector<Block> Page::build() {
    heading(1, {text(p_.title.empty() ? p_.name : p_.title)});
    intro();
    std::size_t contents_at = blocks_.size();
    settings();
    requirements();
    tables();
    definitions();
    rules("Rules", "rules", p_.rules);
    rules("Edits", "edits", p_.edits);
    if (base_) switched_off();
    if (changes_only_) affected();
    bibliography();
    contents(contents_at);
    unlink_missing();
    return std::move(blocks_);
}

// A link to something the page does not show (a definition of the base, on a page of only
// the payer's changes) becomes its words alone.
void Page::unlink_missing() {
    std::set<std::string> ids;
    auto each_inlines = [&](auto&& fn) {
        for (auto& b : blocks_) {
            fn(b.content);
            for (auto& item : b.items)
                fn(item);
            for (auto& row : b.rows)
                for (auto& cell : row)
                    fn(cell);
        }
    };
    each_inlines([&](Inlines& parts) {
        for (const auto& part : parts)
            if (part.kind == Inline::anchor) ids.insert(part.content);
    });
    each_inlines([&](Inlines& parts) {
        for (auto& part : parts)
            if (part.kind == Inline::link && part.href.starts_with("#") &&
                !ids.count(part.href.substr(1)))
                part = text(part.content);
    });
}

void Page::intro() {
    Inlines intro{text("Policy "), code(p_.name)};
    if (layered() || (p_.layers.size() == 1 && p_.layers[0] != p_.name)) {
        intro.push_back(text(layered() ? "; layers, base first: " : "; layer: "));
        for (std::size_t i = 0; i < p_.layers.size(); ++i) {
            if (i) intro.push_back(text(" → "));
            intro.push_back(code(p_.layers[i]));
        }
    }
    if (changes_only_) {
        intro.push_back(text(fmt::format(". This page shows only what it changes against "
                                         "{}: {}.",
                                         base_->name, counted(changes_.size(), "change"))));
    } else {
        intro.push_back(text(
            fmt::format(". {}, {}, {}, {}, {}, {}.", counted(p_.settings.size(), "setting"),
                        counted(p_.tables.size(), "table"), counted(p_.defs.size(), "definition"),
                        counted(p_.rules.size(), "rule"), counted(p_.edits.size(), "edit"),
                        counted(p_.bibliography.size(), "source"))));
    }
    paragraph(std::move(intro));
    const Effective& dates = p_.service_dates;
    if (dates.dated()) {
        std::string set_by;
        if (!dates.from.empty())
            set_by += fmt::format("from {} (set by {})", dates.from, p_.service_dates_from_layer);
        if (!dates.until.empty())
            set_by += fmt::format("{}until {} (set by {})", set_by.empty() ? "" : " ", dates.until,
                                  p_.service_dates_until_layer);
        paragraph({text("It codes dates of service " + set_by + ".")});
    }
}

// The contents, at `at`: each section, and under it each table, rule and edit.
void Page::contents(std::size_t at) {
    if (toc_.empty()) return;
    Block list{Block::list, 0, {}, {}, {}, {}};
    for (const auto& entry : toc_) {
        // The heading's words as the link: a heading's code and text read the same in a list.
        std::string words;
        for (const auto& part : entry.label)
            words += part.content;
        list.items.push_back({link(words, "#" + entry.id)});
        list.depths.push_back(entry.depth);
    }
    std::vector<Block> inserted;
    inserted.push_back({Block::heading, 2, {text("Contents "), anchor("contents")}, {}, {}, {}});
    inserted.push_back(std::move(list));
    blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(at),
                   std::make_move_iterator(inserted.begin()),
                   std::make_move_iterator(inserted.end()));
}

// A heading with an anchor; sections (level 2) and their items (level 3) enter the contents.
void Page::heading(int level, Inlines content, const std::string& id, Inlines toc_label) {
    if (!id.empty()) {
        if (level == 2 || level == 3)
            toc_.push_back({level - 2, toc_label.empty() ? content : std::move(toc_label), id});
        content.push_back(text(" "));
        content.push_back(anchor(id));
    }
    blocks_.push_back({Block::heading, level, std::move(content), {}, {}, {}});
}

void Page::paragraph(Inlines content) {
    blocks_.push_back({Block::paragraph, 0, std::move(content), {}, {}, {}});
}

// Under --changes-only: whether `cpl diff` lists a change of this kind and name.
bool Page::changed(std::string_view kind, std::string_view name) const {
    return std::any_of(changes_.begin(), changes_.end(), [&](const Change& c) {
        return c.kind == kind && (kind == "table row" ? table_of(c.name) == name : c.name == name);
    });
}

// A citation: its URLs made links, and each `[KEY]` a link to that source's page.
Inlines Page::citation(const std::string& cite) const {
    Inlines out;
    std::size_t at = 0;
    for (const auto& [key, offset] : cited_keys(cite)) {
        const SourceCode* source = p_.find_source(key);
        if (source) cited_.insert(source->key);
        if (!source || source->link.empty()) continue;
        append(out, urls_linked(cite.substr(at, offset - 1 - at)));
        out.push_back(link("[" + std::string(key) + "]", source->link));
        at = offset + key.size() + 1;
    }
    append(out, urls_linked(cite.substr(at)));
    return out;
}

// A source as a reader opens it: its title (a link when it has one).
Inlines Page::source_title(const SourceCode& s) const {
    if (s.link.empty()) return {text(s.title)};
    return {link(s.title, s.link)};
}

std::string Page::value_text(const Value& v) const {
    return code_or_quoted(v, p_.shapes);
}

void Page::settings() {
    std::vector<const SettingCode*> shown;
    for (const auto& s : p_.settings)
        if (!changes_only_ || changed("setting", s.name)) shown.push_back(&s);
    if (shown.empty()) return;
    heading(2, {text("Settings")}, "settings");
    Block t{Block::table,
            0,
            {},
            {{text("setting")},
             {text("value")},
             {text("allowed")},
             {text("description")},
             {text("citation")}},
            {},
            {}};
    for (const SettingCode* s : shown) {
        std::string allowed =
            s->within ? fmt::format("{}..{}", s->within->first, s->within->second) : "";
        if (s->fixed) allowed = "fixed by " + s->declared_by + ": no other value";
        // Each version with its dates of service, and who wrote it when layers differ.
        Inlines value, cite = citation(s->cite);
        for (std::size_t i = 0; i < s->versions.size(); ++i) {
            const SettingVersionCode& v = s->versions[i];
            if (i) value.push_back(text("; "));
            value.push_back(code(value_text(v.value)));
            std::string when = dates_text(v.effective.from, v.effective.until);
            if (!when.empty()) value.push_back(text(when));
            if (layered()) value.push_back(text(" (" + v.layer + ")"));
            if (restated(*s, v) && !v.cite.empty()) {
                if (!cite.empty()) cite.push_back(text(" — "));
                cite.push_back(strong(fmt::format("{}{}: ", v.layer, when)));
                append(cite, citation(v.cite));
            }
        }
        for (const auto& c : changes_) // what it was, beside what it is now
            if (changes_only_ && c.kind == "setting" && c.name == s->name && !c.before.empty())
                value.push_back(text(fmt::format("; was {} in {}", c.before, base_->name)));
        t.rows.push_back({{code(s->name), anchor(anchor_id("setting", s->name))},
                          value,
                          {text(allowed)},
                          {text(s->doc)},
                          cite});
    }
    blocks_.push_back(std::move(t));
}

// What every policy extending this one must keep (`require`), and why. On a page of a payer's
// changes, the payer's own.
void Page::requirements() {
    std::vector<const RequirementCode*> shown;
    for (const auto& r : p_.requirements)
        if (!changes_only_ || r.layer == p_.name) shown.push_back(&r);
    if (shown.empty()) return;
    heading(2, {text("Requirements")}, "requirements");
    paragraph({text("Every policy that extends this one must keep these: cpl check refuses one "
                    "whose settings or tables break them.")});
    Block t{Block::table, 0, {}, {{text("requirement")}, {text("why")}}, {}, {}};
    if (layered()) t.items.push_back({text("policy")});
    for (const RequirementCode* r : shown) {
        std::vector<Inlines> row{{code(one_line(r->condition))}, {text(r->reason)}};
        if (layered()) row.push_back({text(r->layer)});
        t.rows.push_back(std::move(row));
    }
    blocks_.push_back(std::move(t));
}

void Page::tables() {
    bool any = false;
    for (const auto& table : p_.tables) {
        std::vector<const TableRowData*> rows;
        for (const auto& row : table->rows)
            if (!changes_only_ || row.layer == p_.name) rows.push_back(&row);
        std::vector<std::string> removed;
        for (const auto& c : changes_)
            if (c.kind == "table row" && c.action == "removed" && table_of(c.name) == table->name)
                removed.push_back(c.name.substr(table->name.size()));
        bool fixed_here = changes_only_ && changed("table", table->name);
        if (changes_only_ && rows.empty() && removed.empty() && !fixed_here) continue;
        if (!any) heading(2, {text("Tables")}, "tables");
        any = true;
        Inlines title{code(table->name)};
        if (!table->doc.empty()) title.push_back(text(" — " + table->doc));
        heading(3, std::move(title), anchor_id("table", table->name), {code(table->name)});
        if (!table->cite.empty()) {
            Inlines cite{text("Citation: ")};
            append(cite, citation(table->cite));
            paragraph(std::move(cite));
        }
        if (!table->source.empty())
            paragraph({text("Rows from the data file "), code(table->source)});
        if (!table->fixed_by.empty())
            paragraph({strong("Fixed"), text(" by "), code(table->fixed_by),
                       text(": the policies that extend it may not change its rows.")});
        bool dated = std::any_of(rows.begin(), rows.end(), [](const TableRowData* r) {
            return !r->from.empty() || !r->until.empty();
        });
        Block t{Block::table, 0, {}, {{text("key")}, {text("value")}}, {}, {}};
        if (dated) t.items.push_back({text("dates of service")});
        if (layered()) t.items.push_back({text("layer")});
        t.items.push_back({text("citation")});
        for (const TableRowData* row : rows) {
            std::vector<Inlines> cells{{code(key_text(*row, p_.shapes))},
                                       {code(value_text(row->value))}};
            if (dated) {
                std::string when = dates_text(row->from, row->until);
                cells.push_back({text(when.empty() ? "all" : when.substr(1))});
            }
            if (layered()) cells.push_back({text(row->layer)});
            cells.push_back(citation(row->cite));
            t.rows.push_back(std::move(cells));
        }
        if (!t.rows.empty())
            blocks_.push_back(std::move(t));
        else if (removed.empty())
            paragraph({text("No rows.")});
        if (!removed.empty()) {
            Inlines line{
                text(fmt::format("Rows removed from the base's table ({}): ", removed.size()))};
            for (std::size_t i = 0; i < removed.size(); ++i) {
                if (i) line.push_back(text(", "));
                // `cpl diff` names a key as policy text (`mue["95885"]`); the table's own cells
                // show a single text key bare, and so does this list.
                std::string key = removed[i].substr(1, removed[i].size() - 2);
                if (key.size() >= 2 && key.front() == '"' && key.back() == '"' &&
                    key.find_first_of("\\\",", 1) == key.size() - 1)
                    key = key.substr(1, key.size() - 2);
                line.push_back(code(key));
            }
            paragraph(std::move(line));
        }
    }
}

void Page::definitions() {
    Block list{Block::list, 0, {}, {}, {}, {}};
    for (const auto& d : p_.defs) {
        if (changes_only_ && !changed("definition", d.name)) continue;
        Inlines item{anchor(anchor_id("def", d.name)),
                     code(d.is_function ? d.name + "(…)" : d.name)};
        if (!d.doc.empty()) item.push_back(text(" — " + d.doc));
        // A definition that is a text (documentation, a reason) shows its text.
        if (d.body.op == Op::Interpolate ||
            (d.body.op == Op::Const && d.body.constant.kind == Kind::String)) {
            item.push_back(text(d.doc.empty() ? ": " : "; its text: "));
            append(item, words_.text_of(d.body));
        } else if (d.doc.empty()) { // no words of its own: what it computes
            item.push_back(text(" is "));
            append(item, words_.phrase(d.body));
        }
        list.items.push_back(std::move(item));
    }
    if (list.items.empty()) return;
    heading(2, {text("Definitions")}, "definitions");
    blocks_.push_back(std::move(list));
}

void Page::bibliography() {
    if (p_.bibliography.empty()) return;
    heading(2, {text("Bibliography")}, "bibliography");
    paragraph({text("The sources the citations name as [KEY]. Verified: the values taken "
                    "from the source were checked against its own text.")});
    Block t{
        Block::table,
        0,
        {},
        {{text("key")}, {text("source")}, {text("publisher")}, {text("date")}, {text("verified")}},
        {},
        {}};
    for (const auto& s : p_.bibliography) {
        // Only what changes: the sources the page cites.
        if (changes_only_ && !cited_.count(s.key)) continue;
        Inlines key{code(s.key)};
        if (layered()) key.push_back(text(" (" + s.layer + ")"));
        t.rows.push_back({key,
                          source_title(s),
                          {text(s.publisher)},
                          {text(s.date)},
                          {text(s.verified ? "yes" : "no")}});
    }
    blocks_.push_back(std::move(t));
}

} // namespace doc_page

std::string document(const Program& program, DocFormat format, const Program* base,
                     bool changes_only) {
    std::vector<doc_page::Block> blocks = doc_page::Page(program, base, changes_only).build();
    if (format == DocFormat::html)
        return doc_page::html(blocks, program.title.empty() ? program.name : program.title);
    return doc_page::markdown(blocks) + "\n";
}

} // namespace cpl
