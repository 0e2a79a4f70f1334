/*
 * peers.c - `make bench-peers`: regie against PostgreSQL and Redis doing the
 * same durable append, like for like, each a private instance started here
 * in a temporary directory on loopback ports and stopped by its process id.
 *
 *   regie-bench-peers [--quick] [--regied PATH] [--pg-bin DIR] [--pg-user NAME]
 *                     [--redis-server PATH] [--connections N] [--batch N]
 *                     [--depth N] [--seconds S] [--warmup S] [--port P]
 *                     [--tmp DIR] [--only single|batched]
 *
 * Two shapes, each with --connections (64) concurrent connections:
 *
 *   single   one event per request, one request in flight per connection:
 *            a regied `case.report` (one event, replied to after fsync) on
 *            its own nng REQ socket (one TCP connection) per connection;
 *            PostgreSQL: one single-row INSERT in autocommit
 *            (synchronous_commit=on); Redis: one XADD, unpipelined
 *            (appendonly yes, appendfsync always).
 *   batched  regied with --depth (default --batch) requests in flight per
 *            connection (nng contexts on that connection's socket);
 *            PostgreSQL: --batch (100) rows per transaction (one prepared
 *            multi-row INSERT); Redis: pipelines of --batch XADDs.
 *
 * Every event carries the same body: the data of a realistic report (the
 * one the in-process benchmark sends), msgpack, about 260 bytes; regie gets
 * it inside its request (envelope and token: about 380 bytes).  The figures
 * are rates, and ratios against the peers measured in the same run: never
 * pass/fail.  Beside each rate, the CPU per event in the window: the
 * server's (PostgreSQL: the postmaster and all its children) and this
 * process's (the clients: threads, or nng's).  Every child process is stopped by its pid at exit, on
 * error and on SIGINT/SIGTERM; a child also dies with this process
 * (PR_SET_PDEATHSIG).  Listening ports: P (PostgreSQL), P+1 (Redis), P+2 and
 * P+3 (regied's commands and notifications).
 *
 * It lives in a directory of its own: `make bench` links every C file of
 * tools/bench into regie-bench, and only this binary needs libpq and hiredis.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <hiredis/hiredis.h>
#include <libpq-fe.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/util/platform.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../../engine/storage/codec.h"
#include "../../../engine/net/net.h"
#include "../../client.h"
#include "../bench.h"

typedef struct popts {
    bool quick;
    const char *regied, *pg_bin, *pg_user, *redis_server, *tmp_base, *only;
    int conns;                /* concurrent connections, every system */
    int batch;                /* PostgreSQL rows per transaction, Redis pipeline */
    int depth;                /* regie requests in flight per connection, batched */
    double seconds, warmup;
    int port;
} popts;

static void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* ---- child processes: started here, stopped by pid ---- */

typedef struct kid {
    pid_t pid;
    int stop_sig;
    char name[16];
    char log[1100];
} kid;

static kid kids[4];
static int nkids;
static char tmpdir[1024];
static volatile sig_atomic_t interrupted;

static void on_signal(int sig) { interrupted = sig; }

/* Stop one child by its pid: its own clean-stop signal, then SIGKILL. */
static void stop_kid(kid *k)
{
    if (k->pid <= 0) return;
    kill(k->pid, k->stop_sig);
    int st;
    for (int i = 0; i < 3000; i++) {                 /* 30 s */
        pid_t r = waitpid(k->pid, &st, WNOHANG);
        if (r == k->pid || (r < 0 && errno == ECHILD)) {
            k->pid = 0;
            return;
        }
        usleep(10000);
    }
    fprintf(stderr, "bench-peers: %s (pid %d) did not stop; killing it\n", k->name, (int)k->pid);
    kill(k->pid, SIGKILL);
    waitpid(k->pid, &st, 0);
    k->pid = 0;
}

static void cleanup(void)
{
    for (int i = nkids - 1; i >= 0; i--) stop_kid(&kids[i]);
    if (tmpdir[0]) bench_rmrf(tmpdir);
    tmpdir[0] = 0;
}

static void fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bench-peers: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);                                          /* atexit: cleanup() */
}

/* Sleep, leaving (through cleanup) if a signal asked us to. */
static void nap(double s)
{
    double end = bench_now() + s;
    for (;;) {
        if (interrupted) {
            fprintf(stderr, "bench-peers: interrupted; stopping the servers\n");
            exit(130);
        }
        double left = end - bench_now();
        if (left <= 0) return;
        struct timespec ts = {0, (long)((left < 0.05 ? left : 0.05) * 1e9)};
        nanosleep(&ts, NULL);
    }
}

static void print_log_tail(const kid *k)
{
    FILE *f = fopen(k->log, "r");
    if (!f) return;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, n > 2000 ? n - 2000 : 0, SEEK_SET);
    char buf[2001];
    size_t r = fread(buf, 1, sizeof buf - 1, f);
    buf[r] = 0;
    fclose(f);
    fprintf(stderr, "--- %s ---\n%s\n---\n", k->log, buf);
}

/* Has the child exited already?  (Then it failed to start.) */
static bool kid_died(kid *k)
{
    int st;
    if (k->pid > 0 && waitpid(k->pid, &st, WNOHANG) == k->pid) {
        k->pid = 0;
        return true;
    }
    return false;
}

