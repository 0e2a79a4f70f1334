/*
 * http_sse_test.c - net/http_sse.c, the live feeds as Server-Sent Events,
 * from a real regied over real HTTP: GET /api/v1/feed gives the caller's
 * feed as `id: SEQ` / `data: JSON` messages in log order, then each new
 * event live as it becomes durable; Last-Event-ID and ?after= resume after
 * the position given, nothing before it again; an unknown token is a 401
 * and no stream; a revoked actor's open stream ends with an `error`
 * message (the token is checked again while the stream is open).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test.h"

static rg_t_proc P;
static rg_client *C;
static int port;
static char *base;
static char pol[128];
static uint64_t s1, s2;

/* A report by the police over nng; its position. */
static uint64_t report(const char *req)
{
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    rg_t_report_req(&b, pol, req, "Jan Jansen");
    uint64_t seq = rg_t_proc_send(&P, C, &b, &r)[0] == 0 ? rg_t_uint(&r, "seq") : 0;
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    return seq;
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
    REQUIRE(rg_client_open(&C, P.url, 30000, NULL) == 0);
    rg_t_proc_actor(&P, C, "pol", "partner", "police", pol);
    REQUIRE(pol[0]);
    s1 = report("r1");
    s2 = report("r2");
    REQUIRE(s1 && s2 > s1);
}

/* GET path as a stream with token and more header lines; the fd. */
static int stream(const char *path, const char *token, const char *more)
{
    char h[512];
    snprintf(h, sizeof h, "Accept: text/event-stream\r\nAuthorization: Bearer %s\r\n%s", token, more ? more : "");
    return rg_t_http_open(port, "GET", path, h, NULL);
}

static bool has(const rg_buf *b, const char *s) { return b->len && memmem(b->data, b->len, s, strlen(s)); }

static void test_feed_then_live(void)
{
    REQUIRE(P.pid > 0);
    int fd = stream("/api/v1/feed", pol, NULL);
    REQUIRE(fd >= 0);
    rg_buf acc = RG_BUF_INIT;
    char id1[32], id2[32], id3[32];
    snprintf(id1, sizeof id1, "id: %llu\n", (unsigned long long)s1);
    snprintf(id2, sizeof id2, "id: %llu\n", (unsigned long long)s2);
    CHECK(rg_t_http_until(fd, &acc, id2, 60));
    char v[128];
    CHECK(memcmp(acc.data, "HTTP/1.1 200", 12) == 0);
    CHECK(rg_t_http_header(&acc, "Content-Type", v, sizeof v) && strncmp(v, "text/event-stream", 17) == 0);
    const uint8_t *a = memmem(acc.data, acc.len, id1, strlen(id1)), *b = memmem(acc.data, acc.len, id2, strlen(id2));
    CHECK(a && b && a < b);                                              /* in log order */
    CHECK(has(&acc, "data: {") && has(&acc, "case.reported"));
    uint64_t s3 = report("r3");                                          /* live */
    snprintf(id3, sizeof id3, "id: %llu\n", (unsigned long long)s3);
    CHECK(s3 && rg_t_http_until(fd, &acc, id3, 60));
    close(fd);
    rg_buf_free(&acc);
}

static void test_resume(void)
{
    REQUIRE(P.pid > 0);
    char more[64], id1[32], id2[32], id4[32];
    snprintf(more, sizeof more, "Last-Event-ID: %llu\r\n", (unsigned long long)s1);
    snprintf(id1, sizeof id1, "id: %llu\n", (unsigned long long)s1);
    snprintf(id2, sizeof id2, "id: %llu\n", (unsigned long long)s2);
    int fd = stream("/api/v1/feed", pol, more);
    REQUIRE(fd >= 0);
    rg_buf acc = RG_BUF_INIT;
    CHECK(rg_t_http_until(fd, &acc, id2, 60));
    CHECK(!has(&acc, id1));                                              /* nothing before it */
    close(fd);
    /* ?after= the newest: nothing until the next event, then that one. */
    uint64_t head = report("r4");
    char path[64];
    snprintf(path, sizeof path, "/api/v1/feed?after=%llu", (unsigned long long)head);
    fd = stream(path, pol, NULL);
    REQUIRE(fd >= 0);
    rg_buf_reset(&acc);
    CHECK(rg_t_http_until(fd, &acc, "text/event-stream", 60));
    uint64_t s5 = report("r5");
    snprintf(id4, sizeof id4, "id: %llu\n", (unsigned long long)s5);
    CHECK(rg_t_http_until(fd, &acc, id4, 60));
    CHECK(!has(&acc, id1) && !has(&acc, id2));
    char old[32];
    snprintf(old, sizeof old, "id: %llu\n", (unsigned long long)head);
    CHECK(!has(&acc, old));
    close(fd);
    rg_buf_free(&acc);
}

static void test_unknown_token(void)
{
    REQUIRE(P.pid > 0);
    rg_buf r = RG_BUF_INIT;
    int st = rg_t_http(port, "GET", "/api/v1/feed", "Accept: text/event-stream\r\nAuthorization: Bearer rgt_nobody\r\n",
                       NULL, &r);
    CHECK(st == 401);
    char v[128];
    CHECK(!rg_t_http_header(&r, "Content-Type", v, sizeof v) || strncmp(v, "text/event-stream", 17) != 0);
    rg_buf_free(&r);
}

/* The police partner revoked while its stream is open: the stream ends
 * with an `error` message. */
static void test_revoked_ends_stream(void)
{
    REQUIRE(P.pid > 0);
    int fd = stream("/api/v1/feed", pol, NULL);
    REQUIRE(fd >= 0);
    rg_buf acc = RG_BUF_INIT;
    CHECK(rg_t_http_until(fd, &acc, "data: {", 60));
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    rg_w_kstr(rg_t_req(&b, P.admin, "actor.revoke", NULL, 1), "id", "pol");
    CHECK(rg_t_proc_send(&P, C, &b, &r)[0] == 0);
    CHECK(rg_t_http_until(fd, &acc, "event: error", 60));
    close(fd);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    rg_buf_free(&acc);
}

int main(void)
{
    RUN(setup);
    RUN(test_feed_then_live);
    RUN(test_resume);
    RUN(test_unknown_token);
    RUN(test_revoked_ends_stream);
    if (C) rg_client_close(C);
    if (P.pid) CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);
    rg_t_rmrf(base);
    free(base);
    return rg_t_exit();
}
