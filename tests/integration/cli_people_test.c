/*
 * cli_people_test.c - `regie` as a procesregisseur at a terminal uses it,
 * against a real regied on a manual clock (2026-04-20 10:00 in Amsterdam):
 *
 *   - times in local time: a date given as due (30 April) shows as
 *     "2026-04-30, end of day" in Europe/Amsterdam (TZ unset or set to it), as
 *     "2026-04-30 22:00" under TZ=UTC and "2026-04-30 18:00" under a POSIX
 *     TZ for New York; --json carries ISO 8601 with the offset; no raw
 *     milliseconds anywhere in human output; a local time typed without an
 *     offset reaches the engine with the offset of that day (summer, winter);
 *   - request ids: a command run again after its reply came is done again
 *     (a second case); run again after a reply that never came, within ten
 *     minutes, it is the same request (the same case, nothing done twice);
 *     --new is always another; a command that times out says so, names the
 *     URL and exits 3;
 *   - whoami: the token accepted, or refused with what to do;
 *   - cases list --mine: the caller's own cases, not the ones offered for
 *     triage, with urgency, target group and age columns; --json rows;
 *   - help: every command `regie --help` lists has a description, who may use
 *     it, its flags with the allowed words of every enumerated field (from
 *     the contract table itself) and "(required)" on every required one, and
 *     an example that the client accepts as typed (--dry-run);
 *   - errors that say what to do: unauthorized, "an admin", a wrong port;
 *     --admit, --admit=false, --reject, --no-admit; `\,` in a comma list.
 *
 * The client runs as a child (posix_spawn), its state file
 * (XDG_STATE_HOME) in the test's directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "../test.h"
#include "../../engine/domain/contract.h"
#include "../../engine/domain/schema.h"

extern char **environ;

#define OUT_MAX (1 << 20)

static rg_t_proc P;
static char *dir;
static char OUT[OUT_MAX], ERR[OUT_MAX];
static int RC;
static char pol[128], anna[128], bert[128], mgr[128];
static char state_env[700];
static const char *CLOCK[] = {"--clock", "manual=2026-04-20T08:00:00Z", NULL};

/* ================= running the client ================= */

static int read_file(const char *path, char *buf, size_t cap)
{
    buf[0] = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    size_t n = 0;
    ssize_t r;
    while (n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) != 0) {
        if (r < 0) {
            if (errno == EINTR) continue;
            break;
        }
        n += (size_t)r;
    }
    buf[n] = 0;
    close(fd);
    return (int)n;
}

static bool dropped(const char *e)
{
    static const char *const names[] = {"REGIE_TOKEN=", "REGIE_URL=", "TZ=", "XDG_STATE_HOME=", NULL};
    for (const char *const *n = names; *n; n++)
        if (strncmp(e, *n, strlen(*n)) == 0) return true;
    return false;
}

/* Ours without REGIE_TOKEN, REGIE_URL, TZ and XDG_STATE_HOME; the state
 * file in the test's directory; then env ("K=V", NULL-terminated, or NULL). */
static int run_env(const char *const *env, const char *const *args)
{
    char op[700], ep[700];
    snprintf(op, sizeof op, "%s/cli.out", dir);
    snprintf(ep, sizeof ep, "%s/cli.err", dir);
    size_t n = 0, k = 0, extra = 0;
    while (environ[n]) n++;
    while (env && env[extra]) extra++;
    char **envp = calloc(n + extra + 2, sizeof *envp);
    for (size_t i = 0; i < n; i++)
        if (!dropped(environ[i])) envp[k++] = environ[i];
    envp[k++] = state_env;
    for (size_t i = 0; i < extra; i++) envp[k++] = (char *)env[i];
    const char *regie = getenv("REGIE");
    const char *argv[96];
    int a = 0;
    argv[a++] = regie ? regie : "bin/regie";
    for (const char *const *p = args; *p && a < 95; p++) argv[a++] = *p;
    argv[a] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, op, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, ep, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    free(envp);
    if (rc != 0) {
        printf("  cannot start %s: %s\n", argv[0], strerror(rc));
        RC = -1;
    } else {
        RC = rg_t_wait_exit(pid, 120);
    }
    read_file(op, OUT, sizeof OUT);
    read_file(ep, ERR, sizeof ERR);
    return RC;
}

/* regie --connect URL --token TOKEN ARGS... (NULL-terminated), under env. */
static int regie_env(const char *const *env, const char *token, ...)
{
    const char *args[90] = {"--connect", P.url, "--token", token};
    int n = 4;
    va_list ap;
    va_start(ap, token);
    const char *a;
    while ((a = va_arg(ap, const char *)) && n < 89) args[n++] = a;
    va_end(ap);
    args[n] = NULL;
    return run_env(env, args);
}
#define regie(...) regie_env(NULL, __VA_ARGS__, (const char *)NULL)
#define regie_tz(env, ...) regie_env(env, __VA_ARGS__, (const char *)NULL)

