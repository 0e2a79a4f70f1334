/*
 * queries.c - reading cases: case.get, case.history, cases.list, stats.
 *
 * What a reader sees is decided by engine/domain/access.c: a partner sees a case's
 * events only from the version at which its org joined; the person's identity
 * (data.subject) only goes to readers allowed to see it; admins see no case
 * content.  Replies to queries wait, like every reply, until what they show
 * is durable.  stats carries counts and durations only, no personal data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/core/persons.h"
#include "../engine/core/tally.h"
#include "../engine/domain/access.h"
#include "../engine/domain/seal.h"
#include "../engine/storage/errors.h"
#include "../engine/services/services.h"
#include "handlers.h"
#include "../engine/core/reads.h"
#include "../engine/domain/deadlines.h"

static void kstr_or_nil(rg_buf *b, const char *key, const char *val)
{
    rg_w_cstr(b, key);
    if (val[0]) rg_w_cstr(b, val); else rg_w_nil(b);
}

/* persons: [{person, role, minor}] of the persons not removed; minor (from
 * the birth date) only to a reader of the persons' data, else nil; an
 * erased person with `erased: true` (and minor nil: nothing of them is
 * left to read), a restricted one with `restricted: true`. */
static int write_persons(rg_ctx *c, rg_buf *b, const rg_case *cs, bool readable)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < cs->npersons; i++) n += !cs->persons[i].removed;
    rg_w_cstr(b, "persons");
    rg_w_array(b, n);
    for (uint32_t i = 0; i < cs->npersons; i++) {
        if (cs->persons[i].removed) continue;
        char id[16];
        snprintf(id, sizeof id, "P%u", i + 1);
        bool restricted = cs->persons[i].restricted && !cs->persons[i].erased;
        rg_w_map(b, 3 + cs->persons[i].erased + restricted);
        rg_w_kstr(b, "person", id);
        if (cs->persons[i].erased) rg_w_kbool(b, "erased", true);
        /* Their processing restricted (their granted restriction or
         * objection): their data is the ZVH's alone to read until lifted. */
        if (restricted) rg_w_kbool(b, "restricted", true);
        rg_w_kstr(b, "role", cs->persons[i].role);
        rg_w_cstr(b, "minor");
        bool minor = false;
        /* Nothing of a person the reader may not see, their age included. */
        bool shown = readable && !cs->persons[i].erased && rg_access_person(rg_ctx_actor(c), cs, id);
        int rc = shown ? rg_person_minor(rg_ctx_engine(c), cs, i, rg_ctx_now(c), &minor) : RG_ENOTFOUND;
        if (rc == 0) rg_w_bool(b, minor);
        else if (rc == RG_ENOTFOUND) rg_w_nil(b);
        else return rc;
    }
    return 0;
}

/* perspectives: [{person, seq, wishes, withheld}], beside the plan: each
 * person's latest client.perspective (the history holds every one), of the
 * persons not removed whom the reader may see; an erased person's words
 * are gone (wishes nil, withheld). */
static int write_perspectives(rg_ctx *c, rg_buf *b, const rg_case *cs, bool readable)
{
    const rg_actor *a = rg_ctx_actor(c);
    bool shown[RG_PERSONS_MAX] = {false};
    uint32_t n = 0;
    for (uint32_t i = 0; i < cs->npersons; i++) {
        char id[16];
        snprintf(id, sizeof id, "P%u", i + 1);
        shown[i] = readable && cs->persons[i].perspective && !cs->persons[i].removed && rg_access_person(a, cs, id);
        n += shown[i];
    }
    rg_w_cstr(b, "perspectives");
    rg_w_array(b, n);
    for (uint32_t i = 0; i < cs->npersons; i++) {
        if (!shown[i]) continue;
        char id[16];
        snprintf(id, sizeof id, "P%u", i + 1);
        rg_buf words = RG_BUF_INIT;
        rg_doc *d = NULL;
        const char *why;
        int rc = cs->persons[i].erased ? RG_ENOTFOUND
                                       : rg_event_subject(rg_ctx_engine(c), cs, cs->persons[i].perspective, &words);
        if (rc == 0 && rg_doc_parse(&d, words.data, words.len, &why) < 0) rc = RG_ESTORAGE;
        const rg_val *w = rc == 0 ? rg_map_get(rg_doc_root(d), "wishes") : NULL;
        if (rc == 0 || rc == RG_ENOTFOUND) {
            rg_w_map(b, 4);
            rg_w_kstr(b, "person", id);
            rg_w_kuint(b, "seq", cs->persons[i].perspective);
            rg_w_cstr(b, "wishes");
            if (w) rg_w_val(b, w); else rg_w_nil(b);
            rg_w_kbool(b, "withheld", !w);
        }
        rg_doc_free(d);
        rg_buf_free(&words);
        if (rc < 0 && rc != RG_ENOTFOUND) return rc;
    }
    return 0;
}

