/* case.c - the case projection: fold, encode, decode.  See case.h. */
#include "case.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../storage/errors.h"
#include "schema.h"
#include "spelling.h"

/* Arrays start at one element: most cases hold one or two of each, and a
 * rebuild keeps every case in memory at once. */
#define GROW(arr, n, cap) do { if ((n) == (cap)) { \
    (cap) = (cap) ? (cap) * 2 : 1; (arr) = rg_realloc((arr), (cap) * sizeof *(arr)); } } while (0)

void rg_case_init(rg_case *c, const char *id)
{
    rg_str_copy(c->id, sizeof c->id, id);
    c->state = -1;
    c->ladder_norm = -1;
}

rg_case *rg_case_new(const char *id)
{
    rg_case *c = rg_calloc(1, sizeof *c);
    rg_case_init(c, id);
    return c;
}

void rg_case_free(rg_case *c)
{
    if (!c) return;
    rg_case_clear(c);
    free(c);
}

void rg_case_clear(rg_case *c)
{
    free(c->parts);
    free(c->reqs);
    free(c->actions);
    free(c->rev);
    free(c->esc_orgs);
    free(c->agreed);
    free(c->dl);
    free(c->rel);
    free(c->shares);
    if (c->persons) rg_wipe(c->persons, c->cappersons * sizeof *c->persons);
    free(c->persons);
    rg_wipe(c->dk, sizeof c->dk);
}

const rg_part *rg_case_part(const rg_case *c, const char *org)
{
    for (uint32_t i = 0; i < c->nparts; i++)
        if (strcmp(c->parts[i].org, org) == 0) return &c->parts[i];
    return NULL;
}

void rg_case_join(rg_case *c, const char *org, uint32_t since)
{
    if (rg_case_part(c, org)) return;
    GROW(c->parts, c->nparts, c->capparts);
    rg_part *p = &c->parts[c->nparts++];
    rg_str_copy(p->org, sizeof p->org, org);
    p->since = since;
}

bool rg_case_agreed(const rg_case *c, const char *org)
{
    for (uint32_t i = 0; i < c->nagreed; i++)
        if (strcmp(c->agreed[i], org) == 0) return true;
    return false;
}

bool rg_case_released(const rg_case *c, uint64_t seq, const char *org)
{
    for (uint32_t i = 0; i < c->nrel; i++)
        if (c->rel[i].seq == seq && strcmp(c->rel[i].org, org) == 0) return true;
    return false;
}

void rg_case_add_release(rg_case *c, uint64_t seq, const char *org)
{
    if (rg_case_released(c, seq, org)) return;
    GROW(c->rel, c->nrel, c->caprel);
    c->rel[c->nrel].seq = seq;
    snprintf(c->rel[c->nrel].org, RG_ID_MAX, "%s", org);
    c->nrel++;
}

int rg_case_add_person(rg_case *c, const char *role, uint64_t seq)
{
    if (c->npersons >= RG_PERSONS_MAX || strlen(role) >= sizeof c->persons[0].role) return RG_ESTORAGE;
    GROW(c->persons, c->npersons, c->cappersons);
    rg_person *p = &c->persons[c->npersons++];
    memset(p, 0, sizeof *p);
    snprintf(p->role, sizeof p->role, "%s", role);
    p->seq = seq;
    return 0;
}

void rg_case_share_person(rg_case *c, uint32_t i, const char (*orgs)[RG_ID_MAX], uint32_t n)
{
    uint32_t kept = 0;
    for (uint32_t j = 0; j < c->nshares; j++)
        if (c->shares[j].person != i) c->shares[kept++] = c->shares[j];
    c->nshares = kept;
    for (uint32_t j = 0; j < n; j++) {
        GROW(c->shares, c->nshares, c->capshares);
        c->shares[c->nshares].person = i;
        snprintf(c->shares[c->nshares].org, RG_ID_MAX, "%s", orgs[j]);
        c->nshares++;
    }
}

