// fuzz/fuzz_support.hpp — what the fuzz targets share: a failed property stops the run with
// a message (libFuzzer records the input), the budget every input runs under, and a scratch
// file for the loader, which reads policies from files.
#pragma once

#include "interpreter/engine/cpl.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace cpl::fuzz {

/// A property the target checks does not hold: this input is a finding.
[[noreturn]] inline void finding(std::string_view what) {
    std::fprintf(stderr, "FUZZ FINDING: %.*s\n", static_cast<int>(what.size()), what.data());
    std::abort();
}

/// Smaller than a case's default budget, so that an input that hits it costs milliseconds,
/// not seconds, and the fuzzer keeps its pace; the mechanism is the same.
inline constexpr std::uint64_t fuzz_steps = 2'000'000;
inline constexpr std::size_t fuzz_bytes = std::size_t{64} << 20;

inline EvaluateOptions fuzz_options() {
    EvaluateOptions options;
    options.max_steps = fuzz_steps;
    options.max_bytes = fuzz_bytes;
    return options;
}

/// Writes `text` as the policy file `name` in this process's scratch directory and returns
/// its path. Includes and `extends` by path resolve there, where the only other file is
/// `base.cpl` (policy `base`): a small stand-in for the standard set with a setting of each
/// kind, dated versions, tables, definitions, rules, edits and fixed declarations, so payer
/// layers are fuzzed at full speed.
std::string scratch_policy(std::string_view text, std::string_view name = "fuzz.cpl");

/// True when the policy's header extends the built-in standard set. Loading it costs a fifth
/// of a second under the sanitizers: such inputs are formatted but not loaded (cases against
/// the standard set are fuzzed by fuzz_evaluate, which loads it once).
bool extends_standard(std::string_view text);

/// Loads `standard` once per process (it is the base of most inputs, and loading it per input
/// would spend most of the run there).
const Loaded& standard();

} // namespace cpl::fuzz
