/*
 * alerts.h - who hears of an event (alerts.c): the opaque notification
 * topics it wakes, and the durable alerts it raises, both decided when the
 * event is applied and written in the same batch.
 *
 *   alerts  actor_id 0x00 be64(n)  ->  {[level,] alert, seq, case, kind, norm, item, since, acked}
 *           (level: an escalation's)
 *
 * An alert is raised for the event types the event table marks (events.c,
 * column alerts): a stagnation for the case's procesregisseur (every manager
 * of the region while none is assigned; the managers too while an
 * escalation is open; the owning org's partners for an overdue action), an
 * escalation for every manager of the region and the case's procesregisseur.  Nobody outside the case's
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

/* alerts.list: visit the actor's alerts after `after`, oldest first: fn gets
 * each alert's number and stored record (msgpack), and returns 0 to go on, 1
 * to stop, < 0 to fail (returned).  Whether an alert is still open is the
 * reader's to decide from its case (handlers/alerts.c): nothing here is
 * rewritten when its cause goes away. */
typedef int (*rg_alert_fn)(void *ud, uint64_t n, const uint8_t *rec, size_t len);
int rg_alerts_each(rg_engine *e, const char *actor_id, uint64_t after, rg_alert_fn fn, void *ud);
/* The stored alert n of actor_id into rec (RG_ENOTFOUND when none). */
int rg_alerts_get(rg_engine *e, const char *actor_id, uint64_t n, rg_buf *rec);
/* The key of alert n of actor_id into k (at least RG_ID_MAX + 9 bytes). */
size_t rg_alerts_key(uint8_t *k, const char *actor_id, uint64_t n);

#endif
