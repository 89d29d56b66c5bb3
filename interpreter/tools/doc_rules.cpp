// interpreter/tools/doc_rules.cpp — the rules and edits of a `cpl doc` page, in words: each
// with its anchor, layer, dates of service, clauses (doc_words.cpp), citation and sources, the
// settings a payer restated that decide it (with the payer's citation), and its exceptions.
// Under --changes-only also what the payer switched off and the base's rules and edits that
// read a setting it restates.
#include "interpreter/program/reads.hpp"
#include "interpreter/tools/doc_builder.hpp"
#include "lang/vocabulary.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace cpl::doc_page {

namespace {

std::string in_effect(const Effective& e) {
    std::string when = dates_text(e.from, e.until);
    return when.empty() ? "" : "; dates of service" + when;
}

// The settings `r` reads of which some version was written by a layer other than the
// setting's own (a payer's restatement); with `layer`, only those that layer restated.
std::vector<const SettingCode*> restated_read(const Program& p, const RuleCode& r,
                                              const std::string* layer) {
    std::vector<const SettingCode*> out;
    for (std::uint32_t slot : settings_read(p, r)) {
        const SettingCode& s = p.settings[slot];
        if (std::any_of(s.versions.begin(), s.versions.end(), [&](const SettingVersionCode& v) {
                return restated(s, v) && (!layer || v.layer == *layer);
            }))
            out.push_back(&s);
    }
    return out;
}

} // namespace

void Page::rules(const char* title, const char* id, const std::vector<RuleCode>& list) {
    bool any = false;
    for (const auto& r : list) {
        std::string kind(vocabulary::keyword(r.kind));
        if (changes_only_ && !changed(kind, r.name)) continue;
        if (!any) heading(2, {text(title)}, id);
        any = true;
        rule(r, !changes_only_ || r.layer == p_.name);
    }
}

// `whole`: the rule itself; otherwise (a base rule a payer excepts) only what the page's layer
// added to it.
void Page::rule(const RuleCode& r, bool whole) {
    std::string kind(vocabulary::keyword(r.kind));
    heading(3, {text(r.doc.empty() ? r.name : r.doc)}, anchor_id(kind, r.name));
    Inlines about{code(r.name), text(fmt::format(" ({}, layer ", kind)), code(r.layer)};
    if (!r.replaces.empty()) {
        about.push_back(text("; replaces "));
        about.push_back(code(r.replaces));
    }
    std::string placed = r.placement.empty() ? "" : "; runs " + r.placement;
    std::string fixed = r.fixed ? "; fixed: the policies that extend it may not change it" : "";
    about.push_back(text(in_effect(r.effective) + placed + fixed + ")"));
    paragraph(std::move(about));
    if (whole) rule_body(r);
    for (const auto* exceptions : {&r.exceptions, &r.element_exceptions})
        for (const auto& e : *exceptions) {
            if (changes_only_ && e.layer != p_.name) continue;
            Inlines head{anchor(anchor_id("exception", e.name)),
                         strong("Exception "),
                         code(e.name),
                         text(" (layer "),
                         code(e.layer),
                         text(in_effect(e.effective) + ")")};
            if (!e.doc.empty()) head.push_back(text(": " + e.doc));
            head.push_back(text(e.per.empty() ? ". Runs instead when its conditions hold:"
                                              : fmt::format(". Runs instead, for each {} where "
                                                            "it would act, when its conditions "
                                                            "hold:",
                                                            e.per)));
            paragraph(std::move(head));
            rule_body(e);
        }
    for (std::size_t i = 0; i < r.narrowings.size(); ++i) {
        const NarrowingCode& n = r.narrowings[i];
        if (changes_only_ && n.layer != p_.name) continue;
        Inlines head{strong("Narrowed"), text(" (layer "), code(n.layer),
                     text(in_effect(n.effective) + ")")};
        if (!n.doc.empty()) head.push_back(text(": " + n.doc));
        head.push_back(text(". It acts only where also:"));
        paragraph(std::move(head));
        Block list{Block::list, 0, {}, {}, {}, {}};
        for (const auto& clause : r.clauses)
            if (clause.narrowing == static_cast<std::int32_t>(i))
                list.items.push_back(words_.clause(clause));
        blocks_.push_back(std::move(list));
        if (!n.cite.empty()) {
            Inlines cite{text("Citation: ")};
            append(cite, citation(n.cite));
            paragraph(std::move(cite));
        }
    }
}

