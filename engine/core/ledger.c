/* ledger.c - erasures carried across a restore; see ledger.h. */
#include "ledger.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../storage/errors.h"
#include "persons.h"
#include "request.h"

int rg_engine_erase(rg_engine *e, rg_case *cs, const char *ground)
{
    if (cs->erased) return 0;
    rg_ctx c;
    rg_ctx_init(&c, e);
    c.actor = rg_system_actor();
    c.cs = cs;
    c.op = &rg_system_op;
    int rc = rg_persons_stage(&c, cs, true);
    if (rc == 0) {
        rg_evb *ev = rg_ctx_emit(&c, "case.erased");
        rg_ev_str(ev, "ground", ground);
        rg_commit_system(&c);
    }
    rg_ctx_cleanup(&c);
    return rc;
}

typedef struct list {
    FILE *f;
    int rc;
} list;

static int write_erased(void *ud, const rg_case *cs)
{
    list *l = ud;
    if (cs->erased && fprintf(l->f, "%s\n", cs->id) < 0) l->rc = RG_ESTORAGE;
    return l->rc;
}

int rg_ledger_write(rg_engine *e, const char *dir)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/%s", dir, RG_LEDGER_FILE);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    list l = {fopen(tmp, "w"), 0};
    if (!l.f) return RG_ESTORAGE;
    int rc = rg_engine_each_case(e, NULL, write_erased, &l);
    if (fflush(l.f) != 0 || fsync(fileno(l.f)) != 0) rc = RG_ESTORAGE;
    if (fclose(l.f) != 0) rc = RG_ESTORAGE;
    if (rc == 0 && l.rc == 0 && rename(tmp, path) == 0) return 0;
    unlink(tmp);
    return RG_ESTORAGE;
}

int rg_ledger_carry(const char *backup_dir, const char *data_dir)
{
    char from[4096], to[4096];
    snprintf(from, sizeof from, "%s/%s", backup_dir, RG_LEDGER_FILE);
    snprintf(to, sizeof to, "%s/%s", data_dir, RG_PENDING_FILE);
    FILE *in = fopen(from, "r");
    if (!in) return errno == ENOENT ? 0 : RG_ESTORAGE;
    FILE *out = fopen(to, "w");
    int rc = out ? 0 : RG_ESTORAGE;
    char line[RG_ID_MAX + 8];
    while (rc == 0 && fgets(line, sizeof line, in))
        if (fputs(line, out) < 0) rc = RG_ESTORAGE;
    fclose(in);
    if (out && (fflush(out) != 0 || fsync(fileno(out)) != 0 || fclose(out) != 0)) rc = RG_ESTORAGE;
    return rc;
}

int rg_ledger_apply(rg_engine *e, const char *data_dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", data_dir, RG_PENDING_FILE);
    FILE *f = fopen(path, "r");
    if (!f) return errno == ENOENT ? 0 : RG_ESTORAGE;
    char line[RG_ID_MAX + 8];
    int rc = 0, n = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        rg_case *cs;
        if (!line[0] || rg_store_case(e, line, &cs) != 0 || cs->erased) continue;
        rc = rg_engine_erase(e, cs, "erased before the backup it was restored from was taken");
        n += rc == 0;
    }
    fclose(f);
    rg_engine_want_commit(e);
    while (rg_engine_busy(e)) uv_run(e->loop, UV_RUN_ONCE);
    if (rc == 0 && e->failed) rc = RG_ESTORAGE;
    if (rc == 0) {
        fprintf(stderr, "regied: %d case(s) erased again after the restore\n", n);
        unlink(path);
    }
    return rc;
}
