/*
 * ladder_test.c - the heart (issue 11), each finding from outside as a test
 * that failed on the engine before it was fixed, in process on a manual
 * clock moved to Monday 2 March 2026, 09:00 in Amsterdam:
 *
 *   - one escalation ladder per case: three stagnations maturing at once
 *     open one escalation, and the level climbs only when the open level's
 *     decision deadline passes undecided; a resolved escalation lets a later
 *     stagnation start again at level 1;
 *   - a met norm clears its stagnation even when the same event sets the
 *     norm again (progress, then action.complete);
 *   - a plan revision on a case with eleven open stagnations is answered
 *     (it aborted the engine: at most eight events per command);
 *   - every read path reports storage_error on a failing iterator (log.verify
 *     reported a broken chain);
 *   - the review norm is six calendar weeks across a DST change; the
 *     aftercare check is refused before its date; dates that plan the future
 *     are refused when past.
 * (The meeting cases of issue 21 are meeting_test.c's, beside
 * handlers/meeting.c; finding 6, the intake decision, is report_test.c's.)
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/storage/log.h"
#include "../../engine/domain/schema.h"
#include "steps.h"

#define HOUR 3600000ULL
#define DAY (24 * HOUR)

static char pol[128], ggz[128], gem[128], vt[128], prA[128], mgr[128], burg[128], pmggz[128], pmgem[128];

/* Move the manual clock to t (which must be ahead). */
static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    rg_t_local_actor(&L, "pol1", "partner", "police", pol);
    rg_t_local_actor(&L, "ggz1", "partner", "ggz", ggz);
    rg_t_local_actor(&L, "gem1", "partner", "gemeente", gem);
    rg_t_local_actor(&L, "vt1", "partner", "veilig-thuis", vt);
    rg_t_local_actor(&L, "prA", "procesregisseur", "zvh", prA);
    rg_t_local_actor(&L, "mgr1", "manager", "zvh", mgr);
    rg_t_local_actor(&L, "burg1", "bestuur", "gemeente", burg);
    rg_t_local_actor(&L, "pm-ggz", "partner_manager", "ggz", pmggz);
    rg_t_local_actor(&L, "pm-gem", "partner_manager", "gemeente", pmgem);
    clock_to(iso("2026-03-02T09:00:00+01:00"));
}

/* A case.report by the police, with a req of its own, into B. */
static void report(const char *name)
{
    static int n;
    char rq[32];
    snprintf(rq, sizeof rq, "report-%d", ++n);
    rg_buf_reset(&B);
    rg_t_report_req(&B, pol, rq, name);
}

