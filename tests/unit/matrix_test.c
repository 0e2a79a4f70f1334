/*
 * matrix_test.c - the procesregie state machine and the role permissions,
 * exhaustively:
 *
 *  1. every case state x every case operation, on every route (default,
 *     re-entry, mda, levensloop; each route's own states: MDA++ has its
 *     phases direct_safety, stable_safety, recovery and monitoring instead
 *     of execution): a fresh case
 *     is driven into the state, then the operation is tried by an actor who
 *     may take it.  Where DOMAIN.md does not allow the step in that state the
 *     reply must be invalid_transition naming the state (CONTRACT.md, error
 *     codes); where it does, anything but invalid_transition (a guard or a
 *     field may still fail); and a step that succeeds must leave the case in
 *     the state DOMAIN.md's life-cycle table names.
 *  2. every operation x every role (the case's procesregisseur, another
 *     procesregisseur, a partner of a participating org that the step
 *     concerns, a partner of a participating org it does not concern, a
 *     partner of an org outside the case, a manager, an admin): forbidden
 *     where DOMAIN.md's role table does not give the step to the role,
 *     anything but forbidden where it does; and not_found where the role
 *     may take such a step but may not see the case at all (CONTRACT.md,
 *     "Regions, visibility and what an outsider learns": a case the caller
 *     may not see answers exactly as one that does not exist).
 *
 *  3. around them: taking an unassigned case, not_found for an unknown case,
 *     admins and case content in every state, and the escalation overlay
 *     once a case has left the open states (by hand, and on the manual clock
 *     when the engine escalates by itself); the Levensloopaanpak's intake
 *     fields (the inclusion table names the provider, who joins, and the
 *     municipal casusregisseur; CONTRACT.md, "Routes").
 *
 * The expected sets below are written from DOMAIN.md and CONTRACT.md, on
 * purpose NOT taken from schemas/machine.c, schemas/phases.c or schemas/ops.c, so that a wrong
 * row in the engine's tables makes this test fail.  Each failing pair prints
 * one line; each RUN prints PASS/FAIL.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "steps.h"

static int seqno;

/* ---- the model, from DOMAIN.md ---- */

enum { ST_REPORTED, ST_INTAKE, ST_REFERRED, ST_ANALYSIS, ST_MEETING, ST_PLANNING, ST_EXECUTION,
       ST_CLOSED, ST_ARCHIVED,
       /* MDA++'s phases after its plan (DOMAIN.md, "Other routes"; CONTRACT.md, "Routes") */
       ST_DIRECT_SAFETY, ST_STABLE_SAFETY, ST_RECOVERY, ST_MONITORING, NSTATES };
static const char *const state_name[NSTATES] = {
    "reported", "intake", "referred", "analysis", "meeting", "planning", "execution", "closed",
    "archived", "direct_safety", "stable_safety", "recovery", "monitoring",
};

enum { RT_DEFAULT, RT_REENTRY, RT_MDA, RT_LEVENSLOOP, NROUTES };
static const char *const route_name[NROUTES] = {"default", "re-entry", "mda", "levensloop"};

/* The roles of the matrix (DOMAIN.md, "Roles"; need to know). */
enum {
    PR,      /* the case's own procesregisseur (prA) */
    PRX,     /* another procesregisseur (prB): not their case */
    PIN,     /* partner of a participating org the step concerns: police reported the
              * case, was asked for information (R1) and owns the plan's action a1 */
    PBY,     /* partner of a participating org the step does not concern: ggz joined */
    POUT,    /* partner of an org that takes no part in the case (gemeente-tilburg) */
    MGR,     /* manager */
    ADM,     /* admin */
    NROLES
};
static const char *const role_label[NROLES] = {
    "procesregisseur(own)", "procesregisseur(other)", "partner(participating)",
    "partner(participating,not concerned)", "partner(not participating)", "manager", "admin",
};
static const char *const role_id[NROLES] = {"prA", "prB", "pol1", "ggz1", "gem1", "mgr1", "admin"};
static char tok[NROLES][128];

#define S(x) (1u << ST_##x)
/* The life cycle table of DOMAIN.md, "leaves by": */
#define OPEN (S(REPORTED) | S(INTAKE) | S(ANALYSIS) | S(MEETING) | S(PLANNING) | S(EXECUTION))
#define WORKING (S(ANALYSIS) | S(MEETING) | S(PLANNING) | S(EXECUTION))
#define ANY_STATE ((1u << NSTATES) - 1)
/* MDA++ (CONTRACT.md, "Routes"): after plan.agreed the case enters
 * direct_safety and moves on with phase.advance through stable_safety,
 * recovery and monitoring; phase.relapse from any later phase returns it to
 * direct_safety; "actions, reviews, plan revisions and escalations work in
 * every phase"; case.close from monitoring.  It has no state execution. */
#define PHASES (S(DIRECT_SAFETY) | S(STABLE_SAFETY) | S(RECOVERY) | S(MONITORING))
#define M_OPEN (S(REPORTED) | S(INTAKE) | S(ANALYSIS) | S(MEETING) | S(PLANNING) | PHASES)
#define M_WORKING (S(ANALYSIS) | S(MEETING) | S(PLANNING) | PHASES)
/* The states a case of each route can be in. */
#define BASE_STATES (S(REPORTED) | S(INTAKE) | S(REFERRED) | S(ANALYSIS) | S(MEETING) | S(PLANNING) | \
                     S(EXECUTION) | S(CLOSED) | S(ARCHIVED))
static const unsigned route_states[NROUTES] = {
    [RT_DEFAULT] = BASE_STATES, [RT_REENTRY] = BASE_STATES,
    [RT_MDA] = (BASE_STATES & ~S(EXECUTION)) | PHASES, [RT_LEVENSLOOP] = BASE_STATES,
};
#define KEEP (-1)
#define NONE (-1)

enum { PREP_NONE, PREP_ESCALATE, PREP_VICTIM };

typedef struct opd {
    const char *name;
    bool on_case;        /* needs `case` */
    int sender;          /* who takes it in the state matrix */
    unsigned states;     /* where DOMAIN.md allows it (on_case only): routes default, re-entry
                          * and levensloop (CONTRACT.md, "Routes": the same operations;
                          * the Levensloopaanpak differs in its intake fields) */
    int to;              /* the state it leads to when it succeeds (KEEP: none); on route mda
                          * see target() */
    int home;            /* a state in which it is allowed, for the role matrix */
    int prep;
    /* per role, in the order of the enum: Y may, N forbidden, H not_found
     * (the role may take such steps, but the case is not visible to it: a
     * procesregisseur it is not assigned to, a partner whose org takes no
     * part), ? not said by DOMAIN.md or CONTRACT.md (ok or forbidden both
     * accepted) */
    const char *roles;
    unsigned mda;        /* where CONTRACT.md's "Routes" allows it on route mda */
    int home_route;      /* the route of the role matrix's case */
} opd;

