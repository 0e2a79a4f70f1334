/*
 * household_scope_test.c - what a household case's actions and requests are
 * about (issue 25), in process on a real RocksDB: info.request and the
 * plan's actions name persons of the case (`persons`), an org is never
 * asked, nor given work, about a person person.share keeps from it, and
 * case.get shows whom each request and action is about, across a restart.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/storage/errors.h"
#include "../../engine/storage/log.h"
#include "steps.h"

#define MOTHER "Wilhelmina Oosterbroek"
#define FATHER "Hendrikus Vlasblom"
#define CHILD "Pieternella Oosterbroek"
#define BSN_FATHER "619382703"

static char pol[128], pr[128], mgr[128], jb[128], rec[128], ggz[128];
static char a[32];

/* A household (mother P1, father P2, child P3) in analysis, with youth
 * protection (jeugdbescherming), probation (reclassering) and ggz taking
 * part, the child limited to youth protection. */
static void household(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    actor_in("pol", "partner", "police", "tilburg", NULL, pol);
    actor_in("pr", "procesregisseur", "zvh-tilburg", "tilburg", NULL, pr);
    actor_in("mgr", "manager", "zvh-tilburg", "tilburg", NULL, mgr);
    actor_in("jb", "partner", "jeugdbescherming", "tilburg", NULL, jb);
    actor_in("rec", "partner", "reclassering", "tilburg", NULL, rec);
    actor_in("ggz", "partner", "ggz", "tilburg", NULL, ggz);
    rg_buf *b = req(pol, "case.report", NULL, 5);
    rg_w_kstr(b, "target_group", "multi_probleem_gezin");
    rg_w_kstr(b, "summary", "a family in trouble");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    rg_w_cstr(b, "persons");
    rg_w_array(b, 3);
    const char *who[3][3] = {{"subject", MOTHER, "1981-05-06"}, {"parent", FATHER, "1978-03-04"},
                             {"child", CHILD, "2015-07-08"}};
    for (int i = 0; i < 3; i++) {
        rg_w_map(b, 3 + (i == 1));
        rg_w_kstr(b, "role", who[i][0]);
        rg_w_kstr(b, "name", who[i][1]);
        rg_w_kstr(b, "birth_date", who[i][2]);
        if (i == 1) rg_w_kstr(b, "bsn", BSN_FATHER);
    }
    OK();
    snprintf(a, sizeof a, "%s", rg_t_str(&R, "case"));
    rg_w_kstr(req(pr, "case.assign", a, 1), "procesregisseur", "pr");
    OK();
    req(pr, "intake.start", a, 0);
    OK();
    b = req(pr, "intake.decide", a, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "a family in several domains");
    rg_t_w_criteria(b, "system");
    OK();
    const char *orgs[] = {"jeugdbescherming", "reclassering", "ggz"};
    for (int i = 0; i < 3; i++) {
        rg_w_kstr(req(pr, "partner.join", a, 1), "org", orgs[i]);
        OK();
    }
    b = req(pr, "person.share", a, 2);
    rg_w_kstr(b, "person", "P3");
    rg_t_w_list(b, "orgs", "jeugdbescherming");
    OK();
}

/* info.request to org about persons (a comma-separated list of ids). */
static void ask(const char *org, const char *persons, const char *question)
{
    rg_buf *b = req(pr, "info.request", a, 3);
    rg_w_kstr(b, "org", org);
    rg_w_kstr(b, "question", question);
    rg_t_w_list(b, "persons", persons);
}

/* plan.propose of one action a1 owned by owner about persons. */
static void propose(const char *owner, const char *persons)
{
    rg_buf *b = req(pr, "plan.propose", a, 2);
    rg_w_kstr(b, "goals", "safety for the child");
    rg_w_cstr(b, "actions");
    rg_w_array(b, 1);
    rg_w_map(b, 5);
    rg_w_kstr(b, "id", "a1");
    rg_w_kstr(b, "owner_org", owner);
    rg_w_kstr(b, "description", "a safety plan with the family");
    rg_w_kstr(b, "due", "2026-02-01");
    rg_t_w_list(b, "persons", persons);
}

/* The `persons` of the item `id` in case.get's list (`requests`, or the
 * plan's `actions`), as "P1,P3"; "missing" when the item is not listed. */
