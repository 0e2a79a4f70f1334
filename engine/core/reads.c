/*
 * reads.c - reading the log for queries: a case's events (durable ones from
 * RocksDB, then those still in a pending commit) and the hash-chain walk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reads.h"
#include "ctx.h"
#include "request.h"
#include "snapshot.h"
#include "../storage/errors.h"

static uint64_t first_pending_seq(rg_engine *e)
{
    if (e->inflight && e->inflight->nevents) return e->inflight->events[0].seq;
    if (e->open->nevents) return e->open->events[0].seq;
    return UINT64_MAX;
}

static int pending_events(rg_commit *t, const rg_case *cs, rg_record_fn fn, void *ud)
{
    for (size_t i = 0; t && i < t->nevents; i++) {
        if (strcmp(t->events[i].case_id, cs->id) != 0) continue;
        rg_record r;
        int rc = rg_record_parse(t->events[i].record, t->events[i].len, &r);
        if (rc == 0) rc = fn(ud, &r);
        if (rc < 0) return rc;
    }
    return 0;
}

int rg_reads_case_events(rg_engine *e, const rg_case *cs, rg_record_fn fn, void *ud)
{
    /* A commit the writer has just synced may already be readable in RocksDB
     * before write_done runs: take from RocksDB only what precedes the first
     * pending position, so nothing is seen twice. */
    uint64_t limit = first_pending_seq(e);
    size_t idn = strlen(cs->id);
    uint8_t start[RG_ID_MAX + 5];
    memcpy(start, cs->id, idn);
    start[idn] = 0;
    rg_be32_put(start + idn + 1, 1);
    rg_iter *it = rg_iter_new(e->log, RG_CF_STREAM);
    rg_buf v = RG_BUF_INIT;
    int rc = 0;
    for (rg_iter_seek(it, start, idn + 5); rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn, vn;
        const uint8_t *k = rg_iter_key(it, &kn);
        const uint8_t *sv = rg_iter_value(it, &vn);
        if (kn != idn + 5 || memcmp(k, start, idn + 1) != 0) break;
        if (vn != 8) {
            rc = RG_ESTORAGE;
            break;
        }
        if (rg_be64_get(sv) >= limit) break;
        rg_buf_reset(&v);
        if ((rc = rg_log_get(e->log, RG_CF_EVENTS, sv, 8, &v)) < 0) {
            rc = RG_ESTORAGE;          /* an indexed event must exist */
            break;
        }
        rg_record r;
        if ((rc = rg_record_parse(v.data, v.len, &r)) < 0) break;
        if ((rc = fn(ud, &r)) < 0) break;
    }
    if (rg_iter_end(it) < 0 && rc == 0) rc = RG_ESTORAGE;
    rg_buf_free(&v);
    if (rc == 0) rc = pending_events(e->inflight, cs, fn, ud);
    if (rc == 0) rc = pending_events(e->open, cs, fn, ud);
    return rc;
}

int rg_reads_verify(rg_engine *e, uint64_t *count, uint64_t *broken, const char **why)
{
    uint8_t prev[RG_HASH_LEN] = {0};
    uint64_t expect = 1;
    *broken = 0;
    *why = NULL;
    rg_iter *it = rg_iter_new(e->log, RG_CF_EVENTS);
    for (rg_iter_seek_first(it); rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn, vn;
        const uint8_t *k = rg_iter_key(it, &kn);
        const uint8_t *v = rg_iter_value(it, &vn);
        if (kn != 8 || rg_be64_get(k) != expect) {
            *broken = expect;
            *why = "position missing (the log has a gap)";
            break;
        }
        if (!rg_record_verify(prev, v, vn)) {
            *broken = expect;
            *why = "hash link does not match the event and its predecessor";
            break;
        }
        memcpy(prev, v, RG_HASH_LEN);
        expect++;
    }
    /* A read error is not a broken chain: say so instead of reporting the
     * position where reading stopped. */
    if (rg_iter_end(it) < 0) return RG_ESTORAGE;
    *count = expect - 1;
    if (*broken) return 0;
    /* The durable head must name the last event and its link. */
    rg_buf h = RG_BUF_INIT;
    int rc = rg_log_get(e->log, RG_CF_META, "head", 4, &h);
    if (rc == 0 && h.len == 8 + RG_HASH_LEN) {
        uint64_t head = rg_be64_get(h.data);
        if (head > *count) {
            *broken = *count + 1;
            *why = "events missing before the recorded head";
        } else if (head < *count) {
            *broken = head + 1;
            *why = "events beyond the recorded head";
        } else if (memcmp(h.data + 8, prev, RG_HASH_LEN) != 0) {
            *broken = head;
            *why = "the recorded head hash does not match the last event";
        }
    } else if (rc != RG_ENOTFOUND || *count) {
        *broken = *count ? 1 : 0;
        *why = "the head record is missing or malformed";
        if (!*broken) *broken = 1;
    }
    rg_buf_free(&h);
    return 0;
}

