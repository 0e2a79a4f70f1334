/*
 * deadlines.c - the norms of schemas/norms.c applied to a case: which
 * deadlines an event sets and meets (the fold, run by rg_fold_apply for live
 * commands and replay alike), and what time a deadline falls due, in working
 * days of Europe/Amsterdam (calendar.c).
 *
 * Invariants: a case holds at most one deadline per (norm, item); a deadline
 * that passed unmet is `fired` (an open stagnation) until the event that
 * meets the norm removes it; while an escalation is open no stagnation has
 * an escalation time of its own (the case's ladder, below); the fold depends
 * only on the events, the case and the region's norm amounts, so replaying
 * the log gives the same deadlines.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadlines.h"
#include "calendar.h"
#include "case.h"
#include "config.h"
#include "../storage/errors.h"
#include "schema.h"

uint32_t rg_case_stagnations(const rg_case *c)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->ndl; i++) n += c->dl[i].fired;
    return n;
}

/* Which norms each event type sets and meets, as bits per rg_events entry:
 * the norms name their events in space-separated lists, which every event
 * of a fold would otherwise scan.  Also the few event types and the norm the
 * ladder reacts to, by their index, so the fold compares integers. */
#define MAX_EVENTS 256
static uint64_t set_mask[MAX_EVENTS], met_mask[MAX_EVENTS];
static ptrdiff_t ev_detected = -1, ev_escalated = -1, ev_resolved = -1;
static int norm_decision = -1;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void mark(uint64_t *masks, const char *list, int norm)
{
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, " ");
        char name[64];
        if (len > 0 && len < sizeof name) {
            memcpy(name, p, len);
            name[len] = 0;
            const rg_evdef *def = rg_event_find(name);
            if (def && def - rg_events < MAX_EVENTS) masks[def - rg_events] |= 1ULL << norm;
        }
        p += len + (p[len] == ' ');
    }
}

static ptrdiff_t event_index(const char *type)
{
    const rg_evdef *def = rg_event_find(type);
    return def ? def - rg_events : -1;
}

static void build_tables(void)
{
    /* rg_schema_validate (run when an engine opens) has refused a table
     * with more norms than the masks hold. */
    for (int n = 0; rg_norms[n].name && n < RG_MAX_NORMS; n++) {
        mark(set_mask, rg_norms[n].set_by, n);
        mark(met_mask, rg_norms[n].met_by, n);
    }
    ev_detected = event_index("stagnation.detected");
    ev_escalated = event_index("case.escalated");
    ev_resolved = event_index("escalation.resolved");
    norm_decision = rg_norm_find("escalation.decision");
}

int rg_norm_decision(void)
{
    pthread_once(&tables_once, build_tables);
    return norm_decision;
}

static rg_deadline *find(rg_case *c, int norm, const char *item)
{
    for (uint32_t i = 0; i < c->ndl; i++)
        if (c->dl[i].norm == norm && strcmp(c->dl[i].item, item) == 0) return &c->dl[i];
    return NULL;
}

static void drop(rg_case *c, uint32_t i)
{
    RG_ASSERT(i < c->ndl);
    c->dl[i] = c->dl[--c->ndl];
}

/* The end of a user-given date: midnight at the start of the next day,
 * local time; a date-time is taken as it is. */
static bool due_of_date(const char *s, uint64_t *due)
{
    int64_t ms;
    bool date_only;
    if (!rg_parse_iso(s, (uint32_t)strlen(s), &ms, &date_only)) return false;
    if (date_only) {
        int y, m, d;
        if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3) return false;
        ms = rg_cal_end_of_day(y, m, d);
    }
    *due = (uint64_t)ms;
    return true;
}

static void add(rg_case *c, int norm, const char *item, uint64_t due, uint64_t at)
{
    if (find(c, norm, item)) return;             /* an open deadline keeps its time */
    rg_deadline *d = rg_case_add_deadline(c);
    d->norm = norm;
    rg_str_copy(d->item, sizeof d->item, item);
    d->due = due;
    d->set_at = at;
}

/* The due time an amount gives, from `at` (the kinds counted from the event);
 * working days skip the region's closed days too. */
