/* server.c - nng contexts feeding the engine; threads in server.h. */
#include "server.h"


#include "../services/services.h"

#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/supplemental/util/platform.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../storage/buf.h"
#include "../storage/codec.h"
#include "../storage/errors.h"
#include "../storage/hmap.h"
#include "http_metrics.h"
#include "net.h"
#include "../core/reply.h"

/* Bounds on what a peer can hold of the engine (issues 16 and 23).  The
 * rule is fair, not fatal: a client that pipelines is served, never cut
 * off, and a greedy one slows only itself.
 * - every request received waits in its pipe's queue; the loop takes them
 *   round-robin across pipes, at most `--workers` (default 256) in the
 *   engine at once, not counting parked long-polls (those wait for new
 *   events, not for the engine: they cost memory, not turns);
 * - a pipe holds at most PIPE_HELD_MAX requests (queued, in the engine,
 *   parked, or their reply being sent) and PIPE_BYTES_MAX bytes queued, and
 *   all pipes QUEUE_BYTES_MAX bytes queued: beyond, a request is answered
 *   `overloaded` at once, from nng's thread, without a turn of the loop
 *   (counted, and logged at most once a minute);
 * - a pipe is closed only for what no honest client does: a reply not
 *   taken by its peer within SEND_LIMIT_MS, PIPE_HARD_MAX held (its
 *   `overloaded` answers are not taken either), or nothing held and no
 *   message completed for PIPE_IDLE_MS (idle, or a message sent only in
 *   part: nng 1.5 has no timeout for a partial read); a sweep on the loop
 *   closes them, and a client's dialer simply dials again;
 * - a message larger than RECV_MAX is refused by nng as its length arrives
 *   (the pipe is closed, nothing buffered): a request is at most 1 MiB of
 *   msgpack (codec.h); one a little over is still read and answered
 *   bad_request, so a client that overshoots learns why;
 * - at most PIPES_MAX pipes: one beyond is closed as it arrives;
 * - at most WORKERS_MAX nng contexts (one per request held, plus ARMED
 *   receiving): at that bound receiving pauses until a reply is sent, and
 *   nng holds the next message of each pipe, taken in the order the pipes
 *   became ready, so even then every pipe gets its turn. */
#define RECV_MAX (4u << 20)
#define PIPE_IDLE_MS 30000    /* REGIE_PIPE_IDLE_MS overrides (tests) */
#define PIPES_MAX 4096
#define PIPE_HELD_MAX 1024
#define PIPE_HARD_MAX (2 * PIPE_HELD_MAX)
#define PIPE_BYTES_MAX ((size_t)8 << 20)
#define QUEUE_BYTES_MAX ((size_t)256 << 20)
#define WORKERS_MAX 16384     /* plus --workers */
#define ARMED 32
#define SEND_LIMIT_MS 10000
#define SWEEP_MS 1000
#define OVERLOAD_LOG_MS 60000
#define DRAIN_LIMIT_MS 5000

/* A worker's life: W_IDLE (on the free list) -> W_RECV (armed) -> W_QUEUED
 * (in its pipe's queue) -> W_ENGINE (submitted; parked long-polls too) ->
 * W_SEND -> W_RECV or W_IDLE.  W_DONE at shutdown. */
enum { W_IDLE, W_RECV, W_QUEUED, W_ENGINE, W_SEND, W_DONE };

typedef struct pipe_rec pipe_rec;

typedef struct worker {
    rg_server *srv;
    nng_ctx ctx;
    nng_aio *aio;
    atomic_int state;
    nng_msg *msg;             /* received, while W_QUEUED */
    pipe_rec *pr;             /* whose request this is, from received to sent */
    uint64_t t0;              /* uv_hrtime when it entered the engine (metrics) */
    char op[48];              /* its op (metrics) */
    struct worker *next;      /* its pipe's queue, or the free list */
    struct worker *all;       /* every worker (the loop's, for shutdown) */
} worker;

/* One connected peer (pipe), under rg_server.lock.  Freed once nng removed
 * it and none of its requests is held any more. */
struct pipe_rec {
    nng_pipe pipe;
    uint32_t id;
    nng_time last;            /* connected, or its last message complete or answered */
    int held;                 /* requests received and not yet answered and sent */
    size_t qbytes;            /* bytes of its queued requests */
    worker *qhead, *qtail;    /* queued, oldest first */
    pipe_rec *ring_next;      /* pipes with something queued, in turn */
    bool in_ring;
    bool evict;               /* not taking its replies: the next sweep closes it */
    bool gone;                /* removed by nng: its queued requests are dropped */
};

