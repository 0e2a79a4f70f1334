/*
 * client_test.c - the `regie` command-line client as a user drives it, against
 * a real regied: every step of a case along the default route and along the
 * re-entry route as a `regie` subcommand with the flags the README shows,
 * the `--json` reply parsed (a small JSON reader below) and the state read
 * back with `regie case get --json`; failures exit non-zero and name the
 * contract's error code (stderr `error: CODE: message`), command-line
 * mistakes exit 2 and reach no engine, an unreachable engine exits 3;
 * `--help` on every command `regie --help` lists, and every flag a help
 * text names is one the client accepts; REGIE_TOKEN and REGIE_URL, and
 * --token/--connect winning over them; `regie tail` stopped mid-stream and
 * resumed from its cursor file, and from the last seq it printed
 * (`--after`), without losing or repeating an event; the cursor across an
 * engine SIGKILL; a running tail following the engine across a restart;
 * tail stopping at once on SIGTERM in the middle of a long poll; `regie
 * alerts` listing the caller's own alerts (from the token: no --actor),
 * each once, oldest first, following new ones as they are raised, resumable
 * with --after, --open after an `alert ack`, --count.
 *
 * Then the routes of issue 17, on an engine of their own whose region runs
 * a weekly triage day, a cap of one open MDA++ case per procesregisseur and
 * its own review norm for MDA++ (ROUTES_CONF): an MDA++ case from Veilig
 * Thuis's report to closing, through every phase with `regie phase
 * advance`, with reviews, a plan revision and an escalation in the phases,
 * a relapse from monitoring counted in `regie case get` and `stats`, closed
 * only from monitoring; and a Levensloop case admitted with --provider and
 * --casusregisseur that runs two simulated years (the clock a week at a
 * time, a review every three weeks, actions done, the levensloopplan
 * revised after a year) without a stagnation, its review and progress
 * norms running all along, still biting when left, until it is closed and
 * its aftercare check taken.
 *
 * The client runs as a child process started with posix_spawn (no nng in a
 * forked child), stdin from /dev/null, stdout and stderr into files.  The
 * engine runs on a manual clock so the dates below stay in the future, and
 * with a region configuration whose aftercare check is due at once (3 months
 * after closing by default; matrix_test and ladder_test test that date), so
 * that the routes here are walked to archived without moving the clock.
 * Nothing here waits on timing: every wait polls with a generous bound.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../test.h"
#include "../../engine/domain/calendar.h"
#include "../../engine/domain/schema.h"

extern char **environ;

#define OUT_MAX (1 << 20)

static rg_t_proc P;
static char *dir;
static char OUT[OUT_MAX], ERR[OUT_MAX];
static int RC;
static char pol[128], ggz[128], gem[128], recl[128], vt[128], anna[128], bert[128], mgr[128];
static const char *CLOCK[] = {"--clock", "manual=2026-11-23T08:00:00Z", "--config", NULL, NULL};
static char *config;                /* CLOCK's --config FILE */

static void sleep_ms(int ms);

/* ================= a small JSON reader (RFC 8259, enough for replies) ================= */

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jv {
    jtype t;
    bool b;
    uint64_t u;           /* a non-negative integer number */
    bool is_uint;
    char *s;              /* J_STR: decoded, NUL-terminated */
    char **keys;          /* J_OBJ */
    struct jv **items;    /* J_ARR, J_OBJ values */
    size_t n;
} jv;

static void j_free(jv *v)
{
    if (!v) return;
    for (size_t i = 0; i < v->n; i++) {
        if (v->keys) free(v->keys[i]);
        j_free(v->items[i]);
    }
    free(v->keys);
    free(v->items);
    free(v->s);
    free(v);
}

typedef struct jp {
    const char *p, *end;
    int depth;
} jp;

static void j_ws(jp *x)
{
    while (x->p < x->end && (*x->p == ' ' || *x->p == '\t' || *x->p == '\n' || *x->p == '\r')) x->p++;
}

static void put_utf8(char *o, size_t *k, unsigned cp)
{
    if (cp < 0x80) o[(*k)++] = (char)cp;
    else if (cp < 0x800) {
        o[(*k)++] = (char)(0xc0 | (cp >> 6));
        o[(*k)++] = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        o[(*k)++] = (char)(0xe0 | (cp >> 12));
        o[(*k)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[(*k)++] = (char)(0x80 | (cp & 0x3f));
    } else {
        o[(*k)++] = (char)(0xf0 | (cp >> 18));
        o[(*k)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
        o[(*k)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[(*k)++] = (char)(0x80 | (cp & 0x3f));
    }
}

static char *j_string(jp *x)
{
    if (x->p >= x->end || *x->p != '"') return NULL;
    x->p++;
    char *o = malloc((size_t)(x->end - x->p) * 2 + 8);
    size_t k = 0;
    while (x->p < x->end && *x->p != '"') {
        unsigned char c = (unsigned char)*x->p++;
        if (c < 0x20) goto bad;
        if (c != '\\') {
            o[k++] = (char)c;
            continue;
        }
        if (x->p >= x->end) goto bad;
        char e = *x->p++;
        switch (e) {
        case '"': o[k++] = '"'; break;
        case '\\': o[k++] = '\\'; break;
        case '/': o[k++] = '/'; break;
        case 'b': o[k++] = '\b'; break;
        case 'f': o[k++] = '\f'; break;
        case 'n': o[k++] = '\n'; break;
        case 'r': o[k++] = '\r'; break;
        case 't': o[k++] = '\t'; break;
        case 'u': {
            if (x->end - x->p < 4) goto bad;
            char hex[5] = {x->p[0], x->p[1], x->p[2], x->p[3], 0};
            char *he;
            unsigned cp = (unsigned)strtoul(hex, &he, 16);
            if (*he) goto bad;
            x->p += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && x->end - x->p >= 6 && x->p[0] == '\\' && x->p[1] == 'u') {
                char lo[5] = {x->p[2], x->p[3], x->p[4], x->p[5], 0};
                unsigned l = (unsigned)strtoul(lo, &he, 16);
                if (!*he && l >= 0xdc00 && l < 0xe000) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (l - 0xdc00);
                    x->p += 6;
                }
            }
            put_utf8(o, &k, cp);
            break;
        }
        default: goto bad;
        }
    }
    if (x->p >= x->end) goto bad;
    x->p++;
    o[k] = 0;
    return o;
bad:
    free(o);
    return NULL;
}

static jv *j_value(jp *x);

static jv *j_new(jtype t)
{
    jv *v = calloc(1, sizeof *v);
    v->t = t;
    return v;
}

static void j_push(jv *v, char *key, jv *item)
{
    v->items = realloc(v->items, (v->n + 1) * sizeof *v->items);
    if (v->t == J_OBJ) {
        v->keys = realloc(v->keys, (v->n + 1) * sizeof *v->keys);
        v->keys[v->n] = key;
    }
    v->items[v->n++] = item;
}

static jv *j_value(jp *x)
{
    j_ws(x);
    if (x->p >= x->end || ++x->depth > 64) return NULL;
    jv *v = NULL;
    char c = *x->p;
    if (c == '{' || c == '[') {
        bool obj = c == '{';
        v = j_new(obj ? J_OBJ : J_ARR);
        x->p++;
        j_ws(x);
        if (x->p < x->end && *x->p == (obj ? '}' : ']')) {
            x->p++;
            goto done;
        }
        for (;;) {
            char *key = NULL;
            if (obj) {
                j_ws(x);
                if (!(key = j_string(x))) goto bad;
                j_ws(x);
                if (x->p >= x->end || *x->p != ':') {
                    free(key);
                    goto bad;
                }
                x->p++;
            }
            jv *item = j_value(x);
            if (!item) {
                free(key);
                goto bad;
            }
            j_push(v, key, item);
            j_ws(x);
            if (x->p < x->end && *x->p == ',') {
                x->p++;
                continue;
            }
            if (x->p < x->end && *x->p == (obj ? '}' : ']')) {
                x->p++;
                goto done;
            }
            goto bad;
        }
    } else if (c == '"') {
        v = j_new(J_STR);
        if (!(v->s = j_string(x))) goto bad;
    } else if (c == 't' && x->end - x->p >= 4 && !strncmp(x->p, "true", 4)) {
        v = j_new(J_BOOL);
        v->b = true;
        x->p += 4;
    } else if (c == 'f' && x->end - x->p >= 5 && !strncmp(x->p, "false", 5)) {
        v = j_new(J_BOOL);
        x->p += 5;
    } else if (c == 'n' && x->end - x->p >= 4 && !strncmp(x->p, "null", 4)) {
        v = j_new(J_NULL);
        x->p += 4;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        v = j_new(J_NUM);
        const char *s = x->p;
        while (x->p < x->end && strchr("+-0123456789.eE", *x->p)) x->p++;
        char num[64];
        snprintf(num, sizeof num, "%.*s", (int)(x->p - s), s);
        char *e;
        errno = 0;
        unsigned long long u = strtoull(num, &e, 10);
        v->is_uint = num[0] != '-' && !*e && !errno;
        v->u = u;
        strtod(num, &e);
        if (*e || e == num) goto bad;
    } else {
        return NULL;
    }
done:
    x->depth--;
    return v;
bad:
    j_free(v);
    return NULL;
}

/* Parse text (one JSON value and nothing but whitespace after it). */
static jv *j_parse_n(const char *text, size_t n)
{
    jp x = {text, text + n, 0};
    jv *v = j_value(&x);
    j_ws(&x);
    if (v && x.p != x.end) {
        j_free(v);
        return NULL;
    }
    return v;
}

static jv *j_parse(const char *text) { return j_parse_n(text, strlen(text)); }

/* "a.b.0.c": object keys and array indices. */
static const jv *j_get(const jv *v, const char *path)
{
    char seg[128];
    while (v && *path) {
        size_t n = strcspn(path, ".");
        snprintf(seg, sizeof seg, "%.*s", (int)n, path);
        path += n + (path[n] == '.');
        if (v->t == J_OBJ) {
            const jv *next = NULL;
            for (size_t i = 0; i < v->n; i++)
                if (strcmp(v->keys[i], seg) == 0) next = v->items[i];
            v = next;
        } else if (v->t == J_ARR) {
            char *e;
            unsigned long i = strtoul(seg, &e, 10);
            v = !*e && i < v->n ? v->items[i] : NULL;
        } else {
            v = NULL;
        }
    }
    return v;
}

static const char *j_s(const jv *v, const char *path)
{
    const jv *x = j_get(v, path);
    return x && x->t == J_STR ? x->s : "";
}

static uint64_t j_u(const jv *v, const char *path)
{
    const jv *x = j_get(v, path);
    return x && x->t == J_NUM && x->is_uint ? x->u : 0;
}

static bool j_is_null(const jv *v, const char *path)
{
    const jv *x = j_get(v, path);
    return x && x->t == J_NULL;
}

static bool j_true(const jv *v, const char *path)
{
    const jv *x = j_get(v, path);
    return x && x->t == J_BOOL && x->b;
}

static size_t j_len(const jv *v, const char *path)
{
    const jv *x = j_get(v, path);
    return x && (x->t == J_ARR || x->t == J_OBJ) ? x->n : 0;
}

/* Whether the array at path holds an object whose key is val. */
static bool j_has(const jv *v, const char *path, const char *key, const char *val)
{
    const jv *a = j_get(v, path);
    for (size_t i = 0; a && a->t == J_ARR && i < a->n; i++)
        if (strcmp(j_s(a->items[i], key), val) == 0) return true;
    return false;
}

/* Whether the array of strings at path holds val. */
static bool j_has_str(const jv *v, const char *path, const char *val)
{
    const jv *a = j_get(v, path);
    for (size_t i = 0; a && a->t == J_ARR && i < a->n; i++)
        if (a->items[i]->t == J_STR && strcmp(a->items[i]->s, val) == 0) return true;
    return false;
}

/* ================= running the client ================= */

static jv *J;             /* the last --json reply, parsed (NULL when it was not JSON) */

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

/* The environment of a child: ours without REGIE_TOKEN/REGIE_URL, plus env. */
static char **child_env(const char *const *env)
{
    size_t n = 0, k = 0;
    while (environ[n]) n++;
    size_t extra = 0;
    while (env && env[extra]) extra++;
    char **out = calloc(n + extra + 1, sizeof *out);
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "REGIE_TOKEN=", 12) && strncmp(environ[i], "REGIE_URL=", 10))
            out[k++] = environ[i];
    for (size_t i = 0; i < extra; i++) out[k++] = (char *)env[i];
    out[k] = NULL;
    return out;
}

/* Start `$REGIE args...` with stdout into out_path and stderr into err_path. */
static pid_t spawn_regie(const char *const *env, const char *const *args, const char *out_path,
                         const char *err_path)
{
    const char *regie = getenv("REGIE");
    if (!regie) {
        printf("  REGIE is not set\n");
        return -1;
    }
    const char *argv[96];
    int n = 0;
    argv[n++] = regie;
    for (const char *const *a = args; *a && n < 95; a++) argv[n++] = *a;
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    char **envp = child_env(env);
    pid_t pid;
    int rc = posix_spawn(&pid, regie, &fa, NULL, (char *const *)argv, envp);
    free(envp);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        printf("  cannot start %s: %s\n", regie, strerror(rc));
        return -1;
    }
    return pid;
}

static int wait_status(pid_t pid) { return rg_t_wait_exit(pid, 120); }

/* Run `regie args...` with env ("K=V" list or NULL) to its end; OUT, ERR,
 * RC and J (OUT parsed as JSON, or NULL) hold what it did. */
static int run_env(const char *const *env, const char *const *args)
{
    char op[700], ep[700];
    snprintf(op, sizeof op, "%s/cli.out", dir);
    snprintf(ep, sizeof ep, "%s/cli.err", dir);
    j_free(J);
    J = NULL;
    pid_t pid = spawn_regie(env, args, op, ep);
    RC = pid < 0 ? -1 : wait_status(pid);
    read_file(op, OUT, sizeof OUT);
    read_file(ep, ERR, sizeof ERR);
    J = j_parse(OUT);
    return RC;
}

static int run(const char *const *args) { return run_env(NULL, args); }

