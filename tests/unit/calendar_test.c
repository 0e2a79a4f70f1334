/*
 * calendar_test.c - the working-day calendar pinned to known dates: Easter
 * and every Dutch public holiday for 2024-2030, King's Day on a Sunday, the
 * daylight-saving switches of Europe/Amsterdam, and "N working days after"
 * across weekends, holidays and the switches.  The expected dates are
 * written out by hand from published calendars, not computed.
 */
#include <string.h>
#include <time.h>

#include "../test.h"
#include "../../engine/domain/calendar.h"

#define HOUR 3600000LL
#define MINUTE 60000LL

/* UTC civil time to ms, computed independently of calendar.c (timegm). */
static int64_t utc(int y, int m, int d, int hh, int mm)
{
    struct tm t;
    memset(&t, 0, sizeof t);
    t.tm_year = y - 1900;
    t.tm_mon = m - 1;
    t.tm_mday = d;
    t.tm_hour = hh;
    t.tm_min = mm;
    return (int64_t)timegm(&t) * 1000;
}

static bool local_is(int64_t ms, int y, int m, int d, int hh, int mm)
{
    int ly, lm, ld, lh, lmin, ls, lms;
    rg_cal_to_local(ms, &ly, &lm, &ld, &lh, &lmin, &ls, &lms);
    if (ly == y && lm == m && ld == d && lh == hh && lmin == mm) return true;
    printf("  got local %04d-%02d-%02d %02d:%02d, expected %04d-%02d-%02d %02d:%02d\n",
           ly, lm, ld, lh, lmin, y, m, d, hh, mm);
    return false;
}

/* Published Easter Sundays and the holidays derived from them. */
static const struct { int year, em, ed; int mon_m, mon_d, asc_m, asc_d, whit_m, whit_d; } EASTER[] = {
    {2024, 3, 31, 4, 1, 5, 9, 5, 20},
    {2025, 4, 20, 4, 21, 5, 29, 6, 9},
    {2026, 4, 5, 4, 6, 5, 14, 5, 25},
    {2027, 3, 28, 3, 29, 5, 6, 5, 17},
    {2028, 4, 16, 4, 17, 5, 25, 6, 5},
    {2029, 4, 1, 4, 2, 5, 10, 5, 21},
    {2030, 4, 21, 4, 22, 5, 30, 6, 10},
};

static void test_easter_2024_2030(void)
{
    for (size_t i = 0; i < sizeof EASTER / sizeof EASTER[0]; i++) {
        int m, d;
        rg_cal_easter(EASTER[i].year, &m, &d);
        if (m != EASTER[i].em || d != EASTER[i].ed)
            printf("  Easter %d: got %d-%d\n", EASTER[i].year, m, d);
        CHECK(m == EASTER[i].em && d == EASTER[i].ed);
        CHECK(rg_cal_is_holiday(EASTER[i].year, EASTER[i].mon_m, EASTER[i].mon_d));
        CHECK(rg_cal_is_holiday(EASTER[i].year, EASTER[i].asc_m, EASTER[i].asc_d));
        CHECK(rg_cal_is_holiday(EASTER[i].year, EASTER[i].whit_m, EASTER[i].whit_d));
    }
    /* Good Friday counts (Algemene termijnenwet art. 3(2); issue 21,
     * finding 14), Holy Thursday and Holy Saturday's weekdays do not. */
    CHECK(rg_cal_is_holiday(2024, 3, 29) && rg_cal_is_holiday(2026, 4, 3) && rg_cal_is_holiday(2030, 4, 19));
    CHECK(!rg_cal_is_holiday(2026, 4, 2));
}

/* King's Day: 2024 Sat 27, 2025 Sat 26 (27th a Sunday), 2026 Mon 27, 2027 Tue 27,
 * 2028 Thu 27, 2029 Fri 27, 2030 Sat 27, 2031 Sat 26 (27th a Sunday). */
