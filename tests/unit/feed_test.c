/*
 * feed_test.c - the feed service of services/feed.h in an in-process
 * engine: feed.read pages by role (a manager every event, a partner the
 * cases its org takes part in from the version it joined, a procesregisseur
 * the cases assigned to them), in log order, with `next` chaining pages
 * without a gap or a repeat; an empty page says where it stands; a
 * long-poll parked until an event it may see is durable (an event it may
 * not see runs it again and parks it again), answered empty when its wait
 * passes, and answered when the engine closes; a read fault is
 * storage_error, not an empty page.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/services/feed.h"

static rg_t_local L;
static rg_buf B;
static rg_t_reply R;
static char pol[128], ggz[128], prA[128], prB[128], mgr[128];
static uint64_t s[16];              /* positions of the events of the scenario */

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

static rg_feed *feed(void) { return rg_services_feed(L.e); }

static void feed_req(const char *token, uint64_t after, uint64_t limit, uint64_t wait_ms)
{
    int n = (after ? 1 : 0) + (limit ? 1 : 0) + (wait_ms ? 1 : 0);
    rg_buf_reset(&B);
    rg_req_envelope(&B, "feed.read", token, NULL, NULL, -1, n);
    if (after) rg_w_kuint(&B, "after", after);
    if (limit) rg_w_kuint(&B, "limit", limit);
    if (wait_ms) rg_w_kuint(&B, "wait_ms", wait_ms);
}

/* The positions of the events of a feed.read reply, and its next. */
static size_t seqs_of(const rg_t_reply *r, uint64_t *out, size_t cap, uint64_t *next)
{
    const rg_val *evs = rg_t_get(r, "events");
    size_t n = rg_array_size(evs);
    for (size_t i = 0; i < n && i < cap; i++) {
        out[i] = 0;
        rg_val_uint(rg_map_get(rg_array_at(evs, (uint32_t)i), "seq"), &out[i]);
    }
    *next = rg_t_uint(r, "next");
    return n;
}

/* Read token's whole feed in pages of `limit`, checking each page's next. */
static size_t read_all(const char *token, uint32_t limit, uint64_t *out, size_t cap)
{
    size_t total = 0;
    uint64_t after = 0;
    for (int pages = 0; pages < 50; pages++) {
        feed_req(token, after, limit, 0);
        const char *err = rg_t_local_send(&L, &B, &R);
        if (err[0]) {
            printf("  feed.read: %s: %s\n", err, rg_t_str(&R, "message"));
            rg_t_failed = 1;
            return total;
        }
        uint64_t page[64], next;
        size_t n = seqs_of(&R, page, 64, &next);
        if (n > limit) {
            printf("  a page of %zu events, limit %u\n", n, limit);
            rg_t_failed = 1;
        }
        if (n == 0) {
            /* An empty page stays where it was asked from. */
            if (next != after) {
                printf("  empty page after %llu says next %llu\n", (unsigned long long)after,
                       (unsigned long long)next);
                rg_t_failed = 1;
            }
            return total;
        }
        if (next != page[n - 1]) {
            printf("  next %llu, last event %llu\n", (unsigned long long)next, (unsigned long long)page[n - 1]);
            rg_t_failed = 1;
        }
        for (size_t i = 0; i < n && total < cap; i++) out[total++] = page[i];
        after = next;
    }
    return total;
}

static bool feed_is(const char *who, const char *token, uint32_t limit, const uint64_t *want, size_t nwant)
{
    uint64_t got[32];
    size_t n = read_all(token, limit, got, 32);
    bool ok = n == nwant;
    for (size_t i = 0; ok && i < n; i++) ok = got[i] == want[i];
    if (!ok) {
        printf("  %s's feed (pages of %u):", who, limit);
        for (size_t i = 0; i < n; i++) printf(" %llu", (unsigned long long)got[i]);
        printf("; expected");
        for (size_t i = 0; i < nwant; i++) printf(" %llu", (unsigned long long)want[i]);
        printf("\n");
    }
    return ok;
}

