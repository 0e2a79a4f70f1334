/*
 * snapshot.h - a case's projection on disk: a snapshot in `cases`, written
 * with the command that takes the case RG_SNAPSHOT_EVERY versions past the
 * last one, and the case's events after it (the stream index gives them),
 * folded again whenever the case is loaded.
 *
 * Why: the projection is some 550-600 bytes and rewriting it whole with
 * every command was about a quarter of the bytes a command writes.  The
 * events after a snapshot are in the same batches, so every durable state
 * loads whole: snapshot, then the tail of at most RG_SNAPSHOT_EVERY - 1
 * events (a few more when one command appended several), each folded by
 * the same fold (domain/fold.h) the write path and replay use.
 *
 * Every reader of a stored projection loads it through rg_snapshot_load:
 * the case cache on a miss (state.c), the walks over cases (reads.c), and
 * the tests that compare a live store with a rebuilt one.  A rebuild
 * writes each case's projection whole (an empty tail).
 */
#ifndef RG_SNAPSHOT_H
#define RG_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "../domain/case.h"
#include "../storage/log.h"

/* Measured (BENCHMARKS.md, "A snapshot every 8 versions"): 8 takes the
 * projection out of seven of eight commands, and a load folds at most
 * seven events, a few microseconds each. */
#ifndef RG_SNAPSHOT_EVERY                /* -D for the benchmark's comparisons */
#define RG_SNAPSHOT_EVERY 8
#endif

/* Case id (n bytes) as its durable events make it: its snapshot, if it has
 * one, and every event after the snapshot's version folded in; cs->snap_v
 * is the snapshot's version (0: none).  Norm amounts as the engine's
 * (events from before norms were recorded in them).  The data keys are
 * not loaded (state.c does).  RG_ENOTFOUND when the case has no event,
 * RG_ESTORAGE when what is stored does not load. */
int rg_snapshot_load(rg_log *log, const int *amounts, const void *id, size_t n, rg_case **out /* OUT */);

/* Put cs's projection into b when a snapshot is due (RG_SNAPSHOT_EVERY
 * versions past the last), and note it in cs->snap_v.  True when one was
 * put. */
bool rg_snapshot_stage(rg_batch *b, rg_case *cs);

#endif
