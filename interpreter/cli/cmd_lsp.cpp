// interpreter/cli/cmd_lsp.cpp — `cpl lsp`: the language server on stdin and stdout
// (interpreter/lsp/). stdout carries only protocol messages; problems go to stderr.
#include "commands.hpp"
#include "interpreter/lsp/server.hpp"

#include <csignal>
#include <unistd.h>

namespace cpl::cli {

int lsp() {
    // A client that goes away mid-reply must end the loop at its next read, not kill the
    // process with SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    return lsp::serve(STDIN_FILENO, STDOUT_FILENO, CPL_VERSION);
}

} // namespace cpl::cli