static uint64_t report(const char *token, const char *req, char *case_out)
{
    rg_buf_reset(&B);
    rg_t_report_req(&B, token, req, "Kees");
    const char *err = rg_t_local_send(&L, &B, &R);
    if (err[0]) {
        printf("  case.report: %s\n", err);
        return 0;
    }
    if (case_out) snprintf(case_out, 32, "%s", rg_t_str(&R, "case"));
    return rg_t_uint(&R, "seq");
}

static uint64_t step(void)
{
    const char *err = rg_t_local_send(&L, &B, &R);
    if (err[0]) {
        printf("  step: %s: %s\n", err, rg_t_str(&R, "message"));
        return 0;
    }
    return rg_t_uint(&R, "seq");
}

static char caseA[32], caseB[32];

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    uv_timer_init(&L.loop, &watchdog);
    rg_t_local_actor(&L, "pol1", "partner", "police", pol);
    rg_t_local_actor(&L, "ggz1", "partner", "ggz", ggz);
    rg_t_local_actor(&L, "prA", "procesregisseur", "zvh", prA);
    rg_t_local_actor(&L, "prB", "procesregisseur", "zvh", prB);
    rg_t_local_actor(&L, "mgr1", "manager", "zvh", mgr);
    REQUIRE(pol[0] && ggz[0] && prA[0] && prB[0] && mgr[0]);
    /* 0: police reports A; 1: ggz reports B; 2-4: prA takes A, starts and
     * admits it; 5: prA asks ggz for information on A (ggz joins A at that
     * version); 6: police reports C. */
    REQUIRE((s[0] = report(pol, "a", caseA)) > 0);
    REQUIRE((s[1] = report(ggz, "b", caseB)) > 0);
    rg_w_kstr(rg_t_req(&B, prA, "case.assign", caseA, 1), "procesregisseur", "prA");
    REQUIRE((s[2] = step()) > 0);
    rg_t_req(&B, prA, "intake.start", caseA, -1);
    REQUIRE((s[3] = step()) > 0);
    rg_buf *b = rg_t_req(&B, prA, "intake.decide", caseA, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "several life domains");
    rg_t_w_criteria(b, "multi_domain");
    REQUIRE((s[4] = step()) > 0);
    b = rg_t_req(&B, prA, "info.request", caseA, 2);
    rg_w_kstr(b, "org", "ggz");
    rg_w_kstr(b, "question", "known to you?");
    REQUIRE((s[5] = step()) > 0);
    REQUIRE((s[6] = report(pol, "c", NULL)) > 0);
    for (int i = 1; i < 7; i++) REQUIRE(s[i] == s[i - 1] + 1);
}

static void test_pages_by_role(void)
{
    const uint64_t all[] = {s[0], s[1], s[2], s[3], s[4], s[5], s[6]};
    const uint64_t police[] = {s[0], s[2], s[3], s[4], s[5], s[6]};
    const uint64_t ggz_sees[] = {s[1], s[5]};        /* A only from the version ggz joined */
    const uint64_t prA_sees[] = {s[2], s[3], s[4], s[5]};   /* A from its assignment */
    /* Pages of every size give the same events, gapless and once each. */
    static const uint32_t limits[] = {1, 2, 3, 100};
    for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
        CHECK(feed_is("the manager", mgr, limits[i], all, 7));
        CHECK(feed_is("police", pol, limits[i], police, 6));
        CHECK(feed_is("ggz", ggz, limits[i], ggz_sees, 2));
        CHECK(feed_is("prA", prA, limits[i], prA_sees, 4));
        CHECK(feed_is("prB", prB, limits[i], NULL, 0));
    }
    /* From the middle: the events after `after`, not at it. */
    feed_req(pol, s[3], 2, 0);
    CHECK(rg_t_local_send(&L, &B, &R)[0] == 0);
    uint64_t got[8], next;
    CHECK(seqs_of(&R, got, 8, &next) == 2 && got[0] == s[4] && got[1] == s[5] && next == s[5]);
    /* The events carry what the reader may see: ggz reads A's request to it. */
    feed_req(ggz, s[1], 0, 0);
    CHECK(rg_t_local_send(&L, &B, &R)[0] == 0);
    const rg_val *ev = rg_array_at(rg_t_get(&R, "events"), 0);
    CHECK(rg_val_is_str(rg_map_get(ev, "case"), caseA));
    CHECK(rg_val_is_str(rg_map_get(ev, "type"), "info.requested"));
    /* Bad limits, and an admin, who reads no case events. */
    rg_buf_reset(&B);
    rg_req_envelope(&B, "feed.read", mgr, NULL, NULL, -1, 1);
    rg_w_kuint(&B, "limit", 0);
    CHECK(strcmp(rg_t_local_send(&L, &B, &R), "bad_request") == 0);
    feed_req(mgr, 0, 1001, 0);
    CHECK(strcmp(rg_t_local_send(&L, &B, &R), "bad_request") == 0);
    feed_req(L.admin, 0, 0, 0);
    CHECK(strcmp(rg_t_local_send(&L, &B, &R), "forbidden") == 0);
}

