// lang/dates.cpp — ISO dates: reading with calendar validation, and days-from-civil
// arithmetic (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
#include "dates.hpp"

#include <array>
#include <fmt/format.h>

namespace cpl {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

int number_at(std::string_view text, std::size_t at, std::size_t length) {
    int out = 0;
    for (std::size_t i = at; i < at + length; ++i)
        out = out * 10 + (text[i] - '0');
    return out;
}

int days_in_month(int year, int month) {
    static constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return days[static_cast<std::size_t>(month - 1)] + (month == 2 && is_leap_year(year));
}

} // namespace

bool looks_like_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (!is_digit(text[i])) return false;
    return true;
}

std::optional<Date> parse_date(std::string_view text) {
    if (!looks_like_date(text)) return std::nullopt;
    Date date{number_at(text, 0, 4), number_at(text, 5, 2), number_at(text, 8, 2)};
    if (!in_calendar_range(date) || date.month < 1 || date.month > 12 || date.day < 1 ||
        date.day > days_in_month(date.year, date.month))
        return std::nullopt;
    return date;
}

bool is_leap_year(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

std::int64_t days_from_civil(Date date) {
    std::int64_t y = date.year - (date.month <= 2);
    std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    std::int64_t yoe = y - era * 400;
    std::int64_t doy = (153 * (date.month + (date.month > 2 ? -3 : 9)) + 2) / 5 + date.day - 1;
    std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

Date civil_from_days(std::int64_t days) {
    days += 719468;
    std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    std::int64_t doe = days - era * 146097;
    std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    std::int64_t mp = (5 * doy + 2) / 153;
    int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    return {static_cast<int>(yoe + era * 400 + (month <= 2)), month, day};
}

bool in_calendar_range(Date date) {
    return date.year >= min_year && date.year <= max_year;
}

std::string format_date(Date date) {
    return fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day);
}

} // namespace cpl
