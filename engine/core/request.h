/*
 * request.h - the per-request context behind ctx.h (struct rg_ctx): the
 * core's alone.  The layers above reach a request through ctx.h, make and
 * commit the engine's own commands through apply.h (rg_ctx_new_system,
 * rg_commit_system) and run a request again through pipeline.h.
 *
 * Ownership: a context owns what a handler declared (events, staged writes,
 * reply fields, the contexts of rg_ctx_also) until rg_ctx_cleanup; the case it points to is the cache's,
 * unless the request created it and it was not yet adopted.
 */
#ifndef RG_REQUEST_H
#define RG_REQUEST_H

#include "ctx.h"
#include "pipeline.h"
#include "processing.h"
#include "state.h"



/* Events written into the reply's extra pairs (rg_ctx_reply_events): the
 * stored copy holds the reference instead of the bytes [off, end). */
typedef struct rg_ref_span {
    size_t off, end;
    rg_buf ref;
} rg_ref_span;

typedef struct rg_staged {
    rg_cf cf;
    uint8_t *k;
    size_t kn;
    uint8_t *v;               /* NULL: a delete */
    size_t vn;
} rg_staged;

struct rg_ctx {
    rg_engine *e;
    uint64_t deadline;        /* feed.read long-poll: uv_now() limit, 0 = none */
    bool final;               /* long-poll timed out: answer whatever there is */
    rg_reply_fn reply_fn;     /* where the reply goes */
    void *reply_ud;
    bool reply_taken;         /* rg_ctx_take_reply: the handler answers later */
    rg_buf audit_cases;       /* cases this read showed, for the audit trail */
    uint32_t naudit_cases;
    char audit_last[RG_ID_MAX];
    bool audit_query;         /* rg_ctx_audit_query: a record even without cases */
    const rg_opdef *op;
    const rg_actor *actor;
    const rg_val *req;
    const rg_val *data;
    rg_case *cs;
    bool created;             /* cs was made by rg_ctx_create_case */
    rg_evb **evs;             /* the events it declared, in order (rg_ctx_emit) */
    int nevs, capevs;
    bool bug;                 /* a handler named an event type that does not exist */
    rg_buf extra;             /* extra reply key/value pairs */
    uint32_t nextra;
    rg_buf stored;            /* RG_OP_SECRET: the stored copy's extra pairs */
    uint32_t nstored;
    rg_ref_span *spans;       /* in extra, in order */
    size_t nspans, capspans;
    rg_staged *staged;
    size_t nstaged, capstaged;
    uint64_t now;
    const uint8_t *raw;       /* the request's bytes, borrowed for the call */
    size_t rawn;
    char ikey[RG_ID_MAX + RG_REQ_ID_MAX + 2];   /* "actor\0req" of a changing op */
    size_t ikn;
    bool refused_case;        /* a case was refused (not visible, or triage only) */
    char refused_id[RG_ID_MAX];
    rg_trace trace;           /* its span (W3C Trace Context; processing.h) */
    bool touched;             /* it reached a case it may see: refused or failed
                                 from here on, it is recorded as a processing
                                 with its error (processing.h) */
    const char *step;         /* the engine's own command: its entry in the
                                 register of processing activities */
    struct rg_ctx **also;     /* rg_ctx_also: changes of other cases that go with
                                 this one, committed after it (apply.c) */
    int nalso;
    char msg[512];
};

void rg_ctx_init(rg_ctx *c, rg_engine *e);
void rg_ctx_cleanup(rg_ctx *c);

#endif
