/*
 * replay_test.c - the rebuild of replay/replay.h in an in-process engine:
 * cases along several routes and states (admitted, planned, agreed,
 * executed, reviewed, closed, referred, re-entry), deadlines fired by the
 * manual clock (stagnations, escalations), then rg_replay_rebuild gives
 * back every column family byte for byte (projections, deadline keys,
 * lead times, counters, and the rest untouched) and byte-identical
 * case.get and stats answers; a rebuild is refused while commands are
 * pending; a rebuild cut short by a write fault serves nothing, and is
 * finished when the engine opens again; a rebuild that succeeds after a
 * failed one lets the engine serve again.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/replay/replay.h"

static rg_t_local L;
static rg_buf B;
static rg_t_reply R;
static char pol[128], ggz[128], gem[128], prA[128], mgr[128];
#define NCASES 5
static char cases[NCASES][32];

static bool ok_(int line)
{
    const char *e = rg_t_local_send(&L, &B, &R);
    if (!e[0]) return true;
    printf("  line %d: %s: %s\n", line, e, rg_t_str(&R, "message"));
    return false;
}
#define OK() REQUIRE(ok_(__LINE__))

static rg_buf *req(const char *token, const char *op, const char *case_id, int ndata)
{
    return rg_t_req(&B, token, op, case_id, ndata);
}

static const char *query(const char *token, const char *op, const char *case_id)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, op, token, NULL, case_id, -1, -1);
    return rg_t_local_send(&L, &B, &R);
}

static void report(const char *token, const char *route, const char *release, char *out)
{
    rg_buf *b = req(token, "case.report", NULL, 5 + (route ? 1 : 0) + (release ? 1 : 0));
    rg_w_kstr(b, "target_group", "overig");
    rg_w_kstr(b, "summary", "returns to the neighbourhood");
    rg_w_kstr(b, "urgency", "high");
    rg_w_kbool(b, "informed", true);
    if (route) rg_w_kstr(b, "route", route);
    if (release) rg_w_kstr(b, "release_date", release);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 1);
    rg_w_kstr(b, "name", "Alex Visser");
    out[0] = 0;
    if (ok_(__LINE__)) snprintf(out, 32, "%s", rg_t_str(&R, "case"));
}

static void advance_days(int days)
{
    rg_w_kuint(req(L.admin, "clock.advance", NULL, 1), "ms", (uint64_t)days * 86400000ULL);
    CHECK(ok_(__LINE__));
}

/* Every column family, key and value, back to back; the projections as a
 * load gives them (a snapshot and the events after it: what the store
 * holds, whatever version its snapshot was written at). */
static void dump(rg_buf *out)
{
    rg_buf_reset(out);
    rg_log *lg = rg_engine_log(L.e);
    for (int cf = 0; cf < RG_CF_COUNT; cf++) {
        rg_buf_put_u8(out, 0xee);
        rg_buf_put_u8(out, (uint8_t)cf);
        if (cf == RG_CF_CASES) {
            if (rg_t_projections(L.e, out) < 0) printf("  the projections do not load\n");
            continue;
        }
        rg_iter *it = rg_iter_new(lg, (rg_cf)cf);
        for (rg_iter_seek_first(it); rg_iter_valid(it); rg_iter_next(it)) {
            size_t kn, vn;
            const uint8_t *k = rg_iter_key(it, &kn), *v = rg_iter_value(it, &vn);
            rg_buf_put_be32(out, (uint32_t)kn);
            rg_buf_append(out, k, kn);
            rg_buf_put_be32(out, (uint32_t)vn);
            rg_buf_append(out, v, vn);
        }
        if (rg_iter_end(it) < 0) printf("  reading column family %d failed\n", cf);
    }
}

static size_t count_cf(rg_cf cf)
{
    size_t n = 0;
    rg_iter *it = rg_iter_new(rg_engine_log(L.e), cf);
    for (rg_iter_seek_first(it); rg_iter_valid(it); rg_iter_next(it)) n++;
    rg_iter_end(it);
    return n;
}

