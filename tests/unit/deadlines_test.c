/*
 * deadlines_test.c - the norms of schemas/norms.c folded into a case's
 * deadlines (rg_deadlines_fold, run by rg_fold_apply; domain/case.h), each
 * due time written out by hand from the calendar (Europe/Amsterdam, Dutch
 * public holidays), not computed: the norms each event sets and meets,
 * an open deadline keeping its time when set again, met and set again by
 * one event (progress by action.completed, review by review.held), item
 * norms per information request and per action, the re-entry norms only on
 * that route, a region's own amounts; stagnation.detected marking a
 * deadline fired with an escalation time 5 working days later, none while an
 * escalation is open, case.escalated taking every stagnation's escalation
 * time away, escalation.resolved re-arming them, case.closed keeping only
 * the aftercare check, and the aftercare check leaving only the retention
 * period (1826 days, after which the case is erased).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../test.h"
#include "../../engine/domain/case.h"
#include "../../engine/domain/fold.h"
#include "../../engine/domain/deadlines.h"

static rg_buf D;
static uint64_t next_seq = 1;
static const int *amounts;        /* the region's amounts for the next folds, or NULL */
static const rg_actor ACTOR = {.id = "pr1", .role = 0, .org = "zvh"};

static rg_buf *data(uint32_t n)
{
    rg_buf_reset(&D);
    rg_w_map(&D, n);
    return &D;
}

static int fold(rg_case *c, const char *type, uint64_t at)
{
    if (D.len == 0) rg_w_map(&D, 0);
    rg_doc *doc;
    const char *why;
    if (rg_doc_parse(&doc, D.data, D.len, &why) < 0) {
        printf("  test data of %s does not parse: %s\n", type, why);
        rg_buf_reset(&D);
        return 1;
    }
    rg_event_view ev = {.seq = next_seq++, .v = c->version + 1, .at = at, .type = type,
                        .actor = &ACTOR, .data = rg_doc_root(doc), .norm_amounts = amounts};
    int rc = rg_fold_apply(c, &ev);
    if (rc < 0) printf("  %s refused (%d)\n", type, rc);
    rg_doc_free(doc);
    rg_buf_reset(&D);
    return rc;
}

/* UTC ms of a civil UTC time (the C library, not calendar.c). */
static uint64_t utc(int y, int mo, int d, int h, int mi)
{
    struct tm t;
    memset(&t, 0, sizeof t);
    t.tm_year = y - 1900;
    t.tm_mon = mo - 1;
    t.tm_mday = d;
    t.tm_hour = h;
    t.tm_min = mi;
    return (uint64_t)timegm(&t) * 1000;
}

static const rg_deadline *dl(const rg_case *c, const char *norm, const char *item)
{
    int n = rg_norm_find(norm);
    if (n < 0) {
        printf("  no norm %s\n", norm);
        return NULL;
    }
    for (uint32_t i = 0; i < c->ndl; i++)
        if (c->dl[i].norm == n && strcmp(c->dl[i].item, item) == 0) return &c->dl[i];
    return NULL;
}

static void show(uint64_t ms, char *out)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%MZ", &tm);
}

/* The open deadline (norm, item) falls due at want and is not fired. */
static bool due_at(const rg_case *c, const char *norm, const char *item, uint64_t want)
{
    const rg_deadline *d = dl(c, norm, item);
    char got[32], exp[32];
    show(want, exp);
    if (!d) {
        printf("  no deadline %s/%s (expected due %s)\n", norm, item, exp);
        return false;
    }
    if (d->due != want || d->fired) {
        show(d->due, got);
        printf("  %s/%s due %s%s, expected %s\n", norm, item, got, d->fired ? " (fired)" : "", exp);
        return false;
    }
    return true;
}

static bool none(const rg_case *c, const char *norm, const char *item)
{
    if (!dl(c, norm, item)) return true;
    printf("  deadline %s/%s still open\n", norm, item);
    return false;
}

static void report(rg_case *c, const char *route, const char *release, uint64_t at)
{
    rg_buf *b = data(4 + (release ? 1 : 0));
    rg_w_kstr(b, "route", route);
    rg_w_kstr(b, "reporter_org", "police");
    rg_w_kstr(b, "target_group", "verward_gedrag");
    rg_w_kstr(b, "urgency", "normal");
    if (release) rg_w_kstr(b, "release_date", release);
    CHECK(fold(c, "case.reported", at) == 0);
}

