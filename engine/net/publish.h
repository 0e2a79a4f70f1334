/*
 * publish.h - notifications over nng PUB, sent only for durable events.
 *
 * Each notification is one message: topic, 0x00, msgpack {seq, case, type,
 * at}.  No personal data, no free text.  PUB drops messages for a slow
 * subscriber and sending never blocks the loop: a notification is a wake-up,
 * the gapless record is the log.
 */
#ifndef RG_PUBLISH_H
#define RG_PUBLISH_H

#include "../core/engine.h"

typedef struct rg_publisher rg_publisher;

int rg_publisher_open(rg_publisher **out /* OUT */, const char *url, const char *tls_cert_key);
void rg_publisher_close(rg_publisher *p);
/* An rg_notify_fn: publishes `event.<type>` for n. */
void rg_publisher_notify(void *publisher, const rg_notice *n);

#endif
