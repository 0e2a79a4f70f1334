/*
 * meta_write_test.c - a commit writes the meta head and counters only
 * where they changed (issue 23, a leaner write): the first commit after an
 * open or a reload writes every one, a later commit of the same shape
 * leaves out those it did not change; and what is left out is what the
 * disk already holds: after a restart, after a failed write and after a
 * rebuild the engine counts on as it did (positions, region numbers, stats).
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/core/commit.h"
#include "../../engine/replay/replay.h"

static rg_t_local L;
static char pol[128], mgr[128];
static unsigned reqno;

/* A report; the keys its commit wrote (0 when it failed). */
static uint64_t report(const char *name, rg_t_reply *r)
{
    char req[32];
    snprintf(req, sizeof req, "m%u", ++reqno);
    rg_buf b = RG_BUF_INIT;
    rg_t_report_req(&b, pol, req, name);
    rg_t_local_settle(&L);
    uint64_t k0 = rg_engine_written_keys(L.e), c0 = rg_engine_commits(L.e);
    rg_t_local_send(&L, &b, r);
    rg_buf_free(&b);
    CHECK(rg_engine_commits(L.e) == c0 + (rg_t_ok(r) ? 1 : 0));
    return rg_engine_written_keys(L.e) - k0;
}

static uint64_t stat_total(void)
{
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "stats", mgr, NULL, NULL, -1, -1);
    rg_t_reply r = {0};
    rg_t_local_send(&L, &b, &r);
    uint64_t n = rg_t_uint(&r, "total");
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    return n;
}

static void reopen(void)
{
    rg_t_local_settle(&L);
    char *dir = strdup(L.dir);
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    free(dir);
}

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    rg_t_local_actor(&L, "pol1", "partner", "police", pol);
    rg_t_local_actor(&L, "mgr1", "manager", "zvh", mgr);
    REQUIRE(pol[0] && mgr[0]);
}

static void test_unchanged_counters_not_written(void)
{
    rg_t_reply r = {0};
    /* The first commit after an open writes every counter... */
    reopen();
    uint64_t first = report("Anna de Vries", &r);
    CHECK(rg_t_ok(&r));
    uint64_t n1 = rg_t_uint(&r, "number");
    rg_t_reply_free(&r);
    /* ... the next one of the same shape only those it changed: not the
     * old case counter, the audit and alert numbers, the open stagnations
     * or the ended stays, which a report leaves as they were. */
    uint64_t next = report("Bram de Vries", &r);
    CHECK(rg_t_ok(&r) && rg_t_uint(&r, "number") == n1 + 1);
    rg_t_reply_free(&r);
    CHECK(first >= next + 5);
    uint64_t again = report("Carla de Vries", &r);
    CHECK(rg_t_ok(&r));
    rg_t_reply_free(&r);
    CHECK(again == next);
    if (first < next + 5 || again != next)
        printf("  keys: first %llu, next %llu, again %llu\n", (unsigned long long)first,
               (unsigned long long)next, (unsigned long long)again);
}

static void test_restart_counts_on(void)
{
    rg_t_reply r = {0};
    report("Dirk de Vries", &r);
    uint64_t n = rg_t_uint(&r, "number"), seq = rg_t_uint(&r, "seq");
    rg_t_reply_free(&r);
    uint64_t total = stat_total(), head = rg_engine_head(L.e);
    CHECK(head == seq);
    reopen();
    CHECK(rg_engine_head(L.e) == head);
    CHECK(stat_total() == total);
    report("Eva de Vries", &r);
    CHECK(rg_t_ok(&r) && rg_t_uint(&r, "number") == n + 1 && rg_t_uint(&r, "seq") == head + 1);
    rg_t_reply_free(&r);
}

static void test_failed_write_writes_all_again(void)
{
    rg_t_reply r = {0};
    report("Femke de Vries", &r);
    uint64_t n = rg_t_uint(&r, "number");
    rg_t_reply_free(&r);
    uint64_t full = 0;
    {
        /* What the first commit after an open writes, for comparison. */
        reopen();
        full = report("Gerrit de Vries", &r);
        n = rg_t_uint(&r, "number");
        rg_t_reply_free(&r);
    }
    uint64_t head = rg_engine_head(L.e), total = stat_total();
    rg_log_fail_write(rg_engine_log(L.e), 1);
    CHECK(report("Hanna de Vries", &r) == 0);
    CHECK(strcmp(rg_t_err(&r), "storage_error") == 0);
    rg_t_reply_free(&r);
    CHECK(rg_engine_head(L.e) == head);
    /* The state was reloaded: the next commit writes every counter again,
     * and counts on from what the disk holds. */
    CHECK(report("Ivo de Vries", &r) == full);
    CHECK(rg_t_ok(&r) && rg_t_uint(&r, "number") == n + 1 && rg_t_uint(&r, "seq") == head + 1);
    rg_t_reply_free(&r);
    reopen();
    CHECK(rg_engine_head(L.e) == head + 1 && stat_total() == total + 1);
}

static void test_rebuild_then_count_on(void)
{
    rg_t_reply r = {0};
    report("Jan de Vries", &r);
    uint64_t n = rg_t_uint(&r, "number");
    rg_t_reply_free(&r);
    rg_t_local_settle(&L);
    uint64_t head = rg_engine_head(L.e), total = stat_total();
    uint64_t events = 0;
    CHECK(rg_replay_rebuild(L.e, &events) == 0 && events == head);
    report("Kees de Vries", &r);
    CHECK(rg_t_ok(&r) && rg_t_uint(&r, "number") == n + 1);
    rg_t_reply_free(&r);
    reopen();
    CHECK(rg_engine_head(L.e) == head + 1 && stat_total() == total + 1);
    report("Lotte de Vries", &r);
    CHECK(rg_t_ok(&r) && rg_t_uint(&r, "number") == n + 2);
    rg_t_reply_free(&r);
}

int main(void)
{
    RUN(setup);
    RUN(test_unchanged_counters_not_written);
    RUN(test_restart_counts_on);
    RUN(test_failed_write_writes_all_again);
    RUN(test_rebuild_then_count_on);
    rg_t_local_close(&L, true);
    return rg_t_exit();
}
