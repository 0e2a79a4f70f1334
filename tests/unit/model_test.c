/*
 * model_test.c - the model-based test of issue 11: seeded random sequences
 * of steps and clock advances against an in-process engine on a manual
 * clock, with every case compared after every step against the reference
 * model of tests/model/ (norms, working days, stagnations, the escalation
 * ladder), which is written from ../shared/DOMAIN.md and not from the
 * engine.
 *
 * A run: a fresh engine whose clock starts at an instant chosen by the seed
 * a few days before a weekend, King's Day, Ascension, Christmas or a change
 * of summer time, and whose region sets its own norms for MDA++ and the
 * Levensloopaanpak (M_REGION_CONFIG, model.h); up to six cases at a time,
 * half on the default route, the others MDA++ cases reported by Veilig
 * Thuis (after the plan the phases direct_safety, stable_safety, recovery
 * and monitoring, advanced one by one, a relapse now and then back to
 * direct_safety and counted in case.get's relapses, reviews, actions and
 * revisions in every phase, closed from monitoring) or Levensloop cases
 * (admitted naming the provider and the municipal casusregisseur), each
 * walked along its route by its proper actors (reassignments, more-information requests at
 * intake, information requests with and without due dates, plan revisions
 * agreed org by org, actions done or left to lapse, reviews, escalations by
 * hand resolved or not, closing, aftercare, reopening), clock advances from
 * a minute to weeks and onto the very instant the model says something
 * falls due, and steps the rules refuse (a due, meeting time or release date
 * in the past, an aftercare check before its week, an intake decision
 * without criteria or referral, an escalation not above the current level,
 * a phase step the route's phase order does not have or on another route,
 * closing an MDA++ case before monitoring, a Levensloop inclusion without
 * its provider or casusregisseur).  Issue 21's week: early endings (every
 * reason, from any open state), revisions proposed in execution and the
 * phases while the plan stays in force, information requests without a
 * date (5 working days), the ladder climbing through levels 1-3 with
 * decisions (level 3 by a bestuur actor) that give the stuck action or
 * request a new due date, classified answers released by their source to
 * another org that is made to take part afterwards and must read them, and
 * every archived case read as not_found by every partner (its
 * procesregisseur still reads it).  Issue 25's households: persons added,
 * removed, limited to one org (person.share), one member erased on their
 * own granted request (person.erase) and access requests of one member,
 * whose export must hold their data and no other member's; after each, no
 * org's history shows a person it may not see (erased, or limited to
 * others) and the procesregisseur's shows every other.
 * After every step each case's case.get (state, version, escalation level,
 * deadlines, stagnations), its new events (case.history) and the manager's
 * alerts (alerts.list, matched to events by seq) must be what the model
 * expects; the first difference prints the seed, the step and the
 * difference, and ends the run.  The same seed replays the same run.
 *
 *   build/release/tests/unit/model_test      seeds 1..6, 400 steps each (make test)
 *   MODEL_SEED=123 MODEL_STEPS=100000 build/release/tests/unit/model_test
 *   MODEL_SEEDS=50        seeds 1..50 (or MODEL_SEED..MODEL_SEED+49)
 *   MODEL_VERBOSE=1       print every step
 *   MODEL_SKIP=reject,close   leave step kinds out (md_kind_names, driver.c),
 *                        to look past one known difference for the next
 *
 * No wall-clock timing is asserted anywhere: only the manual clock moves.
 *
 * Left out on purpose, because the rules do not decide them: deadlines
 * born overdue (a plan is agreed only while its actions' dates are ahead),
 * which of several stagnations maturing together an escalation names,
 * late_ms, the order of events within one instant (and so whether a
 * stagnation detected at the instant its case escalates alerts the
 * managers); the alerts of procesregisseurs and partners (what a
 * reassignment does to them).
 *
 * The model (tests/model/) is compiled into this file; the Makefile
 * rebuilds this test when one of its files changes
 * (make build/release/tests/unit/model_test).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../test.h"

/* The model is the test's own code: compiled here, not into the engine. */
#include "../model/cal.c"
#include "../model/check.c"
#include "../model/driver.c"
#include "../model/model.c"
#include "../model/steps.c"

#define DEFAULT_SEEDS 6
#define DEFAULT_STEPS 400

