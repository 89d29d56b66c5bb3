// tests/scratch.hpp — where tests write files: a directory of the test process's own (ctest
// runs test cases in parallel processes, and so may other checkouts), removed with all in it
// when the process ends. Files each run left in the system's temporary directory had grown
// to 18,000 files and 952 MB.
#pragma once

#include <filesystem>
#include <string>
#include <system_error>
#include <unistd.h>

namespace cpl::test {

/// This process's scratch directory (made on first use).
inline const std::filesystem::path& scratch_root() {
    struct Root {
        std::filesystem::path path =
            std::filesystem::temp_directory_path() / ("cpl_tests_" + std::to_string(::getpid()));
        Root() { std::filesystem::create_directories(path); }
        ~Root() {
            std::error_code ignored; // nothing to tell anyone at exit
            std::filesystem::remove_all(path, ignored);
        }
    };
    static const Root root;
    return root.path;
}

/// A file named `name` in the scratch directory (not created).
inline std::filesystem::path scratch_file(const std::string& name) {
    return scratch_root() / name;
}

/// An empty directory named `name` in the scratch directory.
inline std::filesystem::path fresh_dir(const std::string& name) {
    std::filesystem::path dir = scratch_root() / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

} // namespace cpl::test
