/*
 * tally.h - the figures a request needs, kept up to date as cases change
 * (issue 23, item 2): never computed by walking the cases.
 *
 * Per region and covenant set (the covenants a case runs under): cases per
 * route (open and all), per state, MDA++ relapses, open stagnations; `stats`
 * adds the sets its reader may see.  Per procesregisseur: open cases per
 * route (the region's cap of case.assign).  The live path takes a case's
 * share out before a command's events are folded and puts it back after
 * (core/apply.c); replay tallies every case it folded (replay/replay.c).
 *
 * On disk: META keys written in the same batch as the change, only those
 * that changed (rg_store_put_meta):
 *   "tally/" zvh "/" hex8(covenants)  msgpack [all[routes] open[routes] states[...] relapses stagnations
 *                                     events since_sum[states] esc_open[1..3] esc_reached[1..3]
 *                                     pending esc_decided[1..3] esc_climbed[1..3] esc_ended[1..3]]
 *   "load/" procesregisseur           msgpack [open[routes]]
 *   "rx/" zvh "/" case_id             empty: the region's cases in id order
 *                                     (cases.list of a region seeks here)
 *   "lead/" zvh "/" hex2(state)       msgpack [bucket, count, ...]: how long the
 *                                     region's cases stayed in a state they
 *                                     left (the leadtimes rows, counted)
 *   "lead/" zvh "/" route "/" hex2(state)  the same for the region's cases of
 *                                     one route (counted as stays end; the
 *                                     rows keep no route: a rebuild counts
 *                                     those of a directory from before)
 *   "owe/" zvh "/" hex8(covenants) "/" org  msgpack [n]: the overdue actions and
 *                                     information requests the org owes (rg_owed)
 *   "tally_v7"                        present once the keys above are whole
 *
 * Lead times are counted in buckets exact to the millisecond below 128 ms
 * and 1/64 of a power of two wide above (within 0.8 %): the median of
 * `stats` is found in O(buckets), not by reading the rows.
 * A data directory from before them is tallied once, by a walk, at open.
 *
 * Threads: the loop's (the engine's tallies); replay's halves are its own.
 */
#ifndef RG_TALLY_H
#define RG_TALLY_H

#include <stdbool.h>
#include <stdint.h>

#include "../domain/case.h"
#include "../domain/contract.h"
#include "../storage/hmap.h"
#include "../storage/log.h"

typedef struct rg_tally {
    char zvh[RG_ID_MAX];
    uint32_t covenants;
    uint64_t all[RG_NROUTES], open[RG_NROUTES], states[RG_NSTATES];
    uint64_t relapses, stagnations;
    uint64_t events;          /* appended to its cases: the sum of their versions */
    /* Issue 21, management figures: the stays still running, per state
     * (the sum of their start times: their mean age at any `now` is
     * now - since_sum / states), and the escalations open now and the
     * highest level each case's ladder ever reached, per level 1..3. */
    uint64_t since_sum[RG_NSTATES];
    uint64_t esc_open[RG_ESC_TOP + 1], esc_reached[RG_ESC_TOP + 1];
    /* How the escalations opened at each level ended: decided there
     * (escalation.resolved), climbed to a higher level (the next
     * case.escalated while it was open), or ended with the case's work;
     * counted per event as it is folded (rg_tally_escalation). */
    uint64_t esc_decided[RG_ESC_TOP + 1], esc_climbed[RG_ESC_TOP + 1], esc_ended[RG_ESC_TOP + 1];
    uint64_t pending;         /* deadlines set and not yet fired (/metrics) */
    bool dirty;               /* changed since last written */
} rg_tally;

typedef struct rg_tallies {
    rg_hmap regions;          /* zvh "/" hex8(covenants) -> rg_tally* (owns) */
    rg_hmap loads;            /* procesregisseur -> rg_load* (owns) */
    rg_hmap leads;            /* zvh -> rg_leads* (owns) */
    rg_hmap owed;             /* zvh "/" hex8(covenants) "/" org -> rg_owed* (owns) */
} rg_tallies;