static void teardown(void)
{
    rg_t_local_close(&L, true);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

/* A case reported, taken by prA, admitted: state analysis.  Its id into id. */
static void admitted_case(char *id)
{
    id[0] = '\0';
    report("A. Person");
    if (send_req()[0]) return;
    snprintf(id, 32, "%s", rg_t_str(&R, "case"));
    rg_w_kstr(req(prA, "case.assign", id, 1), "procesregisseur", "prA");
    OK();
    req(prA, "intake.start", id, 0);
    OK();
    rg_buf *b = req(prA, "intake.decide", id, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "problems on several life domains");
    rg_w_cstr(b, "criteria");
    rg_w_array(b, 2);
    rg_w_cstr(b, "multi_domain");
    rg_w_cstr(b, "multi_chain");
    OK();
}

static void info_request(const char *id, const char *org, const char *due)
{
    rg_buf *b = req(prA, "info.request", id, 3);
    rg_w_kstr(b, "org", org);
    rg_w_kstr(b, "question", "what do you know?");
    rg_w_kstr(b, "due", due);
    OK();
}

/* From analysis to execution with the given actions, all owned by ggz. */
static void to_execution(const char *id, int nactions, const char *due)
{
    rg_buf *b = req(prA, "meeting.schedule", id, 2);
    rg_w_kstr(b, "at", "2026-12-31T10:00:00+01:00");
    rg_t_w_list(b, "orgs", "ggz");
    OK();
    b = req(prA, "meeting.hold", id, 2);
    rg_t_w_list(b, "attendees", "ggz");
    rg_w_kstr(b, "conclusions", "a plan is needed");
    OK();
    b = req(prA, "plan.propose", id, 2);
    rg_w_kstr(b, "goals", "stability");
    rg_w_cstr(b, "actions");
    rg_w_array(b, (uint32_t)nactions);
    for (int i = 0; i < nactions; i++) {
        char aid[16];
        snprintf(aid, sizeof aid, "a%d", i + 1);
        rg_t_w_action(b, aid, "ggz", "do something", due);
    }
    OK();
    req(ggz, "plan.agree", id, 0);
    OK();
}

/* How many events of `type` the case has, and the `at` and level of the
 * last (level only for case.escalated). */
static int count_events(const char *id, const char *type, uint64_t *at, uint64_t *level)
{
    if (query(prA, "case.history", id)[0]) return -1;
    const rg_val *evs = rg_t_get(&R, "events");
    int n = 0;
    for (uint32_t i = 0; i < rg_array_size(evs); i++) {
        const rg_val *ev = rg_array_at(evs, i);
        if (!rg_val_is_str(rg_map_get(ev, "type"), type)) continue;
        n++;
        if (at) rg_val_uint(rg_map_get(ev, "at"), at);
        if (level) rg_val_uint(rg_map_get(rg_map_get(ev, "data"), "level"), level);
    }
    return n;
}

static uint64_t open_level(const char *id)
{
    uint64_t level = 0;
    if (query(prA, "case.get", id)[0]) return 99;
    rg_val_uint(rg_map_get(rg_map_get(rg_t_get(&R, "case"), "escalation"), "level"), &level);
    return level;
}

static uint32_t open_stagnations(const char *id, const char *norm)
{
    if (query(prA, "case.get", id)[0]) return 99;
    const rg_val *st = rg_map_get(rg_t_get(&R, "case"), "stagnations");
    uint32_t n = 0;
    for (uint32_t i = 0; i < rg_array_size(st); i++)
        n += !norm || rg_val_is_str(rg_map_get(rg_array_at(st, i), "norm"), norm);
    return n;
}

/* The due time of the case's open deadline of a norm (0: none). */
static uint64_t deadline_due(const char *id, const char *norm)
{
    uint64_t due = 0;
    if (query(prA, "case.get", id)[0]) return 0;
    const rg_val *dl = rg_map_get(rg_t_get(&R, "case"), "deadlines");
    for (uint32_t i = 0; i < rg_array_size(dl); i++)
        if (rg_val_is_str(rg_map_get(rg_array_at(dl, i), "norm"), norm))
            rg_val_uint(rg_map_get(rg_array_at(dl, i), "due"), &due);
    return due;
}

/* Finding 1: the ladder climbed once per stagnation (levels 1, 2 and 3 at
 * the same instant).  Three requests due Friday 6 March fire at its end;
 * five working days later, Friday 13 March 00:00, one escalation opens at
 * level 1; level 1 has five working days to decide, then level 2, then 3. */
static void test_one_ladder_per_case(void)
{
    setup();
    char id[32];
    admitted_case(id);
    REQUIRE(id[0]);
    info_request(id, "ggz", "2026-03-06");
    info_request(id, "gemeente", "2026-03-06");
    info_request(id, "veilig-thuis", "2026-03-06");
    uint64_t at = 0, level = 0;
    clock_to(iso("2026-03-12T12:00:00+01:00"));
    CHECK(open_stagnations(id, "info.answer") == 3);
    CHECK(count_events(id, "case.escalated", NULL, NULL) == 0);

    clock_to(iso("2026-03-13T12:00:00+01:00"));
    CHECK(count_events(id, "case.escalated", &at, &level) == 1);
    CHECK(at == iso("2026-03-13T00:00:00+01:00") && level == 1);
    CHECK(open_level(id) == 1);

    /* The meeting norm (10 working days from admission: Monday 16 March
     * 09:00) lapses while level 1 handles the case: reported, no climb. */
    clock_to(iso("2026-03-19T12:00:00+01:00"));
    CHECK(open_stagnations(id, "meeting.held") == 1);
    CHECK(count_events(id, "case.escalated", NULL, NULL) == 1);
    CHECK(open_level(id) == 1);

    /* Level 1's decision was due Friday 20 March 00:00. */
    clock_to(iso("2026-03-20T12:00:00+01:00"));
    CHECK(count_events(id, "case.escalated", &at, &level) == 2);
    CHECK(at == iso("2026-03-20T00:00:00+01:00") && level == 2);
    clock_to(iso("2026-03-27T12:00:00+01:00"));
    CHECK(count_events(id, "case.escalated", &at, &level) == 3);
    CHECK(at == iso("2026-03-27T00:00:00+01:00") && level == 3);

    /* At the top nothing climbs: the missed decision is a stagnation. */
    clock_to(iso("2026-04-01T09:00:00+02:00"));
    clock_to(iso("2026-04-10T09:00:00+02:00"));
    CHECK(count_events(id, "case.escalated", NULL, NULL) == 3);
    CHECK(open_stagnations(id, "escalation.decision") == 1);
    CHECK(open_level(id) == 3);

    /* Resolving closes the escalation and clears the decision stagnation;
     * the stagnations still open escalate again five working days later
     * (Friday 17 April 09:00), at the top: the ladder remembers (issue 21). */
    rg_w_kstr(req(mgr, "escalation.resolve", id, 1), "decision", "the partners deliver this week");
    FAILS("forbidden", "bestuur");             /* level 3: the administrative level decides */
    rg_w_kstr(req(burg, "escalation.resolve", id, 1), "decision", "the partners deliver this week");
    OK();
    CHECK(open_level(id) == 0);
    CHECK(open_stagnations(id, "escalation.decision") == 0);
    CHECK(count_events(id, "stagnation.cleared", NULL, NULL) == 1);
    clock_to(iso("2026-04-17T12:00:00+02:00"));
    CHECK(count_events(id, "case.escalated", &at, &level) == 4);
    CHECK(level == 3 && at == iso("2026-04-17T09:00:00+02:00"));
    teardown();
}

/* Issue 21, finding 1: a decision that does not get the case moving is
 * followed by the next level, not by the same level again; once the stuck
 * step is done the ladder starts afresh.  Action a1 due Friday 6 March
 * lapses at its end; level 1 opens Friday 13 March 00:00 and decides at
 * noon; a1 still open, level 2 follows five working days after the
 * decision, then level 3, and at the top it stays at 3. */
static void resolve(const char *id)
{
    rg_w_kstr(req(open_level(id) == 3 ? burg : mgr, "escalation.resolve", id, 1), "decision",
              "the owner delivers next week");
    OK();
}

static void test_ladder_climbs_after_a_decision(void)
{
    setup();
    char id[32];
    admitted_case(id);
    REQUIRE(id[0]);
    to_execution(id, 2, "2026-03-06");
    uint64_t at = 0, level = 0;
    clock_to(iso("2026-03-13T12:00:00+01:00"));
    REQUIRE(count_events(id, "case.escalated", &at, &level) == 1);
    CHECK(level == 1 && at == iso("2026-03-13T00:00:00+01:00"));
    resolve(id);
    clock_to(iso("2026-03-20T12:30:00+01:00"));
    CHECK(count_events(id, "case.escalated", &at, &level) == 2);
    CHECK(level == 2 && at == iso("2026-03-20T12:00:00+01:00"));
    resolve(id);
    clock_to(iso("2026-03-27T13:00:00+01:00"));
    CHECK(count_events(id, "case.escalated", &at, &level) == 3);
    CHECK(level == 3);
    resolve(id);
    /* Five working days after that decision, with Good Friday (3 April) and
     * Easter Monday not counted (Algemene termijnenwet): 7 April. */
    clock_to(iso("2026-04-07T14:00:00+02:00"));
    CHECK(count_events(id, "case.escalated", &at, &level) == 4);
    CHECK(level == 3);
    resolve(id);
    /* Both actions done: nothing is stuck, the ladder forgets.  A later
     * stagnation (the review, six weeks after the plan: 13 April 09:00)
     * starts again at level 1, five working days on. */
    for (int i = 1; i <= 2; i++) {
        rg_buf *b = req(ggz, "action.complete", id, 2);
        rg_w_kstr(b, "action", i == 1 ? "a1" : "a2");
        rg_w_kstr(b, "result", "done");
        OK();
    }
    CHECK(open_stagnations(id, NULL) == 0);
    clock_to(iso("2026-04-22T12:00:00+02:00"));
    CHECK(count_events(id, "case.escalated", &at, &level) == 5);
    CHECK(level == 1);
    teardown();
}

/* Finding 1, the manual side: an escalation by hand names a level above the
 * one open, and the engine's own escalations keep to the same ladder. */
static void test_manual_escalation_joins_the_ladder(void)
{
    setup();
    char id[32];
    admitted_case(id);
    REQUIRE(id[0]);
    rg_buf *b = req(prA, "case.escalate", id, 2);
    rg_w_kuint(b, "level", 2);
    rg_w_kstr(b, "reason", "the police will not share");
    OK();
    b = req(prA, "case.escalate", id, 2);
    rg_w_kuint(b, "level", 1);
    rg_w_kstr(b, "reason", "again");
    FAILS("guard_failed", "above the current one (2)");
    info_request(id, "ggz", "2026-03-03");
    /* The request lapses (Wednesday 4 March 00:00) while level 2 is open: no
     * escalation of its own; level 2's decision is due Monday 9 March 09:00. */
    clock_to(iso("2026-03-09T12:00:00+01:00"));
    uint64_t level = 0;
    CHECK(count_events(id, "case.escalated", NULL, &level) == 2);
    CHECK(level == 3);
    CHECK(open_level(id) == 3);
    teardown();
}

/* How many of the actor's alerts are escalations of the case at level. */
static int escalation_alerts(const char *token, const char *id, uint64_t level)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "alerts.list", token, NULL, NULL, -1, 0);
    if (send_req()[0]) return -1;
    const rg_val *al = rg_t_get(&R, "alerts");
    int n = 0;
    for (uint32_t i = 0; i < rg_array_size(al); i++) {
        const rg_val *a = rg_array_at(al, i);
        uint64_t lv = 0;
        rg_val_uint(rg_map_get(a, "level"), &lv);
        n += rg_val_is_str(rg_map_get(a, "case"), id) && rg_val_is_str(rg_map_get(a, "kind"), "escalation") &&
             lv == level;
    }
    return n;
}