/* Two actions, A1 due 15 and A2 due 22 December 2025. */
static void propose(rg_case *c, uint64_t at)
{
    rg_buf *b = data(2);
    rg_w_kstr(b, "goals", "stability");
    rg_w_cstr(b, "actions");
    rg_w_array(b, 2);
    rg_w_map(b, 3);
    rg_w_kstr(b, "id", "A1");
    rg_w_kstr(b, "owner_org", "police");
    rg_w_kstr(b, "due", "2025-12-15");
    rg_w_map(b, 3);
    rg_w_kstr(b, "id", "A2");
    rg_w_kstr(b, "owner_org", "ggz");
    rg_w_kstr(b, "due", "2025-12-22");
    CHECK(fold(c, "plan.proposed", at) == 0);
}

/* Winter 2025/26: Amsterdam is UTC+1, 09:00 UTC is 10:00 local.  Monday 1
 * December; Christmas (Thu 25, Fri 26) and New Year (Thu 1 January) are
 * holidays, Christmas Eve and New Year's Eve are working days. */
static rg_case *to_execution(void)
{
    rg_case *c = rg_case_new("ZVH-00000001");
    report(c, "default", NULL, utc(2025, 12, 1, 9, 0));
    rg_w_kstr(data(1), "procesregisseur", "pr1");
    CHECK(fold(c, "case.assigned", utc(2025, 12, 1, 10, 0)) == 0);
    CHECK(fold(c, "intake.started", utc(2025, 12, 2, 9, 0)) == 0);
    CHECK(fold(c, "intake.admitted", utc(2025, 12, 3, 9, 0)) == 0);
    rg_buf *b = data(2);
    rg_w_kstr(b, "at", "2025-12-05T10:00:00+01:00");
    rg_t_w_list(b, "orgs", "ggz");
    CHECK(fold(c, "meeting.scheduled", utc(2025, 12, 3, 10, 0)) == 0);
    CHECK(fold(c, "meeting.held", utc(2025, 12, 5, 9, 0)) == 0);
    propose(c, utc(2025, 12, 8, 9, 0));
    CHECK(fold(c, "plan.agreed", utc(2025, 12, 9, 9, 0)) == 0);
    return c;
}

static void test_intake_norms(void)
{
    rg_case *c = rg_case_new("ZVH-00000001");
    /* Reported Monday 1 December 10:00: the intake starts within 2 working
     * days (Wednesday 3), the decision within 5 (Monday 8). */
    report(c, "default", NULL, utc(2025, 12, 1, 9, 0));
    CHECK(c->ndl == 2);
    CHECK(due_at(c, "intake.start", "", utc(2025, 12, 3, 9, 0)));
    CHECK(due_at(c, "intake.decision", "", utc(2025, 12, 8, 9, 0)));
    const rg_deadline *d = dl(c, "intake.start", "");
    CHECK(d && d->set_at == utc(2025, 12, 1, 9, 0) && d->fired_at == 0 && d->escalate_at == 0);
    /* The re-entry norms are not of this route. */
    CHECK(none(c, "meeting.before_release", "") && none(c, "plan.before_release", ""));
    /* Assigning changes no deadline. */
    rg_w_kstr(data(1), "procesregisseur", "pr1");
    CHECK(fold(c, "case.assigned", utc(2025, 12, 1, 10, 0)) == 0);
    CHECK(c->ndl == 2);
    /* intake.started meets intake.start only. */
    CHECK(fold(c, "intake.started", utc(2025, 12, 2, 9, 0)) == 0);
    CHECK(none(c, "intake.start", ""));
    CHECK(due_at(c, "intake.decision", "", utc(2025, 12, 8, 9, 0)));
    /* Asking for more information is the decision's feedback: it meets it
     * and sets its own deadline, the end of the day it names (midnight
     * local: 23:00 UTC). */
    rg_w_kstr(data(2), "question", "since when?");
    rg_w_kstr(&D, "due", "2025-12-05");
    CHECK(fold(c, "intake.info_requested", utc(2025, 12, 2, 10, 0)) == 0);
    CHECK(none(c, "intake.decision", ""));
    CHECK(due_at(c, "intake.more_info", "", utc(2025, 12, 5, 23, 0)));
    CHECK(c->ndl == 1);
    /* Admission meets it and sets the case meeting, 10 working days:
     * Wednesday 3 -> Wednesday 17 December. */
    CHECK(fold(c, "intake.admitted", utc(2025, 12, 3, 9, 0)) == 0);
    CHECK(none(c, "intake.more_info", ""));
    CHECK(due_at(c, "meeting.held", "", utc(2025, 12, 17, 9, 0)));
    CHECK(c->ndl == 1);
    rg_case_free(c);
}

