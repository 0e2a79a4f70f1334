/* snapshot.c - a case's projection: snapshot + the events after it; see snapshot.h. */
#include "snapshot.h"

#include <string.h>

#include "../domain/fold.h"
#include "../storage/errors.h"

/* Fold into cs every event of its stream after cs->version. */
static int fold_tail(rg_log *log, const int *amounts, rg_case *cs)
{
    size_t idn = strlen(cs->id);
    uint8_t start[RG_ID_MAX + 5];
    memcpy(start, cs->id, idn);
    start[idn] = 0;
    rg_be32_put(start + idn + 1, cs->version + 1);
    rg_iter *it = rg_iter_new(log, RG_CF_STREAM);
    rg_buf rec = RG_BUF_INIT, scratch = RG_BUF_INIT;
    rg_doc *pub = NULL, *up = NULL;
    int rc = 0;
    for (rg_iter_seek(it, start, idn + 5); rc == 0 && rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn, vn;
        const uint8_t *k = rg_iter_key(it, &kn);
        const uint8_t *sv = rg_iter_value(it, &vn);
        if (kn != idn + 5 || memcmp(k, start, idn + 1) != 0) break;
        rg_buf_reset(&rec);
        rg_record r;
        rg_event_view view;
        rg_actor actor;
        char case_id[RG_ID_MAX];
        const char *why;
        /* An indexed event must exist and be this case's next. */
        if (vn != 8 || rg_log_get(log, RG_CF_EVENTS, sv, 8, &rec) < 0 ||
            rg_record_parse(rec.data, rec.len, &r) < 0 || rg_doc_reparse(&pub, r.pub, r.pub_len, &why) < 0 ||
            rg_fold_view(rg_doc_root(pub), r.tver, &up, &scratch, amounts, &view, &actor, case_id) < 0 ||
            strcmp(case_id, cs->id) != 0 || view.v != rg_be32_get(k + idn + 1) || view.seq != rg_be64_get(sv) ||
            rg_fold_apply(cs, &view) < 0)
            rc = RG_ESTORAGE;
        rg_doc_free(up);
        up = NULL;
    }
    if (rg_iter_end(it) < 0) rc = RG_ESTORAGE;
    rg_doc_free(pub);
    rg_buf_free(&scratch);
    rg_buf_free(&rec);
    return rc;
}

int rg_snapshot_load(rg_log *log, const int *amounts, const void *id, size_t n, rg_case **out)
{
    *out = NULL;
    if (n == 0 || n >= RG_ID_MAX || memchr(id, 0, n)) return RG_ENOTFOUND;
    char cid[RG_ID_MAX];
    memcpy(cid, id, n);
    cid[n] = 0;
    rg_buf v = RG_BUF_INIT;
    rg_case *cs = NULL;
    int rc = rg_log_get(log, RG_CF_CASES, cid, n, &v);
    if (rc == 0) {
        rc = rg_case_decode(&cs, v.data, v.len) < 0 || strcmp(cs->id, cid) != 0 ? RG_ESTORAGE : 0;
    } else if (rc == RG_ENOTFOUND) {
        cs = rg_case_new(cid);           /* no snapshot yet: from its first event */
        rc = 0;
    }
    rg_buf_free(&v);
    if (rc == 0) {
        cs->snap_v = cs->version;
        rc = fold_tail(log, amounts, cs);
    }
    if (rc == 0 && cs->version == 0) rc = RG_ENOTFOUND;
    if (rc < 0) {
        rg_case_free(cs);
        return rc;
    }
    *out = cs;
    return 0;
}

bool rg_snapshot_stage(rg_batch *b, rg_case *cs)
{
    RG_ASSERT(cs->version >= cs->snap_v);           /* versions only grow */
    if (cs->version - cs->snap_v < RG_SNAPSHOT_EVERY) return false;
    rg_buf proj = RG_BUF_INIT;
    rg_case_encode(cs, &proj);
    rg_batch_put(b, RG_CF_CASES, cs->id, strlen(cs->id), proj.data, proj.len);
    rg_buf_free(&proj);
    cs->snap_v = cs->version;
    return true;
}
