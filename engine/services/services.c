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
    e->services = s;
    if ((rc = rg_engine_listen(e, &services_ops, s)) < 0 || (rc = rg_due_attach(e, &s->due)) < 0 ||
        (rc = rg_feed_attach(e, &s->feed)) < 0 || (rc = rg_audit_attach(e, &s->audit)) < 0 ||
        (rc = rg_tlog_attach(e, o->dir, o->sign_key, &s->tlog)) < 0 ||
        (rc = rg_engine_resume_rebuild(e)) < 0) {
        rg_engine_close(e);
        uv_run(loop, UV_RUN_DEFAULT);
        return rc;
    }
    *out = e;
    return 0;
}

rg_services *rg_services_of(rg_engine *e) { return e->services; }

void rg_engine_start(rg_engine *e) { rg_due_run(rg_services_of(e)->due); }

void rg_engine_unpark_all(rg_engine *e) { rg_feed_answer_all(rg_services_of(e)->feed); }
