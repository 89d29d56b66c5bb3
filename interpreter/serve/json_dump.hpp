// interpreter/serve/json_dump.hpp — JSON text for a client. A path, parameter or header the
// client sent may hold bytes that are not UTF-8 (`/v1/%FF`); quoted in an error, they made the
// JSON library throw, and an error answer's exception ended the server. They become U+FFFD.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace cpl::serve {

inline std::string json_dump(const nlohmann::json& j, int indent = -1) {
    return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace cpl::serve
