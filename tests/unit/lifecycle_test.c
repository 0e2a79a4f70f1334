/*
 * lifecycle_test.c - one case along the whole default route and one along
 * the re-entry route, each step by its proper actor, with the projection
 * checked after each step; and the guards of DOMAIN.md, each failing with
 * guard_failed and a message naming the condition.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "steps.h"

static char pol[128], ggz[128], gem[128], prA[128], prB[128], mgr[128];

static const rg_val *case_field(const char *token, const char *case_id, const char *field)
{
    if (query(token, "case.get", case_id)[0]) return NULL;
    return rg_map_get(rg_t_get(&R, "case"), field);
}

static bool state_is(const char *token, const char *case_id, const char *state)
{
    const rg_val *v = case_field(token, case_id, "state");
    if (!rg_val_is_str(v, state)) {
        char got[32] = "?";
        rg_val_strcpy(v, got, sizeof got);
        printf("  %s is in state %s, expected %s\n", case_id, got, state);
        return false;
    }
    return true;
}

static void actor(const char *id, const char *role, const char *org, char *tok)
{
    rg_t_local_actor(&L, id, role, org, tok);
}

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    actor("pol1", "partner", "police", pol);
    actor("ggz1", "partner", "ggz", ggz);
    actor("gem1", "partner", "gemeente-tilburg", gem);
    actor("prA", "procesregisseur", "zvh", prA);
    actor("prB", "procesregisseur", "zvh", prB);
    actor("mgr1", "manager", "zvh", mgr);
    REQUIRE(pol[0] && prA[0] && mgr[0]);
}

static char case1[32];

static void report(const char *token, const char *route, const char *release, char *out)
{
    rg_buf *b = req(token, "case.report", NULL, 5 + (route ? 1 : 0) + (release ? 1 : 0));
    rg_w_kstr(b, "target_group", "overig");
    rg_w_kstr(b, "summary", "returns to the neighbourhood");
    rg_w_kstr(b, "urgency", "high");
    rg_w_kbool(b, "informed", true);
    if (route) rg_w_kstr(b, "route", route);
    if (release) rg_w_kstr(b, "release_date", release);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 1);
    rg_w_kstr(b, "name", "Alex Visser");
    send_req();
    snprintf(out, 32, "%s", rg_t_str(&R, "case"));
}

static void test_default_route(void)
{
    report(pol, NULL, NULL, case1);
    REQUIRE(case1[0] && state_is(pol, case1, "reported"));

    /* Intake needs a procesregisseur: prA takes the case.  Until then prA
     * sees only its triage view, and any step but taking it is forbidden. */
    req(prA, "intake.start", case1, -1);
    FAILS("forbidden", "take it first");
    rg_w_kstr(req(prB, "case.assign", case1, 1), "procesregisseur", "prA");
    FAILS("forbidden", "themselves");
    rg_w_kstr(req(prA, "case.assign", case1, 1), "procesregisseur", "prA");
    OK();
    CHECK(rg_val_is_str(case_field(prA, case1, "procesregisseur"), "prA"));
    query(prB, "case.get", case1);                     /* not prB's case: as if it did not exist */
    CHECK(strcmp(rg_t_err(&R), "not_found") == 0);

    req(prA, "intake.start", case1, -1);
    OK();
    CHECK(state_is(prA, case1, "intake"));
    /* More information first: the case stays in intake. */
    rg_buf *b = req(prA, "intake.more_info", case1, 2);
    rg_w_kstr(b, "question", "since when?");
    rg_w_kstr(b, "due", "2025-11-28");
    FAILS("guard_failed", "data.due");
    b = req(prA, "intake.more_info", case1, 2);
    rg_w_kstr(b, "question", "since when?");
    rg_w_kstr(b, "due", "2025-12-05");
    OK();
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "type"),
                        "intake.info_requested"));
    CHECK(state_is(prA, case1, "intake"));
    /* Admission names the national criteria, and only those. */
    b = req(prA, "intake.decide", case1, 2);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "problems on several life domains");
    FAILS("bad_request", "data.criteria");
    b = req(prA, "intake.decide", case1, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "problems on several life domains");
    rg_t_w_criteria(b, "multi_domain,multi-chain");
    FAILS("bad_request", "data.criteria");
    b = req(prA, "intake.decide", case1, 4);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "problems on several life domains");
    rg_t_w_criteria(b, "multi_domain");
    rg_w_kstr(b, "advice", "contact the GP");
    FAILS("bad_request", "data.advice");
    b = req(prA, "intake.decide", case1, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "problems on several life domains");
    rg_t_w_criteria(b, "multi_domain,multi_chain");
    OK();
    CHECK(state_is(prA, case1, "analysis"));

    /* ggz is asked for information: it takes part from that version on;
     * before that, the case does not exist for ggz. */
    query(ggz, "case.get", case1);
    CHECK(strcmp(rg_t_err(&R), "not_found") == 0);
    b = req(prA, "info.request", case1, 3);
    rg_w_kstr(b, "org", "ggz");
    rg_w_kstr(b, "question", "is there a treatment history?");
    rg_w_kstr(b, "due", "2025-12-10");
    OK();
    const rg_val *ev = rg_array_at(rg_t_get(&R, "events"), 0);
    CHECK(rg_val_is_str(rg_map_get(rg_map_get(ev, "data"), "request"), "R1"));
    uint64_t joined_at = rg_t_uint(&R, "version");
    CHECK(query(ggz, "case.history", case1)[0] == 0);
    const rg_val *evs = rg_t_get(&R, "events");
    uint64_t first_v = 0;
    rg_val_uint(rg_map_get(rg_array_at(evs, 0), "v"), &first_v);
    CHECK(first_v == joined_at);                       /* nothing from before it joined */

    b = req(pol, "info.provide", case1, 2);            /* not police's request */
    rg_w_kstr(b, "request", "R1");
    rg_w_kstr(b, "answer", "x");
    FAILS("forbidden", "ggz");
    b = req(ggz, "info.provide", case1, 2);
    rg_w_kstr(b, "request", "R9");
    rg_w_kstr(b, "answer", "x");
    FAILS("not_found", "R9");
    b = req(ggz, "info.provide", case1, 3);
    rg_w_kstr(b, "request", "R1");
    rg_w_kstr(b, "answer", "known to the outpatient team since 2021");
    rg_w_kstr(b, "class", "special");
    OK();
    b = req(ggz, "info.provide", case1, 2);
    rg_w_kstr(b, "request", "R1");
    rg_w_kstr(b, "answer", "again");
    FAILS("guard_failed", "already been answered");

    rg_w_kstr(req(prA, "partner.join", case1, 1), "org", "gemeente-tilburg");
    OK();
    rg_w_kstr(req(prA, "partner.join", case1, 1), "org", "gemeente-tilburg");
    FAILS("guard_failed", "already takes part");

    b = req(prA, "meeting.hold", case1, 2);            /* not scheduled yet */
    rg_t_w_list(b, "attendees", "police");
    rg_w_kstr(b, "conclusions", "too early");
    FAILS("invalid_transition", "analysis");
    b = req(prA, "meeting.schedule", case1, 2);       /* the engine's clock: 2025-12-01T10:00+01:00 */
    rg_w_kstr(b, "at", "2025-12-01T09:30:00+01:00");
    rg_t_w_list(b, "orgs", "police");
    FAILS("guard_failed", "data.at");
    b = req(prA, "meeting.schedule", case1, 2);
    rg_w_kstr(b, "at", "2025-12-08T10:00:00+01:00");
    rg_w_cstr(b, "orgs");
    rg_w_array(b, 2);
    rg_w_cstr(b, "police");
    rg_w_cstr(b, "reclassering");
    OK();
    CHECK(state_is(prA, case1, "meeting"));
    b = req(prA, "meeting.hold", case1, 2);
    rg_w_cstr(b, "attendees");
    rg_w_array(b, 3);
    rg_w_cstr(b, "police");
    rg_w_cstr(b, "ggz");
    rg_w_cstr(b, "reclassering");
    rg_w_kstr(b, "conclusions", "a joint approach is needed");
    OK();
    CHECK(state_is(prA, case1, "planning"));

    /* A draft with an action without due date cannot be agreed. */
    b = req(prA, "plan.propose", case1, 2);
    rg_w_kstr(b, "goals", "stable housing, treatment");
    rg_w_cstr(b, "actions");
    rg_w_array(b, 1);
    rg_w_map(b, 3);
    rg_w_kstr(b, "id", "a1");
    rg_w_kstr(b, "owner_org", "ggz");
    rg_w_kstr(b, "description", "start treatment");
    OK();
    req(ggz, "plan.agree", case1, -1);
    FAILS("guard_failed", "no due date");

    for (int past = 1; past >= 0; past--) {            /* an action due already is refused */
        b = req(prA, "plan.propose", case1, 3);
        rg_w_kstr(b, "goals", "stable housing, treatment");
        rg_w_kstr(b, "casusregisseur", "reclassering");
        rg_w_cstr(b, "actions");
        rg_w_array(b, 2);
        rg_t_w_action(b, "a1", "ggz", "start treatment", "2026-01-15");
        rg_t_w_action(b, "a2", "gemeente-tilburg", "find housing", past ? "2025-11-30" : "2026-02-01");
        if (past) FAILS("guard_failed", "data.actions[1].due");
    }
    OK();
    const rg_val *plan = case_field(prA, case1, "plan");
    CHECK(rg_val_uint(rg_map_get(plan, "rev"), &first_v) && first_v == 2);
    CHECK(rg_array_size(rg_map_get(plan, "actions")) == 2);

    req(pol, "plan.agree", case1, -1);                 /* police owns no action */
    FAILS("forbidden", "owns no action");
    req(ggz, "plan.agree", case1, -1);
    OK();
    CHECK(rg_array_size(rg_t_get(&R, "events")) == 1);
    CHECK(state_is(prA, case1, "planning"));
    req(ggz, "plan.agree", case1, -1);
    FAILS("guard_failed", "already agreed");
    req(gem, "plan.agree", case1, -1);                 /* the last one: plan.agreed */
    OK();
    evs = rg_t_get(&R, "events");
    CHECK(rg_array_size(evs) == 2);
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(evs, 1), "type"), "plan.agreed"));
    CHECK(state_is(prA, case1, "execution"));

    /* Escalation is an overlay: the case stays in execution. */
    b = req(prA, "case.escalate", case1, 2);
    rg_w_kuint(b, "level", 1);
    rg_w_kstr(b, "reason", "housing stalls");
    OK();
    b = req(prA, "case.escalate", case1, 2);
    rg_w_kuint(b, "level", 1);
    rg_w_kstr(b, "reason", "again");
    FAILS("guard_failed", "above the current one");
    CHECK(state_is(prA, case1, "execution"));
    rg_w_kstr(req(prA, "escalation.resolve", case1, 1), "decision", "x");
    FAILS("forbidden", "procesregisseur");
    rg_w_kstr(req(mgr, "escalation.resolve", case1, 1), "decision", "priority housing granted");
    OK();
    rg_w_kstr(req(mgr, "escalation.resolve", case1, 1), "decision", "x");
    FAILS("guard_failed", "no open escalation");

    b = req(gem, "action.complete", case1, 2);         /* not gemeente's action */
    rg_w_kstr(b, "action", "a1");
    rg_w_kstr(b, "result", "x");
    FAILS("forbidden", "owned by ggz");
    b = req(ggz, "action.complete", case1, 2);
    rg_w_kstr(b, "action", "a1");
    rg_w_kstr(b, "result", "treatment started");
    OK();
    rg_w_kstr(req(prA, "review.hold", case1, 1), "notes", "on track");
    OK();

    /* Closing with a2 still open needs it handed over. */
    rg_w_kstr(req(prA, "case.close", case1, 1), "reason", "goals met");
    FAILS("guard_failed", "a2 is open");
    b = req(prA, "case.close", case1, 2);
    rg_w_kstr(b, "reason", "handed over to the local team");
    rg_t_w_list(b, "handover", "a2");
    OK();
    CHECK(state_is(prA, case1, "closed"));
    rg_w_kstr(req(prA, "case.reopen", case1, 1), "reason", "relapse");
    OK();
    CHECK(state_is(prA, case1, "analysis"));
}

