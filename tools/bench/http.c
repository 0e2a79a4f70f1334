/*
 * http.c - the HTTP face against a real regied (issue 22): the JSON API
 * doing the same case cycle as the nng generator (report, take, start
 * intake, admit, bring in a partner), closed loop with 1 and 64 requests in
 * flight (one keep-alive connection each), beside the nng figures of the
 * same engine in the same run; and the SSE fan-out: 100 and 1,000 readers
 * of GET /api/v1/feed, the delay from a durable write (its writer's reply)
 * to each reader's copy.  A client of plain sockets and poll(): what is
 * measured is the engine's face, not an HTTP library's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../engine/storage/codec.h"
#include "../client.h"
#include "bench.h"

#define NNG_PORT 17490
#define HTTP_PORT 17492
#define SSE_NNG_PORT 17494
#define SSE_HTTP_PORT 17496
#define IN_CAP (256 * 1024)

static int dial(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* Until the engine answers HTTP (it writes admin.token before it listens). */
static bool wait_http(int port)
{
    for (int i = 0; i < 400; i++) {
        int fd = dial(port);
        if (fd >= 0) {
            close(fd);
            return true;
        }
        usleep(25000);
    }
    return false;
}

static void raise_fd_limit(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

/* ---- the JSON API, closed loop ---- */

typedef struct hconn {
    int fd, id, step;
    uint64_t n;
    char case_id[40];
    char out[2048];
    size_t olen, osent;
    char *in;
    size_t ilen;
    double t0;
    bool dead;
} hconn;

typedef struct api_run {
    const char *partner, *director;
    uint64_t done, failed;
    lat l;
} api_run;

/* The request of c's next step, as the nng generator builds it (net.c). */
static void api_build(api_run *r, hconn *c)
{
    char body[1024], req[48];
    snprintf(req, sizeof req, "h%d-%llu", c->id, (unsigned long long)++c->n);
    const char *op, *tok = r->director;
    if (c->step == 0 || !c->case_id[0]) {
        c->step = 0;
        op = "case.report";
        tok = r->partner;
        snprintf(body, sizeof body, "{\"req\":\"%s\",\"data\":{\"target_group\":\"verward_gedrag\",\"summary\":"
                 "\"Repeated incidents at the address; neighbours report threats.\",\"urgency\":\"high\","
                 "\"informed\":true,\"subject\":{\"name\":\"Jan Jansen\",\"birth_date\":\"1988-04-02\"}}}", req);
    } else if (c->step == 1) {
        op = "case.assign";
        snprintf(body, sizeof body, "{\"req\":\"%s\",\"case\":\"%s\",\"data\":{\"procesregisseur\":\"bench-pr\"}}",
                 req, c->case_id);
    } else if (c->step == 2) {
        op = "intake.start";
        snprintf(body, sizeof body, "{\"req\":\"%s\",\"case\":\"%s\"}", req, c->case_id);
    } else if (c->step == 3) {
        op = "intake.decide";
        snprintf(body, sizeof body, "{\"req\":\"%s\",\"case\":\"%s\",\"data\":{\"admit\":true,\"reason\":"
                 "\"several life domains\",\"criteria\":[\"multi_domain\"]}}", req, c->case_id);
    } else {
        op = "partner.join";
        snprintf(body, sizeof body, "{\"req\":\"%s\",\"case\":\"%s\",\"data\":{\"org\":\"ggz\"}}", req, c->case_id);
    }
    int n = snprintf(c->out, sizeof c->out, "POST /api/v1/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Authorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                     op, tok, strlen(body), body);
    c->olen = n > 0 && (size_t)n < sizeof c->out ? (size_t)n : 0;
    c->osent = 0;
    c->ilen = 0;
    c->t0 = bench_now();
}

/* A whole response in c->in: its length, else 0. */
static size_t response_len(const hconn *c, int *status)
{
    const char *end = memmem(c->in, c->ilen, "\r\n\r\n", 4);
    if (!end) return 0;
    size_t head = (size_t)(end - c->in) + 4;
    *status = atoi(c->in + 9);
    const char *cl = memmem(c->in, head, "Content-Length:", 15);
    if (!cl) cl = memmem(c->in, head, "content-length:", 15);
    size_t body = cl ? strtoull(cl + 15, NULL, 10) : 0;
    return c->ilen >= head + body ? head + body : 0;
}

static void api_answered(api_run *r, hconn *c, size_t len, int status)
{
    lat_add(&r->l, bench_now() - c->t0);
    r->done++;
    const char *body = memmem(c->in, len, "\r\n\r\n", 4);
    if (status != 200) {
        r->failed++;
        c->step = 0;
    } else {
        if (c->step == 0 && body) {
            const char *k = memmem(body, len - (size_t)(body - c->in), "\"case\":\"", 8);
            size_t i = 0;
            if (k)
                for (k += 8; *k && *k != '"' && i + 1 < sizeof c->case_id; k++) c->case_id[i++] = *k;
            c->case_id[i] = 0;
        }
        c->step = (c->step + 1) % 5;
    }
    memmove(c->in, c->in + len, c->ilen - len);
    c->ilen -= len;
}

static bench_run api_loop(api_run *r, int nconns, double seconds)
{
    hconn *cs = calloc((size_t)nconns, sizeof *cs);
    struct pollfd *pf = calloc((size_t)nconns, sizeof *pf);
    r->done = r->failed = 0;
    for (int i = 0; i < nconns; i++) {
        cs[i].id = i;
        cs[i].in = malloc(IN_CAP);
        cs[i].fd = dial(HTTP_PORT);
        if (cs[i].fd < 0) cs[i].dead = true;
        else api_build(r, &cs[i]);
    }
    double t0 = bench_now(), until = t0 + seconds;
    while (bench_now() < until) {
        for (int i = 0; i < nconns; i++) {
            pf[i].fd = cs[i].dead ? -1 : cs[i].fd;
            pf[i].events = cs[i].osent < cs[i].olen ? POLLOUT : POLLIN;
        }
        if (poll(pf, (nfds_t)nconns, 100) <= 0) continue;
        for (int i = 0; i < nconns; i++) {
            hconn *c = &cs[i];
            if (c->dead || !pf[i].revents) continue;
            if (c->osent < c->olen) {
                ssize_t n = write(c->fd, c->out + c->osent, c->olen - c->osent);
                if (n > 0) c->osent += (size_t)n;
                else if (n < 0 && errno != EAGAIN && errno != EINTR) c->dead = true;
                continue;
            }
            ssize_t n = read(c->fd, c->in + c->ilen, IN_CAP - c->ilen);
            if (n <= 0) {
                if (n == 0 || (errno != EAGAIN && errno != EINTR)) c->dead = true;
                continue;
            }
            c->ilen += (size_t)n;
            int status = 0;
            size_t len = response_len(c, &status);
            if (len) {
                api_answered(r, c, len, status);
                api_build(r, c);
            }
        }
    }
    double took = bench_now() - t0;
    bench_run out = {0};
    out.rate = (double)r->done / took;
    out.p50 = lat_pct(&r->l, 50);
    out.p99 = lat_pct(&r->l, 99);
    out.p999 = lat_pct(&r->l, 99.9);
    out.failed = r->failed;
    for (int i = 0; i < nconns; i++) {
        if (cs[i].fd >= 0) close(cs[i].fd);
        if (cs[i].dead) out.failed++;
        free(cs[i].in);
    }
    lat_free(&r->l);
    free(cs);
    free(pf);
    return out;
}

static void bench_api(const bench_opts *o)
{
    bench_engine_proc p;
    bench_start_engine(o, &p, "http", NNG_PORT, HTTP_PORT);
    rg_client *c;
    rg_client_open(&c, p.url, 10000, NULL);
    char partner[128], director[128];
    bench_make_actor(c, p.admin, "bench-partner", "partner", "police", partner);
    bench_make_actor(c, p.admin, "bench-pr", "procesregisseur", "zvh", director);
    if (!wait_http(HTTP_PORT)) {
        fprintf(stderr, "bench: regied does not answer HTTP; no HTTP figures\n");
        rg_client_close(c);
        bench_stop_engine(&p);
        return;
    }
    static const int inflight[] = {1, 64};
    bench_run http64 = {0}, nng64 = {0};
    for (int i = 0; i < 2; i++) {
        char name[64];
        api_run r = {.partner = partner, .director = director};
        bench_run h = api_loop(&r, inflight[i], o->seconds);
        snprintf(name, sizeof name, "http_api_inflight_%d", inflight[i]);
        bench_print_run(name, &h);
        bench_run n = bench_nng_cycle(p.url, inflight[i], o->seconds, partner, director);
        snprintf(name, sizeof name, "http_engine_nng_inflight_%d", inflight[i]);
        bench_print_run(name, &n);
        if (inflight[i] == 64) {
            http64 = h;
            nng64 = n;
        }
    }
    bench_result("http_vs_nng_inflight_64", nng64.rate > 0 ? http64.rate / nng64.rate : 0, "x");
    rg_client_close(c);
    bench_stop_engine(&p);
}

/* ---- SSE fan-out ---- */

typedef struct sreader {
    int fd;
    bool open;                /* its 200 and headers are in */
    char *in;
    size_t ilen;
    lat l;
    uint64_t got;
} sreader;

typedef struct sse_run {
    sreader *rs;
    int n;
    double *acked;            /* seq -> when its writer had the reply */
    size_t cap;
    atomic_bool stop;
    atomic_int open;
} sse_run;

/* Every complete line of r's bytes: an "id: SEQ" line is an event. */
static void sse_lines(sse_run *s, sreader *r, double now)
{
    size_t start = 0;
    if (!r->open) {
        const char *end = memmem(r->in, r->ilen, "\r\n\r\n", 4);
        if (!end) return;
        if (strncmp(r->in, "HTTP/1.1 200", 12) == 0) {
            r->open = true;
            atomic_fetch_add(&s->open, 1);
        }
        start = (size_t)(end - r->in) + 4;
    }
    for (;;) {
        char *nl = memchr(r->in + start, '\n', r->ilen - start);
        if (!nl) break;
        if (strncmp(r->in + start, "id: ", 4) == 0) {
            uint64_t seq = strtoull(r->in + start + 4, NULL, 10);
            if (seq < s->cap && s->acked[seq] > 0) {
                double dl = now - s->acked[seq];
                lat_add(&r->l, dl > 0 ? dl : 0);    /* a reader may be told before its writer */
            }
            r->got++;
        }
        start = (size_t)(nl - r->in) + 1;
    }
    memmove(r->in, r->in + start, r->ilen - start);
    r->ilen -= start;
}

static void *sse_poll(void *arg)
{
    sse_run *s = arg;
    struct pollfd *pf = calloc((size_t)s->n, sizeof *pf);
    while (!atomic_load(&s->stop)) {
        for (int i = 0; i < s->n; i++) {
            pf[i].fd = s->rs[i].fd;
            pf[i].events = POLLIN;
        }
        if (poll(pf, (nfds_t)s->n, 50) <= 0) continue;
        double now = bench_now();
        for (int i = 0; i < s->n; i++) {
            sreader *r = &s->rs[i];
            if (r->fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            if (r->ilen == IN_CAP) r->ilen = 0;     /* a line longer than the buffer: not an id line */
            ssize_t n = read(r->fd, r->in + r->ilen, IN_CAP - r->ilen);
            if (n <= 0) {
                close(r->fd);
                r->fd = -1;
                continue;
            }
            r->ilen += (size_t)n;
            sse_lines(s, r, now);
        }
    }
    free(pf);
    return NULL;
}

static void sse_fanout(const bench_opts *o, int nreaders)
{
    bench_engine_proc p;
    bench_start_engine(o, &p, "sse", SSE_NNG_PORT, SSE_HTTP_PORT);
    rg_client *c;
    rg_client_open(&c, p.url, 10000, NULL);
    char partner[128], manager[128];
    bench_make_actor(c, p.admin, "bench-partner", "partner", "police", partner);
    bench_make_actor(c, p.admin, "bench-mgr", "manager", "zvh", manager);
    char key[64];
    if (!wait_http(SSE_HTTP_PORT)) {
        fprintf(stderr, "bench: regied does not answer HTTP; no SSE figures\n");
        rg_client_close(c);
        bench_stop_engine(&p);
        return;
    }
    sse_run s = {.n = nreaders, .cap = 1 << 20};
    s.acked = calloc(s.cap, sizeof *s.acked);
    s.rs = calloc((size_t)nreaders, sizeof *s.rs);
    char req[512];
    int rn = snprintf(req, sizeof req, "GET /api/v1/feed HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                      "Authorization: Bearer %s\r\n\r\n", manager);
    for (int i = 0; i < nreaders; i++) {
        sreader *r = &s.rs[i];
        r->in = malloc(IN_CAP);
        r->fd = dial(SSE_HTTP_PORT);
        if (r->fd >= 0 && write(r->fd, req, (size_t)rn) != rn) {
            close(r->fd);
            r->fd = -1;
        }
    }
    pthread_t th;
    pthread_create(&th, NULL, sse_poll, &s);
    /* Every stream open (its headers in) before the first write. */
    for (int i = 0; i < 400 && atomic_load(&s.open) < nreaders; i++) usleep(25000);
    int opened = atomic_load(&s.open);
    int writes = o->quick ? 50 : 200;
    for (int i = 0; i < writes; i++) {
        rg_buf b = RG_BUF_INIT;
        char rq[32];
        snprintf(rq, sizeof rq, "s%d", i);
        rg_req_envelope(&b, "case.report", partner, rq, NULL, -1, 5);
        rg_w_kstr(&b, "target_group", "verward_gedrag");
        rg_w_kstr(&b, "summary", "fan-out");
        rg_w_kstr(&b, "urgency", "normal");
        rg_w_kbool(&b, "informed", true);
        rg_w_cstr(&b, "subject");
        rg_w_map(&b, 1);
        rg_w_kstr(&b, "name", "X");
        rg_doc *d;
        uint8_t *bytes;
        if (bench_call(c, &b, &d, &bytes) == 0) {
            double t = bench_now();
            uint64_t seq = 0;
            rg_val_uint(rg_map_get(rg_doc_root(d), "seq"), &seq);
            if (seq < s.cap) s.acked[seq] = t;
            rg_doc_free(d);
        }
        free(bytes);
        rg_buf_free(&b);
        usleep(10000);
    }
    /* The last writes reach every reader, however loaded the machine. */
    for (int i = 0; i < 200; i++) {
        uint64_t least = UINT64_MAX;
        for (int j = 0; j < nreaders; j++)
            if (s.rs[j].fd >= 0 && s.rs[j].got < least) least = s.rs[j].got;
        if (least == UINT64_MAX || least >= (uint64_t)writes) break;
        usleep(50000);
    }
    atomic_store(&s.stop, true);
    pthread_join(th, NULL);
    lat all = {0};
    uint64_t complete = 0;
    for (int i = 0; i < nreaders; i++) {
        for (size_t j = 0; j < s.rs[i].l.n; j++) lat_add(&all, s.rs[i].l.v[j]);
        complete += s.rs[i].got >= (uint64_t)writes;
        lat_free(&s.rs[i].l);
        if (s.rs[i].fd >= 0) close(s.rs[i].fd);
        free(s.rs[i].in);
    }
    snprintf(key, sizeof key, "sse_%d_readers_connected", nreaders);
    bench_result(key, opened, "readers");
    snprintf(key, sizeof key, "sse_%d_readers_all_events", nreaders);
    bench_result(key, (double)complete, "readers");
    snprintf(key, sizeof key, "sse_%d_readers_deliveries", nreaders);
    bench_result(key, (double)all.n, "events");
    snprintf(key, sizeof key, "sse_%d_readers_p50_ms", nreaders);
    bench_result(key, lat_pct(&all, 50), "ms");
    snprintf(key, sizeof key, "sse_%d_readers_p99_ms", nreaders);
    bench_result(key, lat_pct(&all, 99), "ms");
    lat_free(&all);
    free(s.rs);
    free(s.acked);
    rg_client_close(c);
    bench_stop_engine(&p);
}

void bench_http(const bench_opts *o)
{
    raise_fd_limit();
    bench_api(o);
    sse_fanout(o, 100);
    sse_fanout(o, 1000);
}
