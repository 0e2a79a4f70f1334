/*
 * pipeline.c - the request pipeline: bytes in, reply out.
 *
 *   parse (bounded) -> envelope (valid UTF-8) -> op table -> token -> role
 *   -> req/idempotency -> data schema -> case load + need-to-know -> expect
 *   -> handler
 *   -> apply its events into the open commit (apply.c) -> the reply waits
 *      for that commit to be durable (commit.c)
 *
 * Everything before the handler and the handler itself only read; the apply
 * step cannot fail.  So a request either changes nothing or all it declared.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/access.h"
#include "../storage/crypto.h"
#include "../storage/errors.h"
#include "apply.h"
#include "idem.h"
#include "../domain/seal.h"
#include "persons.h"
#include "pipeline.h"
#include "request.h"
#include "reply.h"

static void respond(rg_engine *e, rg_reply_fn fn, void *ud, const uint8_t *p, size_t n)
{
    rg_commit *t = rg_commit_newest(e);
    if (t) rg_commit_add_waiter(t, fn, ud, p, n);
    else fn(ud, p, n);
}

/* ---- the envelope ---- */

static const char *const envelope_keys[] = {"op", "token", "req", "case", "expect", "data", "trace", NULL};

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
            return rg_utf8_ok(k, kn > 64 ? 64 : kn)
                       ? rg_ctx_fail(c, RG_EBADREQ, "unknown field %.*s", (int)(kn > 64 ? 64 : kn), k)
                       : rg_ctx_fail(c, RG_EBADREQ, "a field name that is not valid UTF-8");
        /* Text of the envelope is valid UTF-8 without NUL before anything is
         * looked up or echoed in a message. */
        const char *sv;
        uint32_t sn;
        if (rg_val_str(rg_map_value(root, i), &sv, &sn) && !rg_utf8_ok(sv, sn))
            return rg_ctx_fail(c, RG_EBADREQ, "%.*s: must be valid UTF-8 without NUL bytes", (int)kn, k);
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
    /* An expired token is refused like an unknown one: its holder gets a
     * new one from an admin (actor.rotate). */
    if (c->actor->expires && rg_clock_now(&c->e->clock) >= c->actor->expires) {
        c->actor = NULL;
        return rg_ctx_fail(c, RG_EUNAUTH, "the token has expired; an admin gives a new one (actor.rotate)");
    }
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

static void notify_read(rg_engine *e, rg_ctx *c);

/* The cases a stored reply shows (its `case`, and each of its `cases`: an
 * id or a map with one), noted for the audit trail. */
static void audit_reply_cases(rg_ctx *c, const uint8_t *p, size_t n)
{
    rg_doc *d = NULL;
    const char *why;
    char id[RG_ID_MAX];
    if (rg_doc_parse(&d, p, n, &why) < 0) return;
    const rg_val *root = rg_doc_root(d);
    if (rg_val_strcpy(rg_map_get(root, "case"), id, sizeof id) && id[0]) rg_ctx_audit_case(c, id);
    const rg_val *cases = rg_map_get(root, "cases");
    for (uint32_t i = 0; i < rg_array_size(cases); i++) {
        const rg_val *v = rg_array_at(cases, i);
        if (rg_val_type(v) == RG_VMAP) v = rg_map_get(v, "case");
        if (rg_val_strcpy(v, id, sizeof id) && id[0]) rg_ctx_audit_case(c, id);
    }
    rg_doc_free(d);
}

/* A repeat is answered with the first reply, whose `trace` names the
 * first request's span; showing that reply again is a processing of its
 * own, recorded in the same trace as a span of its own whose parent is
 * the first's (so the trace the reply gives leads to both). */
static void repeat_span(rg_ctx *c, const uint8_t *p, size_t n)
{
    rg_doc *d = NULL;
    const char *why, *tp;
    uint32_t tn;
    rg_trace t;
    if (rg_doc_parse(&d, p, n, &why) == 0 && rg_val_str(rg_map_get(rg_doc_root(d), "trace"), &tp, &tn) &&
        rg_trace_start(&t, tp, tn) == 0)
        c->trace = t;
    rg_doc_free(d);
}

/* A repeat answered with its first reply.  Showing it again is a
 * processing of the cases it shows (a change's reply shows its events):
 * its processing records, and when the operation returns personal data (it
 * has a purpose) its audit record, go into the open commit and the reply
 * waits for that commit (commits become durable in order, so also after
 * the first one's). */
