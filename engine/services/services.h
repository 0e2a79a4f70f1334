/*
 * services.h - the engine as its users start it: the core (core/engine.h)
 * with its services attached (the deadline service, the feed, the audit
 * trail) and an interrupted rebuild finished first (replay/).
 *
 * Layer (engine/services/): each service owns its state and hears from the
 * core through the listener table it registers (core/commit.h): durable
 * commits, failures, reads and shutdown.  Services use core/, domain/ and
 * storage/; the core never calls them by name.  Handlers (handlers/) reach
 * them through rg_services_due and its kin.
 *
 * Threads: the loop thread, as the core.
 */
#ifndef RG_SERVICES_H
#define RG_SERVICES_H

#include "../core/engine.h"
#include "audit.h"
#include "due.h"
#include "feed.h"
#include "transparency.h"

/* Open the engine on o->dir: the core, an interrupted rebuild finished, the
 * services attached.  Close it with rg_engine_close (core/engine.h). */
int rg_engine_open(rg_engine **out /* OUT */, uv_loop_t *loop, const rg_engine_opts *o);
/* Begin keeping deadlines: fire those that fell due while the engine was
 * down, then arm the timer.  Call once the engine is set up (after any
 * rebuild); commands may come before or after. */
void rg_engine_start(rg_engine *e);
/* Answer every parked feed.read now (shutdown). */
void rg_engine_unpark_all(rg_engine *e);
/* The services of an engine opened by rg_engine_open. */
rg_due *rg_services_due(rg_engine *e);
rg_feed *rg_services_feed(rg_engine *e);
rg_audit *rg_services_audit(rg_engine *e);
rg_tlog *rg_services_tlog(rg_engine *e);      /* the Merkle tree and signed heads */

#endif
