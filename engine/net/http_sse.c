/*
 * http_sse.c - the live feeds as Server-Sent Events: GET /api/v1/feed and
 * /api/v1/alerts (CONTRACT.md "HTTP").
 *
 * A stream is a reader of the public API, as a partner's own program would
 * be: on the loop it asks the engine `feed.read` {after, limit} or
 * `alerts.list` {after, limit} with the caller's token, through
 * rg_engine_submit like every request, so it sees exactly what the access
 * rules let that caller see.  It asks again when a durable event carries its
 * topic (notify.topics, as the nng notifications), and checks the token
 * every AUTH_MS with `notify.topics`: a revoked actor's stream ends with an
 * `error` message.  `id:` of each message is the position to resume from
 * (the event's seq, the alert's number), so `Last-Event-ID` or `?after=`
 * resumes gaplessly, also across restarts: the record is the log.
 *
 * Memory: a stream asks for the next page only when the bytes it holds for
 * its reader are below LOW_WATER, so a slow reader is caught up from the
 * log page by page and never holds events without bound; the engine and
 * the other readers never wait for it.  The HTTP thread turns the pages
 * (msgpack) into text as the reader takes them.
 *
 * Threads: the loop owns the list and the fields marked "loop"; the HTTP
 * thread reads the bytes through the reader callback; the two meet under
 * the stream's mutex.  A stream is freed by the loop once libmicrohttpd let
 * go of it (`closed`) and no request of it is in the engine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_sse.h"
#include "../storage/codec.h"
#include "../storage/crypto.h"
#include "../storage/errors.h"
#include "http_int.h"
#include "http_json.h"
#include "../core/reply.h"
#include "http_conn.h"

#define PAGE 200
#define LOW_WATER (64 * 1024)
#define AUTH_MS 5000
#define HEARTBEAT_MS 10000     /* the contract: a comment at least every 15 s */

enum { Q_NONE, Q_AUTH, Q_PAGE };

struct rg_stream {
    hjob job;
    rg_http *h;
    hreq *r;                   /* while opening: the request waiting for the check */
    int kind;                  /* 0 feed, 1 alerts */
    char token[RG_TOKEN_MAX];
    char topic[128];
    /* loop */
    rg_stream *next, *prev;
    uint64_t after;
    int query;                 /* Q_*: what is in the engine */
    bool dirty;                /* there may be more to read */
    bool over;                 /* ended: no more queries */
    bool listed;
    uint64_t last_auth, last_write;
    rg_buf msg;
    /* under mu */
    uv_mutex_t mu;
    struct MHD_Connection *conn;
    rg_buf raw;                /* pages (msgpack), each behind a be32 length */
    rg_buf text;               /* ready for the reader */
    size_t text_off;
    rg_buf end;                /* the last message, once the stream is over */
    bool end_pending, end_sent;
    bool suspended, closed;
};

static atomic_long nstreams_any;   /* streams opened and not freed, for the cap */

static void kick(rg_http *h)
{
    atomic_store(&h->kick, true);
    uv_mutex_lock(&h->lock);
    if (!h->closing) uv_async_send(&h->wake);
    uv_mutex_unlock(&h->lock);
}

static void stream_free(rg_stream *s)
{
    rg_buf_free(&s->msg);
    rg_buf_free(&s->raw);
    rg_buf_free(&s->text);
    rg_buf_free(&s->end);
    rg_wipe(s->token, sizeof s->token);
    uv_mutex_destroy(&s->mu);
    atomic_fetch_sub(&nstreams_any, 1);
    free(s);
}

static void unlink_stream(rg_http *h, rg_stream *s)
{
    if (!s->listed) return;
    if (s->prev) s->prev->next = s->next; else h->streams = s->next;
    if (s->next) s->next->prev = s->prev;
    s->listed = false;
    h->nstreams--;
}

