/*
 * lawdays_test.c - the engine's working days are the law's (issue 21,
 * finding 14; Algemene termijnenwet art. 3): a report the day before Good
 * Friday has its 2-working-day intake norm after Easter Monday, one before
 * a decreed bridge day skips it, a region's own closed days (its config
 * section, `closed = ...`) count for its norms only, and a deadline an old
 * event recorded keeps the due time it recorded, through a rebuild.
 */
#include "../../engine/domain/calendar.h"
#include "../../engine/domain/event.h"
#include "../../engine/storage/log.h"
#include "steps.h"

/* The due time of norm in case id as tok reads it (0: none). */
static uint64_t due_of(const char *tok, const char *id, const char *norm)
{
    if (query(tok, "case.get", id)[0]) return 0;
    const rg_val *dl = rg_map_get(rg_t_get(&R, "case"), "deadlines");
    for (uint32_t i = 0; i < rg_array_size(dl); i++) {
        uint64_t due = 0;
        if (rg_val_is_str(rg_map_get(rg_array_at(dl, i), "norm"), norm) &&
            rg_val_uint(rg_map_get(rg_array_at(dl, i), "due"), &due))
            return due;
    }
    return 0;
}

static const char *report(const char *tok, char *id)
{
    static int n;
    char rq[16];
    snprintf(rq, sizeof rq, "r%d", ++n);
    rg_buf_reset(&B);
    rg_t_report_req(&B, tok, rq, "A. Person");
    const char *e = send_req();
    if (e[0]) printf("  case.report: %s: %s\n", e, rg_t_str(&R, "message"));
    snprintf(id, 32, "%s", e[0] ? "" : rg_t_str(&R, "case"));
    return e;
}

static uint64_t at_local(int y, int m, int d, int hh)
{
    return (uint64_t)rg_cal_from_local(y, m, d, hh, 0, 0, 0);
}

static void test_law_and_region_days(void)
{
    char *conf = rg_t_write_file("lawdays.conf", "[tilburg]\nclosed = 2027-02-08, 2027-02-09   # carnival\n");
    rg_t_config = conf;
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char polT[128], polB[128], mgrT[128], mgrB[128], id[32];
    actor_in("polT", "partner", "police", "tilburg", NULL, polT);
    actor_in("polB", "partner", "police", "breda", NULL, polB);
    actor_in("mgrT", "manager", "zvh", "tilburg", NULL, mgrT);
    actor_in("mgrB", "manager", "zvh", "breda", NULL, mgrB);
    /* Thursday 2 April 2026 09:00: Good Friday and Easter Monday are off,
     * the intake starts within 2 working days: Wednesday 8 April. */
    clock_to(at_local(2026, 4, 2, 9));
    REQUIRE(report(polT, id)[0] == 0);
    CHECK(due_of(mgrT, id, "intake.start") == at_local(2026, 4, 8, 9));
    /* Wednesday 13 May 2026: Ascension and the decreed bridge day Friday
     * 15 May are off: Monday 18, Tuesday 19. */
    clock_to(at_local(2026, 5, 13, 9));
    REQUIRE(report(polT, id)[0] == 0);
    CHECK(due_of(mgrT, id, "intake.start") == at_local(2026, 5, 19, 9));
    /* Friday 5 February 2027: tilburg is closed on carnival Monday and
     * Tuesday (Wednesday 10, Thursday 11), breda is not (Monday 8, Tuesday 9). */
    clock_to(at_local(2027, 2, 5, 9));
    REQUIRE(report(polT, id)[0] == 0);
    CHECK(due_of(mgrT, id, "intake.start") == at_local(2027, 2, 11, 9));
    REQUIRE(report(polB, id)[0] == 0);
    CHECK(due_of(mgrB, id, "intake.start") == at_local(2027, 2, 9, 9));
    rg_t_local_close(&L, true);
    rg_t_config = NULL;
    free(conf);
}

/* An event appended under the old calendar recorded its due times: a
 * report of Thursday 2 April 2026 09:00 whose intake.start fell due on
 * Tuesday 7 April (Good Friday then counted as a working day). */
static void write_old_report(const char *case_id)
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
    rg_evb_init(&ev, "case.reported", 3);
    rg_ev_str(&ev, "target_group", "overig");
    rg_ev_str(&ev, "summary", "before the law's calendar");
    rg_ev_str(&ev, "urgency", "normal");
    rg_ev_bool(&ev, "informed", true);
    rg_ev_str(&ev, "route", "default");
    rg_ev_str(&ev, "reporter_org", "police");
    rg_ev_str(&ev, "zvh", "zvh");
    rg_w_cstr(&ev.data, "norms");
    rg_w_map(&ev.data, 2);
    rg_w_kuint(&ev.data, "intake.start", at_local(2026, 4, 7, 9));
    rg_w_kuint(&ev.data, "intake.decision", at_local(2026, 4, 10, 9));
    ev.nkeys++;
    rg_w_map(&ev.subject, 1);
    rg_w_kstr(&ev.subject, "name", "Old Report");
    rg_actor a = {.id = "pol-old", .role = RG_ROLE_PARTNER, .org = "police", .zvh = "zvh"};
    rg_buf rec = RG_BUF_INIT;
    rg_record_build(&rec, prev, seq, case_id, 1, at_local(2026, 4, 2, 9), &a, &ev);
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

static void test_old_deadlines_keep_their_due_times(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char mgr[128];
    rg_t_local_actor(&L, "mgr1", "manager", "zvh", mgr);
    rg_t_local_settle(&L);
    write_old_report("ZVH-OLDCAL1");
    REQUIRE(rg_replay_rebuild(L.e, NULL) == 0);
    CHECK(due_of(mgr, "ZVH-OLDCAL1", "intake.start") == at_local(2026, 4, 7, 9));
    rg_t_local_close(&L, true);
}

int main(void)
{
    RUN(test_law_and_region_days);
    RUN(test_old_deadlines_keep_their_due_times);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
    return rg_t_exit();
}
