/* member.c - whom a household case's items are about; the rule is in member.h. */
#include "member.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../storage/errors.h"
#include "contract.h"

void rg_member_free(rg_member *a)
{
    free(a->items);
    a->items = NULL;
    a->n = a->cap = 0;
}

bool rg_member_household(const rg_case *cs) { return cs->npersons > 1; }

/* Is key (n bytes) a free-text field of some operation (the op table's
 * RG_F_TEXT, at the top or in the elements of a list)? */
static bool fields_text(const rg_field *f, const char *key, uint32_t n)
{
    for (; f && f->name; f++) {
        if (f->type == RG_F_TEXT && strlen(f->name) == n && memcmp(f->name, key, n) == 0) return true;
        if (f->type == RG_F_MAP_ARRAY && fields_text(f->sub, key, n)) return true;
    }
    return false;
}

static bool is_text(const rg_val *k)
{
    const char *s;
    uint32_t n;
    if (!rg_val_str(k, &s, &n)) return false;
    for (const rg_opdef *op = rg_ops; op->name; op++)
        if (fields_text(op->fields, s, n)) return true;
    return false;
}

/* The persons v names: an id ("P2") or an array of ids; 0 for anything else
 * (person.added's rendered persons are maps of data, not ids). */
static uint64_t ids_mask(const rg_case *cs, const rg_val *v)
{
    char id[16];
    if (rg_val_strcpy(v, id, sizeof id)) {
        int i = rg_case_person(cs, id);
        return i >= 0 ? 1ULL << i : 0;
    }
    uint64_t m = 0;
    for (uint32_t j = 0; j < rg_array_size(v); j++) {
        int i = rg_val_strcpy(rg_array_at(v, j), id, sizeof id) ? rg_case_person(cs, id) : -1;
        if (i >= 0) m |= 1ULL << i;
    }
    return m;
}

static struct rg_member_item *find(rg_member *a, const rg_val *idv)
{
    char id[RG_ID_MAX];
    if (!rg_val_strcpy(idv, id, sizeof id)) return NULL;
    for (uint32_t i = 0; i < a->n; i++)
        if (strcmp(a->items[i].id, id) == 0) return &a->items[i];
    return NULL;
}

/* Remember whom item idv (a request or action id) is about. */
static void note(rg_member *a, const rg_val *idv, uint64_t mask)
{
    struct rg_member_item *it = find(a, idv);
    if (!it) {
        char id[RG_ID_MAX];
        if (!rg_val_strcpy(idv, id, sizeof id)) return;
        if (a->n == a->cap) {
            a->cap = a->cap ? a->cap * 2 : 16;
            a->items = rg_realloc(a->items, a->cap * sizeof *a->items);
        }
        it = &a->items[a->n++];
        snprintf(it->id, sizeof it->id, "%s", id);
    }
    it->mask = mask;
}

/* Whom the event's own items are about (0: the household), noting the
 * requests and actions it opens. */
static uint64_t event_mask(rg_member *a, const rg_case *cs, const char *type, const rg_val *data)
{
    const rg_val *acts = rg_map_get(data, "actions");
    for (uint32_t i = 0; i < rg_array_size(acts); i++) {
        const rg_val *x = rg_array_at(acts, i);
        note(a, rg_map_get(x, "id"), ids_mask(cs, rg_map_get(x, "persons")));
    }
    /* The report names its first person (whose data its subject part is),
     * yet it is the household's: the case's founding facts. */
    if (strcmp(type, "case.reported") == 0) return 0;
    uint64_t m = ids_mask(cs, rg_map_get(data, "person"));
    if (!m) m = ids_mask(cs, rg_map_get(data, "persons"));
    if (strcmp(type, "info.requested") == 0) note(a, rg_map_get(data, "request"), m);
    struct rg_member_item *it;
    if (!m && (it = find(a, rg_map_get(data, "request")))) m = it->mask;     /* an answer */
    if (!m && (it = find(a, rg_map_get(data, "action")))) m = it->mask;      /* a result */
    return m;
}