static const char *const action_status[] = {"open", "done", "handed_over"};

/* persons: the ids of mask (whom an action or a request is about), [] for none. */
static void write_about(rg_buf *b, uint64_t mask)
{
    uint32_t n = 0;
    for (uint64_t m = mask; m; m &= m - 1) n++;
    rg_w_cstr(b, "persons");
    rg_w_array(b, n);
    for (uint32_t i = 0; i < 64 && mask >> i; i++) {
        if (!(mask >> i & 1)) continue;
        char id[16];
        snprintf(id, sizeof id, "P%u", i + 1);
        rg_w_cstr(b, id);
    }
}

/* The report as this reader may see it: the person (subject) and the
 * summary, whose text a classified summary withholds (access.c). */
typedef struct report {
    rg_buf rec, opened;
    rg_record r;
    rg_doc *pub;
    const rg_val *data;
    bool summary_readable;
} report;

static int read_report(rg_ctx *c, const rg_case *cs, report *rp)
{
    memset(rp, 0, sizeof *rp);
    const char *why;
    rg_record sealed;
    int rc = rg_reads_event(rg_ctx_engine(c), cs->report_seq, &rp->rec);
    if (rc == 0) rc = rg_record_parse(rp->rec.data, rp->rec.len, &sealed);
    /* Opened with the case's key; an erased case's person and summary stay out. */
    rg_keyring k;
    rg_case_keyring(cs, &k);
    if (rc == 0) rc = rg_record_open_keys(&sealed, cs->id, &k, &rp->opened, &rp->r);
    if (rc == 0) rc = rg_doc_parse(&rp->pub, rp->r.pub, rp->r.pub_len, &why);
    if (rc < 0) return RG_ESTORAGE;
    rp->data = rg_map_get(rg_doc_root(rp->pub), "data");
    char cls[32] = "", source[RG_ID_MAX] = "";
    rg_val_strcpy(rg_map_get(rp->data, "class"), cls, sizeof cls);
    rg_val_strcpy(rg_map_get(rg_map_get(rg_doc_root(rp->pub), "actor"), "org"), source, sizeof source);
    rp->summary_readable = !cs->erased && rg_access_item(rg_ctx_actor(c), cs, cls, source, cs->report_seq);
    return 0;
}

static void report_free(report *rp)
{
    rg_doc_free(rp->pub);
    rg_buf_free(&rp->opened);
    rg_buf_free(&rp->rec);
}

/* summary, class, withheld: three pairs */
static void write_summary(rg_buf *b, const report *rp)
{
    rg_w_cstr(b, "summary");
    const rg_val *sum = rg_map_get(rp->data, "summary");
    if (rp->summary_readable && sum) rg_w_val(b, sum); else rg_w_nil(b);
    rg_w_cstr(b, "class");
    const rg_val *cls = rg_map_get(rp->data, "class");
    if (cls) rg_w_val(b, cls); else rg_w_cstr(b, "ordinary");
    rg_w_kbool(b, "withheld", !rp->summary_readable);
}

/* The actions the reader may see: not those about a person kept from its
 * org (person.share). */
static void write_actions(rg_buf *b, const rg_actor *reader, const rg_case *cs, const rg_action *acts, uint32_t n)
{
    uint32_t shown = 0;
    for (uint32_t i = 0; i < n; i++) shown += rg_access_persons(reader, cs, acts[i].persons);
    rg_w_cstr(b, "actions");
    rg_w_array(b, shown);
    for (uint32_t i = 0; i < n; i++) {
        const rg_action *a = &acts[i];
        if (!rg_access_persons(reader, cs, a->persons)) continue;
        rg_w_map(b, 5);
        rg_w_kstr(b, "id", a->id);
        kstr_or_nil(b, "owner_org", a->owner);
        kstr_or_nil(b, "due", a->due);
        rg_w_kstr(b, "status", action_status[a->status]);
        write_about(b, a->persons);
    }
}

