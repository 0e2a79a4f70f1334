/*
 * handlers.h - the domain steps, one file per stage of a case.
 * bindings.c binds each to its operation, in the table the engine is opened
 * with (rg_handlers_module);
 * schemas/machine.c says in which states each step may be taken.  How
 * their events change a case (the folds) is the domain's
 * (engine/domain/fold.c), so replay rebuilds without this folder.
 *
 * A handler follows ctx.h's rule: check everything, fail with rg_ctx_fail
 * before changing anything, then declare its events and reply fields.  A
 * fold only folds: the handler has already checked.
 */
#ifndef RG_HANDLERS_H
#define RG_HANDLERS_H

#include "../engine/domain/case.h"
#include "../engine/core/ctx.h"
#include "../engine/domain/upcast.h"

/* bindings.c: every handler by its operation; hand it to rg_engine_open
 * (rg_engine_opts.module). */
extern const rg_module rg_handlers_module;

#define RG_HANDLER(name) int rg_h_##name(rg_ctx *c);

/* admin.c; whether an actor is the engine's operator (an engine-wide admin) */
bool rg_admin_is_operator(const rg_actor *a);
RG_HANDLER(actor_create) RG_HANDLER(actor_revoke) RG_HANDLER(actor_rotate) RG_HANDLER(log_verify)
/* report.c: report, assignment and intake */
RG_HANDLER(case_report) RG_HANDLER(case_assign) RG_HANDLER(intake_start) RG_HANDLER(intake_decide)
RG_HANDLER(intake_more_info)
/* analysis.c: partners and information requests */
RG_HANDLER(partner_join) RG_HANDLER(info_request) RG_HANDLER(info_provide)
/* meeting.c: the case meeting */
RG_HANDLER(meeting_schedule) RG_HANDLER(meeting_hold) RG_HANDLER(meeting_reschedule)
/* plan.c: the plan of action and its agreement */
RG_HANDLER(plan_propose) RG_HANDLER(plan_agree)
/* execution.c: actions and reviews */
RG_HANDLER(action_complete) RG_HANDLER(review_hold)
/* alerts.c: notification topics and durable alerts */
RG_HANDLER(whoami) RG_HANDLER(notify_topics) RG_HANDLER(alerts_list) RG_HANDLER(alert_ack)
/* privacy.c, subjects.c: erasure and data-subject rights */
RG_HANDLER(case_erase)
RG_HANDLER(subject_request) RG_HANDLER(subject_decide) RG_HANDLER(subject_correct)
RG_HANDLER(case_unrestrict) RG_HANDLER(subject_known)
/* persons.c: the persons of a household case */
RG_HANDLER(person_add) RG_HANDLER(person_remove) RG_HANDLER(person_erase)
RG_HANDLER(person_share) RG_HANDLER(client_perspective)
/* case.report's `subject` or `persons` checked (fails, nothing emitted, on
 * a bad one); *subject: the single subject, or the first `subject` person. */
int rg_report_subject(rg_ctx *c, const rg_val **subject);
/* After the report ev is emitted: subject into its subject part (P1), every
 * other person a person.added of its own. */
void rg_report_persons(rg_ctx *c, rg_evb *report, const rg_val *subject);
/* subject_export.c: a granted access request's export of the cases ids
 * (at most RG_SUBJECT_CASES), as the caller may compile it */
#define RG_SUBJECT_CASES 64
int rg_subject_export(rg_ctx *c, const char (*ids)[RG_ID_MAX], const char (*persons)[16], uint32_t n);
/* phases.c: a route's phases after its plan (MDA++) */
RG_HANDLER(phase_advance) RG_HANDLER(phase_relapse)
/* items.c: releasing classified items */
RG_HANDLER(item_release)
/* escalation.c: the escalation overlay */
RG_HANDLER(case_escalate) RG_HANDLER(escalation_resolve) RG_HANDLER(escalation_dossier)
/* closure.c: closing, aftercare, reopening */
RG_HANDLER(case_close) RG_HANDLER(aftercare_check) RG_HANDLER(case_reopen) RG_HANDLER(case_end)
/* queries.c */
RG_HANDLER(case_get) RG_HANDLER(case_history) RG_HANDLER(cases_list) RG_HANDLER(stats)
/* feed.c: the feed, through the feed service */
RG_HANDLER(feed_read)
/* admin.c, through the audit and deadline services */
RG_HANDLER(audit_read) RG_HANDLER(clock_advance)
/* backup.c: online backups (admin) */
RG_HANDLER(backup_create)
RG_HANDLER(log_head) RG_HANDLER(log_prove) RG_HANDLER(log_consistency)   /* transparency.c (auditor, admin) */
/* processing.c: the register of processing activities, the auditor's query */
RG_HANDLER(processing_activities) RG_HANDLER(processing_read)
RG_HANDLER(norms_whatif)   /* whatif.c: the history under other norms (manager) */

