/*
 * keyfile_test.c - where the key-encryption key lives and when a start is
 * refused (issue 20, findings 11 and 12), on real data directories:
 *
 *   - a new directory gets its key beside it (DIR.kek), never in it;
 *   - a key file inside the directory is refused unless the operator says
 *     --key-file-inside-data;
 *   - an older directory with DIR/kek is refused with the command that
 *     moves the key and the README section, and opens once it is moved;
 *   - a directory holding sealed data without its kek.check is refused and
 *     no new check is written (one without sealed data gets its check);
 *   - a key file others may read (0644) is refused with the reason,
 *     touching nothing; at 0600 the same key serves.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../test.h"
#include "../../engine/storage/keyfile.h"
#include "../../handlers/handlers.h"

static bool exists(const char *path) { return access(path, F_OK) == 0; }

/* Open the engine on dir with these key options, and close it again; the
 * open's return code.  stderr goes to errlog while it runs, when given. */
static int open_close(const char *dir, const char *key_file, bool inside_ok, const char *errlog)
{
    int saved = -1;
    if (errlog) {
        fflush(stderr);
        saved = dup(2);
        int fd = open(errlog, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 2);
            close(fd);
        }
    }
    uv_loop_t loop;
    uv_loop_init(&loop);
    rg_engine_opts o = {.module = &rg_handlers_module, .dir = dir, .key_file = key_file, .key_inside_ok = inside_ok};
    o.clock.manual = true;
    o.clock.now_ms = 1764579600000ULL;
    rg_engine *e = NULL;
    int rc = rg_engine_open(&e, &loop, &o);
    if (rc == 0) {
        rg_engine_start(e);
        while (rg_engine_busy(e)) uv_run(&loop, UV_RUN_ONCE);
        rg_engine_close(e);
        uv_run(&loop, UV_RUN_DEFAULT);
    }
    uv_loop_close(&loop);
    if (errlog) {
        fflush(stderr);
        dup2(saved, 2);
        close(saved);
    }
    return rc;
}

static bool file_has(const char *path, const char *text)
{
    FILE *f = fopen(path, "r");
    if (!f) return false;
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strstr(buf, text) != NULL;
}

