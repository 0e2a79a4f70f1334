/*
 * upcast_test.c - schema evolution: a case.reported event stored under
 * version 1 (the reporting org was `reporter`, there was no route) sits in
 * the log as a fixture; it is read as version 2 through schemas/upcasters.c,
 * by case.history and by the projection rebuild, and the stored bytes (and
 * so the hash chain) stay as they were.  A rebuild also copes with cases
 * first seen out of id order, and numbers new cases after the highest id.
 */
#include <stdlib.h>
#include <string.h>

#include "../../engine/domain/event.h"
#include "../../engine/storage/log.h"
#include "../../engine/domain/schema.h"
#include "../test.h"

static rg_t_local L;

/* Append a version-1 case.reported for `case_id` at the head of the log, as
 * an engine of that time would have written it. */
static void write_v1_fixture(const char *case_id)
{
    rg_log *log = rg_engine_log(L.e);
    rg_buf head = RG_BUF_INIT;
    uint8_t prev[RG_HASH_LEN] = {0};
    uint64_t seq = 1;
    if (rg_log_get(log, RG_CF_META, "head", 4, &head) == 0) {
        seq = rg_be64_get(head.data) + 1;
        memcpy(prev, head.data + 8, RG_HASH_LEN);
    }
    rg_evb ev;
    rg_evb_init(&ev, "case.reported", 1);
    rg_ev_str(&ev, "target_group", "radicalisering");
    rg_ev_str(&ev, "summary", "stored long ago");
    rg_ev_str(&ev, "urgency", "normal");
    rg_ev_bool(&ev, "informed", true);
    rg_ev_str(&ev, "reporter", "police");          /* the version-1 name */
    rg_w_map(&ev.subject, 1);
    rg_w_kstr(&ev.subject, "name", "Old Fixture");
    rg_actor a = {.id = "pol-old", .role = RG_ROLE_PARTNER, .org = "police"};
    rg_buf rec = RG_BUF_INIT;
    rg_record_build(&rec, prev, seq, case_id, 1, 1700000000000ULL, &a, &ev);

    rg_batch *b = rg_batch_new(log);
    uint8_t sk[8];
    rg_be64_put(sk, seq);
    rg_batch_put(b, RG_CF_EVENTS, sk, 8, rec.data, rec.len);
    uint8_t key[RG_ID_MAX + 5];
    size_t n = strlen(case_id);
    memcpy(key, case_id, n);
    key[n] = 0;
    rg_be32_put(key + n + 1, 1);
    rg_batch_put(b, RG_CF_STREAM, key, n + 5, sk, 8);
    uint8_t h[8 + RG_HASH_LEN];
    rg_be64_put(h, seq);
    memcpy(h + 8, rec.data, RG_HASH_LEN);
    rg_batch_put(b, RG_CF_META, "head", 4, h, sizeof h);
    CHECK(rg_log_write(log, b, true) == 0);
    rg_batch_free(b);
    rg_buf_free(&rec);
    rg_buf_free(&head);
    rg_evb_free(&ev);
}

/* A manager of the default region under the radicalisation covenant: the
 * fixture's cases are radicalisation cases, which only such actors see
 * (CONTRACT.md, "Covenant cases"). */
static void covenant_manager(const char *id, char *tok)
{
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r;
    rg_req_envelope(&b, "actor.create", L.admin, id, NULL, -1, 4);
    rg_w_kstr(&b, "id", id);
    rg_w_kstr(&b, "role", "manager");
    rg_w_kstr(&b, "org", "zvh");
    rg_w_cstr(&b, "covenants");
    rg_w_array(&b, 1);
    rg_w_cstr(&b, "radicalisering");
    rg_t_local_call(&L, &b, &r);
    snprintf(tok, 128, "%s", rg_t_str(&r, "token"));
    CHECK(tok[0]);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
}

