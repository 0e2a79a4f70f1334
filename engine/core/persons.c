/* persons.c - the keyed-hash person index and request grants; see persons.h. */
#include "persons.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../domain/calendar.h"
#include "../domain/seal.h"
#include "../storage/errors.h"
#include "state.h"
#include "reads.h"

/* The index's hash key: derived from the key-encryption key, so a copy of
 * the data alone cannot test a BSN against the index. */
static void index_key(rg_engine *e, uint8_t key[RG_KEY_LEN])
{
    rg_keyed_hash(key, RG_KEY_LEN, e->kek, "regie person index", 18);
}

/* Lower case, single spaces, no spaces at the ends. */
static size_t normalise(const char *s, uint32_t n, char *out, size_t cap)
{
    size_t o = 0;
    bool space = false;
    for (uint32_t i = 0; i < n && o + 2 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (isspace(ch)) {
            space = o > 0;
            continue;
        }
        if (space) out[o++] = ' ';
        space = false;
        out[o++] = (char)tolower(ch);
    }
    return o;
}

int rg_person_keys(rg_engine *e, const rg_val *person, const char *zvh, const char *case_id,
                   uint8_t keys[2][RG_PKEY_MAX], size_t lens[2])
{
    uint8_t key[RG_KEY_LEN];
    index_key(e, key);
    int n = 0;
    const char *s, *b;
    uint32_t sn, bn;
    char text[512];
    size_t tn = 0;
    for (int kind = 0; kind < 2; kind++) {
        if (kind == 0 && rg_val_str(rg_map_get(person, "bsn"), &s, &sn) && sn) {
            for (uint32_t i = 0; i < sn && tn + 1 < sizeof text; i++)
                if (isdigit((unsigned char)s[i])) text[tn++] = s[i];
        } else if (kind == 1 && rg_val_str(rg_map_get(person, "name"), &s, &sn) && sn &&
                   rg_val_str(rg_map_get(person, "birth_date"), &b, &bn) && bn) {
            tn = normalise(s, sn, text, sizeof text - 40);
            text[tn++] = '|';
            memcpy(text + tn, b, bn < 32 ? bn : 32);
            tn += bn < 32 ? bn : 32;
        } else {
            continue;
        }
        uint8_t *k = keys[n];
        k[0] = kind == 0 ? 'b' : 'n';
        rg_keyed_hash(k + 1, 16, key, text, tn);
        size_t l = 17;
        if (zvh) {
            size_t zn = strlen(zvh), cn = strlen(case_id);
            memcpy(k + l, zvh, zn + 1);
            l += zn + 1;
            memcpy(k + l, case_id, cn);
            l += cn;
        }
        lens[n++] = l;
        tn = 0;
    }
    rg_wipe(key, sizeof key);
    return n;
}

int rg_persons_find(rg_engine *e, const rg_val *person, rg_person_fn fn, void *ud)
{
    uint8_t keys[2][RG_PKEY_MAX];
    size_t lens[2];
    int n = rg_person_keys(e, person, NULL, NULL, keys, lens);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        rg_iter *it = rg_iter_new(e->log, RG_CF_PERSONS);
        for (rg_iter_seek(it, keys[i], 17); rg_iter_valid(it) && rc == 0; rg_iter_next(it)) {
            size_t kn;
            const uint8_t *k = rg_iter_key(it, &kn);
            if (kn < 19 || memcmp(k, keys[i], 17) != 0) break;
            const char *zvh = (const char *)k + 17;
            const char *z = memchr(zvh, 0, kn - 17);
            if (!z) continue;
            char zbuf[RG_ID_MAX], cbuf[RG_ID_MAX];
            size_t zn = (size_t)(z - zvh), cn = kn - 17 - zn - 1;
            if (zn >= RG_ID_MAX || cn >= RG_ID_MAX) continue;
            memcpy(zbuf, zvh, zn);
            zbuf[zn] = 0;
            memcpy(cbuf, z + 1, cn);
            cbuf[cn] = 0;
            /* The value names the person of the case (none: P1, an entry
             * from before households). */
            size_t vn;
            const uint8_t *v = rg_iter_value(it, &vn);
            char pbuf[16] = "P1";
            if (vn > 0 && vn < sizeof pbuf) {
                memcpy(pbuf, v, vn);
                pbuf[vn] = 0;
            }
            rc = fn(ud, zbuf, cbuf, pbuf);
        }
        if (rg_iter_end(it) < 0) rc = RG_ESTORAGE;
    }
    return rc < 0 ? rc : 0;
}