/* regie --connect URL --token TOKEN --json ARGS... (NULL-terminated). */
static int regie(const char *token, ...)
{
    const char *args[90] = {"--connect", P.url, "--token", token, "--json"};
    int n = 5;
    va_list ap;
    va_start(ap, token);
    const char *a;
    while ((a = va_arg(ap, const char *)) && n < 89) args[n++] = a;
    va_end(ap);
    args[n] = NULL;
    return run(args);
}

static void show(const char *what, int line)
{
    printf("  %s:%d: %s: status %d\n    stdout: %.600s\n    stderr: %.600s\n", __FILE__, line, what, RC, OUT,
           ERR);
}

/* A step that must succeed: status 0, a JSON reply with ok true. */
#define OK(...) do { if (regie(__VA_ARGS__, (const char *)NULL) != 0 || !J || !j_true(J, "ok")) { \
    show("regie failed", __LINE__); rg_t_failed = 1; return; } } while (0)

/* A step that must fail with code: status 1, {"ok":false,"error":code} on
 * stdout, `error: code: ...` on stderr. */
static bool fails_with(const char *code, int line)
{
    char pat[96];
    snprintf(pat, sizeof pat, "error: %s: ", code);
    if (RC == 1 && J && j_get(J, "ok") && !j_true(J, "ok") && strcmp(j_s(J, "error"), code) == 0 &&
        j_s(J, "message")[0] && strstr(ERR, pat))
        return true;
    char what[128];
    snprintf(what, sizeof what, "expected %s", code);
    show(what, line);
    return false;
}
#define FAILS(code, ...) do { regie(__VA_ARGS__, (const char *)NULL); \
    if (!fails_with(code, __LINE__)) rg_t_failed = 1; } while (0)

static jv *CASE;          /* the last `case get`, parsed */

/* regie case get --json, as token; CASE holds the reply's "case". */
static bool get_case(const char *token, const char *c)
{
    j_free(CASE);
    CASE = NULL;
    if (regie(token, "case", "get", "--case", c, (const char *)NULL) != 0 || !J || !j_true(J, "ok")) {
        show("case get failed", __LINE__);
        return false;
    }
    CASE = J;
    J = NULL;
    return true;
}

static const char *cs(const char *path)
{
    static char full[256];
    snprintf(full, sizeof full, "case.%s", path);
    return j_s(CASE, full);
}
static uint64_t cu(const char *path)
{
    char full[256];
    snprintf(full, sizeof full, "case.%s", path);
    return j_u(CASE, full);
}

static bool state_is_at(const char *token, const char *c, const char *state, int line)
{
    if (!get_case(token, c)) return false;
    if (strcmp(cs("state"), state) == 0) return true;
    printf("  %s:%d: %s is in state '%s', expected %s\n", __FILE__, line, c, cs("state"), state);
    return false;
}
#define STATE(token, c, state) CHECK(state_is_at(token, c, state, __LINE__))

static void token_of(const char *id, const char *role, const char *org, char *tok)
{
    tok[0] = 0;
    if (regie(P.admin, "actor", "create", "--id", id, "--role", role, "--org", org, (const char *)NULL) == 0 &&
        J && strcmp(j_s(J, "id"), id) == 0)
        snprintf(tok, 128, "%s", j_s(J, "token"));
    else
        show("actor create", __LINE__);
}

/* The event types of a case's history as token sees it, joined by ' ';
 * checks the versions are 1..n gapless and the seqs rising. */
static bool history(const char *token, const char *c, char *types, size_t cap, uint64_t *nev)
{
    types[0] = 0;
    if (regie(token, "case", "history", "--case", c, (const char *)NULL) != 0 || !J) return false;
    const jv *evs = j_get(J, "events");
    if (!evs || evs->t != J_ARR) return false;
    bool ok = true;
    uint64_t prev_seq = 0;
    for (size_t i = 0; i < evs->n; i++) {
        const jv *e = evs->items[i];
        size_t l = strlen(types);
        snprintf(types + l, cap - l, "%s%s", i ? " " : "", j_s(e, "type"));
        if (j_u(e, "seq") <= prev_seq) ok = false;
        prev_seq = j_u(e, "seq");
        if (strcmp(j_s(e, "case"), c) != 0) ok = false;
        if (!j_s(e, "actor.id")[0]) ok = false;
    }
    if (nev) *nev = evs->n;
    return ok;
}

/* ================= tests ================= */

static void test_setup(void)
{
    dir = rg_t_tmpdir();
    config = rg_t_write_file("region.conf", "norm.aftercare = 0\n");
    REQUIRE(config);
    CLOCK[3] = config;
    REQUIRE(rg_t_proc_start(&P, dir, CLOCK) == 0);
    token_of("pol1", "partner", "police", pol);
    token_of("ggz1", "partner", "ggz", ggz);
    token_of("gem1", "partner", "gemeente-tilburg", gem);
    token_of("recl1", "partner", "reclassering", recl);
    token_of("vt1", "partner", "veilig-thuis", vt);
    token_of("anna", "procesregisseur", "zvh", anna);
    token_of("bert", "procesregisseur", "zvh", bert);
    token_of("mgr1", "manager", "zvh", mgr);
    REQUIRE(pol[0] && ggz[0] && gem[0] && recl[0] && vt[0] && anna[0] && bert[0] && mgr[0]);
    /* A token is shown once: a repeat of the create (same --req) withholds it. */
    REQUIRE(regie(P.admin, "actor", "create", "--req", "fixed-1", "--id", "extra1", "--role", "partner",
                  "--org", "police", (const char *)NULL) == 0);
    CHECK(J && j_s(J, "token")[0]);
    REQUIRE(regie(P.admin, "actor", "create", "--req", "fixed-1", "--id", "extra1", "--role", "partner",
                  "--org", "police", (const char *)NULL) == 0);
    CHECK(J && j_true(J, "ok") && !j_s(J, "token")[0] && j_true(J, "token_withheld"));
}

static char CASE_A[32];   /* the default-route case, kept for later tests */

static void test_default_route(void)
{
    char c[32], rq[64];
    /* The report, exactly as the README writes it. */
    OK(pol, "case", "report", "--target-group", "verward_gedrag", "--urgency", "high", "--summary",
       "repeated incidents", "--informed", "--subject", "name=J. Jansen", "--subject", "birth_date=1990-01-01");
    snprintf(c, sizeof c, "%s", j_s(J, "case"));
    REQUIRE(strncmp(c, "ZVH-", 4) == 0);
    snprintf(CASE_A, sizeof CASE_A, "%s", c);
    CHECK(j_u(J, "version") == 1 && j_u(J, "seq") > 0);
    CHECK(j_len(J, "events") == 1 && strcmp(j_s(J, "events.0.type"), "case.reported") == 0);
    CHECK(strcmp(j_s(J, "events.0.case"), c) == 0 && j_u(J, "events.0.v") == 1);
    CHECK(strcmp(j_s(J, "events.0.actor.id"), "pol1") == 0 && strcmp(j_s(J, "events.0.actor.org"), "police") == 0);
    CHECK(strcmp(j_s(J, "events.0.data.subject.name"), "J. Jansen") == 0);
    CHECK(strcmp(j_s(J, "events.0.data.subject.birth_date"), "1990-01-01") == 0);
    CHECK(j_true(J, "events.0.data.informed"));
    STATE(pol, c, "reported");
    CHECK(strcmp(cs("route"), "default") == 0 && strcmp(cs("reporter_org"), "police") == 0);
    CHECK(strcmp(cs("target_group"), "verward_gedrag") == 0 && strcmp(cs("urgency"), "high") == 0);
    CHECK(j_is_null(CASE, "case.procesregisseur") && cu("version") == 1);
    CHECK(j_has(CASE, "case.deadlines", "norm", "intake.start"));

    OK(anna, "case", "assign", "--case", c, "--procesregisseur", "anna");
    STATE(anna, c, "reported");
    CHECK(strcmp(cs("procesregisseur"), "anna") == 0);
    /* bert is not this case's procesregisseur: for bert it does not exist. */
    FAILS("not_found", bert, "intake", "start", "--case", c);
    OK(anna, "intake", "start", "--case", c);
    STATE(anna, c, "intake");
    CHECK(!j_has(CASE, "case.deadlines", "norm", "intake.start"));     /* met */
    /* More information first: the case stays in intake. */
    OK(anna, "intake", "more-info", "--case", c, "--question", "since when?", "--due", "2026-11-27");
    CHECK(strcmp(j_s(J, "events.0.type"), "intake.info_requested") == 0);
    STATE(anna, c, "intake");
    OK(anna, "intake", "decide", "--case", c, "--admit", "--reason", "several life domains", "--criteria",
       "multi_domain,multi_chain");
    CHECK(j_has_str(J, "events.0.data.criteria", "multi_domain") &&
          j_has_str(J, "events.0.data.criteria", "multi_chain") && j_len(J, "events.0.data.criteria") == 2);
    CHECK(strcmp(j_s(J, "events.0.type"), "intake.decided") == 0 || j_len(J, "events") >= 1);
    STATE(anna, c, "analysis");

    OK(anna, "partner", "join", "--case", c, "--org", "gemeente-tilburg");
    STATE(anna, c, "analysis");
    CHECK(j_has(CASE, "case.participants", "org", "gemeente-tilburg"));
    /* The request id comes back in the event's data.request. */
    OK(anna, "info", "request", "--case", c, "--org", "ggz", "--question", "treatment history?", "--due",
       "2026-12-10");
    snprintf(rq, sizeof rq, "%s", j_s(J, "events.0.data.request"));
    REQUIRE(rq[0]);
    CHECK(strcmp(rq, "R1") == 0);                          /* as the README's example assumes */
    STATE(ggz, c, "analysis");
    CHECK(j_has(CASE, "case.participants", "org", "ggz"));
    CHECK(strcmp(j_s(CASE, "case.requests.0.status"), "open") == 0);
    CHECK(strcmp(j_s(CASE, "case.requests.0.due"), "2026-12-10") == 0);
    /* Only the asked org answers. */
    FAILS("forbidden", gem, "info", "provide", "--case", c, "--request", rq, "--answer", "not ours");
    OK(ggz, "info", "provide", "--case", c, "--request", rq, "--answer", "known since 2021");
    STATE(anna, c, "analysis");
    CHECK(strcmp(j_s(CASE, "case.requests.0.status"), "answered") == 0);
    FAILS("guard_failed", ggz, "info", "provide", "--case", c, "--request", rq, "--answer", "again");

    OK(anna, "meeting", "schedule", "--case", c, "--at", "2026-12-08T10:00:00+01:00", "--orgs",
       "police,ggz,gemeente-tilburg");
    STATE(anna, c, "meeting");
    CHECK(strcmp(j_s(CASE, "case.meeting.at"), "2026-12-08T10:00:00+01:00") == 0);
    CHECK(j_get(CASE, "case.meeting.held") && !j_true(CASE, "case.meeting.held"));
    /* The list flag repeated instead of comma-joined, as --help allows. */
    OK(anna, "meeting", "hold", "--case", c, "--attendees", "police", "--attendees", "ggz,gemeente-tilburg",
       "--conclusions", "a joint approach");
    STATE(anna, c, "planning");
    CHECK(j_true(CASE, "case.meeting.held"));

    /* Three orgs own an action: each must agree. */
    OK(anna, "plan", "propose", "--case", c, "--goals", "treatment and housing", "--casusregisseur", "ggz",
       "--action", "id=a1,owner_org=ggz,description=start treatment, weekly,due=2027-01-15",
       "--action", "id=a2,owner_org=gemeente-tilburg,description=find housing,due=2027-02-01",
       "--action", "id=a3,owner_org=police,description=area watch,due=2027-01-31");
    STATE(anna, c, "planning");
    CHECK(j_len(CASE, "case.plan.actions") == 3 && !j_true(CASE, "case.plan.agreed"));
    CHECK(strcmp(j_s(CASE, "case.plan.casusregisseur"), "ggz") == 0);
    CHECK(strcmp(j_s(CASE, "case.plan.actions.0.owner_org"), "ggz") == 0);
    CHECK(strcmp(j_s(CASE, "case.plan.actions.1.due"), "2027-02-01") == 0);
    CHECK(strcmp(j_s(CASE, "case.plan.actions.2.id"), "a3") == 0);
    if (regie(anna, "case", "history", "--case", c, (const char *)NULL) == 0 && J) {
        /* The comma inside the description stayed in the description. */
        const jv *evs = j_get(J, "events");
        bool found = false;
        for (size_t i = 0; evs && i < evs->n; i++)
            if (strcmp(j_s(evs->items[i], "type"), "plan.proposed") == 0)
                found = strcmp(j_s(evs->items[i], "data.actions.0.description"), "start treatment, weekly") == 0;
        CHECK(found);
    }
    FAILS("not_found", recl, "plan", "agree", "--case", c);  /* takes no part: unseen */
    FAILS("forbidden", anna, "plan", "agree", "--case", c);  /* a procesregisseur does not agree */
    OK(ggz, "plan", "agree", "--case", c);
    STATE(anna, c, "planning");
    CHECK(j_has_str(CASE, "case.plan.agreed_by", "ggz") && j_len(CASE, "case.plan.agreed_by") == 1);
    /* The same command again, its reply having come, is done again (regie's
     * request ids): the engine refuses a second agree, as with --new. */
    FAILS("guard_failed", ggz, "plan", "agree", "--case", c);
    FAILS("guard_failed", ggz, "plan", "agree", "--case", c, "--new");  /* twice */
    FAILS("invalid_transition", ggz, "action", "complete", "--case", c, "--action", "a1", "--result", "x");
    OK(pol, "plan", "agree", "--case", c);
    STATE(anna, c, "planning");
    OK(gem, "plan", "agree", "--case", c);                       /* the last owner */
    {
        bool agreed = false;
        for (size_t i = 0; i < j_len(J, "events"); i++) {
            char path[64];
            snprintf(path, sizeof path, "events.%zu.type", i);
            agreed |= strcmp(j_s(J, path), "plan.agreed") == 0;
        }
        CHECK(agreed);
    }
    STATE(gem, c, "execution");
    CHECK(j_true(CASE, "case.plan.agreed") && j_len(CASE, "case.plan.agreed_by") == 3);
    CHECK(j_has(CASE, "case.deadlines", "norm", "review"));
    CHECK(j_has(CASE, "case.deadlines", "norm", "action.done"));

    /* Escalation: an overlay; the state stays. */
    OK(anna, "case", "escalate", "--case", c, "--level", "1", "--reason", "no housing offer");
    STATE(anna, c, "execution");
    CHECK(j_u(CASE, "case.escalation.level") == 1);
    FAILS("guard_failed", anna, "case", "escalate", "--case", c, "--level", "1", "--reason", "same level");
    FAILS("forbidden", anna, "escalation", "resolve", "--case", c, "--decision", "x");
    OK(mgr, "escalation", "resolve", "--case", c, "--decision", "priority housing");
    STATE(mgr, c, "execution");
    CHECK(j_is_null(CASE, "case.escalation"));
    FAILS("guard_failed", mgr, "escalation", "resolve", "--case", c, "--decision", "again");

    FAILS("forbidden", gem, "action", "complete", "--case", c, "--action", "a1", "--result", "not ours");
    FAILS("not_found", ggz, "action", "complete", "--case", c, "--action", "a9", "--result", "no such");
    OK(ggz, "action", "complete", "--case", c, "--action", "a1", "--result", "treatment started");
    FAILS("guard_failed", anna, "case", "close", "--case", c, "--reason", "done");   /* a2, a3 open */
    OK(gem, "action", "complete", "--case", c, "--action", "a2", "--result", "apartment found");
    OK(pol, "action", "complete", "--case", c, "--action", "a3", "--result", "quiet");
    STATE(anna, c, "execution");
    CHECK(strcmp(j_s(CASE, "case.plan.actions.0.status"), "done") == 0);
    CHECK(strcmp(j_s(CASE, "case.plan.actions.1.status"), "done") == 0);
    CHECK(strcmp(j_s(CASE, "case.plan.actions.2.status"), "done") == 0);
    OK(anna, "review", "hold", "--case", c, "--notes", "all done");
    OK(anna, "case", "close", "--case", c, "--reason", "goals met");
    STATE(anna, c, "closed");
    /* The aftercare check is what is left; with this region's norm of 0
     * months it is due at once (so it may show as stagnating already). */
    CHECK(j_has(CASE, "case.deadlines", "norm", "aftercare") || j_has(CASE, "case.stagnations", "norm", "aftercare"));
    CHECK(j_len(CASE, "case.deadlines") + j_len(CASE, "case.stagnations") == 1);
    FAILS("invalid_transition", anna, "review", "hold", "--case", c, "--notes", "late");
    {
        /* invalid_transition names the state */
        regie(anna, "review", "hold", "--case", c, "--notes", "late", (const char *)NULL);
        CHECK(J && strstr(j_s(J, "message"), "closed"));
    }
    /* A partner that joined later sees the case from its joining version
     * (while the work goes on: after the aftercare check, not at all). */
    uint64_t gem_n = 0;
    char gem_types[4096];
    CHECK(history(gem, c, gem_types, sizeof gem_types, &gem_n));
    CHECK(gem_n > 0 && strstr(gem_types, "case.reported") == NULL);
    OK(anna, "aftercare", "check", "--case", c, "--outcome", "stable, housed");
    STATE(anna, c, "archived");
    FAILS("not_found", gem, "case", "history", "--case", c);
    FAILS("not_found", pol, "case", "get", "--case", c);
    /* What is left is the end of its retention, when the engine erases it. */
    CHECK(j_len(CASE, "case.deadlines") == 1 && j_has(CASE, "case.deadlines", "norm", "retention"));

    /* The whole route in the history, versions gapless up to the case's. */
    uint64_t version = cu("version"), nev = 0;
    char types[4096];
    CHECK(history(anna, c, types, sizeof types, &nev));
    CHECK(nev == version);
    const char *order[] = {"case.reported", "case.assigned", "intake.started", "partner.joined",
                           "info.requested", "info.provided", "meeting.scheduled", "meeting.held",
                           "plan.proposed", "plan.agreement", "plan.agreed", "case.escalated",
                           "escalation.resolved", "action.completed", "review.held", "case.closed",
                           "aftercare.checked", NULL};
    const char *p = types;
    for (const char *const *t = order; *t; t++) {
        const char *q = strstr(p, *t);
        if (!q) printf("  history lacks %s after position %ld: %s\n", *t, (long)(p - types), types);
        CHECK(q);
        if (q) p = q;
    }
    if (regie(anna, "case", "history", "--case", c, (const char *)NULL) == 0 && J) {
        bool gapless = true;
        for (size_t i = 0; i < j_len(J, "events"); i++) {
            char path[64];
            snprintf(path, sizeof path, "events.%zu.v", i);
            gapless &= j_u(J, path) == i + 1;
        }
        CHECK(gapless);
    }
    CHECK(gem_n < nev);
}

