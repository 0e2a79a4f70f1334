/*
 * offline_test.c - net/offline.c, what regied does without serving, called
 * in-process on real RocksDB directories: --check-config (no config, a bad
 * one, a bad --clock, a TLS file that is not there: each exit 1; a good
 * setting 0); --restore (a backup restored into a new directory with the
 * engine's ledger leaves the mark, opens, and its first start walks the
 * chain and removes the mark; refused, touching nothing, without the
 * ledger, into a directory that holds data, or from one with no backup);
 * the chain check at start (skipped without the mark unless asked; a
 * broken chain refuses to serve and keeps the mark).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../engine/core/ledger.h"
#include "../../engine/net/offline.h"
#include "../../engine/storage/log.h"
#include "../test.h"

static void test_check_config(void)
{
    CHECK(rg_check_config(NULL, "real", NULL, NULL, NULL) == 0);
    CHECK(rg_check_config(NULL, "manual=2026-01-05T09:00:00+01:00", NULL, NULL, NULL) == 0);
    CHECK(rg_check_config(NULL, "sometimes", NULL, NULL, NULL) == 1);
    CHECK(rg_check_config(NULL, "real", "/nonexistent/cert.pem", NULL, NULL) == 1);
    CHECK(rg_check_config(NULL, "real", NULL, "/nonexistent/ca.pem", NULL) == 1);
    char *bad = rg_t_write_file("bad.conf", "norm intake = -3 weeks of gibberish\n");
    REQUIRE(bad != NULL);
    CHECK(rg_check_config(bad, "real", NULL, NULL, NULL) == 1);
    CHECK(rg_check_config("/nonexistent/regie.conf", "real", NULL, NULL, NULL) == 1);
    char *d = strdup(bad);
    *strrchr(d, '/') = '\0';
    rg_t_rmrf(d);
    free(d);
    free(bad);
}

static bool exists(const char *dir, const char *name)
{
    char p[4096];
    snprintf(p, sizeof p, "%s%s%s", dir, name ? "/" : "", name ? name : "");
    return access(p, F_OK) == 0;
}

static void test_restore_and_verify(void)
{
    rg_t_local L;
    rg_t_cast T;
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &T) == 0);
    char id[32];
    REQUIRE(rg_t_local_case(&L, &T, "Anna de Wit", "analysis", id)[0] == 0);
    rg_t_local_settle(&L);
    REQUIRE(rg_ledger_apply(L.e, L.dir) == 0);        /* DIR.ledger written, as regied's start does */
    uint64_t head = rg_engine_head(L.e);
    char *base = rg_t_tmpdir();
    char bk[600], into[600], ledger[600], other[600];
    snprintf(bk, sizeof bk, "%s/backups", base);
    snprintf(into, sizeof into, "%s/restored", base);
    snprintf(other, sizeof other, "%s/other", base);
    snprintf(ledger, sizeof ledger, "%s.ledger", L.dir);
    REQUIRE(mkdir(bk, 0700) == 0);
    rg_backup_info info;
    char why[512];
    REQUIRE(rg_log_backup(rg_engine_log(L.e), bk, 2, &info, why, sizeof why) == 0);
    REQUIRE(rg_ledger_write(L.e, bk) == 0);

    /* Refusals, touching nothing. */
    CHECK(rg_restore(bk, into, NULL, false) == 1);                  /* into.ledger: none */
    CHECK(!exists(into, NULL));
    CHECK(rg_restore(base, into, ledger, false) == 1);              /* no backup there */
    CHECK(!exists(into, NULL));
    CHECK(rg_restore(bk, L.dir, ledger, false) == 1);               /* holds data */
    CHECK(rg_restore(bk, other, "/nonexistent/x.ledger", false) == 1);
    CHECK(!exists(other, NULL));

    /* The restore: the mark, then the first start's walk removes it. */
    CHECK(rg_restore(bk, into, ledger, false) == 0);
    CHECK(exists(into, RG_RESTORED_MARK));
    char *orig = strdup(L.dir);
    rg_t_local_close(&L, false);
    /* the restored directory's key file: the original's */
    char from[700], to[700];
    snprintf(from, sizeof from, "%s.kek", orig);
    snprintf(to, sizeof to, "%s.kek", into);
    REQUIRE(link(from, to) == 0);
    rg_t_local R;
    REQUIRE(rg_t_local_open(&R, into) == 0);
    CHECK(rg_engine_head(R.e) == head);
    CHECK(rg_verify_at_start(R.e, into, false) == 0);
    CHECK(!exists(into, RG_RESTORED_MARK));

    /* A broken chain refuses to serve; without the mark the walk is made
     * only when asked (--verify). */
    uint8_t k[8];
    rg_be64_put(k, 2);
    rg_buf v = RG_BUF_INIT;
    REQUIRE(rg_log_get(rg_engine_log(R.e), RG_CF_EVENTS, k, 8, &v) == 0);
    v.data[v.len - 1] ^= 1;
    rg_batch *bt = rg_batch_new(rg_engine_log(R.e));
    rg_batch_put(bt, RG_CF_EVENTS, k, 8, v.data, v.len);
    REQUIRE(rg_log_write(rg_engine_log(R.e), bt, true) == 0);
    rg_batch_free(bt);
    rg_buf_free(&v);
    CHECK(rg_verify_at_start(R.e, into, false) == 0);              /* not asked, no mark */
    CHECK(rg_verify_at_start(R.e, into, true) == -1);              /* --verify */
    char mark[700];
    snprintf(mark, sizeof mark, "%s/%s", into, RG_RESTORED_MARK);
    FILE *f = fopen(mark, "w");
    REQUIRE(f != NULL);
    fclose(f);
    CHECK(rg_verify_at_start(R.e, into, false) == -1);             /* the mark: walked */
    CHECK(exists(into, RG_RESTORED_MARK));                          /* and kept */
    rg_t_local_close(&R, true);
    rg_t_rmrf(orig);
    rg_t_rmrf(base);
    free(orig);
    free(base);
}

int main(void)
{
    RUN(test_check_config);
    RUN(test_restore_and_verify);
    return rg_t_exit();
}
