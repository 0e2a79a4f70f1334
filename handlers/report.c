/*
 * report.c - the first stage: a partner reports a person (aanmelding).
 *
 * Guards (DOMAIN.md): the reporting partner told the person beforehand
 * (`informed: true`) or records why not (`exemption`); a re-entry case names
 * the release date.  The person's identity goes only into the event's subject
 * part; the projection keeps labels, never personal data.
 */
#include <string.h>

#include "../engine/errors.h"
#include "handlers.h"

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
    const char *route_name = "default";
    if (route && rg_val_is_str(route, "re-entry")) {
        route_name = "re-entry";
        if (!release)
            return rg_ctx_fail(c, RG_EBADREQ, "data.release_date: required for route re-entry");
    } else if (route && !rg_val_is_str(route, "default")) {
        return rg_ctx_fail(c, RG_EBADREQ, "data.route: default or re-entry");
    } else if (release) {
        return rg_ctx_fail(c, RG_EBADREQ, "data.release_date: only for route re-entry");
    }

    const rg_val *subject = rg_ctx_field(c, "subject");
    if (!rg_val_str(rg_map_get(subject, "name"), &s, &n) || n == 0)
        return rg_ctx_fail(c, RG_EBADREQ, "data.subject.name: required, a non-empty string");

    const rg_actor *a = rg_ctx_actor(c);
    rg_ctx_create_case(c);
    rg_evb *ev = rg_ctx_emit(c, "case.reported");
    static const char *const copied[] = {"target_group", "summary", "urgency", "informed",
                                         "exemption", "release_date", NULL};
    for (const char *const *k = copied; *k; k++) {
        const rg_val *v = rg_ctx_field(c, *k);
        if (v) rg_ev_val(ev, *k, v);
    }
    rg_ev_str(ev, "route", route_name);
    rg_ev_str(ev, "reporter_org", a->org);
    rg_w_val(&ev->subject, subject);
    return 0;
}

int rg_a_case_reported(rg_case *cs, const rg_event_view *ev)
{
    const rg_val *d = ev->data;
    if (!rg_val_strcpy(rg_map_get(d, "route"), cs->route, sizeof cs->route) ||
        !rg_val_strcpy(rg_map_get(d, "reporter_org"), cs->reporter_org, sizeof cs->reporter_org) ||
        !rg_val_strcpy(rg_map_get(d, "target_group"), cs->target_group, sizeof cs->target_group) ||
        !rg_val_strcpy(rg_map_get(d, "urgency"), cs->urgency, sizeof cs->urgency))
        return RG_ESTORAGE;
    cs->state = RG_ST_REPORTED;
    cs->report_seq = ev->seq;
    cs->created_at = ev->at;
    rg_case_join(cs, cs->reporter_org, ev->v);
    return 0;
}
