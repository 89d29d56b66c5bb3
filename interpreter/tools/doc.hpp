// interpreter/tools/doc.hpp — checked Program → a readable page describing the policy (`cpl doc`):
// a table of contents, settings, tables with their rows, definitions, rules and edits in plain
// words, each with its citation and dates of service, and the bibliography. Given the base
// the policy extends, only what its own layer changes.
#pragma once

#include "interpreter/program/program.hpp"

#include <string>

namespace cpl {

enum class DocFormat { markdown, html };

/// The whole page. HTML is a standalone document with inline CSS; every text is escaped.
/// With `base` (the policy `program` extends) and `changes_only`, the page shows only what
/// `program`'s own layer changes against it: settings it restates, rows it adds or removes,
/// definitions, rules and edits it adds, replaces, restates, excepts or switches off, and the
/// base's rules and edits that read a setting it restates. With `base` and the whole page, it
/// also says what the policy switched off and the rows it removed from its base's tables.
std::string document(const Program& program, DocFormat format, const Program* base = nullptr,
                     bool changes_only = true);

} // namespace cpl
