/*
 * verify_backup.c - `regie-verify backup --pub KEY --head HEAD BACKUP_DIR`:
 * a supervisor's check of a backup directory against a signed head taken
 * earlier, trusting nothing of the operator but the engine's public key.
 *
 * The newest backup in the directory is restored into a scratch directory
 * (RocksDB's BackupEngine checks every file against its checksum as it
 * copies) and read once, in position order:
 *   - the positions run 1, 2, 3, ... with none missing (a gap is a dropped
 *     record) and there are at least as many as the head signs (fewer: the
 *     log was truncated);
 *   - the first `size` records, hashed as the engine's Merkle tree's leaves
 *     (the stored record, ciphertext and all), give the root the head signs:
 *     no record up to the head was altered, dropped, reordered or put in;
 *     where the hash chain breaks first is said too, to point at the
 *     record (an intact chain with a wrong root: the links were recomputed);
 *   - the records after the head are chained to it (the log only grew);
 *   - the engine's own head (meta `head`) names the last record;
 *   - erasures: every case with sealed records still has its key, unless the
 *     log records its erasure (`case.erased`), and every person whose data
 *     is sealed under their own key (format 3, key CASE/Pn) still has it,
 *     unless the log records the person's erasure (`person.erased`) or the
 *     case's; an erased case's records are all there, as ciphertext (the
 *     root covers them); a case or person recorded erased whose key is
 *     still there was not erased;
 *   - with --audit-head, the audit trail's first `size` records (access
 *     records are never deleted) give the root the audit head signs.
 * Every length read is checked against the bytes present (rg_record_parse,
 * the bounded msgpack decoder); nothing read is used as a size or offset
 * unchecked.  Whatever is wrong is said, with the position or the case;
 * exit status 1.  The scratch copy is removed.
 *
 * Links RocksDB through storage/log.c (so it is its own program, not part
 * of the `regie` client), and nothing of the engine above the domain's
 * record layout.
 */
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/domain/event.h"
#include "../engine/storage/buf.h"
#include "../engine/storage/codec.h"
#include "../engine/storage/errors.h"
#include "../engine/storage/hmap.h"
#include "../engine/storage/log.h"
#include "verify.h"

#define say rg_verify_say

static int usage(FILE *out)
{
    fprintf(out,
            "regie-verify backup --pub KEY --head HEAD [--audit-head HEAD] [--work DIR] BACKUP_DIR\n\n"
            "  Checks a backup directory (backup.create, regie-backup.service) against a signed head\n"
            "  taken earlier, with the engine's public key alone (KEY: 64 hex digits or DIR/sign.pub).\n"
            "  The newest backup is restored into a scratch directory under DIR (default $TMPDIR or\n"
            "  /tmp), read, and removed.  It holds when every record up to the head is there, in order,\n"
            "  giving the root the head signs; the records after it are chained to it (the log only\n"
            "  grew); and nothing is gone but what the log records as erased: every case with sealed\n"
            "  records keeps its key unless its erasure is recorded, and an erased case's records are\n"
            "  still there as ciphertext.  Exit status 0 when it holds; 1, saying what is wrong\n"
            "  (the position or the case), for anything else; 2 for a wrong command line.  With\n"
            "  --audit-head (DIR/audit.head, taken earlier), the backup's audit trail must hold the access\n"
            "  records that head signs, unchanged and in order.\n\n"
            "example:\n  regie-verify backup --pub sign.pub --head head-monday.json /var/backups/regie\n");
    return out == stdout ? 0 : 2;
}

/* What the log says of one case. */
typedef struct case_seen {
    uint64_t sealed;         /* its records of format 2 (under its key) */
    uint64_t records;
    uint64_t erased_at;      /* the position of its case.erased, 0: none */
} case_seen;

typedef struct check {
    const rg_sth *head;
    uint64_t records;        /* the last position read (they run from 1) */
    uint64_t chain_break;    /* the first position whose link does not follow, 0: none */
    uint8_t link[RG_HASH_LEN];
    rg_merkle_acc acc;
    rg_hmap cases;
    rg_hmap persons;         /* CASE/Pn -> case_seen: sealed under a person's key, erased */
    int problems;
} check;

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* What a record's public part says: its case, whether it erases the case
 * (case.erased) or a person (person.erased), and the person it names
 * (data.person; "" for none).  False when malformed. */
