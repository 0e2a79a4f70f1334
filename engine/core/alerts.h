/*
 * alerts.h - who hears of an event (alerts.c): the opaque notification
 * topics it wakes, and the durable alerts it raises, both decided when the
 * event is applied and written in the same batch.
 *
 *   alerts  actor_id 0x00 be64(n)  ->  {alert, seq, case, kind, norm, item, since, acked}
 *
 * An alert is raised for the event types the event table marks (events.c,
 * column alerts): a stagnation for the case's procesregisseur (every manager
 * of the region while none is assigned; the managers too while an
 * escalation is open; the owning org's partners for an overdue action), an
 * escalation for every manager of the region.  Nobody outside the case's
 * region or covenant is alerted.
 *
 * Ownership: the topic list is malloc'd ("t1\0t2\0\0"); the caller frees it.
 */
#ifndef RG_ALERTS_H
#define RG_ALERTS_H

#include <stdint.h>

#include "../domain/case.h"
#include "../storage/log.h"
#include "engine.h"

/* Raise the alerts of the event (seq, version v, type, data) of case cs into
 * b, and return the topics it wakes: the feed topic of every actor who may
 * read it, and the alerts topic of every actor alerted. */
char *rg_alerts_raise(rg_engine *e, rg_batch *b, const rg_case *cs, uint64_t seq, uint32_t v,
                      uint64_t at, const char *type, const rg_val *data);

/* alerts.list: the actor's alerts after `after` (oldest first, at most limit;
 * only unacknowledged ones with open), msgpack back to back into out. */
int rg_alerts_page(rg_engine *e, const char *actor_id, uint64_t after, uint32_t limit, bool open,
                   rg_buf *out, uint32_t *count /* OUT */, uint64_t *next /* OUT */);
/* The stored alert n of actor_id into rec (RG_ENOTFOUND when none). */
int rg_alerts_get(rg_engine *e, const char *actor_id, uint64_t n, rg_buf *rec);
/* The key of alert n of actor_id into k (at least RG_ID_MAX + 9 bytes). */
size_t rg_alerts_key(uint8_t *k, const char *actor_id, uint64_t n);

#endif
