/*
 * transparency.c - the log anyone can check (auditor, admin):
 *   log.head                 the latest signed tree head {size, root, at,
 *                            signature, key_id} (and public_key, and the
 *                            audit trail's head as `audit`)
 *   log.prove {seq, size?}   an inclusion proof of the record at seq in the
 *                            tree of `size` records (default: the latest
 *                            head's), with the latest head
 *   log.prove {audit, size?} the same for audit record number `audit` in
 *                            the audit trail's tree, the record itself with
 *                            it (hex), and the trail's latest head
 *   log.consistency {from, to, audit?}  a consistency proof between two
 *                            sizes of the log (or of the audit trail)
 * Hashes and signatures are hex.  Nothing of an event record is shown: the
 * leaf is its hash (the record itself is read, by whoever may, with
 * case.history); an audit record holds no case content and is shown.
 * The tree is the transparency service's (engine/services/transparency.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/services/services.h"
#include "../engine/storage/errors.h"
#include "handlers.h"

static void w_hex(rg_buf *b, const uint8_t *p, size_t n)
{
    char hex[2 * RG_STH_SIG + 1];
    rg_mk_hex(hex, p, n);
    rg_w_cstr(b, hex);
}

/* The tree brought up to the durable log; 0, or the request failed. */
static int synced(rg_ctx *c, rg_tlog **t)
{
    *t = rg_services_tlog(rg_ctx_engine(c));
    const char *why;
    if (rg_tlog_sync(*t, &why) < 0) return rg_ctx_fail(c, RG_ESTORAGE, "%s", why);
    return 0;
}

static void w_head(rg_buf *b, const rg_sth *h)
{
    rg_w_map(b, h->audit ? 6 : 5);
    rg_w_kuint(b, "size", h->size);
    rg_w_cstr(b, "root");
    w_hex(b, h->root, RG_MERKLE_HASH);
    rg_w_kuint(b, "at", h->at);
    rg_w_cstr(b, "signature");
    w_hex(b, h->sig, RG_STH_SIG);
    rg_w_kstr(b, "key_id", h->key_id);
    /* Signed as the audit trail's (merkle.h): the verifier must know. */
    if (h->audit) rg_w_kstr(b, "trail", "audit");
}

static void w_path(rg_buf *b, uint8_t path[][RG_MERKLE_HASH], int n)
{
    rg_w_array(b, (uint32_t)n);
    for (int i = 0; i < n; i++) w_hex(b, path[i], RG_MERKLE_HASH);
}

int rg_h_log_head(rg_ctx *c)
{
    rg_tlog *t;
    int rc = synced(c, &t);
    if (rc < 0) return rc;
    const rg_sth *h = rg_tlog_head(t);
    rg_w_uint(rg_ctx_reply_key(c, "size"), h->size);
    w_hex(rg_ctx_reply_key(c, "root"), h->root, RG_MERKLE_HASH);
    rg_w_uint(rg_ctx_reply_key(c, "at"), h->at);
    w_hex(rg_ctx_reply_key(c, "signature"), h->sig, RG_STH_SIG);
    rg_w_cstr(rg_ctx_reply_key(c, "key_id"), h->key_id);
    w_hex(rg_ctx_reply_key(c, "public_key"), rg_tlog_public_key(t), RG_STH_PUB);
    w_head(rg_ctx_reply_key(c, "audit"), rg_tlog_audit_head(t));
    return 0;
}

/* The inclusion proof of audit record n: the record itself comes along
 * (an auditor reads the trail anyway), so the verifier hashes it rather than
 * trusting a leaf. */
static int prove_audit(rg_ctx *c, rg_tlog *t, uint64_t n)
{
    const rg_sth *h = rg_tlog_audit_head(t);
    uint64_t size = h->size, index;
    rg_val_uint(rg_ctx_field(c, "size"), &size);
    if (size > h->size)
        return rg_ctx_fail(c, RG_ENOTFOUND, "data.size: the audit trail's signed head holds %llu records",
                           (unsigned long long)h->size);
    if (!rg_tlog_audit_index(t, n, &index) || index >= size)
        return rg_ctx_fail(c, RG_ENOTFOUND, "data.audit: no audit record %llu in a trail of %llu records",
                           (unsigned long long)n, (unsigned long long)size);
    uint8_t k[8];
    rg_be64_put(k, n);
    rg_buf rec = RG_BUF_INIT;
    int rc = rg_log_get(rg_engine_log(rg_ctx_engine(c)), RG_CF_AUDIT, k, 8, &rec);
    if (rc < 0) {
        rg_buf_free(&rec);
        return rg_ctx_fail(c, RG_ESTORAGE, "the audit record could not be read");
    }
    uint8_t path[RG_MERKLE_MAX_PATH][RG_MERKLE_HASH];
    int np;
    rg_merkle_prove(rg_tlog_audit_tree(t), index, size, path, &np);
    rg_w_uint(rg_ctx_reply_key(c, "audit"), n);
    rg_w_uint(rg_ctx_reply_key(c, "position"), index + 1);
    rg_w_uint(rg_ctx_reply_key(c, "size"), size);
    w_hex(rg_ctx_reply_key(c, "leaf"), rg_merkle_leaf(rg_tlog_audit_tree(t), index), RG_MERKLE_HASH);
    rg_buf *rb = rg_ctx_reply_key(c, "record");
    char *hex = rg_malloc(2 * rec.len + 1);
    rg_mk_hex(hex, rec.data, rec.len);
    rg_w_cstr(rb, hex);
    free(hex);
    rg_buf_free(&rec);
    w_path(rg_ctx_reply_key(c, "path"), path, np);
    w_head(rg_ctx_reply_key(c, "head"), h);
    return 0;
}

