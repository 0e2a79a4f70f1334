/*
 * report_test.c - handlers/report.c over an engine in this process, on a
 * manual clock moved to Monday 2 March 2026, 09:00 in Amsterdam:
 * case.report (informed or an exemption, not both; a release date for
 * re-entry only, ahead; numbered per region), case.assign (an active
 * procesregisseur who may direct the case; a procesregisseur only takes an
 * unassigned case for themselves, a manager reassigns), intake.start (the
 * case's procesregisseur) and intake.decide and intake.more_info (finding 6
 * of issue 11, moved here from ladder_test.c).  Every refusal with its
 * error code and nothing written.
 */
#include "steps.h"

static rg_t_cast C;
static char pr2[128];

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &C) == 0);
    rg_t_local_actor(&L, "pr2", "procesregisseur", "zvh", pr2);
    REQUIRE(pr2[0]);
    clock_to(iso("2026-03-02T09:00:00+01:00"));
}

/* The due time of the case's open deadline of a norm (0: none). */
static uint64_t deadline_due(const char *id, const char *norm)
{
    uint64_t due = 0;
    if (query(C.pr, "case.get", id)[0]) return 0;
    const rg_val *dl = rg_map_get(rg_t_get(&R, "case"), "deadlines");
    for (uint32_t i = 0; i < rg_array_size(dl); i++)
        if (rg_val_is_str(rg_map_get(rg_array_at(dl, i), "norm"), norm))
            rg_val_uint(rg_map_get(rg_array_at(dl, i), "due"), &due);
    return due;
}

/* A case.report by police: informed (-1: left out, 0 false, 1 true), an
 * exemption, a route and a release date (NULL: left out). */
static void report(int informed, const char *exemption, const char *route, const char *release)
{
    rg_buf *b = req(C.pol, "case.report", NULL,
                    4 + (informed >= 0) + !!exemption + !!route + !!release);
    rg_w_kstr(b, "target_group", "overig");
    rg_w_kstr(b, "summary", "returns to the neighbourhood");
    rg_w_kstr(b, "urgency", "high");
    if (informed >= 0) rg_w_kbool(b, "informed", informed);
    if (exemption) rg_w_kstr(b, "exemption", exemption);
    if (route) rg_w_kstr(b, "route", route);
    if (release) rg_w_kstr(b, "release_date", release);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 1);
    rg_w_kstr(b, "name", "Alex Visser");
}

static void test_report(void)
{
    setup();
    report(0, NULL, NULL, NULL);
    REFUSED("guard_failed", "informed: true");
    report(-1, NULL, NULL, NULL);
    REFUSED("guard_failed", "or an exemption must say why not");
    report(0, "", NULL, NULL);
    REFUSED("guard_failed", "or an exemption");
    report(1, "a risk to the reporter", NULL, NULL);
    REFUSED("bad_request", "data.exemption: give either");
    report(1, NULL, "re-entry", NULL);
    REFUSED("bad_request", "data.release_date: required for route re-entry");
    report(1, NULL, NULL, "2026-06-01");
    REFUSED("bad_request", "data.release_date: only for route re-entry");
    report(1, NULL, "re-entry", "2026-03-01");
    REFUSED("guard_failed", "data.release_date: 2026-03-01 is in the past");
    report(1, NULL, "elsewhere", NULL);
    REFUSED("bad_request", "data.route");
    rg_buf_reset(&B);
    rg_t_report_req(&B, C.pr, "by-pr", "A. Person");
    REFUSED("forbidden", "");                      /* reports come from partners */
    REQUIRE(query(C.mgr, "cases.list", NULL)[0] == 0);
    CHECK(rg_array_size(rg_t_get(&R, "cases")) == 0);

    report(0, "the person could not be reached safely", NULL, NULL);
    OK();
    CHECK(rg_t_uint(&R, "number") == 1);
    const rg_val *data = rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "data");
    CHECK(rg_val_is_str(rg_map_get(data, "route"), "default") && rg_val_is_str(rg_map_get(data, "reporter_org"), "police"));
    report(1, NULL, "re-entry", "2026-06-01");
    OK();
    CHECK(rg_t_uint(&R, "number") == 2);
    char id[32];
    snprintf(id, sizeof id, "%s", rg_t_str(&R, "case"));
    REQUIRE(query(C.pr, "case.get", id)[0] == 0);      /* not taken yet: the triage view */
    const rg_val *cs = rg_t_get(&R, "case");
    bool triage = false;
    CHECK(rg_val_bool(rg_map_get(cs, "triage"), &triage) && triage);
    CHECK(rg_val_is_str(rg_map_get(cs, "route"), "re-entry") && rg_val_is_str(rg_map_get(cs, "state"), "reported"));
    steps_close();
}

static void assign(const char *token, const char *id, const char *who)
{
    rg_w_kstr(req(token, "case.assign", id, 1), "procesregisseur", who);
}

