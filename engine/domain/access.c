/* access.c - need-to-know rules; the table is in access.h. */
#include "access.h"

#include <string.h>

#include "schema.h"

static bool same_region(const rg_actor *a, const rg_case *c)
{
    return strcmp(a->zvh, c->zvh) == 0 && (c->covenants & ~a->covenants) == 0;
}

rg_view rg_access_view(const rg_actor *a, const rg_case *c)
{
    if (a->role == RG_ROLE_SYSTEM) return RG_VIEW_FULL;
    if (!same_region(a, c)) return RG_VIEW_NONE;
    switch (a->role) {
    case RG_ROLE_MANAGER:
        return RG_VIEW_FULL;
    case RG_ROLE_PROCESREGISSEUR:
        if (!c->procesregisseur[0]) return RG_VIEW_TRIAGE;
        return strcmp(c->procesregisseur, a->id) == 0 ? RG_VIEW_FULL : RG_VIEW_NONE;
    case RG_ROLE_PARTNER:
        /* Need-to-know ends with the work: after the aftercare check, or an
         * early ending, only the ZVH keeps the case (until retention). */
        if (c->state == RG_ST_ARCHIVED) return RG_VIEW_NONE;
        return rg_case_part(c, a->org) ? RG_VIEW_PARTNER : RG_VIEW_NONE;
    case RG_ROLE_PARTNER_MANAGER:
        /* The managers of the orgs the ladder alerted at level 2 or 3. */
        for (uint32_t i = 0; i < c->nesc_orgs; i++)
            if (strcmp(c->esc_orgs[i], a->org) == 0) return RG_VIEW_DOSSIER;
        return RG_VIEW_NONE;
    case RG_ROLE_BESTUUR:
        return c->esc_max >= RG_ESC_TOP ? RG_VIEW_DOSSIER : RG_VIEW_NONE;
    default:
        return RG_VIEW_NONE;
    }
}

uint32_t rg_access_since(const rg_actor *a, const rg_case *c)
{
    switch (rg_access_view(a, c)) {
    case RG_VIEW_FULL: return 1;
    case RG_VIEW_PARTNER: return rg_case_part(c, a->org)->since;
    default: return UINT32_MAX;
    }
}

bool rg_access_event(const rg_actor *a, const rg_case *c, uint32_t v, uint64_t seq)
{
    if (v >= rg_access_since(a, c)) return true;
    return rg_access_view(a, c) == RG_VIEW_PARTNER && rg_case_released(c, seq, a->org);
}

bool rg_access_subject(const rg_actor *a, const rg_case *c)
{
    rg_view v = rg_access_view(a, c);
    return v == RG_VIEW_FULL || v == RG_VIEW_PARTNER;
}

bool rg_access_person(const rg_actor *a, const rg_case *c, const char *person)
{
    int i = rg_case_person(c, person);
    if (i < 0 || a->role != RG_ROLE_PARTNER) return true;
    return rg_case_person_shared(c, (uint32_t)i, a->org);
}

bool rg_access_persons(const rg_actor *a, const rg_case *c, uint64_t mask)
{
    return !mask || a->role != RG_ROLE_PARTNER || rg_case_persons_shared(c, mask, a->org);
}

bool rg_access_about(const rg_actor *a, const rg_case *c, const char *type, const rg_val *data)
{
    /* Only a partner is ever limited, and only in a case that limits someone. */
    if (a->role != RG_ROLE_PARTNER || !c->nshares) return true;
    if (!rg_access_persons(a, c, rg_case_persons_mask(c, rg_map_get(data, "persons")))) return false;
    char person[16];
    if (strcmp(type, "perspective.recorded") == 0 && rg_val_strcpy(rg_map_get(data, "person"), person, sizeof person))
        return rg_access_person(a, c, person);
    return true;
}

bool rg_access_may_direct(const rg_actor *a, const rg_case *c)
{
    return a->role == RG_ROLE_PROCESREGISSEUR && !a->revoked && same_region(a, c);
}

bool rg_access_subject_item(const rg_case *c, const char *cls, uint64_t seq)
{
    if (!cls || (strcmp(cls, "criminal") != 0 && strcmp(cls, "secret") != 0)) return true;
    return rg_case_released(c, seq, RG_RELEASE_SUBJECT);
}

bool rg_access_item(const rg_actor *a, const rg_case *c, const char *cls, const char *source,
                    uint64_t seq)
{
    if (!cls || !cls[0] || strcmp(cls, "ordinary") == 0 || a->role == RG_ROLE_SYSTEM) return true;
    if (a->role == RG_ROLE_PROCESREGISSEUR && strcmp(c->procesregisseur, a->id) == 0) return true;
    /* The source org: a partner's own items.  Items the ZVH itself wrote
     * (a procesregisseur's) reach managers only when released to them. */
    if (a->role == RG_ROLE_PARTNER && strcmp(a->org, source) == 0) return true;
    return rg_case_released(c, seq, a->org);
}
