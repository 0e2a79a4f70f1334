/* calendar.c - Amsterdam days and Dutch public holidays; see calendar.h. */
#include "calendar.h"

#include <pthread.h>
#include <stdio.h>

#include "../storage/errors.h"

#define DAY_MS 86400000LL

int64_t rg_cal_days_from_civil(int y, int m, int d)
{
    /* Howard Hinnant's algorithm. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
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
    RG_ASSERT(*m >= 1 && *m <= 12 && *d >= 1 && *d <= 31);
}

static int weekday(int64_t days)     /* 0 = Monday ... 6 = Sunday */
{
    int64_t w = (days + 3) % 7;      /* 1970-01-01 was a Thursday */
    return (int)(w < 0 ? w + 7 : w);
}

int rg_cal_month_days(int y, int m)
{
    static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    RG_ASSERT(m >= 1 && m <= 12);            /* every caller checked the month first */
    return m == 2 && leap ? 29 : md[m - 1];
}

void rg_cal_easter(int year, int *month, int *day)
{
    /* The anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
    int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    *month = (h + l - 7 * m + 114) / 31;
    *day = (h + l - 7 * m + 114) % 31 + 1;
    RG_ASSERT(*month == 3 || *month == 4);    /* Easter falls from 22 March to 25 April */
}

const char *rg_cal_holiday_name(int y, int m, int d)
{
    int64_t day = rg_cal_days_from_civil(y, m, d);
    int em, ed;
    rg_cal_easter(y, &em, &ed);
    int64_t easter = rg_cal_days_from_civil(y, em, ed);
    for (const rg_holiday_rule *r = rg_holiday_rules; r->kind; r++) {
        switch (r->kind) {
        case RG_HOLIDAY_DATE:
            if (m == r->month && d == r->day) return r->name;
            break;
        case RG_HOLIDAY_EASTER:
            if (day == easter + r->day) return r->name;
            break;
        case RG_HOLIDAY_KING: {
            int64_t king = rg_cal_days_from_civil(y, r->month, r->day);
            if (weekday(king) == 6) king--;                /* a Sunday: the day before */
            if (day == king) return r->name;
            break;
        }
        default:
            break;
        }
    }
    for (const rg_decreed_day *x = rg_decreed_days; x->y; x++)
        if (x->y == y && x->m == m && x->d == d) return x->decree;
    return NULL;
}

bool rg_cal_is_holiday(int y, int m, int d) { return rg_cal_holiday_name(y, m, d) != NULL; }

bool rg_cal_is_working_day(int y, int m, int d)
{
    return weekday(rg_cal_days_from_civil(y, m, d)) < 5 && !rg_cal_is_holiday(y, m, d);
}

/* The last Sunday of a month, 01:00 UTC, in ms. */
static int64_t switch_ms(int y, int m)
{
    int64_t last = rg_cal_days_from_civil(y, m, rg_cal_month_days(y, m));
    last -= (weekday(last) + 1) % 7;               /* back to Sunday */
    return last * DAY_MS + 3600000LL;
}

int rg_cal_utc_offset_min(int64_t utc_ms)
{
    int y, m, d;
    int64_t days = utc_ms >= 0 ? utc_ms / DAY_MS : (utc_ms - DAY_MS + 1) / DAY_MS;
    civil_from_days(days, &y, &m, &d);
    return utc_ms >= switch_ms(y, 3) && utc_ms < switch_ms(y, 10) ? 120 : 60;
}

void rg_cal_to_local(int64_t utc_ms, int *y, int *m, int *d, int *hh, int *mm, int *ss, int *msec)
{
    int64_t local = utc_ms + (int64_t)rg_cal_utc_offset_min(utc_ms) * 60000;
    int64_t days = local >= 0 ? local / DAY_MS : (local - DAY_MS + 1) / DAY_MS;
    int64_t rest = local - days * DAY_MS;
    civil_from_days(days, y, m, d);
    *hh = (int)(rest / 3600000);
    *mm = (int)(rest / 60000 % 60);
    *ss = (int)(rest / 1000 % 60);
    *msec = (int)(rest % 1000);
}

int64_t rg_cal_from_local(int y, int m, int d, int hh, int mm, int ss, int msec)
{
    int64_t local = rg_cal_days_from_civil(y, m, d) * DAY_MS + hh * 3600000LL + mm * 60000LL +
                    ss * 1000LL + msec;
    int64_t summer = local - 120 * 60000LL, winter = local - 60 * 60000LL;
    if (rg_cal_utc_offset_min(summer) == 120) return summer;   /* CEST, or the overlap's first */
    if (rg_cal_utc_offset_min(winter) == 60) return winter;
    return summer + 60 * 60000LL;   /* the spring gap: the hour it lacks is added */
}

/* Working days from 1970 to 2200 as bits, each table computed once, when
 * first used: each deadline walks day by day, and replay sets millions of
 * them.  Days outside the table are computed as they come. */
#define WD_DAYS 84006                     /* 1970-01-01 up to 2200-01-01 */

typedef struct day_table {
    bool (*of)(int64_t day);              /* whether a day is a working day */
    pthread_once_t once;
    uint8_t bits[WD_DAYS / 8 + 1];
} day_table;

static bool in_table(day_table *t, void (*build)(void), int64_t day)
{
    if (day < 0 || day >= WD_DAYS) return t->of(day);
    pthread_once(&t->once, build);
    return t->bits[day / 8] >> (day % 8) & 1;
}

static void fill(day_table *t)
{
    for (int64_t day = 0; day < WD_DAYS; day++)
        if (t->of(day)) t->bits[day / 8] |= (uint8_t)(1u << (day % 8));
}

static bool law_working_day_of(int64_t day)
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    return rg_cal_is_working_day(y, m, d);
}

