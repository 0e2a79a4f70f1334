/*
 * server.h - nng REQ/REP in front of the engine, on the libuv loop.
 *
 * Threads: nng completes receives and sends on its own threads; those only
 * move a worker between states and hand received messages to the loop
 * through a mutex-guarded inbox and a uv_async.  The engine runs on the loop
 * thread only.  Each worker owns one nng context, so as many requests as
 * there are workers are served concurrently on one socket.
 *
 * Layer (engine/net/, top): the nng sockets (this, publish.h, net.h) and
 * `regied`'s main.c, which opens the engine with its services
 * (services/services.h) and serves it.  Only this layer (and the client in
 * tools/) touches nng.
 */
#ifndef RG_SERVER_H
#define RG_SERVER_H

#include <uv.h>

#include "../core/engine.h"

typedef struct rg_server rg_server;

typedef struct rg_server_opts {
    const char *listen_url;
    const char *tls_cert_key;
    const char *tls_ca;       /* clients must present a certificate of this CA; NULL: none */
    int workers;              /* nng contexts */
    struct rg_metrics *metrics;   /* requests counted by op and result (net/http_metrics.h); NULL: none */
} rg_server_opts;

int rg_server_open(rg_server **out /* OUT */, uv_loop_t *loop, rg_engine *e,
                   const rg_server_opts *o);
/* Stop taking requests, wait (on the loop) until the commit in flight is
 * durable and its replies are sent, then close; done_cb runs on the loop
 * once everything is closed and the server freed. */
void rg_server_shutdown(rg_server *s, void (*done_cb)(void *), void *ud);

#endif
