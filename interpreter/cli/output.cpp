// interpreter/cli/output.cpp — writes that never throw, and whether they all got through.
#include "output.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace cpl::cli {

namespace {

bool failed = false;
bool stdout_failed = false; // the results cannot arrive; a lost message alone does not stop

} // namespace

void write(std::FILE* file, std::string_view text) {
    if (text.empty()) return;
    if (std::fwrite(text.data(), 1, text.size(), file) != text.size()) {
        failed = true;
        if (file == stdout) stdout_failed = true;
    }
}

bool output_failed() {
    return stdout_failed;
}

bool output_complete() {
    if (std::fflush(stdout) != 0 || std::ferror(stdout) || std::ferror(stderr)) failed = true;
    return !failed;
}

// Writes `text` to a new file beside `path` and renames it over `path` only once it is
// complete: a full disk or a crash midway leaves the file as it was, never truncated. The
// new file keeps the old one's permissions, owner and group; a symbolic link is followed, not
// replaced; a file this user may not write is refused, and one of several names is written in
// place.
bool replace_file(const std::string& path, const std::string& text, std::string& why) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path target = fs::canonical(path, ec);
    if (ec) target = path;
    std::string temp =
        (target.parent_path() / ("." + target.filename().string() + ".cpl-new-XXXXXX")).string();
    int fd = mkstemp(temp.data());
    if (fd < 0) {
        why = fmt::format("cannot create a file beside it ({})", std::strerror(errno));
        return false;
    }
    auto fail = [&](std::string_view what) {
        why = fmt::format("{} ({})", what, std::strerror(errno));
        ::close(fd);
        ::unlink(temp.c_str());
        return false;
    };
    struct stat st {};
    bool exists = ::stat(target.c_str(), &st) == 0;
    // A file its user may not write is not replaced behind its back (the directory may let the
    // rename through): said, as a direct write would be.
    if (exists && ::access(target.c_str(), W_OK) != 0) {
        why = fmt::format("it cannot be written ({})", std::strerror(errno));
        ::close(fd);
        ::unlink(temp.c_str());
        return false;
    }
    if (exists) {
        ::fchmod(fd, st.st_mode & 07777);
        // Its owner and group stay (each as far as this user may give them).
        if (::fchown(fd, st.st_uid, st.st_gid) != 0) (void)::fchown(fd, -1, st.st_gid);
    } else { // a new file: the permissions any new file gets, not mkstemp's 0600
        mode_t mask = ::umask(0);
        ::umask(mask);
        ::fchmod(fd, 0666 & ~mask);
    }
    for (std::size_t done = 0; done < text.size();) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("cannot write the new text");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) return fail("cannot write the new text");
    if (::close(fd) != 0) {
        ::unlink(temp.c_str());
        why = fmt::format("cannot write the new text ({})", std::strerror(errno));
        return false;
    }
    // A file of several names (hard links) is written in place, so that every name sees the
    // new text; the complete copy beside it showed the text fits on the disk.
    if (exists && st.st_nlink > 1) {
        int out = ::open(target.c_str(), O_WRONLY | O_TRUNC);
        bool written = out >= 0;
        for (std::size_t done = 0; written && done < text.size();) {
            ssize_t n = ::write(out, text.data() + done, text.size() - done);
            if (n < 0 && errno == EINTR) continue;
            written = n > 0;
            if (written) done += static_cast<std::size_t>(n);
        }
        if (!written) why = fmt::format("cannot write it ({})", std::strerror(errno));
        if (out >= 0 && ::close(out) != 0 && written) {
            written = false;
            why = fmt::format("cannot write it ({})", std::strerror(errno));
        }
        ::unlink(temp.c_str());
        return written;
    }
    if (::rename(temp.c_str(), target.c_str()) != 0) {
        why = fmt::format("cannot replace it ({})", std::strerror(errno));
        ::unlink(temp.c_str());
        return false;
    }
    return true;
}

} // namespace cpl::cli