static void replay_answer(rg_ctx *c, rg_commit *first, const uint8_t *p, size_t n, rg_reply_fn fn, void *ud)
{
    rg_engine *e = c->e;
    size_t records = e->open->naudit;
    repeat_span(c, p, n);
    audit_reply_cases(c, p, n);
    if (c->op->purpose) {
        rg_ctx_audit_query(c);
        notify_read(e, c);
    }
    rg_processing_request(c);
    if (e->open->naudit > records) {
        rg_commit_add_waiter(e->open, fn, ud, p, n);
        rg_commit_want(e);
    } else if (first) {
        rg_commit_add_waiter(first, fn, ud, p, n);
    } else {
        respond(e, fn, ud, p, n);
    }
}

/* A refused read of the case the caller named: the audit trail keeps the
 * id only when it is one the engine mints (an opaque id whose check
 * character holds, or an older log's "ZVH-" and digits; ctx.c), else
 * "malformed" -- a caller-chosen id may be a name or a BSN typed into it,
 * which must not land in the trail (issue 20, finding 10). */
static void note_refused(rg_ctx *c, const char *id)
{
    size_t n = strlen(id);
    bool minted = rg_case_id_checks(id) ||
                  (n > 4 && n <= 4 + 18 && strncmp(id, "ZVH-", 4) == 0 && strspn(id + 4, "0123456789") == n - 4);
    c->refused_case = true;
    snprintf(c->refused_id, sizeof c->refused_id, "%s", minted ? id : "malformed");
}

/* 1 when the request repeats an earlier one and was answered; 0 to go on. */
static int idempotent_replay(rg_ctx *c, const char *key, size_t kn, rg_reply_fn fn, void *ud)
{
    rg_engine *e = c->e;
    rg_idem_pending *ip = rg_hmap_get(&e->idem_pending, key, kn);
    if (ip) {
        replay_answer(c, ip->commit, ip->reply, ip->len, fn, ud);
        return 1;
    }
    rg_buf v = RG_BUF_INIT;
    int rc = rg_log_get(e->log, RG_CF_IDEM, key, kn, &v);
    if (rc == RG_ENOTFOUND) return 0;
    if (rc < 0) {
        rg_buf_free(&v);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the idempotency record failed");
    }
    rg_buf reply = RG_BUF_INIT;
    rc = rg_idem_open(e, v.data, v.len, key, kn, &reply);
    rg_buf_free(&v);
    if (rc < 0) {
        rg_buf_free(&reply);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the idempotency record failed");
    }
    replay_answer(c, NULL, reply.data, reply.len, fn, ud);
    rg_buf_free(&reply);
    return 1;
}

/* ---- the pipeline ---- */

/* One request on its way through the steps. */
typedef struct req {
    rg_ctx *c;
    const rg_val *root;       /* the decoded envelope */
    const rg_val *expv;       /* `expect`, when given */
    uint64_t expect;
    rg_reply_fn fn;
    void *ud;
    int *answered;            /* set when a repeat was answered from its first reply */
} req;

/* The request's span: in the caller's trace (a traceparent in `trace`) or a
 * new one; the processing log and the audit record carry it, the reply
 * returns it. */
static int step_trace(req *r)
{
    rg_ctx *c = r->c;
    const rg_val *tv = rg_map_get(r->root, "trace");
    const char *tp = NULL;
    uint32_t tpn = 0;
    if (tv && !rg_val_str(tv, &tp, &tpn))
        return rg_ctx_fail(c, RG_EBADREQ, "trace must be a string (a W3C traceparent)");
    if (rg_trace_start(&c->trace, tp, tpn) < 0)
        return rg_ctx_fail(c, RG_EBADREQ, "trace: not a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)");
    char tps[RG_TRACEPARENT_LEN + 1];
    rg_trace_format(&c->trace, tps);
    rg_w_cstr(rg_ctx_reply_key(c, "trace"), tps);
    return 0;
}

