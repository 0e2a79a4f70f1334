/*
 * fold.h - how each event type changes a case: rg_fold_apply folds one
 * event into the projection through the fold of its type (fold.c), for the
 * write path, replay and what-if alike.
 *
 * A fold trusts what the handler checked before emitting the event; what it
 * cannot trust in a stored event (a required field missing) it answers with
 * RG_ESTORAGE, never a half-folded case it pretends is whole.  The folds
 * live in the domain, not beside their handlers, and the event table
 * (schemas/events.c) is data that names none of them, so the domain, the
 * tables and replay link without handlers/ and without using each other in
 * a circle (tools/check-layers.sh).
 */
#ifndef RG_FOLD_H
#define RG_FOLD_H

#include "case.h"

typedef int (*rg_fold_fn)(rg_case *cs, const rg_event_view *ev);

/* Fold one event into c: versions gapless (ev->v is c's next), the type's
 * fold, the state it enters (schema.h rg_entry_state), the deadlines it
 * sets and meets (deadlines.c).  0, or RG_ESTORAGE for an event that cannot
 * be folded (unknown type, a version out of turn, a field missing). */
int rg_fold_apply(rg_case *c, const rg_event_view *ev);

/* A stored event (its envelope `pub`, parsed, and the type's version it
 * was stored under, rg_record) as the fold sees it: *view, with its actor
 * (id, org, role) in *actor and its case's id in case_id; upcast to the
 * type's current version when stored under an older one (*up then holds
 * the data, a doc the caller frees or reuses; scratch is the upcaster's).
 * Replay and loading a case from its snapshot and the events after it
 * (core/snapshot.h) fold through this.  RG_ESTORAGE for an envelope that
 * is not one. */
int rg_fold_view(const rg_val *pub, uint16_t tver, rg_doc **up /* OUT */, rg_buf *scratch,
                 const int *amounts, rg_event_view *view /* OUT */, rg_actor *actor /* OUT */,
                 char case_id[RG_ID_MAX] /* OUT */);

/* Every event type of schemas/events.c has exactly one fold, and every fold
 * an event type: 0, or RG_EBADREQ with each fault on stderr.  Run when an
 * engine opens, so a table out of step stops the start, never a request. */
int rg_fold_check(void);

#endif
