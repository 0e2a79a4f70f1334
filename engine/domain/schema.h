/*
 * schema.h - the shapes of the tables in schemas/ and the code that checks a
 * request against them.
 *
 * The tables themselves (operations with their fields and roles, event types
 * with their versions and folds, states, roles) are data in schemas/; the
 * engine only interprets them.  Adding an operation means adding a row to
 * schemas/ops.c, the handler in handlers/ and its row in handlers/bindings.c
 * (the table the engine is opened with, core/module.h).
 *
 * Layer (engine/domain/): what a case is and how it moves: the contract's
 * tables (contract.h), the case projection and its fold (case.h), norms,
 * deadlines and the escalation ladder, the calendar and clock, need-to-know
 * (access.h), events and upcasting, the region's config.  Pure logic over
 * storage/ (the codec, hashes): no I/O of its own, nothing of requests or
 * commits.
 */
#ifndef RG_SCHEMA_H
#define RG_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "../storage/codec.h"
#include "calendar.h"          /* rg_parse_iso, for the fields' dates */
#include "contract.h"

/* A row of the life cycle (schemas/machine.c). */
typedef struct rg_transition {
    uint32_t routes;              /* bits of rg_route */
    const char *op;
    uint32_t states;              /* bits of rg_state in which op is allowed */
} rg_transition;

extern const rg_transition rg_machine[];

struct rg_evdef;

/* Where a route's case goes with an event, unlike the event table's `to`
 * (schemas/phases.c): in the states `from`, the event enters `to` (RG_KEEP:
 * the state stays). */
typedef struct rg_entry {
    uint32_t routes;
    const char *event;
    uint32_t from;
    int to;
} rg_entry;
extern const rg_entry rg_entries[];
/* The order of a route's phases: phase.advance moves from `from` to `next`. */
typedef struct rg_phase {
    uint32_t routes;
    int from, next;
} rg_phase;
extern const rg_phase rg_phases[];
/* The state an event of type def moves a case of route in state to
 * (RG_KEEP: none), by rg_entries, else by the event table. */
int rg_entry_state(int route, int state, const struct rg_evdef *def);
/* The phase after `state` on route, or -1. */
int rg_phase_next(int route, int state);

/* Is op allowed on a case of this route in this state? */
bool rg_machine_allows(int route, int state, const char *op);

#define RG_KEEP (-1)

/* Norms are kept as bits of a 64-bit mask per event type (deadlines.c) and
 * amounts per region in arrays of this size; rg_schema_validate refuses a
 * table with more. */
#define RG_MAX_NORMS 64

typedef struct rg_evdef {
    const char *type;
    uint16_t version;             /* current version written by handlers */
    int to;                       /* the state the case enters, or RG_KEEP */
    int alert;                    /* who is alerted: RG_ALERT_* */
    const char *item;             /* the data field holding a free-text item that may be
                                     classified (its `class`), or NULL */
} rg_evdef;

enum {
    RG_ALERT_NONE = 0,
    RG_ALERT_MANAGERS,            /* every manager */
    RG_ALERT_DIRECTOR,            /* the case's procesregisseur, or every manager while none */
    RG_ALERT_PARTIES,             /* every partner of an org taking part, and the procesregisseur */
    RG_ALERT_ASKED,               /* the partners of the org asked for information (data.org) */
};

/* A deadline rule (schemas/norms.c). */
typedef enum {
    RG_DUE_WORKDAYS,     /* amount working days after the setting event, same time of day */
    RG_DUE_DAYS,         /* amount calendar days after it */
    RG_DUE_MONTHS,       /* amount months after it */
    RG_DUE_ITEM_DATE,    /* the end of the day in the event's `due` field, if any */
    RG_DUE_RELEASE,      /* the start of the case's release date (re-entry) */
    RG_DUE_ACTIONS,      /* per open action of the plan: the end of its due day */
} rg_due_kind;

typedef struct rg_norm {
    const char *name;
    uint32_t routes;
    const char *set_by;           /* event types, space-separated */
    const char *met_by;
    const char *item;             /* data field naming the item, or NULL */
    rg_due_kind due;
    int amount;                   /* the default; a region's config may change it */
    int fires;                    /* what passing it unmet does: RG_FIRE_* */
} rg_norm;

enum {
    RG_FIRE_STAGNATION = 0,       /* stagnation.detected (and the ladder) */
    RG_FIRE_ERASE,                /* the engine erases the case (retention ended) */
};

extern const rg_norm rg_norms[];
int rg_norm_find(const char *name);                 /* index in rg_norms, or -1 (schema.c) */

/* A norm in words, for the line an alert carries (schemas/norm_words.c):
 * what was to happen ("the intake to start"), and what the case's
 * procesregisseur is expected to do about it when it did not.  A norm
 * without a row reads as its name. */
typedef struct rg_norm_words {
    const char *norm, *what, *todo;
} rg_norm_words;
extern const rg_norm_words rg_norm_words_table[];
const rg_norm_words *rg_norm_words_of(const char *norm);
/* The norm a region's weekly triage day replaces (config.h triage.day). */
#define RG_TRIAGE_NORM "intake.start"
extern const int rg_stagnation_escalate_workdays;

/* schemas/events.c */
extern const rg_evdef rg_events[];
const rg_evdef *rg_event_find(const char *type);

/* Check the tables' own limits (more norms or event types than the engine's
 * indexes hold); 0, or RG_EBADREQ with a message on stderr.  Run when an
 * engine opens, so a bad table stops the start, never a request. */
int rg_schema_validate(void);

/* Is the word w (n bytes) one of the space-separated words of list? */
bool rg_word_in(const char *list, const char *w, uint32_t n);

/* Check `data` (may be NULL when absent) against fields.  On failure returns
 * RG_EBADREQ with a message naming the field in msg. */
int rg_schema_check(const rg_field *fields, const rg_val *data, char *msg, size_t msgcap);

#endif
