/*
 * subjects_test.c - handlers/subjects.c, the data-subject rights over an
 * engine in this process, in two regions: each request kind (access,
 * objection, rectification, restriction) with its decision (a refusal with
 * its ground, decided once), subject.correct only once rectification is
 * granted, a restricted case refusing every step but reads until
 * case.unrestrict, subject.known naming the other region and nothing more,
 * the one-month answer norm firing (moved here from erasure_test.c); and
 * the refusals of each operation (a person named by neither a BSN nor a
 * name with a birth date, a child under 16 without who asks for them, a
 * procesregisseur, no such request, an empty name, a case not restricted),
 * each leaving nothing written.
 */
#include "steps.h"

#define DAY 86400000ULL

static char pol[128], ggz[128], pr[128], mgr[128], polB[128];

static void actors(void)
{
    actor_in("pol", "partner", "police", "tilburg", NULL, pol);
    actor_in("ggz", "partner", "ggz", "tilburg", NULL, ggz);
    actor_in("pr", "procesregisseur", "zvh-tilburg", "tilburg", NULL, pr);
    actor_in("mgr", "manager", "zvh-tilburg", "tilburg", NULL, mgr);
    actor_in("polB", "partner", "police", "breda", NULL, polB);
}

static void report(const char *token, const char *name, const char *bsn, char *id)
{
    rg_buf *b = req(token, "case.report", NULL, 5);
    rg_w_kstr(b, "target_group", "verward_gedrag");
    rg_w_kstr(b, "summary", "incidents at home");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 3);
    rg_w_kstr(b, "name", name);
    rg_w_kstr(b, "bsn", bsn);
    rg_w_kstr(b, "birth_date", "1980-02-02");
    id[0] = '\0';
    if (send_req()[0] == 0) snprintf(id, 32, "%s", rg_t_str(&R, "case"));
}

/* Reported by pol, taken by pr and admitted: analysis. */
static void working_case(const char *name, const char *bsn, char *id)
{
    report(pol, name, bsn, id);
    if (!id[0]) return;
    rg_w_kstr(req(pr, "case.assign", id, 1), "procesregisseur", "pr");
    OK();
    req(pr, "intake.start", id, 0);
    OK();
    rg_buf *b = req(pr, "intake.decide", id, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "r");
    rg_t_w_list(b, "criteria", "multi_domain");
    OK();
}

static void advance(uint64_t ms)
{
    rg_w_kuint(req(L.admin, "clock.advance", NULL, 1), "ms", ms);
    OK();
}

static const char *request(const char *kind, const char *bsn, char *id)
{
    return rg_t_local_subject_request(&L, mgr, kind, bsn, id);
}

/* subject.decide by mgr in B; the reply (the cases of a granted access
 * request) in R. */
static const char *decide(const char *id, bool granted, const char *ground)
{
    rg_buf *b = req(mgr, "subject.decide", NULL, ground ? 3 : 2);
    rg_w_kstr(b, "request", id);
    rg_w_kbool(b, "granted", granted);
    if (ground) rg_w_kstr(b, "ground", ground);
    return send_req();
}

