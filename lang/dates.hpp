// lang/dates.hpp — the one reader of dates: ISO `YYYY-MM-DD` in the proleptic Gregorian
// calendar, years 0001-9999, and the day arithmetic built on it. Used for `from`/`until`
// (to_ast), the date built-ins (stdlib) and the case reader's dates of service.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cpl {

struct Date {
    int year = 1;
    int month = 1;
    int day = 1;
};

inline constexpr int min_year = 1;
inline constexpr int max_year = 9999;

/// True when `text` is written as a date: four digits, `-`, two digits, `-`, two digits.
/// Says nothing of the calendar: "2025-02-31" looks like a date.
bool looks_like_date(std::string_view text);

/// The day `text` names, when it looks like a date and is a day of the calendar (month
/// 01-12, a day the month has, 29 February only in leap years, years 0001-9999).
std::optional<Date> parse_date(std::string_view text);

bool is_leap_year(int year);

/// Days since 1970-01-01 (negative before it).
std::int64_t days_from_civil(Date date);

/// The date `days` after 1970-01-01. Its year may fall outside 0001-9999; check with
/// `in_calendar_range` before writing it.
Date civil_from_days(std::int64_t days);

bool in_calendar_range(Date date);

/// `YYYY-MM-DD`.
std::string format_date(Date date);

} // namespace cpl
