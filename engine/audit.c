/*
 * audit.c - the audit trail of reads: every read that shows case content
 * (case.get, case.history, feed.read pages with events) leaves a record of
 * who read which cases, when, on whose behalf and for what purpose (the
 * fields of Logius' Logboek Dataverwerkingen: the ZVH processes on behalf of
 * the partner org the reader belongs to).
 *
 * Records go into the open commit's batch, so they are written with the next
 * group commit and never cost a read its own sync; no reply waits for them.
 * A crash can lose the records of the last few milliseconds of reads, never
 * a change.
 *
 * audit   be64(n) -> {n, at, actor, role, org, on_behalf_of, purpose, cases}
 */
#include <string.h>

#include "ctx.h"
#include "engine_int.h"
#include "errors.h"

void rg_ctx_audit_case(rg_ctx *c, const char *case_id)
{
    /* Pages list a case's events together: skip repeats of the last one. */
    if (c->naudit_cases && c->audit_last[0] && strcmp(c->audit_last, case_id) == 0) return;
    snprintf(c->audit_last, sizeof c->audit_last, "%s", case_id);
    rg_w_cstr(&c->audit_cases, case_id);
    c->naudit_cases++;
}

void rg_ctx_audit_case_of(rg_ctx *c, const rg_record *r)
{
    rg_doc *d;
    const char *why;
    char id[RG_ID_MAX];
    if (rg_doc_parse(&d, r->pub, r->pub_len, &why) < 0) return;
    if (rg_val_strcpy(rg_map_get(rg_doc_root(d), "case"), id, sizeof id)) rg_ctx_audit_case(c, id);
    rg_doc_free(d);
}

void rg_audit_add(rg_engine *e, rg_ctx *c)
{
    if (!c->naudit_cases) return;
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
    rg_batch_put(e->open->batch, RG_CF_AUDIT, k, 8, v.data, v.len);
    rg_buf_free(&v);
    e->open->naudit++;
    rg_engine_want_commit(e);
}

#define AUDIT_DEFAULT 100
#define AUDIT_MAX 1000

int rg_h_audit_read(rg_ctx *c)
{
    uint64_t after = 0, limit = AUDIT_DEFAULT;
    rg_val_uint(rg_ctx_field(c, "after"), &after);
    if (rg_ctx_field(c, "limit") && (!rg_val_uint(rg_ctx_field(c, "limit"), &limit) || limit < 1 ||
                                      limit > AUDIT_MAX))
        return rg_ctx_fail(c, RG_EBADREQ, "data.limit: 1..%d", AUDIT_MAX);
    uint8_t k[8];
    rg_be64_put(k, after + 1);
    rg_iter *it = rg_iter_new(c->e->log, RG_CF_AUDIT);
    rg_buf recs = RG_BUF_INIT;
    uint32_t count = 0;
    uint64_t next = after;
    for (rg_iter_seek(it, k, 8); rg_iter_valid(it) && count < limit; rg_iter_next(it)) {
        size_t kn, vn;
        const uint8_t *key = rg_iter_key(it, &kn);
        const uint8_t *val = rg_iter_value(it, &vn);
        if (kn != 8) break;
        rg_buf_append(&recs, val, vn);
        next = rg_be64_get(key);
        count++;
    }
    if (rg_iter_end(it) < 0) {
        rg_buf_free(&recs);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the audit trail failed");
    }
    rg_buf *b = rg_ctx_reply_key(c, "records");
    rg_w_array(b, count);
    rg_buf_append(b, recs.data, recs.len);
    rg_buf_free(&recs);
    rg_w_uint(rg_ctx_reply_key(c, "next"), next);
    return 0;
}
