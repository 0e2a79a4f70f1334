/*
 * merkle.c - the log's Merkle tree, its proofs and signed heads (merkle.h),
 * after RFC 9162 (Certificate Transparency 2.0), sections 2.1.1 to 2.1.4.
 *
 * Storage: levels[l][j] is the hash of the perfect subtree of leaves
 * [j * 2^l, (j + 1) * 2^l), kept once complete.  Every subtree the RFC's
 * recursion visits starts at a multiple of the power of two it splits at,
 * so its left part is always a kept perfect subtree; only the right edge is
 * hashed again, O(log n) nodes per root.
 */
#include "merkle.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"

#define H RG_MERKLE_HASH

void rg_merkle_leaf_hash(uint8_t out[H], const void *leaf, size_t n)
{
    crypto_hash_sha256_state st;
    const uint8_t tag = 0x00;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &tag, 1);
    crypto_hash_sha256_update(&st, leaf, n);
    crypto_hash_sha256_final(&st, out);
}

void rg_merkle_node_hash(uint8_t out[H], const uint8_t l[H], const uint8_t r[H])
{
    uint8_t buf[1 + 2 * H];
    buf[0] = 0x01;
    memcpy(buf + 1, l, H);
    memcpy(buf + 1 + H, r, H);
    crypto_hash_sha256(out, buf, sizeof buf);
}

void rg_merkle_init(rg_merkle *t) { memset(t, 0, sizeof *t); }

void rg_merkle_free(rg_merkle *t)
{
    for (int l = 0; l < 64; l++) free(t->levels[l]);
    memset(t, 0, sizeof *t);
}

static uint8_t *slot(rg_merkle *t, int l, uint64_t j)
{
    if (j >= t->cap[l]) {
        uint64_t cap = t->cap[l] ? t->cap[l] * 2 : 1024;
        t->levels[l] = rg_realloc(t->levels[l], cap * H);
        t->cap[l] = cap;
    }
    return t->levels[l] + j * H;
}

void rg_merkle_append(rg_merkle *t, const void *leaf, size_t n)
{
    uint64_t i = t->size;
    rg_merkle_leaf_hash(slot(t, 0, i), leaf, n);
    /* Every perfect subtree this leaf completes, bottom up. */
    for (int l = 1; l < 64 && ((i + 1) & ((1ULL << l) - 1)) == 0; l++) {
        uint64_t j = i >> l;
        const uint8_t *left = t->levels[l - 1] + (2 * j) * H, *right = t->levels[l - 1] + (2 * j + 1) * H;
        uint8_t node[H];
        rg_merkle_node_hash(node, left, right);
        memcpy(slot(t, l, j), node, H);
    }
    t->size = i + 1;
}

const uint8_t *rg_merkle_leaf(const rg_merkle *t, uint64_t index)
{
    RG_ASSERT(index < t->size);
    return t->levels[0] + index * H;
}

/* The largest power of two below n (n >= 2). */
static uint64_t split(uint64_t n)
{
    uint64_t k = 1;
    while (k << 1 < n) k <<= 1;
    return k;
}

/* MTH(D[a : a + n]); a is a multiple of the largest power of two <= n when
 * the recursion calls it, so a perfect part is always kept. */
static void mth(const rg_merkle *t, uint64_t a, uint64_t n, uint8_t out[H])
{
    RG_ASSERT(n >= 1 && a + n <= t->size);
    if ((n & (n - 1)) == 0) {
        int l = __builtin_ctzll(n);
        RG_ASSERT((a & (n - 1)) == 0);
        memcpy(out, t->levels[l] + (a >> l) * H, H);
        return;
    }
    uint64_t k = split(n);
    uint8_t left[H], right[H];
    mth(t, a, k, left);
    mth(t, a + k, n - k, right);
    rg_merkle_node_hash(out, left, right);
}

void rg_merkle_root(const rg_merkle *t, uint64_t size, uint8_t out[H])
{
    if (size == 0) {
        crypto_hash_sha256(out, (const uint8_t *)"", 0);
        return;
    }
    mth(t, 0, size, out);
}

