/*
 * engine.c - the request pipeline: bytes in, reply out.
 *
 *   parse (bounded) -> envelope -> op table -> token -> role -> req/idempotency
 *   -> data schema -> case load + need-to-know -> expect -> handler
 *   -> apply its events (seq, version, hash link, projection) into the open
 *      commit -> reply waits for that commit to be durable (commit.c)
 *
 * Everything before the handler and the handler itself only read; the apply
 * step cannot fail.  So a request either changes nothing or all it declared.
 */
#include "engine.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access.h"
#include "ctx.h"
#include "engine_int.h"
#include "errors.h"

/* Runs once per loop turn in which commands wrote something, after all the
 * I/O of that turn was handled: everything gathered so far forms one commit. */
static void kick_cb(uv_idle_t *h)
{
    uv_idle_stop(h);
    rg_commit_kick(h->data);
}

int rg_engine_open(rg_engine **out, uv_loop_t *loop, const rg_engine_opts *o)
{
    *out = NULL;
    if (rg_crypto_init() < 0) return RG_ESTORAGE;
    if (rg_schema_validate() < 0) return RG_EBADREQ;
    if (mkdir(o->dir, 0700) < 0 && errno != EEXIST) {
        fprintf(stderr, "regie: cannot create %s: %s\n", o->dir, strerror(errno));
        return RG_ESTORAGE;
    }
    rg_engine *e = rg_calloc(1, sizeof *e);
    e->loop = loop;
    e->clock = o->clock;
    e->cache_cap = o->cache_cases ? o->cache_cases : RG_CACHE_CASES_DEFAULT;
    int rc = rg_log_open(&e->log, o->dir);
    if (rc < 0) {
        free(e);
        return rc;
    }
    rc = rg_store_load(e);
    if (rc < 0) {
        rg_store_unload(e);
        rg_log_close(e->log);
        free(e);
        return rc;
    }
    e->open = rg_commit_new(e);
    uv_idle_init(loop, &e->kick);
    e->kick.data = e;
    rg_feed_init(e);
    rg_due_init(e);
    e->due_timer.data = e;
    rg_config_defaults(&e->cfg);
    if (o->config && rg_config_load(o->config, &e->cfg) < 0) {
        rg_engine_close(e);
        uv_run(loop, UV_RUN_DEFAULT);
        return RG_EBADREQ;
    }
    if ((rc = rg_engine_resume_rebuild(e)) < 0) {
        rg_engine_close(e);
        uv_run(loop, UV_RUN_DEFAULT);
        return rc;
    }
    *out = e;
    return 0;
}

bool rg_engine_busy(const rg_engine *e)
{
    return e->inflight || e->open->nwrites > 0 || e->open->naudit > 0;
}

static void closed_cb(uv_handle_t *h)
{
    rg_engine *e = h->data;
    if (--e->closing_handles > 0) return;
    free(e->parked);
    rg_commit_free(e->open);
    rg_store_unload(e);
    rg_log_close(e->log);
    free(e);
}

void rg_engine_close(rg_engine *e)
{
    e->closing = true;
    rg_feed_close(e);
    uv_idle_stop(&e->kick);
    e->closing_handles = 3;
    uv_close((uv_handle_t *)&e->kick, closed_cb);
    uv_close((uv_handle_t *)&e->park_timer, closed_cb);
    uv_close((uv_handle_t *)&e->due_timer, closed_cb);
}

void rg_engine_set_notify(rg_engine *e, rg_notify_fn fn, void *ud)
{
    e->notify = fn;
    e->notify_ud = ud;
}

rg_log *rg_engine_log(rg_engine *e) { return e->log; }
uint64_t rg_engine_count(rg_engine *e, int state) { return e->counts[state]; }
uint64_t rg_engine_lead_count(rg_engine *e, int state) { return e->lead_counts[state]; }
uint64_t rg_engine_commits(rg_engine *e) { return e->stat_commits; }
uint64_t rg_engine_stagnations(rg_engine *e) { return e->stagnations; }
uint64_t rg_engine_committed_commands(rg_engine *e) { return e->stat_committed_cmds; }
uint64_t rg_engine_head(rg_engine *e) { return e->head_seq; }
uint64_t rg_engine_written_keys(rg_engine *e) { return e->stat_written_keys; }
uint64_t rg_engine_written_bytes(rg_engine *e) { return e->stat_written_bytes; }

