// fuzz/fuzz_support.cpp — scratch files and the once-loaded standard set.
#include "fuzz_support.hpp"

#include "lang/parse.hpp"

#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <unistd.h>

namespace cpl::fuzz {

namespace {

const char* base_policy = R"(policy base "A small base for payer layers"

setting min_muscles_per_limb 5 within 1..20 "Muscles for a complete limb" cite "CPT"
setting modifier_text "59"
fixed setting band_size 3 within 1..9
min_muscles_per_limb 4 from "2024-01-01" until "2025-01-01"

table codes "Codes" cite "CPT"
  "95860", "95861" => {units: 1, limbs: 1}
  "95886" => {units: 1, limbs: 1} from "2024-01-01"
  "95886" => {units: 2, limbs: 1} until "2024-01-01"
end

fixed table bands
  1..2 => "95907"
  3.. => "95913"
end

def limbs = count(case.extremities)
def complete(l: extremity) "Complete" = count(l.muscles) >= min_muscles_per_limb

rule per_limb "One line per limb"
  for l in case.extremities
  when complete(l)
  bill "95860" modifiers [modifier_text]
  document "limb {l.limb}"
  cite "CPT"

fixed rule band
  when count(case.nerve_conduction) > 0
  bill bands[count(case.nerve_conduction)]
  cite "CPT"

edit cap_units
  for line in claim
  when line.code in codes
  cap units at codes[line.code].units
  cite "NCCI"
)";

} // namespace

bool extends_standard(std::string_view text) {
    SourceMap sources;
    FileId id = sources.add("fuzz.cpl", std::string(text));
    Diagnostics ignored;
    ast::PolicyFile file = parse(sources, id, ignored);
    return file.extends && file.extends->text == "standard";
}

namespace {

const std::filesystem::path& scratch_dir() {
    static const std::filesystem::path dir = [] {
        auto base = std::filesystem::exists("/dev/shm") ? std::filesystem::path("/dev/shm")
                                                        : std::filesystem::temp_directory_path();
        auto d = base / fmt::format("cpl_fuzz_{}", ::getpid());
        std::filesystem::create_directories(d);
        std::ofstream(d / "base.cpl", std::ios::binary) << base_policy;
        return d;
    }();
    return dir;
}

void remove_scratch_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(scratch_dir(), ignored);
}

} // namespace

std::string scratch_policy(std::string_view text, std::string_view name) {
    // Removed when the fuzzer exits normally (every run of `make fuzz` left one in /dev/shm);
    // registered after the directory's path is made, so it runs before the path is destroyed.
    // A run that stops on a finding aborts and keeps it.
    [[maybe_unused]] static const bool removed_at_exit =
        (scratch_dir(), std::atexit(remove_scratch_dir) == 0);
    const std::filesystem::path& dir = scratch_dir();
    std::string path = (dir / name).string();
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    return path;
}

const Loaded& standard() {
    static const Loaded loaded = [] {
        Loaded l = load_policy("standard");
        if (!l.program) finding("the standard policy set does not load");
        return l;
    }();
    return loaded;
}

} // namespace cpl::fuzz
