/* client.c - blocking REQ client; see client.h. */
#include "client.h"

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/codec.h"

struct rg_client {
    nng_socket sock;
};

int rg_client_open(rg_client **out, const char *url, int timeout_ms, const char *ca_file)
{
    *out = NULL;
    rg_client *c = rg_calloc(1, sizeof *c);
    int rv = nng_req0_open(&c->sock);
    if (rv != 0) {
        free(c);
        return -rv;
    }
    nng_socket_set_ms(c->sock, NNG_OPT_RECVTIMEO, timeout_ms);
    nng_socket_set_ms(c->sock, NNG_OPT_SENDTIMEO, timeout_ms);
    /* A request is resent only if the reply does not come in this time: keep
     * it beyond the timeout so a slow reply is never answered twice. */
    nng_socket_set_ms(c->sock, NNG_OPT_REQ_RESENDTIME, timeout_ms * 2 + 1000);
    nng_socket_set_ms(c->sock, NNG_OPT_RECONNMINT, 20);
    nng_socket_set_ms(c->sock, NNG_OPT_RECONNMAXT, 500);
    nng_dialer d;
    rv = nng_dialer_create(&d, c->sock, url);
    if (rv == 0 && strncmp(url, "tls+", 4) == 0 && ca_file) {
        rv = nng_dialer_set_string(d, NNG_OPT_TLS_CA_FILE, ca_file);
        if (rv == 0) rv = nng_dialer_set_string(d, NNG_OPT_TLS_SERVER_NAME, "localhost");
    }
    /* Non-blocking start: the engine may come up after us; nng redials. */
    if (rv == 0) rv = nng_dialer_start(d, NNG_FLAG_NONBLOCK);
    if (rv != 0) {
        nng_close(c->sock);
        free(c);
        return -rv;
    }
    *out = c;
    return 0;
}

void rg_client_close(rg_client *c)
{
    if (!c) return;
    nng_close(c->sock);
    free(c);
}

int rg_client_call(rg_client *c, const void *req, size_t n, uint8_t **reply, size_t *rn)
{
    *reply = NULL;
    *rn = 0;
    int rv = nng_send(c->sock, (void *)req, n, 0);
    if (rv != 0) return -rv;
    void *buf;
    size_t len;
    rv = nng_recv(c->sock, &buf, &len, NNG_FLAG_ALLOC);
    if (rv != 0) return -rv;
    *reply = rg_malloc(len);
    memcpy(*reply, buf, len);
    *rn = len;
    nng_free(buf, len);
    return 0;
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
