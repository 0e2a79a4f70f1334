/*
 * snapshot_test.c - a case's projection is stored as a snapshot now and
 * then (core/snapshot.h), and every load folds the events after it.
 *
 * In process: K commands on one household case (a person added in the
 * tail, sealed under their own key) write its projection fewer times than
 * K, and after every command the case reads the same from a fresh open
 * (the cache cold: snapshot and tail) as from the warm cache, its encoding
 * and case.get alike.  Then the real regied, killed with SIGKILL while the
 * case is between two snapshots: after the restart it reads as it did, goes
 * on from there, and a rebuild gives the same projections.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../unit/steps.h"
#include "../../engine/core/ctx.h"
#include "../../engine/core/snapshot.h"
#include "../../engine/storage/errors.h"
#include "../../engine/storage/log.h"
#include "../../handlers/handlers.h"

#define K 24

static char pol[128], pr[128], pr2[128], mgr[128];

/* The version of the projection stored for case a (0: none). */
static uint32_t stored_version(const char *a)
{
    rg_buf v = RG_BUF_INIT;
    rg_case *cs = NULL;
    uint32_t ver = 0;
    if (rg_log_get(rg_engine_log(L.e), RG_CF_CASES, a, strlen(a), &v) == 0 && rg_case_decode(&cs, v.data, v.len) == 0)
        ver = cs->version;
    rg_case_free(cs);
    rg_buf_free(&v);
    return ver;
}

/* The engine's case a, encoded ("" when it does not load). */
static void encoded(const char *a, rg_buf *out)
{
    rg_case *cs;
    rg_buf_reset(out);
    if (rg_engine_load_case(L.e, a, &cs) == 0) rg_case_encode(cs, out);
}

/* case.get of a by the procesregisseur, its bytes ("" on error). */
static void got(const char *token, const char *a, rg_buf *out)
{
    rg_buf_reset(out);
    if (query(token, "case.get", a)[0] == 0) rg_buf_append(out, R.bytes, R.len);
}

/* Command i of the run on case a: mostly a reassignment by the manager
 * (one event each), and two persons added by the procesregisseur directing
 * it (sealed under a key of their own, made in the tail). */
static const char *step(int i, const char *a)
{
    static bool second;                 /* pr2 directs the case, not pr */
    if (i == 5 || i == 13) {
        rg_buf *b = req(second ? pr2 : pr, "person.add", a, 3);
        rg_w_kstr(b, "role", "child");
        rg_w_kstr(b, "name", i == 5 ? "Pieternella Oosterbroek" : "Hendrikus Vlasblom");
        rg_w_kstr(b, "birth_date", i == 5 ? "2016-01-02" : "1990-03-04");
        return send_req();
    }
    rg_w_kstr(req(mgr, "case.assign", a, 1), "procesregisseur", second ? "pr" : "pr2");
    const char *e = send_req();
    if (!e[0]) second = !second;
    return e;
}

static void test_snapshot_every_few_versions(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char *dir = strdup(L.dir);
    actor_in("pol", "partner", "police", "tilburg", NULL, pol);
    actor_in("pr", "procesregisseur", "zvh-tilburg", "tilburg", NULL, pr);
    actor_in("pr2", "procesregisseur", "zvh-tilburg", "tilburg", NULL, pr2);
    actor_in("mgr", "manager", "zvh-tilburg", "tilburg", NULL, mgr);
    rg_buf_reset(&B);
    rg_t_report_req(&B, pol, "r1", "Wilhelmina Oosterbroek");
    OK();
    char a[32];
    snprintf(a, sizeof a, "%s", rg_t_str(&R, "case"));
    rg_w_kstr(req(mgr, "case.assign", a, 1), "procesregisseur", "pr");
    OK();

    rg_buf warm = RG_BUF_INIT, cold = RG_BUF_INIT, warm_get = RG_BUF_INIT, cold_get = RG_BUF_INIT;
    uint32_t last = stored_version(a), writes = 0;
    for (int i = 0; i < K && !rg_t_failed; i++) {
        const char *e = step(i, a);
        if (e[0]) {
            printf("  command %d: %s: %s\n", i, e, rg_t_str(&R, "message"));
            rg_t_failed = 1;
            break;
        }
        rg_t_local_settle(&L);
        uint32_t now = stored_version(a);
        writes += now != last;
        last = now;
        encoded(a, &warm);
        got(mgr, a, &warm_get);
        /* A fresh open: the case comes from its snapshot and the events
         * after it, never from the cache. */
        rg_t_local_close(&L, false);
        REQUIRE(rg_t_local_open(&L, dir) == 0);
        encoded(a, &cold);
        got(mgr, a, &cold_get);
        rg_case *cs;
        REQUIRE(rg_engine_load_case(L.e, a, &cs) == 0);
        if (cold.len == 0 || warm.len != cold.len || memcmp(warm.data, cold.data, warm.len) != 0 ||
            warm_get.len == 0 || warm_get.len != cold_get.len ||
            memcmp(warm_get.data, cold_get.data, warm_get.len) != 0) {
            printf("  version %u (snapshot at %u): the case reads otherwise after a fresh open\n", cs->version,
                   now);
            rg_t_failed = 1;
        }
        /* The persons added in the tail read their birth dates (case.get's
         * minor): their keys are loaded after the tail is folded. */
        for (uint32_t p = 0; p < cs->npersons; p++) CHECK(cs->persons[p].key_state == RG_DK_PRESENT);
    }
    printf("  %d commands, the projection written %u times\n", K, writes);
    CHECK(writes > 0 && writes < K / 2);
    rg_buf_free(&warm);
    rg_buf_free(&cold);
    rg_buf_free(&warm_get);
    rg_buf_free(&cold_get);
    rg_t_local_close(&L, true);
    free(dir);
}