static const char *about(const char *token, const char *list, const char *id)
{
    static char out[128];
    snprintf(out, sizeof out, "missing");
    if (query(token, "case.get", a)[0]) return "error";
    const rg_val *cs = rg_t_get(&R, "case");
    const rg_val *items = strcmp(list, "requests") == 0 ? rg_map_get(cs, "requests")
                                                        : rg_map_get(rg_map_get(cs, "plan"), "actions");
    for (uint32_t i = 0; i < rg_array_size(items); i++) {
        const rg_val *it = rg_array_at(items, i);
        if (!rg_val_is_str(rg_map_get(it, "id"), id)) continue;
        const rg_val *ps = rg_map_get(it, "persons");
        out[0] = '\0';
        for (uint32_t j = 0; j < rg_array_size(ps); j++) {
            char p[16] = "";
            rg_val_strcpy(rg_array_at(ps, j), p, sizeof p);
            size_t o = strlen(out);
            snprintf(out + o, sizeof out - o, "%s%s", o ? "," : "", p);
        }
    }
    return out;
}

#define ABOUT(tok, list, id, want) do { const char *got_ = about(tok, list, id); \
    if (strcmp(got_, want) != 0) { printf("  %s:%d: %s %s about [%s], want [%s]\n", __FILE__, __LINE__, \
        list, id, got_, want); rg_t_failed = 1; } } while (0)

/* Requests and actions name whom they are about; never a person who is
 * none, removed or erased, nor one the org asked may not see. */
static void test_requests_and_actions_name_persons(void)
{
    household();
    REQUIRE(!rg_t_failed);
    /* Probation asked about the child youth protection alone sees: refused,
     * naming the child; nothing written. */
    uint64_t v = 0;
    REQUIRE(query(pr, "case.get", a)[0] == 0);
    rg_val_uint(rg_map_get(rg_t_get(&R, "case"), "version"), &v);
    ask("reclassering", "P3", "is the child safe at home?");
    FAILS("forbidden", "reclassering may not see person P3");
    ask("reclassering", "P2,P3", "is the child safe at home?");
    FAILS("forbidden", "person P3");
    ask("reclassering", "P9", "who is this?");
    FAILS("not_found", "no person P9");
    ask("reclassering", "P2,P2", "twice?");
    FAILS("bad_request", "P2 is named twice");
    uint64_t v2 = 0;
    REQUIRE(query(pr, "case.get", a)[0] == 0);
    rg_val_uint(rg_map_get(rg_t_get(&R, "case"), "version"), &v2);
    CHECK(v2 == v);
    CHECK(rg_array_size(rg_map_get(rg_t_get(&R, "case"), "requests")) == 0);

    /* Youth protection about the child, probation about the father; a
     * request about no one in particular names none. */
    ask("jeugdbescherming", "P3", "is the child safe at home?");
    OK();
    ask("reclassering", "P1,P2", "what are the conditions of the father's probation?");
    OK();
    rg_buf *b = req(pr, "info.request", a, 2);
    rg_w_kstr(b, "org", "ggz");
    rg_w_kstr(b, "question", "is anyone in care?");
    OK();
    ABOUT(pr, "requests", "R1", "P3");
    ABOUT(pr, "requests", "R2", "P1,P2");
    ABOUT(pr, "requests", "R3", "");
    /* The event says so too. */
    REQUIRE(query(pr, "case.history", a)[0] == 0);
    const rg_val *evs = rg_t_get(&R, "events");
    bool seen = false;
    for (uint32_t i = 0; i < rg_array_size(evs); i++) {
        const rg_val *d = rg_map_get(rg_array_at(evs, i), "data");
        if (!rg_val_is_str(rg_map_get(rg_array_at(evs, i), "type"), "info.requested") ||
            !rg_val_is_str(rg_map_get(d, "request"), "R1"))
            continue;
        seen = rg_array_size(rg_map_get(d, "persons")) == 1 &&
               rg_val_is_str(rg_array_at(rg_map_get(d, "persons"), 0), "P3");
    }
    CHECK(seen);

    /* A removed person is no longer asked about. */
    b = req(pr, "person.add", a, 2);
    rg_w_kstr(b, "role", "network");
    rg_w_kstr(b, "name", "Gerrit Oosterbroek");
    OK();
    b = req(pr, "person.remove", a, 2);
    rg_w_kstr(b, "person", "P4");
    rg_w_kstr(b, "reason", "moved abroad");
    OK();
    ask("ggz", "P4", "does the uncle help?");
    FAILS("guard_failed", "person P4 of case");

    /* The plan: an action about the child owned by probation is refused;
     * owned by youth protection it stands. */
    b = req(pr, "meeting.schedule", a, 2);
    rg_w_kstr(b, "at", "2025-12-10T10:00:00+01:00");
    rg_t_w_list(b, "orgs", "jeugdbescherming,reclassering");
    OK();
    b = req(pr, "meeting.hold", a, 2);
    rg_t_w_list(b, "attendees", "jeugdbescherming,reclassering");
    rg_w_kstr(b, "conclusions", "a plan for the family");
    OK();
    propose("reclassering", "P3");
    FAILS("forbidden", "data.actions[0].persons[0]: reclassering may not see person P3");
    propose("jeugdbescherming", "P3");
    OK();
    ABOUT(pr, "actions", "a1", "P3");
    ABOUT(jb, "actions", "a1", "P3");

    /* Read back from the projection after a restart. */
    char *dir = strdup(L.dir);
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    ABOUT(pr, "requests", "R1", "P3");
    ABOUT(pr, "requests", "R2", "P1,P2");
    ABOUT(pr, "actions", "a1", "P3");
    rg_t_local_close(&L, true);
    free(dir);
}

