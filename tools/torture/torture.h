/*
 * torture.h - regie-torture (issue 16): the real regied under concurrent
 * clients, killed with SIGKILL at random moments and restarted, and a
 * checker that trusts nothing of the engine's code but its replies; and a
 * sweep of injected I/O faults (faultfs.so, LD_PRELOAD).
 *
 *   kill.c    the kill loop: clients, the feed reader, the kill moments
 *   check.c   the checker: the log read back through the contract
 *   faults.c  the fault sweep
 *   proc.c    starting, killing and waiting for regied; a retrying call
 *
 * Every request a client sends has a unique `req`; one that got no reply
 * (the engine died) is sent again, byte for byte, until it is answered, so
 * every request ends acknowledged (ok, or a definitive refusal) and the
 * checker can attribute every event of the log to exactly one request.
 */
#ifndef RG_TORTURE_H
#define RG_TORTURE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../../engine/storage/buf.h"
#include "../../engine/storage/codec.h"
#include "../client.h"

/* ---- the engine process (proc.c) ---- */
typedef struct t_proc {
    pid_t pid;
    char dir[512];            /* data directory */
    char url[600];
    char log[600];            /* its stderr, appended */
    char admin[128];
    const char *regied;
    const char *preload;      /* LD_PRELOAD, or NULL */
    char env[8][700];         /* further NAME=VALUE for the child ("" unused) */
} t_proc;

/* Start regied on p->dir (with --clock manual=... and extra args); when
 * wait_ready, wait until stats answers (at most limit_s).  0 or -1. */
int t_start(t_proc *p, const char *const *extra, bool wait_ready, int limit_s);
int t_wait_ready(t_proc *p, int limit_s);
void t_kill(t_proc *p);                 /* SIGKILL and reap */
int t_stop(t_proc *p);                  /* SIGTERM and reap: exit status */
bool t_alive(t_proc *p);

/* A parsed reply. */
typedef struct t_reply {
    uint8_t *bytes;
    size_t len;
    rg_doc *doc;
    const rg_val *root;
    bool ok;
    char err[32];             /* error code, "" when ok */
} t_reply;
void t_reply_free(t_reply *r);

/* Send req (bytes) and wait for the reply; with retry, a transport failure
 * (no engine, no reply in time) or `overloaded` sends the same bytes again
 * until answered, *stop, or T_GIVE_UP_MS without any answer (the engine is
 * gone for good: crashed outside a kill cycle, or never came back; a restart
 * is bounded at 120 s, so this is never an engine that is merely slow).
 * 0, or -1 when not answered. */
#ifndef T_GIVE_UP_MS
#define T_GIVE_UP_MS (300 * 1000)
#endif
int t_call(rg_client **c, const char *url, const rg_buf *req, t_reply *out, bool retry,
           atomic_bool *stop);

/* ---- what clients saw (kill.c), checked by check.c ---- */
typedef struct t_ev {         /* an event as a reply reported it */
    uint64_t seq, v;
    char case_id[24];
    char type[32];
} t_ev;

typedef struct t_ack {        /* a request answered */
    char req[40];
    char actor[24];
    bool ok;
    char err[32];
    uint32_t nev;
    t_ev *ev;
    /* for a sample: the request's bytes and the reply's, sent again at the
     * end, when the repeat must get the first reply and change nothing */
    uint8_t *reqb, *repb;
    size_t reqn, repn;
} t_ack;

typedef struct t_acks {
    pthread_mutex_t lock;
    t_ack *a;
    size_t n, cap;
} t_acks;

/* keep: the request's bytes, to keep it and its reply for the repeat check */
void t_acks_add(t_acks *l, const char *actor, const char *req, const t_reply *r, const rg_buf *keep);

typedef struct t_world {
    const char *regied;
    char root[400];           /* work directory */
    uint64_t seed;
    int cycles, clients;
    bool quiet;
    t_proc p;
    char mgr[128], admin[128];
    t_acks acks;
    /* the feed reader's view */
    uint64_t *seen;
    size_t nseen, capseen;
    uint64_t feed_next;
    atomic_bool stop_reader;  /* set by the check once the reader caught up */
    atomic_ullong clock_ms;   /* the engine's manual clock, as acknowledged */
    atomic_int violations;
    uint64_t cycles_done;
    pthread_mutex_t erased_lock;
    char (*erased)[24];       /* cases erased (their sealed replies no longer open) */
    size_t nerased;
} t_world;

void t_violation(t_world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int t_kill_loop(t_world *w);            /* kill.c: returns violations */
int t_check(t_world *w);                /* check.c: the engine must be up */
int t_fault_sweep(const char *regied, const char *faultfs, const char *root, int steps,
                  uint64_t seed, bool quiet);   /* faults.c: violations */

uint64_t t_rand(uint64_t *s);
void t_sleep_ms(int ms);
uint64_t t_now_ms(void);
void t_date(char *buf, size_t cap, uint64_t ms, bool with_time);

#endif
