// interpreter/cli/cmd_doc.cpp — `cpl doc POLICY [--format markdown|html] [--changes-only]`: a
// readable page describing a policy (interpreter/tools/doc.hpp), or only what it changes
// against the policy it extends, on standard output.
#include "commands.hpp"
#include "interpreter/tools/doc.hpp"

#include <fmt/format.h>

namespace cpl::cli {

int doc(const DocOptions& options) {
    Loaded loaded = load_policy(options.policy);
    if (!report(loaded)) return 1;
    DocFormat format = options.format == "html" ? DocFormat::html : DocFormat::markdown;
    if (!options.changes_only) {
        // A payer's whole page also says what it switched off and the rows it removed from
        // its base's tables: its base is read for that.
        if (loaded.program->base.empty()) {
            print("{}", document(*loaded.program, format));
            return 0;
        }
        Loaded base = load_policy(loaded.program->base);
        if (!report_base(base)) return 1;
        print("{}", document(*loaded.program, format, &*base.program, false));
        return 0;
    }
    if (loaded.program->base.empty()) {
        eprint("cpl doc: error: {} extends no policy: --changes-only needs a policy that "
               "extends another [usage]\n  help: drop --changes-only to document the whole "
               "policy\n",
               options.policy);
        return 2;
    }
    Loaded base = load_policy(loaded.program->base);
    if (!report_base(base)) return 1;
    print("{}", document(*loaded.program, format, &*base.program));
    return 0;
}

} // namespace cpl::cli