bool rg_case_person_shared(const rg_case *c, uint32_t i, const char *org)
{
    /* A restricted person's data is kept, and read only by the ZVH that
     * keeps it (GDPR art. 18(2): stored, not otherwise processed): no org
     * sees them, nor what is about them, until it is lifted. */
    if (i < c->npersons && c->persons[i].restricted) return false;
    bool limited = false;
    for (uint32_t j = 0; j < c->nshares; j++) {
        if (c->shares[j].person != i) continue;
        limited = true;
        if (strcmp(c->shares[j].org, org) == 0) return true;
    }
    return !limited;
}

uint64_t rg_case_persons_mask(const rg_case *c, const rg_val *ids)
{
    _Static_assert(RG_PERSONS_MAX <= 64, "a mask of persons");
    uint64_t m = 0;
    for (uint32_t j = 0; j < rg_array_size(ids); j++) {
        char id[16];
        int i = rg_val_strcpy(rg_array_at(ids, j), id, sizeof id) ? rg_case_person(c, id) : -1;
        if (i >= 0) m |= 1ULL << i;
    }
    return m;
}

bool rg_case_persons_shared(const rg_case *c, uint64_t mask, const char *org)
{
    for (uint32_t i = 0; i < c->npersons && mask >> i; i++)
        if ((mask >> i & 1) && !rg_case_person_shared(c, i, org)) return false;
    return true;
}

bool rg_case_person_restricted(const rg_case *c, const char *person)
{
    int i = rg_case_person(c, person);
    return i >= 0 && c->persons[i].restricted != 0;
}

static const uint8_t *person_key(const void *ud, const char *id)
{
    const rg_case *c = ud;
    int i = rg_case_person(c, id);
    if (i < 0 || c->erased || c->persons[i].erased || c->persons[i].key_state != RG_DK_PRESENT) return NULL;
    return c->persons[i].key;
}

void rg_case_keyring(const rg_case *c, rg_keyring *k)
{
    k->dk = c->dk_state == RG_DK_PRESENT && !c->erased ? c->dk : NULL;
    k->person = person_key;
    k->ud = c;
}

int rg_case_person(const rg_case *c, const char *id)
{
    char *end;
    if (id[0] != 'P' || id[1] < '1' || id[1] > '9') return -1;
    unsigned long n = strtoul(id + 1, &end, 10);
    if (*end || n < 1 || n > c->npersons) return -1;
    return (int)n - 1;
}

bool rg_case_plan_fully_agreed(const rg_case *c)
{
    if (!c->plan_rev) return false;
    uint32_t n;
    const rg_action *a = rg_case_agreeing(c, &n);
    for (uint32_t i = 0; i < n; i++)
        if (!rg_case_agreed(c, a[i].owner)) return false;
    return true;
}

uint32_t rg_case_open_actions(const rg_case *c)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->nactions; i++) n += c->actions[i].status == RG_ACT_OPEN;
    return n;
}

void rg_case_add_agreement(rg_case *c, const char *org)
{
    if (rg_case_agreed(c, org)) return;
    GROW(c->agreed, c->nagreed, c->capagreed);
    snprintf(c->agreed[c->nagreed++], RG_ID_MAX, "%s", org);
}

rg_action *rg_case_add_action(rg_case *c)
{
    GROW(c->actions, c->nactions, c->capactions);
    rg_action *a = &c->actions[c->nactions++];
    memset(a, 0, sizeof *a);
    return a;
}

void rg_case_add_esc_org(rg_case *c, const char *org)
{
    for (uint32_t i = 0; i < c->nesc_orgs; i++)
        if (strcmp(c->esc_orgs[i], org) == 0) return;
    GROW(c->esc_orgs, c->nesc_orgs, c->capesc_orgs);
    snprintf(c->esc_orgs[c->nesc_orgs++], RG_ID_MAX, "%s", org);
}

rg_action *rg_case_add_rev_action(rg_case *c)
{
    GROW(c->rev, c->nrev, c->caprev);
    rg_action *a = &c->rev[c->nrev++];
    memset(a, 0, sizeof *a);
    return a;
}

const rg_action *rg_case_agreeing(const rg_case *c, uint32_t *n)
{
    *n = c->revising ? c->nrev : c->nactions;
    return c->revising ? c->rev : c->actions;
}

rg_request *rg_case_add_request(rg_case *c)
{
    GROW(c->reqs, c->nreqs, c->capreqs);
    rg_request *r = &c->reqs[c->nreqs++];
    memset(r, 0, sizeof *r);
    return r;
}

