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
        if (!report(loaded))
            ++failed;
        else
            print("{}: ok (policy {}: {} rules, {} edits, {} tables, {} settings)\n",
                  printable(file), loaded.program->name, loaded.program->rules.size(),
                  loaded.program->edits.size(), loaded.program->tables.size(),
                  loaded.program->settings.size());
    }
    return failed ? 1 : 0;
}

} // namespace cpl::cli
