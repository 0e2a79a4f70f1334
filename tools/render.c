/* render.c - replies as JSON or as an indented tree; see render.h. */
#include "render.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../engine/domain/calendar.h"

static void json_str(FILE *out, const char *p, uint32_t n)
{
    fputc('"', out);
    for (uint32_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch == '"' || ch == '\\') {
            fputc('\\', out);
            fputc(ch, out);
        } else if (ch < 0x20) {
            switch (ch) {
            case '\n': fputs("\\n", out); break;
            case '\r': fputs("\\r", out); break;
            case '\t': fputs("\\t", out); break;
            default: fprintf(out, "\\u%04x", ch);
            }
        } else if (ch < 0x80) {
            fputc(ch, out);
        } else {
            /* Pass well-formed UTF-8 through; replace anything else. */
            int len = (ch >> 5) == 6 ? 2 : (ch >> 4) == 14 ? 3 : (ch >> 3) == 30 ? 4 : 0;
            bool ok = len && i + (uint32_t)len <= n;
            for (int k = 1; ok && k < len; k++) ok = ((unsigned char)p[i + k] >> 6) == 2;
            if (ok) {
                fwrite(p + i, 1, (size_t)len, out);
                i += (uint32_t)len - 1;
            } else {
                fputs("\\ufffd", out);
            }
        }
    }
    fputc('"', out);
}

/* ---- time zones ---- */

/* Europe/Amsterdam by the engine's own calendar (the EU rule; no tz
 * database needed), or TZ through the C library when TZ names another. */
static int zone_mode = -1;           /* -1 unknown, 0 Amsterdam, 1 TZ */

static bool amsterdam(void)
{
    if (zone_mode < 0) {
        const char *tz = getenv("TZ");
        if (tz && *tz == ':') tz++;
        zone_mode = tz && *tz && strcmp(tz, "Europe/Amsterdam") != 0;
        if (zone_mode) tzset();
    }
    return zone_mode == 0;
}

const char *rg_render_zone(void)
{
    const char *tz = getenv("TZ");
    if (amsterdam()) return "Europe/Amsterdam";
    return *tz == ':' ? tz + 1 : tz;
}

typedef struct local_time {
    int y, m, d, hh, mm, ss, msec, off_min;
} local_time;

static local_time local_of(int64_t ms)
{
    local_time t;
    if (amsterdam()) {
        rg_cal_to_local(ms, &t.y, &t.m, &t.d, &t.hh, &t.mm, &t.ss, &t.msec);
        t.off_min = rg_cal_utc_offset_min(ms);
        return t;
    }
    int64_t s = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    time_t tt = (time_t)s;
    struct tm tm;
    localtime_r(&tt, &tm);
    t.y = tm.tm_year + 1900;
    t.m = tm.tm_mon + 1;
    t.d = tm.tm_mday;
    t.hh = tm.tm_hour;
    t.mm = tm.tm_min;
    t.ss = tm.tm_sec;
    t.msec = (int)(ms - s * 1000);
    t.off_min = (int)(tm.tm_gmtoff / 60);
    return t;
}

void rg_render_local(char *buf, size_t cap, uint64_t ms, bool deadline)
{
    local_time t = local_of((int64_t)ms);
    if (deadline && !t.hh && !t.mm && !t.ss && !t.msec) {
        /* The end of a day: a date's deadline reads as the day itself (the
         * instant is the next day's 00:00, which an alert of it shows). */
        local_time e = local_of((int64_t)ms - 1);
        snprintf(buf, cap, "%04d-%02d-%02d, end of day", e.y, e.m, e.d);
        return;
    }
    snprintf(buf, cap, "%04d-%02d-%02d %02d:%02d", t.y, t.m, t.d, t.hh, t.mm);
}

void rg_render_iso_local(char *buf, size_t cap, uint64_t ms)
{
    local_time t = local_of((int64_t)ms);
    char frac[8] = "";
    if (t.msec) snprintf(frac, sizeof frac, ".%03d", t.msec);
    int off = t.off_min < 0 ? -t.off_min : t.off_min;
    snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d%s%c%02d:%02d", t.y, t.m, t.d, t.hh, t.mm, t.ss, frac,
             t.off_min < 0 ? '-' : '+', off / 60, off % 60);
}

void rg_render_duration(char *buf, size_t cap, uint64_t ms)
{
    uint64_t s = ms / 1000, m = s / 60, h = m / 60, d = h / 24;
    if (ms == 0) snprintf(buf, cap, "0s");
    else if (ms < 1000) snprintf(buf, cap, "%" PRIu64 "ms", ms);
    else if (s < 60) snprintf(buf, cap, "%" PRIu64 "s", s);
    else if (m < 60) snprintf(buf, cap, "%" PRIu64 "m", m);
    else if (h < 24) snprintf(buf, cap, "%" PRIu64 "h %" PRIu64 "m", h, m % 60);
    else snprintf(buf, cap, "%" PRIu64 "d %" PRIu64 "h", d, h % 24);
}

