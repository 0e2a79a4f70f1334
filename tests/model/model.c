/*
 * model.c - the reference model; see model.h.  The norms of the default
 * route are one table (which events meet and set which norm, and how far
 * ahead), the ladder a few lines in m_advance.
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal.h"

const char *const m_state_names[MS_NSTATES] = {
    "reported", "intake", "referred", "analysis", "meeting", "planning", "execution", "closed", "archived",
    "direct_safety", "stable_safety", "recovery", "monitoring",
};

const char *const m_route_names[MR_NROUTES] = {"default", "mda", "levensloop"};

const char *const m_norm_names[MN_NNORMS] = {
    "intake.start", "intake.decision", "intake.more_info", "info.answer", "meeting.held", "plan.agreed",
    "action.done", "review", "progress", "aftercare", "escalation.decision",
};

#define BIT(n) (1u << (n))
#define ALL_BUT_AFTERCARE ((BIT(MN_NNORMS) - 1) & ~BIT(MN_AFTERCARE))

/* How far ahead a norm falls due when an event sets it. */
enum { DUE_WD, DUE_DAYS, DUE_MONTHS, DUE_ARG };
typedef struct m_norm_due {
    int kind, n;
} m_norm_due;

static const m_norm_due m_norm_dues[MN_NNORMS] = {
    /* the defaults of DOMAIN.md, "The case life cycle"; M_REGION_CONFIG
     * changes some for MDA++ and the Levensloopaanpak (m_amount) */
    [MN_INTAKE_START] = {DUE_WD, 2},
    [MN_INTAKE_DECISION] = {DUE_WD, 5},
    [MN_INTAKE_MORE_INFO] = {DUE_ARG, 0},
    [MN_INFO_ANSWER] = {DUE_ARG, 0},
    [MN_MEETING_HELD] = {DUE_WD, 10},
    [MN_PLAN_AGREED] = {DUE_WD, 10},
    [MN_ACTION_DONE] = {DUE_ARG, 0},
    [MN_REVIEW] = {DUE_DAYS, 42},          /* 6 calendar weeks */
    [MN_PROGRESS] = {DUE_WD, 20},
    [MN_AFTERCARE] = {DUE_MONTHS, 3},
    [MN_ESC_DECISION] = {DUE_WD, 5},
};

int m_amount(int route, int norm)
{
    /* What M_REGION_CONFIG says, in the norm's own unit. */
    if (route == MR_MDA && norm == MN_REVIEW) return 28;
    if (route == MR_MDA && norm == MN_PROGRESS) return 15;
    if (route == MR_LEVENSLOOP && norm == MN_MEETING_HELD) return 15;
    if (route == MR_LEVENSLOOP && norm == MN_REVIEW) return 56;
    return m_norm_dues[norm].n;
}

/* Per event type: the state it enters (-1 keeps it), the norms it meets
 * (per item for info.answer/action.done when the event names one, else all
 * of them), the norms it sets. */
typedef struct m_rule {
    const char *type;
    int enters;
    uint32_t meets, sets;
} m_rule;

