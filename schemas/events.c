/*
 * events.c - every event type the engine writes: its current schema version
 * and the function that folds it into the case projection.
 */
#include "../engine/schema.h"
#include "../handlers/handlers.h"

const rg_evdef rg_events[] = {
    /* type              version  apply */
    {"case.reported",    1,       rg_a_case_reported},
    {NULL, 0, NULL},
};
