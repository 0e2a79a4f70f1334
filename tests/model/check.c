/*
 * check.c - the engine's view of a case against the model; see check.h.
 * Everything is turned into short text keys, sorted and compared, so a
 * difference prints as the lines only one side has.
 */
#include "check.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal.h"

#define KEY MV_KEY

void mv_printf(rg_buf *diff, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof line) n = sizeof line - 1;
    if (diff->len) diff->len--;                     /* over the old NUL */
    rg_buf_append(diff, line, (size_t)n);
    rg_buf_append(diff, "", 1);
}

const char *mv_time(int64_t ms, char *out, size_t cap)
{
    char iso[40];
    mc_iso(ms, iso, sizeof iso);
    snprintf(out, cap, "%s (%" PRId64 ")", iso, ms);
    return out;
}

/* A field of a map as text: strings as they are, integers in decimal, nil
 * and absent as "", anything else as its type. */
static void mv_field(const rg_val *m, const char *key, char *out, size_t cap)
{
    const rg_val *v = rg_map_get(m, key);
    uint64_t u;
    bool b;
    out[0] = 0;
    if (!v || rg_val_type(v) == RG_VNIL) return;
    if (rg_val_strcpy(v, out, cap)) return;
    if (rg_val_uint(v, &u)) snprintf(out, cap, "%" PRIu64, u);
    else if (rg_val_type(v) == RG_VINT) snprintf(out, cap, "%" PRId64, rg_val_int(v));
    else if (rg_val_bool(v, &b)) snprintf(out, cap, "%s", b ? "true" : "false");
    else snprintf(out, cap, "<%s>", rg_vtype_name(rg_val_type(v)));
}

static int mv_cmp_key(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* Compare two lists of keys as multisets; print what only one side has. */
static int mv_diff_keys(const char *what, char (*eng)[KEY], int ne, char (*mod)[KEY], int nm, rg_buf *diff)
{
    qsort(eng, (size_t)ne, KEY, mv_cmp_key);
    qsort(mod, (size_t)nm, KEY, mv_cmp_key);
    int i = 0, j = 0, bad = 0;
    while (i < ne || j < nm) {
        int c = i == ne ? 1 : j == nm ? -1 : strcmp(eng[i], mod[j]);
        if (c == 0) {
            i++, j++;
        } else if (c < 0) {
            mv_printf(diff, "    %s: engine has    %s\n", what, eng[i++]);
            bad++;
        } else {
            mv_printf(diff, "    %s: model expects %s\n", what, mod[j++]);
            bad++;
        }
    }
    return bad;
}

/* Local time to the ms ("nil" for 0): keys must tell apart instants that
 * differ by a millisecond. */
static void mv_fmt_time(int64_t ms, char *out, size_t cap)
{
    if (!ms) {
        snprintf(out, cap, "nil");
        return;
    }
    mc_local t = mc_to_local(ms);
    int64_t s = t.tod / 1000;
    snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+%02d", t.y, t.m, t.d, (int)(s / 3600),
             (int)(s / 60 % 60), (int)(s % 60), (int)(t.tod % 1000), mc_offset_min(ms) / 60);
}

/* A time field of the engine as text, like mv_fmt_time. */
static void mv_eng_time(const rg_val *m, const char *key, char *out, size_t cap)
{
    const rg_val *v = rg_map_get(m, key);
    uint64_t u;
    if (!v || rg_val_type(v) == RG_VNIL) snprintf(out, cap, "nil");
    else if (rg_val_uint(v, &u)) mv_fmt_time((int64_t)u, out, cap);
    else mv_field(m, key, out, cap);
}