/* The operation, from the contract's table. */
static int step_op(req *r)
{
    rg_ctx *c = r->c;
    const char *opn;
    uint32_t opl;
    const rg_val *opv = rg_map_get(r->root, "op");
    if (!opv) return rg_ctx_fail(c, RG_EBADREQ, "op: required field missing");
    if (!rg_val_str(opv, &opn, &opl)) return rg_ctx_fail(c, RG_EBADREQ, "op must be a string");
    c->op = rg_op_find(opn, opl);
    if (!c->op)
        return rg_ctx_fail(c, RG_EUNKNOWNOP, "unknown operation %.*s", (int)(opl > 64 ? 64 : opl), opn);
    return 0;
}

static int step_token(req *r) { return authenticate(r->c, r->root); }

/* The op's roles hold the actor's. */
static int step_role(req *r)
{
    rg_ctx *c = r->c;
    if (c->op->roles & (1u << c->actor->role)) return 0;
    /* A read of case content the role may never make is a refused read
     * too: recorded with the case it named. */
    char id[RG_ID_MAX];
    if (c->op->purpose && rg_val_strcpy(rg_map_get(r->root, "case"), id, sizeof id) && id[0]) {
        c->refused_case = true;
        note_refused(c, id);
    }
    return rg_ctx_fail(c, RG_EFORBIDDEN, "%s %s may not %s", strchr("aeiou", rg_role_name(c->actor->role)[0]) ? "an" : "a",
                       rg_role_name(c->actor->role), c->op->name);
}

/* A change names its `req`; a repeat gets the first reply. */
static int step_repeat(req *r)
{
    rg_ctx *c = r->c;
    if (!(c->op->flags & RG_OP_MUTATES)) {
        if (rg_map_get(r->root, "req") && rg_val_type(rg_map_get(r->root, "req")) != RG_VSTR)
            return rg_ctx_fail(c, RG_EBADREQ, "req must be a string");
        return 0;
    }
    const char *rq;
    uint32_t rn;
    const rg_val *reqv = rg_map_get(r->root, "req");
    if (!reqv) return rg_ctx_fail(c, RG_EBADREQ, "req: required for %s", c->op->name);
    if (!rg_val_str(reqv, &rq, &rn) || rn == 0 || rn > RG_REQ_ID_MAX || memchr(rq, 0, rn))
        return rg_ctx_fail(c, RG_EBADREQ, "req must be a string of 1..%d bytes", RG_REQ_ID_MAX);
    c->ikn = idem_key(c->ikey, c->actor, rq, rn);
    int rc = idempotent_replay(c, c->ikey, c->ikn, r->fn, r->ud);
    if (rc == 1) *r->answered = 1;
    return rc < 0 ? rc : 0;
}

/* The shape of data before anything about the case: a data of the wrong
 * type is bad_request whatever the case's state. */
static int step_data(req *r)
{
    rg_ctx *c = r->c;
    c->data = rg_map_get(r->root, "data");
    int rc = rg_schema_check(c->op->fields, c->data, c->msg, sizeof c->msg);
    if (rc < 0) return rc;
    r->expv = rg_map_get(r->root, "expect");
    if (r->expv && !rg_val_uint(r->expv, &r->expect))
        return rg_ctx_fail(c, RG_EBADREQ, "expect must be a non-negative integer");
    return 0;
}

/* The case, as the caller may see it: need-to-know, erased or restricted,
 * the life cycle's table, `expect`. */
