/*
 * ctx.h - what a handler (handlers/) sees of the request it serves.
 *
 * The contract between engine and handlers: a handler checks everything first
 * (state, role, guards) and fails with rg_ctx_fail before it changes anything.
 * Its changes are declarations - events emitted with rg_ctx_emit, staged
 * writes with rg_ctx_put, reply fields - and the engine applies them only when
 * the handler returns 0.  So a failing request leaves nothing half-written.
 * Handlers that must change engine memory beyond that (the actor registry) do
 * it as their very last step, after which nothing can fail.
 *
 * Every pointer a handler gets is borrowed for the duration of the request.
 */
#ifndef RG_CTX_H
#define RG_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include "../domain/case.h"
#include "../storage/codec.h"
#include "engine.h"
#include "../domain/event.h"
#include "../storage/log.h"
#include "../domain/schema.h"

const rg_val *rg_ctx_data(rg_ctx *c);
const rg_val *rg_ctx_field(rg_ctx *c, const char *name);
const rg_actor *rg_ctx_actor(const rg_ctx *c);
rg_case *rg_ctx_case(rg_ctx *c);
rg_engine *rg_ctx_engine(rg_ctx *c);
uint64_t rg_ctx_now(const rg_ctx *c);

/* Free a context made by rg_ctx_new_system (apply.h). */
void rg_ctx_free(rg_ctx *c);

/* Fail the request with err and a formatted message; returns err. */
int rg_ctx_fail(rg_ctx *c, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Start a new event of a type from schemas/events.c. */
rg_evb *rg_ctx_emit(rg_ctx *c, const char *type);
/* Create the case a case.report opens; its id is minted by the engine. */
rg_case *rg_ctx_create_case(rg_ctx *c);
/* The next case number of region zvh: what people say on the phone, counted
 * per region (the apply of the case's first event notes it as taken). */
uint64_t rg_ctx_case_number(rg_ctx *c, const char *zvh);
/* Is id an opaque case id whose check character holds ("ZVH-" and nine
 * base32 symbols)?  (Ids of older logs, "ZVH-00000001", are not.) */
bool rg_case_id_checks(const char *id);
/* Stage a write into the request's batch (applied only on success). */
void rg_ctx_put(rg_ctx *c, rg_cf cf, const void *k, size_t kn, const void *v, size_t vn);
void rg_ctx_del(rg_ctx *c, rg_cf cf, const void *k, size_t kn);
/* The case a command that names no case in its envelope acts on (a
 * decision on a data-subject request); borrowed from the cache. */
void rg_ctx_set_case(rg_ctx *c, rg_case *cs);
/* A change of another case that goes with this request (a decision that
 * restricts a person of each case it covers): the events emitted on the
 * returned context (rg_ctx_emit; no free text, nothing sealed) are appended
 * to cs by the request's actor, after the request's own events and in the
 * same commit, and only when the request succeeds.  cs is borrowed from the
 * cache (rg_engine_load_case, engine.h), never the request's own case; the context is
 * c's, freed with it.  Reply, staged writes and audit stay the request's. */
rg_ctx *rg_ctx_also(rg_ctx *c, rg_case *cs);

/* Extra reply fields: write the key with rg_ctx_reply_key, then its value
 * into the returned buffer.  For RG_OP_SECRET ops the stored idempotency copy
 * is written the same way through rg_ctx_stored_key. */
rg_buf *rg_ctx_reply_key(rg_ctx *c, const char *key);
rg_buf *rg_ctx_stored_key(rg_ctx *c, const char *key);
/* A page of a list: the key, then an array of the n values items holds
 * (each already msgpack), which it frees.  The page's `next` follows in the
 * caller's shape (a number, a string or nil). */
void rg_ctx_reply_array(rg_ctx *c, const char *key, uint32_t n, rg_buf *items);
/* The events first..last of cs as an array, into b (the buffer
 * rg_ctx_reply_key returned), rendered for the caller or, as_system, for the
 * engine itself, with the subject or not.  A reply may show personal data of
 * any case this way: its stored copy keeps only a reference and renders the
 * events again on a repeat, so what an erasure destroys is not kept there
 * (core/idem.h).  RG_ESTORAGE when they cannot be read. */
int rg_ctx_reply_events(rg_ctx *c, rg_buf *b, const rg_case *cs, uint32_t first, uint32_t last,
                        bool with_subject, bool as_system);
/* A data subject's access export of cs (every version), into b as
 * rg_ctx_reply_events: rendered for the caller (who decides the request, so
 * what they may not read stays withheld), then the text of every police,
 * judicial or secret item its source did not release to the subject
 * withheld (domain/access.h rg_access_subject_item); a repeat renders it
 * the same way.  With only ("P2"), the data of that person of a household
 * alone: never another member's. */
int rg_ctx_reply_export(rg_ctx *c, rg_buf *b, const rg_case *cs, bool with_subject, const char *only);

/* Audit: note a case whose content the reply shows (audit.c). */
void rg_ctx_audit_case(rg_ctx *c, const char *case_id);
void rg_ctx_audit_case_of(rg_ctx *c, const rg_record *r);
/* Audit: the request returns personal data whatever cases it names (a
 * lookup by person, the audit trail itself): a record is written even when
 * no case was noted.  Any kind of operation, changing ones included. */
void rg_ctx_audit_query(rg_ctx *c);
/* What the audit trail (services/audit.c) records of a request, from its
 * on_read hook: the op, the request's span (processing.h), whether a case
 * was refused (not visible, or triage only), whether rg_ctx_audit_query was
 * called, and the cases noted (n msgpack strings, one after another, in the
 * len bytes at p; borrowed for the hook's call). */
const rg_opdef *rg_ctx_op(const rg_ctx *c);
const struct rg_trace *rg_ctx_trace(const rg_ctx *c);
bool rg_ctx_refused(const rg_ctx *c);
bool rg_ctx_audit_wanted(const rg_ctx *c);
void rg_ctx_audited(const rg_ctx *c, const uint8_t **p /* OUT */, size_t *len /* OUT */, uint32_t *n /* OUT */);
/* Answering later (a long-poll, clock.advance): the handler takes the reply
 * callback and the engine answers nothing now; whoever holds it must call
 * it exactly once.  The request's bytes (to run it again), its long-poll
 * deadline (uv_now() ms, 0 = none) and whether this run is the last one
 * (the deadline passed: answer whatever there is), and its idempotency key
 * ("actor\0req", for a changing op) go with it. */
void rg_ctx_take_reply(rg_ctx *c, rg_reply_fn *fn /* OUT */, void **ud /* OUT */);
void rg_ctx_request_bytes(rg_ctx *c, const uint8_t **p /* OUT */, size_t *n /* OUT */);
uint64_t rg_ctx_deadline(rg_ctx *c);
bool rg_ctx_final(rg_ctx *c);
const char *rg_ctx_idem_key(rg_ctx *c, size_t *n /* OUT */);
/* The engine itself, the actor of its own events (deadlines, clearing). */
const rg_actor *rg_system_actor(void);

#endif
