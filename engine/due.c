/*
 * due.c - firing deadlines that fall due, and clock.advance.
 *
 * The `deadlines` column family holds one key per open deadline,
 *   be64(t) case_id 0x00 norm 0x00 item  ->  nothing
 * where t is when the deadline next needs the engine: its due time, or for
 * a fired one (an open stagnation) when it escalates next.  Keys are written
 * in the same batch as the event that set, fired or met the deadline.  A
 * libuv timer is armed for the first key (real clock); the manual clock fires
 * only when clock.advance moves it.
 *
 * Firing works in slices of at most SLICE deadlines, each slice a set of
 * system commands that join the open group commit; the next slice starts
 * only when those are durable, so the on-disk index is current when it is
 * read again, and commands from clients are served between slices (a burst
 * after downtime never stalls the engine).  A key is acted on only if the
 * case still holds that deadline with that time: keys of deadlines met in a
 * commit not yet durable are skipped.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "ctx.h"
#include "engine_int.h"
#include "errors.h"

#define SLICE 256

static const rg_actor system_actor = {"system", RG_ROLE_SYSTEM, "zvh", false, {0}};

const rg_actor *rg_system_actor(void) { return &system_actor; }

uint64_t rg_deadline_index_time(const rg_deadline *d)
{
    return d->fired ? d->escalate_at : d->due;
}

size_t rg_deadline_key(uint8_t *k, uint64_t t, const char *case_id, const char *norm, const char *item)
{
    size_t n = 8;
    rg_be64_put(k, t);
    n += (size_t)sprintf((char *)k + n, "%s", case_id) + 1;
    n += (size_t)sprintf((char *)k + n, "%s", norm) + 1;
    n += (size_t)sprintf((char *)k + n, "%s", item);
    return n;
}

size_t rg_dl_key_of(uint8_t *k, const rg_case *c, const rg_deadline *d)
{
    uint64_t t = rg_deadline_index_time(d);
    return t ? rg_deadline_key(k, t, c->id, rg_norms[d->norm].name, d->item) : 0;
}

/* ---- the index kept in step with the projection ---- */

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
    uint8_t k[8 + 3 * RG_ID_MAX];
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
        ev->actor = &system_actor;
        rg_ev_str(ev, "norm", rg_norms[d->norm].name);
        rg_ev_str(ev, "item", d->item);
        rg_ev_uint(ev, "due", d->due);
        rg_ev_uint(ev, "open_ms", c->now > d->fired_at ? c->now - d->fired_at : 0);
    }
}

/* ---- firing ---- */

typedef struct due_key {
    uint64_t t;
    char case_id[RG_ID_MAX];
    char norm[64];
    char item[RG_ID_MAX];
} due_key;

static bool parse_key(const uint8_t *k, size_t n, due_key *out)
{
    if (n < 8 + 3) return false;
    out->t = rg_be64_get(k);
    const char *p = (const char *)k + 8, *end = (const char *)k + n;
    const char *z1 = memchr(p, 0, (size_t)(end - p));
    if (!z1) return false;
    const char *z2 = memchr(z1 + 1, 0, (size_t)(end - z1 - 1));
    if (!z2 || z1 - p >= RG_ID_MAX || z2 - z1 - 1 >= 64 || end - z2 - 1 >= RG_ID_MAX) return false;
    snprintf(out->case_id, sizeof out->case_id, "%.*s", (int)(z1 - p), p);
    snprintf(out->norm, sizeof out->norm, "%.*s", (int)(z2 - z1 - 1), z1 + 1);
    snprintf(out->item, sizeof out->item, "%.*s", (int)(end - z2 - 1), z2 + 1);
    return true;
}

/* One deadline that fell due: the engine's own command on the case.
 * Returns whether it wrote anything into the open commit. */
