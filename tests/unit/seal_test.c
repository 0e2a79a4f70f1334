/*
 * seal_test.c - domain/seal.h, personal data at rest: a case key wrapped
 * under the key-encryption key unwraps under that key and case id only;
 * an event's subject sealed into its record is not in the record's bytes,
 * opens with its case's key into the same subject, refuses another key or
 * another case, and with no key (erased) is left out, the rest kept;
 * a record with nothing personal is not sealed and opens as it is.
 */
#include <string.h>

#include "../test.h"
#include "../../engine/domain/seal.h"
#include "../../engine/storage/errors.h"

#define NAME "Zebulon Quaxwerth"

static void test_case_key_wrap(void)
{
    uint8_t kek[RG_KEY_LEN], kek2[RG_KEY_LEN], dk[RG_DK_LEN], back[RG_DK_LEN];
    rg_random(kek, sizeof kek);
    rg_random(kek2, sizeof kek2);
    rg_random(dk, sizeof dk);
    rg_buf w = RG_BUF_INIT;
    rg_dk_wrap(&w, kek, "ZVH-1", dk);
    CHECK(w.len > RG_DK_LEN && memmem(w.data, w.len, dk, RG_DK_LEN) == NULL);
    CHECK(rg_dk_unwrap(back, kek, "ZVH-1", w.data, w.len) == 0 && memcmp(back, dk, RG_DK_LEN) == 0);
    CHECK(rg_dk_unwrap(back, kek2, "ZVH-1", w.data, w.len) < 0);
    CHECK(rg_dk_unwrap(back, kek, "ZVH-2", w.data, w.len) < 0);   /* not movable to another case */
    rg_buf_free(&w);
}

static void build(rg_buf *rec, rg_evb *ev, const uint8_t *dk)
{
    static const uint8_t prev[RG_HASH_LEN];
    rg_actor a;
    memset(&a, 0, sizeof a);
    snprintf(a.id, sizeof a.id, "pol");
    a.role = RG_ROLE_PARTNER;
    snprintf(a.org, sizeof a.org, "police");
    if (dk && rg_seal_wanted(ev, NULL, NULL)) rg_seal_event(ev, dk, NULL, "ZVH-1", 7, NULL, NULL);
    rg_record_build(rec, prev, 7, "ZVH-1", 1, 1000, &a, ev);
}

static void test_subject_sealed(void)
{
    uint8_t dk[RG_DK_LEN], other[RG_DK_LEN];
    rg_random(dk, sizeof dk);
    rg_random(other, sizeof other);
    rg_evb ev;
    rg_evb_init(&ev, "case.reported", 1);
    rg_ev_str(&ev, "urgency", "high");
    rg_w_map(&ev.subject, 1);
    rg_w_kstr(&ev.subject, "name", NAME);
    CHECK(rg_seal_wanted(&ev, NULL, NULL));
    rg_buf rec = RG_BUF_INIT, buf = RG_BUF_INIT;
    build(&rec, &ev, dk);
    CHECK(ev.sealed);
    CHECK(!rg_t_holds(rec.data, rec.len, NAME));
    rg_record r, out;
    REQUIRE(rg_record_parse(rec.data, rec.len, &r) == 0);
    CHECK(r.format == 2);
    REQUIRE(rg_record_open(&r, "ZVH-1", dk, &buf, &out) == 0);
    CHECK(rg_t_holds(out.subj, out.subj_len, NAME));
    CHECK(rg_t_holds(out.pub, out.pub_len, "high"));
    rg_buf_reset(&buf);
    CHECK(rg_record_open(&r, "ZVH-1", other, &buf, &out) == RG_ESTORAGE);
    rg_buf_reset(&buf);
    CHECK(rg_record_open(&r, "ZVH-2", dk, &buf, &out) == RG_ESTORAGE);
    /* Erased: no key; the subject is left out, the rest kept. */
    rg_buf_reset(&buf);
    REQUIRE(rg_record_open(&r, "ZVH-1", NULL, &buf, &out) == 0);
    CHECK(out.subj_len == 0);
    CHECK(rg_t_holds(out.pub, out.pub_len, "high") && !rg_t_holds(out.pub, out.pub_len, NAME));
    rg_evb_free(&ev);
    rg_buf_free(&rec);
    rg_buf_free(&buf);
}

static void test_nothing_personal(void)
{
    uint8_t dk[RG_DK_LEN];
    rg_random(dk, sizeof dk);
    rg_evb ev;
    rg_evb_init(&ev, "intake.started", 1);
    CHECK(!rg_seal_wanted(&ev, NULL, NULL));
    rg_buf rec = RG_BUF_INIT, buf = RG_BUF_INIT;
    build(&rec, &ev, dk);
    rg_record r, out;
    REQUIRE(rg_record_parse(rec.data, rec.len, &r) == 0);
    CHECK(r.format == 1 && !ev.sealed);
    REQUIRE(rg_record_open(&r, "ZVH-1", NULL, &buf, &out) == 0);
    CHECK(out.pub_len == r.pub_len && memcmp(out.pub, r.pub, r.pub_len) == 0);
    rg_evb_free(&ev);
    rg_buf_free(&rec);
    rg_buf_free(&buf);
}

int main(void)
{
    if (rg_crypto_init() < 0) return 1;
    RUN(test_case_key_wrap);
    RUN(test_subject_sealed);
    RUN(test_nothing_personal);
    return rg_t_exit();
}
