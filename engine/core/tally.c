/*
 * tally.c - figures kept as cases change (tally.h).
 */
#include "tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../storage/codec.h"
#include "../storage/errors.h"
#include "../domain/deadlines.h"

/* v3: with the events per region; v4: with the lead times; v5: with the
 * running stays and the escalations by level; v6: with the deadlines
 * pending; v7: with the overdue items per organisation (a directory with
 * an earlier version is tallied again, once). */
#define MARKER "tally_v7"
#define KEY_MAX (16 + 3 * RG_ID_MAX)

typedef struct rg_load {
    uint64_t open[RG_NROUTES];
    bool dirty;
} rg_load;

/* Lead-time buckets: v < 128 exact; above, 64 per power of two. */
#define SUB 64
#define LEAD_BUCKETS (2 * SUB + (64 - 7) * SUB)

typedef struct rg_leads {
    uint32_t *n[RG_NSTATES];  /* LEAD_BUCKETS counts, allocated when first used */
    uint64_t total[RG_NSTATES];
    bool dirty[RG_NSTATES];
} rg_leads;

static uint32_t bucket_of(uint64_t v)
{
    if (v < 2 * SUB) return (uint32_t)v;
    int p = 63 - __builtin_clzll(v);            /* 2^p <= v, p >= 7 */
    return (uint32_t)(2 * SUB + (p - 7) * SUB + (int)((v >> (p - 6)) - SUB));
}

/* The value a bucket stands for: itself when exact, else its middle. */
static uint64_t bucket_value(uint32_t b)
{
    if (b < 2 * SUB) return b;
    int p = 7 + (int)((b - 2 * SUB) / SUB);
    uint64_t m = SUB + (b - 2 * SUB) % SUB, width = 1ULL << (p - 6);
    return (m << (p - 6)) + width / 2;
}

void rg_tallies_init(rg_tallies *t)
{
    rg_hmap_init(&t->regions);
    rg_hmap_init(&t->loads);
    rg_hmap_init(&t->leads);
    rg_hmap_init(&t->owed);
}

void rg_tallies_free(rg_tallies *t)
{
    rg_hmap_slot *s;
    for (size_t i = 0; (i = rg_hmap_next(&t->regions, i, &s)) != 0;) free(s->val);
    for (size_t i = 0; (i = rg_hmap_next(&t->loads, i, &s)) != 0;) free(s->val);
    for (size_t i = 0; (i = rg_hmap_next(&t->leads, i, &s)) != 0;) {
        rg_leads *l = s->val;
        for (int st = 0; st < RG_NSTATES; st++) free(l->n[st]);
        free(l);
    }
    rg_hmap_free(&t->regions);
    rg_hmap_free(&t->loads);
    for (size_t i = 0; (i = rg_hmap_next(&t->owed, i, &s)) != 0;) free(s->val);
    rg_hmap_free(&t->leads);
    rg_hmap_free(&t->owed);
}

static rg_leads *leads_of(rg_tallies *t, const char *zvh)
{
    size_t n = strlen(zvh);
    rg_leads *l = rg_hmap_get(&t->leads, zvh, n);
    if (!l) {
        l = rg_calloc(1, sizeof *l);
        rg_hmap_put(&t->leads, zvh, n, l);
    }
    return l;
}

static void lead_add(rg_leads *l, int state, uint32_t b, uint64_t count)
{
    if (!l->n[state]) l->n[state] = rg_calloc(LEAD_BUCKETS, sizeof *l->n[state]);
    l->n[state][b] += (uint32_t)count;
    l->total[state] += count;
    l->dirty[state] = true;
}

size_t rg_tally_route_name(char k[RG_LEAD_NAME_MAX], const char *zvh, int route)
{
    k[0] = '\0';
    if (route < 0 || route >= RG_NROUTES) return 0;
    int n = snprintf(k, RG_LEAD_NAME_MAX, "%s/%s", zvh, rg_route_name(route));
    return n < 0 || n >= RG_LEAD_NAME_MAX ? 0 : (size_t)n;
}

