/*
 * merkle.h - a Merkle tree over the log in the shape of Certificate
 * Transparency (RFC 9162, 2.1): leaf hash = SHA-256(0x00 || leaf), node hash
 * = SHA-256(0x01 || left || right), the tree of n leaves split at the largest
 * power of two below n; inclusion and consistency proofs and their checks;
 * signed tree heads (Ed25519).
 *
 * The leaves are the log's stored event records, byte for byte, in log
 * order (the ciphertext of sealed data: erasing a case destroys its key and
 * changes no record, so no leaf and no root).
 *
 * The tree keeps every perfect subtree's hash (level 0 the leaves), about
 * 64 bytes per leaf, so a root or a proof at any size costs O(log^2 n)
 * hashes.  The checks (rg_merkle_verify_*, rg_sth_verify) need nothing but
 * their arguments: the `regie` client links this file to check proofs
 * without trusting the engine.  Not thread-safe: one owner.
 */
#ifndef RG_MERKLE_H
#define RG_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RG_MERKLE_HASH 32
#define RG_MERKLE_MAX_PATH 64            /* a proof of a tree of < 2^63 leaves */
#define RG_STH_PUB 32                    /* Ed25519 public key */
#define RG_STH_SECRET 64                 /* Ed25519 secret key (seed and public key) */
#define RG_STH_SIG 64
#define RG_STH_KEY_ID 16                 /* hex digits of the key id */

typedef struct rg_merkle {
    uint8_t *levels[64];                 /* level l: hashes of the perfect subtrees of 2^l leaves */
    uint64_t cap[64];
    uint64_t size;                       /* leaves */
} rg_merkle;

void rg_merkle_init(rg_merkle *t);
void rg_merkle_free(rg_merkle *t);
/* Append a leaf: its data (the hash is taken here). */
void rg_merkle_append(rg_merkle *t, const void *leaf, size_t n);
/* RG_MERKLE_HASH bytes of a leaf's hash, and of an inner node. */
void rg_merkle_leaf_hash(uint8_t out[RG_MERKLE_HASH], const void *leaf, size_t n);
void rg_merkle_node_hash(uint8_t out[RG_MERKLE_HASH], const uint8_t l[RG_MERKLE_HASH], const uint8_t r[RG_MERKLE_HASH]);
/* The root of the first `size` leaves (1 <= size <= t->size); the empty
 * tree's root is SHA-256 of nothing. */
void rg_merkle_root(const rg_merkle *t, uint64_t size, uint8_t out[RG_MERKLE_HASH]);
/* The hash of leaf index (0-based). */
const uint8_t *rg_merkle_leaf(const rg_merkle *t, uint64_t index);
/* The inclusion proof of leaf `index` in the tree of `size` leaves (index <
 * size <= t->size): *n hashes into path (RG_MERKLE_MAX_PATH of room). */
void rg_merkle_prove(const rg_merkle *t, uint64_t index, uint64_t size, uint8_t path[][RG_MERKLE_HASH], int *n);
/* The consistency proof between sizes from and to (0 < from <= to <= t->size). */
void rg_merkle_consistency(const rg_merkle *t, uint64_t from, uint64_t to, uint8_t path[][RG_MERKLE_HASH], int *n);

/* The root of a stream of leaves without keeping them: one hash per set
 * bit of the count (the perfect subtrees the leaves so far make up), so a
 * verifier reading a log of any length needs 2 KiB.  Gives what
 * rg_merkle_root gives for the same leaves. */
typedef struct rg_merkle_acc {
    uint8_t sub[64][RG_MERKLE_HASH];     /* sub[l]: the subtree of 2^l leaves, when bit l of size is set */
    uint64_t size;
} rg_merkle_acc;

void rg_merkle_acc_init(rg_merkle_acc *a);
/* Add the next leaf: its hash (rg_merkle_leaf_hash). */
void rg_merkle_acc_add(rg_merkle_acc *a, const uint8_t leaf_hash[RG_MERKLE_HASH]);
void rg_merkle_acc_root(const rg_merkle_acc *a, uint8_t out[RG_MERKLE_HASH]);

/* RFC 9162 2.1.3.2: does leaf_hash at index with this path give root for a
 * tree of size leaves? */
bool rg_merkle_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf_hash[RG_MERKLE_HASH],
                                const uint8_t path[][RG_MERKLE_HASH], int n, const uint8_t root[RG_MERKLE_HASH]);
/* RFC 9162 2.1.4.2: is the tree of `to` leaves with root2 an append-only
 * extension of the tree of `from` leaves with root1? */
bool rg_merkle_verify_consistency(uint64_t from, uint64_t to, const uint8_t root1[RG_MERKLE_HASH],
                                  const uint8_t root2[RG_MERKLE_HASH], const uint8_t path[][RG_MERKLE_HASH], int n);

/* A signed tree head: the root of the first `size` records at `at` (ms),
 * signed with the engine's Ed25519 key over
 *   "regie-sth-v1" || be64(size) || root || be64(at)
 * for the log, and with "regie-ath-v1" in front for the audit trail (its
 * own tree of the audit records, in order): a head of one can never be
 * passed off as a head of the other. */
typedef struct rg_sth {
    bool audit;                          /* a head of the audit trail, not of the log */
    uint64_t size;
    uint8_t root[RG_MERKLE_HASH];
    uint64_t at;
    uint8_t sig[RG_STH_SIG];
    char key_id[RG_STH_KEY_ID + 1];      /* hex of the first 8 bytes of SHA-256(public key) */
} rg_sth;

void rg_sth_key_id(const uint8_t pub[RG_STH_PUB], char out[RG_STH_KEY_ID + 1]);
/* Derive the key pair from a 32-byte seed. */
void rg_sth_keypair(const uint8_t seed[32], uint8_t pub[RG_STH_PUB], uint8_t secret[RG_STH_SECRET]);
void rg_sth_sign(rg_sth *h, const uint8_t secret[RG_STH_SECRET], const uint8_t pub[RG_STH_PUB]);
/* Is the signature the key's, over this size, root and time, and its key id that key's? */
bool rg_sth_verify(const rg_sth *h, const uint8_t pub[RG_STH_PUB]);

/* Hex: 2n lowercase digits and a NUL into out; parse exactly 2n digits. */
void rg_mk_hex(char *out, const uint8_t *p, size_t n);
bool rg_mk_unhex(uint8_t *out, size_t n, const char *s, size_t len);

#endif