/* ---- the model checked by hand, without the engine ---- */

static int64_t local(int y, int m, int d, int hh, int mm)
{
    return mc_from_local(y, m, d, (hh * 60 + mm) * MC_MINUTE);
}

static void test_model_calendar(void)
{
    /* Summer time from the last Sunday of March, 01:00 UTC, to the last of October. */
    CHECK(mc_offset_min(1774745999999LL) == 60);      /* 2026-03-29T00:59:59.999Z */
    CHECK(mc_offset_min(1774746000000LL) == 120);
    CHECK(mc_offset_min(1792889999999LL) == 120);     /* 2026-10-25T00:59:59.999Z */
    CHECK(mc_offset_min(1792890000000LL) == 60);
    /* Friday before King's Day: Monday 27 April does not count. */
    CHECK(mc_add_working_days(local(2026, 4, 24, 10, 0), 2) == local(2026, 4, 29, 10, 0));
    /* Ascension (Thursday 14 May 2026) and its decreed bridge day (Friday
     * 15 May), and Liberation Day (Tuesday 5 May). */
    CHECK(mc_add_working_days(local(2026, 5, 13, 9, 0), 1) == local(2026, 5, 18, 9, 0));
    CHECK(mc_add_working_days(local(2026, 5, 4, 9, 0), 1) == local(2026, 5, 6, 9, 0));
    /* Christmas Eve 2026 (Thursday): Friday 25th, the weekend, then Monday 28th. */
    CHECK(mc_add_working_days(local(2026, 12, 24, 9, 0), 1) == local(2026, 12, 28, 9, 0));
    /* A Saturday event: the first working day is Monday. */
    CHECK(mc_add_working_days(local(2026, 3, 7, 15, 0), 1) == local(2026, 3, 9, 15, 0));
    /* Across summer time the same local time of day: 23 h between the two. */
    CHECK(mc_add_working_days(local(2026, 3, 27, 9, 0), 1) - local(2026, 3, 27, 9, 0) == 71 * MC_HOUR);
    /* Six calendar weeks across summer time are 42 days less an hour. */
    CHECK(mc_add_days(local(2026, 3, 2, 9, 0), 42) - local(2026, 3, 2, 9, 0) == 42 * MC_DAY - MC_HOUR);
    CHECK(mc_add_days(local(2026, 10, 1, 9, 0), 42) - local(2026, 10, 1, 9, 0) == 42 * MC_DAY + MC_HOUR);
    /* Three months, the day clamped. */
    CHECK(mc_add_months(local(2026, 11, 30, 10, 0), 3) == local(2027, 2, 28, 10, 0));
    CHECK(mc_add_months(local(2027, 11, 30, 10, 0), 3) == local(2028, 2, 29, 10, 0));
    /* A due date ends at the local midnight that starts the next day. */
    CHECK(mc_end_of_day(2026, 3, 6) == 1772838000000LL);   /* 2026-03-07T00:00+01:00 */
    CHECK(mc_end_of_day(2026, 6, 30) == local(2026, 7, 1, 0, 0));
    /* Easter Monday, Whit Monday; King's Day on the 26th when the 27th is a Sunday. */
    CHECK(mc_is_holiday(2027, 3, 29) && mc_is_holiday(2027, 5, 17) && mc_is_holiday(2026, 5, 25));
    CHECK(mc_is_holiday(2025, 4, 26) && !mc_is_holiday(2025, 4, 27) && mc_is_holiday(2026, 4, 27));
    CHECK(!mc_is_working_day(2026, 1, 1) && !mc_is_working_day(2026, 1, 2) && !mc_is_working_day(2026, 4, 6));
    /* Good Friday (Algemene termijnenwet art. 3(2)); the day before works. */
    CHECK(!mc_is_working_day(2026, 4, 3) && mc_is_working_day(2026, 4, 2) && mc_is_working_day(2029, 5, 11));
    /* The gap: 02:30 on 29 March 2026 does not exist and reads as 03:30 CEST. */
    CHECK(local(2026, 3, 29, 2, 30) == local(2026, 3, 29, 3, 30));
    /* The overlap: 02:30 on 25 October 2026 is the earlier, CEST instant. */
    CHECK(local(2026, 10, 25, 2, 30) == 1792888200000LL); /* 00:30Z */
}