static void test_close_and_archive(void)
{
    /* Walk a fresh case quickly to closed, then aftercare archives it. */
    char c2[32];
    report(pol, NULL, NULL, c2);
    rg_w_kstr(req(mgr, "case.assign", c2, 1), "procesregisseur", "prB");
    OK();
    req(prB, "intake.start", c2, -1);
    OK();
    rg_buf *b = req(prB, "intake.decide", c2, 2);    /* a rejection says where to, or advises */
    rg_w_kbool(b, "admit", false);
    rg_w_kstr(b, "reason", "one life domain only");
    FAILS("bad_request", "data.referred_to or data.advice");
    b = req(prB, "intake.decide", c2, 4);
    rg_w_kbool(b, "admit", false);
    rg_w_kstr(b, "reason", "one life domain only");
    rg_w_kstr(b, "referred_to", "wijkteam");
    rg_w_kstr(b, "advice", "ask the local team for debt counselling");
    OK();
    CHECK(state_is(prB, c2, "referred"));
    CHECK(rg_val_is_str(case_field(prB, c2, "referred_to"), "wijkteam"));
    /* referred is terminal */
    req(prB, "intake.start", c2, -1);
    FAILS("invalid_transition", "referred");
    rg_w_kstr(req(prB, "case.reopen", c2, 1), "reason", "x");
    FAILS("invalid_transition", "referred");
}

