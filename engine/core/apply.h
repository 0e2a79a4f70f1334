/*
 * apply.h - applying a change into the open commit (apply.c).
 */
#ifndef RG_APPLY_H
#define RG_APPLY_H

#include "ctx.h"

/* The context of the engine's own command on cs (a fired deadline, an
 * erasure at the end of retention): actor system, the register's entry
 * `step` (schemas/activities.c), a trace of its own.  rg_ctx_system fills
 * one the core holds (request.h); rg_ctx_new_system makes one for a layer
 * above, which frees it with rg_ctx_free (ctx.h). */
void rg_ctx_system(rg_ctx *c, rg_engine *e, rg_case *cs, const char *step);
rg_ctx *rg_ctx_new_system(rg_engine *e, rg_case *cs, const char *step);
/* Commit the engine's own command: its events into the open commit, no
 * reply. */
void rg_commit_system(rg_ctx *c);
extern const rg_opdef rg_system_op;
/* The reply of a change and its idempotency copy, into the open commit; the
 * reply bytes into *reply (the caller adds it as a waiter).  Cannot fail. */
void rg_commit_request(rg_ctx *c, rg_buf *reply);

#endif
