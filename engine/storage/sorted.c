/* sorted.c - see sorted.h. */
#include "sorted.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

uint64_t rg_sorted_key_order(const void *k, size_t kn)
{
    uint8_t b[8] = {0};
    memcpy(b, k, kn < 8 ? kn : 8);
    return rg_be64_get(b);
}

#define CHUNK (1u << 20)

struct rg_sorted_chunk {
    rg_sorted_chunk *next;
    size_t used, cap;
    uint8_t bytes[];
};

static uint8_t *take(rg_sorted *s, size_t n)
{
    rg_sorted_chunk *c = s->chunks;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > CHUNK ? n : CHUNK;
        c = rg_malloc(sizeof *c + cap);
        c->next = s->chunks;
        c->used = 0;
        c->cap = cap;
        s->chunks = c;
    }
    uint8_t *p = c->bytes + c->used;
    c->used += n;
    return p;
}

void rg_sorted_add(rg_sorted *s, uint64_t order, const void *k, size_t kn, const void *v, size_t vn)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->v = rg_realloc(s->v, s->cap * sizeof *s->v);
    }
    uint8_t *p = take(s, 8 + kn + vn);
    rg_be32_put(p, (uint32_t)kn);
    rg_be32_put(p + 4, (uint32_t)vn);
    memcpy(p + 8, k, kn);
    if (vn) memcpy(p + 8 + kn, v, vn);
    s->v[s->n++] = (rg_sorted_ent){order, p};
}

void rg_sorted_at(const rg_sorted *s, size_t i, const uint8_t **k, size_t *kn, const uint8_t **v,
                  size_t *vn)
{
    const uint8_t *p = s->v[i].p;
    *kn = rg_be32_get(p);
    *vn = rg_be32_get(p + 4);
    *k = p + 8;
    *v = p + 8 + *kn;
}

static int key_cmp(const void *a, const void *b)
{
    const uint8_t *pa = ((const rg_sorted_ent *)a)->p;
    const uint8_t *pb = ((const rg_sorted_ent *)b)->p;
    uint32_t na = rg_be32_get(pa), nb = rg_be32_get(pb);
    int c = memcmp(pa + 8, pb + 8, na < nb ? na : nb);
    return c ? c : (na > nb) - (na < nb);
}

int rg_sorted_smallest(const rg_sorted *const *runs, const size_t *at, size_t nruns)
{
    int best = -1;
    for (size_t r = 0; r < nruns; r++)
        if (at[r] < runs[r]->n &&
            (best < 0 || key_cmp(&runs[r]->v[at[r]], &runs[best]->v[at[best]]) < 0))
            best = (int)r;
    return best;
}

/* Stable LSD radix sort on `order`, one byte a pass, skipping the bytes in
 * which every pair agrees (for a key family that is most of them). */
static void radix(rg_sorted *s)
{
    size_t n = s->n;
    size_t (*count)[256] = rg_calloc(8, sizeof *count);
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < 8; d++) count[d][(s->v[i].order >> (8 * d)) & 0xff]++;
    rg_sorted_ent *tmp = NULL;
    for (int d = 0; d < 8; d++) {
        if (count[d][(s->v[0].order >> (8 * d)) & 0xff] == n) continue;   /* one value */
        if (!tmp) tmp = rg_malloc(s->cap * sizeof *tmp);   /* becomes s->v: keep cap true */
        size_t at = 0;
        for (int b = 0; b < 256; b++) {
            size_t c = count[d][b];
            count[d][b] = at;
            at += c;
        }
        for (size_t i = 0; i < n; i++) tmp[count[d][(s->v[i].order >> (8 * d)) & 0xff]++] = s->v[i];
        rg_sorted_ent *t = s->v;
        s->v = tmp;
        tmp = t;
    }
    free(tmp);
    free(count);
}

void rg_sorted_sort(rg_sorted *s)
{
    if (s->n < 2) return;
    radix(s);
    /* Within a run of equal order the keys keep the order they came in:
     * sort only the runs where that is not already key order. */
    for (size_t i = 0; i < s->n;) {
        size_t j = i + 1;
        bool in_order = true;
        for (; j < s->n && s->v[j].order == s->v[i].order; j++)
            if (in_order && key_cmp(&s->v[j - 1], &s->v[j]) > 0) in_order = false;
        if (!in_order) qsort(s->v + i, j - i, sizeof *s->v, key_cmp);
        /* The caller's order agrees with key order: runs follow each other. */
        RG_ASSERT(j == s->n || key_cmp(&s->v[j - 1], &s->v[j]) <= 0);
        i = j;
    }
}

void rg_sorted_free(rg_sorted *s)
{
    free(s->v);
    for (rg_sorted_chunk *c = s->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    *s = (rg_sorted)RG_SORTED_INIT;
}
