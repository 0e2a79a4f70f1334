/*
 * report.c - the first stages: a partner reports a person (aanmelding), a
 * procesregisseur takes the case or a manager assigns it, and the intake
 * (screening en triage) ends in admission or referral.
 *
 * Guards (DOMAIN.md): the reporting partner told the person beforehand
 * (`informed: true`) or records why not (`exemption`); a re-entry case names
 * its release date.  The person's identity goes only into the event's subject
 * part; the projection keeps labels, never personal data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/core/persons.h"
#include "../engine/core/tally.h"
#include "../engine/domain/access.h"
#include "../engine/domain/config.h"
#include "../engine/storage/errors.h"
#include "handlers.h"
#include "../engine/core/state.h"

int rg_h_case_report(rg_ctx *c)
{
    bool informed = false;
    const char *s;
    uint32_t n;
    rg_val_bool(rg_ctx_field(c, "informed"), &informed);
    const rg_val *exemption = rg_ctx_field(c, "exemption");
    if (!informed && !(rg_val_str(exemption, &s, &n) && n > 0))
        return rg_ctx_fail(c, RG_EGUARD,
                           "the person must have been informed (informed: true) "
                           "or an exemption must say why not");
    if (informed && exemption)
        return rg_ctx_fail(c, RG_EBADREQ, "data.exemption: give either informed: true or an exemption");

    const rg_val *route = rg_ctx_field(c, "route");
    const rg_val *release = rg_ctx_field(c, "release_date");
    int rt = RG_RT_DEFAULT;
    if (route) {
        rg_val_str(route, &s, &n);
        rt = rg_route_parse(s, n);            /* one of routes.def, by the schema */
    }
    if (rt == RG_RT_REENTRY && !release)
        return rg_ctx_fail(c, RG_EBADREQ, "data.release_date: required for route re-entry");
    if (rt != RG_RT_REENTRY && release)
        return rg_ctx_fail(c, RG_EBADREQ, "data.release_date: only for route re-entry");
    int rc = rg_require_future(c, release, "data.release_date");
    if (rc < 0) return rc;

    const rg_val *subject;
    if ((rc = rg_report_subject(c, &subject)) < 0) return rc;

    const rg_actor *a = rg_ctx_actor(c);
    rg_ctx_create_case(c);
    rg_evb *ev = rg_ctx_emit(c, "case.reported");
    static const char *const copied[] = {"target_group", "summary", "class", "urgency", "informed",
                                         "exemption", "release_date", NULL};
    rg_copy_fields(c, ev, copied);
    rg_ev_str(ev, "route", rg_route_name(rt));
    rg_ev_str(ev, "reporter_org", a->org);
    rg_ev_str(ev, "zvh", a->zvh);                  /* the case is of the reporter's region */
    uint64_t number = rg_ctx_case_number(c, a->zvh);
    rg_ev_uint(ev, "number", number);
    rg_w_uint(rg_ctx_reply_key(c, "number"), number);
    /* The persons, each in the person index (keyed hashes only,
     * core/persons.h). */
    rg_report_persons(c, ev, subject);
    return 0;
}

int rg_h_case_assign(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    const rg_actor *a = rg_ctx_actor(c);
    char who[RG_ID_MAX];
    rg_field_str(c, "procesregisseur", who, sizeof who);
    const rg_actor *target = rg_store_actor(rg_ctx_engine(c), who);
    /* Only someone who may direct the case: of its region, and admitted to
     * its covenant (the same test as seeing it, access.c). */
    if (!target || !rg_access_may_direct(target, cs))
        return rg_ctx_fail(c, RG_EGUARD, "%s is not an active procesregisseur who may direct case %s", who,
                           cs->id);
    if (a->role == RG_ROLE_PROCESREGISSEUR) {
        /* A procesregisseur may only take an unassigned case for themselves. */
        if (strcmp(who, a->id) != 0)
            return rg_ctx_fail(c, RG_EFORBIDDEN, "a procesregisseur may only take a case for themselves");
        if (cs->procesregisseur[0])
            return rg_ctx_fail(c, RG_EGUARD, "case %s is already directed by %s", cs->id,
                               cs->procesregisseur);
    }
    if (strcmp(cs->procesregisseur, who) == 0)
        return rg_ctx_fail(c, RG_EGUARD, "case %s is already directed by %s", cs->id, who);
    /* A region may cap the open cases of a route per procesregisseur
     * (regions publish 8-15 for MDA++). */
    int cap = rg_engine_region(rg_ctx_engine(c), cs->zvh)->cap[cs->route];
    if (cap > 0) {
        /* Kept as cases change (core/tally.h), not counted by a walk. */
        uint64_t n = rg_tally_load(rg_engine_tallies(rg_ctx_engine(c)), who, cs->route);
        if (n >= (uint64_t)cap)
            return rg_ctx_fail(c, RG_EGUARD, "%s directs %llu open %s cases: the region's cap is %d", who,
                               (unsigned long long)n, rg_route_name(cs->route), cap);
    }
    rg_evb *ev = rg_ctx_emit(c, "case.assigned");
    rg_ev_str(ev, "procesregisseur", who);
    if (cs->procesregisseur[0]) rg_ev_str(ev, "previous", cs->procesregisseur);
    return 0;
}