static bool fire(rg_engine *e, const due_key *k)
{
    rg_case *cs = NULL;
    rg_deadline *d = NULL;
    int n = rg_norm_find(k->norm);
    if (rg_store_case(e, k->case_id, &cs) == 0)
        for (uint32_t i = 0; n >= 0 && i < cs->ndl; i++)
            if (cs->dl[i].norm == n && strcmp(cs->dl[i].item, k->item) == 0) d = &cs->dl[i];
    if (!d || rg_deadline_index_time(d) != k->t) {
        /* Met or moved by a command whose commit is not durable yet: that
         * commit removes the key.  Otherwise the index, kept in step with the
         * projections in every batch, holds a key left by a bug or damage:
         * drop it, or firing would find it again and never get past it. */
        if (rg_engine_busy(e)) return false;
        uint8_t key[8 + 3 * RG_ID_MAX];
        fprintf(stderr, "regie: dropping a deadline key with no open deadline: %s %s %s\n",
                k->case_id, k->norm, k->item);
        rg_batch_del(e->open->batch, RG_CF_DEADLINES, key,
                     rg_deadline_key(key, k->t, k->case_id, k->norm, k->item));
        e->open->nwrites++;
        rg_engine_want_commit(e);
        return true;
    }
    rg_ctx c;
    rg_ctx_init(&c, e);
    c.actor = &system_actor;
    c.cs = cs;
    c.op = &rg_system_op;
    uint64_t late = c.now > k->t ? c.now - k->t : 0;
    char reason[160];
    rg_evb *ev;
    if (!d->fired && n == rg_norm_decision() && cs->esc_level > 0 && cs->esc_level < RG_ESC_TOP) {
        /* The open escalation's level did not decide in time: the case
         * climbs one level (which sets the next level's decision deadline). */
        ev = rg_ctx_emit(&c, "case.escalated");
        rg_ev_uint(ev, "level", (uint64_t)(cs->esc_level + 1));
        snprintf(reason, sizeof reason, "level %d did not decide within %d working days",
                 cs->esc_level, e->cfg.norm_amounts[n]);
        rg_ev_str(ev, "reason", reason);
        rg_ev_bool(ev, "auto", true);
    } else if (!d->fired) {
        ev = rg_ctx_emit(&c, "stagnation.detected");
        rg_ev_str(ev, "norm", k->norm);
        rg_ev_str(ev, "item", k->item);
        rg_ev_uint(ev, "due", d->due);
        rg_ev_uint(ev, "late_ms", late);
    } else {
        /* An open stagnation matured while no escalation was open (the fold
         * gives no escalation time to a stagnation while one is). */
        assert(cs->esc_level == 0);
        ev = rg_ctx_emit(&c, "case.escalated");
        rg_ev_uint(ev, "level", (uint64_t)e->cfg.esc_start_level);
        snprintf(reason, sizeof reason, "stagnation of %s open for %d working days", k->norm,
                 rg_stagnation_escalate_workdays);
        rg_ev_str(ev, "reason", reason);
        rg_ev_str(ev, "norm", k->norm);
        rg_ev_str(ev, "item", k->item);
        rg_ev_bool(ev, "auto", true);
    }
    /* Lateness measures the engine, so only deadlines that were still ahead
     * when they were set count (a due date given in the past, accepted
     * before such dates were refused, would read as the engine's delay). */
    if (d->fired || d->due > d->set_at) rg_lateness_add(e, late);
    rg_commit_system(&c);
    rg_ctx_cleanup(&c);
    return true;
}

/* Fire what is due up to `upto`, one slice of at most SLICE deadlines in due
 * order.  Returns how many were due (0: nothing is due), or RG_ESTORAGE when
 * the index could not be read (nothing fired); *wrote says whether any of
 * them wrote into the open commit. */
static int fire_slice(rg_engine *e, uint64_t upto, bool *wrote)
{
    *wrote = false;
    if (upto < e->due_next) return 0;          /* nothing can be due: no read at all */
    rg_iter *it = rg_iter_new(e->log, RG_CF_DEADLINES);
    due_key keys[SLICE];
    int n = 0;
    /* Start at the lower bound rather than the first key: the keys before it
     * are deleted, and RocksDB would step over their tombstones each time. */
    uint8_t from[8];
    rg_be64_put(from, e->due_next);
    uint64_t next = UINT64_MAX;
    for (rg_iter_seek(it, from, 8); rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn;
        const uint8_t *k = rg_iter_key(it, &kn);
        due_key dk;
        if (!parse_key(k, kn, &dk)) continue;
        if (dk.t > upto || n == SLICE) {
            next = dk.t;
            break;
        }
        keys[n++] = dk;
    }
    if (rg_iter_end(it) < 0) return RG_ESTORAGE;
    /* Every durable key left is at or after `next`; the fired ones go with
     * their commits.  Keys that pending commits put are not in RocksDB yet:
     * the bound must stay at or below them too. */
    uint64_t bound = n == SLICE ? keys[n - 1].t : next;
    if (e->open->dl_min < bound) bound = e->open->dl_min;
    if (e->inflight && e->inflight->dl_min < bound) bound = e->inflight->dl_min;
    e->due_next = bound;
    for (int i = 0; i < n; i++) {
        /* The manual clock passes each deadline in turn. */
        if (e->clock.manual && keys[i].t > e->clock.now_ms) e->clock.now_ms = keys[i].t;
        *wrote |= fire(e, &keys[i]);
    }
    return n;
}

static void timer_cb(uv_timer_t *t);


/* Called after every durable commit, when a commit holding a slice is
 * sealed, at start, after a clock.advance, and by the timer.  Fires one
 * slice of what is due into the open commit; the next slice waits until
 * that commit is sealed (e->due_wait), so the slice being written and the
 * next one being fired overlap, a commit holds at most one slice, and
 * commands keep being served between slices, in the same commits.
 *
 * The index is read from RocksDB, which lags behind what is pending: the
 * next slice seeks from due_next, past what was fired, and fire() checks
 * every key against the projection in memory, so a deadline fired or met
 * by a pending commit is skipped, never fired twice.  When nothing is due
 * it arms the timer for the first deadline (real clock) or finishes a
 * clock.advance (manual clock). */
