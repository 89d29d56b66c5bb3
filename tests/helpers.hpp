// tests/helpers.hpp — write a policy to a temporary file and load it; run a case.
#pragma once

#include "interpreter/engine/cpl.hpp"
#include "lang/render.hpp"
#include "scratch.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <string>
#include <unistd.h>

namespace cpl::test {

inline std::string write_temp(const std::string& name, const std::string& text) {
    auto path = scratch_file(name).string();
    std::ofstream(path) << text;
    return path;
}

// Each call gets its own file: ctest runs test cases in parallel processes.
inline Loaded load_text(const std::string& text, const std::string& name = "") {
    static int counter = 0;
    std::string file = name.empty() ? fmt::format("test_{}_{}.cpl", ::getpid(), ++counter) : name;
    return load_policy(write_temp(file, text));
}

inline std::string rendered(const Loaded& loaded) {
    return render_all(loaded.diagnostics, *loaded.sources);
}

/// The repository root, where tests read and run from.
inline const std::filesystem::path source_root = CPL_SOURCE_DIR;

inline std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

inline std::string codes(const Loaded& loaded) {
    std::string out;
    for (const auto& d : loaded.diagnostics.sorted())
        out += (out.empty() ? "" : " ") + d.code;
    return out;
}

/// codes() but for check.unused_definition: for tests whose small policies declare
/// definitions no rule reads, about what checking those definitions finds.
inline std::string codes_but_unused(const Loaded& loaded) {
    std::string out;
    for (const auto& d : loaded.diagnostics.sorted())
        if (d.code != "check.unused_definition") out += (out.empty() ? "" : " ") + d.code;
    return out;
}

} // namespace cpl::test
