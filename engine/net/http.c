/* http.c - the HTTP face: the daemon, routes, the JSON API, sessions (http.h). */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gnutls/gnutls.h>

#include "../domain/contract.h"
#include "../core/ctx.h"
#include "../core/tally.h"
#include "../services/services.h"
#include "../storage/codec.h"
#include "../storage/errors.h"
#include "http_int.h"
#include "http_json.h"
#include "../core/reply.h"
#include "http_sse.h"
#include "http_static.h"
#include "http_conn.h"
#include "http_openapi.h"

#define IDLE_S 30                 /* REGIE_HTTP_IDLE_S overrides (tests) */
#define MAX_CONNS 2048            /* REGIE_HTTP_MAX_CONNS overrides (tests) */
#define SESSION_IDLE_S (30 * 60)  /* REGIE_HTTP_SESSION_IDLE_S */
#define SESSION_MAX_S (12 * 3600) /* REGIE_HTTP_SESSION_MAX_S */
#define SESSIONS_MAX 100000
#define MEMORY_PER_CONN (64 * 1024)   /* headers must fit: beyond, 431 */
#define BODY_MIN_RATE 500         /* bytes/s a body must keep up after its first IDLE_S */
#define TICK_MS 1000
#define DRAIN_LIMIT_MS 5000
#define COOKIE "regie_session"

enum {
    RT_API, RT_SESSION_OPEN, RT_SESSION_END, RT_METRICS, RT_OPENAPI, RT_FEED, RT_ALERTS, RT_STATIC,
};

/* What the HTTP thread keeps per connection (MHD's socket context).  The
 * loop's watchdog (slow_tick) reads it under h->conns_lock, which also
 * guards the list; libmicrohttpd closes the socket only after telling
 * on_connection, which unlinks it under the same lock. */
typedef struct conn_rec {
    _Atomic uint64_t last;    /* uv_hrtime: opened, or its last request finished */
    atomic_int active;        /* a request under way: its headers were complete */
    atomic_bool line_seen;    /* the next request's first line has arrived */
    bool cut;                 /* the watchdog cut it off (under conns_lock) */
    int fd;
    struct conn_rec *prev, *next;
} conn_rec;

static unsigned env_num(const char *name, unsigned dflt)
{
    const char *v = getenv(name);
    long n = v ? atol(v) : 0;
    return n > 0 ? (unsigned)n : dflt;
}

/* A 408 written straight to a plain-HTTP socket, for the two refusals
 * libmicrohttpd has no way to answer (a trickling body or headers): only
 * when it has no response of its own under way on that socket.  Under TLS
 * the bytes would have to be the session's: the close alone tells. */
static void send_408(int fd, const char *why)
{
    char body[200], resp[400];
    int bn = snprintf(body, sizeof body, "{\"ok\":false,\"error\":\"bad_request\",\"message\":\"%s\"}", why);
    RG_ASSERT(bn > 0 && (size_t)bn < sizeof body);
    int rn = snprintf(resp, sizeof resp, "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
                      "Content-Type: application/json; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s", bn, body);
    RG_ASSERT(rn > 0 && (size_t)rn < sizeof resp);
    ssize_t n = send(fd, resp, (size_t)rn, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)n;                      /* a peer that reads nothing gets the close alone */
}

static void wake_cb(uv_async_t *a)
{
    rg_http *h = a->data;
    uv_mutex_lock(&h->lock);
    hjob *j = h->inbox;
    h->inbox = h->inbox_tail = NULL;
    uv_mutex_unlock(&h->lock);
    while (j) {
        hjob *next = j->next;
        j->run(j);
        j = next;
    }
    if (atomic_exchange(&h->kick, false)) rg_sse_pump_all(h);
}

/* ---- answers ---- */


static enum MHD_Result plain(hreq *r, unsigned status, const char *type, const void *p, size_t n)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(n, (void *)p, MHD_RESPMEM_MUST_COPY);
    if (!resp) return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", type);
    return rg_http_queue(r, status, resp);
}

/* The error code of a reply (msgpack), "ok" when it succeeded. */
static void reply_code(const rg_buf *reply, char *code, size_t cap)
{
    snprintf(code, cap, "storage_error");
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, reply->data, reply->len, &why) < 0) return;
    const rg_val *root = rg_doc_root(d);
    bool ok = false;
    if (rg_val_bool(rg_map_get(root, "ok"), &ok) && ok) snprintf(code, cap, "ok");
    else rg_val_strcpy(rg_map_get(root, "error"), code, cap);
    rg_doc_free(d);
}

/* ---- the loop's side of a request ---- */