typedef struct pubinfo {
    char id[RG_ID_MAX];
    char person[RG_ID_MAX];
    bool case_erased, person_erased;
} pubinfo;

static bool read_pub(const rg_record *r, rg_doc **doc, pubinfo *out)
{
    const char *why;
    memset(out, 0, sizeof *out);
    if (rg_doc_reparse(doc, r->pub, r->pub_len, &why) < 0) return false;
    const rg_val *m = rg_doc_root(*doc);
    const rg_val *c = rg_map_get(m, "case"), *t = rg_map_get(m, "type");
    if (!rg_val_strcpy(c, out->id, RG_ID_MAX) || !out->id[0] || rg_val_type(t) != RG_VSTR) return false;
    out->case_erased = rg_val_is_str(t, "case.erased");
    out->person_erased = rg_val_is_str(t, "person.erased");
    const rg_val *p = rg_map_get(rg_map_get(m, "data"), "person");
    if (p && !rg_val_strcpy(p, out->person, RG_ID_MAX)) return false;
    return true;
}

static case_seen *seen(check *k, rg_hmap *m, const char *id)
{
    (void)k;
    size_t n = strlen(id);
    case_seen *c = rg_hmap_get(m, id, n);
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c) {
            say("out of memory\n");
            exit(1);
        }
        rg_hmap_put(m, id, n, c);
    }
    return c;
}

/* Read the events in position order; 0 when they could be read through (what
 * is wrong with them is counted in k->problems and said), -1 when reading
 * stopped. */
static int read_events(rg_log *log, check *k)
{
    rg_iter *it = rg_iter_new_scan(log, RG_CF_EVENTS);
    rg_doc *doc = NULL;
    int rc = 0;
    for (rg_iter_seek_first(it); rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn, vn;
        const uint8_t *key = rg_iter_key(it, &kn), *v = rg_iter_value(it, &vn);
        if (kn != 8) {
            say("the log holds a key of %zu bytes after position %" PRIu64 ": not a position (a foreign or "
                "damaged store)\n", kn, k->records);
            k->problems++;
            rc = -1;
            break;
        }
        uint64_t seq = rg_be64_get(key);
        if (seq != k->records + 1) {
            /* A gap: the records between are gone (none can come before). */
            if (seq == k->records + 2)
                say("DROPPED: position %" PRIu64 " is missing%s\n", k->records + 1,
                    k->records + 1 <= k->head->size ? "" : " (after the head)");
            else
                say("DROPPED: positions %" PRIu64 "..%" PRIu64 " are missing%s\n", k->records + 1, seq - 1,
                    k->records + 1 <= k->head->size ? "" : " (after the head)");
            k->problems++;
            rc = -1;
            break;
        }
        rg_record r;
        if (rg_record_parse(v, vn, &r) < 0) {
            say("DAMAGED: the record at position %" PRIu64 " is not a record (%zu bytes)\n", seq, vn);
            k->problems++;
            rc = -1;
            break;
        }
        if (!k->chain_break && !rg_record_verify(k->link, v, vn)) k->chain_break = seq;
        memcpy(k->link, v, RG_HASH_LEN);
        if (seq <= k->head->size) {
            uint8_t lh[RG_MERKLE_HASH];
            rg_merkle_leaf_hash(lh, v, vn);
            rg_merkle_acc_add(&k->acc, lh);
        }
        pubinfo sd;
        if (read_pub(&r, &doc, &sd)) {
            case_seen *c = seen(k, &k->cases, sd.id);
            c->records++;
            if (r.format >= 2) c->sealed++;
            if (sd.case_erased && !c->erased_at) c->erased_at = seq;
            /* Format 3: the subject part is under its person's key, CASE/Pn
             * (the person the data names, P1 when none). */
            char pk[2 * RG_ID_MAX + 2];
            snprintf(pk, sizeof pk, "%s/%s", sd.id, sd.person[0] ? sd.person : "P1");
            if (r.format == 3 && r.subj_len) seen(k, &k->persons, pk)->sealed++;
            if (sd.person_erased && sd.person[0] && !seen(k, &k->persons, pk)->erased_at)
                seen(k, &k->persons, pk)->erased_at = seq;
        } else {
            /* Still a leaf: the root says whether it was signed so. */
            say("DAMAGED: the record at position %" PRIu64 " names no case or type\n", seq);
            k->problems++;
        }
        k->records = seq;
    }
    rg_doc_free(doc);
    if (rg_iter_end(it) < 0) {
        say("the restored backup could not be read through (after position %" PRIu64 ")\n", k->records);
        k->problems++;
        return -1;
    }
    return rc;
}

