/*
 * due_test.c - firing deadlines in bounded slices (engine/services/due.c), in
 * process on a manual clock: a clock.advance that makes many deadlines fall
 * due at once fires every one of them exactly once, in due order, while a
 * command submitted behind it is answered before the advance is (commands
 * are served between slices); and a deadline keeps firing while commands
 * keep arriving (firing does not wait for an idle engine).
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/core/ctx.h"

#define NCASES 700            /* more than two slices of 256 */
#define DAY 86400000ULL
#define RING 256              /* reply slots of the load in test_fires_under_load */

static rg_t_local L;
static char pol[128];

static void report_many(const char *prefix, int n, char ids[][32])
{
    rg_buf b = RG_BUF_INIT;
    rg_t_reply *r = calloc((size_t)n, sizeof *r);
    int done = 0;
    for (int i = 0; i < n; i++) {
        char req[32];
        snprintf(req, sizeof req, "%s%d", prefix, i);
        rg_buf_reset(&b);
        rg_t_report_req(&b, pol, req, "A. Person");
        rg_t_local_submit(&L, &b, &r[i], &done);
    }
    rg_t_local_run_until(&L, &done, n);
    for (int i = 0; i < n; i++) {
        snprintf(ids[i], 32, "%s", rg_t_str(&r[i], "case"));
        rg_t_reply_free(&r[i]);
    }
    free(r);
    rg_buf_free(&b);
}

/* The number of stagnation.detected events of the case, and their seqs. */
static int stagnations(const char *case_id, uint64_t *seq)
{
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r;
    rg_req_envelope(&b, "case.history", pol, NULL, case_id, -1, -1);
    rg_t_local_call(&L, &b, &r);
    const rg_val *evs = rg_t_get(&r, "events");
    int n = 0;
    for (uint32_t i = 0; i < rg_array_size(evs); i++)
        if (rg_val_is_str(rg_map_get(rg_array_at(evs, i), "type"), "stagnation.detected")) {
            n++;
            if (seq) rg_val_uint(rg_map_get(rg_array_at(evs, i), "seq"), seq);
        }
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    return n;
}

static int cmp_ids(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r;
    rg_t_actor_req(&b, L.admin, "a1", "pol1", "partner", "police");
    REQUIRE(rg_t_local_call(&L, &b, &r) == 0 && rg_t_ok(&r));
    snprintf(pol, sizeof pol, "%s", rg_t_str(&r, "token"));
    rg_t_reply_free(&r);
    rg_buf_free(&b);
}

static void test_burst_in_slices_with_commands_between(void)
{
    static char ids[NCASES][32];
    report_many("burst", NCASES, ids);
    REQUIRE(ids[NCASES - 1][0]);
    /* 3 days on: every case's intake.start (2 working days) falls due. */
    rg_buf adv = RG_BUF_INIT, get = RG_BUF_INIT;
    rg_req_envelope(&adv, "clock.advance", L.admin, "adv1", NULL, -1, 1);
    rg_w_kuint(&adv, "ms", 3 * DAY);
    rg_req_envelope(&get, "case.get", pol, NULL, ids[0], -1, -1);
    rg_t_reply ra, rg;
    int done_adv = 0, done_get = 0;
    rg_t_local_submit(&L, &adv, &ra, &done_adv);
    rg_t_local_submit(&L, &get, &rg, &done_get);
    rg_t_local_run_until(&L, &done_get, 1);
    CHECK(rg_t_ok(&rg));
    CHECK(done_adv == 0);                  /* the advance is still firing */
    rg_t_local_run_until(&L, &done_adv, 1);
    CHECK(rg_t_ok(&ra));
    /* Every case fired exactly once, in due order: reported at one instant
     * under the manual clock, they fall due together, and fire in the
     * order of their keys (due time, then case id; ids are opaque, so
     * that is not the order reported). */
    static const char *sorted[NCASES];
    for (int i = 0; i < NCASES; i++) sorted[i] = ids[i];
    qsort(sorted, NCASES, sizeof *sorted, cmp_ids);
    uint64_t prev = 0;
    int bad = 0;
    for (int i = 0; i < NCASES; i++) {
        uint64_t seq = 0;
        if (stagnations(sorted[i], &seq) != 1 || seq <= prev) bad++;
        prev = seq;
    }
    CHECK(bad == 0);
    rg_t_reply_free(&ra);
    rg_t_reply_free(&rg);
    rg_buf_free(&adv);
    rg_buf_free(&get);
}

/* A steady stream of commands does not hold firing back: every deadline
 * fires while changes keep arriving.  (The advance's own reply waits for a
 * moment without pending commands, so that no deadline a command just set
 * is passed unfired; it is answered once the stream stops.) */
static void test_fires_under_load(void)
{
    static char ids[300][32];
    report_many("load", 300, ids);
    uint64_t open_before = rg_engine_stagnations(L.e);
    rg_buf adv = RG_BUF_INIT, b = RG_BUF_INIT;
    /* From Thursday 4 December to Tuesday 9 December: these cases'
     * intake.start and the earlier cases' intake.decision, 1000 deadlines,
     * fall due on Monday. */
    rg_req_envelope(&adv, "clock.advance", L.admin, "adv2", NULL, -1, 1);
    rg_w_kuint(&adv, "ms", 5 * DAY);
    rg_t_reply ra;
    int done_adv = 0, done = 0, sent = 0;
    rg_t_reply *r = calloc(RING, sizeof *r);
    rg_t_local_submit(&L, &adv, &ra, &done_adv);
    /* A new report at every loop turn: a turn waits for the commit in
     * flight, and the next commit already holds the report of this turn, so
     * whenever a commit becomes durable the engine is busy.  All 1000 take
     * 4 slices, each waiting for one commit: 200 commits are plenty. */
    uint64_t commits0 = rg_engine_commits(L.e);
    while (rg_engine_stagnations(L.e) < open_before + 1000 && rg_engine_commits(L.e) - commits0 < 200) {
        if (sent - done < RING - 1) {
            /* Replies come in submission order: this slot's last one is in. */
            rg_t_reply *slot = &r[sent % RING];
            rg_t_reply_free(slot);
            char req[32];
            snprintf(req, sizeof req, "more%d", sent++);
            rg_buf_reset(&b);
            rg_t_report_req(&b, pol, req, "B. Person");
            rg_t_local_submit(&L, &b, slot, &done);
        }
        uv_run(&L.loop, UV_RUN_ONCE);
    }
    CHECK(rg_engine_stagnations(L.e) >= open_before + 1000);
    CHECK(rg_engine_commits(L.e) - commits0 < 200);
    rg_t_local_run_until(&L, &done, sent);
    rg_t_local_run_until(&L, &done_adv, 1);
    CHECK(rg_t_ok(&ra));
    int fired = 0;
    for (int i = 0; i < 300; i++) fired += stagnations(ids[i], NULL) == 1;
    CHECK(fired == 300);
    for (int i = 0; i < RING; i++) rg_t_reply_free(&r[i]);
    free(r);
    rg_t_reply_free(&ra);
    rg_buf_free(&adv);
    rg_buf_free(&b);
}

int main(void)
{
    RUN(setup);
    RUN(test_burst_in_slices_with_commands_between);
    RUN(test_fires_under_load);
    rg_t_local_close(&L, true);
    return rg_t_exit();
}
