/*
 * buf.h - a growable byte buffer.
 *
 * Ownership: the buffer owns `data`; rg_buf_free releases it and leaves an
 * empty buffer that may be reused.  rg_buf_detach hands `data` to the caller
 * (who frees it with free()).  Appending never fails silently: allocation
 * failure aborts, because every caller would only turn it into a crash later.
 */
#ifndef RG_BUF_H
#define RG_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct rg_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
} rg_buf;

#define RG_BUF_INIT {NULL, 0, 0}

void rg_buf_reserve(rg_buf *b, size_t extra);
void rg_buf_append(rg_buf *b, const void *p, size_t n);
void rg_buf_put_u8(rg_buf *b, uint8_t v);
void rg_buf_put_be32(rg_buf *b, uint32_t v);
void rg_buf_put_be64(rg_buf *b, uint64_t v);
void rg_buf_reset(rg_buf *b);           /* len = 0, keeps the memory */
void rg_buf_free(rg_buf *b);
uint8_t *rg_buf_detach(rg_buf *b, size_t *len /* OUT */);

void rg_be32_put(uint8_t *p, uint32_t v);
void rg_be64_put(uint8_t *p, uint64_t v);
uint32_t rg_be32_get(const uint8_t *p);
uint64_t rg_be64_get(const uint8_t *p);

/* malloc/calloc/strdup that abort on failure (see above). */
void *rg_malloc(size_t n);
void *rg_calloc(size_t n, size_t size);
void *rg_realloc(void *p, size_t n);
char *rg_strndup(const char *s, size_t n);
/* src into dst[size] (size > 0), cut short as snprintf(dst, size, "%s", src)
 * would, without parsing a format: the fold copies ids this way per event. */
void rg_str_copy(char *dst, size_t size, const char *src);

#endif
