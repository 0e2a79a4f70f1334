/*
 * hmap_test.c - the hash map of storage/hmap.h through its face: put, get,
 * replace and delete; growth from empty past many thousands of entries with
 * every entry still found; deletion in the middle of probe runs (backward
 * shift) never losing a neighbour; iteration visiting each live entry
 * exactly once; keys that are binary (NUL bytes inside, the empty key,
 * prefixes of each other) told apart by their bytes and length.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/storage/hmap.h"

#define MANY 20000

/* A value that names its key: the address of one of these. */
static int vals[MANY];

static size_t key_of(char *k, size_t i) { return (size_t)snprintf(k, 32, "case-%zu", i); }

static void test_put_get_del(void)
{
    rg_hmap m;
    rg_hmap_init(&m);
    CHECK(rg_hmap_get(&m, "a", 1) == NULL);          /* empty map: no slots yet */
    CHECK(rg_hmap_del(&m, "a", 1) == NULL);
    int one = 1, two = 2, three = 3;
    CHECK(rg_hmap_put(&m, "a", 1, &one) == NULL);
    CHECK(rg_hmap_put(&m, "b", 1, &two) == NULL);
    CHECK(m.count == 2);
    CHECK(rg_hmap_get(&m, "a", 1) == &one);
    CHECK(rg_hmap_get(&m, "b", 1) == &two);
    CHECK(rg_hmap_get(&m, "c", 1) == NULL);
    /* Replace returns the previous value and keeps the count. */
    CHECK(rg_hmap_put(&m, "a", 1, &three) == &one);
    CHECK(rg_hmap_get(&m, "a", 1) == &three);
    CHECK(m.count == 2);
    /* The map copies keys: the caller's buffer may change afterwards. */
    char key[8] = "zz";
    CHECK(rg_hmap_put(&m, key, 2, &one) == NULL);
    memcpy(key, "yy", 2);
    CHECK(rg_hmap_get(&m, "zz", 2) == &one);
    CHECK(rg_hmap_get(&m, "yy", 2) == NULL);
    /* Delete returns the value once. */
    CHECK(rg_hmap_del(&m, "a", 1) == &three);
    CHECK(rg_hmap_del(&m, "a", 1) == NULL);
    CHECK(rg_hmap_get(&m, "a", 1) == NULL);
    CHECK(rg_hmap_get(&m, "b", 1) == &two);
    CHECK(m.count == 2);
    rg_hmap_free(&m);
    CHECK(m.count == 0 && m.cap == 0 && m.slots == NULL);
    /* A freed map is empty and usable again. */
    CHECK(rg_hmap_get(&m, "b", 1) == NULL);
    CHECK(rg_hmap_put(&m, "b", 1, &two) == NULL);
    CHECK(rg_hmap_get(&m, "b", 1) == &two);
    rg_hmap_free(&m);
}

static void test_growth(void)
{
    rg_hmap m;
    rg_hmap_init(&m);
    char k[32];
    size_t bad = 0;
    for (size_t i = 0; i < MANY; i++) {
        if (rg_hmap_put(&m, k, key_of(k, i), &vals[i]) != NULL) bad++;
        /* Every earlier entry is still there after each growth step. */
        if ((i & (i + 1)) == 0)
            for (size_t j = 0; j <= i; j++)
                if (rg_hmap_get(&m, k, key_of(k, j)) != &vals[j]) bad++;
    }
    CHECK(bad == 0);
    CHECK(m.count == MANY);
    CHECK(m.cap >= MANY && (m.cap & (m.cap - 1)) == 0);
    for (size_t i = 0; i < MANY; i++)
        if (rg_hmap_get(&m, k, key_of(k, i)) != &vals[i]) bad++;
    CHECK(bad == 0);
    CHECK(rg_hmap_get(&m, "case-20000", 10) == NULL);
    CHECK(rg_hmap_get(&m, "case-", 5) == NULL);
    rg_hmap_free(&m);
}

static void test_delete_keeps_the_rest(void)
{
    /* Delete every third entry, then every other of the rest, checking all
     * survivors after each pass: a backward shift that moved an entry out
     * of reach of its home slot would lose it here. */
    rg_hmap m;
    rg_hmap_init(&m);
    char k[32];
    static bool gone[MANY];
    memset(gone, 0, sizeof gone);
    for (size_t i = 0; i < MANY; i++) rg_hmap_put(&m, k, key_of(k, i), &vals[i]);
    size_t bad = 0, live = MANY;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < MANY; i++) {
            if (gone[i] || (pass == 0 ? i % 3 != 0 : i % 2 != 0)) continue;
            if (rg_hmap_del(&m, k, key_of(k, i)) != &vals[i]) bad++;
            gone[i] = true;
            live--;
        }
        for (size_t i = 0; i < MANY; i++)
            if (rg_hmap_get(&m, k, key_of(k, i)) != (gone[i] ? NULL : &vals[i])) bad++;
        CHECK(m.count == live);
    }
    CHECK(bad == 0);
    /* Put back what was deleted: all are found again, the count is whole. */
    for (size_t i = 0; i < MANY; i++)
        if (gone[i] && rg_hmap_put(&m, k, key_of(k, i), &vals[i]) != NULL) bad++;
    for (size_t i = 0; i < MANY; i++)
        if (rg_hmap_get(&m, k, key_of(k, i)) != &vals[i]) bad++;
    CHECK(bad == 0);
    CHECK(m.count == MANY);
    rg_hmap_free(&m);
}

