/*
 * access_test.c - domain/access.h, need-to-know, on cases built by hand:
 * who sees a case (its region and covenants, a manager all, a procesregisseur
 * an unassigned case in triage and then only their own, a partner while its
 * org takes part and not once archived, the upper levels of the ladder the
 * dossier of what reached them, an admin or auditor nothing), from which
 * version, with the subject or not; classified items by source and release.
 */
#include <string.h>

#include "../test.h"
#include "../../engine/domain/access.h"
#include "../../engine/domain/contract.h"

static rg_actor actor(const char *id, int role, const char *org, const char *zvh)
{
    rg_actor a;
    memset(&a, 0, sizeof a);
    snprintf(a.id, sizeof a.id, "%s", id);
    a.role = role;
    snprintf(a.org, sizeof a.org, "%s", org);
    snprintf(a.zvh, sizeof a.zvh, "%s", zvh);
    return a;
}

static rg_case *a_case(void)
{
    rg_case *c = rg_case_new("ZVH-1");
    snprintf(c->zvh, sizeof c->zvh, "tilburg");
    c->state = RG_ST_ANALYSIS;
    c->version = 9;
    rg_case_join(c, "police", 1);
    rg_case_join(c, "ggz", 5);
    return c;
}

static void test_views(void)
{
    rg_case *c = a_case();
    rg_actor mgr = actor("m", RG_ROLE_MANAGER, "zvh", "tilburg");
    rg_actor mgr_other = actor("m2", RG_ROLE_MANAGER, "zvh", "breda");
    rg_actor pr = actor("pr1", RG_ROLE_PROCESREGISSEUR, "zvh", "tilburg");
    rg_actor pr2 = actor("pr2", RG_ROLE_PROCESREGISSEUR, "zvh", "tilburg");
    rg_actor pol = actor("p", RG_ROLE_PARTNER, "police", "tilburg");
    rg_actor ggz = actor("g", RG_ROLE_PARTNER, "ggz", "tilburg");
    rg_actor vt = actor("v", RG_ROLE_PARTNER, "veilig-thuis", "tilburg");
    rg_actor adm = actor("a", RG_ROLE_ADMIN, "zvh", "tilburg");
    rg_actor aud = actor("au", RG_ROLE_AUDITOR, "zvh", "tilburg");
    rg_actor sys = actor("system", RG_ROLE_SYSTEM, "", "");

    CHECK(rg_access_view(&mgr, c) == RG_VIEW_FULL);
    CHECK(rg_access_view(&mgr_other, c) == RG_VIEW_NONE);     /* another region */
    CHECK(rg_access_view(&sys, c) == RG_VIEW_FULL);
    CHECK(rg_access_view(&adm, c) == RG_VIEW_NONE && rg_access_view(&aud, c) == RG_VIEW_NONE);
    /* Unassigned: every procesregisseur of the region in triage. */
    CHECK(rg_access_view(&pr, c) == RG_VIEW_TRIAGE && rg_access_view(&pr2, c) == RG_VIEW_TRIAGE);
    snprintf(c->procesregisseur, sizeof c->procesregisseur, "pr1");
    CHECK(rg_access_view(&pr, c) == RG_VIEW_FULL && rg_access_view(&pr2, c) == RG_VIEW_NONE);
    CHECK(rg_access_view(&pol, c) == RG_VIEW_PARTNER && rg_access_view(&vt, c) == RG_VIEW_NONE);

    /* From which version: a partner from the one it joined at. */
    CHECK(rg_access_since(&mgr, c) == 1 && rg_access_since(&pol, c) == 1 && rg_access_since(&ggz, c) == 5);
    CHECK(rg_access_since(&vt, c) == UINT32_MAX);
    CHECK(!rg_access_event(&ggz, c, 4, 40) && rg_access_event(&ggz, c, 5, 50));
    CHECK(rg_access_subject(&ggz, c) && rg_access_subject(&mgr, c) && !rg_access_subject(&vt, c));

    /* A covenant case: only actors admitted to it. */
    c->covenants = rg_covenant_bit("radicalisering", 14);
    CHECK(rg_access_view(&mgr, c) == RG_VIEW_NONE && rg_access_view(&pol, c) == RG_VIEW_NONE);
    mgr.covenants = c->covenants;
    CHECK(rg_access_view(&mgr, c) == RG_VIEW_FULL);
    c->covenants = 0;

    /* Archived: the partners' need-to-know has ended, the ZVH keeps it. */
    c->state = RG_ST_ARCHIVED;
    CHECK(rg_access_view(&pol, c) == RG_VIEW_NONE && rg_access_view(&mgr, c) == RG_VIEW_FULL);
    rg_case_free(c);
}

