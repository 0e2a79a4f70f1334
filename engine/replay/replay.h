/*
 * replay.h - rebuilding every derived column family from the log alone
 * (replay.c), with the log read on a thread of its own (replay_read.h).
 *
 * Layer (engine/replay/): uses the core's state (core/state.h) and the
 * domain's fold; nothing below calls it.  Runs while no commit is pending.
 */
#ifndef RG_REPLAY_H
#define RG_REPLAY_H

#include <stdint.h>

#include "../core/engine.h"

/* Recompute every projection, count, lead time and deadline key from the
 * events.  Only while rg_engine_busy() is false. */
int rg_replay_rebuild(rg_engine *e, uint64_t *events /* OUT: events replayed */);
/* Finish a rebuild that a crash or failure interrupted (its marker is in
 * meta); 0 when there is none.  Run before the engine serves. */
int rg_replay_resume(rg_engine *e);

#endif
