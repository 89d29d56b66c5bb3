// interpreter/lsp/server.hpp — `cpl lsp`: a Language Server Protocol (3.17) server over a pair
// of file descriptors (stdin and stdout), one message at a time, on one thread.
#pragma once

#include <string>

namespace cpl::lsp {

/// Serves until the `exit` notification or the end of the input. Returns the process exit
/// status LSP asks for: 0 when `shutdown` came before `exit`, otherwise 1. `version` is shown
/// to the client as serverInfo.version.
int serve(int in, int out, const std::string& version);

} // namespace cpl::lsp
