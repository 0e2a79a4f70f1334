/*
 * engine_test.c - the engine opened in-process on a real RocksDB in a temp
 * directory: a report and its reads, actors made and revoked,
 * atomicity under an injected write fault, closing and opening again on the
 * same directory with everything kept.  (The pipeline's steps and refusals:
 * pipeline_test.c; repeated requests: idem_test.c.)
 */
#include <stdlib.h>
#include <string.h>

#include "../../engine/core/ctx.h"
#include "../../engine/storage/log.h"
#include "../test.h"

static rg_t_local L;
static char pol[128], ggz[128], prm[128], mgr[128];

/* Create an actor and copy its token into tok. */
static void make_actor(const char *id, const char *role, const char *org, char *tok)
{
    rg_buf b = RG_BUF_INIT;
    rg_t_actor_req(&b, L.admin, id, id, role, org);
    rg_t_reply r;
    rg_t_local_call(&L, &b, &r);
    CHECK(rg_t_ok(&r));
    snprintf(tok, 128, "%s", rg_t_str(&r, "token"));
    rg_t_reply_free(&r);
    rg_buf_free(&b);
}

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(L.admin[0]);
    make_actor("pol1", "partner", "police", pol);
    make_actor("ggz1", "partner", "ggz", ggz);
    make_actor("pr1", "procesregisseur", "zvh", prm);
    make_actor("mgr1", "manager", "zvh", mgr);
}

static void call(const rg_buf *b, rg_t_reply *r) { rg_t_local_call(&L, b, r); }

static void report(const char *token, const char *req, rg_t_reply *r)
{
    rg_buf b = RG_BUF_INIT;
    rg_t_report_req(&b, token, req, "Jan Jansen");
    call(&b, r);
    rg_buf_free(&b);
}

static void simple(const char *op, const char *token, const char *case_id, rg_t_reply *r)
{
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, op, token, NULL, case_id, -1, -1);
    call(&b, r);
    rg_buf_free(&b);
}

/* The first case: its id is opaque (issue 21, finding 13), its number the
 * region's first. */
static char C1[32];

static void test_report_then_read(void)
{
    rg_t_reply r;
    report(pol, "r1", &r);
    REQUIRE(rg_t_ok(&r));
    snprintf(C1, sizeof C1, "%s", rg_t_str(&r, "case"));
    CHECK(rg_case_id_checks(C1) && rg_t_uint(&r, "number") == 1);
    CHECK(rg_t_uint(&r, "version") == 1);
    CHECK(rg_t_uint(&r, "seq") == 1);
    const rg_val *evs = rg_t_get(&r, "events");
    REQUIRE(rg_array_size(evs) == 1);
    const rg_val *ev = rg_array_at(evs, 0);
    CHECK(rg_val_is_str(rg_map_get(ev, "type"), "case.reported"));
    CHECK(rg_val_is_str(rg_map_get(rg_map_get(ev, "actor"), "org"), "police"));
    const rg_val *subj = rg_map_get(rg_map_get(ev, "data"), "subject");
    CHECK(rg_val_is_str(rg_map_get(subj, "name"), "Jan Jansen"));
    rg_t_reply_free(&r);

    simple("case.get", pol, C1, &r);
    REQUIRE(rg_t_ok(&r));
    const rg_val *cs = rg_t_get(&r, "case");
    CHECK(rg_val_is_str(rg_map_get(cs, "state"), "reported"));
    CHECK(rg_val_is_str(rg_map_get(cs, "route"), "default"));
    CHECK(rg_val_is_str(rg_map_get(rg_map_get(cs, "subject"), "name"), "Jan Jansen"));
    rg_t_reply_free(&r);

    simple("case.history", mgr, C1, &r);
    REQUIRE(rg_t_ok(&r));
    CHECK(rg_array_size(rg_t_get(&r, "events")) == 1);
    rg_t_reply_free(&r);
}

static void expect_bad(const rg_buf *b, const char *code, const char *msg_part)
{
    rg_t_reply r;
    uint64_t head = rg_engine_head(L.e);
    call(b, &r);
    CHECK(strcmp(rg_t_err(&r), code) == 0);
    if (msg_part && !strstr(rg_t_str(&r, "message"), msg_part)) {
        printf("  message '%s' lacks '%s'\n", rg_t_str(&r, "message"), msg_part);
        rg_t_failed = 1;
    }
    CHECK(rg_engine_head(L.e) == head);
    rg_t_reply_free(&r);
}

