/*
 * case.h - the case projection: what the engine knows of a case now, folded
 * from its events (rg_fold_apply, fold.h) and persisted in the `cases` column family
 * as a snapshot now and then, in the batch of the events that changed it
 * (core/snapshot.h: a load folds the events after the snapshot).
 *
 * Invariants: version equals the v of the case's last event and grows by one
 * per event; a participant's `since` is the case version at which its org
 * started to take part; personal data is never held here (it stays in the
 * subject part of the report event, at report_seq).
 *
 * Ownership: the engine's case cache owns every rg_case; handlers get a
 * borrowed pointer valid for the one request.
 */
#ifndef RG_CASE_H
#define RG_CASE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../storage/buf.h"
#include "../storage/codec.h"
#include "contract.h"
#include "event.h"
#include "seal.h"

typedef struct rg_part {
    char org[RG_ID_MAX];
    uint32_t since;           /* case version at which the org joined */
} rg_part;

typedef enum { RG_ACT_OPEN, RG_ACT_DONE, RG_ACT_HANDED_OVER } rg_action_status;

typedef struct rg_action {
    char id[RG_ID_MAX];
    char owner[RG_ID_MAX];    /* the org that owns it */
    char due[RG_DATE_MAX];    /* as given (ISO 8601) */
    int status;               /* rg_action_status */
    uint64_t persons;         /* whom it is about: bit i = person P<i+1> (0: no one named) */
} rg_action;

typedef struct rg_request {
    char id[RG_ID_MAX];       /* minted: R1, R2, ... per case */
    char org[RG_ID_MAX];
    char due[RG_DATE_MAX];    /* "" when none was given */
    bool answered;
    uint32_t v;               /* the case version that asked it */
    uint64_t persons;         /* whom it is about: bit i = person P<i+1> (0: no one named) */
} rg_request;

/* An open deadline of a norm (schemas/norms.c); fired = overdue, which is an
 * open stagnation until the event that meets the norm. */
typedef struct rg_deadline {
    int norm;                 /* index into rg_norms */
    char item[RG_ID_MAX];     /* request or action id, or "" */
    uint64_t due;
    uint64_t set_at;          /* when the event that set it happened */
    bool fired;
    uint64_t fired_at;
    uint64_t escalate_at;     /* fired: when it escalates the case; 0 = not while an
                                 escalation is open (deadlines.c, the ladder) */
} rg_deadline;

/* A release to the data subject (item.release `subject`): their access
 * export holds the item's text.  No org can bear this name (rg_is_name). */
#define RG_RELEASE_SUBJECT "#subject"

/* A classified item (the event at seq) released to one more org. */
typedef struct rg_release {
    uint64_t seq;
    char org[RG_ID_MAX];
} rg_release;

/* Why a person's processing is restricted (rg_person.restricted). */
enum { RG_RESTRICT_RESTRICTION = 1, RG_RESTRICT_OBJECTION = 2 };

/* A person limited to named orgs (person.share): one row per org. */
typedef struct rg_share {
    uint32_t person;          /* index into persons */
    char org[RG_ID_MAX];
} rg_share;

/* A person of a household case: id P<n> (n = its place, from 1), role, and
 * the event whose sealed subject part holds their data (never the data). */
typedef struct rg_person {
    char role[16];            /* a word of RG_PERSON_ROLES */
    uint64_t seq;
    bool removed;
    bool erased;              /* person.erased: their key destroyed */
    /* A granted restriction or objection of theirs (case.restricted with
     * their id, until case.unrestricted): RG_RESTRICT_* bits, 0 = none.
     * Their data is kept but shown and used no more (access.c, the
     * handlers' guards; ARCHITECTURE.md "Restriction per person"). */
    uint8_t restricted;
    uint64_t perspective;     /* their latest perspective.recorded (client.perspective), 0: none */
    /* their own data key (seal.h, format 3): in memory only, loaded by the
     * core with the case (keys column family, "CASE/Pn"); RG_DK_* */
    uint8_t key_state;
    uint8_t key[32];
} rg_person;

