/*
 * check.c - the checker.  It knows the engine only through the contract:
 * it reads the whole log back with a manager's feed.read, asks log.verify
 * and stats, and holds them against what the clients were told:
 *   - every acknowledged event is in the log, at its position, with its
 *     case, version and type;
 *   - positions are gapless from 1, none twice; versions gapless per case;
 *   - every event not by `system` belongs to exactly one acknowledged
 *     request (an event no reply claims is a request executed twice, or
 *     one executed whose repeat was not answered from its record);
 *   - log.verify finds the chain intact and as long as the log;
 *   - the feed reader, resuming from its saved `next` across every
 *     restart, saw each position exactly once, in order;
 *   - the state derived from the log equals a rebuild of it: the data
 *     directory is copied, `regied --rebuild` run on the copy, and every
 *     case.get and the counts of stats compared.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "torture.h"

typedef struct logev {
    uint64_t seq, v;
    char case_id[24];
    char type[32];
    char actor[24];
    int claimed;
} logev;

static int query(t_world *w, rg_client **c, const char *op, const char *tok, const char *case_id,
                 t_reply *r)
{
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, op, tok, NULL, case_id, -1, -1);
    int rc = t_call(c, w->p.url, &b, r, true, NULL);
    rg_buf_free(&b);
    return rc;
}

/* The whole log, through feed.read as a manager. */
static logev *read_log(t_world *w, rg_client **c, uint64_t head, size_t *n)
{
    logev *ev = calloc(head + 1, sizeof *ev);
    *n = 0;
    uint64_t after = 0;
    rg_buf b = RG_BUF_INIT;
    while (after < head) {
        rg_buf_reset(&b);
        rg_req_envelope(&b, "feed.read", w->mgr, NULL, NULL, -1, 2);
        rg_w_kuint(&b, "after", after);
        rg_w_kuint(&b, "limit", 1000);
        t_reply r;
        if (t_call(c, w->p.url, &b, &r, true, NULL) < 0 || !r.ok) {
            t_violation(w, "feed.read after %llu failed: %s", (unsigned long long)after, r.err);
            t_reply_free(&r);
            break;
        }
        const rg_val *evs = rg_map_get(r.root, "events");
        uint64_t next = after;
        rg_val_uint(rg_map_get(r.root, "next"), &next);
        for (uint32_t i = 0; i < rg_array_size(evs) && *n <= head; i++) {
            const rg_val *e = rg_array_at(evs, i);
            logev *x = &ev[(*n)++];
            rg_val_uint(rg_map_get(e, "seq"), &x->seq);
            rg_val_uint(rg_map_get(e, "v"), &x->v);
            rg_val_strcpy(rg_map_get(e, "case"), x->case_id, sizeof x->case_id);
            rg_val_strcpy(rg_map_get(e, "type"), x->type, sizeof x->type);
            rg_val_strcpy(rg_map_get(rg_map_get(e, "actor"), "id"), x->actor, sizeof x->actor);
        }
        t_reply_free(&r);
        if (next == after) break;               /* nothing more */
        after = next;
    }
    rg_buf_free(&b);
    return ev;
}

/* Case ids of the log, each once. */
static char (*case_ids(const logev *ev, size_t n, size_t *nc))[24]
{
    char (*ids)[24] = calloc(n + 1, 24);
    *nc = 0;
    for (size_t i = 0; i < n; i++)
        if (ev[i].v == 1) snprintf(ids[(*nc)++], 24, "%s", ev[i].case_id);
    return ids;
}

/* What a rebuild must reproduce: every case.get's case and the counts of
 * stats, re-encoded into one buffer. */
static int derived(t_world *w, rg_client **c, char (*ids)[24], size_t nc, rg_buf *out)
{
    t_reply r;
    for (size_t i = 0; i < nc; i++) {
        if (query(w, c, "case.get", w->mgr, ids[i], &r) < 0) return -1;
        rg_w_cstr(out, ids[i]);
        if (r.ok) rg_w_val(out, rg_map_get(r.root, "case"));
        else rg_w_cstr(out, r.err);
        t_reply_free(&r);
    }
    if (query(w, c, "stats", w->admin, NULL, &r) < 0) return -1;
    static const char *const keys[] = {"cases", "routes", "events", "total", "stagnations", "relapses"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        const rg_val *v = rg_map_get(r.root, keys[k]);
        rg_w_cstr(out, keys[k]);
        if (v) rg_w_val(out, v);
        else rg_w_nil(out);
    }
    t_reply_free(&r);
    return 0;
}

static void explain_difference(t_world *w, const rg_buf *a, const rg_buf *b)
{
    size_t i = 0;
    while (i < a->len && i < b->len && a->data[i] == b->data[i]) i++;
    t_violation(w, "the state derived from the log differs from a rebuild of it (%zu and %zu bytes, first "
                   "difference at byte %zu)", a->len, b->len, i);
}

