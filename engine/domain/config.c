/*
 * config.c - reading the regions' configuration file; the format is in
 * config.h.  Blank lines and text after `#` are ignored; anything else that
 * is not a known key with a valid value is an error naming the line, and
 * the engine does not start.
 */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "case.h"
#include "calendar.h"
#include "config.h"
#include "../storage/errors.h"
#include "schema.h"

static void base_defaults(rg_region_cfg *r)
{
    memset(r, 0, sizeof *r);
    for (int rt = 0; rt < RG_NROUTES; rt++)
        for (int i = 0; rg_norms[i].name && i < RG_MAX_NORMS; i++) r->amounts[rt][i] = rg_norms[i].amount;
    r->esc_start_level = 1;
}

static void sync_compat(rg_config *cfg)
{
    memcpy(cfg->norm_amounts, cfg->base.amounts[RG_RT_DEFAULT], sizeof cfg->norm_amounts);
    cfg->esc_start_level = cfg->base.esc_start_level;
}

void rg_config_defaults(rg_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    base_defaults(&cfg->base);
    sync_compat(cfg);
}

const rg_region_cfg *rg_config_region(const rg_config *cfg, const char *zvh)
{
    for (int i = 0; i < cfg->nregions; i++)
        if (strcmp(cfg->regions[i].zvh, zvh) == 0) return &cfg->regions[i];
    return &cfg->base;
}

void rg_config_set_all(rg_config *cfg, int norm, int amount)
{
    for (int rt = 0; rt < RG_NROUTES; rt++) {
        cfg->base.amounts[rt][norm] = amount;
        for (int i = 0; i < cfg->nregions; i++) cfg->regions[i].amounts[rt][norm] = amount;
    }
    sync_compat(cfg);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1])) *--end = '\0';
    return s;
}

static int weekday(const char *s)
{
    static const char *const days[] = {"monday", "tuesday", "wednesday", "thursday", "friday",
                                       "saturday", "sunday"};
    for (int i = 0; i < 7; i++)
        if (strcasecmp(s, days[i]) == 0) return i + 1;
    return 0;
}

/* One `key = value`; an error message into err (empty: fine). */
static void set_key(rg_region_cfg *r, const char *key, const char *val, char *err, size_t cap)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(val, &end, 10);
    bool number = *val && !*end && !errno;
    if (strcmp(key, "escalation.start_level") == 0) {
        if (!number || v < 1 || v > RG_ESC_TOP) snprintf(err, cap, "escalation.start_level is 1, 2 or 3");
        else r->esc_start_level = (int)v;
        return;
    }
    if (strcmp(key, "triage.day") == 0) {
        if (!(r->triage_day = weekday(val))) snprintf(err, cap, "triage.day is a weekday (monday .. sunday)");
        return;
    }
    if (strcmp(key, "closed") == 0) {
        /* closed = 2027-02-08, 2027-02-09: dates, comma-separated */
        for (const char *p = val; *p;) {
            while (*p == ' ' || *p == ',') p++;
            if (!*p) break;
            size_t len = strcspn(p, ", ");
            int64_t ms;
            bool date_only = false;
            if (len != 10 || !rg_parse_iso(p, 10, &ms, &date_only) || !date_only) {
                snprintf(err, cap, "closed is a list of dates, e.g. closed = 2027-02-08, 2027-02-09");
                return;
            }
            if (r->nclosed == RG_MAX_CLOSED) {
                snprintf(err, cap, "closed: at most %d days", RG_MAX_CLOSED);
                return;
            }
            int y = atoi(p), m = atoi(p + 5), d = atoi(p + 8);
            r->closed[r->nclosed++] = rg_cal_days_from_civil(y, m, d);
            p += len;
        }
        return;
    }
    if (strcmp(key, "triage.cutoff") == 0) {
        char day[16];
        int hh, mm;
        if (sscanf(val, "%15s %d:%d", day, &hh, &mm) != 3 || !weekday(day) || hh < 0 || hh > 23 || mm < 0 ||
            mm > 59)
            snprintf(err, cap, "triage.cutoff is a weekday and a time, e.g. monday 12:00");
        else {
            r->cutoff_day = weekday(day);
            r->cutoff_min = hh * 60 + mm;
        }
        return;
    }
    /* [ROUTE.]norm.NAME and ROUTE.cap */
    int route = -1;
    const char *rest = key;
    const char *dot = strchr(key, '.');
    if (dot && strncmp(key, "norm.", 5) != 0) {
        route = rg_route_parse(key, (uint32_t)(dot - key));
        if (route < 0) {
            snprintf(err, cap, "%.*s is no route", (int)(dot - key), key);
            return;
        }
        rest = dot + 1;
    }
    if (route >= 0 && strcmp(rest, "cap") == 0) {
        if (!number || v < 0 || v > 10000) snprintf(err, cap, "%s is a whole number", key);
        else r->cap[route] = (int)v;
        return;
    }
    /* norm.info_request: the information request's norm when it names no
     * date of its own (CONTRACT.md), the amount of norm info.answer. */
    int n = strcmp(rest, "norm.info_request") == 0 ? rg_norm_find("info.answer")
            : strncmp(rest, "norm.", 5) == 0      ? rg_norm_find(rest + 5)
                                                  : -1;
    if (n < 0 || !number || v < 0 || v > 100000) {
        snprintf(err, cap, "expected [ROUTE.]norm.NAME = N with a known norm, ROUTE.cap = N, "
                           "escalation.start_level, triage.day, triage.cutoff or closed");
        return;
    }
    for (int rt = 0; rt < RG_NROUTES; rt++)
        if (route < 0 || rt == route) r->amounts[rt][n] = (int)v;
}

