// interpreter/cli/commands.hpp — one function per subcommand; each returns the exit status
// of the contract (0 fine, 1 a policy/case/test problem, 2 usage).
#pragma once

#include "interpreter/cli/output.hpp"
#include "interpreter/engine/cpl.hpp"
#include "interpreter/serve/server.hpp"

#include <string>
#include <vector>

namespace cpl::cli {

/// Backs the process's heap with a huge page where the system allows it (heap.cpp): called
/// first thing in main, before the standard set is read into the heap.
void prepare_heap();

struct RunOptions {
    std::string policy = "standard";
    std::string format = "text";
    std::string explain;              // "" none, "words" (a coder's), "expressions" (authors')
    std::vector<std::string> why_not; // codes whose absence to explain
    std::vector<std::string> print;   // definitions and settings whose values to show
    std::vector<std::string> cases;
    unsigned jobs = 0; // threads evaluating cases; 0: one per core
};
int run(const RunOptions& options);

struct CheckOptions {
    std::string format = "text"; // or "json", "sarif"
    std::vector<std::string> files;
};
int check(const CheckOptions& options);

struct TestOptions {
    std::string policy; // overrides each expectation's "policy" when set
    bool verbose = false;
    bool coverage = false;      // report which rules, edits and table rows no test exercised
    std::string coverage_layer; // … of those one layer (a policy of the extends chain) wrote
    bool update = false;        // rewrite failing (and missing) expectations to the current results
    std::vector<std::string> paths;
};
int test(const TestOptions& options);

struct BenchOptions {
    std::string policy = "standard";
    std::size_t cases = 20'000;
    unsigned seed = 1;
    bool profile = false;            // also report the time spent in each rule and edit
    unsigned jobs = 0;               // threads of the parallel throughput; 0: one per core
    std::vector<std::string> inputs; // cases to use instead of generated ones
};
int bench(const BenchOptions& options);

struct FmtOptions {
    bool check = false; // only report the files that would change
    std::vector<std::string> files;
};
int fmt(const FmtOptions& options);

struct DocOptions {
    std::string policy;              // a `.cpl` path, or `standard`
    std::string format = "markdown"; // or "html"
    bool changes_only = false;       // only what the policy changes against its base
};
int doc(const DocOptions& options);

struct DiffOptions {
    std::string file;
    std::vector<std::string> cases; // with --cases: also compare the claims of these cases
};
int diff(const DiffOptions& options);

/// `cpl serve` (interpreter/serve/, docs/serve.md): runs until SIGINT or SIGTERM.
int serve(const serve::Options& options);
/// `cpl lsp`: serves the Language Server Protocol on stdin/stdout until `exit`.
int lsp();

/// Prints the diagnostics of a policy load to stderr; true when the policy is usable.
bool report(const Loaded& loaded);
/// The base of a policy that loaded, read again to compare with it (`cpl diff`, `cpl doc`):
/// its warnings were printed with the policy's, whose layers its files are, so they are said
/// only when it fails. False when it failed.
bool report_base(const Loaded& base);

} // namespace cpl::cli
