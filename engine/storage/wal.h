/*
 * wal.h - the engine's own write-ahead log: numbered, checksummed records in
 * files of the data directory, synced by the engine itself (issue 23, item
 * 5).  RocksDB writes no WAL: log.c appends each batch here first, syncs it
 * when asked, and only then applies it to RocksDB, so a failed write or sync
 * is an ordinary error of ours (RG_ESTORAGE), never RocksDB's background
 * error path (which asserts in Debian's build; RELIABILITY.md, step 100).
 *
 * On disk: files "wal-<16 hex digits>.log", the digits the number of the
 * file's first record; records numbered 1, 2, 3, ... without gaps across the
 * files.  A record: le32 payload length, le32 CRC-32C (of the length, the
 * number and the payload), le64 record number, the payload (a RocksDB
 * WriteBatch's bytes, opaque here).  Every file but the newest is complete
 * and synced (it is synced before the next is made); only the newest may end
 * in a torn record, a crash in the middle of an append that was never
 * acknowledged, which opening cuts away.
 *
 * Not thread-safe: log.c calls it under its write lock.  Knows nothing of
 * RocksDB (log.c applies the records).
 */
#ifndef RG_WAL_H
#define RG_WAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rg_wal rg_wal;

/* A record to apply at open: its number and payload.  0, or an error that
 * fails the open. */
typedef int (*rg_wal_apply_fn)(void *ud, uint64_t recno, const uint8_t *p, size_t n);

/* Open the log of dir, whose records up to `after` are already in the store:
 * files wholly at or below it are deleted, every later record is handed to
 * fn in order, a torn tail of the newest file is cut off (truncated and
 * synced), and appends go on after the last record (or after `after`, if
 * the store is ahead of the log: a new file is begun).  RG_ESTORAGE when a
 * file cannot be read or written, a record is damaged anywhere but at the
 * end, records are missing, or fn fails; why says which. */
int rg_wal_open(rg_wal **out /* OUT */, const char *dir, uint64_t after, rg_wal_apply_fn fn, void *ud,
                char *why, size_t cap);
void rg_wal_close(rg_wal *w);

/* The same walk, read only (nothing deleted, cut or made): fn sees every
 * whole record after `after`.  For a database opened read-only. */
int rg_wal_scan(const char *dir, uint64_t after, rg_wal_apply_fn fn, void *ud);

/* The number the next appended record gets. */
uint64_t rg_wal_next(const rg_wal *w);

/* Append one record (numbered rg_wal_next), and with sync return only once
 * it is on disk.  A failed write is cut back off and refuses this record
 * only (RG_ESTORAGE; the next append tries again: a full disk that gets
 * room back resumes by itself).  A failed sync leaves the file in a state
 * that cannot be known (Linux reports a writeback error once and forgets
 * it): the log is then broken, and every later append is refused until the
 * log is opened again, which reads what the disk holds. */
int rg_wal_append(rg_wal *w, const void *p, size_t n, bool sync);

/* Take the last appended record back off (its batch was not applied): cut
 * and, if it had been synced, the cut synced.  A failure breaks the log as a
 * failed sync does. */
void rg_wal_undo(rg_wal *w);

/* Whether a failed sync broke the log (every append refused until reopened). */
bool rg_wal_broken(const rg_wal *w);

/* Begin a new file at the next append once the current one holds this many
 * bytes (default 64 MiB); for tests. */
void rg_wal_set_file_limit(rg_wal *w, uint64_t bytes);
/* Whether the current file has passed its limit (a flush would let the
 * files before it go), and a new file has begun since the last call. */
bool rg_wal_rotated(rg_wal *w);
/* Begin a new file now (the current one synced first), unless the current
 * one is empty.  RG_ESTORAGE when that fails (the current one stays). */
int rg_wal_rotate(rg_wal *w);

/* Delete the files whose records are all at or below upto (now in table
 * files of the store), never the current one.  How many were deleted. */
int rg_wal_drop(rg_wal *w, uint64_t upto);
/* How many files the log has (the current one included). */
size_t rg_wal_files(const rg_wal *w);

/* Delete every file of the log in dir (after a flush that covers them all,
 * at close).  0, or RG_ESTORAGE. */
int rg_wal_remove_all(rg_wal *w);

/* Tests: the next write (op 'w') or sync (op 's') of the log fails with
 * errno err, as the disk would. */
void rg_wal_fail_next(rg_wal *w, char op, int err);

/* CRC-32C (Castagnoli) of n bytes, continuing crc (0 to begin). */
uint32_t rg_wal_crc32c(uint32_t crc, const void *p, size_t n);

#endif
