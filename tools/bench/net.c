/*
 * net.c - end-to-end benchmarks over nng tcp on loopback against a real
 * regied: an asynchronous load generator (nng contexts on one REQ socket, no
 * thread per request) doing realistic case work, closed-loop at 1, 8 and 64
 * requests in flight and open-loop at a fixed offered rate; the same
 * generator against a bare nng REQ/REP echo server as the transport's
 * baseline; and the feed fan-out to long-polling readers.
 */
#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/util/platform.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../engine/storage/codec.h"
#include "../../engine/net/net.h"
#include "../client.h"
#include "bench.h"

extern char **environ;

/* ---- the engine process ---- */

typedef bench_engine_proc engine_proc;

void bench_start_engine(const bench_opts *o, engine_proc *p, const char *name, int port, int http_port)
{
    char *dir = bench_mkdir(o, name);
    snprintf(p->dir, sizeof p->dir, "%s", dir);
    free(dir);
    snprintf(p->url, sizeof p->url, "tcp://127.0.0.1:%d", port);
    char pub[64];
    snprintf(pub, sizeof pub, "tcp://127.0.0.1:%d", port + 1);
    char http[64] = "off";
    if (http_port) snprintf(http, sizeof http, "127.0.0.1:%d", http_port);
    const char *argv[] = {o->regied, "--data", p->dir, "--listen", p->url, "--publish", pub, "--http", http, NULL};
    char log[1100];
    snprintf(log, sizeof log, "%s.log", p->dir);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int rc = posix_spawn(&p->pid, o->regied, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        fprintf(stderr, "bench: cannot start %s\n", o->regied);
        exit(1);
    }
    char path[1100];
    snprintf(path, sizeof path, "%s/admin.token", p->dir);
    for (int i = 0; i < 400; i++) {
        FILE *f = fopen(path, "r");
        if (f) {
            if (fgets(p->admin, sizeof p->admin, f)) p->admin[strcspn(p->admin, "\n")] = 0;
            fclose(f);
            if (p->admin[0]) break;
        }
        nng_msleep(25);
    }
    nng_msleep(100);
}

void bench_stop_engine(engine_proc *p)
{
    kill(p->pid, SIGTERM);
    waitpid(p->pid, NULL, 0);
    bench_rmrf(p->dir);
}

void bench_make_actor(rg_client *c, const char *admin, const char *id, const char *role,
                      const char *org, char *tok)
{
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "actor.create", admin, id, NULL, -1, 3);
    rg_w_kstr(&b, "id", id);
    rg_w_kstr(&b, "role", role);
    rg_w_kstr(&b, "org", org);
    rg_doc *d;
    uint8_t *bytes;
    tok[0] = 0;
    if (bench_call(c, &b, &d, &bytes) == 0) {
        rg_val_strcpy(rg_map_get(rg_doc_root(d), "token"), tok, 128);
        rg_doc_free(d);
    }
    free(bytes);
    rg_buf_free(&b);
}

/* ---- the asynchronous load generator ---- */

typedef struct gen gen;

typedef struct actx {
    gen *g;
    int id;
    nng_ctx ctx;
    nng_aio *aio;
    int phase;                /* 1 sending, 2 receiving */
    int step;                 /* position in the case cycle */
    char case_id[32];
    uint64_t n;
    double t_start;           /* when this request was due (open loop) or sent */
    lat l;
} actx;

struct gen {
    nng_socket sock;
    actx *ctxs;
    int nctx;
    const char *partner, *director;
    bool echo;                /* the echo server answers the bytes it got */
    double rate;              /* open loop: requests per second; 0 = closed loop */
    atomic_bool stop;
    atomic_uint_fast64_t done, failed;
    atomic_int busy;          /* contexts in use; the last thing a context
                               * does when it stops or goes idle is take
                               * itself off, so 0 after stop means no
                               * callback will touch a context again */
    /* Open loop: the pacer thread sends each request at its due time on an
     * idle context; a request due while none is idle waits in the backlog
     * and keeps its due time, so waiting for a context counts as latency. */
    pthread_mutex_t lock;
    int *idle, nidle;
    double *backlog;
    size_t bl_head, bl_len, bl_cap;
    uint64_t late_sends;      /* sent more than a millisecond after due */
};