/* The map m with its free text left out and `withheld: true` (and
 * `household: true`) in its place; a list of maps (a plan's actions) each
 * by whom it is about.  Counts into *withheld. */
static void write_filtered(const rg_case *cs, uint32_t pi, const rg_val *m, bool household, rg_buf *out,
                           uint32_t *withheld);

static void write_list(const rg_case *cs, uint32_t pi, const rg_val *v, bool household, rg_buf *out,
                       uint32_t *withheld)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < rg_array_size(v); i++) {
        uint64_t m = ids_mask(cs, rg_map_get(rg_array_at(v, i), "persons"));
        n += !m || (m >> pi & 1);
    }
    rg_w_array(out, n);
    for (uint32_t i = 0; i < rg_array_size(v); i++) {
        const rg_val *x = rg_array_at(v, i);
        uint64_t m = ids_mask(cs, rg_map_get(x, "persons"));
        if (m && !(m >> pi & 1)) continue;          /* about other members only */
        if (m || !household || rg_val_type(x) != RG_VMAP) rg_w_val(out, x);
        else write_filtered(cs, pi, x, true, out, withheld);
    }
}

static void write_filtered(const rg_case *cs, uint32_t pi, const rg_val *m, bool household, rg_buf *out,
                           uint32_t *withheld)
{
    uint32_t keep = 0, cut = 0;
    for (uint32_t i = 0; i < rg_map_size(m); i++) {
        const rg_val *k = rg_map_key(m, i);
        if (rg_val_is_str(k, "withheld") || rg_val_is_str(k, "household")) continue;
        if (household && is_text(k) && rg_val_type(rg_map_value(m, i)) == RG_VSTR) cut++;
        else keep++;
    }
    bool was = rg_map_get(m, "withheld") != NULL;
    bool mark = cut || was;
    rg_w_map(out, keep + (mark ? 1 : 0) + (cut ? 1 : 0));
    for (uint32_t i = 0; i < rg_map_size(m); i++) {
        const rg_val *k = rg_map_key(m, i), *v = rg_map_value(m, i);
        if (rg_val_is_str(k, "withheld") || rg_val_is_str(k, "household")) continue;
        if (household && is_text(k) && rg_val_type(v) == RG_VSTR) continue;
        rg_w_val(out, k);
        bool list = rg_val_type(v) == RG_VARRAY && rg_array_size(v) && rg_val_type(rg_array_at(v, 0)) == RG_VMAP &&
                    !rg_val_is_str(k, "persons");
        if (list) write_list(cs, pi, v, household, out, withheld);
        else rg_w_val(out, v);
    }
    if (mark) rg_w_kbool(out, "withheld", true);
    if (cut) {
        rg_w_kbool(out, "household", true);
        (*withheld)++;
    }
}

bool rg_member_render(rg_member *a, const rg_case *cs, uint32_t pi, const rg_val *ev, rg_buf *out,
                     uint32_t *withheld)
{
    RG_ASSERT(pi < RG_PERSONS_MAX);
    char type[64] = "";
    rg_val_strcpy(rg_map_get(ev, "type"), type, sizeof type);
    const rg_val *data = rg_map_get(ev, "data");
    uint64_t m = event_mask(a, cs, type, data);
    if (m && !(m >> pi & 1)) return false;
    rg_w_map(out, rg_map_size(ev));
    for (uint32_t i = 0; i < rg_map_size(ev); i++) {
        rg_w_val(out, rg_map_key(ev, i));
        if (rg_val_is_str(rg_map_key(ev, i), "data") && rg_val_type(rg_map_value(ev, i)) == RG_VMAP)
            write_filtered(cs, pi, rg_map_value(ev, i), m == 0, out, withheld);
        else
            rg_w_val(out, rg_map_value(ev, i));
    }
    return true;
}
