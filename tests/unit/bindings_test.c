/*
 * bindings_test.c - handlers/bindings.c, the module table the engine is
 * opened with: it binds every operation of the contract (moved here from
 * module_test.c), no two operations to the same handler (a row copied and
 * not changed would serve one operation's requests with another's step),
 * and over an engine in this process the operations whose replies tell
 * their handler apart each answer with their own reply.
 */
#include "steps.h"
#include "../../engine/core/module.h"
#include "../../handlers/handlers.h"

static void test_handlers_module_binds_every_operation(void)
{
    rg_handlers h;
    REQUIRE(rg_module_bind(&h, &rg_handlers_module) == 0);
    size_t n = 0;
    for (const rg_opdef *op = rg_ops; op->name; op++, n++) CHECK(rg_module_handler(&h, op) != NULL);
    CHECK(n > 0 && n <= RG_MAX_OPS);
    size_t rows = 0;
    for (const rg_binding *b = rg_handlers_module.bindings; b->op; b++) rows++;
    CHECK(rows == n);
}

static void test_one_handler_per_operation(void)
{
    for (const rg_binding *a = rg_handlers_module.bindings; a->op; a++)
        for (const rg_binding *b = a + 1; b->op; b++)
            if (a->fn == b->fn) {
                printf("  %s and %s are bound to the same handler\n", a->op, b->op);
                rg_t_failed = 1;
            }
}

/* A read by token: "" when the reply holds key, else what it answered. */
static const char *answers_with(const char *token, const char *op, const char *case_id, const char *key)
{
    static char out[128];
    const char *e = query(token, op, case_id);
    if (e[0]) snprintf(out, sizeof out, "%s: %s", op, e);
    else if (!rg_t_get(&R, key)) snprintf(out, sizeof out, "%s: no %s in its reply", op, key);
    else out[0] = '\0';
    return out;
}

static void test_each_read_its_own_reply(void)
{
    rg_t_cast C;
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &C) == 0);
    char id[32];
    DONE(rg_t_local_report(&L, C.pol, "A. Person", id));
    DONE(rg_t_local_drive(&L, &C, id, "analysis"));
    CHECK(strcmp(answers_with(C.pr, "case.get", id, "case"), "") == 0);
    CHECK(rg_map_get(rg_t_get(&R, "case"), "state") != NULL);
    CHECK(strcmp(answers_with(C.pr, "case.history", id, "events"), "") == 0);
    CHECK(rg_t_get(&R, "case") && !rg_map_get(rg_t_get(&R, "case"), "state"));     /* an id, not the case */
    CHECK(strcmp(answers_with(C.pr, "cases.list", NULL, "cases"), "") == 0);
    CHECK(strcmp(answers_with(C.mgr, "stats", NULL, "routes"), "") == 0);
    CHECK(strcmp(answers_with(C.pr, "whoami", NULL, "role"), "") == 0);
    CHECK(strcmp(rg_t_str(&R, "role"), "procesregisseur") == 0);
    CHECK(strcmp(answers_with(C.pr, "notify.topics", NULL, "alerts"), "") == 0);
    CHECK(strcmp(answers_with(C.pr, "processing.activities", NULL, "activities"), "") == 0);
    /* A change reaches its own step: the event it appends is its own. */
    rg_w_kstr(req(C.pr, "partner.join", id, 1), "org", "gemeente");
    OK();
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "type"), "partner.joined"));
    rg_buf *b = req(C.pr, "info.request", id, 2);
    rg_w_kstr(b, "org", "gemeente");
    rg_w_kstr(b, "question", "q");
    OK();
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "type"), "info.requested"));
    steps_close();
}

int main(void)
{
    RUN(test_handlers_module_binds_every_operation);
    RUN(test_one_handler_per_operation);
    RUN(test_each_read_its_own_reply);
    return rg_t_exit();
}
