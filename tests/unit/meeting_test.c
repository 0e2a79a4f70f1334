/*
 * meeting_test.c - handlers/meeting.c over an engine in this process, on a
 * manual clock moved to Monday 2 March 2026, 09:00 in Amsterdam:
 * meeting.schedule (the invited orgs by name, a date ahead, before a
 * re-entry case's release, a case meeting before the plan and evaluation
 * meetings once it is in force, one at a time), meeting.reschedule (only a
 * scheduled meeting, to a date ahead) and meeting.hold (when it really took
 * place, never ahead, and whether it was moved).  Issue 21's meeting cases
 * (finding 12), moved here from ladder_test.c.  Every refusal with its error
 * code and nothing written.
 */
#include "steps.h"

static rg_t_cast C;
static char gem[128];

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &C) == 0);
    rg_t_local_actor(&L, "gem", "partner", "gemeente", gem);
    REQUIRE(gem[0]);
    clock_to(iso("2026-03-02T09:00:00+01:00"));
}

/* A case reported by police and admitted by pr: analysis. */
static void admitted_case(char *id)
{
    id[0] = '\0';
    if (rg_t_local_report(&L, C.pol, "A. Person", id)[0]) return;
    const char *e = rg_t_local_drive(&L, &C, id, "analysis");
    if (e[0]) {
        printf("  %s\n", e);
        id[0] = '\0';
    }
}

/* The due time of the case's open deadline of a norm (0: none). */
static uint64_t deadline_due(const char *id, const char *norm)
{
    uint64_t due = 0;
    if (query(C.pr, "case.get", id)[0]) return 0;
    const rg_val *dl = rg_map_get(rg_t_get(&R, "case"), "deadlines");
    for (uint32_t i = 0; i < rg_array_size(dl); i++)
        if (rg_val_is_str(rg_map_get(rg_array_at(dl, i), "norm"), norm))
            rg_val_uint(rg_map_get(rg_array_at(dl, i), "due"), &due);
    return due;
}

/* How many events of type the last reply's events hold. */
static int events_of(const char *type)
{
    const rg_val *evs = rg_t_get(&R, "events");
    int n = 0;
    for (uint32_t i = 0; i < rg_array_size(evs); i++)
        n += rg_val_is_str(rg_map_get(rg_array_at(evs, i), "type"), type);
    return n;
}

static void schedule(const char *token, const char *id, const char *at, const char *orgs, const char *kind)
{
    rg_buf *b = req(token, "meeting.schedule", id, kind ? 3 : 2);
    rg_w_kstr(b, "at", at);
    rg_t_w_list(b, "orgs", orgs);
    if (kind) rg_w_kstr(b, "kind", kind);
}

static void hold(const char *id, const char *held_at)
{
    rg_buf *b = req(C.pr, "meeting.hold", id, held_at ? 3 : 2);
    rg_t_w_list(b, "attendees", "ggz");
    rg_w_kstr(b, "conclusions", "a plan is needed");
    if (held_at) rg_w_kstr(b, "held_at", held_at);
}

/* Issue 21, finding 12: a meeting could be set after its norm without a
 * word, and recorded as held days before its time as if on time.  Now the
 * reply says when the date misses the norm, meeting.reschedule moves it, and
 * meeting.hold records when it really took place and that it was moved. */
