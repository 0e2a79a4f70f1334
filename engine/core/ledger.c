/* ledger.c - erasures carried across a restore; see ledger.h. */
#include "ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../storage/errors.h"
#include "../storage/ledgerfile.h"
#include "persons.h"
#include "apply.h"
#include "request.h"
#include "reads.h"

#define PATH_CAP 4096

int rg_ledger_erase(rg_engine *e, rg_case *cs, const char *ground, const char *step)
{
    if (cs->erased) return 0;
    rg_ctx c;
    rg_ctx_system(&c, e, cs, step);
    int rc = rg_persons_stage(&c, cs, true);
    if (rc == 0) {
        rg_evb *ev = rg_ctx_emit(&c, "case.erased");
        rg_ev_str(ev, "ground", ground);
        rg_commit_system(&c);
    }
    rg_ctx_cleanup(&c);
    return rc;
}

int rg_ledger_erase_person(rg_engine *e, rg_case *cs, uint32_t i, const char *ground, const char *step)
{
    if (cs->erased || i >= cs->npersons || cs->persons[i].erased) return 0;
    rg_ctx c;
    rg_ctx_system(&c, e, cs, step);
    int rc = rg_person_stage(&c, cs, i, true);
    if (rc == 0) {
        char id[16];
        snprintf(id, sizeof id, "P%u", i + 1);
        rg_evb *ev = rg_ctx_emit(&c, "person.erased");
        rg_ev_str(ev, "person", id);
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
    /* An erased person of a case that lives on: CASE/Pn. */
    for (uint32_t i = 0; !cs->erased && i < cs->npersons; i++)
        if (cs->persons[i].erased && fprintf(l->f, "%s/P%u\n", cs->id, i + 1) < 0) l->rc = RG_ESTORAGE;
    return l->rc;
}

/* path, atomically: the header and every erased case of e. */
static int write_whole(rg_engine *e, const char *path)
{
    char tmp[PATH_CAP + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    list l = {fd >= 0 ? fdopen(fd, "w") : NULL, 0};
    if (!l.f) {
        if (fd >= 0) close(fd);
        return RG_ESTORAGE;
    }
    int rc = rg_ledgerfile_header(l.f, e->key_check);
    if (rc == 0) rc = rg_reads_each_case(e, NULL, write_erased, &l);
    if (fflush(l.f) != 0 || fsync(fileno(l.f)) != 0) rc = RG_ESTORAGE;
    if (fclose(l.f) != 0) rc = RG_ESTORAGE;
    if (rc == 0 && l.rc == 0 && rename(tmp, path) == 0) return 0;
    unlink(tmp);
    return RG_ESTORAGE;
}

int rg_ledger_write(rg_engine *e, const char *dir)
{
    char path[PATH_CAP];
    snprintf(path, sizeof path, "%s/%s", dir, RG_LEDGER_FILE);
    return write_whole(e, path);
}

/* Every id of the file at path (comment lines skipped) onto out. */
static int copy_ids(const char *path, FILE *out)
{
    FILE *in = fopen(path, "r");
    if (!in) return errno == ENOENT ? 0 : RG_ESTORAGE;
    char line[RG_ID_MAX + 24];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, in))
        if (line[0] != '#' && fputs(line, out) < 0) rc = RG_ESTORAGE;
    fclose(in);
    return rc;
}

int rg_ledger_carry(const char *backup_dir, const char *data_dir, const char *engine_ledger)
{
    char from[PATH_CAP], to[PATH_CAP];
    snprintf(from, sizeof from, "%s/%s", backup_dir, RG_LEDGER_FILE);
    snprintf(to, sizeof to, "%s/%s", data_dir, RG_PENDING_FILE);
    int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out) {
        if (fd >= 0) close(fd);
        return RG_ESTORAGE;
    }
    int rc = copy_ids(from, out);
    if (rc == 0 && engine_ledger) rc = copy_ids(engine_ledger, out);
    if (fflush(out) != 0 || fsync(fileno(out)) != 0) rc = RG_ESTORAGE;
    if (fclose(out) != 0) rc = RG_ESTORAGE;
    return rc;
}

static int apply_pending(rg_engine *e, const char *data_dir)
{
    char path[PATH_CAP];
    snprintf(path, sizeof path, "%s/%s", data_dir, RG_PENDING_FILE);
    FILE *f = fopen(path, "r");
    if (!f) return errno == ENOENT ? 0 : RG_ESTORAGE;
    char line[RG_ID_MAX + 24];
    int rc = 0, n = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        /* A case's id, or one person of it: CASE/Pn. */
        char *slash = strchr(line, '/');
        if (slash) *slash = '\0';
        rg_case *cs;
        if (!line[0] || line[0] == '#' || rg_store_case(e, line, &cs) != 0 || cs->erased) continue;
        if (slash) {
            int i = rg_case_person(cs, slash + 1);
            if (i < 0 || cs->persons[i].erased) continue;
            rc = rg_ledger_erase_person(e, cs, (uint32_t)i, "erased before the backup it was restored from was taken",
                                        "engine.restore");
        } else {
            rc = rg_ledger_erase(e, cs, "erased before the backup it was restored from was taken", "engine.restore");
        }
        n += rc == 0;
    }
    fclose(f);
    rg_commit_want(e);
    while (rg_engine_busy(e)) uv_run(e->loop, UV_RUN_ONCE);
    if (rc == 0 && e->failed) rc = RG_ESTORAGE;
    if (rc == 0) {
        fprintf(stderr, "regied: %d case(s) or person(s) erased again after the restore\n", n);
        unlink(path);
    }
    return rc;
}

int rg_ledger_apply(rg_engine *e, const char *data_dir)
{
    int rc = apply_pending(e, data_dir);
    if (rc == 0 && e->ledger && e->ledger_stale) {
        rc = write_whole(e, e->ledger);
        if (rc < 0) fprintf(stderr, "regied: cannot write the erasure ledger %s: %s\n", e->ledger, strerror(errno));
        else e->ledger_stale = false;
    }
    return rc;
}
