/* seal.c - sealing and opening personal data per case; see seal.h. */
#include "seal.h"

#include <stdio.h>
#include <string.h>

#include "../storage/errors.h"

/* case_id 0x00 be64(seq) 0x00 field */
static size_t make_ad(uint8_t *ad, const char *case_id, uint64_t seq, const char *field)
{
    size_t cn = strlen(case_id), fn = strlen(field);
    memcpy(ad, case_id, cn + 1);
    rg_be64_put(ad + cn + 1, seq);
    ad[cn + 9] = 0;
    memcpy(ad + cn + 10, field, fn);
    return cn + 10 + fn;
}

#define AD_MAX (2 * RG_ID_MAX + 16)

void rg_seal_event(rg_evb *ev, const uint8_t dk[RG_DK_LEN], const char *case_id, uint64_t seq,
                   const char *item)
{
    uint8_t ad[AD_MAX];
    rg_buf box = RG_BUF_INIT;
    if (ev->subject.len) {
        rg_aead_seal(&box, dk, ad, make_ad(ad, case_id, seq, "subject"), ev->subject.data, ev->subject.len);
        rg_buf_reset(&ev->subject);
        rg_w_bin(&ev->subject, box.data, box.len);
    }
    if (item) {
        /* The data pairs again, the item's text as a box. */
        rg_buf map = RG_BUF_INIT, pairs = RG_BUF_INIT;
        rg_evb_data(ev, &map);
        rg_doc *d;
        const char *why;
        if (rg_doc_parse(&d, map.data, map.len, &why) == 0) {
            const rg_val *m = rg_doc_root(d);
            for (uint32_t i = 0; i < rg_map_size(m); i++) {
                const char *s;
                uint32_t n;
                rg_w_val(&pairs, rg_map_key(m, i));
                if (rg_val_is_str(rg_map_key(m, i), item) && rg_val_str(rg_map_value(m, i), &s, &n)) {
                    rg_buf_reset(&box);
                    rg_aead_seal(&box, dk, ad, make_ad(ad, case_id, seq, item), s, n);
                    rg_w_bin(&pairs, box.data, box.len);
                } else {
                    rg_w_val(&pairs, rg_map_value(m, i));
                }
            }
            rg_doc_free(d);
            rg_buf_reset(&ev->data);
            rg_buf_append(&ev->data, pairs.data, pairs.len);
        }
        rg_buf_free(&pairs);
        rg_buf_free(&map);
    }
    rg_buf_free(&box);
    ev->sealed = true;
}

int rg_record_open(const rg_record *in, const char *case_id, const char *item, const uint8_t *dk,
                   rg_buf *buf, rg_record *out)
{
    *out = *in;
    if (in->format != 2) return 0;
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, in->pub, in->pub_len, &why) < 0) return RG_ESTORAGE;
    const rg_val *ev = rg_doc_root(d);
    uint64_t seq = 0;
    rg_val_uint(rg_map_get(ev, "seq"), &seq);
    uint8_t ad[AD_MAX];
    int rc = 0;
    rg_buf_reset(buf);
    /* The public part again, data last with a map32 header (rg_record_render
     * patches its count), the item opened or withheld. */
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
        for (uint32_t j = 0; j < rg_map_size(v); j++) {
            const uint8_t *b;
            uint32_t bn;
            const rg_val *dv = rg_map_value(v, j);
            if (item && rg_val_is_str(rg_map_key(v, j), item) && rg_val_bin(dv, &b, &bn)) {
                if (dk) {
                    rg_w_val(buf, rg_map_key(v, j));
                    rg_buf text = RG_BUF_INIT;
                    rc = rg_aead_open(&text, dk, ad, make_ad(ad, case_id, seq, item), b, bn);
                    rg_w_str(buf, (const char *)text.data, (uint32_t)text.len);
                    rg_buf_free(&text);
                } else {
                    rg_w_kbool(buf, "withheld", true);     /* erased for good */
                }
                continue;
            }
            rg_w_val(buf, rg_map_key(v, j));
            rg_w_val(buf, dv);
        }
    }
    size_t pub_len = buf->len;
    if (rc == 0 && dk && in->subj_len) {
        rg_doc *sd = NULL;
        const uint8_t *b;
        uint32_t bn;
        if (rg_doc_parse(&sd, in->subj, in->subj_len, &why) < 0 || !rg_val_bin(rg_doc_root(sd), &b, &bn)) {
            rc = RG_ESTORAGE;
        } else {
            rc = rg_aead_open(buf, dk, ad, make_ad(ad, case_id, seq, "subject"), b, bn);
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
    char ad[RG_ID_MAX + 16];
    int n = snprintf(ad, sizeof ad, "regie-dk:%s", case_id);
    rg_aead_seal(out, kek, ad, (size_t)n, dk, RG_DK_LEN);
}

int rg_dk_unwrap(uint8_t dk[RG_DK_LEN], const uint8_t kek[RG_KEY_LEN], const char *case_id,
                 const uint8_t *box, size_t n)
{
    char ad[RG_ID_MAX + 16];
    int an = snprintf(ad, sizeof ad, "regie-dk:%s", case_id);
    rg_buf out = RG_BUF_INIT;
    int rc = rg_aead_open(&out, kek, ad, (size_t)an, box, n);
    if (rc == 0 && out.len == RG_DK_LEN) memcpy(dk, out.data, RG_DK_LEN);
    else rc = RG_ESTORAGE;
    if (out.data) rg_wipe(out.data, out.cap);
    rg_buf_free(&out);
    return rc;
}
