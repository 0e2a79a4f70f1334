/*
 * audit.c - the audit service: a record of every read that shows case
 * content (case.get, case.history, feed.read pages with events): who read
 * which cases, when, on whose behalf and for what purpose (the fields of
 * Logius' Logboek Dataverwerkingen: the ZVH processes on behalf of the
 * partner org the reader belongs to), and reading the trail back.
 *
 * The core tells it of each such read (on_read); the record goes into the
 * open commit's batch, and the read's reply waits for that commit, so a
 * record is durable before the content it records leaves the engine.
 *
 * audit   be64(n) -> {n, at, actor, role, org, on_behalf_of, purpose, cases}
 */
#include "audit.h"

#include <stdlib.h>
#include <string.h>

#include "../core/request.h"
#include "../storage/errors.h"

struct rg_audit {
    rg_engine *e;
};

static void on_read(void *ud, rg_ctx *c)
{
    rg_engine *e = ((rg_audit *)ud)->e;
    rg_buf v = RG_BUF_INIT;
    uint64_t n = ++e->audit_seq;
    rg_w_map(&v, 8);
    rg_w_kuint(&v, "n", n);
    rg_w_kuint(&v, "at", c->now);
    rg_w_kstr(&v, "actor", c->actor->id);
    rg_w_kstr(&v, "role", rg_role_name(c->actor->role));
    rg_w_kstr(&v, "org", c->actor->org);
    rg_w_kstr(&v, "on_behalf_of", c->actor->org);
    rg_w_kstr(&v, "purpose", c->op->name);
    rg_w_cstr(&v, "cases");
    rg_w_array(&v, c->naudit_cases);
    rg_buf_append(&v, c->audit_cases.data, c->audit_cases.len);
    uint8_t k[8];
    rg_be64_put(k, n);
    rg_commit *t = rg_engine_open_commit(e);
    rg_batch_put(t->batch, RG_CF_AUDIT, k, 8, v.data, v.len);
    rg_buf_free(&v);
    t->naudit++;
    rg_engine_want_commit(e);
}

int rg_audit_page(rg_audit *a, uint64_t after, uint32_t limit, rg_buf *records, uint32_t *count,
                  uint64_t *next)
{
    uint8_t k[8];
    rg_be64_put(k, after + 1);
    rg_iter *it = rg_iter_new(rg_engine_log(a->e), RG_CF_AUDIT);
    *count = 0;
    *next = after;
    for (rg_iter_seek(it, k, 8); rg_iter_valid(it) && *count < limit; rg_iter_next(it)) {
        size_t kn, vn;
        const uint8_t *key = rg_iter_key(it, &kn);
        const uint8_t *val = rg_iter_value(it, &vn);
        if (kn != 8) break;
        rg_buf_append(records, val, vn);
        *next = rg_be64_get(key);
        (*count)++;
    }
    return rg_iter_end(it);
}

static void on_close(void *ud, rg_engine *e)
{
    (void)e;
    free(ud);
}

static const rg_listener_ops audit_ops = {"audit", NULL, NULL, NULL, on_read, on_close};

int rg_audit_attach(rg_engine *e, rg_audit **out)
{
    rg_audit *a = rg_calloc(1, sizeof *a);
    a->e = e;
    int rc = rg_engine_listen(e, &audit_ops, a);
    if (rc < 0) {
        free(a);
        return rc;
    }
    *out = a;
    return 0;
}