static bool due_by_amount(int kind, uint64_t at, int amount, const rg_region_cfg *rc, uint64_t *due)
{
    switch (kind) {
    case RG_DUE_WORKDAYS:
        *due = (uint64_t)rg_cal_add_working_days_closed((int64_t)at, amount, rc->closed, rc->nclosed);
        return true;
    case RG_DUE_DAYS: *due = (uint64_t)rg_cal_add_days((int64_t)at, amount); return true;
    case RG_DUE_MONTHS: *due = (uint64_t)rg_cal_add_months((int64_t)at, amount); return true;
    default: return false;
    }
}

/* The end of the next triage day whose weekly cutoff is still ahead of at;
 * a triage day that is no working day moves to the next working day. */
static uint64_t triage_due(uint64_t at, const rg_region_cfg *rc)
{
    int y, m, d, hh, mm, ss, ms;
    rg_cal_to_local((int64_t)at, &y, &m, &d, &hh, &mm, &ss, &ms);
    int64_t today = rg_cal_days_from_civil(y, m, d);
    for (int64_t day = today; day < today + 15; day++) {
        int wd = (int)(((day % 7) + 7 + 3) % 7) + 1;          /* 1970-01-01 was a Thursday */
        if (wd != rc->triage_day) continue;
        /* This triage day's cutoff: its weekday on or before it. */
        int64_t cday = day - ((wd - rc->cutoff_day + 7) % 7);
        int cy, cm, cd;
        rg_cal_civil(cday, &cy, &cm, &cd);
        uint64_t cutoff = (uint64_t)rg_cal_from_local(cy, cm, cd, rc->cutoff_min / 60, rc->cutoff_min % 60, 0, 0);
        if (at >= cutoff) continue;
        int64_t tday = day;
        for (;;) {
            int ty, tm, td;
            rg_cal_civil(tday, &ty, &tm, &td);
            bool shut = !rg_cal_is_working_day(ty, tm, td);
            for (int i = 0; i < rc->nclosed && !shut; i++) shut = rc->closed[i] == tday;
            if (!shut) return (uint64_t)rg_cal_end_of_day(ty, tm, td);
            tday++;
        }
    }
    return at;                                  /* unreachable with a valid config */
}

uint32_t rg_deadlines_plan(int route, const rg_evdef *def, uint64_t at, const rg_region_cfg *rc, rg_buf *out)
{
    pthread_once(&tables_once, build_tables);
    ptrdiff_t t = def - rg_events;
    uint64_t set = t >= 0 && t < MAX_EVENTS ? set_mask[t] : 0;
    uint32_t n = 0;
    for (int i = 0; i < RG_MAX_NORMS && set >> i; i++) {
        if (!(set >> i & 1) || !(rg_norms[i].routes & (1u << route))) continue;
        uint64_t due;
        if (rc->triage_day && strcmp(rg_norms[i].name, RG_TRIAGE_NORM) == 0)
            due = triage_due(at, rc);
        else if (rg_norms[i].due == RG_DUE_ITEM_DATE && rg_norms[i].item && rc->amounts[route][i] > 0)
            /* For an item given no date of its own (an information request
             * without `due`): its working days, recorded like any norm. */
            due = (uint64_t)rg_cal_add_working_days_closed((int64_t)at, rc->amounts[route][i], rc->closed,
                                                           rc->nclosed);
        else if (!due_by_amount(rg_norms[i].due, at, rc->amounts[route][i], rc, &due))
            continue;
        rg_w_kuint(out, rg_norms[i].name, due);
        n++;
    }
    return n;
}

