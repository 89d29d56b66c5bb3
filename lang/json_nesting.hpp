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

/// The deepest nesting of arrays and objects in `text`, counted outside strings; a text that
/// is not JSON is measured all the same (its parser says what is wrong with it).
inline std::size_t json_nesting(std::string_view text) {
    std::size_t depth = 0, deepest = 0;
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
        } else if (c == '[' || c == '{') {
            if (++depth > deepest) deepest = depth;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

} // namespace cpl
