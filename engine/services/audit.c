/*
 * audit.c - the audit service: a record of every operation that returns
 * personal data (case.get, case.history, feed.read pages with events,
 * cases.list, alerts.list, subject.known, audit.read, and the access export
 * of subject.decide, also when a repeat gives it again): who read
 * which cases, when, on whose behalf and for what purpose (the fields of
 * Logius' Logboek Dataverwerkingen: the ZVH processes on behalf of the
 * partner org the reader belongs to), and reading the trail back.
 *
 * The core tells it of each such read (on_read); the record goes into the
 * open commit's batch, and the read's reply waits for that commit, so a
 * record is durable before the content it records leaves the engine.
 *
 * audit   be64(n) -> {n, at, trace_id, span_id, actor, role, org, zvh, on_behalf_of,
 *                     purpose, basis, cases, refused}
 *         0xff case_id 0x00 be64(n) -> nothing: the records of a case (a data
 *                     subject's access request needs exactly those)
 *
 * Refused reads (a case the reader may not see, or only its triage view)
 * are recorded too, with refused: true.  A case id that is not one the
 * engine mints is recorded as "malformed", never as given (it may be a
 * name typed into the id; core/pipeline.c).  One actor's refused reads are
 * recorded one by one up to REFUSED_FREE in a window of REFUSED_WINDOW_MS;
 * beyond, they are counted, not written (a partner probing ids wrote 1,124
 * durable records a second, issue 20 finding 10), and when the window has
 * passed one record says how many: refused: true, cases [], and
 * `repeats`, the count.
 */
#include "audit.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "../core/ctx.h"
#include "../core/processing.h"
#include "../core/state.h"
#include "../storage/crypto.h"
#include "../storage/errors.h"

/* Index keys sort after every be64(n) record key (n < 2^56). */
#define RG_AUDIT_CASE_PREFIX 0xff

#define REFUSED_FREE 20
#define REFUSED_WINDOW_MS 1000

/* One actor's refused reads in the current window. */
typedef struct burst {
    uint64_t start;           /* now_ms() */
    uint32_t n;               /* recorded one by one */
    uint32_t over;            /* counted only */
    char actor[RG_ID_MAX], org[RG_ID_MAX], zvh[RG_ID_MAX];
    int role;
    const char *purpose, *basis;
} burst;

struct rg_audit {
    rg_engine *e;
    rg_hmap bursts;           /* actor id -> burst */
    uv_timer_t timer;         /* writes the counts of windows that passed */
    bool timer_on;
};

/* The org a read serves (CONTRACT.md, audit.read): a partner reads for its
 * own org; ZVH staff process on behalf of the partner that brought the case
 * to the ZVH (its reporting org), or their own org when the case is unknown
 * to them (a refused read). */
static void on_behalf_of(rg_engine *e, const rg_ctx *c, const char *case_id, char out[RG_ID_MAX])
{
    rg_case *cs = NULL;
    if (rg_ctx_actor(c)->role != RG_ROLE_PARTNER && !rg_ctx_refused(c) && rg_store_case(e, case_id, &cs) == 0)
        snprintf(out, RG_ID_MAX, "%s", cs->reporter_org);
    else
        snprintf(out, RG_ID_MAX, "%s", rg_ctx_actor(c)->org);
}

/* One record: the cases of c that a read showed (or refused) on behalf of
 * org, with the index key of each case. */
