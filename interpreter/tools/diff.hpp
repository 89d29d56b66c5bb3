// interpreter/tools/diff.hpp — what a payer policy changes relative to the policy it extends:
// statically (settings, table rows, rules, edits) and by behaviour (claims that change).
#pragma once

#include "interpreter/program/program.hpp"

#include <string>
#include <vector>

namespace cpl {

struct Change {
    std::string kind;   // "setting", "table row", "rule", "edit"
    std::string name;   // setting, table[key], rule or edit name
    std::string action; // "changed", "added", "removed", "replaced", "disabled", "excepted"
    std::string before; // as it was in the base ("" when added)
    std::string after;  // as it is now ("" when removed)
    std::string cite;   // the new citation, if any
    std::string layer;  // the policy that made the change
};

/// Every difference between `base` and `payer`, in declaration order.
std::vector<Change> diff(const Program& base, const Program& payer);

/// The readable report of `cpl diff`.
std::string render_changes(const std::vector<Change>& changes, const Program& base,
                           const Program& payer);

} // namespace cpl
