/*
 * feed_index_test.c - core/feed_index.h with a real RocksDB log: an event's
 * feed keys name each org taking part since a version at or before the
 * event's, and the case's procesregisseur; the key is kind, name, 0x00,
 * be64(seq), so an org's entries read back in position order and one org's
 * never run into another's whose name it prefixes.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/core/feed_index.h"
#include "../../engine/storage/log.h"

static rg_log *lg;
static char *dir;

/* The positions under kind/name in the feed family, in key order. */
static int positions(char kind, const char *name, uint64_t *out, int cap)
{
    uint8_t from[RG_FEED_KEY_MAX];
    size_t fn = rg_feed_key(from, kind, name, 0);
    rg_iter *it = rg_iter_new(lg, RG_CF_FEED);
    int n = 0;
    for (rg_iter_seek(it, from, fn); rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn;
        const uint8_t *k = rg_iter_key(it, &kn);
        if (kn != fn || memcmp(k, from, fn - 8) != 0) break;
        if (n < cap) out[n] = rg_be64_get(k + kn - 8);
        n++;
    }
    rg_iter_end(it);
    return n;
}

static void test_keys(void)
{
    uint8_t k[RG_FEED_KEY_MAX];
    size_t n = rg_feed_key(k, 'o', "ggz", 0x0102);
    CHECK(n == 1 + 3 + 1 + 8);
    CHECK(k[0] == 'o' && memcmp(k + 1, "ggz", 3) == 0 && k[4] == 0 && rg_be64_get(k + 5) == 0x0102);
}

static void test_index(void)
{
    dir = rg_t_tmpdir();
    REQUIRE(rg_log_open(&lg, dir) == 0);
    rg_case *cs = rg_case_new("ZVH-1");
    rg_case_join(cs, "police", 1);
    rg_case_join(cs, "ggz", 3);                          /* joined at version 3 */
    rg_case_join(cs, "police-noord", 1);                 /* "police" is its prefix */
    snprintf(cs->procesregisseur, sizeof cs->procesregisseur, "pr1");
    rg_batch *b = rg_batch_new(lg);
    for (uint32_t v = 1; v <= 4; v++) rg_feed_index(b, cs, 100 + v, v);
    REQUIRE(rg_log_write(lg, b, true) == 0);
    rg_batch_free(b);
    uint64_t p[8];
    CHECK(positions('o', "police", p, 8) == 4 && p[0] == 101 && p[3] == 104);
    CHECK(positions('o', "police-noord", p, 8) == 4);
    CHECK(positions('o', "ggz", p, 8) == 2 && p[0] == 103 && p[1] == 104);   /* not before it joined */
    CHECK(positions('p', "pr1", p, 8) == 4 && p[0] == 101);
    CHECK(positions('o', "pr1", p, 8) == 0);             /* kinds apart */
    CHECK(positions('o', "veilig-thuis", p, 8) == 0);
    rg_case_free(cs);
    rg_log_close(lg);
    rg_t_rmrf(dir);
    free(dir);
}

int main(void)
{
    RUN(test_keys);
    RUN(test_index);
    return rg_t_exit();
}
