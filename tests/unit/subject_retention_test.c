/*
 * subject_retention_test.c - a data-subject request case keeps the person
 * no longer than needed (issue 20, finding 7), in process on a real
 * RocksDB: a decided request is erasable by a manager (an open one is not),
 * and the engine erases it by itself a year after its decision, or after
 * what norm.subject.retention in --config says; after either, its BSN is in
 * no reply (a repeat of the request included) and in no file.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../test.h"
#include "../../engine/storage/log.h"
#include "steps.h"

#define BSN "581736291"
#define DAY 86400000ULL

static char mgr[128];

/* subject.request, its bytes kept in saved (to send again). */
static void request(const char *kind, char *id, rg_buf *saved)
{
    static int n;
    char rq[32];
    snprintf(rq, sizeof rq, "q%d", ++n);
    rg_buf_reset(&B);
    rg_req_envelope(&B, "subject.request", mgr, rq, NULL, -1, 2);
    rg_w_kstr(&B, "kind", kind);
    rg_w_cstr(&B, "person");
    rg_w_map(&B, 1);
    rg_w_kstr(&B, "bsn", BSN);
    if (saved) {
        rg_buf_reset(saved);
        rg_buf_append(saved, B.data, B.len);
    }
    id[0] = '\0';
    if (!send_req()[0]) snprintf(id, 32, "%s", rg_t_str(&R, "request"));
}

static const char *decide(const char *id)
{
    rg_buf *b = req(mgr, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", id);
    rg_w_kbool(b, "granted", true);
    return send_req();
}

static bool erased(const char *id)
{
    bool e = false;
    return query(mgr, "case.get", id)[0] == 0 && rg_val_bool(rg_map_get(rg_t_get(&R, "case"), "erased"), &e) && e;
}

/* The request shows its person nowhere: case.get, case.history, a repeat. */
static void check_gone(const char *id, const rg_buf *saved)
{
    CHECK(query(mgr, "case.get", id)[0] == 0 && !rg_t_holds(R.bytes, R.len, BSN));
    CHECK(query(mgr, "case.history", id)[0] == 0 && !rg_t_holds(R.bytes, R.len, BSN));
    rg_buf_reset(&B);
    rg_buf_append(&B, saved->data, saved->len);
    CHECK(send_req()[0] == 0 && !rg_t_holds(R.bytes, R.len, BSN));
}

static void advance(uint64_t ms)
{
    rg_w_kuint(req(L.admin, "clock.advance", NULL, 1), "ms", ms);
    CHECK(send_req()[0] == 0);
}

static void test_decided_request_is_erasable(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char *dir = strdup(L.dir);
    actor_in("mgr", "manager", "zvh-tilburg", "tilburg", NULL, mgr);
    rg_buf saved = RG_BUF_INIT;
    char id[32];
    request("access", id, &saved);
    REQUIRE(id[0]);
    CHECK(query(mgr, "case.get", id)[0] == 0 && rg_t_holds(R.bytes, R.len, BSN));
    rg_w_kstr(req(mgr, "case.erase", id, 1), "ground", "no longer needed");
    FAILS("guard_failed", "request");                     /* still to be answered */
    REQUIRE(decide(id)[0] == 0);
    rg_w_kstr(req(mgr, "case.erase", id, 1), "ground", "answered; no longer needed");
    OK();
    CHECK(erased(id));
    check_gone(id, &saved);
    for (int cf = 0; cf < RG_CF_COUNT; cf++) CHECK(rg_log_shred(rg_engine_log(L.e), cf, "", 0, NULL, 0) == 0);
    rg_t_local_close(&L, false);
    CHECK(!rg_t_found_in(dir, BSN));
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    check_gone(id, &saved);
    REQUIRE(query(L.admin, "log.verify", NULL)[0] == 0);
    bool intact = false;
    CHECK(rg_val_bool(rg_t_get(&R, "intact"), &intact) && intact);
    rg_t_local_close(&L, true);
    free(dir);
    rg_buf_free(&saved);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

static void test_retention_erases_requests(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    actor_in("mgr", "manager", "zvh-tilburg", "tilburg", NULL, mgr);
    rg_buf saved = RG_BUF_INIT;
    char id[32], open_id[32];
    request("objection", open_id, NULL);          /* undecided: kept, stagnating */
    request("access", id, &saved);
    REQUIRE(id[0] && open_id[0]);
    REQUIRE(decide(id)[0] == 0);
    advance(300 * DAY);
    CHECK(!erased(id));
    advance(70 * DAY);                            /* a year and a few days after the decision */
    CHECK(erased(id));
    CHECK(!erased(open_id));
    check_gone(id, &saved);
    rg_t_local_close(&L, true);

    /* A region keeps its requests two months. */
    char *conf = rg_t_write_file("regie.conf", "[tilburg]\nnorm.subject.retention = 2\n");
    REQUIRE(conf);
    rg_t_config = conf;
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    rg_t_config = NULL;
    actor_in("mgr", "manager", "zvh-tilburg", "tilburg", NULL, mgr);
    request("access", id, &saved);
    REQUIRE(id[0]);
    REQUIRE(decide(id)[0] == 0);
    advance(40 * DAY);
    CHECK(!erased(id));
    advance(25 * DAY);
    CHECK(erased(id));
    check_gone(id, &saved);
    rg_t_local_close(&L, true);
    char *slash = strrchr(conf, '/');
    *slash = '\0';
    rg_t_rmrf(conf);
    free(conf);
    rg_buf_free(&saved);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

int main(void)
{
    RUN(test_decided_request_is_erasable);
    RUN(test_retention_erases_requests);
    return rg_t_exit();
}
