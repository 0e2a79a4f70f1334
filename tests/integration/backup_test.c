/*
 * backup_test.c - online backup and restore of the real regied.
 *
 * Clients write reports without pause while the admin runs backup.create;
 * the backup is restored with `regied --restore` into a new directory, and
 * the engine started there must find every report acknowledged before the
 * backup was asked for, at its position, with the hash chain intact.  A
 * second backup into the same directory copies only what is new.  A
 * restore refuses a directory that holds data, and the restored engine
 * refuses to start without the key its data was sealed under.
 *
 * A backup taken before an erasure, restored after it with no backup run
 * in between, keeps the person erased (issue 20, finding 8): the engine's
 * erasure ledger, beside its key, names the case, and the restore refuses
 * to go without that ledger unless told --no-ledger.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../test.h"

extern char **environ;

#define CLIENTS 4
#define MAX_ACKED 200000

typedef struct acked {
    char case_id[32];
    uint64_t seq;
} acked;

static rg_t_proc P;
static char partner[128];
static acked *acks;
static atomic_size_t nacks;
static atomic_bool stop;

static void *writer(void *arg)
{
    int id = (int)(intptr_t)arg;
    rg_client *c;
    if (rg_client_open(&c, P.url, 5000, NULL) < 0) return NULL;
    for (int i = 0; !atomic_load(&stop); i++) {
        char req[48];
        snprintf(req, sizeof req, "w%d-%d", id, i);
        rg_buf b = RG_BUF_INIT;
        rg_t_report_req(&b, partner, req, "Kim de Vries");
        rg_t_reply r;
        int rc = rg_t_proc_call(&P, c, &b, &r);
        rg_buf_free(&b);
        if (rc == 0 && rg_t_ok(&r)) {
            /* Counted only once the reply is here: an index below a count
             * read earlier was acknowledged before that moment. */
            size_t k = atomic_load(&nacks);
            while (k < MAX_ACKED && !atomic_compare_exchange_weak(&nacks, &k, k + 1)) {
            }
            if (k < MAX_ACKED) {     /* not rg_t_str: its buffer is shared by the threads */
                acks[k].seq = rg_t_uint(&r, "seq");
                rg_val_strcpy(rg_t_get(&r, "case"), acks[k].case_id, sizeof acks[k].case_id);
            }
        }
        rg_t_reply_free(&r);
        if (rc < 0) break;
    }
    rg_client_close(c);
    return NULL;
}

/* The acks array is filled after the count is raised: wait until every
 * slot below n has its case id. */
static void settle_acks(size_t n)
{
    for (size_t i = 0; i < n; i++)
        while (!acks[i].case_id[0]) {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
        }
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int backup(rg_client *c, const char *dir, rg_t_reply *r)
{
    rg_t_reply_free(r);       /* the caller's previous reply, if any */
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "backup.create", P.admin, NULL, NULL, -1, 1);
    rg_w_kstr(&b, "dir", dir);
    int rc = rg_t_proc_call(&P, c, &b, r);
    rg_buf_free(&b);
    return rc;
}

/* regied with these arguments, to its end: the exit status; its stderr
 * into log. */
static int run_regied(const char *const *args, const char *log)
{
    const char *bin = getenv("REGIED");
    if (!bin) bin = "bin/regied";
    const char *argv[16] = {bin};
    int argc = 1;
    for (int i = 0; args[i] && argc < 15; i++) argv[argc++] = args[i];
    argv[argc] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    pid_t pid;
    int rc = posix_spawn(&pid, bin, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return -1;
    return rg_t_wait_exit(pid, 120);
}

static bool file_has(const char *path, const char *text)
{
    FILE *f = fopen(path, "r");
    if (!f) return false;
    char line[4096];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) found = strstr(line, text) != NULL;
    fclose(f);
    return found;
}

