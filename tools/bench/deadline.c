/*
 * deadline.c - deadlines at scale: N open cases (1,000,000; 100,000 with
 * --quick), each with its deadlines, in an engine in this process.
 *
 * 1. Resident memory with N open cases: after creating them, and after a
 *    restart on the same data (what the engine keeps, not what creating them
 *    left behind).  The case cache keeps at most --cache-cases (100,000) of
 *    them; the rest live in RocksDB.
 * 2. How late deadlines fire.  The first M of the cases (100,000; 20,000
 *    with --quick) are reported over a window of W seconds of engine time
 *    (20 s; 10 s), so their intake.start deadlines (2 working days later)
 *    fall due spread over W seconds, M / W per second, among the deadlines
 *    of all N cases; the others are reported an hour later.  Then
 *    the engine's clock is set in step with the wall clock every
 *    millisecond and the due-time run is called, as the real clock's timer
 *    does (due.c), and for every stagnation.detected the time from the
 *    moment the clock passed its due time to the moment the event was
 *    durable is recorded: the notification callback runs once an event is
 *    durable and says only its position ({seq}, as a wake-up does), so the
 *    moment is kept per position, and which case each position fired for
 *    is read afterwards from the record, the reporter's feed.read.
 *    Meanwhile a case.get every 10 ms measures how long requests wait while
 *    deadlines fire.
  */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "../../engine/storage/codec.h"
#include "../../engine/storage/hmap.h"
#include "../../engine/core/engine.h"
#include "../../engine/replay/replay.h"
#include "../../engine/services/services.h"
#include "../../engine/core/ctx.h"
#include "../../engine/core/request.h"
#include "../client.h"
#include "bench.h"
#include "../../handlers/handlers.h"
#include "../../engine/core/bootstrap.h"

/* jemalloc's, when the binary is linked with it (release builds). */
extern int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen)
    __attribute__((weak));

/* Bytes the program has allocated and not freed, from whichever allocator
 * it runs on. */
static double heap_in_use_mib(void)
{
    if (mallctl) {
        uint64_t epoch = 1;
        size_t allocated = 0, n = sizeof allocated, en = sizeof epoch;
        mallctl("epoch", &epoch, &en, &epoch, en);         /* refresh the statistics */
        if (mallctl("stats.allocated", &allocated, &n, NULL, 0) == 0) return (double)allocated / 1048576.0;
    }
    return (double)mallinfo2().uordblks / 1048576.0;
}

#define ROUND 1000
#define T0 1764579600000ULL         /* Monday 2025-12-01 09:00 UTC */
#define TWO_WORKDAYS (2 * 86400000ULL)   /* Monday to Wednesday */

typedef struct dl_run {
    uv_loop_t loop;
    rg_engine *e;
    uint64_t step_ms;         /* engine time between rounds of reports in the window */
    uint64_t wround;          /* reports per round in the window */
    uint64_t due0;            /* the first deadline's due time */
    double wall0;             /* wall time at which the clock passes due0 */
    lat late;                 /* per deadline: durable - passed */
    uint64_t fired;           /* events durable while paced */
    bool pacing;
    struct { uint64_t seq; double at; } *durable;   /* per event while paced: when durable */
    size_t ndurable, capdurable;
} dl_run;

typedef struct reply {
    int done, failed;
    rg_buf last;
} reply;

/* Case id -> the region's number of the case, from the reports' replies:
 * ids are opaque, and the number is the order in which it was reported. */
static rg_hmap case_numbers;
static bool case_numbers_init;
static char first_case[RG_ID_MAX];      /* number 1 */

static void note_number(const uint8_t *p, size_t n)
{
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, p, n, &why) < 0) return;
    char id[RG_ID_MAX];
    uint64_t k = 0;
    if (rg_val_strcpy(rg_map_get(rg_doc_root(d), "case"), id, sizeof id) &&
        rg_val_uint(rg_map_get(rg_doc_root(d), "number"), &k) && k) {
        if (!case_numbers_init) {
            rg_hmap_init(&case_numbers);
            case_numbers_init = true;
        }
        rg_hmap_put(&case_numbers, id, strlen(id), (void *)(uintptr_t)k);
        if (k == 1) snprintf(first_case, sizeof first_case, "%s", id);
    }
    rg_doc_free(d);
}

