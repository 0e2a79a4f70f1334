/*
 * log.c - RocksDB behind the rg_log face.  Errors come back from RocksDB as a
 * malloc'd string in errptr; each is logged here once, freed, and turned into
 * RG_ESTORAGE.
 *
 * RocksDB writes no write-ahead log: every batch is appended to the engine's
 * own (wal.c) and synced there first, then applied with the WAL disabled.
 * The batch carries its record number ("log_record" in the default family,
 * which holds nothing else and whose iterators skip it), so the table
 * files say which record they hold last; opening applies the records after
 * it.  That holds only if table files are always a prefix of whole batches
 * in every column family at once: atomic flush, and a flush of every family
 * (flush_all) never one family at a time while writes go on.
 */
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <rocksdb/c.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "sorted.h"
#include "wal.h"

struct rg_log {
    rocksdb_t *db;
    rocksdb_options_t *opts;
    rocksdb_writeoptions_t *wopts;  /* RocksDB's own WAL off: ours (wal) holds the batches */
    rocksdb_readoptions_t *ropts;
    rocksdb_cache_t *block_cache;
    rocksdb_column_family_handle_t *cf[RG_CF_COUNT];
    char *dir;                      /* table files for rg_log_load are made here */
    atomic_uint_fast64_t fail_at;   /* fault injection, see log.h */
    atomic_bool fail_reads;         /* iterators fail (tests), see log.h */
    pthread_mutex_t hold_lock;      /* rg_log_hold: a backup thread uses the db */
    pthread_cond_t hold_cv;
    int holds;
    rg_wal *wal;                    /* under wlock */
    pthread_mutex_t wlock;          /* one batch at a time: appended, then applied, in log order */
    pthread_mutex_t flush_lock;     /* one flush of every family (or bulk load, shred) at a time;
                                     * taken before wlock, never after */
    pthread_mutex_t fl_mu;          /* the flusher thread's wake-up */
    pthread_cond_t fl_cv;
    bool flush_wanted, stopping, flusher_up;
    bool wal_failed;                /* the open failed: close touches no file */
    pthread_t flusher;
};

struct rg_batch {
    rocksdb_writebatch_t *wb;
    rg_log *log;        /* whose column family handles the puts name */
    size_t bytes;
};

struct rg_iter {
    rocksdb_iterator_t *it;
    bool hide;                      /* the default family: RECNO_KEY is skipped */
    rocksdb_readoptions_t *ropts;   /* a scan's own; NULL for the shared ones */
    bool faulty;                    /* injected read fault: ends at once, with an error */
};

static const char *cf_names[RG_CF_COUNT] = {
#define RG_CF_NAME(name, str) str,
    RG_CF_MAP(RG_CF_NAME)
#undef RG_CF_NAME
};

#define LOAD_PREFIX "load-"            /* rg_table's files in the data directory */
#define FLUSH_DIR "flush.ckpt"         /* flush_all's scratch checkpoint in the data directory */
#define RECNO_KEY "log_record"         /* default family: the number of the log record a batch is;
                                        * no iterator shows it (hidden, below) */

static int check(char *err, const char *what)
{
    if (!err) return 0;
    fprintf(stderr, "regie: rocksdb %s: %s\n", what, err);
    free(err);
    return RG_ESTORAGE;
}

/* Remove table files a crashed bulk load left: each is either unfinished
 * or a second name of a table RocksDB has taken in (see rg_table_open). */
static void remove_leftover_loads(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    for (struct dirent *ent; (ent = readdir(d));) {
        if (strncmp(ent->d_name, LOAD_PREFIX, strlen(LOAD_PREFIX)) != 0) continue;
        size_t n = strlen(dir) + strlen(ent->d_name) + 2;
        char *path = rg_malloc(n);
        snprintf(path, n, "%s/%s", dir, ent->d_name);
        remove(path);
        free(path);
    }
    closedir(d);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

/* Remove a directory and what it holds (a scratch checkpoint). */
static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0) nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_scratch(const char *dir)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/" FLUSH_DIR, dir);
    remove_tree(path);
    snprintf(path, sizeof path, "%s/" FLUSH_DIR ".tmp", dir);    /* RocksDB's staging name */
    remove_tree(path);
}

/* Flush the memtables of every column family at one point (blocking).
 * RocksDB 7.8's rocksdb_flush_cf flushes that one family alone even with
 * atomic_flush, and one family's table files ahead of the META family's
 * record number would lose the records between on a crash; its C API has
 * no flush of several families.  The flush a checkpoint makes first
 * (GetLiveFiles) takes all families atomically, so this makes one in a
 * scratch directory (hard links, cheap) and removes it again. */
static int flush_all(rg_log *log)
{
    remove_scratch(log->dir);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/" FLUSH_DIR, log->dir);
    char *err = NULL;
    rocksdb_checkpoint_t *cp = rocksdb_checkpoint_object_create(log->db, &err);
    if (check(err, "flush") < 0) return RG_ESTORAGE;
    rocksdb_checkpoint_create(cp, path, 0 /* flush first, always */, &err);
    rocksdb_checkpoint_object_destroy(cp);
    remove_scratch(log->dir);
    return check(err, "flush");
}

/* flush_all, then the log files it made redundant go.  Never two at once
 * (flush_lock), and never across a bulk load. */
static int flush_and_drop(rg_log *log)
{
    pthread_mutex_lock(&log->flush_lock);
    pthread_mutex_lock(&log->wlock);
    uint64_t upto = rg_wal_next(log->wal) - 1;   /* every record to here is applied */
    pthread_mutex_unlock(&log->wlock);
    int rc = flush_all(log);
    if (rc == 0) {
        pthread_mutex_lock(&log->wlock);
        rg_wal_drop(log->wal, upto);
        pthread_mutex_unlock(&log->wlock);
    }
    pthread_mutex_unlock(&log->flush_lock);
    return rc;
}