static const opd ops[] = {
    /* DOMAIN: a manager "assign[s] cases to procesregisseurs"; a procesregisseur
     * may "take an unassigned case (assign it to themselves)" - prA's case is
     * not unassigned for prB (the unassigned case: test_take_unassigned).  The
     * states: a case is (re)assigned while work on it is open, and while
     * closed, for its aftercare check ("aftercare check 3 months after
     * closure" needs someone to do it if its procesregisseur left). */
    {"case.assign",        true,  MGR, OPEN | S(CLOSED),        KEEP,         ST_REPORTED,  PREP_NONE,
     "YHNNNYN", M_OPEN | S(CLOSED), RT_DEFAULT},
    /* reported leaves by intake.start; intake by intake.decide: admit ->
     * analysis, reject -> referred (terminal). */
    {"intake.start",       true,  PR,  S(REPORTED),             ST_INTAKE,    ST_REPORTED,  PREP_NONE,
     "YHNNNNN", S(REPORTED), RT_DEFAULT},
    {"intake.decide",      true,  PR,  S(INTAKE),               ST_ANALYSIS,  ST_INTAKE,    PREP_NONE,
     "YHNNNNN", S(INTAKE), RT_DEFAULT},
    /* CONTRACT.md: intake.more_info, in state intake, by the case's
     * procesregisseur; the case stays in intake */
    {"intake.more_info",   true,  PR,  S(INTAKE),               KEEP,         ST_INTAKE,    PREP_NONE,
     "YHNNNNN", S(INTAKE), RT_DEFAULT},
    /* analysis: "partners join the case and are asked for information"; the
     * information work goes on until the case closes. */
    {"partner.join",       true,  PR,  WORKING,                 KEEP,         ST_ANALYSIS,  PREP_NONE,
     "YHNNNNN", M_WORKING, RT_DEFAULT},
    {"info.request",       true,  PR,  WORKING,                 KEEP,         ST_ANALYSIS,  PREP_NONE,
     "YHNNNNN", M_WORKING, RT_DEFAULT},
    /* partner: "provide information" - the org that was asked (R1 to police) */
    {"info.provide",       true,  PIN, WORKING,                 KEEP,         ST_ANALYSIS,  PREP_NONE,
     "NNYNHNN", M_WORKING, RT_DEFAULT},
    /* analysis leaves by meeting.schedule; meeting by meeting.hold -> planning.
     * CONTRACT.md (issue 21): `kind: evaluation`, further meetings once the
     * plan is in force (execution, the MDA++ phases); the matrix sends the
     * case meeting's fields, which a guard refuses there (ladder_test takes
     * evaluation meetings through) */
    {"meeting.schedule",   true,  PR,  S(ANALYSIS) | S(EXECUTION), ST_MEETING, ST_ANALYSIS,  PREP_NONE,
     "YHNNNNN", S(ANALYSIS) | PHASES, RT_DEFAULT},
    {"meeting.hold",       true,  PR,  S(MEETING) | S(EXECUTION), ST_PLANNING, ST_MEETING,   PREP_NONE,
     "YHNNNNN", S(MEETING) | PHASES, RT_DEFAULT},
    /* CONTRACT.md (issue 21): meeting.reschedule moves the scheduled case
     * meeting, by the procesregisseur; the case stays in meeting */
    {"meeting.reschedule", true,  PR,  S(MEETING) | S(EXECUTION), KEEP,       ST_MEETING,   PREP_NONE,
     "YHNNNNN", S(MEETING) | PHASES, RT_DEFAULT},
    /* planning: actions are proposed; execution: "the plan may be revised
     * -- the agreed plan stays in force until the revision is agreed"
     * (DOMAIN.md; issue 21): the case stays in execution (target()) */
    {"plan.propose",       true,  PR,  S(PLANNING) | S(EXECUTION), ST_PLANNING, ST_PLANNING, PREP_NONE,
     "YHNNNNN", S(PLANNING) | PHASES, RT_DEFAULT},
    /* partner: "agree the plan"; "every org that owns an action must agree";
     * the last agreement -> execution (police owns the only action).  MDA++:
     * the first agreed plan -> direct_safety; a revision proposed in a phase
     * is agreed in it and the case stays there (target(); the state matrix
     * proposes one first in each phase); likewise a revision in execution */
    {"plan.agree",         true,  PIN, S(PLANNING) | S(EXECUTION),             ST_EXECUTION, ST_PLANNING,  PREP_NONE,
     "NNYNHNN", S(PLANNING) | PHASES, RT_DEFAULT},
    /* partner: "complete the actions their org owns"; execution only */
    {"action.complete",    true,  PIN, S(EXECUTION),            KEEP,         ST_EXECUTION, PREP_NONE,
     "NNYNHNN", PHASES, RT_DEFAULT},
    /* "the procesregisseur holds periodic reviews" in execution */
    {"review.hold",        true,  PR,  S(EXECUTION),            KEEP,         ST_EXECUTION, PREP_NONE,
     "YHNNNNN", PHASES, RT_DEFAULT},
    /* escalation is an overlay: "the case keeps its state and its work goes
     * on"; by the procesregisseur; resolved by a manager */
    {"case.escalate",      true,  PR,  OPEN,                    KEEP,         ST_ANALYSIS,  PREP_NONE,
     "YHNNNNN", M_OPEN, RT_DEFAULT},
    /* ... and "each level must decide": also on a closed case, whose
     * aftercare stagnation escalates (test_ended_cases_and_the_clock) */
    {"escalation.resolve", true,  MGR, OPEN | S(CLOSED),        KEEP,         ST_ANALYSIS,  PREP_ESCALATE,
     "NNNNNYN", M_OPEN | S(CLOSED), RT_DEFAULT},
    /* execution leaves by case.close -> closed; closed by aftercare.check ->
     * archived or case.reopen -> analysis; archived and referred: nothing */
    {"case.close",         true,  PR,  S(EXECUTION),            ST_CLOSED,    ST_EXECUTION, PREP_NONE,
     "YHNNNNN", S(MONITORING), RT_DEFAULT},
    {"aftercare.check",    true,  PR,  S(CLOSED),               ST_ARCHIVED,  ST_CLOSED,    PREP_NONE,
     "YHNNNNN", S(CLOSED), RT_DEFAULT},
    {"case.reopen",        true,  PR,  S(CLOSED),               ST_ANALYSIS,  ST_CLOSED,    PREP_NONE,
     "YHNNNNN", S(CLOSED), RT_DEFAULT},
    /* An early ending (DOMAIN.md, "Early endings"; issue 21): "in any open
     * state" of every route, by the case's procesregisseur; the case goes to
     * archived */
    {"case.end",           true,  PR,  OPEN,                    ST_ARCHIVED,  ST_ANALYSIS,  PREP_NONE,
     "YHNNNNN", M_OPEN, RT_DEFAULT},
    /* MDA++ (CONTRACT.md, "Routes"): phase.advance moves on to the next
     * phase, phase.relapse returns to direct_safety "from any later phase";
     * neither exists on the other routes.  Every step of the case is its
     * procesregisseur's (DOMAIN.md, "Roles"). */
    {"phase.advance",      true,  PR,  0,                       KEEP,         ST_STABLE_SAFETY, PREP_NONE,
     "YHNNNNN", S(DIRECT_SAFETY) | S(STABLE_SAFETY) | S(RECOVERY), RT_MDA},
    {"phase.relapse",      true,  PR,  0,                       KEEP,         ST_STABLE_SAFETY, PREP_NONE,
     "YHNNNNN", S(STABLE_SAFETY) | S(RECOVERY) | S(MONITORING), RT_MDA},
    /* reads: "read everything in their cases" (procesregisseur), "read only
     * cases their org takes part in" (partner), "all cases of their ZVH"
     * (manager), "no case content" (admin); in every state */
    {"case.get",           true,  MGR, ANY_STATE,               KEEP,         ST_ANALYSIS,  PREP_NONE,
     "YHYYHYN", ANY_STATE, RT_DEFAULT},
    {"case.history",       true,  MGR, ANY_STATE,               KEEP,         ST_ANALYSIS,  PREP_NONE,
     "YHYYHYN", ANY_STATE, RT_DEFAULT},
    /* partner: "report a case" (any partner org) */
    {"case.report",        false, PIN, 0,                       KEEP,         NONE,         PREP_NONE,
     "NNYYYNN", 0, RT_DEFAULT},
    /* lists and the feed are case content, filtered per reader; not for admins */
    {"cases.list",         false, MGR, 0,                       KEEP,         NONE,         PREP_NONE,
     "YYYYYYN", 0, RT_DEFAULT},
    {"feed.read",          false, MGR, 0,                       KEEP,         NONE,         PREP_NONE,
     "YYYYYYN", 0, RT_DEFAULT},
    /* aggregate figures: managers (DOMAIN: "Managers ... read throughput
     * figures"); for the others neither document says */
    {"stats",              false, MGR, 0,                       KEEP,         NONE,         PREP_NONE,
     "?????Y?", 0, RT_DEFAULT},
    /* admin: "create and revoke actors, read the audit trail"; "an audit trail
     * that only admins read"; log.verify and clock.advance are Admin ops */
    {"audit.read",         false, ADM, 0,                       KEEP,         NONE,         PREP_NONE,
     "NNNNNNY", 0, RT_DEFAULT},
    {"log.verify",         false, ADM, 0,                       KEEP,         NONE,         PREP_NONE,
     "NNNNNNY", 0, RT_DEFAULT},
    {"clock.advance",      false, ADM, 0,                       KEEP,         NONE,         PREP_NONE,
     "NNNNNNY", 0, RT_DEFAULT},
    {"actor.create",       false, ADM, 0,                       KEEP,         NONE,         PREP_NONE,
     "NNNNNNY", 0, RT_DEFAULT},
    {"actor.revoke",       false, ADM, 0,                       KEEP,         NONE,         PREP_VICTIM,
     "NNNNNNY", 0, RT_DEFAULT},
};
#define NOPS (int)(sizeof ops / sizeof ops[0])