static int count_type(const m_case *m, const char *type, int level)
{
    int n = 0;
    for (int i = 0; i < m->nev; i++)
        n += strcmp(m->ev[i].type, type) == 0 && (level < 0 || m->ev[i].level == level);
    return n;
}

/* The first finding, in the model: three requests lapsing together
 * escalate once; the ladder then climbs by the decision deadline only. */
static void test_model_ladder(void)
{
    m_case m;
    m_case_init(&m);
    int64_t t0 = local(2026, 3, 2, 9, 0);
    m_apply(&m, "case.reported", t0, NULL);
    m_apply(&m, "intake.started", t0, NULL);
    m_apply(&m, "intake.admitted", t0, NULL);
    int64_t due = mc_end_of_day(2026, 3, 6);
    const char *ids[] = {"R1", "R2", "R3"};
    for (int i = 0; i < 3; i++) {
        m_args a = {.item = ids[i], .due = due};
        m_apply(&m, "info.requested", t0, &a);
    }
    m_advance(&m, due);
    CHECK(count_type(&m, "stagnation.detected", -1) == 3);
    m_advance(&m, local(2026, 3, 12, 23, 59));
    CHECK(count_type(&m, "case.escalated", -1) == 0);
    m_advance(&m, local(2026, 3, 13, 0, 0));        /* 5 working days after Saturday 00:00 */
    CHECK(count_type(&m, "case.escalated", -1) == 1 && m.level == 1);
    CHECK(m.ev[m.nev - 1].norm == -1);               /* three matured: none named */
    m_advance(&m, local(2026, 3, 20, 0, 0));
    CHECK(m.level == 2 && count_type(&m, "case.escalated", 2) == 1);
    m_advance(&m, local(2026, 3, 27, 0, 0));
    CHECK(m.level == 3);
    /* At the top the missed decision is a stagnation, and nothing climbs
     * (due 5 working days on: Good Friday and Easter Monday not counted). */
    m_advance(&m, local(2026, 4, 7, 0, 0));
    const m_deadline *d = m_find(&m, MN_ESC_DECISION, NULL);
    CHECK(d && d->fired && d->escalates_at == 0);
    m_advance(&m, local(2026, 6, 1, 0, 0));
    CHECK(count_type(&m, "case.escalated", -1) == 3);
    /* The meeting stagnation (due 16 March) did not escalate on its own. */
    d = m_find(&m, MN_MEETING_HELD, NULL);
    CHECK(d && d->fired && d->escalates_at == 0);
    /* Resolving clears the decision stagnation; the rest escalate again
     * 5 working days later, at the top: the ladder remembers (issue 21). */
    int64_t r = local(2026, 6, 1, 10, 0);
    m_apply(&m, "escalation.resolved", r, NULL);
    CHECK(m.level == 0 && !m_find(&m, MN_ESC_DECISION, NULL));
    CHECK(count_type(&m, "stagnation.cleared", -1) == 1);
    m_advance(&m, mc_add_working_days(r, 5));
    CHECK(m.level == 3 && count_type(&m, "case.escalated", 3) == 2);
    /* A met norm clears its stagnation although the same event sets it again. */
    m_apply(&m, "meeting.held", mc_add_working_days(r, 5), NULL);
    d = m_find(&m, MN_MEETING_HELD, NULL);
    CHECK(!d && count_type(&m, "stagnation.cleared", -1) == 2);
    m_case_free(&m);
}

