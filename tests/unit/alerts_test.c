/*
 * alerts_test.c - the alert inbox stays true (issue 21, finding 8;
 * CONTRACT.md): an alert is resolved by itself when its cause is met,
 * cleared or its case ends; alerts.list shows the open ones unless asked for
 * all, and says why a resolved one closed; the case's procesregisseur is
 * alerted at every escalation of the case; every alert carries a line in
 * words: the norm, the action's description, since when, and what is
 * expected of the reader.  The manual clock starts Monday 1 December 2025.
 */
#include "steps.h"

static char pol[128], ggz[128], pr[128], mgr[128], cid[32];

/* The alerts of tok (all of them, or only the open ones). */
static const rg_val *alerts(const char *tok, bool all)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "alerts.list", tok, NULL, NULL, -1, all ? 2 : 1);
    rg_w_kuint(&B, "limit", 1000);
    if (all) rg_w_kbool(&B, "all", true);
    if (send_req()[0]) return NULL;
    return rg_t_get(&R, "alerts");
}

/* The first alert in list of kind and norm (NULL: any), or NULL. */
static const rg_val *find(const rg_val *list, const char *kind, const char *norm)
{
    for (uint32_t i = 0; i < rg_array_size(list); i++) {
        const rg_val *a = rg_array_at(list, i);
        if (rg_val_is_str(rg_map_get(a, "case"), cid) && rg_val_is_str(rg_map_get(a, "kind"), kind) &&
            (!norm || rg_val_is_str(rg_map_get(a, "norm"), norm)))
            return a;
    }
    return NULL;
}

static bool text_has(const rg_val *a, const char *key, const char *part)
{
    char t[2048] = "";
    const rg_val *v = strcmp(key, "resolved") == 0 ? rg_map_get(rg_map_get(a, "resolved"), "text")
                                                    : rg_map_get(a, key);
    rg_val_strcpy(v, t, sizeof t);
    if (!strstr(t, part)) printf("  '%s' lacks '%s'\n", t, part);
    return strstr(t, part) != NULL;
}

static bool resolved_why(const rg_val *a, const char *why)
{
    bool open = true;
    return a && rg_val_bool(rg_map_get(a, "open"), &open) && !open &&
           rg_val_is_str(rg_map_get(rg_map_get(a, "resolved"), "why"), why);
}

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    rg_t_local_actor(&L, "pol1", "partner", "police", pol);
    rg_t_local_actor(&L, "ggz1", "partner", "ggz", ggz);
    rg_t_local_actor(&L, "pr1", "procesregisseur", "zvh", pr);
    rg_t_local_actor(&L, "mgr1", "manager", "zvh", mgr);
    rg_buf_reset(&B);
    rg_t_report_req(&B, pol, "rep1", "A. Person");
    REQUIRE(send_req()[0] == 0);
    snprintf(cid, sizeof cid, "%s", rg_t_str(&R, "case"));
    rg_w_kstr(req(pr, "case.assign", cid, 1), "procesregisseur", "pr1");
    OK();
}

static void test_met_stagnation_resolves_itself(void)
{
    setup();
    REQUIRE(!rg_t_failed);
    /* Thursday 4 December: the intake has not started (due in 2 working
     * days, Wednesday 3 December 10:00). */
    clock_to(iso("2025-12-04T12:00:00+01:00"));
    const rg_val *a = find(alerts(pr, false), "stagnation", "intake.start");
    REQUIRE(a);
    bool open = false;
    CHECK(rg_val_bool(rg_map_get(a, "open"), &open) && open);
    CHECK(rg_val_type(rg_map_get(a, "resolved")) == RG_VNIL);
    CHECK(text_has(a, "text", "The intake to start"));
    CHECK(text_has(a, "text", "was due Wed 3 Dec 2025 10:00"));
    CHECK(text_has(a, "text", "overdue since Wed 3 Dec 2025"));
    CHECK(text_has(a, "text", "Expected of you: start the intake"));
    /* The step is taken: the alert closes by itself. */
    req(pr, "intake.start", cid, -1);
    OK();
    CHECK(find(alerts(pr, false), "stagnation", "intake.start") == NULL);
    a = find(alerts(pr, true), "stagnation", "intake.start");
    CHECK(resolved_why(a, "met"));
    CHECK(a && text_has(a, "resolved", "the norm was met"));
    rg_t_local_close(&L, true);
}

