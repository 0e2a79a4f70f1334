/*
 * state.c - the engine's in-memory state and the log: loading it at start (and
 * after a failed commit), the case cache, and the meta and actor records.
 *
 * meta keys:  "head"         be64(seq) || link[32]   position and hash of the last event
 *             "case_counter" be64                    last number of the old global ids
 *             "numbers"      msgpack {zvh: last}     each region's last case number
 *             "audit_seq"    be64                    last audit record number
 *             "alert_seq"    be64                    last alert number
 *             "stagnations"  be64                    open stagnations over all cases
 *             "clock"        be64                    the manual clock, when it is one
 *             "counts"       msgpack [u64 ...]       cases per state, in states.def order
 *             "leadcounts"   msgpack [u64 ...]       ended stays per state (leadtimes CF)
 *             "tally/...", "load/...", "tally_v1"   figures per region (tally.h)
 * actors:     actor id -> msgpack {id, role, org, zvh, covenants, revoked, expires, scope,
 *             token_hash}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../storage/codec.h"
#include "../domain/seal.h"
#include "../storage/crypto.h"
#include "request.h"
#include "ctx.h"
#include "snapshot.h"
#include "../storage/errors.h"

static int load_counts(rg_engine *e, const char *key, uint64_t counts[RG_NSTATES])
{
    rg_buf v = RG_BUF_INIT;
    memset(counts, 0, RG_NSTATES * sizeof *counts);
    int rc = rg_log_get(e->log, RG_CF_META, key, strlen(key), &v);
    if (rc == 0) {
        rg_doc *d;
        const char *why;
        rc = rg_doc_parse(&d, v.data, v.len, &why);
        if (rc == 0) {
            const rg_val *a = rg_doc_root(d);
            for (uint32_t i = 0; i < rg_array_size(a) && i < RG_NSTATES; i++)
                rg_val_uint(rg_array_at(a, i), &counts[i]);
            rg_doc_free(d);
        }
    } else if (rc == RG_ENOTFOUND) {
        rc = 0;
    }
    rg_buf_free(&v);
    return rc < 0 ? RG_ESTORAGE : 0;
}

static void put_counts(rg_batch *b, const char *key, const uint64_t counts[RG_NSTATES])
{
    rg_buf v = RG_BUF_INIT;
    rg_w_array(&v, RG_NSTATES);
    for (int i = 0; i < RG_NSTATES; i++) rg_w_uint(&v, counts[i]);
    rg_batch_put(b, RG_CF_META, key, strlen(key), v.data, v.len);
    rg_buf_free(&v);
}

static int load_meta(rg_engine *e)
{
    rg_buf v = RG_BUF_INIT;
    int rc = rg_log_get(e->log, RG_CF_META, "head", 4, &v);
    if (rc == 0 && v.len == 8 + RG_HASH_LEN) {
        e->head_seq = rg_be64_get(v.data);
        memcpy(e->head_link, v.data + 8, RG_HASH_LEN);
    } else if (rc == RG_ENOTFOUND) {
        e->head_seq = 0;
        memset(e->head_link, 0, RG_HASH_LEN);
    } else {
        rg_buf_free(&v);
        return RG_ESTORAGE;
    }
    /* The counters kept in meta, each a be64 (none yet: 0). */
    const struct { const char *key; uint64_t *value; } counters[] = {
        {"case_counter", &e->case_counter},
        {"stagnations", &e->stagnations},
        {"audit_seq", &e->audit_seq},
        {"alert_seq", &e->alert_seq},
    };
    for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++) {
        rg_buf_reset(&v);
        rc = rg_log_get(e->log, RG_CF_META, counters[i].key, strlen(counters[i].key), &v);
        if (rc == 0 && v.len == 8) *counters[i].value = rg_be64_get(v.data);
        else if (rc == RG_ENOTFOUND) *counters[i].value = 0;
        else goto bad;
    }
    rg_buf_reset(&v);
    rc = rg_log_get(e->log, RG_CF_META, "clock", 5, &v);
    /* A manual clock resumes where it was, unless started at a later instant. */
    if (rc == 0 && v.len == 8 && e->clock.manual && rg_be64_get(v.data) > e->clock.now_ms)
        e->clock.now_ms = rg_be64_get(v.data);
    else if (rc < 0 && rc != RG_ENOTFOUND) goto bad;
    rg_buf_reset(&v);
    /* An erasure whose key a crash left in the files: shred them now. */
    rc = rg_log_get(e->log, RG_CF_META, "shred_pending", 13, &v);
    if (rc == 0) {
        /* ... and its id may be missing from the erasure ledger. */
        e->ledger_stale = true;
        if (rg_log_shred(e->log, RG_CF_KEYS, "", 0, NULL, 0) < 0) goto bad;
        rg_batch *b = rg_batch_new(e->log);
        rg_batch_del(b, RG_CF_META, "shred_pending", 13);
        rc = rg_log_write(e->log, b, true);
        rg_batch_free(b);
        if (rc < 0) goto bad;
    } else if (rc != RG_ENOTFOUND) {
        goto bad;
    }
    rg_buf_reset(&v);
    /* The secret notification topics are derived from: made once, durable
     * before anything is published under it, so topics stay stable. */
    rc = rg_log_get(e->log, RG_CF_META, "notify_secret", 13, &v);
    if (rc == 0 && v.len == RG_KEY_LEN) {
        memcpy(e->notify_secret, v.data, RG_KEY_LEN);
    } else if (rc == RG_ENOTFOUND) {
        rg_random(e->notify_secret, RG_KEY_LEN);
        rg_batch *b = rg_batch_new(e->log);
        rg_batch_put(b, RG_CF_META, "notify_secret", 13, e->notify_secret, RG_KEY_LEN);
        rc = rg_log_write(e->log, b, true);
        rg_batch_free(b);
        if (rc < 0) goto bad;
    } else {
        goto bad;
    }
    rg_buf_reset(&v);
    e->nnumbers = 0;
    rc = rg_log_get(e->log, RG_CF_META, "numbers", 7, &v);
    if (rc == 0) {
        rg_doc *d;
        const char *why;
        if (rg_doc_parse(&d, v.data, v.len, &why) < 0) goto bad;
        const rg_val *m = rg_doc_root(d);
        for (uint32_t i = 0; i < rg_map_size(m); i++) {
            char zvh[RG_ID_MAX];
            uint64_t n = 0;
            if (rg_val_strcpy(rg_map_key(m, i), zvh, sizeof zvh) && rg_val_uint(rg_map_value(m, i), &n))
                rg_store_note_number(e, zvh, n);
        }
        rg_doc_free(d);
    } else if (rc != RG_ENOTFOUND) {
        goto bad;
    }
    rg_buf_free(&v);
    if (load_counts(e, "counts", e->counts) < 0) return RG_ESTORAGE;
    if (load_counts(e, "leadcounts", e->lead_counts) < 0) return RG_ESTORAGE;
    return 0;
