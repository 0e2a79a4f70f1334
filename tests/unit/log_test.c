/*
 * log_test.c - the durable store of storage/log.h on a real RocksDB in a
 * temp directory: every column family opens; a batch that spans column
 * families becomes visible whole, or (an injected write fault) not at all;
 * point reads append and say not_found; deletes and range deletes;
 * iterators walk be64 keys in numeric order, seek, seek to the first and the
 * last, and rg_iter_end reports an injected read fault as storage_error
 * rather than "no more data"; a reopen keeps what was written; and a bulk
 * load (rg_table) moves sorted tables in, newer than what was there.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/storage/errors.h"   /* the RG_E* codes log.h returns */
#include "../../engine/storage/log.h"

static char *dir;
static rg_log *lg;

static bool value_is(rg_cf cf, const void *k, size_t kn, const char *want)
{
    rg_buf v = RG_BUF_INIT;
    int rc = rg_log_get(lg, cf, k, kn, &v);
    bool ok = rc == 0 && v.len == strlen(want) && (v.len == 0 || memcmp(v.data, want, v.len) == 0);
    if (!ok) printf("  get: rc %d, %zu bytes, expected '%s'\n", rc, v.len, want);
    rg_buf_free(&v);
    return ok;
}

static bool absent(rg_cf cf, const void *k, size_t kn)
{
    rg_buf v = RG_BUF_INIT;
    int rc = rg_log_get(lg, cf, k, kn, &v);
    bool ok = rc == RG_ENOTFOUND && v.len == 0;
    rg_buf_free(&v);
    return ok;
}

static void put_now(rg_cf cf, const void *k, size_t kn, const void *v, size_t vn)
{
    rg_batch *b = rg_batch_new(lg);
    rg_batch_put(b, cf, k, kn, v, vn);
    CHECK(rg_log_write(lg, b, true) == 0);
    rg_batch_free(b);
}

static void test_open(void)
{
    dir = rg_t_tmpdir();
    REQUIRE(rg_log_open(&lg, dir) == 0);
    REQUIRE(lg != NULL);
    /* Every column family is there and empty. */
    for (int cf = 0; cf < RG_CF_COUNT; cf++) {
        rg_iter *it = rg_iter_new(lg, (rg_cf)cf);
        rg_iter_seek_first(it);
        CHECK(!rg_iter_valid(it));
        CHECK(rg_iter_end(it) == 0);
    }
    /* A directory that cannot be made is refused, and *out stays NULL. */
    rg_log *bad = (rg_log *)1;
    CHECK(rg_log_open(&bad, "/proc/regie-no-such/dir") == RG_ESTORAGE);
    CHECK(bad == NULL);
}

static void test_batch_across_families(void)
{
    REQUIRE(lg);
    uint8_t seq[8];
    rg_be64_put(seq, 1);
    rg_batch *b = rg_batch_new(lg);
    CHECK(rg_batch_count(b) == 0 && rg_batch_bytes(b) == 0);
    rg_batch_put(b, RG_CF_EVENTS, seq, 8, "event-1", 7);
    rg_batch_put(b, RG_CF_CASES, "ZVH-1", 5, "case-1", 6);
    rg_batch_put(b, RG_CF_META, "head", 4, seq, 8);
    CHECK(rg_batch_count(b) == 3);
    CHECK(rg_batch_bytes(b) == 8 + 7 + 5 + 6 + 4 + 8);
    /* Nothing is visible before the write. */
    CHECK(absent(RG_CF_CASES, "ZVH-1", 5));
    CHECK(rg_log_write(lg, b, true) == 0);
    rg_batch_free(b);
    CHECK(value_is(RG_CF_EVENTS, seq, 8, "event-1"));
    CHECK(value_is(RG_CF_CASES, "ZVH-1", 5, "case-1"));
    /* The same key in another family is another key. */
    CHECK(absent(RG_CF_EVENTS, "ZVH-1", 5));
    CHECK(absent(RG_CF_STREAM, seq, 8));
    /* Get appends to what the buffer holds. */
    rg_buf v = RG_BUF_INIT;
    rg_buf_append(&v, "x:", 2);
    CHECK(rg_log_get(lg, RG_CF_CASES, "ZVH-1", 5, &v) == 0);
    CHECK(v.len == 8 && memcmp(v.data, "x:case-1", 8) == 0);
    rg_buf_free(&v);
    /* An empty value is a value, not an absence. */
    put_now(RG_CF_FEED, "o-police", 8, "", 0);
    CHECK(value_is(RG_CF_FEED, "o-police", 8, ""));
    /* Binary keys with NUL bytes are whole keys. */
    put_now(RG_CF_IDEM, "pol1\0r1", 7, "reply", 5);
    CHECK(value_is(RG_CF_IDEM, "pol1\0r1", 7, "reply"));
    CHECK(absent(RG_CF_IDEM, "pol1", 4));
}

