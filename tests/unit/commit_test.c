/*
 * commit_test.c - the group commit of core/commit.h, in an in-process
 * engine on a real RocksDB: the commands submitted in one loop turn are
 * applied into the open commit and land in one commit, their replies held
 * until it is durable; commands arriving while a commit is in flight fill
 * the next one; a listener registered through the listener table hears of
 * each commit sealed and made durable, and of failures; an injected write
 * failure answers every command of the failed commit - and of the open one
 * built on top of it - with storage_error, reloads the state from the log
 * (nothing of them visible, positions and case numbers reused), and the
 * engine goes on; a waiter added to the open commit gets its (copied)
 * reply only when that commit is durable.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/core/commit.h"
#include "../../engine/core/state.h"

static rg_t_local L;
static char pol[128], mgr[128];

/* Run the loop until *done reaches n, at most 30 s by the wall clock: a
 * reply that never comes fails the test instead of hanging the suite. */
static uv_timer_t watchdog;
static bool timed_out;
static void watchdog_cb(uv_timer_t *t)
{
    (void)t;
    timed_out = true;
}

static bool run_until(int *done, int n)
{
    timed_out = false;
    uv_timer_start(&watchdog, watchdog_cb, 30000, 0);
    while (*done < n && !timed_out) uv_run(&L.loop, UV_RUN_ONCE);
    uv_timer_stop(&watchdog);
    if (timed_out) printf("  %d of %d replies after 30 s\n", *done, n);
    return !timed_out;
}

/* ---- a listener that records what the core tells it ---- */

#define MAXC 32
static struct {
    int sealed, durable, failed;
    size_t sealed_writes[MAXC];      /* nwrites of each commit sealed */
    size_t durable_writes[MAXC];
    bool inflight_when_sealed[MAXC]; /* rg_commit_inflight() was that commit */
    rg_commit *open_after_seal[MAXC]; /* the open commit made when it was sealed */
    int submit_on_seal;              /* submit this many reports at the next seal */
    rg_t_reply *late;                /* their replies */
    int *late_done;
    char failed_err[64];
} S;

static unsigned reqno;
static rg_buf late_req;

static void submit_report(rg_buf *b, rg_t_reply *out, int *done)
{
    char req[32], name[32];
    snprintf(req, sizeof req, "c%u", ++reqno);
    snprintf(name, sizeof name, "Person %u", reqno);
    rg_buf_reset(b);
    rg_t_report_req(b, pol, req, name);
    rg_t_local_submit(&L, b, out, done);
}

static void on_sealed(void *ud, rg_engine *e, rg_commit *t)
{
    (void)ud;
    if (S.sealed < MAXC) {
        S.sealed_writes[S.sealed] = t->nwrites;
        S.inflight_when_sealed[S.sealed] = rg_commit_inflight(e) == t;
        S.open_after_seal[S.sealed] = rg_commit_current(e);
    }
    S.sealed++;
    /* Commands that arrive while t is in flight. */
    int n = S.submit_on_seal;
    S.submit_on_seal = 0;
    for (int i = 0; i < n; i++) submit_report(&late_req, &S.late[i], S.late_done);
}

static void on_durable(void *ud, rg_engine *e, rg_commit *t)
{
    (void)ud;
    (void)e;
    if (S.durable < MAXC) S.durable_writes[S.durable] = t->nwrites;
    S.durable++;
}

static void on_failed(void *ud, rg_engine *e, const uint8_t *err, size_t n)
{
    (void)ud;
    (void)e;
    S.failed++;
    /* The reply the failed commands got: an error map. */
    rg_doc *d;
    const char *why;
    S.failed_err[0] = 0;
    if (rg_doc_parse(&d, err, n, &why) == 0) {
        rg_val_strcpy(rg_map_get(rg_doc_root(d), "error"), S.failed_err, sizeof S.failed_err);
        rg_doc_free(d);
    }
}

static const rg_listener_ops test_ops = {"commit_test", on_sealed, on_durable, on_failed, NULL, NULL};

static void reset_counts(void)
{
    rg_t_local_settle(&L);
    memset(&S, 0, sizeof S);
}

static void query(const char *token, const char *op, const char *case_id, rg_t_reply *r)
{
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, op, token, NULL, case_id, -1, -1);
    rg_t_local_send(&L, &b, r);
    rg_buf_free(&b);
}

