/*
 * dl_index.c - the `deadlines` column family kept in step with the case
 * projections: every batch that changes a case's deadlines (the fold in
 * domain/deadlines.c) puts and deletes their keys, and appends the engine's
 * stagnation.cleared for each stagnation the change met.  The firing of
 * what falls due is a service (services/due.c) that reads this index.
 *
 *   be64(t) case_id 0x00 norm 0x00 item  ->  nothing
 *
 * t is when the deadline next needs the engine: its due time, or for a
 * fired one (an open stagnation) when it escalates the case; a stagnation
 * with no escalation time (one is open: the ladder, deadlines.c) has no key.
 */
#include "dl_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../storage/errors.h"
#include "request.h"

uint64_t rg_deadline_index_time(const rg_deadline *d)
{
    return d->fired ? d->escalate_at : d->due;
}

size_t rg_deadline_key(uint8_t *k, uint64_t t, const char *case_id, const char *norm, const char *item)
{
    RG_ASSERT(8 + strlen(case_id) + 1 + strlen(norm) + 1 + strlen(item) <= RG_DL_KEY_MAX);
    size_t n = 8;
    rg_be64_put(k, t);
    n += (size_t)sprintf((char *)k + n, "%s", case_id) + 1;
    n += (size_t)sprintf((char *)k + n, "%s", norm) + 1;
    n += (size_t)sprintf((char *)k + n, "%s", item);
    return n;
}

size_t rg_dl_key_of(uint8_t *k, const rg_case *c, const rg_deadline *d)
{
    RG_ASSERT(d->norm >= 0 && d->norm < RG_MAX_NORMS && rg_norms[d->norm].name);
    uint64_t t = rg_deadline_index_time(d);
    return t ? rg_deadline_key(k, t, c->id, rg_norms[d->norm].name, d->item) : 0;
}

void rg_dl_snapshot(const rg_case *c, rg_dl_snap *s)
{
    s->n = c->ndl;
    s->v = rg_malloc((c->ndl ? c->ndl : 1) * sizeof *s->v);
    if (c->ndl) memcpy(s->v, c->dl, c->ndl * sizeof *s->v);
}

void rg_dl_snap_free(rg_dl_snap *s) { free(s->v); }

static const rg_deadline *in(const rg_deadline *v, uint32_t n, const rg_deadline *d, bool same_time)
{
    for (uint32_t i = 0; i < n; i++)
        if (v[i].norm == d->norm && strcmp(v[i].item, d->item) == 0 &&
            (!same_time || rg_deadline_index_time(&v[i]) == rg_deadline_index_time(d)))
            return &v[i];
    return NULL;
}

uint64_t rg_dl_index(rg_batch *b, const rg_case *c, const rg_dl_snap *before)
{
    uint8_t k[RG_DL_KEY_MAX];
    uint64_t earliest = UINT64_MAX;
    for (uint32_t i = 0; i < before->n; i++) {
        const rg_deadline *d = &before->v[i];
        size_t kn = rg_dl_key_of(k, c, d);
        if (kn && !in(c->dl, c->ndl, d, true)) rg_batch_del(b, RG_CF_DEADLINES, k, kn);
    }
    for (uint32_t i = 0; i < c->ndl; i++) {
        const rg_deadline *d = &c->dl[i];
        size_t kn = rg_dl_key_of(k, c, d);
        if (kn && !in(before->v, before->n, d, true)) {
            rg_batch_put(b, RG_CF_DEADLINES, k, kn, "", 0);
            if (rg_deadline_index_time(d) < earliest) earliest = rg_deadline_index_time(d);
        }
    }
    return earliest;
}

/* Is the stagnation d (fired) still open among v: the same deadline, still
 * fired since the same moment?  An event that meets a norm and sets it again
 * (progress, review, plan.agreed) leaves a new, unfired deadline of the same
 * norm and item: the stagnation it met is cleared all the same. */
static bool still_open(const rg_deadline *v, uint32_t n, const rg_deadline *d)
{
    const rg_deadline *now = in(v, n, d, false);
    return now && now->fired && now->fired_at == d->fired_at;
}

/* Stagnations (fired deadlines) that the change met: each gets a
 * stagnation.cleared from the engine. */
void rg_dl_cleared(rg_ctx *c, const rg_dl_snap *before)
{
    for (uint32_t i = 0; i < before->n; i++) {
        const rg_deadline *d = &before->v[i];
        if (!d->fired || still_open(c->cs->dl, c->cs->ndl, d)) continue;
        rg_evb *ev = rg_ctx_emit(c, "stagnation.cleared");
        ev->actor = rg_system_actor();
        rg_ev_str(ev, "norm", rg_norms[d->norm].name);
        rg_ev_str(ev, "item", d->item);
        rg_ev_uint(ev, "due", d->due);
        rg_ev_uint(ev, "open_ms", c->now > d->fired_at ? c->now - d->fired_at : 0);
    }
}

uint64_t rg_dl_low(const rg_engine *e) { return e->dl_low; }

uint64_t rg_dl_low_raise(rg_engine *e, uint64_t bound)
{
    if (e->open->dl_min < bound) bound = e->open->dl_min;
    if (e->inflight && e->inflight->dl_min < bound) bound = e->inflight->dl_min;
    e->dl_low = bound;
    return bound;
}

void rg_dl_low_reset(rg_engine *e) { e->dl_low = 0; }

void rg_dl_index_drop(rg_engine *e, uint64_t t, const char *case_id, const char *norm, const char *item)
{
    uint8_t key[RG_DL_KEY_MAX];
    rg_batch_del(e->open->batch, RG_CF_DEADLINES, key, rg_deadline_key(key, t, case_id, norm, item));
    rg_commit_count_write(e->open);
    rg_commit_want(e);
}
