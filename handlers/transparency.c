/*
 * transparency.c - the log anyone can check (auditor, admin):
 *   log.head                 the latest signed tree head {size, root, at,
 *                            signature, key_id} (and public_key)
 *   log.prove {seq, size?}   an inclusion proof of the record at seq in the
 *                            tree of `size` records (default: the latest
 *                            head's), with the latest head
 *   log.consistency {from, to}  a consistency proof between two sizes
 * Hashes and signatures are hex.  Nothing of a record is shown: the leaf is
 * its hash (the record itself is read, by whoever may, with case.history).
 * The tree is the transparency service's (engine/services/transparency.h).
 */
#include <stdio.h>
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
    *t = rg_services_of(rg_ctx_engine(c))->tlog;
    const char *why;
    if (rg_tlog_sync(*t, &why) < 0) return rg_ctx_fail(c, RG_ESTORAGE, "%s", why);
    return 0;
}

static void w_head(rg_buf *b, const rg_sth *h)
{
    rg_w_map(b, 5);
    rg_w_kuint(b, "size", h->size);
    rg_w_cstr(b, "root");
    w_hex(b, h->root, RG_MERKLE_HASH);
    rg_w_kuint(b, "at", h->at);
    rg_w_cstr(b, "signature");
    w_hex(b, h->sig, RG_STH_SIG);
    rg_w_kstr(b, "key_id", h->key_id);
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
    return 0;
}

int rg_h_log_prove(rg_ctx *c)
{
    uint64_t seq = 0;
    rg_val_uint(rg_ctx_field(c, "seq"), &seq);          /* >= 1, by the schema */
    rg_tlog *t;
    int rc = synced(c, &t);
    if (rc < 0) return rc;
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
    rg_tlog *t;
    int rc = synced(c, &t);
    if (rc < 0) return rc;
    const rg_sth *h = rg_tlog_head(t);
    if (from < 1 || from > to)
        return rg_ctx_fail(c, RG_EBADREQ, "data.from: must be 1..data.to");
    if (to > h->size)
        return rg_ctx_fail(c, RG_ENOTFOUND, "data.to: the log's signed head holds %llu records",
                           (unsigned long long)h->size);
    uint8_t path[RG_MERKLE_MAX_PATH][RG_MERKLE_HASH], r1[RG_MERKLE_HASH], r2[RG_MERKLE_HASH];
    int n;
    rg_merkle_consistency(rg_tlog_tree(t), from, to, path, &n);
    rg_merkle_root(rg_tlog_tree(t), from, r1);
    rg_merkle_root(rg_tlog_tree(t), to, r2);
    rg_w_uint(rg_ctx_reply_key(c, "from"), from);
    rg_w_uint(rg_ctx_reply_key(c, "to"), to);
    w_hex(rg_ctx_reply_key(c, "from_root"), r1, RG_MERKLE_HASH);
    w_hex(rg_ctx_reply_key(c, "to_root"), r2, RG_MERKLE_HASH);
    w_path(rg_ctx_reply_key(c, "path"), path, n);
    w_head(rg_ctx_reply_key(c, "head"), h);
    return 0;
}