static void test_plan_and_execution_norms(void)
{
    rg_case *c = rg_case_new("ZVH-00000001");
    report(c, "default", NULL, utc(2025, 12, 1, 9, 0));
    CHECK(fold(c, "intake.started", utc(2025, 12, 2, 9, 0)) == 0);
    CHECK(fold(c, "intake.admitted", utc(2025, 12, 3, 9, 0)) == 0);
    CHECK(fold(c, "meeting.scheduled", utc(2025, 12, 3, 10, 0)) == 0);
    /* Held Friday 5: the plan is agreed within 10 working days, Friday 19. */
    CHECK(fold(c, "meeting.held", utc(2025, 12, 5, 9, 0)) == 0);
    CHECK(none(c, "meeting.held", ""));
    CHECK(due_at(c, "plan.agreed", "", utc(2025, 12, 19, 9, 0)));
    /* A proposal sets plan.agreed too, but an open deadline keeps its time
     * and the moment it was set. */
    propose(c, utc(2025, 12, 8, 9, 0));
    CHECK(due_at(c, "plan.agreed", "", utc(2025, 12, 19, 9, 0)));
    const rg_deadline *d = dl(c, "plan.agreed", "");
    CHECK(d && d->set_at == utc(2025, 12, 5, 9, 0));
    CHECK(c->ndl == 1);
    /* Agreed Tuesday 9: each open action by the end of its day, the review
     * in 6 weeks (42 calendar days, Tuesday 20 January), progress in 20
     * working days over Christmas and New Year: Friday 9 January.  (These
     * events record no due times, as events from before the recording:
     * their working days are the engine's old list, without the decreed
     * bridge day of 2 January 2026; the ladder below counts the law's.) */
    CHECK(fold(c, "plan.agreed", utc(2025, 12, 9, 9, 0)) == 0);
    CHECK(none(c, "plan.agreed", ""));
    CHECK(due_at(c, "action.done", "A1", utc(2025, 12, 15, 23, 0)));
    CHECK(due_at(c, "action.done", "A2", utc(2025, 12, 22, 23, 0)));
    CHECK(due_at(c, "review", "", utc(2026, 1, 20, 9, 0)));
    CHECK(due_at(c, "progress", "", utc(2026, 1, 9, 9, 0)));
    CHECK(c->ndl == 4);
    /* Completing A1 (Thursday 11) meets its own action.done, not A2's, and
     * meets progress and sets it again: 20 working days from Thursday 11 is
     * Tuesday 13 January, set at the completion. */
    rg_w_kstr(data(2), "action", "A1");
    rg_w_kstr(&D, "result", "done");
    CHECK(fold(c, "action.completed", utc(2025, 12, 11, 9, 0)) == 0);
    CHECK(none(c, "action.done", "A1"));
    CHECK(due_at(c, "action.done", "A2", utc(2025, 12, 22, 23, 0)));
    CHECK(due_at(c, "progress", "", utc(2026, 1, 13, 9, 0)));
    d = dl(c, "progress", "");
    CHECK(d && d->set_at == utc(2025, 12, 11, 9, 0));
    CHECK(due_at(c, "review", "", utc(2026, 1, 20, 9, 0)));
    CHECK(c->ndl == 3);
    /* A review (Monday 15) restarts the review (Monday 26 January) and
     * progress (Thursday 15 January). */
    rg_w_kstr(data(1), "notes", "on track");
    CHECK(fold(c, "review.held", utc(2025, 12, 15, 9, 0)) == 0);
    CHECK(due_at(c, "review", "", utc(2026, 1, 26, 9, 0)));
    CHECK(due_at(c, "progress", "", utc(2026, 1, 15, 9, 0)));
    CHECK(c->ndl == 3);
    /* A new plan revision meets every action's deadline; once agreed, the
     * open actions get theirs again. */
    propose(c, utc(2025, 12, 16, 9, 0));
    CHECK(none(c, "action.done", "A2"));
    CHECK(fold(c, "plan.agreed", utc(2025, 12, 17, 9, 0)) == 0);
    CHECK(none(c, "action.done", "A1"));                /* done: carried over by id */
    CHECK(due_at(c, "action.done", "A2", utc(2025, 12, 22, 23, 0)));
    rg_case_free(c);
}