static void reply_cb(void *ud, const uint8_t *p, size_t n)
{
    hreq *r = ud;
    rg_http *h = r->h;
    RG_ASSERT(atomic_load(&r->state) == R_ENGINE);
    h->in_engine--;
    rg_buf_reset(&r->reply);
    rg_buf_append(&r->reply, p, n);
    atomic_store(&r->state, R_DONE);
    rg_http_resume(h, r->conn);
}

static void run_submit(hjob *j)
{
    hreq *r = (hreq *)j;
    rg_http *h = r->h;
    if (atomic_load(&h->stopping) && r->route != RT_SESSION_END) {
        rg_buf_reset(&r->reply);
        rg_error_reply(&r->reply, RG_EOVERLOAD, "the engine is shutting down; retry with the same req");
        atomic_store(&r->state, R_DONE);
        rg_http_resume(h, r->conn);
        return;
    }
    h->in_engine++;
    rg_engine_submit(h->e, r->msg.data, r->msg.len, reply_cb, r);
}

static void run_metrics(hjob *j)
{
    hreq *r = (hreq *)j;
    rg_http *h = r->h;
    rg_metrics_snap s = {0};
    s.log_head = rg_engine_head(h->e);
    s.parked = rg_feed_parked(rg_services_feed(h->e));
    rg_due *du = rg_services_due(h->e);
    s.lateness_p50 = rg_due_lateness_pct(du, 50, &s.lateness_count);
    s.lateness_p99 = rg_due_lateness_pct(du, 99, &s.lateness_count);
    s.lateness_max = rg_due_lateness_pct(du, 100, &s.lateness_count);
    s.sessions = rg_sessions_count(h->sessions);
    s.engine_inflight = h->in_engine;
    s.commits = rg_engine_commits(h->e);
    s.committed = rg_engine_committed_commands(h->e);
    s.commit = *rg_engine_commit_figures(h->e);
    /* Per region, the covenant sets summed (a handful of tallies each). */
    rg_hmap_slot *slot;
    const rg_tallies *t = rg_engine_tallies(h->e);
    for (size_t i = 0; (i = rg_hmap_next(&t->regions, i, &slot)) != 0;) {
        const rg_tally *ty = slot->val;
        size_t k = 0;
        while (k < s.nregions && strcmp(s.regions[k].zvh, ty->zvh) != 0) k++;
        if (k == s.nregions) {
            if (k == RG_METRICS_REGIONS) {
                s.regions_cut = true;
                continue;
            }
            memcpy(s.regions[k].zvh, ty->zvh, sizeof s.regions[k].zvh);
            s.nregions++;
        }
        s.regions[k].stagnations += ty->stagnations;
        s.regions[k].pending += ty->pending;
        for (int l = 0; l < 3; l++) s.regions[k].esc[l] += ty->esc_open[l + 1];
    }
    rg_buf_reset(&r->reply);
    rg_metrics_render(h->metrics, &s, &r->reply);
    atomic_store(&r->state, R_DONE);
    rg_http_resume(h, r->conn);
}

/* Hand r to the loop and suspend its connection until the answer is in. */
static enum MHD_Result to_loop(hreq *r, void (*run)(hjob *))
{
    r->job.run = run;
    atomic_store(&r->state, R_ENGINE);
    /* Suspended before it is posted, so the loop's resume always follows. */
    rg_http_suspend(r->h, r->conn);
    if (!rg_http_post(r->h, &r->job)) {
        rg_http_resume(r->h, r->conn);
        atomic_store(&r->state, R_READING);
        return rg_http_error(r, RG_EOVERLOAD, "the engine is shutting down");
    }
    return MHD_YES;
}

/* ---- credentials ---- */

/* The session id from the Cookie header, or false. */
static bool cookie_sid(struct MHD_Connection *c, char sid[RG_SESSION_ID_LEN + 1])
{
    const char *v = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE);
    if (!v || strlen(v) != RG_SESSION_ID_LEN) return false;
    memcpy(sid, v, RG_SESSION_ID_LEN + 1);
    return true;
}

/* A cookie-borne request must come from our own pages: an Origin, when the
 * browser sends one, names this host. */
static bool origin_ok(rg_http *h, struct MHD_Connection *c)
{
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    if (!origin) return true;
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    if (!host) return false;
    char want[600];
    snprintf(want, sizeof want, "%s://%s", h->tls ? "https" : "http", host);
    return strcasecmp(origin, want) == 0;
}

/* The caller's token into r->token: Bearer, else the session cookie.
 * Returns 0, or answers the request and returns 1 (*rc set). */