static void test_reentry_route(void)
{
    char c3[32];
    rg_buf *b = req(pol, "case.report", NULL, 6);
    rg_w_kstr(b, "target_group", "nazorg_ex_gedetineerden");
    rg_w_kstr(b, "summary", "release expected");
    rg_w_kstr(b, "urgency", "high");
    rg_w_kbool(b, "informed", true);
    rg_w_kstr(b, "route", "re-entry");
    rg_w_cstr(b, "subject");
    rg_w_map(b, 1);
    rg_w_kstr(b, "name", "Noor");
    FAILS("bad_request", "data.release_date");
    report(pol, "re-entry", "2025-11-30", c3);          /* a release already past */
    CHECK(c3[0] == 0 && strcmp(rg_t_err(&R), "guard_failed") == 0 &&
          strstr(rg_t_str(&R, "message"), "data.release_date"));
    report(pol, "re-entry", "2026-03-01", c3);
    REQUIRE(c3[0]);
    CHECK(rg_val_is_str(case_field(pol, c3, "route"), "re-entry"));
    CHECK(rg_val_is_str(case_field(pol, c3, "release_date"), "2026-03-01"));
    rg_w_kstr(req(prA, "case.assign", c3, 1), "procesregisseur", "prA");
    OK();
    req(prA, "intake.start", c3, -1);
    OK();
    b = req(prA, "intake.decide", c3, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "high safety risk on return");
    rg_t_w_criteria(b, "local_safety");
    OK();
    /* The meeting must come before release. */
    b = req(prA, "meeting.schedule", c3, 2);
    rg_w_kstr(b, "at", "2026-03-02T10:00:00+01:00");
    rg_t_w_list(b, "orgs", "reclassering");
    FAILS("guard_failed", "before release");
    b = req(prA, "meeting.schedule", c3, 2);
    rg_w_kstr(b, "at", "2026-02-20T10:00:00+01:00");
    rg_t_w_list(b, "orgs", "reclassering");
    OK();
    CHECK(state_is(prA, c3, "meeting"));
}

