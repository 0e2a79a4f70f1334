/*
 * plan.c - the plan of action (plan van aanpak): the procesregisseur proposes
 * goals and actions, each action owned by an org with a due date; every org
 * that owns an action agrees for itself, and the last agreement appends
 * plan.agreed, which moves the case into execution.  A plan proposed while
 * one is in force (execution, or an MDA++ phase) is a revision
 * (plan.revision_proposed, issue 21): the case keeps its state and the
 * agreed plan stays in force (its actions are completed, its norms run, its
 * stagnations stay until met) until the revision's last agreement, whose
 * plan.agreed replaces it; actions done under the same id stay done.  Logs
 * from before keep plan.proposed in execution, which replaced the plan at
 * once and went back to planning: replayed, they still do.
 *
 * Guard (DOMAIN.md): a plan cannot be agreed while an action has no owner or
 * no due date.  Proposing such a draft is allowed; agreeing it is not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/storage/errors.h"
#include "handlers.h"

int rg_h_plan_propose(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    const rg_val *actions = rg_ctx_field(c, "actions");
    uint32_t n = rg_array_size(actions);
    for (uint32_t i = 0; i < n; i++) {
        const rg_val *a = rg_array_at(actions, i);
        const char *p;
        uint32_t pn;
        rg_val_str(rg_map_get(a, "id"), &p, &pn);
        if (!rg_is_name(p, pn))
            return rg_ctx_fail(c, RG_EBADREQ, "data.actions[%u].id: use 1..64 of A-Z a-z 0-9 . _ -", i);
        for (uint32_t j = 0; j < i; j++) {
            const char *q;
            uint32_t qn;
            rg_val_str(rg_map_get(rg_array_at(actions, j), "id"), &q, &qn);
            if (qn == pn && memcmp(p, q, pn) == 0)
                return rg_ctx_fail(c, RG_EBADREQ, "data.actions[%u].id: %.*s is used twice", i,
                                   (int)pn, p);
        }
        if (rg_val_str(rg_map_get(a, "owner_org"), &p, &pn) && !rg_is_name(p, pn))
            return rg_ctx_fail(c, RG_EBADREQ,
                               "data.actions[%u].owner_org: use 1..64 of A-Z a-z 0-9 . _ -", i);
        /* A new or re-dated action may not be due already; one carried over
         * from the current plan with its date unchanged keeps it. */
        char id[RG_ID_MAX], due[RG_DATE_MAX] = "";
        rg_val_strcpy(rg_map_get(a, "id"), id, sizeof id);
        rg_val_strcpy(rg_map_get(a, "due"), due, sizeof due);
        /* Whom it is about: persons its owner may see (persons.c). */
        char path[48], owner[RG_ID_MAX] = "";
        uint64_t about;
        snprintf(path, sizeof path, "data.actions[%u].persons", i);
        rg_val_strcpy(rg_map_get(a, "owner_org"), owner, sizeof owner);
        if ((rc = rg_about_persons(c, rg_map_get(a, "persons"), path, owner, &about)) < 0) return rc;
        const rg_action *old = rg_case_action(rg_ctx_case(c), id);
        if (!old || strcmp(old->due, due) != 0) {
            snprintf(path, sizeof path, "data.actions[%u].due", i);
            if ((rc = rg_require_future(c, rg_map_get(a, "due"), path)) < 0) return rc;
        }
    }
    const char *cr;
    uint32_t crn;
    if (rg_val_str(rg_ctx_field(c, "casusregisseur"), &cr, &crn) && !rg_is_name(cr, crn))
        return rg_ctx_fail(c, RG_EBADREQ, "data.casusregisseur: an org, 1..64 of A-Z a-z 0-9 . _ -");
    const rg_case *cs = rg_ctx_case(c);
    /* The perspectives the goals answer, checked before anything is emitted. */
    if ((rc = rg_plan_perspectives(c, NULL)) < 0) return rc;
    rg_evb *ev = rg_ctx_emit(c, cs->plan_agreed ? "plan.revision_proposed" : "plan.proposed");
    rg_ev_uint(ev, "rev", (cs->revising ? cs->rev_no : cs->plan_rev) + 1);
    static const char *const fields[] = {"goals", "casusregisseur", "actions", NULL};
    rg_copy_fields(c, ev, fields);
    rg_plan_perspectives(c, ev);
    return 0;
}

int rg_h_plan_agree(rg_ctx *c)
{
    rg_case *cs = rg_ctx_case(c);
    const char *org = rg_ctx_actor(c)->org;
    if (!cs->plan_rev) return rg_ctx_fail(c, RG_EGUARD, "no plan has been proposed for %s", cs->id);
    if (cs->plan_agreed && !cs->revising)
        return rg_ctx_fail(c, RG_EGUARD, "plan revision %u of %s is agreed; no revision waits for agreement",
                           cs->plan_rev, cs->id);
    uint32_t rev = cs->revising ? cs->rev_no : cs->plan_rev, n;
    const rg_action *acts = rg_case_agreeing(cs, &n);
    for (uint32_t i = 0; i < n; i++) {
        if (!acts[i].owner[0]) return rg_ctx_fail(c, RG_EGUARD, "action %s has no owning org", acts[i].id);
        if (!acts[i].due[0]) return rg_ctx_fail(c, RG_EGUARD, "action %s has no due date", acts[i].id);
    }
    bool owns = false, others_agreed = true;
    for (uint32_t i = 0; i < n; i++) {
        if (strcmp(acts[i].owner, org) == 0) owns = true;
        else if (!rg_case_agreed(cs, acts[i].owner)) others_agreed = false;
    }
    if (!owns)
        return rg_ctx_fail(c, RG_EFORBIDDEN, "%s owns no action in plan revision %u of %s", org, rev, cs->id);
    if (rg_case_agreed(cs, org))
        return rg_ctx_fail(c, RG_EGUARD, "%s has already agreed to plan revision %u", org, rev);
    rg_evb *ev = rg_ctx_emit(c, "plan.agreement");
    rg_ev_str(ev, "org", org);
    rg_ev_uint(ev, "rev", rev);
    if (others_agreed) {
        ev = rg_ctx_emit(c, "plan.agreed");
        rg_ev_uint(ev, "rev", rev);
    }
    return 0;
}
