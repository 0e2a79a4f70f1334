/*
 * http_conn.h - the HTTP face's connections (http_conn.c): handing work to the loop,
 * suspending and resuming a connection, and answering a request.
 */
#ifndef RG_HTTP_CONN_H
#define RG_HTTP_CONN_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "http_int.h"

/* Hand j to the loop; false when the HTTP face is closing (j not taken). */
bool rg_http_post(rg_http *h, hjob *j);
/* Suspend c (on the HTTP thread, from its handler) / resume it (any thread). */
void rg_http_suspend(rg_http *h, struct MHD_Connection *c);
void rg_http_resume(rg_http *h, struct MHD_Connection *c);

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

#endif