static const rg_pending_event *find_pending(rg_commit *t, uint64_t seq)
{
    if (!t || !t->nevents || seq < t->events[0].seq || seq > t->events[t->nevents - 1].seq)
        return NULL;
    return &t->events[seq - t->events[0].seq];   /* positions are gapless */
}

int rg_reads_event(rg_engine *e, uint64_t seq, rg_buf *out)
{
    const rg_pending_event *pe = find_pending(e->inflight, seq);
    if (!pe) pe = find_pending(e->open, seq);
    if (pe) {
        rg_buf_append(out, pe->record, pe->len);
        return 0;
    }
    uint8_t k[8];
    rg_be64_put(k, seq);
    return rg_log_get(e->log, RG_CF_EVENTS, k, 8, out);
}

/* fn on case id (idn bytes): the cached one (it holds changes not yet
 * durable), else the stored one (snapshot.h).  A case without events is
 * skipped (indexed, never appended to). */
static int visit(rg_engine *e, const void *id, size_t idn, rg_case_fn fn, void *ud)
{
    rg_case *cs = rg_store_cached(e, id, idn), *tmp = NULL;
    if (!cs) {
        int rc = rg_snapshot_load(e->log, e->cfg.norm_amounts, id, idn, &tmp);
        if (rc == RG_ENOTFOUND) return 0;
        if (rc < 0) return rc;
        cs = tmp;
    }
    int rc = fn(ud, cs);
    rg_case_free(tmp);
    return rc;
}

int rg_reads_each_case(rg_engine *e, const char *after, rg_case_fn fn, void *ud)
{
    /* Every case with events is in the stream index (a case's snapshot
     * may not be written yet): one seek per case, past its versions. */
    rg_iter *it = rg_iter_new(e->log, RG_CF_STREAM);
    uint8_t next[RG_ID_MAX + 1];
    size_t an = after ? strlen(after) : 0;
    if (an >= RG_ID_MAX) an = RG_ID_MAX - 1;
    memcpy(next, after ? after : "", an);
    next[an] = 1;                              /* after every key of `after` */
    if (an) rg_iter_seek(it, next, an + 1); else rg_iter_seek_first(it);
    int rc = 0;
    while (rc == 0 && rg_iter_valid(it)) {
        size_t kn;
        const uint8_t *k = rg_iter_key(it, &kn);
        if (kn < 6 || kn - 5 >= RG_ID_MAX || k[kn - 5] != 0) {
            rc = RG_ESTORAGE;
            break;
        }
        size_t idn = kn - 5;
        memcpy(next, k, idn);
        next[idn] = 1;
        rc = visit(e, next, idn, fn, ud);
        rg_iter_seek(it, next, idn + 1);
    }
    if (rg_iter_end(it) < 0 && rc == 0) rc = RG_ESTORAGE;
    return rc < 0 ? rc : 0;
}

int rg_reads_each_case_in(rg_engine *e, const char *zvh, const char *after, rg_case_fn fn, void *ud)
{
    char start[RG_RX_KEY_MAX], prefix[RG_RX_KEY_MAX];
    size_t pn = rg_region_key(prefix, zvh, "");
    size_t sn = rg_region_key(start, zvh, after ? after : "");
    rg_iter *it = rg_iter_new(e->log, RG_CF_META);
    int rc = 0;
    for (rg_iter_seek(it, start, sn); rc == 0 && rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn;
        const uint8_t *k = rg_iter_key(it, &kn);
        if (kn <= pn || memcmp(k, prefix, pn) != 0) break;
        if (after && kn == sn && memcmp(k, start, sn) == 0) continue;   /* exclusive */
        rc = visit(e, k + pn, kn - pn, fn, ud);
    }
    if (rg_iter_end(it) < 0 && rc == 0) rc = RG_ESTORAGE;
    return rc < 0 ? rc : 0;
}

int rg_reads_median_lead(rg_engine *e, int state, const char *zvh, uint64_t *ms, uint64_t *count)
{
    *ms = 0;
    *count = 0;
    if (!e->lead_counts[state]) return RG_ENOTFOUND;
    uint8_t start = (uint8_t)state;
    rg_iter *it = rg_iter_new(e->log, RG_CF_LEADTIMES);
    rg_iter_seek(it, &start, 1);
    /* Durations sort within the state; the region is the key's tail (none:
     * a row from before regions, the first region's).  The median is the
     * middle one of the region's (the lower middle for an even count). */
    uint64_t *v = NULL;
    size_t n = 0, cap = 0, zn = strlen(zvh);
    for (; rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn;
        const uint8_t *k = rg_iter_key(it, &kn);
        if (kn < 17 || k[0] != start) break;
        bool mine = kn == 17 ? strcmp(zvh, RG_ZVH_DEFAULT) == 0 : kn - 17 == zn && memcmp(k + 17, zvh, zn) == 0;
        if (!mine) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            v = rg_realloc(v, cap * sizeof *v);
        }
        v[n++] = rg_be64_get(k + 1);
    }
    int rc = n ? 0 : RG_ENOTFOUND;
    if (n) *ms = v[(n - 1) / 2];
    *count = n;
    free(v);
    if (rg_iter_end(it) < 0) rc = RG_ESTORAGE;
    return rc;
}