struct rg_server {
    uv_loop_t *loop;
    rg_engine *e;
    nng_socket sock;
    int limit;                /* requests in the engine at once (--workers) */
    int active;               /* loop: submitted and not answered (parked included) */
    bool draining;            /* loop: drain() is running (replies come back inside it) */
    worker *every;            /* loop: every worker allocated */
    int nworkers;             /* under lock: allocated */
    uv_mutex_t lock;          /* everything below: nng's threads and the loop */
    rg_hmap pipes;            /* pipe id (4 bytes) -> pipe_rec */
    size_t npipes;
    pipe_rec *ring, *ring_tail;
    size_t queued, qbytes;    /* over all pipes */
    worker *free;
    int armed;                /* workers receiving */
    uint64_t overloaded;      /* answered overloaded by a bound */
    bool closing;             /* drain_cb closes the socket and wake handle */
    uv_async_t wake;
    uv_timer_t drain;
    uv_timer_t sweep;         /* closes idle and evicted pipes */
    atomic_bool stopping;
    uint64_t drain_started;
    int handles_open;
    bool sock_stuck;          /* nng_close gave up (net.h): its aios may still call us */
    void (*done_cb)(void *);
    void *done_ud;
    uint64_t idle_ms;
    uint64_t overloaded_logged;
    uint64_t overload_log_at; /* uv_now() of the last line */
    struct rg_metrics *metrics;
    rg_buf over;              /* the `overloaded` reply, built once */
};

static void worker_cb(void *arg);

/* w receives (again): called outside the lock, once w is counted in
 * s->armed and marked W_RECV, as nng may complete it on this thread. */
static void arm(worker *w)
{
    nng_aio_set_timeout(w->aio, NNG_DURATION_DEFAULT);
    nng_ctx_recv(w->ctx, w->aio);
}

/* A new worker, its context and aio opened, added to s->every (loop only:
 * nng's contexts are opened here, never inside nng's callbacks); else nng's
 * error, with nothing of it left. */
static int worker_new(rg_server *s, worker **out)
{
    worker *w = rg_calloc(1, sizeof *w);
    w->srv = s;
    int rv;
    if ((rv = nng_ctx_open(&w->ctx, s->sock)) != 0 || (rv = nng_aio_alloc(&w->aio, worker_cb, w)) != 0) {
        fprintf(stderr, "regie: nng context: %s\n", nng_strerror(rv));
        if (nng_ctx_id(w->ctx) > 0) nng_ctx_close(w->ctx);
        free(w);
        return rv;
    }
    w->all = s->every;
    s->every = w;
    *out = w;
    return 0;
}

static void pipe_free(rg_server *s, pipe_rec *r)
{
    (void)s;
    RG_ASSERT(r->gone && r->held == 0 && !r->in_ring && !r->qhead);
    free(r);
}

static void pipe_cb(nng_pipe p, nng_pipe_ev ev, void *arg)
{
    rg_server *s = arg;
    uint32_t id = (uint32_t)nng_pipe_id(p);
    uv_mutex_lock(&s->lock);
    if (ev == NNG_PIPE_EV_ADD_PRE) {
        if (s->npipes >= PIPES_MAX) {
            uv_mutex_unlock(&s->lock);
            nng_pipe_close(p);                /* refused: never added */
            return;
        }
        pipe_rec *r = rg_calloc(1, sizeof *r);
        r->pipe = p;
        r->id = id;
        r->last = nng_clock();
        pipe_rec *old = rg_hmap_put(&s->pipes, &id, sizeof id, r);
        RG_ASSERT(!old);                         /* nng never reuses a live id */
        (void)old;
        s->npipes++;
    } else if (ev == NNG_PIPE_EV_REM_POST) {
        pipe_rec *r = rg_hmap_del(&s->pipes, &id, sizeof id);
        if (r) {
            s->npipes--;
            r->gone = true;
            if (r->held == 0) pipe_free(s, r);
        }
    }
    uv_mutex_unlock(&s->lock);
}

/* Under lock: the next request to run, round-robin over the pipes with
 * something queued; NULL when none.  *gone: its pipe has left (drop it). */
