/* server.c - nng contexts feeding the engine; threads in server.h. */
#include "server.h"

#include <assert.h>

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
#include "net.h"

/* Bounds on what a peer can hold of the engine (issue 16):
 * - a message larger than RECV_MAX is refused by nng as its length arrives
 *   (the pipe is closed, nothing buffered): a request is at most 1 MiB of
 *   msgpack (codec.h); one a little over is still read and answered
 *   bad_request, so a client that overshoots learns why;
 * - a pipe that has no request in the engine and completed none for
 *   PIPE_IDLE_MS (idle, or a message sent only in part: nng 1.5 has no
 *   timeout for a partial read) is closed by a sweep on the loop; a client's
 *   dialer simply dials again when it next has something to say;
 * - at most PIPES_MAX pipes: one beyond is closed as it arrives;
 * - at most PIPE_INFLIGHT_MAX requests of one pipe in the engine at once
 *   (a REQ socket sends one per context): a peer that pipelines more has
 *   the rest dropped and is cut off at the next sweep, so no one peer
 *   takes the workers of everyone else;
 * - a reply not taken by its peer within SEND_LIMIT_MS is dropped (a client
 *   that never reads its replies), so a worker never waits for ever;
 * - long-polls park at most a quarter of the workers (services/feed.h):
 *   beyond, feed.read answers `overloaded` at once. */
#define RECV_MAX (4u << 20)
#define PIPE_IDLE_MS 30000    /* REGIE_PIPE_IDLE_MS overrides (tests) */
#define PIPES_MAX 4096
#define PIPE_INFLIGHT_MAX 32
#define SEND_LIMIT_MS 10000
#define SWEEP_MS 1000
#define DRAIN_LIMIT_MS 5000

enum { W_RECV, W_ENGINE, W_SEND, W_DONE };

typedef struct worker {
    rg_server *srv;
    nng_ctx ctx;
    nng_aio *aio;
    atomic_int state;
    nng_msg *msg;             /* received, while in W_ENGINE */
    nng_pipe pipe;            /* whose request this is, from receive to sent */
    struct worker *next;      /* inbox link */
} worker;

/* One connected peer (pipe), under rg_server.pipes_lock. */
typedef struct pipe_rec {
    nng_pipe pipe;
    nng_time last;            /* connected, or its last message complete or answered */
    int busy;                 /* its requests in the engine or being sent */
    bool evict;               /* pipelined past its share: the next sweep closes it */
} pipe_rec;

struct rg_server {
    uv_loop_t *loop;
    rg_engine *e;
    nng_socket sock;
    worker *workers;
    int nworkers;
    uv_mutex_t lock;
    worker *inbox, *inbox_tail;
    uv_async_t wake;
    uv_timer_t drain;
    atomic_bool stopping;
    bool closing;             /* under lock: drain_cb closes the socket and wake handle */
    uint64_t drain_started;
    int handles_open;
    bool sock_stuck;          /* nng_close gave up (net.h): its aios may still call us */
    void (*done_cb)(void *);
    void *done_ud;
    uv_mutex_t pipes_lock;    /* pipes, npipes: nng's threads and the loop */
    rg_hmap pipes;            /* pipe id (4 bytes) -> pipe_rec */
    size_t npipes;
    uv_timer_t sweep;         /* closes idle pipes */
    uint64_t idle_ms;
};

static void pipe_cb(nng_pipe p, nng_pipe_ev ev, void *arg)
{
    rg_server *s = arg;
    uint32_t id = (uint32_t)nng_pipe_id(p);
    uv_mutex_lock(&s->pipes_lock);
    if (ev == NNG_PIPE_EV_ADD_PRE) {
        if (s->npipes >= PIPES_MAX) {
            uv_mutex_unlock(&s->pipes_lock);
            nng_pipe_close(p);                /* refused: never added */
            return;
        }
        pipe_rec *r = rg_calloc(1, sizeof *r);
        r->pipe = p;
        r->last = nng_clock();
        free(rg_hmap_put(&s->pipes, &id, sizeof id, r));
        s->npipes++;
    } else if (ev == NNG_PIPE_EV_REM_POST) {
        pipe_rec *r = rg_hmap_del(&s->pipes, &id, sizeof id);
        if (r) {
            s->npipes--;
            free(r);
        }
    }
    uv_mutex_unlock(&s->pipes_lock);
}

/* A request of w's pipe arrived: false when that pipe has too many in the
 * engine already (the caller closes it). */
static bool pipe_begin(rg_server *s, worker *w, nng_msg *m)
{
    w->pipe = nng_msg_get_pipe(m);
    uint32_t id = (uint32_t)nng_pipe_id(w->pipe);
    bool ok = true;
    uv_mutex_lock(&s->pipes_lock);
    pipe_rec *r = rg_hmap_get(&s->pipes, &id, sizeof id);
    if (r) {
        r->last = nng_clock();
        if (r->busy >= PIPE_INFLIGHT_MAX || r->evict) {
            ok = false;
            r->evict = true;
        } else {
            r->busy++;
        }
    }
    uv_mutex_unlock(&s->pipes_lock);
    if (!ok) w->pipe = (nng_pipe)NNG_PIPE_INITIALIZER;
    return ok;
}

