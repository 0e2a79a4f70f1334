/*
 * reads_test.c - core/reads.c, reading the log for queries, on a real
 * engine in a temp directory: a case's events in version order, durable and
 * still pending alike, each once; one event by position from a pending
 * commit or the disk; the hash-chain walk naming the first broken position
 * and why (a changed event, a gap, a head that does not match), a read error
 * never taken for a broken chain; the cases in id order after a given one,
 * a callback stopping the walk, a region's cases only; the median stay in a
 * state (the lower middle), per region.
 */
#include <stdlib.h>
#include <string.h>

#include "../../engine/core/reads.h"
#include "../../engine/core/state.h"
#include "../../engine/storage/errors.h"
#include "../../engine/storage/log.h"
#include "../test.h"

#define HOUR 3600000ULL

static rg_t_local L;
static rg_t_cast T;
static char A[32], B[32];

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &T) == 0);
    REQUIRE(rg_t_local_case(&L, &T, "Anna de Wit", "analysis", A)[0] == 0);
    REQUIRE(rg_t_local_case(&L, &T, "Bram Mulder", "reported", B)[0] == 0);
}

typedef struct seen {
    uint32_t n;
    uint64_t seqs[16];
} seen;

static int note(void *ud, const rg_record *r)
{
    seen *s = ud;
    (void)r;
    if (s->n < 16) {
        rg_doc *d = NULL;
        const char *why;
        uint64_t seq = 0;
        if (rg_doc_parse(&d, r->pub, r->pub_len, &why) == 0) rg_val_uint(rg_map_get(rg_doc_root(d), "seq"), &seq);
        rg_doc_free(d);
        s->seqs[s->n] = seq;
    }
    s->n++;
    return 0;
}

static int stop_at_two(void *ud, const rg_record *r)
{
    seen *s = ud;
    (void)r;
    return ++s->n == 2 ? RG_ESTORAGE : 0;
}

static void test_case_events(void)
{
    rg_t_local_settle(&L);
    rg_case *cs = NULL;
    REQUIRE(rg_store_case(L.e, A, &cs) == 0);
    seen s = {0};
    CHECK(rg_reads_case_events(L.e, cs, note, &s) == 0);
    CHECK(s.n == cs->version && s.n == 4);
    for (uint32_t i = 1; i < s.n && i < 16; i++) CHECK(s.seqs[i] > s.seqs[i - 1]);
    /* A callback's error ends the walk and is handed back. */
    seen two = {0};
    CHECK(rg_reads_case_events(L.e, cs, stop_at_two, &two) == RG_ESTORAGE && two.n == 2);

    /* A change submitted and not yet durable: its event is walked too, once,
     * and read by position from the pending commit. */
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    int done = 0;
    rg_w_kstr(rg_t_req(&b, T.pr, "case.assign", B, 1), "procesregisseur", "pr");
    uint64_t head = rg_engine_head(L.e);
    rg_t_local_submit(&L, &b, &r, &done);
    CHECK(done == 0 && rg_engine_head(L.e) == head + 1);
    rg_case *cb = NULL;
    REQUIRE(rg_store_case(L.e, B, &cb) == 0);
    seen sb = {0};
    CHECK(rg_reads_case_events(L.e, cb, note, &sb) == 0);
    CHECK(sb.n == 2 && cb->version == 2 && sb.seqs[1] == head + 1);
    rg_buf ev = RG_BUF_INIT;
    uint8_t k[8];
    rg_be64_put(k, head + 1);
    CHECK(rg_log_get(rg_engine_log(L.e), RG_CF_EVENTS, k, 8, &ev) == RG_ENOTFOUND);  /* not on disk yet */
    rg_buf_reset(&ev);
    CHECK(rg_reads_event(L.e, head + 1, &ev) == 0 && rg_t_holds(ev.data, ev.len, "case.assigned"));
    rg_t_local_run_until(&L, &done, 1);
    CHECK(rg_t_ok(&r));
    rg_t_local_settle(&L);
    seen after = {0};
    CHECK(rg_reads_case_events(L.e, cb, note, &after) == 0 && after.n == 2);   /* not twice */
    rg_buf_reset(&ev);
    CHECK(rg_reads_event(L.e, head + 1, &ev) == 0 && rg_t_holds(ev.data, ev.len, "case.assigned"));
    rg_buf_reset(&ev);
    CHECK(rg_reads_event(L.e, head + 2, &ev) == RG_ENOTFOUND);
    rg_buf_free(&ev);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
}

