/*
 * household_rights_test.c - the data subject's rights per person of a
 * household case (issue 25), in process on a real RocksDB: a granted
 * restriction or objection of one member restricts that member alone (their
 * data kept, withheld from the partners, nothing new naming them) while the
 * case goes on for the others, until case.unrestrict with the person lifts
 * it; a case about one person (or the restriction of its only subject)
 * still stops as a whole, as before households.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/replay/replay.h"
#include "steps.h"

#define MOTHER "Wilhelmina Oosterbroek"
#define CHILD "Pieternella Oosterbroek"
#define FATHER "Hendrikus Vlasblom"
#define BSN_MOTHER "739201840"
#define BSN_CHILD "528173649"
#define BSN_FATHER "619382703"

static char pol[128], pr[128], mgr[128], jb[128];

static void open_region(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    actor_in("pol", "partner", "police", "tilburg", NULL, pol);
    actor_in("pr", "procesregisseur", "zvh-tilburg", "tilburg", NULL, pr);
    actor_in("mgr", "manager", "zvh-tilburg", "tilburg", NULL, mgr);
    actor_in("jb", "partner", "jeugdbescherming", "tilburg", NULL, jb);
}

typedef struct { const char *role, *name, *birth, *bsn; } person;

static void w_person(rg_buf *b, const person *p)
{
    rg_w_map(b, 4);
    rg_w_kstr(b, "role", p->role);
    rg_w_kstr(b, "name", p->name);
    rg_w_kstr(b, "birth_date", p->birth);
    rg_w_kstr(b, "bsn", p->bsn);
}

/* A case of the persons reported by the police, taken by the procesregisseur
 * and admitted; its id into id (32 bytes). */
static void household(const person *ps, int n, char *id)
{
    id[0] = '\0';
    rg_buf *b = req(pol, "case.report", NULL, 5);
    rg_w_kstr(b, "target_group", "multi_probleem_gezin");
    rg_w_kstr(b, "summary", "a family in trouble");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    rg_w_cstr(b, "persons");
    rg_w_array(b, (uint32_t)n);
    for (int i = 0; i < n; i++) w_person(b, &ps[i]);
    OK();
    snprintf(id, 32, "%s", rg_t_str(&R, "case"));
    rg_w_kstr(req(pr, "case.assign", id, 1), "procesregisseur", "pr");
    OK();
    req(pr, "intake.start", id, 0);
    OK();
    b = req(pr, "intake.decide", id, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "a family in several domains");
    rg_t_w_criteria(b, "system");
    OK();
}

