/*
 * server_test.c - the real regied over real nng sockets: bad input of every
 * kind answered with the contract's code while the server keeps serving,
 * many concurrent clients, notifications without personal data, admin.token
 * permissions, and a clean exit on SIGTERM with the acknowledged work kept.
 */
#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/supplemental/util/platform.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../test.h"

static rg_t_proc P;
static char *dir;
static char pol[128];

static void call_ok(rg_client *c, const rg_buf *b, rg_t_reply *r)
{
    memset(r, 0, sizeof *r);
    if (rg_t_proc_call(&P, c, b, r) < 0) {
        printf("  no reply\n");
        rg_t_failed = 1;
    }
}

static void test_start(void)
{
    dir = rg_t_tmpdir();
    REQUIRE(rg_t_proc_start(&P, dir, NULL) == 0);
    char path[700];
    struct stat st;
    snprintf(path, sizeof path, "%s/admin.token", dir);
    REQUIRE(stat(path, &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    rg_client *c;
    REQUIRE(rg_client_open(&c, P.url, 5000, NULL) == 0);
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r;
    rg_t_actor_req(&b, P.admin, "a1", "pol", "partner", "police");
    call_ok(c, &b, &r);
    CHECK(rg_t_ok(&r));
    snprintf(pol, sizeof pol, "%s", rg_t_str(&r, "token"));
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    rg_client_close(c);
}

static void expect_code(rg_client *c, const void *p, size_t n, const char *code)
{
    uint8_t *reply;
    size_t rn;
    rg_t_reply r = {0};
    int rc = rg_client_call(c, p, n, &reply, &rn);
    if (rc < 0) {
        printf("  no reply for a bad request expecting %s\n", code);
        rg_t_failed = 1;
        return;
    }
    rg_buf tmp = RG_BUF_INIT;
    rg_buf_append(&tmp, reply, rn);
    free(reply);
    const char *why;
    r.bytes = tmp.data;
    r.len = tmp.len;
    if (rg_doc_parse(&r.doc, r.bytes, r.len, &why) == 0) r.root = rg_doc_root(r.doc);
    if (strcmp(rg_t_err(&r), code) != 0) {
        printf("  expected %s, got '%s'\n", code, rg_t_err(&r));
        rg_t_failed = 1;
    }
    CHECK(rg_t_get(&r, "message") != NULL);
    rg_t_reply_free(&r);
}

static uint64_t head(rg_client *c)
{
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r;
    rg_req_envelope(&b, "stats", P.admin, NULL, NULL, -1, -1);
    call_ok(c, &b, &r);
    uint64_t h = rg_t_uint(&r, "events");
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    return h;
}

static void test_bad_input_over_the_wire(void)
{
    rg_client *c;
    REQUIRE(rg_client_open(&c, P.url, 5000, NULL) == 0);
    uint64_t h0 = head(c);
    expect_code(c, "\x00\x01\x02garbage\xff", 11, "bad_request");
    expect_code(c, "\x91\xa2op", 4, "bad_request");              /* array, truncated */
    expect_code(c, "\x92\xa1x\xa1y", 5, "bad_request");           /* array, not a map */
    expect_code(c, "\xdf\xdf\xdf\xdf\xdf\x00\x00\x00\x00\x00", 10, "bad_request");
    rg_buf b = RG_BUF_INIT;
    rg_w_map(&b, 3);
    rg_w_kstr(&b, "op", "stats");
    rg_w_kstr(&b, "token", P.admin);
    rg_w_cstr(&b, "data");
    for (int i = 0; i < 100000; i++) rg_w_array(&b, 1);        /* 100k levels deep */
    rg_w_nil(&b);
    expect_code(c, b.data, b.len, "bad_request");
    rg_buf_reset(&b);
    rg_req_envelope(&b, "case.report", pol, "big", NULL, -1, 1);
    rg_w_cstr(&b, "summary");
    size_t big = 2u << 20;                                      /* 2 MiB */
    char *s = calloc(1, big);
    memset(s, 'x', big);
    rg_w_str(&b, s, big);
    free(s);
    expect_code(c, b.data, b.len, "bad_request");
    rg_buf_reset(&b);
    rg_req_envelope(&b, "plan.teleport", pol, "t", NULL, -1, -1);
    expect_code(c, b.data, b.len, "unknown_op");
    rg_buf_reset(&b);
    rg_req_envelope(&b, "stats", "rgt_0000", NULL, NULL, -1, -1);
    expect_code(c, b.data, b.len, "unauthorized");
    rg_buf_reset(&b);
    rg_req_envelope(&b, "case.report", pol, "uf", NULL, -1, 1);
    rg_w_kstr(&b, "favourite_colour", "blue");
    expect_code(c, b.data, b.len, "bad_request");
    rg_buf_free(&b);
    CHECK(head(c) == h0);                                       /* nothing written */
    rg_client_close(c);
}

#define THREADS 8
#define PER_THREAD 60

static void *reporter(void *arg)
{
    long id = (long)arg;
    rg_client *c;
    long ok = 0;
    if (rg_client_open(&c, P.url, 10000, NULL) < 0) return (void *)0;
    for (int i = 0; i < PER_THREAD; i++) {
        char req[32];
        snprintf(req, sizeof req, "t%ld-%d", id, i);
        rg_buf b = RG_BUF_INIT;
        rg_t_report_req(&b, pol, req, "Sam");
        uint8_t *reply;
        size_t n;
        if (rg_client_call(c, b.data, b.len, &reply, &n) == 0) {
            rg_doc *d;
            const char *why;
            bool v = false;
            if (rg_doc_parse(&d, reply, n, &why) == 0) {
                if (rg_val_bool(rg_map_get(rg_doc_root(d), "ok"), &v) && v) ok++;
                rg_doc_free(d);
            }
            free(reply);
        }
        rg_buf_free(&b);
    }
    rg_client_close(c);
    return (void *)ok;
}

static void test_concurrent_clients_and_notifications(void)
{
    rg_client *c;
    REQUIRE(rg_client_open(&c, P.url, 5000, NULL) == 0);
    /* The reporter's own feed topic (notify.topics): its cases' events. */
    char topic[80] = "";
    rg_buf tb = RG_BUF_INIT;
    rg_t_reply tr;
    rg_req_envelope(&tb, "notify.topics", pol, NULL, NULL, -1, -1);
    call_ok(c, &tb, &tr);
    snprintf(topic, sizeof topic, "%s", rg_t_str(&tr, "feed"));
    rg_t_reply_free(&tr);
    rg_buf_free(&tb);
    REQUIRE(topic[0]);
    nng_socket sub;
    REQUIRE(nng_sub0_open(&sub) == 0);
    nng_socket_set(sub, NNG_OPT_SUB_SUBSCRIBE, topic, strlen(topic) + 1);
    nng_socket_set_ms(sub, NNG_OPT_RECVTIMEO, 3000);
    REQUIRE(nng_dial(sub, P.pub, NULL, 0) == 0);
    nng_msleep(200);                                  /* let the subscription reach PUB */

    uint64_t h0 = head(c);
    pthread_t th[THREADS];
    for (long i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, reporter, (void *)i);
    long total = 0;
    for (int i = 0; i < THREADS; i++) {
        void *res;
        pthread_join(th[i], &res);
        total += (long)res;
    }
    CHECK(total == THREADS * PER_THREAD);
    CHECK(head(c) == h0 + (uint64_t)total);

    /* Notifications: the topic, NUL, {seq} and nothing else, in log order,
     * each a position of the reports just made (PUB may drop some). */
    int seen = 0;
    uint64_t last = h0;
    for (int i = 0; i < 20; i++) {
        char *buf;
        size_t n;
        if (nng_recv(sub, &buf, &n, NNG_FLAG_ALLOC) != 0) break;
        size_t tl = strnlen(buf, n);
        CHECK(tl < n && strcmp(buf, topic) == 0);
        rg_doc *d;
        const char *why;
        if (tl < n && rg_doc_parse(&d, (uint8_t *)buf + tl + 1, n - tl - 1, &why) == 0) {
            const rg_val *m = rg_doc_root(d);
            uint64_t seq = 0;
            CHECK(rg_map_size(m) == 1 && rg_val_uint(rg_map_get(m, "seq"), &seq));
            CHECK(seq > last && seq <= h0 + (uint64_t)total);
            last = seq;
            rg_doc_free(d);
        } else {
            rg_t_failed = 1;
        }
        CHECK(memmem(buf, n, "Sam", 3) == NULL && memmem(buf, n, "ZVH-", 4) == NULL &&
              memmem(buf, n, "case.reported", 13) == NULL && memmem(buf, n, "police", 6) == NULL);
        nng_free(buf, n);
        seen++;
    }
    CHECK(seen > 0);
    rg_net_close(sub, RG_NET_CLOSE_MS);
    rg_client_close(c);
}

static void test_sigterm_is_clean(void)
{
    rg_client *c;
    REQUIRE(rg_client_open(&c, P.url, 5000, NULL) == 0);
    uint64_t h = head(c);
    rg_client_close(c);
    CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);
    REQUIRE(rg_t_proc_start(&P, dir, NULL) == 0);
    REQUIRE(rg_client_open(&c, P.url, 5000, NULL) == 0);
    CHECK(head(c) == h);
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r;
    rg_req_envelope(&b, "log.verify", P.admin, NULL, NULL, -1, -1);
    call_ok(c, &b, &r);
    CHECK(rg_t_ok(&r) && rg_t_uint(&r, "checked") == h);
    CHECK(rg_val_type(rg_t_get(&r, "broken")) == RG_VNIL);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    rg_client_close(c);
    CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);
    rg_t_rmrf(dir);
    free(dir);
}

int main(void)
{
    RUN(test_start);
    RUN(test_bad_input_over_the_wire);
    RUN(test_concurrent_clients_and_notifications);
    RUN(test_sigterm_is_clean);
    return rg_t_exit();
}
