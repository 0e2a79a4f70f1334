/*
 * state_test.c - core/state.c, the state loaded from the log, on a real
 * RocksDB in a temp directory: after a restart the head, the actors (a
 * revoked one still refused), the counters and the region's next number
 * are as they were; a meta record or an actor record that does not decode
 * refuses the open (a storage error, never a guess), and the directory
 * opens again once it is whole; a case read back from `cases` (not in the
 * cache) is not found, damaged or whole as the disk says; and the helpers
 * the write path and replay share: the state counts moved by a change, the
 * lead-time key, the region's case numbers.  (The case cache's bound:
 * cache_test.c; the meta records a commit writes: meta_write_test.c.)
 */
#include <stdlib.h>
#include <string.h>

#include "../../engine/core/state.h"
#include "../../engine/storage/errors.h"
#include "../../engine/storage/log.h"
#include "../test.h"

static rg_t_local L;
static rg_t_cast T;
static char A[32], B[32];

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &T) == 0);
    REQUIRE(rg_t_local_case(&L, &T, "Anna de Wit", "analysis", A)[0] == 0);
    REQUIRE(rg_t_local_case(&L, &T, "Bram Mulder", "reported", B)[0] == 0);
}

static const char *whoami(const char *token)
{
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    rg_req_envelope(&b, "whoami", token, NULL, NULL, -1, -1);
    static char err[64];
    snprintf(err, sizeof err, "%s", rg_t_local_send(&L, &b, &r));
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    return err;
}

static void reopen(void)
{
    char *dir = strdup(L.dir);
    rg_t_local_close(&L, false);
    int rc = rg_t_local_open(&L, dir);
    free(dir);
    CHECK(rc == 0);
}

/* The head, the actors, the counts and the next number survive a restart. */
static void test_loaded_after_restart(void)
{
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    rg_w_kstr(rg_t_req(&b, L.admin, "actor.revoke", NULL, 1), "id", "ggz");
    REQUIRE(rg_t_local_send(&L, &b, &r)[0] == 0);
    CHECK(strcmp(whoami(T.ggz), "unauthorized") == 0);
    rg_t_local_settle(&L);
    uint64_t head = rg_engine_head(L.e);
    rg_engine *e = L.e;
    uint64_t analysis = e->counts[RG_ST_ANALYSIS], reported = e->counts[RG_ST_REPORTED];
    uint64_t left_reported = e->lead_counts[RG_ST_REPORTED];
    CHECK(analysis == 1 && reported == 1 && left_reported == 1);
    uint8_t link[RG_HASH_LEN];
    memcpy(link, e->head_link, RG_HASH_LEN);
    reopen();
    REQUIRE(L.e != NULL);
    e = L.e;
    CHECK(rg_engine_head(e) == head);
    CHECK(memcmp(e->head_link, link, RG_HASH_LEN) == 0);
    CHECK(e->counts[RG_ST_ANALYSIS] == analysis && e->counts[RG_ST_REPORTED] == reported);
    CHECK(e->lead_counts[RG_ST_REPORTED] == left_reported);
    CHECK(whoami(T.pol)[0] == 0 && whoami(T.pr)[0] == 0);
    CHECK(strcmp(whoami(T.ggz), "unauthorized") == 0);     /* still revoked */
    const rg_actor *pr = rg_store_actor(e, "pr");
    CHECK(pr && pr->role == RG_ROLE_PROCESREGISSEUR && strcmp(pr->org, "zvh") == 0);
    CHECK(rg_store_next_number(e, "zvh") == 3);
    char c[32];
    REQUIRE(rg_t_local_report(&L, T.pol, "Cor Visser", c)[0] == 0);
    CHECK(rg_store_next_number(e, "zvh") == 4);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
}

/* Put k = v (n bytes; NULL: delete) into cf behind the engine's back. */
static void poke(rg_cf cf, const char *k, const void *v, size_t n)
{
    rg_log *log = rg_engine_log(L.e);
    rg_batch *bt = rg_batch_new(log);
    if (v) rg_batch_put(bt, cf, k, strlen(k), v, n);
    else rg_batch_del(bt, cf, k, strlen(k));
    CHECK(rg_log_write(log, bt, true) == 0);
    rg_batch_free(bt);
}

/* A damaged record makes the open fail; put back, the directory opens. */
static void refused_then_whole(rg_cf cf, const char *key, const void *bad, size_t badn)
{
    rg_t_local_settle(&L);
    rg_buf good = RG_BUF_INIT;
    REQUIRE(rg_log_get(rg_engine_log(L.e), cf, key, strlen(key), &good) == 0);
    poke(cf, key, bad, badn);
    char *dir = strdup(L.dir);
    rg_t_local_close(&L, false);
    int rc = rg_t_local_open(&L, dir);
    if (rc == 0) {
        printf("  opened with %s damaged\n", key);
        rg_t_failed = 1;
    }
    if (L.e) rg_t_local_close(&L, false);
    else {
        uv_loop_close(&L.loop);
        free(L.dir);
    }
    /* Put the good record back with the log alone, and open again. */
    rg_log *log;
    REQUIRE(rg_log_open(&log, dir) == 0);
    rg_batch *bt = rg_batch_new(log);
    rg_batch_put(bt, cf, key, strlen(key), good.data, good.len);
    CHECK(rg_log_write(log, bt, true) == 0);
    rg_batch_free(bt);
    rg_log_close(log);
    CHECK(rg_t_local_open(&L, dir) == 0);
    free(dir);
    CHECK(L.e && whoami(T.pol)[0] == 0);
    rg_buf_free(&good);
}