/* The orgs owning an action of the plan in force: every one agreed it. */
static void write_owners(rg_buf *b, const rg_case *cs)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < cs->nactions; i++) {
        uint32_t j = 0;
        while (j < i && strcmp(cs->actions[j].owner, cs->actions[i].owner) != 0) j++;
        n += j == i && cs->actions[i].owner[0];
    }
    rg_w_array(b, n);
    for (uint32_t i = 0; i < cs->nactions; i++) {
        uint32_t j = 0;
        while (j < i && strcmp(cs->actions[j].owner, cs->actions[i].owner) != 0) j++;
        if (j == i && cs->actions[i].owner[0]) rg_w_cstr(b, cs->actions[i].owner);
    }
}

static void write_plan(rg_buf *b, const rg_actor *reader, const rg_case *cs, uint32_t since)
{
    /* A plan version proposed before the reader's org joined stays hidden. */
    if (!cs->plan_rev || cs->plan_v < since) {
        rg_w_nil(b);
        return;
    }
    rg_w_map(b, 6);
    rg_w_kuint(b, "rev", cs->plan_rev);
    rg_w_kbool(b, "agreed", cs->plan_agreed);
    kstr_or_nil(b, "casusregisseur", cs->casusregisseur);
    write_actions(b, reader, cs, cs->actions, cs->nactions);
    rg_w_cstr(b, "agreed_by");
    if (cs->revising) {
        write_owners(b, cs);
    } else {
        rg_w_array(b, cs->nagreed);
        for (uint32_t i = 0; i < cs->nagreed; i++) rg_w_cstr(b, cs->agreed[i]);
    }
    /* A revision waiting for agreement while this plan stays in force. */
    rg_w_cstr(b, "revision");
    if (!cs->revising || cs->rev_v < since) {
        rg_w_nil(b);
        return;
    }
    rg_w_map(b, 4);
    rg_w_kuint(b, "rev", cs->rev_no);
    kstr_or_nil(b, "casusregisseur", cs->rev_casus);
    write_actions(b, reader, cs, cs->rev, cs->nrev);
    rg_w_cstr(b, "agreed_by");
    rg_w_array(b, cs->nagreed);
    for (uint32_t i = 0; i < cs->nagreed; i++) rg_w_cstr(b, cs->agreed[i]);
}

/* Is the deadline about something the reader may not see (an information
 * request or a plan from before its org joined; a request or an action
 * about a person kept from its org)? */
static bool hidden_deadline(const rg_actor *reader, const rg_case *cs, const rg_deadline *d, uint32_t since)
{
    const rg_request *q = d->item[0] ? rg_case_request((rg_case *)cs, d->item) : NULL;
    if (q && strcmp(rg_norms[d->norm].name, "info.answer") == 0)
        return q->v < since || !rg_access_persons(reader, cs, q->persons);
    if (strcmp(rg_norms[d->norm].name, "action.done") == 0) {
        const rg_action *x = d->item[0] ? rg_case_action((rg_case *)cs, d->item) : NULL;
        return cs->plan_v < since || (x && !rg_access_persons(reader, cs, x->persons));
    }
    return false;
}

/* Open deadlines (not yet passed) and stagnations (passed unmet). */
static void write_deadlines(rg_buf *b, const rg_actor *reader, const rg_case *cs, uint32_t since)
{
    uint32_t nst = 0, nopen = 0;
    for (uint32_t i = 0; i < cs->ndl; i++)
        if (!hidden_deadline(reader, cs, &cs->dl[i], since)) cs->dl[i].fired ? nst++ : nopen++;
    rg_w_cstr(b, "deadlines");
    rg_w_array(b, nopen);
    for (uint32_t i = 0; i < cs->ndl; i++) {
        const rg_deadline *d = &cs->dl[i];
        if (d->fired || hidden_deadline(reader, cs, d, since)) continue;
        rg_w_map(b, 3);
        rg_w_kstr(b, "norm", rg_norms[d->norm].name);
        kstr_or_nil(b, "item", d->item);
        rg_w_kuint(b, "due", d->due);
    }
    rg_w_cstr(b, "stagnations");
    rg_w_array(b, nst);
    for (uint32_t i = 0; i < cs->ndl; i++) {
        const rg_deadline *d = &cs->dl[i];
        if (!d->fired || hidden_deadline(reader, cs, d, since)) continue;
        rg_w_map(b, 5);
        rg_w_kstr(b, "norm", rg_norms[d->norm].name);
        kstr_or_nil(b, "item", d->item);
        rg_w_kuint(b, "due", d->due);
        rg_w_kuint(b, "since", d->fired_at);
        rg_w_cstr(b, "escalates_at");
        if (d->escalate_at) rg_w_uint(b, d->escalate_at); else rg_w_nil(b);
    }
}

