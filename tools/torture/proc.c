/* proc.c - regied as a child process, and a call that retries; see torture.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "torture.h"

extern char **environ;

#define START_CLOCK "manual=2027-01-04T09:00:00+01:00"

uint64_t t_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

void t_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

uint64_t t_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void t_date(char *buf, size_t cap, uint64_t ms, bool with_time)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, cap, with_time ? "%Y-%m-%dT10:00:00Z" : "%Y-%m-%d", &tm);
}

void t_reply_free(t_reply *r)
{
    rg_doc_free(r->doc);
    free(r->bytes);
    memset(r, 0, sizeof *r);
}

static void read_token(t_proc *p)
{
    char path[700];
    snprintf(path, sizeof path, "%s/admin.token", p->dir);
    FILE *f = fopen(path, "r");
    p->admin[0] = 0;
    if (!f) return;
    if (fgets(p->admin, sizeof p->admin, f)) p->admin[strcspn(p->admin, "\r\n")] = 0;
    fclose(f);
}

int t_start(t_proc *p, const char *const *extra, bool wait_ready, int limit_s)
{
    snprintf(p->url, sizeof p->url, "ipc://%s/rep.ipc", p->dir);
    char pub[600];
    snprintf(pub, sizeof pub, "ipc://%s/pub.ipc", p->dir);
    const char *argv[24] = {p->regied, "--data", p->dir, "--listen", p->url, "--publish", pub,
                            "--clock", START_CLOCK, "--http", "off"};
    int argc = 11;
    for (int i = 0; extra && extra[i] && argc < 22; i++) argv[argc++] = extra[i];
    argv[argc] = NULL;
    /* The child's environment: ours, LD_PRELOAD and the fault settings. */
    size_t ne = 0;
    while (environ[ne]) ne++;
    char **env = calloc(ne + 12, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; i < ne; i++)
        if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0 && strncmp(environ[i], "FAULTFS_", 8) != 0)
            env[k++] = environ[i];
    char pre[600];
    if (p->preload) {
        snprintf(pre, sizeof pre, "LD_PRELOAD=%s", p->preload);
        env[k++] = pre;
    }
    for (int i = 0; i < 8; i++)
        if (p->env[i][0]) env[k++] = p->env[i];
    env[k] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, p->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawn(&p->pid, p->regied, &fa, NULL, (char *const *)argv, env);
    posix_spawn_file_actions_destroy(&fa);
    free(env);
    if (rc != 0) {
        fprintf(stderr, "regie-torture: cannot start %s: %s\n", p->regied, strerror(rc));
        p->pid = 0;
        return -1;
    }
    return wait_ready ? t_wait_ready(p, limit_s) : 0;
}

bool t_alive(t_proc *p)
{
    if (p->pid <= 0) return false;
    int st;
    pid_t r = waitpid(p->pid, &st, WNOHANG);
    if (r == p->pid) {
        p->pid = 0;
        return false;
    }
    return true;
}

int t_wait_ready(t_proc *p, int limit_s)
{
    rg_client *c = NULL;
    if (rg_client_open(&c, p->url, 1000, NULL) < 0) return -1;
    uint64_t until = t_now_ms() + (uint64_t)limit_s * 1000;
    int rc = -1;
    while (t_now_ms() < until) {
        read_token(p);
        if (p->admin[0]) {
            rg_buf b = RG_BUF_INIT;
            rg_req_envelope(&b, "stats", p->admin, NULL, NULL, -1, -1);
            uint8_t *reply = NULL;
            size_t n;
            int cr = rg_client_call(c, b.data, b.len, &reply, &n);
            rg_buf_free(&b);
            free(reply);
            if (cr == 0) {
                rc = 0;
                break;
            }
        }
        if (!t_alive(p)) break;
        t_sleep_ms(30);
    }
    rg_client_close(c);
    return rc;
}

void t_kill(t_proc *p)
{
    if (p->pid <= 0) return;
    kill(p->pid, SIGKILL);
    int st;
    waitpid(p->pid, &st, 0);
    p->pid = 0;
}

