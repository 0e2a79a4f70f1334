/*
 * codec.h - msgpack in and out; the only module that touches msgpack-c.
 *
 * Decoding never trusts sizes a message declares: rg_doc_parse first walks the
 * raw bytes and refuses anything whose declared lengths or element counts do
 * not fit in the input, that nests deeper than RG_MAX_DEPTH, that holds more
 * than RG_MAX_NODES values, that uses ext types, or that has trailing bytes.
 * Only then is msgpack-c asked to build the object tree, so its allocation is
 * bounded by a small multiple of the input size.
 *
 * Ownership: an rg_doc owns the tree but borrows the input bytes (strings point
 * into them); keep the input alive until rg_doc_free.  An `rg_val` is a
 * borrowed view into a doc, valid until the doc is freed.
 *
 * Encoding appends msgpack to an rg_buf.  rg_w_map32 always writes the 5-byte
 * map header so a caller can patch the count later (see event.c).
 */
#ifndef RG_CODEC_H
#define RG_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define RG_MAX_DEPTH 16
#define RG_MAX_NODES 65536

typedef struct msgpack_object rg_val;
typedef struct rg_doc rg_doc;

typedef enum {
    RG_VNIL, RG_VBOOL, RG_VUINT, RG_VINT, RG_VFLOAT, RG_VSTR, RG_VBIN,
    RG_VARRAY, RG_VMAP, RG_VOTHER
} rg_vtype;

/* Parse exactly one msgpack value from p[0..n).  On failure returns RG_EBADREQ
 * and sets *why to a static description. */
int rg_doc_parse(rg_doc **out /* OUT */, const uint8_t *p, size_t n, const char **why /* OUT */);
/* The same into *dp, reusing the memory of the doc there (a new one when
 * *dp is NULL), for loops that parse value after value: the previous tree is
 * gone.  On failure *dp stays, empty, for the next call or rg_doc_free. */
int rg_doc_reparse(rg_doc **dp /* IN/OUT */, const uint8_t *p, size_t n, const char **why /* OUT */);
void rg_doc_free(rg_doc *d);
/* Hand the doc the malloc'd input it borrows, to be freed with it. */
void rg_doc_attach(rg_doc *d, uint8_t *bytes);
const rg_val *rg_doc_root(const rg_doc *d);

rg_vtype rg_val_type(const rg_val *v);
const char *rg_vtype_name(rg_vtype t);
/* Typed reads: false when v is NULL or of another type. */
bool rg_val_str(const rg_val *v, const char **p /* OUT */, uint32_t *n /* OUT */);
/* Is p valid UTF-8 (shortest forms, no surrogates, at most U+10FFFF) with
 * no NUL byte?  Every text from outside is checked with this at the edge. */
bool rg_utf8_ok(const char *p, uint32_t n);
bool rg_val_bin(const rg_val *v, const uint8_t **p /* OUT */, uint32_t *n /* OUT */);
bool rg_val_uint(const rg_val *v, uint64_t *u /* OUT */);   /* non-negative integers */
bool rg_val_bool(const rg_val *v, bool *b /* OUT */);
int64_t rg_val_int(const rg_val *v);                         /* RG_VINT/RG_VUINT, else 0 */
double rg_val_float(const rg_val *v);                        /* RG_VFLOAT, else 0 */
bool rg_val_is_str(const rg_val *v, const char *s);          /* equal to C string s */

uint32_t rg_map_size(const rg_val *m);                       /* 0 unless a map */
const rg_val *rg_map_key(const rg_val *m, uint32_t i);
const rg_val *rg_map_value(const rg_val *m, uint32_t i);
const rg_val *rg_map_get(const rg_val *m, const char *key);   /* first match or NULL */
uint32_t rg_array_size(const rg_val *a);                     /* 0 unless an array */
const rg_val *rg_array_at(const rg_val *a, uint32_t i);
bool rg_array_has_str(const rg_val *a, const char *s);      /* an element equal to C string s */

/* Copy a string value into dst (NUL-terminated); false if not a string, if it
 * does not fit in cap-1 bytes, or if it holds a NUL byte. */
bool rg_val_strcpy(const rg_val *v, char *dst, size_t cap);

/* Writers. */
void rg_w_map(rg_buf *b, uint32_t n);
void rg_w_map32(rg_buf *b, uint32_t n);
void rg_w_array(rg_buf *b, uint32_t n);
void rg_w_str(rg_buf *b, const char *s, size_t n);
void rg_w_cstr(rg_buf *b, const char *s);
void rg_w_bin(rg_buf *b, const void *p, size_t n);
void rg_w_uint(rg_buf *b, uint64_t u);
void rg_w_int(rg_buf *b, int64_t i);
void rg_w_bool(rg_buf *b, bool v);
void rg_w_nil(rg_buf *b);
void rg_w_val(rg_buf *b, const rg_val *v);                   /* re-encode a value */
/* key/value shorthands for maps */
void rg_w_kstr(rg_buf *b, const char *key, const char *val);
void rg_w_kuint(rg_buf *b, const char *key, uint64_t val);
void rg_w_kbool(rg_buf *b, const char *key, bool val);

/* Patch the count of a map32 header written at offset off. */
void rg_w_patch_map32(uint8_t *base, size_t off, uint32_t n);

#endif