static const opd *op_named(const char *name)
{
    for (int i = 0; i < NOPS; i++)
        if (strcmp(ops[i].name, name) == 0) return &ops[i];
    return NULL;
}

static unsigned allowed_in(const opd *o, int route) { return route == RT_MDA ? o->mda : o->states; }

/* The state a step that succeeded in st leaves a case of route in. */
static int target(const opd *o, int route, int st)
{
    /* A revision in execution keeps the case there (issue 21). */
    if (st == ST_EXECUTION && (!strcmp(o->name, "plan.propose") || !strcmp(o->name, "plan.agree")))
        return st;
    if (route != RT_MDA || !o->on_case) return o->to == KEEP ? st : o->to;
    bool phase = (PHASES >> st) & 1;
    /* "plan revisions work in every phase": proposed and agreed in a phase,
     * the case stays in it; the first agreed plan starts direct_safety. */
    if (!strcmp(o->name, "plan.propose") || !strcmp(o->name, "plan.agree"))
        return phase ? st : !strcmp(o->name, "plan.agree") ? ST_DIRECT_SAFETY : ST_PLANNING;
    if (!strcmp(o->name, "phase.advance"))
        return st == ST_DIRECT_SAFETY ? ST_STABLE_SAFETY : st == ST_STABLE_SAFETY ? ST_RECOVERY : ST_MONITORING;
    if (!strcmp(o->name, "phase.relapse")) return ST_DIRECT_SAFETY;
    return o->to == KEEP ? st : o->to;
}

/* ---- requests ---- */

#define SUBJECT "Matrix Testpersoon"
#define RELEASE "2026-06-01"
#define MEETING_AT "2026-01-10T10:00:00+01:00"
#define PROVIDER "levensloopaanbieder"

static void w_strs(rg_buf *b, const char *key, const char *one)
{
    rg_w_cstr(b, key);
    rg_w_array(b, 1);
    rg_w_cstr(b, one);
}

static void build_report(const char *token, int route)
{
    rg_buf *b = req(token, "case.report", NULL, route == RT_REENTRY ? 7 : route == RT_DEFAULT ? 5 : 6);
    rg_w_kstr(b, "target_group", route == RT_MDA ? "huiselijk_geweld" : "verward_gedrag");
    rg_w_kstr(b, "summary", "repeated incidents in the neighbourhood");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    if (route == RT_REENTRY) {
        rg_w_kstr(b, "route", "re-entry");
        rg_w_kstr(b, "release_date", RELEASE);
    } else if (route != RT_DEFAULT) {
        rg_w_kstr(b, "route", route_name[route]);
    }
    rg_w_cstr(b, "subject");
    rg_w_map(b, 2);
    rg_w_kstr(b, "name", SUBJECT);
    rg_w_kstr(b, "birth_date", "1990-01-01");
}

static int victims;

/* The route of every case this test reported, by id (build() needs it for
 * the levensloop intake). */
static struct { char id[32]; int route; } reported[4096];
static int nreported;

static int route_of(const char *case_id)
{
    for (int i = 0; case_id && i < nreported; i++)
        if (!strcmp(reported[i].id, case_id)) return reported[i].route;
    return RT_DEFAULT;
}

static void remember(const char *case_id, int route)
{
    if (nreported == (int)(sizeof reported / sizeof reported[0])) return;
    snprintf(reported[nreported].id, sizeof reported[nreported].id, "%s", case_id);
    reported[nreported++].route = route;
}

/* Put the request for op, by role, on case_id (NULL for ops on no case),
 * with valid data, into B.  A levensloop admission names the
 * Levensloopaanbieder and the municipal casusregisseur (CONTRACT.md,
 * "Routes"): a provider org of its own, and gemeente-tilburg. */