/* Does the reply hold the msgpack string s (its header and bytes: "R1"
 * as a string, not two letters inside a token)? */
static bool holds_str(const char *s)
{
    char m[64];
    size_t n = strlen(s);
    if (n > 31) return rg_t_holds(R.bytes, R.len, s);
    m[0] = (char)(0xa0 | n);
    memcpy(m + 1, s, n + 1);
    return rg_t_holds(R.bytes, R.len, m);
}

#define QUESTION "is the child safe at home?"
#define ANSWER "the child sleeps badly, says the school"
#define VISIT "a weekly visit to the child at school"
#define RESULT "the child is safer at home"

/* What a reader sees of the work about the child in case.get, case.history
 * and feed.read, as letters: R the request R1, A the action a1 (their ids),
 * q its question, n its answer, v the action's description, s its result.
 * want: what the history and the feed must show; case.get names only the
 * ids (R, A) of it. */
static void sees_child_work(const char *token, const char *name, const char *want, int line)
{
    const char *views[] = {"case.get", "case.history", "feed.read"};
    for (int v = 0; v < 3; v++) {
        if (v == 2) {
            rg_w_kuint(req(token, "feed.read", NULL, 2), "after", 0);
            rg_w_kuint(&B, "limit", 1000);
            if (send_req()[0]) {
                printf("  line %d: %s feed.read: %s\n", line, name, rg_t_err(&R));
                rg_t_failed = 1;
                continue;
            }
        } else if (query(token, views[v], a)[0]) {
            printf("  line %d: %s %s: %s\n", line, name, views[v], rg_t_err(&R));
            rg_t_failed = 1;
            continue;
        }
        /* case.get names the items (ids) only; the history and the feed the texts too. */
        char got[16] = "";
        size_t n = 0;
        if (holds_str("R1")) got[n++] = 'R';
        if (holds_str("a1")) got[n++] = 'A';
        if (rg_t_holds(R.bytes, R.len, QUESTION)) got[n++] = 'q';
        if (rg_t_holds(R.bytes, R.len, ANSWER)) got[n++] = 'n';
        if (rg_t_holds(R.bytes, R.len, VISIT)) got[n++] = 'v';
        if (rg_t_holds(R.bytes, R.len, RESULT)) got[n++] = 's';
        char w[16] = "";
        size_t m = 0;
        for (const char *p = want; *p; p++)
            if (v > 0 || *p == 'R' || *p == 'A') w[m++] = *p;
        if (strcmp(got, w) != 0) {
            printf("  line %d: %s %s shows [%s], want [%s]\n", line, name, views[v], got, w);
            rg_t_failed = 1;
        }
    }
}