int rg_h_intake_start(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    rg_ctx_emit(c, "intake.started");
    return 0;
}

/* Admission records which of the national admission criteria hold (the
 * schema allows only those words); a rejection says where the case went or
 * what the reporter is advised. */
int rg_h_intake_decide(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    bool admit = false;
    rg_val_bool(rg_ctx_field(c, "admit"), &admit);
    if (admit && rg_ctx_field(c, "referred_to"))
        return rg_ctx_fail(c, RG_EBADREQ, "data.referred_to: only when the case is not admitted");
    if (admit && rg_ctx_field(c, "advice"))
        return rg_ctx_fail(c, RG_EBADREQ, "data.advice: only when the case is not admitted");
    if (admit && !rg_ctx_field(c, "criteria"))
        return rg_ctx_fail(c, RG_EBADREQ,
                           "data.criteria: admission needs one or more of multi_domain, multi_chain, "
                           "system, local_safety");
    if (!admit && !rg_ctx_field(c, "referred_to") && !rg_ctx_field(c, "advice"))
        return rg_ctx_fail(c, RG_EBADREQ,
                           "data.referred_to or data.advice: a rejection names where the case "
                           "goes or advises the reporter");
    /* The Levensloopaanpak's inclusion table names who carries it out. */
    const rg_case *cs = rg_ctx_case(c);
    bool levensloop = cs->route == RG_RT_LEVENSLOOP;
    if (levensloop && admit && (!rg_ctx_field(c, "provider") || !rg_ctx_field(c, "casusregisseur")))
        return rg_ctx_fail(c, RG_EBADREQ,
                           "data.provider and data.casusregisseur: the inclusion table names the "
                           "Levensloopaanbieder and the municipal casusregisseur");
    if ((!levensloop || !admit) && (rg_ctx_field(c, "provider") || rg_ctx_field(c, "casusregisseur")))
        return rg_ctx_fail(c, RG_EBADREQ, "data.provider: only when a levensloop case is admitted");
    static const char *const names[] = {"provider", "casusregisseur"};
    for (int i = 0; i < 2; i++) {
        const char *p;
        uint32_t n;
        if (rg_val_str(rg_ctx_field(c, names[i]), &p, &n) && !rg_is_name(p, n))
            return rg_ctx_fail(c, RG_EBADREQ, "data.%s: an org, 1..64 of A-Z a-z 0-9 . _ -", names[i]);
    }
    static const char *const fields[] = {"reason", "criteria", "referred_to", "advice", "provider",
                                         "casusregisseur", NULL};
    rg_evb *ev = rg_ctx_emit(c, admit ? "intake.admitted" : "intake.rejected");
    rg_copy_fields(c, ev, fields);
    return 0;
}

/* More information is needed before the decision: the reporter is told so
 * (which meets the feedback norm, intake.decision) and the decision is due
 * when the information is (the intake.more_info norm). */
int rg_h_intake_more_info(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    if ((rc = rg_require_future(c, rg_ctx_field(c, "due"), "data.due")) < 0) return rc;
    rg_evb *ev = rg_ctx_emit(c, "intake.info_requested");
    static const char *const fields[] = {"question", "due", NULL};
    rg_copy_fields(c, ev, fields);
    return 0;
}
