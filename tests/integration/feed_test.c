/*
 * feed_test.c - the event feed through the real regied: a partner's feed
 * holds exactly the events of the cases its org takes part in, from the
 * version it joined; another org's feed holds none of them; small pages give
 * the same sequence as one large read; a reader resumed after SIGKILL and
 * restart misses and repeats nothing; a long-polling reader is woken by a
 * new event, and so is a subscriber to the reader's own feed topic
 * (notify.topics), with nothing but the event's position; an escalation
 * wakes the managers' alerts topics and lands in their alerts.list; every
 * read of case content leaves an audit record, durable before the reply.
 */
#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/supplemental/util/platform.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../test.h"

static rg_t_proc P;
static char *dir;
static rg_client *C;
static rg_buf B;
static rg_t_reply R;
static int n_req;
static char pol[128], ggz[128], vt[128], prA[128], mgr[128];

static const char *send_req(void) { return rg_t_proc_send(&P, C, &B, &R); }

static rg_buf *req(const char *token, const char *op, const char *case_id, int ndata)
{
    return rg_t_req(&B, token, op, case_id, ndata);
}

static void actor(const char *id, const char *role, const char *org, char *tok)
{
    rg_t_proc_actor(&P, C, id, role, org, tok);
}

/* Read the whole feed of token from after in pages of `page`; the seqs land
 * in out (capacity cap); returns how many. */
static size_t read_feed(const char *token, uint64_t after, uint32_t page, uint64_t *out, size_t cap,
                        uint64_t *next_out)
{
    size_t n = 0;
    for (;;) {
        rg_buf_reset(&B);
        rg_req_envelope(&B, "feed.read", token, NULL, NULL, -1, 2);
        rg_w_kuint(&B, "after", after);
        rg_w_kuint(&B, "limit", page);
        if (send_req()[0]) {
            printf("  feed.read failed: %s\n", rg_t_str(&R, "message"));
            rg_t_failed = 1;
            return n;
        }
        const rg_val *evs = rg_t_get(&R, "events");
        for (uint32_t i = 0; i < rg_array_size(evs) && n < cap; i++)
            rg_val_uint(rg_map_get(rg_array_at(evs, i), "seq"), &out[n++]);
        uint64_t next = rg_t_uint(&R, "next");
        if (rg_array_size(evs) == 0) {
            if (next != after) rg_t_failed = 1;         /* next stays put on an empty page */
            break;
        }
        after = next;
    }
    if (next_out) *next_out = after;
    return n;
}

static char c1[32], c2[32];

static void report(const char *token, char *out)
{
    rg_buf_reset(&B);
    char id[32];
    snprintf(id, sizeof id, "rep%d", ++n_req);
    rg_t_report_req(&B, token, id, "Robin Secret-Name");
    send_req();
    snprintf(out, 32, "%s", rg_t_str(&R, "case"));
}

static void test_setup(void)
{
    dir = rg_t_tmpdir();
    REQUIRE(rg_t_proc_start(&P, dir, NULL) == 0);
    REQUIRE(rg_client_open(&C, P.url, 10000, NULL) == 0);
    actor("pol1", "partner", "police", pol);
    actor("ggz1", "partner", "ggz", ggz);
    actor("vt1", "partner", "veilig-thuis", vt);
    actor("prA", "procesregisseur", "zvh", prA);
    actor("mgr1", "manager", "zvh", mgr);
    report(pol, c1);                                   /* police's case */
    report(vt, c2);                                    /* veilig-thuis's case */
    REQUIRE(c1[0] && c2[0]);
    rg_w_kstr(req(prA, "case.assign", c1, 1), "procesregisseur", "prA");
    REQUIRE(send_req()[0] == 0);
    REQUIRE(send_req()[0] == 0);                       /* same req: no new event */
    REQUIRE(req(prA, "intake.start", c1, -1) && send_req()[0] == 0);
    rg_buf *b = req(prA, "intake.decide", c1, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "x");
    rg_t_w_criteria(b, "multi_domain");
    REQUIRE(send_req()[0] == 0);
    b = req(prA, "info.request", c1, 2);               /* ggz joins c1 here */
    rg_w_kstr(b, "org", "ggz");
    rg_w_kstr(b, "question", "history?");
    REQUIRE(send_req()[0] == 0);
}