static void build(const opd *o, int role, const char *case_id)
{
    const char *t = tok[role];
    const char *n = o->name;
    rg_buf *b;
    if (!strcmp(n, "case.report")) {
        build_report(t, RT_DEFAULT);
    } else if (!strcmp(n, "case.assign")) {
        /* a procesregisseur takes a case for themselves; a manager gives it to prB */
        rg_w_kstr(req(t, n, case_id, 1), "procesregisseur",
                  role == PR || role == PRX ? role_id[role] : "prB");
    } else if (!strcmp(n, "intake.start") || !strcmp(n, "plan.agree")) {
        req(t, n, case_id, -1);
    } else if (!strcmp(n, "intake.decide")) {
        bool levensloop = route_of(case_id) == RT_LEVENSLOOP;
        b = req(t, n, case_id, levensloop ? 5 : 3);
        rg_w_kbool(b, "admit", true);
        rg_w_kstr(b, "reason", "problems on several life domains");
        rg_t_w_criteria(b, "multi_domain,multi_chain");
        if (levensloop) {
            rg_w_kstr(b, "provider", PROVIDER);
            rg_w_kstr(b, "casusregisseur", "gemeente-tilburg");
        }
    } else if (!strcmp(n, "intake.more_info")) {
        b = req(t, n, case_id, 2);
        rg_w_kstr(b, "question", "since when do the incidents happen?");
        rg_w_kstr(b, "due", "2025-12-12");
    } else if (!strcmp(n, "partner.join")) {
        rg_w_kstr(req(t, n, case_id, 1), "org", "woningcorporatie");
    } else if (!strcmp(n, "info.request")) {
        b = req(t, n, case_id, 3);
        rg_w_kstr(b, "org", "reclassering");
        rg_w_kstr(b, "question", "is there a probation order?");
        rg_w_kstr(b, "due", "2026-01-20");
    } else if (!strcmp(n, "info.provide")) {
        b = req(t, n, case_id, 2);
        rg_w_kstr(b, "request", "R1");
        rg_w_kstr(b, "answer", "three incidents since October");
    } else if (!strcmp(n, "meeting.schedule")) {
        b = req(t, n, case_id, 2);
        rg_w_kstr(b, "at", MEETING_AT);
        w_strs(b, "orgs", "reclassering");
    } else if (!strcmp(n, "meeting.reschedule")) {
        rg_w_kstr(req(t, n, case_id, 1), "at", "2026-01-12T10:00:00+01:00");
    } else if (!strcmp(n, "meeting.hold")) {
        b = req(t, n, case_id, 2);
        w_strs(b, "attendees", "police");
        rg_w_kstr(b, "conclusions", "a joint approach is needed");
    } else if (!strcmp(n, "plan.propose")) {
        b = req(t, n, case_id, 2);
        rg_w_kstr(b, "goals", "stable housing");
        rg_w_cstr(b, "actions");
        rg_w_array(b, 1);
        rg_t_w_action(b, "a1", "police", "area officer visits weekly", "2026-02-01");
    } else if (!strcmp(n, "action.complete")) {
        b = req(t, n, case_id, 2);
        rg_w_kstr(b, "action", "a1");
        rg_w_kstr(b, "result", "visits made");
    } else if (!strcmp(n, "review.hold")) {
        rg_w_kstr(req(t, n, case_id, 1), "notes", "on track");
    } else if (!strcmp(n, "case.escalate")) {
        b = req(t, n, case_id, 2);
        rg_w_kuint(b, "level", 1);
        rg_w_kstr(b, "reason", "housing stalls");
    } else if (!strcmp(n, "escalation.resolve")) {
        rg_w_kstr(req(t, n, case_id, 1), "decision", "priority housing granted");
    } else if (!strcmp(n, "case.close")) {
        b = req(t, n, case_id, 2);
        rg_w_kstr(b, "reason", "handed over to the local team");
        w_strs(b, "handover", "a1");
    } else if (!strcmp(n, "aftercare.check")) {
        rg_w_kstr(req(t, n, case_id, 1), "outcome", "stable");
    } else if (!strcmp(n, "case.reopen")) {
        rg_w_kstr(req(t, n, case_id, 1), "reason", "relapse");
    } else if (!strcmp(n, "case.end")) {
        b = req(t, n, case_id, 2);
        rg_w_kstr(b, "reason", "moved");
        rg_w_kstr(b, "to_region", "zvh-utrecht");
    } else if (!strcmp(n, "phase.advance") || !strcmp(n, "phase.relapse")) {
        rg_w_kstr(req(t, n, case_id, 1), "reason", "assessed with the family and the local team");
    } else if (!strcmp(n, "case.get") || !strcmp(n, "case.history") || !strcmp(n, "stats") ||
               !strcmp(n, "log.verify")) {
        rg_buf_reset(&B);
        rg_req_envelope(&B, n, t, NULL, case_id, -1, -1);
    } else if (!strcmp(n, "cases.list")) {
        rg_buf_reset(&B);
        rg_req_envelope(&B, n, t, NULL, NULL, -1, 1);
        rg_w_kuint(&B, "limit", 5);
    } else if (!strcmp(n, "feed.read") || !strcmp(n, "audit.read")) {
        rg_buf_reset(&B);
        rg_req_envelope(&B, n, t, NULL, NULL, -1, 2);
        rg_w_kuint(&B, "after", 0);
        rg_w_kuint(&B, "limit", 5);
    } else if (!strcmp(n, "clock.advance")) {
        rg_t_req(&B, t, n, NULL, 1);
        rg_w_kuint(&B, "ms", 1);
    } else if (!strcmp(n, "actor.create")) {
        char id[32];
        snprintf(id, sizeof id, "new%d", ++victims);
        rg_buf_reset(&B);
        char rq[32];
        snprintf(rq, sizeof rq, "m%d", ++seqno);
        rg_t_actor_req(&B, t, rq, id, "partner", "police");
    } else if (!strcmp(n, "actor.revoke")) {
        char id[32];
        snprintf(id, sizeof id, "victim%d", victims);   /* made by prep */
        rg_w_kstr(req(t, n, NULL, 1), "id", id);
    } else {
        printf("  no request for %s\n", n);
        abort();
    }
}

/* ---- cases in a given state ---- */

static char pool[NROUTES][NSTATES][32];