/* The triage view of an unassigned case, for a procesregisseur to take it:
 * no person, no history. */
static int write_triage(rg_ctx *c, const rg_case *cs)
{
    report rp;
    if (read_report(c, cs, &rp) < 0) return rg_ctx_fail(c, RG_ESTORAGE, "reading the report of %s failed", cs->id);
    rg_buf *b = rg_ctx_reply_key(c, "case");
    rg_w_map(b, 15);
    rg_w_kstr(b, "id", cs->id);
    rg_w_kuint(b, "number", cs->number);
    rg_w_kbool(b, "triage", true);
    rg_w_kstr(b, "state", rg_state_name(cs->state));
    rg_w_kstr(b, "route", rg_route_name(cs->route));
    rg_w_kstr(b, "target_group", cs->target_group);
    rg_w_kstr(b, "urgency", cs->urgency);
    write_summary(b, &rp);
    rg_w_kstr(b, "reporter_org", cs->reporter_org);
    kstr_or_nil(b, "procesregisseur", cs->procesregisseur);
    rg_w_kuint(b, "created_at", cs->created_at);
    rg_w_kuint(b, "updated_at", cs->updated_at);
    rg_w_kuint(b, "state_since", cs->state_since);
    report_free(&rp);
    return 0;
}

int rg_h_case_get(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    const rg_actor *a = rg_ctx_actor(c);
    rg_view view = rg_access_view(a, cs);
    rg_ctx_audit_case(c, cs->id);
    if (view == RG_VIEW_TRIAGE) return write_triage(c, cs);
    /* A partner sees what happened from the version its org joined:
     * earlier participants, requests and plan versions stay hidden. */
    uint32_t since = rg_access_since(a, cs);
    report rp;
    if (read_report(c, cs, &rp) < 0) return rg_ctx_fail(c, RG_ESTORAGE, "reading the report of %s failed", cs->id);
    bool subject = rg_access_subject(a, cs);
    rg_buf *b = rg_ctx_reply_key(c, "case");
    rg_w_map(b, 29 + (subject ? 1 : 0));
    rg_w_kstr(b, "id", cs->id);
    rg_w_kuint(b, "number", cs->number);
    if (write_persons(c, b, cs, subject) < 0) {
        report_free(&rp);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the persons of %s failed", cs->id);
    }
    kstr_or_nil(b, "casusregisseur", cs->casusregisseur);
    rg_w_kuint(b, "relapses", cs->relapses);
    rg_w_kbool(b, "erased", cs->erased);
    rg_w_kstr(b, "state", rg_state_name(cs->state));
    rg_w_kstr(b, "route", rg_route_name(cs->route));
    rg_w_kuint(b, "version", cs->version);
    kstr_or_nil(b, "procesregisseur", cs->procesregisseur);
    rg_w_kstr(b, "reporter_org", cs->reporter_org);
    rg_w_kstr(b, "target_group", cs->target_group);
    rg_w_kstr(b, "urgency", cs->urgency);
    write_summary(b, &rp);
    rg_w_kuint(b, "created_at", cs->created_at);
    rg_w_kuint(b, "updated_at", cs->updated_at);
    rg_w_kuint(b, "state_since", cs->state_since);
    kstr_or_nil(b, "release_date", cs->release_date);
    kstr_or_nil(b, "referred_to", cs->referred_to);
    uint32_t nparts = 0;
    for (uint32_t i = 0; i < cs->nparts; i++)
        nparts += cs->parts[i].since >= since || strcmp(cs->parts[i].org, a->org) == 0;
    rg_w_cstr(b, "participants");
    rg_w_array(b, nparts);
    for (uint32_t i = 0; i < cs->nparts; i++) {
        if (cs->parts[i].since < since && strcmp(cs->parts[i].org, a->org) != 0) continue;
        rg_w_map(b, 2);
        rg_w_kstr(b, "org", cs->parts[i].org);
        rg_w_kuint(b, "since", cs->parts[i].since);
    }
    /* Requests from the reader's version on, and not about a person kept
     * from its org (person.share). */
    uint32_t nreqs = 0;
    for (uint32_t i = 0; i < cs->nreqs; i++)
        nreqs += cs->reqs[i].v >= since && rg_access_persons(a, cs, cs->reqs[i].persons);
    rg_w_cstr(b, "requests");
    rg_w_array(b, nreqs);
    for (uint32_t i = 0; i < cs->nreqs; i++) {
        if (cs->reqs[i].v < since || !rg_access_persons(a, cs, cs->reqs[i].persons)) continue;
        rg_w_map(b, 5);
        rg_w_kstr(b, "id", cs->reqs[i].id);
        rg_w_kstr(b, "org", cs->reqs[i].org);
        kstr_or_nil(b, "due", cs->reqs[i].due);
        rg_w_kstr(b, "status", cs->reqs[i].answered ? "answered" : "open");
        write_about(b, cs->reqs[i].persons);
    }
    rg_w_cstr(b, "meeting");
    if (cs->meeting_at[0]) {
        rg_w_map(b, 3);
        rg_w_kstr(b, "at", cs->meeting_at);
        rg_w_kbool(b, "held", cs->meeting_held);
        rg_w_kstr(b, "kind", cs->meeting_eval ? "evaluation" : "case");
    } else {
        rg_w_nil(b);
    }
    rg_w_cstr(b, "plan");
    write_plan(b, a, cs, since);
    if (write_perspectives(c, b, cs, subject) < 0) {
        report_free(&rp);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the perspectives of %s failed", cs->id);
    }
    rg_w_cstr(b, "escalation");
    if (cs->esc_level) {
        rg_w_map(b, 1);
        rg_w_kuint(b, "level", (uint64_t)cs->esc_level);
    } else {
        rg_w_nil(b);
    }
    write_deadlines(b, a, cs, since);
    if (subject) {
        /* The current subject: the report's, or its last correction. */
        rg_w_cstr(b, "subject");
        if (!rg_access_person(rg_ctx_actor(c), cs, "P1")) {
            rg_w_nil(b);                          /* P1 limited to other orgs (person.share) */
        } else if (cs->subject_seq == cs->report_seq) {
            if (rp.r.subj_len && !cs->erased) rg_buf_append(b, rp.r.subj, rp.r.subj_len);
            else rg_w_nil(b);
        } else {
            int rc = rg_case_subject(rg_ctx_engine(c), cs, b);
            if (rc == RG_ENOTFOUND) rg_w_nil(b);
            else if (rc < 0) {
                report_free(&rp);
                return rg_ctx_fail(c, RG_ESTORAGE, "reading the subject of %s failed", cs->id);
            }
        }
    }
    report_free(&rp);
    return 0;
}