static void test_kings_day(void)
{
    static const struct { int y, d; } K[] = {
        {2024, 27}, {2025, 26}, {2026, 27}, {2027, 27}, {2028, 27}, {2029, 27}, {2030, 27}, {2031, 26},
    };
    for (size_t i = 0; i < sizeof K / sizeof K[0]; i++) {
        int other = K[i].d == 27 ? 26 : 27;
        if (!rg_cal_is_holiday(K[i].y, 4, K[i].d) || rg_cal_is_holiday(K[i].y, 4, other))
            printf("  King's Day %d wrong\n", K[i].y);
        CHECK(rg_cal_is_holiday(K[i].y, 4, K[i].d));
        CHECK(!rg_cal_is_holiday(K[i].y, 4, other));
    }
    CHECK(!rg_cal_is_working_day(2025, 4, 26));     /* a Saturday anyway */
    CHECK(!rg_cal_is_working_day(2026, 4, 27));     /* Monday, King's Day */
    CHECK(rg_cal_is_working_day(2026, 4, 28));
}

static void test_fixed_holidays_and_weekends(void)
{
    for (int y = 2024; y <= 2030; y++) {
        CHECK(rg_cal_is_holiday(y, 1, 1));
        CHECK(rg_cal_is_holiday(y, 5, 5));
        CHECK(rg_cal_is_holiday(y, 12, 25));
        CHECK(rg_cal_is_holiday(y, 12, 26));
        CHECK(!rg_cal_is_holiday(y, 12, 24));
        CHECK(!rg_cal_is_holiday(y, 12, 31));
        CHECK(!rg_cal_is_holiday(y, 1, 2) || y == 2026);      /* 2026: a decreed bridge day */
    }
    /* Count the days of 2026 the law and the decree take out: New Year,
     * Good Friday, Easter Monday, King's Day, Liberation Day, Ascension,
     * Whit Monday, Christmas, Boxing Day, and the bridge days 2 January and
     * 15 May. */
    int n = 0, working = 0;
    for (int m = 1; m <= 12; m++)
        for (int d = 1; d <= 31; d++) {
            if (d > 28 && m == 2) continue;
            if (d > 30 && (m == 4 || m == 6 || m == 9 || m == 11)) continue;
            n += rg_cal_is_holiday(2026, m, d);
            working += rg_cal_is_working_day(2026, m, d);
        }
    CHECK(n == 11);
    /* 2026 has 261 weekdays; New Year (Thu), Good Friday, Easter Monday,
     * King's Day (Mon), Liberation Day (Tue), Ascension (Thu), Whit Monday,
     * Christmas (Fri) and both bridge days (Fri) fall on weekdays, Boxing
     * Day on a Saturday: 261 - 10 = 251. */
    CHECK(working == 251);
    CHECK(!rg_cal_is_working_day(2026, 11, 21));    /* Saturday */
    CHECK(!rg_cal_is_working_day(2026, 11, 22));    /* Sunday */
    CHECK(rg_cal_is_working_day(2026, 11, 23));     /* Monday */
}

/* CEST from the last Sunday of March 01:00 UTC to the last Sunday of October
 * 01:00 UTC: 2024 Mar 31 / Oct 27, 2025 Mar 30 / Oct 26, 2026 Mar 29 / Oct 25. */
static void test_dst_switches(void)
{
    static const struct { int y, md, od; } S[] = {{2024, 31, 27}, {2025, 30, 26}, {2026, 29, 25}};
    for (size_t i = 0; i < sizeof S / sizeof S[0]; i++) {
        int64_t spring = utc(S[i].y, 3, S[i].md, 1, 0), autumn = utc(S[i].y, 10, S[i].od, 1, 0);
        CHECK(rg_cal_utc_offset_min(spring - 1) == 60);
        CHECK(rg_cal_utc_offset_min(spring) == 120);
        CHECK(rg_cal_utc_offset_min(autumn - 1) == 120);
        CHECK(rg_cal_utc_offset_min(autumn) == 60);
        CHECK(local_is(spring - MINUTE, S[i].y, 3, S[i].md, 1, 59));
        CHECK(local_is(spring, S[i].y, 3, S[i].md, 3, 0));
        CHECK(local_is(autumn - MINUTE, S[i].y, 10, S[i].od, 2, 59));
        CHECK(local_is(autumn, S[i].y, 10, S[i].od, 2, 0));
    }
    CHECK(rg_cal_utc_offset_min(utc(2026, 1, 15, 12, 0)) == 60);
    CHECK(rg_cal_utc_offset_min(utc(2026, 7, 15, 12, 0)) == 120);
    /* Local to UTC round trips, and the spring gap moves forward an hour. */
    CHECK(rg_cal_from_local(2026, 7, 1, 10, 0, 0, 0) == utc(2026, 7, 1, 8, 0));
    CHECK(rg_cal_from_local(2026, 1, 5, 10, 0, 0, 0) == utc(2026, 1, 5, 9, 0));
    CHECK(rg_cal_from_local(2026, 3, 29, 2, 30, 0, 0) == utc(2026, 3, 29, 1, 30));
    CHECK(rg_cal_from_local(2026, 10, 25, 2, 30, 0, 0) == utc(2026, 10, 25, 0, 30));
}

