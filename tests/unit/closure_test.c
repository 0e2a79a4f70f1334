/*
 * closure_test.c - handlers/closure.c over an engine in this process:
 * case.close (every open action done or handed over, a handover names only
 * open actions of the plan), aftercare.check (from the week before the
 * aftercare norm's deadline on; the case is archived), case.reopen (back to
 * analysis) and case.end (an early ending: its reason's rules for
 * explanation and to_region; archived from any open state).  Every refusal
 * with its error code and nothing written.
 */
#include "steps.h"

#define DAY 86400000ULL

static rg_t_cast C;

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &C) == 0);
}

static const char *state_of(const char *id)
{
    static char st[32];
    st[0] = '\0';
    if (query(C.pr, "case.get", id)[0] == 0)
        rg_val_strcpy(rg_map_get(rg_t_get(&R, "case"), "state"), st, sizeof st);
    return st;
}

#define STATE(id, want) do { const char *s_ = state_of(id); if (strcmp(s_, want) != 0) { \
    printf("  %s:%d: state %s, want %s\n", __FILE__, __LINE__, s_, want); rg_t_failed = 1; } } while (0)

/* case.close by token, handing over the comma-separated actions (NULL: none). */
static void close_req(const char *token, const char *id, const char *handover)
{
    rg_buf *b = req(token, "case.close", id, handover ? 2 : 1);
    rg_w_kstr(b, "reason", "the goals are met");
    if (handover) rg_t_w_list(b, "handover", handover);
}

static void test_close(void)
{
    setup();
    char a[32], b[32];
    DONE(rg_t_local_report(&L, C.pol, "A. Person", a));
    DONE(rg_t_local_report(&L, C.pol, "B. Person", b));
    DONE(rg_t_local_drive(&L, &C, a, "planning"));
    close_req(C.pr, a, NULL);
    REFUSED("invalid_transition", "planning");
    DONE(rg_t_local_drive(&L, &C, a, "execution"));
    DONE(rg_t_local_drive(&L, &C, b, "execution"));
    close_req(C.pr, a, NULL);
    REFUSED("guard_failed", "action a1 is open and not handed over");
    close_req(C.pr, a, "a9");
    REFUSED("bad_request", "data.handover[0]: not an action of the plan");
    close_req(C.ggz, a, "a1");
    REFUSED("forbidden", "");
    close_req(C.pr, a, "a1");
    OK();
    STATE(a, "closed");
    const rg_val *acts = rg_map_get(rg_map_get(rg_t_get(&R, "case"), "plan"), "actions");
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(acts, 0), "status"), "handed_over"));
    close_req(C.pr, a, NULL);
    REFUSED("invalid_transition", "closed");

    /* b: its action done, so none is handed over. */
    rg_buf *w = req(C.ggz, "action.complete", b, 2);
    rg_w_kstr(w, "action", "a1");
    rg_w_kstr(w, "result", "done");
    OK();
    close_req(C.pr, b, "a1");
    REFUSED("guard_failed", "action a1 is done");
    close_req(C.pr, b, NULL);
    OK();
    STATE(b, "closed");
    steps_close();
}

static void aftercare(const char *token, const char *id)
{
    rg_w_kstr(req(token, "aftercare.check", id, 1), "outcome", "stable, no new incidents");
}

