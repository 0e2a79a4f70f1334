/*
 * ledgerfile_test.c - storage/ledgerfile.h, the erasure ledger as a file,
 * on a directory made by hand (only DIR/kek.check matters to it): open
 * names DIR.ledger and says it is stale while there is none, refuses a
 * ledger inside the directory, one of another key and one without a header;
 * append writes the header once, then one id a line, and keeps what was
 * there; check before a restore wants the file and the same key check as
 * the backups.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../test.h"
#include "../../engine/storage/errors.h"
#include "../../engine/storage/ledgerfile.h"

#define CHECK_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define CHECK_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static char *dir;

/* A data directory whose key check is check. */
static char *data_dir(const char *check)
{
    char *d = rg_t_tmpdir();
    char p[4096];
    snprintf(p, sizeof p, "%s/kek.check", d);
    FILE *f = fopen(p, "w");
    if (f) {
        fprintf(f, "%s\n", check);
        fclose(f);
    }
    return d;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    char *s = calloc(1, 65536);
    size_t n = fread(s, 1, 65535, f);
    s[n] = 0;
    fclose(f);
    return s;
}

static void test_open_and_append(void)
{
    dir = data_dir(CHECK_A);
    char *path = NULL, check[RG_KEY_CHECK_HEX + 1];
    bool stale = false;
    REQUIRE(rg_ledgerfile_open(dir, NULL, &path, check, &stale) == 0);
    char want[4096];
    snprintf(want, sizeof want, "%s.ledger", dir);
    CHECK(path && strcmp(path, want) == 0);
    CHECK(strcmp(check, CHECK_A) == 0);
    CHECK(stale);                                  /* none yet: written whole */
    CHECK(access(path, F_OK) != 0);                /* open touches nothing */

    REQUIRE(rg_ledgerfile_append(path, check, "ZVH-1\0ZVH-2\0", 12) == 0);
    REQUIRE(rg_ledgerfile_append(path, check, "ZVH-3\0", 6) == 0);
    char *s = slurp(path);
    REQUIRE(s != NULL);
    CHECK(strcmp(s, "# regie erasure ledger; key check " CHECK_A "\nZVH-1\nZVH-2\nZVH-3\n") == 0);
    free(s);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 077) == 0);

    /* Now there is one, of this key: not stale. */
    free(path);
    path = NULL;
    REQUIRE(rg_ledgerfile_open(dir, NULL, &path, check, &stale) == 0);
    CHECK(!stale);

    /* Before a restore: the same key as the backups, or refused. */
    char *backups = data_dir(CHECK_A), *others = data_dir(CHECK_B), why[512];
    CHECK(rg_ledgerfile_check(path, backups, why, sizeof why) == 0);
    CHECK(rg_ledgerfile_check(path, others, why, sizeof why) == RG_EBADREQ && strstr(why, "another"));
    snprintf(want, sizeof want, "%s/none.ledger", backups);
    CHECK(rg_ledgerfile_check(want, backups, why, sizeof why) == RG_EBADREQ && strstr(why, "--no-ledger"));
    rg_t_rmrf(backups);
    rg_t_rmrf(others);
    free(backups);
    free(others);
    unlink(path);
    free(path);
}

static void test_refusals(void)
{
    char *path = NULL, check[RG_KEY_CHECK_HEX + 1], p[4096];
    bool stale;
    /* Inside the data directory: lost with it. */
    snprintf(p, sizeof p, "%s/erased.ledger", dir);
    CHECK(rg_ledgerfile_open(dir, p, &path, check, &stale) == RG_EBADREQ && path == NULL);
    /* Another key's ledger. */
    char *other = data_dir(CHECK_B);
    snprintf(p, sizeof p, "%s.ledger", other);
    REQUIRE(rg_ledgerfile_append(p, CHECK_B, "X\0", 2) == 0);
    CHECK(rg_ledgerfile_open(dir, p, &path, check, &stale) == RG_EBADREQ && path == NULL);
    /* A file that is no ledger. */
    FILE *f = fopen(p, "w");
    REQUIRE(f != NULL);
    fputs("just some text\n", f);
    fclose(f);
    CHECK(rg_ledgerfile_open(dir, p, &path, check, &stale) == RG_EBADREQ && path == NULL);
    unlink(p);
    /* A directory without its key check. */
    char *bare = rg_t_tmpdir();
    CHECK(rg_ledgerfile_open(bare, NULL, &path, check, &stale) == RG_EBADREQ && path == NULL);
    rg_t_rmrf(bare);
    rg_t_rmrf(other);
    rg_t_rmrf(dir);
    free(bare);
    free(other);
    free(dir);
}

int main(void)
{
    RUN(test_open_and_append);
    RUN(test_refusals);
    return rg_t_exit();
}