static void test_stats_and_list(void)
{
    CHECK(query(mgr, "stats", NULL)[0] == 0);
    const rg_val *cases = rg_t_get(&R, "cases");
    uint64_t n = 0;
    CHECK(rg_val_uint(rg_map_get(cases, "analysis"), &n) && n == 1);
    CHECK(rg_val_uint(rg_map_get(cases, "referred"), &n) && n == 1);
    CHECK(rg_val_uint(rg_map_get(cases, "meeting"), &n) && n == 1);
    const rg_val *lead = rg_t_get(&R, "lead_time_ms");
    CHECK(rg_map_get(lead, "intake") != NULL);           /* cases have left intake */
    CHECK(memmem(R.bytes, R.len, "Alex", 4) == NULL);    /* no personal data */

    rg_buf *b = req(mgr, "cases.list", NULL, 1);
    rg_w_kstr(b, "state", "analysis");
    CHECK(send_req()[0] == 0 && rg_array_size(rg_t_get(&R, "cases")) == 1);
    b = req(mgr, "cases.list", NULL, 1);
    rg_w_kuint(b, "limit", 2);
    CHECK(send_req()[0] == 0 && rg_array_size(rg_t_get(&R, "cases")) == 2);
    char next[32];
    snprintf(next, sizeof next, "%s", rg_t_str(&R, "next"));
    CHECK(next[0]);
    b = req(mgr, "cases.list", NULL, 2);
    rg_w_kuint(b, "limit", 2);
    rg_w_kstr(b, "after", next);
    CHECK(send_req()[0] == 0 && rg_array_size(rg_t_get(&R, "cases")) == 1);
    CHECK(rg_val_type(rg_t_get(&R, "next")) == RG_VNIL);
    /* ggz takes part in the first case only. */
    req(ggz, "cases.list", NULL, 0);
    CHECK(send_req()[0] == 0 && rg_array_size(rg_t_get(&R, "cases")) == 1);
}

