/*
 * driver.h - a model-based run against an in-process engine on a manual
 * clock: random steps chosen from what each case allows (driver.c), taken
 * by the proper actors (steps.c), and after every step each case compared
 * with the reference model (model.h, check.h), and the manager's alerts
 * with the events that should have raised them.
 *
 * One run at a time: its state is the global `md`.  A run is a seed: the
 * seed chooses the start instant and every step, so a seed replays the same
 * run against the same engine.
 *
 * Ownership: md_begin opens an engine in a fresh temp dir; md_end closes
 * it, removes the dir and frees the run's memory.
 */
#ifndef RG_MODEL_DRIVER_H
#define RG_MODEL_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "../test.h"
#include "check.h"
#include "model.h"

#define MD_MAXC 6             /* cases open at a time */
#define MD_MAXACT 4
#define MD_MAXREQ 48
/* A case leaves the run past this many events: its history is read after
 * every step that changes it, which would make a long run quadratic. */
#define MD_MAX_EVENTS 400

enum { MD_ORG_POLICE, MD_ORG_GGZ, MD_ORG_GEMEENTE, MD_ORG_RECLASSERING, MD_ORG_VT, MD_NORGS };
extern const char *const md_org_names[MD_NORGS];

/* The kinds of step, by the names MODEL_SKIP takes. */
enum {
    MD_K_ADVANCE, MD_K_REPORT, MD_K_ASSIGN, MD_K_START, MD_K_MORE_INFO, MD_K_ADMIT, MD_K_REJECT,
    MD_K_INFO_REQUEST, MD_K_INFO_PROVIDE, MD_K_SCHEDULE, MD_K_HOLD, MD_K_PROPOSE, MD_K_AGREE, MD_K_COMPLETE,
    MD_K_REVIEW, MD_K_ESCALATE, MD_K_RESOLVE, MD_K_CLOSE, MD_K_AFTERCARE, MD_K_REOPEN, MD_K_PHASE_ADVANCE,
    MD_K_RELAPSE, MD_K_PROBE, MD_K_END, MD_K_RELEASE, MD_K_JOIN, MD_K_HOUSEHOLD, MD_K_N
};
extern const char *const md_kind_names[MD_K_N];

enum { MD_ACT_OPEN, MD_ACT_DONE, MD_ACT_HANDED_OVER };
typedef struct md_action {
    char id[16];
    int owner;
    char due[12];
    int status;
} md_action;

/* An information request; its answer may be classified (special), and
 * released by the org that gave it to another org, which reads it once it
 * takes part, whenever it joined (issue 21, finding 5). */
typedef struct md_request {
    char id[M_ITEM];
    int org;
    bool answered;
    bool classified;
    uint64_t seq;             /* the answer's log position (classified ones) */
    int released_to;          /* an org, or -1 */
} md_request;

/* A case as the driver knows it: what it needs to choose valid steps, and
 * the model of its norms. */
/* A person the driver added to a household case (P2 on; P1 is the
 * report's subject): their name and BSN are the run's own, so a reply can
 * be searched for them. */
#define MD_MAXP 6
typedef struct md_person {
    char name[48], bsn[10];
    bool removed, erased;
    unsigned share;           /* the orgs (bits) it is limited to; 0: every org */
} md_person;

typedef struct md_case {
    bool used;
    md_person person[MD_MAXP];   /* person[i] is P<i+2> */
    int npersons;
    int n;                    /* c1, c2, ... in the order reported */
    char id[32];
    int pr;                   /* 0: none, 1: prA, 2: prB */
    m_case m;
    md_request req[MD_MAXREQ];
    int nreq;
    md_action act[MD_MAXACT];
    int nact;
    bool proposed;            /* a proposal waits for agreement */
    /* A revision proposed while the plan above is in force (execution, a
     * phase): it waits in ract; the plan in act stays in force until the
     * revision's last agreement replaces it (issue 21). */
    bool revising;
    bool archived_checked;
    unsigned joined;          /* orgs (bits) the driver made take part by partner.join */    /* the partners' not_found after archiving was checked */
    md_action ract[MD_MAXACT];
    int nract;
    unsigned agreed;          /* orgs (bits) that agreed to it */
    int next_action;
    int checked;              /* events compared so far */
    /* Of each compared event of the engine: its log position, its key
     * (check.h) and whether it raised an alert for the manager. */
    uint64_t *seq;
    char (*key)[MV_KEY];
    uint8_t *alerted;
    int cap;
} md_case;

typedef struct md_run {
    rg_t_local engine;
    rg_buf b;                 /* the request being built */
    rg_t_reply r;             /* the last reply */
    char org_tok[MD_NORGS][128], pr_tok[3][128], mgr_tok[128], bestuur_tok[128];
    uint64_t seed, rng;
    int64_t now;              /* the engine's clock */
    int step;
    char desc[700];           /* the step being taken, for a mismatch */
    bool failed;
    md_case c[MD_MAXC];
    int ncases;
    unsigned skip;            /* kinds left out (bits) */
    bool verbose;
    int kind;                 /* of the step being taken */
    uint64_t alerts_after;    /* the manager's alerts read so far (alerts.list next) */
    int done[MD_K_N];         /* steps taken, by kind (what the run covered) */
    int routes[MR_NROUTES];   /* cases reported, by route */
    int closed_mda;           /* MDA++ cases closed (from monitoring) */
    int phase_norms[4][3];    /* stagnations of action.done, review, progress in each MDA++ phase */
    char *config;             /* the region's config file (M_REGION_CONFIG) */
    int detected, decision_missed, cleared, escalated, climbed, by_hand, alerts;
    int new_dues, released_read, joined_later, archived_hidden;   /* issue 21: re-dated steps, releases read, archived checks */
    int persons_added, persons_removed, persons_shared, persons_erased, person_exports;   /* issue 25 */
} md_run;

extern md_run md;

/* driver.c: a run. */
int md_begin(uint64_t seed, unsigned skip, bool verbose);   /* 0, or -1 (said why) */
bool md_step(void);           /* one step, then every case compared; false after a mismatch */
void md_end(void);            /* a summary line when all agreed; closes the engine */
int md_kind(const char *name);                               /* -1: no such kind */
int md_rnd(int n);            /* 0..n-1 from the run's seed */
/* The step being taken, printed at once with MODEL_VERBOSE. */
void md_describe(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A difference: the first prints the seed, step and how to replay it. */
void md_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* steps.c: the steps, each by its proper actor, and the model told what
 * each should append. */
void md_report(void);
void md_advance(void);
void md_probe_reentry(void);
/* Take a step of the kind on the case; false if a probe found nothing
 * the case's state refuses. */
bool md_take(md_case *c, int kind);
/* An answered classified request of the case not yet released; -1: none. */
int md_releasable(const md_case *c);
/* A released request whose org has not yet been made to take part; -1: none. */
int md_joinable(const md_case *c);
/* Need-to-know ends with the work (issue 21, finding 7): once the case is
 * archived every partner reads not_found, its procesregisseur still reads it. */
void md_check_archived(md_case *c);
bool md_working(int state);   /* analysis .. execution, and MDA++'s phases */
bool md_open_state(int state);
bool md_dues_ahead(const md_case *c);
/* The aftercare check may be taken from the local day a week before its
 * deadline (the project's rule since 4afe1e0, issues 13 and 14; the check
 * before the deadline meets it, so no stagnation is cleared then); before
 * that day it is refused, naming that day. */
#define MD_AFTERCARE_EARLY_DAYS 7
int64_t md_aftercare_from(int64_t due);

#endif