void rg_engine_want_commit(rg_engine *e)
{
    if (!uv_is_active((uv_handle_t *)&e->kick)) uv_idle_start(&e->kick, kick_cb);
}

/* ---- replies ---- */

static void respond(rg_engine *e, rg_reply_fn fn, void *ud, const uint8_t *p, size_t n)
{
    rg_commit *t = rg_commit_newest(e);
    if (t) rg_commit_add_waiter(t, fn, ud, p, n);
    else fn(ud, p, n);
}

void rg_error_reply(rg_buf *out, int err, const char *msg)
{
    rg_buf_reset(out);
    rg_w_map(out, 3);
    rg_w_kbool(out, "ok", false);
    rg_w_kstr(out, "error", rg_strerror(err));
    rg_w_kstr(out, "message", msg);
}

/* ---- the envelope ---- */

static const char *const envelope_keys[] = {"op", "token", "req", "case", "expect", "data", NULL};

static int check_envelope(rg_ctx *c, const rg_val *root)
{
    if (rg_val_type(root) != RG_VMAP)
        return rg_ctx_fail(c, RG_EBADREQ, "the request must be a msgpack map, not %s",
                           rg_vtype_name(rg_val_type(root)));
    for (uint32_t i = 0; i < rg_map_size(root); i++) {
        const char *k;
        uint32_t kn;
        if (!rg_val_str(rg_map_key(root, i), &k, &kn))
            return rg_ctx_fail(c, RG_EBADREQ, "request keys must be strings");
        int known = 0;
        for (const char *const *ek = envelope_keys; *ek; ek++)
            if (strlen(*ek) == kn && memcmp(*ek, k, kn) == 0) known = 1;
        if (!known)
            return rg_ctx_fail(c, RG_EBADREQ, "unknown field %.*s", (int)(kn > 64 ? 64 : kn), k);
        for (uint32_t j = 0; j < i; j++) {
            const char *k2;
            uint32_t kn2;
            if (rg_val_str(rg_map_key(root, j), &k2, &kn2) && kn2 == kn && memcmp(k, k2, kn) == 0)
                return rg_ctx_fail(c, RG_EBADREQ, "field %.*s given twice", (int)kn, k);
        }
    }
    return 0;
}

static int authenticate(rg_ctx *c, const rg_val *root)
{
    const rg_val *tok = rg_map_get(root, "token");
    const char *p;
    uint32_t n;
    if (!tok) return rg_ctx_fail(c, RG_EUNAUTH, "no token: every operation needs one");
    if (!rg_val_str(tok, &p, &n)) return rg_ctx_fail(c, RG_EBADREQ, "token must be a string");
    uint8_t h[RG_HASH_LEN];
    rg_sha256(h, p, n);
    c->actor = rg_hmap_get(&c->e->tokens, h, RG_HASH_LEN);
    if (!c->actor) return rg_ctx_fail(c, RG_EUNAUTH, "unknown or revoked token");
    return 0;
}

/* The idempotency key "actor\0req" (NUL inside; length returned). */
static size_t idem_key(char *dst, const rg_actor *a, const char *req, uint32_t rn)
{
    size_t an = strlen(a->id);
    memcpy(dst, a->id, an + 1);
    memcpy(dst + an + 1, req, rn);
    dst[an + 1 + rn] = '\0';
    return an + 1 + rn;
}

/* 1 when the request repeats an earlier one and was answered; 0 to go on. */
static int idempotent_replay(rg_ctx *c, const char *key, size_t kn, rg_reply_fn fn, void *ud)
{
    rg_engine *e = c->e;
    rg_idem_pending *ip = rg_hmap_get(&e->idem_pending, key, kn);
    if (ip) {
        rg_commit_add_waiter(ip->commit, fn, ud, ip->reply, ip->len);
        return 1;
    }
    rg_buf v = RG_BUF_INIT;
    int rc = rg_log_get(e->log, RG_CF_IDEM, key, kn, &v);
    if (rc == RG_ENOTFOUND) return 0;
    if (rc < 0) {
        rg_buf_free(&v);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the idempotency record failed");
    }
    respond(e, fn, ud, v.data, v.len);
    rg_buf_free(&v);
    return 1;
}

