/*
 * client_test.c - the `regie` client against the real regied: a case along
 * the whole default route and one along the re-entry route, every step a
 * `regie` command by its proper actor, the projection checked after each
 * step with `regie case get --json`; failures exit non-zero naming the
 * contract's error code; --help on every command; REGIE_TOKEN and REGIE_URL;
 * `regie tail --cursor` resuming without loss or repeat across an engine
 * SIGKILL, and following the engine across a restart by itself.
 *
 * The client runs as a child process (fork, then exec at once: nng must not
 * be touched in a forked child).  The engine runs on a manual clock so the
 * dates below stay in the future.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../test.h"

#define OUT_MAX 65536

static rg_t_proc P;
static char *dir;
static char out[OUT_MAX];
static char pol[128], ggz[128], gem[128], recl[128], anna[128], mgr[128];
static const char *const CLOCK[] = {"--clock", "manual=2026-11-23T08:00:00Z", NULL};

/* Run `regie ARGS...` with env (NULL-terminated "K=V" list, or NULL) and
 * stdin from /dev/null; stdout and stderr land in out.  Returns the exit
 * status. */
static int run(const char *const *env, const char *const *args)
{
    const char *regie = getenv("REGIE");
    if (!regie) {
        printf("  REGIE is not set\n");
        return -1;
    }
    char path[700];
    snprintf(path, sizeof path, "%s/client.out", dir);
    fflush(NULL);                     /* or the child would write our buffer again */
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(path, "w", stdout) || dup2(fileno(stdout), 2) < 0 || !freopen("/dev/null", "r", stdin))
            _exit(126);
        unsetenv("REGIE_TOKEN");
        unsetenv("REGIE_URL");
        for (const char *const *e = env; e && *e; e++) putenv((char *)*e);
        const char *argv[64];
        int n = 0;
        argv[n++] = regie;
        for (const char *const *a = args; *a && n < 63; a++) argv[n++] = *a;
        argv[n] = NULL;
        execv(regie, (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(out, 1, OUT_MAX - 1, f) : 0;
    out[n] = 0;
    if (f) fclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* regie --connect URL --token TOKEN --json ARGS... (NULL-terminated). */
static int regie(const char *token, ...)
{
    const char *args[60] = {"--connect", P.url, "--token", token, "--json"};
    int n = 5;
    va_list ap;
    va_start(ap, token);
    const char *a;
    while ((a = va_arg(ap, const char *)) && n < 59) args[n++] = a;
    va_end(ap);
    args[n] = NULL;
    return run(NULL, args);
}

#define OK(...) do { if (regie(__VA_ARGS__, (const char *)NULL) != 0 || !strstr(out, "\"ok\":true")) { \
    printf("  %s:%d: regie failed: %s\n", __FILE__, __LINE__, out); rg_t_failed = 1; return; } } while (0)
#define FAILS(code, ...) do { int rc_ = regie(__VA_ARGS__, (const char *)NULL); \
    if (rc_ == 0 || !strstr(out, code)) { \
        printf("  %s:%d: expected %s, got status %d: %s\n", __FILE__, __LINE__, code, rc_, out); \
        rg_t_failed = 1; } } while (0)

/* The value of "key":"..." in out, into buf. */
static const char *json_str(const char *key, char *buf, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(out, pat);
    buf[0] = 0;
    if (!p) return buf;
    p += strlen(pat);
    size_t i = 0;
    while (p[i] && p[i] != '"' && i + 1 < cap) {
        buf[i] = p[i];
        i++;
    }
    buf[i] = 0;
    return buf;
}

static bool state_is(const char *token, const char *case_id, const char *state)
{
    char got[32];
    if (regie(token, "case", "get", "--case", case_id, (const char *)NULL) != 0) {
        printf("  case get %s: %s\n", case_id, out);
        return false;
    }
    if (strcmp(json_str("state", got, sizeof got), state) == 0) return true;
    printf("  %s is in state '%s', expected %s\n", case_id, got, state);
    return false;
}

static void token_of(const char *id, const char *role, const char *org, char *tok)
{
    tok[0] = 0;
    if (regie(P.admin, "actor", "create", "--id", id, "--role", role, "--org", org, (const char *)NULL) == 0)
        json_str("token", tok, 128);
}

