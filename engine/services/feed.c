/*
 * feed.c - the feed service: pages of the events a reader may see, found
 * through the index the write path keeps (core/feed_index.h) without a scan
 * of the whole log, and long-poll readers parked until new events are
 * durable.  Managers read the `events` column family itself; a partner that
 * takes part in 10 of 100,000 cases seeks straight to its own entries.
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
 * answered with whatever there is (an empty page).  On close every parked
 * request is answered the same way.
 */
#include "feed.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/feed_index.h"
#include "../core/pipeline.h"
#include "../core/state.h"
#include "../domain/access.h"
#include "../domain/upcast.h"
#include "../storage/errors.h"
#include "../core/reads.h"
#include "../core/reply.h"

/* One parked long-poll. */
typedef struct parked {
    uint8_t *req;
    size_t len;
    rg_reply_fn fn;
    void *ud;
    uint64_t deadline;        /* uv_now() ms */
    char actor[RG_ID_MAX], zvh[RG_ID_MAX];   /* whose, for the caps */
    struct parked *next;
} parked;

struct rg_feed {
    rg_engine *e;
    parked *head;
    size_t count;
    size_t limit;             /* parked at most; beyond, overloaded at once */
    size_t per_actor, per_region;
    rg_hmap by_actor, by_region;   /* id -> parked count (a size_t cast to a pointer) */
    uv_timer_t timer;         /* the earliest deadline */
};

/* The parked count of one actor or region, moved by d. */
static size_t held(rg_hmap *m, const char *id, int d)
{
    size_t n = strlen(id);
    size_t had = (size_t)(uintptr_t)rg_hmap_get(m, id, n);
    RG_ASSERT(d >= 0 || had > 0);             /* a reader unparked was parked */
    size_t v = had + (size_t)(intptr_t)d;
    if (d == 0) return v;
    if (v == 0) rg_hmap_del(m, id, n);
    else rg_hmap_put(m, id, n, (void *)(uintptr_t)v);
    return v;
}

/* ---- reading a page ---- */

typedef struct page {
    rg_ctx *c;
    uint32_t limit, count;
    uint64_t next;
    rg_buf events;
    uint32_t examined;        /* positions looked at, shown or not */
} page;

/* A page looks at no more than this many positions, shown or not, so that
 * a reader who may see little of a large log gets its answer (and `next`
 * moved on) in bounded time. */
#define EXAMINE_MAX 10000


/* Look at the event at seq: add it to the page if the reader may see it
 * now (access.c: its region, covenants, participation or assignment, and
 * the version it joined), rendered for them.  The index only narrows the
 * search; this decides.  A position looked at is passed either way. */
static int add(page *pg, rg_engine *e, uint64_t seq)
{
    rg_buf rec = RG_BUF_INIT;
    rg_record r;
    rg_doc *d = NULL;
    const char *why;
    char case_id[RG_ID_MAX] = "";
    uint64_t v = 0;
    rg_case *cs = NULL;
    const rg_actor *a = rg_ctx_actor(pg->c);
    /* A page walks forward: each position after the last one looked at. */
    RG_ASSERT(seq > pg->next);
    int rc = rg_reads_event(e, seq, &rec);
    if (rc == 0) rc = rg_record_parse(rec.data, rec.len, &r);
    if (rc == 0) rc = rg_doc_parse(&d, r.pub, r.pub_len, &why);
    if (rc == 0 && (!rg_val_strcpy(rg_map_get(rg_doc_root(d), "case"), case_id, sizeof case_id) ||
                    !rg_val_uint(rg_map_get(rg_doc_root(d), "v"), &v)))
        rc = RG_ESTORAGE;
    rg_doc_free(d);
    if (rc == 0) rc = rg_store_case(e, case_id, &cs);
    /* Not an event about a person kept from the reader's org (person.share). */
    if (rc == 0 && rg_access_event(a, cs, (uint32_t)v, seq) && rg_render_shown(&r, a, cs)) {
        rg_render_event(&pg->events, &r, rg_access_subject(a, cs), a, cs);
        rg_ctx_audit_case(pg->c, case_id);
        pg->count++;
    }
    if (rc == 0) pg->next = seq;
    pg->examined++;
    rg_buf_free(&rec);
    return rc < 0 ? RG_ESTORAGE : 0;
}