static void test_working_days_after(void)
{
    /* Monday 10:00 + 5 = the next Monday 10:00. */
    int64_t mon = rg_cal_from_local(2026, 11, 23, 10, 0, 0, 0);
    CHECK(local_is(rg_cal_add_working_days(mon, 5), 2026, 11, 30, 10, 0));
    CHECK(local_is(rg_cal_add_working_days(mon, 1), 2026, 11, 24, 10, 0));
    CHECK(rg_cal_add_working_days(mon, 0) == mon);
    /* Friday + 1 = Monday; an event on Saturday + 1 = Monday too. */
    CHECK(local_is(rg_cal_add_working_days(rg_cal_from_local(2026, 11, 20, 16, 30, 0, 0), 1),
                   2026, 11, 23, 16, 30));
    CHECK(local_is(rg_cal_add_working_days(rg_cal_from_local(2026, 11, 21, 9, 0, 0, 0), 1),
                   2026, 11, 23, 9, 0));
    /* Christmas: Friday 19 Dec 2025 + 5 = Mon 22, Tue 23, Wed 24, Mon 29, Tue 30. */
    CHECK(local_is(rg_cal_add_working_days(rg_cal_from_local(2025, 12, 19, 10, 0, 0, 0), 5),
                   2025, 12, 30, 10, 0));
    /* New Year 2026 (Thursday), and Friday 2 Jan a decreed bridge day:
     * Wed 31 Dec 2025 + 1 = Monday 5 Jan. */
    CHECK(local_is(rg_cal_add_working_days(rg_cal_from_local(2025, 12, 31, 14, 0, 0, 0), 1),
                   2026, 1, 5, 14, 0));
    /* Easter 2026: Good Friday 3 Apr and Easter Monday 6 Apr off:
     * Thu 2 Apr + 2 = Tue 7, Wed 8. */
    CHECK(local_is(rg_cal_add_working_days(rg_cal_from_local(2026, 4, 2, 11, 0, 0, 0), 2),
                   2026, 4, 8, 11, 0));
    /* King's Day 2026: Fri 24 Apr + 1 = Tue 28. */
    CHECK(local_is(rg_cal_add_working_days(rg_cal_from_local(2026, 4, 24, 9, 0, 0, 0), 1),
                   2026, 4, 28, 9, 0));
    /* Liberation Day 2026 (Tue 5 May): Mon 4 May + 3 = Wed 6, Thu 7, Fri 8.
     * Ascension (Thu 14 May) and the bridge day Fri 15: Wed 13 + 1 = Mon 18. */
    CHECK(local_is(rg_cal_add_working_days(rg_cal_from_local(2026, 5, 4, 9, 0, 0, 0), 3),
                   2026, 5, 8, 9, 0));
    CHECK(local_is(rg_cal_add_working_days(rg_cal_from_local(2026, 5, 13, 9, 0, 0, 0), 1),
                   2026, 5, 18, 9, 0));
    /* Whit Monday 2026 (25 May): Fri 22 + 1 = Tue 26. */
    CHECK(local_is(rg_cal_add_working_days(rg_cal_from_local(2026, 5, 22, 9, 0, 0, 0), 1),
                   2026, 5, 26, 9, 0));
    /* Across the spring switch: Fri 27 Mar 2026 10:00 CET (09:00 UTC) + 1 =
     * Mon 30 Mar 10:00 CEST (08:00 UTC): the same wall-clock time. */
    int64_t before = rg_cal_from_local(2026, 3, 27, 10, 0, 0, 0);
    CHECK(before == utc(2026, 3, 27, 9, 0));
    CHECK(rg_cal_add_working_days(before, 1) == utc(2026, 3, 30, 8, 0));
    /* And the autumn one: Fri 23 Oct 2026 10:00 CEST + 1 = Mon 26 Oct 10:00 CET. */
    CHECK(rg_cal_add_working_days(rg_cal_from_local(2026, 10, 23, 10, 0, 0, 0), 1) ==
          utc(2026, 10, 26, 9, 0));
    /* Ten working days over Christmas and New Year 2026/27: from Mon 21 Dec
     * 2026: 22, 23, 24, 28, 29, 30, 31 Dec, 4, 5, 6 Jan (Fri 1 Jan off). */
    CHECK(local_is(rg_cal_add_working_days(rg_cal_from_local(2026, 12, 21, 9, 0, 0, 0), 10),
                   2027, 1, 6, 9, 0));
}