static void show(const char *what, int line)
{
    printf("  %s:%d: %s: status %d\n    stdout: %.800s\n    stderr: %.600s\n", __FILE__, line, what, RC, OUT, ERR);
}

#define OK(...) do { if (regie(__VA_ARGS__) != 0) { show("regie failed", __LINE__); rg_t_failed = 1; return; } } \
    while (0)

/* The string value of "key":"..." in a JSON line (the first), or "". */
static const char *json_str(const char *json, const char *key)
{
    static char v[256];
    char pat[80];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(json, pat);
    v[0] = 0;
    if (!p) return v;
    p += strlen(pat);
    size_t k = 0;
    while (*p && *p != '"' && k + 1 < sizeof v) v[k++] = *p++;
    v[k] = 0;
    return v;
}

/* A run of 12 or more digits: milliseconds since the epoch shown as such. */
static bool raw_ms_in(const char *text)
{
    int run = 0;
    for (const char *p = text; *p; p++) {
        run = *p >= '0' && *p <= '9' ? run + 1 : 0;
        if (run >= 12) return true;
    }
    return false;
}

static void token_of(const char *id, const char *role, const char *org, char *tok)
{
    tok[0] = 0;
    if (regie(P.admin, "--json", "actor", "create", "--id", id, "--role", role, "--org", org) == 0)
        snprintf(tok, 128, "%s", json_str(OUT, "token"));
    else
        show("actor create", __LINE__);
}

/* How many lines of text hold s. */
static int lines_with(const char *text, const char *s)
{
    int n = 0;
    const char *p = text;
    while ((p = strstr(p, s))) {
        n++;
        p = strchr(p, '\n');
        if (!p) break;
    }
    return n;
}

/* ================= tests ================= */

static void test_setup(void)
{
    dir = rg_t_tmpdir();
    snprintf(state_env, sizeof state_env, "XDG_STATE_HOME=%s/state", dir);
    REQUIRE(rg_t_proc_start(&P, dir, CLOCK) == 0);
    token_of("pol1", "partner", "police", pol);
    token_of("anna", "procesregisseur", "zvh", anna);
    token_of("bert", "procesregisseur", "zvh", bert);
    token_of("mgr1", "manager", "zvh", mgr);
    REQUIRE(pol[0] && anna[0] && bert[0] && mgr[0]);
}

static char CASE_L[32];    /* anna's case with an information request due 30 April */