int rg_log_flush(rg_log *log) { return flush_and_drop(log); }

/* A thread of its own flushes after the log began a new file, so that the
 * files before can go without the writer waiting for the flush. */
static void *flusher_main(void *arg)
{
    rg_log *log = arg;
    pthread_mutex_lock(&log->fl_mu);
    for (;;) {
        while (!log->flush_wanted && !log->stopping) pthread_cond_wait(&log->fl_cv, &log->fl_mu);
        if (log->stopping) break;
        log->flush_wanted = false;
        pthread_mutex_unlock(&log->fl_mu);
        if (flush_and_drop(log) < 0) fprintf(stderr, "regie: flush failed; the log files stay until one succeeds\n");
        pthread_mutex_lock(&log->fl_mu);
    }
    pthread_mutex_unlock(&log->fl_mu);
    return NULL;
}

static void want_flush(rg_log *log)
{
    pthread_mutex_lock(&log->fl_mu);
    log->flush_wanted = true;
    pthread_cond_signal(&log->fl_cv);
    pthread_mutex_unlock(&log->fl_mu);
}

/* The record number the table files (or memtables) of db hold last: 0 when
 * none was ever written. */
static int stored_recno(rocksdb_t *db, rocksdb_column_family_handle_t *meta, uint64_t *out)
{
    *out = 0;
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    char *err = NULL;
    size_t vn = 0;
    char *v = rocksdb_get_cf(db, ro, meta, RECNO_KEY, strlen(RECNO_KEY), &vn, &err);
    rocksdb_readoptions_destroy(ro);
    if (check(err, "get the log's record number") < 0) return RG_ESTORAGE;
    if (!v) return 0;
    int rc = 0;
    if (vn != 8) {
        fprintf(stderr, "regie: the stored log record number has %zu bytes, not 8\n", vn);
        rc = RG_ESTORAGE;
    } else {
        *out = rg_be64_get((const uint8_t *)v);
    }
    rocksdb_free(v);
    return rc;
}

/* Opening: one record of the log applied to RocksDB again. */
static int apply_record(void *ud, uint64_t recno, const uint8_t *p, size_t n)
{
    (void)recno;
    rg_log *log = ud;
    rocksdb_writebatch_t *wb = rocksdb_writebatch_create_from((const char *)p, n);
    char *err = NULL;
    rocksdb_write(log->db, log->wopts, wb, &err);
    rocksdb_writebatch_destroy(wb);
    return check(err, "apply a log record");
}

/* ---- a WriteBatch's bytes, read for rg_log_family_holds_data ----
 * RocksDB's format (write_batch.cc): a 12-byte header, then records, each a
 * tag, for the tags with CF in their name a varint32 column family id, and
 * varint32-prefixed slices: key (and value, or a range's end). */

static bool rep_varint(const uint8_t **s, const uint8_t *end, uint32_t *v)
{
    *v = 0;
    for (int shift = 0; shift <= 28 && *s < end; shift += 7) {
        uint8_t b = *(*s)++;
        *v |= (uint32_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) return true;
    }
    return false;
}

static bool rep_slice(const uint8_t **s, const uint8_t *end)
{
    uint32_t n;
    if (!rep_varint(s, end, &n) || (size_t)(end - *s) < n) return false;
    *s += n;
    return true;
}

typedef struct puts_into {
    uint32_t cf_id;
    int found;              /* 1 a put into it, -1 a record that could not be read */
} puts_into;

static int find_put(void *ud, uint64_t recno, const uint8_t *p, size_t n)
{
    (void)recno;
    puts_into *q = ud;
    if (q->found) return 0;
    if (n < 12) {
        q->found = -1;
        return 0;
    }
    const uint8_t *s = p + 12, *end = p + n;
    while (s < end && !q->found) {
        uint8_t tag = *s++;
        uint32_t cf = 0;
        bool ok = true;
        switch (tag) {
        case 0x5:                               /* kTypeColumnFamilyValue */
            ok = rep_varint(&s, end, &cf);
            __attribute__((fallthrough));
        case 0x1:                               /* kTypeValue */
            ok = ok && rep_slice(&s, end) && rep_slice(&s, end);
            if (ok && cf == q->cf_id) q->found = 1;
            break;
        case 0x4:                               /* kTypeColumnFamilyDeletion */
        case 0x8:                               /* kTypeColumnFamilySingleDeletion */
            ok = rep_varint(&s, end, &cf);
            __attribute__((fallthrough));
        case 0x0:                               /* kTypeDeletion */
        case 0x7:                               /* kTypeSingleDeletion */
            ok = ok && rep_slice(&s, end);
            break;
        case 0xE:                               /* kTypeColumnFamilyRangeDeletion */
            ok = rep_varint(&s, end, &cf);
            __attribute__((fallthrough));
        case 0xF:                               /* kTypeRangeDeletion */
            ok = ok && rep_slice(&s, end) && rep_slice(&s, end);
            break;
        default: ok = false;                    /* none that log.c writes */
        }
        if (!ok) q->found = -1;
    }
    return 0;
}