static bool same(const rg_buf *a, const rg_buf *b, const char *what)
{
    if (a->len == b->len && memcmp(a->data, b->data, a->len) == 0) return true;
    size_t i = 0;
    while (i < a->len && i < b->len && a->data[i] == b->data[i]) i++;
    int cf = -1;
    for (size_t j = 0; j + 1 < i; j++)            /* the family the first difference is in (roughly) */
        if (a->data[j] == 0xee && a->data[j + 1] < RG_CF_COUNT) cf = a->data[j + 1];
    printf("  %s: %zu vs %zu bytes, first difference at %zu (column family ~%d)\n", what, a->len, b->len, i, cf);
    return false;
}

/* The answers a rebuild must not change: case.get of every case, and the
 * parts of stats that come from the projections. */
static void answers(rg_buf *out)
{
    rg_buf_reset(out);
    for (int i = 0; i < NCASES; i++) {
        if (query(mgr, "case.get", cases[i])[0]) printf("  case.get %s: %s\n", cases[i], rg_t_err(&R));
        rg_buf_append(out, R.bytes, R.len);
    }
    if (query(mgr, "stats", NULL)[0]) printf("  stats: %s\n", rg_t_err(&R));
    static const char *const keys[] = {"cases", "total", "events", "open_stagnations", "lead_time_ms"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const rg_val *v = rg_t_get(&R, keys[i]);
        if (!v) printf("  stats has no %s\n", keys[i]);
        else rg_w_val(out, v);
    }
}

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    rg_t_local_actor(&L, "pol1", "partner", "police", pol);
    rg_t_local_actor(&L, "ggz1", "partner", "ggz", ggz);
    rg_t_local_actor(&L, "gem1", "partner", "gemeente", gem);
    rg_t_local_actor(&L, "prA", "procesregisseur", "zvh", prA);
    rg_t_local_actor(&L, "mgr1", "manager", "zvh", mgr);
    REQUIRE(pol[0] && ggz[0] && gem[0] && prA[0] && mgr[0]);

    /* 0: the whole default route, closed with an action handed over. */
    const char *c = cases[0];
    report(pol, NULL, NULL, cases[0]);
    REQUIRE(c[0]);
    rg_w_kstr(req(prA, "case.assign", c, 1), "procesregisseur", "prA");
    OK();
    req(prA, "intake.start", c, -1);
    OK();
    rg_buf *b = req(prA, "intake.decide", c, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "several life domains");
    rg_t_w_criteria(b, "multi_domain,system");
    OK();
    b = req(prA, "info.request", c, 3);
    rg_w_kstr(b, "org", "ggz");
    rg_w_kstr(b, "question", "treatment history?");
    rg_w_kstr(b, "due", "2025-12-10");
    OK();
    b = req(ggz, "info.provide", c, 3);
    rg_w_kstr(b, "request", "R1");
    rg_w_kstr(b, "answer", "known since 2021");
    rg_w_kstr(b, "class", "special");
    OK();
    b = req(prA, "meeting.schedule", c, 2);
    rg_w_kstr(b, "at", "2025-12-08T10:00:00+01:00");
    rg_t_w_list(b, "orgs", "gemeente");
    OK();
    b = req(prA, "meeting.hold", c, 2);
    rg_w_cstr(b, "attendees");
    rg_w_array(b, 2);
    rg_w_cstr(b, "police");
    rg_w_cstr(b, "ggz");
    rg_w_kstr(b, "conclusions", "a joint approach");
    OK();
    b = req(prA, "plan.propose", c, 3);
    rg_w_kstr(b, "goals", "housing, treatment");
    rg_w_kstr(b, "casusregisseur", "ggz");
    rg_w_cstr(b, "actions");
    rg_w_array(b, 2);
    rg_t_w_action(b, "a1", "ggz", "start treatment", "2026-01-15");
    rg_t_w_action(b, "a2", "gemeente", "find housing", "2026-02-01");
    OK();
    req(ggz, "plan.agree", c, -1);
    OK();
    req(gem, "plan.agree", c, -1);
    OK();
    b = req(ggz, "action.complete", c, 2);
    rg_w_kstr(b, "action", "a1");
    rg_w_kstr(b, "result", "treatment started");
    OK();
    rg_w_kstr(req(prA, "review.hold", c, 1), "notes", "on track");
    OK();
    b = req(prA, "case.close", c, 2);
    rg_w_kstr(b, "reason", "handed over");
    rg_t_w_list(b, "handover", "a2");
    OK();

    /* 1: rejected at intake. */
    c = cases[1];
    report(ggz, NULL, NULL, cases[1]);
    REQUIRE(c[0]);
    rg_w_kstr(req(mgr, "case.assign", c, 1), "procesregisseur", "prA");
    OK();
    req(prA, "intake.start", c, -1);
    OK();
    b = req(prA, "intake.decide", c, 3);
    rg_w_kbool(b, "admit", false);
    rg_w_kstr(b, "reason", "one life domain");
    rg_w_kstr(b, "referred_to", "wijkteam");
    OK();

    /* 2: re-entry, assigned, its norms running to the release date. */
    report(pol, "re-entry", "2026-03-01", cases[2]);
    REQUIRE(cases[2][0]);
    rg_w_kstr(req(prA, "case.assign", cases[2], 1), "procesregisseur", "prA");
    OK();

    /* 3: in intake; 4: only reported. */
    report(gem, NULL, NULL, cases[3]);
    REQUIRE(cases[3][0]);
    rg_w_kstr(req(prA, "case.assign", cases[3], 1), "procesregisseur", "prA");
    OK();
    req(prA, "intake.start", cases[3], -1);
    OK();
    report(pol, NULL, NULL, cases[4]);
    REQUIRE(cases[4][0]);

    /* A week and a half: intake deadlines pass (stagnations); another:
     * they escalate. */
    advance_days(10);
    advance_days(10);
    rg_t_local_settle(&L);
    REQUIRE(query(mgr, "stats", NULL)[0] == 0);
    CHECK(rg_t_uint(&R, "open_stagnations") > 0);
    /* Something in every derived family, so the comparison covers them. */
    rg_buf proj = RG_BUF_INIT;
    CHECK(rg_t_projections(L.e, &proj) == NCASES);
    rg_buf_free(&proj);
    CHECK(count_cf(RG_CF_DEADLINES) > 0);
    CHECK(count_cf(RG_CF_LEADTIMES) > 0);
}

