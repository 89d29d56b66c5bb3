// interpreter/cli/cmd_serve.cpp — `cpl serve`: start the server, stop it on SIGINT/SIGTERM.
#include "commands.hpp"
#include "interpreter/serve/server.hpp"

#include <csignal>
#include <cstdio>
#include <fmt/format.h>
#include <pthread.h>
#include <thread>

namespace cpl::cli {

int serve(const serve::Options& options) {
    // Block the stop signals in every thread the server starts; one thread waits for them
    // and stops the server from outside a signal handler (stop() is not signal-safe).
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN); // a client that hangs up must not end the server

    serve::Server server(options);
    std::string error;
    if (!server.start(error)) {
        eprint("{}cpl serve: not started\n", error);
        return 1;
    }
    print("cpl serve: listening on http://{}:{}/\n", options.host, server.port());
    std::fflush(stdout);
    std::thread waiter([&] {
        int signal = 0;
        sigwait(&stop_signals, &signal);
        server.stop();
    });
    server.run();
    // run() also returns when the server stops for a reason of its own: wake the waiter.
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    eprint("cpl serve: stopped\n");
    return 0;
}

} // namespace cpl::cli
