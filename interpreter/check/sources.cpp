// interpreter/check/sources.cpp — resolving the `[KEY]`s of every cite against the `source`
// declarations (see sources.hpp).
#include "interpreter/check/sources.hpp"

#include "lang/cite.hpp"
#include "lang/suggest.hpp"
#include "runtime/ascii.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <set>

namespace cpl::check_detail {

namespace {

class SourceChecker {
public:
    SourceChecker(const MergedPolicy& merged, Program& program, Diagnostics& diagnostics)
        : merged_(merged), program_(program), diagnostics_(diagnostics) {
        for (const auto& source : merged.bibliography)
            keys_.push_back(source.decl->key.text);
    }

    void run() {
        for (const auto& s : merged_.bibliography) {
            const ast::Source& d = *s.decl;
            auto text = [](const std::optional<ast::Ident>& field) {
                return field ? field->text : std::string();
            };
            program_.bibliography.push_back({d.key.text, d.title, text(d.publisher), text(d.date),
                                             text(d.link), d.verified, s.layer, d.key.span});
        }
        for (const auto& setting : merged_.settings) {
            cite(setting.decl->cite);
            for (const auto& version : setting.versions)
                if (version.cite) cite(*version.cite);
        }
        for (const auto& table : merged_.tables) {
            cite(table.cite());
            std::set<const ast::Cite*> blocks; // a later layer's block, once for all its rows
            for (const auto& row : table.rows) {
                cite(row.row->cite);
                if (row.block_cite && blocks.insert(row.block_cite).second) cite(*row.block_cite);
            }
        }
        for (const auto* list : {&merged_.rules, &merged_.edits})
            for (const auto& rule : *list) {
                cite(rule.rule->cite);
                for (const auto& exception : rule.exceptions)
                    cite(exception.first->cite);
                for (const auto* changes : {&rule.narrowings, &rule.element_exceptions})
                    for (const auto& change : *changes)
                        cite(change.decl->rule.cite);
            }
        for (auto* list : {&program_.rules, &program_.edits})
            for (auto& rule : *list) {
                keys_of(rule);
                for (auto& exception : rule.exceptions)
                    keys_of(exception);
                for (auto& exception : rule.element_exceptions)
                    keys_of(exception);
                for (auto& narrowing : rule.narrowings)
                    for (const auto& cited : cited_keys(narrowing.cite))
                        if (program_.find_source(cited.key))
                            narrowing.sources.emplace_back(cited.key);
            }
        unused();
    }

private:
    // Each key of a cite must name a declared source.
    void cite(const std::optional<ast::Cite>& c) {
        if (c) cite(*c);
    }
    void cite(const ast::Cite& c) {
        keys_written_apart(c);
        for (const auto& [key, offset] : cited_keys(c.text)) {
            cited_.insert(std::string(key));
            if (program_.find_source(key)) continue;
            auto& d = diagnostics_.error(
                "check.unknown_source", key_span(c, key),
                fmt::format("the citation names source `{}`, which no `source` declares", key));
            if (auto guess = closest(key, keys_))
                d.help = fmt::format("did you mean `{}`?", *guess);
            else
                d.help = fmt::format("declare it: `source {} \"title\" link \"https://…\" "
                                     "unverified`",
                                     key);
        }
    }

    // `[S20, S23]` or `[s20]`: brackets that hold declared keys but are not one `[KEY]`, so
    // they name no source and the citation's lines carry none of them.
    void keys_written_apart(const ast::Cite& c) {
        std::string_view text = c.text;
        for (std::size_t open = text.find('['); open != std::string_view::npos;
             open = text.find('[', open + 1)) {
            std::size_t close = text.find(']', open + 1);
            if (close == std::string_view::npos) return;
            std::string_view inside = text.substr(open + 1, close - open - 1);
            if (is_source_key(inside)) continue;
            std::vector<std::string> meant;
            for (std::size_t i = 0; i < inside.size();) {
                std::size_t end = i;
                while (
                    end < inside.size() &&
                    (std::isalnum(static_cast<unsigned char>(inside[end])) || inside[end] == '_'))
                    ++end;
                if (end == i) {
                    ++i;
                    continue;
                }
                std::string word(inside.substr(i, end - i));
                for (const auto& key : keys_)
                    if (equal_ignoring_ascii_case(key, word))
                        meant.push_back(fmt::format("[{}]", key));
                i = end;
            }
            if (meant.empty()) continue;
            std::string bracket = fmt::format("[{}]", inside);
            diagnostics_
                .warning("check.source_key_written_apart", text_span(c, bracket),
                         fmt::format("`{}` names no source: a cite names each source as "
                                     "`[KEY]`, so its lines carry none",
                                     bracket))
                .help = fmt::format("write `{}`", fmt::join(meant, " "));
        }
    }

    // Where `part` of the cite's text is, as written (the cite's whole span when escapes make
    // it hard to find).
    Span text_span(const ast::Cite& c, std::string_view part) const {
        std::string_view text = program_.sources->get(c.span.file).text();
        std::string_view written(text.data() + c.span.begin, c.span.end - c.span.begin);
        std::size_t at = written.find(part);
        if (at == std::string_view::npos) return c.span;
        auto begin = static_cast<std::uint32_t>(c.span.begin + at);
        return {c.span.file, begin, begin + static_cast<std::uint32_t>(part.size())};
    }

    // The `[KEY]` inside the cite's text as written, so the caret points at it (the cite's
    // whole span when escapes make it hard to find).
    Span key_span(const ast::Cite& c, std::string_view key) const {
        std::string_view text = program_.sources->get(c.span.file).text();
        std::string_view written(text.data() + c.span.begin, c.span.end - c.span.begin);
        std::size_t at = written.find(fmt::format("[{}]", key));
        if (at == std::string_view::npos) return c.span;
        auto begin = static_cast<std::uint32_t>(c.span.begin + at + 1);
        return {c.span.file, begin, begin + static_cast<std::uint32_t>(key.size())};
    }

    void keys_of(RuleCode& rule) {
        for (const auto& cited : cited_keys(rule.cite)) {
            std::string key(cited.key);
            if (program_.find_source(key) &&
                std::find(rule.sources.begin(), rule.sources.end(), key) == rule.sources.end())
                rule.sources.push_back(std::move(key));
        }
    }

    // Only the checked policy's own sources: a payer is not told about the standard set's.
    void unused() {
        for (const auto& s : merged_.bibliography) {
            if (s.layer != merged_.name || cited_.count(s.decl->key.text)) continue;
            diagnostics_
                .warning("check.unused_source", s.decl->key.span,
                         fmt::format("no citation names source `{}`", s.decl->key.text))
                .help = fmt::format("cite it as `[{}]` where its facts are used, or remove it",
                                    s.decl->key.text);
        }
    }

    const MergedPolicy& merged_;
    Program& program_;
    Diagnostics& diagnostics_;
    std::vector<std::string_view> keys_;
    std::set<std::string, std::less<>> cited_;
};

} // namespace

void check_sources(const MergedPolicy& merged, Program& program, Diagnostics& diagnostics) {
    SourceChecker(merged, program, diagnostics).run();
}

} // namespace cpl::check_detail