int t_check(t_world *w)
{
    rg_client *c = NULL;
    t_reply r;
    int before = atomic_load(&w->violations);
    if (query(w, &c, "stats", w->admin, NULL, &r) < 0) return -1;
    uint64_t head = 0;
    rg_val_uint(rg_map_get(r.root, "log_head"), &head);
    t_reply_free(&r);

    /* The feed reader first catches up, then stops. */
    for (int i = 0; i < 600 && w->feed_next < head; i++) t_sleep_ms(100);
    atomic_store(&w->stop_reader, true);
    t_sleep_ms(700);

    if (query(w, &c, "log.verify", w->admin, NULL, &r) < 0) return -1;
    uint64_t checked = 0;
    rg_val_uint(rg_map_get(r.root, "checked"), &checked);
    if (!r.ok || rg_val_type(rg_map_get(r.root, "broken")) != RG_VNIL)
        t_violation(w, "log.verify: %s, broken chain", r.ok ? "answered" : r.err);
    if (checked != head)
        t_violation(w, "log.verify checked %llu events, stats counts %llu", (unsigned long long)checked,
                    (unsigned long long)head);
    t_reply_free(&r);

    size_t n;
    logev *ev = read_log(w, &c, head, &n);
    if (n != head) t_violation(w, "the feed shows %zu events, the head is at %llu", n, (unsigned long long)head);
    /* Gapless positions, none twice; gapless versions per case. */
    for (size_t i = 0; i < n; i++)
        if (ev[i].seq != i + 1) {
            t_violation(w, "position %zu of the log holds seq %llu", i + 1, (unsigned long long)ev[i].seq);
            break;
        }
    {
        /* versions: the last version seen per case, found by a small hash */
        size_t cap = 1;
        while (cap < 2 * n + 2) cap <<= 1;
        struct slot { char id[24]; uint64_t v; } *h = calloc(cap, sizeof *h);
        for (size_t i = 0; i < n; i++) {
            uint64_t hv = 1469598103934665603ULL;
            for (const char *p = ev[i].case_id; *p; p++) hv = (hv ^ (uint8_t)*p) * 1099511628211ULL;
            size_t s = hv & (cap - 1);
            while (h[s].id[0] && strcmp(h[s].id, ev[i].case_id) != 0) s = (s + 1) & (cap - 1);
            if (!h[s].id[0]) snprintf(h[s].id, 24, "%s", ev[i].case_id);
            if (ev[i].v != h[s].v + 1)
                t_violation(w, "%s: version %llu follows %llu (seq %llu)", ev[i].case_id,
                            (unsigned long long)ev[i].v, (unsigned long long)h[s].v,
                            (unsigned long long)ev[i].seq);
            h[s].v = ev[i].v;
        }
        free(h);
    }
    /* Every acknowledged event is there; every event of a request is
     * claimed by exactly one acknowledged request. */
    uint64_t acked_events = 0, oks = 0, refusals = 0;
    for (size_t i = 0; i < w->acks.n; i++) {
        t_ack *a = &w->acks.a[i];
        if (a->ok) oks++;
        else refusals++;
        for (uint32_t k = 0; k < a->nev; k++) {
            t_ev *e = &a->ev[k];
            acked_events++;
            if (e->seq == 0 || e->seq > n) {
                t_violation(w, "%s: acknowledged event seq %llu (%s %s v%llu) is not in the log", a->req,
                            (unsigned long long)e->seq, e->case_id, e->type, (unsigned long long)e->v);
                continue;
            }
            logev *x = &ev[e->seq - 1];
            if (x->v != e->v || strcmp(x->case_id, e->case_id) != 0 || strcmp(x->type, e->type) != 0)
                t_violation(w, "%s: acknowledged seq %llu was %s %s v%llu, the log has %s %s v%llu", a->req,
                            (unsigned long long)e->seq, e->case_id, e->type, (unsigned long long)e->v,
                            x->case_id, x->type, (unsigned long long)x->v);
            x->claimed++;
        }
    }
    uint64_t system_events = 0;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].claimed > 1)
            t_violation(w, "seq %llu (%s %s) claimed by %d replies", (unsigned long long)ev[i].seq,
                        ev[i].case_id, ev[i].type, ev[i].claimed);
        if (ev[i].claimed == 0) {
            if (strcmp(ev[i].actor, "system") == 0) system_events++;
            else
                t_violation(w, "seq %llu (%s %s by %s) is acknowledged by no reply: a request executed twice?",
                            (unsigned long long)ev[i].seq, ev[i].case_id, ev[i].type, ev[i].actor);
        }
    }
    /* The feed reader across restarts: 1..head, each once, in order. */
    size_t upto = w->nseen < n ? w->nseen : n;
    for (size_t i = 0; i < upto; i++)
        if (w->seen[i] != i + 1) {
            t_violation(w, "the resumed feed reader's event %zu was seq %llu", i + 1, (unsigned long long)w->seen[i]);
            break;
        }
    if (w->nseen != n)
        t_violation(w, "the resumed feed reader saw %zu events of %zu", w->nseen, n);
    printf("checked: %llu events in the log (%llu by the engine's deadlines), %llu acknowledged events, "
           "%llu requests ok, %llu refused; feed reader %zu events; log.verify %llu\n",
           (unsigned long long)n, (unsigned long long)system_events, (unsigned long long)acked_events,
           (unsigned long long)oks, (unsigned long long)refusals, w->nseen, (unsigned long long)checked);

    /* Repeats: a sample of the acknowledged changes sent again, byte for
     * byte, after all the restarts: each gets its first reply, and the log
     * does not grow.  (Not for erased cases: their sealed first replies no
     * longer open.) */
    size_t repeats = 0;
    rg_buf again = RG_BUF_INIT;
    for (size_t i = 0; i < w->acks.n; i++) {
        t_ack *a = &w->acks.a[i];
        bool erased = false;
        for (size_t k = 0; a->reqb && k < w->nerased && a->nev; k++)
            erased |= strcmp(w->erased[k], a->ev[0].case_id) == 0;
        if (!a->reqb || erased) continue;
        rg_buf_reset(&again);
        rg_buf_append(&again, a->reqb, a->reqn);
        t_reply rr;
        if (t_call(&c, w->p.url, &again, &rr, true, NULL) < 0) break;
        repeats++;
        if (rr.len != a->repn || memcmp(rr.bytes, a->repb, rr.len) != 0)
            t_violation(w, "%s sent again: a reply other than its first (%s)", a->req,
                        rr.ok ? "ok" : rr.err);
        t_reply_free(&rr);
    }
    rg_buf_free(&again);
    if (query(w, &c, "stats", w->admin, NULL, &r) == 0) {
        uint64_t after = 0;
        rg_val_uint(rg_map_get(r.root, "log_head"), &after);
        if (after != head)
            t_violation(w, "repeating %zu acknowledged requests moved the log from %llu to %llu events", repeats,
                        (unsigned long long)head, (unsigned long long)after);
        t_reply_free(&r);
    }
    printf("repeats: %zu acknowledged changes sent again got their first reply, the log unchanged\n", repeats);

    /* Derived state against a rebuild of a copy. */
    size_t nc;
    char (*ids)[24] = case_ids(ev, n, &nc);
    rg_buf live = RG_BUF_INIT, rebuilt = RG_BUF_INIT;
    if (derived(w, &c, ids, nc, &live) < 0) t_violation(w, "cannot read the derived state");
    rg_client_close(c);
    c = NULL;
    int st = t_stop(&w->p);
    if (st != 0) t_violation(w, "regied did not stop cleanly on SIGTERM (status %d)", st);
    char cmd[4096];
    /* The key goes along: it is kept beside the data directory (DIR.kek). */
    snprintf(cmd, sizeof cmd, "rm -rf '%s/copy' '%s/copy.kek' '%s/copy.ledger' && cp -a '%s' '%s/copy' 2>/dev/null; "
             "cp -a '%s.kek' '%s/copy.kek' && rm -f '%s/copy/rep.ipc' '%s/copy/pub.ipc'",
             w->root, w->root, w->root, w->p.dir, w->root, w->p.dir, w->root, w->root, w->root);
    if (system(cmd) != 0) t_violation(w, "cannot copy the data directory");
    t_proc copy = w->p;
    snprintf(copy.dir, sizeof copy.dir, "%s/copy", w->root);
    snprintf(copy.log, sizeof copy.log, "%s/rebuild.log", w->root);
    const char *rb[] = {"--rebuild", NULL};
    t_proc saved = w->p;
    w->p = copy;
    if (t_start(&w->p, rb, true, 300) < 0) {
        t_violation(w, "regied --rebuild on a copy did not come up (see %s)", copy.log);
    } else {
        if (derived(w, &c, ids, nc, &rebuilt) < 0) t_violation(w, "cannot read the rebuilt state");
        else if (live.len != rebuilt.len || memcmp(live.data, rebuilt.data, live.len) != 0)
            explain_difference(w, &live, &rebuilt);
        else printf("derived state equals a rebuild: %zu cases and stats compared\n", nc);
        rg_client_close(c);
        c = NULL;
        t_stop(&w->p);
    }
    w->p = saved;
    rg_buf_free(&live);
    rg_buf_free(&rebuilt);
    free(ids);
    free(ev);
    return atomic_load(&w->violations) - before;
}
