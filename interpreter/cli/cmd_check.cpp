// interpreter/cli/cmd_check.cpp — `cpl check FILE...`
#include "commands.hpp"
#include "lang/render.hpp"
#include "lang/utf8.hpp"

#include <fmt/format.h>

namespace cpl::cli {

bool report(const Loaded& loaded) {
    if (!loaded.diagnostics.empty()) eprint("{}", render_all(loaded.diagnostics, *loaded.sources));
    return loaded.program != nullptr;
}

int check(const std::vector<std::string>& files) {
    std::size_t failed = 0;
    for (const auto& file : files) {
        Loaded loaded = load_policy(file);
        // A fragment is checked in the policy that includes it: say so first, so that
        // diagnostics in the policy's other files read as what they are.
        std::string part_of =
            loaded.included_by.empty()
                ? ""
                : fmt::format("{} has no `policy` line: it is part of {}, which includes it, "
                              "and was checked there",
                              printable(file), printable(loaded.included_by));
        if (!loaded.program && !part_of.empty()) eprint("note: {}\n", part_of);
        if (!report(loaded)) {
            ++failed;
            continue;
        }
        if (!part_of.empty()) print("note: {}\n", part_of);
        print("{}: ok (policy {}: {} rules, {} edits, {} tables, {} settings)\n", printable(file),
              loaded.program->name, loaded.program->rules.size(), loaded.program->edits.size(),
              loaded.program->tables.size(), loaded.program->settings.size());
    }
    return failed ? 1 : 0;
}

} // namespace cpl::cli
