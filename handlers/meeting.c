/*
 * meeting.c - the multidisciplinary case meeting (casusoverleg): scheduled
 * with the orgs to invite (who take part from then on), then held.
 *
 * Route re-entry: the meeting must come before the person's release, so it
 * cannot be scheduled at or after the release date.
 */
#include <string.h>

#include "../engine/storage/errors.h"
#include "handlers.h"

int rg_h_meeting_schedule(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    const rg_case *cs = rg_ctx_case(c);
    if ((rc = rg_check_names(c, "orgs")) < 0) return rc;
    rc = rg_require_future(c, rg_ctx_field(c, "at"), "data.at");
    if (rc < 0) return rc;
    if (cs->route == RG_RT_REENTRY) {
        const char *at;
        uint32_t atn;
        int64_t at_ms, rel_ms;
        bool d1, d2;
        rg_val_str(rg_ctx_field(c, "at"), &at, &atn);
        if (rg_parse_iso(at, atn, &at_ms, &d1) &&
            rg_parse_iso(cs->release_date, (uint32_t)strlen(cs->release_date), &rel_ms, &d2) &&
            at_ms >= rel_ms)
            return rg_ctx_fail(c, RG_EGUARD,
                               "route re-entry: the case meeting must be before release on %s",
                               cs->release_date);
    }
    rg_evb *ev = rg_ctx_emit(c, "meeting.scheduled");
    static const char *const fields[] = {"at", "orgs", NULL};
    rg_copy_fields(c, ev, fields);
    return 0;
}

int rg_a_meeting_scheduled(rg_case *cs, const rg_event_view *ev)
{
    rg_ev_get_str(ev, "at", cs->meeting_at, sizeof cs->meeting_at);
    const rg_val *orgs = rg_map_get(ev->data, "orgs");
    for (uint32_t i = 0; i < rg_array_size(orgs); i++) {
        char org[RG_ID_MAX];
        if (!rg_val_strcpy(rg_array_at(orgs, i), org, sizeof org)) return RG_ESTORAGE;
        rg_case_join(cs, org, ev->v);
    }
    cs->meeting_held = false;
    return 0;
}

int rg_h_meeting_hold(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    rg_evb *ev = rg_ctx_emit(c, "meeting.held");
    static const char *const fields[] = {"attendees", "conclusions", "class", NULL};
    rg_copy_fields(c, ev, fields);
    return 0;
}

int rg_a_meeting_held(rg_case *cs, const rg_event_view *ev)
{
    (void)ev;
    cs->meeting_held = true;
    return 0;
}
