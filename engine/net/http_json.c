/* http_json.c - JSON <-> the engine's msgpack (http_json.h). */
#include "http_json.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../storage/codec.h"
#include "../storage/errors.h"

static int write_json(rg_buf *out, const json_t *v, int depth, char *why, size_t cap);

static int bad(char *why, size_t cap, const char *msg)
{
    snprintf(why, cap, "%s", msg);
    return RG_EBADREQ;
}

static int write_string(rg_buf *out, const json_t *v, char *why, size_t cap)
{
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (memchr(s, 0, n)) return bad(why, cap, "a string holds a NUL character");
    rg_w_str(out, s, n);
    return 0;
}

static int write_json(rg_buf *out, const json_t *v, int depth, char *why, size_t cap)
{
    if (depth > RG_MAX_DEPTH) return bad(why, cap, "the JSON nests too deep");
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        rg_w_map(out, (uint32_t)json_object_size(v));
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x) {
            /* jansson gives the key as a C string; a key with NUL is cut
             * there, so it is compared with its full length. */
            rg_w_cstr(out, k);
            int rc = write_json(out, x, depth + 1, why, cap);
            if (rc < 0) return rc;
        }
        return 0;
    }
    case JSON_ARRAY: {
        rg_w_array(out, (uint32_t)json_array_size(v));
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            int rc = write_json(out, x, depth + 1, why, cap);
            if (rc < 0) return rc;
        }
        return 0;
    }
    case JSON_STRING: return write_string(out, v, why, cap);
    case JSON_INTEGER: {
        json_int_t i = json_integer_value(v);
        if (i >= 0) rg_w_uint(out, (uint64_t)i); else rg_w_int(out, (int64_t)i);
        return 0;
    }
    case JSON_REAL: return bad(why, cap, "numbers must be whole numbers");
    case JSON_TRUE: rg_w_bool(out, true); return 0;
    case JSON_FALSE: rg_w_bool(out, false); return 0;
    case JSON_NULL: rg_w_nil(out); return 0;
    }
    return bad(why, cap, "an unknown JSON value");
}

static json_t *parse(const char *body, size_t n, char *why, size_t cap)
{
    json_error_t err;
    /* JSON_REJECT_DUPLICATES: a field given twice is refused, as the
     * pipeline refuses it in msgpack. */
    json_t *root = json_loadb(body, n, JSON_REJECT_DUPLICATES, &err);
    if (!root) {
        /* jansson's text may quote the input ("near '...'"), which could
         * be a token: only the part before that, and the position. */
        char what[64];
        snprintf(what, sizeof what, "%.63s", err.text);
        char *near = strstr(what, " near");
        if (near) *near = 0;
        snprintf(why, cap, "the body is not JSON: %.60s at line %d column %d", what, err.line, err.column);
        return NULL;
    }
    return root;
}

int rg_json_to_request(rg_buf *out, const char *op, const char *token, const char *body,
                       size_t n, char *why, size_t cap)
{
    rg_buf_reset(out);
    json_t *root = NULL;
    if (n > 0) {
        if (!(root = parse(body, n, why, cap))) return RG_EBADREQ;
        if (!json_is_object(root)) {
            json_decref(root);
            return bad(why, cap, "the body must be a JSON object");
        }
        if (json_object_get(root, "op") || json_object_get(root, "token")) {
            json_decref(root);
            return bad(why, cap, "op comes from the URL and the token from the Authorization header "
                                 "or the session, not from the body");
        }
    }
    size_t fields = root ? json_object_size(root) : 0;
    rg_w_map(out, (uint32_t)(fields + (token ? 2 : 1)));
    rg_w_cstr(out, "op");
    rg_w_cstr(out, op);
    if (token) {
        rg_w_cstr(out, "token");
        rg_w_cstr(out, token);
    }
    int rc = 0;
    if (root) {
        const char *k;
        json_t *x;
        json_object_foreach(root, k, x) {
            rg_w_cstr(out, k);
            if ((rc = write_json(out, x, 1, why, cap)) < 0) break;
        }
        json_decref(root);
    }
    if (rc < 0) rg_buf_reset(out);
    return rc;
}