static void set_norm(rg_case *c, int n, const rg_event_view *ev, int amount)
{
    const rg_norm *norm = &rg_norms[n];
    uint64_t due;
    char item[RG_ID_MAX] = "", date[RG_DATE_MAX] = "";
    /* The due time the event recorded (its region's norms when it was
     * appended: rg_deadlines_plan), else the amount given.  A norm kept
     * per item that takes the item's own date uses the recorded time only
     * for an item given none (events from before recorded none: no norm). */
    bool recorded = rg_val_uint(rg_map_get(rg_map_get(ev->data, "norms"), norm->name), &due);
    if (recorded && norm->due == RG_DUE_ITEM_DATE && norm->item) {
        rg_val_strcpy(rg_map_get(ev->data, norm->item), item, sizeof item);
        rg_val_strcpy(rg_map_get(ev->data, "due"), date, sizeof date);
        if (!date[0] && item[0]) add(c, n, item, due, ev->at);
        else if (item[0] && due_of_date(date, &due)) add(c, n, item, due, ev->at);
        return;
    }
    if (recorded) {
        add(c, n, "", due, ev->at);
        return;
    }
    switch (norm->due) {
    case RG_DUE_WORKDAYS:
        /* An event without recorded due times is from before they were
         * recorded, and so before the law's calendar: its old days. */
        add(c, n, "", (uint64_t)rg_cal_add_working_days_legacy((int64_t)ev->at, amount), ev->at);
        return;
    case RG_DUE_DAYS:
        add(c, n, "", (uint64_t)rg_cal_add_days((int64_t)ev->at, amount), ev->at);
        return;
    case RG_DUE_MONTHS:
        add(c, n, "", (uint64_t)rg_cal_add_months((int64_t)ev->at, amount), ev->at);
        return;
    case RG_DUE_ITEM_DATE:
        /* Kept per item when the norm names one, else once for the case. */
        if (norm->item) rg_val_strcpy(rg_map_get(ev->data, norm->item), item, sizeof item);
        rg_val_strcpy(rg_map_get(ev->data, "due"), date, sizeof date);
        if ((item[0] || !norm->item) && date[0] && due_of_date(date, &due)) add(c, n, item, due, ev->at);
        return;
    case RG_DUE_RELEASE: {
        int y, m, d;
        if (sscanf(c->release_date, "%4d-%2d-%2d", &y, &m, &d) == 3)
            add(c, n, "", (uint64_t)rg_cal_from_local(y, m, d, 0, 0, 0, 0), ev->at);
        return;
    }
    case RG_DUE_ACTIONS:
        for (uint32_t i = 0; i < c->nactions; i++)
            if (c->actions[i].status == RG_ACT_OPEN && due_of_date(c->actions[i].due, &due))
                add(c, n, c->actions[i].id, due, ev->at);
        return;
    }
}

static void ladder_forget(rg_case *c)
{
    c->ladder = 0;
    c->ladder_norm = -1;
    c->ladder_item[0] = '\0';
}

static void met_norm(rg_case *c, int n, const rg_event_view *ev)
{
    const rg_norm *norm = &rg_norms[n];
    char item[RG_ID_MAX] = "";
    bool one = norm->item && rg_val_strcpy(rg_map_get(ev->data, norm->item), item, sizeof item);
    for (uint32_t i = c->ndl; i-- > 0;)
        if (c->dl[i].norm == n && (!one || strcmp(c->dl[i].item, item) == 0)) {
            /* The stuck step is done (ladder_settle forgets the level once
             * no other stagnation keeps the case stuck). */
            if (n == c->ladder_norm && strcmp(c->dl[i].item, c->ladder_item) == 0) {
                c->ladder_norm = -1;
                c->ladder_item[0] = '\0';
            }
            drop(c, i);
        }
}

int rg_ladder_next_level(const rg_case *c, int start)
{
    /* The region's start level was checked when its config was read. */
    RG_ASSERT(start >= 1 && start <= RG_ESC_TOP);
    if (!c->ladder) return start;
    int level = c->ladder + 1 > start ? c->ladder + 1 : start;
    return level > RG_ESC_TOP ? RG_ESC_TOP : level;
}

/* A case.escalated: the ladder remembers its level, and the stuck step
 * that opened it (an automatic escalation names it; a later one, climbing
 * or by hand, keeps the step already remembered). */
static void ladder_escalated(rg_case *c, const rg_event_view *ev)
{
    /* The event's own apply took its level, refusing one off the ladder. */
    RG_ASSERT(c->esc_level >= 1 && c->esc_level <= RG_ESC_TOP);
    c->ladder = c->esc_level;
    if (c->ladder_norm >= 0) return;
    char name[64] = "";
    rg_val_strcpy(rg_map_get(ev->data, "norm"), name, sizeof name);
    int n = name[0] ? rg_norm_find(name) : -1;
    if (n < 0 || n == norm_decision) return;
    c->ladder_norm = n;
    rg_val_strcpy(rg_map_get(ev->data, "item"), c->ladder_item, sizeof c->ladder_item);
}

