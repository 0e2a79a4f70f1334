/*
 * admin.c - the operator's steps: actors and their tokens, and the log check.
 * Admins never see case content; these touch none.
 *
 * Two kinds of admin (issue 20, finding 13): the engine's operator (the
 * first admin, and any made with scope "engine" by an operator) and a
 * region's admin (every other), who creates, rotates and revokes only its
 * region's actors, never an operator, and reads only its region's audit
 * trail.  What concerns the whole engine (backups, the manual clock) is the
 * operator's.  A token may expire (`expires`); actor.rotate gives a new one
 * and ends the old.
 */
#include <stdio.h>
#include <string.h>

#include "../engine/domain/schema.h"

#include "../engine/storage/crypto.h"
#include "../engine/storage/errors.h"
#include "../engine/services/services.h"
#include "handlers.h"
#include "../engine/core/reads.h"
#include "../engine/core/state.h"

bool rg_admin_is_operator(const rg_actor *a) { return a->role == RG_ROLE_ADMIN && a->engine_wide; }

/* Whether caller may manage target: the operator every actor, a region's
 * admin those of its region but operators.  Fails the request when not;
 * "no actor" for one it may not see, as for one that does not exist. */
static int may_manage(rg_ctx *c, const rg_actor *target, const char *id)
{
    const rg_actor *me = rg_ctx_actor(c);
    if (!target || (!rg_admin_is_operator(me) && strcmp(target->zvh, me->zvh) != 0))
        return rg_ctx_fail(c, RG_ENOTFOUND, "no actor %s", id);
    if (!rg_admin_is_operator(me) && rg_admin_is_operator(target))
        return rg_ctx_fail(c, RG_EFORBIDDEN, "actor %s is the engine's operator; only an operator manages it", id);
    return 0;
}

/* data.expires (optional): the end of that day, or that instant; in the
 * future. */
static int expiry_of(rg_ctx *c, uint64_t *out)
{
    const char *p;
    uint32_t n;
    *out = 0;
    if (!rg_val_str(rg_ctx_field(c, "expires"), &p, &n)) return 0;
    int64_t ms;
    bool date_only;
    if (!rg_parse_iso(p, n, &ms, &date_only) || ms <= 0) return 0;    /* the schema checked it */
    uint64_t at = 0;
    if (date_only) rg_date_end(p, n, &at);
    else at = (uint64_t)ms;
    if (at <= rg_ctx_now(c))
        return rg_ctx_fail(c, RG_EGUARD, "data.expires: %.*s is in the past", (int)n, p);
    *out = at;
    return 0;
}

/* A new token for a: its hash into a, the token into token. */
static void new_token(rg_actor *a, char token[RG_TOKEN_LEN + 1])
{
    rg_token_new(token);
    rg_sha256(a->token_hash, token, strlen(token));
}

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
    /* Its region: named, or the engine's own (--zvh); a region's admin
     * creates actors of its own region only. */
    const rg_actor *me = rg_ctx_actor(c);
    bool op = rg_admin_is_operator(me);
    const char *zvh;
    uint32_t zvhn;
    if (rg_val_str(rg_ctx_field(c, "zvh"), &zvh, &zvhn)) {
        if (!rg_is_name(zvh, zvhn)) return rg_ctx_fail(c, RG_EBADREQ, "data.zvh: use 1..64 of A-Z a-z 0-9 . _ -");
        memcpy(a.zvh, zvh, zvhn);
        if (!op && strcmp(a.zvh, me->zvh) != 0)
            return rg_ctx_fail(c, RG_EFORBIDDEN, "an admin of region %s creates actors of that region only",
                               me->zvh);
    } else {
        snprintf(a.zvh, sizeof a.zvh, "%s", op ? rg_engine_zvh(rg_ctx_engine(c)) : me->zvh);
    }
    char scope[16] = "region";
    rg_field_str(c, "scope", scope, sizeof scope);
    a.engine_wide = a.role == RG_ROLE_ADMIN && strcmp(scope, "engine") == 0;
    if (strcmp(scope, "engine") == 0 && a.role != RG_ROLE_ADMIN)
        return rg_ctx_fail(c, RG_EBADREQ, "data.scope: only an admin has one");
    if (a.engine_wide && !op)
        return rg_ctx_fail(c, RG_EFORBIDDEN, "only the engine's operator makes another operator");
    int rc = expiry_of(c, &a.expires);
    if (rc < 0) return rc;
    const rg_val *cov = rg_ctx_field(c, "covenants");
    for (uint32_t i = 0; i < rg_array_size(cov); i++) {
        const char *w;
        uint32_t wn;
        if (rg_val_str(rg_array_at(cov, i), &w, &wn)) a.covenants |= rg_covenant_bit(w, wn);
    }
    if (strcmp(a.id, "system") == 0)
        return rg_ctx_fail(c, RG_EGUARD, "actor id system is reserved for the engine");
    if (rg_store_actor(rg_ctx_engine(c), a.id))
        return rg_ctx_fail(c, RG_EGUARD, "actor %s already exists", a.id);

    char token[RG_TOKEN_LEN + 1];
    new_token(&a, token);
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
    rg_store_actor_put(rg_ctx_engine(c), &a);
    return 0;
}

