/* publish.c - notifications on nng PUB; see publish.h. */
#include "publish.h"

#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../storage/buf.h"
#include "../storage/codec.h"
#include "../storage/errors.h"
#include "net.h"

struct rg_publisher {
    nng_socket sock;
    /* nng_send allocates an aio per call, and in nng 1.5.2 each allocation
     * costs a getrandom(2): several per command on the loop thread.  One aio,
     * without a callback, serves every send; PUB completes a send at once. */
    nng_aio *aio;
    rg_buf scratch;
};

int rg_publisher_open(rg_publisher **out, const char *url, const char *tls_cert_key, const char *tls_ca)
{
    *out = NULL;
    rg_publisher *p = rg_calloc(1, sizeof *p);
    int rv = nng_pub0_open(&p->sock);
    if (rv != 0) {
        fprintf(stderr, "regie: pub socket: %s\n", nng_strerror(rv));
        free(p);
        return RG_ESTORAGE;
    }
    if ((rv = nng_aio_alloc(&p->aio, NULL, NULL)) != 0 ||
        rg_net_listen(p->sock, url, tls_cert_key, tls_ca) < 0) {
        if (rv != 0) fprintf(stderr, "regie: pub aio: %s\n", nng_strerror(rv));
        rg_net_close(p->sock, RG_NET_CLOSE_MS);
        nng_aio_free(p->aio);
        free(p);
        return RG_ESTORAGE;
    }
    nng_aio_set_timeout(p->aio, NNG_DURATION_ZERO);
    *out = p;
    return 0;
}

void rg_publisher_close(rg_publisher *p)
{
    if (!p) return;
    if (rg_net_close(p->sock, RG_NET_CLOSE_MS) == 0) nng_aio_free(p->aio);
    rg_buf_free(&p->scratch);
    free(p);
}

/* One message: the topic, a 0x00, then {seq}: a wake-up that tells a
 * listener without a token nothing (CONTRACT.md, "Notifications"). */
static void publish(rg_publisher *p, const char *topic, uint64_t seq)
{
    rg_buf *b = &p->scratch;
    rg_buf_reset(b);
    rg_buf_append(b, topic, strlen(topic));
    rg_buf_put_u8(b, 0);
    rg_w_map(b, 1);
    rg_w_kuint(b, "seq", seq);
    nng_msg *m;
    if (nng_msg_alloc(&m, b->len) != 0) return;     /* a wake-up lost, never a record */
    memcpy(nng_msg_body(m), b->data, b->len);
    /* PUB never blocks; with no subscriber or a full queue it drops. */
    nng_aio_set_msg(p->aio, m);
    nng_send_aio(p->sock, p->aio);
    nng_aio_wait(p->aio);
    if (nng_aio_result(p->aio) != 0) nng_msg_free(nng_aio_get_msg(p->aio));
}

void rg_publisher_notify(void *publisher, const rg_notice *n)
{
    for (const char *t = n->topics; t && *t; t += strlen(t) + 1) publish(publisher, t, n->seq);
}
