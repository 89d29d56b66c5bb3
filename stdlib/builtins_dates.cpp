// stdlib/builtins_dates.cpp — year, days_between, add_days, add_years over ISO dates
// (YYYY-MM-DD), with the proleptic Gregorian calendar.
#include "builtins.hpp"

#include <fmt/format.h>

namespace cpl {

namespace {

struct Date {
    int year, month, day;
};

Date parse_date(const Value& v, BuiltinContext& ctx, std::string_view fn) {
    auto bad = [&] {
        builtin_error(ctx, fmt::format("`{}` needs a date as YYYY-MM-DD, got \"{}\"", fn,
                                       v.kind == Kind::String ? v.str() : "?"));
    };
    if (v.kind != Kind::String || v.size != 10) bad();
    std::string_view s = v.str();
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (s[i] < '0' || s[i] > '9') bad();
    auto num = [&](std::size_t at, std::size_t n) {
        int out = 0;
        for (std::size_t i = at; i < at + n; ++i)
            out = out * 10 + (s[i] - '0');
        return out;
    };
    Date d{num(0, 4), num(5, 2), num(8, 2)};
    if (s[4] != '-' || s[7] != '-' || d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31) bad();
    return d;
}

// Days since 1970-01-01 (H. Hinnant's days_from_civil).
long days_from_civil(Date d) {
    int y = d.year - (d.month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

Date civil_from_days(long z) {
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    return {static_cast<int>(yoe + era * 400 + (month <= 2)), month, day};
}

bool leap(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

Value date_value(Date d, BuiltinContext& ctx) {
    if (d.year < 0 || d.year > 9999)
        builtin_error(ctx, "the date falls outside the years 0000-9999");
    return Value::of_string(
        ctx.arena.copy(fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day)));
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
    return Value::of_number(parse_date(args[0], ctx, "year").year);
}

Value builtin_days_between(std::span<const Value> args, BuiltinContext& ctx) {
    long from = days_from_civil(parse_date(args[0], ctx, "days_between"));
    long to = days_from_civil(parse_date(args[1], ctx, "days_between"));
    return Value::of_number(to - from);
}

Value builtin_add_days(std::span<const Value> args, BuiltinContext& ctx) {
    long day = days_from_civil(parse_date(args[0], ctx, "add_days"));
    return date_value(civil_from_days(day + number_arg(args[1], ctx, "add_days")), ctx);
}

// 29 February plus a year is 28 February: the same day of the year where it exists.
Value builtin_add_years(std::span<const Value> args, BuiltinContext& ctx) {
    Date d = parse_date(args[0], ctx, "add_years");
    d.year += static_cast<int>(number_arg(args[1], ctx, "add_years"));
    if (d.month == 2 && d.day == 29 && !leap(d.year)) d.day = 28;
    return date_value(d, ctx);
}

} // namespace cpl