rg_deadline *rg_case_add_deadline(rg_case *c)
{
    if (c->ndl == c->capdl) {
        c->capdl = c->capdl ? c->capdl * 2 : 1;
        c->dl = rg_realloc(c->dl, c->capdl * sizeof *c->dl);
    }
    rg_deadline *d = &c->dl[c->ndl++];
    memset(d, 0, sizeof *d);
    return d;
}

/* ---- encoding: a map; arrays of small records as arrays of arrays ---- */

/* [id, owner, due, status, persons] (persons: none in projections from before) */
static void encode_action(rg_buf *out, const rg_action *a)
{
    rg_w_array(out, 5);
    rg_w_cstr(out, a->id);
    rg_w_cstr(out, a->owner);
    rg_w_cstr(out, a->due);
    rg_w_uint(out, (uint64_t)a->status);
    rg_w_uint(out, a->persons);
}

void rg_case_encode(const rg_case *c, rg_buf *out)
{
    rg_w_map(out, 41);
    rg_w_kstr(out, "id", c->id);
    rg_w_cstr(out, "persons");
    rg_w_array(out, c->npersons);
    for (uint32_t i = 0; i < c->npersons; i++) {
        uint32_t ns = 0;
        for (uint32_t j = 0; j < c->nshares; j++) ns += c->shares[j].person == i;
        rg_w_array(out, 7);
        rg_w_cstr(out, c->persons[i].role);
        rg_w_uint(out, c->persons[i].seq);
        rg_w_bool(out, c->persons[i].removed);
        rg_w_bool(out, c->persons[i].erased);
        rg_w_array(out, ns);          /* the orgs it is limited to (person.share) */
        for (uint32_t j = 0; j < c->nshares; j++)
            if (c->shares[j].person == i) rg_w_cstr(out, c->shares[j].org);
        rg_w_uint(out, c->persons[i].restricted);
        rg_w_uint(out, c->persons[i].perspective);
    }
    rg_w_kuint(out, "relapses", c->relapses);
    rg_w_kuint(out, "subject_seq", c->subject_seq);
    rg_w_kbool(out, "erased", c->erased);
    rg_w_kstr(out, "zvh", c->zvh);
    rg_w_kuint(out, "plan_v", c->plan_v);
    rg_w_cstr(out, "rel");
    rg_w_array(out, c->nrel);
    for (uint32_t i = 0; i < c->nrel; i++) {
        rg_w_array(out, 2);
        rg_w_uint(out, c->rel[i].seq);
        rg_w_cstr(out, c->rel[i].org);
    }
    rg_w_kuint(out, "version", c->version);
    rg_w_kstr(out, "state", rg_state_name(c->state));
    rg_w_kstr(out, "route", rg_route_name(c->route));
    rg_w_kuint(out, "report_seq", c->report_seq);
    rg_w_kuint(out, "last_seq", c->last_seq);
    rg_w_kuint(out, "created_at", c->created_at);
    rg_w_kuint(out, "updated_at", c->updated_at);
    rg_w_kuint(out, "state_since", c->state_since);
    rg_w_kuint(out, "number", c->number);
    rg_w_kstr(out, "reporter_org", c->reporter_org);
    rg_w_kstr(out, "procesregisseur", c->procesregisseur);
    rg_w_kstr(out, "target_group", c->target_group);
    rg_w_kstr(out, "urgency", c->urgency);
    rg_w_cstr(out, "parts");
    rg_w_array(out, c->nparts);
    for (uint32_t i = 0; i < c->nparts; i++) {
        rg_w_array(out, 2);
        rg_w_cstr(out, c->parts[i].org);
        rg_w_uint(out, c->parts[i].since);
    }
    rg_w_kstr(out, "referred_to", c->referred_to);
    rg_w_kstr(out, "release_date", c->release_date);
    rg_w_cstr(out, "reqs");
    rg_w_array(out, c->nreqs);
    for (uint32_t i = 0; i < c->nreqs; i++) {
        rg_w_array(out, 6);
        rg_w_cstr(out, c->reqs[i].id);
        rg_w_cstr(out, c->reqs[i].org);
        rg_w_cstr(out, c->reqs[i].due);
        rg_w_bool(out, c->reqs[i].answered);
        rg_w_uint(out, c->reqs[i].v);
        rg_w_uint(out, c->reqs[i].persons);
    }
    rg_w_kstr(out, "meeting_at", c->meeting_at);
    rg_w_kbool(out, "meeting_held", c->meeting_held);
    rg_w_kbool(out, "meeting_eval", c->meeting_eval);
    rg_w_kuint(out, "plan_rev", c->plan_rev);
    rg_w_kbool(out, "plan_agreed", c->plan_agreed);
    rg_w_kstr(out, "casusregisseur", c->casusregisseur);
    rg_w_cstr(out, "actions");
    rg_w_array(out, c->nactions);
    for (uint32_t i = 0; i < c->nactions; i++) encode_action(out, &c->actions[i]);
    /* A pending revision: [no, v, casusregisseur, [actions]], or nil. */
    rg_w_cstr(out, "revision");
    if (c->revising) {
        rg_w_array(out, 4);
        rg_w_uint(out, c->rev_no);
        rg_w_uint(out, c->rev_v);
        rg_w_cstr(out, c->rev_casus);
        rg_w_array(out, c->nrev);
        for (uint32_t i = 0; i < c->nrev; i++) encode_action(out, &c->rev[i]);
    } else {
        rg_w_nil(out);
    }
    rg_w_cstr(out, "agreed");
    rg_w_array(out, c->nagreed);
    for (uint32_t i = 0; i < c->nagreed; i++) rg_w_cstr(out, c->agreed[i]);
    rg_w_kuint(out, "last_review_at", c->last_review_at);
    rg_w_kuint(out, "esc", (uint64_t)c->esc_level << 8 | (uint64_t)c->esc_max);
    rg_w_kuint(out, "closed_at", c->closed_at);
    rg_w_cstr(out, "ladder");
    rg_w_array(out, 3);
    rg_w_uint(out, (uint64_t)c->ladder);
    rg_w_cstr(out, c->ladder_norm >= 0 ? rg_norms[c->ladder_norm].name : "");
    rg_w_cstr(out, c->ladder_item);
    rg_w_kuint(out, "esc_at", c->esc_at);
    rg_w_cstr(out, "esc_orgs");
    rg_w_array(out, c->nesc_orgs);
    for (uint32_t i = 0; i < c->nesc_orgs; i++) rg_w_cstr(out, c->esc_orgs[i]);
    rg_w_cstr(out, "dl");
    rg_w_array(out, c->ndl);
    for (uint32_t i = 0; i < c->ndl; i++) {
        const rg_deadline *d = &c->dl[i];
        rg_w_array(out, 7);
        rg_w_cstr(out, rg_norms[d->norm].name);
        rg_w_cstr(out, d->item);
        rg_w_uint(out, d->due);
        rg_w_bool(out, d->fired);
        rg_w_uint(out, d->fired_at);
        rg_w_uint(out, d->escalate_at);
        rg_w_uint(out, d->set_at);
    }
}

