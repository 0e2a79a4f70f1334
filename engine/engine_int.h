/*
 * engine_int.h - the engine's insides, shared by engine.c (the request
 * pipeline), commit.c (group commit), store.c (loading state) and ctx.c (the
 * handlers' face).  Nothing outside engine/ includes this.
 *
 * Threads: everything here belongs to the loop thread, except the batch of
 * the commit in flight, which the writer (a libuv threadpool worker) reads
 * while it writes it.
 */
#ifndef RG_ENGINE_INT_H
#define RG_ENGINE_INT_H

#include <uv.h>

#include "case.h"
#include "clock.h"
#include "config.h"
#include "engine.h"
#include "event.h"
#include "hmap.h"
#include "log.h"
#include "schema.h"

#define RG_MAX_REQUEST (1u << 20)     /* larger requests are bad_request */
#define RG_REQ_ID_MAX 128

/* A reply waiting for its commit to be durable. */
typedef struct rg_waiter {
    rg_reply_fn fn;
    void *ud;
    uint8_t *bytes;
    size_t len;
} rg_waiter;

/* An event of a commit not yet durable: read-your-writes for case.history and
 * the notice to publish once durable. */
typedef struct rg_pending_event {
    uint64_t seq;
    uint64_t at;
    char case_id[RG_ID_MAX];
    const char *type;         /* static, from the event table */
    uint8_t *record;
    size_t len;
    char *orgs;               /* orgs taking part: "a\0b\0\0", for org.<org> topics */
    char *alerts;             /* actors to alert, same form, for alert.<id> topics */
} rg_pending_event;

/* One group commit: everything written by the commands gathered while the
 * previous commit was being synced. */
typedef struct rg_commit {
    rg_engine *e;
    rg_batch *batch;
    size_t nwrites;           /* commands that wrote into batch */
    size_t naudit;            /* audit records in batch (no reply waits on them) */
    rg_waiter *waiters;
    size_t nwaiters, capwaiters;
    rg_pending_event *events;
    size_t nevents, capevents;
    char **idem_keys;         /* keys in e->idem_pending owned by this commit */
    size_t nidem, capidem;
    int status;
    bool poisoned;            /* holds an event that did not fold (a bug): never written */
    uint64_t head_seq;        /* the last event position it holds (set when sealed) */
    uint64_t dl_min;          /* the earliest deadline key it puts (UINT64_MAX: none) */
    uv_work_t work;
} rg_commit;

/* An idempotency record not yet durable. */
typedef struct rg_idem_pending {
    rg_commit *commit;
    uint8_t *reply;
    size_t len;
} rg_idem_pending;

/* feed.read requests parked until new events are durable (feed.c). */
struct rg_parked;
typedef struct rg_waiter_list {
    struct rg_parked *head;
    size_t count;
} rg_waiter_list;

struct rg_engine {
    uv_loop_t *loop;
    rg_log *log;
    rg_clock clock;
    uv_idle_t kick;           /* submits the open commit (see kick_cb) */
    bool closing;
    int closing_handles;
    bool failed;              /* storage unusable: every request fails */

    /* State, including what is not yet durable (see commit.c for reset). */
    uint64_t head_seq;
    uint8_t head_link[RG_HASH_LEN];
    uint64_t case_counter;
    uint64_t counts[RG_NSTATES];       /* cases in each state */
    uint64_t lead_counts[RG_NSTATES];  /* stays that ended, per state */
    rg_hmap cases;            /* case id -> rg_case* (cache, owns) */
    rg_case *lru_head, *lru_tail;   /* cases most and least recently used */
    size_t cache_cap;         /* cases kept in memory when all are durable */
    rg_hmap actors;           /* actor id -> rg_actor* (owns) */
    rg_hmap tokens;           /* token hash -> rg_actor* (borrows) */
    rg_hmap idem_pending;     /* actor 0 req -> rg_idem_pending* (owns) */

