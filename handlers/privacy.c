/*
 * privacy.c - erasing a case's personal data for good (CONTRACT.md,
 * "Privacy operations"): case.erase destroys the case's data key
 * (crypto-shredding, domain/seal.h) and appends case.erased; the rest of the
 * log stays as it was and verifies.  A manager erases an archived or
 * referred case, a decided data-subject request, or any case a granted
 * erasure request names; the engine itself erases a case when its retention
 * ends (the retention and subject.retention norms, schemas/norms.c).  Erasing twice changes nothing the second time.
 */
#include <stdio.h>
#include <string.h>

#include "../engine/core/persons.h"
#include "../engine/storage/errors.h"
#include "handlers.h"

int rg_h_case_erase(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    if (cs->erased) {
        rg_w_cstr(rg_ctx_reply_key(c, "case"), cs->id);
        rg_w_bool(rg_ctx_reply_key(c, "erased"), true);
        return 0;
    }
    char request[RG_ID_MAX] = "";
    rg_field_str(c, "request", request, sizeof request);
    if (request[0]) {
        char person[16];
        int rc = rg_subject_request_allows(c, request, "erasure", cs, person);
        if (rc < 0) return rc;
        /* A request is one person's: in a household with others still in
         * it, it erases that person (person.erase), not everyone. */
        for (uint32_t i = 0; i < cs->npersons; i++) {
            char id[16];
            snprintf(id, sizeof id, "P%u", i + 1);
            if (!cs->persons[i].erased && !cs->persons[i].removed && strcmp(id, person) != 0)
                return rg_ctx_fail(c, RG_EGUARD,
                                   "request %s is person %s's, and case %s holds others: erase %s with "
                                   "person.erase", request, person, cs->id, person);
        }
    } else if (cs->state != RG_ST_ARCHIVED && cs->state != RG_ST_REFERRED && cs->state != RG_ST_DECIDED) {
        return rg_ctx_fail(c, RG_EGUARD,
                           "case %s is %s: only an archived or referred case or a decided data-subject "
                           "request is erased, or one that a granted erasure request names (data.request)",
                           cs->id, rg_state_name(cs->state));
    }
    /* The person index loses the case with its key. */
    if (rg_persons_stage(c, cs, true) < 0) return rg_ctx_fail(c, RG_ESTORAGE, "reading the subject of %s failed", cs->id);
    rg_evb *ev = rg_ctx_emit(c, "case.erased");
    static const char *const fields[] = {"ground", "request", NULL};
    rg_copy_fields(c, ev, fields);
    return 0;
}