typedef struct rg_case {
    char id[RG_ID_MAX];
    char zvh[RG_ID_MAX];      /* the region of the actor who reported it */
    uint32_t covenants;       /* RG_COVENANTS bits it runs under (from its target group) */
    uint32_t version;
    int state;                /* rg_state */
    int route;                /* rg_route */
    uint64_t report_seq;      /* the case.reported event */
    uint64_t subject_seq;     /* the event holding the current subject (the report, or
                                 its last subject.corrected) */
    uint64_t last_seq;
    uint64_t created_at;
    uint64_t updated_at;
    uint64_t state_since;
    uint64_t number;          /* the region's number of the case (0: none, a data-subject request) */
    char reporter_org[RG_ID_MAX];
    char procesregisseur[RG_ID_MAX];
    char target_group[RG_ID_MAX];
    char urgency[RG_ID_MAX];
    uint32_t nparts;
    uint32_t capparts;
    rg_part *parts;

    /* intake */
    char referred_to[RG_ID_MAX];
    char release_date[RG_DATE_MAX];   /* re-entry route */
    /* information requests */
    uint32_t nreqs, capreqs;
    rg_request *reqs;
    /* case meeting */
    char meeting_at[RG_DATE_MAX];
    bool meeting_held;
    bool meeting_eval;                /* the meeting above is an evaluation meeting (execution) */
    /* plan: the current revision, its actions and the orgs that agreed it */
    uint32_t plan_rev;
    uint32_t plan_v;                  /* the case version that proposed it */
    bool plan_agreed;
    char casusregisseur[RG_ID_MAX];
    uint32_t nactions, capactions;
    rg_action *actions;
    uint32_t nagreed, capagreed;
    char (*agreed)[RG_ID_MAX];        /* the orgs that agreed the plan being agreed */
    /* A revision proposed while a plan is in force (plan.revision_proposed):
     * the agreed plan above stays in force until the revision is agreed
     * (plan.agreed), which replaces it; `agreed` then counts the revision's. */
    bool revising;
    uint32_t rev_no;                  /* the revision's number (plan_rev + 1 or more) */
    uint32_t rev_v;                   /* the case version that proposed it */
    char rev_casus[RG_ID_MAX];        /* the casusregisseur it names, or "" */
    uint32_t nrev, caprev;
    rg_action *rev;
    /* execution, escalation, closure */
    uint64_t last_review_at;
    int esc_level;                    /* open escalation's level, 0 = none */
    int esc_max;                      /* highest level ever opened */
    /* The ladder's memory (deadlines.c): the level it reached on the stuck
     * step, and that step (ladder_norm -1: not known, a manual escalation),
     * kept until the step is done; 0 = the ladder starts afresh. */
    int ladder;
    int ladder_norm;
    char ladder_item[RG_ID_MAX];
    /* The orgs the ladder reached at level 2 or 3 (case.escalated's `orgs`):
     * their partner managers read the escalation dossier (access.c). */
    uint32_t nesc_orgs, capesc_orgs;
    char (*esc_orgs)[RG_ID_MAX];
    uint64_t esc_at;                  /* when the open escalation was opened (its alerts' since);
                                         0 in projections from before it was kept */
    uint64_t closed_at;
    /* deadlines and stagnations (deadlines.h) */
    uint32_t ndl, capdl;
    rg_deadline *dl;
    /* classified items released beyond their source (item.release) */
    uint32_t nrel, caprel;
    rg_release *rel;
    uint32_t relapses;                /* phase.relapse (MDA++) */
    /* the persons of the case (P1 the reported subject; old cases: just P1) */
    uint32_t npersons, cappersons;
    rg_person *persons;
    /* persons limited to the orgs that need them (person.share); a person
     * without a row is seen by every org of the case */
    uint32_t nshares, capshares;
    rg_share *shares;
    /* in memory only: the version of the projection stored in `cases`
     * (core/snapshot.h), 0 when none is; the events after it are folded
     * again whenever the case is loaded */
    uint32_t snap_v;
    /* erasure: the case's data key was destroyed (case.erased) */
    bool erased;
    /* the case's data key (seal.h): in memory only, loaded by the core with
     * the case; RG_DK_* says whether it is there */
    uint8_t dk_state;
    uint8_t dk[32];
} rg_case;

enum { RG_DK_UNKNOWN = 0, RG_DK_PRESENT, RG_DK_ABSENT };