/* The case cycle: report, take, start intake, admit, bring in a partner. */
static void build(actx *a, rg_buf *b)
{
    gen *g = a->g;
    char req[48];
    snprintf(req, sizeof req, "g%d-%llu", a->id, (unsigned long long)++a->n);
    if (g->echo || a->step == 0 || !a->case_id[0]) {
        rg_req_envelope(b, "case.report", g->partner, req, NULL, -1, 5);
        rg_w_kstr(b, "target_group", "verward_gedrag");
        rg_w_kstr(b, "summary", "Repeated incidents at the address; neighbours report threats.");
        rg_w_kstr(b, "urgency", "high");
        rg_w_kbool(b, "informed", true);
        rg_w_cstr(b, "subject");
        rg_w_map(b, 2);
        rg_w_kstr(b, "name", "Jan Jansen");
        rg_w_kstr(b, "birth_date", "1988-04-02");
        a->step = 0;
        return;
    }
    switch (a->step) {
    case 1:
        rg_req_envelope(b, "case.assign", g->director, req, a->case_id, -1, 1);
        rg_w_kstr(b, "procesregisseur", "bench-pr");
        break;
    case 2:
        rg_req_envelope(b, "intake.start", g->director, req, a->case_id, -1, -1);
        break;
    case 3:
        rg_req_envelope(b, "intake.decide", g->director, req, a->case_id, -1, 3);
        rg_w_kbool(b, "admit", true);
        rg_w_kstr(b, "reason", "several life domains");
        rg_w_cstr(b, "criteria");
        rg_w_array(b, 1);
        rg_w_cstr(b, "multi_domain");
        break;
    default:
        rg_req_envelope(b, "partner.join", g->director, req, a->case_id, -1, 1);
        rg_w_kstr(b, "org", "ggz");
        break;
    }
}

static void send_next(actx *a)
{
    rg_buf b = RG_BUF_INIT;
    build(a, &b);
    nng_msg *m;
    nng_msg_alloc(&m, 0);
    nng_msg_append(m, b.data, b.len);
    rg_buf_free(&b);
    if (a->g->rate == 0) a->t_start = bench_now();
    a->phase = 1;
    nng_aio_set_msg(a->aio, m);
    nng_ctx_send(a->ctx, a->aio);
}

/* Open loop: a free context takes the oldest request waiting, or goes idle. */
static void release(actx *a)
{
    gen *g = a->g;
    pthread_mutex_lock(&g->lock);
    if (g->bl_len > 0 && !atomic_load(&g->stop)) {
        a->t_start = g->backlog[g->bl_head];
        g->bl_head = (g->bl_head + 1) % g->bl_cap;
        g->bl_len--;
        pthread_mutex_unlock(&g->lock);
        send_next(a);
        return;
    }
    g->idle[g->nidle++] = a->id;
    pthread_mutex_unlock(&g->lock);
    atomic_fetch_sub(&g->busy, 1);          /* the last touch of g by this callback */
}

static void finished(actx *a)
{
    gen *g = a->g;
    if (atomic_load(&g->stop)) {
        atomic_fetch_sub(&g->busy, 1);
        return;
    }
    if (g->rate > 0) release(a);
    else send_next(a);
}

/* A failed request counts as such.  In the open loop the context goes back
 * to work, so the offered rate keeps its contexts; the closed loop's context
 * stops, as does any context whose socket is gone. */
static void request_failed(actx *a, int rv)
{
    gen *g = a->g;
    atomic_fetch_add(&g->failed, 1);
    if (g->rate > 0 && rv != NNG_ECLOSED && !atomic_load(&g->stop)) {
        release(a);
        return;
    }
    atomic_fetch_sub(&g->busy, 1);
}

