/*
 * whatif.c - a region's history replayed under other norms (whatif.h).
 *
 * One pass over the log in order, on the replay reader (replay_read.h: the
 * log read and parsed on a thread of its own).  Every case of the region has
 * a projection of its own here (rg_case, folded by the same apply functions
 * as the engine, so the same deadlines and the same ladder).  Before an event
 * of a case is folded, what falls due on that case up to the event's instant
 * is fired as services/due.c fires it: a deadline passed unmet is a
 * stagnation, an open stagnation escalates the case after five working days,
 * an open escalation whose decision deadline passes climbs a level.  Cases do
 * not interact, so each is brought up to date only when it is next touched,
 * and all of them at the end.
 *
 * Equal to reality by construction when the norms are the same: the events
 * that set norms carry their due times (data.norms); here those are
 * recomputed by rg_deadlines_plan from the other configuration, which with
 * the same configuration gives the same times, and the fold does the rest.
 * The engine fires a deadline a little after it falls due (the real clock);
 * the replay fires it at its due time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whatif.h"

#include "../core/dl_index.h"
#include "../domain/calendar.h"
#include "../domain/case.h"
#include "../domain/fold.h"
#include "../domain/contract.h"
#include "../domain/schema.h"
#include "../storage/codec.h"
#include "../storage/errors.h"
#include "../storage/hmap.h"
#include "replay_read.h"
#include "../domain/deadlines.h"

/* A pair of counts: what happened, what would have. */
typedef struct pair {
    uint64_t real, sim;
} pair;

typedef struct wcase {
    rg_case *cs;              /* NULL: a case of another region (skipped) */
    uint32_t stag_real, stag_sim;
} wcase;

typedef struct whatif {
    const rg_whatif_opts *o;
    uint64_t from, to;        /* the window; to inclusive when o->to == 0 */
    rg_hmap cases;            /* case id -> wcase */
    wcase **order;            /* the region's cases as first seen */
    size_t ncases, cap;
    rg_hmap stag;             /* "norm\0step" -> pair */
    rg_hmap alerts;           /* "actor\0week" -> pair */
    pair esc[RG_ESC_TOP + 1];
    pair totals_stag, totals_esc, totals_alerts;
    uint64_t events, replayed, first_at, last_at;
    rg_buf data;              /* an event's data with its norms replaced */
    rg_buf pairs;
    rg_doc *doc;
} whatif;

static wcase foreign_case;    /* the value of every other region's case */

static bool in_window(const whatif *w, uint64_t at)
{
    return at >= w->from && (w->o->to ? at < w->to : true);
}

static pair *count_in(rg_hmap *m, const char *a, const char *b)
{
    char key[RG_ID_MAX + 64 + 3];
    size_t la = strlen(a), lb = strlen(b);
    if (la > RG_ID_MAX) la = RG_ID_MAX;
    if (lb > 64) lb = 64;
    memcpy(key, a, la);
    key[la] = 0;
    memcpy(key + la + 1, b, lb);
    key[la + 1 + lb] = 0;
    size_t n = la + 1 + lb + 1;               /* both parts NUL-terminated (rows_of reads them) */
    pair *p = rg_hmap_get(m, key, n);
    if (!p) {
        p = rg_calloc(1, sizeof *p);
        rg_hmap_put(m, key, n, p);
    }
    return p;
}

/* The ISO 8601 week of an instant, in Europe/Amsterdam: "2026-W10". */
static void iso_week(uint64_t at, char *out, size_t cap)
{
    int y, m, d, hh, mm, ss, ms;
    rg_cal_to_local((int64_t)at, &y, &m, &d, &hh, &mm, &ss, &ms);
    int64_t day = rg_cal_days_from_civil(y, m, d);
    int wd = (int)(((day % 7) + 7 + 3) % 7) + 1;          /* 1 Monday .. 7 Sunday; 1970-01-01 a Thursday */
    int64_t thursday = day - wd + 4;                       /* the week's Thursday names its year */
    int ty, tm, td;
    rg_cal_civil(thursday, &ty, &tm, &td);
    int64_t week = (thursday - rg_cal_days_from_civil(ty, 1, 1)) / 7 + 1;
    snprintf(out, cap, "%04d-W%02d", ty, (int)week);
}

/* One stagnation or escalation, real or replayed: counted for the case's
 * procesregisseur (or "" for the managers, when none is assigned). */