bad:
    rg_buf_free(&v);
    return RG_ESTORAGE;
}

static int decode_actor(rg_actor *a, const uint8_t *p, size_t n)
{
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, p, n, &why) < 0) return RG_ESTORAGE;
    const rg_val *m = rg_doc_root(d);
    char role[32];
    const uint8_t *h;
    uint32_t hn;
    bool revoked;
    int rc = RG_ESTORAGE;
    if (rg_val_strcpy(rg_map_get(m, "id"), a->id, sizeof a->id) &&
        rg_val_strcpy(rg_map_get(m, "role"), role, sizeof role) &&
        rg_val_strcpy(rg_map_get(m, "org"), a->org, sizeof a->org) &&
        rg_val_bool(rg_map_get(m, "revoked"), &revoked) &&
        rg_val_bin(rg_map_get(m, "token_hash"), &h, &hn) && hn == RG_HASH_LEN) {
        a->role = rg_role_parse(role, (uint32_t)strlen(role));
        a->revoked = revoked;
        /* Actors from before regions belong to the first region. */
        if (!rg_val_strcpy(rg_map_get(m, "zvh"), a->zvh, sizeof a->zvh) || !a->zvh[0])
            snprintf(a->zvh, sizeof a->zvh, "%s", RG_ZVH_DEFAULT);
        uint64_t cov = 0;
        rg_val_uint(rg_map_get(m, "covenants"), &cov);
        a->covenants = (uint32_t)cov;
        a->expires = 0;
        rg_val_uint(rg_map_get(m, "expires"), &a->expires);
        /* Admins from before region admins kept every power: the engine's. */
        char scope[16] = "engine";
        rg_val_strcpy(rg_map_get(m, "scope"), scope, sizeof scope);
        a->engine_wide = strcmp(scope, "engine") == 0;
        memcpy(a->token_hash, h, RG_HASH_LEN);
        rc = a->role < 0 ? RG_ESTORAGE : 0;
    }
    rg_doc_free(d);
    return rc;
}

