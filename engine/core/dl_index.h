/*
 * dl_index.h - the deadline index of the write path (dl_index.c).
 *
 * Ownership: a snapshot copies the case's deadlines (rg_dl_snap_free frees
 * them); keys are written into caller-given buffers of at least
 * RG_DL_KEY_MAX bytes.
 */
#ifndef RG_DL_INDEX_H
#define RG_DL_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "../domain/case.h"
#include "../storage/log.h"
#include "ctx.h"

#define RG_DL_KEY_MAX (8 + 3 * RG_ID_MAX)

/* A case's deadlines before a change, to compare after it. */
typedef struct rg_dl_snap {
    uint32_t n;
    rg_deadline *v;
} rg_dl_snap;
void rg_dl_snapshot(const rg_case *c, rg_dl_snap *s /* OUT */);
void rg_dl_snap_free(rg_dl_snap *s);

/* When the deadline next needs the engine (its key's time); 0: never. */
uint64_t rg_deadline_index_time(const rg_deadline *d);
/* A deadline's key (be64 t, case id, norm, item) into k; returns its length. */
size_t rg_deadline_key(uint8_t *k, uint64_t t, const char *case_id, const char *norm, const char *item);
/* The key of case c's deadline d into k, or 0 when it has no index time. */
size_t rg_dl_key_of(uint8_t *k, const rg_case *c, const rg_deadline *d);
/* Put and delete the case's deadline keys against its snapshot `before`;
 * returns the earliest time put (UINT64_MAX: none). */
uint64_t rg_dl_index(rg_batch *b, const rg_case *c, const rg_dl_snap *before);
/* Emit stagnation.cleared (by the engine) for each stagnation of `before`
 * that the request's events met. */
void rg_dl_cleared(rg_ctx *c, const rg_dl_snap *before);

/* The index's lower bound: no key, durable or pending, is earlier.  The
 * write path lowers it whenever it puts a key; the firing service
 * (services/due.c) reads from it and raises it past what it has read. */
uint64_t rg_dl_low(const rg_engine *e);
/* Every durable key before bound was read: raise the lower bound to bound,
 * kept at or below the keys the pending commits put; returns it. */
uint64_t rg_dl_low_raise(rg_engine *e, uint64_t bound);
/* The state was reloaded: any key may be the first again. */
void rg_dl_low_reset(rg_engine *e);
/* Delete the key (t, case_id, norm, item) in the open commit and have it
 * sealed: a key that no open deadline holds (left by a bug or damage). */
void rg_dl_index_drop(rg_engine *e, uint64_t t, const char *case_id, const char *norm, const char *item);

#endif
