/*
 * transparency_test.c - the log anyone can check (issue 26 B), in process:
 *
 *   - an inclusion proof for every position of a small log verifies against
 *     the signed head with nothing but the public key in DIR/sign.pub, its
 *     leaf is the hash of the stored record, and after more appends a new
 *     head follows the old one by a consistency proof;
 *   - the head survives a restart (the same head, byte for byte, while the
 *     log did not grow; DIR/log.heads holds every head);
 *   - erasing a case changes no leaf: every earlier proof still verifies
 *     against the earlier head, and the new head is consistent with it;
 *   - a record altered behind the engine's back: the leaf no longer verifies
 *     against the head taken before, and the engine refuses the
 *     transparency log after a restart, saying the log no longer gives the
 *     signed root;
 *   - an auditor reads heads, proofs and the audit trail, no case content;
 *     a partner reads none of them; positions out of range are refused.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../test.h"
#include "../../engine/storage/log.h"
#include "../../engine/storage/merkle.h"
#include "steps.h"
#include "../../handlers/handlers.h"

#define H RG_MERKLE_HASH

static char pol[128], pr[128], mgr[128], aud[128];
static uint8_t PUB[RG_STH_PUB];

static void read_pub(void)
{
    char path[4200], hex[80] = "";
    snprintf(path, sizeof path, "%s/sign.pub", L.dir);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(hex, 1, sizeof hex - 1, f) : 0;
    if (f) fclose(f);
    while (n && hex[n - 1] == '\n') n--;
    if (!rg_mk_unhex(PUB, RG_STH_PUB, hex, n)) rg_t_failed = 1;
}

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    rg_t_local_actor(&L, "pol1", "partner", "police", pol);
    rg_t_local_actor(&L, "pr", "procesregisseur", "zvh", pr);
    rg_t_local_actor(&L, "mgr1", "manager", "zvh", mgr);
    rg_t_local_actor(&L, "aud1", "auditor", "toezicht", aud);
    REQUIRE(aud[0]);
    read_pub();
}

static void teardown(void)
{
    rg_t_local_close(&L, true);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

/* A case reported, taken and rejected at intake (referred): erasable. */
static void referred_case(char *id)
{
    static int n;
    char rq[32];
    snprintf(rq, sizeof rq, "r-%d", ++n);
    id[0] = 0;
    rg_buf_reset(&B);
    rg_t_report_req(&B, pol, rq, "Q. Zwartkoppe");
    if (send_req()[0]) return;
    snprintf(id, 32, "%s", rg_t_str(&R, "case"));
    rg_w_kstr(req(pr, "case.assign", id, 1), "procesregisseur", "pr");
    OK();
    req(pr, "intake.start", id, 0);
    OK();
    rg_buf *b = req(pr, "intake.decide", id, 3);
    rg_w_kbool(b, "admit", false);
    rg_w_kstr(b, "reason", "not for the ZVH");
    rg_w_kstr(b, "referred_to", "wijkteam");
    OK();
}

static bool hex_of(const rg_val *v, uint8_t *out, size_t n)
{
    const char *s;
    uint32_t len;
    return rg_val_str(v, &s, &len) && rg_mk_unhex(out, n, s, len);
}

/* A head map (log.head's reply root, or a proof's `head`) into h. */
static bool head_of(const rg_val *m, rg_sth *h)
{
    memset(h, 0, sizeof *h);
    const char *id;
    uint32_t n;
    if (!rg_val_uint(rg_map_get(m, "size"), &h->size) || !rg_val_uint(rg_map_get(m, "at"), &h->at) ||
        !hex_of(rg_map_get(m, "root"), h->root, H) || !hex_of(rg_map_get(m, "signature"), h->sig, RG_STH_SIG) ||
        !rg_val_str(rg_map_get(m, "key_id"), &id, &n) || n != RG_STH_KEY_ID)
        return false;
    memcpy(h->key_id, id, n);
    return true;
}

static bool get_head(const char *tok, rg_sth *h)
{
    return query(tok, "log.head", NULL)[0] == 0 && head_of(R.root, h) && rg_sth_verify(h, PUB);
}

/* log.prove of seq, checked against want (the signed head it names must be
 * want); *leaf gets the proof's leaf hash. */
