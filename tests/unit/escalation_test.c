/*
 * escalation_test.c - handlers/escalation.c over an engine in this process:
 * escalation is an overlay (the case keeps its state); by hand only by the
 * case's own procesregisseur and only to a level above the one open; a
 * manager decides at levels 1 and 2, the bestuur at level 3 and only there
 * (it sees a case only once an escalation reached level 3);
 * a decision on a case without an open escalation is refused; a new due
 * date wants a stuck step with a date of its own.
 */
#include "steps.h"

static char pol[128], pr[128], pr2[128], mgr[128], burg[128];

static void admitted(char *id)
{
    id[0] = 0;
    rg_t_report_req(&B, pol, "r1", "A. Person");
    if (send_req()[0]) return;
    snprintf(id, 32, "%s", rg_t_str(&R, "case"));
    rg_w_kstr(req(pr, "case.assign", id, 1), "procesregisseur", "pr");
    OK();
    req(pr, "intake.start", id, 0);
    OK();
    rg_buf *b = req(pr, "intake.decide", id, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "several life domains");
    rg_t_w_criteria(b, "multi_domain,multi_chain");
    OK();
}

static bool state_is(const char *id, const char *state)
{
    return query(mgr, "case.get", id)[0] == 0 && rg_val_is_str(rg_map_get(rg_t_get(&R, "case"), "state"), state);
}

static void escalate(const char *token, const char *id, uint64_t level)
{
    rg_buf *b = req(token, "case.escalate", id, 2);
    rg_w_kuint(b, "level", level);
    rg_w_kstr(b, "reason", "the partners do not deliver");
}

static void resolve(const char *token, const char *id)
{
    rg_w_kstr(req(token, "escalation.resolve", id, 1), "decision", "deliver this week");
}

static void test_escalation(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    rg_t_local_actor(&L, "pol", "partner", "police", pol);
    rg_t_local_actor(&L, "pr", "procesregisseur", "zvh", pr);
    rg_t_local_actor(&L, "pr2", "procesregisseur", "zvh", pr2);
    rg_t_local_actor(&L, "mgr", "manager", "zvh", mgr);
    rg_t_local_actor(&L, "burg", "bestuur", "gemeente", burg);
    REQUIRE(pol[0] && pr[0] && pr2[0] && mgr[0] && burg[0]);
    char id[32];
    admitted(id);
    REQUIRE(id[0]);

    resolve(mgr, id);
    FAILS("guard_failed", "no open escalation");
    escalate(pol, id, 1);
    FAILS("forbidden", "");                       /* a partner escalates nothing */
    escalate(pr2, id, 1);
    FAILS("not_found", "no case");                /* not theirs: as if it did not exist */
    escalate(pr, id, 4);
    FAILS("bad_request", "data.level");           /* 1..3, by the schema */
    escalate(pr, id, 1);
    OK();
    CHECK(state_is(id, "analysis"));              /* an overlay, not a state */
    escalate(pr, id, 1);
    FAILS("guard_failed", "above the current one");
    resolve(burg, id);
    FAILS("not_found", "no case");                /* the bestuur sees what reached level 3 only */
    rg_buf *b = req(mgr, "escalation.resolve", id, 2);
    rg_w_kstr(b, "decision", "later");
    rg_w_kstr(b, "new_due", "2027-01-01");
    FAILS("guard_failed", "no action or information request");    /* a hand escalation names no step */
    resolve(mgr, id);
    OK();
    resolve(mgr, id);
    FAILS("guard_failed", "no open escalation");

    /* Straight to the top: only the bestuur decides there. */
    escalate(pr, id, 3);
    OK();
    resolve(mgr, id);
    FAILS("forbidden", "bestuur");
    resolve(burg, id);
    OK();
    CHECK(state_is(id, "analysis"));
    /* Once it reached the top the bestuur reads the dossier; a later level
     * 1 is still a manager's to decide. */
    escalate(pr, id, 1);
    OK();
    resolve(burg, id);
    FAILS("forbidden", "a manager of the region");
    resolve(mgr, id);
    OK();
    rg_t_local_close(&L, true);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

int main(void)
{
    RUN(test_escalation);
    return rg_t_exit();
}