typedef struct history {
    uint32_t v;               /* version of the event being visited */
    uint32_t since;
    bool subject;
    uint32_t count;
    rg_buf events;
    const rg_actor *reader;
    const rg_case *cs;
} history;

static int add_event(void *ud, const rg_record *r)
{
    history *h = ud;
    if (++h->v < h->since) {
        /* Before the reader's org joined: only an item released to it. */
        if (!h->cs->nrel || rg_access_view(h->reader, h->cs) != RG_VIEW_PARTNER) return 0;
        rg_doc *d;
        const char *why;
        uint64_t seq = 0;
        if (rg_doc_parse(&d, r->pub, r->pub_len, &why) < 0) return RG_ESTORAGE;
        rg_val_uint(rg_map_get(rg_doc_root(d), "seq"), &seq);
        rg_doc_free(d);
        if (!rg_access_event(h->reader, h->cs, h->v, seq)) return 0;
    }
    /* Not an event about a person kept from the reader's org (person.share). */
    if (!rg_render_shown(r, h->reader, h->cs)) return 0;
    rg_render_event(&h->events, r, h->subject, h->reader, h->cs);
    h->count++;
    return 0;
}

int rg_h_case_history(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    const rg_actor *a = rg_ctx_actor(c);
    history h = {0, rg_access_since(a, cs), rg_access_subject(a, cs), 0, RG_BUF_INIT, a, cs};
    int rc = rg_reads_case_events(rg_ctx_engine(c), cs, add_event, &h);
    if (rc < 0) {
        rg_buf_free(&h.events);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the events of %s failed", cs->id);
    }
    if (h.count) rg_ctx_audit_case(c, cs->id);
    rg_w_cstr(rg_ctx_reply_key(c, "case"), cs->id);
    rg_w_uint(rg_ctx_reply_key(c, "version"), cs->version);
    rg_buf *b = rg_ctx_reply_key(c, "events");
    rg_w_array(b, h.count);
    rg_buf_append(b, h.events.data, h.events.len);
    rg_buf_free(&h.events);
    return 0;
}