static worker *rr_take(rg_server *s, bool *gone)
{
    pipe_rec *r = s->ring;
    if (!r) return NULL;
    s->ring = r->ring_next;
    if (!s->ring) s->ring_tail = NULL;
    r->in_ring = false;
    worker *w = r->qhead;
    RG_ASSERT(w && atomic_load(&w->state) == W_QUEUED);
    r->qhead = w->next;
    if (!r->qhead) r->qtail = NULL;
    size_t n = nng_msg_len(w->msg);
    r->qbytes -= n;
    s->qbytes -= n;
    s->queued--;
    w->next = NULL;
    if (r->qhead) {                           /* to the back of the line */
        r->ring_next = NULL;
        if (s->ring_tail) s->ring_tail->ring_next = r; else s->ring = r;
        s->ring_tail = r;
        r->in_ring = true;
    }
    *gone = r->gone;
    return w;
}

/* w is through with its request (answered and sent, or dropped): its pipe
 * holds one less; w receives again if too few do, else waits on the free
 * list.  Any thread. */
static void worker_done(rg_server *s, worker *w)
{
    uv_mutex_lock(&s->lock);
    pipe_rec *r = w->pr;
    w->pr = NULL;
    if (r) {
        RG_ASSERT(r->held > 0);
        r->held--;
        r->last = nng_clock();
        if (r->gone && r->held == 0) pipe_free(s, r);
    }
    bool rearm = false;
    if (atomic_load(&s->stopping) || s->closing) {
        atomic_store(&w->state, W_DONE);
    } else if (s->armed < ARMED) {
        s->armed++;
        rearm = true;
        atomic_store(&w->state, W_RECV);
    } else {
        atomic_store(&w->state, W_IDLE);
        w->next = s->free;
        s->free = w;
    }
    uv_mutex_unlock(&s->lock);
    if (rearm) arm(w);
}

/* Close the pipes that are not taking their replies, and those that hold
 * nothing and completed nothing for idle_ms.  Closing happens outside the
 * lock: nng may call pipe_cb for the removal on this thread. */
static void sweep_cb(uv_timer_t *t)
{
    rg_server *s = t->data;
    nng_time now = nng_clock();
    size_t n = 0;
    uv_mutex_lock(&s->lock);
    nng_pipe *idle = rg_malloc((s->npipes ? s->npipes : 1) * sizeof *idle);
    rg_hmap_slot *slot;
    for (size_t pos = 0; n < s->npipes && (pos = rg_hmap_next(&s->pipes, pos, &slot)) != 0;) {
        pipe_rec *r = slot->val;
        if (r->evict || (r->held == 0 && now - r->last > s->idle_ms)) idle[n++] = r->pipe;
    }
    uint64_t over = s->overloaded;
    uv_mutex_unlock(&s->lock);
    for (size_t i = 0; i < n; i++) nng_pipe_close(idle[i]);
    free(idle);
    uint64_t ms = uv_now(s->loop);
    if (over != s->overloaded_logged && ms - s->overload_log_at >= OVERLOAD_LOG_MS) {
        fprintf(stderr, "regie: %llu requests answered overloaded (a client past its share), %llu in all\n",
                (unsigned long long)(over - s->overloaded_logged), (unsigned long long)over);
        s->overloaded_logged = over;
        s->overload_log_at = ms;
    }
}

/* A request arrived on w (nng's thread, s->lock held): queue it, answer it
 * overloaded at once, or drop it.  Returns what to do with w. */
enum { V_QUEUE, V_OVERLOAD, V_DROP };

static int admit(rg_server *s, worker *w, nng_msg *m)
{
    uint32_t id = (uint32_t)nng_pipe_id(nng_msg_get_pipe(m));
    pipe_rec *r = rg_hmap_get(&s->pipes, &id, sizeof id);
    if (!r || r->evict) return V_DROP;        /* left, or about to be closed */
    r->last = nng_clock();
    if (r->held >= PIPE_HARD_MAX) {           /* not even its refusals are taken */
        r->evict = true;
        return V_DROP;
    }
    size_t n = nng_msg_len(m);
    r->held++;
    w->pr = r;
    if (r->held > PIPE_HELD_MAX || (r->qhead && r->qbytes + n > PIPE_BYTES_MAX) ||
        (s->queued && s->qbytes + n > QUEUE_BYTES_MAX)) {
        s->overloaded++;
        return V_OVERLOAD;
    }
    w->msg = m;
    w->next = NULL;
    if (r->qtail) r->qtail->next = w; else r->qhead = w;
    r->qtail = w;
    r->qbytes += n;
    s->qbytes += n;
    s->queued++;
    if (!r->in_ring) {
        r->ring_next = NULL;
        if (s->ring_tail) s->ring_tail->ring_next = r; else s->ring = r;
        s->ring_tail = r;
        r->in_ring = true;
    }
    atomic_store(&w->state, W_QUEUED);
    return V_QUEUE;
}

