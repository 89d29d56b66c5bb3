// interpreter/tools/doc_builder.hpp — private to interpreter/tools/: the builder of a `cpl doc`
// page. doc.cpp writes the page's frame (title, contents, settings, tables, definitions,
// bibliography); doc_rules.cpp writes the rules and edits, what a payer switched off, and which
// rules read a setting a payer restated.
#pragma once

#include "interpreter/program/program.hpp"
#include "interpreter/tools/diff.hpp"
#include "interpreter/tools/doc_page.hpp"
#include "interpreter/tools/doc_words.hpp"

#include <set>
#include <string>
#include <vector>

namespace cpl::doc_page {

class Page {
public:
    /// `base`: the policy `p` extends (null: none). With `changes_only`, render only what
    /// `p`'s own layer changes against it; else the whole policy, with what it switched off
    /// and the base's rows it removed.
    Page(const Program& p, const Program* base, bool changes_only);
    std::vector<Block> build();

private:
    const Program& p_;
    const Program* base_;
    bool changes_only_; // base_ is given and only the changes against it are rendered
    Words words_;
    std::vector<Change> changes_; // against base_, when given
    std::vector<Block> blocks_;
    struct TocEntry {
        int depth;
        Inlines label;
        std::string id;
    };
    std::vector<TocEntry> toc_;
    mutable std::set<std::string> cited_; // the source keys the page's citations name

    // doc.cpp
    void intro();
    void contents(std::size_t at);
    void settings();
    void requirements();
    void tables();
    void definitions();
    void bibliography();
    void unlink_missing();
    /// A heading with an anchor `id`, entered in the contents as `toc_label` (else as itself).
    void heading(int level, Inlines content, const std::string& id = "", Inlines toc_label = {});
    void paragraph(Inlines content);
    bool changed(std::string_view kind, std::string_view name) const;
    bool layered() const { return p_.layers.size() > 1; }
    Inlines citation(const std::string& cite) const;
    Inlines source_title(const SourceCode& s) const;
    std::string value_text(const Value& v) const;

    // doc_rules.cpp
    void rules(const char* title, const char* id, const std::vector<RuleCode>& list);
    void rule(const RuleCode& r, bool whole);
    void rule_body(const RuleCode& r);
    void rule_sources(const RuleCode& r);
    void restated_settings(const RuleCode& r);
    void switched_off();
    void affected();
};

/// " from D", " until D", " from D until E", or "" for no dates.
std::string dates_text(const std::string& from, const std::string& until);

} // namespace cpl::doc_page
