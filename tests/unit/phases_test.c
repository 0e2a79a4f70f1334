/*
 * phases_test.c - handlers/phases.c over an engine in this process: an
 * MDA++ case's agreed plan starts direct_safety; phase.advance moves on
 * through stable_safety and recovery to monitoring and no further;
 * phase.relapse returns to direct_safety from any later phase and is
 * counted (the case's relapses, the region's stats); work goes on in every
 * phase and the case closes from monitoring only.  Only the case's
 * procesregisseur moves a phase, and only on an MDA++ case; every refusal
 * leaves nothing written.
 */
#include "steps.h"

static rg_t_cast C;

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &C) == 0);
}

/* case.report on a route by police; the id into id ("" on failure). */
static void report(const char *route, char *id)
{
    rg_buf *b = req(C.pol, "case.report", NULL, 6);
    rg_w_kstr(b, "target_group", "huiselijk_geweld");
    rg_w_kstr(b, "summary", "structureel onveilig");
    rg_w_kstr(b, "urgency", "high");
    rg_w_kbool(b, "informed", true);
    rg_w_kstr(b, "route", route);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 1);
    rg_w_kstr(b, "name", "Familie De Vries");
    id[0] = '\0';
    if (send_req()[0] == 0) snprintf(id, 32, "%s", rg_t_str(&R, "case"));
}

static bool state_is(const char *id, const char *state)
{
    return query(C.pr, "case.get", id)[0] == 0 && rg_val_is_str(rg_map_get(rg_t_get(&R, "case"), "state"), state);
}

static void phase(const char *token, const char *op, const char *id)
{
    rg_w_kstr(req(token, op, id, 1), "reason", "assessed at the review");
}

static void test_mda_phases_and_relapse(void)
{
    setup();
    char id[32];
    report("mda", id);
    REQUIRE(id[0]);
    DONE(rg_t_local_drive(&L, &C, id, "execution"));     /* on MDA++ the agreed plan enters direct_safety */
    CHECK(state_is(id, "direct_safety"));
    phase(C.pr, "phase.relapse", id);
    REFUSED("invalid_transition", "direct_safety");
    phase(C.ggz, "phase.advance", id);
    REFUSED("forbidden", "");
    phase(C.mgr, "phase.advance", id);
    REFUSED("forbidden", "");
    rg_buf *b = req(C.pr, "phase.advance", id, 1);
    rg_w_kuint(b, "reason", 7);
    REFUSED("bad_request", "data.reason");
    phase(C.pr, "phase.advance", id);
    OK();
    CHECK(rg_array_size(rg_t_get(&R, "events")) == 1);
    CHECK(state_is(id, "stable_safety"));
    /* Work goes on in every phase: a review. */
    rg_w_kstr(req(C.pr, "review.hold", id, 1), "notes", "safer");
    OK();
    phase(C.pr, "phase.advance", id);
    OK();
    CHECK(state_is(id, "recovery"));
    phase(C.pr, "phase.advance", id);
    OK();
    CHECK(state_is(id, "monitoring"));
    phase(C.pr, "phase.advance", id);
    REFUSED("invalid_transition", "monitoring");
    /* A relapse in monitoring goes back to direct safety and is counted. */
    phase(C.pr, "phase.relapse", id);
    OK();
    CHECK(state_is(id, "direct_safety"));
    uint64_t relapses = 0;
    CHECK(rg_val_uint(rg_map_get(rg_t_get(&R, "case"), "relapses"), &relapses) && relapses == 1);
    REQUIRE(query(C.pr, "case.history", id)[0] == 0);
    CHECK(rg_t_holds(R.bytes, R.len, "phase.relapsed") && rg_t_holds(R.bytes, R.len, "monitoring"));
    rg_w_kstr(req(C.pr, "case.close", id, 1), "reason", "safe");
    REFUSED("invalid_transition", "direct_safety");
    b = req(C.ggz, "action.complete", id, 2);
    rg_w_kstr(b, "action", "a1");
    rg_w_kstr(b, "result", "in place");
    OK();
    /* A relapse from recovery too, counted again. */
    for (int i = 0; i < 2; i++) {
        phase(C.pr, "phase.advance", id);
        OK();
    }
    CHECK(state_is(id, "recovery"));
    phase(C.pr, "phase.relapse", id);
    OK();
    CHECK(state_is(id, "direct_safety"));
    for (int i = 0; i < 3; i++) {
        phase(C.pr, "phase.advance", id);
        OK();
    }
    CHECK(state_is(id, "monitoring"));
    rg_w_kstr(req(C.pr, "case.close", id, 1), "reason", "safe for a year");
    OK();
    CHECK(state_is(id, "closed"));
    query(C.mgr, "stats", NULL);
    CHECK(rg_t_uint(&R, "relapses") == 2);
    steps_close();
}

/* A case on the default route has no phases: its plan enters execution and
 * neither operation is open there. */
static void test_default_route_has_no_phases(void)
{
    setup();
    char id[32];
    DONE(rg_t_local_report(&L, C.pol, "A. Person", id));
    DONE(rg_t_local_drive(&L, &C, id, "execution"));
    CHECK(state_is(id, "execution"));
    phase(C.pr, "phase.advance", id);
    REFUSED("invalid_transition", "execution");
    phase(C.pr, "phase.relapse", id);
    REFUSED("invalid_transition", "execution");
    query(C.mgr, "stats", NULL);
    CHECK(rg_t_uint(&R, "relapses") == 0);
    steps_close();
}

int main(void)
{
    RUN(test_mda_phases_and_relapse);
    RUN(test_default_route_has_no_phases);
    return rg_t_exit();
}