static void test_local_time(void)
{
    OK(pol, "--json", "case", "report", "--target-group", "verward_gedrag", "--urgency", "high", "--summary",
       "local time", "--informed", "--subject", "name=L. Tijd");
    snprintf(CASE_L, sizeof CASE_L, "%s", json_str(OUT, "case"));
    REQUIRE(CASE_L[0]);
    /* The event's time in --json: ISO 8601 with Amsterdam's summer offset. */
    CHECK(strstr(OUT, "\"at\":\"2026-04-20T10:00:00+02:00\""));
    OK(anna, "case", "assign", "--case", CASE_L, "--procesregisseur", "anna");
    OK(anna, "intake", "start", "--case", CASE_L);
    OK(anna, "intake", "decide", "--case", CASE_L, "--admit", "--reason", "several domains", "--criteria",
       "multi_domain");
    OK(anna, "info", "request", "--case", CASE_L, "--org", "police", "--question", "incidents?", "--due",
       "2026-04-30");

    /* For people: the end of 30 April, as the day itself; times local. */
    const char *ams[] = {"TZ=Europe/Amsterdam", NULL};
    REQUIRE(regie_tz(ams, anna, "case", "get", "--case", CASE_L) == 0);
    CHECK(strstr(OUT, "due: 2026-04-30, end of day\n"));
    CHECK(strstr(OUT, "created_at: 2026-04-20 10:00\n"));
    CHECK(!strstr(OUT, "T22:00:00Z") && !raw_ms_in(OUT));
    if (raw_ms_in(OUT) || !strstr(OUT, "due: 2026-04-30, end of day\n")) show("case get", __LINE__);
    /* The same without TZ: Europe/Amsterdam is the default. */
    REQUIRE(regie(anna, "case", "get", "--case", CASE_L) == 0);
    CHECK(strstr(OUT, "due: 2026-04-30, end of day\n") && !raw_ms_in(OUT));
    /* --json: the instant with its offset, faithful to the millisecond. */
    REQUIRE(regie_tz(ams, anna, "--json", "case", "get", "--case", CASE_L) == 0);
    CHECK(strstr(OUT, "\"due\":\"2026-05-01T00:00:00+02:00\""));
    CHECK(strstr(OUT, "\"created_at\":\"2026-04-20T10:00:00+02:00\""));
    CHECK(strstr(OUT, "\"due\":\"2026-04-30\""));            /* the request's date, as given */

    /* TZ=UTC and a POSIX TZ with its own DST rule (no tz database needed). */
    const char *utc[] = {"TZ=UTC", NULL};
    REQUIRE(regie_tz(utc, anna, "case", "get", "--case", CASE_L) == 0);
    CHECK(strstr(OUT, "due: 2026-04-30 22:00\n") && strstr(OUT, "created_at: 2026-04-20 08:00\n"));
    REQUIRE(regie_tz(utc, anna, "--json", "case", "get", "--case", CASE_L) == 0);
    CHECK(strstr(OUT, "\"due\":\"2026-04-30T22:00:00+00:00\""));
    const char *ny[] = {"TZ=EST5EDT,M3.2.0,M11.1.0", NULL};
    REQUIRE(regie_tz(ny, anna, "case", "get", "--case", CASE_L) == 0);
    CHECK(strstr(OUT, "due: 2026-04-30 18:00\n") && strstr(OUT, "created_at: 2026-04-20 04:00\n"));
    REQUIRE(regie_tz(ny, anna, "--json", "case", "get", "--case", CASE_L) == 0);
    CHECK(strstr(OUT, "\"due\":\"2026-04-30T18:00:00-04:00\""));

    /* A local time typed without an offset gets the offset of its day. */
    OK(anna, "meeting", "schedule", "--case", CASE_L, "--at", "2026-04-28 10:00", "--orgs", "police");
    REQUIRE(regie(anna, "--json", "case", "get", "--case", CASE_L) == 0);
    CHECK(strstr(OUT, "\"at\":\"2026-04-28T10:00:00+02:00\""));
    REQUIRE(regie(anna, "case", "get", "--case", CASE_L) == 0);
    CHECK(strstr(OUT, "at: 2026-04-28 10:00\n"));
    OK(anna, "info", "request", "--case", CASE_L, "--org", "police", "--question", "winter?", "--due",
       "2026-12-01T09:30");
    REQUIRE(regie(anna, "--json", "case", "get", "--case", CASE_L) == 0);
    CHECK(strstr(OUT, "\"due\":\"2026-12-01T09:30:00+01:00\""));
    /* --dry-run shows what would be sent. */
    REQUIRE(regie(anna, "--dry-run", "meeting", "schedule", "--case", CASE_L, "--at", "2026-11-02 10:00",
                  "--orgs", "police") == 0);
    CHECK(strstr(OUT, "\"at\":\"2026-11-02T10:00:00+01:00\"") && !strstr(OUT, anna));

    /* The history, the stats (durations) and tail: local, never raw ms. */
    REQUIRE(regie(anna, "case", "history", "--case", CASE_L) == 0);
    CHECK(strstr(OUT, "at: 2026-04-20 10:00\n") && !raw_ms_in(OUT));
    CHECK(strstr(OUT, "intake.decision: "));                 /* the norms an event set, as times */
    REQUIRE(regie(mgr, "stats") == 0);
    CHECK(!raw_ms_in(OUT) && strstr(OUT, "median: "));
    REQUIRE(regie(anna, "tail", "--exit-when-idle", "--wait", "100") == 0);
    CHECK(strstr(OUT, "2026-04-20 10:00") && !strstr(OUT, "T08:00:00Z"));
    /* A clock moved on shows its new time in local time too. */
    REQUIRE(regie(P.admin, "clock", "advance", "--ms", "3600000") == 0);
    CHECK(strstr(OUT, "now: 2026-04-20 11:00\n"));
}

/* How many cases with this summary the manager sees. */
static int cases_with(const char *summary)
{
    if (regie(mgr, "--json", "cases", "list", "--limit", "500") != 0) return -1;
    static char ids[OUT_MAX];
    snprintf(ids, sizeof ids, "%s", OUT);
    int n = 0;
    for (const char *p = ids; (p = strstr(p, "\"id\":\"")); p += 6) {
        char id[32];
        snprintf(id, sizeof id, "%.*s", (int)strcspn(p + 6, "\""), p + 6);
        if (regie(mgr, "--json", "case", "get", "--case", id) == 0 && strcmp(json_str(OUT, "summary"), summary) == 0)
            n++;
    }
    return n;
}

/* The state of the command run last (the last line of the request-id state
 * file): set as if its reply never came (seq 0), sent `ago` seconds ago. */
static void last_run_unanswered(long ago)
{
    char path[900], line[256], lines[64][256];
    snprintf(path, sizeof path, "%s/state/regie/requests", dir);
    FILE *f = fopen(path, "r");
    int n = 0;
    while (f && n < 64 && fgets(line, sizeof line, f)) snprintf(lines[n++], sizeof lines[0], "%s", line);
    if (f) fclose(f);
    REQUIRE(n > 1);
    char key[80];
    unsigned long long gen = 0, seq = 0, at = 0;
    REQUIRE(sscanf(lines[n - 1], "%79s %llu %llu %llu", key, &gen, &seq, &at) == 4 && seq > 0);
    snprintf(lines[n - 1], sizeof lines[0], "%s %llu 0 %llu\n", key, gen, (unsigned long long)time(NULL) - ago);
    f = fopen(path, "w");
    REQUIRE(f);
    for (int i = 0; i < n; i++) fputs(lines[i], f);
    fclose(f);
}

/* Issue 21, finding 11: a retry after a lost reply is not recorded twice;
 * the same command typed again after its reply came is (regie(1), "Request
 * ids"). */