static void test_aftercare_and_reopen(void)
{
    setup();
    char a[32], b[32];
    DONE(rg_t_local_report(&L, C.pol, "A. Person", a));
    DONE(rg_t_local_report(&L, C.pol, "B. Person", b));
    DONE(rg_t_local_drive(&L, &C, a, "execution"));
    DONE(rg_t_local_drive(&L, &C, b, "execution"));
    aftercare(C.pr, a);
    REFUSED("invalid_transition", "execution");
    rg_w_kstr(req(C.pr, "case.reopen", a, 1), "reason", "new incidents");
    REFUSED("invalid_transition", "execution");
    close_req(C.pr, a, "a1");
    OK();
    close_req(C.pr, b, "a1");
    OK();
    uint64_t closed = clock_now();
    /* The aftercare norm runs three months; the check is taken from the
     * week before its deadline, not the day after closing. */
    aftercare(C.pr, a);
    REFUSED("guard_failed", "it can be taken from");
    clock_to(closed + 60 * DAY);
    aftercare(C.pr, a);
    REFUSED("guard_failed", "it can be taken from");
    aftercare(C.ggz, a);
    REFUSED("forbidden", "");
    clock_to(closed + 88 * DAY);
    aftercare(C.pr, a);
    OK();
    CHECK(rg_array_size(rg_t_get(&R, "events")) == 1);
    STATE(a, "archived");
    aftercare(C.pr, a);
    REFUSED("invalid_transition", "archived");
    rg_w_kstr(req(C.pr, "case.reopen", a, 1), "reason", "new incidents");
    REFUSED("invalid_transition", "archived");

    /* b is reopened instead: back to analysis, its aftercare deadline met. */
    rg_w_kstr(req(C.ggz, "case.reopen", b, 1), "reason", "new incidents");
    REFUSED("forbidden", "");
    rg_w_kstr(req(C.pr, "case.reopen", b, 1), "reason", "new incidents");
    OK();
    STATE(b, "analysis");
    const rg_val *dl = rg_map_get(rg_t_get(&R, "case"), "deadlines");
    for (uint32_t i = 0; i < rg_array_size(dl); i++)
        CHECK(!rg_val_is_str(rg_map_get(rg_array_at(dl, i), "norm"), "aftercare"));
    steps_close();
}

static void end_req(const char *id, const char *reason, const char *to_region, const char *explanation)
{
    rg_buf *b = req(C.pr, "case.end", id, 1 + !!to_region + !!explanation);
    rg_w_kstr(b, "reason", reason);
    if (to_region) rg_w_kstr(b, "to_region", to_region);
    if (explanation) rg_w_kstr(b, "explanation", explanation);
}

static void test_end(void)
{
    setup();
    char a[32], b[32];
    DONE(rg_t_local_report(&L, C.pol, "A. Person", a));
    DONE(rg_t_local_report(&L, C.pol, "B. Person", b));
    DONE(rg_t_local_drive(&L, &C, a, "analysis"));
    DONE(rg_t_local_drive(&L, &C, b, "execution"));
    end_req(a, "other", NULL, NULL);
    REFUSED("bad_request", "data.explanation: required when the reason is other");
    end_req(a, "other", NULL, "");
    REFUSED("bad_request", "data.explanation: required");
    end_req(a, "deceased", NULL, "sadly");
    REFUSED("bad_request", "data.explanation: only with the reason other");
    end_req(a, "detained", "breda", NULL);
    REFUSED("bad_request", "data.to_region: only with the reason moved");
    end_req(a, "moved", "breda en omstreken", NULL);
    REFUSED("bad_request", "data.to_region: use 1..64");
    end_req(a, "bored", NULL, NULL);
    REFUSED("bad_request", "data.reason");
    rg_w_kstr(req(C.ggz, "case.end", a, 1), "reason", "withdrawn");
    REFUSED("forbidden", "");

    end_req(a, "moved", "breda", NULL);
    OK();
    STATE(a, "archived");
    REQUIRE(query(C.pr, "case.history", a)[0] == 0);
    const rg_val *evs = rg_t_get(&R, "events");
    const rg_val *last = rg_array_at(evs, rg_array_size(evs) - 1);
    CHECK(rg_val_is_str(rg_map_get(last, "type"), "case.ended"));
    CHECK(rg_val_is_str(rg_map_get(rg_map_get(last, "data"), "from"), "analysis"));
    CHECK(rg_val_is_str(rg_map_get(rg_map_get(last, "data"), "to_region"), "breda"));
    /* No aftercare follows an early ending, and it ends only once. */
    REQUIRE(query(C.pr, "case.get", a)[0] == 0);
    const rg_val *dl = rg_map_get(rg_t_get(&R, "case"), "deadlines");
    for (uint32_t i = 0; i < rg_array_size(dl); i++)
        CHECK(!rg_val_is_str(rg_map_get(rg_array_at(dl, i), "norm"), "aftercare"));
    end_req(a, "deceased", NULL, NULL);
    REFUSED("invalid_transition", "archived");

    /* From execution, with its open action: ended, not closed. */
    end_req(b, "other", NULL, "the family left the country");
    OK();
    STATE(b, "archived");
    steps_close();
}

int main(void)
{
    RUN(test_close);
    RUN(test_aftercare_and_reopen);
    RUN(test_end);
    return rg_t_exit();
}