static void send_reply(worker *w, nng_msg *m)
{
    nng_aio_set_msg(w->aio, m);
    atomic_store(&w->state, W_SEND);
    nng_aio_set_timeout(w->aio, SEND_LIMIT_MS);
    nng_ctx_send(w->ctx, w->aio);
}

static void received(rg_server *s, worker *w)
{
    nng_msg *m = nng_aio_get_msg(w->aio);
    worker *next = NULL;
    /* Under the lock, so drain_cb cannot close the wake handle between
     * our look at `closing` and the uv_async_send. */
    uv_mutex_lock(&s->lock);
    if (s->closing) {                         /* arrived while the socket closes */
        uv_mutex_unlock(&s->lock);
        nng_msg_free(m);
        atomic_store(&w->state, W_DONE);
        return;
    }
    int v = admit(s, w, m);
    if (v != V_DROP) {
        /* w is taken: another receives in its place (the loop allocates
         * more when none is free). */
        s->armed--;
        if ((next = s->free) != NULL) {
            s->free = next->next;
            s->armed++;
            atomic_store(&next->state, W_RECV);
        }
        if (v == V_QUEUE || !next) uv_async_send(&s->wake);
    }
    uv_mutex_unlock(&s->lock);
    if (next) arm(next);
    if (v == V_DROP) {
        nng_msg_free(m);
        arm(w);
    } else if (v == V_OVERLOAD) {
        nng_msg_clear(m);
        if (nng_msg_append(m, s->over.data, s->over.len) != 0) {
            nng_msg_free(m);
            worker_done(s, w);
        } else {
            send_reply(w, m);
        }
    }
}

static void worker_cb(void *arg)
{
    worker *w = arg;
    rg_server *s = w->srv;
    int rv = nng_aio_result(w->aio);
    switch (atomic_load(&w->state)) {
    case W_RECV:
        if (rv != 0) {
            /* Closed or cancelled at shutdown; anything else is transient. */
            if (rv == NNG_ECLOSED || rv == NNG_ECANCELED || atomic_load(&s->stopping)) {
                atomic_store(&w->state, W_DONE);
                return;
            }
            arm(w);
            return;
        }
        received(s, w);
        return;
    case W_SEND:
        /* Still ours on failure.  A reply its peer did not take within
         * SEND_LIMIT_MS (NNG_ETIMEDOUT): that peer is not reading, and is
         * closed by the next sweep. */
        if (rv != 0) {
            nng_msg_free(nng_aio_get_msg(w->aio));
            if (rv == NNG_ETIMEDOUT) {
                uv_mutex_lock(&s->lock);
                if (w->pr) w->pr->evict = true;
                uv_mutex_unlock(&s->lock);
            }
        }
        worker_done(s, w);
        return;
    default:
        return;
    }
}

static void reply_cb(void *ud, const uint8_t *p, size_t n)
{
    worker *w = ud;
    rg_server *s = w->srv;
    /* Each request is answered exactly once, while its worker waits for
     * the engine; the received message was freed by drain() already. */
    RG_ASSERT(atomic_load(&w->state) == W_ENGINE && w->msg == NULL);
    RG_ASSERT(s->active > 0);
    s->active--;
    /* A turn freed: the next queued request may go in (not from here: this
     * may run inside the engine's own call). */
    if (!s->draining) {
        uv_mutex_lock(&s->lock);
        if (s->queued && !s->closing) uv_async_send(&s->wake);
        uv_mutex_unlock(&s->lock);
    }
    if (s->metrics) {
        char code[32];
        rg_metrics_result_of(p, n, code, sizeof code);
        rg_metrics_request_via(s->metrics, RG_VIA_NNG, w->op, code, uv_hrtime() - w->t0);
    }
    nng_msg *m = NULL;
    if (nng_msg_alloc(&m, 0) != 0 || nng_msg_append(m, p, n) != 0) {
        /* Out of memory: this reply is lost (the client's retry with the
         * same req gets the stored one); the worker goes on receiving. */
        fprintf(stderr, "regie: out of memory for a reply of %zu bytes; dropped\n", n);
        if (m) nng_msg_free(m);
        worker_done(s, w);
        return;
    }
    send_reply(w, m);
}

