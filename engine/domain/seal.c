/* seal.c - sealing and opening personal data per case; see seal.h. */
#include "seal.h"

#include <stdio.h>
#include <string.h>

#include "../storage/errors.h"

/* case_id 0x00 be64(seq) 0x00 path */
#define PATH_MAX_LEN 96
#define AD_MAX (RG_ID_MAX + 10 + PATH_MAX_LEN)

static size_t make_ad(uint8_t *ad, const char *case_id, uint64_t seq, const char *path)
{
    size_t cn = strnlen(case_id, RG_ID_MAX - 1), pn = strnlen(path, PATH_MAX_LEN);
    memcpy(ad, case_id, cn);
    ad[cn] = 0;
    rg_be64_put(ad + cn + 1, seq);
    ad[cn + 9] = 0;
    memcpy(ad + cn + 10, path, pn);
    return cn + 10 + pn;
}

/* The path of a field inside the i-th map of array `outer` ("actions.2.description"). */
static void inner_path(char *p, const rg_val *outer, uint32_t i, const rg_val *key)
{
    const char *o = "", *k = "";
    uint32_t on = 0, kn = 0;
    rg_val_str(outer, &o, &on);
    rg_val_str(key, &k, &kn);
    snprintf(p, PATH_MAX_LEN + 1, "%.*s.%u.%.*s", (int)on, o, i, (int)kn, k);
}

static void key_path(char *p, const rg_val *key)
{
    const char *k = "";
    uint32_t kn = 0;
    rg_val_str(key, &k, &kn);
    snprintf(p, PATH_MAX_LEN + 1, "%.*s", (int)kn, k);
}

static bool is_text(const rg_field *f, const rg_val *k)
{
    for (; f && f->name; f++)
        if (f->type == RG_F_TEXT && rg_val_is_str(k, f->name)) return true;
    return false;
}

static const rg_field *sub_fields(const rg_field *f, const rg_val *k)
{
    for (; f && f->name; f++)
        if (f->type == RG_F_MAP_ARRAY && rg_val_is_str(k, f->name)) return f->sub;
    return NULL;
}

bool rg_seal_wanted(const rg_evb *ev, const rg_field *text, const char *item)
{
    if (ev->subject.len || item) return true;
    for (const rg_field *f = text; f && f->name; f++)
        if (f->type == RG_F_TEXT || (f->type == RG_F_MAP_ARRAY && rg_seal_wanted(ev, f->sub, NULL))) return true;
    return false;
}

/* v as a box when it is text, else as it is. */
static void seal_value(rg_buf *out, const rg_val *v, bool text, const uint8_t *dk, const char *case_id,
                       uint64_t seq, const char *path)
{
    const char *s;
    uint32_t n;
    if (!text || !rg_val_str(v, &s, &n)) {
        rg_w_val(out, v);
        return;
    }
    uint8_t ad[AD_MAX];
    rg_buf box = RG_BUF_INIT;
    rg_aead_seal(&box, dk, ad, make_ad(ad, case_id, seq, path), s, n);
    rg_w_bin(out, box.data, box.len);
    rg_buf_free(&box);
}

