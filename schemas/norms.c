/*
 * norms.c - the deadlines the engine keeps for every case (DOMAIN.md, the
 * "default norm" column and "Stagnation").  A norm is set by the events in
 * `set_by` and met by those in `met_by`; when it passes unmet the engine
 * appends stagnation.detected.  The amounts are defaults a region can change
 * in its config file (regied --config); the rest is the procesregie itself.
 *
 * A norm with `item` is kept per item (an information request, an action):
 * an event that meets it names the item in that data field, or, when it has
 * no such field, meets the norm for every item.  Setting a norm that is
 * already open keeps the earlier deadline.  Within one event, norms are met
 * before they are set, so an event in both lists restarts the clock.
 * Closing a case meets every norm of the work on it (open information
 * requests, actions, reviews, a pending escalation decision); only the
 * aftercare check remains.
 *
 * Due kinds: working days keep the time of day (DOMAIN.md); calendar days
 * and months keep the local time of day in Europe/Amsterdam, so six weeks
 * across a DST change is 6 x 7 days, not 42 x 24 hours; a date given by a
 * user (`due`: an information request, more information at intake, an
 * action) falls due at the end of that day.
 *
 * intake.decision is also the feedback to the reporter: intake.more_info
 * meets it (the reporter hears that more is needed) and sets intake.more_info,
 * due at the date it names.  escalation.decision is the open escalation's
 * level deciding: when it passes, the case climbs one level (engine/services/due.c).
 */
#include "../engine/domain/schema.h"

#define ALL ((1u << RG_NROUTES) - 1)
#define REENTRY (1u << RG_RT_REENTRY)

const rg_norm rg_norms[] = {
    /* name                    routes   set by                                   met by                                             item        due           amount */
    {"intake.start",           ALL,     "case.reported",                         "intake.started",                                  NULL,       RG_DUE_WORKDAYS, 2},
    {"intake.decision",        ALL,     "case.reported",                         "intake.admitted intake.rejected intake.info_requested", NULL, RG_DUE_WORKDAYS, 5},
    {"intake.more_info",       ALL,     "intake.info_requested",                 "intake.admitted intake.rejected intake.info_requested", NULL, RG_DUE_ITEM_DATE, 0},
    {"info.answer",            ALL,     "info.requested",                        "info.provided case.closed",                       "request",  RG_DUE_ITEM_DATE, 0},
    {"meeting.held",           ALL,     "intake.admitted case.reopened",         "meeting.held",                                    NULL,       RG_DUE_WORKDAYS, 10},
    {"meeting.before_release", REENTRY, "case.reported",                         "meeting.held",                                    NULL,       RG_DUE_RELEASE,  0},
    {"plan.agreed",            ALL,     "meeting.held plan.proposed",            "plan.agreed case.reopened",                       NULL,       RG_DUE_WORKDAYS, 10},
    {"plan.before_release",    REENTRY, "case.reported",                         "plan.agreed",                                     NULL,       RG_DUE_RELEASE,  0},
    {"action.done",            ALL,     "plan.agreed",                           "action.completed plan.proposed case.closed",      "action",   RG_DUE_ACTIONS,  0},
    {"review",                 ALL,     "plan.agreed review.held",               "review.held case.closed",                         NULL,       RG_DUE_DAYS,     42},   /* 6 weeks */
    {"progress",               ALL,     "plan.agreed action.completed review.held", "action.completed review.held case.closed",     NULL,       RG_DUE_WORKDAYS, 20},
    {"aftercare",              ALL,     "case.closed",                           "aftercare.checked case.reopened",                 NULL,       RG_DUE_MONTHS,   3},
    {"escalation.decision",    ALL,     "case.escalated",                        "case.escalated escalation.resolved case.closed",  NULL,       RG_DUE_WORKDAYS, 5},
    {NULL, 0, NULL, NULL, NULL, 0, 0},
};

/* An open stagnation escalates one level up after this many working days. */
const int rg_stagnation_escalate_workdays = 5;