static int mv_check_deadlines(const rg_val *cs, const m_case *m, rg_buf *diff)
{
    const rg_val *dls = rg_map_get(cs, "deadlines"), *sts = rg_map_get(cs, "stagnations");
    uint32_t nd = rg_array_size(dls), ns = rg_array_size(sts);
    char (*eng)[KEY] = calloc(nd + ns + 1, KEY);
    char (*mod)[KEY] = calloc((size_t)m->ndl + 1, KEY);
    int ne = 0, nm = 0, bad = 0;
    char norm[64], item[64], due[40], since[40], esc[40];
    for (uint32_t i = 0; i < nd; i++) {
        const rg_val *d = rg_array_at(dls, i);
        mv_field(d, "norm", norm, sizeof norm);
        if (strcmp(norm, "retention") == 0) continue;   /* see check.h */
        mv_field(d, "item", item, sizeof item);
        mv_eng_time(d, "due", due, sizeof due);
        snprintf(eng[ne++], KEY, "%s item=%s due=%s", norm, item, due);
    }
    for (int i = 0; i < m->ndl; i++) {
        const m_deadline *d = &m->dl[i];
        if (d->fired) continue;
        mv_fmt_time(d->due, due, sizeof due);
        snprintf(mod[nm++], KEY, "%s item=%s due=%s", m_norm_names[d->norm], d->item, due);
    }
    bad += mv_diff_keys("deadline", eng, ne, mod, nm, diff);
    ne = nm = 0;
    for (uint32_t i = 0; i < ns; i++) {
        const rg_val *d = rg_array_at(sts, i);
        mv_field(d, "norm", norm, sizeof norm);
        mv_field(d, "item", item, sizeof item);
        mv_eng_time(d, "due", due, sizeof due);
        mv_eng_time(d, "since", since, sizeof since);
        mv_eng_time(d, "escalates_at", esc, sizeof esc);
        snprintf(eng[ne++], KEY, "%s item=%s due=%s since=%s escalates_at=%s", norm, item, due, since, esc);
    }
    for (int i = 0; i < m->ndl; i++) {
        const m_deadline *d = &m->dl[i];
        if (!d->fired) continue;
        mv_fmt_time(d->due, due, sizeof due);
        mv_fmt_time(d->since, since, sizeof since);
        mv_fmt_time(d->escalates_at, esc, sizeof esc);
        snprintf(mod[nm++], KEY, "%s item=%s due=%s since=%s escalates_at=%s", m_norm_names[d->norm], d->item,
                 due, since, esc);
    }
    bad += mv_diff_keys("stagnation", eng, ne, mod, nm, diff);
    free(eng);
    free(mod);
    return bad;
}

int mv_check_case(const rg_val *cs, const m_case *m, rg_buf *diff)
{
    int bad = 0;
    char state[32];
    mv_field(cs, "state", state, sizeof state);
    if (strcmp(state, m_state_names[m->state]) != 0) {
        mv_printf(diff, "    state: engine %s, model %s\n", state, m_state_names[m->state]);
        bad++;
    }
    uint64_t v = 0;
    rg_val_uint(rg_map_get(cs, "version"), &v);
    if (v != (uint64_t)m->nev) {
        mv_printf(diff, "    version: engine %" PRIu64 ", model %d (events)\n", v, m->nev);
        bad++;
    }
    char route[32];
    mv_field(cs, "route", route, sizeof route);
    if (strcmp(route, m_route_names[m->route]) != 0) {
        mv_printf(diff, "    route: engine %s, model %s\n", route, m_route_names[m->route]);
        bad++;
    }
    /* CONTRACT.md, "Routes": a relapse is counted per case (case.get
     * `relapses`; absent reads as none). */
    uint64_t relapses = 0;
    rg_val_uint(rg_map_get(cs, "relapses"), &relapses);
    if (relapses != (uint64_t)m->relapses) {
        mv_printf(diff, "    relapses: engine %" PRIu64 ", model %d\n", relapses, m->relapses);
        bad++;
    }
    uint64_t level = 0;
    rg_val_uint(rg_map_get(rg_map_get(cs, "escalation"), "level"), &level);
    if (level != (uint64_t)m->level) {
        mv_printf(diff, "    escalation level: engine %" PRIu64 ", model %d\n", level, m->level);
        bad++;
    }
    return bad + mv_check_deadlines(cs, m, diff);
}

/* The key of an event: what of it the rules decide. */
static void mv_event_key(char *out, int64_t at, const char *type, bool system, const char *norm, const char *item,
                      const char *due, const char *level, bool autoesc)
{
    char t[40];
    mv_fmt_time(at, t, sizeof t);
    int n = snprintf(out, KEY, "%s %s by %s", t, type, system ? "system" : "user");
    if (strcmp(type, "stagnation.detected") == 0)
        snprintf(out + n, (size_t)(KEY - n), " norm=%s item=%s due=%s", norm, item, due);
    else if (strcmp(type, "stagnation.cleared") == 0)
        snprintf(out + n, (size_t)(KEY - n), " norm=%s item=%s", norm, item);
    else if (strcmp(type, "case.escalated") == 0)
        snprintf(out + n, (size_t)(KEY - n), " level=%s auto=%d", level, autoesc);
}

/* The key of the engine's event i. */
void mv_engine_key(const rg_val *events, uint32_t i, char *out)
{
    const rg_val *ev = rg_array_at(events, i), *data = rg_map_get(ev, "data");
    char type[40], actor[64], norm[64], item[64], due[40], level[16], autos[8];
    uint64_t at = 0;
    rg_val_uint(rg_map_get(ev, "at"), &at);
    mv_field(ev, "type", type, sizeof type);
    mv_field(rg_map_get(ev, "actor"), "id", actor, sizeof actor);
    mv_field(data, "norm", norm, sizeof norm);
    mv_field(data, "item", item, sizeof item);
    mv_eng_time(data, "due", due, sizeof due);
    mv_field(data, "level", level, sizeof level);
    mv_field(data, "auto", autos, sizeof autos);
    mv_event_key(out, (int64_t)at, type, strcmp(actor, "system") == 0, norm, item, due, level,
                 strcmp(autos, "true") == 0);
}

