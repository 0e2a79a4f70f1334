/* server.c - nng contexts feeding the engine; threads in server.h. */
#include "server.h"

#include <assert.h>

#include "../services/services.h"

#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../storage/buf.h"
#include "../storage/codec.h"
#include "../storage/errors.h"
#include "net.h"

#define RECV_MAX (16u << 20)  /* larger messages are dropped by nng itself */
#define DRAIN_LIMIT_MS 5000

enum { W_RECV, W_ENGINE, W_SEND, W_DONE };

typedef struct worker {
    rg_server *srv;
    nng_ctx ctx;
    nng_aio *aio;
    atomic_int state;
    nng_msg *msg;             /* received, while in W_ENGINE */
    struct worker *next;      /* inbox link */
} worker;

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
};

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
        atomic_store(&w->state, W_ENGINE);
        w->next = NULL;
        if (s->inbox_tail) s->inbox_tail->next = w; else s->inbox = w;
        s->inbox_tail = w;
        uv_async_send(&s->wake);
        uv_mutex_unlock(&s->lock);
        return;
    case W_SEND:
        if (rv != 0) nng_msg_free(nng_aio_get_msg(w->aio));   /* still ours on failure */
        if (atomic_load(&s->stopping)) {
            atomic_store(&w->state, W_DONE);
            return;
        }
        atomic_store(&w->state, W_RECV);
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
        if (atomic_load(&w->srv->stopping)) {
            atomic_store(&w->state, W_DONE);
            return;
        }
        atomic_store(&w->state, W_RECV);
        nng_ctx_recv(w->ctx, w->aio);
        return;
    }
    nng_aio_set_msg(w->aio, m);
    atomic_store(&w->state, W_SEND);
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
    if (rg_net_listen(s->sock, o->listen_url, o->tls_cert_key) < 0) {
        rg_net_close(s->sock, RG_NET_CLOSE_MS);
        free(s);
        return RG_ESTORAGE;
    }
    uv_mutex_init(&s->lock);
    uv_async_init(loop, &s->wake, wake_cb);
    s->wake.data = s;
    uv_timer_init(loop, &s->drain);
    s->drain.data = s;
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
    s->handles_open = 2;
    uv_close((uv_handle_t *)&s->wake, handle_closed);
    uv_close((uv_handle_t *)&s->drain, handle_closed);
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
