/* hmap.c - byte-keyed hash map; see hmap.h. */
#include "hmap.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"

uint64_t rg_hash_bytes(const void *p, size_t n)
{
    /* FNV-1a with a final avalanche; keys are ids we mint or authenticated
     * tokens' hashes, so flooding is not a concern here. */
    const uint8_t *s = p;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h ? h : 1;
}

void rg_hmap_init(rg_hmap *m)
{
    m->slots = NULL;
    m->cap = 0;
    m->count = 0;
}

void rg_hmap_free(rg_hmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].hash) free(m->slots[i].key);
    free(m->slots);
    rg_hmap_init(m);
}

static size_t find(const rg_hmap *m, uint64_t h, const void *key, size_t klen)
{
    /* A power of two, never full: the probe ends at an empty slot. */
    RG_ASSERT(m->cap && (m->cap & (m->cap - 1)) == 0 && m->count < m->cap);
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const rg_hmap_slot *s = &m->slots[i];
        if (!s->hash) return i;
        if (s->hash == h && s->klen == klen && memcmp(s->key, key, klen) == 0) return i;
    }
}

static void grow(rg_hmap *m)
{
    rg_hmap_slot *old = m->slots;
    size_t oldcap = m->cap;
    m->cap = oldcap ? oldcap * 2 : 16;
    m->slots = rg_calloc(m->cap, sizeof *m->slots);
    for (size_t i = 0; i < oldcap; i++) {
        if (!old[i].hash) continue;
        size_t j = find(m, old[i].hash, old[i].key, old[i].klen);
        m->slots[j] = old[i];
    }
    free(old);
}

void *rg_hmap_get(const rg_hmap *m, const void *key, size_t klen)
{
    if (!m->cap) return NULL;
    size_t i = find(m, rg_hash_bytes(key, klen), key, klen);
    return m->slots[i].hash ? m->slots[i].val : NULL;
}

void *rg_hmap_put(rg_hmap *m, const void *key, size_t klen, void *val)
{
    if ((m->count + 1) * 4 > m->cap * 3) grow(m);
    uint64_t h = rg_hash_bytes(key, klen);
    size_t i = find(m, h, key, klen);
    rg_hmap_slot *s = &m->slots[i];
    if (s->hash) {
        void *prev = s->val;
        s->val = val;
        return prev;
    }
    s->hash = h;
    s->key = rg_malloc(klen ? klen : 1);
    memcpy(s->key, key, klen);
    s->klen = klen;
    s->val = val;
    m->count++;
    return NULL;
}

void *rg_hmap_del(rg_hmap *m, const void *key, size_t klen)
{
    if (!m->cap) return NULL;
    size_t mask = m->cap - 1;
    size_t i = find(m, rg_hash_bytes(key, klen), key, klen);
    if (!m->slots[i].hash) return NULL;
    RG_ASSERT(m->count > 0);
    void *val = m->slots[i].val;
    free(m->slots[i].key);
    m->slots[i].hash = 0;
    m->count--;
    /* Backward-shift: move later members of the probe run into the hole. */
    for (size_t j = (i + 1) & mask; m->slots[j].hash; j = (j + 1) & mask) {
        size_t home = m->slots[j].hash & mask;
        int between = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
        if (between) continue;
        m->slots[i] = m->slots[j];
        m->slots[j].hash = 0;
        i = j;
    }
    return val;
}

size_t rg_hmap_next(const rg_hmap *m, size_t pos, rg_hmap_slot **slot)
{
    for (size_t i = pos; i < m->cap; i++) {
        if (m->slots[i].hash) {
            *slot = &m->slots[i];
            return i + 1;
        }
    }
    return 0;
}