static void count_alert(whatif *w, const rg_case *cs, uint64_t at, bool real)
{
    char week[16];
    iso_week(at, week, sizeof week);
    pair *p = count_in(&w->alerts, cs->procesregisseur, week);
    if (real) p->real++, w->totals_alerts.real++;
    else p->sim++, w->totals_alerts.sim++;
}

static void count_stagnation(whatif *w, wcase *wc, const char *norm, uint64_t at, bool real)
{
    if (!in_window(w, at)) return;
    pair *p = count_in(&w->stag, norm, rg_state_name(wc->cs->state));
    if (real) p->real++, w->totals_stag.real++, wc->stag_real++;
    else p->sim++, w->totals_stag.sim++, wc->stag_sim++;
    count_alert(w, wc->cs, at, real);
}

static void count_escalation(whatif *w, wcase *wc, uint64_t level, uint64_t at, bool real)
{
    if (!in_window(w, at) || level < 1 || level > RG_ESC_TOP) return;
    if (real) w->esc[level].real++, w->totals_esc.real++;
    else w->esc[level].sim++, w->totals_esc.sim++;
    count_alert(w, wc->cs, at, real);
}

/* The route the case is on, as core/apply.c's route_of sees it. */
static int route_of(const rg_case *cs, const rg_val *data)
{
    if (cs->route >= 0 && cs->version > 0) return cs->route;
    const char *p;
    uint32_t n;
    if (rg_val_str(rg_map_get(data, "route"), &p, &n) && rg_route_parse(p, n) >= 0) return rg_route_parse(p, n);
    return cs->route >= 0 ? cs->route : RG_RT_DEFAULT;
}

/* Fold one event into the replayed case, its norms' due times taken from
 * the other configuration.  data: the event's data (without norms or with
 * the real ones, which are replaced). */
static int fold(whatif *w, wcase *wc, const rg_evdef *def, const char *type, const rg_actor *actor,
                uint64_t seq, uint64_t at, const rg_val *data)
{
    rg_case *cs = wc->cs;
    const rg_region_cfg *rc = rg_config_region(w->o->cfg, w->o->zvh);
    int route = route_of(cs, data);
    rg_buf_reset(&w->pairs);
    uint32_t nnorms = def ? rg_deadlines_plan(route, def, at, rc, &w->pairs) : 0;
    /* The data again, without the recorded norms and with the replayed. */
    uint32_t nkeys = 0, size = rg_map_size(data);
    for (uint32_t i = 0; i < size; i++) nkeys += !rg_val_is_str(rg_map_key(data, i), "norms");
    rg_buf_reset(&w->data);
    rg_w_map(&w->data, nkeys + (nnorms > 0));
    for (uint32_t i = 0; i < size; i++) {
        if (rg_val_is_str(rg_map_key(data, i), "norms")) continue;
        rg_w_val(&w->data, rg_map_key(data, i));
        rg_w_val(&w->data, rg_map_value(data, i));
    }
    if (nnorms) {
        rg_w_cstr(&w->data, "norms");
        rg_w_map(&w->data, nnorms);
        rg_buf_append(&w->data, w->pairs.data, w->pairs.len);
    }
    const char *why;
    if (rg_doc_reparse(&w->doc, w->data.data, w->data.len, &why) < 0) return RG_ESTORAGE;
    rg_event_view v = {
        .seq = seq ? seq : cs->last_seq,
        .v = cs->version + 1,
        .at = at,
        .type = type,
        .actor = actor,
        .data = rg_doc_root(w->doc),
        .norm_amounts = rc->amounts[route],
        .def = def,
    };
    return rg_fold_apply(cs, &v);
}

static const rg_actor *system_actor(void)
{
    static const rg_actor a = {.id = "system", .role = RG_ROLE_SYSTEM, .org = "zvh",
                               .zvh = RG_ZVH_DEFAULT, .covenants = ~0u};
    return &a;
}

/* The deadline that next needs the engine on the case, in the deadline
 * index's order (time, then norm and item), or NULL when none has a time. */
static rg_deadline *next_due(rg_case *cs)
{
    rg_deadline *best = NULL;
    uint64_t bt = 0;
    for (uint32_t i = 0; i < cs->ndl; i++) {
        rg_deadline *d = &cs->dl[i];
        uint64_t t = rg_deadline_index_time(d);
        if (!t) continue;
        int c = !best ? -1 : t < bt ? -1 : t > bt ? 1 : strcmp(rg_norms[d->norm].name, rg_norms[best->norm].name);
        if (c == 0) c = strcmp(d->item, best->item);
        if (c < 0) best = d, bt = t;
    }
    return best;
}