static int step_case(req *r)
{
    rg_ctx *c = r->c;
    if (!(c->op->flags & RG_OP_CASE)) {
        if (rg_map_get(r->root, "case")) return rg_ctx_fail(c, RG_EBADREQ, "case: %s takes no case", c->op->name);
        return 0;
    }
    char id[RG_ID_MAX];
    const rg_val *cv = rg_map_get(r->root, "case");
    if (!cv) return rg_ctx_fail(c, RG_EBADREQ, "case: required for %s", c->op->name);
    if (!rg_val_strcpy(cv, id, sizeof id) || !id[0])
        return rg_ctx_fail(c, RG_EBADREQ, "case must be a string of 1..%d bytes", RG_ID_MAX - 1);
    int rc = rg_store_case(c->e, id, &c->cs);
    if (rc < 0 && rc != RG_ENOTFOUND) return rg_ctx_fail(c, RG_ESTORAGE, "reading case %s failed", id);
    /* A case the caller may not see is answered exactly as one that does
     * not exist: ids cannot be probed. */
    rg_view view = rc == 0 ? rg_access_view(c->actor, c->cs) : RG_VIEW_NONE;
    /* The upper levels of the ladder read the dossier, nothing else. */
    if (view == RG_VIEW_DOSSIER && !(c->op->flags & RG_OP_DOSSIER)) view = RG_VIEW_NONE;
    if (view == RG_VIEW_NONE) {
        c->cs = NULL;
        c->refused_case = true;
        note_refused(c, id);
        return rg_ctx_fail(c, RG_ENOTFOUND, "no case %s", id);
    }
    if (view == RG_VIEW_TRIAGE && !(c->op->flags & RG_OP_TRIAGE)) {
        c->refused_case = true;
        note_refused(c, id);
        return rg_ctx_fail(c, RG_EFORBIDDEN, "case %s is not assigned to you: take it first with case.assign", id);
    }
    /* The request reached a case its caller may see: whatever comes of it
     * now is a processing of that case, recorded with its outcome. */
    c->touched = true;
    if (c->cs->erased && (c->op->flags & RG_OP_MUTATES) && !(c->op->flags & RG_OP_ERASED))
        return rg_ctx_fail(c, RG_EGUARD, "case %s was erased: nothing more is recorded on it", id);
    if ((c->op->flags & RG_OP_MUTATES) && !(c->op->flags & (RG_OP_UNRESTRICT | RG_OP_ERASED))) {
        char by[RG_ID_MAX];
        if (rg_grant_get(c->e, id, "restriction", by) == 0 || rg_grant_get(c->e, id, "objection", by) == 0)
            return rg_ctx_fail(c, RG_EGUARD,
                               "case %s is restricted (data-subject request %s): only reads until a "
                               "manager lifts it with case.unrestrict", id, by);
    }
    if (!rg_machine_allows(c->cs->route, c->cs->state, c->op->name))
        return rg_ctx_fail(c, RG_ETRANSITION, "case %s is in state %s: %s is not possible there", id,
                           rg_state_name(c->cs->state), c->op->name);
    if (r->expv && r->expect != c->cs->version)
        return rg_ctx_fail(c, RG_ECONFLICT, "case %s is at version %u, not %llu", id, c->cs->version,
                           (unsigned long long)r->expect);
    return 0;
}

/* The handler of the op (the module table handed in at open). */
static int step_handler(req *r)
{
    rg_ctx *c = r->c;
    rg_handler_fn handler = rg_module_handler(&c->e->handlers, c->op);
    if (!handler) return rg_ctx_fail(c, RG_EUNKNOWNOP, "operation %s has no handler", c->op->name);
    int rc = handler(c);
    /* An erased case has no key to seal personal data under any more: a step
     * allowed on it (RG_OP_ERASED) that would record some (a correction of
     * the subject) is refused rather than stored readable. */
    for (int i = 0; rc == 0 && c->cs && c->cs->erased && i < c->nevs; i++) {
        const rg_evdef *def = rg_event_find(c->evs[i]->type);
        if (rg_seal_wanted(c->evs[i], c->op->fields, def ? def->item : NULL))
            return rg_ctx_fail(c, RG_EGUARD, "case %s was erased: no personal data is recorded on it any more",
                               c->cs->id);
    }
    return rc;
}

/* The steps, in order (ARCHITECTURE.md, "How a command flows"): each fails
 * the request with its error, or goes on. */
static int (*const steps[])(req *) = {
    step_trace, step_op, step_token, step_role, step_repeat, step_data, step_case, step_handler,
};

static int run(rg_ctx *c, const uint8_t *p, size_t n, rg_doc **doc, rg_reply_fn fn, void *ud,
               int *answered)
{
    const char *why;
    *answered = 0;
    if (c->e->failed) return rg_ctx_fail(c, RG_ESTORAGE, "storage is unusable; see the engine log");
    if (n > RG_MAX_REQUEST)
        return rg_ctx_fail(c, RG_EBADREQ, "request of %zu bytes is larger than %u", n, RG_MAX_REQUEST);
    if (rg_doc_parse(doc, p, n, &why) < 0)
        return rg_ctx_fail(c, RG_EBADREQ, "not a valid msgpack message: %s", why);
    req r = {c, rg_doc_root(*doc), NULL, 0, fn, ud, answered};
    int rc = check_envelope(c, r.root);
    if (rc < 0) return rc;
    c->req = r.root;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if ((rc = steps[i](&r)) < 0 || *answered) return rc;
    return rc;
}

