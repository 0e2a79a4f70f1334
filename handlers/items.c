/*
 * items.c - releasing a classified item (CONTRACT.md, "Classified items"):
 * a free-text item of a non-ordinary class reaches only its source org and
 * the case's procesregisseur until its source releases it to more orgs.
 * The source releases: a partner of the org that wrote it, or, for an item
 * the ZVH wrote (a procesregisseur's), the case's procesregisseur.
 */
#include <string.h>

#include "../engine/storage/errors.h"
#include "handlers.h"
#include "../engine/core/reads.h"

int rg_h_item_release(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    const rg_actor *a = rg_ctx_actor(c);
    uint64_t seq = 0;
    rg_val_uint(rg_ctx_field(c, "seq"), &seq);
    rg_buf rec = RG_BUF_INIT;
    rg_record r;
    rg_doc *d = NULL;
    const char *why;
    int rc = rg_reads_event(rg_ctx_engine(c), seq, &rec);
    if (rc == 0) rc = rg_record_parse(rec.data, rec.len, &r);
    if (rc == 0) rc = rg_doc_parse(&d, r.pub, r.pub_len, &why);
    const rg_val *ev = rc == 0 ? rg_doc_root(d) : NULL;
    char type[64] = "", cls[32] = "", org[RG_ID_MAX] = "", role[32] = "";
    rg_val_strcpy(rg_map_get(ev, "type"), type, sizeof type);
    rg_val_strcpy(rg_map_get(rg_map_get(ev, "data"), "class"), cls, sizeof cls);
    rg_val_strcpy(rg_map_get(rg_map_get(ev, "actor"), "org"), org, sizeof org);
    rg_val_strcpy(rg_map_get(rg_map_get(ev, "actor"), "role"), role, sizeof role);
    bool of_case = ev && rg_val_is_str(rg_map_get(ev, "case"), cs->id);
    /* Whom the item is about (data.persons: an answer's, a result's). */
    uint64_t about = ev ? rg_case_persons_mask(cs, rg_map_get(rg_map_get(ev, "data"), "persons")) : 0;
    const rg_evdef *def = rg_event_find(type);
    rg_doc_free(d);
    rg_buf_free(&rec);
    if (rc < 0 && rc != RG_ENOTFOUND) return rg_ctx_fail(c, RG_ESTORAGE, "reading event %llu failed",
                                                         (unsigned long long)seq);
    if (!of_case || !def || !def->item)
        return rg_ctx_fail(c, RG_ENOTFOUND, "case %s has no item at position %llu", cs->id,
                           (unsigned long long)seq);
    if (!cls[0] || strcmp(cls, "ordinary") == 0)
        return rg_ctx_fail(c, RG_EGUARD, "the item at %llu is ordinary: every participant reads it already",
                           (unsigned long long)seq);
    bool zvh_item = strcmp(role, "procesregisseur") == 0;
    bool source = zvh_item ? a->role == RG_ROLE_PROCESREGISSEUR && strcmp(cs->procesregisseur, a->id) == 0
                           : a->role == RG_ROLE_PARTNER && strcmp(a->org, org) == 0;
    if (!source)
        return rg_ctx_fail(c, RG_EFORBIDDEN, "only its source (%s) releases the item at %llu",
                           zvh_item ? "the case's procesregisseur" : org, (unsigned long long)seq);
    if ((rc = rg_check_names(c, "orgs")) < 0) return rc;
    /* Never to an org that may not see a person it is about (person.share). */
    const rg_val *to = rg_ctx_field(c, "orgs");
    for (uint32_t j = 0; j < rg_array_size(to); j++) {
        char name[RG_ID_MAX] = "";
        rg_val_strcpy(rg_array_at(to, j), name, sizeof name);
        for (uint32_t i = 0; i < cs->npersons; i++)
            if ((about >> i & 1) && !rg_case_person_shared(cs, i, name))
                return rg_ctx_fail(c, RG_EFORBIDDEN,
                                   "data.orgs[%u]: %s may not see person P%u, whom the item at %llu is about", j, name,
                                   i + 1, (unsigned long long)seq);
    }
    bool subject = false;
    rg_val_bool(rg_ctx_field(c, "subject"), &subject);
    if (!rg_array_size(rg_ctx_field(c, "orgs")) && !subject)
        return rg_ctx_fail(c, RG_EBADREQ, "data.orgs: name at least one org, or release to the subject");
    rg_evb *out = rg_ctx_emit(c, "item.released");
    static const char *const fields[] = {"seq", "orgs", "subject", NULL};
    rg_copy_fields(c, out, fields);
    return 0;
}
