/* http_metrics.c - counters and the Prometheus text (http_metrics.h). */
#include "http_metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/contract.h"
#include "../storage/codec.h"
#include "../storage/errors.h"

/* The results: "ok" then the contract's codes in RG_ERRNO_MAP order. */
#define RG_RESULT_NAME(name, val, code) code,
static const char *const results[] = {"ok", RG_ERRNO_MAP(RG_RESULT_NAME)};
#undef RG_RESULT_NAME
#define NRESULTS (sizeof results / sizeof *results)
#define MAX_OPS 128
/* Latency buckets, seconds (upper bounds; +Inf implied). */
static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NBUCKETS (sizeof buckets / sizeof *buckets)
static const char *const refuse_names[RG_NREFUSE] = {
    "too_many_connections", "body_too_large", "timeout", "too_many_sessions", "too_many_streams",
    "headers_too_slow", "body_too_slow",
};
static const unsigned statuses[] = {200, 400, 401, 403, 404, 405, 408, 409, 413, 503};
#define NSTATUS (sizeof statuses / sizeof *statuses)

static const char *const via_names[RG_NVIA] = {"http", "nng"};

struct rg_metrics {
    size_t nops;
    atomic_uint_fast64_t req[RG_NVIA][MAX_OPS + 1][NRESULTS];   /* the last row: unknown op */
    atomic_uint_fast64_t lat[RG_NVIA][NBUCKETS + 1];
    atomic_uint_fast64_t lat_sum_us[RG_NVIA];
    atomic_uint_fast64_t refused[RG_NREFUSE];
    atomic_uint_fast64_t status[NSTATUS + 1];          /* the last: any other */
    atomic_int_fast64_t conns, streams[2];
    atomic_uint_fast64_t sse_events;
};

rg_metrics *rg_metrics_new(void)
{
    rg_metrics *m = rg_calloc(1, sizeof *m);
    while (rg_ops[m->nops].name && m->nops < MAX_OPS) m->nops++;
    return m;
}

void rg_metrics_free(rg_metrics *m) { free(m); }

void rg_metrics_request(rg_metrics *m, const char *op, const char *result, uint64_t ns)
{
    rg_metrics_request_via(m, RG_VIA_HTTP, op, result, ns);
}

void rg_metrics_request_via(rg_metrics *m, rg_via via, const char *op, const char *result, uint64_t ns)
{
    const rg_opdef *d = op ? rg_op_find(op, (uint32_t)strlen(op)) : NULL;
    size_t row = d ? (size_t)(d - rg_ops) : MAX_OPS;
    if (row >= m->nops) row = MAX_OPS;
    /* storage_error for anything odd (not the table's last column: that is
     * overloaded since it was added) */
    size_t col = NRESULTS, odd = 0;
    for (size_t i = 0; i < NRESULTS; i++) {
        if (strcmp(results[i], result) == 0) col = i;
        if (strcmp(results[i], "storage_error") == 0) odd = i;
    }
    if (col == NRESULTS) col = odd;
    atomic_fetch_add(&m->req[via][row][col], 1);
    double s = (double)ns / 1e9;
    size_t b = 0;
    while (b < NBUCKETS && s > buckets[b]) b++;
    atomic_fetch_add(&m->lat[via][b], 1);
    atomic_fetch_add(&m->lat_sum_us[via], ns / 1000);
}

/* ---- peeking at msgpack ---- */

static bool peek_map(const uint8_t **p, const uint8_t *end)
{
    if (*p >= end) return false;
    uint8_t t = **p;
    if ((t & 0xf0) == 0x80) return ++*p, true;
    if (t == 0xde && end - *p >= 3) return *p += 3, true;
    if (t == 0xdf && end - *p >= 5) return *p += 5, true;
    return false;
}

