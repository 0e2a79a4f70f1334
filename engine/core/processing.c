/* processing.c - the processing log (Logboek Dataverwerkingen); see processing.h. */
#include "processing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/activity.h"
#include "../storage/crypto.h"
#include "../storage/errors.h"
#include "request.h"

#define REC 0xfe
#define IDX 0xfd
#define SUBJ 16
#define KEY_MAX (2 + 128 + 1 + 8 + SUBJ + 8)

/* ---- trace context ---- */

static int unhex(const char *p, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        int v = 0;
        for (int j = 0; j < 2; j++) {
            char ch = p[2 * i + j];
            int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
            if (d < 0) return -1;    /* W3C: lowercase hex only */
            v = v * 16 + d;
        }
        out[i] = (uint8_t)v;
    }
    return 0;
}

static bool zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) return false;
    return true;
}

int rg_trace_start(rg_trace *t, const char *tp, uint32_t n)
{
    memset(t, 0, sizeof *t);
    if (tp) {
        /* version "00": 00-trace(32)-parent(16)-flags(2), nothing more. */
        uint8_t flags;
        if (n != RG_TRACEPARENT_LEN || memcmp(tp, "00-", 3) != 0 || tp[35] != '-' || tp[52] != '-' ||
            unhex(tp + 3, 16, t->trace_id) < 0 || unhex(tp + 36, 8, t->parent) < 0 ||
            unhex(tp + 53, 1, &flags) < 0 || zero(t->trace_id, 16) || zero(t->parent, 8))
            return -1;
        t->has_parent = true;
    } else {
        do rg_random(t->trace_id, sizeof t->trace_id); while (zero(t->trace_id, 16));
    }
    do rg_random(t->span_id, sizeof t->span_id); while (zero(t->span_id, 8));
    return 0;
}

void rg_trace_format(const rg_trace *t, char out[RG_TRACEPARENT_LEN + 1])
{
    memcpy(out, "00-", 3);
    rg_hex(out + 3, t->trace_id, 16);
    out[35] = '-';
    rg_hex(out + 36, t->span_id, 8);
    memcpy(out + 52, "-01", 4);
}

/* ---- records ---- */

/* The subject id of person pi (P<pi+1>) of cs; false without its key.  The
 * erasure asks while the case is folded erased but still holds the key
 * (any: true). */
static bool subject_key(const rg_case *cs, bool any, uint32_t pi, uint8_t out[SUBJ])
{
    if ((cs->erased && !any) || cs->dk_state != RG_DK_PRESENT) return false;
    char in[RG_ID_MAX + 48];
    int n = snprintf(in, sizeof in, "regie processing log subject:%s:P%u", cs->id, pi + 1);
    rg_keyed_hash(out, SUBJ, cs->dk, in, (size_t)n);
    return true;
}

/* The persons of cs (a case from before households has P1 only). */
static uint32_t persons(const rg_case *cs) { return cs->npersons ? cs->npersons : 1; }

bool rg_processing_subject(const rg_case *cs, char out[33])
{
    return rg_processing_subject_of(cs, 0, out);
}

bool rg_processing_subject_of(const rg_case *cs, uint32_t pi, char out[33])
{
    uint8_t s[SUBJ];
    if (!subject_key(cs, false, pi, s)) return false;
    rg_hex(out, s, SUBJ);
    return true;
}

/* The key of a record; its tail (start, subject, span) is what the index
 * keys end with. */
static size_t rec_key(uint8_t *k, const uint8_t subj[SUBJ], uint64_t start, const uint8_t span[8])
{
    k[0] = REC;
    memcpy(k + 1, subj, SUBJ);
    rg_be64_put(k + 1 + SUBJ, start);
    memcpy(k + 9 + SUBJ, span, 8);
    return 17 + SUBJ;
}

static size_t tail(uint8_t *k, const uint8_t subj[SUBJ], uint64_t start, const uint8_t span[8])
{
    rg_be64_put(k, start);
    memcpy(k + 8, subj, SUBJ);
    memcpy(k + 8 + SUBJ, span, 8);
    return 16 + SUBJ;
}