static void test_setup(void)
{
    dir = rg_t_tmpdir();
    REQUIRE(rg_t_proc_start(&P, dir, CLOCK) == 0);
    token_of("pol1", "partner", "police", pol);
    token_of("ggz1", "partner", "ggz", ggz);
    token_of("gem1", "partner", "gemeente", gem);
    token_of("recl1", "partner", "reclassering", recl);
    token_of("anna", "procesregisseur", "zvh", anna);
    token_of("mgr1", "manager", "zvh", mgr);
    REQUIRE(pol[0] && ggz[0] && gem[0] && recl[0] && anna[0] && mgr[0]);
}

static void test_default_route(void)
{
    char c[32];
    OK(pol, "case", "report", "--target-group", "verward-gedrag", "--urgency", "high", "--summary",
       "repeated incidents", "--informed", "--subject", "name=J. de Vries", "--subject",
       "birth_date=1988-04-02");
    REQUIRE(json_str("case", c, sizeof c)[0]);
    CHECK(state_is(pol, c, "reported"));
    OK(anna, "case", "assign", "--case", c, "--procesregisseur", "anna");
    OK(anna, "intake", "start", "--case", c);
    CHECK(state_is(anna, c, "intake"));
    OK(anna, "intake", "decide", "--case", c, "--admit", "--reason", "several life domains");
    CHECK(state_is(anna, c, "analysis"));
    OK(anna, "partner", "join", "--case", c, "--org", "gemeente");
    OK(anna, "info", "request", "--case", c, "--org", "ggz", "--question", "treatment history?", "--due",
       "2026-12-10");
    OK(ggz, "info", "provide", "--case", c, "--request", "R1", "--answer", "known since 2021");
    CHECK(state_is(ggz, c, "analysis"));
    OK(anna, "meeting", "schedule", "--case", c, "--at", "2026-12-08T10:00:00+01:00", "--orgs",
       "police,ggz,gemeente");
    CHECK(state_is(anna, c, "meeting"));
    OK(anna, "meeting", "hold", "--case", c, "--attendees", "police,ggz,gemeente", "--conclusions",
       "a joint approach");
    CHECK(state_is(anna, c, "planning"));
    OK(anna, "plan", "propose", "--case", c, "--goals", "treatment and housing", "--action",
       "id=a1,owner_org=ggz,description=start treatment,due=2027-01-15", "--action",
       "id=a2,owner_org=gemeente,description=find housing,due=2027-02-01");
    OK(ggz, "plan", "agree", "--case", c);
    CHECK(state_is(anna, c, "planning"));                  /* gemeente has not agreed yet */
    OK(gem, "plan", "agree", "--case", c);
    CHECK(state_is(gem, c, "execution"));
    OK(anna, "case", "escalate", "--case", c, "--level", "1", "--reason", "no housing offer");
    OK(mgr, "escalation", "resolve", "--case", c, "--decision", "priority housing");
    OK(ggz, "action", "complete", "--case", c, "--action", "a1", "--result", "treatment started");
    FAILS("guard_failed", anna, "case", "close", "--case", c, "--reason", "done");   /* a2 is open */
    OK(gem, "action", "complete", "--case", c, "--action", "a2", "--result", "apartment found");
    OK(anna, "review", "hold", "--case", c, "--notes", "both done");
    OK(anna, "case", "close", "--case", c, "--reason", "goals met");
    CHECK(state_is(anna, c, "closed"));
    OK(anna, "case", "reopen", "--case", c, "--reason", "relapse");
    CHECK(state_is(anna, c, "analysis"));
    /* The history as the police may see it holds the whole route. */
    OK(pol, "case", "history", "--case", c);
    CHECK(strstr(out, "plan.agreed") && strstr(out, "case.closed") && strstr(out, "case.reopened"));
}

