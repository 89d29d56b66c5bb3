// interpreter/cli/inputs.cpp — streams case documents; memory stays flat however many
// cases a JSON Lines file holds. No path, however odd (a symbolic link loop, a name longer
// than the system allows, a directory named like a file), throws: each gets a message.
#include "inputs.hpp"

#include "lang/files.hpp"
#include "lang/line_ends.hpp"
#include "output.hpp"
#include "runtime/value.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace cpl::cli {

namespace fs = std::filesystem;

namespace {

// Whether directory `outer` holds `inner` or is it (both canonical).
bool holds(const fs::path& outer, const fs::path& inner) {
    if (outer.empty()) return false;
    auto [end, _] = std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
    return end == outer.end();
}

// The walk of one directory. A directory that cannot be listed is an entry of its own: the
// recursive iterator stopped at it, and the files below it and after it were skipped without
// a word. A link to a directory is followed, as a link to a file is (its cases would be
// missing from the run without a word), and a directory already walked (a link to one found
// by another path) is walked once: `visited` holds them by device and inode. A link to a
// directory that holds the one named (`..`, `/`) is not followed: it would read the named
// directory's neighbours, or the whole machine. Each directory's entries are taken in name
// order, so the path a file is found by does not depend on the order the system lists them in.
void walk(const fs::path& dir, const std::vector<std::string>& suffixes,
          std::vector<FoundFile>& out, std::set<std::pair<dev_t, ino_t>>& visited,
          const fs::path& root) {
    struct stat self {};
    if (stat(dir.c_str(), &self) == 0 && !visited.insert({self.st_dev, self.st_ino}).second) return;
    std::error_code ec;
    std::vector<fs::directory_entry> entries;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        entries.push_back(*it);
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.path() < b.path(); });
    for (const auto& entry : entries) {
        std::error_code kind;
        if (entry.is_directory(kind)) {
            if (entry.is_symlink(kind) && holds(fs::canonical(entry.path(), kind), root)) continue;
            walk(entry.path(), suffixes, out, visited, root);
            continue;
        }
        // Anything but a directory: a dangling link or a FIFO named like a case is the
        // caller's to report, not to skip without a word.
        std::string path = entry.path().string();
        for (const auto& suffix : suffixes)
            if (path.ends_with(suffix)) {
                out.push_back({path, {}});
                break;
            }
    }
    if (ec) out.push_back({dir.string(), ec.message()});
}

} // namespace

std::vector<FoundFile> files_below(const std::string& dir,
                                   const std::vector<std::string>& suffixes) {
    std::vector<FoundFile> out;
    std::set<std::pair<dev_t, ino_t>> visited;
    std::error_code ec;
    fs::path root = fs::canonical(dir, ec);
    walk(dir, suffixes, out, visited, ec ? fs::path(dir) : root);
    std::sort(out.begin(), out.end(),
              [](const FoundFile& a, const FoundFile& b) { return a.path < b.path; });
    return out;
}

namespace {

// ` (Is a directory)`: what the system said of a failed call, or nothing when it said nothing.
std::string system_words(int error) {
    return error ? fmt::format(" ({})", std::strerror(error)) : std::string();
}

class Reader {
public:
    Reader(const CaseSink& sink, const ProblemSink& problems) : sink_(sink), problems_(problems) {}