#define SEES(tok, name, want) sees_child_work(tok, name, want, __LINE__)

/* Need-to-know per person reaches the work about them: the request about
 * the child, its answer, the action about the child and its result are
 * seen by youth protection (named) and the ZVH, by no other org, in any
 * view; a later person.share moves them with the person. */
static void test_work_about_a_person_follows_their_share(void)
{
    household();
    REQUIRE(!rg_t_failed);
    ask("jeugdbescherming", "P3", QUESTION);
    OK();
    ask("reclassering", "P2", "what are the conditions of the father's probation?");
    OK();
    rg_buf *b = req(jb, "info.provide", a, 2);
    rg_w_kstr(b, "request", "R1");
    rg_w_kstr(b, "answer", ANSWER);
    OK();
    b = req(pr, "meeting.schedule", a, 2);
    rg_w_kstr(b, "at", "2025-12-10T10:00:00+01:00");
    rg_t_w_list(b, "orgs", "jeugdbescherming,reclassering");
    OK();
    b = req(pr, "meeting.hold", a, 2);
    rg_t_w_list(b, "attendees", "jeugdbescherming,reclassering");
    rg_w_kstr(b, "conclusions", "a plan for the family");
    OK();
    b = req(pr, "plan.propose", a, 2);
    rg_w_kstr(b, "goals", "safety for the child, work for the father");
    rg_w_cstr(b, "actions");
    rg_w_array(b, 2);
    rg_w_map(b, 5);
    rg_w_kstr(b, "id", "a1");
    rg_w_kstr(b, "owner_org", "jeugdbescherming");
    rg_w_kstr(b, "description", VISIT);
    rg_w_kstr(b, "due", "2026-02-01");
    rg_t_w_list(b, "persons", "P3");
    rg_w_map(b, 5);
    rg_w_kstr(b, "id", "a2");
    rg_w_kstr(b, "owner_org", "reclassering");
    rg_w_kstr(b, "description", "a probation contact every week");
    rg_w_kstr(b, "due", "2026-02-01");
    rg_t_w_list(b, "persons", "P2");
    OK();
    req(jb, "plan.agree", a, 0);
    OK();
    req(rec, "plan.agree", a, 0);
    OK();

    /* While a1 is open it stays with youth protection: a limit that would
     * take the child from it is refused, naming the action. */
    b = req(pr, "person.share", a, 2);
    rg_w_kstr(b, "person", "P3");
    rg_t_w_list(b, "orgs", "ggz");
    FAILS("guard_failed", "action a1 of jeugdbescherming is about person P3");
    b = req(jb, "action.complete", a, 2);
    rg_w_kstr(b, "action", "a1");
    rg_w_kstr(b, "result", RESULT);
    OK();

    SEES(pr, "procesregisseur", "RAqnvs");
    SEES(mgr, "manager", "RAqnvs");
    SEES(jb, "jeugdbescherming", "RAqnvs");
    SEES(rec, "reclassering", "");
    SEES(ggz, "ggz", "");
    SEES(pol, "police", "");
    /* The father's work is everyone's on the case. */
    REQUIRE(query(ggz, "case.history", a)[0] == 0);
    CHECK(holds_str("R2") && holds_str("a2") && rg_t_holds(R.bytes, R.len, "a probation contact every week"));

    /* The child moves to ggz: the done work about them goes with them. */
    b = req(pr, "person.share", a, 2);
    rg_w_kstr(b, "person", "P3");
    rg_t_w_list(b, "orgs", "ggz");
    OK();
    SEES(ggz, "ggz after the move", "RAqnvs");
    SEES(jb, "jeugdbescherming after the move", "");
    SEES(rec, "reclassering after the move", "");
    SEES(pr, "procesregisseur after the move", "RAqnvs");

    /* The same after a restart (the limit and the masks read back). */
    char *dir = strdup(L.dir);
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    SEES(ggz, "ggz after a restart", "RAqnvs");
    SEES(jb, "jeugdbescherming after a restart", "");
    rg_t_local_close(&L, true);
    free(dir);
}

/* A classified answer about the child is released to no org that may not
 * see the child. */
