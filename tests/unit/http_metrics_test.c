/*
 * http_metrics_test.c - net/http_metrics.c, what /metrics shows, on its
 * own: requests counted by operation, result and transport (an op the
 * contract does not know counted as "unknown", a result that is no error
 * code as storage_error: labels are words of fixed tables, never what a
 * caller sent), every op shown with ok; the duration histogram cumulative,
 * its +Inf bucket the count; refusals by reason, HTTP statuses (one not in
 * the table as "other"), connections and streams as gauges; the op and the
 * result read from msgpack whether the key comes first or not, and
 * "unknown" from bytes that are no request; the snapshot's gauges and the
 * regions; every line a comment or `name{labels} number`.
 */
#include <stdlib.h>
#include <string.h>

#include "../../engine/net/http_metrics.h"
#include "../test.h"
#include "../../engine/core/reply.h"

static rg_buf text;

/* The value of the sample named exactly `sample` (with its labels), or -1. */
static double value(const char *sample)
{
    size_t n = strlen(sample);
    const char *p = (const char *)text.data, *end = p + text.len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) nl = end;
        if ((size_t)(nl - p) > n && memcmp(p, sample, n) == 0 && p[n] == ' ') return strtod(p + n + 1, NULL);
        p = nl + 1;
    }
    return -1;
}

static void render(rg_metrics *m, const rg_metrics_snap *s)
{
    rg_buf_reset(&text);
    rg_metrics_render(m, s, &text);
}

static void test_requests(void)
{
    rg_metrics *m = rg_metrics_new();
    rg_metrics_snap s = {0};
    rg_metrics_request(m, "case.get", "ok", 2000000);
    rg_metrics_request(m, "case.get", "ok", 3000000);
    rg_metrics_request_via(m, RG_VIA_NNG, "case.report", "not_found", 50000000);
    rg_metrics_request(m, "ZVH-ABCDEFGH1", "ok", 1000);            /* not an op: unknown */
    rg_metrics_request(m, "case.get", "rgt_secret", 1000);          /* not a code */
    rg_metrics_request(m, NULL, "ok", 1000);
    render(m, &s);
    CHECK(value("regie_requests_total{op=\"case.get\",result=\"ok\",transport=\"http\"}") == 2);
    CHECK(value("regie_requests_total{op=\"case.report\",result=\"not_found\",transport=\"nng\"}") == 1);
    CHECK(value("regie_requests_total{op=\"unknown\",result=\"ok\",transport=\"http\"}") == 2);
    CHECK(value("regie_requests_total{op=\"case.get\",result=\"storage_error\",transport=\"http\"}") == 1);
    CHECK(value("regie_requests_total{op=\"stats\",result=\"ok\",transport=\"http\"}") == 0);   /* shown */
    CHECK(value("regie_requests_total{op=\"stats\",result=\"forbidden\",transport=\"http\"}") == -1);
    CHECK(!rg_t_holds(text.data, text.len, "ZVH-") && !rg_t_holds(text.data, text.len, "rgt_"));
    /* The histogram: cumulative, +Inf the count, the sum in seconds. */
    CHECK(value("regie_request_duration_seconds_count{transport=\"http\"}") == 5);
    CHECK(value("regie_request_duration_seconds_bucket{transport=\"http\",le=\"+Inf\"}") == 5);
    CHECK(value("regie_request_duration_seconds_count{transport=\"nng\"}") == 1);
    double sum = value("regie_request_duration_seconds_sum{transport=\"nng\"}");
    CHECK(sum > 0.049 && sum < 0.051);
    const char *p = (const char *)text.data, *end = p + text.len;
    double prev = 0;
    int buckets = 0;
    const char *b = "regie_request_duration_seconds_bucket{transport=\"http\",le=\"";
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) nl = end;
        if (strncmp(p, b, strlen(b)) == 0) {
            double v = strtod(strchr(p, ' ') + 1, NULL);
            CHECK(v >= prev);
            prev = v;
            buckets++;
        }
        p = nl + 1;
    }
    CHECK(buckets > 3 && prev == 5);
    rg_metrics_free(m);
}