/* ---- the HTTP thread: the reader ---- */

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    rg_stream *s = cls;
    uv_mutex_lock(&s->mu);
    if (s->text_off == s->text.len && s->raw.len) {
        /* Turn the pages into text outside the lock. */
        rg_buf raw = s->raw;
        s->raw = (rg_buf)RG_BUF_INIT;
        rg_buf_reset(&s->text);
        s->text_off = 0;
        uv_mutex_unlock(&s->mu);
        rg_buf text = RG_BUF_INIT;
        uint64_t sent = 0;
        for (size_t off = 0; off + 4 <= raw.len;) {
            uint32_t n = rg_be32_get(raw.data + off);
            int c = rg_json_sse(&text, raw.data + off + 4, n, s->kind ? "alerts" : "events",
                                s->kind ? "alert" : "seq");
            if (c > 0) sent += (uint64_t)c;
            off += 4 + n;
        }
        rg_buf_free(&raw);
        rg_metrics_sse_events(s->h->metrics, sent);
        kick(s->h);                          /* room for the next page */
        uv_mutex_lock(&s->mu);
        /* The loop may have added a heartbeat meanwhile: keep it after. */
        rg_buf_append(&text, s->text.data + s->text_off, s->text.len - s->text_off);
        rg_buf_free(&s->text);
        s->text = text;
        s->text_off = 0;
    }
    if (s->text_off == s->text.len && s->end_pending && !s->raw.len) {
        rg_buf_reset(&s->text);
        rg_buf_append(&s->text, s->end.data, s->end.len);
        s->text_off = 0;
        s->end_pending = false;
        s->end_sent = true;
    }
    if (s->text_off < s->text.len) {
        size_t n = s->text.len - s->text_off;
        if (n > max) n = max;
        memcpy(buf, s->text.data + s->text_off, n);
        s->text_off += n;
        uv_mutex_unlock(&s->mu);
        return (ssize_t)n;
    }
    if (s->end_sent) {
        uv_mutex_unlock(&s->mu);
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    /* Nothing to say: wait for the loop (allowed from a reader callback). */
    s->suspended = true;
    rg_http_suspend(s->h, s->conn);
    uv_mutex_unlock(&s->mu);
    (void)pos;
    return 0;
}

static void reader_done(void *cls)
{
    rg_stream *s = cls;
    uv_mutex_lock(&s->mu);
    s->closed = true;
    s->conn = NULL;
    uv_mutex_unlock(&s->mu);
    rg_metrics_streams(s->h->metrics, s->kind, -1);
    kick(s->h);
}

/* ---- the loop: feeding a stream ---- */

/* Hand bytes to the reader (text, or a page), waking it if it waits. */
static void give(rg_stream *s, const void *p, size_t n, bool page)
{
    uv_mutex_lock(&s->mu);
    if (!s->closed) {
        if (page) {
            rg_buf_put_be32(&s->raw, (uint32_t)n);
            rg_buf_append(&s->raw, p, n);
        } else {
            rg_buf_append(&s->text, p, n);
        }
        if (s->suspended) {
            s->suspended = false;
            rg_http_resume(s->h, s->conn);
        }
    }
    uv_mutex_unlock(&s->mu);
    s->last_write = uv_now(s->h->loop);
}

/* End the stream after what it holds, with a last `event: NAME` message. */
static void finish_stream(rg_stream *s, const char *event, const uint8_t *reply, size_t n)
{
    if (s->over) return;
    s->over = true;
    rg_buf j = RG_BUF_INIT;
    rg_buf_append(&j, "event: ", 7);
    rg_buf_append(&j, event, strlen(event));
    rg_buf_append(&j, "\ndata: ", 7);
    if (reply) rg_json_from_msgpack(&j, reply, n); else rg_buf_append(&j, "{}", 2);
    rg_buf_append(&j, "\n\n", 2);
    uv_mutex_lock(&s->mu);
    if (!s->closed) {
        rg_buf_free(&s->end);
        s->end = j;
        j = (rg_buf)RG_BUF_INIT;
        s->end_pending = true;
        if (s->suspended) {
            s->suspended = false;
            rg_http_resume(s->h, s->conn);
        }
    }
    uv_mutex_unlock(&s->mu);
    rg_buf_free(&j);
}

static void pump(rg_stream *s);

