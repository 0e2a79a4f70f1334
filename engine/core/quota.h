/*
 * quota.h - a per-actor limit per hour (quota.c): subject.known answers a
 * caller at most `per_hour` times in an hour of the engine's clock (a fixed
 * window that starts with the caller's first lookup), so the person index,
 * which answers across regions, cannot be walked name by name.
 *
 * In memory only: a restart gives every caller a new hour.  Loop thread.
 */
#ifndef RG_QUOTA_H
#define RG_QUOTA_H

#include <stdbool.h>
#include <stdint.h>

#include "../storage/hmap.h"

#define RG_SUBJECT_KNOWN_PER_HOUR 60

typedef struct rg_quota {
    rg_hmap used;             /* actor id -> window (owns) */
    uint32_t per_hour;
} rg_quota;

void rg_quota_init(rg_quota *q, uint32_t per_hour);
/* Count one use by actor at now (ms); false, counting nothing, when the
 * actor's hour is spent. */
bool rg_quota_take(rg_quota *q, const char *actor, uint64_t now);
void rg_quota_free(rg_quota *q);

#endif