/* Does the last reply's msgpack hold the bytes of s anywhere? */
static bool reply_holds(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= R.len; i++)
        if (memcmp(R.bytes + i, s, n) == 0) return true;
    return false;
}

/* Issue 21, the people at levels 2 and 3: the partner managers of the orgs
 * owing a stuck step are alerted at level 2, the region's bestuur at level
 * 3; they read the escalation dossier (no personal data, no free text) and
 * never the case file; a decision may set a new due date for the stuck
 * action, and missing it climbs on. */
static void test_upper_levels_and_the_dossier(void)
{
    setup();
    char id[32];
    admitted_case(id);
    REQUIRE(id[0]);
    to_execution(id, 1, "2026-03-06");              /* a1, owned by ggz */
    info_request(id, "gemeente", "2026-03-06");      /* R1 */
    /* Nobody above the ZVH reads anything yet. */
    CHECK(strcmp(query(pmggz, "escalation.dossier", id), "not_found") == 0);
    CHECK(strcmp(query(burg, "escalation.dossier", id), "not_found") == 0);
    CHECK(strcmp(query(pol, "escalation.dossier", id), "forbidden") == 0);
    clock_to(iso("2026-03-13T12:00:00+01:00"));
    REQUIRE(open_level(id) == 1);
    CHECK(escalation_alerts(pmggz, id, 1) == 0);
    resolve(id);
    /* Still stuck five working days after the decision: level 2, and the
     * managers of ggz (a1) and gemeente (R1) hear of it. */
    clock_to(iso("2026-03-20T12:30:00+01:00"));
    REQUIRE(open_level(id) == 2);
    CHECK(escalation_alerts(pmggz, id, 2) == 1);
    CHECK(escalation_alerts(pmgem, id, 2) == 1);
    CHECK(escalation_alerts(burg, id, 2) == 0);
    /* The dossier, not the case file. */
    REQUIRE(query(pmggz, "escalation.dossier", id)[0] == 0);
    const rg_val *d = rg_t_get(&R, "dossier");
    CHECK(rg_map_get(d, "target_group") != NULL && rg_map_get(d, "urgency") != NULL);
    CHECK(rg_array_size(rg_map_get(d, "owes")) == 2);
    CHECK(rg_array_size(rg_map_get(d, "ladder")) == 3);          /* escalated, decided, escalated */
    CHECK(rg_map_get(d, "stuck") && rg_map_get(rg_map_get(d, "stuck"), "what"));
    CHECK(!reply_holds("A. Person") && !reply_holds("what do you know?") && !reply_holds("do something") &&
          !reply_holds("problems on several") && !reply_holds("the owner delivers"));
    CHECK(strcmp(query(pmggz, "case.get", id), "forbidden") == 0);
    CHECK(strcmp(query(pmggz, "case.history", id), "forbidden") == 0);
    rg_w_kstr(req(pmggz, "escalation.resolve", id, 1), "decision", "we deliver");
    FAILS("forbidden", "");
    rg_w_kstr(req(burg, "escalation.resolve", id, 1), "decision", "not ours yet");
    FAILS("not_found", "");                                     /* level 3 not reached */
    /* The read is audited. */
    rg_buf_reset(&B);
    rg_req_envelope(&B, "audit.read", L.admin, NULL, NULL, -1, 1);
    rg_w_kstr(&B, "case", id);
    REQUIRE(send_req()[0] == 0);
    CHECK(reply_holds("pm-ggz"));
    /* The action meeting decides: ggz delivers a1 by 31 March.  The
     * stagnation of a1 is cleared; gemeente answers R1. */
    rg_buf *b = req(mgr, "escalation.resolve", id, 2);
    rg_w_kstr(b, "decision", "the actie-overleg agreed a new date");
    rg_w_kstr(b, "new_due", "2026-03-19");
    FAILS("guard_failed", "data.new_due");                     /* in the past */
    b = req(mgr, "escalation.resolve", id, 2);
    rg_w_kstr(b, "decision", "the actie-overleg agreed a new date");
    rg_w_kstr(b, "new_due", "2026-03-31");
    OK();
    CHECK(open_stagnations(id, "action.done") == 0);
    CHECK(deadline_due(id, "action.done") == iso("2026-04-01T00:00:00+02:00"));
    b = req(gem, "info.provide", id, 2);
    rg_w_kstr(b, "request", "R1");
    rg_w_kstr(b, "answer", "known to the social team");
    OK();
    CHECK(open_stagnations(id, NULL) == 0);
    CHECK(strcmp(query(burg, "escalation.dossier", id), "not_found") == 0);
    /* a1 misses its new date: the ladder climbs on, to level 3, and the
     * administrative level hears of it, reads the dossier and decides. */
    clock_to(iso("2026-04-10T12:00:00+02:00"));
    REQUIRE(open_level(id) == 3);
    CHECK(escalation_alerts(burg, id, 3) == 1);
    CHECK(escalation_alerts(pmggz, id, 3) == 1);
    CHECK(escalation_alerts(pmgem, id, 3) == 0);                /* gemeente owes nothing now */
    REQUIRE(query(burg, "escalation.dossier", id)[0] == 0);
    d = rg_t_get(&R, "dossier");
    CHECK(rg_array_size(rg_map_get(d, "owes")) == 1);
    CHECK(rg_val_is_str(rg_map_get(rg_map_get(d, "stuck"), "item"), "a1"));
    CHECK(strcmp(query(burg, "case.get", id), "forbidden") == 0);
    b = req(burg, "escalation.resolve", id, 2);
    rg_w_kstr(b, "decision", "the director of ggz delivers");
    rg_w_kstr(b, "new_due", "2026-04-17");
    OK();
    CHECK(open_level(id) == 0 && open_stagnations(id, "action.done") == 0);
    CHECK(deadline_due(id, "action.done") == iso("2026-04-18T00:00:00+02:00"));
    teardown();
}