static int credentials(hreq *r, bool changes, enum MHD_Result *rc)
{
    rg_http *h = r->h;
    const char *auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
    if (auth) {
        if (strncasecmp(auth, "Bearer ", 7) != 0 || strlen(auth + 7) >= sizeof r->token) {
            *rc = rg_http_error(r, RG_EUNAUTH, "Authorization must be: Bearer TOKEN");
            return 1;
        }
        snprintf(r->token, sizeof r->token, "%s", auth + 7);
        return 0;
    }
    if (!cookie_sid(r->conn, r->sid)) return 0;       /* no credentials: the engine says so */
    if (!origin_ok(h, r->conn)) {
        *rc = rg_http_error(r, RG_EFORBIDDEN, "a request from another origin is refused");
        return 1;
    }
    const char *csrf = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
    bool csrf_ok = false;
    if (!rg_sessions_get(h->sessions, r->sid, r->token, sizeof r->token, csrf, &csrf_ok)) {
        *rc = rg_http_error(r, RG_EUNAUTH, "the session has ended or expired; log in again");
        return 1;
    }
    r->cookie = true;
    if (changes && !csrf_ok) {
        *rc = rg_http_error(r, RG_EFORBIDDEN, "a change by session needs the session's X-CSRF-Token header");
        return 1;
    }
    return 0;
}

/* ---- routes ---- */

static int route_of(const char *method, const char *url, hreq *r, bool *method_ok)
{
    *method_ok = true;
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    bool post = strcmp(method, "POST") == 0;
    if (strcmp(url, "/api/v1/session") == 0) {
        if (post) return RT_SESSION_OPEN;
        if (strcmp(method, "DELETE") == 0) return RT_SESSION_END;
        *method_ok = false;
        return -1;
    }
    int rt = -1;
    if (strcmp(url, "/metrics") == 0) rt = RT_METRICS;
    else if (strcmp(url, "/api/v1/openapi.json") == 0) rt = RT_OPENAPI;
    else if (strcmp(url, "/api/v1/feed") == 0) rt = RT_FEED;
    else if (strcmp(url, "/api/v1/alerts") == 0) rt = RT_ALERTS;
    if (rt >= 0) {
        *method_ok = get;
        return rt;
    }
    if (strncmp(url, "/api/v1/", 8) == 0) {
        const char *op = url + 8;
        size_t n = strlen(op);
        if (n == 0 || n >= sizeof r->op) {
            snprintf(r->op, sizeof r->op, "?");
            return RT_API;
        }
        memcpy(r->op, op, n + 1);
        *method_ok = post;
        return RT_API;
    }
    if (strncmp(url, "/api/", 5) == 0) return -1;
    *method_ok = get;
    return RT_STATIC;
}

/* W3C Trace Context over HTTP: a `traceparent` header becomes the
 * envelope's `trace` (core/processing.h checks it), unless the body gives
 * one itself.  The reply's `trace` is the request's own span. */
static void traceparent(hreq *r)
{
    const char *tp = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "traceparent");
    rg_doc *d = NULL;
    const char *why;
    if (!tp || rg_doc_parse(&d, r->msg.data, r->msg.len, &why) < 0) return;
    const rg_val *m = rg_doc_root(d);
    if (rg_val_type(m) == RG_VMAP && !rg_map_get(m, "trace")) {
        rg_buf w = RG_BUF_INIT;
        rg_w_map(&w, rg_map_size(m) + 1);
        for (uint32_t i = 0; i < rg_map_size(m); i++) {
            rg_w_val(&w, rg_map_key(m, i));
            rg_w_val(&w, rg_map_value(m, i));
        }
        rg_w_kstr(&w, "trace", tp);
        rg_buf_reset(&r->msg);
        rg_buf_append(&r->msg, w.data, w.len);
        rg_buf_free(&w);
    }
    rg_doc_free(d);
}

static enum MHD_Result api_body_done(hreq *r)
{
    rg_http *h = r->h;
    const rg_opdef *op = rg_op_find(r->op, (uint32_t)strlen(r->op));
    /* An unknown op is the engine's answer (unknown_op); its name is
     * checked for UTF-8 there.  A name with bytes no op has is refused
     * here, before it is put into the envelope. */
    if (!op && !rg_utf8_ok(r->op, (uint32_t)strlen(r->op)))
        return rg_http_error(r, RG_EUNKNOWNOP, "unknown operation");
    enum MHD_Result rc;
    if (credentials(r, op && (op->flags & RG_OP_MUTATES), &rc)) return rc;
    char why[200];
    if (rg_json_to_request(&r->msg, r->op, r->token[0] ? r->token : NULL, (const char *)r->body.data,
                           r->body.len, why, sizeof why) < 0)
        return rg_http_error(r, RG_EBADREQ, why);
    traceparent(r);
    (void)h;
    return to_loop(r, run_submit);
}