static void test_item_norms_per_request(void)
{
    rg_case *c = rg_case_new("ZVH-00000002");
    report(c, "default", NULL, utc(2025, 12, 1, 9, 0));
    CHECK(fold(c, "intake.started", utc(2025, 12, 1, 10, 0)) == 0);
    CHECK(fold(c, "intake.admitted", utc(2025, 12, 1, 11, 0)) == 0);
    uint32_t base = c->ndl;
    static const struct { const char *id, *org, *due; } reqs[] = {
        {"R1", "ggz", "2025-12-10"}, {"R2", "woco", "2025-12-12"}, {"R3", "ggz", NULL},
    };
    for (int i = 0; i < 3; i++) {
        rg_buf *b = data(3 + (reqs[i].due ? 1 : 0));
        rg_w_kstr(b, "request", reqs[i].id);
        rg_w_kstr(b, "org", reqs[i].org);
        rg_w_kstr(b, "question", "anything?");
        if (reqs[i].due) rg_w_kstr(b, "due", reqs[i].due);
        CHECK(fold(c, "info.requested", utc(2025, 12, 2, 9 + i, 0)) == 0);
    }
    /* One deadline per request with a date, at the end of that day. */
    CHECK(due_at(c, "info.answer", "R1", utc(2025, 12, 10, 23, 0)));
    CHECK(due_at(c, "info.answer", "R2", utc(2025, 12, 12, 23, 0)));
    CHECK(none(c, "info.answer", "R3"));
    CHECK(none(c, "info.answer", ""));
    CHECK(c->ndl == base + 2);
    /* Answering R2 meets R2's deadline only. */
    rg_w_kstr(data(2), "request", "R2");
    rg_w_kstr(&D, "answer", "no");
    CHECK(fold(c, "info.provided", utc(2025, 12, 3, 9, 0)) == 0);
    CHECK(none(c, "info.answer", "R2"));
    CHECK(due_at(c, "info.answer", "R1", utc(2025, 12, 10, 23, 0)));
    CHECK(c->ndl == base + 1);
    /* Answering R3, which had no deadline, changes none. */
    rg_w_kstr(data(2), "request", "R3");
    rg_w_kstr(&D, "answer", "yes");
    CHECK(fold(c, "info.provided", utc(2025, 12, 3, 10, 0)) == 0);
    CHECK(c->ndl == base + 1);
    /* Closing the case meets every request's deadline. */
    CHECK(fold(c, "case.closed", utc(2025, 12, 4, 9, 0)) == 0);
    CHECK(none(c, "info.answer", "R1"));
    rg_case_free(c);
}

static void test_reentry_and_region_amounts(void)
{
    /* Re-entry: the meeting and the plan before the release day starts
     * (midnight local, 23:00 UTC the day before). */
    rg_case *c = rg_case_new("ZVH-00000003");
    report(c, "re-entry", "2026-02-01", utc(2025, 12, 1, 9, 0));
    CHECK(due_at(c, "meeting.before_release", "", utc(2026, 1, 31, 23, 0)));
    CHECK(due_at(c, "plan.before_release", "", utc(2026, 1, 31, 23, 0)));
    CHECK(c->ndl == 4);
    rg_case_free(c);

    /* A region's amounts replace the defaults: every norm 1 unit. */
    static int ones[RG_MAX_NORMS];
    for (int i = 0; i < RG_MAX_NORMS; i++) ones[i] = 1;
    amounts = ones;
    c = rg_case_new("ZVH-00000004");
    report(c, "default", NULL, utc(2025, 12, 1, 9, 0));
    CHECK(due_at(c, "intake.start", "", utc(2025, 12, 2, 9, 0)));
    CHECK(due_at(c, "intake.decision", "", utc(2025, 12, 2, 9, 0)));
    /* Friday 5 December + 1 working day is Monday 8. */
    CHECK(fold(c, "intake.started", utc(2025, 12, 2, 9, 0)) == 0);
    CHECK(fold(c, "intake.admitted", utc(2025, 12, 5, 9, 0)) == 0);
    CHECK(due_at(c, "meeting.held", "", utc(2025, 12, 8, 9, 0)));
    amounts = NULL;
    rg_case_free(c);
}

