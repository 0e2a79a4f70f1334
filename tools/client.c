/* client.c - blocking REQ client; see client.h. */
#include "client.h"

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/util/platform.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/storage/codec.h"
#include "../engine/net/net.h"

struct rg_client {
    nng_socket sock;
    int timeout_ms;
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
    c->timeout_ms = timeout_ms;             /* the reply's aio waits this long */
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
