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
    return 0;
}

int rg_a_case_escalated(rg_case *cs, const rg_event_view *ev)
{
    uint64_t level = 0;
    if (!rg_val_uint(rg_map_get(ev->data, "level"), &level) || level < 1 || level > RG_ESC_TOP)
        return RG_ESTORAGE;
    cs->esc_level = (int)level;
    cs->esc_at = ev->at;
    if (cs->esc_level > cs->esc_max) cs->esc_max = cs->esc_level;
    return 0;
}

int rg_h_escalation_resolve(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    if (!cs->esc_level) return rg_ctx_fail(c, RG_EGUARD, "case %s has no open escalation", cs->id);
    rg_evb *ev = rg_ctx_emit(c, "escalation.resolved");
    rg_ev_uint(ev, "level", (uint64_t)cs->esc_level);
    static const char *const fields[] = {"decision", NULL};
    rg_copy_fields(c, ev, fields);
    return 0;
}

int rg_a_escalation_resolved(rg_case *cs, const rg_event_view *ev)
{
    (void)ev;
    cs->esc_level = 0;
    return 0;
}