static char CASE_R[32];

static void test_reentry_route(void)
{
    char c[32];
    OK(recl, "case", "report", "--target-group", "nazorg_ex_gedetineerden", "--urgency", "high", "--summary",
       "release in March", "--exemption", "ongoing investigation", "--route", "re-entry", "--release-date",
       "2027-03-01", "--subject", "name=M. de Boer", "--subject", "address=Straat 1, Tilburg");
    snprintf(c, sizeof c, "%s", j_s(J, "case"));
    REQUIRE(c[0]);
    snprintf(CASE_R, sizeof CASE_R, "%s", c);
    STATE(recl, c, "reported");
    CHECK(strcmp(cs("route"), "re-entry") == 0 && strcmp(cs("release_date"), "2027-03-01") == 0);
    CHECK(strcmp(cs("reporter_org"), "reclassering") == 0);
    CHECK(j_has(CASE, "case.deadlines", "norm", "meeting.before_release"));
    CHECK(j_has(CASE, "case.deadlines", "norm", "plan.before_release"));
    CHECK(strcmp(j_s(CASE, "case.subject.address"), "Straat 1, Tilburg") == 0);

    OK(anna, "case", "assign", "--case", c, "--procesregisseur", "anna");
    OK(anna, "intake", "start", "--case", c);
    STATE(anna, c, "intake");
    /* The list flag repeated instead of comma-joined. */
    OK(anna, "intake", "decide", "--case", c, "--admit", "true", "--reason", "high risk on return", "--criteria",
       "local_safety", "--criteria", "multi_chain");
    CHECK(j_len(J, "events.0.data.criteria") == 2);
    STATE(anna, c, "analysis");
    OK(anna, "partner", "join", "--case", c, "--org", "gemeente-tilburg");
    /* The meeting must come before release. */
    FAILS("guard_failed", anna, "meeting", "schedule", "--case", c, "--at", "2027-03-05T10:00:00+01:00",
          "--orgs", "reclassering,gemeente-tilburg");
    STATE(anna, c, "analysis");
    OK(anna, "meeting", "schedule", "--case", c, "--at", "2027-02-10T10:00:00+01:00", "--orgs",
       "reclassering,gemeente-tilburg");
    STATE(anna, c, "meeting");
    OK(anna, "meeting", "hold", "--case", c, "--attendees", "reclassering,gemeente-tilburg", "--conclusions",
       "housing first");
    STATE(anna, c, "planning");
    CHECK(!j_has(CASE, "case.deadlines", "norm", "meeting.before_release"));   /* met */
    CHECK(j_has(CASE, "case.deadlines", "norm", "plan.before_release"));
    OK(anna, "plan", "propose", "--case", c, "--goals", "a home on release", "--action",
       "id=h1,owner_org=reclassering,description=supervision plan,due=2027-02-25", "--action",
       "id=h2,owner_org=gemeente-tilburg,description=arrange housing,due=2027-02-28");
    OK(gem, "plan", "agree", "--case", c);
    STATE(anna, c, "planning");
    OK(recl, "plan", "agree", "--case", c);
    STATE(recl, c, "execution");
    CHECK(!j_has(CASE, "case.deadlines", "norm", "plan.before_release"));      /* met */
    OK(anna, "case", "escalate", "--case", c, "--level", "2", "--reason", "housing is slow");
    STATE(anna, c, "execution");
    CHECK(j_u(CASE, "case.escalation.level") == 2);
    OK(mgr, "escalation", "resolve", "--case", c, "--decision", "actie-overleg: priority");
    OK(recl, "action", "complete", "--case", c, "--action", "h1", "--result", "supervision agreed");
    /* An open action may be handed over at closing. */
    OK(anna, "case", "close", "--case", c, "--reason", "released; handed over to the local team",
       "--handover", "h2");
    STATE(anna, c, "closed");
    CHECK(strcmp(j_s(CASE, "case.plan.actions.1.status"), "handed_over") == 0);
    OK(anna, "aftercare", "check", "--case", c, "--outcome", "stable");
    STATE(anna, c, "archived");
    char types[4096];
    uint64_t nev = 0;
    CHECK(history(anna, c, types, sizeof types, &nev));
    CHECK(nev == cu("version") && strstr(types, "case.reported") == types);

    /* A re-entry report without a release date is refused. */
    regie(recl, "case", "report", "--target-group", "nazorg_ex_gedetineerden", "--urgency", "high", "--summary", "x",
          "--informed", "--route", "re-entry", "--subject", "name=X", (const char *)NULL);
    CHECK(RC == 1 && J && !j_true(J, "ok") && j_s(J, "error")[0]);
    if (RC != 1) show("re-entry without release_date", __LINE__);
}

static void test_errors(void)
{
    char c[32];
    OK(pol, "case", "report", "--target-group", "overig", "--urgency", "normal", "--summary", "noise",
       "--exemption", "ongoing investigation", "--subject", "name=K. Bakker");
    snprintf(c, sizeof c, "%s", j_s(J, "case"));
    REQUIRE(c[0]);
    /* Unassigned: anna sees its triage view and may only take it. */
    FAILS("forbidden", anna, "meeting", "hold", "--case", c, "--attendees", "police", "--conclusions", "x");
    CHECK(J && strstr(j_s(J, "message"), "take it first"));
    OK(anna, "case", "get", "--case", c);
    CHECK(j_true(J, "case.triage") && !j_get(J, "case.subject"));
    OK(anna, "case", "assign", "--case", c, "--procesregisseur", "anna");
    FAILS("invalid_transition", anna, "meeting", "hold", "--case", c, "--attendees", "police",
          "--conclusions", "x");
    CHECK(J && strstr(j_s(J, "message"), "reported"));                  /* names the state */
    FAILS("not_found", ggz, "case", "get", "--case", c);                /* ggz takes no part */
    CHECK(J && strcmp(j_s(J, "message"), "no case ") > 0);              /* as if there were none */
    FAILS("forbidden", pol, "intake", "start", "--case", c);            /* a partner's role */
    FAILS("forbidden", P.admin, "case", "get", "--case", c);            /* admins see no case content */
    FAILS("not_found", anna, "case", "get", "--case", "ZVH-99999999");
    FAILS("unauthorized", "rgt_not-a-token", "case", "get", "--case", c);
    /* Neither informed nor an exemption. */
    regie(pol, "case", "report", "--target-group", "overig", "--urgency", "normal", "--summary", "n",
          "--subject", "name=Q", (const char *)NULL);
    CHECK(RC == 1 && J && (strcmp(j_s(J, "error"), "guard_failed") == 0 ||
                           strcmp(j_s(J, "error"), "bad_request") == 0));
    if (RC != 1) show("report without informed", __LINE__);
    /* Malformed values the client passes through: the engine's bad_request. */
    FAILS("bad_request", pol, "case", "report", "--target-group", "overig", "--urgency", "normal",
          "--summary", "n", "--informed", "--route", "re-entry", "--release-date", "next week", "--subject",
          "name=Q");
    /* Target group and urgency are the contract's words (issue 21, finding
     * 4); the client sends Verward-Gedrag as verward_gedrag. */
    FAILS("bad_request", pol, "case", "report", "--target-group", "verward_gedrag", "--urgency", "whatever",
          "--summary", "n", "--informed", "--subject", "name=Q");
    CHECK(J && strstr(j_s(J, "message"), "data.urgency"));
    FAILS("bad_request", pol, "case", "report", "--target-group", "radicalisatie", "--urgency", "high",
          "--summary", "n", "--informed", "--subject", "name=Q");
    CHECK(J && strstr(j_s(J, "message"), "data.target_group"));
    OK(pol, "case", "report", "--target-group", "Verward-Gedrag", "--urgency", "HIGH", "--summary", "n",
       "--informed", "--subject", "name=Q");
    {
        char q[32];
        snprintf(q, sizeof q, "%s", j_s(J, "case"));
        OK(pol, "case", "get", "--case", q);
        CHECK(J && strstr(OUT, "\"target_group\":\"verward_gedrag\"") && strstr(OUT, "\"urgency\":\"high\""));
    }
    OK(anna, "intake", "start", "--case", c);
    /* The criteria are the national ones, words as the contract spells them
     * (the client sends multi-domain as multi_domain; a word that is none of
     * them goes as typed, for the engine to refuse naming them). */
    FAILS("bad_request", anna, "intake", "decide", "--case", c, "--admit", "--reason", "ok");
    CHECK(J && strstr(j_s(J, "message"), "criteria"));
    FAILS("bad_request", anna, "intake", "decide", "--case", c, "--admit", "--reason", "ok", "--criteria",
          "several-domains");
    CHECK(J && strstr(j_s(J, "message"), "multi_domain"));
    FAILS("bad_request", anna, "intake", "decide", "--case", c, "--admit=false", "--reason", "not ours");
    CHECK(J && strstr(j_s(J, "message"), "referred_to") && strstr(j_s(J, "message"), "advice"));
    FAILS("guard_failed", anna, "intake", "more_info", "--case", c, "--question", "q?", "--due", "2026-11-22");
    CHECK(J && strstr(j_s(J, "message"), "data.due"));
    OK(anna, "intake", "decide", "--case", c, "--admit", "--reason", "ok", "--criteria", "system");
    FAILS("bad_request", anna, "case", "escalate", "--case", c, "--level", "7", "--reason", "x");
    FAILS("bad_request", anna, "partner", "join", "--case", c, "--org", "no spaces allowed");
    FAILS("bad_request", anna, "info", "request", "--case", c, "--org", "ggz", "--question", "q?", "--due",
          "tomorrow");
    CHECK(J && strstr(j_s(J, "message"), "due"));                       /* names data.due */

    /* --expect: a stale version is a version_conflict and writes nothing. */
    REQUIRE(get_case(anna, c));
    uint64_t v = cu("version");
    char stale[24], cur[24];
    snprintf(stale, sizeof stale, "%llu", (unsigned long long)(v - 1));
    snprintf(cur, sizeof cur, "%llu", (unsigned long long)v);
    FAILS("version_conflict", anna, "partner", "join", "--case", c, "--org", "ggz", "--expect", stale);
    REQUIRE(get_case(anna, c));
    CHECK(cu("version") == v);
    OK(anna, "partner", "join", "--case", c, "--org", "ggz", "--expect", cur);
    CHECK(j_u(J, "version") == v + 1);

    /* --req: a repeat returns the first reply and writes nothing. */
    OK(anna, "info", "request", "--case", c, "--req", "cli-test-same", "--org", "ggz", "--question", "q1");
    uint64_t v1 = j_u(J, "version"), s1 = j_u(J, "seq");
    OK(anna, "info", "request", "--case", c, "--req", "cli-test-same", "--org", "ggz", "--question", "q1");
    CHECK(j_u(J, "version") == v1 && j_u(J, "seq") == s1);
    REQUIRE(get_case(anna, c));
    CHECK(cu("version") == v1 && j_len(CASE, "case.requests") == 1);

    /* Human output: the error on stderr, nothing on stdout, status 1. */
    const char *human2[] = {"--connect", P.url, "--token", vt, "case", "get", "--case", c, NULL};
    CHECK(run(human2) == 1 && OUT[0] == 0 && strncmp(ERR, "error: not_found: no case ", 26) == 0);
    /* ...and a success in human form: indented key: value lines. */
    const char *human3[] = {"--connect", P.url, "--token", anna, "case", "get", "--case", c, NULL};
    CHECK(run(human3) == 0 && strstr(OUT, "case:\n") && strstr(OUT, "\n  state: analysis\n") && !J);

    /* No token at all: a clear error, exit 2, nothing sent. */
    const char *notok[] = {"--connect", P.url, "case", "get", "--case", c, NULL};
    CHECK(run(notok) == 2 && strstr(ERR, "no token") && strstr(ERR, "REGIE_TOKEN"));
    const char *notok2[] = {"--connect", P.url, "--token", "", "stats", NULL};
    CHECK(run(notok2) == 2 && strstr(ERR, "no token"));
    const char *notok3[] = {"--connect", P.url, "tail", "--exit-when-idle", NULL};
    CHECK(run(notok3) == 2 && strstr(ERR, "no token"));

    /* Command-line mistakes: exit 2, said by the client. */
    const char *bad1[] = {"--connect", P.url, "--token", anna, "case", "frobnicate", NULL};
    CHECK(run(bad1) == 2 && strstr(ERR, "no command"));
    const char *bad2[] = {"--connect", P.url, "--token", anna, "case", "get", "--case", c, "--colour", "red",
                          NULL};
    CHECK(run(bad2) == 2 && strstr(ERR, "no flag --colour"));
    const char *bad3[] = {"--connect", P.url, "--token", anna, "case", "escalate", "--case", c, "--level",
                          "one", "--reason", "x", NULL};
    CHECK(run(bad3) == 2 && strstr(ERR, "whole number"));
    const char *bad4[] = {"--connect", P.url, "--token", anna, "intake", "decide", "--case", c, "--admit", NULL};
    CHECK(run(bad4) == 2 && strstr(ERR, "--reason"));
    const char *bad5[] = {NULL};
    CHECK(run(bad5) == 2 && strstr(ERR, "usage:"));
    const char *bad6[] = {"--connect", P.url, "--token", anna, "--expect", "-3", "case", "get", NULL};
    CHECK(run(bad6) == 2);

    /* No engine there: a clear error, exit 3, not a hang. */
    char nowhere[700];
    snprintf(nowhere, sizeof nowhere, "ipc://%s/nobody.ipc", dir);
    const char *gone[] = {"--connect", nowhere, "--token", anna, "--timeout", "1500", "stats", NULL};
    CHECK(run(gone) == 3 && strstr(ERR, "cannot reach") && strstr(ERR, nowhere));
}