bool rg_deadline_owed(const rg_case *c, const rg_deadline *d, char *org, size_t cap)
{
    const char *name = rg_norms[d->norm].name;
    if (!d->fired || !d->item[0]) return false;
    if (strcmp(name, "action.done") == 0) {
        const rg_action *a = rg_case_action((rg_case *)c, d->item);
        if (!a || !a->owner[0]) return false;
        snprintf(org, cap, "%s", a->owner);
        return true;
    }
    if (strcmp(name, "info.answer") == 0) {
        const rg_request *q = rg_case_request((rg_case *)c, d->item);
        if (!q) return false;
        snprintf(org, cap, "%s", q->org);
        return true;
    }
    return false;
}

void rg_ladder_orgs(const rg_case *c, rg_evb *ev)
{
    char orgs[64][RG_ID_MAX];
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->ndl && n < 64; i++) {
        char org[RG_ID_MAX];
        if (!rg_deadline_owed(c, &c->dl[i], org, sizeof org)) continue;
        uint32_t j = 0;
        while (j < n && strcmp(orgs[j], org) != 0) j++;
        if (j == n) memcpy(orgs[n++], org, sizeof org);
    }
    rg_w_cstr(&ev->data, "orgs");
    rg_w_array(&ev->data, n);
    for (uint32_t i = 0; i < n; i++) rg_w_cstr(&ev->data, orgs[i]);
    ev->nkeys++;
}

const rg_deadline *rg_ladder_step(const rg_case *c)
{
    if (c->ladder_norm < 0) return NULL;
    const char *name = rg_norms[c->ladder_norm].name;
    if (strcmp(name, "action.done") != 0 && strcmp(name, "info.answer") != 0) return NULL;
    for (uint32_t i = 0; i < c->ndl; i++)
        if (c->dl[i].norm == c->ladder_norm && strcmp(c->dl[i].item, c->ladder_item) == 0) return &c->dl[i];
    return NULL;
}

/* A decision that set a new due date for the stuck step (escalation.resolve
 * new_due): the step's deadline starts again at the end of that day, its
 * stagnation met by the decision (cleared); the ladder still remembers the
 * step, so missing the date climbs on. */
static void ladder_redate(rg_case *c, const rg_event_view *ev)
{
    char date[RG_DATE_MAX] = "";
    uint64_t due;
    if (!rg_val_strcpy(rg_map_get(ev->data, "new_due"), date, sizeof date) || !due_of_date(date, &due)) return;
    rg_deadline *d = (rg_deadline *)rg_ladder_step(c);
    if (!d) return;
    d->due = due;
    d->set_at = ev->at;
    d->fired = false;
    d->fired_at = 0;
    d->escalate_at = 0;
    rg_action *a = rg_case_action(c, d->item);
    rg_request *q = rg_case_request(c, d->item);
    if (c->ladder_norm == rg_norm_find("action.done") && a) snprintf(a->due, sizeof a->due, "%s", date);
    else if (q) snprintf(q->due, sizeof q->due, "%s", date);
}

/* The ladder remembers while its stuck step is not done (also when a
 * decision gave it a new due date: it is no stagnation then), and while
 * any stagnation of the work is open (several steps stuck at once are one
 * ladder; an escalation by hand names no step); with neither it starts
 * afresh at the region's start level. */
static void ladder_settle(rg_case *c)
{
    if (!c->ladder || c->esc_level || c->ladder_norm >= 0) return;
    for (uint32_t i = 0; i < c->ndl; i++)
        if (c->dl[i].fired && c->dl[i].norm != norm_decision) return;
    ladder_forget(c);
}

/* The ladder is the case's: at most one escalation is open, and while it is
 * open no stagnation escalates (a new one is reported to the level already
 * handling it; the level climbs only when its decision deadline, the
 * escalation.decision norm, passes undecided: due.c).  With none open, an
 * open stagnation escalates the case 5 working days after `from`: after it
 * was detected, or after the escalation that last handled it was resolved. */
