/*
 * apply.c - applying a successful change: each event the handler declared
 * gets the next global position and the case's next version, its record
 * and hash link, and is folded into the projection by the event table's
 * apply function (the same one replay uses); then the event, its stream
 * and feed index keys, the projection's snapshot when one is due, the
 * deadline keys, staged writes and the idempotency record go into the open
 * commit's batch.  Cannot fail:
 * an event its own apply refuses (a bug) poisons the open commit instead,
 * which is then dropped whole (commit.c).
 */
#include "apply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/access.h"
#include "../domain/fold.h"
#include "../domain/seal.h"
#include "../domain/upcast.h"
#include "../storage/errors.h"
#include "alerts.h"
#include "dl_index.h"
#include "idem.h"
#include "feed_index.h"
#include "request.h"
#include "../domain/deadlines.h"
#include "reply.h"
#include "snapshot.h"

static void stream_key(uint8_t *k, size_t *kn, const char *case_id, uint32_t v)
{
    size_t n = strlen(case_id);
    memcpy(k, case_id, n);
    k[n] = 0;
    rg_be32_put(k + n + 1, v);
    *kn = n + 5;
}

static void add_pending_event(rg_engine *e, rg_commit *t, uint64_t seq, uint64_t at,
                              const rg_case *cs, const char *type, const rg_buf *rec, char *topics)
{
    (void)e;
    if (t->nevents == t->capevents) {
        t->capevents = t->capevents ? t->capevents * 2 : 16;
        t->events = rg_realloc(t->events, t->capevents * sizeof *t->events);
    }
    rg_pending_event *pe = &t->events[t->nevents++];
    pe->seq = seq;
    pe->at = at;
    snprintf(pe->case_id, sizeof pe->case_id, "%s", cs->id);
    pe->type = type;
    pe->topics = topics;
    pe->record = rg_malloc(rec->len);
    memcpy(pe->record, rec->data, rec->len);
    pe->len = rec->len;
}

/* Fold the event into the case; returns the notification topics it wakes
 * (its alerts are raised into the open commit as it folds). */
static char *apply_event(rg_ctx *c, rg_evb *ev, const rg_actor *actor, uint64_t seq)
{
    rg_buf data = RG_BUF_INIT;
    rg_evb_data(ev, &data);
    rg_doc *d;
    const char *why;
    char *topics = NULL;
    int rc = rg_doc_parse(&d, data.data, data.len, &why);
    int before = c->cs->state, esc_before = c->cs->esc_level;
    uint64_t since = c->cs->state_since;
    if (rc == 0) {
        rg_event_view view = {seq, c->cs->version + 1, c->now, ev->type, actor, rg_doc_root(d),
                              c->e->cfg.norm_amounts, NULL};
        rc = rg_fold_apply(c->cs, &view);
        if (rc == 0)
            topics = rg_alerts_raise(c->e, c->e->open->batch, c->cs, seq, view.v, c->now, ev->type,
                                     rg_doc_root(d));
        rg_doc_free(d);
    }
    rg_buf_free(&data);
    if (!topics) topics = rg_calloc(1, 1);
    if (rc < 0) {
        /* The handler emitted an event its own apply refuses: a bug.  Storing
         * it would keep an event the projection does not reflect, so the open
         * commit is dropped instead: every command in it is answered
         * storage_error and the state reloaded from the log (commit.c). */
        fprintf(stderr, "regie: bug: event %s does not apply to %s; dropping the open commit\n",
                ev->type, c->cs->id);
        c->e->open->poisoned = true;
    }
    /* Per event, as replay.c counts them, so a rebuild gives the same rows. */
    rg_engine *e = c->e;
    if (rg_count_state_change(e->counts, e->lead_counts, before, c->cs->state)) {
        uint8_t lk[RG_LEAD_KEY];
        size_t ln = rg_lead_key(lk, before, c->now - since, seq, c->cs->zvh);
        rg_batch_put(e->open->batch, RG_CF_LEADTIMES, lk, ln, "", 0);
        rg_tally_lead(&e->tallies, c->cs->zvh, c->cs->route, before, c->now - since);
    }
    if (rc == 0) rg_tally_escalation(&e->tallies, c->cs->zvh, c->cs->covenants, esc_before, c->cs->esc_level, ev->type);
    return topics;
}

/* The route of the case the event is on (a report names it). */
static int route_of(rg_ctx *c, const rg_evb *ev)
{
    if (c->cs->route >= 0 && c->cs->version > 0) return c->cs->route;
    rg_buf map = RG_BUF_INIT;
    rg_evb_data(ev, &map);
    rg_doc *d;
    const char *why;
    int route = c->cs->route >= 0 ? c->cs->route : RG_RT_DEFAULT;
    if (rg_doc_parse(&d, map.data, map.len, &why) == 0) {
        const char *p;
        uint32_t n;
        if (rg_val_str(rg_map_get(rg_doc_root(d), "route"), &p, &n) && rg_route_parse(p, n) >= 0)
            route = rg_route_parse(p, n);
        rg_doc_free(d);
    }
    rg_buf_free(&map);
    return route;
}

