/*
 * feed.h - the feed service (feed.c): pages of a reader's events and
 * long-polls parked until new events are durable.
 *
 * Ownership: the service belongs to its engine (freed when the engine
 * closes); a page's events buffer is the caller's to free; a parked request
 * takes the reply of its context (rg_ctx_take_reply) and answers it later.
 */
#ifndef RG_FEED_H
#define RG_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "../core/ctx.h"

typedef struct rg_feed rg_feed;

int rg_feed_attach(rg_engine *e, rg_feed **out /* OUT */);

typedef struct rg_feed_page_out {
    uint32_t count;
    uint64_t next;            /* the position to ask from next time */
    rg_buf events;            /* count rendered events, msgpack, back to back */
} rg_feed_page_out;

/* The events after `after` that the caller of c may see, at most limit:
 * kind 'o' (an org's, name the org), 'p' (a procesregisseur's, name the
 * actor), or 0 (every event: a manager).  Notes each case shown for the
 * audit trail.  RG_ESTORAGE when the log cannot be read. */
int rg_feed_page(rg_ctx *c, const char *name, char kind, uint64_t after, uint32_t limit,
                 rg_feed_page_out *out /* OUT */);
/* Park c's request for at most wait_ms (its first deadline is kept when it
 * is run again): it is run again when new events are durable. */
void rg_feed_park(rg_feed *f, rg_ctx *c, uint32_t wait_ms);
size_t rg_feed_parked(const rg_feed *f);
/* At most this many requests are parked at once (the server sets what it
 * can hold), at most RG_FEED_PARK_ACTOR of one actor and
 * RG_FEED_PARK_REGION of one region's actors; a long-poll beyond any is
 * answered `overloaded` at once.  A parked request costs memory, not a
 * thread nor a turn of the engine. */
#define RG_FEED_PARK_DEFAULT 16384
#define RG_FEED_PARK_ACTOR 1024
#define RG_FEED_PARK_REGION 4096
void rg_feed_set_limit(rg_feed *f, size_t max_parked);
void rg_feed_set_caps(rg_feed *f, size_t per_actor, size_t per_region);
/* Answer every parked request now, with whatever there is (shutdown). */
void rg_feed_answer_all(rg_feed *f);

#endif
