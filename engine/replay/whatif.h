/*
 * whatif.h - a region's real history replayed under other norms
 * (`norms.whatif`, `regie whatif --config FILE`): the same events at the same
 * instants, folded into memory of its own, with the deadlines those norms
 * set fired as the engine would have fired them, side by side with what the
 * log says really happened.
 *
 * What is replayed: every event of the region's cases but those the engine
 * itself derives from the norms (stagnation.detected, the ladder's own
 * case.escalated, stagnation.cleared), which the replay makes again by the
 * other norms.  Each event that sets a norm gets its due times from the
 * other configuration (rg_deadlines_plan, as core/apply.c stamps them), the
 * ladder starts at the other configuration's level.  Erasures are kept as
 * they happened (retention is not replayed).  Reality is read from the log:
 * its stagnation.detected and case.escalated events.
 *
 * Never touches live state: the log is read through its own iterator (a
 * consistent view of the store), nothing is written.  Deterministic: the
 * report depends only on the log and the options (sorted, no clock read).
 * No personal data: norms, steps, levels, weeks, actor and case ids.
 *
 * Layer (engine/replay/): the log, the domain's fold and the core's
 * deadline-index time; nothing below calls it.  Runs on any one thread.
 */
#ifndef RG_WHATIF_H
#define RG_WHATIF_H

#include <stdint.h>

#include "../domain/config.h"
#include "../storage/buf.h"
#include "../storage/log.h"

/* Cases listed by name in the report's `stalled` part, at most. */
#define RG_WHATIF_MAX_LISTED 1000

typedef struct rg_whatif_opts {
    const rg_config *cfg;     /* the other norms and ladder */
    const char *zvh;          /* the region whose cases are replayed */
    uint64_t from;            /* count what happens in [from, to) (ms) */
    uint64_t to;              /* 0: up to the log's last event, inclusive */
} rg_whatif_opts;

/* Replay the log under o and write the report, a msgpack map, into out:
 *   region, from_at, to_at (the window: from the first event, to the
 *   last, when not given), events (read), replayed (the region's events folded),
 *   cases (the region's), totals {stagnations, escalations, stalled_cases,
 *   alerts: {real, whatif}}, stagnations [{norm, step, real, whatif}],
 *   escalations [{level, real, whatif}], alerts [{actor, week, real,
 *   whatif}] (the stagnations and escalations of a procesregisseur's cases
 *   per ISO week, Europe/Amsterdam; actor "" for unassigned cases, whose
 *   alerts go to the region's managers), stalled {only_whatif, only_real:
 *   [case ids], at most RG_WHATIF_MAX_LISTED each; only_whatif_count,
 *   only_real_count}.
 * RG_ESTORAGE when the log cannot be read or holds an event the fold
 * refuses (out is then unspecified). */
int rg_whatif_run(rg_log *log, const rg_whatif_opts *o, rg_buf *out);

#endif