static void test_subject_requests(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    actors();
    char a[32], other[32], rq[32];
    working_case("Jan Modaal", "111222333", a);
    report(polB, "Jan Modaal", "111222333", other);     /* the same person in Breda */
    REQUIRE(a[0] && other[0]);

    /* Access: every case of the region on that person, with the person. */
    REQUIRE(request("access", "111222333", rq)[0] == 0);
    REQUIRE(decide(rq, true, NULL)[0] == 0);
    const rg_val *cases = rg_t_get(&R, "cases");
    CHECK(rg_array_size(cases) == 1 && rg_val_is_str(rg_map_get(rg_array_at(cases, 0), "case"), a));
    /* A refusal needs its ground. */
    REQUIRE(request("objection", "111222333", rq)[0] == 0);
    CHECK(strcmp(decide(rq, false, NULL), "bad_request") == 0);
    CHECK(decide(rq, false, "a safety interest outweighs it")[0] == 0);
    CHECK(strcmp(decide(rq, true, NULL), "guard_failed") == 0);   /* decided already */

    /* Rectification: subject.correct only once granted. */
    rg_buf *b = req(pr, "subject.correct", a, 1);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 2);
    rg_w_kstr(b, "name", "Jan Modaal-Jansen");
    rg_w_kstr(b, "bsn", "111222333");
    REFUSED("guard_failed", "rectification");
    REQUIRE(request("rectification", "111222333", rq)[0] == 0);
    REQUIRE(decide(rq, true, NULL)[0] == 0);
    b = req(pr, "subject.correct", a, 1);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 2);
    rg_w_kstr(b, "name", "Jan Modaal-Jansen");
    rg_w_kstr(b, "bsn", "111222333");
    OK();
    REQUIRE(query(mgr, "case.get", a)[0] == 0);
    CHECK(rg_val_is_str(rg_map_get(rg_map_get(rg_t_get(&R, "case"), "subject"), "name"), "Jan Modaal-Jansen"));

    /* Restriction: every step but reads refused until lifted. */
    REQUIRE(request("restriction", "111222333", rq)[0] == 0);
    REQUIRE(decide(rq, true, NULL)[0] == 0);
    rg_w_kstr(req(pr, "partner.join", a, 1), "org", "gemeente");
    REFUSED("guard_failed", "restricted");
    CHECK(query(pr, "case.get", a)[0] == 0);
    rg_w_kstr(req(mgr, "case.unrestrict", a, 1), "reason", "the question was answered");
    OK();
    rg_w_kstr(req(pr, "partner.join", a, 1), "org", "gemeente");
    OK();

    /* subject.known: the other region, and nothing more. */
    rg_buf_reset(&B);
    rg_req_envelope(&B, "subject.known", mgr, NULL, NULL, -1, 1);
    rg_w_cstr(&B, "person");
    rg_w_map(&B, 1);
    rg_w_kstr(&B, "bsn", "111222333");
    REQUIRE(send_req()[0] == 0);
    const rg_val *regions = rg_t_get(&R, "regions");
    CHECK(rg_array_size(regions) == 1 && rg_val_is_str(rg_array_at(regions, 0), "breda"));
    CHECK(rg_map_size(R.root) == 2);                      /* ok and regions */
    CHECK(memmem(R.bytes, R.len, other, strlen(other)) == NULL && memmem(R.bytes, R.len, "Modaal", 6) == NULL);

    /* The one-month answer norm fires as a stagnation, with an alert. */
    REQUIRE(request("access", "111222333", rq)[0] == 0);
    advance(32 * DAY);
    REQUIRE(query(mgr, "case.get", rq)[0] == 0);
    const rg_val *st = rg_map_get(rg_t_get(&R, "case"), "stagnations");
    CHECK(rg_array_size(st) == 1 && rg_val_is_str(rg_map_get(rg_array_at(st, 0), "norm"), "subject.answer"));
    steps_close();
}

/* The refusals of each operation, each writing nothing. */
static void test_refusals(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    actors();
    char a[32], rq[32];
    working_case("Jan Modaal", "111222333", a);
    REQUIRE(a[0]);
    rg_buf *b = req(mgr, "subject.request", NULL, 2);
    rg_w_kstr(b, "kind", "access");
    rg_w_cstr(b, "person");
    rg_w_map(b, 1);
    rg_w_kstr(b, "name", "Jan Modaal");              /* a name without a birth date */
    REFUSED("bad_request", "data.person: a bsn, or a name with a birth_date");
    b = req(mgr, "subject.request", NULL, 2);
    rg_w_kstr(b, "kind", "access");
    rg_w_cstr(b, "person");
    rg_w_map(b, 1);
    rg_w_kstr(b, "bsn", "111222334");
    REFUSED("bad_request", "data.person.bsn");
    b = req(mgr, "subject.request", NULL, 2);
    rg_w_kstr(b, "kind", "access");
    rg_w_cstr(b, "person");
    rg_w_map(b, 2);
    rg_w_kstr(b, "name", "Pieter Klein");
    rg_w_kstr(b, "birth_date", "2019-04-05");          /* under 16: who asks for them */
    REFUSED("bad_request", "data.by: the person is under 16");
    b = req(mgr, "subject.request", NULL, 2);
    rg_w_kstr(b, "kind", "portability");
    rg_w_cstr(b, "person");
    rg_w_map(b, 1);
    rg_w_kstr(b, "bsn", "111222333");
    REFUSED("bad_request", "data.kind");
    b = req(ggz, "subject.request", NULL, 2);
    rg_w_kstr(b, "kind", "access");
    rg_w_cstr(b, "person");
    rg_w_map(b, 1);
    rg_w_kstr(b, "bsn", "111222333");
    REFUSED("forbidden", "");

    b = req(mgr, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", "S-none");
    rg_w_kbool(b, "granted", true);
    REFUSED("not_found", "no data-subject request S-none");
    REQUIRE(request("rectification", "111222333", rq)[0] == 0);
    b = req(mgr, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", false);
    REFUSED("bad_request", "data.ground: a refusal records its ground");
    REQUIRE(decide(rq, true, NULL)[0] == 0);
    b = req(mgr, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", true);
    REFUSED("guard_failed", "was decided already");
    b = req(pr, "subject.correct", a, 1);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 1);
    rg_w_kstr(b, "name", "");
    REFUSED("bad_request", "data.subject.name");
    b = req(pr, "subject.correct", a, 2);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 1);
    rg_w_kstr(b, "name", "Jan Modaal-Jansen");
    rg_w_kstr(b, "person", "P7");
    REFUSED("guard_failed", "is person P1's, not P7's");
    rg_w_kstr(req(mgr, "case.unrestrict", a, 1), "reason", "nothing to lift");
    REFUSED("guard_failed", "is not restricted");
    steps_close();
}

int main(void)
{
    RUN(test_subject_requests);
    RUN(test_refusals);
    return rg_t_exit();
}
