// interpreter/tools/doc_words.hpp — private to interpreter/tools/: a rule's clauses and
// expressions in words for `cpl doc`. A definition is named by its description (or its text,
// for a definition that is a text), linked to its entry; a setting by its value, linked to its
// row; a table by its description; an operator by its words (`is at least`). What has no
// words (a comprehension, a call of most built-ins) is shown as written, as code.
#pragma once

#include "interpreter/program/program.hpp"
#include "interpreter/tools/doc_page.hpp"

#include <string>

namespace cpl::doc_page {

/// The stable anchor ids of the page: `setting-NAME`, `table-NAME`, `def-NAME`, `rule-NAME`,
/// `edit-NAME` (names are [a-z0-9_], so ids are too).
std::string anchor_id(std::string_view kind, std::string_view name);

/// A value as the page shows it: codes as coders write them (95860, not "95860"), other
/// strings quoted.
std::string code_or_quoted(const Value& v, const std::vector<Shape>& shapes);

class Words {
public:
    explicit Words(const Program& program) : p_(program) {}

    /// An expression in words.
    Inlines phrase(const Node& n) const;
    /// A text the rule shows (a message, a reason, documentation): a string as it reads, an
    /// interpolation with its values in words, a definition that is a text by its text.
    Inlines text_of(const Node& n) const;
    /// One clause: "when the number of complete extremity studies is more than 0", "**bills** …".
    Inlines clause(const ClauseCode& c) const;

private:
    const Program& p_;

    Inlines operand(const Node& n, int outer) const;
    Inlines as_written(const Node& n) const;
    Inlines def_name(std::uint32_t slot) const;
    std::string value_text(const Value& v) const;
};

} // namespace cpl::doc_page