static void test_backup_under_load_and_restore(void)
{
    char *dir = rg_t_tmpdir(), *bk = rg_t_tmpdir(), *base = rg_t_tmpdir();
    char restored[600], logpath[700], kek[600];
    snprintf(restored, sizeof restored, "%s/restored", base);
    snprintf(logpath, sizeof logpath, "%s/regied-restore.log", base);
    snprintf(kek, sizeof kek, "%s.kek", dir);
    REQUIRE(rg_t_proc_start(&P, dir, NULL) == 0);
    rg_client *c;
    REQUIRE(rg_client_open(&c, P.url, 120000, NULL) == 0);
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    rg_t_actor_req(&b, P.admin, "mk", "pol", "partner", "police");
    REQUIRE(rg_t_proc_call(&P, c, &b, &r) == 0 && rg_t_ok(&r));
    snprintf(partner, sizeof partner, "%s", rg_t_str(&r, "token"));
    rg_t_reply_free(&r);
    rg_buf_free(&b);

    /* Only an admin backs up, into an absolute path outside the data. */
    rg_req_envelope(&b, "backup.create", partner, NULL, NULL, -1, 1);
    rg_w_kstr(&b, "dir", bk);
    CHECK(strcmp(rg_t_proc_send(&P, c, &b, &r), "forbidden") == 0);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    CHECK(backup(c, "relative/dir", &r) == 0 && strcmp(rg_t_err(&r), "bad_request") == 0);
    rg_t_reply_free(&r);
    char inside[600];
    snprintf(inside, sizeof inside, "%s/backups", dir);
    CHECK(backup(c, inside, &r) == 0 && strcmp(rg_t_err(&r), "bad_request") == 0);
    rg_t_reply_free(&r);

    atomic_store(&stop, false);
    pthread_t th[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) pthread_create(&th[i], NULL, writer, (void *)(intptr_t)i);
    sleep_ms(1500);
    /* Everything acknowledged before this moment must be in the backup. */
    size_t before = atomic_load(&nacks);
    REQUIRE(backup(c, bk, &r) == 0);
    size_t during = atomic_load(&nacks) - before;
    CHECK(rg_t_ok(&r));
    uint64_t id1 = rg_t_uint(&r, "backup_id"), added1 = rg_t_uint(&r, "added");
    CHECK(id1 == 1 && rg_t_uint(&r, "size") > 0 && added1 > 0 && rg_t_uint(&r, "backups") == 1);
    rg_t_reply_free(&r);
    atomic_store(&stop, true);
    for (int i = 0; i < CLIENTS; i++) pthread_join(th[i], NULL);
    size_t total = atomic_load(&nacks);
    if (total > MAX_ACKED) total = MAX_ACKED;
    settle_acks(total);
    printf("  %zu reports acknowledged before the backup, %zu while it ran, %zu in all\n", before,
           during, total);
    CHECK(before > 100);

    /* The second backup shares the first one's table files. */
    REQUIRE(backup(c, bk, &r) == 0);
    CHECK(rg_t_ok(&r));
    uint64_t added2 = rg_t_uint(&r, "added"), size2 = rg_t_uint(&r, "size");
    printf("  backup 1 added %llu bytes; backup 2 added %llu of its %llu\n",
           (unsigned long long)added1, (unsigned long long)added2, (unsigned long long)size2);
    CHECK(rg_t_uint(&r, "backup_id") == 2 && rg_t_uint(&r, "backups") == 2);
    CHECK(added2 < added1 && added2 < size2);
    rg_t_reply_free(&r);
    rg_client_close(c);
    CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);

    /* --restore refuses a directory that holds data. */
    const char *into_used[] = {"--restore", bk, "--data", dir, NULL};
    CHECK(run_regied(into_used, logpath) == 1);
    CHECK(file_has(logpath, "not empty"));
    char ledger[600];
    snprintf(ledger, sizeof ledger, "%s.ledger", dir);
    const char *from_nothing[] = {"--restore", base, "--data", restored, "--ledger", ledger, NULL};
    CHECK(run_regied(from_nothing, logpath) == 1);
    CHECK(file_has(logpath, "holds no backup") && access(restored, F_OK) != 0);

    const char *restore[] = {"--restore", bk, "--data", restored, "--ledger", ledger, NULL};
    REQUIRE(run_regied(restore, logpath) == 0);
    char mark[700];
    snprintf(mark, sizeof mark, "%s/restored", restored);
    CHECK(access(mark, F_OK) == 0);
    /* The key never goes into a backup; without it the data directory is
     * refused, not started with a new key. */
    char kek_in[700];
    snprintf(kek_in, sizeof kek_in, "%s.kek", restored);
    CHECK(access(kek_in, F_OK) != 0);
    const char *keyless[] = {"--data", restored, "--listen", "ipc:///nonexistent/x", "--http", "off", NULL};
    CHECK(run_regied(keyless, logpath) == 1);
    CHECK(file_has(logpath, "is missing") && access(kek_in, F_OK) != 0);

    /* Started with its key, it checks the chain first, then serves. */
    const char *extra[] = {"--key-file", kek, NULL};
    REQUIRE(rg_t_proc_start(&P, restored, extra) == 0);
    char plog[700];
    snprintf(plog, sizeof plog, "%s/regied.log", restored);
    CHECK(file_has(plog, "hash chain intact"));
    CHECK(access(mark, F_OK) != 0);
    REQUIRE(rg_client_open(&c, P.url, 10000, NULL) == 0);
    rg_req_envelope(&b, "log.verify", P.admin, NULL, NULL, -1, -1);
    REQUIRE(rg_t_proc_call(&P, c, &b, &r) == 0);
    CHECK(rg_t_ok(&r) && rg_val_type(rg_t_get(&r, "broken")) == RG_VNIL);
    uint64_t checked = rg_t_uint(&r, "checked");
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    printf("  the restored log holds %llu events\n", (unsigned long long)checked);
    CHECK(checked >= before);
    size_t missing = 0;
    for (size_t i = 0; i < before; i++) {
        rg_req_envelope(&b, "case.history", partner, NULL, acks[i].case_id, -1, -1);
        REQUIRE(rg_t_proc_call(&P, c, &b, &r) == 0);
        const rg_val *evs = rg_t_get(&r, "events");
        uint64_t seq = 0;
        if (!rg_t_ok(&r) || rg_array_size(evs) < 1 ||
            !rg_val_uint(rg_map_get(rg_array_at(evs, 0), "seq"), &seq) || seq != acks[i].seq) {
            if (missing++ < 5)
                printf("  acknowledged %s (seq %llu) is not in the restored engine\n",
                       acks[i].case_id, (unsigned long long)acks[i].seq);
        }
        rg_t_reply_free(&r);
        rg_buf_free(&b);
    }
    CHECK(missing == 0);
    /* The restored engine takes new work. */
    rg_t_report_req(&b, partner, "after-restore", "Kim de Vries");
    CHECK(rg_t_proc_call(&P, c, &b, &r) == 0 && rg_t_ok(&r) && rg_t_uint(&r, "seq") == checked + 1);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    rg_client_close(c);
    CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);

    rg_t_rmrf(dir);
    rg_t_rmrf(bk);
    rg_t_rmrf(base);
    free(dir);
    free(bk);
    free(base);
}