/* A plan (rev. 2 on) of actions id:due, owned by ggz. */
static void propose(const char *case_id, int n, const char *const *ids, const char *const *dues)
{
    rg_buf *b = req(prA, "plan.propose", case_id, 2);
    rg_w_kstr(b, "goals", "treatment");
    rg_w_cstr(b, "actions");
    rg_w_array(b, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        rg_t_w_action(b, ids[i], "ggz", "an action", dues[i]);
    }
}

/* A case of prA's, reported by the police, admitted: state analysis. */
static void admitted(char *id)
{
    report(pol, NULL, NULL, id);
    if (!id[0]) return;
    rg_w_kstr(req(prA, "case.assign", id, 1), "procesregisseur", "prA");
    OK();
    req(prA, "intake.start", id, -1);
    OK();
    rg_buf *b = req(prA, "intake.decide", id, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "several domains");
    rg_t_w_criteria(b, "multi_domain,system");
    OK();
}

static bool has_event(const char *type)
{
    const rg_val *evs = rg_t_get(&R, "events");
    for (uint32_t i = 0; i < rg_array_size(evs); i++)
        if (rg_val_is_str(rg_map_get(rg_array_at(evs, i), "type"), type)) return true;
    return false;
}

/* How many of the actor's alerts are of kind about case id. */
static int alerts_of(const char *token, const char *id, const char *kind)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "alerts.list", token, NULL, NULL, -1, 0);
    if (send_req()[0]) return -1;
    const rg_val *al = rg_t_get(&R, "alerts");
    int n = 0;
    for (uint32_t i = 0; i < rg_array_size(al); i++)
        n += rg_val_is_str(rg_map_get(rg_array_at(al, i), "case"), id) &&
             rg_val_is_str(rg_map_get(rg_array_at(al, i), "kind"), kind);
    return n;
}

/* Issue 21, finding 2: a case ends early in any open state (case.close in
 * analysis answered invalid_transition): the reason from a fixed list,
 * every deadline and escalation ended, every org taking part alerted, the
 * case archived with no aftercare check. */
static void test_early_ending(void)
{
    char c5[32], c6[32];
    admitted(c5);
    REQUIRE(c5[0]);
    rg_buf *b = req(prA, "info.request", c5, 3);
    rg_w_kstr(b, "org", "ggz");
    rg_w_kstr(b, "question", "is the person known to you?");
    rg_w_kstr(b, "due", "2026-03-01");
    OK();
    b = req(prA, "case.escalate", c5, 2);
    rg_w_kuint(b, "level", 1);
    rg_w_kstr(b, "reason", "the housing corporation does not answer");
    OK();
    rg_w_kstr(req(prA, "case.end", c5, 1), "reason", "other");
    FAILS("bad_request", "data.explanation");
    b = req(prA, "case.end", c5, 2);
    rg_w_kstr(b, "reason", "deceased");
    rg_w_kstr(b, "to_region", "zvh-utrecht");
    FAILS("bad_request", "data.to_region");
    rg_w_kstr(req(prA, "case.end", c5, 1), "reason", "asleep");
    FAILS("bad_request", "data.reason");
    rg_w_kstr(req(prB, "case.end", c5, 1), "reason", "deceased");
    CHECK(send_req()[0] != 0);
    rg_w_kstr(req(prA, "case.end", c5, 1), "reason", "deceased");
    OK();
    CHECK(has_event("case.ended"));
    CHECK(state_is(prA, c5, "archived"));
    const rg_val *cs = case_field(prA, c5, "deadlines");
    CHECK(rg_array_size(cs) == 1 &&
          rg_val_is_str(rg_map_get(rg_array_at(cs, 0), "norm"), "retention"));
    CHECK(rg_map_get(case_field(prA, c5, "escalation"), "level") == NULL);
    CHECK(alerts_of(ggz, c5, "ended") == 1);
    CHECK(alerts_of(pol, c5, "ended") == 1);      /* the reporter takes part too */
    CHECK(alerts_of(gem, c5, "ended") == 0);      /* gemeente took no part */
    rg_w_kstr(req(prA, "case.end", c5, 1), "reason", "deceased");
    FAILS("invalid_transition", "archived");
    rg_w_kstr(req(prA, "aftercare.check", c5, 1), "outcome", "none");
    FAILS("invalid_transition", "archived");

    /* In execution, moved to another region, with its stagnations. */
    admitted(c6);
    REQUIRE(c6[0]);
    b = req(prA, "meeting.schedule", c6, 2);
    rg_w_kstr(b, "at", "2026-12-02T10:00:00+01:00");
    rg_t_w_list(b, "orgs", "ggz");
    OK();
    b = req(prA, "meeting.hold", c6, 2);
    rg_t_w_list(b, "attendees", "ggz");
    rg_w_kstr(b, "conclusions", "go");
    OK();
    const char *ids[] = {"a1"}, *dues[] = {"2026-12-10"};
    propose(c6, 1, ids, dues);
    OK();
    req(ggz, "plan.agree", c6, -1);
    OK();
    CHECK(state_is(prA, c6, "execution"));
    b = req(prA, "case.end", c6, 2);
    rg_w_kstr(b, "reason", "moved");
    rg_w_kstr(b, "to_region", "zvh-utrecht");
    OK();
    CHECK(state_is(prA, c6, "archived"));
    b = req(prA, "case.end", c6, 2);
    rg_w_kstr(b, "reason", "other");
    rg_w_kstr(b, "explanation", "x");
    FAILS("invalid_transition", "archived");
}

