/*
 * transparency.h - the log anyone can check: the engine's Merkle tree over
 * its durable event records (storage/merkle.h), signed tree heads under the
 * engine's Ed25519 key, and their publication for witnesses.  The audit
 * trail (the audit family's records, be64(n), never deleted) has a tree
 * and heads of its own, alike, written to DIR/audit.head and
 * DIR/audit.heads (with "trail":"audit"), signed as audit heads
 * (merkle.h): so an auditor can prove an access record is in the trail.
 *
 * The signing key: `--sign-key FILE` (64 hex digits, an Ed25519 seed), kept
 * apart from the key-encryption key and from the data (a systemd
 * credential); without the option, DIR.sign beside the data directory,
 * created 0600 on first start (as DIR.kek is).  A given --sign-key that
 * is missing or malformed, or any key file others may read, refuses the
 * start.  The public key is written to DIR/sign.pub at every
 * start (64 hex digits): the operator hands it to the supervisor once; the
 * verifier (`regie verify-head`, `verify-proof`) needs nothing else.
 *
 * Heads: a head is signed when the log has grown since the last one and a
 * head is asked for (log.head, a proof), and once a day by a timer.  Each
 * is written to DIR/log.head (the latest, replaced atomically) and appended
 * to DIR/log.heads (all of them), one JSON object per line:
 *   {"size":N,"root":"HEX","at":MS,"signature":"HEX","key_id":"HEX"}
 * At start the last head is read back; the tree, rebuilt from the log on
 * first use, must give that head's root at its size, or every request of
 * the transparency log is refused (the log no longer matches what was
 * signed: a witness must hear of it).
 *
 * The tree holds only durable records (it reads RocksDB, not pending
 * commits) and is kept up to date when used: O(new records).
 * Threads: the loop thread.
 */
#ifndef RG_TRANSPARENCY_H
#define RG_TRANSPARENCY_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/engine.h"
#include "../storage/merkle.h"

typedef struct rg_tlog rg_tlog;

/* Load or create the signing key, read the last head, start the daily
 * timer.  RG_EBADREQ (said on stderr) for an unusable key file. */
int rg_tlog_attach(rg_engine *e, const char *dir, const char *sign_key /* NULL: DIR/sign.key */,
                   rg_tlog **out /* OUT */);
/* Bring the tree up to the durable log and check it against the last
 * head; 0, RG_ESTORAGE (the log could not be read) or RG_ECONFLICT with
 * *why saying how the log differs from what was signed. */
int rg_tlog_sync(rg_tlog *t, const char **why /* OUT */);
/* The latest head, signed now if the log grew since the last (after a
 * successful rg_tlog_sync). */
const rg_sth *rg_tlog_head(rg_tlog *t);
const rg_merkle *rg_tlog_tree(const rg_tlog *t);
/* The audit trail's tree (its leaves the audit records, in number order),
 * its latest head (signed now if the trail grew), and the leaf index of
 * record n (false: no such record in the tree). */
const rg_sth *rg_tlog_audit_head(rg_tlog *t);
const rg_merkle *rg_tlog_audit_tree(const rg_tlog *t);
bool rg_tlog_audit_index(const rg_tlog *t, uint64_t n, uint64_t *index /* OUT */);
const uint8_t *rg_tlog_public_key(const rg_tlog *t);

#endif