/* Fire what falls due on the case up to `upto` (inclusive unless strict), as
 * services/due.c's fire() does. */
static int catch_up(whatif *w, wcase *wc, uint64_t upto, bool strict)
{
    rg_case *cs = wc->cs;
    const rg_region_cfg *rc = rg_config_region(w->o->cfg, w->o->zvh);
    rg_buf d = RG_BUF_INIT;
    int rc_ = 0;
    for (;;) {
        rg_deadline *dl = next_due(cs);
        if (!dl) break;
        uint64_t t = rg_deadline_index_time(dl);
        if (strict ? t >= upto : t > upto) break;
        int n = dl->norm;
        char norm[64], item[RG_ID_MAX];
        snprintf(norm, sizeof norm, "%s", rg_norms[n].name);
        snprintf(item, sizeof item, "%s", dl->item);
        const char *type;
        uint64_t level = 0;
        rg_buf_reset(&d);
        if (!dl->fired && rg_norms[n].fires == RG_FIRE_ERASE) {
            /* Retention is not replayed: the real erasures are kept.  The
             * deadline stays unfired, out of the way. */
            dl->due = UINT64_MAX;
            continue;
        } else if (!dl->fired && n == rg_norm_decision() && cs->esc_level > 0 && cs->esc_level < RG_ESC_TOP) {
            type = "case.escalated";
            level = (uint64_t)cs->esc_level + 1;
            rg_w_map(&d, 2);
            rg_w_kuint(&d, "level", level);
            rg_w_kbool(&d, "auto", true);
        } else if (!dl->fired) {
            type = "stagnation.detected";
            rg_w_map(&d, 4);
            rg_w_kstr(&d, "norm", norm);
            rg_w_kstr(&d, "item", item);
            rg_w_kuint(&d, "due", dl->due);
            rg_w_kuint(&d, "late_ms", 0);
        } else {
            type = "case.escalated";
            level = (uint64_t)rc->esc_start_level;
            rg_w_map(&d, 4);
            rg_w_kuint(&d, "level", level);
            rg_w_kstr(&d, "norm", norm);
            rg_w_kstr(&d, "item", item);
            rg_w_kbool(&d, "auto", true);
        }
        rg_doc *doc;
        const char *why;
        if (rg_doc_parse(&doc, d.data, d.len, &why) < 0) {
            rc_ = RG_ESTORAGE;
            break;
        }
        rc_ = fold(w, wc, rg_event_find(type), type, system_actor(), 0, t, rg_doc_root(doc));
        rg_doc_free(doc);
        /* The fold moves what it fired on (fired, climbed, or no time while
         * an escalation is open); a deadline left as it was would fire for
         * ever. */
        rg_deadline *again = NULL;
        for (uint32_t i = 0; rc_ == 0 && i < cs->ndl; i++)
            if (cs->dl[i].norm == n && strcmp(cs->dl[i].item, item) == 0) again = &cs->dl[i];
        if (rc_ == 0 && again && rg_deadline_index_time(again) == t)
            rc_ = RG_ESTORAGE;
        if (rc_ < 0) break;
        if (level) count_escalation(w, wc, level, t, false);
        else count_stagnation(w, wc, norm, t, false);
    }
    rg_buf_free(&d);
    return rc_;
}

/* Is this event one the engine derives from the norms (made again here)? */
static bool derived(const rg_replay_ev *ev)
{
    if (strcmp(ev->view.actor->id, "system") != 0) return false;
    return !strcmp(ev->view.type, "stagnation.detected") || !strcmp(ev->view.type, "case.escalated") ||
           !strcmp(ev->view.type, "stagnation.cleared");
}

static wcase *case_of(whatif *w, const rg_replay_ev *ev)
{
    size_t n = strlen(ev->case_id);
    wcase *wc = rg_hmap_get(&w->cases, ev->case_id, n);
    if (wc) return wc == &foreign_case ? NULL : wc;
    /* First seen: its report names the region (domain: case.reported). */
    char zvh[RG_ID_MAX] = "";
    if (!rg_val_strcpy(rg_map_get(ev->view.data, "zvh"), zvh, sizeof zvh) || !zvh[0])
        snprintf(zvh, sizeof zvh, "%s", RG_ZVH_DEFAULT);
    if (strcmp(zvh, w->o->zvh) != 0) {
        rg_hmap_put(&w->cases, ev->case_id, n, &foreign_case);
        return NULL;
    }
    wc = rg_calloc(1, sizeof *wc);
    wc->cs = rg_case_new(ev->case_id);
    rg_hmap_put(&w->cases, ev->case_id, n, wc);
    if (w->ncases == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 1024;
        w->order = rg_realloc(w->order, w->cap * sizeof *w->order);
    }
    w->order[w->ncases++] = wc;
    return wc;
}