static void test_partner_feeds_are_exact(void)
{
    uint64_t seqs[256], all[256];
    /* The manager sees everything; police: all of c1; ggz: c1 from its join. */
    size_t nall = read_feed(mgr, 0, 1000, all, 256, NULL);
    CHECK(nall == 6);                                  /* 2 reports + 4 on c1 */
    size_t np = read_feed(pol, 0, 1000, seqs, 256, NULL);
    CHECK(np == 5);
    size_t ng = read_feed(ggz, 0, 1000, seqs, 256, NULL);
    CHECK(ng == 1);                                    /* only info.requested */
    CHECK(ng == 1 && seqs[0] == all[nall - 1]);
    size_t nv = read_feed(vt, 0, 1000, seqs, 256, NULL);
    CHECK(nv == 1);                                    /* only its own report */
    /* admins read no case content */
    rg_buf_reset(&B);
    rg_req_envelope(&B, "feed.read", P.admin, NULL, NULL, -1, 0);
    CHECK(strcmp(send_req(), "forbidden") == 0);
    /* a partner's page holds no other case and the subject of its own */
    rg_buf_reset(&B);
    rg_req_envelope(&B, "feed.read", vt, NULL, NULL, -1, 0);
    CHECK(send_req()[0] == 0);
    CHECK(memmem(R.bytes, R.len, c1, strlen(c1)) == NULL);
    CHECK(memmem(R.bytes, R.len, "Robin Secret-Name", 17) != NULL);
}

static void test_paging_matches_one_read(void)
{
    uint64_t big[256], small[256];
    size_t nb = read_feed(mgr, 0, 1000, big, 256, NULL);
    size_t ns = read_feed(mgr, 0, 1, small, 256, NULL);
    CHECK(nb == ns && memcmp(big, small, nb * sizeof *big) == 0);
    ns = read_feed(pol, 0, 2, small, 256, NULL);
    size_t nb2 = read_feed(pol, 0, 1000, big, 256, NULL);
    CHECK(nb2 == ns && memcmp(big, small, ns * sizeof *big) == 0);
}

typedef struct poller {
    const char *token;
    uint64_t after;
    int got;
    char url[600];
} poller;

static void *long_poll(void *arg)
{
    poller *p = arg;
    rg_client *c;
    if (rg_client_open(&c, p->url, 20000, NULL) < 0) return NULL;
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "feed.read", p->token, NULL, NULL, -1, 2);
    rg_w_kuint(&b, "after", p->after);
    rg_w_kuint(&b, "wait_ms", 15000);
    uint8_t *reply;
    size_t n;
    if (rg_client_call(c, b.data, b.len, &reply, &n) == 0) {
        rg_doc *d;
        const char *why;
        if (rg_doc_parse(&d, reply, n, &why) == 0) {
            p->got = (int)rg_array_size(rg_map_get(rg_doc_root(d), "events"));
            rg_doc_free(d);
        }
        free(reply);
    }
    rg_buf_free(&b);
    rg_client_close(c);
    return NULL;
}

/* The caller's own topic `which` ("feed" or "alerts") from notify.topics. */
static void topic_of(const char *token, const char *which, char *topic, size_t cap)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "notify.topics", token, NULL, NULL, -1, -1);
    topic[0] = 0;
    if (send_req()[0] == 0) snprintf(topic, cap, "%s", rg_t_str(&R, which));
    CHECK(topic[0]);
}

/* One notification on sub: exactly topic, 0x00, msgpack {seq}; its seq. */
static bool wake_up(nng_socket sub, const char *topic, uint64_t *seq)
{
    char *buf;
    size_t n;
    if (nng_recv(sub, &buf, &n, NNG_FLAG_ALLOC) != 0) return false;
    size_t tl = strlen(topic);
    bool ok = n > tl && memcmp(buf, topic, tl) == 0 && buf[tl] == 0;
    rg_doc *d = NULL;
    const char *why;
    ok = ok && rg_doc_parse(&d, (const uint8_t *)buf + tl + 1, n - tl - 1, &why) == 0 &&
         rg_map_size(rg_doc_root(d)) == 1 && rg_val_uint(rg_map_get(rg_doc_root(d), "seq"), seq);
    if (!ok) printf("  a notification that is not %s 0x00 {seq}: %zu bytes\n", topic, n);
    /* Nothing of the case, the person, the event or the orgs. */
    static const char *const never[] = {"Robin", "ZVH-", "partner.joined", "case.escalated", "ggz", "police",
                                        "gemeente", "mgr1", "zvh", NULL};
    for (const char *const *w = never; *w; w++)
        if (memmem(buf, n, *w, strlen(*w))) {
            printf("  a notification holds '%s'\n", *w);
            ok = false;
        }
    rg_doc_free(d);
    nng_free(buf, n);
    return ok;
}

