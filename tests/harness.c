/* harness.c - the test harness; see test.h. */
#include "test.h"
#include "../handlers/handlers.h"
#include "../engine/core/bootstrap.h"
#include "../engine/core/snapshot.h"
#include "../engine/core/state.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int rg_t_failed;
static int any_failed;

void rg_t_run(const char *name, void (*fn)(void))
{
    /* Line by line: a test killed by the suite's timeout still shows how
     * far it got. */
    static bool line_buffered;
    if (!line_buffered) setvbuf(stdout, NULL, _IOLBF, 0);
    line_buffered = true;
    rg_t_failed = 0;
    fn();
    printf("%s: %s\n", rg_t_failed ? "FAIL" : "PASS", name);
    fflush(stdout);
    if (rg_t_failed) any_failed = 1;
}

int rg_t_exit(void) { return any_failed; }

char *rg_t_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/regie-test-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpl)) {
        perror("mkdtemp");
        abort();
    }
    return strdup(tmpl);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(path);
}

void rg_t_rmrf(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    /* What an engine keeps beside its data directory (by default its key,
     * DIR.kek, and its erasure ledger, DIR.ledger). */
    char beside[4200];
    snprintf(beside, sizeof beside, "%s.kek", dir);
    remove(beside);
    snprintf(beside, sizeof beside, "%s.ledger", dir);
    remove(beside);
    snprintf(beside, sizeof beside, "%s.sign", dir);        /* the log's signing key */
    remove(beside);
}

void rg_t_reply_free(rg_t_reply *r)
{
    rg_doc_free(r->doc);
    free(r->bytes);
    memset(r, 0, sizeof *r);
}

static void parse_reply(rg_t_reply *r, const uint8_t *p, size_t n)
{
    const char *why;
    rg_doc *d = NULL;
    rg_buf w = RG_BUF_INIT;
    r->trace[0] = 0;
    /* Without its trace (see test.h), written again pair by pair. */
    if (rg_doc_parse(&d, p, n, &why) == 0 && rg_val_type(rg_doc_root(d)) == RG_VMAP &&
        rg_val_strcpy(rg_map_get(rg_doc_root(d), "trace"), r->trace, sizeof r->trace)) {
        const rg_val *m = rg_doc_root(d);
        rg_w_map(&w, rg_map_size(m) - 1);
        for (uint32_t i = 0; i < rg_map_size(m); i++) {
            if (rg_val_is_str(rg_map_key(m, i), "trace")) continue;
            rg_w_val(&w, rg_map_key(m, i));
            rg_w_val(&w, rg_map_value(m, i));
        }
        p = w.data;
        n = w.len;
    }
    r->bytes = rg_malloc(n);
    memcpy(r->bytes, p, n);
    r->len = n;
    if (rg_doc_parse(&r->doc, r->bytes, n, &why) == 0) r->root = rg_doc_root(r->doc);
    rg_doc_free(d);
    rg_buf_free(&w);
}

bool rg_t_ok(const rg_t_reply *r)
{
    bool ok = false;
    return r->root && rg_val_bool(rg_map_get(r->root, "ok"), &ok) && ok;
}

const rg_val *rg_t_get(const rg_t_reply *r, const char *key)
{
    return r->root ? rg_map_get(r->root, key) : NULL;
}

const char *rg_t_err(const rg_t_reply *r)
{
    static char buf[64];
    buf[0] = 0;
    if (!rg_t_ok(r)) rg_val_strcpy(rg_t_get(r, "error"), buf, sizeof buf);
    return buf;
}

uint64_t rg_t_uint(const rg_t_reply *r, const char *key)
{
    uint64_t u = 0;
    rg_val_uint(rg_t_get(r, key), &u);
    return u;
}

const char *rg_t_str(const rg_t_reply *r, const char *key)
{
    static char buf[4096];
    buf[0] = 0;
    rg_val_strcpy(rg_t_get(r, key), buf, sizeof buf);
    return buf;
}

static void read_token(const char *dir, char *out, size_t cap)
{
    char path[700];
    snprintf(path, sizeof path, "%s/admin.token", dir);
    out[0] = 0;
    FILE *f = fopen(path, "r");
    if (!f) return;
    if (fgets(out, (int)cap, f)) out[strcspn(out, "\n")] = 0;
    fclose(f);
}

/* ---- in-process engine ---- */

