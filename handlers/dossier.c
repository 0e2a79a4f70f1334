/*
 * dossier.c - the escalation dossier (escalation.dossier, issue 21): what
 * the levels of the ladder read instead of the case file.  They need to know
 * that the network is stuck, not who the person is: the stuck norm and step
 * in words and since when, the ladder so far (each escalation with who was
 * alerted, each decision with its date, level and any new due date), which
 * organisation owes what, and the case's target group and urgency.  No
 * name, BSN, address or free text of the case (not the reasons, not the
 * decisions' words).
 *
 * Rendered from the case's events only (their public part: levels, norms,
 * items, orgs, due dates, times), so it is the same after a rebuild; read
 * by the case's procesregisseur, the region's managers, and the partner
 * managers and bestuur actors the ladder reached (domain/access.c,
 * RG_VIEW_DOSSIER).  Audited like every read of a case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/storage/errors.h"
#include "handlers.h"
#include "../engine/core/reads.h"

#define MAXS 64     /* open stagnations kept; a case has far fewer */
#define MAXO 128    /* actions and requests whose owner is kept */

typedef struct owner {
    char item[RG_ID_MAX], org[RG_ID_MAX], due[RG_DATE_MAX];
} owner;

typedef struct stag {
    char norm[64], item[RG_ID_MAX];
    uint64_t due, since;
} stag;

typedef struct walk {
    rg_buf ladder;            /* the ladder's steps, encoded */
    uint32_t nladder;
    owner own[MAXO];
    uint32_t nown;
    stag st[MAXS];
    uint32_t nst;
    char target_group[RG_ID_MAX], urgency[RG_ID_MAX];
    uint64_t esc_since;       /* the open escalation's first case.escalated, 0: none open */
    int level;
} walk;

static owner *owner_of(walk *w, const char *item)
{
    for (uint32_t i = 0; i < w->nown; i++)
        if (strcmp(w->own[i].item, item) == 0) return &w->own[i];
    if (w->nown == MAXO) return NULL;
    owner *o = &w->own[w->nown++];
    memset(o, 0, sizeof *o);
    snprintf(o->item, sizeof o->item, "%s", item);
    return o;
}

static void plan_owners(walk *w, const rg_val *actions)
{
    for (uint32_t i = 0; i < rg_array_size(actions); i++) {
        const rg_val *a = rg_array_at(actions, i);
        char id[RG_ID_MAX] = "";
        if (!rg_val_strcpy(rg_map_get(a, "id"), id, sizeof id)) continue;
        owner *o = owner_of(w, id);
        if (!o) return;
        rg_val_strcpy(rg_map_get(a, "owner_org"), o->org, sizeof o->org);
        rg_val_strcpy(rg_map_get(a, "due"), o->due, sizeof o->due);
    }
}

static void drop_stag(walk *w, const char *norm, const char *item)
{
    for (uint32_t i = 0; i < w->nst; i++)
        if (strcmp(w->st[i].norm, norm) == 0 && strcmp(w->st[i].item, item) == 0) {
            w->st[i] = w->st[--w->nst];
            return;
        }
}

/* Who a case.escalated alerted, as roles and orgs (alerts.c's rule). */
static void write_alerted(rg_buf *b, uint64_t level, const rg_val *orgs)
{
    uint32_t n = 2 + (level >= 2 ? rg_array_size(orgs) : 0) + (level >= RG_ESC_TOP);
    rg_w_array(b, n);
    rg_w_cstr(b, "procesregisseur");
    rg_w_cstr(b, "manager");
    for (uint32_t i = 0; level >= 2 && i < rg_array_size(orgs); i++) {
        char org[RG_ID_MAX] = "", who[RG_ID_MAX + 20];
        rg_val_strcpy(rg_array_at(orgs, i), org, sizeof org);
        snprintf(who, sizeof who, "partner_manager:%s", org);
        rg_w_cstr(b, who);
    }
    if (level >= RG_ESC_TOP) rg_w_cstr(b, "bestuur");
}