/* How many of the actor's open alerts are of kind about item of case id. */
static int alerts_of(const char *token, const char *id, const char *kind, const char *item)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "alerts.list", token, NULL, NULL, -1, 0);
    if (send_req()[0]) return -1;
    const rg_val *al = rg_t_get(&R, "alerts");
    int n = 0;
    for (uint32_t i = 0; i < rg_array_size(al); i++) {
        const rg_val *a = rg_array_at(al, i);
        n += rg_val_is_str(rg_map_get(a, "case"), id) && rg_val_is_str(rg_map_get(a, "kind"), kind) &&
             rg_val_is_str(rg_map_get(a, "item"), item);
    }
    return n;
}

/* Issue 21, finding 6: an information request without a date never
 * stagnated, and an overdue one alerted only the procesregisseur.  Now it
 * has a norm (5 working days, norm.info_request per region), and the org
 * asked is alerted when asked and when it is overdue. */
static void test_info_request_norm(void)
{
    setup();
    char id[32];
    admitted_case(id);
    REQUIRE(id[0]);
    rg_buf *b = req(prA, "info.request", id, 2);
    rg_w_kstr(b, "org", "ggz");
    rg_w_kstr(b, "question", "is the person known to you?");
    OK();
    /* Monday 2 March 09:00 + 5 working days. */
    CHECK(deadline_due(id, "info.answer") == iso("2026-03-09T09:00:00+01:00"));
    CHECK(alerts_of(ggz, id, "asked", "R1") == 1);
    CHECK(alerts_of(gem, id, "asked", "R1") == 0);
    clock_to(iso("2026-03-09T10:00:00+01:00"));
    CHECK(open_stagnations(id, "info.answer") == 1);
    CHECK(alerts_of(ggz, id, "stagnation", "R1") == 1);
    CHECK(alerts_of(gem, id, "stagnation", "R1") == 0);
    b = req(ggz, "info.provide", id, 2);
    rg_w_kstr(b, "request", "R1");
    rg_w_kstr(b, "answer", "known since 2021");
    OK();
    CHECK(open_stagnations(id, NULL) == 0);
    CHECK(alerts_of(ggz, id, "asked", "R1") == 0);              /* answered: no longer open */
    teardown();

    /* A region's own norm. */
    char *tmp = rg_t_tmpdir(), path[4096];
    snprintf(path, sizeof path, "%s/region.conf", tmp);
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    fputs("norm.info_request = 3\n", f);
    fclose(f);
    rg_t_config = path;
    setup();
    rg_t_config = NULL;
    admitted_case(id);
    REQUIRE(id[0]);
    b = req(prA, "info.request", id, 2);
    rg_w_kstr(b, "org", "ggz");
    rg_w_kstr(b, "question", "is the person known to you?");
    OK();
    CHECK(deadline_due(id, "info.answer") == iso("2026-03-05T09:00:00+01:00"));
    /* A request with a date of its own keeps it. */
    info_request(id, "gemeente", "2026-03-20");
    REQUIRE(query(prA, "case.get", id)[0] == 0);
    const rg_val *dl = rg_map_get(rg_t_get(&R, "case"), "deadlines");
    bool dated = false;
    for (uint32_t i = 0; i < rg_array_size(dl); i++) {
        uint64_t due = 0;
        rg_val_uint(rg_map_get(rg_array_at(dl, i), "due"), &due);
        dated |= rg_val_is_str(rg_map_get(rg_array_at(dl, i), "item"), "R2") && due == iso("2026-03-21T00:00:00+01:00");
    }
    CHECK(dated);
    teardown();
    free(tmp);
}

