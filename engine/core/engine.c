/*
 * engine.c - the core's life: opening the log and loading the state,
 * the listeners the layers above attach (commit.h), the idle handle that
 * seals a commit once per loop turn, and closing.  The pipeline that serves
 * a request is pipeline.c; applying a change into the open commit, apply.c;
 * the group commit, commit.c.
 *
 * Layer (engine/core/): the request pipeline, applying and staging a
 * command's writes, the group commit, the loaded state and the reads of it,
 * the handlers' context, and the indexes the write path keeps in step (the
 * deadline and feed keys).  It uses domain/ and storage/; it tells the layers
 * above (replay/, services/) about commits, reads and shutdown only through
 * the listener table they hand it.
 */
#include "engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../storage/crypto.h"
#include "../storage/keyfile.h"
#include "../storage/ledgerfile.h"
#include "../storage/errors.h"
#include "../domain/fold.h"
#include "request.h"
#include "bootstrap.h"
#include "../domain/schema.h"

int rg_core_open(rg_engine **out, uv_loop_t *loop, const rg_engine_opts *o)
{
    *out = NULL;
    if (rg_crypto_init() < 0) return RG_ESTORAGE;
    if (rg_schema_validate() < 0 || rg_fold_check() < 0) return RG_EBADREQ;
    rg_handlers handlers;
    if (rg_module_bind(&handlers, o->module) < 0) return RG_EBADREQ;
    if (mkdir(o->dir, 0700) < 0 && errno != EEXIST) {
        fprintf(stderr, "regie: cannot create %s: %s\n", o->dir, strerror(errno));
        return RG_ESTORAGE;
    }
    /* Ours alone, whatever existed before (regied also sets umask 077, so
     * every file RocksDB makes in it is 0600). */
    if (chmod(o->dir, 0700) < 0) {
        fprintf(stderr, "regie: cannot restrict %s to its owner: %s\n", o->dir, strerror(errno));
        return RG_ESTORAGE;
    }
    rg_engine *e = rg_calloc(1, sizeof *e);
    e->handlers = handlers;
    e->loop = loop;
    e->clock = o->clock;
    e->cache_cap = o->cache_cases ? o->cache_cases : RG_CACHE_CASES_DEFAULT;
    snprintf(e->zvh, sizeof e->zvh, "%s", o->zvh && o->zvh[0] ? o->zvh : RG_ZVH_DEFAULT);
    rg_config_defaults(&e->cfg);
    int rc = o->config ? rg_config_load(o->config, &e->cfg) : 0;
    int retention = rg_norm_find("retention");
    if (o->retention_days > 0 && retention >= 0) rg_config_set_all(&e->cfg, retention, o->retention_days);
    /* The key first: a wrong or missing one stops the start before the
     * data directory is touched. */
    if (rc == 0) rc = rg_kek_load(o->dir, o->key_file, o->key_inside_ok, e->kek);
    if (rc == 0) rc = rg_ledgerfile_open(o->dir, o->ledger, &e->ledger, e->key_check, &e->ledger_stale);
    if (rc == 0) rc = rg_log_open(&e->log, o->dir);
    if (rc < 0) {
        free(e->ledger);
        free(e);
        return rc;
    }
    rc = rg_store_load(e);
    if (rc == 0) rc = rg_bootstrap_tallies(e);
    if (rc < 0) {
        rg_store_unload(e);
        rg_log_close(e->log);
        free(e->ledger);
        free(e);
        return rc;
    }
    rg_quota_init(&e->known_quota, o->subject_known_per_hour);
    e->open = rg_commit_new(e);
    rg_commit_init_kick(e);
    *out = e;
    return 0;
}

