/*
 * spelling.h - the words of the fixed lists (target group, urgency) that a
 * free text of an older record means.  Below case.c and upcast.c, which
 * both read old texts: the fold of a projection and the upcast of an event.
 */
#ifndef RG_SPELLING_H
#define RG_SPELLING_H

#include <stdbool.h>
#include <stdint.h>

/* A spelling the logs used before a field became a fixed list, and the word
 * of the list it means (schemas/spellings.c; every word of the list has a
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

#endif
