/*
 * events.c - every event type the engine writes: its current schema version,
 * the function that folds it into the case projection, and the state the
 * case enters with it (RG_KEEP: the state does not change).  Replaying the
 * log through this table rebuilds every projection.
 */
#include "../engine/domain/schema.h"
#include "../engine/domain/fold.h"

#define ST(x) RG_ST_##x

const rg_evdef rg_events[] = {
    /* type                  version  fold                       enters        alerts              classified item */
    {"case.reported",        3,       rg_fold_case_reported,     ST(REPORTED), RG_ALERT_NONE, "summary"},
    {"case.assigned",        1,       rg_fold_case_assigned,     RG_KEEP, RG_ALERT_NONE, NULL},
    {"intake.started",       1,       rg_fold_nothing,           ST(INTAKE), RG_ALERT_NONE, NULL},
    {"intake.admitted",      1,       rg_fold_intake_admitted,   ST(ANALYSIS), RG_ALERT_NONE, NULL},
    {"intake.rejected",      1,       rg_fold_intake_rejected,   ST(REFERRED), RG_ALERT_NONE, NULL},
    {"intake.info_requested", 1,      rg_fold_nothing,           RG_KEEP, RG_ALERT_NONE, NULL},
    {"partner.joined",       1,       rg_fold_partner_joined,    RG_KEEP, RG_ALERT_NONE, NULL},
    {"info.requested",       1,       rg_fold_info_requested,    RG_KEEP, RG_ALERT_ASKED, NULL},
    {"info.provided",        1,       rg_fold_info_provided,     RG_KEEP, RG_ALERT_NONE, "answer"},
    {"meeting.scheduled",    1,       rg_fold_meeting_scheduled, ST(MEETING), RG_ALERT_NONE, NULL},
    {"meeting.held",         1,       rg_fold_meeting_held,      ST(PLANNING), RG_ALERT_NONE, "conclusions"},
    {"meeting.rescheduled",  1,       rg_fold_meeting_rescheduled,  RG_KEEP, RG_ALERT_NONE, NULL},
    /* Evaluation meetings once the plan is in force: the state stays. */
    {"evaluation.scheduled", 1,       rg_fold_evaluation_scheduled, RG_KEEP, RG_ALERT_NONE, NULL},
    {"evaluation.held",      1,       rg_fold_evaluation_held,   RG_KEEP, RG_ALERT_NONE, "conclusions"},
    {"plan.proposed",        1,       rg_fold_plan_proposed,     ST(PLANNING), RG_ALERT_NONE, NULL},
    {"plan.revision_proposed", 1,     rg_fold_plan_revision_proposed, RG_KEEP,    RG_ALERT_NONE, NULL},
    {"plan.agreement",       1,       rg_fold_plan_agreement,    RG_KEEP, RG_ALERT_NONE, NULL},
    {"plan.agreed",          1,       rg_fold_plan_agreed,       ST(EXECUTION), RG_ALERT_NONE, NULL},
    {"action.completed",     1,       rg_fold_action_completed,  RG_KEEP, RG_ALERT_NONE, "result"},
    {"review.held",          1,       rg_fold_review_held,       RG_KEEP, RG_ALERT_NONE, "notes"},
    {"case.escalated",       2,       rg_fold_case_escalated,    RG_KEEP, RG_ALERT_MANAGERS, NULL},
    {"escalation.resolved",  2,       rg_fold_escalation_resolved,  RG_KEEP, RG_ALERT_NONE, NULL},
    {"case.closed",          1,       rg_fold_case_closed,       ST(CLOSED), RG_ALERT_NONE, NULL},
    {"aftercare.checked",    1,       rg_fold_nothing,           ST(ARCHIVED), RG_ALERT_NONE, NULL},
    {"case.reopened",        1,       rg_fold_case_reopened,     ST(ANALYSIS), RG_ALERT_NONE, NULL},
    {"stagnation.detected",  2,       rg_fold_nothing,           RG_KEEP,      RG_ALERT_DIRECTOR, NULL},
    {"item.released",        1,       rg_fold_item_released,     RG_KEEP,      RG_ALERT_NONE, NULL},
    {"phase.advanced",       1,       rg_fold_phase_advanced,    RG_KEEP,      RG_ALERT_NONE, NULL},
    {"phase.relapsed",       1,       rg_fold_phase_relapsed,    ST(DIRECT_SAFETY), RG_ALERT_NONE, NULL},
    {"case.erased",          1,       rg_fold_case_erased,       RG_KEEP,      RG_ALERT_NONE, NULL},
    {"subject.requested",    1,       rg_fold_subject_requested, ST(REQUEST),  RG_ALERT_NONE, NULL},
    {"subject.decided",      1,       rg_fold_nothing,           ST(DECIDED),  RG_ALERT_NONE, NULL},
    /* A decision on the cases the decider may see, others left to someone
     * who may (a covenant): the request stays open, its norm running. */
    {"subject.partly_decided", 1,     rg_fold_nothing,           RG_KEEP,      RG_ALERT_NONE, NULL},
    {"subject.corrected",    1,       rg_fold_subject_corrected, RG_KEEP,      RG_ALERT_NONE, NULL},
    {"case.restricted",      1,       rg_fold_nothing,           RG_KEEP,      RG_ALERT_NONE, NULL},
    {"case.unrestricted",    1,       rg_fold_nothing,           RG_KEEP,      RG_ALERT_NONE, NULL},
    {"stagnation.cleared",   1,       rg_fold_nothing,           RG_KEEP,      RG_ALERT_NONE, NULL},
    {"person.added",         1,       rg_fold_person_added,      RG_KEEP,      RG_ALERT_NONE, NULL},
    {"person.removed",       1,       rg_fold_person_removed,    RG_KEEP,      RG_ALERT_NONE, NULL},
    {"person.erased",        1,       rg_fold_person_erased,     RG_KEEP,      RG_ALERT_NONE, NULL},
    {"case.ended",           1,       rg_fold_case_ended,        ST(ARCHIVED), RG_ALERT_PARTIES, NULL},
    {NULL, 0, NULL, 0, 0, NULL},
};
