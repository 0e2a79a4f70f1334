/*
 * alerts.c - what a user hears: notify.topics (the caller's own opaque
 * topics to subscribe to on the notification socket), alerts.list (the
 * caller's durable alerts, oldest first) and alert.ack (one marked handled).
 * An alert raised while its reader was offline is still there
 * (core/alerts.h raises them with the event that causes them).
 */
#include <string.h>

#include "../engine/core/alerts.h"
#include "../engine/storage/errors.h"
#include "handlers.h"

/* whoami: who the token is (for a person at a terminal, and a dashboard
 * that shows its region). */
int rg_h_whoami(rg_ctx *c)
{
    const rg_actor *a = rg_ctx_actor(c);
    rg_w_cstr(rg_ctx_reply_key(c, "id"), a->id);
    rg_w_cstr(rg_ctx_reply_key(c, "role"), rg_role_name(a->role));
    rg_w_cstr(rg_ctx_reply_key(c, "org"), a->org);
    rg_w_cstr(rg_ctx_reply_key(c, "zvh"), a->zvh);
    rg_buf *b = rg_ctx_reply_key(c, "covenants");
    uint32_t n = 0;
    for (uint32_t bit = 1; bit; bit <<= 1) n += (a->covenants & bit) && rg_covenant_name(bit);
    rg_w_array(b, n);
    for (uint32_t bit = 1; bit; bit <<= 1)
        if ((a->covenants & bit) && rg_covenant_name(bit)) rg_w_cstr(b, rg_covenant_name(bit));
    return 0;
}

int rg_h_notify_topics(rg_ctx *c)
{
    const rg_actor *a = rg_ctx_actor(c);
    rg_w_cstr(rg_ctx_reply_key(c, "feed"), a->feed_topic);
    rg_w_cstr(rg_ctx_reply_key(c, "alerts"), a->alerts_topic);
    return 0;
}

#define ALERTS_DEFAULT 100

int rg_h_alerts_list(rg_ctx *c)
{
    uint64_t after = 0, limit = ALERTS_DEFAULT, next;
    bool open = false;
    rg_val_uint(rg_ctx_field(c, "after"), &after);
    rg_val_uint(rg_ctx_field(c, "limit"), &limit);          /* 1..1000, by the schema */
    rg_val_bool(rg_ctx_field(c, "open"), &open);
    rg_buf out = RG_BUF_INIT;
    uint32_t count;
    if (rg_alerts_page(rg_ctx_engine(c), rg_ctx_actor(c)->id, after, (uint32_t)limit, open, &out, &count,
                       &next) < 0) {
        rg_buf_free(&out);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the alerts failed");
    }
    rg_buf *b = rg_ctx_reply_key(c, "alerts");
    rg_w_array(b, count);
    rg_buf_append(b, out.data, out.len);
    rg_buf_free(&out);
    rg_w_uint(rg_ctx_reply_key(c, "next"), next);
    return 0;
}

int rg_h_alert_ack(rg_ctx *c)
{
    const rg_actor *a = rg_ctx_actor(c);
    uint64_t n = 0;
    rg_val_uint(rg_ctx_field(c, "alert"), &n);
    rg_buf rec = RG_BUF_INIT;
    int rc = rg_alerts_get(rg_ctx_engine(c), a->id, n, &rec);
    if (rc == RG_ENOTFOUND) {
        rg_buf_free(&rec);
        return rg_ctx_fail(c, RG_ENOTFOUND, "you have no alert %llu", (unsigned long long)n);
    }
    rg_doc *d = NULL;
    const char *why;
    if (rc < 0 || rg_doc_parse(&d, rec.data, rec.len, &why) < 0) {
        rg_buf_free(&rec);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading alert %llu failed", (unsigned long long)n);
    }
    /* The record again, with acked set: the same keys in the same order. */
    const rg_val *m = rg_doc_root(d);
    rg_buf v = RG_BUF_INIT;
    rg_w_map(&v, rg_map_size(m));
    for (uint32_t i = 0; i < rg_map_size(m); i++) {
        rg_w_val(&v, rg_map_key(m, i));
        if (rg_val_is_str(rg_map_key(m, i), "acked")) rg_w_bool(&v, true);
        else rg_w_val(&v, rg_map_value(m, i));
    }
    uint8_t k[RG_ID_MAX + 9];
    rg_ctx_put(c, RG_CF_ALERTS, k, rg_alerts_key(k, a->id, n), v.data, v.len);
    rg_buf_free(&v);
    rg_doc_free(d);
    rg_buf_free(&rec);
    rg_w_uint(rg_ctx_reply_key(c, "alert"), n);
    rg_w_bool(rg_ctx_reply_key(c, "acked"), true);
    return 0;
}
