/*
 * wal_test.c - the engine's own write-ahead log (storage/wal.c), through
 * rg_log as the engine uses it and alone, on real files and a real RocksDB:
 * batches written by a process that dies without closing (its memtables
 * lost: RocksDB writes no WAL) are all there at the next open; a torn or
 * damaged end of the newest file is cut and the next record takes its
 * number, damage in an older file refuses the open; a failed write refuses
 * that batch only and the next one goes through; a failed sync applies
 * nothing, refuses every later write while reads go on, and the restart
 * reads back what the disk holds; new files past the limit, and a flush
 * lets the older ones go; a clean close leaves nothing to replay; a bulk
 * load after writes is not overwritten by them at the next start; an
 * erasure leaves the value in no log file; the read-only "does this family
 * hold data" sees a put only the log holds; a backup taken without a close
 * holds every batch acknowledged before it; CRC-32C's check value; blocks
 * reserved ahead of the records.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../test.h"
#include "../../engine/storage/errors.h"
#include "../../engine/storage/log.h"
#include "../../engine/storage/sorted.h"
#include "../../engine/storage/wal.h"

static void put(rg_log *lg, rg_cf cf, const char *k, const char *v, int want)
{
    rg_batch *b = rg_batch_new(lg);
    rg_batch_put(b, cf, k, strlen(k), v, strlen(v));
    rg_batch_put(b, RG_CF_EVENTS, "\0\0\0\0\0\0\0\1", 8, v, strlen(v));   /* two families in one batch */
    int rc = rg_log_write(lg, b, true);
    if (rc != want) printf("  put %s: %d, expected %d\n", k, rc, want);
    CHECK(rc == want);
    rg_batch_free(b);
}

static bool has(rg_log *lg, rg_cf cf, const char *k, const char *want)
{
    rg_buf v = RG_BUF_INIT;
    int rc = rg_log_get(lg, cf, k, strlen(k), &v);
    bool ok = want ? rc == 0 && v.len == strlen(want) && memcmp(v.data, want, v.len) == 0 : rc == RG_ENOTFOUND;
    if (!ok) printf("  %s: rc %d, %zu bytes, expected %s\n", k, rc, v.len, want ? want : "none");
    rg_buf_free(&v);
    return ok;
}

static uint64_t stored_recno(rg_log *lg)
{
    rg_buf v = RG_BUF_INIT;
    uint64_t n = 0;
    if (rg_log_get(lg, RG_CF_DEFAULT, "log_record", 10, &v) == 0 && v.len == 8)
        n = rg_be64_get(v.data);
    rg_buf_free(&v);
    return n;
}

/* The log files of dir, by name; their count. */
static int wal_files(const char *dir, char names[][32], int cap)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        if (strncmp(e->d_name, "wal-", 4) == 0 && strlen(e->d_name) < 32 && n < cap) memcpy(names[n++], e->d_name, strlen(e->d_name) + 1);
    if (d) closedir(d);
    for (int i = 1; i < n; i++)          /* by name: by first record */
        for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char t[32];
            memcpy(t, names[j], 32);
            memcpy(names[j], names[j - 1], 32);
            memcpy(names[j - 1], t, 32);
        }
    return n;
}

static off_t file_size(const char *dir, const char *name)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    struct stat st;
    return stat(p, &st) == 0 ? st.st_size : -1;
}

/* What a child runs (by name: the child is this program run again, so
 * that it starts with RocksDB's threads of its own; a fork of a process
 * that used RocksDB has none). */
typedef struct child_fn {
    const char *name;
    void (*fn)(rg_log *lg);
} child_fn;
static const child_fn *children;

/* Run fn in a child that opens the log and dies without closing it: what
 * it wrote is in our log and RocksDB's memtables only. */
