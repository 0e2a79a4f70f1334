/*
 * publish_test.c - net/publish.c, notifications over nng PUB, with real
 * SUB sockets over ipc: each topic of a notice is one message, the topic,
 * one 0x00 and msgpack {seq} and nothing else; a subscriber of one topic
 * gets that topic's only; a notice without topics sends nothing; a URL
 * that cannot be listened on (nonsense, or taken) is refused with nothing
 * left open.
 */
#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/net/publish.h"
#include "../../engine/storage/errors.h"
#include "../test.h"

static char *dir;
static char url[600];
static rg_publisher *pub;
static nng_socket all, only_b;

static nng_socket sub(const char *prefix)
{
    nng_socket s;
    if (nng_sub0_open(&s) != 0) return (nng_socket)NNG_SOCKET_INITIALIZER;
    nng_socket_set(s, NNG_OPT_SUB_SUBSCRIBE, prefix, strlen(prefix));
    nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, 200);
    nng_dial(s, url, NULL, NNG_FLAG_NONBLOCK);
    return s;
}

/* The next message on s into b (0 bytes when none came in the timeout). */
static void next(nng_socket s, rg_buf *b)
{
    rg_buf_reset(b);
    nng_msg *m;
    if (nng_recvmsg(s, &m, 0) != 0) return;
    rg_buf_append(b, nng_msg_body(m), nng_msg_len(m));
    nng_msg_free(m);
}

/* A message is topic 0x00 {seq}: the seq, or 0 when it is not exactly that. */
static uint64_t seq_of(const rg_buf *b, const char *topic)
{
    size_t tn = strlen(topic);
    if (b->len <= tn + 1 || memcmp(b->data, topic, tn) != 0 || b->data[tn] != 0) return 0;
    rg_doc *d = NULL;
    const char *why;
    uint64_t seq = 0;
    if (rg_doc_parse(&d, b->data + tn + 1, b->len - tn - 1, &why) == 0 && rg_map_size(rg_doc_root(d)) == 1)
        rg_val_uint(rg_map_get(rg_doc_root(d), "seq"), &seq);
    rg_doc_free(d);
    return seq;
}

/* Subscriptions reach PUB some time after the dial: publish a warm-up
 * until each subscriber has one (bounded; not a timing assertion). */
static bool warm(nng_socket s, const char *topic)
{
    char topics[64];
    size_t n = strlen(topic);
    memcpy(topics, topic, n + 1);
    topics[n + 1] = '\0';
    rg_notice w = {1, topics};
    rg_buf b = RG_BUF_INIT;
    bool ok = false;
    for (int i = 0; i < 300 && !ok; i++) {
        rg_publisher_notify(pub, &w);
        next(s, &b);
        ok = b.len > 0;
    }
    /* drain what the warm-up left queued */
    for (next(s, &b); b.len; next(s, &b)) {}
    rg_buf_free(&b);
    return ok;
}

static void setup(void)
{
    dir = rg_t_tmpdir();
    snprintf(url, sizeof url, "ipc://%s/pub.ipc", dir);
    REQUIRE(rg_publisher_open(&pub, url, NULL, NULL) == 0);
    all = sub("");
    only_b = sub("bbbb");
    REQUIRE(warm(all, "warm"));
    REQUIRE(warm(only_b, "bbbb"));
    rg_buf b = RG_BUF_INIT;
    for (next(all, &b); b.len; next(all, &b)) {}
    rg_buf_free(&b);
}

static void test_one_message_per_topic(void)
{
    rg_notice n = {7, "aaaa\0bbbb\0"};
    rg_publisher_notify(pub, &n);
    rg_buf b = RG_BUF_INIT;
    next(all, &b);
    CHECK(seq_of(&b, "aaaa") == 7 && b.len == 5 + 1 + 5);     /* "aaaa" 0 {seq: 7}: 0x81 0xa3 seq 0x07 */
    next(all, &b);
    CHECK(seq_of(&b, "bbbb") == 7);
    next(all, &b);
    CHECK(b.len == 0);                                          /* two, no more */
    next(only_b, &b);
    CHECK(seq_of(&b, "bbbb") == 7);
    next(only_b, &b);
    CHECK(b.len == 0);                                          /* not aaaa */
    rg_buf_free(&b);
}

static void test_no_topics_nothing_sent(void)
{
    rg_notice none = {8, NULL}, empty = {9, "\0"};
    rg_publisher_notify(pub, &none);
    rg_publisher_notify(pub, &empty);
    rg_notice marker = {10, "cccc\0"};
    rg_publisher_notify(pub, &marker);
    rg_buf b = RG_BUF_INIT;
    next(all, &b);
    CHECK(seq_of(&b, "cccc") == 10);                            /* the marker is the first */
    rg_buf_free(&b);
}

static void test_bad_urls(void)
{
    rg_publisher *p = (rg_publisher *)&p;
    CHECK(rg_publisher_open(&p, "nonsense://x", NULL, NULL) == RG_ESTORAGE && p == NULL);
    p = (rg_publisher *)&p;
    CHECK(rg_publisher_open(&p, url, NULL, NULL) == RG_ESTORAGE && p == NULL);     /* taken */
    rg_publisher_close(NULL);                                                    /* harmless */
}

int main(void)
{
    RUN(setup);
    RUN(test_one_message_per_topic);
    RUN(test_no_topics_nothing_sent);
    RUN(test_bad_urls);
    nng_close(all);
    nng_close(only_b);
    rg_publisher_close(pub);
    rg_t_rmrf(dir);
    free(dir);
    return rg_t_exit();
}