static void test_damaged_meta_refused(void)
{
    refused_then_whole(RG_CF_META, "head", "short", 5);
    refused_then_whole(RG_CF_META, "case_counter", "\x01\x02\x03", 3);
    refused_then_whole(RG_CF_META, "notify_secret", "short", 5);
    refused_then_whole(RG_CF_META, "counts", "\xc1", 1);
}

static void test_damaged_actor_refused(void)
{
    /* An actor of a role the contract does not know. */
    rg_buf v = RG_BUF_INIT;
    rg_actor a = *rg_store_actor(L.e, "mgr");
    rg_store_actor_record(&a, &v);
    char *role = memmem(v.data, v.len, "manager", 7);
    REQUIRE(role != NULL);
    memcpy(role, "emperor", 7);
    refused_then_whole(RG_CF_ACTORS, "mgr", v.data, v.len);
    /* Not msgpack at all. */
    refused_then_whole(RG_CF_ACTORS, "mgr", "\xc1\xc1", 2);
    rg_buf_free(&v);
}

/* A case read back from disk, not from the cache: as the disk says. */
static void test_case_from_disk(void)
{
    rg_case *cs = NULL;
    CHECK(rg_store_case(L.e, "ZVH-99999999", &cs) == RG_ENOTFOUND);
    REQUIRE(rg_store_case(L.e, A, &cs) == 0);              /* read back after the reopen */
    CHECK(cs->version == 4 && cs->state == RG_ST_ANALYSIS && cs->dk_state == RG_DK_PRESENT);
    rg_t_local_settle(&L);
    /* B's projection damaged: after a restart (an empty cache) it is a
     * storage error, not a case. */
    poke(RG_CF_CASES, B, "\x93\x01", 2);
    reopen();
    REQUIRE(L.e != NULL);
    CHECK(rg_store_case(L.e, B, &cs) < 0);
    /* A's key does not unwrap (damaged): refused, not read without it. */
    rg_buf k = RG_BUF_INIT;
    REQUIRE(rg_log_get(rg_engine_log(L.e), RG_CF_KEYS, A, strlen(A), &k) == 0);
    k.data[k.len - 1] ^= 1;
    poke(RG_CF_KEYS, A, k.data, k.len);
    reopen();
    REQUIRE(L.e != NULL);
    CHECK(rg_store_case(L.e, A, &cs) == RG_ESTORAGE);
    rg_buf_free(&k);
}

static void test_count_state_change(void)
{
    uint64_t counts[RG_NSTATES] = {0}, leads[RG_NSTATES] = {0};
    CHECK(!rg_count_state_change(counts, leads, -1, RG_ST_REPORTED));   /* a new case */
    CHECK(counts[RG_ST_REPORTED] == 1 && leads[RG_ST_REPORTED] == 0);
    CHECK(!rg_count_state_change(counts, leads, RG_ST_REPORTED, RG_ST_REPORTED));  /* no move */
    CHECK(counts[RG_ST_REPORTED] == 1);
    CHECK(rg_count_state_change(counts, leads, RG_ST_REPORTED, RG_ST_INTAKE));    /* a stay ends */
    CHECK(counts[RG_ST_REPORTED] == 0 && counts[RG_ST_INTAKE] == 1 && leads[RG_ST_REPORTED] == 1);
    CHECK(leads[RG_ST_INTAKE] == 0);
}

static void test_lead_key(void)
{
    uint8_t k[RG_LEAD_KEY];
    size_t n = rg_lead_key(k, RG_ST_INTAKE, 86400000, 42, "zvh-utrecht");
    CHECK(n == 17 + 11);
    CHECK(k[0] == RG_ST_INTAKE && rg_be64_get(k + 1) == 86400000 && rg_be64_get(k + 9) == 42);
    CHECK(memcmp(k + 17, "zvh-utrecht", 11) == 0);
    /* Keys sort by state, then by the stay's length. */
    uint8_t k2[RG_LEAD_KEY];
    size_t n2 = rg_lead_key(k2, RG_ST_INTAKE, 86400001, 1, "a");
    CHECK(memcmp(k, k2, n < n2 ? n : n2) < 0);
    /* A region name longer than an id is cut, never past the key. */
    char longz[RG_ID_MAX * 2];
    memset(longz, 'z', sizeof longz - 1);
    longz[sizeof longz - 1] = '\0';
    CHECK(rg_lead_key(k, 0, 0, 0, longz) == 17 + RG_ID_MAX - 1);
}

static void test_numbers(void)
{
    rg_engine *e = L.e;
    uint64_t next = rg_store_next_number(e, "zvh");
    CHECK(next >= 4);
    CHECK(rg_store_next_number(e, "zvh-nowhere") == e->case_counter + 1);   /* none yet */
    rg_store_note_number(e, "zvh-nowhere", 7);
    CHECK(rg_store_next_number(e, "zvh-nowhere") == 8);
    rg_store_note_number(e, "zvh-nowhere", 5);                 /* never back */
    CHECK(rg_store_next_number(e, "zvh-nowhere") == 8);
    CHECK(rg_store_next_number(e, "zvh") == next);             /* regions apart */
}

int main(void)
{
    RUN(setup);
    RUN(test_loaded_after_restart);
    RUN(test_damaged_meta_refused);
    RUN(test_damaged_actor_refused);
    RUN(test_case_from_disk);
    RUN(test_count_state_change);
    RUN(test_lead_key);
    RUN(test_numbers);
    if (L.e) rg_t_local_close(&L, true);
    return rg_t_exit();
}
