/*
 * codec.c - bounded msgpack decoding and encoding on top of msgpack-c.
 *
 * Why a pre-scan: msgpack-c allocates what a header announces before it has
 * seen the elements, so a 10-byte message declaring a map of 0xdfdfdfdf
 * entries asks for gigabytes.  scan() below checks the whole structure against
 * the bytes actually present first.  Every element occupies at least one
 * byte, so a count larger than the bytes left is a lie and is refused.
 */
#include "codec.h"

#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

struct rg_doc {
    msgpack_object root;
    msgpack_zone *zone;       /* the tree's memory; cleared, not freed, by rg_doc_reparse */
    uint8_t *owned;           /* see rg_doc_attach */
};

typedef struct scan_state {
    const uint8_t *p;
    const uint8_t *end;
    uint32_t nodes;
    const char *why;
} scan_state;

static int need(scan_state *s, size_t n)
{
    if ((size_t)(s->end - s->p) < n) {
        s->why = "truncated msgpack";
        return -1;
    }
    return 0;
}

static uint64_t take_be(scan_state *s, int n)
{
    RG_ASSERT(s->end - s->p >= n);          /* every caller asked need() first */
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = v << 8 | s->p[i];
    s->p += n;
    return v;
}

static int scan_value(scan_state *s, int depth);

static int scan_items(scan_state *s, uint64_t count, int depth)
{
    if (depth >= RG_MAX_DEPTH) {
        s->why = "msgpack nested too deeply";
        return -1;
    }
    if (count > (uint64_t)(s->end - s->p)) {
        s->why = "msgpack container declares more elements than the message holds";
        return -1;
    }
    for (uint64_t i = 0; i < count; i++)
        if (scan_value(s, depth + 1) < 0) return -1;
    return 0;
}

static int skip_bytes(scan_state *s, uint64_t n)
{
    if (n > (uint64_t)(s->end - s->p)) {
        s->why = "msgpack string or binary longer than the message";
        return -1;
    }
    s->p += n;
    return 0;
}

static int scan_value(scan_state *s, int depth)
{
    if (need(s, 1) < 0) return -1;
    if (++s->nodes > RG_MAX_NODES) {
        s->why = "msgpack message has too many values";
        return -1;
    }
    RG_ASSERT(s->p < s->end);
    uint8_t t = *s->p++;
    if (t <= 0x7f || t >= 0xe0) return 0;                 /* fixint */
    if (t >= 0x80 && t <= 0x8f) return scan_items(s, 2u * (t & 0x0f), depth);
    if (t >= 0x90 && t <= 0x9f) return scan_items(s, t & 0x0f, depth);
    if (t >= 0xa0 && t <= 0xbf) return skip_bytes(s, t & 0x1f);
    switch (t) {
    case 0xc0: case 0xc2: case 0xc3: return 0;
    case 0xc4: case 0xd9: if (need(s, 1) < 0) return -1; return skip_bytes(s, take_be(s, 1));
    case 0xc5: case 0xda: if (need(s, 2) < 0) return -1; return skip_bytes(s, take_be(s, 2));
    case 0xc6: case 0xdb: if (need(s, 4) < 0) return -1; return skip_bytes(s, take_be(s, 4));
    case 0xca: return skip_bytes(s, 4);
    case 0xcb: return skip_bytes(s, 8);
    case 0xcc: case 0xd0: return skip_bytes(s, 1);
    case 0xcd: case 0xd1: return skip_bytes(s, 2);
    case 0xce: case 0xd2: return skip_bytes(s, 4);
    case 0xcf: case 0xd3: return skip_bytes(s, 8);
    case 0xdc: if (need(s, 2) < 0) return -1; return scan_items(s, take_be(s, 2), depth);
    case 0xdd: if (need(s, 4) < 0) return -1; return scan_items(s, take_be(s, 4), depth);
    case 0xde: if (need(s, 2) < 0) return -1; return scan_items(s, 2 * take_be(s, 2), depth);
    case 0xdf: if (need(s, 4) < 0) return -1; return scan_items(s, 2 * take_be(s, 4), depth);
    default:
        s->why = "msgpack ext types and reserved bytes are not accepted";
        return -1;
    }
}