void rg_seal_event(rg_evb *ev, const uint8_t dk[RG_DK_LEN], const uint8_t *pk, const char *case_id,
                   uint64_t seq, const rg_field *text, const char *item)
{
    uint8_t ad[AD_MAX];
    char path[PATH_MAX_LEN + 1];
    if (ev->subject.len) {
        rg_buf box = RG_BUF_INIT;
        rg_aead_seal(&box, pk ? pk : dk, ad, make_ad(ad, case_id, seq, "subject"), ev->subject.data,
                     ev->subject.len);
        ev->person_sealed = pk != NULL;
        rg_buf_reset(&ev->subject);
        rg_w_bin(&ev->subject, box.data, box.len);
        rg_buf_free(&box);
    }
    /* The data pairs again, each free text as a box. */
    rg_buf map = RG_BUF_INIT, pairs = RG_BUF_INIT;
    rg_evb_data(ev, &map);
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, map.data, map.len, &why) == 0) {
        const rg_val *m = rg_doc_root(d);
        for (uint32_t i = 0; i < rg_map_size(m); i++) {
            const rg_val *k = rg_map_key(m, i), *v = rg_map_value(m, i);
            const rg_field *sub = sub_fields(text, k);
            rg_w_val(&pairs, k);
            if (sub && rg_val_type(v) == RG_VARRAY) {
                rg_w_array(&pairs, rg_array_size(v));
                for (uint32_t j = 0; j < rg_array_size(v); j++) {
                    const rg_val *el = rg_array_at(v, j);
                    if (rg_val_type(el) != RG_VMAP) {
                        rg_w_val(&pairs, el);
                        continue;
                    }
                    rg_w_map(&pairs, rg_map_size(el));
                    for (uint32_t x = 0; x < rg_map_size(el); x++) {
                        rg_w_val(&pairs, rg_map_key(el, x));
                        inner_path(path, k, j, rg_map_key(el, x));
                        seal_value(&pairs, rg_map_value(el, x), is_text(sub, rg_map_key(el, x)), dk, case_id,
                                   seq, path);
                    }
                }
                continue;
            }
            key_path(path, k);
            seal_value(&pairs, v, is_text(text, k) || (item && rg_val_is_str(k, item)), dk, case_id, seq, path);
        }
        rg_doc_free(d);
        rg_buf_reset(&ev->data);
        rg_buf_append(&ev->data, pairs.data, pairs.len);
    }
    rg_buf_free(&pairs);
    rg_buf_free(&map);
    ev->sealed = true;
}

/* A box opened into its text, written as a string. */
static int open_value(rg_buf *out, const uint8_t *b, uint32_t bn, const uint8_t *dk, const char *case_id,
                      uint64_t seq, const char *path)
{
    uint8_t ad[AD_MAX];
    rg_buf text = RG_BUF_INIT;
    int rc = rg_aead_open(&text, dk, ad, make_ad(ad, case_id, seq, path), b, bn);
    if (rc == 0) rg_w_str(out, (const char *)text.data, (uint32_t)text.len);
    rg_buf_free(&text);
    return rc;
}

/* The map el (an element of the array under key outer) with its boxes
 * opened, or without them (dk NULL).  *dropped counts those left out. */
static int open_inner(rg_buf *out, const rg_val *outer, uint32_t j, const rg_val *el, const uint8_t *dk,
                      const char *case_id, uint64_t seq, uint32_t *dropped)
{
    char path[PATH_MAX_LEN + 1];
    uint32_t n = rg_map_size(el);
    for (uint32_t x = 0; !dk && x < rg_map_size(el); x++)
        if (rg_val_type(rg_map_value(el, x)) == RG_VBIN) n--;
    rg_w_map(out, n);
    for (uint32_t x = 0; x < rg_map_size(el); x++) {
        const uint8_t *b;
        uint32_t bn;
        if (!rg_val_bin(rg_map_value(el, x), &b, &bn)) {
            rg_w_val(out, rg_map_key(el, x));
            rg_w_val(out, rg_map_value(el, x));
            continue;
        }
        if (!dk) {
            (*dropped)++;
            continue;
        }
        rg_w_val(out, rg_map_key(el, x));
        inner_path(path, outer, j, rg_map_key(el, x));
        if (open_value(out, b, bn, dk, case_id, seq, path) < 0) return RG_ESTORAGE;
    }
    return 0;
}

int rg_record_open(const rg_record *in, const char *case_id, const uint8_t *dk, rg_buf *buf, rg_record *out)
{
    rg_keyring k = {dk, NULL, NULL};
    return rg_record_open_keys(in, case_id, &k, buf, out);
}