static void stream_reply(void *ud, const uint8_t *p, size_t n)
{
    rg_stream *s = ud;
    rg_http *h = s->h;
    h->in_engine--;
    int q = s->query;
    s->query = Q_NONE;
    rg_doc *d;
    const char *why;
    bool ok = false;
    char code[32] = "storage_error";
    if (rg_doc_parse(&d, p, n, &why) == 0) {
        const rg_val *root = rg_doc_root(d);
        if (!rg_val_bool(rg_map_get(root, "ok"), &ok)) ok = false;
        if (!ok) rg_val_strcpy(rg_map_get(root, "error"), code, sizeof code);
        if (ok && q == Q_AUTH) {
            rg_val_strcpy(rg_map_get(root, s->kind ? "alerts" : "feed"), s->topic, sizeof s->topic);
            s->last_auth = uv_now(h->loop);
        }
        if (ok && q == Q_PAGE) {
            uint64_t next = s->after;
            rg_val_uint(rg_map_get(root, "next"), &next);
            uint32_t count = rg_array_size(rg_map_get(root, s->kind ? "alerts" : "events"));
            if (next > s->after) s->after = next;
            if (count) give(s, p, n, true);
            /* A full page: there is more. */
            if (count >= PAGE) s->dirty = true;
        }
        rg_doc_free(d);
    }
    if (s->r) {
        /* The check before the stream opens: its answer is the status. */
        hreq *r = s->r;
        s->r = NULL;
        if (!ok) {
            rg_buf_reset(&r->reply);
            rg_buf_append(&r->reply, p, n);
            s->over = true;
        }
        atomic_store(&r->state, R_DONE);
        rg_http_resume(h, r->conn);
        if (!ok) {
            /* Never opened: no reader will call back. */
            unlink_stream(h, s);
            stream_free(s);
            return;
        }
    } else if (!ok) {
        if (strcmp(code, "overloaded") == 0 || strcmp(code, "storage_error") == 0) {
            if (q == Q_PAGE) s->dirty = true;      /* try again at the next tick */
            return;
        }
        /* unauthorized (revoked), forbidden: the stream ends, saying why. */
        if (strcmp(code, "unauthorized") == 0) rg_sessions_end_token(h->sessions, s->token);
        finish_stream(s, "error", p, n);
    }
    pump(s);
}

static void submit(rg_stream *s, int q)
{
    rg_http *h = s->h;
    rg_buf_reset(&s->msg);
    if (q == Q_AUTH) {
        rg_w_map(&s->msg, 2);
        rg_w_kstr(&s->msg, "op", "notify.topics");
        rg_w_kstr(&s->msg, "token", s->token);
    } else {
        rg_w_map(&s->msg, 3);
        rg_w_kstr(&s->msg, "op", s->kind ? "alerts.list" : "feed.read");
        rg_w_kstr(&s->msg, "token", s->token);
        rg_w_cstr(&s->msg, "data");
        /* Every alert once, in number order (resolved and acknowledged ones
         * too, saying so): the stream is the record, without gaps. */
        rg_w_map(&s->msg, s->kind ? 3 : 2);
        rg_w_kuint(&s->msg, "after", s->after);
        rg_w_kuint(&s->msg, "limit", PAGE);
        if (s->kind) rg_w_kbool(&s->msg, "all", true);
    }
    s->query = q;
    h->in_engine++;
    rg_engine_submit(h->e, s->msg.data, s->msg.len, stream_reply, s);
}

static void pump(rg_stream *s)
{
    rg_http *h = s->h;
    uv_mutex_lock(&s->mu);
    bool closed = s->closed;
    size_t held = s->raw.len + (s->text.len - s->text_off);
    uv_mutex_unlock(&s->mu);
    if (closed) {
        if (s->query == Q_NONE && !s->r) {
            unlink_stream(h, s);
            stream_free(s);
        }
        return;
    }
    if (s->over || s->query != Q_NONE || s->r) return;
    if (!s->topic[0] || uv_now(h->loop) - s->last_auth >= AUTH_MS) submit(s, Q_AUTH);
    else if (s->dirty && held < LOW_WATER) {
        s->dirty = false;
        submit(s, Q_PAGE);
    }
}

static void run_open(hjob *j)
{
    rg_stream *s = (rg_stream *)j;
    rg_http *h = s->h;
    s->listed = true;
    s->next = h->streams;
    if (h->streams) h->streams->prev = s;
    h->streams = s;
    h->nstreams++;
    if (atomic_load(&h->stopping)) {
        hreq *r = s->r;
        s->r = NULL;
        rg_buf_reset(&r->reply);
        rg_error_reply(&r->reply, RG_EOVERLOAD, "the engine is shutting down");
        atomic_store(&r->state, R_DONE);
        rg_http_resume(h, r->conn);
        unlink_stream(h, s);
        stream_free(s);
        return;
    }
    submit(s, Q_AUTH);
}