static void test_long_poll_wakes(void)
{
    uint64_t seqs[256], next = 0;
    read_feed(ggz, 0, 1000, seqs, 256, &next);
    poller p = {ggz, next, -1, ""};
    snprintf(p.url, sizeof p.url, "%s", P.url);
    /* Subscribe to ggz's feed topic before the event, to see the wake-up. */
    char topic[80];
    topic_of(ggz, "feed", topic, sizeof topic);
    nng_socket sub;
    REQUIRE(nng_sub0_open(&sub) == 0);
    nng_socket_set(sub, NNG_OPT_SUB_SUBSCRIBE, topic, strlen(topic) + 1);
    nng_socket_set_ms(sub, NNG_OPT_RECVTIMEO, 5000);
    REQUIRE(nng_dial(sub, P.pub, NULL, 0) == 0);
    pthread_t th;
    pthread_create(&th, NULL, long_poll, &p);
    nng_msleep(300);                                   /* the reader is parked by now */
    CHECK(p.got == -1);
    rg_w_kstr(req(prA, "partner.join", c1, 1), "org", "gemeente-x");
    CHECK(send_req()[0] == 0);                         /* ggz takes part: it wakes */
    uint64_t joined = rg_t_uint(&R, "seq");
    pthread_join(th, NULL);
    CHECK(p.got == 1);
    /* The wake-up on ggz's feed topic names the position, and the record
     * is read from there: feed.read after it gives that very event. */
    uint64_t seq = 0;
    CHECK(wake_up(sub, topic, &seq));
    CHECK(seq == joined);
    rg_buf_reset(&B);
    rg_req_envelope(&B, "feed.read", ggz, NULL, NULL, -1, 1);
    rg_w_kuint(&B, "after", seq - 1);
    CHECK(send_req()[0] == 0);
    const rg_val *ev = rg_array_at(rg_t_get(&R, "events"), 0);
    CHECK(rg_val_is_str(rg_map_get(ev, "type"), "partner.joined") && rg_val_is_str(rg_map_get(ev, "case"), c1));
    rg_net_close(sub, RG_NET_CLOSE_MS);
    /* With nothing new, a long-poll ends empty at its deadline. */
    rg_buf_reset(&B);
    rg_req_envelope(&B, "feed.read", vt, NULL, NULL, -1, 2);
    rg_w_kuint(&B, "after", 1000000);
    rg_w_kuint(&B, "wait_ms", 200);
    CHECK(send_req()[0] == 0 && rg_array_size(rg_t_get(&R, "events")) == 0);
    CHECK(rg_t_uint(&R, "next") == 1000000);
}

static void test_resume_after_sigkill(void)
{
    uint64_t first[256], rest[256], all[256], next = 0;
    size_t n1 = read_feed(pol, 0, 1000, first, 256, &next);
    rg_client_close(C);
    rg_t_proc_stop(&P, SIGKILL);
    REQUIRE(rg_t_proc_start(&P, dir, NULL) == 0);
    REQUIRE(rg_client_open(&C, P.url, 10000, NULL) == 0);
    rg_buf *b = req(prA, "review.hold", c1, 1);        /* wrong state: nothing new */
    rg_w_kstr(b, "notes", "n");
    CHECK(strcmp(send_req(), "invalid_transition") == 0);
    b = req(prA, "meeting.schedule", c1, 2);
    rg_w_kstr(b, "at", rg_t_days_ahead(30, true));     /* the engine runs on the real clock */
    rg_t_w_list(b, "orgs", "police");
    CHECK(send_req()[0] == 0);
    size_t n2 = read_feed(pol, next, 1000, rest, 256, NULL);
    size_t na = read_feed(pol, 0, 1000, all, 256, NULL);
    CHECK(n2 >= 1 && n1 + n2 == na);
    CHECK(memcmp(all, first, n1 * sizeof *all) == 0);
    CHECK(memcmp(all + n1, rest, n2 * sizeof *all) == 0);
}