static bool zero_span(const rg_trace *t)
{
    for (size_t i = 0; i < sizeof t->span_id; i++)
        if (t->span_id[i]) return false;
    return true;
}

/* A read showed case content: the listeners (the audit trail) may write a
 * record into the open commit, which the reply then waits for. */
static void notify_read(rg_engine *e, rg_ctx *c)
{
    if (!c->naudit_cases && !c->audit_query) return;
    for (int i = 0; i < e->nlisteners; i++)
        if (e->listeners[i].ops->on_read) e->listeners[i].ops->on_read(e->listeners[i].ud, c);
}

void rg_pipeline_run(rg_engine *e, const uint8_t *p, size_t n, rg_reply_fn fn, void *ud,
                   uint64_t deadline, bool final)
{
    rg_ctx c;
    rg_ctx_init(&c, e);
    c.deadline = deadline;
    c.final = final;
    c.reply_fn = fn;
    c.reply_ud = ud;
    c.raw = p;
    c.rawn = n;
    rg_doc *doc = NULL;
    rg_buf reply = RG_BUF_INIT;
    char tps[RG_TRACEPARENT_LEN + 1];
    int answered;
    int rc = run(&c, p, n, &doc, fn, ud, &answered);
    if (rc < 0) {
        /* An error reply carries the request's span too: started here when
         * the request failed before its trace was read (or gave a bad one). */
        if (zero_span(&c.trace)) rg_trace_start(&c.trace, NULL, 0);
        rg_trace_format(&c.trace, tps);
    }
    if (rc < 0 && c.touched) {
        /* Refused or failed after it reached a case the caller may see: the
         * processing log records it with its error, durable before the
         * reply (nothing else of it is written). */
        size_t records = e->open->naudit;
        rg_processing_failed(&c, rc);
        rg_error_reply_traced(&reply, rc, c.msg[0] ? c.msg : rg_strerror(rc), tps);
        if (e->open->naudit > records) {
            rg_commit_add_waiter(e->open, fn, ud, reply.data, reply.len);
            rg_commit_want(e);
        } else {
            respond(e, fn, ud, reply.data, reply.len);
        }
    } else if (rc < 0 && c.refused_case && c.op && c.op->purpose) {
        /* A refused read of case content is recorded too; its reply waits
         * for the record like any read's. */
        size_t records = e->open->naudit;
        rg_ctx_audit_case(&c, c.refused_id);
        notify_read(e, &c);
        rg_error_reply_traced(&reply, rc, c.msg, tps);
        if (e->open->naudit > records) {
            rg_commit_add_waiter(e->open, fn, ud, reply.data, reply.len);
            rg_commit_want(e);
        } else {
            respond(e, fn, ud, reply.data, reply.len);
        }
    } else if (rc < 0) {
        rg_error_reply_traced(&reply, rc, c.msg[0] ? c.msg : rg_strerror(rc), tps);
        respond(e, fn, ud, reply.data, reply.len);
    } else if (answered || c.reply_taken) {
        /* A repeat answered from its record, or a handler that answers later
         * itself (a parked long-poll, clock.advance). */
    } else if (c.bug) {
        rg_error_reply(&reply, RG_ESTORAGE,
                       "internal error: the step declared an unknown event; nothing was written");
        respond(e, fn, ud, reply.data, reply.len);
    } else if (c.op->flags & RG_OP_MUTATES) {
        rg_commit_request(&c, &reply);
        /* A change whose reply shows personal data (an access export) is
         * audited like a read, in the same commit as the change; the
         * processing log records the change and what it showed. */
        notify_read(e, &c);
        rg_processing_request(&c);
        rg_commit_add_waiter(e->open, fn, ud, reply.data, reply.len);
        rg_commit_want(e);
    } else {
        /* The audit record of a read is durable before the reply shows the
         * content: the reply waits in the commit that holds the record. */
        size_t records = e->open->naudit;
        notify_read(e, &c);
        rg_processing_request(&c);
        rg_write_reply(&reply, NULL, 0, 0, NULL, &c.extra, c.nextra);
        if (e->open->naudit > records) {
            rg_commit_add_waiter(e->open, fn, ud, reply.data, reply.len);
            rg_commit_want(e);
        } else {
            respond(e, fn, ud, reply.data, reply.len);
        }
    }
    rg_buf_free(&reply);
    rg_ctx_cleanup(&c);
    rg_doc_free(doc);
}