#define STEP(call) do { call; const char *e_ = send_req(); if (e_[0]) { \
    printf("  driving %s case to %s: %s failed: %s: %s\n", route_name[route], state_name[st], \
           #call, e_, rg_t_str(&R, "message")); return -1; } } while (0)

static int state_of(const char *case_id, char *out, size_t cap)
{
    if (query(tok[MGR], "case.get", case_id)[0]) return -1;
    if (!rg_val_strcpy(rg_map_get(rg_t_get(&R, "case"), "state"), out, cap)) return -1;
    return 0;
}

/* A fresh case of route in state st, by the steps of DOMAIN.md: reported by
 * police, assigned to prA, admitted, ggz joined, information asked of police
 * (R1), meeting with reclassering, plan with one police action a1 due
 * 2026-02-01, agreed by police, closed with a1 handed over, aftercare done.
 * MDA++ between the plan and closing: direct_safety, then phase.advance to
 * each later phase (CONTRACT.md, "Routes"). */
static int drive(int route, int st, char *out)
{
    char id[32];
    build_report(tok[PIN], route);
    if (send_req()[0]) {
        printf("  case.report failed: %s: %s\n", rg_t_err(&R), rg_t_str(&R, "message"));
        return -1;
    }
    snprintf(id, sizeof id, "%s", rg_t_str(&R, "case"));
    remember(id, route);
    STEP(rg_w_kstr(req(tok[MGR], "case.assign", id, 1), "procesregisseur", "prA"));
    if (st == ST_REPORTED) goto done;
    STEP(req(tok[PR], "intake.start", id, -1));
    if (st == ST_INTAKE) goto done;
    if (st == ST_REFERRED) {
        rg_buf *b = req(tok[PR], "intake.decide", id, 3);
        rg_w_kbool(b, "admit", false);
        rg_w_kstr(b, "reason", "one life domain only");
        rg_w_kstr(b, "referred_to", "wijkteam");
        STEP((void)0);
        goto done;
    }
    STEP(build(op_named("intake.decide"), PR, id));
    STEP(rg_w_kstr(req(tok[PR], "partner.join", id, 1), "org", "ggz"));
    {
        rg_buf *b = req(tok[PR], "info.request", id, 3);
        rg_w_kstr(b, "org", "police");
        rg_w_kstr(b, "question", "incidents in the last year?");
        rg_w_kstr(b, "due", "2026-01-15");
        STEP((void)0);
    }
    if (st == ST_ANALYSIS) goto done;
    STEP(build(op_named("meeting.schedule"), PR, id));
    if (st == ST_MEETING) goto done;
    STEP(build(op_named("meeting.hold"), PR, id));
    STEP(build(op_named("plan.propose"), PR, id));
    if (st == ST_PLANNING) goto done;
    STEP(build(op_named("plan.agree"), PIN, id));
    if (st == ST_EXECUTION) goto done;
    /* MDA++: the agreed plan starts direct_safety; closed from monitoring. */
    for (int ph = ST_DIRECT_SAFETY; route == RT_MDA && ph <= ST_MONITORING; ph++) {
        if (st == ph) goto done;
        if (ph < ST_MONITORING) STEP(build(op_named("phase.advance"), PR, id));
    }
    STEP(build(op_named("case.close"), PR, id));
    if (st == ST_CLOSED) goto done;
    STEP(build(op_named("aftercare.check"), PR, id));
done:;
    char got[32] = "?";
    if (state_of(id, got, sizeof got) < 0 || strcmp(got, state_name[st]) != 0) {
        printf("  driving a %s case to %s by DOMAIN.md's steps ended in %s\n", route_name[route],
               state_name[st], got);
        return -1;
    }
    snprintf(out, 32, "%s", id);
    return 0;
}

/* A case in that state; the same one until something is written to it. */
static const char *get_case(int route, int st)
{
    if (!pool[route][st][0] && drive(route, st, pool[route][st]) < 0) {
        pool[route][st][0] = 0;
        return NULL;
    }
    return pool[route][st];
}

static void used(int route, int st) { pool[route][st][0] = 0; }

/* Does msg name state, outside the operation's own name ("meeting.hold")? */
static bool names_state(const char *msg, const char *op, const char *state)
{
    char m[4096];
    snprintf(m, sizeof m, "%s", msg);
    size_t ol = strlen(op);
    for (char *p = strstr(m, op); p; p = strstr(p + ol, op)) memset(p, '#', ol);
    return strstr(m, state) != NULL;
}

/* ---- setup ---- */

static void actor(const char *id, const char *role, const char *org, char *out)
{
    rg_t_local_actor(&L, id, role, org, out);
}

/* The engine of the matrices runs with an aftercare norm of 0 months: the
 * aftercare check is refused before its date (3 months after closing by
 * default), and a case is driven to archived without moving the clock, which
 * would move for every case in the pool.  The refusal itself, and the default
 * norm, are tested on a fresh engine in test_ended_cases_and_the_clock. */
static char *aftercare_now;

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    actor("prA", "procesregisseur", "zvh", tok[PR]);
    actor("prB", "procesregisseur", "zvh", tok[PRX]);
    actor("pol1", "partner", "police", tok[PIN]);
    actor("ggz1", "partner", "ggz", tok[PBY]);
    actor("gem1", "partner", "gemeente-tilburg", tok[POUT]);
    actor("mgr1", "manager", "zvh", tok[MGR]);
    snprintf(tok[ADM], sizeof tok[ADM], "%s", L.admin);
    for (int r = 0; r < NROLES; r++) REQUIRE(tok[r][0]);
}

/* ---- 1. every state x every case operation ---- */

static int state_pairs, state_fails, state_allowed_ok, state_allowed_refused;

static void state_matrix(int route)
{
    for (int i = 0; i < NOPS; i++) {
        const opd *o = &ops[i];
        if (!o->on_case) continue;
        for (int st = 0; st < NSTATES; st++) {
            if (!((route_states[route] >> st) & 1)) continue;     /* no such state on the route */
            const char *cid = get_case(route, st);
            REQUIRE(cid);
            char id[32];
            snprintf(id, sizeof id, "%s", cid);
            if (o->prep == PREP_ESCALATE) {
                /* something to resolve, where an escalation can be opened */
                build(op_named("case.escalate"), PR, id);
                if (send_req()[0] == 0) used(route, st);
            }
            if (!strcmp(o->name, "plan.agree") && (((PHASES | S(EXECUTION)) >> st) & 1)) {
                /* a revision to agree to, proposed in the phase or in execution */
                build(op_named("plan.propose"), PR, id);
                if (send_req()[0] == 0) used(route, st);
            }
            build(o, o->sender, id);
            const char *e = send_req();
            char err[64], msg[512];
            snprintf(err, sizeof err, "%s", e);
            snprintf(msg, sizeof msg, "%s", rg_t_str(&R, "message"));
            bool allowed = allowed_in(o, route) & (1u << st);
            bool bad = false;
            state_pairs++;
            /* A partner's need-to-know ends with the work: an archived case
             * is not_found for it, as one that does not exist (CONTRACT.md). */
            bool gone = st == ST_ARCHIVED && (o->sender == PIN || o->sender == PBY || o->sender == POUT);
            if (gone) {
                if (strcmp(err, "not_found") != 0) {
                    printf("  FAIL %-8s %-18s in %-9s: a partner expected not_found, got %s%s%s\n",
                           route_name[route], o->name, state_name[st], err[0] ? err : "ok",
                           msg[0] ? ": " : "", msg);
                    bad = true;
                }
            } else if (!allowed) {
                if (strcmp(err, "invalid_transition") != 0) {
                    printf("  FAIL %-8s %-18s in %-9s: expected invalid_transition, got %s%s%s\n",
                           route_name[route], o->name, state_name[st], err[0] ? err : "ok",
                           msg[0] ? ": " : "", msg);
                    bad = true;
                } else if (!names_state(msg, o->name, state_name[st])) {
                    printf("  FAIL %-8s %-18s in %-9s: invalid_transition does not name the state: %s\n",
                           route_name[route], o->name, state_name[st], msg);
                    bad = true;
                }
            } else if (!strcmp(err, "invalid_transition") || !strcmp(err, "forbidden") ||
                       !strcmp(err, "not_found") || !strcmp(err, "unauthorized") ||
                       !strcmp(err, "unknown_op") || !strcmp(err, "no-reply")) {
                printf("  FAIL %-8s %-18s in %-9s: allowed there, got %s: %s\n", route_name[route],
                       o->name, state_name[st], err, msg);
                bad = true;
            } else if (err[0]) {
                state_allowed_refused++;        /* a guard or a field, not the state */
                printf("  note: %-8s %-18s in %-9s: allowed, refused by %s: %s\n", route_name[route],
                       o->name, state_name[st], err, msg);
            } else if (state_allowed_ok++, rg_t_get(&R, "events") || target(o, route, st) != st) {
                /* It wrote: the case is in the state DOMAIN.md names. */
                used(route, st);
                int want = target(o, route, st);
                char got[32] = "?";
                if (state_of(id, got, sizeof got) < 0 || strcmp(got, state_name[want]) != 0) {
                    printf("  FAIL %-8s %-18s in %-9s: succeeded, case now in %s, expected %s\n",
                           route_name[route], o->name, state_name[st], got, state_name[want]);
                    bad = true;
                }
            }
            if (bad) {
                state_fails++;
                rg_t_failed = 1;
            }
        }
    }
}

