/* quota.c - a per-actor limit per hour; see quota.h. */
#include "quota.h"

#include <stdlib.h>
#include <string.h>

#include "../storage/buf.h"

#define HOUR_MS 3600000ULL

typedef struct window {
    uint64_t start;           /* ms of the first use counted in it */
    uint32_t n;
} window;

void rg_quota_init(rg_quota *q, uint32_t per_hour)
{
    rg_hmap_init(&q->used);
    q->per_hour = per_hour ? per_hour : RG_SUBJECT_KNOWN_PER_HOUR;
}

bool rg_quota_take(rg_quota *q, const char *actor, uint64_t now)
{
    size_t n = strlen(actor);
    window *w = rg_hmap_get(&q->used, actor, n);
    if (!w) {
        w = rg_calloc(1, sizeof *w);
        rg_hmap_put(&q->used, actor, n, w);
        w->start = now;
    }
    /* A new hour (or a clock set back): a new window. */
    if (now >= w->start + HOUR_MS || now < w->start) {
        w->start = now;
        w->n = 0;
    }
    if (w->n >= q->per_hour) return false;
    w->n++;
    return true;
}

void rg_quota_free(rg_quota *q)
{
    rg_hmap_slot *slot;
    for (size_t i = 0; (i = rg_hmap_next(&q->used, i, &slot)) != 0;) free(slot->val);
    rg_hmap_free(&q->used);
}
