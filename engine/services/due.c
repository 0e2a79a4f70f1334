/*
 * due.c - the deadline service: firing what falls due, the manual clock's
 * clock.advance, and the lateness of firing.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "due.h"

#include "../core/dl_index.h"
#include "../core/ledger.h"
#include "../core/persons.h"
#include "../core/apply.h"
#include "../core/state.h"
#include "../domain/calendar.h"
#include "../storage/errors.h"
#include "../domain/deadlines.h"
#include "../core/reply.h"

#define SLICE 256

struct rg_due {
    rg_engine *e;
    uv_timer_t timer;         /* the first deadline (real clock) */
    rg_commit *wait;          /* the open commit, while it holds a slice of fired deadlines */
    struct {
        bool active;
        uint64_t target;
        rg_reply_fn fn;
        void *ud;
        char ikey[RG_ID_MAX + RG_REQ_ID_MAX + 2];   /* its idempotency key */
        size_t ikn;
    } advance;                /* a clock.advance under way (manual clock) */
    uint64_t late_hist[32];   /* firing lateness, log2(ms + 1) buckets */
};

static void lateness_add(rg_due *d, uint64_t ms);

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
static bool fire(rg_due *du, const due_key *k)
{
    rg_engine *e = du->e;
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
        fprintf(stderr, "regie: dropping a deadline key with no open deadline: %s %s %s\n",
                k->case_id, k->norm, k->item);
        rg_dl_index_drop(e, k->t, k->case_id, k->norm, k->item);
        return true;
    }
    if (!d->fired && rg_norms[n].fires == RG_FIRE_ERASE) {
        /* Retention ended: the engine erases the case (its key and its
         * person index entries go with this command). */
        return !cs->erased &&
               rg_ledger_erase(e, cs, "the retention period ended", "engine.retention") == 0;
    }
    /* The engine's own step on the case, a processing like any other:
     * its records name the register's entry of the step. */
    bool climbs = !d->fired && n == rg_norm_decision() && cs->esc_level > 0 && cs->esc_level < RG_ESC_TOP;
    rg_ctx *c = rg_ctx_new_system(e, cs, !d->fired && !climbs ? "engine.stagnation" : "engine.escalation");
    uint64_t now = rg_ctx_now(c);
    uint64_t late = now > k->t ? now - k->t : 0;
    char reason[160];
    rg_evb *ev;
    if (climbs) {
        /* The open escalation's level did not decide in time: the case
         * climbs one level (which sets the next level's decision deadline). */
        ev = rg_ctx_emit(c, "case.escalated");
        RG_ASSERT(cs->esc_level + 1 <= RG_ESC_TOP);
        rg_ev_uint(ev, "level", (uint64_t)(cs->esc_level + 1));
        snprintf(reason, sizeof reason, "level %d did not decide within %d working days",
                 cs->esc_level, e->cfg.norm_amounts[n]);
        rg_ev_str(ev, "reason", reason);
        rg_ev_bool(ev, "auto", true);
        rg_ladder_orgs(cs, ev);                   /* level 2 or 3: the orgs owing */
    } else if (!d->fired) {
        ev = rg_ctx_emit(c, "stagnation.detected");
        rg_ev_str(ev, "norm", k->norm);
        rg_ev_str(ev, "item", k->item);
        rg_ev_uint(ev, "due", d->due);
        rg_ev_uint(ev, "late_ms", late);
    } else {
        /* An open stagnation matured while no escalation was open (the fold
         * gives no escalation time to a stagnation while one is). */
        RG_ASSERT(cs->esc_level == 0);
        ev = rg_ctx_emit(c, "case.escalated");
        /* The ladder remembers: a step still stuck after a decision goes
         * one level up, not back to the start (deadlines.c). */
        int start = rg_config_region(&e->cfg, cs->zvh)->esc_start_level;
        int level = rg_ladder_next_level(cs, start);
        RG_ASSERT(level >= start && level <= RG_ESC_TOP);
        rg_ev_uint(ev, "level", (uint64_t)level);
        if (level > start && cs->ladder)
            snprintf(reason, sizeof reason, "stagnation of %s open for %d working days after "
                     "level %d decided", k->norm, rg_stagnation_escalate_workdays, cs->ladder);
        else
            snprintf(reason, sizeof reason, "stagnation of %s open for %d working days", k->norm,
                     rg_stagnation_escalate_workdays);
        rg_ev_str(ev, "reason", reason);
        rg_ev_str(ev, "norm", k->norm);
        rg_ev_str(ev, "item", k->item);
        if (level >= 2) rg_ladder_orgs(cs, ev);
        rg_ev_bool(ev, "auto", true);
    }
    /* Lateness measures the engine, so only deadlines that were still ahead
     * when they were set count (a due date given in the past, accepted
     * before such dates were refused, would read as the engine's delay). */
    if (d->fired || d->due > d->set_at) lateness_add(du, late);
    rg_commit_system(c);
    rg_ctx_free(c);
    return true;
}

