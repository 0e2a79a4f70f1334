/* crypto.c - SHA-256 chain links and tokens through libsodium. */
#include "crypto.h"

#include <sodium.h>
#include <pthread.h>

#include "errors.h"

/* In a forked child libsodium's internal generator would abort at its
 * next draw (it refuses to go on with the parent's stream); the child's
 * only thread, the one that forked, takes a new seed instead. */
static void reseed_after_fork(void) { randombytes_stir(); }

static void choose_generator(void)
{
    randombytes_set_implementation(&randombytes_internal_implementation);
    pthread_atfork(NULL, NULL, reseed_after_fork);
}

int rg_crypto_init(void)
{
    /* libsodium's default generator on Linux makes a getrandom() call for
     * every randombytes_buf: 2 to 3 per command (nonces of the sealed
     * boxes, data keys, trace ids), and a system call is dear on the
     * virtual machines we run on.  Its internal generator is ChaCha20
     * keyed once per thread from getrandom(), with the key replaced after
     * every call (fast key erasure), and a new seed in a forked child
     * (reseed_after_fork).  It must be chosen before sodium_init, once per process. */
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, choose_generator);
    return sodium_init() < 0 ? RG_ESTORAGE : 0;
}

void rg_sha256(uint8_t out[RG_HASH_LEN], const void *p, size_t n)
{
    crypto_hash_sha256(out, p, n);
}

void rg_chain_link(uint8_t out[RG_HASH_LEN], const uint8_t prev[RG_HASH_LEN],
                   const void *body, size_t n)
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, prev, RG_HASH_LEN);
    crypto_hash_sha256_update(&st, body, n);
    crypto_hash_sha256_final(&st, out);
}

void rg_random(void *p, size_t n) { randombytes_buf(p, n); }

void rg_hex(char *out, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

void rg_token_new(char out[RG_TOKEN_LEN + 1])
{
    uint8_t raw[32];
    randombytes_buf(raw, sizeof raw);
    out[0] = 'r'; out[1] = 'g'; out[2] = 't'; out[3] = '_';
    rg_hex(out + 4, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
}

void rg_keyed_hash(uint8_t *out, size_t outn, const uint8_t key[RG_KEY_LEN], const void *p, size_t n)
{
    crypto_generichash(out, outn, p, n, key, RG_KEY_LEN);
}

void rg_aead_seal(rg_buf *out, const uint8_t key[RG_KEY_LEN], const void *ad, size_t adn,
                  const void *p, size_t n)
{
    size_t at = out->len;
    rg_buf_reserve(out, n + RG_SEAL_OVERHEAD);
    uint8_t *nonce = out->data + at;
    randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    unsigned long long cn = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + 24, &cn, p, n, ad, adn, NULL, nonce, key);
    out->len = at + 24 + (size_t)cn;
}

int rg_aead_open(rg_buf *out, const uint8_t key[RG_KEY_LEN], const void *ad, size_t adn,
                 const uint8_t *box, size_t boxn)
{
    if (boxn < RG_SEAL_OVERHEAD) return RG_ESTORAGE;
    size_t at = out->len;
    rg_buf_reserve(out, boxn);
    unsigned long long pn = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(out->data + at, &pn, NULL, box + 24, boxn - 24, ad,
                                                   adn, box, key) != 0)
        return RG_ESTORAGE;
    out->len = at + (size_t)pn;
    return 0;
}

void rg_wipe(void *p, size_t n)
{
    sodium_memzero(p, n);
}