    rg_commit *open;          /* being filled; never NULL */
    rg_commit *inflight;      /* being synced by the writer, or NULL */

    rg_notify_fn notify;
    void *notify_ud;

    uint64_t audit_seq;       /* last audit record number */
    uint64_t stagnations;     /* open stagnations over all cases */
    rg_config cfg;            /* the region's norms and ladder (config.c) */
    uv_timer_t due_timer;     /* the first deadline (real clock), due.c */
    struct rg_commit *due_wait;   /* the open commit, while it holds a slice of fired deadlines */
    uint64_t due_next;        /* no deadline key is earlier (a lower bound; 0 at start) */
    struct {
        bool active;
        uint64_t target;
        rg_reply_fn fn;
        void *ud;
        char ikey[RG_ID_MAX + RG_REQ_ID_MAX + 2];   /* its idempotency key */
        size_t ikn;
    } advance;                /* a clock.advance under way (manual clock) */
    uint64_t late_hist[32];   /* deadline firing lateness, log2(ms + 1) buckets */
    struct rg_waiter_list *parked;   /* feed.read long-polls (feed.c) */
    uv_timer_t park_timer;

    uint64_t stat_commits;
    uint64_t stat_committed_cmds;
    uint64_t stat_written_keys;     /* keys and bytes of the committed batches */
    uint64_t stat_written_bytes;
};

/* commit.c */
rg_commit *rg_commit_new(rg_engine *e);
void rg_commit_free(rg_commit *t);
void rg_commit_add_waiter(rg_commit *t, rg_reply_fn fn, void *ud, const uint8_t *p, size_t n);
/* Store a reply under its idempotency key ("actor\0req", ikn bytes) in t. */
void rg_commit_keep_idem(rg_commit *t, const char *ikey, size_t ikn, const uint8_t *reply, size_t n);
void rg_commit_kick(rg_engine *e);
/* Where a reply must wait so that it reports only durable state: the newest
 * commit holding writes, or NULL when nothing is pending. */
rg_commit *rg_commit_newest(rg_engine *e);

/* store.c: loading and resetting the in-memory state from the log */
int rg_store_load(rg_engine *e);
/* An event moved a case from state `before` (-1: a new case) to `after`:
 * the per-state counts follow it.  True when a stay ended, whose lead-time
 * row the caller writes.  The live path and replay both count through here,
 * so a rebuild gives the same counts and rows. */
bool rg_count_state_change(uint64_t counts[RG_NSTATES], uint64_t leads[RG_NSTATES], int before, int after);
/* A lead-time row's key: how long a case stayed in `state` (be64 ms) before
 * the event `seq` moved it on; stats reads the median per state from them. */
#define RG_LEAD_KEY 17
void rg_lead_key(uint8_t k[RG_LEAD_KEY], int state, uint64_t ms, uint64_t seq);
/* Finish a rebuild (replay.c) that a crash or failure interrupted. */
int rg_engine_resume_rebuild(rg_engine *e);
void rg_store_unload(rg_engine *e);
int rg_store_case(rg_engine *e, const char *id, rg_case **out /* OUT */);
void rg_store_cache_put(rg_engine *e, rg_case *cs);     /* a new case; the cache owns it */
/* Drop least recently used cases beyond cache_cap whose every event is at
 * or before durable_seq (the others are the only copy of pending state). */
void rg_store_trim(rg_engine *e, uint64_t durable_seq);
void rg_store_put_meta(rg_engine *e, rg_batch *b);
void rg_store_put_actor(rg_batch *b, const rg_actor *a);

#endif

/* ---- the per-request context (handlers see it through ctx.h) ---- */

typedef struct rg_staged {
    rg_cf cf;
    uint8_t *k;
    size_t kn;
    uint8_t *v;
    size_t vn;
} rg_staged;