void rg_merkle_acc_init(rg_merkle_acc *a) { memset(a, 0, sizeof *a); }

void rg_merkle_acc_add(rg_merkle_acc *a, const uint8_t leaf_hash[H])
{
    RG_ASSERT(a->size < UINT64_MAX);
    uint8_t carry[H];
    memcpy(carry, leaf_hash, H);
    /* Like a binary counter: each full level merges into the next. */
    int l = 0;
    while (a->size >> l & 1) {
        rg_merkle_node_hash(carry, a->sub[l], carry);
        l++;
    }
    memcpy(a->sub[l], carry, H);
    a->size++;
}

void rg_merkle_acc_root(const rg_merkle_acc *a, uint8_t out[H])
{
    if (a->size == 0) {
        crypto_hash_sha256(out, (const uint8_t *)"", 0);
        return;
    }
    /* The tree of n leaves is the largest perfect subtree on the left and
     * the tree of the rest on the right: fold the subtrees from the
     * smallest (rightmost) up. */
    int l = __builtin_ctzll(a->size);
    uint8_t r[H];
    memcpy(r, a->sub[l], H);
    for (l++; l < 64; l++)
        if (a->size >> l & 1) rg_merkle_node_hash(r, a->sub[l], r);
    memcpy(out, r, H);
}

/* PATH(m, D[a : a + n]) (RFC 9162 2.1.3.1), appended at path[*k]. */
static void path_of(const rg_merkle *t, uint64_t m, uint64_t a, uint64_t n, uint8_t path[][H], int *k)
{
    if (n <= 1) return;
    uint64_t s = split(n);
    if (m < s) {
        path_of(t, m, a, s, path, k);
        mth(t, a + s, n - s, path[(*k)++]);
    } else {
        path_of(t, m - s, a + s, n - s, path, k);
        mth(t, a, s, path[(*k)++]);
    }
}

void rg_merkle_prove(const rg_merkle *t, uint64_t index, uint64_t size, uint8_t path[][H], int *n)
{
    RG_ASSERT(index < size && size <= t->size);
    *n = 0;
    path_of(t, index, 0, size, path, n);
    RG_ASSERT(*n <= RG_MERKLE_MAX_PATH);
}

/* SUBPROOF(m, D[a : a + n], b) (RFC 9162 2.1.4.1). */
static void subproof(const rg_merkle *t, uint64_t m, uint64_t a, uint64_t n, bool b, uint8_t path[][H], int *k)
{
    if (m == n) {
        if (!b) mth(t, a, n, path[(*k)++]);
        return;
    }
    uint64_t s = split(n);
    if (m <= s) {
        subproof(t, m, a, s, b, path, k);
        mth(t, a + s, n - s, path[(*k)++]);
    } else {
        subproof(t, m - s, a + s, n - s, false, path, k);
        mth(t, a, s, path[(*k)++]);
    }
}

void rg_merkle_consistency(const rg_merkle *t, uint64_t from, uint64_t to, uint8_t path[][H], int *n)
{
    RG_ASSERT(from > 0 && from <= to && to <= t->size);
    *n = 0;
    subproof(t, from, 0, to, true, path, n);
    RG_ASSERT(*n <= RG_MERKLE_MAX_PATH);
}