static uint64_t total_cases(void)
{
    rg_t_reply r = {0};
    query(mgr, "stats", NULL, &r);
    uint64_t n = rg_t_uint(&r, "total");
    rg_t_reply_free(&r);
    return n;
}

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    rg_t_local_actor(&L, "pol1", "partner", "police", pol);
    rg_t_local_actor(&L, "mgr1", "manager", "zvh", mgr);
    REQUIRE(pol[0] && mgr[0]);
    REQUIRE(rg_engine_listen(L.e, &test_ops, NULL) == 0);
    uv_timer_init(&L.loop, &watchdog);
}

#define GROUP 6

static void test_one_turn_one_commit(void)
{
    reset_counts();
    uint64_t commits0 = rg_engine_commits(L.e), head0 = rg_engine_head(L.e);
    CHECK(!rg_engine_busy(L.e) && rg_commit_newest(L.e) == NULL && rg_commit_inflight(L.e) == NULL);
    rg_buf b = RG_BUF_INIT;
    static rg_t_reply r[GROUP];
    static int done;
    done = 0;
    for (int i = 0; i < GROUP; i++) submit_report(&b, &r[i], &done);
    /* All applied into the open commit; no reply has left, none is written. */
    CHECK(done == 0);
    CHECK(rg_commit_current(L.e)->nwrites == GROUP);
    CHECK(rg_commit_current(L.e)->nevents == GROUP);
    CHECK(rg_commit_newest(L.e) == rg_commit_current(L.e));
    CHECK(rg_engine_busy(L.e));
    CHECK(rg_engine_head(L.e) == head0 + GROUP);      /* positions taken in memory */
    CHECK(S.sealed == 0);
    REQUIRE(run_until(&done, GROUP));
    CHECK(rg_engine_commits(L.e) - commits0 == 1);
    CHECK(S.sealed == 1 && S.sealed_writes[0] == GROUP && S.inflight_when_sealed[0]);
    CHECK(S.durable == 1 && S.durable_writes[0] == GROUP);
    CHECK(S.failed == 0);
    /* Every one answered ok, at gapless positions. */
    bool seen[GROUP] = {false};
    for (int i = 0; i < GROUP; i++) {
        CHECK(rg_t_ok(&r[i]));
        uint64_t seq = rg_t_uint(&r[i], "seq");
        if (seq > head0 && seq <= head0 + GROUP) seen[seq - head0 - 1] = true;
        rg_t_reply_free(&r[i]);
    }
    for (int i = 0; i < GROUP; i++) CHECK(seen[i]);
    rg_t_local_settle(&L);
    CHECK(rg_commit_newest(L.e) == NULL && !rg_engine_busy(L.e));
    rg_buf_free(&b);
}

static void test_arrivals_fill_the_next_commit(void)
{
    reset_counts();
    uint64_t commits0 = rg_engine_commits(L.e), head0 = rg_engine_head(L.e);
    rg_buf b = RG_BUF_INIT;
    static rg_t_reply first[2], late[3];
    static int done;
    done = 0;
    S.submit_on_seal = 3;              /* arrive while the first commit is written */
    S.late = late;
    S.late_done = &done;
    for (int i = 0; i < 2; i++) submit_report(&b, &first[i], &done);
    REQUIRE(run_until(&done, 5));
    CHECK(rg_engine_commits(L.e) - commits0 == 2);
    CHECK(S.sealed == 2);
    CHECK(S.sealed_writes[0] == 2 && S.sealed_writes[1] == 3);
    CHECK(S.durable == 2 && S.durable_writes[0] == 2 && S.durable_writes[1] == 3);
    for (int i = 0; i < 2; i++) {
        CHECK(rg_t_ok(&first[i]) && rg_t_uint(&first[i], "seq") <= head0 + 2);
        rg_t_reply_free(&first[i]);
    }
    for (int i = 0; i < 3; i++) {
        CHECK(rg_t_ok(&late[i]) && rg_t_uint(&late[i], "seq") > head0 + 2);
        rg_t_reply_free(&late[i]);
    }
    CHECK(rg_engine_head(L.e) == head0 + 5);
    rg_buf_free(&b);
    rg_buf_free(&late_req);
}