static int step(void *ud, const rg_record *r)
{
    walk *w = ud;
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, r->pub, r->pub_len, &why) < 0) return RG_ESTORAGE;
    const rg_val *ev = rg_doc_root(d), *data = rg_map_get(ev, "data");
    const rg_val *type = rg_map_get(ev, "type");
    uint64_t at = 0, level = 0;
    rg_val_uint(rg_map_get(ev, "at"), &at);
    rg_val_uint(rg_map_get(data, "level"), &level);
    char norm[64] = "", item[RG_ID_MAX] = "";
    rg_val_strcpy(rg_map_get(data, "norm"), norm, sizeof norm);
    rg_val_strcpy(rg_map_get(data, "item"), item, sizeof item);
    if (rg_val_is_str(type, "case.reported")) {
        rg_val_strcpy(rg_map_get(data, "target_group"), w->target_group, sizeof w->target_group);
        rg_val_strcpy(rg_map_get(data, "urgency"), w->urgency, sizeof w->urgency);
    } else if (rg_val_is_str(type, "plan.proposed") || rg_val_is_str(type, "plan.revision_proposed")) {
        plan_owners(w, rg_map_get(data, "actions"));
    } else if (rg_val_is_str(type, "info.requested")) {
        char id[RG_ID_MAX] = "";
        owner *o = rg_val_strcpy(rg_map_get(data, "request"), id, sizeof id) ? owner_of(w, id) : NULL;
        if (o) {
            rg_val_strcpy(rg_map_get(data, "org"), o->org, sizeof o->org);
            rg_val_strcpy(rg_map_get(data, "due"), o->due, sizeof o->due);
        }
    } else if (rg_val_is_str(type, "stagnation.detected") && w->nst < MAXS) {
        stag *s = &w->st[w->nst++];
        memset(s, 0, sizeof *s);
        snprintf(s->norm, sizeof s->norm, "%s", norm);
        snprintf(s->item, sizeof s->item, "%s", item);
        rg_val_uint(rg_map_get(data, "due"), &s->due);
        s->since = at;
    } else if (rg_val_is_str(type, "stagnation.cleared")) {
        drop_stag(w, norm, item);
    } else if (rg_val_is_str(type, "case.escalated")) {
        bool autoesc = false;
        rg_val_bool(rg_map_get(data, "auto"), &autoesc);
        if (!w->level) w->esc_since = at;
        w->level = (int)level;
        rg_w_map(&w->ladder, norm[0] ? 7 : 5);
        rg_w_kstr(&w->ladder, "step", "escalated");
        rg_w_kuint(&w->ladder, "at", at);
        rg_w_kuint(&w->ladder, "level", level);
        rg_w_kstr(&w->ladder, "by", autoesc ? "engine" : "procesregisseur");
        rg_w_cstr(&w->ladder, "alerted");
        write_alerted(&w->ladder, level, rg_map_get(data, "orgs"));
        if (norm[0]) {
            rg_w_kstr(&w->ladder, "norm", norm);
            rg_w_kstr(&w->ladder, "item", item);
        }
        w->nladder++;
    } else if (rg_val_is_str(type, "escalation.resolved")) {
        char role[32] = "", new_due[RG_DATE_MAX] = "";
        rg_val_strcpy(rg_map_get(rg_map_get(ev, "actor"), "role"), role, sizeof role);
        bool nd = rg_val_strcpy(rg_map_get(data, "new_due"), new_due, sizeof new_due);
        rg_w_map(&w->ladder, nd ? 7 : 4);
        rg_w_kstr(&w->ladder, "step", "decided");
        rg_w_kuint(&w->ladder, "at", at);
        rg_w_kuint(&w->ladder, "level", level);
        rg_w_kstr(&w->ladder, "by", role);
        if (nd) {
            rg_w_kstr(&w->ladder, "new_due", new_due);
            rg_w_kstr(&w->ladder, "norm", norm);
            rg_w_kstr(&w->ladder, "item", item);
        }
        w->nladder++;
        w->level = 0;
        w->esc_since = 0;
    } else if (rg_val_is_str(type, "case.closed") || rg_val_is_str(type, "case.ended") ||
               rg_val_is_str(type, "intake.rejected") || rg_val_is_str(type, "aftercare.checked")) {
        w->level = 0;                 /* the work ended, and its escalation with it */
        w->esc_since = 0;
    }
    rg_doc_free(d);
    return 0;
}

