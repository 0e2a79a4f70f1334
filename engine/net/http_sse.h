/*
 * http_sse.h - the notification streams (http_sse.c): Server-Sent Events of the feed
 * and alerts, woken by the engine's notices.
 */
#ifndef RG_HTTP_SSE_H
#define RG_HTTP_SSE_H

#include <microhttpd.h>
#include <stdint.h>

#include "http_int.h"

/* GET /api/v1/feed or /alerts with token, from `after`: on the HTTP
 * thread; queues the answer (a stream, or an error once the loop has
 * checked the token) and returns MHD's result. */
enum MHD_Result rg_sse_begin(rg_http *h, hreq *r, int kind, uint64_t after);
/* The loop's side. */
void rg_sse_notify(rg_http *h, const rg_notice *n);
void rg_sse_pump_all(rg_http *h);
void rg_sse_tick(rg_http *h);
void rg_sse_end_all(rg_http *h);    /* shutdown: every stream ends */

#endif