/* Record in the event the due times of the norms it sets, by its region's
 * configuration now (domain/deadlines.c rg_deadlines_plan): the fold, live
 * and in a rebuild, takes them from the event. */
static void stamp_norms(rg_ctx *c, rg_evb *ev, const rg_evdef *def)
{
    if (!def) return;
    rg_buf pairs = RG_BUF_INIT;
    const char *zvh = c->cs->zvh[0] ? c->cs->zvh : c->actor->zvh;
    uint32_t n = rg_deadlines_plan(route_of(c, ev), def, c->now, rg_config_region(&c->e->cfg, zvh), &pairs);
    if (n) {
        rg_w_cstr(&ev->data, "norms");
        rg_w_map(&ev->data, n);
        rg_buf_append(&ev->data, pairs.data, pairs.len);
        ev->nkeys++;
    }
    rg_buf_free(&pairs);
}

/* Append the events c->evs[from..] to the log and fold them into the case. */
static void append_events(rg_ctx *c, int from, rg_buf *rec, rg_buf *events, uint64_t *seq)
{
    rg_engine *e = c->e;
    rg_commit *t = e->open;
    for (int i = from; i < c->nevs; i++) {
        rg_evb *ev = c->evs[i];
        const rg_actor *actor = ev->actor ? ev->actor : c->actor;
        /* The open commit's events end at the head, and the head's link is
         * the last one's: the next event chains on without a gap. */
        RG_ASSERT(t->nevents == 0 || (t->events[t->nevents - 1].seq == e->head_seq &&
                                      memcmp(t->events[t->nevents - 1].record, e->head_link, RG_HASH_LEN) == 0));
        *seq = ++e->head_seq;
        uint32_t v = c->cs->version + 1;
        const rg_evdef *def = rg_event_find(ev->type);
        stamp_norms(c, ev, def);
        /* Personal data (the subject, free text) is sealed under the case's
         * own key before it is stored (domain/seal.h). */
        const char *item = def ? def->item : NULL;
        const rg_field *text = c->op ? c->op->fields : NULL;
        /* A person's data under their own key (a new person's is made here
         * and kept once their event is folded), so that erasing them
         * destroys theirs alone. */
        uint8_t pk[32];
        bool own = ev->person[0] && ev->subject.len && rg_store_person_key(e, c->cs, ev->person, t->batch, pk);
        if (rg_seal_wanted(ev, text, item) && rg_store_case_key(e, c->cs, t->batch))
            rg_seal_event(ev, c->cs->dk, own ? pk : NULL, c->cs->id, *seq, text, item);
        rg_record_build(rec, e->head_link, *seq, c->cs->id, v, c->now, actor, ev);
        RG_ASSERT(rec->len >= RG_REC_HDR);
        memcpy(e->head_link, rec->data, RG_HASH_LEN);
        uint8_t sk[8];
        rg_be64_put(sk, *seq);
        rg_batch_put(t->batch, RG_CF_EVENTS, sk, 8, rec->data, rec->len);
        uint8_t key[RG_ID_MAX + 5];
        size_t kn;
        stream_key(key, &kn, c->cs->id, v);
        rg_batch_put(t->batch, RG_CF_STREAM, key, kn, sk, 8);
        char *topics = apply_event(c, ev, actor, *seq);
        RG_ASSERT(c->cs->version == v || c->e->open->poisoned);   /* versions gapless per case */
        if (own) {
            int pi = rg_case_person(c->cs, ev->person);
            if (pi >= 0 && c->cs->persons[pi].key_state != RG_DK_PRESENT) {
                memcpy(c->cs->persons[pi].key, pk, sizeof pk);
                c->cs->persons[pi].key_state = RG_DK_PRESENT;
            }
            rg_wipe(pk, sizeof pk);
        }
        rg_feed_index(t->batch, c->cs, *seq, v);
        add_pending_event(e, t, *seq, c->now, c->cs, ev->type, rec, topics);
        rg_record r;
        rg_record_parse(rec->data, rec->len, &r);
        rg_render_event(events, &r, rg_access_subject(c->actor, c->cs), c->actor, c->cs);
    }
}

/* The persons of cs whose data was erased (bit i: P<i+1>). */
static uint64_t erased_persons(const rg_case *cs)
{
    uint64_t m = 0;
    _Static_assert(RG_PERSONS_MAX <= 64, "a mask of persons");
    for (uint32_t i = 0; i < cs->npersons; i++)
        if (cs->persons[i].erased) m |= 1ULL << i;
    return m;
}