void rg_tally_lead(rg_tallies *t, const char *zvh, int route, int state, uint64_t ms)
{
    if (state < 0 || state >= RG_NSTATES) return;
    lead_add(leads_of(t, zvh), state, bucket_of(ms), 1);
    /* Per route too (issue 21), beside the region's: a name of its own
     * in the same map, so keeping, writing and reading them is the same. */
    char k[RG_LEAD_NAME_MAX];
    if (rg_tally_route_name(k, zvh, route)) lead_add(leads_of(t, k), state, bucket_of(ms), 1);
}

int rg_tally_median(const rg_tallies *t, const char *zvh, int state, uint64_t *ms, uint64_t *count)
{
    *ms = 0;
    *count = 0;
    const rg_leads *l = rg_hmap_get(&t->leads, zvh, strlen(zvh));
    if (!l || state < 0 || state >= RG_NSTATES || !l->total[state]) return RG_ENOTFOUND;
    *count = l->total[state];
    return rg_tally_percentile(t, zvh, state, 50, ms);
}

int rg_tally_percentile(const rg_tallies *t, const char *zvh, int state, int pct, uint64_t *ms)
{
    *ms = 0;
    const rg_leads *l = rg_hmap_get(&t->leads, zvh, strlen(zvh));
    if (!l || state < 0 || state >= RG_NSTATES || !l->total[state] || pct < 1 || pct > 100) return RG_ENOTFOUND;
    /* The median is the lower middle (rank (n-1)/2, as before); others the
     * nearest rank ceil(n * pct / 100). */
    uint64_t n = l->total[state];
    uint64_t rank = pct == 50 ? (n - 1) / 2 : (n * (uint64_t)pct + 99) / 100 - 1, seen = 0;
    for (uint32_t b = 0; b < LEAD_BUCKETS; b++) {
        seen += l->n[state][b];
        if (seen > rank) {
            *ms = bucket_value(b);
            break;
        }
    }
    return 0;
}

static size_t region_key(char k[KEY_MAX], const char *zvh, uint32_t covenants)
{
    return (size_t)snprintf(k, KEY_MAX, "tally/%s/%08x", zvh, (unsigned)covenants);
}

static rg_tally *region(rg_tallies *t, const char *zvh, uint32_t covenants)
{
    char k[KEY_MAX];
    size_t kn = region_key(k, zvh, covenants);
    rg_tally *r = rg_hmap_get(&t->regions, k, kn);
    if (!r) {
        r = rg_calloc(1, sizeof *r);
        snprintf(r->zvh, sizeof r->zvh, "%s", zvh);
        r->covenants = covenants;
        rg_hmap_put(&t->regions, k, kn, r);
    }
    return r;
}

static rg_load *load(rg_tallies *t, const char *who)
{
    size_t n = strlen(who);
    rg_load *l = rg_hmap_get(&t->loads, who, n);
    if (!l) {
        l = rg_calloc(1, sizeof *l);
        rg_hmap_put(&t->loads, who, n, l);
    }
    return l;
}

static rg_owed *owed(rg_tallies *t, const char *zvh, uint32_t covenants, const char *org)
{
    char k[KEY_MAX];
    int kn = snprintf(k, sizeof k, "%s/%08x/%s", zvh, (unsigned)covenants, org);
    rg_owed *o = rg_hmap_get(&t->owed, k, (size_t)kn);
    if (!o) {
        o = rg_calloc(1, sizeof *o);
        snprintf(o->zvh, sizeof o->zvh, "%s", zvh);
        o->covenants = covenants;
        snprintf(o->org, sizeof o->org, "%s", org);
        rg_hmap_put(&t->owed, k, (size_t)kn, o);
    }
    return o;
}

