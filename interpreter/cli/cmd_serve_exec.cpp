// interpreter/cli/cmd_serve_exec.cpp — `cpl serve` in the `cpl` executable: runs the same
// command line in `cpl-serve`, installed next to it (cmd_serve.cpp is its `serve`).
//
// The HTTP server brings cpp-httplib and through it OpenSSL, brotli and zlib. Loading and
// relocating those libraries took 3 ms of every `cpl` process, a sixth of running one case
// from the command line, for the one subcommand that uses them. `cpl` links everything
// else; `cpl-serve` is the whole command line with the server, started by exec (same
// process id, same arguments, same standard streams), so `cpl serve` behaves as before.
#include "commands.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

namespace cpl::cli {

int serve(const serve::Options&) {
    std::string self(4096, '\0');
    ssize_t length = readlink("/proc/self/exe", self.data(), self.size());
    if (length <= 0) {
        eprint("cpl serve: cannot find the cpl executable: {}\n", std::strerror(errno));
        return 1;
    }
    self.resize(static_cast<std::size_t>(length));
    std::string server = self.substr(0, self.rfind('/') + 1) + "cpl-serve";

    // The arguments as given, from the kernel's copy: NUL-separated.
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<char*> argv;
    for (std::size_t at = 0; at < cmdline.size(); at = cmdline.find('\0', at) + 1)
        argv.push_back(cmdline.data() + at);
    argv.push_back(nullptr);
    execv(server.c_str(), argv.data());
    eprint("cpl serve: cannot run {}: {}\n", server, std::strerror(errno));
    return 1;
}

} // namespace cpl::cli
