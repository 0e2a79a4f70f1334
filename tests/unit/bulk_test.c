/*
 * bulk_test.c - the pieces of a rebuild's bulk load: rg_sorted hands pairs
 * back in bytewise key order for keys of every shape (shared prefixes,
 * prefixes of each other, orders with ties and with wide spread, keys that
 * come in sorted, reversed and shuffled), the same order qsort with memcmp
 * gives, also when more are added after a sort; and rg_log_load writes them
 * into a real RocksDB column family, once per key, over what was there, and
 * reads back exactly; a bulk-load file left by a crash as a second name of
 * a live table is neither truncated by the next load nor kept at open.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test.h"
#include "../../engine/storage/errors.h"
#include "../../engine/storage/log.h"
#include "../../engine/storage/sorted.h"

typedef struct key {
    uint8_t b[24];
    size_t n;
} key;

static int key_cmp(const void *a, const void *b)
{
    const key *x = a, *y = b;
    int c = memcmp(x->b, y->b, x->n < y->n ? x->n : y->n);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

static uint64_t rnd_state = 88172645463325252ULL;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

/* Keys of one family: shape 0 case-id-like strings, 1 lead-time-like
 * (state, be64 ms, be64 seq), 2 short random bytes that are often prefixes
 * of each other. */
static void make_key(key *k, int shape, size_t i)
{
    switch (shape) {
    case 0: k->n = (size_t)snprintf((char *)k->b, sizeof k->b, "ZVH-%08zu", rnd() % 5000); break;
    case 1:
        k->b[0] = (uint8_t)(rnd() % 4);
        rg_be64_put(k->b + 1, rnd() % 3 == 0 ? rnd() : rnd() % 1000);
        rg_be64_put(k->b + 9, i);
        k->n = 17;
        break;
    default:
        k->n = rnd() % 4;
        for (size_t j = 0; j < k->n; j++) k->b[j] = (uint8_t)(rnd() % 3);
        break;
    }
}

/* An order that never contradicts the key: lead-time keys as replay.c
 * orders them, the rest by their first 8 bytes. */
static uint64_t order_of(const key *k, int shape)
{
    if (shape != 1) return rg_sorted_key_order(k->b, k->n);
    uint64_t ms = rg_be64_get(k->b + 1);
    return (uint64_t)k->b[0] << 56 | (ms < (1ULL << 56) ? ms : (1ULL << 56) - 1);
}

static void check_family(int shape, int arrival, size_t n)
{
    key *ks = malloc(n * sizeof *ks);
    for (size_t i = 0; i < n; i++) make_key(&ks[i], shape, i);
    if (arrival == 1) qsort(ks, n, sizeof *ks, key_cmp);
    if (arrival == 2) {
        qsort(ks, n, sizeof *ks, key_cmp);
        for (size_t i = 0; i < n / 2; i++) {
            key t = ks[i];
            ks[i] = ks[n - 1 - i];
            ks[n - 1 - i] = t;
        }
    }
    rg_sorted s = RG_SORTED_INIT;
    for (size_t i = 0; i < n; i++) {
        char v[16];
        int vn = snprintf(v, sizeof v, "%zu", ks[i].n);
        rg_sorted_add(&s, order_of(&ks[i], shape), ks[i].b, ks[i].n, v, (size_t)vn);
    }
    rg_sorted_sort(&s);
    qsort(ks, n, sizeof *ks, key_cmp);
    bool ok = s.n == n;
    for (size_t i = 0; ok && i < n; i++) {
        const uint8_t *k, *v;
        size_t kn, vn;
        rg_sorted_at(&s, i, &k, &kn, &v, &vn);
        char want[16];
        snprintf(want, sizeof want, "%zu", kn);
        ok = kn == ks[i].n && memcmp(k, ks[i].b, kn) == 0 && vn == strlen(want) && memcmp(v, want, vn) == 0;
        if (!ok) printf("  shape %d arrival %d: pair %zu out of place\n", shape, arrival, i);
    }
    CHECK(ok);
    rg_sorted_free(&s);
    free(ks);
}

static void test_sorted_gives_key_order(void)
{
    for (int shape = 0; shape < 3; shape++)
        for (int arrival = 0; arrival < 3; arrival++) {
            check_family(shape, arrival, 20000);
            check_family(shape, arrival, 1);
        }
    rg_sorted s = RG_SORTED_INIT;              /* nothing at all */
    rg_sorted_sort(&s);
    CHECK(s.n == 0);
    /* Added to after a sort whose single radix pass swapped the arrays. */
    uint8_t k[2];
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 1025; i++) {
            k[0] = (uint8_t)round;
            k[1] = (uint8_t)(255 - i % 256);
            rg_sorted_add(&s, rg_sorted_key_order(k, 2), k, 2, "", 0);
        }
        rg_sorted_sort(&s);
    }
    bool ok = s.n == 2050;
    for (size_t i = 1; ok && i < s.n; i++) {
        const uint8_t *a, *b, *v;
        size_t an, bn, vn;
        rg_sorted_at(&s, i - 1, &a, &an, &v, &vn);
        rg_sorted_at(&s, i, &b, &bn, &v, &vn);
        ok = memcmp(a, b, 2) <= 0;
    }
    CHECK(ok);
    rg_sorted_free(&s);
}

