// interpreter/cli/cmd_run.cpp — `cpl run`: every case in order, one result each.
//
// With more than one job, cases are read in blocks; each thread evaluates a contiguous slice
// of a block with a Session of its own (the Program is shared, read only), and the slices'
// output is written in input order, so the output is the same whatever the number of jobs.
// A block is bounded, so memory stays flat whatever the size of the batch.
#include "commands.hpp"
#include "inputs.hpp"
#include "lang/utf8.hpp"

#include <algorithm>
#include <exception>
#include <fmt/format.h>
#include <memory>
#include <thread>

namespace cpl::cli {

namespace {

// A case to evaluate, or a problem standing in its place (a blank or over-long line).
struct Item {
    std::string text; // the case, or the problem's message
    std::string origin;
    bool problem = false;
};

// What evaluating some items wrote, in their order.
struct Written {
    std::string out, err;
    bool all_used = true;
};

class Runner {
public:
    explicit Runner(const RunOptions& options) : json_(options.format == "json") {
        explain_ = !options.explain.empty();
        evaluate_.explain = explain_;
        evaluate_.explain_expressions = options.explain == "expressions";
        evaluate_.why_not = options.why_not;
        evaluate_.print = options.print;
    }

    void evaluate(Session& session, std::string_view text, const std::string& origin,
                  Written& w) const {
        CaseOutcome outcome = session.run(text, evaluate_);
        if (!outcome.result)
            failed(w, origin, outcome.case_id, outcome.error, outcome.help, false);
        else if (json_) {
            append_json(w.out, *outcome.result, explain_);
            w.out += '\n';
        } else {
            w.out += to_text(*outcome.result, explain_);
        }
    }

    void evaluate(Session& session, const Item& item, Written& w) const {
        if (item.problem)
            failed(w, item.origin, "", item.text, "", true);
        else
            evaluate(session, item.text, item.origin, w);
    }

