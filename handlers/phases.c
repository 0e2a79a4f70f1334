/*
 * phases.c - a route's phases after its plan (MDA++: direct_safety,
 * stable_safety, recovery, monitoring; schemas/phases.c holds the order):
 * phase.advance moves on to the next, phase.relapse returns to the first
 * from any later one and is counted per case.  Actions, reviews, plan
 * revisions and escalations go on in every phase (schemas/machine.c).
 */
#include <string.h>

#include "../engine/storage/errors.h"
#include "handlers.h"

int rg_h_phase_advance(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    const rg_case *cs = rg_ctx_case(c);
    int next = rg_phase_next(cs->route, cs->state);
    if (next < 0)
        return rg_ctx_fail(c, RG_ETRANSITION, "case %s is in state %s: no phase follows it", cs->id,
                           rg_state_name(cs->state));
    rg_evb *ev = rg_ctx_emit(c, "phase.advanced");
    rg_ev_str(ev, "from", rg_state_name(cs->state));
    rg_ev_str(ev, "to", rg_state_name(next));
    static const char *const fields[] = {"reason", NULL};
    rg_copy_fields(c, ev, fields);
    return 0;
}

int rg_h_phase_relapse(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    const rg_case *cs = rg_ctx_case(c);
    rg_evb *ev = rg_ctx_emit(c, "phase.relapsed");
    rg_ev_str(ev, "from", rg_state_name(cs->state));
    static const char *const fields[] = {"reason", NULL};
    rg_copy_fields(c, ev, fields);
    return 0;
}