bool rg_merkle_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf_hash[H],
                                const uint8_t path[][H], int n, const uint8_t root[H])
{
    if (index >= size || n < 0 || n > RG_MERKLE_MAX_PATH) return false;
    uint64_t fn = index, sn = size - 1;
    uint8_t r[H];
    memcpy(r, leaf_hash, H);
    for (int i = 0; i < n; i++) {
        if (sn == 0) return false;
        if ((fn & 1) || fn == sn) {
            rg_merkle_node_hash(r, path[i], r);
            if (!(fn & 1))
                while (fn && !(fn & 1)) fn >>= 1, sn >>= 1;
        } else {
            rg_merkle_node_hash(r, r, path[i]);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && sodium_memcmp(r, root, H) == 0;
}

bool rg_merkle_verify_consistency(uint64_t from, uint64_t to, const uint8_t root1[H], const uint8_t root2[H],
                                  const uint8_t path[][H], int n)
{
    if (from == 0 || from > to || n < 0 || n > RG_MERKLE_MAX_PATH) return false;
    if (from == to) return n == 0 && sodium_memcmp(root1, root2, H) == 0;
    /* A first tree of a power-of-two size is a node of the second: its
     * root starts the path. */
    const uint8_t(*p)[H] = path;
    int np = n;
    uint8_t first[H];
    bool pow2 = (from & (from - 1)) == 0;
    if (pow2) memcpy(first, root1, H);
    else if (np == 0) return false;
    else memcpy(first, p[0], H), p++, np--;
    uint64_t fn = from - 1, sn = to - 1;
    while (fn & 1) fn >>= 1, sn >>= 1;
    uint8_t fr[H], sr[H];
    memcpy(fr, first, H);
    memcpy(sr, first, H);
    for (int i = 0; i < np; i++) {
        if (sn == 0) return false;
        if ((fn & 1) || fn == sn) {
            rg_merkle_node_hash(fr, p[i], fr);
            rg_merkle_node_hash(sr, p[i], sr);
            if (!(fn & 1))
                while (fn && !(fn & 1)) fn >>= 1, sn >>= 1;
        } else {
            rg_merkle_node_hash(sr, sr, p[i]);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && sodium_memcmp(fr, root1, H) == 0 && sodium_memcmp(sr, root2, H) == 0;
}

/* ---- signed tree heads ---- */

#define STH_TAG "regie-sth-v1"
#define ATH_TAG "regie-ath-v1"   /* the audit trail's heads */

static void sth_message(const rg_sth *h, uint8_t msg[12 + 8 + H + 8])
{
    memcpy(msg, h->audit ? ATH_TAG : STH_TAG, 12);
    for (int i = 0; i < 8; i++) msg[12 + i] = (uint8_t)(h->size >> (56 - 8 * i));
    memcpy(msg + 20, h->root, H);
    for (int i = 0; i < 8; i++) msg[20 + H + i] = (uint8_t)(h->at >> (56 - 8 * i));
}

void rg_mk_hex(char *out, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = 0;
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool rg_mk_unhex(uint8_t *out, size_t n, const char *s, size_t len)
{
    if (len != 2 * n) return false;
    for (size_t i = 0; i < n; i++) {
        int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

void rg_sth_key_id(const uint8_t pub[RG_STH_PUB], char out[RG_STH_KEY_ID + 1])
{
    uint8_t h[H];
    crypto_hash_sha256(h, pub, RG_STH_PUB);
    rg_mk_hex(out, h, RG_STH_KEY_ID / 2);
}

void rg_sth_keypair(const uint8_t seed[32], uint8_t pub[RG_STH_PUB], uint8_t secret[RG_STH_SECRET])
{
    crypto_sign_seed_keypair(pub, secret, seed);
}

void rg_sth_sign(rg_sth *h, const uint8_t secret[RG_STH_SECRET], const uint8_t pub[RG_STH_PUB])
{
    uint8_t msg[12 + 8 + H + 8];
    sth_message(h, msg);
    crypto_sign_detached(h->sig, NULL, msg, sizeof msg, secret);
    rg_sth_key_id(pub, h->key_id);
}

bool rg_sth_verify(const rg_sth *h, const uint8_t pub[RG_STH_PUB])
{
    char id[RG_STH_KEY_ID + 1];
    rg_sth_key_id(pub, id);
    if (strcmp(id, h->key_id) != 0) return false;
    uint8_t msg[12 + 8 + H + 8];
    sth_message(h, msg);
    return crypto_sign_verify_detached(h->sig, msg, sizeof msg, pub) == 0;
}
