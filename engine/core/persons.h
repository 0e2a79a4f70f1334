/*
 * persons.h - finding a person's cases without a readable index (persons.c):
 * the `persons` column family holds keyed hashes of a case's subject (its
 * BSN; its normalised name with birth date), under a key derived from the
 * key-encryption key, so the index reveals nothing without it:
 *
 *   kind(1: 'b' bsn, 'n' name+birth) hash(16) zvh 0x00 case_id  ->  the person ("P2";
 *                                          empty: P1, an entry from before households)
 *
 * and the grants of data-subject requests per case:
 *
 *   0x01 case_id 0x00 kind  ->  the request's id, 0x00, the person of the case it
 *                              is from ("P2"; none in grants from before: P1)
 *
 * (kind: rectification, erasure, restriction, objection), and the cases a
 * request decided (below).  Entries of a case go when it is erased.
 */
#ifndef RG_PERSONS_H
#define RG_PERSONS_H

#include <stdbool.h>
#include <stdint.h>

#include "../domain/case.h"
#include "ctx.h"

#define RG_PKEY_MAX (1 + 16 + 2 * RG_ID_MAX + 2)

/* The index keys of a person (a subject map) for a case: 0, 1 or 2. */
int rg_person_keys(rg_engine *e, const rg_val *person, const char *zvh, const char *case_id,
                   uint8_t keys[2][RG_PKEY_MAX], size_t lens[2]);
/* Visit the cases indexed under a person (every region), with the person
 * of the case they are ("P2"); fn returns 0 to go on. */
typedef int (*rg_person_fn)(void *ud, const char *zvh, const char *case_id, const char *person);
int rg_persons_find(rg_engine *e, const rg_val *person, rg_person_fn fn, void *ud);
/* The current subject of cs (a msgpack map, opened with its key) into out;
 * RG_ENOTFOUND when there is none to read (erased, or never given). */
int rg_case_subject(rg_engine *e, const rg_case *cs, rg_buf *out);
/* The same of the subject part of cs's event at seq (a person's data). */
int rg_event_subject(rg_engine *e, const rg_case *cs, uint64_t seq, rg_buf *out);
/* Stage the index keys of every person of cs (their current data; an
 * erased one has none left): put or delete. */
int rg_persons_stage(rg_ctx *c, const rg_case *cs, bool del);
/* The same of person i of cs alone. */
int rg_person_stage(rg_ctx *c, const rg_case *cs, uint32_t i, bool del);
/* Put the index keys of a person's fields (a new person) for case_id. */
void rg_person_index_put(rg_ctx *c, const rg_val *fields, const char *zvh, const char *case_id,
                         const char *person);

/* Is person i of cs a minor today (Europe/Amsterdam, the engine's clock)?
 * RG_ENOTFOUND when not known (no birth date, or erased). */
int rg_person_minor(rg_engine *e, const rg_case *cs, uint32_t i, uint64_t now, bool *minor);
/* Their age in whole years (the same; rg_age_on from a date "YYYY-MM-DD",
 * false when it is none). */
int rg_person_age(rg_engine *e, const rg_case *cs, uint32_t i, uint64_t now, int *age);
bool rg_age_on(const char date[11], uint64_t now, int *age);

/* Grants of data-subject requests on a case. */
size_t rg_grant_key(uint8_t *k, const char *case_id, const char *kind);
/* The request that granted kind on case_id into req (RG_ENOTFOUND: none). */
int rg_grant_get(rg_engine *e, const char *case_id, const char *kind, char req[RG_ID_MAX]);
/* The same, and the person of the case it is from into person ("P2"). */
int rg_grant_get_person(rg_engine *e, const char *case_id, const char *kind, char req[RG_ID_MAX],
                        char person[16]);
/* Stage the grant of kind on case_id by request, for person. */
void rg_grant_put(rg_ctx *c, const char *case_id, const char *kind, const char *request, const char *person);

/* The cases a data-subject request has decided so far (each by someone who
 * may see it; a part can wait for another decider):
 *   0x02 request_id 0x00 case_id  ->  "1" granted, "0" refused */
size_t rg_handled_key(uint8_t *k, const char *request, const char *case_id);
/* 0 when request decided case_id, RG_ENOTFOUND when not (yet). */
int rg_handled_get(rg_engine *e, const char *request, const char *case_id);

#endif
