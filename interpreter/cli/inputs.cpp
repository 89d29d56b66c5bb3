// interpreter/cli/inputs.cpp — streams case documents; memory stays flat however many
// cases a JSON Lines file holds.
#include "inputs.hpp"

#include "lang/files.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <sstream>

namespace cpl::cli {

namespace fs = std::filesystem;

std::vector<std::string> files_below(const std::string& dir,
                                     const std::vector<std::string>& suffixes) {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file()) continue;
        std::string path = it->path().string();
        for (const auto& suffix : suffixes)
            if (path.ends_with(suffix)) {
                out.push_back(path);
                break;
            }
    }
    std::sort(out.begin(), out.end());
    return out;
}

namespace {

// One case per line. A line longer than a case may be is reported and skipped, so memory
// stays bounded whatever the input holds.
bool stream_lines(std::istream& in, const std::string& name, const CaseSink& sink) {
    bool ok = true;
    std::string line;
    bool too_long = false;
    std::size_t number = 1;
    auto finish = [&] {
        if (too_long) {
            fmt::print(stderr, "{}:{}: error: the line is longer than {} MiB [run.cannot_read]\n",
                       name, number, max_file_bytes >> 20);
            ok = false;
        } else if (!std::all_of(line.begin(), line.end(),
                                [](unsigned char c) { return std::isspace(c); })) {
            sink(line, fmt::format("{}:{}", name, number));
        }
        line.clear();
        too_long = false;
        ++number;
    };
    std::array<char, 1 << 16> block;
    while (in.read(block.data(), block.size()) || in.gcount() > 0) {
        std::string_view chunk(block.data(), static_cast<std::size_t>(in.gcount()));
        while (!chunk.empty()) {
            std::size_t end = chunk.find('\n');
            std::string_view piece = chunk.substr(0, end);
            if (!too_long) {
                if (line.size() + piece.size() > max_file_bytes) {
                    too_long = true;
                    line.clear();
                } else {
                    line.append(piece);
                }
            }
            if (end == std::string_view::npos) break;
            finish();
            chunk.remove_prefix(end + 1);
        }
    }
    if (!line.empty() || too_long) finish();
    return ok;
}

bool one_input(const std::string& input, const CaseSink& sink) {
    if (input == "-") return stream_lines(std::cin, "<stdin>", sink);
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
        bool ok = true;
        for (const auto& file : files_below(input, {".json", ".jsonl"}))
            if (!file.ends_with(".expected.json")) ok = one_input(file, sink) && ok;
        return ok;
    }
    if (input.ends_with(".jsonl")) {
        std::ifstream in(input, std::ios::binary);
        if (!in) {
            fmt::print(stderr, "{}: error: cannot read the case file [run.cannot_read]\n", input);
            return false;
        }
        return stream_lines(in, input, sink);
    }
    std::string why;
    auto text = read_text_file(input, why);
    if (!text) {
        fmt::print(stderr, "{}: error: cannot read the case file: it {} [run.cannot_read]\n", input,
                   why);
        return false;
    }
    sink(*text, input);
    return true;
}

} // namespace

bool for_each_case(const std::vector<std::string>& inputs, const CaseSink& sink) {
    bool ok = true;
    for (const auto& input : inputs)
        ok = one_input(input, sink) && ok;
    return ok;
}

} // namespace cpl::cli
