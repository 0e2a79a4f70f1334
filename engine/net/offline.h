/*
 * offline.h - what regied does besides serving: --check-config (validate
 * the configuration without touching the data directory), --restore (a
 * backup into a new data directory), and the hash-chain check a start
 * makes after a restore (or with --verify) before it serves.
 */
#ifndef RG_OFFLINE_H
#define RG_OFFLINE_H

#include <stdbool.h>

#include "../core/engine.h"

/* The file a restore leaves in the data directory: the next start checks
 * the hash chain before serving and removes it once the chain holds. */
#define RG_RESTORED_MARK "restored"

/* Check the config file (NULL: none given), the --clock value, the TLS file
 * and the key file (NULL: none given; whether it is the data directory's
 * own is checked at start), printing what is wrong; the exit status: 0 or 1. */
int rg_check_config(const char *config, const char *clock, const char *tls, const char *tls_ca,
                    const char *key_file);
/* Restore the newest backup of backup_dir into dir (new or empty) and leave
 * the mark, with the erasures of the engine's ledger (NULL: DIR.ledger) and
 * the backup's own pending for the first start; refused, touching nothing,
 * when that ledger is missing or another directory's, unless no_ledger
 * (then the backup's own alone).  The exit status: 0 or 1. */
int rg_restore(const char *backup_dir, const char *dir, const char *ledger, bool no_ledger);
/* Before serving: when dir holds the mark, or always, walk the hash chain;
 * 0 when it holds (the mark removed), -1 when broken or unreadable. */
int rg_verify_at_start(rg_engine *e, const char *dir, bool always);

#endif
