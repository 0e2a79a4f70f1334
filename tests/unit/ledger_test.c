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
    REQUIRE(rg_ledger_carry(backups, copy) == 0);
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

int main(void)
{
    RUN(test_restore_erases_again);
    return rg_t_exit();
}
