// interpreter/cli/cmd_bench.cpp — `cpl bench`: load time, per-case latency (median, p99),
// throughput with JSON output on one thread and on several, one case in a new process (as
// from the command line, loading the policy), and peak memory, over generated cases.
#include "commands.hpp"
#include "inputs.hpp"
#include "interpreter/check/check.hpp"
#include "interpreter/engine/snapshot.hpp"
#include "interpreter/load/load.hpp"
#include "lang/counted.hpp"
#include "lang/utf8.hpp"
#include "lang/vocabulary.hpp"
#include "ordered_pool.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <random>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace cpl::cli {

namespace {

using Clock = std::chrono::steady_clock;

double micros(Clock::duration d) {
    return std::chrono::duration<double, std::micro>(d).count();
}

// A plausible study: 0-4 limbs of 2-8 muscles, 0-12 nerve conduction studies, sometimes
// cranial muscles, thoracic paraspinals or repetitive stimulation.
std::string generate_case(std::mt19937& rng, std::size_t index,
                          const std::vector<std::string>& muscles) {
    auto pick = [&](std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    };
    static const char* limbs[] = {"left_arm", "right_arm", "left_leg", "right_leg"};
    static const char* nerves[] = {"median", "ulnar", "radial", "peroneal", "tibial", "sural"};
    static const char* types[] = {"motor", "sensory", "h_reflex"};
    static const char* roles[] = {"global", "global", "professional", "technical"};
    std::string out = fmt::format(
        R"({{"id": "bench-{}", "date_of_service": "2025-05-01", "provider_role": "{}", "diagnoses": ["G56.01"])",
        index, roles[pick(4)]);
    std::size_t limb_count = pick(5);
    out += ", \"extremities\": [";
    for (std::size_t l = 0; l < limb_count; ++l) {
        out += fmt::format(R"({}{{"limb": "{}", "muscles": [)", l ? ", " : "", limbs[l]);
        std::size_t n = 2 + pick(7);
        for (std::size_t m = 0; m < n && !muscles.empty(); ++m)
            out += fmt::format("{}\"{}\"", m ? ", " : "", muscles[pick(muscles.size())]);
        out += "]}";
    }
    out += "], \"nerve_conduction\": [";
    std::size_t studies = pick(3) == 0 ? 0 : pick(13);
    for (std::size_t s = 0; s < studies; ++s) {
        const char* type = types[pick(3)];
        out +=
            fmt::format(R"({}{{"nerve": "{}", "side": "{}", "type": "{}"{}}})", s ? ", " : "",
                        nerves[pick(6)], pick(2) ? "left" : "right", type,
                        std::string_view(type) == "motor" && pick(2) ? R"(, "f_wave": true)" : "");
    }
    out += "]";
    if (pick(5) == 0)
        out += R"(, "cranial_muscles": [{"name": "orbicularis oris", "side": "right"}])";
    if (pick(8) == 0) out += R"(, "thoracic_paraspinal_levels": ["T8", "T9"])";
    if (pick(10) == 0)
        out += R"(, "neuromuscular_junction": [{"nerve": "ulnar", "side": "right"}])";
    return out + "}";
}

// Cases per second with JSON output, each case evaluated and rendered with a Session of the
// thread's own; with several jobs, in chunks taken by a pool of threads and handed back in
// order, as `cpl run --jobs` does (ordered_pool.hpp).
double throughput(const Program& program, const std::vector<std::string>& cases, unsigned jobs) {
    struct Chunk {
        std::size_t from = 0, to = 0;
        std::string out; // reused, as cpl run's output buffers are
    };
    std::vector<std::unique_ptr<Session>> sessions;
    for (unsigned j = 0; j < jobs; ++j)
        sessions.push_back(std::make_unique<Session>(program));
    auto evaluate = [&](unsigned j, Chunk& chunk) {
        for (std::size_t i = chunk.from; i < chunk.to; ++i)
            if (CaseOutcome outcome = sessions[j]->run(cases[i]); outcome.result) {
                chunk.out.clear(); // rendered, not kept: the output is not what is measured
                append_json(chunk.out, *outcome.result, false);
            }
    };
    auto start = Clock::now();
    if (jobs == 1) {
        Chunk all{0, cases.size(), {}};
        evaluate(0, all);
    } else {
        OrderedPool<Chunk> pool(jobs, chunks_in_flight_per_job * jobs, evaluate, [](Chunk&) {});
        for (std::size_t from = 0; from < cases.size(); from += cases_per_chunk) {
            std::unique_ptr<Chunk> chunk = pool.blank();
            chunk->from = from;
            chunk->to = std::min(cases.size(), from + cases_per_chunk);
            pool.submit(std::move(chunk));
        }
        pool.finish();
    }
    return static_cast<double>(cases.size()) / (micros(Clock::now() - start) / 1e6);
}

// One case from the command line: `cpl run [--policy P] CASE` started as a new process, the
// way a coder or a script runs it, loading the policy each time. The median wall time of
// `runs` starts, or why it could not be measured. Given the largest of the cases: the first
// generated one may have no limb at all, easier work than a study.
std::string one_case_process(const std::string& policy, const std::string& case_text, int runs) {
    char path[] = "/tmp/cpl-bench-XXXXXX.json";
    int fd = mkstemps(path, 5);
    if (fd < 0) return "not measured (no temporary file)";
    bool written =
        ::write(fd, case_text.data(), case_text.size()) == static_cast<ssize_t>(case_text.size());
    close(fd);
    std::vector<std::string> args = {"/proc/self/exe", "run", "--policy", policy, path};
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t quiet;
    posix_spawn_file_actions_init(&quiet);
    posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&quiet, 2, "/dev/null", O_WRONLY, 0);
    std::vector<double> times;
    std::string failure = written ? "" : "not measured (the case could not be written)";
    for (int i = 0; i < runs && failure.empty(); ++i) {
        auto start = Clock::now();
        pid_t pid = 0;
        int status = 0;
        if (posix_spawn(&pid, argv[0], &quiet, nullptr, argv.data(), environ) != 0 ||
            waitpid(pid, &status, 0) != pid)
            failure = "not measured (cpl could not be started)";
        else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failure = fmt::format("not measured (`cpl run` of the largest case exited with {})",
                                  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        times.push_back(micros(Clock::now() - start) / 1000.0);
    }
    posix_spawn_file_actions_destroy(&quiet);
    std::remove(path);
    if (!failure.empty()) return failure;
    std::sort(times.begin(), times.end());
    return fmt::format("{:.2f} ms median of {} (`cpl run` of the largest case, {} bytes, a new "
                       "process)",
                       times[times.size() / 2], times.size(), case_text.size());
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1,
                           static_cast<std::size_t>(p * static_cast<double>(values.size())))];
}