static void refuse(worker *w)
{
    rg_buf b = RG_BUF_INIT;
    rg_error_reply(&b, RG_EOVERLOAD, "the engine is shutting down; retry with the same req");
    reply_cb(w, b.data, b.len);
    rg_buf_free(&b);
}

/* Requests in the engine now, not counting parked long-polls. */
static int in_engine(rg_server *s)
{
    int parked = (int)rg_feed_parked(rg_services_feed(s->e));
    return s->active > parked ? s->active - parked : 0;
}

/* Hand queued requests to the engine, round-robin over the pipes, while it
 * has fewer than `limit` (at shutdown: refuse every one). */
static void drain(rg_server *s)
{
    if (s->draining) return;
    s->draining = true;
    bool stopping = atomic_load(&s->stopping);
    for (;;) {
        if (!stopping && in_engine(s) >= s->limit) break;
        bool gone = false;
        uv_mutex_lock(&s->lock);
        worker *w = rr_take(s, &gone);
        uv_mutex_unlock(&s->lock);
        if (!w) break;
        nng_msg *m = w->msg;
        w->msg = NULL;
        if (gone) {                           /* its peer left: nothing to answer */
            nng_msg_free(m);
            worker_done(s, w);
            continue;
        }
        atomic_store(&w->state, W_ENGINE);
        s->active++;
        if (s->metrics) {
            w->t0 = uv_hrtime();
            rg_metrics_op_of(nng_msg_body(m), nng_msg_len(m), w->op, sizeof w->op);
        }
        if (stopping)
            refuse(w);
        else
            rg_engine_submit(s->e, nng_msg_body(m), nng_msg_len(m), reply_cb, w);
        nng_msg_free(m);
    }
    s->draining = false;
}

/* Keep ARMED workers receiving, from the free list first, allocating up to
 * the bound (loop only). */
static void top_up(rg_server *s)
{
    for (;;) {
        uv_mutex_lock(&s->lock);
        if (s->closing || atomic_load(&s->stopping) || s->armed >= ARMED ||
            s->nworkers >= WORKERS_MAX + s->limit) {
            uv_mutex_unlock(&s->lock);
            return;
        }
        worker *w = s->free;
        if (w) s->free = w->next;
        else s->nworkers++;
        s->armed++;
        uv_mutex_unlock(&s->lock);
        if (!w && worker_new(s, &w) != 0) {
            /* Out of memory (or closing): receive with those there are. */
            uv_mutex_lock(&s->lock);
            s->nworkers--;
            s->armed--;
            uv_mutex_unlock(&s->lock);
            return;
        }
        atomic_store(&w->state, W_RECV);
        arm(w);
    }
}

static void wake_cb(uv_async_t *h)
{
    rg_server *s = h->data;
    top_up(s);
    drain(s);
}

static void free_pipes(rg_server *s)
{
    rg_hmap_slot *slot;
    for (size_t pos = 0; (pos = rg_hmap_next(&s->pipes, pos, &slot)) != 0;) free(slot->val);
    rg_hmap_free(&s->pipes);
}

/* A start that failed after the socket was opened: the socket closed and
 * everything of s freed (no libuv handle is initialised yet). */
static int open_failed(rg_server *s)
{
    rg_net_close(s->sock, RG_NET_CLOSE_MS);
    for (worker *w = s->every, *next; w; w = next) {    /* none receives yet */
        next = w->all;
        nng_aio_free(w->aio);
        free(w);
    }
    free_pipes(s);
    uv_mutex_destroy(&s->lock);
    rg_buf_free(&s->over);
    free(s);
    return RG_ESTORAGE;
}

