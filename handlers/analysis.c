/*
 * analysis.c - information gathering and analysis: partners join the case
 * and are asked for information, each request with an optional due date.
 *
 * An org takes part from the version of the event that brought it in
 * (partner.joined, or info.requested for an org not yet taking part); a
 * partner sees the case only from that version on (engine/domain/access.c).
 */
#include <stdio.h>
#include <string.h>

#include "../engine/storage/errors.h"
#include "handlers.h"

static int check_org(rg_ctx *c, const char *field, char *org)
{
    const char *p;
    uint32_t n;
    rg_val_str(rg_ctx_field(c, field), &p, &n);
    if (!rg_is_name(p, n))
        return rg_ctx_fail(c, RG_EBADREQ, "data.%s: use 1..64 of A-Z a-z 0-9 . _ -", field);
    memcpy(org, p, n);
    org[n] = '\0';
    return 0;
}

int rg_h_partner_join(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    char org[RG_ID_MAX];
    if ((rc = check_org(c, "org", org)) < 0) return rc;
    if (rg_case_part(rg_ctx_case(c), org))
        return rg_ctx_fail(c, RG_EGUARD, "%s already takes part in %s", org, rg_ctx_case(c)->id);
    rg_evb *ev = rg_ctx_emit(c, "partner.joined");
    rg_ev_str(ev, "org", org);
    return 0;
}

int rg_h_info_request(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    char org[RG_ID_MAX], id[RG_ID_MAX];
    if ((rc = check_org(c, "org", org)) < 0) return rc;
    if ((rc = rg_require_future(c, rg_ctx_field(c, "due"), "data.due")) < 0) return rc;
    /* Whom it is about: persons the org asked may see (persons.c). */
    uint64_t about;
    if ((rc = rg_about_persons(c, rg_ctx_field(c, "persons"), "data.persons", org, &about)) < 0) return rc;
    snprintf(id, sizeof id, "R%u", rg_ctx_case(c)->nreqs + 1);
    rg_evb *ev = rg_ctx_emit(c, "info.requested");
    rg_ev_str(ev, "request", id);
    static const char *const fields[] = {"org", "question", "due", NULL};
    rg_copy_fields(c, ev, fields);
    rg_ev_persons(ev, about);
    return 0;
}

int rg_h_info_provide(rg_ctx *c)
{
    rg_case *cs = rg_ctx_case(c);
    char id[RG_ID_MAX];
    rg_field_str(c, "request", id, sizeof id);
    rg_request *r = rg_case_request(cs, id);
    if (!r) return rg_ctx_fail(c, RG_ENOTFOUND, "case %s has no information request %s", cs->id, id);
    if (strcmp(r->org, rg_ctx_actor(c)->org) != 0)
        return rg_ctx_fail(c, RG_EFORBIDDEN, "request %s was made to %s, not to %s", id, r->org,
                           rg_ctx_actor(c)->org);
    if (r->answered) return rg_ctx_fail(c, RG_EGUARD, "request %s has already been answered", id);
    /* The class decides who may read the answer (upcast.c, withheld());
     * the schema allows only the four classes. */
    char cls[32] = "ordinary";
    if (rg_ctx_field(c, "class")) rg_field_str(c, "class", cls, sizeof cls);
    rg_evb *ev = rg_ctx_emit(c, "info.provided");
    static const char *const fields[] = {"request", "answer", NULL};
    rg_copy_fields(c, ev, fields);
    rg_ev_str(ev, "class", cls);
    rg_ev_str(ev, "org", r->org);
    /* The answer is about whom the request was: its readers are theirs. */
    rg_ev_persons(ev, r->persons);
    return 0;
}
