// interpreter/cli/inputs.hpp — case inputs named on the command line: `.json` files (one
// case), `.jsonl` files and `-` (one case per line), directories (every case file below).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cpl::cli {

/// Called once per case document; `origin` names where it came from (`file.jsonl:12`).
using CaseSink = std::function<void(std::string_view json, const std::string& origin)>;

/// Called for a piece of input that stands where a case should and is none: a blank or
/// over-long line of JSON Lines, a case file that cannot be read. `message` ends in its code.
/// So a caller can give every input line its output line.
using ProblemSink = std::function<void(const std::string& origin, const std::string& message)>;

struct InputsRead {
    bool ok = true;           // no problem, and every input could be read
    std::size_t cases = 0;    // documents given to the sink
    std::size_t problems = 0; // given to the problem sink
};

/// Streams every case of every input, in order. Problems go to `problems`, or to stderr
/// when it is empty; an input that holds no case at all (an empty directory, a closed
/// standard input) is reported on stderr.
InputsRead for_each_case(const std::vector<std::string>& inputs, const CaseSink& sink,
                         const ProblemSink& problems = {});

/// A file found below a directory, or a directory below it (or itself) that could not be
/// listed: then `error` says why, in the system's words (`Permission denied`).
struct FoundFile {
    std::string path;
    std::string error;
};

/// Every entry below `dir` but its directories whose name ends in one of `suffixes`, sorted:
/// also those that are not regular files or cannot be examined (a link to nothing, a link
/// loop, a FIFO), and the directories that cannot be listed, for the caller to report. Links
/// to directories are followed, each directory walked once, but not a link to one that holds
/// `dir` (`..`, `/`).
std::vector<FoundFile> files_below(const std::string& dir,
                                   const std::vector<std::string>& suffixes);

} // namespace cpl::cli