static bool proof_ok(uint64_t seq, const rg_sth *want, uint8_t leaf[H])
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "log.prove", aud, NULL, NULL, -1, 2);
    rg_w_kuint(&B, "seq", seq);
    rg_w_kuint(&B, "size", want->size);
    if (send_req()[0]) return false;
    /* The latest head comes along, signed; the proof leads to want's root. */
    rg_sth h;
    if (!head_of(rg_t_get(&R, "head"), &h) || !rg_sth_verify(&h, PUB) || h.size < want->size ||
        rg_t_uint(&R, "size") != want->size)
        return false;
    h = *want;
    const rg_val *p = rg_t_get(&R, "path");
    uint8_t path[RG_MERKLE_MAX_PATH][H];
    uint32_t n = rg_array_size(p);
    if (n > RG_MERKLE_MAX_PATH) return false;
    for (uint32_t i = 0; i < n; i++)
        if (!hex_of(rg_array_at(p, i), path[i], H)) return false;
    if (!hex_of(rg_t_get(&R, "leaf"), leaf, H)) return false;
    return rg_merkle_verify_inclusion(seq - 1, h.size, leaf, (const uint8_t(*)[H])path, (int)n, h.root);
}

static bool consistent(const rg_sth *a, const rg_sth *b)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "log.consistency", aud, NULL, NULL, -1, 2);
    rg_w_kuint(&B, "from", a->size);
    rg_w_kuint(&B, "to", b->size);
    if (send_req()[0]) return false;
    const rg_val *p = rg_t_get(&R, "path");
    uint8_t path[RG_MERKLE_MAX_PATH][H];
    uint32_t n = rg_array_size(p);
    if (n > RG_MERKLE_MAX_PATH) return false;
    for (uint32_t i = 0; i < n; i++)
        if (!hex_of(rg_array_at(p, i), path[i], H)) return false;
    return rg_merkle_verify_consistency(a->size, b->size, a->root, b->root, (const uint8_t(*)[H])path, (int)n);
}

/* The stored record at seq, straight from RocksDB. */
static bool stored_leaf(uint64_t seq, uint8_t leaf[H])
{
    uint8_t k[8];
    for (int i = 0; i < 8; i++) k[i] = (uint8_t)(seq >> (56 - 8 * i));
    rg_buf v = RG_BUF_INIT;
    int rc = rg_log_get(rg_engine_log(L.e), RG_CF_EVENTS, k, 8, &v);
    if (rc == 0) rg_merkle_leaf_hash(leaf, v.data, v.len);
    rg_buf_free(&v);
    return rc == 0;
}

static void test_every_position_and_appends(void)
{
    setup();
    char a[32], b[32];
    referred_case(a);
    referred_case(b);
    REQUIRE(a[0] && b[0]);
    rg_t_local_settle(&L);
    rg_sth h1;
    REQUIRE(get_head(aud, &h1));
    CHECK(h1.size >= 8);
    int bad = 0;
    for (uint64_t s = 1; s <= h1.size; s++) {
        uint8_t leaf[H], want[H];
        if (!proof_ok(s, &h1, leaf) || !stored_leaf(s, want) || memcmp(leaf, want, H) != 0) bad++;
    }
    CHECK(bad == 0);
    /* Asked again without growth: the same head. */
    rg_sth again;
    REQUIRE(get_head(L.admin, &again));
    CHECK(memcmp(&again, &h1, sizeof again) == 0);
    /* More records: a new head, consistent with the first; old positions
     * prove against the new head too. */
    char c[32];
    referred_case(c);
    REQUIRE(c[0]);
    rg_t_local_settle(&L);
    rg_sth h2;
    REQUIRE(get_head(aud, &h2));
    CHECK(h2.size > h1.size);
    CHECK(consistent(&h1, &h2));
    for (uint64_t s = 1; s <= h2.size; s++) {
        uint8_t leaf[H];
        if (!proof_ok(s, &h2, leaf)) bad++;
    }
    CHECK(bad == 0);
    /* A head of another size is not consistent with h2 under h1's root. */
    rg_sth fake = h1;
    fake.root[0] ^= 1;
    CHECK(!consistent(&fake, &h2));
    /* Out of range. */
    rg_buf_reset(&B);
    rg_req_envelope(&B, "log.prove", aud, NULL, NULL, -1, 1);
    rg_w_kuint(&B, "seq", h2.size + 1);
    CHECK(strcmp(send_req(), "not_found") == 0);
    rg_buf_reset(&B);
    rg_req_envelope(&B, "log.consistency", aud, NULL, NULL, -1, 2);
    rg_w_kuint(&B, "from", 5);
    rg_w_kuint(&B, "to", 4);
    CHECK(strcmp(send_req(), "bad_request") == 0);
    teardown();
}

