/*
 * privacy_test.c - handlers/privacy.c, case.erase over an engine in this
 * process: a manager erases an archived or referred case, or one a granted
 * erasure request names; not an open case without one, not with a request
 * that is no granted erasure request, not a household's for one person
 * while others are in it (that is person.erase); an erased case answers
 * without its person; erasing twice writes nothing.  Every refusal with its
 * error code and nothing written.  (The name gone from every file, the
 * retention that erases by itself and the crash halfway are
 * erasure_test.c's and subject_retention_test.c's.)
 */
#include "steps.h"

#define NAME "Jozefien Erasmusdochter"
#define BSN "739201840"
#define BSN_OTHER "619382703"

static rg_t_cast C;

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &C) == 0);
}

/* case.report by police of NAME with bsn; the id into id. */
static void report(const char *bsn, char *id)
{
    rg_buf *b = req(C.pol, "case.report", NULL, 5);
    rg_w_kstr(b, "target_group", "verward_gedrag");
    rg_w_kstr(b, "summary", "incidents at home");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 2);
    rg_w_kstr(b, "name", NAME);
    rg_w_kstr(b, "bsn", bsn);
    id[0] = '\0';
    if (send_req()[0] == 0) snprintf(id, 32, "%s", rg_t_str(&R, "case"));
}

static void erase(const char *token, const char *id, const char *request)
{
    rg_buf *b = req(token, "case.erase", id, request ? 2 : 1);
    rg_w_kstr(b, "ground", "GDPR art. 17");
    if (request) rg_w_kstr(b, "request", request);
}

static bool shows_name(const char *id)
{
    return query(C.mgr, "case.history", id)[0] == 0 && rg_t_holds(R.bytes, R.len, NAME);
}

static void test_erase_by_request(void)
{
    setup();
    char a[32], rq[32], access[32];
    report(BSN, a);
    REQUIRE(a[0]);
    DONE(rg_t_local_drive(&L, &C, a, "analysis"));
    erase(C.mgr, a, NULL);
    REFUSED("guard_failed", "only an archived or referred case");
    erase(C.pr, a, NULL);
    REFUSED("forbidden", "");
    erase(C.mgr, a, "S-none");
    REFUSED("guard_failed", "no granted erasure request");
    /* An access request is no erasure request, granted or not. */
    DONE(rg_t_local_subject_request(&L, C.mgr, "access", BSN, access));
    DONE(rg_t_local_subject_decide(&L, C.mgr, access, true, NULL));
    erase(C.mgr, a, access);
    REFUSED("guard_failed", "no granted erasure request");
    /* An erasure request not yet decided, then refused: neither erases. */
    DONE(rg_t_local_subject_request(&L, C.mgr, "erasure", BSN, rq));
    erase(C.mgr, a, rq);
    REFUSED("guard_failed", "no granted erasure request");
    DONE(rg_t_local_subject_decide(&L, C.mgr, rq, false, "a safety interest outweighs it"));
    erase(C.mgr, a, rq);
    REFUSED("guard_failed", "no granted erasure request");
    CHECK(shows_name(a));

    DONE(rg_t_local_subject_request(&L, C.mgr, "erasure", BSN, rq));
    DONE(rg_t_local_subject_decide(&L, C.mgr, rq, true, NULL));
    erase(C.mgr, a, rq);
    OK();
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "type"), "case.erased"));
    CHECK(!shows_name(a));
    REQUIRE(query(C.mgr, "case.get", a)[0] == 0);
    bool erased = false;
    CHECK(rg_val_bool(rg_map_get(rg_t_get(&R, "case"), "erased"), &erased) && erased);
    CHECK(rg_val_type(rg_map_get(rg_t_get(&R, "case"), "subject")) == RG_VNIL);
    /* Twice: the same answer, nothing written. */
    uint64_t head = rg_t_local_head(&L);
    erase(C.mgr, a, NULL);
    OK();
    CHECK(rg_val_bool(rg_t_get(&R, "erased"), &erased) && erased && rg_val_is_str(rg_t_get(&R, "case"), a));
    CHECK(rg_t_local_head(&L) == head);
    steps_close();
}

static void test_erase_when_work_ended(void)
{
    setup();
    char referred[32], archived[32], open[32];
    report(BSN, referred);
    report(BSN_OTHER, archived);
    report(BSN_OTHER, open);
    REQUIRE(referred[0] && archived[0] && open[0]);
    DONE(rg_t_local_drive(&L, &C, referred, "intake"));
    rg_buf *b = req(C.pr, "intake.decide", referred, 3);
    rg_w_kbool(b, "admit", false);
    rg_w_kstr(b, "reason", "one life domain");
    rg_w_kstr(b, "referred_to", "wijkteam");
    OK();
    erase(C.mgr, referred, NULL);
    OK();
    CHECK(!shows_name(referred));
    DONE(rg_t_local_drive(&L, &C, archived, "analysis"));
    erase(C.mgr, archived, NULL);
    REFUSED("guard_failed", "case");
    rg_w_kstr(req(C.pr, "case.end", archived, 1), "reason", "deceased");
    OK();
    erase(C.mgr, archived, NULL);
    OK();
    CHECK(!shows_name(archived));
    CHECK(shows_name(open));                       /* the same person's other case keeps it */
    steps_close();
}

/* A household's request is one person's: with others in it, case.erase
 * names person.erase. */
static void test_household_needs_person_erase(void)
{
    setup();
    rg_buf *b = req(C.pol, "case.report", NULL, 5);
    rg_w_kstr(b, "target_group", "multi_probleem_gezin");
    rg_w_kstr(b, "summary", "a family in trouble");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    rg_w_cstr(b, "persons");
    rg_w_array(b, 2);
    rg_w_map(b, 3);
    rg_w_kstr(b, "role", "subject");
    rg_w_kstr(b, "name", NAME);
    rg_w_kstr(b, "bsn", BSN);
    rg_w_map(b, 2);
    rg_w_kstr(b, "role", "child");
    rg_w_kstr(b, "name", "Pieternella Oosterbroek");
    OK();
    char a[32], rq[32];
    snprintf(a, sizeof a, "%s", rg_t_str(&R, "case"));
    DONE(rg_t_local_subject_request(&L, C.mgr, "erasure", BSN, rq));
    DONE(rg_t_local_subject_decide(&L, C.mgr, rq, true, NULL));
    erase(C.mgr, a, rq);
    REFUSED("guard_failed", "erase P1 with person.erase");
    CHECK(shows_name(a));
    steps_close();
}

int main(void)
{
    RUN(test_erase_by_request);
    RUN(test_erase_when_work_ended);
    RUN(test_household_needs_person_erase);
    return rg_t_exit();
}
