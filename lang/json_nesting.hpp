// lang/json_nesting.hpp — how deeply a JSON text nests, found without parsing it. The JSON
// library the server, the language server and `cpl test` use (nlohmann) writes and copies
// values recursively: a small text nested 80,000 deep ran a thread out of stack. Every
// such text is measured first and refused past `max_json_nesting`; cpl's own documents (a
// case, a FHIR Claim, an LSP message, a test expectation) nest a dozen levels at most.
#pragma once

#include <cstddef>
#include <string_view>

namespace cpl {

inline constexpr std::size_t max_json_nesting = 256;

/// Calls `bracket(i, c)` for each `[`, `{`, `]` and `}` of `text` outside strings (their
/// escapes skipped), in order, until it returns false. A text that is not JSON is walked all
/// the same: its parser says what is wrong with it.
template <typename Bracket> void for_each_json_bracket(std::string_view text, Bracket&& bracket) {
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{' || c == ']' || c == '}') {
            if (!bracket(i, c)) return;
        }
    }
}

/// The deepest nesting of arrays and objects in `text`, counted outside strings.
inline std::size_t json_nesting(std::string_view text) {
    std::size_t depth = 0, deepest = 0;
    for_each_json_bracket(text, [&](std::size_t, char c) {
        if (c == '[' || c == '{') {
            if (++depth > deepest) deepest = depth;
        } else if (depth > 0) {
            --depth;
        }
        return true;
    });
    return deepest;
}

} // namespace cpl
