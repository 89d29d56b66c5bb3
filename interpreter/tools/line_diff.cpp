// interpreter/tools/line_diff.cpp — longest common subsequence over lines; rules are short
// (tens of clauses), so the quadratic table is small.
#include "interpreter/tools/line_diff.hpp"

#include <fmt/format.h>

namespace cpl {

std::vector<std::string> line_diff(const std::vector<std::string>& before,
                                   const std::vector<std::string>& after, std::size_t context) {
    const std::size_t n = before.size(), m = after.size();
    // lcs[i][j]: the longest common subsequence of before[i..] and after[j..].
    std::vector<std::vector<std::size_t>> lcs(n + 1, std::vector<std::size_t>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            lcs[i][j] = before[i] == after[j] ? lcs[i + 1][j + 1] + 1
                                              : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    struct Step {
        char mark; // ' ', '-' or '+'
        const std::string* line;
    };
    std::vector<Step> steps;
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && before[i] == after[j]) {
            steps.push_back({' ', &before[i++]});
            ++j;
        } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
            steps.push_back({'-', &before[i++]}); // what went, then what came in its place
        } else {
            steps.push_back({'+', &after[j++]});
        }
    }
    // A kept line is shown when a change is within `context` steps of it.
    auto near_change = [&](std::size_t k) {
        std::size_t from = k >= context ? k - context : 0;
        for (std::size_t q = from; q < steps.size() && q <= k + context; ++q)
            if (steps[q].mark != ' ') return true;
        return false;
    };
    std::vector<std::string> out;
    std::size_t hidden = 0; // kept lines not shown so far, the last at k - 1
    auto flush = [&](std::size_t k) {
        if (hidden == 1) // one line reads better than a note that it is there
            out.push_back(fmt::format("  {}", *steps[k - 1].line));
        else if (hidden > 1)
            out.push_back(fmt::format("  … {} unchanged", hidden));
        hidden = 0;
    };
    for (std::size_t k = 0; k < steps.size(); ++k) {
        if (steps[k].mark == ' ' && !near_change(k)) {
            ++hidden;
            continue;
        }
        flush(k);
        out.push_back(fmt::format("{} {}", steps[k].mark, *steps[k].line));
    }
    flush(steps.size());
    return out;
}

} // namespace cpl