static void test_stagnation_and_ladder(void)
{
    rg_case *c = to_execution();
    REQUIRE(c->ndl == 4 && rg_case_stagnations(c) == 0);
    /* The review's stagnation, detected Tuesday 16: fired, escalating 5
     * working days later, Tuesday 23. */
    rg_w_kstr(data(1), "norm", "review");
    CHECK(fold(c, "stagnation.detected", utc(2025, 12, 16, 9, 0)) == 0);
    const rg_deadline *d = dl(c, "review", "");
    REQUIRE(d);
    CHECK(d->fired && d->fired_at == utc(2025, 12, 16, 9, 0));
    CHECK(d->escalate_at == utc(2025, 12, 23, 9, 0));
    CHECK(d->due == utc(2026, 1, 20, 9, 0));          /* its due time stays */
    /* A2's, detected Tuesday 23: Wed 24, Mon 29, Tue 30, Wed 31, Mon 5
     * (Friday 2 January 2026 a decreed bridge day). */
    rg_w_kstr(data(2), "norm", "action.done");
    rg_w_kstr(&D, "item", "A2");
    CHECK(fold(c, "stagnation.detected", utc(2025, 12, 23, 9, 0)) == 0);
    d = dl(c, "action.done", "A2");
    REQUIRE(d);
    CHECK(d->fired && d->escalate_at == utc(2026, 1, 5, 9, 0));
    CHECK(rg_case_stagnations(c) == 2);
    /* A stagnation of a deadline that is not open, or of no norm at all,
     * changes nothing. */
    rg_w_kstr(data(1), "norm", "meeting.held");
    CHECK(fold(c, "stagnation.detected", utc(2025, 12, 23, 9, 30)) == 0);
    rg_w_kstr(data(2), "norm", "action.done");
    rg_w_kstr(&D, "item", "A9");
    CHECK(fold(c, "stagnation.detected", utc(2025, 12, 23, 9, 40)) == 0);
    rg_w_kstr(data(1), "norm", "no.such.norm");
    CHECK(fold(c, "stagnation.detected", utc(2025, 12, 23, 9, 50)) == 0);
    CHECK(rg_case_stagnations(c) == 2 && c->ndl == 4);

    /* The first escalation (Tuesday 23, 10:00) takes every stagnation's
     * escalation time away and sets the level's decision deadline: 5
     * working days, Friday 2 January 10:00 UTC (recorded by no event: the
     * old list). */
    rg_w_kuint(data(2), "level", 1);
    rg_w_kstr(&D, "reason", "review overdue");
    CHECK(fold(c, "case.escalated", utc(2025, 12, 23, 10, 0)) == 0);
    CHECK(c->esc_level == 1 && c->esc_max == 1);
    CHECK(dl(c, "review", "")->fired && dl(c, "review", "")->escalate_at == 0);
    CHECK(dl(c, "action.done", "A2")->fired && dl(c, "action.done", "A2")->escalate_at == 0);
    CHECK(due_at(c, "escalation.decision", "", utc(2026, 1, 2, 10, 0)));
    /* A stagnation while the escalation is open gets no escalation time. */
    rg_w_kstr(data(1), "norm", "progress");
    CHECK(fold(c, "stagnation.detected", utc(2025, 12, 24, 9, 0)) == 0);
    d = dl(c, "progress", "");
    CHECK(d && d->fired && d->escalate_at == 0 && d->fired_at == utc(2025, 12, 24, 9, 0));
    CHECK(rg_case_stagnations(c) == 3);
    /* The level climbs: the decision deadline is met and set again. */
    rg_w_kuint(data(2), "level", 2);
    rg_w_kstr(&D, "reason", "no decision");
    CHECK(fold(c, "case.escalated", utc(2026, 1, 2, 10, 0)) == 0);
    CHECK(c->esc_level == 2 && c->esc_max == 2);
    CHECK(due_at(c, "escalation.decision", "", utc(2026, 1, 9, 10, 0)));
    CHECK(dl(c, "escalation.decision", "")->set_at == utc(2026, 1, 2, 10, 0));
    size_t armed = 0;
    for (uint32_t i = 0; i < c->ndl; i++) armed += c->dl[i].escalate_at != 0;
    CHECK(armed == 0);

    /* Resolved Monday 5 January: the decision is met, and every open
     * stagnation escalates again 5 working days on, Monday 12. */
    rg_w_kstr(data(1), "decision", "extra support");
    CHECK(fold(c, "escalation.resolved", utc(2026, 1, 5, 9, 0)) == 0);
    CHECK(c->esc_level == 0 && c->esc_max == 2);
    CHECK(none(c, "escalation.decision", ""));
    CHECK(rg_case_stagnations(c) == 3);
    size_t rearmed = 0;
    for (uint32_t i = 0; i < c->ndl; i++)
        if (c->dl[i].fired) rearmed += c->dl[i].escalate_at == utc(2026, 1, 12, 9, 0);
    CHECK(rearmed == 3);
    /* The fired_at of each stays the moment it was detected. */
    CHECK(dl(c, "review", "")->fired_at == utc(2025, 12, 16, 9, 0));

    /* A review clears the review's and progress' stagnations and sets both
     * again, unfired: 42 days (Tuesday 17 February) and 20 working days
     * (Tuesday 3 February). */
    rg_w_kstr(data(1), "notes", "back on track");
    CHECK(fold(c, "review.held", utc(2026, 1, 6, 9, 0)) == 0);
    CHECK(due_at(c, "review", "", utc(2026, 2, 17, 9, 0)));
    CHECK(due_at(c, "progress", "", utc(2026, 2, 3, 9, 0)));
    CHECK(dl(c, "review", "")->fired_at == 0 && dl(c, "review", "")->escalate_at == 0);
    CHECK(rg_case_stagnations(c) == 1);
    CHECK(dl(c, "action.done", "A2")->fired);

    /* An escalation open when the case closes ends with the work: closing
     * (Wednesday 7 January, 10:00 local) keeps only the aftercare check, 3
     * months on at the same local time - 10:00 summer time, 08:00 UTC. */
    rg_w_kuint(data(2), "level", 1);
    rg_w_kstr(&D, "reason", "A2 stuck");
    CHECK(fold(c, "case.escalated", utc(2026, 1, 6, 10, 0)) == 0);
    CHECK(c->esc_level == 1);
    rg_w_kstr(data(1), "reason", "goals met");
    CHECK(fold(c, "case.closed", utc(2026, 1, 7, 9, 0)) == 0);
    CHECK(c->ndl == 1);
    CHECK(due_at(c, "aftercare", "", utc(2026, 4, 7, 8, 0)));
    CHECK(rg_case_stagnations(c) == 0 && c->esc_level == 0);
    /* The aftercare check meets it and archives the case: what is left is
     * its retention, 1826 days (5 years) at the same local time. */
    rg_w_kstr(data(1), "outcome", "stable");
    CHECK(fold(c, "aftercare.checked", utc(2026, 4, 7, 9, 0)) == 0);
    CHECK(none(c, "aftercare", ""));
    CHECK(due_at(c, "retention", "", utc(2031, 4, 7, 9, 0)));
    CHECK(c->ndl == 1);
    rg_case_free(c);
}

