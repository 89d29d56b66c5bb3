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
    if (args[0].kind != Kind::String) builtin_error(ctx, "`lower` needs a string");
    std::string_view in = args[0].str();
    // Most names are lower case already: hand back the same string, copying nothing.
    if (!has_ascii_upper(in)) return args[0];
    char* out = static_cast<char*>(ctx.arena.allocate(in.size(), 1));
    copy_ascii_lower(in, out);
    return Value::of_string({out, in.size()});
}

Value builtin_join(std::span<const Value> args, BuiltinContext& ctx) {
    if (args[0].kind != Kind::List || args[1].kind != Kind::String)
        builtin_error(ctx, "`join` needs a list and a separator string");
    Budget::charge_steps(args[0].size);
    Budget::charge_bytes(std::size_t{args[0].size} * args[1].size);
    std::string text;
    for (std::uint32_t i = 0; i < args[0].size; ++i) {
        if (i) text += args[1].str();
        text += to_text(args[0].items[i], ctx.shapes);
    }
    return Value::of_string(ctx.arena.copy(text));
}

Value builtin_code(std::span<const Value> args, BuiltinContext& ctx) {
    if (args[0].kind != Kind::String) builtin_error(ctx, "`code` needs a string");
    return args[0];
}

} // namespace cpl