/* Add a person (RG_ESTORAGE when the case is full: a log no handler writes). */
int rg_case_add_person(rg_case *c, const char *role, uint64_t seq);
/* The index of person id ("P3") in c, or -1. */
int rg_case_person(const rg_case *c, const char *id);
/* Limit person i of c to orgs (n of them, replacing an earlier limit). */
void rg_case_share_person(rg_case *c, uint32_t i, const char (*orgs)[RG_ID_MAX], uint32_t n);
/* May org see person i of c: no limit, or it is named, and not restricted? */
bool rg_case_person_shared(const rg_case *c, uint32_t i, const char *org);
/* The persons an array of ids (["P2", "P3"]) names, as a mask (bit i: P<i+1>);
 * an id that is no person of c counts for none (the handlers refuse it). */
uint64_t rg_case_persons_mask(const rg_case *c, const rg_val *ids);
/* May org see every person of mask? */
bool rg_case_persons_shared(const rg_case *c, uint64_t mask, const char *org);
/* Is person ("P2") of c restricted (a granted restriction or objection)? */
bool rg_case_person_restricted(const rg_case *c, const char *person);
/* The keys c's records open with (seal.h): the case's, and each person's
 * own; an erased one's NULL. */
void rg_case_keyring(const rg_case *c, rg_keyring *k);

/* What an apply function sees of one event. */
typedef struct rg_event_view {
    uint64_t seq;
    uint32_t v;
    uint64_t at;
    const char *type;
    const rg_actor *actor;
    const rg_val *data;       /* the data map, without subject */
    const int *norm_amounts;  /* the region's amounts per norm, or NULL: defaults */
    const struct rg_evdef *def;   /* type's entry in rg_events; NULL: found by name */
} rg_event_view;

rg_case *rg_case_new(const char *id);
void rg_case_free(rg_case *c);
/* The same for a case in memory of the caller's, every byte of it zero
 * (a rebuild's cases, made in bulk from zeroed pages: replay.c): init makes
 * it what rg_case_new gives, clear frees what it holds but not c itself. */
void rg_case_init(rg_case *c, const char *id);
void rg_case_clear(rg_case *c);

void rg_case_encode(const rg_case *c, rg_buf *out);
int rg_case_decode(rg_case **out /* OUT */, const uint8_t *p, size_t n);

const rg_part *rg_case_part(const rg_case *c, const char *org);
/* Lookups inline: deadlines.c reads them, and case.c folds through
 * deadlines.c, so a call either way would tie the two files in a circle. */
static inline rg_action *rg_case_action(rg_case *c, const char *id)
{
    for (uint32_t i = 0; i < c->nactions; i++)
        if (strcmp(c->actions[i].id, id) == 0) return &c->actions[i];
    return NULL;
}

static inline rg_request *rg_case_request(rg_case *c, const char *id)
{
    for (uint32_t i = 0; i < c->nreqs; i++)
        if (strcmp(c->reqs[i].id, id) == 0) return &c->reqs[i];
    return NULL;
}
bool rg_case_agreed(const rg_case *c, const char *org);
/* Was the item at seq released to org? */
bool rg_case_released(const rg_case *c, uint64_t seq, const char *org);
void rg_case_add_release(rg_case *c, uint64_t seq, const char *org);
/* Does every org that owns an action of the current plan agree to it? */
bool rg_case_plan_fully_agreed(const rg_case *c);
uint32_t rg_case_open_actions(const rg_case *c);
/* Growing the records (for apply functions). */
void rg_case_add_agreement(rg_case *c, const char *org);
rg_action *rg_case_add_action(rg_case *c);
rg_action *rg_case_add_rev_action(rg_case *c);
void rg_case_add_esc_org(rg_case *c, const char *org);
/* The actions of the plan being agreed: a pending revision's, else the plan's. */
const rg_action *rg_case_agreeing(const rg_case *c, uint32_t *n);
rg_request *rg_case_add_request(rg_case *c);
/* A zeroed deadline at the end of the case's array (deadlines.c fills it). */
rg_deadline *rg_case_add_deadline(rg_case *c);

/* Record org as taking part from version `since`, if it does not already. */
void rg_case_join(rg_case *c, const char *org, uint32_t since);

#endif