/* A word after a one-word command is a mistake like any other stray word
 * (`regie case get --case X extra` exits 2), not silently dropped: `regie
 * stats everything` or `regie stats --json cases` must not run `stats`. */
static void test_stray_word_after_a_one_word_command(void)
{
    const char *three[] = {"--connect", P.url, "--token", anna, "case", "get", "--case", CASE_A, "extra", NULL};
    CHECK(run(three) == 2 && strstr(ERR, "unexpected argument"));
    const char *bad[] = {"--connect", P.url, "--token", anna, "stats", "everything", NULL};
    CHECK(run(bad) == 2);
    if (RC != 2) printf("  regie stats everything: status %d, ran stats (stdout %zu bytes)\n", RC, strlen(OUT));
}

/* Every command `regie --help` lists answers --help with status 0 and its
 * usage; every flag its help names is one the client takes. */
static void test_help_everywhere(void)
{
    const char *top[] = {"--help", NULL};
    REQUIRE(run(top) == 0);
    CHECK(strstr(OUT, "usage: regie") && strstr(OUT, "commands:"));
    CHECK(strstr(OUT, "--token") && strstr(OUT, "--connect") && strstr(OUT, "REGIE_TOKEN") &&
          strstr(OUT, "REGIE_URL"));
    const char *h2[] = {"-h", NULL};
    CHECK(run(h2) == 0 && strstr(OUT, "usage: regie"));
    run(top);
    char *list = strdup(OUT);
    int ncmd = 0, bad = 0, nflags = 0;
    bool in_commands = false, saw_tail = false, saw_alerts = false;
    char *save = NULL;
    /* The commands the README uses must be among them. */
    const char *readme[] = {"actor create", "case report", "case assign", "intake start", "intake decide",
                            "intake more-info",
                            "info request", "info provide", "meeting schedule", "meeting hold",
                            "plan propose", "plan agree", "case get", "case history", "tail", "alerts",
                            "clock advance", "partner join", "action complete", "review hold",
                            "case escalate", "escalation resolve", "case close", "aftercare check",
                            "case reopen", "feed read", "stats", NULL};
    for (const char *const *r = readme; *r; r++) {
        char pat[64];
        snprintf(pat, sizeof pat, "\n  %s ", *r);
        if (!strstr(list, pat)) {
            printf("  regie --help does not list '%s'\n", *r);
            bad++;
        }
    }
    for (char *line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "commands:", 9) == 0) {
            in_commands = true;
            continue;
        }
        if (!in_commands || strncmp(line, "  ", 2) != 0) continue;
        /* "  word [word]   (roles)" or "  tail   follow the feed ..." */
        char w1[40] = "", w2[40] = "";
        if (sscanf(line, " %39s %39s", w1, w2) < 1) continue;
        bool two = w2[0] && w2[0] != '(' && strcmp(w1, "tail") && strcmp(w1, "alerts");
        saw_tail |= !strcmp(w1, "tail");
        saw_alerts |= !strcmp(w1, "alerts");
        const char *args[] = {w1, two ? w2 : "--help", "--help", NULL};
        if (!two) args[2] = NULL;
        ncmd++;
        if (run(args) != 0 || !strstr(OUT, "regie ") || ERR[0]) {
            printf("  regie %s %s --help: status %d: %.200s / %.200s\n", w1, two ? w2 : "", RC, OUT, ERR);
            bad++;
            continue;
        }
        if (!strcmp(w1, "tail") || !strcmp(w1, "alerts")) continue;
        /* The op's help starts "regie word word", as it is typed; each "  --flag" line must be
         * a flag the command accepts (with no token: "no token" or "needs",
         * never "has no flag"). */
        char opname[96];
        snprintf(opname, sizeof opname, "regie %s%s%s", w1, two ? " " : "", two ? w2 : "");
        if (strncmp(OUT, opname, strlen(opname)) != 0) {
            printf("  help of %s %s starts '%.60s'\n", w1, w2, OUT);
            bad++;
        }
        char *help = strdup(OUT), *save2 = NULL;
        for (char *hl = strtok_r(help, "\n", &save2); hl; hl = strtok_r(NULL, "\n", &save2)) {
            char flagname[64];
            if (sscanf(hl, " %63s", flagname) != 1 || strncmp(flagname, "--", 2) != 0 || strncmp(hl, "  --", 4))
                continue;
            nflags++;
            const char *fa[] = {"--connect", P.url, w1, two ? w2 : flagname, two ? flagname : "x",
                                two ? "x" : NULL, NULL};
            run(fa);
            if (strstr(ERR, "has no flag")) {
                printf("  regie %s %s --help names %s, which the client refuses: %s\n", w1, w2, flagname, ERR);
                bad++;
            }
        }
        free(help);
    }
    free(list);
    CHECK(ncmd >= 30 && saw_tail && saw_alerts && nflags >= 40);
    CHECK(bad == 0);
    /* An enumerated field's help names its words. */
    const char *crit[] = {"intake", "decide", "--help", NULL};
    CHECK(run(crit) == 0 && strstr(OUT, "--criteria") && strstr(OUT, "multi_domain") &&
          strstr(OUT, "multi_chain") && strstr(OUT, "system") && strstr(OUT, "local_safety") &&
          strstr(OUT, "--advice") && strstr(OUT, "--referred-to"));
    /* --help after a command's flags still helps, and sends nothing. */
    const char *late[] = {"plan", "propose", "--case", "ZVH-1", "--goals", "g", "--help", NULL};
    CHECK(run(late) == 0 && strstr(OUT, "--action") && strstr(OUT, "owner_org"));
    const char *unk[] = {"nonsense", "--help", NULL};
    CHECK(run(unk) == 2 && strstr(ERR, "no command"));
}

static void test_environment(void)
{
    char tok_env[200], url_env[700], bad_tok[200], bad_url[700];
    snprintf(tok_env, sizeof tok_env, "REGIE_TOKEN=%s", anna);
    snprintf(url_env, sizeof url_env, "REGIE_URL=%s", P.url);
    snprintf(bad_tok, sizeof bad_tok, "REGIE_TOKEN=rgt_wrong");
    snprintf(bad_url, sizeof bad_url, "REGIE_URL=ipc://%s/nobody.ipc", dir);
    /* Both from the environment. */
    const char *env[] = {tok_env, url_env, NULL};
    const char *get[] = {"--json", "case", "get", "--case", CASE_A, NULL};
    CHECK(run_env(env, get) == 0 && J && strcmp(j_s(J, "case.id"), CASE_A) == 0);
    /* A change too, with the token from the environment. */
    const char *rep[] = {"--json", "case", "report", "--target-group", "overig", "--urgency", "low",
                         "--summary", "env", "--informed", "--subject", "name=E", NULL};
    char vt_env[200];
    snprintf(vt_env, sizeof vt_env, "REGIE_TOKEN=%s", vt);
    const char *env_vt[] = {vt_env, url_env, NULL};
    CHECK(run_env(env_vt, rep) == 0 && J && strcmp(j_s(J, "events.0.actor.id"), "vt1") == 0);
    /* --token wins over REGIE_TOKEN, --connect over REGIE_URL. */
    const char *env_bad_tok[] = {bad_tok, url_env, NULL};
    const char *get_tok[] = {"--json", "--token", anna, "case", "get", "--case", CASE_A, NULL};
    CHECK(run_env(env_bad_tok, get_tok) == 0 && J && j_true(J, "ok"));
    CHECK(run_env(env_bad_tok, get) == 1 && J && strcmp(j_s(J, "error"), "unauthorized") == 0);
    const char *env_bad_url[] = {tok_env, bad_url, NULL};
    const char *get_url[] = {"--json", "--connect", P.url, "case", "get", "--case", CASE_A, NULL};
    CHECK(run_env(env_bad_url, get_url) == 0 && J && j_true(J, "ok"));
    const char *get_quick[] = {"--json", "--timeout", "1500", "case", "get", "--case", CASE_A, NULL};
    CHECK(run_env(env_bad_url, get_quick) == 3 && strstr(ERR, "nobody.ipc"));
    /* The options after the command, and in --flag=value form. */
    char tflag[200], cflag[700], caseflag[64];
    snprintf(tflag, sizeof tflag, "--token=%s", anna);
    snprintf(cflag, sizeof cflag, "--connect=%s", P.url);
    snprintf(caseflag, sizeof caseflag, "--case=%s", CASE_A);
    const char *eq[] = {"case", "get", caseflag, tflag, cflag, "--json", NULL};
    CHECK(run(eq) == 0 && J && strcmp(j_s(J, "case.state"), "archived") == 0);
    /* tail and feed read take the environment too. */
    const char *tail[] = {"tail", "--json", "--exit-when-idle", "--wait", "100", NULL};
    CHECK(run_env(env, tail) == 0 && strstr(OUT, CASE_A));
}

/* ---- regie tail ---- */

/* The seqs in text: one per line, "seq" of a JSON line or the first column
 * of a human line. */
static size_t seqs_of(const char *text, bool json, uint64_t *out, size_t n, size_t cap)
{
    char *copy = strdup(text), *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line && n < cap; line = strtok_r(NULL, "\n", &save)) {
        if (json) {
            jv *v = j_parse(line);
            if (v) out[n++] = j_u(v, "seq");
            else printf("  tail printed a line that is not JSON: %.200s\n", line);
            j_free(v);
        } else {
            char *e;
            unsigned long long s = strtoull(line, &e, 10);
            if (e != line) out[n++] = s;
        }
    }
    free(copy);
    return n;
}

/* The seqs of token's whole feed after `after`, read page by page with
 * `regie feed read --json`. */