int rg_log_family_holds_data(const char *dir, const char *name)
{
    char current[4096];
    snprintf(current, sizeof current, "%s/CURRENT", dir);
    if (access(current, F_OK) < 0) return errno == ENOENT ? 0 : RG_ESTORAGE;
    rocksdb_options_t *opts = rocksdb_options_create();
    size_t n = 0;
    char *err = NULL;
    char **names = rocksdb_list_column_families(opts, dir, &n, &err);
    if (check(err, "list column families") < 0) {
        rocksdb_options_destroy(opts);
        return RG_ESTORAGE;
    }
    size_t at = n, meta = n;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0) at = i;
        if (strcmp(names[i], cf_names[RG_CF_DEFAULT]) == 0) meta = i;
    }
    int found = 0;
    if (at < n) {
        /* A family can exist and be empty (every open creates them all):
         * only a key in it counts.  Read-only, so a directory that turns
         * out to be refused is left exactly as it was. */
        const rocksdb_options_t **cf_opts = rg_calloc(n, sizeof *cf_opts);
        rocksdb_column_family_handle_t **cfs = rg_calloc(n, sizeof *cfs);
        for (size_t i = 0; i < n; i++) cf_opts[i] = opts;
        rocksdb_t *db = rocksdb_open_for_read_only_column_families(opts, dir, (int)n, (const char *const *)names,
                                                                    cf_opts, cfs, 0, &err);
        if (check(err, "open read-only") < 0) {
            found = RG_ESTORAGE;
        } else {
            rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
            rocksdb_iterator_t *it = rocksdb_create_iterator_cf(db, ro, cfs[at]);
            rocksdb_iter_seek_to_first(it);
            found = rocksdb_iter_valid(it) ? 1 : 0;
            rocksdb_iter_destroy(it);
            rocksdb_readoptions_destroy(ro);
            /* The tables hold what was flushed; the records of our log
             * after the number they hold last are in no table yet (a
             * crash), and a put into the family among them counts too.  A
             * record that cannot be read says "cannot tell". */
            uint64_t after = 0;
            if (!found && meta < n && stored_recno(db, cfs[meta], &after) < 0) found = RG_ESTORAGE;
            if (!found) {
                puts_into q = {rocksdb_column_family_handle_get_id(cfs[at]), 0};
                if (rg_wal_scan(dir, after, find_put, &q) < 0 || q.found < 0) found = RG_ESTORAGE;
                else found = q.found;
            }
            for (size_t i = 0; i < n; i++) rocksdb_column_family_handle_destroy(cfs[i]);
            rocksdb_close(db);
        }
        free(cfs);
        free(cf_opts);
    }
    rocksdb_list_column_families_destroy(names, n);
    rocksdb_options_destroy(opts);
    return found;
}

int rg_log_open(rg_log **out, const char *dir)
{
    *out = NULL;
    rg_log *log = rg_calloc(1, sizeof *log);
    pthread_mutex_init(&log->hold_lock, NULL);
    pthread_cond_init(&log->hold_cv, NULL);
    log->opts = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(log->opts, 1);
    rocksdb_options_set_create_missing_column_families(log->opts, 1);
    rocksdb_options_increase_parallelism(log->opts, 2);
    rocksdb_options_set_max_background_jobs(log->opts, 2);
    /* RocksDB's own info LOG (in the data directory) keeps only fatal
     * lines: Debian's build keeps RocksDB's asserts, and once a LOG line
     * failed to append on a full disk the next one aborts the engine
     * (WritableFileWriter::AssertFalseAndGetStatusForPrevError, found by
     * tests/integration/fulldisk_test.c).  Our own messages go to stderr. */
    rocksdb_options_set_info_log_level(log->opts, 4 /* FATAL_LEVEL */);
    /* A full disk: a write that fails for want of space puts RocksDB in its
     * background-error state (every write fails, reads go on), and its
     * own recovery (the SstFileManager every DB has) resumes writing by
     * itself, polling every 5 s, once the free space reaches the largest
     * write_buffer_size: with RocksDB's default of 64 MiB a disk with less
     * than that to give back never resumed until a restart.  A 32 MiB
     * memtable keeps that reserve modest.  (RocksDB 7.8's C API has no
     * rocksdb_resume; a manual DB::Resume would answer Busy while that
     * recovery waits anyway.) */
    rocksdb_options_set_write_buffer_size(log->opts, 32u << 20);
    /* No RocksDB WAL (our log holds the batches): every flush, the
     * automatic ones too, must take all families at one point, so the
     * table files are always a prefix of whole batches. */
    rocksdb_options_set_atomic_flush(log->opts, 1);
    /* Most point reads miss: every change looks up its idempotency key,
     * which is almost always new.  Bloom filters, on disk and in the
     * memtables, answer such a miss without reading a block; without them
     * each lookup read and decompressed a data block of every table file
     * (a fifth of the engine's CPU under load). */
    rocksdb_block_based_table_options_t *table = rocksdb_block_based_options_create();
    rocksdb_block_based_options_set_filter_policy(table, rocksdb_filterpolicy_create_bloom_full(10));
    log->block_cache = rocksdb_cache_create_lru(64u << 20);
    rocksdb_block_based_options_set_block_cache(table, log->block_cache);
    rocksdb_options_set_block_based_table_factory(log->opts, table);
    rocksdb_block_based_options_destroy(table);
    rocksdb_options_set_memtable_prefix_bloom_size_ratio(log->opts, 0.02);
    rocksdb_options_set_memtable_whole_key_filtering(log->opts, 1);
    const rocksdb_options_t *cfopts[RG_CF_COUNT];
    for (int i = 0; i < RG_CF_COUNT; i++) cfopts[i] = log->opts;
    char *err = NULL;
    log->db = rocksdb_open_column_families(log->opts, dir, RG_CF_COUNT, cf_names, cfopts,
                                           log->cf, &err);
    if (check(err, "open") < 0) {
        rocksdb_options_destroy(log->opts);
        rocksdb_cache_destroy(log->block_cache);
        pthread_cond_destroy(&log->hold_cv);
        pthread_mutex_destroy(&log->hold_lock);
        free(log);
        return RG_ESTORAGE;
    }
    pthread_mutex_init(&log->wlock, NULL);
    pthread_mutex_init(&log->flush_lock, NULL);
    pthread_mutex_init(&log->fl_mu, NULL);
    pthread_cond_init(&log->fl_cv, NULL);
    log->wopts = rocksdb_writeoptions_create();
    rocksdb_writeoptions_disable_WAL(log->wopts, 1);
    log->ropts = rocksdb_readoptions_create();
    log->dir = rg_malloc(strlen(dir) + 1);
    memcpy(log->dir, dir, strlen(dir) + 1);
    remove_leftover_loads(dir);
    remove_scratch(dir);
    /* What the table files hold, then every record of our log after it
     * (RocksDB's open recovered no WAL of its own: there is none, but for
     * a directory written before our log, whose WAL RocksDB replayed). */
    uint64_t after = 0;
    char why[512] = "";
    int rc = stored_recno(log->db, log->cf[RG_CF_DEFAULT], &after);
    if (rc == 0) rc = rg_wal_open(&log->wal, dir, after, apply_record, log, why, sizeof why);
    if (rc == 0 && pthread_create(&log->flusher, NULL, flusher_main, log) != 0) {
        snprintf(why, sizeof why, "cannot start the flush thread");
        rc = RG_ESTORAGE;
    }
    if (rc < 0) {
        if (why[0]) fprintf(stderr, "regie: log: %s\n", why);
        log->wal_failed = true;         /* nothing flushed, nothing removed */
        rg_log_close(log);
        return RG_ESTORAGE;
    }
    log->flusher_up = true;
    *out = log;
    return 0;
}