static void on_reply(void *ud, const uint8_t *p, size_t n)
{
    reply *r = ud;
    r->failed += !bench_reply_ok(p, n);
    note_number(p, n);
    r->done++;
    rg_buf_reset(&r->last);
    rg_buf_append(&r->last, p, n);
}

/* Every event durable while paced: its position and the moment (only
 * deadlines fire then, so each is a stagnation.detected). */
static void on_notice(void *ud, const rg_notice *n)
{
    dl_run *d = ud;
    if (!d->pacing) return;
    if (d->ndurable == d->capdurable) {
        d->capdurable = d->capdurable ? d->capdurable * 2 : 4096;
        d->durable = realloc(d->durable, d->capdurable * sizeof *d->durable);
        if (!d->durable) abort();
    }
    d->durable[d->ndurable].seq = n->seq;
    d->durable[d->ndurable++].at = bench_now();
    d->fired++;
}

static void call(dl_run *d, const rg_buf *b, struct reply *r);

/* The lateness of each stagnation.detected recorded while paced, its case
 * read from the reporter's feed (every case is the partner's own).  Case
 * number k was reported in round (k - 1) / wround, so its intake.start fell
 * due that many steps after the first: the wall time the clock passed it
 * follows from the pacing. */
static uint64_t lateness(dl_run *d, const char *token)
{
    uint64_t counted = 0;
    size_t at = 0;
    uint64_t after = d->ndurable ? d->durable[0].seq - 1 : 0;
    rg_buf b = RG_BUF_INIT;
    struct reply r = {0, 0, RG_BUF_INIT};
    while (at < d->ndurable) {
        rg_buf_reset(&b);
        rg_req_envelope(&b, "feed.read", token, NULL, NULL, -1, 2);
        rg_w_kuint(&b, "after", after);
        rg_w_kuint(&b, "limit", 1000);
        call(d, &b, &r);
        rg_doc *doc;
        const char *why;
        if (r.failed || rg_doc_parse(&doc, r.last.data, r.last.len, &why) < 0) {
            fprintf(stderr, "bench: feed.read failed\n");
            break;
        }
        const rg_val *evs = rg_map_get(rg_doc_root(doc), "events");
        uint32_t n = rg_array_size(evs);
        for (uint32_t i = 0; i < n; i++) {
            const rg_val *ev = rg_array_at(evs, i);
            uint64_t seq = 0;
            char cid[32] = "";
            unsigned long long k = 0;
            rg_val_uint(rg_map_get(ev, "seq"), &seq);
            rg_val_strcpy(rg_map_get(ev, "case"), cid, sizeof cid);
            while (at < d->ndurable && d->durable[at].seq < seq) at++;
            if (at == d->ndurable || d->durable[at].seq != seq) continue;
            if (case_numbers_init) k = (uintptr_t)rg_hmap_get(&case_numbers, cid, strlen(cid));
            if (!rg_val_is_str(rg_map_get(ev, "type"), "stagnation.detected") || !k) continue;
            uint64_t due = d->due0 + (k - 1) / d->wround * d->step_ms;
            double late = d->durable[at].at - (d->wall0 + (double)(due - d->due0) / 1000.0);
            lat_add(&d->late, late > 0 ? late : 0);
            counted++;
        }
        uint64_t next = after;
        rg_val_uint(rg_map_get(rg_doc_root(doc), "next"), &next);
        rg_doc_free(doc);
        if (n == 0 || next == after) break;
        after = next;
    }
    rg_buf_free(&r.last);
    rg_buf_free(&b);
    return counted;
}

/* What the real clock's timer does, with the engine's clock kept in step
 * with the wall clock from due0 on. */
static void pace_cb(uv_timer_t *t)
{
    dl_run *d = t->data;
    d->e->clock.now_ms = d->due0 + (uint64_t)((bench_now() - d->wall0) * 1000.0);
    rg_due_run(rg_services_due(d->e));
}

static long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    size_t kl = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, kl) == 0) kb = atol(line + kl + 1);
    if (f) fclose(f);
    return kb;
}