static void test_retry_is_idempotent(void)
{
    const char *report[] = {"--connect", P.url, "--token", pol, "--json", "-v", "case", "report", "--target-group",
                            "overig", "--urgency", "normal", "--summary", "retried", "--informed", "--subject",
                            "name=R. Retry", NULL};
    REQUIRE(run_env(NULL, report) == 0);
    char first[32], second[32], req2[64];
    snprintf(first, sizeof first, "%s", json_str(OUT, "case"));
    REQUIRE(first[0] && strstr(ERR, "request id cli-"));
    CHECK(cases_with("retried") == 1);
    /* Typed again, its reply having come: done again, a second case. */
    REQUIRE(run_env(NULL, report) == 0);
    snprintf(second, sizeof second, "%s", json_str(OUT, "case"));
    CHECK(second[0] && strcmp(second, first) != 0);
    CHECK(strstr(ERR, "this one is done again"));
    const char *r = strstr(ERR, "request id cli-");
    snprintf(req2, sizeof req2, "%.28s", r ? r + 11 : "");
    CHECK(cases_with("retried") == 2);

    /* A reply that never came (a timeout, a lost connection: the state has
     * the run without its reply), a minute ago: run again, it is a retry,
     * the same request, answered with the first reply; nothing done twice. */
    last_run_unanswered(60);
    REQUIRE(run_env(NULL, report) == 0);
    CHECK(strcmp(json_str(OUT, "case"), second) == 0 && strstr(ERR, req2) && strstr(ERR, "a retry"));
    CHECK(cases_with("retried") == 2);
    /* ... but an unanswered run of an hour ago is no retry any more. */
    last_run_unanswered(3600);
    REQUIRE(run_env(NULL, report) == 0);
    CHECK(strcmp(json_str(OUT, "case"), second) != 0 && !strstr(ERR, req2));
    CHECK(cases_with("retried") == 3);

    /* --new: always another request. */
    const char *again[] = {"--connect", P.url, "--token", pol, "--json", "--new", "case", "report", "--target-group",
                           "overig", "--urgency", "normal", "--summary", "retried", "--informed", "--subject",
                           "name=R. Retry", NULL};
    REQUIRE(run_env(NULL, again) == 0);
    CHECK(cases_with("retried") == 4);

    /* Another actor's same command is its own request. */
    char pol2[128];
    token_of("pol2", "partner", "police", pol2);
    const char *other[] = {"--connect", P.url, "--token", pol2, "--json", "case", "report", "--target-group",
                           "overig", "--urgency", "normal", "--summary", "retried", "--informed", "--subject",
                           "name=R. Retry", NULL};
    REQUIRE(run_env(NULL, other) == 0);
    CHECK(strcmp(json_str(OUT, "case"), first) && strcmp(json_str(OUT, "case"), second));
    CHECK(cases_with("retried") == 5);

    /* Something at the address that never answers (another service, a
     * hung engine): a bounded wait, an error naming the URL, exit 3.  (Not a
     * stopped regied on ipc://: nng 1.5.2's ipc listener breaks on a peer
     * that leaves during the handshake, nanomsg/nng#1518.) */
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    REQUIRE(l >= 0 && bind(l, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(l, 8) == 0 &&
            getsockname(l, (struct sockaddr *)&sa, &sl) == 0);
    char url[64];
    snprintf(url, sizeof url, "tcp://127.0.0.1:%d", ntohs(sa.sin_port));
    const char *slow[] = {"--connect", url, "--token", pol, "--timeout", "1000", "case", "report",
                          "--target-group", "overig", "--urgency", "low", "--summary", "stalled", "--informed",
                          "--subject", "name=S. Stall", NULL};
    time_t t0 = time(NULL);
    CHECK(run_env(NULL, slow) == 3);
    CHECK(time(NULL) - t0 < 30);
    CHECK(strstr(ERR, "cannot reach") && strstr(ERR, url) && strstr(ERR, "--connect") && strstr(ERR, "hint:"));
    close(l);
}

static void test_whoami(void)
{
    /* The engine's whoami: who the token is. */
    REQUIRE(regie(anna, "whoami") == 0);
    CHECK(strstr(OUT, "anna") && strstr(OUT, "procesregisseur") && strstr(OUT, "zvh"));
    REQUIRE(regie(anna, "--json", "whoami") == 0);
    CHECK(strstr(OUT, "\"ok\":true") && strstr(OUT, "\"id\":\"anna\"") && strstr(OUT, "\"role\":\"procesregisseur\""));
    CHECK(regie("rgt_not-a-token", "whoami") == 1);
    CHECK(strstr(ERR, "error: unauthorized") && strstr(ERR, "not accepted") && strstr(ERR, "REGIE_TOKEN") &&
          strstr(ERR, "admin"));
    const char *help[] = {"whoami", "--help", NULL};
    CHECK(run_env(NULL, help) == 0 && strncmp(OUT, "regie whoami", 12) == 0 && strstr(OUT, "example:"));
}

static void test_mine(void)
{
    /* A: anna's; B: bert's; C: nobody's yet (anna sees it for triage). */
    char a[32], b[32], c[32];
    OK(pol, "--json", "case", "report", "--target-group", "huiselijk_geweld", "--urgency", "high", "--summary", "mine A",
       "--informed", "--subject", "name=A");
    snprintf(a, sizeof a, "%s", json_str(OUT, "case"));
    OK(pol, "--json", "case", "report", "--target-group", "overig", "--urgency", "low", "--summary", "mine B",
       "--informed", "--subject", "name=B");
    snprintf(b, sizeof b, "%s", json_str(OUT, "case"));
    OK(pol, "--json", "case", "report", "--target-group", "jeugd_criminaliteit", "--urgency", "normal", "--summary", "mine C",
       "--informed", "--subject", "name=C");
    snprintf(c, sizeof c, "%s", json_str(OUT, "case"));
    REQUIRE(a[0] && b[0] && c[0]);
    OK(anna, "case", "assign", "--case", a, "--procesregisseur", "anna");
    OK(bert, "case", "assign", "--case", b, "--procesregisseur", "bert");

    /* Everything anna sees: her cases and the unassigned ones. */
    REQUIRE(regie(anna, "cases", "list") == 0);
    CHECK(strstr(OUT, a) && strstr(OUT, c) && !strstr(OUT, b) && strstr(OUT, "(unassigned)"));
    /* --mine: hers only, with urgency, target group and age. */
    REQUIRE(regie(anna, "cases", "list", "--mine") == 0);
    CHECK(strstr(OUT, a) && !strstr(OUT, b) && !strstr(OUT, c) && strstr(OUT, CASE_L));
    CHECK(strstr(OUT, "URGENCY") && strstr(OUT, "TARGET GROUP") && strstr(OUT, "AGE") && strstr(OUT, "STATE"));
    CHECK(lines_with(OUT, a) == 1 && strstr(OUT, "huiselijk_geweld") && strstr(OUT, "high"));
    {
        /* Its age by the engine's clock (issue 21, finding 10): reported just
         * now on a manual clock months from this machine's, it is 0m old. */
        const char *row = strstr(OUT, a);
        const char *eol = row ? strchr(row, '\n') : NULL;
        char line[256] = "";
        if (row) snprintf(line, sizeof line, "%.*s", (int)(eol ? eol - row : (long)strlen(row)), row);
        CHECK(strstr(line, " 0m "));
        if (!strstr(line, " 0m ")) printf("  the row: %s\n", line);
    }
    CHECK(!raw_ms_in(OUT));
    if (!strstr(OUT, a) || strstr(OUT, c)) show("cases list --mine", __LINE__);
    REQUIRE(regie(bert, "cases", "list", "--mine") == 0);
    CHECK(strstr(OUT, b) && !strstr(OUT, a) && !strstr(OUT, c));
    /* --json: the rows, times with offsets; --state and --limit apply. */
    REQUIRE(regie(anna, "--json", "cases", "list", "--mine") == 0);
    CHECK(strstr(OUT, "\"ok\":true") && strstr(OUT, a) && !strstr(OUT, c) && strstr(OUT, "\"urgency\":\"high\""));
    CHECK(strstr(OUT, "\"created_at\":\"2026-04-20T"));
    REQUIRE(regie(anna, "--json", "cases", "list", "--mine", "--limit", "1") == 0);
    CHECK(lines_with(OUT, "\"id\"") == 1 && strstr(OUT, "\"next\":\""));
    REQUIRE(regie(anna, "--json", "cases", "list", "--mine", "--state", "reported") == 0);
    CHECK(strstr(OUT, a) && !strstr(OUT, CASE_L));
}

/* Every command's help: what it does, who may, its flags with their
 * allowed words and required marks, and an example the client takes. */
static void test_help_texts(void)
{
    const char *top[] = {"--help", NULL};
    REQUIRE(run_env(NULL, top) == 0);
    CHECK(strstr(OUT, "Request ids.") && strstr(OUT, "--new") && strstr(OUT, "Europe/Amsterdam") &&
          strstr(OUT, "whoami"));
    int checked = 0;
    for (const rg_opdef *op = rg_ops; op->name; op++) {
        char words[64], w1[64] = "", w2[64] = "";
        snprintf(words, sizeof words, "%s", op->name);
        for (char *p = words; *p; p++)
            if (*p == '_') *p = '-';
        char *dot = strchr(words, '.');
        if (dot) *dot = 0;
        snprintf(w1, sizeof w1, "%s", words);
        if (dot) snprintf(w2, sizeof w2, "%s", dot + 1);
        /* Listed with a description in regie --help. */
        char listed[160];
        snprintf(listed, sizeof listed, "\n  %s%s%s ", w1, dot ? " " : "", w2);
        REQUIRE(run_env(NULL, top) == 0);
        const char *line = strstr(OUT, listed);
        bool ok = line && strchr(line + 1, ')') && strchr(line + 1, ')') < strchr(line + 1, '\n') &&
                  strchr(line + 1, ')')[1] == ' ' && strchr(line + 1, ')')[2] > ' ';
        const char *args[] = {w1, dot ? w2 : "--help", "--help", NULL};
        if (!dot) args[2] = NULL;
        ok = ok && run_env(NULL, args) == 0;
        char head[160];
        snprintf(head, sizeof head, "regie %s%s%s", w1, dot ? " " : "", w2);
        ok = ok && strncmp(OUT, head, strlen(head)) == 0 && strstr(OUT, "Who may: ") &&
             !strstr(OUT, "(no description)");
        /* The description: the line before "Who may:", a sentence. */
        const char *who = strstr(OUT, "\n  Who may: ");
        ok = ok && who && who[-1] == '.';
        /* Every field: its flag, "(required)" when it is, and the words of an
         * enumerated one. */
        for (const rg_field *f = op->fields; ok && f && f->name; f++) {
            char flag[64];
            snprintf(flag, sizeof flag, "\n  --%s", f->name);
            for (char *p = flag; *p; p++)
                if (*p == '_') *p = '-';
            size_t fl = strlen(flag);
            if (f->type == RG_F_MAP_ARRAY && flag[fl - 1] == 's') flag[fl - 1] = 0;
            const char *fline = strstr(OUT, flag);
            if (!fline) {
                printf("  %s --help: no line for %s\n", op->name, flag + 3);
                ok = false;
                break;
            }
            const char *end = strchr(fline + 1, '\n');
            size_t len = end ? (size_t)(end - fline) : strlen(fline);
            char l[1024];
            snprintf(l, sizeof l, "%.*s", (int)(len < sizeof l - 1 ? len : sizeof l - 1), fline);
            if (f->required && !strstr(l, "(required)")) {
                printf("  %s --help: %s not marked required\n", op->name, f->name);
                ok = false;
            }
            if (f->values) {
                char vals[512];
                snprintf(vals, sizeof vals, "%s", f->values);
                for (char *save = NULL, *w = strtok_r(vals, " ", &save); w; w = strtok_r(NULL, " ", &save))
                    if (!strstr(l, w)) {
                        printf("  %s --help: --%s does not list '%s'\n", op->name, f->name, w);
                        ok = false;
                    }
            }
        }
        /* The example: taken by the client as typed (--dry-run sends nothing). */
        const char *ex = strstr(OUT, "\nexample:\n  regie ");
        ok = ok && ex;
        if (ok) {
            static char exline[2048];
            const char *s = ex + strlen("\nexample:\n  regie "), *e = strchr(s, '\n');
            snprintf(exline, sizeof exline, "%.*s", (int)(e ? e - s : (long)strlen(s)), s);
            /* Split as a shell would, for the quoting the examples use. */
            const char *argv[64] = {"--dry-run", "--token", "x"};
            int n = 3;
            char *p = exline;
            while (*p && n < 63) {
                while (*p == ' ') p++;
                if (!*p) break;
                char *w = p, *o = p;
                while (*p && *p != ' ') {
                    if (*p == '"') {
                        p++;
                        while (*p && *p != '"') *o++ = *p++;
                        if (*p) p++;
                    } else {
                        *o++ = *p++;
                    }
                }
                if (*p) p++;
                *o = 0;
                argv[n++] = w;
            }
            argv[n] = NULL;
            if (run_env(NULL, argv) != 0 || strncmp(OUT, "{\"op\":\"", 7) != 0) {
                printf("  the example of %s is not taken: %.300s\n", op->name, ERR);
                ok = false;
            }
        }
        if (!ok) printf("  help of %s: %.1500s\n", op->name, OUT);
        CHECK(ok);
        checked++;
    }
    CHECK(checked >= 40);
    /* The followers too. */
    const char *th[] = {"tail", "--help", NULL}, *ah[] = {"alerts", "--help", NULL};
    CHECK(run_env(NULL, th) == 0 && strstr(OUT, "Who may:") && strstr(OUT, "example:") && strstr(OUT, "--limit"));
    CHECK(run_env(NULL, ah) == 0 && strstr(OUT, "Who may:") && strstr(OUT, "example:"));
    /* A boolean is a bare flag; the rule of request ids is in a change's help. */
    const char *dh[] = {"intake", "decide", "--help", NULL};
    CHECK(run_env(NULL, dh) == 0 && strstr(OUT, "--admit=false") && strstr(OUT, "--reject") &&
          !strstr(OUT, "true|false") && strstr(OUT, "--new"));
    const char *ch[] = {"info", "provide", "--help", NULL};
    CHECK(run_env(NULL, ch) == 0 && strstr(OUT, "ordinary, special, criminal, secret"));
    const char *lh[] = {"cases", "list", "--help", NULL};
    CHECK(run_env(NULL, lh) == 0 && strstr(OUT, "--mine") && strstr(OUT, "analysis"));
}

static void test_errors_say_what_to_do(void)
{
    /* An admin may not read a case: said with the right article. */
    CHECK(regie(P.admin, "case", "get", "--case", CASE_L) == 1);
    CHECK(strstr(ERR, "error: forbidden: an admin may not") && !strstr(ERR, "a admin") && strstr(ERR, "hint:"));
    CHECK(regie("rgt_wrong", "case", "get", "--case", CASE_L) == 1);
    CHECK(strstr(ERR, "hint: the token was not accepted: check REGIE_TOKEN"));
    CHECK(regie(anna, "case", "get", "--case", "ZVH-09999999") == 1 && strstr(ERR, "cases list"));
    /* The same command again, its reply having come, is done again (regie's
     * request ids): the engine refuses a second intake start, with what to
     * do; so with --new. */
    CHECK(regie(anna, "intake", "start", "--case", CASE_L) == 1 && strstr(ERR, "regie case get --case"));
    CHECK(regie(anna, "intake", "start", "--case", CASE_L, "--new") == 1 && strstr(ERR, "regie case get --case"));

    /* A wrong port in REGIE_URL: honoured, a bounded wait, then what to do. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    REQUIRE(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof sa) == 0 && getsockname(s, (struct sockaddr *)&sa, &sl) == 0);
    close(s);                                  /* a port nothing listens on */
    char url[64], env_url[80], env_tok[200];
    snprintf(url, sizeof url, "tcp://127.0.0.1:%d", ntohs(sa.sin_port));
    snprintf(env_url, sizeof env_url, "REGIE_URL=%s", url);
    snprintf(env_tok, sizeof env_tok, "REGIE_TOKEN=%s", anna);
    const char *env[] = {env_url, env_tok, NULL};
    const char *get[] = {"--timeout", "1500", "case", "get", "--case", CASE_L, NULL};
    time_t t0 = time(NULL);
    CHECK(run_env(env, get) == 3);
    CHECK(time(NULL) - t0 < 30);
    CHECK(strstr(ERR, url) && strstr(ERR, "REGIE_URL") && strstr(ERR, "regied"));
    const char *bad[] = {"--connect", "tcp:/nowhere", "--token", anna, "stats", NULL};
    CHECK(run_env(NULL, bad) == 3 && strstr(ERR, "tcp://HOST:PORT"));

    /* Booleans: bare, =false, --no-, and the alias --reject. */
    const char *base[] = {"--dry-run", "--token", "x", "intake", "decide", "--case", "ZVH-1", "--reason", "r", NULL,
                          NULL};
    const char *forms[][2] = {{"--admit", "\"admit\":true"},     {"--admit=false", "\"admit\":false"},
                              {"--no-admit", "\"admit\":false"}, {"--reject", "\"admit\":false"},
                              {"--admit=true", "\"admit\":true"}};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        base[9] = forms[i][0];
        CHECK(run_env(NULL, base) == 0 && strstr(OUT, forms[i][1]));
        if (!strstr(OUT, forms[i][1])) show(forms[i][0], __LINE__);
    }
    /* `\,` is a comma inside one item of a comma list, not a backslash. */
    const char *esc[] = {"--dry-run", "--token", "x", "meeting", "hold", "--case", "ZVH-1", "--attendees",
                         "police\\, unit north,ggz", "--conclusions", "a, b", NULL};
    CHECK(run_env(NULL, esc) == 0 && strstr(OUT, "\"attendees\":[\"police, unit north\",\"ggz\"]") &&
          strstr(OUT, "\"conclusions\":\"a, b\""));
    const char *item[] = {"--dry-run", "--token", "x", "plan", "propose", "--case", "ZVH-1", "--goals", "g",
                          "--action", "id=a1,description=first\\,then more,due=2027-01-15", NULL};
    CHECK(run_env(NULL, item) == 0 && strstr(OUT, "\"description\":\"first,then more\""));
    /* End to end: the comma reaches the case. */
    OK(anna, "meeting", "hold", "--case", CASE_L, "--attendees", "police\\, unit north", "--conclusions", "ok");
    REQUIRE(regie(anna, "--json", "case", "history", "--case", CASE_L) == 0);
    CHECK(strstr(OUT, "\"police, unit north\"") && !strstr(OUT, "\\\\,"));
}

