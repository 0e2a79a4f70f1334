/*
 * verify_test.c - `regie verify-head` and `regie verify-proof` against a
 * real regied (issue 26 B): heads, inclusion and consistency proofs taken
 * with `regie log ... --json` check with the public key in DIR/sign.pub and
 * nothing else; an altered head, a truncated one, a foreign key, an altered
 * leaf, a path element changed, and a consistency proof against the wrong
 * old head each fail with exit status 1 and say why.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../test.h"

static rg_t_proc P;
static char *dir;
static char aud[128], pol[128];

/* Run `regie ARGS` with the auditor's token; stdout into dir/OUT, stderr
 * into dir/err.  The exit status. */
static int regie(const char *out, const char *args)
{
    const char *bin = getenv("REGIE");
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd '%s' && REGIE_URL='%s' REGIE_TOKEN='%s' '%s' %s > '%s' 2> err", dir, P.url, aud,
             bin ? bin : "bin/regie", args, out);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static bool err_says(const char *part)
{
    char path[4200], buf[4096] = "";
    snprintf(path, sizeof path, "%s/err", dir);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = 0;
    if (!strstr(buf, part)) printf("  stderr: %s\n", buf);
    return strstr(buf, part) != NULL;
}

static bool out_says(const char *name, const char *part)
{
    char path[4200], buf[4096] = "";
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = 0;
    if (!strstr(buf, part)) printf("  %s: %s\n", name, buf);
    return strstr(buf, part) != NULL;
}

static void reports(int n)
{
    static int k;
    rg_client *c;
    if (rg_client_open(&c, P.url, 10000, NULL) < 0) {
        rg_t_failed = 1;
        return;
    }
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    for (int i = 0; i < n; i++) {
        char rq[32];
        snprintf(rq, sizeof rq, "rep-%d", ++k);
        rg_buf_reset(&b);
        rg_t_report_req(&b, pol, rq, "A. Person");
        CHECK(rg_t_proc_send(&P, c, &b, &r)[0] == 0);
    }
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    rg_client_close(c);
}

static void sh(const char *cmd)
{
    char full[4200];
    snprintf(full, sizeof full, "cd '%s' && %s", dir, cmd);
    if (system(full) != 0) rg_t_failed = 1;
}

/* Copy dir/src to dir/dst with the hex digit right after the first
 * `marker` changed. */
static void flip_after(const char *src, const char *dst, const char *marker)
{
    char path[4200], buf[16384];
    snprintf(path, sizeof path, "%s/%s", dir, src);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = 0;
    char *at = strstr(buf, marker);
    if (!at) {
        rg_t_failed = 1;
        return;
    }
    at += strlen(marker);
    *at = *at == '1' ? '2' : '1';
    snprintf(path, sizeof path, "%s/%s", dir, dst);
    f = fopen(path, "w");
    if (!f || fwrite(buf, 1, n, f) != n) rg_t_failed = 1;
    if (f) fclose(f);
}

static void test_setup(void)
{
    dir = rg_t_tmpdir();
    REQUIRE(rg_t_proc_start(&P, dir, NULL) == 0);
    rg_client *c;
    REQUIRE(rg_client_open(&c, P.url, 10000, NULL) == 0);
    rg_t_proc_actor(&P, c, "aud1", "auditor", "toezicht", aud);
    rg_t_proc_actor(&P, c, "pol1", "partner", "police", pol);
    rg_client_close(c);
    REQUIRE(aud[0] && pol[0]);
}

static void test_good_heads_and_proofs(void)
{
    reports(3);
    CHECK(regie("h1.json", "log head --json") == 0);
    reports(5);
    CHECK(regie("h2.json", "log head --json") == 0);
    CHECK(regie("p.json", "log prove --seq 2 --json") == 0);
    CHECK(regie("p3.json", "log prove --seq 3 --size 3 --json") == 0);
    CHECK(regie("c.json", "log consistency --from 3 --to 8 --json") == 0);
    CHECK(regie("out", "verify-head --pub sign.pub h1.json") == 0);
    CHECK(regie("out", "verify-head --pub sign.pub h2.json") == 0);
    CHECK(regie("out", "verify-head --pub sign.pub log.heads") == 0);     /* its last line */
    CHECK(regie("out", "verify-proof --pub sign.pub p.json") == 0);
    CHECK(regie("out", "verify-proof --pub sign.pub --head h1.json p3.json") == 0);
    CHECK(regie("out", "verify-proof --pub sign.pub --old h1.json c.json") == 0);
    CHECK(regie("out", "verify-proof --pub sign.pub --old h1.json --new h2.json c.json") == 0);
}

