/*
 * ledger.h - erasures that a restore must not undo (ARCHITECTURE.md,
 * "Backups and erasure").  A restored backup from before an erasure still
 * holds the erased case's wrapped key; the ledger names every erased case
 * (ids only, no personal data) so that the restore erases it again, and
 * every erased person of a household case that lives on ("CASE/P2").
 *
 * It is kept in two places:
 *   - the engine's own ledger (`--ledger FILE`, default DIR.ledger beside
 *     the data directory, never in it, like the key file): every erasure is
 *     appended and synced once its commit is durable, so it holds every
 *     erasure up to the moment the data was lost, whatever backup is
 *     restored.  Its first line binds it to the key (the key check), so one
 *     data directory's ledger is never applied to another's cases;
 *   - `erased.ledger` in every backup directory, written by each backup
 *     run, for when the engine's ledger is lost with the machine.
 * `regied --restore` refuses without the engine's ledger unless told
 * `--no-ledger`, and carries the union of both into the new directory as
 * `erased.pending`; the first start erases each case it names again before
 * serving, then removes the file.  An id of a case the restored log does
 * not hold (made and erased after the backup) is skipped: that id will be
 * minted again for a new case, which must not be erased.
 */
#ifndef RG_LEDGER_H
#define RG_LEDGER_H

#include <stdbool.h>
#include <stddef.h>

#include "../domain/case.h"
#include "engine.h"
#include "../storage/ledgerfile.h"

#define RG_LEDGER_FILE "erased.ledger"
#define RG_PENDING_FILE "erased.pending"

/* Write dir/erased.ledger (atomically) with every erased case of e. */
int rg_ledger_write(rg_engine *e, const char *dir);
/* Write data_dir/erased.pending: backup_dir's ledger, if any, and
 * engine_ledger's ids (NULL: none). */
int rg_ledger_carry(const char *backup_dir, const char *data_dir, const char *engine_ledger);
/* Erase again every case data_dir/erased.pending names (by the engine), run
 * the loop until that is durable, and remove the file; then, if the
 * engine's ledger may lack an erasure (it was missing, or a crash came
 * between an erasure and its append), rewrite it whole.  0 when there is
 * nothing to do. */
int rg_ledger_apply(rg_engine *e, const char *data_dir);
/* The engine's own erasure of cs (retention, a ledger): its person index
 * entries and key go with the case.erased it appends into the open commit;
 * step is its entry in the register of processing activities
 * (engine.retention, engine.restore), which its processing record names. */
int rg_ledger_erase(rg_engine *e, rg_case *cs, const char *ground, const char *step);
/* The same of person i of cs alone (a ledger's CASE/Pn). */
int rg_ledger_erase_person(rg_engine *e, rg_case *cs, uint32_t i, const char *ground, const char *step);

#endif