/* The example of `regie WORDS --help`, with the placeholder case id of the
 * help (ZVH-7K2QF9XMT) replaced by case_id, split into words as a shell
 * would (double quotes group); NULL-terminated in argv from argv[4] on, after
 * --connect URL --token TOKEN.  Returns the count, 0 when there is none. */
static int example_of(const char *w1, const char *w2, const char *case_id, const char *token, char store[2048],
                      const char *argv[64])
{
    const char *help[] = {w1, w2, "--help", NULL};
    if (run_env(NULL, help) != 0) return 0;
    const char *e = strstr(OUT, "example:\n  regie ");
    if (!e) return 0;
    e += strlen("example:\n  regie ");
    size_t len = strcspn(e, "\n");
    char line[1024];
    snprintf(line, sizeof line, "%.*s", (int)len, e);
    /* the placeholder id */
    char *ph = strstr(line, "ZVH-7K2QF9XMT");
    if (ph) {
        char rest[1024];
        snprintf(rest, sizeof rest, "%s", ph + 13);
        snprintf(ph, sizeof line - (size_t)(ph - line), "%s%s", case_id, rest);
    }
    int n = 0;
    argv[n++] = "--connect";
    argv[n++] = P.url;
    argv[n++] = "--token";
    argv[n++] = token;
    char *o = store;
    for (const char *p = line; *p && n < 63;) {
        while (*p == ' ') p++;
        if (!*p) break;
        argv[n++] = o;
        while (*p && *p != ' ') {
            if (*p == '"') {
                for (p++; *p && *p != '"'; p++) *o++ = *p;
                if (*p) p++;
            } else {
                *o++ = *p++;
            }
        }
        *o++ = 0;
    }
    argv[n] = NULL;
    return n;
}

