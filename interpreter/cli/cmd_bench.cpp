// interpreter/cli/cmd_bench.cpp — `cpl bench`: load time, per-case latency (median, p99),
// throughput with JSON output, and peak memory, over generated cases.
#include "commands.hpp"
#include "inputs.hpp"
#include "interpreter/check/check.hpp"
#include "interpreter/engine/snapshot.hpp"
#include "interpreter/load/load.hpp"
#include "lang/utf8.hpp"
#include "lang/vocabulary.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <random>
#include <sys/resource.h>

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

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1,
                           static_cast<std::size_t>(p * static_cast<double>(values.size())))];
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
    if (!options.inputs.empty()) {
        // Cases asked for and not read must not turn into a measure of generated ones.
        InputsRead read =
            for_each_case(options.inputs, [&](std::string_view text, const std::string&) {
                given.emplace_back(text);
            });
        if (!read.ok || given.empty()) {
            eprint("cpl bench: error: the given cases could not all be read; nothing measured\n");
            return 1;
        }
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
    auto start = Clock::now();
    for (const auto& text : cases) {
        CaseOutcome outcome = session.run(text);
        output_bytes +=
            outcome.result ? to_json(*outcome.result, false).size() : outcome.error.size();
    }
    double total_s = micros(Clock::now() - start) / 1e6;

    if (options.profile) {
        RuleProfile profile;
        EvaluateOptions profiled;
        profiled.profile = &profile;
        for (const auto& text : cases)
            session.run(text, profiled);
        std::vector<std::pair<double, std::string>> rows;
        for (std::size_t i = 0; i < profile.nanoseconds.size(); ++i) {
            const RuleCode& r = program.rule_or_edit(i);
            rows.emplace_back(profile.nanoseconds[i] / static_cast<double>(cases.size()),
                              fmt::format("{} {}", vocabulary::keyword(r.kind), r.name));
        }
        std::sort(rows.rbegin(), rows.rend());
        print("time per case by rule and edit (µs, most first):\n");
        for (const auto& [ns, name] : rows)
            print("  {:8.3f}  {}\n", ns / 1000.0, name);
    }

    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    print("policy            {} ({} rules, {} edits)\n", program.name, program.rules.size(),
          program.edits.size());
    print("cases             {} {}, {:.1f} MB of JSON, {} could not be used, {} lines billed\n",
          cases.size(),
          given.empty() ? "generated" : fmt::format("from {} given cases", given.size()),
          static_cast<double>(bytes) / 1e6, errors, lines);
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
    print("peak memory       {:.1f} MiB (includes the generated cases held for the benchmark)\n",
          static_cast<double>(usage.ru_maxrss) / 1024.0);
    return errors == cases.size() ? 1 : 0;
}

} // namespace cpl::cli
