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

/* How a tls+tcp:// dial proves who the engine is, and who we are. */
typedef struct rg_tls_opts {
    const char *ca_file;        /* the CA the engine's certificate must chain to */
    const char *server_name;    /* the name it must carry; NULL: the URL's host */
    const char *cert_key_file;  /* our certificate and key (PEM), for an engine that asks
                                   for one (regied --tls-ca); NULL: none */
} rg_tls_opts;

/* The name a tls+ dial of url checks the engine's certificate against:
 * override, else the URL's host.  -1 (why says so) when the host is an IP
 * address and there is no override: nng 1.5.2's TLS (mbedTLS) checks DNS
 * names only, so an IP would never match a certificate honestly, and
 * checking against anything else would accept any server. */
int rg_tls_server_name(const char *url, const char *override, char *out, size_t cap, const char **why);

/* Create, configure (for tls+ URLs: CA, server name, our certificate) and
 * start (non-blocking: nng redials) a dialer of socket sock (an
 * nng_socket's id, so this header needs no nng) to url; for a tcp:// or
 * tls+tcp:// host name that resolves to several addresses (localhost: ::1
 * and 127.0.0.1), one dialer to each of them (at most 4), as nng itself
 * dials only the first.  0, or a negative
 * nng error with *why saying what was wrong when it is ours. */
int rg_client_dial(uint32_t sock, const char *url, const rg_tls_opts *tls, const char **why);

/* Dial url (tcp://, ipc://, tls+tcp:// with tls; tls may be NULL).  Replies
 * are awaited up to timeout_ms. */
int rg_client_open(rg_client **out /* OUT */, const char *url, int timeout_ms, const rg_tls_opts *tls);
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