static int digits(const char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

bool rg_render_local_input(const char *s, char *buf, size_t cap)
{
    size_t n = strlen(s);
    if ((n != 16 && n != 19) || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') ||
        s[13] != ':' || (n == 19 && s[16] != ':'))
        return false;
    int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2), hh = digits(s + 11, 2),
        mi = digits(s + 14, 2), ss = n == 19 ? digits(s + 17, 2) : 0;
    if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > rg_cal_month_days(y, mo) || hh < 0 || hh > 23 ||
        mi < 0 || mi > 59 || ss < 0 || ss > 59)
        return false;
    int64_t ms;
    if (amsterdam()) {
        ms = rg_cal_from_local(y, mo, d, hh, mi, ss, 0);
    } else {
        struct tm tm = {0};
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        tm.tm_hour = hh;
        tm.tm_min = mi;
        tm.tm_sec = ss;
        tm.tm_isdst = -1;
        ms = (int64_t)mktime(&tm) * 1000;
    }
    rg_render_iso_local(buf, cap, (uint64_t)ms);
    return true;
}

void rg_render_iso(char *buf, size_t cap, uint64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- what a value is, by its key ---- */

typedef enum { K_PLAIN, K_INSTANT, K_DEADLINE, K_DURATION } kind;
/* What the members of a map are, by the map's own key: the norms an event
 * sets (norm name -> due time), or durations (stats' *_ms maps). */
typedef enum { C_NONE, C_NORMS, C_DURATIONS } context;

#define INSTANT_MIN 100000000000ULL     /* 1973: below it, not an instant */

static bool key_is(const char *k, uint32_t n, const char *w)
{
    return strlen(w) == n && memcmp(k, w, n) == 0;
}

static bool key_ends(const char *k, uint32_t n, const char *w)
{
    size_t l = strlen(w);
    return n > l && memcmp(k + n - l, w, l) == 0;
}

static kind kind_named(const char *k, uint32_t n, context ctx)
{
    if (ctx == C_NORMS) return K_DEADLINE;
    if (ctx == C_DURATIONS)
        return key_is(k, n, "cases") || key_is(k, n, "fired") || key_is(k, n, "count") ? K_PLAIN : K_DURATION;
    if (key_ends(k, n, "_ms")) return K_DURATION;
    /* A due time may be a date's end; when the ladder moves is an instant. */
    if (key_is(k, n, "due") || key_is(k, n, "deadline") || key_is(k, n, "expires")) return K_DEADLINE;
    if (key_is(k, n, "at") || key_is(k, n, "since") || key_is(k, n, "now") || key_is(k, n, "state_since") ||
        key_ends(k, n, "_at") || key_ends(k, n, "_since"))
        return K_INSTANT;
    return K_PLAIN;
}

static context context_named(const char *k, uint32_t n, context outer)
{
    if (outer == C_DURATIONS) return C_DURATIONS;
    if (key_is(k, n, "norms")) return C_NORMS;
    if (key_ends(k, n, "_ms")) return C_DURATIONS;
    return C_NONE;
}

static kind kind_of(const rg_val *key, context ctx)
{
    const char *k;
    uint32_t n;
    return rg_val_str(key, &k, &n) ? kind_named(k, n, ctx) : K_PLAIN;
}

static context context_of(const rg_val *key, context outer)
{
    const char *k;
    uint32_t n;
    return rg_val_str(key, &k, &n) ? context_named(k, n, outer) : C_NONE;
}

/* An instant, when v is one by its key. */
static bool as_instant(const rg_val *v, kind k, uint64_t *ms)
{
    return (k == K_INSTANT || k == K_DEADLINE) && rg_val_uint(v, ms) && *ms >= INSTANT_MIN;
}

/* ---- JSON ---- */

static void json_value(FILE *out, const rg_val *v, kind k, context ctx)
{
    const char *s;
    const uint8_t *b;
    uint32_t n;
    uint64_t u;
    bool bo;
    char iso[48];
    if (as_instant(v, k, &u)) {
        rg_render_iso_local(iso, sizeof iso, u);
        fprintf(out, "\"%s\"", iso);
        return;
    }
    switch (rg_val_type(v)) {
    case RG_VNIL: fputs("null", out); return;
    case RG_VBOOL: rg_val_bool(v, &bo); fputs(bo ? "true" : "false", out); return;
    case RG_VUINT: rg_val_uint(v, &u); fprintf(out, "%" PRIu64, u); return;
    case RG_VINT: fprintf(out, "%" PRId64, rg_val_int(v)); return;
    case RG_VFLOAT: fprintf(out, "%.17g", rg_val_float(v)); return;
    case RG_VSTR: rg_val_str(v, &s, &n); json_str(out, s, n); return;
    case RG_VBIN:
        rg_val_bin(v, &b, &n);
        fputc('"', out);
        for (uint32_t i = 0; i < n; i++) fprintf(out, "%02x", b[i]);
        fputc('"', out);
        return;
    case RG_VARRAY:
        fputc('[', out);
        for (uint32_t i = 0; i < rg_array_size(v); i++) {
            if (i) fputc(',', out);
            json_value(out, rg_array_at(v, i), K_PLAIN, ctx == C_DURATIONS ? ctx : C_NONE);
        }
        fputc(']', out);
        return;
    case RG_VMAP:
        fputc('{', out);
        for (uint32_t i = 0; i < rg_map_size(v); i++) {
            if (i) fputc(',', out);
            const rg_val *key = rg_map_key(v, i);
            if (rg_val_str(key, &s, &n)) json_str(out, s, n);
            else { fputc('"', out); json_value(out, key, K_PLAIN, C_NONE); fputc('"', out); }
            fputc(':', out);
            json_value(out, rg_map_value(v, i), kind_of(key, ctx), context_of(key, ctx));
        }
        fputc('}', out);
        return;
    default: fputs("null", out); return;
    }
}

void rg_render_json(FILE *out, const rg_val *v) { json_value(out, v, K_PLAIN, C_NONE); }

/* ---- for people ---- */

static bool scalar(const rg_val *v)
{
    rg_vtype t = rg_val_type(v);
    return t != RG_VMAP && t != RG_VARRAY;
}

/* A date-time string with an offset, as a date-time given by a user is kept
 * ("2026-12-08T10:00:00+01:00"), in local time; false for anything else. */
static bool string_instant(const char *s, uint32_t n, uint64_t *ms)
{
    int64_t t;
    bool date_only;
    if (!rg_parse_iso(s, n, &t, &date_only) || date_only || t < 0) return false;
    *ms = (uint64_t)t;
    return true;
}

static void human_scalar(FILE *out, const rg_val *v, kind k)
{
    const char *s;
    uint32_t n;
    uint64_t u;
    char t[48];
    if (rg_val_str(v, &s, &n)) {
        if ((k == K_INSTANT || k == K_DEADLINE) && string_instant(s, n, &u)) {
            rg_render_local(t, sizeof t, u, k == K_DEADLINE);
            fputs(t, out);
        } else {
            fwrite(s, 1, n, out);
        }
    } else if (as_instant(v, k, &u)) {
        rg_render_local(t, sizeof t, u, k == K_DEADLINE);
        fputs(t, out);
    } else if (k == K_DURATION && rg_val_uint(v, &u)) {
        rg_render_duration(t, sizeof t, u);
        fputs(t, out);
    } else if (rg_val_type(v) == RG_VNIL) {
        fputc('-', out);
    } else {
        rg_render_json(out, v);
    }
    fputc('\n', out);
}

static void human_tree(FILE *out, const rg_val *v, int indent, kind k, context ctx)
{
    if (rg_val_type(v) == RG_VMAP) {
        for (uint32_t i = 0; i < rg_map_size(v); i++) {
            const rg_val *key = rg_map_key(v, i), *val = rg_map_value(v, i);
            const char *s;
            uint32_t n;
            fprintf(out, "%*s", indent, "");
            if (rg_val_str(key, &s, &n)) fwrite(s, 1, n, out); else rg_render_json(out, key);
            if (scalar(val)) {
                fputs(": ", out);
                human_scalar(out, val, kind_of(key, ctx));
            } else if (rg_val_type(val) == RG_VARRAY && rg_array_size(val) == 0) {
                fputs(": []\n", out);
            } else {
                fputs(":\n", out);
                human_tree(out, val, indent + 2, kind_of(key, ctx), context_of(key, ctx));
            }
        }
    } else if (rg_val_type(v) == RG_VARRAY) {
        for (uint32_t i = 0; i < rg_array_size(v); i++) {
            const rg_val *item = rg_array_at(v, i);
            fprintf(out, "%*s-", indent, "");
            if (scalar(item)) {
                fputc(' ', out);
                human_scalar(out, item, k);
            } else {
                fputc('\n', out);
                human_tree(out, item, indent + 2, K_PLAIN, ctx == C_DURATIONS ? ctx : C_NONE);
            }
        }
    } else {
        fprintf(out, "%*s", indent, "");
        human_scalar(out, v, k);
    }
}

void rg_render_human(FILE *out, const rg_val *v, int indent) { human_tree(out, v, indent, K_PLAIN, C_NONE); }

void rg_render_human_field(FILE *out, const char *key, const rg_val *v, int indent)
{
    uint32_t n = (uint32_t)strlen(key);
    kind k = kind_named(key, n, C_NONE);
    fprintf(out, "%*s%s", indent, "", key);
    if (scalar(v)) {
        fputs(": ", out);
        human_scalar(out, v, k);
    } else if (rg_val_type(v) == RG_VARRAY && rg_array_size(v) == 0) {
        fputs(": []\n", out);
    } else {
        fputs(":\n", out);
        human_tree(out, v, indent + 2, k, context_named(key, n, C_NONE));
    }
}
