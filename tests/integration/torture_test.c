/*
 * torture_test.c - the short version of `make torture` (issue 16): five
 * SIGKILL cycles (one of each kind: during a rebuild, after a backup, in a
 * deadline burst, during an erasure, under load) of the real regied under four clients, with the checker
 * (tools/torture/), and a few steps of the I/O fault sweep, and its step
 * 100 alone (ENOSPC from the log's fdatasync on, from the engine's start:
 * it aborted regied inside RocksDB before the engine kept its own log; now
 * an exit after a fault is a violation of the sweep).  The sweep
 * preloads faultfs.so, which cannot go before the sanitizer's runtime, so
 * under ASan only the kill loop runs.
 */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../test.h"

static char bindir[512];

static char last_output[16384];

static int run(const char *args)
{
    last_output[0] = 0;
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s/regie-torture --regied %s/regied --quiet %s 2>&1", bindir, bindir, args);
    FILE *f = popen(cmd, "r");
    if (!f) return -1;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        printf("  %s", line);
        if (strlen(last_output) + strlen(line) < sizeof last_output) strcat(last_output, line);
    }
    int st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_kill_cycles(void)
{
    CHECK(run("--cycles 5 --clients 4 --seed 16") == 0);
}

static void test_fault_sweep(void)
{
    if (strstr(bindir, "/asan/")) {
        printf("  under ASan: the fault shim cannot be preloaded; the sweep runs in release mode\n");
        return;
    }
    char args[1024];
    snprintf(args, sizeof args, "--cycles 0 --faultfs %s/faultfs.so --fault-steps 8 --seed 16", bindir);
    CHECK(run(args) == 0);
}

static void test_fault_step_100(void)
{
    if (strstr(bindir, "/asan/")) {
        printf("  under ASan: the fault shim cannot be preloaded; the sweep runs in release mode\n");
        return;
    }
    char args[1024];
    snprintf(args, sizeof args, "--cycles 0 --faultfs %s/faultfs.so --fault-steps 120 --seed 16", bindir);
    setenv("REGIE_FAULT_STEP", "100", 1);
    CHECK(run(args) == 0);
    unsetenv("REGIE_FAULT_STEP");
    CHECK(strstr(last_output, "1 fired") != NULL);
    CHECK(strstr(last_output, " 0 exited;") != NULL);
}

int main(void)
{
    const char *r = getenv("REGIED");
    char *copy = strdup(r ? r : "bin/regied");
    char *abs = realpath(copy, NULL);
    snprintf(bindir, sizeof bindir, "%s", dirname(abs ? abs : copy));
    free(abs);
    free(copy);
    RUN(test_kill_cycles);
    RUN(test_fault_sweep);
    RUN(test_fault_step_100);
    return rg_t_exit();
}
