/* access.c - need-to-know rules; the table is in access.h. */
#include "access.h"

#include <string.h>

#include "../storage/errors.h"
#include "schema.h"

int rg_access_read(const rg_actor *a, const rg_case *c)
{
    switch (a->role) {
    case RG_ROLE_MANAGER:
    case RG_ROLE_SYSTEM:
        return 0;
    case RG_ROLE_PROCESREGISSEUR:
        return !c->procesregisseur[0] || strcmp(c->procesregisseur, a->id) == 0 ? 0 : RG_EFORBIDDEN;
    case RG_ROLE_PARTNER:
        return rg_case_part(c, a->org) ? 0 : RG_EFORBIDDEN;
    default:
        return RG_EFORBIDDEN;
    }
}

uint32_t rg_access_since(const rg_actor *a, const rg_case *c)
{
    if (a->role == RG_ROLE_PARTNER) {
        const rg_part *p = rg_case_part(c, a->org);
        return p ? p->since : UINT32_MAX;
    }
    return 1;
}

bool rg_access_subject(const rg_actor *a, const rg_case *c)
{
    return rg_access_read(a, c) == 0;
}