/* ---- the real regied, killed between two snapshots ---- */

static rg_t_proc P;

static const char *call(rg_client *c, rg_buf *b)
{
    return rg_t_proc_send(&P, c, b, &R);
}

static void test_sigkill_between_snapshots(void)
{
    char *dir = rg_t_tmpdir();
    REQUIRE(rg_t_proc_start(&P, dir, NULL) == 0);
    rg_client *c;
    REQUIRE(rg_client_open(&c, P.url, 10000, NULL) == 0);
    rg_t_proc_actor(&P, c, "pol", "partner", "police", pol);
    rg_t_proc_actor(&P, c, "pr", "procesregisseur", "zvh", pr);
    rg_t_proc_actor(&P, c, "pr2", "procesregisseur", "zvh", pr2);
    rg_t_proc_actor(&P, c, "mgr", "manager", "zvh", mgr);
    rg_buf_reset(&B);
    rg_t_report_req(&B, pol, "r1", "Kim de Vries");
    REQUIRE(call(c, &B)[0] == 0);
    char a[32];
    snprintf(a, sizeof a, "%s", rg_t_str(&R, "case"));
    /* Up to a version past a snapshot and short of the next. */
    uint32_t v = 1;
    for (int i = 0; v < RG_SNAPSHOT_EVERY + RG_SNAPSHOT_EVERY / 2; i++, v++) {
        rg_w_kstr(rg_t_req(&B, mgr, "case.assign", a, 1), "procesregisseur", i % 2 ? "pr" : "pr2");
        REQUIRE(call(c, &B)[0] == 0);
    }
    rg_buf_reset(&B);
    rg_req_envelope(&B, "case.get", mgr, NULL, a, -1, -1);
    REQUIRE(call(c, &B)[0] == 0);
    rg_buf before = RG_BUF_INIT, after = RG_BUF_INIT;
    rg_buf_append(&before, R.bytes, R.len);
    uint64_t got_v = 0;
    CHECK(rg_val_uint(rg_map_get(rg_t_get(&R, "case"), "version"), &got_v) && got_v == v);
    CHECK(v % RG_SNAPSHOT_EVERY != 0);                /* between two snapshots */
    rg_client_close(c);
    rg_t_proc_stop(&P, SIGKILL);

    /* After the restart: the same case, and it goes on from there. */
    REQUIRE(rg_t_proc_start(&P, dir, NULL) == 0);
    REQUIRE(rg_client_open(&c, P.url, 10000, NULL) == 0);
    rg_buf_reset(&B);
    rg_req_envelope(&B, "case.get", mgr, NULL, a, -1, -1);
    REQUIRE(call(c, &B)[0] == 0);
    rg_buf_append(&after, R.bytes, R.len);
    CHECK(before.len == after.len && memcmp(before.data, after.data, before.len) == 0);
    rg_buf_reset(&B);
    rg_req_envelope(&B, "case.assign", mgr, "again", a, (int)v, 1);
    rg_w_kstr(&B, "procesregisseur", "pr");
    CHECK(call(c, &B)[0] == 0 && rg_t_uint(&R, "version") == v + 1);
    rg_client_close(c);
    CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);

    /* A rebuild writes every projection whole; they load the same. */
    uv_loop_t loop;
    uv_loop_init(&loop);
    rg_engine *e;
    rg_engine_opts o = {.module = &rg_handlers_module, .dir = dir};
    REQUIRE(rg_engine_open(&e, &loop, &o) == 0);
    rg_buf live = RG_BUF_INIT, rebuilt = RG_BUF_INIT;
    CHECK(rg_t_projections(e, &live) == 1);
    L.e = e;                                          /* for stored_version */
    CHECK(stored_version(a) < v + 1);                 /* the tail was folded */
    uint64_t n = 0;
    CHECK(rg_replay_rebuild(e, &n) == 0 && n == v + 1);
    CHECK(rg_t_projections(e, &rebuilt) == 1);
    CHECK(live.len == rebuilt.len && memcmp(live.data, rebuilt.data, live.len) == 0);
    rg_engine_close(e);
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK(uv_loop_close(&loop) == 0);
    rg_buf_free(&live);
    rg_buf_free(&rebuilt);
    rg_buf_free(&before);
    rg_buf_free(&after);
    rg_t_rmrf(dir);
    free(dir);
}

int main(void)
{
    RUN(test_snapshot_every_few_versions);
    RUN(test_sigkill_between_snapshots);
    return rg_t_exit();
}
