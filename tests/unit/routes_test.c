/*
 * routes_test.c - the routes the ZVHs run (issue 17), in process on a
 * manual clock:
 *
 *   (MDA++ through its phases is phases_test.c's, beside handlers/phases.c)
 *   - a Levensloop admission names the provider (who joins) and the
 *     municipal casusregisseur;
 *   - a region's weekly triage day sets the intake deadline, across a
 *     holiday; another region keeps its working days;
 *   - a change of a region's norms applies to deadlines set after it,
 *     existing deadlines keep theirs, also through a rebuild;
 *   - a region's cap on open MDA++ cases per procesregisseur.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "steps.h"

static char vt[128], gem[128], pr[128], pr2[128], mgr[128], mgrB[128], vtB[128];

static const char *config_text;

static void open_with(const char *dir, const char *text)
{
    config_text = text;
    if (text) {
        char path[512];
        snprintf(path, sizeof path, "/tmp/regie-routes-%d.conf", (int)getpid());
        FILE *f = fopen(path, "w");
        fputs(text, f);
        fclose(f);
        rg_t_config = strdup(path);
    }
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    free((char *)rg_t_config);
    rg_t_config = NULL;
}

static void setup(const char *config)
{
    open_with(NULL, config);
    actor_in("vt", "partner", "veilig-thuis", "tilburg", NULL, vt);
    actor_in("gem", "partner", "gemeente-tilburg", "tilburg", NULL, gem);
    actor_in("pr", "procesregisseur", "zvh-tilburg", "tilburg", NULL, pr);
    actor_in("pr2", "procesregisseur", "zvh-tilburg", "tilburg", NULL, pr2);
    actor_in("mgr", "manager", "zvh-tilburg", "tilburg", NULL, mgr);
    actor_in("mgrB", "manager", "zvh-breda", "breda", NULL, mgrB);
    actor_in("vtB", "partner", "veilig-thuis", "breda", NULL, vtB);
}

static void teardown(void)
{
    rg_t_local_close(&L, true);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

static void report(const char *token, const char *route, char *id)
{
    static int n;
    char rq[32];
    snprintf(rq, sizeof rq, "rr%d", ++n);
    rg_buf_reset(&B);
    rg_req_envelope(&B, "case.report", token, rq, NULL, -1, 6);
    rg_w_kstr(&B, "target_group", "huiselijk_geweld");
    rg_w_kstr(&B, "summary", "structureel onveilig");
    rg_w_kstr(&B, "urgency", "high");
    rg_w_kbool(&B, "informed", true);
    rg_w_kstr(&B, "route", route);
    rg_w_cstr(&B, "subject");
    rg_w_map(&B, 1);
    rg_w_kstr(&B, "name", "Familie De Vries");
    id[0] = '\0';
    if (send_req()[0] == 0) snprintf(id, 32, "%s", rg_t_str(&R, "case"));
}

static uint64_t due_of(const char *token, const char *id, const char *norm)
{
    uint64_t due = 0;
    if (query(token, "case.get", id)[0]) return 0;
    const rg_val *dl = rg_map_get(rg_t_get(&R, "case"), "deadlines");
    for (uint32_t i = 0; i < rg_array_size(dl); i++)
        if (rg_val_is_str(rg_map_get(rg_array_at(dl, i), "norm"), norm))
            rg_val_uint(rg_map_get(rg_array_at(dl, i), "due"), &due);
    return due;
}

static void test_levensloop_inclusion(void)
{
    setup(NULL);
    char id[32];
    report(vt, "levensloop", id);
    REQUIRE(id[0]);
    rg_w_kstr(req(pr, "case.assign", id, 1), "procesregisseur", "pr");
    OK();
    req(pr, "intake.start", id, 0);
    OK();
    rg_buf *b = req(pr, "intake.decide", id, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "inclusietafel: included");
    rg_t_w_list(b, "criteria", "local_safety");
    FAILS("bad_request", "data.provider and data.casusregisseur");
    b = req(pr, "intake.decide", id, 5);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "inclusietafel: included");
    rg_t_w_list(b, "criteria", "local_safety");
    rg_w_kstr(b, "provider", "levensloopaanbieder-noord");
    rg_w_kstr(b, "casusregisseur", "gemeente-tilburg");
    OK();
    REQUIRE(query(pr, "case.get", id)[0] == 0);
    const rg_val *parts = rg_map_get(rg_t_get(&R, "case"), "participants");
    bool provider = false, municipality = false;
    for (uint32_t i = 0; i < rg_array_size(parts); i++) {
        provider |= rg_val_is_str(rg_map_get(rg_array_at(parts, i), "org"), "levensloopaanbieder-noord");
        municipality |= rg_val_is_str(rg_map_get(rg_array_at(parts, i), "org"), "gemeente-tilburg");
    }
    CHECK(provider && municipality);
    /* The casusregisseur it named is the case's, before and after a plan. */
    CHECK(rg_val_is_str(rg_map_get(rg_t_get(&R, "case"), "casusregisseur"), "gemeente-tilburg"));
    /* The municipality, as casusregisseur, reads the case. */
    CHECK(query(gem, "case.get", id)[0] == 0);
    teardown();
}

