/*
 * feed.c - feed.read: the events after `after` that the caller may see, in
 * log order, waiting up to wait_ms for new ones when there are none (the
 * feed service parks the request; services/feed.h).
 *
 * Which events: a manager reads every event, a partner those of the cases
 * its org takes part in (from the version it joined), a procesregisseur
 * those of the cases assigned to them (the feed index, core/feed_index.h).
 */
#include "../engine/services/services.h"
#include "../engine/storage/errors.h"
#include "handlers.h"

#define FEED_DEFAULT 100

int rg_h_feed_read(rg_ctx *c)
{
    const rg_actor *a = rg_ctx_actor(c);
    uint64_t after = 0, limit = FEED_DEFAULT, wait = 0;
    /* limit 1..1000 and wait_ms up to 5 minutes, by the schema (schemas/ops.c) */
    rg_val_uint(rg_ctx_field(c, "after"), &after);
    rg_val_uint(rg_ctx_field(c, "limit"), &limit);
    rg_val_uint(rg_ctx_field(c, "wait_ms"), &wait);

    rg_feed_page_out pg;
    int rc;
    switch (a->role) {
    case RG_ROLE_MANAGER: rc = rg_feed_page(c, NULL, 0, after, (uint32_t)limit, &pg); break;
    case RG_ROLE_PARTNER: rc = rg_feed_page(c, a->org, 'o', after, (uint32_t)limit, &pg); break;
    case RG_ROLE_PROCESREGISSEUR: rc = rg_feed_page(c, a->id, 'p', after, (uint32_t)limit, &pg); break;
    default: return rg_ctx_fail(c, RG_EFORBIDDEN, "a %s reads no case events", rg_role_name(a->role));
    }
    if (rc < 0) return rg_ctx_fail(c, RG_ESTORAGE, "reading the feed failed");
    /* Nothing to show and nothing passed over: wait for new events. */
    if (pg.count == 0 && pg.next == after && wait > 0 && !rg_ctx_final(c)) {
        rg_buf_free(&pg.events);
        rg_feed_park(rg_services_feed(rg_ctx_engine(c)), c, (uint32_t)wait);
        return 0;
    }
    rg_ctx_reply_array(c, "events", pg.count, &pg.events);
    rg_w_uint(rg_ctx_reply_key(c, "next"), pg.next);
    return 0;
}