void rg_log_close(rg_log *log)
{
    if (!log) return;
    /* A backup running on another thread still uses the database: closing
     * waits for it (it cannot be cut short through the C API). */
    pthread_mutex_lock(&log->hold_lock);
    while (log->holds > 0) pthread_cond_wait(&log->hold_cv, &log->hold_lock);
    pthread_mutex_unlock(&log->hold_lock);
    if (log->flusher_up) {
        pthread_mutex_lock(&log->fl_mu);
        log->stopping = true;
        pthread_cond_signal(&log->fl_cv);
        pthread_mutex_unlock(&log->fl_mu);
        pthread_join(log->flusher, NULL);
    }
    if (log->wal && !log->wal_failed) {
        /* Flush every family so the next start has no log to replay
         * (start-up time then does not grow with what was written before
         * a clean stop), and only then remove the log's files.  Nothing
         * writes now, so one family after the other is one point; the
         * default family last, so a crash in between leaves its record
         * number behind the others, never ahead (replaying a record twice is harmless).  A
         * log that a failed sync broke is kept: the next start reads back
         * what the disk holds. */
        rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
        rocksdb_flushoptions_set_wait(fo, 1);
        int rc = 0;
        for (int k = 0; k < RG_CF_COUNT; k++) {
            int i = (k + 1) % RG_CF_COUNT;     /* the default family (the record number) last */
            char *err = NULL;
            rocksdb_flush_cf(log->db, fo, log->cf[i], &err);
            if (check(err, "flush") < 0) rc = RG_ESTORAGE;
        }
        rocksdb_flushoptions_destroy(fo);
        if (rc == 0 && !rg_wal_broken(log->wal) && rg_wal_remove_all(log->wal) < 0)
            fprintf(stderr, "regie: log: cannot remove its files after the flush; the next start skips them\n");
    }
    rg_wal_close(log->wal);
    for (int i = 0; i < RG_CF_COUNT; i++) rocksdb_column_family_handle_destroy(log->cf[i]);
    rocksdb_close(log->db);
    if (log->wopts) {
        rocksdb_writeoptions_destroy(log->wopts);
        rocksdb_readoptions_destroy(log->ropts);
        pthread_mutex_destroy(&log->wlock);
        pthread_mutex_destroy(&log->flush_lock);
        pthread_mutex_destroy(&log->fl_mu);
        pthread_cond_destroy(&log->fl_cv);
    }
    rocksdb_options_destroy(log->opts);
    rocksdb_cache_destroy(log->block_cache);
    pthread_cond_destroy(&log->hold_cv);
    pthread_mutex_destroy(&log->hold_lock);
    free(log->dir);
    free(log);
}

int rg_log_get(rg_log *log, rg_cf cf, const void *k, size_t kn, rg_buf *out)
{
    char *err = NULL;
    size_t vn = 0;
    char *v = rocksdb_get_cf(log->db, log->ropts, log->cf[cf], k, kn, &vn, &err);
    if (check(err, "get") < 0) return RG_ESTORAGE;
    if (!v) return RG_ENOTFOUND;
    rg_buf_append(out, v, vn);
    rocksdb_free(v);
    return 0;
}

void rg_log_fail_write(rg_log *log, uint64_t nth) { atomic_store(&log->fail_at, nth); }
void rg_log_fail_reads(rg_log *log, bool on) { atomic_store(&log->fail_reads, on); }

static bool injected_fault(rg_log *log)
{
    /* Compare-and-swap: bulk loads may ask from two threads at once. */
    uint_fast64_t at = atomic_load(&log->fail_at);
    do {
        if (!at) return false;
    } while (!atomic_compare_exchange_weak(&log->fail_at, &at, at - 1));
    if (at > 1) return false;
    fprintf(stderr, "regie: injected write fault\n");
    return true;
}

