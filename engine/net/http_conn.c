/*
 * http_conn.c - what every part of the HTTP face does with a connection:
 * hand work to the loop, suspend and resume, and answer with the
 * contract's JSON and status (http_int.h).  Below http.c, http_sse.c and
 * http_static.c, which use it and not each other's insides.
 */
#include <string.h>

#include "../storage/codec.h"
#include "../storage/errors.h"
#include "http_conn.h"
#include "http_json.h"
#include "../core/reply.h"

/* ---- handing work to the loop ---- */

bool rg_http_post(rg_http *h, hjob *j)
{
    j->next = NULL;
    uv_mutex_lock(&h->lock);
    if (h->closing) {
        uv_mutex_unlock(&h->lock);
        return false;
    }
    if (h->inbox_tail) h->inbox_tail->next = j; else h->inbox = j;
    h->inbox_tail = j;
    uv_async_send(&h->wake);
    uv_mutex_unlock(&h->lock);
    return true;
}

void rg_http_suspend(rg_http *h, struct MHD_Connection *c)
{
    atomic_fetch_add(&h->suspended, 1);
    MHD_suspend_connection(c);
}

void rg_http_resume(rg_http *h, struct MHD_Connection *c)
{
    MHD_resume_connection(c);
    atomic_fetch_sub(&h->suspended, 1);
}

unsigned rg_http_status_of(const char *code)
{
    static const struct { const char *code; unsigned status; } map[] = {
        {"ok", 200},
        {"bad_request", 400}, {"unknown_op", 400},
        {"unauthorized", 401},
        {"forbidden", 403},
        {"not_found", 404},
        {"version_conflict", 409}, {"invalid_transition", 409}, {"guard_failed", 409},
        {"overloaded", 503}, {"storage_error", 503},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(map[i].code, code) == 0) return map[i].status;
    return 503;
}

static void common_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
}

enum MHD_Result rg_http_queue(hreq *r, unsigned status, struct MHD_Response *resp)
{
    common_headers(resp);
    rg_metrics_status(r->h->metrics, status);
    enum MHD_Result rc = MHD_queue_response(r->conn, status, resp);
    MHD_destroy_response(resp);
    atomic_store(&r->state, R_ANSWERED);
    return rc;
}

enum MHD_Result rg_http_answer(hreq *r, unsigned status, const char *json, size_t n)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(n, (void *)json, MHD_RESPMEM_MUST_COPY);
    if (!resp) return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    return rg_http_queue(r, status, resp);
}

/* The contract's error body with a status of HTTP's own (413). */
enum MHD_Result rg_http_error_as(hreq *r, unsigned status, int err, const char *msg)
{
    rg_buf m = RG_BUF_INIT, j = RG_BUF_INIT;
    rg_error_reply(&m, err, msg);
    rg_json_from_msgpack(&j, m.data, m.len);
    rg_metrics_request(r->h->metrics, r->op[0] ? r->op : NULL, rg_strerror(err), 0);
    enum MHD_Result rc = rg_http_answer(r, status, (const char *)j.data, j.len);
    rg_buf_free(&m);
    rg_buf_free(&j);
    return rc;
}

enum MHD_Result rg_http_error(hreq *r, int err, const char *msg)
{
    rg_buf m = RG_BUF_INIT, j = RG_BUF_INIT;
    rg_error_reply(&m, err, msg);
    rg_json_from_msgpack(&j, m.data, m.len);
    rg_metrics_request(r->h->metrics, r->op[0] ? r->op : NULL, rg_strerror(err),
                       r->t0 ? uv_hrtime() - r->t0 : 0);
    enum MHD_Result rc = rg_http_answer(r, rg_http_status_of(rg_strerror(err)), (const char *)j.data, j.len);
    rg_buf_free(&m);
    rg_buf_free(&j);
    return rc;
}

