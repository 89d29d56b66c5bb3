// lang/counted.hpp — a count with its noun, for the summaries cpl prints ("1 rule", "32 edits").
#pragma once

#include <cstddef>
#include <fmt/format.h>
#include <string>
#include <string_view>

namespace cpl {

/// `n` and `noun`, with an `s` unless n is 1 (the nouns counted are regular: rule, edit, table).
inline std::string counted(std::size_t n, std::string_view noun) {
    return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

} // namespace cpl
