// lang/render.hpp — diagnostic → text (compiler convention) or JSON.
#pragma once

#include "diagnostic.hpp"

#include <string>

namespace cpl {

/// `path:line:col: error: message [code]`, the source line, a caret under the span,
/// then `note:` and `help:` lines. Each rendered diagnostic ends with a newline.
std::string render(const Diagnostic& diagnostic, const SourceMap& sources);

/// Renders all diagnostics in source order, at most `limit`, with a closing count line
/// when any were left out.
std::string render_all(const Diagnostics& diagnostics, const SourceMap& sources,
                       std::size_t limit = 50);

} // namespace cpl
