/* client.c - blocking REQ client; see client.h. */
#include "client.h"

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/util/platform.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
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

/* One dialer of s to url, configured for TLS (checked against name) when
 * tls_url, started without waiting (nng redials). */
static int dial_one(nng_socket s, const char *url, bool tls_url, const char *name, const rg_tls_opts *tls,
                    const char **why)
{
    nng_dialer d;
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
    else nng_dialer_close(d);
    return rv;
}

/* At most this many addresses of one name are dialled. */
#define DIAL_ADDRS_MAX 4

/* The addresses a tcp:// or tls+tcp:// URL's host name stands for, each as
 * a URL of its own with the address written out (n of them, n <= max);
 * 0 when the URL is not such a URL, names an address already, or the name
 * does not resolve now.  nng 1.5.2 dials only the first address a name
 * resolves to: on a Debian host "localhost" is ::1 first, so `--connect
 * tcp://localhost:7450` never reached the default regied on 127.0.0.1. */
static int resolve_each(const char *url, char (*out)[300], int max)
{
    const char *scheme_end = strstr(url, "://");
    if (!scheme_end) return 0;
    size_t slen = (size_t)(scheme_end - url);
    if (!((slen == 3 && strncmp(url, "tcp", 3) == 0) || (slen == 7 && strncmp(url, "tls+tcp", 7) == 0)))
        return 0;
    const char *h = scheme_end + 3;
    if (*h == '[') return 0;                    /* an IPv6 address */
    const char *colon = strchr(h, ':');
    if (!colon || colon == h || (size_t)(colon - h) >= 256) return 0;
    char host[256], port[16];
    memcpy(host, h, (size_t)(colon - h));
    host[colon - h] = '\0';
    if (strlen(colon + 1) >= sizeof port || strcspn(colon + 1, "0123456789") != 0) return 0;
    snprintf(port, sizeof port, "%s", colon + 1);
    unsigned char addr[16];
    if (inet_pton(AF_INET, host, addr) == 1) return 0;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    if (getaddrinfo(host, port, &hints, &res) != 0) return 0;
    int n = 0;
    for (struct addrinfo *a = res; a && n < max; a = a->ai_next) {
        char lit[INET6_ADDRSTRLEN];
        const void *src = a->ai_family == AF_INET6 ? (const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr
                                                   : (const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr;
        if ((a->ai_family != AF_INET && a->ai_family != AF_INET6) || !inet_ntop(a->ai_family, src, lit, sizeof lit))
            continue;
        char u[300];
        snprintf(u, sizeof u, a->ai_family == AF_INET6 ? "%.*s://[%s]:%s" : "%.*s://%s:%s", (int)slen, url, lit,
                 port);
        bool seen = false;
        for (int i = 0; i < n; i++) seen = seen || strcmp(out[i], u) == 0;
        if (!seen) memcpy(out[n++], u, sizeof u);
    }
    freeaddrinfo(res);
    return n;
}

int rg_client_dial(uint32_t sock, const char *url, const rg_tls_opts *tls, const char **why)
{
    nng_socket s = {sock};
    *why = NULL;
    bool tls_url = strncmp(url, "tls+", 4) == 0;
    char name[256] = "";
    if (tls_url && rg_tls_server_name(url, tls ? tls->server_name : NULL, name, sizeof name, why) < 0)
        return -NNG_EADDRINVAL;
    /* A name that stands for several addresses gets a dialer for each (the
     * TLS check stays on the name): the engine is reached on whichever it
     * listens on, as any client of a name expects. */
    char each[DIAL_ADDRS_MAX][300];
    int n = resolve_each(url, each, DIAL_ADDRS_MAX);
    if (n <= 1) return -dial_one(s, url, tls_url, name, tls, why);
    int started = 0, rv = 0;
    for (int i = 0; i < n; i++) {
        int r = dial_one(s, each[i], tls_url, name, tls, why);
        if (r == 0) started++;
        else rv = r;
    }
    if (started > 0) *why = NULL;
    return started > 0 ? 0 : -rv;
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
