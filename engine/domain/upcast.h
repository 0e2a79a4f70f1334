/*
 * upcast.h - reading events stored under older schema versions.
 *
 * rg_upcast_data turns an event's data map (decoded) of version `from` into
 * the current version of its type by running the rows of schemas/upcasters.c
 * in order.  The result lives in a doc the caller frees.
 */
#ifndef RG_UPCAST_H
#define RG_UPCAST_H

#include <stdbool.h>
#include <stdint.h>

#include "../storage/buf.h"
#include "../storage/codec.h"
#include "event.h"
#include "spelling.h"

struct rg_case;

typedef uint32_t (*rg_upcast_fn)(const rg_val *in, rg_buf *out_pairs);

typedef struct rg_upcaster {
    const char *type;
    uint16_t from;
    rg_upcast_fn fn;
} rg_upcaster;

extern const rg_upcaster rg_upcasters[];

/* Upcast data of (type, version) to the current version.  *out is NULL when
 * nothing had to change (use data as it is); otherwise a doc to free.
 * RG_ESTORAGE when a step is missing. */
int rg_upcast_data(const char *type, uint16_t version, const rg_val *data, rg_doc **out /* OUT */,
                   rg_buf *scratch);

/* An event of case cs as its reader may see it (reader NULL: whole): upcast
 * to the current version, data.subject only with with_subject, and the text
 * of a classified item withheld unless access.c lets the reader read it. */
void rg_render_event(rg_buf *out, const rg_record *r, bool with_subject, const rg_actor *reader,
                     const struct rg_case *cs);
/* The same, showing the data of person `only` ("P2") alone (NULL: every
 * person the reader may see): an access export for one person of a
 * household. */
void rg_render_event_for(rg_buf *out, const rg_record *r, bool with_subject, const rg_actor *reader,
                         const struct rg_case *cs, const char *only);

/* Is the event of record r shown to reader at all (reader NULL: yes)?  Not
 * when it is about a person the reader may not see (access.c
 * rg_access_about): a history, a feed and every list of events leave it out
 * as they leave out what happened before a partner joined. */
bool rg_render_shown(const rg_record *r, const rg_actor *reader, const struct rg_case *cs);

#endif
