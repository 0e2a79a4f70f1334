/*
 * hmap.h - a hash map from byte strings to pointers (open addressing, linear
 * probing, backward-shift deletion so there are no tombstones).
 *
 * Ownership: the map copies keys; values are the caller's (the map never frees
 * them).  A pointer returned by rg_hmap_get stays valid until the entry is
 * removed or replaced.  Not thread-safe: each map belongs to one thread.
 */
#ifndef RG_HMAP_H
#define RG_HMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct rg_hmap_slot {
    uint64_t hash;      /* 0 = empty */
    char *key;
    size_t klen;
    void *val;
} rg_hmap_slot;

typedef struct rg_hmap {
    rg_hmap_slot *slots;
    size_t cap;         /* power of two */
    size_t count;
} rg_hmap;

void rg_hmap_init(rg_hmap *m);
void rg_hmap_free(rg_hmap *m);                 /* frees keys and slots, not values */
void *rg_hmap_get(const rg_hmap *m, const void *key, size_t klen);
/* Insert or replace; returns the previous value or NULL. */
void *rg_hmap_put(rg_hmap *m, const void *key, size_t klen, void *val);
void *rg_hmap_del(rg_hmap *m, const void *key, size_t klen);  /* returns the removed value */

/* Iterate: for (size_t i = 0; (i = rg_hmap_next(m, i, &slot)) != 0;) */
size_t rg_hmap_next(const rg_hmap *m, size_t pos, rg_hmap_slot **slot /* OUT */);

uint64_t rg_hash_bytes(const void *p, size_t n);

#endif