static void test_escalation_alerts_the_procesregisseur_and_closes(void)
{
    setup();
    REQUIRE(!rg_t_failed);
    /* No intake: stagnating from 3 December, escalated 5 working days on. */
    clock_to(iso("2025-12-12T12:00:00+01:00"));
    const rg_val *a = find(alerts(pr, false), "escalation", NULL);
    REQUIRE(a);
    CHECK(text_has(a, "text", "escalated to level 1, the ZVH manager"));
    CHECK(text_has(a, "text", "Expected of you: give that level what it needs"));
    a = find(alerts(mgr, false), "escalation", NULL);
    REQUIRE(a);
    CHECK(text_has(a, "text", "Expected of you: decide within 5 working days"));
    rg_w_kstr(req(mgr, "escalation.resolve", cid, 1), "decision", "start the intake today");
    OK();
    CHECK(find(alerts(pr, false), "escalation", NULL) == NULL);
    CHECK(resolved_why(find(alerts(pr, true), "escalation", NULL), "decided"));
    CHECK(resolved_why(find(alerts(mgr, true), "escalation", NULL), "decided"));
    rg_t_local_close(&L, true);
}

static void test_overdue_action_reads_its_description(void)
{
    setup();
    REQUIRE(!rg_t_failed);
    req(pr, "intake.start", cid, -1);
    OK();
    rg_buf *b = req(pr, "intake.decide", cid, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "several life domains");
    rg_t_w_criteria(b, "multi_domain");
    OK();
    rg_w_kstr(req(pr, "partner.join", cid, 1), "org", "ggz");
    OK();
    b = req(pr, "meeting.schedule", cid, 2);
    rg_w_kstr(b, "at", "2025-12-02T10:00:00+01:00");
    rg_t_w_list(b, "orgs", "ggz");
    OK();
    b = req(pr, "meeting.hold", cid, 2);
    rg_t_w_list(b, "attendees", "ggz");
    rg_w_kstr(b, "conclusions", "a plan");
    OK();
    b = req(pr, "plan.propose", cid, 2);
    rg_w_kstr(b, "goals", "treatment");
    rg_w_cstr(b, "actions");
    rg_w_array(b, 1);
    rg_t_w_action(b, "a4", "ggz", "intake at the FACT team", "2025-12-05");
    OK();
    req(ggz, "plan.agree", cid, -1);
    OK();
    /* Monday 8 December: a4 (due Friday 5 December, end of day) is open. */
    clock_to(iso("2025-12-08T12:00:00+01:00"));
    const rg_val *a = find(alerts(ggz, false), "stagnation", "action.done");
    REQUIRE(a);
    CHECK(text_has(a, "text", "Action a4 of ggz (\"intake at the FACT team\")"));
    CHECK(text_has(a, "text", "was due Fri 5 Dec 2025, end of day"));
    CHECK(text_has(a, "text", "Expected of you: complete action a4"));
    a = find(alerts(pr, false), "stagnation", "action.done");
    CHECK(a && text_has(a, "text", "see that its owner completes it"));
    /* The case ends with the action open (handed over): every alert of
     * the case's work is resolved, and says so. */
    b = req(pr, "case.close", cid, 2);
    rg_w_kstr(b, "reason", "moved to another region");
    rg_t_w_list(b, "handover", "a4");
    const char *e = send_req();
    if (e[0]) printf("  case.close: %s: %s\n", e, rg_t_str(&R, "message"));
    CHECK(!e[0]);
    CHECK(find(alerts(ggz, false), "stagnation", "action.done") == NULL);
    a = find(alerts(pr, true), "stagnation", "action.done");
    CHECK(resolved_why(a, "case_ended"));
    CHECK(a && text_has(a, "resolved", "the work on the case ended (closed)"));
    rg_t_local_close(&L, true);
}

int main(void)
{
    RUN(test_met_stagnation_resolves_itself);
    RUN(test_escalation_alerts_the_procesregisseur_and_closes);
    RUN(test_overdue_action_reads_its_description);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
    return rg_t_exit();
}