static size_t feed_seqs(const char *token, uint64_t after, uint64_t *out, size_t cap)
{
    size_t n = 0;
    for (int guard = 0; guard < 1000; guard++) {
        char a[24];
        snprintf(a, sizeof a, "%llu", (unsigned long long)after);
        if (regie(token, "feed", "read", "--after", a, "--limit", "7", (const char *)NULL) != 0 || !J) {
            show("feed read", __LINE__);
            rg_t_failed = 1;
            return n;
        }
        size_t k = j_len(J, "events");
        for (size_t i = 0; i < k && n < cap; i++) {
            char path[64];
            snprintf(path, sizeof path, "events.%zu.seq", i);
            out[n++] = j_u(J, path);
        }
        uint64_t next = j_u(J, "next");
        if (k == 0) break;
        after = next;
    }
    return n;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

static bool same_seqs(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, const char *what)
{
    if (na == nb && (na == 0 || memcmp(a, b, na * sizeof *a) == 0)) return true;
    printf("  %s: tail printed %zu events, the feed holds %zu\n   tail:", what, na, nb);
    for (size_t i = 0; i < na && i < 60; i++) printf(" %llu", (unsigned long long)a[i]);
    printf("\n   feed:");
    for (size_t i = 0; i < nb && i < 60; i++) printf(" %llu", (unsigned long long)b[i]);
    printf("\n");
    return false;
}

/* tail --exit-when-idle in human form prints one line per event, the seq
 * first, the same events feed.read gives. */
static void test_tail_output(void)
{
    static uint64_t a[4096], b[4096];
    const char *tail[] = {"--connect", P.url, "--token", pol, "tail", "--exit-when-idle", "--wait", "100",
                          "--page", "3", NULL};
    REQUIRE(run(tail) == 0);
    size_t na = seqs_of(OUT, false, a, 0, 4096);
    /* (CASE_A is archived by now: the police no longer reads it) */
    CHECK(!strstr(OUT, CASE_A) && strstr(OUT, "case.reported") && strstr(OUT, "by pol1"));
    size_t nb = feed_seqs(pol, 0, b, 4096);
    CHECK(na > 0 && same_seqs(a, na, b, nb, "human tail of police"));
    /* --limit N is a cap: the first N events, then it stops. */
    REQUIRE(nb > 3);
    const char *capped[] = {"--connect", P.url, "--token", pol, "tail", "--json", "--wait", "100", "--limit", "3",
                            NULL};
    REQUIRE(run(capped) == 0);
    size_t nc = seqs_of(OUT, true, a, 0, 4096);
    CHECK(same_seqs(a, nc, b, 3, "tail --limit 3"));
    /* --after SEQ starts after that position. */
    REQUIRE(na > 2);
    char after[24];
    snprintf(after, sizeof after, "%llu", (unsigned long long)a[1]);
    const char *tail2[] = {"--connect", P.url, "--token", pol, "tail", "--json", "--exit-when-idle", "--wait",
                           "100", "--after", after, NULL};
    REQUIRE(run(tail2) == 0);
    size_t n2 = seqs_of(OUT, true, a, 0, 4096);
    CHECK(same_seqs(a, n2, b + 2, nb - 2, "tail --after"));
    /* The procesregisseur's feed and the manager's. */
    const char *tail3[] = {"--connect", P.url, "--token", anna, "tail", "--json", "--exit-when-idle", "--wait",
                           "100", NULL};
    REQUIRE(run(tail3) == 0);
    na = seqs_of(OUT, true, a, 0, 4096);
    nb = feed_seqs(anna, 0, b, 4096);
    CHECK(na > 0 && same_seqs(a, na, b, nb, "tail of anna"));
    /* An admin may not read the feed: tail says so and stops. */
    const char *tail4[] = {"--connect", P.url, "--token", P.admin, "tail", "--exit-when-idle", "--wait", "100",
                           NULL};
    CHECK(run(tail4) == 1 && strstr(ERR, "error: forbidden"));
}

/* Make n events in a case of gemeente-tilburg's, each a `regie` command;
 * wait=false starts them all at once and returns the pids. */
static void gem_events(const char *c, int n, int *req_no)
{
    for (int i = 0; i < n; i++) {
        char q[64];
        snprintf(q, sizeof q, "question %d?", ++*req_no);
        regie(anna, "info", "request", "--case", c, "--org", "gemeente-tilburg", "--question", q,
              (const char *)NULL);
        if (RC != 0) show("info request", __LINE__);
    }
}

static size_t file_seqs(const char *path, uint64_t *out, size_t n, size_t cap)
{
    static char buf[OUT_MAX];
    read_file(path, buf, sizeof buf);
    return seqs_of(buf, true, out, n, cap);
}

static uint64_t cursor_of(const char *path)
{
    char buf[64];
    if (read_file(path, buf, sizeof buf) <= 0) return 0;
    return strtoull(buf, NULL, 10);
}

/* A running tail, stopped by SIGTERM while events are being written, then
 * resumed from its cursor file: every event of the feed exactly once.  And
 * resumed from the last seq it printed (--after): the same. */
static void test_tail_stop_and_resume(void)
{
    static uint64_t got[4096], want[4096], by_after[4096];
    char c[32], out1[700], err1[700], cursor[700], out2[700], err2[700];
    snprintf(out1, sizeof out1, "%s/tail1.out", dir);
    snprintf(err1, sizeof err1, "%s/tail1.err", dir);
    snprintf(out2, sizeof out2, "%s/tail2.out", dir);
    snprintf(err2, sizeof err2, "%s/tail2.err", dir);
    snprintf(cursor, sizeof cursor, "%s/gem.cursor", dir);
    int req_no = 0;

    /* A fresh case gemeente-tilburg takes part in. */
    OK(pol, "case", "report", "--target-group", "overig", "--urgency", "normal", "--summary", "tail",
       "--informed", "--subject", "name=T. Tail");
    snprintf(c, sizeof c, "%s", j_s(J, "case"));
    REQUIRE(c[0]);
    OK(anna, "case", "assign", "--case", c, "--procesregisseur", "anna");
    OK(anna, "intake", "start", "--case", c);
    OK(anna, "intake", "decide", "--case", c, "--admit", "--reason", "r", "--criteria", "multi_domain");
    OK(anna, "partner", "join", "--case", c, "--org", "gemeente-tilburg");

    /* tail follows, with a short long-poll so SIGTERM is acted on soon. */
    const char *tail[] = {"--connect", P.url, "--token", gem, "tail", "--json", "--cursor", cursor, "--wait",
                          "300", "--page", "4", NULL};
    pid_t t = spawn_regie(NULL, tail, out1, err1);
    REQUIRE(t > 0);
    size_t nwant = feed_seqs(gem, 0, want, 4096);
    REQUIRE(nwant > 0);
    /* Wait until it has caught up with the feed so far. */
    size_t n1 = 0;
    for (int i = 0; i < 1200 && n1 < nwant; i++) {
        sleep_ms(50);
        n1 = file_seqs(out1, got, 0, 4096);
    }
    CHECK(n1 == nwant);
    /* New events while it follows: it prints them too. */
    gem_events(c, 5, &req_no);
    nwant = feed_seqs(gem, 0, want, 4096);
    for (int i = 0; i < 1200 && n1 < nwant; i++) {
        sleep_ms(50);
        n1 = file_seqs(out1, got, 0, 4096);
    }
    CHECK(n1 == nwant);
    /* Now stop it while more events are being written: start a burst of
     * commands without waiting for them, then SIGTERM the tail. */
    pid_t burst[8];
    int nb = 0;
    for (int i = 0; i < 8; i++) {
        char q[64], bo[700], be[700];
        snprintf(q, sizeof q, "burst %d?", i);
        snprintf(bo, sizeof bo, "%s/burst%d.out", dir, i);
        snprintf(be, sizeof be, "%s/burst%d.err", dir, i);
        const char *args[] = {"--connect", P.url, "--token", anna, "info", "request", "--case", c, "--org",
                              "gemeente-tilburg", "--question", q, NULL};
        pid_t p = spawn_regie(NULL, args, bo, be);
        if (p > 0) burst[nb++] = p;
        if (i == 3) kill(t, SIGTERM);
    }
    int st = wait_status(t);
    CHECK(st == 0);
    for (int i = 0; i < nb; i++) CHECK(wait_status(burst[i]) == 0);
    n1 = file_seqs(out1, got, 0, 4096);
    uint64_t cur = cursor_of(cursor);
    REQUIRE(n1 > 0);
    /* The cursor covers exactly what was printed: at or past the last
     * printed seq, and before the next event of the feed. */
    nwant = feed_seqs(gem, 0, want, 4096);
    CHECK(cur >= got[n1 - 1]);
    CHECK(n1 >= nwant || cur < want[n1]);
    /* More events while nobody follows. */
    gem_events(c, 3, &req_no);

    /* Resume from the cursor file: the rest, nothing twice. */
    const char *resume[] = {"--connect", P.url, "--token", gem, "tail", "--json", "--cursor", cursor, "--wait",
                            "300", "--page", "4", "--exit-when-idle", NULL};
    pid_t t2 = spawn_regie(NULL, resume, out2, err2);
    REQUIRE(t2 > 0);
    CHECK(wait_status(t2) == 0);
    size_t n_all = file_seqs(out2, got, n1, 4096);
    nwant = feed_seqs(gem, 0, want, 4096);
    CHECK(same_seqs(got, n_all, want, nwant, "tail stopped and resumed from its cursor"));
    CHECK(cursor_of(cursor) >= want[nwant - 1]);

    /* Resume from the last seq the first run printed, with --after. */
    char after[24];
    snprintf(after, sizeof after, "%llu", (unsigned long long)got[n1 - 1]);
    const char *by_seq[] = {"--connect", P.url, "--token", gem, "tail", "--json", "--after", after, "--wait",
                            "300", "--exit-when-idle", NULL};
    REQUIRE(run(by_seq) == 0);
    memcpy(by_after, got, n1 * sizeof *got);
    size_t n_after = seqs_of(OUT, true, by_after, n1, 4096);
    CHECK(same_seqs(by_after, n_after, want, nwant, "tail resumed with --after the last printed seq"));

    /* A third run from the cursor prints nothing: it is at the end. */
    REQUIRE(run(resume) == 0);
    CHECK(OUT[0] == 0);
}

/* --after with a cursor file that does not exist yet starts at --after,
 * not at the beginning (a dashboard seeding its position); once the file
 * exists, the file wins. */
static void test_tail_after_seeds_a_new_cursor(void)
{
    static uint64_t want[4096], got[4096];
    size_t nwant = feed_seqs(gem, 0, want, 4096);
    REQUIRE(nwant > 4);
    char fresh[700], after[24];
    snprintf(fresh, sizeof fresh, "%s/fresh.cursor", dir);
    snprintf(after, sizeof after, "%llu", (unsigned long long)want[nwant - 4]);
    const char *fresh_tail[] = {"--connect", P.url, "--token", gem, "tail", "--json", "--cursor", fresh, "--after",
                                after, "--wait", "300", "--exit-when-idle", NULL};
    REQUIRE(run(fresh_tail) == 0);
    size_t nf = seqs_of(OUT, true, got, 0, 4096);
    CHECK(same_seqs(got, nf, want + nwant - 3, 3, "tail --after N --cursor NEWFILE"));
    CHECK(cursor_of(fresh) >= want[nwant - 1]);
    /* The file exists now: it wins over --after. */
    REQUIRE(run(fresh_tail) == 0);
    CHECK(OUT[0] == 0);
}

/* A tail killed with SIGKILL at any moment may print a page again on
 * resume (documented) but never skips one. */
static void test_tail_sigkill_never_skips(void)
{
    static uint64_t got[4096], want[4096];
    char c[32], out1[700], err1[700], cursor[700];
    snprintf(out1, sizeof out1, "%s/tailk.out", dir);
    snprintf(err1, sizeof err1, "%s/tailk.err", dir);
    snprintf(cursor, sizeof cursor, "%s/gemk.cursor", dir);
    int req_no = 100;
    OK(pol, "case", "report", "--target-group", "overig", "--urgency", "normal", "--summary", "kill",
       "--informed", "--subject", "name=K. Kill");
    snprintf(c, sizeof c, "%s", j_s(J, "case"));
    OK(anna, "case", "assign", "--case", c, "--procesregisseur", "anna");
    OK(anna, "intake", "start", "--case", c);
    OK(anna, "intake", "decide", "--case", c, "--admit", "--reason", "r", "--criteria", "multi_domain");
    OK(anna, "partner", "join", "--case", c, "--org", "gemeente-tilburg");
    gem_events(c, 4, &req_no);
    const char *tail[] = {"--connect", P.url, "--token", gem, "tail", "--json", "--cursor", cursor, "--wait",
                          "300", "--page", "2", NULL};
    pid_t t = spawn_regie(NULL, tail, out1, err1);
    REQUIRE(t > 0);
    size_t n = 0;
    for (int i = 0; i < 1200 && n < 3; i++) {
        sleep_ms(20);
        n = file_seqs(out1, got, 0, 4096);
    }
    kill(t, SIGKILL);
    wait_status(t);
    n = file_seqs(out1, got, 0, 4096);
    gem_events(c, 2, &req_no);
    const char *resume[] = {"--connect", P.url, "--token", gem, "tail", "--json", "--cursor", cursor, "--wait",
                            "300", "--exit-when-idle", NULL};
    REQUIRE(run(resume) == 0);
    size_t m = seqs_of(OUT, true, got, n, 4096);
    size_t nwant = feed_seqs(gem, 0, want, 4096);
    /* Every event of the feed appears; a repeat only of what came right
     * before the cursor. */
    size_t w = 0;
    for (size_t i = 0; i < m && w < nwant; i++)
        if (got[i] == want[w]) w++;
    CHECK(w == nwant);
    if (w != nwant) same_seqs(got, m, want, nwant, "tail after SIGKILL");
}

/* Text with quotes, backslashes, control characters and UTF-8 comes back
 * from --json as valid JSON holding exactly what was given; the queries of
 * the contract work from the command line. */
static void test_json_and_queries(void)
{
    const char *summary = "he said \"stop\"\\ then\tleft\nnext day: caf\xc3\xa9 \xe2\x82\xac 5";
    OK(vt, "case", "report", "--target-group", "huiselijk_geweld", "--urgency", "high", "--summary", summary,
       "--informed", "false", "--exemption", "safety of the children", "--subject",
       "name=Zo\xc3\xab \xc3\x87" "elik", "--subject", "note=a=b,c");
    char c[32];
    snprintf(c, sizeof c, "%s", j_s(J, "case"));
    REQUIRE(c[0]);
    CHECK(strcmp(j_s(J, "events.0.data.summary"), summary) == 0);
    CHECK(strcmp(j_s(J, "events.0.data.subject.name"), "Zo\xc3\xab \xc3\x87" "elik") == 0);
    CHECK(strcmp(j_s(J, "events.0.data.subject.note"), "a=b,c") == 0);
    CHECK(j_get(J, "events.0.data.informed") && !j_true(J, "events.0.data.informed"));
    CHECK(strcmp(j_s(J, "events.0.data.exemption"), "safety of the children") == 0);
    REQUIRE(get_case(vt, c));
    CHECK(strcmp(cs("subject.name"), "Zo\xc3\xab \xc3\x87" "elik") == 0);

    /* cases list, by state; stats; and the admin's log verify and audit read. */
    OK(anna, "cases", "list", "--state", "archived");
    CHECK(j_has(J, "cases", "id", CASE_A) && j_has(J, "cases", "id", CASE_R));
    CHECK(!j_has(J, "cases", "id", c));
    OK(anna, "cases", "list", "--stagnating");
    CHECK(j_len(J, "cases") == 0);
    OK(vt, "cases", "list");
    CHECK(j_has(J, "cases", "id", c) && !j_has(J, "cases", "id", CASE_A));     /* need to know */
    OK(mgr, "stats");
    CHECK(j_u(J, "cases.archived") >= 2 && j_u(J, "total") >= 3);
    CHECK(!strstr(OUT, "Jansen"));                                            /* no personal data */
    OK(P.admin, "log", "verify");
    CHECK(j_true(J, "intact") && j_u(J, "checked") > 0);
    OK(P.admin, "audit", "read");
    CHECK(j_len(J, "records") > 0);
    OK(P.admin, "clock", "advance", "--ms", "1000");
}

/* tail stops promptly on SIGTERM (or ^C) even in the middle of a long
 * poll, rather than when the poll ends.  Generous: a minute, against the
 * five minutes the poll would last. */
static void test_tail_stops_promptly(void)
{
    char o[700], e[700];
    snprintf(o, sizeof o, "%s/tailp.out", dir);
    snprintf(e, sizeof e, "%s/tailp.err", dir);
    const char *tail[] = {"--connect", P.url, "--token", vt, "tail", "--json", "--wait", "300000", NULL};
    pid_t t = spawn_regie(NULL, tail, o, e);
    REQUIRE(t > 0);
    /* Once it printed its first page its signal handling is in place and it
     * goes on to a long poll: nothing new comes in for it. */
    bool printed = false;
    for (int i = 0; i < 1200 && !printed; i++) {
        sleep_ms(50);
        printed = read_file(o, ERR, sizeof ERR) > 0;
    }
    CHECK(printed);
    sleep_ms(300);
    kill(t, SIGTERM);
    CHECK(rg_t_wait_exit(t, 60) == 0);      /* says so if tail still ran a minute later */
}

/* tail --cursor across an engine SIGKILL: the next run prints exactly what
 * came after the last page saved, nothing lost and nothing twice. */
static void test_tail_cursor_across_an_engine_kill(void)
{
    static uint64_t got[4096], want[4096];
    char c[32], cursor[700];
    snprintf(cursor, sizeof cursor, "%s/gemr.cursor", dir);
    int req_no = 200;
    const char *tail[] = {"--connect", P.url, "--token", gem, "tail", "--json", "--cursor", cursor, "--wait",
                          "300", "--exit-when-idle", NULL};
    REQUIRE(run(tail) == 0);
    size_t n = seqs_of(OUT, true, got, 0, 4096);
    OK(pol, "case", "report", "--target-group", "overig", "--urgency", "normal", "--summary", "again",
       "--informed", "--subject", "name=L. Visser");
    snprintf(c, sizeof c, "%s", j_s(J, "case"));
    OK(anna, "case", "assign", "--case", c, "--procesregisseur", "anna");
    OK(anna, "intake", "start", "--case", c);
    OK(anna, "intake", "decide", "--case", c, "--admit", "--reason", "several domains", "--criteria",
       "multi_domain");
    OK(anna, "partner", "join", "--case", c, "--org", "gemeente-tilburg");
    CHECK(rg_t_proc_stop(&P, SIGKILL) == 128 + SIGKILL);
    REQUIRE(rg_t_proc_start(&P, dir, CLOCK) == 0);
    gem_events(c, 2, &req_no);
    REQUIRE(run(tail) == 0);
    n = seqs_of(OUT, true, got, n, 4096);
    size_t nwant = feed_seqs(gem, 0, want, 4096);
    CHECK(same_seqs(got, n, want, nwant, "tail --cursor across an engine SIGKILL"));
    REQUIRE(run(tail) == 0);
    CHECK(OUT[0] == 0);                                 /* nothing new: nothing printed */
}

/* A tail left running follows the engine across a restart by itself. */
static void test_tail_follows_an_engine_restart(void)
{
    char o[700], e[700], c[32];
    snprintf(o, sizeof o, "%s/tailf.out", dir);
    snprintf(e, sizeof e, "%s/tailf.err", dir);
    uint64_t head[4096];
    size_t nhead = feed_seqs(mgr, 0, head, 4096);
    char after[24];
    snprintf(after, sizeof after, "%llu", nhead ? (unsigned long long)head[nhead - 1] : 0ULL);
    const char *tail[] = {"--connect", P.url, "--token", mgr, "tail", "--json", "--after", after, "--wait",
                          "500", NULL};
    pid_t t = spawn_regie(NULL, tail, o, e);
    REQUIRE(t > 0);
    CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);
    REQUIRE(rg_t_proc_start(&P, dir, CLOCK) == 0);
    OK(pol, "case", "report", "--target-group", "overig", "--urgency", "normal", "--summary",
       "after the restart", "--informed", "--subject", "name=P. Smit");
    snprintf(c, sizeof c, "%s", j_s(J, "case"));
    static char buf[OUT_MAX];
    bool seen = false;
    for (int i = 0; i < 1200 && !seen; i++) {
        read_file(o, buf, sizeof buf);
        seen = strstr(buf, c) != NULL;
        if (!seen) sleep_ms(50);
    }
    kill(t, SIGTERM);
    CHECK(wait_status(t) == 0);
    CHECK(seen);
}


