/*
 * ledger_test.c - a restore does not bring erased data back (issue 15):
 * a copy of the data directory taken before an erasure (what a backup
 * holds), the ledger the next backup run writes, carried into the copy as a
 * restore does, and the first start of the copy erases that case again
 * before anything else; a case erased nowhere keeps its person.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test.h"
#include "../../engine/core/ledger.h"
#include "steps.h"

static char pol[128], pr[128], mgr[128];

static void make_case(const char *name, char *id, bool refer)
{
    static int n;
    char rq[32];
    snprintf(rq, sizeof rq, "l%d", ++n);
    rg_buf_reset(&B);
    rg_t_report_req(&B, pol, rq, name);
    id[0] = '\0';
    if (send_req()[0]) return;
    snprintf(id, 32, "%s", rg_t_str(&R, "case"));
    if (!refer) return;
    rg_w_kstr(req(pr, "case.assign", id, 1), "procesregisseur", "pr");
    OK();
    req(pr, "intake.start", id, 0);
    OK();
    rg_buf *b = req(pr, "intake.decide", id, 3);
    rg_w_kbool(b, "admit", false);
    rg_w_kstr(b, "reason", "not for the ZVH");
    rg_w_kstr(b, "referred_to", "wijkteam");
    OK();
}

static int count_lines(const char *path, const char *text);

static bool erased(const char *id)
{
    bool e = false;
    return query(mgr, "case.get", id)[0] == 0 && rg_val_bool(rg_map_get(rg_t_get(&R, "case"), "erased"), &e) && e;
}

static void test_restore_erases_again(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char *dir = strdup(L.dir);
    rg_t_local_actor(&L, "pol", "partner", "police", pol);
    rg_t_local_actor(&L, "pr", "procesregisseur", "zvh", pr);
    rg_t_local_actor(&L, "mgr", "manager", "zvh", mgr);
    char gone[32], kept[32];
    make_case("Erased After The Backup", gone, true);
    make_case("Kept Everywhere", kept, false);
    REQUIRE(gone[0] && kept[0]);
    rg_t_local_close(&L, false);

    /* "The backup": the directory as it was before the erasure. */
    char *copy = rg_t_tmpdir(), *backups = rg_t_tmpdir(), cmd[9000];
    snprintf(cmd, sizeof cmd, "cp -a '%s/.' '%s/' && cp -a '%s.kek' '%s.kek'", dir, copy, dir, copy);
    REQUIRE(system(cmd) == 0);

    REQUIRE(rg_t_local_open(&L, dir) == 0);
    rg_w_kstr(req(mgr, "case.erase", gone, 1), "ground", "GDPR art. 17");
    OK();
    rg_t_local_settle(&L);
    REQUIRE(rg_ledger_write(L.e, backups) == 0);       /* the next backup run */
    rg_t_local_close(&L, true);
    free(dir);

    /* The restore, and its first start. */
    REQUIRE(rg_ledger_carry(backups, copy, NULL) == 0);
    REQUIRE(rg_t_local_open(&L, copy) == 0);
    CHECK(!erased(gone));                                /* as the backup had it */
    REQUIRE(rg_ledger_apply(L.e, copy) == 0);
    CHECK(erased(gone));
    CHECK(!erased(kept));
    REQUIRE(query(mgr, "case.get", kept)[0] == 0);
    CHECK(rg_val_is_str(rg_map_get(rg_map_get(rg_t_get(&R, "case"), "subject"), "name"), "Kept Everywhere"));
    char pending[4200];
    snprintf(pending, sizeof pending, "%s/%s", copy, RG_PENDING_FILE);
    CHECK(access(pending, F_OK) != 0);
    CHECK(rg_ledger_apply(L.e, copy) == 0);              /* nothing left to do */
    rg_t_local_close(&L, true);
    free(copy);
    rg_t_rmrf(backups);
    free(backups);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

/* Issue 25: one person of a household erased after the backup -- the
 * ledger names them (CASE/P2) and the restore's first start erases them
 * again, the rest of the case as it was. */
static void test_restore_erases_a_person_again(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char *dir = strdup(L.dir);
    rg_t_local_actor(&L, "pol", "partner", "police", pol);
    rg_t_local_actor(&L, "pr", "procesregisseur", "zvh", pr);
    rg_t_local_actor(&L, "mgr", "manager", "zvh", mgr);
    char a[32];
    make_case("Kept Mother", a, false);
    REQUIRE(a[0]);
    rg_w_kstr(req(pr, "case.assign", a, 1), "procesregisseur", "pr");
    OK();
    rg_buf *b = req(pr, "person.add", a, 2);
    rg_w_kstr(b, "role", "partner");
    rg_w_kstr(b, "name", "Erased Partner");
    OK();
    rg_t_local_close(&L, false);

    char *copy = rg_t_tmpdir(), *backups = rg_t_tmpdir(), cmd[9000];
    snprintf(cmd, sizeof cmd, "cp -a '%s/.' '%s/' && cp -a '%s.kek' '%s.kek'", dir, copy, dir, copy);
    REQUIRE(system(cmd) == 0);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    rg_w_kstr(req(pr, "case.end", a, 1), "reason", "withdrawn");
    OK();
    b = req(mgr, "person.erase", a, 2);
    rg_w_kstr(b, "person", "P2");
    rg_w_kstr(b, "ground", "GDPR art. 17");
    OK();
    rg_t_local_settle(&L);
    REQUIRE(rg_ledger_write(L.e, backups) == 0);
    rg_t_local_close(&L, false);
    char ledger[4200], person[64];
    snprintf(ledger, sizeof ledger, "%s.ledger", dir);
    snprintf(person, sizeof person, "%s/P2", a);
    CHECK(count_lines(ledger, person) == 1);

    /* Restored with the engine's ledger alone, then with the backup's. */
    for (int with_backup = 0; with_backup < 2; with_backup++) {
        char *c2 = rg_t_tmpdir();
        snprintf(cmd, sizeof cmd, "cp -a '%s/.' '%s/' && cp -a '%s.kek' '%s.kek'", copy, c2, copy, c2);
        REQUIRE(system(cmd) == 0);
        char *none = rg_t_tmpdir();
        REQUIRE(rg_ledger_carry(with_backup ? backups : none, c2, with_backup ? NULL : ledger) == 0);
        REQUIRE(rg_t_local_open(&L, c2) == 0);
        REQUIRE(query(pr, "case.history", a)[0] == 0);
        CHECK(rg_t_holds(R.bytes, R.len, "Erased Partner"));         /* as the backup had it */
        REQUIRE(rg_ledger_apply(L.e, c2) == 0);
        REQUIRE(query(pr, "case.history", a)[0] == 0);
        CHECK(!rg_t_holds(R.bytes, R.len, "Erased Partner") && rg_t_holds(R.bytes, R.len, "Kept Mother"));
        CHECK(!erased(a));
        rg_t_local_close(&L, true);
        rg_t_rmrf(none);
        free(none);
        free(c2);
    }
    rg_t_rmrf(dir);
    rg_t_rmrf(copy);
    rg_t_rmrf(backups);
    free(dir);
    free(copy);
    free(backups);
}