static void test_state_matrix_default(void) { state_matrix(RT_DEFAULT); }
static void test_state_matrix_reentry(void) { state_matrix(RT_REENTRY); }
static void test_state_matrix_mda(void) { state_matrix(RT_MDA); }
static void test_state_matrix_levensloop(void) { state_matrix(RT_LEVENSLOOP); }

/* ---- 2. every operation x every role ---- */

static int role_pairs, role_fails, role_allowed_ok, role_allowed_refused;

static void test_role_matrix(void)
{
    for (int i = 0; i < NOPS; i++) {
        const opd *o = &ops[i];
        char unspecified[512] = "";
        for (int role = 0; role < NROLES; role++) {
            char id[32] = "";
            if (o->on_case) {
                const char *cid = get_case(o->home_route, o->home);
                REQUIRE(cid);
                snprintf(id, sizeof id, "%s", cid);
            }
            if (o->prep == PREP_ESCALATE) {
                build(op_named("case.escalate"), PR, id);
                used(o->home_route, o->home);
                REQUIRE(send_req()[0] == 0);
            } else if (o->prep == PREP_VICTIM) {
                char vid[32];
                snprintf(vid, sizeof vid, "victim%d", ++victims);
                rg_buf_reset(&B);
                char rq[32];
                snprintf(rq, sizeof rq, "m%d", ++seqno);
                rg_t_actor_req(&B, tok[ADM], rq, vid, "partner", "police");
                REQUIRE(send_req()[0] == 0);
            }
            build(o, role, o->on_case ? id : NULL);
            const char *e = send_req();
            char err[64], msg[512];
            snprintf(err, sizeof err, "%s", e);
            snprintf(msg, sizeof msg, "%s", rg_t_str(&R, "message"));
            if (o->on_case && !err[0] && rg_t_get(&R, "events")) used(o->home_route, o->home);
            char want = o->roles[role];
            bool bad = false;
            role_pairs++;
            if (want == 'N' && strcmp(err, "forbidden") != 0) {
                printf("  FAIL %-18s by %-37s: expected forbidden, got %s%s%s\n", o->name,
                       role_label[role], err[0] ? err : "ok", msg[0] ? ": " : "", msg);
                bad = true;
            } else if (want == 'H' && (strcmp(err, "not_found") != 0 || strncmp(msg, "no case ", 8) != 0)) {
                printf("  FAIL %-18s by %-37s: expected not_found (no case ...), got %s%s%s\n", o->name,
                       role_label[role], err[0] ? err : "ok", msg[0] ? ": " : "", msg);
                bad = true;
            } else if (want == 'Y' && (!strcmp(err, "forbidden") || !strcmp(err, "not_found") ||
                                       !strcmp(err, "unauthorized") ||
                                       !strcmp(err, "invalid_transition") ||
                                       !strcmp(err, "unknown_op") || !strcmp(err, "no-reply"))) {
                printf("  FAIL %-18s by %-37s: expected to be allowed, got %s: %s\n", o->name,
                       role_label[role], err, msg);
                bad = true;
            } else if (want == '?' && err[0] && strcmp(err, "forbidden") != 0) {
                printf("  FAIL %-18s by %-37s: expected ok or forbidden, got %s: %s\n", o->name,
                       role_label[role], err, msg);
                bad = true;
            }
            if (want == 'Y' && !bad) {
                if (err[0]) {
                    role_allowed_refused++;
                    printf("  note: %s by %s: allowed, refused by %s: %s\n", o->name, role_label[role],
                           err, msg);
                } else {
                    role_allowed_ok++;
                }
            }
            if (want == '?') {          /* not specified: say what the engine does */
                size_t l = strlen(unspecified);
                snprintf(unspecified + l, sizeof unspecified - l, " %s=%s", role_id[role],
                         err[0] ? err : "ok");
            }
            if (bad) {
                role_fails++;
                rg_t_failed = 1;
            }
        }
        if (unspecified[0]) printf("  note: %s, not specified by DOMAIN/CONTRACT:%s\n", o->name, unspecified);
    }
}

/* ---- the rest of the role rules ---- */

/* "take an unassigned case (assign it to themselves)"; a manager assigns. */
static void test_take_unassigned(void)
{
    char c1[32], c2[32];
    build_report(tok[PIN], RT_DEFAULT);
    OK();
    snprintf(c1, sizeof c1, "%s", rg_t_str(&R, "case"));
    build_report(tok[PIN], RT_DEFAULT);
    OK();
    snprintf(c2, sizeof c2, "%s", rg_t_str(&R, "case"));

    rg_w_kstr(req(tok[PIN], "case.assign", c1, 1), "procesregisseur", "prB");
    FAILS("forbidden", "");
    rg_w_kstr(req(tok[ADM], "case.assign", c1, 1), "procesregisseur", "prB");
    FAILS("forbidden", "");
    rg_w_kstr(req(tok[PRX], "case.assign", c1, 1), "procesregisseur", "prA");   /* not for another */
    FAILS("forbidden", "");
    rg_w_kstr(req(tok[PRX], "case.assign", c1, 1), "procesregisseur", "prB");   /* for themselves */
    OK();
    rg_w_kstr(req(tok[PR], "case.assign", c1, 1), "procesregisseur", "prA");    /* taken now: */
    FAILS("not_found", "no case");                                              /* prB's, unseen */
    rg_w_kstr(req(tok[MGR], "case.assign", c2, 1), "procesregisseur", "prA");
    OK();
    rg_w_kstr(req(tok[MGR], "case.assign", c2, 1), "procesregisseur", "prB");   /* reassign */
    OK();
    req(tok[PR], "intake.start", c2, -1);                                       /* prA lost it */
    FAILS("not_found", "no case");
    query(tok[PR], "case.get", c2);
    CHECK(strcmp(rg_t_err(&R), "not_found") == 0);
    req(tok[PRX], "intake.start", c2, -1);
    OK();
}

/* CONTRACT.md: not_found for a case that does not exist, for whoever may
 * take the step; admins are refused before that. */
static void test_unknown_case(void)
{
    for (int i = 0; i < NOPS; i++) {
        const opd *o = &ops[i];
        if (!o->on_case) continue;
        build(o, o->sender, "ZVH-99999999");
        const char *e = send_req();
        if (strcmp(e, "not_found") != 0) {
            printf("  FAIL %s on an unknown case: expected not_found, got %s: %s\n", o->name,
                   e[0] ? e : "ok", rg_t_str(&R, "message"));
            rg_t_failed = 1;
        }
        build(o, ADM, "ZVH-99999999");
        e = send_req();
        if (strcmp(e, "forbidden") != 0) {
            printf("  FAIL %s by admin on an unknown case: expected forbidden, got %s\n", o->name,
                   e[0] ? e : "ok");
            rg_t_failed = 1;
        }
    }
}