/* Dates that plan the future are refused once past; an action carried over
 * unchanged in a plan revision keeps its date, past or not.  Last: it moves
 * the clock for every case. */
static void test_past_dates_and_revisions(void)
{
    char c4[32];
    report(pol, NULL, NULL, c4);
    REQUIRE(c4[0]);
    rg_w_kstr(req(prA, "case.assign", c4, 1), "procesregisseur", "prA");
    OK();
    req(prA, "intake.start", c4, -1);
    OK();
    rg_buf *b = req(prA, "intake.decide", c4, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "several domains");
    rg_t_w_criteria(b, "multi_domain,system,local_safety");
    OK();
    b = req(prA, "info.request", c4, 3);
    rg_w_kstr(b, "org", "ggz");
    rg_w_kstr(b, "question", "q?");
    rg_w_kstr(b, "due", "2025-11-30");
    FAILS("guard_failed", "data.due");
    b = req(prA, "info.request", c4, 3);               /* today: due at its end */
    rg_w_kstr(b, "org", "ggz");
    rg_w_kstr(b, "question", "q?");
    rg_w_kstr(b, "due", "2025-12-01");
    OK();
    b = req(prA, "meeting.schedule", c4, 2);
    rg_w_kstr(b, "at", "2025-12-02T10:00:00+01:00");
    rg_t_w_list(b, "orgs", "ggz");
    OK();
    b = req(prA, "meeting.hold", c4, 2);
    rg_t_w_list(b, "attendees", "ggz");
    rg_w_kstr(b, "conclusions", "go");
    OK();
    const char *ids[] = {"a1", "a2", "a3"};
    const char *dues[] = {"2025-12-10", "2026-02-01", "2025-12-12"};
    propose(c4, 2, ids, dues);
    OK();
    req(ggz, "plan.agree", c4, -1);
    OK();
    CHECK(state_is(prA, c4, "execution"));
    /* To 15 December: a1 is overdue. */
    rg_w_kuint(req(L.admin, "clock.advance", NULL, 1), "ms", 14ULL * 86400000ULL);
    OK();
    propose(c4, 2, ids, dues);                         /* both unchanged: carried over */
    OK();
    dues[0] = "2025-12-12";                             /* a1 re-dated, still past */
    propose(c4, 2, ids, dues);
    FAILS("guard_failed", "data.actions[0].due");
    dues[0] = "2025-12-10";                             /* a new action due already */
    propose(c4, 3, ids, dues);
    FAILS("guard_failed", "data.actions[2].due");
    dues[0] = "2026-01-10";
    dues[2] = "2026-01-12";
    propose(c4, 3, ids, dues);
    OK();
}

int main(void)
{
    RUN(setup);
    RUN(test_default_route);
    RUN(test_close_and_archive);
    RUN(test_reentry_route);
    RUN(test_stats_and_list);
    RUN(test_early_ending);
    RUN(test_past_dates_and_revisions);
    rg_t_reply_free(&R);
    rg_buf_free(&B);
    rg_t_local_close(&L, true);
    return rg_t_exit();
}
