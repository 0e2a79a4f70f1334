/*
 * event_test.c - events of domain/event.h through their face: an event
 * built (rg_evb) and made a record (rg_record_build) parses back into its
 * parts with the layout of event.h, the public part holding the contract
 * keys and data and never the personal data, which stays in the trailing
 * subject part; rendering splices the subject into data only when asked;
 * the hash link chains each record to the one before, and rg_record_verify
 * notices a change of any single byte, a record moved to another place in
 * the chain, or the wrong previous link; malformed records are refused.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/domain/event.h"

static const uint8_t zero[RG_HASH_LEN];

static rg_actor actor(const char *id, int role, const char *org)
{
    rg_actor a;
    memset(&a, 0, sizeof a);
    snprintf(a.id, sizeof a.id, "%s", id);
    a.role = role;
    snprintf(a.org, sizeof a.org, "%s", org);
    return a;
}

/* A case.reported-like event with a subject. */
static void build_report(rg_buf *out, const uint8_t prev[RG_HASH_LEN], uint64_t seq, uint32_t v,
                         const char *name)
{
    rg_evb ev;
    rg_evb_init(&ev, "case.reported", 2);
    rg_ev_str(&ev, "target_group", "verward_gedrag");
    rg_ev_uint(&ev, "urgency_level", 3);
    rg_ev_bool(&ev, "informed", true);
    rg_w_map(&ev.subject, 2);
    rg_w_kstr(&ev.subject, "name", name);
    rg_w_kstr(&ev.subject, "birth_date", "1990-01-01");
    rg_actor a = actor("pol1", 1, "police");
    rg_record_build(out, prev, seq, "ZVH-00000001", v, 1764579600000ULL, &a, &ev);
    rg_evb_free(&ev);
}

static const rg_val *parsed(rg_doc **d, const uint8_t *p, size_t n)
{
    const char *why;
    *d = NULL;
    if (rg_doc_parse(d, p, n, &why) < 0) {
        printf("  does not parse: %s\n", why);
        return NULL;
    }
    return rg_doc_root(*d);
}

static void test_build_and_parse(void)
{
    rg_buf rec = RG_BUF_INIT;
    build_report(&rec, zero, 7, 1, "Jan Jansen");
    rg_record r;
    REQUIRE(rg_record_parse(rec.data, rec.len, &r) == 0);
    /* The header of event.h. */
    CHECK(rec.len > RG_REC_HDR);
    CHECK(rec.data[32] == 1);
    CHECK(r.link == rec.data);
    CHECK(r.tver == 2);
    CHECK(r.pub == rec.data + RG_REC_HDR);
    CHECK(r.pub_len == rg_be32_get(rec.data + 35));
    CHECK(r.data_off == rg_be32_get(rec.data + 39));
    CHECK(RG_REC_HDR + r.pub_len + r.subj_len == rec.len);
    CHECK(r.pub[r.data_off] == 0xdf);                 /* data's header is map32 */

    rg_doc *d;
    const rg_val *m = parsed(&d, r.pub, r.pub_len);
    REQUIRE(m);
    CHECK(rg_map_size(m) == 7);
    uint64_t u = 0;
    CHECK(rg_val_uint(rg_map_get(m, "seq"), &u) && u == 7);
    CHECK(rg_val_is_str(rg_map_get(m, "case"), "ZVH-00000001"));
    CHECK(rg_val_uint(rg_map_get(m, "v"), &u) && u == 1);
    CHECK(rg_val_is_str(rg_map_get(m, "type"), "case.reported"));
    CHECK(rg_val_uint(rg_map_get(m, "at"), &u) && u == 1764579600000ULL);
    const rg_val *a = rg_map_get(m, "actor");
    CHECK(rg_val_is_str(rg_map_get(a, "id"), "pol1"));
    CHECK(rg_val_is_str(rg_map_get(a, "org"), "police"));
    CHECK(rg_val_type(rg_map_get(a, "role")) == RG_VSTR);
    /* data is the last key, with the pairs the builder was given. */
    CHECK(rg_val_is_str(rg_map_key(m, 6), "data"));
    const rg_val *data = rg_map_get(m, "data");
    CHECK(rg_map_size(data) == 3);
    CHECK(rg_val_is_str(rg_map_get(data, "target_group"), "verward_gedrag"));
    CHECK(rg_val_uint(rg_map_get(data, "urgency_level"), &u) && u == 3);
    bool b = false;
    CHECK(rg_val_bool(rg_map_get(data, "informed"), &b) && b);
    CHECK(rg_map_get(data, "subject") == NULL);
    rg_doc_free(d);

    /* The subject part is a map of its own. */
    m = parsed(&d, r.subj, r.subj_len);
    REQUIRE(m);
    CHECK(rg_val_is_str(rg_map_get(m, "name"), "Jan Jansen"));
    rg_doc_free(d);

    /* Built again from the same inputs: the same bytes. */
    rg_buf again = RG_BUF_INIT;
    rg_buf_append(&again, "junk", 4);               /* reset first */
    build_report(&again, zero, 7, 1, "Jan Jansen");
    CHECK(again.len == rec.len && memcmp(again.data, rec.data, rec.len) == 0);
    rg_buf_free(&again);
    rg_buf_free(&rec);
}

