/*
 * execution_test.c - handlers/execution.c over an engine in this process:
 * action.complete (only an action of the plan, only by the org that owns
 * it, only once) and review.hold (the case's procesregisseur, while the plan
 * is in force); every refusal with its error code and nothing written.
 */
#include "steps.h"

static rg_t_cast C;
static char id[32];

/* A case in execution: the plan's one action a1 is ggz's. */
static void open_case(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &C) == 0);
    DONE(rg_t_local_report(&L, C.pol, "A. Person", id));
}

static const char *action_status(const char *aid)
{
    static char st[16];
    st[0] = '\0';
    if (query(C.pr, "case.get", id)[0]) return "?";
    const rg_val *acts = rg_map_get(rg_map_get(rg_t_get(&R, "case"), "plan"), "actions");
    for (uint32_t i = 0; i < rg_array_size(acts); i++)
        if (rg_val_is_str(rg_map_get(rg_array_at(acts, i), "id"), aid))
            rg_val_strcpy(rg_map_get(rg_array_at(acts, i), "status"), st, sizeof st);
    return st;
}

static rg_buf *complete(const char *token, const char *aid)
{
    rg_buf *b = req(token, "action.complete", id, 2);
    rg_w_kstr(b, "action", aid);
    rg_w_kstr(b, "result", "treatment started");
    return b;
}

static void test_action_complete(void)
{
    open_case();
    /* Not before the plan is agreed. */
    DONE(rg_t_local_drive(&L, &C, id, "planning"));
    complete(C.ggz, "a1");
    REFUSED("invalid_transition", "planning");
    DONE(rg_t_local_drive(&L, &C, id, "execution"));
    CHECK(strcmp(action_status("a1"), "open") == 0);

    complete(C.ggz, "a9");
    REFUSED("not_found", "no action a9");
    complete(C.pol, "a1");                         /* police takes part, owns nothing */
    REFUSED("forbidden", "owned by ggz, not by police");
    complete(C.pr, "a1");                          /* not a partner's step */
    REFUSED("forbidden", "");
    rg_buf *b = req(C.ggz, "action.complete", id, 1);
    rg_w_kstr(b, "action", "a1 with spaces and far more than sixty-four characters in all, far too long");
    REFUSED("bad_request", "data.action");

    uint64_t v = rg_t_local_version(&L, C.pr, id);
    complete(C.ggz, "a1");
    OK();
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "type"), "action.completed"));
    CHECK(rg_t_local_version(&L, C.pr, id) == v + 1);
    CHECK(strcmp(action_status("a1"), "done") == 0);
    complete(C.ggz, "a1");
    REFUSED("guard_failed", "already done");
    steps_close();
}

static void test_review_hold(void)
{
    open_case();
    DONE(rg_t_local_drive(&L, &C, id, "planning"));
    rg_w_kstr(req(C.pr, "review.hold", id, 1), "notes", "too early");
    REFUSED("invalid_transition", "planning");
    DONE(rg_t_local_drive(&L, &C, id, "execution"));
    rg_w_kstr(req(C.ggz, "review.hold", id, 1), "notes", "a partner's review");
    REFUSED("forbidden", "");
    rg_buf *b = req(C.pr, "review.hold", id, 2);
    rg_w_kstr(b, "notes", "progress");
    rg_w_kstr(b, "class", "confidential");          /* none of the four classes */
    REFUSED("bad_request", "data.class");

    b = req(C.pr, "review.hold", id, 2);
    rg_w_kstr(b, "notes", "the first month went well");
    rg_w_kstr(b, "class", "special");
    uint64_t v = rg_t_local_version(&L, C.pr, id);
    OK();
    CHECK(rg_array_size(rg_t_get(&R, "events")) == 1);
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "type"), "review.held"));
    CHECK(rg_t_local_version(&L, C.pr, id) == v + 1);
    /* Its notes are a special-category item: ggz, not its source, does not
     * read them; the procesregisseur does. */
    REQUIRE(query(C.pr, "case.history", id)[0] == 0);
    CHECK(rg_t_holds(R.bytes, R.len, "the first month went well"));
    REQUIRE(query(C.ggz, "case.history", id)[0] == 0);
    CHECK(rg_t_holds(R.bytes, R.len, "review.held") && !rg_t_holds(R.bytes, R.len, "the first month went well"));
    steps_close();
}

int main(void)
{
    RUN(test_action_complete);
    RUN(test_review_hold);
    return rg_t_exit();
}