static void test_write_fault_is_atomic(void)
{
    REQUIRE(lg);
    rg_batch *b = rg_batch_new(lg);
    rg_batch_put(b, RG_CF_CASES, "ZVH-2", 5, "case-2", 6);
    rg_batch_put(b, RG_CF_ACTORS, "pol1", 4, "actor", 5);
    rg_batch_del(b, RG_CF_CASES, "ZVH-1", 5);
    /* The second write from now fails: the first one still goes through. */
    rg_log_fail_write(lg, 2);
    rg_batch *first = rg_batch_new(lg);
    rg_batch_put(first, RG_CF_META, "first", 5, "1", 1);
    CHECK(rg_log_write(lg, first, false) == 0);
    rg_batch_free(first);
    CHECK(value_is(RG_CF_META, "first", 5, "1"));
    CHECK(rg_log_write(lg, b, true) == RG_ESTORAGE);
    /* None of the failed batch: no put, no delete. */
    CHECK(absent(RG_CF_CASES, "ZVH-2", 5));
    CHECK(absent(RG_CF_ACTORS, "pol1", 4));
    CHECK(value_is(RG_CF_CASES, "ZVH-1", 5, "case-1"));
    /* The fault fires once: the same batch written again lands whole. */
    CHECK(rg_log_write(lg, b, true) == 0);
    rg_batch_free(b);
    CHECK(value_is(RG_CF_CASES, "ZVH-2", 5, "case-2"));
    CHECK(value_is(RG_CF_ACTORS, "pol1", 4, "actor"));
    CHECK(absent(RG_CF_CASES, "ZVH-1", 5));
    /* Armed and disarmed again: nothing fails. */
    rg_log_fail_write(lg, 1);
    rg_log_fail_write(lg, 0);
    put_now(RG_CF_META, "after", 5, "2", 1);
    CHECK(value_is(RG_CF_META, "after", 5, "2"));
}

/* The events family holds be64(seq) keys; write them out of order, in
 * batches, so that the order iterated is RocksDB's key order, not ours. */
static const uint64_t seqs[] = {300, 1, 256, 2, 65536, 255, 70000, 3, 1ULL << 40, 4096};
#define NSEQ (sizeof seqs / sizeof seqs[0])

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void test_iterate_be64_in_order(void)
{
    REQUIRE(lg);
    rg_batch *b = rg_batch_new(lg);
    for (size_t i = 0; i < NSEQ; i++) {
        uint8_t k[8];
        char v[32];
        rg_be64_put(k, seqs[i]);
        int vn = snprintf(v, sizeof v, "ev%llu", (unsigned long long)seqs[i]);
        rg_batch_put(b, RG_CF_EVENTS, k, 8, v, (size_t)vn);
        if (i == NSEQ / 2) {
            CHECK(rg_log_write(lg, b, true) == 0);
            rg_batch_free(b);
            b = rg_batch_new(lg);
        }
    }
    CHECK(rg_log_write(lg, b, true) == 0);
    rg_batch_free(b);
    uint64_t sorted[NSEQ];
    memcpy(sorted, seqs, sizeof sorted);
    qsort(sorted, NSEQ, sizeof *sorted, cmp_u64);

    /* The whole family from the first key: numeric order, values with them. */
    rg_iter *it = rg_iter_new(lg, RG_CF_EVENTS);
    size_t n = 0, wrong = 0;
    for (rg_iter_seek_first(it); rg_iter_valid(it); rg_iter_next(it), n++) {
        size_t kn, vn;
        const uint8_t *k = rg_iter_key(it, &kn);
        const uint8_t *v = rg_iter_value(it, &vn);
        char want[32];
        snprintf(want, sizeof want, "ev%llu", (unsigned long long)sorted[n < NSEQ ? n : 0]);
        if (n >= NSEQ || kn != 8 || rg_be64_get(k) != sorted[n] || vn != strlen(want) ||
            memcmp(v, want, vn) != 0)
            wrong++;
    }
    CHECK(rg_iter_end(it) == 0);
    CHECK(n == NSEQ && wrong == 0);

    /* Seek lands on the first key at or after the one asked for. */
    uint8_t k[8];
    size_t kn;
    it = rg_iter_new(lg, RG_CF_EVENTS);
    rg_be64_put(k, 256);
    rg_iter_seek(it, k, 8);
    CHECK(rg_iter_valid(it) && rg_be64_get(rg_iter_key(it, &kn)) == 256);
    rg_be64_put(k, 257);
    rg_iter_seek(it, k, 8);
    CHECK(rg_iter_valid(it) && rg_be64_get(rg_iter_key(it, &kn)) == 300);
    rg_iter_next(it);
    CHECK(rg_iter_valid(it) && rg_be64_get(rg_iter_key(it, &kn)) == 4096);
    rg_be64_put(k, (1ULL << 40) + 1);
    rg_iter_seek(it, k, 8);
    CHECK(!rg_iter_valid(it));                        /* past the end: done, not an error */
    rg_iter_seek_last(it);
    CHECK(rg_iter_valid(it) && rg_be64_get(rg_iter_key(it, &kn)) == 1ULL << 40);
    rg_iter_seek_first(it);
    CHECK(rg_iter_valid(it) && rg_be64_get(rg_iter_key(it, &kn)) == 1);
    CHECK(rg_iter_error(it) == 0);
    CHECK(rg_iter_end(it) == 0);

    /* A scan iterator sees the same keys in the same order. */
    it = rg_iter_new_scan(lg, RG_CF_EVENTS);
    n = 0;
    wrong = 0;
    for (rg_iter_seek_first(it); rg_iter_valid(it); rg_iter_next(it), n++)
        if (n >= NSEQ || rg_be64_get(rg_iter_key(it, &kn)) != sorted[n]) wrong++;
    CHECK(rg_iter_end(it) == 0);
    CHECK(n == NSEQ && wrong == 0);
}

