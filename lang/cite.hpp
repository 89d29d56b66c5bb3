// lang/cite.hpp — the sources a citation names. A cite is free text for a reader; inside it,
// `[KEY]` names a source the policy declares (`source KEY "title" …`), so the checker can
// resolve it and explanations can show its title and link. Only a bracketed word that could
// be a key counts: `[S23]`, `[CMS_MUE]`; `[sic]`, `[95860]` and `[S23, S24]` are text.
#pragma once

#include <cctype>
#include <cstddef>
#include <string_view>
#include <vector>

namespace cpl {

/// A source key as a declaration writes it: an upper-case letter, then letters, digits or `_`.
inline bool is_source_key(std::string_view text) {
    if (text.empty() || !std::isupper(static_cast<unsigned char>(text.front()))) return false;
    for (char c : text)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    return true;
}

struct CitedKey {
    std::string_view key;
    std::size_t offset = 0; // of the key (after `[`) in the cite's text
};

/// Every `[KEY]` in a cite's text, in order (a key cited twice is listed twice).
inline std::vector<CitedKey> cited_keys(std::string_view cite) {
    std::vector<CitedKey> out;
    for (std::size_t open = cite.find('['); open != std::string_view::npos;
         open = cite.find('[', open + 1)) {
        std::size_t close = cite.find(']', open + 1);
        if (close == std::string_view::npos) break;
        std::string_view inside = cite.substr(open + 1, close - open - 1);
        if (is_source_key(inside)) out.push_back({inside, open + 1});
    }
    return out;
}

} // namespace cpl
