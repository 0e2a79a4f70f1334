/*
 * bindings.c - which handler serves each operation of schemas/ops.c: the
 * module table the engine is opened with (core/module.h), handed in by
 * whoever opens it (regied's main, the tests).  Kept apart from ops.c so
 * that the client links the contract without the engine; rg_module_bind
 * checks, when an engine opens, that every operation has exactly one
 * handler and every handler an operation.
 */
#include "handlers.h"

static const rg_binding bindings[] = {
    {"actor.create",          rg_h_actor_create},
    {"actor.revoke",          rg_h_actor_revoke},
    {"actor.rotate",          rg_h_actor_rotate},
    {"case.report",           rg_h_case_report},
    {"case.assign",           rg_h_case_assign},
    {"intake.start",          rg_h_intake_start},
    {"intake.decide",         rg_h_intake_decide},
    {"intake.more_info",      rg_h_intake_more_info},
    {"partner.join",          rg_h_partner_join},
    {"info.request",          rg_h_info_request},
    {"info.provide",          rg_h_info_provide},
    {"meeting.schedule",      rg_h_meeting_schedule},
    {"meeting.hold",          rg_h_meeting_hold},
    {"meeting.reschedule",    rg_h_meeting_reschedule},
    {"plan.propose",          rg_h_plan_propose},
    {"plan.agree",            rg_h_plan_agree},
    {"action.complete",       rg_h_action_complete},
    {"item.release",          rg_h_item_release},
    {"review.hold",           rg_h_review_hold},
    {"case.escalate",         rg_h_case_escalate},
    {"escalation.resolve",    rg_h_escalation_resolve},
    {"escalation.dossier",    rg_h_escalation_dossier},
    {"case.close",            rg_h_case_close},
    {"case.end",              rg_h_case_end},
    {"aftercare.check",       rg_h_aftercare_check},
    {"case.reopen",           rg_h_case_reopen},
    {"case.get",              rg_h_case_get},
    {"case.history",          rg_h_case_history},
    {"cases.list",            rg_h_cases_list},
    {"feed.read",             rg_h_feed_read},
    {"audit.read",            rg_h_audit_read},
    {"log.verify",            rg_h_log_verify},
    {"clock.advance",         rg_h_clock_advance},
    {"stats",                 rg_h_stats},
    {"whoami",                rg_h_whoami},
    {"notify.topics",         rg_h_notify_topics},
    {"alerts.list",           rg_h_alerts_list},
    {"alert.ack",             rg_h_alert_ack},
    {"backup.create",         rg_h_backup_create},
    {"log.head",              rg_h_log_head},
    {"log.prove",             rg_h_log_prove},
    {"log.consistency",       rg_h_log_consistency},
    {"norms.whatif",          rg_h_norms_whatif},
    {"case.erase",            rg_h_case_erase},
    {"subject.request",       rg_h_subject_request},
    {"subject.decide",        rg_h_subject_decide},
    {"subject.correct",       rg_h_subject_correct},
    {"case.unrestrict",       rg_h_case_unrestrict},
    {"subject.known",         rg_h_subject_known},
    {"phase.advance",         rg_h_phase_advance},
    {"person.add",            rg_h_person_add},
    {"person.remove",         rg_h_person_remove},
    {"person.erase",          rg_h_person_erase},
    {"person.share",          rg_h_person_share},
    {"client.perspective",    rg_h_client_perspective},
    {"phase.relapse",         rg_h_phase_relapse},
    {"processing.activities", rg_h_processing_activities},
    {"processing.read",       rg_h_processing_read},
    {NULL, NULL},
};

const rg_module rg_handlers_module = {bindings};