/* fork + exec, output to log, as uid/gid when drop; runs in the background
 * (registered, stopped at exit) unless wait_for_it. */
static kid *spawn(const char *name, char *const argv[], const char *log, bool drop, uid_t uid,
                  gid_t gid, int stop_sig, bool wait_for_it)
{
    if (nkids == (int)(sizeof kids / sizeof kids[0])) fatal("too many children");
    kid *k = &kids[nkids];
    memset(k, 0, sizeof *k);
    snprintf(k->name, sizeof k->name, "%s", name);
    snprintf(k->log, sizeof k->log, "%s", log);
    k->stop_sig = stop_sig;
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) fatal("fork: %s", strerror(errno));
    if (pid == 0) {                                   /* async-signal-safe calls only */
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        int nul = open("/dev/null", O_RDONLY);
        if (fd < 0 || nul < 0) _exit(126);
        dup2(nul, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (drop && (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0)) _exit(126);
        prctl(PR_SET_PDEATHSIG, SIGKILL);             /* after setuid, which clears it */
        if (getppid() != parent) _exit(1);
        execv(argv[0], argv);
        _exit(127);
    }
    k->pid = pid;
    if (wait_for_it) {
        int st = 0;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
        k->pid = 0;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            print_log_tail(k);
            fatal("%s failed (status %d)", name, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        }
        return k;
    }
    nkids++;
    return k;
}

/* ---- measuring: warm up, then count what completes in the window ---- */

enum { WARMING, MEASURING, STOPPING };

typedef struct meter {
    atomic_int phase;
    atomic_uint_fast64_t done;       /* events acknowledged durable, whole run */
    atomic_uint_fast64_t failed;
    atomic_int running;
} meter;

typedef struct result {
    double rate;                     /* events/s in the window */
    double p50, p99;                 /* ms per request (a transaction / pipeline when batched) */
    double client_us, server_us;     /* CPU per event in the window: this process, the server's */
    uint64_t events, failed;
} result;

/* The latencies every connection gathered become the run's percentiles
 * (and are freed); the meter's counts become its event and failure counts. */
static void take_latencies(result *r, lat *all, meter *m)
{
    r->p50 = lat_pct(all, 50);
    r->p99 = lat_pct(all, 99);
    lat_free(all);
    r->events = atomic_load(&m->done);
    r->failed = atomic_load(&m->failed);
}

/* CPU seconds (user + system) of one process, all its threads. */
static double proc_cpu(pid_t pid, pid_t *ppid /* OUT, may be NULL */)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');                     /* after the command name */
    if (!p) return 0;
    unsigned long long v[13] = {0};
    char *save = NULL;
    int i = 0;
    for (char *t = strtok_r(p + 1, " ", &save); t && i < 13; t = strtok_r(NULL, " ", &save)) {
        v[i++] = strtoull(t, NULL, 10);              /* field 3 (state) is 0 */
    }
    if (ppid) *ppid = (pid_t)v[1];
    return (double)(v[11] + v[12]) / (double)sysconf(_SC_CLK_TCK);
}

/* A server's CPU seconds: the process, and with tree its children (the
 * PostgreSQL backends and background processes). */
static double server_cpu(pid_t pid, bool tree)
{
    double s = proc_cpu(pid, NULL);
    if (!tree) return s;
    DIR *d = opendir("/proc");
    if (!d) return s;
    struct dirent *e;
    while ((e = readdir(d))) {
        pid_t child = (pid_t)atoi(e->d_name), pp = 0;
        if (child <= 0 || child == pid) continue;
        double c = proc_cpu(child, &pp);
        if (pp == pid) s += c;
    }
    closedir(d);
    return s;
}

static double self_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

/* Run the window; the workers are already going. */
static result measure(meter *m, const popts *o, pid_t server, bool tree)
{
    nap(o->warmup);
    double sc0 = server_cpu(server, tree), cc0 = self_cpu();
    uint64_t d0 = atomic_load(&m->done);
    double t0 = bench_now();
    atomic_store(&m->phase, MEASURING);
    nap(o->seconds);
    uint64_t d1 = atomic_load(&m->done);
    double t1 = bench_now();
    double sc1 = server_cpu(server, tree), cc1 = self_cpu();
    atomic_store(&m->phase, STOPPING);
    result r;
    memset(&r, 0, sizeof r);
    r.rate = (double)(d1 - d0) / (t1 - t0);
    if (d1 > d0) {
        r.client_us = (cc1 - cc0) * 1e6 / (double)(d1 - d0);
        r.server_us = (sc1 - sc0) * 1e6 / (double)(d1 - d0);
    }
    return r;
}

static void wait_running(meter *m)
{
    double t = bench_now();
    while (atomic_load(&m->running) > 0) {
        nap(0.005);
        if (bench_now() - t > 60) fatal("workers did not stop within 60 s");
    }
}

/* ---- the event: a realistic report, about 300 bytes ---- */

static void report_req(rg_buf *b, const char *token, const char *req)
{
    rg_req_envelope(b, "case.report", token, req, NULL, -1, 5);
    bench_report_data(b);
}

/* The body PostgreSQL and Redis store: the same data, as msgpack. */
static uint8_t body[512];
static size_t body_len, request_len;

