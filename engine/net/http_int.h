/*
 * http_int.h - what the files of the HTTP face share (http.c, http_sse.c,
 * http_static.c, http_conn.c); not for anyone else.
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

/* Hand j to the loop; false when the HTTP face is closing (j not taken). */
bool rg_http_post(rg_http *h, hjob *j);
/* Suspend c (on the HTTP thread, from its handler) / resume it (any thread). */
void rg_http_suspend(rg_http *h, struct MHD_Connection *c);
void rg_http_resume(rg_http *h, struct MHD_Connection *c);

/* ---- streams (http_sse.c) ---- */

/* GET /api/v1/feed or /alerts with token, from `after`: on the HTTP
 * thread; queues the answer (a stream, or an error once the loop has
 * checked the token) and returns MHD's result. */
typedef struct hreq hreq;
enum MHD_Result rg_sse_begin(rg_http *h, hreq *r, int kind, uint64_t after);
/* The loop's side. */
void rg_sse_notify(rg_http *h, const rg_notice *n);
void rg_sse_pump_all(rg_http *h);
void rg_sse_tick(rg_http *h);
void rg_sse_end_all(rg_http *h);    /* shutdown: every stream ends */

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

/* The contract's status of a reply's error code ("ok": 200). */
unsigned rg_http_status_of(const char *code);
/* Answer r with a JSON body of status (content copied); returns MHD's result. */
enum MHD_Result rg_http_answer(hreq *r, unsigned status, const char *json, size_t n);
/* The contract's error body {ok:false,error,message}, with the contract's
 * status of err, or (_as) with a status of HTTP's own (413). */
enum MHD_Result rg_http_error(hreq *r, int err, const char *msg);
enum MHD_Result rg_http_error_as(hreq *r, unsigned status, int err, const char *msg);
/* Queue resp (the common headers added; counted) and release it. */
enum MHD_Result rg_http_queue(hreq *r, unsigned status, struct MHD_Response *resp);

/* ---- static files, OpenAPI (http_static.c, http_openapi.c) ---- */
enum MHD_Result rg_http_static(rg_http *h, hreq *r, const char *url);
void rg_openapi_render(rg_buf *out);

#endif