static void test_new_directory_keeps_its_key_beside_it(void)
{
    char *dir = rg_t_tmpdir(), kek[600], inside[600];
    snprintf(kek, sizeof kek, "%s.kek", dir);
    snprintf(inside, sizeof inside, "%s/kek", dir);
    REQUIRE(open_close(dir, NULL, false, NULL) == 0);
    CHECK(exists(kek));
    CHECK(!exists(inside));
    struct stat st;
    CHECK(stat(kek, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK(open_close(dir, NULL, false, NULL) == 0);           /* and finds it again */
    rg_t_rmrf(dir);
    CHECK(!exists(kek));                                       /* the harness cleans it up */
    free(dir);
}

static void test_key_inside_the_directory_needs_consent(void)
{
    char *dir = rg_t_tmpdir(), key[600], sub[600], log[600];
    snprintf(key, sizeof key, "%s/kek", dir);
    snprintf(sub, sizeof sub, "%s/keys/k", dir);
    snprintf(log, sizeof log, "%s.log", dir);
    CHECK(open_close(dir, key, false, log) < 0);
    CHECK(file_has(log, "inside the data directory") && file_has(log, "--key-file-inside-data"));
    CHECK(!exists(key));
    /* Deeper down, or by another spelling of the path, is inside too. */
    char subdir[600], odd[700];
    snprintf(subdir, sizeof subdir, "%s/keys", dir);
    REQUIRE(mkdir(subdir, 0700) == 0);
    CHECK(open_close(dir, sub, false, NULL) < 0 && !exists(sub));
    snprintf(odd, sizeof odd, "%s/keys/../kek", dir);
    CHECK(open_close(dir, odd, false, NULL) < 0 && !exists(key));
    /* Said explicitly, it is the operator's choice. */
    CHECK(open_close(dir, key, true, NULL) == 0 && exists(key));
    CHECK(open_close(dir, key, true, NULL) == 0);
    unlink(log);
    rg_t_rmrf(dir);
    free(dir);
}

static void test_older_directory_is_told_to_move_its_key(void)
{
    char *dir = rg_t_tmpdir(), kek[600], old[600], log[600], cmd[2000];
    snprintf(kek, sizeof kek, "%s.kek", dir);
    snprintf(old, sizeof old, "%s/kek", dir);
    snprintf(log, sizeof log, "%s.log", dir);
    /* A directory as an older regied left it: its key at DIR/kek. */
    REQUIRE(open_close(dir, NULL, false, NULL) == 0);
    REQUIRE(rename(kek, old) == 0);
    CHECK(open_close(dir, NULL, false, log) < 0);
    snprintf(cmd, sizeof cmd, "mv %s %s", old, kek);
    CHECK(file_has(log, cmd));
    CHECK(file_has(log, "Moving the key out of the data directory"));
    CHECK(exists(old) && !exists(kek));                        /* nothing touched */
    /* Kept where it is, by the operator's word. */
    CHECK(open_close(dir, old, true, NULL) == 0);
    /* Both a copy inside and one beside: the one inside must go first. */
    snprintf(cmd, sizeof cmd, "cp -a '%s' '%s'", old, kek);
    REQUIRE(system(cmd) == 0);
    CHECK(open_close(dir, NULL, false, log) < 0 && file_has(log, "remove the one inside"));
    /* Moved as told: it serves. */
    REQUIRE(rename(old, kek) == 0);
    CHECK(open_close(dir, NULL, false, NULL) == 0);
    unlink(log);
    rg_t_rmrf(dir);
    free(dir);
}

static void test_missing_check_is_refused(void)
{
    char *dir = rg_t_tmpdir(), check[600], log[600];
    snprintf(check, sizeof check, "%s/kek.check", dir);
    snprintf(log, sizeof log, "%s.log", dir);
    /* A directory with no sealed data yet may get its check (a log built
     * by hand, as the replay benchmark does, or a first start that stopped
     * early): no key can be wrong for it. */
    REQUIRE(open_close(dir, NULL, false, NULL) == 0);
    REQUIRE(unlink(check) == 0);
    CHECK(open_close(dir, NULL, false, NULL) == 0 && exists(check));
    /* One reported case: its data key is sealed under the key. */
    rg_t_local l;
    REQUIRE(rg_t_local_open(&l, dir) == 0);
    char pol[128];
    rg_t_local_actor(&l, "pol", "partner", "police", pol);
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    rg_t_report_req(&b, pol, "rep1", "A. Person");
    CHECK(strcmp(rg_t_local_send(&l, &b, &r), "") == 0);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    rg_t_local_close(&l, false);
    REQUIRE(unlink(check) == 0);
    CHECK(open_close(dir, NULL, false, log) < 0);
    CHECK(file_has(log, "kek.check") && file_has(log, "missing"));
    CHECK(!exists(check));                                     /* no new check written */
    /* Nor with any other key. */
    char other[600];
    snprintf(other, sizeof other, "%s.other", dir);
    FILE *f = fopen(other, "w");
    REQUIRE(f);
    fputs("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", f);
    fclose(f);
    REQUIRE(chmod(other, 0600) == 0);
    CHECK(open_close(dir, other, false, NULL) < 0 && !exists(check));
    unlink(other);
    unlink(log);
    rg_t_rmrf(dir);
    free(dir);
}

static void test_key_open_to_others_is_refused(void)
{
    char *dir = rg_t_tmpdir(), kek[600], log[600];
    snprintf(kek, sizeof kek, "%s.kek", dir);
    snprintf(log, sizeof log, "%s.log", dir);
    REQUIRE(open_close(dir, NULL, false, NULL) == 0);
    REQUIRE(chmod(kek, 0644) == 0);
    CHECK(open_close(dir, NULL, false, log) < 0);
    CHECK(file_has(log, "mode 0644") && file_has(log, "chmod 600"));
    struct stat st;
    CHECK(stat(kek, &st) == 0 && (st.st_mode & 0777) == 0644);  /* left as it was */
    CHECK(!rg_kek_file_ok(kek));                               /* --check-config says so too */
    REQUIRE(chmod(kek, 0600) == 0);
    CHECK(rg_kek_file_ok(kek));
    CHECK(open_close(dir, NULL, false, NULL) == 0);
    unlink(log);
    rg_t_rmrf(dir);
    free(dir);
}

static void test_beside(void)
{
    char out[64];
    CHECK(rg_beside(out, sizeof out, "/srv/regie", ".kek") == 0 && strcmp(out, "/srv/regie.kek") == 0);
    CHECK(rg_beside(out, sizeof out, "/srv/regie//", ".kek") == 0 && strcmp(out, "/srv/regie.kek") == 0);
    CHECK(rg_beside(out, sizeof out, "data", ".kek") == 0 && strcmp(out, "data.kek") == 0);
    CHECK(rg_beside(out, sizeof out, "/", ".kek") < 0);
}

int main(void)
{
    RUN(test_new_directory_keeps_its_key_beside_it);
    RUN(test_key_inside_the_directory_needs_consent);
    RUN(test_older_directory_is_told_to_move_its_key);
    RUN(test_missing_check_is_refused);
    RUN(test_key_open_to_others_is_refused);
    RUN(test_beside);
    return rg_t_exit();
}