static void make_body(const char *token)
{
    rg_buf b = RG_BUF_INIT;
    rg_w_map(&b, 5);
    bench_report_data(&b);
    if (b.len > sizeof body) fatal("report of %zu bytes", b.len);
    memcpy(body, b.data, b.len);
    body_len = b.len;
    rg_buf_free(&b);
    rg_buf r = RG_BUF_INIT;
    report_req(&r, token, "p1-00-00-0000000");
    request_len = r.len;
    rg_buf_free(&r);
}

/* Case ids for the peers' rows: unique per event, as each report opens a case. */
static void case_id(char *out, size_t cap, int conn, uint64_t n)
{
    snprintf(out, cap, "ZVH-%02d%08llu", conn % 100, (unsigned long long)n);
}

/* ---- PostgreSQL ---- */

typedef struct pg_server {
    kid *proc;
    char conninfo[1300];
} pg_server;

static void pg_start(const popts *o, pg_server *s)
{
    char dir[1100], log[1100], bin[1100], port[16], maxc[32];
    snprintf(dir, sizeof dir, "%s/pg", tmpdir);
    snprintf(log, sizeof log, "%s/pg.log", tmpdir);
    bool drop = geteuid() == 0;                      /* postgres refuses to run as root */
    uid_t uid = 0;
    gid_t gid = 0;
    if (drop) {
        struct passwd *pw = getpwnam(o->pg_user);
        if (!pw && strcmp(o->pg_user, "postgres") == 0) pw = getpwnam("nobody");
        if (!pw) fatal("no user %s to run PostgreSQL as (--pg-user)", o->pg_user);
        uid = pw->pw_uid;
        gid = pw->pw_gid;
    }
    if (mkdir(dir, 0700) != 0) fatal("mkdir %s: %s", dir, strerror(errno));
    if (drop && chown(dir, uid, gid) != 0) fatal("chown %s: %s", dir, strerror(errno));
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) close(fd);

    snprintf(bin, sizeof bin, "%s/initdb", o->pg_bin);
    char *initdb[] = {bin, "-D", dir, "-U", "bench", "-A", "trust", "-E", "UTF8", "--no-locale",
                      "--no-sync", NULL};
    double t = bench_now();
    spawn("initdb", initdb, log, drop, uid, gid, SIGTERM, true);

    snprintf(bin, sizeof bin, "%s/postgres", o->pg_bin);
    snprintf(port, sizeof port, "%d", o->port);
    snprintf(maxc, sizeof maxc, "max_connections=%d", o->conns + 16 > 100 ? o->conns + 16 : 100);
    char *pg[] = {bin, "-D", dir, "-k", dir, "-p", port,
                  "-c", "listen_addresses=127.0.0.1",
                  "-c", "synchronous_commit=on",
                  "-c", "fsync=on",
                  "-c", maxc,
                  NULL};
    s->proc = spawn("postgres", pg, log, drop, uid, gid, SIGINT /* fast shutdown */, false);
    snprintf(s->conninfo, sizeof s->conninfo,
             "host=127.0.0.1 port=%d user=bench dbname=postgres connect_timeout=10", o->port);
    while (PQping(s->conninfo) != PQPING_OK) {
        if (kid_died(s->proc)) {
            print_log_tail(s->proc);
            fatal("postgres exited while starting");
        }
        if (bench_now() - t > 60) fatal("postgres did not accept connections within 60 s");
        nap(0.05);
    }
    printf("  postgres   pid %d, 127.0.0.1:%d, data %s (initdb + start %.1f s)\n",
           (int)s->proc->pid, o->port, dir, bench_now() - t);
}

static PGconn *pg_connect(const pg_server *s)
{
    PGconn *c = PQconnectdb(s->conninfo);
    if (PQstatus(c) != CONNECTION_OK) fatal("postgres: %s", PQerrorMessage(c));
    return c;
}

static void pg_exec(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fatal("postgres: %s: %s", sql, PQerrorMessage(c));
    PQclear(r);
}

static void pg_show(PGconn *c, const char *setting, char *out, size_t cap)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SHOW %s", setting);
    PGresult *r = PQexec(c, sql);
    snprintf(out, cap, "%s", PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : "?");
    PQclear(r);
}

static uint64_t pg_count(PGconn *c)
{
    PGresult *r = PQexec(c, "SELECT count(*) FROM events");
    uint64_t n = PQresultStatus(r) == PGRES_TUPLES_OK ? strtoull(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    PQclear(r);
    return n;
}

typedef struct pg_worker {
    pthread_t th;
    PGconn *c;
    meter *m;
    int id, batch;
    lat l;
} pg_worker;

static void *pg_run(void *arg)
{
    pg_worker *w = arg;
    int np = 2 * w->batch;
    const char **vals = calloc((size_t)np, sizeof *vals);
    int *lens = calloc((size_t)np, sizeof *lens), *fmts = calloc((size_t)np, sizeof *fmts);
    char (*ids)[32] = calloc((size_t)w->batch, sizeof *ids);
    uint64_t n = 0;
    for (int i = 0; i < w->batch; i++) {
        vals[2 * i] = ids[i];
        vals[2 * i + 1] = (const char *)body;
        lens[2 * i + 1] = (int)body_len;
        fmts[2 * i + 1] = 1;                          /* the body goes binary, as bytea */
    }
    while (atomic_load(&w->m->phase) != STOPPING) {
        for (int i = 0; i < w->batch; i++) case_id(ids[i], sizeof ids[i], w->id, ++n);
        double t = bench_now();
        PGresult *r = PQexecPrepared(w->c, "ins", np, vals, lens, fmts, 0);
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok) {
            atomic_fetch_add(&w->m->failed, (uint64_t)w->batch);
            if (PQstatus(w->c) != CONNECTION_OK) break;
            continue;
        }
        if (atomic_load(&w->m->phase) == MEASURING) lat_add(&w->l, bench_now() - t);
        atomic_fetch_add(&w->m->done, (uint64_t)w->batch);
    }
    free(vals);
    free(lens);
    free(fmts);
    free(ids);
    atomic_fetch_sub(&w->m->running, 1);
    return NULL;
}

