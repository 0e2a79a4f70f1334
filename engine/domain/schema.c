/*
 * schema.c - interprets the tables of schemas/: name lookups and the request
 * field checker.  Every message names the offending field as `data.<name>`
 * (or `data.<array>[i].<name>`) so a client can tell what to fix.
 */
#include "schema.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "../storage/hmap.h"
#include "../storage/errors.h"

bool rg_machine_allows(int route, int state, const char *op)
{
    if (route < 0 || state < 0) return false;
    /* An operation may have a row per group of routes: the first row for
     * the case's route decides. */
    for (const rg_transition *t = rg_machine; t->op; t++)
        if (strcmp(t->op, op) == 0 && (t->routes & (1u << route))) return t->states & (1u << state);
    return false;
}

int rg_entry_state(int route, int state, const rg_evdef *def)
{
    /* Few rows, and most events have none: a scan of the names of the rows
     * only, compared by pointer first (the tables share string literals). */
    if (route < 0 || state < 0) return def->to;      /* a case being reported */
    for (const rg_entry *x = rg_entries; x->event; x++)
        if ((x->routes & (1u << route)) && (x->from & (1u << state)) &&
            (x->event == def->type || strcmp(x->event, def->type) == 0))
            return x->to;
    return def->to;
}

int rg_phase_next(int route, int state)
{
    if (route < 0) return -1;
    for (const rg_phase *p = rg_phases; p->routes; p++)
        if ((p->routes & (1u << route)) && p->from == state) return p->next;
    return -1;
}

/* Event types by name: every stored event is looked up several times on
 * its way through a fold, so an open-addressing index over rg_events, built
 * once, replaces the scan of the table. */
#define EV_SLOTS 256                      /* a power of two, at least twice the types */
static uint8_t ev_slot[EV_SLOTS];         /* index into rg_events + 1; 0 = empty */
static pthread_once_t ev_once = PTHREAD_ONCE_INIT;

static size_t count_events(void)
{
    size_t n = 0;
    while (rg_events[n].type) n++;
    return n;
}

static size_t count_norms(void)
{
    size_t n = 0;
    while (rg_norms[n].name) n++;
    return n;
}

int rg_norm_find(const char *name)
{
    for (int i = 0; rg_norms[i].name; i++)
        if (strcmp(rg_norms[i].name, name) == 0) return i;
    return -1;
}

int rg_schema_validate(void)
{
    if (count_events() >= EV_SLOTS / 2) {
        fprintf(stderr, "regie: %zu event types: more than the index holds; raise EV_SLOTS\n",
                count_events());
        return RG_EBADREQ;
    }
    if (count_norms() > RG_MAX_NORMS) {
        fprintf(stderr, "regie: %zu norms: more than RG_MAX_NORMS (%d)\n", count_norms(),
                RG_MAX_NORMS);
        return RG_EBADREQ;
    }
    return 0;
}

bool rg_word_in(const char *list, const char *w, uint32_t n)
{
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, " ");
        if (len == n && n > 0 && memcmp(p, w, n) == 0) return true;
        p += len + (p[len] == ' ');
    }
    return false;
}

static void ev_index(void)
{
    /* rg_schema_validate, run when an engine opens, refused a table larger
     * than the index; a larger one is indexed only in part. */
    size_t n = 0;
    for (const rg_evdef *ev = rg_events; ev->type && n < EV_SLOTS / 2; ev++, n++) {
        uint64_t i = rg_hash_bytes(ev->type, strlen(ev->type)) & (EV_SLOTS - 1);
        while (ev_slot[i]) i = (i + 1) & (EV_SLOTS - 1);
        ev_slot[i] = (uint8_t)(n + 1);
    }
}

const rg_evdef *rg_event_find(const char *type)
{
    pthread_once(&ev_once, ev_index);
    for (uint64_t i = rg_hash_bytes(type, strlen(type)) & (EV_SLOTS - 1); ev_slot[i]; i = (i + 1) & (EV_SLOTS - 1)) {
        const rg_evdef *ev = &rg_events[ev_slot[i] - 1];
        if (strcmp(ev->type, type) == 0) return ev;
    }
    return NULL;
}

static bool is_scalar(const rg_val *v)
{
    rg_vtype t = rg_val_type(v);
    return t == RG_VSTR || t == RG_VBOOL || t == RG_VUINT || t == RG_VINT || t == RG_VNIL;
}

static int bad(char *msg, size_t cap, const char *path, const char *name, const char *what)
{
    snprintf(msg, cap, "%s%s: %s", path, name, what);
    return RG_EBADREQ;
}

static int check_map(const rg_field *fields, const rg_val *data, const char *path,
                     char *msg, size_t cap);

