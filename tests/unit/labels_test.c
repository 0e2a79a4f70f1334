/*
 * labels_test.c - target group and urgency are fixed lists (CONTRACT.md,
 * DOMAIN.md "Target groups"): a report with another word is refused naming
 * the field, the radicalisation covenant hangs on the word `radicalisering`
 * only, and reports stored before the lists (case.reported version 2, free
 * text) are read as the word they mean: a known spelling (any case, '-' or
 * '_') as its word, anything else as `overig` (urgency: `normal`) with the
 * old text kept beside it, in the projection a rebuild folds and in history.
 */
#include "../../engine/domain/event.h"
#include "../../engine/storage/log.h"
#include "steps.h"

/* Append a version-2 case.reported (free-text labels) at the head of the
 * log, as an engine before the lists wrote it. */
static void write_v2_report(const char *case_id, const char *group, const char *urgency)
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
    rg_evb_init(&ev, "case.reported", 2);
    rg_ev_str(&ev, "target_group", group);
    rg_ev_str(&ev, "summary", "stored before the lists");
    rg_ev_str(&ev, "urgency", urgency);
    rg_ev_bool(&ev, "informed", true);
    rg_ev_str(&ev, "route", "default");
    rg_ev_str(&ev, "reporter_org", "police");
    rg_ev_str(&ev, "zvh", "zvh");
    rg_w_map(&ev.subject, 1);
    rg_w_kstr(&ev.subject, "name", "Old Report");
    rg_actor a = {.id = "pol-old", .role = RG_ROLE_PARTNER, .org = "police", .zvh = "zvh"};
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

static const char *report(const char *tok, const char *req_id, const char *group, const char *urgency)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "case.report", tok, req_id, NULL, -1, 5);
    rg_w_kstr(&B, "target_group", group);
    rg_w_kstr(&B, "summary", "s");
    rg_w_kstr(&B, "urgency", urgency);
    rg_w_kbool(&B, "informed", true);
    rg_w_cstr(&B, "subject");
    rg_w_map(&B, 1);
    rg_w_kstr(&B, "name", "A Person");
    return send_req();
}

static void test_report_takes_only_the_lists(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char pol[128], mgr[128], cov[128];
    rg_t_local_actor(&L, "pol1", "partner", "police", pol);
    rg_t_local_actor(&L, "mgr1", "manager", "zvh", mgr);
    actor_in("mgr2", "manager", "zvh", "zvh", "radicalisering", cov);
    REQUIRE(cov[0]);
    /* The spellings the issue saw slip past the covenant are refused. */
    CHECK(strcmp(report(pol, "r1", "Radicalisering", "high"), "bad_request") == 0 &&
          strstr(rg_t_str(&R, "message"), "data.target_group"));
    CHECK(strcmp(report(pol, "r2", "radicalisatie", "high"), "bad_request") == 0);
    CHECK(strcmp(report(pol, "r3", "verward-gedrag", "high"), "bad_request") == 0);
    CHECK(strcmp(report(pol, "r4", "verward_gedrag", "whatever"), "bad_request") == 0 &&
          strstr(rg_t_str(&R, "message"), "data.urgency"));
    /* The word itself: a covenant case only its members see. */
    REQUIRE(report(pol, "r5", "radicalisering", "acute")[0] == 0);
    char id[64];
    snprintf(id, sizeof id, "%s", rg_t_str(&R, "case"));
    CHECK(strcmp(query(mgr, "case.get", id), "not_found") == 0);
    REQUIRE(query(cov, "case.get", id)[0] == 0);
    CHECK(rg_val_is_str(rg_map_get(rg_t_get(&R, "case"), "target_group"), "radicalisering"));
    CHECK(rg_val_is_str(rg_map_get(rg_t_get(&R, "case"), "urgency"), "acute"));
    rg_t_local_close(&L, true);
}

/* The reported event of a case as history gives it to tok. */
static const rg_val *reported_data(const char *tok, const char *id)
{
    if (query(tok, "case.history", id)[0]) return NULL;
    return rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "data");
}

static void test_old_reports_read_as_the_lists(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char mgr[128], cov[128];
    rg_t_local_actor(&L, "mgr1", "manager", "zvh", mgr);
    actor_in("mgr2", "manager", "zvh", "zvh", "radicalisering", cov);
    REQUIRE(cov[0]);
    rg_t_local_settle(&L);
    write_v2_report("ZVH-OLD-1", "Radicalisatie", "Hoog");
    write_v2_report("ZVH-OLD-2", "overlast", "whatever");
    write_v2_report("ZVH-OLD-3", "Verward-Gedrag", "high");
    REQUIRE(rg_replay_rebuild(L.e, NULL) == 0);

    /* A misspelt radicalisation case is under its covenant now. */
    CHECK(strcmp(query(mgr, "case.get", "ZVH-OLD-1"), "not_found") == 0);
    REQUIRE(query(cov, "case.get", "ZVH-OLD-1")[0] == 0);
    const rg_val *cs = rg_t_get(&R, "case");
    CHECK(rg_val_is_str(rg_map_get(cs, "target_group"), "radicalisering"));
    CHECK(rg_val_is_str(rg_map_get(cs, "urgency"), "high"));
    const rg_val *d = reported_data(cov, "ZVH-OLD-1");
    CHECK(rg_val_is_str(rg_map_get(d, "target_group"), "radicalisering"));
    CHECK(rg_val_is_str(rg_map_get(d, "target_group_text"), "Radicalisatie"));
    CHECK(rg_val_is_str(rg_map_get(d, "urgency_text"), "Hoog"));

    /* Unknown text: overig and normal, the text kept beside them. */
    REQUIRE(query(mgr, "case.get", "ZVH-OLD-2")[0] == 0);
    cs = rg_t_get(&R, "case");
    CHECK(rg_val_is_str(rg_map_get(cs, "target_group"), "overig"));
    CHECK(rg_val_is_str(rg_map_get(cs, "urgency"), "normal"));
    d = reported_data(mgr, "ZVH-OLD-2");
    CHECK(rg_val_is_str(rg_map_get(d, "target_group"), "overig"));
    CHECK(rg_val_is_str(rg_map_get(d, "target_group_text"), "overlast"));
    CHECK(rg_val_is_str(rg_map_get(d, "urgency_text"), "whatever"));

    /* A known spelling: its word; an urgency that was the word keeps no text. */
    d = reported_data(mgr, "ZVH-OLD-3");
    CHECK(rg_val_is_str(rg_map_get(d, "target_group"), "verward_gedrag"));
    CHECK(rg_val_is_str(rg_map_get(d, "urgency"), "high") && !rg_map_get(d, "urgency_text"));

    /* The stored records are untouched: the chain verifies. */
    REQUIRE(query(L.admin, "log.verify", NULL)[0] == 0);
    bool intact = false;
    CHECK(rg_val_bool(rg_t_get(&R, "intact"), &intact) && intact);
    rg_t_local_close(&L, true);
}

int main(void)
{
    RUN(test_report_takes_only_the_lists);
    RUN(test_old_reports_read_as_the_lists);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
    return rg_t_exit();
}