/* conns threads, one connection each, batch rows per INSERT (one transaction). */
static result pg_bench(const popts *o, const pg_server *s, int batch)
{
    size_t cap = 64 + (size_t)batch * 16;
    char *sql = malloc(cap);
    size_t len = (size_t)snprintf(sql, cap, "INSERT INTO events (case_id, body) VALUES ");
    for (int i = 0; i < batch; i++)
        len += (size_t)snprintf(sql + len, cap - len, "%s($%d, $%d)", i ? ", " : "", 2 * i + 1, 2 * i + 2);
    meter m;
    memset(&m, 0, sizeof m);
    pg_worker *w = calloc((size_t)o->conns, sizeof *w);
    for (int i = 0; i < o->conns; i++) {
        w[i].c = pg_connect(s);
        w[i].m = &m;
        w[i].id = i;
        w[i].batch = batch;
        PGresult *r = PQprepare(w[i].c, "ins", sql, 2 * batch, NULL);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) fatal("postgres: prepare: %s", PQerrorMessage(w[i].c));
        PQclear(r);
    }
    free(sql);
    atomic_store(&m.running, o->conns);
    for (int i = 0; i < o->conns; i++) pthread_create(&w[i].th, NULL, pg_run, &w[i]);
    result r = measure(&m, o, s->proc->pid, true);
    wait_running(&m);
    lat all = {0};
    for (int i = 0; i < o->conns; i++) {
        pthread_join(w[i].th, NULL);
        for (size_t j = 0; j < w[i].l.n; j++) lat_add(&all, w[i].l.v[j]);
        lat_free(&w[i].l);
        PQfinish(w[i].c);
    }
    free(w);
    take_latencies(&r, &all, &m);
    return r;
}

/* Between runs: PostgreSQL's dirty pages written now, not during the next
 * system's run; then everything dirty in the page cache. */
static void settle(const pg_server *pg)
{
    if (pg->proc && pg->proc->pid > 0) {
        PGconn *c = pg_connect(pg);
        pg_exec(c, "CHECKPOINT");
        PQfinish(c);
    }
    sync();
    nap(0.5);
}

/* ---- Redis ---- */

typedef struct redis_server {
    kid *proc;
    int port;
} redis_server;

static redisContext *redis_connect(int port)
{
    struct timeval tv = {10, 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);
    if (!c || c->err) return NULL;
    return c;
}

static void redis_start(const popts *o, redis_server *s)
{
    char dir[1100], log[1100], port[16];
    snprintf(dir, sizeof dir, "%s/redis", tmpdir);
    snprintf(log, sizeof log, "%s/redis.log", tmpdir);
    if (mkdir(dir, 0700) != 0) fatal("mkdir %s: %s", dir, strerror(errno));
    snprintf(port, sizeof port, "%d", o->port + 1);
    s->port = o->port + 1;
    char *argv[] = {(char *)o->redis_server, "--port", port, "--bind", "127.0.0.1",
                    "--dir", dir, "--appendonly", "yes", "--appendfsync", "always",
                    "--save", "", "--daemonize", "no", "--logfile", "", NULL};
    double t = bench_now();
    s->proc = spawn("redis-server", argv, log, false, 0, 0, SIGTERM, false);
    for (;;) {
        redisContext *c = redis_connect(s->port);
        if (c) {
            redisReply *r = redisCommand(c, "PING");
            bool ok = r && r->type == REDIS_REPLY_STATUS;
            if (r) freeReplyObject(r);
            redisFree(c);
            if (ok) break;
        }
        if (kid_died(s->proc)) {
            print_log_tail(s->proc);
            fatal("redis-server exited while starting");
        }
        if (bench_now() - t > 30) fatal("redis-server did not answer within 30 s");
        nap(0.02);
    }
    printf("  redis      pid %d, 127.0.0.1:%d, data %s (start %.1f s)\n", (int)s->proc->pid,
           s->port, dir, bench_now() - t);
}

static void redis_config(int port, const char *key, char *out, size_t cap)
{
    snprintf(out, cap, "?");
    redisContext *c = redis_connect(port);
    if (!c) return;
    redisReply *r = redisCommand(c, "CONFIG GET %s", key);
    if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 2) snprintf(out, cap, "%s", r->element[1]->str);
    if (r) freeReplyObject(r);
    redisFree(c);
}

static uint64_t redis_len(int port)
{
    redisContext *c = redis_connect(port);
    if (!c) return 0;
    redisReply *r = redisCommand(c, "XLEN events");
    uint64_t n = r && r->type == REDIS_REPLY_INTEGER ? (uint64_t)r->integer : 0;
    if (r) freeReplyObject(r);
    redisFree(c);
    return n;
}