int rg_case_subject(rg_engine *e, const rg_case *cs, rg_buf *out)
{
    return rg_event_subject(e, cs, cs->subject_seq, out);
}

int rg_event_subject(rg_engine *e, const rg_case *cs, uint64_t seq, rg_buf *out)
{
    /* (A case from before encryption has no key and its subject plain.) */
    if (cs->erased || !seq) return RG_ENOTFOUND;
    rg_buf rec = RG_BUF_INIT, opened = RG_BUF_INIT;
    rg_record r, plain;
    int rc = rg_reads_event(e, seq, &rec);
    if (rc == 0) rc = rg_record_parse(rec.data, rec.len, &r);
    rg_keyring k;
    rg_case_keyring(cs, &k);
    if (rc == 0) rc = rg_record_open_keys(&r, cs->id, &k, &opened, &plain);
    if (rc == 0 && plain.subj_len) rg_buf_append(out, plain.subj, plain.subj_len);
    else if (rc == 0) rc = RG_ENOTFOUND;
    rg_buf_free(&opened);
    rg_buf_free(&rec);
    return rc;
}

void rg_person_index_put(rg_ctx *c, const rg_val *fields, const char *zvh, const char *case_id,
                         const char *person)
{
    uint8_t keys[2][RG_PKEY_MAX];
    size_t lens[2];
    int n = rg_person_keys(rg_ctx_engine(c), fields, zvh, case_id, keys, lens);
    for (int i = 0; i < n; i++) rg_ctx_put(c, RG_CF_PERSONS, keys[i], lens[i], person, strlen(person));
}

/* The index keys of the data held at seq (a person's), put or deleted. */
static int stage_at(rg_ctx *c, const rg_case *cs, uint64_t seq, const char *person, bool del)
{
    rg_engine *e = rg_ctx_engine(c);
    rg_buf subj = RG_BUF_INIT;
    int rc = rg_event_subject(e, cs, seq, &subj);
    if (rc == RG_ENOTFOUND) {
        rg_buf_free(&subj);
        return 0;
    }
    rg_doc *d = NULL;
    const char *why;
    if (rc == 0) rc = rg_doc_parse(&d, subj.data, subj.len, &why) < 0 ? RG_ESTORAGE : 0;
    if (rc == 0 && del) {
        uint8_t keys[2][RG_PKEY_MAX];
        size_t lens[2];
        int n = rg_person_keys(e, rg_doc_root(d), cs->zvh, cs->id, keys, lens);
        for (int i = 0; i < n; i++) rg_ctx_del(c, RG_CF_PERSONS, keys[i], lens[i]);
    } else if (rc == 0) {
        rg_person_index_put(c, rg_doc_root(d), cs->zvh, cs->id, person);
    }
    rg_doc_free(d);
    rg_buf_free(&subj);
    return rc;
}

int rg_person_stage(rg_ctx *c, const rg_case *cs, uint32_t i, bool del)
{
    char id[16];
    snprintf(id, sizeof id, "P%u", i + 1);
    if (cs->persons[i].erased) return 0;
    return stage_at(c, cs, cs->persons[i].seq, id, del);
}

int rg_persons_stage(rg_ctx *c, const rg_case *cs, bool del)
{
    /* A data-subject request holds its person as its subject, no persons. */
    if (!cs->npersons) return stage_at(c, cs, cs->subject_seq, "P1", del);
    int rc = 0;
    for (uint32_t i = 0; i < cs->npersons && rc == 0; i++) rc = rg_person_stage(c, cs, i, del);
    return rc;
}

size_t rg_grant_key(uint8_t *k, const char *case_id, const char *kind)
{
    size_t cn = strlen(case_id), kn = strlen(kind);
    k[0] = 0x01;
    memcpy(k + 1, case_id, cn + 1);
    memcpy(k + 2 + cn, kind, kn);
    return 2 + cn + kn;
}

int rg_grant_get(rg_engine *e, const char *case_id, const char *kind, char req[RG_ID_MAX])
{
    return rg_grant_get_person(e, case_id, kind, req, NULL);
}

