/*
 * case.h - the case projection: what the engine knows of a case now, folded
 * from its events (rg_case_apply) and persisted in the `cases` column family
 * in the same batch as the events that changed it.
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

#include "buf.h"
#include "codec.h"
#include "event.h"

typedef struct rg_part {
    char org[RG_ID_MAX];
    uint32_t since;           /* case version at which the org joined */
} rg_part;

typedef struct rg_case {
    char id[RG_ID_MAX];
    uint32_t version;
    int state;                /* rg_state */
    char route[16];
    uint64_t report_seq;      /* the case.reported event (holds the subject) */
    uint64_t last_seq;
    uint64_t created_at;
    uint64_t updated_at;
    uint64_t state_since;
    char reporter_org[RG_ID_MAX];
    char procesregisseur[RG_ID_MAX];
    char target_group[RG_ID_MAX];
    char urgency[RG_ID_MAX];
    uint32_t nparts;
    uint32_t capparts;
    rg_part *parts;
} rg_case;

/* What an apply function sees of one event. */
typedef struct rg_event_view {
    uint64_t seq;
    uint32_t v;
    uint64_t at;
    const char *type;
    const rg_actor *actor;
    const rg_val *data;       /* the data map, without subject */
} rg_event_view;

rg_case *rg_case_new(const char *id);
void rg_case_free(rg_case *c);

/* Fold one event into c through the event table's apply function. */
int rg_case_apply(rg_case *c, const rg_event_view *ev);

void rg_case_encode(const rg_case *c, rg_buf *out);
int rg_case_decode(rg_case **out /* OUT */, const uint8_t *p, size_t n);

const rg_part *rg_case_part(const rg_case *c, const char *org);
/* Record org as taking part from version `since`, if it does not already. */
void rg_case_join(rg_case *c, const char *org, uint32_t since);

#endif