static void crash_after(const char *dir, const char *name)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", "wal_test", "--child", name, dir, (char *)NULL);
        _exit(4);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) printf("  child %s: status %d\n", name, st);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static int child_main(const char *name, const char *dir)
{
    for (const child_fn *c = children; c->name; c++) {
        if (strcmp(c->name, name) != 0) continue;
        rg_log *lg;
        if (rg_log_open(&lg, dir) < 0) return 2;
        c->fn(lg);
        fflush(stdout);
        _exit(rg_t_failed ? 3 : 0);
    }
    return 5;
}

static void write_three(rg_log *lg)
{
    put(lg, RG_CF_CASES, "a", "1", 0);
    put(lg, RG_CF_CASES, "b", "2", 0);
    put(lg, RG_CF_ACTORS, "c", "3", 0);
}

static void test_records_survive_a_crash(void)
{
    char *dir = rg_t_tmpdir();
    crash_after(dir, "write_three");
    rg_log *lg;
    REQUIRE(rg_log_open(&lg, dir) == 0);
    CHECK(has(lg, RG_CF_CASES, "a", "1"));
    CHECK(has(lg, RG_CF_CASES, "b", "2"));
    CHECK(has(lg, RG_CF_ACTORS, "c", "3"));
    CHECK(stored_recno(lg) == 3);
    /* Numbering goes on after them, and again across a crash. */
    put(lg, RG_CF_CASES, "d", "4", 0);
    CHECK(stored_recno(lg) == 4);
    rg_log_close(lg);
    REQUIRE(rg_log_open(&lg, dir) == 0);
    CHECK(has(lg, RG_CF_CASES, "d", "4") && has(lg, RG_CF_CASES, "a", "1"));
    rg_log_close(lg);
    rg_t_rmrf(dir);
    free(dir);
}

static void test_torn_tail_is_cut(void)
{
    char *dir = rg_t_tmpdir();
    crash_after(dir, "write_three");
    char names[8][32];
    REQUIRE(wal_files(dir, names, 8) == 1);
    off_t size = file_size(dir, names[0]);
    REQUIRE(size > 40);
    /* The last record half on disk: a crash in the middle of its append. */
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, names[0]);
    REQUIRE(truncate(p, size - 5) == 0);
    rg_log *lg;
    REQUIRE(rg_log_open(&lg, dir) == 0);
    CHECK(has(lg, RG_CF_CASES, "a", "1") && has(lg, RG_CF_CASES, "b", "2"));
    CHECK(has(lg, RG_CF_ACTORS, "c", NULL));
    CHECK(stored_recno(lg) == 2);
    CHECK(file_size(dir, names[0]) < size - 5);          /* cut back to record 2's end */
    put(lg, RG_CF_ACTORS, "e", "5", 0);                  /* takes number 3 */
    CHECK(stored_recno(lg) == 3);
    rg_log_close(lg);
    rg_t_rmrf(dir);
    free(dir);

    /* A flipped byte in the middle of the newest file: the records from
     * it on are cut too (none of them can have been applied after it). */
    dir = rg_t_tmpdir();
    crash_after(dir, "write_three");
    REQUIRE(wal_files(dir, names, 8) == 1);
    snprintf(p, sizeof p, "%s/%s", dir, names[0]);
    size = file_size(dir, names[0]);
    int fd = open(p, O_RDWR);
    REQUIRE(fd >= 0);
    uint8_t byte;
    off_t at = size / 2;
    CHECK(pread(fd, &byte, 1, at) == 1);
    byte ^= 0x40;
    CHECK(pwrite(fd, &byte, 1, at) == 1);
    close(fd);
    REQUIRE(rg_log_open(&lg, dir) == 0);
    CHECK(has(lg, RG_CF_CASES, "a", "1"));
    CHECK(has(lg, RG_CF_ACTORS, "c", NULL));
    rg_log_close(lg);
    rg_t_rmrf(dir);
    free(dir);
}

static void write_many(rg_log *lg)
{
    rg_log_wal_limit(lg, 2048);
    char k[16], v[600];
    memset(v, 'v', sizeof v - 1);
    v[sizeof v - 1] = 0;
    for (int i = 0; i < 20; i++) {
        snprintf(k, sizeof k, "k%02d", i);
        put(lg, RG_CF_CASES, k, v, 0);
    }
}