static void test_meetings(void)
{
    setup();
    char id[32];
    admitted_case(id);                   /* Monday 2 March 09:00: held by 16 March 09:00 */
    REQUIRE(id[0]);
    rg_buf *b = req(C.pr, "meeting.reschedule", id, 1);
    rg_w_kstr(b, "at", "2026-03-12T10:00:00+01:00");
    REFUSED("invalid_transition", "analysis");
    schedule(C.pr, id, "2026-03-20T10:00:00+01:00", "ggz,de politie", NULL);
    REFUSED("bad_request", "data.orgs[1]");
    schedule(C.pr, id, "2026-03-01T10:00:00+01:00", "ggz", NULL);
    REFUSED("guard_failed", "data.at");
    schedule(C.ggz, id, "2026-03-20T10:00:00+01:00", "ggz", NULL);
    REFUSED("forbidden", "");
    schedule(C.pr, id, "2026-03-20T10:00:00+01:00", "ggz", NULL);
    OK();
    const rg_val *late = rg_t_get(&R, "late");
    uint64_t due = 0;
    CHECK(rg_val_is_str(rg_map_get(late, "norm"), "meeting.held"));
    CHECK(rg_val_uint(rg_map_get(late, "due"), &due) && due == iso("2026-03-16T09:00:00+01:00"));
    b = req(C.pr, "meeting.reschedule", id, 1);
    rg_w_kstr(b, "at", "2026-03-01T10:00:00+01:00");
    REFUSED("guard_failed", "data.at");
    b = req(C.pr, "meeting.reschedule", id, 1);
    rg_w_kstr(b, "at", "2026-03-12T10:00:00+01:00");
    OK();
    CHECK(rg_t_get(&R, "late") == NULL);
    REQUIRE(query(C.pr, "case.get", id)[0] == 0);
    CHECK(rg_val_is_str(rg_map_get(rg_map_get(rg_t_get(&R, "case"), "meeting"), "at"), "2026-03-12T10:00:00+01:00"));
    clock_to(iso("2026-03-09T12:00:00+01:00"));
    hold(id, "2026-03-09T13:00:00+01:00");
    REFUSED("guard_failed", "held_at");
    hold(id, "2026-03-09");
    REFUSED("bad_request", "data.held_at: a date and time");
    hold(id, "2026-03-09T10:30:00+01:00");
    OK();
    const rg_val *data = rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "data");
    uint64_t held = 0;
    bool moved = false;
    CHECK(rg_val_uint(rg_map_get(data, "held_at"), &held) && held == iso("2026-03-09T10:30:00+01:00"));
    CHECK(rg_val_bool(rg_map_get(data, "moved"), &moved) && moved);
    CHECK(rg_val_is_str(rg_map_get(data, "scheduled"), "2026-03-12T10:00:00+01:00"));
    REQUIRE(query(C.pr, "case.get", id)[0] == 0);
    CHECK(rg_val_is_str(rg_map_get(rg_t_get(&R, "case"), "state"), "planning"));
    b = req(C.pr, "meeting.reschedule", id, 1);
    rg_w_kstr(b, "at", "2026-03-20T10:00:00+01:00");
    REFUSED("invalid_transition", "planning");
    steps_close();
}

/* A meeting held on its day, at its time by default: not moved; the orgs
 * invited take part from the schedule on. */
static void test_held_on_its_day(void)
{
    setup();
    char id[32];
    admitted_case(id);
    REQUIRE(id[0]);
    CHECK(strcmp(query(gem, "case.get", id), "not_found") == 0);
    schedule(C.pr, id, "2026-03-05T10:00:00+01:00", "gemeente", NULL);
    OK();
    CHECK(rg_t_get(&R, "late") == NULL);
    CHECK(query(gem, "case.get", id)[0] == 0);
    clock_to(iso("2026-03-05T11:00:00+01:00"));
    hold(id, NULL);
    OK();
    const rg_val *data = rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "data");
    uint64_t held = 0;
    CHECK(rg_val_uint(rg_map_get(data, "held_at"), &held) && held == iso("2026-03-05T11:00:00+01:00"));
    CHECK(rg_map_get(data, "moved") == NULL);
    steps_close();
}

/* Route re-entry: the case meeting comes before the person's release. */
static void test_reentry_before_release(void)
{
    setup();
    rg_buf *b = req(C.pol, "case.report", NULL, 7);
    rg_w_kstr(b, "target_group", "overig");
    rg_w_kstr(b, "summary", "returns to the neighbourhood");
    rg_w_kstr(b, "urgency", "high");
    rg_w_kbool(b, "informed", true);
    rg_w_kstr(b, "route", "re-entry");
    rg_w_kstr(b, "release_date", "2026-03-20");
    rg_w_cstr(b, "subject");
    rg_w_map(b, 1);
    rg_w_kstr(b, "name", "Alex Visser");
    OK();
    char id[32];
    snprintf(id, sizeof id, "%s", rg_t_str(&R, "case"));
    DONE(rg_t_local_drive(&L, &C, id, "analysis"));
    schedule(C.pr, id, "2026-03-20T10:00:00+01:00", "ggz", NULL);
    REFUSED("guard_failed", "before release on 2026-03-20");
    /* The release day begins at midnight in Amsterdam (23:00 UTC the day
     * before, in winter): 00:30 that night is on it. */
    schedule(C.pr, id, "2026-03-20T00:30:00+01:00", "ggz", NULL);
    REFUSED("guard_failed", "before release on 2026-03-20");
    schedule(C.pr, id, "2026-03-19T23:00:00Z", "ggz", NULL);
    REFUSED("guard_failed", "before release on 2026-03-20");
    schedule(C.pr, id, "2026-03-19T10:00:00+01:00", "ggz", NULL);
    OK();
    steps_close();
}

