/*
 * cal.c - the reference model's calendar; see cal.h.  Deliberately plain:
 * every function walks day by day where the engine may be clever, so the
 * two are unlikely to share a mistake.
 */
#include "cal.h"

#include <stdio.h>

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t mc_days(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void mc_date(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int mc_month_days(int y, int m)
{
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : len[m - 1];
}

/* 0 = Monday ... 6 = Sunday; 1970-01-01 was a Thursday. */
static int mc_weekday(int64_t days)
{
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

/* Easter Sunday, the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
static int64_t mc_easter(int y)
{
    int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
    return mc_days(y, month, day);
}

bool mc_is_holiday(int y, int m, int d)
{
    if ((m == 1 && d == 1) || (m == 5 && d == 5) || (m == 12 && (d == 25 || d == 26))) return true;
    /* King's Day moves to Saturday the 26th when the 27th is a Sunday. */
    bool kings27_sunday = mc_weekday(mc_days(y, 4, 27)) == 6;
    if (m == 4 && d == (kings27_sunday ? 26 : 27)) return true;
    /* The bridge days the decree for 2026-2028 equates with holidays
     * (Algemene termijnenwet art. 3(3)), written out here, not read from
     * the engine's table. */
    static const int bridge[][3] = {{2026, 1, 2}, {2026, 5, 15}, {2027, 5, 7}, {2028, 4, 28}, {2028, 5, 26}};
    for (size_t i = 0; i < sizeof bridge / sizeof bridge[0]; i++)
        if (bridge[i][0] == y && bridge[i][1] == m && bridge[i][2] == d) return true;
    int64_t day = mc_days(y, m, d), easter = mc_easter(y);
    return day == easter - 2      /* Good Friday (art. 3(2)) */
        || day == easter + 1      /* Easter Monday */
        || day == easter + 39     /* Ascension Day */
        || day == easter + 50;    /* Whit Monday */
}

bool mc_is_working_day(int y, int m, int d)
{
    return mc_weekday(mc_days(y, m, d)) < 5 && !mc_is_holiday(y, m, d);
}

/* The last Sunday of the month, 01:00 UTC. */
static int64_t mc_last_sunday_0100(int y, int m)
{
    int64_t day = mc_days(y, m, mc_month_days(y, m));
    while (mc_weekday(day) != 6) day--;
    return day * MC_DAY + MC_HOUR;
}

int mc_offset_min(int64_t ms)
{
    int y, m, d;
    mc_date(ms >= 0 ? ms / MC_DAY : (ms - MC_DAY + 1) / MC_DAY, &y, &m, &d);
    return ms >= mc_last_sunday_0100(y, 3) && ms < mc_last_sunday_0100(y, 10) ? 120 : 60;
}

mc_local mc_to_local(int64_t ms)
{
    int64_t l = ms + mc_offset_min(ms) * MC_MINUTE;
    int64_t days = l >= 0 ? l / MC_DAY : (l - MC_DAY + 1) / MC_DAY;
    mc_local out;
    mc_date(days, &out.y, &out.m, &out.d);
    out.tod = l - days * MC_DAY;
    return out;
}

int64_t mc_from_local(int y, int m, int d, int64_t tod)
{
    int64_t l = mc_days(y, m, d) * MC_DAY + tod;
    /* Try summer time first, so an hour that happens twice is the earlier one. */
    int64_t cest = l - 2 * MC_HOUR, cet = l - MC_HOUR;
    if (mc_offset_min(cest) == 120) return cest;
    if (mc_offset_min(cet) == 60) return cet;
    /* In the spring gap: read as CET, which is the hour it lacks later in CEST. */
    return cet;
}

int64_t mc_add_working_days(int64_t ms, int n)
{
    if (n == 0) return ms;
    mc_local t = mc_to_local(ms);
    int64_t day = mc_days(t.y, t.m, t.d);
    int y = t.y, m = t.m, d = t.d;
    while (n > 0) {
        day++;
        mc_date(day, &y, &m, &d);
        if (mc_is_working_day(y, m, d)) n--;
    }
    return mc_from_local(y, m, d, t.tod);
}

int64_t mc_add_days(int64_t ms, int n)
{
    mc_local t = mc_to_local(ms);
    int y, m, d;
    mc_date(mc_days(t.y, t.m, t.d) + n, &y, &m, &d);
    return mc_from_local(y, m, d, t.tod);
}

int64_t mc_add_months(int64_t ms, int n)
{
    mc_local t = mc_to_local(ms);
    int mi = t.y * 12 + (t.m - 1) + n;
    int y = mi / 12, m = mi % 12 + 1;
    int d = t.d > mc_month_days(y, m) ? mc_month_days(y, m) : t.d;
    return mc_from_local(y, m, d, t.tod);
}

int64_t mc_end_of_day(int y, int m, int d)
{
    int ny, nm, nd;
    mc_date(mc_days(y, m, d) + 1, &ny, &nm, &nd);
    return mc_from_local(ny, nm, nd, 0);
}

void mc_date_str(int64_t ms, int days, char *out, size_t cap)
{
    mc_local t = mc_to_local(ms);
    int y, m, d;
    mc_date(mc_days(t.y, t.m, t.d) + days, &y, &m, &d);
    snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
}

void mc_iso(int64_t ms, char *out, size_t cap)
{
    mc_local t = mc_to_local(ms);
    int64_t s = t.tod / 1000;
    snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d+%02d:00", t.y, t.m, t.d, (int)(s / 3600),
             (int)(s / 60 % 60), (int)(s % 60), mc_offset_min(ms) / 60);
}