size_t rg_t_cache_cases;
const char *rg_t_config;
const rg_module *rg_t_module;

char *rg_t_write_file(const char *name, const char *text)
{
    char *dir = rg_t_tmpdir();
    size_t cap = strlen(dir) + strlen(name) + 2;
    char *path = rg_malloc(cap);
    snprintf(path, cap, "%s/%s", dir, name);
    free(dir);
    FILE *f = fopen(path, "w");
    bool ok = f && fputs(text, f) >= 0;
    if (f && fclose(f) != 0) ok = false;
    if (!ok) {
        printf("  cannot write %s: %s\n", path, strerror(errno));
        free(path);
        return NULL;
    }
    return path;
}

int rg_t_local_open(rg_t_local *l, const char *dir)
{
    memset(l, 0, sizeof *l);
    l->dir = dir ? strdup(dir) : rg_t_tmpdir();
    uv_loop_init(&l->loop);
    rg_engine_opts o = {.module = rg_t_module ? rg_t_module : &rg_handlers_module, .dir = l->dir, .cache_cases = rg_t_cache_cases, .config = rg_t_config};
    /* RG_TEST_CACHE_CASES=1 runs any in-process test with a cache of one
     * case, so every other case is read back from RocksDB. */
    const char *cc = getenv("RG_TEST_CACHE_CASES");
    if (cc && !o.cache_cases) o.cache_cases = (size_t)atol(cc);
    o.clock.manual = true;
    o.clock.now_ms = 1764579600000ULL;     /* 2025-12-01T09:00:00Z */
    int rc = rg_engine_open(&l->e, &l->loop, &o);
    if (rc < 0) return rc;
    rc = rg_bootstrap_admin(l->e, l->dir);
    read_token(l->dir, l->admin, sizeof l->admin);
    rg_engine_start(l->e);
    return rc;
}

void rg_t_local_close(rg_t_local *l, bool remove_dir)
{
    if (l->e) {
        while (rg_engine_busy(l->e)) uv_run(&l->loop, UV_RUN_ONCE);
        rg_engine_close(l->e);
        uv_run(&l->loop, UV_RUN_DEFAULT);
    }
    if (uv_loop_close(&l->loop) != 0) {
        printf("  loop closed with handles still open\n");
        rg_t_failed = 1;
    }
    if (remove_dir) rg_t_rmrf(l->dir);
    free(l->dir);
    l->e = NULL;
}

typedef struct pending_call {
    rg_t_reply *out;
    int *done;
} pending_call;

static void local_reply(void *ud, const uint8_t *p, size_t n)
{
    pending_call *pc = ud;
    parse_reply(pc->out, p, n);
    (*pc->done)++;
    free(pc);
}

void rg_t_local_submit(rg_t_local *l, const rg_buf *req, rg_t_reply *out, int *done)
{
    pending_call *pc = rg_malloc(sizeof *pc);
    pc->out = out;
    pc->done = done;
    memset(out, 0, sizeof *out);
    rg_engine_submit(l->e, req->data, req->len, local_reply, pc);
}

void rg_t_local_run_until(rg_t_local *l, int *done, int count)
{
    while (*done < count) uv_run(&l->loop, UV_RUN_ONCE);
}

void rg_t_local_settle(rg_t_local *l)
{
    while (rg_engine_busy(l->e)) uv_run(&l->loop, UV_RUN_ONCE);
}

int rg_t_local_call(rg_t_local *l, const rg_buf *req, rg_t_reply *out)
{
    int done = 0;
    rg_t_local_submit(l, req, out, &done);
    rg_t_local_run_until(l, &done, 1);
    return out->root ? 0 : -1;
}

/* ---- real regied ---- */

