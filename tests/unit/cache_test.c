/*
 * cache_test.c - the bounded case cache (store.c): with room for 4 cases,
 * 60 cases taken through several steps in interleaved order read and change
 * exactly as with everything in memory; the cache never holds more than its
 * room once the engine is idle; a case changed but not yet durable is never
 * dropped (it is the only copy of its pending state).
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/core/request.h"

#define N 60

static rg_t_local L;
static rg_buf B;
static rg_t_reply R;
static char pol[128], pr[128];
static char ids[N][32];

static const char *call(void) { return rg_t_local_send(&L, &B, &R); }

static void actor(const char *id, const char *role, const char *org, char *tok)
{
    rg_t_local_actor(&L, id, role, org, tok);
}

static bool state_is(const char *case_id, const char *state, uint64_t version)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "case.get", pr, NULL, case_id, -1, -1);
    if (call()[0]) return false;
    const rg_val *cs = rg_t_get(&R, "case");
    uint64_t v = 0;
    rg_val_uint(rg_map_get(cs, "version"), &v);
    return rg_val_is_str(rg_map_get(cs, "state"), state) && v == version;
}

static void setup(void)
{
    rg_t_cache_cases = 4;
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    actor("pol1", "partner", "police", pol);
    actor("pr1", "procesregisseur", "zvh", pr);
    for (int i = 0; i < N; i++) {
        char req[16];
        snprintf(req, sizeof req, "rep%d", i);
        rg_buf_reset(&B);
        rg_t_report_req(&B, pol, req, "C. Person");
        REQUIRE(call()[0] == 0);
        snprintf(ids[i], sizeof ids[i], "%s", rg_t_str(&R, "case"));
    }
    rg_t_local_settle(&L);
    CHECK(L.e->cases.count <= 4);
}

static void test_steps_through_a_small_cache(void)
{
    /* Interleaved: every case assigned, then every case's intake started,
     * then every other case admitted, so each step reads a dropped case. */
    for (int i = 0; i < N; i++) {
        rg_w_kstr(rg_t_req(&B, pr, "case.assign", ids[i], 1), "procesregisseur", "pr1");
        CHECK(call()[0] == 0);
    }
    for (int i = 0; i < N; i++) {
        rg_t_req(&B, pr, "intake.start", ids[i], -1);
        CHECK(call()[0] == 0);
    }
    for (int i = 0; i < N; i += 2) {
        rg_buf *b = rg_t_req(&B, pr, "intake.decide", ids[i], 3);
        rg_w_kbool(b, "admit", true);
        rg_w_kstr(b, "reason", "several life domains");
        rg_t_w_criteria(b, "multi_domain");
        CHECK(call()[0] == 0);
    }
    rg_t_local_settle(&L);
    CHECK(L.e->cases.count <= 4);
    int wrong = 0;
    for (int i = 0; i < N; i++)
        wrong += !state_is(ids[i], i % 2 ? "intake" : "analysis", i % 2 ? 3 : 4);
    CHECK(wrong == 0);
    /* A step in the wrong state still names the state read back. */
    rg_t_req(&B, pr, "intake.start", ids[1], -1);
    CHECK(strcmp(call(), "invalid_transition") == 0);
    CHECK(strstr(rg_t_str(&R, "message"), "intake") != NULL);
}

/* Changes submitted in one loop turn are all pending at once: none of those
 * cases may be dropped before the commit is durable, however small the room. */
static void test_pending_cases_are_kept(void)
{
    rg_t_reply r[N];
    rg_buf b = RG_BUF_INIT;
    int done = 0;
    for (int i = 1; i < N; i += 2) {
        rg_buf_reset(&b);
        char req[16];
        snprintf(req, sizeof req, "rej%d", i);
        rg_req_envelope(&b, "intake.decide", pr, req, ids[i], -1, 3);
        rg_w_kbool(&b, "admit", false);
        rg_w_kstr(&b, "reason", "one life domain");
        rg_w_kstr(&b, "referred_to", "wijkteam");
        rg_t_local_submit(&L, &b, &r[i], &done);
    }
    CHECK(L.e->cases.count >= N / 2);           /* all pending, all in memory */
    rg_t_local_run_until(&L, &done, N / 2);
    for (int i = 1; i < N; i += 2) {
        CHECK(rg_t_ok(&r[i]));
        rg_t_reply_free(&r[i]);
    }
    rg_t_local_settle(&L);
    CHECK(L.e->cases.count <= 4);
    int wrong = 0;
    for (int i = 1; i < N; i += 2) wrong += !state_is(ids[i], "referred", 4);
    CHECK(wrong == 0);
    rg_buf_free(&b);
}


int main(void)
{
    RUN(setup);
    RUN(test_steps_through_a_small_cache);
    RUN(test_pending_cases_are_kept);
    rg_t_local_close(&L, true);
    rg_t_reply_free(&R);
    rg_buf_free(&B);
    return rg_t_exit();
}