static void open_engine(dl_run *d, const char *dir, uint64_t now)
{
    uv_loop_init(&d->loop);
    rg_engine_opts eo = {.module = &rg_handlers_module, .dir = dir};
    eo.clock.manual = true;
    eo.clock.now_ms = now;
    if (rg_engine_open(&d->e, &d->loop, &eo) < 0 || rg_bootstrap_admin(d->e, dir) < 0) abort();
    rg_engine_set_notify(d->e, on_notice, d);
    rg_engine_start(d->e);
}

static void close_engine(dl_run *d)
{
    while (rg_engine_busy(d->e)) uv_run(&d->loop, UV_RUN_ONCE);
    rg_engine_close(d->e);
    uv_run(&d->loop, UV_RUN_DEFAULT);
    uv_loop_close(&d->loop);
}

static void call(dl_run *d, const rg_buf *b, struct reply *r)
{
    int want = r->done + 1;
    rg_engine_submit(d->e, b->data, b->len, on_reply, r);
    while (r->done < want) uv_run(&d->loop, UV_RUN_ONCE);
}

static void advance(dl_run *d, const char *admin, uint64_t ms, uint64_t *nreq)
{
    rg_buf b = RG_BUF_INIT;
    char id[32];
    snprintf(id, sizeof id, "adv%llu", (unsigned long long)++*nreq);
    rg_req_envelope(&b, "clock.advance", admin, id, NULL, -1, 1);
    rg_w_kuint(&b, "ms", ms);
    reply r = {0, 0, RG_BUF_INIT};
    call(d, &b, &r);
    if (r.failed) fprintf(stderr, "bench: clock.advance failed\n");
    rg_buf_free(&r.last);
    rg_buf_free(&b);
}