static enum MHD_Result session_open(hreq *r)
{
    if (!origin_ok(r->h, r->conn))
        return rg_http_error(r, RG_EFORBIDDEN, "a request from another origin is refused");
    if (!r->body.len ||
        !rg_json_get_str((const char *)r->body.data, r->body.len, "token", r->token, sizeof r->token))
        return rg_http_error(r, RG_EBADREQ, "the body must be {\"token\": \"...\"}");
    snprintf(r->op, sizeof r->op, "whoami");
    char why[200];
    if (rg_json_to_request(&r->msg, "whoami", r->token, NULL, 0, why, sizeof why) < 0)
        return rg_http_error(r, RG_EBADREQ, why);
    return to_loop(r, run_submit);
}

static enum MHD_Result session_end(hreq *r)
{
    enum MHD_Result rc;
    if (!cookie_sid(r->conn, r->sid)) return rg_http_error(r, RG_EUNAUTH, "no session");
    if (credentials(r, true, &rc)) return rc;
    rg_sessions_end(r->h->sessions, r->sid);
    static const char body[] = "{\"ok\":true}";
    struct MHD_Response *resp = MHD_create_response_from_buffer(sizeof body - 1, (void *)body,
                                                                MHD_RESPMEM_PERSISTENT);
    if (!resp) return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    char cookie[200];
    snprintf(cookie, sizeof cookie, COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
             r->h->tls ? "; Secure" : "");
    MHD_add_response_header(resp, "Set-Cookie", cookie);
    rg_metrics_request(r->h->metrics, NULL, "ok", 0);
    return rg_http_queue(r, 200, resp);
}

/* The engine's answer to r is in r->reply: write it as JSON. */
static enum MHD_Result finish(hreq *r)
{
    rg_http *h = r->h;
    if (r->route == RT_METRICS)
        return plain(r, 200, "text/plain; version=0.0.4; charset=utf-8", r->reply.data, r->reply.len);
    char code[32];
    reply_code(&r->reply, code, sizeof code);
    rg_metrics_request(h->metrics, r->op, code, uv_hrtime() - r->t0);
    /* A revoked actor's sessions end with its first refused request. */
    if (strcmp(code, "unauthorized") == 0 && r->token[0]) rg_sessions_end_token(h->sessions, r->token);
    unsigned status = rg_http_status_of(code);
    rg_buf j = RG_BUF_INIT;
    if (r->route == RT_SESSION_OPEN && status == 200) {
        char sid[RG_SESSION_ID_LEN + 1], csrf[RG_SESSION_ID_LEN + 1];
        if (!rg_sessions_open(h->sessions, r->token, sid, csrf)) {
            rg_metrics_refused(h->metrics, RG_REFUSE_SESSIONS);
            return rg_http_error(r, RG_EOVERLOAD, "too many sessions open; try again later");
        }
        /* {ok, csrf, <whoami's fields>} */
        rg_json_from_msgpack(&j, r->reply.data, r->reply.len);
        char head[120];
        int hn = snprintf(head, sizeof head, "{\"csrf\":\"%s\",", csrf);
        rg_buf body = RG_BUF_INIT;
        rg_buf_append(&body, head, (size_t)hn);
        rg_buf_append(&body, j.data + 1, j.len - 1);
        struct MHD_Response *resp = MHD_create_response_from_buffer(body.len, body.data, MHD_RESPMEM_MUST_COPY);
        rg_buf_free(&body);
        rg_buf_free(&j);
        if (!resp) return MHD_NO;
        MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
        char cookie[200];
        snprintf(cookie, sizeof cookie, COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s", sid,
                 h->tls ? "; Secure" : "");
        MHD_add_response_header(resp, "Set-Cookie", cookie);
        return rg_http_queue(r, 200, resp);
    }
    if (rg_json_from_msgpack(&j, r->reply.data, r->reply.len) < 0) {
        rg_buf_free(&j);
        return rg_http_error(r, RG_ESTORAGE, "the engine's reply could not be read");
    }
    enum MHD_Result rc = rg_http_answer(r, status, (const char *)j.data, j.len);
    rg_buf_free(&j);
    return rc;
}