static const m_rule m_rules[] = {
    {"case.reported", MS_REPORTED, 0, BIT(MN_INTAKE_START) | BIT(MN_INTAKE_DECISION)},
    {"case.assigned", -1, 0, 0},
    {"intake.started", MS_INTAKE, BIT(MN_INTAKE_START), 0},
    {"intake.info_requested", -1, BIT(MN_INTAKE_DECISION) | BIT(MN_INTAKE_MORE_INFO), BIT(MN_INTAKE_MORE_INFO)},
    {"intake.admitted", MS_ANALYSIS, BIT(MN_INTAKE_DECISION) | BIT(MN_INTAKE_MORE_INFO), BIT(MN_MEETING_HELD)},
    {"intake.rejected", MS_REFERRED, BIT(MN_INTAKE_DECISION) | BIT(MN_INTAKE_MORE_INFO), 0},
    {"info.requested", -1, 0, BIT(MN_INFO_ANSWER)},
    {"info.provided", -1, BIT(MN_INFO_ANSWER), 0},
    {"meeting.scheduled", MS_MEETING, 0, 0},
    {"meeting.held", MS_PLANNING, BIT(MN_MEETING_HELD), BIT(MN_PLAN_AGREED)},
    {"plan.proposed", MS_PLANNING, BIT(MN_ACTION_DONE), BIT(MN_PLAN_AGREED)},
    /* A revision proposed while a plan is in force (issue 21): the plan
     * stays in force, its stagnations stay until met; only the agreement
     * replaces it (m_apply_norms: plan.agreed). */
    {"plan.revision_proposed", -1, 0, BIT(MN_PLAN_AGREED)},
    {"plan.agreement", -1, 0, 0},
    {"plan.agreed", MS_EXECUTION, BIT(MN_PLAN_AGREED),
     BIT(MN_ACTION_DONE) | BIT(MN_REVIEW) | BIT(MN_PROGRESS)},
    {"action.completed", -1, BIT(MN_ACTION_DONE) | BIT(MN_PROGRESS), BIT(MN_PROGRESS)},
    {"review.held", -1, BIT(MN_REVIEW) | BIT(MN_PROGRESS), BIT(MN_REVIEW) | BIT(MN_PROGRESS)},
    {"case.escalated", -1, BIT(MN_ESC_DECISION), BIT(MN_ESC_DECISION)},
    {"escalation.resolved", -1, BIT(MN_ESC_DECISION), 0},
    /* Work that ends (closed, referred, archived) takes every deadline of
     * that work with it, the escalation's decision deadline too, and the
     * open escalation ends with it (m_apply_event); then the event sets what
     * follows (aftercare).  An escalation opened in closed (the aftercare
     * check's stagnation) is resolved there. */
    {"case.closed", MS_CLOSED, ALL_BUT_AFTERCARE, BIT(MN_AFTERCARE)},
    {"aftercare.checked", MS_ARCHIVED, BIT(MN_AFTERCARE), 0},
    /* An early ending (DOMAIN.md, "Early endings"; issue 21): from any open
     * state straight to archived, every deadline and the escalation ended,
     * no aftercare. */
    {"case.ended", MS_ARCHIVED, 0, 0},
    {"case.reopened", MS_ANALYSIS, BIT(MN_PLAN_AGREED) | BIT(MN_AFTERCARE), BIT(MN_MEETING_HELD)},
    /* MDA++: a phase change is neither a completion nor a review; where
     * the case goes is m_enters's */
    {"phase.advanced", -1, 0, 0},
    {"phase.relapsed", MS_DIRECT_SAFETY, 0, 0},
    /* Who takes part and who reads what: no norm. */
    {"partner.joined", -1, 0, 0},
    {"item.released", -1, 0, 0},
    /* The persons of a household (issue 25): who the case is about, who
     * sees them, whose data is erased -- no norm. */
    {"person.added", -1, 0, 0},
    {"person.removed", -1, 0, 0},
    {"person.shared", -1, 0, 0},
    {"person.erased", -1, 0, 0},
    {NULL, 0, 0, 0},
};

static const m_rule *m_rule_of(const char *type)
{
    for (const m_rule *r = m_rules; r->type; r++)
        if (strcmp(r->type, type) == 0) return r;
    fprintf(stderr, "model: no rule for event %s\n", type);
    abort();                  /* a bug in the test itself */
}

void m_case_init(m_case *c)
{
    memset(c, 0, sizeof *c);
}

void m_case_free(m_case *c)
{
    free(c->dl);
    free(c->ev);
    memset(c, 0, sizeof *c);
}

static m_event *m_push(m_case *c, const char *type, int64_t at, bool system)
{
    if (c->nev == c->capev) {
        c->capev = c->capev ? 2 * c->capev : 16;
        c->ev = realloc(c->ev, (size_t)c->capev * sizeof *c->ev);
        if (!c->ev) abort();
    }
    m_event *e = &c->ev[c->nev++];
    memset(e, 0, sizeof *e);
    snprintf(e->type, sizeof e->type, "%s", type);
    e->at = at;
    e->system = system;
    e->norm = -1;
    e->state = c->state;
    return e;
}

const m_deadline *m_find(const m_case *c, int norm, const char *item)
{
    for (int i = 0; i < c->ndl; i++)
        if (c->dl[i].norm == norm && strcmp(c->dl[i].item, item ? item : "") == 0) return &c->dl[i];
    return NULL;
}

