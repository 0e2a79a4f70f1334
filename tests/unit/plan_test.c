/*
 * plan_test.c - handlers/plan.c over an engine in this process: plan.propose
 * (action ids names and unique, owners org names, no due date already past
 * but one carried over unchanged, the casusregisseur an org name; a proposal
 * while a plan is in force is a revision that leaves the case in execution)
 * and plan.agree (a proposed plan, every action owned and dated, only an
 * org that owns an action, once per org, the last agreement appends
 * plan.agreed).  Every refusal with its error code and nothing written.
 */
#include "steps.h"

#define DAY 86400000ULL

static rg_t_cast C;
static char id[32];
static char due[32], past[32];

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &C) == 0);
    DONE(rg_t_local_report(&L, C.pol, "A. Person", id));
    uint64_t now = clock_now();
    snprintf(due, sizeof due, "%s", rg_t_iso(now + 30 * DAY));
    snprintf(past, sizeof past, "%s", rg_t_iso(now - DAY));
}

/* An action of plan.propose: {id, owner_org (NULL: none), description, due (NULL: none)}. */
static void w_action(rg_buf *b, const char *aid, const char *owner, const char *when)
{
    rg_w_map(b, 2 + !!owner + !!when);
    rg_w_kstr(b, "id", aid);
    if (owner) rg_w_kstr(b, "owner_org", owner);
    rg_w_kstr(b, "description", "something to do");
    if (when) rg_w_kstr(b, "due", when);
}

/* plan.propose by pr of two actions. */
static void propose2(const char *id1, const char *owner1, const char *due1, const char *id2, const char *owner2,
                     const char *due2)
{
    rg_buf *b = req(C.pr, "plan.propose", id, 2);
    rg_w_kstr(b, "goals", "stable housing");
    rg_w_cstr(b, "actions");
    rg_w_array(b, 2);
    w_action(b, id1, owner1, due1);
    w_action(b, id2, owner2, due2);
}

static const char *state(void)
{
    static char st[32];
    st[0] = '\0';
    if (query(C.pr, "case.get", id)[0] == 0) rg_val_strcpy(rg_map_get(rg_t_get(&R, "case"), "state"), st, sizeof st);
    return st;
}

static void test_propose(void)
{
    setup();
    DONE(rg_t_local_drive(&L, &C, id, "meeting"));
    rg_t_plan_req(&B, C.pr, id, "ggz", 1, due);
    REFUSED("invalid_transition", "meeting");
    DONE(rg_t_local_drive(&L, &C, id, "planning"));
    propose2("a 1", "ggz", due, "a2", "police", due);
    REFUSED("bad_request", "data.actions[0].id: use 1..64");
    propose2("a1", "ggz", due, "a1", "police", due);
    REFUSED("bad_request", "data.actions[1].id: a1 is used twice");
    propose2("a1", "ggz", due, "a2", "de politie", due);
    REFUSED("bad_request", "data.actions[1].owner_org");
    propose2("a1", "ggz", due, "a2", "police", past);
    REFUSED("guard_failed", "data.actions[1].due");
    propose2("a1", "ggz", due, "a2", "police", "31-12-2026");
    REFUSED("bad_request", "due");
    rg_buf *b = req(C.pr, "plan.propose", id, 3);
    rg_w_kstr(b, "goals", "stable housing");
    rg_w_kstr(b, "casusregisseur", "gemeente tilburg");
    rg_w_cstr(b, "actions");
    rg_w_array(b, 1);
    w_action(b, "a1", "ggz", due);
    REFUSED("bad_request", "data.casusregisseur");
    rg_t_plan_req(&B, C.ggz, id, "ggz", 1, due);
    REFUSED("forbidden", "");

    /* A draft without owner or due date may be proposed. */
    propose2("a1", NULL, due, "a2", "police", NULL);
    OK();
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "type"), "plan.proposed"));
    CHECK(strcmp(state(), "planning") == 0);
    steps_close();
}

static void test_agree(void)
{
    setup();
    DONE(rg_t_local_drive(&L, &C, id, "planning"));
    req(C.ggz, "plan.agree", id, 0);
    REFUSED("guard_failed", "no plan has been proposed");
    propose2("a1", NULL, due, "a2", "police", due);
    OK();
    req(C.pol, "plan.agree", id, 0);
    REFUSED("guard_failed", "action a1 has no owning org");
    propose2("a1", "ggz", due, "a2", "police", NULL);
    OK();
    req(C.pol, "plan.agree", id, 0);
    REFUSED("guard_failed", "action a2 has no due date");

    propose2("a1", "ggz", due, "a2", "police", due);
    OK();
    CHECK(rg_t_uint(&R, "version") > 0);
    req(C.pr, "plan.agree", id, 0);                /* a procesregisseur owns nothing: a partner step */
    REFUSED("forbidden", "");
    char gem[128];
    rg_t_local_actor(&L, "gem", "partner", "gemeente", gem);
    rg_w_kstr(req(C.pr, "partner.join", id, 1), "org", "gemeente");
    OK();
    req(gem, "plan.agree", id, 0);
    REFUSED("forbidden", "gemeente owns no action in plan revision");
    req(C.ggz, "plan.agree", id, 0);
    OK();
    const rg_val *evs = rg_t_get(&R, "events");
    CHECK(rg_array_size(evs) == 1 && rg_val_is_str(rg_map_get(rg_array_at(evs, 0), "type"), "plan.agreement"));
    CHECK(strcmp(state(), "planning") == 0);
    req(C.ggz, "plan.agree", id, 0);
    REFUSED("guard_failed", "ggz has already agreed");
    req(C.pol, "plan.agree", id, 0);
    OK();
    evs = rg_t_get(&R, "events");
    CHECK(rg_array_size(evs) == 2 && rg_val_is_str(rg_map_get(rg_array_at(evs, 1), "type"), "plan.agreed"));
    CHECK(strcmp(state(), "execution") == 0);
    req(C.pol, "plan.agree", id, 0);
    REFUSED("guard_failed", "no revision waits for agreement");
    steps_close();
}

/* A plan proposed in execution is a revision: the case stays there, the
 * agreed plan stays in force until the revision's last agreement; an action
 * carried over keeps its date even once that is past. */
static void test_revision(void)
{
    setup();
    DONE(rg_t_local_drive(&L, &C, id, "planning"));
    propose2("a1", "ggz", due, "a2", "police", due);
    OK();
    req(C.ggz, "plan.agree", id, 0);
    OK();
    req(C.pol, "plan.agree", id, 0);
    OK();
    clock_to(iso(due) + 2 * DAY);                  /* a1 and a2 now overdue */
    propose2("a1", "ggz", due, "a3", "police", due);
    REFUSED("guard_failed", "data.actions[1].due");   /* a new action may not be due already */
    char later[32];
    snprintf(later, sizeof later, "%s", rg_t_iso(clock_now() + 30 * DAY));
    propose2("a1", "ggz", due, "a3", "police", later);
    OK();
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "type"), "plan.revision_proposed"));
    uint64_t rev = 0;
    rg_val_uint(rg_map_get(rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "data"), "rev"), &rev);
    CHECK(rev == 2);
    CHECK(strcmp(state(), "execution") == 0);
    req(C.ggz, "plan.agree", id, 0);
    OK();
    req(C.pol, "plan.agree", id, 0);
    OK();
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(rg_t_get(&R, "events"), 1), "type"), "plan.agreed"));
    CHECK(strcmp(state(), "execution") == 0);
    steps_close();
}

int main(void)
{
    RUN(test_propose);
    RUN(test_agree);
    RUN(test_revision);
    return rg_t_exit();
}