static size_t trace_key(uint8_t *k, const uint8_t trace[16], const uint8_t subj[SUBJ], uint64_t start,
                        const uint8_t span[8])
{
    k[0] = IDX;
    k[1] = 't';
    memcpy(k + 2, trace, 16);
    return 18 + tail(k + 18, subj, start, span);
}

static size_t activity_key(uint8_t *k, const char *act, const uint8_t subj[SUBJ], uint64_t start,
                           const uint8_t span[8])
{
    size_t an = strlen(act);
    RG_ASSERT(an <= 128);
    k[0] = IDX;
    k[1] = 'a';
    memcpy(k + 2, act, an + 1);
    return 3 + an + tail(k + 3 + an, subj, start, span);
}

/* The record of one processing of person pi of cs; err 0 for one that
 * was done (status OK), else the error code it was refused or failed with
 * (status ERROR, and the code).  any: the erasure's own record, made while
 * the case is folded erased but still holds its key. */
static void put_person(rg_ctx *c, const rg_case *cs, uint32_t pi, const rg_activity *act, int err, bool any)
{
    uint8_t subj[SUBJ];
    if (!subject_key(cs, any, pi, subj)) return;
    rg_engine *e = c->e;
    rg_commit *t = rg_commit_current(e);
    char h[65];
    uint64_t end = rg_clock_now(&e->clock);
    rg_buf v = RG_BUF_INIT;
    rg_w_map(&v, err ? 12 : 11);
    rg_hex(h, c->trace.trace_id, 16);
    rg_w_kstr(&v, "trace_id", h);
    rg_hex(h, c->trace.span_id, 8);
    rg_w_kstr(&v, "span_id", h);
    rg_w_cstr(&v, "parent_span_id");
    if (c->trace.has_parent) {
        rg_hex(h, c->trace.parent, 8);
        rg_w_cstr(&v, h);
    } else {
        rg_w_nil(&v);
    }
    /* A change's record is in the batch of what it records; a request
     * refused or failed after it reached the case wrote nothing else, and
     * its record says so. */
    rg_w_kstr(&v, "status", err ? "ERROR" : "OK");
    if (err) rg_w_kstr(&v, "error", rg_strerror(err));
    rg_w_kuint(&v, "start_time", c->now);
    rg_w_kuint(&v, "end_time", end < c->now ? c->now : end);
    rg_w_kstr(&v, "processing_activity_id", act->id);
    rg_hex(h, subj, SUBJ);
    rg_w_kstr(&v, "data_subject_id", h);
    /* The organisation that processed, the region whose case it is; who
     * acted is in the audit record of the same span. */
    rg_w_kstr(&v, "org", c->actor->org);
    rg_w_kstr(&v, "role", rg_role_name(c->actor->role));
    rg_w_kstr(&v, "zvh", cs->zvh);
    uint8_t k[KEY_MAX];
    rg_batch_put(t->batch, RG_CF_AUDIT, k, rec_key(k, subj, c->now, c->trace.span_id), v.data, v.len);
    rg_batch_put(t->batch, RG_CF_AUDIT, k, trace_key(k, c->trace.trace_id, subj, c->now, c->trace.span_id), "", 0);
    rg_batch_put(t->batch, RG_CF_AUDIT, k, activity_key(k, act->id, subj, c->now, c->trace.span_id), "", 0);
    rg_buf_free(&v);
    t->naudit++;
}

/* One record per data subject: each person of the case not removed or erased. */
static void put_one(rg_ctx *c, const rg_case *cs, const rg_activity *act, int err, bool any)
{
    for (uint32_t pi = 0; pi < persons(cs); pi++)
        if (!cs->npersons || (!cs->persons[pi].removed && !cs->persons[pi].erased))
            put_person(c, cs, pi, act, err, any);
}

/* The register's entry of what c does: its operation's, or for the
 * engine's own command the entry of its step. */
static const rg_activity *activity(const rg_ctx *c)
{
    if (!c->op || !c->actor) return NULL;
    return rg_activity_of(c->step ? c->step : c->op->name);
}