int rg_engine_listen(rg_engine *e, const rg_listener_ops *ops, void *ud)
{
    if (e->nlisteners == RG_MAX_LISTENERS) return RG_EOVERLOAD;
    /* Listeners are told in the order they attached (services.c attaches
     * them in the order the services depend on): each once, before any
     * change is open. */
    for (int i = 0; i < e->nlisteners; i++) RG_ASSERT(e->listeners[i].ops != ops || e->listeners[i].ud != ud);
    RG_ASSERT(ops && !e->closing);
    e->listeners[e->nlisteners].ops = ops;
    e->listeners[e->nlisteners].ud = ud;
    e->nlisteners++;
    return 0;
}

void *rg_engine_listener(rg_engine *e, const rg_listener_ops *ops)
{
    for (int i = 0; i < e->nlisteners; i++)
        if (e->listeners[i].ops == ops) return e->listeners[i].ud;
    return NULL;
}

bool rg_engine_busy(const rg_engine *e)
{
    return e->inflight || e->open->nwrites > 0 || e->open->naudit > 0;
}

static void closed_cb(uv_handle_t *h)
{
    rg_engine *e = h->data;
    rg_wipe(e->kek, sizeof e->kek);
    rg_commit_free(e->open);
    if (e->spare) rg_commit_free(e->spare);
    rg_quota_free(&e->known_quota);
    rg_store_unload(e);
    rg_log_close(e->log);
    free(e->ledger);
    free(e);
}

void rg_engine_close(rg_engine *e)
{
    e->closing = true;
    /* Services answer what waits and close their own handles; the engine
     * itself is freed when its last handle is closed. */
    for (int i = 0; i < e->nlisteners; i++)
        if (e->listeners[i].ops->on_close) e->listeners[i].ops->on_close(e->listeners[i].ud, e);
    uv_idle_stop(&e->kick);
    uv_close((uv_handle_t *)&e->kick, closed_cb);
}

void rg_engine_set_notify(rg_engine *e, rg_notify_fn fn, void *ud)
{
    e->notify = fn;
    e->notify_ud = ud;
}

rg_log *rg_engine_log(rg_engine *e) { return e->log; }
uint64_t rg_engine_count(rg_engine *e, int state) { return e->counts[state]; }
const rg_tallies *rg_engine_tallies(rg_engine *e) { return &e->tallies; }
uint64_t rg_engine_lead_count(rg_engine *e, int state) { return e->lead_counts[state]; }
uint64_t rg_engine_commits(rg_engine *e) { return e->stat_commits; }
uint64_t rg_engine_stagnations(rg_engine *e) { return e->stagnations; }
uint64_t rg_engine_committed_commands(rg_engine *e) { return e->stat_committed_cmds; }
uint64_t rg_engine_head(rg_engine *e) { return e->head_seq; }

void rg_engine_clock_pass(rg_engine *e, uint64_t t)
{
    if (e->clock.manual && t > e->clock.now_ms) e->clock.now_ms = t;
}
uint64_t rg_engine_written_keys(rg_engine *e) { return e->stat_written_keys; }
uint64_t rg_engine_written_bytes(rg_engine *e) { return e->stat_written_bytes; }
const rg_commit_figures *rg_engine_commit_figures(rg_engine *e) { return &e->figures; }
uv_loop_t *rg_engine_loop(rg_engine *e) { return e->loop; }
const char *rg_engine_zvh(rg_engine *e) { return e->zvh; }

void rg_engine_submit(rg_engine *e, const uint8_t *p, size_t n, rg_reply_fn fn, void *ud)
{
    rg_pipeline_run(e, p, n, fn, ud, 0, false);
}

bool rg_engine_quota_take(rg_engine *e, const char *actor, uint64_t now, uint32_t *limit)
{
    *limit = e->known_quota.per_hour;
    return rg_quota_take(&e->known_quota, actor, now);
}

const rg_region_cfg *rg_engine_region(rg_engine *e, const char *zvh) { return rg_config_region(&e->cfg, zvh); }
int rg_engine_load_case(rg_engine *e, const char *id, rg_case **out) { return rg_store_case(e, id, out); }
