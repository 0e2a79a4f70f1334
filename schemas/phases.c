/*
 * phases.c - what a route does differently with the same events: the state
 * an event enters on that route (where it differs from events.c's `to`), and
 * the order of a route's phases (phase.advance).  Adding a route with phases
 * is rows here, in routes.def, states.def and machine.c, and a config section.
 *
 * MDA++ (DOMAIN.md, "Other routes"): the agreed plan starts directe
 * veiligheid; a plan revised in a phase keeps the phase; the phases follow
 * one another up to monitoring, and a relapse (phase.relapse, events.c)
 * returns to directe veiligheid from any later phase.
 */
#include "../engine/domain/schema.h"

#define S(x) (1u << RG_ST_##x)
#define MDA (1u << RG_RT_MDA)
#define PHASES (S(DIRECT_SAFETY) | S(STABLE_SAFETY) | S(RECOVERY) | S(MONITORING))

const rg_entry rg_entries[] = {
    /* routes  event            in states     enters */
    {MDA,      "plan.agreed",   S(PLANNING),  RG_ST_DIRECT_SAFETY},
    {MDA,      "plan.agreed",   PHASES,       RG_KEEP},
    {MDA,      "plan.proposed", PHASES,       RG_KEEP},
    {0, NULL, 0, 0},
};

const rg_phase rg_phases[] = {
    /* routes  from                   next */
    {MDA,      RG_ST_DIRECT_SAFETY,   RG_ST_STABLE_SAFETY},
    {MDA,      RG_ST_STABLE_SAFETY,   RG_ST_RECOVERY},
    {MDA,      RG_ST_RECOVERY,        RG_ST_MONITORING},
    {0, 0, 0},
};
