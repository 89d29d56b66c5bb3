// interpreter/check/check.hpp — merged policy → Program: names resolved to slots once, types
// checked, constants folded, unknown names reported with did-you-mean.
#pragma once

#include "interpreter/load/load.hpp"
#include "interpreter/program/program.hpp"

namespace cpl {

/// Returns the program, or nothing when errors were found (all of them reported).
std::unique_ptr<Program> check(const MergedPolicy& merged, Diagnostics& diagnostics);

} // namespace cpl
