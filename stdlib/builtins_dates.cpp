// stdlib/builtins_dates.cpp — year, days_between, add_days, add_years over ISO dates
// (YYYY-MM-DD), with the proleptic Gregorian calendar of lang/dates.hpp.
#include "builtins.hpp"
#include "lang/dates.hpp"

#include <fmt/format.h>

namespace cpl {

namespace {

Date date_arg(const Value& v, BuiltinContext& ctx, std::string_view fn) {
    std::optional<Date> date = v.kind == Kind::String ? parse_date(v.str()) : std::nullopt;
    if (!date)
        builtin_error(ctx, fmt::format("`{}` needs a date as YYYY-MM-DD, got \"{}\"", fn,
                                       v.kind == Kind::String ? v.str() : "?"));
    return *date;
}

Value date_value(Date d, BuiltinContext& ctx) {
    if (!in_calendar_range(d))
        builtin_error(
            ctx, fmt::format("the date falls outside the years {:04}-{:04}", min_year, max_year));
    return Value::of_string(ctx.arena.copy(format_date(d)));
}

std::int64_t number_arg(const Value& v, BuiltinContext& ctx, std::string_view fn) {
    if (v.kind != Kind::Number)
        builtin_error(ctx, fmt::format("`{}` needs a number of days or years", fn));
    if (v.number < -3'650'000 || v.number > 3'650'000)
        builtin_error(ctx, fmt::format("`{}`: {} is too far", fn, v.number));
    return v.number;
}

} // namespace

Value builtin_year(std::span<const Value> args, BuiltinContext& ctx) {
    return Value::of_number(date_arg(args[0], ctx, "year").year);
}

Value builtin_days_between(std::span<const Value> args, BuiltinContext& ctx) {
    std::int64_t from = days_from_civil(date_arg(args[0], ctx, "days_between"));
    std::int64_t to = days_from_civil(date_arg(args[1], ctx, "days_between"));
    return Value::of_number(to - from);
}

Value builtin_add_days(std::span<const Value> args, BuiltinContext& ctx) {
    std::int64_t day = days_from_civil(date_arg(args[0], ctx, "add_days"));
    return date_value(civil_from_days(day + number_arg(args[1], ctx, "add_days")), ctx);
}

// 29 February plus a year is 28 February: the same day of the year where it exists.
Value builtin_add_years(std::span<const Value> args, BuiltinContext& ctx) {
    Date d = date_arg(args[0], ctx, "add_years");
    d.year += static_cast<int>(number_arg(args[1], ctx, "add_years"));
    if (d.month == 2 && d.day == 29 && !is_leap_year(d.year)) d.day = 28;
    return date_value(d, ctx);
}

} // namespace cpl
