/*
 * publish.h - notifications over nng PUB, sent only for durable events.
 *
 * Each notification is one message: an opaque topic (an actor's feed or
 * alerts topic, which notify.topics tells that actor), 0x00, msgpack {seq}.
 * No case id, event type, org, actor or region.  PUB drops messages for a
 * slow subscriber and sending never blocks the loop: a notification is a
 * wake-up, the gapless record is feed.read and alerts.list.
 */
#ifndef RG_PUBLISH_H
#define RG_PUBLISH_H

#include "../core/engine.h"

typedef struct rg_publisher rg_publisher;

int rg_publisher_open(rg_publisher **out /* OUT */, const char *url, const char *tls_cert_key,
                      const char *tls_ca);
void rg_publisher_close(rg_publisher *p);
/* An rg_notify_fn: publishes {seq} on each of n's topics. */
void rg_publisher_notify(void *publisher, const rg_notice *n);

#endif
