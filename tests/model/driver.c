/*
 * driver.c - a model-based run (driver.h): the run's state and its seeded
 * random choices, which step to take next (from what each case's state
 * allows, with weights that walk cases along the whole route), and after
 * every step the comparison of every case with the model (check.h).
 */
#include "driver.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal.h"
#include "check.h"
#include "../../handlers/handlers.h"
#include "../../engine/core/bootstrap.h"

md_run md;

const char *const md_org_names[MD_NORGS] = {"police", "ggz", "gemeente", "reclassering", "veilig-thuis"};

const char *const md_kind_names[MD_K_N] = {
    "advance", "report", "assign", "intake.start", "more_info", "admit", "reject", "info.request",
    "info.provide", "meeting.schedule", "meeting.hold", "plan.propose", "plan.agree", "action.complete",
    "review.hold", "escalate", "resolve", "close", "aftercare", "reopen", "phase.advance", "phase.relapse",
    "probe", "end", "item.release", "partner.join", "household",
};

/* splitmix64: the same sequence on every machine. */
static uint64_t rnd64(void)
{
    uint64_t z = (md.rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int md_rnd(int n) { return (int)(rnd64() % (uint64_t)n); }

/* ---- reporting ---- */

void md_describe(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(md.desc, sizeof md.desc, fmt, ap);
    va_end(ap);
    if (md.verbose) {
        char t[64];
        printf("  [%d] %s  %s\n", md.step, mv_time(md.now, t, sizeof t), md.desc);
    }
}

void md_fail(const char *fmt, ...)
{
    if (!md.failed) {
        char t[64];
        printf("  MISMATCH seed %" PRIu64 " step %d at %s: %s\n", md.seed, md.step, mv_time(md.now, t, sizeof t),
               md.desc);
        printf("  replay: MODEL_SEED=%" PRIu64 " MODEL_STEPS=%d MODEL_VERBOSE=1 %s\n", md.seed, md.step,
               "build/release/tests/unit/model_test");
    }
    va_list ap;
    va_start(ap, fmt);
    printf("  ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    md.failed = true;
    rg_t_failed = 1;
}

/* ---- choosing a step ---- */

typedef struct choice {
    int kind, weight;
} choice;

/* The steps the case allows now, each with a weight. */
static int choices(const md_case *c, choice *out)
{
    int n = 0, st = c->m.state, openreq = 0, openact = 0;
    for (int i = 0; i < c->nreq; i++) openreq += !c->req[i].answered;
    for (int i = 0; i < c->nact; i++) openact += c->act[i].status == MD_ACT_OPEN;
    const m_deadline *ac = m_find(&c->m, MN_AFTERCARE, NULL);
#define ADD(k, w) (out[n].kind = (k), out[n].weight = (w), n++)
    if (md_open_state(st) || st == MS_CLOSED) ADD(MD_K_ASSIGN, c->pr ? 2 : 12);
    if (c->pr) {
        if (st == MS_REPORTED) ADD(MD_K_START, 10);
        if (st == MS_INTAKE) (void)(ADD(MD_K_MORE_INFO, 4), ADD(MD_K_ADMIT, 7), ADD(MD_K_REJECT, 1));
        if (md_working(st) && c->nreq < MD_MAXREQ) ADD(MD_K_INFO_REQUEST, 4);
        if (st == MS_ANALYSIS) ADD(MD_K_SCHEDULE, 7);
        if (st == MS_MEETING) ADD(MD_K_HOLD, 8);
        if (st == MS_PLANNING) ADD(MD_K_PROPOSE, c->proposed && md_dues_ahead(c) ? 1 : 8);
        if (st == MS_EXECUTION) (void)(ADD(MD_K_PROPOSE, 2), ADD(MD_K_REVIEW, 4), ADD(MD_K_CLOSE, 3));
        if (M_IS_PHASE(st)) {
            /* MDA++: the phases, a relapse now and then, reviews and
             * revisions in every phase, closing from monitoring (not while a
             * revision waits for agreement). */
            ADD(MD_K_PROPOSE, c->proposed ? 1 : 2);
            ADD(MD_K_REVIEW, 4);
            if (st != MS_MONITORING) ADD(MD_K_PHASE_ADVANCE, 5);
            if (st != MS_DIRECT_SAFETY) ADD(MD_K_RELAPSE, 1);
            if (st == MS_MONITORING && !c->proposed) ADD(MD_K_CLOSE, 4);
        }
        if (md_open_state(st) && c->m.level < 3) ADD(MD_K_ESCALATE, 3);
        /* Rarely: the person dies, moves, is detained or withdraws. */
        if (md_open_state(st) && md_rnd(3) == 0) ADD(MD_K_END, 1);
        if (st == MS_CLOSED && ac && md.now >= md_aftercare_from(ac->due)) ADD(MD_K_AFTERCARE, 10);
        /* Rarely: a closed case waits three months for its aftercare check,
         * and is picked many times meanwhile. */
        if (st == MS_CLOSED && md_rnd(10) == 0) ADD(MD_K_REOPEN, 1);
        ADD(MD_K_PROBE, 2);
    }
    if (md_working(st) && openreq) ADD(MD_K_INFO_PROVIDE, 5);
    if ((st == MS_PLANNING || st == MS_EXECUTION || M_IS_PHASE(st)) && c->proposed && md_dues_ahead(c))
        ADD(MD_K_AGREE, 10);
    /* The plan in force's actions, also while a revision waits for
     * agreement (issue 21: the agreed plan stays in force until then). */
    if ((st == MS_EXECUTION || M_IS_PHASE(st)) && openact) ADD(MD_K_COMPLETE, 6);
    if ((md_open_state(st) || st == MS_CLOSED) && c->m.level > 0) ADD(MD_K_RESOLVE, 4);
    /* A classified answer released by its source to another org, which is
     * then made to take part (a later participant reads it). */
    if ((md_open_state(st) || st == MS_CLOSED) && md_releasable(c) >= 0) ADD(MD_K_RELEASE, 3);
    if (c->pr && md_working(st) && md_joinable(c) >= 0) ADD(MD_K_JOIN, 4);
    if (c->pr && md_open_state(st)) ADD(MD_K_HOUSEHOLD, 3);
#undef ADD
    int kept = 0;
    for (int i = 0; i < n; i++)
        if (!(md.skip & (1u << out[i].kind))) out[kept++] = out[i];
    return kept;
}

static bool case_step(md_case *c)
{
    choice ch[24];
    int n = choices(c, ch), total = 0;
    for (int i = 0; i < n; i++) total += ch[i].weight;
    if (!total) return false;
    int r = md_rnd(total), i = 0;
    while (r >= ch[i].weight) r -= ch[i++].weight;
    md.kind = ch[i].kind;
    return md_take(c, ch[i].kind);
}

static int active(void)
{
    int n = 0;
    for (int i = 0; i < MD_MAXC; i++) n += md.c[i].used;
    return n;
}

static void step(void)
{
    md.step++;
    md.desc[0] = 0;
    int r = md_rnd(100), n = active();
    bool may_report = !(md.skip & (1u << MD_K_REPORT));
    if (r < 22 && !(md.skip & (1u << MD_K_ADVANCE))) {
        md.kind = MD_K_ADVANCE;
        md_advance();
    } else if (may_report && (n == 0 || (n < MD_MAXC && r < 30))) {
        md.kind = MD_K_REPORT;
        md_report();
    } else if (r == 30 && !(md.skip & (1u << MD_K_PROBE))) {
        md.kind = MD_K_PROBE;
        md_probe_reentry();
    } else {
        /* A random case with something to do; else time moves on. */
        for (int tries = 0; tries < 8; tries++) {
            md_case *c = &md.c[md_rnd(MD_MAXC)];
            if (c->used && case_step(c)) return;
        }
        md.kind = MD_K_ADVANCE;
        md_advance();
    }
}

/* ---- comparing ---- */

/* The engine's own events the run saw, for the summary of what it covered. */
static void count_events(const md_case *c)
{
    for (int i = c->checked; i < c->m.nev; i++) {
        const m_event *e = &c->m.ev[i];
        if (strcmp(e->type, "stagnation.detected") == 0) {
            if (e->norm == MN_ESC_DECISION) md.decision_missed++;
            else md.detected++;
            int k = e->norm == MN_ACTION_DONE ? 0 : e->norm == MN_REVIEW ? 1 : e->norm == MN_PROGRESS ? 2 : -1;
            if (k >= 0 && M_IS_PHASE(e->state)) md.phase_norms[e->state - MS_DIRECT_SAFETY][k]++;
        } else if (strcmp(e->type, "stagnation.cleared") == 0) {
            md.cleared++;
        } else if (strcmp(e->type, "case.escalated") == 0) {
            if (!e->autoesc) md.by_hand++;
            else if (e->level == 1) md.escalated++;
            else md.climbed++;
        }
    }
}

/* case.get or case.history by the manager, who sees every case whole. */
static const char *read_case(const char *op, const md_case *c)
{
    rg_buf_reset(&md.b);
    rg_req_envelope(&md.b, op, md.mgr_tok, NULL, c->id, -1, -1);
    return rg_t_local_send(&md.engine, &md.b, &md.r);
}

/* The log positions of the events just compared (the history is in md.r),
 * to match alerts to them. */
static void keep_positions(md_case *c)
{
    if (c->m.nev > c->cap) {
        int cap = c->m.nev + 64;
        c->seq = rg_realloc(c->seq, (size_t)cap * sizeof *c->seq);
        c->key = rg_realloc(c->key, (size_t)cap * sizeof *c->key);
        c->alerted = rg_realloc(c->alerted, (size_t)cap);
        memset(c->alerted + c->cap, 0, (size_t)(cap - c->cap));
        c->cap = cap;
    }
    const rg_val *events = rg_t_get(&md.r, "events");
    for (int v = c->checked; v < c->m.nev; v++) {
        c->seq[v] = 0;
        rg_val_uint(rg_map_get(rg_array_at(events, (uint32_t)v), "seq"), &c->seq[v]);
        mv_engine_key(events, (uint32_t)v, c->key[v]);
    }
}

static void forget(md_case *c)
{
    m_case_free(&c->m);
    free(c->seq);
    free(c->key);
    free(c->alerted);
    memset(c, 0, sizeof *c);
}

static void check_case(md_case *c)
{
    rg_buf diff = RG_BUF_INIT;
    const char *e = read_case("case.get", c);
    if (e[0]) {
        md_fail("case.get c%d %s: %s: %s", c->n, c->id, e, rg_t_str(&md.r, "message"));
        return;
    }
    int bad = mv_check_case(rg_t_get(&md.r, "case"), &c->m, &diff);
    uint64_t version = 0;
    rg_val_uint(rg_map_get(rg_t_get(&md.r, "case"), "version"), &version);
    if (version != (uint64_t)c->checked || c->m.nev != c->checked) {
        e = read_case("case.history", c);
        if (e[0]) {
            md_fail("case.history c%d %s: %s: %s", c->n, c->id, e, rg_t_str(&md.r, "message"));
            rg_buf_free(&diff);
            return;
        }
        bad += mv_check_events(rg_t_get(&md.r, "events"), c->checked, &c->m, &diff);
    }
    if (bad) {
        /* The story so far, both sides, to read the difference in. */
        if (!read_case("case.history", c)[0]) mv_dump_events(rg_t_get(&md.r, "events"), &c->m, 30, &diff);
        md_fail("case c%d %s differs from the model:\n%s", c->n, c->id, (const char *)diff.data);
    } else {
        if (c->m.nev > c->checked) keep_positions(c);
        count_events(c);
        c->checked = c->m.nev;
    }
    rg_buf_free(&diff);
}

static md_case *tracked(const char *id)
{
    for (int i = 0; i < MD_MAXC; i++)
        if (md.c[i].used && strcmp(md.c[i].id, id) == 0) return &md.c[i];
    return NULL;
}

/* The manager's new alerts, each matched by its seq to the event that
 * raised it; then every case's alerted events against the model's (a
 * manager hears of every escalation and of every stagnation of a case
 * without a procesregisseur). */
static void check_alerts(void)
{
    for (;;) {
        rg_buf_reset(&md.b);
        rg_req_envelope(&md.b, "alerts.list", md.mgr_tok, NULL, NULL, -1, 3);
        rg_w_kbool(&md.b, "all", true);                 /* resolved ones too: every one raised */
        rg_w_kuint(&md.b, "after", md.alerts_after);
        rg_w_kuint(&md.b, "limit", 1000);
        const char *e = rg_t_local_send(&md.engine, &md.b, &md.r);
        if (e[0]) {
            md_fail("alerts.list (manager): %s: %s", e, rg_t_str(&md.r, "message"));
            return;
        }
        const rg_val *alerts = rg_t_get(&md.r, "alerts");
        uint32_t n = rg_array_size(alerts);
        for (uint32_t i = 0; i < n && !md.failed; i++) {
            const rg_val *a = rg_array_at(alerts, i);
            char id[64] = "";
            uint64_t seq = 0;
            rg_val_strcpy(rg_map_get(a, "case"), id, sizeof id);
            rg_val_uint(rg_map_get(a, "seq"), &seq);
            md_case *c = tracked(id);
            if (!c) continue;                       /* a case the run has left */
            int v = c->checked - 1;
            while (v >= 0 && c->seq[v] != seq) v--;
            if (v < 0) {
                md_fail("the manager has an alert for seq %" PRIu64 ", not an event of c%d %s", seq, c->n, c->id);
            } else if (c->alerted[v]) {
                md_fail("the manager has two alerts for c%d %s v%d: %s", c->n, c->id, v + 1, c->key[v]);
            } else {
                c->alerted[v] = 1;
                md.alerts++;
            }
        }
        uint64_t next = rg_t_uint(&md.r, "next");
        if (next > md.alerts_after) md.alerts_after = next;
        if (n < 1000 || md.failed) break;
    }
    for (int i = 0; i < MD_MAXC && !md.failed; i++) {
        md_case *c = &md.c[i];
        if (!c->used) continue;
        rg_buf diff = RG_BUF_INIT;
        int bad = mv_check_alerts(&c->m, c->key, c->alerted, c->checked, &diff);
        if (bad && !read_case("case.history", c)[0]) mv_dump_events(rg_t_get(&md.r, "events"), &c->m, 30, &diff);
        if (bad) md_fail("the manager's alerts of c%d %s differ from the model:\n%s", c->n, c->id,
                         (const char *)diff.data);
        rg_buf_free(&diff);
    }
}

/* A case that can change no more leaves the run (its slot is reused). */
static void retire_finished(void)
{
    for (int i = 0; i < MD_MAXC; i++) {
        md_case *c = &md.c[i];
        if (!c->used) continue;
        bool finished = (c->m.state == MS_REFERRED || c->m.state == MS_ARCHIVED) && m_next_timer(&c->m) == M_NONE;
        if (!finished && c->m.nev < MD_MAX_EVENTS) continue;
        forget(c);
    }
}

/* ---- a run ---- */

/* Local dates a few days before something the calendar must get right. */
static const struct { int y, m, d; const char *what; } starts[] = {
    {2025, 12, 17, "Christmas and New Year"},
    {2026, 3, 19, "summer time (29 March) and Easter Monday (6 April)"},
    {2026, 4, 21, "King's Day (27 April), Liberation Day, Ascension (14 May), Whit Monday"},
    {2026, 10, 15, "winter time (25 October)"},
    {2027, 3, 22, "summer time (28 March) and Easter Monday (29 March)"},
    {2027, 4, 22, "King's Day (Tuesday 27 April), Ascension (6 May)"},
    {2026, 12, 18, "Christmas on a Friday and Saturday"},
    {2028, 4, 20, "King's Day (Thursday 27 April), Ascension (25 May)"},
};

/* rg_t_local_open with the clock starting at `start` (md is zeroed). */
static int open_engine(int64_t start)
{
    md.engine.dir = rg_t_tmpdir();
    uv_loop_init(&md.engine.loop);
    rg_engine_opts o = {.module = &rg_handlers_module, .dir = md.engine.dir};
    o.clock.manual = true;
    o.clock.now_ms = (uint64_t)start;
    o.config = md.config;
    if (rg_engine_open(&md.engine.e, &md.engine.loop, &o) < 0) return -1;
    if (rg_bootstrap_admin(md.engine.e, md.engine.dir) < 0) return -1;
    char path[700];
    snprintf(path, sizeof path, "%s/admin.token", md.engine.dir);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    if (!fgets(md.engine.admin, sizeof md.engine.admin, f)) md.engine.admin[0] = 0;
    fclose(f);
    md.engine.admin[strcspn(md.engine.admin, "\n")] = 0;
    rg_engine_start(md.engine.e);
    return md.engine.admin[0] ? 0 : -1;
}

int md_begin(uint64_t seed, unsigned skip, bool verbose)
{
    memset(&md, 0, sizeof md);
    md.skip = skip;
    md.verbose = verbose;
    md.seed = seed;
    md.rng = seed * 0x2545f4914f6cdd1dULL + 1;
    int which = md_rnd((int)(sizeof starts / sizeof starts[0]));
    /* Any day of the week before it, at any minute of the day. */
    md.now = mc_from_local(starts[which].y, starts[which].m, starts[which].d, 0) - md_rnd(7) * MC_DAY +
             md_rnd(24 * 60) * MC_MINUTE;
    char t[64];
    printf("  seed %" PRIu64 ": from %s, before %s\n", seed, mv_time(md.now, t, sizeof t), starts[which].what);
    md.config = rg_t_write_file("region.conf", M_REGION_CONFIG);
    if (!md.config || open_engine(md.now) != 0) {
        printf("  could not open an engine in %s\n", md.engine.dir);
        rg_t_failed = 1;
        md.failed = true;
        return -1;
    }
    for (int i = 0; i < MD_NORGS; i++) {
        char id[32];
        snprintf(id, sizeof id, "p-%s", md_org_names[i]);
        rg_t_local_actor(&md.engine, id, "partner", md_org_names[i], md.org_tok[i]);
    }
    rg_t_local_actor(&md.engine, "prA", "procesregisseur", "zvh", md.pr_tok[1]);
    rg_t_local_actor(&md.engine, "prB", "procesregisseur", "zvh", md.pr_tok[2]);
    rg_t_local_actor(&md.engine, "mgr1", "manager", "zvh", md.mgr_tok);
    rg_t_local_actor(&md.engine, "burg1", "bestuur", "gemeente", md.bestuur_tok);
    bool actors = md.mgr_tok[0] && md.bestuur_tok[0] && md.pr_tok[1][0] && md.pr_tok[2][0];
    for (int i = 0; i < MD_NORGS; i++) actors = actors && md.org_tok[i][0];
    if (!actors) {
        printf("  could not create the actors\n");
        rg_t_failed = 1;
        md.failed = true;
        return -1;
    }
    return 0;
}

bool md_step(void)
{
    if (md.failed) return false;
    step();
    for (int i = 0; i < MD_MAXC && !md.failed; i++)
        if (md.c[i].used) check_case(&md.c[i]);
    for (int i = 0; i < MD_MAXC && !md.failed; i++)
        if (md.c[i].used && md.c[i].m.state == MS_ARCHIVED && !md.c[i].archived_checked) md_check_archived(&md.c[i]);
    if (!md.failed) check_alerts();
    if (!md.failed) md.done[md.kind]++;
    retire_finished();
    return !md.failed;
}

void md_end(void)
{
    if (!md.failed) {
        printf("  seed %" PRIu64 ": %d steps, %d cases (%d default, %d mda, %d levensloop; %d mda closed from "
               "monitoring), agree with the model; steps:", md.seed, md.step, md.ncases, md.routes[MR_DEFAULT],
               md.routes[MR_MDA], md.routes[MR_LEVENSLOOP], md.closed_mda);
        for (int k = 0; k < MD_K_N; k++)
            if (md.done[k]) printf(" %s %d", md_kind_names[k], md.done[k]);
        printf("; by the engine: %d stagnations, %d cleared, %d escalations, %d climbs, %d decisions missed at"
               " level 3 (and %d escalations by hand); %d alerts for the manager\n",
               md.detected, md.cleared, md.escalated, md.climbed, md.decision_missed, md.by_hand, md.alerts);
        printf("  seed %" PRIu64 ": %d decisions with a new due date, %d reads of a released item by its org "
               "(%d orgs joined after the release), %d archived cases hidden from every partner\n", md.seed,
               md.new_dues, md.released_read, md.joined_later, md.archived_hidden);
        printf("  seed %" PRIu64 ": households: %d persons added, %d removed, %d limited to one org, %d erased on "
               "their own request, %d access exports of one member\n", md.seed, md.persons_added,
               md.persons_removed, md.persons_shared, md.persons_erased, md.person_exports);
        printf("  seed %" PRIu64 ": stagnations of action.done/review/progress in the MDA++ phases:", md.seed);
        for (int p = 0; p < 4; p++)
            printf(" %s %d/%d/%d", m_state_names[MS_DIRECT_SAFETY + p], md.phase_norms[p][0], md.phase_norms[p][1],
                   md.phase_norms[p][2]);
        printf("\n");
    }
    for (int i = 0; i < MD_MAXC; i++)
        if (md.c[i].used) forget(&md.c[i]);
    rg_t_reply_free(&md.r);
    rg_buf_free(&md.b);
    rg_t_local_close(&md.engine, true);
    if (md.config) {
        *strrchr(md.config, '/') = 0;
        rg_t_rmrf(md.config);
        free(md.config);
        md.config = NULL;
    }
}

int md_kind(const char *name)
{
    for (int k = 0; k < MD_K_N; k++)
        if (strcmp(md_kind_names[k], name) == 0) return k;
    return -1;
}
