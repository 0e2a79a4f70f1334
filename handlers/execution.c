/*
 * execution.c - execution and monitoring: orgs complete the actions they
 * own; the procesregisseur holds periodic reviews.
 */
#include <string.h>

#include "../engine/storage/errors.h"
#include "handlers.h"

int rg_h_action_complete(rg_ctx *c)
{
    rg_case *cs = rg_ctx_case(c);
    char id[RG_ID_MAX];
    rg_field_str(c, "action", id, sizeof id);
    rg_action *a = rg_case_action(cs, id);
    if (!a) return rg_ctx_fail(c, RG_ENOTFOUND, "the plan of %s has no action %s", cs->id, id);
    if (strcmp(a->owner, rg_ctx_actor(c)->org) != 0)
        return rg_ctx_fail(c, RG_EFORBIDDEN, "action %s is owned by %s, not by %s", id, a->owner,
                           rg_ctx_actor(c)->org);
    if (a->status != RG_ACT_OPEN) return rg_ctx_fail(c, RG_EGUARD, "action %s is already done", id);
    rg_evb *ev = rg_ctx_emit(c, "action.completed");
    static const char *const fields[] = {"action", "result", "class", NULL};
    rg_copy_fields(c, ev, fields);
    rg_ev_str(ev, "org", a->owner);
    /* The result is about whom the action was: its readers are theirs. */
    rg_ev_persons(ev, a->persons);
    return 0;
}

int rg_h_review_hold(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    rg_evb *ev = rg_ctx_emit(c, "review.held");
    static const char *const fields[] = {"notes", "class", NULL};
    rg_copy_fields(c, ev, fields);
    return 0;
}
