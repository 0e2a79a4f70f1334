/*
 * alerts.c - what a user hears: notify.topics (the caller's own opaque
 * topics to subscribe to on the notification socket), alerts.list (the
 * caller's durable alerts, oldest first: the open ones, or all with why each
 * closed) and alert.ack (one marked handled).
 * An alert raised while its reader was offline is still there
 * (core/alerts.h raises them with the event that causes them).
 */
#include <string.h>

#include <stdio.h>

#include "../engine/core/alerts.h"
#include "../engine/core/state.h"
#include "../engine/domain/access.h"
#include "../engine/domain/calendar.h"
#include "../engine/domain/seal.h"
#include "../engine/storage/errors.h"
#include "handlers.h"
#include "../engine/core/reads.h"
#include "../engine/domain/schema.h"

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

/* ---- alerts that stay true ----
 *
 * An alert is open while its cause is: a stagnation while its deadline is
 * still the fired one (the same norm and item, fired at the alert's
 * `since`), an escalation while it is the case's open one (opened at the
 * alert's `since`).  The event that meets the norm, the decision, a climb of
 * the ladder or the end of the work takes that away, and the alert reads
 * resolved with why.  Decided here, at reading, from the case as it is now:
 * nothing is rewritten, a rebuild cannot make it disagree, and an alert
 * raised and resolved inside one pending commit is still right.  Each alert
 * also carries a line a person reads: the norm in words (the action's
 * description, to a reader who may see the plan), since when, and what is
 * expected of the reader. */

typedef struct listing {
    rg_ctx *c;
    const rg_actor *a;
    bool all;
    uint32_t limit, count;
    uint64_t next;
    rg_buf out;
    /* the actions of the last plan read, for descriptions */
    char plan_case[RG_ID_MAX];
    uint32_t plan_v;
    rg_buf plan_bytes;
    rg_doc *plan;
} listing;

/* plan.proposed's actions, the last proposal of the case's events, opened
 * with the case's key (descriptions are sealed free text). */
typedef struct plan_find {
    rg_buf *bytes;
    const rg_case *cs;
} plan_find;

static int find_plan(void *ud, const rg_record *sealed)
{
    plan_find *f = ud;
    rg_doc *d;
    const char *why;
    rg_buf opened = RG_BUF_INIT;
    rg_record rec, *r = &rec;
    rg_keyring k;
    rg_case_keyring(f->cs, &k);
    if (rg_record_open_keys(sealed, f->cs->id, &k, &opened, &rec) < 0 ||
        rg_doc_parse(&d, r->pub, r->pub_len, &why) < 0) {
        rg_buf_free(&opened);
        return 0;
    }
    if (rg_val_is_str(rg_map_get(rg_doc_root(d), "type"), "plan.proposed")) {
        rg_buf_reset(f->bytes);
        rg_w_val(f->bytes, rg_map_get(rg_map_get(rg_doc_root(d), "data"), "actions"));
    }
    rg_doc_free(d);
    rg_buf_free(&opened);
    return 0;
}

/* The description of action id of the case's current plan, into buf ("" when
 * the reader may not see the plan, or it has none).  A read of case content:
 * audited. */
static void action_description(listing *l, const rg_case *cs, const char *id, char *buf, size_t cap)
{
    buf[0] = 0;
    rg_view view = rg_access_view(l->a, cs);
    if (!cs->plan_rev || view == RG_VIEW_NONE || view == RG_VIEW_TRIAGE || cs->plan_v < rg_access_since(l->a, cs))
        return;
    if (!l->plan || strcmp(l->plan_case, cs->id) != 0 || l->plan_v != cs->plan_v) {
        rg_doc_free(l->plan);
        l->plan = NULL;
        rg_buf_reset(&l->plan_bytes);
        plan_find f = {&l->plan_bytes, cs};
        const char *why;
        if (rg_reads_case_events(rg_ctx_engine(l->c), cs, find_plan, &f) < 0 || !l->plan_bytes.len ||
            rg_doc_parse(&l->plan, l->plan_bytes.data, l->plan_bytes.len, &why) < 0) {
            l->plan = NULL;
            return;
        }
        snprintf(l->plan_case, sizeof l->plan_case, "%s", cs->id);
        l->plan_v = cs->plan_v;
    }
    const rg_val *acts = rg_doc_root(l->plan);
    for (uint32_t i = 0; i < rg_array_size(acts); i++) {
        const rg_val *x = rg_array_at(acts, i);
        if (!rg_val_is_str(rg_map_get(x, "id"), id)) continue;
        if (rg_val_strcpy(rg_map_get(x, "description"), buf, cap)) rg_ctx_audit_case(l->c, cs->id);
    }
}

