/* util.c - timing, samples, output and the shared workload of the benchmarks. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../engine/storage/codec.h"
#include "bench.h"

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_heading(const char *title) { printf("\n%s\n", title); }

void bench_sleep_until(double t)
{
    struct timespec ts = {(time_t)t, (long)((t - (double)(time_t)t) * 1e9)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

void bench_result(const char *name, double value, const char *unit)
{
    printf("  %-44s %14.2f %s\n", name, value, unit);
    printf("bench: %s=%.4f %s\n", name, value, unit);
    fflush(stdout);
}

void lat_add(lat *l, double s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4096;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v) abort();
    }
    l->v[l->n++] = s;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double lat_pct(lat *l, double pct)
{
    if (!l->n) return 0;
    qsort(l->v, l->n, sizeof *l->v, cmp);
    size_t i = (size_t)(pct / 100.0 * (double)(l->n - 1) + 0.5);
    return l->v[i] * 1000.0;
}

void lat_free(lat *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

char *bench_mkdir(const bench_opts *o, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", o->tmp, name);
    bench_rmrf(path);
    mkdir(path, 0700);
    return strdup(path);
}

static int rm_one(const char *p, const struct stat *s, int f, struct FTW *w)
{
    (void)s; (void)f; (void)w;
    return remove(p);
}

void bench_rmrf(const char *dir) { nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS); }

void bench_report_data(rg_buf *b)
{
    rg_w_kstr(b, "target_group", "verward_gedrag");
    rg_w_kstr(b, "summary", "Repeated incidents at the address; neighbours report threats; "
                            "earlier contact with the outpatient team ended in 2024.");
    rg_w_kstr(b, "urgency", "high");
    rg_w_kbool(b, "informed", true);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 3);
    rg_w_kstr(b, "name", "Jan Jansen");
    rg_w_kstr(b, "birth_date", "1988-04-02");
    rg_w_kstr(b, "address", "Stationsstraat 1, Tilburg");
}

bool bench_reply_ok(const uint8_t *p, size_t n)
{
    rg_doc *d;
    const char *why;
    bool ok = false;
    if (rg_doc_parse(&d, p, n, &why) == 0) {
        rg_val_bool(rg_map_get(rg_doc_root(d), "ok"), &ok);
        rg_doc_free(d);
    }
    return ok;
}

double bench_cpu(int pid)
{
    double faults;
    return bench_cpu_faults(pid, &faults);
}

double bench_cpu_faults(int pid, double *faults)
{
    *faults = 0;
    if (pid == 0) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        *faults = (double)ru.ru_minflt;
        return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
               (double)ru.ru_stime.tv_usec / 1e6;
    }
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');                 /* after the command name */
    if (!p) return 0;
    unsigned long long v[13] = {0};
    char *save = NULL;
    int i = 0;
    for (char *t = strtok_r(p + 1, " ", &save); t && i < 13; t = strtok_r(NULL, " ", &save))
        v[i++] = strtoull(t, NULL, 10);          /* from field 3: minflt is 10, utime 14, stime 15 */
    *faults = (double)v[7];
    return (double)(v[11] + v[12]) / (double)sysconf(_SC_CLK_TCK);
}