static const char *call(rg_client *c, rg_buf *b, rg_t_reply *r)
{
    rg_t_reply_free(r);
    const char *e = rg_t_proc_send(&P, c, b, r);
    rg_buf_free(b);
    return e;
}

/* The manager's view of case id in the engine at P: erased or not; the
 * subject's name into name ("" when none). */
static bool view(const char *mgr, const char *id, char *name, size_t cap)
{
    rg_client *c;
    name[0] = '\0';
    if (rg_client_open(&c, P.url, 10000, NULL) < 0) return false;
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    rg_req_envelope(&b, "case.get", mgr, NULL, id, -1, -1);
    bool erased = false;
    if (call(c, &b, &r)[0] == 0) {
        const rg_val *cs = rg_t_get(&r, "case");
        rg_val_bool(rg_map_get(cs, "erased"), &erased);
        rg_val_strcpy(rg_map_get(rg_map_get(cs, "subject"), "name"), name, cap);
    }
    rg_t_reply_free(&r);
    rg_client_close(c);
    return erased;
}

static void test_restore_keeps_erasures(void)
{
    char *dir = rg_t_tmpdir(), *bk = rg_t_tmpdir(), *base = rg_t_tmpdir();
    char kek[600], ledger[600], r1[600], r2[600], r3[600], log1[700], log2[700], log3[700];
    snprintf(kek, sizeof kek, "%s.kek", dir);
    snprintf(ledger, sizeof ledger, "%s.ledger", dir);
    snprintf(r1, sizeof r1, "%s/r1", base);
    snprintf(r2, sizeof r2, "%s/r2", base);
    snprintf(r3, sizeof r3, "%s/r3", base);
    snprintf(log1, sizeof log1, "%s/1.log", base);
    snprintf(log2, sizeof log2, "%s/2.log", base);
    snprintf(log3, sizeof log3, "%s/3.log", base);
    REQUIRE(rg_t_proc_start(&P, dir, NULL) == 0);
    rg_client *c;
    REQUIRE(rg_client_open(&c, P.url, 120000, NULL) == 0);
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    char pol[128], pr[128], mgr[128];
    const char *who[3][3] = {{"pol", "partner", "police"}, {"pr", "procesregisseur", "zvh"},
                             {"mgr", "manager", "zvh"}};
    char *tok[3] = {pol, pr, mgr};
    for (int i = 0; i < 3; i++) {
        rg_t_actor_req(&b, P.admin, who[i][0], who[i][0], who[i][1], who[i][2]);
        REQUIRE(call(c, &b, &r)[0] == 0);
        snprintf(tok[i], 128, "%s", rg_t_str(&r, "token"));
    }
    /* A referred case (erasable), and a backup before its erasure. */
    rg_t_report_req(&b, pol, "rep-1", "Erased Before The Restore");
    REQUIRE(call(c, &b, &r)[0] == 0);
    char id[32];
    snprintf(id, sizeof id, "%s", rg_t_str(&r, "case"));
    rg_w_kstr(rg_t_req(&b, pr, "case.assign", id, 1), "procesregisseur", "pr");
    REQUIRE(call(c, &b, &r)[0] == 0);
    rg_t_req(&b, pr, "intake.start", id, 0);
    REQUIRE(call(c, &b, &r)[0] == 0);
    rg_buf *d = rg_t_req(&b, pr, "intake.decide", id, 3);
    rg_w_kbool(d, "admit", false);
    rg_w_kstr(d, "reason", "not for the ZVH");
    rg_w_kstr(d, "referred_to", "wijkteam");
    REQUIRE(call(c, &b, &r)[0] == 0);
    REQUIRE(backup(c, bk, &r) == 0 && rg_t_ok(&r));
    rg_w_kstr(rg_t_req(&b, mgr, "case.erase", id, 1), "ground", "GDPR art. 17");
    REQUIRE(call(c, &b, &r)[0] == 0);
    rg_t_reply_free(&r);
    rg_client_close(c);
    CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);

    /* Without the engine's ledger: refused, nothing restored. */
    const char *bare[] = {"--restore", bk, "--data", r1, NULL};
    CHECK(run_regied(bare, log1) == 1);
    CHECK(file_has(log1, "no erasure ledger") && file_has(log1, "--no-ledger") && access(r1, F_OK) != 0);

    /* With it: the first start erases the case again before serving. */
    const char *with[] = {"--restore", bk, "--data", r2, "--ledger", ledger, NULL};
    REQUIRE(run_regied(with, log2) == 0);
    const char *extra[] = {"--key-file", kek, NULL};
    REQUIRE(rg_t_proc_start(&P, r2, extra) == 0);
    char name[128];
    CHECK(view(mgr, id, name, sizeof name));
    CHECK(name[0] == '\0');
    CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);
    char plog[700];
    snprintf(plog, sizeof plog, "%s/regied.log", r2);
    CHECK(file_has(plog, "1 case(s) or person(s) erased again"));

    /* --no-ledger is the operator's explicit choice, and it shows why the
     * ledger matters: the person is back. */
    const char *without[] = {"--restore", bk, "--data", r3, "--no-ledger", NULL};
    REQUIRE(run_regied(without, log3) == 0);
    CHECK(file_has(log3, "without the engine's erasure ledger"));
    REQUIRE(rg_t_proc_start(&P, r3, extra) == 0);
    CHECK(!view(mgr, id, name, sizeof name));
    CHECK(strcmp(name, "Erased Before The Restore") == 0);
    CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);

    rg_t_rmrf(dir);
    rg_t_rmrf(bk);
    rg_t_rmrf(r2);
    rg_t_rmrf(r3);
    rg_t_rmrf(base);
    free(dir);
    free(bk);
    free(base);
}

int main(void)
{
    acks = calloc(MAX_ACKED, sizeof *acks);
    RUN(test_restore_keeps_erasures);
    RUN(test_backup_under_load_and_restore);
    free(acks);
    return rg_t_exit();
}
