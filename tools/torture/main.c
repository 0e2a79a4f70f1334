/*
 * main.c - regie-torture: the kill loop and its checker, then the I/O
 * fault sweep (torture.h; RELIABILITY.md has the figures).
 *
 *   regie-torture --regied bin/regied [--cycles 100] [--clients 8] [--seed S]
 *                 [--faultfs build/release/faultfs.so] [--fault-steps N]
 *                 [--dir DIR] [--keep] [--quiet]
 *
 * Exit status 0 when nothing was violated; every violation is printed with
 * the seed that reproduces the run.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "torture.h"

int main(int argc, char **argv)
{
    t_world *w = calloc(1, sizeof *w);
    const char *faultfs = NULL, *dir = NULL;
    int fault_steps = 0;
    bool keep = false;
    w->cycles = 100;
    w->clients = 8;
    w->seed = (uint64_t)time(NULL);
    w->regied = "bin/regied";
    static const struct option lo[] = {
        {"regied", required_argument, 0, 'r'}, {"cycles", required_argument, 0, 'n'},
        {"clients", required_argument, 0, 'c'}, {"seed", required_argument, 0, 's'},
        {"faultfs", required_argument, 0, 'f'}, {"fault-steps", required_argument, 0, 'F'},
        {"dir", required_argument, 0, 'd'},     {"keep", no_argument, 0, 'k'},
        {"quiet", no_argument, 0, 'q'},         {0, 0, 0, 0}};
    for (int ch; (ch = getopt_long(argc, argv, "", lo, NULL)) != -1;) {
        switch (ch) {
        case 'r': w->regied = optarg; break;
        case 'n': w->cycles = atoi(optarg); break;
        case 'c': w->clients = atoi(optarg); break;
        case 's': w->seed = strtoull(optarg, NULL, 10); break;
        case 'f': faultfs = optarg; break;
        case 'F': fault_steps = atoi(optarg); break;
        case 'd': dir = optarg; break;
        case 'k': keep = true; break;
        case 'q': w->quiet = true; break;
        default:
            fprintf(stderr, "usage: regie-torture --regied PATH [--cycles N] [--clients N] [--seed S] "
                            "[--faultfs SO] [--fault-steps N] [--dir DIR] [--keep] [--quiet]\n");
            return 2;
        }
    }
    if (w->clients < 1 || w->clients > 64 || w->cycles < 0) {
        fprintf(stderr, "regie-torture: --clients 1..64, --cycles >= 0\n");
        return 2;
    }
    if (!w->seed) w->seed = 1;
    signal(SIGPIPE, SIG_IGN);
    if (dir) {
        snprintf(w->root, sizeof w->root, "%s", dir);
    } else {
        snprintf(w->root, sizeof w->root, "/tmp/regie-torture-XXXXXX");
        if (!mkdtemp(w->root)) {
            perror("mkdtemp");
            return 2;
        }
    }
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && rm -rf '%s/data' '%s/copy' '%s/backups' '%s/faults' '%s/data.kek' '%s/copy.kek' '%s/data.ledger' '%s/copy.ledger'",
             w->root, w->root, w->root, w->root, w->root, w->root, w->root, w->root, w->root);
    if (system(cmd) != 0) return 2;
    pthread_mutex_init(&w->acks.lock, NULL);
    pthread_mutex_init(&w->erased_lock, NULL);
    printf("regie-torture: seed %llu, %d cycles, %d clients, in %s\n", (unsigned long long)w->seed, w->cycles,
           w->clients, w->root);
    fflush(stdout);
    int v = 0;
    if (w->cycles > 0) {
        int k = t_kill_loop(w);
        v += k < 0 ? 1 : k;
    }
    if (faultfs && fault_steps > 0) {
        int f = t_fault_sweep(w->regied, faultfs, w->root, fault_steps, w->seed, w->quiet);
        v += f < 0 ? 1 : f;
    }
    printf("regie-torture: %d violations (seed %llu)\n", v, (unsigned long long)w->seed);
    if (!keep && v == 0) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", w->root);
        if (system(cmd) != 0) fprintf(stderr, "regie-torture: could not remove %s\n", w->root);
    }
    for (size_t i = 0; i < w->acks.n; i++) {
        free(w->acks.a[i].ev);
        free(w->acks.a[i].reqb);
        free(w->acks.a[i].repb);
    }
    free(w->erased);
    pthread_mutex_destroy(&w->erased_lock);
    free(w->acks.a);
    free(w->seen);
    pthread_mutex_destroy(&w->acks.lock);
    free(w);
    return v ? 1 : 0;
}