/* Say what is wrong with the file: into why when the caller asked for it
 * (a request's reply), else on stderr (the engine's start). */
static void complain(char *why, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void complain(char *why, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (why) vsnprintf(why, cap, fmt, ap);
    else {
        fputs("regie: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
    }
    va_end(ap);
}

static int load(FILE *f, const char *path, rg_config *cfg, char *why, size_t whycap)
{
    char line[512], err[256];
    int lineno = 0, rc = 0;
    rg_region_cfg *cur = &cfg->base;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        char *s = trim(line);
        if (!*s) continue;
        err[0] = '\0';
        if (*s == '[') {
            char *close = strchr(s, ']');
            char *name = close ? (*close = '\0', trim(s + 1)) : NULL;
            if (!name || !*name || strlen(name) >= RG_ID_MAX || trim(close + 1)[0])
                snprintf(err, sizeof err, "expected [REGION]");
            else if (cfg->nregions == RG_MAX_REGIONS)
                snprintf(err, sizeof err, "more than %d regions", RG_MAX_REGIONS);
            else if (rg_config_region(cfg, name) != &cfg->base)
                snprintf(err, sizeof err, "region %s has a section already", name);
            else {
                cur = &cfg->regions[cfg->nregions++];
                *cur = cfg->base;                     /* from the defaults so far */
                snprintf(cur->zvh, sizeof cur->zvh, "%s", name);
            }
        } else {
            char *eq = strchr(s, '=');
            if (!eq) {
                snprintf(err, sizeof err, "expected KEY = VALUE or [REGION]");
            } else {
                *eq = '\0';
                set_key(cur, trim(s), trim(eq + 1), err, sizeof err);
            }
        }
        if (err[0]) {
            complain(why, whycap, "%s:%d: %s", path, lineno, err);
            rc = RG_EBADREQ;
        }
    }
    for (int i = 0; rc == 0 && i < cfg->nregions; i++) {
        const rg_region_cfg *r = &cfg->regions[i];
        if (!r->triage_day != !r->cutoff_day) {
            complain(why, whycap, "%s: region %s: triage.day and triage.cutoff go together", path, r->zvh);
            rc = RG_EBADREQ;
        }
    }
    if (rc == 0 && !cfg->base.triage_day != !cfg->base.cutoff_day) {
        complain(why, whycap, "%s: triage.day and triage.cutoff go together", path);
        rc = RG_EBADREQ;
    }
    sync_compat(cfg);
    return rc;
}

int rg_config_load(const char *path, rg_config *cfg)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "regie: cannot read config %s: %s\n", path, strerror(errno));
        return RG_EBADREQ;
    }
    int rc = load(f, path, cfg, NULL, 0);
    fclose(f);
    return rc;
}

int rg_config_parse(const char *text, size_t n, const char *name, rg_config *cfg, char *why, size_t cap)
{
    snprintf(why, cap, "%s: cannot be read", name);
    if (memchr(text, 0, n)) {
        snprintf(why, cap, "%s: holds a NUL byte", name);
        return RG_EBADREQ;
    }
    if (n == 0) return 0;                      /* nothing changed: cfg as it was */
    FILE *f = fmemopen((void *)text, n, "r");
    if (!f) return RG_EBADREQ;
    int rc = load(f, name, cfg, why, cap);
    fclose(f);
    return rc;
}