static void test_no_release_beyond_the_person(void)
{
    household();
    REQUIRE(!rg_t_failed);
    ask("jeugdbescherming", "P3", QUESTION);
    OK();
    rg_buf *b = req(jb, "info.provide", a, 3);
    rg_w_kstr(b, "request", "R1");
    rg_w_kstr(b, "answer", ANSWER);
    rg_w_kstr(b, "class", "special");
    OK();
    uint64_t at = 0;
    const rg_val *evs = rg_t_get(&R, "events");
    rg_val_uint(rg_map_get(rg_array_at(evs, 0), "seq"), &at);
    REQUIRE(at);
    b = req(jb, "item.release", a, 2);
    rg_w_kuint(b, "seq", at);
    rg_t_w_list(b, "orgs", "reclassering");
    FAILS("forbidden", "reclassering may not see person P3");
    b = req(pr, "person.share", a, 2);
    rg_w_kstr(b, "person", "P3");
    rg_t_w_list(b, "orgs", "jeugdbescherming,reclassering");
    OK();
    b = req(jb, "item.release", a, 2);
    rg_w_kuint(b, "seq", at);
    rg_t_w_list(b, "orgs", "reclassering");
    OK();
    REQUIRE(query(rec, "case.history", a)[0] == 0);
    CHECK(rg_t_holds(R.bytes, R.len, ANSWER));
    rg_t_local_close(&L, true);
}

#define WISH_MOTHER_OLD "I want the police to stop coming to our house"
#define WISH_MOTHER "I want help with the debts before anything else"
#define WISH_FATHER "I want to see my daughter every weekend"
#define WISH_CHILD "I want to stay at my school and keep my football club"

static void perspective(const char *person, const char *wishes)
{
    rg_buf *b = req(pr, "client.perspective", a, 2);
    rg_w_kstr(b, "person", person);
    rg_w_kstr(b, "wishes", wishes);
}

/* case.get's perspectives as "P1=<wishes>;P3=<wishes>" (withheld: "-"). */
static const char *perspectives_of(const char *token)
{
    static char out[1024];
    out[0] = '\0';
    if (query(token, "case.get", a)[0]) return "error";
    const rg_val *ps = rg_map_get(rg_t_get(&R, "case"), "perspectives");
    for (uint32_t i = 0; i < rg_array_size(ps); i++) {
        const rg_val *p = rg_array_at(ps, i);
        char id[16] = "", w[256] = "-";
        rg_val_strcpy(rg_map_get(p, "person"), id, sizeof id);
        rg_val_strcpy(rg_map_get(p, "wishes"), w, sizeof w);
        size_t o = strlen(out);
        snprintf(out + o, sizeof out - o, "%s%s=%s", o ? ";" : "", id, w);
    }
    return out;
}

#define PERSPECTIVES(tok, want) do { const char *got_ = perspectives_of(tok); \
    if (strcmp(got_, want) != 0) { printf("  %s:%d: perspectives %s, want %s\n", __FILE__, __LINE__, got_, want); \
        rg_t_failed = 1; } } while (0)

/* Does any view of the reader (case.get, case.history, feed.read) hold s? */
static bool any_view_holds(const char *token, const char *s)
{
    bool held = false;
    for (int v = 0; v < 3; v++) {
        if (v == 2) {
            rg_w_kuint(req(token, "feed.read", NULL, 2), "after", 0);
            rg_w_kuint(&B, "limit", 1000);
            send_req();
        } else {
            query(token, v ? "case.history" : "case.get", a);
        }
        held |= rg_t_holds(R.bytes, R.len, s);
    }
    return held;
}

/* The client's voice: client.perspective records a person's wishes in
 * their own words (the latest beside the plan in case.get, every one in
 * the history), persons attend the meeting, the plan's goals name the
 * perspectives they answer; a person limited to youth protection has their
 * words seen by it and the ZVH alone, and an erased person's words are
 * gone -- from every reply, and from every file once compacted. */
