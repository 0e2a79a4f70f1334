/* client.c - blocking REQ client; see client.h. */
#include "client.h"

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/util/platform.h>
#include <arpa/inet.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/storage/codec.h"
#include "../engine/net/net.h"

struct rg_client {
    nng_socket sock;
    int timeout_ms;
};

int rg_tls_server_name(const char *url, const char *override, char *out, size_t cap, const char **why)
{
    *why = NULL;
    if (override && *override) {
        snprintf(out, cap, "%s", override);
        return 0;
    }
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    char host[256];
    size_t n;
    if (*p == '[') {                            /* [v6]:port */
        const char *end = strchr(p, ']');
        n = end ? (size_t)(end - p - 1) : 0;
        p++;
    } else {
        n = strcspn(p, ":/");
    }
    if (n == 0 || n >= sizeof host) {
        *why = "the URL names no host to check the engine's certificate against; give --tls-server-name";
        return -1;
    }
    memcpy(host, p, n);
    host[n] = '\0';
    unsigned char addr[16];
    if (inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1) {
        *why = "the URL's host is an IP address, which the TLS library cannot check against a "
               "certificate; give --tls-server-name NAME, the DNS name in the engine's certificate";
        return -1;
    }
    snprintf(out, cap, "%s", host);
    return 0;
}

int rg_client_dial(uint32_t sock, const char *url, const rg_tls_opts *tls, const char **why)
{
    nng_socket s = {sock};
    nng_dialer d;
    *why = NULL;
    bool tls_url = strncmp(url, "tls+", 4) == 0;
    char name[256];
    if (tls_url && rg_tls_server_name(url, tls ? tls->server_name : NULL, name, sizeof name, why) < 0)
        return -NNG_EADDRINVAL;
    int rv = nng_dialer_create(&d, s, url);
    if (rv == 0 && tls_url) {
        /* Every engine is checked against the name it is reached by, never
         * one name for all (issue 20, finding 9). */
        if (tls && tls->ca_file) rv = nng_dialer_set_string(d, NNG_OPT_TLS_CA_FILE, tls->ca_file);
        if (rv == 0) rv = nng_dialer_set_string(d, NNG_OPT_TLS_SERVER_NAME, name);
        if (rv == 0 && tls && tls->cert_key_file)
            rv = nng_dialer_set_string(d, NNG_OPT_TLS_CERT_KEY_FILE, tls->cert_key_file);
        if (rv != 0) *why = "cannot use the TLS files (--tls-ca, --tls-cert-key)";
    }
    if (rv == 0) rv = nng_dialer_start(d, NNG_FLAG_NONBLOCK);
    return -rv;
}

int rg_client_open(rg_client **out, const char *url, int timeout_ms, const rg_tls_opts *tls)
{
    *out = NULL;
    rg_client *c = rg_calloc(1, sizeof *c);
    int rv = nng_req0_open(&c->sock);
    if (rv != 0) {
        free(c);
        return -rv;
    }
    c->timeout_ms = timeout_ms;             /* the reply's aio waits this long */
    nng_socket_set_ms(c->sock, NNG_OPT_SENDTIMEO, timeout_ms);
    /* A request is resent only if the reply does not come in this time: keep
     * it beyond the timeout so a slow reply is never answered twice. */
    nng_socket_set_ms(c->sock, NNG_OPT_REQ_RESENDTIME, timeout_ms * 2 + 1000);
    nng_socket_set_ms(c->sock, NNG_OPT_RECONNMINT, 20);
    nng_socket_set_ms(c->sock, NNG_OPT_RECONNMAXT, 500);
    /* Non-blocking start: the engine may come up after us; nng redials. */
    const char *why;
    rv = -rg_client_dial(nng_socket_id(c->sock), url, tls, &why);
    if (rv != 0) {
        rg_net_close(c->sock, RG_NET_CLOSE_MS);
        free(c);
        return -rv;
    }
    *out = c;
    return 0;
}

void rg_client_close(rg_client *c)
{
    if (!c) return;
    rg_net_close(c->sock, RG_NET_CLOSE_MS);
    free(c);
}

static void on_reply(void *arg) { atomic_store((atomic_bool *)arg, true); }

int rg_client_call_until(rg_client *c, const void *req, size_t n, uint8_t **reply, size_t *rn,
                         volatile sig_atomic_t *stop)
{
    *reply = NULL;
    *rn = 0;
    int rv = nng_send(c->sock, (void *)req, n, 0);
    if (rv != 0) return -rv;
    atomic_bool done = false;
    nng_aio *aio;
    if ((rv = nng_aio_alloc(&aio, on_reply, &done)) != 0) return -rv;
    nng_aio_set_timeout(aio, c->timeout_ms);
    nng_recv_aio(c->sock, aio);
    /* A signal cannot cancel a blocked receive, so a caller that may be
     * stopped (a long-polling tail) looks at its flag while it waits. */
    if (stop)
        while (!atomic_load(&done) && !*stop) nng_msleep(20);
    if (stop && *stop) nng_aio_cancel(aio);
    nng_aio_wait(aio);
    rv = nng_aio_result(aio);
    if (rv == 0) {
        nng_msg *m = nng_aio_get_msg(aio);
        *rn = nng_msg_len(m);
        *reply = rg_malloc(*rn ? *rn : 1);
        memcpy(*reply, nng_msg_body(m), *rn);
        nng_msg_free(m);
    }
    nng_aio_free(aio);
    return -rv;
}

int rg_client_call(rg_client *c, const void *req, size_t n, uint8_t **reply, size_t *rn)
{
    return rg_client_call_until(c, req, n, reply, rn, NULL);
}

const char *rg_client_strerror(int rc) { return nng_strerror(-rc); }

void rg_req_envelope(rg_buf *b, const char *op, const char *token, const char *req,
                     const char *case_id, int64_t expect, int ndata)
{
    uint32_t n = 2 + (req != NULL) + (case_id != NULL) + (expect >= 0) + (ndata >= 0);
    rg_w_map(b, n);
    rg_w_kstr(b, "op", op);
    rg_w_kstr(b, "token", token);
    if (req) rg_w_kstr(b, "req", req);
    if (case_id) rg_w_kstr(b, "case", case_id);
    if (expect >= 0) rg_w_kuint(b, "expect", (uint64_t)expect);
    if (ndata >= 0) {
        rg_w_cstr(b, "data");
        rg_w_map(b, (uint32_t)ndata);
    }
}