static void test_delete_range(void)
{
    REQUIRE(lg);
    /* Delete [255, 4096): 255, 256 and 300 go; 3 and 4096 stay. */
    uint8_t from[8], to[8];
    rg_be64_put(from, 255);
    rg_be64_put(to, 4096);
    rg_batch *b = rg_batch_new(lg);
    rg_batch_del_range(b, RG_CF_EVENTS, from, 8, to, 8);
    CHECK(rg_log_write(lg, b, true) == 0);
    rg_batch_free(b);
    static const uint64_t left[] = {1, 2, 3, 4096, 65536, 70000, 1ULL << 40};
    rg_iter *it = rg_iter_new(lg, RG_CF_EVENTS);
    size_t n = 0, wrong = 0, kn;
    for (rg_iter_seek_first(it); rg_iter_valid(it); rg_iter_next(it), n++)
        if (n >= 7 || rg_be64_get(rg_iter_key(it, &kn)) != left[n]) wrong++;
    CHECK(rg_iter_end(it) == 0);
    CHECK(n == 7 && wrong == 0);
    uint8_t k[8];
    rg_be64_put(k, 256);
    CHECK(absent(RG_CF_EVENTS, k, 8));
}

static void test_read_fault(void)
{
    REQUIRE(lg);
    rg_log_fail_reads(lg, true);
    /* An iterator made now ends at once, and says it ended on an error. */
    rg_iter *it = rg_iter_new(lg, RG_CF_EVENTS);
    rg_iter_seek_first(it);
    CHECK(!rg_iter_valid(it));
    CHECK(rg_iter_error(it) == RG_ESTORAGE);
    CHECK(rg_iter_end(it) == RG_ESTORAGE);
    it = rg_iter_new_scan(lg, RG_CF_EVENTS);
    rg_iter_seek_first(it);
    CHECK(!rg_iter_valid(it));
    CHECK(rg_iter_end(it) == RG_ESTORAGE);
    rg_log_fail_reads(lg, false);
    /* Made after the fault is off: the data is all there, no error. */
    it = rg_iter_new(lg, RG_CF_EVENTS);
    size_t n = 0;
    for (rg_iter_seek_first(it); rg_iter_valid(it); rg_iter_next(it)) n++;
    CHECK(n == 7);
    CHECK(rg_iter_end(it) == 0);
    /* An iteration broken off early is not an error either. */
    it = rg_iter_new(lg, RG_CF_EVENTS);
    rg_iter_seek_first(it);
    CHECK(rg_iter_valid(it));
    CHECK(rg_iter_end(it) == 0);
    rg_iter_free(NULL);                               /* allowed, as free() */
}