static void test_write_failure_answers_every_command(void)
{
    reset_counts();
    uint64_t commits0 = rg_engine_commits(L.e), head0 = rg_engine_head(L.e);
    uint64_t total0 = total_cases();
    unsigned first_req = reqno + 1;
    rg_log_fail_write(rg_engine_log(L.e), 1);
    rg_buf b = RG_BUF_INIT;
    static rg_t_reply r[GROUP];
    static int done;
    done = 0;
    for (int i = 0; i < GROUP; i++) submit_report(&b, &r[i], &done);
    REQUIRE(run_until(&done, GROUP));
    for (int i = 0; i < GROUP; i++) {
        CHECK(strcmp(rg_t_err(&r[i]), "storage_error") == 0);
        rg_t_reply_free(&r[i]);
    }
    CHECK(S.failed == 1 && strcmp(S.failed_err, "storage_error") == 0);
    CHECK(S.durable == 0);
    CHECK(rg_engine_commits(L.e) == commits0);
    /* The state was reloaded from the log: nothing of them is seen. */
    CHECK(rg_engine_head(L.e) == head0);
    CHECK(total_cases() == total0);
    rg_t_reply q = {0};
    /* The engine goes on: the same request again is written, at the
     * position and with the case number the failed one did not keep. */
    rg_t_local_settle(&L);                           /* the refused read's audit record */
    uint64_t commits1 = rg_engine_commits(L.e);
    char req[32];
    snprintf(req, sizeof req, "c%u", first_req);
    rg_buf_reset(&b);
    rg_t_report_req(&b, pol, req, "again");
    rg_t_local_send(&L, &b, &q);
    CHECK(rg_t_ok(&q) && rg_t_uint(&q, "seq") == head0 + 1);
    CHECK(rg_t_uint(&q, "number") == total0 + 1);
    rg_t_reply_free(&q);
    CHECK(rg_engine_commits(L.e) == commits1 + 1);
    rg_buf_free(&b);
}

static void test_failure_takes_the_open_commit_too(void)
{
    /* The commit in flight fails while commands have been applied on top
     * of it in the open one: both are answered storage_error. */
    reset_counts();
    uint64_t head0 = rg_engine_head(L.e), total0 = total_cases();
    rg_log_fail_write(rg_engine_log(L.e), 1);
    rg_buf b = RG_BUF_INIT;
    static rg_t_reply first[2], late[3];
    static int done;
    done = 0;
    S.submit_on_seal = 3;
    S.late = late;
    S.late_done = &done;
    for (int i = 0; i < 2; i++) submit_report(&b, &first[i], &done);
    REQUIRE(run_until(&done, 5));
    CHECK(S.sealed == 1);                            /* the open one was never sealed */
    CHECK(S.failed == 1 && S.durable == 0);
    for (int i = 0; i < 2; i++) {
        CHECK(strcmp(rg_t_err(&first[i]), "storage_error") == 0);
        rg_t_reply_free(&first[i]);
    }
    for (int i = 0; i < 3; i++) {
        CHECK(strcmp(rg_t_err(&late[i]), "storage_error") == 0);
        rg_t_reply_free(&late[i]);
    }
    CHECK(rg_engine_head(L.e) == head0);
    CHECK(total_cases() == total0);
    CHECK(!rg_engine_busy(L.e));
    /* And the log's hash chain is whole. */
    rg_t_reply q = {0};
    query(L.admin, "log.verify", NULL, &q);
    CHECK(rg_t_ok(&q) && rg_t_uint(&q, "checked") == head0);
    CHECK(rg_val_type(rg_t_get(&q, "broken")) == RG_VNIL);
    rg_t_reply_free(&q);
    rg_buf_free(&b);
    rg_buf_free(&late_req);
}

/* A waiter of our own on the open commit. */
static int own_calls;
static uint8_t own_bytes[16];
static size_t own_len;
static bool own_durable_first;
static uint64_t own_commits0;

static void own_reply(void *ud, const uint8_t *p, size_t n)
{
    (void)ud;
    own_calls++;
    own_len = n < sizeof own_bytes ? n : sizeof own_bytes;
    memcpy(own_bytes, p, own_len);
    /* Called when the commit's replies are released: it is on disk. */
    own_durable_first = rg_engine_commits(L.e) == own_commits0 + 1;
}

