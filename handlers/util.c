/* util.c - checks shared by several handlers. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../engine/domain/calendar.h"
#include "../engine/storage/errors.h"
#include "handlers.h"

bool rg_is_name(const char *p, uint32_t n)
{
    /* Ids and orgs appear in notification topics (alert.<id>, org.<org>), so
     * they are kept to characters that need no escaping anywhere. */
    if (n == 0 || n > 64) return false;
    for (uint32_t i = 0; i < n; i++) {
        char ch = p[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
        if (!ok) return false;
    }
    return true;
}

int rg_require_director(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    const rg_actor *a = rg_ctx_actor(c);
    if (!cs->procesregisseur[0])
        return rg_ctx_fail(c, RG_EGUARD,
                           "case %s has no procesregisseur yet: take it first with case.assign",
                           cs->id);
    if (strcmp(cs->procesregisseur, a->id) != 0)
        return rg_ctx_fail(c, RG_EFORBIDDEN, "case %s is directed by another procesregisseur",
                           cs->id);
    return 0;
}

void rg_field_str(rg_ctx *c, const char *name, char *dst, size_t cap)
{
    dst[0] = '\0';
    rg_val_strcpy(rg_ctx_field(c, name), dst, cap);
}

void rg_copy_fields(rg_ctx *c, rg_evb *ev, const char *const *names)
{
    for (const char *const *k = names; *k; k++) {
        const rg_val *v = rg_ctx_field(c, *k);
        if (v) rg_ev_val(ev, *k, v);
    }
}

bool rg_date_end(const char *p, uint32_t n, uint64_t *ms)
{
    int64_t t;
    bool date_only;
    if (!rg_parse_iso(p, n, &t, &date_only)) return false;
    if (date_only) {
        int y = 0, m = 0, d = 0;
        for (int i = 0; i < 4; i++) y = y * 10 + (p[i] - '0');
        m = (p[5] - '0') * 10 + (p[6] - '0');
        d = (p[8] - '0') * 10 + (p[9] - '0');
        t = rg_cal_end_of_day(y, m, d);
    }
    *ms = t < 0 ? 0 : (uint64_t)t;
    return true;
}

int rg_require_future(rg_ctx *c, const rg_val *v, const char *path)
{
    const char *p;
    uint32_t n;
    uint64_t ms;
    if (!rg_val_str(v, &p, &n) || !rg_date_end(p, n, &ms)) return 0;   /* the schema checked it */
    if (ms <= rg_ctx_now(c))
        return rg_ctx_fail(c, RG_EGUARD, "%s: %.*s is in the past; this step plans what is to come",
                           path, (int)n, p);
    return 0;
}

int rg_check_names(rg_ctx *c, const char *field)
{
    const rg_val *list = rg_ctx_field(c, field);
    for (uint32_t i = 0; i < rg_array_size(list); i++) {
        const char *p;
        uint32_t n;
        rg_val_str(rg_array_at(list, i), &p, &n);
        if (!rg_is_name(p, n))
            return rg_ctx_fail(c, RG_EBADREQ, "data.%s[%u]: use 1..64 of A-Z a-z 0-9 . _ -", field, i);
    }
    return 0;
}

/* The eleven-test of a citizen service number (BSN): nine digits d1..d9 with
 * 9*d1 + 8*d2 + ... + 2*d8 - d9 a multiple of 11 (and not all zero). */
static bool elfproef(const char *p, uint32_t n)
{
    if (n != 9) return false;
    int sum = 0, nonzero = 0;
    for (uint32_t i = 0; i < 9; i++) {
        if (p[i] < '0' || p[i] > '9') return false;
        int d = p[i] - '0';
        nonzero |= d;
        sum += i < 8 ? (int)(9 - i) * d : -d;
    }
    return nonzero && sum % 11 == 0;
}

int rg_check_person(rg_ctx *c, const rg_val *p, const char *path)
{
    const char *s;
    uint32_t n;
    const rg_val *bsn = rg_map_get(p, "bsn");
    if (bsn && rg_val_type(bsn) != RG_VNIL) {
        if (!rg_val_str(bsn, &s, &n) || !elfproef(s, n))
            return rg_ctx_fail(c, RG_EBADREQ, "%s.bsn: not a citizen service number (nine digits that pass the "
                               "eleven-test)", path);
    }
    const rg_val *birth = rg_map_get(p, "birth_date");
    if (birth && rg_val_type(birth) != RG_VNIL) {
        int64_t ms;
        bool date_only = false;
        if (!rg_val_str(birth, &s, &n) || !rg_parse_iso(s, n, &ms, &date_only) || !date_only)
            return rg_ctx_fail(c, RG_EBADREQ, "%s.birth_date: a real calendar date, YYYY-MM-DD", path);
        if (ms >= (int64_t)rg_ctx_now(c))
            return rg_ctx_fail(c, RG_EBADREQ, "%s.birth_date: %.*s is not in the past", path, (int)n, s);
    }
    return 0;
}
