/*
 * client.h - a blocking nng REQ client for regied, used by the `regie` tool
 * and the integration tests; and a helper that writes the request envelope.
 *
 * Ownership: replies are malloc'd and belong to the caller (free()).
 */
#ifndef RG_CLIENT_H
#define RG_CLIENT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "../engine/storage/buf.h"

typedef struct rg_client rg_client;

/* Dial url (tcp://, ipc://, tls+tcp:// with ca_file for the server's CA;
 * ca_file may be NULL).  Replies are awaited up to timeout_ms. */
int rg_client_open(rg_client **out /* OUT */, const char *url, int timeout_ms, const char *ca_file);
void rg_client_close(rg_client *c);
/* Send one request, wait for its reply.  0, or a negative nng error code
 * (as -NNG_E*) with rg_client_strerror giving its text. */
int rg_client_call(rg_client *c, const void *req, size_t n, uint8_t **reply /* OUT */,
                   size_t *rn /* OUT */);
/* The same, giving up (-NNG_ECANCELED) as soon as *stop becomes non-zero,
 * e.g. set by a signal handler while a long poll waits. */
int rg_client_call_until(rg_client *c, const void *req, size_t n, uint8_t **reply /* OUT */,
                         size_t *rn /* OUT */, volatile sig_atomic_t *stop);
const char *rg_client_strerror(int rc);

/* Write the request envelope {op, token, [req], [case], [expect], [data]}.
 * With ndata >= 0 a data map of ndata pairs is opened, which the caller then
 * writes; with ndata < 0 there is no data key.  expect < 0 means none. */
void rg_req_envelope(rg_buf *b, const char *op, const char *token, const char *req,
                     const char *case_id, int64_t expect, int ndata);

#endif
