// interpreter/check/sources.hpp — the policy's sources: the bibliography the cites name by key.
// Private to interpreter/check/.
#pragma once

#include "interpreter/load/load.hpp"
#include "interpreter/program/program.hpp"
#include "lang/diagnostic.hpp"

namespace cpl::check_detail {

/// Fills `program.bibliography` and each rule's, edit's and exception's source keys (its
/// rules must be compiled). Reports a `[KEY]` no source declares (check.unknown_source, an
/// error) and a source of the outermost policy that no cite names (check.unused_source, a
/// warning; a base's sources are its own business).
void check_sources(const MergedPolicy& merged, Program& program, Diagnostics& diagnostics);

} // namespace cpl::check_detail
