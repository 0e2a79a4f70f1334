/*
 * deadlines.h - the norms of schemas/norms.c applied to a case
 * (deadlines.c): which deadlines an event sets and meets (the fold), when
 * a deadline falls due, and the escalation ladder that follows a case's
 * stagnations.  The deadlines themselves are the case's (rg_deadline,
 * case.h); this is what changes and reads them.
 */
#ifndef RG_DEADLINES_H
#define RG_DEADLINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../storage/buf.h"
#include "case.h"
#include "event.h"

struct rg_evdef;
struct rg_region_cfg;

/* Fold one event into the case's deadlines by the norms table (called by
 * rg_fold_apply, fold.h, so replay rebuilds deadlines too). */
void rg_deadlines_fold(rg_case *c, const rg_event_view *ev, const struct rg_evdef *def);
/* The due times of the norms an event of type def, appended at `at` on a
 * case of route, sets by the region's configuration rc (amounts, the weekly
 * triage day): msgpack pairs {norm: due ms} into out; returns how many.
 * Recorded in the event (data.norms), the fold takes them from there, so a
 * region's later change of its norms, or a rebuild, leaves them as they were. */
uint32_t rg_deadlines_plan(int route, const struct rg_evdef *def, uint64_t at,
                           const struct rg_region_cfg *rc, rg_buf *out);
/* action.done deadlines of actions a revision's agreement dropped, closed
 * or re-dated go: the fold then sets those of its open ones. */
void rg_deadlines_replan(rg_case *c);
/* The work on the case ended (it entered closed, referred or archived). */
void rg_case_end_work(rg_case *c);
uint32_t rg_case_stagnations(const rg_case *c);     /* open (fired) deadlines */
int rg_norm_decision(void);                         /* index of escalation.decision */

/* Is d an overdue action (its owner) or an overdue information request (the
 * org asked)?  Then the org that owes it is put in org. */
bool rg_deadline_owed(const rg_case *c, const rg_deadline *d, char *org, size_t cap);
/* The ladder: `orgs` into a case.escalated of level 2 or 3: every org that
 * owns an overdue action or an overdue information request of the case
 * (their partner managers are alerted and read the dossier). */
void rg_ladder_orgs(const rg_case *c, rg_evb *ev);
/* The stuck step a decision's new_due re-dates: its deadline, or NULL when
 * the ladder knows none or it has no date of its own (only an action or an
 * information request has). */
const rg_deadline *rg_ladder_step(const rg_case *c);
/* The level the case's next escalation opens at, a region starting its
 * ladder at `start`: one above the level its ladder last reached on a step
 * still stuck (at most the top), else `start`. */
int rg_ladder_next_level(const rg_case *c, int start);

#endif
