/*
 * audit.h - the audit service (audit.c): records every operation that
 * returns personal data (and every refused read), durable before the
 * reply, and reads the trail back.
 *
 * Ownership: the service belongs to its engine (freed when it closes).
 */
#ifndef RG_AUDIT_H
#define RG_AUDIT_H

#include <stdint.h>

#include "../core/ctx.h"

typedef struct rg_audit rg_audit;

int rg_audit_attach(rg_engine *e, rg_audit **out /* OUT */);
/* Append the records after number `after` (at most limit; of one case when
 * case_id is not NULL), msgpack back to back, to records; RG_ESTORAGE when
 * the trail cannot be read. */
int rg_audit_page(rg_audit *a, const char *case_id, uint64_t after, uint32_t limit, rg_buf *records,
                  uint32_t *count /* OUT */, uint64_t *next /* OUT */);
/* The same, only the records made in region zvh (NULL: every region): what
 * a region's admin may read (handlers/admin.c). */
int rg_audit_page_region(rg_audit *a, const char *case_id, const char *zvh, uint64_t after, uint32_t limit,
                         rg_buf *records, uint32_t *count, uint64_t *next);

#endif