static void test_ladder_dossier(void)
{
    rg_case *c = a_case();
    rg_actor pm = actor("pm", RG_ROLE_PARTNER_MANAGER, "ggz", "tilburg");
    rg_actor best = actor("b", RG_ROLE_BESTUUR, "gemeente", "tilburg");
    CHECK(rg_access_view(&pm, c) == RG_VIEW_NONE && rg_access_view(&best, c) == RG_VIEW_NONE);
    rg_case_add_esc_org(c, "ggz");
    c->esc_max = 2;
    CHECK(rg_access_view(&pm, c) == RG_VIEW_DOSSIER && rg_access_view(&best, c) == RG_VIEW_NONE);
    c->esc_max = RG_ESC_TOP;
    CHECK(rg_access_view(&best, c) == RG_VIEW_DOSSIER);
    CHECK(!rg_access_subject(&pm, c) && !rg_access_subject(&best, c));
    rg_case_free(c);
}

static void test_items_and_direction(void)
{
    rg_case *c = a_case();
    snprintf(c->procesregisseur, sizeof c->procesregisseur, "pr1");
    rg_actor pr = actor("pr1", RG_ROLE_PROCESREGISSEUR, "zvh", "tilburg");
    rg_actor pr_other_region = actor("pr9", RG_ROLE_PROCESREGISSEUR, "zvh", "breda");
    rg_actor pol = actor("p", RG_ROLE_PARTNER, "police", "tilburg");
    rg_actor ggz = actor("g", RG_ROLE_PARTNER, "ggz", "tilburg");
    rg_actor mgr = actor("m", RG_ROLE_MANAGER, "zvh", "tilburg");
    CHECK(rg_access_item(&ggz, c, "ordinary", "police", 10) && rg_access_item(&ggz, c, NULL, "police", 10));
    CHECK(rg_access_item(&pol, c, "special", "police", 10));          /* its own */
    CHECK(!rg_access_item(&ggz, c, "special", "police", 10));
    CHECK(rg_access_item(&pr, c, "criminal", "police", 10));          /* the case's procesregisseur */
    CHECK(!rg_access_item(&mgr, c, "criminal", "police", 10));
    rg_case_add_release(c, 10, "ggz");
    CHECK(rg_access_item(&ggz, c, "special", "police", 10) && !rg_access_item(&ggz, c, "special", "police", 11));
    CHECK(rg_access_subject_item(c, "ordinary", 10) && !rg_access_subject_item(c, "criminal", 10));
    rg_case_add_release(c, 10, RG_RELEASE_SUBJECT);
    CHECK(rg_access_subject_item(c, "criminal", 10));
    CHECK(rg_access_may_direct(&pr, c) && !rg_access_may_direct(&pr_other_region, c));
    pr.revoked = true;
    CHECK(!rg_access_may_direct(&pr, c) && !rg_access_may_direct(&mgr, c));
    rg_case_free(c);
}

int main(void)
{
    RUN(test_views);
    RUN(test_ladder_dossier);
    RUN(test_items_and_direction);
    return rg_t_exit();
}
