/*
 * sorted_test.c - storage/sorted.h: pairs gathered out of order come back in
 * bytewise key order with their values, also when many share the 8 bytes
 * the order is taken from (the comparison sort of equal-order runs), keys
 * of different lengths among them; rg_sorted_smallest merges runs in key
 * order.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/storage/sorted.h"

static int key_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

/* Every key of s in order, and each value the one its key was added with
 * ("v" + key). */
static void check_sorted(const rg_sorted *s, size_t want_n)
{
    REQUIRE(s->n == want_n);
    size_t out_of_order = 0, bad_values = 0;
    for (size_t i = 0; i < s->n; i++) {
        const uint8_t *k, *v;
        size_t kn, vn;
        rg_sorted_at(s, i, &k, &kn, &v, &vn);
        if (vn != kn + 1 || v[0] != 'v' || memcmp(v + 1, k, kn) != 0) bad_values++;
        if (i) {
            const uint8_t *pk, *pv;
            size_t pkn, pvn;
            rg_sorted_at(s, i - 1, &pk, &pkn, &pv, &pvn);
            if (key_cmp(pk, pkn, k, kn) > 0) out_of_order++;
        }
    }
    CHECK(out_of_order == 0);
    CHECK(bad_values == 0);
}

static void add(rg_sorted *s, const char *k)
{
    size_t kn = strlen(k);
    char v[128];
    v[0] = 'v';
    memcpy(v + 1, k, kn);
    rg_sorted_add(s, rg_sorted_key_order(k, kn), k, kn, v, kn + 1);
}

static void test_random_keys(void)
{
    rg_sorted s = RG_SORTED_INIT;
    srand(7);
    for (int i = 0; i < 50000; i++) {
        char k[32];
        snprintf(k, sizeof k, "%08x-%d", (unsigned)rand(), i);
        add(&s, k);
    }
    rg_sorted_sort(&s);
    check_sorted(&s, 50000);
    rg_sorted_free(&s);
    CHECK(s.n == 0 && s.v == NULL);
}

static void test_shared_prefixes(void)
{
    /* All share "ZVH-0000", the 8 bytes the order is taken from: only the
     * comparison sort puts them in place.  Lengths differ too. */
    rg_sorted s = RG_SORTED_INIT;
    static const char *keys[] = {"ZVH-0000-9", "ZVH-0000-10", "ZVH-0000", "ZVH-0000-1", "ZVH-0000-09",
                                 "ZVH-00001", "ZVH-0000-", "AAA", "ZVH-0000-100", "zzz"};
    size_t n = sizeof keys / sizeof keys[0];
    for (size_t i = 0; i < n; i++) add(&s, keys[i]);
    rg_sorted_sort(&s);
    check_sorted(&s, n);
    const uint8_t *k, *v;
    size_t kn, vn;
    rg_sorted_at(&s, 0, &k, &kn, &v, &vn);
    CHECK(kn == 3 && memcmp(k, "AAA", 3) == 0);
    rg_sorted_at(&s, n - 1, &k, &kn, &v, &vn);
    CHECK(kn == 3 && memcmp(k, "zzz", 3) == 0);
    rg_sorted_free(&s);
}

static void test_merge_runs(void)
{
    rg_sorted a = RG_SORTED_INIT, b = RG_SORTED_INIT, c = RG_SORTED_INIT;
    for (int i = 0; i < 300; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%05d", i);
        add(i % 3 == 0 ? &a : i % 3 == 1 ? &b : &c, k);
    }
    rg_sorted_sort(&a);
    rg_sorted_sort(&b);
    rg_sorted_sort(&c);
    const rg_sorted *runs[] = {&a, &b, &c};
    size_t at[3] = {0, 0, 0};
    int r, n = 0, wrong = 0;
    while ((r = rg_sorted_smallest(runs, at, 3)) >= 0) {
        const uint8_t *k, *v;
        size_t kn, vn;
        rg_sorted_at(runs[r], at[r]++, &k, &kn, &v, &vn);
        char want[16];
        snprintf(want, sizeof want, "k%05d", n++);
        if (kn != strlen(want) || memcmp(k, want, kn) != 0) wrong++;
    }
    CHECK(n == 300 && wrong == 0);
    rg_sorted_free(&a);
    rg_sorted_free(&b);
    rg_sorted_free(&c);
}

int main(void)
{
    RUN(test_random_keys);
    RUN(test_shared_prefixes);
    RUN(test_merge_runs);
    return rg_t_exit();
}