int rg_server_open(rg_server **out, uv_loop_t *loop, rg_engine *e, const rg_server_opts *o)
{
    *out = NULL;
    rg_server *s = rg_calloc(1, sizeof *s);
    s->loop = loop;
    s->e = e;
    s->limit = o->workers > 0 ? o->workers : 256;
    s->metrics = o->metrics;
    int rv = nng_rep0_open(&s->sock);
    if (rv != 0) {
        fprintf(stderr, "regie: rep socket: %s\n", nng_strerror(rv));
        free(s);
        return RG_ESTORAGE;
    }
    nng_socket_set_size(s->sock, NNG_OPT_RECVMAXSZ, RECV_MAX);
    uv_mutex_init(&s->lock);
    rg_hmap_init(&s->pipes);
    rg_error_reply(&s->over, RG_EOVERLOAD,
                   "too many requests of this connection waiting; retry with the same req");
    const char *idle = getenv("REGIE_PIPE_IDLE_MS");
    s->idle_ms = idle && atoll(idle) > 0 ? (uint64_t)atoll(idle) : PIPE_IDLE_MS;
    nng_pipe_notify(s->sock, NNG_PIPE_EV_ADD_PRE, pipe_cb, s);
    nng_pipe_notify(s->sock, NNG_PIPE_EV_REM_POST, pipe_cb, s);
    /* The first worker before anything can arrive: without one (out of
     * memory) the server could never receive, and the start fails here,
     * before a libuv handle exists.  top_up arms it from the free list. */
    worker *first;
    if (rg_net_listen(s->sock, o->listen_url, o->tls_cert_key, o->tls_ca) < 0 || worker_new(s, &first) != 0)
        return open_failed(s);
    atomic_store(&first->state, W_IDLE);
    first->next = NULL;
    s->free = first;
    s->nworkers = 1;
    uv_async_init(loop, &s->wake, wake_cb);
    s->wake.data = s;
    uv_timer_init(loop, &s->drain);
    s->drain.data = s;
    uv_timer_init(loop, &s->sweep);
    s->sweep.data = s;
    uv_timer_start(&s->sweep, sweep_cb, SWEEP_MS, SWEEP_MS);
    /* A parked long-poll holds a context, not a turn of the engine: the
     * feed's own caps (per actor and region) apply, and the engine-wide
     * one is what this server can hold. */
    rg_feed_set_limit(rg_services_feed(e), WORKERS_MAX);
    top_up(s);
    RG_ASSERT(s->armed > 0);                  /* the first worker, at least */
    *out = s;
    return 0;
}

static void handle_closed(uv_handle_t *h)
{
    rg_server *s = h->data;
    if (--s->handles_open > 0) return;
    void (*done)(void *) = s->done_cb;
    void *ud = s->done_ud;
    if (!s->sock_stuck) {                   /* else the workers stay for nng's threads */
        for (worker *w = s->every, *next; w; w = next) {
            next = w->all;
            free(w);
        }
        uv_mutex_destroy(&s->lock);
        free_pipes(s);
        rg_buf_free(&s->over);
        free(s);
    }
    if (done) done(ud);
}

static bool replies_pending(rg_server *s)
{
    for (worker *w = s->every; w; w = w->all) {
        int st = atomic_load(&w->state);
        if (st == W_QUEUED || st == W_ENGINE || st == W_SEND) return true;
    }
    return false;
}

static void drain_cb(uv_timer_t *t)
{
    rg_server *s = t->data;
    bool late = uv_now(s->loop) - s->drain_started > DRAIN_LIMIT_MS;
    drain(s);                               /* refuses what arrived since */
    if ((rg_engine_busy(s->e) || replies_pending(s)) && !late) return;
    uv_timer_stop(t);
    uv_mutex_lock(&s->lock);
    s->closing = true;
    uv_mutex_unlock(&s->lock);
    /* Closing aborts the pending receives and sends. */
    s->sock_stuck = rg_net_close(s->sock, RG_NET_CLOSE_MS) != 0;
    if (!s->sock_stuck) {
        for (worker *w = s->every; w; w = w->all) {
            nng_aio_stop(w->aio);
            nng_aio_free(w->aio);
            if (w->msg) nng_msg_free(w->msg);  /* still queued (a late close) */
            w->msg = NULL;
            pipe_rec *r = w->pr;
            w->pr = NULL;
            if (r && --r->held == 0 && r->gone) {
                r->in_ring = false;
                r->qhead = r->qtail = NULL;
                free(r);
            }
        }
    }
    s->handles_open = 3;
    uv_close((uv_handle_t *)&s->wake, handle_closed);
    uv_close((uv_handle_t *)&s->drain, handle_closed);
    uv_close((uv_handle_t *)&s->sweep, handle_closed);
}

void rg_server_shutdown(rg_server *s, void (*done_cb)(void *), void *ud)
{
    if (atomic_exchange(&s->stopping, true)) return;
    s->done_cb = done_cb;
    s->done_ud = ud;
    s->drain_started = uv_now(s->loop);
    rg_engine_unpark_all(s->e);             /* long-polls answer now */
    uv_timer_start(&s->drain, drain_cb, 0, 5);
}