static void m_drop(m_case *c, int i)
{
    c->dl[i] = c->dl[--c->ndl];
}

/* Meet norm (one item, or every item when item is NULL): a passed deadline
 * is cleared with stagnation.cleared, a pending one just goes. */
static void m_meet(m_case *c, int norm, const char *item, int64_t at)
{
    for (int i = 0; i < c->ndl;) {
        m_deadline *d = &c->dl[i];
        if (d->norm != norm || (item && strcmp(d->item, item) != 0)) {
            i++;
            continue;
        }
        if (d->fired) {
            m_event *e = m_push(c, "stagnation.cleared", at, true);
            e->norm = norm;
            snprintf(e->item, sizeof e->item, "%s", d->item);
        }
        /* The stuck step is done: the ladder forgets it (not its level). */
        if (c->step == M_STEP_KNOWN && c->step_norm == norm && strcmp(c->step_item, d->item) == 0)
            c->step = M_STEP_NONE;
        m_drop(c, i);
    }
}

/* Set a deadline unless the same norm and item is still open. */
static void m_set(m_case *c, int norm, const char *item, int64_t due)
{
    if (m_find(c, norm, item)) return;
    if (c->ndl == c->capdl) {
        c->capdl = c->capdl ? 2 * c->capdl : 8;
        c->dl = realloc(c->dl, (size_t)c->capdl * sizeof *c->dl);
        if (!c->dl) abort();
    }
    m_deadline *d = &c->dl[c->ndl++];
    memset(d, 0, sizeof *d);
    d->norm = norm;
    snprintf(d->item, sizeof d->item, "%s", item ? item : "");
    d->due = due;
}

static int64_t m_due_of(int route, int norm, int64_t at, int64_t arg)
{
    const m_norm_due *nd = &m_norm_dues[norm];
    int n = m_amount(route, norm);
    switch (nd->kind) {
    case DUE_WD: return mc_add_working_days(at, n);
    case DUE_DAYS: return mc_add_days(at, n);
    case DUE_MONTHS: return mc_add_months(at, n);
    default: return arg;
    }
}

/* The state an event takes a case of its route to (-1: it stays).  MDA++:
 * the first agreed plan starts direct_safety, a plan revised in a phase is
 * proposed and agreed there, phase.advanced moves on one phase. */
static int m_enters(const m_case *c, const m_rule *r)
{
    if (c->route != MR_MDA) return strcmp(r->type, "phase.advanced") == 0 ? -1 : r->enters;
    bool phase = M_IS_PHASE(c->state);
    if (strcmp(r->type, "plan.agreed") == 0) return phase ? -1 : MS_DIRECT_SAFETY;
    if (strcmp(r->type, "plan.proposed") == 0) return phase ? -1 : r->enters;
    if (strcmp(r->type, "phase.advanced") == 0) {
        if (c->state == MS_DIRECT_SAFETY) return MS_STABLE_SAFETY;
        if (c->state == MS_STABLE_SAFETY) return MS_RECOVERY;
        if (c->state == MS_RECOVERY) return MS_MONITORING;
        fprintf(stderr, "model: phase.advanced in %s\n", m_state_names[c->state]);
        abort();              /* the driver never asks for it */
    }
    return r->enters;
}