static void put_record(rg_engine *e, rg_ctx *c, const char *org, const char *const *ids, uint32_t n)
{
    rg_commit *t = rg_commit_current(e);
    RG_ASSERT(t && t != rg_commit_inflight(e));
    uint64_t rn = ++e->audit_seq;
    rg_buf v = RG_BUF_INIT;
    rg_w_map(&v, 13);
    rg_w_kuint(&v, "n", rn);
    rg_w_kuint(&v, "at", rg_ctx_now(c));
    /* The span of the request: its processing log records (core/
     * processing.h) carry the same, so the acting user is found from them. */
    char h[33];
    rg_hex(h, rg_ctx_trace(c)->trace_id, 16);
    rg_w_kstr(&v, "trace_id", h);
    rg_hex(h, rg_ctx_trace(c)->span_id, 8);
    rg_w_kstr(&v, "span_id", h);
    rg_w_kstr(&v, "actor", rg_ctx_actor(c)->id);
    rg_w_kstr(&v, "role", rg_role_name(rg_ctx_actor(c)->role));
    rg_w_kstr(&v, "org", rg_ctx_actor(c)->org);
    rg_w_kstr(&v, "zvh", rg_ctx_actor(c)->zvh);
    rg_w_kstr(&v, "on_behalf_of", org);
    rg_w_kstr(&v, "purpose", rg_ctx_op(c)->purpose ? rg_ctx_op(c)->purpose : rg_ctx_op(c)->name);
    rg_w_cstr(&v, "basis");
    if (rg_ctx_op(c)->basis) rg_w_cstr(&v, rg_ctx_op(c)->basis); else rg_w_nil(&v);
    rg_w_cstr(&v, "cases");
    rg_w_array(&v, n);
    for (uint32_t i = 0; i < n; i++) rg_w_cstr(&v, ids[i]);
    rg_w_kbool(&v, "refused", rg_ctx_refused(c));
    uint8_t k[8];
    rg_be64_put(k, rn);
    rg_batch_put(t->batch, RG_CF_AUDIT, k, 8, v.data, v.len);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t ik[RG_ID_MAX + 10];
        size_t idn = strlen(ids[i]);
        RG_ASSERT(idn < RG_ID_MAX);               /* case ids the engine holds */
        ik[0] = RG_AUDIT_CASE_PREFIX;
        memcpy(ik + 1, ids[i], idn + 1);
        rg_be64_put(ik + 2 + idn, rn);
        rg_batch_put(t->batch, RG_CF_AUDIT, ik, idn + 10, "", 0);
    }
    rg_buf_free(&v);
    t->naudit++;
}

/* The record of a window's refused reads that were counted, not written,
 * into batch b. */
static void put_count(rg_engine *e, rg_batch *batch, const burst *b)
{
    uint64_t rn = ++e->audit_seq;
    rg_buf v = RG_BUF_INIT;
    rg_w_map(&v, 12);
    rg_w_kuint(&v, "n", rn);
    rg_w_kuint(&v, "at", rg_clock_now(&e->clock));
    rg_w_kstr(&v, "actor", b->actor);
    rg_w_kstr(&v, "role", rg_role_name(b->role));
    rg_w_kstr(&v, "org", b->org);
    rg_w_kstr(&v, "zvh", b->zvh);
    rg_w_kstr(&v, "on_behalf_of", b->org);
    rg_w_kstr(&v, "purpose", b->purpose);
    rg_w_cstr(&v, "basis");
    if (b->basis) rg_w_cstr(&v, b->basis); else rg_w_nil(&v);
    rg_w_cstr(&v, "cases");
    rg_w_array(&v, 0);
    rg_w_kbool(&v, "refused", true);
    rg_w_kuint(&v, "repeats", b->over);
    uint8_t k[8];
    rg_be64_put(k, rn);
    rg_batch_put(batch, RG_CF_AUDIT, k, 8, v.data, v.len);
    rg_buf_free(&v);
}

/* Into the open commit, which is then sealed like any other. */
static void put_count_open(rg_engine *e, const burst *b)
{
    rg_commit *t = rg_commit_current(e);
    put_count(e, t->batch, b);
    t->naudit++;
    rg_commit_want(e);
}

/* Real time, not the loop's cached time (a window is about how fast an
 * actor asks, whatever the engine's clock says). */
static uint64_t now_ms(void) { return uv_hrtime() / 1000000; }

static void free_bursts(rg_audit *a)
{
    rg_hmap_slot *s;
    for (size_t i = 0; (i = rg_hmap_next(&a->bursts, i, &s)) != 0;) free(s->val);
    rg_hmap_free(&a->bursts);
    rg_hmap_init(&a->bursts);
}

static void arm(rg_audit *a);

/* Write the counts of the windows that passed; once no window is open,
 * forget every actor. */
static void timer_cb(uv_timer_t *t)
{
    rg_audit *a = t->data;
    a->timer_on = false;
    uint64_t now = now_ms();
    bool pending = false;
    rg_hmap_slot *s;
    for (size_t i = 0; (i = rg_hmap_next(&a->bursts, i, &s)) != 0;) {
        burst *b = s->val;
        if (now - b->start < REFUSED_WINDOW_MS) {
            pending = true;
            continue;
        }
        if (b->over) put_count_open(a->e, b);
        b->over = 0;
    }
    if (pending) arm(a);
    else free_bursts(a);
}