int rg_h_log_prove(rg_ctx *c)
{
    uint64_t seq = 0, audit = 0;
    bool has_seq = rg_val_uint(rg_ctx_field(c, "seq"), &seq);          /* >= 1, by the schema */
    bool has_audit = rg_val_uint(rg_ctx_field(c, "audit"), &audit);
    if (has_seq == has_audit)
        return rg_ctx_fail(c, RG_EBADREQ, "data.seq: give seq (a record of the log) or audit (a record of "
                                          "the audit trail), one of the two");
    rg_tlog *t;
    int rc = synced(c, &t);
    if (rc < 0) return rc;
    if (has_audit) return prove_audit(c, t, audit);
    const rg_sth *h = rg_tlog_head(t);
    uint64_t size = h->size;
    rg_val_uint(rg_ctx_field(c, "size"), &size);
    if (size > h->size)
        return rg_ctx_fail(c, RG_ENOTFOUND, "data.size: the log's signed head holds %llu records",
                           (unsigned long long)h->size);
    if (seq < 1 || seq > size)
        return rg_ctx_fail(c, RG_ENOTFOUND, "data.seq: a tree of %llu records holds positions 1..%llu",
                           (unsigned long long)size, (unsigned long long)size);
    uint8_t path[RG_MERKLE_MAX_PATH][RG_MERKLE_HASH];
    int n;
    rg_merkle_prove(rg_tlog_tree(t), seq - 1, size, path, &n);
    rg_w_uint(rg_ctx_reply_key(c, "seq"), seq);
    rg_w_uint(rg_ctx_reply_key(c, "size"), size);
    w_hex(rg_ctx_reply_key(c, "leaf"), rg_merkle_leaf(rg_tlog_tree(t), seq - 1), RG_MERKLE_HASH);
    w_path(rg_ctx_reply_key(c, "path"), path, n);
    w_head(rg_ctx_reply_key(c, "head"), h);
    return 0;
}

int rg_h_log_consistency(rg_ctx *c)
{
    uint64_t from = 0, to = 0;
    rg_val_uint(rg_ctx_field(c, "from"), &from);
    rg_val_uint(rg_ctx_field(c, "to"), &to);
    bool audit = false;
    rg_val_bool(rg_ctx_field(c, "audit"), &audit);
    rg_tlog *t;
    int rc = synced(c, &t);
    if (rc < 0) return rc;
    const rg_sth *h = audit ? rg_tlog_audit_head(t) : rg_tlog_head(t);
    const rg_merkle *tree = audit ? rg_tlog_audit_tree(t) : rg_tlog_tree(t);
    if (from < 1 || from > to)
        return rg_ctx_fail(c, RG_EBADREQ, "data.from: must be 1..data.to");
    if (to > h->size)
        return rg_ctx_fail(c, RG_ENOTFOUND, "data.to: the %s's signed head holds %llu records",
                           audit ? "audit trail" : "log", (unsigned long long)h->size);
    uint8_t path[RG_MERKLE_MAX_PATH][RG_MERKLE_HASH], r1[RG_MERKLE_HASH], r2[RG_MERKLE_HASH];
    int n;
    rg_merkle_consistency(tree, from, to, path, &n);
    rg_merkle_root(tree, from, r1);
    rg_merkle_root(tree, to, r2);
    if (audit) rg_w_cstr(rg_ctx_reply_key(c, "trail"), "audit");
    rg_w_uint(rg_ctx_reply_key(c, "from"), from);
    rg_w_uint(rg_ctx_reply_key(c, "to"), to);
    w_hex(rg_ctx_reply_key(c, "from_root"), r1, RG_MERKLE_HASH);
    w_hex(rg_ctx_reply_key(c, "to_root"), r2, RG_MERKLE_HASH);
    w_path(rg_ctx_reply_key(c, "path"), path, n);
    w_head(rg_ctx_reply_key(c, "head"), h);
    return 0;
}