/* w's request was answered (or its reply dropped). */
static void pipe_end(rg_server *s, worker *w)
{
    int pid = nng_pipe_id(w->pipe);
    if (pid <= 0) return;
    uint32_t id = (uint32_t)pid;
    w->pipe = (nng_pipe)NNG_PIPE_INITIALIZER;
    uv_mutex_lock(&s->pipes_lock);
    pipe_rec *r = rg_hmap_get(&s->pipes, &id, sizeof id);
    if (r) {
        if (r->busy > 0) r->busy--;
        r->last = nng_clock();
    }
    uv_mutex_unlock(&s->pipes_lock);
}

/* Close the pipes that have nothing in the engine and completed nothing
 * for idle_ms.  Closing happens outside the lock: nng may call pipe_cb
 * for the removal on this thread. */
static void sweep_cb(uv_timer_t *t)
{
    rg_server *s = t->data;
    nng_time now = nng_clock();
    size_t n = 0;
    uv_mutex_lock(&s->pipes_lock);
    nng_pipe *idle = rg_malloc((s->npipes ? s->npipes : 1) * sizeof *idle);
    rg_hmap_slot *slot;
    for (size_t pos = 0; n < s->npipes && (pos = rg_hmap_next(&s->pipes, pos, &slot)) != 0;) {
        pipe_rec *r = slot->val;
        if (r->evict || (r->busy == 0 && now - r->last > s->idle_ms)) idle[n++] = r->pipe;
    }
    uv_mutex_unlock(&s->pipes_lock);
    for (size_t i = 0; i < n; i++) nng_pipe_close(idle[i]);
    free(idle);
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
            nng_ctx_recv(w->ctx, w->aio);
            return;
        }
        /* Under the lock, so drain_cb cannot close the wake handle between
         * our look at `closing` and the uv_async_send. */
        uv_mutex_lock(&s->lock);
        if (s->closing) {                   /* arrived while the socket closes */
            uv_mutex_unlock(&s->lock);
            nng_msg_free(nng_aio_get_msg(w->aio));
            atomic_store(&w->state, W_DONE);
            return;
        }
        w->msg = nng_aio_get_msg(w->aio);
        if (!pipe_begin(s, w, w->msg)) {          /* a peer pipelining past its share */
            /* Dropped; the pipe is closed by the next sweep, on the loop:
             * closing it here, inside nng's callback, stalled nng's own
             * threads (both sockets then failed to close at shutdown). */
            uv_mutex_unlock(&s->lock);
            nng_msg_free(w->msg);
            w->msg = NULL;
            nng_aio_set_timeout(w->aio, NNG_DURATION_DEFAULT);
            nng_ctx_recv(w->ctx, w->aio);
            return;
        }
        atomic_store(&w->state, W_ENGINE);
        w->next = NULL;
        if (s->inbox_tail) s->inbox_tail->next = w; else s->inbox = w;
        s->inbox_tail = w;
        uv_async_send(&s->wake);
        uv_mutex_unlock(&s->lock);
        return;
    case W_SEND:
        /* Still ours on failure, also when the peer did not take it in
         * SEND_LIMIT_MS (NNG_ETIMEDOUT). */
        if (rv != 0) nng_msg_free(nng_aio_get_msg(w->aio));
        pipe_end(s, w);
        if (atomic_load(&s->stopping)) {
            atomic_store(&w->state, W_DONE);
            return;
        }
        atomic_store(&w->state, W_RECV);
        nng_aio_set_timeout(w->aio, NNG_DURATION_DEFAULT);
        nng_ctx_recv(w->ctx, w->aio);
        return;
    default:
        return;
    }
}

static void reply_cb(void *ud, const uint8_t *p, size_t n)
{
    worker *w = ud;
    /* Each request is answered exactly once, while its worker waits for
     * the engine; the received message was freed by wake_cb already. */
    assert(atomic_load(&w->state) == W_ENGINE && w->msg == NULL);
    nng_msg *m = NULL;
    if (nng_msg_alloc(&m, 0) != 0 || nng_msg_append(m, p, n) != 0) {
        /* Out of memory: this reply is lost (the client's retry with the
         * same req gets the stored one); the worker goes on receiving. */
        fprintf(stderr, "regie: out of memory for a reply of %zu bytes; dropped\n", n);
        if (m) nng_msg_free(m);
        pipe_end(w->srv, w);
        if (atomic_load(&w->srv->stopping)) {
            atomic_store(&w->state, W_DONE);
            return;
        }
        atomic_store(&w->state, W_RECV);
        nng_aio_set_timeout(w->aio, NNG_DURATION_DEFAULT);
        nng_ctx_recv(w->ctx, w->aio);
        return;
    }
    nng_aio_set_msg(w->aio, m);
    atomic_store(&w->state, W_SEND);
    nng_aio_set_timeout(w->aio, SEND_LIMIT_MS);
    nng_ctx_send(w->ctx, w->aio);
}

