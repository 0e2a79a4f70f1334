/*
 * state.h - the core's state (state.c loads it from the log): the head of
 * the log, counters, actors, the case cache, the commits, the listeners.
 * The layers above read it through this header (services and replay run
 * on the same loop thread); only the core changes what it owns.
 *
 * Threads: everything here belongs to the loop thread, except the batch of
 * the commit in flight (commit.h).
 *
 * Ownership: the case cache owns every rg_case; handlers borrow one for a
 * request, and nothing keeps a case pointer across loop callbacks, because
 * the cache drops least recently used durable cases after each commit.
 */
#ifndef RG_STATE_H
#define RG_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "../domain/case.h"
#include "../domain/clock.h"
#include "../domain/config.h"
#include "../domain/event.h"
#include "../domain/schema.h"
#include "../storage/crypto.h"
#include "../storage/hmap.h"
#include "../storage/log.h"
#include "commit.h"
#include "engine.h"
#include "quota.h"
#include "tally.h"

#define RG_MAX_REQUEST (1u << 20)     /* larger requests are bad_request */
#define RG_REQ_ID_MAX 128

/* An entry of the case cache (state.c): the case and its place in the
 * order of use, kept beside the projection, which knows nothing of it. */
struct rg_cached {
    rg_case *cs;
    struct rg_cached *prev, *next;    /* towards the most and least recently used */
};

struct rg_engine {
    uv_loop_t *loop;
    rg_log *log;
    rg_clock clock;
    uv_idle_t kick;           /* submits the open commit (see kick_cb) */
    bool closing;
    bool failed;              /* storage unusable: every request fails */

    /* State, including what is not yet durable (see commit.c for reset). */
    uint64_t head_seq;
    uint8_t head_link[RG_HASH_LEN];
    uint64_t case_counter;    /* the last number of the global counter ids were minted from
                                 before they were opaque ("ZVH-%08u"; kept in meta, no
                                 longer counted on): a region numbers on after it */
    /* each region's last case number (meta `numbers`): what people say on
     * the phone, counted per region so no region learns another's volume */
    struct rg_region_number {
        char zvh[RG_ID_MAX];
        uint64_t last;
    } *numbers;
    size_t nnumbers, capnumbers;
    uint64_t counts[RG_NSTATES];       /* cases in each state */
    uint64_t lead_counts[RG_NSTATES];  /* stays that ended, per state */
    rg_hmap cases;            /* case id -> struct rg_cached* (cache, owns; state.c) */
    struct rg_cached *lru_head, *lru_tail;   /* cases most and least recently used */
    size_t cache_cap;         /* cases kept in memory when all are durable */
    rg_hmap actors;           /* actor id -> rg_actor* (owns) */
    rg_hmap tokens;           /* token hash -> rg_actor* (borrows) */
    rg_hmap idem_pending;     /* actor 0 req -> rg_idem_pending* (owns) */
    uint64_t audit_seq;       /* last audit record number (kept in meta) */
    uint64_t alert_seq;       /* last alert number (kept in meta) */
    uint8_t notify_secret[RG_KEY_LEN];   /* topics are derived from it (meta) */
    uint8_t kek[RG_KEY_LEN];  /* wraps every case's data key (storage/keyfile.h) */
    char key_check[65];       /* DIR/kek.check (RG_KEY_CHECK_HEX): the erasure ledger names it */
    char *ledger;             /* the engine's erasure ledger (core/ledger.h; owns) */
    bool ledger_stale;        /* it may lack an erasure: rewritten whole at start */
    uint64_t stagnations;     /* open stagnations over all cases */
    /* The counters as rg_store_put_meta last put them into a batch: one
     * that did not change since is not written again (issue 23: at one
     * command per commit they were half its keys).  Batches reach the disk
     * in order and a failed one reloads the state (commit.c), whose
     * rg_store_load clears `known`, so the next commit writes them all. */
    struct {
        bool known;
        uint64_t head_seq, case_counter, audit_seq, alert_seq, stagnations, clock;
        uint64_t counts[RG_NSTATES], lead_counts[RG_NSTATES];
        rg_buf numbers;
    } meta_put;
    rg_tallies tallies;       /* stats and caps per region, kept as cases change (tally.h) */
    /* rg_store_load found no figures on disk (a directory from before
     * them): rg_bootstrap_tallies counts them before anything reads them. */
    bool tallies_unread;
    /* No deadline key is earlier than this, durable or pending: the write
     * path lowers it whenever it puts a key, the firing service raises it
     * past what it has read (services/due.c). */
    uint64_t dl_low;
    rg_config cfg;            /* the region's norms and ladder (config.c) */
    rg_handlers handlers;     /* the module's, by operation (module.h) */
    rg_quota known_quota;     /* subject.known per caller and hour (quota.h) */
    char zvh[RG_ID_MAX];      /* the region of actors created without one (--zvh) */

    rg_commit *open;          /* being filled; never NULL */
    rg_commit *inflight;      /* being synced by the writer, or NULL */
    rg_commit *spare;         /* the last durable one, emptied for reuse (commit.c), or NULL */

    struct {
        const rg_listener_ops *ops;
        void *ud;
    } listeners[RG_MAX_LISTENERS];
    int nlisteners;

    rg_notify_fn notify;
    void *notify_ud;