int rg_t_proc_start(rg_t_proc *p, const char *dir, const char *const *extra)
{
    const char *bin = getenv("REGIED");
    if (!bin) bin = "bin/regied";
    snprintf(p->dir, sizeof p->dir, "%s", dir);
    snprintf(p->url, sizeof p->url, "ipc://%s/rep.ipc", dir);
    snprintf(p->pub, sizeof p->pub, "ipc://%s/pub.ipc", dir);
    const char *argv[32] = {bin, "--data", p->dir, "--listen", p->url, "--publish", p->pub};
    int argc = 7;
    /* No HTTP unless the test asks for it: tests run side by side, and
     * the default port is one. */
    bool http = false;
    for (int i = 0; extra && extra[i]; i++) http |= strcmp(extra[i], "--http") == 0;
    if (!http) {
        argv[argc++] = "--http";
        argv[argc++] = "off";
    }
    for (int i = 0; extra && extra[i] && argc < 30; i++) argv[argc++] = extra[i];
    argv[argc] = NULL;
    char logpath[700];
    snprintf(logpath, sizeof logpath, "%s/regied.log", dir);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
    int rc = posix_spawn(&p->pid, bin, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        printf("  cannot start %s: %s\n", bin, strerror(rc));
        return -1;
    }
    /* Ready when a query answers. */
    rg_client *c;
    if (rg_client_open(&c, p->url, 1000, NULL) < 0) return -1;
    for (int i = 0; i < 600; i++) {
        read_token(p->dir, p->admin, sizeof p->admin);
        if (p->admin[0]) {
            rg_buf b = RG_BUF_INIT;
            rg_req_envelope(&b, "stats", p->admin, NULL, NULL, -1, -1);
            rg_t_reply r = {0};
            int ok = rg_t_proc_call(p, c, &b, &r) == 0 && rg_t_ok(&r);
            rg_t_reply_free(&r);
            rg_buf_free(&b);
            if (ok) {
                rg_client_close(c);
                return 0;
            }
        }
        int status;
        if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
            printf("  regied exited during start-up (see %s)\n", logpath);
            rg_client_close(c);
            return -1;
        }
        struct timespec ts = {0, 50 * 1000000};
        nanosleep(&ts, NULL);
    }
    rg_client_close(c);
    printf("  regied did not become ready\n");
    return -1;
}

int rg_t_wait_exit(pid_t pid, int limit_s)
{
    for (long waited_ms = 0; waited_ms < limit_s * 1000L; waited_ms += 10) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (r < 0 && errno != EINTR) return -1;
        struct timespec ts = {0, 10 * 1000000};
        nanosleep(&ts, NULL);
    }
    printf("  process %d did not end within %d s; killed\n", (int)pid, limit_s);
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
    return -1;
}

int rg_t_proc_stop(rg_t_proc *p, int sig)
{
    kill(p->pid, sig);
    return rg_t_wait_exit(p->pid, 60);
}

int rg_t_proc_call(const rg_t_proc *p, rg_client *c, const rg_buf *req, rg_t_reply *out)
{
    (void)p;
    uint8_t *reply;
    size_t n;
    memset(out, 0, sizeof *out);
    int rc = rg_client_call(c, req->data, req->len, &reply, &n);
    if (rc < 0) return rc;
    parse_reply(out, reply, n);
    free(reply);
    return out->root ? 0 : -1;
}

const char *rg_t_local_send(rg_t_local *l, const rg_buf *req, rg_t_reply *out)
{
    rg_t_reply_free(out);
    if (rg_t_local_call(l, req, out) < 0) return "no-reply";
    return rg_t_err(out);
}

static void token_of(const rg_t_reply *r, char *tok)
{
    snprintf(tok, 128, "%s", rg_t_str(r, "token"));
}

void rg_t_local_actor(rg_t_local *l, const char *id, const char *role, const char *org, char *tok)
{
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    rg_t_actor_req(&b, l->admin, id, id, role, org);
    rg_t_local_send(l, &b, &r);
    token_of(&r, tok);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
}

void rg_t_proc_actor(const rg_t_proc *p, rg_client *c, const char *id, const char *role, const char *org,
                     char *tok)
{
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    rg_t_actor_req(&b, p->admin, id, id, role, org);
    rg_t_proc_send(p, c, &b, &r);
    token_of(&r, tok);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
}

const char *rg_t_proc_send(const rg_t_proc *p, rg_client *c, const rg_buf *req, rg_t_reply *out)
{
    rg_t_reply_free(out);
    if (rg_t_proc_call(p, c, req, out) < 0) return "no-reply";
    return rg_t_err(out);
}

rg_buf *rg_t_req(rg_buf *b, const char *token, const char *op, const char *case_id, int ndata)
{
    static unsigned n;
    char id[32];
    snprintf(id, sizeof id, "t%u", ++n);
    rg_buf_reset(b);
    rg_req_envelope(b, op, token, id, case_id, -1, ndata);
    return b;
}