/* The law's calendar (issue 21, finding 14): the bridge days the decree
 * for 2026-2028 equates with holidays are data with the decree's name, and a
 * region's own closed days count only for that region's norms. */
static void test_decreed_and_closed_days(void)
{
    static const int bridge[][3] = {{2026, 1, 2}, {2026, 5, 15}, {2027, 5, 7}, {2028, 4, 28}, {2028, 5, 26}};
    for (size_t i = 0; i < 5; i++) {
        const char *why = rg_cal_holiday_name(bridge[i][0], bridge[i][1], bridge[i][2]);
        CHECK(why && strstr(why, "Algemene termijnenwet 2026-2028"));
        CHECK(!rg_cal_is_working_day(bridge[i][0], bridge[i][1], bridge[i][2]));
    }
    CHECK(rg_cal_is_working_day(2029, 5, 11));               /* no decree for 2029 yet */
    const char *gf = rg_cal_holiday_name(2027, 3, 26);       /* Good Friday 2027 */
    CHECK(gf && strstr(gf, "Goede Vrijdag"));
    /* Ascension 2027 (Thu 6 May) and its bridge day: Wed 5 May + 1 = Mon 10. */
    CHECK(local_is(rg_cal_add_working_days(rg_cal_from_local(2027, 5, 5, 9, 0, 0, 0), 1), 2027, 5, 10, 9, 0));
    /* A region closed on carnival Monday and Tuesday 2027 (8 and 9 Feb):
     * Fri 5 Feb + 2 = Wed 10, Thu 11; without them Mon 8, Tue 9. */
    int64_t closed[2] = {rg_cal_days_from_civil(2027, 2, 8), rg_cal_days_from_civil(2027, 2, 9)};
    int64_t fri = rg_cal_from_local(2027, 2, 5, 9, 0, 0, 0);
    CHECK(local_is(rg_cal_add_working_days_closed(fri, 2, closed, 2), 2027, 2, 11, 9, 0));
    CHECK(local_is(rg_cal_add_working_days_closed(fri, 2, NULL, 0), 2027, 2, 9, 9, 0));
}

static void test_end_of_day_and_months(void)
{
    /* A user-given date falls due at the end of that day, local time. */
    CHECK(rg_cal_end_of_day(2026, 7, 1) == utc(2026, 7, 1, 22, 0));
    CHECK(rg_cal_end_of_day(2026, 1, 31) == utc(2026, 1, 31, 23, 0));
    CHECK(rg_cal_end_of_day(2026, 12, 31) == utc(2026, 12, 31, 23, 0));
    /* The day of the spring switch ends at 22:00 UTC (already CEST). */
    CHECK(rg_cal_end_of_day(2026, 3, 29) == utc(2026, 3, 29, 22, 0));
    /* Months: the same local time, the day clamped to the month's end. */
    CHECK(local_is(rg_cal_add_months(rg_cal_from_local(2026, 1, 31, 12, 0, 0, 0), 1), 2026, 2, 28, 12, 0));
    CHECK(local_is(rg_cal_add_months(rg_cal_from_local(2027, 11, 30, 12, 0, 0, 0), 3), 2028, 2, 29, 12, 0));
    CHECK(local_is(rg_cal_add_months(rg_cal_from_local(2026, 2, 15, 8, 0, 0, 0), 6), 2026, 8, 15, 8, 0));
}

int main(void)
{
    RUN(test_easter_2024_2030);
    RUN(test_kings_day);
    RUN(test_fixed_holidays_and_weekends);
    RUN(test_dst_switches);
    RUN(test_working_days_after);
    RUN(test_decreed_and_closed_days);
    RUN(test_end_of_day_and_months);
    return rg_t_exit();
}
