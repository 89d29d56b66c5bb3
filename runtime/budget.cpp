// runtime/budget.cpp — the per-thread current budget and its messages.
#include "runtime/budget.hpp"

#include <fmt/format.h>

namespace cpl {

thread_local Budget* Budget::current_ = nullptr;

void Budget::out_of_steps() const {
    throw BudgetExceeded{"eval.steps",
                         fmt::format("the case needs more than {} evaluation steps", steps_)};
}

void Budget::out_of_memory() const {
    throw BudgetExceeded{"eval.memory",
                         fmt::format("the case needs more than {} MiB of memory", bytes_ >> 20)};
}

} // namespace cpl