/* Issue 21, finding 9: the help's own examples run as typed.  `case close
 * --help` named organisations for --handover and its example failed ("not an
 * action of the plan"); `audit read --case` was refused ("audit.read takes no
 * case") though its help showed it.  Both run against the engine here, on a
 * case in the state they need. */
static void test_help_examples_run(void)
{
    char c[32], store[2048];
    const char *argv[64];
    OK(pol, "--json", "case", "report", "--target-group", "overig", "--urgency", "normal", "--summary",
       "examples", "--informed", "--subject", "name=E. Xample");
    snprintf(c, sizeof c, "%s", json_str(OUT, "case"));
    REQUIRE(c[0]);
    OK(anna, "case", "assign", "--case", c, "--procesregisseur", "anna");
    OK(anna, "intake", "start", "--case", c);
    OK(anna, "intake", "decide", "--case", c, "--admit", "--reason", "domains", "--criteria", "multi_domain");
    OK(anna, "meeting", "schedule", "--case", c, "--at", "2026-05-20 10:00", "--orgs", "police");
    OK(anna, "meeting", "hold", "--case", c, "--attendees", "police", "--conclusions", "a plan");
    OK(anna, "plan", "propose", "--case", c, "--goals", "g", "--action",
       "id=a1,owner_org=police,description=one,due=2026-12-01", "--action",
       "id=a2,owner_org=police,description=two,due=2026-12-01");
    OK(pol, "plan", "agree", "--case", c);
    OK(pol, "action", "complete", "--case", c, "--action", "a1", "--result", "done");
    /* a2 is open: the example hands it over. */
    REQUIRE(example_of("case", "close", c, anna, store, argv) > 4);
    CHECK(run_env(NULL, argv) == 0);
    if (RC) show("the example of case close --help", __LINE__);
    REQUIRE(regie(anna, "--json", "case", "get", "--case", c) == 0);
    CHECK(strstr(OUT, "\"state\":\"closed\""));
    /* audit read --case: that case's records, for the admin. */
    REQUIRE(example_of("audit", "read", c, P.admin, store, argv) > 4);
    const char *json[66];
    int k = 0;
    for (; argv[k]; k++) json[k] = argv[k];
    json[k++] = "--json";
    json[k] = NULL;
    CHECK(run_env(NULL, json) == 0 && strstr(OUT, "\"records\":[{") && strstr(OUT, c));
    if (RC) show("the example of audit read --help", __LINE__);
}

