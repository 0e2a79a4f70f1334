/*
 * verify_backup_test.c - `regie-verify backup` (issue 26 B): a supervisor
 * checks a backup directory against a signed head taken earlier, with the
 * engine's public key alone.
 *
 *   - the backup of a log that grew after the head, with an erased case,
 *     holds: every record up to the head gives its root, the rest chained
 *     to it, the erased case's records there as ciphertext;
 *   - backups altered behind the engine's back each fail, saying what is
 *     wrong: a record altered, one altered with the hash chain recomputed
 *     after it, a record dropped, the log truncated below the head, a pair
 *     of records reordered, the last record cut after the head, a case's
 *     key removed without a recorded erasure; an access record dropped
 *     (against the audit trail's head); a backup whose table file was
 *     damaged on disk; and a directory that is no backup.
 * The engine runs in process; regie-verify is the real program
 * ($REGIE_VERIFY, default bin/regie-verify).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../test.h"
#include "../../engine/storage/crypto.h"
#include "../../engine/storage/log.h"
#include "steps.h"

static char pol[128], pr[128], mgr[128], aud[128];
static char *work;                 /* scratch: heads, backups, outputs */
static uint64_t total;             /* records in the backup */
static uint64_t head_size;         /* records the first head signs */
static char keep_case[32];         /* a case not erased */

/* A case reported, taken and rejected at intake (referred): erasable. */
static void referred_case(char *id)
{
    static int n;
    char rq[32];
    snprintf(rq, sizeof rq, "r-%d", ++n);
    id[0] = 0;
    rg_buf_reset(&B);
    rg_t_report_req(&B, pol, rq, "Q. Zwartkoppe");
    if (send_req()[0]) return;
    snprintf(id, 32, "%s", rg_t_str(&R, "case"));
    rg_w_kstr(req(pr, "case.assign", id, 1), "procesregisseur", "pr");
    OK();
    req(pr, "intake.start", id, 0);
    OK();
    rg_buf *b = req(pr, "intake.decide", id, 3);
    rg_w_kbool(b, "admit", false);
    rg_w_kstr(b, "reason", "not for the ZVH");
    rg_w_kstr(b, "referred_to", "wijkteam");
    OK();
}

static int sh(const char *cmd)
{
    char full[16384];
    snprintf(full, sizeof full, "cd '%s' && %s", work, cmd);
    int st = system(full);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* regie-verify backup of work/BK against work/HEAD; its exit status, its
 * stdout and stderr in work/out and work/err. */
static int verify(const char *head, const char *bk)
{
    /* The program: $REGIE_VERIFY (tests/run.sh), else the checkout's. */
    static char bin[4200];
    if (!bin[0]) {
        const char *env = getenv("REGIE_VERIFY");
        if (env) snprintf(bin, sizeof bin, "%s", env);
        else if (!realpath("bin/regie-verify", bin)) snprintf(bin, sizeof bin, "regie-verify");
    }
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' backup --pub '%s/sign.pub' --head %s --work . %s > out 2> err", bin, L.dir,
             head, bk);
    return sh(cmd);
}

static bool file_says(const char *name, const char *part)
{
    char path[4200], buf[8192] = "";
    snprintf(path, sizeof path, "%s/%s", work, name);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = 0;
    if (!strstr(buf, part) || getenv("VERBOSE")) printf("  %s: %s\n", name, buf);
    return strstr(buf, part) != NULL;
}

/* The latest head, as the engine wrote it to DIR/log.head, copied to work/name. */
static uint64_t take_head(const char *name)
{
    if (query(aud, "log.head", NULL)[0]) return 0;
    uint64_t size = rg_t_uint(&R, "size");
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "cp '%s/log.head' %s", L.dir, name);
    return sh(cmd) == 0 ? size : 0;
}

static void key_of(uint64_t seq, uint8_t k[8]) { rg_be64_put(k, seq); }

/* A copy of work/bk, changed by fn on a restored store, backed up into
 * work/name. */
