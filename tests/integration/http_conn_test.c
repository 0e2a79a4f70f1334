/*
 * http_conn_test.c - net/http_conn.c, what every part of the HTTP face does
 * with a connection, from a real regied over real HTTP: each of the
 * contract's codes has its status (rg_http_status_of: one per code, a code
 * it does not know 503, never a 200); an answer is JSON with the common
 * headers (no-store, nosniff, no-referrer), an error {ok: false, error,
 * message, trace} with the status of its code; a request handed to the loop
 * and parked there (a feed.read long-poll: its connection suspended) is
 * answered once an event comes, and a second request on another
 * connection is answered meanwhile.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../engine/net/http_conn.h"
#include "../../engine/storage/errors.h"
#include "../test.h"

static rg_t_proc P;
static int port;
static char *base;
static char pol[128];

static void test_status_of(void)
{
    static const struct { int err; unsigned status; } want[] = {
        {RG_EBADREQ, 400}, {RG_EUNKNOWNOP, 400}, {RG_EUNAUTH, 401}, {RG_EFORBIDDEN, 403},
        {RG_ENOTFOUND, 404}, {RG_ETRANSITION, 409}, {RG_EGUARD, 409}, {RG_ECONFLICT, 409},
        {RG_ESTORAGE, 503}, {RG_EOVERLOAD, 503},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (rg_http_status_of(rg_strerror(want[i].err)) != want[i].status) {
            printf("  %s: %u, not %u\n", rg_strerror(want[i].err), rg_http_status_of(rg_strerror(want[i].err)),
                   want[i].status);
            rg_t_failed = 1;
        }
    CHECK(rg_http_status_of("ok") == 200);
    CHECK(rg_http_status_of("no_such_code") == 503);
    CHECK(rg_http_status_of("") == 503);
}

static void setup(void)
{
    base = rg_t_tmpdir();
    char listen[64];
    port = rg_t_free_port();
    REQUIRE(port > 0);
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    const char *extra[] = {"--http", listen, NULL};
    REQUIRE(rg_t_proc_start(&P, base, extra) == 0);
    rg_client *c;
    REQUIRE(rg_client_open(&c, P.url, 30000, NULL) == 0);
    rg_t_proc_actor(&P, c, "pol", "partner", "police", pol);
    rg_client_close(c);
    REQUIRE(pol[0]);
}

/* POST /api/v1/op with token and a JSON body; the status, the response in r. */
static int post(const char *op, const char *token, const char *body, rg_buf *r)
{
    char path[128], h[512];
    snprintf(path, sizeof path, "/api/v1/%s", op);
    snprintf(h, sizeof h, "Content-Type: application/json\r\n%s%s%s", token ? "Authorization: Bearer " : "",
             token ? token : "", token ? "\r\n" : "");
    return rg_t_http(port, "POST", path, h, body ? body : "{}", r);
}

static void common(const rg_buf *r)
{
    char v[256];
    CHECK(rg_t_http_header(r, "Content-Type", v, sizeof v) && strcmp(v, "application/json; charset=utf-8") == 0);
    CHECK(rg_t_http_header(r, "Cache-Control", v, sizeof v) && strcmp(v, "no-store") == 0);
    CHECK(rg_t_http_header(r, "X-Content-Type-Options", v, sizeof v) && strcmp(v, "nosniff") == 0);
    CHECK(rg_t_http_header(r, "Referrer-Policy", v, sizeof v) && strcmp(v, "no-referrer") == 0);
}

static void expect_error(int st, const rg_buf *r, int want, const char *code)
{
    size_t n;
    const char *body = rg_t_http_body(r, &n);
    char e[64];
    snprintf(e, sizeof e, "\"error\":\"%s\"", code);
    if (st != want || !rg_t_holds(body, n, e) || !rg_t_holds(body, n, "\"ok\":false") ||
        !rg_t_holds(body, n, "\"message\":")) {
        printf("  %d (want %d %s): %.*s\n", st, want, code, (int)(n > 200 ? 200 : n), body);
        rg_t_failed = 1;
    }
    common(r);
}

static void test_answers(void)
{
    REQUIRE(P.pid > 0);
    rg_buf r = RG_BUF_INIT;
    int st = post("whoami", pol, NULL, &r);
    size_t n;
    const char *body = rg_t_http_body(&r, &n);
    CHECK(st == 200 && rg_t_holds(body, n, "\"ok\":true") && rg_t_holds(body, n, "\"role\":\"partner\""));
    common(&r);
    expect_error(post("whoami", "rgt_nobody", NULL, &r), &r, 401, "unauthorized");
    expect_error(post("no.such", pol, NULL, &r), &r, 400, "unknown_op");
    expect_error(post("stats", pol, NULL, &r), &r, 403, "forbidden");
    expect_error(post("case.get", pol, "{\"case\":\"ZVH-99999999\"}", &r), &r, 404, "not_found");
    expect_error(post("whoami", pol, "{not json", &r), &r, 400, "bad_request");
    rg_buf_free(&r);
}

/* A feed.read that waits is parked in the loop with its connection
 * suspended; meanwhile another request is answered; a report wakes it. */
static void test_parked_then_answered(void)
{
    REQUIRE(P.pid > 0);
    rg_buf r = RG_BUF_INIT;
    CHECK(post("feed.read", pol, "{\"data\":{\"limit\":10}}", &r) == 200);
    size_t n;
    const char *body = rg_t_http_body(&r, &n);
    char *h = strstr(body, "\"next\":");
    uint64_t after = h ? strtoull(h + 7, NULL, 10) : 0;
    char pbody[128], hdr[512];
    snprintf(pbody, sizeof pbody, "{\"data\":{\"after\":%llu,\"wait_ms\":120000}}", (unsigned long long)after);
    snprintf(hdr, sizeof hdr, "Connection: close\r\nContent-Type: application/json\r\nAuthorization: Bearer %s\r\n",
             pol);
    int fd = rg_t_http_open(port, "POST", "/api/v1/feed.read", hdr, pbody);
    REQUIRE(fd >= 0);
    rg_buf parked = RG_BUF_INIT;
    CHECK(!rg_t_http_until(fd, &parked, "HTTP/1.1", 1));          /* nothing yet: parked */
    CHECK(post("whoami", pol, NULL, &r) == 200);                  /* the face is not held up */
    rg_buf b = RG_BUF_INIT;
    rg_t_report_req(&b, pol, "wake", "Jan Jansen");
    rg_client *c;
    REQUIRE(rg_client_open(&c, P.url, 30000, NULL) == 0);
    rg_t_reply rep = {0};
    CHECK(rg_t_proc_send(&P, c, &b, &rep)[0] == 0);
    rg_t_reply_free(&rep);
    rg_client_close(c);
    CHECK(rg_t_http_until(fd, &parked, "case.reported", 60));
    CHECK(parked.len > 12 && memcmp(parked.data, "HTTP/1.1 200", 12) == 0);
    close(fd);
    rg_buf_free(&parked);
    rg_buf_free(&b);
    rg_buf_free(&r);
}

int main(void)
{
    RUN(test_status_of);
    RUN(setup);
    RUN(test_answers);
    RUN(test_parked_then_answered);
    if (P.pid) CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);
    rg_t_rmrf(base);
    free(base);
    return rg_t_exit();
}