static void on_aio(void *arg)
{
    actx *a = arg;
    gen *g = a->g;
    int rv = nng_aio_result(a->aio);
    if (a->phase == 1) {
        if (rv != 0) {
            nng_msg_free(nng_aio_get_msg(a->aio));
            request_failed(a, rv);
            return;
        }
        a->phase = 2;
        nng_ctx_recv(a->ctx, a->aio);
        return;
    }
    if (rv != 0) {
        request_failed(a, rv);
        return;
    }
    nng_msg *m = nng_aio_get_msg(a->aio);
    lat_add(&a->l, bench_now() - a->t_start);
    atomic_fetch_add(&g->done, 1);
    if (!g->echo) {
        rg_doc *d;
        const char *why;
        bool ok = false;
        if (rg_doc_parse(&d, nng_msg_body(m), nng_msg_len(m), &why) == 0) {
            const rg_val *root = rg_doc_root(d);
            rg_val_bool(rg_map_get(root, "ok"), &ok);
            if (ok && a->step == 0) rg_val_strcpy(rg_map_get(root, "case"), a->case_id, sizeof a->case_id);
            rg_doc_free(d);
        }
        if (!ok) {
            atomic_fetch_add(&g->failed, 1);
            a->step = 0;
        } else {
            a->step = (a->step + 1) % 5;
        }
    }
    nng_msg_free(m);
    finished(a);
}

/* The open loop's clock: request k is due at t0 + k / rate, whatever the
 * replies do.  nng's own timers tick in whole milliseconds and fire late
 * under load, which showed up as latency; an absolute clock_nanosleep is
 * within tens of microseconds here. */
static void pacer(void *arg)
{
    gen *g = arg;
    double t0 = bench_now();
    for (uint64_t k = 0; !atomic_load(&g->stop); k++) {
        double due = t0 + (double)k / g->rate;
        bench_sleep_until(due);
        if (bench_now() - due > 0.001) g->late_sends++;
        pthread_mutex_lock(&g->lock);
        if (g->nidle > 0) {
            actx *a = &g->ctxs[g->idle[--g->nidle]];
            atomic_fetch_add(&g->busy, 1);
            pthread_mutex_unlock(&g->lock);
            a->t_start = due;
            send_next(a);
            continue;
        }
        if (g->bl_len == g->bl_cap) {
            size_t cap = g->bl_cap ? g->bl_cap * 2 : 1024;
            double *nb = malloc(cap * sizeof *nb);
            if (!nb) abort();
            for (size_t i = 0; i < g->bl_len; i++) nb[i] = g->backlog[(g->bl_head + i) % g->bl_cap];
            free(g->backlog);
            g->backlog = nb;
            g->bl_head = 0;
            g->bl_cap = cap;
        }
        g->backlog[(g->bl_head + g->bl_len) % g->bl_cap] = due;
        g->bl_len++;
        pthread_mutex_unlock(&g->lock);
    }
}

typedef bench_run run_result;

static run_result run_gen(const char *url, int nctx, double rate, double seconds, bool echo,
                          const char *partner, const char *director)
{
    gen g;
    memset(&g, 0, sizeof g);
    g.echo = echo;
    g.partner = partner;
    g.director = director;
    g.nctx = nctx;
    g.rate = rate;
    pthread_mutex_init(&g.lock, NULL);
    nng_req0_open(&g.sock);
    nng_socket_set_ms(g.sock, NNG_OPT_REQ_RESENDTIME, 60000);
    nng_dial(g.sock, url, NULL, 0);
    g.ctxs = calloc((size_t)nctx, sizeof *g.ctxs);
    g.idle = calloc((size_t)nctx, sizeof *g.idle);
    for (int i = 0; i < nctx; i++) {
        actx *a = &g.ctxs[i];
        a->g = &g;
        a->id = i;
        nng_ctx_open(&a->ctx, g.sock);
        nng_aio_alloc(&a->aio, on_aio, a);
    }
    double t0 = bench_now();
    nng_thread *pt = NULL;
    if (rate > 0) {
        for (int i = nctx - 1; i >= 0; i--) g.idle[g.nidle++] = i;
        nng_thread_create(&pt, pacer, &g);
    } else {
        atomic_store(&g.busy, nctx);
        for (int i = 0; i < nctx; i++) send_next(&g.ctxs[i]);
    }
    nng_msleep((nng_duration)(seconds * 1000));
    uint64_t done = atomic_load(&g.done);
    double elapsed = bench_now() - t0;
    atomic_store(&g.stop, true);
    if (pt) nng_thread_destroy(pt);         /* no context leaves idle after this */
    while (atomic_load(&g.busy) > 0) nng_msleep(5);
    lat all = {0};
    for (int i = 0; i < nctx; i++) {
        for (size_t j = 0; j < g.ctxs[i].l.n; j++) lat_add(&all, g.ctxs[i].l.v[j]);
        lat_free(&g.ctxs[i].l);
        nng_aio_free(g.ctxs[i].aio);
        nng_ctx_close(g.ctxs[i].ctx);
    }
    run_result r = {done / elapsed, lat_pct(&all, 50), lat_pct(&all, 99), lat_pct(&all, 99.9),
                    atomic_load(&g.failed), g.late_sends, atomic_load(&g.done)};
    lat_free(&all);
    free(g.ctxs);
    free(g.idle);
    free(g.backlog);
    pthread_mutex_destroy(&g.lock);
    rg_net_close(g.sock, RG_NET_CLOSE_MS);
    return r;
}