    uint64_t stat_commits;
    uint64_t stat_committed_cmds;
    uint64_t stat_written_keys;     /* keys and bytes of the committed batches */
    uint64_t stat_written_bytes;
    rg_commit_figures figures;      /* each durable commit's size and times */
};

/* state.c: loading and resetting the in-memory state from the log.  Every
 * caller then calls rg_bootstrap_tallies (bootstrap.h), which recounts the
 * figures of a directory from before them by a walk of its cases. */
int rg_store_load(rg_engine *e);
/* An event moved a case from state `before` (-1: a new case) to `after`:
 * the per-state counts follow it.  True when a stay ended, whose lead-time
 * row the caller writes.  The live path and replay both count through here,
 * so a rebuild gives the same counts and rows. */
bool rg_count_state_change(uint64_t counts[RG_NSTATES], uint64_t leads[RG_NSTATES], int before, int after);
/* A lead-time row's key: how long a case stayed in `state` (be64 ms) before
 * the event `seq` moved it on; stats reads the median per state from them. */
#define RG_LEAD_KEY (17 + RG_ID_MAX)
/* u8(state) be64(ms) be64(seq) zvh: ordered by state and duration as
 * before regions (rows from then have no zvh: the first region's); the
 * region last, so a median per region filters a state's rows.  Returns the
 * key's length. */
size_t rg_lead_key(uint8_t k[RG_LEAD_KEY], int state, uint64_t ms, uint64_t seq, const char *zvh);
void rg_store_unload(rg_engine *e);
/* The case, from the cache or as stored (snapshot.h), with its data key
 * loaded (RG_DK_ABSENT when erased, or when it never had personal data
 * sealed: a case from before encryption). */
int rg_store_case(rg_engine *e, const char *id, rg_case **out /* OUT */);
/* Give a case without a data key a new one (not an erased case: false),
 * staging the wrapped key into b. */
bool rg_store_case_key(rg_engine *e, rg_case *cs, rg_batch *b);
/* The id a person's own data key is kept and wrapped under: "CASE/Pn". */
void rg_person_key_id(char out[RG_ID_MAX + 16], const char *case_id, const char *person);
/* Person `person`'s key into key: their key when they have one; a new one
 * (staged into b, and kept in cs when the person is there already: a new
 * person's key is put in place once their event is folded) when not; false
 * for an erased person or case. */
bool rg_store_person_key(rg_engine *e, rg_case *cs, const char *person, rg_batch *b, uint8_t key[32]);
void rg_store_cache_put(rg_engine *e, rg_case *cs);     /* a new case; the cache owns it */
/* The case id (n bytes) if the cache holds it (changes not yet durable
 * included), else NULL; its place in the cache order is left as it is.
 * Inline: reads.c looks cases up, and state.c reads through reads.c, so a
 * call would tie the two files in a circle. */
static inline rg_case *rg_store_cached(rg_engine *e, const void *id, size_t n)
{
    struct rg_cached *c = rg_hmap_get(&e->cases, id, n);
    return c ? c->cs : NULL;
}
/* Drop least recently used cases beyond cache_cap whose every event is at
 * or before durable_seq (the others are the only copy of pending state). */
void rg_store_trim(rg_engine *e, uint64_t durable_seq);
/* What a rebuild folded from the whole log (replay/): the head and the
 * counters the meta records keep. */
typedef struct rg_rebuilt {
    uint64_t head_seq;
    uint8_t head_link[RG_HASH_LEN];
    uint64_t case_counter;
    uint64_t stagnations;
    uint64_t counts[RG_NSTATES];
    uint64_t lead_counts[RG_NSTATES];
} rg_rebuilt;
/* Take r as the engine's head and counters, each region's last number
 * forgotten (the rebuild notes them again, rg_store_note_number), before
 * the meta records are put whole (rg_store_put_meta). */
void rg_store_take_rebuilt(rg_engine *e, const rg_rebuilt *r);
/* Whether the storage is unusable: every request fails until a rebuild or
 * a reload succeeds. */
void rg_store_set_failed(rg_engine *e, bool failed);
/* The meta head and counters into b: those that changed since the last
 * batch they went into, or (all) every one. */
void rg_store_put_meta(rg_engine *e, rg_batch *b, bool all);
/* A region's next case number (its last, or the old global counter, + 1),
 * and noting one given (the last only grows). */
uint64_t rg_store_next_number(const rg_engine *e, const char *zvh);
void rg_store_note_number(rg_engine *e, const char *zvh, uint64_t n);
/* An actor's notification topic for an audience ("feed", "alerts"): a keyed
 * hash of the engine's secret, the actor's region and the audience, in hex. */
void rg_notify_topic(rg_engine *e, const rg_actor *a, const char *audience, char out[RG_TOPIC_LEN + 1]);
/* The actor registry: an actor by id (NULL: none), and an actor copied in
 * (replacing the one of its id; a handler's last step only), their stored
 * form, and that form staged into b. */
const rg_actor *rg_store_actor(rg_engine *e, const char *id);
void rg_store_actor_put(rg_engine *e, const rg_actor *a);
void rg_store_actor_record(const rg_actor *a, rg_buf *out);
void rg_store_stage_actor(rg_batch *b, const rg_actor *a);


#endif