#undef RG_HANDLER

/* subjects.c: does a granted request of kind (request NULL: any) cover cs?
 * 0, or guard_failed naming what is missing. */
int rg_subject_request_allows(rg_ctx *c, const char *request, const char *kind, const rg_case *cs,
                              char person[16]);
/* subjects.c: does a granted restriction or objection from person who
 * ("P2"; "" for P1) of cs restrict that person alone (a household case: the
 * case goes on for the others), not the whole case (its one person, or its
 * only subject)? */
bool rg_restricts_alone(const rg_case *cs, const char *who);
/* subjects.c: guard_failed "restricted" when person ("P2") of cs is
 * restricted (a granted restriction or objection of theirs): nothing new is
 * recorded on them or names them until case.unrestrict lifts it; `what` says
 * what was refused.  0 otherwise. */
int rg_refuse_restricted(rg_ctx *c, const rg_case *cs, const char *person, const char *what);

/* persons.c: the persons a request or an action is about (data `persons`,
 * ids of the case, at path "data.persons"): each a person of the case who
 * is neither removed nor erased, named once (not_found, guard_failed or
 * bad_request, nothing written); with org, one that org may see
 * (person.share), else forbidden naming the person.  Their mask into *mask
 * (0 when the field is absent). */
int rg_about_persons(rg_ctx *c, const rg_val *ids, const char *path, const char *org, uint64_t *mask);
/* meeting.hold's attendees: an attendee that is a person's id ("P2") must
 * be a person of the case neither removed nor erased (orgs as before). */
int rg_check_attendees(rg_ctx *c);
/* plan.propose's perspectives (person ids whose latest client.perspective
 * the goals answer): each a person of the case with one recorded (the
 * error answered otherwise); with ev, into it as perspectives: [{person,
 * seq}] (nothing when the field is absent). */
int rg_plan_perspectives(rg_ctx *c, rg_evb *ev);
/* data.persons: [ids] of mask into ev (nothing when mask is 0). */
void rg_ev_persons(rg_evb *ev, uint64_t mask);

/* util.c: checks shared by several handlers */
bool rg_is_name(const char *p, uint32_t n);   /* [A-Za-z0-9._-]{1,64} */
/* Every string of the array field is an id or org name (rg_is_name). */
int rg_check_names(rg_ctx *c, const char *field);
/* The caller must be the case's procesregisseur (guard_failed when the case
 * has none yet: it must be taken first). */
int rg_require_director(rg_ctx *c);
/* Copy a required string field (already checked by the schema). */
void rg_field_str(rg_ctx *c, const char *name, char *dst, size_t cap);
/* Copy data fields that exist into the event, unchanged. */
void rg_copy_fields(rg_ctx *c, rg_evb *ev, const char *const *names);
/* The instant a user's date ends (a bare date: local midnight after it; a
 * date-time: itself); false when it does not parse. */
bool rg_date_end(const char *p, uint32_t n, uint64_t *ms /* OUT */);
/* Steps that plan the future refuse a date already past (guard_failed naming
 * `path`): it would set a deadline born overdue.  0 when v is absent. */
int rg_require_future(rg_ctx *c, const rg_val *v, const char *path);
/* A person's identifying fields as the law and the calendar have them
 * (issue 21, finding 13): a `bsn` is nine digits that pass the eleven-test
 * (elfproef), a `birth_date` a real calendar date (YYYY-MM-DD) before
 * today.  path names the map in the message ("data.subject").  Absent
 * fields are not required here. */
int rg_check_person(rg_ctx *c, const rg_val *p, const char *path);

#endif
