// interpreter/cli/inputs.cpp — streams case documents; memory stays flat however many
// cases a JSON Lines file holds.
#include "inputs.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <sstream>

namespace cpl::cli {

namespace fs = std::filesystem;

bool read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream text;
    text << in.rdbuf();
    out = text.str();
    return true;
}

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

void stream_lines(std::istream& in, const std::string& name, const CaseSink& sink) {
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (std::all_of(line.begin(), line.end(), [](unsigned char c) { return std::isspace(c); }))
            continue;
        sink(line, fmt::format("{}:{}", name, number));
    }
}

bool one_input(const std::string& input, const CaseSink& sink) {
    if (input == "-") {
        stream_lines(std::cin, "<stdin>", sink);
        return true;
    }
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
        stream_lines(in, input, sink);
        return true;
    }
    std::string text;
    if (!read_file(input, text)) {
        fmt::print(stderr, "{}: error: cannot read the case file [run.cannot_read]\n", input);
        return false;
    }
    sink(text, input);
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
