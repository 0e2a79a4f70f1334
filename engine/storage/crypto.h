/*
 * crypto.h - hashing and random tokens, on libsodium (never hand-written).
 *
 * The hash chain: link(n) = SHA-256(link(n-1) || body(n)), link(0) = 32 zero
 * bytes.  Tokens are 32 random bytes shown once as 64 hex chars prefixed
 * "rgt_"; only SHA-256(token) is ever stored.
 */
#ifndef RG_CRYPTO_H
#define RG_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define RG_HASH_LEN 32
#define RG_TOKEN_LEN (4 + 64)  /* "rgt_" + hex, without the NUL */

int rg_crypto_init(void);
void rg_sha256(uint8_t out[RG_HASH_LEN], const void *p, size_t n);
void rg_chain_link(uint8_t out[RG_HASH_LEN], const uint8_t prev[RG_HASH_LEN],
                   const void *body, size_t n);
void rg_token_new(char out[RG_TOKEN_LEN + 1]);
void rg_random(void *p, size_t n);
void rg_hex(char *out, const uint8_t *p, size_t n);   /* writes 2n chars and a NUL */
/* A keyed hash (BLAKE2b, libsodium's generichash) of p under a key of
 * RG_KEY_LEN bytes, outn bytes long (16..64). */
#define RG_KEY_LEN 32
void rg_keyed_hash(uint8_t *out, size_t outn, const uint8_t key[RG_KEY_LEN], const void *p, size_t n);

/* Overwrite key material before its memory is freed or reused. */
void rg_wipe(void *p, size_t n);

/* Authenticated encryption (XChaCha20-Poly1305, libsodium): a sealed box is
 * nonce (24 random bytes) || ciphertext || tag (16), bound to the associated
 * data ad, so it cannot be moved to another place.  rg_aead_open returns
 * RG_ESTORAGE when the box does not open under that key and ad. */
#define RG_SEAL_OVERHEAD (24 + 16)
void rg_aead_seal(rg_buf *out, const uint8_t key[RG_KEY_LEN], const void *ad, size_t adn,
                  const void *p, size_t n);
int rg_aead_open(rg_buf *out, const uint8_t key[RG_KEY_LEN], const void *ad, size_t adn,
                 const uint8_t *box, size_t boxn);

#endif