typedef struct redis_worker {
    pthread_t th;
    redisContext *c;
    meter *m;
    int id, batch;
    lat l;
} redis_worker;

static void *redis_run(void *arg)
{
    redis_worker *w = arg;
    uint64_t n = 0;
    char id[32];
    while (atomic_load(&w->m->phase) != STOPPING) {
        double t = bench_now();
        int ok = 0, sent = 0;
        bool broken = false;
        if (w->batch == 1) {                          /* unpipelined: one round trip each */
            case_id(id, sizeof id, w->id, ++n);
            redisReply *r = redisCommand(w->c, "XADD events * case %s body %b", id, body, body_len);
            sent = 1;
            ok = r && r->type == REDIS_REPLY_STRING;
            if (r) freeReplyObject(r);
            broken = !r;
        } else {                                      /* a pipeline of batch XADDs */
            for (int i = 0; i < w->batch; i++) {
                case_id(id, sizeof id, w->id, ++n);
                if (redisAppendCommand(w->c, "XADD events * case %s body %b", id, body, body_len) != REDIS_OK)
                    break;
                sent++;
            }
            for (int i = 0; i < sent; i++) {
                void *rp = NULL;
                if (redisGetReply(w->c, &rp) != REDIS_OK) {
                    broken = true;
                    break;
                }
                redisReply *r = rp;
                ok += r && r->type == REDIS_REPLY_STRING;
                if (r) freeReplyObject(r);
            }
        }
        if (ok < sent) atomic_fetch_add(&w->m->failed, (uint64_t)(sent - ok));
        if (broken) break;
        if (ok && atomic_load(&w->m->phase) == MEASURING) lat_add(&w->l, bench_now() - t);
        atomic_fetch_add(&w->m->done, (uint64_t)ok);
    }
    atomic_fetch_sub(&w->m->running, 1);
    return NULL;
}

static result redis_bench(const popts *o, const redis_server *s, int batch)
{
    meter m;
    memset(&m, 0, sizeof m);
    redis_worker *w = calloc((size_t)o->conns, sizeof *w);
    for (int i = 0; i < o->conns; i++) {
        w[i].c = redis_connect(s->port);
        if (!w[i].c) fatal("cannot connect to redis-server");
        w[i].m = &m;
        w[i].id = i;
        w[i].batch = batch;
    }
    atomic_store(&m.running, o->conns);
    for (int i = 0; i < o->conns; i++) pthread_create(&w[i].th, NULL, redis_run, &w[i]);
    result r = measure(&m, o, s->proc->pid, false);
    wait_running(&m);
    lat all = {0};
    for (int i = 0; i < o->conns; i++) {
        pthread_join(w[i].th, NULL);
        for (size_t j = 0; j < w[i].l.n; j++) lat_add(&all, w[i].l.v[j]);
        lat_free(&w[i].l);
        redisFree(w[i].c);
    }
    free(w);
    take_latencies(&r, &all, &m);
    return r;
}

/* ---- regie: a real regied, an asynchronous load generator over nng ---- */

typedef struct regie_server {
    kid *proc;
    char url[64];
    char admin[128];
    char partner[128];
    int workers;
} regie_server;

static void regie_start(const popts *o, regie_server *s)
{
    char dir[1100], log[1100], pub[64], workers[16];
    snprintf(dir, sizeof dir, "%s/regie", tmpdir);
    snprintf(log, sizeof log, "%s/regied.log", tmpdir);
    snprintf(s->url, sizeof s->url, "tcp://127.0.0.1:%d", o->port + 2);
    snprintf(pub, sizeof pub, "tcp://127.0.0.1:%d", o->port + 3);
    /* Enough server contexts for every request in flight in the batched shape. */
    long want = (long)o->conns * (o->depth > 1 ? o->depth : 1);
    s->workers = (int)(want < 256 ? 256 : want > 65536 ? 65536 : want);
    snprintf(workers, sizeof workers, "%d", s->workers);
    char *argv[] = {(char *)o->regied, "--data", dir, "--listen", s->url, "--publish", pub,
                    "--workers", workers, "--http", "off", NULL};
    double t = bench_now();
    s->proc = spawn("regied", argv, log, false, 0, 0, SIGTERM, false);
    char path[1200];
    snprintf(path, sizeof path, "%s/admin.token", dir);
    s->admin[0] = 0;
    while (!s->admin[0]) {
        FILE *f = fopen(path, "r");
        if (f) {
            if (fgets(s->admin, sizeof s->admin, f)) s->admin[strcspn(s->admin, "\n")] = 0;
            fclose(f);
        }
        if (kid_died(s->proc)) {
            print_log_tail(s->proc);
            fatal("regied exited while starting");
        }
        if (bench_now() - t > 30) fatal("regied wrote no admin token within 30 s");
        if (!s->admin[0]) nap(0.02);
    }
    /* The reporting actor (a partner: case.report is theirs). */
    rg_client *c;
    if (rg_client_open(&c, s->url, 10000, NULL) < 0) fatal("cannot dial %s", s->url);
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "actor.create", s->admin, "mk-partner", NULL, -1, 3);
    rg_w_kstr(&b, "id", "bench-partner");
    rg_w_kstr(&b, "role", "partner");
    rg_w_kstr(&b, "org", "police");
    rg_doc *d;
    uint8_t *bytes;
    s->partner[0] = 0;
    if (bench_call(c, &b, &d, &bytes) == 0) {
        rg_val_strcpy(rg_map_get(rg_doc_root(d), "token"), s->partner, sizeof s->partner);
        rg_doc_free(d);
    }
    free(bytes);
    rg_buf_free(&b);
    rg_client_close(c);
    if (!s->partner[0]) {
        print_log_tail(s->proc);
        fatal("regied did not create the reporting actor");
    }
    printf("  regied     pid %d, %s, data %s, %d workers (start %.1f s)\n", (int)s->proc->pid, s->url,
           dir, s->workers, bench_now() - t);
}