/* Issue 21, finding 12 (the rest): further meetings in execution.  A
 * meeting in execution was refused (invalid_transition); now an evaluation
 * meeting (kind evaluation) is scheduled, moved and held there, the case
 * stays in execution, the orgs it invites take part, and holding it is a
 * review of the case: the review and progress norms start again from it. */
static void test_evaluation_meetings(void)
{
    setup();
    char id[32];
    admitted_case(id);
    REQUIRE(id[0]);
    schedule(C.pr, id, "2026-03-05T10:00:00+01:00", "gemeente", "evaluation");
    REFUSED("guard_failed", "kind case");
    DONE(rg_t_local_drive(&L, &C, id, "execution"));          /* agreed Monday 2 March 09:00 */
    CHECK(deadline_due(id, "review") == iso("2026-04-13T09:00:00+02:00"));
    rg_buf *b = req(C.pr, "meeting.hold", id, 2);
    rg_t_w_list(b, "attendees", "ggz");
    rg_w_kstr(b, "conclusions", "on track");
    REFUSED("guard_failed", "no evaluation meeting scheduled");
    b = req(C.pr, "meeting.reschedule", id, 1);
    rg_w_kstr(b, "at", "2026-03-19T14:00:00+01:00");
    REFUSED("guard_failed", "no scheduled evaluation meeting to move");
    schedule(C.pr, id, "2026-03-20T10:00:00+01:00", "gemeente", NULL);
    REFUSED("guard_failed", "kind evaluation");
    schedule(C.pr, id, "2026-03-20T10:00:00+01:00", "gemeente", "evaluation");
    OK();
    CHECK(events_of("evaluation.scheduled") == 1);
    schedule(C.pr, id, "2026-03-21T10:00:00+01:00", "gemeente", "evaluation");
    REFUSED("guard_failed", "hold it first");
    b = req(C.pr, "meeting.reschedule", id, 1);
    rg_w_kstr(b, "at", "2026-03-19T14:00:00+01:00");
    OK();
    REQUIRE(query(C.pr, "case.get", id)[0] == 0);
    const rg_val *cs = rg_t_get(&R, "case"), *m = rg_map_get(cs, "meeting");
    CHECK(rg_val_is_str(rg_map_get(cs, "state"), "execution"));
    CHECK(rg_val_is_str(rg_map_get(m, "kind"), "evaluation") && rg_val_is_str(rg_map_get(m, "at"), "2026-03-19T14:00:00+01:00"));
    /* The municipality was invited: it takes part from now on. */
    CHECK(query(gem, "case.get", id)[0] == 0);
    clock_to(iso("2026-03-19T15:00:00+01:00"));
    b = req(C.pr, "meeting.hold", id, 2);
    rg_w_cstr(b, "attendees");
    rg_w_array(b, 2);
    rg_w_cstr(b, "ggz");
    rg_w_cstr(b, "gemeente");
    rg_w_kstr(b, "conclusions", "housing first");
    OK();
    CHECK(events_of("evaluation.held") == 1 && events_of("meeting.held") == 0);
    REQUIRE(query(C.pr, "case.get", id)[0] == 0);
    cs = rg_t_get(&R, "case");
    bool held = false;
    CHECK(rg_val_is_str(rg_map_get(cs, "state"), "execution"));
    CHECK(rg_val_bool(rg_map_get(rg_map_get(cs, "meeting"), "held"), &held) && held);
    /* Six calendar weeks from the meeting, across the change to summer time. */
    CHECK(deadline_due(id, "review") == iso("2026-04-30T15:00:00+02:00"));
    CHECK(deadline_due(id, "progress") > iso("2026-04-13T00:00:00+02:00"));
    /* Another one may follow; a case meeting may not. */
    schedule(C.pr, id, "2026-04-02T10:00:00+02:00", "gemeente", "case");
    REFUSED("guard_failed", "kind evaluation");
    schedule(C.pr, id, "2026-04-02T10:00:00+02:00", "gemeente", "evaluation");
    OK();
    steps_close();
}

int main(void)
{
    RUN(test_meetings);
    RUN(test_held_on_its_day);
    RUN(test_reentry_before_release);
    RUN(test_evaluation_meetings);
    return rg_t_exit();
}
