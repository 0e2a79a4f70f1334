/* net.c - nng listeners with optional TLS; nng errors end here. */
#include "net.h"

#include <stdio.h>
#include <string.h>

#include "errors.h"

int rg_net_listen(nng_socket s, const char *url, const char *tls_cert_key)
{
    nng_listener l;
    int rv = nng_listener_create(&l, s, url);
    if (rv == 0 && strncmp(url, "tls+", 4) == 0) {
        if (!tls_cert_key) {
            fprintf(stderr, "regie: %s needs --tls-cert-key FILE\n", url);
            nng_listener_close(l);
            return RG_EBADREQ;
        }
        rv = nng_listener_set_string(l, NNG_OPT_TLS_CERT_KEY_FILE, tls_cert_key);
    }
    if (rv == 0) rv = nng_listener_start(l, 0);
    if (rv != 0) {
        fprintf(stderr, "regie: cannot listen on %s: %s\n", url, nng_strerror(rv));
        return RG_ESTORAGE;
    }
    return 0;
}