static void test_assign_and_start(void)
{
    setup();
    char id[32];
    DONE(rg_t_local_report(&L, C.pol, "A. Person", id));
    req(C.pr, "intake.start", id, 0);
    REFUSED("forbidden", "take it first");
    assign(C.pr, id, "pr2");
    REFUSED("forbidden", "only take a case for themselves");
    assign(C.mgr, id, "nobody");
    REFUSED("guard_failed", "nobody is not an active procesregisseur");
    assign(C.mgr, id, "pol");
    REFUSED("guard_failed", "pol is not an active procesregisseur");
    assign(C.ggz, id, "pr");
    REFUSED("forbidden", "");
    assign(C.pr, id, "pr");
    OK();
    CHECK(rg_val_is_str(rg_map_get(rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "data"), "procesregisseur"), "pr"));
    assign(C.pr, id, "pr");
    REFUSED("guard_failed", "already directed by pr");
    assign(pr2, id, "pr2");                        /* pr's case: pr2 does not see it */
    REFUSED("not_found", "");
    /* A manager reassigns: the previous one is recorded. */
    assign(C.mgr, id, "pr2");
    OK();
    const rg_val *data = rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "data");
    CHECK(rg_val_is_str(rg_map_get(data, "procesregisseur"), "pr2") && rg_val_is_str(rg_map_get(data, "previous"), "pr"));
    assign(C.mgr, id, "pr2");
    REFUSED("guard_failed", "already directed by pr2");
    req(C.pr, "intake.start", id, 0);              /* pr no longer directs it */
    REFUSED("not_found", "");
    req(pr2, "intake.start", id, 0);
    OK();
    req(pr2, "intake.start", id, 0);
    REFUSED("invalid_transition", "intake");
    /* A revoked procesregisseur is not assigned. */
    rg_w_kstr(req(L.admin, "actor.revoke", NULL, 1), "id", "pr");
    OK();
    assign(C.mgr, id, "pr");
    REFUSED("guard_failed", "pr is not an active procesregisseur");
    steps_close();
}

/* Finding 6: the intake decision. */
static void test_intake_decision(void)
{
    setup();
    char id[32];
    DONE(rg_t_local_report(&L, C.pol, "B. Person", id));
    DONE(rg_t_local_drive(&L, &C, id, "intake"));
    rg_buf *b = req(C.pr, "intake.decide", id, 2);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "r");
    REFUSED("bad_request", "data.criteria");
    b = req(C.pr, "intake.decide", id, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "r");
    rg_t_w_list(b, "criteria", "several domains");
    REFUSED("bad_request", "multi_domain multi_chain system local_safety");
    b = req(C.pr, "intake.decide", id, 2);
    rg_w_kbool(b, "admit", false);
    rg_w_kstr(b, "reason", "r");
    REFUSED("bad_request", "data.referred_to or data.advice");
    b = req(C.pr, "intake.decide", id, 4);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "r");
    rg_t_w_criteria(b, "system");
    rg_w_kstr(b, "referred_to", "wijkteam");
    REFUSED("bad_request", "data.referred_to: only when the case is not admitted");
    b = req(C.pr, "intake.decide", id, 4);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "r");
    rg_t_w_criteria(b, "system");
    rg_w_kstr(b, "provider", "levensloopaanbieder-noord");
    REFUSED("bad_request", "data.provider: only when a levensloop case is admitted");

    /* More information: the feedback norm is met, the decision is due when
     * the information is. */
    CHECK(deadline_due(id, "intake.decision") != 0);
    b = req(C.pr, "intake.more_info", id, 2);
    rg_w_kstr(b, "question", "is there a weapons permit?");
    rg_w_kstr(b, "due", "2026-03-01");
    REFUSED("guard_failed", "data.due");
    b = req(C.pr, "intake.more_info", id, 2);
    rg_w_kstr(b, "question", "is there a weapons permit?");
    rg_w_kstr(b, "due", "2026-03-11");
    OK();
    CHECK(deadline_due(id, "intake.decision") == 0);
    CHECK(deadline_due(id, "intake.more_info") == iso("2026-03-12T00:00:00+01:00"));
    query(C.pr, "case.get", id);
    CHECK(rg_val_is_str(rg_map_get(rg_t_get(&R, "case"), "state"), "intake"));

    b = req(C.pr, "intake.decide", id, 3);
    rg_w_kbool(b, "admit", false);
    rg_w_kstr(b, "reason", "one life domain");
    rg_w_kstr(b, "advice", "the local team can help");
    OK();
    CHECK(deadline_due(id, "intake.more_info") == 0);
    query(C.pr, "case.get", id);
    CHECK(rg_val_is_str(rg_map_get(rg_t_get(&R, "case"), "state"), "referred"));
    steps_close();
}

int main(void)
{
    RUN(test_report);
    RUN(test_assign_and_start);
    RUN(test_intake_decision);
    return rg_t_exit();
}