// What a read of the clock costs, as two reads in a row measure it (the median of many): a
// timed call carries about that much, which is most of the time of a definition of a few steps.
double clock_read_ns() {
    std::vector<double> reads;
    for (int i = 0; i < 1001; ++i) {
        auto start = Clock::now();
        auto end = Clock::now();
        reads.push_back(std::chrono::duration<double, std::nano>(end - start).count());
    }
    std::nth_element(reads.begin(), reads.begin() + 500, reads.end());
    return reads[500];
}

// Each definition whose body ran, by its own time (its total less the definitions it asked
// for): where a policy's time goes below its rules. Per case, over `cases`.
void print_definition_costs(const Program& program, const DefinitionCosts& costs, double cases) {
    struct Row {
        const DefinitionCosts::Cost* cost;
        const std::string* name;
    };
    std::vector<Row> rows;
    for (std::size_t i = 0; i < costs.defs.size(); ++i)
        if (costs.defs[i].computed > 0) rows.push_back({&costs.defs[i], &program.defs[i].name});
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        return a.cost->own_ns != b.cost->own_ns ? a.cost->own_ns > b.cost->own_ns
                                                : *a.name < *b.name;
    });
    print("per case, by definition (most own time first; a call the case had made before is "
          "remembered and costs nothing here; own: less the definitions it asked for; a "
          "computed call's time carries about one read of the clock, {:.3f} µs here, and its "
          "caller's own time another):\n",
          clock_read_ns() / 1000.0);
    print("  {:>8}  {:>8}  {:>8}  {:>8}  {:>8}\n", "calls", "own µs", "µs", "own steps", "steps");
    for (const auto& row : rows)
        print("  {:8.2f}  {:8.3f}  {:8.3f}  {:8.1f}  {:8.1f}  def {}\n",
              static_cast<double>(row.cost->computed) / cases, row.cost->own_ns / cases / 1000.0,
              row.cost->total_ns / cases / 1000.0, static_cast<double>(row.cost->own_steps) / cases,
              static_cast<double>(row.cost->total_steps) / cases, *row.name);
}

} // namespace

