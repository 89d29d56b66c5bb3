// runtime/shapes.hpp — the record shapes the engine itself builds or inspects, whatever the
// domain: a line of the claim being built, a table entry, and a line of the claim as
// submitted. Their ids come first in every Program; the domain's shapes (the case's, in
// interpreter/case/case_schema.hpp) follow them.
#pragma once

#include "runtime/types.hpp"

namespace cpl {

enum EngineShape : std::uint32_t {
    shape_line,  // a line of the claim being built, as edits see it
    shape_entry, // {key, value}, from entries(table)
    // A line of the claim as submitted. It arrives with the case, so the case schema declares
    // its fields (and checks them against claim_line_field); the engine relies only on the id
    // and the positions below, for review and `units_of`.
    shape_claim_line,
    engine_shape_count
};

namespace line_field {
enum : std::uint32_t { code, units, modifiers, rule, position, count };
}
namespace entry_field {
enum : std::uint32_t { key, value, count };
}
// A claim line's code, units and modifiers sit where a line's do, so code reading either
// can use one index.
namespace claim_line_field {
enum : std::uint32_t {
    code = line_field::code,
    units = line_field::units,
    modifiers = line_field::modifiers
};
}

/// Appends `line` and `entry` (ids shape_line and shape_entry) and their field types to an
/// empty shape list. shape_claim_line is added by whoever reads the claim.
void add_engine_shapes(std::vector<Shape>& shapes, std::vector<std::vector<TypeP>>& field_types);

} // namespace cpl