int rg_doc_reparse(rg_doc **dp, const uint8_t *p, size_t n, const char **why)
{
    if (n == 0) {                    /* p may be NULL: no p + 0 on it */
        *why = "empty message";
        return RG_EBADREQ;
    }
    scan_state s = {p, p + n, 0, NULL};
    if (scan_value(&s, 0) < 0) {
        *why = s.why;
        return RG_EBADREQ;
    }
    RG_ASSERT(s.p <= s.end);                  /* the scan never reads past the bytes */
    if (s.p != s.end) {
        *why = "trailing bytes after the msgpack value";
        return RG_EBADREQ;
    }
    rg_doc *d = *dp;
    if (!d) {
        d = *dp = rg_calloc(1, sizeof *d);
        d->zone = msgpack_zone_new(MSGPACK_ZONE_CHUNK_SIZE);
        if (!d->zone) {
            fprintf(stderr, "regie: out of memory\n");
            abort();
        }
    } else {
        msgpack_zone_clear(d->zone);
        free(d->owned);
        d->owned = NULL;
    }
    d->root = (msgpack_object){.type = MSGPACK_OBJECT_NIL};
    size_t off = 0;
    msgpack_unpack_return r = msgpack_unpack((const char *)p, n, &off, d->zone, &d->root);
    if (r != MSGPACK_UNPACK_SUCCESS || off != n) {
        d->root = (msgpack_object){.type = MSGPACK_OBJECT_NIL};
        *why = "malformed msgpack";
        return RG_EBADREQ;
    }
    return 0;
}