/* The records up to the head against its root, and what follows it. */
static void check_head(check *k)
{
    const rg_sth *h = k->head;
    if (k->records < h->size) {
        say("TRUNCATED: the backup holds %" PRIu64 " records, the head signs %" PRIu64 ": positions %" PRIu64
            "..%" PRIu64 " are missing\n", k->records, h->size, k->records + 1, h->size);
        k->problems++;
        return;
    }
    uint8_t root[RG_MERKLE_HASH];
    rg_merkle_acc_root(&k->acc, root);
    if (memcmp(root, h->root, RG_MERKLE_HASH) != 0) {
        if (k->chain_break && k->chain_break <= h->size)
            say("ALTERED: the records 1..%" PRIu64 " do not give the root the head signs: a record was changed, "
                "reordered or put in since it was signed; the hash chain breaks first at position %" PRIu64 "\n",
                h->size, k->chain_break);
        else
            say("ALTERED: the records 1..%" PRIu64 " do not give the root the head signs: records were rewritten "
                "since it was signed, their hash links recomputed to hide it\n", h->size);
        k->problems++;
        return;
    }
    if (k->chain_break > h->size) {
        say("ALTERED: after the head, the hash chain breaks at position %" PRIu64 "\n", k->chain_break);
        k->problems++;
    }
}

/* The engine's own head names the last record (a log cut after the head
 * leaves it naming a position that is gone). */
static void check_meta(rg_log *log, check *k)
{
    rg_buf v = RG_BUF_INIT;
    int rc = rg_log_get(log, RG_CF_META, "head", 4, &v);
    if (rc == RG_ENOTFOUND && k->records == 0) {
        rg_buf_free(&v);
        return;
    }
    if (rc < 0 || v.len != 8 + RG_HASH_LEN) {
        say("the engine's head (meta) is %s\n", rc < 0 ? "missing" : "damaged");
        k->problems++;
    } else if (rg_be64_get(v.data) != k->records || memcmp(v.data + 8, k->link, RG_HASH_LEN) != 0) {
        say("TRUNCATED: the engine's head names position %" PRIu64 ", the log ends at %" PRIu64 "%s\n",
            rg_be64_get(v.data), k->records,
            rg_be64_get(v.data) == k->records ? " with another record" : "");
        k->problems++;
    }
    rg_buf_free(&v);
}