static void test_client_perspective(void)
{
    household();
    REQUIRE(!rg_t_failed);
    char *dir = strdup(L.dir);
    /* Refused: a partner, a person who is none, no words. */
    rg_buf *b = req(jb, "client.perspective", a, 2);
    rg_w_kstr(b, "person", "P3");
    rg_w_kstr(b, "wishes", WISH_CHILD);
    FAILS("forbidden", "");
    perspective("P9", WISH_CHILD);
    FAILS("not_found", "no person P9");
    perspective("P3", "");
    FAILS("bad_request", "data.wishes");

    perspective("P1", WISH_MOTHER_OLD);
    OK();
    CHECK(rg_t_holds(R.bytes, R.len, WISH_MOTHER_OLD));       /* the reply shows what was recorded */
    perspective("P1", WISH_MOTHER);
    OK();
    perspective("P2", WISH_FATHER);
    OK();
    perspective("P3", WISH_CHILD);
    OK();
    /* The latest of each beside the plan; every one in the history. */
    PERSPECTIVES(pr, "P1=" WISH_MOTHER ";P2=" WISH_FATHER ";P3=" WISH_CHILD);
    PERSPECTIVES(mgr, "P1=" WISH_MOTHER ";P2=" WISH_FATHER ";P3=" WISH_CHILD);
    PERSPECTIVES(jb, "P1=" WISH_MOTHER ";P2=" WISH_FATHER ";P3=" WISH_CHILD);
    PERSPECTIVES(rec, "P1=" WISH_MOTHER ";P2=" WISH_FATHER);
    PERSPECTIVES(ggz, "P1=" WISH_MOTHER ";P2=" WISH_FATHER);
    REQUIRE(query(pr, "case.history", a)[0] == 0);
    CHECK(rg_t_holds(R.bytes, R.len, WISH_MOTHER_OLD) && rg_t_holds(R.bytes, R.len, WISH_MOTHER));
    /* The child's words reach no org that may not see her, in any view. */
    CHECK(any_view_holds(jb, WISH_CHILD));
    CHECK(!any_view_holds(rec, WISH_CHILD));
    CHECK(!any_view_holds(ggz, WISH_CHILD));
    CHECK(!any_view_holds(pol, WISH_CHILD));
    CHECK(any_view_holds(rec, WISH_FATHER));
    /* Never in plain text on disk. */
    rg_t_local_settle(&L);
    CHECK(!rg_t_found_in(dir, WISH_CHILD) && !rg_t_found_in(dir, WISH_FATHER));

    /* The meeting with the mother and the child at the table; the plan's
     * goals answer the child's and the mother's perspectives. */
    b = req(pr, "meeting.schedule", a, 2);
    rg_w_kstr(b, "at", "2025-12-10T10:00:00+01:00");
    rg_t_w_list(b, "orgs", "jeugdbescherming");
    OK();
    b = req(pr, "meeting.hold", a, 2);
    rg_t_w_list(b, "attendees", "jeugdbescherming,P9");
    rg_w_kstr(b, "conclusions", "a plan for the family");
    FAILS("not_found", "data.attendees[1]: case");
    b = req(pr, "meeting.hold", a, 2);
    rg_t_w_list(b, "attendees", "jeugdbescherming,P1,P3");
    rg_w_kstr(b, "conclusions", "a plan for the family");
    OK();
    b = req(pr, "plan.propose", a, 3);
    rg_w_kstr(b, "goals", "the child stays at her school; the debts first");
    rg_t_w_list(b, "perspectives", "P3,P4");
    rg_w_cstr(b, "actions");
    rg_w_array(b, 1);
    rg_t_w_action(b, "a1", "jeugdbescherming", "a talk with the school", "2026-02-01");
    FAILS("not_found", "data.perspectives[1]: case");
    b = req(pr, "person.add", a, 2);
    rg_w_kstr(b, "role", "network");
    rg_w_kstr(b, "name", "Gerrit Oosterbroek");
    OK();
    b = req(pr, "plan.propose", a, 3);
    rg_w_kstr(b, "goals", "the child stays at her school; the debts first");
    rg_t_w_list(b, "perspectives", "P3,P4");
    rg_w_cstr(b, "actions");
    rg_w_array(b, 1);
    rg_t_w_action(b, "a1", "jeugdbescherming", "a talk with the school", "2026-02-01");
    FAILS("guard_failed", "no perspective of person P4 is recorded");
    b = req(pr, "plan.propose", a, 3);
    rg_w_kstr(b, "goals", "the child stays at her school; the debts first");
    rg_t_w_list(b, "perspectives", "P3,P1");
    rg_w_cstr(b, "actions");
    rg_w_array(b, 1);
    rg_t_w_action(b, "a1", "jeugdbescherming", "a talk with the school", "2026-02-01");
    OK();
    const rg_val *refs = rg_map_get(rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "data"), "perspectives");
    CHECK(rg_array_size(refs) == 2 && rg_val_is_str(rg_map_get(rg_array_at(refs, 0), "person"), "P3"));
    /* Probation reads that the goals answer the mother, not the child. */
    REQUIRE(query(rec, "case.history", a)[0] == 0);
    const rg_val *evs = rg_t_get(&R, "events");
    refs = NULL;
    for (uint32_t i = 0; i < rg_array_size(evs); i++)
        if (rg_val_is_str(rg_map_get(rg_array_at(evs, i), "type"), "plan.proposed"))
            refs = rg_map_get(rg_map_get(rg_array_at(evs, i), "data"), "perspectives");
    CHECK(rg_array_size(refs) == 1 && rg_val_is_str(rg_map_get(rg_array_at(refs, 0), "person"), "P1"));

    /* The father erased on his own granted request: his words are gone. */
    b = req(mgr, "subject.request", NULL, 2);
    rg_w_kstr(b, "kind", "erasure");
    rg_w_cstr(b, "person");
    rg_w_map(b, 1);
    rg_w_kstr(b, "bsn", BSN_FATHER);
    OK();
    char rq[64];
    snprintf(rq, sizeof rq, "%s", rg_t_str(&R, "request"));
    b = req(mgr, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", true);
    OK();
    b = req(mgr, "person.erase", a, 3);
    rg_w_kstr(b, "person", "P2");
    rg_w_kstr(b, "ground", "GDPR art. 17");
    rg_w_kstr(b, "request", rq);
    OK();
    PERSPECTIVES(pr, "P1=" WISH_MOTHER ";P2=-;P3=" WISH_CHILD);
    CHECK(!any_view_holds(pr, WISH_FATHER) && !any_view_holds(mgr, WISH_FATHER));
    CHECK(any_view_holds(pr, WISH_CHILD) && any_view_holds(pr, WISH_MOTHER));
    perspective("P2", WISH_FATHER);
    FAILS("guard_failed", "person P2 of case");
    /* After a restart the same; the chain verifies; compacted, no file
     * holds his words, the others' remain readable. */
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    PERSPECTIVES(pr, "P1=" WISH_MOTHER ";P2=-;P3=" WISH_CHILD);
    PERSPECTIVES(rec, "P1=" WISH_MOTHER ";P2=-");
    REQUIRE(query(L.admin, "log.verify", NULL)[0] == 0);
    bool intact = false;
    CHECK(rg_val_bool(rg_t_get(&R, "intact"), &intact) && intact);
    for (int cf = 0; cf < RG_CF_COUNT; cf++) CHECK(rg_log_shred(rg_engine_log(L.e), cf, "", 0, NULL, 0) == 0);
    /* His key, the one thing that opened his words, is gone; the child's is there. */
    char kid[128];
    rg_buf v = RG_BUF_INIT;
    snprintf(kid, sizeof kid, "%s/P2", a);
    CHECK(rg_log_get(rg_engine_log(L.e), RG_CF_KEYS, kid, strlen(kid), &v) == RG_ENOTFOUND);
    snprintf(kid, sizeof kid, "%s/P3", a);
    CHECK(rg_log_get(rg_engine_log(L.e), RG_CF_KEYS, kid, strlen(kid), &v) == 0);
    rg_buf_free(&v);
    rg_t_local_close(&L, false);
    CHECK(!rg_t_found_in(dir, WISH_FATHER) && !rg_t_found_in(dir, WISH_CHILD));
    rg_t_rmrf(dir);
    free(dir);
}

int main(void)
{
    rg_t_run("requests_and_actions_name_persons", test_requests_and_actions_name_persons);
    rg_t_run("work_about_a_person_follows_their_share", test_work_about_a_person_follows_their_share);
    rg_t_run("no_release_beyond_the_person", test_no_release_beyond_the_person);
    rg_t_run("client_perspective", test_client_perspective);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
    return rg_t_exit();
}