int rg_grant_get_person(rg_engine *e, const char *case_id, const char *kind, char req[RG_ID_MAX],
                        char person[16])
{
    uint8_t k[2 * RG_ID_MAX + 4];
    rg_buf v = RG_BUF_INIT;
    int rc = rg_log_get(e->log, RG_CF_PERSONS, k, rg_grant_key(k, case_id, kind), &v);
    const uint8_t *z = rc == 0 ? memchr(v.data, 0, v.len) : NULL;
    if (rc == 0) snprintf(req, RG_ID_MAX, "%.*s", (int)(z ? (size_t)(z - v.data) : v.len), (const char *)v.data);
    /* The person of the case the request is from (a grant from before
     * households names none: P1, the one person then indexed). */
    if (person) snprintf(person, 16, "P1");
    if (person && z && v.len - (size_t)(z + 1 - v.data) > 0 && v.len - (size_t)(z + 1 - v.data) < 16)
        snprintf(person, 16, "%.*s", (int)(v.len - (size_t)(z + 1 - v.data)), (const char *)z + 1);
    rg_buf_free(&v);
    return rc;
}

void rg_grant_put(rg_ctx *c, const char *case_id, const char *kind, const char *request, const char *person)
{
    uint8_t k[2 * RG_ID_MAX + 4];
    char v[RG_ID_MAX + 20];
    size_t rn = strlen(request), pn = strlen(person);
    RG_ASSERT(rn < RG_ID_MAX && pn < 16);
    memcpy(v, request, rn);
    v[rn] = 0;
    memcpy(v + rn + 1, person, pn);
    rg_ctx_put(c, RG_CF_PERSONS, k, rg_grant_key(k, case_id, kind), v, rn + 1 + pn);
}

size_t rg_handled_key(uint8_t *k, const char *request, const char *case_id)
{
    size_t rn = strlen(request), cn = strlen(case_id);
    k[0] = 0x02;
    memcpy(k + 1, request, rn + 1);
    memcpy(k + 2 + rn, case_id, cn);
    return 2 + rn + cn;
}

int rg_handled_get(rg_engine *e, const char *request, const char *case_id)
{
    uint8_t k[2 * RG_ID_MAX + 4];
    rg_buf v = RG_BUF_INIT;
    int rc = rg_log_get(e->log, RG_CF_PERSONS, k, rg_handled_key(k, request, case_id), &v);
    rg_buf_free(&v);
    return rc;
}

bool rg_age_on(const char date[11], uint64_t now, int *age)
{
    int by, bm, bd;
    if (sscanf(date, "%4d-%2d-%2d", &by, &bm, &bd) != 3) return false;
    /* Their age on that day in Amsterdam, on the engine's clock. */
    int y, m, dd, hh, mm, ss, ms;
    rg_cal_to_local((int64_t)now, &y, &m, &dd, &hh, &mm, &ss, &ms);
    *age = y - by - ((m < bm || (m == bm && dd < bd)) ? 1 : 0);
    return true;
}

int rg_person_age(rg_engine *e, const rg_case *cs, uint32_t i, uint64_t now, int *age)
{
    rg_buf fields = RG_BUF_INIT;
    int rc = rg_event_subject(e, cs, cs->persons[i].seq, &fields);
    rg_doc *d = NULL;
    const char *why, *s;
    uint32_t n;
    if (rc == 0 && rg_doc_parse(&d, fields.data, fields.len, &why) < 0) rc = RG_ESTORAGE;
    /* A stored string is not NUL-terminated: its first ten bytes are
     * copied into one that is before sscanf reads them. */
    char date[11] = "";
    if (rc == 0 && rg_val_str(rg_map_get(rg_doc_root(d), "birth_date"), &s, &n) && n >= 10)
        memcpy(date, s, 10);
    if (rc == 0 && !rg_age_on(date, now, age)) rc = RG_ENOTFOUND;   /* no birth date: not known */
    rg_doc_free(d);
    rg_buf_free(&fields);
    return rc;
}

int rg_person_minor(rg_engine *e, const rg_case *cs, uint32_t i, uint64_t now, bool *minor)
{
    int age = 0;
    int rc = rg_person_age(e, cs, i, now, &age);
    if (rc == 0) *minor = age < 18;
    return rc;
}
