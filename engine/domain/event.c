/* event.c - event builder and stored record; layout in event.h. */
#include "event.h"

#include <stdlib.h>
#include <string.h>

#include "../storage/errors.h"
#include "schema.h"

void rg_evb_init(rg_evb *ev, const char *type, uint16_t tver)
{
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->tver = tver;
}

void rg_evb_free(rg_evb *ev)
{
    rg_buf_free(&ev->data);
    rg_buf_free(&ev->subject);
}

void rg_ev_str(rg_evb *ev, const char *key, const char *val)
{
    rg_w_kstr(&ev->data, key, val);
    ev->nkeys++;
}

void rg_ev_uint(rg_evb *ev, const char *key, uint64_t val)
{
    rg_w_kuint(&ev->data, key, val);
    ev->nkeys++;
}

void rg_ev_bool(rg_evb *ev, const char *key, bool val)
{
    rg_w_kbool(&ev->data, key, val);
    ev->nkeys++;
}

void rg_ev_val(rg_evb *ev, const char *key, const rg_val *val)
{
    rg_w_cstr(&ev->data, key);
    rg_w_val(&ev->data, val);
    ev->nkeys++;
}

void rg_evb_data(const rg_evb *ev, rg_buf *out)
{
    rg_w_map32(out, ev->nkeys);
    rg_buf_append(out, ev->data.data, ev->data.len);
}

void rg_record_build(rg_buf *out, const uint8_t prev[RG_HASH_LEN], uint64_t seq,
                     const char *case_id, uint32_t v, uint64_t at, const rg_actor *actor,
                     const rg_evb *ev)
{
    /* Positions and versions start at 1; 0 means "none" everywhere. */
    RG_ASSERT(seq > 0 && v > 0 && prev != NULL);
    rg_buf_reset(out);
    rg_buf_reserve(out, RG_REC_HDR + 128 + ev->data.len + ev->subject.len);
    out->len = RG_REC_HDR;                   /* header filled in below */
    size_t pub0 = out->len;
    rg_w_map(out, 7);
    rg_w_kuint(out, "seq", seq);
    rg_w_kstr(out, "case", case_id);
    rg_w_kuint(out, "v", v);
    rg_w_kstr(out, "type", ev->type);
    rg_w_kuint(out, "at", at);
    rg_w_cstr(out, "actor");
    rg_w_map(out, 3);
    rg_w_kstr(out, "id", actor->id);
    rg_w_kstr(out, "role", rg_role_name(actor->role));
    rg_w_kstr(out, "org", actor->org);
    rg_w_cstr(out, "data");
    size_t data_off = out->len - pub0;
    rg_evb_data(ev, out);
    size_t pub_len = out->len - pub0;
    rg_buf_append(out, ev->subject.data, ev->subject.len);

    RG_ASSERT(out->len - pub0 <= UINT32_MAX && data_off < pub_len);   /* the header's be32 fields */
    uint8_t *h = out->data;
    h[32] = ev->person_sealed ? 3 : ev->sealed ? 2 : 1;
    h[33] = (uint8_t)(ev->tver >> 8);
    h[34] = (uint8_t)ev->tver;
    rg_be32_put(h + 35, (uint32_t)pub_len);
    rg_be32_put(h + 39, (uint32_t)data_off);
    rg_chain_link(h, prev, h + RG_HASH_LEN, out->len - RG_HASH_LEN);
}

int rg_record_parse(const uint8_t *p, size_t n, rg_record *r)
{
    if (n < RG_REC_HDR || p[32] < 1 || p[32] > 3) return RG_ESTORAGE;
    r->link = p;
    r->format = p[32];
    r->tver = (uint16_t)(p[33] << 8 | p[34]);
    r->pub_len = rg_be32_get(p + 35);
    r->data_off = rg_be32_get(p + 39);
    if (r->pub_len > n - RG_REC_HDR || r->data_off + 5 > r->pub_len ||
        p[RG_REC_HDR + r->data_off] != 0xdf)
        return RG_ESTORAGE;
    r->pub = p + RG_REC_HDR;
    r->subj = r->pub + r->pub_len;
    r->subj_len = (uint32_t)(n - RG_REC_HDR - r->pub_len);
    return 0;
}

bool rg_record_verify(const uint8_t prev[RG_HASH_LEN], const uint8_t *p, size_t n)
{
    uint8_t link[RG_HASH_LEN];
    if (n < RG_REC_HDR) return false;
    rg_chain_link(link, prev, p + RG_HASH_LEN, n - RG_HASH_LEN);
    return memcmp(link, p, RG_HASH_LEN) == 0;
}

void rg_record_render(rg_buf *out, const rg_record *r, bool with_subject)
{
    if (!with_subject || r->subj_len == 0) {
        rg_buf_append(out, r->pub, r->pub_len);
        return;
    }
    size_t at = out->len;
    rg_buf_append(out, r->pub, r->pub_len);
    uint32_t count = rg_be32_get(r->pub + r->data_off + 1);
    rg_w_patch_map32(out->data + at, r->data_off, count + 1);
    rg_w_cstr(out, "subject");
    rg_buf_append(out, r->subj, r->subj_len);
}