int t_stop(t_proc *p)
{
    if (p->pid <= 0) return -1;
    kill(p->pid, SIGTERM);
    int st = 0;
    for (int i = 0; i < 600; i++) {
        pid_t r = waitpid(p->pid, &st, WNOHANG);
        if (r == p->pid) {
            p->pid = 0;
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
        t_sleep_ms(50);
    }
    t_kill(p);
    return -1;
}

int t_call(rg_client **c, const char *url, const rg_buf *req, t_reply *out, bool retry,
           atomic_bool *stop)
{
    memset(out, 0, sizeof *out);
    uint64_t since = t_now_ms();
    for (int attempt = 0;; attempt++) {
        if (!*c && rg_client_open(c, url, 4000, NULL) < 0) *c = NULL;
        if (*c) {
            uint8_t *bytes = NULL;
            size_t n = 0;
            int rc = rg_client_call(*c, req->data, req->len, &bytes, &n);
            if (rc == 0) {
                const char *why;
                out->bytes = bytes;
                out->len = n;
                if (rg_doc_parse(&out->doc, bytes, n, &why) == 0) {
                    out->root = rg_doc_root(out->doc);
                    rg_val_bool(rg_map_get(out->root, "ok"), &out->ok);
                    if (!out->ok) rg_val_strcpy(rg_map_get(out->root, "error"), out->err, sizeof out->err);
                    if (!retry || strcmp(out->err, "overloaded") != 0) return 0;
                } else if (!retry) {
                    return 0;                  /* not msgpack: the caller sees root NULL */
                }
                t_reply_free(out);
            } else {
                /* The engine died under us: a fresh socket for the next one. */
                rg_client_close(*c);
                *c = NULL;
            }
        }
        if (!retry || (stop && atomic_load(stop))) return -1;
        if (t_now_ms() - since > T_GIVE_UP_MS) {
            /* Without this, every client thread retried forever and the
             * run hung on a dead engine instead of reporting it. */
            fprintf(stderr, "regie-torture: no answer (or only `overloaded`) from %s for %d s; giving up on this request\n", url,
                    T_GIVE_UP_MS / 1000);
            return -1;
        }
        t_sleep_ms(attempt < 10 ? 20 : 100);
    }
}

void t_acks_add(t_acks *l, const char *actor, const char *req, const t_reply *r, const rg_buf *keep)
{
    t_ack a;
    memset(&a, 0, sizeof a);
    snprintf(a.req, sizeof a.req, "%s", req);
    snprintf(a.actor, sizeof a.actor, "%s", actor);
    a.ok = r->ok;
    snprintf(a.err, sizeof a.err, "%s", r->err);
    const rg_val *evs = rg_map_get(r->root, "events");
    a.nev = rg_array_size(evs);
    if (a.nev) a.ev = calloc(a.nev, sizeof *a.ev);
    for (uint32_t i = 0; i < a.nev; i++) {
        const rg_val *e = rg_array_at(evs, i);
        rg_val_uint(rg_map_get(e, "seq"), &a.ev[i].seq);
        rg_val_uint(rg_map_get(e, "v"), &a.ev[i].v);
        rg_val_strcpy(rg_map_get(e, "case"), a.ev[i].case_id, sizeof a.ev[i].case_id);
        rg_val_strcpy(rg_map_get(e, "type"), a.ev[i].type, sizeof a.ev[i].type);
    }
    if (keep && r->ok) {
        a.reqb = malloc(keep->len);
        memcpy(a.reqb, keep->data, keep->len);
        a.reqn = keep->len;
        a.repb = malloc(r->len ? r->len : 1);
        memcpy(a.repb, r->bytes, r->len);
        a.repn = r->len;
    }
    pthread_mutex_lock(&l->lock);
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->a = realloc(l->a, l->cap * sizeof *l->a);
    }
    l->a[l->n++] = a;
    pthread_mutex_unlock(&l->lock);
}

static pthread_mutex_t say_lock = PTHREAD_MUTEX_INITIALIZER;

void t_violation(t_world *w, const char *fmt, ...)
{
    int n = atomic_fetch_add(&w->violations, 1);
    if (n >= 50) return;                        /* enough to go on */
    pthread_mutex_lock(&say_lock);
    va_list ap;
    va_start(ap, fmt);
    printf("VIOLATION (seed %llu): ", (unsigned long long)w->seed);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    pthread_mutex_unlock(&say_lock);
}
