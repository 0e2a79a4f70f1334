/*
 * config.h - a region's configuration (regied --config FILE): the amounts of
 * its norms and where its escalation ladder starts.  Parsed once at start;
 * read-only afterwards.
 */
#ifndef RG_CONFIG_H
#define RG_CONFIG_H

#include "schema.h"

typedef struct rg_config {
    int norm_amounts[RG_MAX_NORMS];   /* per rg_norms row, in the norm's own unit */
    int esc_start_level;              /* the level an automatic escalation opens at, 1..RG_ESC_TOP */
} rg_config;

/* The defaults of schemas/norms.c, and the ladder starting at level 1. */
void rg_config_defaults(rg_config *cfg);
/* Read FILE over cfg; RG_EBADREQ (naming the line on stderr) on any error,
 * in which case the engine does not start. */
int rg_config_load(const char *path, rg_config *cfg);

#endif
