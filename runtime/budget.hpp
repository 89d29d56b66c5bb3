// runtime/budget.hpp — what evaluating one case (or folding one constant) may spend.
// A policy is a program: a definition that doubles a list thirty times, or three nested
// `for` over 1..9999, must end that case with an error, not exhaust the machine or run for
// ever. The evaluator installs a Budget for each case; whatever costs more than the case's
// size (evaluation steps, loop iterations, comparing and printing values, arena memory)
// spends from the budget of the thread it runs on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <utility>

namespace cpl {

/// Thrown when a budget runs out. The evaluator turns it into an EvalError at the
/// expression that was being evaluated (`eval.steps`, `eval.memory`). A std::exception, so that
/// one spent where no evaluator catches it still ends in a message, not std::terminate.
struct BudgetExceeded : std::exception {
    BudgetExceeded(const char* c, std::string m) : code(c), message(std::move(m)) {}
    const char* what() const noexcept override { return message.c_str(); }
    const char* code;
    std::string message;
};

class Budget {
public:
    /// Far above any realistic case (tens of thousands of steps, a few MiB), and still a
    /// few seconds and a fraction of the memory of a small machine at most.
    static constexpr std::uint64_t default_steps = 50'000'000;
    static constexpr std::size_t default_bytes = std::size_t{256} << 20;

    /// Becomes the thread's current budget until destroyed (budgets nest).
    explicit Budget(std::uint64_t steps = default_steps, std::size_t bytes = default_bytes)
        : steps_left_(steps), bytes_left_(bytes), steps_(steps), bytes_(bytes), outer_(current_) {
        current_ = this;
    }
    ~Budget() { current_ = outer_; }
    Budget(const Budget&) = delete;
    Budget& operator=(const Budget&) = delete;

    /// The thread's current budget, or null when nothing is being evaluated.
    static Budget* current() { return current_; }

    void step(std::uint64_t n = 1) {
        if (steps_left_ < n) out_of_steps();
        steps_left_ -= n;
    }
    void spend_bytes(std::size_t n) {
        if (bytes_left_ < n) out_of_memory();
        bytes_left_ -= n;
    }
    std::uint64_t steps_spent() const { return steps_ - steps_left_; }
    std::size_t bytes_spent() const { return bytes_ - bytes_left_; }

    /// Spends from the current budget, if there is one.
    static void charge_steps(std::uint64_t n = 1) {
        if (Budget* b = current_) b->step(n);
    }
    static void charge_bytes(std::size_t n) {
        if (Budget* b = current_) b->spend_bytes(n);
    }

private:
    [[noreturn]] void out_of_steps() const;
    [[noreturn]] void out_of_memory() const;

    std::uint64_t steps_left_;
    std::size_t bytes_left_;
    std::uint64_t steps_;
    std::size_t bytes_;
    Budget* outer_;
    static thread_local Budget* current_;
};

} // namespace cpl
