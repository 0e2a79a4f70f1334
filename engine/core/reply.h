/*
 * reply.h - the two shapes of a reply (reply.c; CONTRACT.md, "Requests and
 * replies"), each built in one place: a success and an error.
 */
#ifndef RG_REPLY_H
#define RG_REPLY_H

#include <stdint.h>

#include "../domain/case.h"
#include "../storage/buf.h"

/* The contract's error reply {ok: false, error, message} into out (reset
 * first): the one place it is built.  The engine's answer to a request
 * carries the request's span as well, `trace` (a W3C traceparent, as a
 * success's does); a refusal made before a request reaches the engine
 * (shutting down, a connection's queue full) has none. */
void rg_error_reply(rg_buf *out, int err, const char *msg);
void rg_error_reply_traced(rg_buf *out, int err, const char *msg, const char *traceparent);
/* {ok: true, [case, version, seq, events,] extra...} */
void rg_write_reply(rg_buf *out, const rg_case *cs, uint64_t seq, int nevs, const rg_buf *events,
                    const rg_buf *extra, uint32_t nextra);
/* The same with the events as one value: the stored copy's reference. */
void rg_write_reply_ref(rg_buf *out, const rg_case *cs, uint64_t seq, const rg_buf *ref, const rg_buf *extra,
                        uint32_t nextra);

#endif