typedef struct dec {
    const rg_val *m;
    bool ok;
} dec;

static void u64(dec *d, const char *k, uint64_t *out)
{
    if (!rg_val_uint(rg_map_get(d->m, k), out)) d->ok = false;
}

static void u32(dec *d, const char *k, uint32_t *out)
{
    uint64_t v = 0;
    u64(d, k, &v);
    *out = (uint32_t)v;
}

static void str(dec *d, const char *k, char *dst, size_t cap)
{
    if (!rg_val_strcpy(rg_map_get(d->m, k), dst, cap)) d->ok = false;
}

static void boolean(dec *d, const char *k, bool *out)
{
    if (!rg_val_bool(rg_map_get(d->m, k), out)) d->ok = false;
}

/* The i-th field of a record array element. */
static bool rstr(const rg_val *rec, uint32_t i, char *dst, size_t cap)
{
    return i < rg_array_size(rec) && rg_val_strcpy(rg_array_at(rec, i), dst, cap);
}

static bool ruint(const rg_val *rec, uint32_t i, uint64_t *out)
{
    return i < rg_array_size(rec) && rg_val_uint(rg_array_at(rec, i), out);
}

/* Element i of a stored record, or NULL when it has fewer (an older
 * projection, or bytes that were never one). */
static const rg_val *rval(const rg_val *rec, uint32_t i)
{
    return i < rg_array_size(rec) ? rg_array_at(rec, i) : NULL;
}

