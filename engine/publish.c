/* publish.c - notifications on nng PUB; see publish.h. */
#include "publish.h"

#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "codec.h"
#include "errors.h"
#include "net.h"

struct rg_publisher {
    nng_socket sock;
    rg_buf scratch;
};

int rg_publisher_open(rg_publisher **out, const char *url, const char *tls_cert_key)
{
    *out = NULL;
    rg_publisher *p = rg_calloc(1, sizeof *p);
    int rv = nng_pub0_open(&p->sock);
    if (rv != 0) {
        fprintf(stderr, "regie: pub socket: %s\n", nng_strerror(rv));
        free(p);
        return RG_ESTORAGE;
    }
    if (rg_net_listen(p->sock, url, tls_cert_key) < 0) {
        rg_net_close(p->sock, RG_NET_CLOSE_MS);
        free(p);
        return RG_ESTORAGE;
    }
    *out = p;
    return 0;
}

void rg_publisher_close(rg_publisher *p)
{
    if (!p) return;
    rg_net_close(p->sock, RG_NET_CLOSE_MS);
    rg_buf_free(&p->scratch);
    free(p);
}

static void publish(rg_publisher *p, const char *prefix, const char *name, const rg_notice *n)
{
    rg_buf *b = &p->scratch;
    rg_buf_reset(b);
    rg_buf_append(b, prefix, strlen(prefix));
    rg_buf_append(b, name, strlen(name));
    rg_buf_put_u8(b, 0);
    rg_w_map(b, 4);
    rg_w_kuint(b, "seq", n->seq);
    rg_w_kstr(b, "case", n->case_id);
    rg_w_kstr(b, "type", n->type);
    rg_w_kuint(b, "at", n->at);
    /* PUB never blocks; with no subscriber or a full queue it drops. */
    nng_send(p->sock, b->data, b->len, NNG_FLAG_NONBLOCK);
}

void rg_publisher_notify(void *publisher, const rg_notice *n)
{
    publish(publisher, "event.", n->type, n);
    for (const char *o = n->orgs; o && *o; o += strlen(o) + 1) publish(publisher, "org.", o, n);
    for (const char *a = n->alerts; a && *a; a += strlen(a) + 1) publish(publisher, "alert.", a, n);
}