int bench(const BenchOptions& options) {
    std::vector<double> loads;
    Loaded loaded;
    for (int i = 0; i < 20; ++i) {
        auto start = Clock::now();
        loaded = load_policy(options.policy);
        loads.push_back(micros(Clock::now() - start) / 1000.0);
        if (!loaded.program) break;
    }
    if (!report(loaded)) return 1;
    const Program& program = *loaded.program;
    // The standard set comes checked from the binary (interpreter/engine/snapshot.hpp): also
    // time loading and checking it from its text, as a payer policy is.
    std::vector<double> text_loads;
    std::string path = resolve_policy(options.policy, {}).value_or(options.policy);
    if (path == standard_policy_path && !standard_snapshot().empty())
        for (int i = 0; i < 5; ++i) {
            auto start = Clock::now();
            Diagnostics diagnostics;
            if (auto merged = load(path, diagnostics, std::make_shared<SourceMap>()))
                check(*merged, diagnostics);
            text_loads.push_back(micros(Clock::now() - start) / 1000.0);
        }
    std::vector<std::string> muscles;
    if (program.muscles)
        for (const auto& name : program.muscles->names)
            muscles.push_back(name);

    std::mt19937 rng(options.seed);
    std::vector<std::string> cases;
    std::size_t bytes = 0;
    std::vector<std::string> given;
    std::size_t not_read = 0; // given lines or files that held no case to read
    if (!options.inputs.empty()) {
        // Cases asked for and not read must not turn into a measure of generated ones.
        InputsRead read =
            for_each_case(options.inputs, [&](std::string_view text, const std::string&) {
                given.emplace_back(text);
            });
        // A line that could not be read (blank, too long) is one case that could not be used,
        // said on standard error where it is, as a case the policy refuses is counted.
        // A given file or directory that could not be read at all (a path mistyped) is not a
        // case the policy could not use: the measure would be of fewer cases than asked for.
        bool whole_input_unread =
            std::any_of(options.inputs.begin(), options.inputs.end(), [](const std::string& input) {
                std::error_code ec;
                return input != "-" && !std::filesystem::exists(input, ec);
            });
        if (given.empty() || whole_input_unread) {
            eprint("cpl bench: error: {}; nothing measured\n",
                   given.empty() ? "none of the given cases could be read"
                                 : "a given input could not be read");
            return 1;
        }
        not_read = read.problems;
        // Given cases none of which the policy can use would measure the error path alone.
        Session trial(program);
        std::string first_error;
        bool usable = false;
        for (const auto& text : given) {
            CaseOutcome outcome = trial.run(text);
            if (outcome.result) {
                usable = true;
                break;
            }
            if (first_error.empty()) first_error = outcome.error;
        }
        if (!usable) {
            eprint("cpl bench: error: none of the given cases can be used ({}); nothing "
                   "measured\n",
                   printable(first_error));
            return 1;
        }
    }
    for (std::size_t i = 0; i < options.cases; ++i) {
        cases.push_back(given.empty() ? generate_case(rng, i, muscles) : given[i % given.size()]);
        bytes += cases.back().size() + 1;
    }

    Session session(program);
    std::vector<double> latencies;
    latencies.reserve(cases.size());
    std::size_t errors = 0, lines = 0;
    for (const auto& text : cases) {
        auto start = Clock::now();
        CaseOutcome outcome = session.run(text);
        latencies.push_back(micros(Clock::now() - start));
        if (!outcome.result)
            ++errors;
        else
            lines += outcome.result->lines.size();
    }

    // Reading alone, to split the latency above into reading and evaluating.
    std::vector<double> reads;
    {
        Arena arena;
        CaseReader reader(program.muscles ? &*program.muscles : nullptr);
        for (const auto& text : cases) {
            arena.reset();
            auto start = Clock::now();
            (void)reader.read(text, arena);
            reads.push_back(micros(Clock::now() - start));
        }
    }

    // End to end as `cpl run --format json` does it: read, evaluate, render.
    std::size_t output_bytes = 0;
    std::string out;
    auto start = Clock::now();
    for (const auto& text : cases) {
        CaseOutcome outcome = session.run(text);
        out.clear();
        if (outcome.result) append_json(out, *outcome.result, false);
        output_bytes += outcome.result ? out.size() : outcome.error.size();
    }
    double total_s = micros(Clock::now() - start) / 1e6;
    unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
    double parallel = jobs > 1 ? throughput(program, cases, jobs) : 0;
    const std::string& largest =
        *std::max_element(cases.begin(), cases.end(),
                          [](const auto& a, const auto& b) { return a.size() < b.size(); });
    std::string process = one_case_process(options.policy, largest, 21);

    if (options.profile) {
        RuleProfile profile;
        EvaluateOptions profiled;
        profiled.profile = &profile;
        for (const auto& text : cases)
            session.run(text, profiled);
        struct Row {
            double ns, steps;
            std::string name;
        };
        std::vector<Row> rows;
        auto n = static_cast<double>(cases.size());
        for (std::size_t i = 0; i < profile.rules.size(); ++i) {
            const RuleCode& r = program.rule_or_edit(i);
            const RuleProfile::Cost& cost = profile.rules[i];
            rows.push_back({cost.nanoseconds / n, static_cast<double>(cost.steps) / n,
                            fmt::format("{} {}", vocabulary::keyword(r.kind), r.name)});
        }
        std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
            return a.ns != b.ns ? a.ns > b.ns : a.name < b.name;
        });
        // Steps are the case budget's: the same on every machine, where the time is not.
        print("per case, by rule and edit (most time first; steps of the case's budget, the same "
              "on every machine):\n");
        print("  {:>8}  {:>8}\n", "µs", "steps");
        for (const auto& row : rows)
            print("  {:8.3f}  {:8.1f}  {}\n", row.ns / 1000.0, row.steps, row.name);
        print_definition_costs(program, profile.definitions, n);
    }

    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    print("policy            {} ({}, {})\n", program.name, counted(program.rules.size(), "rule"),
          counted(program.edits.size(), "edit"));
    print("cases             {} {}, {:.1f} MB of JSON, {} could not be used{}, {} lines billed\n",
          cases.size(),
          given.empty() ? "generated" : fmt::format("from {} given cases", given.size()),
          static_cast<double>(bytes) / 1e6, errors,
          not_read ? fmt::format(" ({} more given could not be read)", not_read) : "", lines);
    print("load + check      {:.2f} ms median of {}{}\n", percentile(loads, 0.5), loads.size(),
          text_loads.empty()
              ? ""
              : fmt::format(" (checked when cpl was built; from the text: {:.2f} ms)",
                            percentile(text_loads, 0.5)));
    print("read + evaluate   {:.2f} µs median, {:.2f} µs p99 per case\n",
          percentile(latencies, 0.5), percentile(latencies, 0.99));
    print("  of which read   {:.2f} µs median\n", percentile(reads, 0.5));
    print("with JSON output  {:.0f} cases/s ({:.1f} MB out)\n",
          static_cast<double>(cases.size()) / total_s, static_cast<double>(output_bytes) / 1e6);
    if (jobs > 1) print("  on {} threads   {:.0f} cases/s\n", jobs, parallel);
    print("one case          {}\n", process);
    print("peak memory       {:.1f} MiB (includes the generated cases held for the benchmark)\n",
          static_cast<double>(usage.ru_maxrss) / 1024.0);
    return errors == cases.size() ? 1 : 0;
}

} // namespace cpl::cli