static int count_lines(const char *path, const char *text)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[256];
    int n = 0;
    while (fgets(line, sizeof line, f)) n += strstr(line, text) != NULL;
    fclose(f);
    return n;
}

/* Issue 20, finding 8: no backup run after the erasure, so no backup's
 * ledger names it; the engine's own ledger, beside its key, does. */
static void test_engine_ledger_outlives_every_backup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char *dir = strdup(L.dir), ledger[4200];
    snprintf(ledger, sizeof ledger, "%s.ledger", dir);
    rg_t_local_actor(&L, "pol", "partner", "police", pol);
    rg_t_local_actor(&L, "pr", "procesregisseur", "zvh", pr);
    rg_t_local_actor(&L, "mgr", "manager", "zvh", mgr);
    char gone[32], kept[32];
    make_case("Erased After The Last Backup", gone, true);
    make_case("Kept Everywhere", kept, false);
    REQUIRE(gone[0] && kept[0]);
    rg_t_local_close(&L, false);

    /* "The backup", its own ledger written before the erasure. */
    char *copy = rg_t_tmpdir(), *backups = rg_t_tmpdir(), cmd[9000];
    snprintf(cmd, sizeof cmd, "cp -a '%s/.' '%s/' && cp -a '%s.kek' '%s.kek'", dir, copy, dir, copy);
    REQUIRE(system(cmd) == 0);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    REQUIRE(rg_ledger_write(L.e, backups) == 0);
    rg_w_kstr(req(mgr, "case.erase", gone, 1), "ground", "GDPR art. 17");
    OK();
    rg_t_local_settle(&L);
    rg_t_local_close(&L, false);
    /* Appended once durable, beside the key, not in the directory. */
    CHECK(count_lines(ledger, gone) == 1);
    CHECK(count_lines(ledger, kept) == 0);
    char bl[4200];
    snprintf(bl, sizeof bl, "%s/%s", backups, RG_LEDGER_FILE);
    CHECK(count_lines(bl, gone) == 0);

    /* The restore with the engine's ledger; the first start erases again. */
    char why[1024];
    CHECK(rg_ledgerfile_check(ledger, copy, why, sizeof why) == 0);
    REQUIRE(rg_ledger_carry(backups, copy, ledger) == 0);
    REQUIRE(rg_t_local_open(&L, copy) == 0);
    REQUIRE(rg_ledger_apply(L.e, copy) == 0);
    CHECK(erased(gone));
    CHECK(!erased(kept));
    rg_t_local_close(&L, false);

    /* A missing ledger is named; another directory's (another key) is
     * refused, by the restore and at open. */
    char missing[4200];
    snprintf(missing, sizeof missing, "%s.nothing", copy);
    CHECK(rg_ledgerfile_check(missing, copy, why, sizeof why) < 0 && strstr(why, "--no-ledger"));
    rg_t_local l2;
    REQUIRE(rg_t_local_open(&l2, NULL) == 0);
    char other[4200], *d2 = strdup(l2.dir);
    snprintf(other, sizeof other, "%s.ledger", d2);
    rg_t_local_close(&l2, false);
    snprintf(cmd, sizeof cmd, "printf '# regie erasure ledger; key check %%064d\\nZVH-00000001\\n' 0 > '%s'", other);
    REQUIRE(system(cmd) == 0);
    CHECK(rg_ledgerfile_check(other, copy, why, sizeof why) < 0 && strstr(why, "another data directory"));
    snprintf(cmd, sizeof cmd, "cp '%s' '%s.ledger'", other, copy);
    REQUIRE(system(cmd) == 0);
    CHECK(rg_t_local_open(&L, copy) < 0);
    rg_t_local_close(&L, false);
    rg_t_rmrf(d2);
    free(d2);

    rg_t_rmrf(dir);
    rg_t_rmrf(copy);
    rg_t_rmrf(backups);
    free(dir);
    free(copy);
    free(backups);
}

int main(void)
{
    RUN(test_restore_erases_again);
    RUN(test_engine_ledger_outlives_every_backup);
    RUN(test_restore_erases_a_person_again);
    return rg_t_exit();
}