static void test_long_poll(void)
{
    rg_t_local_settle(&L);
    CHECK(rg_feed_parked(feed()) == 0);
    /* ggz waits for what comes after the last event it may see. */
    static rg_t_reply gr, mr;
    static int gdone, mdone;
    gdone = mdone = 0;
    feed_req(ggz, s[6], 0, 60000);
    rg_t_local_submit(&L, &B, &gr, &gdone);
    CHECK(gdone == 0);
    CHECK(rg_feed_parked(feed()) == 1);
    uv_run(&L.loop, UV_RUN_NOWAIT);
    CHECK(gdone == 0);
    /* An event ggz may not see (a police report) runs it again: it finds
     * nothing and parks again. */
    REQUIRE((s[7] = report(pol, "d", NULL)) == s[6] + 1);
    CHECK(gdone == 0);
    CHECK(rg_feed_parked(feed()) == 1);
    /* The manager waits too. */
    feed_req(mgr, s[7], 0, 60000);
    rg_t_local_submit(&L, &B, &mr, &mdone);
    CHECK(mdone == 0);
    CHECK(rg_feed_parked(feed()) == 2);
    /* ggz reports a case: both wake with it once it is durable. */
    REQUIRE((s[8] = report(ggz, "e", NULL)) == s[7] + 1);
    REQUIRE(run_until(&gdone, 1));
    REQUIRE(run_until(&mdone, 1));
    CHECK(rg_feed_parked(feed()) == 0);
    uint64_t got[8], next;
    CHECK(rg_t_ok(&gr) && seqs_of(&gr, got, 8, &next) == 1 && got[0] == s[8] && next == s[8]);
    CHECK(rg_t_ok(&mr) && seqs_of(&mr, got, 8, &next) == 1 && got[0] == s[8] && next == s[8]);
    rg_t_reply_free(&gr);
    rg_t_reply_free(&mr);

    /* A short wait with nothing new: answered empty, where it stood. */
    gdone = 0;
    feed_req(ggz, s[8], 0, 20);
    rg_t_local_submit(&L, &B, &gr, &gdone);
    CHECK(rg_feed_parked(feed()) == 1);
    REQUIRE(run_until(&gdone, 1));
    CHECK(rg_t_ok(&gr) && seqs_of(&gr, got, 8, &next) == 0 && next == s[8]);
    CHECK(rg_feed_parked(feed()) == 0);
    rg_t_reply_free(&gr);

    /* With something to read, wait_ms does not park it. */
    mdone = 0;
    feed_req(mgr, s[6], 0, 60000);
    rg_t_local_submit(&L, &B, &mr, &mdone);
    REQUIRE(run_until(&mdone, 1));
    CHECK(rg_t_ok(&mr) && seqs_of(&mr, got, 8, &next) == 2 && next == s[8]);
    CHECK(rg_feed_parked(feed()) == 0);
    rg_t_reply_free(&mr);
}

static void test_read_fault(void)
{
    rg_t_local_settle(&L);
    rg_log_fail_reads(rg_engine_log(L.e), true);
    feed_req(mgr, 0, 0, 0);
    CHECK(strcmp(rg_t_local_send(&L, &B, &R), "storage_error") == 0);
    feed_req(pol, 0, 0, 0);                          /* through the feed index */
    CHECK(strcmp(rg_t_local_send(&L, &B, &R), "storage_error") == 0);
    /* A long-poll is not parked on a read fault either. */
    feed_req(ggz, 0, 0, 60000);
    CHECK(strcmp(rg_t_local_send(&L, &B, &R), "storage_error") == 0);
    CHECK(rg_feed_parked(feed()) == 0);
    rg_log_fail_reads(rg_engine_log(L.e), false);
    feed_req(pol, 0, 0, 0);
    CHECK(rg_t_local_send(&L, &B, &R)[0] == 0 && rg_array_size(rg_t_get(&R, "events")) > 0);
}

