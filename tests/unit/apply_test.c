/*
 * apply_test.c - core/apply.c, a successful change applied into the open
 * commit, on a real engine in a temp directory: global positions gapless
 * across interleaved cases, each case's versions gapless with its stream
 * keys pointing at them, every record chained to the one before by its hash
 * link, the stored projection the fold of exactly those events, a new case
 * under its region's key, personal data sealed before it is stored; and an
 * event its own fold refuses (a handler's bug, bound here through a module
 * table of the test's own) poisons the open commit: every command in it is
 * answered storage_error, nothing of them is written, and the engine goes on
 * from the log as it was.
 */
#include <stdlib.h>
#include <string.h>

#include "../../engine/core/ctx.h"
#include "../../engine/core/snapshot.h"
#include "../../engine/core/state.h"
#include "../../engine/core/tally.h"
#include "../../engine/domain/event.h"
#include "../../engine/storage/crypto.h"
#include "../../engine/storage/errors.h"
#include "../../engine/storage/log.h"
#include "../test.h"

static rg_t_local L;
static rg_t_cast T;
static char A[32], B[32];

/* ---- a module whose case.assign has a bug when asked for pr-bug ---- */

static rg_handler_fn real_assign;

/* case.assign as the handlers do it, but for "pr-bug": then a
 * case.assigned without the procesregisseur its fold requires. */
static int buggy_assign(rg_ctx *c)
{
    char who[64] = "";
    rg_val_strcpy(rg_ctx_field(c, "procesregisseur"), who, sizeof who);
    if (strcmp(who, "pr-bug") != 0) return real_assign(c);
    rg_ctx_emit(c, "case.assigned");
    return 0;
}

static void setup(void)
{
    rg_t_module = rg_t_module_with("case.assign", buggy_assign, &real_assign);
    REQUIRE(rg_t_module != NULL);
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &T) == 0);
    /* Two cases, their commands interleaved: A reported, B reported, A
     * driven to analysis, then to execution, B to analysis. */
    REQUIRE(rg_t_local_case(&L, &T, "Anna de Wit", "reported", A)[0] == 0);
    REQUIRE(rg_t_local_case(&L, &T, "Bram Mulder", "analysis", B)[0] == 0);
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    rg_w_kstr(rg_t_req(&b, T.pr, "case.assign", A, 1), "procesregisseur", "pr");
    CHECK(rg_t_local_send(&L, &b, &r)[0] == 0);
    rg_t_req(&b, T.pr, "intake.start", A, 0);
    CHECK(rg_t_local_send(&L, &b, &r)[0] == 0);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
}

/* The record at seq into out. */
static int record_at(uint64_t seq, rg_buf *out)
{
    uint8_t k[8];
    rg_be64_put(k, seq);
    rg_buf_reset(out);
    return rg_log_get(rg_engine_log(L.e), RG_CF_EVENTS, k, 8, out);
}

/* Every position 1..head holds a record chained to the one before; none
 * after the head. */
static void test_positions_gapless_and_chained(void)
{
    rg_t_local_settle(&L);
    uint64_t head = rg_engine_head(L.e);
    REQUIRE(head >= 6);
    uint8_t prev[RG_HASH_LEN] = {0};
    rg_buf rec = RG_BUF_INIT;
    for (uint64_t s = 1; s <= head; s++) {
        if (record_at(s, &rec) != 0) {
            printf("  no record at %llu\n", (unsigned long long)s);
            rg_t_failed = 1;
            break;
        }
        if (!rg_record_verify(prev, rec.data, rec.len)) {
            printf("  record %llu does not chain to %llu\n", (unsigned long long)s, (unsigned long long)s - 1);
            rg_t_failed = 1;
        }
        rg_record r;
        REQUIRE(rg_record_parse(rec.data, rec.len, &r) == 0);
        memcpy(prev, r.link, RG_HASH_LEN);
    }
    CHECK(record_at(head + 1, &rec) == RG_ENOTFOUND);
    rg_buf_free(&rec);
}

/* Each case's stream keys id\0v, v = 1..version, name increasing positions
 * whose records are that case's, in version order; the stored projection
 * (its snapshot and the events after it) is the version and state the
 * engine serves. */