/* One checker per field type (rg_ftype): the value v of field f, at path;
 * 0, or RG_EBADREQ with msg naming the field and what it must be. */
typedef int check_fn(const rg_field *f, const rg_val *v, const char *path, char *msg, size_t cap);

static int check_string(const rg_field *f, const rg_val *v, const char *path, char *msg, size_t cap)
{
    const char *s;
    uint32_t n;
    if (!rg_val_str(v, &s, &n)) return bad(msg, cap, path, f->name, "must be a string");
    if (f->type == RG_F_STR && n == 0) return bad(msg, cap, path, f->name, "must not be empty");
    if (n > f->max) {
        snprintf(msg, cap, "%s%s: longer than %llu bytes", path, f->name, (unsigned long long)f->max);
        return RG_EBADREQ;
    }
    if (!rg_utf8_ok(s, n)) return bad(msg, cap, path, f->name, "must be valid UTF-8 without NUL bytes");
    return 0;
}

static int check_bool(const rg_field *f, const rg_val *v, const char *path, char *msg, size_t cap)
{
    return rg_val_type(v) == RG_VBOOL ? 0 : bad(msg, cap, path, f->name, "must be a boolean");
}

static int check_uint(const rg_field *f, const rg_val *v, const char *path, char *msg, size_t cap)
{
    uint64_t u;
    if (!rg_val_uint(v, &u)) return bad(msg, cap, path, f->name, "must be a non-negative integer");
    if (u >= f->min && (!f->max || u <= f->max)) return 0;
    if (f->max)
        snprintf(msg, cap, "%s%s: %llu..%llu", path, f->name, (unsigned long long)f->min,
                 (unsigned long long)f->max);
    else
        snprintf(msg, cap, "%s%s: at least %llu", path, f->name, (unsigned long long)f->min);
    return RG_EBADREQ;
}

static int check_date(const rg_field *f, const rg_val *v, const char *path, char *msg, size_t cap)
{
    const char *s;
    uint32_t n;
    int64_t ms;
    bool date_only;
    if (!rg_val_str(v, &s, &n) || !rg_parse_iso(s, n, &ms, &date_only))
        return bad(msg, cap, path, f->name, "must be an ISO 8601 date (2026-12-01) or date-time with offset");
    return 0;
}

static int check_open_map(const rg_field *f, const rg_val *v, const char *path, char *msg, size_t cap)
{
    const char *s;
    uint32_t n;
    if (rg_val_type(v) != RG_VMAP) return bad(msg, cap, path, f->name, "must be a map");
    if (rg_map_size(v) > f->max) return bad(msg, cap, path, f->name, "has too many entries");
    for (uint32_t i = 0; i < rg_map_size(v); i++) {
        const rg_val *val = rg_map_value(v, i);
        if (rg_val_type(rg_map_key(v, i)) != RG_VSTR || !is_scalar(val))
            return bad(msg, cap, path, f->name, "must map string keys to scalar values");
        if (rg_val_str(rg_map_key(v, i), &s, &n) && (n == 0 || n > 64 || !rg_utf8_ok(s, n)))
            return bad(msg, cap, path, f->name, "keys must be valid UTF-8 of 1..64 bytes");
        if (rg_val_str(val, &s, &n) && n > 4096)
            return bad(msg, cap, path, f->name, "holds a value longer than 4096 bytes");
        if (rg_val_str(val, &s, &n) && !rg_utf8_ok(s, n))
            return bad(msg, cap, path, f->name, "holds a value that is not valid UTF-8 without NUL bytes");
    }
    return 0;
}

static int check_str_array(const rg_field *f, const rg_val *v, const char *path, char *msg, size_t cap)
{
    const char *s;
    uint32_t n;
    if (rg_val_type(v) != RG_VARRAY) return bad(msg, cap, path, f->name, "must be an array of strings");
    if (rg_array_size(v) == 0 || rg_array_size(v) > f->max)
        return bad(msg, cap, path, f->name, "has too few or too many entries");
    for (uint32_t i = 0; i < rg_array_size(v); i++)
        if (!rg_val_str(rg_array_at(v, i), &s, &n) || n == 0 || n > 64 || !rg_utf8_ok(s, n))
            return bad(msg, cap, path, f->name,
                       "must hold non-empty strings of at most 64 bytes, valid UTF-8 without NUL");
    return 0;
}

static int check_map_array(const rg_field *f, const rg_val *v, const char *path, char *msg, size_t cap)
{
    char sub[128];
    if (rg_val_type(v) != RG_VARRAY) return bad(msg, cap, path, f->name, "must be an array of maps");
    if (rg_array_size(v) == 0 || rg_array_size(v) > f->max)
        return bad(msg, cap, path, f->name, "has too few or too many entries");
    for (uint32_t i = 0; i < rg_array_size(v); i++) {
        snprintf(sub, sizeof sub, "%s%s[%u].", path, f->name, i);
        int rc = check_map(f->sub, rg_array_at(v, i), sub, msg, cap);
        if (rc < 0) return rc;
    }
    return 0;
}