static void tampered(const char *name, void (*fn)(rg_log *log))
{
    char bk[4200], db[4200], out[4200], why[512];
    snprintf(bk, sizeof bk, "%s/bk", work);
    snprintf(db, sizeof db, "%s/db-%s", work, name);
    snprintf(out, sizeof out, "%s/%s", work, name);
    rg_backup_info info;
    REQUIRE(rg_log_restore(bk, db, &info, why, sizeof why) == 0);
    rg_log *log;
    REQUIRE(rg_log_open(&log, db) == 0);
    fn(log);
    CHECK(rg_log_backup(log, out, 0, &info, why, sizeof why) == 0);
    rg_log_close(log);
}

static void put_record(rg_log *log, rg_batch *b, uint64_t seq, const rg_buf *v)
{
    (void)log;
    uint8_t k[8];
    key_of(seq, k);
    rg_batch_put(b, RG_CF_EVENTS, k, 8, v->data, v->len);
}

static void get_record(rg_log *log, uint64_t seq, rg_buf *v)
{
    uint8_t k[8];
    key_of(seq, k);
    rg_buf_reset(v);
    if (rg_log_get(log, RG_CF_EVENTS, k, 8, v) < 0) rg_t_failed = 1;
}

static void write_batch(rg_log *log, rg_batch *b)
{
    if (rg_log_write(log, b, true) < 0) rg_t_failed = 1;
    rg_batch_free(b);
}

/* The record's time moved by a second (it still reads as a record). */
static void backdate(rg_buf *v)
{
    uint8_t *at = memmem(v->data + 43, v->len - 43, "\xa2" "at\xcf", 4);
    if (!at || at + 12 > v->data + v->len) {
        rg_t_failed = 1;
        return;
    }
    at[10] ^= 0x03;
}

static void alter_3(rg_log *log)
{
    rg_buf v = RG_BUF_INIT;
    get_record(log, 3, &v);
    backdate(&v);
    rg_batch *b = rg_batch_new(log);
    put_record(log, b, 3, &v);
    write_batch(log, b);
    rg_buf_free(&v);
}

/* Record 3 changed and every link from it on recomputed, the engine's head
 * too: the hash chain holds, only the signed root tells. */
static void alter_3_relink(rg_log *log)
{
    rg_buf v = RG_BUF_INIT;
    uint8_t prev[RG_HASH_LEN];
    get_record(log, 2, &v);
    memcpy(prev, v.data, RG_HASH_LEN);
    rg_batch *b = rg_batch_new(log);
    for (uint64_t s = 3; s <= total; s++) {
        get_record(log, s, &v);
        if (s == 3) backdate(&v);
        rg_chain_link(v.data, prev, v.data + RG_HASH_LEN, v.len - RG_HASH_LEN);
        memcpy(prev, v.data, RG_HASH_LEN);
        put_record(log, b, s, &v);
    }
    uint8_t head[8 + RG_HASH_LEN];
    rg_be64_put(head, total);
    memcpy(head + 8, prev, RG_HASH_LEN);
    rg_batch_put(b, RG_CF_META, "head", 4, head, sizeof head);
    write_batch(log, b);
    rg_buf_free(&v);
}

static void drop_2(rg_log *log)
{
    uint8_t k[8];
    key_of(2, k);
    rg_batch *b = rg_batch_new(log);
    rg_batch_del(b, RG_CF_EVENTS, k, 8);
    write_batch(log, b);
}

/* Everything after position 3 gone, the engine's head set back to it. */
static void truncate_3(rg_log *log)
{
    rg_buf v = RG_BUF_INIT;
    get_record(log, 3, &v);
    rg_batch *b = rg_batch_new(log);
    uint8_t from[8], to[8];
    key_of(4, from);
    key_of(total + 1, to);
    rg_batch_del_range(b, RG_CF_EVENTS, from, 8, to, 8);
    uint8_t head[8 + RG_HASH_LEN];
    rg_be64_put(head, 3);
    memcpy(head + 8, v.data, RG_HASH_LEN);
    rg_batch_put(b, RG_CF_META, "head", 4, head, sizeof head);
    write_batch(log, b);
    rg_buf_free(&v);
}

