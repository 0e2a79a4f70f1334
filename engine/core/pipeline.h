/*
 * pipeline.h - running a request through the pipeline (pipeline.c):
 * envelope, op, token, role, idempotency, case, need-to-know, expect,
 * schema, handler; rg_engine_submit (engine.h) is the first run of a
 * request, rg_pipeline_run also a run again.
 */
#ifndef RG_PIPELINE_H
#define RG_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

/* Run a request; a feed.read long-poll waits until deadline (uv_now(); 0:
 * none), and with final answers whatever there is (the feed service runs
 * parked long-polls again through here). */
void rg_pipeline_run(rg_engine *e, const uint8_t *p, size_t n, rg_reply_fn fn, void *ud,
                   uint64_t deadline, bool final);

#endif