int rg_doc_parse(rg_doc **out, const uint8_t *p, size_t n, const char **why)
{
    rg_doc *d = NULL;
    *out = NULL;
    int rc = rg_doc_reparse(&d, p, n, why);
    if (rc < 0) {
        rg_doc_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

void rg_doc_free(rg_doc *d)
{
    if (!d) return;
    msgpack_zone_free(d->zone);
    free(d->owned);
    free(d);
}

void rg_doc_attach(rg_doc *d, uint8_t *bytes) { d->owned = bytes; }

const rg_val *rg_doc_root(const rg_doc *d) { return &d->root; }

rg_vtype rg_val_type(const rg_val *v)
{
    if (!v) return RG_VNIL;
    switch (v->type) {
    case MSGPACK_OBJECT_NIL: return RG_VNIL;
    case MSGPACK_OBJECT_BOOLEAN: return RG_VBOOL;
    case MSGPACK_OBJECT_POSITIVE_INTEGER: return RG_VUINT;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: return RG_VINT;
    case MSGPACK_OBJECT_FLOAT32: case MSGPACK_OBJECT_FLOAT64: return RG_VFLOAT;
    case MSGPACK_OBJECT_STR: return RG_VSTR;
    case MSGPACK_OBJECT_BIN: return RG_VBIN;
    case MSGPACK_OBJECT_ARRAY: return RG_VARRAY;
    case MSGPACK_OBJECT_MAP: return RG_VMAP;
    default: return RG_VOTHER;
    }
}

const char *rg_vtype_name(rg_vtype t)
{
    static const char *names[] = {"nil", "bool", "uint", "int", "float", "str",
                                  "bin", "array", "map", "other"};
    return names[t];
}

bool rg_val_str(const rg_val *v, const char **p, uint32_t *n)
{
    if (!v || v->type != MSGPACK_OBJECT_STR) return false;
    *p = v->via.str.ptr;
    *n = v->via.str.size;
    return true;
}

bool rg_val_bin(const rg_val *v, const uint8_t **p, uint32_t *n)
{
    if (!v || v->type != MSGPACK_OBJECT_BIN) return false;
    *p = (const uint8_t *)v->via.bin.ptr;
    *n = v->via.bin.size;
    return true;
}

bool rg_val_uint(const rg_val *v, uint64_t *u)
{
    if (!v || v->type != MSGPACK_OBJECT_POSITIVE_INTEGER) return false;
    *u = v->via.u64;
    return true;
}

bool rg_val_bool(const rg_val *v, bool *b)
{
    if (!v || v->type != MSGPACK_OBJECT_BOOLEAN) return false;
    *b = v->via.boolean;
    return true;
}

int64_t rg_val_int(const rg_val *v)
{
    if (!v) return 0;
    if (v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) return v->via.i64;
    if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER) return (int64_t)v->via.u64;
    return 0;
}

double rg_val_float(const rg_val *v)
{
    return v && (v->type == MSGPACK_OBJECT_FLOAT32 || v->type == MSGPACK_OBJECT_FLOAT64) ? v->via.f64 : 0;
}

bool rg_val_is_str(const rg_val *v, const char *s)
{
    const char *p;
    uint32_t n;
    if (!rg_val_str(v, &p, &n)) return false;
    return strlen(s) == n && memcmp(p, s, n) == 0;
}

bool rg_array_has_str(const rg_val *a, const char *s)
{
    for (uint32_t i = 0; i < rg_array_size(a); i++)
        if (rg_val_is_str(rg_array_at(a, i), s)) return true;
    return false;
}

bool rg_val_strcpy(const rg_val *v, char *dst, size_t cap)
{
    const char *p;
    uint32_t n;
    if (!rg_val_str(v, &p, &n) || n >= cap || memchr(p, '\0', n)) return false;
    memcpy(dst, p, n);
    dst[n] = '\0';
    return true;
}

uint32_t rg_map_size(const rg_val *m)
{
    return m && m->type == MSGPACK_OBJECT_MAP ? m->via.map.size : 0;
}

const rg_val *rg_map_key(const rg_val *m, uint32_t i)
{
    RG_ASSERT(i < rg_map_size(m));
    return &m->via.map.ptr[i].key;
}

const rg_val *rg_map_value(const rg_val *m, uint32_t i)
{
    RG_ASSERT(i < rg_map_size(m));
    return &m->via.map.ptr[i].val;
}

const rg_val *rg_map_get(const rg_val *m, const char *key)
{
    uint32_t n = rg_map_size(m);
    size_t kl = strlen(key);
    for (uint32_t i = 0; i < n; i++) {
        const msgpack_object *k = &m->via.map.ptr[i].key;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == kl &&
            memcmp(k->via.str.ptr, key, kl) == 0)
            return &m->via.map.ptr[i].val;
    }
    return NULL;
}

uint32_t rg_array_size(const rg_val *a)
{
    return a && a->type == MSGPACK_OBJECT_ARRAY ? a->via.array.size : 0;
}

const rg_val *rg_array_at(const rg_val *a, uint32_t i)
{
    RG_ASSERT(i < rg_array_size(a));
    return &a->via.array.ptr[i];
}

/* ---- writers ---- */

static int buf_write(void *data, const char *p, size_t n)
{
    rg_buf_append(data, p, n);
    return 0;
}

#define PACKER(b) msgpack_packer pk; msgpack_packer_init(&pk, (b), buf_write)

/* The writers of the common types put the bytes straight into the buffer:
 * a projection or record is some sixty values, and msgpack-c's packer
 * reached the buffer through a callback per header and per body.  They
 * write exactly what msgpack-c writes (the smallest form; codec_test.c
 * compares them). */

