/*
 * admin.c - the operator's steps: actors and their tokens, and the log check.
 * Admins never see case content; these touch none.
 */
#include <stdio.h>
#include <string.h>

#include "../engine/storage/crypto.h"
#include "../engine/storage/errors.h"
#include "../engine/services/services.h"
#include "handlers.h"

int rg_h_actor_create(rg_ctx *c)
{
    const char *id, *org, *role;
    uint32_t idn, orgn, rolen;
    rg_val_str(rg_ctx_field(c, "id"), &id, &idn);
    rg_val_str(rg_ctx_field(c, "org"), &org, &orgn);
    rg_val_str(rg_ctx_field(c, "role"), &role, &rolen);
    if (!rg_is_name(id, idn))
        return rg_ctx_fail(c, RG_EBADREQ, "data.id: use 1..64 of A-Z a-z 0-9 . _ -");
    if (!rg_is_name(org, orgn))
        return rg_ctx_fail(c, RG_EBADREQ, "data.org: use 1..64 of A-Z a-z 0-9 . _ -");
    int r = rg_role_parse(role, rolen);     /* the schema allows only creatable roles */
    rg_actor a;
    memset(&a, 0, sizeof a);
    memcpy(a.id, id, idn);
    memcpy(a.org, org, orgn);
    a.role = r;
    /* Its region: named, or the engine's own (--zvh). */
    const char *zvh;
    uint32_t zvhn;
    if (rg_val_str(rg_ctx_field(c, "zvh"), &zvh, &zvhn)) {
        if (!rg_is_name(zvh, zvhn)) return rg_ctx_fail(c, RG_EBADREQ, "data.zvh: use 1..64 of A-Z a-z 0-9 . _ -");
        memcpy(a.zvh, zvh, zvhn);
    } else {
        snprintf(a.zvh, sizeof a.zvh, "%s", rg_engine_zvh(rg_ctx_engine(c)));
    }
    const rg_val *cov = rg_ctx_field(c, "covenants");
    for (uint32_t i = 0; i < rg_array_size(cov); i++) {
        const char *w;
        uint32_t wn;
        if (rg_val_str(rg_array_at(cov, i), &w, &wn)) a.covenants |= rg_covenant_bit(w, wn);
    }
    if (strcmp(a.id, "system") == 0)
        return rg_ctx_fail(c, RG_EGUARD, "actor id system is reserved for the engine");
    if (rg_engine_actor(rg_ctx_engine(c), a.id))
        return rg_ctx_fail(c, RG_EGUARD, "actor %s already exists", a.id);

    char token[RG_TOKEN_LEN + 1];
    rg_token_new(token);
    rg_sha256(a.token_hash, token, strlen(token));
    rg_buf v = RG_BUF_INIT;
    rg_store_actor_record(&a, &v);
    rg_ctx_put(c, RG_CF_ACTORS, a.id, strlen(a.id), v.data, v.len);
    rg_buf_free(&v);

    rg_w_cstr(rg_ctx_reply_key(c, "id"), a.id);
    rg_w_cstr(rg_ctx_reply_key(c, "zvh"), a.zvh);
    rg_w_cstr(rg_ctx_reply_key(c, "token"), token);
    /* The token is shown once: a retried request gets the reply without it. */
    rg_w_cstr(rg_ctx_stored_key(c, "id"), a.id);
    rg_w_cstr(rg_ctx_stored_key(c, "zvh"), a.zvh);
    rg_w_bool(rg_ctx_stored_key(c, "token_withheld"), true);
    rg_engine_actor_put(rg_ctx_engine(c), &a);
    return 0;
}

int rg_h_actor_revoke(rg_ctx *c)
{
    char id[RG_ID_MAX];
    if (!rg_val_strcpy(rg_ctx_field(c, "id"), id, sizeof id))
        return rg_ctx_fail(c, RG_EBADREQ, "data.id: must be a string of at most 64 bytes");
    const rg_actor *cur = rg_engine_actor(rg_ctx_engine(c), id);
    if (!cur) return rg_ctx_fail(c, RG_ENOTFOUND, "no actor %s", id);
    if (strcmp(cur->id, rg_ctx_actor(c)->id) == 0)
        return rg_ctx_fail(c, RG_EGUARD, "an admin cannot revoke their own token");
    if (cur->revoked) return rg_ctx_fail(c, RG_EGUARD, "actor %s is already revoked", id);
    rg_actor a = *cur;
    a.revoked = true;
    rg_buf v = RG_BUF_INIT;
    rg_store_actor_record(&a, &v);
    rg_ctx_put(c, RG_CF_ACTORS, a.id, strlen(a.id), v.data, v.len);
    rg_buf_free(&v);
    rg_w_cstr(rg_ctx_reply_key(c, "id"), a.id);
    rg_w_bool(rg_ctx_reply_key(c, "revoked"), true);
    rg_engine_actor_put(rg_ctx_engine(c), &a);
    return 0;
}

int rg_h_log_verify(rg_ctx *c)
{
    uint64_t count, broken;
    const char *why;
    int rc = rg_engine_verify(rg_ctx_engine(c), &count, &broken, &why);
    if (rc < 0) return rg_ctx_fail(c, rc, "reading the log failed");
    rg_w_uint(rg_ctx_reply_key(c, "checked"), count);
    rg_buf *b = rg_ctx_reply_key(c, "broken");
    if (broken) rg_w_uint(b, broken); else rg_w_nil(b);
    rg_w_bool(rg_ctx_reply_key(c, "intact"), broken == 0);
    if (broken) rg_w_cstr(rg_ctx_reply_key(c, "reason"), why);
    return 0;
}

#define AUDIT_DEFAULT 100

int rg_h_audit_read(rg_ctx *c)
{
    uint64_t after = 0, limit = AUDIT_DEFAULT, next;
    rg_val_uint(rg_ctx_field(c, "after"), &after);
    rg_val_uint(rg_ctx_field(c, "limit"), &limit);     /* 1..1000, by the schema */
    char case_id[RG_ID_MAX] = "";
    rg_field_str(c, "case", case_id, sizeof case_id);
    rg_buf recs = RG_BUF_INIT;
    uint32_t count;
    if (rg_audit_page(rg_services_of(rg_ctx_engine(c))->audit, case_id[0] ? case_id : NULL, after,
                      (uint32_t)limit, &recs, &count, &next) < 0) {
        rg_buf_free(&recs);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the audit trail failed");
    }
    /* Reading the trail is a processing too: audited, as one record of
     * its own (not filed under the case asked about, whose trail stays the
     * record of who processed the case itself). */
    rg_ctx_audit_query(c);
    rg_buf *b = rg_ctx_reply_key(c, "records");
    rg_w_array(b, count);
    rg_buf_append(b, recs.data, recs.len);
    rg_buf_free(&recs);
    rg_w_uint(rg_ctx_reply_key(c, "next"), next);
    return 0;
}

/* clock.advance: the manual clock moves on, and every deadline it passes
 * fires, in order, before the reply (the deadline service answers). */
int rg_h_clock_advance(rg_ctx *c)
{
    uint64_t ms = 0;
    rg_val_uint(rg_ctx_field(c, "ms"), &ms);            /* at most a century, by the schema */
    return rg_due_advance(rg_services_of(rg_ctx_engine(c))->due, c, ms);
}