static void test_iteration_visits_each_once(void)
{
    rg_hmap m;
    rg_hmap_init(&m);
    /* An empty map iterates over nothing. */
    rg_hmap_slot *s;
    CHECK(rg_hmap_next(&m, 0, &s) == 0);
    char k[32];
    enum { N = 5000 };
    for (size_t i = 0; i < N; i++) rg_hmap_put(&m, k, key_of(k, i), &vals[i]);
    for (size_t i = 0; i < N; i += 2) rg_hmap_del(&m, k, key_of(k, i));
    static int seen[N];
    memset(seen, 0, sizeof seen);
    size_t visits = 0, wrong = 0;
    for (size_t i = 0; (i = rg_hmap_next(&m, i, &s)) != 0;) {
        visits++;
        int *v = s->val;
        size_t idx = (size_t)(v - vals);
        if (idx >= N || idx % 2 == 0) {
            wrong++;
            continue;
        }
        /* The slot's key is the key of its value. */
        if (s->klen != key_of(k, idx) || memcmp(s->key, k, s->klen) != 0) wrong++;
        seen[idx]++;
    }
    CHECK(wrong == 0);
    CHECK(visits == N / 2);
    size_t not_once = 0;
    for (size_t i = 1; i < N; i += 2) not_once += seen[i] != 1;
    CHECK(not_once == 0);
    rg_hmap_free(&m);
}

static void test_binary_keys(void)
{
    rg_hmap m;
    rg_hmap_init(&m);
    int a = 1, b = 2, c = 3, d = 4, e = 5, f = 6;
    /* "actor\0req" keys as the idempotency map uses them: equal up to the
     * NUL, different after it. */
    CHECK(rg_hmap_put(&m, "pol1\0r1", 7, &a) == NULL);
    CHECK(rg_hmap_put(&m, "pol1\0r2", 7, &b) == NULL);
    CHECK(rg_hmap_put(&m, "pol1", 4, &c) == NULL);         /* a prefix of both */
    CHECK(rg_hmap_put(&m, "pol1\0", 5, &d) == NULL);
    CHECK(rg_hmap_put(&m, "", 0, &e) == NULL);             /* the empty key */
    static const uint8_t raw[] = {0xff, 0x00, 0x80, 0x00};
    CHECK(rg_hmap_put(&m, raw, sizeof raw, &f) == NULL);
    CHECK(m.count == 6);
    CHECK(rg_hmap_get(&m, "pol1\0r1", 7) == &a);
    CHECK(rg_hmap_get(&m, "pol1\0r2", 7) == &b);
    CHECK(rg_hmap_get(&m, "pol1", 4) == &c);
    CHECK(rg_hmap_get(&m, "pol1\0", 5) == &d);
    CHECK(rg_hmap_get(&m, "", 0) == &e);
    CHECK(rg_hmap_get(&m, raw, sizeof raw) == &f);
    CHECK(rg_hmap_get(&m, raw, 3) == NULL);
    CHECK(rg_hmap_get(&m, "pol1\0r3", 7) == NULL);
    CHECK(rg_hmap_del(&m, "pol1\0", 5) == &d);
    CHECK(rg_hmap_get(&m, "pol1", 4) == &c);
    CHECK(rg_hmap_get(&m, "pol1\0r1", 7) == &a);
    CHECK(rg_hmap_del(&m, "", 0) == &e);
    CHECK(rg_hmap_get(&m, "", 0) == NULL);
    CHECK(m.count == 4);
    /* The hash depends on every byte and on the length, never 0 (the empty
     * slot's mark). */
    CHECK(rg_hash_bytes("pol1\0r1", 7) != rg_hash_bytes("pol1\0r2", 7));
    CHECK(rg_hash_bytes("pol1", 4) != rg_hash_bytes("pol1\0", 5));
    CHECK(rg_hash_bytes("", 0) != 0);
    CHECK(rg_hash_bytes("abc", 3) == rg_hash_bytes("abc", 3));
    rg_hmap_free(&m);
}

int main(void)
{
    RUN(test_put_get_del);
    RUN(test_growth);
    RUN(test_delete_keeps_the_rest);
    RUN(test_iteration_visits_each_once);
    RUN(test_binary_keys);
    return rg_t_exit();
}
