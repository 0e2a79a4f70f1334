/*
 * commit.c - group commit.
 *
 * Commands are validated and applied on the loop thread; their writes go into
 * the open commit's batch.  When no commit is in flight, the open one is
 * sealed (the meta head is added) and handed to a libuv threadpool worker,
 * which writes it with sync; meanwhile new commands fill the next commit.
 * When the sync returns, every reply of that commit is released at once.
 * One commit is in flight at a time, so batches reach the disk in order.
 *
 * Durability rule: a reply that reports a change - or reads state that
 * includes a change - waits in the commit holding that change (or the newest
 * one) and leaves only after rg_log_write(sync) of that commit returned 0.
 *
 * On a failed write the loop has already applied that commit, and the open
 * commit was built on top of it.  Both are failed with storage_error and the
 * in-memory state is reloaded from the log, so memory never claims what the
 * disk lacks.  The batch is atomic (all of it or none), but "none" is not
 * certain: a sync that failed after the batch reached the write-ahead log
 * leaves it there, and the reload (or a restart) finds it durable.  So the
 * error tells the client to send the same req again to learn which
 * (fail_and_reload; RELIABILITY.md, the fault sweep).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../storage/codec.h"
#include "request.h"
#include "bootstrap.h"
#include "../storage/ledgerfile.h"
#include "../storage/errors.h"
#include "reply.h"

/* A commit whose batch or replies grew past this is freed, not kept: one
 * burst (a large import, a rebuild's worth of fired deadlines) does not
 * pin its memory for good. */
#define SPARE_MAX ((size_t)16 << 20)

rg_commit *rg_commit_new(rg_engine *e)
{
    rg_commit *t = e->spare;
    if (t) {
        e->spare = NULL;
    } else {
        t = rg_calloc(1, sizeof *t);
        t->e = e;
        t->batch = rg_batch_new(e->log);
    }
    t->base_seq = e->head_seq;
    t->dl_min = UINT64_MAX;
    return t;
}

/* What t holds apart from the memory it keeps for reuse. */
static void drop_contents(rg_commit *t)
{
    for (size_t i = 0; i < t->nevents; i++) {
        free(t->events[i].record);
        free(t->events[i].topics);
    }
    for (size_t i = 0; i < t->nidem; i++) free(t->idem_keys[i]);
}

void rg_commit_free(rg_commit *t)
{
    drop_contents(t);
    free(t->waiters);
    rg_buf_free(&t->replies);
    free(t->events);
    free(t->idem_keys);
    rg_buf_free(&t->shred);
    rg_batch_free(t->batch);
    free(t);
}

/* A durable commit becomes the engine's spare (issue 23: the batch, the
 * replies and the arrays grown into fresh memory every commit were pages
 * the kernel zeroed and took back): everything it held is freed, every
 * count starts again at zero, the memory stays. */
static void recycle(rg_engine *e, rg_commit *t)
{
    if (e->spare || rg_batch_bytes(t->batch) > SPARE_MAX || t->replies.len > SPARE_MAX) {
        rg_commit_free(t);
        return;
    }
    drop_contents(t);
    rg_batch_clear(t->batch);
    rg_buf_reset(&t->replies);
    rg_buf_reset(&t->shred);
    rg_commit keep = *t;
    memset(t, 0, sizeof *t);
    t->e = e;
    t->batch = keep.batch;
    t->waiters = keep.waiters;
    t->capwaiters = keep.capwaiters;
    t->replies = keep.replies;
    t->events = keep.events;
    t->capevents = keep.capevents;
    t->idem_keys = keep.idem_keys;
    t->capidem = keep.capidem;
    t->shred = keep.shred;
    e->spare = t;
}

void rg_commit_count_write(rg_commit *t) { t->nwrites++; }

void rg_commit_add_waiter(rg_commit *t, rg_reply_fn fn, void *ud, const uint8_t *p, size_t n)
{
    if (t->nwaiters == t->capwaiters) {
        t->capwaiters = t->capwaiters ? t->capwaiters * 2 : 16;
        t->waiters = rg_realloc(t->waiters, t->capwaiters * sizeof *t->waiters);
    }
    rg_reply_wait *w = &t->waiters[t->nwaiters++];
    w->fn = fn;
    w->ud = ud;
    w->off = t->replies.len;
    w->len = n;
    rg_buf_append(&t->replies, p, n);
}

void rg_commit_keep_idem(rg_commit *t, const char *ikey, size_t ikn, const uint8_t *reply, size_t n)
{
    rg_commit_keep_idem_as(t, ikey, ikn, reply, n, reply, n);
}