void rg_tally_case(rg_tallies *t, const rg_case *cs, int sign)
{
    /* As `stats` counted when it walked: a case without a route or state
     * of the tables counts nowhere. */
    if (cs->route < 0 || cs->route >= RG_NROUTES || cs->state < 0 || cs->state >= RG_NSTATES) return;
    uint64_t d = (uint64_t)(int64_t)sign;     /* wraps: -1 takes one away */
    bool open = rg_state_open(cs->state);
    rg_tally *r = region(t, cs->zvh, cs->covenants);
    r->all[cs->route] += d;
    if (open) r->open[cs->route] += d;
    r->states[cs->state] += d;
    r->relapses += d * cs->relapses;
    r->stagnations += d * rg_case_stagnations(cs);
    r->events += d * cs->version;
    r->since_sum[cs->state] += d * cs->state_since;
    if (cs->esc_level >= 1 && cs->esc_level <= RG_ESC_TOP) r->esc_open[cs->esc_level] += d;
    if (cs->esc_max >= 1 && cs->esc_max <= RG_ESC_TOP) r->esc_reached[cs->esc_max] += d;
    r->pending += d * (cs->ndl - rg_case_stagnations(cs));
    r->dirty = true;
    for (uint32_t i = 0; i < cs->ndl; i++) {
        char org[RG_ID_MAX];
        if (!rg_deadline_owed(cs, &cs->dl[i], org, sizeof org)) continue;
        rg_owed *o = owed(t, cs->zvh, cs->covenants, org);
        o->n += d;
        o->dirty = true;
    }
    if (open && cs->procesregisseur[0]) {
        rg_load *l = load(t, cs->procesregisseur);
        l->open[cs->route] += d;
        l->dirty = true;
    }
}

void rg_tallies_merge(rg_tallies *into, const rg_tallies *from)
{
    rg_hmap_slot *s;
    for (size_t i = 0; (i = rg_hmap_next(&from->regions, i, &s)) != 0;) {
        const rg_tally *f = s->val;
        rg_tally *r = region(into, f->zvh, f->covenants);
        for (int k = 0; k < RG_NROUTES; k++) {
            r->all[k] += f->all[k];
            r->open[k] += f->open[k];
        }
        for (int k = 0; k < RG_NSTATES; k++) r->states[k] += f->states[k];
        for (int k = 0; k < RG_NSTATES; k++) r->since_sum[k] += f->since_sum[k];
        for (int k = 0; k <= RG_ESC_TOP; k++) r->esc_open[k] += f->esc_open[k];
        r->pending += f->pending;
        for (int k = 0; k <= RG_ESC_TOP; k++) r->esc_reached[k] += f->esc_reached[k];
        for (int k = 0; k <= RG_ESC_TOP; k++) r->esc_decided[k] += f->esc_decided[k];
        for (int k = 0; k <= RG_ESC_TOP; k++) r->esc_climbed[k] += f->esc_climbed[k];
        for (int k = 0; k <= RG_ESC_TOP; k++) r->esc_ended[k] += f->esc_ended[k];
        r->relapses += f->relapses;
        r->stagnations += f->stagnations;
        r->events += f->events;
        r->dirty = true;
    }
    for (size_t i = 0; (i = rg_hmap_next(&from->loads, i, &s)) != 0;) {
        char who[RG_ID_MAX];
        snprintf(who, sizeof who, "%.*s", (int)s->klen, s->key);
        const rg_load *f = s->val;
        rg_load *l = load(into, who);
        for (int k = 0; k < RG_NROUTES; k++) l->open[k] += f->open[k];
        l->dirty = true;
    }
    for (size_t i = 0; (i = rg_hmap_next(&from->owed, i, &s)) != 0;) {
        const rg_owed *f = s->val;
        rg_owed *o = owed(into, f->zvh, f->covenants, f->org);
        o->n += f->n;
        o->dirty = true;
    }
}