/* The name of some table file RocksDB holds in dir, or "" . */
static void live_table(const char *dir, char *out, size_t cap)
{
    out[0] = 0;
    DIR *d = opendir(dir);
    if (!d) return;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".sst") == 0 && strncmp(e->d_name, "load-", 5) != 0) {
            snprintf(out, cap, "%s/%s", dir, e->d_name);
            break;
        }
    }
    closedir(d);
}

static int load_one(rg_log *log, const char *k, const char *v)
{
    rg_sorted s = RG_SORTED_INIT;
    rg_sorted_add(&s, rg_sorted_key_order(k, strlen(k)), k, strlen(k), v, strlen(v));
    int rc = rg_log_load(log, RG_CF_CASES, (const rg_sorted *[]){&s}, 1);
    rg_sorted_free(&s);
    return rc;
}

static void test_leftover_load_files(void)
{
    char *dir = rg_t_tmpdir();
    rg_log *log;
    REQUIRE(rg_log_open(&log, dir) == 0);
    CHECK(load_one(log, "A", "first") == 0);
    char live[1200], left[1200];
    live_table(dir, live, sizeof live);
    REQUIRE(live[0]);
    /* A crash between ingest's link and its unlink: the load's name stays
     * as a second name of the live table. */
    snprintf(left, sizeof left, "%s/load-cases-0.sst", dir);
    REQUIRE(link(live, left) == 0);
    CHECK(load_one(log, "B", "second") == 0);
    rg_log_close(log);
    REQUIRE(link(live, left) == 0 || access(left, F_OK) == 0);
    REQUIRE(rg_log_open(&log, dir) == 0);          /* the live table is whole */
    CHECK(access(left, F_OK) != 0);                /* and the leftover name gone */
    rg_buf v = RG_BUF_INIT;
    CHECK(rg_log_get(log, RG_CF_CASES, "A", 1, &v) == 0 && v.len == 5 && memcmp(v.data, "first", 5) == 0);
    rg_buf_reset(&v);
    CHECK(rg_log_get(log, RG_CF_CASES, "B", 1, &v) == 0 && v.len == 6);
    rg_buf_free(&v);
    rg_log_close(log);
    rg_t_rmrf(dir);
    free(dir);
}

static void test_load_into_rocksdb(void)
{
    char *dir = rg_t_tmpdir();
    rg_log *log;
    REQUIRE(rg_log_open(&log, dir) == 0);
    /* Something there before, that the load must not disturb. */
    rg_batch *b = rg_batch_new(log);
    rg_batch_put(b, RG_CF_CASES, "A", 1, "old", 3);
    rg_batch_put(b, RG_CF_CASES, "M", 1, "old", 3);
    CHECK(rg_log_write(log, b, true) == 0);
    rg_batch_free(b);

    rg_sorted s = RG_SORTED_INIT;
    CHECK(rg_log_load(log, RG_CF_CASES, (const rg_sorted *[]){&s}, 1) == 0);   /* empty: nothing */
    char k[32];
    for (int i = 999; i >= 0; i--) {
        int kn = snprintf(k, sizeof k, "K%04d", i);
        rg_sorted_add(&s, rg_sorted_key_order(k, (size_t)kn), k, (size_t)kn, k + 1, 4);
    }
    rg_sorted_add(&s, rg_sorted_key_order("K0500", 5), "K0500", 5, "dup!", 4);   /* a duplicate */
    rg_sorted_add(&s, rg_sorted_key_order("M", 1), "M", 1, "new", 3);
    rg_sorted_sort(&s);
    CHECK(rg_log_load(log, RG_CF_CASES, (const rg_sorted *[]){&s}, 1) == 0);
    rg_sorted_free(&s);

    rg_iter *it = rg_iter_new(log, RG_CF_CASES);
    int n = 0;
    bool ok = true;
    for (rg_iter_seek_first(it); rg_iter_valid(it); rg_iter_next(it), n++) {
        size_t kn, vn;
        const uint8_t *kp = rg_iter_key(it, &kn), *vp = rg_iter_value(it, &vn);
        if (n == 0) ok &= kn == 1 && kp[0] == 'A' && vn == 3 && memcmp(vp, "old", 3) == 0;
        else if (n <= 1000) {
            snprintf(k, sizeof k, "K%04d", n - 1);
            ok &= kn == 5 && memcmp(kp, k, 5) == 0 && vn == 4 &&
                  (memcmp(vp, k + 1, 4) == 0 || (n - 1 == 500 && memcmp(vp, "dup!", 4) == 0));
        } else {
            ok &= kn == 1 && kp[0] == 'M' && vn == 3 && memcmp(vp, "new", 3) == 0;
        }
    }
    CHECK(rg_iter_error(it) == 0);
    rg_iter_free(it);
    CHECK(ok);
    CHECK(n == 1002);

    /* A failed load leaves nothing behind. */
    rg_sorted_add(&s, 0, "Z", 1, "z", 1);
    rg_log_fail_write(log, 1);
    CHECK(rg_log_load(log, RG_CF_CASES, (const rg_sorted *[]){&s}, 1) == RG_ESTORAGE);
    rg_buf v = RG_BUF_INIT;
    CHECK(rg_log_get(log, RG_CF_CASES, "Z", 1, &v) == RG_ENOTFOUND);
    rg_buf_free(&v);
    rg_sorted_free(&s);
    rg_log_close(log);
    rg_t_rmrf(dir);
    free(dir);
}

int main(void)
{
    RUN(test_sorted_gives_key_order);
    RUN(test_load_into_rocksdb);
    RUN(test_leftover_load_files);
    return rg_t_exit();
}