static void swap_2_3(rg_log *log)
{
    rg_buf a = RG_BUF_INIT, c = RG_BUF_INIT;
    get_record(log, 2, &a);
    get_record(log, 3, &c);
    rg_batch *b = rg_batch_new(log);
    put_record(log, b, 2, &c);
    put_record(log, b, 3, &a);
    write_batch(log, b);
    rg_buf_free(&a);
    rg_buf_free(&c);
}

/* The last record (after the head) cut, the engine's head left naming it. */
static void cut_last(rg_log *log)
{
    uint8_t k[8];
    key_of(total, k);
    rg_batch *b = rg_batch_new(log);
    rg_batch_del(b, RG_CF_EVENTS, k, 8);
    write_batch(log, b);
}

/* The key of a person (format 3: CASE/P1) gone without an erasure. */
static void remove_person_key(rg_log *log)
{
    char k[80];
    snprintf(k, sizeof k, "%s/P1", keep_case);
    rg_batch *b = rg_batch_new(log);
    rg_batch_del(b, RG_CF_KEYS, k, strlen(k));
    write_batch(log, b);
}

static void remove_key(rg_log *log)
{
    rg_batch *b = rg_batch_new(log);
    rg_batch_del(b, RG_CF_KEYS, keep_case, strlen(keep_case));
    write_batch(log, b);
}

/* The first access record gone. */
static void drop_audit_1(rg_log *log)
{
    uint8_t k[8];
    key_of(1, k);
    rg_batch *b = rg_batch_new(log);
    rg_batch_del(b, RG_CF_AUDIT, k, 8);
    write_batch(log, b);
}

/* The first access record made to say the read was refused. */
static void alter_audit_1(rg_log *log)
{
    uint8_t k[8];
    key_of(1, k);
    rg_buf v = RG_BUF_INIT;
    if (rg_log_get(log, RG_CF_AUDIT, k, 8, &v) < 0 || v.len < 1) {
        rg_t_failed = 1;
        return;
    }
    v.data[v.len - 1] ^= 0x01;          /* refused: false -> true */
    rg_batch *b = rg_batch_new(log);
    rg_batch_put(b, RG_CF_AUDIT, k, 8, v.data, v.len);
    write_batch(log, b);
    rg_buf_free(&v);
}

static void test_setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    rg_t_local_actor(&L, "pol1", "partner", "police", pol);
    rg_t_local_actor(&L, "pr", "procesregisseur", "zvh", pr);
    rg_t_local_actor(&L, "mgr1", "manager", "zvh", mgr);
    rg_t_local_actor(&L, "aud1", "auditor", "toezicht", aud);
    REQUIRE(aud[0]);
    work = rg_t_tmpdir();
    REQUIRE(work);
}

static void test_good_backup_holds(void)
{
    char a[32], c[32];
    referred_case(a);
    referred_case(keep_case);
    REQUIRE(a[0] && keep_case[0]);
    rg_t_local_settle(&L);
    /* Reads: access records in the audit trail. */
    CHECK(query(mgr, "case.get", keep_case)[0] == 0);
    CHECK(query(aud, "audit.read", NULL)[0] == 0);
    rg_t_local_settle(&L);
    head_size = take_head("h1.json");
    REQUIRE(head_size >= 8);
    char cp[4400];
    snprintf(cp, sizeof cp, "cp '%s/audit.head' ah1.json", L.dir);
    REQUIRE(sh(cp) == 0);
    /* After the head: one case erased (its key destroyed, no record
     * changed), another reported. */
    rg_buf *e = req(mgr, "case.erase", a, 1);
    rg_w_kstr(e, "ground", "retention ended early by request");
    OK();
    referred_case(c);
    REQUIRE(c[0]);
    /* And one person of a third erased alone (their key destroyed). */
    rg_buf *pe = req(mgr, "person.erase", c, 2);
    rg_w_kstr(pe, "person", "P1");
    rg_w_kstr(pe, "ground", "retention ended early by request");
    OK();
    rg_t_local_settle(&L);
    REQUIRE(take_head("h2.json") > head_size);
    char bk[4200];
    snprintf(bk, sizeof bk, "%s/bk", work);
    rg_buf_reset(&B);
    rg_req_envelope(&B, "backup.create", L.admin, NULL, NULL, -1, 1);
    rg_w_kstr(&B, "dir", bk);
    REQUIRE(send_req()[0] == 0);
    REQUIRE(query(aud, "log.head", NULL)[0] == 0);
    total = rg_t_uint(&R, "size");
    CHECK(verify("h1.json", "bk") == 0 && file_says("out", "backup ok") && file_says("out", "1 erased case") &&
          file_says("out", "1 erased person,"));
    CHECK(verify("h2.json", "bk") == 0 && file_says("out", "backup ok"));
    /* The audit trail against its head taken with h1. */
    CHECK(verify("h1.json --audit-head ah1.json", "bk") == 0 && file_says("out", "audit trail ok"));
}

