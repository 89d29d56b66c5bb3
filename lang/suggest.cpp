// lang/suggest.cpp — capped Levenshtein distance for did-you-mean.
#include "suggest.hpp"

#include <algorithm>
#include <cctype>

namespace cpl {

std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t cap) {
    if (a.size() > b.size()) std::swap(a, b);
    if (b.size() - a.size() > cap) return cap + 1;
    auto lower = [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    };
    // Three rows of the distance, the two before this one too: two letters typed in the wrong
    // order ("S32" for "S23", "conductoin") are one edit, not two (optimal string alignment).
    std::vector<std::size_t> before(a.size() + 1), row(a.size() + 1), next(a.size() + 1);
    for (std::size_t i = 0; i <= a.size(); ++i)
        row[i] = i;
    std::size_t row_best = 0; // the least of the row before
    for (std::size_t j = 1; j <= b.size(); ++j) {
        next[0] = j;
        std::size_t best = next[0];
        for (std::size_t i = 1; i <= a.size(); ++i) {
            std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            next[i] = std::min({row[i] + 1, next[i - 1] + 1, row[i - 1] + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]))
                next[i] = std::min(next[i], before[i - 2] + 1);
            best = std::min(best, next[i]);
        }
        // A later row is at least this one's least, or one more than the row before's.
        if (best > cap && row_best + 1 > cap) return cap + 1;
        row_best = best;
        before.swap(row);
        row.swap(next);
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