static void write_stag(rg_buf *b, const walk *w, const stag *s)
{
    const rg_norm_words *words = rg_norm_words_of(s->norm);
    const owner *o = NULL;
    for (uint32_t i = 0; s->item[0] && i < w->nown; i++)
        if (strcmp(w->own[i].item, s->item) == 0) o = &w->own[i];
    rg_w_map(b, 6);
    rg_w_kstr(b, "norm", s->norm);
    rg_w_kstr(b, "what", words ? words->what : s->norm);
    rg_w_kstr(b, "item", s->item);
    rg_w_cstr(b, "org");
    if (o && o->org[0]) rg_w_cstr(b, o->org); else rg_w_nil(b);
    rg_w_kuint(b, "due", s->due);
    rg_w_kuint(b, "since", s->since);
}

int rg_h_escalation_dossier(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    walk *w = rg_calloc(1, sizeof *w);
    int rc = rg_reads_case_events(rg_ctx_engine(c), cs, step, w);
    if (rc < 0) {
        rg_buf_free(&w->ladder);
        free(w);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the events of %s failed", cs->id);
    }
    rg_ctx_audit_case(c, cs->id);
    rg_w_cstr(rg_ctx_reply_key(c, "case"), cs->id);
    rg_buf *b = rg_ctx_reply_key(c, "dossier");
    rg_w_map(b, 8);
    rg_w_kstr(b, "state", rg_state_name(cs->state));
    rg_w_kstr(b, "target_group", w->target_group);
    rg_w_kstr(b, "urgency", w->urgency);
    rg_w_cstr(b, "escalation");
    if (w->level) {
        rg_w_map(b, 2);
        rg_w_kuint(b, "level", (uint64_t)w->level);
        rg_w_kuint(b, "since", w->esc_since);
    } else {
        rg_w_nil(b);
    }
    /* The stuck step: the stagnation the ladder's first escalation named
     * that is still open, else the oldest open one. */
    const stag *stuck = NULL;
    for (uint32_t i = 0; i < w->nst; i++)
        if (cs->ladder_norm >= 0 && strcmp(w->st[i].norm, rg_norms[cs->ladder_norm].name) == 0 &&
            strcmp(w->st[i].item, cs->ladder_item) == 0)
            stuck = &w->st[i];
    for (uint32_t i = 0; !stuck && i < w->nst; i++)
        if (!stuck || w->st[i].since < stuck->since) stuck = &w->st[i];
    rg_w_cstr(b, "stuck");
    if (stuck) write_stag(b, w, stuck); else rg_w_nil(b);
    rg_w_cstr(b, "stagnations");
    rg_w_array(b, w->nst);
    for (uint32_t i = 0; i < w->nst; i++) write_stag(b, w, &w->st[i]);
    /* Which organisation owes what: the overdue actions and requests. */
    uint32_t nowes = 0;
    for (uint32_t i = 0; i < w->nst; i++)
        for (uint32_t j = 0; w->st[i].item[0] && j < w->nown; j++)
            nowes += strcmp(w->own[j].item, w->st[i].item) == 0 && w->own[j].org[0];
    rg_w_cstr(b, "owes");
    rg_w_array(b, nowes);
    for (uint32_t i = 0; i < w->nst; i++)
        for (uint32_t j = 0; w->st[i].item[0] && j < w->nown; j++) {
            const owner *o = &w->own[j];
            if (strcmp(o->item, w->st[i].item) != 0 || !o->org[0]) continue;
            rg_w_map(b, 4);
            rg_w_kstr(b, "org", o->org);
            rg_w_kstr(b, "kind", strcmp(w->st[i].norm, "info.answer") == 0 ? "request" : "action");
            rg_w_kstr(b, "item", o->item);
            rg_w_kuint(b, "overdue_since", w->st[i].since);
        }
    rg_w_cstr(b, "ladder");
    rg_w_array(b, w->nladder);
    rg_buf_append(b, w->ladder.data, w->ladder.len);
    rg_buf_free(&w->ladder);
    free(w);
    return 0;
}
