/*
 * engine.h - the engine: takes a request (msgpack bytes), answers it, and
 * makes what it changed durable before the answer leaves.
 *
 * The engine knows nothing of sockets: the server (net/server.c) feeds it bytes
 * and sends what comes back; tests can drive it directly on a loop of their
 * own.  Several engines may live in one process (no global state).
 *
 * Threads: every function here is called on the loop thread.
 */
#ifndef RG_ENGINE_H
#define RG_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "../storage/buf.h"
#include "../domain/clock.h"
#include "module.h"

typedef struct rg_engine rg_engine;
typedef struct rg_listener_ops rg_listener_ops;   /* commit.h */
struct rg_log;
struct rg_case;
struct rg_region_cfg;
struct rg_tallies;

/* A reply, called on the loop thread once the reply may be sent: after every
 * change it reports, and everything it read, is durable.  The bytes are
 * borrowed for the duration of the call. */
typedef void (*rg_reply_fn)(void *ud, const uint8_t *p, size_t n);

/* A durable event, for notifications: its position and the opaque topics
 * it wakes (an actor's feed or alerts topic, CONTRACT.md "Notifications");
 * nothing else of it leaves the engine this way. */
typedef struct rg_notice {
    uint64_t seq;
    const char *topics;       /* "t1\0t2\0\0" */
} rg_notice;
typedef void (*rg_notify_fn)(void *ud, const rg_notice *n);

typedef struct rg_engine_opts {
    const char *dir;          /* data directory (created if missing) */
    const rg_module *module;  /* the handler of each operation (module.h; required) */
    rg_clock clock;
    const char *config;       /* the region's norms file, or NULL (config.c) */
    size_t cache_cases;       /* cases kept in memory; 0: RG_CACHE_CASES_DEFAULT */
    const char *zvh;          /* the region of actors created without one; NULL: "zvh" */
    const char *key_file;     /* the key-encryption key (storage/keyfile.h); NULL: DIR.kek */
    bool key_inside_ok;       /* --key-file-inside-data: a key file in DIR is accepted */
    const char *ledger;       /* the erasure ledger (core/ledger.h); NULL: DIR.ledger */
    const char *sign_key;     /* the log's Ed25519 signing key (services/transparency.h); NULL: DIR.sign */
    int retention_days;       /* > 0: overrides the retention norm's amount */
    uint32_t subject_known_per_hour;   /* per caller; 0: RG_SUBJECT_KNOWN_PER_HOUR (core/quota.h) */
} rg_engine_opts;

#define RG_CACHE_CASES_DEFAULT 100000

/* Open the core alone: the log, the loaded state.  Users open the engine
 * with its services: rg_engine_open (services/services.h). */
int rg_core_open(rg_engine **out /* OUT */, uv_loop_t *loop, const rg_engine_opts *o);
/* Start closing: the caller must first wait for rg_engine_busy() to turn
 * false, then call this and run the loop until it returns.  Every listener
 * (service) is told first and answers what waits. */
void rg_engine_close(rg_engine *e);
bool rg_engine_busy(const rg_engine *e);

void rg_engine_submit(rg_engine *e, const uint8_t *req, size_t n, rg_reply_fn fn, void *ud);
void rg_engine_set_notify(rg_engine *e, rg_notify_fn fn, void *ud);

/* The layers above hear of the core through a table of hooks (the
 * listener table, commit.h). Add a listener (at most RG_MAX_LISTENERS;
 * RG_EOVERLOAD beyond). */
int rg_engine_listen(rg_engine *e, const rg_listener_ops *ops, void *ud);
/* The ud of the listener added with ops, or NULL: how a layer above finds
 * the state it attached, without the core keeping a field for it. */
void *rg_engine_listener(rg_engine *e, const rg_listener_ops *ops);

struct rg_log *rg_engine_log(rg_engine *e);   /* for tests: fault injection */
uv_loop_t *rg_engine_loop(rg_engine *e);
const char *rg_engine_zvh(rg_engine *e);      /* the default region (--zvh) */
uint64_t rg_engine_head(rg_engine *e);          /* position of the last event applied */
/* The manual clock moves on to t when t is later (deadlines fired in turn,
 * clock.advance); the real clock is never set. */
void rg_engine_clock_pass(rg_engine *e, uint64_t t);
uint64_t rg_engine_count(rg_engine *e, int state);       /* cases in a state */
uint64_t rg_engine_lead_count(rg_engine *e, int state);  /* stays in it that ended */
uint64_t rg_engine_commits(rg_engine *e);              /* group commits since start */
uint64_t rg_engine_stagnations(rg_engine *e);          /* open stagnations, all cases */
/* The figures kept per region and per procesregisseur (core/tally.h). */
const struct rg_tallies *rg_engine_tallies(rg_engine *e);
uint64_t rg_engine_committed_commands(rg_engine *e);   /* commands they carried */
uint64_t rg_engine_written_keys(rg_engine *e);         /* keys they wrote */
uint64_t rg_engine_written_bytes(rg_engine *e);        /* bytes of those keys and values */
/* A region's configuration (domain/config.h): its defaults if it has none. */
const struct rg_region_cfg *rg_engine_region(rg_engine *e, const char *zvh);
/* subject.known's quota (--subject-known-per-hour): count one lookup by
 * actor; false when its hour is spent.  *limit: the number per hour. */
bool rg_engine_quota_take(rg_engine *e, const char *actor, uint64_t now, uint32_t *limit /* OUT */);
/* Another case, borrowed from the cache for the request (with its key). */
int rg_engine_load_case(rg_engine *e, const char *id, struct rg_case **out /* OUT */);

/* Each durable commit's size and times, as histograms of power-of-two
 * buckets (bucket k holds values up to base << k; the last, the rest): for
 * /metrics.  Loop only. */
#define RG_FIG_BUCKETS 16
typedef struct rg_fig_hist {
    uint64_t n[RG_FIG_BUCKETS + 1];
    uint64_t sum, count;
} rg_fig_hist;
typedef struct rg_commit_figures {
    rg_fig_hist cmds;         /* commands per commit (base 1) */
    rg_fig_hist bytes;        /* bytes written per commit (base 256) */
    rg_fig_hist took_us;      /* sealed to durable, µs (base 64) */
    rg_fig_hist sync_us;      /* the synced write alone (RocksDB's write and fsync), µs (base 64) */
} rg_commit_figures;
const rg_commit_figures *rg_engine_commit_figures(rg_engine *e);

#endif
