/* alerts.c - notification topics and durable alerts of an event; see alerts.h. */
#include "alerts.h"

#include <stdlib.h>
#include <string.h>

#include "../domain/access.h"
#include "../storage/errors.h"
#include "state.h"

size_t rg_alerts_key(uint8_t *k, const char *actor_id, uint64_t n)
{
    size_t an = strlen(actor_id);
    memcpy(k, actor_id, an);
    k[an] = 0;
    rg_be64_put(k + an + 1, n);
    return an + 9;
}

/* Is actor a alerted by this event of cs? */
/* The upper levels of the ladder (issue 21): at level 2 and up the
 * partner managers of the orgs owing a stuck step (the event's `orgs`), at
 * level 3 the region's bestuur actors. */
static bool upper_level(const rg_actor *a, const rg_case *cs, uint64_t level, const rg_val *data)
{
    if (strcmp(a->zvh, cs->zvh) != 0 || (cs->covenants & ~a->covenants) != 0) return false;
    if (a->role == RG_ROLE_BESTUUR) return level >= RG_ESC_TOP;
    if (a->role != RG_ROLE_PARTNER_MANAGER || level < 2) return false;
    const rg_val *orgs = rg_map_get(data, "orgs");
    for (uint32_t i = 0; i < rg_array_size(orgs); i++)
        if (rg_val_is_str(rg_array_at(orgs, i), a->org)) return true;
    return false;
}

static bool alerted(const rg_actor *a, const rg_case *cs, int alert, const char *norm, const char *item)
{
    if (alert == RG_ALERT_PARTIES) {
        /* The case ended early: every org taking part hears of it (also
         * once it reads the case no more), and the procesregisseur. */
        if (a->revoked || strcmp(a->zvh, cs->zvh) != 0 || (cs->covenants & ~a->covenants) != 0) return false;
        if (a->role == RG_ROLE_PROCESREGISSEUR) return strcmp(cs->procesregisseur, a->id) == 0;
        return a->role == RG_ROLE_PARTNER && rg_case_part(cs, a->org) != NULL;
    }
    if (a->revoked || rg_access_view(a, cs) == RG_VIEW_NONE) {
        /* Managers of the region see every case; a procesregisseur only
         * their own; a partner only while its org takes part. */
        if (a->revoked || !(a->role == RG_ROLE_MANAGER && strcmp(a->zvh, cs->zvh) == 0 &&
                            (cs->covenants & ~a->covenants) == 0))
            return false;
    }
    /* An escalation: the region's managers, and the case's procesregisseur,
     * who is told at every level (issue 21). */
    if (alert == RG_ALERT_MANAGERS)
        return a->role == RG_ROLE_MANAGER ||
               (a->role == RG_ROLE_PROCESREGISSEUR && strcmp(cs->procesregisseur, a->id) == 0);
    if (alert != RG_ALERT_DIRECTOR) return false;
    if (a->role == RG_ROLE_PROCESREGISSEUR) return strcmp(cs->procesregisseur, a->id) == 0;
    if (a->role == RG_ROLE_MANAGER) return !cs->procesregisseur[0] || cs->esc_level > 0;
    if (a->role == RG_ROLE_PARTNER && norm && strcmp(norm, "info.answer") == 0) {
        /* An overdue information request alerts the org asked (issue 21). */
        const rg_request *q = item ? rg_case_request((rg_case *)cs, item) : NULL;
        return q && strcmp(q->org, a->org) == 0;
    }
    if (a->role == RG_ROLE_PARTNER && norm && strcmp(norm, "action.done") == 0) {
        /* An overdue action alerts the org that owns it. */
        const rg_action *x = item ? rg_case_action((rg_case *)cs, item) : NULL;
        return x && strcmp(x->owner, a->org) == 0;
    }
    return false;
}

static void put_alert(rg_engine *e, rg_batch *b, const rg_actor *a, const rg_case *cs, uint64_t seq,
                      uint64_t at, const char *kind, const char *norm, const char *item, uint64_t level)
{
    uint64_t n = ++e->alert_seq;
    rg_buf v = RG_BUF_INIT;
    rg_w_map(&v, level ? 9 : 8);
    if (level) rg_w_kuint(&v, "level", level);
    rg_w_kuint(&v, "alert", n);
    rg_w_kuint(&v, "seq", seq);
    rg_w_kstr(&v, "case", cs->id);
    rg_w_kstr(&v, "kind", kind);
    rg_w_cstr(&v, "norm");
    if (norm && norm[0]) rg_w_cstr(&v, norm); else rg_w_nil(&v);
    rg_w_cstr(&v, "item");
    if (item && item[0]) rg_w_cstr(&v, item); else rg_w_nil(&v);
    rg_w_kuint(&v, "since", at);
    rg_w_kbool(&v, "acked", false);
    uint8_t k[RG_ID_MAX + 9];
    rg_batch_put(b, RG_CF_ALERTS, k, rg_alerts_key(k, a->id, n), v.data, v.len);
    rg_buf_free(&v);
}