static const char *const level_words[] = {"", "the ZVH manager", "an action meeting of the partners' managers",
                                          "the administrative level (mayor, alderman, chief public prosecutor)"};

/* The readable line of a stagnation alert (its deadline d, NULL once met). */
static void stagnation_line(listing *l, const rg_case *cs, const rg_deadline *d, const char *norm, const char *item,
                            uint64_t since, char *out, size_t cap)
{
    const rg_norm_words *w = rg_norm_words_of(norm);
    char what[1200], due[48] = "", when[48], desc[1024] = "";
    rg_cal_words((int64_t)since, when, sizeof when);
    if (d) rg_cal_words((int64_t)d->due, due, sizeof due);
    const rg_action *x = item[0] && strcmp(norm, "action.done") == 0 ? rg_case_action((rg_case *)cs, item) : NULL;
    const rg_request *q = item[0] && strcmp(norm, "info.answer") == 0 ? rg_case_request((rg_case *)cs, item) : NULL;
    if (x) {
        action_description(l, cs, item, desc, sizeof desc);
        snprintf(what, sizeof what, "Action %s of %s%s%s%s to be done", item, x->owner[0] ? x->owner : "no owner",
                 desc[0] ? " (\"" : "", desc, desc[0] ? "\")" : "");
    } else if (q) {
        snprintf(what, sizeof what, "The answer of %s to information request %s", q->org, item);
    } else {
        snprintf(what, sizeof what, "%s", w ? w->what : norm);
        if (what[0] >= 'a' && what[0] <= 'z') what[0] = (char)(what[0] - 'a' + 'A');
    }
    char expect[600];
    switch (l->a->role) {
    case RG_ROLE_PROCESREGISSEUR:
        snprintf(expect, sizeof expect, "%s, or escalate (regie case escalate)", w ? w->todo : "see that it happens");
        break;
    case RG_ROLE_PARTNER:
        if (x) snprintf(expect, sizeof expect, "complete action %s (regie action complete), or tell the "
                        "procesregisseur why it cannot be done", item);
        else if (q) snprintf(expect, sizeof expect, "answer request %s (regie info provide)", item);
        else snprintf(expect, sizeof expect, "work with the procesregisseur on it");
        break;
    case RG_ROLE_MANAGER:
        if (cs->esc_level) snprintf(expect, sizeof expect, "see that the open escalation is decided (regie "
                                    "escalation resolve)");
        else if (!cs->procesregisseur[0]) snprintf(expect, sizeof expect, "see that the case has a "
                                                   "procesregisseur (regie case assign)");
        else snprintf(expect, sizeof expect, "follow it up with the procesregisseur, %s", cs->procesregisseur);
        break;
    default:
        snprintf(expect, sizeof expect, "take part in deciding how the case moves on");
    }
    snprintf(out, cap, "%s, case %s: %s%s%soverdue since %s. Expected of you: %s.", what, cs->id,
             due[0] ? "was due " : "", due, due[0] ? "; " : "", when, expect);
}