static enum MHD_Result body_done(hreq *r)
{
    rg_http *h = r->h;
    r->t0 = uv_hrtime();
    if (r->too_big) {
        rg_metrics_refused(h->metrics, RG_REFUSE_BODY);
        return rg_http_error_as(r, 413, RG_EBADREQ, "the body is larger than 1 MiB");
    }
    switch (r->route) {
    case RT_API: return api_body_done(r);
    case RT_SESSION_OPEN: return session_open(r);
    case RT_SESSION_END: return session_end(r);
    case RT_METRICS: return to_loop(r, run_metrics);
    case RT_OPENAPI: {
        rg_buf b = RG_BUF_INIT;
        rg_openapi_render(&b);
        enum MHD_Result rc = plain(r, 200, "application/json; charset=utf-8", b.data, b.len);
        rg_buf_free(&b);
        return rc;
    }
    case RT_FEED:
    case RT_ALERTS: {
        enum MHD_Result rc;
        if (credentials(r, false, &rc)) return rc;
        uint64_t after = 0;
        const char *last = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Last-Event-ID");
        const char *q = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "after");
        const char *a = last ? last : q;
        if (a) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(a, &end, 10);
            if (!*a || *end || errno || a[0] == '-')
                return rg_http_error(r, RG_EBADREQ, "Last-Event-ID and after must be a whole number");
            after = v;
        }
        return rg_sse_begin(h, r, r->route == RT_ALERTS, after);
    }
    default: return rg_http_static(h, r, (const char *)r->body.data);
    }
}

/* --tls-ca over HTTPS: the peer gave a certificate (libmicrohttpd asks for
 * one when it has the CA) and GnuTLS verified it against the CA.  Checked
 * per request, before anything else is read: a peer without one learns
 * nothing but that it needs one. */