static int count_records(void *ud, uint64_t recno, const uint8_t *p, size_t n)
{
    uint64_t *seen = ud;
    if (recno != *seen + 1 || n != 600 || p[0] != 'r') return RG_ESTORAGE;
    *seen = recno;
    return 0;
}

/* wal.c alone (no flush thread to drop files meanwhile): records in files
 * of 2 KiB, the oldest then damaged, a newer file after it. */
static void test_damage_in_an_older_file_refuses(void)
{
    char *dir = rg_t_tmpdir();
    char why[512];
    rg_wal *w;
    REQUIRE(rg_wal_open(&w, dir, 0, NULL, NULL, why, sizeof why) == 0);
    rg_wal_set_file_limit(w, 2048);
    char rec[600];
    memset(rec, 'r', sizeof rec);
    for (int i = 0; i < 20; i++) CHECK(rg_wal_append(w, rec, sizeof rec, i % 2 == 0) == 0);
    CHECK(rg_wal_next(w) == 21);
    CHECK(rg_wal_files(w) >= 5);
    rg_wal_close(w);
    char names[64][32];
    int n = wal_files(dir, names, 64);
    REQUIRE(n >= 5);
    /* Read back whole: every record handed over in order, from 1. */
    uint64_t seen = 0;
    REQUIRE(rg_wal_open(&w, dir, 0, count_records, &seen, why, sizeof why) == 0);
    CHECK(seen == 20 && rg_wal_next(w) == 21);
    rg_wal_close(w);
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, names[0]);
    REQUIRE(truncate(p, file_size(dir, names[0]) - 3) == 0);
    w = NULL;
    CHECK(rg_wal_open(&w, dir, 0, NULL, NULL, why, sizeof why) == RG_ESTORAGE);
    CHECK(w == NULL && strstr(why, names[0]) != NULL);   /* the file is named */
    /* Nothing was cut or deleted by the refusal; records already in the
     * store (after 10) make the damaged file one that is not needed. */
    CHECK(wal_files(dir, names, 64) == n);
    uint64_t last_file_first = strtoull(names[n - 1] + 4, NULL, 16);
    REQUIRE(rg_wal_open(&w, dir, last_file_first - 1, NULL, NULL, why, sizeof why) == 0);
    CHECK(rg_wal_files(w) == 1 && wal_files(dir, names, 64) == 1);
    rg_wal_close(w);
    rg_t_rmrf(dir);
    free(dir);
}

/* The file's next blocks are allocated ahead of the records (fallocate,
 * the size kept), so a synced append writes data and size, not a block
 * allocation; a reader still sees whole records only, and an undo or a
 * reopen goes on from the records' end. */
static void test_blocks_reserved_ahead(void)
{
    char *dir = rg_t_tmpdir();
    char why[512];
    rg_wal *w;
    REQUIRE(rg_wal_open(&w, dir, 0, NULL, NULL, why, sizeof why) == 0);
    char rec[600];
    memset(rec, 'r', sizeof rec);
    CHECK(rg_wal_append(w, rec, sizeof rec, true) == 0);
    char names[4][32];
    REQUIRE(wal_files(dir, names, 4) == 1);
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, names[0]);
    struct stat st;
    REQUIRE(stat(p, &st) == 0);
    CHECK(st.st_size == file_size(dir, names[0]) && st.st_size < 4096);     /* the record alone */
    int probe = open(p, O_RDWR);
    bool can = probe >= 0 && fallocate(probe, FALLOC_FL_KEEP_SIZE, 0, 1) == 0;
    if (probe >= 0) close(probe);
    if (can) CHECK((uint64_t)st.st_blocks * 512 >= (1u << 20));              /* reserved ahead */
    else printf("  (this file system has no fallocate: nothing reserved)\n");
    CHECK(rg_wal_append(w, rec, sizeof rec, true) == 0);
    rg_wal_undo(w);
    CHECK(rg_wal_append(w, rec, sizeof rec, true) == 0);
    rg_wal_close(w);
    uint64_t seen = 0;
    REQUIRE(rg_wal_open(&w, dir, 0, count_records, &seen, why, sizeof why) == 0);
    CHECK(seen == 2 && rg_wal_next(w) == 3);
    rg_wal_close(w);
    rg_t_rmrf(dir);
    free(dir);
}

