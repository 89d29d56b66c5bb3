// lang/files.cpp — bounded, regular-file-only reading.
#include "files.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <unistd.h>

namespace cpl {

std::optional<std::string> read_text_file(const std::string& path, std::string& why,
                                          std::size_t limit) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
        // A symbolic link loop, a name longer than the system allows, a directory that may
        // not be searched: the system's words say which.
        why = fmt::format("cannot be examined ({})", ec.message());
        return std::nullopt;
    }
    if (ec || !fs::exists(status)) {
        why = "does not exist";
        return std::nullopt;
    }
    if (fs::is_directory(status)) {
        why = "is a directory";
        return std::nullopt;
    }
    if (!fs::is_regular_file(status)) {
        why = "is not a regular file";
        return std::nullopt;
    }
    std::uintmax_t size = fs::file_size(path, ec);
    if (ec) {
        why = fmt::format("cannot be examined ({})", ec.message());
        return std::nullopt;
    }
    if (size > limit) {
        why = fmt::format("is larger than {} MiB", limit >> 20);
        return std::nullopt;
    }
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        int error = errno; // what open(2) said, when the stream kept it
        why =
            error ? fmt::format("cannot be opened ({})", std::strerror(error)) : "cannot be opened";
        return std::nullopt;
    }
    // Read in blocks, not a character at a time: the CMS data files are megabytes.
    std::string text;
    text.reserve(static_cast<std::size_t>(size));
    char block[1 << 16];
    while (in.read(block, sizeof block) || in.gcount() > 0) {
        text.append(block, static_cast<std::size_t>(in.gcount()));
        if (text.size() > limit) {
            why = fmt::format("is larger than {} MiB", limit >> 20);
            return std::nullopt;
        }
    }
    if (in.bad()) {
        why = "could not be read";
        return std::nullopt;
    }
    return text;
}

std::optional<std::string> read_standard_input(std::string& why, std::size_t limit) {
    // A closed descriptor, a directory or a descriptor open only for writing read as nothing
    // through a stream: each is said instead.
    if (fcntl(STDIN_FILENO, F_GETFD) == -1) {
        why = "is closed";
        return std::nullopt;
    }
    std::string text;
    char block[1 << 16];
    for (;;) {
        ssize_t n = ::read(STDIN_FILENO, block, sizeof block);
        if (n == 0) return text;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            why = errno == EISDIR ? "is a directory"
                                  : fmt::format("could not be read ({})", std::strerror(errno));
            return std::nullopt;
        }
        text.append(block, static_cast<std::size_t>(n));
        if (text.size() > limit) {
            why = fmt::format("is larger than {} MiB", limit >> 20);
            return std::nullopt;
        }
    }
}

} // namespace cpl