static bool client_cert_ok(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (!ci || !ci->tls_session) return false;
    gnutls_session_t s = (gnutls_session_t)ci->tls_session;
    unsigned int n = 0, status = 0;
    if (gnutls_certificate_type_get(s) != GNUTLS_CRT_X509 || !gnutls_certificate_get_peers(s, &n) || n == 0)
        return false;
    return gnutls_certificate_verify_peers2(s, &status) == GNUTLS_E_SUCCESS && status == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    rg_http *h = cls;
    hreq *r = *con_cls;
    if (!r) {
        r = rg_calloc(1, sizeof *r);
        r->h = h;
        r->conn = c;
        *con_cls = r;
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        if (ci && ci->socket_context) {
            atomic_store(&((conn_rec *)ci->socket_context)->active, 1);
            atomic_store(&((conn_rec *)ci->socket_context)->line_seen, false);
        }
        r->body_t0 = uv_hrtime();
        if (atomic_load(&h->stopping)) return rg_http_error(r, RG_EOVERLOAD, "the engine is shutting down");
        if (h->client_cert && !client_cert_ok(c))
            return rg_http_error(r, RG_EFORBIDDEN, "a client certificate signed by the engine's --tls-ca CA "
                                                   "is required");
        if (atomic_load(&h->conns) > h->max_conns) {
            rg_metrics_refused(h->metrics, RG_REFUSE_CONNECTIONS);
            return rg_http_error(r, RG_EOVERLOAD, "too many connections; try again later");
        }
        bool method_ok;
        r->route = route_of(method, url, r, &method_ok);
        if (r->route < 0) return rg_http_error(r, RG_ENOTFOUND, "no such resource");
        if (!method_ok) {
            static const char body[] = "{\"ok\":false,\"error\":\"bad_request\",\"message\":\"method not allowed\"}";
            r->op[0] = 0;
            return plain(r, 405, "application/json; charset=utf-8", body, sizeof body - 1);
        }
        if (r->route == RT_STATIC) {
            /* The path is kept for the final call. */
            rg_buf_append(&r->body, url, strlen(url) + 1);
        }
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > RG_HTTP_BODY_MAX) {
            rg_metrics_refused(h->metrics, RG_REFUSE_BODY);
            return rg_http_error_as(r, 413, RG_EBADREQ, "the body is larger than 1 MiB");
        }
        return MHD_YES;
    }
    int st = atomic_load(&r->state);
    if (st == R_READING && *upload_size) {
        /* A body that trickles in (slowloris) keeps the idle time-out from
         * ever firing: after IDLE_S it must keep BODY_MIN_RATE bytes/s. */
        r->body_got += *upload_size;
        uint64_t allowed = (uint64_t)h->idle_s * 1000000000ull + r->body_got * (1000000000ull / BODY_MIN_RATE);
        if (uv_hrtime() - r->body_t0 > allowed) {
            /* libmicrohttpd takes no response while a body is arriving:
             * the 408 goes out by hand and the connection is closed. */
            *upload_size = 0;
            rg_metrics_refused(h->metrics, RG_REFUSE_SLOW_BODY);
            const union MHD_ConnectionInfo *fi = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
            if (fi && !h->tls) send_408(fi->connect_fd, "the body came too slowly; send it again at once");
            rg_metrics_status(h->metrics, 408);
            atomic_store(&r->state, R_ANSWERED);
            return MHD_NO;
        }
        if (r->route == RT_STATIC || r->body.len + *upload_size > RG_HTTP_BODY_MAX) {
            r->too_big = true;
            rg_buf_free(&r->body);
        } else {
            rg_buf_append(&r->body, upload, *upload_size);
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (st == R_READING) {
        return body_done(r);
    }
    if (st == R_DONE) {
        if (r->route == RT_FEED || r->route == RT_ALERTS) return rg_sse_begin(h, r, r->stream_kind, r->after);
        return finish(r);
    }
    /* Resumed with nothing new (never expected): keep waiting. */
    (void)version;
    return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    rg_http *h = cls;
    hreq *r = *con_cls;
    if (toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED) rg_metrics_refused(h->metrics, RG_REFUSE_TIMEOUT);
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    if (ci && ci->socket_context) {
        conn_rec *cr = ci->socket_context;
        atomic_store(&cr->last, uv_hrtime());
        atomic_store(&cr->active, 0);
    }
    if (!r) return;
    /* Never freed while the loop holds it: a suspended connection is not
     * completed, and the loop resumes only after it let go. */
    RG_ASSERT(atomic_load(&r->state) != R_ENGINE);
    rg_buf_free(&r->body);
    rg_buf_free(&r->msg);
    rg_buf_free(&r->reply);
    rg_wipe(r->token, sizeof r->token);
    free(r);
    *con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    rg_http *h = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        conn_rec *cr = rg_calloc(1, sizeof *cr);
        atomic_store(&cr->last, uv_hrtime());
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        cr->fd = ci ? ci->connect_fd : -1;
        uv_mutex_lock(&h->conns_lock);
        cr->next = h->conn_list;
        if (cr->next) cr->next->prev = cr;
        h->conn_list = cr;
        uv_mutex_unlock(&h->conns_lock);
        *socket_context = cr;
        atomic_fetch_add(&h->conns, 1);
        rg_metrics_connections(h->metrics, 1);
        return;
    }
    conn_rec *cr = *socket_context;
    if (!cr) return;
    uv_mutex_lock(&h->conns_lock);
    if (cr->prev) cr->prev->next = cr->next;
    else h->conn_list = cr->next;
    if (cr->next) cr->next->prev = cr->prev;
    bool cut = cr->cut;
    uv_mutex_unlock(&h->conns_lock);
    /* Closed while idle for the whole time-out (headers never finished,
     * or kept open between requests): libmicrohttpd's time-out did it. */
    if (!cut && !atomic_load(&cr->active) &&
        uv_hrtime() - atomic_load(&cr->last) + 100000000ull >= (uint64_t)h->idle_s * 1000000000ull)
        rg_metrics_refused(h->metrics, RG_REFUSE_TIMEOUT);
    free(cr);
    *socket_context = NULL;
    atomic_fetch_sub(&h->conns, 1);
    rg_metrics_connections(h->metrics, -1);
}

/* The first line of a request has arrived (libmicrohttpd's URI log hook):
 * from now on the connection is sending a request, not idling. */
static void *on_request_line(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)uri;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    if (ci && ci->socket_context) atomic_store(&((conn_rec *)ci->socket_context)->line_seen, true);
    return NULL;
}

/* The watchdog of slow requests, once a second on the loop.  libmicrohttpd's
 * time-out is an idle one: headers that trickle in a byte at a time
 * (slowloris) reset it forever.  A connection with no request under way
 * whose headers are not complete IDLE_S (and a second's slack, so an idle
 * keep-alive connection is libmicrohttpd's to close) after it opened or
 * answered its last request is cut off: with 408 when its request had begun
 * over plain HTTP (under TLS the bytes would have to be the session's), then
 * shut down, so libmicrohttpd sees it end and cleans up. */