/* Another region's manager, by actor.create with a zvh. */
static void actor_in_region(const char *id, const char *zvh, char *tok)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "actor.create", L.admin, id, NULL, -1, 4);
    rg_w_kstr(&B, "id", id);
    rg_w_kstr(&B, "role", "manager");
    rg_w_kstr(&B, "org", "zvh");
    rg_w_kstr(&B, "zvh", zvh);
    tok[0] = 0;
    if (rg_t_local_send(&L, &B, &R)[0] == 0) snprintf(tok, 128, "%s", rg_t_str(&R, "token"));
}

#define MANY 100
static rg_t_reply many[MANY + 8];
static int many_done;

static void park(const char *token, int i)
{
    feed_req(token, s[8] + 100, 0, 60000);
    rg_t_local_submit(&L, &B, &many[i], &many_done);
}

/* One region's readers never refuse another's (issue 20, finding 10): a
 * hundred long-polls of one partner (more than the engine-wide cap of 64
 * there was) and a manager of another region all park; past the caps per
 * actor and per region a reader is answered overloaded at once, and the
 * other region's reader still parks. */
static void test_caps_per_actor_and_region(void)
{
    static char mgrB[128];
    actor_in_region("mgrB", "breda", mgrB);
    REQUIRE(mgrB[0]);
    rg_t_local_settle(&L);
    many_done = 0;
    for (int i = 0; i < MANY; i++) park(pol, i);
    park(mgrB, MANY);
    CHECK(many_done == 0);
    CHECK(rg_feed_parked(feed()) == MANY + 1);
    rg_feed_answer_all(feed());
    CHECK(run_until(&many_done, MANY + 1));
    for (int i = 0; i <= MANY; i++) {
        CHECK(rg_t_ok(&many[i]));
        rg_t_reply_free(&many[i]);
    }
    /* Small caps: 2 per actor, 3 per region. */
    rg_feed_set_caps(feed(), 2, 3);
    many_done = 0;
    park(pol, 0);
    park(pol, 1);
    park(pol, 2);                                   /* past pol's own */
    CHECK(many_done == 1 && strcmp(rg_t_err(&many[2]), "overloaded") == 0);
    park(ggz, 3);
    park(prA, 4);                                   /* past the region's */
    CHECK(many_done == 2 && strcmp(rg_t_err(&many[4]), "overloaded") == 0);
    CHECK(strstr(rg_t_str(&many[4], "message"), "region") != NULL);
    park(mgrB, 5);                                  /* another region: parked */
    CHECK(many_done == 2 && rg_feed_parked(feed()) == 4);
    rg_feed_answer_all(feed());
    CHECK(run_until(&many_done, 6));
    for (int i = 0; i < 6; i++) rg_t_reply_free(&many[i]);
    rg_feed_set_caps(feed(), RG_FEED_PARK_ACTOR, RG_FEED_PARK_REGION);
}

static void test_parked_answered_at_close(void)
{
    static rg_t_reply pr;
    static int pdone;
    pdone = 0;
    feed_req(pol, s[8] + 100, 0, 60000);
    rg_t_local_submit(&L, &B, &pr, &pdone);
    CHECK(pdone == 0 && rg_feed_parked(feed()) == 1);
    if (L.e) uv_close((uv_handle_t *)&watchdog, NULL);
    rg_t_local_close(&L, true);
    CHECK(pdone == 1);
    uint64_t got[4], next;
    CHECK(rg_t_ok(&pr) && seqs_of(&pr, got, 4, &next) == 0);
    rg_t_reply_free(&pr);
}

int main(void)
{
    RUN(setup);
    RUN(test_pages_by_role);
    RUN(test_long_poll);
    RUN(test_read_fault);
    RUN(test_caps_per_actor_and_region);
    RUN(test_parked_answered_at_close);
    rg_t_reply_free(&R);
    rg_buf_free(&B);
    return rg_t_exit();
}
