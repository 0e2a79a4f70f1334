/*
 * log.h - the durable store: RocksDB, opened and touched by this module only.
 *
 * Column families and key formats (ARCHITECTURE.md has the full table):
 *   events    be64(seq)                          -> event record (event.h)
 *   stream    case_id 0x00 be32(version)         -> be64(seq)
 *   cases     case_id                            -> case projection (msgpack)
 *   deadlines be64(t) case_id 0x00 norm 0x00 item -> nothing (core/dl_index.h)
 *   idem      actor_id 0x00 req                  -> first reply (msgpack)
 *   actors    actor_id                           -> actor (msgpack)
 *   meta      name                               -> engine counters
 *   leadtimes u8(state) be64(ms in state) be64(seq)  -> nothing (for medians)
 *   feed      'o' org 0x00 be64(seq) | 'p' actor 0x00 be64(seq) -> nothing
 *   audit     be64(n)                            -> audit record (msgpack)
 *             0xff case_id 0x00 be64(n)          -> nothing (the records of a case)
 *   alerts    actor_id 0x00 be64(n)              -> alert (msgpack)
 *   keys      case_id                            -> the case's data key, wrapped (seal.h)
 *   persons   zvh 0x00 kind hash case_id          -> nothing (keyed hashes: subject.known)
 *
 * Every change the engine makes goes through one rg_batch written atomically
 * by rg_log_write: a crash leaves all of a batch or none of it.  The batch
 * is appended to the engine's own log (wal.h, files wal-*.log in the data
 * directory) and synced there before RocksDB, which writes no WAL of its
 * own, applies it; "log_record" in the default family (hidden from
 * iterators) is the number of the last record the store holds, and opening
 * applies the records after it.
 *
 * Threads: rg_log_write may be called from the writer thread while the loop
 * thread reads (RocksDB is thread-safe for that); batches themselves are owned
 * by one thread at a time.
 *
 * Layer (engine/storage/, lowest): the durable store (this), the codec
 * (msgpack, codec.h), hashes and random bytes (crypto.h), buffers, hash
 * maps, sorted runs and the error vocabulary.  It knows nothing of cases,
 * requests or the network and uses only the libraries it wraps; every
 * layer above may use it.
 */
#ifndef RG_LOG_H
#define RG_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* "default" is required by RocksDB and holds nothing of ours but log.c's
 * record number (log.c), which no iterator shows. */
#define RG_CF_MAP(X) \
    X(DEFAULT, "default") X(EVENTS, "events") X(STREAM, "stream") X(CASES, "cases") \
    X(DEADLINES, "deadlines") X(IDEM, "idem") X(ACTORS, "actors") X(META, "meta") \
    X(LEADTIMES, "leadtimes") X(FEED, "feed") X(AUDIT, "audit") X(ALERTS, "alerts") \
    X(KEYS, "keys") X(PERSONS, "persons")

typedef enum {
#define RG_CF_ENUM(name, str) RG_CF_##name,
    RG_CF_MAP(RG_CF_ENUM)
#undef RG_CF_ENUM
    RG_CF_COUNT
} rg_cf;

typedef struct rg_log rg_log;
typedef struct rg_batch rg_batch;
typedef struct rg_iter rg_iter;

int rg_log_open(rg_log **out /* OUT */, const char *dir);
void rg_log_close(rg_log *log);
/* Whether the database in dir holds a key in the column family of that
 * name: 1 yes, 0 no (no such family, an empty one, or no database there),
 * RG_ESTORAGE when it cannot be read.  Opens the database read-only: the
 * directory is left as it was. */
int rg_log_family_holds_data(const char *dir, const char *name);

/* Read one key.  RG_ENOTFOUND when absent; the value is appended to *out. */
int rg_log_get(rg_log *log, rg_cf cf, const void *k, size_t kn, rg_buf *out);

/* Write the batch atomically; with sync, return only once it is on disk.
 * RG_ESTORAGE when it could not be logged or applied: then it is in
 * neither, except after a failed sync, when whether the disk holds it is
 * unknown and every later write is refused until the log is opened again
 * (a restart), which applies what the disk holds.  A failed write (a full
 * disk) refuses that batch only; the next one tries again.  b comes back
 * as it was given. */
int rg_log_write(rg_log *log, rg_batch *b, bool sync);

/* Flush every column family at one point and delete the log files the
 * tables now hold (blocking).  Done on a thread of the log's own whenever
 * the log begins a new file; for tests. */
int rg_log_flush(rg_log *log);
/* The log begins a new file once its current one holds this many bytes
 * (default 64 MiB); for tests. */
void rg_log_wal_limit(rg_log *log, uint64_t bytes);

/* Make deleted keys of [from, to) in cf gone from the files for good: begin
 * a new log file, flush the memtables and delete the log files before it
 * (so no log still holds them), and compact the range down to the bottom
 * level, where a tombstone drops what it covers.  Blocking; for erasure (crypto-shredding),
 * which is rare.  to NULL: to the end of the column family. */
int rg_log_shred(rg_log *log, rg_cf cf, const void *from, size_t fromn, const void *to, size_t ton);

/* Fault injection for tests: the nth rg_log_write from now on (1 = the next)
 * fails with RG_ESTORAGE without writing anything.  0 disables. */