bool rg_json_get_str(const char *body, size_t n, const char *name, char *dst, size_t cap)
{
    char why[160];
    json_t *root = parse(body, n, why, sizeof why);
    if (!root) return false;
    json_t *v = json_object_get(root, name);
    bool ok = json_is_string(v) && json_string_length(v) < cap &&
              !memchr(json_string_value(v), 0, json_string_length(v));
    if (ok) memcpy(dst, json_string_value(v), json_string_length(v) + 1);
    json_decref(root);
    return ok;
}

/* ---- msgpack to JSON ---- */

static json_t *from_val(const rg_val *v);

static json_t *hex(const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char *s = rg_malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = digits[p[i] >> 4];
        s[2 * i + 1] = digits[p[i] & 15];
    }
    json_t *j = json_stringn(s, 2 * n);
    free(s);
    return j;
}

static json_t *text(const char *p, uint32_t n)
{
    /* The engine answers only valid UTF-8 (checked at its edge); anything
     * else would be a bug and is shown as hex, never as broken JSON. */
    json_t *j = json_stringn(p, n);
    return j ? j : hex((const uint8_t *)p, n);
}

static json_t *from_val(const rg_val *v)
{
    const char *s;
    uint32_t n;
    const uint8_t *b;
    uint64_t u;
    bool t;
    switch (rg_val_type(v)) {
    case RG_VNIL: return json_null();
    case RG_VBOOL: rg_val_bool(v, &t); return json_boolean(t);
    case RG_VUINT: rg_val_uint(v, &u); return json_integer((json_int_t)u);
    case RG_VINT: return json_integer((json_int_t)rg_val_int(v));
    case RG_VFLOAT: return json_real(rg_val_float(v));
    case RG_VSTR: rg_val_str(v, &s, &n); return text(s, n);
    case RG_VBIN: rg_val_bin(v, &b, &n); return hex(b, n);
    case RG_VARRAY: {
        json_t *a = json_array();
        for (uint32_t i = 0; i < rg_array_size(v); i++) json_array_append_new(a, from_val(rg_array_at(v, i)));
        return a;
    }
    case RG_VMAP: {
        json_t *o = json_object();
        for (uint32_t i = 0; i < rg_map_size(v); i++) {
            const rg_val *k = rg_map_key(v, i);
            char key[128];
            if (rg_val_str(k, &s, &n) && n < sizeof key && !memchr(s, 0, n)) {
                memcpy(key, s, n);
                key[n] = 0;
            } else if (rg_val_uint(k, &u)) {
                snprintf(key, sizeof key, "%llu", (unsigned long long)u);
            } else {
                snprintf(key, sizeof key, "?%u", i);
            }
            json_object_set_new(o, key, from_val(rg_map_value(v, i)));
        }
        return o;
    }
    default: return json_null();
    }
}

int rg_json_from_msgpack(rg_buf *out, const uint8_t *p, size_t n)
{
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, p, n, &why) < 0) return RG_EBADREQ;
    json_t *j = from_val(rg_doc_root(d));
    rg_doc_free(d);
    size_t len = json_dumpb(j, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
    rg_buf_reserve(out, len + 1);
    json_dumpb(j, (char *)out->data + out->len, len, JSON_COMPACT | JSON_ENCODE_ANY);
    out->len += len;
    json_decref(j);
    return 0;
}

int rg_json_sse(rg_buf *out, const uint8_t *p, size_t n, const char *list_key, const char *id_key)
{
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, p, n, &why) < 0) return RG_EBADREQ;
    const rg_val *list = rg_map_get(rg_doc_root(d), list_key);
    uint32_t count = rg_array_size(list);
    for (uint32_t i = 0; i < count; i++) {
        const rg_val *el = rg_array_at(list, i);
        uint64_t id = 0;
        rg_val_uint(rg_map_get(el, id_key), &id);
        char head[48];
        int hn = snprintf(head, sizeof head, "id: %llu\ndata: ", (unsigned long long)id);
        rg_buf_append(out, head, (size_t)hn);
        json_t *j = from_val(el);
        size_t len = json_dumpb(j, NULL, 0, JSON_COMPACT);
        rg_buf_reserve(out, len + 2);
        /* Compact JSON holds no raw newline: one data: line. */
        json_dumpb(j, (char *)out->data + out->len, len, JSON_COMPACT);
        out->len += len;
        json_decref(j);
        rg_buf_append(out, "\n\n", 2);
    }
    rg_doc_free(d);
    return (int)count;
}
