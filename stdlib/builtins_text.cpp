// stdlib/builtins_text.cpp — starts_with, lower, join, code.
#include "builtins.hpp"
#include "runtime/ascii.hpp"
#include "runtime/budget.hpp"

#include <algorithm>

namespace cpl {

Value builtin_starts_with(std::span<const Value> args, BuiltinContext& ctx) {
    if (args[0].kind != Kind::String || args[1].kind != Kind::String)
        builtin_error(ctx, "`starts_with` needs two strings");
    return Value::of_bool(args[0].str().starts_with(args[1].str()));
}

Value builtin_lower(std::span<const Value> args, BuiltinContext& ctx) {
    // A case's names and a program's constants were looked at once, when made
    // (string_with_letters): no letter of them is looked at again.
    if (auto known = lower_at_once(args[0])) return *known;
    if (args[0].kind != Kind::String) builtin_error(ctx, "`lower` needs a string");
    Value lowered = args[0];
    if (lowered.letters & letters_lowered_after) {
        lowered.chars += lowered.size;
    } else if (has_ascii_upper(lowered.str())) {
        char* out = static_cast<char*>(ctx.arena.allocate(lowered.size, 1));
        copy_ascii_lower(lowered.str(), out);
        lowered.chars = out;
    }
    lowered.letters = letters_lower;
    return lowered;
}

Value builtin_join(std::span<const Value> args, BuiltinContext& ctx) {
    if (args[0].kind != Kind::List || args[1].kind != Kind::String)
        builtin_error(ctx, "`join` needs a list and a separator string");
    Budget::charge_steps(args[0].size);
    Budget::charge_bytes(std::size_t{args[0].size} * args[1].size);
    // Written in one buffer of the thread, kept from call to call: a new string for the
    // text, and one for each element's, was up to a heap allocation apiece.
    thread_local std::string text;
    text.clear();
    for (std::uint32_t i = 0; i < args[0].size; ++i) {
        if (i) text += args[1].str();
        append_text(text, args[0].items[i], ctx.shapes, false);
    }
    return Value::of_string(ctx.arena.copy(text));
}

Value builtin_code(std::span<const Value> args, BuiltinContext& ctx) {
    if (args[0].kind != Kind::String) builtin_error(ctx, "`code` needs a string");
    return args[0];
}

} // namespace cpl