void rg_due_run(rg_engine *e)
{
    if (e->closing || (e->due_wait && e->due_wait == e->open)) return;
    uint64_t upto = e->clock.manual ? (e->advance.active ? e->advance.target : e->clock.now_ms)
                                    : rg_clock_now(&e->clock);
    bool wrote;
    int due = fire_slice(e, upto, &wrote);
    if (due < 0) {
        /* The index could not be read: nothing fired.  A clock.advance is
         * answered with the error; the real clock tries again in a second. */
        fprintf(stderr, "regie: reading the deadline index failed; firing paused\n");
        rg_buf err = RG_BUF_INIT;
        rg_error_reply(&err, RG_ESTORAGE, "reading the deadline index failed; nothing fired");
        rg_due_failed(e, err.data, err.len);
        rg_buf_free(&err);
        return;
    }
    if (wrote) e->due_wait = e->open;
    if (due) return;             /* runs again when the slice is sealed, or what met it is durable */
    if (e->advance.active) {
        /* A command not yet durable may have set a deadline the advance
         * passes: finish only on an idle engine (write_done calls again). */
        if (rg_engine_busy(e)) return;
        /* Everything it fired is durable.  The clock's new reading is
         * written too (every commit stores it in meta), and the reply waits
         * for that write: a restart never finds the clock behind what a
         * reply reported. */
        e->clock.now_ms = e->advance.target;
        e->advance.active = false;
        rg_buf reply = RG_BUF_INIT;
        rg_w_map(&reply, 2);
        rg_w_kbool(&reply, "ok", true);
        rg_w_kuint(&reply, "now", e->clock.now_ms);
        e->open->nwrites++;
        rg_commit_keep_idem(e->open, e->advance.ikey, e->advance.ikn, reply.data, reply.len);
        rg_commit_add_waiter(e->open, e->advance.fn, e->advance.ud, reply.data, reply.len);
        rg_engine_want_commit(e);
        rg_buf_free(&reply);
        return;
    }
    if (!e->clock.manual) {
        uint64_t t = e->due_next, now = rg_clock_now(&e->clock);
        if (t != UINT64_MAX) uv_timer_start(&e->due_timer, timer_cb, t > now ? t - now : 0, 0);
        else uv_timer_stop(&e->due_timer);
    }
}

/* A commit failed: the state was reloaded from the log.  A clock.advance
 * under way is answered with the error; the real clock tries again in a
 * second rather than at once against a failing disk. */
void rg_due_failed(rg_engine *e, const uint8_t *err, size_t n)
{
    e->due_wait = NULL;
    e->due_next = 0;                           /* the state was reloaded: look again */
    if (e->advance.active) {
        e->advance.active = false;
        e->advance.fn(e->advance.ud, err, n);
    }
    if (!e->clock.manual && !e->closing) uv_timer_start(&e->due_timer, timer_cb, 1000, 0);
}

static void timer_cb(uv_timer_t *t)
{
    rg_due_run(t->data);
}

void rg_due_init(rg_engine *e)
{
    uv_timer_init(e->loop, &e->due_timer);
    e->due_timer.data = e;
    uv_unref((uv_handle_t *)&e->due_timer);
}

/* ---- clock.advance ---- */

int rg_h_clock_advance(rg_ctx *c)
{
    rg_engine *e = c->e;
    uint64_t ms = 0;
    rg_val_uint(rg_ctx_field(c, "ms"), &ms);
    if (!e->clock.manual)
        return rg_ctx_fail(c, RG_EGUARD, "the engine runs on the real clock (start it with --clock manual)");
    if (e->advance.active)
        return rg_ctx_fail(c, RG_EOVERLOAD, "a clock.advance is in progress");
    if (ms > 100ULL * 365 * 86400000ULL)
        return rg_ctx_fail(c, RG_EBADREQ, "data.ms: at most a century");
    e->advance.active = true;
    e->advance.target = e->clock.now_ms + ms;
    rg_ctx_take_reply(c, &e->advance.fn, &e->advance.ud);
    return 0;
}

void rg_lateness_add(rg_engine *e, uint64_t ms)
{
    int b = 0;
    while (b < 31 && (ms + 1) >> (b + 1)) b++;
    e->late_hist[b]++;
}

/* The upper bound (ms) of the bucket holding the pct-th percentile. */
uint64_t rg_lateness_pct(rg_engine *e, double pct, uint64_t *count)
{
    uint64_t n = 0;
    for (int b = 0; b < 32; b++) n += e->late_hist[b];
    *count = n;
    if (!n) return 0;
    uint64_t want = (uint64_t)(pct / 100.0 * (double)n + 0.5), seen = 0;
    if (want == 0) want = 1;
    for (int b = 0; b < 32; b++) {
        seen += e->late_hist[b];
        if (seen >= want) return (2ULL << b) - 2;
    }
    return UINT64_MAX;
}