static void test_old_event_is_upcast(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r;
    char mgr[128], plain[128];
    covenant_manager("mgr1", mgr);
    rg_t_local_actor(&L, "mgr2", "manager", "zvh", plain);

    rg_t_local_settle(&L);
    write_v1_fixture("ZVH-00000001");
    uint64_t replayed = 0;
    REQUIRE(rg_replay_rebuild(L.e, &replayed) == 0);
    CHECK(replayed == 1);

    /* The projection was folded from the upcast event. */
    rg_req_envelope(&b, "case.get", mgr, NULL, "ZVH-00000001", -1, -1);
    rg_t_local_call(&L, &b, &r);
    if (!rg_t_ok(&r)) printf("  case.get: %s: %s\n", rg_t_err(&r), rg_t_str(&r, "message"));
    REQUIRE(rg_t_ok(&r));
    const rg_val *cs = rg_t_get(&r, "case");
    CHECK(rg_val_is_str(rg_map_get(cs, "reporter_org"), "police"));
    CHECK(rg_val_is_str(rg_map_get(cs, "route"), "default"));
    CHECK(rg_val_is_str(rg_map_get(cs, "state"), "reported"));
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    /* ... a radicalisation case of the engine's region, as before regions:
     * a manager outside the covenant does not see it. */
    rg_req_envelope(&b, "case.get", plain, NULL, "ZVH-00000001", -1, -1);
    rg_t_local_call(&L, &b, &r);
    CHECK(strcmp(rg_t_err(&r), "not_found") == 0);
    rg_t_reply_free(&r);
    rg_buf_free(&b);

    /* Readers get version 2: reporter_org and route, no `reporter`. */
    rg_req_envelope(&b, "case.history", mgr, NULL, "ZVH-00000001", -1, -1);
    rg_t_local_call(&L, &b, &r);
    REQUIRE(rg_t_ok(&r));
    const rg_val *ev = rg_array_at(rg_t_get(&r, "events"), 0);
    const rg_val *data = rg_map_get(ev, "data");
    CHECK(rg_val_is_str(rg_map_get(data, "reporter_org"), "police"));
    CHECK(rg_val_is_str(rg_map_get(data, "route"), "default"));
    CHECK(rg_map_get(data, "reporter") == NULL);
    CHECK(rg_val_is_str(rg_map_get(rg_map_get(data, "subject"), "name"), "Old Fixture"));
    CHECK(rg_val_is_str(rg_map_get(ev, "type"), "case.reported"));
    rg_t_reply_free(&r);
    rg_buf_free(&b);

    /* The stored event is untouched: the chain still verifies, and new
     * cases continue the numbering after the old one. */
    rg_req_envelope(&b, "log.verify", L.admin, NULL, NULL, -1, -1);
    rg_t_local_call(&L, &b, &r);
    CHECK(rg_t_ok(&r) && rg_val_type(rg_t_get(&r, "broken")) == RG_VNIL);
    CHECK(rg_t_uint(&r, "checked") == 1);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    rg_t_actor_req(&b, L.admin, "p", "pol1", "partner", "police");
    rg_t_local_call(&L, &b, &r);
    char pol[128];
    snprintf(pol, sizeof pol, "%s", rg_t_str(&r, "token"));
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    rg_t_report_req(&b, pol, "new", "New Person");
    rg_t_local_call(&L, &b, &r);
    CHECK(rg_t_ok(&r) && rg_t_uint(&r, "number") == 2);
    /* (the old case's long-passed intake deadlines fired meanwhile, so the
     * new report is not at position 2) */
    CHECK(rg_t_uint(&r, "seq") > 1);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    rg_t_local_close(&L, true);
}

