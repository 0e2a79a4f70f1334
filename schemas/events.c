/*
 * events.c - every event type the engine writes: its current schema version,
 * the function that folds it into the case projection, and the state the
 * case enters with it (RG_KEEP: the state does not change).  Replaying the
 * log through this table rebuilds every projection.
 */
#include "../engine/schema.h"
#include "../handlers/handlers.h"

#define ST(x) RG_ST_##x

const rg_evdef rg_events[] = {
    /* type                  version  apply                      enters */
    {"case.reported",        2,       rg_a_case_reported,        ST(REPORTED)},
    {"case.assigned",        1,       rg_a_case_assigned,        RG_KEEP},
    {"intake.started",       1,       rg_a_nothing,              ST(INTAKE)},
    {"intake.admitted",      1,       rg_a_nothing,              ST(ANALYSIS)},
    {"intake.rejected",      1,       rg_a_intake_rejected,      ST(REFERRED)},
    {"partner.joined",       1,       rg_a_partner_joined,       RG_KEEP},
    {"info.requested",       1,       rg_a_info_requested,       RG_KEEP},
    {"info.provided",        1,       rg_a_info_provided,        RG_KEEP},
    {"meeting.scheduled",    1,       rg_a_meeting_scheduled,    ST(MEETING)},
    {"meeting.held",         1,       rg_a_meeting_held,         ST(PLANNING)},
    {"plan.proposed",        1,       rg_a_plan_proposed,        ST(PLANNING)},
    {"plan.agreement",       1,       rg_a_plan_agreement,       RG_KEEP},
    {"plan.agreed",          1,       rg_a_plan_agreed,          ST(EXECUTION)},
    {"action.completed",     1,       rg_a_action_completed,     RG_KEEP},
    {"review.held",          1,       rg_a_review_held,          RG_KEEP},
    {"case.escalated",       1,       rg_a_case_escalated,       RG_KEEP},
    {"escalation.resolved",  1,       rg_a_escalation_resolved,  RG_KEEP},
    {"case.closed",          1,       rg_a_case_closed,          ST(CLOSED)},
    {"aftercare.checked",    1,       rg_a_nothing,              ST(ARCHIVED)},
    {"case.reopened",        1,       rg_a_case_reopened,        ST(ANALYSIS)},
    {NULL, 0, NULL, 0},
};