/* ---- the echo server ---- */

typedef struct echo_ctx {
    nng_ctx ctx;
    nng_aio *aio;
    int sending;
} echo_ctx;

static void echo_cb(void *arg)
{
    echo_ctx *e = arg;
    if (nng_aio_result(e->aio) != 0) {
        if (e->sending) nng_msg_free(nng_aio_get_msg(e->aio));
        return;
    }
    if (e->sending) {
        e->sending = 0;
        nng_ctx_recv(e->ctx, e->aio);
    } else {
        e->sending = 1;
        nng_ctx_send(e->ctx, e->aio);          /* the message received goes back */
    }
}

#define ECHO_CTX 256
#define OPEN_CTX 64


static nng_socket echo_start(const char *url, echo_ctx *ctxs)
{
    nng_socket s;
    nng_rep0_open(&s);
    nng_listen(s, url, NULL, 0);
    for (int i = 0; i < ECHO_CTX; i++) {
        nng_ctx_open(&ctxs[i].ctx, s);
        nng_aio_alloc(&ctxs[i].aio, echo_cb, &ctxs[i]);
        nng_ctx_recv(ctxs[i].ctx, ctxs[i].aio);
    }
    return s;
}

static void echo_stop(nng_socket s, echo_ctx *ctxs)
{
    if (rg_net_close(s, RG_NET_CLOSE_MS) != 0) return;   /* its aios may still run */
    for (int i = 0; i < ECHO_CTX; i++) {
        nng_aio_stop(ctxs[i].aio);
        nng_aio_free(ctxs[i].aio);
    }
}

void bench_print_run(const char *name, const run_result *r)
{
    char key[128];
    snprintf(key, sizeof key, "%s_cmds_per_s", name);
    bench_result(key, r->rate, "cmd/s");
    snprintf(key, sizeof key, "%s_p50_ms", name);
    bench_result(key, r->p50, "ms");
    snprintf(key, sizeof key, "%s_p99_ms", name);
    bench_result(key, r->p99, "ms");
    snprintf(key, sizeof key, "%s_p999_ms", name);
    bench_result(key, r->p999, "ms");
    if (r->failed) printf("  (%llu failed)\n", (unsigned long long)r->failed);
    if (r->late_sends) printf("  (the generator sent %llu requests over 1 ms after they were due)\n",
                              (unsigned long long)r->late_sends);
}

run_result bench_nng_cycle(const char *url, int inflight, double seconds, const char *partner,
                           const char *director)
{
    return run_gen(url, inflight, 0, seconds, false, partner, director);
}