static void escalation_line(listing *l, const rg_case *cs, uint64_t level, uint64_t since, char *out, size_t cap)
{
    char when[48];
    rg_cal_words((int64_t)since, when, sizeof when);
    const char *lw = level >= 1 && level <= 3 ? level_words[level] : "a higher level";
    const char *expect;
    switch (l->a->role) {
    case RG_ROLE_MANAGER:
        expect = level <= 1 ? "decide within 5 working days (regie escalation resolve)"
                            : "record the decision of that level within 5 working days (regie escalation resolve)";
        break;
    case RG_ROLE_PROCESREGISSEUR:
        expect = "give that level what it needs to decide; the work on the case goes on";
        break;
    default:
        expect = "take part in the decision";
    }
    snprintf(out, cap, "Case %s escalated to level %llu, %s, on %s. Expected of you: %s.", cs->id,
             (unsigned long long)level, lw, when, expect);
}

static int list_one(void *ud, uint64_t n, const uint8_t *rec, size_t len)
{
    listing *l = ud;
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, rec, len, &why) < 0) return RG_ESTORAGE;
    const rg_val *m = rg_doc_root(d);
    char case_id[RG_ID_MAX] = "", kind[32] = "", norm[64] = "", item[RG_ID_MAX] = "";
    uint64_t since = 0, level = 0;
    bool acked = false;
    rg_val_strcpy(rg_map_get(m, "case"), case_id, sizeof case_id);
    rg_val_strcpy(rg_map_get(m, "kind"), kind, sizeof kind);
    rg_val_strcpy(rg_map_get(m, "norm"), norm, sizeof norm);
    rg_val_strcpy(rg_map_get(m, "item"), item, sizeof item);
    rg_val_uint(rg_map_get(m, "since"), &since);
    rg_val_uint(rg_map_get(m, "level"), &level);
    rg_val_bool(rg_map_get(m, "acked"), &acked);
    rg_case *cs = NULL;
    int rc = rg_store_case(rg_ctx_engine(l->c), case_id, &cs);
    if (rc < 0 && rc != RG_ENOTFOUND) {
        rg_doc_free(d);
        return RG_ESTORAGE;
    }
    bool open = false;
    const char *reason = "case_ended";
    char line[2048] = "", closed[256] = "";
    const rg_deadline *dl = NULL;
    if (strcmp(kind, "ended") == 0) {
        /* News, not a cause that goes away: open until acknowledged. */
        open = true;
        snprintf(line, sizeof line, "Case %s ended early: its work, deadlines and escalation are over. "
                 "Expected of you: nothing more%s.", case_id,
                 l->a->role == RG_ROLE_PARTNER ? "; your organisation no longer reads the case" : "");
    } else if (cs && strcmp(kind, "asked") == 0) {
        /* Asked for information (issue 21): open until answered, or until
         * the work on the case ends. */
        const rg_request *q = rg_case_request(cs, item);
        open = q && !q->answered && rg_state_open(cs->state);
        if (!open) reason = q && q->answered ? "met" : "case_ended";
        snprintf(line, sizeof line, "Your organisation is asked for information on case %s (request %s%s%s). "
                 "Expected of you: answer request %s (regie info provide).", case_id, item,
                 q && q->due[0] ? ", due " : ", within the norm", q && q->due[0] ? q->due : "", item);
    } else if (cs && strcmp(kind, "escalation") == 0) {
        if (!level) level = (uint64_t)cs->esc_level;            /* alerts from before levels were kept */
        open = cs->esc_level > 0 && (cs->esc_at == since || !cs->esc_at) && (uint64_t)cs->esc_level == level;
        if (!open) reason = !rg_state_open(cs->state) && !cs->esc_level ? "case_ended"
                            : cs->esc_level ? "climbed" : "decided";
        escalation_line(l, cs, level, since, line, sizeof line);
    } else if (cs) {
        int ni = rg_norm_find(norm);
        for (uint32_t i = 0; i < cs->ndl && ni >= 0; i++)
            if (cs->dl[i].norm == ni && cs->dl[i].fired && cs->dl[i].fired_at == since &&
                strcmp(cs->dl[i].item, item) == 0)
                dl = &cs->dl[i];
        open = dl != NULL;
        if (!open) reason = rg_state_open(cs->state) || cs->state == RG_ST_CLOSED ? "met" : "case_ended";
        if (!open && cs->state == RG_ST_CLOSED && strcmp(norm, "aftercare") != 0) reason = "case_ended";
        stagnation_line(l, cs, dl, norm, item, since, line, sizeof line);
    } else {
        snprintf(line, sizeof line, "Case %s is no longer kept.", case_id);
    }
    if (!open) {
        if (!strcmp(reason, "met")) snprintf(closed, sizeof closed, "resolved: it has happened (the norm was met)");
        else if (!strcmp(reason, "decided")) snprintf(closed, sizeof closed, "resolved: the escalation was decided");
        else if (!strcmp(reason, "climbed"))
            snprintf(closed, sizeof closed, "resolved: the escalation climbed to level %d", cs->esc_level);
        else snprintf(closed, sizeof closed, "resolved: the work on the case ended (%s)",
                      cs ? rg_state_name(cs->state) : "erased");
    }
    if (l->all || (open && !acked)) {
        rg_w_map(&l->out, rg_map_size(m) + 3);
        for (uint32_t i = 0; i < rg_map_size(m); i++) {
            rg_w_val(&l->out, rg_map_key(m, i));
            rg_w_val(&l->out, rg_map_value(m, i));
        }
        rg_w_kbool(&l->out, "open", open);
        rg_w_kstr(&l->out, "text", line);
        rg_w_cstr(&l->out, "resolved");
        if (open) {
            rg_w_nil(&l->out);
        } else {
            rg_w_map(&l->out, 2);
            rg_w_kstr(&l->out, "why", reason);
            rg_w_kstr(&l->out, "text", closed);
        }
        l->count++;
    }
    l->next = n;
    rg_doc_free(d);
    return l->count >= l->limit ? 1 : 0;
}

