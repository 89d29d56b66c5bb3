// interpreter/cli/cmd_run.cpp — `cpl run`: every case in order, one result each.
//
// With more than one job, cases are read in chunks, which a pool of threads evaluates, each
// thread with a Session of its own (the Program is shared, read only); the chunks' output is
// written in input order, so the output is the same whatever the number of jobs. While the
// workers evaluate, this thread reads the next chunks and writes the finished ones. The
// chunks in flight are bounded, so memory stays flat whatever the size of the batch.
#include "commands.hpp"
#include "inputs.hpp"
#include "interpreter/case/case_schema.hpp"
#include "lang/utf8.hpp"
#include "ordered_pool.hpp"
#include "runtime/ascii.hpp"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fmt/format.h>
#include <memory>
#include <optional>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace cpl::cli {

namespace fs = std::filesystem;

namespace {

// What evaluating some items wrote, in their order.
struct Written {
    std::string out, err;
    bool all_used = true;
};

// Consecutive cases, or problems standing in a case's place (a blank or over-long line), with
// what evaluating them wrote. Their texts and origins are kept in one buffer: a case is a few
// hundred bytes, and a string of its own apiece was an allocation a case.
struct Chunk {
    struct Item {
        std::size_t text_at, text_size, origin_size;
        bool problem;
    };
    std::string bytes; // each item's text, then its origin
    std::vector<Item> items;
    Written written;

    void add(std::string_view text, std::string_view origin, bool problem) {
        items.push_back({bytes.size(), text.size(), origin.size(), problem});
        bytes += text;
        bytes += origin;
    }
    void clear() {
        bytes.clear();
        items.clear();
    }
    std::string_view text(const Item& item) const {
        return std::string_view(bytes).substr(item.text_at, item.text_size);
    }
    std::string_view origin(const Item& item) const {
        return std::string_view(bytes).substr(item.text_at + item.text_size, item.origin_size);
    }
};

// Whether standard output and standard error are one file (a terminal, or `>out 2>&1`).
bool one_file(int a, int b) {
    struct stat first, second;
    return ::fstat(a, &first) == 0 && ::fstat(b, &second) == 0 && first.st_dev == second.st_dev &&
           first.st_ino == second.st_ino;
}

class Runner {
public:
    explicit Runner(const RunOptions& options)
        : json_(options.format == "json"),
          // Text output says a case's error in its place, as standard error does: on a terminal
          // (or `>out 2>&1`) that was every error twice, so it is then said once, in place.
          errors_in_output_only_(!json_ && one_file(STDOUT_FILENO, STDERR_FILENO)) {
        explain_ = !options.explain.empty();
        evaluate_.explain = explain_;
        evaluate_.explain_expressions = options.explain == "expressions";
        evaluate_.why_not = options.why_not;
        evaluate_.print = options.print;
    }

    void evaluate(Session& session, std::string_view text, std::string_view origin,
                  Written& w) const {
        CaseOutcome outcome = session.run(text, evaluate_);
        if (!outcome.result)
            failed(w, origin, outcome.case_id, outcome.error, outcome.help, false, outcome.path);
        else if (json_) {
            append_json(w.out, *outcome.result, explain_);
            w.out += '\n';
        } else {
            w.out += to_text(*outcome.result, explain_);
        }
    }

    void evaluate(Session& session, Chunk& chunk) const {
        for (const Chunk::Item& item : chunk.items) {
            if (item.problem)
                failed(chunk.written, chunk.origin(item), "", std::string(chunk.text(item)), "",
                       true);
            else
                evaluate(session, chunk.text(item), chunk.origin(item), chunk.written);
        }
    }