static uint64_t stats_at(const char *map, const char *key, const char *field)
{
    uint64_t v = UINT64_MAX;
    rg_val_uint(rg_map_get(rg_map_get(rg_t_get(&R, map), key), field), &v);
    return v;
}

/* A figure of a step on the one route with stays that ended in the last
 * stats (lead_time_by_route), UINT64_MAX when not so. */
static uint64_t route_lead(const char *state, const char *field)
{
    const rg_val *m = rg_t_get(&R, "lead_time_by_route");
    uint64_t v = UINT64_MAX;
    if (rg_map_size(m) == 1) rg_val_uint(rg_map_get(rg_map_get(rg_map_value(m, 0), state), field), &v);
    return v;
}

/* Issue 21, management figures: a case 36 days in execution read as no
 * lead time at all (only stays that ended were counted), and escalations
 * were not counted by level.  stats now gives the stays still running,
 * counted up to the engine's now, the 90th percentile beside the median,
 * and escalations open and reached per level (kept as cases change, not
 * by walking them). */
static void test_stats_figures(void)
{
    setup();
    char id[32];
    admitted_case(id);                           /* Monday 2 March 09:00 */
    REQUIRE(id[0]);
    to_execution(id, 1, "2026-03-06");           /* in execution from 09:00 */
    clock_to(iso("2026-03-13T12:00:00+01:00"));  /* a1 stuck: level 1 */
    REQUIRE(open_level(id) == 1);
    REQUIRE(query(mgr, "stats", NULL)[0] == 0);
    CHECK(stats_at("escalations", "open", "1") == 1 && stats_at("escalations", "reached", "1") == 1);
    CHECK(stats_at("escalations", "open", "2") == 0);
    resolve(id);
    clock_to(iso("2026-04-07T10:00:00+02:00"));  /* 36 days after the plan; the ladder climbed on */
    uint64_t level = open_level(id);
    CHECK(level >= 2 && level <= 3);
    const char *l = level == 2 ? "2" : "3";
    REQUIRE(query(mgr, "stats", NULL)[0] == 0);
    CHECK(stats_at("running_ms", "execution", "cases") == 1);
    CHECK(stats_at("running_ms", "execution", "mean") == 36 * DAY);
    CHECK(stats_at("escalations", "reached", "1") == 0 && stats_at("escalations", "reached", l) == 1);
    CHECK(stats_at("escalations", "open", "1") == 0 && stats_at("escalations", "open", l) == 1);
    /* Stays that ended: median and 90th percentile (analysis and meeting
     * took no time here; intake ended with the admission). */
    const rg_val *lt = rg_map_get(rg_t_get(&R, "lead_time_ms"), "intake");
    uint64_t med = 1, p90 = 1;
    CHECK(rg_val_uint(rg_map_get(lt, "median"), &med) && rg_val_uint(rg_map_get(lt, "p90"), &p90) && p90 >= med);
    /* Per route too: the case's route, its one stay in intake. */
    uint64_t icases = 0;
    CHECK(rg_val_uint(rg_map_get(lt, "cases"), &icases) && icases == 1);
    CHECK(route_lead("intake", "cases") == 1 && route_lead("intake", "median") == med &&
          route_lead("intake", "p90") == p90);
    /* Kept across a restart (written with the case, not walked). */
    uint64_t mean = stats_at("running_ms", "execution", "mean"), before = clock_now();
    char *dir = strdup(L.dir);
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    free(dir);
    uint64_t after = clock_now();
    REQUIRE(query(mgr, "stats", NULL)[0] == 0);
    CHECK(stats_at("running_ms", "execution", "cases") == 1);
    uint64_t m2 = stats_at("running_ms", "execution", "mean");
    CHECK(m2 + before == mean + after);
    CHECK(stats_at("escalations", "open", l) == 1 && stats_at("escalations", "reached", l) == 1);
    /* How each level's escalation ended: level 1 decided; a level 2 below
     * an open level 3 was decided or climbed on; nothing ended yet. */
    uint64_t d2 = stats_at("escalations", "decided", "2"), c2 = stats_at("escalations", "climbed", "2");
    CHECK(stats_at("escalations", "decided", "1") == 1 && stats_at("escalations", "climbed", "1") == 0);
    CHECK(level == 3 ? d2 + c2 == 1 : d2 + c2 == 0);
    CHECK(stats_at("escalations", "ended", "1") == 0 && stats_at("escalations", "ended", l) == 0);
    /* The same after a rebuild by replay (counted per event folded). */
    uint64_t n;
    REQUIRE(rg_replay_rebuild(L.e, &n) == 0);
    REQUIRE(query(mgr, "stats", NULL)[0] == 0);
    CHECK(stats_at("escalations", "decided", "1") == 1 && stats_at("escalations", "climbed", "1") == 0);
    CHECK(stats_at("escalations", "decided", "2") == d2 && stats_at("escalations", "climbed", "2") == c2);
    CHECK(stats_at("escalations", "open", l) == 1 && stats_at("escalations", "reached", l) == 1);
    CHECK(route_lead("intake", "cases") == 1 && route_lead("intake", "median") == med);
    /* The case ends with its escalation open: that one ended with it. */
    rg_w_kstr(req(prA, "case.end", id, 1), "reason", "withdrawn");
    OK();
    REQUIRE(query(mgr, "stats", NULL)[0] == 0);
    CHECK(stats_at("escalations", "ended", l) == 1 && stats_at("escalations", "open", l) == 0);
    CHECK(stats_at("escalations", "decided", "1") == 1);
    char *dir2 = strdup(L.dir);
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir2) == 0);
    free(dir2);
    REQUIRE(query(mgr, "stats", NULL)[0] == 0);
    CHECK(stats_at("escalations", "ended", l) == 1 && stats_at("escalations", "decided", "1") == 1);
    uint64_t exec_cases = route_lead("execution", "cases");   /* the ending ended its stay in execution */
    CHECK(route_lead("intake", "cases") == 1 && exec_cases == 1);
    REQUIRE(rg_replay_rebuild(L.e, &n) == 0);
    REQUIRE(query(mgr, "stats", NULL)[0] == 0);
    CHECK(stats_at("escalations", "ended", l) == 1 && stats_at("escalations", "decided", "1") == 1);
    CHECK(stats_at("escalations", "decided", "2") == d2 && stats_at("escalations", "climbed", "2") == c2);
    CHECK(route_lead("intake", "cases") == 1 && route_lead("execution", "cases") == exec_cases);
    teardown();
}