void rg_log_fail_write(rg_log *log, uint64_t nth);
/* Fault injection for tests: the next write (op 'w') or sync (op 's') of
 * the engine's own log fails with errno err (wal.h). */
void rg_log_fail_wal(rg_log *log, char op, int err);
/* Fault injection for tests: while on, every iterator made from now on ends
 * at once and reports RG_ESTORAGE, as one would on an I/O error. */
void rg_log_fail_reads(rg_log *log, bool on);

/* Bulk loading, for rebuilding derived column families (which the log can
 * always recompute): table files written in key order and moved into a
 * column family whole, bypassing the WAL and the memtable.  What a table
 * holds becomes visible at once, newer than anything written before; the
 * file is synced before it is moved in, so what returns 0 is durable.
 *
 * A table takes keys in strictly ascending order; a key equal to the one
 * before is dropped (the first is kept).  Errors are kept until ingest.
 * Tables can be written on different threads. */
typedef struct rg_table rg_table;
rg_table *rg_table_open(rg_log *log, rg_cf cf, int part /* tells the files apart */);
void rg_table_put(rg_table *t, const void *k, size_t kn, const void *v, size_t vn);
/* Move the tables into cf together (their key ranges must not overlap) and
 * free them, on failure too; empty ones are skipped. */
int rg_log_ingest(rg_log *log, rg_cf cf, rg_table **tables, size_t n);
/* One table of the pairs of the runs, each sorted (sorted.h), merged. */
struct rg_sorted;
int rg_log_load(rg_log *log, rg_cf cf, const struct rg_sorted *const *runs, size_t nruns);

rg_batch *rg_batch_new(rg_log *log);
void rg_batch_free(rg_batch *b);
void rg_batch_put(rg_batch *b, rg_cf cf, const void *k, size_t kn, const void *v, size_t vn);
void rg_batch_del(rg_batch *b, rg_cf cf, const void *k, size_t kn);
/* Delete every key in [from, to). */
void rg_batch_del_range(rg_batch *b, rg_cf cf, const void *from, size_t fn, const void *to, size_t tn);
/* Empty b for reuse, keeping the memory it grew into. */
void rg_batch_clear(rg_batch *b);
size_t rg_batch_count(const rg_batch *b);
size_t rg_batch_bytes(const rg_batch *b);

/* Iteration in key order.  Key and value views are valid until the next call
 * that moves or frees the iterator. */
rg_iter *rg_iter_new(rg_log *log, rg_cf cf);
/* For one pass over a whole column family: large read-ahead, and the blocks
 * read do not displace the block cache. */
rg_iter *rg_iter_new_scan(rg_log *log, rg_cf cf);
void rg_iter_seek(rg_iter *it, const void *k, size_t kn);
void rg_iter_seek_first(rg_iter *it);
void rg_iter_seek_last(rg_iter *it);
bool rg_iter_valid(rg_iter *it);
void rg_iter_next(rg_iter *it);
const uint8_t *rg_iter_key(rg_iter *it, size_t *n /* OUT */);
const uint8_t *rg_iter_value(rg_iter *it, size_t *n /* OUT */);
/* RG_ESTORAGE if the iteration ended on an error rather than at the end. */
int rg_iter_error(rg_iter *it);
void rg_iter_free(rg_iter *it);
/* Free it and say how its iteration ended: RG_ESTORAGE when it stopped on an
 * I/O error rather than at the end of the data (or where the caller broke
 * off).  Every read loop ends with this, so a failing disk never reads as
 * "no more data". */
int rg_iter_end(rg_iter *it);

/* Backups, through RocksDB's BackupEngine: a backup directory holds numbered
 * backups that share their table files, so a second backup into the same
 * directory copies only what is new. */
typedef struct rg_backup_info {
    uint32_t id;          /* the newest backup's number in its directory */
    uint64_t at;          /* when it was taken, seconds since the epoch */
    uint64_t size;        /* bytes of its files, shared ones included */
    uint32_t files;       /* how many files it has */
    uint32_t count;       /* backups the directory holds now */
    uint64_t added;       /* bytes this backup copied into the directory */
} rg_backup_info;

/* Another thread is about to use the log (a backup): rg_log_close waits
 * until every hold is released.  Hold on the thread that owns the log,
 * before handing it over; release on the other thread, when done. */
void rg_log_hold(rg_log *log);
void rg_log_release(rg_log *log);
/* A consistent backup of every column family into dir (made if missing, one
 * level), the memtables flushed first; then all but the newest `keep`
 * backups there are purged (0: keep all).  Blocking, for any thread holding
 * the log; writes go on meanwhile.  RG_EBADREQ when dir and the data
 * directory contain each other, RG_ESTORAGE otherwise; why (cap bytes) says
 * what failed. */
int rg_log_backup(rg_log *log, const char *dir, uint32_t keep, rg_backup_info *out /* OUT */,
                  char *why, size_t cap);
/* Restore the newest backup of backup_dir into db_dir, which must be empty
 * or missing (RG_EBADREQ otherwise; RG_ENOTFOUND for no backup), with no log
 * open on it.  out describes the backup restored. */
int rg_log_restore(const char *backup_dir, const char *db_dir, rg_backup_info *out /* OUT */,
                   char *why, size_t cap);

#endif