void rg_tally_escalation(rg_tallies *t, const char *zvh, uint32_t covenants, int before, int after,
                         const char *type)
{
    if (before < 1 || before > RG_ESC_TOP || after == before) return;
    rg_tally *r = region(t, zvh, covenants);
    if (after > before) r->esc_climbed[before]++;
    else if (after == 0 && strcmp(type, "escalation.resolved") == 0) r->esc_decided[before]++;
    else if (after == 0) r->esc_ended[before]++;
    else return;
    r->dirty = true;
}

static int by_org(const void *a, const void *b)
{
    return strcmp(((const rg_owed_row *)a)->org, ((const rg_owed_row *)b)->org);
}

size_t rg_tallies_owed(const rg_tallies *t, const char *zvh, uint32_t covenants, rg_owed_row **rows)
{
    /* A row per organisation of the region's visible sets: a few dozen. */
    size_t n = 0, cap = 0;
    *rows = NULL;
    rg_hmap_slot *s;
    for (size_t i = 0; (i = rg_hmap_next(&t->owed, i, &s)) != 0;) {
        const rg_owed *o = s->val;
        if (!o->n || strcmp(o->zvh, zvh) != 0 || (o->covenants & ~covenants)) continue;
        size_t j = 0;
        while (j < n && strcmp((*rows)[j].org, o->org) != 0) j++;
        if (j == n) {
            if (n == cap) {
                cap = cap ? 2 * cap : 8;
                *rows = rg_realloc(*rows, cap * sizeof **rows);
            }
            memset(&(*rows)[n], 0, sizeof **rows);
            snprintf((*rows)[n].org, sizeof (*rows)[n].org, "%s", o->org);
            n++;
        }
        (*rows)[j].n += o->n;
    }
    if (n) qsort(*rows, n, sizeof **rows, by_org);
    return n;
}

void rg_tallies_region(const rg_tallies *t, const char *zvh, uint32_t covenants, rg_tally *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->zvh, sizeof out->zvh, "%s", zvh);
    out->covenants = covenants;
    /* A handful of sets per region: the covenants in use. */
    rg_hmap_slot *s;
    for (size_t i = 0; (i = rg_hmap_next(&t->regions, i, &s)) != 0;) {
        const rg_tally *r = s->val;
        if (strcmp(r->zvh, zvh) != 0 || (r->covenants & ~covenants)) continue;
        for (int k = 0; k < RG_NROUTES; k++) {
            out->all[k] += r->all[k];
            out->open[k] += r->open[k];
        }
        for (int k = 0; k < RG_NSTATES; k++) out->states[k] += r->states[k];
        for (int k = 0; k < RG_NSTATES; k++) out->since_sum[k] += r->since_sum[k];
        for (int k = 0; k <= RG_ESC_TOP; k++) out->esc_open[k] += r->esc_open[k];
        out->pending += r->pending;
        for (int k = 0; k <= RG_ESC_TOP; k++) out->esc_reached[k] += r->esc_reached[k];
        for (int k = 0; k <= RG_ESC_TOP; k++) out->esc_decided[k] += r->esc_decided[k];
        for (int k = 0; k <= RG_ESC_TOP; k++) out->esc_climbed[k] += r->esc_climbed[k];
        for (int k = 0; k <= RG_ESC_TOP; k++) out->esc_ended[k] += r->esc_ended[k];
        out->relapses += r->relapses;
        out->stagnations += r->stagnations;
        out->events += r->events;
    }
}

uint64_t rg_tally_load(const rg_tallies *t, const char *who, int route)
{
    const rg_load *l = rg_hmap_get(&t->loads, who, strlen(who));
    return l && route >= 0 && route < RG_NROUTES ? l->open[route] : 0;
}

