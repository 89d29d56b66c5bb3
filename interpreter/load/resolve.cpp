// interpreter/load/resolve.cpp — policy reference → file (the search order is in resolve.hpp).
#include "interpreter/load/resolve.hpp"

namespace cpl {

namespace fs = std::filesystem;

std::string source_key(const std::string& path) {
    std::error_code ec;
    fs::path absolute = fs::absolute(path, ec);
    if (ec) return path;
    fs::path canonical = fs::weakly_canonical(absolute, ec);
    return (ec ? absolute.lexically_normal() : canonical).string();
}

std::optional<std::string> resolve_policy(std::string_view reference, const fs::path& near,
                                          bool quoted, const SourceOverrides* unsaved) {
    // Anything there counts, directories included: the reader then says what is wrong with
    // it. So does an unsaved buffer's file.
    auto is_there = [unsaved](const fs::path& p) {
        std::error_code ec;
        return fs::exists(p, ec) ||
               (unsaved && !unsaved->empty() && unsaved->count(source_key(p.string())));
    };
    std::string ref(reference);
    if (ref == "standard") return std::string(standard_policy_path);
    if (quoted || ref.ends_with(".cpl") || ref.find('/') != std::string::npos) {
        fs::path p = fs::path(ref).is_absolute() ? fs::path(ref) : near / ref;
        if (is_there(p)) return p.string();
        return std::nullopt;
    }
    // A relative `near` is walked as the absolute directory it stands for, so a file finds the
    // same base however it was named; what is found is then given relative to the current
    // directory, as `near` was.
    std::error_code ec;
    fs::path cwd = fs::current_path(ec);
    bool relative = !near.is_absolute() && !ec;
    fs::path start = relative ? (cwd / near).lexically_normal() : near;
    for (fs::path dir = start;; dir = dir.parent_path()) {
        for (const fs::path& candidate : {dir / (ref + ".cpl"), dir / ref / (ref + ".cpl")})
            if (is_there(candidate))
                return (relative ? candidate.lexically_relative(cwd) : candidate).string();
        if (dir.empty() || dir == dir.parent_path()) break;
    }
    fs::path shared = fs::path("policies") / (ref + ".cpl");
    if (is_there(shared)) return shared.string();
    return std::nullopt;
}

} // namespace cpl