/* ---- regie alerts ---- */

/* The alert numbers of JSON lines ("alert" of each). */
static size_t alert_numbers(const char *text, uint64_t *out, size_t cap)
{
    char *copy = strdup(text), *save = NULL;
    size_t n = 0;
    for (char *line = strtok_r(copy, "\n", &save); line && n < cap; line = strtok_r(NULL, "\n", &save)) {
        jv *v = j_parse(line);
        if (v && j_get(v, "alert")) out[n++] = j_u(v, "alert");
        else printf("  alerts printed a line that is not an alert: %.200s\n", line);
        j_free(v);
    }
    free(copy);
    return n;
}

/* The whole inbox of token (regie alerts list), oldest first. */
static size_t inbox(const char *token, uint64_t *out, size_t cap)
{
    if (regie(token, "alerts", "list", "--all", "--limit", "1000", (const char *)NULL) != 0 || !J) {
        show("alerts list", __LINE__);
        rg_t_failed = 1;
        return 0;
    }
    size_t n = j_len(J, "alerts");
    for (size_t i = 0; i < n && i < cap; i++) {
        char path[64];
        snprintf(path, sizeof path, "alerts.%zu.alert", i);
        out[i] = j_u(J, path);
    }
    return n < cap ? n : cap;
}

static void test_alerts(void)
{
    static uint64_t want[1024], got[1024];
    char o[700], e[700], c[32], after[24];
    snprintf(o, sizeof o, "%s/alerts.out", dir);
    snprintf(e, sizeof e, "%s/alerts.err", dir);
    /* A fresh case of anna's, whose intake.start lapses in two working days. */
    OK(pol, "case", "report", "--target-group", "overig", "--urgency", "normal", "--summary", "alerts",
       "--informed", "--subject", "name=A. Lert");
    snprintf(c, sizeof c, "%s", j_s(J, "case"));
    OK(anna, "case", "assign", "--case", c, "--procesregisseur", "anna");
    /* What there is so far, once each, oldest first. */
    size_t n0 = inbox(anna, want, 1024);
    for (size_t i = 1; i < n0; i++) CHECK(want[i] > want[i - 1]);
    const char *now[] = {"--connect", P.url, "--token", anna, "--json", "alerts", "--exit-when-idle", "--wait", "100",
                         NULL};
    CHECK(run(now) == 0);
    CHECK(same_seqs(got, alert_numbers(OUT, got, 1024), want, n0, "alerts --exit-when-idle"));
    /* Following: new alerts as they are raised, woken on anna's alerts topic. */
    const char *follow[] = {"--connect", P.url, "--token", anna, "--json", "alerts", "--publish", P.pub, "--wait",
                            "60000", NULL};
    pid_t t = spawn_regie(NULL, follow, o, e);
    REQUIRE(t > 0);
    static char buf[OUT_MAX];
    size_t n = 0;
    for (int i = 0; i < 1200 && n < n0; i++) {
        if (n0) sleep_ms(50);
        read_file(o, buf, sizeof buf);
        n = alert_numbers(buf, got, 1024);
    }
    sleep_ms(300);                                      /* subscribed by now */
    OK(P.admin, "clock", "advance", "--ms", "259200000");   /* three days */
    size_t nwant = inbox(anna, want, 1024);
    CHECK(nwant > n0);
    bool lapsed = false;
    for (size_t i = 0; J && i < j_len(J, "alerts"); i++) {
        char p1[64], p2[64], p3[64];
        snprintf(p1, sizeof p1, "alerts.%zu.case", i);
        snprintf(p2, sizeof p2, "alerts.%zu.norm", i);
        snprintf(p3, sizeof p3, "alerts.%zu.kind", i);
        lapsed |= !strcmp(j_s(J, p1), c) && !strcmp(j_s(J, p2), "intake.start") && !strcmp(j_s(J, p3), "stagnation");
    }
    CHECK(lapsed);
    for (int i = 0; i < 1200 && n < nwant; i++) {
        sleep_ms(50);
        read_file(o, buf, sizeof buf);
        n = alert_numbers(buf, got, 1024);
    }
    kill(t, SIGTERM);
    CHECK(wait_status(t) == 0);
    read_file(o, buf, sizeof buf);
    CHECK(same_seqs(got, alert_numbers(buf, got, 1024), want, nwant, "regie alerts following"));
    /* Resumed after the last one it printed before the advance. */
    REQUIRE(nwant > 0);
    snprintf(after, sizeof after, "%llu", (unsigned long long)(n0 ? want[n0 - 1] : 0));
    const char *resume[] = {"--connect", P.url, "--token", anna, "--json", "alerts", "--after", after,
                            "--exit-when-idle", "--wait", "100", NULL};
    CHECK(run(resume) == 0);
    CHECK(same_seqs(got, alert_numbers(OUT, got, 1024), want + n0, nwant - n0, "regie alerts --after"));
    /* An acknowledged alert leaves the open ones. */
    char first[24];
    snprintf(first, sizeof first, "%llu", (unsigned long long)want[n0]);
    OK(anna, "alert", "ack", "--alert", first);
    const char *open[] = {"--connect", P.url, "--token", anna, "--json", "alerts", "--open", "--after", after,
                          "--exit-when-idle", "--wait", "100", NULL};
    CHECK(run(open) == 0);
    CHECK(same_seqs(got, alert_numbers(OUT, got, 1024), want + n0 + 1, nwant - n0 - 1, "regie alerts --open"));
    /* --count, and the human form. */
    const char *one[] = {"--connect", P.url, "--token", anna, "alerts", "--count", "1", NULL};
    /* One alert: its line, and under it the alert in words. */
    CHECK(run(one) == 0 && strncmp(OUT, "ALERT ", 6) == 0 && !strstr(OUT + 1, "ALERT ") &&
          strstr(OUT, "\n      ") && strstr(OUT, "Expected of you: "));
    /* Someone else's alerts are not anna's: bert has none of them. */
    size_t nb = inbox(bert, got, 1024);
    for (size_t i = 0; i < nb; i++)
        for (size_t k = 0; k < nwant; k++) CHECK(got[i] != want[k]);
    const char *bert_alerts[] = {"--connect", P.url, "--token", bert, "--json", "alerts", "--exit-when-idle",
                                 "--wait", "100", NULL};
    CHECK(run(bert_alerts) == 0);
    CHECK(strstr(OUT, c) == NULL);                      /* not bert's case */
    /* The caller is the token's actor: there is no --actor, and no token is no alerts. */
    const char *by_id[] = {"--connect", P.url, "--token", anna, "alerts", "--actor", "anna", NULL};
    CHECK(run(by_id) == 2);
    const char *notok[] = {"--connect", P.url, "alerts", NULL};
    CHECK(run(notok) == 2 && strstr(ERR, "no token"));
}

/* ---- the routes (issue 17) ---- */

/* The region of the routes' engine: no national norm exists for MDA++ or
 * the Levensloopaanpak (DOMAIN.md), so each is the region's own. */
#define ROUTES_CONF                                                             \
    "mda.norm.review = 28            # MDA++: a review every four weeks\n"     \
    "[zvh]\n"                                                                   \
    "triage.day = tuesday            # reports in before Monday 12:00: Tuesday\n" \
    "triage.cutoff = monday 12:00\n"                                            \
    "mda.cap = 1                     # open MDA++ cases per procesregisseur\n"
#define ROUTES_START "manual=2027-01-04T08:00:00Z"          /* Monday 09:00 in Amsterdam */
#define WEEK_MS 604800000LL
#define DAY_MS 86400000LL

static char *rconfig;
static char lla[128];     /* a partner of the Levensloopaanbieder */

static int64_t iso_ms(const char *s)
{
    int64_t ms = 0;
    bool date_only;
    if (!s || !*s || !rg_parse_iso(s, (uint32_t)strlen(s), &ms, &date_only)) return 0;
    return ms;
}

/* The due time of the norm in CASE's deadlines (list "deadlines") or open
 * stagnations ("stagnations"); 0 when it has none. */
static int64_t due_of(const char *list, const char *norm)
{
    char path[64];
    snprintf(path, sizeof path, "case.%s", list);
    const jv *a = j_get(CASE, path);
    for (size_t i = 0; a && a->t == J_ARR && i < a->n; i++)
        if (!strcmp(j_s(a->items[i], "norm"), norm)) return iso_ms(j_s(a->items[i], "due"));
    return 0;
}

/* The engine's clock, from a clock advance of 0. */
static int64_t clock_now(void)
{
    if (regie(P.admin, "clock", "advance", "--ms", "0", "--new", (const char *)NULL) != 0 || !J) return 0;
    return iso_ms(j_s(J, "now"));
}

/* Move the manual clock by ms; the new reading (0 on failure). */
static int64_t clock_by(int64_t ms)
{
    char n[32];
    snprintf(n, sizeof n, "%lld", (long long)ms);
    if (regie(P.admin, "clock", "advance", "--ms", n, "--new", (const char *)NULL) != 0 || !J) {
        show("clock advance", __LINE__);
        rg_t_failed = 1;
        return 0;
    }
    return iso_ms(j_s(J, "now"));
}