static void test_reentry_route(void)
{
    char c[32];
    OK(recl, "case", "report", "--target-group", "ex-gedetineerde", "--urgency", "high", "--summary",
       "release in March", "--informed", "--route", "re-entry", "--release-date", "2027-03-01",
       "--subject", "name=M. Jansen");
    REQUIRE(json_str("case", c, sizeof c)[0]);
    OK(anna, "case", "get", "--case", c);
    CHECK(strstr(out, "\"route\":\"re-entry\"") && strstr(out, "plan.before_release"));
    OK(anna, "case", "assign", "--case", c, "--procesregisseur", "anna");
    OK(anna, "intake", "start", "--case", c);
    OK(anna, "intake", "decide", "--case", c, "--admit", "--reason", "high risk on return");
    FAILS("guard_failed", anna, "meeting", "schedule", "--case", c, "--at", "2027-03-05T10:00:00+01:00",
          "--orgs", "reclassering");                          /* after release */
    OK(anna, "meeting", "schedule", "--case", c, "--at", "2027-02-20T10:00:00+01:00", "--orgs",
       "reclassering");
    OK(anna, "meeting", "hold", "--case", c, "--attendees", "reclassering", "--conclusions", "housing first");
    OK(anna, "plan", "propose", "--case", c, "--goals", "a home on release", "--action",
       "id=h1,owner_org=reclassering,description=arrange housing,due=2027-02-25");
    OK(recl, "plan", "agree", "--case", c);
    CHECK(state_is(recl, c, "execution"));
    OK(recl, "action", "complete", "--case", c, "--action", "h1", "--result", "housing arranged");
    OK(anna, "case", "close", "--case", c, "--reason", "released into housing");
    OK(anna, "aftercare", "check", "--case", c, "--outcome", "stable");
    CHECK(state_is(anna, c, "archived"));
}

static void test_errors_exit_nonzero_with_the_code(void)
{
    char c[32];
    OK(pol, "case", "report", "--target-group", "overlast", "--urgency", "normal", "--summary", "noise",
       "--exemption", "ongoing investigation", "--subject", "name=K. Bakker");
    json_str("case", c, sizeof c);
    FAILS("invalid_transition", anna, "meeting", "hold", "--case", c, "--attendees", "police",
          "--conclusions", "x");
    FAILS("forbidden", ggz, "case", "get", "--case", c);     /* ggz takes no part */
    FAILS("forbidden", pol, "intake", "start", "--case", c);
    FAILS("not_found", anna, "case", "get", "--case", "ZVH-99999999");
    FAILS("unauthorized", "not-a-token", "case", "get", "--case", c);
    /* A required flag missing is refused before anything is sent. */
    FAILS("needs --reason", anna, "intake", "decide", "--case", c, "--admit");
    /* No token at all. */
    const char *args[] = {"--connect", P.url, "case", "get", "--case", c, NULL};
    CHECK(run(NULL, args) != 0 && strstr(out, "token"));
    /* No engine there: a clear error, not a hang. */
    char nowhere[700];
    snprintf(nowhere, sizeof nowhere, "ipc://%s/nobody.ipc", dir);
    const char *args2[] = {"--connect", nowhere, "--token", anna, "--timeout", "2000", "stats", NULL};
    CHECK(run(NULL, args2) != 0 && out[0]);
}

static void test_help_on_every_command(void)
{
    const char *args[] = {"--help", NULL};
    REQUIRE(run(NULL, args) == 0);
    /* The command list: lines "  word word   (roles)" or "  tail   ..." */
    char list[OUT_MAX];
    snprintf(list, sizeof list, "%s", out);
    int n = 0, bad = 0;
    char *save = NULL;
    bool in_commands = false;
    for (char *line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "commands:", 9) == 0) {
            in_commands = true;
            continue;
        }
        if (!in_commands || strncmp(line, "  ", 2) != 0) continue;
        char w1[32] = "", w2[32] = "";
        int k = sscanf(line, " %31s %31s", w1, w2);
        if (k < 1) continue;
        const char *cmd[] = {w1, w2[0] && w2[0] != '(' && strcmp(w1, "tail") && strcmp(w1, "alerts") &&
                                     strcmp(w1, "stats") ? w2 : "--help", "--help", NULL};
        if (strcmp(cmd[1], "--help") == 0) cmd[2] = NULL;
        int rc = run(NULL, cmd);
        if (rc != 0 || !strstr(out, "regie")) {
            printf("  regie %s %s --help: status %d: %.200s\n", w1, cmd[1], rc, out);
            bad++;
        }
        n++;
    }
    CHECK(n >= 30);
    CHECK(bad == 0);
}

static void test_token_and_url_from_the_environment(void)
{
    char tok_env[200], url_env[700];
    snprintf(tok_env, sizeof tok_env, "REGIE_TOKEN=%s", mgr);
    snprintf(url_env, sizeof url_env, "REGIE_URL=%s", P.url);
    const char *env[] = {tok_env, url_env, NULL};
    const char *args[] = {"--json", "stats", NULL};
    CHECK(run(env, args) == 0 && strstr(out, "\"ok\":true") && strstr(out, "\"cases\""));
}

/* ---- regie tail ---- */