int rg_log_write(rg_log *log, rg_batch *b, bool sync)
{
    RG_ASSERT(b->log == log);
    if (injected_fault(log)) return RG_ESTORAGE;
    pthread_mutex_lock(&log->wlock);
    /* The batch says which record it is (undone below: the caller's batch
     * is handed back as it came, for a retry or a reuse). */
    uint64_t recno = rg_wal_next(log->wal);
    uint8_t v[8];
    rg_be64_put(v, recno);
    rocksdb_writebatch_set_save_point(b->wb);
    rocksdb_writebatch_put_cf(b->wb, log->cf[RG_CF_DEFAULT], RECNO_KEY, strlen(RECNO_KEY), (const char *)v, 8);
    size_t n = 0;
    const char *data = rocksdb_writebatch_data(b->wb, &n);
    /* Logged (and synced) first; applied only once that succeeded, so
     * RocksDB never holds what the log does not. */
    int rc = rg_wal_append(log->wal, data, n, sync);
    if (rc == 0) {
        char *err = NULL;
        rocksdb_write(log->db, log->wopts, b->wb, &err);
        rc = check(err, "write");
        if (rc < 0) rg_wal_undo(log->wal);     /* not applied: not logged either */
    }
    bool rotated = rg_wal_rotated(log->wal);
    char *err = NULL;
    rocksdb_writebatch_rollback_to_save_point(b->wb, &err);
    RG_ASSERT(!err);                            /* the save point was set just above */
    pthread_mutex_unlock(&log->wlock);
    if (rotated) want_flush(log);
    return rc;
}

void rg_log_fail_wal(rg_log *log, char op, int err)
{
    pthread_mutex_lock(&log->wlock);
    rg_wal_fail_next(log->wal, op, err);
    pthread_mutex_unlock(&log->wlock);
}

void rg_log_wal_limit(rg_log *log, uint64_t bytes)
{
    pthread_mutex_lock(&log->wlock);
    rg_wal_set_file_limit(log->wal, bytes);
    pthread_mutex_unlock(&log->wlock);
}

rg_batch *rg_batch_new(rg_log *log)
{
    rg_batch *b = rg_calloc(1, sizeof *b);
    b->wb = rocksdb_writebatch_create();
    b->log = log;
    return b;
}

void rg_batch_clear(rg_batch *b)
{
    rocksdb_writebatch_clear(b->wb);     /* its buffer keeps its capacity */
    b->bytes = 0;
}

void rg_batch_free(rg_batch *b)
{
    if (!b) return;
    rocksdb_writebatch_destroy(b->wb);
    free(b);
}

void rg_batch_put(rg_batch *b, rg_cf cf, const void *k, size_t kn, const void *v, size_t vn)
{
    RG_ASSERT((unsigned)cf < RG_CF_COUNT && b->log->cf[cf]);
    RG_ASSERT(cf != RG_CF_EVENTS || kn == 8);          /* be64(seq), log.h */
    rocksdb_writebatch_put_cf(b->wb, b->log->cf[cf], k, kn, v, vn);
    b->bytes += kn + vn;
}

void rg_batch_del(rg_batch *b, rg_cf cf, const void *k, size_t kn)
{
    RG_ASSERT((unsigned)cf < RG_CF_COUNT);
    rocksdb_writebatch_delete_cf(b->wb, b->log->cf[cf], k, kn);
    b->bytes += kn;
}

void rg_batch_del_range(rg_batch *b, rg_cf cf, const void *from, size_t fn, const void *to, size_t tn)
{
    RG_ASSERT((unsigned)cf < RG_CF_COUNT);
    rocksdb_writebatch_delete_range_cf(b->wb, b->log->cf[cf], from, fn, to, tn);
    b->bytes += fn + tn;
}

size_t rg_batch_count(const rg_batch *b) { return (size_t)rocksdb_writebatch_count(b->wb); }
size_t rg_batch_bytes(const rg_batch *b) { return b->bytes; }

struct rg_table {
    char *path;
    rocksdb_envoptions_t *env;
    rocksdb_sstfilewriter_t *w;
    char *err;                      /* the first error, reported at ingest */
    size_t count;
    rg_buf last;                    /* the last key put, to drop repeats */
};

rg_table *rg_table_open(rg_log *log, rg_cf cf, int part)
{
    rg_table *t = rg_calloc(1, sizeof *t);
    size_t pn = strlen(log->dir) + 64;
    t->path = rg_malloc(pn);
    snprintf(t->path, pn, "%s/" LOAD_PREFIX "%s-%d.sst", log->dir, cf_names[cf], part);
    /* Ingest links the file in under RocksDB's own name and then removes
     * ours; a crash in between leaves ours as a second name of a live
     * table, which opening it for writing would truncate.  Unlink first. */
    remove(t->path);
    t->env = rocksdb_envoptions_create();
    t->w = rocksdb_sstfilewriter_create(t->env, log->opts);
    rocksdb_sstfilewriter_open(t->w, t->path, &t->err);
    return t;
}

static bool key_before(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c < 0 || (c == 0 && an < bn);
}

void rg_table_put(rg_table *t, const void *k, size_t kn, const void *v, size_t vn)
{
    if (t->err) return;
    if (t->count && kn == t->last.len && memcmp(k, t->last.data, kn) == 0) return;
    /* A table file is written in key order (the callers sort first). */
    RG_ASSERT(!t->count || key_before(t->last.data, t->last.len, k, kn));
    rocksdb_sstfilewriter_put(t->w, k, kn, v, vn, &t->err);
    rg_buf_reset(&t->last);
    rg_buf_append(&t->last, k, kn);
    t->count++;
}