/* Person i of cs erased (person.erased): their key out of this batch and,
 * once it is durable, out of the files (commit.c), with their records of
 * the processing log. */
static void drop_person_key(rg_engine *e, rg_commit *t, rg_case *cs, uint32_t i)
{
    char kid[RG_ID_MAX + 16], pid[16];
    snprintf(pid, sizeof pid, "P%u", i + 1);
    rg_person_key_id(kid, cs->id, pid);
    rg_batch_del(t->batch, RG_CF_KEYS, kid, strlen(kid));
    rg_processing_erase_person(e, t->batch, cs, i);
    rg_wipe(cs->persons[i].key, sizeof cs->persons[i].key);
    cs->persons[i].key_state = RG_DK_ABSENT;
    rg_commit_shred(t, kid);
}

/* Everything a successful command changes, into the open commit's batch:
 * its events (and the engine's stagnation.cleared for stagnations they met),
 * the projection, the deadline index, counters and staged writes.  Cannot
 * fail. */
static void stage_changes(rg_ctx *c, uint64_t *seq, rg_buf *events)
{
    rg_engine *e = c->e;
    rg_commit *t = e->open;
    /* Changes go only into the open commit, never one sealed or in flight. */
    RG_ASSERT(t && t != e->inflight && t->batch);
    rg_buf rec = RG_BUF_INIT;
    uint32_t old_stagnations = c->cs ? rg_case_stagnations(c->cs) : 0;
    /* The case's share of the figures comes out before its events are
     * folded and goes back after (a new case has none yet). */
    if (c->cs) rg_tally_case(&e->tallies, c->cs, -1);
    bool was_erased = c->cs && c->cs->erased;
    uint64_t persons_erased = c->cs ? erased_persons(c->cs) : 0;
    rg_dl_snap snap = {0, NULL};
    if (c->cs) rg_dl_snapshot(c->cs, &snap);
    *seq = 0;
    int handler_events = c->nevs;
    append_events(c, 0, &rec, events, seq);
    if (c->cs && c->nevs) {
        rg_dl_cleared(c, &snap);
        append_events(c, handler_events, &rec, events, seq);
    }
    if (c->cs && !c->cs->erased && erased_persons(c->cs) != persons_erased) {
        /* A person erased: their key goes, as a case's below. */
        uint64_t now_erased = erased_persons(c->cs) & ~persons_erased;
        for (uint32_t i = 0; i < c->cs->npersons; i++)
            if (now_erased >> i & 1) drop_person_key(e, t, c->cs, i);
    }
    if (c->cs && !was_erased && c->cs->erased) {
        /* Erased: the key goes in this batch, and from the files for good
         * once the batch is durable (commit.c, rg_log_shred: the range of
         * the case's id holds its persons' keys too). */
        rg_batch_del(t->batch, RG_CF_KEYS, c->cs->id, strlen(c->cs->id));
        for (uint32_t i = 0; i < c->cs->npersons; i++) {
            char kid[RG_ID_MAX + 16], pid[16];
            snprintf(pid, sizeof pid, "P%u", i + 1);
            rg_person_key_id(kid, c->cs->id, pid);
            rg_batch_del(t->batch, RG_CF_KEYS, kid, strlen(kid));
            rg_wipe(c->cs->persons[i].key, sizeof c->cs->persons[i].key);
            c->cs->persons[i].key_state = RG_DK_ABSENT;
        }
        /* Its processing log goes with it (the subject id is the key's),
         * but for the erasure's own record, written after. */
        rg_processing_erase(e, t->batch, c->cs);
        rg_processing_erasure(c);
        rg_wipe(c->cs->dk, sizeof c->cs->dk);
        c->cs->dk_state = RG_DK_ABSENT;
        rg_commit_shred(t, c->cs->id);
    }
    if (c->cs) {
        if (c->created) {
            char rk[RG_RX_KEY_MAX];
            rg_batch_put(t->batch, RG_CF_META, rk, rg_region_key(rk, c->cs->zvh, c->cs->id), "", 0);
            rg_store_cache_put(e, c->cs);
            c->created = false;                  /* the cache owns it now */
            if (c->cs->number) rg_store_note_number(e, c->cs->zvh, c->cs->number);
        }
        e->stagnations += rg_case_stagnations(c->cs);
        e->stagnations -= old_stagnations;
        rg_tally_case(&e->tallies, c->cs, +1);
        uint64_t earliest = rg_dl_index(t->batch, c->cs, &snap);
        if (earliest < e->dl_low) e->dl_low = earliest;
        if (earliest < t->dl_min) t->dl_min = earliest;
        /* The projection only now and then: a load folds the events
         * after its snapshot, which are in this batch (snapshot.h). */
        rg_snapshot_stage(t->batch, c->cs);
    }
    rg_dl_snap_free(&snap);
    for (size_t i = 0; i < c->nstaged; i++) {
        rg_staged *s = &c->staged[i];
        if (s->v) rg_batch_put(t->batch, s->cf, s->k, s->kn, s->v, s->vn);
        else rg_batch_del(t->batch, s->cf, s->k, s->kn);
    }
    rg_buf_free(&rec);
    t->nwrites++;
}

