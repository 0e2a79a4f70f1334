/*
 * net.h - opening nng listeners the same way for every socket: any nng URL,
 * and for tls+tcp:// a PEM file holding our certificate and key; and closing
 * any nng socket without hanging on an nng bug.
 */
#ifndef RG_NET_H
#define RG_NET_H

#include <nng/nng.h>

/* 0 or a negative RG_E* code; the reason is logged.  With tls_ca (a PEM
 * file of CA certificates, or NULL) a tls+ listener requires every peer to
 * present a certificate that chains to one of them (partner systems,
 * subscribers of the PUB socket included). */
int rg_net_listen(nng_socket s, const char *url, const char *tls_cert_key, const char *tls_ca);

/* How long rg_net_close waits; closing takes well under a millisecond. */
#define RG_NET_CLOSE_MS 2000

/*
 * nng_close, but waiting at most limit_ms.  nng 1.5.2 (Debian 12) now and
 * then never returns from nng_close when a message arrives on the socket
 * while it closes (seen with SUB under a publisher and REP under requests;
 * nanomsg/nng issues 1543 and 1813).  Then the close goes on in a thread of
 * its own, this returns -1, and the caller must leave the socket's aios
 * alone: the process is on its way out, and its exit ends that thread.
 * 0 when the socket closed.
 */
int rg_net_close(nng_socket s, int limit_ms);

#endif