/* ---- applying a successful change ---- */

static void stream_key(uint8_t *k, size_t *kn, const char *case_id, uint32_t v)
{
    size_t n = strlen(case_id);
    memcpy(k, case_id, n);
    k[n] = 0;
    rg_be32_put(k + n + 1, v);
    *kn = n + 5;
}

static void add_managers(rg_engine *e, rg_buf *b)
{
    rg_hmap_slot *s;
    for (size_t i = 0; (i = rg_hmap_next(&e->actors, i, &s)) != 0;) {
        const rg_actor *a = s->val;
        if (a->role == RG_ROLE_MANAGER && !a->revoked) rg_buf_append(b, a->id, strlen(a->id) + 1);
    }
}

/* "a\0b\0\0": the actors an event of this type alerts (events.c, column
 * alerts): the case's procesregisseur (every manager while none is
 * assigned), or every manager.  A stagnation on a case with an open
 * escalation is also reported to the level handling it: the managers. */
static char *alert_list(rg_engine *e, const rg_case *cs, const char *type)
{
    const rg_evdef *def = rg_event_find(type);
    rg_buf b = RG_BUF_INIT;
    int alert = def ? def->alert : RG_ALERT_NONE;
    if (alert == RG_ALERT_DIRECTOR && cs->procesregisseur[0]) {
        rg_buf_append(&b, cs->procesregisseur, strlen(cs->procesregisseur) + 1);
        if (cs->esc_level > 0) add_managers(e, &b);
    } else if (alert != RG_ALERT_NONE) {
        add_managers(e, &b);
    }
    rg_buf_put_u8(&b, 0);
    size_t n;
    return (char *)rg_buf_detach(&b, &n);
}

static void add_pending_event(rg_engine *e, rg_commit *t, uint64_t seq, uint64_t at,
                              const rg_case *cs, const char *type, const rg_buf *rec)
{
    if (t->nevents == t->capevents) {
        t->capevents = t->capevents ? t->capevents * 2 : 16;
        t->events = rg_realloc(t->events, t->capevents * sizeof *t->events);
    }
    rg_pending_event *pe = &t->events[t->nevents++];
    pe->seq = seq;
    pe->at = at;
    snprintf(pe->case_id, sizeof pe->case_id, "%s", cs->id);
    pe->type = type;
    size_t olen = 1;
    for (uint32_t i = 0; i < cs->nparts; i++) olen += strlen(cs->parts[i].org) + 1;
    pe->orgs = rg_malloc(olen);
    char *o = pe->orgs;
    for (uint32_t i = 0; i < cs->nparts; i++) o = stpcpy(o, cs->parts[i].org) + 1;
    *o = '\0';
    pe->alerts = alert_list(e, cs, type);
    pe->record = rg_malloc(rec->len);
    memcpy(pe->record, rec->data, rec->len);
    pe->len = rec->len;
}

static void apply_event(rg_ctx *c, rg_evb *ev, const rg_actor *actor, uint64_t seq)
{
    rg_buf data = RG_BUF_INIT;
    rg_evb_data(ev, &data);
    rg_doc *d;
    const char *why;
    int rc = rg_doc_parse(&d, data.data, data.len, &why);
    int before = c->cs->state;
    uint64_t since = c->cs->state_since;
    if (rc == 0) {
        rg_event_view view = {seq, c->cs->version + 1, c->now, ev->type, actor, rg_doc_root(d),
                              c->e->cfg.norm_amounts, NULL};
        rc = rg_case_apply(c->cs, &view);
        rg_doc_free(d);
    }
    rg_buf_free(&data);
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
        rg_lead_key(lk, before, c->now - since, seq);
        rg_batch_put(e->open->batch, RG_CF_LEADTIMES, lk, sizeof lk, "", 0);
    }
}

