// tests/lang/dates_test.cpp — the one date reader (lang/dates.hpp): the calendar, and the day
// arithmetic the date built-ins use.
#include "lang/dates.hpp"

#include <catch2/catch.hpp>

using namespace cpl;

TEST_CASE("dates: a date is YYYY-MM-DD and a day of the calendar") {
    auto [text, looks, valid] = GENERATE(table<std::string_view, bool, bool>({
        {"2025-03-14", true, true},
        {"2024-02-29", true, true},  // leap year
        {"2000-02-29", true, true},  // divisible by 400
        {"1900-02-29", true, false}, // divisible by 100
        {"2025-02-29", true, false},
        {"2025-02-31", true, false},
        {"2025-04-31", true, false},
        {"2025-12-31", true, true},
        {"2025-13-01", true, false},
        {"2025-00-10", true, false},
        {"2025-01-00", true, false},
        {"0000-01-01", true, false}, // years 0001-9999
        {"0001-01-01", true, true},
        {"9999-12-31", true, true},
        {"2025/03/14", false, false},
        {"2025-3-14", false, false},
        {"2025-03-14T10:00", false, false},
        {"", false, false},
    }));
    CAPTURE(text);
    CHECK(looks_like_date(text) == looks);
    CHECK(parse_date(text).has_value() == valid);
}

TEST_CASE("dates: days from civil and back") {
    CHECK(days_from_civil({1970, 1, 1}) == 0);
    CHECK(days_from_civil({2025, 3, 1}) - days_from_civil({2025, 2, 28}) == 1);
    CHECK(days_from_civil({2024, 3, 1}) - days_from_civil({2024, 2, 28}) == 2);
    for (std::int64_t day : {-719162, -1, 0, 1, 19000, 2932896}) {
        CAPTURE(day);
        CHECK(days_from_civil(civil_from_days(day)) == day);
    }
    Date d = civil_from_days(days_from_civil({2024, 12, 31}) + 1);
    CHECK(format_date(d) == "2025-01-01");
    CHECK_FALSE(in_calendar_range(civil_from_days(days_from_civil({1, 1, 1}) - 1)));
    CHECK_FALSE(in_calendar_range(civil_from_days(days_from_civil({9999, 12, 31}) + 1)));
}