/* Alerts name cases and what is stuck in them: every case listed is
 * audited as any read of case content (issue 20, finding 3). */
static void audit_alerts(rg_ctx *c, const uint8_t *p, size_t n)
{
    rg_doc *d = NULL;
    const char *why;
    char id[RG_ID_MAX];
    if (rg_doc_parse(&d, p, n, &why) < 0) return;
    const rg_val *list = rg_doc_root(d);
    for (uint32_t i = 0; i < rg_array_size(list); i++)
        if (rg_val_strcpy(rg_map_get(rg_array_at(list, i), "case"), id, sizeof id) && id[0])
            rg_ctx_audit_case(c, id);
    rg_doc_free(d);
}

int rg_h_alerts_list(rg_ctx *c)
{
    uint64_t after = 0, limit = ALERTS_DEFAULT;
    bool all = false, open = true;
    rg_val_uint(rg_ctx_field(c, "after"), &after);
    rg_val_uint(rg_ctx_field(c, "limit"), &limit);          /* 1..1000, by the schema */
    rg_val_bool(rg_ctx_field(c, "all"), &all);
    /* open: false, as before `all` existed, asks for all of them too. */
    if (rg_val_bool(rg_ctx_field(c, "open"), &open) && !open) all = true;
    listing l = {c, rg_ctx_actor(c), all, (uint32_t)limit, 0, after, RG_BUF_INIT, "", 0, RG_BUF_INIT, NULL};
    int rc = rg_alerts_each(rg_ctx_engine(c), l.a->id, after, list_one, &l);
    rg_doc_free(l.plan);
    rg_buf_free(&l.plan_bytes);
    if (rc < 0) {
        rg_buf_free(&l.out);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the alerts failed");
    }
    rg_buf arr = RG_BUF_INIT;
    rg_w_array(&arr, l.count);
    rg_buf_append(&arr, l.out.data, l.out.len);
    audit_alerts(c, arr.data, arr.len);
    rg_buf_free(&arr);
    rg_ctx_reply_array(c, "alerts", l.count, &l.out);
    rg_w_uint(rg_ctx_reply_key(c, "next"), l.next);
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