/* Overdue items the org owes in the manager's last stats (0 when absent),
 * and how many orgs owe any. */
static uint64_t owed_by(const char *org, uint32_t *norgs)
{
    if (query(mgr, "stats", NULL)[0]) return 99;
    const rg_val *m = rg_t_get(&R, "overdue_by_org");
    if (norgs) *norgs = rg_map_size(m);
    uint64_t n = 0;
    rg_val_uint(rg_map_get(m, org), &n);
    return n;
}

/* Issue 21, management figures: the overdue actions (their owner) and
 * information requests (the org asked) open now, per organisation, kept
 * as stagnations fire and are met (not walked), the same after a restart
 * and a rebuild, and gone when the case ends. */
static void test_stats_overdue_by_org(void)
{
    setup();
    char id[32];
    admitted_case(id);
    REQUIRE(id[0]);
    info_request(id, "gemeente", "2026-03-04");
    to_execution(id, 2, "2026-03-06");
    uint32_t norgs = 99;
    CHECK(owed_by("ggz", &norgs) == 0 && norgs == 0);
    clock_to(iso("2026-03-10T12:00:00+01:00"));  /* a1, a2 and R1 overdue */
    CHECK(owed_by("ggz", &norgs) == 2 && norgs == 2);
    CHECK(owed_by("gemeente", NULL) == 1 && owed_by("police", NULL) == 0);
    rg_buf *b = req(ggz, "action.complete", id, 2);
    rg_w_kstr(b, "action", "a1");
    rg_w_kstr(b, "result", "done");
    OK();
    b = req(gem, "info.provide", id, 2);
    rg_w_kstr(b, "request", "R1");
    rg_w_kstr(b, "answer", "known since 2021");
    OK();
    CHECK(owed_by("ggz", &norgs) == 1 && norgs == 1);
    CHECK(owed_by("gemeente", NULL) == 0);
    /* After a restart and after a rebuild by replay: the same. */
    char *dir = strdup(L.dir);
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    free(dir);
    CHECK(owed_by("ggz", &norgs) == 1 && norgs == 1);
    uint64_t n;
    REQUIRE(rg_replay_rebuild(L.e, &n) == 0);
    CHECK(owed_by("ggz", &norgs) == 1 && norgs == 1);
    /* The case ends: nothing is owed any more. */
    rg_w_kstr(req(prA, "case.end", id, 1), "reason", "withdrawn");
    OK();
    CHECK(owed_by("ggz", &norgs) == 0 && norgs == 0);
    teardown();
}

/* Finding 2: progress lapses, then action.complete meets it and sets it
 * again in the same event: the stagnation is cleared all the same. */