static void test_reopen_keeps_data(void)
{
    REQUIRE(lg);
    put_now(RG_CF_LEADTIMES, "\x03" "abc", 4, "", 0);
    rg_log_close(lg);
    lg = NULL;
    REQUIRE(rg_log_open(&lg, dir) == 0);
    CHECK(value_is(RG_CF_CASES, "ZVH-2", 5, "case-2"));
    CHECK(absent(RG_CF_CASES, "ZVH-1", 5));
    CHECK(value_is(RG_CF_IDEM, "pol1\0r1", 7, "reply"));
    CHECK(value_is(RG_CF_LEADTIMES, "\x03" "abc", 4, ""));
    uint8_t k[8];
    rg_be64_put(k, 70000);
    CHECK(value_is(RG_CF_EVENTS, k, 8, "ev70000"));
    rg_iter *it = rg_iter_new(lg, RG_CF_EVENTS);
    size_t n = 0;
    for (rg_iter_seek_first(it); rg_iter_valid(it); rg_iter_next(it)) n++;
    CHECK(rg_iter_end(it) == 0);
    CHECK(n == 7);
    /* Injected faults are not part of the data: a fresh handle has none. */
    put_now(RG_CF_META, "fresh", 5, "3", 1);
    CHECK(value_is(RG_CF_META, "fresh", 5, "3"));
}

static void test_bulk_load(void)
{
    REQUIRE(lg);
    /* Two tables of adjoining ranges moved into `cases` together, over a
     * key that was there: the table's value is newer and wins. */
    rg_table *t[3];
    t[0] = rg_table_open(lg, RG_CF_CASES, 0);
    t[1] = rg_table_open(lg, RG_CF_CASES, 1);
    t[2] = rg_table_open(lg, RG_CF_CASES, 2);     /* left empty: skipped */
    rg_table_put(t[0], "ZVH-0", 5, "bulk-0", 6);
    rg_table_put(t[0], "ZVH-1", 5, "bulk-1", 6);
    rg_table_put(t[0], "ZVH-1", 5, "dropped", 7);  /* a repeat: the first is kept */
    rg_table_put(t[0], "ZVH-2", 5, "bulk-2", 6);
    rg_table_put(t[1], "ZVH-3", 5, "bulk-3", 6);
    rg_table_put(t[1], "ZVH-4", 5, "bulk-4", 6);
    CHECK(rg_log_ingest(lg, RG_CF_CASES, t, 3) == 0);
    CHECK(value_is(RG_CF_CASES, "ZVH-0", 5, "bulk-0"));
    CHECK(value_is(RG_CF_CASES, "ZVH-1", 5, "bulk-1"));
    CHECK(value_is(RG_CF_CASES, "ZVH-2", 5, "bulk-2"));
    CHECK(value_is(RG_CF_CASES, "ZVH-4", 5, "bulk-4"));
    rg_iter *it = rg_iter_new(lg, RG_CF_CASES);
    size_t n = 0;
    for (rg_iter_seek_first(it); rg_iter_valid(it); rg_iter_next(it)) n++;
    CHECK(rg_iter_end(it) == 0);
    CHECK(n == 5);
    /* A write after the load is newer than it. */
    put_now(RG_CF_CASES, "ZVH-3", 5, "live-3", 6);
    CHECK(value_is(RG_CF_CASES, "ZVH-3", 5, "live-3"));
    /* An injected fault fails the ingest whole, and frees the tables. */
    t[0] = rg_table_open(lg, RG_CF_CASES, 0);
    rg_table_put(t[0], "ZVH-5", 5, "bulk-5", 6);
    rg_log_fail_write(lg, 1);
    CHECK(rg_log_ingest(lg, RG_CF_CASES, t, 1) == RG_ESTORAGE);
    CHECK(absent(RG_CF_CASES, "ZVH-5", 5));
    /* Loaded data survives a reopen. */
    rg_log_close(lg);
    lg = NULL;
    REQUIRE(rg_log_open(&lg, dir) == 0);
    CHECK(value_is(RG_CF_CASES, "ZVH-1", 5, "bulk-1"));
    CHECK(value_is(RG_CF_CASES, "ZVH-3", 5, "live-3"));
}

int main(void)
{
    RUN(test_open);
    RUN(test_batch_across_families);
    RUN(test_write_fault_is_atomic);
    RUN(test_iterate_be64_in_order);
    RUN(test_delete_range);
    RUN(test_read_fault);
    RUN(test_reopen_keeps_data);
    RUN(test_bulk_load);
    rg_log_close(lg);
    if (dir) rg_t_rmrf(dir);
    free(dir);
    return rg_t_exit();
}