struct rg_ctx {
    rg_engine *e;
    uint64_t deadline;        /* feed.read long-poll: uv_now() limit, 0 = none */
    bool final;               /* long-poll timed out: answer whatever there is */
    uint32_t park_ms;         /* set by rg_ctx_park: wait for new events */
    rg_reply_fn reply_fn;     /* where the reply goes */
    void *reply_ud;
    bool reply_taken;         /* rg_ctx_take_reply: the handler answers later */
    rg_buf audit_cases;       /* cases this read showed, for the audit trail */
    uint32_t naudit_cases;
    char audit_last[RG_ID_MAX];
    const rg_opdef *op;
    const rg_actor *actor;
    const rg_val *req;
    const rg_val *data;
    rg_case *cs;
    bool created;             /* cs was made by rg_ctx_create_case */
    rg_evb **evs;             /* the events it declared, in order (rg_ctx_emit) */
    int nevs, capevs;
    bool bug;                 /* a handler named an event type that does not exist */
    rg_buf extra;             /* extra reply key/value pairs */
    uint32_t nextra;
    rg_buf stored;            /* RG_OP_SECRET: the stored copy's extra pairs */
    uint32_t nstored;
    rg_staged *staged;
    size_t nstaged, capstaged;
    uint64_t now;
    char msg[512];
};

void rg_ctx_init(rg_ctx *c, rg_engine *e);
/* engine.c: commit the engine's own command (a fired deadline): no reply. */
void rg_commit_system(rg_ctx *c);
extern const rg_opdef rg_system_op;
/* ctx.c: the handler answers later itself (clock.advance). */
void rg_ctx_take_reply(rg_ctx *c, rg_reply_fn *fn /* OUT */, void **ud /* OUT */);
/* due.c */
typedef struct rg_dl_snap {
    uint32_t n;
    rg_deadline *v;
} rg_dl_snap;
void rg_dl_snapshot(const rg_case *c, rg_dl_snap *s);
void rg_dl_snap_free(rg_dl_snap *s);
/* A deadline's index key (be64 t, case id, norm, item) in k, whose size is
 * at least 8 + 3 * RG_ID_MAX; returns its length.  t is the index time. */
size_t rg_deadline_key(uint8_t *k, uint64_t t, const char *case_id, const char *norm, const char *item);
uint64_t rg_deadline_index_time(const rg_deadline *d);
/* The index key of case c's deadline d into k (as above), or 0 when it has
 * no key (no index time: at the top of the escalation ladder). */
size_t rg_dl_key_of(uint8_t *k, const rg_case *c, const rg_deadline *d);
/* Put and delete the case's deadline keys; returns the earliest time put. */
uint64_t rg_dl_index(rg_batch *b, const rg_case *c, const rg_dl_snap *before);
void rg_dl_cleared(rg_ctx *c, const rg_dl_snap *before);
void rg_due_init(rg_engine *e);
void rg_due_run(rg_engine *e);
void rg_due_failed(rg_engine *e, const uint8_t *err, size_t n);
const rg_actor *rg_system_actor(void);
void rg_lateness_add(rg_engine *e, uint64_t ms);
/* config.c: read the region's norm amounts (indexes of rg_norms). */
void rg_engine_want_commit(rg_engine *e);  /* seal the open commit this loop turn */
/* engine.c: run a request; deadline/final as in rg_ctx (feed.c re-runs parked ones). */
void rg_engine_run(rg_engine *e, const uint8_t *p, size_t n, rg_reply_fn fn, void *ud,
                   uint64_t deadline, bool final);
/* feed.c */
void rg_feed_init(rg_engine *e);
void rg_feed_close(rg_engine *e);          /* answers every parked reader */
void rg_feed_park(rg_engine *e, const uint8_t *p, size_t n, rg_reply_fn fn, void *ud,
                  uint64_t deadline);
void rg_feed_wake(rg_engine *e);           /* new durable events: re-run parked reads */
void rg_feed_index(rg_batch *b, const rg_case *cs, uint64_t seq, uint32_t v);
/* audit.c */
void rg_audit_add(rg_engine *e, rg_ctx *c);
void rg_ctx_cleanup(rg_ctx *c);