static bool decode_action(const rg_val *r, rg_action *x)
{
    uint64_t st = 0;
    if (!rstr(r, 0, x->id, sizeof x->id) || !rstr(r, 1, x->owner, sizeof x->owner) ||
        !rstr(r, 2, x->due, sizeof x->due) || !ruint(r, 3, &st) || st > RG_ACT_HANDED_OVER)
        return false;
    x->status = (int)st;
    /* projections from before: about no one named */
    return rg_array_size(r) < 5 || ruint(r, 4, &x->persons);
}

static void records(dec *d, rg_case *c)
{
    const rg_val *a = rg_map_get(d->m, "parts");
    for (uint32_t i = 0; i < rg_array_size(a); i++) {
        char org[RG_ID_MAX];
        uint64_t since;
        if (!rstr(rg_array_at(a, i), 0, org, sizeof org) || !ruint(rg_array_at(a, i), 1, &since))
            d->ok = false;
        else
            rg_case_join(c, org, (uint32_t)since);
    }
    a = rg_map_get(d->m, "reqs");
    for (uint32_t i = 0; i < rg_array_size(a); i++) {
        const rg_val *r = rg_array_at(a, i);
        rg_request *q = rg_case_add_request(c);
        if (!rstr(r, 0, q->id, sizeof q->id) || !rstr(r, 1, q->org, sizeof q->org) ||
            !rstr(r, 2, q->due, sizeof q->due) || rg_array_size(r) < 4 ||
            !rg_val_bool(rg_array_at(r, 3), &q->answered))
            d->ok = false;
        uint64_t qv = 0;            /* older projections: asked at version 1 */
        if (rg_array_size(r) > 4 && !ruint(r, 4, &qv)) d->ok = false;
        q->v = qv ? (uint32_t)qv : 1;
        /* older projections: about no one named */
        if (rg_array_size(r) > 5 && !ruint(r, 5, &q->persons)) d->ok = false;
    }
    a = rg_map_get(d->m, "actions");
    for (uint32_t i = 0; i < rg_array_size(a); i++) {
        const rg_val *r = rg_array_at(a, i);
        if (!decode_action(r, rg_case_add_action(c))) d->ok = false;
    }
    /* Projections from before revisions kept the plan have no revision. */
    const rg_val *rv = rg_map_get(d->m, "revision");
    if (rv && rg_array_size(rv) == 4) {
        uint64_t no = 0, v = 0;
        if (!ruint(rv, 0, &no) || !ruint(rv, 1, &v) || !rstr(rv, 2, c->rev_casus, sizeof c->rev_casus))
            d->ok = false;
        c->revising = true;
        c->rev_no = (uint32_t)no;
        c->rev_v = (uint32_t)v;
        a = rg_array_at(rv, 3);
        for (uint32_t i = 0; i < rg_array_size(a); i++) {
            const rg_val *r = rg_array_at(a, i);
            if (!decode_action(r, rg_case_add_rev_action(c))) d->ok = false;
        }
    }
    a = rg_map_get(d->m, "dl");
    for (uint32_t i = 0; i < rg_array_size(a); i++) {
        const rg_val *r = rg_array_at(a, i);
        char norm[64];
        rg_deadline x;
        memset(&x, 0, sizeof x);
        if (!rstr(r, 0, norm, sizeof norm) || !rstr(r, 1, x.item, sizeof x.item) ||
            !ruint(r, 2, &x.due) || rg_array_size(r) < 6 ||
            !rg_val_bool(rg_array_at(r, 3), &x.fired) || !ruint(r, 4, &x.fired_at) ||
            !ruint(r, 5, &x.escalate_at) || (x.norm = rg_norm_find(norm)) < 0) {
            d->ok = false;
            continue;
        }
        /* Projections written before set_at was kept have six fields. */
        if (rg_array_size(r) > 6 && !ruint(r, 6, &x.set_at)) d->ok = false;
        rg_deadline *slot = rg_case_add_deadline(c);
        *slot = x;
    }
    a = rg_map_get(d->m, "rel");
    for (uint32_t i = 0; i < rg_array_size(a); i++) {
        uint64_t seq;
        char org[RG_ID_MAX];
        if (!ruint(rg_array_at(a, i), 0, &seq) || !rstr(rg_array_at(a, i), 1, org, sizeof org))
            d->ok = false;
        else
            rg_case_add_release(c, seq, org);
    }
    a = rg_map_get(d->m, "esc_orgs");             /* none in projections from before */
    for (uint32_t i = 0; i < rg_array_size(a); i++) {
        char org[RG_ID_MAX];
        if (!rg_val_strcpy(rg_array_at(a, i), org, sizeof org)) d->ok = false;
        else rg_case_add_esc_org(c, org);
    }
    a = rg_map_get(d->m, "persons");
    for (uint32_t i = 0; i < rg_array_size(a); i++) {
        const rg_val *r = rg_array_at(a, i);
        char role[16];
        uint64_t seq;
        bool removed = false, erased = false;
        rg_val_bool(rval(r, 3), &erased);               /* none before persons had keys */
        if (!rstr(r, 0, role, sizeof role) || !ruint(r, 1, &seq) || !rg_val_bool(rval(r, 2), &removed) ||
            rg_case_add_person(c, role, seq) < 0) {
            d->ok = false;
        } else {
            c->persons[c->npersons - 1].removed = removed;
            c->persons[c->npersons - 1].erased = erased;
            uint64_t restricted = 0;                    /* none before restriction per person */
            if (rg_array_size(r) > 5 && (!ruint(r, 5, &restricted) || restricted > 3)) d->ok = false;
            c->persons[c->npersons - 1].restricted = (uint8_t)restricted;
            /* none before client.perspective */
            if (rg_array_size(r) > 6 && !ruint(r, 6, &c->persons[c->npersons - 1].perspective)) d->ok = false;
            const rg_val *orgs = rval(r, 4);             /* none before person.share */
            for (uint32_t j = 0; j < rg_array_size(orgs); j++) {
                char org[RG_ID_MAX];
                if (!rg_val_strcpy(rg_array_at(orgs, j), org, sizeof org)) {
                    d->ok = false;
                    continue;
                }
                GROW(c->shares, c->nshares, c->capshares);
                c->shares[c->nshares].person = c->npersons - 1;
                snprintf(c->shares[c->nshares].org, RG_ID_MAX, "%s", org);
                c->nshares++;
            }
        }
    }
    a = rg_map_get(d->m, "agreed");
    for (uint32_t i = 0; i < rg_array_size(a); i++) {
        char org[RG_ID_MAX];
        if (!rg_val_strcpy(rg_array_at(a, i), org, sizeof org)) d->ok = false;
        else rg_case_add_agreement(c, org);
    }
}