static void test_rebuild_matches_live_projection(void)
{
    /* Drive a few cases live, rebuild from the log, compare case.get. */
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r, before[3];
    char pol[128], mgr[128];
    rg_t_actor_req(&b, L.admin, "p", "pol1", "partner", "police");
    rg_t_local_call(&L, &b, &r);
    snprintf(pol, sizeof pol, "%s", rg_t_str(&r, "token"));
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    rg_t_actor_req(&b, L.admin, "m", "mgr1", "manager", "zvh");
    rg_t_local_call(&L, &b, &r);
    snprintf(mgr, sizeof mgr, "%s", rg_t_str(&r, "token"));
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    char ids[3][32];
    for (int i = 0; i < 3; i++) {
        char req[16];
        snprintf(req, sizeof req, "r%d", i);
        rg_t_report_req(&b, pol, req, "P");
        rg_t_local_call(&L, &b, &r);
        snprintf(ids[i], sizeof ids[i], "%s", rg_t_str(&r, "case"));
        rg_t_reply_free(&r);
        rg_buf_free(&b);
    }
    for (int i = 0; i < 3; i++) {
        const char *id = ids[i];
        rg_req_envelope(&b, "case.get", mgr, NULL, id, -1, -1);
        rg_t_local_call(&L, &b, &before[i]);
        rg_buf_free(&b);
    }
    rg_t_local_settle(&L);
    REQUIRE(rg_replay_rebuild(L.e, NULL) == 0);
    for (int i = 0; i < 3; i++) {
        const char *id = ids[i];
        rg_req_envelope(&b, "case.get", mgr, NULL, id, -1, -1);
        rg_t_local_call(&L, &b, &r);
        CHECK(r.len == before[i].len && memcmp(r.bytes, before[i].bytes, r.len) == 0);
        rg_t_reply_free(&r);
        rg_t_reply_free(&before[i]);
        rg_buf_free(&b);
    }
    rg_req_envelope(&b, "stats", mgr, NULL, NULL, -1, -1);
    rg_t_local_call(&L, &b, &r);
    CHECK(rg_t_uint(&r, "total") == 3);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    rg_t_local_close(&L, true);
}

static void test_rebuild_of_cases_out_of_key_order(void)
{
    /* Cases first seen in an order other than their ids' (an imported log):
     * the rebuild sorts the projections before it loads them. */
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    static const char *const ids[] = {"ZVH-00000007", "ZVH-00000002", "ZVH-00000005", "ZVH-00000001"};
    for (int i = 0; i < 4; i++) write_v1_fixture(ids[i]);
    uint64_t replayed = 0;
    REQUIRE(rg_replay_rebuild(L.e, &replayed) == 0);
    CHECK(replayed == 4);
    rg_iter *it = rg_iter_new(rg_engine_log(L.e), RG_CF_CASES);
    static const char *const sorted[] = {"ZVH-00000001", "ZVH-00000002", "ZVH-00000005", "ZVH-00000007"};
    int n = 0;
    for (rg_iter_seek_first(it); rg_iter_valid(it); rg_iter_next(it), n++) {
        size_t kn;
        const uint8_t *k = rg_iter_key(it, &kn);
        CHECK(n < 4 && kn == strlen(sorted[n]) && memcmp(k, sorted[n], kn) == 0);
    }
    rg_iter_free(it);
    CHECK(n == 4);
    char mgr[128];
    covenant_manager("mgr1", mgr);
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r;
    for (int i = 0; i < 4; i++) {
        rg_req_envelope(&b, "case.get", mgr, NULL, ids[i], -1, -1);
        rg_t_local_call(&L, &b, &r);
        CHECK(rg_t_ok(&r));
        rg_t_reply_free(&r);
        rg_buf_free(&b);
    }
    /* Numbering goes on after the highest old id, not after the count. */
    char pol[128];
    rg_t_local_actor(&L, "pol1", "partner", "police", pol);
    rg_t_report_req(&b, pol, "new", "New Person");
    rg_t_local_call(&L, &b, &r);
    CHECK(rg_t_ok(&r) && rg_t_uint(&r, "number") == 8);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    rg_t_local_close(&L, true);
}

int main(void)
{
    RUN(test_old_event_is_upcast);
    RUN(test_rebuild_matches_live_projection);
    RUN(test_rebuild_of_cases_out_of_key_order);
    return rg_t_exit();
}