/* {ok: true, [case, version, seq, events,] extra...} */
static void write_reply(rg_buf *out, const rg_case *cs, uint64_t seq, int nevs,
                        const rg_buf *events, const rg_buf *extra, uint32_t nextra)
{
    rg_w_map(out, 1 + (cs ? 4 : 0) + nextra);
    rg_w_kbool(out, "ok", true);
    if (cs) {
        rg_w_kstr(out, "case", cs->id);
        rg_w_kuint(out, "version", cs->version);
        rg_w_kuint(out, "seq", seq);
        rg_w_cstr(out, "events");
        rg_w_array(out, (uint32_t)nevs);
        rg_buf_append(out, events->data, events->len);
    }
    rg_buf_append(out, extra->data, extra->len);
}

/* Append the events c->evs[from..] to the log and fold them into the case. */
static void append_events(rg_ctx *c, int from, rg_buf *rec, rg_buf *events, uint64_t *seq)
{
    rg_engine *e = c->e;
    rg_commit *t = e->open;
    for (int i = from; i < c->nevs; i++) {
        rg_evb *ev = c->evs[i];
        const rg_actor *actor = ev->actor ? ev->actor : c->actor;
        *seq = ++e->head_seq;
        uint32_t v = c->cs->version + 1;
        rg_record_build(rec, e->head_link, *seq, c->cs->id, v, c->now, actor, ev);
        memcpy(e->head_link, rec->data, RG_HASH_LEN);
        uint8_t sk[8];
        rg_be64_put(sk, *seq);
        rg_batch_put(t->batch, RG_CF_EVENTS, sk, 8, rec->data, rec->len);
        uint8_t key[RG_ID_MAX + 5];
        size_t kn;
        stream_key(key, &kn, c->cs->id, v);
        rg_batch_put(t->batch, RG_CF_STREAM, key, kn, sk, 8);
        apply_event(c, ev, actor, *seq);
        rg_feed_index(t->batch, c->cs, *seq, v);
        add_pending_event(e, t, *seq, c->now, c->cs, ev->type, rec);
        rg_record r;
        rg_record_parse(rec->data, rec->len, &r);
        rg_record_render(events, &r, rg_access_subject(c->actor, c->cs));
    }
}

/* Everything a successful command changes, into the open commit's batch:
 * its events (and the engine's stagnation.cleared for stagnations they met),
 * the projection, the deadline index, counters and staged writes.  Cannot
 * fail. */
static void stage_changes(rg_ctx *c, uint64_t *seq, rg_buf *events)
{
    rg_engine *e = c->e;
    rg_commit *t = e->open;
    rg_buf rec = RG_BUF_INIT;
    uint32_t old_stagnations = c->cs ? rg_case_stagnations(c->cs) : 0;
    rg_dl_snap snap = {0, NULL};
    if (c->cs) rg_dl_snapshot(c->cs, &snap);
    *seq = 0;
    int handler_events = c->nevs;
    append_events(c, 0, &rec, events, seq);
    if (c->cs && c->nevs) {
        rg_dl_cleared(c, &snap);
        append_events(c, handler_events, &rec, events, seq);
    }
    if (c->cs) {
        if (c->created) {
            rg_store_cache_put(e, c->cs);
            c->created = false;                  /* the cache owns it now */
            e->case_counter++;
        }
        e->stagnations += rg_case_stagnations(c->cs);
        e->stagnations -= old_stagnations;
        uint64_t earliest = rg_dl_index(t->batch, c->cs, &snap);
        if (earliest < e->due_next) e->due_next = earliest;
        if (earliest < t->dl_min) t->dl_min = earliest;
        rg_buf proj = RG_BUF_INIT;
        rg_case_encode(c->cs, &proj);
        rg_batch_put(t->batch, RG_CF_CASES, c->cs->id, strlen(c->cs->id), proj.data, proj.len);
        rg_buf_free(&proj);
    }
    rg_dl_snap_free(&snap);
    for (size_t i = 0; i < c->nstaged; i++) {
        rg_staged *s = &c->staged[i];
        rg_batch_put(t->batch, s->cf, s->k, s->kn, s->v, s->vn);
    }
    rg_buf_free(&rec);
    t->nwrites++;
}

const rg_opdef rg_system_op = {"system", NULL, 0, RG_OP_MUTATES, NULL};

void rg_commit_system(rg_ctx *c)
{
    uint64_t seq;
    rg_buf events = RG_BUF_INIT;
    stage_changes(c, &seq, &events);
    rg_buf_free(&events);
    rg_engine_want_commit(c->e);
}

