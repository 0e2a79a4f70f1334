/* ledgerfile.c - the erasure ledger's file; see ledgerfile.h. */
#include "ledgerfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "keyfile.h"

#define HEADER "# regie erasure ledger; key check "
#define PATH_CAP 4096

/* The first line of a file, newline dropped; RG_ENOTFOUND when there is no
 * file, RG_ESTORAGE when it cannot be read. */
static int first_line(const char *path, char *out, size_t cap)
{
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f) return errno == ENOENT ? RG_ENOTFOUND : RG_ESTORAGE;
    if (!fgets(out, (int)cap, f)) out[0] = '\0';
    fclose(f);
    out[strcspn(out, "\r\n ")] = '\0';
    return 0;
}

/* The key check a ledger's header names ("" when it has none); RG_ENOTFOUND
 * when there is no ledger or it is empty. */
static int ledger_check(const char *path, char check[RG_KEY_CHECK_HEX + 1])
{
    check[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f) return errno == ENOENT ? RG_ENOTFOUND : RG_ESTORAGE;
    char line[256];
    int rc = RG_ENOTFOUND;
    if (fgets(line, sizeof line, f)) {
        rc = 0;
        if (strncmp(line, HEADER, strlen(HEADER)) == 0)
            snprintf(check, RG_KEY_CHECK_HEX + 1, "%.*s", RG_KEY_CHECK_HEX, line + strlen(HEADER));
    }
    fclose(f);
    return rc;
}

int rg_ledgerfile_header(FILE *f, const char *check)
{
    return fprintf(f, "%s%s\n", HEADER, check) < 0 ? RG_ESTORAGE : 0;
}

int rg_ledgerfile_open(const char *dir, const char *path, char **out, char check[RG_KEY_CHECK_HEX + 1],
                       bool *stale)
{
    char p[PATH_CAP];
    *out = NULL;
    if (path) snprintf(p, sizeof p, "%s", path);
    else if (rg_beside(p, sizeof p, dir, RG_LEDGER_SUFFIX) < 0) {
        fprintf(stderr, "regie: no place beside the data directory %s for its erasure ledger; give --ledger\n", dir);
        return RG_EBADREQ;
    }
    int inside = rg_path_inside(p, dir);
    if (inside != 0) {
        if (inside < 0)
            fprintf(stderr, "regie: cannot resolve the directory of the erasure ledger %s: %s\n", p, strerror(errno));
        else
            fprintf(stderr,
                    "regie: the erasure ledger %s is inside the data directory %s; a restore must find "
                    "it when the directory is lost: keep it outside (by default DIR.ledger, beside the "
                    "key file)\n",
                    p, dir);
        return RG_EBADREQ;
    }
    char cpath[PATH_CAP], have[RG_KEY_CHECK_HEX + 1];
    snprintf(cpath, sizeof cpath, "%s/kek.check", dir);
    if (first_line(cpath, check, RG_KEY_CHECK_HEX + 1) < 0 || strlen(check) != RG_KEY_CHECK_HEX) {
        fprintf(stderr, "regie: cannot read %s\n", cpath);
        return RG_EBADREQ;
    }
    int rc = ledger_check(p, have);
    if (rc == RG_ESTORAGE) {
        fprintf(stderr, "regie: cannot read the erasure ledger %s: %s\n", p, strerror(errno));
        return RG_EBADREQ;
    }
    if (rc == 0 && strcmp(have, check) != 0) {
        fprintf(stderr,
                "regie: %s is not the erasure ledger of %s (%s); name this directory's ledger with "
                "--ledger\n",
                p, dir, have[0] ? "it belongs to another key" : "it has no ledger header");
        return RG_EBADREQ;
    }
    *out = strdup(p);
    *stale = rc == RG_ENOTFOUND;
    return 0;
}

int rg_ledgerfile_append(const char *path, const char *check, const char *ids, size_t len)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return RG_ESTORAGE;
    FILE *f = fdopen(fd, "a");
    if (!f) {
        close(fd);
        return RG_ESTORAGE;
    }
    struct stat st;
    int rc = fstat(fd, &st) == 0 ? 0 : RG_ESTORAGE;
    if (rc == 0 && st.st_size == 0) rc = rg_ledgerfile_header(f, check);
    for (size_t o = 0; rc == 0 && o < len; o += strlen(ids + o) + 1)
        if (fprintf(f, "%s\n", ids + o) < 0) rc = RG_ESTORAGE;
    if (fflush(f) != 0 || fsync(fd) != 0) rc = RG_ESTORAGE;
    if (fclose(f) != 0) rc = RG_ESTORAGE;
    return rc;
}

int rg_ledgerfile_check(const char *path, const char *backup_dir, char *why, size_t cap)
{
    char check[RG_KEY_CHECK_HEX + 1], want[256], cpath[PATH_CAP];
    int rc = ledger_check(path, check);
    if (rc == RG_ENOTFOUND) {
        snprintf(why, cap,
                 "no erasure ledger at %s: a restore without the engine's ledger brings back every "
                 "case erased since the backup was taken.  Name the engine's ledger with --ledger "
                 "FILE (kept beside its key file; by default DIR.ledger beside the old data "
                 "directory), or, only if it is lost, give --no-ledger",
                 path);
        return RG_EBADREQ;
    }
    if (rc < 0) {
        snprintf(why, cap, "cannot read the erasure ledger %s: %s", path, strerror(errno));
        return RG_EBADREQ;
    }
    snprintf(cpath, sizeof cpath, "%s/kek.check", backup_dir);
    if (first_line(cpath, want, sizeof want) == 0 && strcmp(check, want) != 0) {
        snprintf(why, cap, "the erasure ledger %s belongs to another data directory than the backups in %s "
                 "(another key check)", path, backup_dir);
        return RG_EBADREQ;
    }
    return 0;
}