void rg_commit_keep_idem_as(rg_commit *t, const char *ikey, size_t ikn, const uint8_t *reply, size_t n,
                            const uint8_t *stored, size_t sn)
{
    rg_engine *e = t->e;
    rg_batch_put(t->batch, RG_CF_IDEM, ikey, ikn, stored, sn);
    /* Until the commit is durable a repeat is answered from memory. */
    rg_idem_pending *ip = rg_malloc(sizeof *ip);
    ip->commit = t;
    ip->reply = rg_malloc(n);
    memcpy(ip->reply, reply, n);
    ip->len = n;
    rg_hmap_put(&e->idem_pending, ikey, ikn, ip);
    if (t->nidem == t->capidem) {
        t->capidem = t->capidem ? t->capidem * 2 : 16;
        t->idem_keys = rg_realloc(t->idem_keys, t->capidem * sizeof *t->idem_keys);
    }
    t->idem_keys[t->nidem] = rg_malloc(ikn + 1);
    memcpy(t->idem_keys[t->nidem], ikey, ikn + 1);
    t->nidem++;
}

rg_commit *rg_commit_newest(rg_engine *e)
{
    /* Audit records alone hold nothing a reply reports. */
    if (e->open->nwrites > 0) return e->open;
    if (e->inflight && e->inflight->nwrites > 0) return e->inflight;
    return NULL;
}

void rg_commit_shred(rg_commit *t, const char *case_id)
{
    RG_ASSERT(strlen(case_id) < RG_ID_MAX + 16);
    rg_buf_append(&t->shred, case_id, strlen(case_id) + 1);
    /* Until the key is gone from the files, a marker says so: a crash
     * before that finishes the work at the next start (state.c). */
    rg_batch_put(t->batch, RG_CF_META, "shred_pending", 13, "", 0);
}

/* The erased cases' keys: deleted in the batch just made durable; now out
 * of the memtables, the write-ahead log and every table file. */
static void shred(rg_engine *e, rg_commit *t)
{
    if (!t->shred.len) return;
    for (size_t o = 0; o < t->shred.len;) {
        const char *id = (const char *)t->shred.data + o;
        size_t n = strlen(id);
        char to[RG_ID_MAX + 17];
        RG_ASSERT(n < sizeof to);
        memcpy(to, id, n);
        to[n] = '0';      /* [id, id "0"): that key and its persons' ("id/P2"), '/' < '0' */
        if (rg_log_shred(e->log, RG_CF_KEYS, id, n, to, n + 1) < 0)
            fprintf(stderr, "regie: compacting an erased key failed; it is retried at the next start\n");
        o += n + 1;
    }
    /* A restore of any older backup must erase them again: into the
     * engine's ledger.  If that fails, the marker stays, and the next start
     * rewrites the ledger whole (state.c, ledger.c). */
    if (e->ledger && rg_ledgerfile_append(e->ledger, e->key_check, (const char *)t->shred.data, t->shred.len) < 0) {
        fprintf(stderr, "regie: cannot append to the erasure ledger %s; it is rewritten at the next start\n",
                e->ledger);
        return;
    }
    rg_batch *b = rg_batch_new(e->log);
    rg_batch_del(b, RG_CF_META, "shred_pending", 13);
    rg_log_write(e->log, b, true);
    rg_batch_free(b);
}

static void write_work(uv_work_t *req)
{
    rg_commit *t = req->data;
    uint64_t t0 = uv_hrtime();
    t->status = rg_log_write(t->e->log, t->batch, true);
    t->sync_ns = uv_hrtime() - t0;
}

static void fig_add(rg_fig_hist *h, uint64_t base, uint64_t v)
{
    size_t k = 0;
    while (k < RG_FIG_BUCKETS && v > base << k) k++;
    h->n[k]++;
    h->sum += v;
    h->count++;
}

static void release(rg_commit *t)
{
    rg_engine *e = t->e;
    for (size_t i = 0; i < t->nidem; i++) {
        size_t kn = strlen(t->idem_keys[i]) + 1;
        kn += strlen(t->idem_keys[i] + kn);        /* "actor\0req" */
        rg_idem_pending *ip = rg_hmap_del(&e->idem_pending, t->idem_keys[i], kn);
        if (ip) {
            free(ip->reply);
            free(ip);
        }
    }
    if (e->notify) {
        for (size_t i = 0; i < t->nevents; i++) {
            rg_notice n = {t->events[i].seq, t->events[i].topics};
            e->notify(e->notify_ud, &n);
        }
    }
    for (size_t i = 0; i < t->nwaiters; i++)
        t->waiters[i].fn(t->waiters[i].ud, t->replies.len ? t->replies.data + t->waiters[i].off : (const uint8_t *)"",
                         t->waiters[i].len);
}

static void fail_waiters(rg_commit *t, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < t->nwaiters; i++) t->waiters[i].fn(t->waiters[i].ud, p, n);
}

/* The commit in flight t (NULL: none) failed, or the open one cannot be
 * written: nothing of either is on disk, but the loop applied both.  Answer
 * both with storage_error and reload the state from the log, so memory never
 * claims what the disk lacks. */