static void test_subject_kept_apart(void)
{
    rg_buf rec = RG_BUF_INIT;
    build_report(&rec, zero, 1, 1, "Sanne de Vries");
    rg_record r;
    REQUIRE(rg_record_parse(rec.data, rec.len, &r) == 0);
    /* Not a byte of the personal data in the public part. */
    CHECK(memmem(r.pub, r.pub_len, "Sanne", 5) == NULL);
    CHECK(memmem(r.pub, r.pub_len, "1990-01-01", 10) == NULL);
    CHECK(memmem(r.subj, r.subj_len, "Sanne de Vries", 14) != NULL);

    /* Rendered without the subject: exactly the public part. */
    rg_buf out = RG_BUF_INIT;
    rg_record_render(&out, &r, false);
    CHECK(out.len == r.pub_len && memcmp(out.data, r.pub, r.pub_len) == 0);
    /* With it: data gains the subject key, the rest unchanged; appended
     * after what the buffer held. */
    rg_buf_reset(&out);
    rg_w_array(&out, 1);
    size_t at = out.len;
    rg_record_render(&out, &r, true);
    CHECK(memmem(out.data + at, out.len - at, "Sanne de Vries", 14) != NULL);
    rg_doc *d;
    const rg_val *arr = parsed(&d, out.data, out.len);
    REQUIRE(arr);
    const rg_val *m = rg_array_at(arr, 0);
    const rg_val *data = rg_map_get(m, "data");
    CHECK(rg_map_size(data) == 4);
    CHECK(rg_val_is_str(rg_map_get(data, "target_group"), "verward_gedrag"));
    CHECK(rg_val_is_str(rg_map_get(rg_map_get(data, "subject"), "name"), "Sanne de Vries"));
    CHECK(rg_val_is_str(rg_map_get(m, "case"), "ZVH-00000001"));
    rg_doc_free(d);
    /* The record itself is untouched by rendering. */
    rg_record r2;
    CHECK(rg_record_parse(rec.data, rec.len, &r2) == 0 && rg_record_verify(zero, rec.data, rec.len));

    /* An event without personal data has no subject part; asked for, there
     * is nothing to splice. */
    rg_evb ev;
    rg_evb_init(&ev, "intake.started", 1);
    rg_actor a = actor("pr1", 0, "zvh");
    rg_record_build(&rec, zero, 2, "ZVH-00000001", 2, 1, &a, &ev);
    rg_evb_free(&ev);
    REQUIRE(rg_record_parse(rec.data, rec.len, &r) == 0);
    CHECK(r.subj_len == 0);
    rg_buf_reset(&out);
    rg_record_render(&out, &r, true);
    CHECK(out.len == r.pub_len && memcmp(out.data, r.pub, r.pub_len) == 0);
    arr = parsed(&d, out.data, out.len);
    CHECK(arr && rg_map_size(rg_map_get(arr, "data")) == 0);
    rg_doc_free(d);
    rg_buf_free(&out);
    rg_buf_free(&rec);
}

static void test_builder_helpers(void)
{
    /* rg_ev_val copies a value; rg_evb_data writes header and pairs. */
    rg_buf src = RG_BUF_INIT;
    rg_w_array(&src, 2);
    rg_w_cstr(&src, "police");
    rg_w_cstr(&src, "ggz");
    rg_doc *d;
    const rg_val *orgs = parsed(&d, src.data, src.len);
    REQUIRE(orgs);
    rg_evb ev;
    rg_evb_init(&ev, "meeting.scheduled", 1);
    CHECK(ev.nkeys == 0 && strcmp(ev.type, "meeting.scheduled") == 0 && ev.tver == 1);
    rg_ev_str(&ev, "at", "2025-12-08T10:00:00Z");
    rg_ev_val(&ev, "orgs", orgs);
    rg_doc_free(d);
    rg_buf_free(&src);                              /* copied: the source may go */
    CHECK(ev.nkeys == 2);
    rg_buf data = RG_BUF_INIT;
    rg_evb_data(&ev, &data);
    CHECK(data.data[0] == 0xdf);
    const rg_val *m = parsed(&d, data.data, data.len);
    REQUIRE(m);
    CHECK(rg_map_size(m) == 2);
    CHECK(rg_array_size(rg_map_get(m, "orgs")) == 2);
    CHECK(rg_val_is_str(rg_array_at(rg_map_get(m, "orgs"), 1), "ggz"));
    rg_doc_free(d);
    rg_buf_free(&data);
    rg_evb_free(&ev);
}