static void test_heads_survive_restart_and_erasure(void)
{
    setup();
    char a[32], b[32];
    referred_case(a);
    referred_case(b);
    REQUIRE(a[0] && b[0]);
    rg_t_local_settle(&L);
    rg_sth h1;
    REQUIRE(get_head(aud, &h1));
    char *dir = strdup(L.dir);
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    read_pub();
    rg_sth h1b;
    REQUIRE(get_head(aud, &h1b));
    CHECK(memcmp(&h1, &h1b, sizeof h1) == 0);
    /* Erase a case: its key goes, no record changes. */
    rg_buf *e = req(mgr, "case.erase", a, 1);
    rg_w_kstr(e, "ground", "retention ended early by request");
    OK();
    rg_t_local_settle(&L);
    int bad = 0;
    for (uint64_t s = 1; s <= h1.size; s++) {
        uint8_t leaf[H];
        if (!proof_ok(s, &h1, leaf)) bad++;
    }
    rg_sth h2;
    REQUIRE(get_head(aud, &h2));
    CHECK(h2.size > h1.size);
    CHECK(consistent(&h1, &h2));
    for (uint64_t s = 1; s <= h2.size; s++) {
        uint8_t leaf[H], want[H];
        if (!proof_ok(s, &h2, leaf) || !stored_leaf(s, want) || memcmp(leaf, want, H) != 0) bad++;
    }
    CHECK(bad == 0);
    /* Every head was written for witnesses. */
    char path[4200], line[600];
    snprintf(path, sizeof path, "%s/log.heads", dir);
    FILE *f = fopen(path, "r");
    int lines = 0;
    while (f && fgets(line, sizeof line, f)) lines++;
    if (f) fclose(f);
    CHECK(lines == 2);
    free(dir);
    teardown();
}

static void test_altered_record_detected(void)
{
    setup();
    char a[32];
    referred_case(a);
    REQUIRE(a[0]);
    rg_t_local_settle(&L);
    rg_sth h1;
    REQUIRE(get_head(aud, &h1));
    uint64_t victim = 3;
    uint8_t leaf[H];
    REQUIRE(proof_ok(victim, &h1, leaf));
    const rg_val *p = rg_t_get(&R, "path");
    uint8_t path[RG_MERKLE_MAX_PATH][H];
    uint32_t n = rg_array_size(p);
    for (uint32_t i = 0; i < n && i < RG_MERKLE_MAX_PATH; i++) hex_of(rg_array_at(p, i), path[i], H);
    char *dir = strdup(L.dir);
    rg_t_local_close(&L, false);
    /* Behind the engine's back: one byte of the record at `victim`. */
    rg_log *log;
    REQUIRE(rg_log_open(&log, dir) == 0);
    uint8_t k[8] = {0, 0, 0, 0, 0, 0, 0, (uint8_t)victim};
    rg_buf v = RG_BUF_INIT;
    REQUIRE(rg_log_get(log, RG_CF_EVENTS, k, 8, &v) == 0);
    v.data[v.len - 1] ^= 0x20;
    uint8_t altered[H];
    rg_merkle_leaf_hash(altered, v.data, v.len);
    CHECK(!rg_merkle_verify_inclusion(victim - 1, h1.size, altered, (const uint8_t(*)[H])path, (int)n, h1.root));
    rg_batch *bt = rg_batch_new(log);
    rg_batch_put(bt, RG_CF_EVENTS, k, 8, v.data, v.len);
    REQUIRE(rg_log_write(log, bt, true) == 0);
    rg_batch_free(bt);
    rg_buf_free(&v);
    rg_log_close(log);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    CHECK(strcmp(query(aud, "log.head", NULL), "storage_error") == 0);
    CHECK(strstr(rg_t_str(&R, "message"), "do not give the root of the last signed head") != NULL);
    free(dir);
    teardown();
}

/* The audit trail has a tree of its own (issue 26: an auditor proves an
 * access record is in the log): log.head carries its head, signed as an
 * audit head; log.prove {audit} proves each record, which comes along and
 * hashes to the leaf; a later head is consistent with an earlier; a record
 * altered behind the engine's back is detected at the next start; seq and
 * audit together, or neither, are refused. */
static bool audit_head(rg_sth *h)
{
    return query(aud, "log.head", NULL)[0] == 0 && head_of(rg_t_get(&R, "audit"), h) &&
           rg_val_is_str(rg_map_get(rg_t_get(&R, "audit"), "trail"), "audit") && (h->audit = true) &&
           rg_sth_verify(h, PUB);
}