/* An event from before the law's calendar (upcasters.c marks it): its
 * ladder counts the engine's old list of days. */
static bool old_calendar(const rg_event_view *ev)
{
    return rg_val_is_str(rg_map_get(ev->data, "calendar"), "legacy");
}

static uint64_t next_escalation(const rg_case *c, uint64_t from, bool legacy)
{
    if (c->esc_level > 0) return 0;
    return (uint64_t)(legacy ? rg_cal_add_working_days_legacy((int64_t)from, rg_stagnation_escalate_workdays)
                             : rg_cal_add_working_days((int64_t)from, rg_stagnation_escalate_workdays));
}

/* Every open stagnation's next escalation, after the case's ladder moved. */
static void rearm_ladder(rg_case *c, uint64_t at, bool legacy)
{
    for (uint32_t i = 0; i < c->ndl; i++)
        if (c->dl[i].fired) c->dl[i].escalate_at = next_escalation(c, at, legacy);
}

static void stagnation_detected(rg_case *c, const rg_event_view *ev)
{
    char name[64] = "", item[RG_ID_MAX] = "";
    rg_val_strcpy(rg_map_get(ev->data, "norm"), name, sizeof name);
    rg_val_strcpy(rg_map_get(ev->data, "item"), item, sizeof item);
    int n = rg_norm_find(name);
    rg_deadline *d = n >= 0 ? find(c, n, item) : NULL;
    if (!d) return;
    d->fired = true;
    d->fired_at = ev->at;
    d->escalate_at = next_escalation(c, ev->at, old_calendar(ev));
}

void rg_deadlines_replan(rg_case *c)
{
    pthread_once(&tables_once, build_tables);
    int n = rg_norm_find("action.done");
    for (uint32_t i = c->ndl; i-- > 0;) {
        if (c->dl[i].norm != n) continue;
        const rg_action *a = rg_case_action(c, c->dl[i].item);
        uint64_t due;
        if (!a || a->status != RG_ACT_OPEN || !due_of_date(a->due, &due) || due != c->dl[i].due) {
            if (n == c->ladder_norm && strcmp(c->dl[i].item, c->ladder_item) == 0) {
                c->ladder_norm = -1;
                c->ladder_item[0] = '\0';
            }
            drop(c, i);
        }
    }
}

void rg_case_end_work(rg_case *c)
{
    /* The work on the case has ended (closed, referred, archived): no norm
     * of that work is left, and an open escalation ends with the work.  The
     * event that ended it sets what follows (aftercare, retention) after. */
    c->ndl = 0;
    c->esc_level = 0;
    ladder_forget(c);
    c->revising = false;              /* a revision waiting for agreement goes too */
    c->nrev = 0;
}

void rg_deadlines_fold(rg_case *c, const rg_event_view *ev, const rg_evdef *def)
{
    pthread_once(&tables_once, build_tables);
    ptrdiff_t t = def - rg_events;
    RG_ASSERT(c->route >= 0 && c->route < 32);    /* a bit of the norms' route masks */
    uint64_t met = t >= 0 && t < MAX_EVENTS ? met_mask[t] : 0;
    uint64_t set = t >= 0 && t < MAX_EVENTS ? set_mask[t] : 0;
    for (int n = 0; n < RG_MAX_NORMS && met >> n; n++)
        if ((met >> n & 1) && (rg_norms[n].routes & (1u << c->route))) met_norm(c, n, ev);
    for (int n = 0; n < RG_MAX_NORMS && set >> n; n++)
        if ((set >> n & 1) && (rg_norms[n].routes & (1u << c->route)))
            set_norm(c, n, ev, ev->norm_amounts ? ev->norm_amounts[n] : rg_norms[n].amount);
    if (t == ev_detected) stagnation_detected(c, ev);
    else if (t == ev_escalated || t == ev_resolved) rearm_ladder(c, ev->at, old_calendar(ev));
    if (t == ev_escalated) ladder_escalated(c, ev);
    if (t == ev_resolved) ladder_redate(c, ev);
    ladder_settle(c);
}
