/*
 * crypto_test.c - storage/crypto.h over libsodium: SHA-256 against the
 * FIPS 180-2 vectors, the chain link as SHA-256(prev || body), hex, tokens
 * (shape, and never the same twice), the keyed hash (its key matters), the
 * sealed box (opens under its key and associated data only, and not once a
 * byte of it changed), wipe, and the random generator (libsodium's
 * internal one: no system call per draw, a stream of its own per thread
 * and after a fork).
 */
#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../test.h"
#include "../../engine/storage/crypto.h"
#include "../../engine/storage/errors.h"

static void hexof(char *out, const uint8_t *p, size_t n) { rg_hex(out, p, n); }

static void test_sha256_vectors(void)
{
    uint8_t h[RG_HASH_LEN];
    char x[2 * RG_HASH_LEN + 1];
    rg_sha256(h, "abc", 3);
    hexof(x, h, sizeof h);
    CHECK(strcmp(x, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
    rg_sha256(h, "", 0);
    hexof(x, h, sizeof h);
    CHECK(strcmp(x, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0);
}

static void test_chain_link(void)
{
    uint8_t prev[RG_HASH_LEN], link[RG_HASH_LEN], want[RG_HASH_LEN], cat[RG_HASH_LEN + 5];
    for (int i = 0; i < RG_HASH_LEN; i++) prev[i] = (uint8_t)i;
    rg_chain_link(link, prev, "event", 5);
    memcpy(cat, prev, RG_HASH_LEN);
    memcpy(cat + RG_HASH_LEN, "event", 5);
    rg_sha256(want, cat, sizeof cat);
    CHECK(memcmp(link, want, RG_HASH_LEN) == 0);
    /* Another previous link gives another link. */
    prev[0] ^= 1;
    rg_chain_link(want, prev, "event", 5);
    CHECK(memcmp(link, want, RG_HASH_LEN) != 0);
}

static void test_tokens_and_hex(void)
{
    char a[RG_TOKEN_LEN + 1], b[RG_TOKEN_LEN + 1];
    rg_token_new(a);
    rg_token_new(b);
    CHECK(strlen(a) == RG_TOKEN_LEN && strncmp(a, "rgt_", 4) == 0);
    CHECK(strspn(a + 4, "0123456789abcdef") == 64);
    CHECK(strcmp(a, b) != 0);
    char x[9];
    rg_hex(x, (const uint8_t *)"\x00\x0f\xa0\xff", 4);
    CHECK(strcmp(x, "000fa0ff") == 0);
}

static void test_keyed_hash(void)
{
    uint8_t k1[RG_KEY_LEN] = {1}, k2[RG_KEY_LEN] = {2};
    uint8_t h1[16], h1b[16], h2[16];
    rg_keyed_hash(h1, sizeof h1, k1, "subject", 7);
    rg_keyed_hash(h1b, sizeof h1b, k1, "subject", 7);
    rg_keyed_hash(h2, sizeof h2, k2, "subject", 7);
    CHECK(memcmp(h1, h1b, 16) == 0);
    CHECK(memcmp(h1, h2, 16) != 0);
}

static void test_sealed_box(void)
{
    uint8_t key[RG_KEY_LEN], other[RG_KEY_LEN];
    rg_random(key, sizeof key);
    rg_random(other, sizeof other);
    CHECK(memcmp(key, other, RG_KEY_LEN) != 0);
    rg_buf box = RG_BUF_INIT, out = RG_BUF_INIT;
    rg_aead_seal(&box, key, "case-1", 6, "Zebulon Quaxwerth", 17);
    REQUIRE(box.len == 17 + RG_SEAL_OVERHEAD);
    CHECK(memmem(box.data, box.len, "Zebulon", 7) == NULL);
    CHECK(rg_aead_open(&out, key, "case-1", 6, box.data, box.len) == 0);
    CHECK(out.len == 17 && memcmp(out.data, "Zebulon Quaxwerth", 17) == 0);
    rg_buf_reset(&out);
    CHECK(rg_aead_open(&out, other, "case-1", 6, box.data, box.len) == RG_ESTORAGE);
    CHECK(rg_aead_open(&out, key, "case-2", 6, box.data, box.len) == RG_ESTORAGE);
    box.data[box.len - 1] ^= 1;
    CHECK(rg_aead_open(&out, key, "case-1", 6, box.data, box.len) == RG_ESTORAGE);
    CHECK(rg_aead_open(&out, key, "case-1", 6, box.data, 3) == RG_ESTORAGE);   /* too short */
    /* Two seals of the same text differ (a fresh nonce each). */
    rg_buf again = RG_BUF_INIT;
    rg_aead_seal(&again, key, "case-1", 6, "Zebulon Quaxwerth", 17);
    CHECK(again.len == box.len && memcmp(again.data, box.data, 24) != 0);
    rg_buf_free(&again);
    rg_buf_free(&box);
    rg_buf_free(&out);
    rg_wipe(key, sizeof key);
    uint8_t zero[RG_KEY_LEN] = {0};
    CHECK(memcmp(key, zero, RG_KEY_LEN) == 0);
}

static void *draw(void *out)
{
    rg_random(out, 32);
    return NULL;
}

/* The generator chosen by rg_crypto_init: the internal one, whose draws
 * differ between threads and between a parent and its forked child (the
 * child takes a new seed: without it libsodium aborts the child's draw),
 * and never repeat. */
static void test_random_generator(void)
{
    CHECK(strcmp(randombytes_implementation_name(), "internal") == 0);
    uint8_t a[32], b[32], t1[32], t2[32], child[32];
    rg_random(a, sizeof a);
    rg_random(b, sizeof b);
    CHECK(memcmp(a, b, sizeof a) != 0);
    pthread_t th1, th2;
    REQUIRE(pthread_create(&th1, NULL, draw, t1) == 0);
    REQUIRE(pthread_create(&th2, NULL, draw, t2) == 0);
    pthread_join(th1, NULL);
    pthread_join(th2, NULL);
    CHECK(memcmp(t1, t2, 32) != 0 && memcmp(t1, a, 32) != 0 && memcmp(t1, b, 32) != 0);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        uint8_t c[32];
        rg_random(c, sizeof c);
        _exit(write(fds[1], c, sizeof c) == (ssize_t)sizeof c ? 0 : 1);
    }
    uint8_t mine[32];
    rg_random(mine, sizeof mine);
    int st = 0;
    pid_t w = waitpid(pid, &st, 0);
    REQUIRE(w == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    REQUIRE(read(fds[0], child, sizeof child) == (ssize_t)sizeof child);
    close(fds[0]);
    close(fds[1]);
    CHECK(memcmp(child, mine, 32) != 0);
}

int main(void)
{
    if (rg_crypto_init() < 0) return 1;
    RUN(test_sha256_vectors);
    RUN(test_chain_link);
    RUN(test_tokens_and_hex);
    RUN(test_keyed_hash);
    RUN(test_sealed_box);
    RUN(test_random_generator);
    return rg_t_exit();
}
