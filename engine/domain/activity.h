/*
 * activity.h - the register of processing activities (Logius' Logboek
 * Dataverwerkingen: `dpl.core.processing_activity_id` names an entry of
 * it).  The table is data, schemas/activities.c: one entry per operation
 * that processes a case's personal data and the purpose it serves, with
 * its legal basis and a version; a record of the processing log
 * (core/processing.h) names its entry by id, a stable URI.  A change of
 * purpose or basis is a new version of the entry (the id keeps its
 * version, so a record keeps meaning what it meant when it was written).
 */
#ifndef RG_ACTIVITY_H
#define RG_ACTIVITY_H

#include <stdint.h>

typedef struct rg_activity {
    const char *id;           /* urn:regie:processing-activity:<op>:v<version> */
    const char *op;           /* the operation (schemas/ops.c) */
    uint32_t version;
    const char *name;         /* what is done, in words */
    const char *purpose;      /* what it is done for */
    const char *basis;        /* the legal basis */
    const char *categories;   /* categories of personal data processed */
} rg_activity;

extern const rg_activity rg_activities[];   /* NULL-id terminated */

/* The entry of operation op (its newest version), or NULL: the operation
 * processes no case's personal data. */
const rg_activity *rg_activity_of(const char *op);
const rg_activity *rg_activity_find(const char *id, uint32_t n);

#endif