static void check_stream(const char *id, uint32_t want_version, int want_state)
{
    rg_log *log = rg_engine_log(L.e);
    size_t idn = strlen(id);
    uint64_t last = 0;
    uint32_t v = 0;
    rg_iter *it = rg_iter_new(log, RG_CF_STREAM);
    rg_buf rec = RG_BUF_INIT;
    for (rg_iter_seek(it, id, idn + 1); rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn, vn;
        const uint8_t *k = rg_iter_key(it, &kn);
        const uint8_t *val = rg_iter_value(it, &vn);
        if (kn != idn + 5 || memcmp(k, id, idn + 1) != 0) break;
        REQUIRE(vn == 8);
        CHECK(rg_be32_get(k + idn + 1) == ++v);               /* versions gapless */
        uint64_t seq = rg_be64_get(val);
        CHECK(seq > last);                                    /* in log order */
        last = seq;
        CHECK(record_at(seq, &rec) == 0 && rg_t_holds(rec.data, rec.len, id));
    }
    rg_iter_free(it);
    rg_buf_free(&rec);
    CHECK(v == want_version);
    /* The case as stored: its snapshot (if one is due yet) and the events
     * after it (core/snapshot.h). */
    rg_case *cs = NULL;
    REQUIRE(rg_snapshot_load(log, L.e->cfg.norm_amounts, id, idn, &cs) == 0);
    CHECK(cs->version == want_version);
    CHECK(cs->state == want_state);
    CHECK(strcmp(cs->procesregisseur, "pr") == 0);
    rg_case_free(cs);
}

static void test_versions_and_projection(void)
{
    rg_t_local_settle(&L);
    check_stream(A, 3, RG_ST_INTAKE);
    check_stream(B, 4, RG_ST_ANALYSIS);
}

/* A new case is under its region's key; the subject's name is in no record
 * in clear (sealed under the case's key before it was stored). */
static void test_region_key_and_sealed(void)
{
    rg_log *log = rg_engine_log(L.e);
    rg_buf v = RG_BUF_INIT;
    char rk[RG_RX_KEY_MAX];
    CHECK(rg_log_get(log, RG_CF_META, rk, rg_region_key(rk, "zvh", A), &v) == 0);
    CHECK(rg_log_get(log, RG_CF_META, rk, rg_region_key(rk, "zvh", "ZVH-99999999"), &v) == RG_ENOTFOUND);
    for (uint64_t s = 1; s <= rg_engine_head(L.e); s++) {
        REQUIRE(record_at(s, &v) == 0);
        CHECK(!rg_t_holds(v.data, v.len, "Anna de Wit") && !rg_t_holds(v.data, v.len, "Bram Mulder"));
    }
    rg_buf_free(&v);
}

/* A good command and a buggy one in the same open commit: both answered
 * storage_error, neither written, and the engine carries on from the log. */
static void test_poisoned_commit(void)
{
    rg_t_local_settle(&L);
    uint64_t head = rg_engine_head(L.e);
    char c[32];
    REQUIRE(rg_t_local_case(&L, &T, "Cor Visser", "reported", c)[0] == 0);
    head = rg_engine_head(L.e);
    rg_buf good = RG_BUF_INIT, bad = RG_BUF_INIT;
    rg_t_report_req(&good, T.pol, "alongside", "Dirk Jansen");
    rg_w_kstr(rg_t_req(&bad, T.pr, "case.assign", c, 1), "procesregisseur", "pr-bug");
    rg_t_reply r1 = {0}, r2 = {0};
    int done = 0;
    rg_t_local_submit(&L, &good, &r1, &done);
    rg_t_local_submit(&L, &bad, &r2, &done);
    rg_t_local_run_until(&L, &done, 2);
    CHECK(strcmp(rg_t_err(&r1), "storage_error") == 0);
    CHECK(strcmp(rg_t_err(&r2), "storage_error") == 0);
    rg_t_reply_free(&r1);
    rg_t_reply_free(&r2);
    rg_t_local_settle(&L);
    CHECK(rg_engine_head(L.e) == head);
    rg_buf v = RG_BUF_INIT;
    CHECK(record_at(head + 1, &v) == RG_ENOTFOUND);
    /* The case is as it was: reported, unassigned, at version 1. */
    rg_case *cs = NULL;
    REQUIRE(rg_store_case(L.e, c, &cs) == 0);
    CHECK(cs->version == 1 && cs->state == RG_ST_REPORTED && !cs->procesregisseur[0]);
    /* The good command again (same req: nothing of it was kept) goes through
     * at the next position, and the case is assigned properly. */
    CHECK(rg_t_local_send(&L, &good, &r1)[0] == 0);
    CHECK(rg_t_uint(&r1, "seq") == head + 1);
    rg_w_kstr(rg_t_req(&bad, T.pr, "case.assign", c, 1), "procesregisseur", "pr");
    CHECK(rg_t_local_send(&L, &bad, &r2)[0] == 0);
    CHECK(rg_t_uint(&r2, "seq") == head + 2 && rg_t_uint(&r2, "version") == 2);
    rg_t_local_settle(&L);
    CHECK(record_at(head + 2, &v) == 0);
    rg_t_reply_free(&r1);
    rg_t_reply_free(&r2);
    rg_buf_free(&v);
    rg_buf_free(&good);
    rg_buf_free(&bad);
}

int main(void)
{
    RUN(setup);
    RUN(test_positions_gapless_and_chained);
    RUN(test_versions_and_projection);
    RUN(test_region_key_and_sealed);
    RUN(test_poisoned_commit);
    rg_t_local_close(&L, true);
    return rg_t_exit();
}
