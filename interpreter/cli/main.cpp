// interpreter/cli/main.cpp — CLI11 wiring only: prepare the heap, parse arguments, call a
// command, exit.
#include "commands.hpp"
#include "lang/utf8.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <fmt/format.h>
#include <iterator>
#include <new>
#include <string>
#include <string_view>
#include <vector>

namespace {

// A result that did not reach standard output (a full disk, a closed pipe) is a failure: the
// exit status says so, even when the command itself succeeded.
int finish(int status) {
    if (cpl::cli::output_complete()) return status;
    cpl::cli::eprint("cpl: error: the output could not be written completely [run.cannot_write]\n");
    return status == 0 ? 1 : status;
}

} // namespace

int main(int argc, char** argv) {
    // A reader that closes the pipe (`cpl run … | head`) makes a write fail, which every
    // command reports as run.cannot_write with status 1, rather than killing cpl silently.
    std::signal(SIGPIPE, SIG_IGN);
    // So does a file over the size limit (`ulimit -f`): the write fails with EFBIG, and `cpl
    // fmt` says so and removes its temporary file, instead of dying with the file half made.
    std::signal(SIGXFSZ, SIG_IGN);
    cpl::cli::prepare_heap();
    CLI::App app{"cpl — coding policy language: apply electrodiagnostic coding rules to cases",
                 "cpl"};
    app.require_subcommand(0, 1);
    bool version = false;
    app.add_flag("--version", version, "Print the version");
    // `cpl run …` sets up only the run command: setting up every command and its options was a
    // tenth of the instructions of one case from the command line. Anything else (`cpl`, `cpl help
    // run`, `cpl --version`, a misspelt command) sets up all of them, so help and errors are whole.
    static constexpr std::string_view commands[] = {"run", "check", "test",  "bench", "fmt",
                                                    "doc", "diff",  "serve", "lsp"};
    std::string_view first = argc > 1 ? argv[1] : "";
    bool one_command =
        std::find(std::begin(commands), std::end(commands), first) != std::end(commands);
    auto subcommand = [&](std::string name, std::string description) -> CLI::App* {
        if (one_command && first != name) return nullptr;
        return app.add_subcommand(std::move(name), std::move(description));
    };

    cpl::cli::RunOptions run;
    CLI::App* run_cmd = subcommand("run", "Evaluate cases against a policy and print their claims");
    if (run_cmd) {
        run_cmd->add_option("--policy", run.policy,
                            "Policy file (default: the built-in standard set)");
        run_cmd->add_option("--format", run.format, "Output format")
            ->check(CLI::IsMember({"text", "json"}));
        run_cmd
            ->add_flag("--explain{words}", run.explain,
                       "Show why every line and edit was produced, in a coder's words; "
                       "--explain=expressions also shows each clause as written, for authors")
            ->check(CLI::IsMember({"words", "expressions"}));
        run_cmd
            ->add_option(
                "--jobs,-j", run.jobs,
                "Threads evaluating cases (default: one per core); the output is the same, "
                "in input order, for any number")
            ->check(CLI::Range(1u, 256u));
        // One name an option, repeated for more: `--print p case1.json case2.json` took the case
        // files for names too.
        run_cmd
            ->add_option("--print", run.print,
                         "Show the value NAME (a definition or setting) has for each case "
                         "(repeatable)")
            ->allow_extra_args(false);
        run_cmd
            ->add_option("--why-not", run.why_not,
                         "Explain why CODE is not on the claim, or what RULE (a rule or edit) "
                         "did or where it stopped (repeatable)")
            ->allow_extra_args(false);
        run_cmd
            ->add_option("cases", run.cases,
                         "Case files (.json, .jsonl), directories, or - for stdin")
            ->required();
    }

    cpl::cli::CheckOptions check_options;
    CLI::App* check_cmd = subcommand("check", "Parse, resolve and type-check policy files");
    if (check_cmd) {
        check_cmd
            ->add_option("--format", check_options.format,
                         "Output format: text, json (one document) or sarif (SARIF 2.1.0, for CI)")
            ->check(CLI::IsMember({"text", "json", "sarif"}));
        check_cmd->add_option("files", check_options.files, "Policy files")->required();
    }

    cpl::cli::TestOptions test;
    CLI::App* test_cmd =
        subcommand("test", "Run policy tests (NAME.case.json with NAME.expected.json)");
    if (test_cmd) {
        test_cmd->add_option("--policy", test.policy, "Evaluate every test against this policy");
        test_cmd->add_flag("-v,--verbose", test.verbose, "List passing tests too");
        test_cmd->add_flag("--coverage", test.coverage,
                           "Report the rules, edits and table rows no test exercised");
        test_cmd->add_option("--coverage-layer", test.coverage_layer,
                             "Coverage of what one layer wrote (a policy of the extends chain, by "
                             "name), e.g. a payer's own rules, edits and rows");
        test_cmd->add_flag("--update", test.update,
                           "Rewrite each failing or missing expectation to the current results, "
                           "keeping its why, partial sections and keys (review with git diff)");
        test_cmd->add_option("paths", test.paths, "Test files or directories (default: tests)");
    }

    cpl::cli::BenchOptions bench;
    CLI::App* bench_cmd = subcommand("bench", "Measure evaluation speed over generated cases");
    if (bench_cmd) {
        bench_cmd->add_option("--policy", bench.policy, "Policy file (default: standard)");
        bench_cmd->add_option("--cases", bench.cases, "How many cases to generate")
            ->check(CLI::Range(1, 10'000'000));
        bench_cmd->add_option("--seed", bench.seed, "Seed of the case generator");
        bench_cmd->add_flag(
            "--profile", bench.profile,
            "Also report the time and the budget steps each rule, edit and definition spent");
        bench_cmd
            ->add_option("--jobs,-j", bench.jobs,
                         "Threads of the parallel throughput measure (default: one per core)")
            ->check(CLI::Range(1u, 256u));
        bench_cmd->add_option("cases", bench.inputs,
                              "Cases to measure instead of generated ones (repeated to --cases)");
    }

    cpl::cli::FmtOptions fmt_options;
    CLI::App* fmt_cmd = subcommand("fmt", "Rewrite policy files in canonical form");
    if (fmt_cmd) {
        fmt_cmd->add_flag("--check", fmt_options.check,
                          "Only report files that are not in canonical form");
        fmt_cmd
            ->add_option("files", fmt_options.files,
                         "Policy files; `-`: standard input, to standard output")
            ->required();
    }

    cpl::cli::DocOptions doc_options;
    CLI::App* doc_cmd = subcommand("doc", "Write a readable page describing a policy");
    if (doc_cmd) {
        doc_cmd->add_option("policy", doc_options.policy, "Policy file, or `standard`")->required();
        doc_cmd->add_option("--format", doc_options.format, "Output format")
            ->check(CLI::IsMember({"markdown", "html"}));
        doc_cmd->add_flag("--changes-only", doc_options.changes_only,
                          "Only what the policy's own file changes against the policy it extends");
    }

    cpl::cli::DiffOptions diff;
    CLI::App* diff_cmd =
        subcommand("diff", "Show what a payer policy changes relative to the policy it extends");
    if (diff_cmd) {
        diff_cmd->add_option("file", diff.file, "The payer policy")->required();
        diff_cmd->add_option(
            "--cases", diff.cases,
            "Cases (files or directories) whose claims to compare under both policies");
    }

    cpl::serve::Options serve;
    CLI::App* serve_cmd = subcommand(
        "serve", "Serve the policies over HTTP: JSON API, FHIR Claim, and the coder's workbench");
    if (serve_cmd) {
        serve_cmd->add_option("--policy", serve.policies,
                              "Policy to serve (repeatable; the first is the default; default: "
                              "the built-in standard set)");
        serve_cmd->add_option("--host", serve.host, "Address to listen on (default 127.0.0.1)");
        serve_cmd->add_option("--port", serve.port, "Port (default 8080; 0 picks a free one)")
            ->check(CLI::Range(0, 65535));
        serve_cmd
            ->add_option("--threads", serve.threads,
                         "Worker threads (default 8 per core, at least 16)")
            ->check(CLI::Range(1, 1024));
        serve_cmd->add_option("--decision-log", serve.decision_log,
                              "Append one JSON line per decision to FILE");
        serve_cmd->add_flag("--log-unmasked", serve.log_unmasked,
                            "Log case ids and dates as they are (they are masked by default)");
        serve_cmd->add_option("--max-body", serve.max_body, "Largest request body in bytes")
            ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30));
        serve_cmd
            ->add_option("--read-timeout-ms", serve.read_timeout_ms,
                         "Cut off a client that stalls mid-request after this")
            ->check(CLI::Range(10, 600'000));
        serve_cmd
            ->add_option("--write-timeout-ms", serve.write_timeout_ms,
                         "Cut off a client that stops reading the answer after this")
            ->check(CLI::Range(10, 600'000));
        serve_cmd
            ->add_option("--watch-ms", serve.watch_ms,
                         "Poll the policy files for changes this often; 0 turns reload off")
            ->check(CLI::Range(0, 3'600'000));
    }
    CLI::App* lsp_cmd =
        subcommand("lsp", "Serve the Language Server Protocol on stdin and stdout (for editors)");

    std::string help_topic;
    CLI::App* help_cmd = subcommand("help", "Show help for cpl or one command");
    if (help_cmd) help_cmd->add_option("command", help_topic, "A command");

    using cpl::cli::eprint;
    using cpl::cli::print;
    auto command = [&]() -> int {
        if (version) {
            // `cpl --version run case.json` would exit 0 with the run never made.
            if (!app.get_subcommands().empty()) {
                eprint("cpl: error: --version takes no command: `cpl --version`, or `cpl {} …` "
                       "without it [usage]\n  help: see `cpl help`\n",
                       app.get_subcommands().front()->get_name());
                return 2;
            }
            print("cpl {}\n", CPL_VERSION);
            return 0;
        }
        if (run_cmd && *run_cmd) return cpl::cli::run(run);
        if (check_cmd && *check_cmd) return cpl::cli::check(check_options);
        if (test_cmd && *test_cmd) return cpl::cli::test(test);
        if (bench_cmd && *bench_cmd) return cpl::cli::bench(bench);
        if (diff_cmd && *diff_cmd) return cpl::cli::diff(diff);
        if (fmt_cmd && *fmt_cmd) return cpl::cli::fmt(fmt_options);
        if (doc_cmd && *doc_cmd) return cpl::cli::doc(doc_options);
        if (serve_cmd && *serve_cmd) return cpl::cli::serve(serve);
        if (lsp_cmd && *lsp_cmd) return cpl::cli::lsp();
        if (help_cmd && *help_cmd) {
            // app.help() would give the help of the command parsed, `help` itself.
            if (help_topic.empty()) {
                print("{}",
                      app.get_formatter()->make_help(&app, "cpl", CLI::AppFormatMode::Normal));
                return 0;
            }
            for (auto* sub : app.get_subcommands({}))
                if (sub->get_name() == help_topic) {
                    print("{}", sub->help("cpl"));
                    return 0;
                }
            eprint("cpl help: error: no command `{}` [usage]\n  help: see `cpl help`\n",
                   cpl::printable(help_topic));
            return 2;
        }
        eprint("{}", app.help());
        return 2;
    };

    // `--why-not=` (a script's `--why-not="$CODE"` with the variable unset) is the option with
    // an empty value, as `--why-not ""` is: CLI11 took the next argument as its value instead (a
    // case file read as the policy of `--policy=`).
    std::vector<std::string> words(argv, argv + argc);
    std::vector<std::string> split;
    bool options_end = false;
    for (std::string& word : words) {
        options_end = options_end || word == "--";
        if (!options_end && word.size() > 3 && word.starts_with("--") && word.back() == '=' &&
            word.find('=') == word.size() - 1) {
            split.push_back(word.substr(0, word.size() - 1));
            split.emplace_back();
        } else {
            split.push_back(std::move(word));
        }
    }
    std::vector<char*> args;
    for (std::string& word : split)
        args.push_back(word.data());
    try {
        app.parse(static_cast<int>(args.size()), args.data());
    } catch (const CLI::CallForHelp& e) {
        return finish(app.exit(e));
    } catch (const CLI::ParseError& e) {
        // Said as cpl's other usage errors are (`cpl run: error: … [code]`), naming the command
        // whose help lists what it takes.
        std::string invoked = "cpl";
        for (const CLI::App* sub : app.get_subcommands())
            invoked += " " + sub->get_name();
        std::string what = e.what();
        if (!what.empty() && what[0] >= 'A' && what[0] <= 'Z') what[0] = char(what[0] - 'A' + 'a');
        eprint("{}: error: {} [usage]\n  help: see `{}`\n", invoked, what,
               invoked == "cpl" ? std::string("cpl help") : "cpl help" + invoked.substr(3));
        return finish(2);
    }
    try {
        return finish(command());
    } catch (const std::bad_alloc&) {
        // Budgets bound what one case may take (runtime/budget.hpp); what is left is the
        // machine itself running out, which still deserves a message and not an abort.
        cpl::cli::eprint("cpl: error: out of memory\n");
    } catch (const std::exception& e) {
        cpl::cli::eprint("cpl: error: {}\n", e.what());
    }
    return finish(1);
}