static void test_failed_write_refuses_that_batch_only(void)
{
    char *dir = rg_t_tmpdir();
    rg_log *lg;
    REQUIRE(rg_log_open(&lg, dir) == 0);
    put(lg, RG_CF_CASES, "a", "1", 0);
    rg_log_fail_wal(lg, 'w', ENOSPC);
    put(lg, RG_CF_CASES, "b", "2", RG_ESTORAGE);
    CHECK(has(lg, RG_CF_CASES, "b", NULL));              /* nothing applied */
    put(lg, RG_CF_CASES, "c", "3", 0);                   /* room again: goes through */
    CHECK(stored_recno(lg) == 2);                        /* the refused one took no number */
    rg_log_close(lg);
    REQUIRE(rg_log_open(&lg, dir) == 0);
    CHECK(has(lg, RG_CF_CASES, "a", "1") && has(lg, RG_CF_CASES, "c", "3") && has(lg, RG_CF_CASES, "b", NULL));
    rg_log_close(lg);
    rg_t_rmrf(dir);
    free(dir);
}

static void failed_sync(rg_log *lg)
{
    put(lg, RG_CF_CASES, "a", "1", 0);
    rg_log_fail_wal(lg, 's', EIO);
    put(lg, RG_CF_CASES, "b", "2", RG_ESTORAGE);
    CHECK(has(lg, RG_CF_CASES, "b", NULL));              /* not applied */
    put(lg, RG_CF_CASES, "c", "3", RG_ESTORAGE);         /* refused: the log is broken */
    put(lg, RG_CF_CASES, "d", "4", RG_ESTORAGE);
    CHECK(has(lg, RG_CF_CASES, "a", "1"));               /* reads go on */
    CHECK(has(lg, RG_CF_CASES, "c", NULL));
}

static void test_failed_sync_refuses_until_restart(void)
{
    char *dir = rg_t_tmpdir();
    crash_after(dir, "failed_sync");
    /* The restart reads what the disk holds: "b" reached the file (only
     * its sync failed), so it is there now; nothing written after it. */
    rg_log *lg;
    REQUIRE(rg_log_open(&lg, dir) == 0);
    CHECK(has(lg, RG_CF_CASES, "a", "1"));
    CHECK(has(lg, RG_CF_CASES, "b", "2"));
    CHECK(has(lg, RG_CF_CASES, "c", NULL) && has(lg, RG_CF_CASES, "d", NULL));
    put(lg, RG_CF_CASES, "e", "5", 0);                   /* writes again */
    CHECK(stored_recno(lg) == 3);
    rg_log_close(lg);
    rg_t_rmrf(dir);
    free(dir);

    /* Closed after a failed sync: the log is kept for the next start. */
    dir = rg_t_tmpdir();
    REQUIRE(rg_log_open(&lg, dir) == 0);
    failed_sync(lg);
    rg_log_close(lg);
    REQUIRE(rg_log_open(&lg, dir) == 0);
    CHECK(has(lg, RG_CF_CASES, "b", "2") && has(lg, RG_CF_CASES, "c", NULL));
    rg_log_close(lg);
    rg_t_rmrf(dir);
    free(dir);
}

static void rotate_flush_write(rg_log *lg)
{
    write_many(lg);
    CHECK(rg_log_flush(lg) == 0);
    put(lg, RG_CF_CASES, "after", "x", 0);
}