    // A case that could not be used has its line in the output too, in its place: one output
    // line per input line (and its help after it, when the output is also standard error). Origins
    // and messages quote the input, so they are made printable. A JSON error line gives its origin
    // as "input"; an input that is no case at all also says it in its message, as it always has.
    void failed(Written& w, std::string_view origin, std::string_view case_id,
                const std::string& message, const std::string& help, bool no_case,
                std::string_view path = {}) const {
        w.all_used = false;
        std::string where = printable(origin);
        std::string& err = errors_in_output_only_ ? w.out : w.err;
        err += fmt::format("{}: error: {}\n", where, printable(message));
        if (!help.empty()) err += fmt::format("  help: {}\n", printable(help));
        if (errors_in_output_only_) return;
        if (json_)
            w.out += error_json(case_id, no_case ? std::string(origin) + ": " + message : message,
                                {0, path, help, origin}) +
                     "\n";
        else
            w.out += fmt::format("{}: error: {}\n", where, printable(message));
    }

private:
    bool json_;
    bool errors_in_output_only_;
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
    // Emptied, not freed: the next cases write as much again.
    w.out.clear();
    w.err.clear();
    w.all_used = true;
    if (output_failed()) throw OutputClosed{};
}

unsigned jobs_for(const RunOptions& options) {
    if (options.jobs) return options.jobs;
    return std::max(1u, std::thread::hardware_concurrency());
}

// A case file that does not exist and reads as an option's second value: `--why-not 95886
// 95909` (the option takes one value, repeated for more) or `--explain expressions` (its value
// follows `=`). The help that says so, or nothing.
std::optional<std::string> value_taken_for_a_case(const RunOptions& options,
                                                  const std::string& input) {
    std::error_code ec;
    if (input == "-" || fs::exists(fs::symlink_status(input, ec))) return std::nullopt;
    std::string upper = ascii_upper(input);
    if (!options.why_not.empty() && case_schema::is_code(upper))
        return fmt::format("`{}` is no case file: a second code for --why-not? The option takes "
                           "one value, repeated for more: `--why-not {} --why-not {}`",
                           input, options.why_not.back(), upper);
    if (!options.explain.empty() && (input == "words" || input == "expressions"))
        return fmt::format("`{0}` is no case file: write `--explain={0}`, with `=`", input);
    return std::nullopt;
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
    for (const auto& input : options.cases)
        if (auto help = value_taken_for_a_case(options, input)) {
            eprint("cpl run: error: {} does not exist [usage]\n  help: {}\n", printable(input),
                   printable(*help));
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
    // One Session a job, made by the job when it first has cases (on its own thread, so its
    // memory is that thread's): one case needs one.
    std::vector<std::unique_ptr<Session>> sessions(jobs);
    auto session = [&](unsigned j) -> Session& {
        if (!sessions[j]) sessions[j] = std::make_unique<Session>(*loaded.program);
        return *sessions[j];
    };
    bool all_used = true;
    Written written;

    // One job: each case as it is read, its output written 64 KiB at a time.
    // More: chunks of cases, evaluated by a pool of `jobs` threads and written in order. The
    // pool starts when the first chunk is full: fewer cases (one from the command line) are
    // evaluated on this thread, as with one job, with no thread to start.
    std::unique_ptr<OrderedPool<Chunk>> pool;
    auto chunk = std::make_unique<Chunk>();
    auto add = [&](std::string_view text, std::string_view origin, bool problem) {
        chunk->add(text, origin, problem);
        if (chunk->items.size() < cases_per_chunk) return;
        if (!pool)
            pool = std::make_unique<OrderedPool<Chunk>>(
                jobs, chunks_in_flight_per_job * jobs,
                [&](unsigned j, Chunk& c) { runner.evaluate(session(j), c); },
                [&](Chunk& c) {
                    flush(c.written, all_used);
                    c.clear();
                });
        pool->submit(std::move(chunk));
        chunk = pool->blank();
    };

    InputsRead read;
    try {
        read = for_each_case(
            options.cases,
            [&](std::string_view text, const std::string& origin) {
                if (jobs > 1) return add(text, origin, false);
                runner.evaluate(session(0), text, origin, written);
                if (written.out.size() > (1 << 16) || !written.err.empty())
                    flush(written, all_used);
            },
            [&](const std::string& origin, const std::string& message) {
                if (jobs > 1) return add(message, origin, true);
                runner.failed(written, origin, "", message, "", true);
                flush(written, all_used);
            });
        if (pool) {
            if (!chunk->items.empty()) pool->submit(std::move(chunk));
            pool->finish();
        } else if (!chunk->items.empty()) {
            runner.evaluate(session(0), *chunk);
            flush(chunk->written, all_used);
        }
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