/* Group commits and commands so far, from the engine's stats. */
static void regie_commits(const regie_server *s, double *commits, double *cmds)
{
    *commits = *cmds = 0;
    rg_client *c;
    if (rg_client_open(&c, s->url, 10000, NULL) < 0) return;
    bench_group_commit(c, s->admin, commits, cmds);
    rg_client_close(c);
}

typedef struct rconn rconn;
typedef struct rgen rgen;

typedef struct rctx {
    rconn *conn;
    int id;
    nng_ctx ctx;
    nng_aio *aio;
    bool receiving;
    uint64_t n;
    double t;
} rctx;

struct rconn {                       /* one connection: a REQ socket, its own TCP connection */
    rgen *g;
    int id;
    nng_socket sock;
    pthread_mutex_t mu;              /* its contexts' callbacks may run on several nng threads */
    lat l;
};

struct rgen {
    const char *token;
    int shape;
    meter m;
};

static void rsend(rctx *a)
{
    char req[48];
    snprintf(req, sizeof req, "p%d-%d-%d-%llu", a->conn->g->shape, a->conn->id, a->id,
             (unsigned long long)++a->n);
    rg_buf b = RG_BUF_INIT;
    report_req(&b, a->conn->g->token, req);
    nng_msg *msg;
    if (nng_msg_alloc(&msg, 0) != 0) abort();
    nng_msg_append(msg, b.data, b.len);
    rg_buf_free(&b);
    a->t = bench_now();
    a->receiving = false;
    nng_aio_set_msg(a->aio, msg);
    nng_ctx_send(a->ctx, a->aio);
}

static void ron_aio(void *arg)
{
    rctx *a = arg;
    rgen *g = a->conn->g;
    int rv = nng_aio_result(a->aio);
    if (!a->receiving) {
        if (rv != 0) {
            nng_msg_free(nng_aio_get_msg(a->aio));
            atomic_fetch_add(&g->m.failed, 1);
            atomic_fetch_sub(&g->m.running, 1);
            return;
        }
        a->receiving = true;
        nng_ctx_recv(a->ctx, a->aio);
        return;
    }
    if (rv != 0) {
        atomic_fetch_add(&g->m.failed, 1);
        atomic_fetch_sub(&g->m.running, 1);
        return;
    }
    double now = bench_now();
    nng_msg *msg = nng_aio_get_msg(a->aio);
    bool ok = false;
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, nng_msg_body(msg), nng_msg_len(msg), &why) == 0) {
        rg_val_bool(rg_map_get(rg_doc_root(d), "ok"), &ok);
        rg_doc_free(d);
    }
    nng_msg_free(msg);
    if (ok) {
        if (atomic_load(&g->m.phase) == MEASURING) {
            pthread_mutex_lock(&a->conn->mu);
            lat_add(&a->conn->l, now - a->t);
            pthread_mutex_unlock(&a->conn->mu);
        }
        atomic_fetch_add(&g->m.done, 1);
    } else {
        atomic_fetch_add(&g->m.failed, 1);
    }
    if (atomic_load(&g->m.phase) == STOPPING) {
        atomic_fetch_sub(&g->m.running, 1);
        return;
    }
    rsend(a);
}