void bench_e2e(const bench_opts *o, int *formed_batch)
{
    engine_proc p;
    bench_start_engine(o, &p, "e2e", 17460, 0);
    rg_client *c;
    rg_client_open(&c, p.url, 10000, NULL);
    char partner[128], director[128];
    bench_make_actor(c, p.admin, "bench-partner", "partner", "police", partner);
    bench_make_actor(c, p.admin, "bench-pr", "procesregisseur", "zvh", director);
    static echo_ctx ectx[ECHO_CTX];
    nng_socket es = echo_start("tcp://127.0.0.1:17470", ectx);
    static const int inflight[] = {1, 8, 64};
    run_result engine64 = {0}, echo64 = {0};
    for (int i = 0; i < 3; i++) {
        char name[64];
        double c0, n0, c1, n1;
        bench_group_commit(c, p.admin, &c0, &n0);
        double f0, f1, cpu0 = bench_cpu_faults(p.pid, &f0);
        run_result r = run_gen(p.url, inflight[i], 0, o->seconds, false, partner, director);
        double cpu = bench_cpu_faults(p.pid, &f1) - cpu0;
        bench_group_commit(c, p.admin, &c1, &n1);
        if (inflight[i] == 64 && c1 > c0) *formed_batch = (int)((n1 - n0) / (c1 - c0) + 0.5);
        snprintf(name, sizeof name, "e2e_inflight_%d", inflight[i]);
        bench_print_run(name, &r);
        /* regied's CPU (every thread) per command answered. */
        snprintf(name, sizeof name, "e2e_inflight_%d_server_cpu_us_per_cmd", inflight[i]);
        bench_result(name, r.total ? cpu * 1e6 / (double)r.total : 0, "us");
        snprintf(name, sizeof name, "e2e_inflight_%d_server_page_faults_per_cmd", inflight[i]);
        bench_result(name, r.total ? (f1 - f0) / (double)r.total : 0, "faults");
        run_result er = run_gen("tcp://127.0.0.1:17470", inflight[i], 0, o->seconds, true, partner,
                                director);
        snprintf(name, sizeof name, "nng_echo_inflight_%d", inflight[i]);
        bench_print_run(name, &er);
        if (inflight[i] == 64) {
            engine64 = r;
            echo64 = er;
        }
    }
    echo_stop(es, ectx);
    bench_result("ratio_vs_nng_echo", echo64.rate > 0 ? engine64.rate / echo64.rate : 0, "x");
    /* The target's rate, and one between it and the closed loop's most. */
    static const int offered[] = {10000, 15000};
    for (int i = 0; i < 2; i++) {
        char name[64];
        run_result open = run_gen(p.url, OPEN_CTX, offered[i], o->seconds, false, partner, director);
        snprintf(name, sizeof name, "e2e_offered_%d_per_s", offered[i]);
        bench_print_run(name, &open);
    }
    bench_result("group_commit_batch_at_64_inflight", *formed_batch, "cmds/commit");
    rg_client_close(c);
    bench_stop_engine(&p);
}

/* ---- feed fan-out ---- */

typedef struct reader {
    nng_ctx ctx;
    nng_aio *aio;
    int phase;
    uint64_t next;
    const char *token;
    double *acked;            /* shared: seq -> time the writer got its reply */
    size_t cap;
    lat l;
    atomic_bool *stop;
    atomic_int *running;
} reader;

static void reader_send(reader *r)
{
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "feed.read", r->token, NULL, NULL, -1, 3);
    rg_w_kuint(&b, "after", r->next);
    rg_w_kuint(&b, "limit", 1000);
    rg_w_kuint(&b, "wait_ms", 2000);
    nng_msg *m;
    nng_msg_alloc(&m, 0);
    nng_msg_append(m, b.data, b.len);
    rg_buf_free(&b);
    r->phase = 1;
    nng_aio_set_msg(r->aio, m);
    nng_ctx_send(r->ctx, r->aio);
}