static void fail_and_reload(rg_engine *e, rg_commit *t)
{
    rg_commit *open = e->open;
    RG_ASSERT(t != open && !e->inflight);
    fprintf(stderr, "regie: commit of %zu commands failed; reloading state from the log\n",
            (t ? t->nwrites : 0) + open->nwrites);
    rg_store_unload(e);
    int rc = rg_store_load(e);
    if (rc == 0) rc = rg_bootstrap_tallies(e);
    if (rc < 0) fprintf(stderr, "regie: reloading state failed too: storage is unusable\n");
    e->failed = rc < 0;
    e->open = rg_commit_new(e);

    rg_buf err = RG_BUF_INIT;
    /* Not "nothing was stored": a sync that failed after the batch reached
     * the write-ahead log leaves it there, and a restart finds it durable
     * (RELIABILITY.md, the fault sweep).  The same req tells which. */
    rg_error_reply(&err, RG_ESTORAGE,
                   "the change could not be made durable; send it again with the same req "
                   "once storage works to learn whether it was kept");
    if (t) fail_waiters(t, err.data, err.len);
    fail_waiters(open, err.data, err.len);
    for (int i = 0; i < e->nlisteners; i++)
        if (e->listeners[i].ops->on_failed) e->listeners[i].ops->on_failed(e->listeners[i].ud, e, err.data, err.len);
    rg_buf_free(&err);
    if (t) rg_commit_free(t);
    rg_commit_free(open);
}

static void write_done(uv_work_t *req, int status)
{
    rg_commit *t = req->data;
    rg_engine *e = t->e;
    RG_ASSERT(e->inflight == t);              /* one commit in flight at a time */
    e->inflight = NULL;
    if (status == 0 && t->status == 0) {
        e->stat_commits++;
        e->stat_committed_cmds += t->nwrites;
        e->stat_written_keys += rg_batch_count(t->batch);
        e->stat_written_bytes += rg_batch_bytes(t->batch);
        fig_add(&e->figures.cmds, 1, t->nwrites);
        fig_add(&e->figures.bytes, 256, rg_batch_bytes(t->batch));
        fig_add(&e->figures.took_us, 64, (uv_hrtime() - t->sealed_ns) / 1000);
        fig_add(&e->figures.sync_us, 64, t->sync_ns / 1000);
        release(t);
        shred(e, t);
        rg_store_trim(e, t->head_seq);
        rg_commit_kick(e);
        /* The services go on (parked long-polls, the next slice of due
         * deadlines) once what they wait for is durable. */
        for (int i = 0; i < e->nlisteners; i++)
            if (e->listeners[i].ops->on_durable) e->listeners[i].ops->on_durable(e->listeners[i].ud, e, t);
        recycle(e, t);
        return;
    }
    fail_and_reload(e, t);
}

/* Runs once per loop turn in which commands wrote something, after all the
 * I/O of that turn was handled: everything gathered so far forms one commit. */
static void kick_cb(uv_idle_t *h)
{
    uv_idle_stop(h);
    rg_commit_kick(h->data);
}

void rg_commit_init_kick(rg_engine *e)
{
    uv_idle_init(e->loop, &e->kick);
    e->kick.data = e;
}

rg_commit *rg_commit_current(rg_engine *e) { return e->open; }
rg_commit *rg_commit_inflight(rg_engine *e) { return e->inflight; }

void rg_commit_want(rg_engine *e)
{
    if (!uv_is_active((uv_handle_t *)&e->kick)) uv_idle_start(&e->kick, kick_cb);
}

void rg_commit_kick(rg_engine *e)
{
    if (e->inflight || (e->open->nwrites == 0 && e->open->naudit == 0)) return;
    if (e->open->poisoned) {
        fail_and_reload(e, NULL);
        return;
    }
    rg_commit *t = e->open;
    /* Positions are gapless: this commit's events follow the last one
     * written (or in flight) without a hole and end at the head. */
    RG_ASSERT(t->nevents == 0 || t->events[0].seq == t->base_seq + 1);
    RG_ASSERT(t->nevents == 0 || t->events[t->nevents - 1].seq == e->head_seq);
    for (size_t i = 1; i < t->nevents; i++) RG_ASSERT(t->events[i].seq == t->events[0].seq + i);
    rg_store_put_meta(e, t->batch, false);
    t->head_seq = e->head_seq;
    e->open = rg_commit_new(e);
    e->inflight = t;
    t->sealed_ns = uv_hrtime();
    t->work.data = t;
    int rc = uv_queue_work(e->loop, &t->work, write_work, write_done);
    if (rc < 0) {
        /* Only fails for a bad argument or a closed loop (a bug): answer as
         * a write that failed rather than leave the replies waiting. */
        fprintf(stderr, "regie: bug: uv_queue_work: %s\n", uv_strerror(rc));
        e->inflight = NULL;
        fail_and_reload(e, t);
        return;
    }
    for (int i = 0; i < e->nlisteners; i++)
        if (e->listeners[i].ops->on_sealed) e->listeners[i].ops->on_sealed(e->listeners[i].ud, e, t);
}
