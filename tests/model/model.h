/*
 * model.h - the reference model of one case's norms, stagnations and
 * escalation ladder, written from ../shared/DOMAIN.md ("The case life
 * cycle", "Stagnation") and the rules of issue 11, not from the engine.
 * The model-based test (tests/unit/model_test.c) feeds it the events the
 * steps it sends should append and the clock's advances, and compares what
 * it expects with what the engine shows.
 *
 * Routes (DOMAIN.md, "Other routes the ZVHs run"; CONTRACT.md, "Routes"):
 * - default and levensloop follow the life cycle table; the Levensloopaanpak
 *   differs only in who takes part (the inclusion table's provider and
 *   casusregisseur), and its execution has no planned end: its review and
 *   progress norms keep running until closure, as the default route's do.
 * - mda (MDA++): the agreed plan starts the phases direct_safety ->
 *   stable_safety -> recovery -> monitoring (phase.advanced moves on one,
 *   phase.relapsed returns to direct_safety from any later phase and is
 *   counted per case); actions, reviews, plan revisions (proposed and agreed
 *   in the phase, which the case keeps) and escalations in every phase; the
 *   case closes from monitoring.  A phase change is neither an action done
 *   nor a review: it meets and sets no norm.  The norms are those of the
 *   default route (action.done, review, progress run through every phase),
 *   at the amounts the region sets for the route (m_amount; no national
 *   norm exists for MDA++ or the Levensloopaanpak).
 *
 * The rules the model keeps:
 * - Every norm is a deadline (norm, item, due).  An event first meets the
 *   norms it meets, then sets the norms it sets; setting a norm whose
 *   deadline is still open (pending or passed and uncleared) keeps it.
 * - A deadline passing unmet becomes an open stagnation
 *   (stagnation.detected, by the engine, stamped with its due time).  The
 *   event that meets it clears it (stagnation.cleared), also when the same
 *   event sets the norm again.  Closing a case drops every deadline but
 *   aftercare.
 * - One escalation per case (level 0 none, 1..3).  At level 0 an open
 *   stagnation uncleared 5 working days after it was detected (or after the
 *   last escalation.resolved) escalates the case to level 1, once for all
 *   the stagnations maturing together.  At level L the decision deadline
 *   (5 working days after case.escalated) passing climbs to L+1; at level 3
 *   it becomes a stagnation instead.  escalation.resolved closes the
 *   escalation.  The ladder remembers (issue 21): while a stagnation of the
 *   work stays open after a decision, the next escalation opens one level
 *   above the last (at most 3), never at the same level again; once no
 *   stagnation of the work is open (and none is waiting, re-dated by a
 *   decision) it starts again at 1.  A decision at any level may give the
 *   stuck step (an action or information request the ladder remembers) a
 *   new due date (issue 21, `new_due`): its stagnation is cleared, its
 *   deadline is the end of that day, and the ladder remembers the step, so
 *   missing the date climbs on.
 * - Alerts (CONTRACT.md, "Notifications"; issue 11): a stagnation alerts
 *   the case's procesregisseur, or every manager while none is assigned or
 *   while an escalation is open (the level handling it hears of it); an
 *   escalation, by hand or by the engine, alerts every manager.  The model
 *   keeps the managers' part, which no reassignment changes.
 *
 * Ownership: an m_case owns its arrays; m_case_free releases them.
 */
#ifndef RG_MODEL_H
#define RG_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#define M_NONE INT64_MAX      /* no timer */
#define M_ITEM 32

enum {
    MS_REPORTED, MS_INTAKE, MS_REFERRED, MS_ANALYSIS, MS_MEETING, MS_PLANNING, MS_EXECUTION,
    MS_CLOSED, MS_ARCHIVED,
    MS_DIRECT_SAFETY, MS_STABLE_SAFETY, MS_RECOVERY, MS_MONITORING,    /* MDA++ */
    MS_NSTATES
};
extern const char *const m_state_names[MS_NSTATES];
#define M_IS_PHASE(st) ((st) >= MS_DIRECT_SAFETY && (st) <= MS_MONITORING)

enum { MR_DEFAULT, MR_MDA, MR_LEVENSLOOP, MR_NROUTES };
extern const char *const m_route_names[MR_NROUTES];

