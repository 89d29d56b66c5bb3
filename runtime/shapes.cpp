// runtime/shapes.cpp — the engine's own shapes, in EngineShape order.
#include "runtime/shapes.hpp"

#include <cassert>

namespace cpl {

void add_engine_shapes(std::vector<Shape>& shapes, std::vector<std::vector<TypeP>>& types) {
    assert(shapes.empty() && types.empty());
    shapes.push_back({"line", {"code", "units", "modifiers", "rule", "position"}});
    types.push_back(
        {code_type(), number_type(), list_of(string_type()), string_type(), number_type()});
    shapes.push_back({"entry", {"key", "value"}});
    types.push_back({any_type(), any_type()});
}

} // namespace cpl
