/*
 * member.h - whom the items of a household case are about, for one member's
 * access export (issue 25; CONTRACT.md "Data-subject requests": access
 * returns that person's data and the case facts about them, never another
 * member's data).
 *
 * An item is about the persons its event names: `person` (a person's own
 * step: removed, shared, corrected, restricted, their wishes), `persons` (an
 * information request, an action of a plan); an answer is about whom its
 * request is, a result about whom its action is (learned from the events
 * before it, walked in order).  An item that names no one is about the
 * household.  What a member's export (person pi of a case with more than
 * one person) gets of each event:
 *
 *   about them (among others)      the event whole
 *   about other members only       nothing: the event is left out
 *   about the household            the event, its free text withheld
 *                                  (`withheld: true`, `household: true`):
 *                                  it may hold other members' data (GDPR
 *                                  art. 15(4)); the ZVH gives the parts
 *                                  about the person on request, by hand
 *
 * and a plan's actions each by the same rule.  A case about one person is
 * not filtered (everything in it is about them).  Free text is what the op
 * table declares as text (RG_F_TEXT), found by name.
 */
#ifndef RG_MEMBER_H
#define RG_MEMBER_H

#include <stdbool.h>
#include <stdint.h>

#include "../storage/buf.h"
#include "../storage/codec.h"
#include "case.h"

/* What the walk has learned so far: request and action ids, whom each is
 * about. */
typedef struct rg_member {
    struct rg_member_item {
        char id[RG_ID_MAX];
        uint64_t mask;
    } *items;
    uint32_t n, cap;
} rg_member;

#define RG_MEMBER_INIT {NULL, 0, 0}

void rg_member_free(rg_member *a);

/* Does a member's export of cs filter by whom items are about (a case that
 * has had more than one person)? */
bool rg_member_household(const rg_case *cs);

/* The event ev (a rendered event map of cs, the next one in version order)
 * as the export for person pi gets it, appended to out; returns false (out
 * untouched) when it is about other members only.  *withheld counts the
 * items whose text it withheld (or left out).  Notes what ev says of whom
 * later items are about. */
bool rg_member_render(rg_member *a, const rg_case *cs, uint32_t pi, const rg_val *ev, rg_buf *out,
                     uint32_t *withheld);

#endif
