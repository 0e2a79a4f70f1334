/*
 * offline.c - regied's modes that do not serve (see offline.h).
 */
#include "offline.h"

#include "../core/ledger.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/ctx.h"
#include "../domain/config.h"
#include "../storage/keyfile.h"
#include "../storage/log.h"
#include "../core/reads.h"

int rg_check_config(const char *config, const char *clock, const char *tls, const char *tls_ca,
                    const char *key_file)
{
    int bad = 0;
    rg_config cfg;
    rg_config_defaults(&cfg);
    if (config) {
        /* rg_config_load names the line of every mistake on stderr. */
        if (rg_config_load(config, &cfg) < 0) {
            fprintf(stderr, "regied: --config %s is not valid (see above)\n", config);
            bad = 1;
        } else {
            printf("regied: --config %s: valid; escalations open at level %d\n", config,
                   cfg.esc_start_level);
        }
    } else {
        printf("regied: no --config given: every norm has its default (regie.conf(5))\n");
    }
    rg_clock c;
    if (rg_clock_parse(&c, clock, 0) < 0) {
        fprintf(stderr, "regied: --clock takes real, manual or manual=ISO8601, not %s\n", clock);
        bad = 1;
    }
    if (tls && access(tls, R_OK) < 0) {
        fprintf(stderr, "regied: --tls-cert-key %s: %s\n", tls, strerror(errno));
        bad = 1;
    }
    if (tls_ca && access(tls_ca, R_OK) < 0) {
        fprintf(stderr, "regied: --tls-ca %s: %s\n", tls_ca, strerror(errno));
        bad = 1;
    }
    if (key_file && !rg_kek_file_ok(key_file)) bad = 1;
    if (bad) return 1;
    printf("regied: configuration OK\n");
    return 0;
}

int rg_restore(const char *backup_dir, const char *dir, const char *ledger, bool no_ledger)
{
    rg_backup_info info;
    char why[1024], beside[4096];
    if (!ledger && !no_ledger) {
        if (rg_beside(beside, sizeof beside, dir, RG_LEDGER_SUFFIX) < 0) {
            fprintf(stderr, "regied: restore refused: name the engine's erasure ledger with --ledger\n");
            return 1;
        }
        ledger = beside;
    }
    /* Without the engine's ledger a restore silently brings back what was
     * erased since the backup: the operator must say so. */
    if (no_ledger) {
        ledger = NULL;
    } else if (rg_ledgerfile_check(ledger, backup_dir, why, sizeof why) < 0) {
        fprintf(stderr, "regied: restore refused: %s; nothing was restored\n", why);
        return 1;
    }
    if (rg_log_restore(backup_dir, dir, &info, why, sizeof why) < 0) {
        fprintf(stderr, "regied: restore failed: %s\n", why);
        return 1;
    }
    if (no_ledger)
        fprintf(stderr, "regied: restoring without the engine's erasure ledger (--no-ledger): only the "
                        "erasures the backup directory's own ledger names are repeated; repeat by hand "
                        "every erasure made after the last backup run\n");
    if (rg_ledger_carry(backup_dir, dir, ledger) < 0) {
        fprintf(stderr, "regied: restored, but cannot carry the erasure ledger of %s\n", backup_dir);
        return 1;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, RG_RESTORED_MARK);
    FILE *f = fopen(path, "w");
    if (!f || fprintf(f, "backup %u of %s\n", info.id, backup_dir) < 0 || fclose(f) != 0) {
        fprintf(stderr, "regied: restored, but cannot write %s: %s; start it with --verify\n", path,
                strerror(errno));
        return 1;
    }
    time_t at = (time_t)info.at;
    struct tm tm;
    char when[64];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&at, &tm));
    printf("regied: restored backup %u (taken %s, %llu bytes) of %s into %s; its hash chain is "
           "checked at the next start\n",
           info.id, when, (unsigned long long)info.size, backup_dir, dir);
    return 0;
}

int rg_verify_at_start(rg_engine *e, const char *dir, bool always)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, RG_RESTORED_MARK);
    bool restored = access(path, F_OK) == 0;
    if (!restored && !always) return 0;
    uint64_t count = 0, broken = 0;
    const char *why = NULL;
    if (rg_reads_verify(e, &count, &broken, &why) < 0) {
        fprintf(stderr, "regied: cannot read the log to check its hash chain; not serving\n");
        return -1;
    }
    if (broken) {
        fprintf(stderr, "regied: the hash chain is broken at position %llu (%s); not serving\n",
                (unsigned long long)broken, why);
        return -1;
    }
    fprintf(stderr, "regied: hash chain intact over %llu events%s\n", (unsigned long long)count,
            restored ? " (restored from a backup)" : "");
    if (restored && unlink(path) < 0)
        fprintf(stderr, "regied: cannot remove %s: %s\n", path, strerror(errno));
    return 0;
}