/* Nothing gone but recorded erasures: keys of sealed cases. */
static void check_keys(rg_log *log, check *k, uint64_t *erased, uint64_t *erased_records,
                       uint64_t *erased_persons)
{
    rg_hmap keys;
    rg_hmap_init(&keys);
    rg_iter *it = rg_iter_new_scan(log, RG_CF_KEYS);
    for (rg_iter_seek_first(it); rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn;
        const uint8_t *key = rg_iter_key(it, &kn);
        rg_hmap_put(&keys, key, kn, (void *)1);
    }
    if (rg_iter_end(it) < 0) {
        say("the restored backup's keys could not be read\n");
        k->problems++;
    }
    rg_hmap_slot *s;
    int said = 0;
    for (size_t i = 0; (i = rg_hmap_next(&k->cases, i, &s)) != 0;) {
        const case_seen *c = s->val;
        bool has_key = rg_hmap_get(&keys, s->key, s->klen) != NULL;
        if (c->erased_at) {
            (*erased)++;
            *erased_records += c->records;
            if (has_key) {
                if (said++ < 20)
                    say("NOT ERASED: case %.*s is recorded erased at position %" PRIu64 " but its key is still "
                        "there\n", (int)s->klen, s->key, c->erased_at);
                k->problems++;
            }
        } else if (c->sealed && !has_key) {
            if (said++ < 20)
                say("REMOVED: the key of case %.*s is gone (its %" PRIu64 " sealed records unreadable) but the log "
                    "records no erasure of it\n", (int)s->klen, s->key, c->sealed);
            k->problems++;
        }
    }
    /* A person's key (format 3) goes with the person's erasure, or the case's. */
    for (size_t i = 0; (i = rg_hmap_next(&k->persons, i, &s)) != 0;) {
        const case_seen *p = s->val;
        const char *slash = memrchr(s->key, '/', s->klen);
        const case_seen *c = slash ? rg_hmap_get(&k->cases, s->key, (size_t)(slash - s->key)) : NULL;
        bool has_key = rg_hmap_get(&keys, s->key, s->klen) != NULL;
        if (c && c->erased_at) continue;
        if (p->erased_at && has_key) {
            if (said++ < 20)
                say("NOT ERASED: person %.*s is recorded erased at position %" PRIu64 " but their key is still "
                    "there\n", (int)s->klen, s->key, p->erased_at);
            k->problems++;
        } else if (!p->erased_at && p->sealed && !has_key) {
            if (said++ < 20)
                say("REMOVED: the key of person %.*s is gone (%" PRIu64 " sealed records unreadable) but the log "
                    "records no erasure of them\n", (int)s->klen, s->key, p->sealed);
            k->problems++;
        } else if (p->erased_at) {
            (*erased_persons)++;
        }
    }
    if (said > 20) say("... and %d more such cases\n", said - 20);
    rg_hmap_free(&keys);
}

/* The audit trail (keys be64(n), in number order; the index keys after
 * them are longer) against the audit trail's head: its first `size`
 * records give the signed root.  *records: how many the trail holds. */
static void check_audit(rg_log *log, check *k, const rg_sth *ah, uint64_t *records)
{
    rg_merkle_acc acc;
    rg_merkle_acc_init(&acc);
    uint64_t last = 0;
    *records = 0;
    rg_iter *it = rg_iter_new_scan(log, RG_CF_AUDIT);
    for (rg_iter_seek_first(it); rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn, vn;
        const uint8_t *key = rg_iter_key(it, &kn), *v = rg_iter_value(it, &vn);
        if (kn != 8) continue;
        uint64_t n = rg_be64_get(key);
        RG_ASSERT(n > last || *records == 0);           /* keys come in order */
        last = n;
        if (*records < ah->size) {
            uint8_t lh[RG_MERKLE_HASH];
            rg_merkle_leaf_hash(lh, v, vn);
            rg_merkle_acc_add(&acc, lh);
        }
        (*records)++;
    }
    if (rg_iter_end(it) < 0) {
        say("the restored backup's audit trail could not be read\n");
        k->problems++;
        return;
    }
    if (*records < ah->size) {
        say("AUDIT DROPPED: the backup's audit trail holds %" PRIu64 " access records, its head signs %" PRIu64
            ": records were removed or cut off since\n", *records, ah->size);
        k->problems++;
        return;
    }
    uint8_t root[RG_MERKLE_HASH];
    rg_merkle_acc_root(&acc, root);
    if (memcmp(root, ah->root, RG_MERKLE_HASH) != 0) {
        say("AUDIT ALTERED: the audit trail's first %" PRIu64 " records do not give the root its head signs: an "
            "access record was changed, dropped or put in since\n", ah->size);
        k->problems++;
    }
}

static void free_cases(rg_hmap *m)
{
    rg_hmap_slot *s;
    for (size_t i = 0; (i = rg_hmap_next(m, i, &s)) != 0;) free(s->val);
    rg_hmap_free(m);
}

