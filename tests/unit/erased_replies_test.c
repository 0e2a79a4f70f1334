/*
 * erased_replies_test.c - erased data must not survive in a stored reply
 * (issue 20, finding 2), in process on a real RocksDB: a case with a
 * distinctive name, BSN and classified answer, an access request decided
 * (its reply exports the case), then the case erased on a granted request.
 * Every request that touched the case is sent again byte for byte: before
 * the erasure each gets its first reply byte for byte; after it, and after a
 * restart, none of them shows the name, the BSN or the answer; and after a
 * forced compaction no file under the data directory holds them.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../test.h"
#include "../../engine/storage/log.h"
#include "steps.h"

#define NAME "Zebulon Quaxwerth"
#define BSN "739201840"
#define SECRET "clozapine-regimen"

static char pol[128], ggz[128], pr[128], mgr[128];

/* The requests sent, byte for byte, with their first replies. */
#define MAXJ 32
static struct { uint8_t *req, *reply; size_t rn, pn; } J[MAXJ];
static int nj;

static const char *send_j(void)
{
    const char *e = send_req();
    if (!e[0] && nj < MAXJ) {
        J[nj].req = malloc(B.len);
        memcpy(J[nj].req, B.data, B.len);
        J[nj].rn = B.len;
        J[nj].reply = malloc(R.len);
        memcpy(J[nj].reply, R.bytes, R.len);
        J[nj].pn = R.len;
        nj++;
    }
    return e;
}

#define JOK() do { const char *e_ = send_j(); if (e_[0]) { \
    printf("  %s:%d: %s: %s\n", __FILE__, __LINE__, e_, rg_t_str(&R, "message")); \
    rg_t_failed = 1; return; } } while (0)

/* Resend every journalled request; count the replies that are not ok and
 * those that show s1, s2 or s3; with same, those that differ from the first. */
static void resend_all(int *bad, int *leaks, int *differ)
{
    *bad = *leaks = *differ = 0;
    for (int i = 0; i < nj; i++) {
        rg_buf_reset(&B);
        rg_buf_append(&B, J[i].req, J[i].rn);
        if (send_req()[0]) (*bad)++;
        if (rg_t_holds(R.bytes, R.len, NAME) || rg_t_holds(R.bytes, R.len, BSN) || rg_t_holds(R.bytes, R.len, SECRET)) {
            (*leaks)++;
            printf("  repeat %d shows erased data\n", i);
        }
        if (R.len != J[i].pn || memcmp(R.bytes, J[i].reply, R.len) != 0) (*differ)++;
    }
}

static void request(const char *kind, char *id)
{
    static int n;
    char rq[32];
    snprintf(rq, sizeof rq, "s%d", ++n);
    rg_buf_reset(&B);
    rg_req_envelope(&B, "subject.request", mgr, rq, NULL, -1, 2);
    rg_w_kstr(&B, "kind", kind);
    rg_w_cstr(&B, "person");
    rg_w_map(&B, 1);
    rg_w_kstr(&B, "bsn", BSN);
    id[0] = '\0';
    if (!send_req()[0]) snprintf(id, 32, "%s", rg_t_str(&R, "request"));
}