static void test_reopen_after_close(void)
{
    rg_case *c = to_execution();
    rg_w_kstr(data(1), "reason", "goals met");
    CHECK(fold(c, "case.closed", utc(2025, 12, 10, 9, 0)) == 0);
    CHECK(c->ndl == 1 && due_at(c, "aftercare", "", utc(2026, 3, 10, 9, 0)));
    /* Reopened Thursday 11 December: the aftercare check is met, and a new
     * meeting is due in 10 working days, Thursday 25 is Christmas: Wed 24 is
     * the 9th, Mon 29 the 10th. */
    rg_w_kstr(data(1), "reason", "relapse");
    CHECK(fold(c, "case.reopened", utc(2025, 12, 11, 9, 0)) == 0);
    CHECK(none(c, "aftercare", ""));
    CHECK(due_at(c, "meeting.held", "", utc(2025, 12, 29, 9, 0)));
    CHECK(c->ndl == 1);
    rg_case_free(c);
}

int main(void)
{
    RUN(test_intake_norms);
    RUN(test_plan_and_execution_norms);
    RUN(test_item_norms_per_request);
    RUN(test_reentry_and_region_amounts);
    RUN(test_stagnation_and_ladder);
    RUN(test_reopen_after_close);
    rg_buf_free(&D);
    return rg_t_exit();
}
