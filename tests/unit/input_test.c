/*
 * input_test.c - input checked where it matters (issue 21, finding 13): a
 * BSN passes the eleven-test (elfproef), a birth date is a real calendar
 * date in the past; case ids are opaque (40 random bits in base32 and a
 * check character, no global counter), and each region numbers its own
 * cases for people to say on the phone, across a restart and a rebuild; a
 * reporter is offered only the routes a report may start.
 */
#include "../../engine/core/ctx.h"
#include "../../engine/domain/contract.h"
#include "steps.h"

/* case.report by tok with the subject's birth_date and bsn (NULL: none). */
static const char *report(const char *tok, const char *birth, const char *bsn, const char *route)
{
    rg_buf *b = req(tok, "case.report", NULL, 5 + (route != NULL));
    rg_w_kstr(b, "target_group", "overig");
    rg_w_kstr(b, "summary", "s");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    if (route) rg_w_kstr(b, "route", route);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 1 + (birth != NULL) + (bsn != NULL));
    rg_w_kstr(b, "name", "A. Person");
    if (birth) rg_w_kstr(b, "birth_date", birth);
    if (bsn) rg_w_kstr(b, "bsn", bsn);
    return send_req();
}

static bool refused(const char *e, const char *part)
{
    bool ok = strcmp(e, "bad_request") == 0 && strstr(rg_t_str(&R, "message"), part);
    if (!ok) printf("  expected bad_request naming %s, got '%s': %s\n", part, e, rg_t_str(&R, "message"));
    return ok;
}

static void test_bsn_and_birth_date(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char pol[128];
    rg_t_local_actor(&L, "pol1", "partner", "police", pol);
    CHECK(refused(report(pol, NULL, "111", NULL), "data.subject.bsn"));
    CHECK(refused(report(pol, NULL, "123456789", NULL), "eleven-test"));    /* nine digits, fails the test */
    CHECK(refused(report(pol, NULL, "000000000", NULL), "data.subject.bsn"));
    CHECK(refused(report(pol, NULL, "12345678a", NULL), "data.subject.bsn"));
    CHECK(report(pol, NULL, "123456782", NULL)[0] == 0);
    CHECK(refused(report(pol, "2031-13-45", NULL, NULL), "data.subject.birth_date"));
    CHECK(refused(report(pol, "1990-02-30", NULL, NULL), "real calendar date"));
    CHECK(refused(report(pol, "02-04-1988", NULL, NULL), "data.subject.birth_date"));
    CHECK(refused(report(pol, "2031-01-01", NULL, NULL), "not in the past"));  /* the clock: December 2025 */
    CHECK(report(pol, "1988-04-02", NULL, NULL)[0] == 0);
    /* A data-subject request's person is checked the same way. */
    char mgr[128];
    rg_t_local_actor(&L, "mgr1", "manager", "zvh", mgr);
    rg_buf *b = req(mgr, "subject.request", NULL, 2);
    rg_w_kstr(b, "kind", "access");
    rg_w_cstr(b, "person");
    rg_w_map(b, 1);
    rg_w_kstr(b, "bsn", "111");
    CHECK(refused(send_req(), "data.person.bsn"));
    rg_t_local_close(&L, true);
}

static void test_routes_a_reporter_may_start(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char pol[128];
    rg_t_local_actor(&L, "pol1", "partner", "police", pol);
    CHECK(refused(report(pol, NULL, NULL, "subject-request"), "data.route"));
    CHECK(!strstr(rg_t_str(&R, "message"), "subject-request"));       /* not offered */
    CHECK(report(pol, NULL, NULL, "mda")[0] == 0);
    /* The words the client offers (its help) are the contract's: every
     * route but the one subject.request opens. */
    const rg_opdef *op = rg_op_find("case.report", 11);
    REQUIRE(op);
    const rg_field *route = NULL;
    for (const rg_field *f = op->fields; f->name; f++)
        if (strcmp(f->name, "route") == 0) route = f;
    REQUIRE(route && route->values);
    CHECK(!strstr(route->values, "subject-request"));
    for (int rt = 0; rt < RG_NROUTES; rt++) {
        char w[48];
        snprintf(w, sizeof w, " %s ", rg_route_name(rt));
        char words[256];
        snprintf(words, sizeof words, " %s ", route->values);
        CHECK((strstr(words, w) != NULL) == (rt != RG_RT_SUBJECT_REQUEST));
    }
    rg_t_local_close(&L, true);
}

static void test_opaque_ids_and_region_numbers(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char polA[128], polB[128], mgrA[128];
    actor_in("polA", "partner", "police", "tilburg", NULL, polA);
    actor_in("polB", "partner", "police", "breda", NULL, polB);
    actor_in("mgrA", "manager", "zvh-tilburg", "tilburg", NULL, mgrA);
    char ids[4][32];
    uint64_t nums[4];
    const char *who[4] = {polA, polA, polB, polA};
    for (int i = 0; i < 4; i++) {
        REQUIRE(report(who[i], NULL, NULL, NULL)[0] == 0);
        snprintf(ids[i], sizeof ids[i], "%s", rg_t_str(&R, "case"));
        nums[i] = rg_t_uint(&R, "number");
        /* ZVH-, eight base32 symbols, a check character that holds */
        CHECK(rg_case_id_checks(ids[i]));
        CHECK(strspn(ids[i] + 4, "0123456789") < 9);     /* not a counter */
    }
    CHECK(strcmp(ids[0], ids[1]) != 0 && strcmp(ids[1], ids[3]) != 0);
    /* Each region counts its own: tilburg 1, 2, 3; breda 1. */
    CHECK(nums[0] == 1 && nums[1] == 2 && nums[2] == 1 && nums[3] == 3);
    /* One symbol off and the check character does not hold. */
    char typo[32];
    snprintf(typo, sizeof typo, "%s", ids[0]);
    typo[6] = typo[6] == 'A' ? 'B' : 'A';
    CHECK(!rg_case_id_checks(typo));
    REQUIRE(query(mgrA, "case.get", ids[1])[0] == 0);
    CHECK(rg_map_get(rg_t_get(&R, "case"), "number") &&
          rg_val_uint(rg_map_get(rg_t_get(&R, "case"), "number"), &nums[1]) && nums[1] == 2);
    /* After a restart and after a rebuild the numbering goes on. */
    char *dir = strdup(L.dir);
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    free(dir);
    CHECK(report(polA, NULL, NULL, NULL)[0] == 0 && rg_t_uint(&R, "number") == 4);
    CHECK(report(polB, NULL, NULL, NULL)[0] == 0 && rg_t_uint(&R, "number") == 2);
    rg_t_local_settle(&L);
    REQUIRE(rg_replay_rebuild(L.e, NULL) == 0);
    CHECK(report(polA, NULL, NULL, NULL)[0] == 0 && rg_t_uint(&R, "number") == 5);
    rg_t_local_close(&L, true);
}

int main(void)
{
    RUN(test_bsn_and_birth_date);
    RUN(test_routes_a_reporter_may_start);
    RUN(test_opaque_ids_and_region_numbers);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
    return rg_t_exit();
}
