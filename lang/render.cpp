// lang/render.cpp — the one place that decides how a diagnostic looks.
#include "render.hpp"

#include "utf8.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace cpl {

namespace {

std::string_view severity_name(Severity severity) {
    return severity == Severity::error ? "error" : "warning";
}

// The caret line copies tabs from the source line so it stays aligned under it.
// Column and width are in bytes; the line is shown as a terminal draws it: a UTF-8 sequence
// ("—", "é") is one column under the caret, a wide one (an emoji, a CJK character) two, a
// combining mark none (a byte that is not UTF-8 is one `?`, as shown_line shows it).
std::string caret_line(std::string_view line, std::uint32_t column, std::uint32_t width) {
    // The bytes of the character at `at`, and the columns it takes.
    auto step = [&](std::size_t at) -> std::pair<std::size_t, int> {
        auto c = static_cast<unsigned char>(line[at]);
        if (c < 0x80) return {1, 1};
        std::size_t n = utf8_sequence_length(line, at);
        if (n == 0) return {1, 1};
        return {n, display_width(utf8_code_point(line, at, n))};
    };
    std::string out;
    std::size_t at = 0, begin = column - 1;
    while (at < begin && at < line.size()) {
        auto [bytes, columns] = step(at);
        out.append(static_cast<std::size_t>(columns), line[at] == '\t' ? '\t' : ' ');
        at += bytes;
    }
    out += '^';
    std::size_t end = begin + width;
    if (begin < line.size()) {
        auto [bytes, columns] = step(begin);
        if (columns > 1) out += '~'; // the rest of a wide first character
        at = begin + bytes;
    } else {
        at = begin + 1;
    }
    while (at < end && at < line.size()) {
        auto [bytes, columns] = step(at);
        out.append(static_cast<std::size_t>(columns), '~');
        at += bytes;
    }
    return out;
}

// The source line as shown: a control character or a byte that is not UTF-8 would reach the
// terminal, so each becomes one `?` (one byte for one, so the caret stays under its column).
std::string shown_line(std::string_view line) {
    std::string out(line);
    for (std::size_t i = 0; i < out.size();) {
        auto c = static_cast<unsigned char>(out[i]);
        std::size_t n = c < 0x80 ? 1 : utf8_sequence_length(line, i);
        if ((c < 0x20 && c != '\t') || c == 0x7F || n == 0) {
            out[i] = '?';
            n = 1;
        }
        i += n;
    }
    return out;
}

} // namespace

std::string render(const Diagnostic& d, const SourceMap& sources) {
    std::string out;
    if (d.span && d.span->file < sources.size()) {
        const SourceFile& file = sources.get(d.span->file);
        Location at = file.locate(d.span->begin);
        out +=
            fmt::format("{}:{}:{}: {}: {} [{}]\n", printable(file.path(), true), at.line, at.column,
                        severity_name(d.severity), printable(d.message, true), d.code);
        std::string_view line = file.line_text(at.line);
        std::uint32_t line_left = static_cast<std::uint32_t>(line.size()) >= at.column
                                      ? static_cast<std::uint32_t>(line.size()) - at.column + 1
                                      : 1;
        std::uint32_t width = std::clamp<std::uint32_t>(d.span->end - d.span->begin, 1, line_left);
        out += fmt::format("  {}\n  {}\n", shown_line(line), caret_line(line, at.column, width));
    } else {
        out += fmt::format("{}: {} [{}]\n", severity_name(d.severity), printable(d.message, true),
                           d.code);
    }
    for (const auto& note : d.notes)
        out += fmt::format("  note: {}\n", printable(note, true));
    if (d.help) out += fmt::format("  help: {}\n", printable(*d.help, true));
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