void rg_store_actor_record(const rg_actor *a, rg_buf *v)
{
    rg_w_map(v, 9);
    rg_w_kstr(v, "id", a->id);
    rg_w_kstr(v, "role", rg_role_name(a->role));
    rg_w_kstr(v, "org", a->org);
    rg_w_kstr(v, "zvh", a->zvh);
    rg_w_kuint(v, "covenants", a->covenants);
    rg_w_kbool(v, "revoked", a->revoked);
    rg_w_kuint(v, "expires", a->expires);
    rg_w_kstr(v, "scope", a->engine_wide ? "engine" : "region");
    rg_w_cstr(v, "token_hash");
    rg_w_bin(v, a->token_hash, RG_HASH_LEN);
}

void rg_store_stage_actor(rg_batch *b, const rg_actor *a)
{
    rg_buf v = RG_BUF_INIT;
    rg_store_actor_record(a, &v);
    rg_batch_put(b, RG_CF_ACTORS, a->id, strlen(a->id), v.data, v.len);
    rg_buf_free(&v);
}

void rg_store_actor_put(rg_engine *e, const rg_actor *a)
{
    rg_actor *cur = rg_hmap_get(&e->actors, a->id, strlen(a->id));
    if (cur) {
        rg_hmap_del(&e->tokens, cur->token_hash, RG_HASH_LEN);
    } else {
        cur = rg_malloc(sizeof *cur);
        rg_hmap_put(&e->actors, a->id, strlen(a->id), cur);
    }
    *cur = *a;
    rg_notify_topic(e, cur, "feed", cur->feed_topic);
    rg_notify_topic(e, cur, "alerts", cur->alerts_topic);
    if (!cur->revoked) rg_hmap_put(&e->tokens, cur->token_hash, RG_HASH_LEN, cur);
}

const rg_actor *rg_store_actor(rg_engine *e, const char *id)
{
    return rg_hmap_get(&e->actors, id, strlen(id));
}

static int load_actors(rg_engine *e)
{
    rg_iter *it = rg_iter_new(e->log, RG_CF_ACTORS);
    int rc = 0;
    for (rg_iter_seek_first(it); rg_iter_valid(it); rg_iter_next(it)) {
        size_t n;
        const uint8_t *p = rg_iter_value(it, &n);
        rg_actor a;
        memset(&a, 0, sizeof a);
        if ((rc = decode_actor(&a, p, n)) < 0) break;
        rg_store_actor_put(e, &a);
    }
    if (rg_iter_end(it) < 0 && rc == 0) rc = RG_ESTORAGE;
    return rc;
}

/* The figures kept per region (tally.h).  A data directory from before
 * them has none: rg_bootstrap_tallies counts them (it walks the cases,
 * which reads.c does above this file). */
static int load_tallies(rg_engine *e)
{
    int rc = rg_tallies_read(&e->tallies, e->log);
    if (rc != RG_ENOTFOUND) return rc;
    rg_tallies_free(&e->tallies);
    rg_tallies_init(&e->tallies);
    e->tallies_unread = true;
    return 0;
}

int rg_store_load(rg_engine *e)
{
    rg_hmap_init(&e->cases);
    e->lru_head = e->lru_tail = NULL;
    rg_hmap_init(&e->actors);
    rg_hmap_init(&e->tokens);
    rg_hmap_init(&e->idem_pending);
    rg_tallies_init(&e->tallies);
    e->meta_put.known = false;        /* the next commit writes every counter */
    e->tallies_unread = false;
    rg_buf_reset(&e->meta_put.numbers);
    int rc = load_meta(e);
    if (rc == 0) rc = load_actors(e);
    if (rc == 0) rc = load_tallies(e);
    return rc;
}

void rg_store_unload(rg_engine *e)
{
    rg_hmap_slot *s;
    for (size_t i = 0; (i = rg_hmap_next(&e->cases, i, &s)) != 0;) {
        struct rg_cached *c = s->val;
        rg_case_free(c->cs);
        free(c);
    }
    for (size_t i = 0; (i = rg_hmap_next(&e->actors, i, &s)) != 0;) free(s->val);
    for (size_t i = 0; (i = rg_hmap_next(&e->idem_pending, i, &s)) != 0;) {
        rg_idem_pending *ip = s->val;
        free(ip->reply);
        free(ip);
    }
    rg_hmap_free(&e->cases);
    e->lru_head = e->lru_tail = NULL;
    rg_hmap_free(&e->actors);
    rg_hmap_free(&e->tokens);
    rg_hmap_free(&e->idem_pending);
    rg_tallies_free(&e->tallies);
    free(e->numbers);
    e->numbers = NULL;
    e->nnumbers = e->capnumbers = 0;
    e->meta_put.known = false;
    rg_buf_free(&e->meta_put.numbers);
}