/* The local date `days` after ms, as YYYY-MM-DD. */
static const char *date_after(int64_t ms, int days)
{
    static char out[16];
    int y, m, d, hh, mm, ss, msec;
    rg_cal_to_local(rg_cal_add_days(ms, days), &y, &m, &d, &hh, &mm, &ss, &msec);
    snprintf(out, sizeof out, "%04d-%02d-%02d", y, m, d);
    return out;
}

/* token's alerts on case c (of kind and norm when given), from alerts list. */
static int alerts_on(const char *token, const char *c, const char *kind, const char *norm)
{
    if (regie(token, "alerts", "list", "--limit", "1000", (const char *)NULL) != 0 || !J) return -1;
    int n = 0;
    for (size_t i = 0; i < j_len(J, "alerts"); i++) {
        const jv *a = j_get(J, "alerts")->items[i];
        n += !strcmp(j_s(a, "case"), c) && (!kind || !strcmp(j_s(a, "kind"), kind)) &&
             (!norm || !strcmp(j_s(a, "norm"), norm));
    }
    return n;
}

/* The case has no open stagnation (CASE: the last case get). */
static bool no_stagnation(const char *c, int line)
{
    if (j_len(CASE, "case.stagnations") == 0) return true;
    printf("  %s:%d: %s has %zu open stagnation(s), the first %s\n", __FILE__, line, c,
           j_len(CASE, "case.stagnations"), j_s(CASE, "case.stagnations.0.norm"));
    return false;
}
#define NO_STAGNATION(c) CHECK(no_stagnation(c, __LINE__))

/* Whether the event types of c's history (as token reads it) hold `order`
 * in that order (others in between). */
static bool history_in_order(const char *token, const char *c, const char *const *order)
{
    static char types[65536];
    if (!history(token, c, types, sizeof types, NULL)) return false;
    const char *p = types;
    for (const char *const *t = order; *t; t++) {
        const char *q = strstr(p, *t);
        if (!q) {
            printf("  the history of %s lacks %s after position %ld\n", c, *t, (long)(p - types));
            return false;
        }
        p = q + strlen(*t);
    }
    return true;
}

/* A fresh engine for the routes, on the region ROUTES_CONF: the Levensloop
 * case moves its clock two years, which the cases above need not live
 * through. */
static void test_routes_engine(void)
{
    CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);
    rg_t_rmrf(dir);
    free(dir);
    dir = rg_t_tmpdir();
    rconfig = rg_t_write_file("routes.conf", ROUTES_CONF);
    REQUIRE(rconfig);
    const char *args[] = {"--clock", ROUTES_START, "--config", rconfig, NULL};
    REQUIRE(rg_t_proc_start(&P, dir, args) == 0);
    token_of("vt1", "partner", "veilig-thuis", vt);
    token_of("gem1", "partner", "gemeente-tilburg", gem);
    token_of("ggz1", "partner", "ggz", ggz);
    token_of("pol1", "partner", "police", pol);
    token_of("lla1", "partner", "levensloopaanbieder-brabant", lla);
    token_of("anna", "procesregisseur", "zvh", anna);
    token_of("bert", "procesregisseur", "zvh", bert);
    token_of("mgr1", "manager", "zvh", mgr);
    REQUIRE(vt[0] && gem[0] && ggz[0] && pol[0] && lla[0] && anna[0] && bert[0] && mgr[0]);
}

static char CASE_M[32];   /* the MDA++ case, closed; its aftercare check falls in the Levensloop years */

/* MDA++ (CONTRACT.md, "Routes"): after plan.agreed the case enters
 * direct_safety, then phase.advance through stable_safety, recovery and
 * monitoring; phase.relapse from any later phase back to direct_safety,
 * counted per case; actions, reviews, revisions and escalations in every
 * phase; case.close from monitoring. */
static void test_mda_route(void)
{
    char c[32], c2[32];
    OK(vt, "case", "report", "--route", "mda", "--target-group", "huiselijk_geweld", "--urgency", "high",
       "--summary", "structureel onveilig; de reguliere inzet is maximaal beproefd", "--informed", "--subject",
       "name=Familie de Vries");
    snprintf(c, sizeof c, "%s", j_s(J, "case"));
    REQUIRE(c[0]);
    snprintf(CASE_M, sizeof CASE_M, "%s", c);
    STATE(mgr, c, "reported");
    CHECK(strcmp(cs("route"), "mda") == 0 && strcmp(cs("reporter_org"), "veilig-thuis") == 0);
    /* The region triages on Tuesdays: in before Monday 12:00, due at the end
     * of Tuesday 5 January, not two working days on. */
    CHECK(due_of("deadlines", "intake.start") == iso_ms("2027-01-06T00:00:00+01:00"));

    OK(anna, "case", "assign", "--case", c, "--procesregisseur", "anna");
    OK(anna, "intake", "start", "--case", c);
    /* No provider or casusregisseur for an MDA++ case: that is the
     * Levensloopaanpak's inclusion table. */
    FAILS("bad_request", anna, "intake", "decide", "--case", c, "--admit", "--reason", "x", "--criteria", "system",
          "--provider", "levensloopaanbieder-brabant", "--casusregisseur", "gemeente-tilburg");
    OK(anna, "intake", "decide", "--case", c, "--admit", "--reason", "structureel onveilig", "--criteria",
       "system,multi_chain");
    STATE(anna, c, "analysis");

    /* The region caps open MDA++ cases at one per procesregisseur: a second
     * goes to bert, who refers it back to Veilig Thuis. */
    OK(vt, "case", "report", "--route", "mda", "--target-group", "huiselijk_geweld", "--urgency", "normal",
       "--summary", "zorgen over de kinderen", "--informed", "--subject", "name=Familie Bakker");
    snprintf(c2, sizeof c2, "%s", j_s(J, "case"));
    FAILS("guard_failed", mgr, "case", "assign", "--case", c2, "--procesregisseur", "anna");
    CHECK(J && strstr(j_s(J, "message"), "cap is 1"));
    OK(bert, "case", "assign", "--case", c2, "--procesregisseur", "bert");
    OK(bert, "intake", "start", "--case", c2);
    OK(bert, "intake", "decide", "--case", c2, "--reject", "--reason", "regular help not yet tried",
       "--referred-to", "veilig-thuis", "--advice", "the local team first");
    STATE(bert, c2, "referred");

    /* 1 gezin, 1 plan, 1 regisseur: the local team's casusregisseur takes part. */
    OK(anna, "partner", "join", "--case", c, "--org", "gemeente-tilburg");
    OK(anna, "meeting", "schedule", "--case", c, "--at", "2027-01-07 10:00", "--orgs", "veilig-thuis,gemeente-tilburg");
    OK(anna, "meeting", "hold", "--case", c, "--attendees", "veilig-thuis,gemeente-tilburg", "--conclusions",
       "one family, one plan, one director");
    OK(anna, "plan", "propose", "--case", c, "--goals", "stop the violence; a safe home", "--casusregisseur",
       "gemeente-tilburg", "--action", "id=m1,owner_org=veilig-thuis,description=safety plan with the family,due=2027-03-31",
       "--action", "id=m2,owner_org=gemeente-tilburg,description=support at home,due=2027-06-30");
    OK(vt, "plan", "agree", "--case", c);
    OK(gem, "plan", "agree", "--case", c);
    STATE(anna, c, "direct_safety");
    /* The route's norms run from the plan: the region reviews MDA++ every
     * 28 days (mda.norm.review); progress within 20 working days. */
    CHECK(due_of("deadlines", "review") == iso_ms("2027-02-01T09:00:00+01:00"));
    CHECK(due_of("deadlines", "progress") == iso_ms("2027-02-01T09:00:00+01:00"));
    CHECK(j_has(CASE, "case.deadlines", "item", "m1") && j_has(CASE, "case.deadlines", "item", "m2"));
    CHECK(cu("relapses") == 0);

    FAILS("invalid_transition", anna, "phase", "relapse", "--case", c, "--reason", "too early");
    CHECK(J && strstr(j_s(J, "message"), "direct_safety"));
    FAILS("invalid_transition", anna, "case", "close", "--case", c, "--reason", "too early");
    CHECK(J && strstr(j_s(J, "message"), "direct_safety"));
    FAILS("forbidden", vt, "phase", "advance", "--case", c, "--reason", "not a partner's step");

    /* direct_safety: a review two weeks on, then on to stable safety. */
    int64_t t = clock_by(2 * WEEK_MS);
    OK(anna, "review", "hold", "--case", c, "--notes", "no new incidents for two weeks");
    OK(anna, "phase", "advance", "--case", c, "--reason", "the violence has stopped");
    CHECK(strcmp(j_s(J, "events.0.type"), "phase.advanced") == 0);
    CHECK(strcmp(j_s(J, "events.0.data.from"), "direct_safety") == 0 &&
          strcmp(j_s(J, "events.0.data.to"), "stable_safety") == 0);
    STATE(anna, c, "stable_safety");
    CHECK(due_of("deadlines", "review") == rg_cal_add_days(t, 28));
    NO_STAGNATION(c);

    /* stable_safety: an action done, and the plan revised and agreed here. */
    OK(vt, "action", "complete", "--case", c, "--action", "m1", "--result", "safety plan signed");
    OK(anna, "plan", "propose", "--case", c, "--goals", "stable safety; then the causes", "--casusregisseur",
       "gemeente-tilburg", "--action", "id=m2,owner_org=gemeente-tilburg,description=support at home,due=2027-06-30",
       "--action", "id=m3,owner_org=veilig-thuis,description=watch over safety,due=2027-12-31");
    STATE(anna, c, "stable_safety");
    /* The same command as for the first plan: --new, or it would be that
     * request again (regie's request ids). */
    OK(gem, "plan", "agree", "--case", c, "--new");
    OK(vt, "plan", "agree", "--case", c, "--new");
    STATE(anna, c, "stable_safety");
    CHECK(j_true(CASE, "case.plan.agreed") && j_has(CASE, "case.deadlines", "item", "m3"));

    clock_by(3 * WEEK_MS);
    OK(anna, "review", "hold", "--case", c, "--notes", "stable for five weeks");
    OK(anna, "phase", "advance", "--case", c, "--reason", "safety is stable");
    STATE(anna, c, "recovery");
    NO_STAGNATION(c);
    /* recovery: an escalation, resolved; the phase stays. */
    OK(anna, "case", "escalate", "--case", c, "--level", "1", "--reason", "no trauma treatment available");
    OK(mgr, "escalation", "resolve", "--case", c, "--decision", "treatment bought in");
    STATE(anna, c, "recovery");
    FAILS("invalid_transition", anna, "case", "close", "--case", c, "--reason", "not yet");
    CHECK(J && strstr(j_s(J, "message"), "recovery"));

    clock_by(3 * WEEK_MS);
    OK(anna, "review", "hold", "--case", c, "--notes", "treatment under way");
    OK(anna, "phase", "advance", "--case", c, "--reason", "the causes are addressed");
    STATE(anna, c, "monitoring");
    FAILS("invalid_transition", anna, "phase", "advance", "--case", c, "--reason", "past monitoring");
    CHECK(J && strstr(j_s(J, "message"), "monitoring"));

    /* A relapse in monitoring: back to direct safety, counted. */
    clock_by(2 * WEEK_MS);
    OK(anna, "phase", "relapse", "--case", c, "--reason", "a new incident reported by the police");
    CHECK(strcmp(j_s(J, "events.0.type"), "phase.relapsed") == 0 &&
          strcmp(j_s(J, "events.0.data.from"), "monitoring") == 0);
    STATE(anna, c, "direct_safety");
    CHECK(cu("relapses") == 1);
    STATE(mgr, c, "direct_safety");
    CHECK(cu("relapses") == 1);
    {
        const char *human[] = {"--connect", P.url, "--token", anna, "case", "get", "--case", c, NULL};
        CHECK(run(human) == 0 && strstr(OUT, "relapses: 1"));
    }
    NO_STAGNATION(c);
    OK(anna, "review", "hold", "--case", c, "--notes", "safety plan renewed after the incident");
    static const char *const again[] = {"safe again", "stable again", "causes addressed again"};
    for (int i = 0; i < 3; i++) {
        clock_by(WEEK_MS);
        OK(anna, "phase", "advance", "--case", c, "--reason", again[i]);
    }
    STATE(anna, c, "monitoring");
    CHECK(cu("relapses") == 1);
    NO_STAGNATION(c);
    OK(gem, "action", "complete", "--case", c, "--action", "m2", "--result", "support ended as planned");
    OK(anna, "review", "hold", "--case", c, "--notes", "a year without incidents in sight");
    /* Closed from monitoring; Veilig Thuis keeps watching (m3 handed over). */
    OK(anna, "case", "close", "--case", c, "--reason", "safe; Veilig Thuis monitors", "--handover", "m3");
    STATE(anna, c, "closed");
    CHECK(cu("relapses") == 1);
    CHECK(j_len(CASE, "case.deadlines") == 1 && j_has(CASE, "case.deadlines", "norm", "aftercare"));

    static const char *const order[] = {
        "case.reported", "intake.admitted", "plan.agreed", "review.held", "phase.advanced", "action.completed",
        "plan.revision_proposed", "plan.agreed", "phase.advanced", "case.escalated", "escalation.resolved", "phase.advanced",
        "phase.relapsed", "phase.advanced", "phase.advanced", "phase.advanced", "case.closed", NULL};
    CHECK(history_in_order(anna, c, order));
    OK(mgr, "stats");
    CHECK(j_u(J, "relapses") == 1);
    CHECK(j_u(J, "routes.mda.total") == 2 && j_u(J, "routes.mda.open") == 0);
    /* Phases are MDA++'s: the other routes have none. */
    OK(pol, "case", "report", "--target-group", "overig", "--urgency", "normal", "--summary", "noise",
       "--informed", "--subject", "name=K. Smit");
    snprintf(c2, sizeof c2, "%s", j_s(J, "case"));
    OK(anna, "case", "assign", "--case", c2, "--procesregisseur", "anna");
    FAILS("invalid_transition", anna, "phase", "advance", "--case", c2, "--reason", "no phases here");
    OK(anna, "intake", "start", "--case", c2);
    OK(anna, "intake", "decide", "--case", c2, "--reject", "--reason", "one life domain", "--advice", "mediation");
}

