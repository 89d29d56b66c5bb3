// interpreter/tools/doc.hpp — checked Program → a readable page describing the policy (`cpl doc`):
// settings, tables with their rows, definitions, rules and edits in plain words, each with
// its citation.
#pragma once

#include "interpreter/program/program.hpp"

#include <string>

namespace cpl {

enum class DocFormat { markdown, html };

/// The whole page. HTML is a standalone document with inline CSS; every text is escaped.
std::string document(const Program& program, DocFormat format);

} // namespace cpl