static void test_bad_ones_fail(void)
{
    /* A head whose root was changed: its signature no longer holds. */
    flip_after("h2.json", "alt.json", "\"root\":\"");
    CHECK(regie("out", "verify-head --pub sign.pub alt.json") == 1 && err_says("signature does not match"));
    sh("head -c 70 h2.json > trunc.json");
    CHECK(regie("out", "verify-head --pub sign.pub trunc.json") == 1 && err_says("truncated"));
    CHECK(regie("out", "verify-head --pub 00000000000000000000000000000000000000000000000000000000000000ff h2.json") == 1 &&
          err_says("not by the given key"));
    flip_after("p.json", "pl.json", "\"leaf\":\"");
    CHECK(regie("out", "verify-proof --pub sign.pub pl.json") == 1 && err_says("NOT INCLUDED"));
    flip_after("p.json", "pp.json", "\"path\":[\"");
    CHECK(regie("out", "verify-proof --pub sign.pub pp.json") == 1 && err_says("NOT INCLUDED"));
    flip_after("c.json", "cp.json", "\"path\":[\"");
    CHECK(regie("out", "verify-proof --pub sign.pub --old h1.json cp.json") == 1 && err_says("NOT CONSISTENT"));
    CHECK(regie("out", "verify-proof --pub sign.pub --old h2.json c.json") == 1 && err_says("sizes 3 and 8"));
    CHECK(regie("out", "verify-proof --pub sign.pub --old alt.json c.json") == 1);
    CHECK(regie("out", "verify-head --pub sign.pub p.json") == 1 && err_says("no head"));
    CHECK(regie("out", "verify-head --pub sign.pub nothing.json") == 1);
    CHECK(regie("out", "verify-head h1.json") == 2);
    CHECK(regie("out", "verify-head --help") == 0);
}

/* An access record proved: the auditor's own read of the trail is audit
 * record 1 at least; its proof, with the record in it, checks against the
 * audit trail's head and names the record; a record changed in the proof,
 * or the log's head in place of the trail's, fails. */
static void test_audit_record(void)
{
    CHECK(regie("out", "audit read --json") == 0);
    CHECK(regie("out", "audit read --json") == 0);
    CHECK(regie("ah.json", "log head --json") == 0);
    CHECK(regie("a1.json", "log prove --audit 1 --json") == 0);
    CHECK(regie("out", "verify-proof --pub sign.pub a1.json") == 0 && out_says("out", "included: audit record 1 ("));
    CHECK(regie("out", "verify-head --pub sign.pub audit.head") == 0 && out_says("out", "audit trail head ok"));
    CHECK(regie("out", "verify-proof --pub sign.pub --head audit.head a1.json") == 0);
    /* The record's last byte is its `refused` (false): made true. */
    sh("sed 's/c2\",\"path\"/c3\",\"path\"/' a1.json > a1r.json && ! cmp -s a1.json a1r.json");
    CHECK(regie("out", "verify-proof --pub sign.pub a1r.json") == 1 && err_says("not the hash of the record"));
    flip_after("a1.json", "a1p.json", "\"path\":[\"");
    CHECK(regie("out", "verify-proof --pub sign.pub a1p.json") == 1 && err_says("NOT INCLUDED"));
    CHECK(regie("out", "verify-proof --pub sign.pub --head h2.json a1.json") == 1 && err_says("the head is the log's"));
    /* Consistency of the trail between two of its heads. */
    sh("cp audit.head ah1.json");
    CHECK(regie("out", "audit read --json") == 0);
    CHECK(regie("out", "log head --json") == 0);
    sh("cp audit.head ah2.json");
    CHECK(regie("out", "verify-head --pub sign.pub audit.heads") == 0);
    CHECK(regie("ac.json", "log consistency --audit --from $(sed 's/.*\"size\":\\([0-9]*\\).*/\\1/' ah1.json) "
                           "--to $(sed 's/.*\"size\":\\([0-9]*\\).*/\\1/' ah2.json) --json") == 0);
    CHECK(regie("out", "verify-proof --pub sign.pub --old ah1.json --new ah2.json ac.json") == 0 &&
          out_says("out", "consistent"));
    /* The log's heads with the trail's proof: refused. */
    CHECK(regie("out", "verify-proof --pub sign.pub --old h1.json --new h2.json ac.json") == 1 &&
          err_says("do not go together"));
}

static void test_stop(void)
{
    CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);
    rg_t_rmrf(dir);
    free(dir);
}

int main(void)
{
    RUN(test_setup);
    RUN(test_good_heads_and_proofs);
    RUN(test_bad_ones_fail);
    RUN(test_audit_record);
    RUN(test_stop);
    return rg_t_exit();
}