static void slow_tick(rg_http *h)
{
    uint64_t now = uv_hrtime(), limit = ((uint64_t)h->idle_s + 1) * 1000000000ull;
    uv_mutex_lock(&h->conns_lock);
    for (conn_rec *cr = h->conn_list; cr; cr = cr->next) {
        if (cr->cut || cr->fd < 0 || atomic_load(&cr->active) || now - atomic_load(&cr->last) < limit) continue;
        cr->cut = true;
        bool begun = atomic_load(&cr->line_seen);
        if (begun && !h->tls) send_408(cr->fd, "the headers came too slowly; send them at once");
        shutdown(cr->fd, SHUT_RDWR);
        rg_metrics_refused(h->metrics, begun ? RG_REFUSE_SLOW_HEADERS : RG_REFUSE_TIMEOUT);
        if (begun) rg_metrics_status(h->metrics, 408);
    }
    uv_mutex_unlock(&h->conns_lock);
}

/* libmicrohttpd's own messages: never a token (it logs no headers). */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n && line[n - 1] == '\n') line[--n] = 0;
    /* A reader that went away (a closed tab, curl stopped): not news. */
    if (strstr(line, "no longer available")) return;
    fprintf(stderr, "regied: http: %s\n", line);
}

/* ---- start, tick, stop ---- */

static void tick_cb(uv_timer_t *t)
{
    rg_sse_tick(t->data);
    slow_tick(t->data);
}

static int parse_addr(const char *addr, struct sockaddr_storage *ss, bool *v6)
{
    char host[256];
    const char *colon = strrchr(addr, ':');
    if (!colon || colon == addr || !colon[1]) return -1;
    size_t hn = (size_t)(colon - addr);
    if (hn >= sizeof host) return -1;
    memcpy(host, addr, hn);
    host[hn] = 0;
    if (host[0] == '[' && hn > 2 && host[hn - 1] == ']') {
        memmove(host, host + 1, hn - 2);
        host[hn - 2] = 0;
    }
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535) return -1;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *res;
    if (getaddrinfo(host, colon + 1, &hints, &res) != 0 || !res) return -1;
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *v6 = res->ai_family == AF_INET6;
    freeaddrinfo(res);
    return 0;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    rg_buf b = RG_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < (1u << 20)) rg_buf_append(&b, chunk, n);
    fclose(f);
    rg_buf_put_u8(&b, 0);
    return (char *)b.data;
}

/* The browser app's files: --web-root, else beside the binary (bin/ of the
 * source tree: ../web; sbin/ of an installation: ../share/regie/web). */
static void find_web_root(rg_http *h, const char *given)
{
    if (given) {
        snprintf(h->web_root, sizeof h->web_root, "%s", given);
        return;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    h->web_root[0] = 0;
    if (n <= 0) return;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash) return;
    *slash = 0;
    static const char *const tries[] = {"/../share/regie/web", "/../web", "/../../../web"};
    for (size_t i = 0; i < sizeof tries / sizeof *tries; i++) {
        char p[PATH_MAX + 64], idx[PATH_MAX + 96];
        snprintf(p, sizeof p, "%s%s", exe, tries[i]);
        snprintf(idx, sizeof idx, "%s/index.html", p);
        if (access(idx, R_OK) == 0 && realpath(p, h->web_root)) return;
    }
    h->web_root[0] = 0;
}