static void arm(rg_audit *a)
{
    if (a->timer_on) return;
    a->timer_on = true;
    uv_timer_start(&a->timer, timer_cb, REFUSED_WINDOW_MS, 0);
}

/* A refused read: true when it is to be written one by one, false when
 * only counted (its actor is past REFUSED_FREE in this window). */
static bool refused_free(rg_audit *a, const rg_ctx *c)
{
    uint64_t now = now_ms();
    const char *id = rg_ctx_actor(c)->id;
    size_t idn = strlen(id);
    burst *b = rg_hmap_get(&a->bursts, id, idn);
    if (b && now - b->start >= REFUSED_WINDOW_MS) {
        if (b->over) put_count_open(a->e, b);
        b->over = 0;
        b->n = 0;
        b->start = now;
    }
    if (!b) {
        b = rg_calloc(1, sizeof *b);
        b->start = now;
        snprintf(b->actor, sizeof b->actor, "%s", id);
        snprintf(b->org, sizeof b->org, "%s", rg_ctx_actor(c)->org);
        snprintf(b->zvh, sizeof b->zvh, "%s", rg_ctx_actor(c)->zvh);
        b->role = rg_ctx_actor(c)->role;
        rg_hmap_put(&a->bursts, id, idn, b);
    }
    arm(a);
    if (b->n < REFUSED_FREE) {
        b->n++;
        return true;
    }
    if (!b->over) {
        b->purpose = rg_ctx_op(c)->purpose ? rg_ctx_op(c)->purpose : rg_ctx_op(c)->name;
        b->basis = rg_ctx_op(c)->basis;
    }
    b->over++;
    return false;
}

static void on_read(void *ud, rg_ctx *c)
{
    rg_audit *au = ud;
    rg_engine *e = au->e;
    if (rg_ctx_refused(c) && !refused_free(au, c)) return;
    rg_doc *d;
    const char *why;
    /* The cases shown, as the context gathered them (a msgpack string each). */
    rg_buf arr = RG_BUF_INIT;
    const uint8_t *noted;
    size_t nlen;
    uint32_t nnoted;
    rg_ctx_audited(c, &noted, &nlen, &nnoted);
    rg_w_array(&arr, nnoted);
    rg_buf_append(&arr, noted, nlen);
    if (rg_doc_parse(&d, arr.data, arr.len, &why) < 0) {
        rg_buf_free(&arr);
        return;
    }
    const rg_val *cases = rg_doc_root(d);
    uint32_t n = rg_array_size(cases);
    char (*ids)[RG_ID_MAX] = rg_calloc(n ? n : 1, sizeof *ids);
    char (*orgs)[RG_ID_MAX] = rg_calloc(n ? n : 1, sizeof *orgs);
    bool *done = rg_calloc(n ? n : 1, sizeof *done);
    const char **group = rg_calloc(n ? n : 1, sizeof *group);
    for (uint32_t i = 0; i < n; i++) {
        rg_val_strcpy(rg_array_at(cases, i), ids[i], RG_ID_MAX);
        on_behalf_of(e, c, ids[i], orgs[i]);
    }
    /* One record per org served. */
    for (uint32_t i = 0; i < n; i++) {
        if (done[i]) continue;
        uint32_t g = 0;
        for (uint32_t j = i; j < n; j++)
            if (!done[j] && strcmp(orgs[j], orgs[i]) == 0) {
                done[j] = true;
                group[g++] = ids[j];
            }
        put_record(e, c, orgs[i], group, g);
    }
    /* A lookup by person or a read of the trail itself: one record even
     * when it showed no case. */
    if (n == 0 && rg_ctx_audit_wanted(c)) put_record(e, c, rg_ctx_actor(c)->org, NULL, 0);
    free(group);
    free(done);
    free(orgs);
    free(ids);
    rg_doc_free(d);
    rg_buf_free(&arr);
    rg_commit_want(e);
}

/* The records of one case, through the index keys 0xff case 0x00 be64(n). */
/* Whether the record (msgpack) was made in region zvh (NULL: any). */
static bool of_region(const uint8_t *p, size_t n, const char *zvh)
{
    if (!zvh) return true;
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, p, n, &why) < 0) return false;
    char z[RG_ID_MAX] = "";
    rg_val_strcpy(rg_map_get(rg_doc_root(d), "zvh"), z, sizeof z);
    rg_doc_free(d);
    return strcmp(z, zvh) == 0;
}

