// lang/json_text.hpp — a text as a JSON string: what results, cites and sources are written with.
#pragma once

#include <string>
#include <string_view>

namespace cpl {

/// Appends `s` as a JSON string, quoted and escaped. Always valid JSON: a byte that is not
/// UTF-8 becomes U+FFFD.
void json_string(std::string& out, std::string_view s);

/// Appends `items` (texts) as a JSON array of strings.
template <typename Strings> void json_strings(std::string& out, const Strings& items) {
    out += '[';
    bool first = true;
    for (const auto& s : items) {
        if (!first) out += ", ";
        first = false;
        json_string(out, s);
    }
    out += ']';
}

} // namespace cpl
