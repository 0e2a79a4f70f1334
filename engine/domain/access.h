/*
 * access.h - need to know: who may see which case, how much of it, from
 * which version on, and which classified items (DOMAIN.md, "Information
 * sharing and privacy"; CONTRACT.md, "Regions, visibility and what an
 * outsider learns").  Every read goes through here, so the nng API and any
 * other front end get the same answers.
 *
 *   everyone         nothing of a case of another region (`zvh`), nothing of
 *                    a covenant case without that covenant
 *   manager          every case of the region, from version 1, subject included
 *   procesregisseur  the cases assigned to them in full; the triage view of
 *                    the region's unassigned cases (no subject, no history);
 *                    nothing of cases assigned to someone else (also after a
 *                    reassignment took one away)
 *   partner          cases its org takes part in, from the version it joined
 *   admin            no case content at all
 *   system           everything (the engine itself)
 *
 * Classified items (a non-ordinary `class` on a free-text item) are readable
 * by their source org, the case's procesregisseur and the orgs the source
 * released them to; every other reader sees that they exist, their class
 * and source, and `withheld: true`.
 */
#ifndef RG_ACCESS_H
#define RG_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "case.h"
#include "event.h"

typedef enum {
    RG_VIEW_NONE,     /* invisible: answered as if the case did not exist */
    RG_VIEW_TRIAGE,   /* a procesregisseur's view of an unassigned case */
    RG_VIEW_PARTNER,  /* from the version its org joined */
    RG_VIEW_FULL,     /* everything (classified items still by their rules) */
    RG_VIEW_DOSSIER,  /* an upper level of the ladder the case reached: its escalation
                       * dossier only (RG_OP_DOSSIER operations), never the case file */
} rg_view;

rg_view rg_access_view(const rg_actor *a, const rg_case *c);
/* The first case version a may see (UINT32_MAX when none). */
uint32_t rg_access_since(const rg_actor *a, const rg_case *c);
/* May a read the event of version v, at position seq, of c (in a history or
 * a feed)?  A partner reads what happened from the version its org joined,
 * and an item released to its org whenever it was written (CONTRACT.md:
 * "each named org reads it for as long as it takes part, whenever it
 * joined"). */
bool rg_access_event(const rg_actor *a, const rg_case *c, uint32_t v, uint64_t seq);
bool rg_access_subject(const rg_actor *a, const rg_case *c);
/* May a, who reads c's persons' data, read that of person ("P2")?  Every
 * org of the case, unless the procesregisseur limited the person to named
 * orgs (person.share) or their processing is restricted (a granted
 * restriction or objection of theirs); the ZVH's own staff always. */
bool rg_access_person(const rg_actor *a, const rg_case *c, const char *person);
/* May a see everything about the persons of mask (bit i: P<i+1>): an
 * action or an information request about them, its answer or result?  As
 * rg_access_person for each of them. */
bool rg_access_persons(const rg_actor *a, const rg_case *c, uint64_t mask);
/* May a see an event of type with data of c at all?  An event about
 * persons (data.persons: [ids], as an info.requested, info.provided,
 * action.completed carries; a perspective.recorded's data.person) is hidden
 * -- left out, as an event before a partner joined -- from a reader who may
 * not see one of them; every other event is not about persons. */
bool rg_access_about(const rg_actor *a, const rg_case *c, const char *type, const rg_val *data);

/* May procesregisseur a be given case c (its region, its covenant)? */
bool rg_access_may_direct(const rg_actor *a, const rg_case *c);
/* May a read the text of a classified item of class cls, appended by an
 * actor of org `source` at position seq of case c?  (An ordinary item: yes.) */
bool rg_access_item(const rg_actor *a, const rg_case *c, const char *cls, const char *source,
                    uint64_t seq);

/* May the data subject's access export hold the text of a classified item
 * of class cls at position seq of c (GDPR art. 23: police, judicial and
 * secret data only when their source released it to the subject with
 * item.release `subject`; other classes as the one who decides reads them)? */
bool rg_access_subject_item(const rg_case *c, const char *cls, uint64_t seq);

#endif