/* DOMAIN.md: "admins see no case content" - in no state, on no route, and
 * nothing an admin may read carries the person's data. */
static void test_admin_sees_no_case_content(void)
{
    for (int route = 0; route < NROUTES; route++) {
        for (int st = 0; st < NSTATES; st++) {
            if (!((route_states[route] >> st) & 1)) continue;
            const char *cid = get_case(route, st);
            REQUIRE(cid);
            char id[32];
            snprintf(id, sizeof id, "%s", cid);
            static const char *const reads[] = {"case.get", "case.history"};
            for (int k = 0; k < 2; k++) {
                const char *e = query(tok[ADM], reads[k], id);
                if (strcmp(e, "forbidden") != 0 || memmem(R.bytes, R.len, SUBJECT, strlen(SUBJECT))) {
                    printf("  FAIL %s by admin on a %s case in %s: got %s\n", reads[k],
                           route_name[route], state_name[st], e[0] ? e : "ok");
                    rg_t_failed = 1;
                }
            }
        }
    }
    static const char *const admin_reads[] = {"audit.read", "log.verify", "stats"};
    for (int k = 0; k < 3; k++) {
        build(op_named(admin_reads[k]), ADM, NULL);
        const char *e = send_req();
        CHECK(e[0] == 0);
        if (memmem(R.bytes, R.len, SUBJECT, strlen(SUBJECT)) || memmem(R.bytes, R.len, "1990-01-01", 10)) {
            printf("  FAIL %s shows the admin personal data\n", admin_reads[k]);
            rg_t_failed = 1;
        }
    }
}

/* Escalation is an overlay that "must decide" and that escalation.resolve
 * "closes".  An escalation that is open when the case leaves the open states
 * (rejected at intake, closed, archived) must either be closed with it or
 * still be resolvable by a manager; otherwise it stays open for good. */
static void test_escalation_not_orphaned(void)
{
    static const int terminal[] = {ST_REFERRED, ST_CLOSED, ST_ARCHIVED};
    for (int k = 0; k < 3; k++) {
        int st = terminal[k], route = RT_DEFAULT;
        char id[32];
        /* escalate in the last open state before it, then take the step out */
        int before = st == ST_REFERRED ? ST_INTAKE : ST_EXECUTION;
        REQUIRE(drive(route, before, id) == 0);
        build(op_named("case.escalate"), PR, id);
        OK();
        if (st == ST_REFERRED) {
            rg_buf *b = req(tok[PR], "intake.decide", id, 3);
            rg_w_kbool(b, "admit", false);
            rg_w_kstr(b, "reason", "not for the ZVH");
            rg_w_kstr(b, "advice", "the local team can help");
            OK();
        } else {
            build(op_named("case.close"), PR, id);
            OK();
            if (st == ST_ARCHIVED) {
                build(op_named("aftercare.check"), PR, id);
                OK();
            }
        }
        char got[32] = "?";
        REQUIRE(state_of(id, got, sizeof got) == 0 && !strcmp(got, state_name[st]));
        bool open = query(tok[MGR], "case.get", id)[0] == 0 &&
                    rg_val_type(rg_map_get(rg_t_get(&R, "case"), "escalation")) == RG_VMAP;
        if (!open) continue;
        build(op_named("escalation.resolve"), MGR, id);
        const char *e = send_req();
        if (e[0]) {
            printf("  FAIL a case in %s still shows an open escalation, and a manager cannot resolve "
                   "it: %s: %s\n", state_name[st], e, rg_t_str(&R, "message"));
            rg_t_failed = 1;
        }
    }
}

static const rg_val *case_view(const char *id)
{
    if (query(tok[MGR], "case.get", id)[0]) return NULL;
    return rg_t_get(&R, "case");
}

/* The same on the engine's own clock: a case that left the open states must
 * not keep stagnating and climbing the escalation ladder out of anyone's
 * reach.  A fresh engine, because the clock moves for every case in it. */
static void test_ended_cases_and_the_clock(void)
{
    rg_t_reply_free(&R);
    rg_t_local_close(&L, true);
    memset(pool, 0, sizeof pool);
    memset(tok, 0, sizeof tok);
    rg_t_config = NULL;                                    /* the default norms */
    setup();
    for (int r = 0; r < NROLES; r++) REQUIRE(tok[r][0]);
    char ref[32], clo[32];
    REQUIRE(drive(RT_REENTRY, ST_REFERRED, ref) == 0);   /* release on RELEASE, rejected */
    REQUIRE(drive(RT_DEFAULT, ST_CLOSED, clo) == 0);
    /* the aftercare check is the look back 3 months after closing
     * (2025-12-01 here): not before the week before that, 2026-02-22 */
    build(op_named("aftercare.check"), PR, clo);
    FAILS("guard_failed", "can be taken from 2026-02-22");
    rg_t_req(&B, tok[ADM], "clock.advance", NULL, 1);
    rg_w_kuint(&B, "ms", 240ULL * 86400000ULL);            /* past release and aftercare */
    OK();

    /* referred is terminal (DOMAIN.md): no meeting or plan will come, so the
     * re-entry norms "meeting/plan before release" cannot stagnate there */
    const rg_val *c = case_view(ref);
    REQUIRE(c);
    if (rg_array_size(rg_map_get(c, "stagnations")) || rg_val_type(rg_map_get(c, "escalation")) == RG_VMAP) {
        printf("  FAIL a referred re-entry case has %u open stagnations and escalation level %lld after its "
               "release date\n", rg_array_size(rg_map_get(c, "stagnations")),
               (long long)rg_val_int(rg_map_get(rg_map_get(c, "escalation"), "level")));
        rg_t_failed = 1;
    }

    /* closed: the aftercare check is due 3 months after closure and may
     * stagnate; an escalation the engine then opens alerts the managers, and
     * "escalation.resolve (by a manager) records the decision and closes the
     * escalation" */
    c = case_view(clo);
    REQUIRE(c);
    if (rg_val_type(rg_map_get(c, "escalation")) == RG_VMAP) {
        /* levels 1 and 2 a manager, level 3 the administrative level
         * (CONTRACT.md, escalation.resolve; issue 21) */
        bool top = rg_val_int(rg_map_get(rg_map_get(c, "escalation"), "level")) == 3;
        char burg[128] = "";
        if (top) actor("burg1", "bestuur", "gemeente-tilburg", burg);
        build(op_named("escalation.resolve"), MGR, clo);
        if (top) {
            rg_buf_reset(&B);
            rg_t_req(&B, burg, "escalation.resolve", clo, 1);
            rg_w_kstr(&B, "decision", "priority housing granted");
        }
        const char *e = send_req();
        if (!strcmp(e, "invalid_transition") || !strcmp(e, "forbidden")) {
            printf("  FAIL the engine escalated a closed case; a manager cannot resolve it: %s: %s\n", e,
                   rg_t_str(&R, "message"));
            rg_t_failed = 1;
        }
    }
    /* the aftercare check archives it; nothing is left open on an archived case */
    build(op_named("aftercare.check"), PR, clo);
    OK();
    c = case_view(clo);
    REQUIRE(c);
    CHECK(rg_val_is_str(rg_map_get(c, "state"), "archived"));
    if (rg_array_size(rg_map_get(c, "stagnations")) || rg_val_type(rg_map_get(c, "escalation")) == RG_VMAP) {
        printf("  FAIL an archived case keeps %u open stagnations and escalation level %lld\n",
               rg_array_size(rg_map_get(c, "stagnations")),
               (long long)rg_val_int(rg_map_get(rg_map_get(c, "escalation"), "level")));
        rg_t_failed = 1;
    }
}

