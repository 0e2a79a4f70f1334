/*
 * config.h - the regions' configuration (regied --config FILE): norm
 * amounts per route, where the escalation ladder starts, the weekly triage
 * day and the cap on open cases per procesregisseur.  Lines before any
 * section are the defaults of every region; a section `[NAME]` is region
 * NAME's own, starting from those defaults:
 *
 *     norm.review = 42                 # every route, in the norm's unit
 *     mda.norm.review = 28             # one route only
 *     escalation.start_level = 1
 *     [tilburg]
 *     norm.intake.decision = 4
 *     triage.day = tuesday             # the intake norm is the next triage day
 *     triage.cutoff = monday 12:00     # reported before this: this week's
 *     mda.cap = 12                     # open MDA++ cases per procesregisseur
 *     closed = 2027-02-08, 2027-02-09  # the region's own closed days (carnival)
 *
 * Parsed once at start; read-only afterwards.  A change applies to deadlines
 * set after the engine starts with it: every event that sets a deadline
 * records its due time (domain/deadlines.c), so existing deadlines keep
 * theirs, also through a rebuild.
 */
#ifndef RG_CONFIG_H
#define RG_CONFIG_H

#include "event.h"
#include "schema.h"

#define RG_MAX_CLOSED 64

typedef struct rg_region_cfg {
    char zvh[RG_ID_MAX];                       /* "" for the defaults */
    int amounts[RG_NROUTES][RG_MAX_NORMS];     /* per route, per rg_norms row */
    int esc_start_level;                       /* 1..RG_ESC_TOP */
    int triage_day;                            /* 0: none; 1 Monday .. 7 Sunday */
    int cutoff_day, cutoff_min;                /* the weekly cutoff: weekday, minutes into it */
    int cap[RG_NROUTES];                       /* open cases per procesregisseur; 0: none */
    /* closed days besides the law's and the decrees' (days since 1970-01-01):
     * the defaults' and then the section's own; its working-day norms skip them */
    int64_t closed[RG_MAX_CLOSED];
    int nclosed;
} rg_region_cfg;

#define RG_MAX_REGIONS 64

typedef struct rg_config {
    rg_region_cfg base;                        /* every region without a section */
    rg_region_cfg regions[RG_MAX_REGIONS];
    int nregions;
    /* The defaults' amounts of the default route and ladder start (for what
     * knows no region: replay of events that recorded no due time). */
    int norm_amounts[RG_MAX_NORMS];
    int esc_start_level;
} rg_config;

/* The defaults of schemas/norms.c, the ladder starting at level 1. */
void rg_config_defaults(rg_config *cfg);
/* Read FILE over cfg; RG_EBADREQ (naming the line on stderr) on any error,
 * in which case the engine does not start. */
int rg_config_load(const char *path, rg_config *cfg);
/* The same from text in memory (a request's `config`), name standing for
 * the file in messages; what is wrong goes into why, not stderr. */
int rg_config_parse(const char *text, size_t n, const char *name, rg_config *cfg, char *why, size_t cap);
/* Region zvh's configuration (the defaults when it has no section). */
const rg_region_cfg *rg_config_region(const rg_config *cfg, const char *zvh);
/* A norm amount that applies to every route of every region (--retention-days). */
void rg_config_set_all(rg_config *cfg, int norm, int amount);

#endif
