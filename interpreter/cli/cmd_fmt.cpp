// interpreter/cli/cmd_fmt.cpp — `cpl fmt [--check] FILE...`: rewrites policy files in
// canonical form (lang/format.hpp); `--check` only reports the files that would change.
// `cpl fmt -` formats standard input to standard output.
#include "commands.hpp"
#include "lang/files.hpp"
#include "lang/format.hpp"
#include "lang/render.hpp"
#include "lang/utf8.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>

namespace cpl::cli {

namespace {

// Byte offset of the start of the first line where the two texts differ.
std::uint32_t first_difference(std::string_view a, std::string_view b) {
    std::size_t i = 0, line_start = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) {
        if (a[i] == '\n') line_start = i + 1;
        ++i;
    }
    return static_cast<std::uint32_t>(std::min(line_start, a.size()));
}

} // namespace

int fmt(const FmtOptions& options) {
    // `-` is standard input, formatted to standard output (an editor's or a pipe's way): with
    // other files, their "formatted" lines would be mixed into the policy text.
    bool from_stdin =
        std::find(options.files.begin(), options.files.end(), "-") != options.files.end();
    if (from_stdin && options.files.size() > 1) {
        bool twice = std::count(options.files.begin(), options.files.end(), "-") > 1;
        eprint("cpl fmt: error: `-` (standard input, formatted to standard output) cannot be "
               "given {} [fmt.stdin_with_files]\n",
               twice ? "more than once: standard input is read once" : "with other files");
        return 2;
    }
    int status = 0;
    for (const auto& given : options.files) {
        std::string why;
        auto text = from_stdin ? read_standard_input(why) : read_text_file(given, why);
        const std::string path = from_stdin ? "<stdin>" : given;
        if (!text) {
            eprint("{}: error: cannot read the policy file: it {} [fmt.cannot_read]\n",
                   printable(path), why);
            status = 1;
            continue;
        }
        SourceMap sources;
        FileId id = sources.add(path, *text);
        Diagnostics diagnostics;
        auto formatted = format_source(sources, id, diagnostics);
        if (!formatted) {
            eprint("{}", render_all(diagnostics, sources));
            status = 1;
            continue;
        }
        if (from_stdin && !options.check) {
            print("{}", *formatted); // unchanged or not, the text goes on down the pipe
            continue;
        }
        if (*formatted == *text) continue;
        if (options.check) {
            // Offsets into the text as read (line ends made LF, no byte order mark).
            std::string_view source = sources.get(id).text();
            std::uint32_t at = first_difference(source, *formatted);
            Diagnostics report;
            std::uint32_t end = at < source.size() ? at + 1 : at;
            // The text as read is canonical: only its line ends or a byte order mark differ,
            // which the reader had already made LF and dropped. Said at the first line.
            std::string what = "the file is not in canonical form";
            if (source == *formatted) {
                at = end = 0;
                bool bom = text->starts_with("\xEF\xBB\xBF");
                // The first line that ends otherwise than with LF, by what it ends with (CR LF
                // or CR alone): only LFs come before the first CR.
                std::size_t cr = text->find('\r');
                std::string ending;
                if (cr != std::string::npos) {
                    auto line =
                        std::count(text->begin(), text->begin() + static_cast<long>(cr), '\n');
                    for (long l = 0; l < line; ++l)
                        at = static_cast<std::uint32_t>(source.find('\n', at) + 1);
                    end = at;
                    ending = fmt::format(
                        "line {} ends with {} (canonical form ends every line with LF)", line + 1,
                        cr + 1 < text->size() && (*text)[cr + 1] == '\n' ? "CR LF" : "CR alone");
                }
                what += !ending.empty() && bom
                            ? fmt::format(": {}, and it begins with a byte order mark", ending)
                        : !ending.empty() ? ": " + ending
                                          : ": it begins with a byte order mark";
            }
            report.error("fmt.not_canonical", Span{id, at, end}, what).help =
                from_stdin ? "run `cpl fmt -` to have it in canonical form"
                           : fmt::format("run `cpl fmt {}` to rewrite it", path);
            eprint("{}", render_all(report, sources));
            status = 1;
            continue;
        }
        if (std::string problem; !replace_file(path, *formatted, problem)) {
            eprint("{}: error: cannot write the policy file: {}; it is left as it was "
                   "[fmt.cannot_write]\n",
                   printable(path), problem);
            status = 1;
            continue;
        }
        print("{}: formatted\n", printable(path));
    }
    return status;
}

} // namespace cpl::cli