enum {
    MN_INTAKE_START, MN_INTAKE_DECISION, MN_INTAKE_MORE_INFO, MN_INFO_ANSWER, MN_MEETING_HELD,
    MN_PLAN_AGREED, MN_ACTION_DONE, MN_REVIEW, MN_PROGRESS, MN_AFTERCARE, MN_ESC_DECISION, MN_NNORMS
};
extern const char *const m_norm_names[MN_NNORMS];

typedef struct m_deadline {
    int norm;
    char item[M_ITEM];        /* request or action id; "" for the case's own norms */
    int64_t due;
    bool fired;               /* passed unmet: an open stagnation */
    int64_t since;            /* when it was detected */
    int64_t escalates_at;     /* when it escalates the case; 0: not while an escalation is open */
} m_deadline;

/* An event the engine should append, with what the test compares of it. */
typedef struct m_event {
    char type[32];
    int64_t at;
    bool system;              /* appended by the engine itself */
    int norm;                 /* stagnation.*: the norm; case.escalated auto: the one that matured, or -1 */
    char item[M_ITEM];
    int64_t due;              /* stagnation.detected */
    int level;                /* case.escalated */
    int64_t new_due;          /* escalation.resolved: the end of its new_due date for the stuck step; 0: none */
    bool autoesc;             /* case.escalated by the engine */
    int alerts_managers;      /* raises an alert for every manager: M_NO, M_YES, M_EITHER */
    int state;                /* the case's state when it was appended (before it moved) */
} m_event;

enum { M_STEP_NONE, M_STEP_KNOWN, M_STEP_UNKNOWN };

/* M_EITHER: a stagnation detected at the instant its case escalates; the
 * rules do not order the two, so the managers may or may not hear of it. */
enum { M_NO, M_YES, M_EITHER };

typedef struct m_case {
    int route;                /* MR_*: set before the first event */
    int state;
    int relapses;             /* phase.relapsed so far (MDA++) */
    int level;                /* the open escalation's level, 0: none */
    int ladder;               /* the level the ladder last reached while the case is stuck, 0: none */
    /* The ladder's stuck step: the stagnation whose escalation the ladder
     * remembers (the engine's ladder_norm/item), kept until that step is
     * met: M_STEP_NONE, M_STEP_KNOWN (step_norm, step_item), or
     * M_STEP_UNKNOWN when several stagnations matured at once (which one
     * the escalation names is no rule, so no decision re-dates it here). */
    int step;
    int step_norm;
    char step_item[M_ITEM];
    bool assigned;            /* has a procesregisseur */
    m_deadline *dl;
    int ndl, capdl;
    m_event *ev;              /* every event of the case, in log order */
    int nev, capev;
} m_case;

/* What a user event carries that the norms need. */
typedef struct m_args {
    const char *item;         /* info.requested/provided: the request; action.completed: the action */
    int64_t due;              /* info.requested, intake.info_requested: end of the given date; 0: none */
    int level;                /* case.escalated */
    int64_t new_due;          /* escalation.resolved: the end of its new_due date for the stuck step; 0: none */
    int nactions;             /* plan.agreed: the plan's open actions with their due ends */
    const char *const *action_ids;
    const int64_t *action_dues;
} m_args;

void m_case_init(m_case *c);
void m_case_free(m_case *c);
/* A user event appended at `at` (the clock's time; the model must have been
 * advanced to it): its own event, the clearings it causes, its norms. */
void m_apply(m_case *c, const char *type, int64_t at, const m_args *a);
/* Move the case's time to `to`: every deadline and escalation that falls
 * due at or before it fires, in time order. */
void m_advance(m_case *c, int64_t to);
/* The next instant something fires by itself; M_NONE if nothing will. */
int64_t m_next_timer(const m_case *c);
const m_deadline *m_find(const m_case *c, int norm, const char *item);
/* The stuck step a decision's new_due may re-date: an action or an
 * information request the ladder knows, still open; NULL if none. */
const m_deadline *m_redatable_step(const m_case *c);
/* The amount of a norm counted from its event (working days, days or
 * months) on a route: the defaults of DOMAIN.md, and the region's own for
 * its MDA++ and Levensloop cases (M_REGION_CONFIG, the file the run gives
 * the engine). */
int m_amount(int route, int norm);
#define M_REGION_CONFIG \
    "# the model's region: its own norms for two routes (no national norm exists for them)\n" \
    "mda.norm.review = 28\n" \
    "mda.norm.progress = 15\n" \
    "levensloop.norm.meeting.held = 15\n" \
    "levensloop.norm.review = 56\n"

#endif
