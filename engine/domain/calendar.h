/*
 * calendar.h - working days in Europe/Amsterdam.
 *
 * Days are Amsterdam civil days: CET (UTC+1), and CEST (UTC+2) from the last
 * Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC (the EU
 * rule, in force since 1996; no tz database is needed).  Working days are
 * Monday to Friday minus the days the Algemene termijnenwet (art. 3) takes
 * out, which are data in schemas/holidays.c: New Year's Day, Good Friday,
 * Easter Monday, King's Day (27 April, or 26 April when the 27th is a
 * Sunday), Liberation Day (5 May), Ascension Day, Whit Monday, Christmas and
 * Boxing Day, and the bridge days a decree equates with them; and, for a
 * region's own norms, its closed days.  Times are ms since the Unix epoch,
 * UTC.
 */
#ifndef RG_CALENDAR_H
#define RG_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A recognised holiday (schemas/holidays.c): a fixed date, a day counted
 * from Easter Sunday, or King's Day (its date, the day before when that is
 * a Sunday). */
enum { RG_HOLIDAY_DATE = 1, RG_HOLIDAY_EASTER, RG_HOLIDAY_KING };
typedef struct rg_holiday_rule {
    int kind, month, day;     /* RG_HOLIDAY_EASTER: day is the offset from Easter Sunday */
    const char *name;
} rg_holiday_rule;
/* A day a decree equates with the recognised holidays (art. 3(3)). */
typedef struct rg_decreed_day {
    int y, m, d;
    const char *decree;
} rg_decreed_day;
extern const rg_holiday_rule rg_holiday_rules[];     /* ends with kind 0 */
extern const rg_decreed_day rg_decreed_days[];       /* ends with year 0 */
/* What makes a date no working day by law or decree (its name, or the
 * decree's), or NULL. */
const char *rg_cal_holiday_name(int y, int m, int d);

/* Days since 1970-01-01 of a date in the proleptic Gregorian calendar. */
int64_t rg_cal_days_from_civil(int y, int m, int d);
/* The date of a day number (days since 1970-01-01). */
void rg_cal_civil(int64_t days, int *y, int *m, int *d);
int rg_cal_month_days(int y, int m);
void rg_cal_easter(int year, int *month, int *day);
bool rg_cal_is_holiday(int y, int m, int d);
bool rg_cal_is_working_day(int y, int m, int d);
int rg_cal_utc_offset_min(int64_t utc_ms);          /* 60 or 120 */
void rg_cal_to_local(int64_t utc_ms, int *y, int *m, int *d, int *hh, int *mm, int *ss, int *msec);
/* Local civil time to UTC.  A time in the spring gap (02:00-03:00) is moved
 * forward by the hour it lacks; one in the autumn overlap is taken in CEST
 * (the earlier instant). */
int64_t rg_cal_from_local(int y, int m, int d, int hh, int mm, int ss, int msec);
/* The same local time of day on the nth working day after the day of utc_ms
 * (that day itself does not count); n = 0 gives utc_ms. */
int64_t rg_cal_add_working_days(int64_t utc_ms, int n);
/* The same by the list the engine kept before it took the law's (no Good
 * Friday, no decreed days): for events appended before due times were
 * recorded in them, so a rebuild gives their deadlines the times they had. */
int64_t rg_cal_add_working_days_legacy(int64_t utc_ms, int n);
/* The same, counting as closed also the days of `closed` (n days since
 * 1970-01-01, any order): a region's own closed days. */
int64_t rg_cal_add_working_days_closed(int64_t utc_ms, int n, const int64_t *closed, int nclosed);
/* The same local time of day n calendar days later: across a DST change
 * that is 23 or 25 hours for one of the days, not n * 24 h. */
int64_t rg_cal_add_days(int64_t utc_ms, int n);
/* The same local time n months later (the day clamped to the month's end). */
int64_t rg_cal_add_months(int64_t utc_ms, int n);
/* The end of a date given by a user: local midnight that starts the next
 * day.  A deadline is met by anything strictly before it. */
int64_t rg_cal_end_of_day(int y, int m, int d);
/* An instant as a person reads it, in Amsterdam time: "Wed 6 May 2026
 * 09:00"; local midnight, which ends a day (a date's deadline), as the day
 * it ends: "Wed 6 May 2026, end of day".  Returns what snprintf does. */
int rg_cal_words(int64_t utc_ms, char *buf, size_t cap);

/* Parse an ISO 8601 date ("2026-12-01") or date-time with offset or Z
 * ("2026-12-01T10:00:00+01:00"); *ms is the UTC instant in ms since the epoch.
 * A bare date yields midnight UTC of that day and sets *date_only.  Years
 * 1900..9999, offsets up to 14:59. */
bool rg_parse_iso(const char *p, uint32_t n, int64_t *ms /* OUT */, bool *date_only /* OUT */);

#endif