#define LIST_DEFAULT 50

typedef struct listing {
    rg_ctx *c;
    const rg_actor *actor;
    int state;                /* -1: any */
    bool stagnating;          /* only cases with an open stagnation */
    uint32_t limit, count;
    char last[RG_ID_MAX];
    bool more;
    rg_buf out;
} listing;

static int list_case(void *ud, const rg_case *cs)
{
    listing *l = ud;
    rg_view view = rg_access_view(l->actor, cs);
    if (view == RG_VIEW_NONE || (l->state >= 0 && cs->state != l->state)) return 0;
    if (l->stagnating && !rg_case_stagnations(cs)) return 0;
    if (l->count == l->limit) {
        l->more = true;
        return 1;
    }
    rg_w_map(&l->out, 12);
    rg_w_kstr(&l->out, "id", cs->id);
    rg_w_kuint(&l->out, "number", cs->number);
    rg_w_kbool(&l->out, "triage", view == RG_VIEW_TRIAGE);
    rg_w_kstr(&l->out, "target_group", cs->target_group);
    rg_w_kstr(&l->out, "urgency", cs->urgency);
    rg_w_kuint(&l->out, "created_at", cs->created_at);
    rg_w_kuint(&l->out, "stagnations", rg_case_stagnations(cs));
    rg_w_kstr(&l->out, "state", rg_state_name(cs->state));
    rg_w_kstr(&l->out, "route", rg_route_name(cs->route));
    rg_w_kuint(&l->out, "version", cs->version);
    kstr_or_nil(&l->out, "procesregisseur", cs->procesregisseur);
    rg_w_kuint(&l->out, "updated_at", cs->updated_at);
    snprintf(l->last, sizeof l->last, "%s", cs->id);
    rg_ctx_audit_case(l->c, cs->id);
    l->count++;
    return 0;
}

int rg_h_cases_list(rg_ctx *c)
{
    listing l = {c, rg_ctx_actor(c), -1, false, LIST_DEFAULT, 0, "", false, RG_BUF_INIT};
    rg_val_bool(rg_ctx_field(c, "stagnating"), &l.stagnating);
    const char *s;
    uint32_t n;
    /* state one of states.def, limit 1..1000: by the schema */
    if (rg_val_str(rg_ctx_field(c, "state"), &s, &n)) l.state = rg_state_parse(s, n);
    uint64_t limit;
    if (rg_val_uint(rg_ctx_field(c, "limit"), &limit)) l.limit = (uint32_t)limit;
    char after[RG_ID_MAX];
    rg_field_str(c, "after", after, sizeof after);
    /* Only the caller's region can hold a case it may see (access.c). */
    int rc = rg_reads_each_case_in(rg_ctx_engine(c), l.actor->zvh, after[0] ? after : NULL, list_case, &l);
    if (rc < 0) {
        rg_buf_free(&l.out);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the cases failed");
    }
    rg_ctx_reply_array(c, "cases", l.count, &l.out);
    rg_buf *b = rg_ctx_reply_key(c, "next");
    if (l.more) rg_w_cstr(b, l.last); else rg_w_nil(b);
    /* The engine's now, so a client counts ages by the engine's clock (a
     * manual one included), not its own. */
    rg_w_uint(rg_ctx_reply_key(c, "now"), rg_ctx_now(c));
    return 0;
}