static void refuse(worker *w)
{
    rg_buf b = RG_BUF_INIT;
    rg_error_reply(&b, RG_EOVERLOAD, "the engine is shutting down; retry with the same req");
    reply_cb(w, b.data, b.len);
    rg_buf_free(&b);
}

static void wake_cb(uv_async_t *h)
{
    rg_server *s = h->data;
    uv_mutex_lock(&s->lock);
    worker *w = s->inbox;
    s->inbox = s->inbox_tail = NULL;
    uv_mutex_unlock(&s->lock);
    while (w) {
        worker *next = w->next;
        nng_msg *m = w->msg;
        assert(m && atomic_load(&w->state) == W_ENGINE);   /* ours until freed below */
        w->msg = NULL;
        if (atomic_load(&s->stopping))
            refuse(w);
        else
            rg_engine_submit(s->e, nng_msg_body(m), nng_msg_len(m), reply_cb, w);
        nng_msg_free(m);
        w = next;
    }
}

static void free_pipes(rg_server *s)
{
    rg_hmap_slot *slot;
    for (size_t pos = 0; (pos = rg_hmap_next(&s->pipes, pos, &slot)) != 0;) free(slot->val);
    rg_hmap_free(&s->pipes);
    uv_mutex_destroy(&s->pipes_lock);
}

int rg_server_open(rg_server **out, uv_loop_t *loop, rg_engine *e, const rg_server_opts *o)
{
    *out = NULL;
    rg_server *s = rg_calloc(1, sizeof *s);
    s->loop = loop;
    s->e = e;
    s->nworkers = o->workers > 0 ? o->workers : 256;
    int rv = nng_rep0_open(&s->sock);
    if (rv != 0) {
        fprintf(stderr, "regie: rep socket: %s\n", nng_strerror(rv));
        free(s);
        return RG_ESTORAGE;
    }
    nng_socket_set_size(s->sock, NNG_OPT_RECVMAXSZ, RECV_MAX);
    uv_mutex_init(&s->pipes_lock);
    rg_hmap_init(&s->pipes);
    const char *idle = getenv("REGIE_PIPE_IDLE_MS");
    s->idle_ms = idle && atoll(idle) > 0 ? (uint64_t)atoll(idle) : PIPE_IDLE_MS;
    nng_pipe_notify(s->sock, NNG_PIPE_EV_ADD_PRE, pipe_cb, s);
    nng_pipe_notify(s->sock, NNG_PIPE_EV_REM_POST, pipe_cb, s);
    if (rg_net_listen(s->sock, o->listen_url, o->tls_cert_key) < 0) {
        rg_net_close(s->sock, RG_NET_CLOSE_MS);
        free_pipes(s);
        free(s);
        return RG_ESTORAGE;
    }
    uv_mutex_init(&s->lock);
    uv_async_init(loop, &s->wake, wake_cb);
    s->wake.data = s;
    uv_timer_init(loop, &s->drain);
    s->drain.data = s;
    uv_timer_init(loop, &s->sweep);
    s->sweep.data = s;
    uv_timer_start(&s->sweep, sweep_cb, SWEEP_MS, SWEEP_MS);
    rg_feed_set_limit(rg_services_of(e)->feed, (size_t)s->nworkers / 4);
    s->workers = rg_calloc((size_t)s->nworkers, sizeof *s->workers);
    for (int i = 0; i < s->nworkers; i++) {
        worker *w = &s->workers[i];
        w->srv = s;
        if ((rv = nng_ctx_open(&w->ctx, s->sock)) != 0 ||
            (rv = nng_aio_alloc(&w->aio, worker_cb, w)) != 0) {
            fprintf(stderr, "regie: nng context: %s\n", nng_strerror(rv));
            abort();   /* only out of memory gets here */
        }
        atomic_store(&w->state, W_RECV);
        nng_ctx_recv(w->ctx, w->aio);
    }
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
        uv_mutex_destroy(&s->lock);
        free_pipes(s);
        free(s->workers);
        free(s);
    }
    if (done) done(ud);
}

static bool replies_pending(rg_server *s)
{
    for (int i = 0; i < s->nworkers; i++) {
        int st = atomic_load(&s->workers[i].state);
        if (st == W_ENGINE || st == W_SEND) return true;
    }
    return false;
}

static void drain_cb(uv_timer_t *t)
{
    rg_server *s = t->data;
    bool late = uv_now(s->loop) - s->drain_started > DRAIN_LIMIT_MS;
    if ((rg_engine_busy(s->e) || replies_pending(s)) && !late) return;
    uv_timer_stop(t);
    uv_mutex_lock(&s->lock);
    s->closing = true;
    for (worker *w = s->inbox; w; w = w->next) {   /* arrived after the last wake */
        nng_msg_free(w->msg);
        w->msg = NULL;
    }
    s->inbox = s->inbox_tail = NULL;
    uv_mutex_unlock(&s->lock);
    /* Closing aborts the pending receives. */
    s->sock_stuck = rg_net_close(s->sock, RG_NET_CLOSE_MS) != 0;
    for (int i = 0; i < s->nworkers && !s->sock_stuck; i++) {
        nng_aio_stop(s->workers[i].aio);
        nng_aio_free(s->workers[i].aio);
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
