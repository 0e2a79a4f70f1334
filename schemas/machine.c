/*
 * machine.c - the case life cycle as data: in which states of which route
 * each case operation may be taken.  The event an operation appends decides
 * the state the case moves to (schemas/events.c, column `to`), so replaying
 * the log reproduces every transition (a route may send an event elsewhere:
 * phases.c).  An operation may have a row for some routes before the row
 * for all: the first row for the case's route decides.  An operation on a
 * case in a state not listed answers invalid_transition, naming the state.
 */
#include "../engine/domain/schema.h"

#define S(x) (1u << RG_ST_##x)
#define OPEN ((uint32_t)RG_OPEN_STATES)   /* states.def, column open */
#define PHASES (S(DIRECT_SAFETY) | S(STABLE_SAFETY) | S(RECOVERY) | S(MONITORING))
#define WORKING (S(ANALYSIS) | S(MEETING) | S(PLANNING) | S(EXECUTION) | PHASES)
#define ALL_ROUTES ((1u << RG_NROUTES) - 1)
#define MDA (1u << RG_RT_MDA)
#define CASE_ROUTES (ALL_ROUTES & ~(1u << RG_RT_SUBJECT_REQUEST))

const rg_transition rg_machine[] = {
    /* routes      operation              allowed in states */
    {ALL_ROUTES, "case.get",              ~0u},
    {ALL_ROUTES, "case.history",          ~0u},
    {ALL_ROUTES, "escalation.dossier",    ~0u},
    /* Closed too: its aftercare check needs a procesregisseur, also when the
     * one it had is gone. */
    {ALL_ROUTES, "case.assign",           OPEN | S(CLOSED)},
    {ALL_ROUTES, "intake.start",          S(REPORTED)},
    {ALL_ROUTES, "intake.decide",         S(INTAKE)},
    {ALL_ROUTES, "intake.more_info",      S(INTAKE)},
    {ALL_ROUTES, "partner.join",          WORKING},
    {ALL_ROUTES, "info.request",          WORKING},
    {ALL_ROUTES, "info.provide",          WORKING},
    /* The case meeting; evaluation meetings once the plan is in force
     * (handlers/meeting.c). */
    {ALL_ROUTES, "meeting.schedule",      S(ANALYSIS) | S(EXECUTION) | PHASES},
    {ALL_ROUTES, "meeting.hold",          S(MEETING) | S(EXECUTION) | PHASES},
    {ALL_ROUTES, "meeting.reschedule",    S(MEETING) | S(EXECUTION) | PHASES},
    {ALL_ROUTES, "plan.propose",          S(PLANNING) | S(EXECUTION) | PHASES},
    /* MDA++: a plan revised in a phase is agreed in that phase. */
    {MDA,        "plan.agree",            S(PLANNING) | PHASES},
    /* A revision proposed in execution is agreed there (plan.c). */
    {ALL_ROUTES, "plan.agree",            S(PLANNING) | S(EXECUTION)},
    {ALL_ROUTES, "action.complete",       S(EXECUTION) | PHASES},
    {MDA,        "phase.advance",         S(DIRECT_SAFETY) | S(STABLE_SAFETY) | S(RECOVERY)},
    {MDA,        "phase.relapse",         S(STABLE_SAFETY) | S(RECOVERY) | S(MONITORING)},
    {ALL_ROUTES, "item.release",          ~0u},
    {ALL_ROUTES, "review.hold",           S(EXECUTION) | PHASES},
    {ALL_ROUTES, "case.escalate",         OPEN},
    /* A stagnation of a closed case (its aftercare check) escalates too, so a
     * manager can decide on it there. */
    {ALL_ROUTES, "escalation.resolve",    OPEN | S(CLOSED)},
    /* MDA++ closes from monitoring (by Veilig Thuis's monitoring). */
    {MDA,        "case.close",            S(MONITORING)},
    {ALL_ROUTES, "case.close",            S(EXECUTION)},
    {ALL_ROUTES, "aftercare.check",       S(CLOSED)},
    /* An early ending, from every open state of a case's route (a
     * data-subject request is decided, not ended). */
    {CASE_ROUTES, "case.end",             OPEN},
    /* The persons of a household, while the case is open. */
    {CASE_ROUTES, "person.add",           OPEN},
    {CASE_ROUTES, "person.remove",        OPEN},
    {CASE_ROUTES, "person.share",         OPEN},
    {CASE_ROUTES, "client.perspective",   OPEN},
    {ALL_ROUTES, "case.erase",            ~0u},
    {CASE_ROUTES, "person.erase",         ~0u},
    {ALL_ROUTES, "subject.correct",       ~0u & ~S(DECIDED) & ~S(REQUEST)},
    {ALL_ROUTES, "case.unrestrict",       ~0u},
    {ALL_ROUTES, "case.reopen",           S(CLOSED)},
    {0, NULL, 0},
};