static void reader_cb(void *arg)
{
    reader *r = arg;
    if (nng_aio_result(r->aio) != 0) {
        if (r->phase == 1) nng_msg_free(nng_aio_get_msg(r->aio));
        atomic_fetch_sub(r->running, 1);
        return;
    }
    if (r->phase == 1) {
        r->phase = 2;
        nng_ctx_recv(r->ctx, r->aio);
        return;
    }
    double now = bench_now();
    nng_msg *m = nng_aio_get_msg(r->aio);
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, nng_msg_body(m), nng_msg_len(m), &why) == 0) {
        const rg_val *root = rg_doc_root(d);
        const rg_val *evs = rg_map_get(root, "events");
        for (uint32_t i = 0; i < rg_array_size(evs); i++) {
            uint64_t seq = 0;
            rg_val_uint(rg_map_get(rg_array_at(evs, i), "seq"), &seq);
            /* The writer's reply marks the event durable; a reader can be
             * answered first, so negative delays count as zero. */
            if (seq < r->cap && r->acked[seq] > 0) {
                double dl = now - r->acked[seq];
                lat_add(&r->l, dl > 0 ? dl : 0);
            }
        }
        rg_val_uint(rg_map_get(root, "next"), &r->next);
        rg_doc_free(d);
    }
    nng_msg_free(m);
    if (atomic_load(r->stop)) {
        atomic_fetch_sub(r->running, 1);
        return;
    }
    reader_send(r);
}

void bench_feed(const bench_opts *o)
{
    engine_proc p;
    bench_start_engine(o, &p, "feed", 17480, 0);
    rg_client *c;
    rg_client_open(&c, p.url, 10000, NULL);
    char partner[128], manager[128];
    bench_make_actor(c, p.admin, "bench-partner", "partner", "police", partner);
    bench_make_actor(c, p.admin, "bench-mgr", "manager", "zvh", manager);

    int nreaders = o->readers;
    size_t cap = 1 << 20;
    double *acked = calloc(cap, sizeof *acked);
    atomic_bool stop = false;
    atomic_int running = nreaders;
    nng_socket rs;
    nng_req0_open(&rs);
    nng_socket_set_ms(rs, NNG_OPT_REQ_RESENDTIME, 60000);
    nng_dial(rs, p.url, NULL, 0);
    reader *readers = calloc((size_t)nreaders, sizeof *readers);
    for (int i = 0; i < nreaders; i++) {
        reader *r = &readers[i];
        r->token = manager;
        r->acked = acked;
        r->cap = cap;
        r->stop = &stop;
        r->running = &running;
        nng_ctx_open(&r->ctx, rs);
        nng_aio_alloc(&r->aio, reader_cb, r);
        r->next = 0;                         /* no events yet: every reader parks */
        reader_send(r);
    }
    nng_msleep(300);                          /* all readers parked */
    /* The writer: one report every 10 ms, each acknowledged durable. */
    int writes = o->quick ? 100 : 400;
    for (int i = 0; i < writes; i++) {
        rg_buf b = RG_BUF_INIT;
        char req[32];
        snprintf(req, sizeof req, "w%d", i);
        rg_req_envelope(&b, "case.report", partner, req, NULL, -1, 5);
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
            if (seq < cap) acked[seq] = t;
            rg_doc_free(d);
        }
        free(bytes);
        rg_buf_free(&b);
        nng_msleep(10);
    }
    nng_msleep(500);
    atomic_store(&stop, true);
    if (rg_net_close(rs, RG_NET_CLOSE_MS) != 0) {
        /* Its aios may still call the readers back (net.h): leave them be. */
        fprintf(stderr, "bench: feed readers' socket did not close; no feed figures\n");
        rg_client_close(c);
        bench_stop_engine(&p);
        return;
    }
    while (atomic_load(&running) > 0) nng_msleep(5);
    lat all = {0};
    for (int i = 0; i < nreaders; i++) {
        for (size_t j = 0; j < readers[i].l.n; j++) lat_add(&all, readers[i].l.v[j]);
        lat_free(&readers[i].l);
        nng_aio_free(readers[i].aio);
    }
    char key[64];
    snprintf(key, sizeof key, "feed_%d_readers_deliveries", nreaders);
    bench_result(key, (double)all.n, "events");
    snprintf(key, sizeof key, "feed_%d_readers_p50_ms", nreaders);
    bench_result(key, lat_pct(&all, 50), "ms");
    snprintf(key, sizeof key, "feed_%d_readers_p99_ms", nreaders);
    bench_result(key, lat_pct(&all, 99), "ms");
    lat_free(&all);
    free(readers);
    free(acked);
    rg_client_close(c);
    bench_stop_engine(&p);
}