/* ---- the case cache: a hash map plus an LRU list ----
 *
 * Every case in use is in memory, including changes not yet durable (the
 * projection in RocksDB lags until the commit is synced).  Once its events
 * are durable a case can be read back (its snapshot in `cases` and the
 * events after it, snapshot.h), so the
 * least recently used ones are dropped when the cache holds more than
 * cache_cap: memory follows the cases in use, not all cases ever touched.
 * No pointer to a case is kept across loop callbacks (requests run to
 * completion on the loop), and trimming runs only in write_done.  The order
 * is the cache's own, in an entry beside the case (struct rg_cached,
 * state.h): the projection (domain/case.h) knows nothing of being cached. */

static void lru_unlink(rg_engine *e, struct rg_cached *c)
{
    RG_ASSERT(c->prev ? c->prev->next == c : e->lru_head == c);
    RG_ASSERT(c->next ? c->next->prev == c : e->lru_tail == c);
    if (c->prev) c->prev->next = c->next; else e->lru_head = c->next;
    if (c->next) c->next->prev = c->prev; else e->lru_tail = c->prev;
    c->prev = c->next = NULL;
}

static void lru_push(rg_engine *e, struct rg_cached *c)
{
    RG_ASSERT(!c->prev && !c->next && e->lru_head != c);   /* unlinked first */
    c->next = e->lru_head;
    if (e->lru_head) e->lru_head->prev = c; else e->lru_tail = c;
    e->lru_head = c;
}

void rg_store_cache_put(rg_engine *e, rg_case *cs)
{
    struct rg_cached *c = rg_calloc(1, sizeof *c);
    c->cs = cs;
    void *old = rg_hmap_put(&e->cases, cs->id, strlen(cs->id), c);
    RG_ASSERT(old == NULL);                   /* one projection per case in memory */
    lru_push(e, c);
}

int rg_store_case(rg_engine *e, const char *id, rg_case **out)
{
    size_t n = strlen(id);
    struct rg_cached *c = rg_hmap_get(&e->cases, id, n);
    if (c) {
        if (e->lru_head != c) {
            lru_unlink(e, c);
            lru_push(e, c);
        }
        *out = c->cs;
        return 0;
    }
    rg_buf v = RG_BUF_INIT;
    int rc = rg_snapshot_load(e->log, e->cfg.norm_amounts, id, n, out);
    if (rc == 0) {
        int krc = rg_log_get(e->log, RG_CF_KEYS, id, n, &v);
        if (krc == 0 && rg_dk_unwrap((*out)->dk, e->kek, id, v.data, v.len) == 0) {
            (*out)->dk_state = RG_DK_PRESENT;
        } else if (krc == RG_ENOTFOUND) {
            (*out)->dk_state = RG_DK_ABSENT;
        } else {
            /* A key that does not unwrap: the wrong key file, or damage. */
            rg_case_free(*out);
            *out = NULL;
            rc = RG_ESTORAGE;
        }
    }
    /* Each person's own key (none for a person from before persons had
     * keys, whose data is under the case's). */
    for (uint32_t i = 0; rc == 0 && i < (*out)->npersons; i++) {
        rg_person *p = &(*out)->persons[i];
        char kid[RG_ID_MAX + 16], pid[16];
        snprintf(pid, sizeof pid, "P%u", i + 1);
        rg_person_key_id(kid, id, pid);
        rg_buf_reset(&v);
        int krc = p->erased ? RG_ENOTFOUND : rg_log_get(e->log, RG_CF_KEYS, kid, strlen(kid), &v);
        if (krc == 0 && rg_dk_unwrap(p->key, e->kek, kid, v.data, v.len) == 0) {
            p->key_state = RG_DK_PRESENT;
        } else if (krc == RG_ENOTFOUND) {
            p->key_state = RG_DK_ABSENT;
        } else {
            rg_case_free(*out);
            *out = NULL;
            rc = RG_ESTORAGE;
        }
    }
    if (rc == 0) rg_store_cache_put(e, *out);
    rg_buf_free(&v);
    return rc;
}

