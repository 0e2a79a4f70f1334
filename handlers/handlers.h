/*
 * handlers.h - the domain steps, one file per stage of a case, and the apply
 * functions that fold their events into the projection.  schemas/ops.c and
 * schemas/events.c name these in their tables.
 *
 * A handler follows ctx.h's rule: check everything, fail with rg_ctx_fail
 * before changing anything, then declare its events and reply fields.
 */
#ifndef RG_HANDLERS_H
#define RG_HANDLERS_H

#include "../engine/case.h"
#include "../engine/ctx.h"

/* admin.c */
int rg_h_actor_create(rg_ctx *c);
int rg_h_actor_revoke(rg_ctx *c);
int rg_h_log_verify(rg_ctx *c);

/* report.c */
int rg_h_case_report(rg_ctx *c);
int rg_a_case_reported(rg_case *cs, const rg_event_view *ev);

/* queries.c */
int rg_h_case_get(rg_ctx *c);
int rg_h_case_history(rg_ctx *c);
int rg_h_stats(rg_ctx *c);

/* util.c: small shared checks */
bool rg_is_name(const char *p, uint32_t n);   /* [A-Za-z0-9._-]{1,64} */

#endif
