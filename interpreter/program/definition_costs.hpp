// interpreter/program/definition_costs.hpp — what each definition of a program cost over
// the cases evaluated (`cpl bench --profile`), filled by Expressions when asked to.
#pragma once

#include <cstdint>
#include <vector>

namespace cpl {

/// What each definition's computed calls cost, summed over cases, by definition slot. A call
/// answered from the case's memo costs nothing here: it ran no body (a call of three or more
/// arguments, and every call under --explain, runs its body each time it is asked). Steps
/// are the case budget's, as for rules (the same on every machine); a definition's own time
/// and steps are its total less those of the definitions its body computed.
struct DefinitionCosts {
    struct Cost {
        std::uint64_t computed = 0; // calls whose body ran
        double total_ns = 0, own_ns = 0;
        std::uint64_t total_steps = 0, own_steps = 0;
    };
    std::vector<Cost> defs;
};

} // namespace cpl