static day_table law_days = {law_working_day_of, PTHREAD_ONCE_INIT, {0}};
static void law_build(void) { fill(&law_days); }
static bool working_day(int64_t day) { return in_table(&law_days, law_build, day); }

/* n working days (by `working`) after utc_ms, at the same local time. */
static int64_t add_days(int64_t utc_ms, int n, bool (*working)(int64_t day))
{
    if (n <= 0) return utc_ms;
    int y, m, d, hh, mm, ss, ms;
    rg_cal_to_local(utc_ms, &y, &m, &d, &hh, &mm, &ss, &ms);
    int64_t day = rg_cal_days_from_civil(y, m, d);
    while (n > 0)
        if (working(++day)) n--;
    civil_from_days(day, &y, &m, &d);
    return rg_cal_from_local(y, m, d, hh, mm, ss, ms);
}

int64_t rg_cal_add_working_days(int64_t utc_ms, int n) { return add_days(utc_ms, n, working_day); }

/* A working day as counted before the law's calendar: Good Friday and the
 * decreed days were working days then. */
static bool legacy_working_day_of(int64_t day)
{
    if (weekday(day) >= 5) return false;
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    if (!rg_cal_holiday_name(y, m, d)) return true;
    int em, ed;
    rg_cal_easter(y, &em, &ed);
    if (day == rg_cal_days_from_civil(y, em, ed) - 2) return true;
    for (const rg_decreed_day *x = rg_decreed_days; x->y; x++)
        if (x->y == y && x->m == m && x->d == d) return true;
    return false;
}

/* Through a table as working_day (replay folds millions of events from
 * before recorded due times, each setting a deadline this way). */
static day_table legacy_days = {legacy_working_day_of, PTHREAD_ONCE_INIT, {0}};
static void legacy_build(void) { fill(&legacy_days); }
static bool legacy_working_day(int64_t day) { return in_table(&legacy_days, legacy_build, day); }

int64_t rg_cal_add_working_days_legacy(int64_t utc_ms, int n) { return add_days(utc_ms, n, legacy_working_day); }

int64_t rg_cal_add_working_days_closed(int64_t utc_ms, int n, const int64_t *closed, int nclosed)
{
    if (n <= 0) return utc_ms;
    if (nclosed <= 0) return rg_cal_add_working_days(utc_ms, n);
    int y, m, d, hh, mm, ss, ms;
    rg_cal_to_local(utc_ms, &y, &m, &d, &hh, &mm, &ss, &ms);
    int64_t day = rg_cal_days_from_civil(y, m, d);
    while (n > 0) {
        bool shut = !working_day(++day);
        for (int i = 0; i < nclosed && !shut; i++) shut = closed[i] == day;
        if (!shut) n--;
    }
    civil_from_days(day, &y, &m, &d);
    return rg_cal_from_local(y, m, d, hh, mm, ss, ms);
}