/* The event's norms: met first, then set, so that met+set restarts a clock. */
static void m_apply_norms(m_case *c, const m_rule *r, int64_t at, const m_args *a)
{
    const char *item = a && a->item && a->item[0] ? a->item : NULL;
    if (strcmp(r->type, "plan.agreed") == 0) {
        /* The plan agreed replaces the one in force: an action it no longer
         * has open, or has with another date, is met (a stagnation of it
         * cleared); the others keep their deadlines. */
        for (int i = 0; i < c->ndl;) {
            const m_deadline *d = &c->dl[i];
            bool keep = d->norm != MN_ACTION_DONE;
            for (int j = 0; !keep && a && j < a->nactions; j++)
                keep = !strcmp(a->action_ids[j], d->item) && a->action_dues[j] == d->due;
            if (keep) {
                i++;
                continue;
            }
            char it[M_ITEM];
            snprintf(it, sizeof it, "%s", d->item);
            m_meet(c, MN_ACTION_DONE, it, at);
        }
    }
    for (int n = 0; n < MN_NNORMS; n++) {
        if (!(r->meets & BIT(n))) continue;
        bool per_item = n == MN_INFO_ANSWER || n == MN_ACTION_DONE;
        m_meet(c, n, per_item ? item : NULL, at);
    }
    for (int n = 0; n < MN_NNORMS; n++) {
        if (!(r->sets & BIT(n))) continue;
        if (n == MN_ACTION_DONE) {
            for (int i = 0; a && i < a->nactions; i++)
                if (a->action_dues[i]) m_set(c, n, a->action_ids[i], a->action_dues[i]);
        } else if (n == MN_INFO_ANSWER || n == MN_INTAKE_MORE_INFO) {
            if (a && a->due) m_set(c, n, n == MN_INFO_ANSWER ? item : NULL, a->due);
            /* A request given no date: 5 working days (issue 21). */
            else if (n == MN_INFO_ANSWER && item) m_set(c, n, item, mc_add_working_days(at, 5));
        } else {
            m_set(c, n, NULL, m_due_of(c->route, n, at, 0));
        }
    }
}

const m_deadline *m_redatable_step(const m_case *c)
{
    if (c->step != M_STEP_KNOWN || (c->step_norm != MN_ACTION_DONE && c->step_norm != MN_INFO_ANSWER)) return NULL;
    return m_find(c, c->step_norm, c->step_item);
}

/* What an event does to the ladder, after its norms: it remembers while its
 * known stuck step is open (stuck, or waiting for a new due date), and
 * while any stagnation of the work is. */
static void m_settle_ladder(m_case *c)
{
    if (!c->ladder || c->level) return;
    if (c->step == M_STEP_KNOWN && m_find(c, c->step_norm, c->step_item)) return;
    for (int i = 0; i < c->ndl; i++)
        if (c->dl[i].fired && c->dl[i].norm != MN_ESC_DECISION) return;
    c->ladder = 0;
    c->step = M_STEP_NONE;
}

/* A decision's new_due: the stuck step's stagnation is cleared and its
 * deadline starts again at the end of that day (the engine's
 * ladder_redate). */
static void m_redate(m_case *c, int64_t at, int64_t due)
{
    m_deadline *d = (m_deadline *)m_redatable_step(c);
    if (!d) abort();                        /* the driver sends new_due only for one */
    if (d->fired) {
        m_event *e = m_push(c, "stagnation.cleared", at, true);
        e->norm = d->norm;
        snprintf(e->item, sizeof e->item, "%s", d->item);
    }
    d->due = due;
    d->fired = false;
    d->since = 0;
    d->escalates_at = 0;
}

static void m_apply_ladder(m_case *c, const char *type, int64_t at, int level, int64_t new_due)
{
    if (strcmp(type, "case.escalated") == 0) {
        c->level = level;
        c->ladder = level;
        /* While an escalation is open, stagnations wait for its decision. */
        for (int i = 0; i < c->ndl; i++) c->dl[i].escalates_at = 0;
    } else if (strcmp(type, "escalation.resolved") == 0) {
        c->level = 0;
        int64_t again = mc_add_working_days(at, 5);
        for (int i = 0; i < c->ndl; i++)
            if (c->dl[i].fired) c->dl[i].escalates_at = again;
        if (new_due) m_redate(c, at, new_due);
    }
    m_settle_ladder(c);
}

static void m_apply_event(m_case *c, const char *type, int64_t at, const m_args *a, bool system, bool autoesc)
{
    const m_rule *r = m_rule_of(type);
    m_event *e = m_push(c, type, at, system);
    if (strcmp(type, "case.escalated") == 0) {
        e->level = a ? a->level : 0;
        e->autoesc = autoesc;
        e->alerts_managers = M_YES;
    }
    if (strcmp(type, "case.assigned") == 0) c->assigned = true;
    if (strcmp(type, "phase.relapsed") == 0) c->relapses++;
    int before = c->state, to = m_enters(c, r);
    if (to >= 0) c->state = to;
    bool ended = c->state != before &&
                 (c->state == MS_CLOSED || c->state == MS_REFERRED || c->state == MS_ARCHIVED);
    if (ended) {
        for (int n = 0; n < MN_NNORMS; n++) m_meet(c, n, NULL, at);
        c->level = 0;
        c->ladder = 0;
        c->step = M_STEP_NONE;
    }
    m_apply_norms(c, r, at, a);
    m_apply_ladder(c, type, at, a ? a->level : 0, a ? a->new_due : 0);
}