static int step(whatif *w, const rg_replay_ev *ev)
{
    const rg_event_view *v = &ev->view;
    w->events++;
    if (v->at > w->last_at) w->last_at = v->at;
    if (!w->first_at) w->first_at = v->at;
    wcase *wc = case_of(w, ev);
    if (!wc) return 0;
    w->replayed++;
    int rc = catch_up(w, wc, v->at, false);
    if (rc < 0) return rc;
    if (derived(ev)) {
        /* Reality: counted with the case as it stands (the state and
         * procesregisseur come from the events both share). */
        if (!strcmp(v->type, "stagnation.detected")) {
            char norm[64] = "";
            rg_val_strcpy(rg_map_get(v->data, "norm"), norm, sizeof norm);
            count_stagnation(w, wc, norm, v->at, true);
        } else if (!strcmp(v->type, "case.escalated")) {
            uint64_t level = 0;
            rg_val_uint(rg_map_get(v->data, "level"), &level);
            count_escalation(w, wc, level, v->at, true);
        }
        return 0;
    }
    if (!strcmp(v->type, "case.escalated")) {
        /* By hand: a fact of both histories. */
        uint64_t level = 0;
        rg_val_uint(rg_map_get(v->data, "level"), &level);
        count_escalation(w, wc, level, v->at, true);
        count_escalation(w, wc, level, v->at, false);
    }
    const rg_evdef *def = v->def ? v->def : rg_event_find(v->type);
    if (!def) return RG_ESTORAGE;
    return fold(w, wc, def, v->type, v->actor, v->seq, v->at, v->data);
}

/* ---- the report ---- */

typedef struct row {
    const char *a, *b;        /* the key's two parts */
    const pair *p;
} row;

static int row_cmp(const void *x, const void *y)
{
    const row *r = x, *s = y;
    int c = strcmp(r->a, s->a);
    return c ? c : strcmp(r->b, s->b);
}

/* The rows of a "a\0b" -> pair map in key order. */
static row *rows_of(const rg_hmap *m, size_t *n)
{
    row *rows = rg_calloc(m->count ? m->count : 1, sizeof *rows);
    size_t k = 0;
    rg_hmap_slot *s;
    for (size_t i = 0; (i = rg_hmap_next(m, i, &s)) != 0;) {
        rows[k].a = s->key;
        rows[k].b = s->key + strlen(s->key) + 1;
        rows[k].p = s->val;
        k++;
    }
    qsort(rows, k, sizeof *rows, row_cmp);
    *n = k;
    return rows;
}

static void w_pair(rg_buf *b, const char *key, const pair *p)
{
    rg_w_cstr(b, key);
    rg_w_map(b, 2);
    rg_w_kuint(b, "real", p->real);
    rg_w_kuint(b, "whatif", p->sim);
}

static void w_rows(rg_buf *b, const rg_hmap *m, const char *ka, const char *kb)
{
    size_t n;
    row *rows = rows_of(m, &n);
    rg_w_array(b, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        rg_w_map(b, 4);
        rg_w_kstr(b, ka, rows[i].a);
        rg_w_kstr(b, kb, rows[i].b);
        rg_w_kuint(b, "real", rows[i].p->real);
        rg_w_kuint(b, "whatif", rows[i].p->sim);
    }
    free(rows);
}

static int id_cmp(const void *x, const void *y)
{
    const wcase *a = *(wcase *const *)x, *b = *(wcase *const *)y;
    return strcmp(a->cs->id, b->cs->id);
}

static void w_cases(rg_buf *b, wcase **list, size_t n)
{
    size_t k = n < RG_WHATIF_MAX_LISTED ? n : RG_WHATIF_MAX_LISTED;
    rg_w_array(b, (uint32_t)k);
    for (size_t i = 0; i < k; i++) rg_w_cstr(b, list[i]->cs->id);
}

