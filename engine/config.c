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
 *
 * The unit is the norm's own (schemas/norms.c).  Blank lines and text after
 * `#` are ignored; anything else that is not a known norm with a whole
 * number is an error that names the line, and the engine does not start.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "errors.h"

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1])) *--end = '\0';
    return s;
}

int rg_config_load(const char *path, int *amounts)
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
            if (strncmp(key, "norm.", 5) == 0) n = rg_norm_find(key + 5);
            if (n < 0 || !*val || *end || errno || v < 0 || v > 100000) {
                fprintf(stderr, "regie: %s:%d: expected norm.NAME = N with a known norm\n", path,
                        lineno);
                rc = RG_EBADREQ;
            } else {
                amounts[n] = (int)v;
            }
        } else {
            fprintf(stderr, "regie: %s:%d: expected norm.NAME = N\n", path, lineno);
            rc = RG_EBADREQ;
        }
    }
    fclose(f);
    return rc;
}
