/*
 * stats_region_test.c - what `stats` tells a region of another (issue 20,
 * finding 14), in process on a real RocksDB: `events` counts the events of
 * the caller's region's cases it may see (covenant cases only for covenant
 * holders), so a breda manager no longer watches tilburg's volume grow; the
 * engine's own figures (the log's head, group commit, deadline lateness)
 * are its operator's alone.  The counts add up to the log's head, live,
 * after the deadline service fired, after a restart and after a rebuild.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "steps.h"

static char polT[128], mgrT[128], mgrTc[128], prT[128], polB[128], mgrB[128];

static uint64_t events_of(const char *token)
{
    if (query(token, "stats", NULL)[0]) return UINT64_MAX;
    return rg_t_uint(&R, "events");
}

static void report_as(const char *token, const char *target_group, char *id)
{
    static int n;
    char rq[32];
    snprintf(rq, sizeof rq, "s%d", ++n);
    rg_buf_reset(&B);
    rg_t_report_req(&B, token, rq, "Some Person");
    if (target_group) {
        /* the same report, of another target group */
        rg_buf_reset(&B);
        rg_req_envelope(&B, "case.report", token, rq, NULL, -1, 5);
        rg_w_kstr(&B, "target_group", target_group);
        rg_w_kstr(&B, "summary", "worrying statements");
        rg_w_kstr(&B, "urgency", "normal");
        rg_w_kbool(&B, "informed", true);
        rg_w_cstr(&B, "subject");
        rg_w_map(&B, 2);
        rg_w_kstr(&B, "name", "Some Person");
        rg_w_kstr(&B, "birth_date", "1990-01-01");
    }
    id[0] = '\0';
    if (send_req()[0] == 0) snprintf(id, 32, "%s", rg_t_str(&R, "case"));
}

/* The log's head and the regions' counts agree: every event is on a case,
 * and every case is in one region. */
static void check_sums(const char *when)
{
    uint64_t t = events_of(mgrTc), b = events_of(mgrB);
    REQUIRE(query(L.admin, "stats", NULL)[0] == 0);
    uint64_t head = rg_t_uint(&R, "log_head");
    if (t + b != head) printf("  %s: tilburg %llu + breda %llu != head %llu\n", when, (unsigned long long)t,
                              (unsigned long long)b, (unsigned long long)head);
    CHECK(t + b == head && head > 0);
}

static void test_events_are_the_regions(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char *dir = strdup(L.dir);
    actor_in("polT", "partner", "police", "tilburg", NULL, polT);
    actor_in("mgrT", "manager", "zvh-tilburg", "tilburg", NULL, mgrT);
    actor_in("mgrTc", "manager", "zvh-tilburg", "tilburg", "radicalisering", mgrTc);
    actor_in("prT", "procesregisseur", "zvh-tilburg", "tilburg", NULL, prT);
    actor_in("polB", "partner", "police", "breda", NULL, polB);
    actor_in("mgrB", "manager", "zvh-breda", "breda", NULL, mgrB);
    char a[32], cov[32], bc[32];
    report_as(polT, NULL, a);
    report_as(polT, "radicalisering", cov);
    REQUIRE(a[0] && cov[0]);
    rg_w_kstr(req(prT, "case.assign", a, 1), "procesregisseur", "prT");
    OK();
    uint64_t t0 = events_of(mgrT), tc0 = events_of(mgrTc), b0 = events_of(mgrB);
    CHECK(t0 == 2);                       /* the ordinary case: reported, assigned */
    CHECK(tc0 == 3);                      /* and the covenant case, for its holders */
    CHECK(b0 == 0);
    /* Breda's work is not tilburg's figure, and the other way round. */
    report_as(polB, NULL, bc);
    REQUIRE(bc[0]);
    CHECK(events_of(mgrT) == t0);
    CHECK(events_of(mgrB) == b0 + 1);
    req(prT, "intake.start", a, 0);
    OK();
    CHECK(events_of(mgrB) == b0 + 1);
    CHECK(events_of(mgrT) == t0 + 1);
    /* The engine's own figures are its operator's. */
    REQUIRE(query(mgrB, "stats", NULL)[0] == 0);
    CHECK(!rg_t_get(&R, "log_head") && !rg_t_get(&R, "group_commit") && !rg_t_get(&R, "deadline_lateness_ms"));
    REQUIRE(query(L.admin, "stats", NULL)[0] == 0);
    CHECK(rg_t_get(&R, "log_head") && rg_t_get(&R, "group_commit"));
    check_sums("live");
    /* Events the engine appends itself (stagnations, escalations) count
     * for their case's region. */
    clock_to(clock_now() + 60ULL * 86400000ULL);
    check_sums("after the deadlines fired");
    CHECK(events_of(mgrB) > b0 + 1);      /* breda's intake norm passed too */
    uint64_t t1 = events_of(mgrTc), b1 = events_of(mgrB);
    /* Kept across a restart, and a rebuild gives the same. */
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    CHECK(events_of(mgrTc) == t1 && events_of(mgrB) == b1);
    uint64_t n = 0;
    REQUIRE(rg_replay_rebuild(L.e, &n) == 0);
    CHECK(events_of(mgrTc) == t1 && events_of(mgrB) == b1);
    check_sums("after a rebuild");
    rg_t_local_close(&L, true);
    free(dir);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

int main(void)
{
    RUN(test_events_are_the_regions);
    return rg_t_exit();
}
