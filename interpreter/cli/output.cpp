// interpreter/cli/output.cpp — writes that never throw, and whether they all got through.
#include "output.hpp"

namespace cpl::cli {

namespace {

bool failed = false;

} // namespace

void write(std::FILE* file, std::string_view text) {
    if (text.empty()) return;
    if (std::fwrite(text.data(), 1, text.size(), file) != text.size()) failed = true;
}

bool output_complete() {
    if (std::fflush(stdout) != 0 || std::ferror(stdout) || std::ferror(stderr)) failed = true;
    return !failed;
}

} // namespace cpl::cli