static bool audit_proof_ok(uint64_t n, const rg_sth *want)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "log.prove", aud, NULL, NULL, -1, 2);
    rg_w_kuint(&B, "audit", n);
    rg_w_kuint(&B, "size", want->size);
    if (send_req()[0]) return false;
    const char *hex;
    uint32_t hn;
    if (!rg_val_str(rg_t_get(&R, "record"), &hex, &hn) || hn % 2) return false;
    uint8_t *rec = malloc(hn / 2 + 1), leaf[H], given[H];
    bool ok = rec && rg_mk_unhex(rec, hn / 2, hex, hn);
    if (ok) rg_merkle_leaf_hash(leaf, rec, hn / 2);
    free(rec);
    const rg_val *p = rg_t_get(&R, "path");
    uint8_t path[RG_MERKLE_MAX_PATH][H];
    uint32_t np = rg_array_size(p);
    if (!ok || np > RG_MERKLE_MAX_PATH || !hex_of(rg_t_get(&R, "leaf"), given, H) || memcmp(given, leaf, H) != 0)
        return false;
    for (uint32_t i = 0; i < np; i++)
        if (!hex_of(rg_array_at(p, i), path[i], H)) return false;
    uint64_t pos = rg_t_uint(&R, "position");
    return rg_t_uint(&R, "audit") == n && pos >= 1 &&
           rg_merkle_verify_inclusion(pos - 1, want->size, leaf, (const uint8_t(*)[H])path, (int)np, want->root);
}

static void test_audit_records_proved(void)
{
    setup();
    char a[32];
    referred_case(a);
    REQUIRE(a[0]);
    /* Reads of the case and of the trail: audit records. */
    CHECK(query(mgr, "case.get", a)[0] == 0);
    CHECK(query(pol, "case.get", a)[0] == 0);
    CHECK(query(aud, "audit.read", NULL)[0] == 0);
    rg_t_local_settle(&L);
    rg_sth h1;
    REQUIRE(audit_head(&h1));
    CHECK(h1.size >= 3);
    /* A log head is no audit head: the same bytes under the other tag fail. */
    rg_sth as_log = h1;
    as_log.audit = false;
    CHECK(!rg_sth_verify(&as_log, PUB));
    int bad = 0;
    for (uint64_t n = 1; n <= h1.size; n++)
        if (!audit_proof_ok(n, &h1)) bad++;
    CHECK(bad == 0);
    CHECK(query(mgr, "case.get", a)[0] == 0);
    rg_t_local_settle(&L);
    rg_sth h2;
    REQUIRE(audit_head(&h2));
    CHECK(h2.size > h1.size);
    CHECK(audit_proof_ok(h2.size, &h2) && audit_proof_ok(1, &h2));
    rg_buf_reset(&B);
    rg_req_envelope(&B, "log.consistency", aud, NULL, NULL, -1, 3);
    rg_w_kuint(&B, "from", h1.size);
    rg_w_kuint(&B, "to", h2.size);
    rg_w_kbool(&B, "audit", true);
    REQUIRE(send_req()[0] == 0);
    const rg_val *p = rg_t_get(&R, "path");
    uint8_t path[RG_MERKLE_MAX_PATH][H];
    uint32_t np = rg_array_size(p);
    REQUIRE(np <= RG_MERKLE_MAX_PATH);
    for (uint32_t i = 0; i < np; i++) hex_of(rg_array_at(p, i), path[i], H);
    CHECK(rg_merkle_verify_consistency(h1.size, h2.size, h1.root, h2.root, (const uint8_t(*)[H])path, (int)np));
    CHECK(strcmp(rg_t_str(&R, "trail"), "audit") == 0);
    /* The heads were written for witnesses. */
    char path_s[4200];
    snprintf(path_s, sizeof path_s, "%s/audit.heads", L.dir);
    FILE *f = fopen(path_s, "r");
    CHECK(f != NULL);
    if (f) fclose(f);
    /* One of seq and audit. */
    rg_buf_reset(&B);
    rg_req_envelope(&B, "log.prove", aud, NULL, NULL, -1, 2);
    rg_w_kuint(&B, "seq", 1);
    rg_w_kuint(&B, "audit", 1);
    FAILS("bad_request", "one of the two");
    query(aud, "log.prove", NULL);
    CHECK(strcmp(rg_t_err(&R), "bad_request") == 0);
    rg_buf_reset(&B);
    rg_req_envelope(&B, "log.prove", aud, NULL, NULL, -1, 1);
    rg_w_kuint(&B, "audit", 100000);
    FAILS("not_found", "no audit record 100000");
    /* A record of the trail altered behind the engine's back. */
    char *dir = strdup(L.dir);
    rg_t_local_close(&L, false);
    rg_log *log;
    REQUIRE(rg_log_open(&log, dir) == 0);
    uint8_t k[8] = {0, 0, 0, 0, 0, 0, 0, 1};
    rg_buf v = RG_BUF_INIT;
    REQUIRE(rg_log_get(log, RG_CF_AUDIT, k, 8, &v) == 0);
    v.data[v.len - 1] ^= 0x01;          /* refused: true <-> false */
    rg_batch *bt = rg_batch_new(log);
    rg_batch_put(bt, RG_CF_AUDIT, k, 8, v.data, v.len);
    REQUIRE(rg_log_write(log, bt, true) == 0);
    rg_batch_free(bt);
    rg_buf_free(&v);
    rg_log_close(log);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    CHECK(strcmp(query(aud, "log.head", NULL), "storage_error") == 0);
    CHECK(strstr(rg_t_str(&R, "message"), "the audit trail's first") != NULL);
    free(dir);
    teardown();
}

