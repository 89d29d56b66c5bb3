// interpreter/tools/diff.hpp — what a payer policy changes relative to the policy it extends:
// statically (settings, table rows, definitions, rules, edits, requirements) and by behaviour
// (claims that change).
#pragma once

#include "interpreter/program/program.hpp"

#include <string>
#include <vector>

namespace cpl {

struct Change {
    std::string kind;   // "setting", "table row", "table" (fixed), "definition", "rule", "edit",
                        // "requirement",
                        // "source", "dates of service"
    std::string name;   // setting, table[key], definition, rule or edit name
    std::string action; // "changed", "added", "removed", "replaced", "disabled", "excepted",
                        // "narrowed"; "cited" (a setting restated with its value unchanged, for
                        // the payer's citation); "restated unchanged" (the same, without one);
                        // of a "table": "described" (its description or cite), "fixed".
                        // docs/openapi.yaml lists each kind and action: keep them in step.
    std::string before; // as it was in the base ("" when added)
    std::string after;  // as it is now ("" when removed)
    std::string cite;   // the new citation, if any
    std::string layer;  // the policy that made the change
    /// What changed inside it, one line each, as `cpl diff` prints them: for a replaced or
    /// restated rule or edit, its description, dates, clauses (`- `/`+ ` and unchanged
    /// context) and cite; for an added one, each clause; for a base's table row whose value
    /// changed through a setting a payer restated, the values and that setting. Empty for
    /// settings and other rows.
    std::vector<std::string> details;
    /// A replaced rule or edit whose override has no clauses: the base's clauses still run,
    /// under the description, cite and dates written here. The report says `restated`.
    bool restated = false;
};

/// Every difference between `base` and `payer`, in declaration order.
std::vector<Change> diff(const Program& base, const Program& payer);

/// The readable report of `cpl diff`.
std::string render_changes(const std::vector<Change>& changes, const Program& base,
                           const Program& payer);

} // namespace cpl
