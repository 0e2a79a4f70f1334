/*
 * merkle_test.c - the log's Merkle tree (storage/merkle.h) against the
 * definitions of RFC 9162 written out naively: every root of sizes 1..70,
 * an inclusion proof for every leaf of every size, a consistency proof for
 * every pair of sizes, each checked by the verifier; altered leaves, paths,
 * indexes, sizes and roots refused; the RFC 6962 test vectors' empty root;
 * signed heads verify and an altered field or another key does not.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/storage/merkle.h"

#define N 70
#define H RG_MERKLE_HASH

static uint8_t leaves[N][8];
static uint8_t lh[N][H];

/* MTH(D[a : a + n]) as RFC 9162 2.1.1 defines it. */
static void naive(uint64_t a, uint64_t n, uint8_t out[H])
{
    if (n == 1) {
        memcpy(out, lh[a], H);
        return;
    }
    uint64_t k = 1;
    while (k * 2 < n) k *= 2;
    uint8_t l[H], r[H];
    naive(a, k, l);
    naive(a + k, n - k, r);
    rg_merkle_node_hash(out, l, r);
}

static rg_merkle T;

static void build(void)
{
    rg_merkle_init(&T);
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < 8; j++) leaves[i][j] = (uint8_t)(i * 7 + j);
        rg_merkle_leaf_hash(lh[i], leaves[i], 8);
        rg_merkle_append(&T, leaves[i], 8);
    }
}

static void test_roots(void)
{
    build();
    uint8_t a[H], b[H];
    for (uint64_t n = 1; n <= N; n++) {
        rg_merkle_root(&T, n, a);
        naive(0, n, b);
        CHECK(memcmp(a, b, H) == 0);
    }
    /* RFC 6962's empty tree: SHA-256 of nothing. */
    rg_merkle_root(&T, 0, a);
    char hex[2 * H + 1];
    rg_mk_hex(hex, a, H);
    CHECK(strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0);
    rg_merkle_free(&T);
}

/* The streaming root (a verifier's, rg_merkle_acc) equals the naive root
 * at every size. */
static void test_streaming_root(void)
{
    uint8_t a[H], b[H];
    rg_merkle_acc acc;
    rg_merkle_acc_init(&acc);
    rg_merkle_acc_root(&acc, a);
    rg_merkle_root(&T, 0, b);
    CHECK(memcmp(a, b, H) == 0);
    int bad = 0;
    for (uint64_t n = 1; n <= N; n++) {
        rg_merkle_acc_add(&acc, lh[n - 1]);
        rg_merkle_acc_root(&acc, a);
        naive(0, n, b);
        if (memcmp(a, b, H) != 0) bad++;
    }
    CHECK(bad == 0);
}

static void test_inclusion_every_leaf_every_size(void)
{
    build();
    uint8_t path[RG_MERKLE_MAX_PATH][H], root[H];
    int bad = 0, checked = 0;
    for (uint64_t n = 1; n <= N; n++) {
        rg_merkle_root(&T, n, root);
        for (uint64_t i = 0; i < n; i++) {
            int k;
            rg_merkle_prove(&T, i, n, path, &k);
            checked++;
            if (!rg_merkle_verify_inclusion(i, n, rg_merkle_leaf(&T, i), (const uint8_t(*)[H])path, k, root)) bad++;
            /* Another leaf, index, size, or a shortened path: refused. */
            if (rg_merkle_verify_inclusion(i, n, lh[(i + 1) % N], (const uint8_t(*)[H])path, k, root) && n > 1) bad++;
            if (n > 1 && rg_merkle_verify_inclusion((i + 1) % n, n, lh[i], (const uint8_t(*)[H])path, k, root)) bad++;
            if (k > 0 && rg_merkle_verify_inclusion(i, n, lh[i], (const uint8_t(*)[H])path, k - 1, root)) bad++;
            if (k > 0) {
                path[k / 2][3] ^= 1;
                if (rg_merkle_verify_inclusion(i, n, lh[i], (const uint8_t(*)[H])path, k, root)) bad++;
            }
        }
    }
    CHECK(bad == 0);
    CHECK(checked == N * (N + 1) / 2);
    /* Out of range. */
    CHECK(!rg_merkle_verify_inclusion(5, 5, lh[0], NULL, 0, root));
    rg_merkle_free(&T);
}