/* Issue 21: the overdue actions and information requests a region's cases
 * of one covenant set have open now, owed by one organisation (the owner of
 * the action, the org asked).  Counted from the cases' fired deadlines, so
 * it rises when a stagnation fires and falls when it is met, re-dated or
 * its case ends, as rg_tally_case takes a case's share out and puts it back. */
typedef struct rg_owed {
    char zvh[RG_ID_MAX];
    uint32_t covenants;
    char org[RG_ID_MAX];
    uint64_t n;
    bool dirty;
} rg_owed;

/* One organisation's overdue items in a region, summed over the sets a
 * reader may see (rg_tallies_owed). */
typedef struct rg_owed_row {
    char org[RG_ID_MAX];
    uint64_t n;
} rg_owed_row;

void rg_tallies_init(rg_tallies *t);
void rg_tallies_free(rg_tallies *t);
/* Add (sign +1) or take out (-1) a case's share. */
void rg_tally_case(rg_tallies *t, const rg_case *cs, int sign);
/* Add every figure of `from` into `into` (replay's two halves). */
void rg_tallies_merge(rg_tallies *into, const rg_tallies *from);
/* The sum over the region's sets a reader admitted to `covenants` may see. */
void rg_tallies_region(const rg_tallies *t, const char *zvh, uint32_t covenants, rg_tally *out /* OUT */);
/* One event folded into a case of the region's set `covenants` moved its
 * open escalation from level `before` to `after` (0 = none): count how
 * the one at `before` ended (`type` is the event's).  Called by the live
 * path and by replay for every event, so a rebuild counts the same. */
void rg_tally_escalation(rg_tallies *t, const char *zvh, uint32_t covenants, int before, int after,
                         const char *type);
/* The organisations with overdue items in the region's sets a reader
 * admitted to `covenants` may see, by name, those at 0 left out: *rows is
 * allocated (free it), the count returned. */
size_t rg_tallies_owed(const rg_tallies *t, const char *zvh, uint32_t covenants, rg_owed_row **rows /* OUT */);
/* Open cases of a route directed by `who`. */
uint64_t rg_tally_load(const rg_tallies *t, const char *who, int route);
/* A stay of `ms` in `state` ended in region zvh (a leadtimes row), on a
 * case of `route` (-1: not known, counted for the region only). */
void rg_tally_lead(rg_tallies *t, const char *zvh, int route, int state, uint64_t ms);
/* The name the lead times of one route of a region are kept under
 * (zvh "/" route name), to pass as `zvh` to rg_tally_median and
 * rg_tally_percentile; 0 when the route is not one of the table's. */
#define RG_LEAD_NAME_MAX (2 * RG_ID_MAX + 2)
size_t rg_tally_route_name(char k[RG_LEAD_NAME_MAX], const char *zvh, int route);
/* The median stay in `state` of the region (the lower middle for an even
 * count; within 0.8 %, exact below 128 ms) and how many there are;
 * RG_ENOTFOUND when none. */
int rg_tally_median(const rg_tallies *t, const char *zvh, int state, uint64_t *ms /* OUT */,
                    uint64_t *count /* OUT */);
/* The pct-th percentile (1..100, the nearest rank) of the same stays, as
 * rg_tally_median finds the 50th; RG_ENOTFOUND when none. */
int rg_tally_percentile(const rg_tallies *t, const char *zvh, int state, int pct, uint64_t *ms /* OUT */);
/* Put the changed figures (every figure, and the marker, when `all`) into b. */
void rg_tallies_put(rg_tallies *t, rg_batch *b, bool all);
/* Delete every tally key but the marker (a rebuild writes them anew). */
void rg_tallies_clear_keys(rg_batch *b);
/* The region index key of a case: "rx/" zvh "/" id; returns its length. */
#define RG_RX_KEY_MAX (4 + 2 * RG_ID_MAX)
size_t rg_region_key(char k[RG_RX_KEY_MAX], const char *zvh, const char *id);
/* Delete every region index key (a rebuild writes them anew). */
void rg_region_clear_keys(rg_batch *b);
/* Read the figures from META: RG_ENOTFOUND when the marker is absent (a data
 * directory from before them), RG_ESTORAGE on a read or decode failure. */
int rg_tallies_read(rg_tallies *t, rg_log *log);

#endif