static void test_no_reply_keeps_erased_data(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char *dir = strdup(L.dir);
    actor_in("pol", "partner", "police", "tilburg", NULL, pol);
    actor_in("ggz", "partner", "ggz", "tilburg", NULL, ggz);
    actor_in("pr", "procesregisseur", "zvh-tilburg", "tilburg", NULL, pr);
    actor_in("mgr", "manager", "zvh-tilburg", "tilburg", NULL, mgr);

    rg_buf *b = req(pol, "case.report", NULL, 5);
    rg_w_kstr(b, "target_group", "verward_gedrag");
    rg_w_kstr(b, "summary", "incidents at home");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 3);
    rg_w_kstr(b, "name", NAME);
    rg_w_kstr(b, "bsn", BSN);
    rg_w_kstr(b, "birth_date", "1980-02-02");
    JOK();
    char a[32];
    snprintf(a, sizeof a, "%s", rg_t_str(&R, "case"));
    CHECK(rg_t_holds(R.bytes, R.len, NAME));                  /* the reporter sees whom it reported */
    rg_w_kstr(req(pr, "case.assign", a, 1), "procesregisseur", "pr");
    JOK();
    req(pr, "intake.start", a, 0);
    JOK();
    b = req(pr, "intake.decide", a, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "r");
    rg_t_w_list(b, "criteria", "multi_domain");
    JOK();
    b = req(pr, "info.request", a, 2);
    rg_w_kstr(b, "org", "ggz");
    rg_w_kstr(b, "question", "q");
    JOK();
    b = req(ggz, "info.provide", a, 3);
    rg_w_kstr(b, "request", "R1");
    rg_w_kstr(b, "answer", NAME " is on a " SECRET);
    rg_w_kstr(b, "class", "special");
    JOK();
    CHECK(rg_t_holds(R.bytes, R.len, SECRET));
    /* The export holds what its decider may read (issue 20, finding 1): ggz
     * releases the answer to the ZVH's managers (not journalled: its reply
     * shows nothing of the person). */
    uint64_t answer_seq = rg_t_uint(&R, "seq");
    b = req(ggz, "item.release", a, 2);
    rg_w_kuint(b, "seq", answer_seq);
    rg_t_w_list(b, "orgs", "zvh-tilburg");
    OK();

    /* Access granted: the decision's reply exports the case, person and all. */
    char rq[32];
    request("access", rq);
    REQUIRE(rq[0]);
    b = req(mgr, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", true);
    JOK();
    CHECK(rg_t_holds(R.bytes, R.len, NAME) && rg_t_holds(R.bytes, R.len, BSN) && rg_t_holds(R.bytes, R.len, SECRET));

    /* Before the erasure a repeat gets its first reply, byte for byte. */
    int bad, leaks, differ;
    resend_all(&bad, &leaks, &differ);
    CHECK(bad == 0 && differ == 0);
    CHECK(leaks == 3);           /* the report, the answer, the export: sanity of the search */

    /* Erased on a granted request. */
    request("erasure", rq);
    REQUIRE(rq[0]);
    b = req(mgr, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", true);
    JOK();
    b = req(mgr, "case.erase", a, 2);
    rg_w_kstr(b, "ground", "GDPR art. 17");
    rg_w_kstr(b, "request", rq);
    JOK();

    resend_all(&bad, &leaks, &differ);
    CHECK(bad == 0);
    CHECK(leaks == 0);
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    resend_all(&bad, &leaks, &differ);
    CHECK(bad == 0);
    CHECK(leaks == 0);
    /* The export still answers, the case in it without its person. */
    rg_buf_reset(&B);
    rg_buf_append(&B, J[6].req, J[6].rn);
    REQUIRE(send_req()[0] == 0);
    const rg_val *cases = rg_t_get(&R, "cases");
    CHECK(rg_array_size(cases) == 1 && rg_val_is_str(rg_map_get(rg_array_at(cases, 0), "case"), a) &&
          rg_array_size(rg_map_get(rg_array_at(cases, 0), "events")) >= 6);

    /* Every file, everything flushed and compacted. */
    for (int cf = 0; cf < RG_CF_COUNT; cf++) CHECK(rg_log_shred(rg_engine_log(L.e), cf, "", 0, NULL, 0) == 0);
    rg_t_local_close(&L, false);
    CHECK(!rg_t_found_in(dir, NAME));
    CHECK(!rg_t_found_in(dir, BSN));
    CHECK(!rg_t_found_in(dir, SECRET));
    rg_t_rmrf(dir);
    free(dir);
    for (int i = 0; i < nj; i++) {
        free(J[i].req);
        free(J[i].reply);
    }
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

/* A correction after the erasure would record the person again, and with
 * no key to seal it under: refused, and the name is in no file. */
static void test_no_personal_data_after_erasure(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char *dir = strdup(L.dir);
    actor_in("pol", "partner", "police", "tilburg", NULL, pol);
    actor_in("mgr", "manager", "zvh-tilburg", "tilburg", NULL, mgr);
    rg_buf *b = req(pol, "case.report", NULL, 5);
    rg_w_kstr(b, "target_group", "verward_gedrag");
    rg_w_kstr(b, "summary", "incidents at home");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 2);
    rg_w_kstr(b, "name", "Old Name");
    rg_w_kstr(b, "bsn", BSN);
    OK();
    char a[32], rq[32];
    snprintf(a, sizeof a, "%s", rg_t_str(&R, "case"));
    const char *kinds[] = {"rectification", "erasure"};
    for (int i = 0; i < 2; i++) {
        request(kinds[i], rq);
        REQUIRE(rq[0]);
        b = req(mgr, "subject.decide", NULL, 2);
        rg_w_kstr(b, "request", rq);
        rg_w_kbool(b, "granted", true);
        OK();
    }
    b = req(mgr, "case.erase", a, 2);
    rg_w_kstr(b, "ground", "GDPR art. 17");
    rg_w_kstr(b, "request", rq);
    OK();
    b = req(mgr, "subject.correct", a, 1);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 1);
    rg_w_kstr(b, "name", NAME);
    FAILS("guard_failed", "erased");
    for (int cf = 0; cf < RG_CF_COUNT; cf++) CHECK(rg_log_shred(rg_engine_log(L.e), cf, "", 0, NULL, 0) == 0);
    rg_t_local_close(&L, false);
    CHECK(!rg_t_found_in(dir, NAME));
    rg_t_rmrf(dir);
    free(dir);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

int main(void)
{
    RUN(test_no_reply_keeps_erased_data);
    RUN(test_no_personal_data_after_erasure);
    return rg_t_exit();
}
