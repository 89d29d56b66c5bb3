// lang/suggest.cpp — capped Levenshtein distance for did-you-mean.
#include "suggest.hpp"

#include <algorithm>
#include <cctype>

namespace cpl {

std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t cap) {
    if (a.size() > b.size()) std::swap(a, b);
    if (b.size() - a.size() > cap) return cap + 1;
    std::vector<std::size_t> row(a.size() + 1);
    for (std::size_t i = 0; i <= a.size(); ++i)
        row[i] = i;
    auto lower = [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    };
    for (std::size_t j = 1; j <= b.size(); ++j) {
        std::size_t diagonal = row[0];
        row[0] = j;
        std::size_t best = row[0];
        for (std::size_t i = 1; i <= a.size(); ++i) {
            std::size_t above = row[i];
            std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            row[i] = std::min({row[i] + 1, row[i - 1] + 1, diagonal + cost});
            diagonal = above;
            best = std::min(best, row[i]);
        }
        if (best > cap) return cap + 1;
    }
    return row[a.size()];
}

std::optional<std::string> closest(std::string_view name,
                                   const std::vector<std::string_view>& candidates) {
    std::size_t cap = std::max<std::size_t>(1, name.size() / 3);
    std::optional<std::string> best;
    std::size_t best_distance = cap + 1;
    for (auto candidate : candidates) {
        std::size_t d = edit_distance(name, candidate, cap);
        // A name every letter of which would change is no typo of it (`q` is not `r`).
        if (d >= name.size() || d >= candidate.size()) continue;
        if (d < best_distance) {
            best_distance = d;
            best = std::string(candidate);
        }
    }
    return best;
}

} // namespace cpl