/* Issue 21, finding 10: `clock advance --ms 86400000` typed twice printed
 * a stale "now" and did not move the clock the second time: its reply names
 * no log position, so the client took the second run for a retry of an
 * unanswered one.  Each run moves the clock a day. */
static void test_clock_advanced_twice(void)
{
    char first[128];
    REQUIRE(regie(P.admin, "--json", "clock", "advance", "--ms", "0") == 0);
    snprintf(first, sizeof first, "%s", json_str(OUT, "now"));
    REQUIRE(first[0]);
    char now[3][128];
    for (int i = 0; i < 3; i++) {
        OK(P.admin, "--json", "clock", "advance", "--ms", "86400000");
        snprintf(now[i], sizeof now[i], "%s", json_str(OUT, "now"));
        CHECK(!strstr(ERR, "done before"));
    }
    CHECK(strcmp(first, now[0]) != 0 && strcmp(now[0], now[1]) != 0 && strcmp(now[1], now[2]) != 0);
    if (!strcmp(now[0], now[1])) printf("  before %s, then %s, %s, %s\n", first, now[0], now[1], now[2]);
    /* Three days on from the first reading, to the minute. */
    int64_t a = 0, b = 0;
    bool d1, d2;
    CHECK(rg_parse_iso(first, (uint32_t)strlen(first), &a, &d1) && rg_parse_iso(now[2], (uint32_t)strlen(now[2]), &b, &d2) &&
          b - a == 3 * 86400000LL);
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
    RUN(test_local_time);
    RUN(test_retry_is_idempotent);
    RUN(test_whoami);
    RUN(test_mine);
    RUN(test_help_texts);
    RUN(test_errors_say_what_to_do);
    RUN(test_help_examples_run);
    RUN(test_clock_advanced_twice);
    RUN(test_stop);
    return rg_t_exit();
}
