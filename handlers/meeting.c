/*
 * meeting.c - the multidisciplinary case meeting (casusoverleg): scheduled
 * with the orgs to invite (who take part from then on), then held.
 *
 * Route re-entry: the meeting must come before the person's release, so it
 * cannot be scheduled at or after the release date.
 *
 * Issue 21: a date after the meeting norm's deadline is taken, and the reply
 * says so (`late`); meeting.reschedule moves a scheduled meeting; a meeting
 * held on another day than scheduled records when it really took place
 * (`held_at`, default now, never ahead) and that it was `moved`.
 *
 * Evaluation meetings (issue 21; CONTRACT.md: `kind: evaluation`): once the
 * plan is in force (execution, an MDA++ phase) the procesregisseur may call
 * the partners together again.  The same three operations take it, with
 * their own events (evaluation.scheduled, evaluation.held) that leave the
 * state as it is; one evaluation meeting is scheduled at a time.  Holding
 * one is a review with the partners at the table: it meets the review and
 * progress norms as review.held does (schemas/norms.c).
 */
#include <stdio.h>
#include <string.h>

#include "../engine/domain/calendar.h"

#include "../engine/storage/errors.h"
#include "handlers.h"
#include "../engine/domain/schema.h"

static void late_reply(rg_ctx *c, const rg_case *cs, const rg_val *atv);

/* Whether the plan is in force: the meetings then are evaluation meetings. */
static bool plan_in_force(const rg_case *cs) { return cs->state != RG_ST_ANALYSIS && cs->state != RG_ST_MEETING; }

/* An evaluation meeting scheduled and not yet held. */
static bool evaluation_pending(const rg_case *cs)
{
    return cs->meeting_eval && cs->meeting_at[0] && !cs->meeting_held;
}

int rg_h_meeting_schedule(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    const rg_case *cs = rg_ctx_case(c);
    bool evaluation = rg_val_is_str(rg_ctx_field(c, "kind"), "evaluation");
    if (plan_in_force(cs) && !evaluation)
        return rg_ctx_fail(c, RG_EGUARD,
                           "data.kind: case %s has held its case meeting and is in %s; a further meeting is an "
                           "evaluation meeting (kind evaluation)", cs->id, rg_state_name(cs->state));
    if (!plan_in_force(cs) && evaluation)
        return rg_ctx_fail(c, RG_EGUARD,
                           "data.kind: an evaluation meeting follows the agreed plan; case %s is in %s and needs "
                           "its case meeting first (kind case)", cs->id, rg_state_name(cs->state));
    if (evaluation && evaluation_pending(cs))
        return rg_ctx_fail(c, RG_EGUARD,
                           "case %s has an evaluation meeting scheduled at %s: move it (meeting.reschedule) or "
                           "hold it first", cs->id, cs->meeting_at);
    if ((rc = rg_check_names(c, "orgs")) < 0) return rc;
    rc = rg_require_future(c, rg_ctx_field(c, "at"), "data.at");
    if (rc < 0) return rc;
    if (evaluation) {
        rg_evb *ev = rg_ctx_emit(c, "evaluation.scheduled");
        static const char *const fields[] = {"at", "orgs", NULL};
        rg_copy_fields(c, ev, fields);
        return 0;
    }
    if (cs->route == RG_RT_REENTRY) {
        /* The release day begins at midnight in Europe/Amsterdam, as the
         * norm meeting.before_release counts it (deadlines.c), not at
         * midnight UTC: a meeting at 00:30 on the release day is too late. */
        const char *at;
        uint32_t atn;
        int64_t at_ms;
        bool d1;
        int y, m, d;
        rg_val_str(rg_ctx_field(c, "at"), &at, &atn);
        if (rg_parse_iso(at, atn, &at_ms, &d1) && sscanf(cs->release_date, "%4d-%2d-%2d", &y, &m, &d) == 3 &&
            at_ms >= rg_cal_from_local(y, m, d, 0, 0, 0, 0))
            return rg_ctx_fail(c, RG_EGUARD,
                               "route re-entry: the case meeting must be before release on %s",
                               cs->release_date);
    }
    rg_evb *ev = rg_ctx_emit(c, "meeting.scheduled");
    static const char *const fields[] = {"at", "orgs", NULL};
    rg_copy_fields(c, ev, fields);
    late_reply(c, cs, rg_ctx_field(c, "at"));
    return 0;
}

/* A date after the deadline of the meeting's norm is the procesregisseur's
 * call (a partner may not be able to come sooner), but the reply says it:
 * `late` {norm, due (ms), at (ms)}. */
