/*
 * net.h - opening nng listeners the same way for every socket: any nng URL,
 * and for tls+tcp:// a PEM file holding our certificate and key.
 */
#ifndef RG_NET_H
#define RG_NET_H

#include <nng/nng.h>

/* 0 or a negative RG_E* code; the reason is logged. */
int rg_net_listen(nng_socket s, const char *url, const char *tls_cert_key);

#endif