static void test_who_reads_what(void)
{
    setup();
    char a[32];
    referred_case(a);
    REQUIRE(a[0]);
    CHECK(query(aud, "log.head", NULL)[0] == 0);
    CHECK(query(aud, "audit.read", NULL)[0] == 0);
    CHECK(strcmp(query(aud, "case.get", a), "forbidden") == 0);
    CHECK(strcmp(query(aud, "case.history", a), "forbidden") == 0);
    CHECK(strcmp(query(aud, "cases.list", NULL), "forbidden") == 0);
    CHECK(strcmp(query(aud, "feed.read", NULL), "forbidden") == 0);
    CHECK(strcmp(query(pol, "log.head", NULL), "forbidden") == 0);
    CHECK(strcmp(query(mgr, "log.head", NULL), "forbidden") == 0);
    CHECK(strcmp(query(pr, "audit.read", NULL), "forbidden") == 0);
    teardown();
}

/* --sign-key: a given key is used (its public key in DIR/sign.pub); a
 * missing, malformed or world-readable one refuses the start. */
static void test_sign_key_file(void)
{
    char *dir = rg_t_tmpdir(), key[4200], pubpath[4200];
    snprintf(key, sizeof key, "%s.given-sign", dir);
    uv_loop_t loop;
    uv_loop_init(&loop);
    rg_engine_opts o = {.module = &rg_handlers_module, .dir = dir, .sign_key = key};
    o.clock.manual = true;
    rg_engine *e = NULL;
    CHECK(rg_engine_open(&e, &loop, &o) < 0);                      /* missing: not made */
    FILE *f = fopen(key, "w");
    REQUIRE(f);
    fputs("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", f);
    fclose(f);
    chmod(key, 0644);
    CHECK(rg_engine_open(&e, &loop, &o) < 0);                      /* others may read it */
    chmod(key, 0600);
    REQUIRE(rg_engine_open(&e, &loop, &o) == 0);
    rg_engine_close(e);
    uv_run(&loop, UV_RUN_DEFAULT);
    uint8_t seed[32], pub[RG_STH_PUB], sec[RG_STH_SECRET], got[RG_STH_PUB];
    rg_mk_unhex(seed, 32, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 64);
    rg_sth_keypair(seed, pub, sec);
    snprintf(pubpath, sizeof pubpath, "%s/sign.pub", dir);
    char hex[80] = "";
    f = fopen(pubpath, "r");
    size_t n = f ? fread(hex, 1, sizeof hex - 1, f) : 0;
    if (f) fclose(f);
    CHECK(n == 65 && rg_mk_unhex(got, RG_STH_PUB, hex, 64) && memcmp(got, pub, RG_STH_PUB) == 0);
    f = fopen(key, "w");
    REQUIRE(f);
    fputs("not a key\n", f);
    fclose(f);
    CHECK(rg_engine_open(&e, &loop, &o) < 0);                      /* malformed */
    CHECK(uv_loop_close(&loop) == 0);
    remove(key);
    rg_t_rmrf(dir);
    free(dir);
}

int main(void)
{
    RUN(test_every_position_and_appends);
    RUN(test_heads_survive_restart_and_erasure);
    RUN(test_altered_record_detected);
    RUN(test_audit_records_proved);
    RUN(test_who_reads_what);
    RUN(test_sign_key_file);
    return rg_t_exit();
}
