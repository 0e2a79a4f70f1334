/* buf.c - growable byte buffer and big-endian helpers. */
#include "buf.h"

#include "errors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "regie: out of memory allocating %zu bytes\n", n);
    abort();
}

void *rg_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *rg_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) oom(n * size);
    return p;
}

void *rg_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *rg_strndup(const char *s, size_t n)
{
    char *p = rg_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void rg_str_copy(char *dst, size_t size, const char *src)
{
    RG_ASSERT(size > 0);
    size_t n = strnlen(src, size - 1);
    memmove(dst, src, n);
    dst[n] = '\0';
}

void rg_buf_reserve(rg_buf *b, size_t extra)
{
    RG_ASSERT(b->len <= b->cap && (b->data || b->cap == 0));
    if (b->cap - b->len >= extra) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < extra) cap *= 2;
    b->data = rg_realloc(b->data, cap);
    b->cap = cap;
    RG_ASSERT(b->cap - b->len >= extra);
}

void rg_buf_append(rg_buf *b, const void *p, size_t n)
{
    if (n == 0) return;
    rg_buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
    RG_ASSERT(b->len <= b->cap);
}

void rg_buf_put_u8(rg_buf *b, uint8_t v) { rg_buf_append(b, &v, 1); }

void rg_buf_put_be32(rg_buf *b, uint32_t v)
{
    uint8_t t[4];
    rg_be32_put(t, v);
    rg_buf_append(b, t, 4);
}

void rg_buf_put_be64(rg_buf *b, uint64_t v)
{
    uint8_t t[8];
    rg_be64_put(t, v);
    rg_buf_append(b, t, 8);
}

void rg_buf_reset(rg_buf *b) { b->len = 0; }

void rg_buf_free(rg_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

uint8_t *rg_buf_detach(rg_buf *b, size_t *len)
{
    uint8_t *p = b->data;
    *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void rg_be32_put(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);  p[3] = (uint8_t)v;
}

void rg_be64_put(uint8_t *p, uint64_t v)
{
    rg_be32_put(p, (uint32_t)(v >> 32));
    rg_be32_put(p + 4, (uint32_t)v);
}

uint32_t rg_be32_get(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint64_t rg_be64_get(const uint8_t *p)
{
    return (uint64_t)rg_be32_get(p) << 32 | rg_be32_get(p + 4);
}