static void test_model_progress_cleared_and_reset(void)
{
    m_case m;
    m_case_init(&m);
    int64_t t0 = local(2026, 4, 1, 9, 0);
    const char *ids[] = {"a1"};
    int64_t dues[] = {mc_end_of_day(2026, 6, 30)};
    m_args plan = {.nactions = 1, .action_ids = ids, .action_dues = dues};
    m_apply(&m, "plan.agreed", t0, &plan);
    int64_t progress = m_find(&m, MN_PROGRESS, NULL)->due;
    /* 20 working days from 1 April 2026: Good Friday, Easter Monday and
     * King's Day skipped. */
    CHECK(progress == local(2026, 5, 4, 9, 0));
    CHECK(m_find(&m, MN_REVIEW, NULL)->due == local(2026, 5, 13, 9, 0));
    m_advance(&m, progress);
    CHECK(m_find(&m, MN_PROGRESS, NULL)->fired);
    int64_t t1 = local(2026, 5, 4, 11, 0);
    m_args done = {.item = "a1"};
    m_apply(&m, "action.completed", t1, &done);
    const m_deadline *d = m_find(&m, MN_PROGRESS, NULL);
    CHECK(d && !d->fired && d->due == mc_add_working_days(t1, 20));
    CHECK(count_type(&m, "stagnation.cleared", -1) == 1);
    CHECK(!m_find(&m, MN_ACTION_DONE, "a1"));
    m_case_free(&m);
}

/* Who hears of what: the managers, of every escalation and of the
 * stagnations of a case without a procesregisseur or with an escalation
 * open; at the instant of an escalation, either. */
static void test_model_alerts(void)
{
    m_case m;
    m_case_init(&m);
    int64_t t0 = local(2026, 6, 1, 9, 0);
    m_apply(&m, "case.reported", t0, NULL);
    m_advance(&m, mc_add_working_days(t0, 2));      /* intake.start, unassigned */
    CHECK(m.ev[m.nev - 1].alerts_managers == M_YES);
    m_apply(&m, "case.assigned", mc_add_working_days(t0, 3), NULL);
    m_advance(&m, mc_add_working_days(t0, 5));      /* intake.decision, assigned */
    CHECK(strcmp(m.ev[m.nev - 1].type, "stagnation.detected") == 0 && m.ev[m.nev - 1].alerts_managers == M_NO);
    /* intake.start's stagnation escalates 5 working days after it was
     * detected: the same instant as nothing else here. */
    m_advance(&m, mc_add_working_days(t0, 7));
    CHECK(strcmp(m.ev[m.nev - 1].type, "case.escalated") == 0 && m.ev[m.nev - 1].alerts_managers == M_YES);
    m_args more = {.due = mc_end_of_day(2026, 6, 12)};
    m_apply(&m, "intake.info_requested", mc_add_working_days(t0, 7), &more);
    m_advance(&m, more.due);                         /* while escalated: the managers hear */
    CHECK(strcmp(m.ev[m.nev - 1].type, "stagnation.detected") == 0 && m.ev[m.nev - 1].alerts_managers == M_YES);
    m_case_free(&m);
}

/* MDA++ in the model (DOMAIN.md, "Other routes"; CONTRACT.md, "Routes"):
 * the agreed plan starts direct_safety with the region's norms for the
 * route (M_REGION_CONFIG: a review every 28 days, progress within 15
 * working days), a phase change meets no norm, a revision proposed and
 * agreed in a phase keeps it, a relapse returns to direct_safety and is
 * counted, the norms run on in every phase, closing leaves the aftercare
 * check only. */
