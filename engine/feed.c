/*
 * feed.c - the event feed: the index that lets a reader find its events
 * without scanning the whole log, the page reader behind feed.read, and the
 * long-poll readers parked until new events are durable.
 *
 * Index (column family `feed`, written in the same batch as the event):
 *   'o' org 0x00 be64(seq)    for every org taking part in the case when the
 *                             event was appended (from the version it joined)
 *   'p' actor 0x00 be64(seq)  for the case's procesregisseur at that time
 * Managers read the `events` column family itself.  A partner that takes
 * part in 10 of 100,000 cases thus seeks straight to its own entries.
 *
 * Gaplessness: `next` is the position of the last event returned (or
 * `after` when none).  Events not yet durable are not in RocksDB, and every
 * such event has a higher position than every durable one, so a reader that
 * asks again from `next` never skips one.
 *
 * Long-poll: a read that finds nothing and has wait_ms parks its request
 * (bytes, reply callback, deadline) here instead of holding a thread.  When a
 * commit with events becomes durable every parked request is run again
 * through the whole pipeline; at its deadline it is run a last time and
 * answered with whatever there is (an empty page).
 */
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "ctx.h"
#include "engine_int.h"
#include "errors.h"

typedef struct rg_parked {
    uint8_t *req;
    size_t len;
    rg_reply_fn fn;
    void *ud;
    uint64_t deadline;
    struct rg_parked *next;
} parked;

static size_t feed_key(uint8_t *k, char kind, const char *name, uint64_t seq)
{
    size_t n = strlen(name);
    k[0] = (uint8_t)kind;
    memcpy(k + 1, name, n);
    k[1 + n] = 0;
    rg_be64_put(k + 2 + n, seq);
    return n + 10;
}

void rg_feed_index(rg_batch *b, const rg_case *cs, uint64_t seq, uint32_t v)
{
    uint8_t k[RG_ID_MAX + 10];
    for (uint32_t i = 0; i < cs->nparts; i++)
        if (cs->parts[i].since <= v)
            rg_batch_put(b, RG_CF_FEED, k, feed_key(k, 'o', cs->parts[i].org, seq), "", 0);
    if (cs->procesregisseur[0])
        rg_batch_put(b, RG_CF_FEED, k, feed_key(k, 'p', cs->procesregisseur, seq), "", 0);
}

/* ---- reading a page ---- */

typedef struct page {
    rg_ctx *c;
    uint32_t limit, count;
    uint64_t next;
    rg_buf events;
} page;

/* Add the event at seq to the page; the reader's rights were settled by the
 * index (or by being a manager). */
static int add(page *pg, rg_engine *e, uint64_t seq)
{
    rg_buf rec = RG_BUF_INIT;
    rg_record r;
    int rc = rg_engine_event(e, seq, &rec);
    if (rc == 0) rc = rg_record_parse(rec.data, rec.len, &r);
    if (rc == 0) {
        rg_render_event(&pg->events, &r, true, rg_ctx_actor(pg->c));
        rg_ctx_audit_case_of(pg->c, &r);
        pg->count++;
        pg->next = seq;
    }
    rg_buf_free(&rec);
    return rc < 0 ? RG_ESTORAGE : 0;
}

static int page_all(page *pg, rg_engine *e, uint64_t after)
{
    uint8_t k[8];
    rg_be64_put(k, after + 1);
    rg_iter *it = rg_iter_new(e->log, RG_CF_EVENTS);
    int rc = 0;
    for (rg_iter_seek(it, k, 8); rg_iter_valid(it) && pg->count < pg->limit; rg_iter_next(it)) {
        size_t kn;
        const uint8_t *key = rg_iter_key(it, &kn);
        if (kn != 8) break;
        if ((rc = add(pg, e, rg_be64_get(key))) < 0) break;
    }
    if (rg_iter_end(it) < 0) rc = RG_ESTORAGE;
    return rc;
}

static int page_index(page *pg, rg_engine *e, char kind, const char *name, uint64_t after)
{
    uint8_t start[RG_ID_MAX + 10];
    size_t sn = feed_key(start, kind, name, after + 1);
    rg_iter *it = rg_iter_new(e->log, RG_CF_FEED);
    int rc = 0;
    for (rg_iter_seek(it, start, sn); rg_iter_valid(it) && pg->count < pg->limit; rg_iter_next(it)) {
        size_t kn;
        const uint8_t *key = rg_iter_key(it, &kn);
        if (kn != sn || memcmp(key, start, sn - 8) != 0) break;
        if ((rc = add(pg, e, rg_be64_get(key + sn - 8))) < 0) break;
    }
    if (rg_iter_end(it) < 0) rc = RG_ESTORAGE;
    return rc;
}

#define FEED_DEFAULT 100
#define FEED_MAX 1000
#define WAIT_MAX 300000