static void put_raw(rg_cf cf, const void *k, size_t kn, const void *v, size_t vn)
{
    rg_batch *bt = rg_batch_new(rg_engine_log(L.e));
    if (v) rg_batch_put(bt, cf, k, kn, v, vn);
    else rg_batch_del(bt, cf, k, kn);
    CHECK(rg_log_write(rg_engine_log(L.e), bt, true) == 0);
    rg_batch_free(bt);
}

static void verify(uint64_t *count, uint64_t *broken, const char **why)
{
    CHECK(rg_reads_verify(L.e, count, broken, why) == 0);
}

static void test_verify(void)
{
    rg_t_local_settle(&L);
    uint64_t count, broken, head = rg_engine_head(L.e);
    const char *why;
    verify(&count, &broken, &why);
    CHECK(count == head && broken == 0 && why == NULL);

    rg_buf good = RG_BUF_INIT, v = RG_BUF_INIT;
    uint8_t k[8];
    rg_be64_put(k, 3);
    REQUIRE(rg_log_get(rg_engine_log(L.e), RG_CF_EVENTS, k, 8, &good) == 0);
    /* a changed byte in event 3 */
    rg_buf_append(&v, good.data, good.len);
    v.data[v.len - 1] ^= 1;
    put_raw(RG_CF_EVENTS, k, 8, v.data, v.len);
    verify(&count, &broken, &why);
    CHECK(broken == 3 && why && strstr(why, "hash link"));
    /* event 3 gone: a gap */
    put_raw(RG_CF_EVENTS, k, 8, NULL, 0);
    verify(&count, &broken, &why);
    CHECK(broken == 3 && why && strstr(why, "gap"));
    put_raw(RG_CF_EVENTS, k, 8, good.data, good.len);
    verify(&count, &broken, &why);
    CHECK(broken == 0 && count == head);
    /* the recorded head one further than the events */
    rg_buf h = RG_BUF_INIT, h2 = RG_BUF_INIT;
    REQUIRE(rg_log_get(rg_engine_log(L.e), RG_CF_META, "head", 4, &h) == 0 && h.len == 8 + RG_HASH_LEN);
    rg_buf_append(&h2, h.data, h.len);
    rg_be64_put(h2.data, head + 1);
    put_raw(RG_CF_META, "head", 4, h2.data, h2.len);
    verify(&count, &broken, &why);
    CHECK(broken == head + 1 && why && strstr(why, "missing before the recorded head"));
    /* ... or naming the right position with another hash */
    rg_be64_put(h2.data, head);
    h2.data[8] ^= 1;
    put_raw(RG_CF_META, "head", 4, h2.data, h2.len);
    verify(&count, &broken, &why);
    CHECK(broken == head && why && strstr(why, "head hash"));
    put_raw(RG_CF_META, "head", 4, h.data, h.len);
    verify(&count, &broken, &why);
    CHECK(broken == 0);
    /* a read error is an error, not a broken position */
    rg_log_fail_reads(rg_engine_log(L.e), true);
    CHECK(rg_reads_verify(L.e, &count, &broken, &why) == RG_ESTORAGE);
    rg_log_fail_reads(rg_engine_log(L.e), false);
    rg_buf_free(&h);
    rg_buf_free(&h2);
    rg_buf_free(&good);
    rg_buf_free(&v);
}

typedef struct ids {
    int n, stop;
    char id[8][RG_ID_MAX];
} ids;

