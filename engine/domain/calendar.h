/*
 * calendar.h - working days in Europe/Amsterdam.
 *
 * Days are Amsterdam civil days: CET (UTC+1), and CEST (UTC+2) from the last
 * Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC (the EU
 * rule, in force since 1996; no tz database is needed).  Working days are
 * Monday to Friday minus the Dutch public holidays: New Year's Day, Easter
 * Monday, King's Day (27 April, or 26 April when the 27th is a Sunday),
 * Liberation Day (5 May), Ascension Day, Whit Monday, Christmas and Boxing
 * Day.  Times are ms since the Unix epoch, UTC.
 */
#ifndef RG_CALENDAR_H
#define RG_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#endif