int64_t rg_cal_add_days(int64_t utc_ms, int n)
{
    int y, m, d, hh, mm, ss, ms;
    rg_cal_to_local(utc_ms, &y, &m, &d, &hh, &mm, &ss, &ms);
    civil_from_days(rg_cal_days_from_civil(y, m, d) + n, &y, &m, &d);
    return rg_cal_from_local(y, m, d, hh, mm, ss, ms);
}

int64_t rg_cal_add_months(int64_t utc_ms, int n)
{
    int y, m, d, hh, mm, ss, ms;
    rg_cal_to_local(utc_ms, &y, &m, &d, &hh, &mm, &ss, &ms);
    int total = y * 12 + (m - 1) + n;
    y = total / 12;
    m = total % 12 + 1;
    if (d > rg_cal_month_days(y, m)) d = rg_cal_month_days(y, m);
    return rg_cal_from_local(y, m, d, hh, mm, ss, ms);
}

int64_t rg_cal_end_of_day(int y, int m, int d)
{
    int ny, nm, nd;
    civil_from_days(rg_cal_days_from_civil(y, m, d) + 1, &ny, &nm, &nd);
    return rg_cal_from_local(ny, nm, nd, 0, 0, 0, 0);
}

void rg_cal_civil(int64_t days, int *y, int *m, int *d)
{
    civil_from_days(days, y, m, d);
}

int rg_cal_words(int64_t utc_ms, char *buf, size_t cap)
{
    static const char *const month[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    static const char *const wday[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};   /* 1970-01-01: Thu */
    int y, m, d, hh, mm, ss, ms;
    bool end = false;
    rg_cal_to_local(utc_ms, &y, &m, &d, &hh, &mm, &ss, &ms);
    if (hh == 0 && mm == 0 && ss == 0 && ms == 0) {
        rg_cal_to_local(utc_ms - 1, &y, &m, &d, &hh, &mm, &ss, &ms);     /* the day it ends */
        end = true;
    }
    int64_t days = rg_cal_days_from_civil(y, m, d);
    const char *wd = wday[((days % 7) + 7) % 7];
    if (end) return snprintf(buf, cap, "%s %d %s %d, end of day", wd, d, month[m - 1], y);
    return snprintf(buf, cap, "%s %d %s %d %02d:%02d", wd, d, month[m - 1], y, hh, mm);
}

/* ---- ISO 8601, the one parser (the engine's fields, its config and the
 * client's rendering alike) ---- */

static int digits(const char *p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return -1;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return 0;
}

bool rg_parse_iso(const char *p, uint32_t n, int64_t *ms, bool *date_only)
{
    int y, mo, d, h = 0, mi = 0, s = 0, oh = 0, om = 0, sign = 1;
    if (n < 10 || p[4] != '-' || p[7] != '-') return false;
    if (digits(p, 4, &y) || digits(p + 5, 2, &mo) || digits(p + 8, 2, &d)) return false;
    if (y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > rg_cal_month_days(y, mo)) return false;
    *date_only = n == 10;
    if (n > 10) {
        if (n < 20 || p[10] != 'T' || p[13] != ':' || p[16] != ':') return false;
        if (digits(p + 11, 2, &h) || digits(p + 14, 2, &mi) || digits(p + 17, 2, &s)) return false;
        if (h > 23 || mi > 59 || s > 59) return false;
        const char *z = p + 19;
        uint32_t zn = n - 19;
        if (zn == 1 && z[0] == 'Z') {
            /* UTC */
        } else if (zn == 6 && (z[0] == '+' || z[0] == '-') && z[3] == ':') {
            if (digits(z + 1, 2, &oh) || digits(z + 4, 2, &om) || oh > 14 || om > 59) return false;
            sign = z[0] == '-' ? -1 : 1;
        } else {
            return false;
        }
    }
    int64_t secs = rg_cal_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    secs -= sign * (oh * 3600 + om * 60);
    *ms = secs * 1000;
    return true;
}
