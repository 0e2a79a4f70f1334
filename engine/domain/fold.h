/*
 * fold.h - how each event type changes a case: the fold function of every
 * row of the event table (schemas/events.c names them), called by
 * rg_case_apply (case.c) for the write path, replay and what-if alike.
 *
 * A fold trusts what the handler checked before emitting the event; what it
 * cannot trust in a stored event (a required field missing) it answers with
 * RG_ESTORAGE, never a half-folded case it pretends is whole.  Folds live in
 * the domain, not beside their handlers, so that the domain and replay link
 * without handlers/ (tools/check-layers.sh).
 */
#ifndef RG_FOLD_H
#define RG_FOLD_H

#include "case.h"

#define RG_FOLD(name) int rg_fold_##name(rg_case *cs, const rg_event_view *ev);
/* report, assignment and intake */
RG_FOLD(case_reported) RG_FOLD(case_assigned) RG_FOLD(nothing) RG_FOLD(intake_admitted) RG_FOLD(intake_rejected)
/* data-subject requests */
RG_FOLD(subject_requested) RG_FOLD(subject_corrected)
/* the persons of a household case */
RG_FOLD(person_added) RG_FOLD(person_removed) RG_FOLD(person_erased)
/* partners and information requests */
RG_FOLD(partner_joined) RG_FOLD(info_requested) RG_FOLD(info_provided)
/* the case meeting */
RG_FOLD(meeting_rescheduled) RG_FOLD(meeting_scheduled) RG_FOLD(meeting_held)
RG_FOLD(evaluation_scheduled) RG_FOLD(evaluation_held)
/* the plan and its agreement */
RG_FOLD(plan_proposed) RG_FOLD(plan_revision_proposed) RG_FOLD(plan_agreement) RG_FOLD(plan_agreed)
/* actions and reviews */
RG_FOLD(action_completed) RG_FOLD(review_held)
/* classified items */
RG_FOLD(item_released)
/* the escalation overlay */
RG_FOLD(case_escalated) RG_FOLD(escalation_resolved)
/* a route's phases (MDA++) */
RG_FOLD(phase_advanced) RG_FOLD(phase_relapsed)
/* closing, ending, reopening, erasure */
RG_FOLD(case_closed) RG_FOLD(case_ended) RG_FOLD(case_reopened) RG_FOLD(case_erased)

#undef RG_FOLD

#endif
