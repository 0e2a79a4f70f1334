/*
 * http_int.h - the types the files of the HTTP face share (http.c,
 * http_sse.c, http_static.c, http_conn.c): the face itself (struct rg_http),
 * one request (struct hreq) and the loop's inbox of work (hjob); each
 * file's functions are in its own header.  Not for anyone else.
 *
 * Threads: `hreq` and `rg_stream` are touched by the HTTP thread
 * (libmicrohttpd's) and the loop; what each field belongs to is said beside
 * it.  The HTTP thread hands work to the loop only through rg_http_post.
 */
#ifndef RG_HTTP_INT_H
#define RG_HTTP_INT_H

#include <microhttpd.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "../core/engine.h"
#include "../storage/buf.h"
#include "http.h"
#include "http_metrics.h"
#include "http_session.h"

typedef struct hjob hjob;
/* Work for the loop: run there once, in the order posted. */
struct hjob {
    void (*run)(hjob *j);
    hjob *next;
};

typedef struct rg_stream rg_stream;
typedef struct hreq hreq;

struct rg_http {
    uv_loop_t *loop;
    rg_engine *e;
    struct MHD_Daemon *d;
    bool tls;
    bool client_cert;             /* a client certificate of the --tls-ca CA is required */
    char web_root[4096];
    rg_sessions *sessions;
    rg_metrics *metrics;
    unsigned idle_s;
    long max_conns;
    atomic_long conns;            /* open connections (HTTP thread) */
    atomic_long suspended;        /* connections suspended, waiting for the loop */
    atomic_bool stopping;         /* new requests answered 503 */
    atomic_bool kick;             /* a stream's reader wants more: pump them */
    /* every open connection, for the slow-request watchdog (http.c) */
    uv_mutex_t conns_lock;
    struct conn_rec *conn_list;
    /* the inbox, under lock */
    uv_mutex_t lock;
    hjob *inbox, *inbox_tail;
    bool closing;                 /* the wake handle is closing: post nothing */
    uv_async_t wake;
    uv_timer_t tick;              /* heartbeats, token checks, the drain at shutdown */
    /* the loop's */
    size_t in_engine;             /* requests submitted and not yet answered */
    rg_stream *streams;           /* every open stream */
    size_t nstreams;
    void (*done_cb)(void *);
    void *done_ud;
    uint64_t drain_started;
    int handles_open;
};

/* ---- one request (http.c) ---- */

#define RG_TOKEN_MAX 256

enum { R_READING, R_ENGINE, R_DONE, R_ANSWERED };

struct hreq {
    hjob job;                     /* must stay first */
    rg_http *h;
    struct MHD_Connection *conn;
    int route;
    atomic_int state;
    bool too_big;
    bool cookie;                  /* authenticated by the session cookie */
    char sid[RG_SESSION_ID_LEN + 1];
    char token[RG_TOKEN_MAX];
    char op[64];
    rg_buf body;                  /* HTTP thread, until posted */
    rg_buf msg;                   /* the envelope, for the loop */
    rg_buf reply;                 /* the loop's answer (msgpack), then the HTTP thread's */
    uint64_t t0;                  /* uv_hrtime at the body's end */
    uint64_t body_t0;             /* uv_hrtime when the headers were complete */
    uint64_t body_got;            /* body bytes received so far */
    void *stream;                 /* http_sse.c: the stream being opened */
    int stream_kind;
    uint64_t after;
};

#endif