/* A header: `tag` followed by the n-byte big-endian length or value. */
static void head(rg_buf *b, uint8_t tag, uint64_t v, int n)
{
    RG_ASSERT(n >= 0 && n <= 8);
    rg_buf_reserve(b, 1 + (size_t)n);
    uint8_t *p = b->data + b->len;
    p[0] = tag;
    for (int i = 0; i < n; i++) p[1 + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    b->len += 1 + (size_t)n;
}

static void container(rg_buf *b, uint32_t n, uint8_t fix, uint8_t c16)
{
    if (n < 16) head(b, (uint8_t)(fix | n), 0, 0);
    else if (n < 65536) head(b, c16, n, 2);
    else head(b, (uint8_t)(c16 + 1), n, 4);
}

void rg_w_map(rg_buf *b, uint32_t n) { container(b, n, 0x80, 0xde); }
void rg_w_array(rg_buf *b, uint32_t n) { container(b, n, 0x90, 0xdc); }

void rg_w_uint(rg_buf *b, uint64_t u)
{
    if (u < 128) head(b, (uint8_t)u, 0, 0);
    else if (u < 256) head(b, 0xcc, u, 1);
    else if (u < 65536) head(b, 0xcd, u, 2);
    else if (u < (1ULL << 32)) head(b, 0xce, u, 4);
    else head(b, 0xcf, u, 8);
}

void rg_w_int(rg_buf *b, int64_t i) { PACKER(b); msgpack_pack_int64(&pk, i); }
void rg_w_nil(rg_buf *b) { head(b, 0xc0, 0, 0); }
void rg_w_val(rg_buf *b, const rg_val *v) { PACKER(b); msgpack_pack_object(&pk, *v); }
void rg_w_bool(rg_buf *b, bool v) { head(b, v ? 0xc3 : 0xc2, 0, 0); }

void rg_w_str(rg_buf *b, const char *s, size_t n)
{
    rg_buf_reserve(b, 5 + n);
    if (n < 32) head(b, (uint8_t)(0xa0 | n), 0, 0);
    else if (n < 256) head(b, 0xd9, n, 1);
    else if (n < 65536) head(b, 0xda, n, 2);
    else head(b, 0xdb, n, 4);
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
}

void rg_w_cstr(rg_buf *b, const char *s) { rg_w_str(b, s, strlen(s)); }

void rg_w_bin(rg_buf *b, const void *p, size_t n)
{
    PACKER(b);
    msgpack_pack_bin(&pk, n);
    msgpack_pack_bin_body(&pk, p, n);
}

void rg_w_map32(rg_buf *b, uint32_t n)
{
    rg_buf_put_u8(b, 0xdf);
    rg_buf_put_be32(b, n);
}

void rg_w_patch_map32(uint8_t *base, size_t off, uint32_t n)
{
    RG_ASSERT(base[off] == 0xdf);            /* what rg_w_map32 wrote there */
    rg_be32_put(base + off + 1, n);
}

void rg_w_kstr(rg_buf *b, const char *key, const char *val)
{
    rg_w_cstr(b, key);
    rg_w_cstr(b, val);
}

void rg_w_kuint(rg_buf *b, const char *key, uint64_t val)
{
    rg_w_cstr(b, key);
    rg_w_uint(b, val);
}

void rg_w_kbool(rg_buf *b, const char *key, bool val)
{
    rg_w_cstr(b, key);
    rg_w_bool(b, val);
}

bool rg_utf8_ok(const char *s, uint32_t n)
{
    if (n == 0) return true;         /* s may be NULL: no s + 0 on it */
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned c = *p;
        if (c == 0) return false;
        if (c < 0x80) {
            p++;
            continue;
        }
        int len;
        unsigned min, cp;
        if ((c & 0xe0) == 0xc0) { len = 2; min = 0x80; cp = c & 0x1f; }
        else if ((c & 0xf0) == 0xe0) { len = 3; min = 0x800; cp = c & 0x0f; }
        else if ((c & 0xf8) == 0xf0) { len = 4; min = 0x10000; cp = c & 0x07; }
        else return false;
        if (end - p < len) return false;
        for (int i = 1; i < len; i++) {
            if ((p[i] & 0xc0) != 0x80) return false;
            cp = cp << 6 | (p[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        p += len;
    }
    return true;
}