/* A request of kind by the person with bsn, granted by the manager. */
static void granted(const char *kind, const char *bsn)
{
    rg_buf *b = req(mgr, "subject.request", NULL, 2);
    rg_w_kstr(b, "kind", kind);
    rg_w_cstr(b, "person");
    rg_w_map(b, 1);
    rg_w_kstr(b, "bsn", bsn);
    OK();
    char rq[32];
    snprintf(rq, sizeof rq, "%s", rg_t_str(&R, "request"));
    b = req(mgr, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", true);
    OK();
}

static void share(const char *a, const char *who, const char *org)
{
    rg_buf *b = req(pr, "person.share", a, 2);
    rg_w_kstr(b, "person", who);
    rg_w_cstr(b, "orgs");
    rg_w_array(b, 1);
    rg_w_cstr(b, org);
}

/* info.request to org about persons (ids, comma-separated). */
static void ask(const char *a, const char *org, const char *persons, const char *question)
{
    rg_buf *b = req(pr, "info.request", a, 3);
    rg_w_kstr(b, "org", org);
    rg_w_kstr(b, "question", question);
    rg_t_w_list(b, "persons", persons);
}

static void unrestrict(const char *a, const char *who)
{
    rg_buf *b = req(mgr, "case.unrestrict", a, who ? 2 : 1);
    rg_w_kstr(b, "reason", "the accuracy was verified");
    if (who) rg_w_kstr(b, "person", who);
}

/* case.get's person who ("P2") of the reader: restricted? */
static bool restricted_in_get(const char *token, const char *a, const char *who)
{
    if (query(token, "case.get", a)[0]) return false;
    const rg_val *ps = rg_map_get(rg_t_get(&R, "case"), "persons");
    for (uint32_t i = 0; i < rg_array_size(ps); i++) {
        const rg_val *p = rg_array_at(ps, i);
        bool r = false;
        if (rg_val_is_str(rg_map_get(p, "person"), who)) return rg_val_bool(rg_map_get(p, "restricted"), &r) && r;
    }
    return false;
}

/* Does the reader's history of a hold s? */
static bool history_holds(const char *token, const char *a, const char *s)
{
    return query(token, "case.history", a)[0] == 0 && rg_t_holds(R.bytes, R.len, s);
}

/* One member's restriction or objection (kind) restricts that member: the
 * case goes on for the others; steps naming them are refused; their data is
 * the ZVH's alone to read; case.unrestrict with the person lifts it. */
static void restricts_one_member(const char *kind)
{
    open_region();
    char *dir = strdup(L.dir);
    char a[32];
    person ps[] = {
        {"subject", MOTHER, "1981-05-06", BSN_MOTHER},
        {"parent", FATHER, "1978-03-04", BSN_FATHER},
        {"child", CHILD, "2015-07-08", BSN_CHILD},
    };
    household(ps, 3, a);
    REQUIRE(a[0]);
    /* The reporter reads the whole household before. */
    CHECK(history_holds(pol, a, FATHER) && history_holds(pol, a, BSN_FATHER));

    granted(kind, BSN_FATHER);
    /* The case goes on for the mother and the child. */
    rg_w_kstr(req(pr, "partner.join", a, 1), "org", "jeugdbescherming");
    OK();
    share(a, "P3", "jeugdbescherming");
    OK();
    ask(a, "jeugdbescherming", "P3", "how is school going?");
    OK();
    /* Nothing new names the father. */
    share(a, "P2", "police");
    FAILS("guard_failed", "restricted");
    ask(a, "police", "P1,P2", "any incidents at home?");
    FAILS("guard_failed", "restricted");
    rg_buf *b = req(pr, "client.perspective", a, 2);
    rg_w_kstr(b, "person", "P2");
    rg_w_kstr(b, "wishes", "to see the children every week");
    FAILS("guard_failed", "restricted");
    b = req(pr, "person.add", a, 4);
    rg_w_kstr(b, "role", "parent");
    rg_w_kstr(b, "name", "H. Vlasblom");
    rg_w_kstr(b, "birth_date", "1978-03-04");
    rg_w_kstr(b, "bsn", BSN_FATHER);
    FAILS("guard_failed", "restricted");
    /* The case says so; the partners read nothing of him any more, the
     * ZVH keeps his data. */
    CHECK(restricted_in_get(pr, a, "P2") && !restricted_in_get(pr, a, "P1"));
    CHECK(restricted_in_get(pol, a, "P2"));
    CHECK(!history_holds(pol, a, FATHER) && !history_holds(pol, a, BSN_FATHER));
    CHECK(history_holds(pol, a, MOTHER));
    rg_w_kuint(req(pol, "feed.read", NULL, 1), "after", 0);
    REQUIRE(send_req()[0] == 0);
    CHECK(!rg_t_holds(R.bytes, R.len, FATHER) && rg_t_holds(R.bytes, R.len, MOTHER));
    CHECK(history_holds(mgr, a, FATHER) && history_holds(pr, a, BSN_FATHER));
    /* The restriction is an event of the case, naming him. */
    CHECK(history_holds(pr, a, "case.restricted"));

    /* Kept across a restart and a rebuild (folded from the events). */
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    CHECK(restricted_in_get(pr, a, "P2"));
    rg_t_local_settle(&L);
    REQUIRE(rg_replay_rebuild(L.e, NULL) == 0);
    CHECK(restricted_in_get(pr, a, "P2"));
    share(a, "P2", "police");
    FAILS("guard_failed", "restricted");

    /* Lifted per person: the whole case is not restricted. */
    unrestrict(a, NULL);
    FAILS("guard_failed", "P2");
    unrestrict(a, "P3");
    FAILS("guard_failed", "not restricted");
    unrestrict(a, "P9");
    FAILS("not_found", "no person P9");
    unrestrict(a, "P2");
    OK();
    CHECK(!restricted_in_get(pr, a, "P2"));
    CHECK(history_holds(pol, a, FATHER));
    share(a, "P2", "police");
    OK();
    ask(a, "police", "P1,P2", "any incidents at home?");
    OK();
    rg_t_local_close(&L, true);
    free(dir);
}

static void test_restriction_per_person(void) { restricts_one_member("restriction"); }
static void test_objection_per_person(void) { restricts_one_member("objection"); }

/* A case about one person stops as a whole, as before households: every
 * step but reads refused until case.unrestrict; so does a household whose
 * only subject restricts. */
static void test_single_subject_whole_case(void)
{
    open_region();
    rg_buf_reset(&B);
    rg_t_report_req(&B, pol, "r1", "Jan Pietersen");
    OK();
    char a[32];
    snprintf(a, sizeof a, "%s", rg_t_str(&R, "case"));
    rg_w_kstr(req(pr, "case.assign", a, 1), "procesregisseur", "pr");
    OK();
    rg_buf *b = req(mgr, "subject.request", NULL, 2);
    rg_w_kstr(b, "kind", "restriction");
    rg_w_cstr(b, "person");
    rg_w_map(b, 2);
    rg_w_kstr(b, "name", "Jan Pietersen");
    rg_w_kstr(b, "birth_date", "1990-01-01");
    OK();
    char rq[32];
    snprintf(rq, sizeof rq, "%s", rg_t_str(&R, "request"));
    b = req(mgr, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", true);
    OK();
    req(pr, "intake.start", a, 0);
    FAILS("guard_failed", "restricted");
    CHECK(!restricted_in_get(pr, a, "P1"));        /* the case is, not a person of it */
    unrestrict(a, "P1");
    FAILS("guard_failed", "not restricted");
    unrestrict(a, NULL);
    OK();
    req(pr, "intake.start", a, 0);
    OK();

    /* A household whose only subject objects: the whole case. */
    char h[32];
    person ps[] = {{"subject", MOTHER, "1981-05-06", BSN_MOTHER}, {"child", CHILD, "2015-07-08", BSN_CHILD}};
    household(ps, 2, h);
    REQUIRE(h[0]);
    granted("objection", BSN_MOTHER);
    rg_w_kstr(req(pr, "partner.join", h, 1), "org", "jeugdbescherming");
    FAILS("guard_failed", "restricted");
    unrestrict(h, NULL);
    OK();
    rg_w_kstr(req(pr, "partner.join", h, 1), "org", "jeugdbescherming");
    OK();
    rg_t_local_close(&L, true);
}

/* A plan action about persons. */
static void w_action(rg_buf *b, const char *id, const char *owner, const char *description, const char *persons,
                     const char *due)
{
    rg_w_map(b, 5);
    rg_w_kstr(b, "id", id);
    rg_w_kstr(b, "owner_org", owner);
    rg_w_kstr(b, "description", description);
    rg_w_kstr(b, "due", due);
    rg_t_w_list(b, "persons", persons);
}

/* The child's access export (a request made by the mother) holds nothing of
 * the father: not his name or BSN, nor the answer, the action or the result
 * about him; the household's free text (the summary, the conclusions, the
 * goals) is listed as withheld; what is about the child is there whole.
 * The father's export the other way round; a repeat gives the same bytes. */
static void test_member_export(void)
{
    open_region();
    char a[32];
    person ps[] = {
        {"subject", MOTHER, "1981-05-06", BSN_MOTHER},
        {"parent", FATHER, "1978-03-04", BSN_FATHER},
        {"child", CHILD, "2015-07-08", BSN_CHILD},
    };
    household(ps, 3, a);
    REQUIRE(a[0]);
    rg_w_kstr(req(pr, "partner.join", a, 1), "org", "jeugdbescherming");
    OK();
    ask(a, "police", "P2", "QUESTION-FATHER: his record?");
    OK();
    ask(a, "jeugdbescherming", "P3", "QUESTION-CHILD: school?");
    OK();
    const char *answers[][3] = {{pol, "R1", "ANSWER-FATHER: arrested twice"},
                                {jb, "R2", "ANSWER-CHILD: attends school"}};
    for (int i = 0; i < 2; i++) {
        rg_buf *b = req(answers[i][0], "info.provide", a, 2);
        rg_w_kstr(b, "request", answers[i][1]);
        rg_w_kstr(b, "answer", answers[i][2]);
        OK();
    }
    char at[48];
    snprintf(at, sizeof at, "%s", rg_t_iso(clock_now() + 7 * 86400000ULL));
    rg_buf *b = req(pr, "meeting.schedule", a, 2);
    rg_w_kstr(b, "at", at);
    rg_t_w_list(b, "orgs", "police,jeugdbescherming");
    OK();
    b = req(pr, "meeting.hold", a, 2);
    rg_t_w_list(b, "attendees", "police,jeugdbescherming");
    rg_w_kstr(b, "conclusions", "CONCLUSIONS-HOUSEHOLD: " FATHER " drinks");
    OK();
    char due[48];
    snprintf(due, sizeof due, "%s", rg_t_iso(clock_now() + 30 * 86400000ULL));
    b = req(pr, "plan.propose", a, 2);
    rg_w_kstr(b, "goals", "GOALS-HOUSEHOLD: safety at home");
    rg_w_cstr(b, "actions");
    rg_w_array(b, 2);
    w_action(b, "a1", "police", "ACTION-FATHER: a restraining order", "P2", due);
    w_action(b, "a2", "jeugdbescherming", "ACTION-CHILD: a mentor at school", "P3", due);
    OK();
    req(pol, "plan.agree", a, 0);
    OK();
    req(jb, "plan.agree", a, 0);
    OK();
    const char *results[][3] = {{pol, "a1", "RESULT-FATHER: order served"}, {jb, "a2", "RESULT-CHILD: mentor found"}};
    for (int i = 0; i < 2; i++) {
        b = req(results[i][0], "action.complete", a, 2);
        rg_w_kstr(b, "action", results[i][1]);
        rg_w_kstr(b, "result", results[i][2]);
        OK();
    }

    /* The child's access, asked for by the mother. */
    b = req(mgr, "subject.request", NULL, 3);
    rg_w_kstr(b, "kind", "access");
    rg_w_cstr(b, "person");
    rg_w_map(b, 1);
    rg_w_kstr(b, "bsn", BSN_CHILD);
    rg_w_cstr(b, "by");
    rg_w_map(b, 2);
    rg_w_kstr(b, "name", MOTHER);
    rg_w_kstr(b, "bsn", BSN_MOTHER);
    OK();
    char rq[32];
    snprintf(rq, sizeof rq, "%s", rg_t_str(&R, "request"));
    b = req(mgr, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", true);
    OK();
    rg_buf again = RG_BUF_INIT;
    rg_buf_append(&again, B.data, B.len);
    for (int round = 0; round < 2; round++) {
        const char *never[] = {FATHER, BSN_FATHER, MOTHER, BSN_MOTHER, "QUESTION-FATHER", "ANSWER-FATHER",
                               "ACTION-FATHER", "RESULT-FATHER", "CONCLUSIONS-HOUSEHOLD", "GOALS-HOUSEHOLD",
                               "a family in trouble"};
        for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
            if (rg_t_holds(R.bytes, R.len, never[i])) {
                printf("  round %d: the child's export shows %s\n", round, never[i]);
                rg_t_failed = 1;
            }
        const char *theirs[] = {CHILD, BSN_CHILD, "QUESTION-CHILD", "ANSWER-CHILD", "ACTION-CHILD", "RESULT-CHILD",
                                "household", "case.reported", "meeting.held"};
        for (size_t i = 0; i < sizeof theirs / sizeof theirs[0]; i++)
            if (!rg_t_holds(R.bytes, R.len, theirs[i])) {
                printf("  round %d: the child's export lacks %s\n", round, theirs[i]);
                rg_t_failed = 1;
            }
        const rg_val *x = rg_array_at(rg_t_get(&R, "cases"), 0);
        uint64_t withheld = 0;
        CHECK(rg_val_uint(rg_map_get(x, "withheld"), &withheld) && withheld >= 3);   /* summary, conclusions, goals */
        /* The decision sent again: its stored reply rendered again. */
        rg_buf_reset(&B);
        rg_buf_append(&B, again.data, again.len);
        REQUIRE(send_req()[0] == 0);
    }
    rg_buf_free(&again);

    /* The father's access: his answer, action and result, none of the child's. */
    granted("access", BSN_FATHER);
    const char *never[] = {CHILD, BSN_CHILD, MOTHER, BSN_MOTHER, "QUESTION-CHILD", "ANSWER-CHILD", "ACTION-CHILD",
                           "RESULT-CHILD", "CONCLUSIONS-HOUSEHOLD"};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
        if (rg_t_holds(R.bytes, R.len, never[i])) {
            printf("  the father's export shows %s\n", never[i]);
            rg_t_failed = 1;
        }
    CHECK(rg_t_holds(R.bytes, R.len, "ANSWER-FATHER") && rg_t_holds(R.bytes, R.len, "RESULT-FATHER") &&
          rg_t_holds(R.bytes, R.len, "ACTION-FATHER") && rg_t_holds(R.bytes, R.len, BSN_FATHER));
    rg_t_local_close(&L, true);
}

int main(void)
{
    rg_t_run("restriction_per_person", test_restriction_per_person);
    rg_t_run("objection_per_person", test_objection_per_person);
    rg_t_run("single_subject_whole_case", test_single_subject_whole_case);
    rg_t_run("member_export", test_member_export);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
    return rg_t_exit();
}