static bool peek_str(const uint8_t **p, const uint8_t *end, const char **s, size_t *n)
{
    if (*p >= end) return false;
    uint8_t t = **p;
    size_t len, head;
    if ((t & 0xe0) == 0xa0) len = t & 0x1f, head = 1;
    else if (t == 0xd9 && end - *p >= 2) len = (*p)[1], head = 2;
    else if (t == 0xda && end - *p >= 3) len = (size_t)(*p)[1] << 8 | (*p)[2], head = 3;
    else return false;
    if ((size_t)(end - *p) < head + len) return false;
    *s = (const char *)*p + head;
    *n = len;
    *p += head + len;
    return true;
}

static bool peek_key(const uint8_t **p, const uint8_t *end, const char *want)
{
    const char *s;
    size_t n;
    return peek_str(p, end, &s, &n) && n == strlen(want) && memcmp(s, want, n) == 0;
}

static void copy_word(char *out, size_t cap, const char *s, size_t n)
{
    if (n >= cap) n = cap - 1;
    memcpy(out, s, n);
    out[n] = 0;
}

/* Parsing the whole, when the first keys are not where expected. */
static void parsed_str(const uint8_t *p, size_t n, const char *key, char *out, size_t cap)
{
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, p, n, &why) < 0) return;
    const rg_val *root = rg_doc_root(d);
    bool ok = false;
    if (strcmp(key, "ok") == 0) {
        if (rg_val_bool(rg_map_get(root, "ok"), &ok) && ok) snprintf(out, cap, "ok");
        else rg_val_strcpy(rg_map_get(root, "error"), out, cap);
    } else {
        rg_val_strcpy(rg_map_get(root, key), out, cap);
    }
    rg_doc_free(d);
}

void rg_metrics_op_of(const uint8_t *p, size_t n, char *op, size_t cap)
{
    const uint8_t *at = p, *end = p + n;
    const char *s;
    size_t sn;
    snprintf(op, cap, "unknown");
    if (peek_map(&at, end) && peek_key(&at, end, "op") && peek_str(&at, end, &s, &sn)) copy_word(op, cap, s, sn);
    else parsed_str(p, n, "op", op, cap);
}

void rg_metrics_result_of(const uint8_t *p, size_t n, char *code, size_t cap)
{
    const uint8_t *at = p, *end = p + n;
    const char *s;
    size_t sn;
    snprintf(code, cap, "storage_error");
    if (peek_map(&at, end) && peek_key(&at, end, "ok") && at < end && (*at == 0xc3 || *at == 0xc2)) {
        if (*at == 0xc3) {
            snprintf(code, cap, "ok");
            return;
        }
        at++;
        if (peek_key(&at, end, "error") && peek_str(&at, end, &s, &sn)) {
            copy_word(code, cap, s, sn);
            return;
        }
    }
    parsed_str(p, n, "ok", code, cap);
}

void rg_metrics_refused(rg_metrics *m, rg_refuse why) { atomic_fetch_add(&m->refused[why], 1); }

void rg_metrics_status(rg_metrics *m, unsigned status)
{
    size_t i = 0;
    while (i < NSTATUS && statuses[i] != status) i++;
    atomic_fetch_add(&m->status[i], 1);
}

void rg_metrics_connections(rg_metrics *m, int delta) { atomic_fetch_add(&m->conns, delta); }
void rg_metrics_streams(rg_metrics *m, int kind, int delta) { atomic_fetch_add(&m->streams[kind & 1], delta); }
void rg_metrics_sse_events(rg_metrics *m, uint64_t n) { atomic_fetch_add(&m->sse_events, n); }

