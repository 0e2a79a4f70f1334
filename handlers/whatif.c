/*
 * whatif.c - norms.whatif {config, from?, to?, region?} (manager): the
 * region's real history replayed under the norms of another config file
 * (regie.conf(5), sent as text), side by side with what happened
 * (engine/replay/whatif.h).  Counts, norms, steps, weeks and ids only.
 *
 * A manager sees only their own region: `region`, when given, must be it.
 * The replay reads the log through an iterator of its own and writes
 * nothing, so a retry is the same question asked again.  It runs on the
 * loop thread, as log.verify does: on a very large log other requests wait
 * while it runs (ARCHITECTURE.md, Known limits).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/domain/calendar.h"
#include "../engine/domain/config.h"
#include "../engine/replay/whatif.h"
#include "../engine/storage/errors.h"
#include "handlers.h"

/* A date or date-time field: a date from the start of that day (from) or
 * to the end of it (to), local time; a date-time as it is.  0: not given. */
static uint64_t when(rg_ctx *c, const char *field, bool end)
{
    const char *s;
    uint32_t n;
    int64_t ms;
    bool date_only;
    if (!rg_val_str(rg_ctx_field(c, field), &s, &n) || !rg_parse_iso(s, n, &ms, &date_only)) return 0;
    int y, m, d;
    if (date_only && sscanf(s, "%4d-%2d-%2d", &y, &m, &d) == 3)
        ms = end ? rg_cal_end_of_day(y, m, d) : rg_cal_from_local(y, m, d, 0, 0, 0, 0);
    return ms > 0 ? (uint64_t)ms : 0;
}

int rg_h_norms_whatif(rg_ctx *c)
{
    const rg_actor *a = rg_ctx_actor(c);
    char region[RG_ID_MAX];
    rg_field_str(c, "region", region, sizeof region);
    if (region[0] && strcmp(region, a->zvh) != 0)
        return rg_ctx_fail(c, RG_EFORBIDDEN, "a manager of region %s replays that region only", a->zvh);
    const char *text;
    uint32_t n;
    rg_val_str(rg_ctx_field(c, "config"), &text, &n);        /* required, by the schema */
    rg_config *cfg = rg_malloc(sizeof *cfg);
    rg_config_defaults(cfg);
    char why[400];
    if (rg_config_parse(text, n, "config", cfg, why, sizeof why) < 0) {
        free(cfg);
        return rg_ctx_fail(c, RG_EBADREQ, "data.%s", why);
    }
    uint64_t from = when(c, "from", false), to = when(c, "to", true);
    if (to && from >= to) {
        free(cfg);
        return rg_ctx_fail(c, RG_EBADREQ, "data.to: must be after data.from");
    }
    rg_whatif_opts o = {.cfg = cfg, .zvh = a->zvh, .from = from, .to = to};
    rg_buf out = RG_BUF_INIT;
    int rc = rg_whatif_run(rg_engine_log(rg_ctx_engine(c)), &o, &out);
    free(cfg);
    rg_doc *doc = NULL;
    const char *bad;
    if (rc == 0 && rg_doc_parse(&doc, out.data, out.len, &bad) < 0) rc = RG_ESTORAGE;
    if (rc < 0) {
        rg_buf_free(&out);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the log for the replay failed");
    }
    /* The report's fields become the reply's. */
    const rg_val *root = rg_doc_root(doc);
    for (uint32_t i = 0; i < rg_map_size(root); i++) {
        char key[32];
        if (!rg_val_strcpy(rg_map_key(root, i), key, sizeof key)) continue;
        rg_w_val(rg_ctx_reply_key(c, key), rg_map_value(root, i));
    }
    rg_doc_free(doc);
    rg_buf_free(&out);
    return 0;
}
