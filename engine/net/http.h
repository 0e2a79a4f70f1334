/*
 * http.h - the HTTP face of the engine (CONTRACT.md "HTTP"): the JSON API at
 * POST /api/v1/OP, browser sessions, the live feeds as Server-Sent Events,
 * /metrics, the OpenAPI description and the browser app's files.
 *
 * libmicrohttpd serves the sockets on a thread of its own (TLS through
 * GnuTLS, its own connection time-outs); that thread parses and checks the
 * HTTP, turns the JSON into the same msgpack envelope an nng client sends,
 * suspends the connection and hands the request to the loop through a
 * mutex-guarded inbox and a uv_async, as net/server.c does.  On the loop the
 * request enters rg_engine_submit, the one entry every request takes (op
 * table, access rules, idempotency, durability before the reply, audit);
 * the reply's bytes are copied and the connection resumed, and the HTTP
 * thread writes the JSON.  Nothing on the HTTP thread waits for the loop,
 * and nothing on the loop waits for a socket.
 *
 * Limits (each refusal counted in /metrics): at most `max_conns` open
 * connections (beyond: 503), a body of at most RG_HTTP_BODY_MAX bytes (413),
 * headers within libmicrohttpd's per-connection memory (431 by the
 * library), a connection idle for `idle_s` seconds (headers or body
 * arriving too slowly, or kept open between requests) closed.
 */
#ifndef RG_HTTP_H
#define RG_HTTP_H

#include <stdint.h>
#include <uv.h>

#include "../core/engine.h"

typedef struct rg_http rg_http;

typedef struct rg_http_opts {
    const char *addr;          /* "ADDR:PORT", "[v6]:PORT" */
    const char *tls_cert_key;  /* PEM with certificate and key, or NULL */
    const char *web_root;      /* the browser app's files, or NULL: found beside the binary */
    struct rg_metrics *metrics;   /* what /metrics shows (the caller's: nng counts into it too) */
    const char *tls_ca;        /* HTTPS: every request needs a client certificate of a CA in
                                * this PEM file (regied --tls-ca); NULL: none asked for */
} rg_http_opts;

/* Start serving; on failure says why on stderr and returns < 0. */
int rg_http_open(rg_http **out /* OUT */, uv_loop_t *loop, rg_engine *e, const rg_http_opts *o);
/* A durable event's topics (rg_notify_fn): wakes the SSE streams it concerns. */
void rg_http_notify(void *ud, const rg_notice *n);
/* Refuse new requests (503), end every stream, wait for the requests in the
 * engine to be answered and sent, then stop; done_cb runs on the loop once
 * everything is closed and freed. */
void rg_http_shutdown(rg_http *h, void (*done_cb)(void *), void *ud);

#endif