static void test_rotation_and_drop(void)
{
    char *dir = rg_t_tmpdir();
    crash_after(dir, "rotate_flush_write");
    /* 20 records of 600 bytes in files of 2 KiB: 7 files or more; the
     * flush let every file but the newest go (what they held is in the
     * tables), and the write after it may have begun one more. */
    char names[64][32];
    int n = wal_files(dir, names, 64);
    if (n > 2) printf("  %d log files left\n", n);
    CHECK(n >= 1 && n <= 2);
    rg_log *lg;
    REQUIRE(rg_log_open(&lg, dir) == 0);
    char k[16];
    for (int i = 0; i < 20; i++) {
        snprintf(k, sizeof k, "k%02d", i);
        rg_buf v = RG_BUF_INIT;
        CHECK(rg_log_get(lg, RG_CF_CASES, k, strlen(k), &v) == 0 && v.len == 599);
        rg_buf_free(&v);
    }
    CHECK(has(lg, RG_CF_CASES, "after", "x"));
    CHECK(stored_recno(lg) == 21);
    rg_log_close(lg);
    rg_t_rmrf(dir);
    free(dir);
}

static void test_clean_close_replays_nothing(void)
{
    char *dir = rg_t_tmpdir();
    rg_log *lg;
    REQUIRE(rg_log_open(&lg, dir) == 0);
    write_three(lg);
    rg_log_close(lg);
    char names[8][32];
    CHECK(wal_files(dir, names, 8) == 0);               /* all in the tables */
    REQUIRE(rg_log_open(&lg, dir) == 0);
    CHECK(wal_files(dir, names, 8) == 1 && file_size(dir, names[0]) == 0);
    CHECK(has(lg, RG_CF_ACTORS, "c", "3") && stored_recno(lg) == 3);
    rg_log_close(lg);
    rg_t_rmrf(dir);
    free(dir);
}

static void write_then_load(rg_log *lg)
{
    put(lg, RG_CF_CASES, "k", "old", 0);
    rg_sorted s = RG_SORTED_INIT;
    rg_sorted_add(&s, rg_sorted_key_order("k", 1), "k", 1, "new", 3);
    rg_sorted_sort(&s);
    CHECK(rg_log_load(lg, RG_CF_CASES, (const rg_sorted *[]){&s}, 1) == 0);
    rg_sorted_free(&s);
    CHECK(has(lg, RG_CF_CASES, "k", "new"));
}

static void test_bulk_load_is_not_replayed_over(void)
{
    char *dir = rg_t_tmpdir();
    crash_after(dir, "write_then_load");
    rg_log *lg;
    REQUIRE(rg_log_open(&lg, dir) == 0);
    CHECK(has(lg, RG_CF_CASES, "k", "new"));
    rg_log_close(lg);
    rg_t_rmrf(dir);
    free(dir);
}

static void put_and_shred(rg_log *lg)
{
    put(lg, RG_CF_KEYS, "case-1", "SECRET-WRAPPED-KEY-41", 0);
    put(lg, RG_CF_CASES, "other", "1", 0);
    rg_batch *b = rg_batch_new(lg);
    rg_batch_del(b, RG_CF_KEYS, "case-1", 6);
    CHECK(rg_log_write(lg, b, true) == 0);
    rg_batch_free(b);
    CHECK(rg_log_shred(lg, RG_CF_KEYS, "case-1", 6, "case-2", 6) == 0);
    put(lg, RG_CF_CASES, "later", "2", 0);
}

static void test_shred_leaves_no_log_copy(void)
{
    char *dir = rg_t_tmpdir();
    crash_after(dir, "put_and_shred");
    CHECK(rg_t_found_in(dir, "SECRET-WRAPPED-KEY-41") == 0);
    rg_log *lg;
    REQUIRE(rg_log_open(&lg, dir) == 0);
    CHECK(has(lg, RG_CF_KEYS, "case-1", NULL));
    CHECK(has(lg, RG_CF_CASES, "other", "1") && has(lg, RG_CF_CASES, "later", "2"));
    rg_log_close(lg);
    rg_t_rmrf(dir);
    free(dir);
}