void bench_deadlines(const bench_opts *o)
{
    uint64_t n = o->cases ? o->cases : o->quick ? 100000 : 1000000;
    uint64_t m = o->quick ? 20000 : 100000;     /* cases whose deadlines fall in the window */
    if (m > n) m = n;
    double window = o->quick ? 10.0 : 20.0;      /* seconds of engine time they span */
    dl_run d;
    memset(&d, 0, sizeof d);
    /* 2,000 distinct due times in the window, not bursts of a round each. */
    d.wround = m / 2000 ? m / 2000 : 1;
    uint64_t wrounds = (m + d.wround - 1) / d.wround;
    uint64_t step_ms = (uint64_t)(window * 1000.0 / (double)wrounds);
    char *dir = bench_mkdir(o, "deadlines");
    open_engine(&d, dir, T0);
    char token[128], admin[128], path[512];
    bench_make_partner(&d.loop, d.e, dir, token, sizeof token);
    snprintf(path, sizeof path, "%s/admin.token", dir);
    snprintf(admin, sizeof admin, "%s", bench_read_line(path));

    /* N reports in rounds of ROUND (one group commit each), the clock
     * moving step_ms between rounds. */
    long rss0 = status_kb("VmRSS");
    rg_buf *reqs = calloc(ROUND, sizeof *reqs);
    reply r = {0, 0, RG_BUF_INIT};
    uint64_t made = 0, nreq = 0;
    double t0 = bench_now();
    while (made < n) {
        bool in_window = made < m;
        uint64_t left = in_window ? m - made : n - made, size = in_window ? d.wround : ROUND;
        int batch = (int)(left < size ? left : size);
        int want = r.done + batch;
        for (int i = 0; i < batch; i++) {
            rg_buf_reset(&reqs[i]);
            bench_report_req(&reqs[i], token, ++made);
            rg_engine_submit(d.e, reqs[i].data, reqs[i].len, on_reply, &r);
        }
        while (r.done < want) uv_run(&d.loop, UV_RUN_ONCE);
        if (in_window && made < m) advance(&d, admin, step_ms, &nreq);
        else if (made == m) advance(&d, admin, 3600000, &nreq);    /* the rest an hour later */
    }
    double make_s = bench_now() - t0;
    if (r.failed) fprintf(stderr, "bench: %d reports failed\n", r.failed);
    bench_result("deadline_cases", (double)n, "open cases");
    bench_result("deadline_cases_created_per_s", (double)n / make_s, "cases/s");
    bench_result("deadline_rss_after_creating_mib", (double)status_kb("VmRSS") / 1024.0, "MiB");
    bench_result("deadline_rss_baseline_mib", (double)rss0 / 1024.0, "MiB");

    /* Restart on the same data: the engine's own footprint with N open
     * cases (the cache fills again as cases are used). */
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "clock.advance", admin, "adv-now", NULL, -1, 1);
    rg_w_kuint(&b, "ms", 0);
    call(&d, &b, &r);
    rg_doc *doc;
    const char *why;
    uint64_t now = T0;
    if (rg_doc_parse(&doc, r.last.data, r.last.len, &why) == 0) {
        rg_val_uint(rg_map_get(rg_doc_root(doc), "now"), &now);
        rg_doc_free(doc);
    }
    close_engine(&d);
    malloc_trim(0);                   /* give back what creating them left */
    open_engine(&d, dir, now);
    bench_result("deadline_rss_after_restart_mib", (double)status_kb("VmRSS") / 1024.0, "MiB");
    bench_result("deadline_heap_after_restart_mib", heap_in_use_mib(), "MiB");

    /* To one second before the first intake.start falls due, then paced. */
    d.step_ms = step_ms;
    d.due0 = T0 + TWO_WORKDAYS;
    advance(&d, admin, d.due0 - 1000 - now, &nreq);
    d.wall0 = bench_now() + 1.0;
    uv_timer_t pace;
    uv_timer_init(&d.loop, &pace);
    pace.data = &d;
    uv_timer_start(&pace, pace_cb, 1, 1);
    lat cmd = {0};
    rg_buf get = RG_BUF_INIT;
    rg_req_envelope(&get, "case.get", token, NULL, first_case, -1, -1);
    double start = bench_now();
    uint64_t commits0 = rg_engine_commits(d.e);
    d.pacing = true;
    while (d.fired < m && bench_now() - start < window * 3 + 30) {
        reply gr = {0, 0, RG_BUF_INIT};
        double g0 = bench_now();
        rg_engine_submit(d.e, get.data, get.len, on_reply, &gr);
        while (!gr.done) uv_run(&d.loop, UV_RUN_ONCE);
        lat_add(&cmd, bench_now() - g0);
        rg_buf_free(&gr.last);
        while (bench_now() - g0 < 0.01) uv_run(&d.loop, UV_RUN_ONCE);
    }
    uv_timer_stop(&pace);
    uv_close((uv_handle_t *)&pace, NULL);
    double fire_s = bench_now() - start - 1.0;
    d.pacing = false;
    uint64_t stagnations = lateness(&d, token);
    if (stagnations != d.fired)
        fprintf(stderr, "bench: %llu events while paced, %llu of them stagnation.detected\n",
                (unsigned long long)d.fired, (unsigned long long)stagnations);
    bench_result("deadline_fired", (double)d.fired, "deadlines");
    bench_result("deadline_rate_offered_per_s", (double)m / window, "deadlines/s");
    bench_result("deadline_fired_per_s", (double)d.fired / fire_s, "deadlines/s");
    bench_result("deadline_commits_while_firing", (double)(rg_engine_commits(d.e) - commits0), "commits");
    bench_result("deadline_late_p50_ms", lat_pct(&d.late, 50), "ms");
    bench_result("deadline_late_p99_ms", lat_pct(&d.late, 99), "ms");
    bench_result("deadline_late_max_ms", lat_pct(&d.late, 100), "ms");
    bench_result("deadline_cmd_during_firing_p99_ms", lat_pct(&cmd, 99), "ms");
    bench_result("deadline_rss_after_firing_mib", (double)status_kb("VmRSS") / 1024.0, "MiB");
    bench_result("deadline_heap_after_firing_mib", heap_in_use_mib(), "MiB");
    bench_result("deadline_rss_peak_mib", (double)status_kb("VmHWM") / 1024.0, "MiB");

    lat_free(&d.late);
    free(d.durable);
    lat_free(&cmd);
    rg_buf_free(&get);
    rg_buf_free(&b);
    rg_buf_free(&r.last);
    for (int i = 0; i < ROUND; i++) rg_buf_free(&reqs[i]);
    free(reqs);
    close_engine(&d);
    bench_rmrf(dir);
    free(dir);
}
