/*
 * ledgerfile.h - the erasure ledger as a file (core/ledger.h says what it is
 * for): a header line naming the key check of the data directory it
 * belongs to, then one erased case id per line.  Only file handling lives
 * here, so the commit path can append to it without reaching up.
 */
#ifndef RG_LEDGERFILE_H
#define RG_LEDGERFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define RG_KEY_CHECK_HEX 64
#define RG_LEDGER_SUFFIX ".ledger"     /* the engine's own: DIR.ledger */

/* At open, after the key (DIR/kek.check exists): the ledger's path (path,
 * or NULL for DIR.ledger) into *out (malloc'd; the caller frees it) and
 * the directory's key check into check.  *stale is set when there is no
 * ledger yet (it must be written whole).  RG_EBADREQ, the reason on stderr,
 * when it is inside the data directory or another key's; touches nothing. */
int rg_ledgerfile_open(const char *dir, const char *path, char **out /* OUT */,
                       char check[RG_KEY_CHECK_HEX + 1], bool *stale /* OUT */);
/* The header line into f. */
int rg_ledgerfile_header(FILE *f, const char *check);
/* Append ids (each NUL-terminated, back to back) to path, synced; the
 * header first when the file is new. */
int rg_ledgerfile_append(const char *path, const char *check, const char *ids, size_t len);
/* Before a restore touches anything: path exists and belongs to the key of
 * backup_dir's backups.  0, or RG_EBADREQ with why. */
int rg_ledgerfile_check(const char *path, const char *backup_dir, char *why, size_t cap);

#endif