int rg_case_decode(rg_case **out, const uint8_t *p, size_t n)
{
    rg_doc *doc;
    const char *why;
    *out = NULL;
    if (rg_doc_parse(&doc, p, n, &why) < 0) return RG_ESTORAGE;
    dec d = {rg_doc_root(doc), true};
    char id[RG_ID_MAX] = "", state[32] = "", route[32] = "";
    str(&d, "id", id, sizeof id);
    rg_case *c = rg_case_new(id);
    /* Projections from before regions (no zvh) belong to the first one. */
    if (!rg_val_strcpy(rg_map_get(d.m, "zvh"), c->zvh, sizeof c->zvh) || !c->zvh[0])
        snprintf(c->zvh, sizeof c->zvh, "%s", RG_ZVH_DEFAULT);
    uint64_t plan_v = 0;
    rg_val_uint(rg_map_get(d.m, "plan_v"), &plan_v);
    rg_val_bool(rg_map_get(d.m, "erased"), &c->erased);
    rg_val_uint(rg_map_get(d.m, "subject_seq"), &c->subject_seq);
    uint64_t relapses = 0;
    rg_val_uint(rg_map_get(d.m, "relapses"), &relapses);
    c->relapses = (uint32_t)relapses;
    c->plan_v = (uint32_t)plan_v;
    u32(&d, "version", &c->version);
    str(&d, "state", state, sizeof state);
    str(&d, "route", route, sizeof route);
    c->state = rg_state_parse(state, (uint32_t)strlen(state));
    c->route = rg_route_parse(route, (uint32_t)strlen(route));
    u64(&d, "report_seq", &c->report_seq);
    u64(&d, "last_seq", &c->last_seq);
    u64(&d, "created_at", &c->created_at);
    u64(&d, "updated_at", &c->updated_at);
    u64(&d, "state_since", &c->state_since);
    rg_val_uint(rg_map_get(d.m, "number"), &c->number);
    /* Projections from before numbers: the number the old id carries. */
    if (!c->number && strncmp(c->id, "ZVH-", 4) == 0 && strlen(c->id) == 12 && strspn(c->id + 4, "0123456789") == 8)
        c->number = strtoull(c->id + 4, NULL, 10);
    str(&d, "reporter_org", c->reporter_org, sizeof c->reporter_org);
    str(&d, "procesregisseur", c->procesregisseur, sizeof c->procesregisseur);
    str(&d, "target_group", c->target_group, sizeof c->target_group);
    str(&d, "urgency", c->urgency, sizeof c->urgency);
    /* Projections from before the fixed lists hold the text as reported:
     * the word it means, as the upcast report gives a rebuild (a data-subject
     * request keeps its kind there). */
    if (c->route != RG_RT_SUBJECT_REQUEST) {
        bool exact;
        snprintf(c->target_group, sizeof c->target_group, "%s",
                 rg_target_group_of(c->target_group, (uint32_t)strlen(c->target_group), &exact));
        snprintf(c->urgency, sizeof c->urgency, "%s", rg_urgency_of(c->urgency, (uint32_t)strlen(c->urgency), &exact));
    }
    c->covenants = rg_covenant_bit(c->target_group, (uint32_t)strlen(c->target_group));
    str(&d, "referred_to", c->referred_to, sizeof c->referred_to);
    str(&d, "release_date", c->release_date, sizeof c->release_date);
    str(&d, "meeting_at", c->meeting_at, sizeof c->meeting_at);
    boolean(&d, "meeting_held", &c->meeting_held);
    c->meeting_eval = false;                       /* none in projections from before */
    rg_val_bool(rg_map_get(d.m, "meeting_eval"), &c->meeting_eval);
    u32(&d, "plan_rev", &c->plan_rev);
    boolean(&d, "plan_agreed", &c->plan_agreed);
    str(&d, "casusregisseur", c->casusregisseur, sizeof c->casusregisseur);
    u64(&d, "last_review_at", &c->last_review_at);
    uint64_t esc = 0;
    u64(&d, "esc", &esc);
    c->esc_level = (int)(esc >> 8);
    c->esc_max = (int)(esc & 0xff);
    rg_val_uint(rg_map_get(d.m, "esc_at"), &c->esc_at);
    u64(&d, "closed_at", &c->closed_at);
    /* Projections from before the ladder remembered have none. */
    const rg_val *lad = rg_map_get(d.m, "ladder");
    if (lad) {
        uint64_t lv = 0;
        char ln[64] = "";
        if (!ruint(lad, 0, &lv) || lv > RG_ESC_TOP || !rstr(lad, 1, ln, sizeof ln) ||
            !rstr(lad, 2, c->ladder_item, sizeof c->ladder_item) ||
            (ln[0] && (c->ladder_norm = rg_norm_find(ln)) < 0))
            d.ok = false;
        c->ladder = (int)lv;
    }
    records(&d, c);
    if (!c->subject_seq) c->subject_seq = c->report_seq;   /* projections from before corrections */
    /* Projections from before households: the subject is the one person. */
    if (!rg_map_get(d.m, "persons") && c->report_seq && c->route != RG_RT_SUBJECT_REQUEST)
        rg_case_add_person(c, "subject", c->subject_seq);
    /* Projections from before plan_v was kept: a plan of unknown version is
     * taken as shown from the start. */
    if (c->plan_rev && !c->plan_v) c->plan_v = 1;
    rg_doc_free(doc);
    if (!d.ok || c->state < 0 || c->route < 0) {
        rg_case_free(c);
        return RG_ESTORAGE;
    }
    *out = c;
    return 0;
}
