/*
 * upcast.h - reading events stored under older schema versions.
 *
 * rg_upcast_data turns an event's data map (decoded) of version `from` into
 * the current version of its type by running the rows of schemas/upcasters.c
 * in order.  The result lives in a doc the caller frees.
 */
#ifndef RG_UPCAST_H
#define RG_UPCAST_H

#include <stdint.h>

#include "../storage/buf.h"
#include "../storage/codec.h"
#include "event.h"

struct rg_case;

typedef uint32_t (*rg_upcast_fn)(const rg_val *in, rg_buf *out_pairs);

typedef struct rg_upcaster {
    const char *type;
    uint16_t from;
    rg_upcast_fn fn;
} rg_upcaster;

extern const rg_upcaster rg_upcasters[];

/* A spelling the logs used before a field became a fixed list, and the word
 * of the list it means (schemas/upcasters.c; every word of the list has a
 * row of its own). */
typedef struct rg_spelling {
    const char *old, *word;
} rg_spelling;
extern const rg_spelling rg_old_target_groups[], rg_old_urgencies[];

/* The word of RG_TARGET_GROUPS (RG_URGENCIES) a text of n bytes means: a word
 * of the list in any case and with '-', '_', ' ' or nothing between its
 * parts, or an old spelling of the table (compared the same way); anything else is "overig"
 * ("normal").  *exact tells whether the text was the word itself (else the
 * caller keeps the text beside it). */
const char *rg_target_group_of(const char *text, uint32_t n, bool *exact);
const char *rg_urgency_of(const char *text, uint32_t n, bool *exact);

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

#endif