static void commit_request(rg_ctx *c, const char *ikey, size_t ikn, rg_buf *reply)
{
    rg_commit *t = c->e->open;
    rg_buf events = RG_BUF_INIT;
    uint64_t seq;
    stage_changes(c, &seq, &events);

    /* The reply, and the copy kept for idempotent retries: the same bytes,
     * except that an RG_OP_SECRET op's secret is left out of the copy. */
    write_reply(reply, c->nevs ? c->cs : NULL, seq, c->nevs, &events, &c->extra, c->nextra);
    rg_buf stored = RG_BUF_INIT;
    const rg_buf *keep = reply;
    if (c->op->flags & RG_OP_SECRET) {
        write_reply(&stored, c->nevs ? c->cs : NULL, seq, c->nevs, &events, &c->stored, c->nstored);
        keep = &stored;
    }
    rg_commit_keep_idem(t, ikey, ikn, keep->data, keep->len);
    rg_buf_free(&stored);
    rg_buf_free(&events);
}

/* ---- the pipeline ---- */

static int run(rg_ctx *c, const uint8_t *p, size_t n, rg_doc **doc, rg_reply_fn fn, void *ud,
               char *ikey, size_t *ikn, int *answered)
{
    rg_engine *e = c->e;
    const char *why;
    *answered = 0;
    if (e->failed) return rg_ctx_fail(c, RG_ESTORAGE, "storage is unusable; see the engine log");
    if (n > RG_MAX_REQUEST)
        return rg_ctx_fail(c, RG_EBADREQ, "request of %zu bytes is larger than %u", n, RG_MAX_REQUEST);
    if (rg_doc_parse(doc, p, n, &why) < 0)
        return rg_ctx_fail(c, RG_EBADREQ, "not a valid msgpack message: %s", why);
    const rg_val *root = rg_doc_root(*doc);
    int rc = check_envelope(c, root);
    if (rc < 0) return rc;
    c->req = root;

    const char *opn;
    uint32_t opl;
    const rg_val *opv = rg_map_get(root, "op");
    if (!opv) return rg_ctx_fail(c, RG_EBADREQ, "op: required field missing");
    if (!rg_val_str(opv, &opn, &opl)) return rg_ctx_fail(c, RG_EBADREQ, "op must be a string");
    c->op = rg_op_find(opn, opl);
    if (!c->op)
        return rg_ctx_fail(c, RG_EUNKNOWNOP, "unknown operation %.*s", (int)(opl > 64 ? 64 : opl), opn);
    if ((rc = authenticate(c, root)) < 0) return rc;
    if (!(c->op->roles & (1u << c->actor->role)))
        return rg_ctx_fail(c, RG_EFORBIDDEN, "a %s may not %s", rg_role_name(c->actor->role),
                           c->op->name);

    if (c->op->flags & RG_OP_MUTATES) {
        const char *rq;
        uint32_t rn;
        const rg_val *reqv = rg_map_get(root, "req");
        if (!reqv) return rg_ctx_fail(c, RG_EBADREQ, "req: required for %s", c->op->name);
        if (!rg_val_str(reqv, &rq, &rn) || rn == 0 || rn > RG_REQ_ID_MAX || memchr(rq, 0, rn))
            return rg_ctx_fail(c, RG_EBADREQ, "req must be a string of 1..%d bytes", RG_REQ_ID_MAX);
        *ikn = idem_key(ikey, c->actor, rq, rn);
        rc = idempotent_replay(c, ikey, *ikn, fn, ud);
        if (rc < 0) return rc;
        if (rc == 1) {
            *answered = 1;
            return 0;
        }
    } else if (rg_map_get(root, "req") && rg_val_type(rg_map_get(root, "req")) != RG_VSTR) {
        return rg_ctx_fail(c, RG_EBADREQ, "req must be a string");
    }

    const rg_val *expv = rg_map_get(root, "expect");
    uint64_t expect = 0;
    if (expv && !rg_val_uint(expv, &expect))
        return rg_ctx_fail(c, RG_EBADREQ, "expect must be a non-negative integer");

    if (c->op->flags & RG_OP_CASE) {
        char id[RG_ID_MAX];
        const rg_val *cv = rg_map_get(root, "case");
        if (!cv) return rg_ctx_fail(c, RG_EBADREQ, "case: required for %s", c->op->name);
        if (!rg_val_strcpy(cv, id, sizeof id) || !id[0])
            return rg_ctx_fail(c, RG_EBADREQ, "case must be a string of 1..%d bytes", RG_ID_MAX - 1);
        rc = rg_store_case(e, id, &c->cs);
        if (rc == RG_ENOTFOUND) return rg_ctx_fail(c, RG_ENOTFOUND, "no case %s", id);
        if (rc < 0) return rg_ctx_fail(c, RG_ESTORAGE, "reading case %s failed", id);
        if (rg_access_read(c->actor, c->cs) < 0)
            return rg_ctx_fail(c, RG_EFORBIDDEN, "you may not see case %s", id);
        if (!rg_machine_allows(c->cs->route, c->cs->state, c->op->name))
            return rg_ctx_fail(c, RG_ETRANSITION, "case %s is in state %s: %s is not possible there",
                               id, rg_state_name(c->cs->state), c->op->name);
        if (expv && expect != c->cs->version)
            return rg_ctx_fail(c, RG_ECONFLICT, "case %s is at version %u, not %llu", id,
                               c->cs->version, (unsigned long long)expect);
    } else if (rg_map_get(root, "case")) {
        return rg_ctx_fail(c, RG_EBADREQ, "case: %s takes no case", c->op->name);
    }
    /* The data last: a step in the wrong state is invalid_transition
     * whatever its fields. */
    c->data = rg_map_get(root, "data");
    if ((rc = rg_schema_check(c->op->fields, c->data, c->msg, sizeof c->msg)) < 0) return rc;
    return c->op->fn(c);
}