static void put_key(rg_log *lg) { put(lg, RG_CF_KEYS, "case-1", "wrapped", 0); }
static void put_case(rg_log *lg) { put(lg, RG_CF_CASES, "case-1", "x", 0); }

static void test_holds_data_sees_the_log(void)
{
    char *dir = rg_t_tmpdir();
    crash_after(dir, "put_case");
    CHECK(rg_log_family_holds_data(dir, "keys") == 0);
    CHECK(rg_log_family_holds_data(dir, "cases") == 1);
    crash_after(dir, "put_key");
    CHECK(rg_log_family_holds_data(dir, "keys") == 1);   /* only the log holds it */
    char names[8][32];
    int n = wal_files(dir, names, 8);
    off_t size = file_size(dir, names[n - 1]);
    CHECK(rg_log_family_holds_data(dir, "keys") == 1);
    CHECK(wal_files(dir, names, 8) == n && file_size(dir, names[n - 1]) == size);   /* left as it was */
    rg_t_rmrf(dir);
    free(dir);
}

static void test_backup_holds_what_was_acknowledged(void)
{
    char *dir = rg_t_tmpdir(), *bk = rg_t_tmpdir(), *into = rg_t_tmpdir();
    rg_log *lg;
    REQUIRE(rg_log_open(&lg, dir) == 0);
    write_three(lg);
    rg_backup_info info;
    char why[256];
    CHECK(rg_log_backup(lg, bk, 0, &info, why, sizeof why) == 0);
    put(lg, RG_CF_CASES, "after", "x", 0);
    rg_log_close(lg);
    rmdir(into);
    CHECK(rg_log_restore(bk, into, &info, why, sizeof why) == 0);
    REQUIRE(rg_log_open(&lg, into) == 0);
    CHECK(has(lg, RG_CF_CASES, "a", "1") && has(lg, RG_CF_CASES, "b", "2") && has(lg, RG_CF_ACTORS, "c", "3"));
    CHECK(has(lg, RG_CF_CASES, "after", NULL));
    CHECK(stored_recno(lg) == 3);
    put(lg, RG_CF_CASES, "next", "y", 0);                /* numbering goes on from the backup's */
    CHECK(stored_recno(lg) == 4);
    rg_log_close(lg);
    rg_t_rmrf(dir);
    rg_t_rmrf(bk);
    rg_t_rmrf(into);
    free(dir);
    free(bk);
    free(into);
}

static void test_crc32c(void)
{
    CHECK(rg_wal_crc32c(0, "123456789", 9) == 0xE3069283u);
    /* In pieces as in one go. */
    CHECK(rg_wal_crc32c(rg_wal_crc32c(0, "12345", 5), "6789", 4) == 0xE3069283u);
}

int main(int argc, char **argv)
{
    static const child_fn table[] = {
        {"write_three", write_three}, {"write_many", write_many}, {"failed_sync", failed_sync},
        {"rotate_flush_write", rotate_flush_write}, {"write_then_load", write_then_load},
        {"put_and_shred", put_and_shred}, {"put_key", put_key}, {"put_case", put_case}, {NULL, NULL}};
    children = table;
    if (argc == 4 && strcmp(argv[1], "--child") == 0) return child_main(argv[2], argv[3]);
    RUN(test_records_survive_a_crash);
    RUN(test_torn_tail_is_cut);
    RUN(test_damage_in_an_older_file_refuses);
    RUN(test_blocks_reserved_ahead);
    RUN(test_failed_write_refuses_that_batch_only);
    RUN(test_failed_sync_refuses_until_restart);
    RUN(test_rotation_and_drop);
    RUN(test_clean_close_replays_nothing);
    RUN(test_bulk_load_is_not_replayed_over);
    RUN(test_shred_leaves_no_log_copy);
    RUN(test_holds_data_sees_the_log);
    RUN(test_backup_holds_what_was_acknowledged);
    RUN(test_crc32c);
    return rg_t_exit();
}
