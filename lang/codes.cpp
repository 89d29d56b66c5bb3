// lang/codes.cpp — see codes.hpp.
#include "lang/codes.hpp"

#include <algorithm>

namespace cpl {

bool is_procedure_code(std::string_view s) {
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (s.size() != 5) return false;
    if (std::all_of(s.begin(), s.begin() + 4, digit))
        return digit(s[4]) || std::string_view("FTUMA").find(s[4]) != std::string_view::npos;
    return s[0] >= 'A' && s[0] <= 'Z' && std::all_of(s.begin() + 1, s.end(), digit);
}

} // namespace cpl