static void table_free(rg_table *t)
{
    rocksdb_sstfilewriter_destroy(t->w);
    rocksdb_envoptions_destroy(t->env);
    remove(t->path);                /* moved in on success; a leftover otherwise */
    free(t->path);
    free(t->err);
    rg_buf_free(&t->last);
    free(t);
}

int rg_log_ingest(rg_log *log, rg_cf cf, rg_table **tables, size_t n)
{
    const char **files = rg_calloc(n ? n : 1, sizeof *files);
    size_t nfiles = 0;
    char *err = NULL;
    for (size_t i = 0; i < n; i++) {
        rg_table *t = tables[i];
        if (!err && t->err) {
            err = t->err;
            t->err = NULL;
        }
        if (err || t->count == 0) continue;     /* an empty table cannot be finished */
        rocksdb_sstfilewriter_finish(t->w, &err);
        files[nfiles++] = t->path;
    }
    bool injected = !err && nfiles > 0 && injected_fault(log);
    if (!err && nfiles > 0 && !injected) {
        /* The tables are newer than every batch before them, and no log
         * record may be applied over them at the next start: every family
         * is flushed first (the table files then hold every record so far)
         * and no batch is written until they are in. */
        pthread_mutex_lock(&log->flush_lock);
        pthread_mutex_lock(&log->wlock);
        if (flush_all(log) < 0) {
            err = strdup("the flush before it failed");
        } else {
            rocksdb_ingestexternalfileoptions_t *io = rocksdb_ingestexternalfileoptions_create();
            rocksdb_ingestexternalfileoptions_set_move_files(io, 1);
            rocksdb_ingest_external_file_cf(log->db, log->cf[cf], files, nfiles, io, &err);
            rocksdb_ingestexternalfileoptions_destroy(io);
        }
        pthread_mutex_unlock(&log->wlock);
        pthread_mutex_unlock(&log->flush_lock);
    }
    free(files);
    for (size_t i = 0; i < n; i++) table_free(tables[i]);
    return injected ? RG_ESTORAGE : check(err, "bulk load");
}

int rg_log_load(rg_log *log, rg_cf cf, const rg_sorted *const *runs, size_t nruns)
{
    rg_table *t = rg_table_open(log, cf, 0);
    size_t *at = rg_calloc(nruns ? nruns : 1, sizeof *at);
    for (int r; (r = rg_sorted_smallest(runs, at, nruns)) >= 0;) {
        const uint8_t *k, *v;
        size_t kn, vn;
        rg_sorted_at(runs[r], at[r]++, &k, &kn, &v, &vn);
        rg_table_put(t, k, kn, v, vn);
    }
    free(at);
    return rg_log_ingest(log, cf, &t, 1);
}

rg_iter *rg_iter_new(rg_log *log, rg_cf cf)
{
    rg_iter *it = rg_malloc(sizeof *it);
    it->ropts = NULL;
    it->hide = cf == RG_CF_DEFAULT;
    it->faulty = atomic_load(&log->fail_reads);
    it->it = rocksdb_create_iterator_cf(log->db, log->ropts, log->cf[cf]);
    return it;
}

rg_iter *rg_iter_new_scan(rg_log *log, rg_cf cf)
{
    rg_iter *it = rg_malloc(sizeof *it);
    it->ropts = rocksdb_readoptions_create();
    it->hide = cf == RG_CF_DEFAULT;
    it->faulty = atomic_load(&log->fail_reads);
    /* Read ahead in large steps, and leave the block cache to the blocks
     * that serving reads need. */
    rocksdb_readoptions_set_readahead_size(it->ropts, 4u << 20);
    rocksdb_readoptions_set_fill_cache(it->ropts, 0);
    it->it = rocksdb_create_iterator_cf(log->db, it->ropts, log->cf[cf]);
    return it;
}

/* The log's record number is log.c's own, not data: stepped over. */
static void skip_hidden(rg_iter *it, bool forward)
{
    if (!it->hide || !rocksdb_iter_valid(it->it)) return;
    size_t n;
    const char *k = rocksdb_iter_key(it->it, &n);
    if (n != strlen(RECNO_KEY) || memcmp(k, RECNO_KEY, n) != 0) return;
    if (forward) rocksdb_iter_next(it->it);
    else rocksdb_iter_prev(it->it);
}

void rg_iter_seek(rg_iter *it, const void *k, size_t kn)
{
    rocksdb_iter_seek(it->it, k, kn);
    skip_hidden(it, true);
}

void rg_iter_seek_first(rg_iter *it)
{
    rocksdb_iter_seek_to_first(it->it);
    skip_hidden(it, true);
}

void rg_iter_seek_last(rg_iter *it)
{
    rocksdb_iter_seek_to_last(it->it);
    skip_hidden(it, false);
}

bool rg_iter_valid(rg_iter *it) { return !it->faulty && rocksdb_iter_valid(it->it); }

void rg_iter_next(rg_iter *it)
{
    rocksdb_iter_next(it->it);
    skip_hidden(it, true);
}

const uint8_t *rg_iter_key(rg_iter *it, size_t *n)
{
    return (const uint8_t *)rocksdb_iter_key(it->it, n);
}

const uint8_t *rg_iter_value(rg_iter *it, size_t *n)
{
    return (const uint8_t *)rocksdb_iter_value(it->it, n);
}

int rg_iter_error(rg_iter *it)
{
    if (it->faulty) return RG_ESTORAGE;
    char *err = NULL;
    rocksdb_iter_get_error(it->it, &err);
    return check(err, "iterate");
}