static void say(rg_buf *out, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0) rg_buf_append(out, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static void head(rg_buf *out, const char *name, const char *type, const char *help)
{
    say(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One of the engine's power-of-two histograms (core/engine.h) in
 * Prometheus' cumulative form, its bounds scaled by unit. */
static void hist(rg_buf *out, const char *name, const char *help, const rg_fig_hist *h, uint64_t base, double unit)
{
    head(out, name, "histogram", help);
    uint64_t cum = 0;
    for (size_t k = 0; k <= RG_FIG_BUCKETS; k++) {
        cum += h->n[k];
        if (k < RG_FIG_BUCKETS)
            say(out, "%s_bucket{le=\"%g\"} %llu\n", name, (double)(base << k) * unit, (unsigned long long)cum);
        else
            say(out, "%s_bucket{le=\"+Inf\"} %llu\n", name, (unsigned long long)cum);
    }
    say(out, "%s_sum %.6f\n", name, (double)h->sum * unit);
    say(out, "%s_count %llu\n", name, (unsigned long long)h->count);
}

void rg_metrics_render(rg_metrics *m, const rg_metrics_snap *s, rg_buf *out)
{
    head(out, "regie_requests_total", "counter", "Requests answered, by operation, result and transport.");
    for (int v = 0; v < RG_NVIA; v++)
        for (size_t r = 0; r <= MAX_OPS; r++) {
            if (r >= m->nops && r != MAX_OPS) continue;
            const char *op = r == MAX_OPS ? "unknown" : rg_ops[r].name;
            for (size_t c = 0; c < NRESULTS; c++) {
                uint64_t n = atomic_load(&m->req[v][r][c]);
                /* Every op with ok, so a dashboard sees the whole table; the
                 * errors only once they happened. */
                if (n == 0 && (c != 0 || r == MAX_OPS)) continue;
                say(out, "regie_requests_total{op=\"%s\",result=\"%s\",transport=\"%s\"} %llu\n", op,
                    results[c], via_names[v], (unsigned long long)n);
            }
        }
    head(out, "regie_request_duration_seconds", "histogram",
         "Time from a request's last byte to its reply being ready (durable), by transport.");
    for (int v = 0; v < RG_NVIA; v++) {
        uint64_t cum = 0;
        for (size_t b = 0; b <= NBUCKETS; b++) {
            cum += atomic_load(&m->lat[v][b]);
            if (b < NBUCKETS)
                say(out, "regie_request_duration_seconds_bucket{transport=\"%s\",le=\"%g\"} %llu\n", via_names[v],
                    buckets[b], (unsigned long long)cum);
            else
                say(out, "regie_request_duration_seconds_bucket{transport=\"%s\",le=\"+Inf\"} %llu\n",
                    via_names[v], (unsigned long long)cum);
        }
        say(out, "regie_request_duration_seconds_sum{transport=\"%s\"} %.6f\n", via_names[v],
            (double)atomic_load(&m->lat_sum_us[v]) / 1e6);
        say(out, "regie_request_duration_seconds_count{transport=\"%s\"} %llu\n", via_names[v],
            (unsigned long long)cum);
    }

    head(out, "regie_http_refused_total", "counter",
         "Connections or requests refused or cut off by a limit, by reason.");
    for (int i = 0; i < RG_NREFUSE; i++)
        say(out, "regie_http_refused_total{reason=\"%s\"} %llu\n", refuse_names[i],
            (unsigned long long)atomic_load(&m->refused[i]));
    head(out, "regie_http_responses_total", "counter", "HTTP responses by status code.");
    for (size_t i = 0; i <= NSTATUS; i++) {
        uint64_t v = atomic_load(&m->status[i]);
        if (i < NSTATUS) say(out, "regie_http_responses_total{code=\"%u\"} %llu\n", statuses[i], (unsigned long long)v);
        else say(out, "regie_http_responses_total{code=\"other\"} %llu\n", (unsigned long long)v);
    }
    head(out, "regie_http_connections", "gauge", "Open HTTP connections.");
    say(out, "regie_http_connections %lld\n", (long long)atomic_load(&m->conns));
    head(out, "regie_sse_readers", "gauge", "Server-Sent Event streams open, by feed.");
    say(out, "regie_sse_readers{stream=\"feed\"} %lld\n", (long long)atomic_load(&m->streams[0]));
    say(out, "regie_sse_readers{stream=\"alerts\"} %lld\n", (long long)atomic_load(&m->streams[1]));
    head(out, "regie_sse_events_total", "counter", "Events and alerts sent on SSE streams.");
    say(out, "regie_sse_events_total %llu\n", (unsigned long long)atomic_load(&m->sse_events));
    head(out, "regie_http_sessions", "gauge", "Browser sessions open.");
    say(out, "regie_http_sessions %llu\n", (unsigned long long)s->sessions);
    head(out, "regie_http_engine_inflight", "gauge", "HTTP requests handed to the engine and not yet answered.");
    say(out, "regie_http_engine_inflight %llu\n", (unsigned long long)s->engine_inflight);
    head(out, "regie_log_head", "gauge", "Position of the last event in the log.");
    say(out, "regie_log_head %llu\n", (unsigned long long)s->log_head);
    head(out, "regie_commits_total", "counter", "Group commits made durable since start (every transport).");
    say(out, "regie_commits_total %llu\n", (unsigned long long)s->commits);
    head(out, "regie_committed_commands_total", "counter", "Commands those commits carried.");
    say(out, "regie_committed_commands_total %llu\n", (unsigned long long)s->committed);
    head(out, "regie_feed_longpolls", "gauge", "feed.read long-polls parked in the engine.");
    say(out, "regie_feed_longpolls %llu\n", (unsigned long long)s->parked);
    head(out, "regie_deadline_lateness_seconds", "gauge",
         "How late deadlines fired after falling due, at quantiles over those fired since start.");
    say(out, "regie_deadline_lateness_seconds{quantile=\"0.5\"} %.3f\n", (double)s->lateness_p50 / 1000);
    say(out, "regie_deadline_lateness_seconds{quantile=\"0.99\"} %.3f\n", (double)s->lateness_p99 / 1000);
    say(out, "regie_deadline_lateness_seconds{quantile=\"1\"} %.3f\n", (double)s->lateness_max / 1000);
    head(out, "regie_deadlines_fired_total", "counter", "Deadlines fired since start.");
    say(out, "regie_deadlines_fired_total %llu\n", (unsigned long long)s->lateness_count);

    hist(out, "regie_commit_commands", "Commands carried by each durable group commit.", &s->commit.cmds, 1, 1);
    hist(out, "regie_commit_bytes", "Bytes each durable group commit wrote.", &s->commit.bytes, 256, 1);
    hist(out, "regie_commit_duration_seconds", "A group commit's time from sealed to durable.",
         &s->commit.took_us, 64, 1e-6);
    hist(out, "regie_fsync_duration_seconds", "The synced write of a group commit (RocksDB's write and fsync).",
         &s->commit.sync_us, 64, 1e-6);

    head(out, "regie_deadlines_pending", "gauge", "Deadlines set and not yet fired, by region.");
    for (size_t i = 0; i < s->nregions; i++)
        say(out, "regie_deadlines_pending{region=\"%s\"} %llu\n", s->regions[i].zvh,
            (unsigned long long)s->regions[i].pending);
    head(out, "regie_stagnations_open", "gauge", "Open stagnations (deadlines passed unmet), by region.");
    for (size_t i = 0; i < s->nregions; i++)
        say(out, "regie_stagnations_open{region=\"%s\"} %llu\n", s->regions[i].zvh,
            (unsigned long long)s->regions[i].stagnations);
    head(out, "regie_escalations_open", "gauge", "Open escalations, by region and level of the ladder.");
    for (size_t i = 0; i < s->nregions; i++)
        for (int l = 0; l < 3; l++)
            say(out, "regie_escalations_open{region=\"%s\",level=\"%d\"} %llu\n", s->regions[i].zvh, l + 1,
                (unsigned long long)s->regions[i].esc[l]);
    head(out, "regie_metrics_regions_left_out", "gauge", "1 when there were more regions than /metrics names.");
    say(out, "regie_metrics_regions_left_out %d\n", s->regions_cut ? 1 : 0);
}