int rg_record_open_keys(const rg_record *in, const char *case_id, const rg_keyring *keys, rg_buf *buf,
                        rg_record *out)
{
    *out = *in;
    if (in->format != 2 && in->format != 3) return 0;
    const uint8_t *dk = keys->dk, *sk = dk;
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, in->pub, in->pub_len, &why) < 0) return RG_ESTORAGE;
    const rg_val *ev = rg_doc_root(d);
    uint64_t seq = 0;
    rg_val_uint(rg_map_get(ev, "seq"), &seq);
    if (in->format == 3) {
        /* The subject part is the person's, under their own key. */
        char person[16] = "P1";
        rg_val_strcpy(rg_map_get(rg_map_get(ev, "data"), "person"), person, sizeof person);
        sk = keys->person ? keys->person(keys->ud, person) : NULL;
    }
    uint8_t ad[AD_MAX];
    char path[PATH_MAX_LEN + 1];
    int rc = 0;
    rg_buf_reset(buf);
    /* The public part again, data last with a map32 header (rg_record_render
     * patches its count), each box opened, or left out and withheld. */
    rg_w_map(buf, rg_map_size(ev));
    size_t data_off = 0;
    for (uint32_t i = 0; i < rg_map_size(ev) && rc == 0; i++) {
        const rg_val *k = rg_map_key(ev, i), *v = rg_map_value(ev, i);
        rg_w_val(buf, k);
        if (!rg_val_is_str(k, "data")) {
            rg_w_val(buf, v);
            continue;
        }
        data_off = buf->len;
        rg_w_map32(buf, rg_map_size(v));
        uint32_t count = 0, dropped = 0;
        for (uint32_t j = 0; j < rg_map_size(v) && rc == 0; j++) {
            const uint8_t *b;
            uint32_t bn;
            const rg_val *dk_ = rg_map_key(v, j), *dv = rg_map_value(v, j);
            if (rg_val_bin(dv, &b, &bn)) {
                if (!dk) {
                    dropped++;                      /* erased for good */
                    continue;
                }
                rg_w_val(buf, dk_);
                key_path(path, dk_);
                rc = open_value(buf, b, bn, dk, case_id, seq, path);
                count++;
                continue;
            }
            rg_w_val(buf, dk_);
            count++;
            if (rg_val_type(dv) != RG_VARRAY) {
                rg_w_val(buf, dv);
                continue;
            }
            rg_w_array(buf, rg_array_size(dv));
            for (uint32_t x = 0; x < rg_array_size(dv) && rc == 0; x++) {
                const rg_val *el = rg_array_at(dv, x);
                if (rg_val_type(el) == RG_VMAP) rc = open_inner(buf, dk_, x, el, dk, case_id, seq, &dropped);
                else rg_w_val(buf, el);
            }
        }
        if (dropped) {
            rg_w_kbool(buf, "withheld", true);
            count++;
        }
        rg_w_patch_map32(buf->data, data_off, count);
    }
    size_t pub_len = buf->len;
    if (rc == 0 && sk && in->subj_len) {
        rg_doc *sd = NULL;
        const uint8_t *b;
        uint32_t bn;
        if (rg_doc_parse(&sd, in->subj, in->subj_len, &why) < 0 || !rg_val_bin(rg_doc_root(sd), &b, &bn)) {
            rc = RG_ESTORAGE;
        } else {
            rc = rg_aead_open(buf, sk, ad, make_ad(ad, case_id, seq, "subject"), b, bn);
        }
        if (sd) rg_doc_free(sd);
    }
    rg_doc_free(d);
    if (rc < 0) return RG_ESTORAGE;
    out->format = 1;
    out->pub = buf->data;
    out->pub_len = (uint32_t)pub_len;
    out->data_off = (uint32_t)data_off;
    out->subj = buf->data + pub_len;
    out->subj_len = (uint32_t)(buf->len - pub_len);
    return 0;
}

void rg_dk_wrap(rg_buf *out, const uint8_t kek[RG_KEY_LEN], const char *case_id, const uint8_t dk[RG_DK_LEN])
{
    char ad[RG_ID_MAX + 32];
    int n = snprintf(ad, sizeof ad, "regie-dk:%s", case_id);
    rg_aead_seal(out, kek, ad, (size_t)n, dk, RG_DK_LEN);
}

int rg_dk_unwrap(uint8_t dk[RG_DK_LEN], const uint8_t kek[RG_KEY_LEN], const char *case_id,
                 const uint8_t *box, size_t n)
{
    char ad[RG_ID_MAX + 32];
    int an = snprintf(ad, sizeof ad, "regie-dk:%s", case_id);
    rg_buf out = RG_BUF_INIT;
    int rc = rg_aead_open(&out, kek, ad, (size_t)an, box, n);
    if (rc == 0 && out.len == RG_DK_LEN) memcpy(dk, out.data, RG_DK_LEN);
    else rc = RG_ESTORAGE;
    if (out.data) rg_wipe(out.data, out.cap);
    rg_buf_free(&out);
    return rc;
}
