// interpreter/engine/snapshot.hpp — a checked Program as bytes, and back. The standard set
// is loaded and checked when cpl is built (make_snapshot.cpp) and its Program written into
// the executable; `load_policy("standard")` starts from that copy instead of parsing,
// merging and checking 120 KB of policy and data again in every process.
//
// The copy is used only when every file the standard set was built from reads the same now
// (from disk, as the loader would, or the embedded copy), so an author editing
// stdlib/standard/ sees the change at once; otherwise the policy is loaded as usual.
#pragma once

#include "interpreter/program/program.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace cpl {

/// The program's bytes: the sources it was built from (their paths), then every part of the
/// program. Throws std::runtime_error for a program it cannot write (e.g. one that read a
/// file that is not in the binary).
std::string write_snapshot(const Program& program);

/// The program written by write_snapshot, with its sources read as the loader reads them;
/// null when the bytes are not a well-formed snapshot, or a source now reads differently.
std::unique_ptr<Program> read_snapshot(std::string_view bytes);

/// The snapshot of the standard set built into this executable ("" when there is none: in
/// the test binaries and in make_snapshot itself).
std::string_view standard_snapshot();

} // namespace cpl
