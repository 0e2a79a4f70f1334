/*
 * module_test.c - the table the core is opened with (core/module.h): a
 * module that leaves an operation unbound, binds one twice or binds a name
 * that is no operation is refused, and so is none at all; an engine opened
 * without a module does not start and leaves no data directory behind,
 * one opened with the handlers' serves a request through it.  (That the
 * handlers' own module is whole is bindings_test.c's.)
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../test.h"
#include "../../engine/core/module.h"
#include "../../engine/storage/errors.h"
#include "../../handlers/handlers.h"

static int fake(rg_ctx *c) { (void)c; return 0; }

/* Every operation of the contract bound to fake, then `extra` rows. */
static rg_binding *all_ops(const rg_binding *extra, size_t nextra, const char *leave_out)
{
    size_t n = 0;
    while (rg_ops[n].name) n++;
    rg_binding *b = calloc(n + nextra + 1, sizeof *b);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!leave_out || strcmp(rg_ops[i].name, leave_out) != 0) b[k++] = (rg_binding){rg_ops[i].name, fake};
    for (size_t i = 0; i < nextra; i++) b[k++] = extra[i];
    return b;
}

static void test_faulty_modules_refused(void)
{
    rg_handlers h;
    CHECK(rg_module_bind(&h, NULL) == RG_EBADREQ);
    rg_module empty = {NULL};
    CHECK(rg_module_bind(&h, &empty) == RG_EBADREQ);

    rg_binding *b = all_ops(NULL, 0, NULL);
    rg_module m = {b};
    CHECK(rg_module_bind(&h, &m) == 0);                          /* the fake module itself is whole */
    CHECK(rg_module_handler(&h, rg_op_find("case.get", 8)) == fake);
    free(b);

    b = all_ops(NULL, 0, "case.get");                            /* an operation unbound */
    m.bindings = b;
    CHECK(rg_module_bind(&h, &m) == RG_EBADREQ);
    free(b);

    rg_binding twice[] = {{"case.get", fake}};                   /* bound twice */
    b = all_ops(twice, 1, NULL);
    m.bindings = b;
    CHECK(rg_module_bind(&h, &m) == RG_EBADREQ);
    free(b);

    rg_binding stray[] = {{"case.gets", fake}};                  /* no such operation */
    b = all_ops(stray, 1, NULL);
    m.bindings = b;
    CHECK(rg_module_bind(&h, &m) == RG_EBADREQ);
    free(b);
}

static void test_engine_needs_a_module(void)
{
    char *dir = rg_t_tmpdir();
    char data[600];
    snprintf(data, sizeof data, "%s/data", dir);
    uv_loop_t loop;
    uv_loop_init(&loop);
    rg_engine_opts o = {.dir = data};
    rg_engine *e = (rg_engine *)&o;
    CHECK(rg_engine_open(&e, &loop, &o) == RG_EBADREQ);
    CHECK(e == NULL);
    struct stat st;
    CHECK(stat(data, &st) < 0);                                  /* nothing made */
    uv_loop_close(&loop);
    rg_t_rmrf(dir);
    free(dir);
}

static void test_engine_serves_through_its_module(void)
{
    rg_t_local l;
    REQUIRE(rg_t_local_open(&l, NULL) == 0);
    rg_buf b = {0};
    rg_req_envelope(&b, "whoami", l.admin, NULL, NULL, -1, -1);
    rg_t_reply r = {0};
    CHECK(strcmp(rg_t_local_send(&l, &b, &r), "") == 0);
    CHECK(strcmp(rg_t_str(&r, "role"), "admin") == 0);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    rg_t_local_close(&l, true);
}

int main(void)
{
    RUN(test_faulty_modules_refused);
    RUN(test_engine_needs_a_module);
    RUN(test_engine_serves_through_its_module);
    return rg_t_exit();
}