static void test_waiter_released_when_durable(void)
{
    reset_counts();
    own_commits0 = rg_engine_commits(L.e);
    uint8_t bytes[4] = {1, 2, 3, 4};
    rg_commit_add_waiter(rg_commit_current(L.e), own_reply, NULL, bytes, sizeof bytes);
    memset(bytes, 0, sizeof bytes);                  /* copied: ours to change */
    /* A waiter alone holds no write: nothing to seal, no reply yet. */
    CHECK(!rg_engine_busy(L.e));
    uv_run(&L.loop, UV_RUN_NOWAIT);
    CHECK(own_calls == 0);
    /* A command's writes in the same commit: both leave once durable. */
    rg_buf b = RG_BUF_INIT;
    static rg_t_reply r;
    static int done;
    done = 0;
    submit_report(&b, &r, &done);
    CHECK(own_calls == 0);
    REQUIRE(run_until(&done, 1));
    CHECK(rg_t_ok(&r));
    CHECK(own_calls == 1 && own_len == 4 && memcmp(own_bytes, "\1\2\3\4", 4) == 0);
    CHECK(own_durable_first);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
}

/* A durable commit is emptied and kept: the next commit made is that one,
 * with the memory its batch, replies and arrays grew into (issue 23), and
 * nothing of what it held. */
static void test_durable_commit_is_reused(void)
{
    reset_counts();
    rg_buf b = RG_BUF_INIT;
    static rg_t_reply r[GROUP];
    static int done;
    done = 0;
    for (int i = 0; i < GROUP; i++) submit_report(&b, &r[i], &done);
    REQUIRE(run_until(&done, GROUP));
    rg_t_local_settle(&L);
    rg_commit *sp = L.e->spare;
    REQUIRE(sp != NULL);
    CHECK(sp != rg_commit_current(L.e) && sp != rg_commit_inflight(L.e));
    CHECK(sp->nwaiters == 0 && sp->nevents == 0 && sp->nidem == 0 && sp->nwrites == 0 && sp->naudit == 0);
    CHECK(rg_batch_count(sp->batch) == 0 && rg_batch_bytes(sp->batch) == 0 && sp->replies.len == 0);
    CHECK(sp->capwaiters >= GROUP && sp->replies.cap > 0 && sp->capevents >= GROUP);
    CHECK(!sp->poisoned && sp->shred.len == 0);
    for (int i = 0; i < GROUP; i++) rg_t_reply_free(&r[i]);
    /* The next commit sealed makes the spare the open one; every reply
     * its commands get is their own. */
    reset_counts();
    uint64_t head0 = rg_engine_head(L.e);
    done = 0;
    for (int i = 0; i < GROUP; i++) submit_report(&b, &r[i], &done);
    REQUIRE(run_until(&done, GROUP));
    CHECK(S.sealed >= 1 && S.open_after_seal[0] == sp);
    bool seen[GROUP] = {false};
    for (int i = 0; i < GROUP; i++) {
        CHECK(rg_t_ok(&r[i]));
        uint64_t seq = rg_t_uint(&r[i], "seq");
        if (seq > head0 && seq <= head0 + GROUP) {
            CHECK(!seen[seq - head0 - 1]);
            seen[seq - head0 - 1] = true;
        }
        rg_t_reply_free(&r[i]);
    }
    for (int i = 0; i < GROUP; i++) CHECK(seen[i]);
    rg_buf_free(&b);
}

static void test_listener_table_is_bounded(void)
{
    /* The services and this test take some places; the rest can be taken
     * and the next one is refused. */
    static const rg_listener_ops noop = {"noop", NULL, NULL, NULL, NULL, NULL};
    static int slot[101];                 /* each its own listener: one ud apiece */
    int added = 0, rc;
    while ((rc = rg_engine_listen(L.e, &noop, &slot[added])) == 0 && added < 100) added++;
    CHECK(rc < 0 && added < RG_MAX_LISTENERS);
}

int main(void)
{
    RUN(setup);
    RUN(test_one_turn_one_commit);
    RUN(test_arrivals_fill_the_next_commit);
    RUN(test_write_failure_answers_every_command);
    RUN(test_failure_takes_the_open_commit_too);
    RUN(test_waiter_released_when_durable);
    RUN(test_durable_commit_is_reused);
    RUN(test_listener_table_is_bounded);
    if (L.e) uv_close((uv_handle_t *)&watchdog, NULL);
    rg_t_local_close(&L, true);
    return rg_t_exit();
}