void rg_engine_run(rg_engine *e, const uint8_t *p, size_t n, rg_reply_fn fn, void *ud,
                   uint64_t deadline, bool final)
{
    rg_ctx c;
    rg_ctx_init(&c, e);
    c.deadline = deadline;
    c.final = final;
    c.reply_fn = fn;
    c.reply_ud = ud;
    rg_doc *doc = NULL;
    rg_buf reply = RG_BUF_INIT;
    char ikey[RG_ID_MAX + RG_REQ_ID_MAX + 2];
    size_t ikn = 0;
    int answered;
    bool advance = false;
    int rc = run(&c, p, n, &doc, fn, ud, ikey, &ikn, &answered);
    if (rc < 0) {
        rg_error_reply(&reply, rc, c.msg[0] ? c.msg : rg_strerror(rc));
        respond(e, fn, ud, reply.data, reply.len);
    } else if (!answered && c.reply_taken) {
        /* The handler answers later (clock.advance), and keeps the answer
         * under this idempotency key then. */
        memcpy(e->advance.ikey, ikey, ikn);
        e->advance.ikn = ikn;
        advance = true;
    } else if (!answered && c.bug) {
        rg_error_reply(&reply, RG_ESTORAGE, "internal error: the step declared an unknown event; nothing was written");
        respond(e, fn, ud, reply.data, reply.len);
    } else if (!answered && (c.op->flags & RG_OP_MUTATES)) {
        commit_request(&c, ikey, ikn, &reply);
        rg_commit_add_waiter(e->open, fn, ud, reply.data, reply.len);
        rg_engine_want_commit(e);
    } else if (!answered && c.park_ms) {
        rg_feed_park(e, p, n, fn, ud, c.deadline ? c.deadline : uv_now(e->loop) + c.park_ms);
    } else if (!answered) {
        rg_audit_add(e, &c);
        write_reply(&reply, NULL, 0, 0, NULL, &c.extra, c.nextra);
        respond(e, fn, ud, reply.data, reply.len);
    }
    rg_buf_free(&reply);
    rg_ctx_cleanup(&c);
    rg_doc_free(doc);
    if (advance) rg_due_run(e);    /* fires what the new time passes, then replies */
}

void rg_engine_submit(rg_engine *e, const uint8_t *p, size_t n, rg_reply_fn fn, void *ud)
{
    rg_engine_run(e, p, n, fn, ud, 0, false);
}

void rg_engine_start(rg_engine *e)
{
    rg_due_run(e);
}

void rg_engine_unpark_all(rg_engine *e)
{
    rg_feed_close(e);
}