static void put_region(rg_batch *b, const char *k, size_t kn, const rg_tally *r)
{
    rg_buf v = RG_BUF_INIT;
    rg_w_array(&v, 2 * RG_NROUTES + 2 * RG_NSTATES + 4 + 5 * RG_ESC_TOP);
    for (int i = 0; i < RG_NROUTES; i++) rg_w_uint(&v, r->all[i]);
    for (int i = 0; i < RG_NROUTES; i++) rg_w_uint(&v, r->open[i]);
    for (int i = 0; i < RG_NSTATES; i++) rg_w_uint(&v, r->states[i]);
    rg_w_uint(&v, r->relapses);
    rg_w_uint(&v, r->stagnations);
    rg_w_uint(&v, r->events);
    for (int i = 0; i < RG_NSTATES; i++) rg_w_uint(&v, r->since_sum[i]);
    for (int i = 1; i <= RG_ESC_TOP; i++) rg_w_uint(&v, r->esc_open[i]);
    for (int i = 1; i <= RG_ESC_TOP; i++) rg_w_uint(&v, r->esc_reached[i]);
    rg_w_uint(&v, r->pending);
    for (int i = 1; i <= RG_ESC_TOP; i++) rg_w_uint(&v, r->esc_decided[i]);
    for (int i = 1; i <= RG_ESC_TOP; i++) rg_w_uint(&v, r->esc_climbed[i]);
    for (int i = 1; i <= RG_ESC_TOP; i++) rg_w_uint(&v, r->esc_ended[i]);
    rg_batch_put(b, RG_CF_META, k, kn, v.data, v.len);
    rg_buf_free(&v);
}

static void put_load(rg_batch *b, const char *who, size_t wn, const rg_load *l)
{
    char k[KEY_MAX];
    int kn = snprintf(k, sizeof k, "load/%.*s", (int)wn, who);
    rg_buf v = RG_BUF_INIT;
    rg_w_array(&v, RG_NROUTES);
    for (int i = 0; i < RG_NROUTES; i++) rg_w_uint(&v, l->open[i]);
    rg_batch_put(b, RG_CF_META, k, (size_t)kn, v.data, v.len);
    rg_buf_free(&v);
}

void rg_tallies_put(rg_tallies *t, rg_batch *b, bool all)
{
    rg_hmap_slot *s;
    for (size_t i = 0; (i = rg_hmap_next(&t->regions, i, &s)) != 0;) {
        rg_tally *r = s->val;
        if (all || r->dirty) put_region(b, s->key, s->klen, r);
        r->dirty = false;
    }
    for (size_t i = 0; (i = rg_hmap_next(&t->loads, i, &s)) != 0;) {
        rg_load *l = s->val;
        if (all || l->dirty) put_load(b, s->key, s->klen, l);
        l->dirty = false;
    }
    for (size_t i = 0; (i = rg_hmap_next(&t->leads, i, &s)) != 0;) {
        rg_leads *l = s->val;
        for (int st = 0; st < RG_NSTATES; st++) {
            if (!(all || l->dirty[st]) || !l->n[st]) continue;
            l->dirty[st] = false;
            uint32_t used = 0;
            for (uint32_t k = 0; k < LEAD_BUCKETS; k++) used += l->n[st][k] != 0;
            rg_buf v = RG_BUF_INIT;
            rg_w_array(&v, 2 * used);
            for (uint32_t k = 0; k < LEAD_BUCKETS; k++)
                if (l->n[st][k]) {
                    rg_w_uint(&v, k);
                    rg_w_uint(&v, l->n[st][k]);
                }
            char key[KEY_MAX];
            int kn = snprintf(key, sizeof key, "lead/%.*s/%02x", (int)s->klen, s->key, (unsigned)st);
            rg_batch_put(b, RG_CF_META, key, (size_t)kn, v.data, v.len);
            rg_buf_free(&v);
        }
    }
    for (size_t i = 0; (i = rg_hmap_next(&t->owed, i, &s)) != 0;) {
        rg_owed *o = s->val;
        if (!(all || o->dirty)) continue;
        o->dirty = false;
        char key[KEY_MAX];
        int kn = snprintf(key, sizeof key, "owe/%.*s", (int)s->klen, s->key);
        if (o->n == 0) {
            /* Owing nothing is no row: a rebuild, which counts only what
             * is owed at the end, must find the same keys on disk. */
            rg_batch_del(b, RG_CF_META, key, (size_t)kn);
            continue;
        }
        rg_buf v = RG_BUF_INIT;
        rg_w_array(&v, 1);
        rg_w_uint(&v, o->n);
        rg_batch_put(b, RG_CF_META, key, (size_t)kn, v.data, v.len);
        rg_buf_free(&v);
    }
    if (all) rg_batch_put(b, RG_CF_META, MARKER, strlen(MARKER), "", 0);
}