    void input(const std::string& input) {
        if (input == "-") {
            // A closed descriptor reads as an empty stream: say so instead.
            // Its line in the output, in its place, as every input that should have held cases.
            if (fcntl(STDIN_FILENO, F_GETFD) == -1) {
                problem("<stdin>", "standard input is closed [run.cannot_read]");
                return;
            }
            // `cpl run - < cases.jsonl >> cases.jsonl`: read back as they are written, the
            // results would never end, as for a file named.
            if (struct stat in{}; fstat(STDIN_FILENO, &in) == 0 && is_output(in)) {
                problem("<stdin>", "cannot read standard input: it is the file the results are "
                                   "being written to (standard output), so the run would read "
                                   "its own results [run.input_is_output]");
                return;
            }
            std::size_t before = read_.cases + read_.problems;
            stream_lines(std::cin, "<stdin>");
            if (read_.cases + read_.problems == before)
                fail_input("<stdin>", "standard input holds no case [run.no_cases]");
            return;
        }
        std::error_code ec;
        if (fs::is_directory(input, ec)) {
            auto found = files_below(input, {".json", ".jsonl"});
            // `NAME.expected.json` beside `NAME.case.json` is what `cpl test` compares with.
            auto expected = std::erase_if(
                found, [](const FoundFile& f) { return f.path.ends_with(".expected.json"); });
            if (found.empty())
                fail_input(input,
                           expected ? fmt::format("no case file (.json, .jsonl) below this "
                                                  "directory: its {} file{} named *.expected.json "
                                                  "{} expected results, not cases [run.no_cases]",
                                                  expected, expected == 1 ? "" : "s",
                                                  expected == 1 ? "is" : "are")
                                    : "no case file (.json, .jsonl) below this directory "
                                      "[run.no_cases]");
            for (const auto& [file, unlisted] : found) {
                // Its cases, if it holds any, are missing from the run: said in their place.
                if (!unlisted.empty()) {
                    problem(file, fmt::format("cannot read the directory: it cannot be listed ({}) "
                                              "[run.cannot_read]",
                                              unlisted));
                    continue;
                }
                // Found, not named: a link to nothing or a FIFO is reported, never waited on.
                std::error_code kind;
                if (!fs::is_regular_file(file, kind)) {
                    std::string why;
                    read_text_file(file, why);
                    problem(file,
                            fmt::format("cannot read the case file: it {} [run.cannot_read]", why));
                    continue;
                }
                // `cpl run cases > cases/results.jsonl`: the results are not cases, and read
                // back while they are written they would never end.
                if (is_standard_output(file)) {
                    eprint("{}: warning: not read: it is the file the results are being written "
                           "to [run.input_is_output]\n",
                           file);
                    continue;
                }
                this->input(file);
            }
            return;
        }
        if (is_standard_output(input)) {
            problem(input, "cannot read the case file: it is the file the results are being "
                           "written to (standard output), so the run would read its own results "
                           "[run.input_is_output]");
            return;
        }
        if (input.ends_with(".jsonl")) {
            std::string why;
            if (!readable(input, why)) {
                problem(input,
                        fmt::format("cannot read the case file: it {} [run.cannot_read]", why));
                return;
            }
            errno = 0;
            std::ifstream in(input, std::ios::binary);
            if (!in) {
                problem(input, fmt::format("cannot read the case file: it cannot be opened{} "
                                           "[run.cannot_read]",
                                           system_words(errno)));
                return;
            }
            // Named or found below a directory, a file with no line is said by its name: among
            // other inputs its cases would be missing from the run without a word.
            std::size_t before = read_.cases + read_.problems;
            stream_lines(in, input);
            if (read_.cases + read_.problems == before)
                fail_input(input, "the file holds no case: it has no line [run.no_cases]");
            return;
        }
        std::string why;
        auto text = read_text_file(input, why);
        if (!text) {
            // A pipe (`cpl run <(…)`) is not waited on by name: it streams from standard input.
            std::error_code pipe_ec;
            if (fs::is_fifo(input, pipe_ec))
                why += ", but a pipe: give its cases as JSON Lines on standard input, "
                       "with `-` in its place (`… | cpl run -`, `cpl diff P --cases -`)";
            problem(input, fmt::format("cannot read the case file: it {} [run.cannot_read]", why));
            return;
        }
        ++read_.cases;
        sink_(*text, input);
    }

    InputsRead result() const { return read_; }

private:
    // Whether `path` is the regular file standard output writes to (the shell made it before
    // the run began, so a directory's walk finds it).
    bool is_standard_output(const std::string& path) {
        struct stat in {};
        return stat(path.c_str(), &in) == 0 && is_output(in);
    }

    bool is_output(const struct stat& in) {
        if (!output_known_) {
            output_known_ = true;
            struct stat out {};
            if (fstat(STDOUT_FILENO, &out) == 0 && S_ISREG(out.st_mode))
                output_ = std::pair{out.st_dev, out.st_ino};
        }
        return output_ && std::pair{in.st_dev, in.st_ino} == *output_;
    }

    // A JSON Lines file may be a pipe or a device (that is what streaming is for), but not a
    // directory or a missing file.
    static bool readable(const std::string& path, std::string& why) {
        std::error_code ec;
        fs::file_status status = fs::status(path, ec);
        if (ec || !fs::exists(status)) {
            why = ec && ec != std::errc::no_such_file_or_directory
                      ? fmt::format("cannot be examined ({})", ec.message())
                      : "does not exist";
            return false;
        }
        if (fs::is_directory(status)) {
            why = "is a directory";
            return false;
        }
        return true;
    }

    // Stands where a case should: reported, and given to the caller for its output line.
    void problem(const std::string& origin, const std::string& message) {
        ++read_.problems;
        read_.ok = false;
        if (problems_)
            problems_(origin, message);
        else
            eprint("{}: error: {}\n", origin, message);
    }

