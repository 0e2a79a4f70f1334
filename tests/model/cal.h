/*
 * cal.h - the reference model's own calendar: Amsterdam civil time and Dutch
 * working days, written from DOMAIN.md ("Stagnation") and the EU summer-time
 * rule, independently of engine/calendar.c, so that the model-based test
 * checks the engine's calendar instead of repeating it.
 *
 * Times are ms since the Unix epoch (UTC).  Local time is CET (UTC+1), and
 * CEST (UTC+2) from the last Sunday of March 01:00 UTC to the last Sunday of
 * October 01:00 UTC.  A local time that does not exist (the spring gap,
 * 02:00-03:00) moves forward by the missing hour; one that exists twice
 * (the autumn overlap) is the earlier, CEST instant.
 *
 * Working days: Monday to Friday except New Year's Day, Easter Monday,
 * King's Day (27 April; 26 April when the 27th is a Sunday), Liberation Day
 * (5 May, every year), Ascension Day, Whit Monday, 25 and 26 December.
 */
#ifndef RG_MODEL_CAL_H
#define RG_MODEL_CAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MC_MINUTE 60000LL
#define MC_HOUR (60 * MC_MINUTE)
#define MC_DAY (24 * MC_HOUR)

/* A local civil time: the date and the ms since local midnight. */
typedef struct mc_local {
    int y, m, d;
    int64_t tod;
} mc_local;

int64_t mc_days(int y, int m, int d);                 /* days since 1970-01-01 */
void mc_date(int64_t days, int *y, int *m, int *d);   /* the inverse */
int mc_month_days(int y, int m);
bool mc_is_holiday(int y, int m, int d);
bool mc_is_working_day(int y, int m, int d);
int mc_offset_min(int64_t ms);                        /* 60 or 120 */
mc_local mc_to_local(int64_t ms);
int64_t mc_from_local(int y, int m, int d, int64_t tod);

/* Norms (DOMAIN.md): the same local time of day on the nth working day
 * after the day of ms (that day itself never counts). */
int64_t mc_add_working_days(int64_t ms, int n);
/* The same local time of day n calendar days later (6 weeks = 42 days: not
 * 42 x 24 h across a change of summer time). */
int64_t mc_add_days(int64_t ms, int n);
/* The same local time n months later, the day clamped to the month's end. */
int64_t mc_add_months(int64_t ms, int n);
/* The end of a date a user gives: the local midnight that starts the next day. */
int64_t mc_end_of_day(int y, int m, int d);

/* "YYYY-MM-DD" of the local date `days` days after that of ms. */
void mc_date_str(int64_t ms, int days, char *out, size_t cap);
/* ISO 8601 with the local offset, e.g. "2026-03-29T03:30:00+02:00". */
void mc_iso(int64_t ms, char *out, size_t cap);

#endif