/* conns REQ sockets (one TCP connection each), depth contexts on each. */
static result regie_bench(const popts *o, const regie_server *s, int depth, int shape,
                          double *per_commit)
{
    rgen g;
    memset(&g, 0, sizeof g);
    g.token = s->partner;
    g.shape = shape;
    rconn *cs = calloc((size_t)o->conns, sizeof *cs);
    rctx *as = calloc((size_t)o->conns * (size_t)depth, sizeof *as);
    for (int i = 0; i < o->conns; i++) {
        rconn *c = &cs[i];
        c->g = &g;
        c->id = i;
        pthread_mutex_init(&c->mu, NULL);
        if (nng_req0_open(&c->sock) != 0) fatal("nng_req0_open");
        /* Never resend; and no resend timer per request: nng 1.5 keeps every
         * pending timeout in one list it walks, which with thousands of
         * requests in flight costs the generator more than the requests. */
        nng_socket_set_ms(c->sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
        int rv = nng_dial(c->sock, s->url, NULL, 0);
        if (rv != 0) fatal("dial %s: %s", s->url, nng_strerror(rv));
        for (int j = 0; j < depth; j++) {
            rctx *a = &as[(size_t)i * (size_t)depth + (size_t)j];
            a->conn = c;
            a->id = j;
            if (nng_ctx_open(&a->ctx, c->sock) != 0 || nng_aio_alloc(&a->aio, ron_aio, a) != 0)
                fatal("nng contexts");
        }
    }
    double c0, n0, c1, n1;
    regie_commits(s, &c0, &n0);
    size_t total = (size_t)o->conns * (size_t)depth;
    atomic_store(&g.m.running, (int)total);
    for (size_t i = 0; i < total; i++) rsend(&as[i]);
    result r = measure(&g.m, o, s->proc->pid, false);
    wait_running(&g.m);
    regie_commits(s, &c1, &n1);
    *per_commit = c1 > c0 ? (n1 - n0) / (c1 - c0) : 0;
    lat all = {0};
    for (size_t i = 0; i < total; i++) {
        nng_aio_free(as[i].aio);
        nng_ctx_close(as[i].ctx);
    }
    for (int i = 0; i < o->conns; i++) {
        for (size_t j = 0; j < cs[i].l.n; j++) lat_add(&all, cs[i].l.v[j]);
        lat_free(&cs[i].l);
        rg_net_close(cs[i].sock, RG_NET_CLOSE_MS);
        pthread_mutex_destroy(&cs[i].mu);
    }
    free(as);
    free(cs);
    take_latencies(&r, &all, &g.m);
    return r;
}

/* ---- output ---- */

static void print_result(const char *name, const char *unit, const result *r)
{
    char key[128];
    snprintf(key, sizeof key, "%s_per_s", name);
    bench_result(key, r->rate, unit);
    snprintf(key, sizeof key, "%s_p50_ms", name);
    bench_result(key, r->p50, "ms");
    snprintf(key, sizeof key, "%s_p99_ms", name);
    bench_result(key, r->p99, "ms");
    snprintf(key, sizeof key, "%s_server_cpu_us", name);
    bench_result(key, r->server_us, "us/event");
    snprintf(key, sizeof key, "%s_client_cpu_us", name);
    bench_result(key, r->client_us, "us/event");
    if (r->failed) printf("  (%s: %llu failed)\n", name, (unsigned long long)r->failed);
}

static void print_ratio(const char *name, double num, double den, const char *target)
{
    bench_result(name, den > 0 ? num / den : 0, "x");
    if (target) printf("  (target %s; a figure, not a test)\n", target);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: regie-bench-peers [--quick] [--regied PATH] [--pg-bin DIR] [--pg-user NAME]\n"
            "                         [--redis-server PATH] [--connections N] [--batch N]\n"
            "                         [--depth N] [--seconds S] [--warmup S] [--port P]\n"
            "                         [--tmp DIR] [--only single|batched]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    popts o = {false, "bin/regied", "/usr/lib/postgresql/15/bin", "postgres", "/usr/bin/redis-server",
               NULL, NULL, 64, 100, 0, 10.0, 1.0, 17500};
    bool seconds_set = false, warmup_set = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--quick") == 0) { o.quick = true; continue; }
        if (!v) usage();
        i++;
        if (strcmp(a, "--regied") == 0) o.regied = v;
        else if (strcmp(a, "--pg-bin") == 0) o.pg_bin = v;
        else if (strcmp(a, "--pg-user") == 0) o.pg_user = v;
        else if (strcmp(a, "--redis-server") == 0) o.redis_server = v;
        else if (strcmp(a, "--connections") == 0) o.conns = atoi(v);
        else if (strcmp(a, "--batch") == 0) o.batch = atoi(v);
        else if (strcmp(a, "--depth") == 0) o.depth = atoi(v);
        else if (strcmp(a, "--seconds") == 0) { o.seconds = atof(v); seconds_set = true; }
        else if (strcmp(a, "--warmup") == 0) { o.warmup = atof(v); warmup_set = true; }
        else if (strcmp(a, "--port") == 0) o.port = atoi(v);
        else if (strcmp(a, "--tmp") == 0) o.tmp_base = v;
        else if (strcmp(a, "--only") == 0) o.only = v;
        else usage();
    }
    if (o.quick) {
        if (!seconds_set) o.seconds = 2.0;
        if (!warmup_set) o.warmup = 0.5;
    }
    if (o.depth <= 0) o.depth = o.batch;
    if (o.conns < 1 || o.batch < 1 || o.seconds <= 0 || o.warmup < 0 || o.port < 1 || o.port > 65532 ||
        (o.only && strcmp(o.only, "single") != 0 && strcmp(o.only, "batched") != 0) ||
        (long)o.conns * o.depth > 65536)
        usage();
    bool single = !o.only || strcmp(o.only, "single") == 0;
    bool batched = !o.only || strcmp(o.only, "batched") == 0;
    if (access(o.regied, X_OK) != 0) fatal("no engine at %s (--regied)", o.regied);
    char path[1100];
    snprintf(path, sizeof path, "%s/postgres", o.pg_bin);
    if (access(path, X_OK) != 0) fatal("no PostgreSQL at %s (--pg-bin; make bench-peers installs it)", path);
    if (access(o.redis_server, X_OK) != 0) fatal("no redis-server at %s (--redis-server)", o.redis_server);

    /* A private directory: 0755 so the unprivileged PostgreSQL user reaches its own part. */
    const char *base = o.tmp_base ? o.tmp_base : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/regie-peers-XXXXXX", base);
    if (!mkdtemp(tmpdir)) {
        tmpdir[0] = 0;
        fatal("mkdtemp in %s: %s", base, strerror(errno));
    }
    chmod(tmpdir, 0755);
    atexit(cleanup);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    double t_all = bench_now();
    printf("bench-peers: %d connections, batch %d, regie depth %d, %.1f s per run after %.1f s warm-up\n",
           o.conns, o.batch, o.depth, o.seconds, o.warmup);
    printf("  scratch    %s\n", tmpdir);
    pg_server pg = {0};
    redis_server rd = {0};
    regie_server rg = {0};
    /* The peers first: they are forked (and PostgreSQL's setuid) before nng starts threads. */
    pg_start(&o, &pg);
    redis_start(&o, &rd);
    regie_start(&o, &rg);
    make_body(rg.partner);

    PGconn *pc = pg_connect(&pg);
    pg_exec(pc, "CREATE TABLE events (position bigserial PRIMARY KEY, case_id text NOT NULL, "
                "body bytea NOT NULL)");
    char sc[32], fs[32], wsm[32], ao[32], af[32];
    pg_show(pc, "synchronous_commit", sc, sizeof sc);
    pg_show(pc, "fsync", fs, sizeof fs);
    pg_show(pc, "wal_sync_method", wsm, sizeof wsm);
    redis_config(rd.port, "appendonly", ao, sizeof ao);
    redis_config(rd.port, "appendfsync", af, sizeof af);
    printf("  postgres: synchronous_commit=%s fsync=%s wal_sync_method=%s; redis: appendonly=%s "
           "appendfsync=%s\n", sc, fs, wsm, ao, af);
    printf("  event body %zu bytes (the report's data, msgpack) for all three; regie's whole request "
           "with envelope and token about %zu bytes\n", body_len, request_len);

    result pg1 = {0}, rd1 = {0}, rg1 = {0}, pgb = {0}, rdb = {0}, rgb = {0};
    double rg1_commit = 0, rgb_commit = 0;
    uint64_t pg_acked = 0, rd_acked = 0;
    if (single) {
        bench_heading("one event per request, one request in flight per connection");
        settle(&pg);
        pg1 = pg_bench(&o, &pg, 1);
        pg_acked += pg1.events;
        print_result("postgres_insert_autocommit", "rows/s", &pg1);
        settle(&pg);
        rd1 = redis_bench(&o, &rd, 1);
        rd_acked += rd1.events;
        print_result("redis_xadd", "events/s", &rd1);
        settle(&pg);
        rg1 = regie_bench(&o, &rg, 1, 1, &rg1_commit);
        print_result("regie_case_report", "cmd/s", &rg1);
        bench_result("regie_single_cmds_per_group_commit", rg1_commit, "cmds/commit");
        print_ratio("regie_vs_postgres_single", rg1.rate, pg1.rate, ">= 5");
        print_ratio("regie_vs_redis_single", rg1.rate, rd1.rate, ">= 1");
    }
    if (batched) {
        char title[160];
        snprintf(title, sizeof title,
                 "batched: regie %d in flight per connection, PostgreSQL %d rows per transaction, "
                 "Redis pipelines of %d", o.depth, o.batch, o.batch);
        bench_heading(title);
        settle(&pg);
        pgb = pg_bench(&o, &pg, o.batch);
        pg_acked += pgb.events;
        print_result("postgres_batched_rows", "rows/s", &pgb);
        settle(&pg);
        rdb = redis_bench(&o, &rd, o.batch);
        rd_acked += rdb.events;
        print_result("redis_pipelined_xadd", "events/s", &rdb);
        settle(&pg);
        rgb = regie_bench(&o, &rg, o.depth, 2, &rgb_commit);
        print_result("regie_case_report_batched", "cmd/s", &rgb);
        bench_result("regie_batched_cmds_per_group_commit", rgb_commit, "cmds/commit");
        print_ratio("regie_vs_postgres_batched", rgb.rate, pgb.rate, ">= 1");
        print_ratio("regie_vs_redis_batched", rgb.rate, rdb.rate, NULL);
    }

    /* What the peers hold is what they acknowledged. */
    uint64_t rows = pg_count(pc), xlen = redis_len(rd.port);
    PQfinish(pc);
    printf("\n  stored: postgres %llu rows (acknowledged %llu), redis %llu entries (acknowledged %llu)\n",
           (unsigned long long)rows, (unsigned long long)pg_acked, (unsigned long long)xlen,
           (unsigned long long)rd_acked);

    printf("\nsummary (events/s; ratios are regie over the peer, same run)\n");
    printf("  %-10s %12s %12s %12s %10s %10s\n", "shape", "regie", "postgres", "redis", "vs pg", "vs redis");
    if (single)
        printf("  %-10s %12.0f %12.0f %12.0f %10.2f %10.2f\n", "single", rg1.rate, pg1.rate, rd1.rate,
               pg1.rate > 0 ? rg1.rate / pg1.rate : 0, rd1.rate > 0 ? rg1.rate / rd1.rate : 0);
    if (batched)
        printf("  %-10s %12.0f %12.0f %12.0f %10.2f %10.2f\n", "batched", rgb.rate, pgb.rate, rdb.rate,
               pgb.rate > 0 ? rgb.rate / pgb.rate : 0, rdb.rate > 0 ? rgb.rate / rdb.rate : 0);
    fflush(stdout);
    cleanup();                                        /* stop all three by pid, remove the scratch */
    printf("bench-peers: done in %.1f s\n", bench_now() - t_all);
    return 0;
}

