/*
 * whatif.c - norms.whatif {config, from?, to?, region?} (manager): the
 * region's real history replayed under the norms of another config file
 * (regie.conf(5), sent as text), side by side with what happened
 * (engine/replay/whatif.h).  Counts, norms, steps, weeks and ids only.
 *
 * A manager sees only their own region: `region`, when given, must be it.
 * The replay reads the log through an iterator of its own (a consistent
 * view of what is durable) and writes nothing, so a retry is the same
 * question asked again.  It runs on a libuv threadpool thread, one at a
 * time per engine (a second is `overloaded`), while the loop goes on
 * serving; its reply is taken and sent when it is done.  The log is held
 * (rg_log_hold), so closing the engine waits for it; a reply whose engine
 * closed meanwhile is dropped (the listener's on_close says so), as
 * backup.c does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/core/commit.h"
#include "../engine/core/state.h"
#include "../engine/domain/calendar.h"
#include "../engine/domain/config.h"
#include "../engine/replay/whatif.h"
#include "../engine/storage/errors.h"
#include "handlers.h"
#include "../engine/core/reply.h"

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
    char date[11] = "";           /* a request's string ends without a NUL */
    if (date_only && n >= 10) memcpy(date, s, 10);
    if (date_only && sscanf(date, "%4d-%2d-%2d", &y, &m, &d) == 3)
        ms = end ? rg_cal_end_of_day(y, m, d) : rg_cal_from_local(y, m, d, 0, 0, 0, 0);
    return ms > 0 ? (uint64_t)ms : 0;
}

/* One replay at a time per engine, as the state of its listener (as
 * backup.c keeps its own: the core has no lookup of listeners by kind). */
typedef struct whatifs {
    bool running;
    bool closed;              /* the engine closed: the job frees this */
} whatifs;

typedef struct job {
    uv_work_t work;
    whatifs *owner;
    rg_log *log;
    rg_config *cfg;
    char zvh[RG_ID_MAX];
    rg_whatif_opts o;
    rg_reply_fn fn;
    void *ud;
    int rc;
    rg_buf out;
} job;

static void on_close(void *ud, rg_engine *e)
{
    (void)e;
    whatifs *w = ud;
    w->closed = true;
    if (!w->running) free(w);
}

static const rg_listener_ops whatif_ops = {"whatif", NULL, NULL, NULL, NULL, on_close};

static whatifs *whatifs_of(rg_engine *e)
{
    for (int i = 0; i < e->nlisteners; i++)
        if (e->listeners[i].ops == &whatif_ops) return e->listeners[i].ud;
    whatifs *w = rg_calloc(1, sizeof *w);
    if (rg_engine_listen(e, &whatif_ops, w) < 0) {
        free(w);
        return NULL;
    }
    return w;
}

/* On a threadpool thread: the log (held) and the job only. */
static void work_cb(uv_work_t *wk)
{
    job *j = wk->data;
    j->rc = rg_whatif_run(j->log, &j->o, &j->out);
    rg_log_release(j->log);
}

static void after_cb(uv_work_t *wk, int status)
{
    job *j = wk->data;
    whatifs *w = j->owner;
    w->running = false;
    if (w->closed) {
        free(w);                 /* the engine, and whom the reply was for, are gone */
    } else {
        /* The report's fields become the reply's, after ok. */
        rg_buf reply = RG_BUF_INIT;
        rg_doc *doc = NULL;
        const char *bad;
        if (status < 0 || j->rc < 0 || rg_doc_parse(&doc, j->out.data, j->out.len, &bad) < 0) {
            rg_error_reply(&reply, RG_ESTORAGE, "reading the log for the replay failed");
        } else {
            const rg_val *root = rg_doc_root(doc);
            rg_w_map(&reply, rg_map_size(root) + 1);
            rg_w_kbool(&reply, "ok", true);
            for (uint32_t i = 0; i < rg_map_size(root); i++) {
                rg_w_val(&reply, rg_map_key(root, i));
                rg_w_val(&reply, rg_map_value(root, i));
            }
        }
        rg_doc_free(doc);
        j->fn(j->ud, reply.data, reply.len);
        rg_buf_free(&reply);
    }
    rg_buf_free(&j->out);
    free(j->cfg);
    free(j);
}

int rg_h_norms_whatif(rg_ctx *c)
{
    rg_engine *e = rg_ctx_engine(c);
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
    whatifs *w = whatifs_of(e);
    if (!w || w->running) {
        free(cfg);
        return rg_ctx_fail(c, RG_EOVERLOAD, "another what-if replay is under way; retry when it is done");
    }
    job *j = rg_calloc(1, sizeof *j);
    j->work.data = j;
    j->owner = w;
    j->log = rg_engine_log(e);
    j->cfg = cfg;
    snprintf(j->zvh, sizeof j->zvh, "%s", a->zvh);
    j->o = (rg_whatif_opts){.cfg = cfg, .zvh = j->zvh, .from = from, .to = to};
    rg_log_hold(j->log);
    int rc = uv_queue_work(rg_engine_loop(e), &j->work, work_cb, after_cb);
    if (rc < 0) {
        rg_log_release(j->log);
        free(cfg);
        free(j);
        return rg_ctx_fail(c, RG_ESTORAGE, "cannot start the replay: %s", uv_strerror(rc));
    }
    w->running = true;
    rg_ctx_take_reply(c, &j->fn, &j->ud);
    return 0;
}
