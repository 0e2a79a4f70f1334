/* activity.c - lookups in the register of processing activities; see activity.h. */
#include "activity.h"

#include <string.h>

const rg_activity *rg_activity_of(const char *op)
{
    const rg_activity *best = NULL;
    for (const rg_activity *a = rg_activities; a->id; a++)
        if (strcmp(a->op, op) == 0 && (!best || a->version > best->version)) best = a;
    return best;
}

const rg_activity *rg_activity_find(const char *id, uint32_t n)
{
    for (const rg_activity *a = rg_activities; a->id; a++)
        if (strlen(a->id) == n && memcmp(a->id, id, n) == 0) return a;
    return NULL;
}