void rg_person_key_id(char out[RG_ID_MAX + 16], const char *case_id, const char *person)
{
    snprintf(out, RG_ID_MAX + 16, "%s/%s", case_id, person);
}

bool rg_store_person_key(rg_engine *e, rg_case *cs, const char *person, rg_batch *b, uint8_t key[32])
{
    int i = rg_case_person(cs, person);
    if (cs->erased || (i >= 0 && cs->persons[i].erased)) return false;
    if (i >= 0 && cs->persons[i].key_state == RG_DK_PRESENT) {
        memcpy(key, cs->persons[i].key, 32);
        return true;
    }
    rg_random(key, 32);
    char kid[RG_ID_MAX + 16];
    rg_person_key_id(kid, cs->id, person);
    rg_buf w = RG_BUF_INIT;
    rg_dk_wrap(&w, e->kek, kid, key);
    rg_batch_put(b, RG_CF_KEYS, kid, strlen(kid), w.data, w.len);
    rg_buf_free(&w);
    if (i >= 0) {
        memcpy(cs->persons[i].key, key, 32);
        cs->persons[i].key_state = RG_DK_PRESENT;
    }
    return true;
}

bool rg_store_case_key(rg_engine *e, rg_case *cs, rg_batch *b)
{
    if (cs->dk_state == RG_DK_PRESENT) return true;
    if (cs->erased) return false;
    rg_random(cs->dk, sizeof cs->dk);
    cs->dk_state = RG_DK_PRESENT;
    rg_buf w = RG_BUF_INIT;
    rg_dk_wrap(&w, e->kek, cs->id, cs->dk);
    rg_batch_put(b, RG_CF_KEYS, cs->id, strlen(cs->id), w.data, w.len);
    rg_buf_free(&w);
    return true;
}

void rg_store_trim(rg_engine *e, uint64_t durable_seq)
{
    /* Pending cases were used last, so they sit at the head; a few can be
     * met on the way (a case read since its change), and the walk gives up
     * after 64 of them rather than cross a long pending run. */
    struct rg_cached *c = e->lru_tail;
    int pending = 0;
    while (e->cases.count > e->cache_cap && c && pending < 64) {
        struct rg_cached *prev = c->prev;
        if (c->cs->last_seq <= durable_seq) {
            lru_unlink(e, c);
            rg_hmap_del(&e->cases, c->cs->id, strlen(c->cs->id));
            rg_case_free(c->cs);
            free(c);
        } else {
            pending++;
        }
        c = prev;
    }
}

bool rg_count_state_change(uint64_t counts[RG_NSTATES], uint64_t leads[RG_NSTATES], int before, int after)
{
    if (before == after) return false;
    counts[after]++;
    if (before < 0) return false;           /* a new case: no stay ended */
    counts[before]--;
    leads[before]++;
    return true;
}

size_t rg_lead_key(uint8_t k[RG_LEAD_KEY], int state, uint64_t ms, uint64_t seq, const char *zvh)
{
    k[0] = (uint8_t)state;
    rg_be64_put(k + 1, ms);
    rg_be64_put(k + 9, seq);
    size_t zn = strlen(zvh);
    if (zn > RG_ID_MAX - 1) zn = RG_ID_MAX - 1;
    memcpy(k + 17, zvh, zn);
    return 17 + zn;
}

uint64_t rg_store_next_number(const rg_engine *e, const char *zvh)
{
    for (size_t i = 0; i < e->nnumbers; i++)
        if (strcmp(e->numbers[i].zvh, zvh) == 0) return e->numbers[i].last + 1;
    return e->case_counter + 1;
}

void rg_store_note_number(rg_engine *e, const char *zvh, uint64_t n)
{
    for (size_t i = 0; i < e->nnumbers; i++)
        if (strcmp(e->numbers[i].zvh, zvh) == 0) {
            if (n > e->numbers[i].last) e->numbers[i].last = n;
            return;
        }
    if (e->nnumbers == e->capnumbers) {
        e->capnumbers = e->capnumbers ? 2 * e->capnumbers : 8;
        e->numbers = rg_realloc(e->numbers, e->capnumbers * sizeof *e->numbers);
    }
    snprintf(e->numbers[e->nnumbers].zvh, RG_ID_MAX, "%s", zvh);
    e->numbers[e->nnumbers++].last = n;
}

