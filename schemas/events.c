/*
 * events.c - every event type the engine writes: its current schema version
 * and the state the case enters with it (RG_KEEP: the state does not
 * change).  How each changes the case is its fold (engine/domain/fold.c,
 * one per type, checked at open).  Replaying the log through the folds
 * rebuilds every projection.
 */
#include "../engine/domain/schema.h"

#define ST(x) RG_ST_##x

const rg_evdef rg_events[] = {
    /* type                  version  enters        alerts              classified item */
    {"case.reported",        3,       ST(REPORTED), RG_ALERT_NONE, "summary"},
    {"case.assigned",        1,       RG_KEEP, RG_ALERT_NONE, NULL},
    {"intake.started",       1,       ST(INTAKE), RG_ALERT_NONE, NULL},
    {"intake.admitted",      1,       ST(ANALYSIS), RG_ALERT_NONE, NULL},
    {"intake.rejected",      1,       ST(REFERRED), RG_ALERT_NONE, NULL},
    {"intake.info_requested", 1,      RG_KEEP, RG_ALERT_NONE, NULL},
    {"partner.joined",       1,       RG_KEEP, RG_ALERT_NONE, NULL},
    {"info.requested",       1,       RG_KEEP, RG_ALERT_ASKED, NULL},
    {"info.provided",        1,       RG_KEEP, RG_ALERT_NONE, "answer"},
    {"meeting.scheduled",    1,       ST(MEETING), RG_ALERT_NONE, NULL},
    {"meeting.held",         1,       ST(PLANNING), RG_ALERT_NONE, "conclusions"},
    {"meeting.rescheduled",  1,       RG_KEEP, RG_ALERT_NONE, NULL},
    /* Evaluation meetings once the plan is in force: the state stays. */
    {"evaluation.scheduled", 1,       RG_KEEP, RG_ALERT_NONE, NULL},
    {"evaluation.held",      1,       RG_KEEP, RG_ALERT_NONE, "conclusions"},
    {"plan.proposed",        1,       ST(PLANNING), RG_ALERT_NONE, NULL},
    {"plan.revision_proposed", 1,     RG_KEEP,    RG_ALERT_NONE, NULL},
    {"plan.agreement",       1,       RG_KEEP, RG_ALERT_NONE, NULL},
    {"plan.agreed",          1,       ST(EXECUTION), RG_ALERT_NONE, NULL},
    {"action.completed",     1,       RG_KEEP, RG_ALERT_NONE, "result"},
    {"review.held",          1,       RG_KEEP, RG_ALERT_NONE, "notes"},
    {"case.escalated",       2,       RG_KEEP, RG_ALERT_MANAGERS, NULL},
    {"escalation.resolved",  2,       RG_KEEP, RG_ALERT_NONE, NULL},
    {"case.closed",          1,       ST(CLOSED), RG_ALERT_NONE, NULL},
    {"aftercare.checked",    1,       ST(ARCHIVED), RG_ALERT_NONE, NULL},
    {"case.reopened",        1,       ST(ANALYSIS), RG_ALERT_NONE, NULL},
    {"stagnation.detected",  2,       RG_KEEP,      RG_ALERT_DIRECTOR, NULL},
    {"item.released",        1,       RG_KEEP,      RG_ALERT_NONE, NULL},
    {"phase.advanced",       1,       RG_KEEP,      RG_ALERT_NONE, NULL},
    {"phase.relapsed",       1,       ST(DIRECT_SAFETY), RG_ALERT_NONE, NULL},
    {"case.erased",          1,       RG_KEEP,      RG_ALERT_NONE, NULL},
    {"subject.requested",    1,       ST(REQUEST),  RG_ALERT_NONE, NULL},
    {"subject.decided",      1,       ST(DECIDED),  RG_ALERT_NONE, NULL},
    /* A decision on the cases the decider may see, others left to someone
     * who may (a covenant): the request stays open, its norm running. */
    {"subject.partly_decided", 1,     RG_KEEP,      RG_ALERT_NONE, NULL},
    {"subject.corrected",    1,       RG_KEEP,      RG_ALERT_NONE, NULL},
    {"case.restricted",      1,       RG_KEEP,      RG_ALERT_NONE, NULL},
    {"case.unrestricted",    1,       RG_KEEP,      RG_ALERT_NONE, NULL},
    {"stagnation.cleared",   1,       RG_KEEP,      RG_ALERT_NONE, NULL},
    {"person.added",         1,       RG_KEEP,      RG_ALERT_NONE, NULL},
    {"person.removed",       1,       RG_KEEP,      RG_ALERT_NONE, NULL},
    {"person.erased",        1,       RG_KEEP,      RG_ALERT_NONE, NULL},
    {"person.shared",        1,       RG_KEEP,      RG_ALERT_NONE, NULL},
    /* client.perspective: the wishes are the sealed subject part, the
     * person's own (handlers/persons.c). */
    {"perspective.recorded", 1,       RG_KEEP,      RG_ALERT_NONE, NULL},
    {"case.ended",           1,       ST(ARCHIVED), RG_ALERT_PARTIES, NULL},
    {NULL, 0, 0, 0, NULL},
};
