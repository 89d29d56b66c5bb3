// interpreter/cli/output.cpp — writes that never throw, and whether they all got through.
#include "output.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
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

namespace {

// Writes all of `text` at `offset` of `fd`; false with errno set when it could not.
bool write_all(int fd, std::string_view text, off_t offset) {
    for (std::size_t done = 0; done < text.size();) {
        ssize_t n =
            ::pwrite(fd, text.data() + done, text.size() - done, offset + static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) errno = ENOSPC;
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// A file of several names (hard links) is written in place, so that every name sees the new
// text. Its blocks are overwritten, not freed first (no O_TRUNC): only a text longer than the
// old needs room, reserved before a byte is written where the file system can; a write that
// still fails puts the old text back over the same blocks, which needs no room.
bool rewrite_in_place(const std::string& path, const std::string& text, std::string& why) {
    std::string old;
    {
        std::ifstream in(path, std::ios::binary);
        old.assign(std::istreambuf_iterator<char>(in), {});
        if (!in.good() && !in.eof()) {
            why = fmt::format("cannot read it ({})", std::strerror(errno));
            return false;
        }
    }
    int fd = ::open(path.c_str(), O_WRONLY);
    if (fd < 0) {
        why = fmt::format("cannot open it ({})", std::strerror(errno));
        return false;
    }
    if (text.size() > old.size() &&
        ::fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, static_cast<off_t>(text.size())) != 0 &&
        errno != EOPNOTSUPP) {
        why = fmt::format("there is no room for the new text ({})", std::strerror(errno));
        ::close(fd);
        return false;
    }
    if (!write_all(fd, text, 0) || ::ftruncate(fd, static_cast<off_t>(text.size())) != 0 ||
        ::fsync(fd) != 0) {
        why = fmt::format("cannot write it ({})", std::strerror(errno));
        bool restored = write_all(fd, old, 0) &&
                        ::ftruncate(fd, static_cast<off_t>(old.size())) == 0 && ::fsync(fd) == 0;
        ::close(fd);
        if (!restored) why += "; its old text could not be put back either: check the file";
        return false;
    }
    if (::close(fd) != 0) {
        why = fmt::format("cannot write it ({})", std::strerror(errno));
        return false;
    }
    return true;
}

} // namespace

// Writes `text` to a new file beside `path` and renames it over `path` only once it is
// complete: a full disk or a crash midway leaves the file as it was, never truncated. The
// new file keeps the old one's permissions, owner and group; a symbolic link is followed, not
// replaced; a file this user may not write is refused, and one of several names is written in
// place (rewrite_in_place).
bool replace_file(const std::string& path, const std::string& text, std::string& why) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path target = fs::canonical(path, ec);
    if (ec) target = path;
    struct stat st {};
    bool exists = ::stat(target.c_str(), &st) == 0;
    // A file its user may not write is not replaced behind its back (the directory may let the
    // rename through): said, as a direct write would be.
    if (exists && ::access(target.c_str(), W_OK) != 0) {
        why = fmt::format("it cannot be written ({})", std::strerror(errno));
        return false;
    }
    if (exists && st.st_nlink > 1) return rewrite_in_place(target.string(), text, why);
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
    if (exists) {
        ::fchmod(fd, st.st_mode & 07777);
        // Its owner and group stay (each as far as this user may give them).
        if (::fchown(fd, st.st_uid, st.st_gid) != 0) (void)::fchown(fd, -1, st.st_gid);
    } else { // a new file: the permissions any new file gets, not mkstemp's 0600
        mode_t mask = ::umask(0);
        ::umask(mask);
        ::fchmod(fd, 0666 & ~mask);
    }
    if (!write_all(fd, text, 0)) return fail("cannot write the new text");
    if (::fsync(fd) != 0) return fail("cannot write the new text");
    if (::close(fd) != 0) {
        ::unlink(temp.c_str());
        why = fmt::format("cannot write the new text ({})", std::strerror(errno));
        return false;
    }
    if (::rename(temp.c_str(), target.c_str()) != 0) {
        why = fmt::format("cannot replace it ({})", std::strerror(errno));
        ::unlink(temp.c_str());
        return false;
    }
    return true;
}

} // namespace cpl::cli