char *rg_alerts_raise(rg_engine *e, rg_batch *b, const rg_case *cs, uint64_t seq, uint32_t v,
                      uint64_t at, const char *type, const rg_val *data)
{
    const rg_evdef *def = rg_event_find(type);
    int alert = def ? def->alert : RG_ALERT_NONE;
    char norm[64] = "", item[RG_ID_MAX] = "";
    rg_val_strcpy(rg_map_get(data, "norm"), norm, sizeof norm);
    rg_val_strcpy(rg_map_get(data, "item"), item, sizeof item);
    const char *kind = alert == RG_ALERT_MANAGERS ? "escalation" : alert == RG_ALERT_PARTIES ? "ended" : "stagnation";
    if (alert == RG_ALERT_ASKED) rg_val_strcpy(rg_map_get(data, "request"), item, sizeof item);
    uint64_t level = 0;
    if (alert == RG_ALERT_MANAGERS) rg_val_uint(rg_map_get(data, "level"), &level);
    rg_buf topics = RG_BUF_INIT;
    rg_hmap_slot *s;
    for (size_t i = 0; (i = rg_hmap_next(&e->actors, i, &s)) != 0;) {
        const rg_actor *a = s->val;
        if (a->revoked) continue;
        /* Woken only for an event it may read (not one about a person kept from it). */
        if (rg_access_event(a, cs, v, seq) && rg_access_about(a, cs, type, data))
            rg_buf_append(&topics, a->feed_topic, RG_TOPIC_LEN + 1);
        bool upper = a->role == RG_ROLE_PARTNER_MANAGER || a->role == RG_ROLE_BESTUUR;
        if (alert == RG_ALERT_ASKED) {
            /* Asked for information: the org's partners hear of it at once. */
            if (a->role == RG_ROLE_PARTNER && rg_val_is_str(rg_map_get(data, "org"), a->org) &&
                rg_access_view(a, cs) != RG_VIEW_NONE) {
                put_alert(e, b, a, cs, seq, at, "asked", "info.answer", item, 0);
                rg_buf_append(&topics, a->alerts_topic, RG_TOPIC_LEN + 1);
            }
            continue;
        }
        if (alert != RG_ALERT_NONE &&
            (upper ? alert == RG_ALERT_MANAGERS && upper_level(a, cs, level, data) : alerted(a, cs, alert, norm, item))) {
            put_alert(e, b, a, cs, seq, at, kind, norm, item, level);
            rg_buf_append(&topics, a->alerts_topic, RG_TOPIC_LEN + 1);
        }
    }
    rg_buf_put_u8(&topics, 0);
    size_t n;
    return (char *)rg_buf_detach(&topics, &n);
}

int rg_alerts_get(rg_engine *e, const char *actor_id, uint64_t n, rg_buf *rec)
{
    uint8_t k[RG_ID_MAX + 9];
    return rg_log_get(e->log, RG_CF_ALERTS, k, rg_alerts_key(k, actor_id, n), rec);
}

int rg_alerts_each(rg_engine *e, const char *actor_id, uint64_t after, rg_alert_fn fn, void *ud)
{
    uint8_t start[RG_ID_MAX + 9];
    size_t sn = rg_alerts_key(start, actor_id, after + 1);
    rg_iter *it = rg_iter_new(e->log, RG_CF_ALERTS);
    int rc = 0;
    for (rg_iter_seek(it, start, sn); rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn, vn;
        const uint8_t *k = rg_iter_key(it, &kn);
        if (kn != sn || memcmp(k, start, sn - 8) != 0) break;
        const uint8_t *val = rg_iter_value(it, &vn);
        if ((rc = fn(ud, rg_be64_get(k + sn - 8), val, vn)) != 0) break;
    }
    if (rg_iter_end(it) < 0) rc = RG_ESTORAGE;
    return rc < 0 ? rc : 0;
}
