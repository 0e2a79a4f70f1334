/*
 * closure.c - closing a case, the aftercare check that archives it, and
 * reopening a closed case (back to analysis).
 *
 * Guard (DOMAIN.md): a case cannot be closed while actions are open unless
 * each open action is explicitly handed over (data.handover lists them).
 */
#include <string.h>

#include "../engine/domain/calendar.h"
#include "../engine/storage/errors.h"
#include "handlers.h"
#include "../engine/domain/schema.h"

int rg_h_case_close(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    rg_case *cs = rg_ctx_case(c);
    const rg_val *handover = rg_ctx_field(c, "handover");
    for (uint32_t i = 0; i < rg_array_size(handover); i++) {
        char id[RG_ID_MAX];
        if (!rg_val_strcpy(rg_array_at(handover, i), id, sizeof id) || !rg_case_action(cs, id))
            return rg_ctx_fail(c, RG_EBADREQ, "data.handover[%u]: not an action of the plan", i);
        if (rg_case_action(cs, id)->status != RG_ACT_OPEN)
            return rg_ctx_fail(c, RG_EGUARD, "action %s is done; only open actions are handed over", id);
    }
    for (uint32_t i = 0; i < cs->nactions; i++)
        if (cs->actions[i].status == RG_ACT_OPEN && !rg_array_has_str(handover, cs->actions[i].id))
            return rg_ctx_fail(c, RG_EGUARD, "action %s is open and not handed over", cs->actions[i].id);
    rg_evb *ev = rg_ctx_emit(c, "case.closed");
    static const char *const fields[] = {"reason", "handover", NULL};
    rg_copy_fields(c, ev, fields);
    return 0;
}

/* The aftercare check is the look back some months after closing (the
 * aftercare norm): taken much earlier it would archive a case nobody looked
 * at again.  It may be taken from the week before that deadline on (from
 * the start of that day, local time), so that a procesregisseur who plans
 * it is not left with a stagnation for taking it on the day. */
#define AFTERCARE_EARLY_DAYS 7

int rg_h_aftercare_check(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    const rg_case *cs = rg_ctx_case(c);
    int n = rg_norm_find("aftercare");
    for (uint32_t i = 0; i < cs->ndl; i++) {
        const rg_deadline *d = &cs->dl[i];
        if (d->norm != n || d->fired) continue;
        int y, m, day, hh, mm, ss, ms;
        rg_cal_to_local(rg_cal_add_days((int64_t)d->due, -AFTERCARE_EARLY_DAYS), &y, &m, &day, &hh, &mm, &ss, &ms);
        uint64_t from = (uint64_t)rg_cal_from_local(y, m, day, 0, 0, 0, 0);
        if (rg_ctx_now(c) >= from) break;
        return rg_ctx_fail(c, RG_EGUARD,
                           "the aftercare check follows closing by some months: it can be taken from "
                           "%04d-%02d-%02d", y, m, day);
    }
    rg_evb *ev = rg_ctx_emit(c, "aftercare.checked");
    static const char *const fields[] = {"outcome", NULL};
    rg_copy_fields(c, ev, fields);
    return 0;
}

/* An early ending: the person died, moved out of the region, was detained
 * for a long time, withdrew from voluntary help, or another reason that the
 * procesregisseur explains.  From any open state (machine.c); the case goes
 * to archived with every deadline and escalation ended (its work ended:
 * rg_case_end_work), no aftercare check follows, retention starts, and
 * every org taking part is alerted (events.c). */
int rg_h_case_end(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    const rg_val *reason = rg_ctx_field(c, "reason");
    bool other = rg_val_is_str(reason, "other"), moved = rg_val_is_str(reason, "moved");
    const char *p;
    uint32_t pn = 0;
    if (other && (!rg_val_str(rg_ctx_field(c, "explanation"), &p, &pn) || pn == 0))
        return rg_ctx_fail(c, RG_EBADREQ, "data.explanation: required when the reason is other");
    if (!other && rg_ctx_field(c, "explanation"))
        return rg_ctx_fail(c, RG_EBADREQ, "data.explanation: only with the reason other");
    if (rg_val_str(rg_ctx_field(c, "to_region"), &p, &pn)) {
        if (!moved) return rg_ctx_fail(c, RG_EBADREQ, "data.to_region: only with the reason moved");
        if (!rg_is_name(p, pn))
            return rg_ctx_fail(c, RG_EBADREQ, "data.to_region: use 1..64 of A-Z a-z 0-9 . _ -");
    }
    rg_evb *ev = rg_ctx_emit(c, "case.ended");
    rg_ev_str(ev, "from", rg_state_name(rg_ctx_case(c)->state));
    static const char *const fields[] = {"reason", "to_region", "explanation", NULL};
    rg_copy_fields(c, ev, fields);
    return 0;
}

int rg_h_case_reopen(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    rg_evb *ev = rg_ctx_emit(c, "case.reopened");
    static const char *const fields[] = {"reason", NULL};
    rg_copy_fields(c, ev, fields);
    return 0;
}