int rg_verify_backup(int argc, char **argv, int from)
{
    const char *pub_arg = NULL, *head_arg = NULL, *audit_arg = NULL, *work = NULL, *dir = NULL;
    for (int i = from; i < argc; i++) {
        const char *s = argv[i];
        const char **slot = !strcmp(s, "--pub") ? &pub_arg : !strcmp(s, "--head") ? &head_arg
                            : !strcmp(s, "--audit-head") ? &audit_arg : !strcmp(s, "--work") ? &work : NULL;
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) return usage(stdout);
        if (slot) {
            if (i + 1 >= argc) {
                say("%s needs a value\n", s);
                return usage(stderr);
            }
            *slot = argv[++i];
        } else if (s[0] == '-' && s[1]) {
            say("no flag %s here\n", s);
            return usage(stderr);
        } else if (dir) {
            say("one backup directory at a time (%s, %s)\n", dir, s);
            return usage(stderr);
        } else {
            dir = s;
        }
    }
    if (!pub_arg || !head_arg || !dir) return usage(stderr);
    uint8_t pub[RG_STH_PUB];
    rg_sth head;
    if (!rg_verify_load_pub(pub_arg, pub) || !rg_verify_head_file(head_arg, pub, &head)) return 1;
    if (head.audit) {
        say("%s is a head of the audit trail: give it as --audit-head, and the log's as --head\n", head_arg);
        return 1;
    }
    rg_sth ahead;
    if (audit_arg) {
        if (!rg_verify_head_file(audit_arg, pub, &ahead)) return 1;
        if (!ahead.audit) {
            say("%s is a head of the log, not of the audit trail (DIR/audit.head)\n", audit_arg);
            return 1;
        }
    }

    if (!work) work = getenv("TMPDIR");
    if (!work || !*work) work = "/tmp";
    char scratch[4096], db[4200];
    snprintf(scratch, sizeof scratch, "%s/regie-verify.XXXXXX", work);
    if (!mkdtemp(scratch)) {
        say("cannot make a scratch directory under %s: %s\n", work, strerror(errno));
        return 1;
    }
    snprintf(db, sizeof db, "%s/db", scratch);
    char why[512];
    rg_backup_info info;
    int rc = rg_log_restore(dir, db, &info, why, sizeof why);
    if (rc < 0) {
        if (rc == RG_ENOTFOUND) say("%s\n", why);
        else say("%s cannot be restored (damaged, or not a backup): %s\n", dir, why);
        nftw(scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        return 1;
    }
    rg_log *log;
    if (rg_log_open(&log, db) < 0) {
        say("%s: the restored backup does not open as a store\n", dir);
        nftw(scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        return 1;
    }
    check k;
    memset(&k, 0, sizeof k);
    k.head = &head;
    rg_merkle_acc_init(&k.acc);
    rg_hmap_init(&k.cases);
    rg_hmap_init(&k.persons);
    uint64_t erased = 0, erased_records = 0, erased_persons = 0;
    if (read_events(log, &k) == 0) {
        check_head(&k);
        check_meta(log, &k);
        check_keys(log, &k, &erased, &erased_records, &erased_persons);
    } else if (k.records < head.size) {
        /* Reading stopped before the head: the root cannot be had. */
        say("the records up to the head (%" PRIu64 ") cannot be checked against its root\n", head.size);
    }
    uint64_t audit_records = 0;
    if (audit_arg) check_audit(log, &k, &ahead, &audit_records);
    rg_log_close(log);
    nftw(scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free_cases(&k.cases);
    free_cases(&k.persons);
    if (k.problems) {
        say("%s: NOT GOOD against the head of %" PRIu64 " records signed at %" PRIu64 " ms by key %s (%d problem%s)\n",
            dir, head.size, head.at, head.key_id, k.problems, k.problems == 1 ? "" : "s");
        return 1;
    }
    printf("backup ok: %s (backup %" PRIu32 ", taken at %" PRIu64 " s) holds the %" PRIu64 " records the head signs "
           "(signed at %" PRIu64 " ms by key %s), in order, giving its root, and %" PRIu64 " more chained to them; "
           "%" PRIu64 " erased case%s, whose %" PRIu64 " records are there as ciphertext, and %" PRIu64
           " erased person%s, each erasure recorded; nothing else gone\n",
           dir, info.id, info.at, head.size, head.at, head.key_id, k.records - head.size, erased,
           erased == 1 ? "" : "s", erased_records, erased_persons, erased_persons == 1 ? "" : "s");
    if (audit_arg)
        printf("audit trail ok: the %" PRIu64 " access records its head signs (signed at %" PRIu64 " ms) are there, "
               "in order, giving its root, and %" PRIu64 " more after them\n", ahead.size, ahead.at,
               audit_records - ahead.size);
    return 0;
}