int rg_http_open(rg_http **out, uv_loop_t *loop, rg_engine *e, const rg_http_opts *o)
{
    *out = NULL;
    struct sockaddr_storage ss;
    bool v6 = false;
    if (parse_addr(o->addr, &ss, &v6) < 0) {
        fprintf(stderr, "regied: --http takes ADDR:PORT (or off), not %s\n", o->addr);
        return RG_EBADREQ;
    }
    rg_http *h = rg_calloc(1, sizeof *h);
    h->loop = loop;
    h->e = e;
    h->idle_s = env_num("REGIE_HTTP_IDLE_S", IDLE_S);
    h->max_conns = env_num("REGIE_HTTP_MAX_CONNS", MAX_CONNS);
    h->sessions = rg_sessions_new(env_num("REGIE_HTTP_SESSION_IDLE_S", SESSION_IDLE_S),
                                  env_num("REGIE_HTTP_SESSION_MAX_S", SESSION_MAX_S), SESSIONS_MAX);
    RG_ASSERT(o->metrics);
    h->metrics = o->metrics;
    find_web_root(h, o->web_root);
    char *pem = NULL;
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (v6) flags |= MHD_USE_IPv6;
    if (o->tls_cert_key) {
        if (!(pem = read_file(o->tls_cert_key))) {
            fprintf(stderr, "regied: --tls-cert-key %s: %s\n", o->tls_cert_key, strerror(errno));
            rg_sessions_free(h->sessions);
            free(h);
            return RG_EBADREQ;
        }
        flags |= MHD_USE_TLS;
        h->tls = true;
    }
    char *ca = NULL;
    if (pem && o->tls_ca) {
        if (!(ca = read_file(o->tls_ca))) {
            fprintf(stderr, "regied: --tls-ca %s: %s\n", o->tls_ca, strerror(errno));
            rg_wipe(pem, strlen(pem));
            free(pem);
            rg_sessions_free(h->sessions);
            free(h);
            return RG_EBADREQ;
        }
        h->client_cert = true;
    }
    uv_mutex_init(&h->lock);
    uv_mutex_init(&h->conns_lock);
    uv_async_init(loop, &h->wake, wake_cb);
    h->wake.data = h;
    struct MHD_OptionItem tls_opts[] = {
        {MHD_OPTION_HTTPS_MEM_KEY, 0, pem},
        {MHD_OPTION_HTTPS_MEM_CERT, 0, pem},
        {ca ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END, 0, ca},
        {MHD_OPTION_END, 0, NULL},
    };
    h->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, h,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)h->idle_s,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)(h->max_conns + 64),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MEMORY_PER_CONN,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
        MHD_OPTION_URI_LOG_CALLBACK, on_request_line, h,
        MHD_OPTION_ARRAY, pem ? tls_opts : tls_opts + 3,
        MHD_OPTION_END);
    if (pem) {
        rg_wipe(pem, strlen(pem));
        free(pem);
    }
    free(ca);
    if (!h->d) {
        fprintf(stderr, "regied: cannot serve HTTP on %s (in use, or not an address of this host%s)\n",
                o->addr, o->tls_cert_key ? ", or the certificate and key are not usable" : "");
        uv_mutex_lock(&h->lock);
        h->closing = true;
        uv_mutex_unlock(&h->lock);
        uv_close((uv_handle_t *)&h->wake, NULL);
        uv_run(loop, UV_RUN_NOWAIT);
        uv_mutex_destroy(&h->lock);
        uv_mutex_destroy(&h->conns_lock);
        rg_sessions_free(h->sessions);
        free(h);
        return RG_EBADREQ;
    }
    uv_timer_init(loop, &h->tick);
    h->tick.data = h;
    uv_timer_start(&h->tick, tick_cb, TICK_MS, TICK_MS);
    if (!h->web_root[0])
        fprintf(stderr, "regied: the browser app's files were not found; / answers 404 (see --web-root)\n");
    *out = h;
    return 0;
}

void rg_http_notify(void *ud, const rg_notice *n)
{
    rg_sse_notify(ud, n);
}

static void handle_closed(uv_handle_t *hd)
{
    rg_http *h = hd->data;
    if (--h->handles_open > 0) return;
    void (*done)(void *) = h->done_cb;
    void *ud = h->done_ud;
    uv_mutex_destroy(&h->lock);
    uv_mutex_destroy(&h->conns_lock);
    rg_sessions_free(h->sessions);
    free(h);
    if (done) done(ud);
}

static void drain_tick(uv_timer_t *t)
{
    rg_http *h = t->data;
    rg_sse_pump_all(h);
    bool late = uv_now(h->loop) - h->drain_started > DRAIN_LIMIT_MS;
    if ((h->in_engine > 0 || h->nstreams > 0 || atomic_load(&h->suspended) > 0) && !late) return;
    uv_timer_stop(t);
    if (h->in_engine > 0) {
        /* The engine still holds requests past the limit (a commit that
         * does not finish): their connections stay suspended, and
         * libmicrohttpd may not be stopped under them. */
        fprintf(stderr, "regied: http: %zu requests unanswered at shutdown\n", h->in_engine);
    } else {
        MHD_stop_daemon(h->d);
    }
    uv_mutex_lock(&h->lock);
    h->closing = true;
    uv_mutex_unlock(&h->lock);
    h->handles_open = 2;
    uv_close((uv_handle_t *)&h->wake, handle_closed);
    uv_close((uv_handle_t *)&h->tick, handle_closed);
}

void rg_http_shutdown(rg_http *h, void (*done_cb)(void *), void *ud)
{
    if (atomic_exchange(&h->stopping, true)) return;
    h->done_cb = done_cb;
    h->done_ud = ud;
    h->drain_started = uv_now(h->loop);
    /* Nothing new is taken: libmicrohttpd stops listening, the requests
     * in the engine are answered, every stream ends. */
    MHD_quiesce_daemon(h->d);
    rg_engine_unpark_all(h->e);
    rg_sse_end_all(h);
    uv_timer_stop(&h->tick);
    uv_timer_start(&h->tick, drain_tick, 0, 5);
}