static void test_consistency_every_pair(void)
{
    build();
    uint8_t path[RG_MERKLE_MAX_PATH][H], r1[H], r2[H];
    int bad = 0;
    for (uint64_t m = 1; m <= N; m++)
        for (uint64_t n = m; n <= N; n++) {
            int k;
            rg_merkle_consistency(&T, m, n, path, &k);
            rg_merkle_root(&T, m, r1);
            rg_merkle_root(&T, n, r2);
            if (!rg_merkle_verify_consistency(m, n, r1, r2, (const uint8_t(*)[H])path, k)) bad++;
            if (m == n) continue;
            /* A changed old root (a record altered or dropped before m). */
            uint8_t x[H];
            memcpy(x, r1, H);
            x[0] ^= 1;
            if (rg_merkle_verify_consistency(m, n, x, r2, (const uint8_t(*)[H])path, k)) bad++;
            if (rg_merkle_verify_consistency(m, n, r1, x, (const uint8_t(*)[H])path, k)) bad++;
            if (k > 0) {
                path[k - 1][7] ^= 1;
                if (rg_merkle_verify_consistency(m, n, r1, r2, (const uint8_t(*)[H])path, k)) bad++;
            }
        }
    CHECK(bad == 0);
    CHECK(!rg_merkle_verify_consistency(0, 3, r1, r2, NULL, 0));
    CHECK(!rg_merkle_verify_consistency(4, 3, r1, r2, NULL, 0));
    rg_merkle_free(&T);
}

/* A tree over records where one was altered, dropped, or two swapped gives
 * another root at every size from there on. */
static void test_tampering_changes_roots(void)
{
    build();
    uint8_t good[H], other[H];
    rg_merkle_root(&T, N, good);
    for (int kind = 0; kind < 3; kind++) {
        rg_merkle t;
        rg_merkle_init(&t);
        for (int i = 0; i < N; i++) {
            uint8_t leaf[8];
            int src = i;
            if (kind == 2 && (i == 10 || i == 11)) src = i == 10 ? 11 : 10;     /* re-ordered pair */
            memcpy(leaf, leaves[src], 8);
            if (kind == 0 && i == 33) leaf[2] ^= 0x40;                          /* altered */
            if (kind == 1 && i == 40) continue;                                 /* dropped */
            rg_merkle_append(&t, leaf, 8);
        }
        rg_merkle_root(&t, t.size, other);
        CHECK(memcmp(good, other, H) != 0);
        rg_merkle_free(&t);
    }
    rg_merkle_free(&T);
}

static void test_signed_heads(void)
{
    uint8_t seed[32], pub[RG_STH_PUB], sec[RG_STH_SECRET], pub2[RG_STH_PUB], sec2[RG_STH_SECRET];
    randombytes_buf(seed, sizeof seed);
    rg_sth_keypair(seed, pub, sec);
    seed[0] ^= 1;
    rg_sth_keypair(seed, pub2, sec2);
    rg_sth h = {.size = 12, .at = 1764579600000ULL};
    memset(h.root, 7, H);
    rg_sth_sign(&h, sec, pub);
    CHECK(rg_sth_verify(&h, pub));
    CHECK(!rg_sth_verify(&h, pub2));
    rg_sth x = h;
    x.size++;
    CHECK(!rg_sth_verify(&x, pub));
    x = h;
    x.at++;
    CHECK(!rg_sth_verify(&x, pub));
    x = h;
    x.root[31] ^= 1;
    CHECK(!rg_sth_verify(&x, pub));
    x = h;
    x.sig[0] ^= 1;
    CHECK(!rg_sth_verify(&x, pub));
    uint8_t back[4];
    CHECK(rg_mk_unhex(back, 4, "00ff10Ab", 8) && back[1] == 0xff && back[3] == 0xab);
    CHECK(!rg_mk_unhex(back, 4, "00ff10A", 7) && !rg_mk_unhex(back, 4, "00ff10Ag", 8));
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(test_roots);
    RUN(test_streaming_root);
    RUN(test_inclusion_every_leaf_every_size);
    RUN(test_consistency_every_pair);
    RUN(test_tampering_changes_roots);
    RUN(test_signed_heads);
    return rg_t_exit();
}
