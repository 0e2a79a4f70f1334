/* net.c - nng listeners with optional TLS, and a close that cannot hang; see net.h. */
#include "net.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <nng/supplemental/tls/tls.h>

#include "../storage/buf.h"
#include "../storage/errors.h"

int rg_net_listen(nng_socket s, const char *url, const char *tls_cert_key, const char *tls_ca)
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
        if (rv == 0 && tls_ca) {
            rv = nng_listener_set_string(l, NNG_OPT_TLS_CA_FILE, tls_ca);
            if (rv == 0) rv = nng_listener_set_int(l, NNG_OPT_TLS_AUTH_MODE, NNG_TLS_AUTH_MODE_REQUIRED);
        }
    }
    if (rv == 0) rv = nng_listener_start(l, 0);
    if (rv != 0) {
        fprintf(stderr, "regie: cannot listen on %s: %s\n", url, nng_strerror(rv));
        return RG_ESTORAGE;
    }
    return 0;
}

/* What the closing thread and the caller share; the last one out frees it. */
typedef struct closing {
    nng_socket sock;
    pthread_mutex_t lock;
    pthread_cond_t done_cv;
    bool done;
    int refs;
} closing;

static void closing_rele(closing *c)
{
    pthread_mutex_lock(&c->lock);
    bool last = --c->refs == 0;
    pthread_mutex_unlock(&c->lock);
    if (!last) return;
    pthread_cond_destroy(&c->done_cv);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static void *close_thread(void *arg)
{
    closing *c = arg;
    nng_close(c->sock);
    pthread_mutex_lock(&c->lock);
    c->done = true;
    pthread_cond_signal(&c->done_cv);
    pthread_mutex_unlock(&c->lock);
    closing_rele(c);
    return NULL;
}

int rg_net_close(nng_socket s, int limit_ms)
{
    closing *c = rg_calloc(1, sizeof *c);
    c->sock = s;
    c->refs = 2;
    pthread_mutex_init(&c->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&c->done_cv, &ca);
    pthread_condattr_destroy(&ca);

    pthread_attr_t ta;
    pthread_attr_init(&ta);
    pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    int rv = pthread_create(&t, &ta, close_thread, c);
    pthread_attr_destroy(&ta);
    if (rv != 0) {                          /* no thread to spare: close here */
        c->refs = 1;
        closing_rele(c);
        nng_close(s);
        return 0;
    }

    if (limit_ms < 0) limit_ms = 0;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += limit_ms / 1000;
    until.tv_nsec += (long)(limit_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&c->lock);
    /* 0 is a wake-up (maybe spurious); anything else is the end of the wait. */
    while (!c->done && pthread_cond_timedwait(&c->done_cv, &c->lock, &until) == 0) {
    }
    bool done = c->done;
    pthread_mutex_unlock(&c->lock);
    closing_rele(c);
    if (!done) fprintf(stderr, "regie: an nng socket did not close within %d ms; leaving it\n", limit_ms);
    return done ? 0 : -1;
}