void rg_t_report_req(rg_buf *b, const char *token, const char *req, const char *name)
{
    rg_req_envelope(b, "case.report", token, req, NULL, -1, 5);
    rg_w_kstr(b, "target_group", "verward_gedrag");
    rg_w_kstr(b, "summary", "repeated incidents in the neighbourhood");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 2);
    rg_w_kstr(b, "name", name);
    rg_w_kstr(b, "birth_date", "1990-01-01");
}

void rg_t_actor_req(rg_buf *b, const char *admin, const char *req, const char *id,
                    const char *role, const char *org)
{
    rg_req_envelope(b, "actor.create", admin, req, NULL, -1, 3);
    rg_w_kstr(b, "id", id);
    rg_w_kstr(b, "role", role);
    rg_w_kstr(b, "org", org);
}

void rg_t_w_criteria(rg_buf *b, const char *csv) { rg_t_w_list(b, "criteria", csv); }

void rg_t_w_action(rg_buf *b, const char *id, const char *owner, const char *description, const char *due)
{
    rg_w_map(b, 4);
    rg_w_kstr(b, "id", id);
    rg_w_kstr(b, "owner_org", owner);
    rg_w_kstr(b, "description", description);
    rg_w_kstr(b, "due", due);
}

void rg_t_w_list(rg_buf *b, const char *key, const char *csv)
{
    uint32_t n = 1;
    for (const char *p = csv; *p; p++) n += *p == ',';
    rg_w_cstr(b, key);
    rg_w_array(b, n);
    for (const char *p = csv;;) {
        const char *c = strchr(p, ',');
        rg_w_str(b, p, c ? (size_t)(c - p) : strlen(p));
        if (!c) break;
        p = c + 1;
    }
}

const char *rg_t_days_ahead(int days, bool at_ten)
{
    static char buf[32];
    time_t t = time(NULL) + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, at_ten ? "%Y-%m-%dT10:00:00Z" : "%Y-%m-%d", &tm);
    return buf;
}

bool rg_t_holds(const void *p, size_t n, const char *s)
{
    return n && memmem(p, n, s, strlen(s)) != NULL;
}

int rg_t_found_in(const char *dir, const char *s)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *de;
    int found = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(path, &st) < 0) continue;
        if (S_ISDIR(st.st_mode)) {
            found += rg_t_found_in(path, s);
            continue;
        }
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        uint8_t *buf = malloc((size_t)st.st_size + 1);
        size_t n = fread(buf, 1, (size_t)st.st_size, f);
        fclose(f);
        if (rg_t_holds(buf, n, s)) {
            if (!found) printf("  %s holds %s\n", path, s);
            found++;
        }
        free(buf);
    }
    closedir(d);
    return found;
}

/* ---- a case driven through its steps ---- */

int rg_t_local_cast(rg_t_local *l, rg_t_cast *c)
{
    static const struct { const char *id, *role, *org; size_t off; } who[] = {
        {"pol", "partner", "police", offsetof(rg_t_cast, pol)},
        {"ggz", "partner", "ggz", offsetof(rg_t_cast, ggz)},
        {"pr", "procesregisseur", "zvh", offsetof(rg_t_cast, pr)},
        {"mgr", "manager", "zvh", offsetof(rg_t_cast, mgr)},
    };
    int rc = 0;
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        char *tok = (char *)c + who[i].off;
        rg_t_local_actor(l, who[i].id, who[i].role, who[i].org, tok);
        if (!tok[0]) {
            printf("  actor %s (%s of %s) was not made\n", who[i].id, who[i].role, who[i].org);
            rc = -1;
        }
    }
    return rc;
}

/* One request by itself (its own buffer and reply): the reply's uint key,
 * or fallback on any error. */
static uint64_t ask_uint(rg_t_local *l, rg_buf *b, const char *key, uint64_t fallback)
{
    rg_t_reply r = {0};
    uint64_t v = fallback;
    if (!rg_t_local_send(l, b, &r)[0] && rg_t_get(&r, key)) v = rg_t_uint(&r, key);
    rg_t_reply_free(&r);
    rg_buf_free(b);
    return v;
}

uint64_t rg_t_local_now(rg_t_local *l)
{
    rg_buf b = RG_BUF_INIT;
    rg_w_kuint(rg_t_req(&b, l->admin, "clock.advance", NULL, 1), "ms", 0);
    return ask_uint(l, &b, "now", 0);
}

uint64_t rg_t_local_head(rg_t_local *l)
{
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "stats", l->admin, NULL, NULL, -1, -1);
    return ask_uint(l, &b, "log_head", UINT64_MAX);
}