static void report(whatif *w, rg_buf *out)
{
    /* The cases in id order, and which stalled in one history only. */
    qsort(w->order, w->ncases, sizeof *w->order, id_cmp);
    wcase **only_sim = rg_calloc(w->ncases + 1, sizeof *only_sim), **only_real = rg_calloc(w->ncases + 1, sizeof *only_real);
    size_t nsim = 0, nreal = 0;
    pair stalled = {0, 0};
    for (size_t i = 0; i < w->ncases; i++) {
        const wcase *wc = w->order[i];
        stalled.real += wc->stag_real > 0;
        stalled.sim += wc->stag_sim > 0;
        if (wc->stag_sim && !wc->stag_real) only_sim[nsim++] = w->order[i];
        if (wc->stag_real && !wc->stag_sim) only_real[nreal++] = w->order[i];
    }
    rg_w_map(out, 11);
    rg_w_kstr(out, "region", w->o->zvh);
    rg_w_kuint(out, "from_at", w->from ? w->from : w->first_at);
    rg_w_kuint(out, "to_at", w->to);
    rg_w_kuint(out, "events", w->events);
    rg_w_kuint(out, "replayed", w->replayed);
    rg_w_kuint(out, "cases", w->ncases);
    rg_w_cstr(out, "totals");
    rg_w_map(out, 4);
    w_pair(out, "stagnations", &w->totals_stag);
    w_pair(out, "escalations", &w->totals_esc);
    w_pair(out, "stalled_cases", &stalled);
    w_pair(out, "alerts", &w->totals_alerts);
    rg_w_cstr(out, "stagnations");
    w_rows(out, &w->stag, "norm", "step");
    rg_w_cstr(out, "escalations");
    rg_w_array(out, RG_ESC_TOP);
    for (int l = 1; l <= RG_ESC_TOP; l++) {
        rg_w_map(out, 3);
        rg_w_kuint(out, "level", (uint64_t)l);
        rg_w_kuint(out, "real", w->esc[l].real);
        rg_w_kuint(out, "whatif", w->esc[l].sim);
    }
    rg_w_cstr(out, "alerts");
    w_rows(out, &w->alerts, "actor", "week");
    rg_w_cstr(out, "stalled");
    rg_w_map(out, 4);
    rg_w_cstr(out, "only_whatif");
    w_cases(out, only_sim, nsim);
    rg_w_kuint(out, "only_whatif_count", nsim);
    rg_w_cstr(out, "only_real");
    w_cases(out, only_real, nreal);
    rg_w_kuint(out, "only_real_count", nreal);
    free(only_sim);
    free(only_real);
}

static void free_counts(rg_hmap *m)
{
    rg_hmap_slot *s;
    for (size_t i = 0; (i = rg_hmap_next(m, i, &s)) != 0;) free(s->val);
    rg_hmap_free(m);
}

int rg_whatif_run(rg_log *log, const rg_whatif_opts *o, rg_buf *out)
{
    whatif w;
    memset(&w, 0, sizeof w);
    w.o = o;
    w.from = o->from;
    w.to = o->to;
    rg_hmap_init(&w.cases);
    rg_hmap_init(&w.stag);
    rg_hmap_init(&w.alerts);
    rg_reader *r;
    int rc = rg_reader_start(&r, log, o->cfg->norm_amounts);
    while (rc == 0) {
        size_t n;
        int rrc = rg_reader_next(r, &n);
        for (size_t i = 0; i < n && rc == 0; i++) {
            const rg_replay_ev *ev;
            rc = rg_reader_event(r, i, &ev);
            if (rc == 0 && o->to && ev->view.at >= o->to) n = 0;   /* past the window: done */
            else if (rc == 0) rc = step(&w, ev);
        }
        if (rc == 0) rc = rrc;
        if (n == 0) break;
    }
    if (r) rg_reader_stop(r);
    /* Every case up to the end of the window. */
    if (!o->to) w.to = w.last_at;
    for (size_t i = 0; rc == 0 && i < w.ncases; i++) rc = catch_up(&w, w.order[i], w.to, o->to != 0);
    if (rc == 0) report(&w, out);
    for (size_t i = 0; i < w.ncases; i++) {
        rg_case_free(w.order[i]->cs);
        free(w.order[i]);
    }
    free(w.order);
    rg_hmap_free(&w.cases);
    free_counts(&w.stag);
    free_counts(&w.alerts);
    rg_buf_free(&w.data);
    rg_buf_free(&w.pairs);
    rg_doc_free(w.doc);
    return rc < 0 ? RG_ESTORAGE : 0;
}
