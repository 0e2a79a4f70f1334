/*
 * escalation.c - escalation is an overlay, not a state: the case keeps its
 * state and its work goes on while an escalation is open.  Levels: 1 the ZVH
 * manager, 2 an actie-overleg of the partners' managers, 3 the administrative
 * level.  A case has one ladder: at most one escalation is open; one by hand
 * names a level above the one currently open; a manager resolves it with a
 * decision.  The engine's own escalations (a stagnation left open, a level
 * that did not decide in time) are fired in engine/services/due.c, by the rules of
 * engine/domain/deadlines.c.
 */
#include "../engine/storage/errors.h"
#include "handlers.h"
#include "../engine/domain/deadlines.h"

int rg_h_case_escalate(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    const rg_case *cs = rg_ctx_case(c);
    uint64_t level = 0;
    rg_val_uint(rg_ctx_field(c, "level"), &level);     /* 1..RG_ESC_TOP, by the schema */
    if ((int)level <= cs->esc_level)
        return rg_ctx_fail(c, RG_EGUARD, "an escalation must name a level above the current one (%d)",
                           cs->esc_level);
    rg_evb *ev = rg_ctx_emit(c, "case.escalated");
    static const char *const fields[] = {"level", "reason", NULL};
    rg_copy_fields(c, ev, fields);
    if (level >= 2) rg_ladder_orgs(cs, ev);
    return 0;
}

/* Who decides (CONTRACT.md): at levels 1 and 2 a manager of the region (at
 * level 2 recording the decision of the actie-overleg of the partners'
 * managers), at level 3 a bestuur actor.  A decision may set a new due date
 * for the stuck step (an action or information request), from today on. */
int rg_h_escalation_resolve(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    const rg_actor *a = rg_ctx_actor(c);
    if (!cs->esc_level) return rg_ctx_fail(c, RG_EGUARD, "case %s has no open escalation", cs->id);
    if (cs->esc_level >= RG_ESC_TOP && a->role != RG_ROLE_BESTUUR)
        return rg_ctx_fail(c, RG_EFORBIDDEN, "the escalation of %s is at level %d: the administrative level "
                           "(a bestuur actor) decides", cs->id, cs->esc_level);
    if (cs->esc_level < RG_ESC_TOP && a->role == RG_ROLE_BESTUUR)
        return rg_ctx_fail(c, RG_EFORBIDDEN, "the escalation of %s is at level %d: a manager of the region "
                           "records the decision", cs->id, cs->esc_level);
    const rg_val *nd = rg_ctx_field(c, "new_due");
    const rg_deadline *step = rg_ladder_step(cs);
    if (nd) {
        if (!step)
            return rg_ctx_fail(c, RG_EGUARD, "data.new_due: the stuck step of %s is no action or information "
                               "request with a date of its own", cs->id);
        int rc = rg_require_future(c, nd, "data.new_due");
        if (rc < 0) return rc;
    }
    rg_evb *ev = rg_ctx_emit(c, "escalation.resolved");
    rg_ev_uint(ev, "level", (uint64_t)cs->esc_level);
    static const char *const fields[] = {"decision", "new_due", NULL};
    rg_copy_fields(c, ev, fields);
    if (nd) {
        rg_ev_str(ev, "norm", rg_norms[step->norm].name);
        rg_ev_str(ev, "item", step->item);
    }
    return 0;
}
