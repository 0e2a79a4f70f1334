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
#include "steps.h"

#define MOTHER "Wilhelmina Oosterbroek"
#define FATHER "Hendrikus Vlasblom"
#define CHILD "Pieternella Oosterbroek"

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
        rg_w_map(b, 3);
        rg_w_kstr(b, "role", who[i][0]);
        rg_w_kstr(b, "name", who[i][1]);
        rg_w_kstr(b, "birth_date", who[i][2]);
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

int main(void)
{
    rg_t_run("requests_and_actions_name_persons", test_requests_and_actions_name_persons);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
    return rg_t_exit();
}
