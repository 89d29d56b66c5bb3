// interpreter/cli/cmd_doc.cpp — `cpl doc POLICY [--format markdown|html]`: a readable page
// describing a policy (interpreter/doc.hpp), on standard output.
#include "commands.hpp"
#include "interpreter/tools/doc.hpp"

#include <fmt/format.h>

namespace cpl::cli {

int doc(const DocOptions& options) {
    Loaded loaded = load_policy(options.policy);
    if (!report(loaded)) return 1;
    print("{}", document(*loaded.program,
                         options.format == "html" ? DocFormat::html : DocFormat::markdown));
    return 0;
}

} // namespace cpl::cli