static void test_rebuild_is_byte_identical(void)
{
    rg_buf before = RG_BUF_INIT, after = RG_BUF_INIT, ans_before = RG_BUF_INIT, ans_after = RG_BUF_INIT;
    answers(&ans_before);
    rg_t_local_settle(&L);
    dump(&before);
    uint64_t head = rg_engine_head(L.e), n = 0;
    REQUIRE(rg_replay_rebuild(L.e, &n) == 0);
    CHECK(n == head && rg_engine_head(L.e) == head);
    dump(&after);
    CHECK(same(&before, &after, "the column families after a rebuild"));
    answers(&ans_after);
    CHECK(same(&ans_before, &ans_after, "case.get and stats after a rebuild"));
    /* A second rebuild changes nothing either. */
    rg_t_local_settle(&L);
    dump(&before);
    REQUIRE(rg_replay_rebuild(L.e, NULL) == 0);
    dump(&after);
    CHECK(same(&before, &after, "the column families after a second rebuild"));
    /* The engine goes on from the rebuilt state: the next case gets the
     * next number and position. */
    char c[32];
    report(pol, NULL, NULL, c);
    CHECK(rg_t_uint(&R, "number") == 6 && rg_t_uint(&R, "seq") == head + 1);
    rg_buf_free(&before);
    rg_buf_free(&after);
    rg_buf_free(&ans_before);
    rg_buf_free(&ans_after);
}