static bool takes_part(const char *id, const char *org)
{
    if (query(tok[MGR], "case.get", id)[0]) return false;
    const rg_val *parts = rg_map_get(rg_t_get(&R, "case"), "participants");
    for (uint32_t i = 0; i < rg_array_size(parts); i++)
        if (rg_val_is_str(rg_map_get(rg_array_at(parts, i), "org"), org)) return true;
    return false;
}

/* An admitting intake.decide with the given levensloop fields (NULL: left out). */
static void decide_with(const char *id, bool admit, const char *provider, const char *casus)
{
    rg_buf *b = req(tok[PR], "intake.decide", id, 3 + !!provider + !!casus);
    rg_w_kbool(b, "admit", admit);
    rg_w_kstr(b, "reason", "the inclusion table decided");
    if (admit) rg_t_w_criteria(b, "multi_domain,local_safety");
    else rg_w_kstr(b, "referred_to", "wijkteam");
    if (provider) rg_w_kstr(b, "provider", provider);
    if (casus) rg_w_kstr(b, "casusregisseur", casus);
}

/* CONTRACT.md, "Routes": on route levensloop, intake.decide with admit true
 * is the inclusion table's decision and also takes provider (the
 * Levensloopaanbieder's org, which joins the case) and casusregisseur (the
 * municipal org).  Both are needed to include; the provider org sees the
 * case from then on (need to know: from the version it joined), and so
 * does the municipality, which before took no part.  The fields belong to
 * that decision only: elsewhere they are refused, or at least nobody joins
 * by them. */
static void test_levensloop_intake(void)
{
    char lla[128], id[32], other[32];
    rg_t_local_actor(&L, "lla1", "partner", PROVIDER, lla);
    REQUIRE(lla[0]);
    REQUIRE(drive(RT_LEVENSLOOP, ST_INTAKE, id) == 0);
    CHECK(!strcmp(query(lla, "case.get", id), "not_found"));
    CHECK(!strcmp(query(tok[POUT], "case.get", id), "not_found"));

    decide_with(id, true, NULL, NULL);
    FAILS("bad_request", "provider");
    decide_with(id, true, PROVIDER, NULL);
    FAILS("bad_request", "casusregisseur");
    decide_with(id, true, NULL, "gemeente-tilburg");
    FAILS("bad_request", "provider");
    decide_with(id, true, "not an org!", "gemeente-tilburg");
    FAILS("bad_request", "provider");
    char got[32] = "?";
    CHECK(state_of(id, got, sizeof got) == 0 && !strcmp(got, "intake"));   /* nothing written */
    decide_with(id, true, PROVIDER, "gemeente-tilburg");
    OK();
    CHECK(state_of(id, got, sizeof got) == 0 && !strcmp(got, "analysis"));
    CHECK(takes_part(id, PROVIDER) && takes_part(id, "gemeente-tilburg"));
    /* Both read the case now, from the admission on. */
    CHECK(query(lla, "case.get", id)[0] == 0);
    CHECK(query(tok[POUT], "case.get", id)[0] == 0);
    if (query(lla, "case.history", id)[0] == 0) {
        const rg_val *evs = rg_t_get(&R, "events");
        CHECK(rg_array_size(evs) >= 1 && rg_val_is_str(rg_map_get(rg_array_at(evs, 0), "type"), "intake.admitted"));
    } else {
        CHECK(!"the provider reads the history");
    }
    /* The provider is a partner: the inclusion table's steps stay the
     * procesregisseur's. */
    rg_w_kstr(req(lla, "partner.join", id, 1), "org", "woningcorporatie");
    FAILS("forbidden", "");

    /* A rejection names no provider; nor does another route's admission. */
    REQUIRE(drive(RT_LEVENSLOOP, ST_INTAKE, other) == 0);
    decide_with(other, false, PROVIDER, "gemeente-tilburg");
    const char *e = send_req();
    if (!strcmp(e, "") && (takes_part(other, PROVIDER) || takes_part(other, "gemeente-tilburg"))) {
        printf("  FAIL a rejected levensloop case let the provider and casusregisseur join\n");
        rg_t_failed = 1;
    } else if (e[0] && strcmp(e, "bad_request") != 0) {
        printf("  FAIL a rejection naming a provider: expected bad_request or ok, got %s: %s\n", e,
               rg_t_str(&R, "message"));
        rg_t_failed = 1;
    }
    REQUIRE(drive(RT_DEFAULT, ST_INTAKE, other) == 0);
    decide_with(other, true, PROVIDER, "gemeente-tilburg");
    e = send_req();
    if (!strcmp(e, "") && (takes_part(other, PROVIDER) || takes_part(other, "gemeente-tilburg"))) {
        printf("  FAIL a default-route admission let a provider and a casusregisseur join\n");
        rg_t_failed = 1;
    } else if (e[0] && strcmp(e, "bad_request") != 0) {
        printf("  FAIL a default-route admission naming a provider: expected bad_request or ok, got %s: %s\n", e,
               rg_t_str(&R, "message"));
        rg_t_failed = 1;
    }
}

static void test_counts(void)
{
    printf("  state x operation pairs: %d (%d failing; allowed: %d succeeded, %d refused by a "
           "guard or field)\n", state_pairs, state_fails, state_allowed_ok, state_allowed_refused);
    printf("  operation x role pairs:  %d (%d failing; allowed: %d succeeded, %d refused by a "
           "guard)\n", role_pairs, role_fails, role_allowed_ok, role_allowed_refused);
    int want = 0, case_ops = 0;
    for (int i = 0; i < NOPS; i++) case_ops += ops[i].on_case;
    for (int r = 0; r < NROUTES; r++) want += __builtin_popcount(route_states[r]) * case_ops;
    CHECK(state_pairs == want);
    CHECK(role_pairs == NOPS * NROLES);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    aftercare_now = rg_t_write_file("region.conf", "norm.aftercare = 0   # months\n");
    if (!aftercare_now) return 1;
    rg_t_config = aftercare_now;
    RUN(setup);
    RUN(test_state_matrix_default);
    RUN(test_state_matrix_reentry);
    RUN(test_state_matrix_mda);
    RUN(test_state_matrix_levensloop);
    RUN(test_role_matrix);
    RUN(test_take_unassigned);
    RUN(test_unknown_case);
    RUN(test_admin_sees_no_case_content);
    RUN(test_escalation_not_orphaned);
    RUN(test_levensloop_intake);
    RUN(test_counts);
    RUN(test_ended_cases_and_the_clock);
    rg_t_reply_free(&R);
    rg_buf_free(&B);
    rg_t_local_close(&L, true);
    *strrchr(aftercare_now, '/') = 0;
    rg_t_rmrf(aftercare_now);
    free(aftercare_now);
    return rg_t_exit();
}