static void test_audit_records_reads(void)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "case.get", ggz, NULL, c1, -1, -1);
    CHECK(send_req()[0] == 0);
    /* The record was durable before that reply: a SIGKILL now keeps it, and
     * no other commit is needed to write it. */
    rg_client_close(C);
    rg_t_proc_stop(&P, SIGKILL);
    REQUIRE(rg_t_proc_start(&P, dir, NULL) == 0);
    REQUIRE(rg_client_open(&C, P.url, 10000, NULL) == 0);
    rg_buf_reset(&B);
    rg_req_envelope(&B, "audit.read", ggz, NULL, NULL, -1, 0);
    CHECK(strcmp(send_req(), "forbidden") == 0);      /* admins only */
    rg_buf_reset(&B);
    rg_req_envelope(&B, "audit.read", P.admin, NULL, NULL, -1, 1);
    rg_w_kstr(&B, "case", c1);
    CHECK(send_req()[0] == 0);
    const rg_val *recs = rg_t_get(&R, "records"), *last = NULL;
    for (uint32_t i = 0; i < rg_array_size(recs); i++) {
        const rg_val *r = rg_array_at(recs, i);
        if (rg_val_is_str(rg_map_get(r, "actor"), "ggz1")) last = r;
    }
    REQUIRE(last);
    bool refused = true;
    CHECK(rg_val_is_str(rg_array_at(rg_map_get(last, "cases"), 0), c1));
    CHECK(rg_val_is_str(rg_map_get(last, "role"), "partner") && rg_val_is_str(rg_map_get(last, "org"), "ggz"));
    CHECK(rg_val_is_str(rg_map_get(last, "zvh"), "zvh"));           /* the engine's default region */
    CHECK(rg_val_is_str(rg_map_get(last, "on_behalf_of"), "ggz"));  /* a partner reads for its own org */
    CHECK(rg_val_type(rg_map_get(last, "purpose")) == RG_VSTR && !rg_val_is_str(rg_map_get(last, "purpose"), "case.get"));
    CHECK(rg_val_type(rg_map_get(last, "basis")) == RG_VSTR);
    CHECK(rg_val_bool(rg_map_get(last, "refused"), &refused) && !refused);
    CHECK(memmem(R.bytes, R.len, "Robin", 5) == NULL);  /* no personal data in the trail */
}

static void test_escalation_alerts_managers(void)
{
    char topic[80];
    topic_of(mgr, "alerts", topic, sizeof topic);
    nng_socket sub;
    REQUIRE(nng_sub0_open(&sub) == 0);
    nng_socket_set(sub, NNG_OPT_SUB_SUBSCRIBE, topic, strlen(topic) + 1);
    nng_socket_set_ms(sub, NNG_OPT_RECVTIMEO, 5000);
    REQUIRE(nng_dial(sub, P.pub, NULL, 0) == 0);
    nng_msleep(300);
    rg_buf *b = req(prA, "case.escalate", c1, 2);
    rg_w_kuint(b, "level", 2);
    rg_w_kstr(b, "reason", "Robin refuses every contact");
    CHECK(send_req()[0] == 0);
    uint64_t escalated = rg_t_uint(&R, "seq"), seq = 0;
    if (wake_up(sub, topic, &seq)) {
        CHECK(seq == escalated);
    } else {
        printf("  no wake-up on the manager's alerts topic\n");
        rg_t_failed = 1;
    }
    rg_net_close(sub, RG_NET_CLOSE_MS);
    /* The alert itself is in the manager's inbox. */
    rg_buf_reset(&B);
    rg_req_envelope(&B, "alerts.list", mgr, NULL, NULL, -1, 1);
    rg_w_kbool(&B, "open", true);
    CHECK(send_req()[0] == 0);
    const rg_val *al = rg_t_get(&R, "alerts");
    bool found = false;
    for (uint32_t i = 0; i < rg_array_size(al); i++) {
        const rg_val *a = rg_array_at(al, i);
        uint64_t s = 0;
        rg_val_uint(rg_map_get(a, "seq"), &s);
        found |= s == escalated && rg_val_is_str(rg_map_get(a, "case"), c1) &&
                 rg_val_is_str(rg_map_get(a, "kind"), "escalation");
    }
    CHECK(found);
    CHECK(memmem(R.bytes, R.len, "Robin", 5) == NULL);
}

static void test_stop(void)
{
    rg_client_close(C);
    CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);
    rg_t_rmrf(dir);
    free(dir);
    rg_t_reply_free(&R);
    rg_buf_free(&B);
}

int main(void)
{
    RUN(test_setup);
    RUN(test_partner_feeds_are_exact);
    RUN(test_paging_matches_one_read);
    RUN(test_long_poll_wakes);
    RUN(test_resume_after_sigkill);
    RUN(test_audit_records_reads);
    RUN(test_escalation_alerts_managers);
    RUN(test_stop);
    return rg_t_exit();
}