static int check_enum(const rg_field *f, const rg_val *v, const char *path, char *msg, size_t cap)
{
    const char *s;
    uint32_t n;
    if (rg_val_str(v, &s, &n) && rg_word_in(f->values, s, n)) return 0;
    snprintf(msg, cap, "%s%s: must be one of: %s", path, f->name, f->values);
    return RG_EBADREQ;
}

static int check_enum_array(const rg_field *f, const rg_val *v, const char *path, char *msg, size_t cap)
{
    const char *s, *k2;
    uint32_t n, n2;
    if (rg_val_type(v) != RG_VARRAY || rg_array_size(v) == 0 || rg_array_size(v) > f->max) {
        snprintf(msg, cap, "%s%s: must be an array of one or more of: %s", path, f->name, f->values);
        return RG_EBADREQ;
    }
    for (uint32_t i = 0; i < rg_array_size(v); i++) {
        if (!rg_val_str(rg_array_at(v, i), &s, &n) || !rg_word_in(f->values, s, n)) {
            snprintf(msg, cap, "%s%s[%u]: must be one of: %s", path, f->name, i, f->values);
            return RG_EBADREQ;
        }
        for (uint32_t j = 0; j < i; j++)
            if (rg_val_str(rg_array_at(v, j), &k2, &n2) && n2 == n && memcmp(k2, s, n) == 0)
                return bad(msg, cap, path, f->name, "names a value twice");
    }
    return 0;
}

/* The checker of each field type, in rg_ftype's order. */
static check_fn *const checkers[] = {
    [RG_F_STR] = check_string,          [RG_F_TEXT] = check_string,
    [RG_F_BOOL] = check_bool,           [RG_F_UINT] = check_uint,
    [RG_F_DATE] = check_date,           [RG_F_OPEN_MAP] = check_open_map,
    [RG_F_STR_ARRAY] = check_str_array, [RG_F_MAP_ARRAY] = check_map_array,
    [RG_F_ENUM] = check_enum,           [RG_F_ENUM_ARRAY] = check_enum_array,
};

static int check_value(const rg_field *f, const rg_val *v, const char *path, char *msg, size_t cap)
{
    if ((unsigned)f->type >= sizeof checkers / sizeof checkers[0] || !checkers[f->type])
        return bad(msg, cap, path, f->name, "has an unknown schema type");
    return checkers[f->type](f, v, path, msg, cap);
}

static int check_map(const rg_field *fields, const rg_val *data, const char *path,
                     char *msg, size_t cap)
{
    if (data && rg_val_type(data) != RG_VMAP) {
        snprintf(msg, cap, "%s must be a map", *path ? path : "data");
        return RG_EBADREQ;
    }
    uint32_t n = rg_map_size(data);
    for (uint32_t i = 0; i < n; i++) {
        const char *k;
        uint32_t kn;
        if (!rg_val_str(rg_map_key(data, i), &k, &kn)) {
            snprintf(msg, cap, "%s keys must be strings", *path ? path : "data");
            return RG_EBADREQ;
        }
        const rg_field *f = fields;
        while (f && f->name && !(strlen(f->name) == kn && memcmp(f->name, k, kn) == 0)) f++;
        if (!f || !f->name) {
            /* Named back only when it is text a reply can carry. */
            if (rg_utf8_ok(k, kn > 64 ? 64 : kn))
                snprintf(msg, cap, "%s%.*s: unknown field", path, (int)(kn > 64 ? 64 : kn), k);
            else
                snprintf(msg, cap, "%s: a field name that is not valid UTF-8", *path ? path : "data");
            return RG_EBADREQ;
        }
        for (uint32_t j = 0; j < i; j++) {
            if (rg_val_is_str(rg_map_key(data, j), f->name)) {
                snprintf(msg, cap, "%s%s: given twice", path, f->name);
                return RG_EBADREQ;
            }
        }
        int rc = check_value(f, rg_map_value(data, i), path, msg, cap);
        if (rc < 0) return rc;
    }
    for (const rg_field *f = fields; f && f->name; f++) {
        if (f->required && !rg_map_get(data, f->name)) {
            snprintf(msg, cap, "%s%s: required field missing", path, f->name);
            return RG_EBADREQ;
        }
    }
    return 0;
}

int rg_schema_check(const rg_field *fields, const rg_val *data, char *msg, size_t msgcap)
{
    return check_map(fields, data, "data.", msg, msgcap);
}