size_t rg_region_key(char k[RG_RX_KEY_MAX], const char *zvh, const char *id)
{
    int n = snprintf(k, RG_RX_KEY_MAX, "rx/%s/%s", zvh, id);
    return n < 0 ? 0 : (size_t)n < RG_RX_KEY_MAX ? (size_t)n : RG_RX_KEY_MAX - 1;
}

void rg_region_clear_keys(rg_batch *b) { rg_batch_del_range(b, RG_CF_META, "rx/", 3, "rx0", 3); }

void rg_tallies_clear_keys(rg_batch *b)
{
    rg_batch_del_range(b, RG_CF_META, "tally/", 6, "tally0", 6);   /* '0' follows '/' */
    rg_batch_del_range(b, RG_CF_META, "load/", 5, "load0", 5);
    rg_batch_del_range(b, RG_CF_META, "lead/", 5, "lead0", 5);
    rg_batch_del_range(b, RG_CF_META, "owe/", 4, "owe0", 4);
}

/* Fill n numbers from the array a, starting at *at. */
static void take(const rg_val *a, uint32_t *at, uint64_t *out, int n)
{
    for (int i = 0; i < n; i++, (*at)++) {
        out[i] = 0;
        if (*at < rg_array_size(a)) rg_val_uint(rg_array_at(a, *at), &out[i]);
    }
}