int rg_iter_end(rg_iter *it)
{
    int rc = rg_iter_error(it) < 0 ? RG_ESTORAGE : 0;
    rg_iter_free(it);
    return rc;
}

void rg_iter_free(rg_iter *it)
{
    if (!it) return;
    rocksdb_iter_destroy(it->it);
    if (it->ropts) rocksdb_readoptions_destroy(it->ropts);
    free(it);
}

int rg_log_shred(rg_log *log, rg_cf cf, const void *from, size_t fromn, const void *to, size_t ton)
{
    /* The deleted keys' values are still in our log's files: a new file
     * begins, every family is flushed (so the tables hold every record of
     * the files before it), and those files go.  No batch is written
     * meanwhile: the compaction below flushes cf's memtable on its own,
     * which for the default family alone would put the record number
     * ahead of the other families' tables. */
    pthread_mutex_lock(&log->flush_lock);
    pthread_mutex_lock(&log->wlock);
    int rc = rg_wal_rotate(log->wal);
    uint64_t upto = rg_wal_next(log->wal) - 1;
    if (rc == 0) rc = flush_all(log);
    if (rc == 0) {
        rg_wal_drop(log->wal, upto);
        rocksdb_compactoptions_t *co = rocksdb_compactoptions_create();
        rocksdb_compactoptions_set_bottommost_level_compaction(co, 2);   /* kForce */
        rocksdb_compactoptions_set_exclusive_manual_compaction(co, 0);
        rocksdb_compact_range_cf_opt(log->db, log->cf[cf], co, from, fromn, to, ton);
        rocksdb_compactoptions_destroy(co);
    }
    pthread_mutex_unlock(&log->wlock);
    pthread_mutex_unlock(&log->flush_lock);
    return rc;
}

/* ---- backups: RocksDB's BackupEngine ---- */

void rg_log_hold(rg_log *log)
{
    pthread_mutex_lock(&log->hold_lock);
    log->holds++;
    pthread_mutex_unlock(&log->hold_lock);
}

void rg_log_release(rg_log *log)
{
    pthread_mutex_lock(&log->hold_lock);
    RG_ASSERT(log->holds > 0);                /* a release without its hold */
    if (--log->holds == 0) pthread_cond_broadcast(&log->hold_cv);
    pthread_mutex_unlock(&log->hold_lock);
}

/* check(), keeping RocksDB's words for the caller's reply too. */
static int check_why(char *err, const char *what, char *why, size_t cap)
{
    if (!err) return 0;
    snprintf(why, cap, "rocksdb %s: %s", what, err);
    return check(err, what);
}

/* nftw has no user pointer: each thread sums into its own counter. */
static _Thread_local uint64_t du_bytes;

static int du_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)path;
    (void)ftw;
    if (flag == FTW_F) du_bytes += (uint64_t)sb->st_size;
    return 0;
}

static uint64_t dir_bytes(const char *dir)
{
    du_bytes = 0;
    nftw(dir, du_one, 16, FTW_PHYS);
    return du_bytes;
}

/* The newest backup of the directory (the highest id) and how many it holds. */
static void newest_backup(rocksdb_backup_engine_t *be, rg_backup_info *out)
{
    const rocksdb_backup_engine_info_t *info = rocksdb_backup_engine_get_backup_info(be);
    int n = rocksdb_backup_engine_info_count(info);
    out->count = (uint32_t)n;
    for (int i = 0; i < n; i++) {
        uint32_t id = rocksdb_backup_engine_info_backup_id(info, i);
        if (id < out->id) continue;
        out->id = id;
        out->at = (uint64_t)rocksdb_backup_engine_info_timestamp(info, i);
        out->size = rocksdb_backup_engine_info_size(info, i);
        out->files = rocksdb_backup_engine_info_number_files(info, i);
    }
    rocksdb_backup_engine_info_destroy(info);
}

/* Small files of the data directory that belong with its RocksDB files and
 * travel with every backup: kek.check (keyfile.c) names the key the data is
 * sealed under, so a restored directory refuses a missing or wrong key
 * instead of starting with a new one.  The key itself never goes along. */
static const char *const travel_files[] = {"kek.check", NULL};
#define TRAVEL_MAX 4096

/* A small file whole into buf; its length, or -1 (errno set). */
static ssize_t read_small(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t n = fread(buf, 1, cap, f);
    int bad = ferror(f) || n == cap;
    fclose(f);
    if (bad) errno = EFBIG;
    return bad ? -1 : (ssize_t)n;
}

/* Under a temporary name, synced, then renamed: never half a file. */
static int write_small(const char *path, const char *p, size_t n)
{
    char tmp[PATH_MAX + 128];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) return -1;
    int ok = fwrite(p, 1, n, f) == n && fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) < 0) {
        remove(tmp);
        return -1;
    }
    return 0;
}

/* Copy the travel files present in `from` to `to`; with only_check, just
 * make sure that those already in `to` are the same (a backup directory
 * holds backups of one data directory, sealed under one key). */
static int travel(const char *from, const char *to, bool only_check, char *why, size_t cap)
{
    for (const char *const *name = travel_files; *name; name++) {
        char src[PATH_MAX + 64], dst[PATH_MAX + 64], a[TRAVEL_MAX], b[TRAVEL_MAX];
        snprintf(src, sizeof src, "%s/%s", from, *name);
        snprintf(dst, sizeof dst, "%s/%s", to, *name);
        ssize_t an = read_small(src, a, sizeof a);
        if (an < 0) {
            if (errno == ENOENT) continue;
            snprintf(why, cap, "cannot read %s: %s", src, strerror(errno));
            return RG_ESTORAGE;
        }
        if (only_check) {
            ssize_t bn = read_small(dst, b, sizeof b);
            if (bn >= 0 && (bn != an || memcmp(a, b, (size_t)an) != 0)) {
                snprintf(why, cap, "%s holds backups of another data directory (its %s differs)", to,
                         *name);
                return RG_EBADREQ;
            }
        } else if (write_small(dst, a, (size_t)an) < 0) {
            snprintf(why, cap, "cannot write %s: %s", dst, strerror(errno));
            return RG_ESTORAGE;
        }
    }
    return 0;
}