void rg_processing_request(rg_ctx *c)
{
    const rg_activity *act = activity(c);
    if (!act) return;
    rg_engine *e = c->e;
    size_t before = e->open->naudit;
    rg_hmap seen;
    rg_hmap_init(&seen);
    /* The case a change acted on (not one it erased: its records went with
     * its key), then every case the reply showed. */
    if (c->cs && c->nevs > 0 && (c->op->flags & RG_OP_MUTATES)) {
        rg_hmap_put(&seen, c->cs->id, strlen(c->cs->id), c->cs);
        put_one(c, c->cs, act, 0, false);
    }
    if (c->naudit_cases) {
        rg_buf arr = RG_BUF_INIT;
        rg_w_array(&arr, c->naudit_cases);
        rg_buf_append(&arr, c->audit_cases.data, c->audit_cases.len);
        rg_doc *d = NULL;
        const char *why;
        if (rg_doc_parse(&d, arr.data, arr.len, &why) == 0) {
            const rg_val *ids = rg_doc_root(d);
            for (uint32_t i = 0; i < rg_array_size(ids); i++) {
                char id[RG_ID_MAX];
                rg_case *cs;
                if (!rg_val_strcpy(rg_array_at(ids, i), id, sizeof id) || rg_hmap_get(&seen, id, strlen(id)))
                    continue;
                if (rg_store_case(e, id, &cs) < 0) continue;
                rg_hmap_put(&seen, id, strlen(id), cs);
                put_one(c, cs, act, 0, false);
            }
        }
        rg_doc_free(d);
        rg_buf_free(&arr);
    }
    rg_hmap_free(&seen);
    if (e->open->naudit > before) rg_commit_want(e);
}

void rg_processing_failed(rg_ctx *c, int err)
{
    const rg_activity *act = activity(c);
    RG_ASSERT(err < 0);
    if (!act || !c->touched || !c->cs || c->created) return;
    size_t before = c->e->open->naudit;
    put_one(c, c->cs, act, err, false);
    if (c->e->open->naudit > before) rg_commit_want(c->e);
}

void rg_processing_erasure(rg_ctx *c)
{
    const rg_activity *act = activity(c);
    RG_ASSERT(c->cs && c->cs->erased);
    if (act) put_one(c, c->cs, act, 0, true);
}

void rg_processing_erase_person(rg_engine *e, rg_batch *b, const rg_case *cs, uint32_t pi)
{
    uint8_t subj[SUBJ];
    if (!subject_key(cs, true, pi, subj)) return;
    uint8_t from[1 + SUBJ], to[1 + SUBJ + 17];
    from[0] = REC;
    memcpy(from + 1, subj, SUBJ);
    memcpy(to, from, sizeof from);
    memset(to + 1 + SUBJ, 0xff, 17);
    /* The index keys of the durable records (those of records still in a
     * pending commit are left, pointing nowhere: a reader skips them). */
    rg_iter *it = rg_iter_new(e->log, RG_CF_AUDIT);
    for (rg_iter_seek(it, from, sizeof from); rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn, vn;
        const uint8_t *key = rg_iter_key(it, &kn);
        if (kn != 17 + SUBJ || memcmp(key, from, sizeof from) != 0) break;
        const uint8_t *val = rg_iter_value(it, &vn);
        rg_doc *d = NULL;
        const char *why;
        if (rg_doc_parse(&d, val, vn, &why) < 0) continue;
        const rg_val *rec = rg_doc_root(d);
        char th[40] = "", act[160] = "";
        uint8_t trace[16], k[KEY_MAX];
        uint64_t start = rg_be64_get(key + 1 + SUBJ);
        const uint8_t *span = key + 9 + SUBJ;
        rg_val_strcpy(rg_map_get(rec, "trace_id"), th, sizeof th);
        rg_val_strcpy(rg_map_get(rec, "processing_activity_id"), act, sizeof act);
        if (strlen(th) == 32 && unhex(th, 16, trace) == 0)
            rg_batch_del(b, RG_CF_AUDIT, k, trace_key(k, trace, subj, start, span));
        if (act[0] && strlen(act) <= 128) rg_batch_del(b, RG_CF_AUDIT, k, activity_key(k, act, subj, start, span));
        rg_doc_free(d);
    }
    rg_iter_end(it);
    /* The records themselves, pending ones of this batch included. */
    rg_batch_del_range(b, RG_CF_AUDIT, from, sizeof from, to, sizeof to);
}