uint64_t rg_t_local_version(rg_t_local *l, const char *token, const char *case_id)
{
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "case.history", token, NULL, case_id, -1, -1);
    return ask_uint(l, &b, "version", 0);
}

const char *rg_t_local_report(rg_t_local *l, const char *token, const char *name, char *id)
{
    static unsigned n;
    static char err[64];
    char rq[32];
    snprintf(rq, sizeof rq, "report-%u", ++n);
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    rg_t_report_req(&b, token, rq, name);
    snprintf(err, sizeof err, "%s", rg_t_local_send(l, &b, &r));
    id[0] = '\0';
    if (!err[0]) snprintf(id, 32, "%s", rg_t_str(&r, "case"));
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    return err;
}

const char *rg_t_iso(uint64_t ms)
{
    static char buf[32];
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

rg_buf *rg_t_plan_req(rg_buf *b, const char *token, const char *case_id, const char *owner, int n, const char *due)
{
    rg_t_req(b, token, "plan.propose", case_id, 2);
    rg_w_kstr(b, "goals", "stable housing, treatment");
    rg_w_cstr(b, "actions");
    rg_w_array(b, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        char id[16], what[48];
        snprintf(id, sizeof id, "a%d", i + 1);
        snprintf(what, sizeof what, "action %d of the plan", i + 1);
        if (due) {
            rg_t_w_action(b, id, owner, what, due);
            continue;
        }
        rg_w_map(b, 3);
        rg_w_kstr(b, "id", id);
        rg_w_kstr(b, "owner_org", owner);
        rg_w_kstr(b, "description", what);
    }
    return b;
}

/* The states rg_t_local_drive passes, in order: step i moves a case from
 * drive_states[i] to drive_states[i + 1]. */
static const char *const drive_states[] = {"reported", "intake", "analysis", "meeting", "planning", "execution"};

/* Send one step of the drive; false, and the line in out, when it failed. */
static bool drive_step(rg_t_local *l, rg_buf *b, rg_t_reply *r, const char *to, char *out, size_t cap)
{
    char op[32] = "";
    rg_doc *d = NULL;
    const char *why;
    if (rg_doc_parse(&d, b->data, b->len, &why) == 0) rg_val_strcpy(rg_map_get(rg_doc_root(d), "op"), op, sizeof op);
    rg_doc_free(d);
    const char *e = rg_t_local_send(l, b, r);
    if (!e[0]) return true;
    snprintf(out, cap, "drive to %s: %s: %s: %s", to, op, e, rg_t_str(r, "message"));
    return false;
}

const char *rg_t_local_drive(rg_t_local *l, const rg_t_cast *c, const char *case_id, const char *to)
{
    static char out[600];
    int from = -1, last = -1;
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    rg_req_envelope(&b, "case.get", c->pr, NULL, case_id, -1, -1);
    const char *e = rg_t_local_send(l, &b, &r);
    const rg_val *state = rg_map_get(rg_t_get(&r, "case"), "state");
    for (int i = 0; i < 6; i++) {
        if (rg_val_is_str(state, drive_states[i])) from = i;
        if (strcmp(to, drive_states[i]) == 0) last = i;
    }
    out[0] = '\0';
    if (e[0] || from < 0 || last < from)
        snprintf(out, sizeof out, "drive to %s: case %s %s%s%s", to, case_id, e[0] ? "cannot be read: " : "is not before it",
                 e, e[0] ? "" : " on the way from reported to execution");
    uint64_t now = rg_t_local_now(l);
    bool ok = !out[0];
    rg_buf_reset(&b);
    for (int i = from; ok && i < last; i++) {
        switch (i) {
        case 0:
            rg_w_kstr(rg_t_req(&b, c->pr, "case.assign", case_id, 1), "procesregisseur", "pr");
            ok = drive_step(l, &b, &r, to, out, sizeof out) &&
                 drive_step(l, rg_t_req(&b, c->pr, "intake.start", case_id, 0), &r, to, out, sizeof out);
            break;
        case 1:
            rg_t_req(&b, c->pr, "intake.decide", case_id, 3);
            rg_w_kbool(&b, "admit", true);
            rg_w_kstr(&b, "reason", "problems on several life domains");
            rg_t_w_criteria(&b, "multi_domain");
            ok = drive_step(l, &b, &r, to, out, sizeof out);
            break;
        case 2:
            rg_t_req(&b, c->pr, "meeting.schedule", case_id, 2);
            rg_w_kstr(&b, "at", rg_t_iso(now + 7 * 86400000ULL));
            rg_t_w_list(&b, "orgs", "ggz");
            ok = drive_step(l, &b, &r, to, out, sizeof out);
            break;
        case 3:
            rg_t_req(&b, c->pr, "meeting.hold", case_id, 2);
            rg_t_w_list(&b, "attendees", "ggz");
            rg_w_kstr(&b, "conclusions", "a joint approach is needed");
            ok = drive_step(l, &b, &r, to, out, sizeof out);
            break;
        default:
            rg_t_plan_req(&b, c->pr, case_id, "ggz", 1, rg_t_iso(now + 30 * 86400000ULL));
            ok = drive_step(l, &b, &r, to, out, sizeof out) &&
                 drive_step(l, rg_t_req(&b, c->ggz, "plan.agree", case_id, 0), &r, to, out, sizeof out);
            break;
        }
    }
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    return out;
}

const char *rg_t_local_case(rg_t_local *l, const rg_t_cast *c, const char *name, const char *to, char *id)
{
    const char *e = rg_t_local_report(l, c->pol, name, id);
    if (e[0]) {
        printf("  rg_t_local_case: case.report: %s\n", e);
        return e;
    }
    if (strcmp(to, "reported") == 0) return "";
    e = rg_t_local_drive(l, c, id, to);
    if (e[0]) printf("  rg_t_local_case: %s\n", e);
    return e;
}

const rg_module *rg_t_module_with(const char *op, rg_handler_fn fn, rg_handler_fn *real)
{
    static rg_binding bindings[RG_MAX_OPS + 1];
    static rg_module m = {bindings};
    size_t n = 0;
    *real = NULL;
    for (const rg_binding *b = rg_handlers_module.bindings; b->op && n < RG_MAX_OPS; b++, n++) {
        bindings[n] = *b;
        if (strcmp(b->op, op) == 0) {
            *real = b->fn;
            bindings[n].fn = fn;
        }
    }
    bindings[n] = (rg_binding){NULL, NULL};
    return *real ? &m : NULL;
}

const char *rg_t_local_subject_request(rg_t_local *l, const char *token, const char *kind, const char *bsn,
                                       char *id)
{
    static char err[64];
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    rg_t_req(&b, token, "subject.request", NULL, 2);
    rg_w_kstr(&b, "kind", kind);
    rg_w_cstr(&b, "person");
    rg_w_map(&b, 1);
    rg_w_kstr(&b, "bsn", bsn);
    snprintf(err, sizeof err, "%s", rg_t_local_send(l, &b, &r));
    id[0] = '\0';
    if (!err[0]) snprintf(id, 32, "%s", rg_t_str(&r, "request"));
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    return err;
}

const char *rg_t_local_subject_decide(rg_t_local *l, const char *token, const char *request, bool granted,
                                      const char *ground)
{
    static char err[64];
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    rg_t_req(&b, token, "subject.decide", NULL, ground ? 3 : 2);
    rg_w_kstr(&b, "request", request);
    rg_w_kbool(&b, "granted", granted);
    if (ground) rg_w_kstr(&b, "ground", ground);
    snprintf(err, sizeof err, "%s", rg_t_local_send(l, &b, &r));
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    return err;
}

long rg_t_projections(rg_engine *e, rg_buf *out)
{
    rg_iter *it = rg_iter_new(e->log, RG_CF_STREAM);
    rg_buf enc = RG_BUF_INIT;
    long n = 0;
    rg_iter_seek_first(it);
    while (n >= 0 && rg_iter_valid(it)) {
        size_t kn;
        const uint8_t *k = rg_iter_key(it, &kn);
        uint8_t next[RG_ID_MAX + 1];
        rg_case *cs;
        if (kn < 6 || kn - 5 >= RG_ID_MAX) {
            n = -1;
            break;
        }
        memcpy(next, k, kn - 5);
        next[kn - 5] = 1;                            /* past the case's versions */
        if (rg_snapshot_load(e->log, e->cfg.norm_amounts, next, kn - 5, &cs) < 0) {
            printf("  the case %.*s does not load\n", (int)(kn - 5), (const char *)next);
            n = -1;
            break;
        }
        rg_buf_reset(&enc);
        rg_case_encode(cs, &enc);
        rg_buf_put_u8(out, (uint8_t)RG_CF_CASES);
        rg_buf_put_be32(out, (uint32_t)(kn - 5));
        rg_buf_append(out, next, kn - 5);
        rg_buf_put_be32(out, (uint32_t)enc.len);
        rg_buf_append(out, enc.data, enc.len);
        rg_case_free(cs);
        n++;
        rg_iter_seek(it, next, kn - 4);
    }
    if (rg_iter_end(it) < 0) n = -1;
    rg_buf_free(&enc);
    return n;
}

/* ---- plain HTTP/1.1 to a regied on 127.0.0.1 ---- */

int rg_t_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t n = sizeof a;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &n) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0) close(fd);
    return port;
}