/* Tilburg triages on Tuesdays, reports in before Monday 12:00. */
static const char *TRIAGE =
    "[tilburg]\n"
    "triage.day = tuesday\n"
    "triage.cutoff = monday 12:00\n";

static void test_weekly_triage_day(void)
{
    setup(TRIAGE);
    char id[32];
    /* Monday 20 April 2026, 11:00: in before the cutoff, triage on Tuesday
     * 21 April: due at its end. */
    clock_to(iso("2026-04-20T11:00:00+02:00"));
    report(vt, "default", id);
    REQUIRE(id[0]);
    CHECK(due_of(mgr, id, "intake.start") == iso("2026-04-22T00:00:00+02:00"));
    /* 12:30: after the cutoff, next week's Tuesday, 28 April. */
    clock_to(iso("2026-04-20T12:30:00+02:00"));
    report(vt, "default", id);
    CHECK(due_of(mgr, id, "intake.start") == iso("2026-04-29T00:00:00+02:00"));
    /* Across a holiday: reported Monday 4 May; Tuesday 5 May is Liberation
     * Day, so triage moves to Wednesday 6 May. */
    clock_to(iso("2026-05-04T09:00:00+02:00"));
    report(vt, "default", id);
    CHECK(due_of(mgr, id, "intake.start") == iso("2026-05-07T00:00:00+02:00"));
    /* Breda has no triage day: 2 working days, Liberation Day not counted. */
    report(vtB, "default", id);
    CHECK(due_of(mgrB, id, "intake.start") == iso("2026-05-07T09:00:00+02:00"));
    teardown();
}

static void test_norm_change_keeps_existing_deadlines(void)
{
    setup("norm.intake.decision = 5\n");
    char *dir = strdup(L.dir);
    clock_to(iso("2026-06-01T09:00:00+02:00"));
    char before[32], after[32];
    report(vt, "default", before);
    REQUIRE(before[0]);
    uint64_t due5 = due_of(mgr, before, "intake.decision");
    CHECK(due5 == iso("2026-06-08T09:00:00+02:00"));
    rg_t_local_close(&L, false);
    /* The region now decides in 3 working days. */
    open_with(dir, "[tilburg]\nnorm.intake.decision = 3\n");
    report(vt, "default", after);
    CHECK(due_of(mgr, after, "intake.decision") == iso("2026-06-04T09:00:00+02:00"));
    CHECK(due_of(mgr, before, "intake.decision") == due5);
    /* Through a rebuild, too. */
    rg_t_local_settle(&L);
    uint64_t replayed = 0;
    REQUIRE(rg_replay_rebuild(L.e, &replayed) == 0);
    CHECK(due_of(mgr, before, "intake.decision") == due5);
    CHECK(due_of(mgr, after, "intake.decision") == iso("2026-06-04T09:00:00+02:00"));
    rg_t_local_close(&L, true);
    free(dir);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

static void test_mda_cap(void)
{
    setup("[tilburg]\nmda.cap = 2\n");
    char id[32];
    for (int i = 0; i < 2; i++) {
        report(vt, "mda", id);
        rg_w_kstr(req(mgr, "case.assign", id, 1), "procesregisseur", "pr");
        OK();
    }
    report(vt, "mda", id);
    rg_w_kstr(req(mgr, "case.assign", id, 1), "procesregisseur", "pr");
    FAILS("guard_failed", "the region's cap is 2");
    rg_w_kstr(req(mgr, "case.assign", id, 1), "procesregisseur", "pr2");
    OK();
    /* Other routes are not capped. */
    report(vt, "default", id);
    rg_w_kstr(req(mgr, "case.assign", id, 1), "procesregisseur", "pr");
    OK();
    teardown();
}

int main(void)
{
    RUN(test_levensloop_inclusion);
    RUN(test_weekly_triage_day);
    RUN(test_norm_change_keeps_existing_deadlines);
    RUN(test_mda_cap);
    return rg_t_exit();
}