static void test_model_mda(void)
{
    m_case m;
    m_case_init(&m);
    m.route = MR_MDA;
    int64_t t0 = local(2026, 6, 1, 9, 0);             /* a Monday */
    static const char *const to_plan[] = {"case.reported", "case.assigned", "intake.started", "intake.admitted",
                                          "meeting.scheduled", "meeting.held", "plan.proposed", NULL};
    for (int i = 0; to_plan[i]; i++) m_apply(&m, to_plan[i], t0, NULL);
    CHECK(m.state == MS_PLANNING);
    const char *ids[] = {"a1"};
    int64_t dues[] = {mc_end_of_day(2026, 9, 30)};
    m_args plan = {.nactions = 1, .action_ids = ids, .action_dues = dues};
    m_apply(&m, "plan.agreed", t0, &plan);
    CHECK(m.state == MS_DIRECT_SAFETY);
    CHECK(m_find(&m, MN_REVIEW, NULL)->due == local(2026, 6, 29, 9, 0));     /* 28 days */
    CHECK(m_find(&m, MN_PROGRESS, NULL)->due == local(2026, 6, 22, 9, 0));   /* 15 working days */
    CHECK(m_find(&m, MN_ACTION_DONE, "a1") != NULL);
    m_apply(&m, "phase.advanced", t0 + MC_HOUR, NULL);
    CHECK(m.state == MS_STABLE_SAFETY && m_find(&m, MN_PROGRESS, NULL)->due == local(2026, 6, 22, 9, 0));
    /* A revision in the phase: proposed and agreed there. */
    m_apply(&m, "plan.proposed", t0 + 2 * MC_HOUR, NULL);
    CHECK(m.state == MS_STABLE_SAFETY && !m_find(&m, MN_ACTION_DONE, "a1"));
    m_apply(&m, "plan.agreed", t0 + 3 * MC_HOUR, &plan);
    CHECK(m.state == MS_STABLE_SAFETY && m_find(&m, MN_ACTION_DONE, "a1"));
    /* Progress lapses in the phase; the phases move on regardless. */
    m_advance(&m, local(2026, 6, 22, 9, 0));
    CHECK(m.ev[m.nev - 1].norm == MN_PROGRESS && m.ev[m.nev - 1].state == MS_STABLE_SAFETY);
    m_apply(&m, "phase.advanced", local(2026, 6, 23, 9, 0), NULL);
    m_apply(&m, "phase.advanced", local(2026, 6, 23, 10, 0), NULL);
    CHECK(m.state == MS_MONITORING);
    m_apply(&m, "phase.relapsed", local(2026, 6, 24, 9, 0), NULL);
    CHECK(m.state == MS_DIRECT_SAFETY && m.relapses == 1);
    CHECK(m_find(&m, MN_PROGRESS, NULL)->fired);      /* a relapse is no progress */
    int64_t r = local(2026, 6, 25, 9, 0);
    m_apply(&m, "review.held", r, NULL);
    CHECK(!m_find(&m, MN_PROGRESS, NULL)->fired && count_type(&m, "stagnation.cleared", -1) == 1);
    CHECK(m_find(&m, MN_REVIEW, NULL)->due == local(2026, 7, 23, 9, 0));
    for (int i = 0; i < 3; i++) m_apply(&m, "phase.advanced", r + (i + 1) * MC_HOUR, NULL);
    CHECK(m.state == MS_MONITORING && m.relapses == 1);
    m_apply(&m, "case.closed", r + 4 * MC_HOUR, NULL);
    CHECK(m.state == MS_CLOSED && m.ndl == 1 && m_find(&m, MN_AFTERCARE, NULL));
    m_case_free(&m);
}

static uint64_t run_seed_value;
static int run_steps;
static unsigned run_skip;
static bool run_verbose;

static void run_seed(void)
{
    if (md_begin(run_seed_value, run_skip, run_verbose) == 0)
        while (md.step < run_steps && md_step()) {
        }
    md_end();
}

static void test_engine_against_model(void)
{
    const char *s = getenv("MODEL_SEED"), *n = getenv("MODEL_SEEDS"), *st = getenv("MODEL_STEPS");
    uint64_t first = s && *s ? strtoull(s, NULL, 10) : 1;
    int seeds = n && *n ? atoi(n) : s && *s ? 1 : DEFAULT_SEEDS;
    run_steps = st && *st ? atoi(st) : DEFAULT_STEPS;
    printf("  %d seed(s) from %" PRIu64 ", %d steps each\n", seeds, first, run_steps);
    for (int i = 0; i < seeds; i++) {
        char name[64];
        run_seed_value = first + (uint64_t)i;
        snprintf(name, sizeof name, "model_seed_%" PRIu64, run_seed_value);
        rg_t_run(name, run_seed);
    }
}

static void parse_env(void)
{
    const char *v = getenv("MODEL_SKIP"), *verbose = getenv("MODEL_VERBOSE");
    run_verbose = verbose && atoi(verbose) > 0;
    if (!v) return;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", v);
    for (char *tok = strtok(buf, ", "); tok; tok = strtok(NULL, ", ")) {
        int k = md_kind(tok);
        if (k < 0) printf("  MODEL_SKIP: no step kind %s\n", tok);
        else run_skip |= 1u << k;
    }
}

int main(void)
{
    parse_env();
    RUN(test_model_calendar);
    RUN(test_model_ladder);
    RUN(test_model_progress_cleared_and_reset);
    RUN(test_model_alerts);
    RUN(test_model_mda);
    test_engine_against_model();
    return rg_t_exit();
}