static int page_all(page *pg, rg_engine *e, uint64_t after)
{
    uint8_t k[8];
    rg_be64_put(k, after + 1);
    rg_iter *it = rg_iter_new(e->log, RG_CF_EVENTS);
    int rc = 0;
    for (rg_iter_seek(it, k, 8); rg_iter_valid(it) && pg->count < pg->limit && pg->examined < EXAMINE_MAX;
         rg_iter_next(it)) {
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
    uint8_t start[RG_FEED_KEY_MAX];
    size_t sn = rg_feed_key(start, kind, name, after + 1);
    rg_iter *it = rg_iter_new(e->log, RG_CF_FEED);
    int rc = 0;
    for (rg_iter_seek(it, start, sn);
         rg_iter_valid(it) && pg->count < pg->limit && pg->examined < EXAMINE_MAX; rg_iter_next(it)) {
        size_t kn;
        const uint8_t *key = rg_iter_key(it, &kn);
        if (kn != sn || memcmp(key, start, sn - 8) != 0) break;
        if ((rc = add(pg, e, rg_be64_get(key + sn - 8))) < 0) break;
    }
    if (rg_iter_end(it) < 0) rc = RG_ESTORAGE;
    return rc;
}

int rg_feed_page(rg_ctx *c, const char *kind_name, char kind, uint64_t after, uint32_t limit,
                 rg_feed_page_out *out)
{
    page pg = {c, limit, 0, after, RG_BUF_INIT, 0};
    rg_engine *e = rg_ctx_engine(c);
    int rc = kind ? page_index(&pg, e, kind, kind_name, after) : page_all(&pg, e, after);
    out->count = pg.count;
    out->next = pg.next;
    out->events = pg.events;
    if (rc < 0) rg_buf_free(&out->events);
    return rc;
}

/* ---- parked long-polls ---- */

static void arm(rg_feed *f);

/* Run the list again, each request once: a request that still finds
 * nothing parks itself anew (with its original deadline); `final` makes it
 * answer whatever there is. */
static void run_all(rg_feed *f, parked *list, bool final)
{
    while (list) {
        parked *p = list;
        list = p->next;
        rg_pipeline_run(f->e, p->req, p->len, p->fn, p->ud, p->deadline, final);
        free(p->req);
        free(p);
    }
}

/* Take the parked requests whose deadline passed (all when every is true)
 * off the list, in a list of their own. */
static parked *take(rg_feed *f, uint64_t now, bool every)
{
    parked **pp = &f->head, *out = NULL, **tail = &out;
    while (*pp) {
        parked *p = *pp;
        if (every || p->deadline <= now) {
            RG_ASSERT(f->count > 0);
            *pp = p->next;
            f->count--;
            held(&f->by_actor, p->actor, -1);
            held(&f->by_region, p->zvh, -1);
            p->next = NULL;
            *tail = p;
            tail = &p->next;
        } else {
            pp = &p->next;
        }
    }
    return out;
}

static void timer_cb(uv_timer_t *t)
{
    rg_feed *f = t->data;
    run_all(f, take(f, uv_now(rg_engine_loop(f->e)), false), true);
    arm(f);
}

static void arm(rg_feed *f)
{
    uint64_t first = UINT64_MAX;
    for (parked *p = f->head; p; p = p->next)
        if (p->deadline < first) first = p->deadline;
    if (first == UINT64_MAX) {
        uv_timer_stop(&f->timer);
        return;
    }
    uint64_t now = uv_now(rg_engine_loop(f->e));
    uv_timer_start(&f->timer, timer_cb, first > now ? first - now : 0, 0);
}

void rg_feed_set_limit(rg_feed *f, size_t max_parked) { f->limit = max_parked ? max_parked : 1; }

void rg_feed_set_caps(rg_feed *f, size_t per_actor, size_t per_region)
{
    f->per_actor = per_actor ? per_actor : 1;
    f->per_region = per_region ? per_region : 1;
}

void rg_feed_park(rg_feed *f, rg_ctx *c, uint32_t wait_ms)
{
    /* A parked long-poll costs memory (and a context of the server), not
     * a thread: the caps bound that memory, per actor and per region so
     * that one partner's readers never refuse another's, nor one region's
     * another region's (issue 20, finding 10).  Past a cap the reader is
     * told at once to come back later; nothing was read, so the answer
     * waits for no commit. */
    const rg_actor *a = rg_ctx_actor(c);
    const char *why = NULL;
    if (held(&f->by_actor, a->id, 0) >= f->per_actor) why = "too many of your readers waiting for new events";
    else if (held(&f->by_region, a->zvh, 0) >= f->per_region)
        why = "too many readers of your region waiting for new events";
    else if (f->count >= f->limit) why = "too many readers waiting for new events";
    if (why) {
        rg_reply_fn fn;
        void *ud;
        rg_ctx_take_reply(c, &fn, &ud);
        rg_buf b = RG_BUF_INIT;
        char msg[128];
        snprintf(msg, sizeof msg, "%s; ask again later", why);
        rg_error_reply(&b, RG_EOVERLOAD, msg);
        fn(ud, b.data, b.len);
        rg_buf_free(&b);
        return;
    }
    const uint8_t *p;
    size_t n;
    rg_ctx_request_bytes(c, &p, &n);
    parked *w = rg_malloc(sizeof *w);
    w->req = rg_malloc(n);
    memcpy(w->req, p, n);
    w->len = n;
    rg_ctx_take_reply(c, &w->fn, &w->ud);
    w->deadline = rg_ctx_deadline(c) ? rg_ctx_deadline(c) : uv_now(rg_engine_loop(f->e)) + wait_ms;
    snprintf(w->actor, sizeof w->actor, "%s", a->id);
    snprintf(w->zvh, sizeof w->zvh, "%s", a->zvh);
    held(&f->by_actor, w->actor, +1);
    held(&f->by_region, w->zvh, +1);
    w->next = f->head;
    f->head = w;
    f->count++;
    arm(f);
}

size_t rg_feed_parked(const rg_feed *f) { return f->count; }

static void on_durable(void *ud, rg_engine *e, rg_commit *t)
{
    (void)e;
    rg_feed *f = ud;
    if (!t->nevents || !f->count) return;
    run_all(f, take(f, 0, true), false);
    arm(f);
}

void rg_feed_answer_all(rg_feed *f)
{
    run_all(f, take(f, 0, true), true);
    uv_timer_stop(&f->timer);
}

static void closed_cb(uv_handle_t *h)
{
    rg_feed *f = h->data;
    rg_hmap_free(&f->by_actor);
    rg_hmap_free(&f->by_region);
    free(f);
}

static void on_close(void *ud, rg_engine *e)
{
    (void)e;
    rg_feed *f = ud;
    rg_feed_answer_all(f);
    uv_close((uv_handle_t *)&f->timer, closed_cb);
}

static const rg_listener_ops feed_ops = {"feed", NULL, on_durable, NULL, NULL, on_close};

int rg_feed_attach(rg_engine *e, rg_feed **out)
{
    rg_feed *f = rg_calloc(1, sizeof *f);
    f->e = e;
    f->limit = RG_FEED_PARK_DEFAULT;
    f->per_actor = RG_FEED_PARK_ACTOR;
    f->per_region = RG_FEED_PARK_REGION;
    rg_hmap_init(&f->by_actor);
    rg_hmap_init(&f->by_region);
    uv_timer_init(rg_engine_loop(e), &f->timer);
    f->timer.data = f;
    int rc = rg_engine_listen(e, &feed_ops, f);
    if (rc < 0) {
        uv_close((uv_handle_t *)&f->timer, closed_cb);
        return rc;
    }
    *out = f;
    return 0;
}
