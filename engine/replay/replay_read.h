/*
 * replay_read.h - the log read and parsed on a thread of its own, for replay.
 *
 * A rebuild's fold is a pipeline of two halves: reading the `events` column
 * family, parsing each record's msgpack and making it an event view
 * (envelope, type, upcasting); and folding each view into its case.  The
 * reader runs the first half on its own thread, a batch of events at a
 * time, so the two halves share the machine's cores.
 *
 * Ownership: a batch handed out by rg_reader_next, and everything its views
 * point to, belongs to the reader and stays valid until the next call of
 * rg_reader_next or rg_reader_stop.  One consumer thread.
 */
#ifndef RG_REPLAY_READ_H
#define RG_REPLAY_READ_H
#include <stddef.h>

#include "../domain/case.h"
#include "../storage/log.h"

typedef struct rg_replay_ev {
    rg_event_view view;       /* view.actor points at actor, view.data into the batch */
    rg_actor actor;
    char case_id[RG_ID_MAX];
    uint8_t link[RG_HASH_LEN];
} rg_replay_ev;

typedef struct rg_reader rg_reader;

/* Start reading the log from its first event; norm_amounts goes into every
 * view.  Fails only if no thread can be started. */
int rg_reader_start(rg_reader **out /* OUT */, rg_log *log, const int *norm_amounts);
/* Move on to the next batch of events in log order, *n of them; *n = 0 at
 * the end.  RG_ESTORAGE when the log cannot be read past the events handed
 * out with it (which are good). */
int rg_reader_next(rg_reader *r, size_t *n /* OUT */);
/* Event i (< n) of the batch as a view, made on the reader's thread;
 * RG_ESTORAGE when its record is no event this engine can fold. */
int rg_reader_event(rg_reader *r, size_t i, const rg_replay_ev **ev /* OUT */);
/* Stop (early or at the end), join the thread and free everything. */
void rg_reader_stop(rg_reader *r);

#endif