static void test_actor_lifecycle(void)
{
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r, again;
    rg_t_actor_req(&b, L.admin, "mk-vt", "vt1", "partner", "veilig-thuis");
    call(&b, &r);
    REQUIRE(rg_t_ok(&r));
    char tok[128];
    snprintf(tok, sizeof tok, "%s", rg_t_str(&r, "token"));
    CHECK(strncmp(tok, "rgt_", 4) == 0);
    call(&b, &again);                          /* retry: token shown once only */
    CHECK(rg_t_ok(&again) && rg_t_get(&again, "token") == NULL);
    CHECK(rg_t_get(&again, "token_withheld") != NULL);
    rg_t_reply_free(&again);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    rg_t_actor_req(&b, L.admin, "mk-vt-2", "vt1", "partner", "veilig-thuis");
    expect_bad(&b, "guard_failed", "exists");
    rg_buf_free(&b);
    rg_t_actor_req(&b, L.admin, "mk-bad", "bad id!", "partner", "x");
    expect_bad(&b, "bad_request", "data.id");
    rg_buf_free(&b);
    rg_t_actor_req(&b, L.admin, "mk-bad2", "ok-id", "emperor", "x");
    expect_bad(&b, "bad_request", "data.role");
    rg_buf_free(&b);

    simple("stats", tok, NULL, &r);            /* partners may not read stats */
    CHECK(strcmp(rg_t_err(&r), "forbidden") == 0);
    rg_t_reply_free(&r);
    rg_req_envelope(&b, "actor.revoke", L.admin, "rv1", NULL, -1, 1);
    rg_w_kstr(&b, "id", "vt1");
    call(&b, &r);
    CHECK(rg_t_ok(&r));
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    report(tok, "after-revoke", &r);
    CHECK(strcmp(rg_t_err(&r), "unauthorized") == 0);
    rg_t_reply_free(&r);
    rg_req_envelope(&b, "actor.revoke", L.admin, "rv2", NULL, -1, 1);
    rg_w_kstr(&b, "id", "nobody");
    expect_bad(&b, "not_found", "nobody");
    rg_buf_free(&b);
}

static void test_atomic_under_write_fault(void)
{
    rg_t_reply r;
    simple("stats", mgr, NULL, &r);
    uint64_t total = rg_t_uint(&r, "total");
    rg_t_reply_free(&r);
    uint64_t head = rg_engine_head(L.e);

    rg_log_fail_write(rg_engine_log(L.e), 1);
    report(pol, "doomed", &r);
    CHECK(strcmp(rg_t_err(&r), "storage_error") == 0);
    rg_t_reply_free(&r);
    /* Nothing of it is visible: not the case, not its position, not its count. */
    CHECK(rg_engine_head(L.e) == head);
    simple("stats", mgr, NULL, &r);
    CHECK(rg_t_uint(&r, "total") == total);
    rg_t_reply_free(&r);
    /* The same req now succeeds and takes the position the failed one did not. */
    report(pol, "doomed", &r);
    CHECK(rg_t_ok(&r) && rg_t_uint(&r, "seq") == head + 1);
    /* ... and the region's number the failed one did not take. */
    CHECK(rg_t_uint(&r, "number") == total + 1);
    rg_t_reply_free(&r);
}

static void test_log_verify_and_restart(void)
{
    rg_t_reply r;
    simple("log.verify", L.admin, NULL, &r);
    REQUIRE(rg_t_ok(&r));
    uint64_t checked = rg_t_uint(&r, "checked");
    CHECK(checked == rg_engine_head(L.e));
    CHECK(rg_val_type(rg_t_get(&r, "broken")) == RG_VNIL);
    rg_t_reply_free(&r);

    /* Restart on the same directory: everything is still there. */
    char *dir = strdup(L.dir);
    char admin[128];
    snprintf(admin, sizeof admin, "%s", L.admin);
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    free(dir);
    CHECK(strcmp(admin, L.admin) == 0);
    CHECK(rg_engine_head(L.e) == checked);
    simple("case.get", pol, C1, &r);
    CHECK(rg_t_ok(&r));
    rg_t_reply_free(&r);

    /* Tamper with event 2 behind the engine's back: verify names it. */
    rg_buf v = RG_BUF_INIT;
    uint8_t k[8];
    rg_be64_put(k, 2);
    REQUIRE(rg_log_get(rg_engine_log(L.e), RG_CF_EVENTS, k, 8, &v) == 0);
    v.data[v.len - 1] ^= 1;
    rg_batch *bt = rg_batch_new(rg_engine_log(L.e));
    rg_batch_put(bt, RG_CF_EVENTS, k, 8, v.data, v.len);
    REQUIRE(rg_log_write(rg_engine_log(L.e), bt, true) == 0);
    rg_batch_free(bt);
    rg_buf_free(&v);
    simple("log.verify", L.admin, NULL, &r);
    CHECK(rg_t_uint(&r, "broken") == 2);
    rg_t_reply_free(&r);
}

int main(void)
{
    RUN(setup);
    RUN(test_report_then_read);
    RUN(test_actor_lifecycle);
    RUN(test_atomic_under_write_fault);
    RUN(test_log_verify_and_restart);
    rg_t_local_close(&L, true);
    return rg_t_exit();
}