int rg_t_http_open(int port, const char *method, const char *path, const char *headers, const char *body)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = -1;
    /* The listener may come up just after the nng one: a refusal is tried
     * again for a while, anything else is an answer. */
    for (int i = 0; i < 100; i++) {
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) return -1;
        if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) break;
        close(fd);
        fd = -1;
        if (errno != ECONNREFUSED) return -1;
        struct timespec ts = {0, 50 * 1000000};
        nanosleep(&ts, NULL);
    }
    if (fd < 0) return -1;
    rg_buf req = RG_BUF_INIT;
    char line[1024];
    snprintf(line, sizeof line, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n", method, path, port);
    rg_buf_append(&req, line, strlen(line));
    if (headers) rg_buf_append(&req, headers, strlen(headers));
    if (body) {
        snprintf(line, sizeof line, "Content-Length: %zu\r\n", strlen(body));
        rg_buf_append(&req, line, strlen(line));
    }
    rg_buf_append(&req, "\r\n", 2);
    if (body) rg_buf_append(&req, body, strlen(body));
    size_t off = 0;
    while (off < req.len) {
        ssize_t w = send(fd, req.data + off, req.len - off, MSG_NOSIGNAL);
        if (w <= 0) break;
        off += (size_t)w;
    }
    bool sent = off == req.len;
    rg_buf_free(&req);
    if (!sent) {
        close(fd);
        return -1;
    }
    return fd;
}

