/*
 * ledger.h - erasures that a restore must not undo (ARCHITECTURE.md,
 * "Operations"): every backup run writes the ids of every erased case into
 * `erased.ledger` beside its backups (ids only, no personal data); a restore
 * copies that ledger into the new data directory as `erased.pending`, and
 * the first start erases each case it names again before serving.  A case
 * erased after the last backup run and before the restore is not in the
 * ledger: nightly backups bound that to a day.
 */
#ifndef RG_LEDGER_H
#define RG_LEDGER_H

#include "../domain/case.h"
#include "engine.h"

#define RG_LEDGER_FILE "erased.ledger"
#define RG_PENDING_FILE "erased.pending"

/* Write dir/erased.ledger (atomically) with every erased case of e. */
int rg_ledger_write(rg_engine *e, const char *dir);
/* Copy backup_dir's ledger, if any, to data_dir/erased.pending. */
int rg_ledger_carry(const char *backup_dir, const char *data_dir);
/* Erase again every case data_dir/erased.pending names (by the engine), run
 * the loop until that is durable, and remove the file.  0 when there is
 * none. */
int rg_ledger_apply(rg_engine *e, const char *data_dir);
/* The engine's own erasure of cs (retention, a ledger): its person index
 * entries and key go with the case.erased it appends into the open commit. */
int rg_engine_erase(rg_engine *e, rg_case *cs, const char *ground);

#endif