void Page::rule_body(const RuleCode& r) {
    Block list{Block::list, 0, {}, {}, {}, {}};
    for (const auto& clause : r.clauses)
        if (clause.narrowing < 0) list.items.push_back(words_.clause(clause));
    if (!list.items.empty()) blocks_.push_back(std::move(list));
    if (!r.cite.empty()) {
        Inlines cite{text("Citation: ")};
        append(cite, citation(r.cite));
        paragraph(std::move(cite));
    }
    rule_sources(r);
    restated_settings(r);
}

// "Sources: S1 title (unverified); …" under a rule's citation.
void Page::rule_sources(const RuleCode& r) {
    if (r.sources.empty()) return;
    Inlines line{text("Sources: ")};
    for (std::size_t i = 0; i < r.sources.size(); ++i) {
        const SourceCode* s = p_.find_source(r.sources[i]);
        if (!s) continue;
        if (i) line.push_back(text("; "));
        line.push_back(strong(s->key + " "));
        append(line, source_title(*s));
        line.push_back(text(s->verified ? " (verified)" : " (unverified)"));
    }
    paragraph(std::move(line));
}

// The settings a payer restated that this rule reads, each with its versions and the
// restating layer's citation: the payer's source reaches what the setting decides.
void Page::restated_settings(const RuleCode& r) {
    for (const SettingCode* s : restated_read(p_, r, nullptr)) {
        Inlines line{strong("Decided with a restated setting: ")};
        line.push_back(
            link(s->doc.empty() ? s->name : s->doc, "#" + anchor_id("setting", s->name)));
        line.push_back(text(": "));
        for (std::size_t i = 0; i < s->versions.size(); ++i) {
            const SettingVersionCode& v = s->versions[i];
            if (i) line.push_back(text("; "));
            line.push_back(code(value_text(v.value)));
            line.push_back(
                text(dates_text(v.effective.from, v.effective.until) + " (" + v.layer + ")"));
        }
        for (const auto& v : s->versions) {
            if (!restated(*s, v)) continue;
            line.push_back(text(fmt::format(". Cited by {}: ", v.layer)));
            if (v.cite.empty())
                line.push_back(text("(restated without a citation)"));
            else
                append(line, citation(v.cite));
        }
        paragraph(std::move(line));
    }
}

// Under --changes-only: the base's rules and edits the payer switched off.
void Page::switched_off() {
    Block list{Block::list, 0, {}, {}, {}, {}};
    for (const auto& c : changes_) {
        if (c.action != "disabled") continue;
        Inlines item{code(c.name), text(" (" + c.kind + ")")};
        for (const auto* rules : {&base_->rules, &base_->edits})
            for (const auto& r : *rules)
                if (r.name == c.name && !r.doc.empty()) item.push_back(text(" — " + r.doc));
        // Who switched it off and why, in the `disable`'s own words.
        if (const auto* d = p_.disabled_named(c.name)) {
            item.push_back(text(". Disabled by "));
            item.push_back(code(d->layer));
            if (!d->reason.empty()) item.push_back(text(": " + d->reason));
        }
        list.items.push_back(std::move(item));
    }
    if (list.items.empty()) return;
    heading(2, {text("Switched off")}, "switched-off");
    paragraph({text("Rules and edits of the base that do not run under this policy:")});
    blocks_.push_back(std::move(list));
}

// Under --changes-only: the base's rules and edits, not shown above, that read a setting this
// layer restates, so a changed setting shows what it changes.
void Page::affected() {
    Block list{Block::list, 0, {}, {}, {}, {}};
    for (const auto* rules : {&p_.rules, &p_.edits})
        for (const auto& r : *rules) {
            if (r.layer == p_.name) continue; // shown above, with its settings
            std::vector<const SettingCode*> read = restated_read(p_, r, &p_.name);
            if (read.empty()) continue;
            Inlines item{code(r.name), text(fmt::format(" ({}, layer {})",
                                                        vocabulary::keyword(r.kind), r.layer))};
            if (!r.doc.empty()) item.push_back(text(" — " + r.doc));
            item.push_back(text(". Decided with: "));
            for (std::size_t i = 0; i < read.size(); ++i) {
                if (i) item.push_back(text(", "));
                item.push_back(link(read[i]->doc.empty() ? read[i]->name : read[i]->doc,
                                    "#" + anchor_id("setting", read[i]->name)));
            }
            list.items.push_back(std::move(item));
        }
    if (list.items.empty()) return;
    heading(2, {text("Decided with restated settings")}, "restated-settings");
    paragraph({text(fmt::format("Rules and edits of the base, unchanged, whose outcome a "
                                "setting {} restates decides; the setting's row above gives "
                                "its citation:",
                                p_.name))});
    blocks_.push_back(std::move(list));
}

} // namespace cpl::doc_page