static void test_tampered_backups_fail(void)
{
    REQUIRE(total > head_size && head_size > 4);
    tampered("altered", alter_3);
    CHECK(verify("h1.json", "altered") == 1 && file_says("err", "ALTERED") &&
          file_says("err", "the hash chain breaks first at position 3"));
    tampered("relinked", alter_3_relink);
    CHECK(verify("h1.json", "relinked") == 1 && file_says("err", "their hash links recomputed"));
    tampered("dropped", drop_2);
    CHECK(verify("h1.json", "dropped") == 1 && file_says("err", "DROPPED: position 2 is missing"));
    tampered("truncated", truncate_3);
    char want[128];
    snprintf(want, sizeof want, "TRUNCATED: the backup holds 3 records, the head signs %llu",
             (unsigned long long)head_size);
    CHECK(verify("h1.json", "truncated") == 1 && file_says("err", want));
    tampered("reordered", swap_2_3);
    CHECK(verify("h1.json", "reordered") == 1 && file_says("err", "the hash chain breaks first at position 2"));
    tampered("cut", cut_last);
    CHECK(verify("h1.json", "cut") == 1 && file_says("err", "TRUNCATED: the engine's head names position"));
    tampered("nokey", remove_key);
    CHECK(verify("h1.json", "nokey") == 1 && file_says("err", "REMOVED: the key of case") &&
          file_says("err", keep_case));
    tampered("nopersonkey", remove_person_key);
    CHECK(verify("h1.json", "nopersonkey") == 1 && file_says("err", "REMOVED: the key of person") &&
          file_says("err", keep_case));
    tampered("noaudit", drop_audit_1);
    CHECK(verify("h1.json --audit-head ah1.json", "noaudit") == 1 && file_says("err", "AUDIT DROPPED"));
    CHECK(verify("h1.json", "noaudit") == 0);      /* the log alone is whole */
    tampered("altaudit", alter_audit_1);
    CHECK(verify("h1.json --audit-head ah1.json", "altaudit") == 1 && file_says("err", "AUDIT ALTERED"));
    CHECK(verify("ah1.json", "bk") == 1 && file_says("err", "give it as --audit-head"));
    /* A backup whose table file was damaged on disk: its checksum says so. */
    CHECK(sh("cp -r bk damaged && f=$(ls -S damaged/shared*/*.sst | head -1) && test -n \"$f\" && "
             "printf 'XXXXXXXX' | dd of=\"$f\" bs=1 seek=100 conv=notrunc 2>/dev/null") == 0);
    CHECK(verify("h1.json", "damaged") == 1 && file_says("err", "cannot be restored (damaged, or not a backup)"));
    /* Not a backup, and a head the key did not sign. */
    CHECK(sh("mkdir -p empty") == 0);
    CHECK(verify("h1.json", "empty") == 1 && file_says("err", "holds no backup"));
    CHECK(sh("sed 's/\"size\":[0-9]*/\"size\":3/' h1.json > forged.json") == 0);
    CHECK(verify("forged.json", "bk") == 1 && file_says("err", "signature does not match"));
    /* The scratch copies are gone. */
    CHECK(sh("! ls -d regie-verify.* 2>/dev/null") == 0);
}

static void test_teardown(void)
{
    rg_t_local_close(&L, true);
    rg_t_rmrf(work);
    free(work);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

int main(void)
{
    RUN(test_setup);
    RUN(test_good_backup_holds);
    RUN(test_tampered_backups_fail);
    RUN(test_teardown);
    return rg_t_exit();
}