static void test_met_norm_clears_when_set_again(void)
{
    setup();
    char id[32];
    admitted_case(id);
    REQUIRE(id[0]);
    to_execution(id, 2, "2026-12-01");
    /* 20 working days after the plan (2 March): 30 March 09:00. */
    clock_to(iso("2026-03-31T12:00:00+02:00"));
    REQUIRE(open_stagnations(id, "progress") == 1);
    rg_buf *b = req(ggz, "action.complete", id, 2);
    rg_w_kstr(b, "action", "a1");
    rg_w_kstr(b, "result", "done");
    OK();
    const rg_val *evs = rg_t_get(&R, "events");
    bool cleared = false;
    for (uint32_t i = 0; i < rg_array_size(evs); i++) {
        const rg_val *ev = rg_array_at(evs, i);
        if (rg_val_is_str(rg_map_get(ev, "type"), "stagnation.cleared") &&
            rg_val_is_str(rg_map_get(rg_map_get(ev, "data"), "norm"), "progress"))
            cleared = true;
    }
    CHECK(cleared);
    CHECK(open_stagnations(id, "progress") == 0);
    /* 20 working days on, with Good Friday, Easter Monday and King's Day
     * not counted. */
    CHECK(deadline_due(id, "progress") == iso("2026-05-01T12:00:00+02:00"));
    query(mgr, "stats", NULL);
    CHECK(rg_t_uint(&R, "open_stagnations") == 0);
    teardown();
}

/* Finding 3: a plan revision on a case with eleven open stagnations
 * (which aborted the engine); since issue 21 the revision keeps the plan in
 * force, so its agreement, which drops the eleven overdue actions, clears
 * each (thirteen events in one command); retried with the same req, the
 * same reply. */
static void test_revision_with_eleven_stagnations(void)
{
    setup();
    char id[32];
    admitted_case(id);
    REQUIRE(id[0]);
    to_execution(id, 11, "2026-03-03");
    clock_to(iso("2026-03-05T12:00:00+01:00"));
    REQUIRE(open_stagnations(id, "action.done") == 11);
    rg_buf *b = req(prA, "plan.propose", id, 2);
    rg_w_kstr(b, "goals", "a revised plan");
    rg_w_cstr(b, "actions");
    rg_w_array(b, 1);
    rg_t_w_action(b, "n1", "ggz", "start over", "2026-06-01");
    OK();
    CHECK(rg_array_size(rg_t_get(&R, "events")) == 1);
    CHECK(open_stagnations(id, "action.done") == 11);
    req(ggz, "plan.agree", id, 0);
    OK();
    CHECK(rg_array_size(rg_t_get(&R, "events")) == 13);
    uint64_t version = rg_t_uint(&R, "version");
    CHECK(send_req()[0] == 0 && rg_t_uint(&R, "version") == version);   /* the same req */
    CHECK(open_stagnations(id, NULL) == 0);
    teardown();
}

static int events_of(const char *type)
{
    const rg_val *evs = rg_t_get(&R, "events");
    int n = 0;
    for (uint32_t i = 0; i < rg_array_size(evs); i++)
        n += rg_val_is_str(rg_map_get(rg_array_at(evs, i), "type"), type);
    return n;
}

static const rg_val *plan_action(const rg_val *plan, const char *aid)
{
    const rg_val *acts = rg_map_get(plan, "actions");
    for (uint32_t i = 0; i < rg_array_size(acts); i++)
        if (rg_val_is_str(rg_map_get(rg_array_at(acts, i), "id"), aid)) return rg_array_at(acts, i);
    return NULL;
}

/* Issue 21, finding 3: a revision proposed in execution froze the case (back
 * to planning, every action.done stagnation cleared at once, actions and
 * reviews refused while their norms ran on).  Now the agreed plan stays in
 * force until the revision is agreed, which alone replaces it. */