    // A case that could not be used has its line in the output too, in its place: one output
    // line per input line. Origins and messages quote the input, so they are made printable.
    // JSON output has no origin: an input that is no case at all says where it is.
    void failed(Written& w, const std::string& origin, std::string_view case_id,
                const std::string& message, const std::string& help, bool no_case) const {
        w.all_used = false;
        std::string where = printable(origin);
        w.err += fmt::format("{}: error: {}\n", where, printable(message));
        if (!help.empty()) w.err += fmt::format("  help: {}\n", printable(help));
        if (json_)
            w.out += error_json(case_id, no_case ? origin + ": " + message : message) + "\n";
        else
            w.out += fmt::format("{}: error: {}\n", where, printable(message));
    }

private:
    bool json_;
    bool explain_;
    EvaluateOptions evaluate_;
};

// Thrown when the output can no longer be written (`cpl run … | head`): the cases left are
// not evaluated for nothing. main() reports run.cannot_write.
struct OutputClosed {};

void flush(Written& w, bool& all_used) {
    write(stderr, w.err);
    write(stdout, w.out);
    all_used = all_used && w.all_used;
    w = {};
    if (output_failed()) throw OutputClosed{};
}

unsigned jobs_for(const RunOptions& options) {
    if (options.jobs) return options.jobs;
    return std::max(1u, std::thread::hardware_concurrency());
}

} // namespace

// Of external linkage: a store to it cannot be optimised away, so the program left to the end
// of the process stays reachable and leak checkers (ASan's) do not count it.
const Program* program_kept_until_exit = nullptr;

int run(const RunOptions& options) {
    // Standard input is read once: a second `-` would find it empty.
    if (std::count(options.cases.begin(), options.cases.end(), "-") > 1) {
        eprint("cpl run: error: `-` (standard input) is given more than once "
               "[run.stdin_twice]\n");
        return 2;
    }
    Loaded loaded = load_policy(options.policy);
    if (!report(loaded)) return 1;
    // The process ends when the run does: freeing the program's nodes one by one would cost
    // a tenth of a one-case run (1M of 9.6M instructions).
    struct KeptUntilExit {
        std::unique_ptr<Program>& program;
        ~KeptUntilExit() { program_kept_until_exit = program.release(); }
    } keep{loaded.program};
    // A misspelt --print or --why-not name is a mistake of the command, said once, before a
    // batch of cases runs for nothing.
    EvaluateOptions asked;
    asked.print = options.print;
    asked.why_not = options.why_not;
    if (auto problems = unanswerable_names(*loaded.program, asked); !problems.empty()) {
        for (const auto& problem : problems)
            eprint("cpl run: error: {} [run.unknown_name]\n", printable(problem));
        return 2;
    }
    const Runner runner(options);
    unsigned jobs = jobs_for(options);
    // One Session a job, made when the job first has cases: one case needs one.
    std::vector<std::unique_ptr<Session>> sessions(jobs);
    auto session = [&](unsigned j) -> Session& {
        if (!sessions[j]) sessions[j] = std::make_unique<Session>(*loaded.program);
        return *sessions[j];
    };
    bool all_used = true;
    Written written;

    // One job: each case as it is read, its output written 64 KiB at a time.
    // More: a block of cases at a time, split into one contiguous slice per job.
    const std::size_t block_size = jobs == 1 ? 0 : std::size_t{512} * jobs;
    std::vector<Item> block;
    std::vector<Written> slices(jobs);
    auto run_block = [&] {
        std::size_t per = (block.size() + jobs - 1) / jobs;
        std::vector<std::thread> threads;
        // An exception leaving a thread would end the process: it is carried to this one and
        // raised in input order, after the output of the slices before it, as with one job.
        std::vector<std::exception_ptr> failures(jobs);
        auto evaluate_slice = [&](Session* evaluator, unsigned j, std::size_t from,
                                  std::size_t to) {
            try {
                for (std::size_t i = from; i < to; ++i)
                    runner.evaluate(*evaluator, block[i], slices[j]);
            } catch (...) {
                failures[j] = std::current_exception();
            }
        };
        // The first slice is this thread's own: a block that fits one slice (a single case
        // from the command line) starts no thread, whose creation and stack cost more than
        // evaluating the case.
        for (unsigned j = 1; j < jobs; ++j) {
            std::size_t from = std::min(block.size(), j * per),
                        to = std::min(block.size(), from + per);
            if (from == to) break;
            Session* evaluator = &session(j); // made here, before its thread starts
            threads.emplace_back(evaluate_slice, evaluator, j, from, to);
        }
        evaluate_slice(&session(0), 0, 0, std::min(block.size(), per));
        for (auto& t : threads)
            t.join();
        for (unsigned j = 0; j < jobs; ++j) {
            flush(slices[j], all_used);
            if (failures[j]) std::rethrow_exception(failures[j]);
        }
        block.clear();
    };

    InputsRead read;
    try {
        read = for_each_case(
            options.cases,
            [&](std::string_view text, const std::string& origin) {
                if (!block_size) {
                    runner.evaluate(session(0), text, origin, written);
                    if (written.out.size() > (1 << 16) || !written.err.empty())
                        flush(written, all_used);
                    return;
                }
                block.push_back({std::string(text), origin, false});
                if (block.size() == block_size) run_block();
            },
            [&](const std::string& origin, const std::string& message) {
                if (!block_size) {
                    runner.failed(written, origin, "", message, "", true);
                    return flush(written, all_used);
                }
                block.push_back({message, origin, true});
                if (block.size() == block_size) run_block();
            });
        if (!block.empty()) run_block();
        flush(written, all_used);
    } catch (const OutputClosed&) {
        return 1;
    }
    if (read.cases + read.problems == 0) {
        // Unless an input already said it held nothing.
        if (read.ok)
            eprint("cpl run: error: nothing to evaluate: no case was found [run.no_cases]\n");
        return 1;
    }
    return read.ok && all_used ? 0 : 1;
}

} // namespace cpl::cli
