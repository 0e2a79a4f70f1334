/*
 * access.h - need to know: who may see which case, from which version on,
 * and whether with the person's identity (DOMAIN.md, "Information sharing").
 *
 *   manager          every case of the ZVH, from version 1, with subject
 *   procesregisseur  the cases assigned to them, and unassigned ones (to take
 *                    them), from version 1, with subject
 *   partner          cases its org takes part in, from the version at which
 *                    it joined, with subject
 *   admin            no case content at all
 *   system           everything (the engine itself)
 */
#ifndef RG_ACCESS_H
#define RG_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "case.h"
#include "event.h"

/* 0 when a may read c; RG_EFORBIDDEN otherwise. */
int rg_access_read(const rg_actor *a, const rg_case *c);
/* The first case version a may see (only meaningful when it may read c). */
uint32_t rg_access_since(const rg_actor *a, const rg_case *c);
bool rg_access_subject(const rg_actor *a, const rg_case *c);

#endif
