/*
 * config.c - a region's configuration file (regied --config FILE).
 *
 * The norms of DOMAIN.md are defaults; a region sets its own amounts, one
 * per line:
 *
 *     # Zorg- en Veiligheidshuis Midden-Brabant
 *     norm.intake.start = 3        # working days
 *     norm.review = 28             # calendar days
 *     norm.aftercare = 6           # months
 *     escalation.start_level = 2   # automatic escalations open at the actie-overleg
 *
 * The unit is the norm's own (schemas/norms.c).  Blank lines and text after
 * `#` are ignored; anything else that is not a known norm with a whole
 * number is an error that names the line, and the engine does not start.
 */
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "config.h"
#include "../storage/errors.h"

void rg_config_defaults(rg_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    for (int i = 0; rg_norms[i].name && i < RG_MAX_NORMS; i++) cfg->norm_amounts[i] = rg_norms[i].amount;
    cfg->esc_start_level = 1;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1])) *--end = '\0';
    return s;
}

int rg_config_load(const char *path, rg_config *cfg)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "regie: cannot read config %s: %s\n", path, strerror(errno));
        return RG_EBADREQ;
    }
    char line[512];
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        char *s = trim(line);
        if (!*s) continue;
        char *eq = strchr(s, '=');
        char *end = NULL;
        long v = -1;
        int n = -1;
        if (eq) {
            *eq = '\0';
            char *key = trim(s), *val = trim(eq + 1);
            errno = 0;
            v = strtol(val, &end, 10);
            bool number = *val && !*end && !errno;
            if (strcmp(key, "escalation.start_level") == 0) {
                if (!number || v < 1 || v > RG_ESC_TOP) {
                    fprintf(stderr, "regie: %s:%d: escalation.start_level is 1, 2 or 3\n", path, lineno);
                    rc = RG_EBADREQ;
                } else {
                    cfg->esc_start_level = (int)v;
                }
                continue;
            }
            if (strncmp(key, "norm.", 5) == 0) n = rg_norm_find(key + 5);
            if (n < 0 || !number || v < 0 || v > 100000) {
                fprintf(stderr, "regie: %s:%d: expected norm.NAME = N with a known norm\n", path,
                        lineno);
                rc = RG_EBADREQ;
            } else {
                cfg->norm_amounts[n] = (int)v;
            }
        } else {
            fprintf(stderr, "regie: %s:%d: expected norm.NAME = N or escalation.start_level = N\n",
                    path, lineno);
            rc = RG_EBADREQ;
        }
    }
    fclose(f);
    return rc;
}