int rg_h_actor_revoke(rg_ctx *c)
{
    char id[RG_ID_MAX];
    if (!rg_val_strcpy(rg_ctx_field(c, "id"), id, sizeof id))
        return rg_ctx_fail(c, RG_EBADREQ, "data.id: must be a string of at most 64 bytes");
    const rg_actor *cur = rg_store_actor(rg_ctx_engine(c), id);
    int rc = may_manage(c, cur, id);
    if (rc < 0) return rc;
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
    rg_store_actor_put(rg_ctx_engine(c), &a);
    return 0;
}

/* actor.rotate {id, expires?}: a new token, shown once; the old one ends
 * with this commit.  The identity stays (its cases, alerts, feed). */
int rg_h_actor_rotate(rg_ctx *c)
{
    char id[RG_ID_MAX];
    if (!rg_val_strcpy(rg_ctx_field(c, "id"), id, sizeof id))
        return rg_ctx_fail(c, RG_EBADREQ, "data.id: must be a string of at most 64 bytes");
    const rg_actor *cur = rg_store_actor(rg_ctx_engine(c), id);
    int rc = may_manage(c, cur, id);
    if (rc < 0) return rc;
    if (cur->revoked) return rg_ctx_fail(c, RG_EGUARD, "actor %s is revoked; revoked stays revoked", id);
    rg_actor a = *cur;
    uint64_t expires;
    if ((rc = expiry_of(c, &expires)) < 0) return rc;
    if (rg_ctx_field(c, "expires")) a.expires = expires;
    else if (a.expires && a.expires <= rg_ctx_now(c)) a.expires = 0;   /* renewed, not born expired */
    char token[RG_TOKEN_LEN + 1];
    new_token(&a, token);
    rg_buf v = RG_BUF_INIT;
    rg_store_actor_record(&a, &v);
    rg_ctx_put(c, RG_CF_ACTORS, a.id, strlen(a.id), v.data, v.len);
    rg_buf_free(&v);
    rg_w_cstr(rg_ctx_reply_key(c, "id"), a.id);
    rg_w_cstr(rg_ctx_reply_key(c, "token"), token);
    if (a.expires) rg_w_uint(rg_ctx_reply_key(c, "expires"), a.expires);
    /* The token is shown once: a retried request gets the reply without it. */
    rg_w_cstr(rg_ctx_stored_key(c, "id"), a.id);
    rg_w_bool(rg_ctx_stored_key(c, "token_withheld"), true);
    rg_store_actor_put(rg_ctx_engine(c), &a);
    return 0;
}

int rg_h_log_verify(rg_ctx *c)
{
    uint64_t count, broken;
    const char *why;
    int rc = rg_reads_verify(rg_ctx_engine(c), &count, &broken, &why);
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
    /* A region's admin reads its region's records only. */
    const rg_actor *me = rg_ctx_actor(c);
    const char *zvh = rg_admin_is_operator(me) ? NULL : me->zvh;
    if (rg_audit_page_region(rg_services_audit(rg_ctx_engine(c)), case_id[0] ? case_id : NULL, zvh, after,
                             (uint32_t)limit, &recs, &count, &next) < 0) {
        rg_buf_free(&recs);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the audit trail failed");
    }
    /* Reading the trail is a processing too: audited, as one record of
     * its own (not filed under the case asked about, whose trail stays the
     * record of who processed the case itself). */
    rg_ctx_audit_query(c);
    rg_ctx_reply_array(c, "records", count, &recs);
    rg_w_uint(rg_ctx_reply_key(c, "next"), next);
    return 0;
}

/* clock.advance: the manual clock moves on, and every deadline it passes
 * fires, in order, before the reply (the deadline service answers). */
int rg_h_clock_advance(rg_ctx *c)
{
    if (!rg_admin_is_operator(rg_ctx_actor(c)))
        return rg_ctx_fail(c, RG_EFORBIDDEN, "the clock is the whole engine's: only its operator moves it");
    uint64_t ms = 0;
    rg_val_uint(rg_ctx_field(c, "ms"), &ms);            /* at most a century, by the schema */
    return rg_due_advance(rg_services_due(rg_ctx_engine(c)), c, ms);
}