/* Whether inner is outer or lies under it; both resolved paths. */
static bool path_within(const char *inner, const char *outer)
{
    size_t n = strlen(outer);
    return strncmp(inner, outer, n) == 0 && (inner[n] == '\0' || inner[n] == '/' || n == 1);
}

int rg_log_backup(rg_log *log, const char *dir, uint32_t keep, rg_backup_info *out, char *why,
                  size_t cap)
{
    memset(out, 0, sizeof *out);
    why[0] = '\0';
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        snprintf(why, cap, "cannot create %s: %s", dir, strerror(errno));
        return RG_ESTORAGE;
    }
    char real_dir[PATH_MAX], real_data[PATH_MAX];
    if (!realpath(dir, real_dir) || !realpath(log->dir, real_data)) {
        snprintf(why, cap, "cannot resolve %s: %s", dir, strerror(errno));
        return RG_ESTORAGE;
    }
    /* RocksDB owns every file of its directory; a backup there would be
     * neither safe from it nor a copy kept apart. */
    if (path_within(real_dir, real_data) || path_within(real_data, real_dir)) {
        snprintf(why, cap, "the backup directory and the data directory must not contain each other");
        return RG_EBADREQ;
    }
    int rc = travel(real_data, real_dir, true, why, cap);
    if (rc < 0) return rc;
    uint64_t before = dir_bytes(real_dir);
    char *err = NULL;
    rocksdb_backup_engine_t *be = rocksdb_backup_engine_open(log->opts, real_dir, &err);
    if (err) return check_why(err, "backup open", why, cap);
    /* The memtables are flushed first (flush_before_backup 1: RocksDB
     * writes no WAL, our log stays behind, so the tables must hold every
     * batch acknowledged before this call); with atomic_flush that flush
     * takes every family at one point (GetLiveFiles), so one batch is never
     * half in a backup. */
    rocksdb_backup_engine_create_new_backup_flush(be, log->db, 1 /* flush first */, &err);
    rc = check_why(err, "backup", why, cap);
    if (rc == 0) rc = travel(real_data, real_dir, false, why, cap);
    if (rc == 0) out->added = dir_bytes(real_dir) - before;   /* before any purge */
    if (rc == 0 && keep > 0) {
        rocksdb_backup_engine_purge_old_backups(be, keep, &err);
        rc = check_why(err, "backup purge", why, cap);
    }
    if (rc == 0) newest_backup(be, out);
    rocksdb_backup_engine_close(be);
    return rc;
}

/* Whether db_dir is missing or empty; made if missing.  0, or an error. */
static int fresh_dir(const char *db_dir, char *why, size_t cap)
{
    DIR *d = opendir(db_dir);
    if (d) {
        int entries = 0;
        for (struct dirent *ent; (ent = readdir(d));)
            entries += strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0;
        closedir(d);
        if (!entries) return 0;
        snprintf(why, cap, "%s is not empty: restore into a new directory", db_dir);
        return RG_EBADREQ;
    }
    if (errno != ENOENT || mkdir(db_dir, 0700) < 0) {
        snprintf(why, cap, "cannot create %s: %s", db_dir, strerror(errno));
        return RG_ESTORAGE;
    }
    return 0;
}

int rg_log_restore(const char *backup_dir, const char *db_dir, rg_backup_info *out, char *why,
                   size_t cap)
{
    memset(out, 0, sizeof *out);
    why[0] = '\0';
    /* BackupEngine makes what a backup directory needs if it is missing:
     * a directory that is none is named, not turned into one. */
    char meta[PATH_MAX + 16];
    snprintf(meta, sizeof meta, "%s/meta", backup_dir);
    struct stat st;
    if (stat(meta, &st) < 0 || !S_ISDIR(st.st_mode)) {
        snprintf(why, cap, "%s holds no backup", backup_dir);
        return RG_ENOTFOUND;
    }
    rocksdb_options_t *o = rocksdb_options_create();
    char *err = NULL;
    rocksdb_backup_engine_t *be = rocksdb_backup_engine_open(o, backup_dir, &err);
    int rc = check_why(err, "backup open", why, cap);
    if (rc == 0) {
        newest_backup(be, out);
        if (out->count == 0) {
            snprintf(why, cap, "%s holds no backup", backup_dir);
            rc = RG_ENOTFOUND;
        }
    }
    if (rc == 0) rc = fresh_dir(db_dir, why, cap);
    if (rc == 0) {
        /* The table files are checked against their checksums as they are
         * copied; a damaged backup fails here, not at the first read. */
        rocksdb_restore_options_t *ro = rocksdb_restore_options_create();
        rocksdb_backup_engine_restore_db_from_latest_backup(be, db_dir, db_dir, ro, &err);
        rocksdb_restore_options_destroy(ro);
        rc = check_why(err, "restore", why, cap);
    }
    if (rc == 0) rc = travel(backup_dir, db_dir, false, why, cap);
    if (be) rocksdb_backup_engine_close(be);
    rocksdb_options_destroy(o);
    return rc;
}