static int read_prefix(rg_tallies *t, rg_log *log, const char *prefix)
{
    size_t pn = strlen(prefix);
    rg_iter *it = rg_iter_new(log, RG_CF_META);
    int rc = 0;
    for (rg_iter_seek(it, prefix, pn); rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn, vn;
        const char *k = (const char *)rg_iter_key(it, &kn);
        if (kn <= pn || memcmp(k, prefix, pn) != 0) break;
        const uint8_t *v = rg_iter_value(it, &vn);
        rg_doc *d;
        const char *why;
        if (rg_doc_parse(&d, v, vn, &why) < 0) {
            rc = RG_ESTORAGE;
            break;
        }
        const rg_val *a = rg_doc_root(d);
        uint32_t at = 0;
        if (prefix[0] == 'o') {
            /* "owe/" zvh "/" hex8 "/" org */
            const char *z = k + pn, *end = k + kn;
            const char *s1 = memchr(z, '/', (size_t)(end - z));
            const char *s2 = s1 && end - s1 > 10 ? s1 + 9 : NULL;
            if (!s2 || *s2 != '/' || s1 - z >= RG_ID_MAX || end - s2 - 1 >= RG_ID_MAX || end - s2 - 1 < 1) {
                rg_doc_free(d);
                rc = RG_ESTORAGE;
                break;
            }
            char zvh[RG_ID_MAX], hex[9], org[RG_ID_MAX];
            snprintf(zvh, sizeof zvh, "%.*s", (int)(s1 - z), z);
            snprintf(hex, sizeof hex, "%.8s", s1 + 1);
            snprintf(org, sizeof org, "%.*s", (int)(end - s2 - 1), s2 + 1);
            rg_owed *o = owed(t, zvh, (uint32_t)strtoul(hex, NULL, 16), org);
            take(a, &at, &o->n, 1);
            o->dirty = false;
        } else if (prefix[1] == 'e') {
            /* "lead/" zvh "/" hex2 */
            const char *slash = kn > pn + 3 ? k + kn - 3 : NULL;
            if (!slash || *slash != '/' || (size_t)(slash - k) - pn >= RG_LEAD_NAME_MAX) {
                rg_doc_free(d);
                rc = RG_ESTORAGE;
                break;
            }
            char zvh[RG_LEAD_NAME_MAX], hex[3];     /* a region, or region "/" route */
            snprintf(zvh, sizeof zvh, "%.*s", (int)(slash - k - (ptrdiff_t)pn), k + pn);
            snprintf(hex, sizeof hex, "%.2s", slash + 1);
            int st = (int)strtoul(hex, NULL, 16);
            rg_leads *l = leads_of(t, zvh);
            for (uint32_t i = 0; st < RG_NSTATES && i + 1 < rg_array_size(a); i += 2) {
                uint64_t b = 0, n = 0;
                rg_val_uint(rg_array_at(a, i), &b);
                rg_val_uint(rg_array_at(a, i + 1), &n);
                if (b < LEAD_BUCKETS) lead_add(l, st, (uint32_t)b, n);
            }
            if (st < RG_NSTATES) l->dirty[st] = false;
        } else if (prefix[0] == 't') {
            /* "tally/" zvh "/" hex8 */
            const char *slash = kn > pn + 9 ? k + kn - 9 : NULL;
            if (!slash || *slash != '/' || (size_t)(slash - k) - pn >= RG_ID_MAX) {
                rg_doc_free(d);
                rc = RG_ESTORAGE;
                break;
            }
            char zvh[RG_ID_MAX], hex[9];
            snprintf(zvh, sizeof zvh, "%.*s", (int)(slash - k - (ptrdiff_t)pn), k + pn);
            snprintf(hex, sizeof hex, "%.8s", slash + 1);
            rg_tally *r = region(t, zvh, (uint32_t)strtoul(hex, NULL, 16));
            take(a, &at, r->all, RG_NROUTES);
            take(a, &at, r->open, RG_NROUTES);
            take(a, &at, r->states, RG_NSTATES);
            take(a, &at, &r->relapses, 1);
            take(a, &at, &r->stagnations, 1);
            take(a, &at, &r->events, 1);
            take(a, &at, r->since_sum, RG_NSTATES);
            take(a, &at, r->esc_open + 1, RG_ESC_TOP);
            take(a, &at, r->esc_reached + 1, RG_ESC_TOP);
            take(a, &at, &r->pending, 1);
            take(a, &at, r->esc_decided + 1, RG_ESC_TOP);
            take(a, &at, r->esc_climbed + 1, RG_ESC_TOP);
            take(a, &at, r->esc_ended + 1, RG_ESC_TOP);
            r->dirty = false;
        } else {
            char who[RG_ID_MAX];
            if (kn - pn >= RG_ID_MAX) {
                rg_doc_free(d);
                rc = RG_ESTORAGE;
                break;
            }
            snprintf(who, sizeof who, "%.*s", (int)(kn - pn), k + pn);
            rg_load *l = load(t, who);
            take(a, &at, l->open, RG_NROUTES);
            l->dirty = false;
        }
        rg_doc_free(d);
    }
    if (rg_iter_end(it) < 0) rc = RG_ESTORAGE;
    return rc;
}

int rg_tallies_read(rg_tallies *t, rg_log *log)
{
    rg_buf v = RG_BUF_INIT;
    int rc = rg_log_get(log, RG_CF_META, MARKER, strlen(MARKER), &v);
    rg_buf_free(&v);
    if (rc == RG_ENOTFOUND) return rc;
    if (rc < 0) return RG_ESTORAGE;
    rc = read_prefix(t, log, "tally/");
    if (rc == 0) rc = read_prefix(t, log, "load/");
    if (rc == 0) rc = read_prefix(t, log, "lead/");
    if (rc == 0) rc = read_prefix(t, log, "owe/");
    return rc;
}
