/*
 * services.c - opening the engine with its services: the core, then an
 * interrupted rebuild finished (so nothing half-rebuilt is served), then
 * the deadline service, the feed and the audit trail attached as listeners.
 */
#include "services.h"

#include <stdlib.h>

#include "../core/state.h"
#include "../replay/replay.h"
#include "../storage/errors.h"

/* The services of one engine: the ud of services_ops, found through the
 * core's listener table (rg_engine_listener). */
typedef struct rg_services {
    rg_due *due;
    rg_feed *feed;
    rg_audit *audit;
    rg_tlog *tlog;
} rg_services;

static void on_close(void *ud, rg_engine *e)
{
    (void)e;
    free(ud);
}

static const rg_listener_ops services_ops = {"services", NULL, NULL, NULL, NULL, on_close};

int rg_engine_open(rg_engine **out, uv_loop_t *loop, const rg_engine_opts *o)
{
    rg_engine *e;
    *out = NULL;
    int rc = rg_core_open(&e, loop, o);
    if (rc < 0) return rc;
    rg_services *s = rg_calloc(1, sizeof *s);
    if ((rc = rg_engine_listen(e, &services_ops, s)) < 0 || (rc = rg_due_attach(e, &s->due)) < 0 ||
        (rc = rg_feed_attach(e, &s->feed)) < 0 || (rc = rg_audit_attach(e, &s->audit)) < 0 ||
        (rc = rg_tlog_attach(e, o->dir, o->sign_key, &s->tlog)) < 0 ||
        (rc = rg_replay_resume(e)) < 0) {
        rg_engine_close(e);
        uv_run(loop, UV_RUN_DEFAULT);
        return rc;
    }
    *out = e;
    return 0;
}

static rg_services *services_of(rg_engine *e)
{
    rg_services *s = rg_engine_listener(e, &services_ops);
    RG_ASSERT(s);               /* the engine was opened by rg_engine_open */
    return s;
}

rg_due *rg_services_due(rg_engine *e) { return services_of(e)->due; }
rg_feed *rg_services_feed(rg_engine *e) { return services_of(e)->feed; }
rg_audit *rg_services_audit(rg_engine *e) { return services_of(e)->audit; }
rg_tlog *rg_services_tlog(rg_engine *e) { return services_of(e)->tlog; }

void rg_engine_start(rg_engine *e) { rg_due_run(rg_services_due(e)); }

void rg_engine_unpark_all(rg_engine *e) { rg_feed_answer_all(rg_services_feed(e)); }