static int page_case(rg_audit *a, const char *case_id, const char *zvh, uint64_t after, uint32_t limit,
                     rg_buf *records, uint32_t *count, uint64_t *next)
{
    rg_log *log = rg_engine_log(a->e);
    uint8_t start[RG_ID_MAX + 10];
    size_t idn = strlen(case_id), sn = idn + 10;
    start[0] = RG_AUDIT_CASE_PREFIX;
    memcpy(start + 1, case_id, idn + 1);
    rg_be64_put(start + 2 + idn, after + 1);
    rg_iter *it = rg_iter_new(log, RG_CF_AUDIT);
    rg_buf rec = RG_BUF_INIT;
    *count = 0;
    *next = after;
    int rc = 0;
    for (rg_iter_seek(it, start, sn); rg_iter_valid(it) && *count < limit; rg_iter_next(it)) {
        size_t kn;
        const uint8_t *key = rg_iter_key(it, &kn);
        if (kn != sn || memcmp(key, start, sn - 8) != 0) break;
        rg_buf_reset(&rec);
        if ((rc = rg_log_get(log, RG_CF_AUDIT, key + sn - 8, 8, &rec)) < 0) break;
        *next = rg_be64_get(key + sn - 8);
        if (!of_region(rec.data, rec.len, zvh)) continue;
        rg_buf_append(records, rec.data, rec.len);
        (*count)++;
    }
    if (rg_iter_end(it) < 0) rc = RG_ESTORAGE;
    rg_buf_free(&rec);
    return rc < 0 ? RG_ESTORAGE : 0;
}

int rg_audit_page(rg_audit *a, const char *case_id, uint64_t after, uint32_t limit, rg_buf *records,
                  uint32_t *count, uint64_t *next)
{
    return rg_audit_page_region(a, case_id, NULL, after, limit, records, count, next);
}

int rg_audit_page_region(rg_audit *a, const char *case_id, const char *zvh, uint64_t after, uint32_t limit,
                         rg_buf *records, uint32_t *count, uint64_t *next)
{
    if (case_id) return page_case(a, case_id, zvh, after, limit, records, count, next);
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
        *next = rg_be64_get(key);
        if (!of_region(val, vn, zvh)) continue;
        rg_buf_append(records, val, vn);
        (*count)++;
    }
    return rg_iter_end(it);
}

static void closed_cb(uv_handle_t *h)
{
    rg_audit *a = h->data;
    free_bursts(a);
    rg_hmap_free(&a->bursts);
    free(a);
}

static void on_close(void *ud, rg_engine *e)
{
    rg_audit *a = ud;
    /* Counts of a window still open: written now, with the counter, in a
     * batch of their own (nothing else is pending at close). */
    rg_batch *batch = NULL;
    rg_hmap_slot *s;
    for (size_t i = 0; (i = rg_hmap_next(&a->bursts, i, &s)) != 0;) {
        burst *b = s->val;
        if (!b->over || e->failed) continue;
        if (!batch) batch = rg_batch_new(e->log);
        put_count(e, batch, b);
    }
    if (batch) {
        rg_store_put_meta(e, batch, false);
        if (rg_log_write(e->log, batch, true) < 0)
            fprintf(stderr, "regie: the count of refused reads of the last second could not be written\n");
        rg_batch_free(batch);
    }
    uv_timer_stop(&a->timer);
    uv_close((uv_handle_t *)&a->timer, closed_cb);
}

static const rg_listener_ops audit_ops = {"audit", NULL, NULL, NULL, on_read, on_close};

int rg_audit_attach(rg_engine *e, rg_audit **out)
{
    rg_audit *a = rg_calloc(1, sizeof *a);
    a->e = e;
    rg_hmap_init(&a->bursts);
    uv_timer_init(rg_engine_loop(e), &a->timer);
    a->timer.data = a;
    int rc = rg_engine_listen(e, &audit_ops, a);
    if (rc < 0) {
        uv_close((uv_handle_t *)&a->timer, closed_cb);
        return rc;
    }
    *out = a;
    return 0;
}
