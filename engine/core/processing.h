/*
 * processing.h - the processing log (processing.c), after Logius' Logboek
 * Dataverwerkingen (CONTRACT.md, "Privacy operations"): one record per
 * processing per data subject -- every read and every change of a case's
 * personal data -- with the request's W3C trace context, a status, start
 * and end, the entry of the register of processing activities
 * (domain/activity.h) and a pseudonymised data subject id.  The acting
 * user is not in it: they stay in the audit record (services/audit.c),
 * which carries the same trace and span.
 *
 * The data subject id is a keyed hash of the case id and the person's id
 * (P1, P2, ... of a household case) under the case's own data key: the
 * same for every processing of that person's case, and meaningless once
 * the key is destroyed.  A processing of a household case is one record
 * for each of its persons (not those removed).  The records live in the `audit`
 * column family beside the audit trail (whose keys are be64(n), n < 2^56,
 * and 0xff case_id ...), so they go into backups and restores with it:
 *
 *   0xfe subject(16) be64(start) span(8)             -> the record (msgpack)
 *   0xfd 't' trace(16) be64(start) subject(16) span(8) -> nothing (by trace)
 *   0xfd 'a' activity_id 0x00 be64(start) subject(16) span(8) -> nothing
 *
 * They follow their case's retention: erasing a case deletes its records
 * and their index keys (rg_processing_erase, in the erasure's batch).
 */
#ifndef RG_PROCESSING_H
#define RG_PROCESSING_H

#include <stdbool.h>
#include <stdint.h>

#include "../domain/case.h"
#include "../storage/buf.h"
#include "../storage/codec.h"
#include "../storage/log.h"
#include "engine.h"

typedef struct rg_ctx rg_ctx;

/* A request's trace context (W3C Trace Context): the trace it belongs to,
 * its own span, and the caller's span when the caller gave a traceparent. */
typedef struct rg_trace {
    uint8_t trace_id[16];
    uint8_t span_id[8];
    uint8_t parent[8];
    bool has_parent;
} rg_trace;

#define RG_TRACEPARENT_LEN 55   /* "00-" 32 hex "-" 16 hex "-" 2 hex */

/* Start the request's span: in the caller's trace when tp (a traceparent
 * string, n bytes) is given, else in a new trace.  -1 when tp is not a
 * valid traceparent (version 00, ids of hex digits, not all zero). */
int rg_trace_start(rg_trace *t, const char *tp, uint32_t n);
/* The traceparent of the request's own span (for the reply). */
void rg_trace_format(const rg_trace *t, char out[RG_TRACEPARENT_LEN + 1]);

/* The pseudonymised data subject id of cs's first person, P1, the reported
 * subject (32 hex digits); false when cs has no data key (erased, or no
 * personal data was ever sealed). */
bool rg_processing_subject(const rg_case *cs, char out[33]);
/* The same of person pi (P<pi+1>) of a household case. */
bool rg_processing_subject_of(const rg_case *cs, uint32_t pi, char out[33]);

/* Write the processing records of a request that was served: one for each
 * case whose personal data it read or changed, into the open commit (the
 * reply then waits for it, like an audit record's). */
void rg_processing_request(rg_ctx *c);

/* The records of a request refused or failed (err) after it reached a
 * case it may see (c->touched): what it was about to process, with status
 * ERROR and the error; into the open commit, which the error reply then
 * waits for. */
void rg_processing_failed(rg_ctx *c, int err);

/* The erasure's own records, one per person of c's case: written in the
 * erasure's batch after its range deletion (so they stay), while the key
 * is still there to derive their subject ids -- which, once it is
 * destroyed, nobody can link to anyone again.  They account for the
 * erasure itself (GDPR art. 5(2)). */
void rg_processing_erasure(rg_ctx *c);

/* Stage into b the deletion of cs's records and their index keys; called
 * while cs still has its data key, in the batch that destroys it. */
void rg_processing_erase(rg_engine *e, rg_batch *b, const rg_case *cs);
/* The same of person pi (P<pi+1>) alone: person.erase. */
void rg_processing_erase_person(rg_engine *e, rg_batch *b, const rg_case *cs, uint32_t pi);

/* The auditor's query: records by trace (32 hex), by activity id, or by
 * data subject (32 hex), exactly one as `by` ('t', 'a', 's'), of region zvh;
 * after: the `next` of the page before (hex of a key, or ""); the records
 * are appended to out, back to back; *next gets the key to go on from, or
 * "" when there is no more.  RG_EBADREQ for a malformed id or cursor. */
int rg_processing_query(rg_engine *e, char by, const char *id, const char *zvh, const char *after,
                        uint32_t limit, rg_buf *out, uint32_t *count, char *next, size_t nextcap);

#endif