/* The Levensloopaanpak (CONTRACT.md, "Routes"): the inclusion table's
 * decision names the Levensloopaanbieder (who joins) and the municipal
 * casusregisseur; execution has no planned end, so the review and progress
 * norms keep running until closure.  Two simulated years, a week at a time. */
static void test_levensloop_route(void)
{
    char c[32];
    OK(ggz, "case", "report", "--route", "levensloop", "--target-group", "verward_gedrag", "--urgency", "high",
       "--summary", "psychiatric disorder, high safety risk", "--informed", "--subject", "name=P. Verbeek",
       "--subject", "birth_date=1979-05-12");
    snprintf(c, sizeof c, "%s", j_s(J, "case"));
    REQUIRE(c[0]);
    STATE(mgr, c, "reported");
    CHECK(strcmp(cs("route"), "levensloop") == 0);
    FAILS("not_found", lla, "case", "get", "--case", c);         /* the provider takes no part yet */
    OK(anna, "case", "assign", "--case", c, "--procesregisseur", "anna");
    OK(anna, "intake", "start", "--case", c);
    FAILS("invalid_transition", anna, "phase", "advance", "--case", c, "--reason", "no phases here");
    /* The inclusion table names both. */
    FAILS("bad_request", anna, "intake", "decide", "--case", c, "--admit", "--reason", "weegteam: include",
          "--criteria", "multi_domain,local_safety");
    CHECK(J && strstr(j_s(J, "message"), "provider"));
    FAILS("bad_request", anna, "intake", "decide", "--case", c, "--admit", "--reason", "weegteam: include",
          "--criteria", "multi_domain,local_safety", "--provider", "levensloopaanbieder-brabant");
    CHECK(J && strstr(j_s(J, "message"), "casusregisseur"));
    STATE(anna, c, "intake");
    OK(anna, "intake", "decide", "--case", c, "--admit", "--reason", "inclusietafel: included", "--criteria",
       "multi_domain,local_safety", "--provider", "levensloopaanbieder-brabant", "--casusregisseur", "gemeente-tilburg");
    CHECK(strcmp(j_s(J, "events.0.data.provider"), "levensloopaanbieder-brabant") == 0);
    CHECK(strcmp(j_s(J, "events.0.data.casusregisseur"), "gemeente-tilburg") == 0);
    STATE(anna, c, "analysis");
    CHECK(j_has(CASE, "case.participants", "org", "levensloopaanbieder-brabant"));
    CHECK(j_has(CASE, "case.participants", "org", "gemeente-tilburg"));
    /* Both read the case now, from the inclusion on. */
    STATE(lla, c, "analysis");
    STATE(gem, c, "analysis");
    {
        char types[4096];
        CHECK(history(lla, c, types, sizeof types, NULL) && strncmp(types, "intake.admitted", 15) == 0);
    }

    int64_t now = clock_now();
    REQUIRE(now);
    char at[40];
    snprintf(at, sizeof at, "%s 10:00", date_after(now, 2));
    OK(anna, "meeting", "schedule", "--case", c, "--at", at, "--orgs", "ggz,levensloopaanbieder-brabant,gemeente-tilburg");
    OK(anna, "meeting", "hold", "--case", c, "--attendees", "ggz,levensloopaanbieder-brabant,gemeente-tilburg",
       "--conclusions", "one integral levensloopplan");
    char a1[160], a2[160], a3[160];
    snprintf(a1, sizeof a1, "id=l1,owner_org=levensloopaanbieder-brabant,description=weekly contact,due=%s",
             date_after(now, 364));
    snprintf(a2, sizeof a2, "id=l2,owner_org=gemeente-tilburg,description=housing with support,due=%s",
             date_after(now, 182));
    snprintf(a3, sizeof a3, "id=l3,owner_org=ggz,description=treatment,due=%s", date_after(now, 364));
    OK(anna, "plan", "propose", "--case", c, "--goals", "a stable life, treatment, daytime activity", "--casusregisseur",
       "gemeente-tilburg", "--action", a1, "--action", a2, "--action", a3);
    OK(lla, "plan", "agree", "--case", c);
    OK(gem, "plan", "agree", "--case", c);
    OK(ggz, "plan", "agree", "--case", c);
    STATE(anna, c, "execution");
    CHECK(due_of("deadlines", "review") && due_of("deadlines", "progress"));

    /* Two years, a week at a time: a review every three weeks (within six
     * weeks, and within the 20 working days of progress). */
    int64_t mda_aftercare = 0;
    if (get_case(anna, CASE_M)) mda_aftercare = due_of("deadlines", "aftercare");
    int reviews = 0;
    bool steady = true;
    for (int week = 1; week <= 104 && steady; week++) {
        now = clock_by(WEEK_MS);
        REQUIRE(now);
        char note[64];
        if (week % 3 == 0) {
            snprintf(note, sizeof note, "week %d: stable, contact kept", week);
            OK(anna, "review", "hold", "--case", c, "--notes", note);
            reviews++;
        }
        if (week == 20) OK(gem, "action", "complete", "--case", c, "--action", "l2", "--result", "housed with support");
        if (week == 48) {
            OK(lla, "action", "complete", "--case", c, "--action", "l1", "--result", "contact every week of the year");
            OK(ggz, "action", "complete", "--case", c, "--action", "l3", "--result", "treatment stable");
        }
        if (week == 52) {
            /* The levensloopplan for the second year. */
            snprintf(a1, sizeof a1, "id=l4,owner_org=levensloopaanbieder-brabant,description=contact and daytime "
                     "activity,due=%s", date_after(now, 364));
            snprintf(a3, sizeof a3, "id=l5,owner_org=ggz,description=medication check,due=%s", date_after(now, 364));
            OK(anna, "plan", "propose", "--case", c, "--goals", "year two: keep it stable", "--casusregisseur",
               "gemeente-tilburg", "--action", a1, "--action", a3);
            OK(lla, "plan", "agree", "--case", c, "--new");
            OK(ggz, "plan", "agree", "--case", c, "--new");
        }
        if (week == 100) {
            OK(lla, "action", "complete", "--case", c, "--action", "l4", "--result", "a job at the day centre");
            OK(ggz, "action", "complete", "--case", c, "--action", "l5", "--result", "stable on medication");
        }
        /* The closed MDA++ case's aftercare check, from the week before it is due. */
        if (mda_aftercare && now >= mda_aftercare - 7 * DAY_MS) {
            OK(anna, "aftercare", "check", "--case", CASE_M, "--outcome", "no new incidents");
            mda_aftercare = 0;
        }
        if (!get_case(anna, c)) break;
        steady = !strcmp(cs("state"), "execution") && no_stagnation(c, __LINE__) &&
                 due_of("deadlines", "review") > now && due_of("deadlines", "progress") > now;
        if (!steady) printf("  week %d: state %s, review due %s, progress due %s\n", week, cs("state"),
                            j_s(CASE, "case.deadlines.0.due"), j_s(CASE, "case.deadlines.1.due"));
        if (week % 3 == 0) {
            /* The review just held set both again: six weeks, 20 working days. */
            int64_t rv = due_of("deadlines", "review") - now, pg = due_of("deadlines", "progress") - now;
            steady &= rv >= 42 * DAY_MS - 3600000 && rv <= 42 * DAY_MS + 3600000;
            steady &= pg >= 28 * DAY_MS - 3600000 && pg <= 40 * DAY_MS;      /* DST: an hour less */
            if (!steady) printf("  week %d: review due in %lld ms, progress in %lld ms\n", week, (long long)rv,
                                (long long)pg);
        }
    }
    CHECK(steady);
    CHECK(reviews == 34);
    CHECK(mda_aftercare == 0);
    STATE(mgr, CASE_M, "archived");
    /* Two years on: still in execution, the norms still running, and not
     * one alert for anna on this case. */
    STATE(anna, c, "execution");
    CHECK(j_has(CASE, "case.deadlines", "norm", "review") && j_has(CASE, "case.deadlines", "norm", "progress"));
    CHECK(alerts_on(anna, c, NULL, NULL) == 0);

    /* Left alone, the progress norm lapses: a stagnation and an alert. */
    int64_t progress = due_of("deadlines", "progress"), review = due_of("deadlines", "review");
    REQUIRE(progress > now && review > progress);
    now = clock_by(progress - now + 3600000);
    STATE(anna, c, "execution");
    CHECK(due_of("stagnations", "progress") == progress && due_of("deadlines", "review") == review);
    CHECK(alerts_on(anna, c, "stagnation", "progress") == 1);
    OK(anna, "review", "hold", "--case", c, "--notes", "two years on: stable, contact kept");
    STATE(anna, c, "execution");
    NO_STAGNATION(c);

    /* Outflow: closed, the aftercare check three months on. */
    OK(anna, "case", "close", "--case", c, "--reason", "outflow to regular care");
    STATE(anna, c, "closed");
    CHECK(j_len(CASE, "case.deadlines") == 1);
    int64_t aftercare = due_of("deadlines", "aftercare");
    REQUIRE(aftercare > now);
    clock_by(aftercare - now - 2 * DAY_MS);
    OK(anna, "aftercare", "check", "--case", c, "--outcome", "stable in regular care");
    STATE(anna, c, "archived");
    static const char *const order[] = {"case.reported", "intake.admitted", "meeting.held", "plan.agreed",
                                        "review.held", "action.completed", "plan.revision_proposed", "plan.agreed",
                                        "review.held", "stagnation.detected", "stagnation.cleared", "case.closed",
                                        "aftercare.checked", NULL};
    CHECK(history_in_order(anna, c, order));
    OK(mgr, "stats");
    CHECK(j_u(J, "routes.levensloop.total") == 1);
}

static void test_stop(void)
{
    CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);
    j_free(J);
    j_free(CASE);
    J = CASE = NULL;
    rg_t_rmrf(dir);
    free(dir);
    *strrchr(config, '/') = 0;
    rg_t_rmrf(config);
    free(config);
    if (rconfig) {
        *strrchr(rconfig, '/') = 0;
        rg_t_rmrf(rconfig);
        free(rconfig);
    }
}

/* A household (issue 25) through the CLI: --person per person, person add
 * and remove, and case get's persons with their roles and minors. */
static void test_household(void)
{
    char c[32];
    OK(vt, "case", "report", "--target-group", "multi_probleem_gezin", "--urgency", "normal", "--summary",
       "zorgen over het gezin", "--informed", "--person", "role=parent,name=H. de Wit,birth_date=1979-04-05",
       "--person", "role=subject,name=M. de Wit,birth_date=1982-06-07,bsn=739201840", "--person",
       "role=child,name=K. de Wit,birth_date=2016-08-09");
    snprintf(c, sizeof c, "%s", j_s(J, "case"));
    REQUIRE(c[0]);
    FAILS("bad_request", vt, "case", "report", "--target-group", "overig", "--urgency", "normal", "--summary", "x",
          "--informed", "--person", "role=child,name=K. de Wit");
    CHECK(J && strstr(j_s(J, "message"), "role subject"));
    OK(anna, "case", "assign", "--case", c, "--procesregisseur", "anna");
    OK(anna, "person", "add", "--case", c, "--role", "sibling", "--name", "L. de Wit", "--birth-date", "2012-01-02");
    CHECK(strcmp(j_s(J, "person"), "P4") == 0);
    FAILS("bad_request", anna, "person", "add", "--case", c, "--role", "network", "--name", "buurvrouw", "--bsn",
          "123456789");
    OK(anna, "person", "remove", "--case", c, "--person", "P2", "--reason", "woont elders");
    REQUIRE(get_case(anna, c));
    CHECK(strcmp(cs("persons.0.person"), "P1") == 0 && strcmp(cs("persons.0.role"), "subject") == 0);
    CHECK(strcmp(cs("persons.1.person"), "P3") == 0 && strcmp(cs("persons.1.role"), "child") == 0);
    CHECK(strcmp(cs("persons.2.person"), "P4") == 0 && strcmp(cs("persons.2.role"), "sibling") == 0);
    CHECK(j_len(CASE, "case.persons") == 3);
    CHECK(strstr(OUT, "\"minor\":true") && strstr(OUT, "\"minor\":false"));
    CHECK(strcmp(cs("subject.name"), "M. de Wit") == 0);
    /* An action's persons inside its --action item: a list of its own, up
     * to the next field's name (persons=P1,P3,due=...); a comma inside the
     * description stays in it. */
    OK(anna, "intake", "start", "--case", c);
    OK(anna, "intake", "decide", "--case", c, "--admit", "--reason", "zorgen in meerdere domeinen", "--criteria",
       "system");
    OK(anna, "meeting", "schedule", "--case", c, "--at", "2099-12-07 10:00", "--orgs", "veilig-thuis");
    OK(anna, "meeting", "hold", "--case", c, "--attendees", "veilig-thuis", "--conclusions", "een plan");
    OK(anna, "plan", "propose", "--case", c, "--goals", "rust in het gezin", "--action",
       "id=h1,owner_org=veilig-thuis,description=gesprekken, thuis,persons=P1,P3,due=2100-03-31");
    REQUIRE(get_case(anna, c));
    CHECK(strcmp(cs("plan.actions.0.persons.0"), "P1") == 0 && strcmp(cs("plan.actions.0.persons.1"), "P3") == 0);
    CHECK(j_len(CASE, "case.plan.actions.0.persons") == 2 && strcmp(cs("plan.actions.0.due"), "2100-03-31") == 0);
}

int main(void)
{
    RUN(test_setup);
    RUN(test_default_route);
    RUN(test_reentry_route);
    RUN(test_errors);
    RUN(test_stray_word_after_a_one_word_command);
    RUN(test_help_everywhere);
    RUN(test_environment);
    RUN(test_json_and_queries);
    RUN(test_tail_output);
    RUN(test_tail_stop_and_resume);
    RUN(test_tail_after_seeds_a_new_cursor);
    RUN(test_tail_sigkill_never_skips);
    RUN(test_tail_stops_promptly);
    RUN(test_tail_cursor_across_an_engine_kill);
    RUN(test_tail_follows_an_engine_restart);
    RUN(test_alerts);
    RUN(test_routes_engine);
    RUN(test_mda_route);
    RUN(test_levensloop_route);
    RUN(test_household);
    RUN(test_stop);
    return rg_t_exit();
}
