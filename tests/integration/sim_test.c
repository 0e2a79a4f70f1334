/*
 * sim_test.c - the simulated region (regie-sim) against the real regied on a
 * manual clock: a short run completes with no refused step, cases reach the
 * end of the life cycle, the engine raised stagnation alerts that arrived
 * over nng, and the log's hash chain is intact afterwards.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test.h"

static rg_t_proc P;
static char *dir;

/* Run regie-sim; its output goes to out (a file). Returns its exit status. */
static int run_sim(const char *out)
{
    const char *sim = getenv("REGIE_SIM");
    if (!sim) {
        printf("  REGIE_SIM is not set\n");
        return -1;
    }
    fflush(NULL);                     /* or the child would write our buffer again */
    pid_t pid = fork();
    if (pid == 0) {
        FILE *f = freopen(out, "w", stdout);
        (void)f;
        execl(sim, sim, "--connect", P.url, "--publish", P.pub, "--admin", P.admin, "--cases", "80",
              "--days", "150", "--seed", "7", "--quiet", (char *)NULL);
        _exit(127);
    }
    return rg_t_wait_exit(pid, 600);
}

static void test_region_runs(void)
{
    dir = rg_t_tmpdir();
    const char *const args[] = {"--clock", "manual=2026-01-05T08:00:00Z", NULL};
    REQUIRE(rg_t_proc_start(&P, dir, args) == 0);
    char out[700];
    snprintf(out, sizeof out, "%s/sim.out", dir);
    CHECK(run_sim(out) == 0);
    FILE *f = fopen(out, "r");
    REQUIRE(f);
    char line[512], last[512] = "";
    while (fgets(line, sizeof line, f))
        if (strstr(line, "requests,")) snprintf(last, sizeof last, "%s", line);
    fclose(f);
    unsigned long long reqs = 0, refused = 1, alerts = 0, stag = 0, esc = 0;
    CHECK(sscanf(last, "%llu requests, %llu refused; %llu alerts over nng: %llu on stagnations, %llu on",
                 &reqs, &refused, &alerts, &stag, &esc) == 5);
    CHECK(reqs > 500 && refused == 0);
    CHECK(stag > 0 && esc > 0);

    rg_client *c;
    REQUIRE(rg_client_open(&c, P.url, 30000, NULL) == 0);
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    rg_req_envelope(&b, "log.verify", P.admin, NULL, NULL, -1, -1);
    CHECK(rg_t_proc_call(&P, c, &b, &r) == 0 && rg_t_ok(&r));
    const rg_val *intact = rg_t_get(&r, "intact");
    bool ok = false;
    CHECK(rg_val_bool(intact, &ok) && ok);
    CHECK(rg_t_uint(&r, "checked") > reqs / 2);
    rg_t_reply_free(&r);
    rg_client_close(c);
    rg_buf_free(&b);
    CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);
    rg_t_rmrf(dir);
    free(dir);
}

int main(void)
{
    RUN(test_region_runs);
    return rg_t_exit();
}