/* Fire what is due up to `upto`, one slice of at most SLICE deadlines in due
 * order.  Returns how many were due (0: nothing is due), or RG_ESTORAGE when
 * the index could not be read (nothing fired); *wrote says whether any of
 * them wrote into the open commit. */
static int fire_slice(rg_due *du, uint64_t upto, bool *wrote)
{
    rg_engine *e = du->e;
    *wrote = false;
    uint64_t low = rg_dl_low(e);
    if (upto < low) return 0;                /* nothing can be due: no read at all */
    rg_iter *it = rg_iter_new(e->log, RG_CF_DEADLINES);
    due_key keys[SLICE];
    int n = 0;
    /* Start at the lower bound rather than the first key: the keys before it
     * are deleted, and RocksDB would step over their tombstones each time. */
    uint8_t from[8];
    rg_be64_put(from, low);
    uint64_t next = UINT64_MAX;
    for (rg_iter_seek(it, from, 8); rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn;
        const uint8_t *k = rg_iter_key(it, &kn);
        due_key dk;
        if (!parse_key(k, kn, &dk)) continue;
        /* The index is in time order (be64(t) leads the key), from dl_low. */
        RG_ASSERT(dk.t >= low && (n == 0 || dk.t >= keys[n - 1].t));
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
    rg_dl_low_raise(e, n == SLICE ? keys[n - 1].t : next);
    for (int i = 0; i < n; i++) {
        /* In time order: a key put meanwhile (an escalation this slice
         * opened, a deadline a pending command set) that falls before this
         * one fires first, from the next slice, which reads from dl_low. */
        if (keys[i].t > rg_dl_low(e)) break;
        /* The manual clock passes each deadline in turn. */
        rg_engine_clock_pass(e, keys[i].t);
        *wrote |= fire(du, &keys[i]);
    }
    return n;
}

static void timer_cb(uv_timer_t *t);
static void failed(rg_due *du, const uint8_t *err, size_t n);

/* Called after every durable commit, when a commit holding a slice is
 * sealed, at start, after a clock.advance, and by the timer.  Fires one
 * slice of what is due into the open commit; the next slice waits until
 * that commit is sealed (du->wait), so the slice being written and the
 * next one being fired overlap, a commit holds at most one slice, and
 * commands keep being served between slices, in the same commits.
 *
 * The index is read from RocksDB, which lags behind what is pending: the
 * next slice seeks from the engine's dl_low, past what was fired, and fire()
 * checks every key against the projection in memory, so a deadline fired or
 * met by a pending commit is skipped, never fired twice.  When nothing is due
 * it arms the timer for the first deadline (real clock) or finishes a
 * clock.advance (manual clock). */
void rg_due_run(rg_due *du)
{
    rg_engine *e = du->e;
    if (e->closing || (du->wait && du->wait == e->open)) return;
    uint64_t upto = e->clock.manual ? (du->advance.active ? du->advance.target : e->clock.now_ms)
                                    : rg_clock_now(&e->clock);
    bool wrote;
    int due = fire_slice(du, upto, &wrote);
    if (due < 0) {
        /* The index could not be read: nothing fired.  A clock.advance is
         * answered with the error; the real clock tries again in a second. */
        fprintf(stderr, "regie: reading the deadline index failed; firing paused\n");
        rg_buf err = RG_BUF_INIT;
        rg_error_reply(&err, RG_ESTORAGE, "reading the deadline index failed; nothing fired");
        failed(du, err.data, err.len);
        rg_buf_free(&err);
        return;
    }
    if (wrote) du->wait = e->open;
    if (due) return;             /* runs again when the slice is sealed, or what met it is durable */
    if (du->advance.active) {
        /* A command not yet durable may have set a deadline the advance
         * passes: finish only on an idle engine (on_durable calls again). */
        if (rg_engine_busy(e)) return;
        /* Everything it fired is durable.  The clock's new reading is
         * written too (every commit stores it in meta), and the reply waits
         * for that write: a restart never finds the clock behind what a
         * reply reported. */
        rg_engine_clock_pass(e, du->advance.target);
        du->advance.active = false;
        rg_buf reply = RG_BUF_INIT;
        rg_w_map(&reply, 2);
        rg_w_kbool(&reply, "ok", true);
        rg_w_kuint(&reply, "now", e->clock.now_ms);
        rg_commit_count_write(e->open);
        rg_commit_keep_idem(e->open, du->advance.ikey, du->advance.ikn, reply.data, reply.len);
        rg_commit_add_waiter(e->open, du->advance.fn, du->advance.ud, reply.data, reply.len);
        rg_commit_want(e);
        rg_buf_free(&reply);
        return;
    }
    if (!e->clock.manual) {
        uint64_t t = rg_dl_low(e), now = rg_clock_now(&e->clock);
        if (t != UINT64_MAX) uv_timer_start(&du->timer, timer_cb, t > now ? t - now : 0, 0);
        else uv_timer_stop(&du->timer);
    }
}

/* The pending commits failed (or the index could not be read): the state
 * was reloaded from the log.  A clock.advance under way is answered with the
 * error; the real clock tries again in a second rather than at once against
 * a failing disk. */
static void failed(rg_due *du, const uint8_t *err, size_t n)
{
    rg_engine *e = du->e;
    du->wait = NULL;
    rg_dl_low_reset(e);                        /* the state was reloaded: look again */
    if (du->advance.active) {
        du->advance.active = false;
        du->advance.fn(du->advance.ud, err, n);
    }
    if (!e->clock.manual && !e->closing) uv_timer_start(&du->timer, timer_cb, 1000, 0);
}

static void timer_cb(uv_timer_t *t)
{
    rg_due_run(t->data);
}

/* ---- what the core tells the service ---- */

static void on_sealed(void *ud, rg_engine *e, rg_commit *t)
{
    (void)e;
    rg_due *du = ud;
    if (t != du->wait) return;
    /* The slice it holds is on its way to disk: fire the next one into the
     * new open commit meanwhile. */
    du->wait = NULL;
    rg_due_run(du);
}

static void on_durable(void *ud, rg_engine *e, rg_commit *t)
{
    (void)e;
    (void)t;
    rg_due_run(ud);                      /* the next slice of due deadlines */
}

static void on_failed(void *ud, rg_engine *e, const uint8_t *err, size_t n)
{
    (void)e;
    failed(ud, err, n);
}

static void closed_cb(uv_handle_t *h) { free(h->data); }

static void on_close(void *ud, rg_engine *e)
{
    (void)e;
    rg_due *du = ud;
    uv_close((uv_handle_t *)&du->timer, closed_cb);
}

static const rg_listener_ops due_ops = {"due", on_sealed, on_durable, on_failed, NULL, on_close};

int rg_due_attach(rg_engine *e, rg_due **out)
{
    rg_due *du = rg_calloc(1, sizeof *du);
    du->e = e;
    uv_timer_init(rg_engine_loop(e), &du->timer);
    du->timer.data = du;
    uv_unref((uv_handle_t *)&du->timer);
    int rc = rg_engine_listen(e, &due_ops, du);
    if (rc < 0) {
        uv_close((uv_handle_t *)&du->timer, closed_cb);
        return rc;
    }
    *out = du;
    return 0;
}

/* ---- clock.advance ---- */

int rg_due_advance(rg_due *du, rg_ctx *c, uint64_t ms)
{
    rg_engine *e = du->e;
    if (!e->clock.manual)
        return rg_ctx_fail(c, RG_EGUARD, "the engine runs on the real clock (start it with --clock manual)");
    if (du->advance.active)
        return rg_ctx_fail(c, RG_EOVERLOAD, "a clock.advance is in progress");
    du->advance.active = true;
    du->advance.target = e->clock.now_ms + ms;
    size_t kn;
    const char *k = rg_ctx_idem_key(c, &kn);
    memcpy(du->advance.ikey, k, kn + 1);
    du->advance.ikn = kn;
    rg_ctx_take_reply(c, &du->advance.fn, &du->advance.ud);
    /* Fire what the new time passes; the reply goes once all of it is
     * durable.  The request itself declared nothing, so the engine's own
     * commands that this runs need nothing of it. */
    rg_due_run(du);
    return 0;
}

static void lateness_add(rg_due *du, uint64_t ms)
{
    int b = 0;
    while (b < 31 && (ms + 1) >> (b + 1)) b++;
    du->late_hist[b]++;
}

/* The upper bound (ms) of the bucket holding the pct-th percentile. */
uint64_t rg_due_lateness_pct(const rg_due *du, double pct, uint64_t *count)
{
    uint64_t n = 0;
    for (int b = 0; b < 32; b++) n += du->late_hist[b];
    *count = n;
    if (!n) return 0;
    uint64_t want = (uint64_t)(pct / 100.0 * (double)n + 0.5), seen = 0;
    if (want == 0) want = 1;
    for (int b = 0; b < 32; b++) {
        seen += du->late_hist[b];
        if (seen >= want) return (2ULL << b) - 2;
    }
    return UINT64_MAX;
}