int rg_h_feed_read(rg_ctx *c)
{
    rg_engine *e = rg_ctx_engine(c);
    const rg_actor *a = rg_ctx_actor(c);
    uint64_t after = 0, limit = FEED_DEFAULT, wait = 0;
    rg_val_uint(rg_ctx_field(c, "after"), &after);
    if (rg_ctx_field(c, "limit") && (!rg_val_uint(rg_ctx_field(c, "limit"), &limit) || limit < 1 ||
                                      limit > FEED_MAX))
        return rg_ctx_fail(c, RG_EBADREQ, "data.limit: 1..%d", FEED_MAX);
    rg_val_uint(rg_ctx_field(c, "wait_ms"), &wait);
    if (wait > WAIT_MAX) return rg_ctx_fail(c, RG_EBADREQ, "data.wait_ms: at most %d", WAIT_MAX);

    page pg = {c, (uint32_t)limit, 0, after, RG_BUF_INIT};
    int rc;
    switch (a->role) {
    case RG_ROLE_MANAGER: rc = page_all(&pg, e, after); break;
    case RG_ROLE_PARTNER: rc = page_index(&pg, e, 'o', a->org, after); break;
    case RG_ROLE_PROCESREGISSEUR: rc = page_index(&pg, e, 'p', a->id, after); break;
    default: return rg_ctx_fail(c, RG_EFORBIDDEN, "a %s reads no case events", rg_role_name(a->role));
    }
    if (rc < 0) {
        rg_buf_free(&pg.events);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the feed failed");
    }
    if (pg.count == 0 && wait > 0 && !rg_ctx_final(c)) {
        rg_buf_free(&pg.events);
        rg_ctx_park(c, (uint32_t)wait);
        return 0;
    }
    rg_buf *b = rg_ctx_reply_key(c, "events");
    rg_w_array(b, pg.count);
    rg_buf_append(b, pg.events.data, pg.events.len);
    rg_buf_free(&pg.events);
    rg_w_uint(rg_ctx_reply_key(c, "next"), pg.next);
    return 0;
}

/* ---- parked long-polls ---- */

static void arm(rg_engine *e);

static void timer_cb(uv_timer_t *t)
{
    rg_engine *e = t->data;
    uint64_t now = uv_now(e->loop);
    parked **pp = &e->parked->head;
    parked *due = NULL, **tail = &due;
    while (*pp) {
        parked *p = *pp;
        if (p->deadline <= now) {
            *pp = p->next;
            e->parked->count--;
            p->next = NULL;
            *tail = p;
            tail = &p->next;
        } else {
            pp = &p->next;
        }
    }
    while (due) {
        parked *p = due;
        due = p->next;
        rg_engine_run(e, p->req, p->len, p->fn, p->ud, p->deadline, true);
        free(p->req);
        free(p);
    }
    arm(e);
}

static void arm(rg_engine *e)
{
    uint64_t first = UINT64_MAX;
    for (parked *p = e->parked->head; p; p = p->next)
        if (p->deadline < first) first = p->deadline;
    if (first == UINT64_MAX) {
        uv_timer_stop(&e->park_timer);
        return;
    }
    uint64_t now = uv_now(e->loop);
    uv_timer_start(&e->park_timer, timer_cb, first > now ? first - now : 0, 0);
}

void rg_feed_init(rg_engine *e)
{
    e->parked = rg_calloc(1, sizeof *e->parked);
    uv_timer_init(e->loop, &e->park_timer);
    e->park_timer.data = e;
}

void rg_feed_park(rg_engine *e, const uint8_t *p, size_t n, rg_reply_fn fn, void *ud,
                  uint64_t deadline)
{
    parked *w = rg_malloc(sizeof *w);
    w->req = rg_malloc(n);
    memcpy(w->req, p, n);
    w->len = n;
    w->fn = fn;
    w->ud = ud;
    w->deadline = deadline;
    w->next = e->parked->head;
    e->parked->head = w;
    e->parked->count++;
    arm(e);
}

void rg_feed_wake(rg_engine *e)
{
    /* Take the whole list first: a request that still finds nothing parks
     * itself again (with its original deadline). */
    parked *p = e->parked->head;
    e->parked->head = NULL;
    e->parked->count = 0;
    while (p) {
        parked *next = p->next;
        rg_engine_run(e, p->req, p->len, p->fn, p->ud, p->deadline, false);
        free(p->req);
        free(p);
        p = next;
    }
    arm(e);
}

void rg_feed_close(rg_engine *e)
{
    parked *p = e->parked->head;
    e->parked->head = NULL;
    e->parked->count = 0;
    while (p) {
        parked *next = p->next;
        rg_engine_run(e, p->req, p->len, p->fn, p->ud, p->deadline, true);
        free(p->req);
        free(p);
        p = next;
    }
    uv_timer_stop(&e->park_timer);
}
