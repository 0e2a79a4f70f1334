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
#define SUBJ (1u << RG_RT_SUBJECT_REQUEST)

#define STAG RG_FIRE_STAGNATION
#define ERASE RG_FIRE_ERASE

const rg_norm rg_norms[] = {
    /* name                    routes   set by                                   met by                                             item        due           amount */
    {"intake.start",           ALL,     "case.reported",                         "intake.started",                                  NULL,       RG_DUE_WORKDAYS, 2, STAG},
    {"intake.decision",        ALL,     "case.reported",                         "intake.admitted intake.rejected intake.info_requested", NULL, RG_DUE_WORKDAYS, 5, STAG},
    {"intake.more_info",       ALL,     "intake.info_requested",                 "intake.admitted intake.rejected intake.info_requested", NULL, RG_DUE_ITEM_DATE, 0, STAG},
    /* An information request is answered by its date, or without one
     * within 5 working days (issue 21; norm.info_request in --config). */
    {"info.answer",            ALL,     "info.requested",                        "info.provided case.closed",                       "request",  RG_DUE_ITEM_DATE, 5, STAG},
    {"meeting.held",           ALL,     "intake.admitted case.reopened",         "meeting.held",                                    NULL,       RG_DUE_WORKDAYS, 10, STAG},
    {"meeting.before_release", REENTRY, "case.reported",                         "meeting.held",                                    NULL,       RG_DUE_RELEASE,  0, STAG},
    {"plan.agreed",            ALL,     "meeting.held plan.proposed plan.revision_proposed", "plan.agreed case.reopened",           NULL,       RG_DUE_WORKDAYS, 10, STAG},
    {"plan.before_release",    REENTRY, "case.reported",                         "plan.agreed",                                     NULL,       RG_DUE_RELEASE,  0, STAG},
    {"action.done",            ALL,     "plan.agreed",                           "action.completed plan.proposed case.closed",      "action",   RG_DUE_ACTIONS,  0, STAG},
    {"review",                 ALL,     "plan.agreed review.held evaluation.held", "review.held evaluation.held case.closed",                         NULL,       RG_DUE_DAYS,     42, STAG},   /* 6 weeks */
    {"progress",               ALL,     "plan.agreed action.completed review.held evaluation.held", "action.completed review.held evaluation.held case.closed",     NULL,       RG_DUE_WORKDAYS, 20, STAG},
    {"aftercare",              ALL,     "case.closed",                           "aftercare.checked case.reopened",                 NULL,       RG_DUE_MONTHS,   3, STAG},
    {"escalation.decision",    ALL,     "case.escalated",                        "case.escalated escalation.resolved case.closed",  NULL,       RG_DUE_WORKDAYS, 5, STAG},
    /* Retention (GDPR art. 5(1)(e)): an archived or referred case is erased
     * when it ends; no national figure exists, the covenant's default is 5
     * years (regied --retention-days, or norm.retention in --config). */
    {"retention",              ALL,     "aftercare.checked intake.rejected case.ended",   "case.erased case.reopened",                       NULL,       RG_DUE_DAYS,     1826, ERASE},
    /* A data-subject request is answered within one month (GDPR art. 12(3)). */
    {"subject.answer",         SUBJ,    "subject.requested",                     "subject.decided",                                 NULL,       RG_DUE_MONTHS,   1, STAG},
    /* A decided request holds the person (its BSN or name) as long as it is
     * kept to account for the answer: a year by default after the decision
     * (which the one-month norm above brings about a month after the
     * request), norm.subject.retention months in --config; then the engine
     * erases it as it erases a case whose retention ended. */
    {"subject.retention",      SUBJ,    "subject.decided",                       "case.erased",                                     NULL,       RG_DUE_MONTHS,   12, ERASE},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0},
};

/* An open stagnation escalates one level up after this many working days. */
const int rg_stagnation_escalate_workdays = 5;