void rg_store_take_rebuilt(rg_engine *e, const rg_rebuilt *r)
{
    e->head_seq = r->head_seq;
    memcpy(e->head_link, r->head_link, RG_HASH_LEN);
    e->case_counter = r->case_counter;
    e->stagnations = r->stagnations;
    memcpy(e->counts, r->counts, sizeof e->counts);
    memcpy(e->lead_counts, r->lead_counts, sizeof e->lead_counts);
    e->nnumbers = 0;
}

void rg_store_set_failed(rg_engine *e, bool failed) { e->failed = failed; }

void rg_store_put_meta(rg_engine *e, rg_batch *b, bool all)
{
    all = all || !e->meta_put.known;
    if (all || e->head_seq != e->meta_put.head_seq) {
        uint8_t head[8 + RG_HASH_LEN];
        rg_be64_put(head, e->head_seq);
        memcpy(head + 8, e->head_link, RG_HASH_LEN);
        rg_batch_put(b, RG_CF_META, "head", 4, head, sizeof head);
    }
    uint8_t ctr[8];
    if (all || e->case_counter != e->meta_put.case_counter) {
        rg_be64_put(ctr, e->case_counter);
        rg_batch_put(b, RG_CF_META, "case_counter", 12, ctr, sizeof ctr);
    }
    if (all || e->audit_seq != e->meta_put.audit_seq) {
        rg_be64_put(ctr, e->audit_seq);
        rg_batch_put(b, RG_CF_META, "audit_seq", 9, ctr, sizeof ctr);
    }
    if (e->nnumbers) {
        rg_buf nb = RG_BUF_INIT;
        rg_w_map(&nb, (uint32_t)e->nnumbers);
        for (size_t i = 0; i < e->nnumbers; i++) rg_w_kuint(&nb, e->numbers[i].zvh, e->numbers[i].last);
        if (all || nb.len != e->meta_put.numbers.len ||
            memcmp(nb.data, e->meta_put.numbers.data, nb.len) != 0) {
            rg_batch_put(b, RG_CF_META, "numbers", 7, nb.data, nb.len);
            rg_buf_reset(&e->meta_put.numbers);
            rg_buf_append(&e->meta_put.numbers, nb.data, nb.len);
        }
        rg_buf_free(&nb);
    }
    if (all || e->alert_seq != e->meta_put.alert_seq) {
        rg_be64_put(ctr, e->alert_seq);
        rg_batch_put(b, RG_CF_META, "alert_seq", 9, ctr, sizeof ctr);
    }
    if (all || e->stagnations != e->meta_put.stagnations) {
        rg_be64_put(ctr, e->stagnations);
        rg_batch_put(b, RG_CF_META, "stagnations", 11, ctr, sizeof ctr);
    }
    if (e->clock.manual && (all || e->clock.now_ms != e->meta_put.clock)) {
        rg_be64_put(ctr, e->clock.now_ms);
        rg_batch_put(b, RG_CF_META, "clock", 5, ctr, sizeof ctr);
    }
    if (all || memcmp(e->counts, e->meta_put.counts, sizeof e->counts) != 0)
        put_counts(b, "counts", e->counts);
    if (all || memcmp(e->lead_counts, e->meta_put.lead_counts, sizeof e->lead_counts) != 0)
        put_counts(b, "leadcounts", e->lead_counts);
    rg_tallies_put(&e->tallies, b, false);
    e->meta_put.known = true;
    e->meta_put.head_seq = e->head_seq;
    e->meta_put.case_counter = e->case_counter;
    e->meta_put.audit_seq = e->audit_seq;
    e->meta_put.alert_seq = e->alert_seq;
    e->meta_put.stagnations = e->stagnations;
    e->meta_put.clock = e->clock.now_ms;
    memcpy(e->meta_put.counts, e->counts, sizeof e->counts);
    memcpy(e->meta_put.lead_counts, e->lead_counts, sizeof e->lead_counts);
}

void rg_notify_topic(rg_engine *e, const rg_actor *a, const char *audience, char out[RG_TOPIC_LEN + 1])
{
    /* Opaque: nothing of the region, the actor or the audience can be read
     * from it without the engine's secret. */
    char msg[3 * RG_ID_MAX + 16];
    int n = snprintf(msg, sizeof msg, "%s%c%s%c%s", a->zvh, 0, audience, 0, a->id);
    uint8_t h[RG_TOPIC_LEN / 2];
    rg_keyed_hash(h, sizeof h, e->notify_secret, msg, (size_t)n);
    rg_hex(out, h, sizeof h);
}