void m_apply(m_case *c, const char *type, int64_t at, const m_args *a)
{
    m_apply_event(c, type, at, a, false, false);
}

int64_t m_next_timer(const m_case *c)
{
    int64_t next = M_NONE;
    for (int i = 0; i < c->ndl; i++) {
        const m_deadline *d = &c->dl[i];
        if (!d->fired && d->due < next) next = d->due;
        if (d->fired && c->level == 0 && d->escalates_at && d->escalates_at < next) next = d->escalates_at;
    }
    return next;
}

/* Everything that falls due at exactly t. */
static void m_fire_at(m_case *c, int64_t t)
{
    for (;;) {
        int i = 0;
        while (i < c->ndl && (c->dl[i].fired || c->dl[i].due != t)) i++;
        if (i == c->ndl) break;
        m_deadline *d = &c->dl[i];
        if (d->norm == MN_ESC_DECISION && c->level > 0 && c->level < 3) {
            /* Undecided: the case climbs a level; that case.escalated meets
             * the decision deadline and sets the next one. */
            m_args a = {.level = c->level + 1};
            m_apply_event(c, "case.escalated", t, &a, true, true);
            continue;
        }
        d->fired = true;
        d->since = t;
        d->escalates_at = c->level == 0 ? mc_add_working_days(t, 5) : 0;
        m_event *e = m_push(c, "stagnation.detected", t, true);
        /* The issue: a stagnation of an escalated case is reported to the
         * level already handling it. */
        e->alerts_managers = !c->assigned || c->level > 0 ? M_YES : M_NO;
        e->norm = d->norm;
        snprintf(e->item, sizeof e->item, "%s", d->item);
        e->due = d->due;
    }
    if (c->level != 0) return;
    /* Stagnations maturing now escalate the case once: to level 1, or one
     * above the level the ladder last reached while the case stays stuck. */
    int matured = 0, which = -1;
    for (int i = 0; i < c->ndl; i++)
        if (c->dl[i].fired && c->dl[i].escalates_at && c->dl[i].escalates_at <= t) {
            matured++;
            which = i;
        }
    if (!matured) return;
    int norm = c->dl[which].norm;
    char item[M_ITEM];
    snprintf(item, sizeof item, "%s", c->dl[which].item);
    m_args a = {.level = c->ladder ? (c->ladder < 3 ? c->ladder + 1 : 3) : 1};
    /* The escalation of a stagnation names it: the ladder remembers it as
     * its stuck step, unless it remembers one already. */
    if (c->step == M_STEP_NONE) {
        c->step = matured == 1 ? M_STEP_KNOWN : M_STEP_UNKNOWN;
        c->step_norm = norm;
        snprintf(c->step_item, sizeof c->step_item, "%s", item);
    }
    m_apply_event(c, "case.escalated", t, &a, true, true);
    for (int i = c->nev - 1; i >= 0 && c->ev[i].at == t; i--)
        if (strcmp(c->ev[i].type, "stagnation.detected") == 0 && c->ev[i].alerts_managers == M_NO)
            c->ev[i].alerts_managers = M_EITHER;
    /* Name the stagnation only when it is the one: several maturing at once
     * give one escalation, and which of them it names is not a rule. */
    for (int i = c->nev - 1; i >= 0; i--)
        if (strcmp(c->ev[i].type, "case.escalated") == 0) {
            if (matured == 1) {
                c->ev[i].norm = norm;
                snprintf(c->ev[i].item, sizeof c->ev[i].item, "%s", item);
            }
            break;
        }
}

void m_advance(m_case *c, int64_t to)
{
    int64_t t;
    while ((t = m_next_timer(c)) <= to) m_fire_at(c, t);
}
