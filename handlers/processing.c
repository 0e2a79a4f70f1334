/*
 * processing.c - the processing log's two operations (CONTRACT.md,
 * "Privacy operations"): `processing.activities`, the register of
 * processing activities (schemas/activities.c; no personal data, for any
 * actor), and `processing.read`, the auditor's query of the log
 * (core/processing.h) by trace, by activity or by data subject -- one of
 * them always: the log is never read whole -- within the auditor's region.
 */
#include <stdio.h>
#include <string.h>

#include "../engine/core/processing.h"
#include "../engine/domain/activity.h"
#include "../engine/storage/errors.h"
#include "handlers.h"

#define PAGE_DEFAULT 100

int rg_h_processing_activities(rg_ctx *c)
{
    uint32_t n = 0;
    for (const rg_activity *a = rg_activities; a->id; a++) n++;
    rg_buf *b = rg_ctx_reply_key(c, "activities");
    rg_w_array(b, n);
    for (const rg_activity *a = rg_activities; a->id; a++) {
        rg_w_map(b, 7);
        rg_w_kstr(b, "id", a->id);
        rg_w_kstr(b, "operation", a->op);
        rg_w_kuint(b, "version", a->version);
        rg_w_kstr(b, "name", a->name);
        rg_w_kstr(b, "purpose", a->purpose);
        rg_w_kstr(b, "basis", a->basis);
        rg_w_kstr(b, "categories", a->categories);
    }
    return 0;
}

int rg_h_processing_read(rg_ctx *c)
{
    char trace[64] = "", act[160] = "", subj[64] = "", after[600] = "";
    uint64_t limit = PAGE_DEFAULT;
    rg_field_str(c, "trace_id", trace, sizeof trace);
    rg_field_str(c, "activity", act, sizeof act);
    rg_field_str(c, "data_subject_id", subj, sizeof subj);
    rg_field_str(c, "after", after, sizeof after);
    rg_val_uint(rg_ctx_field(c, "limit"), &limit);       /* 1..1000, by the schema */
    int given = !!trace[0] + !!act[0] + !!subj[0];
    if (given != 1)
        return rg_ctx_fail(c, RG_EBADREQ, "give exactly one of trace_id, activity or data_subject_id: %s",
                           given ? "one filter at a time" : "the processing log is never read whole");
    char by = trace[0] ? 't' : act[0] ? 'a' : 's';
    const char *id = trace[0] ? trace : act[0] ? act : subj;
    if (by == 'a' && !rg_activity_find(act, (uint32_t)strlen(act)))
        return rg_ctx_fail(c, RG_EBADREQ, "data.activity: no such entry in the register (processing.activities)");
    rg_buf recs = RG_BUF_INIT;
    uint32_t count = 0;
    char next[600];
    int rc = rg_processing_query(rg_ctx_engine(c), by, id, rg_ctx_actor(c)->zvh, after, (uint32_t)limit, &recs,
                                 &count, next, sizeof next);
    if (rc == RG_EBADREQ) {
        rg_buf_free(&recs);
        return rg_ctx_fail(c, RG_EBADREQ, "data.%s: %s",
                           after[0] ? "after" : by == 't' ? "trace_id" : "data_subject_id",
                           after[0] ? "not a next of this query" : "32 lowercase hex digits");
    }
    if (rc < 0) {
        rg_buf_free(&recs);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the processing log failed");
    }
    /* Reading the log is audited like reading the audit trail. */
    rg_ctx_audit_query(c);
    rg_ctx_reply_array(c, "records", count, &recs);
    rg_buf *b = rg_ctx_reply_key(c, "next");
    if (next[0]) rg_w_cstr(b, next); else rg_w_nil(b);
    return 0;
}