static void late_reply(rg_ctx *c, const rg_case *cs, const rg_val *atv)
{
    const char *at;
    uint32_t atn;
    int64_t at_ms;
    bool date_only;
    if (!rg_val_str(atv, &at, &atn) || !rg_parse_iso(at, atn, &at_ms, &date_only)) return;
    int held = rg_norm_find("meeting.held"), before = rg_norm_find("meeting.before_release");
    for (uint32_t i = 0; i < cs->ndl; i++) {
        const rg_deadline *d = &cs->dl[i];
        if ((d->norm != held && d->norm != before) || (uint64_t)at_ms <= d->due) continue;
        rg_buf *b = rg_ctx_reply_key(c, "late");
        rg_w_map(b, 4);
        rg_w_kstr(b, "norm", rg_norms[d->norm].name);
        rg_w_kuint(b, "due", d->due);
        rg_w_kuint(b, "at", (uint64_t)at_ms);
        char msg[200];
        snprintf(msg, sizeof msg, "the meeting is set after the %s norm's deadline: it will stagnate then",
                 rg_norms[d->norm].name);
        rg_w_kstr(b, "note", msg);
        return;
    }
}

int rg_h_meeting_reschedule(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    const rg_case *cs = rg_ctx_case(c);
    if (plan_in_force(cs) ? !evaluation_pending(cs) : !cs->meeting_at[0] || cs->meeting_held)
        return rg_ctx_fail(c, RG_EGUARD, "case %s has no scheduled %s meeting to move", cs->id,
                           plan_in_force(cs) ? "evaluation" : "case");
    if ((rc = rg_require_future(c, rg_ctx_field(c, "at"), "data.at")) < 0) return rc;
    rg_evb *ev = rg_ctx_emit(c, "meeting.rescheduled");
    rg_ev_str(ev, "from", cs->meeting_at);
    static const char *const fields[] = {"at", NULL};
    rg_copy_fields(c, ev, fields);
    late_reply(c, cs, rg_ctx_field(c, "at"));
    return 0;
}

int rg_h_meeting_hold(rg_ctx *c)
{
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    /* When it really took place: held_at (not ahead of now), default now;
     * moved when that is another day than the one scheduled. */
    const rg_case *cs = rg_ctx_case(c);
    if (plan_in_force(cs) && !evaluation_pending(cs))
        return rg_ctx_fail(c, RG_EGUARD,
                           "case %s has no evaluation meeting scheduled (meeting.schedule with kind evaluation)",
                           cs->id);
    /* Persons of the case may attend beside the orgs (issue 25). */
    if ((rc = rg_check_attendees(c)) < 0) return rc;
    uint64_t now = rg_ctx_now(c), held = now;
    const char *p;
    uint32_t pn;
    if (rg_val_str(rg_ctx_field(c, "held_at"), &p, &pn)) {
        int64_t ms;
        bool date_only;
        if (!rg_parse_iso(p, pn, &ms, &date_only) || date_only)
            return rg_ctx_fail(c, RG_EBADREQ, "data.held_at: a date and time (2026-05-06T10:00:00+02:00)");
        if ((uint64_t)ms > now)
            return rg_ctx_fail(c, RG_EGUARD, "data.held_at: %.*s is ahead; record a meeting once held", (int)pn, p);
        held = (uint64_t)ms;
    }
    bool moved = false;
    int64_t sched;
    bool sched_date;
    if (cs->meeting_at[0] && rg_parse_iso(cs->meeting_at, (uint32_t)strlen(cs->meeting_at), &sched, &sched_date)) {
        int y1, m1, d1, y2, m2, d2, hh, mm, ss, ms;
        rg_cal_to_local(sched, &y1, &m1, &d1, &hh, &mm, &ss, &ms);
        rg_cal_to_local((int64_t)held, &y2, &m2, &d2, &hh, &mm, &ss, &ms);
        moved = y1 != y2 || m1 != m2 || d1 != d2;
    }
    rg_evb *ev = rg_ctx_emit(c, plan_in_force(cs) ? "evaluation.held" : "meeting.held");
    static const char *const fields[] = {"attendees", "conclusions", "class", NULL};
    rg_copy_fields(c, ev, fields);
    rg_ev_uint(ev, "held_at", held);
    if (moved) {
        rg_ev_bool(ev, "moved", true);
        rg_ev_str(ev, "scheduled", cs->meeting_at);
    }
    return 0;
}
