// lang/render.cpp — the one place that decides how a diagnostic looks.
#include "render.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace cpl {

namespace {

std::string_view severity_name(Severity severity) {
    return severity == Severity::error ? "error" : "warning";
}

// The caret line copies tabs from the source line so it stays aligned under it.
std::string caret_line(std::string_view line, std::uint32_t column, std::uint32_t width) {
    std::string out;
    for (std::uint32_t i = 1; i < column && i - 1 < line.size(); ++i)
        out += line[i - 1] == '\t' ? '\t' : ' ';
    out += '^';
    for (std::uint32_t i = 1; i < width; ++i)
        out += '~';
    return out;
}

} // namespace

std::string render(const Diagnostic& d, const SourceMap& sources) {
    std::string out;
    if (d.span && d.span->file < sources.size()) {
        const SourceFile& file = sources.get(d.span->file);
        Location at = file.locate(d.span->begin);
        out += fmt::format("{}:{}:{}: {}: {} [{}]\n", file.path(), at.line, at.column,
                           severity_name(d.severity), d.message, d.code);
        std::string_view line = file.line_text(at.line);
        std::uint32_t line_left = static_cast<std::uint32_t>(line.size()) >= at.column
                                      ? static_cast<std::uint32_t>(line.size()) - at.column + 1
                                      : 1;
        std::uint32_t width = std::clamp<std::uint32_t>(d.span->end - d.span->begin, 1, line_left);
        out += fmt::format("  {}\n  {}\n", line, caret_line(line, at.column, width));
    } else {
        out += fmt::format("{}: {} [{}]\n", severity_name(d.severity), d.message, d.code);
    }
    for (const auto& note : d.notes)
        out += fmt::format("  note: {}\n", note);
    if (d.help) out += fmt::format("  help: {}\n", *d.help);
    return out;
}

std::string render_all(const Diagnostics& diagnostics, const SourceMap& sources,
                       std::size_t limit) {
    std::string out;
    auto sorted = diagnostics.sorted();
    std::size_t shown = std::min(limit, sorted.size());
    for (std::size_t i = 0; i < shown; ++i)
        out += render(sorted[i], sources);
    if (shown < sorted.size())
        out += fmt::format("... and {} more diagnostics not shown\n", sorted.size() - shown);
    return out;
}

} // namespace cpl