static void mv_model_key(const m_event *e, char *out)
{
    char due[40], level[16];
    mv_fmt_time(e->due, due, sizeof due);
    snprintf(level, sizeof level, "%d", e->level);
    mv_event_key(out, e->at, e->type, e->system, e->norm >= 0 ? m_norm_names[e->norm] : "", e->item, due, level,
                 e->autoesc);
}

int mv_check_alerts(const m_case *m, char (*keys)[MV_KEY], const uint8_t *alerted, int n, rg_buf *diff)
{
    char (*eng)[KEY] = calloc((size_t)n + 1, KEY);
    char (*mod)[KEY] = calloc((size_t)n + 1, KEY);
    char (*either)[KEY] = calloc((size_t)n + 1, KEY);
    int ne = 0, nm = 0, nx = 0;
    for (int v = 0; v < n && v < m->nev; v++) {
        if (m->ev[v].alerts_managers == M_YES) mv_model_key(&m->ev[v], mod[nm++]);
        if (m->ev[v].alerts_managers == M_EITHER) mv_model_key(&m->ev[v], either[nx++]);
    }
    /* What the engine alerted beyond what the model may leave out. */
    for (int v = 0; v < n; v++) {
        if (!alerted[v]) continue;
        int x = 0;
        while (x < nx && strcmp(either[x], keys[v]) != 0) x++;
        if (x < nx) either[x][0] = 0;           /* used: matches no key again */
        else memcpy(eng[ne++], keys[v], KEY);
    }
    int bad = mv_diff_keys("manager alerted by", eng, ne, mod, nm, diff);
    free(eng);
    free(mod);
    free(either);
    return bad;
}

void mv_dump_events(const rg_val *events, const m_case *m, int last, rg_buf *diff)
{
    char key[KEY];
    int ne = (int)rg_array_size(events);
    mv_printf(diff, "    the engine's events (v%d..v%d):\n", ne > last ? ne - last + 1 : 1, ne);
    for (int i = ne > last ? ne - last : 0; i < ne; i++) {
        mv_engine_key(events, (uint32_t)i, key);
        mv_printf(diff, "      v%-3d %s\n", i + 1, key);
    }
    mv_printf(diff, "    the model's events (v%d..v%d):\n", m->nev > last ? m->nev - last + 1 : 1, m->nev);
    for (int i = m->nev > last ? m->nev - last : 0; i < m->nev; i++) {
        mv_model_key(&m->ev[i], key);
        mv_printf(diff, "      v%-3d %s\n", i + 1, key);
    }
}

int mv_check_events(const rg_val *events, int from, const m_case *m, rg_buf *diff)
{
    int ne = (int)rg_array_size(events) - from, nm = m->nev - from, bad = 0;
    if (ne < 0) ne = 0;
    if (nm < 0) nm = 0;
    char (*eng)[KEY] = calloc((size_t)ne + 1, KEY);
    char (*mod)[KEY] = calloc((size_t)nm + 1, KEY);
    int64_t last_at = 0;
    for (int i = 0; i < ne; i++) {
        uint64_t at = 0;
        rg_val_uint(rg_map_get(rg_array_at(events, (uint32_t)(from + i)), "at"), &at);
        mv_engine_key(events, (uint32_t)(from + i), eng[i]);
        if ((int64_t)at < last_at) {
            mv_printf(diff, "    event v%d: its at goes back in time: %s\n", from + i + 1, eng[i]);
            bad++;
        }
        last_at = (int64_t)at;
    }
    for (int i = 0; i < nm; i++) mv_model_key(&m->ev[from + i], mod[i]);
    /* An engine escalation that names its stagnation: only when one matured. */
    for (int i = 0; i < nm; i++) {
        const m_event *e = &m->ev[from + i];
        if (strcmp(e->type, "case.escalated") != 0 || !e->autoesc || e->norm < 0) continue;
        for (int j = 0; j < ne; j++) {
            const rg_val *ev = rg_array_at(events, (uint32_t)(from + j)), *data = rg_map_get(ev, "data");
            uint64_t at = 0;
            rg_val_uint(rg_map_get(ev, "at"), &at);
            if ((int64_t)at != e->at || !rg_val_is_str(rg_map_get(ev, "type"), "case.escalated")) continue;
            char norm[64], item[64];
            mv_field(data, "norm", norm, sizeof norm);
            mv_field(data, "item", item, sizeof item);
            if (strcmp(norm, m_norm_names[e->norm]) != 0 || strcmp(item, e->item) != 0) {
                mv_printf(diff, "    event v%d: case.escalated names norm=%s item=%s, model: %s item=%s\n",
                          from + j + 1, norm, item, m_norm_names[e->norm], e->item);
                bad++;
            }
        }
    }
    /* Sorting the keys (which start with the time) compares each instant's
     * events as a multiset; the order across instants was checked above. */
    bad += mv_diff_keys("event", eng, ne, mod, nm, diff);
    free(eng);
    free(mod);
    return bad;
}