static void test_refused_while_busy(void)
{
    rg_t_local_settle(&L);
    rg_buf before = RG_BUF_INIT, after = RG_BUF_INIT;
    dump(&before);
    rg_buf b = RG_BUF_INIT;
    rg_t_report_req(&b, pol, "busy-1", "Piet");
    rg_t_reply r;
    int done = 0;
    rg_t_local_submit(&L, &b, &r, &done);
    CHECK(rg_engine_busy(L.e));
    CHECK(rg_replay_rebuild(L.e, NULL) < 0);
    rg_t_local_run_until(&L, &done, 1);
    CHECK(rg_t_ok(&r));                              /* the pending command was not disturbed */
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    rg_t_local_settle(&L);
    CHECK(query(mgr, "case.get", cases[0])[0] == 0);
    dump(&after);
    CHECK(after.len > before.len);                   /* the report landed, nothing was emptied */
    rg_buf_free(&before);
    rg_buf_free(&after);
}

static void test_interrupted_rebuild_finished_at_open(void)
{
    rg_t_local_settle(&L);
    rg_buf live = RG_BUF_INIT, now = RG_BUF_INIT, ans_live = RG_BUF_INIT, ans_now = RG_BUF_INIT;
    answers(&ans_live);
    rg_t_local_settle(&L);
    dump(&live);
    /* The second write of the rebuild (a bulk load, after the derived
     * families were emptied) fails. */
    rg_log_fail_write(rg_engine_log(L.e), 2);
    CHECK(rg_replay_rebuild(L.e, NULL) < 0);
    /* It serves nothing from half-written projections. */
    CHECK(strcmp(query(mgr, "case.get", cases[0]), "storage_error") == 0);
    /* Opening again finds the marker and finishes the rebuild. */
    char *dir = strdup(L.dir);
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    free(dir);
    dump(&now);
    CHECK(same(&live, &now, "the column families after an interrupted rebuild and a restart"));
    answers(&ans_now);
    CHECK(same(&ans_live, &ans_now, "case.get and stats after an interrupted rebuild and a restart"));
    rg_buf_free(&live);
    rg_buf_free(&now);
    rg_buf_free(&ans_live);
    rg_buf_free(&ans_now);
}

static void test_rebuild_after_a_failed_one_serves_again(void)
{
    /* replay.c: after a failed rebuild the engine serves nothing "until a
     * rebuild succeeds".  One succeeding in the same process must let it
     * serve again.  (Found failing when written: rg_replay_rebuild sets
     * e->failed on failure and nothing clears it on a later success, so
     * every request stays storage_error until a restart.) */
    rg_t_local_settle(&L);
    rg_buf live = RG_BUF_INIT, now = RG_BUF_INIT;
    dump(&live);
    rg_log_fail_write(rg_engine_log(L.e), 2);
    CHECK(rg_replay_rebuild(L.e, NULL) < 0);
    CHECK(strcmp(query(mgr, "case.get", cases[0]), "storage_error") == 0);
    CHECK(rg_replay_resume(L.e) == 0);       /* the marker is there: rebuilds */
    dump(&now);
    CHECK(same(&live, &now, "the column families after a resumed rebuild"));
    CHECK(rg_replay_resume(L.e) == 0);       /* no marker: nothing to do */
    const char *err = query(mgr, "case.get", cases[0]);
    if (err[0]) printf("  case.get after a successful rebuild: %s: %s\n", err, rg_t_str(&R, "message"));
    CHECK(err[0] == 0);
    rg_buf_free(&live);
    rg_buf_free(&now);
}

int main(void)
{
    RUN(setup);
    RUN(test_rebuild_is_byte_identical);
    RUN(test_refused_while_busy);
    RUN(test_interrupted_rebuild_finished_at_open);
    RUN(test_rebuild_after_a_failed_one_serves_again);
    rg_t_local_close(&L, true);
    rg_t_reply_free(&R);
    rg_buf_free(&B);
    return rg_t_exit();
}