bool rg_t_http_until(int fd, rg_buf *acc, const char *needle, int limit_s)
{
    time_t end = time(NULL) + limit_s;
    for (;;) {
        if (needle && acc->len && memmem(acc->data, acc->len, needle, strlen(needle))) return true;
        int left = (int)(end - time(NULL));
        if (left <= 0) return false;
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, left * 1000) <= 0) return false;
        char buf[8192];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return needle == NULL;
        rg_buf_append(acc, buf, (size_t)n);
    }
}

int rg_t_http(int port, const char *method, const char *path, const char *headers, const char *body, rg_buf *out)
{
    rg_buf_reset(out);
    char h[2048];
    snprintf(h, sizeof h, "Connection: close\r\n%s", headers ? headers : "");
    int fd = rg_t_http_open(port, method, path, h, body);
    if (fd < 0) return -1;
    bool whole = rg_t_http_until(fd, out, NULL, 60);
    close(fd);
    int status = -1;
    if (whole && out->len > 12 && memcmp(out->data, "HTTP/1.1 ", 9) == 0) status = atoi((const char *)out->data + 9);
    return status;
}

bool rg_t_http_header(const rg_buf *resp, const char *name, char *v, size_t cap)
{
    const char *p = (const char *)resp->data, *end = p + resp->len;
    size_t nn = strlen(name);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl || nl - p <= 1) break;                       /* the blank line: headers done */
        if ((size_t)(nl - p) > nn + 1 && strncasecmp(p, name, nn) == 0 && p[nn] == ':') {
            const char *s = p + nn + 1;
            while (*s == ' ') s++;
            size_t n = (size_t)(nl - s);
            if (n && s[n - 1] == '\r') n--;
            snprintf(v, cap, "%.*s", (int)n, s);
            return true;
        }
        p = nl + 1;
    }
    return false;
}

const char *rg_t_http_body(const rg_buf *resp, size_t *n)
{
    const uint8_t *b = resp->len ? memmem(resp->data, resp->len, "\r\n\r\n", 4) : NULL;
    if (!b) {
        *n = 0;
        return "";
    }
    b += 4;
    *n = resp->len - (size_t)(b - resp->data);
    return (const char *)b;
}
