/*
 * bench.h - the benchmark driver's shared pieces: timing, latency samples,
 * result lines.  Every figure is printed twice: in the table, and as one
 * machine-readable line `bench: name=value unit` (grep-able).  No figure is
 * a pass/fail test: the machines are noisy, ratios against a baseline taken
 * in the same run are what to compare.
 */
#ifndef RG_BENCH_H
#define RG_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

typedef struct bench_opts {
    bool quick;
    const char *regied;       /* path of the engine binary */
    const char *tmp;          /* scratch directory */
    double seconds;           /* per end-to-end run */
    uint64_t replay_events;
    int readers;              /* feed fan-out */
    uint64_t cases;           /* open cases for the deadline benchmark (0: by --quick) */
} bench_opts;

double bench_now(void);                      /* seconds, monotonic */
/* CPU seconds (user + system, every thread) of process pid (0: this one);
 * with faults, its minor page faults so far (fresh pages the kernel
 * mapped, zeroed, for it) into *faults. */
double bench_cpu(int pid);
double bench_cpu_faults(int pid, double *faults /* OUT */);
void bench_sleep_until(double t);            /* until bench_now() reaches t */
void bench_result(const char *name, double value, const char *unit);
void bench_heading(const char *title);

typedef struct lat {
    double *v;
    size_t n, cap;
} lat;
void lat_add(lat *l, double seconds);
double lat_pct(lat *l, double pct);          /* sorts in place; ms */
void lat_free(lat *l);

char *bench_mkdir(const bench_opts *o, const char *name);   /* fresh dir; free() */
void bench_rmrf(const char *dir);

/* The parts (bench_store.c, bench_net.c). */
/* What the engine wrote, measured while bench_engine ran. */
typedef struct bench_shape {
    double cmds_per_commit, keys_per_cmd, bytes_per_cmd;
    double cpu_us_per_cmd;    /* the process's CPU (all threads, RocksDB's too) per command */
    double faults_per_cmd;    /* its minor page faults per command */
} bench_shape;
double bench_rocksdb(const bench_opts *o, int batch);                 /* events/s */
/* The same, each command writing keys keys of bytes bytes in all. */
double bench_rocksdb_shaped(const bench_opts *o, int batch, double keys, double bytes);
double bench_engine(const bench_opts *o, int batch, bench_shape *shape /* OUT */);   /* cmd/s */
void bench_replay(const bench_opts *o);
/* Case snapshots (snapshot.c): keys and bytes of a command on an existing
 * case, and a cache miss's load time by the length of the case's tail. */
void bench_snapshots(const bench_opts *o);
void bench_e2e(const bench_opts *o, int *formed_batch /* OUT */);
void bench_feed(const bench_opts *o);
void bench_http(const bench_opts *o);        /* http.c: the JSON API and SSE fan-out */
void bench_deadlines(const bench_opts *o);

/* The workload every part sends: a realistic report's data (5 pairs, about
 * 260 bytes of msgpack), and whether a reply says ok. */
struct rg_buf;
void bench_report_data(struct rg_buf *b);
bool bench_reply_ok(const uint8_t *p, size_t n);

/* Blocking calls to a running regied (rpc.c): one request, its reply parsed
 * (0; *bytes to free() in any case); group commits and the commands they
 * carried so far, from `stats` as admin. */
struct rg_client;
struct rg_doc;
int bench_call(struct rg_client *c, const struct rg_buf *b, struct rg_doc **d, uint8_t **bytes);
void bench_group_commit(struct rg_client *c, const char *admin, double *commits, double *cmds);

/* A regied of its own (net.c): nng on tcp port and port+1, HTTP on
 * http_port (0: off); the admin's token read once it is written. */
typedef struct bench_engine_proc {
    pid_t pid;
    char dir[1024];
    char url[64];
    char admin[128];
} bench_engine_proc;
void bench_start_engine(const bench_opts *o, bench_engine_proc *p, const char *name, int port, int http_port);
void bench_stop_engine(bench_engine_proc *p);      /* and its directory removed */
void bench_make_actor(struct rg_client *c, const char *admin, const char *id, const char *role,
                      const char *org, char *tok /* 128 */);
/* A closed or open loop's figures. */
typedef struct bench_run {
    double rate, p50, p99, p999;
    uint64_t failed;
    uint64_t late_sends;      /* open loop: requests the generator sent over 1 ms late */
    uint64_t total;           /* answered, the ones after the window included */
} bench_run;
void bench_print_run(const char *name, const bench_run *r);
/* The case cycle (report, take, start intake, admit, bring in a partner)
 * over nng, closed loop with `inflight` requests in flight (net.c). */
bench_run bench_nng_cycle(const char *url, int inflight, double seconds, const char *partner,
                          const char *director);

/* Shared by the in-process parts (store.c). */
struct rg_engine;
void bench_report_req(struct rg_buf *b, const char *token, uint64_t n);   /* a realistic case.report */
void bench_make_partner(uv_loop_t *loop, struct rg_engine *e, const char *dir, char *tok, size_t cap);
char *bench_read_line(const char *path);     /* first line of a file; static buffer */

#endif