const rg_opdef rg_system_op = {"system", 0, RG_OP_MUTATES, NULL, NULL, NULL};

void rg_ctx_system(rg_ctx *c, rg_engine *e, rg_case *cs, const char *step)
{
    rg_ctx_init(c, e);
    c->actor = rg_system_actor();
    c->op = &rg_system_op;
    c->cs = cs;
    c->step = step;
    rg_trace_start(&c->trace, NULL, 0);
}

rg_ctx *rg_ctx_new_system(rg_engine *e, rg_case *cs, const char *step)
{
    rg_ctx *c = rg_malloc(sizeof *c);
    rg_ctx_system(c, e, cs, step);
    return c;
}

void rg_commit_system(rg_ctx *c)
{
    uint64_t seq;
    rg_buf events = RG_BUF_INIT;
    stage_changes(c, &seq, &events);
    rg_buf_free(&events);
    rg_processing_request(c);
    rg_commit_want(c->e);
}

/* The extra pairs as the stored copy keeps them: each span of events a
 * handler wrote (rg_ctx_reply_events) replaced by its reference. */
static void stored_extra(const rg_ctx *c, rg_buf *out)
{
    size_t at = 0;
    for (size_t i = 0; i < c->nspans; i++) {
        const rg_ref_span *sp = &c->spans[i];
        RG_ASSERT(sp->off >= at && sp->end <= c->extra.len);
        rg_buf_append(out, c->extra.data + at, sp->off - at);
        rg_buf_append(out, sp->ref.data, sp->ref.len);
        at = sp->end;
    }
    rg_buf_append(out, c->extra.data + at, c->extra.len - at);
}

void rg_commit_request(rg_ctx *c, rg_buf *reply)
{
    rg_commit *t = c->e->open;
    rg_buf events = RG_BUF_INIT;
    uint64_t seq;
    stage_changes(c, &seq, &events);
    const rg_case *cs = c->nevs ? c->cs : NULL;
    rg_write_reply(reply, cs, seq, c->nevs, &events, &c->extra, c->nextra);
    /* The changes of other cases that go with it (rg_ctx_also), in the same
     * commit: durable together with the request, or not at all. */
    for (int i = 0; i < c->nalso; i++) {
        if (!c->also[i]->nevs) continue;
        uint64_t aseq;
        rg_buf aevents = RG_BUF_INIT;
        stage_changes(c->also[i], &aseq, &aevents);
        rg_buf_free(&aevents);
    }

    /* The copy kept for idempotent retries holds no personal data: the
     * events it shows are references to their log positions, rendered again
     * on a repeat (idem.h), so an erased case's data is not kept here.  An
     * RG_OP_SECRET op's copy (and a repeat before it is durable) leaves its
     * secret out. */
    rg_buf extra = RG_BUF_INIT, ref = RG_BUF_INIT, copy = RG_BUF_INIT, stored = RG_BUF_INIT,
           nosecret = RG_BUF_INIT;
    const rg_buf *pending = reply;
    uint32_t nextra = c->nextra;
    if (c->op->flags & RG_OP_SECRET) {
        rg_buf_append(&extra, c->stored.data, c->stored.len);
        nextra = c->nstored;
        rg_write_reply(&nosecret, cs, seq, c->nevs, &events, &extra, nextra);
        pending = &nosecret;
    } else {
        stored_extra(c, &extra);
    }
    if (cs || c->nspans) {
        if (cs) {
            rg_idem_ref(&ref, cs->id, cs->version - (uint32_t)c->nevs + 1, cs->version,
                        rg_access_subject(c->actor, cs), false);
            rg_write_reply_ref(&copy, cs, seq, &ref, &extra, nextra);
        } else {
            rg_write_reply(&copy, NULL, seq, 0, &events, &extra, nextra);
        }
        rg_idem_store(&stored, copy.data, copy.len);
        rg_commit_keep_idem_as(t, c->ikey, c->ikn, pending->data, pending->len, stored.data, stored.len);
    } else {
        rg_commit_keep_idem(t, c->ikey, c->ikn, pending->data, pending->len);
    }
    rg_buf_free(&nosecret);
    rg_buf_free(&stored);
    rg_buf_free(&copy);
    rg_buf_free(&ref);
    rg_buf_free(&extra);
    rg_buf_free(&events);
}