void rg_processing_erase(rg_engine *e, rg_batch *b, const rg_case *cs)
{
    for (uint32_t pi = 0; pi < persons(cs); pi++) rg_processing_erase_person(e, b, cs, pi);
}

/* ---- the auditor's query ---- */

/* Seek start (prefix pn bytes), skipping past cursor when given. */
int rg_processing_query(rg_engine *e, char by, const char *id, const char *zvh, const char *after,
                        uint32_t limit, rg_buf *out, uint32_t *count, char *next, size_t nextcap)
{
    uint8_t prefix[KEY_MAX], cursor[KEY_MAX];
    size_t pn = 0, cn = 0, idn = strlen(id);
    *count = 0;
    next[0] = 0;
    if (by == 's' || by == 't') {
        if (idn != 32) return RG_EBADREQ;
        if (by == 's') {
            prefix[0] = REC;
            if (unhex(id, 16, prefix + 1) < 0) return RG_EBADREQ;
            pn = 1 + SUBJ;
        } else {
            prefix[0] = IDX;
            prefix[1] = 't';
            if (unhex(id, 16, prefix + 2) < 0) return RG_EBADREQ;
            pn = 18;
        }
    } else {
        if (idn == 0 || idn > 128) return RG_EBADREQ;
        prefix[0] = IDX;
        prefix[1] = 'a';
        memcpy(prefix + 2, id, idn + 1);
        pn = 3 + idn;
    }
    if (after && after[0]) {
        size_t an = strlen(after);
        if (an % 2 || an / 2 > sizeof cursor || unhex(after, an / 2, cursor) < 0) return RG_EBADREQ;
        cn = an / 2;
        if (cn < pn || memcmp(cursor, prefix, pn) != 0) return RG_EBADREQ;
    }
    rg_iter *it = rg_iter_new(e->log, RG_CF_AUDIT);
    rg_buf rec = RG_BUF_INIT;
    int rc = 0;
    if (cn) rg_iter_seek(it, cursor, cn);
    else rg_iter_seek(it, prefix, pn);
    for (; rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn;
        const uint8_t *key = rg_iter_key(it, &kn);
        if (kn < pn || memcmp(key, prefix, pn) != 0) break;
        if (cn && kn == cn && memcmp(key, cursor, cn) == 0) continue;
        if (*count >= limit) {
            /* There is more: go on after the last one given. */
            break;
        }
        const uint8_t *val;
        size_t vn;
        rg_buf_reset(&rec);
        if (by == 's') {
            if (kn != 17 + SUBJ) continue;
            val = rg_iter_value(it, &vn);
        } else {
            /* An index key: its tail names the record. */
            if (kn < pn + 16 + SUBJ) continue;
            const uint8_t *tl = key + kn - (16 + SUBJ);
            uint8_t rk[KEY_MAX];
            size_t rkn = rec_key(rk, tl + 8, rg_be64_get(tl), tl + 8 + SUBJ);
            int g = rg_log_get(e->log, RG_CF_AUDIT, rk, rkn, &rec);
            if (g == RG_ENOTFOUND) continue;      /* its case was erased meanwhile */
            if (g < 0) {
                rc = RG_ESTORAGE;
                break;
            }
            val = rec.data;
            vn = rec.len;
        }
        /* Only the region's own records. */
        rg_doc *d = NULL;
        const char *why;
        if (rg_doc_parse(&d, val, vn, &why) < 0) continue;
        bool mine = !zvh || rg_val_is_str(rg_map_get(rg_doc_root(d), "zvh"), zvh);
        rg_doc_free(d);
        if (mine) {
            rg_buf_append(out, val, vn);
            (*count)++;
        }
        if (*count == limit && 2 * kn < nextcap) rg_hex(next, key, kn);
    }
    /* A full page that reached the end of the prefix still names its last
     * key: the next call answers an empty page with no next. */
    if (rg_iter_end(it) < 0) rc = RG_ESTORAGE;
    rg_buf_free(&rec);
    if (rc < 0) next[0] = 0;
    return rc;
}