int rg_h_stats(rg_ctx *c)
{
    rg_engine *e = rg_ctx_engine(c);
    /* The caller's region's figures, kept as cases change (core/tally.h),
     * without the covenant cases it may not see: a region sees nothing of
     * another, aggregates included. */
    const rg_actor *reader = rg_ctx_actor(c);
    rg_tally rt;
    rg_tallies_region(rg_engine_tallies(e), reader->zvh, reader->covenants, &rt);
    rg_buf *r = rg_ctx_reply_key(c, "routes");
    rg_w_map(r, RG_NROUTES);
    for (int i = 0; i < RG_NROUTES; i++) {
        rg_w_cstr(r, rg_route_name(i));
        rg_w_map(r, 2);
        rg_w_kuint(r, "open", rt.open[i]);
        rg_w_kuint(r, "total", rt.all[i]);
    }
    rg_w_uint(rg_ctx_reply_key(c, "relapses"), rt.relapses);
    rg_buf *b = rg_ctx_reply_key(c, "cases");
    rg_w_map(b, RG_NSTATES);
    uint64_t total = 0;
    for (int st = 0; st < RG_NSTATES; st++) {
        rg_w_kuint(b, rg_state_name(st), rt.states[st]);
        total += rt.states[st];
    }
    rg_w_uint(rg_ctx_reply_key(c, "total"), total);
    rg_w_cstr(rg_ctx_reply_key(c, "zvh"), reader->zvh);
    /* The events of the region's cases the caller may see (issue 20,
     * finding 14: the log's head grew with every region's work, so a
     * manager watched another region's volume). */
    rg_w_uint(rg_ctx_reply_key(c, "events"), rt.events);
    rg_w_uint(rg_ctx_reply_key(c, "open_stagnations"), rt.stagnations);
    /* The engine's own figures, of all regions together, for its operator
     * only: the log's head, how well group commit batches (commits and the
     * commands they carried since the start), how late deadlines fire. */
    if (rg_admin_is_operator(reader)) {
        rg_w_uint(rg_ctx_reply_key(c, "log_head"), rg_engine_head(e));
        b = rg_ctx_reply_key(c, "group_commit");
        rg_w_map(b, 2);
        rg_w_kuint(b, "commits", rg_engine_commits(e));
        rg_w_kuint(b, "commands", rg_engine_committed_commands(e));
        uint64_t fired;
        const rg_due *du = rg_services_due(e);
        uint64_t p50 = rg_due_lateness_pct(du, 50, &fired), p99 = rg_due_lateness_pct(du, 99, &fired);
        b = rg_ctx_reply_key(c, "deadline_lateness_ms");
        rg_w_map(b, 3);
        rg_w_kuint(b, "fired", fired);
        rg_w_kuint(b, "p50_at_most", p50);
        rg_w_kuint(b, "p99_at_most", p99);
    }
    /* Median time spent in each step, over the region's cases that left it. */
    b = rg_ctx_reply_key(c, "lead_time_ms");
    uint32_t n = 0;
    uint64_t med[RG_NSTATES], cnt[RG_NSTATES];
    bool has[RG_NSTATES];
    for (int st = 0; st < RG_NSTATES; st++) {
        /* Counted as stays end (core/tally.h), not read from the rows. */
        int rc = rg_tally_median(rg_engine_tallies(e), reader->zvh, st, &med[st], &cnt[st]);
        if (rc < 0 && rc != RG_ENOTFOUND) return rg_ctx_fail(c, RG_ESTORAGE, "reading lead times failed");
        has[st] = rc == 0;
        n += has[st];
    }
    rg_w_map(b, n);
    for (int st = 0; st < RG_NSTATES; st++) {
        if (!has[st]) continue;
        uint64_t p90 = 0;
        rg_tally_percentile(rg_engine_tallies(e), reader->zvh, st, 90, &p90);
        rg_w_cstr(b, rg_state_name(st));
        rg_w_map(b, 3);
        rg_w_kuint(b, "median", med[st]);
        rg_w_kuint(b, "p90", p90);
        rg_w_kuint(b, "cases", cnt[st]);
    }
    /* The same per route (issue 21): a route's steps are of a length of
     * their own (MDA++'s phases, a re-entry's weeks before release).  Only
     * the routes and steps with stays that ended. */
    b = rg_ctx_reply_key(c, "lead_time_by_route");
    char rk[RG_NROUTES][RG_LEAD_NAME_MAX];
    uint32_t nr = 0, nst[RG_NROUTES];
    for (int ro = 0; ro < RG_NROUTES; ro++) {
        nst[ro] = 0;
        if (!rg_tally_route_name(rk[ro], reader->zvh, ro)) continue;
        for (int st = 0; st < RG_NSTATES; st++) {
            uint64_t m, k;
            nst[ro] += rg_tally_median(rg_engine_tallies(e), rk[ro], st, &m, &k) == 0;
        }
        nr += nst[ro] > 0;
    }
    rg_w_map(b, nr);
    for (int ro = 0; ro < RG_NROUTES; ro++) {
        if (!nst[ro]) continue;
        rg_w_cstr(b, rg_route_name(ro));
        rg_w_map(b, nst[ro]);
        for (int st = 0; st < RG_NSTATES; st++) {
            uint64_t m, k, p90 = 0;
            if (rg_tally_median(rg_engine_tallies(e), rk[ro], st, &m, &k) != 0) continue;
            rg_tally_percentile(rg_engine_tallies(e), rk[ro], st, 90, &p90);
            rg_w_cstr(b, rg_state_name(st));
            rg_w_map(b, 3);
            rg_w_kuint(b, "median", m);
            rg_w_kuint(b, "p90", p90);
            rg_w_kuint(b, "cases", k);
        }
    }
    /* Issue 21: the stays still running, counted up to now (a case 36 days
     * in execution reads 36 days, not nothing): per open state, how many
     * and their mean age, from the start times the tally sums. */
    uint64_t now = rg_ctx_now(c);
    n = 0;
    for (int st = 0; st < RG_NSTATES; st++) n += rg_state_open(st) && rt.states[st] > 0;
    b = rg_ctx_reply_key(c, "running_ms");
    rg_w_map(b, n);
    for (int st = 0; st < RG_NSTATES; st++) {
        if (!rg_state_open(st) || !rt.states[st]) continue;
        uint64_t mean_since = rt.since_sum[st] / rt.states[st];
        rg_w_cstr(b, rg_state_name(st));
        rg_w_map(b, 2);
        rg_w_kuint(b, "cases", rt.states[st]);
        rg_w_kuint(b, "mean", now > mean_since ? now - mean_since : 0);
    }
    /* Escalations by level: open now, and how high each case's ladder ever
     * reached. */
    b = rg_ctx_reply_key(c, "escalations");
    rg_w_map(b, 5);
    _Static_assert(RG_ESC_TOP == 3, "a name for each level");
    const char *const lv[] = {"", "1", "2", "3"};
    rg_w_cstr(b, "open");
    rg_w_map(b, RG_ESC_TOP);
    for (int l = 1; l <= RG_ESC_TOP; l++) rg_w_kuint(b, lv[l], rt.esc_open[l]);
    rg_w_cstr(b, "reached");
    rg_w_map(b, RG_ESC_TOP);
    for (int l = 1; l <= RG_ESC_TOP; l++) rg_w_kuint(b, lv[l], rt.esc_reached[l]);
    /* How the escalations of each level ended (issue 21): decided at that
     * level, climbed on to the next, or ended with the case's work. */
    const struct { const char *name; const uint64_t *n; } outcome[] = {
        {"decided", rt.esc_decided}, {"climbed", rt.esc_climbed}, {"ended", rt.esc_ended}};
    for (size_t o = 0; o < sizeof outcome / sizeof *outcome; o++) {
        rg_w_cstr(b, outcome[o].name);
        rg_w_map(b, RG_ESC_TOP);
        for (int l = 1; l <= RG_ESC_TOP; l++) rg_w_kuint(b, lv[l], outcome[o].n[l]);
    }
    /* Overdue actions and information requests open now, per organisation
     * that owes them (issue 21), kept as stagnations fire and are met. */
    rg_owed_row *rows;
    size_t no = rg_tallies_owed(rg_engine_tallies(e), reader->zvh, reader->covenants, &rows);
    b = rg_ctx_reply_key(c, "overdue_by_org");
    rg_w_map(b, (uint32_t)no);
    for (size_t i = 0; i < no; i++) rg_w_kuint(b, rows[i].org, rows[i].n);
    free(rows);
    return 0;
}
