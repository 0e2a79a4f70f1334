/*
 * sorted.h - collect key/value pairs, then hand them back in key order.
 *
 * For bulk loading (replay.c writes whole column families as table files,
 * which take keys in strictly ascending order).  Each pair carries a 64-bit
 * `order` that the caller derives from the key and that never contradicts
 * it: order(a) < order(b) implies key a < key b (bytewise).  Sorting is then
 * a radix sort on `order`, which skips the bytes every pair shares, followed
 * by a comparison sort of only those runs of equal order whose keys are out
 * of place.  Keys that come in nearly sorted, as case ids minted in order do,
 * cost one pass of comparisons.
 *
 * Memory: 16 bytes per pair plus the bytes themselves, in blocks of 1 MiB
 * that are never copied as they grow; 16 bytes per pair more while sorting.
 */
#ifndef RG_SORTED_H
#define RG_SORTED_H
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef struct rg_sorted_ent {
    uint64_t order;
    const uint8_t *p;     /* be32 key length, be32 value length, key, value */
} rg_sorted_ent;

typedef struct rg_sorted_chunk rg_sorted_chunk;

typedef struct rg_sorted {
    rg_sorted_ent *v;
    size_t n, cap;
    rg_sorted_chunk *chunks;  /* the bytes, in blocks that never move */
} rg_sorted;

#define RG_SORTED_INIT {NULL, 0, 0, NULL}

/* The order of a key taken as its first 8 bytes, big-endian, zero-padded:
 * consistent with bytewise order for any keys. */
uint64_t rg_sorted_key_order(const void *k, size_t kn);

void rg_sorted_add(rg_sorted *s, uint64_t order, const void *k, size_t kn, const void *v, size_t vn);
void rg_sorted_sort(rg_sorted *s);
/* The i-th pair; after rg_sorted_sort, in ascending key order. */
void rg_sorted_at(const rg_sorted *s, size_t i, const uint8_t **k, size_t *kn, const uint8_t **v,
                  size_t *vn);
/* Merging sorted runs: of the runs' next pairs (run r's is at[r]), the
 * index of the run whose key is smallest (the first of equals), or -1 when
 * every run is used up. */
int rg_sorted_smallest(const rg_sorted *const *runs, const size_t *at, size_t nruns);
void rg_sorted_free(rg_sorted *s);

#endif
