/*
 * services_test.c - services/services.c, opening the engine: the core with
 * the deadline service, the feed, the audit trail and the transparency log
 * attached, each found through the engine; closing leaves no handle on the
 * loop; a start that fails after the core opened (a signing key that is not
 * one) returns the error with everything torn down (no handle left, the
 * directory usable by the next open).
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../handlers/handlers.h"

static int open_engine(uv_loop_t *loop, const char *dir, const char *sign_key, rg_engine **e)
{
    rg_engine_opts o = {.module = &rg_handlers_module, .dir = dir, .sign_key = sign_key};
    o.clock.manual = true;
    o.clock.now_ms = 1764579600000ULL;
    return rg_engine_open(e, loop, &o);
}

static int close_engine(uv_loop_t *loop, rg_engine *e)
{
    rg_engine_close(e);
    uv_run(loop, UV_RUN_DEFAULT);
    return uv_loop_close(loop);
}

static void test_open_attaches_every_service(void)
{
    char *dir = rg_t_tmpdir();
    uv_loop_t loop;
    uv_loop_init(&loop);
    rg_engine *e = NULL;
    REQUIRE(open_engine(&loop, dir, NULL, &e) == 0 && e);
    void *s[] = {rg_services_due(e), rg_services_feed(e), rg_services_audit(e), rg_services_tlog(e)};
    for (int i = 0; i < 4; i++) {
        CHECK(s[i] != NULL);
        for (int j = 0; j < i; j++) CHECK(s[i] != s[j]);
    }
    rg_engine_start(e);
    uv_run(&loop, UV_RUN_NOWAIT);
    CHECK(close_engine(&loop, e) == 0);                   /* nothing left open */
    rg_t_rmrf(dir);
    free(dir);
}

static void test_failed_start_tears_down(void)
{
    char *dir = rg_t_tmpdir();
    char *junk = rg_t_write_file("sign.key", "this is no signing key\n");
    REQUIRE(junk != NULL);
    uv_loop_t loop;
    uv_loop_init(&loop);
    rg_engine *e = (rg_engine *)&loop;                     /* must come back NULL */
    CHECK(open_engine(&loop, dir, junk, &e) < 0);
    CHECK(e == NULL);
    CHECK(uv_loop_close(&loop) == 0);                      /* no handle of the half start left */
    /* The directory was closed cleanly: the next open (its own key) works. */
    uv_loop_init(&loop);
    REQUIRE(open_engine(&loop, dir, NULL, &e) == 0);
    CHECK(close_engine(&loop, e) == 0);
    rg_t_rmrf(dir);
    free(dir);
    free(junk);
}

int main(void)
{
    RUN(test_open_attaches_every_service);
    RUN(test_failed_start_tears_down);
    return rg_t_exit();
}