/* The seqs tail printed (one JSON object per line), appended to seqs. */
static int collect_seqs(uint64_t *seqs, int n, int cap)
{
    for (const char *p = out; (p = strstr(p, "\"seq\":")) && n < cap; p++)
        seqs[n++] = strtoull(p + 6, NULL, 10);
    return n;
}

static int feed_count(const char *token)
{
    if (regie(token, "feed", "read", "--after", "0", "--limit", "1000", (const char *)NULL) != 0) return -1;
    int n = 0;
    for (const char *p = out; (p = strstr(p, "\"seq\":")); p++) n++;
    return n;
}

static void test_tail_resumes_from_its_cursor(void)
{
    char cursor[700];
    snprintf(cursor, sizeof cursor, "%s/gem.cursor", dir);
    uint64_t seqs[512];
    int n = 0;
    const char *tail[] = {"--connect", P.url, "--token", gem, "tail", "--json", "--cursor", cursor,
                          "--exit-when-idle", NULL};
    REQUIRE(run(NULL, tail) == 0);
    n = collect_seqs(seqs, n, 512);
    int visible = feed_count(gem);
    CHECK(n > 0 && n == visible);
    /* New events in gemeente's case, then a SIGKILL of the engine. */
    char c[32];
    OK(pol, "case", "report", "--target-group", "overlast", "--urgency", "normal", "--summary", "again",
       "--informed", "--subject", "name=L. Visser");
    json_str("case", c, sizeof c);
    OK(anna, "case", "assign", "--case", c, "--procesregisseur", "anna");
    OK(anna, "intake", "start", "--case", c);
    OK(anna, "intake", "decide", "--case", c, "--admit", "--reason", "several domains");
    OK(anna, "partner", "join", "--case", c, "--org", "gemeente");
    CHECK(rg_t_proc_stop(&P, SIGKILL) == 128 + SIGKILL);
    REQUIRE(rg_t_proc_start(&P, dir, CLOCK) == 0);
    OK(anna, "info", "request", "--case", c, "--org", "gemeente", "--question", "housing?");
    REQUIRE(run(NULL, tail) == 0);
    n = collect_seqs(seqs, n, 512);
    visible = feed_count(gem);
    CHECK(n == visible);                                  /* nothing lost, nothing twice */
    int bad = 0;
    for (int i = 1; i < n; i++) bad += seqs[i] <= seqs[i - 1];
    CHECK(bad == 0);
    /* Nothing new: a third run prints nothing. */
    REQUIRE(run(NULL, tail) == 0);
    CHECK(strstr(out, "\"seq\":") == NULL);
}

/* tail without --exit-when-idle keeps following, across an engine restart. */
static void test_tail_follows_across_a_restart(void)
{
    const char *regie_bin = getenv("REGIE");
    REQUIRE(regie_bin);
    char path[700], cursor[700];
    snprintf(path, sizeof path, "%s/follow.out", dir);
    snprintf(cursor, sizeof cursor, "%s/mgr.cursor", dir);
    /* Start at the head: only what comes next is printed. */
    const char *head[] = {"--connect", P.url, "--token", mgr, "tail", "--json", "--cursor", cursor,
                          "--exit-when-idle", NULL};
    REQUIRE(run(NULL, head) == 0);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(path, "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(126);
        execl(regie_bin, regie_bin, "--connect", P.url, "--token", mgr, "tail", "--json", "--cursor", cursor,
              "--wait", "500", (char *)NULL);
        _exit(127);
    }
    CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);
    REQUIRE(rg_t_proc_start(&P, dir, CLOCK) == 0);
    char c[32];
    OK(pol, "case", "report", "--target-group", "overlast", "--urgency", "normal", "--summary",
       "after the restart", "--informed", "--subject", "name=P. Smit");
    json_str("case", c, sizeof c);
    bool seen = false;
    for (int i = 0; i < 400 && !seen; i++) {
        FILE *f = fopen(path, "r");
        if (f) {
            size_t n = fread(out, 1, OUT_MAX - 1, f);
            out[n] = 0;
            fclose(f);
            seen = strstr(out, c) != NULL;
        }
        if (!seen) usleep(50000);
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    CHECK(seen);
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
    RUN(test_default_route);
    RUN(test_reentry_route);
    RUN(test_errors_exit_nonzero_with_the_code);
    RUN(test_help_on_every_command);
    RUN(test_token_and_url_from_the_environment);
    RUN(test_tail_resumes_from_its_cursor);
    RUN(test_tail_follows_across_a_restart);
    RUN(test_stop);
    return rg_t_exit();
}