    // An input that holds nothing: no output line stands for it, but the run failed.
    void fail_input(const std::string& origin, const std::string& message) {
        read_.ok = false;
        eprint("{}: error: {}\n", origin, message);
    }

    // One case per line, and one outcome per line: a blank line or a line longer than a case
    // may be is a problem in its place, so the output has as many lines as the input. Memory
    // stays bounded whatever the input holds.
    void stream_lines(std::istream& in, const std::string& name) {
        std::string line;
        bool too_long = false;
        bool pretty = false; // a case written over several lines (run.not_json_lines)
        std::size_t number = 1;
        bool content_before = false; // a line before this one held more than blanks
        // "FILE:LINE", made again in the same buffer for each line: formatting a new string
        // was a heap allocation and a format call a case.
        std::string origin = name + ':';
        const std::size_t name_size = origin.size();
        auto finish = [&] {
            origin.resize(name_size);
            append_number(origin, static_cast<std::int64_t>(number));
            // The first line that holds anything (blank lines before a case written over
            // several lines are said, then what the input is, as the server says it).
            std::string_view opening = content_before ? "" : lone_opening_bracket(line);
            bool blank = std::all_of(line.begin(), line.end(),
                                     [](unsigned char c) { return std::isspace(c); });
            if (!opening.empty()) {
                // Each of its lines was an error of its own ("not closed", "expected a JSON
                // object"), and none said what the input was.
                pretty = true;
                problem(origin,
                        fmt::format("the line is `{}` alone: JSON written over several lines is "
                                    "not JSON Lines, which holds each case on one line; put a "
                                    "case in a .json file of its own, or write each case on one "
                                    "line (`jq -c . case.json`) [run.not_json_lines]",
                                    opening));
            } else if (too_long) {
                // said when it passed the limit
            } else if (blank)
                problem(origin, std::string(blank_line_error));
            else {
                ++read_.cases;
                sink_(line, origin);
            }
            content_before = content_before || !blank;
            line.clear();
            too_long = false;
            ++number;
        };
        std::array<char, 1 << 16> block;
        bool open_line = false; // bytes read since the last line end
        bool after_cr = false;  // the last line ended with CR: a LF next is part of that end
        while (in.read(block.data(), block.size()) || in.gcount() > 0) {
            std::string_view chunk(block.data(), static_cast<std::size_t>(in.gcount()));
            if (after_cr && chunk.front() == '\n') chunk.remove_prefix(1);
            after_cr = false;
            while (!chunk.empty()) {
                std::size_t end = line_end(chunk);
                std::string_view piece = chunk.substr(0, end);
                open_line = true;
                if (!too_long) {
                    if (line.size() + piece.size() > max_file_bytes) {
                        // Said now, in its place, not when the line ends: an endless line
                        // (`cpl run - < /dev/zero`) would otherwise be read without a word.
                        too_long = true;
                        line.clear();
                        line.shrink_to_fit();
                        origin.resize(name_size);
                        append_number(origin, static_cast<std::int64_t>(number));
                        problem(origin,
                                fmt::format("the line is longer than {} MiB: the rest of it is "
                                            "skipped [run.cannot_read]",
                                            max_file_bytes >> 20));
                    } else {
                        line.append(piece);
                    }
                }
                if (end == chunk.size()) break; // the line goes on in the next block
                finish();
                if (pretty) return; // its one error said; the rest is not read
                open_line = false;
                bool cr = chunk[end] == '\r';
                chunk.remove_prefix(end + 1);
                if (cr && !chunk.empty() && chunk.front() == '\n') chunk.remove_prefix(1);
                after_cr = cr && chunk.empty();
            }
        }
        // A read that failed ends the stream as its end would: `std::cin` (read through stdio)
        // sets no bad bit, only stdin's error flag. Its cases are missing from the run, and a
        // line it cut short is no case: the failure is said in their place instead.
        int error = errno;
        if (in.bad() || (&in == &std::cin && std::ferror(stdin))) {
            problem(name, fmt::format("could not be read to its end{} [run.cannot_read]",
                                      system_words(error)));
            return;
        }
        // The last line needs no line end; a file that ends with one has no line after it.
        if (open_line) finish();
    }

    const CaseSink& sink_;
    bool output_known_ = false;
    std::optional<std::pair<dev_t, ino_t>> output_;
    const ProblemSink& problems_;
    InputsRead read_;
};

} // namespace

InputsRead for_each_case(const std::vector<std::string>& inputs, const CaseSink& sink,
                         const ProblemSink& problems) {
    Reader reader(sink, problems);
    for (const auto& input : inputs)
        reader.input(input);
    return reader.result();
}

} // namespace cpl::cli
