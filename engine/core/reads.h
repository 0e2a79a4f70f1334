/*
 * reads.h - reading the log for queries (reads.c): a case's events (the
 * durable ones, then those of a pending commit), one event by position,
 * the hash-chain walk, the cases in id order, and the median lead times.
 *
 * Threads: the loop thread.  What a callback gets is borrowed for the call.
 */
#ifndef RG_READS_H
#define RG_READS_H

#include <stdint.h>

#include "../domain/case.h"
#include "../domain/event.h"
#include "../storage/buf.h"
#include "engine.h"

/* Walk a case's events in order, durable and pending alike. */
typedef int (*rg_record_fn)(void *ud, const rg_record *r);
int rg_reads_case_events(rg_engine *e, const rg_case *cs, rg_record_fn fn, void *ud);
/* Walk the hash chain; *broken = first bad position or 0; *count = checked. */
int rg_reads_verify(rg_engine *e, uint64_t *count /* OUT */, uint64_t *broken /* OUT */,
                    const char **why /* OUT */);
/* Visit every case in id order after `after` (NULL: from the first); fn
 * returns 0 to go on, 1 to stop.  The case is borrowed for the call. */
typedef int (*rg_case_fn)(void *ud, const rg_case *cs);
int rg_reads_each_case(rg_engine *e, const char *after, rg_case_fn fn, void *ud);
/* The same over one region's cases only, through its index (core/tally.h):
 * one region's list never reads another's cases. */
int rg_reads_each_case_in(rg_engine *e, const char *zvh, const char *after, rg_case_fn fn, void *ud);
/* Median time cases spent in a state they have left; RG_ENOTFOUND if none. */
int rg_reads_median_lead(rg_engine *e, int state, const char *zvh, uint64_t *ms /* OUT */,
                         uint64_t *count /* OUT: stays that ended in the region */);
/* Fetch one event record by position (pending or durable) into out. */
int rg_reads_event(rg_engine *e, uint64_t seq, rg_buf *out);

#endif