static void test_revision_keeps_the_plan_in_force(void)
{
    setup();
    char id[32];
    admitted_case(id);
    REQUIRE(id[0]);
    to_execution(id, 2, "2026-03-06");
    clock_to(iso("2026-03-09T12:00:00+01:00"));
    REQUIRE(open_stagnations(id, "action.done") == 2);
    /* a1 re-dated, a2 carried over as it is (still overdue), a3 new. */
    rg_buf *b = req(prA, "plan.propose", id, 2);
    rg_w_kstr(b, "goals", "a revised plan");
    rg_w_cstr(b, "actions");
    rg_w_array(b, 3);
    const char *ids[] = {"a1", "a2", "a3"}, *dues[] = {"2026-04-01", "2026-03-06", "2026-05-01"};
    for (int i = 0; i < 3; i++) {
        rg_t_w_action(b, ids[i], i == 2 ? "gemeente" : "ggz", "do it", dues[i]);
    }
    OK();
    CHECK(events_of("plan.revision_proposed") == 1 && events_of("stagnation.cleared") == 0);
    REQUIRE(query(prA, "case.get", id)[0] == 0);
    const rg_val *cs = rg_t_get(&R, "case");
    CHECK(rg_val_is_str(rg_map_get(cs, "state"), "execution"));
    const rg_val *plan = rg_map_get(cs, "plan");
    CHECK(rg_array_size(rg_map_get(plan, "actions")) == 2);
    CHECK(rg_array_size(rg_map_get(rg_map_get(plan, "revision"), "actions")) == 3);
    CHECK(open_stagnations(id, "action.done") == 2);
    /* The plan in force goes on: a2 done, a review held. */
    b = req(ggz, "action.complete", id, 2);
    rg_w_kstr(b, "action", "a2");
    rg_w_kstr(b, "result", "done after all");
    OK();
    CHECK(events_of("stagnation.cleared") == 1);
    rg_w_kstr(req(prA, "review.hold", id, 1), "notes", "a2 done, a1 re-planned");
    OK();
    /* The revision's actions are not the plan yet. */
    b = req(gem, "action.complete", id, 2);
    rg_w_kstr(b, "action", "a3");
    rg_w_kstr(b, "result", "early");
    FAILS("not_found", "no action a3");
    /* Agreed by both owners: it replaces the plan; a1's stagnation goes with
     * its old date, a2 stays done, a3 gets its deadline. */
    req(ggz, "plan.agree", id, 0);
    OK();
    CHECK(events_of("plan.agreed") == 0);
    req(gem, "plan.agree", id, 0);
    OK();
    CHECK(events_of("plan.agreed") == 1 && events_of("stagnation.cleared") == 1);
    CHECK(open_stagnations(id, NULL) == 0);
    REQUIRE(query(prA, "case.get", id)[0] == 0);
    plan = rg_map_get(rg_t_get(&R, "case"), "plan");
    CHECK(rg_array_size(rg_map_get(plan, "actions")) == 3);
    CHECK(rg_val_is_str(rg_map_get(plan_action(plan, "a2"), "status"), "done"));
    CHECK(rg_map_get(plan, "revision") == NULL || rg_map_get(rg_map_get(plan, "revision"), "rev") == NULL);
    CHECK(deadline_due(id, "action.done") != 0);
    req(gem, "plan.agree", id, 0);
    FAILS("guard_failed", "no revision waits");
    teardown();
}

/* Finding 4: a failing iterator reads as a storage error, never as the end
 * of the data (log.verify reported a broken chain). */
static void test_read_errors_are_storage_errors(void)
{
    setup();
    char id[32];
    admitted_case(id);
    REQUIRE(id[0]);
    rg_log_fail_reads(rg_engine_log(L.e), true);
    CHECK(strcmp(query(L.admin, "log.verify", NULL), "storage_error") == 0);
    CHECK(strcmp(query(prA, "case.history", id), "storage_error") == 0);
    CHECK(strcmp(query(mgr, "cases.list", NULL), "storage_error") == 0);
    CHECK(strcmp(query(L.admin, "audit.read", NULL), "storage_error") == 0);
    CHECK(strcmp(query(prA, "feed.read", NULL), "storage_error") == 0);
    rg_log_fail_reads(rg_engine_log(L.e), false);
    CHECK(query(L.admin, "log.verify", NULL)[0] == 0);
    CHECK(rg_val_type(rg_t_get(&R, "intact")) == RG_VBOOL);
    teardown();
}

/* Finding 5: six weeks across the spring DST change keep the local time;
 * the aftercare check waits for its date; past planning dates are refused. */
static void test_calendar_and_guards(void)
{
    setup();
    clock_to(iso("2026-03-20T10:00:00+01:00"));
    char id[32];
    admitted_case(id);
    REQUIRE(id[0]);
    rg_buf *b = req(prA, "info.request", id, 3);
    rg_w_kstr(b, "org", "ggz");
    rg_w_kstr(b, "question", "q");
    rg_w_kstr(b, "due", "2026-03-19");
    FAILS("guard_failed", "data.due");
    b = req(prA, "meeting.schedule", id, 2);
    rg_w_kstr(b, "at", "2026-03-20T09:00:00+01:00");
    rg_t_w_list(b, "orgs", "ggz");
    FAILS("guard_failed", "data.at");
    info_request(id, "ggz", "2026-03-20");        /* today: due at its end */
    to_execution(id, 1, "2026-04-30");
    /* Agreed Friday 20 March 10:00 CET; six weeks on is 1 May 10:00 CEST. */
    CHECK(deadline_due(id, "review") == iso("2026-05-01T10:00:00+02:00"));

    rg_buf *c = req(ggz, "action.complete", id, 2);
    rg_w_kstr(c, "action", "a1");
    rg_w_kstr(c, "result", "done");
    OK();
    rg_w_kstr(req(prA, "case.close", id, 1), "reason", "goals met");
    OK();
    rg_w_kstr(req(prA, "aftercare.check", id, 1), "outcome", "fine");
    FAILS("guard_failed", "taken from 2026-06-13");
    clock_to(iso("2026-06-20T10:00:00+02:00"));
    rg_w_kstr(req(prA, "aftercare.check", id, 1), "outcome", "fine");
    OK();
    /* No deadline was set in the past, so firing lateness stays small. */
    query(mgr, "stats", NULL);
    uint64_t p99 = 0;
    rg_val_uint(rg_map_get(rg_t_get(&R, "deadline_lateness_ms"), "p99_at_most"), &p99);
    CHECK(p99 < 1000);
    teardown();
}

int main(void)
{
    RUN(test_one_ladder_per_case);
    RUN(test_manual_escalation_joins_the_ladder);
    RUN(test_ladder_climbs_after_a_decision);
    RUN(test_upper_levels_and_the_dossier);
    RUN(test_info_request_norm);
    RUN(test_stats_figures);
    RUN(test_stats_overdue_by_org);
    RUN(test_met_norm_clears_when_set_again);
    RUN(test_revision_with_eleven_stagnations);
    RUN(test_revision_keeps_the_plan_in_force);
    RUN(test_read_errors_are_storage_errors);
    RUN(test_calendar_and_guards);
    return rg_t_exit();
}
