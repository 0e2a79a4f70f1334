/*
 * queries.c - reading cases: case.get, case.history, stats.
 *
 * What a reader sees is decided by engine/access.c: a partner sees a case's
 * events only from the version at which its org joined; the person's identity
 * (data.subject) only goes to readers allowed to see it.  Replies to queries
 * wait, like every reply, until what they show is durable.
 */
#include <string.h>

#include "../engine/access.h"
#include "../engine/errors.h"
#include "handlers.h"

static int write_subject(rg_ctx *c, const rg_case *cs, rg_buf *out)
{
    rg_buf rec = RG_BUF_INIT;
    rg_record r;
    int rc = rg_engine_event(rg_ctx_engine(c), cs->report_seq, &rec);
    if (rc == 0) rc = rg_record_parse(rec.data, rec.len, &r);
    if (rc == 0) {
        if (r.subj_len) rg_buf_append(out, r.subj, r.subj_len);
        else rg_w_nil(out);
    }
    rg_buf_free(&rec);
    return rc < 0 ? RG_ESTORAGE : 0;
}

int rg_h_case_get(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    bool subject = rg_access_subject(rg_ctx_actor(c), cs);
    rg_buf *b = rg_ctx_reply_key(c, "case");
    rg_w_map(b, 12 + (subject ? 1 : 0));
    rg_w_kstr(b, "id", cs->id);
    rg_w_kstr(b, "state", rg_state_name(cs->state));
    rg_w_kstr(b, "route", cs->route);
    rg_w_kuint(b, "version", cs->version);
    rg_w_cstr(b, "procesregisseur");
    if (cs->procesregisseur[0]) rg_w_cstr(b, cs->procesregisseur); else rg_w_nil(b);
    rg_w_kstr(b, "reporter_org", cs->reporter_org);
    rg_w_kstr(b, "target_group", cs->target_group);
    rg_w_kstr(b, "urgency", cs->urgency);
    rg_w_kuint(b, "created_at", cs->created_at);
    rg_w_kuint(b, "updated_at", cs->updated_at);
    rg_w_kuint(b, "state_since", cs->state_since);
    rg_w_cstr(b, "participants");
    rg_w_array(b, cs->nparts);
    for (uint32_t i = 0; i < cs->nparts; i++) {
        rg_w_map(b, 2);
        rg_w_kstr(b, "org", cs->parts[i].org);
        rg_w_kuint(b, "since", cs->parts[i].since);
    }
    if (subject) {
        rg_w_cstr(b, "subject");
        if (write_subject(c, cs, b) < 0)
            return rg_ctx_fail(c, RG_ESTORAGE, "reading the report of %s failed", cs->id);
    }
    return 0;
}

typedef struct history {
    uint32_t v;               /* version of the event being visited */
    uint32_t since;
    bool subject;
    uint32_t count;
    rg_buf events;
} history;

static int add_event(void *ud, const rg_record *r)
{
    history *h = ud;
    if (++h->v < h->since) return 0;
    rg_record_render(&h->events, r, h->subject);
    h->count++;
    return 0;
}

int rg_h_case_history(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    const rg_actor *a = rg_ctx_actor(c);
    history h = {0, rg_access_since(a, cs), rg_access_subject(a, cs), 0, RG_BUF_INIT};
    int rc = rg_engine_case_events(rg_ctx_engine(c), cs, add_event, &h);
    if (rc < 0) {
        rg_buf_free(&h.events);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the events of %s failed", cs->id);
    }
    rg_w_cstr(rg_ctx_reply_key(c, "case"), cs->id);
    rg_w_uint(rg_ctx_reply_key(c, "version"), cs->version);
    rg_buf *b = rg_ctx_reply_key(c, "events");
    rg_w_array(b, h.count);
    rg_buf_append(b, h.events.data, h.events.len);
    rg_buf_free(&h.events);
    return 0;
}

int rg_h_stats(rg_ctx *c)
{
    rg_engine *e = rg_ctx_engine(c);
    rg_buf *b = rg_ctx_reply_key(c, "cases");
    rg_w_map(b, RG_NSTATES);
    uint64_t total = 0;
    for (int st = 0; st < RG_NSTATES; st++) {
        rg_w_kuint(b, rg_state_name(st), rg_engine_count(e, st));
        total += rg_engine_count(e, st);
    }
    rg_w_uint(rg_ctx_reply_key(c, "total"), total);
    rg_w_uint(rg_ctx_reply_key(c, "events"), rg_engine_head(e));
    return 0;
}