static int collect(void *ud, const rg_case *cs)
{
    ids *s = ud;
    if (s->n < 8) snprintf(s->id[s->n], RG_ID_MAX, "%s", cs->id);
    s->n++;
    return s->stop && s->n == s->stop ? 1 : 0;
}

static void test_each_case(void)
{
    ids all = {0};
    CHECK(rg_reads_each_case(L.e, NULL, collect, &all) == 0);
    REQUIRE(all.n == 2);
    CHECK(strcmp(all.id[0], all.id[1]) < 0);                       /* in id order */
    CHECK((strcmp(all.id[0], A) == 0 && strcmp(all.id[1], B) == 0) ||
          (strcmp(all.id[0], B) == 0 && strcmp(all.id[1], A) == 0));
    ids rest = {0};
    CHECK(rg_reads_each_case(L.e, all.id[0], collect, &rest) == 0);   /* after: exclusive */
    CHECK(rest.n == 1 && strcmp(rest.id[0], all.id[1]) == 0);
    ids one = {.stop = 1};
    CHECK(rg_reads_each_case(L.e, NULL, collect, &one) == 0 && one.n == 1);   /* 1 stops */
    ids region = {0};
    CHECK(rg_reads_each_case_in(L.e, "zvh", NULL, collect, &region) == 0 && region.n == 2);
    ids other = {0};
    CHECK(rg_reads_each_case_in(L.e, "zvh-elders", NULL, collect, &other) == 0 && other.n == 0);
    ids region_rest = {0};
    CHECK(rg_reads_each_case_in(L.e, "zvh", all.id[0], collect, &region_rest) == 0 && region_rest.n == 1);
}

static void advance(uint64_t ms)
{
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    rg_w_kuint(rg_t_req(&b, L.admin, "clock.advance", NULL, 1), "ms", ms);
    CHECK(rg_t_local_send(&L, &b, &r)[0] == 0);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
}

/* Taken and intake started: the stay in reported ends. */
static void take(const char *id)
{
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    rg_w_kstr(rg_t_req(&b, T.pr, "case.assign", id, 1), "procesregisseur", "pr");
    CHECK(rg_t_local_send(&L, &b, &r)[0] == 0);
    rg_t_req(&b, T.pr, "intake.start", id, 0);
    CHECK(rg_t_local_send(&L, &b, &r)[0] == 0);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
}

/* Stays in reported that ended: A's 0 (taken at once), X 1h, Y 3h, Z 2h
 * (B's goes on: assigned, intake not started): the median of 0, 1h, 2h, 3h
 * is 1h; no stay in closed has ended. */
static void test_median_lead(void)
{
    uint64_t ms = 99, n = 99;
    CHECK(rg_reads_median_lead(L.e, RG_ST_CLOSED, "zvh", &ms, &n) == RG_ENOTFOUND && ms == 0 && n == 0);
    char x[32], y[32], z[32];
    REQUIRE(rg_t_local_report(&L, T.pol, "X", x)[0] == 0);
    REQUIRE(rg_t_local_report(&L, T.pol, "Y", y)[0] == 0);
    advance(HOUR);
    take(x);
    REQUIRE(rg_t_local_report(&L, T.pol, "Z", z)[0] == 0);
    advance(2 * HOUR);
    take(y);
    take(z);
    rg_t_local_settle(&L);
    CHECK(rg_reads_median_lead(L.e, RG_ST_REPORTED, "zvh", &ms, &n) == 0);
    if (n != 4 || ms != HOUR) printf("  n %llu ms %llu\n", (unsigned long long)n, (unsigned long long)ms);
    CHECK(n == 4 && ms == HOUR);
    CHECK(rg_reads_median_lead(L.e, RG_ST_REPORTED, "zvh-elders", &ms, &n) == RG_ENOTFOUND && n == 0);
}

int main(void)
{
    RUN(setup);
    RUN(test_case_events);
    RUN(test_verify);
    RUN(test_each_case);
    RUN(test_median_lead);
    rg_t_local_close(&L, true);
    return rg_t_exit();
}