/* A chain of records as the log holds it: each chained to the one before. */
#define CHAIN 5

static void test_hash_chain(void)
{
    rg_buf recs[CHAIN];
    uint8_t links[CHAIN][RG_HASH_LEN];
    const uint8_t *prev = zero;
    for (int i = 0; i < CHAIN; i++) {
        recs[i] = (rg_buf)RG_BUF_INIT;
        char name[32];
        snprintf(name, sizeof name, "Person %d", i);
        build_report(&recs[i], prev, (uint64_t)i + 1, (uint32_t)i + 1, name);
        memcpy(links[i], recs[i].data, RG_HASH_LEN);
        prev = links[i];
    }
    /* Each verifies against the link before it, and only that one. */
    prev = zero;
    for (int i = 0; i < CHAIN; i++) {
        CHECK(rg_record_verify(prev, recs[i].data, recs[i].len));
        if (i > 0) CHECK(!rg_record_verify(zero, recs[i].data, recs[i].len));
        if (i + 1 < CHAIN) CHECK(!rg_record_verify(prev, recs[i + 1].data, recs[i + 1].len));
        prev = links[i];
    }
    /* The same event at another position has another link. */
    CHECK(memcmp(links[0], links[1], RG_HASH_LEN) != 0);
    rg_buf other = RG_BUF_INIT;
    build_report(&other, links[0], 2, 2, "Person 1");
    CHECK(memcmp(other.data, links[1], RG_HASH_LEN) == 0);
    build_report(&other, zero, 2, 2, "Person 1");     /* chained to another link */
    CHECK(memcmp(other.data, links[1], RG_HASH_LEN) != 0);
    rg_buf_free(&other);

    /* Any single changed byte, in the link, the header, the public part or
     * the subject, is noticed. */
    rg_buf *r = &recs[2];
    size_t missed = 0;
    for (size_t i = 0; i < r->len; i++) {
        r->data[i] ^= 0x01;
        if (rg_record_verify(links[1], r->data, r->len)) missed++;
        r->data[i] ^= 0x01;
    }
    if (missed) printf("  %zu changed bytes not noticed\n", missed);
    CHECK(missed == 0);
    CHECK(rg_record_verify(links[1], r->data, r->len));
    /* A record cut short, or too short to hold a link, does not verify. */
    CHECK(!rg_record_verify(links[1], r->data, r->len - 1));
    CHECK(!rg_record_verify(links[1], r->data, RG_REC_HDR - 1));
    for (int i = 0; i < CHAIN; i++) rg_buf_free(&recs[i]);
}

static void test_malformed_refused(void)
{
    rg_buf rec = RG_BUF_INIT;
    build_report(&rec, zero, 1, 1, "Jan");
    rg_record r;
    REQUIRE(rg_record_parse(rec.data, rec.len, &r) == 0);
    CHECK(rg_record_parse(rec.data, RG_REC_HDR - 1, &r) < 0);      /* shorter than a header */
    rec.data[32] = 0;                                              /* unknown formats */
    CHECK(rg_record_parse(rec.data, rec.len, &r) < 0);
    rec.data[32] = 4;                                              /* 3: sealed per person (seal.h) */
    CHECK(rg_record_parse(rec.data, rec.len, &r) < 0);
    rec.data[32] = 1;
    uint32_t pub_len = rg_be32_get(rec.data + 35), data_off = rg_be32_get(rec.data + 39);
    rg_be32_put(rec.data + 35, (uint32_t)rec.len);                 /* pub longer than the record */
    CHECK(rg_record_parse(rec.data, rec.len, &r) < 0);
    rg_be32_put(rec.data + 35, pub_len);
    rg_be32_put(rec.data + 39, pub_len - 2);                       /* data header past pub's end */
    CHECK(rg_record_parse(rec.data, rec.len, &r) < 0);
    rg_be32_put(rec.data + 39, data_off - 1);                      /* not at a map32 header */
    CHECK(rg_record_parse(rec.data, rec.len, &r) < 0);
    rg_be32_put(rec.data + 39, data_off);
    CHECK(rg_record_parse(rec.data, rec.len, &r) == 0);
    /* A record cut inside its public part. */
    CHECK(rg_record_parse(rec.data, RG_REC_HDR + pub_len - 1, &r) < 0);
    rg_buf_free(&rec);
}

int main(void)
{
    RUN(test_build_and_parse);
    RUN(test_subject_kept_apart);
    RUN(test_builder_helpers);
    RUN(test_hash_chain);
    RUN(test_malformed_refused);
    return rg_t_exit();
}
