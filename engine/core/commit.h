/*
 * commit.h - group commit (commit.c): the open commit that commands write
 * into, the one in flight, and the listener table through which the layers
 * above (services/) hear of durable commits, failures, reads and shutdown
 * without the core calling them by name (nng's protocol ops tables).
 *
 * Ownership: the engine owns its commits; a commit owns its batch, its
 * waiting replies (copied bytes), its pending events and its idempotency
 * keys.  A durable commit is emptied and kept as the engine's spare, the
 * next commit made (commit.c): its batch and arrays keep the memory they
 * grew into, so a busy engine does not grow fresh memory every commit.  The batch of the commit in flight is read by the writer thread
 * until write_done runs on the loop; everything else is the loop's.
 */
#ifndef RG_COMMIT_H
#define RG_COMMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "../domain/event.h"
#include "../storage/log.h"
#include "engine.h"

typedef struct rg_ctx rg_ctx;

/* A reply waiting for its commit to be durable: its bytes are at off in
 * the commit's `replies`. */
typedef struct rg_reply_wait {
    rg_reply_fn fn;
    void *ud;
    size_t off;
    size_t len;
} rg_reply_wait;

/* An event of a commit not yet durable: read-your-writes for case.history and
 * the notice to publish once durable. */
typedef struct rg_pending_event {
    uint64_t seq;
    uint64_t at;
    char case_id[RG_ID_MAX];
    const char *type;         /* static, from the event table */
    uint8_t *record;
    size_t len;
    char *topics;             /* notification topics it wakes: "t1\0t2\0\0" (alerts.h) */
} rg_pending_event;

/* One group commit: everything written by the commands gathered while the
 * previous commit was being synced. */
typedef struct rg_commit {
    rg_engine *e;
    rg_batch *batch;
    size_t nwrites;           /* commands that wrote into batch */
    size_t naudit;            /* audit records in batch */
    rg_reply_wait *waiters;
    size_t nwaiters, capwaiters;
    rg_buf replies;           /* the waiting replies' bytes, one after the other */
    rg_pending_event *events;
    size_t nevents, capevents;
    char **idem_keys;         /* keys in e->idem_pending owned by this commit */
    size_t nidem, capidem;
    int status;
    bool poisoned;            /* holds an event that did not fold (a bug): never written */
    uint64_t base_seq;        /* the head when it opened: its first event is base_seq + 1 */
    uint64_t head_seq;        /* the last event position it holds (set when sealed) */
    uint64_t dl_min;          /* the earliest deadline key it puts (UINT64_MAX: none) */
    rg_buf shred;             /* ids of cases it erases ("a\0b\0"): keys to shred once durable */
    uv_work_t work;
    uint64_t sealed_ns;       /* uv_hrtime when it was sealed and handed to the writer */
    uint64_t sync_ns;         /* how long the synced write took (the writer's thread) */
} rg_commit;

/* An idempotency record not yet durable. */
typedef struct rg_idem_pending {
    rg_commit *commit;
    uint8_t *reply;
    size_t len;
} rg_idem_pending;

rg_commit *rg_commit_new(rg_engine *e);
void rg_commit_free(rg_commit *t);
/* The reply p (copied) is sent once t is durable. */
void rg_commit_add_waiter(rg_commit *t, rg_reply_fn fn, void *ud, const uint8_t *p, size_t n);
/* Store a reply under its idempotency key ("actor\0req", ikn bytes) in t. */
void rg_commit_keep_idem(rg_commit *t, const char *ikey, size_t ikn, const uint8_t *reply, size_t n);
/* The same, storing `stored` (the reply sealed, idem.h) while a repeat
 * before the commit is durable gets `reply` from memory. */
void rg_commit_keep_idem_as(rg_commit *t, const char *ikey, size_t ikn, const uint8_t *reply, size_t n,
                            const uint8_t *stored, size_t sn);
/* A write with nothing of its own in t's batch (or put there by the core
 * for a service): t is sealed, and every commit stores the meta. */
void rg_commit_count_write(rg_commit *t);
/* The idle handle that seals the open commit once per loop turn (at open). */
void rg_commit_init_kick(rg_engine *e);
/* Once t is durable, make the erased key gone from the files: a case's
 * (its persons' with it), or one person's ("CASE/P2"); the id goes into the
 * erasure ledger as it is. */
void rg_commit_shred(rg_commit *t, const char *case_id);
/* Seal the open commit and hand it to the writer, if none is in flight. */
void rg_commit_kick(rg_engine *e);
/* Where a reply must wait so that it reports only durable state: the newest
 * commit holding writes, or NULL when nothing is pending. */
rg_commit *rg_commit_newest(rg_engine *e);
/* The open commit, which a listener may write into (an audit record, a
 * slice of fired deadlines); call rg_commit_want after. */
rg_commit *rg_commit_current(rg_engine *e);
rg_commit *rg_commit_inflight(rg_engine *e);   /* NULL when none */
void rg_commit_want(rg_engine *e);      /* seal the open commit this loop turn */

/* What a service hears from the core; any hook may be NULL.  Called on the
 * loop thread, in the order the listeners were added. */
struct rg_listener_ops {
    const char *name;
    /* t was sealed and handed to the writer; a new open commit exists. */
    void (*on_sealed)(void *ud, rg_engine *e, rg_commit *t);
    /* t is on disk and its replies were released. */
    void (*on_durable)(void *ud, rg_engine *e, rg_commit *t);
    /* the pending commits failed (err is the reply they got) and the state
     * was reloaded from the log. */
    void (*on_failed)(void *ud, rg_engine *e, const uint8_t *err, size_t n);
    /* a read showed case content (rg_ctx_audit_case); the hook may write a
     * record into the open commit, which the read's reply then waits for. */
    void (*on_read)(void *ud, rg_ctx *c);
    /* the engine is closing: answer whatever waits, close handles, free. */
    void (*on_close)(void *ud, rg_engine *e);
};

#define RG_MAX_LISTENERS 8   /* rg_engine_listen (engine.h) */

#endif