void rg_sse_pump_all(rg_http *h)
{
    for (rg_stream *s = h->streams, *next; s; s = next) {
        next = s->next;
        pump(s);
    }
}

void rg_sse_notify(rg_http *h, const rg_notice *n)
{
    if (!h->streams) return;
    for (rg_stream *s = h->streams, *next; s; s = next) {
        next = s->next;
        if (!s->topic[0]) continue;
        for (const char *t = n->topics; *t; t += strlen(t) + 1)
            if (strcmp(t, s->topic) == 0) {
                s->dirty = true;
                pump(s);
                break;
            }
    }
}

void rg_sse_tick(rg_http *h)
{
    uint64_t now = uv_now(h->loop);
    for (rg_stream *s = h->streams, *next; s; s = next) {
        next = s->next;
        if (!s->over && !s->r && now - s->last_write >= HEARTBEAT_MS) give(s, ": keepalive\n\n", 13, false);
        pump(s);
    }
}

void rg_sse_end_all(rg_http *h)
{
    for (rg_stream *s = h->streams; s; s = s->next) finish_stream(s, "end", NULL, 0);
}

/* ---- opening (the HTTP thread) ---- */

enum MHD_Result rg_sse_begin(rg_http *h, hreq *r, int kind, uint64_t after)
{
    rg_stream *s = r->stream;
    if (!s) {
        if (atomic_load(&nstreams_any) >= h->max_conns) {
            rg_metrics_refused(h->metrics, RG_REFUSE_STREAMS);
            return rg_http_error(r, RG_EOVERLOAD, "too many live streams open; try again later");
        }
        s = rg_calloc(1, sizeof *s);
        atomic_fetch_add(&nstreams_any, 1);
        s->h = h;
        s->r = r;
        s->kind = kind;
        s->after = after;
        s->dirty = true;
        snprintf(s->token, sizeof s->token, "%s", r->token);
        uv_mutex_init(&s->mu);
        s->conn = r->conn;
        s->job.run = run_open;
        r->stream = s;
        r->stream_kind = kind;
        r->after = after;
        snprintf(r->op, sizeof r->op, "%s", kind ? "alerts.list" : "feed.read");
        atomic_store(&r->state, R_ENGINE);
        rg_http_suspend(h, r->conn);
        if (!rg_http_post(h, &s->job)) {
            rg_http_resume(h, r->conn);
            r->stream = NULL;
            uv_mutex_destroy(&s->mu);
            atomic_fetch_sub(&nstreams_any, 1);
            free(s);
            atomic_store(&r->state, R_READING);
            return rg_http_error(r, RG_EOVERLOAD, "the engine is shutting down");
        }
        return MHD_YES;
    }
    /* The loop checked the token: r->reply holds the refusal, if any (the
     * stream is gone then). */
    if (r->reply.len) {
        r->stream = NULL;
        rg_buf j = RG_BUF_INIT;
        rg_json_from_msgpack(&j, r->reply.data, r->reply.len);
        char code[32] = "storage_error";
        rg_doc *d;
        const char *why;
        if (rg_doc_parse(&d, r->reply.data, r->reply.len, &why) == 0) {
            rg_val_strcpy(rg_map_get(rg_doc_root(d), "error"), code, sizeof code);
            rg_doc_free(d);
        }
        if (strcmp(code, "unauthorized") == 0) rg_sessions_end_token(h->sessions, r->token);
        rg_metrics_request(h->metrics, r->op, code, uv_hrtime() - r->t0);
        enum MHD_Result rc = rg_http_answer(r, rg_http_status_of(code), (const char *)j.data, j.len);
        rg_buf_free(&j);
        return rc;
    }
    struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, reader, s,
                                                                  reader_done);
    if (!resp) return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Accel-Buffering", "no");
    /* The heartbeat keeps it alive; the idle time-out is for requests. */
    MHD_set_connection_option(r->conn, MHD_CONNECTION_OPTION_TIMEOUT, 0u);
    rg_metrics_streams(h->metrics, kind, 1);
    rg_metrics_status(h->metrics, 200);
    rg_metrics_request(h->metrics, r->op, "ok", uv_hrtime() - r->t0);
    r->stream = NULL;
    enum MHD_Result rc = MHD_queue_response(r->conn, 200, resp);
    MHD_destroy_response(resp);
    atomic_store(&r->state, R_ANSWERED);
    return rc;
}
