/*
 * main.c - `make bench`: every figure of the benchmark issue in one run,
 * each next to its baseline measured in the same run.
 *
 *   regie-bench [--quick] [--regied PATH] [--seconds S] [--replay N] [--readers N]
 *               [--cases N] [--only append|e2e|feed|http|replay|deadlines]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char **environ;

#include "bench.h"

int main(int argc, char **argv)
{
    bench_opts o = {false, "bin/regied", NULL, 3.0, 10000000, 100, 0};
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) o.quick = true;
        else if (strcmp(argv[i], "--regied") == 0 && i + 1 < argc) o.regied = argv[++i];
        else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) o.seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--replay") == 0 && i + 1 < argc) o.replay_events = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--readers") == 0 && i + 1 < argc) o.readers = atoi(argv[++i]);
        else if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc) o.cases = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) only = argv[++i];
        else {
            fprintf(stderr, "usage: regie-bench [--quick] [--regied PATH] [--seconds S] "
                            "[--replay EVENTS] [--readers N] [--cases N]\n"
                            "                   [--only append|e2e|feed|http|replay|deadlines]\n");
            return 2;
        }
    }
    if (o.quick) {
        o.seconds = 1.0;
        if (o.replay_events == 10000000) o.replay_events = 200000;
    }
    char tmp[] = "/tmp/regie-bench-XXXXXX";
    if (!mkdtemp(tmp)) return 1;
    o.tmp = tmp;

#define WANT(name) (!only || strcmp(only, name) == 0)
    static const int sizes[] = {1, 16, 64, 256};
    double raw[4] = {0}, eng[4] = {0};
    if (WANT("append") || WANT("e2e")) {
        bench_heading("durable appends: raw RocksDB (WriteBatch + sync) vs the engine in-process");
        for (int i = 0; i < 4; i++) {
            char key[64];
            raw[i] = bench_rocksdb(&o, sizes[i]);
            snprintf(key, sizeof key, "rocksdb_batch_%d_events_per_s", sizes[i]);
            bench_result(key, raw[i], "events/s");
            bench_shape shape;
            eng[i] = bench_engine(&o, sizes[i], &shape);
            snprintf(key, sizeof key, "engine_batch_%d_cmds_per_s", sizes[i]);
            bench_result(key, eng[i], "cmd/s");
            snprintf(key, sizeof key, "engine_vs_rocksdb_batch_%d", sizes[i]);
            bench_result(key, eng[i] / raw[i], "x");
            /* What limits it: the engine writes several keys per command
             * (event, stream index, projection, idempotency record, feed
             * and deadline index): RocksDB alone writing that shape. */
            /* CPU per command: what a busy, shared machine disturbs least. */
            snprintf(key, sizeof key, "engine_batch_%d_cpu_us_per_cmd", sizes[i]);
            bench_result(key, shape.cpu_us_per_cmd, "us");
            snprintf(key, sizeof key, "engine_batch_%d_page_faults_per_cmd", sizes[i]);
            bench_result(key, shape.faults_per_cmd, "faults");
            snprintf(key, sizeof key, "engine_batch_%d_cmds_per_commit", sizes[i]);
            bench_result(key, shape.cmds_per_commit, "cmds");
            snprintf(key, sizeof key, "engine_batch_%d_keys_per_cmd", sizes[i]);
            bench_result(key, shape.keys_per_cmd, "keys");
            snprintf(key, sizeof key, "engine_batch_%d_bytes_per_cmd", sizes[i]);
            bench_result(key, shape.bytes_per_cmd, "bytes");
            double shaped = bench_rocksdb_shaped(&o, sizes[i], shape.keys_per_cmd, shape.bytes_per_cmd);
            snprintf(key, sizeof key, "rocksdb_engine_shape_batch_%d_cmds_per_s", sizes[i]);
            bench_result(key, shaped, "cmd/s");
            snprintf(key, sizeof key, "engine_vs_rocksdb_engine_shape_batch_%d", sizes[i]);
            bench_result(key, eng[i] / shaped, "x");
        }
        bench_snapshots(&o);
    }
    if (WANT("e2e")) {
        bench_heading("end to end over nng tcp on loopback (regied, every reply after fsync)");
        int formed = 1;
        bench_e2e(&o, &formed);
        int best = 0;
        for (int i = 1; i < 4; i++)
            if (abs(sizes[i] - formed) < abs(sizes[best] - formed)) best = i;
        char key[64];
        snprintf(key, sizeof key, "ratio_vs_rocksdb (batch %d)", sizes[best]);
        bench_result(key, eng[best] / raw[best], "x");
    }
    if (WANT("feed")) {
        bench_heading("feed fan-out: long-polling readers, delay from durable write to reply");
        bench_feed(&o);
    }
    if (WANT("http")) {
        bench_heading("HTTP: the JSON API beside nng (same engine, same case cycle), SSE fan-out");
        bench_http(&o);
    }
    if (WANT("replay")) {
        bench_heading("replay: rebuilding every projection from the log");
        bench_replay(&o);
    }
    if (only && strcmp(only, "deadlines") == 0) {
        bench_heading("deadlines: open cases with deadlines, memory, and how late they fire");
        bench_deadlines(&o);
    } else if (!only) {
        /* In a process of its own: its memory figures must not include what
         * the sections above left behind. */
        fflush(stdout);
        char cases[32];
        snprintf(cases, sizeof cases, "%llu", (unsigned long long)o.cases);
        const char *args[] = {"/proc/self/exe", "--only", "deadlines", "--cases", cases,
                              o.quick ? "--quick" : NULL, NULL};
        pid_t pid;
        int st = 0;
        if (posix_spawn(&pid, "/proc/self/exe", NULL, NULL, (char *const *)args, environ) != 0 ||
            waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            fprintf(stderr, "bench: the deadline benchmark failed\n");
    }

    bench_rmrf(tmp);
    return 0;
}