static void test_http_figures(void)
{
    rg_metrics *m = rg_metrics_new();
    rg_metrics_snap s = {0};
    rg_metrics_refused(m, RG_REFUSE_BODY);
    rg_metrics_refused(m, RG_REFUSE_BODY);
    rg_metrics_refused(m, RG_REFUSE_TIMEOUT);
    rg_metrics_status(m, 200);
    rg_metrics_status(m, 413);
    rg_metrics_status(m, 418);
    rg_metrics_connections(m, 2);
    rg_metrics_connections(m, -1);
    rg_metrics_streams(m, 1, 3);
    rg_metrics_sse_events(m, 7);
    render(m, &s);
    CHECK(value("regie_http_refused_total{reason=\"body_too_large\"}") == 2);
    CHECK(value("regie_http_refused_total{reason=\"timeout\"}") == 1);
    CHECK(value("regie_http_responses_total{code=\"200\"}") == 1);
    CHECK(value("regie_http_responses_total{code=\"413\"}") == 1);
    CHECK(value("regie_http_responses_total{code=\"other\"}") == 1);
    CHECK(value("regie_http_responses_total{code=\"418\"}") == -1);
    CHECK(value("regie_http_connections") == 1);
    CHECK(value("regie_sse_readers{stream=\"alerts\"}") == 3 && value("regie_sse_readers{stream=\"feed\"}") == 0);
    CHECK(value("regie_sse_events_total") == 7);
    rg_metrics_free(m);
}

static void test_snapshot(void)
{
    rg_metrics *m = rg_metrics_new();
    rg_metrics_snap s = {.log_head = 42, .parked = 3, .sessions = 2, .nregions = 2, .regions_cut = true};
    snprintf(s.regions[0].zvh, sizeof s.regions[0].zvh, "zvh");
    s.regions[0].stagnations = 5;
    snprintf(s.regions[1].zvh, sizeof s.regions[1].zvh, "zvh-elders");
    s.regions[1].pending = 9;
    render(m, &s);
    CHECK(value("regie_log_head") == 42);
    CHECK(value("regie_feed_longpolls") == 3);
    CHECK(value("regie_http_sessions") == 2);
    CHECK(value("regie_stagnations_open{region=\"zvh\"}") == 5);
    CHECK(value("regie_deadlines_pending{region=\"zvh-elders\"}") == 9);
    CHECK(value("regie_metrics_regions_left_out") == 1);
    /* Every line a comment or a sample with a number. */
    const char *p = (const char *)text.data, *end = p + text.len;
    int samples = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        REQUIRE(nl != NULL);                       /* the text ends with a newline */
        if (p[0] == '#') {
            CHECK(strncmp(p, "# HELP regie_", 13) == 0 || strncmp(p, "# TYPE regie_", 13) == 0);
        } else {
            const char *sp = memchr(p, ' ', (size_t)(nl - p));
            CHECK(strncmp(p, "regie_", 6) == 0 && sp != NULL);
            char *after;
            if (sp) {
                strtod(sp + 1, &after);
                CHECK(after == nl);
            }
            samples++;
        }
        p = nl + 1;
    }
    CHECK(samples > 50);
    rg_metrics_free(m);
}

static void test_op_and_result_of(void)
{
    char w[64];
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "case.get", "rgt_x", NULL, "ZVH-1", -1, -1);
    rg_metrics_op_of(b.data, b.len, w, sizeof w);
    CHECK(strcmp(w, "case.get") == 0);
    rg_buf_reset(&b);
    rg_w_map(&b, 2);                                 /* op not first: parsed */
    rg_w_kstr(&b, "token", "rgt_x");
    rg_w_kstr(&b, "op", "stats");
    rg_metrics_op_of(b.data, b.len, w, sizeof w);
    CHECK(strcmp(w, "stats") == 0);
    rg_metrics_op_of((const uint8_t *)"\xc1\xc1", 2, w, sizeof w);
    CHECK(strcmp(w, "unknown") == 0);
    rg_buf_reset(&b);
    rg_w_map(&b, 1);
    rg_w_kbool(&b, "ok", true);
    rg_metrics_result_of(b.data, b.len, w, sizeof w);
    CHECK(strcmp(w, "ok") == 0);
    rg_buf_reset(&b);
    rg_error_reply(&b, -1 /* RG_E... any */, "x");
    rg_metrics_result_of(b.data, b.len, w, sizeof w);
    CHECK(w[0] && strcmp(w, "ok") != 0);
    rg_buf_reset(&b);
    rg_w_map(&b, 3);                                 /* error before ok: parsed */
    rg_w_kstr(&b, "error", "forbidden");
    rg_w_kbool(&b, "ok", false);
    rg_w_kstr(&b, "message", "m");
    rg_metrics_result_of(b.data, b.len, w, sizeof w);
    CHECK(strcmp(w, "forbidden") == 0);
    rg_buf_free(&b);
}

int main(void)
{
    RUN(test_requests);
    RUN(test_http_figures);
    RUN(test_snapshot);
    RUN(test_op_and_result_of);
    rg_buf_free(&text);
    return rg_t_exit();
}
